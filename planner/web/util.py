"""Small helpers shared by the views."""

from __future__ import annotations

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
