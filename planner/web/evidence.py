"""Workforce evidence: upload the staff extract at the start of the evidence period and the leavers extract,
see every rate derived from them with its source, and apply the rates to a scenario (docs/evidence.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Scenario, Strategy
from planner.services import evidence, uploads
from planner.services.scenarios import measured_rates, scenarios_of
from planner.services.structure import areas_of, levels_of
from planner.services.uploads import ImportResult, LeaversResult
from planner.web.fields import day, record_id
from planner.web.forms import ConfirmForm
from planner.web.forms_workforce import ApplyForm, LeaversForm
from planner.web.tenancy import child_or_404, require, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.uploads import Readable, receive

bp = Blueprint("evidence", __name__, url_prefix="/strategies/<int:strategy_id>/evidence")

Errors = list[tuple[str, str]]


class _Extract(Readable, Protocol):
    """What the page needs of an extract as read: whether it may be kept, and its problems counted by kind."""

    @property
    def problem_totals(self) -> Mapping[str, int]: ...


R = TypeVar("R", bound=_Extract)
AGE_BAND_NAMES = {"under_25": "Under 25", "25_34": "25 to 34", "35_44": "35 to 44", "45_54": "45 to 54",
                  "55_64": "55 to 64", "65_plus": "65 and over"}


def _chosen(strategy: Strategy, raw: str | None) -> Scenario | None:
    """The scenario asked for (of this strategy), else the first."""
    found = scenarios_of(get_session(), strategy)
    wanted = record_id(raw)
    return next((s for s in found if s.id == wanted), found[0] if found else None)


def _page(strategy: Strategy, *, errors: list[tuple[str, str]] | None = None, result: Any = None,
          which: str | None = None, scenario_raw: str | None = None, status: int = 200) -> tuple[str, int]:
    db = get_session()
    scenario = _chosen(strategy, scenario_raw)
    derived_rates, missing = None, evidence.missing_reason(db, strategy)
    if scenario is not None and missing is None:
        derived_rates = evidence.derive(db, strategy, scenario)
    elif scenario is None:
        missing = missing or "Add a scenario first: the projection is capped by its ready-for-promotion rates."
    levels = levels_of(db, strategy)
    names = {lv.key: evidence.level_word(lv.name) for lv in levels}
    applied_levels, applied_cells = measured_rates(db, scenario) if scenario is not None else ({}, {})
    return render_template(
        "evidence/index.html", strategy=strategy, held=evidence.extracts_of(db, strategy), evidence=derived_rates,
        missing=missing, scenario=scenario, scenarios=scenarios_of(db, strategy), levels=levels, names=names,
        level_names={lv.key: lv.name for lv in levels}, area_names={a.code: a.name for a in areas_of(db, strategy)},
        applied_levels={lv.key: applied_levels.get(lv.id) for lv in levels},
        applied_cells=len(applied_cells), age_names=AGE_BAND_NAMES, form=ConfirmForm(), errors=errors or [],
        result=result, which=which, values=dict(request.form), kinds=evidence.KIND_NAMES,
    ), status


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> tuple[str, int]:
    """The evidence held, every rate derived from it with its source, and the forms to add and apply it."""
    return _page(strategy_or_404(strategy_id), scenario_raw=request.args.get("scenario"))


NO_FILE = "Choose a file (CSV or Excel .xlsx) to upload"


def _problems(result: _Extract, filename: str) -> str:
    """Why an extract with problems stored nothing."""
    count = sum(result.problem_totals.values())
    return f"{filename} has problems in {count:,} places, listed below: nothing was stored"


def _extract_page(strategy: Strategy, which: str, errors: Errors, *, read: Callable[[bytes, str], R | None],
                  store: Callable[[R, str], str]) -> str | Response | tuple[str, int]:
    """Take the extract sent as `{which}_extract` (the start of the period's staff, or the leavers): kept,
    and back to the page; or the page again with what stopped it."""
    received = receive(errors, f"{which}_extract", missing=NO_FILE, problems=_problems, read=read, store=store,
                       to=url_for("evidence.index", strategy_id=strategy.id), code=303)
    if received.done:
        return received.done
    return _page(strategy, errors=errors, result=received.result, which=which, status=400)


def _expired(strategy: Strategy, which: str) -> tuple[str, int]:
    return _page(strategy, errors=[(f"{which}_extract", "The form expired: upload the file again")], which=which,
                 status=400)


@bp.route("/start", methods=["POST"])
@require("baseline.edit")
def upload_start(strategy_id: int) -> str | Response | tuple[str, int]:
    """Keep a staff extract's counts as the start of the evidence period (the baseline is not touched)."""
    strategy = strategy_or_404(strategy_id)
    if not ConfirmForm().validate_on_submit():
        return _expired(strategy, "start")
    return _extract_page(strategy, "start", [],
                         read=lambda data, name: uploads.read_start_extract(get_session(), strategy, data, name),
                         store=lambda result, name: _keep_start(strategy, result, name))


def _keep_start(strategy: Strategy, result: ImportResult, filename: str) -> str:
    """Keep the counts of the staff at the start of the period; what to tell the person who sent them."""
    evidence.import_start(session=get_session(), strategy=strategy, result=result, filename=filename,
                          actor=current_user)
    return (f"Staff at the start of the period imported from {filename}: {result.rows_read:,} rows, "
            f"{sum(result.leaders.values()):,} leaders. The baseline is unchanged.")


@bp.route("/leavers", methods=["POST"])
@require("baseline.edit")
def upload_leavers(strategy_id: int) -> str | Response | tuple[str, int]:
    """Keep a leavers extract's counts and its period."""
    strategy = strategy_or_404(strategy_id)
    form = LeaversForm()
    if not form.validate_on_submit():
        return _expired(strategy, "leavers")
    errors: Errors = []
    start = day(form.period_start.data, "the period's first day", errors, "period_start",
                example="2025-04-01")
    end = day(form.period_end.data, "the period's last day", errors, "period_end",
              example="2026-03-31")
    for value, field, label in ((start, "period_start", "first"), (end, "period_end", "last")):
        if value is None and not any(f == field for f, _ in errors):
            errors.append((field, f"Enter the period's {label} day, like "
                                  f"{'2025-04-01' if label == 'first' else '2026-03-31'}"))
    # Without the period the file is only checked (size, kind): its leavers are counted within it.
    period = (start, end) if start is not None and end is not None else None
    return _extract_page(strategy, "leavers", errors,
                         read=lambda data, name: uploads.read_leavers(get_session(), strategy, data, name,
                                                                      period=period),
                         store=lambda result, name: _keep_leavers(strategy, result, name))


def _keep_leavers(strategy: Strategy, result: LeaversResult, filename: str) -> str:
    """Keep a leavers extract's counts and period; what to tell the person who sent it."""
    evidence.store_leavers(session=get_session(), strategy=strategy, result=result, filename=filename,
                           actor=current_user)
    moves = f"; {result.moves:,} moves inside the organisation not counted" if result.moves else ""
    return f"Leavers imported from {filename}: {result.leavers:,} leavers, {result.period.text()}{moves}."


@bp.route("/apply", methods=["POST"])
@require("scenario.edit")
def apply(strategy_id: int) -> str | Response | tuple[str, int]:
    """Put the measured rates on the chosen scenario."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    form = ApplyForm()
    if not form.validate_on_submit():
        return _page(strategy, errors=[("scenario", "The form expired: choose the scenario and apply again")],
                     status=400)
    scenario_id = record_id(form.scenario.data)
    if scenario_id is None:
        return _page(strategy, errors=[("scenario", "Choose the scenario to apply the measured rates to")], status=400)
    scenario = child_or_404(Scenario, scenario_id, strategy)
    errors: list[tuple[str, str]] = []
    with unit_of_work(on_refused=lambda exc: errors.append(("scenario", exc.message))) as done:
        applied = evidence.apply_rates(session=db, strategy=strategy, scenario=scenario, actor=current_user)
    if not done:
        return _page(strategy, errors=errors, scenario_raw=str(scenario.id), status=400)
    removed = (f"; {applied.removed} measured area rate{'s' if applied.removed != 1 else ''} no longer qualifying "
               "removed") if applied.removed else ""
    flash(f"Measured rates applied to '{scenario.name}': {applied.levels} level rate"
          f"{'s' if applied.levels != 1 else ''} and {applied.areas} area rate{'s' if applied.areas != 1 else ''}"
          f"{removed}. Type over any of them on the scenario's rates pages.", "success")
    return redirect(url_for("evidence.index", strategy_id=strategy.id, scenario=scenario.id), code=303)

