"""The Collective Leadership Strategy Planner: a Flask application for NHS trust boards.

The factory lives in planner.app and is reached through `create_app` here, so `planner.forecast`
and the other calculations can be imported without Flask or the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the application."""
    # cycle broken on purpose: planner.app imports the web, the database and the services, all of which import
    # this package first; at the top here every `import planner.forecast` would load Flask and the database too.
    from planner.app import create_app as build

    return build(test_config)
