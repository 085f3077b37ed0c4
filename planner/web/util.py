"""Small helpers shared by the views."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm

from planner.services import ServiceError


def attach_error(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's error on the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        errors = list(field.errors)
        errors.append(error.message)
        field.errors = errors
    else:
        form.form_errors.append(error.message)


def attempt(errors: list[tuple[str, str]], action: Callable[[], object]) -> bool:
    """Run a service call; on a refusal roll the request's session back and add its problems
    (each with the field it names) to `errors`. True when it went through."""
    from planner.db import get_session
    from planner.services.scenarios import AssumptionError

    try:
        action()
    except AssumptionError as exc:
        get_session().rollback()
        errors.extend(exc.problems)
        return False
    except ServiceError as exc:
        get_session().rollback()
        errors.append((exc.field or "", exc.message))
        return False
    return True
