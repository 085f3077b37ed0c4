"""The board pack's Consultation sheet: who was asked and how, what they said, and what changed
("you said, we did"). Commenters' names never reach the pack, and hidden comments are left out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.dates import long_date
from planner.exports.book import Book, Column


def write_consultation(book: Book, content: Mapping[str, Any]) -> None:
    """Consultation: the consultations, the engagement log, comments by section, audience and theme,
    and each answered comment with its response."""
    ws = book.sheet("Consultation")
    book.heading(ws, 1, "Consultation: you said, we did", "Pack title")
    book.note(ws, 2, "What staff, patients and the public, and partner organisations said about the strategy, "
                     "and what the board did about it. Commenters' names are not included.")
    consult = content.get("consultation") or {}
    row = book.heading(ws, 4, "You said, we did")
    said = consult.get("you_said_we_did") or []
    if said:
        row = book.table(ws, row, [Column("Section", "text", 22), Column("From", "text", 22),
                                   Column("You said", "text", 60), Column("We did", "text", 60),
                                   Column("Changed the strategy", "text", 12), Column("Themes", "text", 24)],
                         ([s["section"], s["audience"], s["comment"], s["response"], bool(s["changed"]),
                           ", ".join(s["themes"])] for s in said), freeze=True)
    else:
        row = book.note(ws, row, "No comments have been answered yet.") + 1
    row = book.heading(ws, row, "Consultations")
    consultations = consult.get("consultations") or []
    if consultations:
        row = book.table(ws, row, [Column("Consultation", "text", 30), Column("Opened", "text", 14),
                                   Column("Closed", "text", 14), Column("Sections", "text", 40),
                                   Column("Audiences", "text", 40), Column("Comments", "people"),
                                   Column("Answered", "people")],
                         ([c["title"], long_date(c["opens_on"]), long_date(c["closes_on"]), ", ".join(c["sections"]),
                           ", ".join(c["audiences"]), c["comments"], c["answered"]] for c in consultations),
                         autofilter=False)
    else:
        row = book.note(ws, row, "No consultation has been opened.") + 1
    row = book.heading(ws, row, "Engagement log")
    events = consult.get("engagement") or []
    if events:
        row = book.table(ws, row, [Column("Held on", "text", 16), Column("With", "text", 22),
                                   Column("Format", "text", 22), Column("Participants", "people"),
                                   Column("What we heard", "text", 60)],
                         ([long_date(e["held_on"]), e["audience"], e["format"], e["participants"], e["summary"]]
                          for e in events), autofilter=False)
    else:
        row = book.note(ws, row, "No engagement events are recorded.") + 1
    for key, title in (("by_section", "Comments by section"), ("by_audience", "Comments by audience"),
                       ("by_theme", "Comments by theme")):
        counts = consult.get(key) or {}
        if counts:
            row = book.heading(ws, row, title)
            row = book.table(ws, row, [Column(title.split(" by ")[1].capitalize(), "text", 30),
                                       Column("Comments", "people")], list(counts.items()), autofilter=False)
