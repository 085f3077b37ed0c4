"""The optional Board Member Type column: types read in their usual spellings into the board's
counts by type, blank for staff not on the board, and a bad value refused by row and column."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from planner.diversity.board import parse_board_type
from planner.imports import ImportResult, read_staff_extract

AREAS = {"BRD": "BRD", "ED": "ED"}
BANDS = {"Board - Executive": "board", "Board - Non-Executive": "board", "VSM": "senior"}
HEADINGS = "Area,Pay Band,Leader,Ethnic Origin,Board Member Type"


def read(lines: list[str], **kwargs: Any) -> ImportResult:
    data = "\n".join([HEADINGS, *lines]).encode()
    return read_staff_extract(data, "staff.csv", areas=AREAS, band_levels=BANDS, as_at=date(2025, 3, 31),
                              board_level="board", **kwargs)


@pytest.mark.parametrize(("text", "expected"), [
    ("Executive (voting)", "executive_voting"), ("executive voting", "executive_voting"),
    ("Executive Director (voting)", "executive_voting"), ("Executive (non-voting)", "executive_non_voting"),
    ("EXECUTIVE NON VOTING", "executive_non_voting"), ("Non-executive", "non_executive"),
    ("Non-Executive Director", "non_executive"), ("NED", "non_executive"), ("", ""), ("  ", ""),
    ("Executive", None), ("Voting", None), ("X7", None),
])
def test_spellings(text: str, expected: str | None) -> None:
    assert parse_board_type(text) == expected


def test_types_are_counted_for_the_board_only_and_blank_counts_in_the_whole_board() -> None:
    result = read([
        "BRD,Board - Executive,Y,A,Executive (voting)",
        "BRD,Board - Executive,Y,M,Executive (non-voting)",
        "BRD,Board - Non-Executive,Y,H,Non-executive",
        "BRD,Board - Non-Executive,Y,A,Non-Executive Director",
        "BRD,Board - Executive,Y,A,",  # on the board, no type: in the whole board only
        "ED,VSM,Y,A,",
        "ED,Band 5,N,B,",
    ])
    assert result.problem_totals == {}
    assert result.leaders[("BRD", "board")] == 5
    assert result.diversity[("BRD", "board", "ethnicity", "white")] == 3
    assert result.board_diversity == {
        ("BRD", "board", "executive_non_voting", "ethnicity", "bme"): 1,
        ("BRD", "board", "executive_non_voting", "ethnicity_ons", "black"): 1,
        ("BRD", "board", "executive_voting", "ethnicity", "white"): 1,
        ("BRD", "board", "executive_voting", "ethnicity_ons", "white"): 1,
        ("BRD", "board", "non_executive", "ethnicity", "bme"): 1,
        ("BRD", "board", "non_executive", "ethnicity", "white"): 1,
        ("BRD", "board", "non_executive", "ethnicity_ons", "asian"): 1,
        ("BRD", "board", "non_executive", "ethnicity_ons", "white"): 1,
    }


@pytest.mark.parametrize(("line", "message"), [
    ("BRD,Board - Executive,Y,A,Chief executive",
     "'Chief executive' is not Executive (voting), Executive (non-voting), Non-executive or blank."),
    ("ED,VSM,Y,A,Non-executive", "'Non-executive' is given, but this row is not a leader at the board level: "
                                 "leave it blank for staff not on the board."),
    ("BRD,Board - Executive,N,A,Executive (voting)", "'Executive (voting)' is given, but this row is not a "
                                                      "leader at the board level: leave it blank for staff not on "
                                                      "the board."),
])
def test_a_bad_board_member_type_is_a_problem_by_row_and_column(line: str, message: str) -> None:
    result = read(["BRD,Board - Executive,Y,A,Executive (voting)", line])
    assert result.problem_totals == {"bad code": 1}
    problem = result.problems[0]
    assert (problem.row, problem.column, problem.kind, problem.message) == (3, "Board Member Type", "bad code",
                                                                          message)
    assert result.rows_skipped == 1
    skipped = read(["BRD,Board - Executive,Y,A,Executive (voting)", line], skip_bad_rows=True)
    assert skipped.importable
    assert sum(skipped.board_diversity.values()) == 2  # the good row only (ethnicity and ethnicity_ons)
