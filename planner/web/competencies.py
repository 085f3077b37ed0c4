"""The Competencies step: frameworks, required steps, assessed capability, gaps and the plan."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.competencies.frameworks import default_frameworks
from planner.competencies.gaps import KINDS as INTERVENTION_KINDS
from planner.db import get_session
from planner.models import Area, Competency, Intervention, Level, Strategy
from planner.services import ServiceError, chart_set
from planner.services import competencies as service
from planner.services.editing import StaleEdit
from planner.services.structure import area_depths, areas_of, levels_of
from planner.web.confirm import (
    Page,
    form_status,
    record_form,
    record_pages,
    removal_page,
    upload_page,
    version_of,
)
from planner.web.fields import amount, named_record_id, record_id, whole
from planner.web.forms import ConfirmForm, EditForm
from planner.web.forms_engagement import CompetencyEditForm, CompetencyForm, InterventionEditForm, InterventionForm
from planner.web.tenancy import child_or_404, current_org, require, scoped_or_404, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import note_stale

bp = Blueprint("competencies", __name__, url_prefix="/strategies/<int:strategy_id>/competencies")


def _ready(strategy: Strategy) -> service.Catalogue:
    """The catalogue, with frameworks and default required steps in place on first use."""
    db = get_session()
    service.ensure_required(db, strategy)
    return service.catalogue(db, strategy.organisation_id)


def _opened(strategy_id: int) -> tuple[Strategy, service.Catalogue]:
    """The step's strategy (or 404) and its catalogue, ready (_ready)."""
    strategy = strategy_or_404(strategy_id)
    return strategy, _ready(strategy)


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """The frameworks and the step each level needs in each competency, one table per framework."""
    strategy, cat = _opened(strategy_id)
    db = get_session()
    scale, _frameworks = default_frameworks()
    return render_template("competencies/index.html", strategy=strategy, cat=cat, levels=levels_of(db, strategy),
                           scale=scale, required=service.required_steps(db, strategy))


@bp.route("/required/<framework_key>", methods=["GET", "POST"])
@require("competencies.edit")
def required(strategy_id: int, framework_key: str) -> Page:
    """Change the step each level needs in one framework's competencies (the others are left as they are)."""
    strategy, cat = _opened(strategy_id)
    framework = next((f for f in cat.frameworks if f.key == framework_key), None)
    if framework is None:
        abort(404)
    db = get_session()
    levels = levels_of(db, strategy)
    domains = cat.domains.get(framework.id, [])
    competencies = [c for d in domains for c in cat.competencies.get(d.id, [])]
    errors: list[tuple[str, str]] = []
    # The grid's version is the strategy's required version: a save of any framework's grid moves it.
    form = EditForm(version=strategy.required_version)
    steps: dict[tuple[int, int], int | None] = {}  # what was posted: shown again if any of it is refused
    if form.validate_on_submit():
        for competency in competencies:
            for level in levels:
                name = f"req-{competency.id}-{level.id}"
                raw = request.form.get(name, "")
                if raw not in ("", "1", "2", "3", "4"):
                    errors.append((name, f"{competency.name}, {level.name}: choose a step from 1 to 4, or Not needed"))
                steps[(competency.id, level.id)] = int(raw) if raw in ("1", "2", "3", "4") else None
    scale, _frameworks = default_frameworks()
    if form.is_submitted() and not errors and not form.errors:

        def refused(exc: ServiceError) -> None:
            names = {str(s.step): f"{s.step} {s.name}" for s in scale}

            def cells(chosen: Mapping[tuple[int, int], int | None]) -> dict[str, str]:
                return {f"req-{c.id}-{lv.id}": names.get(str(chosen.get((c.id, lv.id)) or ""), "Not needed")
                        for c in competencies for lv in levels}

            note_stale(form, exc, lambda _stored: cells(service.required_steps(db, strategy)), cells(steps),
                       {f"req-{c.id}-{lv.id}": f"{c.name}, {lv.name}" for c in competencies for lv in levels})

        with unit_of_work(errors=errors, on_refused=refused) as saved:
            service.save_required(session=db, strategy=strategy, steps=steps, actor=current_user,
                                  version=version_of(form))
        if saved:
            flash(f"Required steps for {framework.name} saved.", "success")
            return redirect(url_for("competencies.index", strategy_id=strategy.id, _anchor=framework.key))
    shown: dict[tuple[int, int], int | None] = dict(service.required_steps(db, strategy))
    if errors or form.errors:  # show what was posted, so nothing typed is lost
        shown.update(steps)
    return render_template("competencies/required.html", strategy=strategy, cat=cat, framework=framework,
                           domains=domains, levels=levels, scale=scale, required=shown, form=form,
                           errors=errors), form_status(errors, form)


