"""Scenarios end to end: what a planner stores (rates as percentages, growth, spans, overrides,
uncertainty) becomes the spec the engine forecasts; bad values are refused naming the level or
area and store nothing; scenarios are made, copied, renamed and deleted; viewers change nothing."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session, func, select

from planner.forecast import forecast
from planner.models import Area, Level, Scenario, ScenarioAreaLevel, ScenarioLevel, Strategy
from planner.services import scenarios as service
from planner.services.scenarios import AreaAssumptions, AssumptionError
from tests import factories
from tests.editing import post_form

KEYS = ("board", "senior", "middle", "frontline")
RATES = {  # stored as shares; the forms show them as percentages
    "board": {"leaver_rate": 0.10, "ready_rate": 0.0, "internal_fill_max": 0.0},
    "senior": {"leaver_rate": 0.08, "ready_rate": 0.04, "internal_fill_max": 0.5},
    "middle": {"leaver_rate": 0.10, "ready_rate": 0.06, "internal_fill_max": 0.6},
    "frontline": {"leaver_rate": 0.12, "ready_rate": 0.08, "internal_fill_max": 0.0},
}


@dataclass
class World:
    strategy: Strategy
    scenario: Scenario
    levels: dict[str, Level]
    areas: dict[str, Area]


@pytest.fixture
def world(db: Session, strategy: Strategy) -> World:
    """Medicine (with leaders of its own) > Emergency Department, Empty ward; Surgery > Theatres.

    Areas are added out of tree order (Theatres before the Emergency Department), and Surgery and
    the Empty ward have no baseline figures, so they are not forecast."""
    med = factories.make_area(db, strategy, "MED", "Medicine")
    surg = factories.make_area(db, strategy, "SURG", "Surgery")
    theatres = factories.make_area(db, strategy, "SURG-TH", "Theatres", parent=surg)
    ed = factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    empty = factories.make_area(db, strategy, "MED-X", "Empty ward", parent=med)
    factories.set_baseline(db, strategy, med, staff=40, fte=38.0, senior=2, middle=1)
    factories.set_baseline(db, strategy, theatres, staff=500, fte=480.0, senior=1, middle=5, frontline=40)
    factories.set_baseline(db, strategy, ed, staff=420, fte=400.0, middle=6, frontline=30)
    factories.set_baseline(db, strategy, empty, staff=0, fte=0.0)  # a row of zeros is no figures
    scenario = service.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    levels = {key: factories.level(db, strategy, key) for key in KEYS}
    service.save_level_assumptions(session=db, strategy=strategy, scenario=scenario, actor=None,  # type: ignore[arg-type]
                                   rates={levels[k].id: dict(v) for k, v in RATES.items()})  # type: ignore[misc]
    return World(strategy, scenario, levels,
                 {a.code: a for a in (med, surg, theatres, ed, empty)})


def _stored_spec(db: Session, w: World, scenario: Scenario | None = None) -> dict[str, Any]:
    db.expire_all()
    return service.spec_for(db, w.strategy, db.get(Scenario, (scenario or w.scenario).id))  # type: ignore[arg-type]


def _errors(page: str) -> list[str]:
    """The error summary's messages, as a person reads them."""
    found = re.search(r'nhsuk-error-summary__list">(.*?)</ul>', page, re.S)
    if not found:
        return []
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def _error_links(page: str) -> list[str]:
    found = re.search(r'nhsuk-error-summary__list">(.*?)</ul>', page, re.S)
    return re.findall(r'href="#([^"]+)"', found.group(1)) if found else []


def _forecast_url(w: World, scenario_id: int | None = None) -> str:
    return f"/strategies/{w.strategy.id}/forecast?scenario={scenario_id or w.scenario.id}"


# --- the service: stored data -> spec -> forecast -------------------------------------------


