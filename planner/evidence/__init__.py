"""Workforce evidence (evidence.md): leaver rates measured from the organisation's own staff and leavers
extracts, retirement rates by age band, and projected yearly leaver rates as the leaders age. Pure
Python on counts: no Flask, no database.

    evidence = derive_rates(EvidenceCounts(period, start, end, leavers, levels), ReadyRates(r), horizon=5)
    evidence.to_json()
"""

from planner.evidence.ages import AGE_BANDS
from planner.evidence.counts import UNKNOWN_AGE, EvidenceCounts, LeaverGroup, ReadyRates, StaffCounts, is_retirement
from planner.evidence.derive import MIN_IN_POST, AgeBandRate, AreaRate, Evidence, LevelRate, derive_rates
from planner.evidence.period import Period, PeriodRefused, year_end

__all__ = [
    "AGE_BANDS",
    "MIN_IN_POST",
    "UNKNOWN_AGE",
    "AgeBandRate",
    "AreaRate",
    "Evidence",
    "EvidenceCounts",
    "LeaverGroup",
    "LevelRate",
    "Period",
    "PeriodRefused",
    "ReadyRates",
    "StaffCounts",
    "derive_rates",
    "is_retirement",
    "year_end",
]
