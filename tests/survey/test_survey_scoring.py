"""Self-assessment results against a worked example computed by hand, the ordering by disagreement,
the five-response rule for groups and totals, and the gaps between groups."""

from __future__ import annotations

from math import isclose, sqrt

import pytest

from planner.survey.items import Dimension, Item, default_instrument
from planner.survey.scoring import MIN_RESPONSES, GroupScore, Response, Results, Score, score

VISION = Dimension("vision", "Vision", "", (Item("v1", "vision", "We share a vision."),
                                            Item("v2", "vision", "Our staff know it.")))
ACTION = Dimension("action", "Action", "", tuple(Item(k, "action", "We act.") for k in ("x1", "x2", "x3")))
DIMS = (VISION, ACTION)


def close(a: float | None, b: float) -> bool:
    return a is not None and isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def same(score_: Score, key: str, mean: float, sd: float, agree: float, n: int) -> None:
    assert score_.key == key
    assert score_.n == n
    assert close(score_.mean, mean), (key, score_.mean, mean)
    assert close(score_.sd, sd), (key, score_.sd, sd)
    assert close(score_.share_agree, agree), (key, score_.share_agree, agree)


# Five frontline staff. None is "don't know"; a missing key is a blank; "zz" is not an item.
WORKED = [
    Response("frontline", {"v1": 5, "v2": 4, "x1": 1, "x2": None, "x3": 3}),
    Response("frontline", {"v1": 4, "v2": None, "x1": 2, "x2": 2, "x3": 3}),
    Response("frontline", {"v1": 3, "v2": 4, "x1": 5, "x3": 3, "zz": 1}),
    Response("frontline", {"v1": 4, "v2": None, "x1": 4, "x2": None, "x3": 3}),
    Response("frontline", {"v1": None, "v2": 5, "x1": 3, "x2": 4, "x3": 3}),
]


def test_worked_example_items() -> None:
    """By hand:
    v1: 5 4 3 4        n=4 mean 16/4 = 4     deviations 1 0 -1 0      var 2/4 = 1/2     agree 3/4
    v2: 4 4 5          n=3 mean 13/3         var 57/3 - (13/3)^2 = 2/9 so sd = sqrt(2)/3;  agree 3/3
    x1: 1 2 5 4 3      n=5 mean 3            deviations -2 -1 2 1 0   var 10/5 = 2      agree 2/5
    x2: 2 4            n=2 mean 3            var 1                                      agree 1/2
    x3: 3 3 3 3 3      n=5 mean 3            var 0                                      agree 0
    """
    results = score(WORKED, DIMS)
    assert results.enough and results.responses == 5
    by_key = {s.key: s for s in results.items}
    same(by_key["v1"], "v1", 4.0, sqrt(0.5), 0.75, 4)
    same(by_key["v2"], "v2", 13 / 3, sqrt(2) / 3, 1.0, 3)
    same(by_key["x1"], "x1", 3.0, sqrt(2), 0.4, 5)
    same(by_key["x2"], "x2", 3.0, 1.0, 0.5, 2)
    same(by_key["x3"], "x3", 3.0, 0.0, 0.0, 5)
    assert "zz" not in by_key


def test_worked_example_dimensions_pool_every_answer() -> None:
    """By hand, pooling the answers to a dimension's items:
    vision: 5 4 3 4 4 4 5   n=7 sum 29 mean 29/7 (not (4 + 13/3)/2 = 25/6, the mean of item means)
            sum of squares 123, var = 123/7 - (29/7)^2 = (861 - 841)/49 = 20/49, sd = sqrt(20)/7; agree 6/7
    action: 1 2 5 4 3 | 2 4 | 3 3 3 3 3   n=12 sum 36 mean 3, sum of squares 120, var 120/12 - 9 = 1; agree 3/12
    """
    results = score(WORKED, DIMS)
    assert [d.key for d in results.dimensions] == ["vision", "action"]
    vision, action = results.dimensions
    same(vision, "vision", 29 / 7, sqrt(20) / 7, 6 / 7, 7)
    assert not close(vision.mean, 25 / 6)
    same(action, "action", 3.0, 1.0, 0.25, 12)


