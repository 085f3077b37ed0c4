"""The Structure step: areas, leadership levels and the band map."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from planner import areas as tree
from planner.db import get_session
from planner.models import Area, Level, Strategy
from planner.reference import all_bands, band_label, job_roles, medical_grades, pay_bands
from planner.services import structure as service
from planner.web.forms import AreaEditForm, AreaForm, ConfirmForm, LevelEditForm, LevelForm
from planner.web.forms_workforce import AreaAddForm, MoveForm
from planner.web.tenancy import child_or_404, require, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import edit_status, refuse_stale_form

bp = Blueprint("structure", __name__, url_prefix="/strategies/<int:strategy_id>")


def _parent_choices(strategy: Strategy, moving: Area | None = None) -> list[tuple[str, str]]:
    """Where an area may sit, as (id, name indented by its depth): anywhere but within itself."""
    rows = service.areas_of(get_session(), strategy)
    excluded: set[int] = set()
    if moving is not None:
        excluded = {moving.id} | tree.descendants(service.nodes(rows), moving.id)
    depths = service.area_depths(rows)
    return [("", "Nothing: a top-level area")] + [
        (str(a.id), "\u2003" * depths[a.id] + f"{a.name} ({a.code})")
        for a in rows if a.id not in excluded
    ]


def _parent_id(form: AreaForm) -> int | None:
    value = form.parent_id.data
    return int(value) if value else None


def _stored_area(strategy: Strategy, area: Area) -> AreaEditForm:
    """The area form as it would open now, to set beside what was typed."""
    form = AreaEditForm(formdata=None, obj=area)
    form.parent_id.choices = _parent_choices(strategy, moving=area)
    form.parent_id.data = str(area.parent_id or "")
    return form


def _back(strategy: Strategy, anchor: str = "") -> Response:
    return redirect(url_for("structure.index", strategy_id=strategy.id) + anchor)


def _edit_page(strategy: Strategy, form: FlaskForm, template: str, *, save: Callable[[], object],
               stored: Callable[[Any], FlaskForm], saved: Callable[[], str],
               **shown: object) -> Response | tuple[str, int]:
    """An edit form of the structure: `save()` in one unit of work, then `saved()` says so on the structure
    page; a refusal is shown on the form (a stale one beside `stored(record)`, the record as it is now)."""
    if form.validate_on_submit():
        with unit_of_work(on_refused=lambda exc: refuse_stale_form(form, exc, stored)) as done:
            save()
        if done:
            flash(saved(), "success")
            return _back(strategy)
    return render_template(template, strategy=strategy, form=form, **shown), edit_status(form)


def _delete_page(strategy: Strategy, thing: str, reasons: list[str],
                 delete: Callable[[], object]) -> str | Response | tuple[str, int]:
    """Confirm, then `delete()` `thing` in one unit of work; a refusal is shown above the form (409)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work(on_refused=lambda exc: form.form_errors.append(exc.message)) as deleted:
            delete()
        if deleted:
            flash(f"{thing} deleted.", "success")
            return _back(strategy)
        return render_template("structure/confirm_delete.html", strategy=strategy, form=form,
                               thing=thing, reasons=reasons), 409
    return render_template("structure/confirm_delete.html", strategy=strategy, form=form,
                           thing=thing, reasons=reasons)


@bp.route("/structure")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """The area tree, the levels and which bands belong to each."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    rows = service.areas_of(db, strategy)
    return render_template(
        "structure/index.html", strategy=strategy, areas=rows, depths=service.area_depths(rows),
        levels=service.levels_of(db, strategy), bands=service.bands_by_level(db, strategy),
        form=ConfirmForm(),
    )


@bp.route("/areas/new", methods=["GET", "POST"])
@require("structure.edit")
def create_area(strategy_id: int) -> str | Response:
    """Add an area."""
    strategy = strategy_or_404(strategy_id)
    form = AreaAddForm()
    form.parent_id.choices = _parent_choices(strategy)
    if request.method == "GET" and request.args.get("parent"):
        form.parent_id.data = request.args["parent"]
    if form.validate_on_submit():
        with unit_of_work(form=form) as added:
            area = service.add_area(
                session=get_session(), strategy=strategy, code=form.code.data or "",
                name=form.name.data or "", parent_id=_parent_id(form), actor=current_user,
            )
        if added:
            flash(f"{area.name} added.", "success")
            if form.another.data:
                return redirect(url_for("structure.create_area", strategy_id=strategy.id,
                                        parent=area.parent_id or ""))
            return _back(strategy)
    return render_template("structure/area_form.html", strategy=strategy, form=form, area=None)


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@require("structure.edit")
def update_area(strategy_id: int, area_id: int) -> Response | tuple[str, int]:
    """Rename or move an area."""
    strategy = strategy_or_404(strategy_id)
    area = child_or_404(Area, area_id, strategy)
    form = AreaEditForm(obj=area)
    form.parent_id.choices = _parent_choices(strategy, moving=area)
    if request.method == "GET":
        form.parent_id.data = str(area.parent_id or "")
    return _edit_page(
        strategy, form, "structure/area_form.html", area=area,
        save=lambda: service.update_area(
            session=get_session(), strategy=strategy, area=area, code=form.code.data or "",
            name=form.name.data or "", parent_id=_parent_id(form), actor=current_user, version=form.version.data),
        stored=lambda stored: _stored_area(strategy, stored), saved=lambda: f"{area.name} saved.")


@bp.route("/areas/<int:area_id>/delete", methods=["GET", "POST"])
@require("structure.edit")
def delete_area(strategy_id: int, area_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then delete an area that nothing depends on."""
    strategy = strategy_or_404(strategy_id)
    area = child_or_404(Area, area_id, strategy)
    return _delete_page(strategy, area.name, service.area_dependents(get_session(), area), lambda: service.delete_area(
        session=get_session(), strategy=strategy, area=area, actor=current_user))


