"""The people sheets of the board pack: diversity, competencies, self-assessment, objectives and the
gaps no objective owns.

Each writer takes the pack's content (planner.services.board_pack.pack_content) and nothing else,
and writes its sheets through Book, so user text is always text and numbers keep their unrounded
values (only the number format rounds them).

Laid out for print on A4 landscape at no less than Book's smallest scale: every column has a width
planned for its sheet (PAGE_WIDTH in all), long text wraps and its row is made tall enough, charts
sit in column A under the tables they draw, and a table that may run over pages heads a sheet of its
own, its header repeated on every printed page. So a writer's content is split over sheets that
follow one another.

Diversity figures are used as the content holds them, already disclosed for the pack's audience by
the one rule (planner.diversity.disclosure, carried in the content): a withheld count is written as
"*", and so is every share of one. As a second guard, the rule's primary test is applied here again
(published: a count from 1 to the threshold, except at a public level), and content marked as
unsuppressed but not for an internal audience is refused. A target whose starting count is withheld
shows the reason instead of its figures; no target shows projected counts of the group."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from itertools import repeat
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.text import RichText
from openpyxl.chart.title import Title, title_maker
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.diversity import assessment, wres
from planner.diversity import board as board_types
from planner.diversity.disclosure import Disclosure, from_content
from planner.exports.book import RAG_FILLS, ROW_POINTS, WIDEST, Book, Column, align, clean_text, fill

WITHHELD = "*"
DEFAULT_THRESHOLD = 7
DATE_FORMAT = "d mmm yyyy"
MAX_TARGET_CHARTS = 4
MAX_OUTLINE = 7  # Excel's deepest outline level

BENCHMARK_NAMES = {"workforce": "Workforce", "community": "Community", "national": "National"}
STANDARDS = wres.STANDARDS  # (level gap, board gap, relative likelihood): WDES metric 10 for the board
OBJECTIVE_LEVELS = {"strategic": "Strategic", "area": "Area", "team": "Team", "individual": "Individual"}
RAG_ORDER = (("red", "Red"), ("amber", "Amber"), ("green", "Green"), (None, "Not rated"))
RAG_CHART_COLOURS = {"red": "DA291C", "amber": "FFB81C", "green": "009639", None: "AEB7BD"}
SMART_LETTERS = (("S", "Specific"), ("M", "Measurable"), ("A", "Achievable"), ("R", "Relevant"), ("T", "Time-bound"))
WITHHELD_GROUP_REASON = ("Fewer than five responses, or showing it would let a smaller group's answers be worked "
                         "out from the totals. Its answers still count in the figures above.")
HEATMAP_LOW, HEATMAP_HIGH = "FFFFFF", "F8696B"  # white (nobody below) to red (everyone below)

# Sheet names: each group's first sheet, then the sheets it is split over (tables that may run over a
# page need a sheet each, so that the header repeated on printed pages is always their own).
DIVERSITY, INDICATORS, DIVERSITY_TARGETS = "Diversity", "Diversity indicators", "Diversity targets"
COMPETENCIES, HEATMAP, COMPETENCY_GAPS, COMPETENCY_PLAN, UNPLANNED = (
    "Competencies", "Competency heatmap", "Competency gaps", "Competency plan", "Unplanned competency gaps")
SELF_ASSESSMENT, STATEMENTS = "Self-assessment", "Self-assessment statements"
OBJECTIVES, SMART_CHECK, OBJECTIVES_BY_RAG = "Objectives", "Objectives SMART check", "Objectives by RAG"
UNOWNED = "Unowned gaps"

# Arial's advance widths (thousandths of an em; Helvetica's, which Arial and Liberation Sans share),
# to tell where text in a cell wraps. Other characters are taken as wide as a digit.
ARIAL_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~£–—‘’“”…",
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 278, 278, 584, 584,
     584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
     611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222,
     222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 556,
     556, 1000, 222, 222, 333, 333, 1000), strict=True))
TEXT_PIXELS = 11 * 96 / 72 / 1000  # pixels per thousandth of an em of 11 pt text on a 96 dpi screen
INDENT_PIXELS = 10  # one level of a cell's indent
FIT = 0.97  # of a column's room: text within it is taken to fit on a line, allowing for rendering
BOLD = 1.07  # bold Arial is about this much wider
HEADERS = ("Pack table header", "Pack table header number")
# The most column width (characters of the default font) a landscape sheet uses. Book's estimate
# allows about 175 at its smallest scale, but a unit of width is a character of the workbook's
# default font (Calibri): where a reader's LibreOffice lacks Calibri and its metric twin Carlito, it
# measures widths in a wider font and prints about a quarter smaller. At 140 the body text still
# prints at 8 pt or more there, and at full size where the font is present.
PAGE_WIDTH = 140
FIGURE_WIDTH = 11  # a column of figures: wide enough for "100.0%" or "£1,234,567"; its heading wraps
CHART_WIDTH = 17.0  # centimetres: under the tables, within a landscape page at the smallest scale
CHART_TEXT = 1100  # hundredths of a point: chart labels as large as the tables' text
SURVEY_TEXT = 40  # characters: the widest the Self-assessment sheet's first column grows before it wraps
SURVEY_FIGURE = 12  # a column of scores: with seven dimensions and the first column, within PAGE_WIDTH


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


def _chart_text(chart: Any) -> None:
    """Axis titles, tick labels and legend at the tables' size, so a chart reads once printed at
    the sheet's scale."""
    for axis, name in ((chart.x_axis, chart.x_axis.title), (chart.y_axis, chart.y_axis.title)):
        if isinstance(name, str):
            axis.title = _chart_title(name, CHART_TEXT)
        axis.txPr = _rich_text()
    if chart.legend is not None:
        chart.legend.txPr = _rich_text()


