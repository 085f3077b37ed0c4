"""Diversity: counts by group (aggregates only), benchmarks, shortlisting figures, targets and an
organisation's own names for groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import OrganisationRow, StrategyRow, Versioned, belongs_to, utcnow


class DiversityCount(StrategyRow, table=True):
    """How many people of one group of a characteristic are in an area: leaders of a level, or
    (with no level) all staff. Only these aggregates are kept; staff records never are."""

    area_id: int = belongs_to("area")
    level_id: int | None = Field(default=None, foreign_key="level.id", index=True, ondelete="CASCADE")
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    count: int = 0
    # Set only on counts of the board level by board member type (planner.diversity.board): those rows
    # break the board's own (untyped) counts down again, so every other total leaves them out.
    board_type: str | None = Field(default=None, max_length=30)


class Benchmark(StrategyRow, table=True):
    """A comparator share for a group: the local community (census) or a national figure."""

    __table_args__ = (UniqueConstraint("strategy_id", "source", "characteristic", "group_key"),)
    source: str = Field(max_length=20)  # "community" or "national"
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    share: float = 0.0


class ShortlistingFigure(StrategyRow, table=True):
    """Applicants shortlisted and appointed from a group, for WRES indicator 2 (and WDES)."""

    __table_args__ = (UniqueConstraint("strategy_id", "characteristic", "group_key"),)
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    shortlisted: int = 0
    appointed: int = 0


class DiversityTarget(StrategyRow, Versioned, table=True):
    """A target share of one group at one level (or all leaders, level None) by a year."""

    level_id: int | None = Field(default=None, foreign_key="level.id", index=True, ondelete="CASCADE")
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    target_share: float
    target_year: int
    leaver_rate_ratio: float = 1.0
    current_appointment_share: float | None = None
    # The group's share of the pool appointments come from; None: the default from the baseline.
    pipeline_share: float | None = None
    created_at: datetime = Field(default_factory=utcnow)


class GroupLabel(OrganisationRow, table=True):
    """An organisation's own name for a diversity group (for example 'Global majority' for BME)."""

    __table_args__ = (UniqueConstraint("organisation_id", "characteristic", "group_key"),)
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    label: str = Field(max_length=100)
