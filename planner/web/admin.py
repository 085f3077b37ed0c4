"""Administration: the people of the organisation and their roles, its settings, and its audit trail."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask import Response as FlaskResponse
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.diversity.characteristics import CHARACTERISTICS
from planner.diversity.disclosure import check_public_levels
from planner.diversity.suppression import MAX_THRESHOLD, MIN_THRESHOLD
from planner.models import AuditEvent, Membership
from planner.objectives.progress import RAG_THRESHOLD_LABELS, rag_threshold_problems
from planner.permissions import ROLE_NAMES
from planner.security import keep_session
from planner.services import accounts as service
from planner.services import audit
from planner.services.audit import EventFilters
from planner.services.diversity import all_named, save_group_labels
from planner.services.passwords import other_organisations
from planner.services.passwords import reset_password as reset_member_password
from planner.spreadsheet_safe import spreadsheet_safe
from planner.web.fields import day, number, record_id, whole_number
from planner.web.forms import ConfirmForm, MemberForm, PasswordResetForm, RoleForm
from planner.web.forms_engagement import SettingsForm
from planner.web.tenancy import acting_org, require, scoped_or_404
from planner.web.unit import unit_of_work
from planner.web.util import attachment

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/members")
@require("members.manage")
def members() -> str:
    """Everyone in the organisation, with their role."""
    rows = service.members_of(get_session(), acting_org())
    return render_template("admin/members.html", rows=rows, role_names=ROLE_NAMES)


@bp.route("/members/new", methods=["GET", "POST"])
@require("members.manage")
def add_member() -> str | Response:
    """Add a person to the organisation."""
    form = MemberForm()
    if form.validate_on_submit():
        with unit_of_work(form=form) as done:
            service.add_member(
                session=get_session(), organisation=acting_org(), email=form.email.data or "",
                role=form.role.data or "", name=form.name.data or "", password=form.password.data or None,
                actor=current_user, hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        if done:
            flash(f"{form.email.data} added as {ROLE_NAMES[str(form.role.data)]}.", "success")
            return redirect(url_for("admin.members"))
    return render_template("admin/member_form.html", form=form)


@bp.route("/members/<int:membership_id>/role", methods=["GET", "POST"])
@require("members.manage")
def change_role(membership_id: int) -> str | Response:
    """Change a member's role."""
    membership = scoped_or_404(Membership, membership_id)
    user = service.person_of(get_session(), membership)
    form = RoleForm(obj=membership)
    if form.validate_on_submit():
        with unit_of_work(form=form) as done:
            service.change_role(session=get_session(), membership=membership, role=form.role.data or "",
                                actor=current_user)
        if done:
            if user.id == current_user.id:
                keep_session(user.session_version)  # their other sessions end; this one carries on
            flash(f"{user.email} is now {ROLE_NAMES[membership.role]}.", "success")
            return redirect(url_for("admin.members"))
    return render_template("admin/role_form.html", form=form, member=user, membership=membership)


