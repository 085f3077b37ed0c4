"""The 5% rule in words (planner.band_words): which gaps between the simulations' mean and the
expected figure are explained, and how the figures read."""

from __future__ import annotations

import pytest

from planner.band_words import REASON, band_gaps


def _band(level: str, year: int, external_mean: float | None, end_mean: float = 10.0) -> dict[str, object]:
    external = {"p10": 0.0, "p50": 1.0, "p90": 3.0} | ({} if external_mean is None else {"mean": external_mean})
    return {"level": level, "year": year, "external_appointments": external,
            "end": {"p10": 10.0, "p50": 10.0, "p90": 10.0, "mean": end_mean}}


EXPECTED = {("middle", 2027): {"external_appointments": 4.0, "end": 10.0},
            ("middle", 2028): {"external_appointments": 0.0, "end": 10.0}}


@pytest.mark.parametrize(("mean", "explained"), [
    (4.0, False), (4.19, False), (3.81, False),  # 5% of 4.0 is 0.2: within it agrees
    (4.21, True), (3.79, True), (None, False),  # bands without a mean say nothing
])
def test_only_a_gap_of_more_than_5_percent_is_explained(mean: float | None, explained: bool) -> None:
    said = band_gaps([_band("middle", 2027, mean)], EXPECTED, {"middle": "Middle leaders"})
    assert bool(said) == explained
    if explained:
        assert said == [f"Middle leaders, external appointments: the simulations average {mean:.1f} a year against "
                        f"an expected 4.0 (2027).", REASON]


def test_an_expected_figure_of_zero_is_never_a_gap() -> None:
    assert band_gaps([_band("middle", 2028, 0.4)], EXPECTED, {}) == []


def test_years_of_one_level_and_figure_read_as_one_span() -> None:
    expected = {("senior", year): {"external_appointments": 1.2, "end": 29.0} for year in (2027, 2028, 2029)}
    bands = [_band("senior", year, mean, end_mean=25.0) for year, mean in ((2027, 2.3), (2028, 2.4), (2029, 2.3))]
    said = band_gaps(bands, expected, {})
    assert said == ["senior, external appointments: the simulations average 2.3 to 2.4 a year against an expected "
                    "1.2 (3 years from 2027 to 2029).",
                    "senior, leaders in post at the year's end: the simulations average 25.0 against an expected "
                    "29.0 (3 years from 2027 to 2029).", REASON]
