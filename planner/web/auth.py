"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.security import start_session
from planner.services import ServiceError
from planner.services.accounts import authenticate, client_hash, memberships_of
from planner.services.passwords import end_sessions
from planner.web.forms import ConfirmForm, LoginForm
from planner.web.main import landing
from planner.web.unit import unit_of_work

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: an open redirect after sign-in is a phishing aid.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(landing())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():

        def throttled(exc: ServiceError) -> None:
            nonlocal status
            form.form_errors.append(exc.message)
            status = 429

        # authenticate commits the attempts it keeps itself; its one refusal is LoginThrottled.
        with unit_of_work(on_refused=throttled) as done:
            user = authenticate(
                session=get_session(),
                email=form.email.data or "",
                password=form.password.data or "",
                client=client_hash(current_app.config["SECRET_KEY"], request.remote_addr or ""),
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                window_minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        if done and user is None:
            form.form_errors.append("The email address or password is not right")
            status = 401
        elif done and user is not None:
            next_url = _safe_next(request.args.get("next"))
            start_session(user)
            memberships = memberships_of(get_session(), user)
            if memberships:
                session["org_id"] = memberships[0][1].id
            return redirect(next_url or landing())
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out: this session and every other of the person end."""
    form = ConfirmForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # A copy of the cookie (another browser, or one taken) must not outlive the sign-out.
            end_sessions(session=get_session(), user=current_user._get_current_object())
        logout_user()
        session.clear()
        flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))
