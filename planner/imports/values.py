"""Reading one cell: text of any cell, pay bands and medical grades, job roles, Y/N, FTE, age and date of
birth. A cell is always taken as plain text or a number; nothing in it is ever evaluated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from planner.imports.columns import normalise
from planner.imports.grades import parse_grade, parse_job_role

SHOWN_LENGTH = 40
MIN_AGE, MAX_AGE = 14, 100


def cell_text(value: object) -> str:
    """A cell as trimmed text: numbers without a trailing '.0', dates as YYYY-MM-DD, blank as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def shown(text: str) -> str:
    """A cell's own value for a problem message: on one line, at most 40 characters, in quotes."""
    flat = " ".join(text.split())
    if len(flat) > SHOWN_LENGTH:
        flat = flat[: SHOWN_LENGTH - 1] + "…"
    return f"'{flat}'"


_BAND = re.compile(r"^(?:agendaforchange|afc|reviewbody|nhs)*(?:band)?([1-9])(?:range)?([a-d])?$")
_NAMED_BANDS = {
    **dict.fromkeys(("vsm", "verysenior", "veryseniormanager", "veryseniormanagers"), "VSM"),
    **dict.fromkeys(("boardexecutive", "executivedirector", "boardexecutivedirector"), "Board - Executive"),
    **dict.fromkeys(("boardnonexecutive", "nonexecutivedirector", "boardnonexecutivedirector"),
                    "Board - Non-Executive"),
}


def parse_band(text: str) -> str | None:
    """The band code ('5', '8a', 'VSM', 'Board - Executive', ...) for 'Band 8a', '8A', 'Band 8 - Range A'...,
    or the medical or dental grade ('Consultant', 'Specialty Registrar', ...) for 'Consultant', 'ST4', 'FY1'...;
    None for anything else."""
    words = normalise(text)
    if words in _NAMED_BANDS:
        return _NAMED_BANDS[words]
    match = _BAND.match(words)
    if not match:
        return parse_grade(words)
    number, letter = match.groups()
    if (number == "8") != bool(letter):
        return None  # band 8 has ranges a to d; the others have none
    return number + (letter or "")


def job_role(text: str) -> str | None:
    """The leadership job role ('Medical Director', 'Clinical Director', ...) a cell names, or None: most
    job roles ('Staff Nurse', 'Consultant') choose no level, and leave it to the band or grade."""
    return parse_job_role(normalise(text))


def band_level_lookup(band_levels: Mapping[str, str]) -> dict[str, str]:
    """band_levels keyed by band or grade code, however the caller spelled them; its job roles are left
    out (role_level_lookup has them)."""
    lookup: dict[str, str] = {}
    for band, level in band_levels.items():
        if job_role(band) is not None:
            continue
        code = parse_band(band)
        if code is None:
            raise ValueError(f"band_levels names {band!r}, which is not a band, grade or job role")
        lookup[code] = level
    return lookup


def role_level_lookup(band_levels: Mapping[str, str]) -> dict[str, str]:
    """The job roles of band_levels, keyed by role name: a row's job role decides its level before its
    band or grade does."""
    lookup: dict[str, str] = {}
    for name, level in band_levels.items():
        role = job_role(name)
        if role is not None:
            lookup[role] = level
    return lookup


class AreaLookup:
    """An area's code from its code or name as the file spells it (case, spaces and punctuation aside)."""

    def __init__(self, areas: Mapping[str, str]) -> None:
        self._exact: dict[str, str] = {}
        self._loose: dict[str, str | None] = {}
        for name, code in areas.items():
            self._exact.setdefault(" ".join(name.casefold().split()), code)
            loose = normalise(name)
            if self._loose.get(loose, code) != code:
                self._loose[loose] = None  # two areas read alike: only an exact spelling finds either
            else:
                self._loose[loose] = code

    def code(self, text: str) -> str | None:
        """The area code, or None when no area (or more than one) matches."""
        exact = self._exact.get(" ".join(text.casefold().split()))
        return exact if exact is not None else self._loose.get(normalise(text))


_YES = {"y", "yes", "true", "1"}
_NO = {"", "n", "no", "false", "0"}


def parse_yes_no(text: str) -> bool | None:
    """True for Y/Yes/True/1, False for N/No/False/0 or blank, None for anything else."""
    words = normalise(text)
    if text.strip() and not words:
        return None
    return True if words in _YES else False if words in _NO else None


def parse_fte(value: object) -> Decimal | None:
    """The full-time equivalent (0 when blank), or None if it is not a number from 0 to 2."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        return None
    try:
        fte = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return fte if fte.is_finite() and 0 <= fte <= 2 else None


def parse_age(value: object) -> int | None:
    """An age in whole years from 14 to 100, or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        age = int(value) if value == value and abs(value) < 1000 else None
    else:
        text = str(value).strip()
        age = int(text) if text.isdigit() and len(text) <= 3 else None
    return age if age is not None and MIN_AGE <= age <= MAX_AGE else None


_DATE_FORMATS = ("%d %B %Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
# The usual shapes, read without strptime (which is slow): 17/05/1980, 17-05-1980, 17.05.1980, 17-MAY-1980.
_UK_DATE = re.compile(r"^(\d{1,2})([/.\-\s])(\d{1,2}|[A-Za-z]{3})\2(\d{4})$")
_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def parse_date(value: object) -> date | None:
    """A date from a date cell, or text such as 17/05/1980, 1980-05-17 or 17-MAY-1980; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if (len(text) == 10 and text[2] == text[5] == "/" and text[:2].isdecimal() and text[3:5].isdecimal()
                and text[6:].isdecimal()):
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))  # 17/05/1980, the usual shape, quickly
        uk = _UK_DATE.match(text)
        if uk:
            day, _, month, year = uk.groups()
            number = int(month) if month.isdigit() else _MONTHS.get(month.lower())
            return date(int(year), number, int(day)) if number else None
        if _ISO.match(text):
            return date.fromisoformat(text[:10])
        for pattern in _DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    except ValueError:
        return None
    return None
