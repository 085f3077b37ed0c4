"""Reading an objectives file (CSV or XLSX) for the Objectives step, and writing the same columns as a
CSV download. One row per objective: `ref` (unique in the strategy), `parent_ref`, `title`, `level`,
`area`, `owner`, `measure`, `baseline`, `target`, `current`, `unit`, `start`, `due`, `weight`,
`confidence`. Only `ref`, `title` and `level` must be present as columns; headings are matched
ignoring case, spaces and punctuation, and any other column is ignored.

All or nothing, with the staff import's safety checks (size limit, kind judged by content, zip
checks, row limit): any problem in any row stops the import, and each is reported by row and
column. Parents may be in the file or already stored; loops are refused, counting stored parents.
A cell is only ever text or a number: text beginning with = + - @ is kept as text, never evaluated.

For the service that stores the rows: a row whose ref is already stored (ignoring case) updates that
objective (`existing`), any other adds one; `rows` come parents first, so each can be stored in turn.
A blank cell in a column the file has clears that value; a column the file lacks (see
`ObjectivesResult.columns`) leaves stored values alone (without `parent_ref`, stored objectives keep
their parents and `parent_ref` says so). `current` (and `done` for a milestone) is the value now, to be
recorded as a check-in dated the day of the import when it differs from the latest check-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import date

from planner.imports.columns import Headings, columns_named, find_heading_row, normalise
from planner.imports.files import ImportRefused, Limits
from planner.imports.objective_cells import (
    COLUMNS,
    DONE_WORDS,
    HEADINGS,
    KINDS,
    LONGEST,
    MAX_OBJECTIVES,
    MEASURE_WORDS,
    REQUIRED,
    Bad,
    ObjectiveRow,
    measure_cells,
    one_line,
    parse_number,
    parse_range,
    row_cells,
    write_objectives_csv,
)
from planner.imports.rows import PROBLEMS_KEPT, ReadResult, Records, RowProblem, more_than, open_rows
from planner.imports.values import AreaLookup, parse_date, parse_yes_no, shown
from planner.objectives.progress import CONFIDENCE, LEVELS, REF_PATTERN, Measure
from planner.objectives.tree import find_cycles

__all__ = [
    "COLUMNS", "KINDS", "LONGEST", "MAX_OBJECTIVES", "ObjectiveRow", "ObjectivesResult", "measure_cells",
    "parse_number", "parse_range", "read_objectives", "row_cells", "write_objectives_csv",
]


@dataclass
class ObjectivesResult(ReadResult):
    """The objectives read, parents before children, and every problem that stops the import (the first 100
    of them, by row)."""

    rows: list[ObjectiveRow]  # rows without problems; every parent in the file comes before its children
    columns: tuple[str, ...] = ()  # our columns the file has; a missing one leaves stored values alone

    @property
    def importable(self) -> bool:
        """No problems at all, and at least one objective read."""
        return not self.problem_totals and bool(self.rows)

    @property
    def added(self) -> int:
        """Rows that add a new objective."""
        return sum(1 for row in self.rows if not row.existing)

    @property
    def updated(self) -> int:
        """Rows that update a stored objective."""
        return sum(1 for row in self.rows if row.existing)


def _key(ref: str) -> str:
    return ref.casefold()


def _accept(cells: list[str]) -> Headings | str:
    index = columns_named([normalise(cell) for cell in cells], HEADINGS, required=REQUIRED)
    return index if isinstance(index, str) else Headings.of(cells, index)


class _Problems:
    """Problems come in runs, each in row order (the rows, then parents, then loops): keeping the first 100
    of each run keeps the first 100 of all of them by row."""

    def __init__(self, headings: dict[str, str]) -> None:
        self.headings = headings
        self.kept: list[tuple[int, int, RowProblem]] = []
        self.in_run = 0
        self.totals: dict[str, int] = {}
        self.rows: set[int] = set()

    def new_run(self) -> None:
        self.in_run = 0

    def __call__(self, number: int, ours: str, kind: str, message: str) -> None:
        self.totals[kind] = self.totals.get(kind, 0) + 1
        self.rows.add(number)
        if self.in_run < PROBLEMS_KEPT:
            self.in_run += 1
            self.kept.append((number, COLUMNS.index(ours), RowProblem(number, self.headings[ours], kind, message)))

    def count(self) -> int:
        return sum(self.totals.values())

    def first(self) -> list[RowProblem]:
        return [problem for *_, problem in sorted(self.kept, key=lambda kept: kept[:2])[:PROBLEMS_KEPT]]


_UNWANTED: dict[str, tuple[str, ...]] = {
    "target": (), "range": (), "milestone": ("baseline", "target"), "baseline": ("baseline", "target"),
    "none": ("baseline", "target", "current"),
}
_UNWANTED_SAYS = {
    "milestone": "A milestone has no baseline or target: leave them blank.",
    "baseline": "A measure to establish a baseline has no baseline or target yet: put the value found in 'current'.",
    "none": "Without a measure this value means nothing: give the measure, or leave the value blank.",
}


def _measure_of(number: int, raw: Mapping[str, object], text: Mapping[str, str],
                problem: _Problems) -> tuple[Measure, float | None, bool] | None:
    """The row's measure, current value and done; None (with the problems recorded) when they are wrong."""
    kind = MEASURE_WORDS.get(normalise(text["measure"]))
    if kind is None:
        problem(number, "measure", "bad measure", f"{shown(text['measure'])} is not a measure: use target, "
                "range, milestone or baseline, or leave it blank.")
        return None
    before = problem.count()
    # Without a measure column the stored measure stands, so a value in 'current' is a new reading.
    keeps_stored = "measure" not in problem.headings
    for ours in _UNWANTED[kind]:
        if text[ours] and not (keeps_stored and ours == "current"):
            problem(number, ours, "bad measure", _UNWANTED_SAYS[kind])
    numbers: dict[str, float | None] = {}
    for ours in ("baseline", "target", "current"):
        unwanted = ours in _UNWANTED[kind] and not (keeps_stored and ours == "current")
        if unwanted or (kind, ours) in (("range", "target"), ("milestone", "current")):
            continue
        value = parse_number(raw[ours])
        if isinstance(value, Bad):
            problem(number, ours, "bad number", f"{shown(text[ours])} is not a number.")
        else:
            numbers[ours] = value
    low = high = None
    done = False
    if kind == "range" and text["target"]:
        pair = parse_range(text["target"])
        if pair is None:
            problem(number, "target", "bad measure",
                    f"{shown(text['target'])} is not a range to keep within, such as '92 to 95'.")
        elif pair[0] > pair[1]:
            problem(number, "target", "bad measure", f"The range {shown(text['target'])} runs from high to low.")
        else:
            low, high = pair
    if kind == "milestone":
        words = normalise(text["current"])
        answer = True if words in DONE_WORDS else False if words == "notdone" else parse_yes_no(text["current"])
        if answer is None:
            problem(number, "current", "bad measure", f"{shown(text['current'])} does not say whether the "
                    "milestone is done: write done, or leave it blank.")
        done = bool(answer)
    if problem.count() != before:
        return None
    measure = Measure(kind, baseline=numbers.get("baseline"), target=numbers.get("target"), low=low, high=high,
                      unit=text["unit"])
    return measure, numbers.get("current"), done


