"""What a worker does with a job (planner.queue runs `run` in an app context): the staff import's
reading and counting, the board paper and the system paper as PDFs, and every chart as image files. Each
reports its progress on the job's row and ends it done or failed; a failed job says why in plain words and
stores nothing else."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session

from planner.db import get_engine, get_session
from planner.exports import chart_files
from planner.exports.content import PackContent, kept_content
from planner.exports.image_slots import ImagesBusy
from planner.imports import ImportRefused
from planner.models import Job, Organisation, Scenario, Strategy, StrategyVersion, User
from planner.services import ServiceError, board_paper, jobs, system_pack
from planner.services import staff_import as service
from planner.services.board_pack import pack_content
from planner.services.chart_set import strategy_figures
from planner.services.lookup import organisation_of
from planner.services.versions import version_content

log = logging.getLogger(__name__)

STAFF_IMPORT = "staff_import"
BOARD_PAPER_PDF = "board_paper_pdf"
CHART_IMAGES = "chart_images"
SYSTEM_PAPER_PDF = "system_paper_pdf"
UNITS = {STAFF_IMPORT: "rows read", BOARD_PAPER_PDF: "steps done", CHART_IMAGES: "images drawn",
         SYSTEM_PAPER_PDF: "steps done"}
UNEXPECTED = "Something went wrong on the server while doing this. Nothing was stored. Try again later."
GONE = "The uploaded file is no longer held (the job had already been run, or it expired). Upload it again."


def run(job_id: int) -> None:
    """Do one job, recording on its row how it went; never raises (a worker must go on to the next)."""
    engine = get_engine()
    session = get_session()
    job = session.get(Job, job_id)
    if job is None or job.status != "queued":
        return  # deleted, or already taken (a task delivered twice is done once)
    jobs.set_state(engine, job_id, status="running")
    try:
        RUNNERS[job.kind](session, job)
    except Exception:  # noqa: BLE001 - any failure is the job's, told in plain words; the detail goes to the log
        log.exception("job %s (%s) failed", job_id, job.kind)
        session.rollback()
        jobs.set_state(engine, job_id, status="failed", message=UNEXPECTED)
    finally:
        session.close()
    jobs.sweep(engine)  # files past their lifetime go, even where no one starts another job


def _reporter(job: Job) -> Callable[[int], None]:
    """Progress as the worker makes it, written at once where every page can read it."""
    engine = get_engine()

    def report(done: int) -> None:
        jobs.set_state(engine, job.id, done=done)

    return report


def staff_import(session: Session, job: Job) -> None:
    """Read and count the uploaded extract; hold the counts for the preview, or fail with the reason."""
    engine = get_engine()
    options = jobs.options_of(job)
    upload = jobs.take_upload(session, job)  # deleted as it is read: the file is held no longer than this
    if upload is None:
        jobs.set_state(engine, job.id, status="failed", message=GONE)
        return
    data, filename = upload
    strategy = session.get(Strategy, job.strategy_id)
    actor = session.get(User, job.created_by) if job.created_by else None
    assert strategy is not None  # the job goes with its strategy (ON DELETE CASCADE)
    try:
        result = service.read(session, strategy, data, filename, mapping=options.get("mapping") or None,
                              sheet=options.get("sheet") or None, skip_bad_rows=bool(options.get("skip_bad_rows")),
                              progress=_reporter(job))
    except ImportRefused as exc:
        jobs.set_state(engine, job.id, status="failed", message=exc.message)
        return
    finally:
        del data
    if not result.importable:
        problems = sum(result.problem_totals.values())
        message = (f"Nothing was stored: the file has {problems:,} problem{'s' if problems != 1 else ''}. Correct "
                   "the file and upload it again, or choose to import the rows without problems."
                   if problems else "Nothing was stored: every row of the file has a problem.")
        jobs.set_state(engine, job.id, status="failed", message=message, done=result.rows_read,
                       total=result.rows_read, detail=json.dumps(service.problem_report(result)))
        return
    pending = service.hold(session=session, strategy=strategy, result=result, filename=filename, actor=actor)
    jobs.set_state(engine, job.id, status="done", done=result.rows_read, total=result.rows_read,
                   result_ref=f"staff_import:{pending.id}")


def _scenario_asked_for(session: Session, strategy: Strategy, options: dict[str, Any]) -> Scenario | None:
    """The scenario a job was started with, when it is still the strategy's; else None (the first)."""
    scenario = session.get(Scenario, options["scenario_id"]) if options.get("scenario_id") else None
    return scenario if scenario is not None and scenario.strategy_id == strategy.id else None


