"""Limits that bound the work of reading a file, not just its size (issue 15): the two files that took a
worker down (a workbook whose shared text unpacks to 192 MB, a CSV heading row of 1.5 million columns),
built here at full size and again, like the attack, at a small scale against lowered limits."""

from __future__ import annotations

import gc
import io
import random
import struct
import tracemalloc
import zipfile
from dataclasses import replace
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font
from test_import_refusals import GOOD_CSV, GOOD_XLSX, read, refusal, replace_parts, with_shared_strings

from planner.imports import Limits, columns
from planner.imports.limits import MB
from planner.imports.workbook import read_shared_text

SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def shared_text(strings: int, *, seed: int = 15) -> bytes:
    """A shared-strings part of `strings` short different strings, packing about 9 to 1 like the attack's."""
    rng = random.Random(seed)
    body = b"".join(b"<si><t>Staff member %04x</t></si>" % rng.getrandbits(16) for _ in range(strings))
    return SST + b"<si><t>Area</t></si><si><t>Pay Band</t></si>" + body + b"</sst>"


def with_streamed_shared_text(size: int) -> bytes:
    """GOOD_XLSX with a shared-strings part of `size` bytes written in chunks (highly compressible, so cheap)."""
    base = with_shared_strings(GOOD_XLSX, SST + b"<si><t>Area</t></si></sst>")
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info.filename, source.read(info.filename))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(SST)
            chunk = b"<si><t>x</t></si>" * (MB // 17)
            written = len(SST)
            while written < size - len(chunk):
                part.write(chunk)
                written += len(chunk)
            part.write(b"<si><t>x</t></si>" * ((size - written - 6) // 17) + b" " * ((size - written - 6) % 17)
                       + b"</sst>")
    return out.getvalue()


def declaring(data: bytes, name: str, size: int) -> bytes:
    """The zip with the central directory entry of `name` declaring `size` bytes unpacked."""
    at = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack("<H", data[at + 28:at + 30])[0]
        if data[at + 46:at + 46 + name_length] == name.encode():
            return data[: at + 24] + struct.pack("<I", size) + data[at + 28:]
        at = data.index(b"PK\x01\x02", at + 46)


# --- the workbook whose shared text unpacks to 192 MB ---------------------------------------------------


def test_a_workbook_whose_shared_text_unpacks_to_192_mb_is_refused_before_any_is_unpacked() -> None:
    data = with_streamed_shared_text(192 * MB)
    assert len(data) < 20 * MB
    tracemalloc.start()
    try:
        message = refusal(lambda: read(data))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message == "The workbook's shared text is 192 MB once unpacked; the limit is 50 MB."
    assert peak < 2 * MB  # the sizes the zip declares are read; nothing is unpacked


def test_the_attack_at_a_small_scale_packed_9_to_1_is_refused_by_its_shared_text() -> None:
    strings = shared_text(80_000)  # 2.5 MB, packing about 9 to 1: no bomb by ratio
    data = with_shared_strings(GOOD_XLSX, strings)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/sharedStrings.xml")
    assert 5 < info.file_size / info.compress_size < 15
    limits = Limits(max_shared_text=2 * MB)
    assert refusal(lambda: read(data, limits=limits)) == (
        "The workbook's shared text is 2.5 MB once unpacked; the limit is 2 MB.")
    # Within the size, the number of different texts is the limit that holds.
    assert refusal(lambda: read(data, limits=replace(limits, max_shared_text=3 * MB,
                                                     max_shared_strings=50_000))) == (
        "The workbook has more than 50,000 different texts; the limit is 50,000.")
    # Within both, the shared text is read and the sheet (one cell, 'Area') is judged on its headings.
    assert refusal(lambda: read(data, limits=replace(limits, max_shared_text=3 * MB))) == (
        "The file has no 'Pay Band' column (or a column mapped to it).")


def test_a_shared_text_part_that_declares_less_than_it_holds_is_never_read_past_its_declared_size() -> None:
    strings = shared_text(20_000)
    data = declaring(with_shared_strings(GOOD_XLSX, strings), "xl/sharedStrings.xml", 1000)
    assert refusal(lambda: read(data)).startswith("The workbook is damaged")  # zipfile stops at 1,000 bytes


def test_the_shared_text_is_counted_as_it_is_unpacked_too() -> None:
    # The declared size is checked first, and zipfile never unpacks past it; the stream is counted as well.
    strings = shared_text(20_000)
    assert refusal(lambda: read_shared_text(io.BytesIO(strings), Limits(max_shared_text=100_000))) == (
        "The workbook's shared text is over the limit of 97.7 KB once unpacked.")
    assert len(read_shared_text(io.BytesIO(strings), Limits())) == 20_002


def test_a_shared_text_part_named_otherwise_is_found_by_its_content_type() -> None:
    data = with_shared_strings(GOOD_XLSX, shared_text(80_000))
    renamed = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in renamed.infolist():
            content = renamed.read(info.filename).replace(b"sharedStrings.xml", b"words.xml")
            target.writestr(info.filename.replace("sharedStrings.xml", "words.xml"), content)
    assert refusal(lambda: read(out.getvalue(), limits=Limits(max_shared_text=MB))) == (
        "The workbook's shared text is 2.5 MB once unpacked; the limit is 1 MB.")


def test_a_huge_styles_part_is_refused_by_its_declared_size() -> None:
    data = replace_parts(GOOD_XLSX, {"xl/styles.xml": zipfile.ZipFile(io.BytesIO(GOOD_XLSX)).read("xl/styles.xml")
                                     + b" " * (2 * MB)})
    assert refusal(lambda: read(data, limits=Limits(max_settings_part=MB))) == (
        "The workbook's part 'xl/styles.xml' is 2 MB once unpacked; the limit is 1 MB.")


# --- the CSV whose heading row has 1.5 million columns ---------------------------------------------------


def test_a_csv_heading_row_of_one_and_a_half_million_columns_is_refused_before_any_heading_is_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    normalise = columns.normalise

    def counted(text: object) -> str:
        nonlocal calls
        calls += 1
        return normalise(text)

    monkeypatch.setattr(columns, "normalise", counted)
    header = "Area,Pay Band," + ",".join(f"h{i}" for i in range(1_500_000))
    data = (header + "\r\nED,5\r\n").encode()
    assert len(data) > 12_000_000  # 12.4 MB, as the attack's
    assert refusal(lambda: read(data, "staff.csv")) == "Row 1 has 1,500,002 columns; the limit is 200."
    assert calls == 0  # refused while streaming, before the column normaliser saw a heading


def test_the_wide_csv_at_a_small_scale() -> None:
    data = ("Area,Pay Band," + ",".join(f"h{i}" for i in range(30)) + "\r\nED,5\r\n").encode()
    assert refusal(lambda: read(data, "staff.csv", limits=Limits(max_columns=20))) == (
        "Row 1 has 32 columns; the limit is 20.")
    assert read(data, "staff.csv", limits=Limits(max_columns=40)).staff == {"ED": 1}


def test_blank_columns_past_the_limit_are_not_counted() -> None:
    data = b"Area,Pay Band" + b"," * 500 + b"\r\nED,5" + b"," * 900 + b"\r\n"
    assert read(data, "staff.csv").staff == {"ED": 1}
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Area", "Pay Band"])
    sheet.append(["ED", "5"])
    sheet.cell(row=2, column=5000).font = Font(bold=True)  # a formatted, empty cell far to the right
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read(buffer.getvalue()).staff == {"ED": 1}
    sheet.cell(row=2, column=5000).value = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert refusal(lambda: read(buffer.getvalue())) == "Row 2 has 5,000 columns; the limit is 200."


# --- rows, cells and a cell's length -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cell_over_the_length_limit_is_refused_naming_its_row(kind: str) -> None:
    rows = [["Area", "Pay Band", "Notes"], ["ED", "5", "fine"], ["ED", "5", "x" * 10_001]]
    if kind == "csv":
        data = "".join(",".join(row) + "\r\n" for row in rows).encode()
    else:
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    assert refusal(lambda: read(data, f"staff.{kind}")) == "Row 3 has a cell of 10,001 characters; the limit is 10,000."
    assert read(data, f"staff.{kind}", limits=Limits(max_cell_chars=20_000)).rows_read == 2


def test_a_cell_over_the_length_limit_on_many_short_lines_is_refused() -> None:
    # A quoted cell with line breaks: no line is long, but the cell is; and a long line later in the same
    # batch of rows, or in a later one, is measured too.
    lines = "\r\n".join("y" * 90 for _ in range(120))  # 120 lines of 90 characters: a cell of 11,038
    rows = ["Area,Pay Band,Notes", *(f"ED,5,row {n}" for n in range(3000)), f'ED,5,"{lines}"', "ED,5,fine"]
    data = ("\r\n".join(rows) + "\r\n").encode()
    assert refusal(lambda: read(data, "staff.csv")) == "Row 3,002 has a cell of 11,038 characters; the limit is 10,000."
    assert read(data, "staff.csv", limits=Limits(max_cell_chars=20_000)).rows_read == 3002
    long_line = "\r\n".join(["Area,Pay Band,Notes", *(f"ED,5,row {n}" for n in range(2500)), "ED,5," + "z" * 10_001])
    assert refusal(lambda: read(long_line.encode(), "staff.csv")) == (
        "Row 2,502 has a cell of 10,001 characters; the limit is 10,000.")


def test_a_workbook_naming_a_far_row_is_refused_by_the_row_limit_not_read_to_it() -> None:
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             b'<row r="1"><c r="A1" t="inlineStr"><is><t>Area</t></is></c>'
             b'<c r="B1" t="inlineStr"><is><t>Pay Band</t></is></c></row>'
             b'<row r="1000000000"><c r="A1000000000" t="inlineStr"><is><t>ED</t></is></c></row>'
             b"</sheetData></worksheet>")
    data = replace_parts(GOOD_XLSX, {"xl/worksheets/sheet1.xml": sheet})
    assert refusal(lambda: read(data, limits=Limits(max_lines=5000))) == (
        "The file has more than 5,000 rows (blank ones included); the limit is 5,000.")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_blank_rows_count_towards_the_row_limit(kind: str) -> None:
    data: Any = GOOD_CSV + b"\r\n" * 100
    if kind == "xlsx":
        workbook = openpyxl.Workbook()
        workbook.active.append(["Area", "Pay Band"])
        workbook.active.cell(row=101, column=1).font = Font(bold=True)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    assert refusal(lambda: read(data, f"staff.{kind}", limits=Limits(max_lines=50))) == (
        "The file has more than 50 rows (blank ones included); the limit is 50.")


def test_cells_are_counted_across_the_file() -> None:
    data = b"Area,Pay Band,Notes\r\n" + b"ED,5,x\r\n" * 40
    assert refusal(lambda: read(data, "staff.csv", limits=Limits(max_cells=100))) == (
        "The file has more than 100 cells (rows times columns, blank ones included); the limit is 100.")
    assert read(data, "staff.csv", limits=Limits(max_cells=123)).rows_read == 40


def test_the_default_limits() -> None:
    limits = Limits()
    assert (limits.max_columns, limits.max_cell_chars, limits.max_lines, limits.max_cells) == (
        200, 10_000, 1_048_576, 5_000_000)
    assert (limits.max_shared_text, limits.max_shared_strings, limits.max_settings_part) == (
        50 * MB, 500_000, 2 * MB)


def test_comments_before_the_first_element_are_skipped_and_what_follows_them_is_still_checked() -> None:
    body = zipfile.ZipFile(io.BytesIO(GOOD_XLSX)).read("xl/worksheets/sheet1.xml")
    declaration = b'<?xml version="1.0" encoding="UTF-8"'
    assert body.startswith(b"<worksheet")
    commented = declaration + b"?>" + b"<!-- a comment -->" * 1000 + body
    assert read(replace_parts(GOOD_XLSX, {"xl/worksheets/sheet1.xml": commented})).staff == {"ED": 2}
    hidden = declaration + b"?>" + b"<!-- a comment -->" * 1000 + b'<!DOCTYPE x [<!ENTITY e "e">]>' + body
    assert "possible attack" in refusal(lambda: read(replace_parts(GOOD_XLSX, {"xl/worksheets/sheet1.xml": hidden})))


def test_the_shared_text_is_read_as_openpyxl_reads_it() -> None:
    from openpyxl.reader.strings import read_string_table

    part = (b'<?xml version="1.0"?>' + SST + b'<si><t>Plain</t></si><si><t xml:space="preserve"> spaced </t></si>'
            b"<si><r><rPr><b/></rPr><t>Bold</t></r><r><t> and not</t></r></si>"
            b'<si><t>Kanji</t><rPh sb="0" eb="1"><t>phonetic guide</t></rPh></si><si><t/></si><si></si>'
            b"<si><t>a_x005F_x000D_b</t></si></sst>")
    ours = read_shared_text(io.BytesIO(part), Limits())
    assert ours == list(read_string_table(io.BytesIO(part)))
    assert ours == ["Plain", " spaced ", "Bold and not", "Kanji", "", "", "a_x000D_b"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_memory_used_for_a_refused_file_is_given_back(kind: str) -> None:
    from planner.imports import ImportRefused

    if kind == "csv":
        data = ("Area,Pay Band," + ",".join(f"h{i}" for i in range(200_000)) + "\r\nED,5\r\n").encode()
    else:
        data = with_shared_strings(GOOD_XLSX, shared_text(60_000))
    limits = Limits(max_shared_strings=50_000)
    with pytest.raises(ImportRefused):
        read(data, f"staff.{kind}", limits=limits)  # once first, so modules loaded on first use are not counted
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        try:  # as the upload page does: the refusal's sentence is kept, the exception (and its frames) is not
            read(data, f"staff.{kind}", limits=limits)
        except ImportRefused as refused:
            message = refused.message
        gc.collect()  # the XML parser's pieces refer to each other: freed by the collector, not at once
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak - before > MB  # the file was worked on...
    assert after - before < 64 * 1024  # ...and nothing of it is held once it is refused
    assert "the limit is" in message
