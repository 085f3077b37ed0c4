"""Hypothesis strategies that build random VALID specs (plain JSON-like dicts)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

LEVEL_NAMES = ["board", "senior", "middle", "frontline", "team"]


def _rate() -> st.SearchStrategy[float]:
    # The ends of the range matter most (0 = never, 1 = always), so include them often.
    return st.one_of(
        st.sampled_from([0.0, 1.0, 0.5]),
        st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False),
    )


@st.composite
def _leaver_and_ready(draw: st.DrawFn, yearly: bool = False, horizon: int = 5) -> tuple[float | list[float], float]:
    """A leaver rate (one, or one per year when ``yearly``) and a ready rate with q + r <= 1 every year."""
    if not yearly:
        q = draw(_rate())
        return q, draw(_rate()) * (1.0 - q)
    rates = draw(st.lists(_rate(), min_size=horizon, max_size=horizon))
    return rates, draw(_rate()) * (1.0 - max(rates))


def highest(rate: float | list[float]) -> float:
    """The highest of a leaver rate given as one number or one per year (version 3)."""
    return max(rate) if isinstance(rate, list) else rate


def _posts() -> st.SearchStrategy[int | float]:
    # Whole numbers of posts; a whole float such as 12.0 is accepted as 12.
    return st.one_of(st.integers(0, 400), st.integers(0, 400).map(float))


@st.composite
def valid_specs(draw: st.DrawFn, *, uncertainty: bool | None = None) -> dict[str, Any]:
    """A valid spec: 1-5 levels, 1-4 areas, 0-3 targets, optional uncertainty.

    About half are version 3 specs: some leaver rates (of levels and of overrides) given year
    by year, and some areas with an establishment for some levels.
    """
    start_year = draw(st.integers(2000, 2100))
    horizon = draw(st.integers(1, 10))
    version_3 = draw(st.booleans())
    level_count = draw(st.integers(1, 5))
    keys = LEVEL_NAMES[:level_count]
    levels: list[dict[str, Any]] = []
    for key in keys:
        q, r = draw(_leaver_and_ready(version_3 and draw(st.booleans()), horizon))
        levels.append({"key": key, "leaver_rate": q, "ready_rate": r, "internal_fill_max": draw(_rate())})
    areas: list[dict[str, Any]] = []
    for number in range(draw(st.integers(1, 4))):
        area: dict[str, Any] = {
            "key": f"area{number}",
            "staff": draw(st.one_of(st.integers(0, 20_000), st.floats(0, 20_000))),
        }
        growth = st.floats(-0.5, 0.5)
        choice = draw(st.integers(0, 2))
        if choice == 1:
            area["staff_growth"] = draw(growth)
        elif choice == 2:
            area["staff_growth"] = draw(st.lists(growth, min_size=horizon, max_size=horizon))
        # Leaders are usually whole people, but a spec may give fractions (whole-time equivalents).
        counts = st.one_of(st.integers(0, 400), st.floats(1e-6, 400))
        area["leaders"] = {key: draw(counts) for key in keys if draw(st.booleans()) or key == keys[-1]}
        area["span"] = {key: draw(st.floats(0.01, 300)) for key in keys if draw(st.booleans())}
        if version_3 and draw(st.booleans()):
            # Funded posts, one number or one per year; with or without a span for the level.
            each_year = st.lists(_posts(), min_size=horizon, max_size=horizon)
            area["establishment"] = {
                key: draw(st.one_of(_posts(), each_year)) for key in keys if draw(st.booleans())
            }
        overrides: dict[str, dict[str, float]] = {}
        for level in levels:
            if draw(st.integers(0, 3)) == 0:
                q, r = draw(_leaver_and_ready(version_3 and draw(st.booleans()), horizon))
                override = {"leaver_rate": q, "ready_rate": r, "internal_fill_max": draw(_rate())}
                # Keep only some of the rates, checking q + r <= 1 in every year with the level's others.
                kept = {name: value for name, value in override.items() if draw(st.booleans())}
                effective_q = highest(kept.get("leaver_rate", level["leaver_rate"]))
                effective_r = kept.get("ready_rate", level["ready_rate"])
                if effective_q + effective_r <= 1:
                    overrides[level["key"]] = kept
        if overrides:
            area["overrides"] = overrides
        areas.append(area)
    targets = [draw(_target(levels, areas, start_year, horizon)) for _ in range(draw(st.integers(0, 3)))]
    spec: dict[str, Any] = {"start_year": start_year, "levels": levels, "areas": areas}
    if horizon != 5 or draw(st.booleans()):
        spec["horizon"] = horizon
    if targets:
        spec["diversity_targets"] = targets
    wants = draw(st.booleans()) if uncertainty is None else uncertainty
    if wants:
        spec["uncertainty"] = {"simulations": draw(st.integers(1, 40)), "seed": draw(st.integers(0, 2**32))}
    return spec


def effective(area: dict[str, Any], level: dict[str, Any], name: str) -> Any:
    """An area's rate at a level after overrides (a leaver rate may be a list, one per year)."""
    override = area.get("overrides", {}).get(level["key"], {})
    return override.get(name, level.get(name, 0.0))


@st.composite
def _target(
    draw: st.DrawFn, levels: list[dict[str, Any]], areas: list[dict[str, Any]], start_year: int, horizon: int
) -> dict[str, Any]:
    keys = [level["key"] for level in levels]
    level = draw(st.sampled_from([*keys, "all"]))
    chosen = [depth for depth, key in enumerate(keys) if level in ("all", key)]
    in_post = sum(area.get("leaders", {}).get(keys[depth], 0) for area in areas for depth in chosen)
    # The largest leaver rate ratio that keeps the group's leaver rate (ratio x q) within 1.
    most = 3.0
    for area in areas:
        for depth in chosen:
            q = highest(effective(area, levels[depth], "leaver_rate"))
            if q > 0:
                most = min(most, 1.0 / q)
    target: dict[str, Any] = {
        "level": level,
        "group": draw(st.sampled_from(["ethnic_minority", "women", "disabled"])),
        # Usually within the level, but the spec does not require it.
        "baseline_count": draw(st.one_of(st.floats(0, 1).map(lambda share: share * in_post), st.floats(0, 50))),
        "target_share": draw(_rate()),
        "target_year": start_year + draw(st.integers(1, horizon)),
    }
    # The default ratio of 1 is only valid when the rates allow it.
    if most < 1 or draw(st.booleans()):
        target["leaver_rate_ratio"] = draw(st.floats(0, 1)) * most
    if draw(st.booleans()):
        target["current_appointment_share"] = draw(_rate())
    if draw(st.booleans()):
        target["pipeline_share"] = draw(_rate())
    return target
