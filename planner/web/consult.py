"""The Consult step: consultations on sections of the strategy, members' comments, editors'
responses and hiding, the engagement log and the summary ("you said, we did"). People without an
account comment through the consultation's link (the public blueprint `comment`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Comment, Consultation, EngagementEvent, Strategy
from planner.services import ServiceError
from planner.services import consultation as service
from planner.web.confirm import (
    Page,
    check_confirmed,
    confirmed,
    form_status,
    record_form,
    record_pages,
    removal_page,
    version_of,
)
from planner.web.fields import day, whole
from planner.web.forms import ConfirmForm
from planner.web.forms_engagement import (
    CommentForm,
    ConsultationEditForm,
    ConsultationForm,
    EventEditForm,
    EventForm,
    HideForm,
    ResponseForm,
)
from planner.web.tenancy import can, child_or_404, require, scoped_or_404, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import note_stale

bp = Blueprint("consult", __name__, url_prefix="/strategies/<int:strategy_id>/consult")
public = Blueprint("comment", __name__)
Errors = list[tuple[str, str]]


def _comment_or_404(consultation: Consultation, comment_id: int) -> Comment:
    """A comment on this consultation, or 404."""
    comment = scoped_or_404(Comment, comment_id)
    if comment.consultation_id != consultation.id:
        abort(404)
    return comment


def _posted_on(strategy_id: int, consultation_id: int, comment_id: int) -> tuple[Strategy, Consultation, Comment]:
    """The strategy, consultation and comment an editor's button names (each or 404), once the post is checked."""
    strategy = strategy_or_404(strategy_id)
    consultation = child_or_404(Consultation, consultation_id, strategy)
    found = _comment_or_404(consultation, comment_id)
    check_confirmed()
    return strategy, consultation, found


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """The strategy's consultations and engagement log."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    return render_template("consult/index.html", strategy=strategy,
                           consultations=service.consultations_of(db, strategy),
                           counts=service.comment_counts(db, strategy), events=service.events_of(db, strategy),
                           today=date.today(), service=service)


def _listed(keys: list[str], names: dict[str, str]) -> str:
    """Chosen boxes as the comparison of a stale save shows them: their names, one a line."""
    return "\n".join(names.get(k, k) for k in keys)


def _consultation_form(strategy: Strategy, consultation: Consultation | None) -> Page:
    """The add-or-change page of a consultation."""
    db = get_session()
    form = record_form(consultation, ConsultationForm, ConsultationEditForm)
    errors: Errors = []
    if form.validate_on_submit():
        opens_on = day(form.opens_on.text, "the opening date", errors, "opens_on")
        closes_on = day(form.closes_on.text, "the closing date", errors, "closes_on")
        if not errors:
            values: dict[str, Any] = {"title": form.title.text, "sections": form.sections.data,
                                      "audiences": form.audiences.data, "opens_on": opens_on, "closes_on": closes_on}

            def refused(exc: ServiceError) -> None:
                note_stale(form, exc, lambda stored: {
                    "title": stored.title, "sections": _listed(service.sections_of(stored), service.SECTIONS),
                    "audiences": _listed(service.audiences_of(stored), service.AUDIENCES),
                    "opens_on": stored.opens_on, "closes_on": stored.closes_on}, {
                    **form.data, "sections": _listed(form.sections.data, service.SECTIONS),
                    "audiences": _listed(form.audiences.data, service.AUDIENCES)}, {
                    "title": "Title", "sections": "Which sections of the strategy are you asking about?",
                    "audiences": "Who are you asking?", "opens_on": "Opens on", "closes_on": "Closes on"})

            with unit_of_work(errors=errors, on_refused=refused) as saved:
                if consultation is None:
                    stored = service.create_consultation(session=db, strategy=strategy, actor=current_user, **values)
                else:
                    stored = consultation
                    service.update_consultation(session=db, consultation=consultation, actor=current_user,
                                                version=version_of(form), **values)
            if saved:
                flash("Consultation saved. Share its link with people without an account." if consultation is None
                      else "Consultation saved.", "success")
                return redirect(url_for("consult.show", strategy_id=strategy.id, consultation_id=stored.id))
    if errors or form.errors:
        values = {**request.form, "sections": form.sections.data, "audiences": form.audiences.data}
    elif consultation is not None:
        values = {"title": consultation.title, "sections": service.sections_of(consultation),
                  "audiences": service.audiences_of(consultation), "opens_on": consultation.opens_on.isoformat(),
                  "closes_on": consultation.closes_on.isoformat()}
    else:
        today = date.today()
        values = {"title": "", "sections": list(service.SECTIONS), "audiences": list(service.AUDIENCES),
                  "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=28)).isoformat()}
    return render_template("consult/form.html", strategy=strategy, consultation=consultation, form=form,
                           errors=errors, values=values, sections=service.SECTIONS,
                           audiences=service.AUDIENCES), form_status(errors, form)


record_pages(bp, model=Consultation, new="/new", edit="/<int:consultation_id>/edit", permission="consultation.manage",
             page=_consultation_form,
             says=("Open a consultation.", "Change a consultation's title, sections, audiences or dates."))


def _show(strategy: Strategy, consultation: Consultation, errors: Errors | None = None,
          values: dict[str, Any] | None = None, focus: int | None = None) -> tuple[str, int]:
    """A consultation's page, with what was refused (400) or without (200)."""
    db = get_session()
    today = date.today()
    comments = service.comments_of(db, consultation, include_hidden_text=can("comments.hidden"))
    sections = service.sections_of(consultation)
    grouped = [(key, service.SECTIONS[key], [c for c in comments if c.section == key]) for key in sections]
    return render_template(
        "consult/show.html", strategy=strategy, consultation=consultation, grouped=grouped, comments=comments,
        sections=sections, audiences=service.audiences_of(consultation), names=service.SECTIONS,
        audience_names=service.AUDIENCES, status=service.status(consultation, today),
        accepting=service.accepting(consultation, today), themes=service.known_themes(db, strategy),
        link=url_for("comment.form", token=consultation.token, _external=True), form=ConfirmForm(),
        errors=errors or [], values=values or {}, focus=focus,
    ), (400 if errors else 200)


