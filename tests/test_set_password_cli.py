"""`planner set-password EMAIL --password-stdin`: the operator's way to set anyone's password, with the
same strength rule as the pages, ending the person's sessions; and `create-user`'s use of that rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select
from werkzeug.security import check_password_hash

from planner.cli import main
from planner.db import engine_for
from planner.models import AuditEvent, User
from tests.factories import FAST_HASH

FIRST = "a-long-enough-password"
NEW = "kettle-orchard-lantern"


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", FAST_HASH)
    run("init-db")
    run("create-org", "north", "North Trust")
    created = run("create-user", "jo@north.nhs.uk", "--org", "north", "--role", "planner", "--name", "Jo Bloggs",
                  "--password-stdin", stdin=FIRST + "\n")
    assert created.exit_code == 0, created.output
    return url


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def user_of(url: str) -> User:
    with Session(engine_for(url)) as session:
        return session.exec(select(User).where(User.email == "jo@north.nhs.uk")).one()


def test_set_password_from_stdin(cli_db: str) -> None:
    before = user_of(cli_db)
    result = run("set-password", " Jo@North.NHS.uk ", "--password-stdin", stdin=NEW + "\r\nignored second line\n")
    assert result.exit_code == 0, result.output
    assert "New password set for jo@north.nhs.uk" in result.stderr
    assert NEW not in result.output
    after = user_of(cli_db)
    assert check_password_hash(after.password_hash, NEW)
    assert after.password_hash.startswith(FAST_HASH + "$")
    assert after.session_version == before.session_version + 1  # every session of theirs ended
    with Session(engine_for(cli_db)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "password")).one()
        assert (event.action, event.user_id, event.entity_id) == ("reset", None, after.id)
        assert NEW not in (event.changes or "")


@pytest.mark.parametrize(("password", "message"), [
    ("password1234", "This is a very common password"),
    ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess'),
    ("short", "at least 12 characters"),
    ("bloggs-kettle-orchard", "contains the person's name"),
    ("", "at least 12 characters"),
])
def test_a_weak_password_is_refused_with_exit_2(cli_db: str, password: str, message: str) -> None:
    result = run("set-password", "jo@north.nhs.uk", "--password-stdin", stdin=password + "\n")
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.startswith("planner: error: ")
    assert check_password_hash(user_of(cli_db).password_hash, FIRST)


def test_an_unknown_email_is_refused_with_exit_2(cli_db: str) -> None:
    result = run("set-password", "nobody@north.nhs.uk", "--password-stdin", stdin=NEW + "\n")
    assert result.exit_code == 2
    assert "no account has the email 'nobody@north.nhs.uk'" in result.stderr


def test_without_stdin_it_asks_twice(cli_db: str) -> None:
    result = run("set-password", "jo@north.nhs.uk", stdin=f"{NEW}\n{NEW}\n")
    assert result.exit_code == 0, result.output
    assert check_password_hash(user_of(cli_db).password_hash, NEW)


@pytest.mark.parametrize("password", ["password1234", "aaaaaaaaaaaa"])
def test_create_user_refuses_a_weak_password(cli_db: str, password: str) -> None:
    result = run("create-user", "new@north.nhs.uk", "--org", "north", "--role", "viewer", "--password-stdin",
                 stdin=password + "\n")
    assert result.exit_code != 0
    assert "harder to guess" in result.stderr
    with Session(engine_for(cli_db)) as session:
        assert session.exec(select(User).where(User.email == "new@north.nhs.uk")).first() is None


def test_set_password_has_help() -> None:
    result = run("set-password", "--help")
    assert result.exit_code == 0 and "--password-stdin" in result.output
