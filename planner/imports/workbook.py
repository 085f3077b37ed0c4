"""Opening an XLSX safely. Before openpyxl sees the bytes, the zip is checked: how many parts it
has, how far they declare they expand (in total and by ratio), no encryption, every XML part free
of document type declarations (where entity bombs live), and that it really is a workbook. Then
openpyxl opens it read-only with cached values only (formulas are never computed), and the rows of
one sheet are yielded in small batches."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Generator
from typing import Any

from planner.imports.files import MB, NOT_TABULAR, ImportRefused, Limits, Row, over_text, size_text

DAMAGED = "The workbook is damaged or incomplete (it may have been cut short while saving or uploading)."
_UNSAFE_XML = ("The workbook contains an XML declaration that Excel never writes (a possible attack), "
               "so it was not opened.")
_PROLOG_LIMIT = 64 * 1024
_BATCH = 1000


def _prolog_verdict(head: bytes, complete: bool) -> bool | None:
    """Whether an XML part's prolog (before its first element) is free of '<!' declarations; None: read more."""
    text = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe")
    pos = 0
    while True:
        while pos < len(text) and text[pos] in b" \t\r\n":
            pos += 1
        rest = text[pos:]
        if not rest:
            return True if complete else None
        if not rest.startswith(b"<"):
            # Not XML at all (a picture) when nothing came before; text between declarations is not XML either.
            return text[:pos].strip() == b""
        if len(rest) < 4 and not complete:
            return None
        if rest.startswith(b"<?") or rest.startswith(b"<!--"):
            end = rest.find(b"?>" if rest.startswith(b"<?") else b"-->")
            if end < 0:
                return False if complete else None
            pos += end + 2
            continue
        return not rest.startswith(b"<!")


def _xml_is_safe(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as member:
        head = b""
        while len(head) < _PROLOG_LIMIT:
            chunk = member.read(4096)
            verdict = _prolog_verdict(head + chunk, complete=not chunk)
            if verdict is not None:
                return verdict
            head += chunk
    return False  # a prolog longer than 64 KB is not something Excel writes


def _content_types(archive: zipfile.ZipFile, names: set[str]) -> bytes:
    if "[Content_Types].xml" not in names:
        odf = "mimetype" in names and archive.getinfo("mimetype").file_size < 200
        if odf and b"opendocument.spreadsheet" in archive.read("mimetype"):
            raise ImportRefused("This file is an OpenDocument spreadsheet (.ods): save it as an Excel "
                                    "workbook (.xlsx) or as CSV.")
        raise ImportRefused("This file is a zip archive, not an Excel workbook (.xlsx).")
    if archive.getinfo("[Content_Types].xml").file_size > MB:
        raise ImportRefused(DAMAGED)
    return archive.read("[Content_Types].xml")


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip that is damaged, too big when expanded, too many parts, unsafe XML, or not a workbook."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as error:  # zipfile raises many kinds on a damaged archive
        raise ImportRefused(DAMAGED) from error
    with archive:
        if len(infos) > limits.max_members:
            raise ImportRefused(f"The workbook has {len(infos):,} parts; the limit is {limits.max_members:,}.")
        expanded = sum(i.file_size for i in infos)
        if expanded > limits.max_uncompressed:
            raise ImportRefused(f"The workbook would expand to {over_text(expanded, limits.max_uncompressed)} "
                                f"when opened; the limit is {size_text(limits.max_uncompressed)}.")
        compressed = sum(i.compress_size for i in infos)
        too_packed = [i for i in infos if i.file_size > MB and i.file_size > limits.max_ratio * max(i.compress_size, 1)]
        if too_packed or (expanded > MB and expanded > limits.max_ratio * max(compressed, 1)):
            raise ImportRefused(f"The workbook is compressed more than {limits.max_ratio} to 1 (a sign of a "
                                f"'zip bomb'), so it was not opened.")
        if any(i.flag_bits & 0x1 for i in infos):
            raise ImportRefused("The workbook is encrypted: save it without a password and upload it again.")
        try:
            types = _content_types(archive, {i.filename for i in infos})
            safe = all(_xml_is_safe(archive, i) for i in infos if not i.is_dir())
        except ImportRefused:
            raise
        except Exception as error:
            raise ImportRefused(DAMAGED) from error
        if not safe:
            raise ImportRefused(_UNSAFE_XML)
        if b"spreadsheetml.sheet.main+xml" not in types and b"sheet.macroEnabled.main+xml" not in types:
            for marker, what in ((b"wordprocessingml", "a Word document"), (b"presentationml", "a PowerPoint file")):
                if marker in types:
                    raise ImportRefused(f"{NOT_TABULAR}it looks like {what}.")
            raise ImportRefused("This file is a zip archive, not an Excel workbook (.xlsx).")


def _sheet(workbook: Any, sheet: str | None) -> Any:
    if sheet is None:
        if not workbook.worksheets:
            raise ImportRefused("The workbook has no worksheets.")
        return workbook.worksheets[0]
    names = workbook.sheetnames
    wanted = sheet.strip().casefold()
    name = sheet if sheet in names else next((n for n in names if n.strip().casefold() == wanted), None)
    if name is None:
        listed = ", ".join(f"'{n}'" for n in names[:20])
        raise ImportRefused(f"The workbook has no sheet called '{sheet[:40]}' (its sheets are {listed}).")
    found = workbook[name]
    if not hasattr(found, "iter_rows"):
        raise ImportRefused(f"The sheet '{name}' is a chart, not a worksheet.")
    return found


def _quietly(call: Any) -> Any:
    """openpyxl warns about features it drops (styles, extensions); they do not matter to counting."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="openpyxl")
        return call()


def xlsx_rows(data: bytes, sheet: str | None, limits: Limits) -> Generator[tuple[int, Row], None, None]:
    """(row number, cell values) for every row of the sheet, after the zip checks; values are cached ones."""
    check_zip(data, limits)
    from openpyxl import load_workbook  # imported here so planner.imports stays light for CSV

    try:
        workbook = _quietly(lambda: load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False))
    except Exception as error:  # openpyxl raises many kinds on a malformed part
        raise ImportRefused(DAMAGED) from error
    try:
        worksheet = _sheet(workbook, sheet)
        worksheet.reset_dimensions()  # a wrong <dimension> must not cut the rows short
        rows = worksheet.iter_rows(values_only=True)
        number = 0
        while True:
            batch = _quietly(lambda: [row for _, row in zip(range(_BATCH), rows, strict=False)])
            for row in batch:
                number += 1
                yield number, row
            if len(batch) < _BATCH:
                return
    except ImportRefused:
        raise
    except Exception as error:
        raise ImportRefused(DAMAGED) from error
    finally:
        workbook.close()
