"""Reading a funded establishment: area, level and posts, optionally a column per forecast year; CSV and
XLSX; every problem by row and column; refusals in one sentence; the upload limits."""

from __future__ import annotations

from typing import Any

import pytest

from planner.imports.establishment import EstablishmentResult, parse_posts, read_establishment
from planner.imports.files import ImportRefused, Limits
from tests.helpers import csv_bytes, xlsx_bytes

AREA_LIST = [("ED", "Emergency Department"), ("MED", "Medicine Division"), ("FIN", "Finance & Procurement")]
AREAS = {name: code for code, name in AREA_LIST} | {code: code for code, _ in AREA_LIST}
LEVEL_LIST = [("board", "Board"), ("senior", "Senior leaders"), ("middle", "Middle leaders"),
              ("frontline", "Frontline leaders")]
LEVELS = {name: key for key, name in LEVEL_LIST} | {key: key for key, _ in LEVEL_LIST}


def read(data: bytes, filename: str = "establishment.csv", **kwargs: Any) -> EstablishmentResult:
    return read_establishment(data, filename, areas=AREAS, levels=LEVELS, start_year=2026, horizon=5,
                              most=1_000_000, **kwargs)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_file_gives_posts_per_area_and_level(kind: str) -> None:
    rows: list[list[Any]] = [
        ["Cost centre", "Area", "Level", "Posts", "2029", "2030", "2031"],
        ["100", "ED", "middle", 12, None, None, None],
        ["101", "Medicine Division", "Senior leaders", "4", 5, 5, 6],
        [None, None, None, None, None, None, None],
        ["102", "fin", "FRONTLINE", "1,200", None, None, None],
        ["103", "ED", "frontline", 30.0, 30, 30, 30],
    ]
    data = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows)
    result = read(data, f"establishment.{kind}")
    assert result.importable and result.rows_read == 4 and result.file_kind == kind
    assert result.posts == {("ED", "frontline"): 30, ("ED", "middle"): 12, ("FIN", "frontline"): 1200,
                            ("MED", "senior"): (4, 4, 5, 5, 6)}
    assert result.ignored_columns == ["Cost centre"] and result.year_columns == [2029, 2030, 2031]


def test_the_best_heading_is_read_when_a_file_has_several() -> None:
    data = csv_bytes([["Area Name", "Area Code", "Level", "Funded posts", "Posts"],
                      ["Medicine Division", "ED", "middle", 99, 12]])
    result = read(data)
    assert result.posts == {("ED", "middle"): 12}
    assert result.ignored_columns == ["Area Name", "Funded posts"]


def test_year_columns_alone_give_a_figure_per_year() -> None:
    data = csv_bytes([["area", "level", "2027", "2028", "2029", "2030", "2031"], ["ED", "middle", 10, 11, 12, 12, 13]])
    assert read(data).posts == {("ED", "middle"): (10, 11, 12, 12, 13)}


@pytest.mark.parametrize(("value", "expected"), [
    (12, 12), (12.0, 12), ("12", 12), (" 1,200 ", 1200), ("0", 0), ("12.0", 12),
    (12.5, "not a whole number of posts (count posts, not whole-time equivalents)"),
    ("12.5", "not a whole number of posts (count posts, not whole-time equivalents)"),
    ("-3", "negative"), (-3, "negative"), ("twelve", "not a number"), (True, "not a number"),
    (float("nan"), "not a number"), ("1e3", "not a number"), (2_000_000, "more than 1,000,000"),
    ("9" * 400, "not a number"),
])
def test_posts(value: object, expected: int | str) -> None:
    found = parse_posts(value, 1_000_000)
    if isinstance(expected, int):
        assert found == expected
    else:
        assert isinstance(found, str) and expected in found


@pytest.mark.parametrize(("row", "column", "kind", "says"), [
    (["XX", "middle", 3], "Area", "unknown area", "'XX' is not the code or name of an area"),
    (["ED", "chief", 3], "Level", "unknown level", "'chief' is not the key or name of a leadership level"),
    (["ED", "middle", "12.5"], "Posts", "bad posts", "'12.5' is not a whole number of posts"),
    (["ED", "middle", "-1"], "Posts", "bad posts", "'-1' is negative"),
    (["", "middle", 3], "Area", "missing value", "No area is given."),
    (["ED", "middle", ""], "Posts", "missing value", "No posts are given."),
])
def test_each_problem_by_row_and_column(row: list[Any], column: str, kind: str, says: str) -> None:
    result = read(csv_bytes([["Area", "Level", "Posts"], ["MED", "senior", 4], row]))
    assert not result.importable
    assert [(p.row, p.column, p.kind) for p in result.problems] == [(3, column, kind)]
    assert says in result.problems[0].message
    assert result.problem_totals == {kind: 1}


def test_a_place_given_twice_and_a_missing_year_are_problems() -> None:
    result = read(csv_bytes([["Area", "Level", "Posts", "2028"], ["ED", "middle", 3, ""],
                             ["Emergency Department", "Middle leaders", 4, ""], ["MED", "senior", "", 5]]))
    assert [(p.row, p.column, p.kind) for p in result.problems] == [(3, "Level", "repeated"),
                                                                   (4, "Posts", "missing value")]
    assert "given twice (first on row 2)" in result.problems[0].message
    assert "No posts are given for 2027, 2029, 2030, 2031" in result.problems[1].message


@pytest.mark.parametrize(("data", "filename", "says"), [
    (b"", "a.csv", "The file is empty."),
    (b"level,posts\r\nmiddle,2\r\n", "a.csv", "The file has no 'area' column."),
    (b"area,posts\r\nED,2\r\n", "a.csv", "The file has no 'level' column."),
    (b"area,level\r\nED,middle\r\n", "a.csv", "The file has no 'posts' column."),
    (b"area,level,posts,Posts\r\n", "a.csv", "more than one 'posts' column"),
    (b"area,level,posts,2035\r\nED,middle,3,4\r\n", "a.csv", "The column '2035' is not a forecast year"),
    (b"area,level,posts,2026\r\nED,middle,3,4\r\n", "a.csv", "the forecast runs from 2027 to 2031"),
    (b"area,level,posts\r\n,,\r\n", "a.csv", "The file has column headings but no rows of posts."),
    (b"area,level,posts\r\nED,middle,2\r\n", "a.xlsx", "named as an Excel workbook but is not one"),
])
def test_refusals_are_one_sentence(data: bytes, filename: str, says: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        read(data, filename)
    assert says in caught.value.message


def test_the_upload_limits_apply() -> None:
    data = csv_bytes([["area", "level", "posts"]] + [["ED", "middle", 2]] * 30)
    with pytest.raises(ImportRefused, match="the limit is 200 bytes"):
        read(data, limits=Limits(max_bytes=200))
    with pytest.raises(ImportRefused, match="more than 20 rows; the limit is 20"):
        read(data, limits=Limits(max_rows=20))
    with pytest.raises(ImportRefused, match="The workbook's first sheet is empty."):
        read(xlsx_bytes([]), "a.xlsx")
