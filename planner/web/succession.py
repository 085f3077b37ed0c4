"""The Forecast step's Succession page: the succession register (typed in per area and level, or
imported whole), its pipeline beside the scenario's ready for promotion rate, and the successor pool's
diversity as the reader may see it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner import succession as rules
from planner.db import get_session
from planner.models import Area, Level, Strategy, SuccessionEntry
from planner.services import ServiceError, uploads
from planner.services import diversity as diversity_service
from planner.services import succession as service
from planner.services.structure import area_depths, areas_of, levels_of
from planner.services.uploads import SuccessionResult
from planner.web.audience import page_audience
from planner.web.context import strategy_and_scenario
from planner.web.fields import named_record_id, record_id, whole
from planner.web.forms import ConfirmForm, EditForm
from planner.web.forms_workforce import SheetForm, SuccessionEditForm, SuccessionForm
from planner.web.tenancy import acting_org, child_or_404, require, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.uploads import Received, receive
from planner.web.util import note_stale

bp = Blueprint("succession", __name__, url_prefix="/strategies/<int:strategy_id>/forecast/succession")
LABELS = {"area": "Area", "level": "Level", **rules.FIGURES}


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """The register, its pipeline against the scenario's, and the successor pool's diversity."""
    strategy, scenario, all_scenarios = strategy_and_scenario(strategy_id)
    db = get_session()
    audience = page_audience()
    organisation = acting_org()
    report = service.succession_report(db, strategy, organisation, scenario, audience=audience)
    return render_template("succession/index.html", strategy=strategy, scenario=scenario, scenarios=all_scenarios,
                           report=report, figures=rules.FIGURES, form=ConfirmForm(),
                           unsuppressed=audience == "internal",
                           threshold=organisation.suppression_threshold)


def _stored_values(entry: Any) -> dict[str, str]:
    return {key: str(getattr(entry, key)) for key in rules.FIGURES}


@bp.route("/entry", methods=["GET", "POST"])
@require("scenario.edit")
def entry(strategy_id: int) -> str | Response | tuple[str, int]:
    """Add the register's row for an area and level (chosen on the form), or change one (?area=ID&level=ID)."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    areas, levels = areas_of(db, strategy), levels_of(db, strategy)
    # Changing a row names it in the address; adding one chooses its area and level on the form.
    area_id = named_record_id(request.args.get("area"))
    level_id = named_record_id(request.args.get("level"))
    area = child_or_404(Area, area_id, strategy) if area_id else None
    level = child_or_404(Level, level_id, strategy) if level_id else None
    stored = next((e for e in service.entries_of(db, strategy)
                   if area and level and e.area_id == area.id and e.level_id == level.id), None)
    characteristics = diversity_service.all_named(db, strategy.organisation_id)
    pools = service.pools_of(db, strategy).get(stored.id, {}) if stored else {}
    form = SuccessionEditForm(version=stored.version) if stored is not None else SuccessionForm()
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.validate_on_submit():
        if stored is None:
            chosen_area = named_record_id(form.area.data)
            chosen_level = named_record_id(form.level.data)
            area = next((a for a in areas if a.id == chosen_area), None)
            level = next((lv for lv in levels if lv.id == chosen_level), None)
        if area is None:
            errors.append(("area", "Choose an area"))
        if level is None:
            errors.append(("level", "Choose a level"))
        figures: dict[str, int | None] = {}
        for key, label in rules.FIGURES.items():
            raw: str = form[key].data
            if not raw.strip():
                errors.append((key, f"Enter the number of {label.lower()} (0 if there are none)"
                               if key != "critical_roles" else "Enter the number of critical roles"))
            figures[key] = whole(raw, label, errors, key)
        pool: dict[str, dict[str, int]] = {}
        for char in characteristics:
            typed = {g.key: request.form.get(f"pool-{char.key}-{g.key}", "") for g in char.groups}
            if any(v.strip() for v in typed.values()):
                pool[char.key] = {g: whole(v, f"{char.name}: {next(x.name for x in char.groups if x.key == g)}",
                                           errors, f"pool-{char.key}-{g}") for g, v in typed.items()}
        if not errors:
            assert area is not None and level is not None
            with unit_of_work(on_refused=lambda exc: _refused(form, exc, errors)) as saved:
                service.save_entry(session=db, strategy=strategy, area_id=area.id, level_id=level.id,
                                   figures=figures, pool=pool, actor=current_user,
                                   version=form.version.data if isinstance(form, EditForm) else None,
                                   new=stored is None)
            if saved:
                flash(f"Succession register saved for {area.name}, {level.name.lower()}.", "success")
                return redirect(url_for("succession.index", strategy_id=strategy.id))
    if errors or form.errors:
        values = dict(request.form)
    elif stored is not None:
        values = {**_stored_values(stored), **{f"pool-{c}-{g}": str(n) for c, groups in pools.items()
                                               for g, n in groups.items()}}
    else:
        values = {"area": str(area.id) if area else "", "level": str(level.id) if level else ""}
    return render_template("succession/entry.html", strategy=strategy, areas=areas, depths=area_depths(areas),
                           levels=levels, area=area, level=level, stored=stored, form=form, errors=errors,
                           values=values, figures=rules.FIGURES, characteristics=characteristics), (
        400 if errors or form.errors else 200)


def _refused(form: SuccessionForm, error: ServiceError, errors: list[tuple[str, str]]) -> None:
    """Show a refused save on the box it names, and beside a stale save what is stored now."""
    field = error.field or ""
    if ":" in field:  # the rule names a pool field as characteristic:group
        field = "pool-" + field.replace(":", "-")
    errors.append((field, error.message))
    note_stale(form, error, _stored_values, form.data, rules.FIGURES)


@bp.route("/entry/<int:entry_id>/delete", methods=["POST"])
@require("scenario.edit")
def delete(strategy_id: int, entry_id: int) -> Response:
    """Take one area and level out of the register."""
    strategy = strategy_or_404(strategy_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        row = child_or_404(SuccessionEntry, record_id(str(entry_id)) or 0, strategy)
        service.delete_entry(session=get_session(), entry=row, actor=current_user)
        flash("Row taken out of the succession register.", "success")
    return redirect(url_for("succession.index", strategy_id=strategy.id))


@bp.route("/import", methods=["GET", "POST"])
@require("scenario.edit")
def import_register(strategy_id: int) -> str | Response | tuple[str, int]:
    """Upload the whole register (one row per area and level); all or nothing, replacing what is stored."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    form = SheetForm()
    errors: list[tuple[str, str]] = []
    received: Received[SuccessionResult] = Received()
    if form.validate_on_submit():
        received = receive(
            errors, "register", missing="Choose a succession register (CSV or Excel .xlsx) to upload",
            read=lambda data, name: uploads.read_register(db, strategy, data, name,
                                                          sheet=form.sheet.data or None),
            store=lambda result, name: _replace(strategy, result, name),
            to=url_for("succession.index", strategy_id=strategy.id))
        if received.done:
            return received.done
    return render_template("succession/import.html", strategy=strategy, form=form, errors=errors,
                           result=received.result, levels=levels_of(db, strategy),
                           pool_columns=rules.POOL_COLUMNS), received.status(errors)


def _replace(strategy: Strategy, result: SuccessionResult, filename: str) -> str:
    """Store a file's register in place of the one held; what to tell the person who sent it."""
    held = service.replace_register(session=get_session(), strategy=strategy, rows=result.rows,
                                    actor=current_user, source=f"file {filename}")
    return f"Imported the succession register: {held:,} area and level rows. It replaces the register held before."
