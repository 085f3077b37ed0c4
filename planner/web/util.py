"""Small helpers shared by the views."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from flask import Response, g
from wtforms import Field

from planner.services import ServiceError
from planner.services.editing import STALE_MESSAGE, StaleEdit
from planner.web.fields import VersionField
from planner.web.typed import FlaskForm
from planner.web.unit import attach_error, unit_of_work


def attachment(body: Any, mimetype: str, name: str) -> Response:
    """A file to save as `name` (bytes, or an iterable of text for a streamed CSV). Every response already
    carries no-store and nosniff (planner.security)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def attempt(errors: list[tuple[str, str]], action: Callable[[], object],
            refused: Callable[[ServiceError], object] | None = None) -> bool:
    """Run one service call as a unit of work (planner.web.unit): on a refusal its problems go to `errors`
    and it is passed to `refused`. True when it went through."""
    with unit_of_work(errors=errors, on_refused=refused) as done:
        action()
    return bool(done)


def _shown(value: object) -> str:
    """A stored or typed value as the comparison shows it: empty for None, dates as year-month-day."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value).strip()


def _same(theirs: str, yours: str) -> bool:
    """Whether two shown values say the same ('1' and '1.0', or line endings, are no difference)."""
    if theirs.replace("\r\n", "\n") == yours.replace("\r\n", "\n"):
        return True
    try:
        return float(theirs.replace(",", "")) == float(yours.replace(",", ""))
    except ValueError:
        return False


def show_stale(rows: Iterable[tuple[str, object, object]]) -> None:
    """Beside the refusal of a stale save, show (label, stored now, typed) for each value that differs:
    the error summary (templates/_macros.html) draws the table from `g.stale_edit`."""
    shown = [(label, _shown(theirs), _shown(yours)) for label, theirs, yours in rows]
    g.stale_edit = [(label, theirs, yours) for label, theirs, yours in shown if not _same(theirs, yours)]


def edit_status(form: FlaskForm) -> int:
    """The status of an edit page shown again after a post: 409 when the save was stale, 400 when the
    form's version could not be read, else 200 (these pages answer their other mistakes with 200)."""
    if any(message.startswith(STALE_MESSAGE) for message in form.form_errors):
        return 409
    version = getattr(form, "version", None)
    return 400 if version is not None and version.errors else 200


def _field_text(field: Field) -> str:
    """What a field holds as its reader sees it: the label of a chosen option, else the text in the box."""
    value = field._value() if hasattr(field, "_value") else field.data
    for choice in getattr(field, "choices", None) or []:
        key, label = (choice[0], choice[1]) if isinstance(choice, tuple | list) else (choice.value, choice.label)
        if str(key) == str(field.data):
            return str(label)
    return str(value or "")


def _renew_version(form: FlaskForm, version: int) -> None:
    """Carry the stored `version` on the form's version box, so saving again knowingly replaces it."""
    field = getattr(form, "version", None)
    if not isinstance(field, VersionField):
        raise TypeError(f"{type(form).__name__} has no version box to carry a stale save's version")
    field.renew(version)


def show_stale_form(typed: FlaskForm, stored: FlaskForm) -> None:
    """`show_stale` for a WTForms form: `stored` is the same form filled from the record as it is now."""
    show_stale((str(field.label.text), _field_text(stored[field.name]), _field_text(field)) for field in typed
               if field.name not in ("csrf_token", "version") and field.type != "SubmitField")


def refuse_stale_form(form: FlaskForm, error: ServiceError, stored: Callable[[Any], FlaskForm]) -> None:
    """Show a service's refusal on `form`; when it is a stale save, also what is stored now beside
    what was typed (`stored(record)` builds the same form from the record), and carry the stored
    version, so saving again knowingly replaces it."""
    attach_error(form, error)
    if not isinstance(error, StaleEdit):
        return
    if error.record is not None:
        show_stale_form(form, stored(error.record))
    if error.version is not None:
        _renew_version(form, error.version)


def note_stale(form: FlaskForm, error: ServiceError, stored: Callable[[Any], Mapping[str, Any]],
               typed: Mapping[str, Any], labels: Mapping[str, str],
               names: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """For a hand-written form (planner.web.forms.EditForm): when `error` refused a stale save, show
    each box (`labels`: field name to label) as stored now (`stored(record)`, by field name) beside
    what was `typed`, and carry the stored version. `names` shows a chosen id by its name."""
    if not isinstance(error, StaleEdit):
        return
    if error.record is not None:
        now = stored(error.record)

        def shown(name: str, value: Any) -> Any:
            return (names or {}).get(name, {}).get(_shown(value), value)

        show_stale((label, shown(name, now.get(name)), shown(name, typed.get(name, "")))
                   for name, label in labels.items())
    if error.version is not None:
        _renew_version(form, error.version)


def file_name(title: str, step: str | None, today: date, ext: str = "xlsx", *, sensitive: bool = False) -> str:
    """A download name from the strategy's title: letters, digits and hyphens only (and saying so where
    it holds exact diversity counts)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "strategy"
    part = f"-{step}" if step else "-board-pack"
    return f"{slug}{part}{'-official-sensitive' if sensitive else ''}-{today.isoformat()}.{ext}"
