"""Shared fixtures: one migrated database per run (SQLite, or PostgreSQL when
PLANNER_TEST_DATABASE_URL says so), emptied after each test; the app, a client, and sign-in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel

import planner.models  # noqa: F401  (the tables, for emptying)
from planner import create_app
from planner.db import engine_for, upgrade
from tests import factories


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database, migrated to head once per run."""
    url = os.environ.get("PLANNER_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    upgrade(url)
    return url


def _empty(url: str) -> None:
    with engine_for(url).begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The app on the test database; CSRF off except in the tests about CSRF."""
    application = create_app({
        "PLANNER_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": factories.FAST_HASH,
    })
    yield application
    _empty(database_url)


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    """The same app with CSRF protection switched on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def db(app: Flask, database_url: str) -> Iterator[Session]:
    """A session on the test database for arranging and checking data."""
    with Session(engine_for(database_url), expire_on_commit=False) as session:
        yield session


def login(client: FlaskClient, email: str, password: str = factories.PASSWORD) -> None:
    """Sign the client in, failing the test if that does not work."""
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def org(db: Session) -> planner.models.Organisation:
    """An organisation."""
    return factories.make_org(db, slug="north", name="North Trust")


@pytest.fixture
def strategy(db: Session, org: planner.models.Organisation) -> planner.models.Strategy:
    """A strategy of `org` with the default levels."""
    return factories.make_strategy(db, org, title="Our Leadership Strategy")


@pytest.fixture
def signed_in(client: FlaskClient, db: Session, org: planner.models.Organisation):  # type: ignore[no-untyped-def]
    """A function that signs the client in as a new member of `org` with the given role."""

    def sign_in(role: str = "admin") -> planner.models.User:
        user = factories.make_member(db, org, role=role)
        login(client, user.email)
        return user

    return sign_in


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout."""
    return Path(__file__).resolve().parent.parent
