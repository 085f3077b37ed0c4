"""The Diversity step: representation, indicators, benchmarks, shortlisting and targets."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.diversity import board
from planner.diversity.characteristics import CHARACTERISTICS, characteristic
from planner.diversity.wres import STANDARDS
from planner.exports import charts
from planner.models import Area, DiversityTarget, Level, Strategy
from planner.services import ServiceError, chart_set
from planner.services import diversity as service
from planner.services.structure import area_depths, areas_of, levels_of
from planner.web.audience import page_audience
from planner.web.context import chosen_scenario, strategy_and_scenario
from planner.web.fields import number, percent, record_id, whole, whole_number
from planner.web.forms import ConfirmForm, EditForm
from planner.web.forms_workforce import TargetEditForm, TargetForm
from planner.web.tenancy import acting_org, can, child_or_404, require, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import attempt, note_stale

bp = Blueprint("diversity", __name__, url_prefix="/strategies/<int:strategy_id>/diversity")


def _characteristic_key(default: str = "ethnicity") -> str:
    key = request.args.get("characteristic", default)
    try:
        return characteristic(key).key
    except KeyError:
        abort(404)


def _unsuppressed() -> bool:
    """Whether to show unsuppressed counts: asked for, and allowed."""
    return request.args.get("unsuppressed") == "1" and can("diversity.unsuppressed")


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """Representation of one characteristic's groups at each level, with the indicators."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    key = _characteristic_key()
    area_id = record_id(request.args.get("area"))
    area = child_or_404(Area, area_id, strategy) if area_id else None
    organisation = acting_org()
    rep = service.representation(db, strategy, organisation, key, area_id=area_id, suppressed=not _unsuppressed())
    rows = areas_of(db, strategy)
    return render_template(
        "diversity/index.html", strategy=strategy, rep=rep, characteristics=CHARACTERISTICS, area=area,
        areas=rows, depths=area_depths(rows), indicators=service.indicators(rep, db, strategy),
        characteristics_named=service.all_named(db, strategy.organisation_id),
        threshold=organisation.suppression_threshold, unsuppressed=_unsuppressed(),
        sources=service.BENCHMARK_SOURCES, standards=STANDARDS,
        membership_names=board.MEMBERSHIP_NAMES, membership_note=board.NOT_RECORDED,
    )


@bp.route("/benchmarks", methods=["GET", "POST"])
@require("diversity.edit")
def benchmarks(strategy_id: int) -> str | Response | tuple[str, int]:
    """Type in the local community's and a national comparator's shares for each group."""
    strategy = strategy_or_404(strategy_id)
    key = _characteristic_key()
    char = service.named(get_session(), strategy.organisation_id, key)
    errors: list[tuple[str, str]] = []
    form = ConfirmForm()
    if form.validate_on_submit():
        shares = {}
        for source, source_name in service.BENCHMARK_SOURCES.items():
            for group in char.groups:
                name = f"{source}-{group.key}"
                shares[(source, group.key)] = percent(request.form.get(name, ""), f"{source_name}: {group.name}",
                                                      errors, name, within=True)
        if not errors and attempt(errors, lambda: service.save_benchmarks(
                session=get_session(), strategy=strategy, characteristic_key=key, shares=shares, actor=current_user)):
            return _saved(strategy, key, f"Benchmarks for {char.name.lower()} saved.")
    current = service.benchmarks_of(get_session(), strategy, key)
    return render_template("diversity/benchmarks.html", strategy=strategy, char=char, current=current, form=form,
                           errors=errors, values=dict(request.form) if errors else {},
                           sources=service.BENCHMARK_SOURCES,
                           characteristics=service.all_named(get_session(), strategy.organisation_id)), (
        400 if errors else 200)


