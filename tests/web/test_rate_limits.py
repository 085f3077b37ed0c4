"""Rate limits: the public comment and survey links, sign-in, API token creation and the JSON API
are refused with 429 (a page, or JSON under /api/, with Retry-After) once their limit is reached, and
nothing the refused requests sent is stored. The database storage is shared by two app instances on
one database, as by gunicorn's workers. The rest of the suite runs with the limits off."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text as sql
from sqlmodel import Session, func, select

from planner import create_app
from planner.db import engine_for
from planner.models import Comment, Consultation, Strategy, SurveyResponse
from planner.ratelimit_store import DatabaseStorage
from planner.services import consultation as consultation_service
from planner.services import survey_codes
from planner.services import surveys as survey_service
from planner.services.accounts import create_token
from tests import factories
from tests.conftest import login

TODAY = date.today()
COMMENT = {"section": "scope", "audience": "staff", "body": "x" * 1000}


def text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def count(db: Session, model: Any) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()  # type: ignore[no-any-return]


def from_address(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def limited(app: Flask, database_url: str) -> Callable[..., Flask]:
    """A function making an app with the rate limits on (settings overridden by keyword); the data is
    emptied by the `app` fixture afterwards."""

    def make(**settings: Any) -> Flask:
        config = {"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                  "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                  "PASSWORD_HASH_METHOD": factories.FAST_HASH, "RATELIMIT_ENABLED": True,
                  "RATELIMIT_STORAGE_URI": "memory://"}
        config.update(settings)
        return create_app(config)

    return make


@pytest.fixture
def consultation(db: Session, strategy: Strategy) -> Consultation:
    return consultation_service.create_consultation(
        session=db, strategy=strategy, title="Draft strategy", sections=["scope"], audiences=["staff"],
        opens_on=TODAY - timedelta(days=1), closes_on=TODAY + timedelta(days=20), actor=None)


@pytest.fixture
def survey_token(db: Session, org, strategy: Strategy) -> str:  # type: ignore[no-untyped-def]
    editor = factories.make_member(db, org, role="editor")
    survey = survey_service.create_survey(session=db, strategy=strategy, name="Autumn", closes_on=None, actor=None)
    survey_service.set_status(session=db, survey=survey, status="open", actor=editor)
    return survey.token


# --- the public comment link ------------------------------------------------------------------------

def test_300_comments_in_a_loop_are_refused_long_before_the_end(limited, db: Session,
                                                               consultation: Consultation) -> None:
    visitor = limited().test_client()
    statuses = [visitor.post(f"/c/{consultation.token}", data=COMMENT).status_code for _ in range(300)]
    assert statuses[:20] == [302] * 20  # the default: 20 a minute from one address
    assert set(statuses[20:]) == {429}
    assert count(db, Comment) == 20


def test_a_refused_comment_gets_a_plain_page_saying_what_and_when(limited, consultation: Consultation) -> None:
    visitor = limited(RATELIMIT_PUBLIC_PER_ADDRESS="2 per minute").test_client()
    for _ in range(2):
        assert visitor.post(f"/c/{consultation.token}", data=COMMENT).status_code == 302
    refused = visitor.post(f"/c/{consultation.token}", data=COMMENT)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    shown = text(refused)
    assert "Please wait before trying again" in shown
    assert "too many comments have been sent from your network" in shown
    assert re.search(r"Try again in \d+ seconds?\. Nothing from this attempt has been stored", shown)
    assert "use your browser's back button" in shown
    assert refused.headers["Content-Type"].startswith("text/html")
    # Reading the link is not limited: people can still see the consultation.
    assert visitor.get(f"/c/{consultation.token}").status_code == 200


def test_a_link_is_limited_whatever_addresses_the_posts_come_from(limited, db: Session,
                                                                 consultation: Consultation) -> None:
    visitor = limited(RATELIMIT_PUBLIC_PER_LINK="50 per hour").test_client()
    statuses = [visitor.post(f"/c/{consultation.token}", data=COMMENT, **from_address(f"10.0.{i // 200}.{i % 200}"))
                .status_code for i in range(300)]
    assert statuses.count(302) == 50 and statuses[50:] == [429] * 250
    assert "too many comments have been sent through this consultation link" in text(
        visitor.post(f"/c/{consultation.token}", data=COMMENT, **from_address("10.9.9.9")))
    assert count(db, Comment) == 50


def test_one_address_reaching_its_limit_does_not_stop_another(limited, consultation: Consultation) -> None:
    visitor = limited(RATELIMIT_PUBLIC_PER_ADDRESS="3 per minute").test_client()
    for _ in range(4):
        visitor.post(f"/c/{consultation.token}", data=COMMENT, **from_address("10.1.1.1"))
    assert visitor.post(f"/c/{consultation.token}", data=COMMENT, **from_address("10.1.1.1")).status_code == 429
    assert visitor.post(f"/c/{consultation.token}", data=COMMENT, **from_address("10.2.2.2")).status_code == 302


# --- the public survey link -------------------------------------------------------------------------

def test_300_survey_answers_in_a_loop_are_refused_long_before_the_end(limited, db: Session, survey_token: str) -> None:
    application = limited()
    statuses = []
    for _ in range(300):  # a fresh browser each time, as a replaying attacker would use
        statuses.append(application.test_client().post(f"/s/{survey_token}", data={"group": "board", "cv1": "5"})
                        .status_code)
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
    assert count(db, SurveyResponse) == 20


def test_a_survey_link_is_limited_whatever_addresses_the_answers_come_from(limited, db: Session,
                                                                          survey_token: str) -> None:
    application = limited(RATELIMIT_PUBLIC_PER_LINK="30 per hour")
    statuses = [application.test_client().post(f"/s/{survey_token}", data={"group": "board", "cv1": "5"},
                                               **from_address(f"10.0.0.{i}")).status_code for i in range(60)]
    assert statuses.count(200) == 30 and statuses[30:] == [429] * 30
    assert count(db, SurveyResponse) == 30


def test_an_invitation_survey_takes_every_invitee_through_one_link(limited, db: Session, org,
                                                                    strategy: Strategy) -> None:
    """Each answer spends a single-use code, so a count per link would only turn invitees away."""
    editor = factories.make_member(db, org, role="editor")
    survey = survey_service.create_survey(session=db, strategy=strategy, name="Staff", closes_on=None, actor=None,
                                          mode="invitation")
    survey_service.set_status(session=db, survey=survey, status="open", actor=editor)
    codes = survey_codes.issue_codes(session=db, survey=survey, count=40, actor=editor)
    application = limited(RATELIMIT_PUBLIC_PER_LINK="30 per hour")
    statuses = [application.test_client().post(f"/s/{survey.token}", data={"group": "board", "cv1": "4", "code": code},
                                               **from_address(f"10.0.1.{i}")).status_code
                for i, code in enumerate(codes)]
    assert statuses == [200] * 40
    assert count(db, SurveyResponse) == 40
    # The count per address still holds: one machine cannot spend the codes it holds in a loop.
    replay = [application.test_client().post(f"/s/{survey.token}", data={"group": "board", "cv1": "4", "code": "x"},
                                             **from_address("10.0.2.1")).status_code for _ in range(25)]
    assert 429 in replay


# --- sign-in, tokens and the API --------------------------------------------------------------------

def test_sign_in_is_limited_per_address(limited, db: Session, org) -> None:
    user = factories.make_member(db, org)
    visitor = limited(RATELIMIT_SIGN_IN="5 per minute").test_client()
    for _ in range(5):
        assert visitor.post("/login", data={"email": "nobody@example.org", "password": "wrong"}).status_code == 401
    refused = visitor.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "too many sign-in attempts from your network" in text(refused)
    assert "back button" not in text(refused)
    # The form itself still opens, and another address signs in.
    assert visitor.get("/login").status_code == 200
    other = visitor.post("/login", data={"email": user.email, "password": factories.PASSWORD},
                         **from_address("10.3.3.3"))
    assert other.status_code == 302


def test_creating_api_tokens_is_limited_per_person(limited, db: Session, org) -> None:
    user = factories.make_member(db, org, role="viewer")
    client = limited(RATELIMIT_TOKEN_CREATION="3 per hour").test_client()
    login(client, user.email)
    for number in range(3):
        assert client.post("/account/tokens", data={"name": f"t{number}"}).status_code == 200
    refused = client.post("/account/tokens", data={"name": "one too many"})
    assert refused.status_code == 429 and "too many API tokens" in text(refused)
    assert client.get("/account/tokens").status_code == 200


def test_the_api_is_limited_per_token_with_a_json_answer(limited, db: Session, org, strategy: Strategy) -> None:
    user = factories.make_member(db, org, role="viewer")
    first = {"Authorization": f"Bearer {create_token(session=db, user=user, organisation=org, name='a')[1]}"}
    second = {"Authorization": f"Bearer {create_token(session=db, user=user, organisation=org, name='b')[1]}"}
    client = limited(RATELIMIT_API="4 per minute").test_client()
    # One count across every endpoint of the API.
    for path in ("/api/v1/strategies", f"/api/v1/strategies/{strategy.id}", "/api/v1/strategies",
                 f"/api/v1/strategies/{strategy.id}/baseline"):
        assert client.get(path, headers=first).status_code == 200
    refused = client.get(f"/api/v1/strategies/{strategy.id}", headers=first)
    assert refused.status_code == 429 and refused.is_json
    body = refused.get_json()
    assert body["status"] == 429 and body["detail"] == "Please wait: this API token has made too many requests."
    assert body["retry_after"] == int(refused.headers["Retry-After"]) and 1 <= body["retry_after"] <= 60
    assert client.get("/api/v1/strategies", headers=second).status_code == 200


def test_limits_are_off_unless_switched_on(client: FlaskClient, db: Session, consultation: Consultation) -> None:
    statuses = {client.post(f"/c/{consultation.token}", data=COMMENT).status_code for _ in range(25)}
    assert statuses == {302} and count(db, Comment) == 25


def test_production_counts_in_the_database_and_the_tests_run_without_limits(
        app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RATELIMIT_STORAGE_URI", "PLANNER_RATELIMIT_STORAGE_URI", "PLANNER_RATELIMIT_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    production = create_app({"PLANNER_ENV": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": database_url})
    assert isinstance(production.extensions["planner_limiter"].storage, DatabaseStorage)
    assert "planner_limiter" not in app.extensions  # PLANNER_ENV=testing: off unless a test turns them on
    monkeypatch.setenv("PLANNER_RATELIMIT_ENABLED", "off")
    switched_off = create_app({"PLANNER_ENV": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": database_url})
    assert "planner_limiter" not in switched_off.extensions


# --- the database storage ---------------------------------------------------------------------------

def test_the_database_storage_is_shared_by_two_workers_on_one_database(limited, db: Session, database_url: str,
                                                                      consultation: Consultation) -> None:
    settings = {"RATELIMIT_STORAGE_URI": "planner-database://", "RATELIMIT_PUBLIC_PER_ADDRESS": "6 per minute"}
    workers = [limited(**settings).test_client(), limited(**settings).test_client()]
    statuses = [workers[i % 2].post(f"/c/{consultation.token}", data=COMMENT).status_code for i in range(12)]
    assert statuses == [302] * 6 + [429] * 6
    assert count(db, Comment) == 6
    refused = workers[0].post(f"/c/{consultation.token}", data=COMMENT)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # What is kept: digests and counts, never the address or the link.
    with engine_for(database_url).connect() as connection:
        stored = " ".join(str(row) for row in connection.execute(sql("SELECT * FROM ratelimitcounter")))
    assert stored and "127.0.0.1" not in stored and consultation.token not in stored


def test_the_database_storage_never_loses_a_hit_counted_at_once(app: Flask, database_url: str) -> None:
    storage = DatabaseStorage(database_url=database_url)
    storage.reset()

    def hit() -> None:
        for _ in range(25):
            storage.incr("LIMITER/a/b/100/1/minute", 60)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert storage.get("LIMITER/a/b/100/1/minute") == 100
    assert storage.get("LIMITER/another") == 0


def test_an_ended_window_starts_again_and_is_purged(app: Flask, database_url: str) -> None:
    storage = DatabaseStorage(database_url=database_url)
    storage.reset()
    assert storage.incr("k", 60) == 1 and storage.incr("k", 60) == 2
    with engine_for(database_url).begin() as connection:
        connection.execute(sql("UPDATE ratelimitcounter SET expires_at = 0"))
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1
    storage.incr("other", 60)
    with engine_for(database_url).begin() as connection:
        connection.execute(sql("UPDATE ratelimitcounter SET expires_at = 0"))
    storage._next_purge = 0
    storage.incr("third", 60)
    with engine_for(database_url).connect() as connection:
        assert connection.execute(sql("SELECT count(*) FROM ratelimitcounter")).scalar() == 1
