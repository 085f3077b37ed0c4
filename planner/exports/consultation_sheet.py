"""The board pack's consultation sheets: what people said and what changed ("you said, we did") on
"Consultation"; the consultations held and what their comments were about on "Consultations held";
and the meetings and events on "Engagement log". Commenters' names never reach the pack, and hidden
comments are left out.

Laid out for A4 landscape like the people sheets: planned column widths, long text wrapped, and a
table that may run over pages heading a sheet of its own, its header repeated on every printed page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from planner.dates import long_date
from planner.exports.book import Book, Column
from planner.exports.content import PackContent
from planner.exports.people_sheets.layout import fit_rows, start_sheet

SHEET, HELD_SHEET, LOG_SHEET = "Consultation", "Consultations held", "Engagement log"


def _long_table(book: Book, ws: Worksheet, heading: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]],
                empty: str) -> None:
    """A heading over a table that may run over pages (or a note saying why there is none), rows sized to fit."""
    row = book.heading(ws, 3, heading)
    if rows:
        book.table(ws, row, columns, rows, long=True)
    else:
        book.note(ws, row, empty)
    fit_rows(ws)


def write_consultation(book: Book, content: PackContent) -> None:
    """Consultation: each answered comment with its response; Consultations held: the consultations
    and comments by section, audience and theme; Engagement log: the meetings and events."""
    consult = content.get("consultation") or {}
    ws = start_sheet(book, SHEET, "Consultation: you said, we did",
                     "What staff, patients and the public, and partner organisations said about the strategy, "
                     "and what the board did about it. Commenters' names are not included.")
    _long_table(book, ws, "You said, we did",
                [Column("Section", "text", 18), Column("From", "text", 18), Column("You said", "text", 38),
                 Column("We did", "text", 38), Column("Changed the strategy", "text", 10),
                 Column("Themes", "text", 18)],
                [[s["section"], s["audience"], s["comment"], s["response"], bool(s["changed"]), ", ".join(s["themes"])]
                 for s in consult.get("you_said_we_did") or []],
                "No comments have been answered yet.")

    # Columns shared by the tables below, 140 characters in all (fit_rows wraps what is wider).
    ws = start_sheet(book, HELD_SHEET, "Consultations held",
                     "The consultations held on the strategy, and what their comments were about.")
    row = book.heading(ws, 3, "Consultations")
    consultations = consult.get("consultations") or []
    if consultations:
        row = book.table(ws, row, [Column("Consultation", "text", 28), Column("Opened", "text", 18),
                                   Column("Closed", "text", 16), Column("Sections", "text", 34),
                                   Column("Audiences", "text", 20), Column("Comments", "people", 12),
                                   Column("Answered", "people", 12)],
                         ([c["title"], long_date(c["opens_on"]), long_date(c["closes_on"]), ", ".join(c["sections"]),
                           ", ".join(c["audiences"]), c["comments"], c["answered"]] for c in consultations),
                         autofilter=False)
    else:
        row = book.note(ws, row, "No consultation has been opened.") + 1
    for key, title in (("by_section", "Comments by section"), ("by_audience", "Comments by audience"),
                       ("by_theme", "Comments by theme")):
        counts = consult.get(key) or {}
        if counts:
            row = book.heading(ws, row, title)
            row = book.table(ws, row, [Column(title.split(" by ")[1].capitalize(), "text", 28),
                                       Column("Comments", "people", 18)], list(counts.items()), autofilter=False)
    fit_rows(ws)

    ws = start_sheet(book, LOG_SHEET, "Engagement log",
                     "The meetings and events where we heard from staff, patients and the public, and partners.")
    _long_table(book, ws, "Engagement log",
                [Column("Held on", "text", 18), Column("With", "text", 22), Column("Format", "text", 18),
                 Column("What we heard", "text", 60), Column("Participants", "people", 12)],
                [[long_date(e["held_on"]), e["audience"], e["format"], e["summary"], e["participants"]]
                 for e in consult.get("engagement") or []],
                "No engagement events are recorded.")
