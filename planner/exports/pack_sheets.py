"""The presentation sheets of the board pack: Cover, Contents, Summary, Scope, Structure and
baseline, and Assumptions and method."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from textwrap import wrap
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from planner.diversity.assessment import NOT_REACHABLE, WIDEN, WIDER, assessment_label, assessment_of, label_of
from planner.diversity.disclosure import from_content
from planner.exports.book import Book, Column, widths
from planner.exports.content import PackContent
from planner.exports.forecast_sheets import level_names, percent_text
from planner.exports.live_forecast import PRINT_NOTE, SHEET
from planner.exports.rounding import ROUNDING_NOTE, RULE_IN_WORDS, whole
from planner.rate_words import is_yearly, rate_words

RAG_NAMES = {"red": "Red", "amber": "Amber", "green": "Green", None: "Not rated"}


SOURCE_WIDTH = 38  # characters: a leaver rate's source wraps within the width of the rates' second column


def _pairs(book: Book, ws: Worksheet, top: int, pairs: Sequence[tuple[str, Any]], kind: str = "text") -> int:
    width = int(ws.column_dimensions["B"].width or 80)
    for offset, (label, value) in enumerate(pairs):
        book.put(ws, top + offset, 1, label, style="Pack label")
        book.put(ws, top + offset, 2, value, kind, style="Pack paragraph" if isinstance(value, str) else None)
        if isinstance(value, str) and len(value) > width - 5:
            # Spreadsheet programs do not grow a row for wrapped text they did not type themselves.
            ws.row_dimensions[top + offset].height = 15 * (-(-len(value) // (width - 5)) + value.count("\n"))
    return top + len(pairs) + 1


CONTENTS = {
    "Cover": "Organisation, strategy, version and marking",
    "Summary": "The figures the board needs first",
    "Scope": "Vision, mission and values",
    "Structure and baseline": "Levels, their bands, and staff, leaders in post, funded posts and vacancies by area",
    "Forecast": "Leaders needed by level and year, in whole people that add up along each row",
    "Forecast by area": "Each area's posts needed, leaders and appointments over the period",
    "Forecast charts": "Posts needed against leaders in post, appointments each year, scenarios compared",
    "Sensitivity": "Appointments and shortfall with every leaver rate 1 and 2 points lower and higher",
    "Scenarios": "The scenarios' results, and every assumption side by side",
    "Uncertainty": "The range of likely outcomes from simulations",
    "Succession": "Critical roles and successors by level and area, the pipeline beside the scenario's, and the "
                  "successors' diversity",
    "Diversity": "Representation of each group at each leadership level against the workforce and community",
    "Diversity indicators": "The WRES and WDES indicators",
    "Diversity targets": "Targets, the share of appointments each needs, and their trajectories",
    "Competencies": "The step each level needs in each competency",
    "Competency heatmap": "Where leaders fall short: the share below the required step, by competency and level",
    "Competency gaps": "The gaps, largest first",
    "Competency plan": "The development plan, its places and its cost",
    "Unplanned competency gaps": "Gaps the development plan does not reach",
    "Self-assessment": "Results of the collective leadership self-assessment by dimension and group",
    "Self-assessment statements": "Results for each statement of the self-assessment",
    "Objectives": "The cascade from board to individuals, with progress and RAG",
    "Objectives SMART check": "Whether each objective is specific, measurable, achievable, relevant and time-bound",
    "Objectives by RAG": "How many objectives are red, amber and green, with a chart",
    "Consultations held": "Each consultation: sections, audiences, dates and comments",
    "Engagement log": "Meetings and events held with staff, patients and partners",
    "Unowned gaps": "Gaps the board has found that no objective owns yet",
    "Consultation": "You said, we did: comments, responses and the engagement log",
    "Assumptions and method": "Every rate and its source, and the model in words",
    "Live forecast": "The forecast as formulas: change an assumption and it recalculates",
    "Long text": "Text too long for one cell, in full",
}


def link_sheets(book: Book, ws: Worksheet, described: Mapping[str, str], *, fit: bool = False) -> int:
    """A Contents sheet's heading and a link to every other sheet with what it holds (`fit`: each row as tall as
    its description wraps to); the next free row."""
    widths(ws, {"A": 26, "B": 64})
    book.heading(ws, 1, "Contents", "Pack title")
    row = 3
    for sheet in book.workbook.worksheets:
        if sheet.title in ("Cover", "Contents"):
            continue
        book.put(ws, row, 1, sheet.title, style="Pack text")
        cell = ws.cell(row=row, column=1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet.title}'!A1", display=sheet.title)
        cell.font = Font(name="Arial", size=11, color="005EB8", underline="single")
        text = described.get(sheet.title, "")
        book.put(ws, row, 2, text, style="Pack paragraph")
        if fit:
            ws.row_dimensions[row].height = 15 * max(len(wrap(text, 68)), 1) + 2
        row += 1
    return row


def write_contents(book: Book, ws: Worksheet, notes: Sequence[str]) -> None:
    """Contents: a link to each sheet with what it holds, then notes on what the safety rules changed."""
    row = link_sheets(book, ws, CONTENTS)
    printing = [PRINT_NOTE] if SHEET in book.workbook.sheetnames else []
    if "Forecast charts" in book.workbook.sheetnames:
        printing.append("Forecast charts prints the charts two to a page; the figures they draw from are to the "
                        "right of them on screen, and on the Forecast and Scenarios sheets.")
    for title, texts in (("Printing", printing), ("Notes on this workbook", list(notes))):
        if not texts:
            continue
        row = book.heading(ws, row + 1, title)
        for text in texts:  # a paragraph across both columns, so it wraps within the page
            book.put(ws, row, 1, text, style="Pack paragraph")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            ws.row_dimensions[row].height = 13 * (1 + len(text) // 95) + 3
            row += 1


def _summary_levels(content: Mapping[str, Any]) -> list[list[Any]]:
    result = content["forecast"]["result"]
    names = level_names(content)
    end_year = content["strategy"]["end_year"]
    rows = []
    for key, name in names.items():
        totals = [t for t in result["totals"] if t["level"] == key]
        if not totals:
            continue
        last = [t for t in totals if t["year"] == end_year]
        rows.append([name, totals[0]["start"], last[0]["demand"] if last else None,
                     sum(t["external_appointments"] for t in totals), sum(t["internal_fills"] for t in totals)])
    return rows


def _whole_row(row: Sequence[Any]) -> list[Any]:
    """A summary row with its figures in whole people (each rounded on its own)."""
    return [row[0], *(None if v is None else whole(v) for v in row[1:])]


def _can_it_be_met(target: Mapping[str, Any]) -> str:
    """The target's assessment as a short label (planner.diversity.assessment: never a bare "Yes" for a
    target needing more than its pool), with the earliest year where it cannot be met by its own."""
    label = label_of(target)
    if assessment_of(target) == NOT_REACHABLE and target.get("earliest_year"):
        return f"{label}: earliest {target['earliest_year']}"
    return label


def write_summary(book: Book, content: PackContent) -> None:
    """Summary: leaders needed and appointments, diversity targets, the largest gaps, objectives by RAG."""
    ws = book.sheet("Summary", presentation=True)
    widths(ws, {"A": 34, "B": 18, "C": 18, "D": 18, "E": 18, "F": 18})
    strategy = content["strategy"]
    names = level_names(content)
    book.heading(ws, 1, "Summary", "Pack title")
    chosen = content["forecast"]["scenario"]
    scenario = chosen.get("name") if chosen else None
    row = book.note(ws, 2, f"{strategy['title']}, {strategy['start_year']} to {strategy['end_year']}"
                           + (f"; forecast scenario: {scenario}" if scenario else ""))
    lacking = content.get("lacking") or []
    if lacking:  # the same items, in the same words, as the task list and the Approve step
        row = book.heading(ws, row + 1, "What the strategy still lacks")
        for item in lacking:
            row = book.note(ws, row, f"{item['step_name']}: {item['message']}.")
    row = book.heading(ws, row + 1, "Leaders needed and appointments")
    if content["forecast"]["result"] is None:
        row = book.note(ws, row, "The forecast cannot run yet: " + "; ".join(content["forecast"]["problems"]))
    else:
        level_rows = _summary_levels(content)
        total = ["All levels"] + [sum(r[i] or 0 for r in level_rows) for i in range(1, 5)]
        row = book.table(ws, row, [Column("Level", "text"), Column(f"In post in {strategy['start_year']}", "people"),
                                   Column(f"Posts needed in {strategy['end_year']}", "people"),
                                   Column("External appointments over the period", "people"),
                                   Column("Internal promotions over the period", "people")],
                         [_whole_row(r) for r in [*level_rows, total]], autofilter=False)
        row = book.note(ws, row - 1, ROUNDING_NOTE) + 1
    row = book.heading(ws, row, "Diversity targets")
    targets = content["diversity"]["targets"]
    groups = {(key, g): label for key, v in content["diversity"].get("names", {}).items()
              for g, label in v["groups"].items()}
    if not targets:
        row = book.note(ws, row, "No diversity targets are set yet.")
    else:
        row = book.table(ws, row, [Column("Group", "text"), Column("Level", "text"), Column("Target share", "percent"),
                                   Column("By", "year"), Column("Share of appointments needed", "percent"),
                                   Column("Can it be met?", "text")],
                         ([groups.get((t["characteristic"], t["group"]), t["group"]),
                           names.get(t["level"], "All leaders"), t["target_share"], t["target_year"],
                           t["required_share_of_appointments"], _can_it_be_met(t)]
                          for t in targets), autofilter=False)
        reasons = sorted({str(t["withheld_reason"]) for t in targets if t.get("withheld_reason")})
        for reason in reasons:  # a withheld starting count: nothing worked out from it is shown
            row = book.note(ws, row - 1, f"{reason[:1].upper()}{reason[1:]}.") + 1
        if any(assessment_of(t) == WIDER for t in targets):
            row = book.note(ws, row - 1, f"{assessment_label(WIDER)}: the share of appointments needed is more than "
                                         "the group's share of the pool they come from (the level below; for the "
                                         f"bottom level and all leaders, the whole workforce), so it is {WIDEN}.") + 1
    row = book.heading(ws, row, "Largest competency gaps (organisation)")
    comp_names = {c["key"]: c["name"] for c in content["competencies"]["competencies"]}
    gaps = sorted((g for g in content["competencies"]["gaps"] if g["below_required"] > 0 and g["share_below"]),
                  key=lambda g: (-(g["share_below"] or 0.0), -g["below_required"]))[:5]
    if not gaps:
        row = book.note(ws, row, "No competency gaps are recorded yet.")
    else:
        row = book.table(ws, row, [Column("Competency", "text"), Column("Level", "text"),
                                   Column("Leaders below the required step", "people"),
                                   Column("Share of those assessed", "percent")],
                         ([comp_names.get(g["competency"], g["competency"]), names.get(g["level"], g["level"]),
                           g["below_required"], g["share_below"]] for g in gaps), autofilter=False)
    row = book.heading(ws, row, "Objectives by RAG status")
    counts: dict[str | None, int] = {"red": 0, "amber": 0, "green": 0, None: 0}
    for o in content["objectives"]["rows"]:
        counts[o["rag"]] = counts.get(o["rag"], 0) + 1
    book.table(ws, row, [Column("Status", "text"), Column("Objectives", "people")],
               ([RAG_NAMES[k], v] for k, v in counts.items()), autofilter=False)


def write_scope(book: Book, content: PackContent) -> None:
    """Scope: the vision, mission and values in the board's own words."""
    ws = book.sheet("Scope", presentation=True, landscape=False)
    widths(ws, {"A": 20, "B": 72})
    strategy = content["strategy"]
    book.heading(ws, 1, "Scope", "Pack title")
    values = [v.strip(" -•*") for v in (strategy["values"] or "").splitlines() if v.strip(" -•*")]
    row = _pairs(book, ws, 3, [("Vision", strategy["vision"] or "Not written yet"),
                               ("Mission", strategy["mission"] or "Not written yet"),
                               ("Owner", strategy["owner"] or "Not recorded")])
    book.put(ws, row, 1, "Values", style="Pack label")
    for offset, value in enumerate(values or ["Not written yet"]):
        book.put(ws, row + offset, 2, value, style="Pack paragraph")


