"""The step each level needs in each competency: the frameworks' defaults on first use, then the planner's grid."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, func, select

from planner.competencies.frameworks import default_frameworks
from planner.models import RequiredStep, Strategy, User
from planner.services import ServiceError, derived, finish
from planner.services.audit import record
from planner.services.competencies.catalogue import catalogue, ensure_frameworks
from planner.services.editing import claim_counter, commit_checked
from planner.services.structure import levels_of


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
            select(col(RequiredStep.competency_id), col(RequiredStep.level_id), col(RequiredStep.step))
            .where(RequiredStep.strategy_id == strategy.id))]))


def save_required(*, session: Session, strategy: Strategy, steps: Mapping[tuple[int, int], int | None],
                  actor: User, version: int | None = None) -> None:
    """Set required steps ((competency id, level id) -> 1..4, or None for not needed); refused as a whole if
    a required-steps grid was saved since `version` (the strategy's required version) was read."""
    claim_counter(session, Strategy, strategy.id, "required_version", version)
    existing = {(r.competency_id, r.level_id): r for r in session.exec(
        select(RequiredStep).where(RequiredStep.strategy_id == strategy.id))}
    if any(step is not None and step not in arithmetic_steps() for step in steps.values()):
        raise ServiceError("A required step must be from 1 (essential) to 4 (exemplary)")
    for cell in (cell for cell, step in steps.items() if step is None and cell in existing):
        session.delete(existing[cell])  # not needed any more
    for (competency_id, level_id), step in steps.items():
        if step is not None:
            row = existing.get((competency_id, level_id)) or RequiredStep(
                organisation_id=strategy.organisation_id, strategy_id=strategy.id, competency_id=competency_id,
                level_id=level_id, step=step)
            row.step = step
            session.add(row)
    record(session, action="update", entity="required_steps", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id, changes={"cells": len(steps)})
    commit_checked(session)


def arithmetic_steps() -> tuple[int, ...]:
    """The four steps of the scale."""
    return (1, 2, 3, 4)
