"""The Diversity sheets of the board pack: representation against the benchmarks, the WRES and WDES
indicators, and the targets with their trajectories and charts, as the content's disclosure rule gives them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.chart import LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from planner.diversity import assessment, wres
from planner.diversity import board as board_types
from planner.diversity.disclosure import Disclosure, from_content
from planner.exports.book import Book, Column
from planner.exports.content import PackContent
from planner.exports.people_sheets.layout import (
    CHART_WIDTH,
    DIVERSITY,
    DIVERSITY_TARGETS,
    FIGURE_WIDTH,
    INDICATORS,
    WITHHELD,
    capitalised,
    cell_text,
    chart_title,
    fit_rows,
    level_names_of,
    right_align_withheld,
    start_sheet,
    style_chart_text,
    with_chart,
    write_table,
)

MAX_TARGET_CHARTS = 4
BENCHMARK_NAMES = {"workforce": "Workforce", "community": "Community", "national": "National"}
STANDARDS = wres.STANDARDS  # (level gap, board gap, relative likelihood): WDES metric 10 for the board


# --- 1. Diversity ---------------------------------------------------------------------------------


def _withheld(count: Any, flagged: Any, rule: Disclosure, level: str | None = None) -> bool:
    """Whether a group's count at a level must not be shown: withheld in the content, missing, or
    withheld by the rule's primary test (applied again here in case the content missed it)."""
    if flagged or count is None or isinstance(count, bool) or not isinstance(count, int):
        return True
    return rule.withholds(count, level=level)


def _withheld_note(threshold: int) -> str:
    return (f"{WITHHELD} Withheld to protect privacy: counts from 1 to {threshold} people, and any count or "
            f"share from which one could be worked out.")


class _Names:
    """Characteristic, group and level names for the diversity figures."""

    def __init__(self, content: Mapping[str, Any]) -> None:
        self.levels = level_names_of(content)
        self.names: Mapping[str, Any] = (content.get("diversity") or {}).get("names") or {}

    def characteristic(self, key: str) -> str:
        return cell_text((self.names.get(key) or {}).get("name"), key)

    def group(self, characteristic: str, key: str) -> str:
        groups = (self.names.get(characteristic) or {}).get("groups") or {}
        return cell_text(groups.get(key), key)

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
                         rule: Disclosure) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for rep in representation:
        char = str(rep["characteristic"])
        benchmarks = rep.get("benchmarks") or {}
        everyone = next((r for r in rep.get("rows") or [] if r.get("level") is None), None)
        everyone_withheld = {str(g["group"]): _withheld(g.get("count"), g.get("suppressed"), rule)
                             for g in (everyone or {}).get("groups") or []}
        for row in rep.get("rows") or []:
            total = row.get("total")
            for group in row.get("groups") or []:
                key = str(group["group"])
                withheld = _withheld(group.get("count"), group.get("suppressed"), rule, row.get("level"))
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
                    rule: Disclosure) -> list[list[Any]]:
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
                    withheld_at[row.get("level")] = _withheld(group.get("count"), group.get("suppressed"), rule,
                                                              row.get("level"))
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
        rows += _membership_rows(indicators, characteristic, focus, names.level(board, "Board"), board, board_standard,
                                 rule)
        rows.append([characteristic, "Appointments",
                     f"Relative likelihood of appointment from shortlisting: other applicants compared with {focus}",
                     None, indicators.get("relative_likelihood"), likelihood_standard])
    return rows


