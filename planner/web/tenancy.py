"""The current organisation and role, the permission check, and the one scoping helper through
which views load anything by id: another organisation's record answers 404, never 403, so its
existence is not revealed. Refusals of a signed-in member (a missing permission, another
organisation's record) are written to the audit trail of the member's current organisation."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import NoReturn, ParamSpec, TypeVar

from flask import abort, g, request, session
from flask_login import current_user

from planner.db import get_engine, get_session
from planner.models import Organisation, Strategy
from planner.permissions import allowed
from planner.services.accounts import memberships_of, role_in
from planner.services.audit import OTHER_ORGANISATION, missing_permission, record_refusal
from planner.services.tenancy import ModelT, organisation_by_id, scoped_record
from planner.web.typed import login_required

P = ParamSpec("P")
R = TypeVar("R")


def current_org() -> Organisation | None:
    """The organisation this request acts in: the API token's, or the one chosen in the session."""
    if "current_org" in g:
        cached: Organisation | None = g.current_org
        return cached
    organisation: Organisation | None = None
    if current_user.is_authenticated:
        db = get_session()
        token = g.get("api_token")
        if token is not None:
            organisation = organisation_by_id(db, token.organisation_id)
        else:
            chosen = session.get("org_id")
            org_id = chosen if isinstance(chosen, int) else None
            role = role_in(db, current_user, org_id) if org_id is not None else None
            if org_id is not None and role is not None:
                organisation = organisation_by_id(db, org_id)
                g.current_role = role  # asked already: current_role need not ask again
            else:
                memberships = memberships_of(db, current_user)
                if memberships:
                    organisation = memberships[0][1]
                    session["org_id"] = organisation.id
    g.current_org = organisation
    return organisation


def acting_org() -> Organisation:
    """The organisation a view behind `require` acts in, typed as never missing: `require` has already
    refused a request without one, so the 403 is only a guard."""
    organisation = current_org()
    if organisation is None:
        abort(403)
    return organisation


def current_role() -> str | None:
    """The signed-in user's role in the current organisation."""
    if "current_role" not in g:
        organisation = current_org()
        g.current_role = (
            role_in(get_session(), current_user, organisation.id)
            if organisation is not None
            else None
        )
    role: str | None = g.current_role
    return role


def can(permission: str) -> bool:
    """Whether the current user may do this in the current organisation (for templates too)."""
    return current_user.is_authenticated and allowed(current_role(), permission)


def _record_refusal(reason: str, entity: str, entity_id: int | None) -> None:
    """Write the refusal to the trail of the person's current organisation (none: nobody's to see)."""
    organisation = current_org() if current_user.is_authenticated else None
    if organisation is None or organisation.id is None:
        return
    record_refusal(get_engine(), organisation_id=organisation.id, user_id=current_user.id, path=request.path,
                   method=request.method, reason=reason, entity=entity, entity_id=entity_id)


def _asked_for() -> tuple[str, int | None]:
    """The record the URL names last (`objective_id` -> objective), or ("page", None)."""
    named = [(k[:-3], v) for k, v in (request.view_args or {}).items() if k.endswith("_id") and isinstance(v, int)]
    return named[-1] if named else ("page", None)


def refuse(permission: str) -> NoReturn:
    """403 for want of `permission`, recorded in the audit trail (the API's check can call this too)."""
    _record_refusal(missing_permission(permission), *_asked_for())
    abort(403)


def require(permission: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Sign-in required, then the permission; otherwise 403 (recorded)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if current_org() is None or not can(permission):
                refuse(permission)
            return view(*args, **kwargs)

        vars(wrapped)["permission"] = permission  # which permission guards the endpoint, for whoever asks
        return wrapped

    return decorator


def _entity_name(model: type[object]) -> str:
    """The name the audit trail gives a kind of record: DiversityTarget -> diversity_target."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def scoped_or_404(model: type[ModelT], object_id: int) -> ModelT:
    """This organisation's record of `model` with this id, or 404."""
    organisation = current_org()
    found, others = scoped_record(get_session(), model, object_id, organisation.id if organisation else None)
    if found is None:
        # A record that exists but is another organisation's is a probe worth recording; a missing id is not.
        if others:
            _record_refusal(OTHER_ORGANISATION, _entity_name(model), object_id)
        abort(404)
    return found


def strategy_or_404(strategy_id: int) -> Strategy:
    """This organisation's strategy with this id, or 404."""
    return scoped_or_404(Strategy, strategy_id)


def child_or_404(model: type[ModelT], object_id: int, strategy: Strategy) -> ModelT:
    """A record of this strategy (and so of this organisation), or 404."""
    found = scoped_or_404(model, object_id)
    if getattr(found, "strategy_id", None) != strategy.id:
        abort(404)
    return found


def wants_json() -> bool:
    """Whether the client is the JSON API."""
    return request.path.startswith("/api/")
