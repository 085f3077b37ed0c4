"""The database: one engine per URL, a session per request, migrations with Alembic."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

import planner.revisions  # noqa: F401 (moves revisions on every session's writes)
from planner.services import derived

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DERIVED_STORE = "planner_derived_store"  # app.extensions: where derived results are shared


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite and must be switched on per connection; WAL lets
    # readers carry on while a request writes; the busy timeout waits rather than failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Never evicted: an engine dropped from a bounded cache would leave its pooled connections open.
@cache
def engine_for(url: str) -> Engine:
    """The engine for a database URL, created once per process."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return create_engine(url, pool_pre_ping=True)


def get_engine(app: Flask | None = None) -> Engine:
    """The engine of the given (or current) application."""
    app = app or current_app
    return engine_for(str(app.config["DATABASE_URL"]))


def get_session() -> Session:
    """The session of this request, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
        derived.attach(g.db_session, current_app.extensions.get(DERIVED_STORE), str(current_app.config["SECRET_KEY"]))
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        try:
            derived.keep(session)
        finally:
            session.close()


def alembic_config(url: str) -> Any:
    """An Alembic configuration that points at the migrations inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` to `revision` (head by default)."""
    from alembic import command
    from sqlalchemy import inspect, text

    command.upgrade(alembic_config(url), revision)
    # Results kept by an earlier release, or before data was changed by hand, are not to be served.
    engine = engine_for(url)
    if inspect(engine).has_table("derivedresult"):
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM derivedresult"))


def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def init_app(app: Flask) -> None:
    """Close the request's session at teardown; share derived results where the config says."""
    app.teardown_appcontext(_close_session)
    where = str(app.config.get("DERIVED_RESULTS", "database"))
    if app.config.get("REDIS_URL"):
        app.extensions[DERIVED_STORE] = derived.RedisStore(str(app.config["REDIS_URL"]))
    elif where == "database":
        app.extensions[DERIVED_STORE] = derived.DatabaseStore.for_url(str(app.config["DATABASE_URL"]), get_engine(app))