def test_stored_assumptions_become_the_spec_and_forecast(db: Session, world: World) -> None:
    w = world
    lv, ar = w.levels, w.areas
    service.save_area_assumptions(session=db, strategy=w.strategy, scenario=w.scenario, actor=None, areas={  # type: ignore[arg-type]
        ar["MED-ED"].id: AreaAssumptions(0.03, {lv["frontline"].id: 13.0, lv["middle"].id: 70.0},
                                         {lv["frontline"].id: {"leaver_rate": 0.15}}),
        ar["SURG-TH"].id: AreaAssumptions([0.02, 0.01, 0.0, -0.01, 0.0], {lv["frontline"].id: 12.5}, {}),
    })
    spec = _stored_spec(db, w)
    assert spec == {
        "start_year": 2026,
        "horizon": 5,
        "levels": [{"key": k, **RATES[k]} for k in KEYS],
        "areas": [  # tree order; Surgery and the Empty ward have no figures and are left out
            {"key": "MED", "name": "Medicine", "staff": 40, "staff_growth": 0.0,
             "leaders": {"board": 0, "senior": 2, "middle": 1, "frontline": 0}},
            {"key": "MED-ED", "name": "Emergency Department", "staff": 420, "staff_growth": 0.03,
             "leaders": {"board": 0, "senior": 0, "middle": 6, "frontline": 30},
             "span": {"middle": 70.0, "frontline": 13.0},
             "overrides": {"frontline": {"leaver_rate": 0.15}}},
            {"key": "SURG-TH", "name": "Theatres", "staff": 500, "staff_growth": [0.02, 0.01, 0.0, -0.01, 0.0],
             "leaders": {"board": 0, "senior": 1, "middle": 5, "frontline": 40},
             "span": {"frontline": 12.5}},
        ],
    }
    result = forecast(spec)
    ed_frontline = [r for r in result["rows"] if r["area"] == "MED-ED" and r["level"] == "frontline"]
    assert [r["demand"] for r in ed_frontline] == [math.ceil(round(420 * 1.03 ** t / 13, 9)) for t in range(1, 6)]
    assert ed_frontline[0]["leavers"] == pytest.approx(30 * 0.15)  # the override, not the level's 12%
    theatres = [r for r in result["rows"] if r["area"] == "SURG-TH" and r["level"] == "frontline"]
    assert theatres[0]["staff"] == pytest.approx(510.0) and theatres[1]["staff"] == pytest.approx(515.1)
    # Medicine has no spans: its demand stays at its baseline count.
    assert {r["demand"] for r in result["rows"] if r["area"] == "MED" and r["level"] == "senior"} == {2}


def test_a_scenario_made_from_data_is_checked_by_the_model(db: Session, world: World) -> None:
    with pytest.raises(AssumptionError) as refused:
        service.scenario_from_data(session=db, strategy=world.strategy, actor=None, data={
            "name": "Wild", "levels": {"senior": {"leaver_rate": 0.7, "ready_rate": 0.5}},
        })
    db.rollback()
    assert any("Senior leaders" in message for _field, message in refused.value.problems)
    assert [s.name for s in service.scenarios_of(db, world.strategy)] == ["Baseline"]


# --- level rates ---------------------------------------------------------------------------


def _level_form(w: World, **typed: str) -> dict[str, str]:
    """Every rate field as the page shows it (percentages), with some replaced: key 'rate__level'."""
    form = {f"{f}-{w.levels[k].id}": f"{RATES[k][f] * 100:g}" for k in KEYS for f in RATES[k]}
    for name, value in typed.items():
        rate, key = name.split("__")
        form[f"{rate}-{w.levels[key].id}"] = value
    return form


