"""planner.web.fields: the one place numbers, dates and record ids typed into a page are read."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from planner.web.fields import MAX_ID, amount, day, moment, named_record_id, number, percent, record_id, whole
from planner.web.forms import StrategyForm


@pytest.mark.parametrize(("typed", "expected"), [
    ("12", 12), (" 1,200 ", 1200), ("", 0), ("0", 0),
])
def test_whole_reads_counts(typed: str, expected: int) -> None:
    errors: list[tuple[str, str]] = []
    assert whole(typed, "Staff", errors, "staff") == expected
    assert errors == []


@pytest.mark.parametrize(("typed", "message"), [
    ("-5", "Staff cannot be negative. It must be a whole number of 0 or more, like 12"),
    ("\u00b2", "Staff must be a whole number of 0 or more, like 12"),
    ("\u0661\u0662", "Staff must be a whole number of 0 or more, like 12"),
    ("1.5", "Staff must be a whole number of 0 or more, like 12"),
    ("NaN", "Staff must be a whole number of 0 or more, like 12"),
    ("9" * 30, "Staff is too large: at most 1,000,000,000"),
    ("9" * 10_000, "Staff is too large: at most 1,000,000,000"),
])
def test_whole_refuses_with_one_plain_message(typed: str, message: str) -> None:
    errors: list[tuple[str, str]] = []
    assert whole(typed, "Staff", errors, "staff") == 0
    assert errors == [("staff", message)]


@pytest.mark.parametrize("typed", ["NaN", "inf", "-inf", "1e400", "\u00b2", "x" * 10_000])
def test_number_and_percent_refuse_what_is_not_a_finite_number(typed: str) -> None:
    errors: list[tuple[str, str]] = []
    assert number(typed, "FTE", errors, "fte") is None
    assert percent(typed, "Rate", errors, "rate") is None
    assert [field for field, _ in errors] == ["fte", "rate"]


@pytest.mark.parametrize(("typed", "expected"), [("2026-03-31", date(2026, 3, 31)), ("", None), ("  ", None)])
def test_day_reads_year_month_day(typed: str, expected: date | None) -> None:
    errors: list[tuple[str, str]] = []
    assert day(typed, "the closing date", errors, "closes_on") == expected
    assert errors == []


@pytest.mark.parametrize("typed", [
    "2026-02-30", "31/12/99", "20260331", "\u0662\u0660\u0662\u0666-01-01", "x" * 10_000,
])
def test_day_refuses_what_is_not_a_real_date(typed: str) -> None:
    errors: list[tuple[str, str]] = []
    assert day(typed, "the closing date", errors, "closes_on") is None
    assert errors == [("closes_on", "Enter the closing date as a date, like 2026-03-31")]


@pytest.mark.parametrize(("typed", "expected"), [
    ("7", 7), (" 7 ", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), (str(10**25), None), ("0", None),
    ("-1", None), ("\u00b2", None), ("\u0661\u0662", None), ("", None), (None, None), ("seven", None),
])
def test_record_id_is_only_what_a_record_can_have(typed: str | None, expected: int | None) -> None:
    assert record_id(typed) == expected


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "Enter the start year as a whole number, like 2026"),
    ("\u00b2", "Enter the start year as a whole number, like 2026"),
    ("", "Enter the start year as a whole number, like 2026"),
    ("1999", "Start year must be between 2000 and 2100"),
    ("9" * 30, "Start year must be between 2000 and 2100"),
])
def test_a_whole_number_field_gives_one_message(app: Flask, typed: str, message: str) -> None:
    with app.test_request_context(method="POST"):
        typed_in = MultiDict({"title": "T", "start_year": typed, "horizon": "5"})
        form = StrategyForm(formdata=typed_in, meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"start_year": [message]}


@pytest.mark.parametrize(("typed", "expected"), [
    ("1500", 1500.0), ("£1,500", 1500.0), (" £12.50 ", 12.5), ("", 0.0), ("0", 0.0),
])
def test_amount_reads_pounds(typed: str, expected: float) -> None:
    errors: list[tuple[str, str]] = []
    assert amount(typed, "Cost per place", errors, "cost") == expected
    assert errors == []


@pytest.mark.parametrize(("typed", "message"), [
    *[(typed, "Cost per place must be an amount in pounds, like 1500")
      for typed in ("NaN", "inf", "1e400", "\u00a3\u00b2", "ten pounds", "$1500")],
    *[(typed, "Cost per place cannot be negative. Enter an amount in pounds of 0 or more, like 1500")
      for typed in ("-10", "£-10", "£ -0.5")],
])
def test_amount_refuses_what_is_not_pounds_with_one_message(typed: str, message: str) -> None:
    errors: list[tuple[str, str]] = []
    assert amount(typed, "Cost per place", errors, "cost") == 0.0
    assert errors == [("cost", message)]


@pytest.mark.parametrize(("typed", "expected"), [
    (None, None), ("", None), ("  ", None), ("3", 3), (str(MAX_ID), MAX_ID),
])
def test_named_record_id_reads_an_id_or_nothing(app: Flask, typed: str | None, expected: int | None) -> None:
    with app.test_request_context():
        assert named_record_id(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "-1", "0", "\u00b2", "1.5", str(MAX_ID + 1), "9" * 30])
def test_named_record_id_is_a_missing_page_for_what_no_record_can_have(app: Flask, typed: str) -> None:
    with app.test_request_context(), pytest.raises(NotFound):
        named_record_id(typed)


@pytest.mark.parametrize(("typed", "expected"), [
    ("2026-11-23T09:00:00Z", datetime(2026, 11, 23, 9, tzinfo=UTC)),
    ("2026-11-23T09:00:00", datetime(2026, 11, 23, 9, tzinfo=UTC)),
    ("2026-11-23T10:00:00+01:00", datetime(2026, 11, 23, 9, tzinfo=UTC)),
    ("yesterday", None), ("2026-13-01T00:00:00", None), ("\u0662026-11-23", None), ("9" * 100, None),
])
def test_moment_reads_iso_times_as_utc(typed: str, expected: datetime | None) -> None:
    assert moment(typed) == expected
