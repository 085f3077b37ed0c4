"""Alignment: where the cascade does not hang together, and every gap the board has found that no objective
owns yet (diversity targets, competency gaps and forecast shortfalls)."""

from __future__ import annotations

from sqlmodel import Session

from planner.models import Strategy
from planner.services import competencies, derived, diversity, forecasting
from planner.services.objectives.views import Alignment, ObjectiveView
from planner.services.scenarios import scenarios_of
from planner.services.structure import areas_of, levels_of


def gaps_to_own(session: Session, strategy: Strategy) -> list[dict[str, str]]:
    """Every gap the board has found: diversity targets, competency gaps of a quarter or more of
    leaders below the required step, and levels needing external appointments in the first scenario.
    Each kind is worked out once per change of what it reads (planner.services.derived), so a new leaver
    rate works out the shortfalls again and leaves the targets and competency gaps kept."""
    ask = derived.Ask
    found = derived.remember_each(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id, asks=[
        ask("gaps to own: targets", (), ("diversity", "structure"), lambda: _target_gaps(session, strategy)),
        ask("gaps to own: competencies", (), ("catalogue", "competencies", "structure"),
            lambda: _competency_gaps(session, strategy)),
        ask("gaps to own: shortfalls", (), ("baseline", "forecast", "strategy", "structure"),
            lambda: _shortfalls(session, strategy)),
    ])
    return [dict(gap) for gaps in found for gap in gaps]


def _target_gaps(session: Session, strategy: Strategy) -> list[dict[str, str]]:
    """Each diversity target, as a gap to own."""
    gaps: list[dict[str, str]] = []
    group_names = {(c.key, g.key): g.name for c in diversity.all_named(session, strategy.organisation_id)
                   for g in c.groups}
    for target in diversity.targets_of(session, strategy):
        level = next((lv.name for lv in levels_of(session, strategy) if lv.id == target.level_id), "All leaders")
        group = group_names.get((target.characteristic, target.group_key), target.group_key)
        gaps.append({"kind": "diversity target", "ref": f"target:{target.id}",
                     "label": f"{group}: {target.target_share * 100:.1f}% of {level.lower()} by {target.target_year}"})
    return gaps


def _competency_gaps(session: Session, strategy: Strategy) -> list[dict[str, str]]:
    """Competency gaps of a quarter or more of leaders below the required step."""
    gaps: list[dict[str, str]] = []
    levels = {lv.key: lv.name for lv in levels_of(session, strategy)}
    competency_names = {c.key: c.name for c in competencies.catalogue(session, strategy.organisation_id)
                        .all_competencies()}
    for gap in competencies.gap_totals(session, strategy):
        if gap.share_below is not None and gap.share_below >= 0.25:
            gaps.append({"kind": "competency gap", "ref": f"competency:{gap.competency}:{gap.level}",
                         "label": f"{competency_names.get(gap.competency, gap.competency)} at "
                                  f"{levels.get(gap.level, gap.level).lower()}: "
                                  f"{gap.share_below * 100:.0f}% below the required step"})
    return gaps


def _shortfalls(session: Session, strategy: Strategy) -> list[dict[str, str]]:
    """Levels needing external appointments in the first scenario."""
    gaps: list[dict[str, str]] = []
    levels = {lv.key: lv.name for lv in levels_of(session, strategy)}
    scenarios = scenarios_of(session, strategy)
    if scenarios:
        run = forecasting.run(session, strategy, scenarios[0], with_bands=False)
        if run.result is not None:
            totals: dict[str, float] = {}
            for row in run.result["totals"]:
                totals[row["level"]] = totals.get(row["level"], 0.0) + row["external_appointments"]
            for key, external in totals.items():
                if external >= 0.5:
                    gaps.append({"kind": "forecast shortfall", "ref": f"shortfall:{key}",
                                 "label": f"{levels.get(key, key)}: {round(external):,} external appointments "
                                          f"needed ({scenarios[0].name})"})
    return gaps


def alignment(session: Session, strategy: Strategy, views: list[ObjectiveView]) -> Alignment:
    """Orphans, strategic objectives reaching no team or individual, areas without objectives, and
    gaps without an objective linked to them."""
    by_id = {v.objective.id: v for v in views}
    orphans = [v for v in views if v.objective.level != "strategic" and v.objective.parent_id is None]

    def reaches(view: ObjectiveView) -> bool:
        return any(by_id[c].objective.level in ("team", "individual") or reaches(by_id[c])
                   for c in view.children if c in by_id)

    unreaching = [v for v in views if v.objective.level == "strategic" and not reaches(v)]
    with_objectives = {v.objective.area_id for v in views if v.objective.area_id}
    areas = [a for a in areas_of(session, strategy) if a.id not in with_objectives]
    linked = {v.objective.link_ref for v in views if v.objective.link_ref}
    gaps = [g for g in gaps_to_own(session, strategy) if g["ref"] not in linked]
    return Alignment(orphans, unreaching, areas, gaps)
