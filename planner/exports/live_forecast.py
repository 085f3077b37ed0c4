"""The Live forecast sheet: model.md written as Excel formulas over input cells, so a planner who
changes a rate, a span, growth or a baseline count in Excel sees the whole forecast recompute.

Unchanged, its values equal the engine's to 1e-6 (a test recalculates it in LibreOffice). The
layout, top to bottom: inputs by level; inputs by area (staff and growth, with staff by year);
inputs by area and level (leaders, span, overrides, and the rates used); organisation totals by
level and year; then one row per area, level and year, in the order of the engine's rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book import Book, Column

SHEET = "Live forecast"
RATES = ("leaver_rate", "ready_rate", "internal_fill_max")
ROW_COLUMNS = (
    Column("Area", "text", 14), Column("Level", "text", 14), Column("Year", "year", 8),
    Column("Staff", "number", 12), Column("Demand (posts)", "people", 12), Column("Start", "number", 12),
    Column("Leavers", "number", 12), Column("Promoted out", "number", 12), Column("Available", "number", 12),
    Column("Vacancies", "number", 12), Column("Ready to step up", "number", 12),
    Column("Internal fills", "number", 12), Column("External appointments", "number", 13),
    Column("End (in post)", "number", 12), Column("Shortfall without recruitment", "number", 14),
)
# Output field -> column number in the row block (1-based), shared with the totals block's sums.
FIELD_COLUMN = {"staff": 4, "demand": 5, "start": 6, "leavers": 7, "promoted_out": 8, "available": 9,
                "vacancies": 10, "ready": 11, "internal_fills": 12, "external_appointments": 13, "end": 14,
                "shortfall_without_recruitment": 15}
TOTAL_FIELDS = ("demand", "start", "leavers", "promoted_out", "internal_fills", "external_appointments",
                "vacancies", "end")


def _growth(value: Any, horizon: int) -> list[float]:
    if isinstance(value, (int, float)):
        return [float(value)] * horizon
    return [float(v) for v in list(value)[:horizon]]


def _ref(column: int, row: int) -> str:
    """An absolute reference such as $C$12."""
    return f"${get_column_letter(column)}${row}"


class Layout:
    """Where each block and each input sits, computed once so formulas can point at cells."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.levels: list[str] = [lv["key"] for lv in spec["levels"]]
        self.areas: list[str] = [a["key"] for a in spec["areas"]]
        self.horizon = int(spec["horizon"])
        levels, areas, horizon = len(self.levels), len(self.areas), self.horizon
        self.start_year_row = 4
        self.level_header = 7
        self.area_header = self.level_header + levels + 3
        self.area_level_header = self.area_header + areas + 3
        self.totals_header = self.area_level_header + areas * levels + 3
        self.rows_header = self.totals_header + levels * horizon + 3
        self.last_row = self.rows_header + areas * levels * horizon

    def level_row(self, level: int) -> int:
        return self.level_header + 1 + level

    def area_row(self, area: int) -> int:
        return self.area_header + 1 + area

    def area_level_row(self, area: int, level: int) -> int:
        return self.area_level_header + 1 + area * len(self.levels) + level

    def row(self, area: int, level: int, t: int) -> int:
        """The sheet row of area, level and forecast year t (1..H)."""
        return self.rows_header + 1 + (area * len(self.levels) + level) * self.horizon + (t - 1)

    # Columns of the area block: code, name, staff, growth years 1..H, staff years 1..H.
    def growth_column(self, t: int) -> int:
        return 3 + t

    def staff_column(self, t: int) -> int:
        return 3 if t == 0 else 3 + self.horizon + t


def write_live_forecast(book: Book, content: Mapping[str, Any]) -> Worksheet | None:
    """The Live forecast sheet for the content's scenario (None when there is no forecast)."""
    spec = content["forecast"]["spec"]
    if not spec or not spec.get("areas"):
        return None
    ws = book.sheet(SHEET)
    at = Layout(spec)
    names = {lv["key"]: lv["name"] for lv in content["levels"]}
    area_names = {a["key"]: a.get("name", a["key"]) for a in spec["areas"]}
    scenario = content["forecast"]["scenario"]["name"]
    book.heading(ws, 1, f"Live forecast: {scenario}", "Pack title")
    book.note(ws, 2, "Change a yellow cell and every figure below recalculates by the planner's model. "
                     "Unchanged, the figures equal the planner's forecast.")
    book.put(ws, at.start_year_row, 1, "Start year", style="Pack label")
    book.put(ws, at.start_year_row, 2, int(spec["start_year"]), style="Pack input")
    ws.cell(row=at.start_year_row, column=2).number_format = "0"
    book.put(ws, at.start_year_row + 1, 1, "Forecast years", style="Pack label")
    book.put(ws, at.start_year_row + 1, 2, at.horizon, "year")

    _level_inputs(book, ws, at, spec, names)
    _area_inputs(book, ws, at, spec, area_names)
    _area_level_inputs(book, ws, at, spec, names)
    _totals(book, ws, at)
    _rows(book, ws, at)
    ws.freeze_panes = "C3"
    for column, width in ((1, 16), (2, 22)):
        ws.column_dimensions[get_column_letter(column)].width = width
    return ws


