"""Logins, CSRF and the security headers every response carries."""

from __future__ import annotations

import secrets
import time

from flask import Flask, Response, current_app, g, request, session
from flask_login import LoginManager, login_user
from flask_wtf.csrf import CSRFProtect

from planner.db import get_session
from planner.models import User
from planner.services.accounts import user_for_token

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
# A stolen session cookie should not survive a change of browser fingerprint.
login_manager.session_protection = "strong"
csrf = CSRFProtect()


# Kept in the signed session cookie beside Flask-Login's own keys.
SESSION_VERSION = "_session_version"
SIGNED_IN_AT = "_signed_in_at"  # seconds since the epoch, UTC


def start_session(user: User) -> None:
    """Sign the person in to a fresh session that carries their session version and when it began."""
    # A fresh session at sign-in, so nothing set before it (a fixed id) survives.
    session.clear()
    login_user(user)
    session.permanent = True
    session[SESSION_VERSION] = user.session_version
    session[SIGNED_IN_AT] = int(time.time())


def keep_session(version: int) -> None:
    """Keep this session when the person has just ended all their sessions (a new password)."""
    session[SESSION_VERSION] = version


def _session_holds(user: User) -> bool:
    """The session is of the person's current version and within the absolute lifetime."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if session.get(SESSION_VERSION) != user.session_version or not isinstance(signed_in_at, int):
        return False
    lifetime: float = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    return 0 <= time.time() - signed_in_at <= lifetime


def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.active or not _session_holds(user):
        # Signed out elsewhere, a new password, a change of role, removal, or simply too old: the
        # cookie is still validly signed, so it is the version and the start time that refuse it.
        session.clear()
        return None
    return user


def _load_user_from_token(req: object) -> User | None:
    # The JSON API accepts `Authorization: Bearer TOKEN`; the token fixes the organisation.
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer ") or not request.path.startswith("/api/"):
        return None
    found = user_for_token(session=get_session(), token=header[7:].strip())
    if found is None:
        return None
    user, token = found
    g.api_token = token
    return user


# Registered by calls, not Flask-Login's (untyped) decorators, so the loaders stay typed.
login_manager.user_loader(_load_user)
login_manager.request_loader(_load_user_from_token)


def csp_nonce() -> str:
    """The nonce of this response's Content-Security-Policy, for the few inline scripts."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def _security_headers(response: Response) -> Response:
    nonce = csp_nonce()
    # plotly.js sets inline styles, so styles allow 'unsafe-inline'; scripts never do, and
    # nothing needs 'unsafe-eval'.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not request.path.startswith("/static/"):
        # Pages show staff figures: keep them out of shared caches and the back/forward cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Switch on Flask-Login, CSRF protection and the security headers."""
    login_manager.init_app(app)
    csrf.init_app(app)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
