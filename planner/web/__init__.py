"""The web front end: blueprints, error pages, template helpers."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map

from planner.reference import band_label
from planner.services.conflicts import LOST_RACE
from planner.services.editing import STALE_MESSAGE
from planner.web import (
    account,
    admin,
    api,
    approve,
    auth,
    baseline,
    board_terms,
    charts,
    competencies,
    consult,
    diversity,
    establishment,
    evidence,
    exports,
    filters,
    forecast,
    jobs,
    limits,
    main,
    objectives,
    scenarios,
    strategies,
    structure,
    succession,
    surveys,
    system_capability,
    system_diversity,
    system_exports,
    system_objectives,
    systems,
    systems_api,
)
from planner.web.fields import MAX_ID, is_record_id
from planner.web.tenancy import can, current_org, current_role, wants_json
from planner.web.unit import abandon

del systems_api  # imported for its routes, which it nests in the API's blueprint
del system_diversity  # imported for its routes, on the systems' blueprints
del system_capability  # imported for its routes, on the systems' page and API blueprints
del system_objectives  # imported for its routes, on the systems' blueprints
del system_exports  # imported for its routes (the system pack and paper), on the systems' page blueprint

ERROR_TITLES = {
    400: "Something was wrong with the request",
    403: "You do not have permission to do that",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The file is too large",
    422: "The request could not be processed",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def _handle_http_error(error: HTTPException) -> Any:
    code = error.code or 500
    title = ERROR_TITLES.get(code, error.name)
    if wants_json():
        return jsonify({"error": title, "status": code, "detail": error.description}), code
    return render_template("errors/error.html", code=code, title=title, error=error), code


def _handle_csrf_error(error: CSRFError) -> Any:
    if wants_json():
        return jsonify({"error": "CSRF check failed", "status": 400, "detail": error.description}), 400
    return (
        render_template(
            "errors/error.html", code=400, title="Your form expired or was not sent from this site",
            error=error, hint="Go back, reload the page and try again.",
        ),
        400,
    )


def _handle_stale(error: Exception) -> Any:
    """A save that lost a race with another (planner.services.editing) where the page had no form to
    show it on: refused, nothing stored, as 409 Conflict."""
    abandon()
    if wants_json():
        return jsonify({"error": STALE_MESSAGE, "status": 409,
                        "detail": "Nothing was saved. Read it again and make your change to what is stored now."}), 409
    return render_template("errors/error.html", code=409, title=STALE_MESSAGE, error=None,
                           hint="Nothing you entered was saved. Go back, reload the page to see their change, "
                                "and make yours again."), 409


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in a route: a record id from 1 to the largest the database holds (64-bit, as
    PostgreSQL's bigint; SQLite overflows past it). Anything else matches no route, so answers 404."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


# Query-string and form parameters that name a record by id (as ?scenario=3, or a hidden area_id).
ID_PARAMETERS = frozenset({"scenario", "area", "level", "parent", "person"})


def _refuse_impossible_ids() -> None:
    """404 for a record id in the query string or a form that no record can have: digits past the
    database's range, or digits that are not ASCII ('²'). Other text is left to the page to report."""
    for name, values in request.values.lists():
        if name in ID_PARAMETERS or name.endswith("_id"):
            for value in values:
                text = value.strip()
                if text.isdigit() and not is_record_id(text):
                    abort(404)


def register_web(app: Flask) -> None:
    """Register every blueprint, the error handlers and the template helpers."""
    # Before any blueprint: each route's <int:...> is compiled with the converter registered now.
    app.url_map.converters["int"] = RecordIdConverter
    app.before_request(_refuse_impossible_ids)
    for module in (auth, main, strategies, structure, baseline, establishment, forecast, scenarios, diversity,
                   board_terms, competencies, surveys, objectives, consult, charts, exports, approve, jobs, admin,
                   account, api, evidence, succession, systems):
        app.register_blueprint(module.bp)
    app.register_blueprint(surveys.public)
    app.register_blueprint(consult.public)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    for lost_race in LOST_RACE:
        app.register_error_handler(lost_race, _handle_stale)
    filters.init_app(app)
    # After every blueprint: the limits are put on endpoints by name.
    limits.init_app(app)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "current_org": current_org,
            "current_role": current_role,
            "can": can,
            "band_label": band_label,
            "request_path": request.path,
        }
