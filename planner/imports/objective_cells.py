"""The objectives file's columns and cells (planner.imports.objectives reads the file): what each column
holds, reading a number or a range from a cell, and writing the same columns as a CSV download. A cell is
only ever text or a number: text beginning with = + - @ is written as text, never evaluated."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from planner.imports.values import cell_text
from planner.objectives.progress import Measure
from planner.spreadsheet_safe import spreadsheet_safe, unquoted

__all__ = [
    "BAD", "COLUMNS", "DONE_WORDS", "HEADINGS", "KINDS", "LONGEST", "MAX_OBJECTIVES", "MEASURE_WORDS", "REQUIRED",
    "Bad", "ObjectiveRow", "measure_cells", "one_line", "parse_number", "parse_range", "row_cells",
    "write_objectives_csv",
]

COLUMNS = ("ref", "parent_ref", "title", "level", "area", "owner", "measure", "baseline", "target", "current",
           "unit", "start", "due", "weight", "confidence")
REQUIRED = ("ref", "title", "level")
KINDS = ("missing value", "bad ref", "duplicate ref", "unknown parent", "cycle", "unknown level", "unknown area",
         "bad measure", "bad number", "bad date", "unknown confidence", "too long")
MAX_OBJECTIVES = 50_000
LONGEST = {"ref": 40, "title": 250, "owner": 120, "unit": 30}
# Our column -> the headings recognised for it (as normalise() spells them), the first being its own name.
HEADINGS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "reference", "objectiveref"), "parent_ref": ("parentref", "parent", "parentreference"),
    "title": ("title", "objective"), "level": ("level", "cascadelevel"), "area": ("area",), "owner": ("owner",),
    "measure": ("measure", "measurekind"), "baseline": ("baseline",), "target": ("target",),
    "current": ("current", "currentvalue"), "unit": ("unit",), "start": ("start", "startdate"),
    "due": ("due", "duedate"), "weight": ("weight",), "confidence": ("confidence",),
}
MEASURE_WORDS = {
    "": "none", "none": "none", "target": "target", "baselinetotarget": "target", "range": "range",
    "keepwithinarange": "range", "withinrange": "range", "milestone": "milestone", "baseline": "baseline",
    "establishabaseline": "baseline",
}
DONE_WORDS = {"done", "met", "complete", "completed"}
_NUMBER = r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMERIC = re.compile(rf"^£?({_NUMBER})%?$")
_RANGE = re.compile(rf"^\s*£?({_NUMBER})%?\s*(?:to|-|–|—|\.\.)\s*£?({_NUMBER})%?\s*$", re.IGNORECASE)


@dataclass
class ObjectiveRow:
    """One objective as the file gives it, checked. `ref` and `parent_ref` use the stored spelling when the
    objective is already stored; `existing` says the row updates a stored objective (else it adds one)."""

    ref: str
    parent_ref: str | None
    title: str
    level: str
    area: str | None  # the area's code
    owner: str | None
    measure: Measure
    current: float | None  # the value now, for target, range and baseline measures
    start: date | None
    due: date | None
    weight: float
    confidence: str | None
    row: int
    done: bool = False  # a milestone's `current` said done
    existing: bool = False


def one_line(value: object) -> str:
    """A cell as text, on one line; a quote put before = + - @ by our own download is taken off again."""
    return " ".join(unquoted(cell_text(value)).split())


def _float(text: str) -> float | None:
    match = _NUMERIC.match(text.replace(" ", "").replace("−", "-"))
    if not match:
        return None
    number = float(match.group(1).replace(",", ""))
    return number if math.isfinite(number) else None


class Bad:
    """A cell that is not what the column needs."""


BAD = Bad()


def parse_number(value: object) -> float | None | Bad:
    """A finite number from a number cell or text such as 1,250, 12.5, 85% (read as 85) or £300; None for
    blank; BAD otherwise."""
    if isinstance(value, bool):
        return BAD
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else BAD
    text = one_line(value)
    if not text:
        return None
    number = _float(text)
    return BAD if number is None else number


def parse_range(text: str) -> tuple[float, float] | None:
    """(low, high) from '92 to 95', '92-95' or '92..95'; None if the text is not a range."""
    match = _RANGE.match(text.replace("−", "-"))
    if not match:
        return None
    low, high = _float(match.group(1)), _float(match.group(2))
    return None if low is None or high is None else (low, high)



# The download -------------------------------------------------------------------------------------------


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _cell(column: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return _number_text(float(value)) if isinstance(value, float) else str(value)
    raise ValueError(f"The {column} cell cannot be written: {value!r} is not text, a finite number or a date.")


def measure_cells(measure: Measure, *, current: float | None = None, done: bool = False) -> dict[str, object]:
    """The measure, baseline, target, current and unit cells for a measure (a range's target is '92 to 95')."""
    kind = measure.kind
    target: object = measure.target if kind == "target" else None
    if kind == "range" and measure.low is not None and measure.high is not None:
        target = f"{_number_text(float(measure.low))} to {_number_text(float(measure.high))}"
    return {
        "measure": "" if kind == "none" else kind,
        "baseline": measure.baseline if kind in ("target", "range") else None,
        "target": target,
        "current": ("done" if done else None) if kind == "milestone" else None if kind == "none" else current,
        "unit": measure.unit,
    }


def row_cells(row: ObjectiveRow) -> dict[str, object]:
    """An objective read from a file as the cells of the download."""
    return {
        "ref": row.ref, "parent_ref": row.parent_ref, "title": row.title, "level": row.level, "area": row.area,
        "owner": row.owner, **measure_cells(row.measure, current=row.current, done=row.done),
        "start": row.start, "due": row.due, "weight": row.weight, "confidence": row.confidence,
    }


def write_objectives_csv(rows: Sequence[Mapping[str, object]]) -> bytes:
    """The download: a CSV (UTF-8 with a byte order mark, so Excel reads it right) with the import's columns,
    one row per mapping of column -> value (text, number, date or None; a missing column is blank). User
    text is written through spreadsheet_safe, so no spreadsheet program runs it as a formula; numbers are
    written as numbers, dates as YYYY-MM-DD. ValueError on a column not in COLUMNS or a value of another kind."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        unknown = [str(column) for column in row if column not in COLUMNS]
        if unknown:
            raise ValueError(f"Not a column of the objectives file: {', '.join(unknown)}.")
        writer.writerow([_cell(column, row.get(column)) for column in COLUMNS])
    return out.getvalue().encode("utf-8-sig")
