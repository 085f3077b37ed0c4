"""The board pack workbook: every sheet, in order, built from the content that
planner.services.board_pack gathers. Pure: content in, workbook bytes out."""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Mapping
from typing import Any

from openpyxl.workbook.properties import CalcProperties

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


def pack_bytes(content: Mapping[str, Any], *, sheets: Collection[str] | None = None) -> bytes:
    """The pack as .xlsx bytes."""
    stream = io.BytesIO()
    build_pack(content, sheets=sheets).workbook.save(stream)
    return stream.getvalue()
