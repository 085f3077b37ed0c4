"""The board cover sheet: the service's checks and their messages, storing and reading it back, its
audit event, its defaults, its place in the pack's content (frozen with each approved version, and
read tolerantly from versions frozen before covers were kept), the pack's Cover sheet as printed,
and `planner export` falling back to the cover's author."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from planner.cli import main
from planner.exports.book import Book
from planner.exports.cover import IMPACTS, cover_of_content, default_cover
from planner.exports.cover_sheet import LABEL_WIDTH, MOST_LINES, VALUE_WIDTH, write_cover
from planner.exports.workbook import pack_bytes
from planner.models import AuditEvent, BoardCover, Organisation, Strategy, StrategyVersion
from planner.services import ServiceError
from planner.services import versions as versions_service
from planner.services.board_cover import CoverError, cover_content, cover_of, save_cover
from planner.services.board_pack import pack_content
from tests import factories

TODAY = date(2027, 2, 1)

FULL: dict[str, Any] = {
    "meeting": "Board",
    "meeting_date": "2027-03-12",
    "agenda_item": "7.2",
    "part": "1",
    "executive_lead": "Jo Patel, Chief People Officer",
    "author": "Sam Okafor, Head of Leadership Development",
    "purpose": "approval",
    "recommendation": "The Board is asked to approve the collective leadership strategy.",
    "executive_summary": "We need more leaders who reflect our communities.\n\nThis strategy says how.",
    "strategic_objectives": "- Our people\n\n• Our patients\n",
    "baf_risks": "BAF 3: Workforce supply\nBAF 7: Leadership capacity",
    "impact_equality": "Improves representation of Black and minority ethnic staff in senior roles.",
    "impact_quality": "Better-led teams give safer care.",
    "impact_finance": "£120,000 a year from the education budget.",
    "impact_workforce": "Two hundred leaders developed over five years.",
    "impact_sustainability": "Courses online where possible.",
    "previously_considered": [{"by": "People Committee", "on": "2026-11-12"},
                              {"by": "", "on": ""},
                              {"by": "Executive Team", "on": date(2027, 2, 20)}],
}

SHAPE = {"meeting", "meeting_date", "agenda_item", "part", "part_name", "executive_lead", "author", "purpose",
         "purpose_name", "recommendation", "executive_summary", "strategic_objectives", "baf_risks", "impact",
         "previously_considered", "prepared_by", "set"}


def _save(db: Session, strategy: Strategy, actor: Any = None, **changes: Any) -> BoardCover:
    organisation = db.get(Organisation, strategy.organisation_id)
    assert organisation is not None
    return save_cover(session=db, strategy=strategy, organisation=organisation, values={**FULL, **changes},
                      actor=actor, today=TODAY)


# --- defaults and the round trip ------------------------------------------------------------------------------


def test_a_strategy_without_a_cover_has_the_defaults(db: Session, strategy: Strategy) -> None:
    content = cover_content(db, strategy, prepared_by="Alex Board-Secretary")
    assert set(content) == SHAPE
    assert content == default_cover("Alex Board-Secretary")
    assert (content["meeting"], content["part"], content["part_name"], content["purpose"],
            content["purpose_name"], content["set"]) == ("Board", "1", "Part 1 (public)", "approval", "For approval",
                                                         False)
    assert content["impact"] == {key: "" for key in IMPACTS} and content["previously_considered"] == []
    assert json.loads(json.dumps(content)) == content  # plain JSON-ready data


def test_a_saved_cover_reads_back_in_the_pack_shape(db: Session, strategy: Strategy) -> None:
    _save(db, strategy)
    db.expire_all()
    content = cover_content(db, strategy, prepared_by="Alex")
    assert set(content) == SHAPE
    assert content == {
        "meeting": "Board", "meeting_date": "2027-03-12", "agenda_item": "7.2", "part": "1",
        "part_name": "Part 1 (public)", "executive_lead": "Jo Patel, Chief People Officer",
        "author": "Sam Okafor, Head of Leadership Development", "purpose": "approval", "purpose_name": "For approval",
        "recommendation": FULL["recommendation"], "executive_summary": FULL["executive_summary"],
        "strategic_objectives": ["Our people", "Our patients"],
        "baf_risks": ["BAF 3: Workforce supply", "BAF 7: Leadership capacity"],
        "impact": {"equality": FULL["impact_equality"], "quality": FULL["impact_quality"],
                   "finance": FULL["impact_finance"], "workforce": FULL["impact_workforce"],
                   "sustainability": FULL["impact_sustainability"]},
        "previously_considered": [{"by": "People Committee", "on": "2026-11-12"},
                                  {"by": "Executive Team", "on": "2027-02-20"}],
        "prepared_by": "Alex", "set": True,
    }
    assert json.loads(json.dumps(content)) == content


def test_saving_again_changes_the_one_cover(db: Session, strategy: Strategy) -> None:
    first = _save(db, strategy)
    second = _save(db, strategy, part="2", purpose="information", meeting="People Committee",
                   previously_considered=[])
    assert first.id == second.id
    assert len(db.exec(select(BoardCover).where(BoardCover.strategy_id == strategy.id)).all()) == 1
    content = cover_content(db, strategy, prepared_by="")
    assert (content["part_name"], content["purpose_name"], content["meeting"]) == (
        "Part 2 (private)", "For information", "People Committee")
    assert content["previously_considered"] == []
    assert content["prepared_by"] == FULL["author"]  # nobody named: the cover's author


def test_hostile_text_is_kept_as_text_without_control_characters(db: Session, strategy: Strategy) -> None:
    _save(db, strategy, recommendation="<script>alert('x')</script>\x00\x07 =SUM(A1)",
          executive_lead="Jo\tPatel\r\nCPO", baf_risks="BAF 1\x0b: Money\r\nBAF 2")
    content = cover_content(db, strategy, prepared_by="")
    assert content["recommendation"] == "<script>alert('x')</script> =SUM(A1)"
    assert content["executive_lead"] == "Jo Patel CPO"
    assert content["baf_risks"] == ["BAF 1: Money", "BAF 2"]


def test_dates_may_be_typed_day_first_and_the_meeting_may_be_in_the_future(db: Session, strategy: Strategy) -> None:
    _save(db, strategy, meeting_date="12/03/2031", previously_considered=[{"by": "Audit Committee",
                                                                           "on": "1/2/2027"}])
    content = cover_content(db, strategy, prepared_by="")
    assert content["meeting_date"] == "2031-03-12"
    assert content["previously_considered"] == [{"by": "Audit Committee", "on": "2027-02-01"}]


def test_another_organisations_strategy_is_refused(db: Session, strategy: Strategy) -> None:
    other = factories.make_org(db, slug="elsewhere")
    with pytest.raises(ServiceError, match="not this organisation's"):
        save_cover(session=db, strategy=strategy, organisation=other, values=FULL, actor=None, today=TODAY)
    assert cover_of(db, strategy) is None


# --- the checks ----------------------------------------------------------------------------------------------

LONG_LINE = "x" * 201


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"meeting": "  "}, "meeting", "Enter the meeting the paper goes to"),
    ({"meeting": "m" * 201}, "meeting", "The meeting must be 200 characters or fewer (it has 201)"),
    ({"meeting_date": "next Tuesday"}, "meeting_date", "Enter the meeting date as a real date"),
    ({"meeting_date": "2027-02-30"}, "meeting_date", "Enter the meeting date as a real date"),
    ({"meeting_date": "1999-12-31"}, "meeting_date", "The meeting date must be between 1 January 2000 and "
                                                     "31 December 2032"),
    ({"meeting_date": "3027-01-01"}, "meeting_date", "between 1 January 2000 and 31 December 2032"),
    ({"agenda_item": "7.2 and also 7.3 and 7.4"}, "agenda_item", "The agenda item must be 20 characters or fewer"),
    ({"part": "3"}, "part", "Choose Part 1 (public) or Part 2 (private)"),
    ({"purpose": "noting"}, "purpose", "Choose the paper's purpose: approval, assurance, discussion or information"),
    ({"executive_lead": "e" * 201}, "executive_lead", "The executive lead's name and title must be 200 characters"),
    ({"author": "a" * 300}, "author", "The author's name and title must be 200 characters or fewer (they have 300)"),
    ({"recommendation": "r" * 2001}, "recommendation",
     "The recommendation must be 2,000 characters or fewer (it has 2,001)"),
    ({"executive_summary": "s" * 10_001}, "executive_summary",
     "The executive summary must be 10,000 characters or fewer (it has 10,001)"),
    ({"impact_finance": "f" * 2001}, "impact_finance", "The finance impact statement must be 2,000 characters"),
    ({"strategic_objectives": f"Our people\n{LONG_LINE}"}, "strategic_objectives",
     "Each of the strategic objectives must be 200 characters or fewer (line 2 has 201)"),
    ({"baf_risks": "\n".join(f"BAF {n}" for n in range(21))}, "baf_risks",
     "List at most 20 Board Assurance Framework risks, one on each line (there are 21)"),
    ({"previously_considered": [{"by": "People Committee", "on": ""}]}, "considered_on_1",
     "Enter the date People Committee considered the paper"),
    ({"previously_considered": [{"by": "", "on": ""}, {"by": "", "on": "2026-11-12"}]}, "considered_by_2",
     "Enter the committee or meeting that considered the paper (previous consideration 2)"),
    ({"previously_considered": [{"by": "People Committee", "on": "12 Nov"}]}, "considered_on_1",
     "Enter the date of previous consideration 1 as a real date"),
    ({"previously_considered": [{"by": "People Committee", "on": "2027-04-01"}]}, "considered_on_1",
     "must be on or before the meeting date (12 March 2027)"),
    ({"previously_considered": [{"by": "c" * 201, "on": "2026-11-12"}]}, "considered_by_1",
     "The name of committee 1 must be 200 characters or fewer"),
    ({"previously_considered": [{"by": f"Committee {n}", "on": "2026-11-12"} for n in range(6)]}, "considered_by_1",
     "List at most 5 previous considerations"),
])
def test_a_bad_field_is_refused_with_a_message_naming_it(db: Session, strategy: Strategy, changes: dict[str, Any],
                                                         field: str, message: str) -> None:
    with pytest.raises(CoverError) as raised:
        _save(db, strategy, **changes)
    assert any(f == field and message in m for f, m in raised.value.problems), raised.value.problems
    assert isinstance(raised.value, ServiceError) and raised.value.field and raised.value.message
    db.rollback()
    assert cover_of(db, strategy) is None


def test_every_problem_is_reported_at_once_and_nothing_is_stored(db: Session, strategy: Strategy) -> None:
    before = len(db.exec(select(AuditEvent)).all())
    with pytest.raises(CoverError) as raised:
        _save(db, strategy, meeting="", part="9", recommendation="r" * 2001)
    assert [f for f, _m in raised.value.problems] == ["meeting", "part", "recommendation"]
    assert (raised.value.field, raised.value.message) == raised.value.problems[0]
    db.rollback()
    assert cover_of(db, strategy) is None and len(db.exec(select(AuditEvent)).all()) == before


# --- the audit trail -----------------------------------------------------------------------------------------


def test_saving_records_who_changed_what(db: Session, org: Organisation, strategy: Strategy) -> None:
    editor = factories.make_member(db, org, role="editor")
    cover = _save(db, strategy, actor=editor)
    _save(db, strategy, actor=editor, agenda_item="8.1", baf_risks="BAF 3: Workforce supply")
    events = db.exec(select(AuditEvent).where(AuditEvent.entity == "board_cover").order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
    assert [(e.action, e.entity_id, e.user_id, e.organisation_id) for e in events] == [
        ("create", cover.id, editor.id, org.id), ("update", cover.id, editor.id, org.id)]
    assert json.loads(events[0].changes)["meeting_date"] == [None, "2027-03-12"]
    assert json.loads(events[1].changes) == {
        "agenda_item": ["7.2", "8.1"],
        "baf_risks": ["BAF 3: Workforce supply\nBAF 7: Leadership capacity", "BAF 3: Workforce supply"]}
    assert db.get(BoardCover, cover.id).updated_by == editor.id  # type: ignore[union-attr]


# --- in the pack's content, and frozen with each version -------------------------------------------------------


def test_the_packs_content_holds_the_cover_and_prepared_by_falls_back_to_the_author(
        db: Session, org: Organisation, strategy: Strategy) -> None:
    assert pack_content(db, strategy, org, prepared_by="", today=TODAY)["cover"]["set"] is False
    _save(db, strategy)
    content = pack_content(db, strategy, org, prepared_by="", today=TODAY)
    assert content["cover"] == cover_content(db, strategy, prepared_by="")
    assert content["prepared"]["by"] == FULL["author"] == content["cover"]["prepared_by"]
    named = pack_content(db, strategy, org, prepared_by="Alex Board-Secretary", today=TODAY)
    assert named["prepared"]["by"] == "Alex Board-Secretary" == named["cover"]["prepared_by"]


def _cover_sheet(content: dict[str, Any]) -> dict[str, Any]:
    ws = load_workbook(io.BytesIO(pack_bytes(content, sheets=())))["Cover"]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=8, max_col=2, values_only=True) if r[0]}


def test_the_cover_is_frozen_with_the_approved_version(db: Session, org: Organisation, strategy: Strategy) -> None:
    _save(db, strategy)
    versions_service.submit(session=db, strategy=strategy, actor=None)
    decision = versions_service.record_decision(
        session=db, strategy=strategy, organisation=org, actor=None, today=date.today(),
        values={"meeting_date": date.today() - timedelta(days=1), "minute": "2027/045", "decision": "approved"})
    _save(db, strategy, recommendation="The Board is asked to note the changes.", agenda_item="9.1")
    db.expire_all()
    version = db.get(StrategyVersion, decision.version_id)
    assert version is not None
    frozen = versions_service.version_content(version)
    assert frozen["cover"]["recommendation"] == FULL["recommendation"] and frozen["cover"]["agenda_item"] == "7.2"
    assert frozen["prepared"]["by"] == FULL["author"]  # approved by no one signed in: the author
    assert _cover_sheet(frozen)["Recommendation"] == FULL["recommendation"]
    draft = pack_content(db, strategy, org, prepared_by="", today=TODAY)
    assert draft["cover"]["recommendation"] == "The Board is asked to note the changes."
    assert _cover_sheet(draft)["Agenda item"] == "9.1"


def test_content_frozen_before_covers_reads_as_the_defaults(db: Session, org: Organisation,
                                                            strategy: Strategy) -> None:
    old = pack_content(db, strategy, org, prepared_by="Old Secretary", today=TODAY)
    del old["cover"]
    assert cover_of_content(old) == default_cover("Old Secretary")
    assert _cover_sheet(old)["Meeting"] == "Board" and _cover_sheet(old)["Prepared by"] == "Old Secretary"
    partial = {**old, "cover": {"meeting": "People Committee", "part": "2", "impact": {"finance": "None"}}}
    read = cover_of_content(partial)
    assert (read["meeting"], read["part_name"], read["purpose_name"]) == ("People Committee", "Part 2 (private)",
                                                                          "For approval")
    assert read["impact"] == {**{key: "" for key in IMPACTS}, "finance": "None"}


# --- the Cover sheet as printed --------------------------------------------------------------------------------


def _sheet(cover: dict[str, Any]) -> Worksheet:
    content = {"strategy": {"title": "Leadership for All", "start_year": 2026, "end_year": 2031},
               "organisation": {"name": "North Trust"}, "status": {"state": "Draft", "version": "Draft"},
               "forecast": {"scenario": None}, "prepared": {"on": "2027-02-01", "by": "", "marking": "OFFICIAL"},
               "approval": None, "cover": cover}
    book = Book()
    write_cover(book, content)
    out = io.BytesIO()
    book.workbook.save(out)
    return load_workbook(out)["Cover"]


def test_the_cover_sheet_prints_on_a4_portrait_at_full_size_with_every_field_in_order() -> None:
    cover = {**default_cover("Alex"), "meeting": "People Committee", "meeting_date": "2027-03-12",
             "agenda_item": "7.2", "part": "2", "executive_lead": "Jo Patel", "author": "Sam Okafor",
             "purpose": "assurance", "recommendation": "To note.", "executive_summary": "In short.",
             "strategic_objectives": ["Our people", "Our patients"], "baf_risks": ["BAF 3: Workforce supply"],
             "impact": {key: f"{key} statement" for key in IMPACTS},
             "previously_considered": [{"by": "Executive Team", "on": "2027-02-20"}], "set": True}
    ws = _sheet(cover)
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert (ws.column_dimensions["A"].width, ws.column_dimensions["B"].width) == (LABEL_WIDTH, VALUE_WIDTH)
    # Excel's pixels for a width w are about 7w + 5; 96 of them an inch. Fit-to-width must not shrink the text.
    printed = sum(7 * w + 5 for w in (LABEL_WIDTH, VALUE_WIDTH)) / 96
    usable = 8.27 - ws.page_margins.left - ws.page_margins.right
    assert usable / printed >= 1.0
    rows = [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=8, max_col=2) if r[0].value]
    labels = [label for label, _value in rows]
    expected = ["Organisation", "Meeting", "Date of meeting", "Agenda item", "Part", "Strategy", "Purpose",
                "Executive lead", "Author", "Prepared by", "The paper", "Recommendation", "Executive summary",
                "Links to strategic objectives", "Board Assurance Framework (BAF) risks", "Equality impact",
                "Quality impact", "Financial impact", "Workforce impact", "Sustainability impact",
                "Previously considered by", "This pack", "Period", "Status", "Version", "Scenario", "Date prepared",
                "Protective marking"]
    assert labels == expected
    values = dict(rows)
    assert values["Part"] == "Part 2 (private)" and values["Purpose"] == "For assurance"
    assert values["Date of meeting"] == "12 March 2027" and values["Prepared by"] == "Alex"
    assert values["Links to strategic objectives"] == "Our people\nOur patients"
    assert values["Previously considered by"] == "Executive Team, 20 February 2027"
    assert values["Financial impact"] == "finance statement"
    for row in ws.iter_rows(min_row=8, max_col=2):
        if row[1].value:
            assert row[1].font.sz == 11 and row[1].alignment.wrap_text, row[1].coordinate
            assert ws.row_dimensions[row[1].row].height >= 15


def test_long_text_wraps_onto_rows_tall_enough_and_no_row_is_taller_than_excel_allows() -> None:
    summary = "\n".join(f"Paragraph {n}. " + "The strategy grows our own leaders. " * 12 for n in range(40))
    ws = _sheet({**default_cover(), "executive_summary": summary, "set": True})
    cells = [r for r in ws.iter_rows(min_row=8, max_col=2)
             if isinstance(r[1].value, str) and r[1].value.startswith("Paragraph")]
    assert len(cells) > 1  # the summary goes on in the rows below its label
    assert cells[0][0].value == "Executive summary" and all(r[0].value is None for r in cells[1:])
    assert "\n".join(r[1].value for r in cells) == summary
    for row in cells:
        assert 15 * 2 <= ws.row_dimensions[row[1].row].height <= 15 * MOST_LINES <= 409


def test_an_unset_cover_says_so_on_the_sheet() -> None:
    ws = _sheet(default_cover())
    assert "has not been filled in" in ws["A7"].value
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=8, max_col=2, values_only=True) if r[0]}
    assert values["Meeting"] == "Board" and values["Part"] == "Part 1 (public)"
    assert values["Recommendation"] == "Not set" and values["Prepared by"] == "Not recorded"


# --- planner export ----------------------------------------------------------------------------------------------


def test_planner_export_puts_the_covers_author_as_prepared_by_unless_told(
        db: Session, database_url: str, org: Organisation, strategy: Strategy, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    _save(db, strategy)
    for args, expected in (([], FULL["author"]), (["--prepared-by", "Alex Board-Secretary"], "Alex Board-Secretary")):
        target = tmp_path / "pack.xlsx"
        result = CliRunner().invoke(main, ["export", "--strategy", str(strategy.id), "--step", "scope",
                                           "-o", str(target), *args])
        assert result.exit_code == 0, result.output
        cover = {r[0]: r[1] for r in load_workbook(target)["Cover"].iter_rows(min_row=8, max_col=2, values_only=True)
                 if r[0]}
        assert cover["Prepared by"] == expected and cover["Recommendation"] == FULL["recommendation"]
