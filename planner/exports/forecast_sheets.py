"""The forecast sheets of the board pack: totals and areas, scenarios compared, uncertainty bands,
with native Excel charts of demand against supply and of appointments per year."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book import Book, Column

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


def write_forecast(book: Book, content: Mapping[str, Any]) -> None:
    """Forecast: totals by level and year, each area's figures, and the two charts beside them."""
    ws = book.sheet("Forecast")
    forecast = content["forecast"]
    names = level_names(content)
    scenario = forecast["scenario"]["name"] if forecast["scenario"] else "no scenario"
    book.heading(ws, 1, f"Forecast of leaders needed: {scenario}", "Pack title")
    result = forecast["result"]
    if result is None:
        _no_forecast(book, ws, content)
        return
    book.note(ws, 2, "Expected values of the planner's model, rounded to whole people for display; "
                     "the Live forecast sheet recomputes them from the assumptions.")
    totals = result["totals"]
    columns = [Column("Level", "text", 20), Column("Year", "year", 8), Column("Posts needed (demand)", "people"),
               Column("In post at start", "people"), Column("Leavers", "people"), Column("Promoted out", "people"),
               Column("In post without recruitment", "people"), Column("Internal fills", "people"),
               Column("External appointments", "people"), Column("In post at end", "people")]
    row = book.table(ws, 4, columns, ([names.get(t["level"], t["level"]), t["year"], t["demand"], t["start"],
                                       t["leavers"], t["promoted_out"], t["available"], t["internal_fills"],
                                       t["external_appointments"], t["end"]] for t in totals), freeze=True)
    row = _by_area(book, ws, row, content)
    _charts(book, ws, row, content)


def _by_area(book: Book, ws: Worksheet, top: int, content: Mapping[str, Any]) -> int:
    """Each area (including its sub-areas) at the end of the period, with appointments over it."""
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
    top = book.heading(ws, top, f"By area (each including the areas within it), {first_year} to {end_year}")
    columns = [Column("Area", "text", 34), Column("Level", "text", 20),
               Column(f"Posts needed in {end_year}", "people"), Column(f"In post at end of {end_year}", "people"),
               Column("External appointments over the period", "people"),
               Column("Internal fills over the period", "people")]
    rows = []
    for area in content["areas"]:
        for key in names:
            figures = sums.get((area["code"], key))
            if figures is not None:
                rows.append(["  " * int(area["depth"]) + area["name"], names[key], figures["demand"], figures["end"],
                             figures["external"], figures["internal"]])
    return book.table(ws, top, columns, rows, autofilter=False)


def _charts(book: Book, ws: Worksheet, top: int, content: Mapping[str, Any]) -> None:
    """Chart data tables at the foot of the sheet, and the charts drawn from them to the right."""
    result = content["forecast"]["result"]
    names = level_names(content)
    years: list[int] = list(result["years"])
    by_level: dict[str, dict[int, Mapping[str, Any]]] = {}
    for t in result["totals"]:
        by_level.setdefault(t["level"], {})[t["year"]] = t
    keys = [k for k in names if k in by_level]
    top = book.heading(ws, top, "Chart data")
    # Demand against supply: one table and one chart per level.
    anchor_column = get_column_letter(12)
    anchor_row = 4
    for key in keys:
        header = top
        book.table(ws, header, [Column("Year", "year"), Column(f"{names[key]}: posts needed", "people"),
                                Column(f"{names[key]}: in post without recruitment", "people")],
                   ([y, by_level[key][y]["demand"], by_level[key][y]["available"]] for y in years), autofilter=False)
        chart = LineChart()
        _style_chart(chart, f"{names[key]}: posts needed against leaders in post", "Leaders")
        data = Reference(ws, min_col=2, max_col=3, min_row=header, max_row=header + len(years))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=header + len(years)))
        for i, series in enumerate(chart.series):
            _colour(series, i * 6, line=True)
        ws.add_chart(chart, f"{anchor_column}{anchor_row}")
        anchor_row += 16
        top = header + len(years) + 2
    # Appointments per year: external appointments stacked by level.
    header = top
    book.table(ws, header, [Column("Year", "year")] + [Column(f"{names[k]}: external", "people") for k in keys]
               + [Column(f"{names[k]}: internal", "people") for k in keys],
               ([y] + [by_level[k][y]["external_appointments"] for k in keys]
                + [by_level[k][y]["internal_fills"] for k in keys] for y in years), autofilter=False)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    _style_chart(chart, "External appointments needed each year, by level", "Appointments")
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(keys), min_row=header, max_row=header + len(years)),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=header + len(years)))
    for i, series in enumerate(chart.series):
        _colour(series, i, line=False)
    ws.add_chart(chart, f"{anchor_column}{anchor_row}")


def _over_period(totals: Sequence[Mapping[str, Any]], level: str, field: str) -> float:
    return float(sum(t[field] for t in totals if t["level"] == level))


