"""The system paper as a Word document: an NHS cover sheet, then the system's leadership in words and
tables for the integrated care board, the system pack named as its appendix.

Laid out as the trust's board paper (planner.exports.paper: A4 portrait, 2 cm margins, Arial 11 pt,
the marking and the title in the header, the marking and "Page N of M" in the footer, captioned
tables whose header row repeats on each page), with its styles and table layout. Pure: the system's
content in, .docx bytes out; the words come from planner.exports.system_paper_text."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

from planner.exports import system_paper_text as spt
from planner.exports.book import clean_text
from planner.exports.paper import (
    BLUE,
    COVER_LABEL_CM,
    PALE_GREY,
    TEXT_WIDTH_CM,
    _cell_text,
    _colour,
    _purpose_cell,
    _row_flags,
    _shade,
    _styles,
    _widths,
    frame_page,
    write_sections,
)
from planner.exports.paper_blocks import Para, Section, Subheading, Table
from planner.exports.paper_charts import PaperChart
from planner.exports.system_paper_charts import system_charts


def _safe(text: str) -> str:
    """Text Word can hold: the control characters a spreadsheet cannot hold either are removed (names and titles
    come from members' own records, which may have been imported with them)."""
    return clean_text(text)[0]


def _safe_section(section: Section) -> Section:
    """The section with its text cleaned of what a Word file cannot hold (members' names are typed by people)."""
    blocks: list[Any] = []
    for block in section.blocks:
        if isinstance(block, Para | Subheading):
            blocks.append(replace(block, text=_safe(block.text)))
        elif isinstance(block, Table):
            blocks.append(_safe_table(block))
        else:
            blocks.append(block)
    return replace(section, blocks=tuple(blocks))


def _safe_table(block: Table) -> Table:
    return replace(block, caption=_safe(block.caption), header=tuple(_safe(h) for h in block.header),
                   rows=tuple(tuple(_safe(v) for v in row) for row in block.rows),
                   notes=tuple(_safe(n) for n in block.notes))


def _page(document: Any, content: Mapping[str, Any]) -> None:
    frame_page(document, str(content["prepared"]["marking"]), _safe(spt.paper_title(content)))


def _cover(document: Any, content: Mapping[str, Any]) -> None:
    system = document.add_paragraph()
    system.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = system.add_run(_safe(str(content["system"]["name"])))
    run.bold = True
    _colour(run.font, BLUE)
    document.add_paragraph(_safe(spt.paper_title(content)), style="Title")
    document.add_paragraph("Report to the integrated care board").runs[0].font.size = Pt(13)
    rows = spt.cover_rows(content)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows, strict=True):
        _cell_text(row.cells[0], label, bold=True)
        _shade(row.cells[0], PALE_GREY)
        if label == "Purpose":
            _purpose_cell(row.cells[1], value)
        else:
            _cell_text(row.cells[1], _safe(value))
        _row_flags(row)
        for cell in row.cells:
            cell.paragraphs[-1].paragraph_format.space_after = Pt(3)
            cell.paragraphs[0].paragraph_format.space_before = Pt(3)
    _widths(table, (COVER_LABEL_CM, TEXT_WIDTH_CM - COVER_LABEL_CM))
    document.add_paragraph("The meeting, its date, the agenda item and the executive lead are for the board "
                           "secretary to fill in before the paper is tabled.", style="Table note")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _properties(document: Any, content: Mapping[str, Any]) -> None:
    core = document.core_properties
    prepared = content["prepared"]
    core.title = _safe(f"{spt.paper_title(content)}: board paper")[:250]
    core.subject = _safe(str(content["system"]["name"]))[:250]
    core.author = _safe(str(prepared.get("by") or "Collective Leadership Strategy Planner"))[:250]
    core.last_modified_by = core.author
    core.category = str(prepared["marking"])
    core.comments = "Written by the Collective Leadership Strategy Planner from the members' shared versions."
    core.keywords = "board paper; integrated care system; collective leadership; workforce"
    core.revision = 1
    core.language = "en-GB"
    core.created = core.modified = datetime.fromisoformat(str(prepared["on"])[:10])


def build_system_paper(content: Mapping[str, Any], images: Mapping[str, bytes] | None = None, *,
                       charts: Sequence[PaperChart] | None = None) -> Any:
    """The system paper as a python-docx Document: images by chart key (None or a missing key: a note instead)."""
    chosen = {c.key: replace(c, caption=_safe(c.caption), alt=_safe(c.alt))
              for c in (system_charts(content) if charts is None else charts)}
    drawn = images or {}
    document = Document()
    _styles(document)
    _page(document, content)
    _properties(document, content)
    _cover(document, content)
    write_sections(document, [_safe_section(s) for s in spt.sections(content)], chosen, drawn)
    return document


def system_paper_docx(content: Mapping[str, Any], images: Mapping[str, bytes] | None = None, *,
                      charts: Sequence[PaperChart] | None = None) -> bytes:
    """The system paper as .docx bytes (its charts as notes where no images are given)."""
    stream = io.BytesIO()
    build_system_paper(content, images, charts=charts).save(stream)
    return stream.getvalue()
