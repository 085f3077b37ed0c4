"""The Forecast step's pages: totals by level with the engine's numbers rounded to whole people,
charts with their data, scenarios compared, the by-area roll-up, the leaver-rate sensitivity and
the task list's status."""

from __future__ import annotations

import copy
import html
import json
import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlmodel import Session

from planner.forecast import forecast
from planner.models import Area, Level, Scenario, Strategy
from planner.services import baseline
from planner.services import scenarios as service
from planner.services.scenarios import AreaAssumptions
from tests import factories

KEYS = ("board", "senior", "middle", "frontline")
NAMES = {"board": "Board", "senior": "Senior leaders", "middle": "Middle leaders", "frontline": "Frontline leaders"}
YEARS = [2027, 2028, 2029, 2030, 2031]
RATES = {
    "board": {"leaver_rate": 0.10, "ready_rate": 0.0, "internal_fill_max": 0.3},
    "senior": {"leaver_rate": 0.08, "ready_rate": 0.04, "internal_fill_max": 0.5},
    "middle": {"leaver_rate": 0.10, "ready_rate": 0.06, "internal_fill_max": 0.6},
    "frontline": {"leaver_rate": 0.12, "ready_rate": 0.08, "internal_fill_max": 0.0},
}


class _Tables(HTMLParser):
    """Every <table id=...> of a page as rows of cell texts (header rows included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._current = dict(attrs).get("id") or f"table-{len(self.tables)}"
            self.tables[self._current] = []
        elif tag == "tr" and self._current:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._current:
            self.tables[self._current].append(self._row)
            self._row = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def people(value: float) -> str:
    """A count as a reader expects it: whole people, thousands separated."""
    return f"{round(value):,}"


@dataclass
class World:
    strategy: Strategy
    scenario: Scenario
    levels: dict[str, Level]
    areas: dict[str, Area]


@pytest.fixture
def world(db: Session, strategy: Strategy) -> World:
    """Medicine (own leaders) > Emergency Department, Acute Medicine; Community (thousands of staff)."""
    med = factories.make_area(db, strategy, "MED", "Medicine")
    community = factories.make_area(db, strategy, "COMM", "Community Services")
    ed = factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    amu = factories.make_area(db, strategy, "MED-AMU", "Acute Medicine", parent=med)
    factories.set_baseline(db, strategy, med, staff=60, fte=55.0, board=2, senior=4, middle=3, frontline=2)
    factories.set_baseline(db, strategy, ed, staff=420, fte=400.0, senior=1, middle=6, frontline=30)
    factories.set_baseline(db, strategy, amu, staff=310, fte=300.0, middle=4, frontline=24)
    factories.set_baseline(db, strategy, community, staff=26_000, fte=24_000.0, board=1, senior=12, middle=240,
                           frontline=2_300)
    scenario = service.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    levels = {key: factories.level(db, strategy, key) for key in KEYS}
    service.save_level_assumptions(session=db, strategy=strategy, scenario=scenario, actor=None,  # type: ignore[arg-type]
                                   rates={levels[k].id: dict(v) for k, v in RATES.items()})  # type: ignore[misc]
    service.save_area_assumptions(session=db, strategy=strategy, scenario=scenario, actor=None, areas={  # type: ignore[arg-type]
        ed.id: AreaAssumptions(0.03, {levels["frontline"].id: 13.0, levels["middle"].id: 70.0},
                               {levels["frontline"].id: {"leaver_rate": 0.16}}),
        amu.id: AreaAssumptions([0.05, 0.04, 0.03, 0.02, 0.01], {levels["frontline"].id: 12.0}, {}),
        community.id: AreaAssumptions(0.02, {levels["frontline"].id: 11.0, levels["middle"].id: 105.0},
                                      {levels["middle"].id: {"leaver_rate": 0.14, "ready_rate": 0.03}}),
    })
    return World(strategy, scenario, levels, {a.code: a for a in (med, community, ed, amu)})


def _result(db: Session, w: World, scenario: Scenario | None = None) -> dict[str, Any]:
    db.expire_all()
    spec = service.spec_for(db, w.strategy, db.get(Scenario, (scenario or w.scenario).id))  # type: ignore[arg-type]
    return forecast(spec)


def _page(client, w: World, view: str = "", **args: object) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/strategies/{w.strategy.id}/forecast{view}", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- the results page ------------------------------------------------------------------------

TOTAL_ROWS = [  # label on the page, key in the output, summed over the period
    ("Posts needed (demand)", "demand", False),
    ("In post at the start of the year", "start", False),
    ("Leavers", "leavers", True),
    ("Promoted to the level above", "promoted_out", True),
    ("Shortfall without recruitment", "shortfall_without_recruitment", False),
    ("Filled by internal promotion", "internal_fills", True),
    ("External appointments", "external_appointments", True),
    ("In post at the end of the year", "end", False),
]


@pytest.mark.parametrize("key", KEYS)
def test_totals_tables_show_the_forecast_in_whole_people(client, db: Session, world: World, signed_in,
                                                         key: str) -> None:
    signed_in("viewer")
    page = _page(client, world, scenario=world.scenario.id)
    found = tables(page)[f"totals-{key}"]
    assert found[0] == ["Measure", *map(str, YEARS), "Over the period"]
    totals = [t for t in _result(db, world)["totals"] if t["level"] == key]
    assert [t["year"] for t in totals] == YEARS
    body = {row[0]: row[1:] for row in found[1:]}
    assert list(body) == [label for label, _key, _summed in TOTAL_ROWS]
    for label, measure, summed in TOTAL_ROWS:
        expected = [people(t[measure]) for t in totals]
        expected.append(people(sum(t[measure] for t in totals)) if summed else "")
        assert body[label] == expected, (key, label)


def test_totals_match_figures_worked_by_hand(client, db: Session, world: World, signed_in) -> None:
    """Frontline posts needed in 2027, straight from the spans: no engine involved."""
    signed_in("viewer")
    page = _page(client, world)  # the first scenario by default
    demand = tables(page)["totals-frontline"][1]
    by_hand = (2  # Medicine: no span, keeps its baseline count
               + math.ceil(420 * 1.03 / 13) + math.ceil(310 * 1.05 / 12) + math.ceil(26_000 * 1.02 / 11))
    assert demand[0] == "Posts needed (demand)"
    assert demand[1] == f"{by_hand:,}" and "," in demand[1]


def test_the_charts_carry_their_data_as_json(client, db: Session, world: World, signed_in) -> None:
    signed_in("viewer")
    page = _page(client, world)
    result = _result(db, world)
    for name in ("demand", "appointments"):
        start = page.index(f'<script type="application/json" id="chart-{name}-data">')
        text = page[page.index(">", start) + 1:page.index("</script>", start)]
        figure = json.loads(text)
        assert figure["data"], name
    demand = json.loads(page.split('id="chart-demand-data">', 1)[1].split("</script>", 1)[0])
    lines = [trace for trace in demand["data"] if trace.get("name") == "Posts needed (demand)"]
    assert len(lines) == len(KEYS)
    for trace, key in zip(lines, KEYS, strict=True):
        assert list(trace["x"]) == YEARS
        assert list(trace["y"]) == [t["demand"] for t in result["totals"] if t["level"] == key]
    assert 'id="chart-bands-data"' not in page and 'id="bands-table"' not in page


def test_scenarios_are_compared_once_there_are_two(client, db: Session, world: World, signed_in) -> None:
    signed_in("viewer")
    single = _page(client, world)
    assert 'id="comparison-table"' not in single and 'id="chart-comparison-data"' not in single

    lean = service.create_scenario(session=db, strategy=world.strategy, name="Lean", actor=None)
    page = _page(client, world, scenario=lean.id)
    found = tables(page)["comparison-table"]
    assert found[0] == ["Scenario", *[NAMES[k] for k in KEYS], "All levels"]
    assert [row[0] for row in found[1:]] == ["Baseline", "Lean"]
    for row, scenario in zip(found[1:], (world.scenario, lean), strict=True):
        totals = _result(db, world, scenario)["totals"]
        per_level = [sum(t["external_appointments"] for t in totals if t["level"] == k) for k in KEYS]
        assert row[1:] == [people(v) for v in per_level] + [people(sum(per_level))]
    assert found[1][1:] != found[2][1:]  # the two scenarios really differ
    json.loads(page.split('id="chart-comparison-data">', 1)[1].split("</script>", 1)[0])
    # The chosen scenario's own totals are Lean's, not the first scenario's.
    lean_external = [t for t in _result(db, world, lean)["totals"] if t["level"] == "frontline"]
    row = next(r for r in tables(page)["totals-frontline"] if r[0] == "External appointments")
    assert row[1:6] == [people(t["external_appointments"]) for t in lean_external]


@pytest.mark.parametrize("view", ["", "/areas", "/sensitivity"])
@pytest.mark.parametrize("whose", ["another strategy", "no such scenario", "abc", "-1", "\u00b2"])
def test_a_scenario_that_is_not_this_strategys_is_404(client, db: Session, org, world: World, signed_in,
                                                      view: str, whose: str) -> None:
    other = factories.make_strategy(db, org, title="Another strategy")
    theirs = service.create_scenario(session=db, strategy=other, name="Theirs", actor=None)
    signed_in("viewer")
    # Something that is no scenario's id names no page either: not the first scenario by default.
    scenario_id = {"another strategy": theirs.id, "no such scenario": 999_999}.get(whose, whose)
    response = client.get(f"/strategies/{world.strategy.id}/forecast{view}", query_string={"scenario": scenario_id})
    assert response.status_code == 404
    # And the same strategy's own scenario works, so the 404 is about the scenario.
    assert client.get(f"/strategies/{world.strategy.id}/forecast{view}",
                      query_string={"scenario": world.scenario.id}).status_code == 200


@pytest.mark.parametrize("view", ["", "/areas", "/sensitivity"])
def test_the_pages_explain_when_no_area_has_baseline_figures(client, db: Session, strategy: Strategy, signed_in,
                                                             view: str) -> None:
    med = factories.make_area(db, strategy, "MED", "Medicine")
    factories.set_baseline(db, strategy, med, staff=0, fte=0.0)
    service.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    signed_in("viewer")
    response = client.get(f"/strategies/{strategy.id}/forecast{view}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The forecast cannot run yet" in page
    assert "no area has staff or leaders in the baseline yet" in page
    assert not any(name.startswith("totals-") or name in ("area-forecast", "sensitivity-table")
                   for name in tables(page))


def test_the_results_page_without_any_scenario_offers_to_add_one(client, db: Session, strategy: Strategy,
                                                                 signed_in) -> None:
    signed_in("planner")
    page = _page(client, World(strategy, None, {}, {}))  # type: ignore[arg-type]
    assert "There are no scenarios yet" in page
    assert f'href="/strategies/{strategy.id}/scenarios/new"' in page


# --- uncertainty bands: the simulations' mean beside the expected figure ---------------------

BAND_TABLES = {"external_appointments": "bands-table", "end": "bands-end-table"}
BAND_HEADERS = ["Level", "Year", "Expected", "Simulations' mean", "10th percentile", "50th percentile",
                "90th percentile"]


def _with_bands(db: Session, strategy: Strategy, scenario: Scenario, simulations: int = 400) -> None:
    service.save_uncertainty(session=db, strategy=strategy, scenario=scenario, simulations=simulations, seed=7,
                             actor=None)  # type: ignore[arg-type]


def _band_rows(page: str, table: str) -> dict[tuple[str, int], list[str]]:
    """(level name, year) -> the five figures of a bands table; a level's name heads its first row only."""
    found = tables(page)[table]
    assert found[0] == BAND_HEADERS
    rows, level = {}, ""
    for row in found[1:]:
        if len(row) == len(BAND_HEADERS):
            level, row = row[0], row[1:]
        rows[(level, int(row[0]))] = row[1:]
    return rows


