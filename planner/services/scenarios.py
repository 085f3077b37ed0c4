"""Scenarios: named forecast assumptions, and the one place a stored strategy and scenario
become a model.md spec. Rates and spans are checked by the engine's own spec parser, whose
problems are mapped back to the fields a planner typed them in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, func, select

from planner.forecast import SpecError, parse_spec
from planner.forecast.uncertainty import simulation_load_problem
from planner.models import (
    Area,
    Level,
    Scenario,
    ScenarioArea,
    ScenarioAreaLevel,
    ScenarioLevel,
    Strategy,
    User,
    utcnow,
)
from planner.services import ServiceError, derived, finish
from planner.services.audit import record
from planner.services.baseline import AreaFigures, baseline_of
from planner.services.editing import check_version, commit_checked
from planner.services.establishment import establishment_of
from planner.services.structure import areas_of, levels_of

RATE_FIELDS = ("leaver_rate", "ready_rate", "internal_fill_max")
# Used for a level that has no assumptions yet (a level added after the scenario was made):
# about the NHS all-staff leaver rate, a modest pipeline, half of vacancies open to promotion.
DEFAULT_RATES = {"leaver_rate": 0.10, "ready_rate": 0.05, "internal_fill_max": 0.5}
MAX_SIMULATIONS = 10_000


class AssumptionError(ServiceError):
    """Assumptions the model refuses, each problem keyed by the form field it belongs to."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1] if problems else "The assumptions are not valid")
        self.each = problems

    @property
    def problems(self) -> list[tuple[str, str]]:
        """Every assumption refused, each with its field."""
        return self.each


@dataclass
class AreaAssumptions:
    """What a planner sets per area: growth (one rate or one per year), spans, rate overrides."""

    staff_growth: float | list[float]
    spans: dict[int, float]  # level id -> staff per leader
    overrides: dict[int, dict[str, float]]  # level id -> {rate name: value}


@dataclass(frozen=True)
class Measured:
    """A leaver rate measured from the organisation's records (planner.services.evidence): one rate per
    forecast year, the single rate stored with them, and where they came from."""

    rate: float  # the first year's, shown where one rate is shown
    yearly: tuple[float, ...]
    source: dict[str, Any]

    @property
    def text(self) -> str:
        """'measured: 41 leavers from 412 middle leaders on average, 1 April 2025 to 31 March 2026'."""
        return str(self.source.get("text", "measured"))


def _measured(row: ScenarioLevel | ScenarioAreaLevel) -> Measured | None:
    if row.leaver_rates is None or row.leaver_source is None or row.leaver_rate is None:
        return None
    return Measured(row.leaver_rate, tuple(float(r) for r in json.loads(row.leaver_rates)),
                    json.loads(row.leaver_source))


def keeps_measured(measured: Measured | None, leaver_rate: float | None) -> bool:
    """A measured list holds while the single leaver rate is still the one stored with it: typing any
    other rate replaces the list, and the source then says typed."""
    return measured is not None and leaver_rate == measured.rate


def measured_rates(session: Session, scenario: Scenario) -> tuple[dict[int, Measured],
                                                                   dict[tuple[int, int], Measured]]:
    """The scenario's measured leaver rates: by level id, and by (area id, level id) for area overrides."""
    level_rows, _areas, cells = _assumption_rows(session, scenario)
    by_level = {row.level_id: m for row in level_rows if (m := _measured(row)) is not None}
    by_cell = {(c.area_id, c.level_id): m for c in cells if (m := _measured(c)) is not None}
    return by_level, by_cell


def scenarios_of(session: Session, strategy: Strategy) -> list[Scenario]:
    """The strategy's scenarios in their order."""
    return derived.records(session, strategy, "scenarios", lambda: list(session.exec(
        select(Scenario).where(Scenario.strategy_id == strategy.id).order_by(Scenario.position, Scenario.id))))


def scenario_by_name(session: Session, strategy_id: int, name: str) -> tuple[Strategy, Scenario]:
    """A strategy and its scenario by name (case-insensitive), for the command line."""
    strategy = session.get(Strategy, strategy_id)
    if strategy is None:
        raise ServiceError(f"there is no strategy with id {strategy_id}")
    scenario = session.exec(select(Scenario).where(
        Scenario.strategy_id == strategy.id, func.lower(Scenario.name) == name.strip().lower()
    )).first()
    if scenario is None:
        names = ", ".join(s.name for s in scenarios_of(session, strategy)) or "none"
        raise ServiceError(f"strategy {strategy_id} has no scenario called '{name}' (it has: {names})")
    return strategy, scenario


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
        session.add(ScenarioLevel(organisation_id=strategy.organisation_id, scenario_id=scenario.id,
                                  level_id=level.id, **DEFAULT_RATES))  # type: ignore[arg-type]
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


