"""Opening an XLSX safely. Before openpyxl sees the bytes, the zip is checked: how many parts it
has, how far they declare they expand (in total, by ratio, the shared text and each settings part),
no encryption, every XML part free of document type declarations (where entity bombs live), and
that it really is a workbook. zipfile never unpacks more of a part than the zip declares, so the
declared sizes bound what is read. Then openpyxl opens it read-only with cached values only
(formulas are never computed), its shared text read here as a counted stream, and the rows of one
sheet are yielded within the limits on rows, columns, cells and cell length (planner.imports.limits)."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Generator
from typing import Any

from planner.imports.files import (
    MB,
    NOT_TABULAR,
    ImportRefused,
    Limits,
    Row,
    limited_batches,
    over_text,
    size_text,
)

DAMAGED = "The workbook is damaged or incomplete (it may have been cut short while saving or uploading)."
_UNSAFE_XML = ("The workbook contains an XML declaration that Excel never writes (a possible attack), "
               "so it was not opened.")
_PROLOG_LIMIT = 64 * 1024
_BATCH = 1000


# Blanks, <?...?> and <!--...--> before the first element, skipped in one pass of the regex engine.
_PROLOG_SKIP = re.compile(rb"(?:[ \t\r\n]+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)


def _prolog_verdict(head: bytes, complete: bool, start: int = 0) -> tuple[bool | None, int]:
    """Whether an XML part's prolog (before its first element) is free of '<!' declarations (None: read
    more), and where to go on from when more is read, so the part is scanned once, not once a chunk."""
    text = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe")
    skipped = _PROLOG_SKIP.match(text, start)
    pos = skipped.end() if skipped else start  # it always matches, if only the empty string
    if pos == len(text):
        return (True if complete else None), pos
    if text[pos] != ord("<"):
        # Not XML at all (a picture) when nothing came before; text between declarations is not XML either.
        return text[:pos].strip() == b"", pos
    if len(text) - pos < 4 and not complete:
        return None, pos
    if text.startswith((b"<?", b"<!--"), pos):  # not closed yet
        return (False if complete else None), pos
    return not text.startswith(b"<!", pos), pos


def _xml_is_safe(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as member:
        head = b""
        pos = 0
        while len(head) < _PROLOG_LIMIT:
            chunk = member.read(4096)
            head += chunk
            verdict, pos = _prolog_verdict(head, complete=not chunk, start=pos)
            if verdict is not None:
                return verdict
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


_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b[^>]*>")
_PART_NAME = re.compile(rb"""PartName\s*=\s*["']/?([^"']+)["']""")


def shared_text_parts(types: bytes) -> set[str]:
    """The parts [Content_Types].xml names as shared strings (openpyxl reads the one it names)."""
    names = set()
    for tag in _OVERRIDE.finditer(types):
        found = _PART_NAME.search(tag.group())
        if found and b"spreadsheetml.sharedStrings+xml" in tag.group():
            names.add(found.group(1).decode("utf-8", "replace"))
    return names


def _settings_part(name: str) -> bool:
    """A part openpyxl reads whole to open the workbook (its styles, sheet list, theme, properties, links)."""
    lower = name.lower()
    return (lower.endswith(".rels") or lower.startswith(("docprops/", "xl/theme/"))
            or lower in ("xl/styles.xml", "xl/workbook.xml"))


def _check_sizes(infos: list[zipfile.ZipInfo], shared: set[str], limits: Limits) -> None:
    """Refuse on the sizes the zip declares for its parts (zipfile never unpacks more than is declared)."""
    expanded = sum(i.file_size for i in infos)
    if expanded > limits.max_uncompressed:
        raise ImportRefused(f"The workbook would expand to {over_text(expanded, limits.max_uncompressed)} "
                            f"when opened; the limit is {size_text(limits.max_uncompressed)}.")
    for info in infos:
        if info.filename in shared and info.file_size > limits.max_shared_text:
            raise ImportRefused(f"The workbook's shared text is {over_text(info.file_size, limits.max_shared_text)} "
                                f"once unpacked; the limit is {size_text(limits.max_shared_text)}.")
        if _settings_part(info.filename) and info.file_size > limits.max_settings_part:
            raise ImportRefused(f"The workbook's part '{info.filename[:60]}' is "
                                f"{over_text(info.file_size, limits.max_settings_part)} once unpacked; the limit "
                                f"is {size_text(limits.max_settings_part)}.")
    compressed = sum(i.compress_size for i in infos)
    too_packed = [i for i in infos if i.file_size > MB and i.file_size > limits.max_ratio * max(i.compress_size, 1)]
    if too_packed or (expanded > MB and expanded > limits.max_ratio * max(compressed, 1)):
        raise ImportRefused(f"The workbook is compressed more than {limits.max_ratio} to 1 (a sign of a "
                            f"'zip bomb'), so it was not opened.")


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip that is damaged, too big when expanded (in total or in any part), has too many parts,
    unsafe XML, or is not a workbook. Only the declared sizes and the parts' first bytes are read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as error:  # zipfile raises many kinds on a damaged archive
        raise ImportRefused(DAMAGED) from error
    with archive:
        if len(infos) > limits.max_members:
            raise ImportRefused(f"The workbook has {len(infos):,} parts; the limit is {limits.max_members:,}.")
        if any(i.flag_bits & 0x1 for i in infos):
            raise ImportRefused("The workbook is encrypted: save it without a password and upload it again.")
        try:
            types = _content_types(archive, {i.filename for i in infos})
        except ImportRefused:
            raise
        except Exception as error:
            raise ImportRefused(DAMAGED) from error
        _check_sizes(infos, shared_text_parts(types), limits)
        try:
            safe = all(_xml_is_safe(archive, i) for i in infos if not i.is_dir())
        except Exception as error:
            raise ImportRefused(DAMAGED) from error
        if not safe:
            raise ImportRefused(_UNSAFE_XML)
        if b"spreadsheetml.sheet.main+xml" not in types and b"sheet.macroEnabled.main+xml" not in types:
            for marker, what in ((b"wordprocessingml", "a Word document"), (b"presentationml", "a PowerPoint file")):
                if marker in types:
                    raise ImportRefused(f"{NOT_TABULAR}it looks like {what}.")
            raise ImportRefused("This file is a zip archive, not an Excel workbook (.xlsx).")


class _Counted:
    """A part being unpacked, read through a count of its bytes: refused the moment it passes `limit`."""

    def __init__(self, source: Any, limit: int) -> None:
        self.source = source
        self.limit = limit
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self.source.read(size if 0 < size <= 64 * 1024 else 64 * 1024)
        self.count += len(chunk)
        if self.count > self.limit:
            raise ImportRefused(f"The workbook's shared text is over the limit of {size_text(self.limit)} "
                                f"once unpacked.")
        return chunk


def read_shared_text(source: Any, limits: Limits) -> list[str]:
    """The workbook's shared strings as openpyxl reads them (plain text, runs of rich text joined, phonetic
    guides left out), streamed: bytes and strings are counted as they are read, and each element is
    dropped once its text is taken (openpyxl keeps them all, and builds an object for each)."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.xml.constants import SHEET_MAIN_NS

    item, text, run = (f"{{{SHEET_MAIN_NS}}}{name}" for name in ("si", "t", "r"))
    strings: list[str] = []
    root = None
    # defusedxml, as openpyxl uses: no document type, no entities (the prolog check already refused them).
    for event, node in iterparse(_Counted(source, limits.max_shared_text), events=("start", "end"),
                                 forbid_dtd=True):
        if root is None:
            root = node
        if event == "end" and node.tag == item:
            parts = [child.text or "" for child in node if child.tag == text]
            parts += [piece.text or "" for child in node if child.tag == run for piece in child if piece.tag == text]
            strings.append(("".join(parts) if len(parts) != 1 else parts[0]).replace("x005F_", ""))
            if len(strings) > limits.max_shared_strings:
                raise ImportRefused(f"The workbook has more than {limits.max_shared_strings:,} different texts; "
                                    f"the limit is {limits.max_shared_strings:,}.")
            root.clear()  # the string is kept; its element goes
    return strings


