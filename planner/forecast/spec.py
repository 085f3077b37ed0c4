"""The spec of model.md as frozen dataclasses; ``parse_spec`` in parse.py builds them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

ALL_LEVELS = "all"  # a diversity target across every level together


@dataclass(frozen=True, slots=True)
class LevelAssumption:
    """One leadership level, top first, with its organisation-wide rates."""

    key: str
    # One leaver rate per forecast year t = 1..H (a single number in the spec is repeated).
    leaver_rate: tuple[float, ...]
    ready_rate: float = 0.0
    internal_fill_max: float = 0.0
    name: str | None = None


@dataclass(frozen=True, slots=True)
class RateOverride:
    """An area's own rates for one level; None keeps the level's rate."""

    leaver_rate: tuple[float, ...] | None = None  # one per forecast year, as the level's
    ready_rate: float | None = None
    internal_fill_max: float | None = None


@dataclass(frozen=True)
class Area:
    """An area that holds leaders: its staff, leaders in post, establishment, spans and overrides."""

    key: str
    staff: float
    # One growth rate per forecast year (a single number in the spec is repeated).
    staff_growth: tuple[float, ...]
    # Leaders in post at the start; a level not listed has 0.
    leaders: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    span: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    overrides: Mapping[str, RateOverride] = field(default_factory=lambda: MappingProxyType({}))
    name: str | None = None
    parent: str | None = None
    # Funded leader posts per level, one whole number per forecast year (version 3): that
    # level's demand, before span and baseline.
    establishment: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def leaders_at(self, level: str) -> float:
        """Leaders in post at the baseline at one level (0 when not given)."""
        return self.leaders.get(level, 0)

    def rates(self, level: LevelAssumption) -> tuple[tuple[float, ...], float, float]:
        """The effective leaver rates (one per year), ready and internal fill rates of this area at a level."""
        override = self.overrides.get(level.key)
        if override is None:
            return level.leaver_rate, level.ready_rate, level.internal_fill_max
        return (
            level.leaver_rate if override.leaver_rate is None else override.leaver_rate,
            level.ready_rate if override.ready_rate is None else override.ready_rate,
            level.internal_fill_max if override.internal_fill_max is None else override.internal_fill_max,
        )


@dataclass(frozen=True, slots=True)
class DiversityTarget:
    """A target share for one group at one level (or ``"all"``) by a target year."""

    level: str
    group: str
    baseline_count: float
    target_share: float
    target_year: int
    leaver_rate_ratio: float = 1.0
    current_appointment_share: float | None = None
    pipeline_share: float | None = None  # the group's share of the pool appointments draw from (version 2)


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """A request for simulated bands: how many simulations and the random seed."""

    simulations: int
    seed: int = 0


@dataclass(frozen=True)
class Spec:
    """A whole, valid forecast spec."""

    start_year: int
    horizon: int
    levels: tuple[LevelAssumption, ...]
    areas: tuple[Area, ...]
    diversity_targets: tuple[DiversityTarget, ...] = ()
    uncertainty: Uncertainty | None = None

    @property
    def years(self) -> list[int]:
        """The forecast years t = 1..H as calendar years."""
        return [self.start_year + t for t in range(1, self.horizon + 1)]

    @property
    def level_keys(self) -> list[str]:
        """Level keys from the top down."""
        return [level.key for level in self.levels]
