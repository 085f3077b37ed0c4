"""The Objectives step: the cascade, an objective with its check-ins, alignment, "my objectives",
and objectives to and from files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask import Response as FlaskResponse
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Area, Objective, Organisation, Strategy, User
from planner.objectives import progress as calc
from planner.services import ServiceError, derived
from planner.services import objectives as service
from planner.services.structure import area_depths, areas_of
from planner.web.confirm import (
    Page,
    confirmed,
    form_status,
    record_form,
    record_pages,
    removal_page,
    upload_page,
    version_of,
)
from planner.web.fields import day, number, record_id
from planner.web.forms import ConfirmForm
from planner.web.forms_engagement import CheckInForm, ObjectiveEditForm, ObjectiveForm
from planner.web.tenancy import child_or_404, current_org, current_role, require, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import attachment, note_stale

bp = Blueprint("objectives", __name__, url_prefix="/strategies/<int:strategy_id>/objectives")
TABLE_PAGE = 50  # rows on a page of the table
# The boxes of the objective form, as labelled there: what a refused stale save compares.
FORM_LABELS = {
    "ref": "Reference", "title": "Title", "description": "Description", "level": "Cascade level",
    "parent_id": "Sits below", "area_id": "Area", "owner_user_id": "Owner", "owner_name": "Owner without an account",
    "weight": "Weight", "measure_kind": "How progress is measured", "baseline": "Baseline", "target": "Target",
    "range_low": "Range: lowest", "range_high": "Range: highest", "unit": "Unit", "start": "Start date",
    "due": "Due date", "confidence": "Confidence",
    "confidence_reason": "If confidence is low, why it is still worth doing",
    "link_kind": "Linked to", "link_ref": "Which one", "status": "Status", "rag_override": "RAG set by hand",
    "rag_reason": "Reason for setting RAG by hand",
}


def _organisation() -> Organisation:
    """The organisation the request works in (require() lets a request in only within one)."""
    organisation = current_org()
    assert organisation is not None
    return organisation


def _views(strategy: Strategy) -> list[service.ObjectiveView]:
    """The strategy's cascade as of today."""
    return service.cascade(get_session(), strategy, _organisation(), date.today())


class _Choices(TypedDict):
    """The page's filter, what it selects, and the choices its form offers (template variables)."""

    wanted: service.CascadeFilter
    selection: service.FilteredCascade | None
    areas: list[Area]
    depths: dict[int, int]
    owners: list[str]
    level_names: dict[str, str]


def _filtered(strategy: Strategy, views: list[service.ObjectiveView], owners: list[str] | None = None) -> _Choices:
    """The page's filter from its query string, what it selects, and the choices its form offers."""
    areas = areas_of(get_session(), strategy)
    wanted = service.CascadeFilter.parse(request.args)
    return {"wanted": wanted, "selection": service.filter_cascade(views, wanted, areas) if wanted.active else None,
            "areas": areas, "depths": area_depths(areas),
            "owners": service.owners_of(views) if owners is None else owners, "level_names": service.LEVEL_NAMES}


@dataclass(frozen=True)
class _Whole:
    """What the unfiltered page shows of the cascade, kept once per change and day: at a large trust's
    size, thousands of objectives, it is these few values and one piece of HTML, not the cascade."""

    any: bool
    summary: service.CascadeSummary
    unowned_gaps: int
    owners: list[str]
    tree: str


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """A summary of the cascade, how RAG is worked out, and the cascade as a tree (collapsed below the
    areas) that the query string filters; with view=table, the objectives as a table instead."""
    strategy = strategy_or_404(strategy_id)
    if request.args.get("view") == "table":
        return _table(strategy, _views(strategy))
    rag_explained = service.rag_explained(_organisation())
    if not service.CascadeFilter.parse(request.args).active:
        whole = derived.remember(get_session(), strategy_id=strategy.id,
                                 organisation_id=strategy.organisation_id, kind="objectives page",
                                 reads=("baseline", "catalogue", "competencies", "diversity", "forecast", "objectives",
                                        "organisation", "strategy", "structure"),
                                 parts=(date.today().isoformat(),), compute=lambda: _whole(strategy))
        return render_template("objectives/index.html", strategy=strategy, views=whole.any, summary=whole.summary,
                               unowned_gaps=whole.unowned_gaps, rag_explained=rag_explained,
                               tree=Markup(whole.tree), **_filtered(strategy, [], whole.owners))
    views = _views(strategy)
    chosen = _filtered(strategy, views)
    return render_template("objectives/index.html", strategy=strategy, views=views, summary=service.summarise(views),
                           unowned_gaps=len(service.alignment(get_session(), strategy, views).gaps_without),
                           rag_explained=rag_explained,
                           tree=Markup(_tree(strategy, views, chosen["selection"])),
                           **chosen)