def _open_workbook(data: bytes, limits: Limits) -> Any:
    """openpyxl's read-only workbook, its shared strings read within the limits."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    # openpyxl is untyped, so its reader is Any to mypy; subclassing it is how its strings are bounded.
    class BoundedReader(ExcelReader):  # type: ignore[misc]
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = read_shared_text(source, limits)

    reader = BoundedReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


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


def _batched(rows: Any) -> Generator[Row, None, None]:
    """openpyxl's rows, read in batches so its warnings are silenced once per batch, not once per row."""
    while True:
        batch = _quietly(lambda: [row for _, row in zip(range(_BATCH), rows, strict=False)])
        yield from batch
        if len(batch) < _BATCH:
            return


def xlsx_batches(data: bytes, sheet: str | None,
                 limits: Limits) -> Generator[tuple[int, list[Row]], None, None]:
    """(first row's number, cell values) a batch of rows at a time for every row of the sheet, after the zip
    checks and within the limits on rows, columns, cells and shared text; values are cached ones (formulas
    are never computed)."""
    check_zip(data, limits)
    try:
        workbook = _quietly(lambda: _open_workbook(data, limits))
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a malformed part
        raise ImportRefused(DAMAGED) from error
    try:
        worksheet = _sheet(workbook, sheet)
        worksheet.reset_dimensions()  # a wrong <dimension> must not cut the rows short
        batches = limited_batches(_batched(worksheet.iter_rows(values_only=True)), limits)
        try:
            yield from batches
        finally:
            batches.close()
    except ImportRefused:
        raise
    except Exception as error:
        raise ImportRefused(DAMAGED) from error
    finally:
        workbook.close()


def xlsx_rows(data: bytes, sheet: str | None, limits: Limits) -> Generator[tuple[int, Row], None, None]:
    """(row number, cell values) for every row of the sheet, after the zip checks and within the limits on
    rows, columns, cells and shared text; values are cached ones (formulas are never computed)."""
    batches = xlsx_batches(data, sheet, limits)
    try:
        for first, batch in batches:
            yield from enumerate(batch, start=first)
    finally:
        batches.close()
