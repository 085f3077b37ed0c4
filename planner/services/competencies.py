"""Competencies: each organisation's frameworks (copied from data/ and then its own), the steps
each level needs, leaders' assessed steps, the gaps (planner.competencies.gaps does the
arithmetic) and the development plan."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, func, select

from planner.competencies import gaps as arithmetic
from planner.competencies.frameworks import default_frameworks
from planner.models import (
    AssessedCount,
    Competency,
    CompetencyDomain,
    CompetencyFramework,
    Intervention,
    InterventionTarget,
    Organisation,
    RequiredStep,
    Strategy,
    User,
)
from planner.services import ServiceError, derived, finish
from planner.services.audit import record
from planner.services.editing import check_version, claim_counter, commit_checked
from planner.services.structure import areas_of, levels_of

KINDS = ("generic", "role-specific")
OWN_FRAMEWORK = "own"
GAP_CACHE = "competency_gaps"  # key in session.info while reusing_gaps is in force
MAX_COST_PER_PLACE = 1_000_000  # pounds: well above any leadership programme, so a typing slip is caught


@dataclass
class Catalogue:
    """The organisation's frameworks, domains and competencies, in order."""

    frameworks: list[CompetencyFramework]
    domains: dict[int, list[CompetencyDomain]]  # framework id -> domains
    competencies: dict[int, list[Competency]]  # domain id -> competencies

    def all_competencies(self) -> list[Competency]:
        """Every competency, framework by framework."""
        return [c for f in self.frameworks for d in self.domains.get(f.id, []) for c in self.competencies.get(d.id, [])]


def ensure_frameworks(session: Session, organisation_id: int, *, commit: bool = True) -> None:
    """Copy the shipped frameworks into an organisation that has none yet."""
    exists = session.exec(select(func.count()).select_from(CompetencyFramework)
                          .where(CompetencyFramework.organisation_id == organisation_id)).one()
    if exists:
        return
    _scale, frameworks = default_frameworks()
    added = 0
    for fpos, framework in enumerate(frameworks):
        row = CompetencyFramework(organisation_id=organisation_id, key=framework.key, name=framework.name,
                                  description=framework.description, position=fpos)
        session.add(row)
        session.flush()
        for dpos, domain in enumerate(framework.domains):
            drow = CompetencyDomain(organisation_id=organisation_id, framework_id=row.id, key=domain.key,
                                    name=domain.name, position=dpos)
            session.add(drow)
            session.flush()
            for cpos, competency in enumerate(domain.competencies):
                session.add(Competency(organisation_id=organisation_id, domain_id=drow.id, key=competency.key,
                                       name=competency.name, kind=competency.kind,
                                       description=competency.description, position=cpos))
                added += 1
    # The shipped defaults, copied on first use (by whoever first opens them): no one's change.
    record(session, action="create", entity="competency_frameworks", entity_id=None,
           organisation_id=organisation_id, user_id=None,
           changes={"frameworks": [f.key for f in frameworks], "competencies": added})
    finish(session, commit)


def catalogue(session: Session, organisation_id: int) -> Catalogue:
    """The organisation's frameworks with their domains and competencies (read once per transaction and
    revision)."""
    return derived.remember(session, strategy_id=None, organisation_id=organisation_id, kind="catalogue", parts=(),
                            shared=False, compute=lambda: _catalogue(session, organisation_id))


def _catalogue(session: Session, organisation_id: int) -> Catalogue:
    frameworks = list(session.exec(select(CompetencyFramework).where(
        CompetencyFramework.organisation_id == organisation_id).order_by(CompetencyFramework.position,
                                                                          CompetencyFramework.id)))
    domains: dict[int, list[CompetencyDomain]] = {}
    for d in session.exec(select(CompetencyDomain).where(CompetencyDomain.organisation_id == organisation_id)
                          .order_by(CompetencyDomain.position, CompetencyDomain.id)):
        domains.setdefault(d.framework_id, []).append(d)
    competencies: dict[int, list[Competency]] = {}
    for c in session.exec(select(Competency).where(Competency.organisation_id == organisation_id)
                          .order_by(Competency.position, Competency.id)):
        competencies.setdefault(c.domain_id, []).append(c)
    return Catalogue(frameworks, domains, competencies)


