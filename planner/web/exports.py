"""Downloads of the board pack (the whole workbook from the strategy page, or one step's sheets) and
of the board paper (Word, or PDF through LibreOffice).

Each is for an audience (planner.diversity.disclosure): internal (exact diversity counts, marked
OFFICIAL-SENSITIVE) only for someone who may see exact figures when the cover sheet puts the paper
to Part 2 of the meeting; otherwise, or with ?audience=published, the public version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as AnyResponse

from planner.db import get_session
from planner.diversity.disclosure import INTERNAL
from planner.exports.content import PackContent
from planner.exports.image_slots import ImagesBusy
from planner.exports.steps import STEP_SHEETS
from planner.exports.workbook import pack_bytes
from planner.models import Scenario, Strategy
from planner.queue import queue_of
from planner.services import board_cover, board_paper, jobs
from planner.services.board_pack import pack_content
from planner.tasks import BOARD_PAPER_PDF, UNITS
from planner.web.audience import paper_audience
from planner.web.charts import images_busy
from planner.web.fields import named_record_id
from planner.web.forms import ConfirmForm
from planner.web.tenancy import child_or_404, current_org, require, strategy_or_404
from planner.web.util import attachment, file_name

bp = Blueprint("exports", __name__, url_prefix="/strategies/<int:strategy_id>")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _content(strategy: Strategy, scenario: Scenario | None, today: date) -> PackContent:
    """The pack's content for the audience the request and the cover sheet give."""
    cover = board_cover.cover_content(get_session(), strategy, prepared_by="")
    organisation = current_org()
    assert organisation is not None  # require() has chosen one
    return pack_content(get_session(), strategy, organisation, scenario=scenario,
                        prepared_by=current_user.display_name, today=today, audience=paper_audience(cover))


def paper_response(content: Mapping[str, Any], fmt: str, name: str) -> Response | tuple[str, int]:
    """The board paper built from `content` as a download (docx, or pdf through LibreOffice); 503 with
    the install advice where the server cannot write it."""
    try:
        data = board_paper.paper_docx(content)
        if fmt == "pdf":
            data = board_paper.docx_to_pdf(data)
    except ImagesBusy as exc:
        return images_busy(exc)
    except board_paper.LibreOfficeMissing as exc:
        return render_template("errors/error.html", code=503, title="A PDF cannot be made on this server",
                               hint=f"{exc}. The Word version of the paper can be downloaded instead."), 503
    except (board_paper.ChartsFailed, board_paper.ConversionFailed) as exc:
        return render_template("errors/error.html", code=503, title="The board paper could not be written",
                               hint=f"{str(exc)[:1].upper()}{str(exc)[1:]}. Try again later."), 503
    return attachment(data, board_paper.PDF if fmt == "pdf" else board_paper.DOCX, name)


@bp.route("/pack.xlsx")
@require("strategy.view")
def pack(strategy_id: int) -> Response:
    """The board pack (or, with ?step=, that step's sheets) for the chosen scenario."""
    strategy = strategy_or_404(strategy_id)
    step = request.args.get("step") or None
    if step is not None and step not in STEP_SHEETS:
        abort(404)
    scenario_id = named_record_id(request.args.get("scenario"))
    scenario = child_or_404(Scenario, scenario_id, strategy) if scenario_id is not None else None
    today = date.today()
    content = _content(strategy, scenario, today)
    data = pack_bytes(content, sheets=STEP_SHEETS[step] if step else None)
    return attachment(data, XLSX, file_name(strategy.title, step, today,
                                            sensitive=content["prepared"]["audience"] == INTERNAL))


def _paper(strategy_id: int, fmt: str) -> Response | tuple[str, int]:
    strategy = strategy_or_404(strategy_id)
    scenario_id = named_record_id(request.args.get("scenario"))
    scenario = child_or_404(Scenario, scenario_id, strategy) if scenario_id is not None else None
    today = date.today()
    content = _content(strategy, scenario, today)
    return paper_response(content, fmt, file_name(strategy.title, "board-paper", today, fmt,
                                                  sensitive=content["prepared"]["audience"] == INTERNAL))


@bp.route("/paper.docx")
@require("strategy.view")
def paper_docx(strategy_id: int) -> Response | tuple[str, int]:
    """The board paper as a Word document, for the chosen scenario."""
    return _paper(strategy_id, "docx")


def pdf_job_page(strategy: Strategy, options: dict[str, Any], what: str) -> AnyResponse | str | tuple[str, int]:
    """GET: what making the PDF involves, and the button that starts it. POST: start a job that writes the
    PDF off the request (LibreOffice takes several seconds), and go to its page. 503 where LibreOffice is
    missing."""
    if board_paper.find_soffice() is None:
        return render_template("errors/error.html", code=503, title="A PDF cannot be made on this server",
                               hint=f"{board_paper.LibreOfficeMissing()}. The Word version of the paper can be "
                                    "downloaded instead."), 503
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        job = jobs.start(session=get_session(), strategy=strategy, kind=BOARD_PAPER_PDF, unit=UNITS[BOARD_PAPER_PDF],
                         actor=current_user, total=3, options=options)
        queue_of(current_app).enqueue(job.id)
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return render_template("exports/paper_pdf.html", strategy=strategy, form=form, what=what,
                           action=request.full_path.rstrip("?"))


@bp.route("/paper.pdf", methods=["GET", "POST"])
@require("strategy.view")
def paper_pdf(strategy_id: int) -> AnyResponse | str | tuple[str, int]:
    """The board paper as a PDF, made by a worker (503 where LibreOffice is not installed)."""
    strategy = strategy_or_404(strategy_id)
    scenario_id = named_record_id(request.args.get("scenario"))
    scenario = child_or_404(Scenario, scenario_id, strategy) if scenario_id is not None else None
    today = date.today()
    audience = paper_audience(board_cover.cover_content(get_session(), strategy, prepared_by=""))
    options = {"scenario_id": scenario.id if scenario else None, "prepared_by": current_user.display_name,
               "today": today.isoformat(), "audience": audience,
               "filename": file_name(strategy.title, "board-paper", today, "pdf", sensitive=audience == INTERNAL)}
    return pdf_job_page(strategy, options, "the draft's board paper")
