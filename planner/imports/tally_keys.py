"""The small lookups planner.imports.staff_tally counts a staff extract's rows with: answers remembered for one
read, numbers standing for (area, level) pairs and ethnic groups, the age band of a date of birth, and a row's
level once its Leader cell is read. Each is looked up as `lookup[value]`, at C speed for a value met before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from planner.diversity.characteristics import age_band, age_on
from planner.imports.values import MAX_AGE, MIN_AGE, cell_text, parse_date

__all__ = ["BIRTH_MEMO_SIZE", "MEMO_SIZE", "NOT_LEADER", "BirthBands", "Memo", "Numbers", "cached", "flagged",
           "unless_blank"]

MEMO_SIZE = 10_000
# Dates of birth are remembered too: a century of them is about 36,500 different values.
BIRTH_MEMO_SIZE = 40_000
NOT_LEADER = object()  # a row's level when its Leader cell stops it being counted
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February as in every year


class Memo(dict[object, object]):
    """Values repeat (a few areas, bands and codes): each answer remembered for this read only, up to
    `size` different values (a file of all-different values must not be held twice). Looked up with
    `memo[value]`, which runs at C speed for a value seen before."""

    def __init__(self, function: Callable[[Any], object], size: int = MEMO_SIZE, *, bad: object = None) -> None:
        super().__init__()
        self.function = function
        self.size = size
        self.bad = bad
        # Whether any value has been read as `bad` (None: not recognised) in this read: until one has, no answer
        # handed out can be bad, so a batch's answers need no search for one.
        self.failed = False

    def __missing__(self, value: object) -> object:
        answer = self.function(value)
        if answer is self.bad:
            self.failed = True
        if len(self) < self.size:
            self[value] = answer
        return answer


def cached(function: Callable[[str], object]) -> Callable[[str], object]:
    """`function` remembering its answers for this read (see Memo)."""
    return Memo(function).__getitem__


class Numbers(dict[Any, int]):
    """A number for each value met in this read (an (area, level) pair, an ethnic group...), 0, 1, 2... in the
    order met: `numbers[value]` at C speed; `keys_by_number` the other way. A counted key made of numbers is
    quicker to hash than one of strings and tuples."""

    def __init__(self) -> None:
        super().__init__()
        self.keys_by_number: list[Any] = []

    def __missing__(self, key: Any) -> int:
        self[key] = number = len(self.keys_by_number)
        self.keys_by_number.append(key)
        return number


class BirthBands(dict[object, str | None]):
    """The age band on `as_at` for a date of birth cell: '' when blank, None when it is not a valid date of
    birth (an age from MIN_AGE to MAX_AGE). Remembered for this read, up to BIRTH_MEMO_SIZE dates: a file has
    thousands of different ones, so the usual 17/05/1980 is read here directly, not through parse_date."""

    def __init__(self, as_at: date) -> None:
        super().__init__()
        self.as_at = as_at
        # The age band at each age a date of birth may give; other ages are not valid.
        self.band_at_age = {age: age_band(age, None, as_at) for age in range(MIN_AGE, MAX_AGE + 1)}
        self.failed = False  # whether any cell has been read as not a date of birth (as Memo's)
        # Each day of the year that is a real day in every year ('01/01' to '31/12', not '29/02'), as a date of
        # birth's first five characters are written: 1 if the birthday falls after as_at's day and month, else 0.
        self.later_in_year = {f"{day:02d}/{month:02d}": int((as_at.month, as_at.day) < (month, day))
                              for month in range(1, 13) for day in range(1, _DAYS_IN_MONTH[month - 1] + 1)}

    def __missing__(self, raw: object) -> str | None:
        # The usual 17/05/1980 in three C-speed steps; anything else (29/02, other spellings) by `band`.
        if (type(raw) is str and len(raw) == 10 and (later := self.later_in_year.get(raw[:5])) is not None
                and raw[6:].isdecimal()):
            answer = self.band_at_age.get(self.as_at.year - int(raw[6:]) - later)
        else:
            answer = self.band(raw)
        if answer is None:
            self.failed = True  # (as Memo's)
        if len(self) < BIRTH_MEMO_SIZE:
            self[raw] = answer
        return answer

    def band(self, raw: object) -> str | None:
        """The age band for one cell (see the class)."""
        text = raw.strip() if type(raw) is str else cell_text(raw)
        if not text:
            return ""
        as_at = self.as_at
        if (len(text) == 10 and text[2] == text[5] == "/" and text[:2].isdecimal() and text[3:5].isdecimal()
                and text[6:].isdecimal()):
            day, month, year = int(text[:2]), int(text[3:5]), int(text[6:])
            if not (1 <= month <= 12 and 1 <= day <= 28):  # any such day is real: only others are checked
                try:
                    date(year, month, day)
                except ValueError:
                    return None  # 31/02/1980
            return self.band_at_age.get(as_at.year - year - ((as_at.month, as_at.day) < (month, day)))  # age_on
        born = parse_date(raw)
        return None if born is None else self.band_at_age.get(age_on(born, as_at))


def unless_blank(read: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """`read` for a cell with something in it, None for a blank one (however its reading would take it)."""
    return lambda text: read(text) if text.strip() else None


def flagged(key: tuple[bool | None, str | None]) -> object:
    """A row's level given its Leader cell read as Y/N (None when neither) and the level its band or role
    gives: that level for a leader, None for a row not marked as a leader, NOT_LEADER for a code not Y or N
    or a leader whose band and role give no level (`add` reports both)."""
    flag, level = key
    if flag is None or (flag and level is None):
        return NOT_LEADER
    return level if flag else None
