"""Downloads of the board pack (the whole workbook from the strategy page, or one step's sheets) and
of the board paper (Word, or PDF through LibreOffice).

Each is for an audience (planner.diversity.disclosure): internal (exact diversity counts, marked
OFFICIAL-SENSITIVE) only for someone who may see exact figures when the cover sheet puts the paper
to Part 2 of the meeting; otherwise, or with ?audience=published, the public version."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from planner.db import get_session
from planner.diversity.disclosure import INTERNAL
from planner.exports.image_slots import ImagesBusy
from planner.exports.steps import STEP_SHEETS
from planner.exports.workbook import pack_bytes
from planner.models import Scenario, Strategy
from planner.services import board_cover, board_paper
from planner.services.board_pack import pack_content
from planner.web.audience import paper_audience
from planner.web.charts import images_busy
from planner.web.fields import named_record_id
from planner.web.tenancy import child_or_404, current_org, require, strategy_or_404

bp = Blueprint("exports", __name__, url_prefix="/strategies/<int:strategy_id>")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(title: str, step: str | None, today: date, ext: str = "xlsx", *, sensitive: bool = False) -> str:
    """A download name from the strategy's title: letters, digits and hyphens only (and saying so where
    it holds exact diversity counts)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "strategy"
    part = f"-{step}" if step else "-board-pack"
    return f"{slug}{part}{'-official-sensitive' if sensitive else ''}-{today.isoformat()}.{ext}"


def _content(strategy: Strategy, scenario: Scenario | None, today: date) -> dict[str, Any]:
    """The pack's content for the audience the request and the cover sheet give."""
    cover = board_cover.cover_content(get_session(), strategy, prepared_by="")
    return pack_content(get_session(), strategy, current_org(), scenario=scenario,  # type: ignore[arg-type]
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
    response = Response(data, mimetype=board_paper.PDF if fmt == "pdf" else board_paper.DOCX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


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
    response = Response(data, mimetype=XLSX)
    name = file_name(strategy.title, step, today, sensitive=content["prepared"]["audience"] == INTERNAL)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


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


@bp.route("/paper.pdf")
@require("strategy.view")
def paper_pdf(strategy_id: int) -> Response | tuple[str, int]:
    """The board paper as a PDF (503 where LibreOffice is not installed)."""
    return _paper(strategy_id, "pdf")
