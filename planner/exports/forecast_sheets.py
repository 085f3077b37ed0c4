"""The forecast sheets of the board pack: totals and areas, scenarios compared, uncertainty bands,
with native Excel charts of demand against supply and of appointments per year."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from planner.band_words import band_gaps
from planner.exports.book import Book, Column
from planner.exports.content import PackContent
from planner.exports.rounding import ROUNDING_NOTE, RULE_IN_WORDS, whole, whole_flows
from planner.rate_words import is_yearly, rate_words, yearly_rates

CHART_WIDTH = 17.0  # centimetres: a chart reads well at about half a landscape A4 page
CHART_HEIGHT = 7.5
NHS_SERIES = ["005EB8", "AE2573", "007F3B", "FFB81C", "330072", "00A499", "425563", "003087"]


def level_names(content: Mapping[str, Any]) -> dict[str, str]:
    """Level key -> the organisation's name for it, top level first."""
    return {lv["key"]: lv["name"] for lv in content["levels"]}


def _no_forecast(book: Book, ws: Worksheet, content: Mapping[str, Any]) -> None:
    problems = content["forecast"]["problems"] or ["The forecast has not run."]
    row = book.note(ws, 3, "The forecast cannot run yet:")
    for problem in problems:
        row = book.note(ws, row, f"• {problem}")


def _style_chart(chart: Any, title: str, y_title: str, x_title: str = "Year") -> None:
    chart.title = title
    chart.y_axis.title = y_title
    chart.x_axis.title = x_title
    chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT
    chart.legend.position = "b"
    chart.y_axis.majorGridlines = ChartLines()
    chart.y_axis.number_format = "#,##0"
    # openpyxl hides axes unless told otherwise, which LibreOffice and Excel honour.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _colour(series: Any, index: int, *, line: bool) -> None:
    colour = NHS_SERIES[index % len(NHS_SERIES)]
    if line:
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28_000
        series.smooth = False
    else:
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour


FLOW_COLUMNS = (("demand", "Posts needed (demand)"), ("start", "In post at start"), ("leavers", "Leavers"),
                ("promoted_out", "Promoted out"), ("available", "In post without recruitment"),
                ("shortfall_without_recruitment", "Shortfall without recruitment"),
                ("internal_fills", "Internal fills"), ("external_appointments", "External appointments"),
                ("end", "In post at end"))


def write_forecast(book: Book, content: PackContent) -> None:
    """Forecast: the flows by level and year in whole people that add up along each row; then
    Forecast by area and Forecast charts, each a sheet of its own so each prints whole."""
    ws = book.sheet("Forecast")
    forecast = content["forecast"]
    names = level_names(content)
    scenario = forecast["scenario"]["name"] if forecast["scenario"] else "no scenario"
    book.heading(ws, 1, f"Forecast of leaders needed: {scenario}", "Pack title")
    result = forecast["result"]
    if result is None:
        _no_forecast(book, ws, content)
        return
    book.note(ws, 2, "Expected values of the planner's model in whole people. Each row adds up: in post at start, "
                     "less leavers and those promoted out, plus internal fills and external appointments, is in "
                     "post at end.")
    book.note(ws, 3, "Unrounded figures are on the Live forecast sheet and in the planner's API. " + RULE_IN_WORDS)
    ws.row_dimensions[3].height = 15
    columns = [Column("Level", "text", 18), Column("Year", "year", 7)] + [
        Column(heading, "people", 11.5) for _key, heading in FLOW_COLUMNS]
    rows = []
    for total in result["totals"]:
        shown = whole_flows(total)
        rows.append([names.get(total["level"], total["level"]), total["year"], *(shown[k] for k, _h in FLOW_COLUMNS)])
    book.table(ws, 5, columns, rows, long=True)
    _by_area(book, content)
    _charts(book, content)


