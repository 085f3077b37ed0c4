"""The people sheets of the board pack: diversity (by the disclosure rule), competencies, self-assessment,
objectives and unowned gaps, from the demo trust's content and from small hand-made content. Each
writer writes a group of sheets (a table that may run over pages has a sheet of its own)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, SQLModel, select

from planner.db import engine_for
from planner.diversity.disclosure import disclosure
from planner.exports import people_sheets as ps
from planner.exports.book import Book
from planner.exports.book_styles import RAG_FILLS
from planner.models import Strategy
from planner.services.board_pack import pack_content
from planner.services.demo import load_demo
from tests import factories

Writer = Callable[[Book, Mapping[str, Any]], None]
# Each writer, by its first sheet, with every sheet it writes, in order.
WRITERS: dict[str, tuple[Writer, list[str]]] = {
    "Diversity": (ps.write_diversity, ["Diversity", "Diversity indicators", "Diversity targets"]),
    "Competencies": (ps.write_competencies, ["Competencies", "Competency heatmap", "Competency gaps",
                                             "Competency plan", "Unplanned competency gaps"]),
    "Self-assessment": (ps.write_self_assessment, ["Self-assessment", "Self-assessment statements"]),
    "Objectives": (ps.write_objectives, ["Objectives", "Objectives SMART check", "Objectives by RAG"]),
    "Unowned gaps": (ps.write_unowned, ["Unowned gaps"]),
}
SHEETS = [sheet for _writer, sheets in WRITERS.values() for sheet in sheets]
# The sheets whose main table may run over pages: its header repeats on every printed page.
LONG = [sheet for sheet in SHEETS
        if sheet not in ("Diversity targets", "Competency plan", "Self-assessment", "Objectives by RAG")]
PROBES = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]
HEADERS = ("Pack table header", "Pack table header number")


# --- content ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_contents(database_url: str) -> Iterator[dict[str, dict[str, Any]]]:
    """The demo trust's pack content for each audience, built once for the module (loading the demo
    takes seconds).

    The conftest `db` fixture is per test, so this opens its own session on the same test database
    and empties it afterwards, as the `app` fixture does."""
    engine = engine_for(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            organisation = load_demo(session=session, hash_method=factories.FAST_HASH)
            assert organisation is not None
            strategy = session.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
            contents = {audience: pack_content(session, strategy, organisation, prepared_by="Test",
                                               today=date(2026, 11, 23), audience=audience)
                        for audience in ("published", "internal")}
    finally:
        with engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())
    yield json.loads(json.dumps(contents))  # as stored with an approved version: plain JSON


@pytest.fixture(scope="module")
def demo_content(demo_contents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The demo's published pack content (the default)."""
    return demo_contents["published"]


