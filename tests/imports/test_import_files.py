"""Each kind of file and encoding, headings however they are spelled, the mapping, and sheets."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest

from planner.imports import ImportResult, read_mapping, read_staff_extract

AREAS = {"ED": "ED", "Emergency Department": "ED", "SIAN": "SIAN", "Ward Siân Phillips": "SIAN", "£ Finance": "FIN",
         "FIN": "FIN"}
BANDS = {"6": "frontline", "7": "frontline", "8a": "middle", "8b": "middle", "VSM": "senior",
         "Board - Executive": "board"}
AS_AT = date(2025, 3, 31)
HEADINGS = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability",
            "Date of Birth"]
ROWS = [
    ["1001", "ED", "Band 5", "N", "1", "A White - British", "F", "No", "17/05/1980"],
    ["1002", "Emergency Department", "Band 8a", "Y", "0.8", "H Asian or Asian British - Indian", "M", "Yes",
     "1990-01-02"],
    ["1003", "Ward Siân Phillips", "8A", "Y", "1", "Z", "Female", "Not Declared", ""],
    ["1004", "£ Finance", "VSM", "Y", "0.5", "n", "", "Prefer Not To Answer", "01/01/1960"],
]


def read(data: bytes, filename: str, **kwargs: Any) -> ImportResult:
    return read_staff_extract(data, filename, areas=AREAS, band_levels=BANDS, as_at=AS_AT, **kwargs)


def as_csv(rows: list[list[str]], *, sep: str = ",", newline: str = "\r\n") -> str:
    return newline.join(sep.join(f'"{c}"' if sep in c or '"' in c else c for c in row) for row in rows) + newline


def as_xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPECTED_STAFF = {"ED": 2, "FIN": 1, "SIAN": 1}
EXPECTED_LEADERS = {("ED", "middle"): 1, ("FIN", "senior"): 1, ("SIAN", "middle"): 1}


def check_the_four_rows(result: ImportResult, kind: str) -> None:
    assert result.file_kind == kind
    assert result.problems == [] and result.importable
    assert (result.rows_read, result.rows_skipped) == (4, 0)
    assert result.staff == EXPECTED_STAFF
    assert result.fte == pytest.approx({"ED": 1.8, "FIN": 0.5, "SIAN": 1.0})
    assert result.leaders == EXPECTED_LEADERS
    d = result.diversity
    assert d[("ED", None, "ethnicity", "white")] == 1 and d[("ED", None, "ethnicity", "bme")] == 1
    assert d[("ED", "middle", "ethnicity_ons", "asian")] == 1
    assert d[("FIN", "senior", "ethnicity_ons", "black")] == 1
    assert d[("SIAN", None, "sex", "female")] == 1 and d[("FIN", None, "sex", "not_stated")] == 1
    assert d[("ED", "middle", "disability", "disabled")] == 1
    assert d[("SIAN", "middle", "age_band", "unknown")] == 1
    assert d[("ED", None, "age_band", "35_44")] == 2 and d[("FIN", None, "age_band", "65_plus")] == 1
    assert all(n > 0 for n in d.values())


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""),
                                                  ("utf-16", b"")])
def test_csv_in_each_encoding(encoding: str, prefix: bytes) -> None:
    data = prefix + as_csv([HEADINGS, *ROWS]).encode(encoding)
    check_the_four_rows(read(data, "staff.csv"), "csv")


def test_windows_1252_really_differs_from_utf8_here() -> None:
    data = as_csv([HEADINGS, *ROWS]).encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_csv_with_semicolons_or_tabs(sep: str) -> None:
    check_the_four_rows(read(as_csv([HEADINGS, *ROWS], sep=sep).encode(), "staff.txt"), "csv")


def test_csv_with_unix_line_ends_and_blank_lines() -> None:
    text = as_csv([HEADINGS, *ROWS[:2]], newline="\n") + "\n\n" + as_csv(ROWS[2:], newline="\n")
    check_the_four_rows(read(text.encode(), "staff.csv"), "csv")


def test_xlsx_first_sheet() -> None:
    data = as_xlsx({"Staff": [HEADINGS, *ROWS], "Notes": [["nothing"]]})
    check_the_four_rows(read(data, "staff.xlsx"), "xlsx")


def test_xlsx_named_sheet_with_numbers_and_dates_as_excel_keeps_them() -> None:
    rows = [[int(r[0]), r[1], r[2], r[3], float(r[4]), *r[5:8], r[8]] for r in ROWS]
    rows[0][8] = date(1980, 5, 17)
    data = as_xlsx({"Cover": [["Staff in post, March 2025"]], "Extract": [HEADINGS, *rows]})
    check_the_four_rows(read(data, "staff.xlsx", sheet="Extract"), "xlsx")
    check_the_four_rows(read(data, "staff.xlsx", sheet=" extract "), "xlsx")


def test_the_kind_is_judged_by_content_not_the_name() -> None:
    data = as_xlsx({"Staff": [HEADINGS, *ROWS]})
    check_the_four_rows(read(data, "staff.csv"), "xlsx")
    check_the_four_rows(read(as_csv([HEADINGS, *ROWS]).encode(), "no-extension"), "csv")


@pytest.mark.parametrize("headings", [
    ["assignment number", "AREA", "pay band", "LEADER", "fte", "ethnic origin", "SEX", "disability", "date of birth"],
    ["Assignment_Number", "Area:", "Pay-Band", "Leader?", "F.T.E.", "Ethnic  Origin", "Gender", "Disability",
     "Date-of-Birth"],
    [" AssignmentNumber ", "area", "PAYBAND", "Leader", "WTE", "Ethnicity", "gender", "DISABILITY", "DOB"],
])
def test_headings_in_any_case_spacing_or_punctuation(headings: list[str]) -> None:
    result = read(as_csv([headings, *ROWS]).encode(), "staff.csv")
    check_the_four_rows(result, "csv")
    assert result.ignored_columns == []
    assert result.columns["Pay Band"] == headings[2].strip()


def test_extra_columns_are_ignored_and_listed() -> None:
    headings = ["Surname", *HEADINGS[:3], "National Insurance Number", *HEADINGS[3:], "Religion"]
    rows = [["Jones", *r[:3], "QQ123456C", *r[3:], "None"] for r in ROWS]
    result = read(as_csv([headings, *rows]).encode(), "staff.csv")
    check_the_four_rows(result, "csv")
    assert result.ignored_columns == ["Surname", "National Insurance Number", "Religion"]
    assert "Jones" not in repr(result) and "QQ123456C" not in repr(result)


def test_title_lines_above_the_headings() -> None:
    text = as_csv([["Staff in post report"], ["Run 31/03/2025"], [], HEADINGS, *ROWS])
    result = read(text.encode(), "staff.csv")
    check_the_four_rows(result, "csv")
    bad = text.replace("ED,Band 5", "Nowhere,Band 5")
    assert read(bad.encode(), "staff.csv").problems[0].row == 5  # rows as a spreadsheet numbers them


def test_a_mapping_names_other_headings() -> None:
    headings = ["Assignment", "Cost Centre Name", "Grade", "Is Leader", "Contracted WTE", "Ethnic Origin",
                "Legal Sex", "Disabled?", "Birth Date", "Area"]
    rows = [[*r, "ignored"] for r in ROWS]
    mapping = {"Area": "Cost Centre Name", "Pay Band": "grade", "Leader": "Is Leader", "FTE": "Contracted WTE",
               "Sex": "Legal Sex", "Date of Birth": "Birth Date"}
    result = read(as_csv([headings, *rows]).encode(), "staff.csv", mapping=mapping)
    check_the_four_rows(result, "csv")
    assert result.ignored_columns == ["Area"]  # mapped away from the column of the same name
    assert result.columns["Area"] == "Cost Centre Name"


def test_a_mapping_file_is_read_and_checked() -> None:
    assert read_mapping(b'\xef\xbb\xbf{"Area": "Cost Centre", "gender": "Legal Sex"}') == {
        "Area": "Cost Centre", "Sex": "Legal Sex"}


def test_without_optional_columns_there_are_no_counts_for_them() -> None:
    rows = [[r[1], r[2]] for r in ROWS]
    result = read(as_csv([["Area", "Pay Band"], *rows]).encode(), "staff.csv")
    assert result.staff == EXPECTED_STAFF and result.fte == {"ED": 0.0, "FIN": 0.0, "SIAN": 0.0}
    # Without a Leader column, everyone on a leadership band leads at that band's level.
    assert result.leaders == {("ED", "middle"): 1, ("FIN", "senior"): 1, ("SIAN", "middle"): 1}
    assert result.diversity == {}
    assert result.missing_characteristics == ["ethnicity", "ethnicity_ons", "sex", "disability", "age_band"]


def test_age_column_gives_age_bands_when_there_is_no_date_of_birth() -> None:
    rows = [["ED", "5", "23"], ["ED", "6", "44"], ["ED", "6", ""]]
    result = read(as_csv([["Area", "Pay Band", "Age"], *rows]).encode(), "staff.csv")
    assert {k[3]: n for k, n in result.diversity.items() if k[1] is None} == {
        "under_25": 1, "35_44": 1, "unknown": 1}
    assert result.leaders == {("ED", "frontline"): 2}


@pytest.mark.parametrize("spelling", ["Band 8a", "8a", "8A", "band 8 - range a", "Band 8 Range A", "AfC Band 8a"])
def test_band_spellings(spelling: str) -> None:
    result = read(as_csv([["Area", "Pay Band"], ["ED", spelling]]).encode(), "staff.csv")
    assert result.leaders == {("ED", "middle"): 1}


@pytest.mark.parametrize(("spelling", "level"), [
    ("VSM", "senior"), ("Very Senior Manager", "senior"), ("Board - Executive", "board"),
    ("board executive", "board"), ("Board - Non-Executive", None), ("5", None), ("9", None),
])
def test_named_bands_and_staff_only_bands(spelling: str, level: str | None) -> None:
    result = read(as_csv([["Area", "Pay Band"], ["ED", spelling]]).encode(), "staff.csv")
    assert result.problems == [] and result.staff == {"ED": 1}
    assert result.leaders == ({("ED", level): 1} if level else {})


def test_xlsx_rows_are_numbered_as_excel_shows_them_when_the_sheet_starts_lower_down() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.cell(row=2, column=2, value="Staff in post")
    for column, heading in enumerate(["Area", "Pay Band"], start=2):
        sheet.cell(row=4, column=column, value=heading)
    for row, (area, band) in enumerate([("ED", "5"), ("Nowhere", "6"), ("ED", "Band 99")], start=5):
        sheet.cell(row=row, column=2, value=area)
        sheet.cell(row=row, column=3, value=band)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read(buffer.getvalue(), "staff.xlsx")
    assert [(p.row, p.column, p.kind) for p in result.problems] == [(6, "Area", "unknown area"),
                                                                   (7, "Pay Band", "unknown band")]
    assert result.staff == {"ED": 1}
