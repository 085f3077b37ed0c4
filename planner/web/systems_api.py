"""The systems part of the JSON API (docs/systems.md): a system's own people read what its members
share; a member's administrators share and withdraw. Anyone else, and anything of another
organisation, answers 404."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Organisation, SystemMember, SystemShare
from planner.security import csrf
from planner.services import systems as service
from planner.services.system_view import combine, member_forecast
from planner.web.api import api_require
from planner.web.api import bp as api_bp
from planner.web.fields import MAX_ID
from planner.web.tenancy import acting_org, current_org, scoped_or_404, strategy_or_404
from planner.web.unit import unit_of_work

# Nested in the API's blueprint (planner.web.register_web): its endpoints are api.systems.*, under /api/v1.
bp = Blueprint("systems", __name__, url_prefix="/systems")
# As the rest of the API: a bearer token or a JSON body, which no cross-site form can send.
csrf.exempt(bp)


def system_for_caller(slug: str) -> tuple[Organisation, SystemMember | None]:
    """The system with this slug and the caller's organisation's link to it (None: the caller is the
    system's own); 404 for a system the caller's organisation neither is nor belongs to."""
    db = get_session()
    organisation = current_org()
    system = service.find_system(db, slug)
    if system is None or organisation is None:
        abort(404)
    if organisation.id == system.id:
        return system, None
    link = service.link_of(db, system, organisation)
    if link is None:
        abort(404)
    return system, link


def _share_json(found: SystemShare, strategy_title: str, version_number: int) -> dict[str, Any]:
    return {"id": found.id, "strategy": {"id": found.strategy_id, "title": strategy_title},
            "version": version_number, "scenario": found.scenario, "shared_at": found.shared_at.isoformat()}


@bp.route("")
@api_require("system.view")
def index() -> Response:
    """The systems the caller's organisation is, belongs to or is invited to."""
    rows = service.systems_of(get_session(), acting_org())
    return jsonify({"systems": [{"slug": s.slug, "name": s.name,
                                 "relation": "own" if link is None else link.status} for link, s in rows]})


@bp.route("/<slug>")
@api_require("system.view")
def show(slug: str) -> Response:
    """The system's members and what each shares (a member sees only its own shares)."""
    system, link = system_for_caller(slug)
    db = get_session()
    mine = None if link is None else acting_org()
    shared: dict[int, list[dict[str, Any]]] = {}
    for found, _member, strategy, version in service.shares_of(db, system, mine):
        shared.setdefault(found.organisation_id, []).append(
            _share_json(found, service.shared_title(version, strategy), version.number))
    return jsonify({"slug": system.slug, "name": system.name, "relation": "own" if link is None else link.status,
                    "members": [{"slug": o.slug, "name": o.name, "status": m.status,
                                 "shares": shared.get(o.id, []) if mine is None or o.id == mine.id else None}
                                for m, o in service.members_of(db, system)]})


@bp.route("/<slug>/forecast")
@api_require("system.view")
def forecast(slug: str) -> Response:
    """Totals by level and year over the members' shared snapshots, and by member (the system's own only)."""
    system, link = system_for_caller(slug)
    if link is not None:
        abort(404)  # a member's consent was to the system, not to the other members
    db = get_session()
    rows = service.shares_of(db, system)
    view = combine([member_forecast(row) for row in rows])
    service.record_reads(session=db, system=system, rows=rows, actor=current_user, purpose="forecast")
    return jsonify({"system": system.slug, **view})


def _whole(value: object) -> int | None:
    """A JSON whole number in a record id's range, or None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        return None
    return value


def _error(message: str, field: str | None, status: int = 422) -> tuple[Response, int]:
    return jsonify({"error": message, "status": status, "field": field}), status


@bp.route("/<slug>/shares", methods=["POST"])
@api_require("systems.share")
def create_share(slug: str) -> tuple[Response, int]:
    """Share an approved version: JSON {"strategy": ID, "version": N, "scenario": NAME (optional)}."""
    system, link = system_for_caller(slug)
    if link is None:
        abort(404)  # a system shares nothing with itself
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        return _error('Send a JSON object like {"strategy": 12, "version": 2, "scenario": "Baseline"}', None, 400)
    strategy_id = _whole(body.get("strategy"))
    if strategy_id is None:
        return _error("strategy must be the id of one of your strategies, a whole number", "strategy")
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return _error("version must be an approved version's number, a whole number from 1", "version")
    scenario = body.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        return _error("scenario must be the name of a scenario in that version", "scenario")
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    with unit_of_work() as done:
        found = service.share(session=db, system=system, organisation=acting_org(), strategy=strategy,
                              version_number=version, scenario=scenario, actor=current_user)
    if done.error is not None:
        return _error(done.error.message, done.error.field)
    return jsonify(_share_json(found, strategy.title, version)), 201


@bp.route("/<slug>/shares/<int:share_id>", methods=["DELETE"])
@api_require("systems.share")
def delete_share(slug: str, share_id: int) -> tuple[str, int]:
    """Withdraw one of the caller's organisation's shares with the system."""
    system, link = system_for_caller(slug)
    found = scoped_or_404(SystemShare, share_id)  # another organisation's share is a probe: 404, recorded
    if link is None or found.system_id != system.id:
        abort(404)
    service.withdraw(session=get_session(), found=found, actor=current_user)
    return "", 204


# Once, at import (before any app registers the API's blueprint): endpoints api.systems.*.
api_bp.register_blueprint(bp)