def test_the_level_form_shows_the_stored_rates_as_percentages(client, world: World, signed_in) -> None:
    signed_in("planner")
    page = client.get(f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/levels").get_data(as_text=True)
    for key in KEYS:
        for rate, share in RATES[key].items():
            name = f"{rate}-{world.levels[key].id}"
            assert re.search(rf'name="{name}"[^>]*value="{share * 100:g}"', page), name


@pytest.mark.parametrize(("typed", "stored"), [
    ("9.5", 0.095),
    ("12%", 0.12),
    (" 7 ", 0.07),
    ("0", 0.0),
    ("", 0.0),
    ("0.5", 0.005),
])
def test_level_rates_are_typed_as_percentages(client, db: Session, world: World, signed_in,
                                              typed: str, stored: float) -> None:
    signed_in("planner")
    response = post_form(client, f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/levels",
                         data=_level_form(world, leaver_rate__senior=typed))
    assert response.status_code == 302
    assert response.headers["Location"] == _forecast_url(world)
    spec = _stored_spec(db, world)
    senior = next(lv for lv in spec["levels"] if lv["key"] == "senior")
    assert senior["leaver_rate"] == pytest.approx(stored, abs=1e-12)
    assert senior["ready_rate"] == pytest.approx(0.04) and senior["internal_fill_max"] == pytest.approx(0.5)


@pytest.mark.parametrize(("typed", "level_name", "words"), [
    ({"leaver_rate__senior": "abc"}, "Senior leaders", "must be a number"),
    ({"leaver_rate__senior": "140"}, "Senior leaders", "outside"),
    ({"ready_rate__middle": "-5"}, "Middle leaders", "outside"),
    ({"internal_fill_max__board": "101"}, "Board", "outside"),
    ({"leaver_rate__frontline": "nan"}, "Frontline leaders", "must be a number"),
    ({"leaver_rate__frontline": "60", "ready_rate__frontline": "50"}, "Frontline leaders", "more than 1"),
])
def test_invalid_level_rates_are_refused_naming_the_level_and_store_nothing(
    client, db: Session, world: World, signed_in, typed: dict[str, str], level_name: str, words: str,
) -> None:
    before = _stored_spec(db, world)
    signed_in("planner")
    response = post_form(client, f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/levels",
                         data=_level_form(world, **typed))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors = _errors(page)
    assert len(errors) == 1, errors
    assert errors[0].startswith(level_name) and words in errors[0], errors
    rate, key = next(iter(typed)).split("__")
    assert _error_links(page) == [f"{rate}-{world.levels[key].id}"]
    # What was typed stays in the form, so it can be corrected.
    value = next(iter(typed.values()))
    assert re.search(rf'name="{rate}-{world.levels[key].id}"[^>]*value="{re.escape(value)}"', page)
    assert _stored_spec(db, world) == before


def test_rates_are_checked_before_any_baseline_exists(client, db: Session, strategy: Strategy, signed_in) -> None:
    """With no figures to forecast yet, a 140% leaver rate must still be refused, not stored to break
    the forecast later."""
    factories.make_area(db, strategy, "MED", "Medicine")
    scenario = service.create_scenario(session=db, strategy=strategy, name="Early", actor=None)
    levels = {key: factories.level(db, strategy, key) for key in KEYS}
    form = {f"{f}-{levels[k].id}": "10" for k in KEYS for f in ("leaver_rate", "ready_rate", "internal_fill_max")}
    form[f"leaver_rate-{levels['senior'].id}"] = "140"
    signed_in("planner")
    response = post_form(client, f"/strategies/{strategy.id}/scenarios/{scenario.id}/levels", data=form)
    assert response.status_code == 400
    errors = _errors(response.get_data(as_text=True))
    assert len(errors) == 1 and errors[0].startswith("Senior leaders"), errors
    db.expire_all()
    stored = service.level_assumptions(db, strategy, scenario)[levels["senior"].id]  # type: ignore[index]
    assert stored == {"leaver_rate": 0.10, "ready_rate": 0.05, "internal_fill_max": 0.5}  # still the defaults


# --- area growth and spans -----------------------------------------------------------------


def _area_form(w: World, **typed: str) -> dict[str, str]:
    """The grid for every forecast area (growth '0', no spans), with cells replaced:
    'growth__MED_ED' or 'span__MED_ED__frontline'."""
    form: dict[str, str] = {}
    for code in ("MED", "MED-ED", "SURG-TH"):
        form[f"growth-{w.areas[code].id}"] = "0"
        for key in KEYS:
            form[f"span-{w.areas[code].id}-{w.levels[key].id}"] = ""
    for name, value in typed.items():
        parts = name.split("__")
        code = parts[1].replace("_", "-")
        field = (f"growth-{w.areas[code].id}" if parts[0] == "growth"
                 else f"span-{w.areas[code].id}-{w.levels[parts[2]].id}")
        form[field] = value
    return form


def _area(spec: dict[str, Any], code: str) -> dict[str, Any]:
    return next(a for a in spec["areas"] if a["key"] == code)


@pytest.mark.parametrize(("typed", "growth", "span"), [
    ({"growth__MED_ED": "3"}, 0.03, {}),
    ({"growth__MED_ED": "-1.5"}, -0.015, {}),
    ({"growth__MED_ED": ""}, 0.0, {}),
    ({"growth__MED_ED": "6, 5, 4, 3, 2"}, [0.06, 0.05, 0.04, 0.03, 0.02], {}),
    ({"growth__MED_ED": "6;5;4;3;2"}, [0.06, 0.05, 0.04, 0.03, 0.02], {}),
    ({"span__MED_ED__frontline": "13", "span__MED_ED__middle": "70.5"}, 0.0, {"frontline": 13.0, "middle": 70.5}),
    ({"span__MED_ED__frontline": "  "}, 0.0, {}),
])
def test_the_area_grid_stores_growth_and_spans(client, db: Session, world: World, signed_in,
                                               typed: dict[str, str], growth: Any, span: dict[str, float]) -> None:
    signed_in("planner")
    response = post_form(client, f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/areas",
                         data=_area_form(world, **typed))
    assert response.status_code == 302
    assert response.headers["Location"] == _forecast_url(world)
    ed = _area(_stored_spec(db, world), "MED-ED")
    assert ed["staff_growth"] == pytest.approx(growth)
    assert ed.get("span", {}) == pytest.approx(span)
    # The page shows back what was stored, as percentages.
    page = client.get(f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/areas").get_data(as_text=True)
    shown = re.search(rf'name="growth-{world.areas["MED-ED"].id}"[^>]*value="([^"]*)"', page)
    assert shown is not None
    expected = ", ".join(f"{g * 100:.10g}" for g in (growth if isinstance(growth, list) else [growth]))
    assert shown.group(1) == expected


@pytest.mark.parametrize(("typed", "field", "words"), [
    ({"growth__MED_ED": "1, 2, 3"}, "growth-MED-ED", ["Emergency Department", "exactly 5 rates", "3 were given"]),
    ({"growth__MED_ED": "1,2,3,4,5,6"}, "growth-MED-ED", ["Emergency Department", "exactly 5 rates", "6 were given"]),
    ({"growth__SURG_TH": "abc"}, "growth-SURG-TH", ["Theatres", "must be a number"]),
    ({"growth__SURG_TH": "-100"}, "growth-SURG-TH", ["Theatres"]),
    ({"span__MED_ED__frontline": "0"}, "span-MED-ED-frontline", ["Emergency Department"]),
    ({"span__MED__middle": "-4"}, "span-MED-middle", ["Medicine"]),
    ({"span__SURG_TH__senior": "ten"}, "span-SURG-TH-senior", ["Theatres", "must be a number"]),
])
def test_bad_growth_or_spans_are_refused_naming_the_area_and_store_nothing(
    client, db: Session, world: World, signed_in, typed: dict[str, str], field: str, words: list[str],
) -> None:
    before = _stored_spec(db, world)
    signed_in("planner")
    # A good change alongside the bad one must not be stored either.
    form = _area_form(world, growth__MED="2", **typed)
    response = post_form(client, f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/areas", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors = _errors(page)
    assert len(errors) == 1 and all(word in errors[0] for word in words), errors
    kind, *rest = field.split("-", 1)
    code, _, level = rest[0].rpartition("-") if kind == "span" else (rest[0], "", "")
    expected_id = (f"growth-{world.areas[rest[0]].id}" if kind == "growth"
                   else f"span-{world.areas[code].id}-{world.levels[level].id}")
    assert _error_links(page) == [expected_id]
    assert _stored_spec(db, world) == before


def test_saving_the_grid_keeps_the_overrides(client, db: Session, world: World, signed_in) -> None:
    w = world
    service.save_area_assumptions(session=db, strategy=w.strategy, scenario=w.scenario, actor=None, areas={  # type: ignore[arg-type]
        w.areas["MED-ED"].id: AreaAssumptions(0.0, {}, {w.levels["middle"].id: {"ready_rate": 0.1}})})
    signed_in("planner")
    response = post_form(client, f"/strategies/{w.strategy.id}/scenarios/{w.scenario.id}/areas",
                         data=_area_form(w, growth__MED_ED="4"))
    assert response.status_code == 302
    ed = _area(_stored_spec(db, w), "MED-ED")
    assert ed["staff_growth"] == pytest.approx(0.04)
    assert ed["overrides"] == {"middle": {"ready_rate": 0.1}}


def test_a_span_cleared_in_the_grid_is_gone(client, db: Session, world: World, signed_in) -> None:
    signed_in("planner")
    url = f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/areas"
    post_form(client, url, data=_area_form(world, span__MED_ED__frontline="13"))
    assert _area(_stored_spec(db, world), "MED-ED")["span"] == {"frontline": 13.0}
    post_form(client, url, data=_area_form(world))
    assert "span" not in _area(_stored_spec(db, world), "MED-ED")
    db.expire_all()
    assert db.exec(select(func.count()).select_from(ScenarioAreaLevel)).one() == 0


# --- overrides ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ({"leaver_rate": "15"}, {"leaver_rate": 0.15}),
    ({"ready_rate": "2.5", "internal_fill_max": "40"}, {"ready_rate": 0.025, "internal_fill_max": 0.4}),
    ({"leaver_rate": "0"}, {"leaver_rate": 0.0}),
])
def test_an_override_is_set_then_cleared(client, db: Session, world: World, signed_in,
                                         typed: dict[str, str], stored: dict[str, float]) -> None:
    w = world
    signed_in("planner")
    url = f"/strategies/{w.strategy.id}/scenarios/{w.scenario.id}/overrides"
    target = {"area_id": str(w.areas["SURG-TH"].id), "level_id": str(w.levels["frontline"].id)}
    response = client.post(url, data={**target, "action": "set", **typed})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert _area(_stored_spec(db, w), "SURG-TH")["overrides"] == {"frontline": pytest.approx(stored)}
    listed = client.get(url).get_data(as_text=True)
    table = listed.split('id="override-table"', 1)[1].split("</table>", 1)[0]
    assert "Theatres" in table and "Frontline leaders" in table

    cleared = client.post(url, data={**target, "action": "clear"})
    assert cleared.status_code == 302
    assert "overrides" not in _area(_stored_spec(db, w), "SURG-TH")
    assert "No overrides" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(("typed", "words"), [
    ({}, "Enter at least one rate"),
    ({"leaver_rate": "lots"}, "must be a number"),
    ({"ready_rate": "95"}, "Theatres"),  # 12% leaver + 95% ready is more than 100%
    ({"leaver_rate": "150"}, "Theatres"),
])
def test_a_bad_override_is_refused_and_nothing_stored(client, db: Session, world: World, signed_in,
                                                      typed: dict[str, str], words: str) -> None:
    before = _stored_spec(db, world)
    signed_in("planner")
    response = client.post(f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/overrides", data={
        "area_id": str(world.areas["SURG-TH"].id), "level_id": str(world.levels["frontline"].id),
        "action": "set", **typed})
    assert response.status_code == 400
    errors = _errors(response.get_data(as_text=True))
    assert len(errors) == 1 and words in errors[0], errors
    assert _stored_spec(db, world) == before


