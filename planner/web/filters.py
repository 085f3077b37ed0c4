"""Jinja filters: the one place pages round numbers and write dates for display."""

from __future__ import annotations

import math

from flask import Flask

from planner.dates import date_time, long_date


def people(value: float | int | None) -> str:
    """A count of people, rounded to a whole number with thousands separators."""
    if value is None:
        return ""
    return f"{round(value):,}"


def decimal(value: float | int | None, places: int = 1) -> str:
    """A number to a fixed number of decimal places, with thousands separators."""
    if value is None:
        return ""
    return f"{value:,.{places}f}"


def percent(value: float | None, places: int = 1) -> str:
    """A share (0.123) as a percentage ('12.3%')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value * 100:.{places}f}%"


def plural(count: int | float, singular: str, plural_form: str | None = None) -> str:
    """'1 area', '3 areas'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{people(count)} {word}"


def percent_list(value: float | list[float]) -> str:
    """Growth as typed on the form: '3' for 0.03, or '6, 5, 4' for a list of yearly rates."""
    values = value if isinstance(value, list) else [value]
    return ", ".join(f"{v * 100:.10g}" for v in values)


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(people=people, decimal=decimal, percent=percent, plural=plural,
                                 percent_list=percent_list, zip=zip, long_date=long_date,
                                 date_time=date_time)