@bp.route("/<int:consultation_id>")
@require("strategy.view")
def show(strategy_id: int, consultation_id: int) -> tuple[str, int]:
    """A consultation: its link, sections, the comment form, and the comments with their responses."""
    strategy = strategy_or_404(strategy_id)
    return _show(strategy, child_or_404(Consultation, consultation_id, strategy))


@bp.route("/<int:consultation_id>/comments", methods=["POST"])
@require("comments.write")
def comment(strategy_id: int, consultation_id: int) -> Response | tuple[str, int]:
    """A signed-in member's comment."""
    strategy = strategy_or_404(strategy_id)
    consultation = child_or_404(Consultation, consultation_id, strategy)
    posted = confirmed(CommentForm)
    errors: Errors = []
    with unit_of_work(errors=errors) as added:
        saved = service.add_comment(session=get_session(), consultation=consultation, section=posted.section.text,
                                    audience=posted.audience.text, body=posted.body.text,
                                    author_role=posted.author_role.text, user=current_user, today=date.today())
    if not added:
        return _show(strategy, consultation, errors, dict(request.form))
    flash("Thank you: your comment has been added.", "success")
    return redirect(url_for("consult.show", strategy_id=strategy.id, consultation_id=consultation.id)
                    + f"#comment-{saved.id}")


def _yes_no(answer: bool | None) -> str:
    """A yes-or-no answer as the comparison of a stale save shows it."""
    return "" if answer is None else "Yes" if answer else "No"


@bp.route("/<int:consultation_id>/comments/<int:comment_id>/respond", methods=["POST"])
@require("consultation.manage")
def respond(strategy_id: int, consultation_id: int, comment_id: int) -> Response | tuple[str, int]:
    """Answer a comment, mark whether it changed the strategy, and tag its themes."""
    strategy, consultation, found = _posted_on(strategy_id, consultation_id, comment_id)
    form = ResponseForm()
    changed = form.changed.text
    errors: Errors = []
    if not form.validate():
        errors.extend(("", message) for message in form.version.errors)
    elif changed not in ("yes", "no"):
        errors.append((f"changed-{found.id}", "Choose whether the comment changed the strategy"))
    else:

        def refused(exc: ServiceError) -> None:
            # Each comment has its own boxes: the message goes by this comment's.
            errors.append((f"{exc.field}-{found.id}" if exc.field else "", exc.message))
            note_stale(form, exc, lambda stored: {
                "response": stored.response, "changed": _yes_no(stored.changed_strategy),
                "themes": ", ".join(service.themes_of(stored))}, {
                **form.data, "changed": _yes_no({"yes": True, "no": False}.get(changed))}, {
                "response": "Response", "changed": "Did it change the strategy?", "themes": "Themes"})

        with unit_of_work(on_refused=refused):
            service.respond(session=get_session(), comment=found, response=form.response.text,
                            changed_strategy=changed == "yes", themes=service.split_themes(form.themes.text),
                            actor=current_user, version=version_of(form))
    if errors:
        return _show(strategy, consultation, errors, {**request.form, "version": form.version._value()},
                     focus=found.id)
    flash("Response saved.", "success")
    return redirect(url_for("consult.show", strategy_id=strategy.id, consultation_id=consultation.id)
                    + f"#comment-{found.id}")


