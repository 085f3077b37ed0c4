"""``parse_spec``: the one place where a spec is validated (every rule, every problem)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from planner.forecast._checks import RATE, Checker, Range, absent, bound, index, join, show
from planner.forecast.engine import staff_path
from planner.forecast.errors import Problem, SpecError
from planner.forecast.parse_targets import (
    SUM_TOLERANCE,
    parse_targets,
    parse_uncertainty,
)
from planner.forecast.spec import (
    ALL_LEVELS,
    Area,
    LevelAssumption,
    RateOverride,
    Spec,
)

# Informational keys are carried by the web app and the JSON export; the model ignores them.
TOP_KEYS = (
    "start_year", "horizon", "levels", "areas", "diversity_targets", "uncertainty",
    "name", "description", "strategy", "scenario",
)  # fmt: skip
LEVEL_KEYS = ("key", "name", "leaver_rate", "ready_rate", "internal_fill_max")
RATE_KEYS = ("leaver_rate", "ready_rate", "internal_fill_max")
AREA_KEYS = ("key", "name", "parent", "staff", "staff_growth", "leaders", "establishment", "span", "overrides")

DEFAULT_HORIZON = 5
START_YEAR = Range(1900, 2200)
HORIZON = Range(1, 10)
# Upper bounds keep every figure finite and every simulated count inside 64-bit integers.
STAFF = Range(0, 10_000_000, cap=True)
GROWTH = Range(-1, 10, low_open=True, cap=True)
LEADERS = Range(0, 1_000_000, cap=True)
# A count such as 1e-300 leaders is a slip, and dividing by it would overflow; counts are 0 or
# at least a millionth of a person (whole-time equivalents need no finer).
SMALLEST_COUNT = 1e-6
SPAN = Range(0, low_open=True)
# Funded leader posts of a level in one area (version 3): whole posts, within the same sanity
# limit as the leaders in post.
POSTS = Range(0, 1_000_000, cap=True)
# A span so small that demand passes a million million posts is a typo, and would overflow.
MOST_POSTS = 1e12


def parse_spec(data: object) -> Spec:
    """Validate a decoded JSON spec and return it as a Spec, or raise SpecError."""
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        raise SpecError([Problem("", f"the spec must be a JSON object, not {show(data)}")])
    top: dict[str, object] = data
    check = Checker()
    check.known_keys(top, "", TOP_KEYS)
    start_year = check.whole(top, "start_year", "", START_YEAR)
    horizon = check.whole(top, "horizon", "", HORIZON, default=DEFAULT_HORIZON)
    read = _levels(check, top, start_year, horizon)
    levels = read.parsed if read.complete else None
    areas = _areas(check, top, read, start_year, horizon)
    targets = parse_targets(check, top, read.keys, start_year, horizon)
    uncertainty = parse_uncertainty(check, top)
    if check.problems:
        raise SpecError(check.problems)
    assert start_year is not None and horizon is not None
    assert levels is not None and areas is not None and targets is not None
    return Spec(start_year, horizon, tuple(levels), tuple(areas), tuple(targets), uncertainty)


def _keyed_items(check: Checker, top: dict[str, object], name: str) -> list[object] | None:
    """A required, non-empty list."""
    if name not in top:
        check.add(name, "is missing")
        return None
    items = check.sequence(top[name], name)
    if items is not None and not items:
        check.add(name, "[] is empty: at least one is needed")
        return None
    return items


def _unique_key(check: Checker, item: dict[str, object], path: str, seen: dict[str, str]) -> str | None:
    key = check.text(item, "key", path, required=True)
    if key is None:
        return None
    if key in seen:
        check.add(join(path, "key"), f'"{key}" is used by {seen[key]} already')
        return None
    seen[key] = path
    return key


@dataclass(frozen=True, slots=True)
class LevelsRead:
    """What could be read of the levels, so later sections are checked as far as possible."""

    parsed: list[LevelAssumption]  # the valid levels
    keys: list[str] | None  # every level's key, or None when some key could not be read
    complete: bool  # every level is valid


def _levels(check: Checker, top: dict[str, object], start_year: int | None, horizon: int | None) -> LevelsRead:
    """The levels, top first."""
    items = _keyed_items(check, top, "levels")
    if items is None:
        return LevelsRead([], None, complete=False)
    levels: list[LevelAssumption] = []
    keys: list[str] | None = []
    seen: dict[str, str] = {}
    valid = True
    for position, raw in enumerate(items):
        path = index("levels", position)
        item = check.mapping(raw, path)
        if item is None:
            valid, keys = False, None
            continue
        check.known_keys(item, path, LEVEL_KEYS)
        key = _unique_key(check, item, path, seen)
        if keys is not None and key is not None:
            keys.append(key)
        elif "key" not in item or not isinstance(item["key"], str):
            keys = None
        if key == ALL_LEVELS:
            check.add(join(path, "key"), '"all" is kept for targets across all levels')
            key = None
        name = check.text(item, "name", path, required=False)
        q = _leaver_rates(check, item, path, horizon, required=True)
        r = check.number(item, "ready_rate", path, RATE, default=0.0)
        f = check.number(item, "internal_fill_max", path, RATE, default=0.0)
        if q is not None and r is not None:
            written_yearly = isinstance(item.get("leaver_rate"), list)
            if not _leave_or_ready(check, path, q, r, written_yearly=written_yearly, start_year=start_year):
                q = None
        if key is None or q is None or r is None or f is None:
            valid = False
            continue
        levels.append(LevelAssumption(key, q, r, f, name))
    return LevelsRead(levels, keys, complete=valid)


def _too_many_leave(q: float, r: float) -> str:
    return f"leaver_rate {bound(q)} plus ready_rate {bound(r)} is {q + r:.6g}, more than 1"


def _leaver_rates(
    check: Checker, item: dict[str, object], path: str, horizon: int | None, *, required: bool
) -> tuple[float, ...] | None:
    """A leaver rate: one number for every year, or a list of one per forecast year (version 3)."""
    where = join(path, "leaver_rate")
    if required and absent(item, "leaver_rate", required=True):
        check.add(where, "is missing")
        return None
    return _yearly(check, item["leaver_rate"], where, horizon, lambda value, at: check.value(value, at, RATE))


def _leave_or_ready(
    check: Checker,
    where: str,
    q: tuple[float, ...],
    r: float,
    *,
    written_yearly: bool,
    start_year: int | None,
) -> bool:
    """Check q + r <= 1 in every year (one person cannot both leave and step up); False if not.

    A yearly list written at ``where`` is blamed year by year on its own item
    (``levels[1].leaver_rate[3]``); a rate that is the same every year keeps one message.
    """
    over = [t for t, rate in enumerate(q) if rate + r > 1 + SUM_TOLERANCE]
    if not over:
        return True
    if not written_yearly and len(set(q)) == 1:
        check.add(where, _too_many_leave(q[0], r))
        return False
    for t in over:
        year = f"year {t + 1}" + (f" ({start_year + t + 1})" if start_year is not None else "")
        at = index(join(where, "leaver_rate"), t) if written_yearly else where
        check.add(at, f"in {year}, {_too_many_leave(q[t], r)}")
    return False


def _areas(
    check: Checker,
    top: dict[str, object],
    read: LevelsRead,
    start_year: int | None,
    horizon: int | None,
) -> list[Area] | None:
    """The areas in spec order; None when any of them is invalid."""
    items = _keyed_items(check, top, "areas")
    if items is None:
        return None
    areas: list[Area] = []
    seen: dict[str, str] = {}
    for position, raw in enumerate(items):
        path = index("areas", position)
        item = check.mapping(raw, path)
        if item is None:
            continue
        before = len(check.problems)
        check.known_keys(item, path, AREA_KEYS)
        key = _unique_key(check, item, path, seen)
        name = check.text(item, "name", path, required=False)
        parent = check.text(item, "parent", path, required=False)
        staff = check.number(item, "staff", path, STAFF)
        growth = _growth(check, item, path, horizon)
        leaders = _leaders(check, item, path, read.keys)
        establishment = _establishment(check, item, path, read.keys, horizon)
        span = _per_level(check, item, "span", path, read.keys, SPAN)
        if staff is not None and growth is not None and span is not None:
            _check_demand_size(check, path, staff_path(staff, growth), span)
        overrides = _overrides(check, item, path, read, start_year, horizon)
        if len(check.problems) > before:
            continue
        assert key is not None and staff is not None and growth is not None
        assert leaders is not None and span is not None and overrides is not None
        assert establishment is not None
        areas.append(
            Area(
                key,
                staff,
                growth,
                MappingProxyType(leaders),
                MappingProxyType(span),
                MappingProxyType(overrides),
                name,
                parent,
                establishment=MappingProxyType(establishment),
            )
        )
    # Areas are only built on a complete set of levels.
    return areas if len(areas) == len(items) and read.complete else None


def _growth(check: Checker, item: dict[str, object], path: str, horizon: int | None) -> tuple[float, ...] | None:
    """Staff growth, one rate per forecast year: a single number applies to every year."""
    raw = 0.0 if absent(item, "staff_growth") else item["staff_growth"]
    return _yearly(check, raw, join(path, "staff_growth"), horizon, lambda value, at: check.value(value, at, GROWTH))


Value = TypeVar("Value", int, float)


def _yearly(
    check: Checker,
    raw: object,
    where: str,
    horizon: int | None,
    read: Callable[[object, str], Value | None],
    unit: str = "rate",
) -> tuple[Value, ...] | None:
    """A figure for each forecast year t = 1..H: one value repeated, or a list of exactly H values."""
    years = horizon if horizon is not None else DEFAULT_HORIZON
    if not isinstance(raw, list):
        value = read(raw, where)
        return None if value is None else (value,) * years
    values = [read(item, index(where, t)) for t, item in enumerate(raw)]
    if horizon is not None and len(raw) != horizon:
        plural = "" if len(raw) == 1 else "s"
        check.add(where, f"{show(raw)} has {len(raw)} {unit}{plural}; the horizon needs {horizon}, one for each year")
        return None
    if any(value is None for value in values):
        return None
    return tuple(value for value in values if value is not None)


def _level_map(
    check: Checker,
    item: dict[str, object],
    name: str,
    path: str,
    keys: list[str] | None,
) -> dict[str, object] | None:
    """An optional object keyed by level; unknown level keys are refused by name."""
    where = join(path, name)
    mapping = check.mapping({} if absent(item, name) else item[name], where)
    if mapping is None:
        return None
    if keys is not None:
        for key in mapping:
            if key not in keys:
                check.add(join(where, key), f'"{key}" is not a level (levels: {", ".join(keys)})')
    return mapping


def _per_level(
    check: Checker,
    item: dict[str, object],
    name: str,
    path: str,
    keys: list[str] | None,
    allowed: Range,
) -> dict[str, float] | None:
    """A level -> number object such as ``leaders`` or ``span``."""
    mapping = _level_map(check, item, name, path, keys)
    if mapping is None:
        return None
    values: dict[str, float] = {}
    for key, raw in mapping.items():
        where = join(join(path, name), key)
        value = check.value(raw, where, allowed)
        if value is not None:
            values[key] = value
    return values


def _leaders(check: Checker, item: dict[str, object], path: str, keys: list[str] | None) -> dict[str, float] | None:
    """Leaders in post per level: 0, or at least a millionth of a person."""
    leaders = _per_level(check, item, "leaders", path, keys, LEADERS)
    for key, count in (leaders or {}).items():
        if 0 < count < SMALLEST_COUNT:
            check.add(join(join(path, "leaders"), key), f"{count!r} is neither 0 nor at least {SMALLEST_COUNT:g}")
    return leaders


def _establishment(
    check: Checker, item: dict[str, object], path: str, keys: list[str] | None, horizon: int | None
) -> dict[str, tuple[int, ...]] | None:
    """Funded leader posts per level (version 3): a whole number, or one per forecast year."""
    mapping = _level_map(check, item, "establishment", path, keys)
    if mapping is None:
        return None
    posts: dict[str, tuple[int, ...]] = {}
    for key, raw in mapping.items():
        where = join(join(path, "establishment"), key)
        figures = _yearly(check, raw, where, horizon, lambda value, at: _posts(check, value, at), unit="figure")
        if figures is not None:
            posts[key] = figures
    return posts


def _posts(check: Checker, value: object, where: str) -> int | None:
    """A number of funded posts: a whole number from 0 to the most allowed."""
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        # Funded establishment is often kept in whole-time equivalents; the model counts posts.
        check.add(where, f"{show(value)} is not a whole number of posts (count posts, not whole-time equivalents)")
        return None
    return check.whole_value(value, where, POSTS)


def _check_demand_size(check: Checker, path: str, staff: list[float], span: dict[str, float]) -> None:
    """Refuse a span that would put demand beyond any organisation (and beyond safe arithmetic)."""
    most_staff = max(staff)
    for key, value in span.items():
        if most_staff / value > MOST_POSTS:
            check.add(
                join(join(path, "span"), key),
                f"{bound(value)} would need {most_staff / value:.3g} posts; at most {MOST_POSTS:.0e} are allowed",
            )


def _overrides(
    check: Checker,
    item: dict[str, object],
    path: str,
    read: LevelsRead,
    start_year: int | None,
    horizon: int | None,
) -> dict[str, RateOverride] | None:
    """Per-level rate overrides; q + r <= 1 is checked, year by year, with the area's effective rates."""
    mapping = _level_map(check, item, "overrides", path, read.keys)
    if mapping is None:
        return None
    by_key = {level.key: level for level in read.parsed}
    overrides: dict[str, RateOverride] = {}
    for key, raw in mapping.items():
        where = join(join(path, "overrides"), key)
        rates = check.mapping(raw, where)
        if rates is None:
            continue
        check.known_keys(rates, where, RATE_KEYS)
        leaver_rate = _leaver_rates(check, rates, where, horizon, required=False) if "leaver_rate" in rates else None
        found = {name: check.value(rates[name], join(where, name), RATE) for name in RATE_KEYS[1:] if name in rates}
        override = RateOverride(leaver_rate, found.get("ready_rate"), found.get("internal_fill_max"))
        overrides[key] = override
        level = by_key.get(key)
        given = [value for name, value in (("leaver_rate", leaver_rate), ("ready_rate", found.get("ready_rate")))
                 if name in rates]
        # Only a valid override can break q + r <= 1; a bad value is reported on its own.
        if level is not None and given and None not in given:
            q = level.leaver_rate if override.leaver_rate is None else override.leaver_rate
            r = level.ready_rate if override.ready_rate is None else override.ready_rate
            written_yearly = isinstance(rates.get("leaver_rate"), list)
            _leave_or_ready(check, where, q, r, written_yearly=written_yearly, start_year=start_year)
    return overrides
