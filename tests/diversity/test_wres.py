"""WRES/WDES indicators against worked examples."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.diversity.suppression import suppress_vector
from planner.diversity.wres import indicator_1, percentage_point_gap, relative_likelihood, representation


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [(12, 48, 0.25), (0, 48, 0.0), (48, 48, 1.0), (None, 48, None), (12, None, None), (0, 0, None)],
)
def test_representation(count: int | None, total: int | None, expected: float | None) -> None:
    assert representation(count, total) == expected


@pytest.mark.parametrize(("count", "total"), [(-1, 10), (11, 10)])
def test_representation_refuses_impossible_counts(count: int, total: int) -> None:
    with pytest.raises(ValueError):
        representation(count, total)


@pytest.mark.parametrize(
    ("share_a", "share_b", "expected"),
    [
        (0.10, 0.25, -15.0),  # indicator 9: 10% of the board, 25% of the workforce: 15 points under
        (0.25, 0.10, 15.0),
        (0.2, 0.2, 0.0),
        (1.0, 0.0, 100.0),
        (None, 0.25, None),
        (0.10, None, None),
    ],
)
def test_percentage_point_gap(share_a: float | None, share_b: float | None, expected: float | None) -> None:
    gap = percentage_point_gap(share_a, share_b)
    assert gap == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(("share_a", "share_b"), [(12.5, 0.2), (0.2, 25.0), (-0.1, 0.2), (math.nan, 0.2)])
def test_percentage_point_gap_refuses_percentages_and_nonsense(share_a: float, share_b: float) -> None:
    with pytest.raises(ValueError, match="fraction from 0 to 1"):
        percentage_point_gap(share_a, share_b)


# WRES indicator 2. For context (not a test): the national figure in the WRES 2022 report was about
# 1.54, i.e. White applicants about one and a half times as likely to be appointed from shortlisting.
@pytest.mark.parametrize(
    ("shortlisted_white", "appointed_white", "shortlisted_bme", "appointed_bme", "expected"),
    [
        pytest.param(100, 20, 50, 5, 2.0, id="0.2 / 0.1"),
        pytest.param(100, 20, 50, 10, 1.0, id="equal likelihood"),
        pytest.param(200, 30, 100, 20, 0.75, id="BME more likely"),
        pytest.param(154, 100, 100, 50, 100 / 154 / 0.5, id="the ratio of two rates"),
        pytest.param(100, 0, 50, 5, 0.0, id="no White appointments"),
        pytest.param(10, 10, 10, 10, 1.0, id="everyone appointed"),
        pytest.param(0, 0, 50, 5, None, id="no White shortlisted"),
        pytest.param(100, 20, 0, 0, None, id="no BME shortlisted"),
        pytest.param(100, 20, 50, 0, None, id="no BME appointed: likelihood b is 0"),
        pytest.param(0, 0, 0, 0, None, id="nobody shortlisted"),
    ],
)
def test_relative_likelihood(
    shortlisted_white: int, appointed_white: int, shortlisted_bme: int, appointed_bme: int, expected: float | None
) -> None:
    result = relative_likelihood(shortlisted_white, appointed_white, shortlisted_bme, appointed_bme)
    assert result == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ((-1, 0, 50, 5), "negative"),
        ((100, -1, 50, 5), "negative"),
        ((100, 20, -50, 5), "negative"),
        ((100, 20, 50, -5), "negative"),
        ((10, 11, 50, 5), "more appointed"),
        ((100, 20, 5, 6), "more appointed"),
        ((0, 1, 50, 5), "more appointed"),
    ],
)
def test_relative_likelihood_errors(counts: tuple[int, int, int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        relative_likelihood(*counts)


@given(
    st.integers(1, 10_000).flatmap(lambda s: st.tuples(st.just(s), st.integers(0, s))),
    st.integers(1, 10_000).flatmap(lambda s: st.tuples(st.just(s), st.integers(1, s))),
)
def test_relative_likelihood_is_the_ratio_of_the_two_rates(a: tuple[int, int], b: tuple[int, int]) -> None:
    result = relative_likelihood(a[0], a[1], b[0], b[1])
    assert result is not None
    assert result == pytest.approx((a[1] / a[0]) / (b[1] / b[0]))
    # Swapping the groups gives the reciprocal.
    if a[1]:
        assert relative_likelihood(b[0], b[1], a[0], a[1]) == pytest.approx(1 / result)


@pytest.mark.parametrize(
    ("level_shares", "workforce_share", "expected"),
    [
        pytest.param(
            {"Board": 0.10, "Senior": 0.15, "Middle": 0.22, "First line": 0.30},
            0.25,
            {"Board": -15.0, "Senior": -10.0, "Middle": -3.0, "First line": 5.0},
            id="under-represented at senior levels",
        ),
        pytest.param({"Board": None, "Senior": 0.15}, 0.25, {"Board": None, "Senior": -10.0}, id="a withheld level"),
        pytest.param({"Board": 0.1, "Senior": 0.15}, None, {"Board": None, "Senior": None}, id="workforce withheld"),
        pytest.param({}, 0.25, {}, id="no levels"),
    ],
)
def test_indicator_1(
    level_shares: dict[str, float | None], workforce_share: float | None, expected: dict[str, float | None]
) -> None:
    result = indicator_1(level_shares, workforce_share)
    assert list(result) == list(level_shares)  # the levels in the order given
    assert result == {key: None if value is None else pytest.approx(value) for key, value in expected.items()}


def test_suppression_carries_through_to_the_indicators() -> None:
    # A board of 12 with 3 BME members: the 3 is withheld, so the board's share and its gap are too.
    board, board_total = suppress_vector({"White": 9, "BME": 3}, ["White", "BME"])
    assert board == {"White": None, "BME": None} and board_total == 12
    board_share = representation(board["BME"], board_total)
    workforce_share = representation(1_200, 4_800)
    assert board_share is None
    assert percentage_point_gap(board_share, workforce_share) is None
    assert indicator_1({"Board": board_share, "Staff": workforce_share}, workforce_share) == {
        "Board": None,
        "Staff": 0.0,
    }
