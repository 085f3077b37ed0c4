"""The leavers extract (evidence.md): read like the staff extract, every problem by row and column, all or
nothing, rows outside the one-year period refused, moves inside the organisation not counted, and only
counts kept."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest

from planner.evidence import LeaverGroup
from planner.imports import ImportRefused, Limits
from planner.imports.leavers import LeaversResult, is_move, read_leavers_extract

AREAS = {"MED": "MED", "Medicine": "MED", "SUR": "SUR", "Surgery": "SUR", "Siân's Ward": "SW"}
BANDS = {"8a": "middle", "8b": "middle", "8d": "senior", "7": "frontline"}
START, END = date(2025, 4, 1), date(2026, 3, 31)
HEADINGS = ["Assignment Number", "Full Name", "Area", "Pay Band", "Leader", "Leaving Date", "Reason for Leaving",
            "Date of Birth", "Age Band"]
GOOD_ROWS = [
    ["10001", "Ann Example", "MED", "Band 8a", "Y", "01/04/2025", "Retirement Age", "", "55-64"],
    ["10002", "Bob Example", "Medicine", "8A", "Y", "31/03/2026", "Voluntary Resignation - Work Life Balance", "",
     "35 to 44"],
    ["10003", "Cat Example", "SUR", "Band 8d", "Y", "15/10/2025", "Flexi Retirement", "", "65 and over"],
    ["10004", "Dan Example", "SUR", "Band 5", "N", "15/10/2025", "Retirement Age", "", "56-60"],
    ["10005", "Eve Example", "SUR", "Band 7", "N", "2025-06-30", "Employee Transfer", "", ""],
    ["10006", "Fay Example", "MED", "Band 8a", "Y", "30/06/2025", "Voluntary Resignation - Work Life Balance", "",
     "under 25"],
]


def csv_bytes(rows: list[list[str]], headings: list[str] = HEADINGS, encoding: str = "utf-8") -> bytes:
    lines = [",".join(headings)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[Any]], headings: list[str] = HEADINGS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes, filename: str = "leavers.csv", **changes: Any) -> LeaversResult:
    options: dict[str, Any] = {"areas": AREAS, "band_levels": BANDS, "period_start": START, "period_end": END}
    options.update(changes)
    return read_leavers_extract(data, filename, **options)


def refusal(data: bytes, filename: str = "leavers.csv", **changes: Any) -> str:
    with pytest.raises(ImportRefused) as caught:
        read(data, filename, **changes)
    return caught.value.message


def problems(result: LeaversResult) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.kind) for p in result.problems]


EXPECTED = {
    LeaverGroup("MED", "middle", True, "Retirement Age", "55_64"): 1,
    LeaverGroup("MED", "middle", True, "Voluntary Resignation - Work Life Balance", "35_44"): 1,
    LeaverGroup("MED", "middle", True, "Voluntary Resignation - Work Life Balance", "under_25"): 1,
    LeaverGroup("SUR", "senior", True, "Flexi Retirement", "65_plus"): 1,
    LeaverGroup("SUR", None, False, "Retirement Age", "55_64"): 1,
}


def test_a_good_extract_is_counted_by_area_level_leader_reason_and_age_band() -> None:
    result = read(csv_bytes(GOOD_ROWS))
    assert result.importable and result.rows_read == 6
    assert dict(result.counts) == EXPECTED
    assert result.leavers == 5 and result.moves == 1  # the employee transfer is read, checked and not counted
    assert result.ignored_columns == ("Full Name",)
    assert result.period.text() == "1 April 2025 to 31 March 2026"


def test_a_workbook_gives_the_same_counts_with_real_dates_and_numbers() -> None:
    rows: list[list[Any]] = [[*row] for row in GOOD_ROWS]
    rows[0][5] = datetime(2025, 4, 1)
    rows[1][5] = date(2026, 3, 31)
    rows[0][0] = 10001  # a number cell
    result = read(xlsx_bytes(rows), "leavers.xlsx")
    assert result.file_kind == "xlsx" and dict(result.counts) == EXPECTED


def test_nothing_but_counts_is_kept() -> None:
    result = read(csv_bytes(GOOD_ROWS))
    kept = repr(result)
    for private in ("Example", "10001", "10006", "30/06", "2025, 6, 30", "2025, 10, 15", "2026, 3, 31)"):
        assert private not in kept.replace("end=datetime.date(2026, 3, 31)", "")


def test_headings_are_matched_as_the_staff_extracts_are_with_esr_names_and_title_rows() -> None:
    headings = ["AREA", "grade", "Termination Date", "Leaving Reason", "Age"]
    rows = [["MED", "Band 8b", "12-May-2025", "Retirement - Ill Health", "61"]]
    data = b"Leavers report\r\nRun 1 April 2026\r\n\r\n" + csv_bytes(rows, headings)
    result = read(data)
    assert dict(result.counts) == {LeaverGroup("MED", "middle", True, "Retirement - Ill Health", "55_64"): 1}
    assert result.columns == {"Area": "AREA", "Pay Band": "grade", "Leaving Date": "Termination Date",
                              "Reason for Leaving": "Leaving Reason", "Age": "Age"}


def test_a_mapping_names_the_files_own_headings() -> None:
    headings = ["Cost Centre", "Grade Code", "Left On", "Why"]
    rows = [["SUR", "8d", "01/01/2026", "Dismissal - Conduct"]]
    result = read(csv_bytes(rows, headings),
                  mapping={"Area": "Cost Centre", "Pay Band": "Grade Code", "Leaving Date": "Left On",
                           "Reason for Leaving": "Why"})
    assert dict(result.counts) == {LeaverGroup("SUR", "senior", True, "Dismissal - Conduct"): 1}
    assert refusal(csv_bytes(rows, headings), mapping={"Surname": "Why"}).startswith(
        "The mapping names 'Surname', which is not one of the columns (Assignment Number, Area, Pay Band,")


@pytest.mark.parametrize("missing", ["Area", "Pay Band", "Leaving Date", "Reason for Leaving"])
def test_a_file_without_a_required_column_is_refused_naming_it(missing: str) -> None:
    headings = [h for h in HEADINGS if h != missing]
    rows = [[cell for h, cell in zip(HEADINGS, GOOD_ROWS[0], strict=True) if h != missing]]
    assert refusal(csv_bytes(rows, headings)) == f"The file has no '{missing}' column (or a column mapped to it)."


def test_every_problem_is_reported_by_row_and_column_and_nothing_is_counted() -> None:
    rows = [
        GOOD_ROWS[0],
        ["20001", "x", "", "Band 8z", "Maybe", "", "", "", ""],
        ["20002", "x", "Cardiology", "", "Y", "32/13/2025", "Retirement Age", "", "61-65"],
        ["20003", "x", "MED", "Band 5", "Y", "31/03/2025", "Dismissal", "", "two hundred"],
        ["10001", "x", "MED", "Band 8a", "Y", "01/04/2026", "Dismissal", "01/01/2020", ""],
    ]
    result = read(csv_bytes(rows))
    assert not result.importable and result.counts == {}
    assert problems(result) == [
        (3, "Area", "missing value"), (3, "Pay Band", "unknown band"), (3, "Leader", "bad code"),
        (3, "Leaving Date", "missing value"), (3, "Reason for Leaving", "missing value"),
        (4, "Area", "unknown area"), (4, "Pay Band", "missing value"), (4, "Leaving Date", "bad date"),
        (4, "Age Band", "bad age"),
        (5, "Leader", "not a leadership band"), (5, "Leaving Date", "outside the period"), (5, "Age Band", "bad age"),
        (6, "Leaving Date", "outside the period"), (6, "Date of Birth", "bad age"),
        (6, "Assignment Number", "duplicate assignment"),
    ]
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert messages[(4, "Age Band")] == (
        "'61-65' spans two of the planner's age bands (under 25, 25-34, 35-44, 45-54, 55-64, 65 and over): give "
        "the age or date of birth instead, or the planner's bands.")
    assert messages[(5, "Leaving Date")] == "31 March 2025 is outside the period, 1 April 2025 to 31 March 2026."
    assert messages[(4, "Leaving Date")] == "'32/13/2025' is not a date (such as 31/03/2026)."
    assert messages[(6, "Assignment Number")] == "This assignment number is also on row 2."
    assert "01/01/2020" not in messages[(6, "Date of Birth")]  # a date of birth is never repeated
    assert result.problem_totals == {"unknown area": 1, "unknown band": 1, "bad code": 1, "not a leadership band": 1,
                                     "missing value": 4, "bad date": 1, "outside the period": 2, "bad age": 3,
                                     "duplicate assignment": 1}


def test_a_move_inside_the_organisation_with_a_problem_is_still_reported() -> None:
    result = read(csv_bytes([["1", "x", "Nowhere", "Band 7", "N", "01/05/2025", "Employee Transfer", "", ""]]))
    assert problems(result) == [(2, "Area", "unknown area")] and result.moves == 0


@pytest.mark.parametrize(("left", "inside"), [
    ("01/04/2025", True), ("31/03/2026", True), ("31/03/2025", False), ("01/04/2026", False),
    ("2025-04-01 00:00:00", True), ("31-MAR-2026", True)])
def test_leavers_on_either_boundary_day_are_inside_the_period(left: str, inside: bool) -> None:
    result = read(csv_bytes([["1", "x", "MED", "8a", "Y", left, "Dismissal", "", ""]]))
    assert result.importable is inside
    assert result.leavers == (1 if inside else 0)


@pytest.mark.parametrize(("start", "end"), [
    (date(2025, 4, 1), date(2026, 4, 1)), (date(2025, 4, 1), date(2026, 3, 30)),
    (date(2025, 4, 1), date(2025, 9, 30)), (date(2026, 3, 31), date(2025, 4, 1))])
def test_a_period_that_is_not_one_year_less_a_day_is_refused_before_the_file_is_read(start: date, end: date) -> None:
    message = refusal(b"not even a file", period_start=start, period_end=end)
    assert message.startswith("The period must be one year less a day: from ")
    assert "never scaled up or down" in message


def test_a_leap_year_period_ends_the_day_before_its_anniversary() -> None:
    rows = [["1", "x", "MED", "8a", "Y", "29/02/2024", "Dismissal", "", ""]]
    assert read(csv_bytes(rows), period_start=date(2023, 3, 1), period_end=date(2024, 2, 29)).leavers == 1
    assert refusal(csv_bytes(rows), period_start=date(2023, 3, 1), period_end=date(2024, 2, 28)).startswith(
        "The period must be one year less a day: from 1 March 2023 it ends on 29 February 2024, not 28 February")


def test_the_age_band_is_the_one_on_the_leaving_date() -> None:
    rows = [["1", "x", "MED", "8a", "Y", "31/03/2026", "Retirement Age", "01/04/1961", ""],  # 64 the day before 65
            ["2", "x", "MED", "8a", "Y", "31/03/2026", "Retirement Age", "31/03/1961", ""],  # 65 that day
            ["3", "x", "MED", "8a", "Y", "01/04/2025", "Retirement Age", "31/03/1961", ""]]  # 64 a year before
    result = read(csv_bytes(rows))
    assert dict(result.counts) == {LeaverGroup("MED", "middle", True, "Retirement Age", "55_64"): 2,
                                   LeaverGroup("MED", "middle", True, "Retirement Age", "65_plus"): 1}


@pytest.mark.parametrize(("given", "band"), [
    ("57", "55_64"), ("24", "under_25"), ("Under 25", "under_25"), ("<=20 Years", "under_25"), ("26-30", "25_34"),
    ("66-70", "65_plus"), (">=71 Years", "65_plus"), ("65+", "65_plus"), ("45 to 54", "45_54"), ("55_64", "55_64"),
    ("Age 55-64", "55_64"), ("Aged 65 and over", "65_plus"), ("Unknown", "unknown"), ("", "unknown")])
def test_ages_and_age_bands_are_read_as_the_planner_spells_them_and_as_esr_does(given: str, band: str) -> None:
    result = read(csv_bytes([["1", "x", "MED", "8a", "Y", "01/05/2025", "Dismissal", "", given]]))
    assert list(result.counts) == [LeaverGroup("MED", "middle", True, "Dismissal", band)]


@pytest.mark.parametrize("given", ["21-25", "31-35", "61-65", "13", "101", "old", "under 30"])
def test_an_age_band_spanning_two_of_the_planners_or_no_age_at_all_is_a_problem(given: str) -> None:
    result = read(csv_bytes([["1", "x", "MED", "8a", "Y", "01/05/2025", "Dismissal", "", given]]))
    assert problems(result) == [(2, "Age Band", "bad age")]


def test_without_a_leader_column_a_leadership_band_is_a_leader_as_in_the_staff_import() -> None:
    headings = ["Area", "Pay Band", "Leaving Date", "Reason for Leaving"]
    rows = [["MED", "8a", "01/05/2025", "Dismissal"], ["MED", "5", "01/05/2025", "Dismissal"]]
    assert dict(read(csv_bytes(rows, headings)).counts) == {LeaverGroup("MED", "middle", True, "Dismissal"): 1,
                                                            LeaverGroup("MED", None, False, "Dismissal"): 1}


def test_a_job_role_decides_the_level_before_the_band() -> None:
    headings = ["Area", "Pay Band", "Job Role", "Leaving Date", "Reason for Leaving"]
    rows = [["MED", "8d", "Medical Director", "01/05/2025", "Retirement Age"],
            ["MED", "8a", "Staff Nurse", "01/05/2025", "Dismissal"]]
    result = read(csv_bytes(rows, headings), job_role_levels={"Medical Director": "board"})
    assert dict(result.counts) == {LeaverGroup("MED", "board", True, "Retirement Age"): 1,
                                   LeaverGroup("MED", "middle", True, "Dismissal"): 1}


@pytest.mark.parametrize("reason", ["Employee Transfer", "EMPLOYEE TRANSFER - TUPE", "Internal Transfer",
                                    "Redeployment", "Internal move"])
def test_moves_inside_the_organisation_are_not_leavers(reason: str) -> None:
    assert is_move(reason)
    result = read(csv_bytes([["1", "x", "MED", "8a", "Y", "01/05/2025", reason, "", ""]]))
    assert result.importable and result.counts == {} and result.moves == 1


@pytest.mark.parametrize("reason", ["Voluntary Resignation - Promotion", "Retirement Age", "Transfer of Undertakings"
                                    " to another employer"])
def test_a_reason_that_is_not_a_move_counts(reason: str) -> None:
    assert not is_move(reason)


def test_the_reason_is_kept_in_the_extracts_words_with_its_spaces_tidied() -> None:
    result = read(csv_bytes([["1", "x", "MED", "8a", "Y", "01/05/2025", "  Retirement   Age ", "", ""]]))
    assert [group.reason for group in result.counts] == ["Retirement Age"]
    assert next(iter(result.counts)).retirement


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""),
                                               ("utf-16", b"")])
def test_a_file_in_one_encoding_is_read_whole(encoding: str, bom: bytes) -> None:
    rows = [["1", "x", "Siân's Ward", "8a", "Y", "01/05/2025", "Voluntary Resignation – Relocation", "", ""]]
    result = read(bom + csv_bytes(rows, encoding=encoding))
    assert list(result.counts) == [LeaverGroup("SW", "middle", True, "Voluntary Resignation – Relocation")]


def test_a_file_mixing_encodings_is_refused_naming_the_first_bad_line() -> None:
    data = (csv_bytes(GOOD_ROWS[:2]) + "1,x,Siân's Ward,8a,Y,01/05/2025,Dismissal,,\r\n".encode("cp1252")
            + "2,x,Siân's Ward,8a,Y,01/05/2025,Dismissal,,\r\n".encode())
    assert refusal(data) == "Line 4 is not UTF-8 text; save the file as CSV UTF-8 and try again."


def test_the_staff_imports_limits_apply() -> None:
    data = csv_bytes(GOOD_ROWS)
    assert refusal(data, limits=Limits(max_rows=5)) == "The file has more than 5 rows of leavers; the limit is 5."
    assert refusal(data, limits=Limits(max_bytes=100)).startswith("The file is ")
    assert refusal(data, limits=Limits(max_columns=5)) == "Row 1 has 9 columns; the limit is 5."
    assert refusal(data, limits=Limits(max_cell_chars=20)) == "Row 3 has a cell of 41 characters; the limit is 20."
    assert refusal(xlsx_bytes(GOOD_ROWS), "leavers.xlsx", limits=Limits(max_cells=20)).startswith(
        "The file has more than 20 cells")


def test_empty_files_and_files_of_headings_only_are_refused() -> None:
    assert refusal(b"") == "The file is empty."
    assert refusal(csv_bytes([])) == "The file has column headings but no rows of leavers."
    assert refusal(b"%PDF-1.4 nonsense", "leavers.xlsx").startswith("This file is not an Excel workbook")