def write_structure(book: Book, content: PackContent) -> None:
    """Structure and baseline: the levels with their bands, and staff and leaders by area."""
    ws = book.sheet("Structure and baseline")
    book.heading(ws, 1, "Structure and baseline", "Pack title")
    book.note(ws, 2, f"Source of the baseline: {content.get('baseline_source', 'the Baseline step')}. "
                     "Figures for an area include the areas within it; fold the rows with the outline buttons.")
    row = book.heading(ws, 4, "Leadership levels, top first")
    row = book.table(ws, row, [Column("Level", "text", 36), Column("Key", "text", 14),
                               Column("Bands, grades and job roles", "text", 22)],
                     ([lv["name"], lv["key"], ", ".join(lv["bands"]) or "None assigned"] for lv in content["levels"]),
                     autofilter=False, widest=22)
    keys = [lv["key"] for lv in content["levels"]]
    names = level_names(content)
    # Funded establishment (older packs' content has none): each level's posts and vacancies beside its leaders.
    funded = [k for k in keys if k in content.get("establishment_totals", {})]
    row = book.heading(ws, row, "Staff, leaders in post, funded posts and vacancies by area" if funded
                       else "Staff and leaders in post by area")
    if funded:
        year = int(content.get("strategy", {}).get("start_year", 0)) + 1
        partial = any(v.get("partial") for v in content["establishment_totals"].values())
        row = book.note(ws, row, f"Posts: the funded establishment for {year}. Vacancies: posts less the leaders in "
                                 "post, and as a share of the posts (negative where more are in post than funded); "
                                 "blank where a level has no establishment."
                                 + (" Where only some areas within an area have an establishment for a level, its "
                                    "posts, in post and vacancies cover those areas only." if partial else ""))
    columns = [Column("Area", "text", 34), Column("Code", "text", 14), Column("Staff", "people"),
               Column("FTE", "number")]
    for k in keys:
        columns.append(Column(f"{names[k]}", "people"))
        if k in funded:
            columns += [Column(f"{names[k]}: posts", "people"), Column(f"{names[k]}: vacancies", "people"),
                        Column(f"{names[k]}: vacancy rate", "rate")]
    columns.append(Column("All leaders", "people"))

    def by_level(leaders: Mapping[str, float], establishment: Mapping[str, Any]) -> list[Any]:
        cells: list[Any] = []
        for k in keys:
            cells.append(leaders.get(k, 0))
            if k in funded:
                found = establishment.get(k)
                cells += [found["establishment"], found["vacancies"], found["rate"]] if found else [None] * 3
        return cells

    totals = {k: sum(a["leaders"].get(k, 0) for a in content["areas"]) for k in keys}
    body = [["Whole organisation", "", sum(a["staff"] for a in content["areas"]),
             sum(a["fte"] for a in content["areas"]), *by_level(totals, content.get("establishment_totals", {})),
             sum(totals.values())]]
    for area in content["areas"]:
        leaders = area["rolled_leaders"]
        body.append([area["name"], area["code"], area["rolled_staff"], area["rolled_fte"],
                     *by_level(leaders, area.get("establishment", {})), sum(leaders.get(k, 0) for k in keys)])
    header = row
    book.table(ws, header, columns, body, long=True, widest=34)
    ws.sheet_properties.outlinePr.summaryBelow = False
    for offset, area in enumerate(content["areas"], start=2):
        depth = int(area["depth"])
        ws.cell(row=header + offset, column=1).alignment = Alignment(indent=depth * 2, vertical="top")
        if depth:
            ws.row_dimensions[header + offset].outlineLevel = min(depth, 7)


