"""The Collective Leadership Strategy Planner: a Flask application for NHS trust boards."""

from __future__ import annotations

from typing import Any

from flask import Flask

from planner.config import ROOT, load_config


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(load_config(test_config))

    from planner import db, security
    from planner.web import register_web

    db.init_app(app)
    security.init_app(app)
    register_web(app)
    return app
