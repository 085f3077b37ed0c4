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
from dataclasses import dataclass
from typing import Any

from openpyxl.styles import Alignment, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book import Book, Column
from planner.forecast.parse import GROWTH, LEADERS, POSTS, SPAN, STAFF, START_YEAR

SHEET = "Live forecast"
PRINT_NOTE = ("Live forecast prints its explanation, rates by level and totals; its inputs by area and its rows "
              "for each area, level and year are on screen only (Structure and baseline and Assumptions and "
              "method print the areas' figures).")
ONE_RATE = ("ready_rate", "internal_fill_max")  # one figure for every year: only q changes by year (model.md)
EXPLANATION = (
    "What this is: the planner's workforce model written as spreadsheet formulas, to try other assumptions.",
    "Change only the yellow cells: every other figure recalculates from them. Unchanged, the figures equal the "
    "planner's forecast.",
    "Rates are shares between 0 and 1: type 0.12 for 12%. Staff and leaders are whole numbers of people.",
    "Where the scenario gives a leaver rate or funded posts once, each later year repeats the year before until "
    "you type over it.",
    "Select a yellow cell to see what goes in it; a value outside its rule is refused with the reason.",
    "The sheet is protected, without a password, so that no formula is overwritten by accident. To lift it: "
    "Review > Unprotect Sheet.",
    "The areas, levels and years are fixed: to add one, change it in the planner and download the pack again.",
    "Printed: this explanation, the rates by level and the totals. The inputs by area and the rows are on screen only.",
)
ROW_COLUMNS = (
    Column("Area"), Column("Level"), Column("Year", "year"), Column("Staff", "number"),
    Column("Demand (posts)", "people"), Column("Start", "number"), Column("Leavers", "number"),
    Column("Promoted out", "number"), Column("Available", "number"), Column("Vacancies", "number"),
    Column("Ready to step up", "number"), Column("Internal fills", "number"),
    Column("External appointments", "number", 13), Column("End (in post)", "number"),
    Column("Shortfall without recruitment", "number", 13), Column("Leaver rate used", "rate"),
)
# Output field -> column number in the row block (1-based), shared with the totals block's sums.
FIELD_COLUMN = {"staff": 4, "demand": 5, "start": 6, "leavers": 7, "promoted_out": 8, "available": 9,
                "vacancies": 10, "ready": 11, "internal_fills": 12, "external_appointments": 13, "end": 14,
                "shortfall_without_recruitment": 15}
LEAVER_RATE_COLUMN = 16  # the row's leaver rate: the area's own for that year, else the level's
TOTAL_FIELDS = ("demand", "start", "leavers", "promoted_out", "internal_fills", "external_appointments",
                "vacancies", "end")
# Widths in characters: codes, names, then figures. Modest, so the printed blocks (10 columns) fit
# A4 landscape at full size, and above 8 pt even where LibreOffice measures the default font with
# a wider stand-in for Calibri.
CODE_WIDTH, NAME_WIDTH, FIGURE_WIDTH = 13, 30, 10
UNLOCKED = Protection(locked=False)
RATE_FORMAT, COUNT_FORMAT = "0.00%", "#,##0"


@dataclass(frozen=True)
class Rule:
    """A data validation rule for one kind of input cell, with the words Excel shows for it."""

    type: str  # "whole" or "decimal"
    operator: str  # "between", "greaterThan" or "greaterThanOrEqual"
    low: float
    high: float | None
    allow_blank: bool
    title: str  # error and prompt title; Excel shows at most 32 characters
    error: str
    prompt: str


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _limit(value: float | None) -> float:
    assert value is not None, "the engine's range has this end"
    return value


def _above(low_open: bool) -> str:
    """Excel's operator for a range with only a low end, open or closed as the engine's is."""
    return "greaterThan" if low_open else "greaterThanOrEqual"


