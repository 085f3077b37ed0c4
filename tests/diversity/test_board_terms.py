"""The board's terms and forecast, worked out by hand on a small board (docs/board-terms.md)."""

from __future__ import annotations

from datetime import date

import pytest

from planner.diversity.board import EXECUTIVE_NON_VOTING, EXECUTIVE_VOTING, NON_EXECUTIVE
from planner.diversity.board_terms import (
    APPOINTMENT,
    REAPPOINTMENT,
    Seat,
    add_years,
    board_problems,
    forecast_terms,
    members_to_reach,
    parse_role,
    reach,
    reach_sentence,
    seat_problems,
)

SMALL_BOARD = [
    # Chair in the last of two four-year terms: a new chair is due in 2027, whose first term ends in 2031.
    Seat("Chair", "chair", NON_EXECUTIVE, date(2023, 4, 1), date(2027, 3, 31), 2, 2),
    # Three-year terms: reappointment possible in 2027, then the second (last) term ends in 2030.
    Seat("NED A", "non_executive", NON_EXECUTIVE, date(2024, 6, 1), date(2027, 5, 31), 1, 2),
    # Up to three terms, later terms of two years: ends 2028 and 2030 may be reappointed.
    Seat("NED B", "non_executive", NON_EXECUTIVE, date(2025, 1, 1), date(2028, 12, 31), 1, 3, 2),
    # Its term ended before the strategy's period: flagged, and rolled on (second term to 2029, the last).
    Seat("NED C", "non_executive", NON_EXECUTIVE, date(2022, 1, 1), date(2025, 12, 31), 1, 2),
    Seat("Chief executive", "chief_executive", EXECUTIVE_VOTING),
    Seat("Medical director", "medical_director", EXECUTIVE_VOTING, None, date(2029, 9, 30)),
    Seat("Director of strategy", "executive_director", EXECUTIVE_NON_VOTING, None, date(2026, 12, 31)),
]


def test_the_forecast_of_a_small_board_by_hand() -> None:
    forecast = forecast_terms(SMALL_BOARD, 2026, 2031)
    ends = [(e.label, e.ends, e.kind, e.current) for e in forecast.ends]
    assert ends == [
        ("Director of strategy", date(2026, 12, 31), APPOINTMENT, True),
        ("Chair", date(2027, 3, 31), APPOINTMENT, True),
        ("NED A", date(2027, 5, 31), REAPPOINTMENT, True),
        ("NED B", date(2028, 12, 31), REAPPOINTMENT, True),
        ("Medical director", date(2029, 9, 30), APPOINTMENT, True),
        ("NED C", date(2029, 12, 31), APPOINTMENT, False),
        ("NED A", date(2030, 5, 31), APPOINTMENT, False),
        ("NED B", date(2030, 12, 31), REAPPOINTMENT, False),
        ("Chair", date(2031, 3, 31), REAPPOINTMENT, False),
    ]
    assert forecast.lapsed == ("NED C",)
    by_year = {row.year: (dict(row.appointments), dict(row.reappointments)) for row in forecast.years}
    assert by_year == {
        2026: ({EXECUTIVE_NON_VOTING: 1}, {}),
        2027: ({NON_EXECUTIVE: 1}, {NON_EXECUTIVE: 1}),
        2028: ({}, {NON_EXECUTIVE: 1}),
        2029: ({NON_EXECUTIVE: 1, EXECUTIVE_VOTING: 1}, {}),
        2030: ({NON_EXECUTIVE: 1}, {NON_EXECUTIVE: 1}),
        2031: ({}, {NON_EXECUTIVE: 1}),
    }
    last = forecast.by(2031)
    assert last is not None
    assert last.due("voting") == (4, 8)
    assert last.due("executive") == (2, 2)
    assert last.due("board") == (5, 9)
    by_2028 = forecast.by(2028)
    assert by_2028 is not None and by_2028.due("voting") == (1, 3)
    assert forecast.seats == {NON_EXECUTIVE: 4, EXECUTIVE_VOTING: 2, EXECUTIVE_NON_VOTING: 1}


