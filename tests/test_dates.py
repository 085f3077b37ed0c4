"""Dates are written one way, by planner.dates, on every page (the long_date and date_time filters)."""

from __future__ import annotations

from datetime import date, datetime

from planner.dates import date_time, long_date
from tests.helpers import ROOT


def test_a_date_has_no_leading_zero() -> None:
    assert long_date(date(2027, 3, 3)) == "3 March 2027"
    assert long_date(datetime(2027, 3, 3, 23, 59)) == "3 March 2027"
    assert long_date("2027-03-03") == "3 March 2027"
    assert long_date(None) == "–"
    assert date_time(datetime(2027, 3, 3, 9, 5)) == "3 March 2027, 09:05"
    assert date_time(None) == "–"


def test_no_template_writes_a_date_itself() -> None:
    own = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "templates").rglob("*.html"))
           for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "strftime" in line]
    assert own == [], "use the long_date (or date_time) filter"