@dataclass
class _Read:
    """A row after the first pass: its ref (None when missing, too long or a repeat), parent as written,
    and the objective (None when the row has a problem of its own)."""

    number: int
    ref: str | None
    parent: str
    objective: ObjectiveRow | None


_LEVEL_WORDS = {normalise(level): level for level in LEVELS}
_CONFIDENCE_WORDS = {normalise(word): word for word in CONFIDENCE}


def _read_row(number: int, raw: Mapping[str, object], text: Mapping[str, str], *, area_code: AreaLookup,
              stored: Mapping[str, str], first_row: dict[str, int], problem: _Problems) -> _Read:
    before = problem.count()
    for ours in REQUIRED:
        if not text[ours]:
            problem(number, ours, "missing value", f"No {ours} is given.")
    for ours, longest in LONGEST.items():
        if len(text[ours]) > longest:
            problem(number, ours, "too long", f"The {ours} is {len(text[ours]):,} characters long; "
                    f"the limit is {longest}.")
    ref: str | None = None
    if len(text["ref"]) <= LONGEST["ref"] and text["ref"] and not REF_PATTERN.fullmatch(text["ref"]):
        problem(number, "ref", "bad ref", f"{shown(text['ref'])} is not a ref: use letters, digits and . _ / - "
                "only, starting with a letter or digit.")
    if text["ref"]:
        key = _key(text["ref"])
        if key in first_row:
            problem(number, "ref", "duplicate ref", f"{shown(text['ref'])} is already the ref of row "
                    f"{first_row[key]:,}: each objective needs its own ref.")
        else:
            first_row[key] = number
            ref = stored.get(key, text["ref"])
    level = _LEVEL_WORDS.get(normalise(text["level"]))
    if text["level"] and level is None:
        problem(number, "level", "unknown level",
                f"{shown(text['level'])} is not a level: use strategic, area, team or individual.")
    area = area_code.code(text["area"]) if text["area"] else None
    if text["area"] and area is None:
        problem(number, "area", "unknown area", f"{shown(text['area'])} is not the code or name of an area in "
                "the structure.")
    confidence = _CONFIDENCE_WORDS.get(normalise(text["confidence"]))
    if text["confidence"] and confidence is None:
        problem(number, "confidence", "unknown confidence",
                f"{shown(text['confidence'])} is not a confidence: use low, medium or high.")
    dates: dict[str, date | None] = {}
    for ours in ("start", "due"):
        dates[ours] = parse_date(raw[ours]) if text[ours] else None
        if text[ours] and dates[ours] is None:
            problem(number, ours, "bad date", f"{shown(text[ours])} is not a date (write it as 31/03/2026 or "
                    "2026-03-31).")
    start, due = dates["start"], dates["due"]
    if start is not None and due is not None and due < start:
        problem(number, "due", "bad date", f"The due date, {due:%d/%m/%Y}, is before the start date, "
                f"{start:%d/%m/%Y}.")
    weight = parse_number(raw["weight"])
    if isinstance(weight, Bad) or (weight is not None and weight <= 0):
        problem(number, "weight", "bad number", f"{shown(text['weight'])} is not a weight: give a number above 0.")
    measured = _measure_of(number, raw, text, problem)
    if problem.count() != before or measured is None:
        return _Read(number, ref, text["parent_ref"], None)
    assert ref is not None and level is not None and not isinstance(weight, Bad)
    measure, current, done = measured
    objective = ObjectiveRow(
        ref=ref, parent_ref=None, title=text["title"], level=level, area=area, owner=text["owner"] or None,
        measure=measure, current=current, start=start, due=due, weight=1.0 if weight is None else weight,
        confidence=confidence, row=number, done=done, existing=_key(ref) in stored,
    )
    return _Read(number, ref, text["parent_ref"], objective)


