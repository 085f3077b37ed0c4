"""Uncertainty bands: whole-people simulations summarised as organisation percentiles."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from forecast_examples import EXAMPLE

from planner.forecast import SpecError, forecast, parse_spec
from planner.forecast.engine import project
from planner.forecast.uncertainty import simulate

METRICS = ("external_appointments", "end", "shortfall_without_recruitment")


def large_spec(simulations: int = 2000, seed: int = 3) -> dict[str, Any]:
    """Three areas with leaders in the hundreds and thousands."""
    return {
        "start_year": 2026,
        "levels": [
            {"key": "senior", "leaver_rate": 0.09, "ready_rate": 0.04, "internal_fill_max": 0.6},
            {"key": "middle", "leaver_rate": 0.10, "ready_rate": 0.06, "internal_fill_max": 0.7},
            {"key": "frontline", "leaver_rate": 0.12, "ready_rate": 0.08, "internal_fill_max": 0.8},
        ],
        "areas": [
            {
                "key": key,
                "staff": staff,
                "staff_growth": 0.02,
                "leaders": {"senior": staff // 100, "middle": staff // 40, "frontline": staff // 13},
                "span": {"middle": 40, "frontline": 13},
            }
            for key, staff in (("medicine", 12000), ("surgery", 20000), ("community", 30000))
        ],
        "uncertainty": {"simulations": simulations, "seed": seed},
    }


def test_no_uncertainty_means_no_bands() -> None:
    output = forecast(copy.deepcopy(EXAMPLE))
    assert "bands" not in output and "uncertainty" not in output


def test_band_shape_and_echo() -> None:
    spec = copy.deepcopy(EXAMPLE) | {"uncertainty": {"simulations": 50}}
    output = forecast(spec)
    assert output["uncertainty"] == {"simulations": 50, "seed": 0}
    bands = output["bands"]
    assert [(b["level"], b["year"]) for b in bands] == [
        (level["key"], year) for level in EXAMPLE["levels"] for year in output["years"]
    ]
    for band in bands:
        assert set(band) == {"level", "year", *METRICS}
        for metric in METRICS:
            assert list(band[metric]) == ["p10", "p50", "p90", "mean"]
            assert all(type(value) is float for value in band[metric].values())
            assert band[metric]["p10"] <= band[metric]["p50"] <= band[metric]["p90"]


def test_same_spec_and_seed_give_the_same_bands_and_another_seed_differs() -> None:
    first = forecast(large_spec(200, seed=7))["bands"]
    assert forecast(large_spec(200, seed=7))["bands"] == first
    assert forecast(large_spec(200, seed=8))["bands"] != first


def test_simulation_mean_is_close_to_the_expected_value_model() -> None:
    spec = parse_spec(large_spec())
    flows = project(spec)
    assert spec.uncertainty is not None
    simulation = simulate(flows.inputs, spec.uncertainty)
    expected = flows.totals().flows
    # Model version 2: with hundreds in every area and unbiased rounding of internal fills, the
    # simulations' mean lies within 3% of the expected-value model for every figure.
    for metric in ("end", "shortfall_without_recruitment", "external_appointments"):
        assert simulation.mean(metric) == pytest.approx(expected[metric], rel=0.03, abs=1.0), metric


def test_bands_carry_the_simulations_mean() -> None:
    spec = large_spec(50)
    output = forecast(spec)
    parsed = parse_spec(spec)
    assert parsed.uncertainty is not None
    simulation = simulate(project(parsed).inputs, parsed.uncertainty)
    first = output["bands"][0]
    mean = float(simulation.mean("external_appointments")[0, 0])
    assert first["external_appointments"]["mean"] == pytest.approx(mean)


def test_bands_bracket_the_expected_value_of_end() -> None:
    output = forecast(large_spec(500))
    totals = {(t["level"], t["year"]): t for t in output["totals"]}
    for band in output["bands"]:
        end = totals[(band["level"], band["year"])]["end"]
        assert band["end"]["p10"] - 2 <= end <= band["end"]["p90"] + 2


def test_simulation_keeps_whole_people_and_never_double_counts() -> None:
    # q + r = 1: everyone either leaves or is ready, so promotions can never exceed stayers.
    spec = copy.deepcopy(EXAMPLE)
    spec["levels"][2] |= {"leaver_rate": 0.5, "ready_rate": 0.5}
    spec["areas"][0]["overrides"] = {}
    spec["uncertainty"] = {"simulations": 300, "seed": 11}
    parsed = parse_spec(spec)
    assert parsed.uncertainty is not None
    simulation = simulate(project(parsed).inputs, parsed.uncertainty)
    assert np.array_equal(simulation.totals, np.round(simulation.totals))
    end = simulation.totals[1]
    assert (end >= 0).all()


@pytest.mark.parametrize(
    ("uncertainty", "path", "text"),
    [
        ({"simulations": 10001}, "uncertainty.simulations", "10001 is outside 1..10000"),
        ({"simulations": 0}, "uncertainty.simulations", "0 is outside 1..10000"),
        ({"simulations": True}, "uncertainty.simulations", "true is not a number"),
        ({"simulations": 10, "seed": 1.5}, "uncertainty.seed", "1.5 is not a whole number"),
        ({"simulations": 10, "seed": -3}, "uncertainty.seed", "-3 is less than 0"),
    ],
)
def test_bounds(uncertainty: dict[str, Any], path: str, text: str) -> None:
    with pytest.raises(SpecError) as caught:
        forecast(copy.deepcopy(EXAMPLE) | {"uncertainty": uncertainty})
    assert [str(p) for p in caught.value.problems] == [f"{path}: {text}"]


def test_simulations_default_to_one_thousand() -> None:
    spec = parse_spec(copy.deepcopy(EXAMPLE) | {"uncertainty": {}})
    assert spec.uncertainty is not None and spec.uncertainty.simulations == 1000


def test_fractional_counts_are_rounded_to_whole_people_halves_up() -> None:
    from planner.forecast.uncertainty import whole_people

    assert whole_people(np.array([0.0, 0.49, 0.5, 12.5, 13.5, 180.0])).tolist() == [0, 0, 1, 13, 14, 180]
    spec = copy.deepcopy(EXAMPLE)
    spec["levels"] = [level | {"leaver_rate": 0.0, "ready_rate": 0.0} for level in spec["levels"]]
    spec["areas"][0] |= {"overrides": {}, "span": {}, "leaders": {"senior": 12.5}}
    spec["uncertainty"] = {"simulations": 20}
    # With nobody leaving, each simulation holds the 13 people it started with.
    [first] = [band for band in forecast(spec)["bands"] if band["level"] == "senior"][:1]
    assert first["end"] == {"p10": 13.0, "p50": 13.0, "p90": 13.0, "mean": 13.0}
