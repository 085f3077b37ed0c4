"""The system pack and paper from the system's home (docs/systems.md, "The system pack and paper"): the system's
own people download the pack (Excel) and the paper (Word), and make the paper's PDF as a job; the files carry
the figures of `/api/v1/systems/SLUG/forecast`; every download is in each member's audit trail; a member's
people, outsiders and another system's people get 404; a system nobody shares with gets a page saying so;
the statements a download runs do not grow with the members."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from docx import Document
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from planner.exports import chart_files
from planner.exports.rounding import whole
from planner.models import AuditEvent, Job, Organisation, User
from planner.services import board_paper, systems
from tests import factories
from tests.conftest import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOWNLOADS = ("/systems/ics/pack.xlsx", "/systems/ics/paper.docx")
ROUTES = (*DOWNLOADS, "/systems/ics/paper.pdf")


@pytest.fixture(autouse=True)
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Papers without chart images: a note stands in for each, and no Chromium is started."""
    monkeypatch.setattr(chart_files, "find_browser", lambda: None)


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    """Two trusts in a system, each with an approved version; the system's viewer (with a name); nothing
    shared yet."""
    north = factories.make_org(db, slug="north", name="North Trust")
    south = factories.make_org(db, slug="south", name="South Trust")
    system = factories.make_system(db, north, south)
    out: dict[str, Any] = {"system": system, "north": north, "south": south}
    for trust, frontline in ((north, 40), (south, 90)):
        strategy = factories.planned_strategy(db, trust, frontline=frontline, title=f"{trust.name} plan")
        out[f"{trust.slug}_version"] = factories.approve(db, strategy)
        out[f"{trust.slug}_strategy"] = strategy
        out[f"{trust.slug}_admin"] = factories.make_member(db, trust, role="admin")
    viewer = factories.make_member(db, system, role="viewer")
    viewer.name = "Ada Secretary"
    db.add(viewer)
    db.commit()
    out["viewer"] = viewer
    return out


def _share(db: Session, world: dict[str, Any], *slugs: str) -> None:
    for slug in slugs:
        systems.share(session=db, system=world["system"], organisation=world[slug], strategy=world[f"{slug}_strategy"],
                      version_number=world[f"{slug}_version"], scenario=None, actor=None)


def _reads(db: Session, purpose: str) -> dict[str, int]:
    """Member slug -> the system's reads of its shared version with this purpose in its audit trail."""
    found: dict[str, int] = {}
    events = db.exec(select(AuditEvent, Organisation).join(Organisation, col(Organisation.id)
                                                           == AuditEvent.organisation_id)
                     .where(AuditEvent.action == "system_read", AuditEvent.entity == "strategy_version")).all()
    for event, organisation in events:
        if json.loads(event.changes)["read"] == purpose:
            found[organisation.slug] = found.get(organisation.slug, 0) + 1
    return found


def _table(ws: Any, caption: str) -> list[list[Any]]:
    """The rows of the table under this caption (its header row after the caption), to the first empty row."""
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, row in enumerate(rows) if row[0] == caption) + 1
    found = []
    for row in rows[top + 1:]:
        if row[0] is None:
            break
        found.append(list(row))
    return found