@pytest.fixture(scope="module")
def internal_demo_content(demo_contents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The demo's pack content for the board and its committees in private: exact counts."""
    return demo_contents["internal"]


def _group(key: str, count: int | None, total: int) -> dict[str, Any]:
    return {"group": key, "count": count, "share": None if count is None else count / total,
            "suppressed": count is None}


def _points(counts: list[float], total: float, appointments: float) -> list[dict[str, Any]]:
    return [{"year": 2027 + i, "count": c, "share": c / total, "appointments_from_group": appointments}
            for i, c in enumerate(counts)]


def small_content(text: str = "Text", threshold: int = 7) -> dict[str, Any]:
    """Hand-made content using `text` for every text a user can type."""
    smart = {"S": True, "M": False, "A": True, "R": True, "T": True}
    return {
        "organisation": {"name": text, "suppression_threshold": threshold},
        "levels": [{"key": "board", "name": text, "bands": []}, {"key": "senior", "name": text, "bands": []}],
        "diversity": {
            "scenario": {"id": 1, "name": text}, "suppression_threshold": threshold, "suppressed": True,
            "names": {"ethnicity": {"name": text, "groups": {"white": text, "bme": text, "not_stated": text}}},
            "representation": [{
                "characteristic": "ethnicity",
                "rows": [
                    {"level": "board", "total": 12,
                     "groups": [_group("white", None, 12), _group("bme", None, 12), _group("not_stated", 0, 12)]},
                    {"level": "senior", "total": 40,
                     "groups": [_group("white", 30, 40), _group("bme", 10, 40), _group("not_stated", 0, 40)]},
                    {"level": None, "total": 500,
                     "groups": [_group("white", 400, 500), _group("bme", 90, 500), _group("not_stated", 10, 500)]},
                ],
                "benchmarks": {"workforce": {"white": 0.8, "bme": 0.18, "not_stated": 0.02},
                               "community": {"white": 0.7, "bme": 0.3}},
                "indicators": {"focus_group": "bme", "level_gaps_points": {"board": None, "senior": 7.0},
                               "board_gap_points": None, "relative_likelihood": 1.3},
            }],
            "targets": [
                {"id": 1, "level": "board", "characteristic": "ethnicity", "group": "bme", "target_share": 0.3,
                 "target_year": 2029, "baseline_count": None, "suppressed": True,
                 "required_share_of_appointments": 0.55, "feasible": True, "earliest_year": None,
                 "trajectory": _points([2.5, 3.25, 3.6], 12, 1.25), "no_action": _points([2.0, 2.0, 2.0], 12, 0.25),
                 "problems": []},
                {"id": 2, "level": "all", "characteristic": "ethnicity", "group": "bme", "target_share": 0.25,
                 "target_year": 2029, "baseline_count": 100, "suppressed": False,
                 "required_share_of_appointments": 0.4, "feasible": False, "earliest_year": 2031,
                 "trajectory": _points([105.5, 111.5, 118.5], 500, 20.5),
                 "no_action": _points([100.5, 100.5, 100.5], 500, 10.5), "problems": [text]},
            ],
        },
        "competencies": {
            "competencies": [
                {"key": "c1", "name": text, "framework": text, "domain": text, "required": {"board": 3, "senior": 2}},
                {"key": "c2", "name": text, "framework": text, "domain": text,
                 "required": {"board": 4, "senior": None}},
            ],
            "gaps": [
                {"level": "senior", "competency": "c1", "required": 2, "assessed": 40, "below_required": 10,
                 "share_below": 0.25},
                {"level": "board", "competency": "c2", "required": 4, "assessed": 12, "below_required": 9,
                 "share_below": 0.75},
                {"level": "board", "competency": "c1", "required": 3, "assessed": 12, "below_required": 0,
                 "share_below": 0.0},
            ],
            "interventions": [{"name": text, "kind": "coaching", "places_per_year": 10, "cost_per_place": 1200.0,
                               "first_year": 2027, "last_year": 2028, "develops": 2}],
            "cost": [{"year": 2027, "cost": 12000.0}, {"year": 2028, "cost": 12000.0}],
            "coverage": [],
            "unaddressed": [{"level": "board", "competency": "c2", "below_required": 9}],
        },
        "self_assessment": [
            {"name": text, "status": "closed", "responses": 40, "enough": True,
             "dimensions": [{"key": "d1", "name": text, "mean": 3.25, "sd": 1.05, "share_agree": 0.45, "n": 120}],
             "items": [{"key": "i1", "text": text, "mean": 3.1, "sd": 0.8, "share_agree": 0.4, "n": 40},
                       {"key": "i2", "text": text, "mean": 3.4, "sd": 1.3, "share_agree": 0.5, "n": 39}],
             "groups": [{"group": text, "responses": 25, "dimensions": {"d1": 3.5}, "gaps": {"d1": 0.5}},
                        {"group": text, "responses": 12, "dimensions": {"d1": 3.0}, "gaps": {"d1": 0.0}}],
             "withheld_groups": [text], "comparison_group": text},
            {"name": text, "status": "open", "responses": 3, "enough": False, "dimensions": [], "items": [],
             "groups": [], "withheld_groups": [], "comparison_group": None},
        ],
        "objectives": {
            "rows": [
                {"ref": "S1", "parent_ref": None, "depth": 0, "title": text, "level": "strategic", "area": None,
                 "owner": text, "weight": 1.0, "due": "2031-03-31", "status": "active", "progress": None,
                 "rolled_up_progress": 0.4, "rag": "green", "smart": smart,
                 "smart_reasons": ["Measurable: add a measure."]},
                {"ref": "S1.1", "parent_ref": "S1", "depth": 1, "title": text, "level": "area", "area": text,
                 "owner": text, "weight": 2.0, "due": "2028-03-31", "status": "active", "progress": 0.5,
                 "rolled_up_progress": 0.5, "rag": "amber", "smart": {k: True for k in "SMART"},
                 "smart_reasons": []},
                {"ref": "S1.1.1", "parent_ref": "S1.1", "depth": 2, "title": text, "level": "team", "area": text,
                 "owner": text, "weight": 1.0, "due": "2027-03-31", "status": "active", "progress": 0.1,
                 "rolled_up_progress": 0.1, "rag": "red", "smart": {**smart, "T": False},
                 "smart_reasons": ["Measurable: add a measure.", "Time-bound: add a due date."]},
                {"ref": "S1.2", "parent_ref": "S1", "depth": 1, "title": text, "level": "area", "area": text,
                 "owner": None, "weight": 1.0, "due": None, "status": "active", "progress": None,
                 "rolled_up_progress": None, "rag": None, "smart": {k: True for k in "SMART"},
                 "smart_reasons": []},
            ],
            "unowned": [{"kind": "competency gap", "label": text}, {"kind": "diversity target", "label": text}],
        },
    }


# --- helpers ------------------------------------------------------------------------------------


def group(title: str) -> str:
    """The writer that writes the sheet."""
    return next(first for first, (_writer, sheets) in WRITERS.items() if title in sheets)


def write(title: str, content: Mapping[str, Any]) -> tuple[Book, Worksheet]:
    """The sheet, written with the rest of its group (and only those)."""
    book = Book()
    writer, sheets = WRITERS[group(title)]
    writer(book, content)
    assert book.workbook.sheetnames == sheets
    return book, book.workbook[title]


def group_sheets(book: Book, title: str) -> list[Worksheet]:
    """Every sheet of the sheet's group."""
    return [book.workbook[name] for name in WRITERS[group(title)][1]]


def reloaded(book: Book, title: str) -> Worksheet:
    buffer = io.BytesIO()
    book.workbook.save(buffer)
    buffer.seek(0)
    ws: Worksheet = load_workbook(buffer)[title]
    return ws


def header_row(ws: Worksheet) -> int:
    """The header row of the sheet's main table: the one its printed pages repeat."""
    assert ws.print_title_rows, "the main table's header repeats on every printed page"
    first, last = ws.print_title_rows.replace("$", "").split(":")
    assert first == last
    return int(first)


def tables(ws: Worksheet) -> list[tuple[int, dict[int, str]]]:
    """Every table on the sheet: its header row and {column: heading}."""
    found = []
    for row in ws.iter_rows():
        headings = {c.column: str(c.value) for c in row if c.style in HEADERS and c.value is not None}
        if headings:
            found.append((row[0].row, headings))
    return found


def column_below(ws: Worksheet, top: int, column: int) -> list[Any]:
    """The values under a heading down to the table's end: an empty row, or a note or heading."""
    values = []
    for row in ws.iter_rows(min_row=top + 1):
        if all(c.value is None for c in row) or any(c.style in ("Pack note", "Pack heading") for c in row):
            break
        values.append(row[column - 1].value)
    return values


def people_columns(ws: Worksheet) -> list[list[Any]]:
    """The values of every column whose heading says it counts people of a group."""
    return [column_below(ws, top, column) for top, headings in tables(ws)
            for column, heading in headings.items() if "people" in heading.lower()]


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def count_like_cells(ws: Worksheet, threshold: int) -> list[str]:
    """Cells holding a whole number from 1 to the threshold that is not a share or a gap in percentage
    points: what a small count of people would look like, wherever it was written."""
    return [c.coordinate for row in ws.iter_rows() for c in row
            if is_number(c.value) and "%" not in c.number_format and "pts" not in c.number_format
            and float(c.value).is_integer() and 1 <= c.value <= threshold]


def cells_of(ref: str, ws: Worksheet) -> list[Any]:
    sheet, cells = ref.rsplit("!", 1)
    assert sheet.strip("'") == ws.title
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    return [ws.cell(row=r, column=c).value for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def title_text(chart: Any) -> str:
    return "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))


# --- every sheet --------------------------------------------------------------------------------


@pytest.mark.parametrize("title", SHEETS)
def test_each_sheet_has_a_title_and_a_note(title: str, demo_content: dict[str, Any]) -> None:
    _book, ws = write(title, demo_content)
    assert ws["A1"].style == "Pack title" and ws["A1"].value
    assert ws["A2"].style == "Pack note" and str(ws["A2"].value).endswith(".")


@pytest.mark.parametrize("title", LONG)
def test_a_long_table_heads_its_sheet_filtered_frozen_and_repeated(title: str, demo_content: dict[str, Any]) -> None:
    _book, ws = write(title, demo_content)
    header = header_row(ws)
    assert header == 4  # under the title, the note and its heading: the only table on the sheet
    assert ws.cell(row=header, column=1).style in HEADERS
    assert ws.cell(row=header + 1, column=1).value is not None  # rows under it
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{header}:")
    assert ws.freeze_panes == f"A{header + 1}"
    headings = dict(tables(ws))[header]
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in headings]
    assert all(w and 5 <= w <= 80 for w in widths)


@pytest.mark.parametrize("probe", PROBES)
@pytest.mark.parametrize("title", list(WRITERS))
def test_text_that_looks_like_a_formula_stays_text(title: str, probe: str) -> None:
    book, _ws = write(title, small_content(probe))
    cells = [c for name in WRITERS[title][1] for row in reloaded(book, name).iter_rows() for c in row
             if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    shown = [c for c in cells if c.value == probe]
    assert shown and all(c.data_type == "s" for c in shown)
    # Every field holding the text reaches the sheet (titles, owners, areas, names, statements...).
    assert len(shown) >= {"Diversity": 12, "Competencies": 8, "Self-assessment": 9, "Objectives": 10,
                          "Unowned gaps": 2}[title]


def test_a_control_character_in_a_title_is_removed_and_noted() -> None:
    content = small_content()
    content["objectives"]["rows"][1]["title"] = "Bring the vision\x07 to life"
    book, ws = write("Objectives", content)
    assert ws["B6"].value == "Bring the vision to life"
    assert "'Objectives'!B6" in book.control_removed


# --- diversity: suppression -----------------------------------------------------------------------


def test_withheld_counts_show_as_a_star_and_no_small_count_reaches_the_sheet() -> None:
    content = small_content()
    # A count of 3 the content failed to withhold is withheld all the same, with its share.
    content["diversity"]["representation"][0]["rows"][1]["groups"][2] = _group("not_stated", 3, 40)
    book, ws = write("Diversity", content)
    header = header_row(ws)
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 6)] for r in range(header + 1, header + 10)]
    board, senior = rows[:3], rows[3:6]
    assert [r[3] for r in board] == ["*", "*", 0] and [r[4] for r in board] == ["*", "*", 0.0]
    assert [r[3] for r in senior] == [30, 10, "*"] and senior[2][4] == "*"
    sheets = group_sheets(book, "Diversity")
    assert all(count_like_cells(sheet, 7) == [] for sheet in sheets)
    counts = [column for sheet in sheets for column in people_columns(sheet)]
    assert len(counts) >= 2  # the representation's and the targets'
    assert all(not (is_number(v) and 1 <= v <= 7) for column in counts for v in column)
    assert any(v == "*" for column in counts for v in column) and any(is_number(v) for column in counts for v in column)
    for sheet in ("Diversity", "Diversity targets"):  # each sheet showing a "*" says what it means
        notes = [c.value for row in book.workbook[sheet].iter_rows() for c in row if c.style == "Pack note"]
        assert any(str(n).startswith("* Withheld to protect privacy: counts from 1 to 7 people") for n in notes)


