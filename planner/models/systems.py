"""Systems (an integrated care system or other partnership): its members and the versions they share with
it (docs/systems.md)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import OrganisationRow, Row, Versioned, belongs_to, by_user, long_text, utcnow


class SystemMember(Row, table=True):
    """A member of a system (an organisation of kind `system`): invited by the system, a member once
    the member's own administrator accepts. `organisation_id` is the member's, so its rows are the
    member's to see and remove (docs/systems.md)."""

    __table_args__ = (UniqueConstraint("system_id", "organisation_id"),)
    system_id: int = belongs_to("organisation")
    organisation_id: int = belongs_to("organisation")
    status: str = Field(default="invited", max_length=20)  # invited, member
    invited_at: datetime = Field(default_factory=utcnow)
    invited_by: int | None = by_user()
    joined_at: datetime | None = None
    accepted_by: int | None = by_user()


class SystemShare(Row, table=True):
    """A member's consent: the system may read this one approved version of this strategy, and the
    named scenario's forecast in it. One share per strategy and system; deleting it withdraws consent."""

    __table_args__ = (UniqueConstraint("system_id", "strategy_id"),)
    system_id: int = belongs_to("organisation")
    organisation_id: int = belongs_to("organisation")
    strategy_id: int = belongs_to("strategy")
    version_id: int = belongs_to("strategyversion")
    scenario: str = Field(max_length=100)  # the scenario's name as the version froze it
    shared_at: datetime = Field(default_factory=utcnow)
    shared_by: int | None = by_user()


class SystemObjective(OrganisationRow, Versioned, table=True):
    """A partnership objective the system sets (`organisation_id` is the system's): its members link their
    own strategic objectives to it, and its progress is their weighted roll-up (docs/systems.md)."""

    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)
    ref: str = Field(max_length=40)
    title: str = Field(max_length=300)
    description: str = long_text()
    start: date | None = None
    due: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class SystemObjectiveLink(OrganisationRow, table=True):
    """A member's link of one of its own strategic objectives to a system objective, with a weight: its consent
    to show the system that objective's title, progress, RAG and due date, live. `organisation_id` is the
    member's, so the link is the member's to see and remove; it goes when the member leaves."""

    __table_args__ = (UniqueConstraint("system_objective_id", "objective_id"),)
    system_id: int = belongs_to("organisation")
    system_objective_id: int = belongs_to("systemobjective")
    objective_id: int = belongs_to("objective")
    weight: float = 1.0
    linked_at: datetime = Field(default_factory=utcnow)
    linked_by: int | None = by_user()
