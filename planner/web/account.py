"""The signed-in person's own account: their password and their API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlmodel import select
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import ApiToken
from planner.security import keep_session
from planner.services import ServiceError
from planner.services import accounts as service
from planner.services.passwords import change_own_password
from planner.web.forms import ConfirmForm, PasswordChangeForm, TokenForm
from planner.web.tenancy import current_org, require, scoped_or_404
from planner.web.util import attach_error

bp = Blueprint("account", __name__, url_prefix="/account")


def _tokens() -> list[ApiToken]:
    return list(get_session().exec(
        select(ApiToken).where(ApiToken.user_id == current_user.id,
                               ApiToken.organisation_id == current_org().id)  # type: ignore[union-attr]
        .order_by(ApiToken.created_at.desc())  # type: ignore[attr-defined]
    ))


@bp.route("/tokens", methods=["GET", "POST"])
@require("strategy.view")
def tokens() -> str | tuple[str, int]:
    """List one's tokens; create one (shown once, only here)."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = service.create_token(
            session=get_session(), user=current_user, organisation=current_org(), name=form.name.data or "",  # type: ignore[arg-type]
        )
        form = TokenForm(formdata=None)
    status = 400 if form.errors else 200
    return render_template("account/tokens.html", form=form, tokens=_tokens(), new_token=new_token,
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
        try:
            version = change_own_password(
                session=get_session(), user=current_user._get_current_object(),
                current_password=form.current_password.data or "", new_password=form.new_password.data or "",
                client=service.client_hash(config["SECRET_KEY"], request.remote_addr or ""),
                max_failures=config["LOGIN_MAX_FAILURES"], window_minutes=config["LOGIN_WINDOW_MINUTES"],
                hash_method=config["PASSWORD_HASH_METHOD"],
            )
        except service.LoginThrottled as exc:
            get_session().rollback()
            attach_error(form, exc)
            status = 429
        except ServiceError as exc:
            get_session().rollback()
            attach_error(form, exc)
        else:
            keep_session(version)
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("account.password"))
    if form.errors and status == 200:
        status = 400
    return render_template("account/password.html", form=form), status