def test_a_target_whose_start_is_withheld_shows_the_reason_and_nothing_worked_out_from_it() -> None:
    content = small_content()  # as an older version froze it: the withheld target still holds its figures
    book, _ws = write("Diversity", content)
    sheets = group_sheets(book, "Diversity")
    numbers = {c.value for sheet in sheets for row in sheet.iter_rows() for c in row if is_number(c.value)}
    withheld, shown = content["diversity"]["targets"]
    for point in withheld["trajectory"] + withheld["no_action"]:
        assert point["count"] not in numbers
    assert not {p["share"] for p in withheld["trajectory"][:2] + withheld["no_action"]} & numbers
    assert not {1.25, 0.55} & numbers  # its appointments from the group and its share needed
    assert {p["share"] for p in shown["trajectory"] + shown["no_action"]} <= numbers
    notes = [str(c.value) for row in book.workbook["Diversity targets"].iter_rows() for c in row
             if c.style == "Pack note"]
    assert "Withheld: fewer than 8 people (in the group, or in another group its number would reveal), so figures " \
           "that would reveal the number are not shown." in notes
    ws = book.workbook["Diversity targets"]
    summary, headings = next((top, h) for top, h in tables(ws) if "Can it be met?" in h.values())
    people = next(column for column, heading in headings.items() if "people" in heading.lower())
    assert column_below(ws, summary, people) == ["*", 100]
    assert all(count_like_cells(sheet, 7) == [] for sheet in sheets)