def _by_area(book: Book, content: Mapping[str, Any]) -> None:
    """Forecast by area: each area (including its sub-areas) at the end of the period, with
    appointments over it."""
    ws = book.sheet("Forecast by area")
    result = content["forecast"]["result"]
    names = level_names(content)
    end_year = content["strategy"]["end_year"]
    parent = {a["code"]: a["parent"] for a in content["areas"]}
    sums: dict[tuple[str, str], dict[str, float]] = {}
    for r in result["rows"]:
        code = r["area"]
        while code is not None:  # each row counts for its area and every area above it
            cell = sums.setdefault((code, r["level"]), {"external": 0.0, "internal": 0.0, "demand": 0.0, "end": 0.0})
            cell["external"] += r["external_appointments"]
            cell["internal"] += r["internal_fills"]
            if r["year"] == end_year:
                cell["demand"] += r["demand"]
                cell["end"] += r["end"]
            code = parent.get(code)
    first_year = content["strategy"]["start_year"] + 1
    book.heading(ws, 1, f"Forecast by area, {first_year} to {end_year}", "Pack title")
    book.note(ws, 2, "Each area includes the areas within it. " + ROUNDING_NOTE)
    columns = [Column("Area", "text", 40), Column("Level", "text", 18),
               Column(f"Posts needed in {end_year}", "people", 13),
               Column(f"In post at end of {end_year}", "people", 13),
               Column("External appointments over the period", "people", 15),
               Column("Internal fills over the period", "people", 15)]
    rows = []
    for area in content["areas"]:
        for key in names:
            figures = sums.get((area["code"], key))
            if figures is not None:
                rows.append(["  " * int(area["depth"]) + area["name"], names[key], whole(figures["demand"]),
                             whole(figures["end"]), whole(figures["external"]), whole(figures["internal"])])
    book.table(ws, 4, columns, rows, long=True, widest=40)