def board_paper_pdf(session: Session, job: Job) -> None:
    """The board paper (the draft's, or an approved version's) as a PDF, kept with the job."""
    engine = get_engine()
    options = jobs.options_of(job)
    strategy = session.get(Strategy, job.strategy_id)
    assert strategy is not None
    content: PackContent
    version_id = options.get("version_id")
    if version_id is not None:
        version = session.get(StrategyVersion, version_id)
        if version is None or version.strategy_id != strategy.id:
            jobs.set_state(engine, job.id, status="failed", message="That approved version no longer exists.")
            return
        content = kept_content(version_content(version))
    else:
        scenario = _scenario_asked_for(session, strategy, options)
        organisation = organisation_of(session, strategy)
        content = pack_content(session, strategy, organisation, scenario=scenario,
                               prepared_by=str(options.get("prepared_by", "")),
                               today=date.fromisoformat(options["today"]), audience=options["audience"])
        session.rollback()  # a read: nothing it may have flushed is kept
    _paper_as_pdf(session, job, lambda: board_paper.paper_docx(content),
                  str(options.get("filename", "board-paper.pdf")))


def system_paper_pdf(session: Session, job: Job) -> None:
    """The system paper (from the members' shared versions, as `planner board-paper --system` writes it) as
    a PDF, kept with the job; each member's shared version read is in its audit trail as "system paper"."""
    options = jobs.options_of(job)
    system = session.get(Organisation, job.organisation_id)
    actor = session.get(User, job.created_by) if job.created_by else None
    assert system is not None  # the job goes with its system (ON DELETE CASCADE)
    try:
        content = system_pack.gather(session, system, actor=actor, today=date.fromisoformat(options["today"]),
                                     prepared_by=str(options.get("prepared_by", "")), purpose="system paper")
    except ServiceError as exc:  # every member withdrew its share since the job was started
        session.rollback()
        jobs.set_state(get_engine(), job.id, status="failed", message=f"{exc.message}. Nothing was made.")
        return
    _paper_as_pdf(session, job, lambda: system_pack.paper_docx(content),
                  str(options.get("filename", "system-paper.pdf")))


def _paper_as_pdf(session: Session, job: Job, paper: Callable[[], bytes], name: str) -> None:
    """Write a paper's Word document (`paper`, charts drawn), convert it to PDF and keep it with the job as
    `name`; or fail the job saying why in plain words (the figures gathered were step 1 of 3)."""
    report = _reporter(job)
    report(1)
    try:
        docx = paper()
        report(2)
        pdf = board_paper.docx_to_pdf(docx)
    except ImagesBusy:
        message = "The server was busy drawing other charts. Start the PDF again in a minute."
    except board_paper.LibreOfficeMissing as exc:
        message = f"{exc}. The Word version of the paper can be downloaded instead."
    except (board_paper.ChartsFailed, board_paper.ConversionFailed) as exc:
        message = f"{str(exc)[:1].upper()}{str(exc)[1:]}. Try again later."
    else:
        jobs.keep_result(session, job, data=pdf, name=name, media_type=board_paper.PDF)
        return
    jobs.set_state(get_engine(), job.id, status="failed", message=message)


def chart_images(session: Session, job: Job) -> None:
    """Every chart of the strategy's pages as PNG, SVG and interactive HTML files in one .zip, kept with
    the job; its progress is the images drawn."""
    engine = get_engine()
    options = jobs.options_of(job)
    strategy = session.get(Strategy, job.strategy_id)
    assert strategy is not None
    scenario = _scenario_asked_for(session, strategy, options)
    organisation = organisation_of(session, strategy)
    figures = strategy_figures(session, strategy, organisation, scenario, audience=options["audience"])
    session.rollback()  # a read: nothing it may have flushed is kept
    if not figures:
        jobs.set_state(engine, job.id, status="failed",
                       message="The strategy has no charts yet (no baseline, survey results or objectives).")
        return
    images = chart_files.image_count(figures)
    jobs.set_state(engine, job.id, total=images)
    try:
        files = chart_files.figure_files(figures, chart_files.FORMATS, progress=_reporter(job))
    except ImagesBusy:
        message = "The server was busy drawing other charts. Start again in a minute."
    except chart_files.ChromiumMissing as exc:
        message = f"{exc}. Each chart's interactive HTML file can still be downloaded from its page."
    else:
        job.total = images
        jobs.keep_result(session, job, data=chart_files.zipped(files), name=str(options.get("filename", "charts.zip")),
                         media_type="application/zip")
        return
    jobs.set_state(engine, job.id, status="failed", message=message)


RUNNERS: dict[str, Callable[[Session, Job], None]] = {STAFF_IMPORT: staff_import, BOARD_PAPER_PDF: board_paper_pdf,
                                                     CHART_IMAGES: chart_images, SYSTEM_PAPER_PDF: system_paper_pdf}