def test_an_override_for_another_strategys_area_is_404(client, db: Session, org, world: World, signed_in) -> None:
    other = factories.make_strategy(db, org, title="Other")
    their_area = factories.make_area(db, other, "ELSE", "Elsewhere")
    signed_in("planner")
    response = client.post(f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/overrides", data={
        "area_id": str(their_area.id), "level_id": str(world.levels["frontline"].id), "leaver_rate": "15"})
    assert response.status_code == 404


# --- uncertainty -----------------------------------------------------------------------------


def test_uncertainty_on_shows_the_bands_with_the_seed_then_off_hides_them(client, db: Session, world: World,
                                                                         signed_in) -> None:
    signed_in("planner")
    url = f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/uncertainty"
    response = post_form(client, url, data={"bands": "on", "simulations": "1,000", "seed": "7"})
    assert response.status_code == 302 and response.headers["Location"] == _forecast_url(world)
    assert _stored_spec(db, world)["uncertainty"] == {"simulations": 1000, "seed": 7}
    page = client.get(_forecast_url(world)).get_data(as_text=True)
    assert 'id="bands-table"' in page and "seed 7" in page and "1,000 simulations" in page
    assert 'id="chart-bands-data"' in page
    bands_rows = page.split('id="bands-table"', 1)[1].split("<tbody", 1)[1].split("</tbody>", 1)[0].count("<tr")
    assert bands_rows == 4 * 5  # each level and year

    response = post_form(client, url, data={"bands": "off", "simulations": "1000", "seed": "7"})
    assert response.status_code == 302
    assert "uncertainty" not in _stored_spec(db, world)
    assert 'id="bands-table"' not in client.get(_forecast_url(world)).get_data(as_text=True)


