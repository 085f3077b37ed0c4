"""WTForms forms. They check the shape of input (a number, a choice); the rules of the domain
live in the services, whose errors the views attach to the field they name."""

from __future__ import annotations

from typing import Any

from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from planner.exports.cover import IMPACTS, MAX_CONSIDERED, PARTS, PURPOSES
from planner.permissions import ROLE_NAMES, ROLES
from planner.services.board_cover import MAX_IMPACT, MAX_LINE, MAX_RECOMMENDATION, MAX_SUMMARY
from planner.services.passwords import ADVICE
from planner.web.fields import VersionField, WholeNumberField
from planner.web.typed import FlaskForm, SelectChoice

ROLE_CHOICES = [SelectChoice(r, ROLE_NAMES[r]) for r in ROLES]


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class ConfirmForm(FlaskForm):
    """A form with nothing but the CSRF token, for buttons that change something."""


class EditForm(FlaskForm):
    """The CSRF token and the version of the record a hand-written edit form changes (its other
    boxes are read by the view); the version refuses a stale save (planner.services.editing)."""

    version = VersionField()


class StrategyForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title for the strategy"),
                                             Length(max=200)])
    start_year = WholeNumberField(
        "Start year",
        description="The baseline year. The forecast starts the year after.",
        example="2026",
        validators=[InputRequired("Enter the start year as a whole number, like 2026"),
                    NumberRange(2000, 2100, "Start year must be between 2000 and 2100")],
    )
    horizon = WholeNumberField(
        "Horizon (years)",
        description="How many years the strategy covers: 5 is usual, from 1 to 10.",
        noun="the horizon in years", example="5",
        default=5,
        validators=[InputRequired("Enter the horizon in years, from 1 to 10"),
                    NumberRange(1, 10, "Horizon must be from 1 to 10 years")],
    )
    vision = TextAreaField("Vision", description="Where the organisation wants to be.")
    mission = TextAreaField("Mission", description="What the organisation does, and for whom.")
    values = TextAreaField("Values", description="One value on each line.")
    owner = StringField("Owner", description="Who owns the strategy, for example the Director of People.",
                        validators=[Length(max=200)])


class ScopeForm(StrategyForm):
    """The scope of a strategy that exists: the same boxes, and the version they were read at."""

    version = VersionField()


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


class AreaEditForm(AreaForm):
    """An area that exists: the same boxes, and the version they were read at."""

    version = VersionField()


class LevelEditForm(LevelForm):
    """A level that exists: the same boxes, and the version they were read at."""

    version = VersionField()


