"""The app's own bookkeeping: rate-limit counters, write revisions, kept derived results and the task
queue's jobs and their files."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from planner.models.base import OrganisationRow, Row, belongs_to, by_user, long_text, utcnow


class RateLimitCounter(SQLModel, table=True):
    """One rate limit's hits in its current window, shared by every web process (planner.ratelimit_store).
    The key is a SHA-256 of the limit and of keyed hashes of who is limited: no address or link is kept."""

    key: str = Field(primary_key=True, max_length=64)
    hits: int = 0
    # Seconds since the epoch when the window ends; a row past it counts as empty and is purged.
    expires_at: float = Field(index=True)


class Revision(SQLModel, table=True):
    """How many writes a scope has seen (`strategy:ID`, `organisation:ID` or `all`): the key that
    derived results are kept under (planner.revisions), moved in each write's own transaction."""

    scope: str = Field(primary_key=True, max_length=40)
    value: int = 0


class DerivedResult(SQLModel, table=True):
    """A result worked out from a strategy's data (a forecast, the completeness check...), kept under
    its revisions so any worker can reuse it until the data changes (planner.services.derived).
    The value is compressed and signed with the secret key; a row that fails its check is ignored."""

    key: str = Field(primary_key=True, max_length=64)  # SHA-256 of the kind, the parts and the revisions
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Job(OrganisationRow, table=True):
    """A piece of long work run by the task queue (planner.queue): what it is, how far it has gone
    ("12,000 of 200,000 rows read") and what it made. Every worker and web process reads the same row,
    so the progress shown is the worker's, whichever process serves the page."""

    # The strategy it works on; None for a system's job (the system paper's PDF), which is the system's own.
    strategy_id: int | None = Field(default=None, foreign_key="strategy.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)  # staff_import, board_paper_pdf, system_paper_pdf
    status: str = Field(default="queued", max_length=10)  # queued, running, done, failed
    done: int = 0
    total: int | None = None
    unit: str = Field(default="", max_length=30)  # "rows read", "pages written"
    message: str = Field(default="", max_length=500)  # why it failed, in plain words
    result_ref: str = Field(default="", max_length=100)  # "staff_import:12", or "file" (a JobFile)
    # What the job needs (the upload's name and options, the paper's scenario and audience): JSON, no rows.
    options: str = long_text("{}")
    # A staff import that could not be imported: its problem report (rows, columns, kinds), no counts.
    detail: str = long_text("{}")
    created_by: int | None = by_user()
    created_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None


class JobFile(Row, table=True):
    """A file a job reads (the uploaded extract, deleted the moment the worker has read it) or makes
    (the PDF, kept for RESULT_LIFETIME). Kept in the database, so every worker and web process on every
    machine reaches it, and it goes with its job."""

    job_id: int = belongs_to("job")
    role: str = Field(max_length=10)  # upload, result
    name: str = Field(default="", max_length=200)
    media_type: str = Field(default="", max_length=100)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
