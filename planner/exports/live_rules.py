"""The Live forecast sheet's data validation: a rule for each kind of input cell (whole or decimal, its
bounds) with the words Excel shows when a value breaks it."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.forecast.parse import GROWTH, LEADERS, POSTS, SPAN, STAFF, START_YEAR


@dataclass(frozen=True)
class Rule:
    """A data validation rule for one kind of input cell, with the words Excel shows for it."""

    type: str  # "whole" or "decimal"
    operator: str  # "between", "greaterThan" or "greaterThanOrEqual"
    low: float
    high: float | None
    allow_blank: bool
    title: str  # error and prompt title; Excel shows at most 32 characters
    error: str
    prompt: str


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _limit(value: float | None) -> float:
    assert value is not None, "the engine's range has this end"
    return value


def _above(low_open: bool) -> str:
    """Excel's operator for a range with only a low end, open or closed as the engine's is."""
    return "greaterThan" if low_open else "greaterThanOrEqual"


def _rules() -> dict[str, Rule]:
    # The bounds are the engine's (planner.forecast.parse), so the sheet refuses what the planner refuses.
    first_year, last_year = _limit(START_YEAR.low), _limit(START_YEAR.high)
    most_staff, most_leaders = _limit(STAFF.high), _limit(LEADERS.high)
    share = "a share between 0 and 1: type 0.12 for 12%"
    return {
        "start_year": Rule("whole", "between", first_year, last_year, False, "Start year",
                           f"The start year must be a whole number from {_bound(first_year)} to "
                           f"{_bound(last_year)}.",
                           "The year the forecast starts from; the results count on from it."),
        "rate": Rule("decimal", "between", 0, 1, False, "Rate: a share from 0 to 1",
                     f"A rate must be {share}. Below 0 or above 1 (100%) is refused.",
                     f"The level's rate, {share}. A leaver rate given once repeats the year before in later "
                     "years until you type over it."),
        "override": Rule("decimal", "between", 0, 1, True, "Override: blank, or 0 to 1",
                         f"An override must be blank (the level's rate applies) or {share}.",
                         f"Blank: this area uses the level's rate. Otherwise {share}."),
        "posts": Rule("whole", "between", _limit(POSTS.low), _limit(POSTS.high), True, "Funded posts: blank, or whole",
                      f"Funded posts must be blank (demand follows the span, else the starting count) or a whole "
                      f"number of posts from 0 to {_limit(POSTS.high):,.0f}.",
                      "The funded leader posts that year, whole posts: the posts needed. Blank: demand follows "
                      "the span, else the starting count."),
        "staff": Rule("whole", "between", _limit(STAFF.low), most_staff, False, "Staff: a whole number",
                      f"Staff must be a whole number from 0 to {most_staff:,.0f}.",
                      "Staff in the area at the start (headcount), a whole number."),
        "leaders": Rule("whole", "between", _limit(LEADERS.low), most_leaders, False, "Leaders: a whole number",
                        f"Leaders in post must be a whole number from 0 to {most_leaders:,.0f}.",
                        "Leaders in post at the start in this area and level, a whole number."),
        "span": Rule("decimal", _above(SPAN.low_open), _limit(SPAN.low), None, True, "Span: blank, or more than 0",
                     "A span must be blank (demand stays at the starting count) or a number of staff per "
                     "leader more than 0.",
                     "Staff per leader; demand follows staff. Blank: demand stays at the starting count."),
        "growth": Rule("decimal", _above(GROWTH.low_open), _limit(GROWTH.low), None, False, "Growth: more than -1",
                       "Growth must be a share more than -1: 0.03 for 3% more staff, -0.02 for 2% fewer.",
                       "The share by which the area's staff change this year: 0.03 for 3%, -0.02 for a 2% fall."),
    }


class Validations:
    """One DataValidation per rule, each covering every range of its kind of input cell."""

    def __init__(self) -> None:
        self.rules = _rules()
        self.by_rule: dict[str, DataValidation] = {}

    def add(self, rule: str, cells: str) -> None:
        """Apply a rule to a range such as C8:E11."""
        if rule not in self.by_rule:
            self.by_rule[rule] = _validation(self.rules[rule])
        self.by_rule[rule].add(cells)

    def attach(self, ws: Worksheet) -> None:
        """Put every rule with cells on the sheet."""
        for validation in self.by_rule.values():
            ws.add_data_validation(validation)


def _validation(rule: Rule) -> DataValidation:
    return DataValidation(
        type=rule.type, operator=rule.operator, formula1=_bound(rule.low),
        formula2=None if rule.high is None else _bound(rule.high), allow_blank=rule.allow_blank,
        showErrorMessage=True, errorStyle="stop", errorTitle=rule.title, error=rule.error,
        showInputMessage=True, promptTitle=rule.title, prompt=rule.prompt)
