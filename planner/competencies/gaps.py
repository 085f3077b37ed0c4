"""Competency gaps and development coverage: the one place this arithmetic lives.

Assessed capability is kept as counts: for each (area, level, competency), how many leaders were
assessed at each step of the scale (1 to 4). A leader is *below required* when their step is lower
than the step the level requires for that competency.

Coverage compares development places with the leaders below required. An intervention's places
count in full for every (competency, level) pair it develops, so one place on a programme that
covers three competencies counts three times, once against each gap. Coverage is therefore an
upper bound, the most the plan could close if every place went to someone with that gap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.competencies.frameworks import SCALE_STEPS

KINDS = ("programme", "coaching", "360 feedback", "team development", "action learning", "mentoring", "other")

Counts = Mapping[int, int]  # step -> number of leaders assessed at that step


@dataclass(frozen=True)
class Gap:
    """Leaders below the required step for one competency at one level, in one area or (area None) the organisation."""

    area: str | None  # None: the organisation total over the areas
    level: str
    competency: str
    required: int  # the step the level requires
    assessed: int  # leaders assessed, at any step
    below_required: int  # leaders assessed at a step lower than required
    share_below: float | None  # below_required / assessed; None when nobody was assessed


def _check_step(step: object, what: str) -> int:
    if isinstance(step, bool) or not isinstance(step, int) or step not in SCALE_STEPS:
        raise ValueError(f"{what} must be a step from {SCALE_STEPS[0]} to {SCALE_STEPS[-1]}, not {step!r}.")
    return step


def _check_counts(counts: Counts) -> None:
    for step, leaders in counts.items():
        _check_step(step, "An assessed step")
        if isinstance(leaders, bool) or not isinstance(leaders, int) or leaders < 0:
            raise ValueError(f"Leaders at step {step} must be a whole number of 0 or more, not {leaders!r}.")


def gap(counts: Counts, required: int) -> tuple[int, int, float | None]:
    """(assessed, below required, share below) for counts of leaders per step and a required step."""
    _check_step(required, "The required step")
    _check_counts(counts)
    assessed = sum(counts.values())
    below = sum(leaders for step, leaders in counts.items() if step < required)
    return assessed, below, (below / assessed if assessed else None)


def _gap(area: str | None, level: str, competency: str, counts: Counts, required: int) -> Gap:
    assessed, below, share = gap(counts, required)
    return Gap(area, level, competency, required, assessed, below, share)


def _order(item: Gap) -> tuple[bool, float, str, str, bool, str]:
    # Largest share first, None last; then competency, level, and the organisation total before its areas.
    share = item.share_below
    return (share is None, -(share or 0.0), item.competency, item.level, item.area is not None, item.area or "")


def gaps(
    assessed: Mapping[tuple[str, str, str], Counts],
    required: Mapping[tuple[str, str], int],
    *,
    areas: Sequence[str] | None = None,
) -> list[Gap]:
    """One Gap per assessed (area, level, competency) that has a required step, plus organisation totals.

    ``assessed`` maps (area, level, competency) to {step: leaders}; ``required`` maps (level,
    competency) to a step. With ``areas`` given, only those areas are reported and added into the
    totals. The organisation total (area None) for a (level, competency) adds up its areas' counts.
    Sorted by share below required, largest first (no assessments last), then competency, level,
    and area (the organisation total before the areas).
    """
    wanted = None if areas is None else set(areas)
    result: list[Gap] = []
    totals: dict[tuple[str, str], dict[int, int]] = {}
    for (area, level, competency), counts in assessed.items():
        if wanted is not None and area not in wanted:
            continue
        step = required.get((level, competency))
        if step is None:
            continue
        result.append(_gap(area, level, competency, counts, step))
        total = totals.setdefault((level, competency), {})
        for at, leaders in counts.items():
            total[at] = total.get(at, 0) + leaders
    for (level, competency), counts in totals.items():
        result.append(_gap(None, level, competency, counts, required[(level, competency)]))
    result.sort(key=_order)
    return result


@dataclass(frozen=True)
class Intervention:
    """A development offer in the plan: how many places a year, at what cost, developing what, for whom, when."""

    name: str
    kind: str  # one of KINDS
    places_per_year: int
    cost_per_place: float
    competencies: frozenset[str]  # competency keys it develops
    levels: frozenset[str]  # level keys it is for
    years: frozenset[int]  # the years it runs

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("An intervention needs a name.")
        if self.kind not in KINDS:
            raise ValueError(f"{self.kind!r} is not a kind of intervention ({', '.join(KINDS)}).")
        places = self.places_per_year
        if isinstance(places, bool) or not isinstance(places, int) or places < 0:
            raise ValueError(f"Places per year must be a whole number of 0 or more, not {places!r}.")
        cost = self.cost_per_place
        if isinstance(cost, bool) or not isinstance(cost, int | float) or not math.isfinite(cost) or cost < 0:
            raise ValueError(f"The cost per place must be an amount of 0 or more, not {cost!r}.")

    def develops(self, competency: str, level: str) -> bool:
        """Whether it develops this competency at this level (in whichever years it runs)."""
        return competency in self.competencies and level in self.levels

    def annual_cost(self) -> float:
        """The cost of one year's places."""
        return self.places_per_year * float(self.cost_per_place)


@dataclass(frozen=True)
class Coverage:
    """Development places against the leaders below required for one organisation gap in one year."""

    year: int
    level: str
    competency: str
    leaders_below: int
    places: int  # places that year on interventions developing this competency at this level
    covered_share: float | None  # places / leaders_below, not capped (above 1 means more places than leaders)


def coverage(gaps: Sequence[Gap], interventions: Sequence[Intervention], years: Sequence[int]) -> list[Coverage]:
    """For each year and each organisation gap with leaders below required: the places that year against them.

    A place counts for every (competency, level) pair its intervention develops, so this is an
    upper bound. Ordered by year as given, then by the gaps' order.
    """
    organisation = [g for g in gaps if g.area is None and g.below_required > 0]
    result: list[Coverage] = []
    for year in years:
        running = [i for i in interventions if year in i.years]
        for item in organisation:
            places = sum(i.places_per_year for i in running if i.develops(item.competency, item.level))
            result.append(
                Coverage(year, item.level, item.competency, item.below_required, places, places / item.below_required)
            )
    return result


def cost_per_year(interventions: Sequence[Intervention], years: Sequence[int]) -> dict[int, float]:
    """The cost of the places running in each year (0.0 for a year with none)."""
    return {year: sum((i.annual_cost() for i in interventions if year in i.years), 0.0) for year in years}


def unaddressed(gaps: Sequence[Gap], interventions: Sequence[Intervention]) -> list[Gap]:
    """Organisation gaps with leaders below required that no intervention develops (with places, in some year)."""
    return [
        g
        for g in gaps
        if g.area is None
        and g.below_required > 0
        and not any(i.years and i.places_per_year and i.develops(g.competency, g.level) for i in interventions)
    ]