def test_worked_example_items_most_disagreement_first() -> None:
    results = score(WORKED, DIMS)
    assert [s.key for s in results.items] == ["x1", "x2", "v1", "v2", "x3"]


def test_worked_example_one_group_is_its_own_comparison() -> None:
    results = score(WORKED, DIMS)
    assert results.withheld_groups == []
    [frontline] = results.groups
    assert frontline.group == "frontline" and frontline.responses == 5
    assert close(frontline.dimensions["vision"], 29 / 7) and close(frontline.dimensions["action"], 3.0)
    assert frontline.gaps == {"vision": 0.0, "action": 0.0}


def test_ties_in_disagreement_are_ordered_by_key_and_unanswered_items_come_last() -> None:
    dims = (Dimension("d", "D", "", tuple(Item(k, "d", "We.") for k in ("c", "a", "b", "e", "f"))),)
    # a and c have the same spread (sd 1); b has none; e is never answered; f the most (sd 2).
    responses = [Response("frontline", {"c": 2, "a": 4, "b": 3, "f": 1}),
                 Response("frontline", {"c": 4, "a": 2, "b": 3, "f": 5})] + [
                    Response("frontline", {"e": None})] * 3
    results = score(responses, dims)
    assert [s.key for s in results.items] == ["f", "a", "c", "b", "e"]
    assert results.items[-1] == Score("e", None, None, None, 0)


def answers(value: int | None) -> dict[str, int | None]:
    return {"v1": value, "v2": value, "x1": value, "x2": value, "x3": value}


def test_a_group_of_four_is_never_shown_but_counts_in_the_totals() -> None:
    responses = ([Response("board", answers(5))] * 6 + [Response("frontline", answers(3))] * 5
                 + [Response("middle", answers(4))] * 5 + [Response("patients", answers(1))] * 4)
    results = score(responses, DIMS, group_order=["board", "senior", "middle", "frontline", "patients"])
    assert results.responses == 20
    # The four patients alone could be worked out from the totals less the shown groups, so the
    # smallest shown group other than frontline (middle, 5) is hidden with them.
    assert [g.group for g in results.groups] == ["board", "frontline"]
    assert results.withheld_groups == ["middle", "patients"]
    assert all("patients" not in (g.group, *g.dimensions, *g.gaps) for g in results.groups)
    # Totals include every answer: vision has 12 fives, 10 fours, 10 threes and 8 ones.
    vision = results.dimensions[0]
    assert vision.n == 40 and close(vision.mean, (60 + 40 + 30 + 8) / 40)
    assert close(vision.share_agree, 22 / 40)
    assert {s.key: s.n for s in results.items} == dict.fromkeys(("v1", "v2", "x1", "x2", "x3"), 20)


def test_hidden_groups_together_are_never_fewer_than_five() -> None:
    responses = [Response("board", answers(5))] * 5 + [Response("frontline", answers(3))] * 7 + [
        Response("patients", answers(1))] * 2
    results = score(responses, DIMS)
    hidden = sum(size for group, size in {"board": 5, "frontline": 7, "patients": 2}.items()
                 if group in results.withheld_groups)
    assert hidden >= 5
    assert [g.group for g in results.groups] == ["frontline"]


def test_gaps_are_each_group_minus_frontline() -> None:
    board = [Response("board", {"v1": 5, "v2": 5, "x1": 2, "x2": 2, "x3": 2})] * 5
    frontline = [Response("frontline", {"v1": 3, "v2": 2, "x1": 4, "x2": 4, "x3": None})] * 6
    results = score(board + frontline, DIMS)
    groups = {g.group: g for g in results.groups}
    assert groups["board"].responses == 5 and groups["frontline"].responses == 6
    assert close(groups["frontline"].dimensions["vision"], 2.5)
    assert close(groups["board"].gaps["vision"], 5 - 2.5)
    assert close(groups["board"].gaps["action"], 2 - 4)
    assert groups["frontline"].gaps == {"vision": 0.0, "action": 0.0}
    # Another comparison group, when asked for.
    other = {g.group: g for g in score(board + frontline, DIMS, comparison_group="board").groups}
    assert close(other["frontline"].gaps["vision"], -2.5) and other["board"].gaps["action"] == 0.0