@bp.route("/members/<int:membership_id>/password", methods=["GET", "POST"])
@require("members.manage")
def reset_password(membership_id: int) -> str | Response | tuple[str, int]:
    """Set a new password for a member (who has forgotten theirs); every session of theirs ends."""
    membership = scoped_or_404(Membership, membership_id)
    db = get_session()
    user = service.person_of(db, membership)
    if user.id == current_user.id:
        return redirect(url_for("account.password"))
    form = PasswordResetForm()
    if form.validate_on_submit():
        with unit_of_work(form=form) as done:
            reset_member_password(session=db, user=user, organisation=acting_org(),
                                  new_password=form.new_password.data or "", actor=current_user,
                                  hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        if done:
            # The password itself is never shown again, here or anywhere.
            flash(f"New password set for {user.email}. They have been signed out everywhere: give them the "
                  "new password in person and ask them to change it.", "success")
            return redirect(url_for("admin.members"))
    shared = other_organisations(db, user, acting_org())
    return render_template("admin/password_form.html", form=form, member=user, shared=shared), (
        400 if form.errors else 200)


@bp.route("/members/<int:membership_id>/remove", methods=["GET", "POST"])
@require("members.manage")
def remove_member(membership_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then remove a person from the organisation."""
    membership = scoped_or_404(Membership, membership_id)
    user = service.person_of(get_session(), membership)
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work(on_refused=lambda exc: form.form_errors.append(exc.message)) as done:
            service.remove_member(session=get_session(), membership=membership, actor=current_user)
        if not done:
            return render_template("admin/confirm_remove.html", form=form, member=user), 409
        flash(f"{user.email} removed from the organisation.", "success")
        return redirect(url_for("admin.members"))
    return render_template("admin/confirm_remove.html", form=form, member=user)


@bp.route("/settings", methods=["GET", "POST"])
@require("members.manage")
def settings() -> str | Response | tuple[str, int]:
    """Organisation settings: the small-number suppression threshold, the levels whose composition is
    public, the RAG thresholds and the names of groups."""
    organisation = acting_org()
    db = get_session()
    form = SettingsForm()
    errors: list[tuple[str, str]] = []
    if form.validate_on_submit():
        threshold = whole_number(form.suppression_threshold.text)
        if threshold is None or not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
            errors.append(("suppression_threshold",
                           f"The threshold must be a whole number from {MIN_THRESHOLD} to {MAX_THRESHOLD}"))
        public_levels = form.public_levels.data if form.public_levels.raw_data else None
        if public_levels is not None:
            try:  # checked before anything is saved (the group names are saved first)
                check_public_levels(public_levels, service.known_level_keys(db, organisation))
            except ValueError as exc:
                errors.append(("public_levels", str(exc)))
        labels = {(c.key, g.key): request.form.get(f"label-{c.key}-{g.key}", "")
                  for c in CHARACTERISTICS for g in c.groups}
        unreadable = len(errors)
        thresholds: dict[str, float] = {}
        for key, label in RAG_THRESHOLD_LABELS.items():
            # Left empty (or not sent), a threshold keeps its current value.
            blank = getattr(organisation, f"rag_{key}") * 100
            value = number(form.rag_threshold(key), label, errors, f"rag_{key}", blank=blank)
            thresholds[key] = (blank if value is None else value) / 100
        if len(errors) == unreadable:  # both are numbers: checked before anything is saved, as above
            errors += [(f"rag_{key}", message) for key, message in rag_threshold_problems(**thresholds)]
        if not errors:  # the group names are saved (and kept) before the settings are checked and saved
            with unit_of_work(errors=errors):
                save_group_labels(session=db, organisation=organisation, labels=labels, actor=current_user)
        if not errors:
            assert threshold is not None  # a missing threshold is one of the errors above
            with unit_of_work(errors=errors):
                service.update_settings(session=db, organisation=organisation, suppression_threshold=threshold,
                                        public_levels=public_levels, rag_amber_below=thresholds["amber_below"],
                                        rag_red_below=thresholds["red_below"], actor=current_user)
        if not errors:
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, errors=errors, organisation=organisation,
                           low=MIN_THRESHOLD, high=MAX_THRESHOLD, defaults=CHARACTERISTICS,
                           level_keys=service.known_level_keys(db, organisation),
                           named=all_named(db, organisation.id),
                           values=dict(request.form) if errors else {}), (400 if errors else 200)


# --- the audit trail ------------------------------------------------------------------------------

PAGE_SIZE = 100
SHOWN_CHARS = 200  # a longer value is cut short on the page, with the whole of it a click away
CSV_COLUMNS = ("at_utc", "user", "action", "entity", "entity_id", "changes")
# Lists of two that are values in their own right, not [before, after] (as services record changes).
VALUE_LISTS = {("survey_groups", "groups"), ("shortlisting", "groups")}


@dataclass(frozen=True)
class AuditFilters:
    """The audit page's filters as typed (for the form) and as the service takes them."""

    typed: dict[str, str]
    query: EventFilters
    errors: list[tuple[str, str]]


def _day(typed: str, field: str, label: str, errors: list[tuple[str, str]]) -> date | None:
    return day(typed, f"the {label} date", errors, field, example="2026-11-23")


def _audit_filters() -> AuditFilters:
    """Read from, to (dates, UTC, both included), action, entity and person from the query string."""
    typed = {k: request.args.get(k, "").strip() for k in ("from", "to", "action", "entity", "person")}
    errors: list[tuple[str, str]] = []
    first = _day(typed["from"], "from", "from", errors)
    last = _day(typed["to"], "to", "to", errors)
    if first and last and first > last:
        errors.append(("to", "The to date must be the same as or after the from date"))
    person = record_id(typed["person"])
    if typed["person"] and person is None:
        errors.append(("person", "Choose a person from the list"))
    utc = datetime.min.time().replace(tzinfo=UTC)
    query: EventFilters = {
        "since": datetime.combine(first, utc) if first else None,
        "until": datetime.combine(last + timedelta(days=1), utc) if last else None,
        "action": typed["action"] or None,
        "entity": typed["entity"] or None,
        "user_id": person,
    }
    return AuditFilters(typed=typed, query=query, errors=errors)


def _who(email: str | None, changes: dict[str, Any]) -> str:
    """The person's email; else a visitor through a public link, or the system itself."""
    if email:
        return email
    return "Someone without an account" if changes.get("through") == "link" else "System"


def _changes_of(event: AuditEvent) -> dict[str, Any]:
    try:
        loaded = json.loads(event.changes or "{}")
    except ValueError:
        return {"changes": event.changes}
    return loaded if isinstance(loaded, dict) else {"changes": loaded}


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@dataclass(frozen=True)
class ChangedField:
    """One field of an event's changes, as shown: before → after, or only a value."""

    name: str
    after: str
    before: str | None = None


def _fields(entity: str, changes: dict[str, Any]) -> list[ChangedField]:
    fields = []
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2 and (entity, name) not in VALUE_LISTS:
            fields.append(ChangedField(name=name.replace("_", " "), before=_shown(value[0]), after=_shown(value[1])))
        else:
            fields.append(ChangedField(name=name.replace("_", " "), after=_shown(value)))
    return fields


def _when(moment: datetime) -> tuple[str, str]:
    """'23 Nov 2026' and '09:14 UTC', each kept on one line."""
    at = audit.as_utc(moment)
    return f"{at.day}\u00a0{at:%b}\u00a0{at.year}", f"{at:%H:%M}\u00a0UTC"


@bp.route("/audit")
@require("audit.view")
def audit_trail() -> tuple[str, int]:
    """The organisation's audit trail, newest first, filtered and a page at a time."""
    organisation_id = acting_org().id
    db = get_session()
    filters = _audit_filters()
    total = audit.count_events(db, organisation_id, **filters.query)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = []
    for event, email in audit.events_of(db, organisation_id, **filters.query, limit=PAGE_SIZE,
                                        offset=(page - 1) * PAGE_SIZE):
        changes = _changes_of(event)
        rows.append({"event": event, "when": _when(event.at), "at": audit.as_utc(event.at).isoformat(),
                     "who": _who(email, changes),
                     "fields": _fields(event.entity, changes)})
    chosen = {k: v for k, v in filters.typed.items() if v}
    return render_template(
        "admin/audit.html", rows=rows, total=total, page=page, pages=pages, first=(page - 1) * PAGE_SIZE + 1,
        filters=filters.typed, chosen=chosen, errors=filters.errors, shown_chars=SHOWN_CHARS,
        actions=audit.actions_of(db, organisation_id), entities=audit.entities_of(db, organisation_id),
        people=audit.people_of(db, organisation_id),
    ), (400 if filters.errors else 200)


def _csv_lines(rows: Iterable[tuple[AuditEvent, str | None]]) -> Iterator[bytes]:
    """The download a row at a time: a byte order mark (so Excel reads UTF-8), the header, the events."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield ("\ufeff" + out.getvalue()).encode("utf-8")
    for event, email in rows:
        out.seek(0)
        out.truncate()
        changes = _changes_of(event)
        cells = [audit.as_utc(event.at).isoformat(timespec="seconds"), _who(email, changes), event.action,
                 event.entity, "" if event.entity_id is None else str(event.entity_id),
                 json.dumps(changes, ensure_ascii=False, sort_keys=True)]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        yield out.getvalue().encode("utf-8")


@bp.route("/audit.csv")
@require("audit.view")
def audit_csv() -> FlaskResponse:
    """Every event the filters match as a CSV file (formulas neutralised), streamed."""
    organisation = acting_org()
    filters = _audit_filters()
    if filters.errors:
        abort(400, description="; ".join(message for _field, message in filters.errors) + ".")
    events = audit.iter_events(get_session(), organisation.id, **filters.query)
    return attachment(stream_with_context(_csv_lines(events)), "text/csv",
                      f"audit-{organisation.slug}.csv")
