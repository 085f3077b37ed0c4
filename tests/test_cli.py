"""The `planner` command, run as a newcomer would: on a new SQLite file named in DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, func, select

from planner.cli import main, refusals
from planner.db import engine_for
from planner.imports import ImportRefused
from planner.models import Area, Membership, Organisation, User
from planner.services import ServiceError
from tests.factories import FAST_HASH


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", FAST_HASH)
    return url


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def test_init_db_then_demo_loads_once(cli_db: str) -> None:
    from alembic.script import ScriptDirectory

    from planner.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config(cli_db)).get_current_head()
    first = run("init-db")
    assert first.exit_code == 0 and f"revision {head}" in first.output
    assert run("init-db").exit_code == 0  # safe to run again
    loaded = run("demo")
    assert loaded.exit_code == 0 and "Loaded the demo organisation" in loaded.output
    again = run("demo")
    assert again.exit_code == 0 and "already loaded" in again.output
    with Session(engine_for(cli_db)) as session:
        # The acute trust, and the demo system with its second member (docs/systems.md), once each.
        assert sorted(session.exec(select(Organisation.slug))) == ["demo", "demo-community", "demo-ics"]
        assert session.exec(select(func.count()).select_from(Area)).one() >= 25


def test_demo_if_empty_leaves_a_database_with_organisations_alone(cli_db: str) -> None:
    run("init-db")
    run("create-org", "north", "North Trust")
    result = run("demo", "--if-empty")
    assert result.exit_code == 0 and "not loaded" in result.output


def test_commands_before_init_db_say_what_to_do(cli_db: str) -> None:
    result = run("create-org", "north", "North Trust")
    assert result.exit_code == 1 and "planner init-db" in result.output


def test_create_org_user_and_token(cli_db: str) -> None:
    run("init-db")
    assert run("create-org", "north", "North Trust").exit_code == 0
    created = run("create-user", "Jo@North.nhs.uk", "--org", "north", "--role", "planner",
                  "--name", "Jo Bloggs", "--password-stdin", stdin="a-long-enough-password\n")
    assert created.exit_code == 0, created.output
    with Session(engine_for(cli_db)) as session:
        user = session.exec(select(User).where(User.email == "jo@north.nhs.uk")).one()
        assert user.name == "Jo Bloggs" and user.password_hash.startswith("scrypt:")
        assert session.exec(select(Membership)).one().role == "planner"
    token = CliRunner().invoke(main, ["create-token", "jo@north.nhs.uk"])
    assert token.exit_code == 0
    assert token.stdout.strip().startswith("clp_") and len(token.stdout.strip().splitlines()) == 1


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["create-org", "Bad Slug", "X"], None, "Slug 'bad slug'"),
    (["create-org", "north", "Again"], None, "already exists"),
    (["create-user", "a@b.nhs.uk", "--org", "nowhere", "--role", "viewer", "--password-stdin"], "long-password-1\n",
     "No organisation has the slug 'nowhere'"),
    (["create-user", "a@b.nhs.uk", "--org", "north", "--role", "viewer", "--password-stdin"], "short\n",
     "at least 12 characters"),
    (["create-user", "not-an-email", "--org", "north", "--role", "viewer", "--password-stdin"], "long-password-1\n",
     "is not an email address"),
    (["create-user", "a@b.nhs.uk", "--org", "north", "--role", "boss", "--password-stdin"], "long-password-1\n",
     "'boss' is not one of"),
    (["create-token", "nobody@nhs.uk"], None, "no account has the email"),
])
def test_errors_go_to_stderr_with_a_non_zero_exit(cli_db: str, args: list[str], stdin: str | None,
                                                  message: str) -> None:
    run("init-db")
    run("create-org", "north", "North Trust")
    result = CliRunner().invoke(main, args, input=stdin)
    assert result.exit_code != 0
    assert message in result.stderr
    assert result.stdout.strip() == "" or "Password" in result.stdout


def test_every_command_has_help() -> None:
    for command in main.commands:
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_the_console_script_is_installed(repo_root: Path, cli_db: str) -> None:
    script = Path(sys.executable).parent / "planner"
    assert script.exists()
    done = subprocess.run([str(script), "init-db"], capture_output=True, text=True,
                          env={**os.environ}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "revision" in done.stdout


def test_the_worker_starts_the_way_serve_starts_it(cli_db: str) -> None:
    # `planner serve --worker` runs `python -m planner.cli worker --stop-with-parent` as a process of its own.
    done = subprocess.run([sys.executable, "-m", "planner.cli", "worker", "--help"], capture_output=True, text=True,
                          env={**os.environ}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Run the task worker" in done.stdout


def test_a_refusal_ends_the_command_with_its_message_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended, refusals(file="seats.csv", nothing_stored=True):
        raise ImportRefused("The file has no 'Seat' column.")
    assert ended.value.code == 2
    assert capsys.readouterr().err == "planner: error: seats.csv: The file has no 'Seat' column. Nothing was stored.\n"
    with pytest.raises(SystemExit) as ended, refusals(code=1):
        raise ServiceError("An organisation with slug 'north' already exists")
    assert ended.value.code == 1
    assert capsys.readouterr().err == "planner: error: An organisation with slug 'north' already exists\n"


def test_anything_but_a_refusal_goes_on_up() -> None:
    with pytest.raises(ZeroDivisionError), refusals():
        print(1 / 0)
