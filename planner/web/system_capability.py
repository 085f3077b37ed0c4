"""The system's capability (docs/systems.md, "Capability across the system"): its members' self-assessment
results and competency gaps pooled from the versions they share, on a page of the system's home and in
the API. Only the system's own people see them; every read is written to each member's audit trail."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Organisation
from planner.services import systems as service
from planner.services.system_capability import system_capability
from planner.web.api import api_require
from planner.web.systems import bp
from planner.web.systems_api import bp as api_bp
from planner.web.systems_api import system_for_caller
from planner.web.tenancy import require


def _pooled(slug: str, purpose: str) -> tuple[Organisation, dict[str, Any]]:
    """The system's own people only (a member's consent is to the system, not to the other members: 404),
    with the pooled view, its reads recorded in the members' trails."""
    system, link = system_for_caller(slug)
    if link is not None:
        abort(404)
    db = get_session()
    rows = service.shares_of(db, system)
    view = system_capability(rows)
    service.record_reads(session=db, system=system, rows=rows, actor=current_user, purpose=purpose)
    return system, view


@bp.route("/systems/<slug>/capability")
@require("system.view")
def capability(slug: str) -> str:
    """Members' self-assessment results and competency gaps, pooled, with each member's status."""
    system, view = _pooled(slug, "capability")
    return render_template("systems/capability.html", system=system, view=view)


@api_bp.route("/<slug>/capability", endpoint="capability")
@api_require("system.view")
def capability_api(slug: str) -> Response:
    """Self-assessment results and competency gaps pooled over the members' shared versions."""
    system, view = _pooled(slug, "capability")
    return jsonify({"system": system.slug, **view})
