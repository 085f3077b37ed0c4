"""Reading the board's seats and terms of office (CSV or XLSX) for the Board terms page and `planner
import-board-terms`: one row per seat, with the columns Seat, Role, Board member type (optional for roles
that have only one), Term start, Term end, Term (the term being served), Most terms and Full term (years).
Every row is checked by the one rule of a seat (planner.diversity.board_terms.seat_problems); each problem
is reported by row and column, and any problem stops the import (all or nothing). A board is small, so a
file of more than MAX_SEATS seats is refused outright."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import date

from planner.diversity.board import BOARD_TYPES, parse_board_type
from planner.diversity.board_terms import (
    DEFAULT_MAX_TERMS,
    MAX_SEATS,
    ROLES,
    Seat,
    board_problems,
    parse_role,
    seat_problems,
)
from planner.imports.columns import Headings, columns_named, find_heading_row, normalise
from planner.imports.files import ImportRefused, Limits
from planner.imports.rows import Problems, Records, RowProblem, open_rows
from planner.imports.values import cell_text, parse_date, shown

__all__ = ["COLUMNS", "KINDS", "BoardTermsResult", "read_board_terms"]

KINDS = ("missing value", "bad label", "unknown role", "unknown board member type", "bad date", "bad number",
         "bad term", "duplicate seat")
# Our column -> the headings recognised for it (as normalise() spells them), its own name first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "Seat": ("seat", "seatlabel", "label"),
    "Role": ("role", "title", "boardrole"),
    "Board member type": ("boardmembertype", "membertype", "type"),
    "Term start": ("termstart", "termstarts", "start", "startdate", "termstartdate", "appointed"),
    "Term end": ("termend", "termends", "end", "enddate", "termenddate", "leaves"),
    "Term": ("term", "termnumber", "termserved", "termsserved", "currentterm"),
    "Most terms": ("mostterms", "maxterms", "maximumterms"),
    "Full term (years)": ("fulltermyears", "fullterm", "termyears", "termlength", "termlengthyears"),
}
REQUIRED = ("Seat", "Role")
# The seat's fields -> our column, to report a rule's problem in the file's own heading.
FIELD_COLUMNS = {"label": "Seat", "role": "Role", "board_type": "Board member type", "term_start": "Term start",
                 "term_end": "Term end", "term_number": "Term", "max_terms": "Most terms",
                 "term_years": "Full term (years)"}
LIMITS = Limits(max_rows=MAX_SEATS, max_bytes=2 * 1024 * 1024)


@dataclass(frozen=True)
class BoardTermsResult:
    """The seats read from a file, and every problem that stops the import."""

    file_kind: str
    rows_read: int
    seats: tuple[Seat, ...]
    problems: tuple[RowProblem, ...]
    problem_totals: dict[str, int]
    ignored_columns: tuple[str, ...] = field(default=())

    @property
    def importable(self) -> bool:
        """No problems at all (all or nothing)."""
        return not self.problem_totals


def _accept(cells: list[str]) -> Headings | str:
    index = columns_named([normalise(cell) for cell in cells], COLUMNS, required=REQUIRED)
    return index if isinstance(index, str) else Headings.of(cells, index)


def _whole(value: object) -> int | None:
    """A whole number from 2, 2.0 or '2'; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = cell_text(value)
    if text.isascii() and text.isdecimal() and len(text) <= 3:
        return int(text)
    if text.endswith(".0") and text[:-2].isascii() and text[:-2].isdecimal() and len(text) <= 5:
        return int(text[:-2])
    return None


