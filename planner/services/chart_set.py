"""Every chart the pages show for a strategy, built in one place: the pages, the chart downloads and
`planner export-charts` all call these, so a file always shows what its page shows. Diversity
charts follow the page's audience (planner.diversity.disclosure): published by default, so a target
whose starting count is withheld has no chart at all (its trajectory and no-action path would give
the count away); internal only where the page shows exact figures.

Charts are named for files ("forecast-demand", "diversity-target-7", "survey-3"); each comes with
its title (a scenario's charts name the scenario)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import plotly.graph_objects as go
from sqlmodel import Session

from planner.competencies.gaps import Gap
from planner.diversity.disclosure import PUBLISHED, Audience
from planner.exports import charts
from planner.models import DiversityTarget, Organisation, Scenario, Strategy, Survey
from planner.services import competencies, derived, diversity, forecasting, objectives, surveys
from planner.services.scenarios import scenarios_of
from planner.services.structure import levels_of
from planner.survey.scoring import Results

Figures = dict[str, tuple[str, go.Figure]]

# The forecast page's charts (by the names the page gives them) and their file names.
FORECAST = {"demand": "forecast-demand", "appointments": "forecast-appointments", "bands": "forecast-bands",
            "comparison": "forecast-scenarios"}
GAPS = "competency-gaps"
OBJECTIVES = "objectives"
_TARGET = re.compile(r"diversity-target-([0-9]{1,12})")
_SURVEY = re.compile(r"survey-([0-9]{1,12})")


def target_name(target: DiversityTarget) -> str:
    """The file name of a diversity target's trajectory chart."""
    return f"diversity-target-{target.id}"


def survey_name(survey: Survey) -> str:
    """The file name of a survey's radar chart."""
    return f"survey-{survey.id}"


def _title(fig: go.Figure, scenario: Scenario | None = None) -> str:
    text = str(fig.layout.title.text or "Chart")
    return f"{text} ({scenario.name} scenario)" if scenario is not None else text


# --- the charts of each page, from what the page already has ---------------------------------


def forecast_figures(result: Mapping[str, Any] | None, level_names: Mapping[str, str]) -> dict[str, go.Figure]:
    """A scenario's forecast charts by page name: demand, appointments and, when simulated, bands."""
    if result is None:
        return {}
    figures = {"demand": charts.demand_supply(result, level_names),
               "appointments": charts.appointments(result, level_names)}
    if "bands" in result:
        figures["bands"] = charts.bands(result, level_names)
    return figures


@dataclass(frozen=True)
class ForecastCharts:
    """What the forecast page draws for a scenario: each chart as plotly JSON, and the external
    appointments of every scenario by level (the comparison's table)."""

    figures: dict[str, str]
    comparison: dict[str, dict[str, float]]


def forecast_charts(session: Session, strategy: Strategy, scenario: Scenario,
                    all_scenarios: Sequence[Scenario]) -> ForecastCharts:
    """The forecast page's charts, drawn once per revision of the strategy (planner.services.derived):
    building plotly figures costs more than the forecast itself."""
    return derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
                            reads=("baseline", "forecast", "strategy", "structure"),
                            kind="forecast charts", parts=(scenario.id, tuple(s.id for s in all_scenarios)),
                            compute=lambda: _forecast_charts(session, strategy, scenario, all_scenarios))


def _forecast_charts(session: Session, strategy: Strategy, scenario: Scenario,
                     all_scenarios: Sequence[Scenario]) -> ForecastCharts:
    levels = levels_of(session, strategy)
    names = {lv.key: lv.name for lv in levels}
    outcome = forecasting.run(session, strategy, scenario)
    figures: dict[str, str] = {}
    comparison: dict[str, dict[str, float]] = {}
    if outcome.result is None:
        return ForecastCharts(figures, comparison)
    for name, figure in forecast_figures(outcome.result, names).items():
        figures[name] = charts.figure_json(figure)
    if len(all_scenarios) > 1:
        ok = compared_results(session, strategy, all_scenarios)
        figures["comparison"] = charts.figure_json(charts.scenario_comparison(ok, names))
        for name, result in ok.items():
            per_level = {lv.key: 0.0 for lv in levels}
            for row in result["totals"]:
                per_level[row["level"]] = per_level.get(row["level"], 0.0) + row["external_appointments"]
            comparison[name] = per_level
    return ForecastCharts(figures, comparison)