def _people_by_level(book: Book) -> list[tuple[Any, Any]]:
    """(level, people in the group) of each row of the representation."""
    ws = book.workbook["Diversity"]
    header = header_row(ws)
    columns = {str(c.value): c.column for c in ws[header] if c.value}
    return [(ws.cell(row=r, column=columns["Level"]).value, ws.cell(row=r, column=columns["People in the group"]).value)
            for r in range(header + 1, ws.max_row + 1) if ws.cell(row=r, column=columns["Level"]).value]


def test_the_demo_sheet_withholds_small_counts_except_the_boards(demo_content: dict[str, Any]) -> None:
    threshold = demo_content["organisation"]["suppression_threshold"]
    book, _ws = write("Diversity", demo_content)
    rows = _people_by_level(book)
    assert any(v == "*" for _level, v in rows)
    assert all(not (is_number(v) and 1 <= v <= threshold) for level, v in rows if level != "Board")
    board = [v for level, v in rows if level == "Board"]  # public anyway: WRES indicator 9's figures
    assert board[:3] == [12, 2, 1] and "*" not in board
    sheets = group_sheets(book, "Diversity")
    assert all(count_like_cells(sheet, threshold) == [] for sheet in sheets if sheet.title != "Diversity")


def test_the_internal_demo_sheet_shows_exact_counts_and_says_so(internal_demo_content: dict[str, Any]) -> None:
    book, _ws = write("Diversity", internal_demo_content)
    rows = _people_by_level(book)
    assert "*" not in [v for _level, v in rows]
    assert ("Senior leaders", 2) in rows and ("Board", 2) in rows
    intro = [str(c.value) for row in book.workbook["Diversity"].iter_rows(max_row=3) for c in row if c.value]
    assert any("Exact counts: for the board and its committees only." in text for text in intro)
    targets = book.workbook["Diversity targets"]
    summary, headings = next((top, h) for top, h in tables(targets) if "Can it be met?" in h.values())
    people = next(column for column, heading in headings.items() if "people" in heading.lower())
    assert column_below(targets, summary, people) == [2, 194, 26]  # All leaders: at least frontline's 164


