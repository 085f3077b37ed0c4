"""Running the forecast for a stored scenario, and the views pages build on its output: the area
roll-up and the leaver-rate sensitivity."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlmodel import Session

from planner import areas as tree
from planner.forecast import Problem, SpecError, forecast

# The request-size rule lives in the engine (planner.forecast.uncertainty); kept importable from here.
from planner.forecast.uncertainty import MAX_SIMULATED_AREAS as MAX_SIMULATED_AREAS
from planner.forecast.uncertainty import simulation_load_problem as simulation_load_problem
from planner.models import Scenario, Strategy
from planner.services import derived
from planner.services.scenarios import spec_for
from planner.services.structure import areas_of, nodes

# The sensitivity view moves every leaver rate (level rates and overrides) by these amounts.
SENSITIVITY_STEPS = (-0.02, -0.01, 0.0, 0.01, 0.02)
@dataclass
class ScenarioRun:
    """One scenario's forecast, or the problems that stopped it."""

    scenario: Scenario
    spec: dict[str, Any]
    result: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)


FORECAST_READ = ("baseline", "forecast", "strategy", "structure")  # the groups of tables a forecast reads


def run(session: Session, strategy: Strategy, scenario: Scenario, *, with_bands: bool = True) -> ScenarioRun:
    """Build the scenario's spec and forecast it, once per revision of the strategy (planner.services.derived).
    Callers may read the run but must not change its spec or result: they are shared."""
    return run_each(session, strategy, [scenario], with_bands=with_bands)[0]


def run_each(session: Session, strategy: Strategy, scenarios: list[Scenario], *,
             with_bands: bool = True) -> list[ScenarioRun]:
    """`run` for each scenario, the ones kept looked up together."""
    found = derived.remember_each(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id, asks=[
        derived.Ask("forecast", (scenario.id, with_bands), FORECAST_READ,
                    partial(_forecast, session, strategy, scenario, with_bands))
        for scenario in scenarios])
    return [ScenarioRun(scenario=scenario, spec=spec, result=result, problems=list(problems))
            for scenario, (spec, result, problems) in zip(scenarios, found, strict=True)]


def _forecast(session: Session, strategy: Strategy, scenario: Scenario,
              with_bands: bool) -> tuple[dict[str, Any], dict[str, Any] | None, list[Problem]]:
    spec = spec_for(session, strategy, scenario)
    if not with_bands:
        spec.pop("uncertainty", None)
    if not spec["areas"]:
        return spec, None, [Problem("areas", "no area has staff or leaders in the baseline yet")]
    try:
        return spec, forecast(spec), []
    except SpecError as exc:
        return spec, None, list(exc.problems)


def area_rollup(session: Session, strategy: Strategy, result: dict[str, Any], year: int) -> dict[int, dict[str, float]]:
    """Area id -> {'<level>:<measure>': value} for one year, each area including its sub-areas."""
    by_code = {a.code: a.id for a in areas_of(session, strategy)}
    own: dict[int, dict[str, float]] = {}
    for row in result["rows"]:
        if row["year"] != year or row["area"] not in by_code:
            continue
        figures = own.setdefault(by_code[row["area"]], {})
        for measure in ("demand", "start", "end", "external_appointments", "internal_fills",
                        "shortfall_without_recruitment"):
            figures[f"{row['level']}:{measure}"] = float(row[measure])
    return tree.roll_up(nodes(areas_of(session, strategy)), own)


def _shift_leaver_rates(spec: dict[str, Any], delta: float) -> dict[str, Any]:
    """The spec with every effective leaver rate moved by delta, kept within 0..(1 - ready rate).
    A rate given year by year (model.md version 3) has each year's rate moved and kept so."""
    shifted = copy.deepcopy(spec)
    shifted.pop("uncertainty", None)
    original = {level["key"]: level for level in spec["levels"]}

    def moved(leaver_rate: float | list[float], ready_rate: float) -> float | list[float]:
        if isinstance(leaver_rate, (list, tuple)):
            return [min(max(float(rate) + delta, 0.0), 1.0 - ready_rate) for rate in leaver_rate]
        return min(max(float(leaver_rate) + delta, 0.0), 1.0 - ready_rate)

    for level in shifted["levels"]:
        level["leaver_rate"] = moved(level["leaver_rate"], float(level.get("ready_rate") or 0.0))
    for area in shifted["areas"]:
        for key, rates in (area.get("overrides") or {}).items():
            base = original[key]
            leaver = rates.get("leaver_rate")
            ready = rates.get("ready_rate")
            # An area with its own ready rate but the level's leaver rate: the level's rate, moved
            # and kept within the area's own limit.
            rates["leaver_rate"] = moved(base["leaver_rate"] if leaver is None else leaver,
                                         float(base.get("ready_rate") or 0.0) if ready is None else float(ready))
    return shifted


def sensitivity(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """External appointments over the period and final-year shortfall, per level, with every
    leaver rate moved by each step (clamped so a rate stays within 0 and 1 minus the ready rate)."""
    rows = []
    for delta in SENSITIVITY_STEPS:
        result: dict[str, Any] = forecast(_shift_leaver_rates(spec, delta))  # the engine's plain output
        last = result["years"][-1]
        external: dict[str, float] = {}
        shortfall: dict[str, float] = {}
        for total in result["totals"]:
            external[total["level"]] = external.get(total["level"], 0.0) + total["external_appointments"]
            if total["year"] == last:
                shortfall[total["level"]] = total["shortfall_without_recruitment"]
        rows.append({"delta": delta, "external_appointments": external, "final_shortfall": shortfall,
                     "total_external": sum(external.values())})
    return rows
