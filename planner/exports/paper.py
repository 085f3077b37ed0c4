"""The board paper as a Word document: an NHS cover sheet, then the paper's sections with their
tables and charts, the board pack named as its appendix.

A4 portrait, 2 cm margins, Arial 11 pt; the protective marking and the title in the header, the
marking and "Page N of M" in the footer. Tables repeat their header row on each page and never
split a row; a table whose total is rounded apart from its parts carries ROUNDING_NOTE. Each chart
is an image 16 cm wide with a caption ("Figure 1: ...") and alt text; where it could not be drawn,
a short note stands in its place.

Pure: the pack's content and the charts' PNG images in, .docx bytes out. The words come from
planner.exports.paper_text, the charts from planner.exports.paper_charts."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from planner.dates import long_date
from planner.exports import paper_text as pt
from planner.exports.cover import PURPOSES
from planner.exports.paper_charts import PaperChart, paper_charts

FONT = "Arial"
SYMBOL_FONT = "Segoe UI Symbol"  # Arial has no ballot boxes; Word and LibreOffice find this or a fallback
BLUE, DARK_BLUE, GREY, PALE_GREY, WHITE = "005EB8", "003087", "425563", "E8EDEE", "FFFFFF"
TEXT_WIDTH_CM = 17.0  # A4 less two 2 cm margins
IMAGE_WIDTH_CM = 16.0
COVER_LABEL_CM = 5.2
KEEP_WHOLE_ROWS = 12  # tables of up to this many rows are kept on one page
NOT_DRAWN = ("The chart could not be drawn where this paper was written (no Chromium was found to draw it). "
             "The figures behind it are in this paper's tables and in the board pack.")
BOXES = ("☒", "☐")


# --- styles ---------------------------------------------------------------------------------------


def _plain_font(element: Any, name: str) -> None:
    """Name the font outright on a style or run, dropping the theme fonts that would win over it."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _colour(font: Any, hex_colour: str) -> None:
    font.color.rgb = RGBColor.from_string(hex_colour)
    colour = font.element.rPr.find(qn("w:color")) if font.element.rPr is not None else None
    if colour is not None:
        for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour.attrib.pop(qn(attribute), None)


