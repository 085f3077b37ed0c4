"""The API's forecasts: a spec sent as JSON, and the stored strategy's scenarios, their specs and forecasts."""

from __future__ import annotations

import json

from flask import jsonify, request
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Scenario
from planner.services.scenarios import scenarios_of, spec_for
from planner.services.spec_forecast import SpecError, forecast_sent, forecast_stored
from planner.web.api.blueprint import api_require, bp, problem_list
from planner.web.tenancy import child_or_404, strategy_or_404


@bp.route("/forecast", methods=["POST"])
@api_require("strategy.view")
def forecast() -> tuple[Response, int] | Response:
    """Forecast a spec (model.md) sent as the JSON body: 400 if it is not JSON, 422 if invalid."""
    try:
        data = json.loads(request.get_data(cache=False) or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return jsonify({"error": "The request body is not valid JSON", "status": 400,
                        "detail": str(exc)}), 400
    except RecursionError:
        return jsonify({"error": "The request body is nested too deeply to be a spec", "status": 400}), 400
    try:
        return jsonify(forecast_sent(data))
    except SpecError as exc:
        return jsonify(problem_list(exc)), 422


@bp.route("/strategies/<int:strategy_id>/scenarios")
@api_require("strategy.view")
def scenarios(strategy_id: int) -> Response:
    """The strategy's scenarios."""
    found = strategy_or_404(strategy_id)
    return jsonify({"scenarios": [{"id": s.id, "name": s.name} for s in scenarios_of(get_session(), found)]})


@bp.route("/strategies/<int:strategy_id>/scenarios/<int:scenario_id>/spec")
@api_require("strategy.view")
def scenario_spec(strategy_id: int, scenario_id: int) -> Response:
    """The model.md spec built from the stored strategy and scenario."""
    found = strategy_or_404(strategy_id)
    scenario = child_or_404(Scenario, scenario_id, found)
    return jsonify(spec_for(get_session(), found, scenario))


@bp.route("/strategies/<int:strategy_id>/scenarios/<int:scenario_id>/forecast")
@api_require("strategy.view")
def scenario_forecast(strategy_id: int, scenario_id: int) -> tuple[Response, int] | Response:
    """The forecast of the stored strategy and scenario (the same as `planner forecast --strategy`)."""
    found = strategy_or_404(strategy_id)
    scenario = child_or_404(Scenario, scenario_id, found)
    try:
        return jsonify(forecast_stored(get_session(), found, scenario))
    except SpecError as exc:
        return jsonify(problem_list(exc)), 422
