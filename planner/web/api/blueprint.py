"""The JSON API's blueprint and what its endpoints share: the permission check (401 without credentials,
403 without the permission), the caller's organisation, the scenario and the audience a request asks for,
and how a refused spec is reported."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Blueprint, abort, request
from flask_login import current_user

from planner.db import get_session
from planner.diversity.disclosure import INTERNAL, PUBLISHED, Audience
from planner.models import Organisation, Scenario, Strategy
from planner.security import csrf
from planner.services.scenarios import scenarios_of
from planner.web.fields import named_record_id
from planner.web.tenancy import can, child_or_404, current_org, refuse

P = ParamSpec("P")
R = TypeVar("R")

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Requests here carry a bearer token or JSON, which a cross-site form cannot send, and GETs
# change nothing; the page forms keep their CSRF tokens.
csrf.exempt(bp)


def api_require(permission: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """401 without credentials, 403 without the permission."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                abort(401)
            if current_org() is None:
                abort(403)
            if not can(permission):
                refuse(permission)  # recorded in the audit trail, then 403
            return view(*args, **kwargs)

        vars(wrapped)["permission"] = permission  # which permission guards the endpoint, for whoever asks
        return wrapped

    return decorator


def caller_org() -> Organisation:
    """The organisation the caller acts in (api_require has refused a caller without one)."""
    organisation = current_org()
    if organisation is None:
        abort(403)
    return organisation


def suppressed() -> bool:
    """Counts are suppressed unless the caller may see them and asked with suppress=false."""
    return not (request.args.get("suppress", "true").lower() == "false" and can("diversity.unsuppressed"))


def audience() -> Audience:
    """Who the figures are for: published (suppressed) unless `suppressed` says exact counts were asked for."""
    return PUBLISHED if suppressed() else INTERNAL


def scenario_asked_for(strategy: Strategy) -> Scenario | None:
    """The strategy's scenario named by ?scenario=ID (404 if it is not one), else its first (None: it has none)."""
    wanted = named_record_id(request.args.get("scenario"))
    if wanted is not None:
        return child_or_404(Scenario, wanted, strategy)
    return next(iter(scenarios_of(get_session(), strategy)), None)


def problem_list(error: object) -> dict[str, object]:
    """A refused spec as the API reports it: every problem, with its path and message."""
    problems = getattr(error, "problems", [])
    return {
        "error": f"The spec has {len(problems)} problem{'s' if len(problems) != 1 else ''}",
        "status": 422,
        "problems": [{"path": p.path, "message": p.message, "text": str(p)} for p in problems],
    }
