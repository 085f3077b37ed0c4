"""Objectives (issue 6): the cascade from the board to teams and individuals, and their check-ins."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import OrganisationRow, StrategyRow, Versioned, belongs_to, by_user, long_text, utcnow


class Objective(StrategyRow, Versioned, table=True):
    """An objective in the cascade from the board to teams and individuals."""

    __table_args__ = (UniqueConstraint("strategy_id", "ref"),)
    ref: str = Field(max_length=40)
    title: str = Field(max_length=300)
    description: str = long_text()
    level: str = Field(max_length=20)  # strategic, area, team, individual
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True, ondelete="SET NULL")
    owner_user_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    owner_name: str = Field(default="", max_length=200)  # a role-holder without an account
    parent_id: int | None = Field(default=None, foreign_key="objective.id", index=True)
    weight: float = 1.0
    measure_kind: str = Field(default="none", max_length=20)  # target, range, milestone, baseline, none
    baseline: float | None = None
    target: float | None = None
    range_low: float | None = None
    range_high: float | None = None
    unit: str = Field(default="", max_length=40)
    start: date | None = None
    due: date | None = None
    status: str = Field(default="active", max_length=20)  # draft, active, complete, withdrawn
    rag_override: str | None = Field(default=None, max_length=10)
    rag_reason: str = Field(default="", max_length=500)
    confidence: str | None = Field(default=None, max_length=10)  # low, medium, high
    confidence_reason: str = Field(default="", max_length=500)
    link_kind: str = Field(default="", max_length=20)  # shortfall, diversity, competency, vision, mission, value
    link_ref: str = Field(default="", max_length=200)
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CheckIn(OrganisationRow, table=True):
    """A dated update of an objective: its current value (or done), confidence and a note."""

    objective_id: int = belongs_to("objective")
    on: date
    value: float | None = None
    done: bool = False
    confidence: str | None = Field(default=None, max_length=10)
    note: str = long_text()
    user_id: int | None = by_user()
    created_at: datetime = Field(default_factory=utcnow)
