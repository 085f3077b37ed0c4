"""The Live forecast sheet: model.md written as Excel formulas over input cells, so a planner who
changes a rate, a span, funded posts, growth or a baseline count in Excel sees the whole forecast
recompute. Leaver rates and funded posts (model.md version 3) have a cell for each forecast year; a
figure the scenario gives once fills the later years with formulas repeating the year before, so
changing the first year changes them all, and typing over a later year changes that year alone.

Unchanged, its values equal the engine's to 1e-6 (a test recalculates it in LibreOffice). The
layout, top to bottom: a plain-words explanation and the start year; inputs by level; inputs by
area (staff and growth); inputs by area and level (leaders, span, funded posts, overrides, and the
rates used); organisation totals by level and year; then one row per area, level and year, in the order of the
engine's rows. Each input cell is yellow, unlocked and validated; everything else is locked, on a
sheet protected without a password.

Printed: the explanation with the rates by level, then the totals with their header repeated. A
sheet repeats one header only, so the long per-area blocks stay on screen; the Structure and
baseline and Assumptions and method sheets print the areas' figures with headers of their own."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from copy import copy
from typing import Any

from openpyxl.styles import Alignment, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book import Book, Column
from planner.exports.content import PackContent
from planner.exports.live_layout import (
    EXPLANATION,
    FIELD_COLUMN,
    LEAVER_RATE_COLUMN,
    Layout,
    absolute,
    column_range,
    override_or,
    row_formulas,
)
from planner.exports.live_rules import Validations

__all__ = ["EXPLANATION", "FIELD_COLUMN", "LEAVER_RATE_COLUMN", "PRINT_NOTE", "SHEET", "TOTAL_FIELDS", "Layout",
           "write_live_forecast"]

SHEET = "Live forecast"
PRINT_NOTE = ("Live forecast prints its explanation, rates by level and totals; its inputs by area and its rows "
              "for each area, level and year are on screen only (Structure and baseline and Assumptions and "
              "method print the areas' figures).")
ONE_RATE = ("ready_rate", "internal_fill_max")  # one figure for every year: only q changes by year (model.md)
ROW_COLUMNS = (
    Column("Area"), Column("Level"), Column("Year", "year"), Column("Staff", "number"),
    Column("Demand (posts)", "people"), Column("Start", "number"), Column("Leavers", "number"),
    Column("Promoted out", "number"), Column("Available", "number"), Column("Vacancies", "number"),
    Column("Ready to step up", "number"), Column("Internal fills", "number"),
    Column("External appointments", "number", 13), Column("End (in post)", "number"),
    Column("Shortfall without recruitment", "number", 13), Column("Leaver rate used", "rate"),
)
TOTAL_FIELDS = ("demand", "start", "leavers", "promoted_out", "internal_fills", "external_appointments",
                "vacancies", "end")
# Widths in characters: codes, names, then figures. Modest, so the printed blocks (10 columns) fit
# A4 landscape at full size, and above 8 pt even where LibreOffice measures the default font with
# a wider stand-in for Calibri.
CODE_WIDTH, NAME_WIDTH, FIGURE_WIDTH = 13, 30, 10
UNLOCKED = Protection(locked=False)
RATE_FORMAT, COUNT_FORMAT = "0.00%", "#,##0"


def _growth(value: Any, horizon: int) -> list[float]:
    if isinstance(value, (int, float)):
        return [float(value)] * horizon
    return [float(v) for v in list(value)[:horizon]]


def _yearly_inputs(book: Book, ws: Worksheet, row: int, first_column: int, value: Any, horizon: int,
                   number_format: str) -> None:
    """Input cells for forecast years 1..H in a row: a list's figures as given; one figure in year 1
    with the later years repeating the year before (so changing year 1 changes them all); blank
    cells where there is no figure."""
    for t in range(1, horizon + 1):
        column = first_column + t - 1
        if isinstance(value, (list, tuple)):
            _input(book, ws, row, column, float(value[t - 1]), number_format)
        elif value is None or t == 1:
            _input(book, ws, row, column, None if value is None else float(value), number_format)
        else:
            _input(book, ws, row, column, None, number_format)
            before = f"{get_column_letter(column - 1)}{row}"
            # "" rather than 0 when the year before is cleared, so a blank still means "not given".
            cell = ws.cell(row=row, column=column)
            cell._value = f'=IF(ISNUMBER({before}),{before},"")'  # noqa: SLF001
            cell.data_type = "f"


def write_live_forecast(book: Book, content: PackContent) -> Worksheet | None:
    """The Live forecast sheet for the content's scenario (None when there is no forecast)."""
    spec = content["forecast"]["spec"]
    if not spec or not spec.get("areas"):
        return None
    scenario = content["forecast"]["scenario"]
    assert scenario is not None  # a spec comes only with a scenario
    ws = book.sheet(SHEET)
    at = Layout(spec)
    rules = Validations()
    names = {lv["key"]: lv["name"] for lv in content["levels"]}
    _explanation(book, ws, at, scenario["name"], int(spec["start_year"]), rules)
    _level_inputs(book, ws, at, spec, names, rules)
    _area_inputs(book, ws, at, spec, rules)
    _area_level_inputs(book, ws, at, spec, names, rules)
    _totals(book, ws, at)
    _rows(book, ws, at)
    rules.attach(ws)
    _finish(ws, at)
    return ws


