"""The system pack and paper (issue 18, docs/systems.md "The system pack and paper"): the demo ICS's pack
prints the system API's forecast figures, every sheet is there with its caption and the trust pack's print
set-up, withheld diversity and capability figures are drawn as "*", members on other years are shown
apart and left out of the totals, and the paper states the same figures in words and tables."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.chart import LineChart
from openpyxl.workbook.workbook import Workbook
from sqlalchemy import event
from sqlmodel import Session

from planner import create_app
from planner.db import engine_for, upgrade
from planner.exports import system_tables as st
from planner.exports.rounding import whole, whole_flows
from planner.exports.system_book import system_pack_bytes
from planner.exports.system_paper import system_paper_docx
from planner.exports.system_paper_charts import system_charts
from planner.services import systems
from planner.services.demo import load_demo
from planner.services.demo_system import load_demo_system
from planner.services.system_pack import gather
from planner.services.system_view import MemberForecast, combine
from tests import factories
from tests.exports.pdf_text import SOFFICE, pages, to_pdf
from tests.exports.system_fixtures import CAPABILITY, DIVERSITY, OBJECTIVES

TODAY = date(2026, 12, 5)
CONTRIBUTIONS = "Each member's contribution by level"
LONG_SHEETS = ("Members", "System forecast", "Contributions", "Still lacking", "Diversity targets",
               "Competency gaps", "Partnership objectives")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo trust and the demo ICS in a database of this module's own."""
    url = f"sqlite:///{tmp_path_factory.mktemp('system-pack') / 'demo.db'}"
    upgrade(url)
    with Session(engine_for(url), expire_on_commit=False) as session:
        assert load_demo(session=session, hash_method=factories.FAST_HASH) is not None
        assert load_demo_system(session=session, hash_method=factories.FAST_HASH) is not None
    return url


@pytest.fixture(scope="module")
def content(demo_url: str) -> dict[str, Any]:
    """The demo ICS's pack content, as gathered for the command line."""
    with Session(engine_for(demo_url), expire_on_commit=False) as session:
        system = systems.system_by_slug(session, "demo-ics")
        return gather(session, system, actor=None, today=TODAY, prepared_by="ICB Board Secretary")


@pytest.fixture(scope="module")
def full(content: dict[str, Any]) -> dict[str, Any]:
    """The demo's content with contract-shaped diversity, capability and objectives (withheld figures None)."""
    return {**copy.deepcopy(content), "diversity": DIVERSITY, "capability": CAPABILITY, "objectives": OBJECTIVES}


@pytest.fixture(scope="module")
def book(full: dict[str, Any]) -> Workbook:
    return load_workbook(io.BytesIO(system_pack_bytes(full)))


def _api_forecast(demo_url: str) -> dict[str, Any]:
    app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": demo_url,
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": factories.FAST_HASH})
    client = app.test_client()
    assert client.post("/login", data={"email": "ics@demo.nhs.uk", "password": "demo-ics-2026"}).status_code == 302
    view: dict[str, Any] = client.get("/api/v1/systems/demo-ics/forecast").get_json()
    return view


def _table(ws: Any, caption: str) -> Iterator[list[Any]]:
    """The rows of the table under this caption (its header row after the caption), to the first empty row."""
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, row in enumerate(rows) if row[0] == caption) + 1
    for row in rows[top + 1:]:
        if row[0] is None:
            return
        yield list(row)


def test_the_packs_figures_are_the_system_apis_forecast_for_the_demo_ics(demo_url: str, book: Workbook) -> None:
    api = _api_forecast(demo_url)
    names = {lv["key"]: lv["name"] for lv in api["levels"]}
    printed = {(row[0], row[1]): row[2:] for row in _table(book["System forecast"],
                                                           "The system's leaders by level and year")}
    assert len(api["totals"]) == 20 and len(printed) == 20  # four levels, five years
    for total in api["totals"]:
        shown = whole_flows(total)
        assert printed[(names[total["level"]], total["year"])][:7] == [shown[k] for k, _h in st.FLOWS]
    # Each level's system total on Contributions is the API's summed over the years, rounded once.
    totals = {row[0]: row for row in _table(book["Contributions"], CONTRIBUTIONS) if row[1] == "System total"}
    for key, name in names.items():
        mine = [t for t in api["totals"] if t["level"] == key]
        assert totals[name][6] == whole(sum(t["external_appointments"] for t in mine))
        assert totals[name][5] == whole(mine[-1]["end"])
    # And each member's row is its own shared scenario's figures.
    member = api["members"][0]
    row = next(r for r in _table(book["Contributions"], CONTRIBUTIONS) if r[0] == "Board" and r[1] == member["name"])
    board = [t for t in member["totals"] if t["level"] == "board"]
    assert row[6] == whole(sum(t["external_appointments"] for t in board))


