"""The JSON API, version 1: token (`Authorization: Bearer`) or session authentication, the same
permissions and organisation scoping as the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.security import csrf
from planner.services.strategies import strategies_of
from planner.services.structure import areas_of, bands_by_level, levels_of
from planner.web.fields import moment, named_record_id
from planner.web.tenancy import can, child_or_404, current_org, refuse, strategy_or_404

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Requests here carry a bearer token or JSON, which a cross-site form cannot send, and GETs
# change nothing; the page forms keep their CSRF tokens.
csrf.exempt(bp)


def api_require(permission: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """401 without credentials, 403 without the permission."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                abort(401)
            if current_org() is None:
                abort(403)
            if not can(permission):
                refuse(permission)  # recorded in the audit trail, then 403
            return view(*args, **kwargs)

        wrapped.permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


@bp.route("/strategies")
@api_require("strategy.view")
def strategies() -> Response:
    """The caller's organisation's strategies."""
    rows = strategies_of(get_session(), current_org().id)
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
        "areas": [{"code": a.code, "name": a.name, "parent": codes.get(a.parent_id)}  # type: ignore[arg-type]
                  for a in areas],
    })


@bp.route("/strategies/<int:strategy_id>/baseline")
@api_require("strategy.view")
def baseline(strategy_id: int) -> Response:
    """Each area's own staff, FTE and leaders by level key."""
    from planner.services.diversity import baseline_document

    found = strategy_or_404(strategy_id)
    return jsonify(baseline_document(get_session(), found, current_org(), suppressed=_suppressed()))  # type: ignore[arg-type]


def _suppressed() -> bool:
    """Counts are suppressed unless the caller may see them and asked with suppress=false."""
    return not (request.args.get("suppress", "true").lower() == "false" and can("diversity.unsuppressed"))


@bp.route("/strategies/<int:strategy_id>/diversity")
@api_require("strategy.view")
def diversity(strategy_id: int) -> Response:
    """Representation, indicators and target trajectories (on ?scenario=ID, else the first)."""
    from planner.models import Scenario
    from planner.services.diversity import diversity_report
    from planner.services.scenarios import scenarios_of

    found = strategy_or_404(strategy_id)
    wanted = named_record_id(request.args.get("scenario"))
    if wanted is not None:
        scenario = child_or_404(Scenario, wanted, found)
    else:
        scenario = next(iter(scenarios_of(get_session(), found)), None)
    return jsonify(diversity_report(get_session(), found, current_org(), scenario,  # type: ignore[arg-type]
                                    suppressed=_suppressed()))


@bp.route("/strategies/<int:strategy_id>/succession")
@api_require("strategy.view")
def succession(strategy_id: int) -> Response:
    """The succession register: its rows, each level's pipeline beside the scenario's (?scenario=ID, else
    the first), and the successor pool's diversity, suppressed unless suppress=false may be asked for."""
    from planner.diversity.disclosure import INTERNAL, PUBLISHED
    from planner.models import Scenario
    from planner.services.scenarios import scenarios_of
    from planner.services.succession import succession_report

    found = strategy_or_404(strategy_id)
    wanted = named_record_id(request.args.get("scenario"))
    if wanted is not None:
        scenario = child_or_404(Scenario, wanted, found)
    else:
        scenario = next(iter(scenarios_of(get_session(), found)), None)
    return jsonify(succession_report(get_session(), found, current_org(), scenario,  # type: ignore[arg-type]
                                     audience=PUBLISHED if _suppressed() else INTERNAL))


@bp.route("/strategies/<int:strategy_id>/board-terms")
@api_require("strategy.view")
def board_terms(strategy_id: int) -> Response:
    """The board's seats and terms, the appointments due each year and what they could do for WRES
    indicator 9 and WDES metric 10 (published figures unless ?suppress=false by someone who may)."""
    from planner.diversity.disclosure import INTERNAL, PUBLISHED
    from planner.services.board_terms import board_terms_report

    found = strategy_or_404(strategy_id)
    return jsonify(board_terms_report(get_session(), found, current_org(),  # type: ignore[arg-type]
                                      audience=PUBLISHED if _suppressed() else INTERNAL))


