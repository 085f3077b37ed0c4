"""Problems in rows: each kind reported by row and column, only the first 100 kept while the totals
count them all, and skipping the rows that have them. Formula-like text is only ever text."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell

from planner.imports import KINDS, ImportResult, RowProblem, read_staff_extract

AREAS = {"ED": "ED", "Emergency Department": "ED", "W1": "W1"}
BANDS = {"8a": "middle", "VSM": "senior"}
HEADINGS = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability", "Age"]
GOOD = ["", "ED", "Band 5", "N", "1", "A", "F", "No", "40"]


def read(data: bytes, filename: str = "staff.csv", **kwargs: Any) -> ImportResult:
    return read_staff_extract(data, filename, areas=AREAS, band_levels=BANDS, as_at=date(2025, 3, 31), **kwargs)


def csv_of(rows: list[list[str]], headings: list[str] = HEADINGS) -> bytes:
    return "\n".join(",".join(row) for row in [headings, *rows]).encode()


def row_with(**changes: str) -> list[str]:
    row = list(GOOD)
    for heading, value in changes.items():
        row[HEADINGS.index(heading.replace("_", " "))] = value
    return row


CASES = [
    ({"Area": "Nowhere"}, "Area", "unknown area", "'Nowhere' is not the code or name of an area in the structure."),
    ({"Area": ""}, "Area", "missing value", "No area is given."),
    ({"Pay_Band": "Band 11"}, "Pay Band", "unknown band",
     "'Band 11' is not an Agenda for Change band, VSM, a board role or a medical or dental grade."),
    ({"Pay_Band": "8"}, "Pay Band", "unknown band",
     "'8' is not an Agenda for Change band, VSM, a board role or a medical or dental grade."),
    ({"Pay_Band": " "}, "Pay Band", "missing value", "No pay band is given."),
    ({"Leader": "Y"}, "Leader", "not a leadership band",
     "Marked as a leader, but this row's pay band is not mapped to a leadership level."),
    ({"Leader": "maybe"}, "Leader", "bad code", "'maybe' is not Y or N."),
    ({"FTE": "2.5"}, "FTE", "bad code", "'2.5' is not a full-time equivalent from 0 to 2."),
    ({"FTE": "full"}, "FTE", "bad code", "'full' is not a full-time equivalent from 0 to 2."),
    ({"Ethnic_Origin": "X7"}, "Ethnic Origin", "bad code",
     "'X7' is not an NHS ethnic category (a code from A to S, or Z for not stated)."),
    ({"Sex": "X7"}, "Sex", "bad code", "'X7' is not one of Female, Male or not stated."),
    ({"Disability": "Sometimes"}, "Disability", "bad code",
     "'Sometimes' is not one of Yes, No, Not Declared or Prefer Not To Answer."),
    ({"Age": "ninety"}, "Age", "bad code", "The age is not a whole number from 14 to 100."),
    ({"Age": "7"}, "Age", "bad code", "The age is not a whole number from 14 to 100."),
]


@pytest.mark.parametrize(("changes", "column", "kind", "message"), CASES)
def test_each_kind_of_problem_is_reported_by_row_and_column(changes: dict[str, str], column: str, kind: str,
                                                            message: str) -> None:
    result = read(csv_of([GOOD, GOOD, row_with(**changes), GOOD]))
    assert result.problems == [RowProblem(row=4, column=column, kind=kind, message=message)]
    assert result.problem_totals == {kind: 1}
    assert not result.importable
    assert (result.rows_read, result.rows_skipped) == (4, 1)
    assert result.staff == {"ED": 3}  # the counts shown in the preview leave the bad row out


def test_every_kind_is_known() -> None:
    assert {kind for _, _, kind, _ in CASES} | {"duplicate assignment"} == set(KINDS)


def test_a_duplicate_assignment_names_the_first_row_not_the_number() -> None:
    rows = [row_with(Assignment_Number="ASG77"), GOOD, row_with(Assignment_Number="asg77 ")]
    result = read(csv_of(rows))
    assert result.problems == [RowProblem(4, "Assignment Number", "duplicate assignment",
                                          "This assignment number is also on row 2.")]
    assert "ASG77" not in repr(result).upper()


def test_the_column_is_the_files_own_heading() -> None:
    result = read(csv_of([row_with(Area="Nowhere")], ["assignment no", "AREA", *HEADINGS[2:]]))
    assert result.problems[0].column == "AREA"


def test_a_row_can_have_several_problems_and_is_skipped_once() -> None:
    result = read(csv_of([row_with(Area="Nowhere", Sex="Q", Disability="?"), GOOD]), skip_bad_rows=True)
    assert [p.column for p in result.problems] == ["Area", "Sex", "Disability"]
    assert result.problem_totals == {"unknown area": 1, "bad code": 2}
    assert (result.rows_read, result.rows_skipped, result.importable) == (2, 1, True)


def test_only_the_first_100_problems_are_kept_and_the_totals_count_all() -> None:
    rows = [row_with(Area=f"Nowhere {i}") if i % 2 else row_with(Sex="Q") for i in range(250)] + [GOOD] * 10
    result = read(csv_of(rows))
    assert len(result.problems) == 100
    assert [p.row for p in result.problems] == list(range(2, 102))
    assert result.problem_totals == {"unknown area": 125, "bad code": 125}
    assert not result.importable
    skipped = read(csv_of(rows), skip_bad_rows=True)
    assert skipped.importable and (skipped.rows_read, skipped.rows_skipped) == (260, 250)
    assert skipped.staff == {"ED": 10} and len(skipped.problems) == 100


def test_skipping_when_every_row_is_bad_is_not_importable() -> None:
    result = read(csv_of([row_with(Area="Nowhere")]), skip_bad_rows=True)
    assert (result.rows_skipped, result.importable) == (1, False)


def test_long_values_are_cut_to_40_characters() -> None:
    result = read(csv_of([row_with(Area="W" * 500)]))
    assert result.problems[0].message == f"'{'W' * 39}…' is not the code or name of an area in the structure."


FORMULAS = ["=CMD()", "+1", "-2", "@SUM(1)", '=HYPERLINK(""http://example.com"";""x"")']


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_in_a_csv_is_only_text(text: str) -> None:
    quoted = f'"{text}"'
    result = read(csv_of([row_with(Area=quoted), row_with(Ethnic_Origin=quoted), row_with(Sex=quoted)]))
    shown = text.replace('""', '"')[:39]
    assert [p.kind for p in result.problems] == ["unknown area", "bad code", "bad code"]
    assert all(p.message.startswith(f"'{shown}") for p in result.problems)


def xlsx_of(rows: list[list[Any]]) -> bytes:
    """A workbook whose string cells are stored as text, even those that start with '='."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Staff")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_formula_text_in_a_workbook_is_only_text() -> None:
    rows = [HEADINGS, row_with(Area="=CMD()"), row_with(Ethnic_Origin="@SUM(1)"), row_with(Sex="+1"),
            row_with(Disability="=HYPERLINK(\"http://example.com\",\"x\")"), GOOD]
    result = read(xlsx_of(rows), "staff.xlsx")
    assert [(p.row, p.kind, p.message[:10]) for p in result.problems] == [
        (2, "unknown area", "'=CMD()' i"), (3, "bad code", "'@SUM(1)' "), (4, "bad code", "'+1' is no"),
        (5, "bad code", "'=HYPERLIN")]
    assert result.staff == {"ED": 1}


