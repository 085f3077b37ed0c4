"""The planner's age bands and how a level's leaders age year by year (evidence.md, "Retirement as the
workforce ages"): each year a tenth of a ten-year band moves up to the next, a seventh of the under-25s
(18 to 24), the top band keeps what it has, and nobody enters the bottom band."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Youngest first; "unknown" is in none of them.
AGE_BANDS: tuple[str, ...] = ("under_25", "25_34", "35_44", "45_54", "55_64", "65_plus")
# Years in each band; the top band's width is never used (nobody leaves it by ageing).
WIDTHS: dict[str, int] = {"under_25": 7, "25_34": 10, "35_44": 10, "45_54": 10, "55_64": 10, "65_plus": 10}


def shares(counts: Mapping[str, int]) -> tuple[float, ...] | None:
    """Each band's share of the people with a known age band, in AGE_BANDS order; None when no age is known."""
    known = sum(counts.get(band, 0) for band in AGE_BANDS)
    if known == 0:
        return None
    return tuple(counts.get(band, 0) / known for band in AGE_BANDS)


def aged(before: Sequence[float]) -> tuple[float, ...]:
    """The shares a year later."""
    after: list[float] = []
    top = len(AGE_BANDS) - 1
    for k, band in enumerate(AGE_BANDS):
        stay = before[k] if k == top else before[k] * (1 - 1 / WIDTHS[band])
        arrive = before[k - 1] / WIDTHS[AGE_BANDS[k - 1]] if k > 0 else 0.0
        after.append(stay + arrive)
    return tuple(after)


def by_year(start: Sequence[float], years: int) -> list[tuple[float, ...]]:
    """The shares at t = 0 .. years - 1 (what forecast years 1 .. years use)."""
    found = [tuple(start)]
    while len(found) < years:
        found.append(aged(found[-1]))
    return found
