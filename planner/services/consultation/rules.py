"""What a consultation asks about and whom, its limits, whether it takes comments today, and how the lists
it keeps are stored (JSON text)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from planner.models import Comment, Consultation

SECTIONS = {
    "scope": "Vision, mission and values",
    "forecast": "How many leaders we need",
    "diversity": "Diversity of our leaders",
    "competencies": "Leadership skills and development",
    "objectives": "Objectives from the board to every team",
}
# What each section is about, in plain words, for people reading through the comment link.
SECTION_DESCRIPTIONS = {
    "scope": "Where we want to be, what we do and for whom, and the values we lead by.",
    "forecast": "How many leaders each part of the organisation will need over the coming years, and how many "
                "we will need to appoint or develop.",
    "diversity": "How far our leaders reflect our staff and the communities we serve, and the targets we set to "
                 "close the gaps.",
    "competencies": "The skills and behaviours our leaders need, where the gaps are, and the development we plan "
                    "to close them.",
    "objectives": "How the vision becomes clear objectives for each area, team and person, and how we will know "
                  "we are making progress.",
}
AUDIENCES = {"staff": "Staff", "patients": "Patients and public", "partners": "Partner organisations"}
FORMATS = {
    "focus_group": "Focus group",
    "staff_briefing": "Staff briefing",
    "patient_panel": "Patient panel",
    "survey": "Survey",
    "workshop": "Workshop",
    "board_development": "Board development session",
    "other": "Other",
}

MAX_TITLE = 200
MAX_BODY = 5_000
MAX_NAME = 100
MAX_REASON = 500
MAX_THEME = 40
MAX_THEMES = 10
MAX_PARTICIPANTS = 1_000_000


def parse_list(raw: str) -> list[str]:
    """A stored JSON list as text values (an empty list for anything else)."""
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def dump_list(values: Sequence[str]) -> str:
    """Text values as the stored JSON list."""
    return json.dumps(list(values), ensure_ascii=False)


def sections_of(consultation: Consultation) -> list[str]:
    """The keys of the sections the consultation asks about, in the strategy's order."""
    chosen = set(parse_list(consultation.sections))
    return [key for key in SECTIONS if key in chosen]


def audiences_of(consultation: Consultation) -> list[str]:
    """The keys of the audiences the consultation asks to hear from."""
    chosen = set(parse_list(consultation.audiences))
    return [key for key in AUDIENCES if key in chosen]


def themes_of(comment: Comment) -> list[str]:
    """The comment's theme tags."""
    return parse_list(comment.themes)


def status(consultation: Consultation, today: date) -> str:
    """not_yet_open, open or closed (by its dates, or closed early by an editor)."""
    if consultation.closed_early or today > consultation.closes_on:
        return "closed"
    return "not_yet_open" if today < consultation.opens_on else "open"


def accepting(consultation: Consultation, today: date) -> bool:
    """Whether the consultation takes comments today."""
    return status(consultation, today) == "open"
