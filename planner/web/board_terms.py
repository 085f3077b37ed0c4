"""The Diversity step's Board terms page: the board's seats and terms of office, typed in or imported, and
the board's forecast over the strategy's years with what the appointments due could do for WRES indicator 9
and WDES metric 10."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.diversity import board as board_types
from planner.diversity import board_terms as rules
from planner.models import BoardSeat, Strategy
from planner.services import ServiceError
from planner.services import board_terms as service
from planner.web.audience import page_audience
from planner.web.confirm import (
    Page,
    form_status,
    record_pages,
    removal_page,
    upload_page,
    version_of,
)
from planner.web.fields import day, whole_number
from planner.web.forms import ConfirmForm
from planner.web.forms_workforce import SeatEditForm, SeatForm
from planner.web.tenancy import can, current_org, require, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import note_stale

bp = Blueprint("board_terms", __name__, url_prefix="/strategies/<int:strategy_id>/diversity/board")

LABELS = {"label": "Seat", "role": "Role", "board_type": "Board member type", "term_start": "Term started",
          "term_end": "Term ends", "term_number": "Term being served", "max_terms": "Most terms",
          "term_years": "Full term (years)"}


@bp.route("")
@require("strategy.view")
def index(strategy_id: int) -> str:
    """The seats, whose term ends when, the appointments due each year and what they could do."""
    strategy = strategy_or_404(strategy_id)
    audience = page_audience()
    organisation = current_org()
    assert organisation is not None  # require() lets a request in only within an organisation
    report = service.board_terms_report(get_session(), strategy, organisation, audience=audience)
    return render_template("board_terms/index.html", strategy=strategy, report=report, roles=rules.ROLES,
                           types=board_types.BOARD_TYPES, memberships=rules.MEMBERSHIP_WORDS,
                           unsuppressed=audience == "internal", form=ConfirmForm(),
                           threshold=organisation.suppression_threshold)


def _whole(raw: str, field: str, label: str, errors: list[tuple[str, str]], *, blank: int | None) -> int | None:
    text = raw.strip()
    if not text:
        return blank
    value = whole_number(text)
    if value is None:
        errors.append((field, f"Enter {label} as a whole number, like 2"))
    return value


def _typed_seat(form: SeatForm, errors: list[tuple[str, str]]) -> rules.Seat:
    """The seat the form holds; problems of reading it are added to `errors`."""
    role = form.role.data
    board_type = form.board_type.data or (rules.ROLES[role][1][0] if role in rules.ROLES
                                          and len(rules.ROLES[role][1]) == 1 else "")
    start = day(form.term_start.data, "the date the term started", errors, "term_start", example="2025-04-01")
    end = day(form.term_end.data, "the date the term ends", errors, "term_end", example="2029-03-31")
    number = _whole(form.term_number.data, "term_number", "the term being served", errors, blank=1)
    most = _whole(form.max_terms.data, "max_terms", "the most terms", errors, blank=rules.DEFAULT_MAX_TERMS)
    years = _whole(form.term_years.data, "term_years", "the full term", errors, blank=None)
    return rules.Seat(label=form.label.data, role=role, board_type=board_type, term_start=start, term_end=end,
                      term_number=number or 0, max_terms=most or 0, term_years=years)


def _seat_form(strategy: Strategy, row: BoardSeat | None) -> Page:
    """The add-or-change page of a seat."""
    errors: list[tuple[str, str]] = []
    form = SeatEditForm(version=row.version) if row is not None else SeatForm()
    if form.validate_on_submit():
        seat = _typed_seat(form, errors)
        if not errors:
            errors.extend(rules.seat_problems(seat))
        if not errors:

            def refused(exc: ServiceError) -> None:
                note_stale(form, exc, service.seat_values, form.data, LABELS,
                           {"role": {k: v[0] for k, v in rules.ROLES.items()}, "board_type": board_types.BOARD_TYPES})

            with unit_of_work(errors=errors, field="label", on_refused=refused) as saved:
                service.save_seat(session=get_session(), strategy=strategy, seat=seat, actor=current_user,
                                  row=row, version=version_of(form))
            if saved:
                flash(f"Seat '{' '.join(seat.label.split())}' saved.", "success")
                return redirect(url_for("board_terms.index", strategy_id=strategy.id))
    values = dict(request.form) if errors or form.errors else (dict(service.seat_values(row)) if row else {
        "max_terms": str(rules.DEFAULT_MAX_TERMS), "term_number": "1"})
    return render_template("board_terms/seat_form.html", strategy=strategy, row=row, form=form, errors=errors,
                           values=values, roles=rules.ROLES, types=board_types.BOARD_TYPES, labels=LABELS,
                           max_term_years=rules.MAX_TERM_YEARS, max_terms=rules.MAX_TERMS), form_status(errors, form)


record_pages(bp, model=BoardSeat, new="/new", edit="/<int:seat_id>/edit", permission="diversity.edit", page=_seat_form,
             says=("Add a seat.", "Change a seat."))


def _delete_seat(strategy: Strategy, row: BoardSeat) -> Response:
    """Delete a seat, and back to the seats."""
    label = row.label
    service.delete_seat(session=get_session(), row=row, actor=current_user)
    flash(f"Seat '{label}' deleted.", "success")
    return redirect(url_for("board_terms.index", strategy_id=strategy.id))


removal_page(bp, model=BoardSeat, rule="/<int:seat_id>/delete", permission="diversity.edit", remove=_delete_seat,
             says="Delete a seat.")


@bp.route("/import", methods=["GET", "POST"])
@require("diversity.edit")
def upload(strategy_id: int) -> Page:
    """Replace every seat with those of a CSV or XLSX file; all or nothing."""
    strategy = strategy_or_404(strategy_id)

    def store(result: service.BoardTermsResult, filename: str) -> str:
        n = service.replace_seats(session=get_session(), strategy=strategy, seats=result.seats, actor=current_user,
                                  source=f"file {filename}")
        return f"Imported {n} seats: they replace the board's seats as they were."

    return upload_page(box="seats", missing="Choose a file of the board's seats (CSV or Excel .xlsx) to upload",
                       read=lambda data, name, sheet: service.read_upload(data, name, sheet=sheet), store=store,
                       done=url_for("board_terms.index", strategy_id=strategy.id), template="board_terms/import.html",
                       strategy=strategy, roles=rules.ROLES, types=board_types.BOARD_TYPES,
                       max_seats=rules.MAX_SEATS, can_edit=can("diversity.edit"))