@bp.route("/levels/new", methods=["GET", "POST"])
@require("structure.edit")
def create_level(strategy_id: int) -> str | Response:
    """Add a leadership level (below the others; move it after)."""
    strategy = strategy_or_404(strategy_id)
    form = LevelForm()
    if form.validate_on_submit():
        with unit_of_work(form=form) as added:
            level = service.add_level(
                session=get_session(), strategy=strategy, key=form.key.data or "",
                name=form.name.data or "", description=form.description.data or "", actor=current_user,
            )
        if added:
            flash(f"{level.name} added. Now choose which bands belong to it.", "success")
            return redirect(url_for("structure.bands", strategy_id=strategy.id))
    return render_template("structure/level_form.html", strategy=strategy, form=form, level=None)


@bp.route("/levels/<int:level_id>/edit", methods=["GET", "POST"])
@require("structure.edit")
def update_level(strategy_id: int, level_id: int) -> Response | tuple[str, int]:
    """Rename a level."""
    strategy = strategy_or_404(strategy_id)
    level = child_or_404(Level, level_id, strategy)
    form = LevelEditForm(obj=level)
    return _edit_page(
        strategy, form, "structure/level_form.html", level=level,
        save=lambda: service.update_level(
            session=get_session(), strategy=strategy, level=level, key=form.key.data or "",
            name=form.name.data or "", description=form.description.data or "", actor=current_user,
            version=form.version.data),
        stored=lambda stored: LevelEditForm(formdata=None, obj=stored), saved=lambda: f"{level.name} saved.")


@bp.route("/levels/<int:level_id>/move", methods=["POST"])
@require("structure.edit")
def move_level(strategy_id: int, level_id: int) -> Response:
    """Move a level up or down the order."""
    strategy = strategy_or_404(strategy_id)
    level = child_or_404(Level, level_id, strategy)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(flash_refusal=True):
        service.move_level(session=get_session(), strategy=strategy, level=level,
                           direction=form.direction.data, actor=current_user)
    return _back(strategy, "#levels")


@bp.route("/levels/<int:level_id>/delete", methods=["GET", "POST"])
@require("structure.edit")
def delete_level(strategy_id: int, level_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then delete a level with no leaders counted at it."""
    strategy = strategy_or_404(strategy_id)
    level = child_or_404(Level, level_id, strategy)
    return _delete_page(strategy, level.name, [], lambda: service.delete_level(
        session=get_session(), strategy=strategy, level=level, actor=current_user))


@bp.route("/bands", methods=["GET", "POST"])
@require("structure.edit")
def bands(strategy_id: int) -> str | Response:
    """Where the line is drawn: which bands, grades and job roles count as leaders, and at which level."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    levels = service.levels_of(db, strategy)
    current = service.band_map(db, strategy)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        level_ids = {str(lv.id): lv.id for lv in levels}
        mapping: dict[str, int | None] = {}
        for band in all_bands():
            chosen = request.form.get(f"band-{band}", "")
            if chosen and chosen not in level_ids:
                error = f"{band_label(band)}: choose one of the levels, or none"
                break
            mapping[band] = level_ids.get(chosen)
        if error is None:
            with unit_of_work(on_refused=lambda exc: form.form_errors.append(exc.message)) as saved:
                service.set_band_map(session=db, strategy=strategy, mapping=mapping, actor=current_user)
            if saved:
                flash("Band map saved.", "success")
                return _back(strategy, "#levels")
        else:
            form.form_errors.append(error)
        current = {b: v for b, v in mapping.items() if v is not None}  # as chosen, shown again
    groups = [("bands", "Agenda for Change bands and board roles", "Band", "Not a leadership band", pay_bands()),
              ("grades", "Medical and dental grades", "Grade", "Not a leadership grade", medical_grades()),
              ("roles", "Job roles", "Job role", "The band or grade decides", job_roles())]
    return render_template("structure/bands.html", strategy=strategy, form=form, levels=levels,
                           current=current, groups=groups)
