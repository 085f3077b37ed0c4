"""What every importer of a one-row-per-record file shares: opening the file as rows, reading the records
after its heading row (blank rows passed over, too many refused), looking a cell up, and keeping the
problems found, by row and column. The heading row and its columns are found by planner.imports.columns."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import ne
from typing import Any, TypeVar

from planner.imports.columns import find_heading_row
from planner.imports.files import ImportRefused, Limits, Row, check_size, csv_rows, kind_of
from planner.imports.values import cell_text, shown
from planner.imports.workbook import xlsx_rows

__all__ = [
    "PROBLEMS_KEPT", "UNKNOWN_AREA", "UNKNOWN_PLACE", "Assignments", "Problem", "Problems", "ReadResult", "Records",
    "RowProblem",
    "find_heading_row", "look_up", "looked_up", "more_than", "open_rows",
]

T = TypeVar("T")
PROBLEMS_KEPT = 100  # problems listed in full; every one is counted


@dataclass(frozen=True)
class RowProblem:
    """One problem in one cell: row as a spreadsheet shows it (headings are row 1 in most files)."""

    row: int
    column: str
    kind: str
    message: str


@dataclass
class ReadResult:
    """What reading a file found besides its figures: its kind (csv or xlsx), the rows read, the first
    problems (by row and column), how many problems of each kind, and the headings of the columns not read."""

    file_kind: str
    rows_read: int
    problems: list[RowProblem]
    problem_totals: dict[str, int]
    ignored_columns: list[str]


class Problems:
    """The problems found in a file's rows: the first `kept` of them (every one when None) with the file's
    heading for the column, and how many of each kind. Called as (row number, our column, kind, message)."""

    def __init__(self, headings: Mapping[str, str] | None = None, *, kept: int | None = PROBLEMS_KEPT) -> None:
        self.headings: Mapping[str, str] = headings if headings is not None else {}
        self.kept = kept
        self.found: list[RowProblem] = []
        self.totals: dict[str, int] = {}

    def __call__(self, number: int, ours: str, kind: str, message: str) -> None:
        self.totals[kind] = self.totals.get(kind, 0) + 1
        if self.kept is None or len(self.found) < self.kept:
            self.found.append(RowProblem(number, self.headings.get(ours, ours), kind, message))

    def count(self) -> int:
        """How many problems there are so far (a row's check compares it before and after)."""
        return sum(self.totals.values())

    def totals_of(self, kinds: Iterable[str]) -> dict[str, int]:
        """The count of each kind found, in the order of `kinds`."""
        return {kind: self.totals[kind] for kind in kinds if kind in self.totals}


def open_rows(data: bytes, filename: str, sheet: str | None,
              limits: Limits) -> tuple[str, Generator[tuple[int, Row], None, None], str]:
    """The file's kind, its rows, and the sentence for a file with nothing in it; refuses unsafe files."""
    check_size(data, limits)
    kind = kind_of(data, filename)
    rows = xlsx_rows(data, sheet, limits) if kind == "xlsx" else csv_rows(data, limits)
    empty = "The file is empty." if kind == "csv" else (
        f"The sheet '{sheet[:40]}' is empty." if sheet else "The workbook's first sheet is empty.")
    return kind, rows, empty


Problem = Callable[[int, str, str, str], None]  # (row number, our column, kind of problem, message)
# An area not in the structure, a level not the strategy's: the kind of problem, and the words after the value.
UNKNOWN_AREA = ("unknown area", "is not the code or name of an area in the structure.")
UNKNOWN_PLACE = {"area": UNKNOWN_AREA, "level": ("unknown level", "is not the key or name of a leadership level.")}


_HALF = 1 << 64  # two hashes of 64 bits, each from -2**63 to 2**63 - 1, as one number
SHORT_NUMBER = 32  # characters: an assignment number up to this long (ESR's are 8 to 10) is compared as it is


class Assignments:
    """The assignment numbers of an extract seen so far, each with the row it was first on, only while the file is
    read, ignoring case. A number of up to SHORT_NUMBER plain (ASCII) characters is kept as its bytes passed
    through a byte substitution made at random for this read: compared exactly, a whole batch at C speed, and
    not held as written (the file's own text is in memory meanwhile, so this is tidiness, not secrecy). A longer
    one (or one with other characters) is kept as a keyed hash of a fixed size, so a file of long cells cannot
    fill memory: Python's own string hash (SipHash, keyed with a secret made when the process starts) of the
    number after each of two random prefixes made for this read, 128 bits, so two different numbers never share
    one by chance (and a hash, a number, is never equal to a substitution's bytes)."""

    def __init__(self) -> None:
        self.prefixes = (secrets.token_hex(16), secrets.token_hex(16))
        scrambled = list(range(1, 256))
        secrets.SystemRandom().shuffle(scrambled)
        self.table = bytes([0, *scrambled])  # NUL stays NUL: it parts a batch's numbers (see `repeated`)
        self.first: dict[int | bytes, int] = {}

    def key(self, folded: str) -> int | bytes:
        """How a number already case-folded is kept: its scrambled bytes when short and plain, else its hash."""
        if len(folded) <= SHORT_NUMBER and folded.isascii() and "\x00" not in folded:
            return folded.encode().translate(self.table)
        return hash(self.prefixes[0] + folded) * _HALF + hash(self.prefixes[1] + folded)

    def check(self, number: int, number_text: str, problem: Problem) -> None:
        """Note the row's assignment number; one already on an earlier row is a problem."""
        first = self.first.setdefault(self.key(number_text.casefold()), number)
        if first != number:
            problem(number, "Assignment Number", "duplicate assignment",
                    f"This assignment number is also on row {first:,}.")

    def repeated(self, first: int, numbers: Sequence[str]) -> list[int]:
        """Note a batch's assignment numbers, the first on row `first` (blank ones passed over, as `check` is
        not called for them); returns the places in the batch of those already on an earlier row."""
        rows: Sequence[int] = range(first, first + len(numbers))
        if "" in numbers:
            given = list(map(bool, numbers))
            numbers, rows = list(compress(numbers, given)), list(compress(rows, given))
        joined = "\x00".join(numbers)  # (casefold maps each character on its own: unchanged whole, unchanged each)
        if joined.casefold() != joined:
            joined = joined.casefold()
            numbers = joined.split("\x00") if joined.count("\x00") == len(numbers) - 1 else list(
                map(str.casefold, numbers))
        keys: Iterable[int | bytes]
        if (joined.isascii() and joined.count("\x00") == len(numbers) - 1
                and max(map(len, numbers), default=0) <= SHORT_NUMBER):
            # Every number short, plain and without a NUL: scrambled and parted again in two C-speed steps.
            keys = joined.encode().translate(self.table).split(b"\x00")
        else:
            keys = list(map(self.key, numbers))
        firsts = list(map(self.first.setdefault, keys, rows))
        if not any(map(ne, firsts, rows)):
            return []
        return [row - first for row, seen in zip(rows, firsts, strict=True) if seen != row]


def looked_up(number: int, ours: str, given: str, lookup: Callable[[str], T | None], problem: Problem, *,
              missing: str, unknown: tuple[str, str]) -> T | None:
    """What one cell's text names (an area's code, a band...), or None with a problem: `missing` when the cell
    is blank, else `unknown`'s kind and the words after the value ("is not the code or name of an area...")."""
    if not given:
        problem(number, ours, "missing value", missing)
        return None
    found = lookup(given)
    if found is None:
        problem(number, ours, unknown[0], f"{shown(given)} {unknown[1]}")
    return found


def look_up(number: int, text: Mapping[str, str], lookups: Mapping[str, Callable[[str], str | None]],
            unknown: Mapping[str, tuple[str, str]], problem: Problem) -> dict[str, str]:
    """The code each looked-up column names (an area, a level...); a missing or unknown one is a problem,
    `unknown` giving its kind and the words after the value ("is not the code or name of an area...")."""
    found: dict[str, str] = {}
    for ours, lookup in lookups.items():
        code = looked_up(number, ours, text[ours], lookup, problem, missing=f"No {ours} is given.",
                         unknown=unknown[ours])
        if code is not None:
            found[ours] = code
    return found


def more_than(most: int, what: str) -> str:
    """The sentence refusing a file of more than `most` `what` (rows, assessments...)."""
    return f"The file has more than {most:,} {what}; the limit is {most:,}."


class Records:
    """The rows after the heading row, blank ones passed over, as (row number, each cell read by our column,
    each cell's text); counted in `read`, and refused (ImportRefused `too_many`) past `most`. `every` names
    columns to give (None, and text '') where the file lacks them; `text` reads a cell's text."""

    def __init__(self, rows: Iterable[tuple[int, Row]], used: Iterable[tuple[str, int]], *, most: int,
                 too_many: str, every: Sequence[str] = (), text: Callable[[object], str] = cell_text) -> None:
        self.rows = rows
        self.used = tuple(used)
        self.most = most
        self.too_many = too_many
        self.every = every
        self.text = text
        self.read = 0

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
        used, read_text = self.used, self.text
        for number, row in self.rows:
            width = len(row)
            raw: dict[str, Any] = dict.fromkeys(self.every)
            raw.update({ours: (row[i] if i < width else None) for ours, i in used})
            text = {ours: read_text(value) for ours, value in raw.items()}
            if not any(text.values()):
                continue  # a blank row
            self.read += 1
            if self.read > self.most:
                raise ImportRefused(self.too_many)
            yield number, raw, text
