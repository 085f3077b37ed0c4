"""model.md version 3 worked by hand: leaver rates that change by year, and establishment as demand."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from forecast_examples import EXAMPLE

from planner.forecast import forecast, parse_spec
from planner.forecast.engine import project
from planner.forecast.uncertainty import simulate


def example(**areas: Any) -> dict[str, Any]:
    spec = copy.deepcopy(EXAMPLE)
    spec["areas"][0].update(areas)
    return spec


def row(output: dict[str, Any], level: str, year: int) -> dict[str, Any]:
    [found] = [r for r in output["rows"] if r["level"] == level and r["year"] == year]
    return found


def test_establishment_is_the_demand_before_span_and_baseline() -> None:
    # Senior has no span (demand would stay at the baseline 12) and middle a span of 40 (demand
    # would be ceil(2472 / 40) = 62); the establishment replaces both.
    out = forecast(example(establishment={"senior": 14, "middle": [64, 66, 66, 70, 70]}))
    senior, middle, frontline = (row(out, level, 2027) for level in ("senior", "middle", "frontline"))
    assert senior["demand"] == 14 and type(senior["demand"]) is int
    # 12 in post, 9% leave: 10.92 available for 14 posts.
    assert senior["available"] == pytest.approx(10.92, abs=1e-9)
    assert senior["vacancies"] == pytest.approx(3.08, abs=1e-9)
    # 6% of the 60 middle leaders are ready; at most 60% of the 3.08 vacancies are filled from them.
    assert senior["internal_fills"] == pytest.approx(0.6 * 3.08, abs=1e-9)  # 1.848
    assert senior["external_appointments"] == pytest.approx(0.4 * 3.08, abs=1e-9)  # 1.232
    assert senior["end"] == pytest.approx(14.0, abs=1e-9)
    assert middle["demand"] == 64
    assert middle["promoted_out"] == pytest.approx(1.848, abs=1e-9)
    assert middle["available"] == pytest.approx(60 - 6 - 1.848, abs=1e-9)  # 52.152
    assert middle["vacancies"] == pytest.approx(11.848, abs=1e-9)
    assert middle["internal_fills"] == pytest.approx(0.7 * 11.848, abs=1e-9)  # 8.2936, below 14.4 ready
    assert middle["end"] == pytest.approx(64.0, abs=1e-9)
    # Frontline keeps its span: ceil(2472 / 13) = 191 posts.
    assert frontline["demand"] == 191
    assert frontline["promoted_out"] == pytest.approx(8.2936, abs=1e-9)
    assert frontline["available"] == pytest.approx(180 - 27 - 8.2936, abs=1e-9)
    assert [row(out, "middle", year)["demand"] for year in out["years"]] == [64, 66, 66, 70, 70]
    assert [row(out, "senior", year)["demand"] for year in out["years"]] == [14] * 5
    [total] = [t for t in out["totals"] if (t["level"], t["year"]) == ("middle", 2030)]
    assert total["demand"] == 70


def test_an_establishment_below_the_leaders_in_post_leaves_a_surplus() -> None:
    # 10 funded senior posts, 12 in post: 10.92 stay after leavers, so nobody is appointed and
    # the level ends above its establishment (a surplus is never removed).
    out = forecast(example(establishment={"senior": 10}))
    senior = row(out, "senior", 2027)
    assert senior["vacancies"] == 0.0 and senior["external_appointments"] == 0.0
    assert senior["end"] == pytest.approx(10.92, abs=1e-9)
    assert senior["shortfall_without_recruitment"] == pytest.approx(-0.92, abs=1e-9)
    # A year later 9% of 10.92 leave: 9.9372 are left, and 0.0628 posts are vacant.
    assert row(out, "senior", 2028)["vacancies"] == pytest.approx(10 - 10.92 * 0.91, abs=1e-9)


def test_leaver_rates_that_change_by_year_apply_in_their_own_year() -> None:
    spec = copy.deepcopy(EXAMPLE)
    spec["levels"][1]["leaver_rate"] = [0.09, 0.2, 0.05, 0.05, 0.05]
    spec["areas"][0]["overrides"]["frontline"]["leaver_rate"] = [0.15, 0.15, 0.3, 0.15, 0.15]
    out = forecast(spec)
    same = forecast(copy.deepcopy(EXAMPLE))
    # 2027 uses the first figures, which are the version 1 example's own rates.
    for level in ("board", "senior", "middle", "frontline"):
        assert row(out, level, 2027) == row(same, level, 2027)
    # 2028: senior started at 12 (its demand); a fifth leave.
    senior = row(out, "senior", 2028)
    assert senior["start"] == pytest.approx(12.0, abs=1e-9)
    assert senior["leavers"] == pytest.approx(2.4, abs=1e-9)
    assert senior["vacancies"] == pytest.approx(2.4, abs=1e-9)
    # 6% of the 62 middle leaders at the end of 2027 are ready; 60% of the vacancies may be filled.
    assert senior["ready"] == pytest.approx(0.06 * 62, abs=1e-9)
    assert senior["internal_fills"] == pytest.approx(1.44, abs=1e-9)
    assert senior["external_appointments"] == pytest.approx(0.96, abs=1e-9)
    # 2029: the frontline override's 30%; frontline ended 2028 at its demand ceil(2546.16 / 13) = 196.
    frontline = row(out, "frontline", 2029)
    assert frontline["start"] == pytest.approx(196.0, abs=1e-9)
    assert frontline["leavers"] == pytest.approx(0.3 * 196, abs=1e-9)
    # The other levels keep one rate: middle's 10% every year.
    middle = row(out, "middle", 2029)
    assert middle["leavers"] == pytest.approx(0.1 * middle["start"], abs=1e-9)


def test_diversity_follows_the_leavers_of_each_year() -> None:
    spec = copy.deepcopy(EXAMPLE)
    spec["levels"][1]["leaver_rate"] = [0.09, 0.2, 0.05, 0.05, 0.05]
    out = forecast(spec)
    [target] = out["diversity"]
    s = target["required_share_of_appointments"]
    # Senior entrants in 2028: 1.44 promoted and 0.96 appointed from outside, 2.4 in all.
    b1 = target["trajectory"][0]["count"]
    assert b1 == pytest.approx(1 - 1 * 1.08 / 12 + s * 1.08, abs=1e-9)
    # b(2) = b(1) - b(1) x 2.4 / 12 + s x 2.4: the group leaves at the year's rate, 20%.
    assert target["trajectory"][1]["count"] == pytest.approx(b1 - b1 * 2.4 / 12 + s * 2.4, abs=1e-9)
    assert target["trajectory"][-1]["share"] == pytest.approx(0.25, abs=1e-9)
    # The no-action path (15% of appointments) sees the same year's leavers.
    n1 = target["no_action"][0]["count"]
    assert target["no_action"][1]["count"] == pytest.approx(n1 - n1 * 2.4 / 12 + 0.15 * 2.4, abs=1e-9)
    # Senior stays at its 12 posts, so each year q(t) x 12 leave and as many enter:
    # b(t) = b(t-1)(1 - q(t)) + s x 12 q(t), so b(T) = P + 12 s (1 - P) with P the product of
    # (1 - q(t)); the target 25% of 12 = 3 needs s* = (3 - P) / (12 (1 - P)).
    staying = 0.91 * 0.8 * 0.95**3
    assert s == pytest.approx((3 - staying) / (12 * (1 - staying)), abs=1e-12)


def test_a_list_of_the_same_rate_gives_exactly_the_version_1_output_and_bands() -> None:
    scalar = copy.deepcopy(EXAMPLE) | {"uncertainty": {"simulations": 200, "seed": 4}}
    listed = copy.deepcopy(scalar)
    for level in listed["levels"]:
        level["leaver_rate"] = [level["leaver_rate"]] * 5
    listed["areas"][0]["overrides"]["frontline"]["leaver_rate"] = [0.15] * 5
    # The span's demand written out as an establishment is the same demand too.
    first = forecast(scalar)
    listed["areas"][0]["establishment"] = {
        "frontline": [row(first, "frontline", year)["demand"] for year in first["years"]]
    }
    assert forecast(listed) == first


def test_simulations_use_each_year_leaver_rate_and_its_ready_pipeline() -> None:
    # Every senior leaves in 2027 and nobody after. Middle leaders in 2027 either leave (50%) or
    # are ready (50%): all who stay are ready, so all of them step up to the empty senior posts
    # and middle must recruit all 100 of its posts from outside, in every simulated future.
    # Were 2027 drawn with another year's rate (0%), half the stayers would be ready, not all.
    spec = {
        "start_year": 2026,
        "levels": [
            {"key": "senior", "leaver_rate": [1.0, 0, 0, 0, 0], "internal_fill_max": 1.0},
            {"key": "middle", "leaver_rate": [0.5, 0, 0, 0, 0], "ready_rate": 0.5},
        ],
        "areas": [{"key": "a", "staff": 1000, "leaders": {"senior": 100, "middle": 100}}],
        "uncertainty": {"simulations": 200, "seed": 1},
    }
    out = forecast(spec)
    bands = {(b["level"], b["year"]): b for b in out["bands"]}
    everyone = {"p10": 100.0, "p50": 100.0, "p90": 100.0, "mean": 100.0}
    assert bands[("middle", 2027)]["external_appointments"] == everyone
    assert bands[("senior", 2027)]["end"] == everyone
    nobody = {"p10": 0.0, "p50": 0.0, "p90": 0.0, "mean": 0.0}
    for year in range(2028, 2032):
        assert bands[("senior", year)]["external_appointments"] == nobody
        assert bands[("middle", year)]["external_appointments"] == nobody
    # The expected-value model agrees: none of middle is left after leavers and promotions.
    assert row(out, "middle", 2027)["available"] == pytest.approx(0.0, abs=1e-9)
    assert row(out, "middle", 2027)["external_appointments"] == pytest.approx(100.0, abs=1e-9)


def test_simulations_recruit_to_the_establishment_of_each_year() -> None:
    spec = {
        "start_year": 2026,
        "levels": [{"key": "middle", "leaver_rate": 0.0}],
        "areas": [{"key": "a", "staff": 500, "leaders": {"middle": 12},
                   "establishment": {"middle": [12, 15, 15, 20, 20]}}],
        "uncertainty": {"simulations": 50, "seed": 2},
    }
    out = forecast(spec)
    external = [band["external_appointments"]["mean"] for band in out["bands"]]
    end = [band["end"]["p10"] for band in out["bands"]]
    assert external == [0.0, 3.0, 0.0, 5.0, 0.0]
    assert end == [12.0, 15.0, 15.0, 20.0, 20.0]
    assert [t["external_appointments"] for t in out["totals"]] == pytest.approx([0, 3, 0, 5, 0])


def test_simulation_mean_follows_yearly_rates_and_establishment() -> None:
    # Counts in the hundreds in every area: the mean lies within 3% of the expected-value model.
    spec: dict[str, Any] = {
        "start_year": 2026,
        "levels": [
            {"key": "senior", "leaver_rate": [0.09, 0.12, 0.15, 0.12, 0.1], "ready_rate": 0.04,
             "internal_fill_max": 0.6},
            {"key": "middle", "leaver_rate": 0.10, "ready_rate": 0.06, "internal_fill_max": 0.7},
            {"key": "frontline", "leaver_rate": [0.12, 0.14, 0.16, 0.18, 0.2], "ready_rate": 0.08},
        ],
        "areas": [
            {"key": key, "staff": staff, "staff_growth": 0.02,
             "leaders": {"senior": staff // 100, "middle": staff // 40, "frontline": staff // 13},
             "establishment": {"senior": [staff // 100 + t * 5 for t in range(5)]},
             "span": {"middle": 40, "frontline": 13},
             "overrides": {"middle": {"leaver_rate": [0.1, 0.1, 0.2, 0.1, 0.1]}}}
            for key, staff in (("medicine", 12000), ("surgery", 20000), ("community", 30000))
        ],
        "uncertainty": {"simulations": 1000, "seed": 3},
    }
    parsed = parse_spec(spec)
    flows = project(parsed)
    assert parsed.uncertainty is not None
    simulation = simulate(flows.inputs, parsed.uncertainty)
    expected = flows.totals().flows
    for metric in ("end", "shortfall_without_recruitment", "external_appointments"):
        assert simulation.mean(metric) == pytest.approx(expected[metric], rel=0.03, abs=1.0), metric
    assert np.array_equal(simulation.totals, np.round(simulation.totals))
