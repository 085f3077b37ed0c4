"""A strategy and its structure: leadership levels, the bands mapped to them, areas, and the baseline
counts of staff and leaders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import OrganisationRow, StrategyRow, Versioned, belongs_to, by_user, long_text, utcnow


class Strategy(OrganisationRow, Versioned, table=True):
    title: str = Field(max_length=200)
    start_year: int
    horizon: int = 5
    vision: str = long_text()
    mission: str = long_text()
    values: str = long_text()
    owner: str = Field(default="", max_length=200)
    # draft, or submitted for the board's decision; approval freezes a version and returns it to draft.
    status: str = Field(default="draft", max_length=20)
    submitted_at: datetime | None = None
    submitted_by: int | None = by_user()
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Bumped (compare-and-set) by every save of the baseline grid or import: the grid's version.
    baseline_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Bumped the same way by every save of a required-steps grid (any framework's).
    required_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    @property
    def end_year(self) -> int:
        return self.start_year + self.horizon


class Level(StrategyRow, Versioned, table=True):
    __table_args__ = (UniqueConstraint("strategy_id", "key"),)
    key: str = Field(max_length=40)
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=500)
    position: int = 0


class BandAssignment(StrategyRow, table=True):
    __table_args__ = (UniqueConstraint("strategy_id", "band"),)
    band: str = Field(max_length=40)
    level_id: int = belongs_to("level")


class Area(StrategyRow, Versioned, table=True):
    __table_args__ = (UniqueConstraint("strategy_id", "code"),)
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    position: int = 0


class AreaBaseline(OrganisationRow, table=True):
    area_id: int = Field(foreign_key="area.id", unique=True, ondelete="CASCADE")
    staff: int = 0
    fte: float = 0.0


class LeaderCount(OrganisationRow, table=True):
    __table_args__ = (UniqueConstraint("area_id", "level_id"),)
    area_id: int = belongs_to("area")
    level_id: int = belongs_to("level")
    count: int = 0
