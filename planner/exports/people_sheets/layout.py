"""What the people sheets share: their sheet names, column widths for print, how a cell's text wraps, and
the helpers that start a sheet, write a table and size its rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any

from openpyxl.chart.text import RichText
from openpyxl.chart.title import Title, title_maker
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book import ROW_POINTS, WIDEST, Book, Column, clean_text
from planner.exports.book_styles import align

WITHHELD = "*"
DEFAULT_THRESHOLD = 7


# Sheet names: each group's first sheet, then the sheets it is split over (tables that may run over a
# page need a sheet each, so that the header repeated on printed pages is always their own).
DIVERSITY, INDICATORS, DIVERSITY_TARGETS = "Diversity", "Diversity indicators", "Diversity targets"
COMPETENCIES, HEATMAP, COMPETENCY_GAPS, COMPETENCY_PLAN, UNPLANNED = (
    "Competencies", "Competency heatmap", "Competency gaps", "Competency plan", "Unplanned competency gaps")
SELF_ASSESSMENT, STATEMENTS = "Self-assessment", "Self-assessment statements"
OBJECTIVES, SMART_CHECK, OBJECTIVES_BY_RAG = "Objectives", "Objectives SMART check", "Objectives by RAG"
UNOWNED = "Unowned gaps"

# Arial's advance widths (thousandths of an em; Helvetica's, which Arial and Liberation Sans share),
# to tell where text in a cell wraps. Other characters are taken as wide as a digit.
ARIAL_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~£–—‘’“”…",
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 278, 278, 584, 584,
     584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
     611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222,
     222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 556,
     556, 1000, 222, 222, 333, 333, 1000), strict=True))
TEXT_PIXELS = 11 * 96 / 72 / 1000  # pixels per thousandth of an em of 11 pt text on a 96 dpi screen
INDENT_PIXELS = 10  # one level of a cell's indent
FIT = 0.97  # of a column's room: text within it is taken to fit on a line, allowing for rendering
BOLD = 1.07  # bold Arial is about this much wider
HEADERS = ("Pack table header", "Pack table header number")
# The most column width (characters of the default font) a landscape sheet uses. Book's estimate
# allows about 175 at its smallest scale, but a unit of width is a character of the workbook's
# default font (Calibri): where a reader's LibreOffice lacks Calibri and its metric twin Carlito, it
# measures widths in a wider font and prints about a quarter smaller. At 140 the body text still
# prints at 8 pt or more there, and at full size where the font is present.
PAGE_WIDTH = 140
FIGURE_WIDTH = 11  # a column of figures: wide enough for "100.0%" or "£1,234,567"; its heading wraps
CHART_WIDTH = 17.0  # centimetres: under the tables, within a landscape page at the smallest scale
CHART_TEXT = 1100  # hundredths of a point: chart labels as large as the tables' text
SURVEY_TEXT = 40  # characters: the widest the Self-assessment sheet's first column grows before it wraps
SURVEY_FIGURE = 12  # a column of scores: with seven dimensions and the first column, within PAGE_WIDTH


# --- shared helpers ---------------------------------------------------------------------------


def start_sheet(book: Book, sheet_title: str, title: str, note: str) -> Worksheet:
    """A new sheet with its title and a one-sentence note of what it shows (rows 1 and 2)."""
    ws = book.sheet(sheet_title)
    book.heading(ws, 1, title, "Pack title")
    book.note(ws, 2, note)
    ws.row_dimensions[1].height = 28
    return ws


def cell_text(value: Any, default: str = "") -> str:
    return default if value is None else str(value)


def level_names_of(content: Mapping[str, Any]) -> dict[str, str]:
    return {str(lv["key"]): cell_text(lv.get("name"), str(lv["key"])) for lv in content.get("levels") or []}


def capitalised(value: Any) -> str:
    text = cell_text(value)
    return text[:1].upper() + text[1:]


def right_align_withheld(ws: Worksheet) -> None:
    """Line the "*" of withheld figures up with the numbers in their column."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == WITHHELD:
                cell.alignment = Alignment(horizontal="right", vertical="top")


def chart_title(text: str, size: int = 1200) -> Title:
    """A chart title in bold at `size` hundredths of a point, without control characters (they would
    break the file) and kept short."""
    cleaned, _ = clean_text(text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > 90:
        cleaned = cleaned[:89] + "…"
    title = title_maker(cleaned)
    for paragraph in title.tx.rich.paragraphs:
        paragraph.pPr.defRPr = CharacterProperties(sz=size, b=True)
    title.overlay = False
    return title


def style_chart_text(chart: Any) -> None:
    """Axis titles, tick labels and legend at the tables' size, so a chart reads once printed at
    the sheet's scale."""
    for axis, name in ((chart.x_axis, chart.x_axis.title), (chart.y_axis, chart.y_axis.title)):
        if isinstance(name, str):
            axis.title = chart_title(name, CHART_TEXT)
        axis.txPr = _rich_text()
    if chart.legend is not None:
        chart.legend.txPr = _rich_text()


def _rich_text() -> RichText:
    properties = CharacterProperties(sz=CHART_TEXT)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=properties), endParaRPr=properties)])


def with_chart(book: Book, ws: Worksheet) -> None:
    """Print the chart just placed on the same page as the table above it, where they fit together
    (Book keeps each on a page of its own, the chart perhaps on the next)."""
    blocks = book.blocks.get(ws.title) or []
    if len(blocks) >= 2 and not blocks[-2][2]:
        blocks[-2:] = [(blocks[-2][0], blocks[-1][1], False)]