@pytest.mark.parametrize(("typed", "field", "words"), [
    ({"simulations": "10001", "seed": "7"}, "simulations", "10,000"),
    ({"simulations": "many", "seed": "7"}, "simulations", "whole number"),
    ({"simulations": "-5", "seed": "7"}, "simulations", "whole number"),
    ({"simulations": "1000", "seed": "seven"}, "seed", "whole number"),
    ({"simulations": "1000", "seed": ""}, "seed", "whole number"),
    ({"simulations": "1000", "seed": "\u00b2"}, "seed", "whole number"),
    ({"simulations": "1000", "seed": "\u0661\u0662"}, "seed", "whole number"),
    ({"simulations": "1000", "seed": "9" * 30}, "seed", "too large"),
    ({"simulations": "\u00b2", "seed": "7"}, "simulations", "whole number"),
])
def test_bad_uncertainty_settings_are_refused(client, db: Session, world: World, signed_in,
                                              typed: dict[str, str], field: str, words: str) -> None:
    signed_in("planner")
    response = post_form(client, f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/uncertainty",
                         data={"bands": "on", **typed})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors = _errors(page)
    assert len(errors) == 1 and words in errors[0], errors
    assert _error_links(page) == [field]
    assert f'<span class="nhsuk-error-message" id="{field}-error">' in page
    assert "<title>Error: " in page
    assert "uncertainty" not in _stored_spec(db, world)


