"""Backups of a SQLite database, and restoring one into an empty database (`planner backup`, `planner
restore`).

A backup is taken with SQLite's online backup API through a connection of its own: it copies one
consistent snapshot, committed writes in the WAL included, while the app carries on writing, where a
plain copy of the file would leave the WAL (and recent work) behind. The copy is written beside the
target under a temporary name, switched to a single self-contained file (no WAL), checked with
`PRAGMA integrity_check`, and only then renamed into place, so a backup that exists is whole.

PostgreSQL databases are backed up with pg_dump and restored with pg_restore; `postgres_advice` gives
the commands."""

from __future__ import annotations

import os
import shlex
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from planner.db import alembic_config, current_revision, engine_for, upgrade

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables that hold no one's work: a database with rows only in these still counts as empty.
NOT_DATA = frozenset({"alembic_version", "ratelimitcounter"})
# Tables every planner database has had since the first migration.
PLANNER_TABLES = frozenset({"alembic_version", "organisation", "user", "membership", "strategy"})


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore did."""

    path: Path
    size: int  # bytes
    revision: str  # the schema revision of the copy (after a restore: the database's, upgraded)
    integrity: str  # what PRAGMA integrity_check said of the copy: "ok", or the first problems
    rows: int  # rows in the copy's tables


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database, or SQLite in memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def postgres_advice(url: str, output: str) -> str:
    """The pg_dump and pg_restore commands for a PostgreSQL database (the password left out)."""
    parsed = make_url(url)
    where = URL.create("postgresql", username=parsed.username, host=parsed.host, port=parsed.port,
                       database=parsed.database, query=parsed.query).render_as_string(hide_password=False)
    where, output = shlex.quote(where), shlex.quote(output)
    return (
        "this database is PostgreSQL: back it up with pg_dump, which takes a consistent snapshot while the "
        f"app runs:\n  pg_dump --format=custom --no-owner --file={output} {where}\n"
        "and restore it into a new, empty database with:\n"
        f"  pg_restore --no-owner --exit-on-error --dbname={where} {output}\n"
        "then run `planner init-db` to bring it to the latest schema. The password comes from PGPASSWORD or "
        "~/.pgpass, never the command line."
    )


def _integrity(connection: sqlite3.Connection) -> str:
    found = [row[0] for row in connection.execute("PRAGMA integrity_check(20)")]
    return "ok" if found == ["ok"] else "; ".join(str(problem) for problem in found)


def _tables(connection: sqlite3.Connection) -> list[str]:
    return [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _revision(connection: sqlite3.Connection) -> str:
    rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return str(rows[0][0]) if len(rows) == 1 else ""


def _row_count(connection: sqlite3.Connection, tables: list[str]) -> int:
    return sum(int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]) for table in tables)


def _read_only(path: Path) -> sqlite3.Connection:
    # A URI, so a read-only open is possible; as_uri() escapes any '?' or '#' in the path.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


@contextmanager
def _sqlite_errors(doing: str) -> Iterator[None]:
    """SQLite's own errors told as a BackupError: 'SQLite could not DOING: why'."""
    try:
        yield
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not {doing}: {exc}") from exc


def _sqlite_file(url: str, *, postgres: Callable[[], str], other: str) -> Path:
    """The SQLite file at `url`; else BackupError saying `postgres()` for PostgreSQL, `other` for anything else."""
    path = sqlite_path(url)
    if path is None:
        raise BackupError(postgres() if make_url(url).get_backend_name() == "postgresql" else other)
    return path


def backup(url: str, output: Path) -> BackupReport:
    """Copy the SQLite database at `url` to `output` (which must not exist yet), checked."""
    with _sqlite_errors("make the backup"):
        return _backup(url, output)


