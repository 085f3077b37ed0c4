"""The leadership workforce model of model.md: pure Python and numpy, no web or database."""

from planner.forecast.errors import Problem, SpecError
from planner.forecast.output import forecast, run_forecast
from planner.forecast.parse import parse_spec
from planner.forecast.spec import (
    Area,
    DiversityTarget,
    LevelAssumption,
    RateOverride,
    Spec,
    Uncertainty,
)

__all__ = [
    "Area",
    "DiversityTarget",
    "LevelAssumption",
    "Problem",
    "RateOverride",
    "Spec",
    "SpecError",
    "Uncertainty",
    "forecast",
    "parse_spec",
    "run_forecast",
]
