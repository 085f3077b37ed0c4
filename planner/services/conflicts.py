"""What a save that lost a race with another raises: the planner's own StaleEdit (planner.services.editing:
the version it was read at is no longer stored) and SQLAlchemy's StaleDataError (the row changed under an
update). Both mean nothing was saved; the web answers them alike (409 Conflict)."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from planner.services.editing import StaleEdit

__all__ = ["LOST_RACE", "StaleDataError", "StaleEdit"]

LOST_RACE: tuple[type[Exception], ...] = (StaleEdit, StaleDataError)
