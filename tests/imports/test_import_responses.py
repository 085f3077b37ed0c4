"""Reading self-assessment responses: CSV and XLSX, answers and don't know, each problem by row and
column, refusals, and a generated file that reads back to exactly the answers it was made from."""

from __future__ import annotations

import io
import random
from collections import Counter
from typing import Any

import openpyxl
import pytest

from planner.imports.files import ImportRefused, Limits
from planner.imports.responses import EVERY_ITEM, KINDS, SCALE_WORDS, ResponsesResult, read_responses
from planner.survey.items import load_default
from planner.survey.scoring import Response, score
from tests.helpers import csv_bytes, xlsx_bytes

INSTRUMENT = load_default()
ITEMS = INSTRUMENT.item_keys()
GROUPS = INSTRUMENT.group_lookup()


def read(data: bytes, filename: str = "responses.csv", **kwargs: Any) -> ResponsesResult:
    return read_responses(data, filename, items=ITEMS, groups=GROUPS, **kwargs)


ROWS = [
    ["Group", "cv1", "cv2", "cv3"],
    ["board", 5, 4, 3],
    ["Frontline staff", 1, "don't know", ""],
    ["PARTNER-ORGANISATIONS", "Strongly agree", "Disagree", "n/a"],
    [None, None, None, None],
    ["frontline", "DK", "2", "Neither agree nor disagree"],
]
EXPECTED = [
    Response("board", {"cv1": 5, "cv2": 4, "cv3": 3}),
    Response("frontline", {"cv1": 1, "cv2": None, "cv3": None}),
    Response("partners", {"cv1": 5, "cv2": 2, "cv3": None}),
    Response("frontline", {"cv1": None, "cv2": 2, "cv3": 3}),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_file_reads_to_its_responses(kind: str) -> None:
    data = csv_bytes(ROWS) if kind == "csv" else xlsx_bytes(ROWS)
    result = read(data, f"responses.{kind}")
    assert result.file_kind == kind
    assert result.rows_read == 4  # the blank row is skipped
    assert result.responses == EXPECTED
    assert result.problems == [] and result.problem_totals == {}
    assert result.importable
    assert result.ignored_columns == []
    assert result.missing_items == [key for key in ITEMS if key not in ("cv1", "cv2", "cv3")]


@pytest.mark.parametrize("cell", ["don't know", "Don't Know", "DONT KNOW", "do not know", "dk", "D/K", "n/a", "N/A",
                                  "not applicable", "", "  ", None])
def test_dont_know_and_blank_are_no_answer(cell: Any) -> None:
    result = read(xlsx_bytes([["group", "cv1", "cv2"], ["board", cell, 4]]), "r.xlsx")
    assert result.responses == [Response("board", {"cv1": None, "cv2": 4})]


@pytest.mark.parametrize(("cell", "answer"), [
    (1, 1), (5, 5), (3.0, 3), ("4", 4), ("4.0", 4), (" 2 ", 2), ("Strongly disagree", 1), ("disagree", 2),
    ("Neither agree nor disagree", 3), ("AGREE", 4), ("strongly-agree", 5),
])
def test_answers_as_numbers_or_the_scales_words(cell: Any, answer: int) -> None:
    result = read(xlsx_bytes([["group", "cv1"], ["board", cell]]), "r.xlsx")
    assert result.responses == [Response("board", {"cv1": answer})]


def test_the_scale_words_are_the_instruments_labels() -> None:
    from planner.imports.columns import normalise

    assert {normalise(p.label): p.value for p in INSTRUMENT.scale if p.value is not None} == SCALE_WORDS


@pytest.mark.parametrize(("spelling", "key"), [
    ("board", "board"), ("Board members", "board"), ("BOARD MEMBERS", "board"), ("board-members", "board"),
    ("  Senior   leaders ", "senior"), ("patient and public representatives", "patients"),
    ("Partner organisations.", "partners"), ("frontline", "frontline"),
])
def test_groups_by_key_or_name_ignoring_case_and_punctuation(spelling: str, key: str) -> None:
    result = read(csv_bytes([["group", "cv1"], [spelling, 3]]))
    assert result.responses == [Response(key, {"cv1": 3})]


@pytest.mark.parametrize(("group", "cell", "kind", "column", "says"), [
    ("board", 6, "bad answer", "CV1", "'6' is not an answer from 1 to 5"),
    ("board", 0, "bad answer", "CV1", "'0' is not an answer"),
    ("board", 3.5, "bad answer", "CV1", "'3.5' is not an answer"),
    ("board", "yes", "bad answer", "CV1", "'yes' is not an answer"),
    ("board", "4 - agree", "bad answer", "CV1", "'4 - agree' is not an answer"),
    ("board", True, "bad answer", "CV1", "'TRUE' is not an answer"),
    ("", 4, "missing value", "Respondent Group", "No respondent group is given."),
    ("visitors", 4, "unknown group", "Respondent Group", "'visitors' is not the key or name of a respondent group."),
    ("board", "dk", "empty response", EVERY_ITEM, "No item is answered from 1 to 5"),
    ("board", None, "empty response", EVERY_ITEM, "No item is answered from 1 to 5"),
])
def test_each_problem_by_row_and_column(group: str, cell: Any, kind: str, column: str, says: str) -> None:
    rows = [["Survey export"], [], ["Respondent Group", "CV1", "cv2", "Comments"],
            ["board", 4, 4, "fine"], [group, cell, None, "x"], ["middle", 2, 2, ""]]
    result = read(xlsx_bytes(rows), "r.xlsx")
    assert result.problem_totals == {kind: 1}
    [problem] = result.problems
    assert (problem.row, problem.column, problem.kind) == (5, column, kind)
    assert says in problem.message
    assert not result.importable
    assert result.rows_read == 3
    assert len(result.responses) == 2  # the good rows, for the preview; nothing is imported
    assert result.ignored_columns == ["Comments"]


def test_problems_in_several_cells_of_one_row_are_all_reported() -> None:
    result = read(csv_bytes([["group", "cv1", "cv2"], ["nobody", "7", "eight"]]))
    assert [(p.row, p.column, p.kind) for p in result.problems] == [
        (2, "group", "unknown group"), (2, "cv1", "bad answer"), (2, "cv2", "bad answer")]
    assert result.problem_totals == {"unknown group": 1, "bad answer": 2}
    assert list(result.problem_totals) == [k for k in KINDS if k in result.problem_totals]


def test_only_the_first_hundred_problems_are_kept_but_all_are_counted() -> None:
    rows = [["group", "cv1"]] + [["board", 9]] * 250
    result = read(csv_bytes(rows))
    assert len(result.problems) == 100 and result.problem_totals == {"bad answer": 250}
    assert result.problems[-1].row == 101


def test_unknown_item_columns_are_ignored_and_listed() -> None:
    result = read(csv_bytes([["Timestamp", "group", "cv1", "cv99", "Email"], ["2025-01-01", "board", 4, 5, "a@b"]]))
    assert result.ignored_columns == ["Timestamp", "cv99", "Email"]
    assert result.responses == [Response("board", {"cv1": 4})]
    assert "a@b" not in repr(result)


def test_headings_match_item_keys_ignoring_case_spaces_and_punctuation() -> None:
    result = read(csv_bytes([["GROUP", "CV 1", "of_2", "Ml-3"], ["board", 1, 2, 3]]))
    assert result.responses == [Response("board", {"cv1": 1, "of2": 2, "ml3": 3})]


def test_semicolons_and_windows_text() -> None:
    data = csv_bytes([["group", "cv1", "cv2"], ["Board members", "Agree", "Don’t know"]], delimiter=";",
                     encoding="cp1252")
    result = read(data)
    assert result.responses == [Response("board", {"cv1": 4, "cv2": None})]


def test_a_named_sheet() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    sheet = workbook.create_sheet("Answers")
    sheet.append(["group", "cv1"])
    sheet.append(["middle", 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read(buffer.getvalue(), "r.xlsx", sheet="answers").responses == [Response("middle", {"cv1": 2})]


HTML = b"<!DOCTYPE html><html><body><table><tr><td>group</td><td>cv1</td></tr></table></body></html>"


@pytest.mark.parametrize(("data", "filename", "says"), [
    (b"", "r.csv", "The file is empty."),
    (b"\r\n \r\n", "r.csv", "The file is empty."),
    (HTML, "responses.xlsx", "it looks like a web page."),
    (b"group,cv1\r\nboard,4\r\n", "responses.xlsx", "named as an Excel workbook but is not one"),
    (b"%PDF-1.7 ...", "r.csv", "it looks like a PDF document."),
    (b"cv1,cv2\r\n4,5\r\n", "r.csv", "The file has no 'group' column."),
    (b"group,cv1,group\r\nboard,4,board\r\n", "r.csv", "more than one 'group' column"),
    (b"group,cv1,CV 1\r\nboard,4,4\r\n", "r.csv", "more than one column for the item 'cv1'"),
    (b"group,comments\r\nboard,ok\r\n", "r.csv", "no column headed with an item key (cv1, cv2, cv3, ...)"),
    (b"group,cv1\r\n\r\n,\r\n", "r.csv", "The file has column headings but no responses."),
])
def test_refusals_are_one_sentence(data: bytes, filename: str, says: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        read(data, filename)
    assert says in caught.value.message
    assert caught.value.message.count(". ") == 0 and caught.value.message.endswith(".")


def test_an_empty_workbook_and_a_missing_sheet_are_refused() -> None:
    with pytest.raises(ImportRefused, match="The workbook's first sheet is empty."):
        read(xlsx_bytes([]), "r.xlsx")
    with pytest.raises(ImportRefused, match="no sheet called 'Other'"):
        read(xlsx_bytes([["group", "cv1"], ["board", 4]]), "r.xlsx", sheet="Other")


def test_size_and_row_limits_apply() -> None:
    data = csv_bytes([["group", "cv1"]] + [["board", 4]] * 20)
    with pytest.raises(ImportRefused, match="the limit is 100 bytes"):
        read(data, limits=Limits(max_bytes=100))
    with pytest.raises(ImportRefused, match="more than 10 responses; the limit is 10"):
        read(data, limits=Limits(max_rows=10))


def test_item_keys_that_read_alike_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="read alike"):
        read_responses(b"group,cv1\r\nboard,1\r\n", "r.csv", items=["cv1", "CV_1"], groups=GROUPS)


def generated(seed: int) -> tuple[list[list[Any]], list[tuple[str, dict[str, int | None]]]]:
    """Rows of a file (answers spelled in the ways a survey tool might) and the truth they were made from."""
    rnd = random.Random(seed)
    spellings: dict[int | None, list[Any]] = {
        1: [1, "1", "Strongly disagree"], 2: [2, "2.0", "disagree"], 3: [3, 3.0, "Neither agree nor disagree"],
        4: [4, "4", "Agree"], 5: [5, "Strongly Agree"], None: ["", None, "Don't know", "DK", "n/a"],
    }
    names = {g.key: [g.key, g.name, g.name.upper()] for g in INSTRUMENT.groups}
    truth: list[tuple[str, dict[str, int | None]]] = []
    rows: list[list[Any]] = [["Response ID", "group", *ITEMS]]
    for number in range(rnd.randint(30, 120)):
        group = rnd.choice(list(names))
        answers: dict[str, int | None] = {key: rnd.choice([1, 2, 3, 4, 5, None]) for key in ITEMS}
        answers[rnd.choice(ITEMS)] = rnd.randint(1, 5)  # never an empty response
        truth.append((group, answers))
        rows.append([f"R{number}", rnd.choice(names[group]), *(rnd.choice(spellings[answers[k]]) for k in ITEMS)])
    return rows, truth


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("seed", range(4))
def test_a_generated_file_reads_back_to_exactly_its_answers(kind: str, seed: int) -> None:
    rows, truth = generated(seed)
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    result = read(data, f"generated.{kind}")
    assert result.importable and result.ignored_columns == ["Response ID"] and result.missing_items == []
    assert result.rows_read == len(truth)
    # An independent count of (group, item, answer) from the truth, against the same count of what was read.
    expected = Counter((group, key, value) for group, answers in truth for key, value in answers.items())
    got = Counter((r.group, key, value) for r in result.responses for key, value in r.answers.items())
    assert got == expected
    assert [(r.group, dict(r.answers)) for r in result.responses] == truth
    dimensions = INSTRUMENT.dimensions
    assert score(result.responses, dimensions) == score([Response(g, a) for g, a in truth], dimensions)
