"""The building blocks of the board paper (paragraphs, subheadings, tables, figures, sections) and
the fixed words its modules share. planner.exports.paper lays them out in Word."""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_SET = "Not set"  # the words of the pack's Cover sheet, so the paper and the pack agree
NOT_STATED = "Not stated"
NONE_LISTED = "None listed"
NOT_BEFORE = "Not considered before"
COVER_NOT_SET = "The cover sheet has not been filled in yet: do so on the Approve step."
MAX_CHANGES = 8  # "you said, we did" items printed; the pack has every one
WITHHELD_NOTE = ("* Withheld to protect privacy: counts from 1 to {threshold} people, and any count or share "
                 "from which one could be worked out.")


# --- the blocks a section holds -------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph: body text, a bullet or a small note."""

    text: str
    kind: str = "body"  # body | bullet | note


@dataclass(frozen=True)
class Subheading:
    """A heading inside a section (Heading 2)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table with a caption, a header row, body rows (the last a total where `total_last`) and notes."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    notes: tuple[str, ...] = ()
    total_last: bool = False
    widths: tuple[float, ...] = ()  # centimetres, or () for even columns


@dataclass(frozen=True)
class Figure:
    """A place for a chart (by its key in planner.exports.paper_charts)."""

    key: str


Block = Para | Subheading | Table | Figure


@dataclass(frozen=True)
class Section:
    """A numbered section of the paper (Heading 1)."""

    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
