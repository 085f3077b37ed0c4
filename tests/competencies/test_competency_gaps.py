"""Competency gaps: worked examples, organisation totals, ordering, and an independent re-count."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.competencies.frameworks import default_frameworks, required_steps
from planner.competencies.gaps import Gap, gap, gaps

# --- gap() ------------------------------------------------------------------------------------------

WORKED: list[tuple[dict[int, int], int, tuple[int, int, float | None]]] = [
    ({1: 2, 2: 5, 3: 8, 4: 5}, 3, (20, 7, 0.35)),  # the example in docs/competencies.md
    ({1: 2, 2: 5, 3: 8, 4: 5}, 1, (20, 0, 0.0)),  # nobody is below step 1
    ({1: 2, 2: 5, 3: 8, 4: 5}, 4, (20, 15, 0.75)),
    ({1: 2, 2: 5, 3: 8, 4: 5}, 2, (20, 2, 0.1)),
    ({4: 3}, 4, (3, 0, 0.0)),
    ({1: 4}, 2, (4, 4, 1.0)),
    ({2: 1, 3: 0}, 3, (1, 1, 1.0)),
    ({}, 3, (0, 0, None)),
    ({1: 0, 2: 0, 3: 0, 4: 0}, 2, (0, 0, None)),
]


@pytest.mark.parametrize(("counts", "required", "expected"), WORKED)
def test_gap_worked_examples(
    counts: dict[int, int], required: int, expected: tuple[int, int, float | None]
) -> None:
    assessed, below, share = gap(counts, required)
    assert (assessed, below) == expected[:2]
    if expected[2] is None:
        assert share is None
    else:
        assert share == pytest.approx(expected[2])


@pytest.mark.parametrize(
    ("counts", "required", "message"),
    [
        ({1: 2}, 5, "required step"),
        ({1: 2}, 0, "required step"),
        ({1: 2}, True, "required step"),
        ({0: 2}, 3, "assessed step"),
        ({5: 2}, 3, "assessed step"),
        ({2: -1}, 3, "Leaders at step 2"),
        ({2: 1.5}, 3, "Leaders at step 2"),
    ],
)
def test_gap_refuses_nonsense(counts: dict[int, int], required: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gap(counts, required)


# --- gaps() -----------------------------------------------------------------------------------------

REQUIRED = {("board", "vision"): 4, ("middle", "vision"): 3, ("middle", "care"): 2, ("frontline", "care"): 3}
ASSESSED: dict[tuple[str, str, str], dict[int, int]] = {
    ("medicine", "middle", "vision"): {1: 2, 2: 5, 3: 8, 4: 5},  # 7 of 20 below 3: 0.35
    ("surgery", "middle", "vision"): {2: 3, 3: 7},  # 3 of 10: 0.3
    ("medicine", "middle", "care"): {1: 1, 2: 3},  # 1 of 4: 0.25
    ("surgery", "frontline", "care"): {2: 6, 3: 2},  # 6 of 8: 0.75
    ("board", "board", "vision"): {3: 2, 4: 8},  # 2 of 10: 0.2
    ("surgery", "frontline", "vision"): {1: 5},  # no required step: left out
    ("estates", "frontline", "care"): {},  # assessed nobody: share None
}


def by_key(result: list[Gap]) -> dict[tuple[str | None, str, str], Gap]:
    return {(g.area, g.level, g.competency): g for g in result}


def test_gaps_per_area_and_organisation_totals() -> None:
    result = by_key(gaps(ASSESSED, REQUIRED))
    assert result[("medicine", "middle", "vision")] == Gap("medicine", "middle", "vision", 3, 20, 7, 0.35)
    assert result[("surgery", "frontline", "care")] == Gap("surgery", "frontline", "care", 3, 8, 6, 0.75)
    # The organisation total sums the areas' counts: 30 assessed, 10 below.
    total = result[(None, "middle", "vision")]
    assert (total.required, total.assessed, total.below_required) == (3, 30, 10)
    assert total.share_below == pytest.approx(1 / 3)
    # Estates assessed nobody: its own gap has no share, but its (empty) counts join the total.
    assert result[("estates", "frontline", "care")].share_below is None
    assert result[(None, "frontline", "care")] == Gap(None, "frontline", "care", 3, 8, 6, 0.75)
    assert ("surgery", "frontline", "vision") not in result
    assert (None, "frontline", "vision") not in result
    assert len(result) == 6 + 4


def test_gaps_are_sorted_by_share_then_competency_level_area_with_none_last() -> None:
    result = gaps(ASSESSED, REQUIRED)
    assert [(g.area, g.level, g.competency) for g in result] == [
        (None, "frontline", "care"),  # 0.75
        ("surgery", "frontline", "care"),  # 0.75
        ("medicine", "middle", "vision"),  # 0.35
        (None, "middle", "vision"),  # 0.333
        ("surgery", "middle", "vision"),  # 0.3
        (None, "middle", "care"),  # 0.25
        ("medicine", "middle", "care"),  # 0.25
        (None, "board", "vision"),  # 0.2
        ("board", "board", "vision"),  # 0.2
        ("estates", "frontline", "care"),  # None
    ]


def test_ties_on_share_sort_by_competency_then_level_then_area() -> None:
    assessed = {
        ("b", "senior", "x"): {1: 1, 4: 1},
        ("a", "senior", "x"): {1: 1, 4: 1},
        ("a", "middle", "x"): {1: 1, 4: 1},
        ("a", "middle", "w"): {1: 1, 4: 1},
    }
    required = {("senior", "x"): 4, ("middle", "x"): 4, ("middle", "w"): 4}
    order = [(g.area, g.level, g.competency) for g in gaps(assessed, required)]
    assert order == [
        (None, "middle", "w"), ("a", "middle", "w"),
        (None, "middle", "x"), ("a", "middle", "x"),
        (None, "senior", "x"), ("a", "senior", "x"), ("b", "senior", "x"),
    ]


def test_areas_limits_what_is_reported_and_totalled() -> None:
    result = by_key(gaps(ASSESSED, REQUIRED, areas=["surgery"]))
    assert {area for area, _, _ in result} == {"surgery", None}
    assert result[(None, "middle", "vision")].assessed == 10
    assert result[(None, "middle", "vision")].below_required == 3


def test_no_assessments_give_no_gaps() -> None:
    assert gaps({}, REQUIRED) == []
    assert gaps(ASSESSED, {}) == []


def test_gaps_accept_the_shipped_required_steps() -> None:
    required = required_steps(default_frameworks()[1])
    result = gaps({("ward 1", "frontline", "hlm-leading-with-care"): {1: 1, 2: 1, 3: 2}}, required)
    assert result[0].required == 3 and result[0].below_required == 2 and result[0].share_below == 0.5


def test_gaps_refuse_counts_off_the_scale() -> None:
    with pytest.raises(ValueError, match="assessed step"):
        gaps({("a", "middle", "vision"): {5: 1}}, REQUIRED)


# --- an independent re-count --------------------------------------------------------------------------

AREAS = ["a", "b", "c"]
LEVELS = ["board", "senior", "middle", "frontline"]
COMPETENCIES = ["x", "y"]

counts_strategy = st.dictionaries(st.sampled_from([1, 2, 3, 4]), st.integers(0, 50), max_size=4)
assessed_strategy = st.dictionaries(
    st.tuples(st.sampled_from(AREAS), st.sampled_from(LEVELS), st.sampled_from(COMPETENCIES)), counts_strategy
)
required_strategy = st.dictionaries(
    st.tuples(st.sampled_from(LEVELS), st.sampled_from(COMPETENCIES)), st.integers(1, 4)
)


def recount(
    assessed: Mapping[tuple[str, str, str], Mapping[int, int]], required: Mapping[tuple[str, str], int]
) -> dict[tuple[str | None, str, str], tuple[int, int]]:
    """Leader by leader: expand the counts into one entry per leader and count those below."""
    expected: dict[tuple[str | None, str, str], tuple[int, int]] = {}
    for (area, level, competency), counts in assessed.items():
        if (level, competency) not in required:
            continue
        leaders = [step for step, n in counts.items() for _ in range(n)]
        below = [step for step in leaders if step < required[(level, competency)]]
        for key in [(area, level, competency), (None, level, competency)]:
            seen, under = expected.get(key, (0, 0))
            expected[key] = (seen + len(leaders), under + len(below))
    return expected


@given(assessed_strategy, required_strategy)
def test_gaps_agree_with_a_leader_by_leader_recount(
    assessed: dict[tuple[str, str, str], dict[int, int]], required: dict[tuple[str, str], int]
) -> None:
    result = gaps(assessed, required)
    assert {k: (g.assessed, g.below_required) for k, g in by_key(result).items()} == recount(assessed, required)
    assert len(result) == len(by_key(result))
    for g in result:
        assert 0 <= g.below_required <= g.assessed
        assert g.share_below == (g.below_required / g.assessed if g.assessed else None)
    shares = [g.share_below for g in result]
    known = [s for s in shares if s is not None]
    assert known == sorted(known, reverse=True)
    assert shares == known + [None] * (len(shares) - len(known))


@given(assessed_strategy, required_strategy)
def test_organisation_totals_equal_the_sum_over_areas(
    assessed: dict[tuple[str, str, str], dict[int, int]], required: dict[tuple[str, str], int]
) -> None:
    result = gaps(assessed, required)
    for total in (g for g in result if g.area is None):
        parts = [g for g in result if g.area is not None and (g.level, g.competency) == (total.level, total.competency)]
        assert parts
        assert total.assessed == sum(g.assessed for g in parts)
        assert total.below_required == sum(g.below_required for g in parts)
        assert total.required == required[(total.level, total.competency)]


@given(counts_strategy, st.integers(1, 4))
def test_raising_the_required_step_never_lowers_the_leaders_below(counts: dict[int, int], required: int) -> None:
    assessed, below, _ = gap(counts, required)
    if required < 4:
        assert gap(counts, required + 1)[1] >= below
    assert gap(counts, 1)[1] == 0
    assert assessed == sum(counts.values())
