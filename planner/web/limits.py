"""Rate limits (Flask-Limiter), applied in one place to the endpoints someone could hammer: sign-in,
the public comment and survey links, API token creation and the JSON API.

Each limit counts per something: a client address, a link, a person or an API token. What is counted
is a keyed hash (HMAC with the secret key) of it, never the address or link itself. The counters live
where RATELIMIT_STORAGE_URI says: the app's database (`planner-database://`, the production default,
shared by every worker), Redis (`redis://...`), or the process's memory (development). A refused
request gets 429 with Retry-After and a page (or, under /api/, JSON) saying what was limited and when
to try again. Nothing the refused request sent is stored."""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user

from planner import ratelimit_store
from planner.db import get_session
from planner.services.surveys import survey_by_token
from planner.web.tenancy import wants_json

EXTENSION = "planner_limiter"


def _keyed(kind: str, value: str) -> str:
    # A keyed hash: enough to count by, not enough to recover an address or a link from the store.
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return f"{kind}:" + hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def by_address() -> str:
    """The client's address (the proxy's client address where ProxyFix is configured)."""
    return _keyed("address", request.remote_addr or "")


def by_link() -> str:
    """The public link's token in the URL."""
    return _keyed("link", str((request.view_args or {}).get("token", "")))


def by_person() -> str:
    """The signed-in person, else the address."""
    if current_user.is_authenticated:
        return _keyed("person", str(current_user.get_id()))
    return by_address()


def by_api_token() -> str:
    """The bearer token, else the signed-in person, else the address."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return _keyed("token", header[7:].strip())
    return by_person()


@dataclass(frozen=True)
class EndpointLimit:
    """A limit on one endpoint: the config key holding its rate, who it counts, what it says when reached."""

    endpoint: str
    setting: str
    key: Callable[[], str]
    says: str
    methods: tuple[str, ...] = ("POST",)
    exempt_when: Callable[[], bool] | None = None


def _invitation_survey() -> bool:
    """Whether the survey link answered is an invitation survey's: each answer spends a single-use code,
    so a count per link would only turn away invitees of a large survey answering in the same hour."""
    survey = survey_by_token(get_session(), str((request.view_args or {}).get("token", "")))
    return survey is not None and survey.mode == "invitation"


# Each endpoint's limits; every limit of an endpoint must hold. The wording completes "Please wait: ...".
ENDPOINT_LIMITS = (
    EndpointLimit("auth.login", "RATELIMIT_SIGN_IN", by_address,
                  "there have been too many sign-in attempts from your network."),
    EndpointLimit("comment.form", "RATELIMIT_PUBLIC_PER_ADDRESS", by_address,
                  "too many comments have been sent from your network."),
    EndpointLimit("comment.form", "RATELIMIT_PUBLIC_PER_LINK", by_link,
                  "too many comments have been sent through this consultation link."),
    EndpointLimit("answer.form", "RATELIMIT_PUBLIC_PER_ADDRESS", by_address,
                  "too many survey answers have been sent from your network."),
    EndpointLimit("answer.form", "RATELIMIT_PUBLIC_PER_LINK", by_link,
                  "too many answers have been sent through this survey link.", exempt_when=_invitation_survey),
    EndpointLimit("account.tokens", "RATELIMIT_TOKEN_CREATION", by_person,
                  "you have created too many API tokens in a short time."),
)
# Where someone may have typed at length: the page tells them their words may still be in the form.
WRITING_ENDPOINTS = frozenset({"comment.form", "answer.form"})
API_BLUEPRINT = "api"
API_SAYS = "this API token has made too many requests."


def _setting(name: str) -> Callable[[], str]:
    # Read at each request, so a changed setting applies without rebuilding the limiter.
    return lambda: str(current_app.config[name])


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    hours = math.ceil(seconds / 3600)
    return f"{hours} hours"


def _retry_after(limiter: Limiter) -> int:
    """Seconds until the limit that was reached opens again (at least one)."""
    reached = limiter.current_limit
    if reached is None:
        return 60
    return max(1, math.ceil(reached.window.reset_time - time.time()))


def _too_many(error: RateLimitExceeded) -> Any:
    limiter: Limiter = current_app.extensions[EXTENSION]
    seconds = _retry_after(limiter)
    says = str(error.description or "too many requests have been made.")
    if wants_json():
        response = jsonify({"error": "Too many requests", "status": 429, "detail": f"Please wait: {says}",
                            "retry_after": seconds})
    else:
        response = current_app.make_response(
            render_template("errors/rate_limited.html", says=says, wait=_wait_words(seconds),
                            wrote=request.endpoint in WRITING_ENDPOINTS)
        )
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def init_app(app: Flask) -> None:
    """Put the limits on their endpoints (after every blueprint is registered); nothing when switched off."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return
    uri = str(app.config["RATELIMIT_STORAGE_URI"])
    # Our database storage needs the database's URL; other storages take no option from us.
    options: dict[str, str | int] = (
        {"database_url": str(app.config["DATABASE_URL"])} if uri.startswith(ratelimit_store.SCHEME) else {}
    )
    limiter = Limiter(key_func=by_address, storage_uri=uri, storage_options=options,
                      strategy="fixed-window", headers_enabled=False)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    for rule in ENDPOINT_LIMITS:
        if rule.endpoint not in app.view_functions:
            raise RuntimeError(f"rate limit on {rule.endpoint}, which is not an endpoint: update ENDPOINT_LIMITS")
        view: Callable[..., Any] = app.view_functions[rule.endpoint]
        app.view_functions[rule.endpoint] = limiter.limit(
            _setting(rule.setting), key_func=rule.key, methods=list(rule.methods), error_message=rule.says,
            exempt_when=rule.exempt_when,
        )(view)
    # One count per token across the whole API, whichever endpoint it calls.
    api: Any = app.blueprints[API_BLUEPRINT]  # a Blueprint (typed as its base class here)
    limiter.shared_limit(_setting("RATELIMIT_API"), scope="api", key_func=by_api_token,
                         error_message=API_SAYS)(api)
    app.register_error_handler(RateLimitExceeded, _too_many)
