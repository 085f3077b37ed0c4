"""The board pack workbook: every sheet, in order, built from the content that
planner.services.board_pack gathers. Pure: content in, workbook bytes out."""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from openpyxl import Workbook
from openpyxl.cell._writer import etree_write_cell
from openpyxl.cell.cell import Cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils.cell import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import tostring

from planner import collector
from planner.exports import forecast_sheets, pack_sheets, people_sheets
from planner.exports.board_terms_sheet import write_board_terms
from planner.exports.book import Book, clean_text
from planner.exports.consultation_sheet import write_consultation
from planner.exports.content import PackContent
from planner.exports.cover_sheet import write_cover
from planner.exports.live_forecast import write_live_forecast
from planner.exports.succession_sheet import write_succession

Writer = Callable[[Book, PackContent], Any]


# Sheet group -> its writer, in the pack's order. Cover and Contents open every pack.
SHEETS: dict[str, Writer] = {
    "summary": pack_sheets.write_summary,
    "scope": pack_sheets.write_scope,
    "structure": pack_sheets.write_structure,
    "forecast": forecast_sheets.write_forecast,
    "scenarios": forecast_sheets.write_scenarios,
    "sensitivity": forecast_sheets.write_sensitivity,
    "uncertainty": forecast_sheets.write_uncertainty,
    "succession": write_succession,
    "diversity": people_sheets.write_diversity,
    "board_terms": write_board_terms,
    "competencies": people_sheets.write_competencies,
    "self_assessment": people_sheets.write_self_assessment,
    "objectives": people_sheets.write_objectives,
    "unowned": people_sheets.write_unowned,
    "consultation": write_consultation,
    "assumptions": pack_sheets.write_assumptions,
    "live": write_live_forecast,
}


def build_pack(content: PackContent, *, sheets: Collection[str] | None = None) -> Book:
    """The pack as a Book: Cover, Contents, then the chosen sheet groups (all by default)."""
    unknown = set(sheets or ()) - set(SHEETS)
    if unknown:
        raise ValueError(f"Unknown sheet group: {', '.join(sorted(unknown))}")
    strategy = content["strategy"]
    book = Book(header_left=f"{strategy['title']}", header_right=content["status"]["version"],
                marking=content["prepared"]["marking"])
    write_cover(book, content)
    contents = book.sheet("Contents", presentation=True, landscape=False)
    for name, write in SHEETS.items():
        if sheets is None or name in sheets:
            write(book, content)
    pack_sheets.write_contents(book, contents, book.finish_notes())
    book.paginate()
    wb = book.workbook
    wb.active = 0
    # Ask Excel and LibreOffice to calculate every formula when the file opens (none are cached).
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    title = f"{strategy['title']}: board pack"
    wb.properties.title = clean_text(title)[0][:250]
    wb.properties.creator = "Collective Leadership Strategy Planner"
    wb.properties.subject = clean_text(content["organisation"]["name"])[0][:250]
    return book




