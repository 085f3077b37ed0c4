"""Results worked out once per change: a forecast, the completeness check, the task list, survey
results and the like are kept under the revisions of the strategy they come from (planner.revisions),
so every request and every worker reuses them until a write moves a revision, and a stale one can
never be served: the revision is in the key, so nothing needs "invalidating".

Two levels: within one web request a result is remembered in `session.info` (a page that asks for
the forecast five times works it out once), and across requests in a store shared by every worker:
the database by default, Redis when `REDIS_URL` is set (`store_for`). The store travels with the
session (`attach`), so services stay free of Flask. What is stored is pickled, compressed and signed
with the secret key; a value that fails its signature is ignored, so a row written by anyone but
the app is never unpickled. Results worked out inside a transaction that has written are never
shared: if it rolled back, its revision number would be used again for other data."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import io
import pickle
import random
import re
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import Table, create_engine, delete, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import InstrumentedAttribute
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import ColumnClause
from sqlmodel import Session, SQLModel, col

from planner import revisions
from planner.models import DerivedResult, Strategy, utcnow

T = TypeVar("T")
MEMO = "planner_derived"  # session.info: results of this transaction
PENDING = "planner_derived_pending"  # session.info: results to keep when the request ends (`keep`)
STORE = "planner_derived_store"  # session.info: the shared store (with its key), set by `attach`
LARGEST = 32 * 1024 * 1024  # bytes compressed: a result larger than this is worked out each time
KEPT = timedelta(hours=6)  # results older than this are purged (now and then, as others are stored)


class Store(Protocol):
    """Where shared results are kept, by key."""

    def get(self, key: str) -> bytes | None:
        """The bytes kept under `key`, or None."""

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        """The bytes kept under each of `keys` that has any, in one look-up."""

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        """Keep each value under its key (best effort: a store that is busy may drop them)."""


class DatabaseStore:
    """Results in the app's own database (table derivedresult), written on a connection of their own so
    a page that only reads never writes in its own transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def for_url(cls, url: str, engine: Engine) -> DatabaseStore:
        """The store for the app's database. On SQLite, connections of its own that wait a quarter of a
        second at most for a busy database (a result not kept is only worked out again)."""
        if url.startswith("sqlite"):
            return cls(create_engine(url, connect_args={"check_same_thread": False, "timeout": 0.25}))
        return cls(engine)

    def get(self, key: str) -> bytes | None:
        """The bytes kept under `key`, or None."""
        try:
            with self.engine.connect() as connection:
                found = connection.execute(select(col(DerivedResult.value))
                                           .where(col(DerivedResult.key) == key)).scalar_one_or_none()
        except SQLAlchemyError:
            return None
        return bytes(found) if found is not None else None

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        """The bytes kept under each of `keys` that has any, in one statement."""
        try:
            with self.engine.connect() as connection:
                found = connection.execute(select(col(DerivedResult.key), col(DerivedResult.value))
                                           .where(col(DerivedResult.key).in_(keys))).all()
        except SQLAlchemyError:
            return {}
        return {key: bytes(value) for key, value in found}

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        """Keep each value under its key in one statement; on a busy SQLite database, give up after a
        moment rather than wait."""
        table = revisions.table_of(DerivedResult)
        now = utcnow()
        try:
            with self.engine.begin() as connection:
                insert = revisions.upsert(connection.dialect.name)(table)
                replace = {"value": insert.excluded.value, "created_at": insert.excluded.created_at}
                connection.execute(insert.on_conflict_do_update(index_elements=["key"], set_=replace),
                                   [{"key": key, "value": value, "created_at": now} for key, value in items])
                if random.random() < 0.05:  # noqa: S311 (not a secret: how often to tidy up)
                    connection.execute(delete(table).where(table.c.created_at < utcnow() - KEPT))
        except SQLAlchemyError:
            return


