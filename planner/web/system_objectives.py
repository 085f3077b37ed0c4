"""Shared partnership objectives' pages and API route (docs/systems.md): a system's people see its objectives
with each member's linked objective and the weighted roll-up; its editors and administrators add, change and
delete them; a member's administrators link their own strategic objectives from the Sharing page, and
remove the links. The routes sit on the systems' blueprints (planner.web.systems, planner.web.systems_api)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Objective, Organisation, SystemObjective, SystemObjectiveLink
from planner.services import ServiceError
from planner.services import system_objectives as service
from planner.services import systems as systems_service
from planner.services.editing import StaleEdit
from planner.web.api import api_require
from planner.web.confirm import record_form, version_of
from planner.web.fields import day, is_record_id, number, record_id
from planner.web.forms import ConfirmForm
from planner.web.forms_systems import (
    SYSTEM_OBJECTIVE_BOXES,
    ObjectiveLinkForm,
    SystemObjectiveEditForm,
    SystemObjectiveForm,
)
from planner.web.systems import _own_system, _sharing, bp
from planner.web.systems_api import bp as api_bp
from planner.web.systems_api import system_for_caller
from planner.web.tenancy import acting_org, require, scoped_or_404
from planner.web.unit import unit_of_work
from planner.web.util import edit_status, note_stale

LABELS = {"ref": "Reference", "title": "Title", "description": "Description", "start": "Start date",
          "due": "Due date"}


def _target_or_404(system: Organisation, objective_id: int) -> SystemObjective:
    """One of the system's own objectives; 404 for any other id (another system's, or none)."""
    if not is_record_id(str(objective_id)):
        abort(404)
    with unit_of_work() as found:
        target = service.system_objective(get_session(), system, objective_id)
    if not found:
        abort(404)
    return target


@bp.route("/systems/<slug>/objectives")
@require("system.view")
def objectives(slug: str) -> str:
    """The system's objectives, each with its members' linked objectives and the weighted roll-up."""
    system = _own_system(slug)
    view = service.read_partnership(session=get_session(), system=system, today=date.today(), actor=current_user,
                                    purpose="partnership objectives")
    return render_template("systems/objectives.html", system=system, view=view, form=ConfirmForm())


def _form(system: Organisation, target: SystemObjective | None) -> tuple[str, int] | Response:
    """Add or change one of the system's objectives."""
    db = get_session()
    form = record_form(target, SystemObjectiveForm, SystemObjectiveEditForm)
    errors: list[tuple[str, str]] = []
    stale: list[bool] = []  # whether the service refused the save as stale (409)
    if form.validate_on_submit():  # the CSRF token is checked for every post (planner.security) before this
        typed = {name: form[name].text.strip() for name in SYSTEM_OBJECTIVE_BOXES}
        values: dict[str, Any] = {**typed, "start": day(typed["start"], "the start date", errors, "start"),
                                  "due": day(typed["due"], "the due date", errors, "due")}

        def refused(exc: ServiceError) -> None:
            stale.append(isinstance(exc, StaleEdit))
            note_stale(form, exc, lambda stored: {k: getattr(stored, k) for k in SYSTEM_OBJECTIVE_BOXES}, typed,
                       LABELS)

        if not errors:
            with unit_of_work(errors=errors, on_refused=refused) as done:
                saved = service.save_system_objective(session=db, system=system, values=values, actor=current_user,
                                                      objective=target, version=version_of(form))
            if done:
                flash(f"Objective {saved.ref} saved.", "success")
                return redirect(url_for("systems.objectives", slug=system.slug))
    if form.is_submitted():
        shown = {name: form[name].text for name in SYSTEM_OBJECTIVE_BOXES}
    elif target is not None:
        shown = {name: "" if getattr(target, name) is None else str(getattr(target, name))
                 for name in SYSTEM_OBJECTIVE_BOXES}
    else:
        shown = {name: "" for name in SYSTEM_OBJECTIVE_BOXES}
    status = 409 if any(stale) else edit_status(form) if target is not None else 200
    status = 400 if status == 200 and (errors or form.errors) else status
    return render_template("systems/objective_form.html", system=system, target=target, form=form, errors=errors,
                           values=shown, delete_form=ConfirmForm()), status