def _explanation(book: Book, ws: Worksheet, at: Layout, scenario: str, start_year: int, rules: Validations) -> None:
    book.heading(ws, 1, f"Live forecast: {scenario}", "Pack title")
    for row, line in enumerate(EXPLANATION, start=at.explanation):
        book.put(ws, row, 1, line, style="Pack paragraph")
        # Unwrapped, a line runs on across the empty cells to its right instead of filling column A.
        ws.cell(row=row, column=1).alignment = Alignment(vertical="top", wrap_text=False)
    book.put(ws, at.start_year_row, 1, "Start year", style="Pack label")
    _input(book, ws, at.start_year_row, 2, start_year, "0")
    rules.add("start_year", f"B{at.start_year_row}")
    book.put(ws, at.start_year_row + 1, 1, "Forecast years", style="Pack label")
    book.put(ws, at.start_year_row + 1, 2, at.horizon, "year")


def _block(book: Book, ws: Worksheet, header: int, title: str, note: str, columns: Sequence[Column]) -> None:
    """A block's heading, note and header row, each column at the sheet's width for its position."""
    book.heading(ws, header - 2, title)
    book.note(ws, header - 1, note)
    # Book.table keeps each column at the widest any block asks for.
    sized = [Column(c.heading, c.kind, c.width or _width(n)) for n, c in enumerate(columns, start=1)]
    book.table(ws, header, sized, [], autofilter=False)


def _width(column: int) -> float:
    return {1: CODE_WIDTH, 2: NAME_WIDTH}.get(column, FIGURE_WIDTH)


def _input(book: Book, ws: Worksheet, row: int, column: int, value: float | None, number_format: str) -> None:
    """A yellow input cell, unlocked so it can be changed on the protected sheet."""
    book.put(ws, row, column, value, style="Pack input")
    cell = ws.cell(row=row, column=column)
    # Resolved once per format, as Book.style does, so 500 areas' inputs stay quick to write.
    key = f"Pack input, {number_format}, unlocked"
    resolved = book.resolved_styles.get(key)
    if resolved is not None:
        cell._style = copy(resolved)  # noqa: SLF001
        return
    cell.number_format = number_format
    cell.alignment = Alignment(vertical="top")  # level with the names beside it when a name wraps
    cell.protection = UNLOCKED
    book.resolved_styles[key] = copy(cell._style)  # noqa: SLF001


def _level_inputs(book: Book, ws: Worksheet, at: Layout, spec: Mapping[str, Any], names: Mapping[str, str],
                  rules: Validations) -> None:
    start = int(spec["start_year"])
    _block(book, ws, at.level_header, "Inputs: rates by level",
           "Shares of a level's leaders: leaving in each year; ready to step up; and the most of its vacancies "
           "filled from the level below.",
           [Column("Level"), Column("Name")]
           + [Column(f"Leaver rate {start + t}", "rate") for t in range(1, at.horizon + 1)]
           + [Column("Ready rate", "rate"), Column("Internal fill max", "rate")])
    for i, level in enumerate(spec["levels"]):
        row = at.level_row(i)
        book.put(ws, row, 1, level["key"])
        book.put(ws, row, 2, names.get(level["key"], level["key"]))
        _yearly_inputs(book, ws, row, at.leaver_column(1), level["leaver_rate"], at.horizon, RATE_FORMAT)
        for column, rate in zip((at.ready_column, at.fill_column), ONE_RATE, strict=True):
            _input(book, ws, row, column, float(level.get(rate) or 0.0), RATE_FORMAT)
    rules.add("rate", f"{get_column_letter(at.leaver_column(1))}{at.level_row(0)}:"
                      f"{get_column_letter(at.fill_column)}{at.level_row(len(at.levels) - 1)}")