class RedisStore:
    """Results in Redis (`REDIS_URL`), each kept for six hours."""

    def __init__(self, url: str) -> None:
        try:
            # An optional package, loaded by name: only a deployment that sets REDIS_URL installs it.
            redis: Any = importlib.import_module("redis")
        except ImportError as exc:  # pragma: no cover - depends on what is installed
            raise RuntimeError("REDIS_URL is set, but the redis package is not installed: "
                               "pip install 'redis>=5,<9', or unset REDIS_URL to keep results in the database") from exc
        self.client = redis.Redis.from_url(url)

    def get(self, key: str) -> bytes | None:
        """The bytes kept under `key`, or None."""
        found = self.client.get(f"planner:derived:{key}")
        return bytes(found) if found is not None else None

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        """The bytes kept under each of `keys` that has any, in one round trip."""
        found = self.client.mget([f"planner:derived:{key}" for key in keys])
        return {key: bytes(value) for key, value in zip(keys, found, strict=True) if value is not None}

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        """Keep each value under its key for six hours."""
        pipeline = self.client.pipeline()
        for key, value in items:
            pipeline.set(f"planner:derived:{key}", value, ex=int(KEPT.total_seconds()))
        pipeline.execute()


@cache
def code_fingerprint() -> str:
    """A digest of the app's own code and templates (some results are drawn HTML): a result kept by one
    release is never served by the next."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent.parent
    for path in sorted([*(root / "planner").rglob("*.py"), *(root / "templates").rglob("*.html")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def attach(session: Session, store: Store | None, secret: str) -> None:
    """Remember results in this session (a web request's: short, so what it read once holds for the
    rest of it), and share them through `store` when there is one, signed with `secret`. A session
    not attached (the command line's, a test's) works everything out each time it is asked, as it
    may live long and see other sessions' writes between its reads."""
    session.info.setdefault(MEMO, {})
    if store is not None:
        session.info[STORE] = (store, hashlib.sha256(b"planner-derived:" + secret.encode()).digest())


class _Pickler(pickle.Pickler):
    """Pickles a database record as its class and column values: SQLAlchemy's own pickling of an
    instance's state (its load paths) costs ten times as much to read back as the values do."""

    def reducer_override(self, obj: Any) -> Any:
        """A record as (`_revived`, class, values); anything else as pickle would."""
        state = obj.__dict__.get("_sa_instance_state") if isinstance(obj, SQLModel) else None
        if state is None or state.key is None:
            return NotImplemented
        return _revived, (type(obj), {k: v for k, v in obj.__dict__.items() if k != "_sa_instance_state"})


def _revived(cls: type[SQLModel], values: dict[str, Any]) -> SQLModel:
    """A record read back from the store: its values as they were kept, readable as ever, but with no
    SQLAlchemy state, so no session will take it (adding it raises) and reading a value that was not
    kept raises rather than loading; made without the cost of SQLAlchemy's bookkeeping for each one."""
    record = object.__new__(cls)
    object.__setattr__(record, "__pydantic_fields_set__", set(values))
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", None)
    record.__dict__.update(values)
    return record


def _sealed(value: Any, secret: bytes) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    body = zlib.compress(buffer.getvalue(), 1)
    return hmac.new(secret, body, hashlib.sha256).digest() + body


def _opened(raw: bytes, secret: bytes) -> tuple[bool, Any]:
    tag, body = raw[:32], raw[32:]
    if not hmac.compare_digest(tag, hmac.new(secret, body, hashlib.sha256).digest()):
        return False, None
    return True, pickle.loads(zlib.decompress(body))  # noqa: S301 (signed by us: see the module's docstring)


@dataclass(frozen=True)
class Ask:
    """One result asked for with others (`remember_each`): what `remember` takes for it."""

    kind: str
    parts: tuple[Hashable, ...]
    reads: Iterable[str] | None
    compute: Callable[[], Any]


def remember(session: Session, *, strategy_id: int | None, organisation_id: int, kind: str, parts: tuple[Hashable, ...],
             compute: Callable[[], T], shared: bool = True, reads: Iterable[str] | None = None) -> T:
    """`compute()`, worked out once per revision of what it reads: from this transaction's memory, else
    the shared store (when `shared`, for plain values only: no database records), else worked out now.
    `parts` is everything else the result depends on (a scenario's id, today's date, an audience).
    `reads` names the groups of tables it reads (planner.revisions.GROUPS: "structure", "baseline"...), of
    the strategy and of its organisation; a write to any other group leaves it kept. None: every group.
    With no strategy, a result of the organisation's own records (its competency frameworks...)."""
    found = remember_each(session, strategy_id=strategy_id, organisation_id=organisation_id, shared=shared,
                          asks=[Ask(kind, parts, reads, compute)])
    return cast(T, found[0])  # what compute returned, now or when it was kept