def test_unsuppressed_content_is_refused_unless_it_is_for_an_internal_audience() -> None:
    content = small_content()
    content["diversity"]["suppressed"] = False
    with pytest.raises(ValueError, match="internal audience"):
        write("Diversity", content)
    content["diversity"]["disclosure"] = disclosure("internal", 7, "board").as_content()
    book, _ws = write("Diversity", content)
    assert book.workbook["Diversity targets"]


def test_names_not_keys_are_shown(demo_content: dict[str, Any]) -> None:
    book, _ws = write("Diversity", demo_content)
    values = {c.value for sheet in group_sheets(book, "Diversity") for row in sheet.iter_rows() for c in row}
    assert {"Ethnicity (WRES groups)", "Black and minority ethnic (BME)", "Senior leaders", "All staff",
            "All leaders"} <= values
    assert not {"ethnicity", "bme", "senior"} & values


@pytest.mark.parametrize("audience", ["internal", "published"])
def test_the_demo_reports_the_board_three_ways(demo_contents: dict[str, dict[str, Any]], audience: str) -> None:
    """WRES indicator 9 and WDES metric 10 for the whole board, its voting and its executive members:
    the demo's board is public, so the figures are shown to both audiences."""
    _book, ws = write("Diversity indicators", demo_contents[audience])
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    for characteristic, standard in (("Ethnicity (WRES groups)", "WRES indicator 9"),
                                     ("Disability", "WDES metric 10")):
        board = {row[1]: row for row in rows if row and row[0] == characteristic and row[-1] == standard}
        assert set(board) == {"Board", "Board (voting members)", "Board (executive members)"}
        assert all(isinstance(row[3], float) for row in board.values())
    indicators = next(r for r in demo_contents[audience]["diversity"]["representation"]
                      if r["characteristic"] == "ethnicity")["indicators"]
    # The demo's board: 6 executive directors with a vote (1 BME), 2 without, 7 non-executives (1 BME).
    assert indicators["board_membership"]["voting"]["members"] == 13
    assert indicators["board_membership"]["voting"]["count"] == 2
    assert indicators["board_membership"]["executive"]["members"] == 8
    assert indicators["board_membership"]["executive"]["count"] == 1


