"""Whole people for printed tables, by one rule, so that every printed row of flows adds up.

The model's figures are expected values (27.4 leavers); a board paper shows whole people. Rounding
each figure on its own breaks the arithmetic a reader checks with a pencil (15 - 2 - 0 = 14). The
rule here rounds the *running totals* along a row (in post at start; after leavers; after
promotions out, which is the leaders available; after internal fills; in post at end) and shows
each flow as the difference of two rounded running totals. So every printed row reconciles
exactly:

    in post at start - leavers - promoted out + internal fills + external appointments = in post at end
    posts needed - available = shortfall without recruitment;   internal + external = vacancies

and no printed figure is more than one away from its unrounded value (each is the difference of
two numbers rounded to the nearest whole). A level's end of year is the next year's start, so the
years chain too. Sums over areas or years are rounded on their own, so a printed total may differ
from the sum of the printed parts by a little: tables that show both carry ROUNDING_NOTE.

Pure: plain numbers in, whole numbers out. The unrounded figures stay in the API and on the Live
forecast sheet."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

# The standard footnote of NHS statistical tables, for a table whose parts and total are rounded apart.
ROUNDING_NOTE = "Figures are rounded to whole people, so totals may not equal the sum of their parts."
# How each printed row of flows is rounded, in words, for the method notes of the pack and the paper.
RULE_IN_WORDS = ("Each row is rounded along its running totals (in post at the start of the year, after "
                 "leavers, after promotions out, after internal fills, in post at the end), and each flow "
                 "is the difference of two rounded totals, so every printed row adds up and no figure is "
                 "more than one person from the model's unrounded value.")


def whole(value: float) -> int:
    """The nearest whole number, halves away from zero (as Excel's formats do), ignoring float dust."""
    tidy = round(float(value), 9)  # 2.4999999999 from float arithmetic is 2.5
    return int(math.floor(tidy + 0.5)) if tidy >= 0 else -int(math.floor(-tidy + 0.5))


def whole_flows(row: Mapping[str, Any]) -> dict[str, int]:
    """One row of the model's flows (an area's or a level's total for one year) in whole people
    that reconcile as printed; the keys are the model's output names."""
    start = float(row["start"])
    leavers = float(row["leavers"])
    promoted_out = float(row["promoted_out"])
    available = float(row["available"]) if "available" in row else start - leavers - promoted_out
    internal = float(row["internal_fills"])
    end = float(row["end"])
    demand = whole(row["demand"])
    shown_start = whole(start)
    after_leavers = whole(start - leavers)
    shown_available = whole(available)
    after_internal = whole(available + internal)
    shown_end = whole(end)
    return {
        "demand": demand,
        "start": shown_start,
        "leavers": shown_start - after_leavers,
        "promoted_out": after_leavers - shown_available,
        "available": shown_available,
        "internal_fills": after_internal - shown_available,
        "external_appointments": shown_end - after_internal,
        "vacancies": shown_end - shown_available,
        "end": shown_end,
        "shortfall_without_recruitment": demand - shown_available,
    }
