"""The Baseline step: staff and leaders in post per area, with totals rolled up the tree."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.diversity.board import BOARD_TYPES
from planner.models import StaffImport, Strategy
from planner.queue import queue_of
from planner.services import jobs, staff_import
from planner.services.baseline import AreaFigures, check_figures, save_baseline, summarise
from planner.services.uploads import EXTRACT_COLUMNS, ImportRefused
from planner.tasks import STAFF_IMPORT, UNITS
from planner.web.fields import number, whole
from planner.web.forms import ConfirmForm, EditForm
from planner.web.forms_workforce import ExtractForm
from planner.web.tenancy import child_or_404, require, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import note_stale

bp = Blueprint("baseline", __name__, url_prefix="/strategies/<int:strategy_id>/baseline")


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """Figures per area and their roll-up through the tree."""
    strategy = strategy_or_404(strategy_id)
    return render_template("baseline/index.html", strategy=strategy,
                           summary=summarise(get_session(), strategy))


def _grid_boxes(strategy: Strategy) -> tuple[dict[str, object], dict[str, str]]:
    """The grid as it would open now (box name to text), and each box's label."""
    summary = summarise(get_session(), strategy)
    values: dict[str, object] = {}
    labels: dict[str, str] = {}
    for area in summary.areas:
        own = summary.own.get(area.id)
        values[f"staff-{area.id}"] = own.staff if own else ""
        values[f"fte-{area.id}"] = f"{own.fte:g}" if own else ""
        labels[f"staff-{area.id}"], labels[f"fte-{area.id}"] = f"{area.name}: staff headcount", f"{area.name}: FTE"
        for level in summary.levels:
            values[f"leaders-{area.id}-{level.key}"] = own.leaders.get(level.key, "") if own else ""
            labels[f"leaders-{area.id}-{level.key}"] = f"{area.name}: {level.name.lower()} in post"
    return values, labels


@bp.route("/edit", methods=["GET", "POST"])
@require("baseline.edit")
def edit(strategy_id: int) -> str | Response | tuple[str, int]:
    """Type in staff, FTE and leaders per level for every area at once; all or nothing."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    summary = summarise(db, strategy)
    # The grid's version is the strategy's baseline version: any save of the grid, or an import, moves it.
    form = EditForm(version=strategy.baseline_version)
    errors: list[tuple[str, str]] = []
    values: dict[str, str] = {}
    if form.validate_on_submit():
        figures: dict[int, AreaFigures] = {}
        level_keys = {lv.key for lv in summary.levels}
        for area in summary.areas:
            aid = area.id
            staff_field, fte_field = f"staff-{aid}", f"fte-{aid}"
            before = len(errors)
            fig = AreaFigures(
                staff=whole(request.form.get(staff_field, ""), f"{area.name}: staff headcount", errors, staff_field),
                fte=number(request.form.get(fte_field, ""), f"{area.name}: FTE", errors, fte_field, blank=0.0,
                           non_negative=True) or 0.0,
            )
            for level in summary.levels:
                field = f"leaders-{aid}-{level.key}"
                fig.leaders[level.key] = whole(
                    request.form.get(field, ""), f"{area.name}: {level.name.lower()} in post", errors, field
                )
            if len(errors) > before:
                continue  # a box that could not be read says so; comparing its stand-in 0 would mislead
            # The service's one rule for figures, asked of every area so each area's problem is shown at once.
            with unit_of_work(errors=errors, field=staff_field):
                check_figures(area, fig, level_keys)
            figures[aid] = fig
        if not errors:
            with unit_of_work(errors=errors, on_refused=lambda exc: note_stale(
                    form, exc, lambda stored: _grid_boxes(stored)[0], request.form,
                    _grid_boxes(strategy)[1])) as saved:
                save_baseline(session=db, strategy=strategy, figures=figures, actor=current_user,
                              version=form.version.data)
            if saved:
                flash("Baseline saved.", "success")
                return redirect(url_for("baseline.index", strategy_id=strategy.id))
            summary = summarise(db, strategy)
    if form.is_submitted():
        values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}
    status = 400 if errors or form.errors else 200
    return render_template("baseline/edit.html", strategy=strategy, summary=summary, form=form,
                           errors=errors, error_fields={f for f, _ in errors}, values=values), status


IMPORT_COLUMNS = EXTRACT_COLUMNS  # every column the import reads can be mapped to the file's own heading


@bp.route("/import", methods=["GET", "POST"])
@require("baseline.edit")
def upload(strategy_id: int) -> str | Response | tuple[str, int]:
    """Upload a staff extract: a file that is plainly wrong is refused at once; any other is read and counted
    by a worker while the job's page shows how far it has got, then previewed before anything is stored."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    form = ExtractForm()
    errors: list[tuple[str, str]] = []
    if form.validate_on_submit():
        upload_file = request.files.get("extract")
        mapping = form.mapping()
        if upload_file is None or not upload_file.filename:
            errors.append(("extract", "Choose a staff extract file (CSV or Excel .xlsx) to upload"))
        else:
            data = upload_file.read()
            try:
                kind = staff_import.precheck(data, upload_file.filename, mapping=mapping or None)
            except ImportRefused as exc:
                errors.append(("extract", exc.message))
            else:
                options = {"filename": upload_file.filename[:200], "mapping": mapping,
                           "sheet": form.sheet.data.strip()[:100] or None,
                           "skip_bad_rows": form.skip_bad_rows.data == "yes"}
                job = jobs.start(session=db, strategy=strategy, kind=STAFF_IMPORT, unit=UNITS[STAFF_IMPORT],
                                 actor=current_user, total=staff_import.estimate_rows(data, kind),
                                 options=options, upload=data, filename=upload_file.filename)
                del data
                queue_of(current_app).enqueue(job.id)
                return redirect(url_for("jobs.show", job_id=job.id), code=303)
            del data  # a refused file's bytes go no further than this request
    status = 400 if errors else 200
    return render_template("baseline/import.html", strategy=strategy, form=form, errors=errors, result=None,
                           pending=None, columns=IMPORT_COLUMNS, values=dict(request.form),
                           summary=summarise(db, strategy), board_types=BOARD_TYPES), status