@bp.route("/<int:consultation_id>/comments/<int:comment_id>/hide", methods=["POST"])
@require("consultation.manage")
def hide(strategy_id: int, consultation_id: int, comment_id: int) -> Response | tuple[str, int]:
    """Hide an abusive comment, with the reason."""
    strategy, consultation, found = _posted_on(strategy_id, consultation_id, comment_id)
    posted = HideForm()
    errors: Errors = []

    def refused(exc: ServiceError) -> None:
        # A hidden comment shows no reason box for the message to sit by: it goes above the page instead.
        errors.append((f"{exc.field}-{found.id}" if exc.field and not found.hidden else "", exc.message))

    with unit_of_work(on_refused=refused) as hidden:
        service.hide_comment(session=get_session(), comment=found, reason=posted.reason.text,
                             actor=current_user)
    if not hidden:
        return _show(strategy, consultation, errors, dict(request.form), focus=found.id)
    flash("Comment hidden. Administrators can still read it.", "success")
    return redirect(url_for("consult.show", strategy_id=strategy.id, consultation_id=consultation.id)
                    + f"#comment-{found.id}")


@bp.route("/<int:consultation_id>/comments/<int:comment_id>/unhide", methods=["POST"])
@require("consultation.manage")
def unhide(strategy_id: int, consultation_id: int, comment_id: int) -> Response:
    """Show a hidden comment again."""
    strategy, consultation, found = _posted_on(strategy_id, consultation_id, comment_id)
    with unit_of_work(flash_refusal=True) as shown:
        service.unhide_comment(session=get_session(), comment=found, actor=current_user)
    if shown:
        flash("Comment shown again.", "success")
    return redirect(url_for("consult.show", strategy_id=strategy.id, consultation_id=consultation.id)
                    + f"#comment-{found.id}")


@bp.route("/<int:consultation_id>/close", methods=["POST"])
@require("consultation.manage")
def close(strategy_id: int, consultation_id: int) -> Response:
    """Close a consultation before its closing date."""
    strategy = strategy_or_404(strategy_id)
    consultation = child_or_404(Consultation, consultation_id, strategy)
    check_confirmed()
    with unit_of_work(flash_refusal=True) as closed:
        service.close_consultation(session=get_session(), consultation=consultation, actor=current_user,
                                   today=date.today())
    if closed:
        flash("Consultation closed: its link takes no more comments.", "success")
    return redirect(url_for("consult.show", strategy_id=strategy.id, consultation_id=consultation.id))


@bp.route("/summary")
@require("strategy.view")
def summary(strategy_id: int) -> str:
    """Comments by section, audience and theme, and what changed because of them."""
    strategy = strategy_or_404(strategy_id)
    db = get_session()
    events = service.events_of(db, strategy)
    engagement = [(name, [e for e in events if e.audience == key]) for key, name in service.AUDIENCES.items()]
    return render_template("consult/summary.html", strategy=strategy, summary=service.summary(db, strategy),
                           engagement=[(n, len(es), sum(e.participants for e in es)) for n, es in engagement if es])


