"""Properties of the expected-value model on random valid specs."""

from __future__ import annotations

import math
import sys
from typing import Any

import pytest
from forecast_strategies import effective, valid_specs
from hypothesis import given, settings

from planner.forecast import forecast, parse_spec, run_forecast
from planner.forecast.diversity import group_flows, group_path, required_share
from planner.forecast.engine import project

TOLERANCE = 1e-9
NEVER_NEGATIVE = [
    "staff", "demand", "start", "leavers", "promoted_out", "available", "vacancies", "ready",
    "internal_fills", "external_appointments", "end",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(valid_specs(uncertainty=False))
def test_row_identities(spec: dict[str, Any]) -> None:
    output = forecast(spec)
    areas = {area["key"]: area for area in spec["areas"]}
    levels = {level["key"]: level for level in spec["levels"]}
    bottom = spec["levels"][-1]["key"]
    for row in output["rows"]:
        assert row["end"] == pytest.approx(row["available"] + row["vacancies"], abs=TOLERANCE)
        assert row["end"] == pytest.approx(max(row["demand"], row["available"]), abs=1e-6)
        for name in NEVER_NEGATIVE:
            assert row[name] >= -TOLERANCE, name
        assert row["internal_fills"] <= row["ready"] + TOLERANCE
        f = effective(areas[row["area"]], levels[row["level"]], "internal_fill_max")
        assert row["internal_fills"] <= f * row["vacancies"] + TOLERANCE
        assert row["external_appointments"] + row["internal_fills"] == pytest.approx(row["vacancies"], abs=TOLERANCE)
        if row["level"] == bottom:
            assert row["internal_fills"] == 0 and row["ready"] == 0
        if row["level"] == spec["levels"][0]["key"]:
            assert row["promoted_out"] == 0


@settings(max_examples=60, deadline=None)
@given(valid_specs(uncertainty=False))
def test_totals_are_sums_of_rows(spec: dict[str, Any]) -> None:
    output = forecast(spec)
    assert len(output["totals"]) == len(spec["levels"]) * len(output["years"])
    for total in output["totals"]:
        mine = [row for row in output["rows"] if (row["level"], row["year"]) == (total["level"], total["year"])]
        assert len(mine) == len(spec["areas"])
        for name, value in total.items():
            if name not in ("level", "year"):
                assert value == pytest.approx(sum(row[name] for row in mine), rel=1e-9, abs=TOLERANCE), name


@settings(max_examples=80, deadline=None)
@given(valid_specs(uncertainty=False))
def test_the_solved_share_reaches_the_target(spec: dict[str, Any]) -> None:
    parsed = parse_spec(spec)
    totals = project(parsed).totals()
    output = run_forecast(parsed)
    for target, result in zip(parsed.diversity_targets, output["diversity"], strict=True):
        flows = group_flows(target.level, parsed, totals)
        t = target.target_year - parsed.start_year
        solved = required_share(flows, target, t)
        assert solved == result["required_share_of_appointments"]
        aim = target.target_share * flows.in_post[t]
        if solved is None:
            assert result["feasible"] == (
                group_path(flows, target.baseline_count, target.leaver_rate_ratio, 0)[t] >= aim
            )
            continue
        reached = group_path(flows, target.baseline_count, target.leaver_rate_ratio, solved)[t]
        # s* comes from the difference b_T(1) - b_T(0), each rounded; where few enter, s* is
        # huge and that rounding (a few ulps of b) is multiplied by it, so allow for it.
        ends = [abs(group_path(flows, target.baseline_count, target.leaver_rate_ratio, s)[t]) for s in (0, 1)]
        rounding = 8 * sys.float_info.epsilon * abs(solved) * max(1.0, *ends)
        assert reached == pytest.approx(aim, abs=1e-6 * max(1.0, flows.in_post[t]) + rounding)
        assert result["feasible"] == (solved <= 1)


@settings(max_examples=60, deadline=None)
@given(valid_specs(uncertainty=False))
def test_diversity_outputs_are_finite_and_consistent(spec: dict[str, Any]) -> None:
    output = forecast(spec)
    for result in output["diversity"]:
        assert [item["year"] for item in result["trajectory"]] == output["years"]
        assert [item["year"] for item in result["no_action"]] == output["years"]
        for item in result["trajectory"] + result["no_action"]:
            assert all(math.isfinite(value) for value in item.values())
            # Shares of entrants stay within 0..1 on both paths.
            assert item["appointments_from_group"] >= -TOLERANCE
        solved = result["required_share_of_appointments"]
        assert solved is None or math.isfinite(solved)


@settings(max_examples=30, deadline=None)
@given(valid_specs(uncertainty=True))
def test_bands_are_deterministic_per_seed(spec: dict[str, Any]) -> None:
    first, second = forecast(spec), forecast(spec)
    assert first["bands"] == second["bands"]
    assert first["uncertainty"] == spec["uncertainty"]
    assert len(first["bands"]) == len(spec["levels"]) * len(first["years"])
    for band in first["bands"]:
        for metric in ("external_appointments", "end", "shortfall_without_recruitment"):
            low, mid, high = (band[metric][p] for p in ("p10", "p50", "p90"))
            assert low <= mid <= high


@settings(max_examples=80, deadline=None)
@given(valid_specs(uncertainty=False))
def test_after_the_target_year_the_trajectory_holds_the_target_where_it_can(spec: dict[str, Any]) -> None:
    # Model version 2: past the target year, the share of appointments from the group is whatever keeps
    # the group at the target share; where that needs between none and all of them, the share is exact.
    result = forecast(spec)
    for target, item in zip(spec.get("diversity_targets", []), result["diversity"], strict=True):
        totals = {(t["level"], t["year"]): t for t in result["totals"]}
        for point in item["trajectory"]:
            if point["year"] <= target["target_year"]:
                continue
            levels = [lv["key"] for lv in spec["levels"]] if target["level"] == "all" else [target["level"]]
            field = "external_appointments" if target["level"] == "all" else None
            entrants = sum(totals[(k, point["year"])][field] if field else totals[(k, point["year"])]["internal_fills"]
                           + totals[(k, point["year"])]["external_appointments"] for k in levels)
            given_share = point["appointments_from_group"] / entrants if entrants > 1e-9 else 0.0
            assert -1e-9 <= given_share <= 1 + 1e-9
            if entrants > 1e-6 and 1e-6 < given_share < 1 - 1e-6:
                assert point["share"] == pytest.approx(target["target_share"], abs=1e-6)


@settings(max_examples=80, deadline=None)
@given(valid_specs(uncertainty=False))
def test_the_assessment_agrees_with_the_required_share_and_the_pipeline(spec: dict[str, Any]) -> None:
    for target, item in zip(spec.get("diversity_targets", []), forecast(spec)["diversity"], strict=True):
        needed, verdict = item["required_share_of_appointments"], item["assessment"]
        pipeline = target.get("pipeline_share")
        if needed is None:
            assert verdict in ("met_without_action", "not_reachable")
            assert (verdict == "met_without_action") == item["feasible"]
        elif needed <= 0:
            assert verdict == "met_without_action"
        elif needed > 1:
            assert verdict == "not_reachable" and not item["feasible"]
        elif pipeline is None:
            assert verdict == "reachable"
        else:
            assert verdict == ("within_pipeline" if needed <= pipeline else "needs_wider_pipeline")
        # Never called reachable within the pool when it needs more than the pool.
        if verdict == "within_pipeline":
            assert needed <= pipeline