def remember_each(session: Session, *, strategy_id: int | None, organisation_id: int, asks: list[Ask],
                  shared: bool = True) -> list[Any]:
    """Each ask's result, as `remember` gives it, with the ones not in this transaction's memory looked up in
    the shared store together (one statement for all: a page that shows each step's reading asks once)."""
    memo: dict[Hashable, Any] | None = session.info.get(MEMO)
    if memo is None:
        return [ask.compute() for ask in asks]
    if session.new or session.dirty or session.deleted:
        session.flush()  # so what is about to be read, and the revisions, include this transaction's changes
    owners = [revisions.organisation_scope(organisation_id)]
    if strategy_id is not None:
        owners.insert(0, revisions.strategy_scope(strategy_id))
    scopes = revisions.read(session, owners)
    keyed = []
    for ask in asks:
        groups = revisions.EVERY_GROUP if ask.reads is None else frozenset(ask.reads)
        if groups - revisions.EVERY_GROUP:
            raise ValueError(f"{ask.kind}: no such group of tables: {sorted(groups - revisions.EVERY_GROUP)}")
        moved = tuple(sorted((name, value) for name, value in scopes.items()
                             if name == revisions.ALL or name.rsplit(":", 1)[-1] in groups))
        keyed.append((ask, groups, (ask.kind, organisation_id, strategy_id, ask.parts, moved)))
    if _WATCH is not None:
        watch = _WATCH
        return [watch.compute(session, ask.kind, groups, memo, key, ask.compute) for ask, groups, key in keyed]
    store, secret = session.info.get(STORE, (None, b""))
    sharing = shared and store is not None and not session.info.get(revisions.WROTE)
    keys = {memo_key: hashlib.sha256(repr((code_fingerprint(), memo_key)).encode()).hexdigest()
            for _ask, _groups, memo_key in keyed if memo_key not in memo}
    if sharing and keys:
        raws = store.get_many(list(keys.values())) if len(keys) > 1 else {
            key: raw for key in keys.values() if (raw := store.get(key)) is not None}
        for memo_key, key in keys.items():
            ok, value = _opened(raws[key], secret) if key in raws else (False, None)
            if ok:
                memo[memo_key] = value  # unpickled: what compute returned when it was kept
    out = []
    for ask, _groups, memo_key in keyed:
        if memo_key not in memo:
            memo[memo_key] = ask.compute()
            if sharing and not session.info.get(revisions.WROTE):
                sealed = _sealed(memo[memo_key], secret)
                if len(sealed) <= LARGEST:
                    session.info.setdefault(PENDING, []).append((keys[memo_key], sealed))
        out.append(memo[memo_key])
    return out


