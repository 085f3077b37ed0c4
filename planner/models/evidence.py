"""Workforce evidence behind the forecast: staff imports, the extracts kept as evidence and the funded
establishment (counts only, never a person's record)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import StrategyRow, belongs_to, by_user, long_text, utcnow


class StaffImport(StrategyRow, table=True):
    """One upload of a staff extract: its aggregate counts while it waits to be confirmed (JSON),
    then what it did. Individual rows are never stored."""

    user_id: int | None = by_user()
    created_at: datetime = Field(default_factory=utcnow)
    filename: str = Field(default="", max_length=200)
    file_kind: str = Field(default="", max_length=10)
    rows_read: int = 0
    rows_skipped: int = 0
    status: str = Field(default="pending", max_length=20)  # pending, applied, discarded
    summary: str = long_text("{}")
    counts: str = long_text("{}")


class EvidenceExtract(StrategyRow, table=True):
    """One extract kept as workforce evidence (docs/evidence.md): the staff extract at the start or the end
    of the evidence period, or the leavers extract, which carries the period. Counts only (JSON): leaders
    by area and level, staff by age band, leaders by area, level and age band, or leavers by area, level,
    leader flag, reason and age band. No name, id or date of any person."""

    __table_args__ = (UniqueConstraint("strategy_id", "kind"),)
    kind: str = Field(max_length=10)  # start, end, leavers
    filename: str = Field(default="", max_length=200)
    imported_at: datetime = Field(default_factory=utcnow)
    rows_read: int = 0
    period_start: date | None = None  # the leavers extract's period
    period_end: date | None = None
    counts: str = long_text("{}")


class Establishment(StrategyRow, table=True):
    """The funded leader posts of one level in one area (its own posts, not its sub-areas'): a whole
    number for every forecast year, or one per year (JSON, year 1 first). No row: no establishment."""

    __table_args__ = (UniqueConstraint("area_id", "level_id"),)
    area_id: int = belongs_to("area")
    level_id: int = belongs_to("level")
    posts: str = Field(max_length=200)
