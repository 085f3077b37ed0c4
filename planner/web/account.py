"""The signed-in person's own account: their password and their API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import ApiToken
from planner.security import keep_session
from planner.services import ServiceError
from planner.services import accounts as service
from planner.services.passwords import change_own_password
from planner.web.forms import ConfirmForm, PasswordChangeForm, TokenForm
from planner.web.tenancy import acting_org, require, scoped_or_404
from planner.web.typed import login_required
from planner.web.unit import unit_of_work

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/tokens", methods=["GET", "POST"])
@require("strategy.view")
def tokens() -> str | tuple[str, int]:
    """List one's tokens; create one (shown once, only here)."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = service.create_token(
            session=get_session(), user=current_user, organisation=acting_org(), name=form.name.data or "",
        )
        form = TokenForm(formdata=None)
    status = 400 if form.errors else 200
    tokens = service.tokens_of(get_session(), current_user, acting_org())
    return render_template("account/tokens.html", form=form, tokens=tokens, new_token=new_token,
                           revoke_form=ConfirmForm()), status


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@require("strategy.view")
def revoke(token_id: int) -> Response:
    """Revoke one of one's own tokens."""
    token = scoped_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.revoke_token(session=get_session(), token=token, actor=current_user)
    flash(f"Token '{token.name}' revoked. Anything using it will stop working.", "success")
    return redirect(url_for("account.tokens"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response | tuple[str, int]:
    """Change one's own password; every other session of the person ends, this one carries on."""
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        config = current_app.config

        def refused(exc: ServiceError) -> None:
            nonlocal status
            if isinstance(exc, service.LoginThrottled):
                status = 429

        with unit_of_work(form=form, on_refused=refused) as done:
            version = change_own_password(
                session=get_session(), user=current_user._get_current_object(),
                current_password=form.current_password.data or "", new_password=form.new_password.data or "",
                client=service.client_hash(config["SECRET_KEY"], request.remote_addr or ""),
                max_failures=config["LOGIN_MAX_FAILURES"], window_minutes=config["LOGIN_WINDOW_MINUTES"],
                hash_method=config["PASSWORD_HASH_METHOD"],
            )
        if done:
            keep_session(version)
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("account.password"))
    if form.errors and status == 200:
        status = 400
    return render_template("account/password.html", form=form), status