def test_zero_simulations_are_refused_as_too_few(client, db: Session, world: World, signed_in) -> None:
    signed_in("planner")
    response = post_form(client, f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/uncertainty",
                         data={"bands": "on", "simulations": "0", "seed": "7"})
    assert response.status_code == 400
    [message] = _errors(response.get_data(as_text=True))
    assert "from 1 to 10,000" in message and "too many" not in message
    assert "uncertainty" not in _stored_spec(db, world)


# --- making, copying, renaming and deleting scenarios ----------------------------------------


def _scenario_named(db: Session, w: World, name: str) -> Scenario:
    db.expire_all()
    return db.exec(select(Scenario).where(Scenario.strategy_id == w.strategy.id, Scenario.name == name)).one()


def test_a_new_scenario_starts_from_default_rates_without_growth_or_spans(client, db: Session, world: World,
                                                                         signed_in) -> None:
    signed_in("planner")
    response = client.post(f"/strategies/{world.strategy.id}/scenarios/new",
                           data={"name": "  Fresh start ", "description": "Defaults", "copy_from": ""})
    created = _scenario_named(db, world, "Fresh start")
    assert response.status_code == 302 and response.headers["Location"] == _forecast_url(world, created.id)
    spec = _stored_spec(db, world, created)
    assert spec["levels"] == [{"key": k, "leaver_rate": 0.10, "ready_rate": 0.05, "internal_fill_max": 0.5}
                              for k in KEYS]
    assert all(a["staff_growth"] == 0.0 and "span" not in a and "overrides" not in a for a in spec["areas"])
    assert "uncertainty" not in spec
    assert created.description == "Defaults"
    assert [s.name for s in service.scenarios_of(db, world.strategy)] == ["Baseline", "Fresh start"]