def compared_results(session: Session, strategy: Strategy, scenarios: Sequence[Scenario]) -> dict[str, dict[str, Any]]:
    """Every scenario's forecast without simulations, by name, for the comparison (those that ran)."""
    runs = {s.name: forecasting.run(session, strategy, s, with_bands=False) for s in scenarios}
    return {name: run.result for name, run in runs.items() if run.result is not None}


def target_benchmarks(session: Session, strategy: Strategy, organisation: Organisation,
                      target: DiversityTarget, *, audience: Audience = PUBLISHED) -> dict[str, float | None]:
    """The lines a target's chart is drawn against: the workforce's share of the group and the
    typed-in benchmarks, from the representation as the audience sees it (as its page shows it)."""
    rep = diversity.representation(session, strategy, organisation, target.characteristic, audience=audience)
    benchmarks = {"Workforce": rep.workforce.get(target.group_key)}
    for source, name in diversity.BENCHMARK_SOURCES.items():
        benchmarks[name] = rep.benchmarks.get(source, {}).get(target.group_key)
    return benchmarks


def target_figure(outcome: diversity.TargetOutcome, benchmarks: Mapping[str, float | None]) -> go.Figure | None:
    """A target's trajectory against the no-action path, the target and the benchmarks; None if unsolved
    or withheld (a withheld start leaves the outcome no result to draw)."""
    if outcome.result is None:
        return None
    title = f"{outcome.group_name} share of {outcome.level_name.lower()}"
    return charts.target_trajectory(outcome.result, benchmarks, title)


@dataclass
class GapChart:
    """The gaps page's heatmap with what its table shows: organisation (or area subtree) gaps."""

    gaps: list[Gap]
    names: dict[str, str]  # competency key -> name
    level_names: dict[str, str]
    figure: go.Figure | None


def gap_chart_json(session: Session, strategy: Strategy, *, area_id: int | None = None) -> str | None:
    """The gaps page's heatmap as plotly JSON (None without gaps), drawn once per revision of the strategy."""
    def draw() -> str | None:
        figure = gap_chart(session, strategy, area_id=area_id).figure
        return charts.figure_json(figure) if figure is not None else None

    return derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
                            reads=("catalogue", "competencies", "structure"),
                            kind="gap chart", parts=(area_id,), compute=draw)


def gap_chart(session: Session, strategy: Strategy, *, area_id: int | None = None, drawn: bool = True) -> GapChart:
    """The share of leaders below the required step by competency and level, for the organisation or
    an area with its sub-areas (the totals row of the gap list)."""
    shown = competencies.gap_totals(session, strategy, area_id=area_id)
    names = {c.key: c.name for c in competencies.catalogue(session, strategy.organisation_id).all_competencies()}
    level_names = {lv.key: lv.name for lv in levels_of(session, strategy)}
    cells = [charts.GapCell(level=g.level, competency=g.competency, share_below=g.share_below) for g in shown]
    return GapChart(shown, names, level_names,
                    charts.gap_heatmap(cells, names, level_names) if shown and drawn else None)


def survey_figure(results: Results, dimension_names: Mapping[str, str],
                  group_names: Mapping[str, str]) -> go.Figure | None:
    """The radar of each group's means; None below five responses (the survey's own rule withholds them)."""
    if not (results.enough and results.groups):
        return None
    return charts.survey_radar(dimension_names, {group_names.get(g.group, g.group): g.dimensions
                                                 for g in results.groups})


def objectives_figure(views: Sequence[objectives.ObjectiveView]) -> go.Figure | None:
    """The cascade's treemap; None without objectives."""
    boxes = [charts.CascadeBox(id=v.objective.id, parent_id=v.objective.parent_id,
                               label=f"{v.objective.ref} {v.objective.title}", weight=v.objective.weight,
                               progress=v.progress) for v in views]
    return charts.objective_treemap(boxes) if boxes else None


# --- every chart of a strategy, or one by name ------------------------------------------------


def _forecast(session: Session, strategy: Strategy, scenario: Scenario, *, comparison: bool) -> Figures:
    level_names = {lv.key: lv.name for lv in levels_of(session, strategy)}
    outcome = forecasting.run(session, strategy, scenario)
    out: Figures = {}
    for page_name, fig in forecast_figures(outcome.result, level_names).items():
        out[FORECAST[page_name]] = (_title(fig, scenario), fig)
    all_scenarios = scenarios_of(session, strategy)
    if comparison and outcome.result is not None and len(all_scenarios) > 1:
        fig = charts.scenario_comparison(compared_results(session, strategy, all_scenarios), level_names)
        out[FORECAST["comparison"]] = (_title(fig), fig)
    return out


