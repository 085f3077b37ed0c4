"""Reading competency assessments (CSV or XLSX) for `planner import-assessments`: one row per leader's
assessment of one competency, with the columns `area`, `level`, `competency` (its key) and `step`
(1 to 4). Rows are checked, counted into leaders per area, level, competency and step, and forgotten:
any other column (a leader's name, say) is never read. All or nothing, with the staff import's safety
checks; each problem is reported by row and column."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass

from planner.imports.columns import Headings, columns_named, find_heading_row, normalise
from planner.imports.files import ImportRefused, Limits
from planner.imports.rows import UNKNOWN_PLACE, Problems, ReadResult, Records, look_up, more_than, open_rows
from planner.imports.values import AreaLookup, cell_text, shown

__all__ = ["COLUMNS", "KINDS", "AssessmentsResult", "parse_step", "read_assessments"]

KINDS = ("unknown area", "unknown level", "unknown competency", "bad step", "missing value")
STEPS = (1, 2, 3, 4)
# Our column -> the headings recognised for it (as normalise() spells them), the first being its own name.
COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area",),
    "level": ("level", "leadershiplevel"),
    "competency": ("competency", "competencykey"),
    "step": ("step", "proficiencystep"),
}
_STEP = re.compile(r"^(?:step\s*)?([1-4])(?:\.0+)?$", re.IGNORECASE)

Key = tuple[str, str, str]  # (area code, level key, competency key)


def parse_step(value: object) -> int | None:
    """The step 1 to 4 from 3, 3.0, '3' or 'Step 3'; None for anything else (blank included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if value in STEPS else None
    match = _STEP.match(cell_text(value))
    return int(match.group(1)) if match else None


def _accept(cells: list[str]) -> Headings | str:
    index = columns_named([normalise(cell) for cell in cells], COLUMNS)
    return index if isinstance(index, str) else Headings.of(cells, index)


@dataclass
class AssessmentsResult(ReadResult):
    """Leaders per (area, level, competency) and step, and every problem that stops the import."""

    counts: dict[Key, dict[int, int]]  # (area code, level key, competency key) -> {step: leaders}

    @property
    def importable(self) -> bool:
        """No problems at all, and at least one assessment counted."""
        return not self.problem_totals and bool(self.counts)


def read_assessments(
    data: bytes,
    filename: str,
    *,
    areas: Mapping[str, str],
    levels: Mapping[str, str],
    competencies: set[str],
    sheet: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so one shared default is safe)
) -> AssessmentsResult:
    """Count assessments held in memory; ImportRefused (one sentence) if the file cannot be read at all.

    `areas` maps area codes and names to codes, `levels` level keys and names to keys; areas, levels
    and competencies are matched ignoring case, spaces and punctuation."""
    lookups: dict[str, Callable[[str], str | None]] = {
        "area": AreaLookup(areas).code,
        "level": AreaLookup(levels).code,
        "competency": AreaLookup({key: key for key in competencies}).code,
    }
    unknown = {**UNKNOWN_PLACE,
               "competency": ("unknown competency", "is not the key of a competency in the framework.")}
    counts: dict[Key, dict[int, int]] = {}

    kind, rows, empty = open_rows(data, filename, sheet, limits)
    with closing(rows):
        columns = find_heading_row(rows, _accept, empty=empty)
        problem = Problems(columns.headings)
        records = Records(rows, columns.index.items(), most=limits.max_rows,
                          too_many=more_than(limits.max_rows, "assessments"))
        for number, raw, text in records:
            before = problem.count()
            found = look_up(number, text, lookups, unknown, problem)
            step = parse_step(raw["step"])
            if not text["step"]:
                problem(number, "step", "missing value", "No step is given.")
            elif step is None:
                problem(number, "step", "bad step", f"{shown(text['step'])} is not a step from 1 to 4.")
            if problem.count() == before:
                assert step is not None
                steps = counts.setdefault((found["area"], found["level"], found["competency"]), {})
                steps[step] = steps.get(step, 0) + 1
    if records.read == 0:
        raise ImportRefused("The file has column headings but no assessments.")
    return AssessmentsResult(
        file_kind=kind,
        rows_read=records.read,
        counts={key: dict(sorted(steps.items())) for key, steps in sorted(counts.items())},
        problems=problem.found,
        problem_totals=problem.totals_of(KINDS),
        ignored_columns=columns.ignored,
    )
