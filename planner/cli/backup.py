"""Backing up the database while the app runs, and restoring a backup into an empty database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from planner.backup import BackupError, BackupReport, backup, restore
from planner.cli.common import database_url, fail


def _run(step: Callable[[str, Path], BackupReport], path: str, cannot: str) -> BackupReport:
    """Back up to or restore from `path` on the command's database; exit 2 saying why when it cannot."""
    try:
        return step(database_url(), Path(path))
    except BackupError as exc:
        fail(str(exc), code=2)
    except OSError as exc:
        fail(f"{cannot} {path}: {exc.strerror or exc}", code=2)


@click.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The backup file to write (it must not exist yet).")
def backup_command(output: str) -> None:
    """Back up the SQLite database while the app runs (PostgreSQL: prints the pg_dump command to use)."""
    report = _run(backup, output, "cannot write")
    click.echo(f"Backed up the database to {report.path} ({report.size / 1048576:.1f} MB, {report.rows} rows, "
               f"schema revision {report.revision or 'none'}); integrity check: {report.integrity}.")


@click.command("restore")
@click.argument("backup_file", metavar="FILE", type=click.Path(dir_okay=False))
def restore_command(backup_file: str) -> None:
    """Restore a `planner backup` FILE into an empty database (DATABASE_URL), then migrate it to the latest schema."""
    report = _run(restore, backup_file, "cannot restore")
    click.echo(f"Restored {backup_file} into {report.path} ({report.rows} rows); the database is at schema "
               f"revision {report.revision}.")


COMMANDS = (backup_command, restore_command)