class _SheetWriter(WorksheetWriter):  # type: ignore[misc]  # openpyxl is untyped: subclassing its Any
    """openpyxl's sheet writer (3.1), writing the cells of the usual kinds itself with the same XML:
    each style's index is found once by its bytes, not by hashing the cell's style and looking it up
    in the workbook's list of styles for every cell. Other cells (dates, rich text, array formulas,
    links, comments) are written by openpyxl."""

    def __init__(self, ws: Any, out: Any, headers: dict[tuple[Any, ...], Any] | None = None) -> None:
        super().__init__(ws, out)
        self.style_attributes: dict[bytes, str] = {}  # a style's bytes -> its attribute, ' s="N"' or ''""
        self.cell_styles = ws.parent._cell_styles  # noqa: SLF001
        self.placeholder = f"planner-cells-{secrets.token_hex(16)}"  # text no cell can hold
        self.cells_xml = b""
        self.headers = {} if headers is None else headers  # the workbook's headers and footers (_header_key)

    def write_rows(self) -> None:
        """The sheet's cells as XML text joined in one string, put where a placeholder stands in the
        sheetData element (`spliced`): formatting text costs a fraction of an XML writer's call per cell."""
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            xf.write(self.placeholder)
        self.xf.send(None)
        parts: list[str] = []
        for row_idx, row in self.rows():
            self.write_row(parts, row, row_idx)
        self.cells_xml = "".join(parts).encode()

    def write_row(self, parts: list[str], row: Any, row_idx: int) -> None:
        """One row's XML, appended to `parts`."""
        dimensions = self.ws.row_dimensions.get(row_idx)
        parts.append(f'<row r="{row_idx}"{"" if dimensions is None else _row_attributes(dimensions)}>')
        style_attributes, append = self.style_attributes, parts.append
        for cell in row:
            if type(cell) is not Cell or cell._comment is not None or cell._hyperlink is not None:  # noqa: SLF001
                self._openpyxl_cell(parts, cell)  # a merged cell, or one with a comment or a link
                continue
            value, style, kind = cell._value, cell._style, cell.data_type  # noqa: SLF001
            if kind not in _PLAIN or not (value is None or type(value) in _PLAIN[kind]):
                self._openpyxl_cell(parts, cell)  # a date, a true or false, an error, rich text...
                continue
            if style is None:
                index = ""
            else:
                key = style.tobytes()
                index = style_attributes.get(key)  # type: ignore[assignment]
                if index is None:
                    index = style_attributes[key] = self._style_attribute(style)
            if value is None:
                if index:
                    append(f'<c r="{_LETTERS[cell.column]}{row_idx}"{index}{_KIND_ATTRIBUTE[kind]}></c>')
            elif kind == "n":
                append(f'<c r="{_LETTERS[cell.column]}{row_idx}"{index} t="n"><v>{_number(value)}</v></c>')
            elif value == "":
                append(f'<c r="{_LETTERS[cell.column]}{row_idx}"{index}{_KIND_ATTRIBUTE[kind]}></c>')
            elif kind == "s":
                preserve = ' xml:space="preserve"' if value != value.strip() else ""
                append(f'<c r="{_LETTERS[cell.column]}{row_idx}"{index} t="inlineStr"><is><t{preserve}>'
                       f'{_escaped(value)}</t></is></c>')
            else:  # a formula: openpyxl writes an empty value after it
                append(f'<c r="{_LETTERS[cell.column]}{row_idx}"{index}><f>{_escaped(value[1:])}</f><v></v></c>')
        append("</row>")

    def _style_attribute(self, style: Any) -> str:
        """' s="N"' for a cell's style, N its index in the workbook's list of styles; '' for no style."""
        return f' s="{self.cell_styles.add(style)}"' if any(style) else ""

    def write_header(self) -> None:
        """The print header and footer, as openpyxl writes them; its element is built once for each different
        header and footer in the workbook (most sheets share theirs), not once per sheet."""
        hf = self.ws.HeaderFooter
        if hf:
            key = _header_key(hf)
            built = self.headers.get(key)
            if built is None:
                built = self.headers[key] = hf.to_tree()
            self.xf.send(built)

    def write_dimensions(self) -> None:
        """The sheet's used range, as openpyxl's calculate_dimension gives it, found at C speed (it loops over
        every cell in Python, building sets of rows and columns)."""
        cells = self.ws._cells  # noqa: SLF001
        if not cells:
            ref = "A1:A1"
        else:
            columns = list(map(itemgetter(1), cells))
            ref = f"{_LETTERS[min(columns)]}{min(cells)[0]}:{_LETTERS[max(columns)]}{max(cells)[0]}"
        self.xf.send(SheetDimension(ref).to_tree())

    def _openpyxl_cell(self, parts: list[str], cell: Any) -> None:
        """One cell as openpyxl writes it (its element builder, serialised here)."""
        if cell._comment is not None:  # noqa: SLF001
            self.ws._comments.append(CommentRecord.from_cell(cell))  # noqa: SLF001
        if cell._value is None and not cell.has_style and not cell._comment:  # noqa: SLF001
            return
        etree_write_cell(_Collect(parts), self.ws, cell, cell.has_style)

    def spliced(self, xml: bytes) -> bytes:
        """The sheet's XML with its cells in place of the placeholder."""
        return xml.replace(self.placeholder.encode(), self.cells_xml, 1)


class _Collect:
    """Stands in for an XML writer: keeps each element it is given as text."""

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts

    def write(self, element: Any) -> None:
        """Keep `element` serialised."""
        self.parts.append(tostring(element, encoding="unicode"))