def test_without_board_member_types_the_sheet_gives_the_reason() -> None:
    content = small_content()
    indicators = content["diversity"]["representation"][0]["indicators"]
    indicators |= {"board_membership": None, "board_membership_note": None}
    _book, ws = write("Diversity indicators", content)
    values = {c for row in ws.iter_rows(values_only=True) for c in row}
    assert ("Voting and executive membership not recorded: import a staff extract with a board member type "
            "column") in values


def test_a_membership_count_the_rule_withholds_is_withheld_on_the_sheet() -> None:
    content = small_content()
    content["diversity"]["disclosure"] = disclosure("published", 7, "").as_content()
    indicators = content["diversity"]["representation"][0]["indicators"]
    indicators["board_membership"] = {
        key: {"group": "bme", "gap_points": 5.0, "share": 0.25, "count": 3, "members": 12, "suppressed": False}
        for key in ("voting", "executive")}
    _book, ws = write("Diversity indicators", content)
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    assert [row[3] for row in rows if len(row) > 3 and "members)" in str(row[1])] == ["*", "*"]


def test_the_disability_indicators_are_named_as_wdes_metrics() -> None:
    content = small_content()
    diversity = content["diversity"]
    diversity["names"]["disability"] = {"name": "Disability", "groups": {"disabled": "Disabled",
                                                                       "not_disabled": "Not disabled"}}
    diversity["representation"].append({
        "characteristic": "disability",
        "rows": [{"level": "board", "total": 12, "groups": [_group("disabled", 0, 12), _group("not_disabled", 12, 12)]},
                 {"level": None, "total": 500,
                  "groups": [_group("disabled", 50, 500), _group("not_disabled", 450, 500)]}],
        "benchmarks": {"workforce": {"disabled": 0.1, "not_disabled": 0.9}},
        "indicators": {"focus_group": "disabled", "level_gaps_points": {"board": -10.0},
                       "board_gap_points": -10.0, "relative_likelihood": 1.5},
    })
    _book, ws = write("Diversity indicators", content)
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    disability = [row for row in rows if row and row[0] == "Disability"]
    assert {row[-1] for row in disability} == {"WDES metric 1", "WDES metric 10", "WDES metric 2"}
    assert not any("indicator" in str(c) for row in disability for c in row)
    ethnicity = {row[-1] for row in rows if row and row[0] == "Text"}
    assert "WRES indicator 9" in ethnicity


def test_a_targets_verdict_and_pool_come_from_its_assessment() -> None:
    content = small_content()
    target = content["diversity"]["targets"][1]  # all leaders, its starting count shown
    target.update({"assessment": "needs_wider_pipeline", "feasible": True, "earliest_year": None, "problems": [],
                   "pipeline_share": 0.2, "pipeline_withheld": False, "pipeline_source": "baseline", "pool": None,
                   "pool_name": "the whole workforce"})
    book, ws = write("Diversity targets", content)
    summary, headings = next((top, h) for top, h in tables(ws) if "Can it be met?" in h.values())
    columns = {heading: column for column, heading in headings.items()}
    assert column_below(ws, summary, columns["Can it be met?"])[1] == "Needs a wider pool"
    assert column_below(ws, summary, columns["Group's share of the pool"])[1] == 0.2
    notes = [c.value for row in ws.iter_rows() for c in row if c.style == "Pack note"]
    assert ("20.0% of the whole workforce are Text, from the baseline. Needs 40.0% of appointments to leadership "
            "posts; the pool it draws from (the whole workforce) is 20.0% Text: only reachable if the pool itself "
            "widens, through development, outreach or positive action.") in notes
    assert "Yes" not in column_below(ws, summary, columns["Can it be met?"])
    target.update({"pipeline_share": None, "pipeline_withheld": True})
    book, ws = write("Diversity targets", content)
    summary, headings = next((top, h) for top, h in tables(ws) if "Can it be met?" in h.values())
    columns = {heading: column for column, heading in headings.items()}
    assert column_below(ws, summary, columns["Group's share of the pool"])[1] == "*"


# --- diversity: charts ----------------------------------------------------------------------------


