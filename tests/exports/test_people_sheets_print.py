"""The people and consultation sheets as printed, checked from the workbook alone (no LibreOffice):
each prints on A4 at no less than Book's smallest scale, every chart sits under the tables in
column A and never beside one, a sheet repeats on its printed pages only the header of its last
table, and headings fit their columns and sit over their figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports import consultation_sheet
from planner.exports import people_sheets as ps
from planner.exports.book import ROW_POINTS, SMALLEST_SCALE, Book, print_scale
from planner.exports.workbook import build_pack
from planner.services.board_pack import pack_content
from tests import factories

GROUPS = ("diversity", "competencies", "self_assessment", "objectives", "unowned", "consultation")
SHEETS = [
    ps.DIVERSITY, ps.INDICATORS, ps.DIVERSITY_TARGETS,
    ps.COMPETENCIES, ps.HEATMAP, ps.COMPETENCY_GAPS, ps.COMPETENCY_PLAN, ps.UNPLANNED,
    ps.SELF_ASSESSMENT, ps.STATEMENTS,
    ps.OBJECTIVES, ps.SMART_CHECK, ps.OBJECTIVES_BY_RAG, ps.UNOWNED,
    consultation_sheet.SHEET, consultation_sheet.HELD_SHEET, consultation_sheet.LOG_SHEET,
]
HEADERS = ("Pack table header", "Pack table header number")
CHART_WIDEST = {"landscape": 24.0, "portrait": 17.0}  # centimetres within the page at the smallest scale


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Book]:
    """The demo trust's pack, with these sheets only, paginated as it is saved."""
    with factories.demo_database(tmp_path_factory.mktemp("people-print")) as (session, strategy, organisation):
        content = pack_content(session, strategy, organisation, prepared_by="Test", today=date(2026, 11, 23))
    yield build_pack(content, sheets=GROUPS)


def sheet(book: Book, title: str) -> Worksheet:
    return book.workbook[title]


def headers(ws: Worksheet) -> list[int]:
    """The header row of every table on the sheet."""
    return [row[0].row for row in ws.iter_rows() if any(c.style in HEADERS and c.value is not None for c in row)]


def width(ws: Worksheet, column: int) -> float:
    return ws.column_dimensions[get_column_letter(column)].width or 8.43


def chart_top_left(chart: Any) -> tuple[int, int]:
    """The chart's anchor cell: (row, column), from 1."""
    if isinstance(chart.anchor, str):
        letters, row = coordinate_from_string(chart.anchor)
        return row, column_index_from_string(letters)
    start = chart.anchor._from  # noqa: SLF001
    return start.row + 1, start.col + 1


def test_the_pack_has_these_sheets_in_order(book: Book) -> None:
    names = book.workbook.sheetnames
    assert [name for name in names if name in SHEETS] == SHEETS
    assert all(len(name) <= 31 for name in SHEETS)


@pytest.mark.parametrize("title", SHEETS)
def test_the_sheet_prints_at_no_less_than_the_smallest_scale(book: Book, title: str) -> None:
    ws = sheet(book, title)
    assert print_scale(ws) >= SMALLEST_SCALE
    if ws.page_setup.orientation == "landscape":  # and within the narrower width planned for every reader's fonts
        used = sum(width(ws, c) for c in range(1, ws.max_column + 1))
        assert used <= ps.PAGE_WIDTH + 1, f"{used} characters wide"


@pytest.mark.parametrize("title", SHEETS)
def test_charts_sit_in_column_a_under_the_tables_not_beside_them(book: Book, title: str) -> None:
    ws = sheet(book, title)
    for chart in ws._charts:  # noqa: SLF001
        row, column = chart_top_left(chart)
        assert column == 1, f"a chart anchored at column {column}, beside a table"
        rows = int(chart.height / 2.54 * 72 / ROW_POINTS) + 1
        beside = [c.coordinate for r in ws.iter_rows(min_row=row, max_row=row + rows) for c in r if c.value is not None]
        assert beside == [], f"cells on the chart's rows: {beside[:5]}"
        assert chart.width <= CHART_WIDEST[ws.page_setup.orientation]


@pytest.mark.parametrize("title", SHEETS)
def test_only_the_last_tables_header_repeats_on_printed_pages(book: Book, title: str) -> None:
    ws = sheet(book, title)
    found = headers(ws)
    if ws.print_title_rows:
        first, last = (int(part) for part in ws.print_title_rows.replace("$", "").split(":"))
        assert first == last and first in found, "the repeated row is a table's header"
        assert [row for row in found if row > first] == [], "no table follows the one whose header repeats"


@pytest.mark.parametrize("title", SHEETS)
def test_headings_fit_their_columns_and_sit_over_their_figures(book: Book, title: str) -> None:
    ws = sheet(book, title)
    for top in headers(ws):
        for cell in ws[top]:
            if cell.style not in HEADERS or not isinstance(cell.value, str) or cell.alignment.text_rotation:
                continue
            column = width(ws, cell.column)
            # No word broken across lines, and every line of the heading shown.
            assert all(ps.wrapped_lines(word, column, bold=True) == 1 for word in cell.value.split()), cell.coordinate
            lines = ps.wrapped_lines(cell.value, column, bold=True)
            assert (ws.row_dimensions[top].height or ROW_POINTS) >= ROW_POINTS * lines, cell.coordinate
            below = ws.cell(row=top + 1, column=cell.column).value
            if isinstance(below, int | float | datetime) and not isinstance(below, bool):
                assert cell.style == "Pack table header number" or cell.alignment.horizontal == "right", (
                    f"{cell.coordinate} {cell.value!r} is not set right over its figures")


@pytest.mark.parametrize("title", SHEETS)
def test_rows_are_tall_enough_for_their_wrapped_text(book: Book, title: str) -> None:
    ws = sheet(book, title)
    for row in ws.iter_rows():
        for cell in row:
            if cell.style in ("Pack text", "Pack paragraph") and isinstance(cell.value, str):
                lines = ps.wrapped_lines(cell.value, width(ws, cell.column), int(cell.alignment.indent or 0))
                if lines > 1:
                    assert cell.alignment.wrap_text, cell.coordinate
                    assert (ws.row_dimensions[cell.row].height or ROW_POINTS) >= ROW_POINTS * lines, cell.coordinate


@pytest.mark.parametrize("title", SHEETS)
def test_a_table_that_repeats_its_header_heads_its_sheet(book: Book, title: str) -> None:
    """So every printed page of the sheet shows the header, and freezing it leaves the window free."""
    ws = sheet(book, title)
    if ws.print_title_rows:
        header = int(ws.print_title_rows.replace("$", "").split(":")[0])
        assert headers(ws) == [header] and header <= 5
        assert ws.freeze_panes == f"A{header + 1}"