def _styles(document: Any) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # British English for spelling, and for screen readers
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            for attribute in ("w:val", "w:eastAsia", "w:bidi"):
                lang.set(qn(attribute), "en-GB")
    normal = styles["Normal"]
    _plain_font(normal.element, FONT)
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, colour, before in (("Title", 20, BLUE, 0), ("Heading 1", 14, BLUE, 14),
                                       ("Heading 2", 12, DARK_BLUE, 10), ("Caption", 9, GREY, 2)):
        style = styles[name]
        _plain_font(style.element, FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        _colour(style.font, colour)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
    title = styles["Title"].element.get_or_add_pPr()
    border = title.find(qn("w:pBdr"))
    if border is not None:  # the template's rule under the title
        title.remove(border)
    for name in ("List Bullet", "Header", "Footer"):
        _plain_font(styles[name].element, FONT)
    styles["List Bullet"].paragraph_format.space_after = Pt(3)
    note = styles.add_style("Table note", 1)
    note.base_style = normal
    note.font.size = Pt(9)
    _colour(note.font, GREY)
    note.paragraph_format.space_after = Pt(8)
    cell = styles.add_style("Table text", 1)
    cell.base_style = normal
    cell.font.size = Pt(10)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.0


# --- page set-up, header and footer -------------------------------------------------------------


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin, instruction, separate, a placeholder result, end."""
    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    char("separate")
    paragraph.add_run("1")
    char("end")


def _page(document: Any, content: Mapping[str, Any]) -> None:
    frame_page(document, str((content.get("prepared") or {}).get("marking") or "OFFICIAL"), pt.paper_title(content))


def frame_page(document: Any, marking: str, title: str) -> None:
    """An A4 portrait page with 2 cm margins, the marking above and below, the paper's title under the marking
    in the header and "Page N of M" under it in the footer: every board paper's frame, a trust's or a system's."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    section.header_distance = section.footer_distance = Cm(1.0)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run(marking).bold = True
    heading = section.header.add_paragraph(title)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in heading.runs:
        run.font.size = Pt(9)
        _colour(run.font, GREY)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(marking).bold = True
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages.add_run("Page ")
    _field(pages, "PAGE")
    pages.add_run(" of ")
    _field(pages, "NUMPAGES")
    for run in pages.runs:
        run.font.size = Pt(9)


# --- tables ----------------------------------------------------------------------------------------


def _shade(cell: Any, hex_colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), hex_colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _row_flags(row: Any, *, header: bool = False) -> None:
    """Never split the row across pages; repeat it at the top of each page if it is the header."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _widths(table: Any, widths: Sequence[float]) -> None:
    """Fixed column widths, in the grid (which LibreOffice reads) and in every cell (which Word reads)."""
    table.autofit = False
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)


def _cell_text(cell: Any, text: str, *, bold: bool = False, right: bool = False, colour: str | None = None,
               style: str = "Table text") -> None:
    lines = text.split("\n") or [""]
    first = cell.paragraphs[0]
    first.style = style
    for i, line in enumerate(lines):
        paragraph = first if i == 0 else cell.add_paragraph(style=style)
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(line)
        run.bold = bold or None
        if colour:
            _colour(run.font, colour)


def _table(document: Any, block: pt.Table, number: int) -> None:
    caption = document.add_paragraph(f"Table {number}: {block.caption}", style="Caption")
    caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (cell, text) in enumerate(zip(table.rows[0].cells, block.header, strict=True)):
        _cell_text(cell, text, bold=True, right=block.numeric[i], colour=WHITE)
        _shade(cell, BLUE)
    _row_flags(table.rows[0], header=True)
    for r, values in enumerate(block.rows, start=1):
        total = block.total_last and r == len(block.rows)
        for i, (cell, text) in enumerate(zip(table.rows[r].cells, values, strict=True)):
            _cell_text(cell, text, bold=total, right=block.numeric[i])
            if total:
                _shade(cell, PALE_GREY)
        _row_flags(table.rows[r])
    if len(block.rows) <= KEEP_WHOLE_ROWS:  # a short table stays on one page, with its caption
        for row in table.rows[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    widths = block.widths or tuple(TEXT_WIDTH_CM / len(block.header) for _ in block.header)
    _widths(table, widths)
    if not block.notes:
        document.add_paragraph(style="Table note")
    for note in block.notes:
        document.add_paragraph(note, style="Table note")


# --- the cover sheet --------------------------------------------------------------------------------


def _purpose_cell(cell: Any, chosen: str) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = "Table text"
    for i, (key, name) in enumerate(PURPOSES.items()):
        if i:
            paragraph.add_run("    ")
        paragraph.add_run(name.removeprefix("For ").capitalize() + " ").bold = key == chosen or None
        box = paragraph.add_run(BOXES[0] if key == chosen else BOXES[1])
        _plain_font(box._r, SYMBOL_FONT)


def _cover(document: Any, content: Mapping[str, Any]) -> None:
    sheet = pt.cover(content)
    organisation = document.add_paragraph()
    organisation.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = organisation.add_run(str(content["organisation"]["name"]))
    run.bold = True
    _colour(run.font, BLUE)
    document.add_paragraph(pt.paper_title(content), style="Title")
    meeting = f"Report to the {sheet['meeting']}" if sheet["meeting"] != "Board" else "Report to the Board"
    if sheet["meeting_date"]:
        meeting += f", {long_date(sheet['meeting_date'])}"
    subtitle = document.add_paragraph(meeting)
    subtitle.runs[0].font.size = Pt(13)
    rows = pt.cover_rows(content, sheet)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows, strict=True):
        _cell_text(row.cells[0], label, bold=True)
        _shade(row.cells[0], PALE_GREY)
        if label == "Purpose":
            _purpose_cell(row.cells[1], sheet["purpose"])
        else:
            _cell_text(row.cells[1], value)
        _row_flags(row)
        for cell in row.cells:
            cell.paragraphs[-1].paragraph_format.space_after = Pt(3)
            cell.paragraphs[0].paragraph_format.space_before = Pt(3)
    _widths(table, (COVER_LABEL_CM, TEXT_WIDTH_CM - COVER_LABEL_CM))
    if not sheet.get("set"):
        document.add_paragraph(pt.COVER_NOT_SET, style="Table note")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# --- figures -----------------------------------------------------------------------------------------


def _alt_text(run: Any, title: str, description: str) -> None:
    """The picture's title and description, which screen readers and Word's alt text read."""
    properties = run._r.find(".//" + qn("wp:docPr"))
    if properties is not None:
        properties.set("title", title)
        properties.set("descr", description)


def _figure(document: Any, chart: PaperChart, image: bytes | None, number: int) -> None:
    caption = f"Figure {number}: {chart.caption}"
    if image is None:
        note = document.add_paragraph(style="Table note")
        note.add_run(f"{caption}. ").bold = True
        note.add_run(NOT_DRAWN)
        return
    holder = document.add_paragraph()
    holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
    holder.paragraph_format.keep_with_next = True
    run = holder.add_run()
    run.add_picture(io.BytesIO(image), width=Cm(IMAGE_WIDTH_CM))
    _alt_text(run, caption, chart.alt)
    document.add_paragraph(caption, style="Caption").paragraph_format.space_after = Pt(10)


# --- the paper ---------------------------------------------------------------------------------------


def _properties(document: Any, content: Mapping[str, Any]) -> None:
    core = document.core_properties
    prepared = content.get("prepared") or {}
    core.title = f"{pt.paper_title(content)}: board paper"[:250]
    core.subject = str(content["organisation"]["name"])[:250]
    core.author = str(prepared.get("by") or "Collective Leadership Strategy Planner")[:250]
    core.last_modified_by = core.author
    core.category = str(prepared.get("marking") or "OFFICIAL")
    core.comments = "Written by the Collective Leadership Strategy Planner from the board pack's figures."
    core.keywords = "board paper; collective leadership; workforce"
    core.revision = 1
    core.language = "en-GB"
    if prepared.get("on"):
        when = datetime.fromisoformat(str(prepared["on"])[:10])
        core.created = core.modified = when


def build_paper(content: Mapping[str, Any], images: Mapping[str, bytes] | None = None, *,
                charts: Sequence[PaperChart] | None = None) -> Any:
    """The paper as a python-docx Document: images by chart key (None or a missing key: a note instead)."""
    chosen = {c.key: c for c in (paper_charts(content) if charts is None else charts)}
    drawn = images or {}
    document = Document()
    _styles(document)
    _page(document, content)
    _properties(document, content)
    _cover(document, content)
    write_sections(document, pt.sections(content), chosen, drawn)
    return document


def write_sections(document: Any, sections: Sequence[pt.Section], chosen: Mapping[str, PaperChart],
                   drawn: Mapping[str, bytes]) -> None:
    """Each section under its numbered heading (appendices unnumbered), its paragraphs, subheadings, tables and
    figures in turn, tables and figures numbered through the paper: every board paper's body, a trust's or a
    system's."""
    tables = figures = numbered = 0
    for section in sections:
        appendix = section.title.startswith("Appendix")
        if not appendix:
            numbered += 1
        document.add_heading(section.title if appendix else f"{numbered}. {section.title}", level=1)
        for block in section.blocks:
            if isinstance(block, pt.Para):
                style = {"bullet": "List Bullet", "note": "Table note"}.get(block.kind)
                document.add_paragraph(block.text, style=style)
            elif isinstance(block, pt.Subheading):
                document.add_heading(block.text, level=2)
            elif isinstance(block, pt.Table):
                tables += 1
                _table(document, block, tables)
            elif block.key in chosen:
                figures += 1
                _figure(document, chosen[block.key], drawn.get(block.key), figures)


def paper_docx(content: Mapping[str, Any], images: Mapping[str, bytes] | None = None, *,
               charts: Sequence[PaperChart] | None = None) -> bytes:
    """The paper as .docx bytes."""
    stream = io.BytesIO()
    build_paper(content, images, charts=charts).save(stream)
    return stream.getvalue()
