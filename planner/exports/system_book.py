"""The system pack: an Excel workbook an integrated care board tables about its members' shared
strategies, in the trust pack's house style (planner.exports.book: A4, fitted to the width, each long
table's header repeated on every printed page, OFFICIAL in the header and footer).

Built from the content planner.services.system_pack gathers, through the tables in
planner.exports.system_tables, so the paper prints the same figures. Pure: content in, bytes out."""

from __future__ import annotations

from collections.abc import Mapping
from textwrap import wrap
from typing import Any

from openpyxl.chart import BarChart, LineChart
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from planner.dates import long_date
from planner.exports import system_tables as st
from planner.exports.book import Book, Column, clean_text, widths
from planner.exports.book_styles import RAG_FILLS, align, fill
from planner.exports.cover_sheet import LABEL_WIDTH, MARGIN, VALUE_WIDTH
from planner.exports.cover_sheet import _rows as cover_rows
from planner.exports.forecast_sheets import ChartPlacer, chart_sheet
from planner.exports.forecast_sheets import _style_chart as style_chart
from planner.exports.pack_sheets import link_sheets
from planner.exports.people_sheets.layout import right_align_withheld
from planner.exports.rounding import RULE_IN_WORDS
from planner.exports.workbook import workbook_bytes

WIDEST_TEXT = 45  # characters: a text column grows to this, then wraps
MOST_MEMBERS_CHARTED = 8
PALE_GREY = "E8EDEE"  # members drawn one colour each in a chart; beyond that the legend cannot be read
# What each sheet holds, for the Contents sheet (and the cover's "What this pack contains").
CONTENTS = {
    "Members": "The members, what each shares (strategy, version, approval date and scenario) and invitations",
    "System forecast": "The system's leaders by level and year, summed over the members' shared scenarios",
    "Contributions": "Each member's contribution to each level, and members on other years",
    "System charts": "The system's leaders by level over the years, appointments by year, and (for up to 8 "
                     "members) each member's part",
    "Still lacking": "What each member's strategy still lacks, so the system can support it",
    "Diversity": "Representation by level across the system, with small counts withheld",
    "Diversity targets": "The system's share against its members' targets, and each member's targets",
    "Capability": "Self-assessment results pooled across members, where each has enough responses",
    "Competency gaps": "Competency gaps across the system, largest first",
    "Partnership objectives": "The system's objectives and the members' objectives linked to them, with progress "
                              "and RAG",
}


