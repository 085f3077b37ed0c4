"""Reading an uploaded file safely: the size limit, the kind of file judged by its content (never its
name), and CSV rows from bytes held in memory. Every refusal is one sentence in an ImportRefused.

Nothing is written to disk and nothing is logged: the caller's bytes are decoded in memory and
the rows are yielded one at a time."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import cast

from planner.imports.limits import MB, Limits

__all__ = ["MB", "ImportRefused", "Limits", "Row", "check_size", "csv_batches", "csv_rows",
           "decode_text", "kind_of", "limited_batches", "limited_rows"]

Row = Sequence[object]


class ImportRefused(Exception):
    """The file cannot be read at all; `message` is one sentence for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def size_text(n: int, *, decimals: int = 1) -> str:
    """'23.4 MB', '4.1 GB', '900 KB', '12 bytes'; whole numbers without '.0'."""
    for unit, scale in (("GB", 1024 * MB), ("MB", MB), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.{decimals}f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{n:,} bytes"


def over_text(n: int, limit: int) -> str:
    """A size over a limit, with enough decimals that it does not read as equal to the limit."""
    for decimals in (1, 2, 3):
        if size_text(n, decimals=decimals) != size_text(limit, decimals=decimals):
            return size_text(n, decimals=decimals)
    return f"{n:,} bytes"


def check_size(data: bytes, limits: Limits) -> None:
    """Refuse an empty file or one over the size limit."""
    if len(data) > limits.max_bytes:
        raise ImportRefused(
            f"The file is {over_text(len(data), limits.max_bytes)}; the limit is {size_text(limits.max_bytes)}."
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportRefused("The file is empty.")


NOT_TABULAR = "This file is not an Excel workbook (.xlsx) or a CSV file: "
_OTHER_KINDS = (
    (b"\xd0\xcf\x11\xe0", "This file is an Excel 97-2003 workbook (.xls) or a password-protected workbook, which "
                          "cannot be read: save it as an Excel workbook (.xlsx) without a password, or as CSV."),
    (b"%PDF", NOT_TABULAR + "it looks like a PDF document."),
    (b"{\\rtf", NOT_TABULAR + "it looks like a Rich Text document."),
    (b"\x89PNG", NOT_TABULAR + "it looks like a picture."),
    (b"\xff\xd8\xff", NOT_TABULAR + "it looks like a picture."),
    (b"GIF8", NOT_TABULAR + "it looks like a picture."),
    (b"\x1f\x8b", NOT_TABULAR + "it looks like a compressed (gzip) file."),
    (b"Rar!", NOT_TABULAR + "it looks like a compressed (RAR) file."),
    (b"7z\xbc\xaf", NOT_TABULAR + "it looks like a compressed (7-Zip) file."),
)
_MARKUP = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<script", b"<table", b"<div", b"<!--")


def kind_of(data: bytes, filename: str) -> str:
    """'xlsx' (a zip, checked further when opened) or 'csv', judged by the bytes; refuses anything else."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "xlsx"
    for magic, message in _OTHER_KINDS:
        if data.startswith(magic):
            raise ImportRefused(message)
    start = data[:2048].lstrip(b" \t\r\n\xef\xbb\xbf").replace(b"\x00", b"").lstrip(b"\xff\xfe").lower()
    if start.startswith(_MARKUP) or b"<html" in start:
        raise ImportRefused(NOT_TABULAR + "it looks like a web page.")
    if start.startswith(b"<?xml") or start.startswith(b"<"):
        raise ImportRefused(NOT_TABULAR + "it looks like an XML file.")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(NOT_TABULAR + "it looks like a binary file.")
    if filename.lower().rsplit(".", 1)[-1] in ("xlsx", "xlsm", "xls"):
        raise ImportRefused(
            "This file is named as an Excel workbook but is not one: it looks like a CSV or text file, "
            "so save it from Excel as .xlsx, or rename it .csv."
        )
    return "csv"


# A character of two to four bytes as UTF-8 writes it (RFC 3629): a file holding one was saved as UTF-8.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                             rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                             rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
SAVE_AS_UTF8 = "save the file as CSV UTF-8 and try again."


def _line_of(data: bytes, at: int, newline: bytes = b"\n") -> int:
    """The line (counted from 1) holding byte `at`."""
    return data.count(newline, 0, at) + 1


def decode_text(data: bytes) -> str:
    """The text of a CSV file in ONE encoding: UTF-8 (with or without a BOM), UTF-16 with a BOM, or
    Windows-1252 when no part of the file is UTF-8; a file mixing them is refused, naming the first bad line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            text = data[: error.start - error.start % 2].decode("utf-16", "replace")
            raise ImportRefused(f"Line {text.count(chr(10)) + 1:,} is not UTF-16 text, though the file says it "
                                f"is; {SAVE_AS_UTF8}") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        first_bad = error.start
    # Not all UTF-8. Windows-1252 only when nothing in the file is UTF-8 either: a file with lines of each
    # (pasted together from two sources) would otherwise be read with the UTF-8 lines garbled ("SiÃ¢n").
    if data.startswith(b"\xef\xbb\xbf") or _UTF8_MULTIBYTE.search(data):
        raise ImportRefused(f"Line {_line_of(data, first_bad):,} is not UTF-8 text; {SAVE_AS_UTF8}")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportRefused(f"Line {_line_of(data, error.start):,} is neither UTF-8 nor Windows-1252 text; "
                            f"{SAVE_AS_UTF8}") from error


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the first line uses most (comma when none)."""
    end = text.find("\n")
    first = text[: end if end >= 0 else 4096]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines breaks at these too
_CHUNK = 1024 * 1024  # characters split into lines at a time


class _Lines:
    """The lines of the text with their endings (\\n, \\r\\n or \\r), never a second copy of the whole file:
    a megabyte at a time, cut after a line feed, split by str.splitlines where it breaks lines only where
    CSV does (at \\n, \\r\\n and \\r), else by a pattern that does. Iterated at C speed (a chain of each
    megabyte's list of lines, not a generator resumed for every line); `longest` is the length of the longest
    line handed out so far, or of one not yet handed out (the megabyte being read)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.longest = 0

    def __iter__(self) -> Iterator[str]:
        return chain.from_iterable(self._chunks())

    def _chunks(self) -> Iterator[list[str]]:
        text, start = self.text, 0
        while start < len(text):
            end = text.find("\n", start + _CHUNK)
            end = len(text) if end < 0 else end + 1
            chunk = text[start:end]
            # Each character looked for on its own: a memchr-like scan, several times quicker than one pattern.
            odd = any(character in chunk for character in _OTHER_BREAKS)
            lines = list(map(re.Match.group, _LINE.finditer(chunk))) if odd else chunk.splitlines(keepends=True)
            self.longest = max(self.longest, max(map(len, lines), default=0))
            yield lines
            start = end


def _widest(row: Row, number: int, limits: Limits) -> Row:
    """A row over the column limit, cut to it when only blank cells are past it; refused otherwise."""
    tail = row[limits.max_columns:]
    if tail.count(None) + tail.count("") == len(tail):
        return row[: limits.max_columns]
    width = next(i for i in range(len(row), 0, -1) if row[i - 1] is not None and row[i - 1] != "")
    raise ImportRefused(f"Row {number:,} has {width:,} columns; the limit is {limits.max_columns:,}.")


BATCH = 2000  # rows read and checked at a time: the checks run over a batch at C speed, not row by row


def _check_row(number: int, row: Row, cells: int, limits: Limits, text_only: bool) -> Row:
    """One row against the limits, `cells` counted up to and including it; the row, cut if it may be."""
    if number > limits.max_lines:
        raise ImportRefused(f"The file has more than {limits.max_lines:,} rows (blank ones included); "
                            f"the limit is {limits.max_lines:,}.")
    if cells > limits.max_cells:
        raise ImportRefused(f"The file has more than {limits.max_cells:,} cells (rows times columns, blank "
                            f"ones included); the limit is {limits.max_cells:,}.")
    if len(row) > limits.max_columns:
        row = _widest(row, number, limits)
    if text_only:
        longest = max(map(len, cast("Sequence[str]", row)), default=0)  # a CSV's cells are all text
    else:
        longest = max((len(value) for value in row if type(value) is str), default=0)
    if longest > limits.max_cell_chars:
        raise ImportRefused(f"Row {number:,} has a cell of {longest:,} characters; "
                            f"the limit is {limits.max_cell_chars:,}.")
    return row


def _longest(batch: list[Row], text_only: bool) -> int:
    cells = chain.from_iterable(batch)
    if text_only:
        return max(map(len, cast("Iterator[str]", cells)), default=0)  # a CSV's cells are all text
    return max((len(value) for value in cells if type(value) is str), default=0)


def limited_batches(rows: Iterable[Row], limits: Limits, *, text_only: bool = False, size: int = BATCH,
                    longest: Callable[[list[Row]], int] | None = None) -> Generator[tuple[int, list[Row]], None, None]:
    """(first row's number, rows) a batch at a time, refusing the file at the first row that passes a limit
    on rows, columns, cells or a cell's length (the rows before it are yielded first, as one row at a time
    would be), so no more than a batch past it is read. `text_only`: every cell is a str (CSV). `longest`, if
    given, is called with each batch and returns at least the length of its longest cell (by default, that
    length measured)."""
    source = iter(rows)
    if longest is None:
        def longest(batch: list[Row]) -> int:
            return _longest(batch, text_only)

    number = cells = 0  # rows and cells before this batch
    failed: Exception | None = None
    while failed is None:
        batch: list[Row] = []
        try:
            batch.extend(islice(source, size))  # keeps the rows read before a row that cannot be read
        except Exception as error:  # noqa: BLE001 (raised again once the rows before it are checked and yielded)
            failed = error
        if not batch:
            break
        width = sum(map(len, batch))
        if (number + len(batch) <= limits.max_lines and cells + width <= limits.max_cells
                and max(map(len, batch)) <= limits.max_columns
                and longest(batch) <= limits.max_cell_chars):
            yield number + 1, batch
            number, cells = number + len(batch), cells + width
            continue
        # Something in this batch passes a limit (or a wide row may be cut): row by row, as it was read.
        checked: list[Row] = []
        try:
            for row in batch:
                cells += len(row)
                checked.append(_check_row(number + len(checked) + 1, row, cells, limits, text_only))
        except ImportRefused:
            if checked:
                yield number + 1, checked
            raise
        yield number + 1, checked
        number += len(checked)
    if failed is not None:
        raise failed


def limited_rows(rows: Iterable[Row], limits: Limits, *,
                 text_only: bool = False) -> Generator[tuple[int, Row], None, None]:
    """(row number, cells) for each row, refusing the file the moment it passes a limit on rows, columns,
    cells or a cell's length, so no more than a batch past it is read. `text_only`: every cell is a str (CSV)."""
    batches = limited_batches(rows, limits, text_only=text_only)
    try:
        for first, batch in batches:
            yield from enumerate(batch, start=first)
    finally:
        batches.close()


class _CsvRecords:
    """A CSV file's records, and a quick bound on a batch's longest cell: a record read from one line has no
    cell longer than that line, so when a batch's records took a line each, the longest line read so far
    bounds every cell in it (no million cells measured one by one)."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        text = decode_text(data)
        self.lines = _Lines(text)
        self.reader = csv.reader(self.lines, delimiter=_delimiter(text), strict=False)
        self.limits = limits
        self.lines_read = 0  # the reader's lines at the last batch's bound

    def longest(self, batch: list[Row]) -> int:
        """At least the length of the batch's longest cell; `limited_batches` calls it once per batch it reads."""
        lines, self.lines_read = self.reader.line_num - self.lines_read, self.reader.line_num
        if lines == len(batch) and self.lines.longest <= self.limits.max_cell_chars:
            return self.lines.longest
        return _longest(batch, True)  # a record over several lines (a quoted line break), or a long line


def csv_batches(data: bytes, limits: Limits) -> Generator[tuple[int, list[Row]], None, None]:
    """(first row's number as a spreadsheet shows it, rows) for every record, blank ones included, a batch
    at a time within the limits."""
    records = _CsvRecords(data, limits)
    batches = limited_batches(records.reader, limits, text_only=True, longest=records.longest)
    number = 0
    try:
        for first, batch in batches:
            number = first + len(batch) - 1
            yield first, batch
    except csv.Error as error:
        raise ImportRefused(f"The CSV file could not be read at row {number + 1:,} ({error}).") from error
    finally:
        batches.close()


def csv_rows(data: bytes, limits: Limits) -> Generator[tuple[int, Row], None, None]:
    """(row number as a spreadsheet shows it, cells) for every record, blank ones included, within the limits."""
    batches = csv_batches(data, limits)
    try:
        for first, batch in batches:
            yield from enumerate(batch, start=first)
    finally:
        batches.close()


