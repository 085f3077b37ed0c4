"""Objectives to and from files: the download in the import's columns, and an uploaded file read against
what the strategy has and then applied, all or nothing."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from planner.imports.objectives import ObjectivesResult, measure_cells, read_objectives, write_objectives_csv
from planner.models import CheckIn, Objective, Strategy, User
from planner.services.audit import record
from planner.services.objectives.operations import save_objective
from planner.services.objectives.queries import latest_check_in, measure_of, member_by_name, objectives_of
from planner.services.objectives.views import ObjectiveView
from planner.services.structure import areas_of
from planner.services.unreadable import refused_as_service_error


def export_rows(views: list[ObjectiveView]) -> list[dict[str, object]]:
    """The cascade in the import file's columns (the download)."""
    rows: list[dict[str, object]] = []
    for v in views:
        o = v.objective
        cells = measure_cells(measure_of(o), current=v.latest.value if v.latest else None,
                              done=bool(v.latest and v.latest.done))
        rows.append({"ref": o.ref, "parent_ref": v.parent_ref, "title": o.title, "level": o.level,
                     "area": v.area.code if v.area else None, "owner": v.owner or None, **cells,
                     "start": o.start, "due": o.due, "weight": o.weight, "confidence": o.confidence})
    return rows


def read_file(session: Session, strategy: Strategy, data: bytes, filename: str, *,
              sheet: str | None = None) -> ObjectivesResult:
    """Read an objectives file against what the strategy already has (raises ImportRefused)."""
    rows = objectives_of(session, strategy)
    by_id = {o.id: o.ref for o in rows}
    areas: dict[str, str] = {}
    for a in areas_of(session, strategy):
        areas[a.code] = a.code
        areas[a.name] = a.code
    return read_objectives(data, filename, areas=areas, sheet=sheet, existing_refs={
        o.ref: by_id[o.parent_id] if o.parent_id is not None and o.parent_id in by_id else None for o in rows})


def read_upload(session: Session, strategy: Strategy, data: bytes, filename: str, *,
                sheet: str | None = None) -> ObjectivesResult:
    """read_file for an upload page: a file that cannot be read at all is refused as a ServiceError."""
    with refused_as_service_error():
        return read_file(session, strategy, data, filename, sheet=sheet)


def export_csv(views: list[ObjectiveView]) -> bytes:
    """The cascade as a CSV file in the import's columns, formulas neutralised (the download)."""
    return write_objectives_csv(export_rows(views))


def _owner(session: Session, organisation_id: int, text: str | None) -> tuple[int | None, str]:
    """A member matched by email or name, else a named role-holder without an account."""
    if not text:
        return None, ""
    member = member_by_name(session, organisation_id, text)
    return (member.id, "") if member is not None else (None, text.strip())


def apply_file(*, session: Session, strategy: Strategy, result: ObjectivesResult, actor: User | None,
               today: date | None = None) -> tuple[int, int]:
    """Add the file's new objectives and update the ones whose ref exists, in one transaction;
    a `current` value becomes a check-in dated today. Returns (added, updated)."""
    existing = {o.ref.lower(): o for o in objectives_of(session, strategy)}
    areas = {a.code: a.id for a in areas_of(session, strategy)}
    added = updated = 0
    saved: dict[str, Objective] = {}
    try:
        for row in result.rows:  # parents come before their children in the file's order
            current = existing.get(row.ref.lower())
            parent = saved.get((row.parent_ref or "").lower()) or existing.get((row.parent_ref or "").lower())
            owner_id, owner_name = _owner(session, strategy.organisation_id, row.owner)
            m = row.measure
            present = set(result.columns)
            values = {
                "ref": row.ref, "title": row.title, "level": row.level, "parent_id": parent.id if parent else None,
                "area_id": areas.get(row.area) if row.area else None, "owner_user_id": owner_id,
                "owner_name": owner_name, "weight": row.weight, "measure_kind": m.kind, "baseline": m.baseline,
                "target": m.target, "range_low": m.low, "range_high": m.high, "unit": m.unit, "start": row.start,
                "due": row.due, "confidence": row.confidence,
                "description": current.description if current else "",
                "link_kind": current.link_kind if current else "", "link_ref": current.link_ref if current else "",
                # The file has no columns for these: an update leaves them as they were.
                "confidence_reason": current.confidence_reason if current else "",
                "rag_override": current.rag_override if current else None,
                "rag_reason": current.rag_reason if current else "",
                "status": current.status if current else "active",
            }
            if current is not None and present:
                # A column the file does not have leaves the stored value alone.
                kept = current.model_dump()
                columns_to_fields = {
                    "parent_ref": ["parent_id"], "area": ["area_id"], "owner": ["owner_user_id", "owner_name"],
                    "measure": ["measure_kind", "range_low", "range_high"], "baseline": ["baseline"],
                    "target": ["target", "range_low", "range_high"], "unit": ["unit"], "start": ["start"],
                    "due": ["due"], "weight": ["weight"], "confidence": ["confidence"]}
                for column, fields in columns_to_fields.items():
                    if column not in present:
                        for name in fields:
                            values[name] = kept.get(name)
            objective = save_objective(session=session, strategy=strategy, values=values, actor=actor,
                                       objective=current, commit=False)
            saved[row.ref.lower()] = objective
            if current is None:
                added += 1
            else:
                updated += 1
            latest = latest_check_in(session, objective) if current is not None else None
            unchanged = latest is not None and latest.value == row.current and latest.done == row.done
            if (row.current is not None or row.done) and not unchanged:
                session.add(CheckIn(organisation_id=strategy.organisation_id, objective_id=objective.id,
                                    on=today or date.today(), value=row.current, done=row.done,
                                    confidence=row.confidence, note="From an imported file",
                                    user_id=actor.id if actor else None))
        record(session, action="import", entity="objectives", entity_id=strategy.id,
               organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
               changes={"added": added, "updated": updated})
        session.commit()
    except Exception:
        session.rollback()
        raise
    return added, updated