def _header_key(hf: Any) -> tuple[Any, ...]:
    """Everything a sheet's HeaderFooter writes: its four settings and each part of each header and footer."""
    items = (hf.oddHeader, hf.oddFooter, hf.evenHeader, hf.evenFooter, hf.firstHeader, hf.firstFooter)
    return (hf.differentOddEven, hf.differentFirst, hf.scaleWithDoc, hf.alignWithMargins,
            *(None if item is None else tuple((part.text, part.font, part.size, part.color)
                                              for part in (item.left, item.center, item.right)) for item in items))


def _row_attributes(dimensions: Any) -> str:
    """A row's attributes as openpyxl writes them (dict(dimensions), in its order), read directly for a row
    without a style of its own, the usual kind (what it would write for a style's index takes a lookup)."""
    if dimensions.has_style:
        return "".join(f' {name}="{_escaped(value)}"' for name, value in dict(dimensions).items())
    height = dimensions.ht
    return "".join((
        ' hidden="1"' if dimensions.hidden else "",
        f' outlineLevel="{_number(dimensions.outlineLevel)}"' if dimensions.outlineLevel else "",
        ' collapsed="1"' if dimensions.collapsed else "",
        f' ht="{_number(height)}"' if height else "",
        ' customHeight="1"' if height is not None else "",
        ' thickBot="1"' if dimensions.thickBot else "",
        ' thickTop="1"' if dimensions.thickTop else "",
    ))


def _escaped(text: Any) -> str:
    """Text as XML character data, escaped as lxml escapes it: characters beyond ASCII as numbered references
    (✓ as &#10003;), as openpyxl's sheets hold them."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return escaped if escaped.isascii() else escaped.encode("ascii", "xmlcharrefreplace").decode("ascii")


_LETTERS = ["", *(get_column_letter(i) for i in range(1, 16385))]  # column letters by index, as Excel's go

# What openpyxl writes for an empty cell of each kind: text written as inline text, a formula as no type.
_KIND_ATTRIBUTE = {"s": ' t="inlineStr"', "f": "", "n": ' t="n"'}


def _number(value: float) -> str:
    """A number as openpyxl writes it (compat.strings.safe_string): 16 significant figures; nothing for
    a value that is not a number or infinite."""
    text = "%.16g" % value  # noqa: UP031 (the very format openpyxl uses)
    return "" if text in ("nan", "inf", "-inf") else text


# The kinds of cell _SheetWriter writes itself, with the type of value each holds (a number may be an int).
_PLAIN: dict[str, tuple[type, ...]] = {"s": (str,), "f": (str,), "n": (int, float)}


class _InMemoryWriter(ExcelWriter):  # type: ignore[misc]  # openpyxl is untyped: subclassing its Any
    """openpyxl's writer, each sheet written in memory rather than to a temporary file on disk."""

    def __init__(self, workbook: Workbook, archive: zipfile.ZipFile) -> None:
        super().__init__(workbook, archive)
        self.headers: dict[tuple[Any, ...], Any] = {}  # each different header and footer, built once

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()  # noqa: SLF001 (as ExcelWriter.write_worksheet does)
        ws._drawing.charts = ws._charts  # noqa: SLF001
        ws._drawing.images = ws._images  # noqa: SLF001
        writer = _SheetWriter(ws, out=io.BytesIO(), headers=self.headers)
        writer.write()
        ws._rels = writer._rels  # noqa: SLF001
        self._archive.writestr(ws.path[1:], writer.spliced(writer.read()))
        self.manifest.append(ws)


def workbook_bytes(workbook: Workbook) -> bytes:
    """A workbook's .xlsx bytes, as Workbook.save writes them."""
    stream = io.BytesIO()
    workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryWriter(workbook, archive).write_data()
    return stream.getvalue()


def pack_bytes(content: PackContent, *, sheets: Collection[str] | None = None) -> bytes:
    """The pack as .xlsx bytes."""
    with collector.paused():
        workbook = build_pack(content, sheets=sheets).workbook
        data = workbook_bytes(workbook)
        for ws in workbook.worksheets:  # each cell refers to its sheet: let them go now, not at a collection
            ws._cells.clear()  # noqa: SLF001
        return data
