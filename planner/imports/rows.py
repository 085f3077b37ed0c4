"""Opening an uploaded file as rows and finding its heading row: shared by every importer that
reads a one-row-per-record file (responses, assessments, objectives)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import TypeVar

from planner.imports.columns import HEADER_SEARCH_ROWS
from planner.imports.files import ImportRefused, Limits, Row, check_size, csv_rows, kind_of
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
