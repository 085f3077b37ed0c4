"""Reading a leavers extract (CSV or XLSX, ESR-like columns) into counts for workforce evidence
(evidence.md): leavers by area, leadership level, leader flag, reason for leaving and age band. One row
per assignment that ended in the period. Headings, areas, bands, ages and dates are read exactly as the
staff extract's are, with the same safety limits; every problem is reported by row and column and any
problem stops the import (all or nothing). The result holds counts only: no name, id or date is kept.

Decisions (docs/evidence.md explains them to planners):
- The period must be one year less a day (1 April 2025 to 31 March 2026); a leaving date outside it,
  either boundary day included, is a problem on its row.
- A move inside the organisation is not a leaver: a reason saying so (ESR's "Employee Transfer", which
  it uses for TUPE and organisational transfers, or "Internal Transfer", "Redeployment") is read and
  checked like any row but not counted, and the result says how many there were.
- The age band is the one when the person left: from the date of birth (age on the leaving date), else
  the age, else the age band; a five-year band that spans two of the planner's bands (ESR's "61-65") is a
  problem, since splitting it would put 65-year-olds' retirements in the wrong band.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date

from planner.dates import long_date
from planner.diversity.characteristics import age_band, age_on, parse_age_band
from planner.evidence.counts import UNKNOWN_AGE, LeaverGroup
from planner.evidence.period import Period, PeriodRefused
from planner.imports.columns import ColumnSet, check_mapping, find_headings, normalise
from planner.imports.files import ImportRefused, Limits
from planner.imports.rows import (
    UNKNOWN_AREA,
    Assignments,
    Problems,
    Records,
    RowProblem,
    looked_up,
    more_than,
    open_rows,
)
from planner.imports.values import (
    MAX_AGE,
    MIN_AGE,
    AreaLookup,
    band_level_lookup,
    parse_age,
    parse_band,
    parse_date,
    parse_yes_no,
    shown,
)

__all__ = ["COLUMNS", "KINDS", "LeaversResult", "is_move", "read_leavers_extract"]

KINDS = ("unknown area", "unknown band", "bad code", "not a leadership band", "missing value", "bad date",
         "outside the period", "bad age", "duplicate assignment")
REASON_LENGTH = 100  # a reason is kept as the extract words it, cut to this many characters
COLUMNS = ColumnSet(
    columns=("Assignment Number", "Area", "Pay Band", "Job Role", "Leader", "Leaving Date", "Reason for Leaving",
             "Date of Birth", "Age", "Age Band"),
    aliases={
        "Assignment Number": ("Assignment Number", "Assignment No", "Assignment"),
        "Area": ("Area",),
        "Pay Band": ("Pay Band", "Band", "AfC Band", "Grade"),
        "Job Role": ("Job Role", "Role"),
        "Leader": ("Leader",),
        "Leaving Date": ("Leaving Date", "Termination Date", "Actual Termination Date", "Date of Termination",
                         "Date Left", "Date of Leaving", "Leaver Date", "Leave Date"),
        "Reason for Leaving": ("Reason for Leaving", "Leaving Reason", "Leaver Reason", "Termination Reason",
                               "Reason Left", "Reason"),
        "Date of Birth": ("Date of Birth", "DOB", "Birth Date"),
        "Age": ("Age", "Age at Leaving", "Age at Termination"),
        "Age Band": ("Age Band", "Age Group"),
    },
    required=("Area", "Pay Band", "Leaving Date", "Reason for Leaving"),
    other_names={"gradeband": "Pay Band", "reason": "Reason for Leaving", "terminationdate": "Leaving Date"},
)
# Reasons (as normalise() spells their start) that say the person moved inside the organisation.
MOVE_REASONS = ("employeetransfer", "internaltransfer", "internalmove", "internalredeployment", "redeployment",
                "transferwithin", "tupetransfer")


def is_move(reason: str) -> bool:
    """The reason for leaving says the person moved inside the organisation rather than left it."""
    words = normalise(reason)
    return words.startswith(MOVE_REASONS)


@dataclass(frozen=True)
class LeaversResult:
    """Leavers counted from an extract, and what stopped the import. No row-level data."""

    file_kind: str
    period: Period
    rows_read: int
    counts: Mapping[LeaverGroup, int]
    moves: int  # rows whose reason is a move inside the organisation: read and checked, not counted
    problems: tuple[RowProblem, ...]  # the first 100, by row
    problem_totals: Mapping[str, int]
    ignored_columns: tuple[str, ...]
    columns: Mapping[str, str] = field(default_factory=dict)  # our column -> the file's heading read for it

    @property
    def importable(self) -> bool:
        """No problems at all (all or nothing)."""
        return not self.problem_totals

    @property
    def leavers(self) -> int:
        """Leavers counted (moves inside the organisation are not)."""
        return sum(self.counts.values())


def read_leavers_extract(
    data: bytes,
    filename: str,
    *,
    areas: Mapping[str, str],
    band_levels: Mapping[str, str],
    period_start: date,
    period_end: date,
    job_role_levels: Mapping[str, str] | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so one shared default is safe)
) -> LeaversResult:
    """Count a leavers extract held in memory; ImportRefused (one sentence) if the period is not one year less
    a day or the file cannot be read at all. `areas` maps area codes and names to codes, `band_levels` bands
    to level keys, `job_role_levels` job roles to level keys (a job role decides the level before the band)."""
    try:
        period = Period.of(period_start, period_end)
    except PeriodRefused as error:
        raise ImportRefused(error.message) from error
    checked = check_mapping(mapping or {}, COLUMNS)
    reader = _Reader(areas, band_levels, job_role_levels or {}, period)
    kind, rows, empty = open_rows(data, filename, sheet, limits)
    with closing(rows):
        columns = find_headings(rows, checked, empty=empty, columns=COLUMNS)
        reader.problem.headings = columns.headings
        records = Records(rows, columns.index.items(), most=limits.max_rows,
                          too_many=more_than(limits.max_rows, "rows of leavers"))
        for number, raw, text in records:
            reader.add(number, raw, text)
    if records.read == 0:
        raise ImportRefused("The file has column headings but no rows of leavers.")
    totals = reader.problem.totals
    return LeaversResult(
        file_kind=kind,
        period=period,
        rows_read=records.read,
        counts=dict(sorted(reader.counts.items(), key=lambda item: item[0].sort_key())) if not totals else {},
        moves=reader.moves,
        problems=tuple(reader.problem.found),
        problem_totals=reader.problem.totals_of(KINDS),
        ignored_columns=tuple(columns.ignored),
        columns=dict(columns.headings),
    )


class _Reader:
    """Checks and counts rows one at a time; keeps counts and problems only."""

    def __init__(self, areas: Mapping[str, str], band_levels: Mapping[str, str], job_role_levels: Mapping[str, str],
                 period: Period) -> None:
        self.area = AreaLookup(areas).code
        self.levels = band_level_lookup(band_levels)
        self.role_level = AreaLookup(job_role_levels).code
        self.period = period
        self.assignments = Assignments()
        self.counts: Counter[LeaverGroup] = Counter()
        self.moves = 0
        self.problem = Problems()  # given the file's headings once they are found

    def add(self, number: int, raw: dict[str, object], text: dict[str, str]) -> None:
        """Check one row, and count it if it has no problem and is not a move inside the organisation."""
        problem = self.problem
        before = problem.count()
        area = looked_up(number, "Area", text["Area"], self.area, problem, missing="No area is given.",
                         unknown=UNKNOWN_AREA)
        band = looked_up(number, "Pay Band", text["Pay Band"], parse_band, problem,
                         missing="No pay band or grade is given.",
                         unknown=("unknown band", "is not a pay band or grade the planner knows."))
        level = self.levels.get(band) if band is not None else None
        if text.get("Job Role"):
            level = self.role_level(text["Job Role"]) or level  # a job role decides before the band
        leader = level is not None
        if "Leader" in text:
            flag = parse_yes_no(text["Leader"])
            if flag is None:
                problem(number, "Leader", "bad code", f"{shown(text['Leader'])} is not Y or N.")
            elif flag and band is not None and level is None:
                problem(number, "Leader", "not a leadership band",
                        "Marked as a leader, but this row's pay band is not mapped to a leadership level.")
            leader = bool(flag)
        left = self._leaving_date(number, raw, text)
        reason = " ".join(text["Reason for Leaving"].split())[:REASON_LENGTH]
        if not reason:
            problem(number, "Reason for Leaving", "missing value", "No reason for leaving is given (ESR's "
                    "'Voluntary Resignation - Other/Not Known' says it is not known).")
        group_age = self._age_band(number, raw, text, left)
        if text.get("Assignment Number"):
            self.assignments.check(number, text["Assignment Number"], problem)
        if problem.count() > before:
            return
        if is_move(reason):
            self.moves += 1
            return
        assert area is not None and group_age is not None
        self.counts[LeaverGroup(area, level, leader, reason, group_age)] += 1

    def _leaving_date(self, number: int, raw: dict[str, object], text: dict[str, str]) -> date | None:
        """The leaving date, or None (with a problem recorded) when it is missing, not a date or outside the period."""
        if not text["Leaving Date"]:
            self.problem(number, "Leaving Date", "missing value", "No leaving date is given.")
            return None
        left = parse_date(raw["Leaving Date"])
        if left is None:
            self.problem(number, "Leaving Date", "bad date",
                         f"{shown(text['Leaving Date'])} is not a date (such as 31/03/2026).")
            return None
        if left not in self.period:
            self.problem(number, "Leaving Date", "outside the period",
                         f"{long_date(left)} is outside the period, {self.period.text()}.")
            return None
        return left

    def _age_band(self, number: int, raw: dict[str, object], text: dict[str, str], left: date | None) -> str | None:
        """The age band when the person left: from the date of birth, else the age, else the age band;
        'unknown' when none is given; None (with a problem recorded) when the one given cannot be read."""
        if text.get("Date of Birth"):
            born = parse_date(raw["Date of Birth"])
            on = left or self.period.end
            if born is None or not MIN_AGE <= age_on(born, on) <= MAX_AGE:
                # The value itself is never repeated: a date of birth identifies a person.
                self.problem(number, "Date of Birth", "bad age", "The date of birth is not a date (such as "
                             f"17/05/1980) giving an age from {MIN_AGE} to {MAX_AGE} on the leaving date.")
                return None
            return age_band(None, born, on)
        for ours in ("Age", "Age Band"):
            if not text.get(ours):
                continue
            age = parse_age(raw[ours])
            if age is not None:
                return age_band(age, None, self.period.end)
            band = parse_age_band(text[ours])
            if band is None:
                self.problem(number, ours, "bad age", _age_message(text[ours]))
                return None
            return band
        return UNKNOWN_AGE


def _age_message(value: str) -> str:
    """Why an age or age band cannot be read; an age band spanning two of the planner's bands says so."""
    parts = value.replace("–", "-").split("-")
    if len(parts) == 2 and all(part.strip().split(" ")[0].isdecimal() for part in parts):
        return (f"{shown(value)} spans two of the planner's age bands (under 25, 25-34, 35-44, 45-54, 55-64, 65 "
                "and over): give the age or date of birth instead, or the planner's bands.")
    return (f"{shown(value)} is not an age from {MIN_AGE} to {MAX_AGE} or an age band (such as 55-64, under 25 "
            "or 65 and over).")