def _rules() -> dict[str, Rule]:
    # The bounds are the engine's (planner.forecast.parse), so the sheet refuses what the planner refuses.
    first_year, last_year = _limit(START_YEAR.low), _limit(START_YEAR.high)
    most_staff, most_leaders = _limit(STAFF.high), _limit(LEADERS.high)
    share = "a share between 0 and 1: type 0.12 for 12%"
    return {
        "start_year": Rule("whole", "between", first_year, last_year, False, "Start year",
                           f"The start year must be a whole number from {_bound(first_year)} to "
                           f"{_bound(last_year)}.",
                           "The year the forecast starts from; the results count on from it."),
        "rate": Rule("decimal", "between", 0, 1, False, "Rate: a share from 0 to 1",
                     f"A rate must be {share}. Below 0 or above 1 (100%) is refused.",
                     f"The level's rate, {share}. A leaver rate given once repeats the year before in later "
                     "years until you type over it."),
        "override": Rule("decimal", "between", 0, 1, True, "Override: blank, or 0 to 1",
                         f"An override must be blank (the level's rate applies) or {share}.",
                         f"Blank: this area uses the level's rate. Otherwise {share}."),
        "posts": Rule("whole", "between", _limit(POSTS.low), _limit(POSTS.high), True, "Funded posts: blank, or whole",
                      f"Funded posts must be blank (demand follows the span, else the starting count) or a whole "
                      f"number of posts from 0 to {_limit(POSTS.high):,.0f}.",
                      "The funded leader posts that year, whole posts: the posts needed. Blank: demand follows "
                      "the span, else the starting count."),
        "staff": Rule("whole", "between", _limit(STAFF.low), most_staff, False, "Staff: a whole number",
                      f"Staff must be a whole number from 0 to {most_staff:,.0f}.",
                      "Staff in the area at the start (headcount), a whole number."),
        "leaders": Rule("whole", "between", _limit(LEADERS.low), most_leaders, False, "Leaders: a whole number",
                        f"Leaders in post must be a whole number from 0 to {most_leaders:,.0f}.",
                        "Leaders in post at the start in this area and level, a whole number."),
        "span": Rule("decimal", _above(SPAN.low_open), _limit(SPAN.low), None, True, "Span: blank, or more than 0",
                     "A span must be blank (demand stays at the starting count) or a number of staff per "
                     "leader more than 0.",
                     "Staff per leader; demand follows staff. Blank: demand stays at the starting count."),
        "growth": Rule("decimal", _above(GROWTH.low_open), _limit(GROWTH.low), None, False, "Growth: more than -1",
                       "Growth must be a share more than -1: 0.03 for 3% more staff, -0.02 for 2% fewer.",
                       "The share by which the area's staff change this year: 0.03 for 3%, -0.02 for a 2% fall."),
    }


class Validations:
    """One DataValidation per rule, each covering every range of its kind of input cell."""

    def __init__(self) -> None:
        self.rules = _rules()
        self.by_rule: dict[str, DataValidation] = {}

    def add(self, rule: str, cells: str) -> None:
        """Apply a rule to a range such as C8:E11."""
        if rule not in self.by_rule:
            self.by_rule[rule] = _validation(self.rules[rule])
        self.by_rule[rule].add(cells)

    def attach(self, ws: Worksheet) -> None:
        """Put every rule with cells on the sheet."""
        for validation in self.by_rule.values():
            ws.add_data_validation(validation)


def _validation(rule: Rule) -> DataValidation:
    return DataValidation(
        type=rule.type, operator=rule.operator, formula1=_bound(rule.low),
        formula2=None if rule.high is None else _bound(rule.high), allow_blank=rule.allow_blank,
        showErrorMessage=True, errorStyle="stop", errorTitle=rule.title, error=rule.error,
        showInputMessage=True, promptTitle=rule.title, prompt=rule.prompt)


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


def _used(column: int, row: int, fallback: str) -> str:
    """A formula: the override in this cell where it holds a number, else the fallback."""
    override = f"{get_column_letter(column)}{row}"
    return f"=IF(ISNUMBER({override}),{override},{fallback})"


def _ref(column: int, row: int) -> str:
    """An absolute reference such as $C$12."""
    return f"${get_column_letter(column)}${row}"


