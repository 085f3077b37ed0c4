"""`planner export --system SLUG -o PACK.xlsx` and `planner board-paper --system SLUG -o PAPER.docx|.pdf`
(docs/systems.md, "The system pack and paper"): the demo ICS's pack and paper are written, every member's
shared version read is in that member's audit trail with its purpose, and mistakes (an unknown slug, a
trust's, both or neither of --strategy and --system, a trust's options, a system nobody shares with) exit 2
with one line naming them and write nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from planner.cli import main
from planner.db import engine_for
from planner.models import AuditEvent, Organisation
from planner.services import board_paper, systems
from tests import factories


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A new SQLite database with the demo trust and the demo ICS loaded through the command line, and an
    empty system with one member that shares nothing."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('system-exports') / 'demo.db'}",
           "PLANNER_PASSWORD_HASH_METHOD": factories.FAST_HASH}
    for command in (["init-db"], ["demo"], ["create-org", "empty-ics", "Empty ICS", "--kind", "system"],
                    ["create-org", "lone-ics", "Lone ICS", "--kind", "system"]):
        done = CliRunner().invoke(main, command, env=env)
        assert done.exit_code == 0, done.output
    with Session(engine_for(env["DATABASE_URL"])) as db:
        lone = systems.system_by_slug(db, "lone-ics")
        trust = factories.make_org(db, slug="lone-trust", name="Lone Trust")
        systems.accept(session=db, link=systems.invite(session=db, system=lone, member=trust, actor=None), actor=None)
    return env


def _run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _reads(env: dict[str, str], purpose: str, entity: str = "strategy_version") -> dict[str, int]:
    """Member slug -> how many system reads of `entity` (a shared version, or a linked objective) with this
    purpose its audit trail holds."""
    with Session(engine_for(env["DATABASE_URL"])) as db:
        events = db.exec(select(AuditEvent, Organisation).join(Organisation, col(Organisation.id)
                                                               == AuditEvent.organisation_id)
                         .where(AuditEvent.action == "system_read")).all()
    found: dict[str, int] = {}
    for event, organisation in events:
        changes = json.loads(event.changes)
        if changes["read"] == purpose and event.entity == entity:
            assert changes["system"] == "demo-ics"
            found[organisation.slug] = found.get(organisation.slug, 0) + 1
    return found


def test_the_system_pack_is_written_and_each_read_is_in_the_members_trail(demo_env: dict[str, str],
                                                                          tmp_path: Path) -> None:
    assert _reads(demo_env, "system pack") == {}
    target = tmp_path / "ics-pack.xlsx"
    done = _run(demo_env, "export", "--system", "demo-ics", "-o", str(target), "--prepared-by", "ICB Secretary")
    assert done.exit_code == 0, done.output
    assert "the system pack of Northfield and Dale Integrated Care System, marked OFFICIAL" in done.output
    book = load_workbook(target)
    assert book.sheetnames[:3] == ["Cover", "Contents", "Members"]
    assert _reads(demo_env, "system pack") == {"demo": 1, "demo-community": 1}
    # The partnership objectives sheet shows the members' linked objectives: each is a read in its member's trail.
    linked = _reads(demo_env, "system pack", entity="objective")
    assert set(linked) == {"demo", "demo-community"} and all(n >= 1 for n in linked.values())
    assert "Partnership objectives" in book.sheetnames


def test_the_system_paper_is_written_and_each_read_is_in_the_members_trail(demo_env: dict[str, str],
                                                                           tmp_path: Path) -> None:
    target = tmp_path / "ics-paper.docx"
    done = _run(demo_env, "board-paper", "--system", "demo-ics", "-o", str(target))
    assert done.exit_code == 0, done.output
    paper = Document(io.BytesIO(target.read_bytes()))
    assert paper.paragraphs[1].text == "Collective leadership across Northfield and Dale Integrated Care System"
    assert _reads(demo_env, "system paper") == {"demo": 1, "demo-community": 1}


@pytest.mark.skipif(board_paper.find_soffice() is None, reason="LibreOffice writes the PDF")
def test_the_system_paper_as_pdf(demo_env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "ics-paper.pdf"
    done = _run(demo_env, "board-paper", "--system", "demo-ics", "-o", str(target))
    assert done.exit_code == 0, done.output
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("args", "message"), [
    (["--system", "nowhere"], "No system has the slug 'nowhere'"),
    (["--system", "demo"], "'demo' is Northfield and Dale Hospitals NHS Foundation Trust, a trust, not a system: "
                           "write a trust's board pack or paper with --strategy ID"),
    (["--system", "empty-ics"], "Empty ICS has nothing to put in a pack: it has no members yet, so nobody shares an "
                                "approved version of a strategy with it yet"),
    (["--system", "lone-ics"], "Lone ICS has nothing to put in a pack: none of its 1 member shares an approved "
                               "version of a strategy with it yet"),
    (["--system", "demo-ics", "--strategy", "1"], "give either --strategy ID (a trust's strategy) or --system SLUG "
                                                  "(an integrated care system), not both"),
    ([], "give --strategy ID (a trust's strategy) or --system SLUG (an integrated care system)"),
    (["--system", "demo-ics", "--scenario", "Growth"], "--scenario: only for a trust's strategy"),
    (["--system", "demo-ics", "--audience", "internal"], "--audience: only for a trust's strategy"),
])
@pytest.mark.parametrize(("command", "suffix"), [("export", ".xlsx"), ("board-paper", ".docx")])
def test_mistakes_exit_2_naming_them_and_write_nothing(demo_env: dict[str, str], tmp_path: Path, command: str,
                                                       suffix: str, args: list[str], message: str) -> None:
    target = tmp_path / f"out{suffix}"
    before = _all_reads(demo_env)
    done = _run(demo_env, command, *args, "-o", str(target))
    assert done.exit_code == 2 and message in done.output, done.output
    assert not target.exists()
    assert _all_reads(demo_env) == before  # a refusal reads no member's snapshot


def _all_reads(env: dict[str, str]) -> int:
    with Session(engine_for(env["DATABASE_URL"])) as db:
        return len(db.exec(select(AuditEvent).where(AuditEvent.action == "system_read")).all())
