"""A job's status page (refreshing itself without JavaScript; updated in place by static/js/jobs.js
with it), its JSON for that script, and the file it made.

A job is seen only by the member who started it, in the organisation it belongs to, while they
still hold the permission its kind needs; anyone else gets 404, as for any other record that is
not theirs. So the PDF of a paper drawn for an audience allowed exact figures reaches no one else."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from flask_login import current_user

from planner.db import get_session
from planner.diversity.board import BOARD_TYPES
from planner.diversity.disclosure import INTERNAL
from planner.models import Job, Strategy
from planner.services import jobs
from planner.services.baseline import summarise
from planner.services.staff_import import result_of
from planner.tasks import BOARD_PAPER_PDF, CHART_IMAGES, STAFF_IMPORT, SYSTEM_PAPER_PDF
from planner.web.audience import EXACT
from planner.web.baseline import IMPORT_COLUMNS
from planner.web.forms import ConfirmForm
from planner.web.tenancy import can, current_org, require, scoped_or_404
from planner.web.util import attachment

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
NEEDS = {STAFF_IMPORT: "baseline.edit", BOARD_PAPER_PDF: "strategy.view", CHART_IMAGES: "strategy.view",
         SYSTEM_PAPER_PDF: "system.view"}
TITLES = {STAFF_IMPORT: "Reading the staff extract", BOARD_PAPER_PDF: "Making the board paper's PDF",
          CHART_IMAGES: "Drawing every chart as files", SYSTEM_PAPER_PDF: "Making the system paper's PDF"}


def job_or_404(job_id: int) -> Job:
    """This member's own job in this organisation, or 404 (403 where their role no longer allows its kind)."""
    job = scoped_or_404(Job, job_id)
    if job.created_by != current_user.id:
        abort(404)
    if not can(NEEDS.get(job.kind, "strategy.view")):
        abort(403)
    return job


def _result_url(job: Job) -> str | None:
    """Where a finished job's result is: the import's preview, or the file."""
    if job.status != "done":
        return None
    if job.kind == STAFF_IMPORT and job.result_ref.startswith("staff_import:"):
        return url_for("baseline.preview", strategy_id=job.strategy_id, import_id=int(job.result_ref.split(":")[1]))
    if job.result_ref == "file":
        return url_for("jobs.result", job_id=job.id)
    return None


def status_of(job: Job) -> dict[str, Any]:
    """What the page and its script show."""
    text, url = jobs.progress_text(job), _result_url(job)
    if job.result_ref == "file" and job.status == "done" and jobs.result_file(get_session(), job) is None:
        text, url = f"Done, but the file was kept for {jobs.RESULT_LIFETIME_WORDS} and has been deleted: make it " \
                    "again.", None
    return {
        "id": job.id, "kind": job.kind, "status": job.status, "done": job.done,
        "total": max(job.total or 0, job.done) or None, "unit": job.unit, "percent": jobs.percent(job),
        "text": text, "message": job.message, "result_url": url,
        "result_label": RESULT_LABELS.get(job.kind, "See the result"),
    }


RESULT_LABELS = {STAFF_IMPORT: "Check the preview and confirm the import",
                 BOARD_PAPER_PDF: "Download the board paper (PDF)",
                 CHART_IMAGES: "Download the charts (.zip of PNG, SVG and HTML files)",
                 SYSTEM_PAPER_PDF: "Download the system paper (PDF)"}


@bp.route("/<int:job_id>")
@require("strategy.view")
def show(job_id: int) -> str | tuple[str, int]:
    """How far the job has gone; a link to what it made when it is done, or why it failed."""
    job = job_or_404(job_id)
    db = get_session()
    # A system's job (the system paper's PDF) has no strategy: its page leads back to the system's home.
    strategy = db.get(Strategy, job.strategy_id) if job.strategy_id is not None else None
    if job.kind == STAFF_IMPORT and job.status == "failed":
        assert strategy is not None  # a job's strategy outlives it (deleting a strategy deletes its jobs)
        return _failed_import(job, strategy)
    return render_template("jobs/show.html", job=job, strategy=strategy, system=current_org(),
                           status=status_of(job), title=TITLES.get(job.kind, "Working"))


def _failed_import(job: Job, strategy: Strategy) -> str:
    """The upload page again, saying why: each problem by row and column, or the one sentence of a refusal."""
    detail = jobs.detail_of(job)
    options = jobs.options_of(job)
    result = result_of(detail) if detail else None
    errors = [] if result is not None else [("extract", job.message)]
    values = {"sheet": options.get("sheet") or "", "skip_bad_rows": "yes" if options.get("skip_bad_rows") else ""}
    values.update({f"map-{k}": v for k, v in (options.get("mapping") or {}).items()})
    return render_template("baseline/import.html", strategy=strategy, form=ConfirmForm(), errors=errors,
                           result=result, pending=None, columns=IMPORT_COLUMNS, values=values,
                           summary=summarise(get_session(), strategy), board_types=BOARD_TYPES,
                           filename=options.get("filename", "the file"), failed_job=job)


@bp.route("/<int:job_id>.json")
@require("strategy.view")
def show_json(job_id: int) -> Response:
    """The job's status for the page's script."""
    response = jsonify(status_of(job_or_404(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:job_id>/result")
@require("strategy.view")
def result(job_id: int) -> Response:
    """The file the job made, while it is kept (24 hours)."""
    job = job_or_404(job_id)
    if jobs.options_of(job).get("audience") == INTERNAL and not can(EXACT):
        abort(404)  # made with exact figures for someone who may no longer see them
    found = jobs.result_file(get_session(), job)
    if found is None:
        abort(404)
    return attachment(found.data, found.media_type, found.name)
