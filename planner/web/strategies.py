"""Strategies: the list, a new strategy, its home (the task list) and the Scope step."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.services import ServiceError, progress
from planner.services import strategies as service
from planner.services.baseline import headline
from planner.services.completeness import completeness
from planner.web.forms import ScopeForm, StrategyForm
from planner.web.tenancy import can, current_org, require, strategy_or_404
from planner.web.util import attach_error, edit_status, refuse_stale_form

bp = Blueprint("strategies", __name__, url_prefix="/strategies")


@bp.route("")
@require("strategy.view")
def index() -> str:
    """The organisation's strategies."""
    return render_template(
        "strategies/index.html",
        strategies=service.strategies_of(get_session(), current_org().id),
    )


@bp.route("/new", methods=["GET", "POST"])
@require("strategy.create")
def create() -> str | Response:
    """Start a new strategy."""
    form = StrategyForm()
    if form.validate_on_submit():
        try:
            strategy = service.create_strategy(
                session=get_session(), organisation=current_org(), values=form.data, actor=current_user,  # type: ignore[arg-type]
            )
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            flash(f"Strategy '{strategy.title}' created.", "success")
            return redirect(url_for("strategies.home", strategy_id=strategy.id))
    return render_template("strategies/form.html", form=form, strategy=None)


@bp.route("/<int:strategy_id>")
@require("strategy.view")
def home(strategy_id: int) -> str:
    """The strategy's task list, with the baseline's headline totals."""
    strategy = strategy_or_404(strategy_id)
    lacking = completeness(get_session(), strategy, current_org(), date.today())  # type: ignore[arg-type]
    return render_template(
        "strategies/home.html", strategy=strategy, headline=headline(get_session(), strategy),
        tasks=progress.task_list(get_session(), strategy, lacking), lacking=lacking,
    )


@bp.route("/<int:strategy_id>/scope", methods=["GET", "POST"])
@require("strategy.view")
def scope(strategy_id: int) -> Response | tuple[str, int]:
    """The Scope step: everyone reads it; editors change it."""
    strategy = strategy_or_404(strategy_id)
    if request.method == "POST" and not can("scope.edit"):
        abort(403)
    form = ScopeForm(obj=strategy)
    if form.validate_on_submit():
        try:
            service.update_scope(session=get_session(), strategy=strategy, values=form.data, actor=current_user,
                                 version=form.version.data)
        except ServiceError as exc:
            get_session().rollback()
            refuse_stale_form(form, exc, lambda stored: ScopeForm(formdata=None, obj=stored))
        else:
            flash("Scope saved.", "success")
            return redirect(url_for("strategies.home", strategy_id=strategy.id))
    return render_template("strategies/form.html", form=form, strategy=strategy), edit_status(form)
