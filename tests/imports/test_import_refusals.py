"""Every refusal, from a corpus of bad files built here in memory. A refusal is one sentence."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any

import openpyxl
import pytest

from planner.imports import ImportRefused, Limits, read_mapping, read_staff_extract
from planner.imports import workbook as workbook_module

AREAS = {"ED": "ED"}
BANDS = {"8a": "middle"}
GOOD_CSV = b"Area,Pay Band,Ethnic Origin\r\nED,5,A\r\nED,8a,Z\r\n"


def good_xlsx(rows: int = 3) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Staff"
    sheet.append(["Area", "Pay Band", "Ethnic Origin"])
    for _ in range(rows - 1):
        sheet.append(["ED", "5", "A"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_XLSX = good_xlsx()


def replace_parts(data: bytes, parts: dict[str, bytes], *, extra: dict[str, bytes] | None = None,
                  compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with some parts' contents replaced (and any extra parts added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            target.writestr(info.filename, parts.get(info.filename, source.read(info.filename)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def plain_zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def declaring_huge_size(data: bytes, size: int = 0xFFFFFFF0) -> bytes:
    """The zip with its first central-directory entry claiming `size` bytes uncompressed."""
    at = data.index(b"PK\x01\x02")
    return data[: at + 24] + struct.pack("<I", size) + data[at + 28:]


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']>\n')
SHEET_BOMB = LAUGHS + (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                       b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
STRINGS_BOMB = LAUGHS + (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                         b'uniqueCount="1"><si><t>&lol9;</t></si></sst>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
       b'<c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>')
LONG_PROLOG = b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b"-->" + SHEET_BOMB[len(b'<?xml version="1.0"?>\n'):]


def with_shared_strings(data: bytes, strings: bytes) -> bytes:
    """A workbook whose first cell is a shared string, with sharedStrings.xml as given."""
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             b'<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = zipfile.ZipFile(io.BytesIO(data)).read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    return replace_parts(data, {"xl/worksheets/sheet1.xml": sheet, "[Content_Types].xml": types,
                                "xl/_rels/workbook.xml.rels": rels}, extra={"xl/sharedStrings.xml": strings})


def read(data: bytes, filename: str = "staff.xlsx", **kwargs: Any) -> Any:
    return read_staff_extract(data, filename, areas=AREAS, band_levels=BANDS, as_at=date(2025, 3, 31), **kwargs)


def refusal(call: Callable[[], Any]) -> str:
    with pytest.raises(ImportRefused) as caught:
        call()
    message = caught.value.message
    assert str(caught.value) == message
    # One sentence: ends with a full stop, and no other full stop ends a sentence inside it.
    assert message.endswith(".") and not re.search(r"[.!?] [A-Z]", message), message
    return message


CORPUS: list[tuple[str, Callable[[], Any], str]] = [
    ("empty", lambda: read(b"", "staff.csv"), "The file is empty."),
    ("blank", lambda: read(b"\xef\xbb\xbf \r\n\r\n", "staff.csv"), "The file is empty."),
    ("too big", lambda: read(b"x" * (23 * 1024 * 1024 + 400_000), "staff.csv"),
     "The file is 23.4 MB; the limit is 20 MB."),
    ("too big, small limit", lambda: read(GOOD_CSV * 100, "staff.csv", limits=Limits(max_bytes=1024)),
     "The file is 4.5 KB; the limit is 1 KB."),
    ("html renamed .xlsx", lambda: read(b"<!DOCTYPE html><html><body>Sign in</body></html>"),
     "This file is not an Excel workbook (.xlsx) or a CSV file: it looks like a web page."),
    ("html with a BOM and blank lines", lambda: read(b"\xef\xbb\xbf\r\n  <HTML><p>x</p></HTML>", "staff.csv"),
     "This file is not an Excel workbook (.xlsx) or a CSV file: it looks like a web page."),
    ("csv renamed .xlsx", lambda: read(GOOD_CSV, "staff.xlsx"),
     "This file is named as an Excel workbook but is not one: it looks like a CSV or text file, so save it from "
     "Excel as .xlsx, or rename it .csv."),
    ("pdf", lambda: read(b"%PDF-1.7\n...", "staff.csv"),
     "This file is not an Excel workbook (.xlsx) or a CSV file: it looks like a PDF document."),
    ("old xls", lambda: read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "staff.xls"),
     "This file is an Excel 97-2003 workbook (.xls) or a password-protected workbook, which cannot be read: "
     "save it as an Excel workbook (.xlsx) without a password, or as CSV."),
    ("binary", lambda: read(b"ID\x00\x01\x02\x03" * 50, "staff.csv"),
     "This file is not an Excel workbook (.xlsx) or a CSV file: it looks like a binary file."),
    ("a zip that is not a workbook", lambda: read(plain_zip({"notes.txt": b"hello"})),
     "This file is a zip archive, not an Excel workbook (.xlsx)."),
    ("a word document", lambda: read(plain_zip({"[Content_Types].xml": b'<Types><Override ContentType="application/'
                                                b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                                                b"</Types>", "word/document.xml": b"<w/>"})),
     "This file is not an Excel workbook (.xlsx) or a CSV file: it looks like a Word document."),
    ("an OpenDocument spreadsheet", lambda: read(plain_zip({"mimetype": b"application/vnd.oasis.opendocument."
                                                            b"spreadsheet", "content.xml": b"<x/>"})),
     "This file is an OpenDocument spreadsheet (.ods): save it as an Excel workbook (.xlsx) or as CSV."),
    ("truncated xlsx", lambda: read(GOOD_XLSX[: len(GOOD_XLSX) // 2]),
     "The workbook is damaged or incomplete (it may have been cut short while saving or uploading)."),
    ("xlsx missing its last bytes", lambda: read(GOOD_XLSX[:-30]),
     "The workbook is damaged or incomplete (it may have been cut short while saving or uploading)."),
    ("xlsx with a corrupt sheet", lambda: read(replace_parts(GOOD_XLSX, {"xl/worksheets/sheet1.xml": b"<worksheet"})),
     "The workbook is damaged or incomplete (it may have been cut short while saving or uploading)."),
    ("zip bomb by ratio",
     lambda: read(replace_parts(GOOD_XLSX, {}, extra={"xl/media/filler.bin": b"\x00" * 5_000_000})),
     "The workbook is compressed more than 100 to 1 (a sign of a 'zip bomb'), so it was not opened."),
    ("zip bomb by declared size", lambda: read(declaring_huge_size(GOOD_XLSX)),
     "The workbook would expand to 4 GB when opened; the limit is 200 MB."),
    ("too many parts", lambda: read(GOOD_XLSX, limits=Limits(max_members=5)),
     "The workbook has 9 parts; the limit is 5."),
    ("billion laughs in sheet1.xml", lambda: read(replace_parts(GOOD_XLSX, {"xl/worksheets/sheet1.xml": SHEET_BOMB})),
     "The workbook contains an XML declaration that Excel never writes (a possible attack), so it was not opened."),
    ("billion laughs in sharedStrings.xml", lambda: read(with_shared_strings(GOOD_XLSX, STRINGS_BOMB)),
     "The workbook contains an XML declaration that Excel never writes (a possible attack), so it was not opened."),
    ("an external entity", lambda: read(replace_parts(GOOD_XLSX, {"xl/worksheets/sheet1.xml": XXE})),
     "The workbook contains an XML declaration that Excel never writes (a possible attack), so it was not opened."),
    ("a declaration after a long comment", lambda: read(replace_parts(GOOD_XLSX,
                                                                      {"xl/worksheets/sheet1.xml": LONG_PROLOG})),
     "The workbook contains an XML declaration that Excel never writes (a possible attack), so it was not opened."),
    ("over the row limit, csv", lambda: read(GOOD_CSV + b"ED,5,A\r\n" * 20, "staff.csv", limits=Limits(max_rows=10)),
     "The file has more than 10 rows of staff; the limit is 10."),
    ("over the row limit, xlsx", lambda: read(good_xlsx(rows=2500), limits=Limits(max_rows=2000)),
     "The file has more than 2,000 rows of staff; the limit is 2,000."),
    ("no Pay Band column", lambda: read(b"Area,Band Name\r\nED,5\r\n", "staff.csv"),
     "The file has no 'Pay Band' column (or a column mapped to it)."),
    ("no Area column", lambda: read(b"Ward,Pay Band\r\nED,5\r\n", "staff.csv"),
     "The file has no 'Area' column (or a column mapped to it)."),
    ("headings only", lambda: read(b"Area,Pay Band\r\n\r\n", "staff.csv"),
     "The file has column headings but no rows of staff."),
    ("two Pay Band columns", lambda: read(b"Area,Pay Band,PAY BAND\r\nED,5,6\r\n", "staff.csv"),
     "The file has more than one column headed 'Pay Band': rename one, or map the one to use."),
    ("a sheet that is not there", lambda: read(GOOD_XLSX, sheet="Leavers"),
     "The workbook has no sheet called 'Leavers' (its sheets are 'Staff')."),
    ("mapping to a heading not in the file", lambda: read(GOOD_CSV, "staff.csv", mapping={"Area": "Cost Centre"}),
     "The file has no column headed 'Cost Centre' (mapped to 'Area')."),
    ("mapping an unknown column", lambda: read(GOOD_CSV, "staff.csv", mapping={"Religion": "Faith"}),
     "The mapping names 'Religion', which is not one of the columns (Assignment Number, Area, Pay Band, Job Role, "
     "Leader, FTE, Ethnic Origin, Sex, Disability, Age, Date of Birth, Board Member Type)."),
    ("mapping one heading twice", lambda: read(GOOD_CSV, "staff.csv", mapping={"Area": "Ward", "Sex": "ward"}),
     "The mapping uses the heading 'ward' for both 'Area' and 'Sex'."),
    ("mapping Sex and Gender", lambda: read(GOOD_CSV, "staff.csv", mapping={"Sex": "A", "Gender": "B"}),
     "The mapping gives 'Sex' more than once."),
    ("mapping to nothing", lambda: read(GOOD_CSV, "staff.csv", mapping={"Area": " "}),
     "The mapping for 'Area' must be the heading of a column in the file, in quotes."),
    ("mapping file not JSON", lambda: read_mapping(b'{"Area": "Ward",}'),
     "The mapping file is not valid JSON (Expecting property name enclosed in double quotes at line 1, column 17)."),
    ("mapping file a list", lambda: read_mapping(b'["Area", "Ward"]'),
     'The mapping file must be a JSON object of our column names to your headings, such as {"Area": "Cost Centre", '
     '"Pay Band": "Grade"}.'),
    ("mapping file with a number", lambda: read_mapping(b'{"Area": 3}'),
     "The mapping for 'Area' must be the heading of a column in the file, in quotes."),
    ("mapping file with a key twice", lambda: read_mapping(b'{"Area": "A", "Area": "B"}'),
     "The mapping file gives 'Area' more than once."),
    ("mapping file not UTF-8", lambda: read_mapping(b'{"Area": "\xff"}'), "The mapping file is not UTF-8 text."),
    ("mapping file too big", lambda: read_mapping(b" " * 70_000),
     "The mapping file is larger than 64 KB, far more than a mapping needs."),
]


@pytest.mark.parametrize(("call", "expected"), [(c, e) for _, c, e in CORPUS], ids=[n for n, _, _ in CORPUS])
def test_refusals(call: Callable[[], Any], expected: str) -> None:
    assert refusal(call) == expected


def test_the_good_files_of_the_corpus_are_read() -> None:
    assert read(GOOD_XLSX).staff == {"ED": 2}
    assert read(GOOD_CSV, "staff.csv").staff == {"ED": 2}
    # The shared-strings builder makes a workbook openpyxl reads: its one string is the heading 'Area'.
    harmless = with_shared_strings(GOOD_XLSX, b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                                              b'main"><si><t>Area</t></si></sst>')
    assert refusal(lambda: read(harmless)) == "The file has no 'Pay Band' column (or a column mapped to it)."


def test_entity_bombs_fail_safely_even_without_the_declaration_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Take away our own check: openpyxl parses with defusedxml, which refuses entities, and the
    # reader turns that into a refusal. Nothing is ever expanded.
    monkeypatch.setattr(workbook_module, "_xml_is_safe", lambda archive, info: True)
    for data in (replace_parts(GOOD_XLSX, {"xl/worksheets/sheet1.xml": SHEET_BOMB}),
                 with_shared_strings(GOOD_XLSX, STRINGS_BOMB),
                 replace_parts(GOOD_XLSX, {"xl/worksheets/sheet1.xml": XXE})):
        assert refusal(lambda data=data: read(data)).startswith("The workbook is damaged")


def test_an_xml_part_in_utf16_is_checked_too() -> None:
    bomb = SHEET_BOMB.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    data = replace_parts(GOOD_XLSX, {"xl/worksheets/sheet1.xml": bomb.encode("utf-16")})
    assert "possible attack" in refusal(lambda: read(data))


def test_a_stored_zip_bomb_is_refused_by_size_not_ratio() -> None:
    data = replace_parts(GOOD_XLSX, {}, extra={"xl/media/filler.bin": b"\x00" * 3_000_000},
                         compression=zipfile.ZIP_STORED)
    assert refusal(lambda: read(data, limits=Limits(max_uncompressed=2 * 1024 * 1024, max_bytes=10**8))) == (
        "The workbook would expand to 2.9 MB when opened; the limit is 2 MB.")
