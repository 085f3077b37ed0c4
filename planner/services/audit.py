"""The audit trail: who changed what, and when (UTC); and who was refused what.

Changes are recorded by `record`, which services call before their one commit, so the event and
the change are stored together or not at all. Refusals are recorded by `record_refusal` in a
transaction of their own, because the request they belong to is being turned away. Neither holds
an IP address, a diversity count or a row of a staff extract."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TypedDict, Unpack

from sqlalchemy import and_, insert, or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import Select

from planner.models import AuditEvent, User

log = logging.getLogger(__name__)

REFUSED = "refused"
OTHER_ORGANISATION = "another organisation's record"
MAX_PATH = 500  # enough for any path of the app; a longer one is someone probing, kept short


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: int | None,
    organisation_id: int | None,
    user_id: int | None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the session; the caller's commit writes it with the change."""
    session.add(
        AuditEvent(
            organisation_id=organisation_id,
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            changes=json.dumps(changes or {}, default=str, sort_keys=True),
        )
    )


def record_many(session: Session, events: list[dict[str, Any]]) -> None:
    """Add many audit events (each with the keyword arguments of `record`) in one statement, however
    many there are; the caller's commit writes them."""
    if not events:
        return
    now = datetime.now(UTC)
    session.execute(insert(AuditEvent), [
        {"organisation_id": e["organisation_id"], "user_id": e["user_id"], "action": e["action"],
         "entity": e["entity"], "entity_id": e["entity_id"], "at": now,
         "changes": json.dumps(e.get("changes") or {}, default=str, sort_keys=True)} for e in events])


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as {field: [before, after]}."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def missing_permission(permission: str) -> str:
    """The reason a refusal for want of a permission is recorded with."""
    return f"missing permission {permission}"


def record_refusal(
    engine: Engine,
    *,
    organisation_id: int,
    user_id: int | None,
    path: str,
    method: str,
    reason: str,
    entity: str = "page",
    entity_id: int | None = None,
) -> None:
    """Store a refused request in its own transaction (nothing of the request is committed with it).

    A failure to store it is logged, not raised: the person is refused all the same."""
    changes = {"path": path[:MAX_PATH], "method": method, "reason": reason}
    try:
        with Session(engine) as session:
            record(session, action=REFUSED, entity=entity[:40], entity_id=entity_id,
                   organisation_id=organisation_id, user_id=user_id, changes=changes)
            session.commit()
    except SQLAlchemyError:
        log.exception("Could not record a refused request to %s", path[:MAX_PATH])


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already (as the database returns them)."""
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class EventFilters(TypedDict, total=False):
    """The trail's filters, each left out (or None) for any: events at or after `since`, before `until`, of one
    action, kind of record or person."""

    since: datetime | None
    until: datetime | None
    action: str | None
    entity: str | None
    user_id: int | None


def _matching(organisation_id: int, filters: EventFilters) -> list[Any]:
    conditions: list[Any] = [AuditEvent.organisation_id == organisation_id]
    since, until = filters.get("since"), filters.get("until")
    if since is not None:
        conditions.append(col(AuditEvent.at) >= as_utc(since))
    if until is not None:
        conditions.append(col(AuditEvent.at) < as_utc(until))
    if filters.get("action"):
        conditions.append(AuditEvent.action == filters.get("action"))
    if filters.get("entity"):
        conditions.append(AuditEvent.entity == filters.get("entity"))
    if filters.get("user_id") is not None:
        conditions.append(AuditEvent.user_id == filters.get("user_id"))
    return conditions


def _newest_first(conditions: list[Any]) -> Select[AuditEvent, str]:
    return (
        select(AuditEvent, User.email)
        .outerjoin(User, col(User.id) == AuditEvent.user_id)
        .where(*conditions)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    )


def events_of(session: Session, organisation_id: int, *, limit: int | None = None, offset: int = 0,
              **filters: Unpack[EventFilters]) -> list[tuple[AuditEvent, str | None]]:
    """The organisation's events, newest first, each with its person's email (None for none), matching the
    filters (EventFilters)."""
    query = _newest_first(_matching(organisation_id, filters)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [(event, email) for event, email in session.exec(query)]


def count_events(session: Session, organisation_id: int, **filters: Unpack[EventFilters]) -> int:
    """How many of the organisation's events the same filters as `events_of` match."""
    conditions = _matching(organisation_id, filters)
    return int(session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one())


def iter_events(session: Session, organisation_id: int, *, batch: int = 1000,
                **filters: Unpack[EventFilters]) -> Iterator[tuple[AuditEvent, str | None]]:
    """Every event `events_of` would give, read `batch` at a time (for a download of a long trail).

    Each batch starts after the last event of the one before (by time, then id), so events written
    meanwhile neither repeat nor shift the rest."""
    conditions = _matching(organisation_id, filters)
    after: tuple[datetime, int] | None = None
    while True:
        page = list(conditions)
        if after is not None:
            at, event_id = after
            page.append(or_(col(AuditEvent.at) < at, and_(col(AuditEvent.at) == at, col(AuditEvent.id) < event_id)))
        rows = [(event, email) for event, email in session.exec(_newest_first(page).limit(batch))]
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1][0]
        assert last.id is not None  # a stored event has its id
        after = (last.at, last.id)


def actions_of(session: Session, organisation_id: int) -> list[str]:
    """The actions the organisation's trail holds, for the filter."""
    return sorted(session.exec(select(AuditEvent.action).where(AuditEvent.organisation_id == organisation_id)
                               .distinct()))


def entities_of(session: Session, organisation_id: int) -> list[str]:
    """The kinds of record the organisation's trail names, for the filter."""
    return sorted(session.exec(select(AuditEvent.entity).where(AuditEvent.organisation_id == organisation_id)
                               .distinct()))


def people_of(session: Session, organisation_id: int) -> list[tuple[int, str]]:
    """(user id, email) of everyone the organisation's trail names, by email, for the filter."""
    rows = session.exec(
        select(User.id, User.email)
        .join(AuditEvent, col(AuditEvent.user_id) == User.id)
        .where(AuditEvent.organisation_id == organisation_id)
        .distinct()
        .order_by(User.email)
    )
    return [(int(user_id), email) for user_id, email in rows if user_id is not None]
