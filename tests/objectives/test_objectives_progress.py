"""Progress from an objective's own measure and latest check-in: every measure kind, both directions,
clamping at both ends, range edges, milestones and baselines."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.objectives.progress import (
    MEASURE_KINDS,
    REF_PATTERN,
    CheckIn,
    Measure,
    direction,
    latest_check_in,
    own_progress,
)

DAY = date(2025, 6, 1)


def at(value: float | None = None, done: bool = False) -> CheckIn:
    return CheckIn(on=DAY, value=value, done=done)


UP = Measure("target", baseline=40, target=60, unit="%")  # raise from 40% to 60%
DOWN = Measure("target", baseline=20, target=5, unit="days")  # cut from 20 days to 5


@pytest.mark.parametrize(("measure", "value", "progress"), [
    (UP, 40, 0.0), (UP, 45, 0.25), (UP, 50, 0.5), (UP, 60, 1.0),
    (UP, 35, 0.0),  # worse than the baseline: clamped at 0
    (UP, 75, 1.0),  # past the target: clamped at 1
    (DOWN, 20, 0.0), (DOWN, 17, 0.2), (DOWN, 8, 0.8), (DOWN, 5, 1.0),
    (DOWN, 26, 0.0),  # went up instead of down: clamped at 0
    (DOWN, 2, 1.0),  # beat the target: clamped at 1
    (Measure("target", baseline=-10, target=10), 0, 0.5),
])
def test_baseline_to_target_both_directions_clamped(measure: Measure, value: float, progress: float) -> None:
    assert own_progress(measure, at(value)) == pytest.approx(progress)


def test_a_target_with_nothing_recorded_is_still_at_its_baseline() -> None:
    assert own_progress(UP, None) == 0.0
    assert own_progress(DOWN, at(None)) == 0.0  # a check-in with only a note
    assert own_progress(UP, at(None, done=True)) == 0.0  # done counts only for milestones


@pytest.mark.parametrize("measure", [
    Measure("target", baseline=None, target=60), Measure("target", baseline=40, target=None),
    Measure("target", baseline=50, target=50),  # no change to measure
])
def test_a_target_that_cannot_be_measured_has_no_progress(measure: Measure) -> None:
    assert own_progress(measure, at(55)) is None


RANGE = Measure("range", low=92, high=95, unit="%")


@pytest.mark.parametrize(("value", "progress"), [
    (93.5, 1.0), (92, 1.0), (95, 1.0),  # inside, and both edges are inside
    (91.99, 0.0), (95.01, 0.0), (0, 0.0), (100, 0.0),
])
def test_keep_within_a_range(value: float, progress: float) -> None:
    assert own_progress(RANGE, at(value)) == progress


def test_a_range_with_nothing_recorded_cannot_be_judged() -> None:
    assert own_progress(RANGE, None) is None
    assert own_progress(RANGE, at(None)) is None
    assert own_progress(Measure("range", low=1), at(3)) is None
    assert own_progress(Measure("range", low=3, high=3), at(3)) == 1.0


@pytest.mark.parametrize(("latest", "progress"), [
    (None, 0.0), (at(done=False), 0.0), (at(done=True), 1.0), (at(1.0, done=False), 0.0),
])
def test_milestone(latest: CheckIn | None, progress: float) -> None:
    assert own_progress(Measure("milestone"), latest) == progress


@pytest.mark.parametrize(("latest", "progress"), [
    (None, 0.0), (at(None), 0.0), (at(0.0), 1.0), (at(37.5), 1.0), (at(-3), 1.0),
])
def test_establish_a_baseline(latest: CheckIn | None, progress: float) -> None:
    assert own_progress(Measure("baseline", unit="score"), latest) == progress


def test_no_measure_of_its_own_has_no_own_progress() -> None:
    assert own_progress(Measure("none"), at(5, done=True)) is None


@given(baseline=st.floats(-1e6, 1e6), target=st.floats(-1e6, 1e6), value=st.floats(-1e7, 1e7))
def test_target_progress_is_always_a_share(baseline: float, target: float, value: float) -> None:
    progress = own_progress(Measure("target", baseline=baseline, target=target), at(value))
    if baseline == target:
        assert progress is None
    else:
        assert progress is not None and 0.0 <= progress <= 1.0
        reached = value >= target if target > baseline else value <= target
        assert (progress == 1.0) == reached or math.isclose(progress, 1.0)


def test_direction() -> None:
    assert direction(UP) == "up" and direction(DOWN) == "down"
    assert direction(Measure("target", baseline=3, target=3)) is None
    assert direction(RANGE) is None and direction(Measure("target", target=3)) is None


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"kind": "percentage"}, "The measure kind must be one of"),
    ({"kind": "target", "baseline": float("nan")}, "baseline must be a finite number"),
    ({"kind": "target", "target": float("inf")}, "target must be a finite number"),
    ({"kind": "range", "low": True}, "low must be a finite number"),
    ({"kind": "range", "low": 5, "high": 4}, "bottom of the range (5) is above its top (4)"),
])
def test_a_measure_refuses_nonsense(kwargs: dict[str, object], says: str) -> None:
    with pytest.raises(ValueError) as caught:
        Measure(**kwargs)  # type: ignore[arg-type]
    assert says in str(caught.value)


def test_a_check_in_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="finite number"):
        CheckIn(on=DAY, value=float("nan"))
    with pytest.raises(ValueError, match="Confidence must be one of low, medium, high"):
        CheckIn(on=DAY, confidence="very")
    assert CheckIn(on=DAY, confidence="low").confidence == "low"


def test_the_latest_check_in_is_the_last_dated_one() -> None:
    first = CheckIn(on=date(2025, 5, 1), value=1)
    later = CheckIn(on=date(2025, 7, 1), value=2)
    same_day = CheckIn(on=date(2025, 7, 1), value=3)
    assert latest_check_in([]) is None
    assert latest_check_in([later, first]) is later
    assert latest_check_in([first, later, same_day]) is same_day  # same date: the later given wins


def test_every_kind_is_covered() -> None:
    assert MEASURE_KINDS == ("target", "range", "milestone", "baseline", "none")


@pytest.mark.parametrize(("ref", "ok"), [
    ("S1", True), ("S1.2", True), ("ED-3", True), ("a/b_c", True), ("R" * 40, True),
    ("R" * 41, False), ("", False), ("-1", False), ("=A1", False), ("S 1", False), (".S1", False), ("S1!", False),
])
def test_ref_pattern(ref: str, ok: bool) -> None:
    assert bool(REF_PATTERN.fullmatch(ref)) is ok
