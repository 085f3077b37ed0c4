"""The signed-in person's own API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import select
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import ApiToken
from planner.services import accounts as service
from planner.web.forms import ConfirmForm, TokenForm
from planner.web.tenancy import current_org, require, scoped_or_404

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
    service.revoke_token(session=get_session(), token=token, actor=current_user)  # type: ignore[arg-type]
    flash(f"Token '{token.name}' revoked. Anything using it will stop working.", "success")
    return redirect(url_for("account.tokens"))
