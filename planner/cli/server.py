"""Running the planner: the development server and the task worker."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

import click

from planner import create_app
from planner.cli.common import fail
from planner.config import ConfigError
from planner.permissions import allowed
from planner.queue import run_worker
from planner.services.demo import demo_logins


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="Default: PORT, or 5000.")
@click.option("--worker/--no-worker", default=False, show_default=True,
              help="Run a task worker (`planner worker`) beside the server, stopped with it.")
def serve(host: str, port: int | None, worker: bool) -> None:
    """Run the development server (use gunicorn in production)."""
    port = port or int(os.environ.get("PORT", 5000))
    try:
        app = create_app()
    except ConfigError as exc:
        fail(str(exc))
    click.echo(f"\n  Collective Leadership Strategy Planner: http://{host}:{port}/")
    try:
        email, password, _role = next(
            (e, p, r) for e, p, r in demo_logins() if allowed(r, "members.manage")
        )
        click.echo(f"  Demo sign-in: {email} / {password}  (other roles: see data/demo/organisation.json)\n")
    except (OSError, StopIteration):
        pass  # no demo file, or no demo administrator: there is no sign-in to suggest
    consumer = None
    if worker and not app.config["TASKS_IMMEDIATE"]:
        # A process of its own, told to stop if this one goes away without stopping it (killed outright). In a
        # session of its own, so Ctrl-C at the terminal reaches only the server, which then stops the worker
        # once (a second SIGINT would cut off the job in hand).
        consumer = subprocess.Popen([sys.executable, "-m", "planner.cli", "worker", "--stop-with-parent"],
                                    start_new_session=True)
        click.echo(f"  Task worker started (process {consumer.pid}); it stops with the server.\n")
    try:
        app.run(host=host, port=port, debug=False, use_reloader=False)
    finally:
        if consumer is not None:
            stop_process(consumer)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a child process: SIGINT (it finishes the job in hand), then SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 5)):
        if process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
    process.kill()
    process.wait()


@click.command("worker")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True,
              help="How many jobs this process runs at once (threads).")
@click.option("--stop-with-parent", is_flag=True, hidden=True,
              help="Stop when the process that started this one ends (planner serve --worker).")
def worker_command(workers: int, stop_with_parent: bool) -> None:
    """Run the task worker: it takes jobs (big imports, board paper PDFs) from the queue until stopped.

    Ctrl-C (SIGINT) stops it once the jobs in hand are done; SIGTERM stops it at once (a job cut off that
    way is shown as failed after 6 hours; start it again)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        app = create_app()
    except ConfigError as exc:
        fail(str(exc))
    if stop_with_parent:
        _stop_with_parent()
    try:
        run_worker(app, workers=workers)
    except ConfigError as exc:
        fail(str(exc))


def _stop_with_parent() -> None:
    """Send this process SIGTERM when its parent ends (it is then adopted, so its parent's id changes)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True, name="stop-with-parent").start()


COMMANDS = (serve, worker_command)
