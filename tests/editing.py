"""Posting an edit form as a browser does: with the version of the record the page was opened at.

Every edit form carries a hidden `version` (planner.services.editing); a post without it is refused.
Tests that are about something else open the page first, as a person would, and send its version."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_VERSION = re.compile(r'<input[^>]*name="version"[^>]*value="(\d*)"|<input[^>]*value="(\d*)"[^>]*name="version"')


def version_on(client: FlaskClient, url: str) -> str | None:
    """The version the edit page at `url` carries now, or None if the page shows no edit form."""
    response = client.get(url)
    found = _VERSION.search(response.get_data(as_text=True)) if response.status_code == 200 else None
    return next((g for g in found.groups() if g is not None), None) if found else None


def post_form(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
    """Open the edit page at `url` and post `data` with the version it showed (unless `data` has one)."""
    sent = dict(data or {})
    if "version" not in sent:
        version = version_on(client, url)
        if version is not None:
            sent["version"] = version
    return client.post(url, data=sent, **kwargs)
