"""A stored record's change and its audit event, written together in one place: adding a record, changing one
(refused when someone saved it meanwhile, planner.services.editing) and removing one."""

from __future__ import annotations

from typing import Any, Protocol

from sqlmodel import Session

from planner.models import User
from planner.services import finish
from planner.services.audit import diff, record
from planner.services.editing import commit_checked


class Owned(Protocol):
    """A tenant's stored record: its id and its organisation's."""

    @property
    def id(self) -> int:
        """The record's id."""
        ...

    @property
    def organisation_id(self) -> int:
        """The organisation it belongs to."""
        ...


def add_recorded(session: Session, row: Owned, *, entity: str, actor: User | None, changes: dict[str, Any],
                 commit: bool = True) -> None:
    """Store a new record with its "create" audit event (with `commit=False`, flushed into the caller's
    transaction)."""
    session.add(row)
    session.flush()
    record(session, action="create", entity=entity, entity_id=row.id, organisation_id=row.organisation_id,
           user_id=actor.id if actor else None, changes=changes)
    finish(session, commit)


def change_recorded(session: Session, row: Owned, *, entity: str, actor: User, before: dict[str, Any],
                    after: dict[str, Any], action: str = "update") -> None:
    """Store a change made to `row` with its audit event (what differs between `before` and `after`),
    refused if someone else saved the row meanwhile."""
    session.add(row)
    record(session, action=action, entity=entity, entity_id=row.id, organisation_id=row.organisation_id,
           user_id=actor.id, changes=diff(before, after))
    commit_checked(session, row)


def delete_recorded(session: Session, row: Owned, *, entity: str, actor: User | None,
                    changes: dict[str, Any]) -> None:
    """Remove a record, with its "delete" audit event saying what it was."""
    record(session, action="delete", entity=entity, entity_id=row.id, organisation_id=row.organisation_id,
           user_id=actor.id if actor else None, changes=changes)
    session.delete(row)
    session.commit()
