"""Scenarios: named forecast assumptions, and the one place a stored strategy and scenario
become a model.md spec. Rates and spans are checked by the engine's own spec parser, whose
problems are mapped back to the fields a planner typed them in.

assumptions holds the queries, spec the spec builder and its checks, operations the changes."""

from __future__ import annotations

from planner.services.scenarios.assumptions import (
    DEFAULT_RATES,
    MAX_SIMULATIONS,
    RATE_FIELDS,
    AreaAssumptions,
    AssumptionError,
    Measured,
    area_assumptions,
    default_level,
    forecast_areas,
    keeps_measured,
    level_assumptions,
    measured_rates,
    scenario_by_name,
    scenarios_of,
)
from planner.services.scenarios.operations import (
    copy_scenario,
    create_scenario,
    delete_scenario,
    rename_scenario,
    save_area_assumptions,
    save_level_assumptions,
    save_uncertainty,
    scenario_from_data,
)
from planner.services.scenarios.spec import check_assumptions, in_percent, spec_for

__all__ = [
    "DEFAULT_RATES",
    "MAX_SIMULATIONS",
    "RATE_FIELDS",
    "AreaAssumptions",
    "AssumptionError",
    "Measured",
    "area_assumptions",
    "check_assumptions",
    "copy_scenario",
    "create_scenario",
    "default_level",
    "delete_scenario",
    "forecast_areas",
    "in_percent",
    "keeps_measured",
    "level_assumptions",
    "measured_rates",
    "rename_scenario",
    "save_area_assumptions",
    "save_level_assumptions",
    "save_uncertainty",
    "scenario_by_name",
    "scenario_from_data",
    "scenarios_of",
    "spec_for",
]
