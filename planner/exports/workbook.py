"""The board pack workbook: every sheet, in order, built from the content that
planner.services.board_pack gathers. Pure: content in, workbook bytes out."""

from __future__ import annotations

import gc
import io
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import Cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import XML_NS
from openpyxl.xml.functions import Element

from planner.exports import forecast_sheets, pack_sheets
from planner.exports.book import Book, clean_text
from planner.exports.consultation_sheet import write_consultation
from planner.exports.cover_sheet import write_cover
from planner.exports.live_forecast import write_live_forecast

Writer = Callable[[Book, Mapping[str, Any]], Any]


def _people(name: str) -> Writer:
    """A writer from people_sheets, looked up when called so this module loads without it."""
    def write(book: Book, content: Mapping[str, Any]) -> Any:
        from planner.exports import people_sheets

        return getattr(people_sheets, name)(book, content)
    return write


# Sheet group -> its writer, in the pack's order. Cover and Contents open every pack.
SHEETS: dict[str, Writer] = {
    "summary": pack_sheets.write_summary,
    "scope": pack_sheets.write_scope,
    "structure": pack_sheets.write_structure,
    "forecast": forecast_sheets.write_forecast,
    "scenarios": forecast_sheets.write_scenarios,
    "sensitivity": forecast_sheets.write_sensitivity,
    "uncertainty": forecast_sheets.write_uncertainty,
    "diversity": _people("write_diversity"),
    "competencies": _people("write_competencies"),
    "self_assessment": _people("write_self_assessment"),
    "objectives": _people("write_objectives"),
    "unowned": _people("write_unowned"),
    "consultation": write_consultation,
    "assumptions": pack_sheets.write_assumptions,
    "live": write_live_forecast,
}


def build_pack(content: Mapping[str, Any], *, sheets: Collection[str] | None = None) -> Book:
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


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: building a pack makes hundreds of thousands of objects and no
    garbage cycles worth collecting meanwhile (what it frees goes by reference counting), yet each
    collection walks every live object: a fifth of the building time. Switched back on after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _SheetWriter(WorksheetWriter):  # type: ignore[misc]
    """openpyxl's sheet writer (3.1), writing the cells of the usual kinds itself with the same XML:
    each style's index is found once by its bytes, not by hashing the cell's style and looking it up
    in the workbook's list of styles for every cell. Other cells (dates, rich text, array formulas,
    links, comments) are written by openpyxl."""

    def __init__(self, ws: Any, out: Any) -> None:
        super().__init__(ws, out)
        self.style_ids: dict[bytes, int] = {}
        self.cell_styles = ws.parent._cell_styles  # noqa: SLF001

    def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))
        style_ids, cell_styles = self.style_ids, self.cell_styles
        with xf.element("row", attrs):
            for cell in row:
                if type(cell) is not Cell or cell._comment is not None or cell._hyperlink is not None:  # noqa: SLF001
                    self._openpyxl_cell(xf, cell)  # a merged cell, or one with a comment or a link
                    continue
                value, style, kind = cell._value, cell._style, cell.data_type  # noqa: SLF001
                if kind not in _PLAIN or not (value is None or type(value) in _PLAIN[kind]):
                    self._openpyxl_cell(xf, cell)  # a date, a true or false, an error, rich text...
                    continue
                styled = style is not None and any(style)
                if value is None and not styled:
                    continue
                attributes = {"r": f"{cell.column_letter}{row_idx}"}
                if styled:
                    key = style.tobytes()
                    index = style_ids.get(key)
                    if index is None:
                        index = style_ids[key] = cell_styles.add(style)
                    attributes["s"] = f"{index}"
                if kind == "s":
                    attributes["t"] = "inlineStr"
                elif kind != "f":
                    attributes["t"] = kind
                with xf.element("c", attributes):
                    if value is None or value == "":
                        continue
                    if kind == "f":
                        with xf.element("f", {}):
                            xf.write(value[1:])
                        with xf.element("v"):  # openpyxl writes an empty value after a formula
                            pass
                    elif kind == "s":
                        with xf.element("is"):
                            preserve = {f"{{{XML_NS}}}space": "preserve"} if value != value.strip() else {}
                            element = Element("t", preserve)
                            element.text = value
                            xf.write(element)
                    else:
                        with xf.element("v"):
                            xf.write(safe_string(value))

    def _openpyxl_cell(self, xf: Any, cell: Any) -> None:
        """One cell as openpyxl's WorksheetWriter.write_row writes it."""
        if cell._comment is not None:  # noqa: SLF001
            self.ws._comments.append(CommentRecord.from_cell(cell))  # noqa: SLF001
        if cell._value is None and not cell.has_style and not cell._comment:  # noqa: SLF001
            return
        write_cell(xf, self.ws, cell, cell.has_style)


# The kinds of cell _SheetWriter writes itself, with the type of value each holds (a number may be an int).
_PLAIN: dict[str, tuple[type, ...]] = {"s": (str,), "f": (str,), "n": (int, float)}


class _InMemoryWriter(ExcelWriter):  # type: ignore[misc]
    """openpyxl's writer, each sheet written in memory rather than to a temporary file on disk."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()  # noqa: SLF001 (as ExcelWriter.write_worksheet does)
        ws._drawing.charts = ws._charts  # noqa: SLF001
        ws._drawing.images = ws._images  # noqa: SLF001
        writer = _SheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels  # noqa: SLF001
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def workbook_bytes(workbook: Workbook) -> bytes:
    """A workbook's .xlsx bytes, as Workbook.save writes them."""
    stream = io.BytesIO()
    workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryWriter(workbook, archive).write_data()
    return stream.getvalue()


def pack_bytes(content: Mapping[str, Any], *, sheets: Collection[str] | None = None) -> bytes:
    """The pack as .xlsx bytes."""
    with _no_cycle_collection():
        workbook = build_pack(content, sheets=sheets).workbook
        data = workbook_bytes(workbook)
        for ws in workbook.worksheets:  # each cell refers to its sheet: let them go now, not at a collection
            ws._cells.clear()  # noqa: SLF001
        return data