def ensure_required(session: Session, strategy: Strategy, *, commit: bool = True) -> None:
    """Give a strategy the frameworks' default steps the first time its competencies are used.
    Only once: after that a step the planner set to "not needed" stays not needed."""
    ensure_frameworks(session, strategy.organisation_id, commit=False)
    already = select(func.count()).select_from(RequiredStep).where(RequiredStep.strategy_id == strategy.id)
    if session.exec(already).one():
        # Nothing to write (steps name competencies, so the frameworks were there too): commit no one else's work.
        return
    _scale, frameworks = default_frameworks()
    defaults = {c.key: c.required for f in frameworks for d in f.domains for c in d.competencies}
    have = {(r.competency_id, r.level_id) for r in session.exec(
        select(RequiredStep).where(RequiredStep.strategy_id == strategy.id))}
    levels = levels_of(session, strategy)
    added = 0
    for competency in catalogue(session, strategy.organisation_id).all_competencies():
        for level in levels:
            step = defaults.get(competency.key, {}).get(level.key)
            if step and (competency.id, level.id) not in have:
                session.add(RequiredStep(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                         competency_id=competency.id, level_id=level.id, step=step))
                added += 1
    if added:
        record(session, action="create", entity="required_steps", entity_id=strategy.id,
               organisation_id=strategy.organisation_id, user_id=None, changes={"defaults": added})
    finish(session, commit)


def required_steps(session: Session, strategy: Strategy) -> dict[tuple[int, int], int]:
    """(competency id, level id) -> required step."""
    return dict(derived.records(session, strategy, "required steps", lambda: [
        ((competency_id, level_id), step) for competency_id, level_id, step in session.exec(
            select(RequiredStep.competency_id, RequiredStep.level_id, RequiredStep.step)
            .where(RequiredStep.strategy_id == strategy.id))]))


def save_required(*, session: Session, strategy: Strategy, steps: Mapping[tuple[int, int], int | None],
                  actor: User, version: int | None = None) -> None:
    """Set required steps ((competency id, level id) -> 1..4, or None for not needed); refused as a whole if
    a required-steps grid was saved since `version` (the strategy's required version) was read."""
    claim_counter(session, Strategy, strategy.id, "required_version", version)
    existing = {(r.competency_id, r.level_id): r for r in session.exec(
        select(RequiredStep).where(RequiredStep.strategy_id == strategy.id))}
    for (competency_id, level_id), step in steps.items():
        if step is not None and step not in arithmetic_steps():
            raise ServiceError("A required step must be from 1 (essential) to 4 (exemplary)")
        row = existing.get((competency_id, level_id))
        if step is None:
            if row is not None:
                session.delete(row)
            continue
        row = row or RequiredStep(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                  competency_id=competency_id, level_id=level_id, step=step)
        row.step = step
        session.add(row)
    record(session, action="update", entity="required_steps", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id, changes={"cells": len(steps)})
    commit_checked(session)


def arithmetic_steps() -> tuple[int, ...]:
    """The four steps of the scale."""
    return (1, 2, 3, 4)


def assessed(session: Session, strategy: Strategy) -> dict[tuple[int, int, int], dict[int, int]]:
    """(area id, level id, competency id) -> {step: leaders}."""
    out: dict[tuple[int, int, int], dict[int, int]] = {}
    # Plain columns, not ORM objects: a large trust holds tens of thousands of these counts.
    rows = derived.records(session, strategy, "assessed counts", lambda: [tuple(row) for row in session.exec(
        select(AssessedCount.area_id, AssessedCount.level_id, AssessedCount.competency_id, AssessedCount.step,
               AssessedCount.count).where(AssessedCount.strategy_id == strategy.id))])
    for area_id, level_id, competency_id, step, count in rows:
        if count:
            out.setdefault((area_id, level_id, competency_id), {})[step] = count
    return out


