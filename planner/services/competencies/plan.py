"""The development plan: interventions, the competencies and levels each develops, and how far the plan's
places cover the gaps, at what cost a year."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from planner.competencies import gaps as arithmetic
from planner.models import Intervention, InterventionTarget, Strategy, User
from planner.services import ServiceError, derived
from planner.services.audit import record
from planner.services.competencies.catalogue import catalogue
from planner.services.competencies.gaps import gap_totals
from planner.services.editing import check_version, commit_checked
from planner.services.recorded import delete_recorded
from planner.services.structure import levels_of

MAX_COST_PER_PLACE = 1_000_000  # pounds: well above any leadership programme, so a typing slip is caught


def interventions_of(session: Session, strategy: Strategy) -> list[tuple[Intervention, list[InterventionTarget]]]:
    """The development plan: each intervention with the competencies and levels it develops."""
    return derived.records(session, strategy, "interventions", lambda: _interventions(session, strategy))


def _interventions(session: Session, strategy: Strategy) -> list[tuple[Intervention, list[InterventionTarget]]]:
    """The plan read afresh (interventions_of keeps it)."""
    rows = list(session.exec(select(Intervention).where(Intervention.strategy_id == strategy.id)
                             .order_by(col(Intervention.first_year), col(Intervention.name))))
    targets: dict[int, list[InterventionTarget]] = {}
    for t in session.exec(select(InterventionTarget).where(
            col(InterventionTarget.intervention_id).in_([r.id for r in rows]))):
        targets.setdefault(t.intervention_id, []).append(t)
    return [(r, targets.get(r.id, [])) for r in rows]


def plan_view(session: Session, strategy: Strategy) -> dict[str, Any]:
    """Coverage of the organisation's gaps by the plan's places, cost per year, and unaddressed gaps."""
    levels = {lv.id: lv.key for lv in levels_of(session, strategy)}
    comps = {c.id: c.key for c in catalogue(session, strategy.organisation_id).all_competencies()}
    plan = []
    for row, targets in interventions_of(session, strategy):
        plan.append(arithmetic.Intervention(
            name=row.name, kind=row.kind, places_per_year=row.places_per_year, cost_per_place=row.cost_per_place,
            competencies=frozenset(comps[t.competency_id] for t in targets if t.competency_id in comps),
            levels=frozenset(levels[t.level_id] for t in targets if t.level_id in levels),
            years=frozenset(range(row.first_year, row.last_year + 1)),
        ))
    years = list(range(strategy.start_year + 1, strategy.start_year + strategy.horizon + 1))
    org_gaps = gap_totals(session, strategy)
    return {
        "years": years,
        "coverage": arithmetic.coverage(org_gaps, plan, years),
        "cost": arithmetic.cost_per_year(plan, years),
        "unaddressed": arithmetic.unaddressed(org_gaps, plan),
    }


def save_intervention(
    *, session: Session, strategy: Strategy, values: Mapping[str, Any], targets: set[tuple[int, int]],
    actor: User, intervention: Intervention | None = None, version: int | None = None,
) -> Intervention:
    """Add or change an intervention and the (competency id, level id) pairs it develops (a change is
    refused if the intervention changed since `version` was read)."""
    if intervention is not None:
        check_version(intervention, version)
    name = str(values.get("name") or "").strip()
    if not name:
        raise ServiceError("Enter the intervention's name", field="name")
    if len(name) > 200:
        raise ServiceError("The name must be 200 characters or fewer", field="name")
    kind = str(values.get("kind") or "")
    if kind not in arithmetic.KINDS:
        raise ServiceError("Choose the kind of intervention", field="kind")
    places, cost = int(values["places_per_year"]), float(values["cost_per_place"])
    if not math.isfinite(cost):
        raise ServiceError("Cost per place must be an amount in pounds, like 1500", field="cost_per_place")
    if cost > MAX_COST_PER_PLACE:
        raise ServiceError(f"The cost a place must be at most £{MAX_COST_PER_PLACE:,}", field="cost_per_place")
    if places < 0 or cost < 0:
        raise ServiceError("Places and cost cannot be negative", field="places_per_year")
    first, last = int(values["first_year"]), int(values["last_year"])
    start, end = strategy.start_year + 1, strategy.start_year + strategy.horizon
    if not start <= first <= last <= end:
        raise ServiceError(f"The years must be within {start} to {end}, the first no later than the last",
                           field="first_year")
    if not targets:
        raise ServiceError("Choose at least one competency and level it develops", field="targets")
    row = intervention or Intervention(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                       name=name, kind=kind, first_year=first, last_year=last)
    row.name, row.kind, row.places_per_year, row.cost_per_place = name, kind, places, cost
    row.first_year, row.last_year = first, last
    if intervention is not None:
        # What it develops lives in other rows: a change of those alone must move the version too.
        flag_modified(row, "name")
    session.add(row)
    commit_checked(session, intervention, commit=False)
    for t in session.exec(select(InterventionTarget).where(InterventionTarget.intervention_id == row.id)):
        session.delete(t)
    session.flush()
    for competency_id, level_id in sorted(targets):
        session.add(InterventionTarget(organisation_id=strategy.organisation_id, intervention_id=row.id,
                                       competency_id=competency_id, level_id=level_id))
    record(session, action="update" if intervention else "create", entity="intervention", entity_id=row.id,
           organisation_id=strategy.organisation_id, user_id=actor.id,
           changes={"name": name, "kind": kind, "places_per_year": places, "cost_per_place": cost,
                    "years": [first, last], "targets": len(targets)})
    commit_checked(session, intervention)
    return row


def delete_intervention(*, session: Session, intervention: Intervention, actor: User) -> None:
    """Remove an intervention from the plan."""
    delete_recorded(session, intervention, entity="intervention", actor=actor, changes={"name": intervention.name})


def targets_of(session: Session, intervention: Intervention) -> set[tuple[int, int]]:
    """The (competency id, level id) pairs an intervention develops, as stored now."""
    return {(t.competency_id, t.level_id) for t in session.exec(
        select(InterventionTarget).where(InterventionTarget.intervention_id == intervention.id))}
