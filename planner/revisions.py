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

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Table, event, inspect, or_, select
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
# Every table a derived result may read, by the group (mostly the journey's step) whose revision a change to
# it moves. A kept result names the groups it reads (planner.services.derived.remember's `reads`), so a change
# to one step's tables leaves the results that read only other steps kept. A table missing here moves
# everything (`all`), as does a row that belongs to no organisation (a person's name).
GROUPS: dict[str, str] = {
    "strategy": "strategy",
    "organisation": "organisation",
    **dict.fromkeys(("level", "area", "bandassignment"), "structure"),
    **dict.fromkeys(("areabaseline", "leadercount", "establishment", "staffimport", "evidenceextract"), "baseline"),
    **dict.fromkeys(("scenario", "scenariolevel", "scenarioarea", "scenarioarealevel"), "forecast"),
    **dict.fromkeys(("successionentry", "successionpoolcount"), "succession"),
    **dict.fromkeys(("survey", "surveyitem", "surveygroup", "surveyresponse", "surveyanswer", "surveycode"),
                    "discover"),
    **dict.fromkeys(("diversitycount", "diversitytarget", "benchmark", "grouplabel", "shortlistingfigure"),
                    "diversity"),
    "boardseat": "board",
    **dict.fromkeys(("competencyframework", "competencydomain", "competency", "requiredstep"), "catalogue"),
    **dict.fromkeys(("assessedcount", "intervention", "interventiontarget"), "competencies"),
    **dict.fromkeys(("objective", "checkin"), "objectives"),
    **dict.fromkeys(("consultation", "comment", "engagementevent"), "consult"),
    **dict.fromkeys(("boardcover", "boarddecision", "strategyversion"), "approve"),
    **dict.fromkeys(("membership", "apitoken"), "people"),
    **dict.fromkeys(("systemmember", "systemshare", "systemobjective", "systemobjectivelink"), "systems"),
}
# The strategy's own words (the Scope step) are a group of their own, apart from its other columns (its
# years, title and status), which nearly every result reads: a new vision leaves the forecast kept.
SCOPE_COLUMNS = frozenset({"vision", "mission", "values", "owner"})
EVERY_GROUP = frozenset({*GROUPS.values(), "scope"})
# The strategy's compare-and-set counters (planner.services.editing.claim_counter) go with the rows they guard.
_COUNTER_GROUPS = {"baseline_version": "baseline", "required_version": "catalogue"}
# A person's sign-in bookkeeping changes nothing any page works out.
_USER_BOOKKEEPING = frozenset({"last_login_at", "session_version", "password_hash"})
WROTE = "planner_wrote"  # session.info: this transaction has written something (see planner.services.derived)
SCOPE_OPTION = "planner_scope"  # an UPDATE statement's execution option: the one owner it changes
SEEN = "planner_revisions"  # session.info: revisions read in this transaction, by owner
MOVED = "planner_moved"  # session.info: the owners whose revisions this transaction moved
Hook = Callable[[OrmSession, frozenset[str]], None]
_HOOKS: list[Hook] = []  # called after a commit that moved any (`on_commit`)


def strategy_scope(strategy_id: int) -> str:
    """The owner a strategy's rows move (its groups' scopes are `strategy:ID:GROUP`)."""
    return f"strategy:{strategy_id}"


def organisation_scope(organisation_id: int) -> str:
    """The owner an organisation's rows that belong to no one strategy move (`organisation:ID:GROUP`)."""
    return f"organisation:{organisation_id}"


def scope(owner: str, table: str) -> str:
    """The scope a change to `table` of `owner` moves: the owner's group of that table, or `all`."""
    group = GROUPS.get(table)
    return f"{owner}:{group}" if group is not None else ALL


def _strategy_scopes(session: OrmSession, obj: Strategy) -> set[str]:
    owner = strategy_scope(obj.id)
    if obj in session.new or obj in session.deleted:
        return {f"{owner}:{group}" for group in EVERY_GROUP}
    state = inspect(obj)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()} - {"updated_at", "version"}
    scopes = {f"{owner}:{_COUNTER_GROUPS[key]}" for key in changed if key in _COUNTER_GROUPS}
    scopes |= {f"{owner}:scope"} if changed & SCOPE_COLUMNS else set()
    return scopes | ({f"{owner}:strategy"} if changed - set(_COUNTER_GROUPS) - SCOPE_COLUMNS else set())