@bp.route("/import/<int:import_id>")
@require("baseline.edit")
def preview(strategy_id: int, import_id: int) -> str | Response:
    """The counts a worker read from the upload, and every problem, before anything replaces the baseline."""
    strategy, pending = _pending(strategy_id, import_id)
    if pending.status != "pending":
        flash("This import has already been used, discarded or has expired: upload the file again.", "error")
        return redirect(url_for("baseline.upload", strategy_id=strategy.id))
    result = staff_import.result_of(json.loads(pending.summary), staff_import.pending_counts(pending))
    return render_template("baseline/import.html", strategy=strategy, form=ConfirmForm(), errors=[], result=result,
                           pending=pending, columns=IMPORT_COLUMNS, values={}, filename=pending.filename,
                           summary=summarise(get_session(), strategy), board_types=BOARD_TYPES)


def _pending(strategy_id: int, import_id: int) -> tuple[Strategy, StaffImport]:
    """The strategy and the previewed import, which only the person who uploaded it may see or use."""
    strategy = strategy_or_404(strategy_id)
    pending = child_or_404(StaffImport, import_id, strategy)
    if pending.user_id != current_user.id:
        abort(404)
    return strategy, pending


@bp.route("/import/<int:import_id>/confirm", methods=["POST"])
@require("baseline.edit")
def confirm_import(strategy_id: int, import_id: int) -> Response:
    """Replace the baseline with the previewed counts, in one transaction."""
    strategy, pending = _pending(strategy_id, import_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work(flash_refusal=True) as applied:
        staff_import.apply(session=get_session(), strategy=strategy, pending=pending, actor=current_user)
    if not applied:
        return redirect(url_for("baseline.upload", strategy_id=strategy.id))
    skipped = f", {pending.rows_skipped:,} rows with problems skipped" if pending.rows_skipped else ""
    flash(f"Baseline replaced from {pending.filename}: {pending.rows_read:,} rows read{skipped}.", "success")
    return redirect(url_for("baseline.index", strategy_id=strategy.id))


@bp.route("/import/<int:import_id>/discard", methods=["POST"])
@require("baseline.edit")
def discard_import(strategy_id: int, import_id: int) -> Response:
    """Forget a previewed import; the baseline stays as it was."""
    strategy, pending = _pending(strategy_id, import_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    staff_import.discard(session=get_session(), pending=pending, actor=current_user)
    flash("Import discarded. The baseline is unchanged.", "success")
    return redirect(url_for("baseline.index", strategy_id=strategy.id))