@bp.route("/assessments", methods=["GET", "POST"])
@require("competencies.edit")
def assessments(strategy_id: int) -> Page:
    """Type in how many leaders of an area and level are at each step of each competency."""
    strategy, cat = _opened(strategy_id)
    db = get_session()
    rows = areas_of(db, strategy)
    levels = levels_of(db, strategy)
    area = child_or_404(Area, named_record_id(request.values.get("area")) or (rows[0].id if rows else 0), strategy)
    level = child_or_404(Level, named_record_id(request.values.get("level")) or (levels[-1].id if levels else 0),
                         strategy)
    errors: list[tuple[str, str]] = []
    form = ConfirmForm()
    current = service.assessed(db, strategy)
    if request.method == "POST" and form.validate_on_submit():
        counts = {}
        for competency in cat.all_competencies():
            steps = {}
            for step in service.arithmetic_steps():
                name = f"n-{competency.id}-{step}"
                steps[step] = whole(request.form.get(name, ""), f"{competency.name}, step {step}", errors, name)
            counts[(area.id, level.id, competency.id)] = steps
        if not errors:
            with unit_of_work(errors=errors) as saved:
                service.replace_assessed(session=db, strategy=strategy, counts=counts, actor=current_user,
                                         source="typed")
            if saved:
                flash(f"Assessments for {area.name}, {level.name.lower()} saved.", "success")
                return redirect(url_for("competencies.gaps", strategy_id=strategy.id))
    return render_template("competencies/assessments.html", strategy=strategy, cat=cat, areas=rows,
                           depths=area_depths(rows), levels=levels, area=area, level=level, current=current,
                           form=form, errors=errors, values=dict(request.form) if errors else {}), (
        400 if errors else 200)


@bp.route("/assessments/import", methods=["GET", "POST"])
@require("competencies.edit")
def import_assessments(strategy_id: int) -> Page:
    """Upload assessments (one row per leader's assessment); all or nothing, rows discarded."""
    strategy, cat = _opened(strategy_id)

    def store(result: service.AssessmentsResult, filename: str) -> str:
        combinations = service.import_file(session=get_session(), strategy=strategy, result=result,
                                           filename=filename, actor=current_user)
        return (f"Imported {result.rows_read:,} assessments for {combinations} area, level and "
                "competency combinations. Others are unchanged.")

    return upload_page(box="assessments", missing="Choose a file of assessments (CSV or Excel .xlsx) to upload",
                       read=lambda data, name, sheet: service.read_upload(get_session(), strategy, data, name,
                                                                          sheet=sheet),
                       store=store, done=url_for("competencies.gaps", strategy_id=strategy.id),
                       template="competencies/import.html", strategy=strategy, cat=cat)


@bp.route("/gaps")
@require("strategy.view")
def gaps(strategy_id: int) -> str:
    """The share of leaders below the required step, by competency and level; largest first."""
    strategy, _cat = _opened(strategy_id)
    db = get_session()
    area_id = named_record_id(request.args.get("area"))
    area = child_or_404(Area, area_id, strategy) if area_id else None
    chart = chart_set.gap_chart(db, strategy, area_id=area_id, drawn=False)
    drawn = chart_set.gap_chart_json(db, strategy, area_id=area_id)
    rows = areas_of(db, strategy)
    return render_template("competencies/gaps.html", strategy=strategy, gaps=chart.gaps, names=chart.names,
                           level_names=chart.level_names, area=area, areas=rows, depths=area_depths(rows),
                           figures={"heatmap": drawn} if drawn else {})


