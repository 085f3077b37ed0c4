"""The application factory: the Flask app with its database, queue, security and pages."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from planner import db, queue, security
from planner.config import ROOT, load_config
from planner.exports import chart_files, image_slots
from planner.web import register_web


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        "planner",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(load_config(test_config))
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind a load balancer the socket's address is the balancer's: take the client's (and
        # whether it came over HTTPS) from the headers the trusted proxies set, and no others.
        # Flask types wsgi_app as a method, yet replacing it with middleware is Flask's documented way.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    queue.check_settings(app.config)  # before anything reaches for Redis
    db.init_app(app)
    queue.init_app(app)
    security.init_app(app)
    register_web(app)
    # Chart images: at most CHART_IMAGE_CONCURRENCY drawn at once by all the workers on this server, and
    # CHART_IMAGE_WAITING requests waiting for a turn; the others answer 503 at once.
    chart_files.bound_image_drawing(image_slots.ImageSlots(
        int(app.config["CHART_IMAGE_CONCURRENCY"]), float(app.config["CHART_IMAGE_WAIT_SECONDS"]),
        image_slots.default_directory(str(app.config["DATABASE_URL"])),
        waiting=int(app.config["CHART_IMAGE_WAITING"])))
    if app.config.get("CHART_BROWSER_WARM", True):
        # Chart image downloads share one Chromium kept open, not one started per download.
        chart_files.keep_browser_warm()
    return app
