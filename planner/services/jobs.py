"""Jobs: long work run by the task queue (planner.queue, planner.tasks), kept as a row every web
process and worker reads, so a page shows the worker's progress whichever process serves it.

A job's files live in the database (JobFile), so a worker on another machine reaches them: the
uploaded extract only until the worker has read it (it is deleted in the same step), the PDF it
makes for RESULT_LIFETIME. Starting a job is recorded in the audit trail; its progress and outcome
are the queue's bookkeeping (what the job changes is recorded by the service it runs)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from planner.models import Job, JobFile, Organisation, Strategy, User, utcnow
from planner.services.audit import record

RESULT_LIFETIME = timedelta(hours=24)  # a job's PDF, its problem report and any upload never read
RESULT_LIFETIME_WORDS = "24 hours"
# A job still queued or running after this never will finish (its worker was stopped or lost): failed.
STALE_AFTER = timedelta(hours=6)
KEPT_FOR = timedelta(days=30)  # then the job's row goes too
STALE = "The job did not finish: the server's task worker stopped while it waited or ran. Start it again."

STATUSES = ("queued", "running", "done", "failed")


def expire_old(session: Session) -> None:
    """Drop files past RESULT_LIFETIME, fail jobs that can no longer finish, delete rows past KEPT_FOR.
    Added to the caller's transaction."""
    now = utcnow()
    old_ids = select(Job.id).where(col(Job.created_at) < now - RESULT_LIFETIME)
    session.exec(delete(JobFile).where(col(JobFile.job_id).in_(old_ids)))
    session.exec(update(Job).where(col(Job.created_at) < now - RESULT_LIFETIME)
                 .where(col(Job.detail) != "{}").values(detail="{}"))
    session.exec(update(Job).where(col(Job.created_at) < now - STALE_AFTER)
                 .where(col(Job.status).in_(("queued", "running")))
                 .values(status="failed", message=STALE, finished_at=now))
    session.exec(delete(Job).where(col(Job.created_at) < now - KEPT_FOR))


def start(
    *, session: Session, strategy: Strategy | None, kind: str, unit: str, actor: User | None, total: int | None = None,
    options: dict[str, Any] | None = None, upload: bytes | None = None, filename: str = "",
    system: Organisation | None = None,
) -> Job:
    """A queued job (with the uploaded file it is to read, if any), committed so a worker can take it: a
    strategy's, or with strategy None a system's own (the system paper's PDF)."""
    if strategy is not None:
        organisation_id: int = strategy.organisation_id
    else:
        assert system is not None  # a job belongs to a strategy or to a system
        organisation_id = system.id
    _overwrite_deleted(session)
    expire_old(session)
    job = Job(organisation_id=organisation_id, strategy_id=strategy.id if strategy else None,
              kind=kind, unit=unit, total=total, options=json.dumps(options or {}),
              created_by=actor.id if actor else None)
    session.add(job)
    session.flush()
    if upload is not None:
        session.add(JobFile(job_id=job.id, role="upload", name=filename[:200], data=upload))
    changes: dict[str, Any] = {"kind": kind}
    if filename:
        changes["file"] = filename[:200]
    record(session, action="start", entity="job", entity_id=job.id, organisation_id=organisation_id,
           user_id=actor.id if actor else None, changes=changes)
    session.commit()
    return job


def set_state(engine: Engine, job_id: int, **values: Any) -> None:
    """Change a job's row in a transaction of its own (progress is seen at once by every page)."""
    if values.get("status") in ("done", "failed"):
        values.setdefault("finished_at", utcnow())
    if "message" in values:
        values["message"] = str(values["message"])[:500]
    with Session(engine) as session:
        session.exec(update(Job).where(col(Job.id) == job_id).values(**values))
        session.commit()


def _overwrite_deleted(session: Session) -> None:
    """On SQLite, have deleted rows overwritten with zeros, so a deleted upload's bytes do not linger in the
    file's free pages (PostgreSQL's vacuum reclaims them in its own time)."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete=ON")


def take_upload(session: Session, job: Job) -> tuple[bytes, str] | None:
    """The job's uploaded file and its name, deleted from the database in the same step (None: gone)."""
    found = session.exec(select(JobFile).where(JobFile.job_id == job.id, JobFile.role == "upload")).first()
    if found is None:
        return None
    data, name = found.data, found.name
    _overwrite_deleted(session)
    session.delete(found)
    session.commit()
    return data, name


def sweep(engine: Engine) -> None:
    """expire_old in a transaction of its own (the worker, after each job and when it starts)."""
    with Session(engine) as session:
        _overwrite_deleted(session)
        expire_old(session)
        session.commit()


def keep_result(session: Session, job: Job, *, data: bytes, name: str, media_type: str) -> None:
    """Keep the file a job made, and mark the job done, in one transaction."""
    session.add(JobFile(job_id=job.id, role="result", name=name[:200], media_type=media_type[:100],
                        data=data))
    job.status, job.result_ref, job.finished_at = "done", "file", utcnow()
    job.done = job.total or job.done
    session.add(job)
    session.commit()


def result_file(session: Session, job: Job) -> JobFile | None:
    """The file a finished job made, while it is kept."""
    if job.status != "done" or job.result_ref != "file" or utcnow() - job.created_at > RESULT_LIFETIME:
        return None
    return session.exec(select(JobFile).where(JobFile.job_id == job.id, JobFile.role == "result")).first()


def percent(job: Job) -> int | None:
    """How far the job has gone, from 0 to 100, where its total is known."""
    if job.status == "done":
        return 100
    if not job.total:
        return None
    return min(99, job.done * 100 // job.total)


def progress_text(job: Job) -> str:
    """'12,000 of 200,000 rows read (6%)', in words a screen reader says well."""
    if job.status == "queued":
        return "Waiting to start."
    if job.status == "failed":
        return "The job failed."
    total = max(job.total or 0, job.done)
    if job.status == "done":
        # "Done: 200,000 rows read."; a count of steps says nothing once they are all done.
        return f"Done: {job.done:,} {job.unit}." if job.done and not job.unit.startswith("steps") else "Done."
    if total:
        return f"{job.done:,} of {total:,} {job.unit} ({percent(job)}%)."
    return f"{job.done:,} {job.unit}." if job.done else "Started."


def options_of(job: Job) -> dict[str, Any]:
    """What the job was started with."""
    found: dict[str, Any] = json.loads(job.options or "{}")
    return found


def detail_of(job: Job) -> dict[str, Any]:
    """A failed import's problem report (empty once expired, or for other jobs)."""
    found: dict[str, Any] = json.loads(job.detail or "{}")
    return found
