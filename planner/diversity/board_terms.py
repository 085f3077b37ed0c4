"""Board seats and their terms of office, and the board's forecast over a strategy's years: whose term
ends when, which seats must then be filled by a new appointment and which holders could be reappointed,
and what the appointments due could do for the board's own make-up (WRES indicator 9, WDES metric 10).
Pure: no Flask, no database. The rules are explained to board secretaries in docs/board-terms.md.

Decisions:
- A seat is a label ("Chair", "Non-executive director 3"), never a person's name: the board's
  diversity is held only as counts by board member type (planner.diversity.board), so nothing here
  ties a characteristic to a seat and so to the person who holds it.
- Non-executive seats (the chair included) have terms of office of up to four years, as NHS England
  appoints to NHS trusts (a foundation trust's governors usually appoint for three). The holder may
  be reappointed until they have served the seat's most terms: two by default, three at most (a third
  term is the exception the Code of Governance for NHS provider trusts allows after rigorous review).
- Executive directors hold posts, not terms: their seats need no dates. An end date on an executive
  seat is when its holder is expected to leave (a fixed-term or interim contract, a planned retirement);
  a new appointment is then due, and the new holder has no end date.
- The forecast rolls each non-executive seat forward: at each term's end the holder is reappointed
  if they have terms left (so the forecast shows the fewest appointments that could be due), else a
  new holder starts a first term; every later term lasts the seat's full term. Each term end with a
  reappointment possible is one more appointment that could be due, so the appointments due by a year
  run from those certain (final terms) to every term end.
- A year is the calendar year the term ends in; the forecast covers the strategy's start year to its
  end year, so nothing between the baseline and the first forecast year is missed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from planner.diversity.board import EXECUTIVE_NON_VOTING, EXECUTIVE_VOTING, MEMBERSHIPS, NON_EXECUTIVE

MAX_SEATS = 40  # a trust board has 10 to 20 members; well above any, and a bound on the work
LABEL_LENGTH = 60
MAX_TERM_YEARS = 4
MAX_TERMS = 3
DEFAULT_MAX_TERMS = 2
APPOINTMENT, REAPPOINTMENT = "appointment", "reappointment"

# Role key -> (its name, the board member types it may have; the first is the default).
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "chair": ("Chair", (NON_EXECUTIVE,)),
    "non_executive": ("Non-executive director", (NON_EXECUTIVE,)),
    "chief_executive": ("Chief executive", (EXECUTIVE_VOTING,)),
    "finance_director": ("Director of finance", (EXECUTIVE_VOTING,)),
    "medical_director": ("Medical director", (EXECUTIVE_VOTING,)),
    "nursing_director": ("Director of nursing", (EXECUTIVE_VOTING,)),
    "executive_director": ("Other executive director", (EXECUTIVE_VOTING, EXECUTIVE_NON_VOTING)),
}


def _plain(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_ROLE_SPELLINGS: dict[str, str] = {}
for _key, _words in {
    "chair": ("chair", "chairman", "chairperson", "chairwoman", "trust chair", "chair of the board"),
    "non_executive": ("non-executive director", "non-executive", "non executive director", "NED",
                      "senior independent director", "vice chair", "deputy chair"),
    "chief_executive": ("chief executive", "chief executive officer", "CEO", "chief officer"),
    "finance_director": ("director of finance", "finance director", "chief finance officer", "CFO",
                         "chief financial officer"),
    "medical_director": ("medical director", "chief medical officer", "CMO"),
    "nursing_director": ("director of nursing", "nursing director", "chief nurse", "chief nursing officer",
                         "director of nursing and midwifery", "nurse director"),
    "executive_director": ("other executive director", "executive director", "director", "other executive"),
}.items():
    for _word in (*_words, _key, ROLES[_key][0]):
        _ROLE_SPELLINGS[_plain(_word)] = _key


def parse_role(text: str) -> str | None:
    """A role key from its name or a common spelling ("CEO", "Chief Nurse"); None if not recognised."""
    return _ROLE_SPELLINGS.get(_plain(text))


def is_executive(board_type: str) -> bool:
    """Whether the board member type is an executive director's (voting or not)."""
    return board_type in (EXECUTIVE_VOTING, EXECUTIVE_NON_VOTING)


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a year without it (as in English law)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