@bp.route("/plan")
@require("strategy.view")
def plan(strategy_id: int) -> str:
    """The development plan: interventions, coverage of gaps by places, cost per year, gaps left."""
    strategy, cat = _opened(strategy_id)
    db = get_session()
    names = {c.key: c.name for c in cat.all_competencies()}
    comp_by_id = {c.id: c for c in cat.all_competencies()}
    level_by_id = {lv.id: lv for lv in levels_of(db, strategy)}
    return render_template("competencies/plan.html", strategy=strategy, plan=service.interventions_of(db, strategy),
                           view=service.plan_view(db, strategy), names=names, comp_by_id=comp_by_id,
                           level_by_id=level_by_id, level_names={lv.key: lv.name for lv in level_by_id.values()},
                           form=ConfirmForm())


def _intervention_form(strategy: Strategy, intervention: Intervention | None) -> Page:
    """The add-or-change page of an intervention."""
    cat = _ready(strategy)
    db = get_session()
    levels = levels_of(db, strategy)
    errors: list[tuple[str, str]] = []
    form = record_form(intervention, InterventionForm, InterventionEditForm)
    chosen = service.targets_of(db, intervention) if intervention is not None else set()
    if form.validate_on_submit():
        chosen = set()
        for value in form.targets.data:
            cid, _, lid = value.partition(":")
            competency_id, level_id = record_id(cid), record_id(lid)
            if competency_id is not None and level_id is not None:
                chosen.add((child_or_404_competency(strategy, competency_id).id,
                            child_or_404(Level, level_id, strategy).id))
        values = {k: form[k].text.strip() for k in ("name", "kind", "places_per_year", "cost_per_place",
                                                    "first_year", "last_year")}
        for key, label in (("places_per_year", "Places a year"), ("first_year", "First year"),
                           ("last_year", "Last year")):
            if not values[key]:
                errors.append((key, f"{label} must be a whole number"))
            else:
                values[key] = str(whole(values[key], label, errors, key))
        cost = amount(values["cost_per_place"], "Cost per place", errors, "cost_per_place")
        if not errors:

            def refused(exc: ServiceError) -> None:
                names = {(c.id, lv.id): f"{c.name}: {lv.name}" for c in cat.all_competencies() for lv in levels}

                def develops(pairs: set[tuple[int, int]]) -> str:
                    return "\n".join(sorted(names.get(p, "") for p in pairs))

                note_stale(form, exc, lambda stored: {**_intervention_values(stored),
                                                      "targets": develops(service.targets_of(db, stored))},
                           {**form.data, "targets": develops(chosen)}, INTERVENTION_LABELS)

            with unit_of_work(errors=errors, on_refused=refused) as saved:
                service.save_intervention(session=db, strategy=strategy, targets=chosen, actor=current_user,
                                          intervention=intervention, values={**values, "cost_per_place": cost},
                                          version=version_of(form))
            if saved:
                flash("Development plan saved.", "success")
                return redirect(url_for("competencies.plan", strategy_id=strategy.id))
    values = dict(request.form) if errors or form.errors else (_intervention_values(intervention) if intervention else {
        "first_year": str(strategy.start_year + 1), "last_year": str(strategy.start_year + strategy.horizon)})
    return render_template("competencies/intervention_form.html", strategy=strategy, intervention=intervention,
                           cat=cat, levels=levels, kinds=INTERVENTION_KINDS, chosen=chosen, form=form, errors=errors,
                           values=values), form_status(errors, form)


INTERVENTION_LABELS = {"name": "Name", "kind": "Kind", "places_per_year": "Places a year",
                       "cost_per_place": "Cost a place (£)", "first_year": "First year", "last_year": "Last year",
                       "targets": "What it develops"}


