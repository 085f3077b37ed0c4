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