def test_no_gaps_when_frontline_is_withheld_or_absent() -> None:
    board = [Response("board", answers(4))] * 6
    senior = [Response("senior", answers(3))] * 5
    withheld = score(board + senior + [Response("frontline", answers(2))] * 4, DIMS)
    assert withheld.withheld_groups == ["frontline", "senior"]
    assert withheld.groups[0].gaps == {"vision": None, "action": None}
    assert close(withheld.groups[0].dimensions["vision"], 4.0)
    absent = score(board, DIMS)
    assert absent.groups[0].gaps == {"vision": None, "action": None}


def test_a_dimension_nobody_answered_has_no_figures_and_no_gap() -> None:
    responses = ([Response("board", {"v1": 4, "x1": None})] * 5
                 + [Response("frontline", {"v1": 2, "x2": 3})] * 5)
    results = score(responses, DIMS)
    board, frontline = results.groups
    assert board.dimensions["action"] is None and board.gaps["action"] is None
    assert close(frontline.dimensions["action"], 3.0)
    assert close(board.gaps["vision"], 2.0)


@pytest.mark.parametrize("count", range(MIN_RESPONSES))
def test_fewer_than_five_responses_give_no_figures(count: int) -> None:
    results = score([Response("board", answers(5))] * count, DIMS)
    assert results == Results(count, False, [], [], [], [], "frontline")


def test_five_responses_in_small_groups_give_totals_only() -> None:
    responses = [Response("board", answers(5))] * 2 + [Response("frontline", answers(1))] * 3
    results = score(responses, DIMS)
    assert results.enough and results.groups == []
    assert results.withheld_groups == ["board", "frontline"]
    same(results.dimensions[0], "vision", 13 / 5, sqrt(16 * 6 / 25), 0.4, 10)


def test_groups_are_listed_in_the_order_given_then_by_key() -> None:
    responses = [Response(g, answers(3)) for g in ("zeta", "partners", "board", "alpha") for _ in range(5)]
    results = score(responses, DIMS, group_order=["board", "partners"])
    assert [g.group for g in results.groups] == ["board", "partners", "alpha", "zeta"]
    assert all(isinstance(g, GroupScore) for g in results.groups)


@pytest.mark.parametrize("bad", [0, 6, -1, 3.0, True, "4"])
def test_an_answer_outside_the_scale_is_refused(bad: object) -> None:
    responses = [Response("board", answers(3))] * 5 + [Response("board", {"v1": bad})]  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="whole number from 1 to 5"):
        score(responses, DIMS)
    with pytest.raises(ValueError, match="whole number from 1 to 5"):
        score(responses[-2:], DIMS)  # even when there are too few responses for figures


def test_an_item_key_used_twice_is_refused() -> None:
    twice = Dimension("again", "Again", "", (Item("v1", "again", "We."),))
    with pytest.raises(ValueError, match="'v1' is used twice"):
        score([], (VISION, twice))


def test_the_default_instrument_scores_every_item_and_dimension() -> None:
    dimensions, groups = default_instrument()
    keys = [item.key for d in dimensions for item in d.items]
    responses = [Response(g.key, {k: 1 + (i + j) % 5 for j, k in enumerate(keys)})
                 for g in groups for i in range(MIN_RESPONSES)]
    results = score(responses, dimensions, group_order=[g.key for g in groups])
    assert [d.key for d in results.dimensions] == [d.key for d in dimensions]
    assert sorted(s.key for s in results.items) == sorted(keys)
    assert [g.group for g in results.groups] == [g.key for g in groups]
    assert all(s.n == len(responses) for s in results.items)