def test_each_target_has_a_line_chart_of_its_trajectory_against_the_target(
        demo_content: dict[str, Any], internal_demo_content: dict[str, Any]) -> None:
    assert write("Diversity targets", demo_content)[1]._charts == []  # the demo's targets start withheld
    _book, ws = write("Diversity targets", internal_demo_content)
    charts = ws._charts
    assert len(charts) == len(internal_demo_content["diversity"]["targets"]) == 3
    for chart, target in zip(charts, internal_demo_content["diversity"]["targets"], strict=True):
        assert isinstance(chart, LineChart)
        assert "projected share against the target" in title_text(chart)
        assert chart.y_axis.number_format.formatCode == "0%" and chart.y_axis.title and chart.x_axis.title
        projected, flat = chart.series
        assert cells_of(projected.val.numRef.f, ws) == [p["share"] for p in target["trajectory"]]
        assert set(cells_of(flat.val.numRef.f, ws)) == {target["target_share"]}
        assert cells_of(projected.cat.numRef.f, ws) == [p["year"] for p in target["trajectory"]]


def test_no_more_than_four_target_charts() -> None:
    content = small_content()
    content["diversity"]["targets"] = [dict(content["diversity"]["targets"][1], id=n) for n in range(6)]
    _book, ws = write("Diversity targets", content)
    assert len(ws._charts) == 4
    notes = [str(c.value) for row in ws.iter_rows() for c in row if c.style == "Pack note"]
    assert any("first 4 targets" in n for n in notes)


# --- competencies -------------------------------------------------------------------------------