def test_every_sheet_is_there_with_its_caption_and_the_packs_print_set_up(book: Workbook) -> None:
    assert book.sheetnames == ["Cover", "Contents", "Members", "System forecast", "Contributions", "System charts",
                               "Still lacking", "Diversity", "Diversity targets", "Capability", "Competency gaps",
                               "Partnership objectives"]
    contents = [row[0] for row in book["Contents"].iter_rows(min_row=3, values_only=True) if row[0]]
    assert contents[:10] == book.sheetnames[2:]
    cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True) if row[0]}
    assert cover["Prepared by"] == "ICB Board Secretary" and cover["Date prepared"] == "5 December 2026"
    assert cover["Protective marking"] == "OFFICIAL" and book["Cover"]["A4"].value.startswith("Northfield and Dale")
    for ws in book.worksheets:
        assert ws["A1"].value or ws.title == "Cover", ws.title
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.fitToWidth == 1
        assert "OFFICIAL" in ws.oddHeader.center.text and ws.oddFooter.right.text == "Page &P of &N"
    for title in LONG_SHEETS:  # a table that may run over pages repeats its header row on each
        assert book[title].print_title_rows, title
    charts = book["System charts"]._charts  # noqa: SLF001
    assert len(charts) == 3 and isinstance(charts[0], LineChart)