def _rich_text() -> RichText:
    properties = CharacterProperties(sz=CHART_TEXT)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=properties), endParaRPr=properties)])


def _with_chart(book: Book, ws: Worksheet) -> None:
    """Print the chart just placed on the same page as the table above it, where they fit together
    (Book keeps each on a page of its own, the chart perhaps on the next)."""
    blocks = book.blocks.get(ws.title) or []
    if len(blocks) >= 2 and not blocks[-2][2]:
        blocks[-2:] = [(blocks[-2][0], blocks[-1][1], False)]


def _table(book: Book, ws: Worksheet, top: int, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
           long: bool = False, widest: int = WIDEST, autofilter: bool | None = None) -> int:
    """A table through Book; returns the row after it (one blank row left). A `long` table may run
    over pages: it gets the filter, and its header is repeated on every printed page and frozen on
    screen. Each heads a sheet of its own (under the sheet's title and note), so every printed page
    of the sheet shows its header and the frozen rows leave the window free."""
    return book.table(ws, top, columns, rows, long=long, widest=widest,
                      autofilter=long if autofilter is None else autofilter)


def _pixels(text: str, bold: bool = False) -> float:
    return sum(map(ARIAL_WIDTHS.get, text, repeat(556))) * TEXT_PIXELS * (BOLD if bold else 1.0)


def wrapped_lines(text: str, width: float, indent: int = 0, *, bold: bool = False) -> int:
    """The lines `text` in 11 pt Arial takes in a column `width` characters wide (of the default
    font, 7 pixels each and 5 more) with `indent` levels of indent, wrapped at spaces as spreadsheet
    programs wrap it."""
    room = max((7 * width + 5 - 4 - indent * INDENT_PIXELS) * FIT, 20.0)  # less the cell's padding
    if "\n" not in text and _pixels(text, bold) <= room:
        return 1  # all of it fits on one line (its blanks are at least as wide as the spaces counted below)
    space = _pixels(" ")
    lines = 0
    for paragraph in text.split("\n"):
        used, count = 0.0, 1
        for word in paragraph.split():
            size = _pixels(word, bold)
            if used and used + space + size <= room:
                used += space + size
                continue
            if used:
                count += 1
            used = size
            while used > room:  # a word longer than a line breaks where it must
                count, used = count + 1, used - room
        lines += count
    return lines


