"""What every command shares: the database and password settings, the session, the one refusal boundary,
error lines, progress bars, reading a file and reporting its problems, the import commands' flow, and
writing a file whole."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, Protocol, TypeVar

import click

from planner.config import PASSWORD_HASH_METHOD, default_database_url
from planner.db import current_revision, engine_for
from planner.services import ServiceError
from planner.services.lookup import Session, command_session
from planner.services.uploads import ImportRefused, RowProblem

Owner = TypeVar("Owner")
Stored = TypeVar("Stored")


class ReadResult(Protocol):
    """What an importer's reading of a file says about its problems."""

    @property
    def problem_totals(self) -> Mapping[str, int]: ...

    @property
    def problems(self) -> Sequence[RowProblem]: ...

    @property
    def importable(self) -> bool: ...


Result = TypeVar("Result", bound=ReadResult)


def database_url() -> str:
    """The database the command works on: DATABASE_URL, or the SQLite file under data/."""
    return os.environ.get("DATABASE_URL") or default_database_url()


def hash_method() -> str:
    """The password hash the command uses (the same setting as the app's)."""
    return os.environ.get("PLANNER_PASSWORD_HASH_METHOD", PASSWORD_HASH_METHOD)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error to standard error and exit non-zero."""
    click.echo(f"planner: error: {message}", err=True)
    sys.exit(code)


@contextmanager
def db_session() -> Iterator[Session]:
    """A session on the command's database, which must already be at the latest schema. Leaving it without a
    commit (a refusal's exit included) rolls back what the command changed."""
    url = database_url()
    if current_revision(url) is None:
        fail("the database has no tables yet: run `planner init-db` first")
    with command_session(engine_for(url)) as session:
        yield session


@contextmanager
def refusals(*, code: int = 2, file: str | None = None, nothing_stored: bool = False,
             then: Callable[[], None] | None = None) -> Iterator[None]:
    """The command line's one refusal boundary: a service's refusal (ServiceError, NotFound) or a file the
    importers cannot read (ImportRefused) ends the command with its message on standard error and exit status
    `code`, after `then` (ending a progress bar, say). `file` names the file the message is about;
    `nothing_stored` says that nothing was stored. The command's session is left uncommitted, so nothing is."""
    try:
        yield
    except (ServiceError, ImportRefused) as exc:
        if then is not None:
            then()
        message = f"{file}: {exc.message}" if file else exc.message
        fail(f"{message} Nothing was stored." if nothing_stored else message, code=code)


def progress_bar(total: int | None, unit: str) -> Callable[[int], None] | None:
    """A progress bar on standard error, redrawn in place, when it is a terminal (None otherwise, so a log
    or a pipe gets only the result)."""
    stream = sys.stderr
    if not stream.isatty():
        return None

    def draw(done: int) -> None:
        whole = max(total or 0, done)
        if whole:
            share = done / whole
            bar = "#" * int(share * 30)
            stream.write(f"\r[{bar:<30}] {done:,} of {whole:,} {unit} ({int(share * 100)}%)")
        else:
            stream.write(f"\r{done:,} {unit}")
        stream.flush()

    return draw


def end_progress(draw: Callable[[int], None] | None) -> None:
    """End the progress bar's line, so what follows starts on a line of its own."""
    if draw is not None:
        click.echo("", err=True)


def read_file(path: str) -> bytes:
    """The bytes of a file named on the command line; exit 2 when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}", code=2)


def plural(count: int) -> str:
    """The plural ending for `count` things."""
    return "s" if count != 1 else ""


def report_problems(path: str, result: ReadResult, *, stored: str = "; nothing was stored",
                    more: bool = False) -> None:
    """Print a file's problems on standard error: their totals by kind, then each one the reader kept, and with
    `more` how many it did not."""
    totals = result.problem_totals
    total = sum(totals.values())
    if not total:
        return
    click.echo(f"{path}: {total:,} problem{plural(total)} "
               f"({', '.join(f'{k}: {n:,}' for k, n in totals.items())}){stored}", err=True)
    for problem in result.problems:
        click.echo(f"  row {problem.row}, {problem.column}: {problem.message}", err=True)
    if more and total > len(result.problems):
        click.echo(f"  ... and {total - len(result.problems):,} more", err=True)


def import_into(path: str, find: Callable[[Session], Owner],
                read: Callable[[Session, Owner, bytes, str], Result],
                store: Callable[[Session, Owner, Result, str], Stored], *,
                more: bool = False, store_refusal_names_file: bool = False,
                after_file: Callable[[], None] | None = None) -> tuple[Result, Stored]:
    """The import commands' one flow. Read the file (exit 2 if it cannot be) and run `after_file`, find what
    it goes into, read it against that (a file the reader refuses stores nothing), print its problems and exit 2
    unless it can be imported, then store it. The reader and the store are given the file's base name."""
    data = read_file(path)
    if after_file is not None:
        after_file()
    name = os.path.basename(path)
    with db_session() as session:
        with refusals():
            owner = find(session)
        with refusals(file=path, nothing_stored=True):
            result = read(session, owner, data, name)
        del data  # the counts are kept, and a large file need not stay in memory while they are stored
        report_problems(path, result, more=more)
        if not result.importable:
            sys.exit(2)
        with refusals(file=path if store_refusal_names_file else None, nothing_stored=store_refusal_names_file):
            stored = store(session, owner, result, name)
    return result, stored


def write_whole(target: Path, data: bytes) -> None:
    """Write beside the target, then rename, so a failure never leaves half a file behind."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(f"cannot write {target}: {exc.strerror or exc}", code=1)