def _membership_rows(indicators: Mapping[str, Any], characteristic: str, focus: str, board_name: str,
                     board_level: str | None, standard: str, rule: Disclosure) -> list[list[Any]]:
    """WRES indicator 9 (WDES metric 10) by voting and by executive membership of the board, each
    asked of the rule again; the reason instead where no board member types were imported. Content
    from before board member types has neither and gets no rows."""
    if "board_membership" not in indicators:
        return []
    membership = indicators.get("board_membership")
    if not membership:
        return [[characteristic, f"{board_name}: voting and executive membership",
                 str(indicators.get("board_membership_note") or board_types.NOT_RECORDED), None, None, standard]]
    rows: list[list[Any]] = []
    for key in board_types.MEMBERSHIPS:
        figures: Mapping[str, Any] = membership.get(key) or {}
        withheld = (_withheld(figures.get("count"), figures.get("suppressed"), rule, board_level)
                    or _withheld(figures.get("members"), False, rule, board_level))
        rows.append([characteristic, f"{board_name} ({key} members)",
                     f"{focus}: share of the board's {key} members minus share of the workforce",
                     WITHHELD if withheld else figures.get("gap_points"), None, standard])
    return rows


def _verdict(target: Mapping[str, Any]) -> str:
    """The target's assessment as a short label (planner.diversity.assessment), with the earliest year
    where it cannot be met by its own."""
    found = assessment.assessment_of(target)
    label = assessment.label_of(target)
    if found == assessment.NOT_REACHABLE and target.get("earliest_year"):
        return f"{label} (earliest {target['earliest_year']})"
    return label


def _pool_share(target: Mapping[str, Any]) -> Any:
    """The group's share of the pool, "*" where withheld, None where not known."""
    if target.get("pipeline_withheld"):
        return WITHHELD
    return target.get("pipeline_share")


def _target_words(target: Mapping[str, Any], names: _Names) -> str:
    """The pool the target's appointments come from, and what its assessment says of it."""
    char = str(target["characteristic"])
    group, level = names.group(char, str(target["group"])), names.level(target.get("level"), "All leaders")
    pool_name = str(target.get("pool_name") or "the pool")
    words = assessment.assessment_sentence(target, group, level, pool_name)
    if "pool_name" not in target or target.get("pipeline_share") is None and not target.get("pipeline_withheld"):
        return words
    pool = assessment.pool_sentence(target.get("pipeline_share"), group, pool_name,
                                    source=str(target.get("pipeline_source") or "baseline"),
                                    withheld=bool(target.get("pipeline_withheld")), characteristic=char)
    return f"{pool[0].upper()}{pool[1:]}. {words}"


def _start_withheld(target: Mapping[str, Any], rule: Disclosure) -> bool:
    """Whether a target's starting count is withheld, and with it everything worked out from it."""
    level = target.get("level")
    return _withheld(target.get("baseline_count"), target.get("suppressed"), rule,
                     None if level in (None, "all") else str(level))


def _target_rows(targets: Sequence[Mapping[str, Any]], names: _Names, rule: Disclosure) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for target in targets:
        char = str(target["characteristic"])
        baseline = target.get("baseline_count")
        rows.append([
            names.characteristic(char), names.level(target.get("level"), "All leaders"),
            names.group(char, str(target["group"])),
            WITHHELD if _start_withheld(target, rule) else baseline,
            target.get("target_share"), target.get("target_year"),
            WITHHELD if _start_withheld(target, rule) else target.get("required_share_of_appointments"),
            _pool_share(target), _verdict(target),
        ])
    return rows


def _problems(target: Mapping[str, Any]) -> str:
    return "; ".join(str(p) for p in target.get("problems") or [])


def _trajectory_chart(ws: Worksheet, title: str, header: int, last: int, first_column: int) -> LineChart:
    """Projected share by year against a flat target line, from the trajectory table's cells (the year
    in `first_column`, then the projected and target shares)."""
    chart = LineChart()
    chart.title = chart_title(title)
    chart.y_axis.title = "Share of leaders"
    chart.x_axis.title = "Year"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.height, chart.width = 7.5, CHART_WIDTH
    chart.legend.position = "b"
    chart.add_data(Reference(ws, min_col=first_column + 1, max_col=first_column + 2, min_row=header, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=first_column, min_row=header + 1, max_row=last))
    for series, colour, dash in zip(chart.series, ("005EB8", "DA291C"), ("solid", "dash"), strict=False):
        series.smooth = False
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.graphicalProperties.line.dashStyle = dash
    style_chart_text(chart)
    return chart


