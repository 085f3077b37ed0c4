"""Forecasts asked for over the API: a spec sent as data, read with the engine's parser and refused when it
is invalid or would simulate more than can run while someone waits; and a stored strategy and scenario's."""

from __future__ import annotations

from sqlmodel import Session

from planner.forecast import Problem, SpecError, forecast, parse_spec, run_forecast
from planner.models import Scenario, Strategy
from planner.services.forecasting import simulation_load_problem
from planner.services.scenarios import spec_for

__all__ = ["SpecError", "forecast_sent", "forecast_stored"]


def forecast_sent(data: object) -> dict[str, object]:
    """The forecast of a spec (model.md) sent as parsed JSON; SpecError lists every problem when it is
    invalid, or when its simulations are too many for its areas to run on request."""
    spec = parse_spec(data)
    too_big = simulation_load_problem(spec.uncertainty.simulations if spec.uncertainty else None, len(spec.areas))
    if too_big:
        raise SpecError([Problem("uncertainty.simulations", too_big)])
    return run_forecast(spec)


def forecast_stored(session: Session, strategy: Strategy, scenario: Scenario) -> dict[str, object]:
    """The forecast of the stored strategy and scenario (the same as `planner forecast --strategy`);
    SpecError when what is stored does not make a valid spec."""
    return forecast(spec_for(session, strategy, scenario))