def _assumption_rows(session: Session, scenario: Scenario) -> tuple[list[ScenarioLevel], list[ScenarioArea],
                                                                     list[ScenarioAreaLevel]]:
    """This scenario's stored assumptions, read for every scenario of its strategy at once (a page that
    forecasts three scenarios reads each table once)."""
    def read() -> dict[int, tuple[list[Any], list[Any], list[Any]]]:
        in_strategy = select(Scenario.id).where(Scenario.strategy_id == scenario.strategy_id)
        out: dict[int, tuple[list[Any], list[Any], list[Any]]] = {}
        for index, model in enumerate((ScenarioLevel, ScenarioArea, ScenarioAreaLevel)):
            for row in session.exec(select(model).where(model.scenario_id.in_(in_strategy))):  # type: ignore[attr-defined]
                out.setdefault(row.scenario_id, ([], [], []))[index].append(row)
        return out

    found = derived.remember(session, strategy_id=scenario.strategy_id, organisation_id=scenario.organisation_id,
                             kind="scenario assumptions", parts=(), shared=False, compute=read)
    return found.get(scenario.id, ([], [], []))


def level_assumptions(session: Session, strategy: Strategy, scenario: Scenario) -> dict[int, dict[str, float]]:
    """Level id -> its three rates (defaults for a level without any yet)."""
    stored = {row.level_id: row for row in _assumption_rows(session, scenario)[0]}
    out: dict[int, dict[str, float]] = {}
    for level in levels_of(session, strategy):
        row = stored.get(level.id)
        out[level.id] = ({f: getattr(row, f) for f in RATE_FIELDS} if row else dict(DEFAULT_RATES))
    return out


def area_assumptions(session: Session, scenario: Scenario) -> dict[int, AreaAssumptions]:
    """Area id -> growth, spans and overrides (areas with nothing set are absent)."""
    out: dict[int, AreaAssumptions] = {}
    _levels, area_rows, cells = _assumption_rows(session, scenario)
    for row in area_rows:
        out[row.area_id] = AreaAssumptions(json.loads(row.staff_growth), {}, {})
    for cell in cells:
        entry = out.setdefault(cell.area_id, AreaAssumptions(0.0, {}, {}))
        if cell.span is not None:
            entry.spans[cell.level_id] = cell.span
        rates = {f: getattr(cell, f) for f in RATE_FIELDS if getattr(cell, f) is not None}
        if rates:
            entry.overrides[cell.level_id] = rates
    return out


def forecast_areas(session: Session, strategy: Strategy) -> list[Area]:
    """The areas the model runs on: those holding staff or leaders in the baseline, or funded leader posts
    (a new service's establishment is demand before anyone is in post), in tree order."""
    own = baseline_of(session, strategy)
    funded = establishment_of(session, strategy)
    held = {aid for aid, f in own.items() if f.staff or f.fte or any(f.leaders.values())}
    return [a for a in areas_of(session, strategy) if a.id in held or a.id in funded]


def _spec(
    session: Session, strategy: Strategy, scenario: Scenario,
    levels_override: Mapping[int, dict[str, float]] | None = None,
    areas_override: Mapping[int, AreaAssumptions] | None = None,
    uncertainty: tuple[int | None, int] | None = None,
) -> tuple[dict[str, Any], list[Level], list[Area]]:
    levels = levels_of(session, strategy)
    rates = dict(level_assumptions(session, strategy, scenario))
    rates.update(levels_override or {})
    per_area = dict(area_assumptions(session, scenario))
    per_area.update(areas_override or {})
    keys = {lv.id: lv.key for lv in levels}
    own = baseline_of(session, strategy)
    areas = forecast_areas(session, strategy)
    measured_levels, measured_cells = measured_rates(session, scenario)

    def yearly(measured: Measured | None, single: Any) -> Any:
        """The measured rates of each year where they still hold (and span the horizon), else the one rate."""
        if keeps_measured(measured, single) and len(measured.yearly) == strategy.horizon:  # type: ignore[union-attr]
            return list(measured.yearly)  # type: ignore[union-attr]
        return single

    posts = establishment_of(session, strategy)
    spec: dict[str, Any] = {
        "start_year": strategy.start_year,
        "horizon": strategy.horizon,
        "levels": [{"key": lv.key, **rates[lv.id],
                    "leaver_rate": yearly(measured_levels.get(lv.id), rates[lv.id]["leaver_rate"])}
                   for lv in levels],
        "areas": [],
    }
    for area in areas:
        assumptions = per_area.get(area.id, AreaAssumptions(0.0, {}, {}))
        figures = own.get(area.id, AreaFigures())
        entry: dict[str, Any] = {
            "key": area.code,
            "name": area.name,
            "staff": figures.staff,
            "staff_growth": assumptions.staff_growth,
            "leaders": {lv.key: figures.leaders.get(lv.key, 0) for lv in levels},
        }
        if posts.get(area.id):
            # Funded posts are the level's demand (model.md version 3), before its span and baseline.
            funded = posts[area.id]
            entry["establishment"] = {lv.key: (list(p) if isinstance(p := funded[lv.key], tuple) else p)
                                      for lv in levels if lv.key in funded}
        spans = {keys[lid]: value for lid, value in assumptions.spans.items() if lid in keys}
        if spans:
            entry["span"] = spans
        overrides = {keys[lid]: dict(r) for lid, r in assumptions.overrides.items() if lid in keys and r}
        for lid, override in assumptions.overrides.items():
            if lid in keys and "leaver_rate" in override:
                overrides[keys[lid]]["leaver_rate"] = yearly(measured_cells.get((area.id, lid)),
                                                             override["leaver_rate"])
        if overrides:
            entry["overrides"] = overrides
        spec["areas"].append(entry)
    simulations, seed = uncertainty if uncertainty is not None else (scenario.simulations, scenario.seed)
    if simulations:
        spec["uncertainty"] = {"simulations": simulations, "seed": seed}
    return spec, levels, areas