def _paper_rows(data: bytes) -> list[list[str]]:
    document = Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def test_the_home_offers_the_pack_and_paper_only_once_a_member_shares(
        client: FlaskClient, db: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(board_paper, "find_soffice", lambda: "/usr/bin/soffice")
    login(client, world["viewer"].email)
    page = client.get("/systems/ics").get_data(as_text=True)
    assert "Board pack and paper" in page and "nothing to put in a board pack or paper yet" in page
    assert "/systems/ics/pack.xlsx" not in page
    for path in DOWNLOADS + ("/systems/ics/paper.pdf",):
        refused = client.get(path)
        assert refused.status_code == 409 and refused.mimetype == "text/html", path
        text = refused.get_data(as_text=True)
        assert "Nothing to put in the system&#39;s board pack or paper yet" in text
        assert ("none of its 2 members shares an approved version" if path in DOWNLOADS
                else "has no member that shares an approved version") in text
    assert _reads(db, "system pack") == {} and _reads(db, "system paper") == {}

    _share(db, world, "north")
    page = client.get("/systems/ics").get_data(as_text=True)
    assert 'href="/systems/ics/pack.xlsx">Download the system pack (Excel)' in page
    assert 'href="/systems/ics/paper.docx">Download the system paper (Word)' in page
    assert 'href="/systems/ics/paper.pdf">Make the system paper as a PDF' in page
    assert "nothing to put in a board pack" not in page


def test_the_pack_carries_the_forecast_apis_figures_and_each_read_is_in_the_members_trail(
        client: FlaskClient, db: Session, world: dict[str, Any]) -> None:
    _share(db, world, "north", "south")
    login(client, world["viewer"].email)
    api = client.get("/api/v1/systems/ics/forecast").get_json()
    response = client.get("/systems/ics/pack.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="dale-integrated-care-system-system-pack-')
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["Cover", "Contents", "Members"]
    cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True) if row[0]}
    assert cover["Prepared by"] == "Ada Secretary"
    names = {lv["key"]: lv["name"] for lv in api["levels"]}
    printed = {(row[0], row[1]): row for row in _table(book["System forecast"],
                                                       "The system's leaders by level and year")}
    assert len(api["totals"]) == 20 and len(printed) == 20  # four levels, five years
    totals = {row[0]: row for row in _table(book["Contributions"], "Each member's contribution by level")
              if row[1] == "System total"}
    for key, name in names.items():
        mine = [t for t in api["totals"] if t["level"] == key]
        assert totals[name][5] == whole(mine[-1]["end"]) and totals[name][3] == whole(mine[0]["start"])
        assert totals[name][6] == whole(sum(t["external_appointments"] for t in mine))
    assert _reads(db, "system pack") == {"north": 1, "south": 1}
    readers = db.exec(select(AuditEvent.user_id).where(AuditEvent.action == "system_read")).all()
    assert set(readers) == {world["viewer"].id}  # the signed-in person is named in each member's trail