def chart_sheet(book: Book, title: str, heading: str, note: str) -> Worksheet:
    """A portrait sheet of charts: two to a printed page, with the figures they draw from to the
    right of the printed area (on screen, not on paper: the tables elsewhere in the pack hold them)."""
    ws = book.sheet(title, presentation=True, landscape=False)
    book.put(ws, 1, 1, heading, style="Pack title")
    book.put(ws, 2, 1, note, style="Pack paragraph")
    ws.merge_cells("A2:I2")
    ws.row_dimensions[2].height = 15 * (1 + len(note) // 90)
    for letter in "ABCDEFGHI":
        ws.column_dimensions[letter].width = 9.5
    ws.column_dimensions[get_column_letter(CHART_DATA_COLUMN - 1)].width = 4
    book.put(ws, 1, CHART_DATA_COLUMN, "The figures the charts draw from", style="Pack heading")
    return ws


CHART_DATA_COLUMN = 12  # column L: chart figures start here, outside the printed area (A to I)
CHART_ROWS = 21  # rows from one chart's top to the next's: a chart of CHART_HEIGHT and a gap
CHARTS_PER_PAGE = 2


class ChartPlacer:
    """Lays charts down a chart sheet, two to a page, with page breaks between pairs, and their
    figures to the right; finishes by setting the print area to the charts alone."""

    def __init__(self, book: Book, ws: Worksheet) -> None:
        self.book, self.ws = book, ws
        self.count = 0
        self.data_row = 3

    def data(self, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> tuple[int, int]:
        """Write a chart's figures to the right; returns (header row, last row)."""
        top = self.data_row
        self.book.table(self.ws, top, columns, rows, first_column=CHART_DATA_COLUMN, autofilter=False)
        self.data_row = top + len(rows) + 2
        return top, top + len(rows)

    def plot(self, chart: Any, header: int, last: int, series: int, *, line: bool) -> None:
        """Draw `series` columns of figures (after the category column, header row header..last) in
        the chart, in NHS colours, and place it."""
        ws = self.ws
        chart.add_data(Reference(ws, min_col=CHART_DATA_COLUMN + 1, max_col=CHART_DATA_COLUMN + series,
                                 min_row=header, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=CHART_DATA_COLUMN, min_row=header + 1, max_row=last))
        for i, drawn in enumerate(chart.series):
            _colour(drawn, i * 6 if line else i, line=line)
        self.place(chart)

    def place(self, chart: Any) -> None:
        """Anchor the next chart in the printed column, breaking the page after every pair."""
        chart.width, chart.height = 16.5, 9.0
        row = 4 + self.count * CHART_ROWS
        if self.count and self.count % CHARTS_PER_PAGE == 0:
            self.ws.row_breaks.append(Break(id=row - 2))
        self.ws.add_chart(chart, f"A{row}")
        self.count += 1
        self.ws.print_area = f"A1:I{row + CHART_ROWS - 2}"


def _charts(book: Book, content: Mapping[str, Any]) -> None:
    """Forecast charts: demand against supply for each level, and appointments per year."""
    result = content["forecast"]["result"]
    names = level_names(content)
    years: list[int] = list(result["years"])
    by_level: dict[str, dict[int, Mapping[str, Any]]] = {}
    for t in result["totals"]:
        by_level.setdefault(t["level"], {})[t["year"]] = t
    keys = [k for k in names if k in by_level]
    ws = chart_sheet(book, "Forecast charts", "Forecast charts",
                     "Posts needed against leaders in post without recruitment, for each level; then the "
                     "appointments needed each year. The figures are on the Forecast sheet.")
    placer = ChartPlacer(book, ws)
    for key in keys:
        header, last = placer.data([Column("Year", "year"), Column(f"{names[key]}: posts needed", "people"),
                                    Column(f"{names[key]}: in post without recruitment", "people")],
                                   [[y, by_level[key][y]["demand"], by_level[key][y]["available"]] for y in years])
        chart = LineChart()
        _style_chart(chart, f"{names[key]}: posts needed against leaders in post", "Leaders")
        placer.plot(chart, header, last, 2, line=True)
    header, last = placer.data(
        [Column("Year", "year")] + [Column(f"{names[k]}: external", "people") for k in keys]
        + [Column(f"{names[k]}: internal", "people") for k in keys],
        [[y] + [by_level[k][y]["external_appointments"] for k in keys]
         + [by_level[k][y]["internal_fills"] for k in keys] for y in years])
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    _style_chart(chart, "External appointments needed each year, by level", "Appointments")
    placer.plot(chart, header, last, len(keys), line=False)
    _scenario_chart(content, placer)


def _scenario_chart(content: Mapping[str, Any], placer: ChartPlacer) -> None:
    """External appointments over the period, scenarios side by side for each level."""
    names = level_names(content)
    ok = [s for s in content["forecast"]["scenarios"] if s["totals"]]
    if len(ok) < 2:
        return
    header, last = placer.data([Column("Level", "text")] + [Column(s["name"], "people") for s in ok],
                               [[name] + [_over_period(s["totals"], key, "external_appointments") for s in ok]
                                for key, name in names.items()])
    chart = BarChart()
    chart.type = "col"
    _style_chart(chart, "External appointments over the period, by scenario", "Appointments", "Level")
    placer.plot(chart, header, last, len(ok), line=False)


def _over_period(totals: Sequence[Mapping[str, Any]], level: str, field: str) -> float:
    return float(sum(t[field] for t in totals if t["level"] == level))


def write_scenarios(book: Book, content: PackContent) -> None:
    """Scenarios compared: what each assumes and what it needs, and every assumption side by side."""
    ws = book.sheet("Scenarios")
    names = level_names(content)
    end_year = content["strategy"]["end_year"]
    scenarios = content["forecast"]["scenarios"]
    book.heading(ws, 1, "Scenarios compared", "Pack title")
    book.note(ws, 2, "Each scenario is a set of assumptions about leavers, promotion and staff growth.")
    row = book.table(ws, 4, [Column("Scenario", "text", 22), Column("What it assumes", "text")],
                     ([s["name"], s["description"] or "—"] for s in scenarios), autofilter=False, widest=50)
    rows: list[list[Any]] = []
    failed = []
    for scenario in scenarios:
        if not scenario["totals"]:
            failed.append(scenario)
            continue
        for key, name in names.items():
            last = [t for t in scenario["totals"] if t["level"] == key and t["year"] == end_year]
            rows.append([scenario["name"], name, whole(_over_period(scenario["totals"], key, "external_appointments")),
                         whole(_over_period(scenario["totals"], key, "internal_fills")),
                         last[0]["demand"] if last else None, whole(last[0]["end"]) if last else None])
    book.heading(ws, row, "Appointments and leaders by scenario")
    row = book.note(ws, row + 1, ROUNDING_NOTE)
    row = book.table(ws, row, [Column("Scenario", "text", 22), Column("Level", "text", 18),
                               Column("External appointments over the period", "people", 15),
                               Column("Internal fills over the period", "people", 15),
                               Column(f"Posts needed in {end_year}", "people", 13),
                               Column(f"In post at end of {end_year}", "people", 13)], rows, autofilter=False)
    for scenario in failed:
        row = book.note(ws, row - 1, f"{scenario['name']}: the forecast cannot run: {'; '.join(scenario['problems'])}")
        row += 1
    with_spec = [s for s in scenarios if s.get("spec")]
    if not with_spec:
        return
    row = book.heading(ws, row, "Rates by level, side by side")
    row = book.table(ws, row, [Column("Level", "text", 22), Column("Rate", "text", 18)]
                     + [Column(s["name"], "rate", 15) for s in with_spec], _rates_side_by_side(names, with_spec),
                     autofilter=False)
    book.heading(ws, row, "Staff growth, spans and area rates, side by side")
    book.note(ws, row + 1, "Every area's staff growth a year, and its spans of control and own rates where any "
                           "scenario sets them (blank: not set in that scenario).")
    book.table(ws, row + 2, [Column("Area", "text", 22), Column("Assumption", "text", 18)]
               + [Column(s["name"], "text", 15) for s in with_spec], _areas_side_by_side(content, names, with_spec),
               autofilter=False, long=True, widest=30)


RATE_NAMES = (("leaver_rate", "Leaver rate"), ("ready_rate", "Ready to step up"),
              ("internal_fill_max", "Most internal fills"))


def _rates_side_by_side(names: Mapping[str, str], scenarios: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """A row per level and rate; a leaver rate that changes by year in any scenario (model.md
    version 3) has a row for each year, so every year's rate of every scenario is shown."""
    rates = [{lv["key"]: lv for lv in s["spec"]["levels"]} for s in scenarios]
    first_year = int(scenarios[0]["spec"]["start_year"]) + 1
    horizon = int(scenarios[0]["spec"].get("horizon") or 5)
    rows: list[list[Any]] = []
    for key, name in names.items():
        for field, label in RATE_NAMES:
            values = [r.get(key, {}).get(field) for r in rates]
            if any(is_yearly(v) for v in values):
                yearly = [None if v is None else yearly_rates(v, horizon) for v in values]
                rows += [[name, f"{label} {first_year + t}", *(None if v is None else v[t] for v in yearly)]
                         for t in range(horizon)]
            else:
                rows.append([name, label, *values])
    return rows


def _areas_side_by_side(content: Mapping[str, Any], names: Mapping[str, str],
                        scenarios: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    area_names = {a["code"]: a["name"] for a in content["areas"]}
    specs = [{a["key"]: a for a in s["spec"]["areas"]} for s in scenarios]
    order = [a["key"] for a in scenarios[0]["spec"]["areas"]]
    first_year = int(scenarios[0]["spec"]["start_year"]) + 1
    for spec in specs[1:]:
        order += [k for k in spec if k not in order]
    rows: list[list[Any]] = []
    for code in order:
        items = [spec.get(code, {}) for spec in specs]
        label = area_names.get(code, code)
        growth = [item.get("staff_growth") for item in items]
        rows.append([label, "Staff growth a year", *(percent_text(g) for g in growth)])
        for key, name in names.items():
            spans = [(item.get("span") or {}).get(key) for item in items]
            if any(v is not None for v in spans):
                rows.append([label, f"Span: {name}", *(None if v is None else f"{v:,g}" for v in spans)])
            for field, rate_label in RATE_NAMES:
                own = [((item.get("overrides") or {}).get(key) or {}).get(field) for item in items]
                if any(v is not None for v in own):
                    rows.append([label, f"{name}: {rate_label.lower()}",
                                 *(None if v is None else rate_words(v, first_year) for v in own)])
    return rows


def percent_text(value: Any) -> str | None:
    """A rate or growth as text: '3.0%', or a list of yearly figures '6.0%, 5.0%, 4.0%'."""
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(f"{v * 100:.1f}%" for v in value)
    return f"{value * 100:.1f}%"


def write_sensitivity(book: Book, content: PackContent) -> None:
    """Sensitivity: external appointments and the final year's shortfall with every leaver rate
    moved 1 and 2 points either way, as the Forecast step shows."""
    table = content["forecast"].get("sensitivity") or []
    if not table:
        return
    ws = book.sheet("Sensitivity")
    names = level_names(content)
    strategy = content["strategy"]
    book.heading(ws, 1, "How much do leaver rates matter?", "Pack title")
    book.note(ws, 2, "The chosen scenario run again with every leaver rate (each level's and each area's own) 1 "
                     "and 2 percentage points lower and higher; a rate never goes below 0 nor above 100% less the "
                     "ready rate.")
    base = next((r["total_external"] for r in table if r["delta"] == 0), None)

    def moved(delta: float) -> str:
        points = round(delta * 100)
        return "As in the scenario" if points == 0 else f"{abs(points)} point{'s' if abs(points) != 1 else ''} " \
                                                        f"{'higher' if points > 0 else 'lower'}"

    row = book.heading(ws, 4, f"External appointments over {strategy['start_year'] + 1} to {strategy['end_year']}")
    row = book.note(ws, row, ROUNDING_NOTE)
    row = book.table(ws, row, [Column("Leaver rates", "text", 22)] + [Column(n, "people", 13) for n in names.values()]
                     + [Column("All levels", "people", 13), Column("Change", "people", 13)],
                     ([moved(r["delta"]), *(whole(r["external_appointments"].get(k, 0.0)) for k in names),
                       whole(r["total_external"]),
                       None if r["delta"] == 0 or base is None else whole(r["total_external"] - base)] for r in table),
                     autofilter=False)
    row = book.heading(ws, row, f"Shortfall without recruitment in {strategy['end_year']}")
    book.table(ws, row, [Column("Leaver rates", "text", 22)] + [Column(n, "people", 13) for n in names.values()],
               ([moved(r["delta"]), *(whole(r["final_shortfall"].get(k, 0.0)) for k in names)] for r in table),
               autofilter=False)


def write_uncertainty(book: Book, content: PackContent) -> None:
    """Uncertainty bands: the simulations' mean beside the expected figure, and the 10th, 50th and
    90th percentiles, by level and year; a gap of more than 5% between mean and expected explained."""
    ws = book.sheet("Uncertainty")
    names = level_names(content)
    book.heading(ws, 1, "Uncertainty bands", "Pack title")
    result = content["forecast"]["result"]
    bands = (result or {}).get("bands")
    if not bands:
        book.note(ws, 2, "This scenario does not ask for uncertainty bands. Set the number of simulations on "
                         "the scenario's assumptions page to see the range of likely outcomes.")
        return
    assert result is not None  # bands come only with a result
    assumptions = content["forecast"]["assumptions"] or {}
    row = book.note(ws, 2, f"From {assumptions.get('simulations') or 0:,} simulations of whole people (seed "
                           f"{assumptions.get('seed')}): in 8 of 10 simulations the figure lies between the 10th and "
                           f"90th percentiles. The expected figure is the planner's forecast; the mean is the "
                           f"average of the simulations.")
    expected = {(t["level"], t["year"]): t for t in result["totals"]}
    for sentence in band_gaps(bands, expected, names):
        row = book.note(ws, row, sentence)
    columns = [Column("Level", "text", 18), Column("Year", "year", 7),
               Column("External appointments: expected", "tenth", 11), Column("External: simulation mean", "tenth", 11),
               Column("External: 10th", "people", 9), Column("External: 50th", "people", 9),
               Column("External: 90th", "people", 9),
               Column("In post at end: expected", "tenth", 11), Column("In post at end: simulation mean", "tenth", 11),
               Column("In post at end: 10th", "people", 9), Column("In post at end: 90th", "people", 9),
               Column("Shortfall: 10th", "people", 9), Column("Shortfall: 50th", "people", 9),
               Column("Shortfall: 90th", "people", 9)]
    rows = []
    for b in bands:
        ext, end, short = b["external_appointments"], b["end"], b["shortfall_without_recruitment"]
        figures = expected.get((b["level"], b["year"]), {})
        rows.append([names.get(b["level"], b["level"]), b["year"], figures.get("external_appointments"),
                     ext.get("mean"), ext["p10"], ext["p50"], ext["p90"], figures.get("end"), end.get("mean"),
                     end["p10"], end["p90"], short["p10"], short["p50"], short["p90"]])
    book.table(ws, row + 1, columns, rows, long=True)
