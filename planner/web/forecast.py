"""The Forecast step: results of a scenario with charts and tables, the comparison of scenarios,
the area drill-down and the leaver-rate sensitivity."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from planner.band_words import AGREE, band_gaps
from planner.db import get_session
from planner.models import Level, Scenario, Strategy
from planner.services import chart_set, derived, forecasting
from planner.services.forecasting import ScenarioRun
from planner.services.structure import area_depths, areas_of, levels_of
from planner.web.context import strategy_and_scenario
from planner.web.fields import whole_number
from planner.web.tenancy import require

bp = Blueprint("forecast", __name__, url_prefix="/strategies/<int:strategy_id>/forecast")


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """A scenario's forecast: totals by level and year, charts with tables, scenarios compared."""
    strategy, scenario, all_scenarios = strategy_and_scenario(strategy_id)
    db = get_session()
    levels = levels_of(db, strategy)
    results = Markup("")
    if scenario is not None:  # the same for everyone who may see the page: drawn once per change
        results = Markup(derived.remember(
            db, strategy_id=strategy.id, organisation_id=strategy.organisation_id, kind="forecast-page",
            reads=("baseline", "forecast", "strategy", "structure"),
            parts=(scenario.id,), compute=lambda: _results(strategy, scenario, all_scenarios, levels)))
    return render_template("forecast/index.html", strategy=strategy, scenario=scenario, scenarios=all_scenarios,
                           results=results)


def _results(strategy: Strategy, scenario: Scenario, all_scenarios: list[Scenario], levels: list[Level]) -> str:
    """The forecast's figures, charts and tables as HTML (templates/forecast/_results.html)."""
    db = get_session()
    names = {lv.key: lv.name for lv in levels}
    outcome = forecasting.run(db, strategy, scenario)
    drawn = chart_set.forecast_charts(db, strategy, scenario, all_scenarios)
    expected: dict[tuple[str, int], dict[str, float]] = {}
    band_sentences: list[str] = []
    if outcome.result is not None and outcome.result.get("bands"):
        expected = {(t["level"], t["year"]): t for t in outcome.result["totals"]}
        band_sentences = band_gaps(outcome.result["bands"], expected, names) or [AGREE]
    return render_template("forecast/_results.html", strategy=strategy, scenario=scenario, outcome=outcome,
                           levels=levels, figures=drawn.figures, comparison=drawn.comparison, expected=expected,
                           band_sentences=band_sentences)


@dataclass
class _Run:
    """A strategy's chosen scenario forecast without uncertainty bands, for the pages that look into it."""

    strategy: Strategy
    scenario: Scenario
    scenarios: list[Scenario]
    outcome: ScenarioRun


def _run(strategy_id: int) -> _Run:
    """The chosen scenario's forecast (404 when the strategy has no scenario)."""
    strategy, scenario, all_scenarios = strategy_and_scenario(strategy_id)
    if scenario is None:
        abort(404)
    return _Run(strategy, scenario, all_scenarios,
                forecasting.run(get_session(), strategy, scenario, with_bands=False))


@bp.route("/areas")
@require("strategy.view")
def areas(strategy_id: int) -> str:
    """One year of the forecast by area, rolled up the area tree."""
    run = _run(strategy_id)
    strategy, outcome = run.strategy, run.outcome
    db = get_session()
    years = list(range(strategy.start_year + 1, strategy.start_year + strategy.horizon + 1))
    year = whole_number(request.args["year"]) if "year" in request.args else years[-1]
    if year not in years:
        abort(404)
    rows = areas_of(db, strategy)
    rolled = forecasting.area_rollup(db, strategy, outcome.result, year) if outcome.result else {}
    return render_template("forecast/areas.html", strategy=strategy, scenario=run.scenario, scenarios=run.scenarios,
                           outcome=outcome, levels=levels_of(db, strategy), areas=rows, depths=area_depths(rows),
                           rolled=rolled, year=year, years=years)


@bp.route("/sensitivity")
@require("strategy.view")
def sensitivity(strategy_id: int) -> str:
    """The scenario re-run with every leaver rate 1 and 2 points lower and higher."""
    run = _run(strategy_id)
    outcome = run.outcome
    table = forecasting.sensitivity(outcome.spec) if outcome.result is not None else []
    return render_template("forecast/sensitivity.html", strategy=run.strategy, scenario=run.scenario,
                           scenarios=run.scenarios, outcome=outcome, levels=levels_of(get_session(), run.strategy),
                           table=table)
