"""Reading a funded establishment (CSV or XLSX) for the Baseline step and `planner import-establishment`:
one row per area and level with the columns `area` (code or name), `level` (key or name) and `posts`,
and optionally one column per forecast year headed by its calendar year (2027, 2028...), whose figures
replace `posts` in those years. All or nothing, with the staff import's safety limits; each problem is
reported by row and column (docs/establishment.md)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from typing import cast

from planner.imports.columns import Headings, find_heading_row, normalise
from planner.imports.files import ImportRefused, Limits
from planner.imports.rows import UNKNOWN_PLACE, Problems, ReadResult, Records, look_up, more_than, open_rows
from planner.imports.values import AreaLookup, cell_text, shown

__all__ = ["COLUMNS", "KINDS", "EstablishmentResult", "parse_posts", "read_establishment"]

KINDS = ("unknown area", "unknown level", "bad posts", "missing value", "repeated")
# Our column -> the headings recognised for it (as normalise() spells them), the first being its own name.
COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area", "areacode", "areaname"),
    "level": ("level", "leadershiplevel", "levelkey"),
    "posts": ("posts", "establishment", "fundedposts", "fundedestablishment"),
}
_YEAR = re.compile(r"^(?:fy|year)?\s*(\d{4})(?:\.0+)?$", re.IGNORECASE)
_WHOLE = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+$|^[0-9]+(?:\.0+)?$")

Posts = int | tuple[int, ...]


def parse_posts(value: object, most: int) -> int | str:
    """A number of posts from 12, 12.0, '12' or '1,200'; else the problem in words."""
    if isinstance(value, bool):
        return "is not a number of posts"
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return "is not a number of posts"
        if not float(value).is_integer():
            return "is not a whole number of posts (count posts, not whole-time equivalents)"
        number = int(value)
    else:
        text = cell_text(value)
        if re.fullmatch(r"-\s*[0-9.,]+", text):
            return "is negative: posts are 0 or more"
        if re.fullmatch(r"[0-9]*\.[0-9]+", text) and not _WHOLE.match(text):
            return "is not a whole number of posts (count posts, not whole-time equivalents)"
        if not _WHOLE.match(text) or len(text) > 20:
            return "is not a number of posts"
        number = int(float(text.replace(",", "")))
    if number < 0:
        return "is negative: posts are 0 or more"
    if number > most:
        return f"is more than {most:,} posts"
    return number


@dataclass
class _Columns(Headings):
    years: dict[int, int]  # calendar year -> column


@dataclass
class EstablishmentResult(ReadResult):
    """Funded posts per (area code, level key), and every problem that stops the import."""

    posts: dict[tuple[str, str], Posts]
    year_columns: list[int]

    @property
    def importable(self) -> bool:
        """No problems at all, and at least one figure read."""
        return not self.problem_totals and bool(self.posts)


def read_establishment(
    data: bytes,
    filename: str,
    *,
    areas: Mapping[str, str],
    levels: Mapping[str, str],
    start_year: int,
    horizon: int,
    most: int,
    sheet: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so one shared default is safe)
) -> EstablishmentResult:
    """Read the file held in memory; ImportRefused (one sentence) if it cannot be read at all.

    `areas` maps area codes and names to codes, `levels` level keys and names to keys, matched ignoring
    case, spaces and punctuation; year columns must be forecast years (start_year + 1 .. + horizon)."""
    forecast_years = list(range(start_year + 1, start_year + horizon + 1))

    def accept(cells: list[str]) -> _Columns | str:
        keys = [normalise(cell) for cell in cells]
        index: dict[str, int] = {}
        for ours, names in COLUMNS.items():
            for name in names:  # best first: a file with both 'Area' and 'Area Name' is read by 'Area'
                found = [i for i, k in enumerate(keys) if k == name]
                if len(found) > 1:
                    return f"The file has more than one '{ours}' column: rename or remove one of them."
                if found:
                    index[ours] = found[0]
                    break
        years: dict[int, int] = {}
        for i, cell in enumerate(cells):
            match = _YEAR.match(cell.strip())
            if match and i not in index.values():
                year = int(match.group(1))
                if year in years:
                    return f"The file has more than one column for {year}: remove one of them."
                years[year] = i
        missing = [ours for ours in ("area", "level") if ours not in index]
        if missing or ("posts" not in index and not years):
            what = missing[0] if missing else "posts"
            return f"The file has no '{what}' column."
        outside = [y for y in years if y not in forecast_years]
        if outside:
            return (f"The column '{outside[0]}' is not a forecast year: the forecast runs from {forecast_years[0]} "
                    f"to {forecast_years[-1]}.")
        headings, ignored = Headings.parts(cells, index, {str(year): i for year, i in years.items()})
        return _Columns(index, headings, ignored, dict(sorted(years.items())))

    lookups = {"area": AreaLookup(areas).code, "level": AreaLookup(levels).code}
    unknown = UNKNOWN_PLACE
    posts: dict[tuple[str, str], Posts] = {}
    first_row: dict[tuple[str, str], int] = {}

    kind, rows, empty = open_rows(data, filename, sheet, limits)
    with closing(rows):
        columns = find_heading_row(rows, accept, empty=empty)
        problem = Problems(columns.headings)
        used = [(ours, i) for ours, i in columns.index.items()] + [(str(y), i) for y, i in columns.years.items()]
        records = Records(rows, used, most=limits.max_rows,
                          too_many=more_than(limits.max_rows, "rows"))
        for number, raw, text in records:
            before = problem.count()
            found = look_up(number, text, lookups, unknown, problem)

            read = {ours: parse_posts(raw[ours], most) for ours in raw if ours not in lookups and text[ours]}
            for ours, figure in read.items():
                if isinstance(figure, str):
                    problem(number, ours, "bad posts", f"{shown(text[ours])} {figure}.")
            good = {ours: figure for ours, figure in read.items() if isinstance(figure, int)}
            every = good.get("posts")
            yearly = {year: good.get(str(year)) for year in columns.years}
            if "posts" in columns.index and not text["posts"] and not any(text[str(y)] for y in columns.years):
                problem(number, "posts", "missing value", "No posts are given.")
            elif problem.count() == before:
                gaps = [year for year in forecast_years if yearly.get(year) is None and every is None]
                if gaps:
                    where = "posts" if "posts" in columns.index else str(next(iter(columns.years)))
                    problem(number, where, "missing value",
                            f"No posts are given for {', '.join(str(y) for y in gaps)}: give posts for every "
                            "forecast year, or a figure in the posts column for the years left empty.")
            if problem.count() == before:
                place = (found["area"], found["level"])
                if place in first_row:
                    problem(number, "level", "repeated",
                            f"{shown(text['area'])} at {shown(text['level'])} is given twice (first on row "
                            f"{first_row[place]}).")
                    continue
                first_row[place] = number
                figures = tuple(every if yearly.get(year) is None else yearly[year] for year in forecast_years)
                # No gap is left here: a year without a figure was a problem above.
                whole = cast("tuple[int, ...]", figures)
                posts[place] = whole[0] if len(set(whole)) == 1 else whole
    if records.read == 0:
        raise ImportRefused("The file has column headings but no rows of posts.")
    return EstablishmentResult(
        file_kind=kind,
        rows_read=records.read,
        posts=dict(sorted(posts.items())),
        problems=problem.found,
        problem_totals=problem.totals_of(KINDS),
        ignored_columns=columns.ignored,
        year_columns=list(columns.years),
    )
