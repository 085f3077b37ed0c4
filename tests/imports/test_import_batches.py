"""Rows are counted a batch at a time, column by column, with any row that has a problem (or is blank,
short, or on the board) read on its own: the result is exactly what reading every row on its own gives,
problems, their order and the rows skipped included."""

from __future__ import annotations

import csv
import gc
import io
import random
from contextlib import closing
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest

from planner.imports import ImportRefused, ImportResult, read_staff_extract
from planner.imports import staff as staff_module
from planner.imports.columns import find_headings
from planner.imports.files import Limits, csv_rows, kind_of
from planner.imports.rows import Assignments
from planner.imports.staff_tally import Tally
from planner.imports.tally_keys import BirthBands
from planner.imports.workbook import xlsx_rows

AS_AT = date(2025, 3, 31)
AREAS = {"ED": "ED", "Emergency Department": "ED", "W12": "W12", "Ward 12": "W12", "TR": "TR"}
BANDS = {"6": "frontline", "7": "frontline", "8a": "middle", "9": "senior", "Board - Executive": "board",
         "Board - Non-Executive": "board"}
HEADINGS = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability",
            "Date of Birth", "Age", "Board Member Type"]


def _value(rng: random.Random, choices: list[Any], bad: list[Any], odds: float = 0.02) -> Any:
    return rng.choice(bad) if rng.random() < odds else rng.choice(choices)


def generated(count: int, seed: int, *, numbers: bool) -> list[list[Any]]:
    """Rows with every kind of problem now and then, blank and short rows, board members, ages and dates."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    for i in range(count):
        if rng.random() < 0.01:
            rows.append([])  # a blank row
            continue
        band = _value(rng, ["Band 5", "Band 6", " Band 6 ", "7", "8A", "Band 9", "Board - Executive", "Band 2"],
                      ["", "  ", "Band 11"])
        row = [
            _value(rng, [f"{10_000 + i}", f"  {10_000 + i} "], [f"{10_000 + i - 3}", ""], 0.03),
            _value(rng, ["ED", "Emergency Department", " ward 12 ", "W12", "TR"], ["", "   ", "Nowhere"]),
            band,
            _value(rng, ["Y", "N", "", "yes", " y "], ["maybe"]),
            _value(rng, [1.0, 0.8, "0.6", "1", 0.5] if numbers else ["1", "0.8", "0.60", ""], ["3", "x"]),
            _value(rng, ["A", " A ", "B White - Irish", "H", "Z", "Not stated", ""], ["Q", "?"]),
            _value(rng, ["F", "Male", " Male ", "", "female"], ["X"]),
            _value(rng, ["Yes", "No", " No ", "Not Declared", ""], ["Perhaps"]),
            _value(rng, ["17/05/1980", "1975-01-02", "03-MAR-1990", "", "01/01/2001", "29/02/1980", "30/04/1985",
                         " 31/12/1970 "] + ([datetime(1985, 6, 1)] if numbers else []),
                   ["31/02/1980", "29/02/1981", "01/01/2024", "soon"]),
            _value(rng, ["", "", "44", 30] if numbers else ["", "", "44", "30"], ["200", "old"]),
            _value(rng, [""] * 20 + ["Executive (voting)", "Non-executive"], ["Chair?"], 0.01),
        ]
        if rng.random() < 0.02:
            row = row[: rng.randint(2, 8)]  # a short row: the rest read as blank
        rows.append(row)
    return rows


def as_csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADINGS)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def one_row_at_a_time(data: bytes, filename: str) -> dict[str, Any]:
    """The tallies from `Tally.add` on every row in turn: the importer's own rules, without batches."""
    limits = Limits()
    kind = kind_of(data, filename)
    rows = xlsx_rows(data, None, limits) if kind == "xlsx" else csv_rows(data, limits)
    with closing(rows):
        columns = find_headings(rows, {}, empty="")
        tally = Tally(columns, AREAS, BANDS, AS_AT, limits, "board", text_only=kind == "csv")
        for number, row in rows:
            tally.add(number, row)
        tally.finish()
    return {"rows_read": tally.rows_read, "rows_skipped": tally.rows_skipped,
            "staff": dict(sorted(tally.staff.items())),
            "fte": {area: float(tally.fte[area]) for area in sorted(tally.staff)},
            "leaders": dict(sorted(tally.leaders.items())), "diversity": tally.diversity,
            "problems": tally.problems, "totals": tally.totals, "board_members": tally.board_members,
            "board_diversity": tally.board_diversity}


