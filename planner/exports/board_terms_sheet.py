"""The board pack's Board terms sheets: what the appointments due could do for the board's make-up (WRES
indicator 9, WDES metric 10), on "Board terms"; the appointments due each year, on "Board appointments
due"; whose term ends when and
the board's seats, on "Board seats". Seats have labels, never names.

Diversity figures are the content's, already disclosed for the pack's audience by the one rule
(planner.diversity.disclosure). As a second guard, content worked out for an internal audience
in a pack for any other has every figure withheld, and so has a sentence about a membership whose group
count the rule's primary test withholds. Pure: content in, sheets out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.dates import long_date
from planner.diversity.board import BOARD_TYPES
from planner.diversity.board_terms import MEMBERSHIP_WORDS
from planner.diversity.disclosure import from_content
from planner.exports.book import Book, Column
from planner.exports.content import PackContent
from planner.exports.people_sheets.layout import fit_rows, start_sheet

TERMS, DUE, SEATS = "Board terms", "Board appointments due", "Board seats"


def _due(pair: Any) -> str:
    fewest, most = pair
    return f"{fewest}" if fewest == most else f"{fewest} to {most}"


def reach_lines(content: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The sentences about the board's make-up as the pack's audience may read them: withheld where the
    rule's primary test withholds the group's count, and wherever the content was worked out for the board
    in private but the pack is not."""
    terms: Mapping[str, Any] = content.get("board_terms") or {}
    rule = from_content(content)
    # Figures worked out for the board in private never reach a wider audience: each is withheld instead.
    trusted = rule.exact or (terms.get("disclosure") or {}).get("audience") != "internal"
    levels = content.get("levels") or []
    board = str(levels[0]["key"]) if levels else None
    out = []
    for item in terms.get("reach") or []:
        membership = item.get("membership")
        name = f"{item['measure']} ({MEMBERSHIP_WORDS[membership]})" if membership else str(item["measure"])
        sentence = str(item["sentence"])
        count = item.get("count")
        if membership and (not trusted or (isinstance(count, int) and rule.withholds(count, level=board))):
            sentence = (f"The {MEMBERSHIP_WORDS[membership]}: withheld to protect privacy (fewer than "
                        f"{rule.threshold + 1} people), so nothing is worked out from it.")
        out.append((name, sentence))
    return out


def write_board_terms(book: Book, content: PackContent) -> None:
    """Board terms: what the appointments due could do; Board appointments due: the appointments due each
    year; Board seats: whose term ends when, and each seat's term."""
    terms: Mapping[str, Any] = content.get("board_terms") or {}
    start, end = terms.get("start_year"), terms.get("end_year")
    ws = start_sheet(book, TERMS, "The board's terms of office",
                     f"The appointments due to the board each year from {start} to {end}, from the seats' terms of "
                     "office, and what they could do for the board's make-up against the workforce.")
    row = 3
    if not terms.get("seats"):
        book.note(ws, row, "No seats are recorded yet: add them on the Diversity step's Board terms page.")
        fit_rows(ws)
        return
    row = book.heading(ws, row, "What the appointments due could do (WRES indicator 9, WDES metric 10)")
    lines = reach_lines(content)
    if lines:
        row = book.table(ws, row, [Column("Measure", "text", 26), Column("What the appointments due could do",
                                                                         "text", 110)], lines, autofilter=False)
    else:
        row = book.note(ws, row, "There are no ethnicity or disability figures for the board yet.") + 1
    if terms.get("lapsed"):
        row = book.note(ws, row - 1, f"The present term of {', '.join(terms['lapsed'])} ended before {start}: "
                                     "the forecast assumes a reappointment where one was possible.") + 1
    fit_rows(ws)

    ws = start_sheet(book, DUE, "Appointments due to the board by year",
                     "New appointments due where a holder's last term ends or an executive director is expected "
                     "to leave; reappointments possible where the holder has terms left.")
    row = book.heading(ws, 3, "Appointments due by year")
    book.table(ws, row, [
        Column("Year", "text", 8),
        *[Column(f"{name}: new appointments due", "people", 16) for name in BOARD_TYPES.values()],
        Column("Reappointments possible", "people", 16),
        Column("Voting appointments due by the year's end", "text", 18),
        Column("Executive appointments due by the year's end", "text", 18),
    ], ([str(y["year"]), *[y["appointments"].get(key, 0) for key in BOARD_TYPES], sum(y["reappointments"].values()),
         _due(y["due_by"]["voting"]), _due(y["due_by"]["executive"])] for y in terms.get("years") or []),
        autofilter=False)
    fit_rows(ws)

    ws = start_sheet(book, SEATS, "The board's seats", "Each seat (a label, not a name) and whose term ends when.")
    row = book.heading(ws, 3, "Whose term ends when")
    ends = terms.get("ends") or []
    if ends:
        row = book.table(ws, row, [Column("Ends", "text", 30), Column("Seat", "text", 30),
                                   Column("Board member type", "text", 28), Column("What is due", "text", 50)],
                         ([long_date(e["ends"]), e["seat"], BOARD_TYPES.get(e["board_type"], e["board_type"]),
                           _what(e)] for e in ends), autofilter=False)
    else:
        row = book.note(ws, row, f"No term ends from {start} to {end}.") + 1
    row = book.heading(ws, row, "Seats")
    book.table(ws, row, [Column("Seat", "text", 30), Column("Role", "text", 26),
                         Column("Board member type", "text", 28), Column("Term", "text", 42)],
               ([s["label"], s["role_name"], s["board_type_name"], _term(s)] for s in terms["seats"]), long=False,
               autofilter=False)
    fit_rows(ws)


def _what(end: Mapping[str, Any]) -> str:
    said = "A new appointment" if end["kind"] == "appointment" else "Reappointment possible (else a new appointment)"
    said += ": term " + str(end["term_number"]) + " ends" if end["board_type"] == "non_executive" \
        else ": the holder is expected to leave"
    return said + ("" if end["current"] else " (a later term, as forecast)")


def _term(seat: Mapping[str, Any]) -> str:
    if seat["board_type"] == "non_executive":
        return (f"{long_date(seat['term_start'])} to {long_date(seat['term_end'])}: term {seat['term_number']} of at "
                f"most {seat['max_terms']}")
    return f"Expected to leave {long_date(seat['term_end'])}" if seat.get("term_end") else "No fixed term"
