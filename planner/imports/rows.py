"""Opening an uploaded file as rows and finding its heading row: shared by every importer that
reads a one-row-per-record file (responses, assessments, objectives)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from planner.imports.columns import HEADER_SEARCH_ROWS
from planner.imports.files import ImportRefused, Limits, Row, check_size, csv_rows, kind_of
from planner.imports.values import cell_text, shown
from planner.imports.workbook import xlsx_rows

T = TypeVar("T")


def open_rows(data: bytes, filename: str, sheet: str | None,
              limits: Limits) -> tuple[str, Generator[tuple[int, Row], None, None], str]:
    """The file's kind, its rows, and the sentence for a file with nothing in it; refuses unsafe files."""
    check_size(data, limits)
    kind = kind_of(data, filename)
    rows = xlsx_rows(data, sheet, limits) if kind == "xlsx" else csv_rows(data, limits)
    empty = "The file is empty." if kind == "csv" else (
        f"The sheet '{sheet[:40]}' is empty." if sheet else "The workbook's first sheet is empty.")
    return kind, rows, empty


def find_heading_row(rows: Iterator[tuple[int, Row]], accept: Callable[[list[str]], T | str], *, empty: str) -> T:
    """The first of the first 20 non-blank rows that `accept` takes as the heading row (it returns the
    reason when it does not); refuses with the first non-blank row's reason, or `empty`."""
    first_reason: str | None = None
    seen = 0
    for _, row in rows:
        cells = ["" if v is None else " ".join(str(v).split()) for v in row]
        if not any(cells):
            continue
        found = accept(cells)
        if not isinstance(found, str):
            return found
        first_reason = first_reason or found
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    raise ImportRefused(first_reason or empty)


def cells_of(row: Row, used: Iterable[tuple[str, int]]) -> tuple[dict[str, Any], dict[str, str]]:
    """A row's cells by our name for each column used (None past the row's end), and each cell's text."""
    width = len(row)
    raw = {ours: (row[i] if i < width else None) for ours, i in used}
    return raw, {ours: cell_text(value) for ours, value in raw.items()}


Problem = Callable[[int, str, str, str], None]  # (row number, our column, kind of problem, message)


def look_up(number: int, text: Mapping[str, str], lookups: Mapping[str, Callable[[str], str | None]],
            unknown: Mapping[str, tuple[str, str]], problem: Problem) -> dict[str, str]:
    """The code each looked-up column names (an area, a level...); a missing or unknown one is a problem,
    `unknown` giving its kind and the words after the value ("is not the code or name of an area...")."""
    found: dict[str, str] = {}
    for ours, lookup in lookups.items():
        if not text[ours]:
            problem(number, ours, "missing value", f"No {ours} is given.")
            continue
        code = lookup(text[ours])
        if code is None:
            problem(number, ours, unknown[ours][0], f"{shown(text[ours])} {unknown[ours][1]}")
        else:
            found[ours] = code
    return found
