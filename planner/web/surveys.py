"""The Discover step: the collective leadership self-assessment. Managing surveys needs an account;
answering needs the link, and in an invitation survey a personal code as well."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.exports import charts
from planner.models import Survey
from planner.services import chart_set, survey_codes
from planner.services import surveys as service
from planner.web.confirm import Page, confirmed, upload_page
from planner.web.fields import day, whole_number
from planner.web.forms import ConfirmForm
from planner.web.forms_engagement import AnswerForm, CodesForm, GroupsForm, StatusForm, SurveyForm
from planner.web.tenancy import can, child_or_404, require, strategy_or_404
from planner.web.unit import unit_of_work

bp = Blueprint("surveys", __name__, url_prefix="/strategies/<int:strategy_id>/surveys")
public = Blueprint("answer", __name__)
ANSWERED_KEY = "answered_surveys"


@bp.route("", methods=["GET", "POST"])
@require("strategy.view")
def index(strategy_id: int) -> Page:
    """The strategy's surveys; people who manage surveys start one here."""
    strategy = strategy_or_404(strategy_id)
    errors: list[tuple[str, str]] = []
    form = SurveyForm()
    if request.method == "POST":
        if not can("surveys.manage"):
            abort(403)
        if form.validate_on_submit():
            closes_on = day(form.closes_on.text, "the closing date", errors, "closes_on")
            if not errors:
                with unit_of_work(errors=errors, field="name") as created:
                    # A form without a mode (a script written before there were modes) makes an open-link
                    # survey, as it always did (SurveyForm); the page itself offers invitation codes first.
                    survey = service.create_survey(session=get_session(), strategy=strategy, name=form.name.text,
                                                   closes_on=closes_on, mode=form.mode.text, actor=current_user)
                if created:
                    flash(f"Survey '{survey.name}' created as a draft. Open it to start collecting answers.", "success")
                    return redirect(url_for("surveys.show", strategy_id=strategy.id, survey_id=survey.id))
    return render_template("surveys/index.html", strategy=strategy, surveys=service.surveys_of(get_session(), strategy),
                           form=form, errors=errors, values=dict(request.form) if errors else {}), (
        400 if errors else 200)


@bp.route("/<int:survey_id>")
@require("strategy.view")
def show(strategy_id: int, survey_id: int) -> str:
    """A survey: its link, status, statements and results (never a group under five on its own)."""
    strategy = strategy_or_404(strategy_id)
    survey = child_or_404(Survey, survey_id, strategy)
    db = get_session()
    dimensions = service.dimensions_of(db, survey)
    results = service.results(db, survey)
    names = {d.key: d.name for d in dimensions}
    group_names = {g.key: g.name for g in service.groups_of(db, survey)}
    radar = chart_set.survey_figure(results, names, group_names)
    figure = charts.figure_json(radar) if radar is not None else None
    items = {i.key: i for i in service.items_of(db, survey)}
    return render_template("surveys/show.html", strategy=strategy, survey=survey, dimensions=dimensions,
                           results=results, names=names, group_names=group_names, items=items,
                           figures={"radar": figure} if figure else {}, form=ConfirmForm(),
                           link=url_for("answer.form", token=survey.token, _external=True),
                           accepting=service.accepting(survey, date.today()),
                           waiting=service.results_wait_for_closing(survey),
                           reopenable=service.reopenable(survey, date.today()),
                           codes=survey_codes.counts(db, survey))


@bp.route("/<int:survey_id>/codes", methods=["GET", "POST"])
@require("surveys.manage")
def codes(strategy_id: int, survey_id: int) -> Page:
    """Issue personal invitation codes: handed out once, as a CSV for a mail-merge or as slips to print."""
    strategy = strategy_or_404(strategy_id)
    survey = child_or_404(Survey, survey_id, strategy)
    db = get_session()
    form = CodesForm()
    errors: list[tuple[str, str]] = []
    if form.validate_on_submit():
        count = whole_number(form.count.text)
        output = form.output.text
        if count is None:
            errors.append(("count", "Enter how many codes to issue as a whole number, like 40"))
        if output not in ("csv", "print"):
            errors.append(("output", "Choose a list for a mail-merge or slips to print"))
        if not errors:
            with unit_of_work(errors=errors, field="count") as issued_ok:
                issued = survey_codes.issue_codes(session=db, survey=survey, count=count or 0,
                                                  actor=current_user)
            if issued_ok:
                links = [url_for("answer.form", token=survey.token, code=code, _external=True) for code in issued]
                if output == "csv":
                    reply = make_response(survey_codes.codes_csv(issued, links))
                    reply.headers["Content-Type"] = "text/csv; charset=utf-8"
                    reply.headers["Content-Disposition"] = (
                        f'attachment; filename="survey-{survey.id}-invitation-codes.csv"')
                else:
                    reply = make_response(render_template("surveys/codes_print.html", survey=survey,
                                                          slips=list(zip(issued, links, strict=True))))
                # The plain codes exist only in this reply: no cache may keep a copy.
                reply.headers["Cache-Control"] = "no-store"
                return reply
    return render_template("surveys/codes.html", strategy=strategy, survey=survey, form=form, errors=errors,
                           values=dict(request.form) if errors else {}, codes=survey_codes.counts(db, survey),
                           most=survey_codes.MAX_PER_BATCH), (400 if errors else 200)


