"""The pack's Cover sheet: the standard cover an NHS board paper opens with, so a board secretary
can table the pack as it is. Pure: content in, cells out.

Two columns, label and value, on A4 portrait at full size: the columns fit the printable width, so
fitting to the page never shrinks the 11 pt text. Long text wraps, each row is made tall enough for
it, and text too long for one printed row goes on in the rows below, broken between paragraphs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from planner.dates import long_date
from planner.exports.book import Book, widths
from planner.exports.content import PackContent
from planner.exports.cover import IMPACTS, cover_of_content

LABEL_WIDTH = 28
VALUE_WIDTH = 70
MARGIN = 0.4  # inches, left and right: 28 + 70 characters fit A4 portrait's width at 100% with room to spare
LINE_HEIGHT = 15  # points: one line of 11 pt Arial
# Lines in one row: short enough that a page break after a row leaves little space unused (and far
# below Excel's tallest row, 409 points); longer text goes on in the rows below.
MOST_LINES = 12
VALUE_CHARS = VALUE_WIDTH - 4  # characters a line of the value column holds, erring towards more lines
LABEL_CHARS = LABEL_WIDTH - 5  # the same for the bold labels
NOT_SET = "Not set"
IMPACT_LABELS = {"equality": "Equality impact", "quality": "Quality impact", "finance": "Financial impact",
                 "workforce": "Workforce impact", "sustainability": "Sustainability impact"}


def printed_lines(text: str, chars: int) -> int:
    """How many printed lines the text takes in a column `chars` characters wide (at least one)."""
    return sum(max(1, -(-len(line) // chars)) for line in text.split("\n"))


def _split_paragraph(paragraph: str) -> list[str]:
    most = VALUE_CHARS * MOST_LINES
    out = []
    while len(paragraph) > most:
        cut = paragraph.rfind(" ", 0, most)
        if cut <= 0:
            cut = most
        out.append(paragraph[:cut].rstrip())
        paragraph = paragraph[cut:].lstrip()
    out.append(paragraph)
    return out


def pieces(text: str) -> list[str]:
    """The text in pieces of at most MOST_LINES printed lines each, one a row: broken between
    paragraphs, or within a paragraph too long for one row, between words."""
    out: list[str] = []
    current: list[str] = []
    for paragraph in text.split("\n"):
        for part in _split_paragraph(paragraph):
            if current and printed_lines("\n".join([*current, part]), VALUE_CHARS) > MOST_LINES:
                out.append("\n".join(current))
                current = []
            current.append(part)
    out.append("\n".join(current))
    return out


def _rows(book: Book, ws: Worksheet, top: int, pairs: Sequence[tuple[str, str]]) -> int:
    """Label and value pairs from `top`, each row tall enough for its text; returns the row after a blank one."""
    row = top
    for label, value in pairs:
        for number, piece in enumerate(pieces(value)):
            lines = printed_lines(piece, VALUE_CHARS)
            if number == 0:
                book.put(ws, row, 1, label, style="Pack label")
                ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
                lines = max(lines, printed_lines(label, LABEL_CHARS))
            book.put(ws, row, 2, piece, style="Pack paragraph")
            ws.row_dimensions[row].height = LINE_HEIGHT * lines
            row += 1
    return row + 1


def _or(value: str, empty: str = NOT_SET) -> str:
    return value if value else empty


def _meeting_pairs(content: Mapping[str, Any], cover: Mapping[str, Any]) -> list[tuple[str, str]]:
    prepared_by = content["prepared"].get("by") or cover.get("prepared_by") or ""
    return [
        ("Organisation", content["organisation"]["name"]),
        ("Meeting", _or(cover["meeting"])),
        ("Date of meeting", long_date(cover["meeting_date"]) if cover["meeting_date"] else NOT_SET),
        ("Agenda item", _or(cover["agenda_item"])),
        ("Part", cover["part_name"]),
        ("Strategy", content["strategy"]["title"]),
        ("Purpose", cover["purpose_name"]),
        ("Executive lead", _or(cover["executive_lead"])),
        ("Author", _or(cover["author"])),
        ("Prepared by", _or(prepared_by, "Not recorded")),
    ]


def _paper_pairs(cover: Mapping[str, Any]) -> list[tuple[str, str]]:
    considered = [f"{e['by']}, {long_date(e['on'])}" for e in cover["previously_considered"]]
    return [
        ("Recommendation", _or(cover["recommendation"])),
        ("Executive summary", _or(cover["executive_summary"])),
        ("Links to strategic objectives", _or("\n".join(cover["strategic_objectives"]), "None listed")),
        ("Board Assurance Framework (BAF) risks", _or("\n".join(cover["baf_risks"]), "None listed")),
        *[(IMPACT_LABELS.get(key, key), _or(cover["impact"].get(key, ""), "Not stated")) for key in IMPACTS],
        ("Previously considered by", _or("\n".join(considered), "Not considered before")),
    ]


def _pack_pairs(content: Mapping[str, Any]) -> list[tuple[str, str]]:
    strategy = content["strategy"]
    pairs = [
        ("Period", f"{strategy['start_year']} to {strategy['end_year']} (baseline {strategy['start_year']}, "
                   f"forecast {strategy['start_year'] + 1} to {strategy['end_year']})"),
        ("Status", content["status"]["state"]),
        ("Version", content["status"]["version"]),
        ("Scenario", (content["forecast"]["scenario"] or {}).get("name", "None yet")),
        ("Date prepared", long_date(content["prepared"]["on"])),
        ("Protective marking", content["prepared"]["marking"]),
    ]
    approval = content.get("approval")
    if approval:
        pairs += [("Board decision", approval["decision"]),
                  ("Board meeting", long_date(approval["meeting_date"])),
                  ("Minute reference", approval["minute"])]
        if approval.get("notes"):
            pairs.append(("Decision notes", approval["notes"]))
    return pairs


def write_cover(book: Book, content: PackContent) -> None:
    """Cover: the board paper's cover sheet (meeting, purpose, recommendation, summary, links, impact and
    who considered it before), then which version and scenario the pack shows, and its marking."""
    ws = book.sheet("Cover", presentation=True, landscape=False)
    widths(ws, {"A": LABEL_WIDTH, "B": VALUE_WIDTH})
    ws.page_margins.left = ws.page_margins.right = MARGIN
    cover = cover_of_content(content)
    book.put(ws, 2, 1, content["prepared"]["marking"], style="Pack heading")
    book.put(ws, 4, 1, content["strategy"]["title"], style="Pack title")
    ws.cell(row=4, column=1).alignment = Alignment(wrap_text=False)
    book.put(ws, 5, 1, content["organisation"]["name"], style="Pack heading")
    book.put(ws, 6, 1, "Collective leadership strategy: board pack", style="Pack label")
    if not cover["set"]:
        book.note(ws, 7, "The cover sheet has not been filled in yet: do so on the Approve step.")
    row = _rows(book, ws, 8, _meeting_pairs(content, cover))
    row = _rows(book, ws, book.heading(ws, row, "The paper"), _paper_pairs(cover))
    _rows(book, ws, book.heading(ws, row, "This pack"), _pack_pairs(content))