def _write_targets(book: Book, ws: Worksheet, row: int, targets: Sequence[Mapping[str, Any]], names: _Names,
                   rule: Disclosure) -> int:
    """The targets, then each target's trajectory: its table, and its chart under the table (for a
    target whose starting count is withheld, the reason instead)."""
    row = book.heading(ws, row, "Targets and the appointments they need")
    row = write_table(book, ws, row, [  # narrower names than the other diversity sheets': six columns of figures
        Column("Characteristic", width=22), Column("Level", width=17), _DIVERSITY_NAMES[2],
        Column("People in the group now", "people", 14), Column("Target share", "percent", FIGURE_WIDTH),
        Column("Target year", "year", FIGURE_WIDTH), Column("Share of appointments needed", "percent", 14),
        Column("Group's share of the pool", "percent", FIGURE_WIDTH), Column("Can it be met?", width=12),
    ], _target_rows(targets, names, rule))
    if targets:
        row = book.note(ws, row - 1, "The pool is the level below the target's (for the bottom level and for all "
                                     "leaders, the whole workforce): fair recruitment appoints in proportion to it. "
                                     "A target needing more than the group's share of the pool is only reachable "
                                     "if the pool itself widens.") + 1
    if any(_problems(t) and t.get("trajectory") for t in targets):
        row = book.note(ws, row - 1, "Problems found in working a target out are noted with its trajectory.") + 1
    if any(_start_withheld(t, rule) for t in targets):
        row = book.note(ws, row - 1, _withheld_note(rule.threshold) + " Where a target's starting count is "
                                     "withheld, nothing worked out from it is shown.") + 1
    charted = 0
    for target in targets:
        char = str(target["characteristic"])
        group, level = names.group(char, str(target["group"])), names.level(target.get("level"), "All leaders")
        row = book.heading(ws, row, f"{group}, {level}: the way to the target")
        if _start_withheld(target, rule):
            row = book.note(ws, row, f"{capitalised(rule.reason)}.") + 1
            continue
        trajectory = target.get("trajectory") or []
        if trajectory:
            row = book.note(ws, row, _target_words(target, names))
        if not trajectory:
            problems = _problems(target) or "there is no forecast to solve it on"
            row = book.note(ws, row, f"Not worked out: {problems}.") + 1
            continue
        if _problems(target):
            row = book.note(ws, row, f"Problems: {_problems(target)}.")
        withheld = _start_withheld(target, rule)
        no_action = {p.get("year"): p.get("share") for p in target.get("no_action") or []}
        rows = [[p.get("year"), p.get("share"), target.get("target_share"), p.get("appointments_from_group"),
                 WITHHELD if withheld else no_action.get(p.get("year"))] for p in trajectory]
        header = row
        row = write_table(book, ws, header, [
            Column("Year", "year"), Column("Projected share", "percent"), Column("Target share", "percent"),
            Column("Appointments from the group each year (expected)", "number", 14),
            Column("Share with no action", "percent", FIGURE_WIDTH),
        ], rows)
        if charted < MAX_TARGET_CHARTS:
            charted += 1
            chart = _trajectory_chart(ws, f"{group}, {level}: projected share against the target",
                                      header, header + len(rows), 1)
            row = book.chart(ws, chart, row)
            with_chart(book, ws)
    if charted < len([t for t in targets if t.get("trajectory")]):
        row = book.note(ws, row, f"Charts are drawn for the first {MAX_TARGET_CHARTS} targets; every target's "
                                 f"figures are in its table.") + 1
    return row