def _backup(url: str, output: Path) -> BackupReport:
    source_path = _sqlite_file(url, postgres=lambda: postgres_advice(url, str(output)),
                               other=f"only SQLite files and PostgreSQL (with pg_dump) can be backed up, not "
                                     f"{url.split(':')[0]}")
    if not source_path.is_file():
        raise BackupError(f"there is no database at {source_path}")
    if output.exists():
        raise BackupError(f"{output} already exists: choose a new name (a dated one, say) or remove it first")
    if not output.parent.is_dir():
        raise BackupError(f"the folder {output.parent} does not exist")
    partial = output.with_name(f".{output.name}.partial-{os.getpid()}")
    # Read-only, so a backup can never change the live database.
    source = _read_only(source_path)
    try:
        # Readable by its owner only: a backup holds password hashes and staff figures.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # every page in one step: a single consistent snapshot
            # One self-contained file: a copy in WAL mode would need its -wal beside it when opened.
            copy.execute("PRAGMA journal_mode=DELETE")
            integrity = _integrity(copy)
            tables = _tables(copy)
            revision = _revision(copy) if "alembic_version" in tables else ""
            rows = _row_count(copy, tables)
        finally:
            copy.close()
        if integrity != "ok":
            raise BackupError(f"the copy failed its integrity check ({integrity}); the database itself may be "
                              "damaged: nothing was written")
        _move_without_overwriting(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return BackupReport(path=output, size=output.stat().st_size, revision=revision, integrity=integrity, rows=rows)


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(revision) is not None
    except CommandError:
        return False


def _move_without_overwriting(partial: Path, output: Path) -> None:
    # A hard link fails if the name was taken meanwhile, so a backup started at the same time (cron
    # twice) can never replace another; where links are not supported, a rename after one more look.
    try:
        os.link(partial, output)
    except FileExistsError as exc:
        raise BackupError(f"{output} already exists: choose a new name (a dated one, say) or remove it first") from exc
    except OSError:
        if output.exists():
            raise BackupError(f"{output} already exists: choose a new name or remove it first") from None
        partial.replace(output)
        return
    partial.unlink()


def _check_backup_file(path: Path) -> tuple[str, int]:
    """The revision and row count of a planner backup, or BackupError saying what is wrong with it."""
    if not path.is_file():
        raise BackupError(f"there is no file {path}")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database, so not a planner backup")
    connection = _read_only(path)
    try:
        integrity = _integrity(connection)
        if integrity != "ok":
            raise BackupError(f"{path} fails its integrity check ({integrity}): it cannot be restored")
        tables = _tables(connection)
        missing = sorted(PLANNER_TABLES - set(tables))
        if missing:
            raise BackupError(f"{path} is not a planner backup (it has no {', '.join(missing)} table)")
        revision = _revision(connection)
        rows = _row_count(connection, tables)
    finally:
        connection.close()
    if not revision or not _known(revision):
        raise BackupError(f"{path} is at schema revision {revision or 'none'}, which this version of the planner "
                          "does not know: restore it with the version that made it, or a later one")
    return revision, rows


def _rows_in(url: str) -> dict[str, int]:
    """Rows in each table of the database at `url` that hold someone's work (empty for no tables)."""
    from sqlalchemy import func, inspect, select, table

    engine = engine_for(url)
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for name in inspect(connection).get_table_names():
            if name not in NOT_DATA:
                counts[name] = int(connection.execute(select(func.count()).select_from(table(name))).scalar_one())
    return {name: n for name, n in counts.items() if n}


def restore(url: str, backup_file: Path) -> BackupReport:
    """Restore a planner backup into the empty SQLite database at `url`, then migrate it to the latest schema."""
    with _sqlite_errors(f"restore {backup_file}"):
        return _restore(url, backup_file)


def _restore(url: str, backup_file: Path) -> BackupReport:
    target = _sqlite_file(url, postgres=lambda: "this database is PostgreSQL: restore a pg_dump file with pg_restore "
                          "(see `planner backup --help`); a SQLite backup cannot be restored into it",
                          other="only SQLite files can be restored into")
    revision, rows = _check_backup_file(backup_file)
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    if target.exists():
        held = _rows_in(url)
        if held:
            listed = ", ".join(f"{name} ({n})" for name, n in sorted(held.items())[:5])
            raise BackupError(f"the database at {target} already holds data ({listed}); restore only into an "
                              "empty database: set DATABASE_URL to a new file, restore, then switch the app to it")
    # Nothing may keep the old (empty) file open while it is replaced.
    engine_for(url).dispose()
    source = _read_only(backup_file)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    engine_for(url).dispose()
    upgrade(url)
    return BackupReport(path=target, size=target.stat().st_size, revision=current_revision(url) or revision,
                        integrity="ok", rows=rows)