def _down(column: int, first: int, last: int) -> str:
    """A range down one column, such as C8:C11."""
    return f"{get_column_letter(column)}{first}:{get_column_letter(column)}{last}"


# A block is a heading, a one-line note, a header row and its data rows, then one blank row.
BLOCK_GAP = 4  # from a block's last data row to the next block's header row
PRINTED_COLUMNS = 10  # the totals' level, year and eight figures (the rates by level may be wider)


class Layout:
    """Where each block and each input sits, computed once so formulas can point at cells."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.levels: list[str] = [lv["key"] for lv in spec["levels"]]
        self.areas: list[str] = [a["key"] for a in spec["areas"]]
        self.horizon = int(spec["horizon"])
        levels, areas, horizon = len(self.levels), len(self.areas), self.horizon
        self.explanation = 2
        self.start_year_row = self.explanation + len(EXPLANATION) + 1
        self.level_header = self.start_year_row + 1 + BLOCK_GAP
        self.area_header = self.level_header + levels + BLOCK_GAP
        self.area_level_header = self.area_header + areas + BLOCK_GAP
        self.totals_header = self.area_level_header + areas * levels + BLOCK_GAP
        self.rows_header = self.totals_header + levels * horizon + BLOCK_GAP
        self.last_row = self.rows_header + areas * levels * horizon

    @property
    def print_ranges(self) -> list[str]:
        """What prints: the explanation with the rates by level, then the totals with their heading.
        Each range starts a page, and only the totals' header repeats, so every page is labelled."""
        last = get_column_letter(self.printed_columns)
        return [f"A1:{last}{self.level_row(len(self.levels) - 1)}",
                f"A{self.totals_header - 2}:{last}{self.total_row(len(self.levels) - 1, self.horizon)}"]

    def total_row(self, level: int, t: int) -> int:
        """The sheet row of a level's total in forecast year t (1..H)."""
        return self.totals_header + 1 + level * self.horizon + (t - 1)

    def level_row(self, level: int) -> int:
        return self.level_header + 1 + level

    def area_row(self, area: int) -> int:
        return self.area_header + 1 + area

    def area_level_row(self, area: int, level: int) -> int:
        return self.area_level_header + 1 + area * len(self.levels) + level

    def row(self, area: int, level: int, t: int) -> int:
        """The sheet row of area, level and forecast year t (1..H)."""
        return self.rows_header + 1 + (area * len(self.levels) + level) * self.horizon + (t - 1)

    @property
    def printed_columns(self) -> int:
        """The printed width: the totals' columns, or the rates by level where they are wider."""
        return max(PRINTED_COLUMNS, self.fill_column)

    # Columns of the level block: code, name, leaver rate years 1..H, ready rate, internal fill max.
    def leaver_column(self, t: int) -> int:
        """The level block's column of the leaver rate in forecast year t (1..H)."""
        return 2 + t

    @property
    def ready_column(self) -> int:
        return 3 + self.horizon

    @property
    def fill_column(self) -> int:
        return 4 + self.horizon

    # Columns of the area block: code, name, staff at start, growth years 1..H.
    staff_column = 3

    def growth_column(self, t: int) -> int:
        return 3 + t

    # Columns of the area and level block: area, level, leaders, span, funded posts years 1..H,
    # leaver rate override years 1..H, ready and internal fill overrides, then the ready and
    # internal fill rates used.
    leaders_column, span_column = 3, 4

    def posts_column(self, t: int) -> int:
        """The area and level block's column of the funded posts in forecast year t (1..H)."""
        return 4 + t

    def leaver_override_column(self, t: int) -> int:
        """The area and level block's column of the area's own leaver rate in forecast year t (1..H)."""
        return 4 + self.horizon + t

    @property
    def ready_override_column(self) -> int:
        return 5 + 2 * self.horizon

    @property
    def fill_override_column(self) -> int:
        return 6 + 2 * self.horizon

    @property
    def ready_used_column(self) -> int:
        return 7 + 2 * self.horizon

    @property
    def fill_used_column(self) -> int:
        return 8 + 2 * self.horizon


