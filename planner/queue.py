"""The task queue: long work (a big staff import, the board paper's PDF) runs in a worker process, off
the request, while the page shows its progress (planner.services.jobs keeps the job's row).

Huey keeps the queue: in a SQLite file beside the database by default (one machine: `make run`
starts a worker beside the server), in Redis when REDIS_URL is set (workers on several machines
share it). The queue holds only a job's id; what the job reads and makes is in the database.
With TASKS_IMMEDIATE (the tests, or a deployment that runs no worker) each job runs inside the
request that starts it, as before the queue."""

from __future__ import annotations

import importlib.util
import logging
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import revisions
from planner.config import DATA_DIR, ConfigError
from planner.db import get_engine, get_session
from planner.services.jobs import sweep
from planner.services.warm import warm
from planner.tasks import run

if TYPE_CHECKING:
    from flask import Flask
    from huey import Huey
    from sqlalchemy.orm import Session as OrmSession

log = logging.getLogger(__name__)

EXTENSION = "planner_queue"
WARM_HOOK = "planner_warm_hook"
REDIS_MISSING = ("REDIS_URL is set, so the task queue and the kept results need the redis package, which is not "
                 "installed: pip install 'redis>=5,<9' (or unset REDIS_URL to keep both in the database and a "
                 "SQLite file)")


def check_settings(config: dict[str, Any] | Any) -> None:
    """Refuse to start (ConfigError) with a setting the queue cannot use: REDIS_URL without redis."""
    if str(config.get("REDIS_URL") or "").strip() and importlib.util.find_spec("redis") is None:
        raise ConfigError(REDIS_MISSING)


def tasks_database(config: dict[str, Any] | Any) -> Path:
    """The queue's SQLite file: PLANNER_TASKS_DATABASE, else tasks.db beside a SQLite database, else
    data/tasks.db."""
    chosen = str(config.get("TASKS_DATABASE") or "").strip()
    if chosen:
        return Path(chosen)
    url = str(config.get("DATABASE_URL") or "")
    if url.startswith("sqlite:///") and url.split("///", 1)[1] not in ("", ":memory:"):
        return Path(url.split("///", 1)[1]).parent / "tasks.db"
    return DATA_DIR / "tasks.db"


@dataclass
class Queue:
    """The app's Huey and the one task it runs: a job, by id."""

    huey: Huey
    run_job: Any  # huey's TaskWrapper: calling it enqueues
    warm_results: Any  # the same, for planner.services.warm: the owners a write moved

    def enqueue(self, job_id: int) -> None:
        """Put the job on the queue (or, immediate, run it now)."""
        self.run_job(job_id)


def make_huey(config: dict[str, Any] | Any) -> Huey:
    """A Huey on Redis (REDIS_URL) or on the SQLite file; immediate when TASKS_IMMEDIATE."""
    from huey import RedisHuey, SqliteHuey

    check_settings(config)
    immediate = bool(config.get("TASKS_IMMEDIATE"))
    redis_url = str(config.get("REDIS_URL") or "").strip()
    # results=False: nothing reads a task's return value (the job row says how it went), so none is kept.
    if redis_url:
        return RedisHuey("planner", url=redis_url, results=False, immediate=immediate)
    path = tasks_database(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("planner", filename=str(path), results=False, immediate=immediate)


def queue_of(app: Flask) -> Queue:
    """The app's queue, made on first use (so commands that start no job open no queue)."""
    # The app itself, not the current_app proxy: the task runs in a worker thread with no app context.
    app = getattr(app, "_get_current_object", lambda: app)()
    queue: Queue | None = app.extensions.get(EXTENSION)
    if queue is None:
        huey = make_huey(app.config)

        def run_job(job_id: int) -> None:
            # Each job in an app context of its own: its own database session, like a request's.
            with app.app_context():
                run(job_id)

        def warm_results(owners: list[str]) -> None:
            with app.app_context():
                warm(get_session(), frozenset(owners), today=date.today())

        # Registered by a call, not huey's (untyped) decorator, so run_job stays typed.
        queue = Queue(huey, huey.task(name="planner.run_job")(run_job),
                      huey.task(name="planner.warm_results")(warm_results))
        app.extensions[EXTENSION] = queue
    return queue


def init_app(app: Flask) -> None:
    """Check the queue's settings at start-up, so a wrong one stops the server, not the first job; with a
    worker and a shared store, have it work out the kept results after each write (planner.services.warm)."""
    check_settings(app.config)
    if (app.config.get("WARM_RESULTS") and not app.config.get("TASKS_IMMEDIATE")
            and str(app.config.get("DERIVED_RESULTS", "database")) != "off"):
        # The hooks are the process's: this one holds the app weakly (an app no longer used stops it) and
        # queues only for writes to the app's own database.
        held = weakref.ref(app)
        engine = get_engine(app)

        def after_write(session: OrmSession, owners: frozenset[str]) -> None:
            still = held()
            if still is None:
                revisions.off_commit(after_write)
                return
            if session.get_bind() is not engine:
                return
            try:
                queue_of(still).warm_results(sorted(owners))
            except Exception:  # noqa: BLE001 - the write is committed; a visit works out what is not kept
                log.exception("could not queue the results' warm-up after a write")

        revisions.on_commit(after_write)
        app.extensions[WARM_HOOK] = after_write  # so a test (or an app made again) can stop it: revisions.off_commit


def run_worker(app: Flask, *, workers: int = 1) -> None:
    """Run the consumer until it is stopped (SIGINT stops it once the job in hand is done; SIGTERM at once)."""
    queue = queue_of(app)
    if queue.huey.immediate:
        raise ConfigError("PLANNER_TASKS_IMMEDIATE is on, so jobs run inside the requests and a worker has "
                          "nothing to do: turn it off to use workers")
    with app.app_context():
        sweep(get_engine())  # what expired while no worker ran
    # Threads, not processes: the work is mostly LibreOffice's and the database's, and a thread shares the app.
    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=False)
    consumer.run()
