"""Chart downloads: every chart on the pages as a print-resolution PNG, an SVG or a self-contained
interactive HTML file, built from the same query (scenario, area, and for diversity the page's
audience: exact figures only for those who may see them and asked, as on the page) as the page it
sits on."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as AnyResponse

from planner.db import get_session
from planner.diversity.disclosure import INTERNAL
from planner.exports import chart_files
from planner.exports.image_slots import ImagesBusy
from planner.models import Area, Organisation, Scenario
from planner.queue import queue_of
from planner.services import chart_set, jobs
from planner.tasks import CHART_IMAGES, UNITS
from planner.web.audience import page_audience
from planner.web.fields import named_record_id
from planner.web.forms import ConfirmForm
from planner.web.tenancy import child_or_404, current_org, require, strategy_or_404
from planner.web.util import attachment, file_name

bp = Blueprint("charts", __name__, url_prefix="/strategies/<int:strategy_id>/charts")
LABELS = {"png": "PNG", "svg": "SVG", "html": "interactive HTML"}


def images_busy(exc: ImagesBusy) -> Response:
    """503 with Retry-After: every turn to draw chart images on this server is taken."""
    response = Response(render_template("errors/error.html", code=503, title="Chart images are busy",
                                        hint=str(exc)), status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _organisation() -> Organisation:
    """The organisation the request acts in (require() has made sure there is one)."""
    organisation = current_org()
    assert organisation is not None
    return organisation


@bp.app_template_global()
def chart_downloads(strategy_id: int, name: str, **query: Any) -> list[tuple[str, str]]:
    """(label, URL) of each download of a chart, keeping the page's query (None values are dropped)."""
    return [(label, url_for("charts.download", strategy_id=strategy_id, name=name, fmt=fmt, **query))
            for fmt, label in LABELS.items()]


@bp.route("/<name>.<any(png, svg, html):fmt>")
@require("strategy.view")
def download(strategy_id: int, name: str, fmt: str) -> Response | tuple[str, int]:
    """One chart of the strategy as a file to save; 404 for a chart the page would not show."""
    strategy = strategy_or_404(strategy_id)
    scenario_id = named_record_id(request.args.get("scenario"))
    area_id = named_record_id(request.args.get("area"))
    scenario = child_or_404(Scenario, scenario_id, strategy) if scenario_id is not None else None
    area = child_or_404(Area, area_id, strategy).id if area_id else None
    try:
        # An image waits for its turn before the figure is built, so a refusal costs next to nothing.
        with chart_files.image_turn() if fmt in chart_files.IMAGE_FORMATS else nullcontext():
            found = chart_set.figure_named(get_session(), strategy, _organisation(), name,
                                           scenario=scenario, area_id=area, audience=page_audience())
            if found is None:
                abort(404)
            title, figure = found
            data = chart_files.figure_bytes(figure, fmt, title)
    except chart_files.ChromiumMissing as exc:
        return render_template("errors/error.html", code=503, title="Chart images cannot be made on this server",
                               hint=str(exc)), 503
    except ImagesBusy as exc:
        return images_busy(exc)
    filename = f"{chart_files.slug(strategy.title, 'strategy')}-{name}.{fmt}"
    return attachment(data, chart_files.MEDIA_TYPES[fmt], filename)


@bp.route("/all", methods=["GET", "POST"])
@require("strategy.view")
def all_files(strategy_id: int) -> AnyResponse | str | tuple[str, int]:
    """GET: what the set of chart files holds, and the button that starts it. POST: start a job that draws
    every chart as PNG, SVG and HTML into one .zip, off the request, and go to its page."""
    strategy = strategy_or_404(strategy_id)
    scenario_id = named_record_id(request.args.get("scenario"))
    scenario = child_or_404(Scenario, scenario_id, strategy) if scenario_id is not None else None
    try:
        chart_files.require_browser()
    except chart_files.ChromiumMissing as exc:
        return render_template("errors/error.html", code=503, title="Chart images cannot be made on this server",
                               hint=str(exc)), 503
    audience = page_audience()
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        filename = file_name(strategy.title, "charts", date.today(), "zip", sensitive=audience == INTERNAL)
        job = jobs.start(session=get_session(), strategy=strategy, kind=CHART_IMAGES, unit=UNITS[CHART_IMAGES],
                         actor=current_user, options={"scenario_id": scenario.id if scenario else None,
                                                      "audience": audience, "filename": filename})
        queue_of(current_app).enqueue(job.id)
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    return render_template("charts/all.html", strategy=strategy, scenario=scenario, form=form,
                           exact=audience == INTERNAL, action=request.full_path.rstrip("?"))