def _targets(session: Session, strategy: Strategy, organisation: Organisation, scenario: Scenario,
             only: int | None = None, *, audience: Audience = PUBLISHED) -> Figures:
    out: Figures = {}
    for outcome in diversity.target_outcomes(session, strategy, scenario, audience=audience):
        if only is not None and outcome.target.id != only:
            continue
        if outcome.withheld:
            continue  # nothing to draw that would not give the withheld count away
        fig = target_figure(outcome, target_benchmarks(session, strategy, organisation, outcome.target,
                                                       audience=audience))
        if fig is not None:
            out[target_name(outcome.target)] = (_title(fig, scenario), fig)
    return out


def _survey(session: Session, survey: Survey) -> Figures:
    names = {d.key: d.name for d in surveys.dimensions_of(session, survey)}
    group_names = {g.key: g.name for g in surveys.groups_of(session, survey)}
    fig = survey_figure(surveys.results(session, survey), names, group_names)
    return {survey_name(survey): (f"{_title(fig)}: {survey.name}", fig)} if fig is not None else {}


def _objectives(session: Session, strategy: Strategy, organisation: Organisation, today: date | None) -> Figures:
    fig = objectives_figure(objectives.cascade(session, strategy, organisation, today or date.today()))
    return {OBJECTIVES: (_title(fig), fig)} if fig is not None else {}


def _gaps(session: Session, strategy: Strategy, area_id: int | None = None) -> Figures:
    fig = gap_chart(session, strategy, area_id=area_id).figure
    return {GAPS: (_title(fig), fig)} if fig is not None else {}


def _scenario_or_first(session: Session, strategy: Strategy, scenario: Scenario | None) -> Scenario | None:
    if scenario is not None:
        return scenario
    found = scenarios_of(session, strategy)
    return found[0] if found else None


def strategy_figures(session: Session, strategy: Strategy, organisation: Organisation,
                     scenario: Scenario | None = None, *, today: date | None = None,
                     audience: Audience = PUBLISHED) -> Figures:
    """Every chart the pages show for the strategy on a scenario (else its first), by file name:
    the forecast (bands when simulated, the comparison when there are several scenarios), each
    diversity target, the organisation's competency gaps, the latest survey (five responses or
    more) and the objectives."""
    chosen = _scenario_or_first(session, strategy, scenario)
    out: Figures = {}
    if chosen is not None:
        out.update(_forecast(session, strategy, chosen, comparison=True))
        out.update(_targets(session, strategy, organisation, chosen, audience=audience))
    out.update(_gaps(session, strategy))
    latest = surveys.surveys_of(session, strategy)
    if latest:
        out.update(_survey(session, latest[0]))
    out.update(_objectives(session, strategy, organisation, today))
    return out


def figure_named(session: Session, strategy: Strategy, organisation: Organisation, name: str, *,
                 scenario: Scenario | None = None, area_id: int | None = None,
                 today: date | None = None, audience: Audience = PUBLISHED) -> tuple[str, go.Figure] | None:
    """One chart of the strategy by file name, built as its page builds it (the scenario, else the
    first; the gaps of an area's subtree; diversity for the page's audience); None for a name the
    strategy has no chart under, or a target whose start the audience may not see."""
    found: Figures = {}
    if name in FORECAST.values():
        chosen = _scenario_or_first(session, strategy, scenario)
        if chosen is not None:
            found = _forecast(session, strategy, chosen, comparison=name == FORECAST["comparison"])
    elif match := _TARGET.fullmatch(name):
        chosen = _scenario_or_first(session, strategy, scenario)
        if chosen is not None:
            found = _targets(session, strategy, organisation, chosen, only=int(match.group(1)), audience=audience)
    elif match := _SURVEY.fullmatch(name):
        survey = session.get(Survey, int(match.group(1)))
        if survey is not None and survey.strategy_id == strategy.id:  # this strategy's surveys only
            found = _survey(session, survey)
    elif name == GAPS:
        found = _gaps(session, strategy, area_id)
    elif name == OBJECTIVES:
        found = _objectives(session, strategy, organisation, today)
    return found.get(name)