def test_a_copy_keeps_every_assumption(client, db: Session, world: World, signed_in) -> None:
    w = world
    service.save_area_assumptions(session=db, strategy=w.strategy, scenario=w.scenario, actor=None, areas={  # type: ignore[arg-type]
        w.areas["MED-ED"].id: AreaAssumptions([0.05, 0.04, 0.03, 0.02, 0.01], {w.levels["frontline"].id: 13.0},
                                              {w.levels["middle"].id: {"leaver_rate": 0.2, "ready_rate": 0.1}}),
        w.areas["SURG-TH"].id: AreaAssumptions(-0.01, {w.levels["middle"].id: 80.0}, {}),
    })
    user = signed_in("planner")
    service.save_uncertainty(session=db, strategy=w.strategy, scenario=db.get(Scenario, w.scenario.id),  # type: ignore[arg-type]
                             simulations=50, seed=11, actor=user)
    response = client.post(f"/strategies/{w.strategy.id}/scenarios/new",
                           data={"name": "Stretch", "copy_from": str(w.scenario.id)})
    copy = _scenario_named(db, w, "Stretch")
    assert response.status_code == 302 and response.headers["Location"] == _forecast_url(w, copy.id)
    original = _stored_spec(db, w)
    assert original["uncertainty"] == {"simulations": 50, "seed": 11} and len(original["areas"]) == 3
    assert _stored_spec(db, w, copy) == original
    # The copy is its own: changing it leaves the original alone.
    post_form(client, f"/strategies/{w.strategy.id}/scenarios/{copy.id}/levels",
              data={**_level_form(w), f"leaver_rate-{w.levels['board'].id}": "20"})
    assert _stored_spec(db, w) == original
    assert _stored_spec(db, w, copy)["levels"][0]["leaver_rate"] == pytest.approx(0.2)


@pytest.mark.parametrize(("name", "copy_from"), [("baseline", False), (" BASELINE ", False), ("BaseLine", True)])
def test_a_duplicate_name_is_refused_ignoring_case(client, db: Session, world: World, signed_in,
                                                   name: str, copy_from: bool) -> None:
    signed_in("planner")
    response = client.post(f"/strategies/{world.strategy.id}/scenarios/new",
                           data={"name": name, "copy_from": str(world.scenario.id) if copy_from else ""})
    assert response.status_code == 400
    assert _errors(response.get_data(as_text=True)) == ["There is already a scenario called 'Baseline'"]
    db.expire_all()
    assert db.exec(select(func.count()).select_from(Scenario)).one() == 1


@pytest.mark.parametrize(("name", "words"), [("", "Enter a name"), ("x" * 101, "100 characters")])
def test_a_scenario_needs_a_sensible_name(client, db: Session, world: World, signed_in, name: str,
                                          words: str) -> None:
    signed_in("planner")
    response = client.post(f"/strategies/{world.strategy.id}/scenarios/new", data={"name": name})
    assert response.status_code == 400
    assert words in " ".join(_errors(response.get_data(as_text=True)))
    db.expire_all()
    assert db.exec(select(func.count()).select_from(Scenario)).one() == 1


def test_copying_another_strategys_scenario_is_404(client, db: Session, org, world: World, signed_in) -> None:
    other = factories.make_strategy(db, org, title="Other")
    theirs = service.create_scenario(session=db, strategy=other, name="Theirs", actor=None)
    signed_in("planner")
    response = client.post(f"/strategies/{world.strategy.id}/scenarios/new",
                           data={"name": "Stolen", "copy_from": str(theirs.id)})
    assert response.status_code == 404
    db.expire_all()
    assert [s.name for s in service.scenarios_of(db, world.strategy)] == ["Baseline"]


@pytest.mark.parametrize(("name", "status", "stored"), [
    ("Central case", 302, "Central case"),
    ("BASELINE", 302, "BASELINE"),  # its own name in other letters is no clash
    ("growth", 400, "Baseline"),  # another scenario's name
    ("   ", 400, "Baseline"),
])
def test_renaming_a_scenario(client, db: Session, world: World, signed_in, name: str, status: int,
                             stored: str) -> None:
    service.create_scenario(session=db, strategy=world.strategy, name="Growth", actor=None)
    signed_in("planner")
    response = post_form(client, f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/edit",
                         data={"name": name, "description": "The central case"})
    assert response.status_code == status
    db.expire_all()
    assert db.get(Scenario, world.scenario.id).name == stored  # type: ignore[union-attr]
    if status == 400:
        assert len(_errors(response.get_data(as_text=True))) == 1


