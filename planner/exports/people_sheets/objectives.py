"""The Objectives sheets of the board pack (the cascade, its SMART check and its RAG ratings) and the
sheet of gaps no objective owns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book import Book, Column
from planner.exports.book_styles import RAG_FILLS, align, fill
from planner.exports.content import PackContent
from planner.exports.people_sheets.competencies import competency_names
from planner.exports.people_sheets.layout import (
    OBJECTIVES,
    OBJECTIVES_BY_RAG,
    SMART_CHECK,
    UNOWNED,
    capitalised,
    cell_text,
    chart_title,
    fit_rows,
    right_header,
    start_sheet,
    style_chart_text,
    with_chart,
    write_table,
)

DATE_FORMAT = "d mmm yyyy"
MAX_OUTLINE = 7  # Excel's deepest outline level
OBJECTIVE_LEVELS = {"strategic": "Strategic", "area": "Area", "team": "Team", "individual": "Individual"}
RAG_ORDER = (("red", "Red"), ("amber", "Amber"), ("green", "Green"), (None, "Not rated"))
RAG_CHART_COLOURS = {"red": "DA291C", "amber": "FFB81C", "green": "009639", None: "AEB7BD"}
SMART_LETTERS = (("S", "Specific"), ("M", "Measurable"), ("A", "Achievable"), ("R", "Relevant"), ("T", "Time-bound"))


# --- 4. Objectives --------------------------------------------------------------------------------


def _due(value: Any) -> Any:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def _objective_rows(ws: Worksheet, header: int, rows: Sequence[Mapping[str, Any]], title_column: int) -> int:
    """Indent each objective's title by its depth in the cascade; returns the deepest depth."""
    deepest = 0
    for offset, objective in enumerate(rows, start=1):
        depth = min(max(int(objective.get("depth") or 0), 0), MAX_OUTLINE)
        deepest = max(deepest, depth)
        align(ws.cell(row=header + offset, column=title_column),
              horizontal="left", indent=depth * 2, wrap_text=True, vertical="top")
    return deepest


def _rag_counts(book: Book, ws: Worksheet, row: int, rows: Iterable[Mapping[str, Any]]) -> int:
    """A table of objectives per RAG status, its statuses in their colours, and a bar chart of it
    under the table; returns the row under the chart."""
    counts = {key: 0 for key, _ in RAG_ORDER}
    for objective in rows:
        rag = objective.get("rag")
        counts[rag if rag in counts else None] += 1
    header = row
    row = write_table(book, ws, header, [Column("RAG status", width=14), Column("Objectives", "people")],
                      [[label, counts[key]] for key, label in RAG_ORDER], autofilter=False)
    for offset, (key, _label) in enumerate(RAG_ORDER, start=1):
        fill = RAG_FILLS.get(cell_text(key))
        if fill:
            ws.cell(row=header + offset, column=1).fill = PatternFill("solid", fgColor=fill)
    last = header + len(RAG_ORDER)
    chart = BarChart()
    chart.type = "col"
    chart.title = chart_title("Objectives by RAG status")
    chart.y_axis.title = "Objectives"
    chart.x_axis.title = "RAG status"
    chart.y_axis.number_format = "0"
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    chart.gapWidth = 60
    chart.height, chart.width = 7.5, 15
    style_chart_text(chart)
    chart.add_data(Reference(ws, min_col=2, min_row=header, max_row=last), titles_from_data=True)
    series = chart.series[0]
    labels = Reference(ws, min_col=1, min_row=header + 1, max_row=last)
    series.cat = AxDataSource(strRef=StrRef(f=str(labels)))  # text categories, so a string reference
    for index, (key, _label) in enumerate(RAG_ORDER):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = RAG_CHART_COLOURS[key]
        point.graphicalProperties.line.solidFill = RAG_CHART_COLOURS[key]
        series.dPt.append(point)
    row = book.chart(ws, chart, row)
    with_chart(book, ws)
    return row


