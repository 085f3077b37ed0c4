"""The Approve step: what the strategy still lacks, the board cover sheet, submission, the board's
decision, the frozen versions (each readable and exporting its pack as approved) and the comparison
of two versions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.compare import compare
from planner.db import get_session
from planner.exports.content import kept_content
from planner.exports.workbook import pack_bytes
from planner.models import Strategy, StrategyVersion
from planner.services import ServiceError, board_cover
from planner.services import versions as service
from planner.services.board_pack import draft_status
from planner.services.completeness import completeness
from planner.services.editing import StaleEdit
from planner.web.confirm import confirmed
from planner.web.exports import XLSX, paper_response, pdf_job_page
from planner.web.fields import day, record_id
from planner.web.forms import BoardCoverForm, ConfirmForm
from planner.web.forms_engagement import DecisionForm
from planner.web.tenancy import acting_org, child_or_404, require, strategy_or_404
from planner.web.unit import attach_error, unit_of_work
from planner.web.util import attachment, file_name, refuse_stale_form

bp = Blueprint("approve", __name__, url_prefix="/strategies/<int:strategy_id>")


def _page(strategy_id: int, errors: list[tuple[str, str]] | None = None, values: dict[str, str] | None = None,
          status: int = 200) -> tuple[str, int]:
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    today = date.today()
    return render_template(
        "approve/index.html", strategy=strategy, items=completeness(db, strategy, acting_org(), today),
        versions=service.versions_of(db, strategy), decisions=service.decisions_of(db, strategy),
        status=draft_status(db, strategy), decision_names=service.DECISIONS, form=ConfirmForm(),
        cover=board_cover.cover_content(db, strategy, prepared_by=""),
        errors=errors or [], values=values or {}, today=today), status


@bp.route("/approve")
@require("strategy.view")
def index(strategy_id: int) -> tuple[str, int]:
    """The Approve step: completeness, status, the decision form and the versions."""
    return _page(strategy_id)


def _cover_form_data(strategy: Strategy) -> dict[str, object]:
    """The cover form's boxes as stored now, with the version they are at (0: no cover yet)."""
    db = get_session()
    stored = board_cover.cover_of(db, strategy)
    return {**BoardCoverForm.data_from(board_cover.cover_content(db, strategy, prepared_by="")),
            "version": stored.version if stored else 0}


@bp.route("/approve/cover", methods=["GET", "POST"])
@require("strategy.submit")
def cover(strategy_id: int) -> Response | tuple[str, int]:
    """The board cover sheet: its form, and saving it."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    form = BoardCoverForm(data=None if request.method == "POST" else _cover_form_data(strategy))
    status = 200
    if form.validate_on_submit():

        def refused(exc: ServiceError) -> None:
            nonlocal status
            if isinstance(exc, StaleEdit):
                refuse_stale_form(form, exc, lambda _stored: BoardCoverForm(formdata=None,
                                                                            data=_cover_form_data(strategy)))
                status = 409
            else:  # every problem of a cover (CoverError), on its own field
                for field, message in exc.problems:
                    attach_error(form, ServiceError(message, field=field))
                status = 400

        with unit_of_work(on_refused=refused) as done:
            board_cover.save_cover(session=db, strategy=strategy, organisation=acting_org(),
                                   values=form.cover_values(), actor=current_user, version=form.version.data)
        if done:
            flash("The cover sheet is saved. It goes at the front of the board pack.", "success")
            return redirect(url_for("approve.index", strategy_id=strategy.id, _anchor="cover-sheet"))
    elif form.is_submitted():
        status = 400
    return render_template("approve/cover.html", strategy=strategy, form=form), status


@bp.route("/approve/submit", methods=["POST"])
@require("strategy.submit")
def submit(strategy_id: int) -> Response | tuple[str, int]:
    """Put the draft to the board."""
    return _change_status(strategy_id, service.submit, "The strategy is submitted for the board's decision.")


@bp.route("/approve/withdraw", methods=["POST"])
@require("strategy.submit")
def withdraw(strategy_id: int) -> Response | tuple[str, int]:
    """Take the strategy back to draft before the board decides."""
    return _change_status(strategy_id, service.withdraw, "The strategy is back to draft.")


def _change_status(strategy_id: int, change: Callable[..., None], done: str) -> Response | tuple[str, int]:
    """Submit or withdraw once confirmed, then back to the Approve step; a refusal is shown there."""
    strategy = strategy_or_404(strategy_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    errors: list[tuple[str, str]] = []  # about the action, not a field: no link
    with unit_of_work(errors=errors) as went_through:
        change(session=get_session(), strategy=strategy, actor=current_user)
    if not went_through:
        return _page(strategy_id, errors, status=400)
    flash(done, "success")
    return redirect(url_for("approve.index", strategy_id=strategy.id))


@bp.route("/approve/decision", methods=["POST"])
@require("strategy.approve")
def decision(strategy_id: int) -> Response | tuple[str, int]:
    """Record the board's decision; an approval freezes a version."""
    strategy = strategy_or_404(strategy_id)
    posted = confirmed(DecisionForm)
    raw = posted.typed()
    problems: list[tuple[str, str]] = []
    meeting = day(raw["meeting_date"], "the meeting date", problems, "meeting_date", example="2027-03-12")
    if problems:
        return _page(strategy_id, problems, raw, 400)
    with unit_of_work(errors=problems, field="decision") as done:
        made = service.record_decision(session=get_session(), strategy=strategy, organisation=acting_org(),
                                       values={**raw, "meeting_date": meeting}, actor=current_user,
                                       today=date.today())
    if not done:
        return _page(strategy_id, problems, raw, 400)
    if made.version_id is not None:
        flash(f"Recorded: {service.DECISIONS[made.decision].lower()}. The approved version is frozen; "
              "the strategy goes on as the draft of the next version.", "success")
        return redirect(url_for("approve.version", strategy_id=strategy.id, version_id=made.version_id))
    flash("Recorded: deferred. The strategy is back to draft.", "success")
    return redirect(url_for("approve.index", strategy_id=strategy.id))