def _loop_text(cycle: list[str], ref: str) -> str:
    if len(cycle) == 1:
        return f"{shown(ref)} cannot be its own parent."
    at = cycle.index(ref)
    chain = [*cycle[at:], *cycle[:at]]
    names = [shown(r) for r in chain[:8]] + (["…"] if len(chain) > 8 else []) + [shown(ref)]
    return f"This makes a loop, {' → '.join(names)}: an objective cannot sit under itself."


def _check_parents(read: list[_Read], *, existing_refs: Mapping[str, str | None], stored: Mapping[str, str],
                   has_parent_column: bool, problem: _Problems) -> dict[int, str | None]:
    """Each row's parent ref (stored spelling when stored); unknown parents and loops become problems."""
    in_file = {_key(r.ref): r.ref for r in read if r.ref is not None}
    resolved: dict[int, str | None] = {}
    if not has_parent_column:  # stored objectives keep their parents; new ones have none
        kept = {ref: parent for ref, parent in existing_refs.items() if parent}
        return {r.number: stored.get(_key(kept[r.ref])) if r.ref in kept else None for r in read}
    problem.new_run()
    for r in read:
        if not r.parent:
            resolved[r.number] = None
            continue
        parent = stored.get(_key(r.parent)) or in_file.get(_key(r.parent))
        if parent is None:
            problem(r.number, "parent_ref", "unknown parent", f"{shown(r.parent)} is not the ref of an objective "
                    "in the file or already in the strategy.")
        resolved[r.number] = parent
    parents: dict[str, str | None] = {
        stored[_key(ref)]: (stored.get(_key(parent)) if parent else None) for ref, parent in existing_refs.items()
    }
    for r in read:
        if r.ref is not None:
            parents[r.ref] = resolved[r.number]
    looped: dict[str, list[str]] = {ref: cycle for cycle in find_cycles(parents) for ref in cycle}
    problem.new_run()
    for r in read:
        if r.ref is not None and r.ref in looped:
            problem(r.number, "parent_ref", "cycle", _loop_text(looped[r.ref], r.ref))
    return resolved


