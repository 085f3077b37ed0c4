"""The API's diversity reads: representation, indicators and targets, the succession register and the
board's terms, each suppressed by the one disclosure rule unless exact counts may be and are asked for."""

from __future__ import annotations

from flask import jsonify
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.services.board_terms import board_terms_report
from planner.services.diversity import diversity_report
from planner.services.succession import succession_report
from planner.web.api.blueprint import api_require, audience, bp, caller_org, scenario_asked_for, suppressed
from planner.web.tenancy import strategy_or_404


@bp.route("/strategies/<int:strategy_id>/diversity")
@api_require("strategy.view")
def diversity(strategy_id: int) -> Response:
    """Representation, indicators and target trajectories (on ?scenario=ID, else the first)."""
    found = strategy_or_404(strategy_id)
    scenario = scenario_asked_for(found)
    return jsonify(diversity_report(get_session(), found, caller_org(), scenario, suppressed=suppressed()))


@bp.route("/strategies/<int:strategy_id>/succession")
@api_require("strategy.view")
def succession(strategy_id: int) -> Response:
    """The succession register: its rows, each level's pipeline beside the scenario's (?scenario=ID, else
    the first), and the successor pool's diversity, suppressed unless suppress=false may be asked for."""
    found = strategy_or_404(strategy_id)
    scenario = scenario_asked_for(found)
    return jsonify(succession_report(get_session(), found, caller_org(), scenario, audience=audience()))


@bp.route("/strategies/<int:strategy_id>/board-terms")
@api_require("strategy.view")
def board_terms(strategy_id: int) -> Response:
    """The board's seats and terms, the appointments due each year and what they could do for WRES
    indicator 9 and WDES metric 10 (published figures unless ?suppress=false by someone who may)."""
    found = strategy_or_404(strategy_id)
    return jsonify(board_terms_report(get_session(), found, caller_org(), audience=audience()))
