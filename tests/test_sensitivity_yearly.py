"""The leaver-rate sensitivity on version 3 specs (model.md): a leaver rate given year by year has
every year's rate moved, each kept within 0 and 1 less the ready rate, as a single rate always was."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from planner.forecast import forecast
from planner.forecast.generate import generate_spec
from planner.services.forecasting import SENSITIVITY_STEPS, sensitivity


def _moved(rate: float, delta: float, ready: float) -> float:
    return min(max(rate + delta, 0.0), 1.0 - ready)


def _shifted_by_hand(spec: dict[str, Any], delta: float) -> dict[str, Any]:
    """Every effective leaver rate of every year moved by delta: written out per level, area and year."""
    horizon = int(spec["horizon"])
    out = copy.deepcopy(spec)
    for level in out["levels"]:
        years = level["leaver_rate"] if isinstance(level["leaver_rate"], list) else [level["leaver_rate"]] * horizon
        level["leaver_rate"] = [_moved(q, delta, level.get("ready_rate", 0.0)) for q in years]
    levels = {lv["key"]: lv for lv in spec["levels"]}
    for area in out["areas"]:
        for key, rates in area.get("overrides", {}).items():
            q = rates.get("leaver_rate", levels[key]["leaver_rate"])
            years = q if isinstance(q, list) else [q] * horizon
            ready = rates.get("ready_rate", levels[key].get("ready_rate", 0.0))
            rates["leaver_rate"] = [_moved(v, delta, ready) for v in years]
    return out


def _v3_spec(seed: int) -> dict[str, Any]:
    spec: dict[str, Any] = generate_spec(areas=8, levels=4, horizon=5, targets=0, seed=seed, version=3)
    spec.pop("diversity_targets")
    levels = [lv["key"] for lv in spec["levels"]]
    # A yearly level rate near 0 and one near 1 less the ready rate, so both ends of the clamp are met,
    # and an area whose own ready rate limits the level's yearly rate.
    spec["levels"][1]["leaver_rate"] = [0.005, 0.01, 0.03, 0.05, 0.0]
    spec["levels"][2]["ready_rate"] = 0.1
    spec["levels"][2]["leaver_rate"] = [0.85, 0.88, 0.9, 0.89, 0.2]
    spec["areas"][0]["overrides"] = {levels[2]: {"ready_rate": 0.2}}
    spec["areas"][1]["overrides"] = {levels[3]: {"leaver_rate": [0.1, 0.12, 0.14, 0.16, 0.18]}}
    return spec


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_years_leaver_rate_is_moved_and_kept_within_its_limits(seed: int) -> None:
    spec = _v3_spec(seed)
    assert any(isinstance(lv["leaver_rate"], list) for lv in spec["levels"])
    table = sensitivity(spec)
    assert [row["delta"] for row in table] == list(SENSITIVITY_STEPS)
    for row in table:
        expected = forecast(_shifted_by_hand(spec, row["delta"]))
        for level in (lv["key"] for lv in spec["levels"]):
            total = sum(t["external_appointments"] for t in expected["totals"] if t["level"] == level)
            assert row["external_appointments"][level] == pytest.approx(total, abs=1e-9)
    # Higher leaver rates mean more appointments in every case.
    assert [row["total_external"] for row in table] == sorted(row["total_external"] for row in table)


def test_a_yearly_rate_stays_yearly_and_the_stored_spec_is_untouched() -> None:
    from planner.services.forecasting import _shift_leaver_rates

    spec = _v3_spec(1)
    before = copy.deepcopy(spec)
    shifted = _shift_leaver_rates(spec, 0.02)
    assert spec == before
    assert shifted["levels"][1]["leaver_rate"] == pytest.approx([0.025, 0.03, 0.05, 0.07, 0.02])
    assert shifted["levels"][2]["leaver_rate"] == pytest.approx([0.87, 0.9, 0.9, 0.9, 0.22])  # at most 1 - 0.1
    # The area's own ready rate (0.2) limits the level's yearly rate there: at most 0.8 in each year.
    assert shifted["areas"][0]["overrides"][spec["levels"][2]["key"]]["leaver_rate"] == pytest.approx(
        [0.8, 0.8, 0.8, 0.8, 0.22])
    lower = _shift_leaver_rates(spec, -0.02)
    assert lower["levels"][1]["leaver_rate"] == pytest.approx([0.0, 0.0, 0.01, 0.03, 0.0])
