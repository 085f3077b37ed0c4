"""The board's seats and terms of office, and its forecast: typed in on the Diversity step's Board terms
page or imported (all or nothing), and shown with what the appointments due could do for WRES indicator 9
and WDES metric 10, through the one disclosure rule for the audience (planner.diversity.disclosure).
The rules are planner.diversity.board_terms'; this module stores seats and gathers figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session, select

from planner.diversity import board as board_types
from planner.diversity import board_terms as rules
from planner.diversity.disclosure import Audience
from planner.imports.board_terms import BoardTermsResult as BoardTermsResult  # what read_upload gives the pages
from planner.imports.board_terms import read_board_terms
from planner.models import BoardSeat, Organisation, Strategy, User
from planner.services import ServiceError, derived, finish
from planner.services import diversity as diversity_service
from planner.services.audit import record
from planner.services.editing import check_version, commit_checked
from planner.services.recorded import delete_recorded
from planner.services.unreadable import refused_as_service_error

FIELDS = ("label", "role", "board_type", "term_start", "term_end", "term_number", "max_terms", "term_years")
# The comparisons of WRES indicator 9 and WDES metric 10: characteristic -> the measure's name.
MEASURES = {"ethnicity": "WRES indicator 9", "disability": "WDES metric 10"}


def seats_of(session: Session, strategy: Strategy) -> list[BoardSeat]:
    """The strategy's seats: non-executives first, then executives, each by label."""
    rows = session.exec(select(BoardSeat).where(BoardSeat.strategy_id == strategy.id)).all()
    return sorted(rows, key=lambda s: (rules.is_executive(s.board_type), list(rules.ROLES).index(s.role)
                                       if s.role in rules.ROLES else 99, s.label.casefold()))


def as_seat(row: BoardSeat) -> rules.Seat:
    """A stored seat as the rules see it."""
    return rules.Seat(label=row.label, role=row.role, board_type=row.board_type, term_start=row.term_start,
                      term_end=row.term_end, term_number=row.term_number, max_terms=row.max_terms,
                      term_years=row.term_years)


def _checked(seat: rules.Seat) -> rules.Seat:
    """The seat as stored (an executive's term fields cleared), or ServiceError naming its first problem."""
    if seat.executive:
        seat = rules.Seat(label=seat.label, role=seat.role, board_type=seat.board_type, term_start=seat.term_start,
                          term_end=seat.term_end, term_number=1, max_terms=1, term_years=None)
    seat = rules.Seat(**{**seat.__dict__, "label": " ".join(seat.label.split())})
    for key, message in rules.seat_problems(seat):
        raise ServiceError(message, field=key)
    return seat


def save_seat(*, session: Session, strategy: Strategy, seat: rules.Seat, actor: User | None,
              row: BoardSeat | None = None, version: int | None = None) -> BoardSeat:
    """Add a seat or change one (refused if it changed since `version` was read), after the rules of a
    seat and of the board (at most MAX_SEATS seats, no label twice)."""
    if row is not None:
        check_version(row, version)
    seat = _checked(seat)
    others = [as_seat(s) for s in seats_of(session, strategy) if row is None or s.id != row.id]
    for _position, key, message in rules.board_problems([*others, seat]):
        raise ServiceError(message, field=key)
    row = row or BoardSeat(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                           label="", role="", board_type="")
    created = row.id is None
    for key in FIELDS:
        setattr(row, key, getattr(seat, key))
    session.add(row)
    commit_checked(session, None if created else row, commit=False)
    record(session, action="create" if created else "update", entity="board_seat", entity_id=row.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None, changes=_changes(seat))
    commit_checked(session, None if created else row)
    return row


def delete_seat(*, session: Session, row: BoardSeat, actor: User | None) -> None:
    """Delete a seat."""
    delete_recorded(session, row, entity="board_seat", actor=actor, changes={"label": row.label})


def read_upload(data: bytes, filename: str, *, sheet: str | None = None) -> BoardTermsResult:
    """Read a file of the board's seats; a file that cannot be read at all is refused as a ServiceError."""
    with refused_as_service_error():
        return read_board_terms(data, filename, sheet=sheet)


def replace_seats(*, session: Session, strategy: Strategy, seats: Sequence[rules.Seat], actor: User | None,
                  source: str, commit: bool = True) -> int:
    """Replace every seat of the board with those imported, in one transaction (all or nothing; with
    `commit=False`, flushed into the caller's)."""
    checked = [_checked(seat) for seat in seats]
    for _position, key, message in rules.board_problems(checked):
        raise ServiceError(message, field=key)
    for row in session.exec(select(BoardSeat).where(BoardSeat.strategy_id == strategy.id)).all():
        session.delete(row)
    session.flush()  # the old labels go before the new are added (a label is unique per strategy)
    for seat in checked:
        session.add(BoardSeat(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                              **{key: getattr(seat, key) for key in FIELDS}))
    record(session, action="import", entity="board_seats", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"source": source, "seats": len(checked)})
    finish(session, commit)
    return len(checked)


def _changes(seat: rules.Seat) -> dict[str, Any]:
    return {key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key in FIELDS for value in [getattr(seat, key)]}


def board_terms_report(session: Session, strategy: Strategy, organisation: Organisation, *,
                       audience: Audience) -> dict[str, Any]:
    """The seats, the forecast over the strategy's years and what the appointments due could do for the
    board's make-up, as plain data for the page, the API and the pack; diversity counts as the audience
    may see them. Worked out once per revision of the strategy (planner.services.derived)."""
    return derived.remember(session, strategy_id=strategy.id, organisation_id=organisation.id,
                            kind="board terms", parts=(str(audience),),
                            reads=("board", "diversity", "organisation", "strategy", "structure"),
                            compute=lambda: _report(session, strategy, organisation, audience))


