"""Where everything sits on the Live forecast sheet (planner.exports.live_forecast): the rows of each
block and the columns of each input, and the formulas of one output row written over them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl.utils import get_column_letter

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
# Output field -> column number in the row block (1-based), shared with the totals block's sums.
FIELD_COLUMN = {"staff": 4, "demand": 5, "start": 6, "leavers": 7, "promoted_out": 8, "available": 9,
                "vacancies": 10, "ready": 11, "internal_fills": 12, "external_appointments": 13, "end": 14,
                "shortfall_without_recruitment": 15}
LEAVER_RATE_COLUMN = 16  # the row's leaver rate: the area's own for that year, else the level's


def override_or(column: int, row: int, fallback: str) -> str:
    """A formula: the override in this cell where it holds a number, else the fallback."""
    override = f"{get_column_letter(column)}{row}"
    return f"=IF(ISNUMBER({override}),{override},{fallback})"


def absolute(column: int, row: int) -> str:
    """An absolute reference such as $C$12."""
    return f"${get_column_letter(column)}${row}"


def column_range(column: int, first: int, last: int) -> str:
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


_FIELD_LETTER = {name: get_column_letter(col) for name, col in FIELD_COLUMN.items()}  # worked out once


def row_formulas(at: Layout, a: int, i: int, t: int) -> dict[str, str]:
    """The formulas of one row (area a, level i, year t), by output field."""
    c = _FIELD_LETTER
    r = at.row(a, i, t)
    inputs, area_row = at.area_level_row(a, i), at.area_row(a)
    leaders, span = absolute(at.leaders_column, inputs), absolute(at.span_column, inputs)
    posts = absolute(at.posts_column(t), inputs)
    q, f = f"{get_column_letter(LEAVER_RATE_COLUMN)}{r}", absolute(at.fill_used_column, inputs)
    growth = absolute(at.growth_column(t), area_row)
    # S(a,t) = S(a,t-1) * (1 + g(a,t)), the same chain in each level's rows.
    staff = absolute(at.staff_column, area_row) if t == 1 else f"{c['staff']}{r - 1}"
    start = leaders if t == 1 else f"{c['end']}{r - 1}"
    promoted = "0" if i == 0 else f"{c['internal_fills']}{at.row(a, i - 1, t)}"
    if i == len(at.levels) - 1:
        ready, fills = "0", "0"
    else:
        below = at.area_level_row(a, i + 1)
        ready = f"{absolute(at.ready_used_column, below)}*{c['start']}{at.row(a, i + 1, t)}"
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
