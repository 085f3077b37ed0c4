"""Reading competency assessments into leaders per area, level, competency and step: CSV and XLSX,
each problem by row and column, refusals, and a generated file that aggregates to exactly an
independent count."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from planner.imports.assessments import KINDS, AssessmentsResult, parse_step, read_assessments
from planner.imports.files import ImportRefused, Limits
from tests.helpers import csv_bytes, xlsx_bytes

AREA_LIST = [("ED", "Emergency Department"), ("MED", "Medicine Division"), ("W12", "Ward 12"),
             ("FIN", "Finance & Procurement")]
AREAS = {name: code for code, name in AREA_LIST} | {code: code for code, _ in AREA_LIST}
LEVEL_LIST = [("board", "Board"), ("senior", "Senior leaders"), ("middle", "Middle leaders"),
              ("frontline", "Frontline leaders")]
LEVELS = {name: key for key, name in LEVEL_LIST} | {key: key for key, _ in LEVEL_LIST}
COMPETENCIES = {"collective_vision", "compassion", "finance", "data_use"}


def read(data: bytes, filename: str = "assessments.csv", **kwargs: Any) -> AssessmentsResult:
    return read_assessments(data, filename, areas=AREAS, levels=LEVELS, competencies=COMPETENCIES, **kwargs)


ROWS = [
    ["Leader name", "Area", "Level", "Competency", "Step"],
    ["Alex Example", "ED", "frontline", "compassion", 3],
    ["Sam Sample", "Emergency Department", "Frontline leaders", "COMPASSION", "3"],
    ["Jo Bloggs", "ed", "FRONTLINE", "compassion", "Step 2"],
    [None, None, None, None, None],
    ["Pat Person", "medicine division", "middle", "data-use", 4.0],
    ["Chris Doe", "MED", "Middle Leaders", "data_use", "1"],
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_file_is_counted_and_its_rows_forgotten(kind: str) -> None:
    data = csv_bytes(ROWS) if kind == "csv" else xlsx_bytes(ROWS)
    result = read(data, f"assessments.{kind}")
    assert result.file_kind == kind
    assert result.rows_read == 5
    assert result.counts == {("ED", "frontline", "compassion"): {2: 1, 3: 2},
                             ("MED", "middle", "data_use"): {1: 1, 4: 1}}
    assert result.problems == [] and result.problem_totals == {} and result.importable
    assert result.ignored_columns == ["Leader name"]
    for name in ("Alex", "Sam Sample", "Jo Bloggs", "Pat", "Chris"):
        assert name not in repr(result)


@pytest.mark.parametrize(("value", "step"), [
    (1, 1), (4, 4), (2.0, 2), ("3", 3), (" 3 ", 3), ("3.0", 3), ("Step 4", 4), ("step1", 1),
    (0, None), (5, None), (2.5, None), ("three", None), ("", None), (None, None), (True, None), ("Step 5", None),
])
def test_steps(value: Any, step: int | None) -> None:
    assert parse_step(value) == step


@pytest.mark.parametrize(("cells", "kind", "column", "says"), [
    (["Ward 99", "middle", "finance", 2], "unknown area", "Area",
     "'Ward 99' is not the code or name of an area in the structure."),
    (["W12", "team", "finance", 2], "unknown level", "Leadership Level",
     "'team' is not the key or name of a leadership level."),
    (["W12", "middle", "finances", 2], "unknown competency", "Competency",
     "'finances' is not the key of a competency in the framework."),
    (["W12", "middle", "finance", 5], "bad step", "Step", "'5' is not a step from 1 to 4."),
    (["W12", "middle", "finance", "expert"], "bad step", "Step", "'expert' is not a step from 1 to 4."),
    (["", "middle", "finance", 2], "missing value", "Area", "No area is given."),
    (["W12", None, "finance", 2], "missing value", "Leadership Level", "No level is given."),
    (["W12", "middle", "  ", 2], "missing value", "Competency", "No competency is given."),
    (["W12", "middle", "finance", None], "missing value", "Step", "No step is given."),
])
@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_each_problem_by_row_and_column(cells: list[Any], kind: str, column: str, says: str, file_kind: str) -> None:
    rows = [["Competency assessments 2025"], ["Area", "Leadership Level", "Competency", "Step"],
            ["W12", "middle", "finance", 2], cells, ["FIN", "board", "finance", 4]]
    result = read(csv_bytes(rows) if file_kind == "csv" else xlsx_bytes(rows), f"a.{file_kind}")
    [problem] = result.problems
    assert (problem.row, problem.column, problem.kind, problem.message) == (4, column, kind, says)
    assert result.problem_totals == {kind: 1}
    assert not result.importable  # all or nothing
    assert result.rows_read == 3
    assert result.counts == {("FIN", "board", "finance"): {4: 1}, ("W12", "middle", "finance"): {2: 1}}


def test_every_problem_in_a_row_is_reported_in_column_order() -> None:
    result = read(csv_bytes([["area", "level", "competency", "step"], ["nowhere", "", "juggling", "9"]]))
    assert [(p.row, p.column, p.kind) for p in result.problems] == [
        (2, "area", "unknown area"), (2, "level", "missing value"), (2, "competency", "unknown competency"),
        (2, "step", "bad step")]
    assert list(result.problem_totals) == [k for k in KINDS if k in result.problem_totals]
    assert result.counts == {} and not result.importable


def test_only_the_first_hundred_problems_are_kept_but_all_are_counted() -> None:
    rows = [["area", "level", "competency", "step"]] + [["ED", "middle", "finance", 7]] * 150
    result = read(csv_bytes(rows))
    assert len(result.problems) == 100 and result.problem_totals == {"bad step": 150}


HTML = b"<html><head><title>Export</title></head><body><table></table></body></html>"
HEADINGS = b"area,level,competency,step\r\n"


@pytest.mark.parametrize(("data", "filename", "says"), [
    (b"", "a.csv", "The file is empty."),
    (HTML, "assessments.xlsx", "it looks like a web page."),
    (HEADINGS + b"ED,middle,finance,2\r\n", "assessments.xlsx", "named as an Excel workbook but is not one"),
    (b"level,competency,step\r\nmiddle,finance,2\r\n", "a.csv", "The file has no 'area' column."),
    (b"area,competency,step\r\nED,finance,2\r\n", "a.csv", "The file has no 'level' column."),
    (b"area,level,step\r\nED,middle,2\r\n", "a.csv", "The file has no 'competency' column."),
    (b"area,level,competency\r\nED,middle,finance\r\n", "a.csv", "The file has no 'step' column."),
    (b"area,level,competency,step,Step\r\n", "a.csv", "more than one 'step' column"),
    (HEADINGS + b",,,\r\n\r\n", "a.csv", "The file has column headings but no assessments."),
])
def test_refusals_are_one_sentence(data: bytes, filename: str, says: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        read(data, filename)
    assert says in caught.value.message
    assert caught.value.message.endswith(".") and ". " not in caught.value.message


def test_an_empty_workbook_and_the_limits() -> None:
    with pytest.raises(ImportRefused, match="The workbook's first sheet is empty."):
        read(xlsx_bytes([]), "a.xlsx")
    data = csv_bytes([["area", "level", "competency", "step"]] + [["ED", "middle", "finance", 2]] * 30)
    with pytest.raises(ImportRefused, match="the limit is 200 bytes"):
        read(data, limits=Limits(max_bytes=200))
    with pytest.raises(ImportRefused, match="more than 20 assessments; the limit is 20"):
        read(data, limits=Limits(max_rows=20))


def generated(seed: int) -> tuple[list[list[Any]], Counter[tuple[str, str, str, int]], int]:
    """Rows spelled in the ways a file might, the truth counted with a Counter, and the rows with problems."""
    rnd = random.Random(seed)
    area_spellings = {code: [code, name, name.upper(), code.lower()] for code, name in AREA_LIST}
    level_spellings = {key: [key, name, name.lower(), key.upper()] for key, name in LEVEL_LIST}
    competency_spellings = {key: [key, key.upper(), key.replace("_", " "), key.replace("_", "-")]
                            for key in COMPETENCIES}
    step_spellings = {step: [step, str(step), float(step), f"Step {step}"] for step in (1, 2, 3, 4)}
    truth: Counter[tuple[str, str, str, int]] = Counter()
    rows: list[list[Any]] = [["Employee", "Step", "Competency", "Area", "Level"]]
    bad = 0
    for number in range(rnd.randint(200, 600)):
        area, level = rnd.choice(AREA_LIST)[0], rnd.choice(LEVEL_LIST)[0]
        competency, step = rnd.choice(sorted(COMPETENCIES)), rnd.randint(1, 4)
        row = [f"Person {number}", rnd.choice(step_spellings[step]), rnd.choice(competency_spellings[competency]),
               rnd.choice(area_spellings[area]), rnd.choice(level_spellings[level])]
        truth[(area, level, competency, step)] += 1
        rows.append(row)
        if seed % 2 and rnd.random() < 0.05:
            rows.append([f"Person {number}b", rnd.choice([0, 6, "n/a"]), competency, area, level])
            bad += 1
    return rows, truth, bad


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("seed", range(4))
def test_a_generated_file_aggregates_to_exactly_an_independent_count(kind: str, seed: int) -> None:
    rows, truth, bad = generated(seed)
    result = read(csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows), f"generated.{kind}")
    got = Counter({(*key, step): leaders for key, steps in result.counts.items() for step, leaders in steps.items()})
    assert got == truth
    assert result.rows_read == len(rows) - 1
    assert result.problem_totals == ({"bad step": bad} if bad else {})
    assert result.importable == (bad == 0)
    assert result.ignored_columns == ["Employee"]
    assert all(leaders > 0 for steps in result.counts.values() for leaders in steps.values())
