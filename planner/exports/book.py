"""The house style of the board pack and the one safe way to put a value in a cell.

Every sheet writer goes through `Book`: user text is always stored as text (never a formula),
control characters are removed and noted, text longer than a cell holds is kept whole on the
Long text sheet, numbers are stored as numbers with the pack's formats, and each sheet gets the
same print set-up. Pure: it takes values, not sessions."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book_styles import named_styles
from planner.spreadsheet_safe import runs_as_formula

# The most characters an Excel cell holds; longer text is split over the Long text sheet.
CELL_LIMIT = 32_767
# Control characters Excel cannot store (tab, line feed and carriage return are allowed).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LONG_TEXT_SHEET = "Long text"
WIDEST = 60  # characters: a text column grows to fit its entries up to this width, then wraps

# Print geometry (points). A4 is 595 x 842; the margins are set in Book.sheet. A column of width w
# (characters of the default font) is about 7w + 5 pixels, 0.75 points a pixel.
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 0.5, 0.75, 0.75  # inches
PAGE = {True: (842.0, 595.0), False: (595.0, 842.0)}  # landscape? -> (width, height)
SMALLEST_SCALE = 0.8  # 11 pt body text prints at 8.8 pt, 10 pt notes at 8 pt: the least that reads
ROW_POINTS = 15.0  # a row LibreOffice and Excel size themselves, with 11 pt Arial
KEEP_LEADING_ROWS = 4  # a long table keeps its heading, header and this many rows together


@dataclass(frozen=True)
class Column:
    """One column of a data table: its heading, the kind of value it holds, and its width."""

    heading: str
    kind: str = "text"
    width: float | None = None


_TEXT_LIKE = (str, bool)  # values written in the text style whatever their column's kind


@lru_cache(maxsize=64)
def _kind_style(kind: str) -> str:
    """The named style of a column kind's values ("people" -> "Pack people"), made once per kind."""
    return f"Pack {kind}"


def clean_text(value: str) -> tuple[str, bool]:
    """The text with control characters removed, and whether any were."""
    cleaned = CONTROL.sub("", value)
    return cleaned, cleaned != value


def _style_bytes(cell: Any) -> bytes | None:
    """A cell's style as bytes (a key for the merge cache): None for no cell; openpyxl 3.1 leaves an unstyled
    cell's style None until asked, which is the default style."""
    if cell is None:
        return None
    style: StyleArray = cell._style if cell._style is not None else StyleArray()  # noqa: SLF001
    return bytes(style.tobytes())