@dataclass(frozen=True)
class Seat:
    """A seat on the board and its holder's term of office (no name: the label says which seat)."""

    label: str
    role: str
    board_type: str
    term_start: date | None = None
    term_end: date | None = None
    term_number: int = 1  # the term the holder is serving: 1, 2 or 3
    max_terms: int = DEFAULT_MAX_TERMS  # the most terms a holder of the seat may serve
    term_years: int | None = None  # a full term of the seat; None: as long as the present term

    @property
    def executive(self) -> bool:
        """An executive director's seat: no terms of office."""
        return is_executive(self.board_type)

    def full_term(self) -> int:
        """The length of a later term, in whole years: the seat's full term, else the present term's
        length rounded to whole years (1 to 4)."""
        if self.term_years is not None:
            return self.term_years
        if self.term_start is None or self.term_end is None:
            return MAX_TERM_YEARS
        return min(MAX_TERM_YEARS, max(1, round(((self.term_end - self.term_start).days + 1) / 365.25)))


def seat_problems(seat: Seat) -> list[tuple[str, str]]:
    """Every problem with a seat, as (field, message); none when it may be stored. The one place the
    rules of a seat live: the form, the import and the service all ask it."""
    out: list[tuple[str, str]] = []
    label = seat.label.strip()
    if not label:
        out.append(("label", "Enter the seat's label, such as Chair or Non-executive director 2 (not a name)"))
    elif len(label) > LABEL_LENGTH:
        out.append(("label", f"The seat's label must be {LABEL_LENGTH} characters or fewer"))
    if seat.role not in ROLES:
        out.append(("role", "Choose the seat's role"))
        return out
    name, types = ROLES[seat.role]
    if seat.board_type not in types:
        allowed = " or ".join(_TYPE_WORDS[t] for t in types)
        out.append(("board_type", f"Choose whether the {name.lower()} is {allowed}" if len(types) > 1
                    else f"The {name.lower()} is {allowed}: choose that board member type"))
        return out
    if seat.executive:
        if seat.term_start and seat.term_end and seat.term_end <= seat.term_start:
            out.append(("term_end", "The date the holder is expected to leave must be after they started"))
        return out
    if seat.term_start is None:
        out.append(("term_start", "Enter the date the present term of office started"))
    if seat.term_end is None:
        out.append(("term_end", "Enter the date the present term of office ends"))
    if seat.term_start is not None and seat.term_end is not None:
        if seat.term_end <= seat.term_start:
            out.append(("term_end", "The term must end after it starts"))
        elif seat.term_end > add_years(seat.term_start, MAX_TERM_YEARS):
            out.append(("term_end", f"A term of office is at most {MAX_TERM_YEARS} years: it must end by "
                                    f"{add_years(seat.term_start, MAX_TERM_YEARS):%-d %B %Y}"))
    if not 1 <= seat.max_terms <= MAX_TERMS:
        out.append(("max_terms", f"The most terms a holder may serve is 1, 2 or {MAX_TERMS}"))
    if not 1 <= seat.term_number <= MAX_TERMS:
        out.append(("term_number", f"The term being served is 1, 2 or {MAX_TERMS}"))
    elif 1 <= seat.max_terms <= MAX_TERMS and seat.term_number > seat.max_terms:
        out.append(("term_number", f"The holder is serving term {seat.term_number}, more than the seat's most "
                                   f"terms ({seat.max_terms})"))
    if seat.term_years is not None and not 1 <= seat.term_years <= MAX_TERM_YEARS:
        out.append(("term_years", f"A full term is 1 to {MAX_TERM_YEARS} years"))
    return out


_TYPE_WORDS = {EXECUTIVE_VOTING: "an executive director with a vote",
               EXECUTIVE_NON_VOTING: "an executive director without a vote", NON_EXECUTIVE: "a non-executive"}


def board_problems(seats: Sequence[Seat]) -> list[tuple[int, str, str]]:
    """Problems of the board as a whole, as (seat position, field, message): too many seats, a label
    used twice (labels are compared ignoring case and spaces)."""
    out: list[tuple[int, str, str]] = []
    if len(seats) > MAX_SEATS:
        out.append((MAX_SEATS, "label", f"A board has at most {MAX_SEATS} seats"))
    seen: dict[str, int] = {}
    for position, seat in enumerate(seats):
        key = _plain(seat.label)
        if key and key in seen:
            out.append((position, "label", f"Another seat is already labelled '{seats[seen[key]].label.strip()}'"))
        seen.setdefault(key, position)
    return out