def _area_inputs(book: Book, ws: Worksheet, at: Layout, spec: Mapping[str, Any], rules: Validations) -> None:
    start = int(spec["start_year"])
    _block(book, ws, at.area_header, "Inputs: staff and growth by area",
           "Staff at the start, and the share by which staff change each year (0.03: 3% more). Staff in "
           "each year are in the rows below.",
           [Column("Area"), Column("Name"), Column("Staff at start", "people")]
           + [Column(f"Growth {start + t}", "rate") for t in range(1, at.horizon + 1)])
    for a, area in enumerate(spec["areas"]):
        row = at.area_row(a)
        book.put(ws, row, 1, area["key"])
        _name(book, ws, row, str(area.get("name", area["key"])))
        _input(book, ws, row, at.staff_column, float(area["staff"]), COUNT_FORMAT)
        for t, rate in enumerate(_growth(area.get("staff_growth", 0.0), at.horizon), start=1):
            _input(book, ws, row, at.growth_column(t), rate, RATE_FORMAT)
    first, last = at.area_row(0), at.area_row(len(at.areas) - 1)
    rules.add("staff", column_range(at.staff_column, first, last))
    rules.add("growth", f"{get_column_letter(at.growth_column(1))}{first}:"
                        f"{get_column_letter(at.growth_column(at.horizon))}{last}")


def _name(book: Book, ws: Worksheet, row: int, name: str) -> None:
    """An area's name, wrapped within its column with the row made tall enough to show it."""
    # A column holds a little more Arial text than its width in characters, which count digits.
    lines = len(textwrap.wrap(name, NAME_WIDTH + 2)) or 1
    book.put(ws, row, 2, name, style="Pack paragraph" if lines > 1 else None)
    if lines > 1:
        # Spreadsheet programs do not grow a row for wrapped text they did not type themselves.
        ws.row_dimensions[row].height = 15 * lines


def _area_level_inputs(book: Book, ws: Worksheet, at: Layout, spec: Mapping[str, Any],
                       names: Mapping[str, str], rules: Validations) -> None:
    start = int(spec["start_year"])
    years = range(1, at.horizon + 1)
    _block(book, ws, at.area_level_header, "Inputs: leaders, spans, funded posts and overrides by area and level",
           "Funded posts: the posts needed that year (blank: demand follows the span, else the starting count). "
           "Span: staff per leader. Override: this area's rate (blank: the level's rate).",
           [Column("Area"), Column("Level"), Column("Leaders at start", "people"),
            Column("Span (staff per leader)", "number")]
           + [Column(f"Funded posts {start + t}", "people") for t in years]
           + [Column(f"Leaver rate override {start + t}", "rate") for t in years]
           + [Column("Ready rate override", "rate"), Column("Internal fill max override", "rate"),
              Column("Ready rate used", "rate"), Column("Internal fill max used", "rate")])
    for a, area in enumerate(spec["areas"]):
        overrides = area.get("overrides") or {}
        spans = area.get("span") or {}
        leaders = area.get("leaders") or {}
        posts = area.get("establishment") or {}
        for i, level in enumerate(at.levels):
            row = at.area_level_row(a, i)
            own = overrides.get(level) or {}
            book.put(ws, row, 1, area["key"])
            book.put(ws, row, 2, names.get(level, level))
            _input(book, ws, row, at.leaders_column, float(leaders.get(level, 0)), COUNT_FORMAT)
            _input(book, ws, row, at.span_column, float(spans[level]) if level in spans else None, "General")
            _yearly_inputs(book, ws, row, at.posts_column(1), posts.get(level), at.horizon, COUNT_FORMAT)
            _yearly_inputs(book, ws, row, at.leaver_override_column(1), own.get("leaver_rate"), at.horizon,
                           RATE_FORMAT)
            for rate, column, used, level_column in (
                    ("ready_rate", at.ready_override_column, at.ready_used_column, at.ready_column),
                    ("internal_fill_max", at.fill_override_column, at.fill_used_column, at.fill_column)):
                value = own.get(rate)
                _input(book, ws, row, column, float(value) if value is not None else None, RATE_FORMAT)
                book.formula(ws, row, used, override_or(column, row, absolute(level_column, at.level_row(i))), "rate")
                ws.cell(row=row, column=used).number_format = RATE_FORMAT
    first, last = at.area_level_row(0, 0), at.area_level_row(len(at.areas) - 1, len(at.levels) - 1)
    rules.add("leaders", column_range(at.leaders_column, first, last))
    rules.add("span", column_range(at.span_column, first, last))
    rules.add("posts", f"{get_column_letter(at.posts_column(1))}{first}:"
                       f"{get_column_letter(at.posts_column(at.horizon))}{last}")
    rules.add("override", f"{get_column_letter(at.leaver_override_column(1))}{first}:"
                          f"{get_column_letter(at.fill_override_column)}{last}")