@dataclass
class Book:
    """A workbook being built, with the notes its safety rules leave for the reader."""

    header_left: str = ""
    header_right: str = ""
    marking: str = "OFFICIAL"
    workbook: Workbook = field(default_factory=Workbook)
    control_removed: list[str] = field(default_factory=list)  # cell references
    long_texts: list[tuple[str, str]] = field(default_factory=list)  # (cell reference, full text)
    widths_set: dict[tuple[str, str], float] = field(default_factory=dict)  # (sheet, column letter) -> width
    resolved_styles: dict[str, Any] = field(default_factory=dict)  # style name -> openpyxl's StyleArray
    # Per sheet: blocks of rows printed together (first, last, whether it may run over pages), the
    # first row of headings and notes waiting for the table they introduce, and the long table's header.
    blocks: dict[str, list[tuple[int, int, bool]]] = field(default_factory=dict)
    lead_row: dict[str, int] = field(default_factory=dict)
    long_header: dict[str, int] = field(default_factory=dict)
    # Per sheet: the last column any table uses, and the rows of notes, which wrap across that width.
    table_columns: dict[str, int] = field(default_factory=dict)
    note_rows: dict[str, list[int]] = field(default_factory=dict)
    # (first cell's style, last cell's style) -> the styles a one-row merge leaves: first, middle and last cells
    merged_styles: dict[tuple[bytes | None, bytes | None], tuple[StyleArray, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.workbook.remove(self.workbook.active)
        for style in named_styles():
            self.workbook.add_named_style(style)

    # --- sheets ----------------------------------------------------------------------------

    def sheet(self, title: str, *, presentation: bool = False, landscape: bool = True) -> Worksheet:
        """A new sheet with the pack's print set-up; presentation sheets hide gridlines."""
        ws = self.workbook.create_sheet(title)
        ws.sheet_view.showGridLines = not presentation
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = False
        ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE
        ws.page_margins.top, ws.page_margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
        ws.page_margins.header = ws.page_margins.footer = 0.3
        self.blocks[ws.title] = []
        # Small and short, so the three parts of a portrait page's header never run into each other.
        ws.oddHeader.left.text = header_text(self.header_left, 50 if landscape else 32)
        ws.oddHeader.left.size = ws.oddHeader.right.size = 8
        ws.oddHeader.center.text = header_text(self.marking)
        ws.oddHeader.center.font = "Arial,Bold"
        ws.oddHeader.right.text = header_text(self.header_right.split(" (")[0], 50 if landscape else 32)
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.center.text = header_text(self.marking)
        ws.oddFooter.center.font = "Arial,Bold"
        ws.oddFooter.right.text = "Page &P of &N"
        return ws

    # --- cells -----------------------------------------------------------------------------

    def put(self, ws: Worksheet, row: int, column: int, value: Any, kind: str = "text",
            style: str | None = None) -> None:
        """Write one value: text always as text, numbers as numbers in the kind's format."""
        # (A tuple, not str | bool: that union would be made afresh on every call.)
        name = style or ("Pack text" if kind == "text" or isinstance(value, _TEXT_LIKE) else _kind_style(kind))
        if type(value) in (int, float) or value is None:
            cell = self._styled(ws, row, column, name)
            if value is not None:  # what openpyxl's cell.value = value does for a number, without its checks
                cell._value = value  # noqa: SLF001
                cell.data_type = "n"
            return
        if isinstance(value, str):
            self._text(ws, self._styled(ws, row, column, name), value)  # after the style (it has the quote prefix)
            return
        cell = ws.cell(row=row, column=column)
        cell.value = ("Yes" if value else "No") if isinstance(value, bool) else value
        self.style(cell, name)  # after the value: a date's value would set a date format on the cell's style

    def formula(self, ws: Worksheet, row: int, column: int, formula: str, kind: str = "text",
                style: str | None = None) -> None:
        """Write a formula (our own, never user text) in the kind's style."""
        cell = self._styled(ws, row, column, style or ("Pack text" if kind == "text" else _kind_style(kind)))
        cell._value = formula  # noqa: SLF001
        cell.data_type = "f"

    def _styled(self, ws: Worksheet, row: int, column: int, name: str) -> Any:
        """The cell at (row, column), made if need be, with the named style (what style() gives it).

        A new cell is made as `Cell(ws, row, column, style_array=resolved)` and `ws._add_cell` make it, slot by
        slot: the pack makes tens of thousands of cells, and those calls' layers cost more than the cell. Its
        style is a copy of the resolved one, made as StyleArray(resolved) makes it, less that call too."""
        resolved = self.resolved_styles.get(name)
        cells = ws._cells  # noqa: SLF001 (ws.cell() checks and looks up twice)
        cell = cells.get((row, column))
        if resolved is None or (cell is None and not (0 < row < 1_048_577 and column > 0)):
            cell = ws.cell(row=row, column=column)
            self.style(cell, name)
        elif cell is None:
            cell = cells[(row, column)] = Cell.__new__(Cell)
            cell.parent, cell._style = ws, array.__new__(StyleArray, "i", resolved)  # noqa: SLF001
            cell.row, cell.column, cell._value, cell.data_type = row, column, None, "n"  # noqa: SLF001
            cell._hyperlink = cell._comment = None  # noqa: SLF001
            if row > ws._current_row:  # noqa: SLF001
                ws._current_row = row  # noqa: SLF001
        else:
            cell._style = array.__new__(StyleArray, "i", resolved)  # noqa: SLF001 (as copy(resolved))
        return cell

    def style(self, cell: Any, name: str) -> None:
        """Give a cell a named style. openpyxl looks the name up and copies the style on every
        assignment, the slowest part of writing a large pack, so each name is resolved once."""
        resolved = self.resolved_styles.get(name)
        if resolved is None:
            cell.style = name
            self.resolved_styles[name] = copy(cell._style)  # noqa: SLF001
        else:
            cell._style = copy(resolved)  # noqa: SLF001

    def _text(self, ws: Worksheet, cell: Any, value: str) -> None:
        text, removed = clean_text(value)
        if removed:
            self.control_removed.append(f"'{ws.title}'!{cell.coordinate}")
        if len(text) > CELL_LIMIT:
            self.long_texts.append((f"'{ws.title}'!{cell.coordinate}", text))
            note = f" [continues on the {LONG_TEXT_SHEET} sheet, entry {len(self.long_texts)}]"
            text = text[: CELL_LIMIT - len(note)] + note
        # What openpyxl's cell.value = text checks is done: control characters are gone and the text is
        # within a cell's length. Stored as text: never a formula, whatever the text starts with.
        cell._value = text  # noqa: SLF001
        cell.data_type = "s"
        if runs_as_formula(text):
            cell.quotePrefix = True

    def heading(self, ws: Worksheet, row: int, text: str, style: str = "Pack heading") -> int:
        """A heading line, kept on a page with what follows it; returns the next free row."""
        self.put(ws, row, 1, text, style=style)
        self.lead_row.setdefault(ws.title, row)
        return row + 1

    def note(self, ws: Worksheet, row: int, text: str) -> int:
        """A note line in small italic; returns the next free row."""
        self.put(ws, row, 1, text, style="Pack note")
        self.note_rows.setdefault(ws.title, []).append(row)
        blocks = self.blocks.get(ws.title) or []
        if ws.title not in self.lead_row and blocks and row - 2 <= blocks[-1][1] < row:
            first, _last, long = blocks[-1]  # a footnote: printed with the table above it
            blocks[-1] = (first, row, long)
        else:
            self.lead_row.setdefault(ws.title, row)
        return row + 1

    def keep(self, ws: Worksheet, first: int, last: int, *, long: bool = False) -> None:
        """Print rows first..last on one page where they fit (with any headings just above them);
        a long block may run over pages and must be the last on its sheet."""
        if ws.title in self.long_header:
            raise ValueError(f"'{ws.title}': nothing may follow a table that runs over pages, or the "
                             f"printed pages would repeat that table's header above it; use a sheet of its own")
        lead = self.lead_row.pop(ws.title, first)
        self.blocks.setdefault(ws.title, []).append((min(lead, first), last, long))

    def table(self, ws: Worksheet, top: int, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
              first_column: int = 1, autofilter: bool = True, freeze: bool = False, long: bool = False,
              widest: int = WIDEST) -> int:
        """A data table with a styled header; returns the row after it (one blank row left).

        Text columns are as wide as their longest entry (up to `widest`); longer text wraps, and its
        row is made tall enough to show it all. A table is printed on one page where it fits; a
        `long` one may run over pages, its header repeated on each (and frozen on screen), and must
        be the last table on its sheet."""
        longest = [0] * len(columns)
        last = top
        for last, values in enumerate(rows, start=top + 1):
            lines = 1
            for offset, (col, value) in enumerate(zip(columns, values, strict=False)):
                wraps = isinstance(value, str) and (len(value) > widest or "\n" in value)
                self.put(ws, last, first_column + offset, value, col.kind, style="Pack paragraph" if wraps else None)
                if isinstance(value, str):
                    longest[offset] = max(longest[offset], len(value))
                    if wraps:
                        lines = max(lines, sum(-(-len(part) // widest) or 1 for part in value.split("\n")))
            if lines > 1:  # a wrapped line of 11 pt Arial takes about 13 points
                ws.row_dimensions[last].height = 13 * lines + 3
        header_lines = 1
        for offset, col in enumerate(columns):
            # A number's heading sits over it, on the right, as figures line up in a printed table.
            self.put(ws, top, first_column + offset, col.heading,
                     style="Pack table header" if col.kind == "text" else "Pack table header number")
            letter = get_column_letter(first_column + offset)
            if col.width is not None:
                width = col.width
            elif col.kind == "text":
                width = min(max(longest[offset] + 2, 10), widest)
            else:
                width = 12
            key = (ws.title, letter)
            if width > self.widths_set.get(key, 0):
                self.widths_set[key] = width
                ws.column_dimensions[letter].width = width
            header_lines = max(header_lines, -(-len(col.heading) // max(int(self.widths_set[key]) - 2, 4)))
        ws.row_dimensions[top].height = 13 * min(header_lines, 4) + 4
        end_letter = get_column_letter(first_column + len(columns) - 1)
        if autofilter and last > top and not ws.auto_filter.ref:
            ws.auto_filter.ref = f"{get_column_letter(first_column)}{top}:{end_letter}{last}"
        self.keep(ws, top, last, long=long)
        self.table_columns[ws.title] = max(self.table_columns.get(ws.title, 0), first_column + len(columns) - 1)
        if freeze or long:
            ws.freeze_panes = ws.cell(row=top + 1, column=first_column)
        if long:
            ws.print_title_rows = f"{top}:{top}"
            self.long_header[ws.title] = top
        return last + 2

    def chart(self, ws: Worksheet, chart: Any, row: int, column: int = 1) -> int:
        """Place a chart with its top left at (row, column), below any table, kept whole on one
        page; returns the first free row under it."""
        ws.add_chart(chart, f"{get_column_letter(column)}{row}")
        rows = int(chart.height / 2.54 * 72 / ROW_POINTS) + 2  # centimetres -> rows, with room under it
        self.keep(ws, row, row + rows - 1)
        return row + rows

    def merge_across(self, ws: Worksheet, row: int, first: int, last: int) -> None:
        """Merge columns first..last of a row, as ws.merge_cells does. openpyxl then gives each merged cell the
        first cell's borders and protection one at a time, hashing style objects for every cell: what that
        gives depends only on the first and last cells' styles, so it is done once for each pair of styles
        (by openpyxl) and its outcome copied to later rows like it."""
        cells = ws._cells  # noqa: SLF001
        start, end = cells.get((row, first)), cells.get((row, last))
        key = (_style_bytes(start), _style_bytes(end))
        known = self.merged_styles.get(key) if start is not None and last - first >= 2 else None
        if known is None:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
            if start is not None and last - first >= 2:
                self.merged_styles[key] = tuple(StyleArray(cells[(row, column)]._style or StyleArray())  # noqa: SLF001
                                                for column in (first, first + 1, last))
            return
        ws.merged_cells.add(MergedCellRange(ws, f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"))
        start._style = StyleArray(known[0])  # noqa: SLF001
        for column in range(first + 1, last + 1):
            merged = cells[(row, column)] = MergedCell(ws, row, column)
            merged._style = StyleArray(known[1] if column < last else known[2])  # noqa: SLF001

    # --- finishing --------------------------------------------------------------------------

    def wrap_notes(self) -> None:
        """Notes wrap across the width of the sheet's tables, so a long sentence never widens the
        printed page (a spreadsheet prints text that spills past its cell, shrinking everything)."""
        for ws in self.workbook.worksheets:
            last = self.table_columns.get(ws.title, 0)
            if last < 2:
                continue
            width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, last + 1))
            for row in self.note_rows.get(ws.title, []):
                cell = ws.cell(row=row, column=1)
                text = str(cell.value or "")
                if len(text) <= width * 1.1 or any(row == r.min_row for r in ws.merged_cells.ranges):
                    continue
                self.merge_across(ws, row, 1, last)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines = -(-len(text) // max(int(width * 1.1), 20))
                ws.row_dimensions[row].height = 13.5 * lines + 2

    def paginate(self) -> None:
        """Page breaks so no heading is stranded at a page foot and no short table or chart is split:
        each block starts a new page where it would not fit on what is left of the current one."""
        self.wrap_notes()
        for ws in self.workbook.worksheets:
            blocks = self.blocks.get(ws.title)
            if not blocks or ws.print_area:
                continue
            scale = print_scale(ws)
            landscape = ws.page_setup.orientation == "landscape"
            page_height = (PAGE[landscape][1] - 72 * (MARGIN_TOP + MARGIN_BOTTOM)) / scale - ROW_POINTS
            height = partial(rows_height, ws)
            used = height(1, blocks[0][0] - 1)
            previous_last = blocks[0][0] - 1
            for first, last, long in blocks:
                used += height(previous_last + 1, first - 1)  # blank rows between blocks
                keep = min(last, first + KEEP_LEADING_ROWS + 1) if long else last
                needed = height(first, keep)
                if used > 0 and used + needed > page_height and needed <= page_height:
                    ws.row_breaks.append(Break(id=first - 1))
                    used = 0.0
                used += height(first, last)
                while used > page_height:  # a block longer than a page flows on; count its pages
                    used -= page_height
                previous_last = last

    def finish_notes(self) -> list[str]:
        """Sentences for the Contents sheet about what the safety rules changed; writes Long text."""
        notes = []
        if self.control_removed:
            shown = ", ".join(self.control_removed[:10]) + (" and others" if len(self.control_removed) > 10 else "")
            notes.append(f"Control characters that spreadsheets cannot hold were removed from "
                         f"{len(self.control_removed)} cell{'s' if len(self.control_removed) != 1 else ''}: {shown}.")
        if self.long_texts:
            ws = self.sheet(LONG_TEXT_SHEET, landscape=False)
            row = self.heading(ws, 1, "Text too long for one cell, in full", "Pack title")
            row = self.note(ws, row, f"An Excel cell holds at most {CELL_LIMIT:,} characters; each text below "
                                     f"continues down the column, in order.") + 1
            ws.column_dimensions["A"].width = 18
            ws.column_dimensions["B"].width = 110
            for number, (reference, text) in enumerate(self.long_texts, start=1):
                self.put(ws, row, 1, f"Entry {number}", style="Pack label")
                self.put(ws, row, 2, f"From {reference}", style="Pack label")
                row += 1
                for start in range(0, len(text), CELL_LIMIT - 1):
                    self.put(ws, row, 2, text[start:start + CELL_LIMIT - 1], style="Pack paragraph")
                    row += 1
                row += 1
            notes.append(f"{len(self.long_texts)} text{'s' if len(self.long_texts) != 1 else ''} longer than a cell "
                         f"holds {'are' if len(self.long_texts) != 1 else 'is'} kept in full on the "
                         f"{LONG_TEXT_SHEET} sheet.")
        return notes


def header_text(text: str, longest: int = 80) -> str:
    """Text safe for a print header or footer: '&' doubled (it starts a code), and kept short."""
    cleaned, _ = clean_text(text)
    cleaned = cleaned.replace("\n", " ").replace("\r", " ")
    if len(cleaned) > longest:
        cleaned = cleaned[: longest - 1] + "…"
    return cleaned.replace("&", "&&")


def rows_height(ws: Worksheet, first: int, last: int) -> float:
    """The height in points of rows first..last (rows without a set height at the default)."""
    heights = ws.row_dimensions
    return sum((heights[r].height if r in heights else None) or ROW_POINTS for r in range(first, last + 1))


def printed_width(ws: Worksheet) -> float:
    """The width in points of the sheet's used columns as printed at 100%."""
    total = 0.0
    first, last = 1, ws.max_column or 1
    if ws.print_area:  # only the printed columns count, e.g. "'Sheet'!$A$1:$I$60"
        bounds = range_boundaries(str(ws.print_area).split(",")[0].split("!")[-1].replace("$", ""))
        first, last = int(bounds[0] or 1), int(bounds[2] or last)
    for column in range(first, last + 1):
        letter = get_column_letter(column)
        dimension = ws.column_dimensions.get(letter)
        width = dimension.width if dimension is not None and dimension.width else 8.43
        if dimension is not None and dimension.hidden:
            continue
        total += (width * 7 + 5) * 0.75
    return total


def print_scale(ws: Worksheet) -> float:
    """The scale at which the sheet prints: 1, or less where its columns are wider than the page."""
    landscape = ws.page_setup.orientation == "landscape"
    usable = PAGE[landscape][0] - 72 * 2 * MARGIN_SIDE
    return min(1.0, usable / max(printed_width(ws), 1.0))


def widths(ws: Worksheet, values: dict[str, float]) -> None:
    """Set column widths by letter."""
    for letter, width in values.items():
        ws.column_dimensions[letter].width = width