def test_the_gap_heatmap_is_coloured_white_to_red_over_the_share_cells(demo_content: dict[str, Any]) -> None:
    _book, ws = write("Competency heatmap", demo_content)
    formats = list(ws.conditional_formatting)
    assert len(formats) == 1
    (cells,) = [str(r) for r in formats[0].sqref.ranges]
    rule = formats[0].rules[0]
    assert rule.type == "colorScale"
    assert [c.rgb[-6:] for c in rule.colorScale.color] == ["FFFFFF", "F8696B"]
    min_col, min_row, max_col, max_row = range_boundaries(cells)
    levels = [lv["name"] for lv in demo_content["levels"]]
    assert [ws.cell(row=min_row - 1, column=c).value for c in range(min_col, max_col + 1)] == levels
    assert max_row - min_row + 1 == len(demo_content["competencies"]["competencies"])
    shares = [ws.cell(row=r, column=c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
    assert all(c.value is None or (is_number(c.value) and 0 <= c.value <= 1 and "%" in c.number_format)
               for c in shares)
    assert sum(c.value is not None for c in shares) == len(demo_content["competencies"]["gaps"])


def test_competencies_by_name_with_gaps_largest_first_and_the_plan() -> None:
    book, ws = write("Competency gaps", small_content())
    gaps = next(top for top, h in tables(ws) if "Share below" in h.values())
    assert column_below(ws, gaps, 7) == [0.75, 0.25]  # the gap nobody is below is left out
    assert column_below(ws, gaps, 2) == ["Text", "Text"]  # level names
    ws = book.workbook["Competency plan"]
    found = dict((h.get(1), top) for top, h in tables(ws))
    plan = found["Intervention"]
    assert [ws.cell(row=plan + 1, column=c).value for c in range(2, 7)] == ["Coaching", "2027 to 2028", 10, 1200.0,
                                                                             12000.0]
    assert ws.cell(row=plan + 1, column=6).number_format == '"£"#,##0'
    cost = next(top for top, h in tables(ws) if list(h.values()) == ["Year", "Cost"])
    assert column_below(ws, cost, 1) == [2027, 2028, "Total"] and column_below(ws, cost, 2)[-1] == 24000.0


# --- self-assessment ----------------------------------------------------------------------------


def test_self_assessment_results_and_the_five_response_rule() -> None:
    content = small_content()
    content["self_assessment"][0]["items"][0]["text"] = "Calm"
    content["self_assessment"][0]["items"][1]["text"] = "Split"
    book, ws = write("Self-assessment", content)
    values = [c.value for row in ws.iter_rows() for c in row]
    sheet = book.workbook["Self-assessment statements"]
    statements = next(top for top, h in tables(sheet) if h.get(1) == "Statement")
    assert column_below(sheet, statements, 1) == ["Split", "Calm"]  # most disagreement (largest SD) first
    assert any(str(v).startswith("Results are withheld until five people have answered") for v in values)
    assert any(str(v).startswith("Fewer than five responses") for v in values)
    difference = next(top for top, _h in tables(ws)
                      if str(ws.cell(row=top - 1, column=1).value).startswith("Difference"))
    assert column_below(ws, difference, 3) == [0.5, 0.0]
    share = next(top for top, h in tables(ws) if h.get(1) == "Dimension")
    assert ws.cell(row=share + 1, column=4).number_format == "0.0%"


# --- objectives ---------------------------------------------------------------------------------


def test_the_cascade_folds_by_depth_with_rag_fills_and_smart_flags() -> None:
    content = small_content()
    book, _ws = write("Objectives", content)
    ws = reloaded(book, "Objectives")
    header = header_row(ws)
    rows = content["objectives"]["rows"]
    assert [ws.row_dimensions[header + 1 + i].outlineLevel for i in range(len(rows))] == [r["depth"] for r in rows]
    assert ws.sheet_properties.outlinePr.summaryBelow is False
    assert [ws.cell(row=header + 1 + i, column=2).alignment.indent for i in range(len(rows))] == [0, 2, 4, 2]
    rag = [ws.cell(row=header + 1 + i, column=10) for i in range(len(rows))]
    assert [c.value for c in rag] == ["Green", "Amber", "Red", "Not rated"]
    assert [c.fill.fgColor.rgb[-6:] for c in rag[:3]] == [RAG_FILLS["green"], RAG_FILLS["amber"], RAG_FILLS["red"]]
    assert rag[3].fill.fill_type is None
    smart = reloaded(book, "Objectives SMART check")
    top = header_row(smart)
    assert [smart.cell(row=top + 1 + i, column=1).value for i in range(len(rows))] == [r["ref"] for r in rows]
    flags = [[smart.cell(row=top + 1 + i, column=c).value for c in range(3, 8)] for i in range(len(rows))]
    assert flags[0] == ["✓", "✗", "✓", "✓", "✓"] and flags[1] == ["✓"] * 5 and flags[2][4] == "✗"
    assert smart.cell(row=top + 3, column=8).value == "Measurable: add a measure. Time-bound: add a due date."
    due = ws.cell(row=header + 1, column=7)
    assert due.value.date() == date(2031, 3, 31) and due.number_format == "d mmm yyyy"
    assert ws.cell(row=header + 2, column=8).value == 0.5 and ws.cell(row=header + 2, column=8).number_format == "0.0%"


def test_the_demo_cascade_outline_matches_its_depths(demo_content: dict[str, Any]) -> None:
    _book, ws = write("Objectives", demo_content)
    header = header_row(ws)
    rows = demo_content["objectives"]["rows"]
    assert [ws.cell(row=header + 1 + i, column=1).value for i in range(len(rows))] == [r["ref"] for r in rows]
    assert [ws.row_dimensions[header + 1 + i].outlineLevel for i in range(len(rows))] == [r["depth"] for r in rows]


def test_a_bar_chart_counts_objectives_by_rag(demo_content: dict[str, Any]) -> None:
    _book, ws = write("Objectives by RAG", demo_content)
    (chart,) = ws._charts
    assert isinstance(chart, BarChart) and title_text(chart) == "Objectives by RAG status"
    (series,) = chart.series
    counts = cells_of(series.val.numRef.f, ws)
    assert all(is_number(v) for v in counts) and sum(counts) == len(demo_content["objectives"]["rows"])
    assert cells_of(series.cat.strRef.f, ws) == ["Red", "Amber", "Green", "Not rated"]
    rags = [r["rag"] for r in demo_content["objectives"]["rows"]]
    assert counts == [rags.count("red"), rags.count("amber"), rags.count("green"), rags.count(None)]


# --- unowned gaps ----------------------------------------------------------------------------------


def test_unowned_gaps_are_listed_with_competency_names(demo_content: dict[str, Any]) -> None:
    _book, ws = write("Unowned gaps", demo_content)
    header = header_row(ws)
    labels = column_below(ws, header, 2)
    assert len(labels) == len(demo_content["objectives"]["unowned"])
    # Competency gaps are named as people know them, never by key (the exact shares depend on the
    # demo's generated assessments, which the database may hand back in another order).
    names = {c["name"] for c in demo_content["competencies"]["competencies"]}
    gaps = [label for label in labels if label.endswith("below the required step")]
    assert gaps and all(label.split(" at ")[0] in names for label in gaps)
    assert not any("hlm-" in label or "clf-" in label for label in labels)
    assert "no objective is linked to yet" in str(ws["A2"].value)


def test_with_no_unowned_gaps_the_sheet_says_every_gap_has_an_owner() -> None:
    content = small_content()
    content["objectives"]["unowned"] = []
    _book, ws = write("Unowned gaps", content)
    assert "has at least one objective linked to it" in str(ws["A2"].value)
    assert tables(ws) == []