def replace_assessed(
    *, session: Session, strategy: Strategy, counts: Mapping[tuple[int, int, int], Mapping[int, int]],
    actor: User | None, source: str, commit: bool = True,
) -> None:
    """Replace the assessed figures of the (area, level, competency) combinations given; others stay."""
    for steps in counts.values():
        for step, n in steps.items():
            if step not in arithmetic_steps() or n < 0:
                raise ServiceError("Assessed counts must be whole numbers of 0 or more at steps 1 to 4")
    keys = set(counts)
    for row in session.exec(select(AssessedCount).where(AssessedCount.strategy_id == strategy.id)):
        if (row.area_id, row.level_id, row.competency_id) in keys:
            session.delete(row)
    session.flush()
    for (area_id, level_id, competency_id), steps in counts.items():
        for step, n in steps.items():
            if n:
                session.add(AssessedCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                          area_id=area_id, level_id=level_id, competency_id=competency_id,
                                          step=step, count=n))
    record(session, action="update", entity="assessments", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"source": source, "combinations": len(counts)})
    finish(session, commit)


@contextmanager
def reusing_gaps(session: Session) -> Iterator[None]:
    """Within the block, gap_list works each strategy's gaps out once (for read-only work such as
    the board pack, where several parts ask for the same gaps)."""
    session.info[GAP_CACHE] = {}
    try:
        yield
    finally:
        session.info.pop(GAP_CACHE, None)


def gap_list(session: Session, strategy: Strategy, *, area_id: int | None = None) -> list[arithmetic.Gap]:
    """Gaps by area, level and competency, with organisation totals; largest first. Worked out once per
    revision of the strategy and shared by every worker (planner.services.derived)."""
    cache = session.info.get(GAP_CACHE)
    if cache is not None:
        key = (strategy.id, area_id)
        if key not in cache:
            cache[key] = _kept_gaps(session, strategy, area_id)
        return list(cache[key])
    return _kept_gaps(session, strategy, area_id)


def gap_totals(session: Session, strategy: Strategy, *, area_id: int | None = None) -> list[arithmetic.Gap]:
    """The organisation's (or an area's, with its sub-areas) gaps by level and competency: the totals rows of
    gap_list, kept on their own, since at a large trust's size the list by area is a hundred times longer."""
    return list(derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
                                 kind="competency gap totals", parts=(area_id,),
                                 compute=lambda: [g for g in gap_list(session, strategy, area_id=area_id)
                                                  if g.area is None]))


def _kept_gaps(session: Session, strategy: Strategy, area_id: int | None) -> list[arithmetic.Gap]:
    return list(derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
                                 kind="competency gaps", parts=(area_id,),
                                 compute=lambda: _gap_list(session, strategy, area_id)))


def _gap_list(session: Session, strategy: Strategy, area_id: int | None) -> list[arithmetic.Gap]:
    areas = {a.id: a for a in areas_of(session, strategy)}
    levels = {lv.id: lv.key for lv in levels_of(session, strategy)}
    comps = {c.id: c.key for c in catalogue(session, strategy.organisation_id).all_competencies()}
    wanted: set[int] | None = None
    if area_id is not None:
        from planner import areas as tree
        from planner.services.structure import nodes

        wanted = {area_id} | tree.descendants(nodes(list(areas.values())), area_id)
    counts = {(areas[a].code, levels[lv], comps[c]): steps for (a, lv, c), steps in assessed(session, strategy).items()
              if a in areas and lv in levels and c in comps and (wanted is None or a in wanted)}
    required = {(levels[lv], comps[c]): step for (c, lv), step in required_steps(session, strategy).items()
                if lv in levels and c in comps}
    return arithmetic.gaps(counts, required)


def interventions_of(session: Session, strategy: Strategy) -> list[tuple[Intervention, list[InterventionTarget]]]:
    """The development plan: each intervention with the competencies and levels it develops."""
    return derived.records(session, strategy, "interventions", lambda: _interventions(session, strategy))


def _interventions(session: Session, strategy: Strategy) -> list[tuple[Intervention, list[InterventionTarget]]]:
    rows = list(session.exec(select(Intervention).where(Intervention.strategy_id == strategy.id)
                             .order_by(Intervention.first_year, Intervention.name)))
    targets: dict[int, list[InterventionTarget]] = {}
    for t in session.exec(select(InterventionTarget).where(
            InterventionTarget.intervention_id.in_([r.id for r in rows]))):  # type: ignore[attr-defined]
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
    record(session, action="delete", entity="intervention", entity_id=intervention.id,
           organisation_id=intervention.organisation_id, user_id=actor.id, changes={"name": intervention.name})
    session.delete(intervention)
    session.commit()


