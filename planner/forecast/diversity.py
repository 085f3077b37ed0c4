"""Diversity trajectories and the target solver of model.md."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.forecast.engine import FloatArray, Totals, sum_over_areas
from planner.forecast.spec import ALL_LEVELS, DiversityTarget, Spec


@dataclass(frozen=True, slots=True)
class GroupFlows:
    """Organisation-wide flows for one target, each indexed by t = 0..H (flows at t = 0 are 0)."""

    in_post: list[float]  # N(t)
    leavers: list[float]
    promoted_out: list[float]
    entrants: list[float]  # E(t)


def group_flows(target_level: str, spec: Spec, totals: Totals) -> GroupFlows:
    """Sum the flows over areas (and over levels for ``"all"``) for one target."""
    baseline = totals.baseline
    if target_level == ALL_LEVELS:
        # Promotions between levels are internal moves: nobody leaves "all levels" that way,
        # and only external appointments enter it.
        return GroupFlows(
            in_post=[float(sum(baseline)), *_over_levels(totals.flows["end"])],
            leavers=[0.0, *_over_levels(totals.flows["leavers"])],
            promoted_out=[0.0] * (spec.horizon + 1),
            entrants=[0.0, *_over_levels(totals.flows["external_appointments"])],
        )
    level = spec.level_keys.index(target_level)
    flows = totals.flows
    entrants = flows["internal_fills"][level] + flows["external_appointments"][level]
    return GroupFlows(
        in_post=[baseline[level], *flows["end"][level].tolist()],
        leavers=[0.0, *flows["leavers"][level].tolist()],
        promoted_out=[0.0, *flows["promoted_out"][level].tolist()],
        entrants=[0.0, *entrants.tolist()],
    )


def _over_levels(values: FloatArray) -> list[float]:
    """Sum a [level, year] total over levels, top down."""
    summed: list[float] = sum_over_areas(values).tolist()
    return summed


def group_path(flows: GroupFlows, baseline_count: float, ratio: float, share: float) -> list[float]:
    """b(t) for t = 0..H with a constant share of entrants from the group."""
    counts = [baseline_count]
    for t in range(1, len(flows.in_post)):
        before = counts[-1]
        in_post = flows.in_post[t - 1]
        rate = ratio * flows.leavers[t] + flows.promoted_out[t]
        exits = before * rate / in_post if in_post != 0 else 0.0
        counts.append(before - exits + share * flows.entrants[t])
    return counts


def required_share(flows: GroupFlows, target: DiversityTarget, t: int) -> float | None:
    """s*: the constant share of entrants reaching the target at year t; None if undefined."""
    without = group_path(flows, target.baseline_count, target.leaver_rate_ratio, 0.0)[t]
    only = group_path(flows, target.baseline_count, target.leaver_rate_ratio, 1.0)[t]
    if only - without == 0:
        return None  # no entrants before the target year, so no share can move b(T)
    share = (target.target_share * flows.in_post[t] - without) / (only - without)
    return share if math.isfinite(share) else None


def _path_items(flows: GroupFlows, target: DiversityTarget, share: float, years: list[int]) -> list[dict[str, object]]:
    counts = group_path(flows, target.baseline_count, target.leaver_rate_ratio, share)
    return [
        {
            "year": year,
            "count": counts[t],
            "share": counts[t] / flows.in_post[t] if flows.in_post[t] != 0 else 0.0,
            "appointments_from_group": share * flows.entrants[t],
        }
        for t, year in enumerate(years, start=1)
    ]


def held_shares(flows: GroupFlows, target: DiversityTarget, share: float, target_t: int) -> list[float]:
    """The share of entrants from the group in each year t = 1..H (model.md version 2): `share` up to
    the target year, then whatever holds the group at the target share (clamped to 0..1)."""
    shares: list[float] = []
    count = target.baseline_count
    for t in range(1, len(flows.in_post)):
        in_post = flows.in_post[t - 1]
        rate = target.leaver_rate_ratio * flows.leavers[t] + flows.promoted_out[t]
        exits = count * rate / in_post if in_post != 0 else 0.0
        entrants = flows.entrants[t]
        if t <= target_t:
            applied = share
        elif entrants > 0:
            applied = min(max((target.target_share * flows.in_post[t] - (count - exits)) / entrants, 0.0), 1.0)
        else:
            applied = 0.0
        shares.append(applied)
        count = count - exits + applied * entrants
    return shares


def _held_items(flows: GroupFlows, target: DiversityTarget, shares: list[float],
                years: list[int]) -> list[dict[str, object]]:
    """The trajectory with a share of entrants that may change each year."""
    items: list[dict[str, object]] = []
    count = target.baseline_count
    for t, (year, share) in enumerate(zip(years, shares, strict=True), start=1):
        in_post = flows.in_post[t - 1]
        rate = target.leaver_rate_ratio * flows.leavers[t] + flows.promoted_out[t]
        exits = count * rate / in_post if in_post != 0 else 0.0
        count = count - exits + share * flows.entrants[t]
        items.append({"year": year, "count": count,
                      "share": count / flows.in_post[t] if flows.in_post[t] != 0 else 0.0,
                      "appointments_from_group": share * flows.entrants[t]})
    return items


def assessment(solved: float | None, met: bool, pipeline_share: float | None) -> str:
    """Whether the target is realistic against its pipeline (model.md version 2)."""
    if solved is None:
        return "met_without_action" if met else "not_reachable"
    if solved <= 0:
        return "met_without_action"
    if solved > 1:
        return "not_reachable"
    if pipeline_share is None:
        return "reachable"
    return "within_pipeline" if solved <= pipeline_share else "needs_wider_pipeline"


def target_result(spec: Spec, totals: Totals, target: DiversityTarget) -> dict[str, object]:
    """The output item of one diversity target: s*, feasibility, the assessment and both trajectories."""
    group = group_flows(target.level, spec, totals)
    t = target.target_year - spec.start_year
    solved = required_share(group, target, t)
    without = group_path(group, target.baseline_count, target.leaver_rate_ratio, 0.0)[t]
    met = without >= target.target_share * group.in_post[t]
    if solved is None:
        feasible = met
        applied = 0.0
    else:
        feasible = solved <= 1
        applied = min(max(solved, 0.0), 1.0)
    current = target.current_appointment_share
    if current is None:
        in_post = group.in_post[0]
        current = target.baseline_count / in_post if in_post != 0 else 0.0
    return {
        "level": target.level,
        "group": target.group,
        "target_share": target.target_share,
        "target_year": target.target_year,
        "baseline_count": target.baseline_count,
        "pipeline_share": target.pipeline_share,
        "required_share_of_appointments": solved,
        "feasible": feasible,
        "assessment": assessment(solved, met, target.pipeline_share),
        "trajectory": _held_items(group, target, held_shares(group, target, applied, t), spec.years),
        "no_action": _path_items(group, target, current, spec.years),
    }