@bp.route("/shortlisting", methods=["GET", "POST"])
@require("diversity.edit")
def shortlisting(strategy_id: int) -> str | Response | tuple[str, int]:
    """Applicants shortlisted and appointed per group, for the relative likelihood of appointment."""
    strategy = strategy_or_404(strategy_id)
    key = _characteristic_key()
    if key not in service.COMPARISONS:
        abort(404)
    char = service.named(get_session(), strategy.organisation_id, key)
    errors: list[tuple[str, str]] = []
    form = ConfirmForm()
    if form.validate_on_submit():
        figures = {}
        for group in char.groups:
            s = whole(request.form.get(f"shortlisted-{group.key}", ""), f"{group.name}: shortlisted", errors,
                       f"shortlisted-{group.key}")
            a = whole(request.form.get(f"appointed-{group.key}", ""), f"{group.name}: appointed", errors,
                       f"appointed-{group.key}")
            figures[group.key] = (s, a)
        if not errors and attempt(errors, lambda: service.save_shortlisting(
                session=get_session(), strategy=strategy, characteristic_key=key, figures=figures, actor=current_user)):
            return _saved(strategy, key, "Shortlisting figures saved.")
    rep = service.representation(get_session(), strategy, acting_org(), key)
    current = service.indicators(rep, get_session(), strategy)
    return render_template("diversity/shortlisting.html", strategy=strategy, char=char, form=form, errors=errors,
                           values=dict(request.form) if errors else {},
                           current=current.shortlisting if current else {}), (400 if errors else 200)


def _saved(strategy: Strategy, key: str, message: str) -> Response:
    """Say what was saved, back on the characteristic's representation."""
    flash(message, "success")
    return redirect(url_for("diversity.index", strategy_id=strategy.id, characteristic=key))


@bp.route("/targets")
@require("strategy.view")
def targets(strategy_id: int) -> str:
    """Every target solved on a scenario: the share of appointments needed, and whether it can be met."""
    strategy, scenario, scenarios = strategy_and_scenario(strategy_id, lenient=True)
    outcomes = service.target_outcomes(get_session(), strategy, scenario, audience=page_audience()) \
        if scenario else []
    return render_template("diversity/targets.html", strategy=strategy, scenario=scenario, scenarios=scenarios,
                           outcomes=outcomes, threshold=acting_org().suppression_threshold,
                           unsuppressed=_unsuppressed(), form=ConfirmForm())


@bp.route("/targets/<int:target_id>")
@require("strategy.view")
def target(strategy_id: int, target_id: int) -> str:
    """One target: its trajectory against the no-action path, the target and the benchmarks."""
    strategy = strategy_or_404(strategy_id)
    chosen = child_or_404(DiversityTarget, target_id, strategy)
    scenario, scenarios = chosen_scenario(strategy, lenient=True)
    audience = page_audience()
    outcome = next((o for o in service.target_outcomes(get_session(), strategy, scenario, audience=audience)
                    if o.target.id == chosen.id), None) if scenario else None
    if outcome is None:
        abort(404)
    organisation = acting_org()
    benchmarks = chart_set.target_benchmarks(get_session(), strategy, organisation, chosen, audience=audience)
    trajectory = chart_set.target_figure(outcome, benchmarks)
    figure = charts.figure_json(trajectory) if trajectory is not None else None
    return render_template("diversity/target.html", strategy=strategy, scenario=scenario, scenarios=scenarios,
                           outcome=outcome, figures={"trajectory": figure} if figure else {},
                           benchmarks=benchmarks, threshold=organisation.suppression_threshold,
                           unsuppressed=_unsuppressed())


TARGET_LABELS = {
    "group": "Group", "level_id": "Level", "target_share": "Target share (%)", "target_year": "By the year",
    "leaver_rate_ratio": "Group's leaver rate, as a multiple of the level's",
    "current_appointment_share": "Share of appointments from the group now (%)",
    "pipeline_share": "The group's share of the pool appointments come from (%)",
}


def _target_values(target: DiversityTarget) -> dict[str, str]:
    """A target as its form shows it."""
    return {
        "group": f"{target.characteristic}:{target.group_key}", "level_id": str(target.level_id or ""),
        "target_share": f"{target.target_share * 100:g}", "target_year": str(target.target_year),
        "leaver_rate_ratio": f"{target.leaver_rate_ratio:g}",
        "current_appointment_share": f"{target.current_appointment_share * 100:g}"
        if target.current_appointment_share is not None else "",
        "pipeline_share": f"{target.pipeline_share * 100:g}" if target.pipeline_share is not None else "",
    }


