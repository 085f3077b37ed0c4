"""A scenario's stored assumptions as the model reads them: the rates of each level, each area's growth,
spans and overrides, and the leaver rates measured from the organisation's records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from planner.models import Area, Scenario, ScenarioArea, ScenarioAreaLevel, ScenarioLevel, Strategy
from planner.services import ServiceError, derived
from planner.services.baseline import baseline_of
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
        self.problems = problems


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


def measured_of(row: ScenarioLevel | ScenarioAreaLevel) -> Measured | None:
    """A stored row's measured leaver rates, or None where its rate was typed."""
    if row.leaver_rates is None or row.leaver_source is None or row.leaver_rate is None:
        return None
    return Measured(row.leaver_rate, tuple(float(r) for r in json.loads(row.leaver_rates)),
                    json.loads(row.leaver_source))


def default_level(scenario: Scenario, level_id: int) -> ScenarioLevel:
    """A level's rates in a scenario before anyone sets them: DEFAULT_RATES."""
    return ScenarioLevel(organisation_id=scenario.organisation_id, scenario_id=scenario.id, level_id=level_id,
                         leaver_rate=DEFAULT_RATES["leaver_rate"], ready_rate=DEFAULT_RATES["ready_rate"],
                         internal_fill_max=DEFAULT_RATES["internal_fill_max"])


def keeps_measured(measured: Measured | None, leaver_rate: float | None) -> bool:
    """A measured list holds while the single leaver rate is still the one stored with it: typing any
    other rate replaces the list, and the source then says typed."""
    return measured is not None and leaver_rate == measured.rate


def measured_rates(session: Session, scenario: Scenario) -> tuple[dict[int, Measured],
                                                                   dict[tuple[int, int], Measured]]:
    """The scenario's measured leaver rates: by level id, and by (area id, level id) for area overrides."""
    level_rows, _areas, cells = _assumption_rows(session, scenario)
    by_level = {row.level_id: m for row in level_rows if (m := measured_of(row)) is not None}
    by_cell = {(c.area_id, c.level_id): m for c in cells if (m := measured_of(c)) is not None}
    return by_level, by_cell


def scenarios_of(session: Session, strategy: Strategy) -> list[Scenario]:
    """The strategy's scenarios in their order."""
    return derived.records(session, strategy, "scenarios", lambda: list(session.exec(
        select(Scenario).where(Scenario.strategy_id == strategy.id)
        .order_by(col(Scenario.position), col(Scenario.id)))))


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


def _assumption_rows(session: Session, scenario: Scenario) -> tuple[list[ScenarioLevel], list[ScenarioArea],
                                                                     list[ScenarioAreaLevel]]:
    """This scenario's stored assumptions, read for every scenario of its strategy at once (a page that
    forecasts three scenarios reads each table once)."""
    Rows = tuple[list[ScenarioLevel], list[ScenarioArea], list[ScenarioAreaLevel]]

    def read() -> dict[int, Rows]:
        in_strategy = select(Scenario.id).where(Scenario.strategy_id == scenario.strategy_id)
        out: dict[int, Rows] = {}
        for level in session.exec(select(ScenarioLevel).where(col(ScenarioLevel.scenario_id).in_(in_strategy))):
            out.setdefault(level.scenario_id, ([], [], []))[0].append(level)
        for area in session.exec(select(ScenarioArea).where(col(ScenarioArea.scenario_id).in_(in_strategy))):
            out.setdefault(area.scenario_id, ([], [], []))[1].append(area)
        for cell in session.exec(select(ScenarioAreaLevel).where(col(ScenarioAreaLevel.scenario_id).in_(in_strategy))):
            out.setdefault(cell.scenario_id, ([], [], []))[2].append(cell)
        return out

    found = derived.remember(session, strategy_id=scenario.strategy_id, organisation_id=scenario.organisation_id,
                             reads=("forecast", "structure"),
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
