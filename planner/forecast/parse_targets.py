"""Parsing of the optional diversity targets and uncertainty request, and their cross-checks."""

from __future__ import annotations

from planner.forecast._checks import NON_NEGATIVE, RATE, Checker, Range, absent, index, join
from planner.forecast.spec import ALL_LEVELS, DiversityTarget, Uncertainty

TARGET_KEYS = (
    "level", "group", "baseline_count", "target_share", "target_year",
    "leaver_rate_ratio", "current_appointment_share", "pipeline_share",
)  # fmt: skip
UNCERTAINTY_KEYS = ("simulations", "seed")
DEFAULT_SIMULATIONS = 1000
SIMULATIONS = Range(1, 10_000)
BASELINE_COUNT = Range(0, 1_000_000_000, cap=True)
SEED = Range(0, 2**63 - 1, cap=True)
# Decimal rates that add up to exactly 1 may exceed it by a rounding error in binary.
SUM_TOLERANCE = 1e-12


def parse_targets(
    check: Checker,
    top: dict[str, object],
    keys: list[str] | None,
    start_year: int | None,
    horizon: int | None,
) -> list[DiversityTarget] | None:
    """The optional diversity targets; None when any of them is invalid."""
    raw = [] if absent(top, "diversity_targets") else top["diversity_targets"]
    items = check.sequence(raw, "diversity_targets")
    if items is None:
        return None
    years = (
        Range(start_year + 1, start_year + horizon, note="the forecast years")
        if start_year is not None and horizon is not None
        else Range()
    )
    targets: list[DiversityTarget] = []
    for position, raw in enumerate(items):
        path = index("diversity_targets", position)
        item = check.mapping(raw, path)
        if item is None:
            continue
        before = len(check.problems)
        check.known_keys(item, path, TARGET_KEYS)
        level = check.text(item, "level", path, required=True)
        if level is not None and keys is not None and level not in (*keys, ALL_LEVELS):
            expected = ", ".join(keys)
            check.add(join(path, "level"), f'"{level}" is not a level ({expected}) or "all"')
        group = check.text(item, "group", path, required=True)
        baseline = check.number(item, "baseline_count", path, BASELINE_COUNT)
        share = check.number(item, "target_share", path, RATE)
        year = check.whole(item, "target_year", path, years)
        ratio = check.number(item, "leaver_rate_ratio", path, NON_NEGATIVE, default=1.0)
        current = None
        if not absent(item, "current_appointment_share"):
            current = check.number(item, "current_appointment_share", path, RATE)
        pipeline = None
        if not absent(item, "pipeline_share"):
            pipeline = check.number(item, "pipeline_share", path, RATE)
        if len(check.problems) > before:
            continue
        assert level is not None and group is not None and baseline is not None
        assert share is not None and year is not None and ratio is not None
        targets.append(DiversityTarget(level, group, baseline, share, year, ratio, current, pipeline))
    return targets if len(targets) == len(items) else None


def parse_uncertainty(check: Checker, top: dict[str, object]) -> Uncertainty | None:
    """The optional request for bands."""
    if absent(top, "uncertainty"):
        return None
    item = check.mapping(top["uncertainty"], "uncertainty")
    if item is None:
        return None
    check.known_keys(item, "uncertainty", UNCERTAINTY_KEYS)
    simulations = check.whole(item, "simulations", "uncertainty", SIMULATIONS, default=DEFAULT_SIMULATIONS)
    seed = check.whole(item, "seed", "uncertainty", SEED, default=0)
    if simulations is None or seed is None:
        return None
    return Uncertainty(simulations, seed)
