"""Reading numbers typed into the grid forms: one rule each for whole counts, numbers and
percentages, with messages that name the field. Each appends (field, message) to `errors`."""

from __future__ import annotations

import math
import re

Errors = list[tuple[str, str]]
_WHOLE = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() would accept a superscript two
# Far above any count the planner holds, and inside a 32-bit database column.
MAX_WHOLE = 1_000_000_000


def whole(raw: str, label: str, errors: Errors, field: str) -> int:
    """A count of 0 or more ('1,200' is fine; empty is 0)."""
    text = raw.strip().replace(",", "")
    if not text:
        return 0
    if not _WHOLE.fullmatch(text):
        errors.append((field, f"{label} must be a whole number of 0 or more, like 12"))
        return 0
    if int(text) > MAX_WHOLE:
        errors.append((field, f"{label} is too large: at most {MAX_WHOLE:,}"))
        return 0
    return int(text)


def number(raw: str, label: str, errors: Errors, field: str, *, blank: float | None = None,
           non_negative: bool = False) -> float | None:
    """A finite number ('1,200.5' is fine); empty gives `blank`."""
    text = raw.strip().replace(",", "")
    if not text:
        return blank
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (non_negative and value < 0):
        errors.append((field, f"{label} must be a number{' of 0 or more' if non_negative else ''}, like 381.6"))
        return blank
    return value


def percent(raw: str, label: str, errors: Errors, field: str, *, blank: float | None = None,
            within: bool = False) -> float | None:
    """A percentage as typed ('9.5' or '9.5%') returned as a share (0.095); empty gives `blank`.
    A comma is refused rather than guessed at: '9,5' could be 9.5 or 95."""
    text = raw.strip().rstrip("%").strip()
    if not text:
        return blank
    if "," in text:
        errors.append((field, f"{label} must be a number with a full stop for decimals, like 9.5"))
        return blank
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        errors.append((field, f"{label} must be a number: a percentage, like 12.5"))
        return blank
    if within and not 0 <= value <= 100:
        errors.append((field, f"{label} must be from 0 to 100"))
        return blank
    return value / 100
