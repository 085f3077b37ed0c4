"""Records as one organisation may see them: the reads behind planner.web.tenancy, which loads every
record a view names by id through `scoped_record`, so another organisation's record is never shown."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from planner.models import Organisation

ModelT = TypeVar("ModelT", bound=SQLModel)


def organisation_by_id(session: Session, organisation_id: int) -> Organisation | None:
    """The organisation with this id, if there is one."""
    return session.get(Organisation, organisation_id)


def scoped_record(session: Session, model: type[ModelT], object_id: int,
                  organisation_id: int | None) -> tuple[ModelT | None, bool]:
    """The record of `model` with this id when it is the organisation's (else None), and whether the id is
    another organisation's record: a probe the caller records, where a missing id is not."""
    found = session.get(model, object_id)
    owner = getattr(found, "organisation_id", None)
    if found is not None and organisation_id is not None and owner == organisation_id:
        return found, False
    return None, owner is not None