def _style(cell: Any) -> StyleArray:
    """The cell's style array, made as openpyxl's style properties make it when it has none."""
    if not cell._style:  # noqa: SLF001
        cell._style = StyleArray()  # noqa: SLF001
    return cell._style  # noqa: SLF001


def fit_rows(ws: Worksheet, first: int = 1) -> None:
    """Wrap the text of table cells that is wider than its column, and make each row just tall enough
    to show it, and each table's header row tall enough for its headings: run once the sheet's column
    widths are final (spreadsheet programs do not grow a row for text they did not type themselves,
    and print what does not fit cut off)."""
    widths = {letter: dimension.width for letter, dimension in ws.column_dimensions.items()}
    # The cells' named styles and alignments read from their style arrays by index, as openpyxl's
    # cell.style and cell.alignment do, without building a list of names or a proxy each time.
    names = ws.parent._named_styles.names  # noqa: SLF001
    alignments = ws.parent._alignments  # noqa: SLF001
    letters: dict[int, str] = {}
    for row in ws.iter_rows(min_row=first):
        lines, text = 1, False
        # A table row's rule under it: the border of its first plain text cell.
        ruled = next((_style(c).borderId for c in row if names[_style(c).xfId] == "Pack text"), None)
        for cell in row:
            value = cell._value  # noqa: SLF001
            if not isinstance(value, str):
                continue
            style = _style(cell)
            name = names[style.xfId]
            alignment = alignments[style.alignmentId]
            letter = letters.get(cell.column) or letters.setdefault(cell.column, cell.column_letter)
            if name in HEADERS and not alignment.text_rotation:
                need = wrapped_lines(value, widths.get(letter) or 8.43, bold=True)
                dimension = ws.row_dimensions[cell.row]
                dimension.height = max(dimension.height or ROW_POINTS, ROW_POINTS * need + 2)
            if name not in ("Pack text", "Pack paragraph"):
                continue
            text = True
            if ruled is not None and name == "Pack paragraph":
                style.borderId = ruled  # Book's long text has no rule: draw the row's (cell.border = copy(it))
            need = wrapped_lines(value, widths.get(letter) or 8.43, int(alignment.indent or 0))
            if need > 1 and not alignment.wrap_text:
                align(cell, horizontal=alignment.horizontal, vertical="top", wrap_text=True, indent=alignment.indent)
            lines = max(lines, need)
        if text:  # as tall as its text at the final widths (Book's guess used the widest a column may be)
            ws.row_dimensions[row[0].row].height = ROW_POINTS * lines if lines > 1 else None


def _right_header(ws: Worksheet, book: Book, row: int, column: int) -> None:
    """A heading set right, over a column of dates or other figures Book takes for text."""
    book.style(ws.cell(row=row, column=column), "Pack table header number")


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
    chart.title = _chart_title(title)
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
    _chart_text(chart)
    return chart


