"""Downloads of the board pack: the whole workbook from the strategy page, or one step's sheets."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from planner.db import get_session
from planner.exports.steps import STEP_SHEETS
from planner.exports.workbook import pack_bytes
from planner.models import Scenario
from planner.services.board_pack import pack_content
from planner.web.tenancy import child_or_404, current_org, require, strategy_or_404

bp = Blueprint("exports", __name__, url_prefix="/strategies/<int:strategy_id>")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(title: str, step: str | None, today: date) -> str:
    """A download name from the strategy's title: letters, digits and hyphens only."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "strategy"
    part = f"-{step}" if step else "-board-pack"
    return f"{slug}{part}-{today.isoformat()}.xlsx"


@bp.route("/pack.xlsx")
@require("strategy.view")
def pack(strategy_id: int) -> Response:
    """The board pack (or, with ?step=, that step's sheets) for the chosen scenario."""
    strategy = strategy_or_404(strategy_id)
    step = request.args.get("step") or None
    if step is not None and step not in STEP_SHEETS:
        abort(404)
    scenario_id = request.args.get("scenario", type=int)
    scenario = child_or_404(Scenario, scenario_id, strategy) if scenario_id is not None else None
    today = date.today()
    content = pack_content(get_session(), strategy, current_org(), scenario=scenario,  # type: ignore[arg-type]
                           prepared_by=current_user.display_name, today=today)
    data = pack_bytes(content, sheets=STEP_SHEETS[step] if step else None)
    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(strategy.title, step, today)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
