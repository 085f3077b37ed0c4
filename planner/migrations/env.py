"""Alembic environment: the URL comes from planner.db.alembic_config; batch mode for SQLite."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import planner.models  # noqa: F401  (registers the tables on the metadata)
from planner.db import engine_for

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    """Write SQL without a connection (alembic upgrade --sql)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply migrations over the project's own engine (so SQLite gets its pragmas)."""
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    with engine_for(url).connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
