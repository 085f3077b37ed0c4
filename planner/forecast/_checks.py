"""Primitive checks used by the spec parser; each records a Problem instead of raising."""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from dataclasses import dataclass

from planner.forecast.errors import Problem


def join(path: str, key: str) -> str:
    """Path of a field inside an object (``areas[0]`` + ``staff`` -> ``areas[0].staff``)."""
    return f"{path}.{key}" if path else key


def index(path: str, position: int) -> str:
    """Path of an item inside a list (``levels`` + 2 -> ``levels[2]``)."""
    return f"{path}[{position}]"


def absent(data: dict[str, object], key: str, *, required: bool = False) -> bool:
    """Whether a field is not given: missing, or null where the field is optional."""
    # Forms and APIs send null for "no value"; that only means "use the default" for an
    # optional field, so a required field that is null is still reported (as not a number).
    return key not in data or (not required and data[key] is None)


def show(value: object) -> str:
    """The value as a user wrote it in JSON, shortened so a message stays readable."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    try:
        text = json.dumps(value, allow_nan=True, default=repr)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def bound(value: float) -> str:
    """A range bound without a spurious ``.0`` (``1`` not ``1.0``)."""
    return str(int(value)) if float(value).is_integer() else repr(value)


@dataclass(frozen=True, slots=True)
class Range:
    """Allowed values of a number; ``low_open`` means the low end itself is not allowed.

    ``cap`` marks a high end that is only a sanity limit (a count, not a share), so the
    message names the broken end rather than a range nobody thinks of.
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    cap: bool = False
    note: str = ""  # why the range is what it is, added to the message

    def refuses(self, value: float) -> bool:
        """Whether the value falls outside the range."""
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return True
        return self.high is not None and value > self.high

    def complaint(self, value: float, shown: str) -> str:
        """The message for a value outside the range, naming the value and the range."""
        message = self._complaint(value, shown)
        return f"{message} ({self.note})" if self.note else message

    def _complaint(self, value: float, shown: str) -> str:
        low, high = self.low, self.high
        if high is not None and value > high and (self.cap or low is None):
            return f"{shown} is more than {bound(high)}, the most allowed"
        if low is not None and (high is None or self.cap or self.low_open):
            return f"{shown} must be more than {bound(low)}" if self.low_open else f"{shown} is less than {bound(low)}"
        assert low is not None and high is not None
        return f"{shown} is outside {bound(low)}..{bound(high)}"


RATE = Range(0.0, 1.0)
NON_NEGATIVE = Range(0.0)


class Checker:
    """Collects every problem found while reading a spec."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(path, message))

    def mapping(self, value: object, path: str) -> dict[str, object] | None:
        """The value as a JSON object, or None (and a problem) if it is not one."""
        if isinstance(value, dict) and all(isinstance(key, str) for key in value):
            return value
        self.add(path, f"{show(value)} is not an object")
        return None

    def sequence(self, value: object, path: str) -> list[object] | None:
        """The value as a JSON list, or None (and a problem) if it is not one."""
        if isinstance(value, list):
            return value
        self.add(path, f"{show(value)} is not a list")
        return None

    def known_keys(self, data: dict[str, object], path: str, allowed: Collection[str]) -> None:
        """Refuse keys outside ``allowed``, so a typo never silently becomes a default."""
        for key in data:
            if key not in allowed:
                expected = ", ".join(allowed)
                self.add(join(path, key), f'unknown field "{key}" (expected one of: {expected})')

    def text(self, data: dict[str, object], key: str, path: str, *, required: bool) -> str | None:
        """A non-empty string field."""
        where = join(path, key)
        if absent(data, key, required=required):
            if required:
                self.add(where, "is missing")
            return None
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            self.add(where, f"{show(value)} is not a non-empty string")
            return None
        return value

    def number(
        self,
        data: dict[str, object],
        key: str,
        path: str,
        allowed: Range,
        *,
        default: float | None = None,
    ) -> float | None:
        """A finite number field (not a bool) inside ``allowed``; ``default`` when absent."""
        where = join(path, key)
        if absent(data, key, required=default is None):
            if default is None:
                self.add(where, "is missing")
            return default
        return self.value(data[key], where, allowed)

    def _finite(self, value: object, where: str) -> int | float | None:
        """A finite number (not a bool), or None with a problem."""
        # bool is an int subclass in Python, but true/false are not counts or rates.
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(where, f"{show(value)} is not a number")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.add(where, f"{show(value)} is not a finite number")
            return None
        return value

    def _inside(self, value: int | float, where: str, allowed: Range) -> bool:
        """Whether ``value`` is inside ``allowed``; a problem when not."""
        # Compare before converting: a huge JSON integer must not overflow float().
        if allowed.refuses(value):
            self.add(where, allowed.complaint(value, show(value)))
            return False
        return True

    def value(self, value: object, where: str, allowed: Range) -> float | None:
        """A finite number (not a bool) inside ``allowed``, or None with a problem."""
        found = self._finite(value, where)
        return float(found) if found is not None and self._inside(found, where, allowed) else None

    def whole(
        self,
        data: dict[str, object],
        key: str,
        path: str,
        allowed: Range,
        *,
        default: int | None = None,
    ) -> int | None:
        """A whole-number field (``2026`` or ``2026.0``) inside ``allowed``."""
        where = join(path, key)
        if absent(data, key, required=default is None):
            if default is None:
                self.add(where, "is missing")
            return default
        return self.whole_value(data[key], where, allowed)

    def whole_value(self, value: object, where: str, allowed: Range) -> int | None:
        """A whole number inside ``allowed``, or None with a problem."""
        found = self._finite(value, where)
        if found is None:
            return None
        if isinstance(found, float) and not found.is_integer():
            note = f" ({allowed.note})" if allowed.note else ""
            self.add(where, f"{show(found)} is not a whole number{note}")
            return None
        return int(found) if self._inside(found, where, allowed) else None