@bp.route("/<int:survey_id>/groups", methods=["POST"])
@require("surveys.manage")
def groups(strategy_id: int, survey_id: int) -> Response:
    """Set the respondent groups of a survey (one name a line)."""
    strategy = strategy_or_404(strategy_id)
    survey = child_or_404(Survey, survey_id, strategy)
    posted = confirmed(GroupsForm)
    with unit_of_work(flash_refusal=True) as saved:
        service.set_groups(session=get_session(), survey=survey, names=posted.groups.text.splitlines(),
                           actor=current_user)
    if saved:
        flash("Respondent groups saved.", "success")
    return redirect(url_for("surveys.show", strategy_id=strategy.id, survey_id=survey.id) + "#groups")


@bp.route("/<int:survey_id>/status", methods=["POST"])
@require("surveys.manage")
def status(strategy_id: int, survey_id: int) -> Response:
    """Open or close a survey."""
    strategy = strategy_or_404(strategy_id)
    survey = child_or_404(Survey, survey_id, strategy)
    posted = confirmed(StatusForm)
    wanted = posted.status.text
    with unit_of_work(flash_refusal=True) as changed:
        service.set_status(session=get_session(), survey=survey, status=wanted, actor=current_user)
    if changed:
        flash("Survey opened: share the link." if wanted == "open" else "Survey closed.", "success")
    return redirect(url_for("surveys.show", strategy_id=strategy.id, survey_id=survey.id))


@bp.route("/<int:survey_id>/import", methods=["GET", "POST"])
@require("surveys.manage")
def import_responses(strategy_id: int, survey_id: int) -> Page:
    """Add responses collected on paper or elsewhere: all of them, or none while any row has a problem."""
    strategy = strategy_or_404(strategy_id)
    survey = child_or_404(Survey, survey_id, strategy)
    db = get_session()

    def store(result: service.ResponsesResult, _filename: str) -> str:
        service.import_responses(session=db, survey=survey, responses=result.responses, actor=current_user)
        return f"Imported {len(result.responses):,} responses."

    return upload_page(box="responses", missing="Choose a file of responses (CSV or Excel .xlsx) to upload",
                       read=lambda data, name, sheet: service.read_upload(db, survey, data, name, sheet=sheet),
                       store=store, done=url_for("surveys.show", strategy_id=strategy.id, survey_id=survey.id),
                       template="surveys/import.html", strategy=strategy, survey=survey,
                       items=service.items_of(db, survey), groups=service.groups_of(db, survey))


# Rate limited in planner/web/limits.py: per address always, per link only for an open-link survey.
@public.route("/s/<token>", methods=["GET", "POST"])
def form(token: str) -> str | tuple[str, int]:
    """Answer a survey through its link: no account, no name, no email, no address stored."""
    db = get_session()
    survey = service.survey_by_token(db, token)
    if survey is None:
        abort(404)
    invitation = survey.mode == "invitation"
    # An invitation survey is once per code; the cookie would stop the next person on a shared computer.
    answered = not invitation and survey.id in session.get(ANSWERED_KEY, [])
    errors: list[tuple[str, str]] = []
    today = date.today()
    done = False
    status = 400
    dimensions = service.dimensions_of(db, survey)
    posted = AnswerForm()
    code = posted.code.text if request.method == "POST" else request.args.get("code", "")
    if invitation and request.method == "GET" and code and service.accepting(survey, today):
        try:  # a used or mistyped code is said at once, before the person answers 34 statements
            survey_codes.check_code(db, survey, code)
        except survey_codes.CodeRefused as exc:
            errors.append(("code", exc.message))
            status = exc.status
    if request.method == "POST" and not answered and posted.validate_on_submit():
        answers: dict[str, int | None] = {}
        for dimension in dimensions:
            for item in dimension.items:
                raw = request.form.get(item.key, "")
                answers[item.key] = int(raw) if raw in ("1", "2", "3", "4", "5") else None
        with unit_of_work(errors=errors, field="group") as submitted:
            service.submit(session=db, survey=survey, group=posted.group.text, answers=answers,
                           today=today, code=code)
        if not submitted:
            status = submitted.error.status if isinstance(submitted.error, survey_codes.CodeRefused) else 400
        else:
            if not invitation:
                # One response per browser session: remembered in the signed cookie, nowhere else.
                session[ANSWERED_KEY] = [*session.get(ANSWERED_KEY, []), survey.id][-50:]
            done = True
    return render_template("surveys/answer.html", survey=survey, dimensions=dimensions,
                           groups=service.groups_of(db, survey), invitation=invitation,
                           code="" if done else code,
                           errors=errors, values=dict(request.form) if errors else {}, done=done,
                           answered=answered, accepting=service.accepting(survey, today),
                           form=ConfirmForm()), (status if errors else 200)
