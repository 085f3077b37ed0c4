"""Rate limit counters kept in the app's own database, so every gunicorn worker (and every server on
the same database) counts against the same limit without running Redis.

A `limits` storage (the library under Flask-Limiter) for the fixed-window strategy, registered for
the storage URI `planner-database://`; it is given the database URL as the option `database_url`.
Each hit is one atomic upsert (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, on SQLite and
PostgreSQL alike), so two workers counting at once never lose a hit. Keys are stored as SHA-256
digests; rows past their window are purged now and then."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from limits.errors import ConfigurationError
from limits.storage import Storage
from sqlalchemy import Table, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from planner.db import engine_for
from planner.models import RateLimitCounter

SCHEME = "planner-database"
PURGE_EVERY_SECONDS = 60.0  # how often a process deletes the rows of windows that have ended

_TABLE = RateLimitCounter.metadata.tables["ratelimitcounter"]
# The dialects whose INSERT has ON CONFLICT DO UPDATE ... RETURNING, which makes a hit one atomic statement.
_UPSERTS: dict[str, Callable[[Table], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _digest(key: str) -> str:
    # Fixed width for the column, and the key's parts (already keyed hashes) are not kept as they are.
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage):
    """Fixed-window counters in the `ratelimitcounter` table of the planner's database."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 database_url: str = "", **options: Any) -> None:
        if not database_url:
            raise ConfigurationError(f"{SCHEME}:// needs the option database_url")
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine = engine_for(database_url)
        dialect = self.engine.dialect.name
        if dialect not in _UPSERTS:
            raise ConfigurationError(f"{SCHEME}:// works on SQLite and PostgreSQL, not {dialect}")
        self._insert = _UPSERTS[dialect]
        self._next_purge = 0.0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count, starting a new window of `expiry` seconds if the last ended."""
        now = time.time()
        ended = _TABLE.c.expires_at <= now
        statement = self._insert(_TABLE).values(key=_digest(key), hits=amount, expires_at=now + expiry)
        upsert = statement.on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={"hits": case((ended, amount), else_=_TABLE.c.hits + amount),
                  "expires_at": case((ended, now + expiry), else_=_TABLE.c.expires_at)},
        ).returning(_TABLE.c.hits)
        with self.engine.begin() as connection:
            hits = int(connection.execute(upsert).scalar_one())
        if now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY_SECONDS
            self._purge(now)
        return hits

    def get(self, key: str) -> int:
        """The key's count in its current window (0 once the window has ended)."""
        with self.engine.connect() as connection:
            found = connection.execute(
                select(_TABLE.c.hits).where(_TABLE.c.key == _digest(key), _TABLE.c.expires_at > time.time())
            ).scalar()
        return int(found or 0)

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now, if it has none)."""
        now = time.time()
        with self.engine.connect() as connection:
            found = connection.execute(
                select(_TABLE.c.expires_at).where(_TABLE.c.key == _digest(key), _TABLE.c.expires_at > now)
            ).scalar()
        return float(found) if found is not None else now

    def check(self) -> bool:
        """Whether the table can be read."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(func.count()).select_from(_TABLE))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every count."""
        with self.engine.begin() as connection:
            return int(connection.execute(delete(_TABLE)).rowcount)

    def clear(self, key: str) -> None:
        """Forget one key's count."""
        with self.engine.begin() as connection:
            connection.execute(delete(_TABLE).where(_TABLE.c.key == _digest(key)))

    def _purge(self, now: float) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(_TABLE).where(_TABLE.c.expires_at <= now))
