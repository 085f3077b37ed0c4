"""The counts the derivations need, as plain data: what the staff extracts (start and end of the period)
and the leavers extract were read into, and the scenario's ready rates. No names or ids, only counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from planner.evidence.ages import AGE_BANDS
from planner.evidence.period import Period

UNKNOWN_AGE = "unknown"
K = TypeVar("K")
V = TypeVar("V")


def _frozen(mapping: Mapping[K, V]) -> Mapping[K, V]:
    """A read-only copy, so a frozen dataclass's counts cannot change under it."""
    return MappingProxyType(dict(mapping))


def is_retirement(reason: str) -> bool:
    """A reason for leaving is a retirement when it says "retire" (any case): "Retirement Age",
    "Retirement - Ill Health", "Flexi Retirement", "Voluntary Early Retirement - ..."."""
    return "retire" in reason.casefold()


@dataclass(frozen=True)
class LeaverGroup:
    """The leavers sharing an area, level, leader flag, reason for leaving and age band (when they left)."""

    area: str
    level: str | None  # the leadership level of the band, grade or job role; None when it maps to none
    leader: bool
    reason: str  # as the extract words it (ESR's wording), spaces tidied
    age_band: str = UNKNOWN_AGE  # one of AGE_BANDS, or "unknown"

    @property
    def retirement(self) -> bool:
        """The reason says retirement."""
        return is_retirement(self.reason)

    def sort_key(self) -> tuple[str, str, bool, str, str]:
        """For listing groups in a steady order (a level may be None)."""
        return (self.area, self.level or "", self.leader, self.reason, self.age_band)


@dataclass(frozen=True)
class StaffCounts:
    """One staff extract's counts: leaders by area and level, all staff by age band, leaders by area,
    level and age band."""

    leaders: Mapping[tuple[str, str], int]
    staff_by_age: Mapping[str, int] = field(default_factory=dict)  # age band (or "unknown") -> staff
    leaders_by_age: Mapping[tuple[str, str, str], int] = field(default_factory=dict)  # (area, level, band)
    file_name: str | None = None

    def __post_init__(self) -> None:
        for name in ("leaders", "staff_by_age", "leaders_by_age"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    @classmethod
    def from_import(cls, leaders: Mapping[tuple[str, str], int],
                    diversity: Mapping[tuple[str, str | None, str, str], int],
                    file_name: str | None = None) -> StaffCounts:
        """The counts from a staff import's `leaders` and `diversity` (planner.imports.ImportResult)."""
        staff_by_age: dict[str, int] = {}
        leaders_by_age: dict[tuple[str, str, str], int] = {}
        for (area, level, characteristic, group), n in diversity.items():
            if characteristic != "age_band":
                continue
            if level is None:
                staff_by_age[group] = staff_by_age.get(group, 0) + n
            else:
                leaders_by_age[(area, level, group)] = leaders_by_age.get((area, level, group), 0) + n
        return cls(leaders, staff_by_age, leaders_by_age, file_name)

    @property
    def knows_ages(self) -> bool:
        """At least one person's age band is known (an extract without ages says nothing about them)."""
        return any(self.staff_by_age.get(band, 0) for band in AGE_BANDS)


@dataclass(frozen=True)
class EvidenceCounts:
    """Everything measured: the period, the staff extracts at its start and end (either may be missing,
    not both), the leavers, and the order of levels (top first) and areas for the output."""

    period: Period
    start: StaffCounts | None
    end: StaffCounts | None
    leavers: Mapping[LeaverGroup, int]
    levels: tuple[str, ...]
    areas: tuple[str, ...] = ()  # areas in display order; any others follow in code order
    leavers_file: str | None = None

    def __post_init__(self) -> None:
        if self.start is None and self.end is None:
            raise ValueError("Rates need at least one staff extract, at the start or the end of the period.")
        object.__setattr__(self, "leavers", _frozen(self.leavers))
        object.__setattr__(self, "levels", tuple(self.levels))
        object.__setattr__(self, "areas", tuple(self.areas))

    @property
    def extracts(self) -> tuple[StaffCounts, ...]:
        """The staff extracts held: start, end, or both."""
        return tuple(extract for extract in (self.start, self.end) if extract is not None)

    @property
    def baseline(self) -> StaffCounts:
        """The extract whose leaders' ages are aged forward: the end of the period (the baseline), or the
        start when the end is missing or knows nobody's age and the start does."""
        if self.end is not None and (self.end.knows_ages or self.start is None or not self.start.knows_ages):
            return self.end
        assert self.start is not None
        return self.start


@dataclass(frozen=True)
class ReadyRates:
    """A scenario's ready rates r by level, and areas' own overrides of r by (area, level)."""

    by_level: Mapping[str, float]
    overrides: Mapping[tuple[str, str], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for where, r in [*self.by_level.items(), *self.overrides.items()]:
            if not 0 <= r <= 1:
                raise ValueError(f"The ready rate for {where} must be from 0 to 1, not {r}.")
        object.__setattr__(self, "by_level", _frozen(self.by_level))
        object.__setattr__(self, "overrides", _frozen(self.overrides))

    def of(self, level: str, area: str | None = None) -> float:
        """r for the level, or the area's own r where it overrides it; 0 where the scenario gives none."""
        if area is not None and (area, level) in self.overrides:
            return self.overrides[(area, level)]
        return self.by_level.get(level, 0.0)