def test_deleting_a_scenario_and_never_the_last(client, db: Session, world: World, signed_in) -> None:
    spare_id = service.create_scenario(session=db, strategy=world.strategy, name="Spare", actor=None).id
    signed_in("planner")
    response = client.post(f"/strategies/{world.strategy.id}/scenarios/{spare_id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/strategies/{world.strategy.id}/forecast"
    db.expire_all()
    assert db.get(Scenario, spare_id) is None
    assert db.exec(select(func.count()).select_from(ScenarioLevel).where(
        ScenarioLevel.scenario_id == spare_id)).one() == 0
    assert client.get(_forecast_url(world, spare_id)).status_code == 404

    last = client.post(f"/strategies/{world.strategy.id}/scenarios/{world.scenario.id}/delete")
    assert last.status_code == 409
    assert "at least one scenario" in " ".join(_errors(last.get_data(as_text=True)))
    db.expire_all()
    assert db.get(Scenario, world.scenario.id) is not None


# --- who may change scenarios ------------------------------------------------------------------


def _forms(w: World) -> list[tuple[str, dict[str, str]]]:
    base = f"/strategies/{w.strategy.id}/scenarios"
    sid = w.scenario.id
    return [
        (f"{base}/{sid}/levels", _level_form(w, leaver_rate__senior="20")),
        (f"{base}/{sid}/areas", _area_form(w, growth__MED_ED="5")),
        (f"{base}/{sid}/overrides", {"area_id": str(w.areas["MED-ED"].id), "level_id": str(w.levels["middle"].id),
                                     "leaver_rate": "30", "action": "set"}),
        (f"{base}/{sid}/uncertainty", {"bands": "on", "simulations": "100", "seed": "3"}),
        (f"{base}/new", {"name": "Sneaky", "copy_from": ""}),
        (f"{base}/{sid}/edit", {"name": "Renamed"}),
        (f"{base}/{sid}/delete", {}),
    ]


@pytest.mark.parametrize("role", ["viewer", "contributor"])
@pytest.mark.parametrize("form", range(7), ids=["levels", "areas", "overrides", "uncertainty", "new", "rename",
                                                "delete"])
def test_people_who_may_not_plan_get_403_and_change_nothing(client, db: Session, world: World, signed_in,
                                                            role: str, form: int) -> None:
    service.create_scenario(session=db, strategy=world.strategy, name="Spare", actor=None)  # so delete could work
    before = (_stored_spec(db, world), [s.name for s in service.scenarios_of(db, world.strategy)])
    signed_in(role)
    url, data = _forms(world)[form]
    assert client.get(url).status_code == 403
    assert client.post(url, data=data).status_code == 403
    assert (_stored_spec(db, world), [s.name for s in service.scenarios_of(db, world.strategy)]) == before


@pytest.mark.parametrize("form", range(7), ids=["levels", "areas", "overrides", "uncertainty", "new", "rename",
                                                "delete"])
def test_the_same_forms_work_for_a_planner(client, db: Session, world: World, signed_in, form: int) -> None:
    """The other side of the 403 test: the same requests do change something for a planner."""
    service.create_scenario(session=db, strategy=world.strategy, name="Spare", actor=None)
    before = (_stored_spec(db, world), [s.name for s in service.scenarios_of(db, world.strategy)])
    signed_in("planner")
    url, data = _forms(world)[form]
    scenario_id = world.scenario.id
    assert post_form(client, url, data=data).status_code == 302
    db.expire_all()
    after_names = [s.name for s in service.scenarios_of(db, world.strategy)]
    still_there = db.get(Scenario, scenario_id)
    after_spec = service.spec_for(db, world.strategy, still_there) if still_there else None
    assert (after_spec, after_names) != before
