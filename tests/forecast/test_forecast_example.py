"""The worked example of model.md gives exactly the figures shown there."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from forecast_examples import EXAMPLE

from planner.forecast import forecast, parse_spec, run_forecast

ROW_KEYS = [
    "area", "level", "year", "staff", "demand", "start", "leavers", "promoted_out", "available",
    "vacancies", "ready", "internal_fills", "external_appointments", "end", "shortfall_without_recruitment",
]  # fmt: skip


def example() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE)


@pytest.fixture(scope="module")
def output() -> dict[str, Any]:
    return forecast(example())


def row(output: dict[str, Any], level: str, year: int) -> dict[str, Any]:
    [found] = [r for r in output["rows"] if r["level"] == level and r["year"] == year]
    return found


def test_years(output: dict[str, Any]) -> None:
    assert output["years"] == [2027, 2028, 2029, 2030, 2031]


def test_first_frontline_row_as_printed_in_model_md(output: dict[str, Any]) -> None:
    printed = {
        "area": "medicine", "level": "frontline", "year": 2027, "staff": 2472.0, "demand": 191,
        "start": 180.0, "leavers": 27.0, "promoted_out": 6.0536, "available": 146.9464,
        "vacancies": 44.0536, "ready": 0.0, "internal_fills": 0.0, "external_appointments": 44.0536,
        "end": 191.0, "shortfall_without_recruitment": 44.0536,
    }  # fmt: skip
    actual = row(output, "frontline", 2027)
    assert list(actual) == ROW_KEYS
    for key, value in printed.items():
        if isinstance(value, float):
            assert round(actual[key], 4) == value, key
        else:
            assert actual[key] == value, key


def test_hand_derived_values_of_2027(output: dict[str, Any]) -> None:
    senior, middle, frontline = (row(output, level, 2027) for level in ("senior", "middle", "frontline"))
    # Senior: 12 in post, 9% leave, demand stays at the baseline 12 (no span).
    assert senior["demand"] == 12
    assert senior["leavers"] == pytest.approx(1.08, abs=1e-9)
    assert senior["vacancies"] == pytest.approx(1.08, abs=1e-9)
    assert senior["ready"] == pytest.approx(0.06 * 60, abs=1e-9)
    assert senior["internal_fills"] == pytest.approx(0.6 * 1.08, abs=1e-9)  # 0.648
    assert senior["external_appointments"] == pytest.approx(0.432, abs=1e-9)
    # Middle: demand ceil(2472 / 40) = 62; 0.648 promoted to senior.
    assert middle["demand"] == 62
    assert middle["promoted_out"] == pytest.approx(0.648, abs=1e-9)
    assert middle["available"] == pytest.approx(60 - 6 - 0.648, abs=1e-9)
    assert middle["vacancies"] == pytest.approx(8.648, abs=1e-9)
    assert middle["ready"] == pytest.approx(0.08 * 180, abs=1e-9)
    assert middle["internal_fills"] == pytest.approx(0.7 * 8.648, abs=1e-9)  # 6.0536
    # Frontline: the override makes 15% leave; 6.0536 step up to middle.
    assert frontline["leavers"] == pytest.approx(27.0, abs=1e-9)
    assert frontline["promoted_out"] == pytest.approx(0.7 * 8.648, abs=1e-9)
    assert frontline["available"] == pytest.approx(146.9464, abs=1e-9)
    assert frontline["external_appointments"] == pytest.approx(44.0536, abs=1e-9)
    # The top level with no leaders and no span has no demand.
    board = row(output, "board", 2027)
    assert board["demand"] == 0 and board["end"] == 0.0


def test_first_frontline_total_as_printed(output: dict[str, Any]) -> None:
    [total] = [t for t in output["totals"] if t["level"] == "frontline" and t["year"] == 2027]
    printed = {
        "demand": 191, "start": 180.0, "leavers": 27.0, "promoted_out": 6.0536, "internal_fills": 0.0,
        "external_appointments": 44.0536, "vacancies": 44.0536, "end": 191.0,
    }  # fmt: skip
    for key, value in printed.items():
        assert round(total[key], 4) == value, key
    assert {"available", "ready", "shortfall_without_recruitment"} <= set(total)


def test_diversity_as_printed(output: dict[str, Any]) -> None:
    [target] = output["diversity"]
    assert target["level"] == "senior" and target["group"] == "ethnic_minority"
    assert target["target_share"] == 0.25 and target["target_year"] == 2031
    assert target["baseline_count"] == 1
    assert round(target["required_share_of_appointments"], 4) == 0.5266
    assert target["feasible"] is True
    # Version 2: it needs 52.7% of appointments from a pool that is 20% the group's.
    assert target["assessment"] == "needs_wider_pipeline"
    first = target["trajectory"][0]
    assert first["year"] == 2027
    assert (round(first["count"], 4), round(first["share"], 4)) == (1.4788, 0.1232)
    assert round(first["appointments_from_group"], 4) == 0.5688
    assert target["no_action"][0] == pytest.approx(
        {"year": 2027, "count": 1.072, "share": 1.072 / 12, "appointments_from_group": 0.162}, abs=1e-9
    )


def test_diversity_hand_derived(output: dict[str, Any]) -> None:
    [target] = output["diversity"]
    s = target["required_share_of_appointments"]
    # b(1) = 1 - 1 * 1.08 / 12 + s * 1.08, with senior entrants 0.648 + 0.432 = 1.08.
    assert target["trajectory"][0]["count"] == pytest.approx(0.91 + 1.08 * s, abs=1e-9)
    assert target["trajectory"][0]["appointments_from_group"] == pytest.approx(1.08 * s, abs=1e-9)
    # With s* inside 0..1 the trajectory reaches the target exactly in the target year.
    assert target["trajectory"][-1]["share"] == pytest.approx(0.25, abs=1e-9)
    assert len(target["trajectory"]) == len(target["no_action"]) == 5


def test_output_shape_and_types(output: dict[str, Any]) -> None:
    assert set(output) == {"years", "rows", "totals", "diversity"}
    assert len(output["rows"]) == 4 * 5 and len(output["totals"]) == 4 * 5
    assert [(r["level"], r["year"]) for r in output["rows"][:6]] == [("board", y) for y in range(2027, 2032)] + [
        ("senior", 2027)
    ]
    for item in output["rows"] + output["totals"]:
        assert type(item["demand"]) is int
        assert all(type(v) is float for k, v in item.items() if k not in ("area", "level", "year", "demand"))


def test_run_forecast_on_a_parsed_spec_is_the_same(output: dict[str, Any]) -> None:
    assert run_forecast(parse_spec(example())) == output


def test_demand_rounds_a_binary_artefact_down() -> None:
    # Sums such as 0.1 + 0.2 leave binary artefacts like 3.0000000000000004 staff per span;
    # the 9-place rounding keeps demand at 3 posts, not 4.
    spec = example()
    spec["areas"][0]["staff_growth"] = 0
    spec["areas"][0]["span"] = {"frontline": 1.0}
    spec["areas"][0]["staff"] = 3.0000000000000004
    out = forecast(spec)
    assert row(out, "frontline", 2027)["demand"] == 3


def test_growth_list_applies_year_by_year() -> None:
    spec = example()
    spec["areas"][0]["staff_growth"] = [0.1, 0.0, -0.5, 0.0, 1.0]
    staff = [row(forecast(spec), "frontline", year)["staff"] for year in range(2027, 2032)]
    assert staff == pytest.approx([2640, 2640, 1320, 1320, 2640])


def test_a_fractional_baseline_without_a_span_keeps_that_count_as_demand() -> None:
    # Whole-time equivalents: model.md's D = N(0) holds, so demand is the fraction as given.
    spec = example()
    spec["areas"][0]["leaders"]["senior"] = 12.5
    out = forecast(spec)
    senior = row(out, "senior", 2027)
    assert senior["demand"] == 12.5 and senior["start"] == 12.5
    assert senior["vacancies"] == pytest.approx(0.09 * 12.5, abs=1e-9)
    # Demand from a span is always a whole number of posts.
    assert type(row(out, "middle", 2027)["demand"]) is int
