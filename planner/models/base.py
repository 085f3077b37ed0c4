"""What the tables share: the time rows are stamped with, optimistic locking for rows edited in forms,
and the columns most tables carry (their id, their organisation's and strategy's ids, long text, links to
a parent row or to a user).

The shared columns are fields of plain (non-table) SQLModel classes: SQLModel makes each table its own
columns from them, so every table's schema is what it was when each wrote them out (the migration test
holds them to it). The row classes come first among a table's bases and `Versioned` after them, so the
fields keep their order (version, id, organisation_id, strategy_id, then the table's own)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (SQLModel stores and returns datetimes in UTC)."""
    return datetime.now(UTC)


def belongs_to(table: str) -> Any:
    """A required link to the parent row in `table`, indexed, that goes when the parent is deleted."""
    return Field(foreign_key=f"{table}.id", index=True, ondelete="CASCADE")


def by_user() -> Any:
    """Who did something: a user, or None once that user's account is deleted."""
    return Field(default=None, foreign_key="user.id", ondelete="SET NULL")


def long_text(default: str = "") -> Any:
    """Text of any length, never NULL: `default` (in the database too) when not given."""
    return Field(default=default, sa_column=Column(Text, nullable=False, default=default))


def optional_text() -> Any:
    """Text of any length that may be NULL (not yet set)."""
    return Field(default=None, sa_column=Column(Text, nullable=True))


class Versioned(SQLModel):
    """A record people edit in forms: SQLAlchemy adds one to `version` on every update and refuses
    (StaleDataError) an update whose row changed since it was read, so no save silently reverts
    another (docs/editing.md)."""

    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 (a class-level directive)
        # SQLModel gives a table class its __table__ at class creation, which its type stubs do not declare.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Row(SQLModel):
    """A table whose rows are numbered."""

    id: int = Field(default=None, primary_key=True)


class OrganisationRow(Row):
    """A tenant table: every row is one organisation's, and goes with it (planner/web/tenancy.py scopes by it)."""

    organisation_id: int = belongs_to("organisation")


class StrategyRow(OrganisationRow):
    """A row of one strategy of an organisation, that goes with the strategy."""

    strategy_id: int = belongs_to("strategy")
