"""Printed flows add up: the rounding rule of planner/exports/rounding.py, on random forecasts."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from planner.exports.rounding import whole, whole_flows
from planner.forecast import forecast
from tests.forecast.forecast_strategies import valid_specs

FLOWS = ("demand", "start", "leavers", "promoted_out", "available", "internal_fills", "external_appointments",
         "vacancies", "end")


def _reconciles(shown: dict[str, int]) -> None:
    assert shown["start"] - shown["leavers"] - shown["promoted_out"] == shown["available"]
    assert shown["available"] + shown["internal_fills"] + shown["external_appointments"] == shown["end"]
    assert shown["internal_fills"] + shown["external_appointments"] == shown["vacancies"]
    assert shown["demand"] - shown["available"] == shown["shortfall_without_recruitment"]
    assert all(shown[k] >= 0 for k in FLOWS if k != "available") and shown["available"] >= 0


def _close(shown: dict[str, int], row: dict[str, Any]) -> None:
    available = row.get("available", row["start"] - row["leavers"] - row["promoted_out"])
    for name in FLOWS:
        exact = available if name == "available" else row[name]
        assert abs(shown[name] - exact) <= 1 + 1e-9, (name, shown[name], exact)


@settings(max_examples=120, deadline=None)
@given(valid_specs(uncertainty=False))
def test_every_printed_row_and_total_reconciles_and_moves_no_figure_by_more_than_one(spec: dict[str, Any]) -> None:
    result = forecast(spec)
    for row in [*result["rows"], *result["totals"]]:
        shown = whole_flows(row)
        _reconciles(shown)
        _close(shown, row)


@settings(max_examples=60, deadline=None)
@given(valid_specs(uncertainty=False))
def test_a_levels_printed_end_of_year_is_the_next_years_printed_start(spec: dict[str, Any]) -> None:
    result = forecast(spec)
    by_level: dict[str, list[dict[str, int]]] = {}
    for total in result["totals"]:
        by_level.setdefault(total["level"], []).append(whole_flows(total))
    for years in by_level.values():
        for before, after in zip(years, years[1:], strict=False):
            assert before["end"] == after["start"]


def test_the_issue_s_board_row_now_adds_up() -> None:
    # Board 2027 printed as 15 - 2 - 0 = 14 when each figure was rounded alone (14.6 - 1.46 ...).
    row = {"demand": 15, "start": 14.6, "leavers": 1.46, "promoted_out": 0.0, "internal_fills": 0.0,
           "external_appointments": 1.86, "end": 15.0}
    shown = whole_flows(row)
    assert (shown["start"], shown["leavers"], shown["available"], shown["external_appointments"], shown["end"]) \
        == (15, 2, 13, 2, 15)
    _reconciles(shown)


def test_halves_round_away_from_zero_and_float_dust_is_ignored() -> None:
    assert [whole(x) for x in (0.5, 1.5, 2.5, -2.5, 2.4999999999, 0.49)] == [1, 2, 3, -3, 3, 0]
