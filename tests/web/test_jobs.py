"""Long work off the request: a big staff import started on the page returns at once and its job page
shows a real worker's progress to completion; a failing job says why and stores nothing; a job, its
JSON and its file are nobody else's; the board paper's PDF is made by a job (LibreOffice, read back)."""

from __future__ import annotations

import csv
import io
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from planner.db import engine_for
from planner.exports import chart_files
from planner.models import Job, JobFile, StaffImport, Strategy
from planner.queue import queue_of
from planner.services import board_paper, jobs
from tests import factories
from tests.conftest import login

HEADER = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability", "Age"]
ROWS = 200_000
WAIT_SECONDS = 120  # a bound on waiting for the worker, never an assertion about speed


def extract(rows: int, header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for i in range(rows):
        writer.writerow([str(100000 + i), "WARD", "Band 7" if i % 10 == 0 else "Band 5", "Y" if i % 10 == 0 else "N",
                         "1.0", "A", "Female" if i % 2 else "Male", "No", "40"])
    return out.getvalue().encode()


@pytest.fixture
def ward(db: Session, strategy: Strategy) -> Strategy:
    factories.make_area(db, strategy, "WARD", "Wards")
    return strategy


def post_extract(client: FlaskClient, strategy: Strategy, data: bytes):  # type: ignore[no-untyped-def]
    # The multipart body is written out here: the test client would spool a big one to a temporary file that
    # it never closes.
    boundary = "planner-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="extract"; filename="staff.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(f"/strategies/{strategy.id}/baseline/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def count(database_url: str, model: Any, *where: Any) -> int:
    with Session(engine_for(database_url)) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


@pytest.fixture
def queued(app: Flask, tmp_path) -> Flask:  # type: ignore[no-untyped-def]
    """The app with a real queue (a SQLite file), whose jobs wait for a worker."""
    app.config["TASKS_IMMEDIATE"] = False
    app.config["TASKS_DATABASE"] = str(tmp_path / "tasks.db")
    return app


@pytest.fixture
def start_worker(queued: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Start a real Huey consumer (one worker thread) on the app's queue; stopped after the test."""
    consumers: list[Any] = []

    def start() -> None:
        consumer = queue_of(queued).huey.create_consumer(workers=1, worker_type="thread", periodic=False,
                                                         initial_delay=0.05, max_delay=0.2)
        monkeypatch.setattr(consumer, "_set_signal_handlers", lambda: None)  # pytest keeps its own
        consumer.start()
        consumers.append(consumer)

    yield start
    for consumer in consumers:
        consumer.stop(graceful=True)


def wait_for(client: FlaskClient, job_url: str, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        state = client.get(f"{job_url}.json").get_json()
        if done(state):
            return state
        assert time.monotonic() < deadline, f"the job did not get there: {state}"
        time.sleep(0.1)


def test_a_big_import_returns_at_once_and_a_worker_shows_its_progress_to_completion(
        queued: Flask, client: FlaskClient, database_url: str, ward: Strategy, signed_in,
        start_worker, monkeypatch: pytest.MonkeyPatch) -> None:
    signed_in("planner")
    started = post_extract(client, ward, extract(ROWS))
    # At once: to the job's page, not the counts (no worker has touched it yet).
    assert started.status_code == 303
    job_url = started.headers["Location"]
    assert re.fullmatch(r"/jobs/\d+", job_url)
    waiting = client.get(job_url)
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 200 and "Waiting to start." in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'aria-live="polite"' in page and "/static/js/jobs.js" in page
    assert "preview-counts" not in page and count(database_url, StaffImport) == 0
    assert client.get(f"{job_url}.json").get_json()["status"] == "queued"

    # The worker's first report of progress holds it until the page has been looked at.
    reported, go = threading.Event(), threading.Event()
    real_set_state = jobs.set_state

    def stepping(engine: Any, job_id: int, **values: Any) -> None:
        real_set_state(engine, job_id, **values)
        if set(values) == {"done"} and not reported.is_set():
            reported.set()
            go.wait(WAIT_SECONDS)

    monkeypatch.setattr(jobs, "set_state", stepping)
    start_worker()
    assert reported.wait(WAIT_SECONDS), "the worker reported no progress"
    running = client.get(job_url).get_data(as_text=True)
    state = client.get(f"{job_url}.json").get_json()
    assert state["status"] == "running" and 0 < state["done"] < ROWS and state["total"] == ROWS
    shown = f"{state['done']:,} of {ROWS:,} rows read ({state['done'] * 100 // ROWS}%)."
    assert state["text"] == shown and shown in running
    assert re.search(rf'<progress id="job-progress"[^>]* max="100" value="{state["percent"]}"', running)
    go.set()

    finished = wait_for(client, job_url, lambda s: s["status"] in ("done", "failed"))
    assert finished["status"] == "done", finished
    assert finished["text"] == f"Done: {ROWS:,} rows read." and finished["percent"] == 100
    done_page = client.get(job_url).get_data(as_text=True)
    assert "refresh" not in done_page and finished["result_url"] in done_page
    preview = client.get(finished["result_url"])
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert re.search(r"Rows read\s*</dt>\s*<dd[^>]*>200,000<", text) and "/confirm" in text
    assert count(database_url, JobFile) == 0  # the upload was deleted as the worker read it


@pytest.mark.parametrize(("header", "rows", "said"), [
    (HEADER[:2], 5, "The file has no 'Pay Band' column (or a column mapped to it)."),
    (HEADER, 0, "The file has column headings but no rows of staff."),
], ids=["no pay band column", "no rows"])
def test_a_failing_job_says_why_and_stores_nothing(client: FlaskClient, database_url: str, ward: Strategy, signed_in,
                                                   header: list[str], rows: int, said: str) -> None:
    signed_in("planner")
    data = extract(rows, header) if rows else ",".join(header).encode() + b"\r\n"
    if header == HEADER[:2]:
        data = b"Assignment Number,Area\r\n" + b"1,WARD\r\n" * rows
    started = post_extract(client, ward, data)
    assert started.status_code == 303
    state = client.get(started.headers["Location"] + ".json").get_json()
    assert state["status"] == "failed" and state["message"] == said and state["result_url"] is None
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "<title>Error: " in page and said.replace("'", "&#39;") in page
    assert count(database_url, StaffImport) == 0 and count(database_url, JobFile) == 0


def test_a_file_with_problems_fails_with_each_problem_shown_and_no_counts_kept(
        client: FlaskClient, database_url: str, ward: Strategy, signed_in) -> None:
    signed_in("planner")
    data = extract(3) + b"9,NOWHERE,Band 5,N,1.0,A,Male,No,40\r\n"
    started = post_extract(client, ward, data)
    state = client.get(started.headers["Location"] + ".json").get_json()
    assert state["status"] == "failed"
    assert state["message"].startswith("Nothing was stored: the file has 1 problem.")
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "&#39;NOWHERE&#39; is not the code or name of an area in the structure." in page
    assert "Nothing has been stored." in page and "/confirm" not in page
    assert count(database_url, StaffImport) == 0
    with Session(engine_for(database_url)) as session:
        job = session.exec(select(Job)).one()
        assert "leaders" not in job.detail and "diversity" not in job.detail  # the problem report only


def test_a_job_is_its_starters_only(app: Flask, db: Session, org, ward: Strategy, database_url: str) -> None:
    mine = app.test_client()
    me = factories.make_member(db, org, role="planner")
    login(mine, me.email)
    job_url = post_extract(mine, ward, extract(3)).headers["Location"]
    assert mine.get(f"{job_url}.json").get_json()["status"] == "done"
    with Session(engine_for(database_url)) as session:  # a PDF kept with another job of mine
        job = session.exec(select(Job)).one()
        session.add(JobFile(job_id=job.id, role="result", name="x.pdf", media_type="application/pdf",  # type: ignore[arg-type]
                            data=b"%PDF-1.7"))
        job.result_ref = "file"
        session.add(job)
        session.commit()
    assert mine.get(f"{job_url}/result").data == b"%PDF-1.7"
    assert f"{job_url}/result" in mine.get(job_url).get_data(as_text=True)

    other = factories.make_org(db, slug="south", name="South Trust")
    for person in (factories.make_member(db, other, role="admin"), factories.make_member(db, org, role="admin")):
        theirs = app.test_client()
        login(theirs, person.email)
        for path in (job_url, f"{job_url}.json", f"{job_url}/result"):
            assert theirs.get(path).status_code == 404, (person.email, path)


def test_a_viewer_cannot_start_an_import_job(client: FlaskClient, database_url: str, ward: Strategy,
                                             signed_in) -> None:
    signed_in("viewer")
    assert post_extract(client, ward, extract(3)).status_code == 403
    assert count(database_url, Job) == 0


def test_files_are_kept_for_a_day_and_a_job_that_cannot_finish_is_failed(db: Session, ward: Strategy,
                                                                         database_url: str) -> None:
    from datetime import timedelta

    from planner.models import utcnow

    old = jobs.start(session=db, strategy=ward, kind="board_paper_pdf", unit="steps done", actor=None,
                     upload=b"old bytes", filename="old.csv")
    stuck = jobs.start(session=db, strategy=ward, kind="board_paper_pdf", unit="steps done", actor=None)
    old.created_at = utcnow() - jobs.RESULT_LIFETIME - timedelta(minutes=1)
    stuck.created_at = utcnow() - jobs.STALE_AFTER - timedelta(minutes=1)
    db.add(old)
    db.add(stuck)
    db.commit()
    fresh = jobs.start(session=db, strategy=ward, kind="board_paper_pdf", unit="steps done", actor=None,
                       upload=b"new bytes", filename="new.csv")
    with Session(engine_for(database_url)) as session:
        assert [f.job_id for f in session.exec(select(JobFile))] == [fresh.id]
        failed = session.get(Job, stuck.id)
        assert failed is not None and failed.status == "failed" and failed.message == jobs.STALE


def test_the_board_papers_pdf_is_made_by_a_job_and_reads_back(client: FlaskClient, signed_in, db: Session,
                                                             org, monkeypatch: pytest.MonkeyPatch) -> None:
    from pdfminer.high_level import extract_text

    if board_paper.find_soffice() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice not found (.ci/run installs it)")
        pytest.skip("LibreOffice not found")
    monkeypatch.setattr(chart_files, "find_browser", lambda: None)  # a note for each chart: no Chromium here
    strategy = factories.make_strategy(db, org, title="Our Paper Strategy")
    signed_in("viewer")
    started = client.post(f"/strategies/{strategy.id}/paper.pdf")
    assert started.status_code == 303
    state = client.get(started.headers["Location"] + ".json").get_json()
    assert state["status"] == "done", state
    pdf = client.get(state["result_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].endswith('.pdf"')
    text = "".join(extract_text(io.BytesIO(pdf.data)).split())
    assert "OurPaperStrategy" in text


def test_a_pdf_past_its_lifetime_is_gone_and_its_page_says_so(client: FlaskClient, signed_in, db: Session,
                                                              ward: Strategy, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from planner.models import utcnow

    monkeypatch.setattr(board_paper, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(board_paper, "docx_to_pdf", lambda docx: b"%PDF-1.7 a paper")
    monkeypatch.setattr(chart_files, "find_browser", lambda: None)
    signed_in("viewer")
    job_url = client.post(f"/strategies/{ward.id}/paper.pdf").headers["Location"]
    assert client.get(f"{job_url}/result").data == b"%PDF-1.7 a paper"
    job = db.exec(select(Job)).one()
    job.created_at = utcnow() - jobs.RESULT_LIFETIME - timedelta(seconds=1)
    db.add(job)
    db.commit()
    assert client.get(f"{job_url}/result").status_code == 404
    state = client.get(f"{job_url}.json").get_json()
    assert state["result_url"] is None and "has been deleted: make it again." in state["text"]