def _input(book: Book, ws: Worksheet, row: int, column: int, value: float | None, number_format: str) -> None:
    book.put(ws, row, column, value, style="Pack input")
    ws.cell(row=row, column=column).number_format = number_format


def _level_inputs(book: Book, ws: Worksheet, at: Layout, spec: Mapping[str, Any], names: Mapping[str, str]) -> None:
    book.heading(ws, at.level_header - 1, "Inputs by level (top level first)")
    book.table(ws, at.level_header, [Column("Level", "text", 16), Column("Name", "text", 22),
                                     Column("Leaver rate", "rate"), Column("Ready rate", "rate"),
                                     Column("Internal fill max", "rate")], [], autofilter=False)
    for i, level in enumerate(spec["levels"]):
        row = at.level_row(i)
        book.put(ws, row, 1, level["key"])
        book.put(ws, row, 2, names.get(level["key"], level["key"]))
        for j, rate in enumerate(RATES):
            _input(book, ws, row, 3 + j, float(level[rate]), "0.00%")


def _area_inputs(book: Book, ws: Worksheet, at: Layout, spec: Mapping[str, Any], area_names: Mapping[str, str]) -> None:
    start = int(spec["start_year"])
    book.heading(ws, at.area_header - 1, "Inputs by area: staff and staff growth (staff by year is calculated)")
    columns = [Column("Area", "text", 16), Column("Name", "text", 22), Column("Staff at start", "people")]
    columns += [Column(f"Growth {start + t}", "rate", 11) for t in range(1, at.horizon + 1)]
    columns += [Column(f"Staff {start + t}", "number", 11) for t in range(1, at.horizon + 1)]
    book.table(ws, at.area_header, columns, [], autofilter=False)
    for a, area in enumerate(spec["areas"]):
        row = at.area_row(a)
        book.put(ws, row, 1, area["key"])
        book.put(ws, row, 2, area_names[area["key"]])
        _input(book, ws, row, at.staff_column(0), float(area["staff"]), "#,##0")
        for t, rate in enumerate(_growth(area.get("staff_growth", 0.0), at.horizon), start=1):
            _input(book, ws, row, at.growth_column(t), rate, "0.00%")
            previous = f"{get_column_letter(at.staff_column(t - 1))}{row}"
            growth = f"{get_column_letter(at.growth_column(t))}{row}"
            book.put(ws, row, at.staff_column(t), None, "number")
            ws.cell(row=row, column=at.staff_column(t)).value = f"={previous}*(1+{growth})"


def _area_level_inputs(book: Book, ws: Worksheet, at: Layout, spec: Mapping[str, Any],
                       names: Mapping[str, str]) -> None:
    book.heading(ws, at.area_level_header - 1,
                 "Inputs by area and level: leaders in post, span of control (blank: demand stays at the "
                 "baseline) and rate overrides (blank: the level's rate)")
    columns = [Column("Area", "text", 16), Column("Level", "text", 22), Column("Leaders at start", "number"),
               Column("Span (staff per leader)", "number"), Column("Leaver rate override", "rate"),
               Column("Ready rate override", "rate"), Column("Internal fill max override", "rate"),
               Column("Leaver rate used", "rate"), Column("Ready rate used", "rate"),
               Column("Internal fill max used", "rate")]
    book.table(ws, at.area_level_header, columns, [], autofilter=False)
    for a, area in enumerate(spec["areas"]):
        overrides = area.get("overrides") or {}
        spans = area.get("span") or {}
        leaders = area.get("leaders") or {}
        for i, level in enumerate(at.levels):
            row = at.area_level_row(a, i)
            book.put(ws, row, 1, area["key"])
            book.put(ws, row, 2, names.get(level, level))
            _input(book, ws, row, 3, float(leaders.get(level, 0)), "#,##0.##")
            _input(book, ws, row, 4, float(spans[level]) if level in spans else None, "#,##0.##")
            for j, rate in enumerate(RATES):
                value = overrides.get(level, {}).get(rate)
                _input(book, ws, row, 5 + j, float(value) if value is not None else None, "0.00%")
                override = f"{get_column_letter(5 + j)}{row}"
                level_rate = _ref(3 + j, at.level_row(i))
                book.put(ws, row, 8 + j, None, "rate")
                ws.cell(row=row, column=8 + j).value = f"=IF(ISNUMBER({override}),{override},{level_rate})"
                ws.cell(row=row, column=8 + j).number_format = "0.00%"