def _write_targets(book: Book, ws: Worksheet, row: int, targets: Sequence[Mapping[str, Any]], names: _Names,
                   rule: Disclosure) -> int:
    """The targets, then each target's trajectory: its table, and its chart under the table (for a
    target whose starting count is withheld, the reason instead)."""
    row = book.heading(ws, row, "Targets and the appointments they need")
    row = _table(book, ws, row, [  # narrower names than the other diversity sheets': six columns of figures
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
            row = book.note(ws, row, f"{_capital(rule.reason)}.") + 1
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
        row = _table(book, ws, header, [
            Column("Year", "year"), Column("Projected share", "percent"), Column("Target share", "percent"),
            Column("Appointments from the group each year (expected)", "number", 14),
            Column("Share with no action", "percent", FIGURE_WIDTH),
        ], rows)
        if charted < MAX_TARGET_CHARTS:
            charted += 1
            chart = _trajectory_chart(ws, f"{group}, {level}: projected share against the target",
                                      header, header + len(rows), 1)
            row = book.chart(ws, chart, row)
            _with_chart(book, ws)
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


def write_diversity(book: Book, content: Mapping[str, Any]) -> None:
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
    ws = _start(book, DIVERSITY, "Diversity of our leaders",
                "How far each group is represented at each leadership level and across all staff, against the "
                "benchmarks" + _diversity_intro(scenario, rule))
    sources = _benchmark_sources(representation)
    row = book.heading(ws, 3, "Representation by level")
    shown = _representation_rows(representation, sources, names, rule)
    row = _table(book, ws, row, [
        *_DIVERSITY_NAMES, Column("People in the group", "people", FIGURE_WIDTH),
        Column("Share of the level", "percent", FIGURE_WIDTH),
        Column("Headcount of the level", "people", FIGURE_WIDTH + 1),
        *[Column(f"{BENCHMARK_NAMES.get(s, _capital(s))} benchmark", "percent", FIGURE_WIDTH + 1) for s in sources],
    ], shown, long=True)
    if any(WITHHELD in values for values in shown):
        book.note(ws, row - 1, _withheld_note(rule.threshold))
    _right_align_withheld(ws)
    fit_rows(ws)

    ws = _start(book, INDICATORS, "WRES and WDES indicators",
                "How far the group each standard watches is represented at each level, and its chance of "
                "appointment from shortlisting" + _diversity_intro(scenario, rule))
    row = book.heading(ws, 3, "WRES and WDES indicators")
    indicators = _indicator_rows(representation, names, rule)
    if indicators:
        row = _table(book, ws, row, [
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
    _right_align_withheld(ws)
    fit_rows(ws)

    ws = _start(book, DIVERSITY_TARGETS, "Diversity targets",
                "Each target with the appointments it needs, and the way to it year by year"
                + _diversity_intro(scenario, rule))
    if targets:
        _write_targets(book, ws, 3, targets, names, rule)
    else:
        book.note(ws, 3, "There are no diversity targets yet.")
    _right_align_withheld(ws)
    fit_rows(ws)


# --- 2. Competencies ------------------------------------------------------------------------------


def _competency_names(competencies: Mapping[str, Any]) -> dict[str, str]:
    return {str(c["key"]): _text(c.get("name"), str(c["key"])) for c in competencies.get("competencies") or []}


def write_competencies(book: Book, content: Mapping[str, Any]) -> None:
    """Sheets "Competencies": the step each level needs in each competency; "Competency heatmap": the
    share of assessed leaders below it; "Competency gaps": the gaps, largest first; "Competency plan":
    the development plan with its cost; and "Unplanned competency gaps": the gaps the plan does not
    reach."""
    competencies: Mapping[str, Any] = content.get("competencies") or {}
    levels = _level_names(content)
    comp_names = _competency_names(competencies)
    frameworks = {str(c["key"]): c.get("framework") for c in competencies.get("competencies") or []}
    rows: Sequence[Mapping[str, Any]] = competencies.get("competencies") or []

    def competency(key: Any) -> str:
        return comp_names.get(str(key), str(key))

    def level(key: Any) -> str:
        return levels.get(str(key), str(key))

    # Each competency's framework, domain and name share what a column of figures for each level leaves.
    text = max(PAGE_WIDTH - FIGURE_WIDTH * len(levels), 66)
    named = [Column("Framework", width=round(text * 0.37)), Column("Domain", width=round(text * 0.33)),
             Column("Competency", width=text - round(text * 0.37) - round(text * 0.33))]
    ws = _start(book, COMPETENCIES, "Leadership competencies",
                "The step each level needs in each competency. How many leaders are below it, and the "
                "development plan that will close the gaps, are on the sheets that follow.")
    row = book.heading(ws, 3, "Required step by competency and level")
    row = _table(book, ws, row, [*named, *[Column(name, "step", FIGURE_WIDTH) for name in levels.values()]],
                 [[c.get("framework"), c.get("domain"), competency(c["key"]),
                   *[(c.get("required") or {}).get(key) for key in levels]] for c in rows], long=True)
    book.note(ws, row - 1, "A blank means the level has no required step in that competency.")
    fit_rows(ws)

    gaps: Sequence[Mapping[str, Any]] = competencies.get("gaps") or []
    share_below = {(str(g["competency"]), str(g["level"])): g.get("share_below") for g in gaps}
    ws = _start(book, HEATMAP, "Where leaders fall short",
                "The share of assessed leaders at each level below the step required in each competency.")
    header = book.heading(ws, 3, "Share of assessed leaders below the required step")
    row = _table(book, ws, header, [*named, *[Column(name, "percent", FIGURE_WIDTH) for name in levels.values()]],
                 [[c.get("framework"), c.get("domain"), competency(c["key"]),
                   *[share_below.get((str(c["key"]), key)) for key in levels]] for c in rows], long=True)
    if rows and levels:
        cells = f"D{header + 1}:{get_column_letter(3 + len(levels))}{header + len(rows)}"
        ws.conditional_formatting.add(cells, ColorScaleRule(
            start_type="num", start_value=0, start_color=HEATMAP_LOW,
            end_type="num", end_value=1, end_color=HEATMAP_HIGH))
    book.note(ws, row - 1, "White: every assessed leader meets the step; red: none does. A blank means "
                           "nobody at that level has been assessed, or no step is required.")
    fit_rows(ws)

    listed = sorted((g for g in gaps if (g.get("below_required") or 0) > 0),
                    key=lambda g: (g.get("share_below") is None, -(g.get("share_below") or 0.0)))
    ws = _start(book, COMPETENCY_GAPS, "Competency gaps, largest first",
                "Each competency and level where assessed leaders are below the required step, the largest "
                "share first.")
    row = book.heading(ws, 3, "Gaps, largest first")
    if listed:
        _table(book, ws, row, [
            Column("Framework", width=30), Column("Level", width=20), Column("Competency", width=40),
            Column("Required step", "step", FIGURE_WIDTH), Column("Leaders assessed", "people", FIGURE_WIDTH),
            Column("Leaders below the step", "people", FIGURE_WIDTH), Column("Share below", "percent", FIGURE_WIDTH),
        ], [[frameworks.get(str(g["competency"])), level(g["level"]), competency(g["competency"]), g.get("required"),
             g.get("assessed"), g.get("below_required"), g.get("share_below")] for g in listed], long=True)
    else:
        book.note(ws, row, "Every assessed leader meets the required step.")
    fit_rows(ws)

    ws = _start(book, COMPETENCY_PLAN, "Competency development plan",
                "The interventions that will close the gaps and what they cost each year. The gaps no "
                "intervention reaches yet are on the next sheet.")
    row = book.heading(ws, 3, "Development plan")
    interventions: Sequence[Mapping[str, Any]] = competencies.get("interventions") or []
    if interventions:
        row = _table(book, ws, row, [
            Column("Intervention", width=36), Column("Kind", width=18), Column("Years", width=14),
            Column("Places each year", "people", FIGURE_WIDTH), Column("Cost per place", "money", FIGURE_WIDTH),
            Column("Cost each year it runs", "money", FIGURE_WIDTH),
            Column("Competency and level pairs it develops", "people", 14),
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
        row = _table(book, ws, row, [Column("Year", "year"), Column("Cost", "money", FIGURE_WIDTH)], cost_rows)
        book.style(ws.cell(row=row - 2, column=1), "Pack label")  # the total row ("Total": not user text)
        ws.cell(row=row - 2, column=1).alignment = Alignment(horizontal="right", vertical="top")
    fit_rows(ws)

    unaddressed: Sequence[Mapping[str, Any]] = competencies.get("unaddressed") or []
    ws = _start(book, UNPLANNED, "Gaps the plan does not reach",
                "The competencies and levels where leaders are below the required step and no intervention "
                "develops them yet." if unaddressed else "The plan reaches every gap.")
    row = book.heading(ws, 3, "Gaps the plan does not reach")
    if unaddressed:
        _table(book, ws, row, [Column("Framework", width=36), Column("Level", width=20), Column("Competency", width=46),
                               Column("Leaders below the step", "people", FIGURE_WIDTH)],
               [[frameworks.get(str(g["competency"])), level(g["level"]), competency(g["competency"]),
                 g.get("below_required")] for g in unaddressed], long=True)
    else:
        book.note(ws, row, "The plan reaches every gap.")
    fit_rows(ws)


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
        Column("Dimension"), Column("Mean (1 to 5)", "number", SURVEY_FIGURE),
        Column("Standard deviation", "number", SURVEY_FIGURE), Column("Share agreeing", "percent", SURVEY_FIGURE),
        Column("Answers", "people", SURVEY_FIGURE),
    ], [[d.get("name", d.get("key")), d.get("mean"), d.get("sd"), d.get("share_agree"), d.get("n")]
        for d in dimensions], widest=SURVEY_TEXT)
    groups: Sequence[Mapping[str, Any]] = survey.get("groups") or []
    comparison = _text(survey.get("comparison_group"), "the comparison group")
    if groups:
        row = book.heading(ws, row, "Mean score by group (1 to 5)", "Pack label")
        by_dimension = [Column(_text(d.get("name"), _text(d.get("key"))), "number", SURVEY_FIGURE)
                        for d in dimensions]
        row = _table(book, ws, row, [Column("Group"), Column("Responses", "people", SURVEY_FIGURE), *by_dimension],
                     [[g.get("group"), g.get("responses"),
                       *[(g.get("dimensions") or {}).get(d.get("key")) for d in dimensions]] for g in groups],
                     widest=SURVEY_TEXT)
        row = book.heading(ws, row, f"Difference from {comparison} (points on the 1 to 5 scale; above 0 is "
                                    f"more positive)", "Pack label")
        row = _table(book, ws, row, [Column("Group"), Column("Responses", "people", SURVEY_FIGURE), *by_dimension],
                     [[g.get("group"), g.get("responses"),
                       *[(g.get("gaps") or {}).get(d.get("key")) for d in dimensions]] for g in groups],
                     widest=SURVEY_TEXT)
    withheld: Sequence[Any] = survey.get("withheld_groups") or []
    if withheld:
        row = book.heading(ws, row, "Groups not shown on their own", "Pack label")
        row = _table(book, ws, row, [Column("Group")], [[name] for name in withheld], widest=SURVEY_TEXT)
        row = book.note(ws, row - 1, WITHHELD_GROUP_REASON) + 1  # why, under the groups it is true of
    return row


def _statement_rows(surveys: Sequence[Mapping[str, Any]], named: bool) -> list[list[Any]]:
    """Each survey's statements, most disagreement (largest standard deviation) first, with the
    survey's name first where more than one survey is shown."""
    rows: list[list[Any]] = []
    for survey in surveys:
        items = sorted(survey.get("items") or [], key=lambda i: (i.get("sd") is None, -(i.get("sd") or 0.0)))
        for i in items:
            rows.append([*([survey.get("name")] if named else []), i.get("text", i.get("key")), i.get("mean"),
                         i.get("sd"), i.get("share_agree"), i.get("n")])
    return rows


def write_self_assessment(book: Book, content: Mapping[str, Any]) -> None:
    """Sheets "Self-assessment": each survey's responses and, with enough of them, its scores by
    dimension and its groups against the comparison group; and "Self-assessment statements": every
    statement's scores, most disagreement first."""
    surveys: Sequence[Mapping[str, Any]] = content.get("self_assessment") or []
    ws = _start(book, SELF_ASSESSMENT, "Collective leadership self-assessment",
                "What leaders, staff and partners said in each self-assessment survey, by dimension and group; "
                "results are shown only once five people have answered.")
    row = book.heading(ws, 3, "Surveys")
    row = _table(book, ws, row, [Column("Survey"), Column("Status", width=SURVEY_FIGURE),
                                 Column("Responses", "people", SURVEY_FIGURE),
                                 Column("Results shown", width=SURVEY_FIGURE)],
                 [[s.get("name"), _capital(s.get("status")), s.get("responses"), bool(s.get("enough"))]
                  for s in surveys], autofilter=True, widest=SURVEY_TEXT)
    if not surveys:
        book.note(ws, row, "There are no self-assessment surveys yet.")
    for survey in surveys:
        row = book.heading(ws, row, _text(survey.get("name"), "Survey"))
        row = book.note(ws, row, f"{_capital(survey.get('status'))}: {survey.get('responses') or 0} responses.")
        if not survey.get("enough"):
            row = book.note(ws, row, "Results are withheld until five people have answered, so that no one's "
                                     "answers can be picked out.") + 1
            continue
        row = book.note(ws, row, f"Its statements are on the {STATEMENTS} sheet.")
        row = _survey_results(book, ws, row + 1, survey)
    fit_rows(ws)

    shown = [s for s in surveys if s.get("enough")]
    named = len(shown) > 1
    ws = _start(book, STATEMENTS, "Self-assessment statements",
                "How far people agreed with each statement, most disagreement (the largest standard deviation) "
                "first" + ("." if named or not shown else f": {_text(shown[0].get('name'), 'the survey')}."))
    row = book.heading(ws, 3, "Statements, most disagreement first (largest standard deviation)")
    if shown:
        _table(book, ws, row, [
            *([Column("Survey", width=26)] if named else []), Column("Statement", width=60 if named else 80),
            Column("Mean (1 to 5)", "number", SURVEY_FIGURE), Column("Standard deviation", "number", SURVEY_FIGURE),
            Column("Share agreeing", "percent", SURVEY_FIGURE), Column("Answers", "people", SURVEY_FIGURE),
        ], _statement_rows(shown, named), long=True)
    else:
        book.note(ws, row, "No survey has enough answers to show its statements yet.")
    fit_rows(ws)


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
    row = _table(book, ws, header, [Column("RAG status", width=14), Column("Objectives", "people")],
                 [[label, counts[key]] for key, label in RAG_ORDER], autofilter=False)
    for offset, (key, _label) in enumerate(RAG_ORDER, start=1):
        fill = RAG_FILLS.get(_text(key))
        if fill:
            ws.cell(row=header + offset, column=1).fill = PatternFill("solid", fgColor=fill)
    last = header + len(RAG_ORDER)
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
    chart.height, chart.width = 7.5, 15
    _chart_text(chart)
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
    _with_chart(book, ws)
    return row


def write_objectives(book: Book, content: Mapping[str, Any]) -> None:
    """Sheets "Objectives": the cascade in tree order, folding by level, with progress and RAG;
    "Objectives SMART check": each objective's SMART check and why it is not yet SMART; and
    "Objectives by RAG": a count of objectives per RAG status with its chart."""
    objectives: Mapping[str, Any] = content.get("objectives") or {}
    rows: Sequence[Mapping[str, Any]] = objectives.get("rows") or []
    ws = _start(book, OBJECTIVES, "Objectives cascade",
                "Every objective from the board's down to teams and individuals, with its progress and RAG "
                "rating; use the outline buttons on the left to fold the levels away. The SMART check of each "
                "is on the next sheet.")
    header = book.heading(ws, 3, "The cascade")
    _table(book, ws, header, [
        Column("Ref", width=9), Column("Objective", width=37), Column("Level", width=10),
        Column("Area", width=19), Column("Owner", width=16), Column("Weight", "number", 8), Column("Due", width=12),
        Column("Progress", "percent", 10), Column("Progress rolled up", "percent", 10), Column("RAG", width=9),
    ], [[
        o.get("ref"), o.get("title"), OBJECTIVE_LEVELS.get(str(o.get("level")), _capital(o.get("level"))),
        o.get("area"), o.get("owner"), o.get("weight"), _due(o.get("due")), o.get("progress"),
        o.get("rolled_up_progress"), dict(RAG_ORDER).get(o.get("rag"), "Not rated"),
    ] for o in rows], long=True)
    _right_header(ws, book, header, 7)  # dates, set right like the figures
    rag_column = 10
    deepest = _objective_rows(ws, header, rows, 2)
    for offset, objective in enumerate(rows, start=1):
        row = header + offset
        ws.row_dimensions[row].outlineLevel = min(max(int(objective.get("depth") or 0), 0), MAX_OUTLINE)
        due = ws.cell(row=row, column=7)
        if isinstance(due.value, date):
            due.number_format = DATE_FORMAT
            align(due, horizontal="right", vertical="top")
        colour = RAG_FILLS.get(_text(objective.get("rag")))
        if colour:
            fill(ws.cell(row=row, column=rag_column), colour)
    ws.sheet_properties.outlinePr.summaryBelow = False  # a parent row sits above its children
    ws.sheet_format.outlineLevelRow = deepest
    if not rows:
        book.note(ws, header + 2, "There are no objectives yet.")
    fit_rows(ws)

    ws = _start(book, SMART_CHECK, "Are the objectives SMART?",
                "Each objective checked against the SMART test ("
                + ", ".join(f"{letter} {name.lower()}" for letter, name in SMART_LETTERS)
                + "; ✓ met, ✗ not yet), and what would make it so.")
    header = book.heading(ws, 3, "SMART check")
    first_letter = 3
    _table(book, ws, header, [  # a letter over each narrow column, spelt out in the note above
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

    ws = _start(book, OBJECTIVES_BY_RAG, "Objectives by RAG status",
                "How many objectives are rated red, amber and green, and how many are not rated yet.")
    ws.page_setup.orientation = "portrait"
    row = book.heading(ws, 3, "Objectives by RAG status")
    _rag_counts(book, ws, row, rows)


# --- 5. Unowned gaps ------------------------------------------------------------------------------


def write_unowned(book: Book, content: Mapping[str, Any]) -> None:
    """Sheet "Unowned gaps": the gaps the board found that no objective is linked to yet."""
    unowned: Sequence[Mapping[str, Any]] = (content.get("objectives") or {}).get("unowned") or []
    if not unowned:
        _start(book, UNOWNED, "Gaps with no objective",
               "Every gap the board found (diversity targets, competency gaps and the rest) has at least one "
               "objective linked to it.")
        return
    ws = _start(book, UNOWNED, "Gaps with no objective",
                "These are the gaps the board found that no objective is linked to yet, so no one owns closing them.")
    comp_names = _competency_names(content.get("competencies") or {})
    _table(book, ws, 4, [Column("Kind of gap", width=20), Column("Gap", width=80)],
           [[_capital(g.get("kind")), _unowned_label(g, comp_names)] for g in unowned], long=True, widest=80)
    fit_rows(ws)


def _unowned_label(gap: Mapping[str, Any], comp_names: Mapping[str, str]) -> str:
    """The gap's label, with a competency gap's competency key (which starts it) shown by its name."""
    label = _text(gap.get("label"))
    if gap.get("kind") == "competency gap":
        key, at, rest = label.partition(" at ")
        if at and key in comp_names:
            return f"{comp_names[key]} at {rest}"
    return label