def sheet_with_formulas(*rows: str) -> bytes:
    """A workbook whose rows after the headings are the given raw cell XML (formulas with or without values)."""
    source = xlsx_of([["Area", "Pay Band"], ["ED", "5"]])
    body = "".join(f'<row r="{i}">{cells}</row>' for i, cells in enumerate(rows, start=2))
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>Area</t></is></c><c r="B1" t="inlineStr"><is><t>Pay Band</t>'
             f'</is></c></row>{body}</sheetData></worksheet>').encode()
    original = zipfile.ZipFile(io.BytesIO(source))
    name = next(n for n in original.namelist() if n.startswith("xl/worksheets/sheet"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in original.infolist():
            target.writestr(info.filename, sheet if info.filename == name else original.read(info.filename))
    return out.getvalue()


def test_a_formula_with_a_cached_value_gives_that_value_and_is_never_computed() -> None:
    cells = ('<c r="A2" t="str"><f>CONCATENATE("E","D")</f><v>ED</v></c>'
             '<c r="B2"><f>2+3</f><v>5</v></c>')
    result = read(sheet_with_formulas(cells), "staff.xlsx")
    assert result.problems == [] and result.staff == {"ED": 1}


def test_a_formula_without_a_cached_value_reads_as_blank() -> None:
    # Never computed: an area given by a formula Excel never saved a value for is a missing value,
    # and a row whose every cell we read is such a formula is a blank row.
    result = read(sheet_with_formulas(
        '<c r="A2" t="str"><f>CONCATENATE("E","D")</f></c><c r="B2" t="inlineStr"><is><t>5</t></is></c>',
        '<c r="A3" t="str"><f>CONCATENATE("E","D")</f></c><c r="B3"><f>2+3</f></c>',
        '<c r="A4" t="inlineStr"><is><t>ED</t></is></c><c r="B4"><v>5</v></c>',
    ), "staff.xlsx")
    assert [(p.row, p.column, p.kind) for p in result.problems] == [(2, "Area", "missing value")]
    assert (result.rows_read, result.staff) == (2, {"ED": 1})