# Characteristic, level and group, as wide on each diversity sheet: with up to three benchmarks, or
# the targets' six columns of figures, they keep the sheet within PAGE_WIDTH.
_DIVERSITY_NAMES = (Column("Characteristic", width=24), Column("Level", width=18), Column("Group", width=28))


def _diversity_intro(scenario: Any, rule: Disclosure | None = None) -> str:
    intro = f" (worked out on the {scenario} scenario)." if scenario else "."
    return f"{intro} {rule.label}." if rule is not None and rule.exact else intro


def write_diversity(book: Book, content: PackContent) -> None:
    """Sheets "Diversity": representation by level against the benchmarks; "Diversity indicators":
    the WRES and WDES indicators; and "Diversity targets": the targets with their trajectories and
    charts. As the content's disclosure rule gives them: exact counts only in content for an internal
    audience, labelled as such."""
    diversity: Mapping[str, Any] = content.get("diversity") or {}
    rule = from_content(content)
    if diversity.get("suppressed") is False and not rule.exact:
        raise ValueError("Unsuppressed diversity figures go only in a pack for an internal audience.")
    names = _Names(content)
    representation: Sequence[Mapping[str, Any]] = diversity.get("representation") or []
    targets: Sequence[Mapping[str, Any]] = diversity.get("targets") or []
    scenario = (diversity.get("scenario") or {}).get("name")
    ws = start_sheet(book, DIVERSITY, "Diversity of our leaders",
                     "How far each group is represented at each leadership level and across all staff, against the "
                     "benchmarks" + _diversity_intro(scenario, rule))
    sources = _benchmark_sources(representation)
    row = book.heading(ws, 3, "Representation by level")
    shown = _representation_rows(representation, sources, names, rule)
    row = write_table(book, ws, row, [
        *_DIVERSITY_NAMES, Column("People in the group", "people", FIGURE_WIDTH),
        Column("Share of the level", "percent", FIGURE_WIDTH),
        Column("Headcount of the level", "people", FIGURE_WIDTH + 1),
        *[Column(f"{BENCHMARK_NAMES.get(s, capitalised(s))} benchmark", "percent", FIGURE_WIDTH + 1) for s in sources],
    ], shown, long=True)
    if any(WITHHELD in values for values in shown):
        book.note(ws, row - 1, _withheld_note(rule.threshold))
    right_align_withheld(ws)
    fit_rows(ws)

    ws = start_sheet(book, INDICATORS, "WRES and WDES indicators",
                     "How far the group each standard watches is represented at each level, and its chance of "
                     "appointment from shortlisting" + _diversity_intro(scenario, rule))
    row = book.heading(ws, 3, "WRES and WDES indicators")
    indicators = _indicator_rows(representation, names, rule)
    if indicators:
        row = write_table(book, ws, row, [
            *_DIVERSITY_NAMES[:2], Column("Measure", width=57),
            Column("Gap (percentage points)", "points", FIGURE_WIDTH + 2),
            Column("Relative likelihood", "ratio", FIGURE_WIDTH), Column("Standard", width=17),
        ], indicators, long=True)
        row = book.note(ws, row - 1, "A gap below zero means the group is less represented at that level than in "
                                     "the whole workforce. A relative likelihood above 1 means shortlisted "
                                     "applicants from the group are less likely to be appointed than others.")
        if any(WITHHELD in values for values in indicators):
            book.note(ws, row, _withheld_note(rule.threshold) + " A gap is withheld with the group's share.")
    else:
        book.note(ws, row, "There are no indicators: they need ethnicity or disability figures.")
    right_align_withheld(ws)
    fit_rows(ws)

    ws = start_sheet(book, DIVERSITY_TARGETS, "Diversity targets",
                     "Each target with the appointments it needs, and the way to it year by year"
                     + _diversity_intro(scenario, rule))
    if targets:
        _write_targets(book, ws, 3, targets, names, rule)
    else:
        book.note(ws, 3, "There are no diversity targets yet.")
    right_align_withheld(ws)
    fit_rows(ws)