def _parents_first(rows: list[ObjectiveRow]) -> list[ObjectiveRow]:
    """The rows in file order, except that a parent in the file comes before its children."""
    by_ref = {row.ref: row for row in rows}
    done: set[str] = set()
    ordered: list[ObjectiveRow] = []
    for row in rows:
        chain: list[ObjectiveRow] = []
        on_chain: set[str] = set()
        current: ObjectiveRow | None = row
        while current is not None and current.ref not in done and current.ref not in on_chain:
            chain.append(current)
            on_chain.add(current.ref)
            current = by_ref.get(current.parent_ref) if current.parent_ref is not None else None
        for found in reversed(chain):
            done.add(found.ref)
            ordered.append(found)
    return ordered


def read_objectives(
    data: bytes,
    filename: str,
    *,
    existing_refs: Mapping[str, str | None],
    areas: Mapping[str, str],
    sheet: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so one shared default is safe)
) -> ObjectivesResult:
    """Read objectives held in memory; ImportRefused (one sentence) if the file cannot be read at all.

    `existing_refs` maps each stored objective's ref to its parent's ref (None for none); refs are
    matched ignoring case. `areas` maps area codes and names to codes."""
    stored = {_key(ref): ref for ref in existing_refs}
    area_code = AreaLookup(areas)
    most = min(limits.max_rows, MAX_OBJECTIVES)
    read: list[_Read] = []
    first_row: dict[str, int] = {}
    kind, rows, empty = open_rows(data, filename, sheet, limits)
    with closing(rows):
        columns = find_heading_row(rows, _accept, empty=empty)
        problem = _Problems(columns.headings)
        records = Records(rows, columns.index.items(), most=most, too_many=more_than(most, "objectives"),
                          every=COLUMNS, text=one_line)
        for number, raw, text in records:
            read.append(_read_row(number, raw, text, area_code=area_code, stored=stored, first_row=first_row,
                                  problem=problem))
    if not read:
        raise ImportRefused("The file has column headings but no objectives.")
    parents = _check_parents(read, existing_refs=existing_refs, stored=stored,
                             has_parent_column="parent_ref" in columns.index, problem=problem)
    good: list[ObjectiveRow] = []
    for r in read:
        if r.objective is not None and r.number not in problem.rows:
            r.objective.parent_ref = parents[r.number]
            good.append(r.objective)
    return ObjectivesResult(
        file_kind=kind,
        rows_read=len(read),
        rows=_parents_first(good),
        problems=problem.first(),
        problem_totals={what: problem.totals[what] for what in KINDS if what in problem.totals},
        ignored_columns=columns.ignored,
        columns=tuple(ours for ours in COLUMNS if ours in columns.index),
    )
