"""Organisations, the people who sign in, their roles, API tokens and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import OrganisationRow, Row, belongs_to, by_user, long_text, utcnow


class Organisation(Row, table=True):
    slug: str = Field(max_length=63, unique=True, index=True)
    name: str = Field(max_length=200)
    # A trust (or any organisation with strategies of its own), or a system: an integrated care system
    # or other partnership whose members share chosen approved versions with it (docs/systems.md).
    kind: str = Field(default="trust", max_length=20, sa_column_kwargs={"server_default": "trust"})
    created_at: datetime = Field(default_factory=utcnow)
    # Diversity counts from 1 to this are withheld (the NHS Digital rule is 7; 3 to 10 allowed).
    suppression_threshold: int = Field(default=7, sa_column_kwargs={"server_default": "7"})
    # Levels whose composition is public anyway, so never suppressed: comma-separated level keys
    # (planner.diversity.disclosure).
    public_levels: str = Field(default="board", max_length=500, sa_column_kwargs={"server_default": "board"})
    # RAG of objectives: progress against the share of time elapsed; below these ratios, amber / red.
    rag_amber_below: float = Field(default=0.9, sa_column_kwargs={"server_default": "0.9"})
    rag_red_below: float = Field(default=0.7, sa_column_kwargs={"server_default": "0.7"})


class User(Row, table=True):
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    # Kept in the signed session cookie at sign-in; bumping it (sign-out, a new password, a change of
    # role, removal) ends every session of the person at once (planner/security.py).
    session_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    # Flask-Login's interface, written out because UserMixin's attributes clash with fields.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Membership(OrganisationRow, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)
    user_id: int = belongs_to("user")
    role: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(OrganisationRow, table=True):
    user_id: int = belongs_to("user")
    name: str = Field(max_length=100)
    # Only a SHA-256 of the token is kept; the first characters help people tell tokens apart.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class LoginAttempt(Row, table=True):
    email: str = Field(max_length=254, index=True)
    # A keyed hash of the address: enough to throttle, not enough to identify anyone.
    client_hash: str = Field(max_length=64, index=True)
    succeeded: bool = False
    at: datetime = Field(default_factory=utcnow, index=True)


class AuditEvent(Row, table=True):
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True,
                                        ondelete="CASCADE")
    user_id: int | None = by_user()
    at: datetime = Field(default_factory=utcnow, index=True)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    changes: str = long_text("{}")
