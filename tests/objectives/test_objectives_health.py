"""The health of what sits below an objective: the words beside a parent's own RAG ("Green; 7 of 9 team
objectives red"), which tier they name, when a parent counts as mostly red, and the rule the page prints
about RAG agreeing with the code that works RAG out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.objectives.health import (
    BelowHealth,
    TierHealth,
    below_health,
    rag_with_health,
    tier_counts,
    weighted_progress,
)
from planner.objectives.progress import RagThresholds, rag, rag_rule


@pytest.mark.parametrize(("tier", "words"), [
    (TierHealth("team", green=2, red=7), "7 of 9 team objectives red"),
    (TierHealth("team", green=1, amber=1, red=7), "7 of 9 team objectives red, 1 amber"),
    (TierHealth("area", green=3, amber=2), "2 of 5 area objectives amber"),
    (TierHealth("team", green=9), "all 9 team objectives green"),
    (TierHealth("individual", green=1), "its 1 individual objective green"),
    (TierHealth("team", green=5, unrated=4), "5 of 9 team objectives green, 4 not yet rated"),
    (TierHealth("team", unrated=3), "3 team objectives not yet rated"),
    (TierHealth("team", red=1), "1 of 1 team objective red"),
])
def test_a_tier_says_how_many_of_its_objectives_are_red_amber_or_green(tier: TierHealth, words: str) -> None:
    assert tier.words() == words


def cascade() -> list[tuple[str, str | None, str, str | None]]:
    """S1 (green) over two areas (green) over nine teams, seven of them red, over individuals."""
    items: list[tuple[str, str | None, str, str | None]] = [("S1", None, "strategic", "green"),
                                                             ("A1", "S1", "area", "green"),
                                                             ("A2", "S1", "area", "green")]
    for n in range(9):
        items.append((f"T{n}", "A1" if n < 4 else "A2", "team", "red" if n < 7 else "green"))
    items += [("I1", "T0", "individual", "amber"), ("I2", "T8", "individual", "green")]
    return items


def test_a_green_parent_over_red_teams_says_so_beside_its_own_rag() -> None:
    health = below_health(cascade())
    # The areas are all green: the words name the nearest tier below with any red, the teams.
    assert rag_with_health("green", health["S1"]) == "Green; 7 of 9 team objectives red"
    assert [t.level for t in health["S1"].tiers] == ["area", "team", "individual"]
    assert health["S1"].mostly_red
    assert rag_with_health("green", health["A1"]) == "Green; 4 of 4 team objectives red"
    assert rag_with_health("green", health["A2"]) == "Green; 3 of 5 team objectives red"
    # T0 has one amber individual below it; T8 one green; a leaf has no health and shows its RAG alone.
    assert rag_with_health("red", health["T0"]) == "Red; 1 of 1 individual objective amber"
    assert rag_with_health("green", health["T8"]) == "Green; its 1 individual objective green"
    assert "I1" not in health and rag_with_health("amber", health.get("I1")) == "Amber"
    assert rag_with_health(None, None) == "No RAG yet"


@pytest.mark.parametrize(("reds", "mostly_red"), [(0, False), (1, False), (2, True), (3, True)])
def test_half_or_more_of_the_named_tier_red_marks_the_parent_as_mostly_red(reds: int, mostly_red: bool) -> None:
    assert BelowHealth((TierHealth("team", green=4 - reds, red=reds),)).mostly_red is mostly_red


def test_an_amber_tier_is_named_only_when_no_tier_below_has_red() -> None:
    tiers = (TierHealth("area", green=2), TierHealth("team", green=3, amber=1), TierHealth("individual", red=1))
    assert BelowHealth(tiers).words() == "1 of 1 individual objective red"
    assert BelowHealth(tiers[:2]).words() == "1 of 4 team objectives amber"
    assert BelowHealth(tiers[:1]).words() == "all 2 area objectives green"


def test_a_parent_outside_the_items_makes_a_root_and_a_loop_is_refused() -> None:
    assert set(below_health([("A1", "gone", "area", "green"), ("T1", "A1", "team", None)])) == {"A1"}
    with pytest.raises(ValueError, match="loop"):
        below_health([("A", "B", "team", None), ("B", "A", "team", None)])


def test_a_deep_cascade_needs_no_recursion() -> None:
    chain = [(0, None, "team", "red")] + [(n, n - 1, "team", "red") for n in range(1, 5000)]
    assert below_health(chain)[0].words() == "4999 of 4999 team objectives red"


def test_tiers_are_counted_in_the_cascades_order() -> None:
    counted = tier_counts([("team", "red"), ("strategic", "green"), ("team", None), ("area", "amber")])
    assert counted == [TierHealth("strategic", green=1), TierHealth("area", amber=1),
                       TierHealth("team", red=1, unrated=1)]


def test_overall_progress_is_weighted_and_leaves_out_objectives_without_progress() -> None:
    assert weighted_progress([(3, 0.5), (1, 0.2), (2, None)]) == pytest.approx(0.425)
    assert weighted_progress([(1, None)]) is None
    assert weighted_progress([]) is None


@pytest.mark.parametrize(("amber", "red"), [(0.9, 0.7), (0.8, 0.5), (0.95, 0.75)])
def test_the_rag_rule_the_page_prints_agrees_with_rag(amber: float, red: float) -> None:
    thresholds = RagThresholds(amber_below=amber, red_below=red)
    words = rag_rule(thresholds)
    assert f"red below {red * 100:g}% of the progress expected by now" in words
    assert f"amber below {amber * 100:g}%" in words
    start, due = date(2025, 4, 1), date(2026, 3, 31)
    half_way = start + (due - start) / 2  # half the time gone: half the progress expected
    assert rag(red / 2 - 0.01, start, due, half_way, thresholds) == "red"
    assert rag(red / 2, start, due, half_way, thresholds) == "amber"
    assert rag(amber / 2, start, due, half_way, thresholds) == "green"
    # "Done is green, nothing is expected before the start date, ... not done by its due date is amber at best."
    assert "Done is green" in words and rag(1.0, start, due, due + timedelta(days=30), thresholds) == "green"
    assert "before the start date" in words and rag(0.0, start, due, start, thresholds) == "green"
    assert "amber at best" in words and rag(0.99, start, due, due + timedelta(days=1), thresholds) == "amber"
