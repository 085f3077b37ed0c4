"""The collective leadership self-assessment (issue 5): surveys, invitation codes, statements, groups and
the anonymous responses."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import OrganisationRow, StrategyRow, belongs_to, utcnow


class Survey(StrategyRow, table=True):
    """A run of the self-assessment. Its link token opens the form; in "invitation" mode only a personal
    code lets someone answer, in "open" mode anyone holding the link can."""

    name: str = Field(max_length=200)
    status: str = Field(default="draft", max_length=20)  # draft, open, closed
    token: str = Field(max_length=64, unique=True, index=True)
    mode: str = Field(default="open", max_length=20)  # open (the link alone) or invitation (personal codes)
    closes_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SurveyCode(OrganisationRow, table=True):
    """A personal single-use invitation code, kept only as its SHA-256 hash. It records that it was used,
    never when, nor which response it gave: nothing here or in the response points at the other."""

    survey_id: int = belongs_to("survey")
    code_hash: str = Field(max_length=64, unique=True, index=True)
    used: bool = False


class SurveyItem(OrganisationRow, table=True):
    """A statement of a survey, kept with the survey so later edits never change past results."""

    __table_args__ = (UniqueConstraint("survey_id", "key"),)
    survey_id: int = belongs_to("survey")
    key: str = Field(max_length=40)
    dimension: str = Field(max_length=60)
    text: str = Field(max_length=500)
    position: int = 0


class SurveyGroup(OrganisationRow, table=True):
    """A group respondents choose from, kept with the survey (copied from the defaults, then editable)."""

    __table_args__ = (UniqueConstraint("survey_id", "key"),)
    survey_id: int = belongs_to("survey")
    key: str = Field(max_length=40)
    name: str = Field(max_length=100)
    position: int = 0


class SurveyResponse(OrganisationRow, table=True):
    """One anonymous response: the respondent's group only (no name, email or address)."""

    survey_id: int = belongs_to("survey")
    group_key: str = Field(max_length=40)
    source: str = Field(default="link", max_length=20)  # link or import


class SurveyAnswer(OrganisationRow, table=True):
    """An answer from 1 (strongly disagree) to 5 (strongly agree); None for don't know."""

    response_id: int = belongs_to("surveyresponse")
    item_key: str = Field(max_length=40)
    value: int | None = None
