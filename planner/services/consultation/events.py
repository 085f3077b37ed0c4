"""The engagement log: events held with staff, patients and partners, how many took part and what was heard."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from planner.models import EngagementEvent, Strategy, User
from planner.services import ServiceError
from planner.services.consultation.rules import AUDIENCES, FORMATS, MAX_BODY, MAX_PARTICIPANTS
from planner.services.editing import check_version
from planner.services.recorded import add_recorded, change_recorded, delete_recorded


def _check_event(held_on: date | None, audience: str, format: str, participants: int, summary: str) -> dict[str, Any]:
    """An event's values, checked and tidied."""
    if held_on is None:
        raise ServiceError("Enter the date the event was held", field="held_on")
    if audience not in AUDIENCES:
        raise ServiceError("Choose who took part", field="audience")
    if format not in FORMATS:
        raise ServiceError("Choose the kind of event", field="format")
    if participants < 0:
        raise ServiceError("The number of participants cannot be negative", field="participants")
    if participants > MAX_PARTICIPANTS:
        raise ServiceError(f"The number of participants must be {MAX_PARTICIPANTS:,} or fewer", field="participants")
    summary = summary.strip()
    if len(summary) > MAX_BODY:
        raise ServiceError(f"The summary must be {MAX_BODY:,} characters or fewer", field="summary")
    return {"held_on": held_on, "audience": audience, "format": format, "participants": participants,
            "summary": summary}


def add_event(*, session: Session, strategy: Strategy, held_on: date | None, audience: str, format: str,
              participants: int, summary: str, actor: User | None, commit: bool = True) -> EngagementEvent:
    """Log an engagement event: when, with whom, what kind, how many took part and what was heard."""
    values = _check_event(held_on, audience, format, participants, summary)
    event = EngagementEvent(organisation_id=strategy.organisation_id, strategy_id=strategy.id, **values)
    add_recorded(session, event, entity="engagement_event", actor=actor, changes=values, commit=commit)
    return event


def update_event(*, session: Session, event: EngagementEvent, held_on: date | None, audience: str, format: str,
                 participants: int, summary: str, actor: User, version: int | None = None) -> None:
    """Change a logged engagement event (refused if it changed since `version` was read)."""
    check_version(event, version)
    values = _check_event(held_on, audience, format, participants, summary)
    before = {k: getattr(event, k) for k in values}
    for key, value in values.items():
        setattr(event, key, value)
    change_recorded(session, event, entity="engagement_event", actor=actor, before=before, after=values)


def delete_event(*, session: Session, event: EngagementEvent, actor: User) -> None:
    """Remove an engagement event from the log."""
    delete_recorded(session, event, entity="engagement_event", actor=actor,
                    changes={"held_on": event.held_on, "format": event.format})


def events_of(session: Session, strategy: Strategy) -> list[EngagementEvent]:
    """The strategy's engagement events, the latest first."""
    return list(session.exec(select(EngagementEvent).where(EngagementEvent.strategy_id == strategy.id)
                             .order_by(col(EngagementEvent.held_on).desc(), col(EngagementEvent.id).desc())))