def own_domains(session: Session, organisation_id: int) -> list[CompetencyDomain]:
    """The domains of the organisation's own framework."""
    framework = session.exec(select(CompetencyFramework).where(
        CompetencyFramework.organisation_id == organisation_id, CompetencyFramework.key == OWN_FRAMEWORK)).first()
    if framework is None:
        return []
    return list(session.exec(select(CompetencyDomain).where(CompetencyDomain.framework_id == framework.id)
                             .order_by(CompetencyDomain.position, CompetencyDomain.id)))


def add_competency(
    *, session: Session, organisation: Organisation, name: str, kind: str, description: str, actor: User,
    domain: str = "",
) -> Competency:
    """Add one of the organisation's own competencies, in one of its own domains (a new domain is
    made when the name is new; the organisation's own framework is made on first use)."""
    name = name.strip()
    if not name:
        raise ServiceError("Enter the competency's name", field="name")
    if kind not in KINDS:
        raise ServiceError("Choose generic or role-specific", field="kind")
    framework = session.exec(select(CompetencyFramework).where(
        CompetencyFramework.organisation_id == organisation.id, CompetencyFramework.key == OWN_FRAMEWORK)).first()
    if framework is None:
        position = session.exec(select(func.count()).select_from(CompetencyFramework).where(
            CompetencyFramework.organisation_id == organisation.id)).one()
        framework = CompetencyFramework(organisation_id=organisation.id, key=OWN_FRAMEWORK,
                                        name=f"{organisation.name}: our own", position=position,
                                        description="Competencies this organisation added.")
        session.add(framework)
        session.flush()
    domain_name = (domain.strip() or "Our own competencies")[:200]
    found = next((d for d in session.exec(select(CompetencyDomain).where(CompetencyDomain.framework_id == framework.id))
                  if d.name.lower() == domain_name.lower()), None)
    if found is None:
        position = session.exec(select(func.count()).select_from(CompetencyDomain).where(
            CompetencyDomain.framework_id == framework.id)).one()
        slug = re.sub(r"[^a-z0-9]+", "-", domain_name.lower()).strip("-")[:60]
        found = CompetencyDomain(organisation_id=organisation.id, framework_id=framework.id,
                                 key=f"own-{slug}-{position}", name=domain_name, position=position)
        session.add(found)
        session.flush()
    domain_row = found
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "competency"
    key, n = f"own-{slug}", 1
    while session.exec(select(Competency).where(Competency.organisation_id == organisation.id,
                                                Competency.key == key)).first():
        n += 1
        key = f"own-{slug}-{n}"
    competency = Competency(organisation_id=organisation.id, domain_id=domain_row.id, key=key, name=name[:200],
                            kind=kind, description=description.strip())
    session.add(competency)
    session.flush()
    record(session, action="create", entity="competency", entity_id=competency.id, organisation_id=organisation.id,
           user_id=actor.id, changes={"key": key, "name": name, "kind": kind})
    session.commit()
    return competency


def update_competency(*, session: Session, competency: Competency, name: str, kind: str, description: str,
                      actor: User, version: int | None = None) -> None:
    """Rename a competency, change its kind or description (refused if it changed since `version` was read)."""
    check_version(competency, version)
    if not name.strip():
        raise ServiceError("Enter the competency's name", field="name")
    if kind not in KINDS:
        raise ServiceError("Choose generic or role-specific", field="kind")
    before = {"name": competency.name, "kind": competency.kind, "description": competency.description}
    competency.name, competency.kind, competency.description = name.strip()[:200], kind, description.strip()
    session.add(competency)
    record(session, action="update", entity="competency", entity_id=competency.id,
           organisation_id=competency.organisation_id, user_id=actor.id,
           changes={"before": before, "after": {"name": competency.name, "kind": kind}})
    commit_checked(session, competency)


def lookups(session: Session, strategy: Strategy) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Code/name -> area id, key/name -> level id, key -> competency id (for imports)."""
    areas: dict[str, int] = {}
    for a in areas_of(session, strategy):
        areas[a.code] = a.id
        areas[a.name] = a.id
    levels: dict[str, int] = {}
    for lv in levels_of(session, strategy):
        levels[lv.key] = lv.id
        levels[lv.name] = lv.id
    comps = {c.key: c.id for c in catalogue(session, strategy.organisation_id).all_competencies()}
    return areas, levels, comps

