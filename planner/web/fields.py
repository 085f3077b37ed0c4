"""Reading what people type: the one place numbers, dates and record ids are parsed.

The grid forms (a box per area and level) call `whole`, `number`, `percent` and `day`, which append
(field, message) to `errors`; the WTForms forms use `WholeNumberField` and `DateTextField`, which
read with the same rules. One message per problem, in plain words that name the field."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any

from flask import abort
from wtforms import Field, IntegerField
from wtforms.validators import NumberRange, StopValidation
from wtforms.widgets import HiddenInput, TextInput

Errors = list[tuple[str, str]]
_WHOLE = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() would accept a superscript two
_SIGNED = re.compile(r"-?[0-9]+")
# Far above any count the planner holds, and inside a 32-bit database column.
MAX_WHOLE = 1_000_000_000
# The largest record id the database holds: 64-bit signed (PostgreSQL's bigint; SQLite's integer).
MAX_ID = 2**63 - 1


def is_record_id(text: str) -> bool:
    """Whether `text` (ASCII digits) could be a record's id: from 1 to MAX_ID."""
    return bool(_WHOLE.fullmatch(text)) and 1 <= int(text) <= MAX_ID


def record_id(raw: str | None) -> int | None:
    """A record id from a form or query string, or None if it cannot be one (the view then 404s)."""
    text = (raw or "").strip()
    return int(text) if is_record_id(text) else None


def named_record_id(raw: str | None) -> int | None:
    """The id a query string or form names (as ?scenario=3), or None when it names none; a value
    that no record can have ('abc', '-1', '²', 30 digits) is a page that does not exist: 404."""
    text = (raw or "").strip()
    if not text:
        return None
    if not is_record_id(text):
        abort(404)
    return int(text)


def whole_number(raw: str, *, signed: bool = False) -> int | None:
    """A whole number as typed ('1,200' is fine), or None if it is not one. Its size is the caller's
    to check (a range, or MAX_WHOLE); past 40 digits it is not read at all."""
    text = raw.strip().replace(",", "")
    if not (_SIGNED if signed else _WHOLE).fullmatch(text) or len(text) > 40:
        return None
    return int(text)


def whole(raw: str, label: str, errors: Errors, field: str, *, example: str = "12") -> int:
    """A count of 0 or more ('1,200' is fine; empty is 0)."""
    text = raw.strip().replace(",", "")
    if not text:
        return 0
    if _SIGNED.fullmatch(text) and text.startswith("-"):
        errors.append((field, f"{label} cannot be negative. It must be a whole number of 0 or more, like {example}"))
        return 0
    if not _WHOLE.fullmatch(text):
        errors.append((field, f"{label} must be a whole number of 0 or more, like {example}"))
        return 0
    if len(text) > 12 or int(text) > MAX_WHOLE:
        errors.append((field, f"{label} is too large: at most {MAX_WHOLE:,}"))
        return 0
    return int(text)


def number(raw: str, label: str, errors: Errors, field: str, *, blank: float | None = None,
           non_negative: bool = False, example: str = "381.6") -> float | None:
    """A finite number ('1,200.5' is fine); empty gives `blank`."""
    text = raw.strip().replace(",", "")
    if not text:
        return blank
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (non_negative and value < 0):
        errors.append((field, f"{label} must be a number{' of 0 or more' if non_negative else ''}, like {example}"))
        return blank
    return value


def amount(raw: str, label: str, errors: Errors, field: str, *, example: str = "1500") -> float:
    """An amount in pounds ('£1,500' or '1500.50'); empty is 0, and it is never negative."""
    text = raw.strip()
    text = text[1:].strip() if text.startswith("£") else text
    problems: Errors = []
    value = number(text, label, problems, field, blank=0.0)
    if problems or value is None:
        errors.append((field, f"{label} must be an amount in pounds, like {example}"))
        return 0.0
    if value < 0:
        errors.append((field, f"{label} cannot be negative. Enter an amount in pounds of 0 or more, like {example}"))
        return 0.0
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


