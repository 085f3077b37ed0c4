"""Dates as NHS readers write them: the one place for '12 March 2027'. Pure (no Flask)."""

from __future__ import annotations

from datetime import date, datetime


def long_date(value: date | datetime | str | None) -> str:
    """'12 March 2027' from a date, a datetime or an ISO date string; '–' for none."""
    if value is None or value == "":
        return "–"
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day.day} {day:%B %Y}"


def date_time(value: datetime | None) -> str:
    """'12 March 2027, 09:05' (the 24-hour clock, in the time zone the value is in); '–' for none."""
    if value is None:
        return "–"
    return f"{long_date(value)}, {value:%H:%M}"
