"""Self-assessment results: the one place they are worked out. Pure Python: no Flask, no database.

For each item and each dimension: the mean answer, the population standard deviation (the spread:
how far we disagree) and the share agreeing (answers of 4 or 5 over the answers given), with n the
number of answers given. "Don't know" and blanks are left out of every figure and count. A dimension
pools every answer to its items (it is not an average of item means). Items are listed with the most
disagreement first (highest SD, ties by key). Each group's dimension means are compared with the
comparison group's (frontline staff by default).

The five-response rule: with fewer than MIN_RESPONSES responses in all there are no figures at all;
a group with fewer than MIN_RESPONSES responses is never shown on its own (its answers still count
in the totals) and is only named in `withheld_groups`. When the hidden groups together number fewer
than five, the smallest shown group is hidden too, so that subtracting the shown groups from the
totals never isolates fewer than five people. Nothing is rounded here.

Only responses that are `counted` count towards these thresholds (every response, unless the caller
says otherwise): an invitation survey counts only the answers given with distinct personal codes, so
that responses someone could add at will (imported ones) can never make up the five. Uncounted
responses still count in the figures once the thresholds are met."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from planner.survey.items import SCALE_VALUES, Dimension

MIN_RESPONSES = 5
AGREE = (4, 5)


@dataclass(frozen=True)
class Response:
    """One person's answers: their group's key and {item key: 1 to 5, or None for don't know or blank}."""

    group: str
    answers: Mapping[str, int | None]
    counted: bool = True  # towards the five-response thresholds: False for answers that may not be distinct people


@dataclass(frozen=True)
class Score:
    """Figures for one item or dimension; all None when n (answers given) is 0."""

    key: str
    mean: float | None
    sd: float | None
    share_agree: float | None
    n: int


@dataclass(frozen=True)
class GroupScore:
    """One group shown on its own: its dimension means, and each minus the comparison group's."""

    group: str
    responses: int
    dimensions: dict[str, float | None]
    gaps: dict[str, float | None]  # None if the comparison group is withheld or either mean is missing


@dataclass(frozen=True)
class Results:
    """Everything the results pages, exports and API show; empty lists when `enough` is False."""

    responses: int
    enough: bool
    dimensions: list[Score]
    items: list[Score]  # most disagreement first
    groups: list[GroupScore]  # only groups with at least MIN_RESPONSES responses
    withheld_groups: list[str]  # groups not shown on their own (small, or hidden to protect a small one)
    comparison_group: str = field(default="frontline")


class _Tally:
    """How many answers of each value 1 to 5; enough for an exact mean, SD and share agreeing."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts = [0] * (len(SCALE_VALUES) + 1)  # index = answer value; index 0 unused

    def add(self, value: int) -> None:
        self.counts[value] += 1

    def merge(self, others: Iterable[_Tally]) -> _Tally:
        for other in others:
            for value in SCALE_VALUES:
                self.counts[value] += other.counts[value]
        return self

    def score(self, key: str) -> Score:
        n = sum(self.counts)
        if n == 0:
            return Score(key, None, None, None, 0)
        total = sum(value * self.counts[value] for value in SCALE_VALUES)
        squares = sum(value * value * self.counts[value] for value in SCALE_VALUES)
        # Population variance = (n * sum(x^2) - (sum x)^2) / n^2; the numerator is an exact integer.
        sd = math.sqrt(n * squares - total * total) / n
        agree = sum(self.counts[value] for value in AGREE)
        return Score(key, total / n, sd, agree / n, n)

    def mean(self) -> float | None:
        return self.score("").mean


def _check_answer(value: object, item: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE_VALUES:
        raise ValueError(f"An answer to {item!r} must be a whole number from 1 to 5 or None, not {value!r}.")
    return value


def _disagreement_order(item: Score) -> tuple[bool, float, str]:
    return (item.sd is None, -(item.sd or 0.0), item.key)


def score(
    responses: Sequence[Response],
    dimensions: Sequence[Dimension],
    *,
    comparison_group: str = "frontline",
    group_order: Sequence[str] = (),
) -> Results:
    """Work out the results of a set of responses under the five-response rule.

    Answers to keys that are not items of `dimensions` are ignored; an answer that is not 1 to 5 or
    None raises ValueError. Groups are listed in `group_order`, then any others by key."""
    dimension_of: dict[str, str] = {}
    for dimension in dimensions:
        for item in dimension.items:
            if item.key in dimension_of:
                raise ValueError(f"The item key {item.key!r} is used twice.")
            dimension_of[item.key] = dimension.key

    sizes: dict[str, int] = {}  # every response, as shown
    people: dict[str, int] = {}  # the counted ones, which the thresholds look at
    for response in responses:
        sizes[response.group] = sizes.get(response.group, 0) + 1
        people[response.group] = people.get(response.group, 0) + (1 if response.counted else 0)
    total = len(responses)
    if sum(people.values()) < MIN_RESPONSES:
        for response in responses:  # bad answers are refused whether or not there are figures
            for key, value in response.answers.items():
                if key in dimension_of:
                    _check_answer(value, key)
        return Results(total, False, [], [], [], [], comparison_group)

    shown = {group for group, size in people.items() if size >= MIN_RESPONSES}
    hidden = sum(size for group, size in people.items() if group not in shown)
    if 0 < hidden < MIN_RESPONSES and shown:
        # The totals less the shown groups would give the hidden groups' answers away when they
        # are fewer than five together: hide the smallest shown group too (the comparison group
        # only if there is no other), so what can be worked out covers at least five people.
        candidates = sorted(shown, key=lambda g: (g == comparison_group, people[g], g))
        shown.discard(candidates[0])
    item_tallies = {key: _Tally() for key in dimension_of}
    group_tallies: dict[str, dict[str, _Tally]] = {
        group: {dimension.key: _Tally() for dimension in dimensions} for group in shown
    }
    for response in responses:
        own = group_tallies.get(response.group)
        for key, value in response.answers.items():
            if key not in dimension_of:
                continue
            answer = _check_answer(value, key)
            if answer is None:
                continue
            item_tallies[key].add(answer)
            if own is not None:
                own[dimension_of[key]].add(answer)

    dimension_scores = [
        _Tally().merge(item_tallies[item.key] for item in dimension.items).score(dimension.key)
        for dimension in dimensions
    ]
    item_scores = sorted((item_tallies[key].score(key) for key in dimension_of), key=_disagreement_order)

    means = {group: {key: tally.mean() for key, tally in tallies.items()} for group, tallies in group_tallies.items()}
    baseline = means.get(comparison_group)
    order = {group: position for position, group in enumerate(group_order)}
    groups = []
    for group in sorted(shown, key=lambda g: (order.get(g, len(order)), g)):
        own_means = means[group]
        gaps: dict[str, float | None] = {}
        for key, mean in own_means.items():
            other = baseline.get(key) if baseline is not None else None
            gaps[key] = None if mean is None or other is None else mean - other
        groups.append(GroupScore(group, sizes[group], own_means, gaps))
    withheld = sorted((g for g in sizes if g not in shown),
                      key=lambda g: (order.get(g, len(order)), g))
    return Results(total, True, dimension_scores, item_scores, groups, withheld, comparison_group)
