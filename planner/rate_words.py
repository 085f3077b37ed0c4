"""A rate that may change year by year (model.md version 3: a leaver rate is one number or a list of
one per forecast year) said in words, as a board paper or pack says it: "9.0%", "9.0% every year",
"9.0% in 2027 rising to 10.4% in 2031", or each year where the rate goes up and down. The one place
for it; the paper, the pack and the pages ask it. Pure."""

from __future__ import annotations

from collections.abc import Sequence


def yearly_rates(value: float | Sequence[float], horizon: int) -> list[float]:
    """The rate of each forecast year 1..H: a single rate repeated, or the list as given."""
    if isinstance(value, int | float):
        return [float(value)] * horizon
    return [float(v) for v in value]


def is_yearly(value: object) -> bool:
    """Whether a rate is given year by year (a list or tuple) rather than as one number."""
    return isinstance(value, list | tuple)


def percent_text(share: float, places: int = 1) -> str:
    """A share as a percentage: 0.104 -> '10.4%' (never '-0.0%')."""
    shown = round(share * 100 + 0.0, places)
    return f"{0.0 if shown == 0 else shown:.{places}f}%"


def rate_words(value: float | Sequence[float], first_year: int, places: int = 1) -> str:
    """A rate in words; first_year is the calendar year of forecast year 1 (start year + 1).

    Rising or falling is judged on the figures as shown, so a list that moves by less than the last
    place shown reads as the same rate every year."""
    if isinstance(value, int | float):
        return percent_text(float(value), places)
    rates = [float(v) for v in value]
    if not rates:
        return ""
    shown = [round(v * 100, places) for v in rates]
    texts = [percent_text(v, places) for v in rates]
    last_year = first_year + len(rates) - 1
    if len(set(shown)) == 1:
        return f"{texts[0]} every year" if len(rates) > 1 else f"{texts[0]} in {first_year}"
    steps = list(zip(shown, shown[1:], strict=False))
    if all(b >= a for a, b in steps):
        return f"{texts[0]} in {first_year} rising to {texts[-1]} in {last_year}"
    if all(b <= a for a, b in steps):
        return f"{texts[0]} in {first_year} falling to {texts[-1]} in {last_year}"
    each = [f"{text} in {first_year + n}" for n, text in enumerate(texts)]
    return ", ".join(each[:-1]) + f" and {each[-1]}"
