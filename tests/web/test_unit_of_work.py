"""planner.web.unit: the one transaction boundary of a request. What the block's service calls left pending
is stored when they go through; when a service refuses, none of it is, and the refusal is shown where the
view asked (a list of errors, a form's field, a flashed message); any other failure is undone and goes on up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, get_flashed_messages
from sqlmodel import Session, select

from planner.db import get_session
from planner.models import Organisation, User
from planner.services import ServiceError
from planner.services.accounts import add_member
from planner.services.editing import STALE_MESSAGE, StaleEdit
from planner.web.forms import MemberForm
from planner.web.unit import json_refusal, unit_of_work
from planner.web.util import attempt
from tests import factories

BAD_ROLE = "Role 'emperor' is not one of admin, editor, planner, contributor, viewer"


@pytest.fixture
def request_org(app: Flask, org: Organisation) -> Iterator[Organisation]:
    """Inside a request: `org` as the request's own session holds it."""
    with app.test_request_context("/", method="POST"):
        found = get_session().get(Organisation, org.id)
        assert found is not None
        yield found


def _add(organisation: Organisation, email: str, role: str = "viewer") -> None:
    """A service call that leaves its writes pending (commit=False), for the unit to commit or undo."""
    add_member(session=get_session(), organisation=organisation, email=email, role=role,
               password=factories.PASSWORD, hash_method=factories.FAST_HASH, commit=False)


def _stored(db: Session, email: str) -> bool:
    """Whether an account with this address is in the database (read apart from the request's session)."""
    db.expire_all()
    return db.exec(select(User).where(User.email == email)).first() is not None


def test_a_unit_that_goes_through_stores_what_its_calls_left_pending(request_org: Organisation, db: Session) -> None:
    with unit_of_work() as done:
        _add(request_org, "kept@example.nhs.uk")
    assert done
    assert done.error is None
    assert _stored(db, "kept@example.nhs.uk")


def test_a_refusal_undoes_everything_the_block_wrote_and_lists_it_under_its_field(
        request_org: Organisation, db: Session) -> None:
    errors: list[tuple[str, str]] = []
    with unit_of_work(errors=errors, field="name") as done:
        _add(request_org, "first@example.nhs.uk")  # written, then undone with the refusal below
        _add(request_org, "second@example.nhs.uk", role="emperor")
    assert not done
    assert done.error is not None and done.error.message == BAD_ROLE
    assert errors == [("role", BAD_ROLE)]  # the field the service named, not the view's default
    assert not _stored(db, "first@example.nhs.uk")
    assert not _stored(db, "second@example.nhs.uk")
    # The request goes on with nothing of the refused block left pending: the next unit stores only its own.
    with unit_of_work() as again:
        _add(request_org, "third@example.nhs.uk")
    assert again and _stored(db, "third@example.nhs.uk")
    assert not _stored(db, "first@example.nhs.uk")


def test_a_refusal_naming_no_field_is_listed_under_the_views_field(request_org: Organisation, db: Session) -> None:
    errors: list[tuple[str, str]] = []
    with unit_of_work(errors=errors, field="name") as done:
        _add(request_org, "pending@example.nhs.uk")
        raise ServiceError("That name is taken")
    assert not done
    assert errors == [("name", "That name is taken")]
    get_session().commit()  # even a later commit in the request cannot store the refused block's writes
    assert not _stored(db, "pending@example.nhs.uk")


def test_a_refusal_is_shown_on_the_forms_field_it_names_else_above_the_form(request_org: Organisation) -> None:
    form = MemberForm(formdata=None)
    with unit_of_work(form=form):
        _add(request_org, "someone@example.nhs.uk", role="emperor")
    assert list(form.role.errors) == [BAD_ROLE]
    assert form.form_errors == []

    other = MemberForm(formdata=None)
    with unit_of_work(form=other):
        raise ServiceError("The organisation is full", field="no_such_box")
    assert other.form_errors == ["The organisation is full"]
    assert all(not field.errors for field in other)


def test_a_refusal_can_be_flashed_and_handed_on(request_org: Organisation) -> None:
    seen: list[ServiceError] = []
    with unit_of_work(flash_refusal=True, on_refused=seen.append) as done:
        _add(request_org, "someone@example.nhs.uk", role="emperor")
    assert not done
    assert get_flashed_messages(with_categories=True) == [("error", BAD_ROLE)]
    assert [error.message for error in seen] == [BAD_ROLE]


def test_nothing_is_flashed_or_listed_when_the_unit_goes_through(request_org: Organisation) -> None:
    errors: list[tuple[str, str]] = []
    seen: list[ServiceError] = []
    with unit_of_work(errors=errors, flash_refusal=True, on_refused=seen.append):
        _add(request_org, "fine@example.nhs.uk")
    assert errors == [] and seen == []
    assert get_flashed_messages() == []


def test_any_other_failure_is_undone_and_goes_on_up(request_org: Organisation, db: Session) -> None:
    errors: list[tuple[str, str]] = []
    with pytest.raises(RuntimeError, match="disk on fire"), unit_of_work(errors=errors, flash_refusal=True):
        _add(request_org, "lost@example.nhs.uk")
        raise RuntimeError("disk on fire")
    assert errors == []
    assert get_flashed_messages() == []
    assert not _stored(db, "lost@example.nhs.uk")
    with unit_of_work():  # what the request does next does not carry the failed block's writes with it
        _add(request_org, "next@example.nhs.uk")
    assert _stored(db, "next@example.nhs.uk") and not _stored(db, "lost@example.nhs.uk")


def test_attempt_runs_one_call_as_a_unit(request_org: Organisation, db: Session) -> None:
    errors: list[tuple[str, str]] = []
    refused: list[ServiceError] = []
    assert not attempt(errors, lambda: _add(request_org, "no@example.nhs.uk", role="emperor"), refused.append)
    assert errors == [("role", BAD_ROLE)] and len(refused) == 1
    assert attempt(errors, lambda: _add(request_org, "yes@example.nhs.uk"))
    assert _stored(db, "yes@example.nhs.uk") and not _stored(db, "no@example.nhs.uk")


def test_the_api_answers_a_refusal_as_json_naming_the_field(request_org: Organisation, db: Session) -> None:
    with unit_of_work() as done:
        _add(request_org, "api@example.nhs.uk", role="emperor")
    assert done.error is not None
    response, status = json_refusal(done.error)
    assert status == 422
    assert response.get_json() == {"error": BAD_ROLE, "status": 422, "field": "role"}
    assert not _stored(db, "api@example.nhs.uk")


def test_a_race_lost_outside_any_unit_stores_nothing_and_answers_409(app: Flask, db: Session, org: Organisation
                                                                     ) -> None:
    @app.route("/api/v1/race-lost")
    def race_lost() -> str:
        found = get_session().get(Organisation, org.id)
        assert found is not None
        _add(found, "raced@example.nhs.uk")
        raise StaleEdit()

    response = app.test_client().get("/api/v1/race-lost")
    assert response.status_code == 409
    assert response.get_json()["error"] == STALE_MESSAGE
    assert not _stored(db, "raced@example.nhs.uk")