def summary(result: ImportResult) -> dict[str, Any]:
    return {"rows_read": result.rows_read, "rows_skipped": result.rows_skipped, "staff": result.staff,
            "fte": result.fte, "leaders": result.leaders, "diversity": result.diversity,
            "problems": result.problems, "totals": result.problem_totals, "board_members": result.board_members,
            "board_diversity": result.board_diversity}


@pytest.mark.parametrize(("kind", "count", "seed"), [("csv", 5000, 1), ("csv", 4100, 2), ("xlsx", 2500, 3)])
def test_batches_count_exactly_what_one_row_at_a_time_counts(kind: str, count: int, seed: int) -> None:
    rows = generated(count, seed, numbers=kind == "xlsx")
    data = as_csv(rows) if kind == "csv" else as_xlsx(rows)
    result = read_staff_extract(data, f"staff.{kind}", areas=AREAS, band_levels=BANDS, as_at=AS_AT,
                                board_level="board")
    expected = one_row_at_a_time(data, f"staff.{kind}")
    got = summary(result)
    assert got["problems"] == expected["problems"]  # the first 100, in row and column order
    assert got["totals"] == {k: expected["totals"][k] for k in staff_module.KINDS if k in expected["totals"]}
    assert got["diversity"] == expected["diversity"]  # (equal as dictionaries: the result sorts them)
    assert got["board_diversity"] == expected["board_diversity"]
    assert got["board_members"] == expected["board_members"]
    for key in ("rows_read", "rows_skipped", "staff", "fte", "leaders"):
        assert got[key] == expected[key], key
    # The file had every kind of problem, and rows counted around them.
    assert set(result.problem_totals) >= {"unknown area", "unknown band", "bad code", "duplicate assignment",
                                          "missing value"}
    assert result.rows_read - result.rows_skipped > count // 2
    assert result.board_members


def test_the_row_limit_names_the_same_limit_when_rows_are_read_in_batches() -> None:
    data = as_csv([["1", "ED", "Band 6"]] * 3000)
    limits = Limits(max_rows=2500)
    with pytest.raises(staff_module.ImportRefused) as refused:
        read_staff_extract(data, "staff.csv", areas=AREAS, band_levels=BANDS, as_at=AS_AT, limits=limits)
    assert refused.value.message == "The file has more than 2,500 rows of staff; the limit is 2,500."


def test_a_file_of_blank_rows_before_its_headings_is_read_in_one_pass() -> None:
    data = b"\r\n" * 30_000 + b"Area,Pay Band\r\nED,Band 6\r\n"
    assert read_staff_extract(data, "staff.csv", areas=AREAS, band_levels=BANDS, as_at=AS_AT).staff == {"ED": 1}


def test_a_date_of_birth_is_read_in_any_usual_shape() -> None:
    from planner.imports.values import parse_date

    assert parse_date("17/05/1980") == date(1980, 5, 17)
    assert parse_date(" 7/5/1980 ") == date(1980, 5, 7)
    assert parse_date("17/05/ 980") is None
    assert parse_date("31/02/1980") is None
    assert parse_date("17-MAY-1980") == date(1980, 5, 17)


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
def test_a_file_of_many_megabytes_is_read_line_by_line_whatever_its_line_endings(ending: str) -> None:
    rows = "".join(f"{10_000 + i},ED,Band 6,{'x' * 40}{ending}" for i in range(60_000))  # 3 MB
    data = (f"Assignment Number,Area,Pay Band,Job Title{ending}" + rows).encode()
    result = read_staff_extract(data, "staff.csv", areas=AREAS, band_levels=BANDS, as_at=AS_AT)
    assert (result.rows_read, result.staff, result.problem_totals) == (60_000, {"ED": 60_000}, {})


def test_characters_other_programs_take_as_line_breaks_stay_inside_their_cell() -> None:
    data = ("Area,Pay Band,Job Title\r\nED,Band 6,Nurse\u2028Lead\r\nED,Band 6,a\x0cb\x85c\r\n"
            "ED,Band 6,\"two\nlines\"\r\n").encode()
    result = read_staff_extract(data, "staff.csv", areas=AREAS, band_levels=BANDS, as_at=AS_AT)
    assert (result.rows_read, result.staff, result.problem_totals) == (3, {"ED": 3}, {})


