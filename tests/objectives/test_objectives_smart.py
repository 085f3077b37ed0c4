"""The SMART check: each letter passing and failing, with the sentence that says what to add."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from planner.objectives.progress import Measure
from planner.objectives.smart import SmartResult, smart_check, title_words

GOOD: dict[str, Any] = {
    "title": "Increase the share of leaders from ethnic minority backgrounds",
    "owner": "Director of People",
    "level": "area",
    "measure": Measure("target", baseline=12, target=20, unit="%"),
    "confidence": "medium",
    "confidence_reason": "",
    "has_parent": True,
    "linked_to_scope": False,
    "start": date(2025, 4, 1),
    "due": date(2027, 3, 31),
    "period_start": date(2025, 4, 1),
    "period_end": date(2030, 3, 31),
}


def check(**changes: Any) -> SmartResult:
    return smart_check(**(GOOD | changes))


def test_a_good_objective_passes_every_letter() -> None:
    result = check()
    assert result.passed and result.reasons == [] and result.failed == ()
    assert (result.S, result.M, result.A, result.R, result.T) == (True,) * 5


@pytest.mark.parametrize(("changes", "letter", "reason"), [
    # Specific
    ({"title": "Leaders"}, "S", "Specific: add a title of at least 3 words saying what will change."),
    ({"title": "More leaders"}, "S", "Specific: add a title of at least 3 words saying what will change."),
    ({"title": "More - leaders !"}, "S", "Specific: add a title of at least 3 words saying what will change."),
    ({"title": " ".join(["word"] * 21)}, "S",
     "Specific: add a shorter title, of at most 20 words (put the detail in the description)."),
    ({"owner": None}, "S", "Specific: add an owner who is accountable for it."),
    ({"owner": "  "}, "S", "Specific: add an owner who is accountable for it."),
    ({"title": "", "owner": ""}, "S",
     "Specific: add a title of at least 3 words saying what will change and an owner who is accountable for it."),
    # Measurable
    ({"measure": Measure("none")}, "M", "Measurable: add a measure: a baseline and a target, a range to keep "
     "within, or a milestone with a due date."),
    ({"measure": Measure("target", target=20)}, "M", "Measurable: add a baseline, so progress can be measured."),
    ({"measure": Measure("target", baseline=12)}, "M", "Measurable: add a target, so progress can be measured."),
    ({"measure": Measure("target")}, "M", "Measurable: add a baseline and a target, so progress can be measured."),
    ({"measure": Measure("target", baseline=5, target=5)}, "M",
     "Measurable: set a target different from the baseline, so progress can be measured."),
    ({"measure": Measure("range", low=90)}, "M", "Measurable: add the bottom and top of the range to keep within."),
    # Achievable
    ({"confidence": "low"}, "A", "Achievable: confidence is low, so record the reason it is still the right "
     "objective."),
    ({"confidence": "low", "confidence_reason": " "}, "A", "Achievable: confidence is low, so record the reason "
     "it is still the right objective."),
    ({"confidence": None}, "A", "Achievable: record the owner's confidence (low, medium or high) that it will be "
     "met."),
    # Relevant
    ({"has_parent": False}, "R", "Relevant: add the parent objective it contributes to."),
    ({"level": "individual", "has_parent": False, "linked_to_scope": True}, "R",
     "Relevant: add the parent objective it contributes to."),
    ({"level": "strategic", "has_parent": False}, "R",
     "Relevant: link it to the vision, the mission or one of the values."),
    ({"level": "strategic", "has_parent": True}, "R",
     "Relevant: link it to the vision, the mission or one of the values."),
    # Time-bound
    ({"start": None}, "T", "Time-bound: add a start date."),
    ({"due": None}, "T", "Time-bound: add a due date."),
    ({"start": None, "due": None}, "T", "Time-bound: add a start date and a due date."),
    ({"due": date(2025, 4, 1)}, "T", "Time-bound: set a due date after the start date."),
    ({"due": date(2025, 1, 1)}, "T", "Time-bound: set a due date after the start date."),
    ({"due": date(2030, 4, 1)}, "T", "Time-bound: set a due date inside the strategy's period, 1 April 2025 to "
     "31 March 2030."),
    ({"start": date(2025, 1, 1), "due": date(2025, 3, 31)}, "T",
     "Time-bound: set a due date inside the strategy's period, 1 April 2025 to 31 March 2030."),
])
def test_each_letter_failing_says_what_to_add(changes: dict[str, Any], letter: str, reason: str) -> None:
    result = check(**changes)
    assert not result.passed
    assert result.failed == (letter,)
    assert not getattr(result, letter)
    assert result.reasons == [reason]


@pytest.mark.parametrize("changes", [
    {"title": "Grow frontline leaders"},  # exactly 3 words
    {"title": " ".join(["word"] * 20)},  # exactly 20
    {"title": "Cut agency spend by 10%"},
    {"measure": Measure("target", baseline=20, target=5, unit="days")},  # a downward target
    {"measure": Measure("range", low=92, high=95)},
    {"measure": Measure("milestone")},  # the due date is the milestone's date
    {"measure": Measure("baseline", unit="score")},
    {"confidence": "high"},
    {"confidence": "low", "confidence_reason": "Stretching, but the board chose to aim high."},
    {"level": "strategic", "has_parent": False, "linked_to_scope": True},
    {"level": "team"},
    {"due": date(2030, 3, 31)},  # the strategy's last day
    {"start": date(2024, 1, 1)},  # started before the strategy; due inside it
])
def test_passing_cases(changes: dict[str, Any]) -> None:
    assert check(**changes).passed


def test_a_milestone_needs_its_date() -> None:
    result = check(measure=Measure("milestone"), due=None)
    assert result.failed == ("M", "T")
    assert result.reasons == ["Measurable: add the due date by which the milestone is met.",
                              "Time-bound: add a due date."]
    result = check(measure=Measure("baseline"), due=None)
    assert result.reasons[0] == "Measurable: add the due date by which the baseline is established."


def test_every_failing_letter_gets_one_sentence_in_order() -> None:
    result = smart_check(title="Leaders", owner=None, level="strategic", measure=Measure("none"), confidence="low",
                         confidence_reason="", has_parent=True, linked_to_scope=False, start=None, due=None,
                         period_start=date(2025, 4, 1), period_end=date(2030, 3, 31))
    assert result.failed == ("S", "M", "A", "R", "T")
    assert [reason.split(":")[0] for reason in result.reasons] == ["Specific", "Measurable", "Achievable",
                                                                   "Relevant", "Time-bound"]
    assert all(reason.endswith(".") and reason.count(". ") == 0 for reason in result.reasons)


def test_title_words() -> None:
    assert title_words("  Grow   frontline leaders ") == 3
    assert title_words("Cut A&E waits – by 10%") == 5  # the dash is not a word
    assert title_words("") == 0


@pytest.mark.parametrize(("changes", "says"), [
    ({"level": "division"}, "The level must be one of"),
    ({"confidence": "certain"}, "Confidence must be one of"),
    ({"period_end": date(2020, 1, 1)}, "ends before it starts"),
])
def test_programming_errors_are_refused(changes: dict[str, Any], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        check(**changes)