def _intervention_values(intervention: Intervention) -> dict[str, str]:
    """An intervention as its form shows it."""
    return {"name": intervention.name, "kind": intervention.kind, "places_per_year": str(intervention.places_per_year),
            "cost_per_place": f"{intervention.cost_per_place:g}", "first_year": str(intervention.first_year),
            "last_year": str(intervention.last_year)}


def child_or_404_competency(strategy: Strategy, competency_id: int) -> Competency:
    """A competency of the strategy's organisation, or 404."""
    return scoped_or_404(Competency, competency_id)


record_pages(bp, model=Intervention, new="/plan/new", edit="/plan/<int:intervention_id>/edit",
             permission="competencies.edit", page=_intervention_form,
             says=("Add an intervention to the plan.", "Change an intervention."),
             endpoints=("create_intervention", "update_intervention"))


def _delete_intervention(strategy: Strategy, found: Intervention) -> Response:
    """Remove an intervention, and back to the plan."""
    service.delete_intervention(session=get_session(), intervention=found, actor=current_user)
    flash(f"{found.name} removed from the plan.", "success")
    return redirect(url_for("competencies.plan", strategy_id=strategy.id))


removal_page(bp, model=Intervention, rule="/plan/<int:intervention_id>/delete", permission="competencies.edit",
             remove=_delete_intervention, says="Remove an intervention from the plan.", endpoint="delete_intervention")


@bp.route("/own", methods=["GET", "POST"])
@require("competencies.edit")
def add_competency(strategy_id: int) -> Page:
    """Add one of the organisation's own competencies."""
    strategy = strategy_or_404(strategy_id)
    errors: list[tuple[str, str]] = []
    form = CompetencyForm()
    organisation = current_org()
    assert organisation is not None  # require() lets a request in only within an organisation
    if form.validate_on_submit():
        with unit_of_work(errors=errors, field="name") as added:
            service.add_competency(session=get_session(), organisation=organisation, name=form.name.text,
                                   kind=form.kind.text, description=form.description.text, actor=current_user,
                                   domain=form.domain.text)
        if added:
            flash("Competency added. Set the step each level needs below.", "success")
            return redirect(url_for("competencies.index", strategy_id=strategy.id) + "#own")
    return render_template("competencies/competency_form.html", strategy=strategy, competency=None, form=form,
                           errors=errors, values=dict(request.form), kinds=service.KINDS,
                           domains=service.own_domains(get_session(), strategy.organisation_id)), (
        400 if errors else 200)


@bp.route("/<int:competency_id>/edit", methods=["GET", "POST"])
@require("competencies.edit")
def update_competency(strategy_id: int, competency_id: int) -> Page:
    """Rename a competency, change its kind or description."""
    strategy = strategy_or_404(strategy_id)
    competency = scoped_or_404(Competency, competency_id)
    errors: list[tuple[str, str]] = []
    form = CompetencyEditForm(obj=competency)
    if form.validate_on_submit():

        def refused(exc: ServiceError) -> None:
            # A stale save is said above the form, not by the name box.
            errors.append(("" if isinstance(exc, StaleEdit) else exc.field or "name", exc.message))
            note_stale(form, exc, lambda stored: {"name": stored.name, "kind": stored.kind.capitalize(),
                                                  "description": stored.description},
                       {**form.data, "kind": form.kind.text.capitalize()},
                       {"name": "Name", "kind": "Kind", "description": "Description"})

        with unit_of_work(on_refused=refused) as saved:
            service.update_competency(session=get_session(), competency=competency, name=form.name.text,
                                      kind=form.kind.text, description=form.description.text, actor=current_user,
                                      version=version_of(form))
        if saved:
            flash("Competency saved.", "success")
            return redirect(url_for("competencies.index", strategy_id=strategy.id))
    values = dict(request.form) if errors or form.errors else {"name": competency.name, "kind": competency.kind,
                                                               "description": competency.description}
    return render_template("competencies/competency_form.html", strategy=strategy, competency=competency, form=form,
                           errors=errors, values=values, kinds=service.KINDS), form_status(errors, form)
