"""The board pack's house style: its colours, number formats and named styles, and the shared way to
align or fill a cell (each style made once per workbook, not once a cell)."""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray

NHS_BLUE = "005EB8"
NHS_DARK_BLUE = "003087"
MID_GREY = "AEB7BD"
RAG_FILLS = {"red": "F4C7C3", "amber": "FFE8A3", "green": "C6E6D0"}

# Display formats: people are whole numbers, shares a percentage to one decimal place.
FORMATS = {
    "people": "#,##0",
    "number": "#,##0.00",
    "tenth": "#,##0.0",
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



def named_styles() -> list[NamedStyle]:
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
        NamedStyle("Pack table header number", font=Font(name="Arial", size=11, bold=True, color="FFFFFF"),
                   fill=PatternFill("solid", fgColor=NHS_BLUE),
                   alignment=Alignment(wrap_text=True, vertical="center", horizontal="right"),
                   border=Border(bottom=thin)),
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


# Per workbook: (style array field, the style's values) -> its index in the workbook's list of them.
_STYLE_IDS: WeakKeyDictionary[Workbook, dict[tuple[str, tuple[tuple[str, Any], ...]], int]] = WeakKeyDictionary()
_STYLE_KINDS: dict[str, tuple[str, Any]] = {
    "alignmentId": ("_alignments", Alignment), "fillId": ("_fills", PatternFill), "borderId": ("_borders", Border),
}


def _shared(cell: Any, key: str, values: dict[str, Any]) -> None:
    """What `cell.alignment = Alignment(**values)` (or a fill or border) does, the style made, hashed and
    looked up in the workbook once for all the cells that share it rather than once a cell."""
    workbook = cell.parent.parent
    ids = _STYLE_IDS.setdefault(workbook, {})
    wanted = (key, tuple(values.items()))
    index = ids.get(wanted)
    if index is None:
        collection, make = _STYLE_KINDS[key]
        index = ids[wanted] = getattr(workbook, collection).add(make(**values))
    if not cell._style:  # noqa: SLF001 (a cell made without a style has none yet: openpyxl makes one)
        cell._style = StyleArray()  # noqa: SLF001
    setattr(cell._style, key, index)  # noqa: SLF001 (each cell has its own style array)


def align(cell: Any, **values: Any) -> None:
    """cell.alignment = Alignment(**values), shared (see _shared)."""
    _shared(cell, "alignmentId", values)


def fill(cell: Any, colour: str) -> None:
    """cell.fill = PatternFill("solid", fgColor=colour), shared (see _shared)."""
    _shared(cell, "fillId", {"fill_type": "solid", "fgColor": colour})
