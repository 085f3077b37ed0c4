"""Reading self-assessment responses (CSV or XLSX) for `planner import-responses`: a `group` column and
one column per item key, each answer 1 to 5, blank, or don't know. All or nothing: any problem in any
row stops the import, and each problem is reported by row and column. The file is read in memory with
the same safety checks as the staff import (size limit, kind judged by content, zip checks, row limit).

The opening and heading-row search here are shared with the competency assessments import."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import TypeVar

from planner.imports.columns import find_heading_row, normalise
from planner.imports.files import ImportRefused, Limits
from planner.imports.rows import Problems, ReadResult, more_than, open_rows
from planner.imports.values import AreaLookup, cell_text, shown
from planner.survey.scoring import Response

__all__ = ["DONT_KNOW", "KINDS", "ResponsesResult", "find_heading_row", "open_rows", "parse_answer",
           "read_responses"]

KINDS = ("missing value", "unknown group", "bad answer", "empty response")
GROUP_HEADINGS = ("group", "respondentgroup")  # as normalise() spells them
# Answers that mean "no answer": left out of every figure. Matched ignoring case, spaces and punctuation.
DONT_KNOW = frozenset({"dontknow", "donotknow", "dk", "na", "notapplicable"})
# The scale's own words (as in data/survey/items.json), for survey tools that export labels, not numbers.
SCALE_WORDS = {"stronglydisagree": 1, "disagree": 2, "neitheragreenordisagree": 3, "agree": 4, "stronglyagree": 5}
_NUMBER = re.compile(r"^([1-5])(?:\.0+)?$")
EVERY_ITEM = "(every item)"  # the column named in an "empty response" problem


class _Bad:
    """A cell that is not an answer."""


BAD = _Bad()
_UNSEEN = _Bad()
T = TypeVar("T")


def parse_answer(value: object) -> int | None | _Bad:
    """1 to 5 from a number or the scale's words; None for blank or don't know; BAD otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        return BAD
    if isinstance(value, int | float):
        return int(value) if value in (1, 2, 3, 4, 5) else BAD
    text = cell_text(value)
    if not text:
        return None
    number = _NUMBER.match(text)
    if number:
        return int(number.group(1))
    words = normalise(text)
    if words in DONT_KNOW:
        return None
    return SCALE_WORDS.get(words, BAD)


@dataclass
class _Columns:
    group: int
    items: dict[str, int]
    headings: dict[str, str]  # "group" or item key -> the file's heading
    ignored: list[str]


def _columns_for(items: Sequence[str]) -> Callable[[list[str]], _Columns | str]:
    wanted = {normalise(key): key for key in items}

    def accept(cells: list[str]) -> _Columns | str:
        keys = [normalise(cell) for cell in cells]
        groups = [i for i, k in enumerate(keys) if k in GROUP_HEADINGS]
        if not groups:
            return "The file has no 'group' column."
        if len(groups) > 1:
            return "The file has more than one 'group' column: rename or remove one of them."
        found: dict[str, int] = {}
        for i, k in enumerate(keys):
            item = wanted.get(k)
            if item is None:
                continue
            if item in found:
                return f"The file has more than one column for the item '{item}': remove one of them."
            found[item] = i
        if not found:
            listed = ", ".join(items[:3]) + (", ..." if len(items) > 3 else "")
            return f"The file has a 'group' column but no column headed with an item key ({listed})."
        used = {groups[0], *found.values()}
        return _Columns(
            group=groups[0],
            items={key: found[key] for key in items if key in found},
            headings={"group": cells[groups[0]][:60]} | {key: cells[i][:60] for key, i in found.items()},
            ignored=[c[:60] for i, c in enumerate(cells) if c and i not in used],
        )

    return accept


@dataclass
class ResponsesResult(ReadResult):
    """The responses read from a file, and every problem that stops them being imported."""

    responses: list[Response]
    missing_items: list[str] = field(default_factory=list)  # item keys with no column in the file

    @property
    def importable(self) -> bool:
        """No problems at all, and at least one response."""
        return not self.problem_totals and bool(self.responses)


def read_responses(
    data: bytes,
    filename: str,
    *,
    items: Sequence[str],
    groups: Mapping[str, str],
    sheet: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so one shared default is safe)
) -> ResponsesResult:
    """Read responses held in memory; ImportRefused (one sentence) if the file cannot be read at all.

    `items` are the instrument's item keys; `groups` maps each group's key and name to its key."""
    if len({normalise(key) for key in items}) != len(items):
        raise ValueError("Two item keys read alike when case and punctuation are ignored.")
    group_of = AreaLookup(groups).code
    memo: dict[tuple[type, object], int | None | _Bad] = {}
    problem = Problems()  # given the file's heading itself
    responses: list[Response] = []
    rows_read = 0

    kind, rows, empty = open_rows(data, filename, sheet, limits)
    with closing(rows):
        columns = find_heading_row(rows, _columns_for(items), empty=empty)
        used = tuple(columns.items.items())

        for number, row in rows:
            width = len(row)
            group_text = cell_text(row[columns.group]) if columns.group < width else ""
            raw = {key: (row[i] if i < width else None) for key, i in used}
            if not group_text and all(v is None or cell_text(v) == "" for v in raw.values()):
                continue  # a blank row
            rows_read += 1
            if rows_read > limits.max_rows:
                raise ImportRefused(more_than(limits.max_rows, "responses"))
            before = problem.count()
            group = group_of(group_text) if group_text else None
            if not group_text:
                problem(number, columns.headings["group"], "missing value", "No respondent group is given.")
            elif group is None:
                problem(number, columns.headings["group"], "unknown group",
                        f"{shown(group_text)} is not the key or name of a respondent group.")
            answers: dict[str, int | None] = {}
            bad = False
            for key, value in raw.items():
                memo_key = (type(value), value)  # 1, 1.0 and True are equal as keys, but not as answers
                answer = memo.get(memo_key, _UNSEEN)
                if answer is _UNSEEN:
                    answer = memo[memo_key] = parse_answer(value)
                if isinstance(answer, _Bad):
                    bad = True
                    problem(number, columns.headings[key], "bad answer",
                            f"{shown(cell_text(value))} is not an answer from 1 to 5 or don't know.")
                else:
                    answers[key] = answer
            if not bad and all(answer is None for answer in answers.values()):
                problem(number, EVERY_ITEM, "empty response",
                        "No item is answered from 1 to 5 (every answer is blank or don't know).")
            if problem.count() == before:
                assert group is not None
                responses.append(Response(group, answers))
    if rows_read == 0:
        raise ImportRefused("The file has column headings but no responses.")
    return ResponsesResult(
        file_kind=kind,
        rows_read=rows_read,
        responses=responses,
        problems=problem.found,
        problem_totals=problem.totals_of(KINDS),
        ignored_columns=columns.ignored,
        missing_items=[key for key in items if key not in columns.items],
    )

