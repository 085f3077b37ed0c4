"""The API's reads of delivery and governance: the objectives' cascade, the approved versions and their
snapshots, what the strategy still lacks, and the organisation's audit trail."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import StrategyVersion
from planner.services.audit import as_utc, events_of
from planner.services.completeness import completeness as lacking
from planner.services.objectives import below_of, cascade
from planner.services.versions import snapshot_of, versions_of
from planner.web.api.blueprint import api_require, bp, caller_org
from planner.web.fields import moment
from planner.web.tenancy import child_or_404, strategy_or_404


@bp.route("/strategies/<int:strategy_id>/objectives")
@api_require("strategy.view")
def objectives(strategy_id: int) -> Response:
    """The cascade with progress, the weighted roll-up, RAG and the SMART check of each objective."""
    found = strategy_or_404(strategy_id)
    out = []
    for v in cascade(get_session(), found, caller_org(), date.today()):
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


@bp.route("/strategies/<int:strategy_id>/versions")
@api_require("strategy.view")
def versions(strategy_id: int) -> Response:
    """The strategy's approved versions."""
    found = strategy_or_404(strategy_id)
    return jsonify({"versions": [{"id": v.id, "number": v.number, "approved_on": v.approved_on.isoformat(),
                                  "minute": v.minute, "decision": v.decision}
                                 for v in versions_of(get_session(), found)]})


@bp.route("/strategies/<int:strategy_id>/versions/<int:version_id>")
@api_require("strategy.view")
def version(strategy_id: int, version_id: int) -> Response:
    """One version's frozen snapshot: the record of the decision, and every step's data and results."""
    found = child_or_404(StrategyVersion, version_id, strategy_or_404(strategy_id))
    snapshot = snapshot_of(found)
    return jsonify({"id": found.id, "number": found.number, "approved_on": found.approved_on.isoformat(),
                    "minute": found.minute, "decision": found.decision, "notes": found.notes, **snapshot})


@bp.route("/strategies/<int:strategy_id>/completeness")
@api_require("strategy.view")
def completeness(strategy_id: int) -> Response:
    """What the strategy still lacks, step by step."""
    found = strategy_or_404(strategy_id)
    return jsonify({"items": [{"step": item.step, "message": item.message}
                              for item in lacking(get_session(), found, caller_org(), date.today())]})


@bp.route("/audit")
@api_require("audit.view")
def audit() -> Response | tuple[Response, int]:
    """The organisation's audit trail, newest first; ?since=ISO-TIME for events at or after it."""
    since = None
    raw = request.args.get("since")
    if raw:
        since = moment(raw)
        if since is None:
            return jsonify({"error": "since must be an ISO 8601 time, like 2026-11-23T09:00:00Z",
                            "status": 400}), 400
    return jsonify({"events": [{"at": as_utc(e.at).isoformat(), "user": email, "action": e.action, "entity": e.entity,
                                "entity_id": e.entity_id}
                               for e, email in events_of(get_session(), caller_org().id, since=since)]})
