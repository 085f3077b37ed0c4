"""Uncertainty bands in words: where the simulations' mean is more than 5% from the expected figure,
and why (model.md, version 2). The one place for the rule; pages and the pack ask it. Pure (no Flask)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

GAP_SHARE = 0.05  # a mean this far from the expected figure is explained in words (model.md version 2)

AGREE = "In every year and at every level, the expected figures and the simulations' average agree within 5%."

REASON = ("Why they differ by more than 5%: where a level's leaders are spread thinly over many areas, an "
          "area's pool of people ready to step up is often empty in a simulation of whole people, so fewer "
          "posts are filled internally and more externally than the expected figure, which counts fractions "
          "of people, suggests; the level below then loses fewer people to promotion, so needs fewer "
          "appointments of its own.")


def band_gaps(bands: Sequence[Mapping[str, Any]], expected: Mapping[tuple[str, int], Mapping[str, Any]],
              names: Mapping[str, str]) -> list[str]:
    """A line for each level and figure whose simulation mean is more than 5% from the expected
    figure, and then the reason in words; empty where they agree."""
    gaps: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    for b in bands:
        for metric in ("external_appointments", "end"):
            mean = b[metric].get("mean")
            figure = expected.get((b["level"], b["year"]), {}).get(metric)
            if mean is None or figure is None or figure <= 0:
                continue
            if abs(mean - figure) > GAP_SHARE * figure:
                gaps.setdefault((b["level"], metric), []).append((b["year"], mean, figure))
    if not gaps:
        return []
    out = []
    for (level, metric), years in gaps.items():
        label, per = (("external appointments", " a year") if metric == "external_appointments"
                      else ("leaders in post at the year's end", ""))
        means, figures = [m for _y, m, _f in years], [f for _y, _m, f in years]
        when = f"{years[0][0]}" if len(years) == 1 else f"{len(years)} years from {years[0][0]} to {years[-1][0]}"
        out.append(f"{names.get(level, level)}, {label}: the simulations average {_span(means)}{per} against an "
                   f"expected {_span(figures)} ({when}).")
    out.append(REASON)
    return out


def _span(values: Sequence[float]) -> str:
    """'12.3', or '12.3 to 15.0' where the values differ at one decimal place."""
    low, high = min(values), max(values)
    return f"{low:,.1f}" if f"{low:,.1f}" == f"{high:,.1f}" else f"{low:,.1f} to {high:,.1f}"
