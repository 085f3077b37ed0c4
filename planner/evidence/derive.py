"""The derivations of evidence.md: leaver rates by level and area, retirement rates by age band, and the
projected yearly leaver rates as the leaders age. Pure arithmetic on counts; numbers unrounded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from planner.evidence import ages
from planner.evidence.ages import AGE_BANDS
from planner.evidence.counts import EvidenceCounts, ReadyRates, StaffCounts
from planner.evidence.period import Period

MIN_IN_POST = 20  # an area's own rate is used only from this many leaders in post on average


@dataclass(frozen=True)
class LevelRate:
    """A level's measured rates (None when no leader of the level was in post) and its projection."""

    level: str
    average_in_post: float
    leavers: int
    retirements: int
    leaver_rate: float | None
    non_retirement_rate: float | None
    projected_leaver_rate: tuple[float, ...] | None
    no_rate_reason: str | None = None  # why there is no rate, for the page, when there is none
    aged_leaders: int = 0  # leaders of the level at the baseline with a known age band
    # The leaders' age shares (AGE_BANDS order) behind each forecast year's rate: year t uses shares[t - 1].
    # None where no leader of the level has a known age.
    age_shares: tuple[tuple[float, ...], ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """The level's entry in derive-rates --json."""
        found: dict[str, Any] = {
            "level": self.level, "average_in_post": self.average_in_post, "leavers": self.leavers,
            "retirements": self.retirements, "leaver_rate": self.leaver_rate,
            "non_retirement_rate": self.non_retirement_rate,
            "projected_leaver_rate": None if self.projected_leaver_rate is None else list(self.projected_leaver_rate),
        }
        if self.no_rate_reason is not None:
            found["reason"] = self.no_rate_reason
        return found


@dataclass(frozen=True)
class AreaRate:
    """An area's own measured rate for a level, whether it overrides the level's rate, and its projection."""

    area: str
    level: str
    average_in_post: float
    leavers: int
    retirements: int
    leaver_rate: float
    non_retirement_rate: float
    own_rate: bool
    projected_leaver_rate: tuple[float, ...] | None  # only where own_rate
    age_shares: tuple[tuple[float, ...], ...] | None = None  # as LevelRate's, only where own_rate

    def to_json(self) -> dict[str, Any]:
        """The area's entry in derive-rates --json."""
        return {
            "area": self.area, "level": self.level, "average_in_post": self.average_in_post,
            "leavers": self.leavers, "leaver_rate": self.leaver_rate, "own_rate": self.own_rate,
            "projected_leaver_rate": None if self.projected_leaver_rate is None else list(self.projected_leaver_rate),
        }


@dataclass(frozen=True)
class AgeBandRate:
    """The whole workforce's retirement rate in one age band."""

    band: str
    average_staff: float
    retirements: int
    rate: float

    def to_json(self) -> dict[str, Any]:
        """The band's entry in derive-rates --json."""
        return {"band": self.band, "average_staff": self.average_staff, "retirements": self.retirements,
                "rate": self.rate}


@dataclass(frozen=True)
class Evidence:
    """Every derived rate, with what it was derived from."""

    period: Period
    levels: tuple[LevelRate, ...]
    areas: tuple[AreaRate, ...]
    retirement_by_age_band: tuple[AgeBandRate, ...]
    horizon: int
    min_in_post: int
    extracts: tuple[str, ...]  # "start", "end" or both: the staff extracts the averages were taken over
    files: tuple[str, ...] = ()  # the files' names, staff extracts then leavers, where known

    def to_json(self) -> dict[str, Any]:
        """The output of `planner derive-rates --json` (evidence.md), unrounded."""
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "levels": [rate.to_json() for rate in self.levels],
            "areas": [rate.to_json() for rate in self.areas],
            "retirement_by_age_band": [rate.to_json() for rate in self.retirement_by_age_band],
        }

    def level(self, key: str) -> LevelRate:
        """The level's rates (KeyError if the level is not in the counts)."""
        for rate in self.levels:
            if rate.level == key:
                return rate
        raise KeyError(key)

    def level_source(self, key: str, name: str | None = None) -> str:
        """Where the level's rate comes from, in a sentence: "measured: 41 leavers from 412 middle leaders
        on average, 1 April 2025 to 31 March 2026"."""
        rate = self.level(key)
        if rate.leaver_rate is None:
            return rate.no_rate_reason or ""
        return (f"measured: {_people(rate.leavers, 'leaver')} from {_number(rate.average_in_post)} "
                f"{name or key} leaders on average, {self.period.text()}")

    def area_source(self, rate: AreaRate, name: str | None = None, area_name: str | None = None) -> str:
        """Where an area's rate comes from: its own measured rate, or its level's and why."""
        where, who = area_name or rate.area, f"{name or rate.level} leaders"
        if rate.own_rate:
            return (f"measured in {where}: {_people(rate.leavers, 'leaver')} from "
                    f"{_number(rate.average_in_post)} {who} on average, {self.period.text()}")
        return (f"the level's rate: {where} had {_number(rate.average_in_post)} {who} on average, fewer than "
                f"{self.min_in_post}, too few for its own rate ({_people(rate.leavers, 'leaver')}) to be relied on")


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _people(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _average(counts: Iterable[float]) -> float:
    found = list(counts)
    return sum(found) / len(found)


def _retirement_term(shares: tuple[float, ...] | None, p: tuple[float, ...]) -> float:
    """sum over bands of share(b) * p(b); 0 where no age is known."""
    if shares is None:
        return 0.0
    return sum(share * rate for share, rate in zip(shares, p, strict=True))


def _projection(non_retirement: float, counts: dict[str, int], p: tuple[float, ...], cap: float,
                horizon: int) -> tuple[tuple[float, ...], tuple[tuple[float, ...], ...] | None]:
    """q(t) = min(q_nr + sum_b share(b, t-1) * p(b), 1 - r) for t = 1 .. horizon, and the shares behind it."""
    shares = ages.shares(counts)
    if shares is None:
        return tuple(min(non_retirement, cap) for _ in range(horizon)), None
    years = tuple(ages.by_year(shares, horizon))
    return tuple(min(non_retirement + _retirement_term(year, p), cap) for year in years), years


def _no_rate_reason(level: str, extracts: tuple[str, ...]) -> str:
    held = " or the ".join(extracts)
    return (f"No {level} leaders were in post at the {held} of the period, so no leaver rate can be measured "
            "for this level; the typed rate stays.")


def derive_rates(counts: EvidenceCounts, ready: ReadyRates, *, horizon: int,
                 min_in_post: int = MIN_IN_POST) -> Evidence:
    """Every rate evidence.md derives from these counts, with the projection for the scenario's ready rates."""
    if not 1 <= horizon <= 10:
        raise ValueError(f"The horizon must be from 1 to 10 years, not {horizon}.")
    if min_in_post < 0:
        raise ValueError("min_in_post cannot be negative.")
    held: list[tuple[str, StaffCounts]] = [
        (which, extract) for which, extract in (("start", counts.start), ("end", counts.end)) if extract is not None]
    extracts = tuple(which for which, _ in held)

    # Leavers flagged as leaders, by (area, level): all reasons, and retirements.
    leavers: dict[tuple[str, str], int] = {}
    retirements: dict[tuple[str, str], int] = {}
    band_retirements = dict.fromkeys(AGE_BANDS, 0)
    for group, n in counts.leavers.items():
        if group.leader and group.level is not None:
            key = (group.area, group.level)
            leavers[key] = leavers.get(key, 0) + n
            if group.retirement:
                retirements[key] = retirements.get(key, 0) + n
        if group.retirement and group.age_band in band_retirements:
            band_retirements[group.age_band] += n

    # Retirement rate by age band, across the whole workforce: extracts with no known age say nothing.
    aged_extracts = [extract for _, extract in held if extract.knows_ages]
    by_band: list[AgeBandRate] = []
    for band in AGE_BANDS:
        average = _average(extract.staff_by_age.get(band, 0) for extract in aged_extracts) if aged_extracts else 0.0
        rate = band_retirements[band] / average if average > 0 else 0.0
        by_band.append(AgeBandRate(band, average, band_retirements[band], rate))
    p = tuple(rate.rate for rate in by_band)

    # Leaders' age shares at the baseline, by level and by (area, level).
    baseline = counts.baseline
    level_ages: dict[str, dict[str, int]] = {}
    area_ages: dict[tuple[str, str], dict[str, int]] = {}
    for (area, level, band), n in baseline.leaders_by_age.items():
        by_level, by_area = level_ages.setdefault(level, {}), area_ages.setdefault((area, level), {})
        by_level[band] = by_level.get(band, 0) + n
        by_area[band] = by_area.get(band, 0) + n

    level_rates: list[LevelRate] = []
    level_order = list(counts.levels)
    for level in level_order:
        average = _average(sum(n for (_, lv), n in extract.leaders.items() if lv == level) for _, extract in held)
        n_leavers = sum(n for (_, lv), n in leavers.items() if lv == level)
        n_retired = sum(n for (_, lv), n in retirements.items() if lv == level)
        aged_leaders = sum(level_ages.get(level, {}).get(band, 0) for band in AGE_BANDS)
        if average <= 0:
            level_rates.append(LevelRate(level, average, n_leavers, n_retired, None, None, None,
                                         _no_rate_reason(level, extracts), aged_leaders))
            continue
        q, q_nr = n_leavers / average, (n_leavers - n_retired) / average
        projected, shares = _projection(q_nr, level_ages.get(level, {}), p, 1 - ready.of(level), horizon)
        level_rates.append(LevelRate(level, average, n_leavers, n_retired, q, q_nr, projected, None, aged_leaders,
                                     shares))

    # Areas with leaders of a level in post at the start or the end, in display order.
    in_post = {key for _, extract in held for key, n in extract.leaders.items() if n > 0}
    area_order = {area: i for i, area in enumerate(counts.areas)}
    level_index = {level: i for i, level in enumerate(level_order)}
    area_rates: list[AreaRate] = []
    for area, level in sorted(in_post, key=lambda key: (area_order.get(key[0], len(area_order)), key[0],
                                                        level_index.get(key[1], len(level_index)), key[1])):
        average = _average(extract.leaders.get((area, level), 0) for _, extract in held)
        n_leavers = leavers.get((area, level), 0)
        n_retired = retirements.get((area, level), 0)
        q, q_nr = n_leavers / average, (n_leavers - n_retired) / average
        own = average >= min_in_post
        area_projected, area_shares = _projection(q_nr, area_ages.get((area, level), {}), p,
                                                  1 - ready.of(level, area), horizon) if own else (None, None)
        area_rates.append(AreaRate(area, level, average, n_leavers, n_retired, q, q_nr, own, area_projected,
                                   area_shares))

    files = tuple(name for name in (*(extract.file_name for _, extract in held), counts.leavers_file) if name)
    return Evidence(counts.period, tuple(level_rates), tuple(area_rates), tuple(by_band), horizon, min_in_post,
                    extracts, files)
