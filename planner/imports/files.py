"""Reading an uploaded file safely: the size limit, the kind of file judged by its content (never its
name), and CSV rows from bytes held in memory. Every refusal is one sentence in an ImportRefused.

Nothing is written to disk and nothing is logged: the caller's bytes are decoded in memory and
the rows are yielded one at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Sequence
from dataclasses import dataclass

MB = 1024 * 1024

Row = Sequence[object]


@dataclass(frozen=True)
class Limits:
    """How large an upload may be, and how far an XLSX may expand when opened."""

    max_bytes: int = 20 * MB
    max_rows: int = 500_000
    max_uncompressed: int = 200 * MB
    max_members: int = 10_000
    max_ratio: int = 100


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


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportRefused("The file says it is UTF-16 text but is not.") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            "The file's text is neither UTF-8 nor Windows-1252: save it from Excel as 'CSV UTF-8'."
        ) from error


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the first line uses most (comma when none)."""
    first = text[: text.find("\n") if "\n" in text else 4096]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_rows(data: bytes) -> Generator[tuple[int, Row], None, None]:
    """(row number as a spreadsheet shows it, cells) for every record, blank ones included."""
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):  # noqa: B007 (number is reported on an error)
            yield number, row
    except csv.Error as error:
        raise ImportRefused(f"The CSV file could not be read at row {number + 1:,} ({error}).") from error
