"""The system pack (Excel) and the system paper (Word, or PDF made by a worker) downloaded from the system's
home (docs/systems.md, "The system pack and paper"): the same files `planner export --system` and
`planner board-paper --system` write, for the system's own people only (a member's people and anyone else get
404, as on every system route). Each download writes every member's shared version read to that member's
audit trail ("system pack", "system paper") through planner.services.system_pack.gather, as the command
line does. A system nobody shares with gets a page saying so, never an empty file."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.exports.image_slots import ImagesBusy
from planner.exports.system_book import system_pack_bytes
from planner.models import Organisation
from planner.queue import queue_of
from planner.services import board_paper, jobs, system_pack
from planner.services.systems import shares_of
from planner.tasks import SYSTEM_PAPER_PDF, UNITS
from planner.web.charts import images_busy
from planner.web.exports import XLSX
from planner.web.forms import ConfirmForm
from planner.web.systems import _own_system, bp
from planner.web.tenancy import require
from planner.web.unit import unit_of_work
from planner.web.util import attachment, file_name

NOTHING_SHARED = "Nothing to put in the system's board pack or paper yet"
PDF_STEPS = 3  # the figures gathered, the document written, converted to PDF (planner.tasks)


def _nothing_shared(message: str) -> tuple[str, int]:
    """409 with the service's sentence (who shares nothing), instead of an empty file."""
    return render_template("errors/error.html", code=409, title=NOTHING_SHARED,
                           hint=f"{message}. The pack and paper can be made once a member shares an approved "
                                "version with the system, from its Sharing page."), 409


def _content(system: Organisation, purpose: str) -> dict[str, Any] | tuple[str, int]:
    """The pack's content, each member's read in its trail with `purpose`; or the page saying nobody shares."""
    with unit_of_work() as done:
        content = system_pack.gather(get_session(), system, actor=current_user, today=date.today(),
                                     prepared_by=current_user.display_name, purpose=purpose)
    if done.error is not None:
        return _nothing_shared(done.error.message)
    return content


@bp.route("/systems/<slug>/pack.xlsx")
@require("system.view")
def system_pack_xlsx(slug: str) -> Response | tuple[str, int]:
    """The system pack: the Excel workbook `planner export --system SLUG` writes."""
    system = _own_system(slug)
    content = _content(system, "system pack")
    if isinstance(content, tuple):
        return content
    return attachment(system_pack_bytes(content), XLSX, file_name(system.name, "system-pack", date.today()))


@bp.route("/systems/<slug>/paper.docx")
@require("system.view")
def system_paper_docx(slug: str) -> Response | tuple[str, int]:
    """The system paper as a Word document, charts drawn where Chromium is installed (a note for each where not)."""
    system = _own_system(slug)
    content = _content(system, "system paper")
    if isinstance(content, tuple):
        return content
    try:
        data = system_pack.paper_docx(content)
    except ImagesBusy as exc:
        return images_busy(exc)
    except board_paper.ChartsFailed as exc:
        return render_template("errors/error.html", code=503, title="The system paper could not be written",
                               hint=f"{str(exc)[:1].upper()}{str(exc)[1:]}. Try again later."), 503
    return attachment(data, board_paper.DOCX, file_name(system.name, "system-paper", date.today(), "docx"))


@bp.route("/systems/<slug>/paper.pdf", methods=["GET", "POST"])
@require("system.view")
def system_paper_pdf(slug: str) -> Response | str | tuple[str, int]:
    """GET: what making the PDF involves, and the button. POST: start a job that writes it off the request
    (LibreOffice takes several seconds) and go to its progress page. 503 where LibreOffice is missing."""
    system = _own_system(slug)
    if board_paper.find_soffice() is None:
        return render_template("errors/error.html", code=503, title="A PDF cannot be made on this server",
                               hint=f"{board_paper.LibreOfficeMissing()}. The Word version of the paper can be "
                                    "downloaded instead."), 503
    if not shares_of(get_session(), system):  # checked, not read: no member's snapshot is shown or kept
        return _nothing_shared(f"{system.name} has no member that shares an approved version with it")
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():  # the CSRF token is checked for every post (planner.security) first
            abort(400)
        today = date.today()
        # The figures are gathered (and each member's read recorded) when the worker runs the job.
        options = {"prepared_by": current_user.display_name, "today": today.isoformat(), "audience": "published",
                   "filename": file_name(system.name, "system-paper", today, "pdf")}
        job = jobs.start(session=get_session(), strategy=None, system=system, kind=SYSTEM_PAPER_PDF,
                         unit=UNITS[SYSTEM_PAPER_PDF], actor=current_user, total=PDF_STEPS, options=options)
        queue_of(current_app).enqueue(job.id)
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return render_template("systems/paper_pdf.html", system=system, form=form)