def write_table(book: Book, ws: Worksheet, top: int, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
                long: bool = False, widest: int = WIDEST, autofilter: bool | None = None) -> int:
    """A table through Book; returns the row after it (one blank row left). A `long` table may run
    over pages: it gets the filter, and its header is repeated on every printed page and frozen on
    screen. Each heads a sheet of its own (under the sheet's title and note), so every printed page
    of the sheet shows its header and the frozen rows leave the window free."""
    return book.table(ws, top, columns, rows, long=long, widest=widest,
                      autofilter=long if autofilter is None else autofilter)


def _pixels(text: str, bold: bool = False) -> float:
    return sum(map(ARIAL_WIDTHS.get, text, repeat(556))) * TEXT_PIXELS * (BOLD if bold else 1.0)


_SHORT = 80  # characters: short texts (codes, ratings, names) repeat down a column, so their lines are kept
_KEPT_MOST = 20_000  # short texts' answers kept at most, across packs (then forgotten and begun again)
_lines_of_short: dict[tuple[str, float, int, bool], int] = {}


def wrapped_lines(text: str, width: float, indent: int = 0, *, bold: bool = False) -> int:
    """The lines `text` in 11 pt Arial takes in a column `width` characters wide (of the default
    font, 7 pixels each and 5 more) with `indent` levels of indent, wrapped at spaces as spreadsheet
    programs wrap it. A short text's answer is remembered."""
    if len(text) > _SHORT:
        return _wrapped_lines(text, width, indent, bold)
    key = (text, width, indent, bold)
    lines = _lines_of_short.get(key)
    if lines is None:
        if len(_lines_of_short) >= _KEPT_MOST:
            _lines_of_short.clear()
        lines = _lines_of_short[key] = _wrapped_lines(text, width, indent, bold)
    return lines


def _wrapped_lines(text: str, width: float, indent: int, bold: bool) -> int:
    room = max((7 * width + 5 - 4 - indent * INDENT_PIXELS) * FIT, 20.0)  # less the cell's padding
    if "\n" not in text and _pixels(text, bold) <= room:
        return 1  # all of it fits on one line (its blanks are at least as wide as the spaces counted below)
    space = _pixels(" ")
    lines = 0
    for paragraph in text.split("\n"):
        used, count = 0.0, 1
        for word in paragraph.split():
            size = _pixels(word, bold)
            if used and used + space + size <= room:
                used += space + size
                continue
            if used:
                count += 1
            used = size
            while used > room:  # a word longer than a line breaks where it must
                count, used = count + 1, used - room
        lines += count
    return lines


def _style(cell: Any) -> StyleArray:
    """The cell's style array, made as openpyxl's style properties make it when it has none."""
    if not cell._style:  # noqa: SLF001
        cell._style = StyleArray()  # noqa: SLF001
    return cell._style  # noqa: SLF001


def _rows_from(ws: Worksheet, first: int) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows from `first` on, as ws.iter_rows(min_row=first) gives them (every cell of each row up
    to the last column, a missing one made empty), each cell found in the sheet's own dictionary: iter_rows
    calls ws.cell, two layers of checks, for every one."""
    cells, columns = ws._cells, range(1, ws.max_column + 1)  # noqa: SLF001
    for row in range(first, ws.max_row + 1):
        yield tuple(cells.get((row, column)) or ws.cell(row=row, column=column) for column in columns)


def fit_rows(ws: Worksheet, first: int = 1) -> None:
    """Wrap the text of table cells that is wider than its column, and make each row just tall enough
    to show it, and each table's header row tall enough for its headings: run once the sheet's column
    widths are final (spreadsheet programs do not grow a row for text they did not type themselves,
    and print what does not fit cut off)."""
    widths = {letter: dimension.width for letter, dimension in ws.column_dimensions.items()}
    # The cells' named styles and alignments read from their style arrays by index, as openpyxl's
    # cell.style and cell.alignment do, without building a list of names or a proxy each time.
    names = ws.parent._named_styles.names  # noqa: SLF001
    alignments = ws.parent._alignments  # noqa: SLF001
    letters: dict[int, str] = {}
    for row in _rows_from(ws, first):
        lines, text = 1, False
        # A table row's rule under it: the border of its first plain text cell.
        ruled = next((_style(c).borderId for c in row if names[_style(c).xfId] == "Pack text"), None)
        for cell in row:
            value = cell._value  # noqa: SLF001
            if not isinstance(value, str):
                continue
            style = _style(cell)
            name = names[style.xfId]
            alignment = alignments[style.alignmentId]
            letter = letters.get(cell.column) or letters.setdefault(cell.column, cell.column_letter)
            if name in HEADERS and not alignment.text_rotation:
                need = wrapped_lines(value, widths.get(letter) or 8.43, bold=True)
                dimension = ws.row_dimensions[cell.row]
                dimension.height = max(dimension.height or ROW_POINTS, ROW_POINTS * need + 2)
            if name not in ("Pack text", "Pack paragraph"):
                continue
            text = True
            if ruled is not None and name == "Pack paragraph":
                style.borderId = ruled  # Book's long text has no rule: draw the row's (cell.border = copy(it))
            need = wrapped_lines(value, widths.get(letter) or 8.43, int(alignment.indent or 0))
            if need > 1 and not alignment.wrap_text:
                align(cell, horizontal=alignment.horizontal, vertical="top", wrap_text=True, indent=alignment.indent)
            lines = max(lines, need)
        if text and (lines > 1 or row[0].row in ws.row_dimensions):
            # As tall as its text at the final widths (Book's guess used the widest a column may be). A row
            # of one line with no dimensions yet needs none: a row's dimensions without a height write nothing.
            ws.row_dimensions[row[0].row].height = ROW_POINTS * lines if lines > 1 else None


def right_header(ws: Worksheet, book: Book, row: int, column: int) -> None:
    """A heading set right, over a column of dates or other figures Book takes for text."""
    book.style(ws.cell(row=row, column=column), "Pack table header number")
