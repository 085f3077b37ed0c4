"""Scenario assumptions: level rates, area growth and spans, overrides, uncertainty; and making,
copying, renaming and deleting scenarios. Rates are typed as percentages, as planners quote them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Area, Level, Scenario, Strategy
from planner.services import ServiceError
from planner.services import scenarios as service
from planner.services.editing import StaleEdit
from planner.services.scenarios import RATE_FIELDS, AreaAssumptions, AssumptionError
from planner.services.structure import levels_of
from planner.web.fields import number, percent, record_id, whole
from planner.web.filters import percent_list
from planner.web.forms import ConfirmForm, EditForm
from planner.web.tenancy import child_or_404, require, strategy_or_404
from planner.web.util import attempt, note_stale

bp = Blueprint("scenarios", __name__, url_prefix="/strategies/<int:strategy_id>/scenarios")

RATE_LABELS = {"leaver_rate": "leaver rate", "ready_rate": "ready for promotion", "internal_fill_max": "internal fill"}


def _load(strategy_id: int, scenario_id: int) -> tuple[Strategy, Scenario]:
    strategy = strategy_or_404(strategy_id)
    return strategy, child_or_404(Scenario, scenario_id, strategy)


def _level_boxes(strategy: Strategy, scenario: Scenario,
                 level_rows: list[Level]) -> tuple[dict[str, str], dict[str, str]]:
    """The level rates form as it would open now (box name to text), and each box's label."""
    current = service.level_assumptions(get_session(), strategy, scenario)
    measured, _cells = service.measured_rates(get_session(), scenario)
    values, labels = {}, {}
    for level in level_rows:
        for f in RATE_FIELDS:
            name = f"{f}-{level.id}"
            values[name] = f"{current[level.id][f] * 100:g}"
            if f == "leaver_rate" and level.id in measured:
                values[name] = ""  # measured rates: the box is for typing one over them
            labels[name] = f"{level.name}: {RATE_LABELS[f]} (%)"
    return values, labels


def _area_boxes(strategy: Strategy, scenario: Scenario, level_rows: list[Level],
                area_rows: list[Area]) -> tuple[dict[str, str], dict[str, str]]:
    """The growth and spans form as it would open now (box name to text), and each box's label."""
    current = service.area_assumptions(get_session(), scenario)
    values, labels = {}, {}
    for area in area_rows:
        own = current.get(area.id)
        values[f"growth-{area.id}"] = percent_list(own.staff_growth) if own else "0"
        labels[f"growth-{area.id}"] = f"{area.name}: staff growth (% a year)"
        for level in level_rows:
            name = f"span-{area.id}-{level.id}"
            values[name] = f"{own.spans[level.id]:g}" if own and level.id in own.spans else ""
            labels[name] = f"{area.name}: {level.name.lower()} staff per leader"
    return values, labels


def _back(strategy: Strategy, scenario: Scenario) -> Response:
    return redirect(url_for("forecast.index", strategy_id=strategy.id, scenario=scenario.id))


