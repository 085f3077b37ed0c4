"""The succession register (in aggregate, no one's name) and the board's seats and terms of office (labels,
never names)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import StrategyRow, Versioned, belongs_to


class SuccessionEntry(StrategyRow, Versioned, table=True):
    """The succession register for one area and level, in aggregate (no one's name is kept): how many
    critical roles there are, and how many successors are ready now, in 1 to 2 years and in 3 to 5 years
    (each successor counted once, at the soonest they are ready) (docs/succession.md)."""

    __table_args__ = (UniqueConstraint("strategy_id", "area_id", "level_id"),)
    area_id: int = belongs_to("area")
    level_id: int = belongs_to("level")
    critical_roles: int = 0
    ready_now: int = 0
    ready_1_2: int = 0
    ready_3_5: int = 0


class SuccessionPoolCount(StrategyRow, table=True):
    """How many of one register row's successors are in one group of a diversity characteristic."""

    __table_args__ = (UniqueConstraint("entry_id", "characteristic", "group_key"),)
    entry_id: int = belongs_to("successionentry")
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    count: int = 0


class BoardSeat(StrategyRow, Versioned, table=True):
    """A seat on the board and its holder's term of office (planner.diversity.board_terms). A label, never
    a name: the board's diversity is kept only as counts by board member type."""

    __table_args__ = (UniqueConstraint("strategy_id", "label"),)
    label: str = Field(max_length=60)
    role: str = Field(max_length=30)  # planner.diversity.board_terms.ROLES
    board_type: str = Field(max_length=30)  # planner.diversity.board.BOARD_TYPES
    term_start: date | None = None
    term_end: date | None = None  # an executive's: when they are expected to leave (None: no end)
    term_number: int = 1
    max_terms: int = 2
    term_years: int | None = None
