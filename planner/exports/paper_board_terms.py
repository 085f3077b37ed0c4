"""The board paper's words on the board's own terms of office: the appointments due over the strategy's
years and what they could do for WRES indicator 9 and WDES metric 10, as the paper's audience may read them
(the same sentences as the pack's Board terms sheet). Pure: content in, blocks out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.diversity.board import BOARD_TYPES
from planner.exports.board_terms_sheet import reach_lines
from planner.exports.paper_blocks import Block, Para, Subheading, Table


def _due(pair: Any) -> str:
    fewest, most = pair
    return f"{fewest}" if fewest == most else f"{fewest} to {most}"


def board_terms_blocks(content: Mapping[str, Any]) -> list[Block]:
    """A subsection on the board's terms, or nothing when no seats are recorded."""
    terms: Mapping[str, Any] = content.get("board_terms") or {}
    if not terms.get("seats"):
        return []
    start, end = terms["start_year"], terms["end_year"]
    years = terms.get("years") or []
    last = years[-1]["due_by"] if years else {"voting": [0, 0], "executive": [0, 0]}
    blocks: list[Block] = [Subheading("The board's own terms of office"), Para(
        f"From the terms of office of the board's {len(terms['seats'])} seats, {_due(last['voting'])} voting and "
        f"{_due(last['executive'])} executive appointments are due from {start} to {end}: the fewer if every "
        "holder who may be reappointed is, the more if none is.")]
    blocks += [Para(f"{name}: {sentence}", "bullet") for name, sentence in reach_lines(content)]
    if terms.get("lapsed"):
        blocks.append(Para(f"The present term of {', '.join(terms['lapsed'])} ended before {start}: the seat's "
                           "record needs bringing up to date.", "note"))
    rows = tuple((str(y["year"]), *(str(y["appointments"].get(k, 0)) for k in BOARD_TYPES),
                  str(sum(y["reappointments"].values())), _due(y["due_by"]["voting"]),
                  _due(y["due_by"]["executive"])) for y in years)
    blocks.append(Table("Appointments due to the board by year",
                        ("Year", *(f"{name}: new" for name in BOARD_TYPES.values()), "Reappointments possible",
                         "Voting due by then", "Executive due by then"),
                        rows, (False, True, True, True, True, True, True),
                        ("A new appointment is due where a holder's last term ends, or an executive director is "
                         "expected to leave; a reappointment is possible where the holder has terms left.",),
                        widths=(1.4, 2.6, 2.6, 2.4, 2.6, 2.7, 2.7)))
    return blocks
