"""RAG ratings from progress against the share of time elapsed: worked examples either side of each
threshold, before the start, on and after the due date, done, and overrides with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from planner.objectives.progress import RagThresholds, expected_share, rag, rag_shown, rag_threshold_problems

START, DUE = date(2025, 4, 1), date(2026, 3, 31)  # 364 days
HALF_WAY = date(2025, 9, 30)  # 182 days in: half the time has passed


@pytest.mark.parametrize(("today", "share"), [
    (date(2025, 1, 1), 0.0), (START, 0.0), (date(2025, 4, 2), 1 / 364), (HALF_WAY, 0.5),
    (DUE, 1.0), (date(2027, 1, 1), 1.0),
])
def test_expected_share(today: date, share: float) -> None:
    assert expected_share(START, DUE, today) == pytest.approx(share)


def test_expected_share_on_a_one_day_objective_and_a_backwards_one() -> None:
    day = date(2025, 5, 5)
    assert expected_share(day, day, date(2025, 5, 4)) == 0.0
    assert expected_share(day, day, day) == 1.0
    with pytest.raises(ValueError, match="before the start"):
        expected_share(DUE, START, HALF_WAY)


# Half way through, the defaults (amber below 0.9, red below 0.7 of the progress expected) put the
# boundaries at 0.45 and 0.35 progress.
@pytest.mark.parametrize(("progress", "colour"), [
    (0.9, "green"), (0.5, "green"),
    (0.45, "green"),  # exactly 0.9 of expected: the better colour
    (0.449, "amber"),
    (0.36, "amber"),
    (0.35, "amber"),  # exactly 0.7 of expected
    (0.349, "red"), (0.1, "red"), (0.0, "red"),
])
def test_half_way_through_with_the_default_thresholds(progress: float, colour: str) -> None:
    assert rag(progress, START, DUE, HALF_WAY) == colour


def test_before_the_start_nothing_is_expected_yet() -> None:
    assert rag(0.0, START, DUE, date(2025, 3, 1)) == "green"
    assert rag(0.0, START, DUE, START) == "green"
    assert rag(0.0, START, DUE, date(2025, 4, 2)) == "red"  # one day in, nothing done: 0 of 1/364


def test_on_the_due_date_the_whole_of_the_progress_is_expected() -> None:
    assert rag(0.95, START, DUE, DUE) == "green"
    assert rag(0.85, START, DUE, DUE) == "amber"
    assert rag(0.6, START, DUE, DUE) == "red"


@pytest.mark.parametrize(("progress", "colour"), [
    (0.99, "amber"), (0.9, "amber"), (0.7, "amber"), (0.69, "red"), (0.0, "red"), (1.0, "green"),
])
def test_after_the_due_date_only_done_is_green(progress: float, colour: str) -> None:
    assert rag(progress, START, DUE, date(2026, 4, 15)) == colour


def test_done_is_green_whatever_the_dates() -> None:
    assert rag(1.0, START, DUE, HALF_WAY) == "green"
    assert rag(1.0, None, None, HALF_WAY) == "green"
    assert rag(1.0, START, DUE, date(2030, 1, 1)) == "green"


@pytest.mark.parametrize(("progress", "start", "due"), [
    (None, START, DUE), (0.5, None, DUE), (0.5, START, None), (0.5, DUE, START),
])
def test_what_cannot_be_judged(progress: float | None, start: date | None, due: date | None) -> None:
    assert rag(progress, start, due, HALF_WAY) is None


def test_thresholds_from_the_settings() -> None:
    strict = RagThresholds(amber_below=1.0, red_below=0.8)  # anything behind schedule is at least amber
    assert rag(0.5, START, DUE, HALF_WAY, strict) == "green"
    assert rag(0.49, START, DUE, HALF_WAY, strict) == "amber"
    assert rag(0.4, START, DUE, HALF_WAY, strict) == "amber"
    assert rag(0.39, START, DUE, HALF_WAY, strict) == "red"
    assert RagThresholds() == RagThresholds(amber_below=0.9, red_below=0.7)


@pytest.mark.parametrize(("amber", "red"), [(0.6, 0.7), (0.9, -0.1), (float("nan"), 0.5)])
def test_thresholds_must_make_sense(amber: float, red: float) -> None:
    with pytest.raises(ValueError):
        RagThresholds(amber_below=amber, red_below=red)


def test_an_override_needs_a_reason() -> None:
    assert rag_shown("red", None, "") == "red"
    assert rag_shown(None, None, "") is None
    assert rag_shown("red", "amber", "Recovery plan agreed at the board on 4 June") == "amber"
    with pytest.raises(ValueError, match="needs a reason"):
        rag_shown("red", "green", "   ")
    with pytest.raises(ValueError, match="must be one of green, amber, red"):
        rag_shown("red", "blue", "because")


@pytest.mark.parametrize(("amber", "red", "problems"), [
    (0.9, 0.7, []),
    (1.0, 1.0, []),
    (0.9, 0.0, [("red_below", "Red below must be a percentage above 0 and up to 100")]),
    (1.5, 0.7, [("amber_below", "Amber below must be a percentage above 0 and up to 100")]),
    (0.6, 0.7, [("red_below", "Red below cannot be higher than amber below")]),
])
def test_one_rule_for_the_thresholds(amber: float, red: float, problems: list[tuple[str, str]]) -> None:
    # The engine once took a red threshold of 0 or an amber one above 100% that the settings page refused.
    assert rag_threshold_problems(amber, red) == problems
    if problems:
        with pytest.raises(ValueError, match=problems[0][1]):
            RagThresholds(amber_below=amber, red_below=red)
    else:
        RagThresholds(amber_below=amber, red_below=red)
