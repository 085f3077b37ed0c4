"""Development plan arithmetic: coverage of gaps by places, cost per year, and gaps nobody addresses."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any

import pytest

from planner.competencies.gaps import KINDS, Coverage, Gap, Intervention, cost_per_year, coverage, gaps, unaddressed


def intervention(name: str = "Leading together", **changes: Any) -> Intervention:
    fields: dict[str, Any] = {
        "name": name,
        "kind": "programme",
        "places_per_year": 10,
        "cost_per_place": 1500.0,
        "competencies": frozenset({"vision"}),
        "levels": frozenset({"middle"}),
        "years": frozenset({2025, 2026}),
    }
    fields.update(changes)
    return Intervention(**fields)


# Organisation gaps: middle vision 10 of 30 below, middle care 1 of 4, frontline care 6 of 8,
# board vision 2 of 10; frontline vision has everyone at the required step (0 below).
GAPS = gaps(
    {
        ("medicine", "middle", "vision"): {1: 2, 2: 5, 3: 8, 4: 5},
        ("surgery", "middle", "vision"): {2: 3, 3: 7},
        ("medicine", "middle", "care"): {1: 1, 2: 3},
        ("surgery", "frontline", "care"): {2: 6, 3: 2},
        ("board", "board", "vision"): {3: 2, 4: 8},
        ("surgery", "frontline", "vision"): {3: 5},
    },
    {("board", "vision"): 4, ("middle", "vision"): 3, ("middle", "care"): 2, ("frontline", "care"): 3,
     ("frontline", "vision"): 2},
)

PLAN = [
    intervention("Leading together", places_per_year=10, cost_per_place=1500.0,
                 competencies=frozenset({"vision", "care"}), levels=frozenset({"middle"}),
                 years=frozenset({2025, 2026})),
    intervention("Ward leaders' coaching", kind="coaching", places_per_year=4, cost_per_place=800.0,
                 competencies=frozenset({"care"}), levels=frozenset({"frontline", "middle"}), years=frozenset({2026})),
    intervention("Board development", kind="team development", places_per_year=1, cost_per_place=12000.0,
                 competencies=frozenset({"strategy"}), levels=frozenset({"board"}), years=frozenset({2025})),
]


def table(result: list[Coverage]) -> dict[tuple[int, str, str], tuple[int, int, float | None]]:
    return {(c.year, c.level, c.competency): (c.leaders_below, c.places, c.covered_share) for c in result}


def test_coverage_worked_example() -> None:
    result = coverage(GAPS, PLAN, [2025, 2026, 2027])
    assert table(result) == {
        (2025, "middle", "vision"): (10, 10, 1.0),
        (2025, "middle", "care"): (1, 10, 10.0),  # not capped: ten places against one leader
        (2025, "frontline", "care"): (6, 0, 0.0),
        (2025, "board", "vision"): (2, 0, 0.0),
        (2026, "middle", "vision"): (10, 10, 1.0),
        (2026, "middle", "care"): (1, 14, 14.0),  # both interventions
        (2026, "frontline", "care"): (6, 4, 4 / 6),
        (2026, "board", "vision"): (2, 0, 0.0),
        (2027, "middle", "vision"): (10, 0, 0.0),
        (2027, "middle", "care"): (1, 0, 0.0),
        (2027, "frontline", "care"): (6, 0, 0.0),
        (2027, "board", "vision"): (2, 0, 0.0),
    }
    assert len(result) == 12


def test_a_place_counts_for_every_pair_its_intervention_develops() -> None:
    # The upper bound: "Leading together" puts the same 10 places against middle vision and middle care.
    result = table(coverage(GAPS, PLAN[:1], [2025]))
    assert result[(2025, "middle", "vision")][1] == 10
    assert result[(2025, "middle", "care")][1] == 10


def test_coverage_is_ordered_by_year_then_gap_order_and_uses_only_organisation_gaps() -> None:
    result = coverage(GAPS, PLAN, [2026, 2025])
    assert [c.year for c in result] == [2026] * 4 + [2025] * 4
    organisation = [(g.level, g.competency) for g in GAPS if g.area is None and g.below_required > 0]
    assert [(c.level, c.competency) for c in result[:4]] == organisation


def test_coverage_with_no_gaps_or_no_years_is_empty() -> None:
    assert coverage([], PLAN, [2025]) == []
    assert coverage(GAPS, PLAN, []) == []
    assert coverage([Gap("a", "middle", "vision", 3, 5, 5, 1.0)], PLAN, [2025]) == []  # an area, not the organisation


def test_cost_per_year_worked_example() -> None:
    assert cost_per_year(PLAN, [2025, 2026, 2027]) == {
        2025: 10 * 1500.0 + 1 * 12000.0,
        2026: 10 * 1500.0 + 4 * 800.0,
        2027: 0.0,
    }
    assert cost_per_year([], [2025]) == {2025: 0.0}


def test_unaddressed_gaps_are_organisation_gaps_no_intervention_develops() -> None:
    assert [(g.level, g.competency) for g in unaddressed(GAPS, PLAN)] == [("board", "vision")]
    # Without the coaching, frontline care is unaddressed too; the gaps keep their order.
    without = unaddressed(GAPS, [PLAN[0]])
    assert [(g.level, g.competency) for g in without] == [("frontline", "care"), ("board", "vision")]
    assert all(g.area is None and g.below_required > 0 for g in unaddressed(GAPS, []))
    assert len(unaddressed(GAPS, [])) == 4


def test_an_intervention_that_never_runs_or_has_no_places_addresses_nothing() -> None:
    never = intervention(competencies=frozenset({"vision"}), levels=frozenset({"board"}), years=frozenset())
    empty = intervention(competencies=frozenset({"vision"}), levels=frozenset({"board"}), places_per_year=0)
    assert ("board", "vision") in {(g.level, g.competency) for g in unaddressed(GAPS, [*PLAN, never, empty])}
    running = intervention(competencies=frozenset({"vision"}), levels=frozenset({"board"}), years=frozenset({2030}))
    assert unaddressed(GAPS, [*PLAN, running]) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"kind": "webinar"}, "not a kind of intervention"),
        ({"places_per_year": -1}, "Places per year"),
        ({"places_per_year": 2.5}, "Places per year"),
        ({"places_per_year": True}, "Places per year"),
        ({"cost_per_place": -10.0}, "cost per place"),
        ({"cost_per_place": float("nan")}, "cost per place"),
        ({"cost_per_place": float("inf")}, "cost per place"),
    ],
)
def test_an_intervention_refuses_nonsense(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        intervention(**changes)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_intervention_is_accepted(kind: str) -> None:
    assert intervention(kind=kind, cost_per_place=0).annual_cost() == 0.0


def test_interventions_are_frozen() -> None:
    item = intervention()
    with pytest.raises(FrozenInstanceError):
        item.places_per_year = 5  # type: ignore[misc]
