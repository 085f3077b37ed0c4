"""The Baseline step: staff and leaders in post per area, with totals rolled up the tree."""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.services import ServiceError
from planner.services.baseline import AreaFigures, check_figures, save_baseline, summarise
from planner.web.forms import ConfirmForm
from planner.web.tenancy import require, strategy_or_404

bp = Blueprint("baseline", __name__, url_prefix="/strategies/<int:strategy_id>/baseline")


def _whole(raw: str, label: str, errors: list[tuple[str, str]], field: str) -> int:
    text = raw.strip().replace(",", "")
    if not text:
        return 0
    if not re.fullmatch(r"[0-9]+", text):
        errors.append((field, f"{label} must be a whole number of 0 or more, like 12"))
        return 0
    return int(text)


def _number(raw: str, label: str, errors: list[tuple[str, str]], field: str) -> float:
    text = raw.strip().replace(",", "")
    if not text:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        errors.append((field, f"{label} must be a number of 0 or more, like 381.6"))
        return 0.0
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        errors.append((field, f"{label} must be a number of 0 or more, like 381.6"))
        return 0.0
    return value


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """Figures per area and their roll-up through the tree."""
    strategy = strategy_or_404(strategy_id)
    return render_template("baseline/index.html", strategy=strategy,
                           summary=summarise(get_session(), strategy))


@bp.route("/edit", methods=["GET", "POST"])
@require("baseline.edit")
def edit(strategy_id: int) -> str | Response | tuple[str, int]:
    """Type in staff, FTE and leaders per level for every area at once; all or nothing."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    summary = summarise(db, strategy)
    form = ConfirmForm()
    errors: list[tuple[str, str]] = []
    values: dict[str, str] = {}
    if form.validate_on_submit():
        figures: dict[int, AreaFigures] = {}
        level_keys = {lv.key for lv in summary.levels}
        for area in summary.areas:
            aid = area.id
            staff_field, fte_field = f"staff-{aid}", f"fte-{aid}"
            fig = AreaFigures(
                staff=_whole(request.form.get(staff_field, ""), f"{area.name}: staff headcount", errors, staff_field),
                fte=_number(request.form.get(fte_field, ""), f"{area.name}: FTE", errors, fte_field),
            )
            for level in summary.levels:
                field = f"leaders-{aid}-{level.key}"
                fig.leaders[level.key] = _whole(
                    request.form.get(field, ""), f"{area.name}: {level.name.lower()} in post", errors, field
                )
            try:
                check_figures(area, fig, level_keys)
            except ServiceError as exc:
                errors.append((exc.field or staff_field, exc.message))
            figures[aid] = fig  # type: ignore[index]
        if not errors:
            save_baseline(session=db, strategy=strategy, figures=figures, actor=current_user)  # type: ignore[arg-type]
            flash("Baseline saved.", "success")
            return redirect(url_for("baseline.index", strategy_id=strategy.id))
        values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    status = 400 if errors else 200
    return render_template("baseline/edit.html", strategy=strategy, summary=summary, form=form,
                           errors=errors, error_fields={f for f, _ in errors}, values=values), status
