"""Reading a succession register (CSV or XLSX) for the Succession page and `planner import-succession`:
one row per area and level, with the columns `area`, `level`, `critical roles`, `ready now`, `ready 1-2
years` and `ready 3-5 years`, and optionally one column per diversity group of the successor pool, headed
`characteristic:group` by their keys (`ethnicity:bme`, `sex:female`). Counts only: a column of names is
never read. All or nothing, with the staff import's safety limits; each problem is reported by row and
column. The rules of a row are planner.succession's, as on the page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass

from planner.diversity.characteristics import CHARACTERISTICS
from planner.imports.columns import Headings, columns_named, find_heading_row, normalise
from planner.imports.files import ImportRefused, Limits
from planner.imports.rows import UNKNOWN_PLACE, Problems, ReadResult, Records, look_up, more_than, open_rows
from planner.imports.values import AreaLookup, cell_text, shown
from planner.succession import FIGURES, POOL_COLUMNS, pool_column, row_problems

__all__ = ["COLUMNS", "KINDS", "RegisterRow", "SuccessionResult", "parse_count", "read_succession"]

KINDS = ("unknown area", "unknown level", "missing value", "bad number", "duplicate row", "overlapping area",
         "does not add up")
# Our column -> the headings recognised for it (as normalise() spells them), the first being its own name.
COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area",),
    "level": ("level", "leadershiplevel"),
    "critical_roles": ("criticalroles", "critical", "roles"),
    "ready_now": ("readynow", "now"),
    "ready_1_2": ("ready12years", "ready12", "ready1to2years", "12years", "1to2years"),
    "ready_3_5": ("ready35years", "ready35", "ready3to5years", "35years", "3to5years"),
}
HEADINGS = {"area": "area", "level": "level", "critical_roles": "critical roles", "ready_now": "ready now",
            "ready_1_2": "ready 1-2 years", "ready_3_5": "ready 3-5 years"}
# Optional columns of the successor pool: 'ethnicity:bme' (or 'Ethnicity BME'), read by normalise().
POOL_HEADINGS = {normalise(pool_column(c, g)): (c, g) for c, g in POOL_COLUMNS}
_WHOLE = re.compile(r"^\d{1,3}(,\d{3})*$|^\d+$")


def parse_count(value: object) -> int | None:
    """A whole number of 0 or more from 3, 3.0, '3' or '1,200'; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 <= value < 10**12 else None
    text = cell_text(value)
    if len(text) > 15 or not _WHOLE.match(text):
        return None
    return int(text.replace(",", ""))


@dataclass
class _Columns(Headings):
    pool: dict[int, tuple[str, str]]  # column position -> (characteristic, group)


def _accept(cells: list[str]) -> _Columns | str:
    keys = [normalise(cell) for cell in cells]
    index = columns_named(keys, COLUMNS, label=HEADINGS)
    if isinstance(index, str):
        return index
    pool: dict[int, tuple[str, str]] = {}
    for i, key in enumerate(keys):
        if key in POOL_HEADINGS:
            if POOL_HEADINGS[key] in pool.values():
                return f"The file has more than one '{cells[i][:60]}' column: rename or remove one of them."
            pool[i] = POOL_HEADINGS[key]
    headings, ignored = Headings.parts(cells, index, {pool_column(*pair): i for i, pair in pool.items()})
    return _Columns(index, headings, ignored, pool)


@dataclass(frozen=True)
class RegisterRow:
    """One row of the register as read: the area's code, the level's key, its figures and its pool."""

    area: str
    level: str
    figures: Mapping[str, int]
    pool: Mapping[str, Mapping[str, int]]  # characteristic -> group -> successors (only those recorded)


@dataclass
class SuccessionResult(ReadResult):
    """The register's rows, and every problem that stops the import."""

    rows: list[RegisterRow]

    @property
    def importable(self) -> bool:
        """No problems at all (all or nothing)."""
        return not self.problem_totals and bool(self.rows)


def read_succession(
    data: bytes,
    filename: str,
    *,
    areas: Mapping[str, str],
    levels: Mapping[str, str],
    ancestors: Mapping[str, frozenset[str]],
    sheet: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so one shared default is safe)
) -> SuccessionResult:
    """Read a register held in memory; ImportRefused (one sentence) if the file cannot be read at all.
    `areas` maps area codes and names to codes, `levels` level keys and names to keys (matched ignoring
    case, spaces and punctuation), `ancestors` each area code to the codes of the areas it is within."""
    lookups = {"area": AreaLookup(areas).code, "level": AreaLookup(levels).code}
    unknown = UNKNOWN_PLACE
    rows: list[RegisterRow] = []
    seen: dict[tuple[str, str], int] = {}  # (area, level) -> the row that gave it

    kind, lines, empty = open_rows(data, filename, sheet, limits)
    with closing(lines):
        columns = find_heading_row(lines, _accept, empty=empty)
        problem = Problems(columns.headings)
        pool_of = {pool_column(*pair): pair for pair in columns.pool.values()}
        used = [*columns.index.items(), *((pool_column(*pair), i) for i, pair in columns.pool.items())]
        records = Records(lines, used, most=limits.max_rows, too_many=more_than(limits.max_rows, "rows"))
        for number, raw, text in records:
            pool_raw = {pair: raw[name] for name, pair in pool_of.items()}
            before = problem.count()
            found = look_up(number, text, lookups, unknown, problem)
            area, level = found.get("area"), found.get("level")
            figures: dict[str, int] = {}
            for ours, label in FIGURES.items():
                if not text[ours]:
                    problem(number, ours, "missing value", f"No {label.lower()} given (0 if there are none).")
                    continue
                value = parse_count(raw[ours])
                if value is None:
                    problem(number, ours, "bad number", f"{shown(text[ours])} is not a whole number of 0 or more.")
                else:
                    figures[ours] = value
            pool: dict[str, dict[str, int]] = {}
            for (char_key, group), given in pool_raw.items():
                cell = cell_text(given)
                if not cell:
                    continue
                count = parse_count(given)
                if count is None:
                    problem(number, pool_column(char_key, group), "bad number",
                            f"{shown(cell)} is not a whole number of 0 or more.")
                else:
                    pool.setdefault(char_key, {})[group] = count
            if problem.count() > before:
                continue
            assert area is not None and level is not None
            for char in CHARACTERISTICS:  # a group left blank beside others given is 0
                if char.key in pool:
                    pool[char.key] = {g.key: pool[char.key].get(g.key, 0) for g in char.groups}
            for field, message in row_problems(figures, pool):
                problem(number, field, "does not add up" if ":" in field else "bad number", message + ".")
            if (area, level) in seen:
                problem(number, "area", "duplicate row", f"Row {seen[(area, level)]} already gives area "
                        f"{shown(area)} at level {shown(level)}: give each area and level once.")
            else:
                clash = next(((other, at) for (other, lv), at in seen.items() if lv == level and (
                    other in ancestors.get(area, frozenset()) or area in ancestors.get(other, frozenset()))), None)
                if clash is not None:
                    problem(number, "area", "overlapping area",
                            f"Area {shown(area)} and area {shown(clash[0])} (row {clash[1]}) are one within the "
                            "other at the same level: give each person once, in one area.")
            seen.setdefault((area, level), number)
            if problem.count() == before:
                rows.append(RegisterRow(area, level, figures, pool))
    if records.read == 0:
        raise ImportRefused("The file has column headings but no rows of the register.")
    return SuccessionResult(
        file_kind=kind, rows_read=records.read, rows=rows, problems=problem.found,
        problem_totals=problem.totals_of(KINDS), ignored_columns=columns.ignored,
    )