def _rows(book: Book, ws: Worksheet, at: Layout) -> None:
    _block(book, ws, at.rows_header, "Results: each area, level and year",
           "Each year starts from the one before; the filter arrows pick an area or a level. On screen only, "
           "not printed.", ROW_COLUMNS)
    ws.auto_filter.ref = f"A{at.rows_header}:{get_column_letter(len(ROW_COLUMNS))}{at.last_row}"
    for a, area in enumerate(at.areas):
        for i, level in enumerate(at.levels):
            for t in range(1, at.horizon + 1):
                r = at.row(a, i, t)
                book.put(ws, r, 1, area)
                book.put(ws, r, 2, level)  # the key: the totals' SUMIFS match on it, and keys hold no wildcards
                book.formula(ws, r, 3, f"=$B${at.start_year_row}+{t}", "year")
                for name, formula in row_formulas(at, a, i, t).items():
                    column = FIELD_COLUMN[name]
                    book.formula(ws, r, column, formula, ROW_COLUMNS[column - 1].kind)
                inputs = at.area_level_row(a, i)
                level_rate = absolute(at.leaver_column(t), at.level_row(i))
                book.formula(ws, r, LEAVER_RATE_COLUMN, override_or(at.leaver_override_column(t), inputs, level_rate),
                             "rate")
                _rate_format(book, ws.cell(row=r, column=LEAVER_RATE_COLUMN))


def _rate_format(book: Book, cell: Any) -> None:
    """The rate format on a cell in the rate style: set by openpyxl on the first such cell (which looks the
    format up in the workbook's list), and that cell's resulting style copied to the others."""
    key = f"Pack rate, {RATE_FORMAT}"
    plain = cell._style == book.resolved_styles.get("Pack rate")  # noqa: SLF001
    resolved = book.resolved_styles.get(key)
    if plain and resolved is not None:
        cell._style = copy(resolved)  # noqa: SLF001
        return
    cell.number_format = RATE_FORMAT
    if plain:
        book.resolved_styles[key] = copy(cell._style)  # noqa: SLF001


def _totals(book: Book, ws: Worksheet, at: Layout) -> None:
    _block(book, ws, at.totals_header, "Results: totals by level and year",
           "Sums over every area of the rows at the foot of the sheet; leaders as expected values, not rounded.",
           [Column("Level"), Column("Year", "year")] + [ROW_COLUMNS[FIELD_COLUMN[name] - 1] for name in TOTAL_FIELDS])
    first, last = at.rows_header + 1, at.last_row
    for i, level in enumerate(at.levels):
        for t in range(1, at.horizon + 1):
            r = at.total_row(i, t)
            book.put(ws, r, 1, level)
            book.formula(ws, r, 2, f"=$B${at.start_year_row}+{t}", "year")
            for j, name in enumerate(TOTAL_FIELDS, start=3):
                column = get_column_letter(FIELD_COLUMN[name])
                book.formula(ws, r, j, f"=SUMIFS(${column}${first}:${column}${last},$B${first}:$B${last},$A{r},"
                             f"$C${first}:$C${last},$B{r})", ROW_COLUMNS[FIELD_COLUMN[name] - 1].kind)


def _finish(ws: Worksheet, at: Layout) -> None:
    """Freeze the labels, protect the sheet, and print the explanation, rates and totals."""
    ws.freeze_panes = "C2"
    # No password: protection guards against slips, not people; a planner lifts it from the Review tab.
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = False  # allowed: widen a column, hide a row
    protection.autoFilter = False  # filtering the rows is allowed
    # Sorting stays off: each year's row is calculated from the row above, so sorting would break it.
    protection.sort = True
    ws.print_area = at.print_ranges
    ws.print_title_rows = f"{at.totals_header}:{at.totals_header}"