def leaver_source(rates: Mapping[str, Any]) -> str:
    """Where a level's leaver rate came from: measured (the period and counts), else typed."""
    measured = rates.get("leaver_source")
    if not measured:
        return "Typed on the Scenarios step"
    return str(measured["text"][:1].upper() + measured["text"][1:])


def write_assumptions(book: Book, content: PackContent) -> None:
    """Assumptions and method: every rate with its source, the model in words, then growth, spans and
    any area's own rates, area by area (the one table that may run over pages, so it comes last)."""
    ws = book.sheet("Assumptions and method", presentation=True)
    names = level_names(content)
    keys = list(names)
    forecast = content["forecast"]
    widths(ws, {"A": 34, "B": 14})
    book.heading(ws, 1, "Assumptions and method", "Pack title")
    row = 3
    assumptions = forecast["assumptions"]
    first_year = int(content["strategy"]["start_year"]) + 1
    if assumptions:
        assert forecast["scenario"] is not None  # assumptions come only with a scenario
        scenario = forecast["scenario"]["name"]
        # A leaver rate that changes by year (model.md version 3) is said in words with its years.
        yearly = any(is_yearly(r["leaver_rate"]) for r in assumptions["levels"])
        row = book.heading(ws, row, f"Rates by level: scenario '{scenario}'")
        row = book.note(ws, row, f"Source: the scenario '{scenario}', set on the Scenarios step; each applies to every "
                                 "area except where the table at the end sets an area's own rate. A measured leaver "
                                 "rate changes year by year as the level's leaders age.")
        row = book.table(ws, row, [Column("Level", "text"), Column("Leaver rate", "text" if yearly else "rate"),
                                   Column("Ready to step up", "rate"), Column("Most internal fills", "rate")],
                         ([names.get(r["level"], r["level"]),
                           rate_words(r["leaver_rate"], first_year) if yearly else r["leaver_rate"],
                           r["ready_rate"], r["internal_fill_max"]]
                          for r in assumptions["levels"]), autofilter=False)
        # Where each leaver rate comes from, in a table of its own two columns: a column beside the rates
        # would print the sheet too small to read.
        row = book.heading(ws, row, "Where each leaver rate comes from")
        row = book.table(ws, row, [Column("Level", "text"), Column("Leaver rate's source", "text")],
                         ([names.get(r["level"], r["level"]), leaver_source(r)] for r in assumptions["levels"]),
                         autofilter=False, widest=SOURCE_WIDTH)
    row = book.heading(ws, row, "Sources")
    row = _pairs(book, ws, row, [
        ("Baseline", content.get("baseline_source", "The Baseline step")),
        ("Rates and growth", "Set by the organisation's planners on the Scenarios step" + (
            "; leaver rates measured from the organisation's own staff and leavers extracts where the table above "
            "says so" if any(r.get("leaver_source") for r in (assumptions or {}).get("levels", [])) else "")),
        ("Benchmarks", "Entered on the Diversity step (local community and national comparators)"),
    ])
    row = book.heading(ws, row, "The model in words")
    rule = from_content(content)
    public = [name for key, name in names.items() if key in rule.public_levels]
    last_column = 2 + len(keys) + 1
    for paragraph in METHOD + [
        RULE_IN_WORDS,
        (f"{rule.label}: diversity counts are exact, small ones included." if rule.exact else
         f"Diversity counts from 1 to {rule.threshold} are withheld (shown as *), with further cells withheld "
         "where a withheld figure could be worked out from the totals"
         + (f", except at levels whose make-up is public anyway ({', '.join(public)})" if public else "")
         + "; nothing is worked out from a target's withheld starting count.")
        + " Self-assessment results for a group are shown only where five or more people in it answered.",
    ]:
        book.put(ws, row, 1, paragraph, style="Pack paragraph")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
        ws.row_dimensions[row].height = 15 * (1 + len(paragraph) // 120)
        row += 1
    book.keep(ws, row - len(METHOD) - 2, row - 1)
    if not assumptions:
        return
    row = book.heading(ws, row + 1, "Staff growth, spans of control and area rates, area by area")
    row = book.note(ws, row, "A span is staff per leader; a level with neither a funded establishment nor a span keeps "
                             "its baseline count as the posts needed. Blank growth means none. An area's own rates "
                             "replace the level's there.")
    areas = {a["code"]: a["name"] for a in content["areas"]}
    rows = []
    for a in assumptions["areas"]:
        growth = a["staff_growth"]
        shown = growth if isinstance(growth, (int, float)) else percent_text(growth)
        own = "; ".join(f"{names.get(level, level)}: " + ", ".join(
            f"{label.lower()} {rate_words(value, first_year)}" for field, label in RATE_LABELS
            if (value := rates.get(field)) is not None)
            + (f" ({a['leaver_sources'][level]['text']})" if level in a.get("leaver_sources", {}) else "")
            for level, rates in a["overrides"].items())
        rows.append([areas.get(a["area"], a["area"]), shown, *[a["spans"].get(k) for k in keys], own or None])
    book.table(ws, row, [Column("Area", "text"), Column("Staff growth a year", "rate")]
               + [Column(f"Span: {names[k]}", "tenth", 11) for k in keys] + [Column("The area's own rates", "text")],
               rows, autofilter=False, long=True, widest=40)


RATE_LABELS = (("leaver_rate", "Leaver rate"), ("ready_rate", "Ready rate"),
               ("internal_fill_max", "Most internal fills"))


METHOD = [
    "Each year, for each area, the model works down the levels from the top. Leaders in post at the start "
    "of the year, less those who leave (the leaver rate, which may differ from year to year) and those "
    "promoted to the level above, are the leaders available.",
    "Posts needed are the funded establishment where an area has one for a level; otherwise they follow staff "
    "numbers where the level has a span of control (staff divided by the span, rounded up to whole posts), "
    "and otherwise they stay at the baseline count. Staff grow by the area's growth rate each year.",
    "Vacancies are the posts needed less the leaders available (never below zero). Up to the level's most "
    "internal fills share of them is filled by promotion, limited by the leaders in the level below who are "
    "ready to step up (the ready rate); the rest are external appointments.",
    "Where more leaders are available than posts, nobody is removed: the level ends above the posts needed.",
    "All figures are expected values, kept unrounded inside the model and rounded only for display. "
    "Uncertainty bands come from simulations of whole people, with leavers and those ready to step up drawn "
    "at random.",
    "A diversity target is met when the group's share of a level reaches the target by the target year; the "
    "share of appointments needed is the constant share of each year's appointments, from the group, that "
    "gets there.",
]