@bp.route("/forecast", methods=["POST"])
@api_require("strategy.view")
def forecast() -> tuple[Response, int] | Response:
    """Forecast a spec (model.md) sent as the JSON body: 400 if it is not JSON, 422 if invalid."""
    from planner.forecast import Problem, SpecError, parse_spec, run_forecast
    from planner.services.forecasting import simulation_load_problem

    try:
        data = json.loads(request.get_data(cache=False) or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return jsonify({"error": "The request body is not valid JSON", "status": 400,
                        "detail": str(exc)}), 400
    except RecursionError:
        return jsonify({"error": "The request body is nested too deeply to be a spec", "status": 400}), 400
    try:
        spec = parse_spec(data)
    except SpecError as exc:
        return jsonify(problem_list(exc)), 422
    too_big = simulation_load_problem(spec.uncertainty.simulations if spec.uncertainty else None, len(spec.areas))
    if too_big:
        return jsonify(problem_list(SpecError([Problem("uncertainty.simulations", too_big)]))), 422
    return jsonify(run_forecast(spec))


def problem_list(error: object) -> dict[str, object]:
    """A refused spec as the API reports it: every problem, with its path and message."""
    problems = getattr(error, "problems", [])
    return {
        "error": f"The spec has {len(problems)} problem{'s' if len(problems) != 1 else ''}",
        "status": 422,
        "problems": [{"path": p.path, "message": p.message, "text": str(p)} for p in problems],
    }


@bp.route("/strategies/<int:strategy_id>/scenarios")
@api_require("strategy.view")
def scenarios(strategy_id: int) -> Response:
    """The strategy's scenarios."""
    from planner.services.scenarios import scenarios_of

    found = strategy_or_404(strategy_id)
    return jsonify({"scenarios": [{"id": s.id, "name": s.name} for s in scenarios_of(get_session(), found)]})


@bp.route("/strategies/<int:strategy_id>/scenarios/<int:scenario_id>/spec")
@api_require("strategy.view")
def scenario_spec(strategy_id: int, scenario_id: int) -> Response:
    """The model.md spec built from the stored strategy and scenario."""
    from planner.models import Scenario
    from planner.services.scenarios import spec_for

    found = strategy_or_404(strategy_id)
    scenario = child_or_404(Scenario, scenario_id, found)
    return jsonify(spec_for(get_session(), found, scenario))


@bp.route("/strategies/<int:strategy_id>/scenarios/<int:scenario_id>/forecast")
@api_require("strategy.view")
def scenario_forecast(strategy_id: int, scenario_id: int) -> tuple[Response, int] | Response:
    """The forecast of the stored strategy and scenario (the same as `planner forecast --strategy`)."""
    from planner.forecast import SpecError
    from planner.forecast import forecast as run
    from planner.models import Scenario
    from planner.services.scenarios import spec_for

    found = strategy_or_404(strategy_id)
    scenario = child_or_404(Scenario, scenario_id, found)
    try:
        return jsonify(run(spec_for(get_session(), found, scenario)))
    except SpecError as exc:
        return jsonify(problem_list(exc)), 422


@bp.route("/strategies/<int:strategy_id>/competencies")
@api_require("strategy.view")
def competencies(strategy_id: int) -> Response:
    """The organisation's frameworks with each competency's required step per level key."""
    from planner.services import competencies as service

    found = strategy_or_404(strategy_id)
    db = get_session()
    service.ensure_required(db, found)
    cat = service.catalogue(db, found.organisation_id)
    required = service.required_steps(db, found)
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
    from planner.services import competencies as service

    found = strategy_or_404(strategy_id)
    return jsonify({"gaps": [{"area": g.area, "level": g.level, "competency": g.competency, "required": g.required,
                              "assessed": g.assessed, "below_required": g.below_required,
                              "share_below": g.share_below} for g in service.gap_list(get_session(), found)]})


@bp.route("/strategies/<int:strategy_id>/surveys")
@api_require("strategy.view")
def surveys(strategy_id: int) -> Response:
    """The strategy's self-assessment surveys with their statements."""
    from planner.services import surveys as service

    found = strategy_or_404(strategy_id)
    db = get_session()
    return jsonify({"surveys": [{
        "id": s.id, "name": s.name, "status": s.status, "mode": s.mode,
        "items": [{"key": i.key, "dimension": i.dimension, "text": i.text} for i in service.items_of(db, s)],
    } for s in service.surveys_of(db, found)]})


@bp.route("/strategies/<int:strategy_id>/surveys/<int:survey_id>/results")
@api_require("strategy.view")
def survey_results(strategy_id: int, survey_id: int) -> Response:
    """A survey's results; groups under five responses are left out, and below five in all, everything."""
    from planner.models import Survey
    from planner.services import surveys as service

    found = strategy_or_404(strategy_id)
    survey = child_or_404(Survey, survey_id, found)
    results = service.results(get_session(), survey)

    def scores(rows: list, name: str) -> list[dict[str, object]]:  # type: ignore[type-arg]
        return [{name: s.key, "mean": s.mean, "sd": s.sd, "share_agree": s.share_agree, "n": s.n} for s in rows]

    return jsonify({
        "responses": results.responses,
        "enough": results.enough,
        "dimensions": scores(results.dimensions, "dimension") if results.enough else [],
        "items": scores(results.items, "key") if results.enough else [],
        "groups": [{"group": g.group, "responses": g.responses,
                    "dimensions": [{"dimension": k, "mean": v} for k, v in g.dimensions.items()]}
                   for g in results.groups] if results.enough else [],
    })


@bp.route("/strategies/<int:strategy_id>/objectives")
@api_require("strategy.view")
def objectives(strategy_id: int) -> Response:
    """The cascade with progress, the weighted roll-up, RAG and the SMART check of each objective."""
    from datetime import date

    from planner.services.objectives import below_of, cascade

    found = strategy_or_404(strategy_id)
    out = []
    for v in cascade(get_session(), found, current_org(), date.today()):  # type: ignore[arg-type]
        o = v.objective
        smart = v.smart
        out.append({
            "id": o.id, "ref": o.ref, "parent_ref": v.parent_ref, "title": o.title, "level": o.level,
            "area": v.area.code if v.area else None, "owner": v.owner or None, "weight": o.weight,
            "measure": o.measure_kind, "progress": v.own_progress, "rolled_up_progress": v.progress,
            "rag": v.rag, "confidence": o.confidence,
            # The health of everything below it, so a green parent over red teams never reads as all well.
            "below": below_of(v),
            "smart": {"S": smart.S, "M": smart.M, "A": smart.A, "R": smart.R, "T": smart.T,
                      "reasons": list(smart.reasons)},
            # Only gaps count here; links to the vision, mission or a value are not gaps.
            "gap": ({"kind": o.link_kind, "ref": o.link_ref}
                    if o.link_kind and o.link_ref and o.link_kind not in ("vision", "mission", "value") else None),
        })
    return jsonify({"objectives": out})


# --- consult, approve and keep ------------------------------------------------------------------


@bp.route("/strategies/<int:strategy_id>/versions")
@api_require("strategy.view")
def versions(strategy_id: int) -> Response:
    """The strategy's approved versions."""
    from planner.services.versions import versions_of

    found = strategy_or_404(strategy_id)
    return jsonify({"versions": [{"id": v.id, "number": v.number, "approved_on": v.approved_on.isoformat(),
                                  "minute": v.minute, "decision": v.decision}
                                 for v in versions_of(get_session(), found)]})


@bp.route("/strategies/<int:strategy_id>/versions/<int:version_id>")
@api_require("strategy.view")
def version(strategy_id: int, version_id: int) -> Response:
    """One version's frozen snapshot: the record of the decision, and every step's data and results."""
    from planner.models import StrategyVersion
    from planner.services.versions import snapshot_of

    found = child_or_404(StrategyVersion, version_id, strategy_or_404(strategy_id))
    snapshot = snapshot_of(found)
    return jsonify({"id": found.id, "number": found.number, "approved_on": found.approved_on.isoformat(),
                    "minute": found.minute, "decision": found.decision, "notes": found.notes, **snapshot})


@bp.route("/strategies/<int:strategy_id>/completeness")
@api_require("strategy.view")
def completeness(strategy_id: int) -> Response:
    """What the strategy still lacks, step by step."""
    from datetime import date

    from planner.services.completeness import completeness as lacking

    found = strategy_or_404(strategy_id)
    return jsonify({"items": [{"step": item.step, "message": item.message}
                              for item in lacking(get_session(), found, current_org(), date.today())]})  # type: ignore[arg-type]


@bp.route("/audit")
@api_require("audit.view")
def audit() -> Response | tuple[Response, int]:
    """The organisation's audit trail, newest first; ?since=ISO-TIME for events at or after it."""
    from planner.services.audit import as_utc, events_of

    since = None
    raw = request.args.get("since")
    if raw:
        since = moment(raw)
        if since is None:
            return jsonify({"error": "since must be an ISO 8601 time, like 2026-11-23T09:00:00Z",
                            "status": 400}), 400
    return jsonify({"events": [{"at": as_utc(e.at).isoformat(), "user": email, "action": e.action, "entity": e.entity,
                                "entity_id": e.entity_id}
                               for e, email in events_of(get_session(), current_org().id, since=since)]})