class Watch:
    """The guard on `reads` (`watching`): every result worked out while it is on has each table its
    computation SELECTs from (and each group a result it asks for reads) checked against the groups it
    names; `missed` maps a kind of result to the groups it reads but does not name. Nothing is taken from
    the shared store while it is on, and every record in the session is expired (all but its keys) before a
    computation, so what it reads from a record in hand is read again, where the guard sees it."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, frozenset[str], set[str]]] = []  # (kind, names, groups read)
        self.missed: dict[str, set[str]] = {}
        self.worked: set[str] = set()
        self.read: dict[Hashable, set[str]] = {}  # the groups each result worked out read

    def statement(self, _conn: Any, _cursor: Any, statement: str, _parameters: Any, context: Any,
                  _executemany: bool) -> None:
        """A statement about to run: the groups of the tables it reads go to every computation under way."""
        if not self.stack or not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            return
        compiled = getattr(getattr(context, "compiled", None), "statement", None)
        groups = set()
        if compiled is not None:
            elements = list(visitors.iterate(compiled))
            tables = {element.name for element in elements if isinstance(element, Table)}
            if any(isinstance(element, ColumnClause) and getattr(element.table, "name", None) == "strategy"
                   and element.name in revisions.SCOPE_COLUMNS for element in elements):
                groups.add("scope")  # the strategy's words, selected
        else:  # plain SQL text: its tables by name, and the strategy's words with its row
            tables = set(re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)', statement, flags=re.IGNORECASE))
            groups |= {"scope"} if "strategy" in tables else set()
        groups |= {revisions.GROUPS[name] for name in tables if name in revisions.GROUPS}
        for _kind, _names, read in self.stack:
            read.update(groups)

    def attribute(self, attribute: InstrumentedAttribute[Any], instance: Any) -> None:
        """A record's value about to be read: a strategy's words go to every computation under way."""
        if self.stack and instance is not None and attribute.key in revisions.SCOPE_COLUMNS \
                and isinstance(instance, Strategy):
            for _kind, _names, read in self.stack:
                read.add("scope")

    def compute(self, session: Session, kind: str, groups: frozenset[str], memo: dict[Hashable, Any],
                memo_key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` watched (or this request's memory of it), its reads checked against `groups`."""
        if memo_key in memo:
            for _kind, _names, outer in self.stack:
                outer.update(self.read.get(memo_key, groups))  # what it rests on, the asker rests on
            return cast(T, memo[memo_key])
        for record in list(session.identity_map.values()):
            mapper = inspect(record).mapper
            # A strategy's words stay loaded: `attribute` sees them read, apart from the rest of its row.
            kept = revisions.SCOPE_COLUMNS if isinstance(record, Strategy) else frozenset()
            session.expire(record, [prop.key for prop in mapper.column_attrs if prop.key not in kept
                                    and not any(c.primary_key or c.foreign_keys for c in prop.columns)])
        read: set[str] = set()
        self.stack.append((kind, groups, read))
        try:
            value = compute()
        finally:
            self.stack.pop()
        self.worked.add(kind)
        self.read[memo_key] = read
        for _kind, _names, outer in self.stack:
            outer.update(read)
        if read - groups:
            self.missed.setdefault(kind, set()).update(read - groups)
        memo[memo_key] = value
        return value


_WATCH: Watch | None = None


@contextmanager
def watching() -> Iterator[Watch]:
    """Check every result worked out inside the block against the groups it says it reads (a test's guard:
    it turns the shared store off and reads more; see Watch)."""
    global _WATCH  # noqa: PLW0603 (one guard per process, on only inside this block)
    watch = Watch()
    _WATCH = watch
    event.listen(Engine, "before_cursor_execute", watch.statement)
    plain_get = InstrumentedAttribute.__get__

    def watched_get(attribute: InstrumentedAttribute[Any], instance: Any, owner: Any) -> Any:
        watch.attribute(attribute, instance)
        return plain_get(attribute, instance, owner)

    setattr(InstrumentedAttribute, "__get__", watched_get)  # noqa: B010 (the guard's, inside the block only)
    try:
        yield watch
    finally:
        setattr(InstrumentedAttribute, "__get__", plain_get)  # noqa: B010 (as it was)
        event.remove(Engine, "before_cursor_execute", watch.statement)
        _WATCH = None


def records(session: Session, strategy: Any, kind: str, compute: Callable[[], list[T]],
            parts: tuple[Hashable, ...] = ()) -> list[T]:
    """A list of the strategy's records (its levels, its areas...), read once per transaction and
    revision: a page that asks for the levels thirty times reads them once. A new list each time, so a
    caller may sort or extend it; the records themselves are the session's own."""
    return list(remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id, kind=kind,
                         parts=parts, compute=compute, shared=False))


def keep(session: Session) -> None:
    """Write the results this session worked out to the shared store, in one statement (called as the
    request ends, so a page that works out six results writes once, not six times)."""
    pending: list[tuple[str, bytes]] = session.info.pop(PENDING, [])
    found = session.info.get(STORE)
    if pending and found is not None:
        found[0].put_many(pending)


def _forget_after_rollback(session: OrmSession, _previous: Any) -> None:
    # What was worked out in a transaction that rolled back may rest on its writes, and the revision
    # numbers those writes took will be taken again by the next: forget it all.
    memo = session.info.get(MEMO)
    if memo:
        memo.clear()


if not event.contains(OrmSession, "after_soft_rollback", _forget_after_rollback):
    event.listen(OrmSession, "after_soft_rollback", _forget_after_rollback)
