"""The API's reads of a strategy's own data: the strategies, a strategy's scope and structure, its
baseline, its competency frameworks and gaps, and its self-assessment surveys and their results."""

from __future__ import annotations

from collections.abc import Sequence

from flask import jsonify
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Survey
from planner.services import competencies as competency_service
from planner.services import surveys as survey_service
from planner.services.diversity import baseline_document
from planner.services.strategies import strategies_of
from planner.services.structure import areas_of, bands_by_level, levels_of
from planner.survey.scoring import Score
from planner.web.api.blueprint import api_require, bp, caller_org, suppressed
from planner.web.tenancy import child_or_404, strategy_or_404


@bp.route("/strategies")
@api_require("strategy.view")
def strategies() -> Response:
    """The caller's organisation's strategies."""
    rows = strategies_of(get_session(), caller_org().id)
    return jsonify({"strategies": [
        {"id": s.id, "title": s.title, "start_year": s.start_year, "horizon": s.horizon} for s in rows
    ]})


@bp.route("/strategies/<int:strategy_id>")
@api_require("strategy.view")
def strategy(strategy_id: int) -> Response:
    """A strategy's scope, levels (with bands) and areas (parent by code)."""
    found = strategy_or_404(strategy_id)
    db = get_session()
    areas = areas_of(db, found)
    codes = {a.id: a.code for a in areas}
    bands = bands_by_level(db, found)
    return jsonify({
        "id": found.id, "title": found.title, "start_year": found.start_year,
        "horizon": found.horizon, "vision": found.vision, "mission": found.mission,
        "values": found.values, "owner": found.owner,
        "levels": [{"key": lv.key, "name": lv.name, "bands": bands.get(lv.id, [])}
                   for lv in levels_of(db, found)],
        "areas": [{"code": a.code, "name": a.name, "parent": None if a.parent_id is None else codes.get(a.parent_id)}
                  for a in areas],
    })


@bp.route("/strategies/<int:strategy_id>/baseline")
@api_require("strategy.view")
def baseline(strategy_id: int) -> Response:
    """Each area's own staff, FTE and leaders by level key."""
    found = strategy_or_404(strategy_id)
    return jsonify(baseline_document(get_session(), found, caller_org(), suppressed=suppressed()))


@bp.route("/strategies/<int:strategy_id>/competencies")
@api_require("strategy.view")
def competencies(strategy_id: int) -> Response:
    """The organisation's frameworks with each competency's required step per level key."""
    found = strategy_or_404(strategy_id)
    db = get_session()
    competency_service.ensure_required(db, found)
    cat = competency_service.catalogue(db, found.organisation_id)
    required = competency_service.required_steps(db, found)
    levels = levels_of(db, found)
    return jsonify({"frameworks": [{
        "key": f.key, "name": f.name,
        "competencies": [{"key": c.key, "name": c.name, "kind": c.kind,
                          "required": {lv.key: required[(c.id, lv.id)] for lv in levels if (c.id, lv.id) in required}}
                         for d in cat.domains.get(f.id, []) for c in cat.competencies.get(d.id, [])],
    } for f in cat.frameworks]})


@bp.route("/strategies/<int:strategy_id>/competency-gaps")
@api_require("strategy.view")
def competency_gaps(strategy_id: int) -> Response:
    """Each area's and the organisation's (area null) gap by level and competency."""
    gaps = competency_service.gap_list(get_session(), strategy_or_404(strategy_id))
    return jsonify({"gaps": [{"area": g.area, "level": g.level, "competency": g.competency, "required": g.required,
                              "assessed": g.assessed, "below_required": g.below_required,
                              "share_below": g.share_below} for g in gaps]})


@bp.route("/strategies/<int:strategy_id>/surveys")
@api_require("strategy.view")
def surveys(strategy_id: int) -> Response:
    """The strategy's self-assessment surveys with their statements."""
    found = strategy_or_404(strategy_id)
    db = get_session()
    return jsonify({"surveys": [{
        "id": s.id, "name": s.name, "status": s.status, "mode": s.mode,
        "items": [{"key": i.key, "dimension": i.dimension, "text": i.text} for i in survey_service.items_of(db, s)],
    } for s in survey_service.surveys_of(db, found)]})


def _scores(rows: Sequence[Score], name: str) -> list[dict[str, object]]:
    """Item or dimension scores, each keyed by its `name` ("key" or "dimension")."""
    return [{name: s.key, "mean": s.mean, "sd": s.sd, "share_agree": s.share_agree, "n": s.n} for s in rows]


@bp.route("/strategies/<int:strategy_id>/surveys/<int:survey_id>/results")
@api_require("strategy.view")
def survey_results(strategy_id: int, survey_id: int) -> Response:
    """A survey's results; groups under five responses are left out, and below five in all, everything."""
    found = strategy_or_404(strategy_id)
    survey = child_or_404(Survey, survey_id, found)
    results = survey_service.results(get_session(), survey)
    return jsonify({
        "responses": results.responses,
        "enough": results.enough,
        "dimensions": _scores(results.dimensions, "dimension") if results.enough else [],
        "items": _scores(results.items, "key") if results.enough else [],
        "groups": [{"group": g.group, "responses": g.responses,
                    "dimensions": [{"dimension": k, "mean": v} for k, v in g.dimensions.items()]}
                   for g in results.groups] if results.enough else [],
    })