def test_what_the_appointments_due_could_do() -> None:
    forecast = forecast_terms(SMALL_BOARD, 2026, 2031)
    # 1 of 10 voting members from the group, 25% of the workforce: 3 of 10 needed, so 2 appointments,
    # and 2 could be due (one certain, one a reappointment not made) by 2027.
    found = reach("voting", 1, 10, 0.25, forecast, withheld=False)
    assert (found.needed, found.due, found.earliest) == (2, (4, 8), 2027)
    sentence = reach_sentence(found, "BME", 2031)
    assert "1 of 10 (10.0%) are BME" in sentence
    assert "from 4 to 8 voting appointments are due by 2031" in sentence
    assert "Appointing 2 BME members among them would bring it to the workforce's share (3 of 10)" in sentence
    assert "by 2027" in sentence
    # Already there: nothing needed.
    assert reach("voting", 3, 10, 0.25, forecast, withheld=False).needed == 0
    # Out of reach: 9 needed, at most 2 executive appointments due.
    far = reach("executive", 0, 9, 1.0, forecast, withheld=False)
    assert far.needed == 9 and far.earliest is None
    assert "short of the workforce's share (9)" in reach_sentence(far, "BME", 2031)


def test_nothing_is_worked_out_from_a_withheld_count() -> None:
    forecast = forecast_terms(SMALL_BOARD, 2026, 2031)
    found = reach("voting", None, 10, 0.25, forecast, withheld=True)
    assert (found.count, found.members, found.needed, found.earliest) == (None, None, None, None)
    sentence = reach_sentence(found, "BME", 2031)
    assert "withheld" in sentence and "of 10" not in sentence and "Appointing" not in sentence


@pytest.mark.parametrize(("members", "share", "expected"), [(10, 0.3, 3), (13, 0.21, 3), (12, 0.0, 0), (7, 1.0, 7)])
def test_members_to_reach_a_share(members: int, share: float, expected: int) -> None:
    assert members_to_reach(members, share) == expected


@pytest.mark.parametrize(("seat", "field"), [
    (Seat("", "chair", NON_EXECUTIVE, date(2024, 1, 1), date(2027, 12, 31)), "label"),
    (Seat("Chair", "chair", EXECUTIVE_VOTING, date(2024, 1, 1), date(2027, 12, 31)), "board_type"),
    (Seat("NED", "non_executive", NON_EXECUTIVE, date(2024, 1, 1), date(2028, 1, 2)), "term_end"),  # over 4 years
    (Seat("NED", "non_executive", NON_EXECUTIVE, date(2024, 1, 1), date(2023, 1, 1)), "term_end"),
    (Seat("NED", "non_executive", NON_EXECUTIVE, None, date(2027, 1, 1)), "term_start"),
    (Seat("NED", "non_executive", NON_EXECUTIVE, date(2024, 1, 1), date(2027, 1, 1), 3, 2), "term_number"),
    (Seat("NED", "non_executive", NON_EXECUTIVE, date(2024, 1, 1), date(2027, 1, 1), 1, 4), "max_terms"),
    (Seat("NED", "non_executive", NON_EXECUTIVE, date(2024, 1, 1), date(2027, 1, 1), 1, 2, 5), "term_years"),
    (Seat("Director", "executive_director", NON_EXECUTIVE), "board_type"),
])
def test_a_seat_breaking_a_rule_is_refused(seat: Seat, field: str) -> None:
    assert field in [f for f, _ in seat_problems(seat)]


def test_good_seats_pass_and_labels_are_unique() -> None:
    assert all(not seat_problems(seat) for seat in SMALL_BOARD)
    # Exactly four years is allowed (1 January 2024 to 1 January 2028).
    assert not seat_problems(Seat("NED", "non_executive", NON_EXECUTIVE, date(2024, 1, 1), date(2028, 1, 1)))
    twice = [*SMALL_BOARD, Seat("ned  a", "non_executive", NON_EXECUTIVE, date(2024, 1, 1), date(2027, 1, 1))]
    assert [(p, f) for p, f, _ in board_problems(twice)] == [(len(SMALL_BOARD), "label")]


def test_roles_and_dates() -> None:
    assert parse_role("CEO") == "chief_executive"
    assert parse_role("Chief Nurse") == "nursing_director"
    assert parse_role("Chairman") == "chair"
    assert parse_role("Head of catering") is None
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 3, 1)