def test_assignment_numbers_are_compared_ignoring_case_and_spaces_a_batch_at_a_time() -> None:
    rows = [[f"ZQ{n}", "ED", "Band 5", "N", "1", "A", "F", "No", "17/05/1980", "", ""] for n in range(4500)]
    rows[20][0] = " Zq11 "  # row 13's number (rows are numbered from 2, under the headings), in the same batch
    rows[2500][0] = "zq10"  # row 12's, in a later batch
    rows[3000][0] = "ZQ10X"  # not the same number
    result = read_staff_extract(as_csv(rows), "staff.csv", areas=AREAS, band_levels=BANDS, as_at=AS_AT)
    assert result.problem_totals == {"duplicate assignment": 2}
    assert [(p.row, p.message) for p in result.problems] == [
        (22, "This assignment number is also on row 13."), (2502, "This assignment number is also on row 12.")]
    assert result.rows_read == 4500 and result.rows_skipped == 2


def test_assignment_numbers_of_every_shape_are_found_again_exactly_in_any_batch() -> None:
    rows = [[f"ZQ{n}", "ED", "Band 5", "N", "1", "A", "F", "No", "17/05/1980", "", ""] for n in range(6500)]
    long_number = "L" + "7" * 40  # longer than any kept as it is: kept by its hash
    rows[5][0], rows[6][0] = long_number, "Ñ77"  # rows 7 and 8: a first batch of plain and other numbers
    rows[2100][0] = "zq9"  # row 11's, in a batch of plain numbers only
    rows[4300][0], rows[4301][0] = long_number.lower(), "ñ77"  # rows 7's and 8's again, in a later batch
    rows[4302][0] = "zq10"  # row 12's, in that batch of mixed shapes
    rows[4303][0], rows[4304][0] = "STRASSE1", "straße1"  # the same once case is set aside
    rows[4305][0] = "L" + "7" * 39 + "8"  # as long, but not the same number
    result = read_staff_extract(as_csv(rows), "staff.csv", areas=AREAS, band_levels=BANDS, as_at=AS_AT)
    assert [(p.row, p.message) for p in result.problems] == [
        (2102, "This assignment number is also on row 11."), (4302, "This assignment number is also on row 7."),
        (4303, "This assignment number is also on row 8."), (4304, "This assignment number is also on row 12."),
        (4306, "This assignment number is also on row 4,305.")]
    assert result.problem_totals == {"duplicate assignment": 5}


def test_assignment_numbers_are_not_kept_as_written_while_a_file_is_read() -> None:
    numbers = [f"{20_000_000 + n}" for n in range(2000)]
    kept = Assignments()
    assert kept.repeated(2, numbers) == [] and kept.repeated(2002, numbers[:3]) == [0, 1, 2]
    assert len(kept.first) == 2000
    assert not set(kept.first) & ({n.encode() for n in numbers} | set(numbers))


def test_a_date_of_birth_read_the_quick_way_gives_the_age_band_the_full_reading_gives() -> None:
    for as_at in (date(2025, 3, 31), date(2024, 2, 29), date(2026, 12, 31)):
        reference = BirthBands(as_at)
        for text in [f"{d:02d}/{m:02d}/{y}" for y in ("1980", "1981", "2000", "1900", "2011", "0000")
                     for m in range(14) for d in range(33)] + [" 1/05/1980", "01/05/198 ", "29/02/1981"]:
            assert BirthBands(as_at)[text] == reference.band(text), (as_at, text)


def test_the_cycle_collector_is_paused_only_while_a_csv_file_is_counted() -> None:
    seen: list[bool] = []
    areas = {"ED": "ED"}
    data = b"Area,Pay Band\r\n" + b"ED,Band 6\r\n" * 5_000
    assert gc.isenabled()
    read_staff_extract(data, "staff.csv", areas=areas, band_levels=BANDS, as_at=AS_AT,
                       progress=lambda _: seen.append(gc.isenabled()))  # told the rows read every 5,000
    assert seen and not any(seen) and gc.isenabled()  # off while counting, on again after
    with pytest.raises(ImportRefused):
        read_staff_extract(b"Area,Pay Band\r\n" + b"ED,Band 6\r\n" * 30, "staff.csv", areas=areas, band_levels=BANDS,
                           as_at=AS_AT, limits=Limits(max_rows=10))
    assert gc.isenabled()  # on again after a refusal
    gc.disable()
    try:
        read_staff_extract(data, "staff.csv", areas=areas, band_levels=BANDS, as_at=AS_AT)
        assert not gc.isenabled()  # left off by whoever switched it off
    finally:
        gc.enable()
