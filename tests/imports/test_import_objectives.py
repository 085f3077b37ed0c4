"""Reading an objectives file (CSV or XLSX): a good file, each problem by row and column, loops in the file
and through stored parents, unknown parents, formula text kept as text, refusals, a generated cascade that
parses to exactly an independent reading, and the CSV download round-tripping and neutralising formulas."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.imports.files import ImportRefused, Limits
from planner.imports.objectives import (
    COLUMNS,
    KINDS,
    ObjectiveRow,
    ObjectivesResult,
    measure_cells,
    parse_number,
    parse_range,
    read_objectives,
    row_cells,
    write_objectives_csv,
)
from planner.objectives.progress import Measure
from tests.helpers import csv_bytes, xlsx_bytes

AREA_LIST = [("ED", "Emergency Department"), ("MED", "Medicine Division"), ("W12", "Ward 12")]
AREAS = {name: code for code, name in AREA_LIST} | {code: code for code, _ in AREA_LIST}
STORED: dict[str, str | None] = {"S1": None, "A1": "S1", "T9": "A1"}
HEADINGS = list(COLUMNS)


def read(data: bytes, filename: str = "objectives.csv", *, stored: dict[str, str | None] | None = None,
         **kwargs: Any) -> ObjectivesResult:
    return read_objectives(data, filename, existing_refs=STORED if stored is None else stored, areas=AREAS,
                           **kwargs)


def line(**cells: Any) -> list[Any]:
    """A row of the file: a good team objective under A1, changed by `cells`."""
    good: dict[str, Any] = {
        "ref": "T1", "parent_ref": "A1", "title": "Run monthly listening events", "level": "team", "area": "ED",
        "owner": "Ward manager", "measure": "target", "baseline": 40, "target": 60, "current": 45, "unit": "%",
        "start": "01/04/2025", "due": "31/03/2026", "weight": 2, "confidence": "medium",
    }
    return [(good | cells)[column] for column in COLUMNS]


GOOD_ROWS = [
    HEADINGS + ["Notes"],
    line(ref="A2", parent_ref="S1", title="Cut agency spend in medicine", level="Area", area="Medicine Division",
         measure="Target", baseline="1,250", target="£800", current="", unit="£k", weight="", confidence="High"),
    line(),
    line(ref="T2", parent_ref="a2", title="Keep vacancy within range", level="TEAM", area="med", measure="range",
         baseline=7, target="4 to 6", current="5.5", unit="%", start=datetime(2025, 4, 1), due="2026-03-31",
         weight=1.5, confidence="low"),
    [None] * 16,
    line(ref="I1", parent_ref="T2", title="Complete the leadership programme", level="individual", area="",
         owner="A. Nurse", measure="milestone", baseline="", target="", current="Done", unit="", weight=1,
         confidence=""),
    line(ref="s1", parent_ref="", title="Grow collective leadership across the trust", level="strategic", area="",
         owner="Chief Executive", measure="", baseline="", target="", current="", unit="", start="1 April 2025",
         due="31-MAR-2030", weight="", confidence="high"),
    line(ref="T3", parent_ref="T9", title="Establish the staff survey baseline", measure="baseline", baseline="",
         target="", current="", unit="score"),
]


def expected_good() -> list[ObjectiveRow]:
    start, due = date(2025, 4, 1), date(2026, 3, 31)
    return [
        ObjectiveRow("S1", None, "Grow collective leadership across the trust", "strategic", None, "Chief Executive",
                     Measure("none"), None, start, date(2030, 3, 31), 1.0, "high", 7, existing=True),
        ObjectiveRow("A2", "S1", "Cut agency spend in medicine", "area", "MED", "Ward manager",
                     Measure("target", baseline=1250, target=800, unit="£k"), None, start, due, 1.0, "high", 2),
        ObjectiveRow("T1", "A1", "Run monthly listening events", "team", "ED", "Ward manager",
                     Measure("target", baseline=40, target=60, unit="%"), 45, start, due, 2.0, "medium", 3),
        ObjectiveRow("T2", "A2", "Keep vacancy within range", "team", "MED", "Ward manager",
                     Measure("range", baseline=7, low=4, high=6, unit="%"), 5.5, start, due, 1.5, "low", 4),
        ObjectiveRow("I1", "T2", "Complete the leadership programme", "individual", None, "A. Nurse",
                     Measure("milestone"), None, start, due, 1.0, None, 6, done=True),
        ObjectiveRow("T3", "T9", "Establish the staff survey baseline", "team", "ED", "Ward manager",
                     Measure("baseline", unit="score"), None, start, due, 2.0, "medium", 8),
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_file(kind: str) -> None:
    data = csv_bytes(GOOD_ROWS) if kind == "csv" else xlsx_bytes(GOOD_ROWS)
    result = read(data, f"objectives.{kind}")
    assert result.file_kind == kind and result.rows_read == 6
    assert result.problems == [] and result.problem_totals == {} and result.importable
    assert result.ignored_columns == ["Notes"]
    assert result.columns == COLUMNS
    # S1 is stored (written 's1': the stored spelling is used) and moved to the front, being A2's parent.
    assert result.rows == expected_good()
    assert (result.added, result.updated) == (5, 1)


def test_rows_come_parents_first() -> None:
    rows = [HEADINGS, line(ref="C", parent_ref="B"), line(ref="B", parent_ref="A"), line(ref="A", parent_ref="S1"),
            line(ref="D", parent_ref="S1")]
    assert [r.ref for r in read(csv_bytes(rows)).rows] == ["A", "B", "C", "D"]


@pytest.mark.parametrize(("cells", "kind", "column", "says"), [
    ({"ref": ""}, "missing value", "ref", "No ref is given."),
    ({"ref": "T 7"}, "bad ref", "ref", "'T 7' is not a ref: use letters, digits and . _ / - only, starting with a "
     "letter or digit."),
    ({"ref": "=T7()"}, "bad ref", "ref", "'=T7()' is not a ref: use letters, digits and . _ / - only, starting "
     "with a letter or digit."),
    ({"title": "  "}, "missing value", "title", "No title is given."),
    ({"level": None}, "missing value", "level", "No level is given."),
    ({"level": "division"}, "unknown level", "level", "'division' is not a level: use strategic, area, team or "
     "individual."),
    ({"area": "Ward 99"}, "unknown area", "area", "'Ward 99' is not the code or name of an area in the structure."),
    ({"parent_ref": "A7"}, "unknown parent", "parent_ref",
     "'A7' is not the ref of an objective in the file or already in the strategy."),
    ({"parent_ref": "T1"}, "cycle", "parent_ref", "'T1' cannot be its own parent."),
    ({"measure": "percentage"}, "bad measure", "measure",
     "'percentage' is not a measure: use target, range, milestone or baseline, or leave it blank."),
    ({"measure": "range", "target": "95 to 92"}, "bad measure", "target",
     "The range '95 to 92' runs from high to low."),
    ({"measure": "range", "target": 95}, "bad measure", "target",
     "'95' is not a range to keep within, such as '92 to 95'."),
    ({"measure": "milestone", "baseline": "", "target": "", "current": "nearly"}, "bad measure", "current",
     "'nearly' does not say whether the milestone is done: write done, or leave it blank."),
    ({"measure": "milestone", "baseline": "", "current": ""}, "bad measure", "target",
     "A milestone has no baseline or target: leave them blank."),
    ({"measure": "baseline", "target": "", "current": ""}, "bad measure", "baseline",
     "A measure to establish a baseline has no baseline or target yet: put the value found in 'current'."),
    ({"measure": "", "baseline": "", "target": ""}, "bad measure", "current",
     "Without a measure this value means nothing: give the measure, or leave the value blank."),
    ({"baseline": "forty"}, "bad number", "baseline", "'forty' is not a number."),
    ({"target": "60 %%"}, "bad number", "target", "'60 %%' is not a number."),
    ({"current": "=1+1"}, "bad number", "current", "'=1+1' is not a number."),
    ({"weight": 0}, "bad number", "weight", "'0' is not a weight: give a number above 0."),
    ({"weight": "-2"}, "bad number", "weight", "'-2' is not a weight: give a number above 0."),
    ({"weight": "heavy"}, "bad number", "weight", "'heavy' is not a weight: give a number above 0."),
    ({"start": "31/02/2025"}, "bad date", "start", "'31/02/2025' is not a date (write it as 31/03/2026 or "
     "2026-03-31)."),
    ({"due": "next year"}, "bad date", "due", "'next year' is not a date (write it as 31/03/2026 or 2026-03-31)."),
    ({"start": "2026-04-01"}, "bad date", "due", "The due date, 31/03/2026, is before the start date, 01/04/2026."),
    ({"confidence": "very"}, "unknown confidence", "confidence", "'very' is not a confidence: use low, medium or "
     "high."),
    ({"ref": "R" * 41}, "too long", "ref", "The ref is 41 characters long; the limit is 40."),
    ({"title": "word " * 60}, "too long", "title", "The title is 299 characters long; the limit is 250."),
    ({"owner": "x" * 121}, "too long", "owner", "The owner is 121 characters long; the limit is 120."),
    ({"unit": "u" * 31}, "too long", "unit", "The unit is 31 characters long; the limit is 30."),
])
@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_each_problem_by_row_and_column(cells: dict[str, Any], kind: str, column: str, says: str,
                                        file_kind: str) -> None:
    headings = [c.upper() if c == "title" else c for c in HEADINGS]  # the file's own heading is reported
    rows = [["Objectives 2025 to 2030"], headings, line(ref="T0"), line(**cells), line(ref="T5")]
    result = read(csv_bytes(rows) if file_kind == "csv" else xlsx_bytes(rows), f"o.{file_kind}")
    [problem] = result.problems
    heading = column.upper() if column == "title" else column
    assert (problem.row, problem.column, problem.kind, problem.message) == (4, heading, kind, says)
    assert result.problem_totals == {kind: 1}
    assert not result.importable  # all or nothing
    assert [r.ref for r in result.rows] == ["T0", "T5"]  # rows read, but not importable


def test_duplicate_refs_in_the_file_ignoring_case() -> None:
    rows = [HEADINGS, line(ref="T1"), line(ref="T2"), line(ref="t1", title="Something else entirely"),
            line(ref="T1")]
    result = read(csv_bytes(rows))
    assert [(p.row, p.column, p.kind, p.message) for p in result.problems] == [
        (4, "ref", "duplicate ref", "'t1' is already the ref of row 2: each objective needs its own ref."),
        (5, "ref", "duplicate ref", "'T1' is already the ref of row 2: each objective needs its own ref.")]
    assert not result.importable


def test_a_loop_in_the_file_is_reported_on_each_of_its_rows() -> None:
    rows = [HEADINGS, line(ref="X", parent_ref="Z"), line(ref="Y", parent_ref="X"), line(ref="OK"),
            line(ref="Z", parent_ref="Y")]
    result = read(csv_bytes(rows))
    assert [(p.row, p.column, p.kind, p.message) for p in result.problems] == [
        (2, "parent_ref", "cycle", "This makes a loop, 'X' → 'Z' → 'Y' → 'X': an objective cannot sit under itself."),
        (3, "parent_ref", "cycle", "This makes a loop, 'Y' → 'X' → 'Z' → 'Y': an objective cannot sit under itself."),
        (5, "parent_ref", "cycle", "This makes a loop, 'Z' → 'Y' → 'X' → 'Z': an objective cannot sit under itself."),
    ]
    assert [r.ref for r in result.rows] == ["OK"] and not result.importable


def test_a_loop_through_a_stored_parent() -> None:
    # Stored: T9 sits under A1, which sits under S1. Putting S1 under T9 closes the loop.
    result = read(csv_bytes([HEADINGS, line(ref="S1", parent_ref="t9", level="strategic")]))
    [problem] = result.problems
    assert (problem.row, problem.kind) == (2, "cycle")
    assert problem.message == "This makes a loop, 'S1' → 'T9' → 'A1' → 'S1': an objective cannot sit under itself."
    # Moving A1 out of the way in the same file breaks the loop.
    moved = read(csv_bytes([HEADINGS, line(ref="S1", parent_ref="T9", level="strategic"),
                            line(ref="A1", parent_ref=None, level="strategic")]))
    assert moved.importable
    assert [(r.ref, r.parent_ref, r.existing) for r in moved.rows] == [("S1", "T9", True), ("A1", None, True)]


def test_parents_may_be_stored_or_in_the_file_and_refs_ignore_case() -> None:
    rows = [HEADINGS, line(ref="t9", parent_ref="a1"), line(ref="NEW", parent_ref="T9")]
    result = read(csv_bytes(rows))
    assert result.importable
    assert [(r.ref, r.parent_ref, r.existing) for r in result.rows] == [("T9", "A1", True), ("NEW", "T9", False)]


def test_without_a_parent_column_stored_objectives_keep_their_parents() -> None:
    headings = [c for c in HEADINGS if c != "parent_ref"]
    rows = [headings] + [[v for c, v in zip(COLUMNS, line(ref=ref), strict=True) if c != "parent_ref"]
                         for ref in ("T9", "NEW")]
    result = read(csv_bytes(rows))
    assert result.importable and "parent_ref" not in result.columns
    assert [(r.ref, r.parent_ref) for r in result.rows] == [("T9", "A1"), ("NEW", None)]


FORMULAS = ['=HYPERLINK("http://example.com","Click")', "=1+1", "+44 target", "-5 days", "@SUM(A1:A9)",
            "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_formula_text_is_only_text(file_kind: str) -> None:
    rows = [HEADINGS] + [line(ref=f"F{i}", title=text, owner=text) for i, text in enumerate(FORMULAS)]
    result = read(csv_bytes(rows) if file_kind == "csv" else xlsx_bytes(rows), f"o.{file_kind}")
    assert result.importable
    assert [(r.title, r.owner) for r in result.rows] == [(text, text) for text in FORMULAS]


def test_problems_are_kept_by_row_and_all_are_counted() -> None:
    rows = [HEADINGS] + [line(ref=f"R{i}", weight="x") for i in range(150)] + [line(ref="Z", parent_ref="nowhere")]
    rows.insert(1, line(ref="FIRST", parent_ref="missing"))
    result = read(csv_bytes(rows))
    assert result.problem_totals == {"unknown parent": 2, "bad number": 150}
    assert len(result.problems) == 100
    assert [(p.row, p.kind) for p in result.problems[:3]] == [(2, "unknown parent"), (3, "bad number"),
                                                               (4, "bad number")]
    assert [p.row for p in result.problems] == sorted(p.row for p in result.problems)
    assert list(result.problem_totals) == [k for k in KINDS if k in result.problem_totals]


HTML = b"<html><head><title>Export</title></head><body><table></table></body></html>"
HEADING_LINE = ",".join(HEADINGS).encode() + b"\r\n"


@pytest.mark.parametrize(("data", "filename", "says"), [
    (b"", "o.csv", "The file is empty."),
    (HTML, "objectives.xlsx", "it looks like a web page."),
    (HEADING_LINE + b"T1,,Grow,team\r\n", "objectives.xlsx", "named as an Excel workbook but is not one"),
    (b"parent_ref,title,level\r\nS1,Grow leaders now,area\r\n", "o.csv", "The file has no 'ref' column."),
    (b"ref,level\r\nA1,area\r\n", "o.csv", "The file has no 'title' column."),
    (b"ref,title\r\nA1,Grow leaders now\r\n", "o.csv", "The file has no 'level' column."),
    (b"ref,title,level,Due,due date\r\n", "o.csv", "more than one 'due' column"),
    (HEADING_LINE + b",,,\r\n\r\n", "o.csv", "The file has column headings but no objectives."),
])
def test_refusals_are_one_sentence(data: bytes, filename: str, says: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        read(data, filename)
    assert says in caught.value.message
    assert caught.value.message.endswith(".")


def test_the_limits() -> None:
    rows = [HEADINGS] + [line(ref=f"R{i}") for i in range(30)]
    with pytest.raises(ImportRefused, match="more than 20 objectives; the limit is 20."):
        read(csv_bytes(rows), limits=Limits(max_rows=20))
    with pytest.raises(ImportRefused, match="the limit is 200 bytes"):
        read(csv_bytes(rows), limits=Limits(max_bytes=200))
    with pytest.raises(ImportRefused, match="The workbook's first sheet is empty."):
        read(xlsx_bytes([]), "o.xlsx")


@pytest.mark.parametrize(("value", "number"), [
    (3, 3.0), (2.5, 2.5), ("1,250", 1250.0), ("£800", 800.0), ("85%", 85.0), (" 12.5 ", 12.5), ("-3", -3.0),
    ("'-3", -3.0), ("1e3", 1000.0), (".5", 0.5), ("−4", -4.0), ("", None), (None, None),
])
def test_numbers(value: Any, number: float | None) -> None:
    assert parse_number(value) == number


@pytest.mark.parametrize("value", ["e5", "1,25", "12,34,567", "ten", True, float("nan"), float("inf"), "1e999",
                                   "=2", "1.2.3", "--1"])
def test_not_numbers(value: Any) -> None:
    assert not isinstance(parse_number(value), float | type(None))


@pytest.mark.parametrize(("text", "pair"), [
    ("92 to 95", (92, 95)), ("92-95", (92, 95)), ("92 – 95", (92, 95)), ("92..95", (92, 95)),
    ("-5 to 5", (-5, 5)), ("-10--5", (-10, -5)), ("1,000 TO 2,000", (1000, 2000)), ("90% to 95%", (90, 95)),
    ("95", None), ("to 95", None), ("a to b", None),
])
def test_ranges(text: str, pair: tuple[float, float] | None) -> None:
    assert parse_range(text) == pair


# A generated cascade, and an independent reading of it ----------------------------------------------------

def generated(seed: int) -> tuple[list[list[Any]], dict[str, ObjectiveRow], dict[str, str | None]]:
    """A cascade file written in varied spellings, what it must read as, and the stored refs it uses."""
    rng = random.Random(seed)
    stored: dict[str, str | None] = {"V1": None, "V1.1": "V1"}
    rows: list[list[Any]] = [["Trust objectives"], [h.replace("_", " ").title() for h in HEADINGS]]
    want: dict[str, ObjectiveRow] = {}
    pending = [("V1", "strategic"), ("V1.1", "area")]
    levels = ("strategic", "area", "team", "individual")
    made = 0
    while made < 60:
        if rng.random() < 0.15 or not pending:
            parent, level = None, "strategic"
        else:
            parent, above = rng.choice(pending)
            level = levels[min(levels.index(above) + 1, 3)]
        made += 1
        ref = f"{level[0].upper()}{made}"
        code, name = rng.choice(AREA_LIST)
        area_cell, area = rng.choice([(code, code), (name, code), (name.upper(), code), ("", None)])
        kind = rng.choice(["target", "range", "milestone", "baseline", ""])
        baseline = target = current = None
        low = high = None
        cells: dict[str, Any] = {"measure": rng.choice([kind, kind.upper(), kind.title()])}
        if kind == "target":
            baseline, target = rng.randint(0, 2000), rng.randint(0, 2000)
            current = rng.choice([None, round(rng.uniform(-10, 2100), 2)])
            cells |= {"baseline": f"{baseline:,}", "target": target, "current": current}
        elif kind == "range":
            low, high = sorted((rng.randint(-20, 100), rng.randint(-20, 100)))
            current = rng.randint(-30, 110)
            cells |= {"target": f"{low} to {high}", "current": str(current)}
        elif kind == "milestone":
            done = rng.random() < 0.5
            cells |= {"current": rng.choice(["Done", "yes", "Y"]) if done else rng.choice(["", "no", "not done"])}
        elif kind == "baseline" and rng.random() < 0.5:
            current = rng.randint(0, 100)
            cells |= {"current": current}
        start = date(2025, 4, 1) + (rng.randint(0, 300) * (date(2025, 4, 2) - date(2025, 4, 1)))
        due = date(start.year + rng.randint(1, 4), rng.randint(1, 12), rng.randint(1, 28))
        weight = rng.choice([None, 1, 2, 0.5, 3])
        confidence = rng.choice([None, "low", "medium", "high"])
        title = rng.choice(["Grow", "=Cut", "+Improve", "Keep", "@Raise"]) + f" leadership objective {made}"
        cells |= {
            "ref": ref, "parent_ref": rng.choice([parent, (parent or "").lower()]) if parent else "",
            "title": title, "level": rng.choice([level, level.upper()]), "area": area_cell,
            "owner": f"Owner {made}", "unit": "%" if kind else "",
            "start": rng.choice([start.strftime("%d/%m/%Y"), start.isoformat()]),
            "due": rng.choice([due.strftime("%d/%m/%Y"), due.isoformat(), due.strftime("%d %B %Y")]),
            "weight": weight, "confidence": (confidence or "").upper(),
        }
        rows.append([cells.get(column) for column in COLUMNS])
        measure = Measure(kind or "none", baseline=baseline, target=target, low=low, high=high,
                          unit="%" if kind else "")
        want[ref] = ObjectiveRow(
            ref, parent, title, level, area, f"Owner {made}", measure,
            None if kind in ("milestone", "") else (None if current is None else float(current)),
            start, due, float(weight or 1), confidence, len(rows),
            done=kind == "milestone" and str(cells["current"]).lower() in ("done", "yes", "y"),
        )
        pending.append((ref, level))
        if rng.random() < 0.1:
            rows.append([None] * len(COLUMNS))
    return rows, want, stored


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_a_generated_cascade_reads_as_an_independent_reading(seed: int, file_kind: str) -> None:
    rows, want, stored = generated(seed)
    data = csv_bytes(rows) if file_kind == "csv" else xlsx_bytes(rows)
    result = read(data, f"cascade.{file_kind}", stored=stored)
    assert result.problems == [] and result.importable, result.problems[:3]
    assert {row.ref: row for row in result.rows} == want
    assert len(result.rows) == len(want)
    position = {row.ref: i for i, row in enumerate(result.rows)}
    assert all(row.parent_ref not in position or position[row.parent_ref] < position[row.ref] for row in result.rows)


# The download --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_the_download_round_trips_through_the_reader(seed: int) -> None:
    rows, want, stored = generated(seed)
    first = read(csv_bytes(rows), stored=stored)
    download = write_objectives_csv([row_cells(row) for row in first.rows])
    assert download.startswith(b"\xef\xbb\xbfref,parent_ref,title,level,area,")
    again = read(download, "download.csv", stored=stored)
    assert again.importable and again.problems == []
    # Everything but the row numbers (the download has no title line and no blank rows) comes back.
    assert {row.ref: replace(row, row=0) for row in again.rows} == {ref: replace(row, row=0)
                                                                    for ref, row in want.items()}
    assert [row.ref for row in again.rows] == [row.ref for row in first.rows]


def test_the_download_neutralises_formulas() -> None:
    rows: list[dict[str, object]] = [{"ref": "S1", "title": t, "owner": t, "level": "strategic"} for t in FORMULAS]
    rows += [{"ref": "T1", "title": "\tTabbed", "owner": "\rReturned", "level": "team", "baseline": -5,
              "start": date(2025, 4, 1), "weight": 2.5}]
    text = write_objectives_csv(rows).decode("utf-8-sig")
    cells = list(csv.reader(io.StringIO(text, newline="")))
    assert cells[0] == list(COLUMNS)
    titles = [row[COLUMNS.index("title")] for row in cells[1:]]
    assert titles == ["'" + t for t in FORMULAS] + ["'\tTabbed"]
    assert cells[-1][COLUMNS.index("owner")] == "'\rReturned"
    assert cells[-1][COLUMNS.index("baseline")] == "-5"  # a number is not text: written as it is
    assert cells[-1][COLUMNS.index("start")] == "2025-04-01" and cells[-1][COLUMNS.index("weight")] == "2.5"
    for row in cells[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell == "-5"


def test_the_download_refuses_what_it_cannot_write() -> None:
    with pytest.raises(ValueError, match="Not a column of the objectives file: parent"):
        write_objectives_csv([{"ref": "A", "parent": "S"}])
    with pytest.raises(ValueError, match="weight cell cannot be written"):
        write_objectives_csv([{"ref": "A", "weight": float("nan")}])
    with pytest.raises(ValueError, match="current cell cannot be written"):
        write_objectives_csv([{"ref": "A", "current": True}])
    assert write_objectives_csv([]) == ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode()


def test_measure_cells() -> None:
    assert measure_cells(Measure("range", baseline=7, low=-5, high=5.5, unit="%"), current=3) == {
        "measure": "range", "baseline": 7, "target": "-5 to 5.5", "current": 3, "unit": "%"}
    assert measure_cells(Measure("milestone"), current=1, done=True)["current"] == "done"
    assert measure_cells(Measure("none"), current=4) == {"measure": "", "baseline": None, "target": None,
                                                         "current": None, "unit": ""}


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).map(
    lambda t: " ".join(t.split())).filter(lambda t: len(t.split()) > 0)


@settings(max_examples=60, deadline=None)
@given(title=TEXT, owner=TEXT)
def test_any_text_survives_the_download_and_is_never_a_formula(title: str, owner: str) -> None:
    download = write_objectives_csv([{"ref": "S1", "title": title, "owner": owner, "level": "strategic"}])
    cells = list(csv.reader(io.StringIO(download.decode("utf-8-sig"), newline="")))[1]
    assert not cells[COLUMNS.index("title")].startswith(("=", "+", "-", "@"))
    result = read(download, stored={})
    [row] = result.rows
    expected_title = title[1:] if title.startswith("'") and title[1:2] in ("=", "+", "-", "@") else title
    assert row.title == " ".join(expected_title.split())
