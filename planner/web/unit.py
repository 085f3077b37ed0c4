"""The one transaction boundary of a request that changes something: views run their service calls inside
`unit_of_work`, which commits what the calls left pending, or, when a service refuses, rolls the request's
session back and shows the refusal (on the form's fields, in a list of errors, or as a flashed message).
Views therefore neither roll back nor catch ServiceError themselves (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from flask import Response, flash, jsonify

from planner.db import get_session
from planner.services import ServiceError
from planner.web.typed import FlaskForm


class Outcome:
    """How a unit of work ended: true when it went through; `error` holds the refusal otherwise."""

    def __init__(self) -> None:
        self.error: ServiceError | None = None

    def __bool__(self) -> bool:
        return self.error is None

    def refused(self, error: ServiceError) -> None:
        """Record the refusal that ended the unit."""
        self.error = error


def attach_error(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's error on the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        errors = list(field.errors)
        errors.append(error.message)
        field.errors = errors
    else:
        form.form_errors.append(error.message)


class _Boundary:
    """The context manager behind `unit_of_work` (a class, so a refusal is swallowed only once shown)."""

    def __init__(self, errors: list[tuple[str, str]] | None, form: FlaskForm | None, field: str,
                 flash_refusal: bool, on_refused: Callable[[ServiceError], object] | None) -> None:
        self.errors, self.form, self.field = errors, form, field
        self.flash_refusal, self.on_refused = flash_refusal, on_refused
        self.outcome = Outcome()

    def __enter__(self) -> Outcome:
        return self.outcome

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> bool:
        session = get_session()
        if error is None:
            session.commit()
            return False
        session.rollback()
        if not isinstance(error, ServiceError):
            return False
        self.outcome.refused(error)
        if self.errors is not None:
            self.errors.extend((name or self.field, message) for name, message in error.problems)
        if self.form is not None:
            attach_error(self.form, error)
        if self.flash_refusal:
            flash(error.message, "error")
        if self.on_refused is not None:
            self.on_refused(error)
        return True


def json_refusal(error: ServiceError, status: int = 422) -> tuple[Response, int]:
    """A service's refusal as the JSON API answers it, after a unit of work that did not go through:

        with unit_of_work() as done:
            found = service.share(...)
        if done.error is not None:
            return json_refusal(done.error)"""
    return jsonify({"error": error.message, "status": status, "field": error.field}), status


def abandon() -> None:
    """Roll back what the request's session holds, for an error handler answering a failure that reached it
    outside any unit of work (a save that lost a race where the page had no form to show it on)."""
    get_session().rollback()


def unit_of_work(*, errors: list[tuple[str, str]] | None = None, form: FlaskForm | None = None, field: str = "",
                 flash_refusal: bool = False,
                 on_refused: Callable[[ServiceError], object] | None = None) -> _Boundary:
    """A block of service calls that commits together, or on a ServiceError rolls back and shows it: added
    to `errors` as (field, message) pairs (`field` when the error names none), attached to `form`'s field,
    flashed, and/or passed to `on_refused`. The block's Outcome is true when it went through:

        with unit_of_work(errors=errors, field="name") as done:
            survey = service.create_survey(...)
        if done:
            return redirect(...)

    Any other exception is rolled back and goes on up, to the error page."""
    return _Boundary(errors, form, field, flash_refusal, on_refused)