def _event_form(strategy: Strategy, event: EngagementEvent | None) -> Page:
    """The add-or-change page of an engagement event."""
    db = get_session()
    form = record_form(event, EventForm, EventEditForm)
    errors: Errors = []
    if form.validate_on_submit():
        held_on = day(form.held_on.text, "the date of the event", errors, "held_on")
        raw = form.participants.text
        participants = 0
        if not raw.strip():
            errors.append(("participants", "Enter the number of people who took part, like 12"))
        else:
            participants = whole(raw, "The number of participants", errors, "participants")
        if not errors:
            values: dict[str, Any] = {"held_on": held_on, "audience": form.audience.text,
                                      "format": form.format.text, "participants": participants,
                                      "summary": form.summary.text}

            def refused(exc: ServiceError) -> None:
                note_stale(form, exc, lambda stored: {
                    "held_on": stored.held_on, "audience": stored.audience, "format": stored.format,
                    "participants": stored.participants, "summary": stored.summary}, form.data, {
                    "held_on": "Date", "audience": "Who took part", "format": "Kind of event",
                    "participants": "Number of participants", "summary": "What you heard"},
                    {"audience": dict(service.AUDIENCES), "format": dict(service.FORMATS)})

            with unit_of_work(errors=errors, on_refused=refused) as saved:
                if event is None:
                    service.add_event(session=db, strategy=strategy, actor=current_user, **values)
                else:
                    service.update_event(session=db, event=event, actor=current_user, version=version_of(form),
                                         **values)
            if saved:
                flash("Engagement event saved.", "success")
                return redirect(url_for("consult.index", strategy_id=strategy.id) + "#engagement")
    if errors or form.errors:
        values = dict(request.form)
    elif event is not None:
        values = {"held_on": event.held_on.isoformat(), "audience": event.audience, "format": event.format,
                  "participants": str(event.participants), "summary": event.summary}
    else:
        values = {}
    return render_template("consult/event_form.html", strategy=strategy, event=event, form=form, errors=errors,
                           values=values, audiences=service.AUDIENCES, formats=service.FORMATS), (
        form_status(errors, form))


record_pages(bp, model=EngagementEvent, new="/events/new", edit="/events/<int:event_id>/edit",
             permission="consultation.manage", page=_event_form,
             says=("Log an engagement event.", "Change an engagement event."),
             endpoints=("create_event", "update_event"))


def _delete_event(strategy: Strategy, event: EngagementEvent) -> Response:
    """Remove an engagement event, and back to the log."""
    service.delete_event(session=get_session(), event=event, actor=current_user)
    flash("Engagement event deleted.", "success")
    return redirect(url_for("consult.index", strategy_id=strategy.id) + "#engagement")


removal_page(bp, model=EngagementEvent, rule="/events/<int:event_id>/delete", permission="consultation.manage",
             remove=_delete_event, says="Remove an engagement event from the log.", endpoint="delete_event")


# --- the comment link: no account needed ------------------------------------------------------------

def _by_token(token: str) -> Consultation:
    """The consultation a comment link's token opens, or 404."""
    found = service.consultation_by_token(get_session(), token)
    if found is None:
        abort(404)
    return found


@public.route("/c/<token>", methods=["GET", "POST"])
def form(token: str) -> Page:
    """Comment through a consultation's link: no account. Only what the person types and chooses is
    stored (an optional name and role); never an address or anything about the device. A closed or
    not yet open consultation answers 200 with a message; a refused comment 400."""
    db = get_session()
    consultation = _by_token(token)
    today = date.today()
    errors: Errors = []
    if request.method == "POST":
        posted = confirmed(CommentForm)
        with unit_of_work(errors=errors) as sent:
            # Never the signed-in user, even when there is one: the link is the anonymous way in.
            service.add_comment(session=db, consultation=consultation, section=posted.section.text,
                                audience=posted.audience.text, body=posted.body.text,
                                author_name=posted.author_name.text, author_role=posted.author_role.text,
                                user=None, today=today)
        if sent:
            return redirect(url_for("comment.thanks", token=token))
    strategy, organisation = service.owners_of(db, consultation)
    return render_template("consult/public.html", consultation=consultation, strategy=strategy,
                           organisation=organisation, status=service.status(consultation, today),
                           sections=service.sections_of(consultation), audiences=service.audiences_of(consultation),
                           names=service.SECTIONS, descriptions=service.SECTION_DESCRIPTIONS,
                           audience_names=service.AUDIENCES, form=ConfirmForm(), errors=errors,
                           values=dict(request.form) if errors else {}, max_body=service.MAX_BODY), (
        400 if errors else 200)


@public.route("/c/<token>/thanks")
def thanks(token: str) -> str:
    """After a comment through the link."""
    consultation = _by_token(token)
    return render_template("consult/thanks.html", consultation=consultation,
                           accepting=service.accepting(consultation, date.today()))
