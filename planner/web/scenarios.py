"""Scenario assumptions: level rates, area growth and spans, overrides, uncertainty; and making,
copying, renaming and deleting scenarios. Rates are typed as percentages, as planners quote them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Area, Level, Scenario, Strategy
from planner.services import ServiceError
from planner.services import scenarios as service
from planner.services.editing import StaleEdit
from planner.services.scenarios import RATE_FIELDS, AreaAssumptions
from planner.services.structure import levels_of
from planner.web.fields import number, percent, record_id, whole
from planner.web.filters import percent_list
from planner.web.forms import ConfirmForm, EditForm
from planner.web.forms_workforce import OverrideForm, ScenarioEditForm, ScenarioForm, UncertaintyForm
from planner.web.tenancy import child_or_404, require, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import attempt, note_stale

bp = Blueprint("scenarios", __name__, url_prefix="/strategies/<int:strategy_id>/scenarios")

Errors = list[tuple[str, str]]
Boxes = tuple[dict[str, str], dict[str, str]]  # a form's boxes as they would open now (name to text), and labels
T = TypeVar("T")
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


@dataclass
class _Assumptions:
    """What a scenario's assumption pages show: its levels, the areas forecast and their stored assumptions."""

    strategy: Strategy
    scenario: Scenario
    levels: list[Level]
    areas: list[Area]
    current: dict[int, AreaAssumptions]


def _assumptions(strategy_id: int, scenario_id: int) -> _Assumptions:
    strategy, scenario = _load(strategy_id, scenario_id)
    db = get_session()
    return _Assumptions(strategy, scenario, levels_of(db, strategy), service.forecast_areas(db, strategy),
                        service.area_assumptions(db, scenario))


def _boxes_page(strategy: Strategy, scenario: Scenario, template: str, *, read: Callable[[Errors], T],
                save: Callable[[T, int | None], object], boxes: Callable[[Scenario], Boxes], saved: str,
                **shown: object) -> str | Response | tuple[str, int]:
    """A form of many boxes for one scenario, saved all or nothing: `read(errors)` reads the boxes, and
    when every one could be read, `save(figures, version)` stores them in one unit of work; a stale save
    shows `boxes(scenario)` as stored now beside what was typed. The page again shows what was typed."""
    errors: Errors = []
    values: dict[str, str] = {}
    form = EditForm(obj=scenario)
    if form.validate_on_submit():
        figures = read(errors)
        if not errors and attempt(errors, lambda: save(figures, form.version.data), lambda exc: note_stale(
                form, exc, lambda stored: boxes(stored)[0], request.form, boxes(scenario)[1])):
            flash(saved, "success")
            return _back(strategy, scenario)
    if form.is_submitted():
        values = dict(request.form)
    return render_template(template, strategy=strategy, scenario=scenario, form=form, errors=errors,
                           error_fields={f for f, _ in errors}, values=values, **shown), (
        400 if errors or form.errors else 200)


