"""Revisions: numbers that every write moves, in the write's own transaction, so a result worked out
from the data can be kept under the revision it was worked out at and never served once the data
has changed (planner.services.derived keeps them).

There are three kinds of scope: a strategy (`strategy:ID`, moved by any change to a row of that
strategy), an organisation (`organisation:ID`, moved by rows that belong to the organisation but to
no one strategy, such as its competency frameworks or a survey's answers), and `all` (moved by a
change that cannot be placed: a person's name, or a bulk UPDATE or DELETE statement). A result of
a strategy is keyed by all three. The numbers live in their own table, written with plain SQL, so
moving them never touches a record's own version (planner.models.Versioned).

The listeners are on every Session, so the web, the command line and the tests all move them: no
service has to remember to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import SQLModel, col

from planner.models import Organisation, Revision, Strategy, User

ALL = "all"
# Rows that no derived result reads: the audit trail, sign-in attempts, rate counts, the caches
# themselves, background jobs' progress.
IGNORED_TABLES = frozenset({"auditevent", "loginattempt", "ratelimitcounter", "revision", "derivedresult", "job",
                            "jobfile"})
# A person's sign-in bookkeeping changes nothing any page works out.
_USER_BOOKKEEPING = frozenset({"last_login_at", "session_version", "password_hash"})
WROTE = "planner_wrote"  # session.info: this transaction has written something (see planner.services.derived)
SCOPE_OPTION = "planner_scope"  # an UPDATE statement's execution option: the one scope it changes
SEEN = "planner_revisions"  # session.info: revisions read in this transaction, by scope


def strategy_scope(strategy_id: int) -> str:
    """The scope a strategy's rows move."""
    return f"strategy:{strategy_id}"


def organisation_scope(organisation_id: int) -> str:
    """The scope an organisation's rows that belong to no one strategy move."""
    return f"organisation:{organisation_id}"


def _scope_of(obj: Any) -> str | None:
    table: Table | None = getattr(obj, "__table__", None)
    if table is None or table.name in IGNORED_TABLES:
        return None
    if isinstance(obj, Strategy):
        return strategy_scope(obj.id) if obj.id is not None else None
    if isinstance(obj, Organisation):
        return organisation_scope(obj.id) if obj.id is not None else None
    if isinstance(obj, User):
        state = inspect(obj)
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        return ALL if state.deleted or (changed - _USER_BOOKKEEPING) else None
    strategy_id = getattr(obj, "strategy_id", None)
    if strategy_id is not None:
        return strategy_scope(strategy_id)
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is not None:
        return organisation_scope(organisation_id)
    return ALL


def upsert(dialect: str) -> Any:
    """The dialect's INSERT that can update on conflict (PostgreSQL's or SQLite's)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def table_of(model: type[SQLModel]) -> Table:
    """A model's table, as SQLAlchemy Core statements take it."""
    return model.metadata.tables[str(model.__tablename__)]


def move(session: OrmSession, scopes: Iterable[str]) -> None:
    """Add one to each scope's revision, in the session's transaction."""
    wanted = sorted(set(scopes))  # in one order, so two transactions never wait on each other crosswise
    if not wanted:
        return
    connection = session.connection()
    table = table_of(Revision)
    insert = upsert(connection.dialect.name)
    for scope in wanted:
        statement = insert(table).values(scope=scope, value=1)
        connection.execute(statement.on_conflict_do_update(index_elements=["scope"],
                                                           set_={"value": table.c.value + 1}))
    session.info[WROTE] = True
    session.info.pop(SEEN, None)


def read(session: OrmSession, scopes: Iterable[str]) -> dict[str, int]:
    """The current revision of each scope (0 for one never moved), read once per transaction."""
    seen: dict[str, int] = session.info.setdefault(SEEN, {})
    missing = [scope for scope in scopes if scope not in seen]
    if missing:
        found = dict(session.execute(select(col(Revision.scope), col(Revision.value))
                                     .where(col(Revision.scope).in_(missing))).all())
        for scope in missing:
            seen[scope] = int(found.get(scope, 0))
    return {scope: seen[scope] for scope in scopes}


def _after_flush(session: OrmSession, _context: Any) -> None:
    touched = [obj for obj in (*session.new, *session.dirty, *session.deleted)
               if obj not in session.dirty or session.is_modified(obj, include_collections=False)]
    if touched:
        session.info[WROTE] = True  # even the ignored tables: the transaction holds a write
    move(session, {scope for obj in touched if (scope := _scope_of(obj)) is not None})


def _bulk_statement(state: ORMExecuteState) -> None:
    # An UPDATE or DELETE statement names no one row's strategy, unless its writer says which scope it
    # changes (execution option SCOPE_OPTION); otherwise everything is moved.
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) not in IGNORED_TABLES:
        move(state.session, [state.execution_options.get(SCOPE_OPTION) or ALL])


def _transaction_ended(session: OrmSession, *_args: Any) -> None:
    session.info.pop(WROTE, None)
    session.info.pop(SEEN, None)


def install() -> None:
    """Listen on every session (once per process)."""
    if not event.contains(OrmSession, "after_flush", _after_flush):
        event.listen(OrmSession, "after_flush", _after_flush)
        event.listen(OrmSession, "do_orm_execute", _bulk_statement)
        event.listen(OrmSession, "after_commit", _transaction_ended)
        event.listen(OrmSession, "after_soft_rollback", _transaction_ended)


install()
