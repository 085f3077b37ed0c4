"""`planner share` and `planner unshare` (docs/systems.md): a member's approved version shared with a
system and withdrawn from the command line; mistakes exit 2 with a message naming them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from planner.cli import main
from planner.db import engine_for
from planner.models import AuditEvent, SystemShare
from tests import factories


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", factories.FAST_HASH)
    assert CliRunner().invoke(main, ["init-db"]).exit_code == 0
    created = CliRunner().invoke(main, ["create-org", "ics", "Dale ICS", "--kind", "system"])
    assert created.exit_code == 0 and "Created system 'Dale ICS' (ics)" in created.output
    with Session(engine_for(url), expire_on_commit=False) as db:
        trust = factories.make_org(db, slug="north", name="North Trust")
        from planner.services import systems

        link = systems.invite(session=db, system=systems.system_by_slug(db, "ics"), member=trust, actor=None)
        systems.accept(session=db, link=link, actor=None)
        strategy = factories.planned_strategy(db, trust, title="North plan")
        factories.approve(db, strategy)
        return url, strategy.id  # type: ignore[return-value]


def test_share_then_unshare(world: tuple[str, int]) -> None:
    url, strategy_id = world
    run = CliRunner().invoke
    shared = run(main, ["share", "--system", "ics", "--strategy", str(strategy_id), "--version", "1",
                        "--scenario", "Baseline"])
    assert shared.exit_code == 0, shared.output
    assert "Dale ICS now sees version 1 of 'North plan' (scenario Baseline" in shared.output
    with Session(engine_for(url)) as db:
        assert len(db.exec(select(SystemShare)).all()) == 1
    gone = run(main, ["unshare", "--system", "ics", "--strategy", str(strategy_id)])
    assert gone.exit_code == 0 and "no longer sees 'North plan'" in gone.output
    with Session(engine_for(url)) as db:
        assert db.exec(select(SystemShare)).all() == []
        assert {"share", "withdraw"} <= {e.action for e in db.exec(select(AuditEvent))}
    again = run(main, ["unshare", "--system", "ics", "--strategy", str(strategy_id)])
    assert again.exit_code == 2 and "is not shared with Dale ICS" in again.output


@pytest.mark.parametrize(("args", "message"), [
    (["--system", "nowhere", "--version", "1"], "No system has the slug 'nowhere'"),
    (["--system", "north", "--version", "1"], "No system has the slug 'north'"),
    (["--system", "ics", "--version", "4"], "has no approved version 4: its approved versions are 1"),
    (["--system", "ics", "--version", "1", "--scenario", "Growth"], "no scenario called 'Growth'"),
])
def test_share_mistakes_exit_2_naming_them(world: tuple[str, int], args: list[str], message: str) -> None:
    _url, strategy_id = world
    result = CliRunner().invoke(main, ["share", "--strategy", str(strategy_id), *args])
    assert result.exit_code == 2 and message in result.output


def test_share_of_a_missing_strategy_exits_2(world: tuple[str, int]) -> None:
    result = CliRunner().invoke(main, ["share", "--system", "ics", "--strategy", "999", "--version", "1"])
    assert result.exit_code == 2 and "there is no strategy with id 999" in result.output