@bp.route("/<int:scenario_id>/levels", methods=["GET", "POST"])
@require("scenario.edit")
def levels(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Leaver, ready-for-promotion and internal-fill rates for each level."""
    strategy, scenario = _load(strategy_id, scenario_id)
    db = get_session()
    level_rows = levels_of(db, strategy)
    measured, _cells = service.measured_rates(db, scenario)

    def read(errors: Errors) -> dict[int, dict[str, float]]:
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
        return rates

    return _boxes_page(
        strategy, scenario, "scenarios/levels.html", read=read,
        save=lambda rates, version: service.save_level_assumptions(
            session=db, strategy=strategy, scenario=scenario, rates=rates, actor=current_user, version=version),
        boxes=lambda shown: _level_boxes(strategy, shown, level_rows),
        saved=f"Level assumptions of '{scenario.name}' saved.",
        levels=level_rows, current=service.level_assumptions(db, strategy, scenario), measured=measured)


def _growth(raw: str, area: Area, horizon: int, errors: Errors) -> float | list[float]:
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
    page = _assumptions(strategy_id, scenario_id)
    strategy, scenario = page.strategy, page.scenario

    def read(errors: Errors) -> dict[int, AreaAssumptions]:
        updated: dict[int, AreaAssumptions] = {}
        for area in page.areas:
            existing = page.current.get(area.id)
            growth = _growth(request.form.get(f"growth-{area.id}", ""), area, strategy.horizon, errors)
            spans: dict[int, float] = {}
            for level in page.levels:
                name = f"span-{area.id}-{level.id}"
                span = number(request.form.get(name, ""), f"{area.name}: {level.name.lower()} span", errors, name)
                if span is not None:
                    spans[level.id] = span
            updated[area.id] = AreaAssumptions(growth, spans, existing.overrides if existing else {})
        return updated

    return _boxes_page(
        strategy, scenario, "scenarios/areas.html", read=read,
        save=lambda updated, version: service.save_area_assumptions(
            session=get_session(), strategy=strategy, scenario=scenario, areas=updated, actor=current_user,
            version=version),
        boxes=lambda shown: _area_boxes(strategy, shown, page.levels, page.areas),
        saved=f"Growth and spans of '{scenario.name}' saved.",
        levels=page.levels, areas=page.areas, current=page.current)


def _override_problems(errors: Errors, error: ServiceError) -> None:
    """A refused override's problems, on the rate boxes of the one form they came from."""
    errors.extend((f.rsplit("-", 1)[-1] if f.startswith("override-") else f, m) for f, m in error.problems)


@bp.route("/<int:scenario_id>/overrides", methods=["GET", "POST"])
@require("scenario.edit")
def overrides(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Rates that differ in one area from its level's: list them, set one, or clear one."""
    page = _assumptions(strategy_id, scenario_id)
    strategy, scenario = page.strategy, page.scenario
    errors: Errors = []
    form = OverrideForm()
    if form.validate_on_submit():
        area = child_or_404(Area, record_id(form.area_id.data) or 0, strategy)
        level = child_or_404(Level, record_id(form.level_id.data) or 0, strategy)
        rates: dict[str, float] = {}
        if form.action.data != "clear":
            for f in RATE_FIELDS:
                value = percent(form[f].data, f"{RATE_LABELS[f].capitalize()}", errors, f)
                if value is not None:
                    rates[f] = value
            if not rates and not errors:
                errors.append(("leaver_rate", "Enter at least one rate for this area and level, or clear the override"))
        if not errors:
            existing = page.current.get(area.id) or AreaAssumptions(0.0, {}, {})
            new_overrides = dict(existing.overrides)
            if rates:
                new_overrides[level.id] = rates
            else:
                new_overrides.pop(level.id, None)
            with unit_of_work(on_refused=partial(_override_problems, errors)) as saved:
                service.save_area_assumptions(
                    session=get_session(), strategy=strategy, scenario=scenario, actor=current_user,
                    areas={area.id: AreaAssumptions(existing.staff_growth, existing.spans, new_overrides)},
                )
            if saved:
                done = "saved" if rates else "cleared"
                flash(f"Override for {area.name}, {level.name.lower()} {done}.", "success")
                return redirect(url_for("scenarios.overrides", strategy_id=strategy.id, scenario_id=scenario.id))
    return render_template("scenarios/overrides.html", strategy=strategy, scenario=scenario, levels=page.levels,
                           areas=page.areas, current=page.current,
                           measured=service.measured_rates(get_session(), scenario)[1], form=form, errors=errors,
                           values=dict(request.form) if errors else {}), (400 if errors else 200)


def _stale_uncertainty(form: UncertaintyForm, on: bool, error: ServiceError) -> None:
    """Beside a stale save of the uncertainty settings, the settings as stored now."""
    note_stale(form, error, lambda stored: {
        "bands": "Yes" if stored.simulations else "No", "simulations": stored.simulations or "",
        "seed": stored.seed}, {**form.data, "bands": "Yes" if on else "No"},
        {"bands": "Show uncertainty bands?", "simulations": "Number of simulations", "seed": "Seed"})


@bp.route("/<int:scenario_id>/uncertainty", methods=["GET", "POST"])
@require("scenario.edit")
def uncertainty(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Switch the uncertainty bands on or off: how many simulations, and the seed."""
    strategy, scenario = _load(strategy_id, scenario_id)
    errors: list[tuple[str, str]] = []
    form = UncertaintyForm(version=scenario.version)
    if form.validate_on_submit():
        on = form.bands.data == "on"
        simulations = seed = None
        raw_sims, raw_seed = form.simulations.data, form.seed.data
        if on and not raw_sims.strip():
            errors.append(("simulations", "Enter the number of simulations as a whole number, like 1000"))
        elif on:
            simulations = whole(raw_sims, "The number of simulations", errors, "simulations", example="1000")
        if not raw_seed.strip():
            errors.append(("seed", "Enter the seed as a whole number, like 7"))
        else:
            seed = whole(raw_seed, "The seed", errors, "seed", example="7")
        if not errors:
            # An AssumptionError names each box it refuses; any other refusal names one box, or none.
            with unit_of_work(errors=errors, on_refused=partial(_stale_uncertainty, form, on)) as saved:
                service.save_uncertainty(session=get_session(), strategy=strategy, scenario=scenario,
                                         simulations=simulations, seed=seed or 0, actor=current_user,
                                         version=form.version.data)
            if saved:
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
    form = ScenarioForm()
    if form.validate_on_submit():
        source_id = record_id(form.copy_from.data)
        source = child_or_404(Scenario, source_id, strategy) if source_id else None
        with unit_of_work(errors=errors, field="name") as created:
            if source is not None:
                scenario = service.copy_scenario(session=db, strategy=strategy, source=source,
                                                 name=form.name.data, actor=current_user)
            else:
                scenario = service.create_scenario(session=db, strategy=strategy, name=form.name.data,
                                                   description=form.description.data,
                                                   actor=current_user)
        if created:
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
    form = ScenarioEditForm(version=scenario.version)
    if form.validate_on_submit():
        with unit_of_work(on_refused=partial(_rename_refused, form, errors)) as saved:
            service.rename_scenario(session=get_session(), strategy=strategy, scenario=scenario,
                                    name=form.name.data, description=form.description.data,
                                    actor=current_user, version=form.version.data)
        if saved:
            flash("Scenario saved.", "success")
            return _back(strategy, scenario)
    values = (dict(request.form) if errors or form.errors
              else {"name": scenario.name, "description": scenario.description})
    return render_template("scenarios/rename.html", strategy=strategy, scenario=scenario, form=form, errors=errors,
                           values=values), (400 if errors or form.errors else 200)


def _rename_refused(form: ScenarioEditForm, errors: Errors, error: ServiceError) -> None:
    """A refused rename on the name box (a stale one above the form, with what is stored now beside it)."""
    errors.append(("" if isinstance(error, StaleEdit) else error.field or "name", error.message))
    note_stale(form, error, lambda stored: {"name": stored.name, "description": stored.description},
               form.data, {"name": "Name", "description": "Description"})


@bp.route("/<int:scenario_id>/delete", methods=["GET", "POST"])
@require("scenario.edit")
def delete(strategy_id: int, scenario_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then delete a scenario (a strategy keeps at least one)."""
    strategy, scenario = _load(strategy_id, scenario_id)
    form = ConfirmForm()
    errors: list[tuple[str, str]] = []
    if form.validate_on_submit():
        with unit_of_work(on_refused=lambda exc: errors.append(("", exc.message))) as deleted:
            service.delete_scenario(session=get_session(), strategy=strategy, scenario=scenario, actor=current_user)
        if deleted:
            flash(f"Scenario '{scenario.name}' deleted.", "success")
            return redirect(url_for("forecast.index", strategy_id=strategy.id))
    return render_template("scenarios/delete.html", strategy=strategy, scenario=scenario, form=form,
                           errors=errors), (409 if errors else 200)
