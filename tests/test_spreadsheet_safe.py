"""Spreadsheet-safe text is one rule (planner.spreadsheet_safe), and every writer keeps to it: the CSV
downloads put a quote before a formula's first character, the Excel workbooks store such text as text."""

from __future__ import annotations

import csv
import io

import pytest

from planner.exports.book import Book
from planner.imports.objectives import read_objectives, write_objectives_csv
from planner.spreadsheet_safe import FORMULA_START, runs_as_formula, spreadsheet_safe, unquoted


def test_text_that_would_run_is_quoted_and_other_text_is_not() -> None:
    cases = ("=1", "+1", "-1", "@a", "\tx", "\rx", "\nx", "a=1", "", "'=1", "x\n=1")
    assert [spreadsheet_safe(t) for t in cases] == [
        "'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "'\nx", "a=1", "", "'=1", "x\n=1"]


# (Text that itself starts with a quote and a formula character reads back without the quote, as it does
# in a spreadsheet program.)
@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@a", "\tx", "\rx", "\nx", "a=1", "'a", "", "'"])
def test_what_is_quoted_is_read_back_as_it_was(text: str) -> None:
    assert unquoted(spreadsheet_safe(text)) == text


@pytest.mark.parametrize("first", FORMULA_START)
def test_the_csv_download_and_the_workbook_keep_the_same_text_as_text(first: str) -> None:
    title = f"{first}HYPERLINK(\"http://example.com\")"
    assert runs_as_formula(title)
    row = list(csv.reader(io.StringIO(write_objectives_csv([{"ref": "S1", "title": title, "level": "strategic"}])
                                      .decode("utf-8-sig"))))[1]
    assert row[2] == "'" + title
    book = Book()
    ws = book.sheet("Text")
    book.put(ws, 1, 1, title)
    assert ws["A1"].data_type == "s" and ws["A1"].quotePrefix and ws["A1"].value == title


def test_a_title_starting_with_a_line_break_is_quoted_in_the_objectives_download() -> None:
    # The objectives download once used its own list, without the line feed that the workbook's had.
    download = write_objectives_csv([{"ref": "S1", "title": "\n=1+1", "level": "strategic"}])
    assert list(csv.reader(io.StringIO(download.decode("utf-8-sig"))))[1][2] == "'\n=1+1"
    read = read_objectives(download, "objectives.csv", existing_refs={}, areas={})
    assert [row.title for row in read.rows] == ["=1+1"]  # the quote is taken off; the text is on one line
