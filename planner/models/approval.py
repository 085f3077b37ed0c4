"""Consult, approve and keep: consultations and their comments, engagement events, the board's decisions,
the frozen approved versions and the board paper's cover sheet."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint, event
from sqlmodel import Field

from planner.models.base import OrganisationRow, StrategyRow, Versioned, belongs_to, by_user, long_text, utcnow


class Consultation(StrategyRow, Versioned, table=True):
    """A period in which staff, patients and partners comment on chosen sections of the strategy."""

    title: str = Field(max_length=200)
    sections: str = Field(default="[]", max_length=200)  # JSON list of section keys
    audiences: str = Field(default="[]", max_length=200)  # JSON list of audience keys
    opens_on: date
    closes_on: date
    closed_early: bool = False
    # The comment link's secret: unguessable, and the only way in without an account.
    token: str = Field(max_length=64, unique=True, index=True)
    created_by: int | None = by_user()
    created_at: datetime = Field(default_factory=utcnow)


class Comment(OrganisationRow, Versioned, table=True):
    """One comment on a section, with the editor's response ("you said, we did"). No IP address is kept."""

    consultation_id: int = belongs_to("consultation")
    section: str = Field(max_length=20)
    audience: str = Field(max_length=20)
    body: str = Field(sa_column=Column(Text, nullable=False))
    author_name: str = Field(default="", max_length=100)  # optional, as the commenter gave it
    author_role: str = Field(default="", max_length=100)
    user_id: int | None = by_user()
    created_at: datetime = Field(default_factory=utcnow)
    themes: str = Field(default="[]", max_length=500)  # JSON list of theme tags
    hidden: bool = False
    hidden_reason: str = Field(default="", max_length=500)
    hidden_by: int | None = by_user()
    response: str = long_text()
    changed_strategy: bool | None = None  # None: not yet answered
    responded_by: int | None = by_user()
    responded_at: datetime | None = None


class EngagementEvent(StrategyRow, Versioned, table=True):
    """An engagement event: a focus group, staff briefing, patient panel or survey, and what it heard."""

    held_on: date
    audience: str = Field(max_length=20)
    format: str = Field(max_length=40)
    participants: int = 0
    summary: str = long_text()
    created_at: datetime = Field(default_factory=utcnow)


class StrategyVersion(StrategyRow, table=True):
    """A version the board approved: a frozen snapshot of every step's data and computed results."""

    __table_args__ = (UniqueConstraint("strategy_id", "number"),)
    number: int
    approved_on: date  # the board meeting's date
    minute: str = Field(max_length=100)
    decision: str = Field(max_length=30)  # approved, approved_with_changes
    notes: str = long_text()
    snapshot: str = Field(sa_column=Column(Text, nullable=False))  # JSON; never changed once written
    created_by: int | None = by_user()
    created_at: datetime = Field(default_factory=utcnow)


class BoardDecision(StrategyRow, table=True):
    """The board's decision on a submitted strategy; an approval points at the version it froze."""

    meeting_date: date
    minute: str = Field(max_length=100)
    decision: str = Field(max_length=30)  # approved, approved_with_changes, deferred
    notes: str = long_text()
    version_id: int | None = Field(default=None, foreign_key="strategyversion.id", ondelete="SET NULL")
    recorded_by: int | None = by_user()
    recorded_at: datetime = Field(default_factory=utcnow)


class BoardCover(OrganisationRow, Versioned, table=True):
    """The cover sheet a board paper opens with: the meeting, purpose, recommendation, summary, the
    objectives and Board Assurance Framework risks it links to, its impact and who considered it before."""

    strategy_id: int = Field(foreign_key="strategy.id", unique=True, ondelete="CASCADE")  # one per strategy
    meeting: str = Field(default="Board", max_length=200)
    meeting_date: date | None = None
    agenda_item: str = Field(default="", max_length=20)
    part: str = Field(default="1", max_length=1)  # "1" public, "2" private
    executive_lead: str = Field(default="", max_length=200)
    author: str = Field(default="", max_length=200)
    purpose: str = Field(default="approval", max_length=20)  # approval, assurance, discussion, information
    recommendation: str = long_text()
    executive_summary: str = long_text()
    strategic_objectives: str = long_text()  # one a line
    baf_risks: str = long_text()  # one a line
    impact_equality: str = long_text()
    impact_quality: str = long_text()
    impact_finance: str = long_text()
    impact_workforce: str = long_text()
    impact_sustainability: str = long_text()
    # JSON list of {"by": committee, "on": "YYYY-MM-DD"}, at most five, in the order entered.
    previously_considered: str = long_text("[]")
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: int | None = by_user()


@event.listens_for(StrategyVersion, "before_update")
def _versions_are_frozen(_mapper: object, _connection: object, version: StrategyVersion) -> None:
    """An approved version is a record of what the board approved: it is never changed."""
    raise ValueError(f"Version {version.number} of the strategy is frozen and cannot be changed")
