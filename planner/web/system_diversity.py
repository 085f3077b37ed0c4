"""The system's diversity (docs/systems.md, "The system's diversity"): the page for the system's own
people and `GET /api/v1/systems/SLUG/diversity`. Both read only the members' shared snapshots, through
planner.services.system_diversity, and write the read in each member's audit trail. Anyone not of the
system, a member's people included, gets 404."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Organisation
from planner.services import system_diversity as service
from planner.web.api import api_require
from planner.web.systems import bp
from planner.web.systems_api import bp as api_bp
from planner.web.systems_api import system_for_caller
from planner.web.tenancy import require


def _system_view(slug: str, purpose: str) -> tuple[Organisation, dict[str, Any]]:
    """The diversity view for the system's own people; 404 for a member's people (their consent was to
    the system, not to the other members) and for anyone else."""
    system, link = system_for_caller(slug)
    if link is not None:
        abort(404)
    return system, service.read(get_session(), system, actor=current_user, purpose=purpose)


@bp.route("/systems/<slug>/diversity")
@require("system.view")
def diversity(slug: str) -> str:
    """Representation by level and group across the members, their targets and the combined targets."""
    system, view = _system_view(slug, "system diversity")
    return render_template("systems/diversity.html", system=system, view=view, member_withheld=service.MEMBER_WITHHELD)


@api_bp.route("/<slug>/diversity")
@api_require("system.view")
def diversity_api(slug: str) -> Response:
    """The system's diversity as JSON: members, representation, targets and combined targets."""
    system, view = _system_view(slug, "diversity")
    return jsonify({"system": system.slug, **view})