def _whole(strategy: Strategy) -> _Whole:
    """The unfiltered page's figures and tree, worked out afresh (index keeps them)."""
    views = _views(strategy)
    return _Whole(any=bool(views), summary=service.summarise(views),
                  unowned_gaps=len(service.alignment(get_session(), strategy, views).gaps_without),
                  owners=service.owners_of(views), tree=_tree(strategy, views, None))


def _tree(strategy: Strategy, views: list[service.ObjectiveView],
          selection: service.FilteredCascade | None) -> str:
    """The cascade's tree as HTML: the whole of it, or a filter's selection with what is above it. Nothing in it
    depends on who is looking, so the whole tree is kept with the page's other figures (`_Whole`)."""
    return render_template("objectives/_tree.html", strategy=strategy, views=views, selection=selection,
                           by_id={v.objective.id: v for v in views}, level_names=service.LEVEL_NAMES)


def _table(strategy: Strategy, views: list[service.ObjectiveView]) -> str:
    """Every objective (or those the query string's filter selects) as a table, TABLE_PAGE rows a page."""
    chosen = _filtered(strategy, views)
    selection = chosen["selection"]
    rows = [v for v in views if selection is None or v.objective.id in selection.matched]
    pages = max(1, -(-len(rows) // TABLE_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    query = {k: v for k, v in request.args.items() if k not in ("page", "view") and v}
    return render_template("objectives/table.html", strategy=strategy, views=views, matched=len(rows),
                           rows=rows[(page - 1) * TABLE_PAGE:page * TABLE_PAGE], first=(page - 1) * TABLE_PAGE + 1,
                           page=page, pages=pages, query=query, **chosen)


@bp.route("/mine")
@require("strategy.view")
def mine(strategy_id: int) -> str:
    """The objectives the signed-in person owns, to check in on."""
    strategy = strategy_or_404(strategy_id)
    views = [v for v in _views(strategy) if v.objective.owner_user_id == current_user.id]
    return render_template("objectives/mine.html", strategy=strategy, views=views, level_names=service.LEVEL_NAMES)


@bp.route("/<int:objective_id>")
@require("strategy.view")
def show(strategy_id: int, objective_id: int) -> str:
    """One objective: its measure, progress, SMART check and check-in history."""
    strategy = strategy_or_404(strategy_id)
    objective = child_or_404(Objective, objective_id, strategy)
    views = _views(strategy)
    view = next(v for v in views if v.objective.id == objective.id)
    history = service.check_ins_of(get_session(), [objective.id]).get(objective.id, [])
    return render_template("objectives/show.html", strategy=strategy, view=view, history=history,
                           children=[v for v in views if v.objective.parent_id == objective.id],
                           may_check_in=service.may_check_in(objective, current_user, current_role()),
                           form=ConfirmForm(), level_names=service.LEVEL_NAMES, today=date.today().isoformat(),
                           errors=[], values={})


@bp.route("/<int:objective_id>/check-in", methods=["POST"])
@require("strategy.view")
def check_in(strategy_id: int, objective_id: int) -> Page:
    """Record a check-in (editors on any objective, contributors on their own)."""
    strategy = strategy_or_404(strategy_id)
    objective = child_or_404(Objective, objective_id, strategy)
    if not service.may_check_in(objective, current_user, current_role()):
        abort(403)
    posted = confirmed(CheckInForm)
    errors: list[tuple[str, str]] = []
    value = number(posted.value.text, "The current value", errors, "value")
    on = day(posted.on.text, "the date of the check-in", errors, "on", example="2027-03-31") or date.today()
    if not errors:
        with unit_of_work(errors=errors, field="value") as recorded:
            service.add_check_in(session=get_session(), objective=objective, on=on, value=value,
                                 done=posted.done.text == "yes", confidence=posted.confidence.text or None,
                                 note=posted.note.text, actor=current_user)
        if recorded:
            flash("Check-in recorded.", "success")
            return redirect(url_for("objectives.show", strategy_id=strategy.id, objective_id=objective.id))
    views = _views(strategy)
    view = next(v for v in views if v.objective.id == objective.id)
    return render_template("objectives/show.html", strategy=strategy, view=view,
                           history=service.check_ins_of(get_session(), [objective.id]).get(objective.id, []),
                           children=[v for v in views if v.objective.parent_id == objective.id], may_check_in=True,
                           form=ConfirmForm(), level_names=service.LEVEL_NAMES, today=date.today().isoformat(),
                           errors=errors, values=dict(request.form)), 400


def _form(strategy: Strategy, objective: Objective | None) -> Page:
    """The add-or-change page of an objective."""
    db = get_session()
    errors: list[tuple[str, str]] = []
    form = record_form(objective, ObjectiveForm, ObjectiveEditForm)
    members: list[User] = service.members_of(db, _organisation().id)
    values: dict[str, Any]
    if form.validate_on_submit():
        values = form.typed()
        parent_id, owner_id = record_id(form.parent_id.text), record_id(form.owner_user_id.text)
        values["parent_id"] = child_or_404(Objective, parent_id, strategy).id if parent_id else None
        values["area_id"] = record_id(form.area_id.text)
        values["owner_user_id"] = owner_id if owner_id in {m.id for m in members} else None

        def refused(exc: ServiceError) -> None:
            note_stale(form, exc, lambda stored: stored.model_dump(), form.data, FORM_LABELS, {
                "parent_id": {"": "Nothing: a strategic objective",
                              **{str(o.id): o.ref for o in service.objectives_of(db, strategy)}},
                "area_id": {"": "The whole organisation", **{str(a.id): a.name for a in areas_of(db, strategy)}},
                "owner_user_id": {"": "Someone without an account",
                                  **{str(m.id): m.display_name for m in members}}})

        with unit_of_work(errors=errors, on_refused=refused) as done:
            saved = service.save_objective(session=db, strategy=strategy, values=values, actor=current_user,
                                           objective=objective, version=version_of(form))
        if done:
            flash(f"Objective {saved.ref} saved.", "success")
            return redirect(url_for("objectives.show", strategy_id=strategy.id, objective_id=saved.id))
    if errors or form.errors:
        values = dict(request.form)
    elif objective is not None:
        values = {k: ("" if v is None else str(v)) for k, v in objective.model_dump().items()}
    else:
        parent = request.args.get("parent", "")
        values = {"parent_id": parent, "weight": "1", "measure_kind": "target", "status": "active",
                  "start": f"{strategy.start_year}-04-01", "due": f"{strategy.start_year + strategy.horizon}-03-31"}
    rows = areas_of(db, strategy)
    return render_template("objectives/form.html", strategy=strategy, objective=objective, form=form, errors=errors,
                           values=values, all_objectives=service.objectives_of(db, strategy), areas=rows,
                           depths=area_depths(rows), members=members, levels=calc.LEVELS,
                           level_names=service.LEVEL_NAMES, kinds=calc.MEASURE_KINDS,
                           confidence=calc.CONFIDENCE), form_status(errors, form)


record_pages(bp, model=Objective, new="/new", edit="/<int:objective_id>/edit", permission="objectives.manage",
             page=_form, says=("Add an objective.", "Change an objective."))


def _delete(strategy: Strategy, objective: Objective) -> Response:
    """Delete an objective, and back to the cascade."""
    service.delete_objective(session=get_session(), objective=objective, actor=current_user)
    flash(f"Objective {objective.ref} deleted.", "success")
    return redirect(url_for("objectives.index", strategy_id=strategy.id))


removal_page(bp, model=Objective, rule="/<int:objective_id>/delete", permission="objectives.manage", remove=_delete,
             says="Delete an objective; its children move up to its parent.")


@bp.route("/export.csv")
@require("strategy.view")
def export(strategy_id: int) -> FlaskResponse:
    """The objectives as a CSV file with the import's columns (formulas neutralised)."""
    strategy = strategy_or_404(strategy_id)
    data = service.export_csv(_views(strategy))
    return attachment(data, "text/csv", f"objectives-strategy-{strategy.id}.csv")


@bp.route("/import", methods=["GET", "POST"])
@require("objectives.manage")
def upload(strategy_id: int) -> Page:
    """Add and update objectives from a file; all or nothing."""
    strategy = strategy_or_404(strategy_id)

    def store(result: service.ObjectivesResult, _filename: str) -> str:
        added, updated = service.apply_file(session=get_session(), strategy=strategy, result=result,
                                            actor=current_user)
        return f"{added} objectives added and {updated} updated."

    return upload_page(box="objectives", missing="Choose a file of objectives (CSV or Excel .xlsx) to upload",
                       read=lambda data, name, sheet: service.read_upload(get_session(), strategy, data, name,
                                                                          sheet=sheet),
                       store=store, done=url_for("objectives.index", strategy_id=strategy.id),
                       template="objectives/import.html", strategy=strategy)


@bp.route("/alignment")
@require("strategy.view")
def alignment(strategy_id: int) -> str:
    """What is not aligned: orphans, strategic objectives reaching no team, areas without objectives,
    gaps without an objective."""
    strategy = strategy_or_404(strategy_id)
    views = _views(strategy)
    return render_template("objectives/alignment.html", strategy=strategy,
                           report=service.alignment(get_session(), strategy, views), level_names=service.LEVEL_NAMES)
