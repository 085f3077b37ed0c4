"""The shared upload flow (planner/web/uploads.py): a file chosen, read, shown with its problems, or
stored in one unit of work and answered with a redirect."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, get_flashed_messages
from flask.ctx import RequestContext
from sqlmodel import Session, select

from planner.db import get_session
from planner.models import Organisation
from planner.services import ServiceError
from planner.services.uploads import ImportRefused
from planner.web.uploads import NAME_LENGTH, Received, receive


@dataclass
class Read:
    """A stand-in for an importer's result."""

    text: str
    importable: bool = True


def _post(app: Flask, filename: str | None = "seats.csv", body: bytes = b"a,b\n") -> RequestContext:
    data = {} if filename is None else {"seats": (io.BytesIO(body), filename)}
    return app.test_request_context("/", method="POST", data=data, content_type="multipart/form-data")


def _orgs(db: Session) -> list[str]:
    return [o.slug for o in db.exec(select(Organisation))]


def _store_org(slug: str, then_refuse: bool = False) -> Callable[[Read, str], str]:
    """A store that writes an organisation, then returns its message or, with `then_refuse`, is refused."""
    def store(result: Read, name: str) -> str:
        get_session().add(Organisation(slug=slug, name=f"Trust {slug}"))
        get_session().flush()
        if then_refuse:
            raise ServiceError("These seats cannot be stored")
        return f"Stored {result.text} from {name}."
    return store


def test_no_file_chosen_asks_for_one_and_reads_nothing(app: Flask) -> None:
    errors: list[tuple[str, str]] = []
    read_calls: list[str] = []
    with _post(app, filename=None):
        received: Received[Read] = receive(errors, "seats", missing="Choose a file of seats",
                                           read=lambda data, name: read_calls.append(name) or Read("x"))
    assert errors == [("seats", "Choose a file of seats")]
    assert read_calls == [] and received.result is None and received.done is None
    assert received.status(errors) == 400


def test_a_file_that_cannot_be_read_is_refused_with_its_sentence(app: Flask) -> None:
    errors: list[tuple[str, str]] = []

    def read(data: bytes, name: str) -> Read:
        raise ImportRefused("This is not a CSV or Excel file")

    with _post(app):
        received = receive(errors, "seats", missing="Choose a file", read=read, store=_store_org("never"))
    assert errors == [("seats", "This is not a CSV or Excel file")]
    assert received.result is None and received.status(errors) == 400


def test_a_file_with_problems_is_shown_and_nothing_is_stored(app: Flask, db: Session) -> None:
    errors: list[tuple[str, str]] = []
    with _post(app):
        received = receive(errors, "seats", missing="Choose a file", read=lambda data, name: Read("x", False),
                           store=_store_org("never"), problems=lambda result, name: f"{name} has problems")
    assert errors == [("seats", "seats.csv has problems")]
    assert received.result == Read("x", False) and received.done is None and received.status(errors) == 400
    assert "never" not in _orgs(db)


def test_a_file_with_problems_and_no_sentence_for_them_is_shown_without_one(app: Flask) -> None:
    errors: list[tuple[str, str]] = []
    with _post(app):
        received = receive(errors, "seats", missing="Choose a file", read=lambda data, name: Read("x", False),
                           store=_store_org("never"))
    assert errors == [] and received.status(errors) == 400


def test_an_importable_file_is_stored_flashed_and_answered_with_a_redirect(app: Flask, db: Session) -> None:
    errors: list[tuple[str, str]] = []
    with _post(app, body=b"the bytes"):
        seen: list[bytes] = []
        received = receive(errors, "seats", missing="Choose a file",
                           read=lambda data, name: seen.append(data) or Read("3 seats"),
                           store=_store_org("stored"), to="/done", code=303)
        flashed = get_flashed_messages(with_categories=True)
    assert seen == [b"the bytes"] and errors == []
    assert received.done is not None and received.done.status_code == 303 and received.done.location == "/done"
    assert flashed == [("success", "Stored 3 seats from seats.csv.")]
    assert "stored" in _orgs(db)


def test_a_refusal_while_storing_is_shown_and_what_was_written_is_rolled_back(app: Flask, db: Session) -> None:
    errors: list[tuple[str, str]] = []
    with _post(app):
        received = receive(errors, "seats", missing="Choose a file", read=lambda data, name: Read("x"),
                           store=_store_org("half-written", then_refuse=True), to="/done")
        flashed = get_flashed_messages()
        assert "half-written" not in [o.slug for o in get_session().exec(select(Organisation))]
    assert errors == [("seats", "These seats cannot be stored")]
    assert received.done is None and received.status(errors) == 400 and flashed == []
    assert "half-written" not in _orgs(db)


def test_a_long_file_name_is_read_whole_but_kept_and_shown_shortened(app: Flask) -> None:
    errors: list[tuple[str, str]] = []
    long_name = "s" * 300 + ".csv"
    read_names: list[str] = []
    with _post(app, filename=long_name):
        receive(errors, "seats", missing="Choose a file",
                read=lambda data, name: read_names.append(name) or Read("x", False),
                problems=lambda result, name: name)
    assert read_names == [long_name]
    assert errors == [("seats", long_name[:NAME_LENGTH])]
