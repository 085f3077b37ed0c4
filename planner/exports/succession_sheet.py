"""The board pack's Succession sheet: the succession register's pipeline by level beside the scenario's
ready for promotion rate (with the sentence where they disagree), the register by area, and the successor
pool's diversity, withheld as the pack's audience requires. Built from the pack's content (plain data):
no names are ever in it, only counts. As a second guard, the disclosure rule the content was built under
is asked again: a small count the content should have withheld is withheld all the same."""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from planner.diversity.disclosure import from_content
from planner.exports.book import Book, Column
from planner.exports.content import PackContent
from planner.exports.people_sheets.layout import WITHHELD, fit_rows

SHEET = "Succession"


def _start(book: Book) -> Worksheet:
    ws = book.sheet(SHEET)
    book.heading(ws, 1, "Succession", "Pack title")
    ws.row_dimensions[1].height = 28
    book.note(ws, 2, "The succession register in numbers only: critical roles and the successors ready now, in 1 to "
                     "2 years and in 3 to 5 years. No one's name is kept.")
    return ws


def _count(value: Any, rule: Any) -> Any:
    """A pool count as this pack's audience may see it."""
    return WITHHELD if value is None or rule.withholds(value) else value


def write_succession(book: Book, content: PackContent) -> None:
    """Succession: the pipeline by level against the scenario, the register by area, the pool's diversity."""
    register = content.get("succession")
    ws = _start(book)
    if not register or not register.get("entries"):
        book.note(ws, 3, "The succession register is empty.")
        return
    rule = from_content(content)
    scenario = (register.get("scenario") or {}).get("name")
    row = book.heading(ws, 3, "The pipeline by level")
    row = book.note(ws, row, "Register: successors ready now and in 1 to 2 years, spread over two years. Scenario: "
                             f"people {('the scenario ' + repr(scenario)) if scenario else 'a scenario'} assumes "
                             "ready for promotion to the level a year, over its first two years, in the same areas.")
    levels = register.get("levels") or []
    row = book.table(ws, row, [Column("Level", "text", 20), Column("Critical roles", "people", 11),
                               Column("Ready now", "people", 11), Column("Ready in 1 to 2 years", "people", 11),
                               Column("Ready in 3 to 5 years", "people", 11),
                               Column("Register: ready a year", "tenth", 12),
                               Column("Scenario: ready a year", "tenth", 12), Column("What it means", "text", 60)],
                     ([lv["level_name"], lv["critical_roles"], lv["ready_now"], lv["ready_1_2"], lv["ready_3_5"],
                       (lv.get("pipeline") or {}).get("register_per_year"),
                       (lv.get("pipeline") or {}).get("scenario_per_year"),
                       (lv.get("pipeline") or {}).get("sentence", "")] for lv in levels), autofilter=False)
    row = book.heading(ws, row, "The register by area")
    row = book.table(ws, row, [Column("Level", "text", 20), Column("Area", "text", 24),
                               Column("Critical roles", "people", 11), Column("Ready now", "people", 11),
                               Column("Ready in 1 to 2 years", "people", 11),
                               Column("Ready in 3 to 5 years", "people", 11)],
                     ([e["level_name"], e["area_name"], e["critical_roles"], e["ready_now"], e["ready_1_2"],
                       e["ready_3_5"]] for e in register["entries"]), autofilter=False)
    for char in register.get("diversity") or []:
        groups = [g["name"] for g in char["rows"][0]["groups"]] if char["rows"] else []
        row = book.heading(ws, row, f"The successors' diversity: {char['name']}")
        row = book.table(ws, row, [Column("Level", "text", 20), Column("Successors", "people", 11),
                                   *(Column(name, "people", 12) for name in groups)],
                         ([r["level_name"], WITHHELD if r["total"] is None else r["total"],
                           *(_count(g["count"], rule) for g in r["groups"])] for r in char["rows"]),
                         autofilter=False)
    if register.get("diversity"):
        book.note(ws, row, rule.label if rule.exact else
                  f"{WITHHELD} Withheld to protect privacy: counts from 1 to {rule.threshold} people, and any count "
                  "from which one could be worked out.")
    fit_rows(ws)
