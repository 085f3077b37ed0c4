"""score() agrees with a plain re-computation from lists of answers (statistics.mean and pstdev, loops
and a dictionary per group), on random instruments and random responses."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from math import isclose

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.survey.items import Dimension, Item
from planner.survey.scoring import Response, Results, Score, score

GROUP_KEYS = ("board", "senior", "frontline", "patients")
ANSWER = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@st.composite
def instruments(draw: st.DrawFn) -> tuple[Dimension, ...]:
    sizes = draw(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=4))
    dims = []
    for d, size in enumerate(sizes):
        dims.append(Dimension(f"d{d}", f"Dimension {d}", "", tuple(Item(f"d{d}i{i}", f"d{d}", "We.")
                                                                     for i in range(size))))
    return tuple(dims)


@st.composite
def cases(draw: st.DrawFn) -> tuple[tuple[Dimension, ...], list[Response]]:
    dims = draw(instruments())
    keys = [item.key for d in dims for item in d.items]
    count = draw(st.integers(min_value=0, max_value=40))
    responses = []
    for _ in range(count):
        group = draw(st.sampled_from(GROUP_KEYS))
        answered = draw(st.lists(st.sampled_from(keys), unique=True))  # the rest are blank (absent)
        responses.append(Response(group, {key: draw(ANSWER) for key in answered}))
    return dims, responses


def figures(values: Sequence[int]) -> tuple[float | None, float | None, float | None, int]:
    if not values:
        return None, None, None, 0
    agree = len([v for v in values if v >= 4])
    return statistics.mean(values), statistics.pstdev(values), agree / len(values), len(values)


def check(actual: Score, key: str, values: list[int]) -> None:
    mean, sd, agree, n = figures(values)
    assert actual.key == key and actual.n == n
    for got, want in ((actual.mean, mean), (actual.sd, sd), (actual.share_agree, agree)):
        if want is None:
            assert got is None
        else:
            assert got is not None and isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)


def reference(dims: tuple[Dimension, ...], responses: list[Response]) -> None:
    """Assert score()'s results, computed again from scratch."""
    results: Results = score(responses, dims)
    assert results.responses == len(responses)
    if len(responses) < 5:
        assert not results.enough
        assert (results.dimensions, results.items, results.groups, results.withheld_groups) == ([], [], [], [])
        return
    assert results.enough
    per_item: dict[str, list[int]] = {item.key: [] for d in dims for item in d.items}
    for response in responses:
        for key, value in response.answers.items():
            if value is not None:
                per_item[key].append(value)
    for dim, actual in zip(dims, results.dimensions, strict=True):
        pooled = [v for item in dim.items for v in per_item[item.key]]
        check(actual, dim.key, pooled)
    by_key = {s.key: s for s in results.items}
    assert len(by_key) == len(per_item)
    for key, values in per_item.items():
        check(by_key[key], key, values)
    sds = [(-(s.sd if s.sd is not None else -1.0), s.key) for s in results.items]
    assert sds == sorted(sds)

    members: dict[str, list[Response]] = {}
    for response in responses:
        members.setdefault(response.group, []).append(response)
    visible = {g for g, rs in members.items() if len(rs) >= 5}
    hidden = sum(len(rs) for g, rs in members.items() if g not in visible)
    if 0 < hidden < 5 and visible:  # the hidden ones together too few: the smallest shown goes too
        visible.discard(min(visible, key=lambda g: (g == "frontline", len(members[g]), g)))
    assert sorted(g.group for g in results.groups) == sorted(visible)
    assert results.withheld_groups == sorted(g for g in members if g not in visible)

    def group_mean(group: str, dim: Dimension) -> float | None:
        values = [r.answers[i.key] for r in members[group] for i in dim.items if r.answers.get(i.key) is not None]
        return statistics.mean(v for v in values if v is not None) if values else None

    frontline_shown = "frontline" in visible
    for shown in results.groups:
        assert shown.responses == len(members[shown.group])
        for dim in dims:
            want = group_mean(shown.group, dim)
            got = shown.dimensions[dim.key]
            assert (got is None and want is None) or (got is not None and want is not None and isclose(got, want))
            base = group_mean("frontline", dim) if frontline_shown else None
            gap = shown.gaps[dim.key]
            if want is None or base is None:
                assert gap is None
            else:
                assert gap is not None and isclose(gap, want - base, abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_score_matches_an_independent_recomputation(case: tuple[tuple[Dimension, ...], list[Response]]) -> None:
    reference(*case)


@settings(max_examples=100, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_responses(case: tuple[tuple[Dimension, ...], list[Response]],
                                                         rnd: object) -> None:
    dims, responses = case
    shuffled = list(responses)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a, b = score(responses, dims), score(shuffled, dims)
    assert a.responses == b.responses and a.withheld_groups == b.withheld_groups
    assert [s.key for s in a.items] == [s.key for s in b.items]
    for x, y in zip(a.items + a.dimensions, b.items + b.dimensions, strict=True):
        assert x.n == y.n and x.key == y.key
        for p, q in ((x.mean, y.mean), (x.sd, y.sd), (x.share_agree, y.share_agree)):
            assert (p is None and q is None) or (p is not None and q is not None and isclose(p, q))
