"""Migrations bring an empty database to head, on SQLite and (in CI) on PostgreSQL, and the
schema they build is exactly the one the models describe."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import planner.models  # noqa: F401
from planner.db import alembic_config, current_revision, engine_for, upgrade

PG_URL = os.environ.get("PLANNER_TEST_DATABASE_URL", "")


def _empty_databases(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'empty.db'}"
    if PG_URL.startswith("postgresql"):
        # A fresh database beside the test one, dropped afterwards.
        name = f"planner_mig_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        try:
            yield url
        finally:
            engine_for(url).dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}"'))
            admin.dispose()


def test_upgrade_empty_database_to_head_matches_the_models(tmp_path: Path) -> None:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    checked = []
    for url in _empty_databases(tmp_path):
        assert current_revision(url) is None
        upgrade(url)
        assert current_revision(url) == head
        engine = engine_for(url)
        tables = set(inspect(engine).get_table_names())
        assert {"organisation", "user", "membership", "strategy", "area", "level", "scenario"} <= tables
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert differences == [], f"models and migrations disagree on {url.split(':')[0]}: {differences}"
        checked.append(url.split(":")[0])
    if os.environ.get("CI") == "true" and PG_URL:
        assert "postgresql" in checked


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pragmas.db'}"
    upgrade(url)
    with engine_for(url).connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        with pytest.raises(Exception, match="FOREIGN KEY"):
            connection.execute(text("INSERT INTO membership (organisation_id, user_id, role, created_at) "
                                    "VALUES (999, 999, 'admin', '2026-01-01')"))


def test_upgrading_a_database_with_data_keeps_every_row(tmp_path: Path) -> None:
    """An upgrade that rebuilds a table on SQLite (batch mode) must not cascade-delete its children."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0007")
    with engine_for(url).begin() as connection:
        connection.execute(text("INSERT INTO organisation (id, slug, name, suppression_threshold, created_at) "
                                "VALUES (1, 'north', 'North Trust', 7, '2026-01-01')"))
        connection.execute(text("INSERT INTO strategy (id, organisation_id, title, start_year, horizon, vision, "
                                "mission, \"values\", owner, created_at, updated_at) VALUES (1, 1, 'Plan', 2026, 5, "
                                "'', '', '', '', '2026-01-01', '2026-01-01')"))
        connection.execute(text("INSERT INTO area (id, organisation_id, strategy_id, code, name, position) "
                                "VALUES (1, 1, 1, 'MED', 'Medicine', 0)"))
    upgrade(url)
    with engine_for(url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM area")).scalar() == 1
        assert connection.execute(text("SELECT status FROM strategy")).scalar() == "draft"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