def _rows(book: Book, ws: Worksheet, at: Layout) -> None:
    book.heading(ws, at.rows_header - 1, "The forecast by area, level and year (each year from the one before)")
    book.table(ws, at.rows_header, ROW_COLUMNS, [], autofilter=False)
    ws.auto_filter.ref = f"A{at.rows_header}:{get_column_letter(len(ROW_COLUMNS))}{at.last_row}"
    c = {name: get_column_letter(col) for name, col in FIELD_COLUMN.items()}
    last_level = len(at.levels) - 1
    for a, area in enumerate(at.areas):
        area_row = at.area_row(a)
        for i, level in enumerate(at.levels):
            inputs = at.area_level_row(a, i)
            leaders, span = f"$C${inputs}", f"$D${inputs}"
            q, f = f"$H${inputs}", f"$J${inputs}"
            for t in range(1, at.horizon + 1):
                r = at.row(a, i, t)
                staff = f"${get_column_letter(at.staff_column(t))}${area_row}"
                start = leaders if t == 1 else f"{c['end']}{r - 1}"
                promoted = "0" if i == 0 else f"{c['internal_fills']}{at.row(a, i - 1, t)}"
                if i == last_level:
                    ready, fills = "0", "0"
                else:
                    below = at.area_level_row(a, i + 1)
                    ready = f"$I${below}*{c['start']}{at.row(a, i + 1, t)}"
                    fills = f"MIN({f}*{c['vacancies']}{r},{c['ready']}{r})"
                formulas = {
                    "staff": f"={staff}",
                    # ceil(round(S / span, 9)): the rounding stops a binary artefact adding a post.
                    "demand": f"=IF(ISNUMBER({span}),CEILING(ROUND({c['staff']}{r}/{span},9),1),{leaders})",
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
                book.put(ws, r, 1, area)
                book.put(ws, r, 2, level)  # the key: the totals' SUMIFS match on it, and keys hold no wildcards
                book.put(ws, r, 3, None, "year")
                ws.cell(row=r, column=3).value = f"=$B${at.start_year_row}+{t}"
                for name, formula in formulas.items():
                    column = FIELD_COLUMN[name]
                    book.put(ws, r, column, None, ROW_COLUMNS[column - 1].kind)
                    ws.cell(row=r, column=column).value = formula


def _totals(book: Book, ws: Worksheet, at: Layout) -> None:
    book.heading(ws, at.totals_header - 1, "Organisation totals by level and year (sums of the rows below)")
    columns: Sequence[Column] = [Column("Level", "text"), Column("Year", "year")] + [
        ROW_COLUMNS[FIELD_COLUMN[name] - 1] for name in TOTAL_FIELDS]
    book.table(ws, at.totals_header, columns, [], autofilter=False)
    first, last = at.rows_header + 1, at.last_row
    for i, level in enumerate(at.levels):
        for t in range(1, at.horizon + 1):
            r = at.totals_header + 1 + i * at.horizon + (t - 1)
            book.put(ws, r, 1, level)
            book.put(ws, r, 2, None, "year")
            ws.cell(row=r, column=2).value = f"=$B${at.start_year_row}+{t}"
            for j, name in enumerate(TOTAL_FIELDS, start=3):
                column = get_column_letter(FIELD_COLUMN[name])
                book.put(ws, r, j, None, ROW_COLUMNS[FIELD_COLUMN[name] - 1].kind)
                ws.cell(row=r, column=j).value = (
                    f"=SUMIFS(${column}${first}:${column}${last},$B${first}:$B${last},$A{r},"
                    f"$C${first}:$C${last},$B{r})")
