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
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

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


class _InMemoryWriter(ExcelWriter):  # type: ignore[misc]
    """openpyxl's writer, each sheet written in memory rather than to a temporary file on disk."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()  # noqa: SLF001 (as ExcelWriter.write_worksheet does)
        ws._drawing.charts = ws._charts  # noqa: SLF001
        ws._drawing.images = ws._images  # noqa: SLF001
        writer = WorksheetWriter(ws, out=io.BytesIO())
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
        return workbook_bytes(build_pack(content, sheets=sheets).workbook)