# --- the forecast ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermEnd:
    """A term of office ending in the forecast: a new appointment due, or a reappointment possible."""

    label: str
    role: str
    board_type: str
    ends: date
    kind: str  # APPOINTMENT (the seat must be filled by someone new) or REAPPOINTMENT (the holder may stay)
    term_number: int  # the term that ends
    current: bool  # the present holder's term (not a later one the forecast rolled forward to)

    @property
    def year(self) -> int:
        """The calendar year the term ends in."""
        return self.ends.year


@dataclass(frozen=True)
class YearDue:
    """One year of the forecast: how many appointments are certainly due and how many reappointments
    are possible, by board member type, in the year and by its end."""

    year: int
    appointments: Mapping[str, int]
    reappointments: Mapping[str, int]
    appointments_by: Mapping[str, int]  # cumulative, from the start year
    reappointments_by: Mapping[str, int]

    def due(self, membership: str, *, cumulative: bool = True) -> tuple[int, int]:
        """(fewest, most) appointments due to a membership ('voting', 'executive' or 'board')."""
        types = MEMBERSHIPS.get(membership, (EXECUTIVE_VOTING, EXECUTIVE_NON_VOTING, NON_EXECUTIVE))
        certain = self.appointments_by if cumulative else self.appointments
        possible = self.reappointments_by if cumulative else self.reappointments
        fewest = sum(certain.get(t, 0) for t in types)
        return fewest, fewest + sum(possible.get(t, 0) for t in types)


@dataclass(frozen=True)
class TermsForecast:
    """The board's terms over the strategy's years."""

    start_year: int
    end_year: int
    ends: tuple[TermEnd, ...]  # in date order
    years: tuple[YearDue, ...]
    lapsed: tuple[str, ...]  # seats whose present term ended before the start year: to be brought up to date
    seats: Mapping[str, int] = field(default_factory=dict)  # board member type -> seats

    def by(self, year: int) -> YearDue | None:
        """The forecast's row for a year."""
        return next((row for row in self.years if row.year == year), None)


def _rolled(seat: Seat, last: date) -> Iterable[TermEnd]:
    """The seat's term ends up to `last`, the present term's first."""
    if seat.term_end is None:
        return
    if seat.executive:
        yield TermEnd(seat.label, seat.role, seat.board_type, seat.term_end, APPOINTMENT, 1, True)
        return
    start, end, number, current = seat.term_start or seat.term_end, seat.term_end, seat.term_number, True
    years = seat.full_term()
    while end <= last:
        kind = REAPPOINTMENT if number < seat.max_terms else APPOINTMENT
        yield TermEnd(seat.label, seat.role, seat.board_type, end, kind, number, current)
        start = end + timedelta(days=1)
        end = add_years(start, years) - timedelta(days=1)
        number = number + 1 if kind == REAPPOINTMENT else 1
        current = False


def forecast_terms(seats: Sequence[Seat], start_year: int, end_year: int) -> TermsForecast:
    """Every term end from 1 January of the start year to 31 December of the end year, and the yearly
    counts of appointments due and reappointments possible by board member type."""
    first, last = date(start_year, 1, 1), date(end_year, 12, 31)
    ends = sorted((end for seat in seats for end in _rolled(seat, last) if end.ends >= first),
                  key=lambda e: (e.ends, e.label.casefold()))
    lapsed = tuple(seat.label for seat in seats if seat.term_end is not None and seat.term_end < first)
    rows = []
    certain_by: dict[str, int] = {}
    possible_by: dict[str, int] = {}
    for year in range(start_year, end_year + 1):
        certain: dict[str, int] = {}
        possible: dict[str, int] = {}
        for end in ends:
            if end.year == year:
                into = certain if end.kind == APPOINTMENT else possible
                into[end.board_type] = into.get(end.board_type, 0) + 1
        for own, total in ((certain, certain_by), (possible, possible_by)):
            for key, n in own.items():
                total[key] = total.get(key, 0) + n
        rows.append(YearDue(year, certain, possible, dict(certain_by), dict(possible_by)))
    counted: dict[str, int] = {}
    for seat in seats:
        counted[seat.board_type] = counted.get(seat.board_type, 0) + 1
    return TermsForecast(start_year, end_year, tuple(ends), tuple(rows), lapsed, counted)