def day(raw: str, label: str, errors: Errors, field: str, *, example: str = "2026-03-31") -> date | None:
    """A date typed as year-month-day ('2026-03-31'); empty gives None. `label` reads after 'Enter'."""
    text = raw.strip()
    if not text:
        return None
    if text.isascii() and len(text) == 10:  # fromisoformat alone would also take '20260331'
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    errors.append((field, f"Enter {label} as a date, like {example}"))
    return None


def moment(raw: str) -> datetime | None:
    """A time in ISO 8601 ('2026-11-23T09:00:00Z'; without a zone it is UTC), or None if it is not one."""
    text = raw.strip()
    if not text.isascii() or len(text) > 40:
        return None
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


class _OneMessage(Field):
    """A field whose reading problem is its only message: validators do not add a second."""

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


class WholeNumberField(_OneMessage, IntegerField):
    """A whole number, read by `whole_number` (ASCII digits, commas allowed). The message names
    `noun` (else 'the' and the label) and shows `example`: 'Enter the start year as a whole number,
    like 2026'."""

    def __init__(self, label: str | None = None, validators: Any = None, *, example: str = "12",
                 noun: str | None = None, signed: bool = False, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.example, self.signed = example, signed
        self.noun = noun or f"the {str(self.label.text).lower()}"

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = whole_number(str(valuelist[0]), signed=self.signed)
        if self.data is None:
            raise ValueError(f"Enter {self.noun} as a whole number, like {self.example}")

    def pre_validate(self, form: Any) -> None:
        super().pre_validate(form)
        ranged = any(isinstance(v, NumberRange) for v in self.validators)
        if self.data is not None and not ranged and abs(self.data) > MAX_WHOLE:
            raise StopValidation(f"Enter {self.noun} as a whole number up to {MAX_WHOLE:,}")


class DateTextField(_OneMessage, Field):
    """A date typed as year-month-day into a text box; `data` is a date, or None when empty."""

    widget = TextInput()
    data: date | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        errors: Errors = []
        self.raw_text = str(valuelist[0]) if valuelist else ""
        self.data = day(self.raw_text, f"the {str(self.label.text).lower()}", errors, self.name)
        if errors:
            raise ValueError(errors[0][1])

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if isinstance(self.data, date) else ""


# A record's version fits a 32-bit column: it grows by one a save.
MAX_VERSION = 2**31 - 1


class VersionField(_OneMessage, Field):
    """The version of the record an edit form shows, sent back so a stale save is refused
    (planner.services.editing). Every edit form has one; a post without a readable one is refused.
    With `new`, 0 stands for a record not stored yet (a one-per-strategy record such as the cover)."""

    widget = HiddenInput()
    data: int | None

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lowest = 0 if new else 1

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        self.data = int(text) if _WHOLE.fullmatch(text) and len(text) <= 10 else None
        if not text:
            raise ValueError("This form was sent without the version of what it changes, so it could not be checked "
                             "against other people's changes. Open the page again and make your change there")
        if self.data is None or not self.lowest <= self.data <= MAX_VERSION:
            self.data = None
            raise ValueError("This form's version of what it changes could not be read. Open the page again and "
                             "make your change there")

    def renew(self, version: int) -> None:
        """Show `version` from now on (after a refusal, so the next save knowingly replaces it)."""
        self.raw_data, self.data = None, version

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class TextBox(Field):
    """A box of a hand-written form, read as typed: its text, or `missing` ("" unless told) when the box was
    left out of the post (`raw_data` is then empty, for a view that must tell "not sent" apart). Never a
    stored record's value: an edit form is given the record's version only. Its parsing is the view's,
    through the parsers above, so a box has no message of its own and never stops `validate_on_submit`."""

    widget = TextInput()
    data: str

    def __init__(self, label: str | None = None, validators: Any = None, *, missing: str = "",
                 **kwargs: Any) -> None:
        kwargs.setdefault("default", "")  # before any post (a page shown by GET) the box is empty
        super().__init__(label, validators, **kwargs)
        self.missing = missing

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = str(valuelist[0]) if valuelist else self.missing

    @property
    def text(self) -> str:
        """The text posted, empty when none was (and before any post)."""
        return self.data or ""

    def _value(self) -> str:
        return self.text


class Chosen(Field):
    """The values of the ticked boxes that share a name, in the order posted (what they mean is the
    service's to check)."""

    data: list[str]

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [str(value) for value in valuelist]