@bp.route("/versions/<int:version_id>")
@require("strategy.view")
def version(strategy_id: int, version_id: int) -> str:
    """One approved version, as the board approved it."""
    strategy = strategy_or_404(strategy_id)
    found = child_or_404(StrategyVersion, version_id, strategy)
    snapshot = service.snapshot_of(found)
    return render_template("approve/version.html", strategy=strategy, version=found, snapshot=snapshot,
                           content=snapshot["content"], decision_names=service.DECISIONS,
                           others=[v for v in service.versions_of(get_session(), strategy) if v.id != found.id])


@bp.route("/versions/<int:version_id>/pack.xlsx")
@require("strategy.view")
def version_pack(strategy_id: int, version_id: int) -> Response:
    """The version's board pack, exactly as approved."""
    strategy = strategy_or_404(strategy_id)
    found = child_or_404(StrategyVersion, version_id, strategy)
    return attachment(pack_bytes(kept_content(service.version_content(found))), XLSX,
                      file_name(strategy.title, f"version-{found.number}", found.approved_on))


def _snapshot_for(strategy_id: int, which: str) -> tuple[dict[str, Any], str]:
    """A version's snapshot by id, or the draft's as it stands ('draft'), with a label."""
    strategy = strategy_or_404(strategy_id)
    if which == "draft":
        snapshot = service.take_snapshot(get_session(), strategy, acting_org(), today=date.today(), prepared_by="")
        return snapshot, "the current draft"
    version_id = record_id(which)
    if version_id is None:
        abort(404)
    found = child_or_404(StrategyVersion, version_id, strategy)
    return service.snapshot_of(found), f"version {found.number}"


@bp.route("/compare")
@require("strategy.view")
def compare_versions(strategy_id: int) -> str:
    """What changed between two versions, or a version and the draft."""
    strategy = strategy_or_404(strategy_id)
    versions = service.versions_of(get_session(), strategy)
    if not versions:
        abort(404)
    before_id = request.args.get("from") or str(versions[-1].id)
    after_id = request.args.get("to") or "draft"
    before, before_label = _snapshot_for(strategy_id, before_id)
    after, after_label = _snapshot_for(strategy_id, after_id)
    names = {lv["key"]: lv["name"] for lv in after["content"]["levels"]}
    names.update({lv["key"]: lv["name"] for lv in before["content"]["levels"]})
    return render_template("approve/compare.html", strategy=strategy, versions=versions,
                           comparison=compare(before, after), before_label=before_label, after_label=after_label,
                           before_id=before_id, after_id=after_id, level_names=names)


def _version_paper(strategy_id: int, version_id: int, fmt: str) -> Response | tuple[str, int]:
    """A version's board paper, built from the content frozen when the board approved it."""
    strategy = strategy_or_404(strategy_id)
    found = child_or_404(StrategyVersion, version_id, strategy)
    name = file_name(strategy.title, f"version-{found.number}-board-paper", found.approved_on, fmt)
    return paper_response(service.version_content(found), fmt, name)


@bp.route("/versions/<int:version_id>/paper.docx")
@require("strategy.view")
def version_paper_docx(strategy_id: int, version_id: int) -> Response | tuple[str, int]:
    """The version's board paper as a Word document."""
    return _version_paper(strategy_id, version_id, "docx")


@bp.route("/versions/<int:version_id>/paper.pdf", methods=["GET", "POST"])
@require("strategy.view")
def version_paper_pdf(strategy_id: int, version_id: int) -> Response | str | tuple[str, int]:
    """The version's board paper as a PDF, made by a worker (503 where LibreOffice is not installed)."""
    strategy = strategy_or_404(strategy_id)
    found = child_or_404(StrategyVersion, version_id, strategy)
    name = file_name(strategy.title, f"version-{found.number}-board-paper", found.approved_on, "pdf")
    return pdf_job_page(strategy, {"version_id": found.id, "filename": name},
                        f"the board paper of version {found.number}")
