"""Administration: the people of the organisation and their roles."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import col, select
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import ROLE_NAMES, Membership, User
from planner.services import ServiceError
from planner.services import accounts as service
from planner.web.fields import number
from planner.web.forms import ConfirmForm, MemberForm, RoleForm
from planner.web.tenancy import current_org, require, scoped_or_404
from planner.web.util import attach_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/members")
@require("members.manage")
def members() -> str:
    """Everyone in the organisation, with their role."""
    organisation = current_org()
    rows = get_session().exec(
        select(Membership, User)
        .join(User, col(User.id) == Membership.user_id)
        .where(Membership.organisation_id == organisation.id)  # type: ignore[union-attr]
        .order_by(User.email)
    ).all()
    return render_template("admin/members.html", rows=rows, role_names=ROLE_NAMES)


@bp.route("/members/new", methods=["GET", "POST"])
@require("members.manage")
def add_member() -> str | Response:
    """Add a person to the organisation."""
    form = MemberForm()
    if form.validate_on_submit():
        try:
            service.add_member(
                session=get_session(), organisation=current_org(), email=form.email.data or "",  # type: ignore[arg-type]
                role=form.role.data or "", name=form.name.data or "", password=form.password.data or None,
                actor=current_user, hash_method=current_app.config["PASSWORD_HASH_METHOD"],  # type: ignore[arg-type]
            )
        except ServiceError as exc:
            get_session().rollback()
            attach_error(form, exc)
        else:
            flash(f"{form.email.data} added as {ROLE_NAMES[form.role.data or 'viewer']}.", "success")
            return redirect(url_for("admin.members"))
    return render_template("admin/member_form.html", form=form)


@bp.route("/members/<int:membership_id>/role", methods=["GET", "POST"])
@require("members.manage")
def change_role(membership_id: int) -> str | Response:
    """Change a member's role."""
    membership = scoped_or_404(Membership, membership_id)
    user = get_session().get(User, membership.user_id)
    form = RoleForm(obj=membership)
    if form.validate_on_submit():
        try:
            service.change_role(session=get_session(), membership=membership, role=form.role.data or "",
                                actor=current_user)  # type: ignore[arg-type]
        except ServiceError as exc:
            get_session().rollback()
            attach_error(form, exc)
        else:
            flash(f"{user.email} is now {ROLE_NAMES[membership.role]}.", "success")  # type: ignore[union-attr]
            return redirect(url_for("admin.members"))
    return render_template("admin/role_form.html", form=form, member=user, membership=membership)


@bp.route("/members/<int:membership_id>/remove", methods=["GET", "POST"])
@require("members.manage")
def remove_member(membership_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then remove a person from the organisation."""
    membership = scoped_or_404(Membership, membership_id)
    user = get_session().get(User, membership.user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.remove_member(session=get_session(), membership=membership, actor=current_user)  # type: ignore[arg-type]
        except ServiceError as exc:
            form.form_errors.append(exc.message)
            return render_template("admin/confirm_remove.html", form=form, member=user), 409
        flash(f"{user.email} removed from the organisation.", "success")  # type: ignore[union-attr]
        return redirect(url_for("admin.members"))
    return render_template("admin/confirm_remove.html", form=form, member=user)


@bp.route("/settings", methods=["GET", "POST"])
@require("members.manage")
def settings() -> str | Response | tuple[str, int]:
    """Organisation settings: the small-number suppression threshold and the names of groups."""
    from planner.diversity.characteristics import CHARACTERISTICS
    from planner.diversity.suppression import MAX_THRESHOLD, MIN_THRESHOLD
    from planner.services.audit import record
    from planner.services.diversity import all_named, save_group_labels

    organisation = current_org()
    db = get_session()
    form = ConfirmForm()
    errors: list[tuple[str, str]] = []
    if form.validate_on_submit():
        raw = request.form.get("suppression_threshold", "").strip()
        if not raw.isascii() or not raw.isdigit() or not MIN_THRESHOLD <= int(raw) <= MAX_THRESHOLD:
            errors.append(("suppression_threshold",
                           f"The threshold must be a whole number from {MIN_THRESHOLD} to {MAX_THRESHOLD}"))
        labels = {(c.key, g.key): request.form.get(f"label-{c.key}-{g.key}", "")
                  for c in CHARACTERISTICS for g in c.groups}
        thresholds = {}
        for key, label in (("rag_amber_below", "Amber below"), ("rag_red_below", "Red below")):
            # Left empty (or not sent), a threshold keeps its current value.
            value = number(request.form.get(key, ""), label, errors, key,
                           blank=getattr(organisation, key) * 100)
            if value is None or not 0 < value <= 100:
                errors.append((key, f"{label} must be a percentage from 1 to 100"))
            else:
                thresholds[key] = value / 100
        if not errors and thresholds["rag_red_below"] > thresholds["rag_amber_below"]:
            errors.append(("rag_red_below", "Red below cannot be higher than amber below"))
        if not errors:
            try:
                save_group_labels(session=db, organisation=organisation, labels=labels,  # type: ignore[arg-type]
                                  actor=current_user)  # type: ignore[arg-type]
            except ServiceError as exc:
                db.rollback()
                errors.append((exc.field or "", exc.message))
        if not errors:
            before = organisation.suppression_threshold  # type: ignore[union-attr]
            organisation.suppression_threshold = int(raw)  # type: ignore[union-attr]
            organisation.rag_amber_below = thresholds["rag_amber_below"]  # type: ignore[union-attr]
            organisation.rag_red_below = thresholds["rag_red_below"]  # type: ignore[union-attr]
            db.add(organisation)
            record(db, action="update", entity="organisation", entity_id=organisation.id,  # type: ignore[union-attr]
                   organisation_id=organisation.id, user_id=current_user.id,  # type: ignore[union-attr]
                   changes={"suppression_threshold": [before, int(raw)], **thresholds})
            db.commit()
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, errors=errors, organisation=organisation,
                           low=MIN_THRESHOLD, high=MAX_THRESHOLD, defaults=CHARACTERISTICS,
                           named=all_named(db, organisation.id),  # type: ignore[union-attr,arg-type]
                           values=dict(request.form) if errors else {}), (400 if errors else 200)
