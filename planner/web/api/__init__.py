"""The JSON API, version 1: token (`Authorization: Bearer`) or session authentication, the same
permissions and organisation scoping as the pages. The blueprint and what its endpoints share are in
`blueprint`; the endpoints, by job, in `strategy_data`, `forecasting`, `diversity_reports` and `governance`
(imported here for their routes). planner.web.systems_api nests the systems endpoints in the blueprint."""

from __future__ import annotations

from planner.web.api.blueprint import api_require, bp, problem_list
from planner.web.api.diversity_reports import board_terms, diversity, succession
from planner.web.api.forecasting import forecast, scenario_forecast, scenario_spec, scenarios
from planner.web.api.governance import audit, completeness, objectives, version, versions
from planner.web.api.strategy_data import (
    baseline,
    competencies,
    competency_gaps,
    strategies,
    strategy,
    survey_results,
    surveys,
)

__all__ = [
    "api_require", "audit", "baseline", "board_terms", "bp", "competencies", "competency_gaps", "completeness",
    "diversity", "forecast", "objectives", "problem_list", "scenario_forecast", "scenario_spec", "scenarios",
    "strategies", "strategy", "succession", "survey_results", "surveys", "version", "versions",
]
