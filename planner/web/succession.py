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
from planner.models import Area, Level, Scenario, Strategy, SuccessionEntry
from planner.services import ServiceError
from planner.services import diversity as diversity_service
from planner.services import succession as service
from planner.services.scenarios import scenarios_of
from planner.services.structure import area_depths, areas_of, levels_of
from planner.web.audience import page_audience
from planner.web.fields import named_record_id, record_id, whole
from planner.web.forms import ConfirmForm, EditForm
from planner.web.tenancy import child_or_404, current_org, require, strategy_or_404
from planner.web.util import note_stale

bp = Blueprint("succession", __name__, url_prefix="/strategies/<int:strategy_id>/forecast/succession")
LABELS = {"area": "Area", "level": "Level", **rules.FIGURES}


def _chosen_scenario(strategy: Strategy) -> tuple[Scenario | None, list[Scenario]]:
    """The scenario named in ?scenario=ID (this strategy's only), else the first."""
    found = scenarios_of(get_session(), strategy)
    wanted = named_record_id(request.args.get("scenario"))
    if wanted is not None:
        return child_or_404(Scenario, wanted, strategy), found
    return (found[0] if found else None), found


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """The register, its pipeline against the scenario's, and the successor pool's diversity."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    scenario, all_scenarios = _chosen_scenario(strategy)
    audience = page_audience()
    report = service.succession_report(db, strategy, current_org(), scenario, audience=audience)  # type: ignore[arg-type]
    return render_template("succession/index.html", strategy=strategy, scenario=scenario, scenarios=all_scenarios,
                           report=report, figures=rules.FIGURES, form=ConfirmForm(),
                           unsuppressed=audience == "internal",
                           threshold=current_org().suppression_threshold)  # type: ignore[union-attr]


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
    form: ConfirmForm | EditForm = EditForm(obj=stored) if stored is not None else ConfirmForm()
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.validate_on_submit():
        if stored is None:
            chosen_area = named_record_id(request.form.get("area"))
            chosen_level = named_record_id(request.form.get("level"))
            area = next((a for a in areas if a.id == chosen_area), None)
            level = next((lv for lv in levels if lv.id == chosen_level), None)
        if area is None:
            errors.append(("area", "Choose an area"))
        if level is None:
            errors.append(("level", "Choose a level"))
        figures: dict[str, int | None] = {}
        for key, label in rules.FIGURES.items():
            raw = request.form.get(key, "")
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
            try:
                service.save_entry(session=db, strategy=strategy, area_id=area.id, level_id=level.id,
                                   figures=figures, pool=pool, actor=current_user,
                                   version=form.version.data if isinstance(form, EditForm) else None,
                                   new=stored is None)
            except ServiceError as exc:
                db.rollback()
                field = exc.field or ""
                if ":" in field:  # the rule names a pool field as characteristic:group
                    field = "pool-" + field.replace(":", "-")
                errors.append((field, exc.message))
                note_stale(form, exc, _stored_values, request.form, rules.FIGURES)
            else:
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
    from planner.imports import ImportRefused
    from planner.imports.succession import read_succession

    strategy = strategy_or_404(strategy_id)
    db = get_session()
    form = ConfirmForm()
    errors: list[tuple[str, str]] = []
    result = None
    if form.validate_on_submit():
        upload = request.files.get("register")
        if upload is None or not upload.filename:
            errors.append(("register", "Choose a succession register (CSV or Excel .xlsx) to upload"))
        else:
            try:
                result = read_succession(upload.read(), upload.filename, **service.import_lookups(db, strategy),
                                         sheet=request.form.get("sheet") or None)
            except ImportRefused as exc:
                errors.append(("register", exc.message))
            else:
                if result.importable:
                    held = service.replace_register(session=db, strategy=strategy, rows=result.rows,
                                                    actor=current_user, source=f"file {upload.filename}")
                    flash(f"Imported the succession register: {held:,} area and level rows. It replaces the "
                          "register held before.", "success")
                    return redirect(url_for("succession.index", strategy_id=strategy.id))
    status = 400 if errors or (result is not None and not result.importable) else 200
    return render_template("succession/import.html", strategy=strategy, form=form, errors=errors, result=result,
                           levels=levels_of(db, strategy), pool_columns=rules.POOL_COLUMNS), status

