"""WRES and WDES indicators as plain functions on counts and shares.

Shares are fractions from 0 to 1; gaps are in percentage points. A None in (a withheld count, or a
share computed from one) gives a None out, so suppression carries through to every indicator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from planner.diversity.suppression import share

# The national measure each comparison reports against: (each level's gap, the board's gap, relative
# likelihood of appointment from shortlisting). The WRES numbers indicators; the WDES numbers metrics,
# and its board measure is metric 10 (WRES indicator 9 is the ethnicity one).
STANDARDS: dict[str, tuple[str, str, str]] = {
    "ethnicity": ("WRES indicator 1", "WRES indicator 9", "WRES indicator 2"),
    "disability": ("WDES metric 1", "WDES metric 10", "WDES metric 2"),
}


def representation(count: int | None, total: int | None) -> float | None:
    """The share (0 to 1) of a group in a population; None if either count is withheld or the total is 0."""
    return share(count, total)


def percentage_point_gap(share_a: float | None, share_b: float | None) -> float | None:
    """(share_a - share_b) * 100: e.g. WRES indicator 9, board BME share minus workforce BME share."""
    if share_a is None or share_b is None:
        return None
    for value in (share_a, share_b):
        if math.isnan(value) or not 0.0 <= value <= 1.0:
            raise ValueError(f"A share is a fraction from 0 to 1 (not a percentage), not {value!r}.")
    return (share_a - share_b) * 100.0


def relative_likelihood(shortlisted_a: int, appointed_a: int, shortlisted_b: int, appointed_b: int) -> float | None:
    """WRES indicator 2: group a's likelihood of appointment from shortlisting over group b's (a = White, b = BME)."""
    # Above 1, White applicants are more likely to be appointed from shortlisting than BME
    # applicants. The national figure for 2022 was about 1.54.
    for group, shortlisted, appointed in (("a", shortlisted_a, appointed_a), ("b", shortlisted_b, appointed_b)):
        if shortlisted < 0 or appointed < 0:
            raise ValueError(f"Counts cannot be negative (group {group}: {appointed} of {shortlisted}).")
        if appointed > shortlisted:
            raise ValueError(f"Group {group} has more appointed ({appointed}) than shortlisted ({shortlisted}).")
    if shortlisted_a == 0 or shortlisted_b == 0 or appointed_b == 0:
        return None
    # (appointed_a / shortlisted_a) / (appointed_b / shortlisted_b), with one division.
    return (appointed_a * shortlisted_b) / (shortlisted_a * appointed_b)


def indicator_1(level_shares: Mapping[str, float | None], workforce_share: float | None) -> dict[str, float | None]:
    """WRES indicator 1: each level's share of a group minus its share of the whole workforce, in points."""
    return {level: percentage_point_gap(value, workforce_share) for level, value in level_shares.items()}
