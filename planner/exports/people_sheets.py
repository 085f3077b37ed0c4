"""The people sheets of the board pack: diversity, competencies, self-assessment, objectives and the
gaps no objective owns.

Each writer takes the pack's content (planner.services.board_pack.pack_content) and nothing else,
and writes one sheet through Book, so user text is always text and numbers keep their unrounded
values (only the number format rounds them).

Diversity figures are used as the content holds them, already suppressed: a withheld count is
written as "*", and so is every share of one. As a second guard, a group's count from 1 to the
threshold is withheld here too, and content marked as unsuppressed is refused: the pack is a paper
and leaves the organisation's control. A target whose baseline is withheld shows shares and
appointments only, never projected counts of the group (no target shows projected counts)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.title import Title, title_maker
from openpyxl.drawing.text import CharacterProperties
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book import RAG_FILLS, Book, Column, clean_text

WITHHELD = "*"
DEFAULT_THRESHOLD = 7
DATE_FORMAT = "d mmm yyyy"
MAX_TARGET_CHARTS = 4
MAX_OUTLINE = 7  # Excel's deepest outline level

BENCHMARK_NAMES = {"workforce": "Workforce", "community": "Community", "national": "National"}
# The national standards each comparison reports against: (level gap, board gap, relative likelihood).
STANDARDS = {
    "ethnicity": ("WRES indicator 1", "WRES indicator 9", "WRES indicator 2"),
    "disability": ("WDES metric 1", "WDES metric 10", "WDES metric 2"),
}
OBJECTIVE_LEVELS = {"strategic": "Strategic", "area": "Area", "team": "Team", "individual": "Individual"}
RAG_ORDER = (("red", "Red"), ("amber", "Amber"), ("green", "Green"), (None, "Not rated"))
RAG_CHART_COLOURS = {"red": "DA291C", "amber": "FFB81C", "green": "009639", None: "AEB7BD"}
SMART_LETTERS = (("S", "Specific"), ("M", "Measurable"), ("A", "Achievable"), ("R", "Relevant"), ("T", "Time-bound"))
WITHHELD_GROUP_REASON = ("Fewer than five responses, or showing it would let a smaller group's answers be worked "
                         "out from the totals. Its answers still count in the figures above.")
HEATMAP_LOW, HEATMAP_HIGH = "FFFFFF", "F8696B"  # white (nobody below) to red (everyone below)


# --- shared helpers ---------------------------------------------------------------------------


def _start(book: Book, sheet_title: str, title: str, note: str) -> Worksheet:
    """A new sheet with its title and a one-sentence note of what it shows (rows 1 and 2)."""
    ws = book.sheet(sheet_title)
    book.heading(ws, 1, title, "Pack title")
    book.note(ws, 2, note)
    ws.row_dimensions[1].height = 28
    return ws


def _text(value: Any, default: str = "") -> str:
    return default if value is None else str(value)


def _level_names(content: Mapping[str, Any]) -> dict[str, str]:
    return {str(lv["key"]): _text(lv.get("name"), str(lv["key"])) for lv in content.get("levels") or []}


def _capital(value: Any) -> str:
    text = _text(value)
    return text[:1].upper() + text[1:]


def _right_align_withheld(ws: Worksheet) -> None:
    """Line the "*" of withheld figures up with the numbers in their column."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == WITHHELD:
                cell.alignment = Alignment(horizontal="right", vertical="top")