def write_objectives(book: Book, content: PackContent) -> None:
    """Sheets "Objectives": the cascade in tree order, folding by level, with progress and RAG;
    "Objectives SMART check": each objective's SMART check and why it is not yet SMART; and
    "Objectives by RAG": a count of objectives per RAG status with its chart."""
    objectives: Mapping[str, Any] = content.get("objectives") or {}
    rows: Sequence[Mapping[str, Any]] = objectives.get("rows") or []
    ws = start_sheet(book, OBJECTIVES, "Objectives cascade",
                     "Every objective from the board's down to teams and individuals, with its progress and RAG "
                     "rating; use the outline buttons on the left to fold the levels away. The SMART check of each "
                     "is on the next sheet.")
    header = book.heading(ws, 3, "The cascade")
    write_table(book, ws, header, [
        Column("Ref", width=9), Column("Objective", width=37), Column("Level", width=10),
        Column("Area", width=19), Column("Owner", width=16), Column("Weight", "number", 8), Column("Due", width=12),
        Column("Progress", "percent", 10), Column("Progress rolled up", "percent", 10), Column("RAG", width=9),
    ], [[
        o.get("ref"), o.get("title"), OBJECTIVE_LEVELS.get(str(o.get("level")), capitalised(o.get("level"))),
        o.get("area"), o.get("owner"), o.get("weight"), _due(o.get("due")), o.get("progress"),
        o.get("rolled_up_progress"), dict(RAG_ORDER).get(o.get("rag"), "Not rated"),
    ] for o in rows], long=True)
    right_header(ws, book, header, 7)  # dates, set right like the figures
    rag_column = 10
    deepest = _objective_rows(ws, header, rows, 2)
    for offset, objective in enumerate(rows, start=1):
        row = header + offset
        ws.row_dimensions[row].outlineLevel = min(max(int(objective.get("depth") or 0), 0), MAX_OUTLINE)
        due = ws.cell(row=row, column=7)
        if isinstance(due.value, date):
            due.number_format = DATE_FORMAT
            align(due, horizontal="right", vertical="top")
        colour = RAG_FILLS.get(cell_text(objective.get("rag")))
        if colour:
            fill(ws.cell(row=row, column=rag_column), colour)
    ws.sheet_properties.outlinePr.summaryBelow = False  # a parent row sits above its children
    ws.sheet_format.outlineLevelRow = deepest
    if not rows:
        book.note(ws, header + 2, "There are no objectives yet.")
    fit_rows(ws)

    ws = start_sheet(book, SMART_CHECK, "Are the objectives SMART?",
                     "Each objective checked against the SMART test ("
                     + ", ".join(f"{letter} {name.lower()}" for letter, name in SMART_LETTERS)
                     + "; ✓ met, ✗ not yet), and what would make it so.")
    header = book.heading(ws, 3, "SMART check")
    first_letter = 3
    write_table(book, ws, header, [  # a letter over each narrow column, spelt out in the note above
        Column("Ref", width=9), Column("Objective", width=70),
        *[Column(letter, width=5) for letter, _ in SMART_LETTERS],
        Column("Why it is not yet SMART", width=36),  # few objectives have reasons: the titles get the room
    ], [[
        o.get("ref"), o.get("title"),
        *[("✓" if (o.get("smart") or {}).get(letter) else "✗") for letter, _ in SMART_LETTERS],
        " ".join(str(r) for r in o.get("smart_reasons") or []) or None,
    ] for o in rows], long=True)
    _objective_rows(ws, header, rows, 2)
    for offset in range(len(rows) + 1):
        for letter_column in range(first_letter, first_letter + len(SMART_LETTERS)):
            align(ws.cell(row=header + offset, column=letter_column),
                  horizontal="center", vertical="center" if offset == 0 else "top")
    if not rows:
        book.note(ws, header + 2, "There are no objectives yet.")
    fit_rows(ws)

    ws = start_sheet(book, OBJECTIVES_BY_RAG, "Objectives by RAG status",
                     "How many objectives are rated red, amber and green, and how many are not rated yet.")
    ws.page_setup.orientation = "portrait"
    row = book.heading(ws, 3, "Objectives by RAG status")
    _rag_counts(book, ws, row, rows)


# --- 5. Unowned gaps ------------------------------------------------------------------------------


def write_unowned(book: Book, content: PackContent) -> None:
    """Sheet "Unowned gaps": the gaps the board found that no objective is linked to yet."""
    unowned: Sequence[Mapping[str, Any]] = (content.get("objectives") or {}).get("unowned") or []
    if not unowned:
        start_sheet(book, UNOWNED, "Gaps with no objective",
                    "Every gap the board found (diversity targets, competency gaps and the rest) has at least one "
                    "objective linked to it.")
        return
    ws = start_sheet(book, UNOWNED, "Gaps with no objective",
                     "These are the gaps the board found that no objective is linked to yet, so no one owns closing "
                     "them.")
    comp_names = competency_names(content.get("competencies") or {})
    write_table(book, ws, 4, [Column("Kind of gap", width=20), Column("Gap", width=80)],
                [[capitalised(g.get("kind")), _unowned_label(g, comp_names)] for g in unowned], long=True, widest=80)
    fit_rows(ws)


def _unowned_label(gap: Mapping[str, Any], comp_names: Mapping[str, str]) -> str:
    """The gap's label, with a competency gap's competency key (which starts it) shown by its name."""
    label = cell_text(gap.get("label"))
    if gap.get("kind") == "competency gap":
        key, at, rest = label.partition(" at ")
        if at and key in comp_names:
            return f"{comp_names[key]} at {rest}"
    return label
