"""The board cover sheet as pack content holds it: its choices and their names, its defaults, and a
tolerant reader for content frozen before covers were kept. Pure: no Flask, no database.

The cover in content has exactly this shape (planner.services.board_cover.cover_content builds it;
the pack's Cover sheet and the Word board paper read it through `cover_of_content`):

    {"meeting": str, "meeting_date": "YYYY-MM-DD" | None, "agenda_item": str, "part": "1" | "2",
     "part_name": str, "executive_lead": str, "author": str, "purpose": str, "purpose_name": str,
     "recommendation": str, "executive_summary": str, "strategic_objectives": [str], "baf_risks": [str],
     "impact": {"equality": str, "quality": str, "finance": str, "workforce": str, "sustainability": str},
     "previously_considered": [{"by": str, "on": "YYYY-MM-DD"}], "prepared_by": str, "set": bool}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_MEETING = "Board"
PARTS: dict[str, str] = {"1": "Part 1 (public)", "2": "Part 2 (private)"}
PURPOSES: dict[str, str] = {
    "approval": "For approval",
    "assurance": "For assurance",
    "discussion": "For discussion",
    "information": "For information",
}
# The impact statements NHS cover sheets ask for, in their usual order.
IMPACTS: dict[str, str] = {
    "equality": "Equality",
    "quality": "Quality",
    "finance": "Finance",
    "workforce": "Workforce",
    "sustainability": "Sustainability",
}
MAX_CONSIDERED = 5


def default_cover(prepared_by: str = "") -> dict[str, Any]:
    """The cover of a strategy nobody has filled one in for: the Board, Part 1, for approval."""
    return {
        "meeting": DEFAULT_MEETING,
        "meeting_date": None,
        "agenda_item": "",
        "part": "1",
        "part_name": PARTS["1"],
        "executive_lead": "",
        "author": "",
        "purpose": "approval",
        "purpose_name": PURPOSES["approval"],
        "recommendation": "",
        "executive_summary": "",
        "strategic_objectives": [],
        "baf_risks": [],
        "impact": {key: "" for key in IMPACTS},
        "previously_considered": [],
        "prepared_by": prepared_by,
        "set": False,
    }


def cover_of_content(content: Mapping[str, Any]) -> dict[str, Any]:
    """The content's cover, or the defaults for content frozen before covers were kept (an old
    version's snapshot). Keys a stored cover lacks are filled from the defaults, never guessed."""
    prepared = content.get("prepared") or {}
    cover = default_cover(str(prepared.get("by") or ""))
    stored = content.get("cover")
    if not isinstance(stored, Mapping):
        return cover
    impact = {**cover["impact"], **(stored.get("impact") or {})}
    cover.update({k: v for k, v in stored.items() if k in cover})
    cover["impact"] = impact
    cover["part_name"] = PARTS.get(str(cover["part"]), cover["part_name"])
    cover["purpose_name"] = PURPOSES.get(str(cover["purpose"]), cover["purpose_name"])
    return cover
