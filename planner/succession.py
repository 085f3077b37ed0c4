"""The succession register's rules, in one place for the page, the import and the reports: what one
row of the register must hold, and how the pipeline it implies compares with a scenario's ready for
promotion rate (docs/succession.md). Pure: no Flask, no database.

A row is one area and level: its critical roles, and the successors ready now, in 1 to 2 years and in
3 to 5 years, each successor counted once, at the soonest they are ready. Where the row records the
successor pool's diversity for a characteristic, its groups add up to the successors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from planner.diversity.characteristics import CHARACTERISTICS

MAX_COUNT = 100_000  # far more than any trust's roles or successors at one area and level
FIGURES: dict[str, str] = {
    "critical_roles": "Critical roles",
    "ready_now": "Successors ready now",
    "ready_1_2": "Successors ready in 1 to 2 years",
    "ready_3_5": "Successors ready in 3 to 5 years",
}
READY = ("ready_now", "ready_1_2", "ready_3_5")
# The register and a scenario are said to disagree when one's yearly figure is more than this much
# larger than the other's (a quarter either way), and by at least one person a year.
DISAGREE_RATIO = 1.25
DISAGREE_PEOPLE = 1.0


def pool_column(characteristic_key: str, group_key: str) -> str:
    """The field (and import heading) of one group's count in the successor pool: 'ethnicity:bme'."""
    return f"{characteristic_key}:{group_key}"


POOL_COLUMNS: tuple[tuple[str, str], ...] = tuple((c.key, g.key) for c in CHARACTERISTICS for g in c.groups)


def successors(figures: Mapping[str, int]) -> int:
    """Everyone in the successor pool: ready now, in 1 to 2 years and in 3 to 5 years."""
    return sum(int(figures.get(key) or 0) for key in READY)


def row_problems(figures: Mapping[str, int | None],
                 pool: Mapping[str, Mapping[str, int]]) -> list[tuple[str, str]]:
    """(field, message) for each thing wrong with one row: every figure a whole number from 0 to
    MAX_COUNT (critical roles at least 1), and each characteristic recorded adding up to the successors.
    `pool` is characteristic -> group -> count, holding only the characteristics recorded."""
    problems: list[tuple[str, str]] = []
    for key, label in FIGURES.items():
        value = figures.get(key)
        lowest = 1 if key == "critical_roles" else 0
        if value is None:
            problems.append((key, f"{label}: enter a whole number"))
        elif not lowest <= value <= MAX_COUNT:
            problems.append((key, f"{label} must be from {lowest} to {MAX_COUNT:,}, not {value:,}"))
    if problems:
        return problems
    total = successors({k: int(v or 0) for k, v in figures.items()})
    by_key = {c.key: c for c in CHARACTERISTICS}
    for char_key, groups in pool.items():
        char = by_key[char_key]
        for group, count in groups.items():
            if not 0 <= count <= MAX_COUNT:
                problems.append((pool_column(char_key, group), f"{char.name}: a count must be from 0 to "
                                 f"{MAX_COUNT:,}, not {count:,}"))
        counted = sum(groups.values())
        if not problems and counted != total:
            first = pool_column(char_key, char.groups[0].key)
            problems.append((first, f"{char.name}: the groups add up to {counted:,}, but there are {total:,} "
                                    "successors; count each successor once, in one group (use "
                                    f"'{char.groups[-1].name}' for those not known)"))
    return problems


@dataclass(frozen=True)
class Pipeline:
    """What a level's register implies each year, beside what a scenario assumes."""

    level: str
    critical_roles: int
    ready_now: int
    ready_1_2: int
    register_per_year: float  # (ready now + ready in 1 to 2 years) / 2: successors ready a year, for two years
    scenario_per_year: float | None  # the scenario's people ready for promotion to the level a year (None: none)
    ready_rate_below: float | None  # the scenario's ready for promotion rate of the level below
    implied_rate_below: float | None  # the rate the register implies for the level below
    disagree: bool
    sentence: str


def _people(value: float) -> str:
    return f"{value:,.1f}"


def compare(*, level_name: str, below_name: str | None, critical_roles: int, ready_now: int, ready_1_2: int,
            scenario_name: str, scenario_per_year: float | None, in_post_below: float | None,
            ready_rate_below: float | None, not_compared: str | None = None) -> Pipeline:
    """The register's pipeline for a level (successors ready within two years, a year) set beside the
    scenario's people ready for promotion to the level a year (over its first two years, in the same
    areas), with a plain sentence. `not_compared` says why there is no scenario figure, where there is
    none for another reason than the level having no level below it (no scenario, or no forecast)."""
    per_year = (ready_now + ready_1_2) / 2
    within = ready_now + ready_1_2
    roles = f"{critical_roles:,} critical role{'s' if critical_roles != 1 else ''}"
    cover = (f"{within:,} successor{'s' if within != 1 else ''} ready within two years for {roles}"
             + (f": {critical_roles - within:,} without one" if within < critical_roles else ""))
    implied = per_year / in_post_below if in_post_below else None
    if scenario_per_year is None or below_name is None:
        sentence = f"{cover}. " + (not_compared or (
            f"The scenario '{scenario_name}' promotes no one to {level_name.lower()} from a level below, so "
            "there is nothing to compare with."))
        return Pipeline(level_name, critical_roles, ready_now, ready_1_2, per_year, None, ready_rate_below,
                        implied, False, sentence)
    high, low = max(per_year, scenario_per_year), min(per_year, scenario_per_year)
    disagree = high - low >= DISAGREE_PEOPLE and (low == 0 or high / low > DISAGREE_RATIO)
    both = (f"{cover}, about {_people(per_year)} a year; the scenario '{scenario_name}' assumes "
            f"{_people(scenario_per_year)} a year ready for promotion to {level_name.lower()}")
    if not disagree:
        return Pipeline(level_name, critical_roles, ready_now, ready_1_2, per_year, scenario_per_year,
                        ready_rate_below, implied, False, f"{both}: they agree.")
    more = "more" if scenario_per_year > per_year else "fewer"
    rates = ""
    if ready_rate_below is not None and implied is not None:
        rates = (f" The register implies a ready for promotion rate of about {implied * 100:.1f}% for "
                 f"{below_name.lower()}; the scenario uses {ready_rate_below * 100:.1f}%.")
    sentence = (f"{both}: the scenario assumes {more} people ready than the register names.{rates} "
                "The register counts successors for critical roles only, so check both before relying on "
                "either.")
    return Pipeline(level_name, critical_roles, ready_now, ready_1_2, per_year, scenario_per_year, ready_rate_below,
                    implied, True, sentence)
