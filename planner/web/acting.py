"""The organisation a permission-checked view acts in, typed as never missing."""

from __future__ import annotations

from flask import abort

from planner.models import Organisation
from planner.web.tenancy import current_org


def acting_org() -> Organisation:
    """The current organisation of a view behind `require`, which has already refused anyone without a role
    in one (so the 404 is only a guard)."""
    organisation = current_org()
    if organisation is None:
        abort(404)
    return organisation