def _target_form(strategy: Strategy, target: DiversityTarget | None) -> str | Response | tuple[str, int]:
    db = get_session()
    levels = levels_of(db, strategy)
    errors: list[tuple[str, str]] = []
    form = TargetEditForm(version=target.version) if target is not None else TargetForm()
    if form.validate_on_submit():
        chosen = form.group.data
        char_key, _, group_key = chosen.partition(":")
        try:
            characteristic(char_key)
        except KeyError:
            errors.append(("group", "Choose a group"))
        level_raw = form.level_id.data.strip()
        level_id = child_or_404(Level, record_id(level_raw) or 0, strategy).id if level_raw else None
        share = percent(form.target_share.data, "The target share", errors, "target_share",
                        within=True)
        if share is None and not any(f == "target_share" for f, _ in errors):
            errors.append(("target_share", "Enter the target share, as a percentage"))
        year = whole_number(form.target_year.data)
        if year is None:
            errors.append(("target_year", "Enter the target year, like 2031"))
        ratio = number(form.leaver_rate_ratio.data, "The leaver rate ratio", errors,
                       "leaver_rate_ratio", blank=1.0, example="1.2") or 1.0
        current = percent(form.current_appointment_share.data, "The current share of appointments",
                          errors, "current_appointment_share", within=True)
        pipeline = percent(form.pipeline_share.data, "The group's share of the pool", errors,
                           "pipeline_share", within=True)
        if not errors:
            with unit_of_work(errors=errors,
                              on_refused=partial(_stale_target, form, strategy=strategy, levels=levels)) as saved:
                service.save_target(session=db, strategy=strategy, target=target, actor=current_user,
                                    values={"characteristic": char_key, "group_key": group_key, "level_id": level_id,
                                            "target_share": share, "target_year": year,
                                            "leaver_rate_ratio": ratio, "current_appointment_share": current,
                                            "pipeline_share": pipeline},
                                    version=form.version.data if isinstance(form, EditForm) else None)
            if saved:
                flash("Target saved.", "success")
                return redirect(url_for("diversity.targets", strategy_id=strategy.id))
    values = dict(request.form) if errors or form.errors else (_target_values(target) if target else {
        "target_year": str(strategy.start_year + strategy.horizon), "leaver_rate_ratio": "1"})
    default_pool = service.default_pool_sentence(db, strategy, acting_org(), target,
                                                 suppressed=not _unsuppressed()) if target else None
    return render_template("diversity/target_form.html", strategy=strategy, target=target, levels=levels,
                           characteristics=service.all_named(db, strategy.organisation_id), form=form,
                           errors=errors, values=values, default_pool=default_pool), (
        400 if errors or form.errors else 200)


def _stale_target(form: TargetForm, error: ServiceError, *, strategy: Strategy,
                  levels: list[Level]) -> None:
    """Beside a stale save of a target, the target as stored now, its group and level by name."""
    note_stale(form, error, _target_values, form.data, TARGET_LABELS, {
        "group": {f"{c.key}:{g.key}": f"{c.name}: {g.name}"
                  for c in service.all_named(get_session(), strategy.organisation_id) for g in c.groups},
        "level_id": {"": "All leaders", **{str(lv.id): lv.name for lv in levels}}})


@bp.route("/targets/new", methods=["GET", "POST"])
@require("diversity.edit")
def create_target(strategy_id: int) -> str | Response | tuple[str, int]:
    """Add a target."""
    return _target_form(strategy_or_404(strategy_id), None)


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@require("diversity.edit")
def update_target(strategy_id: int, target_id: int) -> str | Response | tuple[str, int]:
    """Change a target."""
    strategy = strategy_or_404(strategy_id)
    return _target_form(strategy, child_or_404(DiversityTarget, target_id, strategy))


@bp.route("/targets/<int:target_id>/delete", methods=["POST"])
@require("diversity.edit")
def delete_target(strategy_id: int, target_id: int) -> Response:
    """Delete a target."""
    strategy = strategy_or_404(strategy_id)
    found = child_or_404(DiversityTarget, target_id, strategy)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.delete_target(session=get_session(), target=found, actor=current_user)
    flash("Target deleted.", "success")
    return redirect(url_for("diversity.targets", strategy_id=strategy.id))
