"""The Baseline step's funded establishment: leader posts per area and level, typed one area at a time
or imported from a file, and the vacancies at the baseline they give (docs/establishment.md)."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Area, Strategy
from planner.services import establishment as service
from planner.services.baseline import summarise
from planner.services.uploads import EstablishmentResult
from planner.web.fields import whole_number
from planner.web.forms import EditForm
from planner.web.forms_workforce import SheetForm
from planner.web.tenancy import child_or_404, require, strategy_or_404
from planner.web.uploads import Received, receive
from planner.web.util import attempt, note_stale

bp = Blueprint("establishment", __name__, url_prefix="/strategies/<int:strategy_id>/baseline/establishment")

Errors = list[tuple[str, str]]


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """Funded posts, leaders in post and vacancies by area (with the areas within it) and level."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    return render_template("baseline/establishment.html", strategy=strategy, summary=summarise(db, strategy),
                           posts=service.establishment_of(db, strategy), vacancies=service.vacancies(db, strategy),
                           years=_years(strategy))


def _years(strategy: Strategy) -> list[int]:
    return list(range(strategy.start_year + 1, strategy.end_year + 1))


def _boxes(strategy: Strategy, area: Area) -> tuple[dict[str, str], dict[str, str]]:
    """The area's form as it would open now (box name to text), and each box's label."""
    db = get_session()
    stored = service.establishment_of(db, strategy).get(area.id, {})
    values: dict[str, str] = {}
    labels: dict[str, str] = {}
    years = _years(strategy)
    for level in summarise(db, strategy).levels:
        posts = stored.get(level.key)
        every = f"posts-{level.id}"
        labels[every] = f"{level.name}: posts every year"
        values[every] = str(posts) if isinstance(posts, int) else ""
        for offset, year in enumerate(years):
            name = f"posts-{level.id}-{year}"
            labels[name] = f"{level.name}: posts in {year}"
            values[name] = str(posts[offset]) if isinstance(posts, tuple) and offset < len(posts) else ""
    return values, labels


def _figure(raw: str, label: str, errors: Errors, field: str) -> int | None:
    """A number of posts as typed ('1,200' is fine); None for an empty box."""
    text = raw.strip()
    if not text:
        return None
    value = whole_number(text)
    if value is None:
        errors.append((field, f"{label} must be a whole number of posts, 0 or more, like 12"))
        return None
    problem = service.check_posts(value, horizon=1, label=label)
    if problem:
        errors.append((field, problem))
        return None
    return value


def _read_area(strategy: Strategy, area: Area, form: dict[str, str], errors: Errors) -> dict[str, service.Posts | None]:
    """Each level's posts from the form: the 'every year' figure, with any year's own figure in its place."""
    years = _years(strategy)
    out: dict[str, service.Posts | None] = {}
    for level in summarise(get_session(), strategy).levels:
        before = len(errors)
        every = _figure(form.get(f"posts-{level.id}", ""), f"{level.name}: posts every year", errors,
                        f"posts-{level.id}")
        yearly = {year: _figure(form.get(f"posts-{level.id}-{year}", ""), f"{level.name}: posts in {year}", errors,
                                f"posts-{level.id}-{year}") for year in years}
        if len(errors) > before:
            continue
        if every is None and not any(v is not None for v in yearly.values()):
            out[level.key] = None  # no establishment: demand follows the span or the baseline
            continue
        missing = [year for year, value in yearly.items() if value is None and every is None]
        if missing:
            errors.append((f"posts-{level.id}-{missing[0]}",
                           f"{level.name}: enter posts for {', '.join(map(str, missing))}, or a figure for every "
                           "year to fill the years left empty"))
            continue
        # Every year has a figure now (checked just above): its own, else the 'every year' one.
        figures = tuple(cast(int, every if value is None else value) for value in yearly.values())
        out[level.key] = figures[0] if len(set(figures)) == 1 else figures
    return out


@bp.route("/<int:area_id>", methods=["GET", "POST"])
@require("baseline.edit")
def edit(strategy_id: int, area_id: int) -> str | Response | tuple[str, int]:
    """Type in one area's funded posts per level: one figure for every year, or one per year; all or nothing."""
    strategy = strategy_or_404(strategy_id)
    area = child_or_404(Area, area_id, strategy)
    db = get_session()
    form = EditForm(version=strategy.baseline_version)
    errors: Errors = []
    values: dict[str, str] = {}
    if form.validate_on_submit():
        typed = {k: v for k, v in request.form.items() if isinstance(v, str)}
        posts = _read_area(strategy, area, typed, errors)
        if not errors and attempt(errors, lambda: service.save_establishment(
                session=db, strategy=strategy, posts={(area.id, key): p for key, p in posts.items()},
                actor=current_user, version=form.version.data),
                lambda exc: note_stale(form, exc, lambda stored: _boxes(stored, area)[0], request.form,
                                       _boxes(strategy, area)[1])):
            flash(f"Funded establishment of {area.name} saved.", "success")
            return redirect(url_for("establishment.index", strategy_id=strategy.id))
    if form.is_submitted():
        values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}
    else:
        values = _boxes(strategy, area)[0]
    summary = summarise(db, strategy)
    own = summary.own.get(area.id)
    return render_template("baseline/establishment_edit.html", strategy=strategy, area=area, summary=summary,
                           in_post=own.leaders if own else {}, years=_years(strategy), form=form, errors=errors,
                           error_fields={f for f, _ in errors}, values=values), (400 if errors or form.errors else 200)


@bp.route("/import", methods=["GET", "POST"])
@require("baseline.edit")
def upload(strategy_id: int) -> str | Response | tuple[str, int]:
    """Upload the funded establishment (area, level, posts, optionally a column per year): it replaces the
    whole establishment; any problem and nothing is stored."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    form = SheetForm()
    errors: Errors = []
    received: Received[EstablishmentResult] = Received()
    if form.validate_on_submit():
        received = receive(
            errors, "establishment", missing="Choose a file of funded posts (CSV or Excel .xlsx) to upload",
            read=lambda data, name: service.read_file(
                db, strategy, data, name, sheet=form.sheet.data.strip()[:100] or None),
            store=lambda result, name: _import(strategy, result, name), problems=_problems,
            to=url_for("establishment.index", strategy_id=strategy.id))
        if received.done:
            return received.done
    return render_template("baseline/establishment_import.html", strategy=strategy, form=form, errors=errors,
                           result=received.result, years=_years(strategy),
                           summary=summarise(db, strategy)), received.status(errors)


def _import(strategy: Strategy, result: EstablishmentResult, filename: str) -> str:
    """Store a file's establishment in place of the one held; what to tell the person who sent it."""
    service.import_file(session=get_session(), strategy=strategy, result=result, filename=filename,
                        actor=current_user)
    return (f"Funded establishment replaced from {filename}: {len(result.posts):,} area and level "
            f"figures from {result.rows_read:,} rows.")


def _problems(result: EstablishmentResult, filename: str) -> str:
    """Why a file with problems stored nothing."""
    count = sum(result.problem_totals.values())
    return (f"{filename} has {count:,} problem{'s' if count != 1 else ''} listed below: nothing was stored. "
            "Correct the file and upload it again." if count else f"{filename} has no rows of posts.")
