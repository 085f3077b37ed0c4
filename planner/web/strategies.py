"""Strategies: the list, a new strategy, its home (the task list) and the Scope step."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.services import progress
from planner.services import strategies as service
from planner.services.baseline import headline
from planner.services.completeness import completeness
from planner.web.forms import ScopeForm, StrategyForm
from planner.web.tenancy import acting_org, can, require, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import edit_status, refuse_stale_form

bp = Blueprint("strategies", __name__, url_prefix="/strategies")


@bp.route("")
@require("strategy.view")
def index() -> str:
    """The organisation's strategies."""
    return render_template(
        "strategies/index.html",
        strategies=service.strategies_of(get_session(), acting_org().id),
    )


@bp.route("/new", methods=["GET", "POST"])
@require("strategy.create")
def create() -> str | Response:
    """Start a new strategy."""
    form = StrategyForm()
    if form.validate_on_submit():
        with unit_of_work(form=form) as created:
            strategy = service.create_strategy(
                session=get_session(), organisation=acting_org(), values=form.data, actor=current_user,
            )
        if created:
            flash(f"Strategy '{strategy.title}' created.", "success")
            return redirect(url_for("strategies.home", strategy_id=strategy.id))
    return render_template("strategies/form.html", form=form, strategy=None)


@bp.route("/<int:strategy_id>")
@require("strategy.view")
def home(strategy_id: int) -> str:
    """The strategy's task list, with the baseline's headline totals."""
    strategy = strategy_or_404(strategy_id)
    lacking = completeness(get_session(), strategy, acting_org(), date.today())
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
        with unit_of_work(on_refused=lambda exc: refuse_stale_form(
                form, exc, lambda stored: ScopeForm(formdata=None, obj=stored))) as saved:
            service.update_scope(session=get_session(), strategy=strategy, values=form.data, actor=current_user,
                                 version=form.version.data)
        if saved:
            flash("Scope saved.", "success")
            return redirect(url_for("strategies.home", strategy_id=strategy.id))
    return render_template("strategies/form.html", form=form, strategy=strategy), edit_status(form)