def spec_for(session: Session, strategy: Strategy, scenario: Scenario) -> dict[str, Any]:
    """The model.md spec of a stored strategy and scenario: the one builder every front end uses."""
    return _spec(session, strategy, scenario)[0]


def _percent(number: str) -> str:
    return f"{float(number) * 100:.10g}%"


def in_percent(message: str) -> str:
    """The engine speaks in shares (0.095); the forms take percentages (9.5): translate."""
    import re

    number = r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)"
    message = re.sub(rf"^{number} is outside 0\.\.1$", lambda m: f"{_percent(m[1])} is outside 0% to 100%", message)
    message = re.sub(rf"^{number} must be more than -1$", lambda m: f"{_percent(m[1])} must be more than -100%",
                     message)
    return re.sub(rf"leaver_rate {number} plus ready_rate {number} is {number}, more than 1",
                  lambda m: f"leaver rate {_percent(m[1])} plus ready for promotion {_percent(m[2])} is "
                            f"{_percent(m[3])}, more than 100%", message)


def _field_problems(error: SpecError, levels: list[Level], areas: list[Area]) -> list[tuple[str, str]]:
    """Map the engine's problems (paths such as levels[2].leaver_rate) to form field names."""
    import re

    level_keys = {lv.key: lv.id for lv in levels}
    out: list[tuple[str, str]] = []
    for problem in error.problems:
        field = ""
        message = problem.message
        match = re.match(r"levels\[(\d+)\]\.?(\w+)?", problem.path)
        area_match = re.match(r"areas\[(\d+)\]\.?(\w+)?(?:\.(\w+))?(?:\.(\w+))?", problem.path)
        if match and int(match.group(1)) < len(levels):
            level = levels[int(match.group(1))]
            field = f"{match.group(2) or 'leaver_rate'}-{level.id}"
            message = f"{level.name}: {in_percent(problem.message)}"
        elif area_match and int(area_match.group(1)) < len(areas):
            area = areas[int(area_match.group(1))]
            part, level_key, rate = area_match.group(2), area_match.group(3), area_match.group(4)
            level_id = level_keys.get(level_key or "")
            if part == "staff_growth":
                field = f"growth-{area.id}"
            elif part == "span" and level_id:
                field = f"span-{area.id}-{level_id}"
            elif part == "overrides" and level_id:
                field = f"override-{area.id}-{level_id}-{rate or 'leaver_rate'}"
            text = problem.message if part == "span" else in_percent(problem.message)
            message = f"{area.name}: {text}"
        else:
            message = str(problem)
        out.append((field, message))
    return out


def check_assumptions(
    session: Session, strategy: Strategy, scenario: Scenario, *,
    levels: Mapping[int, dict[str, float]] | None = None,
    areas: Mapping[int, AreaAssumptions] | None = None,
    uncertainty: tuple[int | None, int] | None = None,
) -> None:
    """Refuse assumptions the model would refuse, naming the field of each problem."""
    spec, level_rows, area_rows = _spec(session, strategy, scenario, levels, areas, uncertainty)
    if not spec["areas"]:
        # Nothing to forecast yet, but the rates must still be ones the model accepts: check
        # them against an empty stand-in area (its problems cannot arise, it has no figures).
        spec["areas"] = [{"key": "no-area-yet", "staff": 0}]
    try:
        parse_spec(spec)
    except SpecError as exc:
        raise AssumptionError(_field_problems(exc, level_rows, area_rows)) from exc


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
    changes = {}
    for level_id, values in rates.items():
        row = stored.get(level_id) or ScenarioLevel(organisation_id=scenario.organisation_id,
                                                    scenario_id=scenario.id, level_id=level_id)
        before = {f: getattr(row, f) for f in RATE_FIELDS}
        if row.leaver_source is not None and not keeps_measured(_measured(row), float(values["leaver_rate"])):
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
            if cell.leaver_source is not None and not keeps_measured(_measured(cell), override.get("leaver_rate")):
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
