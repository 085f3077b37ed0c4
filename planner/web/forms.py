"""WTForms forms. They check the shape of input (a number, a choice); the rules of the domain
live in the services, whose errors the views attach to the field they name."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from planner.models import ROLE_NAMES
from planner.permissions import ROLES

ROLE_CHOICES = [SelectChoice(r, ROLE_NAMES[r]) for r in ROLES]


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class ConfirmForm(FlaskForm):
    """A form with nothing but the CSRF token, for buttons that change something."""


class StrategyForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title for the strategy"),
                                             Length(max=200)])
    start_year = IntegerField(
        "Start year",
        description="The baseline year. The forecast starts the year after.",
        validators=[InputRequired("Enter the start year as a number, for example 2026"),
                    NumberRange(2000, 2100, "Start year must be between 2000 and 2100")],
    )
    horizon = IntegerField(
        "Horizon (years)",
        description="How many years the strategy covers: 5 is usual, from 1 to 10.",
        default=5,
        validators=[InputRequired("Enter the horizon in years, from 1 to 10"),
                    NumberRange(1, 10, "Horizon must be from 1 to 10 years")],
    )
    vision = TextAreaField("Vision", description="Where the organisation wants to be.")
    mission = TextAreaField("Mission", description="What the organisation does, and for whom.")
    values = TextAreaField("Values", description="One value on each line.")
    owner = StringField("Owner", description="Who owns the strategy, for example the Director of People.",
                        validators=[Length(max=200)])


class AreaForm(FlaskForm):
    code = StringField("Code", description="A short code, as in your staff records, for example MED-ED.",
                       validators=[DataRequired("Enter a code for the area"), Length(max=40)])
    name = StringField("Name", validators=[DataRequired("Enter the area's name"), Length(max=200)])
    parent_id = SelectField("Sits within", coerce=str, default="")


class LevelForm(FlaskForm):
    key = StringField(
        "Key", description="A short lower-case name used in files and the API, for example middle.",
        validators=[DataRequired("Enter a key for the level"), Length(max=40)],
    )
    name = StringField("Name", validators=[DataRequired("Enter the level's name"), Length(max=100)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=500)])


class MemberForm(FlaskForm):
    # The address itself is checked by the accounts service (one rule for the page and the CLI).
    email = EmailField("Email address", validators=[DataRequired("Enter an email address")])
    name = StringField("Full name", validators=[Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField(
        "First password",
        description="Only for people without an account yet: at least 12 characters. "
        "Give it to them in person; they can change it later.",
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class TokenForm(FlaskForm):
    name = StringField("Token name", description="What the token is for, for example 'Power BI refresh'.",
                       validators=[DataRequired("Enter a name for the token"), Length(max=100)])