def test_the_paper_carries_the_same_figures_prepared_by_the_signed_in_person(
        client: FlaskClient, db: Session, world: dict[str, Any]) -> None:
    _share(db, world, "north", "south")
    login(client, world["viewer"].email)
    api = client.get("/api/v1/systems/ics/forecast").get_json()
    response = client.get("/systems/ics/paper.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert response.headers["Content-Disposition"].endswith('.docx"')
    assert "dale-integrated-care-system-system-paper-" in response.headers["Content-Disposition"]
    rows = _paper_rows(response.data)
    assert ["Prepared by", "Ada Secretary"] in rows
    first, last = api["years"][0], api["years"][-1]
    for level in api["levels"]:
        mine = [t for t in api["totals"] if t["level"] == level["key"]]
        expected = [level["name"], str(whole(mine[0]["start"])), str(whole(mine[-1]["demand"])),
                    str(whole(mine[-1]["end"]))]
        assert any(row[:4] == expected for row in rows), (expected, first, last)
    assert _reads(db, "system paper") == {"north": 1, "south": 1}
    assert _reads(db, "system pack") == {}


def test_the_pdf_is_made_by_a_job_whose_pages_are_the_starters_own(
        client: FlaskClient, db: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = b"%PDF-1.7 a system paper"
    monkeypatch.setattr(board_paper, "docx_to_pdf", lambda docx: pdf if docx.startswith(b"PK") else b"")
    monkeypatch.setattr(board_paper, "find_soffice", lambda: "/usr/bin/soffice")
    _share(db, world, "north", "south")
    login(client, world["viewer"].email)
    # The link leads to a page with a button: a GET starts nothing and reads nothing.
    page = client.get("/systems/ics/paper.pdf")
    assert page.status_code == 200 and "Make the PDF" in page.get_data(as_text=True)
    assert _reads(db, "system paper") == {}
    started = client.post("/systems/ics/paper.pdf")
    assert started.status_code == 303 and started.headers["Location"].startswith("/jobs/")
    state = client.get(started.headers["Location"] + ".json").get_json()
    assert state["status"] == "done" and state["text"] == "Done."
    assert state["result_label"] == "Download the system paper (PDF)"
    shown = client.get(started.headers["Location"]).get_data(as_text=True)
    assert state["result_url"] in shown and "Making the system paper&#39;s PDF" in shown
    assert 'href="/systems/ics">Back to Dale Integrated Care System' in shown
    response = client.get(state["result_url"])
    assert response.status_code == 200 and response.mimetype == "application/pdf" and response.data == pdf
    assert "dale-integrated-care-system-system-paper-" in response.headers["Content-Disposition"]
    assert _reads(db, "system paper") == {"north": 1, "south": 1}
    readers = db.exec(select(AuditEvent.user_id).where(AuditEvent.action == "system_read")).all()
    assert set(readers) == {world["viewer"].id}  # the worker records the reads as the job's starter's
    job = db.exec(select(Job)).one()
    assert job.organisation_id == world["system"].id and job.strategy_id is None
    assert job.kind == "system_paper_pdf"
    starts = db.exec(select(AuditEvent).where(AuditEvent.entity == "job", AuditEvent.action == "start")).all()
    assert [e.organisation_id for e in starts] == [world["system"].id]

    # The job is the starter's: another of the system's people, a member's admin and another system's get 404.
    path = started.headers["Location"]
    for other in (factories.make_member(db, world["system"], role="admin"), world["north_admin"],
                  factories.make_member(db, factories.make_system(db, slug="other-ics", name="Other ICS"))):
        stranger = client.application.test_client()
        login(stranger, other.email)
        for url in (path, path + ".json", state["result_url"]):
            assert stranger.get(url).status_code == 404, (other.email, url)


def test_a_pdf_job_fails_saying_why_when_every_member_withdrew_before_it_ran(
        client: FlaskClient, db: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.queue import queue_of

    monkeypatch.setattr(board_paper, "find_soffice", lambda: "/usr/bin/soffice")
    _share(db, world, "north")
    login(client, world["viewer"].email)
    queue_of(client.application).huey.immediate = False  # it waits in the queue while the member withdraws
    started = client.post("/systems/ics/paper.pdf")
    job_id = int(started.headers["Location"].rsplit("/", 1)[1])
    for found, *_rest in systems.shares_of(db, world["system"]):
        systems.withdraw(session=db, found=found, actor=None)
    from planner.tasks import run

    with client.application.app_context():
        run(job_id)
    state = client.get(started.headers["Location"] + ".json").get_json()
    assert state["status"] == "failed" and state["result_url"] is None
    assert state["message"].startswith("Dale Integrated Care System has nothing to put in a pack")
    assert "Nothing was made." in state["message"]
    shown = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "<title>Error: Making the system paper" in shown and "none of its 2 members shares" in shown
    assert _reads(db, "system paper") == {}


def test_a_pdf_without_libreoffice_answers_503_with_the_install_advice(
        client: FlaskClient, db: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(board_paper, "find_soffice", lambda: None)
    _share(db, world, "north")
    login(client, world["viewer"].email)
    for method in (client.get, client.post):
        response = method("/systems/ics/paper.pdf")
        assert response.status_code == 503
        assert "libreoffice-writer-nogui" in response.get_data(as_text=True)
    assert db.exec(select(Job)).all() == []


def test_members_people_outsiders_and_the_signed_out_cannot_download(
        client: FlaskClient, db: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(board_paper, "find_soffice", lambda: "/usr/bin/soffice")
    _share(db, world, "north", "south")
    for path in ROUTES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    outsider = factories.make_member(db, factories.make_org(db, slug="west", name="West Trust"), role="admin")
    other_system = factories.make_member(db, factories.make_system(db, slug="other-ics", name="Other ICS"))
    for user in (world["north_admin"], world["south_admin"], outsider, other_system):
        login(client, user.email)
        for path in ROUTES:
            assert client.get(path).status_code == 404, (user.email, path)
        assert client.post("/systems/ics/paper.pdf").status_code == 404
    assert db.exec(select(Job)).all() == []
    assert _reads(db, "system pack") == {} and _reads(db, "system paper") == {}


def test_the_downloads_statements_do_not_grow_with_the_members(client: FlaskClient, db: Session,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18: as the system view's, the downloads' queries (and the PDF's start page's) stay flat from 2 to 6
    members."""
    from benchmarks.scale import count_queries

    monkeypatch.setattr(board_paper, "find_soffice", lambda: "/usr/bin/soffice")

    system = factories.make_system(db)
    viewer: User = factories.make_member(db, system, role="viewer")
    login(client, viewer.email)
    counted = {}
    for n in range(1, 7):
        trust = factories.make_org(db, slug=f"trust-{n}", name=f"Trust {n}")
        link = systems.invite(session=db, system=system, member=trust, actor=None)
        systems.accept(session=db, link=link, actor=None)
        strategy = factories.planned_strategy(db, trust, frontline=10 * n)
        systems.share(session=db, system=system, organisation=trust, strategy=strategy,
                      version_number=factories.approve(db, strategy), scenario=None, actor=None)
        if n in (2, 6):
            counted[n] = tuple(count_queries(client, path) for path in ROUTES)
    # Read at 2 members and again at 6: each member's trail has each download that read it.
    assert _reads(db, "system pack") == {"trust-1": 2, "trust-2": 2, "trust-3": 1, "trust-4": 1, "trust-5": 1,
                                         "trust-6": 1}
    assert counted[6] == counted[2], counted