def _chart_title(text: str, size: int = 1200) -> Title:
    """A chart title in bold at `size` hundredths of a point, without control characters (they would
    break the file) and kept short."""
    cleaned, _ = clean_text(text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > 90:
        cleaned = cleaned[:89] + "…"
    title = title_maker(cleaned)
    for paragraph in title.tx.rich.paragraphs:
        paragraph.pPr.defRPr = CharacterProperties(sz=size, b=True)
    title.overlay = False
    return title


def _table(book: Book, ws: Worksheet, top: int, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
           main: bool = False, only: bool = False) -> int:
    """A table through Book. The main table of a sheet gets the filter and its header row frozen; its
    header repeats on every printed page only if it is the sheet's only table (`only`), since on the
    other sheets further tables follow it."""
    after = book.table(ws, top, columns, rows, autofilter=main, freeze=main and only)
    if main:
        ws.freeze_panes = ws.cell(row=top + 1, column=1)
    return after


# --- 1. Diversity ---------------------------------------------------------------------------------


def _threshold(content: Mapping[str, Any]) -> int:
    diversity = content.get("diversity") or {}
    organisation = content.get("organisation") or {}
    value = diversity.get("suppression_threshold") or organisation.get("suppression_threshold")
    return int(value) if value else DEFAULT_THRESHOLD


def _withheld(count: Any, flagged: Any, threshold: int) -> bool:
    """Whether a group's count must not be shown: withheld in the content, missing, or from 1 to the
    threshold (the primary rule, applied again here in case the content missed it)."""
    if flagged or count is None or isinstance(count, bool) or not isinstance(count, int | float):
        return True
    return 1 <= count <= threshold


def _withheld_note(threshold: int) -> str:
    return (f"{WITHHELD} Withheld to protect privacy: counts from 1 to {threshold} people, and any count or "
            f"share from which one could be worked out.")


class _Names:
    """Characteristic, group and level names for the diversity figures."""

    def __init__(self, content: Mapping[str, Any]) -> None:
        self.levels = _level_names(content)
        self.names: Mapping[str, Any] = (content.get("diversity") or {}).get("names") or {}

    def characteristic(self, key: str) -> str:
        return _text((self.names.get(key) or {}).get("name"), key)

    def group(self, characteristic: str, key: str) -> str:
        groups = (self.names.get(characteristic) or {}).get("groups") or {}
        return _text(groups.get(key), key)

    def level(self, key: str | None, everyone: str) -> str:
        if key is None or key == "all":
            return everyone
        return self.levels.get(key, key)


def _benchmark_sources(representation: Sequence[Mapping[str, Any]]) -> list[str]:
    found: list[str] = []
    for rep in representation:
        for source in rep.get("benchmarks") or {}:
            if source not in found:
                found.append(source)
    known = [s for s in BENCHMARK_NAMES if s in found]
    return known + [s for s in found if s not in BENCHMARK_NAMES]


def _representation_rows(representation: Sequence[Mapping[str, Any]], sources: Sequence[str], names: _Names,
                         threshold: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for rep in representation:
        char = str(rep["characteristic"])
        benchmarks = rep.get("benchmarks") or {}
        everyone = next((r for r in rep.get("rows") or [] if r.get("level") is None), None)
        everyone_withheld = {str(g["group"]): _withheld(g.get("count"), g.get("suppressed"), threshold)
                             for g in (everyone or {}).get("groups") or []}
        for row in rep.get("rows") or []:
            total = row.get("total")
            for group in row.get("groups") or []:
                key = str(group["group"])
                withheld = _withheld(group.get("count"), group.get("suppressed"), threshold)
                values: list[Any] = [
                    names.characteristic(char), names.level(row.get("level"), "All staff"), names.group(char, key),
                    WITHHELD if withheld else group.get("count"),
                    WITHHELD if withheld else group.get("share"),
                    WITHHELD if total is None else total,
                ]
                for source in sources:
                    value = (benchmarks.get(source) or {}).get(key)
                    if value is None and source == "workforce" and everyone_withheld.get(key):
                        value = WITHHELD  # the workforce share is the all-staff share of a withheld count
                    values.append(value)
                rows.append(values)
    return rows


def _gap(value: Any, withheld: bool | None) -> Any:
    """An indicator's gap, or "*" where it is missing because the group's share is withheld."""
    return WITHHELD if value is None and withheld else value


def _indicator_rows(representation: Sequence[Mapping[str, Any]], names: _Names,
                    threshold: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for rep in representation:
        indicators = rep.get("indicators")
        if not indicators:
            continue
        char = str(rep["characteristic"])
        focus_key = str(indicators.get("focus_group"))
        focus = names.group(char, focus_key)
        level_standard, board_standard, likelihood_standard = STANDARDS.get(char, ("", "", ""))
        withheld_at: dict[str | None, bool] = {}
        for row in rep.get("rows") or []:
            for group in row.get("groups") or []:
                if str(group["group"]) == focus_key:
                    withheld_at[row.get("level")] = _withheld(group.get("count"), group.get("suppressed"), threshold)
        characteristic = names.characteristic(char)
        for level, value in (indicators.get("level_gaps_points") or {}).items():
            rows.append([characteristic, names.level(level, "All leaders"),
                         f"{focus}: share at the level minus share of the workforce",
                         _gap(value, withheld_at.get(level)), None, level_standard])
        level_keys = [r.get("level") for r in rep.get("rows") or [] if r.get("level") is not None]
        board = level_keys[0] if level_keys else None
        rows.append([characteristic, names.level(board, "Board"),
                     f"{focus}: share on the board minus share of the workforce",
                     _gap(indicators.get("board_gap_points"), withheld_at.get(board)), None, board_standard])
        rows.append([characteristic, "Appointments",
                     f"Relative likelihood of appointment from shortlisting: other applicants compared with {focus}",
                     None, indicators.get("relative_likelihood"), likelihood_standard])
    return rows


def _target_rows(targets: Sequence[Mapping[str, Any]], names: _Names, threshold: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for target in targets:
        char = str(target["characteristic"])
        baseline = target.get("baseline_count")
        feasible = target.get("feasible")
        earliest: Any = None
        if feasible is False:
            earliest = target.get("earliest_year") or "Not within the strategy's period"
        rows.append([
            names.characteristic(char), names.level(target.get("level"), "All leaders"),
            names.group(char, str(target["group"])),
            WITHHELD if _withheld(baseline, target.get("suppressed"), threshold) else baseline,
            target.get("target_share"), target.get("target_year"), target.get("required_share_of_appointments"),
            feasible, earliest, "; ".join(str(p) for p in target.get("problems") or []) or None,
        ])
    return rows


def _trajectory_chart(ws: Worksheet, title: str, header: int, last: int, first_column: int) -> LineChart:
    """Projected share by year against a flat target line, from the trajectory table's cells (the year
    in `first_column`, then the projected and target shares)."""
    chart = LineChart()
    chart.title = _chart_title(title)
    chart.y_axis.title = "Share of leaders"
    chart.x_axis.title = "Year"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.height, chart.width = 7.5, 15
    chart.legend.position = "b"
    chart.add_data(Reference(ws, min_col=first_column + 1, max_col=first_column + 2, min_row=header, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=first_column, min_row=header + 1, max_row=last))
    for series, colour, dash in zip(chart.series, ("005EB8", "DA291C"), ("solid", "dash"), strict=False):
        series.smooth = False
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.graphicalProperties.line.dashStyle = dash
    return chart


TRAJECTORY_COLUMN = 4  # D: the trajectory tables sit right of their charts, which take the wide columns A to C


def _write_targets(book: Book, ws: Worksheet, row: int, targets: Sequence[Mapping[str, Any]], names: _Names,
                   threshold: int) -> int:
    row = book.heading(ws, row, "Targets and the appointments they need")
    row = _table(book, ws, row, [
        Column("Characteristic"), Column("Level"), Column("Group"), Column("People in the group now", "people"),
        Column("Target share", "percent"), Column("Target year", "year"),
        Column("Share of appointments needed", "percent"), Column("Can be met", width=14),
        Column("Earliest year it could be met", width=16), Column("Problems"),
    ], _target_rows(targets, names, threshold))
    if any(_withheld(t.get("baseline_count"), t.get("suppressed"), threshold) for t in targets):
        row = book.note(ws, row - 1, _withheld_note(threshold) + " Where a target's baseline is withheld, its "
                                     "trajectory shows shares and appointments only.") + 1
    charted = 0
    for target in targets:
        char = str(target["characteristic"])
        group, level = names.group(char, str(target["group"])), names.level(target.get("level"), "All leaders")
        row = book.heading(ws, row, f"{group}, {level}: the way to the target")
        trajectory = target.get("trajectory") or []
        if not trajectory:
            problems = "; ".join(str(p) for p in target.get("problems") or []) or "there is no forecast to solve it on"
            row = book.note(ws, row, f"Not worked out: {problems}.") + 1
            continue
        withheld = _withheld(target.get("baseline_count"), target.get("suppressed"), threshold)
        no_action = {p.get("year"): p.get("share") for p in target.get("no_action") or []}
        rows = [[p.get("year"), p.get("share"), target.get("target_share"), p.get("appointments_from_group"),
                 WITHHELD if withheld else no_action.get(p.get("year"))] for p in trajectory]
        header = row
        after = book.table(ws, header, [
            Column("Year", "year"), Column("Projected share", "percent"), Column("Target share", "percent"),
            Column("Appointments from the group each year (expected)", "number"),
            Column("Share with no action", "percent"),
        ], rows, first_column=TRAJECTORY_COLUMN, autofilter=False)
        height = after
        if charted < MAX_TARGET_CHARTS:
            charted += 1
            chart = _trajectory_chart(ws, f"{group}, {level}: projected share against the target",
                                      header, header + len(rows), TRAJECTORY_COLUMN)
            beside = sum(book.widths_set.get((ws.title, get_column_letter(c)), 14) for c in range(1, TRAJECTORY_COLUMN))
            chart.width = min(max(beside * 0.19 - 0.6, 12.0), 22.0)  # about 0.19 cm a character
            ws.add_chart(chart, f"A{header}")
            height = max(after, header + 17)
        row = height
    if charted < len([t for t in targets if t.get("trajectory")]):
        row = book.note(ws, row, f"Charts are drawn for the first {MAX_TARGET_CHARTS} targets; every target's "
                                 f"figures are in its table.") + 1
    return row


def write_diversity(book: Book, content: Mapping[str, Any]) -> None:
    """Sheet "Diversity": representation by level with benchmarks, the WRES and WDES indicators, and the
    targets with their trajectories and charts. Always from suppressed figures."""
    diversity: Mapping[str, Any] = content.get("diversity") or {}
    if diversity.get("suppressed") is False:
        raise ValueError("The board pack shows suppressed diversity figures only; these are unsuppressed.")
    threshold = _threshold(content)
    names = _Names(content)
    representation: Sequence[Mapping[str, Any]] = diversity.get("representation") or []
    targets: Sequence[Mapping[str, Any]] = diversity.get("targets") or []
    scenario = (diversity.get("scenario") or {}).get("name")
    ws = _start(book, "Diversity", "Diversity of our leaders",
                "How far each group is represented at each leadership level and across all staff, against the "
                "benchmarks, with the WRES and WDES indicators and the targets"
                + (f" (worked out on the {scenario} scenario)." if scenario else "."))
    sources = _benchmark_sources(representation)
    row = book.heading(ws, 3, "Representation by level")
    shown = _representation_rows(representation, sources, names, threshold)
    row = _table(book, ws, row, [
        Column("Characteristic"), Column("Level"), Column("Group"),
        Column("People in the group", "people", 14), Column("Share of the level", "percent"),
        Column("Headcount of the level", "people", 14),
        *[Column(f"{BENCHMARK_NAMES.get(s, _capital(s))} benchmark", "percent") for s in sources],
    ], shown, main=True)
    if any(WITHHELD in values for values in shown):
        row = book.note(ws, row - 1, _withheld_note(threshold)) + 1

    indicators = _indicator_rows(representation, names, threshold)
    if indicators:
        row = book.heading(ws, row, "WRES and WDES indicators")
        row = _table(book, ws, row, [
            Column("Characteristic"), Column("Level"), Column("Measure"), Column("Gap (percentage points)", "points"),
            Column("Relative likelihood", "ratio"), Column("Standard", width=18),
        ], indicators)
        row = book.note(ws, row - 1, "A gap below zero means the group is less represented at that level than in "
                                     "the whole workforce. A relative likelihood above 1 means shortlisted "
                                     "applicants from the group are less likely to be appointed than others.") + 1
    if targets:
        _write_targets(book, ws, row, targets, names, threshold)
    else:
        book.note(ws, row, "There are no diversity targets yet.")
    _right_align_withheld(ws)


# --- 2. Competencies ------------------------------------------------------------------------------


def _competency_names(competencies: Mapping[str, Any]) -> dict[str, str]:
    return {str(c["key"]): _text(c.get("name"), str(c["key"])) for c in competencies.get("competencies") or []}


def write_competencies(book: Book, content: Mapping[str, Any]) -> None:
    """Sheet "Competencies": required steps, the organisation's gap heatmap, the gaps largest first,
    the development plan with its cost, and the gaps the plan does not reach."""
    competencies: Mapping[str, Any] = content.get("competencies") or {}
    levels = _level_names(content)
    comp_names = _competency_names(competencies)
    frameworks = {str(c["key"]): c.get("framework") for c in competencies.get("competencies") or []}
    rows: Sequence[Mapping[str, Any]] = competencies.get("competencies") or []
    ws = _start(book, "Competencies", "Leadership competencies",
                "The step each level needs in each competency, how many leaders are below it, and the "
                "development plan that will close the gaps.")

    def competency(key: Any) -> str:
        return comp_names.get(str(key), str(key))

    def level(key: Any) -> str:
        return levels.get(str(key), str(key))

    row = book.heading(ws, 3, "Required step by competency and level")
    row = _table(book, ws, row, [Column("Framework"), Column("Domain"), Column("Competency"),
                                 *[Column(name, "step") for name in levels.values()]],
                 [[c.get("framework"), c.get("domain"), competency(c["key"]),
                   *[(c.get("required") or {}).get(key) for key in levels]] for c in rows], main=True)
    row = book.note(ws, row - 1, "A blank means the level has no required step in that competency.") + 1

    gaps: Sequence[Mapping[str, Any]] = competencies.get("gaps") or []
    share_below = {(str(g["competency"]), str(g["level"])): g.get("share_below") for g in gaps}
    row = book.heading(ws, row, "Share of assessed leaders below the required step")
    header = row
    row = _table(book, ws, header, [Column("Framework"), Column("Domain"), Column("Competency"),
                                    *[Column(name, "percent") for name in levels.values()]],
                 [[c.get("framework"), c.get("domain"), competency(c["key"]),
                   *[share_below.get((str(c["key"]), key)) for key in levels]] for c in rows])
    if rows and levels:
        cells = f"D{header + 1}:{get_column_letter(3 + len(levels))}{header + len(rows)}"
        ws.conditional_formatting.add(cells, ColorScaleRule(
            start_type="num", start_value=0, start_color=HEATMAP_LOW,
            end_type="num", end_value=1, end_color=HEATMAP_HIGH))
    row = book.note(ws, row - 1, "White: every assessed leader meets the step; red: none does. A blank means "
                                 "nobody at that level has been assessed, or no step is required.") + 1

    listed = sorted((g for g in gaps if (g.get("below_required") or 0) > 0),
                    key=lambda g: (g.get("share_below") is None, -(g.get("share_below") or 0.0)))
    row = book.heading(ws, row, "Gaps, largest first")
    if listed:
        row = _table(book, ws, row, [
            Column("Framework"), Column("Level"), Column("Competency"), Column("Required step", "step"),
            Column("Leaders assessed", "people"), Column("Leaders below the step", "people"),
            Column("Share below", "percent"),
        ], [[frameworks.get(str(g["competency"])), level(g["level"]), competency(g["competency"]), g.get("required"),
             g.get("assessed"), g.get("below_required"), g.get("share_below")] for g in listed])
    else:
        row = book.note(ws, row, "Every assessed leader meets the required step.") + 1

    row = book.heading(ws, row, "Development plan")
    interventions: Sequence[Mapping[str, Any]] = competencies.get("interventions") or []
    if interventions:
        row = _table(book, ws, row, [
            Column("Intervention"), Column("Kind"), Column("Years"), Column("Places each year", "people"),
            Column("Cost per place", "money"), Column("Cost each year it runs", "money"),
            Column("Competency and level pairs it develops", "people"),
        ], [[i.get("name"), _capital(i.get("kind")), _years(i.get("first_year"), i.get("last_year")),
             i.get("places_per_year"), i.get("cost_per_place"),
             (i.get("places_per_year") or 0) * (i.get("cost_per_place") or 0), i.get("develops")]
            for i in interventions])
    else:
        row = book.note(ws, row, "There are no interventions in the plan yet.") + 1
    cost: Sequence[Mapping[str, Any]] = competencies.get("cost") or []
    if cost:
        row = book.heading(ws, row, "Cost of the plan by year")
        cost_rows: list[list[Any]] = [[c.get("year"), c.get("cost")] for c in cost]
        cost_rows.append(["Total", sum(c.get("cost") or 0 for c in cost)])
        row = _table(book, ws, row, [Column("Year", "year"), Column("Cost", "money")], cost_rows)
        book.style(ws.cell(row=row - 2, column=1), "Pack label")  # the total row ("Total": not user text)

    row = book.heading(ws, row, "Gaps the plan does not reach")
    unaddressed: Sequence[Mapping[str, Any]] = competencies.get("unaddressed") or []
    if unaddressed:
        row = book.note(ws, row, "No intervention develops these competencies at these levels yet.")
        _table(book, ws, row, [Column("Framework"), Column("Level"), Column("Competency"),
                               Column("Leaders below the step", "people")],
               [[frameworks.get(str(g["competency"])), level(g["level"]), competency(g["competency"]),
                 g.get("below_required")] for g in unaddressed])
    else:
        book.note(ws, row, "The plan reaches every gap.")


def _years(first: Any, last: Any) -> str | None:
    if first is None and last is None:
        return None
    if first == last or last is None:
        return str(first)
    return f"{first} to {last}"


# --- 3. Self-assessment ---------------------------------------------------------------------------


def _survey_results(book: Book, ws: Worksheet, row: int, survey: Mapping[str, Any]) -> int:
    dimensions: Sequence[Mapping[str, Any]] = survey.get("dimensions") or []
    row = book.heading(ws, row, "Scores by dimension", "Pack label")
    row = _table(book, ws, row, [
        Column("Dimension"), Column("Mean (1 to 5)", "number"), Column("Standard deviation", "number"),
        Column("Share agreeing", "percent"), Column("Answers", "people"),
    ], [[d.get("name", d.get("key")), d.get("mean"), d.get("sd"), d.get("share_agree"), d.get("n")]
        for d in dimensions])
    items = sorted(survey.get("items") or [], key=lambda i: (i.get("sd") is None, -(i.get("sd") or 0.0)))
    row = book.heading(ws, row, "Statements, most disagreement first (largest standard deviation)", "Pack label")
    row = _table(book, ws, row, [
        Column("Statement"), Column("Mean (1 to 5)", "number"), Column("Standard deviation", "number"),
        Column("Share agreeing", "percent"), Column("Answers", "people"),
    ], [[i.get("text", i.get("key")), i.get("mean"), i.get("sd"), i.get("share_agree"), i.get("n")]
        for i in items])
    groups: Sequence[Mapping[str, Any]] = survey.get("groups") or []
    comparison = _text(survey.get("comparison_group"), "the comparison group")
    if groups:
        row = book.heading(ws, row, "Mean score by group (1 to 5)", "Pack label")
        by_dimension = [Column(_text(d.get("name"), _text(d.get("key"))), "number", 14) for d in dimensions]
        row = _table(book, ws, row, [Column("Group"), Column("Responses", "people"), *by_dimension],
                     [[g.get("group"), g.get("responses"),
                       *[(g.get("dimensions") or {}).get(d.get("key")) for d in dimensions]] for g in groups])
        row = book.heading(ws, row, f"Difference from {comparison} (points on the 1 to 5 scale; above 0 is "
                                    f"more positive)", "Pack label")
        row = _table(book, ws, row, [Column("Group"), Column("Responses", "people"), *by_dimension],
                     [[g.get("group"), g.get("responses"),
                       *[(g.get("gaps") or {}).get(d.get("key")) for d in dimensions]] for g in groups])
    withheld: Sequence[Any] = survey.get("withheld_groups") or []
    if withheld:
        row = book.heading(ws, row, "Groups not shown on their own", "Pack label")
        row = _table(book, ws, row, [Column("Group"), Column("Why")],
                     [[name, WITHHELD_GROUP_REASON] for name in withheld])
    return row


def write_self_assessment(book: Book, content: Mapping[str, Any]) -> None:
    """Sheet "Self-assessment": each survey's responses and, with enough of them, its scores by
    dimension and statement, and its groups against the comparison group."""
    surveys: Sequence[Mapping[str, Any]] = content.get("self_assessment") or []
    ws = _start(book, "Self-assessment", "Collective leadership self-assessment",
                "What leaders, staff and partners said in each self-assessment survey, by dimension, statement "
                "and group; results are shown only once five people have answered.")
    row = book.heading(ws, 3, "Surveys")
    row = _table(book, ws, row, [Column("Survey"), Column("Status", width=16),
                                 Column("Responses", "people"), Column("Results shown", width=14)],
                 [[s.get("name"), _capital(s.get("status")), s.get("responses"), bool(s.get("enough"))]
                  for s in surveys], main=True)
    if not surveys:
        book.note(ws, row, "There are no self-assessment surveys yet.")
        return
    for survey in surveys:
        row = book.heading(ws, row, _text(survey.get("name"), "Survey"))
        row = book.note(ws, row, f"{_capital(survey.get('status'))}: {survey.get('responses') or 0} responses.")
        if not survey.get("enough"):
            row = book.note(ws, row, "Results are withheld until five people have answered, so that no one's "
                                     "answers can be picked out.") + 1
            continue
        row = _survey_results(book, ws, row + 1, survey)


# --- 4. Objectives --------------------------------------------------------------------------------


def _due(value: Any) -> Any:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def _rag_summary(book: Book, ws: Worksheet, rows: Iterable[Mapping[str, Any]], column: int) -> None:
    """A small table of objectives per RAG status across rows 1 and 2 (inside the frozen rows, so it
    stays in view and never folds away), and a bar chart of it beside the cascade."""
    counts = {key: 0 for key, _ in RAG_ORDER}
    for objective in rows:
        rag = objective.get("rag")
        counts[rag if rag in counts else None] += 1
    book.put(ws, 1, column, "RAG status", style="Pack table header")
    book.put(ws, 2, column, "Objectives", style="Pack label")
    for offset, (key, label) in enumerate(RAG_ORDER, start=1):
        book.put(ws, 1, column + offset, label, style="Pack table header")
        book.put(ws, 2, column + offset, counts[key], "people")
        ws.column_dimensions[get_column_letter(column + offset)].width = 11
    ws.column_dimensions[get_column_letter(column)].width = 14
    chart = BarChart()
    chart.type = "col"
    chart.title = _chart_title("Objectives by RAG status")
    chart.y_axis.title = "Objectives"
    chart.x_axis.title = "RAG status"
    chart.y_axis.number_format = "0"
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    chart.gapWidth = 60
    chart.height, chart.width = 7.5, 12
    chart.add_data(Reference(ws, min_col=column, max_col=column + len(RAG_ORDER), min_row=2, max_row=2),
                   from_rows=True, titles_from_data=True)
    series = chart.series[0]
    labels = Reference(ws, min_col=column + 1, max_col=column + len(RAG_ORDER), min_row=1, max_row=1)
    series.cat = AxDataSource(strRef=StrRef(f=str(labels)))  # text categories, so a string reference
    for index, (key, _label) in enumerate(RAG_ORDER):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = RAG_CHART_COLOURS[key]
        point.graphicalProperties.line.solidFill = RAG_CHART_COLOURS[key]
        series.dPt.append(point)
    ws.add_chart(chart, f"{get_column_letter(column)}5")


def write_objectives(book: Book, content: Mapping[str, Any]) -> None:
    """Sheet "Objectives": the cascade in tree order, folding by level, with progress, RAG and the
    SMART check, and a count of objectives per RAG status with its chart."""
    objectives: Mapping[str, Any] = content.get("objectives") or {}
    rows: Sequence[Mapping[str, Any]] = objectives.get("rows") or []
    ws = _start(book, "Objectives", "Objectives cascade",
                "Every objective from the board's down to teams and individuals, with its progress, RAG "
                "rating and SMART check; use the outline buttons on the left to fold the levels away.")
    columns = [
        Column("Ref", width=11), Column("Objective", width=60), Column("Level", width=12), Column("Area", width=30),
        Column("Owner", width=24), Column("Weight", "number", 9), Column("Due", width=13),
        Column("Progress", "percent", 11), Column("Progress rolled up", "percent", 12), Column("RAG", width=11),
        *[Column(name, width=5) for _, name in SMART_LETTERS], Column("Why it is not yet SMART", width=50),
    ]
    header = 4
    _table(book, ws, header, columns, [[
        o.get("ref"), o.get("title"), OBJECTIVE_LEVELS.get(str(o.get("level")), _capital(o.get("level"))),
        o.get("area"), o.get("owner"), o.get("weight"), _due(o.get("due")), o.get("progress"),
        o.get("rolled_up_progress"), dict(RAG_ORDER).get(o.get("rag"), "Not rated"),
        *[("✓" if (o.get("smart") or {}).get(letter) else "✗") for letter, _ in SMART_LETTERS],
        " ".join(str(r) for r in o.get("smart_reasons") or []) or None,
    ] for o in rows], main=True, only=True)
    rag_column, first_letter = 10, 11
    for offset in range(len(SMART_LETTERS)):  # the SMART headings run upwards over narrow columns
        ws.cell(row=header, column=first_letter + offset).alignment = Alignment(
            text_rotation=90, horizontal="center", vertical="bottom", wrap_text=False)
    ws.row_dimensions[header].height = 72
    deepest = 0
    for offset, objective in enumerate(rows, start=1):
        row = header + offset
        depth = min(max(int(objective.get("depth") or 0), 0), MAX_OUTLINE)
        deepest = max(deepest, depth)
        ws.cell(row=row, column=2).alignment = Alignment(horizontal="left", indent=depth * 2, wrap_text=True,
                                                             vertical="top")
        ws.row_dimensions[row].outlineLevel = depth
        due = ws.cell(row=row, column=7)
        if isinstance(due.value, date):
            due.number_format = DATE_FORMAT
            due.alignment = Alignment(horizontal="right", vertical="top")
        fill = RAG_FILLS.get(_text(objective.get("rag")))
        if fill:
            ws.cell(row=row, column=rag_column).fill = PatternFill("solid", fgColor=fill)
        for letter_column in range(first_letter, first_letter + len(SMART_LETTERS)):
            ws.cell(row=row, column=letter_column).alignment = Alignment(horizontal="center", vertical="top")
    ws.sheet_properties.outlinePr.summaryBelow = False  # a parent row sits above its children
    ws.sheet_format.outlineLevelRow = deepest
    if not rows:
        book.note(ws, header + 2, "There are no objectives yet.")
    _rag_summary(book, ws, rows, len(columns) + 2)
    # Printed as two areas, each on its own pages, so the summary does not shrink the cascade.
    cascade_end = get_column_letter(len(columns))
    summary_start = get_column_letter(len(columns) + 2)
    summary_end = get_column_letter(len(columns) + 2 + len(RAG_ORDER))
    ws.print_area = [f"A1:{cascade_end}{max(header + len(rows), header + 2)}", f"{summary_start}1:{summary_end}20"]


# --- 5. Unowned gaps ------------------------------------------------------------------------------


def write_unowned(book: Book, content: Mapping[str, Any]) -> None:
    """Sheet "Unowned gaps": the gaps the board found that no objective is linked to yet."""
    unowned: Sequence[Mapping[str, Any]] = (content.get("objectives") or {}).get("unowned") or []
    if not unowned:
        _start(book, "Unowned gaps", "Gaps with no objective",
               "Every gap the board found (diversity targets, competency gaps and the rest) has at least one "
               "objective linked to it.")
        return
    ws = _start(book, "Unowned gaps", "Gaps with no objective",
                "These are the gaps the board found that no objective is linked to yet, so no one owns closing them.")
    comp_names = _competency_names(content.get("competencies") or {})
    _table(book, ws, 4, [Column("Kind of gap"), Column("Gap")],
           [[_capital(g.get("kind")), _unowned_label(g, comp_names)] for g in unowned], main=True, only=True)


def _unowned_label(gap: Mapping[str, Any], comp_names: Mapping[str, str]) -> str:
    """The gap's label, with a competency gap's competency key (which starts it) shown by its name."""
    label = _text(gap.get("label"))
    if gap.get("kind") == "competency gap":
        key, at, rest = label.partition(" at ")
        if at and key in comp_names:
            return f"{comp_names[key]} at {rest}"
    return label