def read_board_terms(data: bytes, filename: str, *, sheet: str | None = None,
                     limits: Limits = LIMITS) -> BoardTermsResult:
    """Read the seats held in memory; ImportRefused (one sentence) if the file cannot be read at all or has
    more than MAX_SEATS seats."""
    seats: list[Seat] = []
    rows_of_seats: list[int] = []
    kind, rows, empty = open_rows(data, filename, sheet, limits)
    with closing(rows):
        columns = find_heading_row(rows, _accept, empty=empty)
        problem = Problems(columns.headings, kept=None)  # a board is small: every problem is listed
        records = Records(rows, columns.index.items(), most=MAX_SEATS,
                          too_many=f"The file has more than {MAX_SEATS} seats; a board has at most {MAX_SEATS}.")
        for number, raw, text in records:
            seat = _seat(number, raw, text, problem)
            if seat is not None:
                seats.append(seat)
                rows_of_seats.append(number)
    if records.read == 0:
        raise ImportRefused("The file has column headings but no seats.")
    for position, ours_field, message in board_problems(seats):
        problem(rows_of_seats[position], FIELD_COLUMNS[ours_field], "duplicate seat", message)
    return BoardTermsResult(kind, records.read, tuple(seats) if not problem.totals else (),
                            tuple(sorted(problem.found, key=lambda p: p.row)), problem.totals_of(KINDS),
                            tuple(columns.ignored))


def _seat(number: int, raw: dict[str, object], text: dict[str, str],
          problem: Callable[[int, str, str, str], None]) -> Seat | None:
    """One row's seat, or None with its problems recorded."""
    before: list[int] = []

    def fail(ours: str, what: str, message: str) -> None:
        before.append(1)
        problem(number, ours, what, message)

    if not text["Seat"]:
        fail("Seat", "missing value", "No seat label is given (such as Chair or Non-executive director 2).")
    role = parse_role(text["Role"]) if text["Role"] else None
    if not text["Role"]:
        fail("Role", "missing value", "No role is given.")
    elif role is None:
        fail("Role", "unknown role", f"{shown(text['Role'])} is not a role the planner knows: use one of "
             f"{', '.join(name for name, _ in ROLES.values())}.")
    board_type = None
    if text.get("Board member type"):
        board_type = parse_board_type(text["Board member type"])
        if not board_type:
            fail("Board member type", "unknown board member type",
                 f"{shown(text['Board member type'])} is not a board member type: use one of "
                 f"{', '.join(BOARD_TYPES.values())}.")
    elif role is not None and len(ROLES[role][1]) > 1:
        fail("Board member type" if "Board member type" in text else "Role", "missing value",
             f"A {ROLES[role][0].lower()} may or may not have a vote: give the board member type "
             f"({', '.join(BOARD_TYPES[t] for t in ROLES[role][1])}).")
    dates: dict[str, date | None] = {}
    for ours in ("Term start", "Term end"):
        dates[ours] = None
        if text.get(ours):
            dates[ours] = parse_date(raw[ours])
            if dates[ours] is None:
                fail(ours, "bad date", f"{shown(text[ours])} is not a date (such as 31/03/2028).")
    numbers: dict[str, int | None] = {}
    for ours in ("Term", "Most terms", "Full term (years)"):
        numbers[ours] = None
        if text.get(ours):
            numbers[ours] = _whole(raw[ours])
            if numbers[ours] is None:
                fail(ours, "bad number", f"{shown(text[ours])} is not a whole number.")
    if before or role is None:
        return None
    seat = Seat(label=" ".join(text["Seat"].split()), role=role, board_type=board_type or ROLES[role][1][0],
                term_start=dates["Term start"], term_end=dates["Term end"],
                term_number=numbers["Term"] or 1, max_terms=numbers["Most terms"] or DEFAULT_MAX_TERMS,
                term_years=numbers["Full term (years)"])
    if seat.executive:
        seat = replace(seat, term_number=1, max_terms=1, term_years=None)
    for ours_field, message in seat_problems(seat):
        kind = {"label": "bad label", "role": "unknown role", "board_type": "unknown board member type"}.get(
            ours_field, "bad term")
        if ours_field in ("term_start", "term_end") and not text.get(FIELD_COLUMNS[ours_field]):
            kind = "missing value"
        fail(FIELD_COLUMNS[ours_field], kind, message + ".")
    return None if before else seat