# --- what the appointments due could do for WRES indicator 9 / WDES metric 10 ------------------------


def members_to_reach(members: int, share: float) -> int:
    """The fewest members of a group, of `members`, whose share is at least `share`."""
    return max(0, min(members, math.ceil(share * members - 1e-9)))


@dataclass(frozen=True)
class Reach:
    """What the appointments due could do for one membership of the board (voting, executive, or the
    whole board) and one group: None figures where the disclosure rule withholds the count."""

    membership: str
    count: int | None  # the group's members now
    members: int | None
    workforce: float | None  # the group's share of the workforce
    needed: int | None  # appointments from the group to reach the workforce's share, if none of it leaves
    due: tuple[int, int]  # (fewest, most) appointments due to the membership by the end year
    earliest: int | None  # the first year by which enough appointments could be due
    withheld: bool


def reach(membership: str, count: int | None, members: int | None, workforce: float | None,
          forecast: TermsForecast, *, withheld: bool) -> Reach:
    """How many appointments from the group would bring the membership to the workforce's share (if no
    member of the group leaves: each who does adds one), and the first year enough could be due.
    Nothing is worked out from a withheld count."""
    last = forecast.by(forecast.end_year)
    due = last.due(membership) if last else (0, 0)
    if withheld or count is None or members is None:
        return Reach(membership, None, None, workforce, None, due, None, True)
    if workforce is None or members == 0:
        return Reach(membership, count, members, workforce, None, due, None, False)
    needed = max(0, members_to_reach(members, workforce) - count)
    earliest = None
    if needed == 0:
        earliest = forecast.start_year
    else:
        earliest = next((row.year for row in forecast.years if row.due(membership)[1] >= needed), None)
    return Reach(membership, count, members, workforce, needed, due, earliest, False)


MEMBERSHIP_WORDS = {"voting": "voting membership", "executive": "executive membership", "board": "whole board"}
MEMBERSHIP_ADJECTIVES = {"voting": "voting", "executive": "executive", "board": "board"}


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def reach_sentence(found: Reach, group: str, end_year: int) -> str:
    """What the appointments due could do, in words the page, the pack and the paper share."""
    name = MEMBERSHIP_WORDS[found.membership]
    fewest, most = found.due
    kind = MEMBERSHIP_ADJECTIVES[found.membership]
    due = (f"{_count(most, kind + ' appointment')}" if fewest == most
           else f"from {fewest:,} to {_count(most, kind + ' appointment')}")
    due = f"{due} {'is' if fewest == most == 1 else 'are'} due by {end_year}"
    if found.withheld or found.count is None or found.members is None:
        return (f"The {name}: the number of {group} members is withheld by the disclosure rule, so nothing is "
                f"worked out from it; {due}.")
    if found.members == 0:
        return f"The {name}: no members are recorded; {due}."
    now = f"{found.count:,} of {found.members:,} ({_pct(found.count / found.members)}) are {group}"
    if found.workforce is None or found.needed is None:
        return (f"The {name}: {now}; the workforce's share is not known (or is withheld), so there is nothing to "
                f"compare; {due}.")
    target = members_to_reach(found.members, found.workforce)
    start = f"The {name}: {now}, against {_pct(found.workforce)} of the workforce; {due}."
    if found.needed == 0:
        return (f"{start} It is at or above the workforce's share: appointing a {group} member in place of each "
                "who leaves keeps it there.")
    if found.needed <= most:
        when = f" Enough appointments could be due by {found.earliest}." if found.earliest else ""
        return (f"{start} Appointing {found.needed:,} {group} {'member' if found.needed == 1 else 'members'} among "
                f"them would bring it to the workforce's share ({target:,} of {found.members:,}), if no {group} "
                f"member leaves (one more for each who does).{when}")
    return (f"{start} Even if every appointment due went to a {group} member it would have "
            f"{min(found.members, found.count + most):,} of {found.members:,}, short of the workforce's share "
            f"({target:,}).")
