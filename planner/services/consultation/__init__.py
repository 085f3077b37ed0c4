"""Consult: consultations on chosen sections of the strategy, comments from members and through an
anonymous link, editors' responses ("you said, we did") and theme tags, hiding abusive comments, and
the engagement log. Nothing about a commenter's device or connection is ever stored. `rules` holds what a
consultation may ask and its limits, `consultations`, `comments` and `events` read and change each, and
`summary` adds up what was heard; every public name is importable from here."""

from __future__ import annotations

from planner.services.consultation.comments import (
    CommentView,
    add_comment,
    comments_of,
    hide_comment,
    known_themes,
    respond,
    split_themes,
    unhide_comment,
)
from planner.services.consultation.consultations import (
    close_consultation,
    consultation_by_token,
    consultations_of,
    create_consultation,
    open_consultations,
    owners_of,
    update_consultation,
)
from planner.services.consultation.events import add_event, delete_event, events_of, update_event
from planner.services.consultation.rules import (
    AUDIENCES,
    FORMATS,
    MAX_BODY,
    MAX_NAME,
    MAX_PARTICIPANTS,
    MAX_REASON,
    MAX_THEME,
    MAX_THEMES,
    MAX_TITLE,
    SECTION_DESCRIPTIONS,
    SECTIONS,
    accepting,
    audiences_of,
    sections_of,
    status,
    themes_of,
)
from planner.services.consultation.summary import (
    Summary,
    Tally,
    comment_counts,
    consultation_content,
    patient_voice_recorded,
    summary,
)

__all__ = [
    "AUDIENCES", "FORMATS", "MAX_BODY", "MAX_NAME", "MAX_PARTICIPANTS", "MAX_REASON", "MAX_THEME", "MAX_THEMES",
    "MAX_TITLE", "SECTIONS", "SECTION_DESCRIPTIONS", "CommentView", "Summary", "Tally", "accepting", "add_comment",
    "add_event", "audiences_of", "close_consultation", "comment_counts", "comments_of", "consultation_by_token",
    "consultation_content", "consultations_of", "create_consultation", "delete_event", "events_of", "hide_comment",
    "known_themes", "open_consultations", "owners_of", "patient_voice_recorded", "respond", "sections_of",
    "split_themes", "status", "summary", "themes_of", "unhide_comment", "update_consultation", "update_event",
]
