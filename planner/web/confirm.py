"""The shapes the pages that change things share, in one place: a button's check that the post came from
the page (a form with only the CSRF token), the add-or-change form of a record (its form class, the version
it sends back, its status), the routes of a record's add, change and delete pages, and the upload-and-confirm
flow of every import page (all or nothing, its problems shown before anything is stored)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, render_template
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from planner.models import Strategy
from planner.web.forms import ConfirmForm, EditForm
from planner.web.forms_engagement import UploadForm
from planner.web.tenancy import child_or_404, require, strategy_or_404
from planner.web.typed import FlaskForm as TypedForm
from planner.web.uploads import Readable, Received, receive

Errors = list[tuple[str, str]]
Page = str | Response | tuple[str, int]


ResultT = TypeVar("ResultT", bound=Readable)
FormT = TypeVar("FormT", bound=TypedForm)


def confirmed(kind: type[FormT]) -> FormT:
    """A button's post as the form `kind` reads it (its boxes, if any): it must carry the page's CSRF
    token, 400 otherwise."""
    form = kind()
    if not form.validate_on_submit():
        abort(400)
    return form


def check_confirmed() -> None:
    """A button's post must carry the page's CSRF token: 400 otherwise."""
    confirmed(ConfirmForm)


def record_form(record: object | None, adding: type[FlaskForm] = ConfirmForm,
                changing: type[FlaskForm] = EditForm) -> FlaskForm:
    """The form of an add-or-change page: `changing` (an edit form, carrying the record's version) when it
    changes a stored record, `adding` when it adds one; the two name the page's boxes alike."""
    return changing(obj=record) if record is not None else adding()


def version_of(form: FlaskForm) -> int | None:
    """The version an edit form sent back (None from a form that adds a record): a save is refused when
    the record changed since (planner.services.editing)."""
    if not isinstance(form, EditForm):
        return None
    version = form.version.data
    return version if isinstance(version, int) else None


def form_status(errors: Errors, form: FlaskForm) -> int:
    """400 when anything posted was refused, 200 otherwise."""
    return 400 if errors or form.errors else 200


def _record_of(model: type[Any], strategy_id: int, ids: dict[str, int]) -> tuple[Strategy, Any]:
    """The strategy (or 404) and its `model` record named by the route's one other id (or 404)."""
    strategy = strategy_or_404(strategy_id)
    (record_id,) = ids.values()
    return strategy, child_or_404(model, record_id, strategy)


def _add_page(bp: Blueprint, rule: str, endpoint: str, doc: str, permission: str, view: Callable[..., Page],
              methods: list[str]) -> None:
    """Register `view` under `endpoint` with its docstring, for those with `permission`."""
    view.__name__, view.__qualname__, view.__doc__ = endpoint, endpoint, doc
    bp.add_url_rule(rule, endpoint=endpoint, view_func=require(permission)(view), methods=methods)


def record_pages(bp: Blueprint, *, model: type[Any], new: str, edit: str, permission: str,
                 page: Callable[[Strategy, Any], Page], says: tuple[str, str],
                 endpoints: tuple[str, str] = ("create", "update")) -> None:
    """Add to `bp` the add page (`new`) and the change page (`edit`, whose one id names a `model` record of
    the strategy, else 404) of a kind of record, both drawn by `page(strategy, record or None)`, both for
    those with `permission`; `says` are their docstrings, `endpoints` their names."""

    def create(strategy_id: int) -> Page:
        return page(strategy_or_404(strategy_id), None)

    def update(strategy_id: int, **ids: int) -> Page:
        return page(*_record_of(model, strategy_id, ids))

    _add_page(bp, new, endpoints[0], says[0], permission, create, ["GET", "POST"])
    _add_page(bp, edit, endpoints[1], says[1], permission, update, ["GET", "POST"])


def removal_page(bp: Blueprint, *, model: type[Any], rule: str, permission: str,
                 remove: Callable[[Strategy, Any], Response], says: str, endpoint: str = "delete") -> None:
    """Add to `bp` the button's post (`rule`, whose one id names a `model` record of the strategy, else 404)
    that removes a record for those with `permission`: `remove(strategy, record)` removes it and answers."""

    def delete(strategy_id: int, **ids: int) -> Response:
        strategy, found = _record_of(model, strategy_id, ids)
        check_confirmed()
        return remove(strategy, found)

    _add_page(bp, rule, endpoint, says, permission, delete, ["POST"])


def upload_page(*, box: str, missing: str, read: Callable[[bytes, str, str | None], ResultT],
                store: Callable[[ResultT, str], str], done: str, template: str, **context: object) -> Page:
    """An import page whose form names a sheet beside the file chosen in `box`: the file is taken from chosen
    to stored by planner.web.uploads.receive, read by `read(data, filename, sheet)` and stored by
    `store(result, filename)`, which returns the message to flash before going to `done`; a file with problems
    is shown with them and nothing stored (400). `context` goes to the template beside form, errors and result."""
    form = UploadForm()
    errors: Errors = []
    received: Received[ResultT] = Received()
    if form.validate_on_submit():
        received = receive(errors, box, missing=missing, store=store, to=done,
                           read=lambda data, name: read(data, name, form.sheet.data or None))
        if received.done:
            return received.done
    return render_template(template, form=form, errors=errors, result=received.result,
                           **context), received.status(errors)
