"""Changing scenarios: creating, copying, renaming and deleting them, and storing their assumptions once
the model has accepted them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, func, select

from planner.forecast.uncertainty import simulation_load_problem
from planner.models import Scenario, ScenarioArea, ScenarioAreaLevel, ScenarioLevel, Strategy, User, utcnow
from planner.services import ServiceError, finish
from planner.services.audit import record
from planner.services.editing import check_version, commit_checked
from planner.services.scenarios.assumptions import (
    DEFAULT_RATES,
    MAX_SIMULATIONS,
    RATE_FIELDS,
    AreaAssumptions,
    AssumptionError,
    default_level,
    forecast_areas,
    keeps_measured,
    measured_of,
    scenarios_of,
)
from planner.services.scenarios.spec import check_assumptions
from planner.services.structure import areas_of, levels_of


def _clean_name(session: Session, strategy: Strategy, name: str, scenario: Scenario | None = None) -> str:
    name = name.strip()
    if not name:
        raise ServiceError("Enter a name for the scenario", field="name")
    if len(name) > 100:
        raise ServiceError("The name must be 100 characters or fewer", field="name")
    clash = session.exec(select(Scenario).where(
        Scenario.strategy_id == strategy.id, func.lower(Scenario.name) == name.lower()
    )).first()
    if clash is not None and (scenario is None or clash.id != scenario.id):
        raise ServiceError(f"There is already a scenario called '{clash.name}'", field="name")
    return name


def create_scenario(
    *, session: Session, strategy: Strategy, name: str, description: str = "", actor: User | None,
    commit: bool = True,
) -> Scenario:
    """A new scenario with default rates for every level and no growth or spans."""
    name = _clean_name(session, strategy, name)
    position = session.exec(select(func.count()).select_from(Scenario).where(Scenario.strategy_id == strategy.id)).one()
    scenario = Scenario(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                        name=name, description=description.strip()[:500], position=position)
    session.add(scenario)
    session.flush()
    for level in levels_of(session, strategy):
        session.add(default_level(scenario, level.id))
    record(session, action="create", entity="scenario", entity_id=scenario.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None, changes={"name": name})
    finish(session, commit)
    return scenario


def copy_scenario(*, session: Session, strategy: Strategy, source: Scenario, name: str, actor: User) -> Scenario:
    """A copy of a scenario under a new name, to vary from there."""
    name = _clean_name(session, strategy, name)
    position = session.exec(select(func.count()).select_from(Scenario).where(Scenario.strategy_id == strategy.id)).one()
    copy = Scenario(organisation_id=source.organisation_id, strategy_id=source.strategy_id, name=name,
                    description=source.description, position=position, simulations=source.simulations,
                    seed=source.seed)
    session.add(copy)
    session.flush()
    # Children before parents: an area's level overrides go before the area override they belong to.
    for model in (ScenarioLevel, ScenarioAreaLevel, ScenarioArea):
        for row in session.exec(select(model).where(model.scenario_id == source.id)):
            values = row.model_dump(exclude={"id", "scenario_id"})
            session.add(model(scenario_id=copy.id, **values))
    record(session, action="copy", entity="scenario", entity_id=copy.id, organisation_id=source.organisation_id,
           user_id=actor.id, changes={"from": source.name, "name": name})
    session.commit()
    return copy


def rename_scenario(*, session: Session, strategy: Strategy, scenario: Scenario, name: str, description: str,
                    actor: User, version: int | None = None) -> Scenario:
    """Rename a scenario or change its description (refused if it changed since `version` was read)."""
    check_version(scenario, version)
    name = _clean_name(session, strategy, name, scenario)
    before = {"name": scenario.name, "description": scenario.description}
    scenario.name, scenario.description = name, description.strip()[:500]
    scenario.updated_at = utcnow()
    session.add(scenario)
    record(session, action="update", entity="scenario", entity_id=scenario.id,
           organisation_id=scenario.organisation_id, user_id=actor.id,
           changes={"before": before, "after": {"name": name, "description": scenario.description}})
    commit_checked(session, scenario)
    return scenario


def delete_scenario(*, session: Session, strategy: Strategy, scenario: Scenario, actor: User) -> None:
    """Delete a scenario, keeping at least one."""
    if len(scenarios_of(session, strategy)) <= 1:
        raise ServiceError("A strategy needs at least one scenario.")
    # Children before parents, each kind flushed before the next: an area's level overrides go before the
    # area overrides they belong to, and those before the scenario, so no row is gone (by the database's
    # cascade) before the delete that names it.
    for model in (ScenarioLevel, ScenarioAreaLevel, ScenarioArea):
        for row in session.exec(select(model).where(model.scenario_id == scenario.id)):
            session.delete(row)
        session.flush()
    record(session, action="delete", entity="scenario", entity_id=scenario.id,
           organisation_id=scenario.organisation_id, user_id=actor.id, changes={"name": scenario.name})
    session.delete(scenario)
    session.commit()


def save_level_assumptions(
    *, session: Session, strategy: Strategy, scenario: Scenario, rates: Mapping[int, dict[str, float]], actor: User,
    version: int | None = None,
) -> None:
    """Store the rates of each level after the model has accepted them (refused if the scenario
    changed since `version` was read)."""
    check_version(scenario, version)
    check_assumptions(session, strategy, scenario, levels=rates)
    stored = {row.level_id: row for row in session.exec(
        select(ScenarioLevel).where(ScenarioLevel.scenario_id == scenario.id))}
    changes: dict[str, Any] = {}
    for level_id, values in rates.items():
        row = stored.get(level_id) or ScenarioLevel(organisation_id=scenario.organisation_id,
                                                    scenario_id=scenario.id, level_id=level_id)
        before = {f: getattr(row, f) for f in RATE_FIELDS}
        if row.leaver_source is not None and not keeps_measured(measured_of(row), float(values["leaver_rate"])):
            row.leaver_rates = row.leaver_source = None  # typed over: the source now says typed
            changes[f"{level_id} source"] = ["measured", "typed"]
        for f in RATE_FIELDS:
            setattr(row, f, float(values[f]))
        if before != {f: getattr(row, f) for f in RATE_FIELDS}:
            changes[str(level_id)] = [before, values]
        session.add(row)
    _touch(session, scenario, actor, "levels", changes)


def save_area_assumptions(
    *, session: Session, strategy: Strategy, scenario: Scenario, areas: Mapping[int, AreaAssumptions], actor: User,
    version: int | None = None,
) -> None:
    """Store growth, spans and overrides of the given areas after the model has accepted them (refused
    if the scenario changed since `version` was read)."""
    check_version(scenario, version)
    check_assumptions(session, strategy, scenario, areas=areas)
    growth_rows = {row.area_id: row for row in session.exec(
        select(ScenarioArea).where(ScenarioArea.scenario_id == scenario.id))}
    cells = {(c.area_id, c.level_id): c for c in session.exec(
        select(ScenarioAreaLevel).where(ScenarioAreaLevel.scenario_id == scenario.id))}
    for area_id, assumptions in areas.items():
        row = growth_rows.get(area_id) or ScenarioArea(organisation_id=scenario.organisation_id,
                                                       scenario_id=scenario.id, area_id=area_id)
        row.staff_growth = json.dumps(assumptions.staff_growth)
        session.add(row)
        level_ids = set(assumptions.spans) | set(assumptions.overrides) | {lid for a, lid in cells if a == area_id}
        for level_id in level_ids:
            cell = cells.get((area_id, level_id)) or ScenarioAreaLevel(
                organisation_id=scenario.organisation_id, scenario_id=scenario.id,
                area_id=area_id, level_id=level_id)
            cell.span = assumptions.spans.get(level_id)
            override = assumptions.overrides.get(level_id, {})
            if cell.leaver_source is not None and not keeps_measured(measured_of(cell), override.get("leaver_rate")):
                cell.leaver_rates = cell.leaver_source = None  # typed over or cleared: no longer measured
            for f in RATE_FIELDS:
                setattr(cell, f, override.get(f))
            if cell.span is None and not override:
                if cell.id is not None:
                    session.delete(cell)
                continue
            session.add(cell)
    _touch(session, scenario, actor, "areas", {"areas": len(areas)})


def save_uncertainty(
    *, session: Session, strategy: Strategy, scenario: Scenario, simulations: int | None, seed: int, actor: User,
    version: int | None = None,
) -> None:
    """Switch uncertainty bands on (a number of simulations and a seed) or off (None); refused if the
    scenario changed since `version` was read."""
    check_version(scenario, version)
    if simulations is not None and not 1 <= simulations <= MAX_SIMULATIONS:
        reason = "too many to run on request" if simulations > MAX_SIMULATIONS else "too few to show a range"
        raise AssumptionError([("simulations", f"Simulations must be from 1 to {MAX_SIMULATIONS:,}: "
                                               f"{simulations:,} is {reason}")])
    too_big = simulation_load_problem(simulations, len(forecast_areas(session, strategy)))
    if too_big:
        raise AssumptionError([("simulations", too_big[:1].upper() + too_big[1:])])
    check_assumptions(session, strategy, scenario, uncertainty=(simulations, seed))
    scenario.simulations, scenario.seed = simulations, seed
    _touch(session, scenario, actor, "uncertainty", {"simulations": simulations, "seed": seed})


def _touch(session: Session, scenario: Scenario, actor: User | None, part: str, changes: dict[str, Any]) -> None:
    scenario.updated_at = utcnow()
    session.add(scenario)
    record(session, action="update", entity=f"scenario_{part}", entity_id=scenario.id,
           organisation_id=scenario.organisation_id, user_id=actor.id if actor else None, changes=changes)
    commit_checked(session, scenario)


def scenario_from_data(
    *, session: Session, strategy: Strategy, data: Mapping[str, Any], actor: User | None, commit: bool = True,
) -> Scenario:
    """Create a scenario from a plain description keyed by level key and area code (the demo's)."""
    scenario = create_scenario(session=session, strategy=strategy, name=str(data["name"]),
                               description=str(data.get("description", "")), actor=actor, commit=False)
    if data.get("uncertainty"):
        scenario.simulations = int(data["uncertainty"]["simulations"])
        scenario.seed = int(data["uncertainty"].get("seed", 1))
        session.add(scenario)
    levels = {lv.key: lv for lv in levels_of(session, strategy)}
    areas = {a.code: a for a in areas_of(session, strategy)}
    for row in session.exec(select(ScenarioLevel).where(ScenarioLevel.scenario_id == scenario.id)):
        key = next(k for k, lv in levels.items() if lv.id == row.level_id)
        for f in RATE_FIELDS:
            setattr(row, f, float(data.get("levels", {}).get(key, {}).get(f, DEFAULT_RATES[f] if key not in
                                                                           data.get("levels", {}) else 0.0)))
        session.add(row)
    for code, values in data.get("areas", {}).items():
        if code not in areas:
            raise ServiceError(f"Scenario '{scenario.name}' names an unknown area '{code}'")
        area = areas[code]
        session.add(ScenarioArea(organisation_id=strategy.organisation_id, scenario_id=scenario.id,
                                 area_id=area.id, staff_growth=json.dumps(values.get("staff_growth", 0.0))))
        per_level: dict[str, dict[str, Any]] = {}
        for key, span in values.get("span", {}).items():
            per_level.setdefault(key, {})["span"] = float(span)
        for key, rates in values.get("overrides", {}).items():
            per_level.setdefault(key, {}).update({f: float(v) for f, v in rates.items()})
        for key, cell in per_level.items():
            if key not in levels:
                raise ServiceError(f"Scenario '{scenario.name}' names an unknown level '{key}'")
            session.add(ScenarioAreaLevel(organisation_id=strategy.organisation_id, scenario_id=scenario.id,
                                          area_id=area.id, level_id=levels[key].id, **cell))
    session.flush()
    check_assumptions(session, strategy, scenario)
    finish(session, commit)
    return scenario
