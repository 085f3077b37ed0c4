"""The evidence period: a start date and an inclusive end date one year less a day later (1 April 2025
to 31 March 2026). Other lengths are refused: a rate is a year's leavers, and nothing is annualised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from planner.dates import long_date


class PeriodRefused(ValueError):
    """A period that is not exactly one year less a day; `message` is one sentence for the planner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def year_end(start: date) -> date:
    """The inclusive end of the year starting on `start`: the day before the same date a year later.
    A year from 29 February ends on 28 February (its anniversary is taken as 1 March, as in English law)."""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February, and the next year is not a leap year
        anniversary = date(start.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A checked evidence period; build it with Period.of so its length is checked."""

    start: date
    end: date

    @classmethod
    def of(cls, start: date, end: date) -> Period:
        """The period from start to end inclusive; PeriodRefused unless end is one year less a day after start."""
        expected = year_end(start)
        if end != expected:
            raise PeriodRefused(
                f"The period must be one year less a day: from {long_date(start)} it ends on "
                f"{long_date(expected)}, not {long_date(end)}. Rates are measured over exactly a year, "
                "never scaled up or down.")
        return cls(start, end)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def text(self) -> str:
        """'1 April 2025 to 31 March 2026'."""
        return f"{long_date(self.start)} to {long_date(self.end)}"