def test_withheld_figures_are_drawn_as_withheld(book: Workbook, full: dict[str, Any]) -> None:
    rows = {row[0]: row for row in _table(book["Diversity"], "Ethnicity: people by level")}
    assert rows["Board"][1:5] == ["*", "*", "*", "*"] and rows["Board"][5] == 27
    assert rows["Senior leaders"][1:3] == [12, 0.136]
    assert rows["Frontline leaders"][1:] == [402, "*", "*", "*", "*"]
    notes = [c.value for row in book["Diversity"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(n.startswith("* Withheld to protect privacy: counts from 1 to 7 people") for n in notes)
    survey = {row[0]: row for row in _table(book["Capability"],
                                            "Self-assessment by dimension (not pooled, 212 responses)")}
    assert survey["Compassionate leadership"][1:4] == ["*", "*", "*"]
    gaps = {row[1]: row for row in _table(book["Competency gaps"],
                                          "Competency gaps across the system, largest first")}
    assert gaps["Connecting our service"][4] == "*"
    # The paper draws them the same way, with the same note.
    paper = Document(io.BytesIO(system_paper_docx(full)))
    ethnicity = next(t for t in paper.tables if t.rows[0].cells[0].text == "Level"
                     and "White" in [c.text for c in t.rows[0].cells])
    assert [c.text for c in ethnicity.rows[1].cells] == ["Board", "*", "*", "27"]
    assert any(p.text.startswith("* Withheld to protect privacy") for p in paper.paragraphs)


def test_the_paper_states_the_packs_figures_in_its_sections(full: dict[str, Any], content: dict[str, Any]) -> None:
    paper = Document(io.BytesIO(system_paper_docx(full)))
    headings = [p.text for p in paper.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["1. Purpose", "2. Background: the members and what each shares",
                        "3. How many leaders the system needs", "4. Diversity of the system's leaders",
                        "5. Leadership skills across the system", "6. Partnership objectives",
                        "7. What members still lack", "8. Recommendation",
                        "Appendix: the system pack (Excel workbook)"]
    summary = next(t for t in paper.tables if t.rows[0].cells[0].text == "Level"
                   and t.rows[0].cells[1].text.startswith("In post at start of"))
    everyone = [c.text for c in summary.rows[-1].cells]
    totals = content["forecast"]["totals"]
    assert everyone[0] == "All levels"
    assert everyone[4] == f"{whole(sum(t['external_appointments'] for t in totals)):,}"
    by_member = next(t for t in paper.tables if t.rows[0].cells[-1].text == "All levels")
    assert [c.text for c in by_member.rows[-1].cells][::5] == ["System total", everyone[4]]
    cover = {row.cells[0].text: row.cells[1].text for row in paper.tables[0].rows}
    assert cover["Prepared by"] == "ICB Board Secretary" and "Information ☒" in cover["Purpose"]
    assert f"{whole(sum(t['external_appointments'] for t in totals)):,} external appointments" in cover[
        "Executive summary"]
    assert paper.sections[0].header.paragraphs[0].text == "OFFICIAL"
    # The charts' places: a note where no image was drawn (this test draws none), alt text said from the figures.
    assert any(p.text.startswith("Figure 1: Leaders needed across the system") for p in paper.paragraphs)
    appointments = system_charts(content)[1]
    frontline = [t for t in totals if t["level"] == "frontline"]
    assert f"frontline leaders {whole(sum(t['external_appointments'] for t in frontline)):,} external" in \
        appointments.alt
    # A part the content lacks (here, no partnership objectives) is left out, not left empty.
    bare = Document(io.BytesIO(system_paper_docx({**content, "objectives": None})))
    bare_headings = [p.text for p in bare.paragraphs if p.style.name == "Heading 1"]
    assert not any("objectives" in h.lower() for h in bare_headings)
    assert [h.split(". ", 1)[1] for h in bare_headings[3:6]] == [
        "Diversity of the system's leaders", "Leadership skills across the system", "What members still lack"]


def _member(slug: str, years: tuple[int, ...], end: float) -> MemberForecast:
    totals = tuple({"level": "senior", "year": y, "demand": end, "start": end, "leavers": 1.0, "promoted_out": 0.0,
                    "internal_fills": 0.4, "external_appointments": 0.6, "vacancies": 1.0, "end": end} for y in years)
    return MemberForecast(share_id=1, organisation=slug, organisation_name=f"{slug.title()} Trust", strategy_id=1,
                          strategy_title="Plan", version=1, approved_on="2026-10-01", scenario="Baseline",
                          levels=(("senior", "Senior leaders"),), totals=totals)


def test_a_member_on_other_years_is_shown_apart_and_left_out_of_the_totals(content: dict[str, Any]) -> None:
    forecast = combine([_member("north", (2027, 2028), 10.0), _member("south", (2027, 2028), 5.0),
                        _member("west", (2028, 2029), 100.0)])
    other = {**copy.deepcopy(content), "forecast": forecast, "lacking": []}
    grid = st.contributions_grid(other)
    assert ("Senior leaders", "West Trust", "2028 to 2029", 100, 100, 100, 1, 1, "No") in grid.rows
    assert ("Senior leaders", "System total", "2027 to 2028", 15, 15, 15, 2, 2, "") in grid.rows
    assert grid.notes[0].startswith("West Trust's forecast covers 2028 to 2029, not the system's 2027 to 2028")
    ws = load_workbook(io.BytesIO(system_pack_bytes(other)))["System forecast"]
    assert ws["A4"].value.startswith("West Trust's forecast covers 2028 to 2029")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice renders the pack")
def test_the_printed_pack_is_readable_and_repeats_each_long_tables_header(full: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    many = copy.deepcopy(full)  # enough members' gaps to run the Competency gaps table over pages
    many["capability"]["gaps"]["rows"] = [{**CAPABILITY["gaps"]["rows"][0], "name": f"Competency {n}"}
                                          for n in range(80)]
    path = tmp_path / "system-pack.xlsx"
    path.write_bytes(system_pack_bytes(many))
    printed = pages(to_pdf(path, tmp_path / "pdf"))
    assert all(page.median_size >= 8 for page in printed if page.lines)
    gaps = [p for p in printed if any(line.text == "Competency gaps" for line in p.lines[-3:])]
    assert len(gaps) >= 2
    for page in gaps[1:]:  # its own header at the top of every page it runs onto, under the page header
        assert {"Level", "Leaders", "Share"} <= {line.text for line in page.lines[3:9]}, page.number


def _statements(db: Session, run: Callable[[], object]) -> int:
    """How many SQL statements `run` sends."""
    sent: list[str] = []

    def count(*args: object) -> None:
        sent.append(str(args[2]))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def test_gathering_the_pack_runs_as_many_statements_for_6_members_as_for_2(db: Session) -> None:
    """The pack reads the shares in one query and writes the reads in one batch, however many members."""
    system = factories.make_system(db)
    counted = {}
    for n in range(1, 7):
        trust = factories.make_org(db, slug=f"pack-trust-{n}", name=f"Pack Trust {n}")
        systems.accept(session=db, link=systems.invite(session=db, system=system, member=trust, actor=None),
                       actor=None)
        strategy = factories.planned_strategy(db, trust, frontline=10 * n)
        systems.share(session=db, system=system, organisation=trust, strategy=strategy,
                      version_number=factories.approve(db, strategy), scenario=None, actor=None)
        if n in (2, 6):
            db.expire_all()
            counted[n] = _statements(db, lambda: gather(db, system, actor=None, today=TODAY))
    assert len(gather(db, system, actor=None, today=TODAY)["members"]) == 6
    assert 0 < counted[6] == counted[2], counted


def test_members_text_stays_text_in_the_pack_and_the_paper(content: dict[str, Any]) -> None:
    """A member's name or title as a formula, or with control characters (from an import), is printed as
    text, without the characters neither a spreadsheet nor Word can hold."""
    hostile = copy.deepcopy(content)
    hostile["members"][0]["name"] = "=HYPERLINK(\"http://x\",\"Dale\")\x0b Trust"
    hostile["members"][0]["shares"][0]["strategy"] = "Plan\x01 2026"
    hostile["lacking"][0]["items"][0]["message"] = "+1 more\x1f"
    ws = load_workbook(io.BytesIO(system_pack_bytes(hostile)))["Members"]
    name = next(c for row in ws.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert name.data_type == "s" and name.quotePrefix and "\x0b" not in name.value
    assert any(c.value == "Plan 2026" for row in ws.iter_rows() for c in row)
    paper = Document(io.BytesIO(system_paper_docx(hostile)))
    cells = [c.text for t in paper.tables for row in t.rows for c in row.cells]
    assert '=HYPERLINK("http://x","Dale") Trust' in cells and "Plan 2026" in cells and "+1 more" in cells


def test_an_invited_trust_and_a_member_sharing_nothing_are_listed_as_such(content: dict[str, Any]) -> None:
    listed = copy.deepcopy(content)
    listed["members"] += [{"organisation": "east", "name": "East Trust", "status": "invited", "shares": []},
                          {"organisation": "west", "name": "West Trust", "status": "member", "shares": []}]
    rows = {row[0]: row for row in st.members_grid(listed).rows}
    assert rows["East Trust"][1:3] == ("Invited (not yet a member)", "Shares nothing yet")
    assert rows["West Trust"][1:3] == ("Member", "Shares nothing yet")
    cover = [row[:2] for row in load_workbook(io.BytesIO(system_pack_bytes(listed)))["Cover"].iter_rows(
        values_only=True)]
    assert ("Members", "3 members, 2 sharing an approved version; 1 invited") in cover


def test_a_long_list_of_what_members_lack_is_left_to_the_pack(content: dict[str, Any]) -> None:
    many = copy.deepcopy(content)
    many["lacking"][0]["items"] = [{"step": "Objectives", "message": f"Gap {n}"} for n in range(45)]
    paper = Document(io.BytesIO(system_paper_docx(many)))
    assert not any(t.rows[0].cells[-1].text == "What it lacks" for t in paper.tables)
    assert any(p.text.startswith("The system pack's Still lacking sheet lists all 51 items") for p in paper.paragraphs)
    assert any(p.text.startswith("Dale Community and Mental Health NHS Trust: 45 items at Objectives")
               for p in paper.paragraphs)
    shorter = Document(io.BytesIO(system_paper_docx(content)))
    assert any(t.rows[0].cells[-1].text == "What it lacks" for t in shorter.tables)