@bp.route("/systems/<slug>/objectives/new", methods=["GET", "POST"])
@require("objectives.manage")
def new_objective(slug: str) -> tuple[str, int] | Response:
    """Add an objective of the system."""
    return _form(_own_system(slug), None)


@bp.route("/systems/<slug>/objectives/<int:system_objective_id>/edit", methods=["GET", "POST"])
@require("objectives.manage")
def edit_objective(slug: str, system_objective_id: int) -> tuple[str, int] | Response:
    """Change an objective of the system."""
    system = _own_system(slug)
    return _form(system, _target_or_404(system, system_objective_id))


@bp.route("/systems/<slug>/objectives/<int:system_objective_id>/delete", methods=["POST"])
@require("objectives.manage")
def delete_objective(slug: str, system_objective_id: int) -> Response:
    """Delete an objective of the system, and every member's link to it."""
    system = _own_system(slug)
    target = _target_or_404(system, system_objective_id)
    ref = target.ref
    with unit_of_work(flash_refusal=True) as done:
        removed = service.delete_system_objective(session=get_session(), system=system, objective=target,
                                                  actor=current_user)
    if done:
        flash(f"Objective {ref} deleted, with {removed} member link{'' if removed == 1 else 's'} to it.", "success")
    return redirect(url_for("systems.objectives", slug=system.slug))


@bp.route("/sharing/objective-links", methods=["POST"])
@require("systems.share")
def link_objective() -> str | Response | tuple[str, int]:
    """A member's administrator links one of its strategic objectives to a system's objective."""
    db = get_session()
    organisation = acting_org()
    if systems_service.is_system(organisation):
        abort(404)  # a system links nothing: its Sharing page does not exist either
    form = ObjectiveLinkForm()
    if not form.validate_on_submit():  # the CSRF token is checked for every post (planner.security) before this
        abort(400)
    values = {"system_objective": form.system_objective.text.strip(), "objective": form.objective.text.strip(),
              "weight": form.weight.text.strip()}
    errors: list[tuple[str, str]] = []
    target_id, objective_id = record_id(values["system_objective"]), record_id(values["objective"])
    if target_id is None:
        errors.append(("system_objective", "Choose the system's objective to link to"))
    if objective_id is None:
        errors.append(("objective", "Choose one of your strategic objectives"))
    weight = number(values["weight"][:40], "The weight", errors, "weight", blank=1.0, example="1 or 2.5")
    if errors or target_id is None or objective_id is None or weight is None:
        return _sharing(errors, values), 400
    # Another organisation's objective, or the objective of a system it is not a member of: 404, as every other
    # organisation's id on every route (the first is recorded in the prober's trail as a probe).
    objective = scoped_or_404(Objective, objective_id)
    with unit_of_work() as found:
        system, target = service.member_target(db, organisation, target_id)
    if not found:
        abort(404)
    with unit_of_work(errors=errors) as done:
        service.link_objective(session=db, system=system, organisation=organisation, system_objective_id=target.id,
                               objective_id=objective.id, weight=weight, actor=current_user)
    if not done:
        return _sharing(errors, values), 400
    flash(f"{system.name} now sees that objective's title, progress, RAG and due date against {target.ref}.",
          "success")
    return redirect(url_for("systems.sharing"))


@bp.route("/sharing/objective-links/<int:objective_link_id>/remove", methods=["POST"])
@require("systems.share")
def unlink_objective(objective_link_id: int) -> Response:
    """Remove one of the member's links: the system stops seeing that objective at once."""
    link = scoped_or_404(SystemObjectiveLink, objective_link_id)
    service.unlink_objective(session=get_session(), link=link, actor=current_user)
    flash("Link removed: the system no longer sees that objective.", "success")
    return redirect(url_for("systems.sharing"))


@api_bp.route("/<slug>/objectives")
@api_require("system.view")
def api_objectives(slug: str) -> Response:
    """The system's objectives with the members' linked objectives and the roll-up (the system's own people)."""
    system, link = system_for_caller(slug)
    if link is not None:
        abort(404)  # a member's consent was to the system, not to the other members
    view = service.read_partnership(session=get_session(), system=system, today=date.today(), actor=current_user,
                                    purpose="partnership objectives")
    return jsonify({"system": system.slug, **view})

