"""The shape every "upload a file, see its problems, or have it stored" page shares: the file chosen (or a
message asking for one), read by a service (a file that cannot be read at all is refused with one
sentence), its problems shown with nothing stored, or, when it is importable, stored by a service in one
unit of work (planner.web.unit) and answered with a flashed message and a redirect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from flask import flash, redirect, request
from werkzeug.wrappers import Response

from planner.services.unreadable import refused_as_service_error
from planner.web.unit import unit_of_work

Errors = list[tuple[str, str]]
NAME_LENGTH = 200  # the longest file name kept, shown and stored


class Readable(Protocol):
    """What an importer's result has: whether it may be stored as it is."""

    @property
    def importable(self) -> bool: ...


R = TypeVar("R", bound=Readable)


@dataclass
class Received(Generic[R]):
    """What became of an upload: the file as read (None when it was not read), and, once it was stored,
    the redirect to answer with."""

    result: R | None = None
    done: Response | None = None

    def status(self, errors: Errors) -> int:
        """400 when the page shows a problem (a refusal, or a file with problems), else 200."""
        return 400 if errors or (self.result is not None and not self.result.importable) else 200


def receive(errors: Errors, field: str, *, missing: str, read: Callable[[bytes, str], R | None],
            store: Callable[[R, str], str] | None = None, to: str = "", code: int = 302,
            problems: Callable[[R, str], str] | None = None) -> Received[R]:
    """Take the file posted in `field` (`missing` asks for one when none was chosen) and `read(data, name)`
    it; a refusal goes to `errors` under `field`. A result with problems is returned with nothing stored
    (`problems(result, name)` says so in `errors` when given). An importable one is stored by
    `store(result, name)`, which returns the message to flash, in one unit of work (a service's refusal
    goes to `errors`), and answered by a redirect to `to` with `code`.

        received = receive(errors, "register", missing="Choose a register to upload",
                           read=lambda data, name: uploads.read_register(db, strategy, data, name),
                           store=lambda result, name: f"{service.replace(...)} rows imported.",
                           to=url_for("succession.index", strategy_id=strategy.id))
        if received.done:
            return received.done
        ... render the page with received.result, status received.status(errors)"""
    chosen = request.files.get(field)
    if chosen is None or not chosen.filename:
        errors.append((field, missing))
        return Received()
    name = chosen.filename[:NAME_LENGTH]
    result: R | None = None
    with unit_of_work(errors=errors, field=field), refused_as_service_error():
        result = read(chosen.read(), chosen.filename)  # a file that cannot be read at all: one sentence
    if result is None:
        return Received()
    if not result.importable:
        if problems is not None:
            errors.append((field, problems(result, name)))
        return Received(result)
    if store is None:
        return Received(result)
    message = ""
    with unit_of_work(errors=errors, field=field) as stored:
        message = store(result, name)
    if not stored:
        return Received(result)
    flash(message, "success")
    return Received(result, redirect(to, code=code))