def _scopes_of(session: OrmSession, obj: Any) -> set[str]:
    table: Table | None = getattr(obj, "__table__", None)
    if table is None or table.name in IGNORED_TABLES:
        return set()
    if isinstance(obj, Strategy):
        return _strategy_scopes(session, obj) if obj.id is not None else set()
    if isinstance(obj, Organisation):
        return {scope(organisation_scope(obj.id), table.name)} if obj.id is not None else set()
    if isinstance(obj, User):
        state = inspect(obj)
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        return {ALL} if state.deleted or (changed - _USER_BOOKKEEPING) else set()
    strategy_id = getattr(obj, "strategy_id", None)
    if strategy_id is not None:
        return {scope(strategy_scope(strategy_id), table.name)}
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is not None:
        return {scope(organisation_scope(organisation_id), table.name)}
    return {ALL}


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
    session.info.setdefault(MOVED, set()).update(
        ALL if scope == ALL else scope.rsplit(":", 1)[0] for scope in wanted)


def on_commit(hook: Hook) -> None:
    """Call `hook` with the session and the owners (`strategy:ID`, `organisation:ID`, `all`) whose revisions
    a transaction moved, once it has committed (the app's queue works their results out then:
    planner.services.warm). Hooks are the process's: a hook checks the session is its own database's."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def off_commit(hook: Hook) -> None:
    """Stop calling `hook`."""
    if hook in _HOOKS:
        _HOOKS.remove(hook)


def read(session: OrmSession, owners: Iterable[str]) -> dict[str, int]:
    """The current revision of every scope of each owner (`strategy:ID`, `organisation:ID`) and of `all`, read
    in one statement per transaction for any number of owners asked together; a scope never moved is absent
    (its revision is 0)."""
    seen: dict[str, dict[str, int]] = session.info.setdefault(SEEN, {})
    missing = [owner for owner in dict.fromkeys(owners) if owner not in seen]
    if missing:
        column = col(Revision.scope)
        found = session.execute(select(column, col(Revision.value)).where(
            or_(column == ALL, *(column.startswith(f"{owner}:", autoescape=True) for owner in missing)))).all()
        for owner in [*missing, ALL]:
            seen[owner] = {}
        for name, value in found:
            owner = ALL if name == ALL else name.rsplit(":", 1)[0]
            seen.setdefault(owner, {})[name] = int(value)
    out: dict[str, int] = dict(seen.get(ALL, {}))
    for owner in owners:
        out.update(seen[owner])
    return out


def _after_flush(session: OrmSession, _context: Any) -> None:
    touched = [obj for obj in (*session.new, *session.dirty, *session.deleted)
               if obj not in session.dirty or session.is_modified(obj, include_collections=False)]
    if touched:
        session.info[WROTE] = True  # even the ignored tables: the transaction holds a write
    move(session, {scope for obj in touched for scope in _scopes_of(session, obj)})


def _bulk_statement(state: ORMExecuteState) -> None:
    # An UPDATE or DELETE statement names no one row's strategy, unless its writer says which owner it
    # changes (execution option SCOPE_OPTION: then that owner's group of the table moves); otherwise
    # everything is moved. A strategy's counters move the group of the rows they guard.
    if not (state.is_update or state.is_delete):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name is None or name in IGNORED_TABLES:
        return
    owner = state.execution_options.get(SCOPE_OPTION)
    if owner is None:
        move(state.session, [ALL])
        return
    values = {getattr(key, "key", key) for key in getattr(state.statement, "_values", None) or {}}
    if name == "strategy" and values and values <= set(_COUNTER_GROUPS):
        move(state.session, [f"{owner}:{_COUNTER_GROUPS[key]}" for key in values])
    else:
        move(state.session, [scope(owner, name)])


def _transaction_ended(session: OrmSession, *_args: Any) -> None:
    session.info.pop(WROTE, None)
    session.info.pop(SEEN, None)
    session.info.pop(MOVED, None)


def _committed(session: OrmSession) -> None:
    moved = frozenset(session.info.get(MOVED, ()))
    _transaction_ended(session)
    if moved:
        for hook in list(_HOOKS):
            hook(session, moved)


def install() -> None:
    """Listen on every session (once per process)."""
    if not event.contains(OrmSession, "after_flush", _after_flush):
        event.listen(OrmSession, "after_flush", _after_flush)
        event.listen(OrmSession, "do_orm_execute", _bulk_statement)
        event.listen(OrmSession, "after_commit", _committed)
        event.listen(OrmSession, "after_soft_rollback", _transaction_ended)


install()