def write_scenarios(book: Book, content: Mapping[str, Any]) -> None:
    """Scenarios compared: appointments over the period and leaders at the end, per level."""
    ws = book.sheet("Scenarios")
    names = level_names(content)
    end_year = content["strategy"]["end_year"]
    book.heading(ws, 1, "Scenarios compared", "Pack title")
    book.note(ws, 2, "Each scenario is a set of assumptions about leavers, promotion and staff growth.")
    row = book.table(ws, 4, [Column("Scenario", "text", 22), Column("What it assumes", "text", 80)],
                     ([s["name"], s["description"] or "—"] for s in content["forecast"]["scenarios"]),
                     autofilter=False)
    columns = [Column("Scenario", "text", 22), Column("Level", "text", 20),
               Column("External appointments over the period", "people"),
               Column("Internal fills over the period", "people"), Column(f"Posts needed in {end_year}", "people"),
               Column(f"In post at end of {end_year}", "people")]
    rows: list[list[Any]] = []
    failed = []
    for scenario in content["forecast"]["scenarios"]:
        if not scenario["totals"]:
            failed.append(scenario)
            continue
        for key, name in names.items():
            last = [t for t in scenario["totals"] if t["level"] == key and t["year"] == end_year]
            rows.append([scenario["name"], name, _over_period(scenario["totals"], key, "external_appointments"),
                         _over_period(scenario["totals"], key, "internal_fills"),
                         last[0]["demand"] if last else None, last[0]["end"] if last else None])
    header = book.heading(ws, row, "Appointments and leaders by scenario")
    row = book.table(ws, header, columns, rows, freeze=False)
    for scenario in failed:
        row = book.note(ws, row, f"{scenario['name']}: the forecast cannot run: {'; '.join(scenario['problems'])}")
    # Chart: external appointments over the period, scenarios side by side for each level.
    ok = [s for s in content["forecast"]["scenarios"] if s["totals"]]
    if not ok:
        return
    top = book.heading(ws, row + 1, "Chart data")
    book.table(ws, top, [Column("Level", "text")] + [Column(s["name"], "people") for s in ok],
               ([name] + [_over_period(s["totals"], key, "external_appointments") for s in ok]
                for key, name in names.items()), autofilter=False)
    chart = BarChart()
    chart.type = "col"
    _style_chart(chart, "External appointments over the period, by scenario", "Appointments", "Level")
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(ok), min_row=top, max_row=top + len(names)),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(names)))
    for i, series in enumerate(chart.series):
        _colour(series, i, line=False)
    ws.add_chart(chart, f"H{header}")


def write_uncertainty(book: Book, content: Mapping[str, Any]) -> None:
    """Uncertainty bands: the 10th, 50th and 90th percentiles of the simulations, by level and year."""
    ws = book.sheet("Uncertainty")
    names = level_names(content)
    book.heading(ws, 1, "Uncertainty bands", "Pack title")
    result = content["forecast"]["result"]
    bands = (result or {}).get("bands")
    if not bands:
        book.note(ws, 2, "This scenario does not ask for uncertainty bands. Set the number of simulations on "
                         "the scenario's assumptions page to see the range of likely outcomes.")
        return
    assumptions = content["forecast"]["assumptions"] or {}
    book.note(ws, 2, f"From {assumptions.get('simulations') or 0:,} simulations of whole people (seed "
                     f"{assumptions.get('seed')}): 8 in 10 outcomes lie between the 10th and 90th percentiles.")
    book.note(ws, 3, "Simulations promote whole people, rounding the most that may be filled internally down, so "
                     "they appoint externally up to one more person per area, level and year than the expected "
                     "figures: where a level's leaders are spread thinly over many areas, the expected figure can "
                     "sit below the 10th percentile.")
    expected = {(t["level"], t["year"]): t for t in result["totals"]}
    columns = [Column("Level", "text", 20), Column("Year", "year", 8),
               Column("External appointments: expected", "number"), Column("External appointments: 10th", "people"),
               Column("External appointments: 50th", "people"), Column("External appointments: 90th", "people"),
               Column("In post at end: 10th", "people"), Column("In post at end: 50th", "people"),
               Column("In post at end: 90th", "people"), Column("Shortfall without recruitment: 10th", "people"),
               Column("Shortfall without recruitment: 50th", "people"),
               Column("Shortfall without recruitment: 90th", "people")]
    rows = []
    for b in bands:
        ext, end, short = b["external_appointments"], b["end"], b["shortfall_without_recruitment"]
        rows.append([names.get(b["level"], b["level"]), b["year"],
                     expected.get((b["level"], b["year"]), {}).get("external_appointments"),
                     ext["p10"], ext["p50"], ext["p90"], end["p10"], end["p50"], end["p90"],
                     short["p10"], short["p50"], short["p90"]])
    book.table(ws, 5, columns, rows, freeze=True)
