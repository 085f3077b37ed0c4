"""A diversity target typed on a form is checked by the spec parser's own rules, in the form's words."""

from __future__ import annotations

import pytest

from planner.forecast.target_checks import target_problems

RATIO = "The leaver rate ratio must be a number of 0 or more, like 1.2"
GOOD = {"target_share": 0.19, "target_year": 2030, "leaver_rate_ratio": 1.0}


@pytest.mark.parametrize(("changes", "problems"), [
    ({}, []),
    ({"current_appointment_share": 0.1, "pipeline_share": 1.0, "target_share": 0.0, "target_year": 2031}, []),
    ({"target_share": 1.2}, [("target_share", "The target share must be from 0% to 100%")]),
    ({"target_share": float("nan")}, [("target_share", "The target share must be from 0% to 100%")]),
    ({"target_year": 2026}, [("target_year", "The target year must be from 2027 to 2031")]),
    ({"target_year": 2032}, [("target_year", "The target year must be from 2027 to 2031")]),
    ({"leaver_rate_ratio": -0.5}, [("leaver_rate_ratio", RATIO)]),
    # The service once took an endless ratio that the forecast then refused.
    ({"leaver_rate_ratio": float("inf")}, [("leaver_rate_ratio", RATIO)]),
    ({"current_appointment_share": -0.1, "pipeline_share": 2.0},
     [("current_appointment_share", "The current share of appointments must be from 0% to 100%"),
      ("pipeline_share", "The group's share of the pool must be from 0% to 100%")]),
])
def test_a_target_is_checked_by_the_parser(changes: dict[str, float], problems: list[tuple[str, str]]) -> None:
    assert target_problems({**GOOD, **changes}, start_year=2026, horizon=5) == problems
