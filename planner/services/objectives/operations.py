"""Changing objectives: adding, changing and deleting one (checked as a well-formed part of the cascade),
and recording a check-in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, func, select

from planner import permissions
from planner.imports.objectives import LONGEST
from planner.models import Area, CheckIn, Objective, Strategy, User, utcnow
from planner.objectives import progress as calc
from planner.services import ServiceError
from planner.services.audit import record
from planner.services.editing import check_version, commit_checked
from planner.services.recorded import delete_recorded


def _number(values: Mapping[str, Any], key: str) -> float | None:
    """The number typed for `key`, None when blank; anything else is refused."""
    raw = values.get(key)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise ServiceError(f"{key.replace('_', ' ').capitalize()} must be a number", field=key) from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise ServiceError(f"{key.replace('_', ' ').capitalize()} must be a number", field=key)
    return value


def _date(values: Mapping[str, Any], key: str) -> date | None:
    """The date typed for `key`, None when blank; anything else is refused."""
    raw = values.get(key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError as exc:
        raise ServiceError(f"The {key} date must be a date like 2027-03-31", field=key) from exc


def save_objective(*, session: Session, strategy: Strategy, values: Mapping[str, Any], actor: User | None,
                   objective: Objective | None = None, commit: bool = True, version: int | None = None) -> Objective:
    """Add or change an objective, checking what makes it a well-formed part of the cascade (a change is
    refused if the objective changed since `version` was read)."""
    if objective is not None:
        check_version(objective, version)
    ref = str(values.get("ref") or "").strip()
    if not calc.REF_PATTERN.fullmatch(ref):
        raise ServiceError("Enter a reference of letters, digits, dots, hyphens or slashes, like S1 or MED-2.3",
                           field="ref")
    clash = session.exec(select(Objective).where(Objective.strategy_id == strategy.id,
                                                 func.lower(Objective.ref) == ref.lower())).first()
    if clash is not None and (objective is None or clash.id != objective.id):
        raise ServiceError(f"Another objective already has the reference {ref}", field="ref")
    title = str(values.get("title") or "").strip()
    if not title:
        raise ServiceError("Enter the objective's title", field="title")
    for key, label in (("title", "The title"), ("owner_name", "The owner's name"), ("unit", "The unit")):
        longest = LONGEST.get("owner" if key == "owner_name" else key)
        if longest and len(str(values.get(key) or "").strip()) > longest:
            raise ServiceError(f"{label} must be {longest} characters or fewer", field=key)
    level = str(values.get("level") or "")
    if level not in calc.LEVELS:
        raise ServiceError("Choose the cascade level", field="level")
    parent_id = values.get("parent_id")
    if parent_id is not None:
        parent = session.get(Objective, parent_id)
        if parent is None or parent.strategy_id != strategy.id:
            raise ServiceError("Choose a parent objective of this strategy", field="parent_id")
        seen: set[int] = set()
        cursor: Objective | None = parent
        while cursor is not None:  # a parent may not sit below the objective itself
            if objective is not None and cursor.id == objective.id:
                raise ServiceError("An objective cannot sit below itself or one of its own children",
                                   field="parent_id")
            if cursor.id in seen:
                break
            seen.add(cursor.id)
            cursor = session.get(Objective, cursor.parent_id) if cursor.parent_id else None
    area_id = values.get("area_id")
    if area_id is not None:
        area = session.get(Area, area_id)
        if area is None or area.strategy_id != strategy.id:
            raise ServiceError("Choose an area of this strategy", field="area_id")
    kind = str(values.get("measure_kind") or "none")
    if kind not in calc.MEASURE_KINDS:
        raise ServiceError("Choose how progress is measured", field="measure_kind")
    numbers = {k: _number(values, k) for k in ("baseline", "target", "range_low", "range_high", "weight")}
    weight = numbers["weight"] if numbers["weight"] is not None else 1.0
    if weight <= 0:
        raise ServiceError("The weight must be more than 0", field="weight")
    try:
        calc.Measure(kind=kind, baseline=numbers["baseline"], target=numbers["target"], low=numbers["range_low"],
                     high=numbers["range_high"], unit=str(values.get("unit") or ""))
    except ValueError as exc:
        raise ServiceError(str(exc), field="measure_kind") from exc
    start, due = _date(values, "start"), _date(values, "due")
    confidence = values.get("confidence") or None
    if confidence is not None and confidence not in calc.CONFIDENCE:
        raise ServiceError("Choose low, medium or high confidence", field="confidence")
    override = values.get("rag_override") or None
    if override is not None and (override not in calc.RAG or not str(values.get("rag_reason") or "").strip()):
        raise ServiceError("A RAG override needs one of red, amber or green and a reason", field="rag_reason")
    row = objective or Objective(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                 ref=ref, title=title, level=level)
    before = row.model_dump() if objective else {}
    row.ref, row.title, row.level = ref, title[:300], level
    row.description = str(values.get("description") or "").strip()
    row.parent_id, row.area_id = parent_id, area_id
    row.owner_user_id = values.get("owner_user_id")
    row.owner_name = str(values.get("owner_name") or "").strip()[:200]
    row.weight = weight
    row.measure_kind, row.unit = kind, str(values.get("unit") or "")[:40]
    row.baseline, row.target = numbers["baseline"], numbers["target"]
    row.range_low, row.range_high = numbers["range_low"], numbers["range_high"]
    row.start, row.due = start, due
    row.confidence, row.confidence_reason = confidence, str(values.get("confidence_reason") or "")[:500]
    row.rag_override, row.rag_reason = override, str(values.get("rag_reason") or "")[:500]
    row.link_kind, row.link_ref = str(values.get("link_kind") or ""), str(values.get("link_ref") or "")[:200]
    status = str(values.get("status") or row.status or "active")
    if status not in calc.STATUSES:
        raise ServiceError("Choose the objective's status", field="status")
    row.status = status
    row.updated_at = utcnow()
    session.add(row)
    commit_checked(session, objective, commit=False)
    after = row.model_dump()
    record(session, action="update" if objective else "create", entity="objective", entity_id=row.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v
                    and k not in ("updated_at", "version")})
    commit_checked(session, objective, commit=commit)
    return row


def may_check_in(objective: Objective, user: User, role: str | None) -> bool:
    """Whether this user, with this role, may record progress on the objective (planner.permissions)."""
    return permissions.may_check_in(role, owns=objective.owner_user_id == user.id)


def add_check_in(*, session: Session, objective: Objective, on: date, value: float | None, done: bool,
                 confidence: str | None, note: str, actor: User) -> CheckIn:
    """Record a dated update; progress then uses the latest one."""
    if confidence is not None and confidence not in calc.CONFIDENCE:
        raise ServiceError("Choose low, medium or high confidence", field="confidence")
    if objective.measure_kind in ("target", "range", "baseline") and value is None and not done:
        raise ServiceError("Enter the current value", field="value")
    row = CheckIn(organisation_id=objective.organisation_id, objective_id=objective.id, on=on, value=value,
                  done=done, confidence=confidence, note=note.strip(), user_id=actor.id)
    session.add(row)
    if confidence:
        objective.confidence = confidence
        session.add(objective)
    session.flush()
    record(session, action="create", entity="check_in", entity_id=row.id, organisation_id=objective.organisation_id,
           user_id=actor.id, changes={"objective": objective.ref, "on": on.isoformat(), "value": value, "done": done})
    session.commit()
    return row


def delete_objective(*, session: Session, objective: Objective, actor: User) -> None:
    """Delete an objective; its children move up to its parent."""
    for child in session.exec(select(Objective).where(Objective.parent_id == objective.id)):
        child.parent_id = objective.parent_id
        session.add(child)
    session.flush()
    delete_recorded(session, objective, entity="objective", actor=actor, changes={"ref": objective.ref})