@bp.route("/<int:scenario_id>/levels", methods=["GET", "POST"])
@require("scenario.edit")
def levels(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Leaver, ready-for-promotion and internal-fill rates for each level."""
    strategy, scenario = _load(strategy_id, scenario_id)
    db = get_session()
    level_rows = levels_of(db, strategy)
    current = service.level_assumptions(db, strategy, scenario)
    measured, _cells = service.measured_rates(db, scenario)
    errors: list[tuple[str, str]] = []
    values: dict[str, str] = {}
    form = EditForm(obj=scenario)
    if form.validate_on_submit():
        rates: dict[int, dict[str, float]] = {}
        for level in level_rows:
            rates[level.id] = {}
            for f in RATE_FIELDS:
                name = f"{f}-{level.id}"
                # A measured level's empty leaver rate box keeps its measured yearly rates.
                keep = measured[level.id].rate if f == "leaver_rate" and level.id in measured else 0.0
                value = percent(request.form.get(name, ""), f"{level.name}: {RATE_LABELS[f]}", errors, name,
                                blank=keep)
                rates[level.id][f] = value if value is not None else 0.0
        if not errors and attempt(errors, lambda: service.save_level_assumptions(
                session=db, strategy=strategy, scenario=scenario, rates=rates, actor=current_user,
                version=form.version.data), lambda exc: note_stale(
                form, exc, lambda stored: _level_boxes(strategy, stored, level_rows)[0], request.form,
                _level_boxes(strategy, scenario, level_rows)[1])):
            flash(f"Level assumptions of '{scenario.name}' saved.", "success")
            return _back(strategy, scenario)
    if form.is_submitted():
        values = dict(request.form)
    return render_template("scenarios/levels.html", strategy=strategy, scenario=scenario, levels=level_rows,
                           current=current, measured=measured, form=form, errors=errors,
                           error_fields={f for f, _ in errors}, values=values), (400 if errors or form.errors else 200)


def _growth(raw: str, area: Area, horizon: int, errors: list[tuple[str, str]]) -> float | list[float]:
    field = f"growth-{area.id}"
    parts = [p for p in raw.replace(";", ",").split(",") if p.strip()] if "," in raw or ";" in raw else [raw]
    if len(parts) > 1:
        values = [percent(p, f"{area.name}: staff growth", errors, field, blank=0.0) for p in parts]
        if len(values) != horizon:
            errors.append((field, f"{area.name}: staff growth needs one rate, or exactly {horizon} rates "
                                  f"(one per year) separated by commas; {len(values)} were given"))
        return [v or 0.0 for v in values]
    value = percent(raw, f"{area.name}: staff growth", errors, field, blank=0.0)
    return value or 0.0


@bp.route("/<int:scenario_id>/areas", methods=["GET", "POST"])
@require("scenario.edit")
def areas(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Staff growth and spans of control for every area that holds staff or leaders."""
    strategy, scenario = _load(strategy_id, scenario_id)
    db = get_session()
    level_rows = levels_of(db, strategy)
    area_rows = service.forecast_areas(db, strategy)
    current = service.area_assumptions(db, scenario)
    errors: list[tuple[str, str]] = []
    values: dict[str, str] = {}
    form = EditForm(obj=scenario)
    if form.validate_on_submit():
        updated: dict[int, AreaAssumptions] = {}
        for area in area_rows:
            existing = current.get(area.id)
            growth = _growth(request.form.get(f"growth-{area.id}", ""), area, strategy.horizon, errors)
            spans: dict[int, float] = {}
            for level in level_rows:
                name = f"span-{area.id}-{level.id}"
                span = number(request.form.get(name, ""), f"{area.name}: {level.name.lower()} span", errors, name)
                if span is not None:
                    spans[level.id] = span
            updated[area.id] = AreaAssumptions(growth, spans, existing.overrides if existing else {})
        if not errors and attempt(errors, lambda: service.save_area_assumptions(
                session=db, strategy=strategy, scenario=scenario, areas=updated, actor=current_user,
                version=form.version.data), lambda exc: note_stale(
                form, exc, lambda stored: _area_boxes(strategy, stored, level_rows, area_rows)[0], request.form,
                _area_boxes(strategy, scenario, level_rows, area_rows)[1])):
            flash(f"Growth and spans of '{scenario.name}' saved.", "success")
            return _back(strategy, scenario)
    if form.is_submitted():
        values = dict(request.form)
    return render_template("scenarios/areas.html", strategy=strategy, scenario=scenario, levels=level_rows,
                           areas=area_rows, current=current, form=form, errors=errors,
                           error_fields={f for f, _ in errors}, values=values), (400 if errors or form.errors else 200)


@bp.route("/<int:scenario_id>/overrides", methods=["GET", "POST"])
@require("scenario.edit")
def overrides(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Rates that differ in one area from its level's: list them, set one, or clear one."""
    strategy, scenario = _load(strategy_id, scenario_id)
    db = get_session()
    level_rows = levels_of(db, strategy)
    area_rows = service.forecast_areas(db, strategy)
    current = service.area_assumptions(db, scenario)
    errors: list[tuple[str, str]] = []
    form = ConfirmForm()
    if form.validate_on_submit():
        area = child_or_404(Area, record_id(request.form.get("area_id")) or 0, strategy)
        level = child_or_404(Level, record_id(request.form.get("level_id")) or 0, strategy)
        rates: dict[str, float] = {}
        if request.form.get("action") != "clear":
            for f in RATE_FIELDS:
                value = percent(request.form.get(f, ""), f"{RATE_LABELS[f].capitalize()}", errors, f)
                if value is not None:
                    rates[f] = value
            if not rates and not errors:
                errors.append(("leaver_rate", "Enter at least one rate for this area and level, or clear the override"))
        if not errors:
            existing = current.get(area.id) or AreaAssumptions(0.0, {}, {})
            new_overrides = dict(existing.overrides)
            if rates:
                new_overrides[level.id] = rates
            else:
                new_overrides.pop(level.id, None)
            try:
                service.save_area_assumptions(
                    session=db, strategy=strategy, scenario=scenario, actor=current_user,
                    areas={area.id: AreaAssumptions(existing.staff_growth, existing.spans, new_overrides)},
                )
            except AssumptionError as exc:
                db.rollback()
                errors.extend((f.rsplit("-", 1)[-1] if f.startswith("override-") else f, m) for f, m in exc.problems)
            else:
                done = "saved" if rates else "cleared"
                flash(f"Override for {area.name}, {level.name.lower()} {done}.", "success")
                return redirect(url_for("scenarios.overrides", strategy_id=strategy.id, scenario_id=scenario.id))
    return render_template("scenarios/overrides.html", strategy=strategy, scenario=scenario, levels=level_rows,
                           areas=area_rows, current=current, measured=service.measured_rates(db, scenario)[1],
                           form=form, errors=errors,
                           values=dict(request.form) if errors else {}), (400 if errors else 200)


@bp.route("/<int:scenario_id>/uncertainty", methods=["GET", "POST"])
@require("scenario.edit")
def uncertainty(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Switch the uncertainty bands on or off: how many simulations, and the seed."""
    strategy, scenario = _load(strategy_id, scenario_id)
    errors: list[tuple[str, str]] = []
    form = EditForm(obj=scenario)
    if form.validate_on_submit():
        on = request.form.get("bands") == "on"
        simulations = seed = None
        raw_sims, raw_seed = request.form.get("simulations", ""), request.form.get("seed", "")
        if on and not raw_sims.strip():
            errors.append(("simulations", "Enter the number of simulations as a whole number, like 1000"))
        elif on:
            simulations = whole(raw_sims, "The number of simulations", errors, "simulations", example="1000")
        if not raw_seed.strip():
            errors.append(("seed", "Enter the seed as a whole number, like 7"))
        else:
            seed = whole(raw_seed, "The seed", errors, "seed", example="7")
        if not errors:
            try:
                service.save_uncertainty(session=get_session(), strategy=strategy, scenario=scenario,
                                         simulations=simulations, seed=seed or 0, actor=current_user,
                                         version=form.version.data)
            except AssumptionError as exc:
                get_session().rollback()
                errors.extend(exc.problems)
            except ServiceError as exc:
                get_session().rollback()
                errors.append((exc.field or "", exc.message))
                note_stale(form, exc, lambda stored: {
                    "bands": "Yes" if stored.simulations else "No", "simulations": stored.simulations or "",
                    "seed": stored.seed}, {**request.form, "bands": "Yes" if on else "No"},
                    {"bands": "Show uncertainty bands?", "simulations": "Number of simulations", "seed": "Seed"})
            else:
                flash("Uncertainty settings saved.", "success")
                return _back(strategy, scenario)
    return render_template("scenarios/uncertainty.html", strategy=strategy, scenario=scenario, form=form,
                           errors=errors, max_simulations=service.MAX_SIMULATIONS,
                           values=dict(request.form) if errors or form.errors else {}), (
        400 if errors or form.errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@require("scenario.edit")
def create(strategy_id: int) -> str | Response | tuple[str, int]:
    """A new scenario: a copy of an existing one, or from default rates."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    existing = service.scenarios_of(db, strategy)
    errors: list[tuple[str, str]] = []
    form = ConfirmForm()
    if form.validate_on_submit():
        source_id = record_id(request.form.get("copy_from"))
        try:
            if source_id:
                source = child_or_404(Scenario, source_id, strategy)
                scenario = service.copy_scenario(session=db, strategy=strategy, source=source,
                                                 name=request.form.get("name", ""), actor=current_user)
            else:
                scenario = service.create_scenario(session=db, strategy=strategy, name=request.form.get("name", ""),
                                                   description=request.form.get("description", ""),
                                                   actor=current_user)
        except ServiceError as exc:
            db.rollback()
            errors.append((exc.field or "name", exc.message))
        else:
            flash(f"Scenario '{scenario.name}' created.", "success")
            return _back(strategy, scenario)
    return render_template("scenarios/new.html", strategy=strategy, scenarios=existing, form=form, errors=errors,
                           values=dict(request.form)), (400 if errors else 200)


@bp.route("/<int:scenario_id>/edit", methods=["GET", "POST"])
@require("scenario.edit")
def rename(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Rename a scenario or change its description."""
    strategy, scenario = _load(strategy_id, scenario_id)
    errors: list[tuple[str, str]] = []
    form = EditForm(obj=scenario)
    if form.validate_on_submit():
        try:
            service.rename_scenario(session=get_session(), strategy=strategy, scenario=scenario,
                                    name=request.form.get("name", ""), description=request.form.get("description", ""),
                                    actor=current_user, version=form.version.data)  # type: ignore[arg-type]
        except ServiceError as exc:
            get_session().rollback()
            errors.append(("" if isinstance(exc, StaleEdit) else exc.field or "name", exc.message))
            note_stale(form, exc, lambda stored: {"name": stored.name, "description": stored.description},
                       request.form, {"name": "Name", "description": "Description"})
        else:
            flash("Scenario saved.", "success")
            return _back(strategy, scenario)
    values = (dict(request.form) if errors or form.errors
              else {"name": scenario.name, "description": scenario.description})
    return render_template("scenarios/rename.html", strategy=strategy, scenario=scenario, form=form, errors=errors,
                           values=values), (400 if errors or form.errors else 200)


@bp.route("/<int:scenario_id>/delete", methods=["GET", "POST"])
@require("scenario.edit")
def delete(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then delete a scenario (a strategy keeps at least one)."""
    strategy, scenario = _load(strategy_id, scenario_id)
    form = ConfirmForm()
    errors: list[tuple[str, str]] = []
    if form.validate_on_submit():
        try:
            service.delete_scenario(session=get_session(), strategy=strategy, scenario=scenario, actor=current_user)
        except ServiceError as exc:
            errors.append(("", exc.message))
        else:
            flash(f"Scenario '{scenario.name}' deleted.", "success")
            return redirect(url_for("forecast.index", strategy_id=strategy.id))
    return render_template("scenarios/delete.html", strategy=strategy, scenario=scenario, form=form,
                           errors=errors), (409 if errors else 200)
