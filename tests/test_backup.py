"""`planner backup` and `planner restore`: a restore rehearsal with writes running during the backup,
and the refusals (a database that holds data, a file that is not a planner backup, PostgreSQL)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import text

from planner.cli import main
from planner.db import alembic_config, current_revision, engine_for, upgrade

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def run(url: str, *args: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", url)
    return CliRunner().invoke(main, list(args))


def rehearsal_ids(url: str) -> list[int]:
    with engine_for(url).connect() as connection:
        return [row[0] for row in connection.execute(text(
            "SELECT entity_id FROM auditevent WHERE entity = 'rehearsal' ORDER BY entity_id"))]


def test_a_backup_taken_during_writes_is_whole_and_restores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    live = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade(live)
    with engine_for(live).begin() as connection:
        connection.execute(text("INSERT INTO organisation (id, slug, name, suppression_threshold, public_levels, "
                                "rag_amber_below, rag_red_below, created_at) "
                                "VALUES (1, 'north', 'North Trust', 7, 'board', 0.9, 0.7, '2026-01-01')"))
        for n in range(2000):  # some bulk, so the copy takes a while
            connection.execute(text("INSERT INTO auditevent (organisation_id, at, action, entity, changes) "
                                    "VALUES (1, '2026-01-01', 'create', 'padding', :changes)"),
                               {"changes": f'{{"n": {n}, "pad": "{"x" * 500}"}}'})
    committed: list[int] = []
    stop = threading.Event()
    started = threading.Event()

    def write() -> None:
        # One committed row at a time, as check-ins arriving; `committed` lists those whose commit returned.
        number = 0
        while not stop.is_set():
            with engine_for(live).begin() as connection:
                connection.execute(text("INSERT INTO auditevent (organisation_id, at, action, entity, entity_id, "
                                        "changes) VALUES (1, '2026-01-01', 'create', 'rehearsal', :n, '{}')"),
                                   {"n": number})
            committed.append(number)
            number += 1
            if number == 50:
                started.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert started.wait(30)
        before = len(committed)
        backup_file = tmp_path / "backup.db"
        taken = run(live, "backup", "-o", str(backup_file), monkeypatch=monkeypatch)
        after = len(committed)
        while len(committed) < after + 50:  # writes carry on after the backup
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    assert taken.exit_code == 0, taken.output
    assert "integrity check: ok" in taken.output and f"schema revision {HEAD}" in taken.output
    assert not list(tmp_path.glob(".backup.db.partial-*"))
    assert backup_file.stat().st_mode & 0o077 == 0  # its owner's only: it holds password hashes
    # One self-contained file: it opens and checks clean with nothing beside it.
    copy = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        copy.close()

    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    done = run(restored, "restore", str(backup_file), monkeypatch=monkeypatch)
    assert done.exit_code == 0, done.output
    assert current_revision(restored) == HEAD and f"revision {HEAD}" in done.output
    ids = rehearsal_ids(restored)
    # A consistent snapshot: every row committed before the backup began, then an unbroken run of later
    # commits up to the moment it was taken, and nothing that was not committed.
    assert ids == list(range(len(ids)))
    assert before <= len(ids) <= after < len(committed)
    with engine_for(restored).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM auditevent WHERE entity = 'padding'")).scalar() == 2000
        assert connection.execute(text("SELECT name FROM organisation")).scalar() == "North Trust"


def test_restore_refuses_a_database_that_holds_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    upgrade(source)
    backup_file = tmp_path / "backup.db"
    assert run(source, "backup", "-o", str(backup_file), monkeypatch=monkeypatch).exit_code == 0
    busy = f"sqlite:///{tmp_path / 'busy.db'}"
    assert run(busy, "init-db", monkeypatch=monkeypatch).exit_code == 0
    assert run(busy, "create-org", "north", "North Trust", monkeypatch=monkeypatch).exit_code == 0
    refused = run(busy, "restore", str(backup_file), monkeypatch=monkeypatch)
    assert refused.exit_code == 2
    assert "already holds data (" in refused.output and "organisation (1)" in refused.output
    assert "restore only into an empty database" in refused.output
    with engine_for(busy).connect() as connection:
        assert connection.execute(text("SELECT slug FROM organisation")).scalar() == "north"
    # A database with the tables but no one's work in it is empty: the restore goes ahead.
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert run(fresh, "init-db", monkeypatch=monkeypatch).exit_code == 0
    assert run(fresh, "restore", str(backup_file), monkeypatch=monkeypatch).exit_code == 0


def test_an_older_backup_is_brought_to_the_latest_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(old, "0007")
    backup_file = tmp_path / "old-backup.db"
    taken = run(old, "backup", "-o", str(backup_file), monkeypatch=monkeypatch)
    assert taken.exit_code == 0 and "schema revision 0007" in taken.output
    target = f"sqlite:///{tmp_path / 'new.db'}"
    assert run(target, "restore", str(backup_file), monkeypatch=monkeypatch).exit_code == 0
    assert current_revision(target) == HEAD


@pytest.mark.parametrize(("content", "says"), [
    (b"name,email\nA,a@example.org\n", "is not a SQLite database"),
    ("other-app", "is not a planner backup (it has no alembic_version, membership, organisation, strategy, user"),
    ("unknown-revision", "is at schema revision 9999, which this version of the planner does not know"),
])
def test_restore_refuses_a_file_that_is_not_a_planner_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             content: bytes | str, says: str) -> None:
    candidate = tmp_path / "candidate.db"
    if isinstance(content, bytes):
        candidate.write_bytes(content)
    elif content == "other-app":
        other = sqlite3.connect(candidate)
        other.execute("CREATE TABLE notes (body TEXT)")
        other.commit()
        other.close()
    else:
        url = f"sqlite:///{candidate}"
        upgrade(url)
        with engine_for(url).begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        engine_for(url).dispose()
    target = tmp_path / "target.db"
    refused = run(f"sqlite:///{target}", "restore", str(candidate), monkeypatch=monkeypatch)
    assert refused.exit_code == 2 and says in refused.output
    assert not target.exists()


def test_backup_never_overwrites_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    live = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade(live)
    existing = tmp_path / "yesterday.db"
    existing.write_bytes(b"yesterday's backup")
    refused = run(live, "backup", "-o", str(existing), monkeypatch=monkeypatch)
    assert refused.exit_code == 2 and "already exists" in refused.output
    assert existing.read_bytes() == b"yesterday's backup"
    missing = run(f"sqlite:///{tmp_path / 'nothing.db'}", "backup", "-o", str(tmp_path / "b.db"),
                  monkeypatch=monkeypatch)
    assert missing.exit_code == 2 and "there is no database at" in missing.output


def test_postgresql_is_pointed_to_pg_dump_without_its_password(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://planner:s3cret-pass@db.internal:5432/planner"
    advice = run(url, "backup", "-o", str(tmp_path / "planner.dump"), monkeypatch=monkeypatch)
    assert advice.exit_code == 2
    assert f"pg_dump --format=custom --no-owner --file={tmp_path / 'planner.dump'}" in advice.output
    assert "postgresql://planner@db.internal:5432/planner" in advice.output and "pg_restore" in advice.output
    assert "s3cret" not in advice.output
    assert not (tmp_path / "planner.dump").exists()


def test_a_source_that_is_not_a_database_and_a_missing_folder_are_said_plainly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    garbage = tmp_path / "weird #1.db"
    garbage.write_bytes(b"not a database at all" * 100)
    refused = run(f"sqlite:///{garbage}", "backup", "-o", str(tmp_path / "b.db"), monkeypatch=monkeypatch)
    assert refused.exit_code == 2 and "SQLite could not make the backup: file is not a database" in refused.output
    assert not list(tmp_path.glob("*b.db*"))
    live = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade(live)
    backup_file = tmp_path / "backup.db"
    assert run(live, "backup", "-o", str(backup_file), monkeypatch=monkeypatch).exit_code == 0
    nowhere = run(f"sqlite:///{tmp_path / 'missing' / 'restored.db'}", "restore", str(backup_file),
                  monkeypatch=monkeypatch)
    assert nowhere.exit_code == 2 and "does not exist" in nowhere.output