def _gaps(page: str) -> str:
    """The text above the bands chart that says whether the mean and the expected figures agree."""
    block = page.split('id="band-gaps">', 1)[1].split('<figure class="app-chart-figure"', 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", block)).split())


def test_the_bands_table_shows_the_mean_beside_the_expected_figure(client, db: Session, world: World,
                                                                   signed_in) -> None:
    _with_bands(db, world.strategy, world.scenario)
    signed_in("viewer")
    page = _page(client, world, scenario=world.scenario.id)
    result = _result(db, world)
    expected = {(t["level"], t["year"]): t for t in result["totals"]}
    for key, table_id in BAND_TABLES.items():
        shown = _band_rows(page, table_id)
        assert list(shown) == [(NAMES[b["level"]], b["year"]) for b in result["bands"]]
        for band in result["bands"]:
            figures = band[key]
            assert shown[(NAMES[band["level"]], band["year"])] == [
                f"{expected[(band['level'], band['year'])][key]:,.1f}", f"{figures['mean']:,.1f}",
                people(figures["p10"]), people(figures["p50"]), people(figures["p90"])], (key, band)
        # Each table scrolls inside its own focusable region, not the page; numbers are set right.
        wrap = page.split(f'id="{table_id}"', 1)[0].rsplit("<div", 1)[1]
        assert 'class="app-table-wrap"' in wrap and 'tabindex="0"' in wrap and 'role="region"' in wrap
        assert "aria-label=" in wrap
        table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
        assert "<caption" in table
        assert table.count("nhsuk-table__header--numeric") == 5
        assert table.count("app-numeric") == 5 * len(result["bands"])
    # The chart draws the mean too, dotted.
    figure = json.loads(page.split('id="chart-bands-data">', 1)[1].split("</script>", 1)[0])
    means = [trace for trace in figure["data"] if trace.get("name") == "Simulations' mean"]
    assert len(means) == len(KEYS) and all(trace["line"]["dash"] == "dot" for trace in means)


@pytest.fixture
def thin(db: Session, strategy: Strategy) -> World:
    """Forty small areas, each with 1 or 2 middle leaders over 2 frontline leaders: an area's ready
    pool is empty in most simulations, so the simulations fill fewer middle posts internally than the
    expected-value model, which counts a fraction of a ready person."""
    areas = {f"T{i:02}": factories.make_area(db, strategy, f"T{i:02}", f"Ward {i}") for i in range(40)}
    baseline.save_baseline(session=db, strategy=strategy, actor=None, figures={
        area.id: baseline.AreaFigures(staff=40, fte=38.0, leaders={"middle": 1 + i % 2, "frontline": 2})  # type: ignore[misc]
        for i, area in enumerate(areas.values())})
    scenario = service.create_scenario(session=db, strategy=strategy, name="Thin", actor=None)
    levels = {key: factories.level(db, strategy, key) for key in KEYS}
    rates = {"board": {"leaver_rate": 0.10, "ready_rate": 0.0, "internal_fill_max": 0.3},
             "senior": {"leaver_rate": 0.10, "ready_rate": 0.0, "internal_fill_max": 0.5},
             "middle": {"leaver_rate": 0.12, "ready_rate": 0.3, "internal_fill_max": 0.8},
             "frontline": {"leaver_rate": 0.15, "ready_rate": 0.25, "internal_fill_max": 0.0}}
    service.save_level_assumptions(session=db, strategy=strategy, scenario=scenario, actor=None,  # type: ignore[arg-type]
                                   rates={levels[k].id: dict(v) for k, v in rates.items()})  # type: ignore[misc]
    _with_bands(db, strategy, scenario)
    return World(strategy, scenario, levels, areas)


@pytest.fixture
def large(db: Session, strategy: Strategy) -> World:
    """Three directorates with middle and frontline leaders in the hundreds and thousands."""
    areas = {code: factories.make_area(db, strategy, code) for code in ("MED", "SURG", "COMM")}
    baseline.save_baseline(session=db, strategy=strategy, actor=None, figures={
        area.id: baseline.AreaFigures(staff=staff, fte=staff * 0.9, leaders={  # type: ignore[misc]
            "senior": staff // 100, "middle": staff // 40, "frontline": staff // 13})
        for area, staff in zip(areas.values(), (12_000, 20_000, 30_000), strict=True)})
    scenario = service.create_scenario(session=db, strategy=strategy, name="Large", actor=None)
    levels = {key: factories.level(db, strategy, key) for key in KEYS}
    service.save_level_assumptions(session=db, strategy=strategy, scenario=scenario, actor=None,  # type: ignore[arg-type]
                                   rates={levels[k].id: dict(v) for k, v in RATES.items()})  # type: ignore[misc]
    _with_bands(db, strategy, scenario, simulations=1000)
    return World(strategy, scenario, levels, areas)


def test_a_mean_more_than_5_percent_from_the_expected_figure_is_explained(client, db: Session, thin: World,
                                                                          signed_in) -> None:
    signed_in("viewer")
    page = _page(client, thin, scenario=thin.scenario.id)
    result = _result(db, thin)
    expected = {(t["level"], t["year"]): t for t in result["totals"]}
    middle = [b for b in result["bands"] if b["level"] == "middle"]
    # The premise: the simulations' mean really is more than 5% from the expected figure here.
    assert all(b["external_appointments"]["mean"] > 1.05 * expected[("middle", b["year"])]["external_appointments"]
               for b in middle)
    said = _gaps(page)
    assert "Middle leaders, external appointments: the simulations average" in said
    assert "(5 years from 2027 to 2031)" in said
    assert "Why they differ by more than 5%" in said and "ready to step up is often empty" in said
    assert "agree within 5%" not in said
    assert 'class="nhsuk-inset-text"' in page.split('id="band-gaps">', 1)[1].split('id="bands-table"', 1)[0]


def test_a_mean_within_5_percent_says_they_agree(client, db: Session, large: World, signed_in) -> None:
    signed_in("viewer")
    page = _page(client, large, scenario=large.scenario.id)
    assert _gaps(page) == ("In every year and at every level, the expected figures and the simulations' average "
                           "agree within 5%.")


def test_without_simulations_there_is_no_bands_section(client, db: Session, world: World, signed_in) -> None:
    signed_in("viewer")
    page = _page(client, world, scenario=world.scenario.id)
    assert 'id="band-gaps"' not in page and 'id="bands-table"' not in page and 'id="bands-end-table"' not in page


# --- by area -------------------------------------------------------------------------------


def _area_rows(page: str) -> dict[str, list[str]]:
    rows = tables(page)["area-forecast"][2:]  # two header rows
    return {row[0]: row[1:] for row in rows}


@pytest.mark.parametrize("year", YEARS)
def test_a_parent_areas_figures_are_its_own_plus_its_childrens(client, db: Session, world: World, signed_in,
                                                              year: int) -> None:
    signed_in("viewer")
    page = _page(client, world, "/areas", scenario=world.scenario.id, year=year)
    assert f"Forecast by area, {year}" in page
    shown = _area_rows(page)
    assert list(shown) == ["Medicine", "Emergency Department", "Acute Medicine", "Community Services"]
    rows = [r for r in _result(db, world)["rows"] if r["year"] == year]

    def figure(codes: tuple[str, ...], key: str, measure: str) -> float:
        return sum(r[measure] for r in rows if r["area"] in codes and r["level"] == key)

    for name, codes in [("Medicine", ("MED", "MED-ED", "MED-AMU")), ("Emergency Department", ("MED-ED",)),
                        ("Community Services", ("COMM",))]:
        expected = []
        for key in KEYS:
            expected += [people(figure(codes, key, "demand")), people(figure(codes, key, "external_appointments"))]
        assert shown[name] == expected, name
    # The children's demand really adds up to less than the parent's: Medicine has leaders of its own.
    assert int(shown["Medicine"][2]) == sum(int(shown[child][2]) for child in ("Emergency Department",
                                                                               "Acute Medicine")) + 4


def test_the_by_area_page_defaults_to_the_last_year(client, world: World, signed_in) -> None:
    signed_in("viewer")
    assert "Forecast by area, 2031" in _page(client, world, "/areas")


@pytest.mark.parametrize("year", [2026, 2032, 1999, "last", "\u00b2", "9" * 50])
def test_a_year_outside_the_forecast_is_404(client, world: World, signed_in, year: int | str) -> None:
    signed_in("viewer")
    response = client.get(f"/strategies/{world.strategy.id}/forecast/areas",
                          query_string={"scenario": world.scenario.id, "year": year})
    assert response.status_code == 404


# --- sensitivity -----------------------------------------------------------------------------


def _shifted(spec: dict[str, Any], delta: float) -> dict[str, Any]:
    """Every leaver rate (levels' and areas' own) moved by delta; none of this world's needs clamping."""
    moved = copy.deepcopy(spec)
    for level in moved["levels"]:
        level["leaver_rate"] += delta
    for area in moved["areas"]:
        for key, rates in area.get("overrides", {}).items():
            base = next(lv for lv in spec["levels"] if lv["key"] == key)
            rates["leaver_rate"] = rates.get("leaver_rate", base["leaver_rate"]) + delta
    return moved


def test_sensitivity_shows_five_leaver_rate_cases_and_appointments_rise_with_them(client, db: Session,
                                                                                  world: World, signed_in) -> None:
    signed_in("viewer")
    page = _page(client, world, "/sensitivity", scenario=world.scenario.id)
    found = tables(page)["sensitivity-table"]
    assert found[0] == ["Leaver rates", *[NAMES[k] for k in KEYS], "All levels", "Change"]
    rows = found[1:]
    assert [row[0] for row in rows] == [
        "2 points lower", "1 point lower", "As in the scenario", "1 point higher", "2 points higher"]
    all_levels = [int(row[5].replace(",", "")) for row in rows]
    assert all_levels == sorted(all_levels) and len(set(all_levels)) == 5, all_levels
    db.expire_all()
    spec = service.spec_for(db, world.strategy, db.get(Scenario, world.scenario.id))  # type: ignore[arg-type]
    for row, delta in zip(rows, (-0.02, -0.01, 0.0, 0.01, 0.02), strict=True):
        totals = forecast(_shifted(spec, delta))["totals"]
        per_level = [sum(t["external_appointments"] for t in totals if t["level"] == k) for k in KEYS]
        assert row[1:6] == [people(v) for v in per_level] + [people(sum(per_level))], row[0]
    assert rows[2][6] == "" and rows[3][6].startswith("+") and rows[1][6].startswith("-")


# --- the task list -------------------------------------------------------------------------


def _forecast_status(client, strategy: Strategy) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    status = page.split('id="task-forecast-status">', 1)[1].split("</div>", 1)[0]
    return " ".join(status.replace("</strong>", "").split(">")[-1].split())


def test_the_task_list_shows_the_forecast_step_completed_once_a_scenario_forecasts(
    client, db: Session, strategy: Strategy, signed_in,
) -> None:
    signed_in("viewer")
    assert _forecast_status(client, strategy) == "Not started"
    area = factories.make_area(db, strategy, "MED", "Medicine")
    scenario = service.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    assert _forecast_status(client, strategy) == "In progress"  # no baseline figures yet
    factories.set_baseline(db, strategy, area, staff=300, fte=280.0, middle=4, frontline=25)
    assert _forecast_status(client, strategy) == "Completed"
    page = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    external = sum(t["external_appointments"] for t in _result(db, World(strategy, scenario, {}, {}))["totals"])
    assert f"1 scenario; Baseline needs {people(external)} external appointments over the period" in page
