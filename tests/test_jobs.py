"""The task queue's settings (SQLite beside the database, PLANNER_TASKS_DATABASE, Redis only with its
package), the reader's progress reports, and the command line's worker and progress bar."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import create_app
from planner.cli import main, progress_bar
from planner.config import DATA_DIR, ConfigError
from planner.imports import read_staff_extract
from planner.imports.files import BATCH
from planner.imports.staff import PROGRESS_EVERY
from planner.queue import REDIS_MISSING, make_huey, tasks_database
from planner.services.staff_import import estimate_rows


def _extract(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Area", "Pay Band"])
    for i in range(rows):
        writer.writerow(["WARD", "Band 5"] if i % 7 else ["", ""])  # every seventh row blank: not counted
    return out.getvalue().encode()


def test_the_reader_reports_rows_read_every_5000_lines_and_counts_the_same() -> None:
    data = _extract(12_345)
    calls: list[int] = []
    kwargs = {"areas": {"WARD": "WARD"}, "band_levels": {}, "as_at": date(2026, 3, 31)}
    reported = read_staff_extract(data, "staff.csv", progress=calls.append, **kwargs)  # type: ignore[arg-type]
    silent = read_staff_extract(data, "staff.csv", **kwargs)  # type: ignore[arg-type]
    assert reported == silent
    # Rows are read a batch at a time: a report comes at the end of the batch that passes each 5,000 rows.
    assert len(calls) == reported.rows_read // PROGRESS_EVERY == 2
    assert all(0 <= calls[k] - (k + 1) * PROGRESS_EVERY < BATCH for k in range(len(calls)))
    assert estimate_rows(data, "csv") == 12_345 and estimate_rows(b"PK...", "xlsx") is None


def test_the_queue_sits_beside_a_sqlite_database_unless_told_otherwise(tmp_path: Path) -> None:
    assert tasks_database({"DATABASE_URL": f"sqlite:///{tmp_path}/planner.db"}) == tmp_path / "tasks.db"
    assert tasks_database({"DATABASE_URL": "postgresql://db/planner"}) == DATA_DIR / "tasks.db"
    chosen = tmp_path / "elsewhere" / "queue.db"
    assert tasks_database({"DATABASE_URL": "sqlite:///x.db", "TASKS_DATABASE": str(chosen)}) == chosen
    huey = make_huey({"TASKS_DATABASE": str(chosen), "TASKS_IMMEDIATE": False})
    assert type(huey).__name__ == "SqliteHuey" and not huey.immediate and chosen.exists()
    assert make_huey({"TASKS_DATABASE": str(chosen), "TASKS_IMMEDIATE": True}).immediate


def test_redis_url_without_the_redis_package_stops_the_start_with_the_advice(tmp_path: Path) -> None:
    pytest.importorskip("huey")
    try:
        import redis  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("the redis package is installed")
    with pytest.raises(ConfigError) as raised:
        create_app({"PLANNER_ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/p.db", "REDIS_URL": "redis://localhost:6379/0"})
    assert str(raised.value) == REDIS_MISSING and "pip install 'redis" in REDIS_MISSING


def test_the_worker_refuses_when_jobs_run_inside_the_requests(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/p.db", "PLANNER_ENV": "development",
           "PLANNER_TASKS_IMMEDIATE": "on", "PLANNER_TASKS_DATABASE": str(tmp_path / "tasks.db")}
    done = CliRunner().invoke(main, ["worker"], env=env)
    assert done.exit_code == 1
    assert "PLANNER_TASKS_IMMEDIATE is on" in done.output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    draw = progress_bar(200_000, "rows read")
    assert draw is not None
    draw(12_000)
    assert terminal.getvalue() == "\r[#                             ] 12,000 of 200,000 rows read (6%)"
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert progress_bar(200_000, "rows read") is None  # a pipe or a log: the result only
