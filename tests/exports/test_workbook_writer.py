"""The pack's quicker ways of writing a workbook give the very bytes openpyxl's own would: the sheets
written in memory with each style's index found once, cells made with their resolved style, and
alignments and fills shared between cells."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

from planner.exports.book import Book, Column
from planner.exports.book_styles import align, fill
from planner.exports.workbook import workbook_bytes


def parts(data: bytes) -> dict[str, bytes]:
    """Each part of an .xlsx but its properties (which hold the time it was saved)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def openpyxl_bytes(workbook: Workbook) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def varied() -> Workbook:
    """Cells of every kind: text (with spaces to keep, and characters XML escapes), numbers, formulas, dates,
    true and false, errors,
    blanks with a style, a link, a comment, merged cells, and styles set one cell at a time."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(["Name", " padded ", 12, 3.25, "=A1&B1", date(2026, 4, 1), datetime(2026, 4, 1, 9, 30), True, None])
    ws.append(["#N/A", "", -4, 1e20, "=SUM(C1:C2)", None, "=", "=A", False])
    ws["A3"].font = Font(bold=True)
    ws["B3"].fill = PatternFill("solid", fgColor="FFE8A3")
    ws["C3"].alignment = Alignment(horizontal="right", indent=2)
    ws["D3"] = "a link"
    ws["D3"].hyperlink = "https://example.org/"
    ws["E3"] = "noted"
    ws["E3"].comment = Comment("A comment", "Someone")
    ws.merge_cells("F3:H3")
    ws["F3"] = "merged"
    ws.append(["Pay <b> & 'terms' > \"ours\"\r\nline two", '=IF(A1<>"",A1&">",0)', "\t tabbed"])
    ws.row_dimensions[5].height = 30  # an empty row with a height
    ws.row_dimensions[4].height = 45  # a row of cells with a height
    workbook.create_sheet("Second")["B2"] = "more"
    return workbook


def test_a_workbook_is_written_as_openpyxl_writes_it() -> None:
    assert parts(workbook_bytes(varied())) == parts(openpyxl_bytes(varied()))  # each made afresh: saving changes it


def test_shared_alignments_and_fills_are_those_set_cell_by_cell() -> None:
    def made(shared: bool) -> bytes:
        workbook = Workbook()
        ws = workbook.active
        for row in range(1, 30):
            cell = ws.cell(row=row, column=1, value=f"row {row}")
            if shared:
                align(cell, horizontal="left", indent=row % 3, wrap_text=True, vertical="top")
                fill(ws.cell(row=row, column=2), "F4C7C3" if row % 2 else "C6E6D0")
            else:
                cell.alignment = Alignment(horizontal="left", indent=row % 3, wrap_text=True, vertical="top")
                ws.cell(row=row, column=2).fill = PatternFill("solid", fgColor="F4C7C3" if row % 2 else "C6E6D0")
        return openpyxl_bytes(workbook)

    assert parts(made(shared=True)) == parts(made(shared=False))


def test_a_book_table_of_every_kind_of_value_is_written_as_openpyxl_writes_it() -> None:
    def made() -> Book:
        book = Book()
        ws = book.sheet("Table")
        rows = [["Plain", 1, 0.5, date(2026, 1, 2), True, None], ["=not a formula", 2, 0.25, None, False, "x" * 70],
                ["new\nline", None, None, datetime(2026, 1, 2, 3, 4), None, "\x07bell"]]
        book.table(ws, 1, [Column("Text"), Column("People", "people"), Column("Share", "percent"),
                           Column("Date"), Column("Flag"), Column("Long")], rows)
        book.formula(ws, 6, 2, "=SUM(B2:B4)", "people")
        return book

    book = made()
    assert parts(workbook_bytes(book.workbook)) == parts(openpyxl_bytes(made().workbook))
    ws = book.workbook["Table"]
    assert ws["A3"].data_type == "s" and ws["A3"].quotePrefix  # text, never a formula
    assert ws["B6"].data_type == "f" and ws["B6"].number_format == "#,##0"
    assert book.control_removed == ["'Table'!F4"]


def test_rows_merged_by_the_book_are_merged_as_openpyxl_merges_them() -> None:
    def made(quick: bool) -> bytes:
        book = Book()
        ws = book.sheet("Merged")
        for row in range(1, 9):  # rows alike, so the book's later merges copy what its first ones made
            first = ws.cell(row=row, column=1, value=f"A note on row {row}")
            first.border = Border(top=Side("thin"), left=Side("thick"), bottom=Side("double"), right=Side("thin"))
            first.protection = Protection(locked=row % 3 == 0)
            if row % 2:  # the last cell's border: openpyxl gives its right and bottom to the first cell
                ws.cell(row=row, column=5).border = Border(right=Side("medium"), bottom=Side("thin"))
            if quick:
                book.merge_across(ws, row, 1, 5)
            else:
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        return openpyxl_bytes(book.workbook)

    assert parts(made(quick=True)) == parts(made(quick=False))