def write_live_forecast(book: Book, content: Mapping[str, Any]) -> Worksheet | None:
    """The Live forecast sheet for the content's scenario (None when there is no forecast)."""
    spec = content["forecast"]["spec"]
    if not spec or not spec.get("areas"):
        return None
    ws = book.sheet(SHEET)
    at = Layout(spec)
    rules = Validations()
    names = {lv["key"]: lv["name"] for lv in content["levels"]}
    _explanation(book, ws, at, content["forecast"]["scenario"]["name"], int(spec["start_year"]), rules)
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
    rules.add("staff", _down(at.staff_column, first, last))
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
                book.formula(ws, row, used, _used(column, row, _ref(level_column, at.level_row(i))), "rate")
                ws.cell(row=row, column=used).number_format = RATE_FORMAT
    first, last = at.area_level_row(0, 0), at.area_level_row(len(at.areas) - 1, len(at.levels) - 1)
    rules.add("leaders", _down(at.leaders_column, first, last))
    rules.add("span", _down(at.span_column, first, last))
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
                for name, formula in _formulas(at, a, i, t).items():
                    column = FIELD_COLUMN[name]
                    book.formula(ws, r, column, formula, ROW_COLUMNS[column - 1].kind)
                inputs = at.area_level_row(a, i)
                book.formula(ws, r, LEAVER_RATE_COLUMN, _used(at.leaver_override_column(t), inputs,
                                                              _ref(at.leaver_column(t), at.level_row(i))), "rate")
                ws.cell(row=r, column=LEAVER_RATE_COLUMN).number_format = RATE_FORMAT


def _formulas(at: Layout, a: int, i: int, t: int) -> dict[str, str]:
    """The formulas of one row (area a, level i, year t), by output field."""
    c = {name: get_column_letter(col) for name, col in FIELD_COLUMN.items()}
    r = at.row(a, i, t)
    inputs, area_row = at.area_level_row(a, i), at.area_row(a)
    leaders, span = _ref(at.leaders_column, inputs), _ref(at.span_column, inputs)
    posts = _ref(at.posts_column(t), inputs)
    q, f = f"{get_column_letter(LEAVER_RATE_COLUMN)}{r}", _ref(at.fill_used_column, inputs)
    growth = _ref(at.growth_column(t), area_row)
    # S(a,t) = S(a,t-1) * (1 + g(a,t)), the same chain in each level's rows.
    staff = _ref(at.staff_column, area_row) if t == 1 else f"{c['staff']}{r - 1}"
    start = leaders if t == 1 else f"{c['end']}{r - 1}"
    promoted = "0" if i == 0 else f"{c['internal_fills']}{at.row(a, i - 1, t)}"
    if i == len(at.levels) - 1:
        ready, fills = "0", "0"
    else:
        below = at.area_level_row(a, i + 1)
        ready = f"{_ref(at.ready_used_column, below)}*{c['start']}{at.row(a, i + 1, t)}"
        fills = f"MIN({f}*{c['vacancies']}{r},{c['ready']}{r})"
    return {
        "staff": f"={staff}*(1+{growth})",
        # The funded posts where given (model.md version 3), else ceil(round(S / span, 9)) (the
        # rounding stops a binary artefact adding a post), else the starting count.
        "demand": f"=IF(ISNUMBER({posts}),{posts},"
                  f"IF(ISNUMBER({span}),CEILING(ROUND({c['staff']}{r}/{span},9),1),{leaders}))",
        "start": f"={start}",
        "leavers": f"={q}*{c['start']}{r}",
        "promoted_out": f"={promoted}",
        "available": f"={c['start']}{r}-{c['leavers']}{r}-{c['promoted_out']}{r}",
        "vacancies": f"=MAX(0,{c['demand']}{r}-{c['available']}{r})",
        "ready": f"={ready}",
        "internal_fills": f"={fills}",
        "external_appointments": f"={c['vacancies']}{r}-{c['internal_fills']}{r}",
        "end": f"={c['available']}{r}+{c['vacancies']}{r}",
        "shortfall_without_recruitment": f"={c['demand']}{r}-{c['available']}{r}",
    }


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
