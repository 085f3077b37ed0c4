"""The house style of the board pack and the one safe way to put a value in a cell.

Every sheet writer goes through `Book`: user text is always stored as text (never a formula),
control characters are removed and noted, text longer than a cell holds is kept whole on the
Long text sheet, numbers are stored as numbers with the pack's formats, and each sheet gets the
same print set-up. Pure: it takes values, not sessions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# The most characters an Excel cell holds; longer text is split over the Long text sheet.
CELL_LIMIT = 32_767
# Control characters Excel cannot store (tab, line feed and carriage return are allowed).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A cell starting with one of these is read as a formula (or DDE call) by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
LONG_TEXT_SHEET = "Long text"
WIDEST = 60  # characters: a text column grows to fit its entries up to this width, then wraps

NHS_BLUE = "005EB8"
NHS_DARK_BLUE = "003087"
PALE_GREY = "E8EDEE"
MID_GREY = "AEB7BD"
RAG_FILLS = {"red": "F4C7C3", "amber": "FFE8A3", "green": "C6E6D0"}

# Display formats: people are whole numbers, shares a percentage to one decimal place.
FORMATS = {
    "people": "#,##0",
    "number": "#,##0.00",
    "decimal": "0.000",
    "percent": "0.0%",
    "points": '+0.0" pts";-0.0" pts";0.0" pts"',
    "money": '"£"#,##0',
    "year": "0",
    "step": "0",
    "rate": "0.0%",
    "ratio": "0.00",
    "text": "@",
}


@dataclass(frozen=True)
class Column:
    """One column of a data table: its heading, the kind of value it holds, and its width."""

    heading: str
    kind: str = "text"
    width: float | None = None


def _named_styles() -> list[NamedStyle]:
    thin = Side(style="thin", color=MID_GREY)
    styles = [
        NamedStyle("Pack title", font=Font(name="Arial", size=20, bold=True, color=NHS_DARK_BLUE)),
        NamedStyle("Pack heading", font=Font(name="Arial", size=14, bold=True, color=NHS_BLUE)),
        NamedStyle("Pack label", font=Font(name="Arial", size=11, bold=True),
                   alignment=Alignment(vertical="top")),
        NamedStyle("Pack note", font=Font(name="Arial", size=10, italic=True, color="425563"),
                   alignment=Alignment(wrap_text=False)),
        NamedStyle("Pack table header", font=Font(name="Arial", size=11, bold=True, color="FFFFFF"),
                   fill=PatternFill("solid", fgColor=NHS_BLUE),
                   alignment=Alignment(wrap_text=True, vertical="center"), border=Border(bottom=thin)),
        NamedStyle("Pack text", font=Font(name="Arial", size=11),
                   alignment=Alignment(vertical="top"), border=Border(bottom=thin)),
        NamedStyle("Pack paragraph", font=Font(name="Arial", size=11),
                   alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle("Pack input", font=Font(name="Arial", size=11, color="0000FF"),
                   fill=PatternFill("solid", fgColor="FFF9E5"),
                   border=Border(bottom=thin, top=thin, left=thin, right=thin)),
    ]
    for kind, fmt in FORMATS.items():
        if kind == "text":
            continue
        styles.append(NamedStyle(f"Pack {kind}", font=Font(name="Arial", size=11), number_format=fmt,
                                 alignment=Alignment(horizontal="right", vertical="top"), border=Border(bottom=thin)))
    return styles


def clean_text(value: str) -> tuple[str, bool]:
    """The text with control characters removed, and whether any were."""
    cleaned = CONTROL.sub("", value)
    return cleaned, cleaned != value


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

    def __post_init__(self) -> None:
        self.workbook.remove(self.workbook.active)
        for style in _named_styles():
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
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.oddHeader.left.text = header_text(self.header_left)
        ws.oddHeader.center.text = header_text(self.marking)
        ws.oddHeader.center.font = "Arial,Bold"
        ws.oddHeader.right.text = header_text(self.header_right)
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.center.text = header_text(self.marking)
        ws.oddFooter.center.font = "Arial,Bold"
        ws.oddFooter.right.text = "Page &P of &N"
        return ws

    # --- cells -----------------------------------------------------------------------------

    def put(self, ws: Worksheet, row: int, column: int, value: Any, kind: str = "text",
            style: str | None = None) -> None:
        """Write one value: text always as text, numbers as numbers in the kind's format."""
        cell = ws.cell(row=row, column=column)
        if value is None:
            self.style(cell, style or ("Pack text" if kind == "text" else f"Pack {kind}"))
            return
        if isinstance(value, str):
            self.style(cell, style or "Pack text")
            self._text(ws, cell, value)  # after the style, which would reset the quote prefix
            return
        if isinstance(value, bool):
            cell.value = "Yes" if value else "No"
            self.style(cell, style or "Pack text")
            return
        cell.value = value
        self.style(cell, style or ("Pack text" if kind == "text" else f"Pack {kind}"))

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
        reference = f"'{ws.title}'!{cell.coordinate}"
        if removed:
            self.control_removed.append(reference)
        if len(text) > CELL_LIMIT:
            self.long_texts.append((reference, text))
            note = f" [continues on the {LONG_TEXT_SHEET} sheet, entry {len(self.long_texts)}]"
            text = text[: CELL_LIMIT - len(note)] + note
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True

    def heading(self, ws: Worksheet, row: int, text: str, style: str = "Pack heading") -> int:
        """A heading line; returns the next free row."""
        self.put(ws, row, 1, text, style=style)
        return row + 1

    def note(self, ws: Worksheet, row: int, text: str) -> int:
        """A note line in small italic; returns the next free row."""
        self.put(ws, row, 1, text, style="Pack note")
        return row + 1

    def table(self, ws: Worksheet, top: int, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
              first_column: int = 1, autofilter: bool = True, freeze: bool = False) -> int:
        """A data table with a styled header; returns the row after it (one blank row left).

        Text columns are as wide as their longest entry (up to WIDEST); longer text wraps, and its
        row is made tall enough to show it all."""
        longest = [0] * len(columns)
        last = top
        for last, values in enumerate(rows, start=top + 1):
            lines = 1
            for offset, (col, value) in enumerate(zip(columns, values, strict=False)):
                wraps = isinstance(value, str) and len(value) > WIDEST
                self.put(ws, last, first_column + offset, value, col.kind, style="Pack paragraph" if wraps else None)
                if isinstance(value, str):
                    longest[offset] = max(longest[offset], len(value))
                    if wraps:
                        lines = max(lines, -(-len(value) // WIDEST) + value.count("\n"))
            if lines > 1:
                ws.row_dimensions[last].height = 15 * lines
        header_lines = 1
        for offset, col in enumerate(columns):
            self.put(ws, top, first_column + offset, col.heading, style="Pack table header")
            letter = get_column_letter(first_column + offset)
            if col.width is not None:
                width = col.width
            elif col.kind == "text":
                width = min(max(longest[offset] + 2, 10), WIDEST)
            else:
                width = 14
            key = (ws.title, letter)
            if width > self.widths_set.get(key, 0):
                self.widths_set[key] = width
                ws.column_dimensions[letter].width = width
            header_lines = max(header_lines, -(-len(col.heading) // max(int(self.widths_set[key]) - 2, 4)))
        ws.row_dimensions[top].height = 15 * min(header_lines, 4) + 2
        end_letter = get_column_letter(first_column + len(columns) - 1)
        if autofilter and last > top and not ws.auto_filter.ref:
            ws.auto_filter.ref = f"{get_column_letter(first_column)}{top}:{end_letter}{last}"
        if freeze:
            ws.freeze_panes = ws.cell(row=top + 1, column=first_column)
            ws.print_title_rows = f"{top}:{top}"
        return last + 2

    # --- finishing --------------------------------------------------------------------------

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


def header_text(text: str) -> str:
    """Text safe for a print header or footer: '&' doubled (it starts a code), and kept short."""
    cleaned, _ = clean_text(text)
    cleaned = cleaned.replace("\n", " ").replace("\r", " ")
    if len(cleaned) > 80:
        cleaned = cleaned[:79] + "…"
    return cleaned.replace("&", "&&")


def widths(ws: Worksheet, values: dict[str, float]) -> None:
    """Set column widths by letter."""
    for letter, width in values.items():
        ws.column_dimensions[letter].width = width
