"""No lost updates: a save made from a form opened before someone else's save is refused.

Each editable record carries a version (planner.models.Versioned) that its edit form sends back.
A service given that version calls `check_version` before changing anything, and commits through
`commit_checked`, which turns SQLAlchemy's StaleDataError (another save committed between our read
and our write) into the same refusal. `version=None` means no check: only commands, imports and the
demo loader pass it, never a form (docs/editing.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from planner import revisions
from planner.models import Strategy
from planner.services import ServiceError

STALE_MESSAGE = "Someone else changed this while you were editing"
STALE_ADVICE = (f"{STALE_MESSAGE}. Nothing you typed was saved. Compare their version with yours below; "
                "save again to replace theirs with yours, or leave this page to keep theirs")


class StaleEdit(ServiceError):
    """A save from a form opened at an older version than the one stored; nothing was changed."""

    def __init__(self, record: Any = None, version: int | None = None) -> None:
        super().__init__(STALE_ADVICE)
        self.record = record
        # The version stored now, which a form shown again carries (the record's own, unless the
        # form's version is another counter, such as the strategy's baseline version).
        self.version = version if version is not None else getattr(record, "version", None)


def check_version(record: Any, version: int | None) -> None:
    """Refuse (StaleEdit) a save whose form showed another version of `record` than the stored one."""
    if version is not None and version != record.version:
        raise StaleEdit(record)


def claim_counter(session: Session, model: Any, row_id: int, column: str, version: int | None) -> None:
    """Add one to `column`, a version counter kept beside a row (such as the strategy's baseline
    version), in the same statement that checks it still holds `version` (when given): a
    compare-and-set, so of two saves from the same version exactly one goes through."""
    counter = getattr(model, column)
    statement = update(model).where(model.id == row_id)
    if version is not None:
        statement = statement.where(counter == version)
    # One row of a known strategy: only that strategy's derived results are moved (planner.revisions).
    scope = revisions.strategy_scope(row_id) if model is Strategy else None
    result = session.exec(statement.values({column: counter + 1}).execution_options(
        synchronize_session="fetch", **{revisions.SCOPE_OPTION: scope}))
    if result.rowcount != 1:
        record = session.get(model, row_id)
        if record is not None:
            session.refresh(record)
        raise StaleEdit(record, getattr(record, column, None))


def commit_checked(session: Session, record: Any = None, *, commit: bool = True) -> None:
    """Commit (or flush), refusing as StaleEdit when another save changed a row we are updating
    after we read it; the session is rolled back and `record` reloaded as it now is."""
    try:
        session.commit() if commit else session.flush()
    except StaleDataError as exc:
        session.rollback()
        if record is not None:
            try:
                session.refresh(record)
            except InvalidRequestError:  # deleted by the other save: there is no version to show
                record = None
        raise StaleEdit(record) from exc