class MemberForm(FlaskForm):
    # The address itself is checked by the accounts service (one rule for the page and the CLI).
    email = EmailField("Email address", validators=[DataRequired("Enter an email address")])
    name = StringField("Full name", validators=[Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField(
        "First password",
        description=f"Only for people without an account yet. {ADVICE} Give it to them in person; "
        "they can change it under Your account, Change your password.",
    )


def _new_password() -> PasswordField:
    return PasswordField("New password", description=ADVICE, validators=[DataRequired("Enter a new password")])


def _confirm_password() -> PasswordField:
    return PasswordField("Confirm new password", validators=[
        DataRequired("Enter the new password again"),
        EqualTo("new_password", "The new passwords do not match: enter the same one twice")])


# Each form makes its own fields (in page order, which the error summary follows) from one definition.
class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password")])
    new_password = _new_password()
    confirm_password = _confirm_password()


class PasswordResetForm(FlaskForm):
    new_password = _new_password()
    confirm_password = _confirm_password()


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class TokenForm(FlaskForm):
    name = StringField("Token name", description="What the token is for, for example 'Power BI refresh'.",
                       validators=[DataRequired("Enter a name for the token"), Length(max=100)])


class BoardCoverForm(FlaskForm):
    """The board cover sheet. Only the shape of the input is read here: the cover's rules (lengths,
    dates, choices) are the service's, whose errors are shown on the fields they name."""

    meeting = StringField("Meeting", description="Board, or a committee such as the People Committee.",
                          default="Board")
    meeting_date = StringField("Date of the meeting (optional)",
                               description="As year-month-day, for example 2027-03-12.")
    agenda_item = StringField("Agenda item", description="As on the agenda, for example 7.2.")
    part = RadioField("Part of the meeting", choices=[SelectChoice(k, v) for k, v in PARTS.items()], default="1",
                      validate_choice=False)
    purpose = RadioField("Purpose of the paper", choices=[SelectChoice(k, v) for k, v in PURPOSES.items()],
                         default="approval", validate_choice=False)
    executive_lead = StringField("Executive lead", description="Name and title, for example Jo Patel, "
                                                               "Chief People Officer.")
    author = StringField("Author", description="Name and title of whoever wrote the paper.")
    recommendation = TextAreaField("Recommendation", description="For example: The Board is asked to approve the "
                                   f"collective leadership strategy. At most {MAX_RECOMMENDATION:,} characters.")
    executive_summary = TextAreaField("Executive summary", description="In plain English: what the paper says and "
                                      f"why it matters. At most {MAX_SUMMARY:,} characters.")
    strategic_objectives = TextAreaField("Links to strategic objectives",
                                         description=f"One on each line, each at most {MAX_LINE} characters.")
    baf_risks = TextAreaField("Board Assurance Framework (BAF) risks",
                              description="One on each line, for example BAF 3: Workforce supply.")
    impact_equality = TextAreaField("Equality impact", description="On people with protected characteristics, and "
                                    f"whether an equality impact assessment was done. At most {MAX_IMPACT:,} "
                                    "characters.")
    impact_quality = TextAreaField("Quality impact", description="On the safety and quality of care.")
    impact_finance = TextAreaField("Financial impact", description="Costs, savings and funding.")
    impact_workforce = TextAreaField("Workforce impact", description="On staff, roles and wellbeing.")
    impact_sustainability = TextAreaField("Sustainability impact", description="On the Green Plan and net zero.")
    considered_by_1 = StringField("Committee or meeting 1")
    considered_on_1 = StringField("Date 1")
    considered_by_2 = StringField("Committee or meeting 2")
    considered_on_2 = StringField("Date 2")
    considered_by_3 = StringField("Committee or meeting 3")
    considered_on_3 = StringField("Date 3")
    considered_by_4 = StringField("Committee or meeting 4")
    considered_on_4 = StringField("Date 4")
    considered_by_5 = StringField("Committee or meeting 5")
    considered_on_5 = StringField("Date 5")
    version = VersionField(new=True)  # 0 while no cover is stored

    @staticmethod
    def data_from(cover: dict[str, Any]) -> dict[str, Any]:
        """The form's fields from a cover as planner.services.board_cover.cover_content gives it."""
        data: dict[str, Any] = {k: cover[k] for k in ("meeting", "agenda_item", "part", "purpose", "executive_lead",
                                                      "author", "recommendation", "executive_summary")}
        data["meeting_date"] = cover["meeting_date"] or ""
        data["strategic_objectives"] = "\n".join(cover["strategic_objectives"])
        data["baf_risks"] = "\n".join(cover["baf_risks"])
        data.update({f"impact_{key}": cover["impact"].get(key, "") for key in IMPACTS})
        for number, entry in enumerate(cover["previously_considered"][:MAX_CONSIDERED], start=1):
            data[f"considered_by_{number}"], data[f"considered_on_{number}"] = entry["by"], entry["on"]
        return data

    def cover_values(self) -> dict[str, Any]:
        """What was typed, as planner.services.board_cover.save_cover takes it."""
        values: dict[str, Any] = {name: self[name].data or "" for name in (
            "meeting", "meeting_date", "agenda_item", "part", "purpose", "executive_lead", "author", "recommendation",
            "executive_summary", "strategic_objectives", "baf_risks", *(f"impact_{k}" for k in IMPACTS))}
        values["previously_considered"] = [{"by": self[f"considered_by_{n}"].data or "",
                                            "on": self[f"considered_on_{n}"].data or ""}
                                           for n in range(1, MAX_CONSIDERED + 1)]
        return values