def _width(heading: str, kind: str, values: list[Any]) -> float:
    """A column wide enough for its heading's longest word, and for its text up to WIDEST_TEXT (then it wraps);
    a figure's column wide enough for its heading in three lines."""
    word = max((len(w) for w in heading.split()), default=4) + 3
    if kind != "text":
        return float(max(12, word, min(18, len(heading) // 3 + 3)))
    longest = max((len(str(v)) for v in values if v is not None), default=0) + 2
    return float(min(max(longest, word, 10), WIDEST_TEXT))


def _table(book: Book, ws: Worksheet, top: int, grid: st.Grid, *, long: bool = False) -> int:
    """A Grid as a pack table, with its notes under it; returns the next free row. A text column after a
    figure's is indented, so its words do not run into the figure beside them."""
    row = book.heading(ws, top, grid.caption)
    indented = {i for i, (_h, kind) in enumerate(grid.columns)
                if i and kind == "text" and grid.columns[i - 1][1] != "text"}
    columns = [Column(heading, kind, _width(heading, kind, [r[i] for r in grid.rows]) + (2 if i in indented else 0))
               for i, (heading, kind) in enumerate(grid.columns)]
    after = book.table(ws, row, columns, grid.rows, long=long, autofilter=long, widest=WIDEST_TEXT)
    lines = max(len(wrap(c.heading, max(int(c.width or 12) - 3, 4))) for c in columns)
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, 13.5 * lines + 4)
    for index in indented:
        for line in range(row, row + len(grid.rows) + 1):
            cell = ws.cell(row=line, column=index + 1)
            align(cell, horizontal="left", vertical="center" if line == row else "top", indent=1,
                  wrap_text=bool(cell.alignment.wrap_text))
    if long:  # nothing may follow a table that runs over pages: its notes went above it
        return after
    for note in grid.notes:
        after = book.note(ws, after - 1, note) + 1
    return after


def _long_table(book: Book, ws: Worksheet, top: int, grid: st.Grid) -> None:
    """A table that may run over pages, its notes above it (nothing may follow it on its sheet)."""
    row = top
    for note in grid.notes:
        row = book.note(ws, row, note)
    _table(book, ws, row + 1 if grid.notes else row, grid, long=True)


def _sheet(book: Book, title: str, heading: str, note: str, *, landscape: bool = True) -> Worksheet:
    ws = book.sheet(title, landscape=landscape)
    book.heading(ws, 1, heading, "Pack title")
    book.note(ws, 2, note)
    ws.row_dimensions[1].height = 28
    return ws


def _cover(book: Book, content: Mapping[str, Any]) -> None:
    ws = book.sheet("Cover", presentation=True, landscape=False)
    widths(ws, {"A": LABEL_WIDTH, "B": VALUE_WIDTH})
    ws.page_margins.left = ws.page_margins.right = MARGIN
    system, prepared, forecast = content["system"], content["prepared"], content["forecast"]
    book.put(ws, 2, 1, prepared["marking"], style="Pack heading")
    book.put(ws, 4, 1, system["name"], style="Pack title")
    ws.cell(row=4, column=1).alignment = Alignment(wrap_text=False)
    book.put(ws, 5, 1, "Collective leadership across the system: system pack", style="Pack heading")
    members = [m for m in content["members"] if m["status"] == "member"]
    sharing = [m for m in members if m["shares"]]
    years = forecast["years"]
    pairs = [
        ("System", system["name"]),
        ("Members", f"{len(members)} member{'s' if len(members) != 1 else ''}, {len(sharing)} sharing an approved "
                    f"version" + (f"; {len(content['members']) - len(members)} invited" if len(members) <
                                  len(content["members"]) else "")),
        ("Forecast years", f"{years[0]} to {years[-1]}" if years else "None"),
        ("Prepared by", prepared["by"] or "Not recorded"),
        ("Date prepared", long_date(prepared["on"])),
        ("Protective marking", prepared["marking"]),
        ("Source", "Only the approved versions members chose to share with the system, as their boards approved them; "
                   "each read is recorded in the member's audit trail."),
    ]
    row = cover_rows(book, ws, 7, pairs)
    present = [title for title in CONTENTS if title in _planned(content)]
    cover_rows(book, ws, book.heading(ws, row, "What this pack contains"),
               [(title, CONTENTS[title]) for title in present])


def _planned(content: Mapping[str, Any]) -> list[str]:
    """The sheets this content gives, in order."""
    sheets = ["Members", "System forecast", "Contributions", "System charts", "Still lacking"]
    if content.get("diversity"):
        sheets += ["Diversity", "Diversity targets"]
    if content.get("capability"):
        sheets += ["Capability", "Competency gaps"]
    if content.get("objectives"):
        sheets.append("Partnership objectives")
    return sheets


def _contents(book: Book, ws: Worksheet, notes: list[str]) -> None:
    row = link_sheets(book, ws, CONTENTS, fit=True)
    if notes:
        row = book.heading(ws, row + 1, "Notes on this workbook")
        for text in notes:
            book.put(ws, row, 1, text, style="Pack paragraph")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            ws.row_dimensions[row].height = 13 * (1 + len(text) // 95) + 3
            row += 1


def _forecast(book: Book, content: Mapping[str, Any]) -> None:
    ws = _sheet(book, "System forecast", "The system's forecast of leaders needed",
                "The sums, level by level and year by year, of the forecasts frozen in the members' shared "
                "scenarios, in whole people; each row adds up.")
    row = book.note(ws, 3, RULE_IN_WORDS)
    for note in content["forecast"]["notes"]:
        row = book.note(ws, row, note)
    summary = st.summary_grid(content)
    row = _table(book, ws, row + 1, summary)
    if summary.rows:  # the all-levels row, shaded as a total
        last = row - 2 - len(summary.notes)
        for column in range(1, len(summary.columns) + 1):
            fill(ws.cell(row=last, column=column), PALE_GREY)
    _table(book, ws, row, st.forecast_grid(content), long=True)
    ws = _sheet(book, "Contributions", "Each member's contribution",
                "Each member's leaders by level over its own forecast years, from the scenario it shares.")
    grid = st.contributions_grid(content)
    _long_table(book, ws, 4, grid)
    header = 4 + len(grid.notes) + 2  # the notes, a blank row and the table's heading above it
    for offset, values in enumerate(grid.rows, start=1):
        if values[1] == st.SYSTEM_TOTAL:
            for column in range(1, len(grid.columns) + 1):
                fill(ws.cell(row=header + offset, column=column), PALE_GREY)


def _charts(book: Book, content: Mapping[str, Any]) -> None:
    forecast = content["forecast"]
    names = st.level_names(content)
    years = st.years_of(content)
    by_level: dict[str, dict[int, Mapping[str, Any]]] = {}
    for total in forecast["totals"]:
        by_level.setdefault(total["level"], {})[int(total["year"])] = total
    keys = [k for k in names if k in by_level]
    ws = chart_sheet(book, "System charts", "The system's leaders over the years",
                     "Leaders in post at the end of each year by level, summed over the members on the system's "
                     "years; then the external appointments needed each year. The figures are on System forecast.")
    placer = ChartPlacer(book, ws)
    header, last = placer.data([Column("Year", "year")] + [Column(names[k], "people") for k in keys],
                               [[y] + [by_level[k].get(y, {}).get("end") for k in keys] for y in years])
    chart: Any = LineChart()
    style_chart(chart, "The system's leaders in post at the end of each year, by level", "Leaders")
    placer.plot(chart, header, last, len(keys), line=True)
    header, last = placer.data([Column("Year", "year")] + [Column(names[k], "people") for k in keys],
                               [[y] + [by_level[k].get(y, {}).get("external_appointments") for k in keys]
                                for y in years])
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    style_chart(chart, "External appointments needed each year across the system, by level", "Appointments")
    placer.plot(chart, header, last, len(keys), line=False)
    aligned = [m for m in forecast["members"] if m["in_system_totals"]]
    if years and 1 < len(aligned) <= MOST_MEMBERS_CHARTED:
        end = years[-1]
        ends = {(m["name"], t["level"]): t["end"] for m in aligned for t in m["totals"] if int(t["year"]) == end}
        header, last = placer.data([Column("Level")] + [Column(m["name"], "people") for m in aligned],
                                   [[names[k]] + [ends.get((m["name"], k), 0) for m in aligned] for k in keys])
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        style_chart(chart, f"Leaders in post at the end of {end} by level: each member's part", "Leaders", "Level")
        placer.plot(chart, header, last, len(aligned), line=False)


def _people(book: Book, content: Mapping[str, Any]) -> None:
    diversity, capability, objectives = content.get("diversity"), content.get("capability"), content.get("objectives")
    if diversity:
        ws = _sheet(book, "Diversity", "Diversity of the system's leaders",
                    f"Representation by level across the members counted. Counts from 1 to {diversity['threshold']} "
                    "people, and any figure from which one could be worked out, are withheld (*).")
        row = 4
        for grid in st.diversity_grids(diversity):
            row = _table(book, ws, row, grid)
        right_align_withheld(ws)
        ws = _sheet(book, "Diversity targets", "Diversity targets across the system",
                    "The share the system would reach if every member met its own targets, then each member's targets.")
        combined, targets = st.targets_grids(diversity)
        row = _table(book, ws, 4, combined)
        _table(book, ws, row, targets, long=True)
        right_align_withheld(ws)
    if capability:
        members, survey, gaps = st.capability_grids(capability)
        ws = _sheet(book, "Capability", "Leadership self-assessment across the system",
                    "Results are pooled only where each member has enough responses; each member's own are in its "
                    "own pack.")
        row = _table(book, ws, 4, survey)
        _table(book, ws, row, members)
        right_align_withheld(ws)
        ws = _sheet(book, "Competency gaps", "Competency gaps across the system",
                    "Leaders assessed below the level their role requires, pooled over the members assessed.")
        _long_table(book, ws, 4, gaps)
        right_align_withheld(ws)
    if objectives:
        ws = _sheet(book, "Partnership objectives", "Partnership objectives",
                    "The system's objectives, each with its members' linked objectives under it: their progress and "
                    "RAG as each member records them, rolled up by weight.")
        grid = st.objectives_grid(objectives)
        header = 4 + len(grid.notes) + 2  # the notes, a blank row and the table's heading above it
        _long_table(book, ws, 4, grid)
        rag = len(grid.columns)
        for offset, values in enumerate(grid.rows, start=1):
            if values[0]:  # a system objective, shaded, with its members' linked objectives under it
                for column in range(1, rag):
                    fill(ws.cell(row=header + offset, column=column), PALE_GREY)
            colour = RAG_FILLS.get(str(values[-1]).lower())
            fill(ws.cell(row=header + offset, column=rag), colour or (PALE_GREY if values[0] else "FFFFFF"))


def build_system_pack(content: Mapping[str, Any]) -> Book:
    """The system pack as a Book: Cover, Contents, then every sheet the content gives."""
    system = content["system"]
    book = Book(header_left=system["name"], header_right="System pack", marking=content["prepared"]["marking"])
    _cover(book, content)
    contents = book.sheet("Contents", presentation=True, landscape=False)
    ws = _sheet(book, "Members", "The system's members", "Each member's shared version, as its board "
                "approved it; invited trusts share nothing until they join.")
    _long_table(book, ws, 4, st.members_grid(content))
    _forecast(book, content)
    _charts(book, content)
    ws = _sheet(book, "Still lacking", "What each member still lacks", "The completeness check of each shared "
                "version, in the words of the member's own task list.")
    _long_table(book, ws, 4, st.lacking_grid(content))
    _people(book, content)
    _contents(book, contents, book.finish_notes())
    book.paginate()
    wb = book.workbook
    wb.active = 0
    wb.properties.title = clean_text(f"{system['name']}: system pack")[0][:250]
    wb.properties.creator = "Collective Leadership Strategy Planner"
    wb.properties.subject = clean_text(system["name"])[0][:250]
    return book


def system_pack_bytes(content: Mapping[str, Any]) -> bytes:
    """The system pack as .xlsx bytes."""
    return workbook_bytes(build_system_pack(content).workbook)
