"""An independent, deliberately plain re-implementation of model.md, compared with the engine.

Nothing here is shared with planner.forecast: the spec is read straight from the dict and
every step is a plain loop, written from the contract's text.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from forecast_strategies import valid_specs
from hypothesis import given, settings

from planner.forecast import forecast
from planner.forecast.generate import generate_spec

FIELDS = [
    "start",
    "leavers",
    "promoted_out",
    "available",
    "vacancies",
    "ready",
    "internal_fills",
    "external_appointments",
    "end",
    "shortfall_without_recruitment",
]


def reference(spec: dict[str, Any]) -> dict[str, Any]:
    """model.md, read literally."""
    start_year = spec["start_year"]
    horizon = spec.get("horizon", 5)
    levels = spec["levels"]
    keys = [level["key"] for level in levels]
    years = [start_year + t for t in range(1, horizon + 1)]

    def rate(area: dict[str, Any], level: dict[str, Any], name: str, t: int) -> float:
        over = area.get("overrides", {}).get(level["key"], {})
        value = over[name] if name in over else level.get(name, 0.0)
        # Version 3: a leaver rate may be a list of H numbers; year t uses the t-th.
        return float(value[t - 1] if isinstance(value, list) else value)

    rows = []
    for area in spec["areas"]:
        growth = area.get("staff_growth", 0.0)
        staff = [float(area["staff"])]
        for t in range(1, horizon + 1):
            g = growth[t - 1] if isinstance(growth, list) else growth
            staff.append(staff[t - 1] * (1 + g))
        n_prev = [float(area.get("leaders", {}).get(k, 0)) for k in keys]
        baseline = list(n_prev)
        for t in range(1, horizon + 1):
            n_now = [0.0] * len(keys)
            fills_above = 0.0
            for i, level in enumerate(levels):
                span = area.get("span", {}).get(level["key"])
                posts = area.get("establishment", {}).get(level["key"])
                if posts is not None:
                    # Version 3: the establishment is the demand, before span and baseline.
                    demand = int(posts[t - 1] if isinstance(posts, list) else posts)
                elif span is not None:
                    demand = math.ceil(round(staff[t] / span, 9))
                else:
                    demand = baseline[i]
                start = n_prev[i]
                leavers = rate(area, level, "leaver_rate", t) * start
                promoted_out = fills_above if i > 0 else 0.0
                available = start - leavers - promoted_out
                vacancies = max(0.0, demand - available)
                if i < len(levels) - 1:
                    ready = rate(area, levels[i + 1], "ready_rate", t) * n_prev[i + 1]
                    fills = min(rate(area, level, "internal_fill_max", t) * vacancies, ready)
                else:
                    ready = 0.0
                    fills = 0.0
                end = available + vacancies
                n_now[i] = end
                fills_above = fills
                rows.append(
                    {
                        "area": area["key"],
                        "level": level["key"],
                        "year": years[t - 1],
                        "staff": staff[t],
                        "demand": demand,
                        "start": start,
                        "leavers": leavers,
                        "promoted_out": promoted_out,
                        "available": available,
                        "vacancies": vacancies,
                        "ready": ready,
                        "internal_fills": fills,
                        "external_appointments": vacancies - fills,
                        "end": end,
                        "shortfall_without_recruitment": demand - available,
                    }
                )
            n_prev = n_now
    # Rows were made area, year, level; the contract orders area, level, year.
    rows.sort(
        key=lambda row: ([a["key"] for a in spec["areas"]].index(row["area"]), keys.index(row["level"]), row["year"])
    )
    totals = []
    for key in keys:
        for year in years:
            mine = [row for row in rows if row["level"] == key and row["year"] == year]
            item = {"level": key, "year": year, "demand": sum(row["demand"] for row in mine)}
            for name in FIELDS:
                item[name] = sum(row[name] for row in mine)
            totals.append(item)
    diversity = []
    for target in spec.get("diversity_targets", []):
        chosen = keys if target["level"] == "all" else [target["level"]]
        n = [float(sum(area.get("leaders", {}).get(k, 0) for area in spec["areas"] for k in chosen))]
        leavers = [0.0]
        promoted = [0.0]
        entrants = [0.0]
        for year in years:
            mine = [row for row in totals if row["year"] == year and row["level"] in chosen]
            n.append(sum(row["end"] for row in mine))
            leavers.append(sum(row["leavers"] for row in mine))
            if target["level"] == "all":
                promoted.append(0.0)
                entrants.append(sum(row["external_appointments"] for row in mine))
            else:
                promoted.append(sum(row["promoted_out"] for row in mine))
                entrants.append(sum(row["internal_fills"] + row["external_appointments"] for row in mine))
        rho = target.get("leaver_rate_ratio", 1.0)
        flows = (n, leavers, promoted, entrants)
        big_t = target["target_year"] - start_year
        b0 = reference_path(target["baseline_count"], rho, flows, 0.0)[big_t]
        b1 = reference_path(target["baseline_count"], rho, flows, 1.0)[big_t]
        aim = target["target_share"] * n[big_t]
        s_star = None if b1 - b0 == 0 else (aim - b0) / (b1 - b0)
        feasible = b0 >= aim if s_star is None else s_star <= 1
        applied = 0.0 if s_star is None else min(1.0, max(0.0, s_star))
        current = target.get("current_appointment_share")
        if current is None:
            current = target["baseline_count"] / n[0] if n[0] != 0 else 0.0
        paths = {}
        for name, s in (("trajectory", applied), ("no_action", current)):
            # Version 2: after the target year the trajectory holds the target; no_action never changes.
            hold_after = big_t if name == "trajectory" else horizon
            b, used = reference_held_path(target["baseline_count"], rho, flows, s, hold_after,
                                          target["target_share"])
            paths[name] = [
                {
                    "year": years[t - 1],
                    "count": b[t],
                    "share": b[t] / n[t] if n[t] != 0 else 0.0,
                    "appointments_from_group": used[t] * entrants[t],
                }
                for t in range(1, horizon + 1)
            ]
        pipeline = target.get("pipeline_share")
        if s_star is None:
            verdict = "met_without_action" if b0 >= aim else "not_reachable"
        elif s_star <= 0:
            verdict = "met_without_action"
        elif s_star > 1:
            verdict = "not_reachable"
        elif pipeline is None:
            verdict = "reachable"
        else:
            verdict = "within_pipeline" if s_star <= pipeline else "needs_wider_pipeline"
        diversity.append(
            {
                "level": target["level"],
                "group": target["group"],
                "target_share": target["target_share"],
                "target_year": target["target_year"],
                "baseline_count": target["baseline_count"],
                "required_share_of_appointments": s_star,
                "feasible": feasible,
                "assessment": verdict,
                "trajectory": paths["trajectory"],
                "no_action": paths["no_action"],
            }
        )
    return {"years": years, "rows": rows, "totals": totals, "diversity": diversity}


def reference_path(b0: float, rho: float, flows: tuple[list[float], ...], s: float) -> list[float]:
    """b(t) of model.md for t = 0..H."""
    n, leavers, promoted, entrants = flows
    b = [float(b0)]
    for t in range(1, len(n)):
        exits = b[t - 1] * (rho * leavers[t] + promoted[t]) / n[t - 1] if n[t - 1] != 0 else 0.0
        b.append(b[t - 1] - exits + s * entrants[t])
    return b


def reference_held_path(b0: float, rho: float, flows: tuple[list[float], ...], s: float, hold_after: int,
                        target_share: float) -> tuple[list[float], list[float]]:
    """b(t) for t = 0..H, and the share of entrants used each year: s up to year `hold_after`, then
    the share that holds the group at the target share (model.md version 2)."""
    n, leavers, promoted, entrants = flows
    b, used = [float(b0)], [0.0]
    for t in range(1, len(n)):
        exits = b[t - 1] * (rho * leavers[t] + promoted[t]) / n[t - 1] if n[t - 1] != 0 else 0.0
        if t <= hold_after:
            share = s
        elif entrants[t] > 0:
            share = min(1.0, max(0.0, (target_share * n[t] - (b[t - 1] - exits)) / entrants[t]))
        else:
            share = 0.0
        used.append(share)
        b.append(b[t - 1] - exits + share * entrants[t])
    return b, used


def assert_close(mine: Any, theirs: Any, where: str = "") -> None:
    """Recursive comparison: numbers to 1e-6 (relative for large values), the rest exactly."""
    if isinstance(theirs, dict):
        assert isinstance(mine, dict) and set(theirs) <= set(mine), where
        for key in theirs:
            assert_close(mine[key], theirs[key], f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(mine, list) and len(mine) == len(theirs), where
        for position, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            assert_close(a, b, f"{where}[{position}]")
    elif isinstance(theirs, bool) or theirs is None or isinstance(theirs, str):
        assert mine == theirs, where
    else:
        assert mine == pytest.approx(theirs, rel=1e-6, abs=1e-6), where


@settings(max_examples=80, deadline=None)
@given(valid_specs(uncertainty=False))
def test_engine_matches_a_plain_reimplementation(spec: dict[str, Any]) -> None:
    assert_close(forecast(spec), reference(spec))


@pytest.mark.parametrize("seed", range(6))
def test_generated_version_3_specs_match_the_plain_reimplementation(seed: int) -> None:
    spec = generate_spec(areas=8, levels=2 + seed % 4, horizon=3 + seed, targets=4, seed=seed, version=3)
    levels: list[dict[str, Any]] = spec["levels"]  # type: ignore[assignment]
    areas: list[dict[str, Any]] = spec["areas"]  # type: ignore[assignment]
    # The generator gives version 3 inputs to some levels and areas, not all.
    assert any(isinstance(level["leaver_rate"], list) for level in levels) or seed % 4 == 0
    assert any("establishment" in area for area in areas)
    assert_close(forecast(spec), reference(spec))