def board_terms_content(session: Session, strategy: Strategy, organisation: Organisation, *,
                        audience: Audience) -> dict[str, Any]:
    """The same, worked out now: for the pack's content, which is itself kept once per revision."""
    return _report(session, strategy, organisation, audience)


def _report(session: Session, strategy: Strategy, organisation: Organisation, audience: Audience) -> dict[str, Any]:
    rows = seats_of(session, strategy)
    seats = [as_seat(row) for row in rows]
    forecast = rules.forecast_terms(seats, strategy.start_year, strategy.end_year)
    rule = diversity_service.rule(organisation, audience)
    return {
        "start_year": forecast.start_year, "end_year": forecast.end_year,
        "disclosure": rule.as_content(),
        "seats": [_seat_out(row) for row in rows],
        "seat_counts": {key: forecast.seats.get(key, 0) for key in board_types.BOARD_TYPES},
        "ends": [{"seat": end.label, "role": rules.ROLES[end.role][0], "board_type": end.board_type,
                  "ends": end.ends.isoformat(), "year": end.year, "kind": end.kind, "term_number": end.term_number,
                  "current": end.current} for end in forecast.ends],
        "years": [{"year": row.year, "appointments": dict(row.appointments), "reappointments": dict(row.reappointments),
                   "due_by": {m: list(row.due(m)) for m in rules.MEMBERSHIP_WORDS}} for row in forecast.years],
        "lapsed": list(forecast.lapsed),
        "reach": _reach(session, strategy, organisation, audience, forecast),
    }


def _seat_out(row: BoardSeat) -> dict[str, Any]:
    return {"id": row.id, "label": row.label, "role": row.role, "role_name": rules.ROLES.get(row.role, (row.role,))[0],
            "board_type": row.board_type, "board_type_name": board_types.BOARD_TYPES.get(row.board_type, ""),
            "term_start": row.term_start.isoformat() if row.term_start else None,
            "term_end": row.term_end.isoformat() if row.term_end else None,
            "term_number": row.term_number, "max_terms": row.max_terms, "term_years": row.term_years,
            "version": row.version}


def _reach(session: Session, strategy: Strategy, organisation: Organisation, audience: Audience,
           forecast: rules.TermsForecast) -> list[dict[str, Any]]:
    """For each WRES/WDES comparison and each membership recorded: the group on the board now, as the
    audience may see it, and what the appointments due could do."""
    out: list[dict[str, Any]] = []
    for characteristic, measure in MEASURES.items():
        rep = diversity_service.representation(session, strategy, organisation, characteristic, audience=audience)
        level_rows = [key for key, _ in rep.rows if key != diversity_service.ALL_STAFF]
        if not level_rows:
            continue
        focus = diversity_service.COMPARISONS[characteristic][1]
        group = next((g.name for g in rep.characteristic.groups if g.key == focus), focus)
        board = level_rows[0]
        # The board by voting and executive membership, as the Diversity step's indicators give it.
        membership = diversity_service.board_membership(session, strategy, rep, board, focus, rep.workforce.get(focus))
        count, members = rep.table.cells.get((board, focus)), rep.table.row_totals.get(board)
        if not members and membership is None:
            continue  # no figures of this characteristic for the board: nothing to say
        parts: list[tuple[str, int | None, int | None, bool]] = [("board", count, members, count is None)]
        if membership is not None:
            parts += [(key, membership.counts.get(key), membership.totals.get(key), membership.withheld.get(key, True))
                      for key in board_types.MEMBERSHIPS]
        for kind, n, total, withheld in parts:
            if not withheld and not total:
                continue  # nobody recorded: nothing to say
            found = rules.reach(kind, n, total, rep.workforce.get(focus), forecast, withheld=withheld)
            types = board_types.MEMBERSHIPS.get(kind, tuple(board_types.BOARD_TYPES))
            seats = sum(forecast.seats.get(t, 0) for t in types)
            out.append({"characteristic": characteristic, "measure": measure, "group": focus, "group_name": group,
                        "membership": kind, "count": found.count, "members": found.members,
                        "workforce_share": found.workforce, "needed": found.needed, "due": list(found.due),
                        "earliest_year": found.earliest, "withheld": found.withheld,
                        "seats": seats, "sentence": rules.reach_sentence(found, group, forecast.end_year)
                        + _seats_differ(kind, seats, total)})
    return out


def _seats_differ(membership: str, seats: int, members: int | None) -> str:
    """A note where the seats recorded here and the members the staff extract counted differ."""
    if members is None or seats == members:
        return ""
    kind = "" if membership == "board" else f"{rules.MEMBERSHIP_ADJECTIVES[membership]} "
    return (f" The board has {seats} {kind}seat{'s' if seats != 1 else ''} recorded here, but the staff extract "
            f"counts {members} {kind}member{'s' if members != 1 else ''}: check both.")


def seat_values(row: BoardSeat) -> Mapping[str, str]:
    """A stored seat as its form shows it."""
    return {"label": row.label, "role": row.role, "board_type": row.board_type,
            "term_start": row.term_start.isoformat() if row.term_start else "",
            "term_end": row.term_end.isoformat() if row.term_end else "",
            "term_number": str(row.term_number), "max_terms": str(row.max_terms),
            "term_years": str(row.term_years) if row.term_years is not None else ""}
