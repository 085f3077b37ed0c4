"""What the strategy's consultations heard and what changed because of it: tallies by section, audience and
theme, counts per consultation, whether patients were heard, and the board pack's Consultation sheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from planner.models import Comment, EngagementEvent, Strategy
from planner.services.consultation.comments import CommentView, comment_view, comments_in
from planner.services.consultation.consultations import consultations_of
from planner.services.consultation.events import events_of
from planner.services.consultation.rules import AUDIENCES, FORMATS, SECTIONS, audiences_of, sections_of


@dataclass(frozen=True)
class Tally:
    """Visible comments on one section, from one audience or with one theme."""

    key: str
    name: str
    comments: int
    answered: int
    changed: int


@dataclass(frozen=True)
class Summary:
    """What the strategy's consultations heard and what changed because of it (hidden comments
    are counted only as hidden)."""

    comments: int
    hidden: int
    answered: int
    changed: int
    by_section: list[Tally]
    by_audience: list[Tally]
    by_theme: list[Tally]
    you_said_we_did: list[CommentView]  # answered, visible comments that changed the strategy

    @property
    def unanswered(self) -> int:
        return self.comments - self.answered


def _tally(views: list[CommentView], names: dict[str, str], belongs: Callable[[CommentView, str], bool]) -> list[Tally]:
    """One tally per name: the views that belong to its key, answered, and changing the strategy."""
    out = []
    for key, name in names.items():
        mine = [v for v in views if belongs(v, key)]
        out.append(Tally(key, name, len(mine), sum(v.answered for v in mine),
                         sum(v.changed_strategy is True for v in mine)))
    return out


def summary(session: Session, strategy: Strategy) -> Summary:
    """Comments by section, audience and theme, answered and not, and the changes they led to."""
    consultations = consultations_of(session, strategy)
    every = [comment_view(c, False) for c in comments_in(session, [c.id for c in consultations])]
    views = [v for v in every if not v.hidden]
    asked_sections = {s for c in consultations for s in sections_of(c)} | {v.section for v in views}
    asked_audiences = {a for c in consultations for a in audiences_of(c)} | {v.audience for v in views}
    themes = list(dict.fromkeys(theme for v in views for theme in v.themes))
    return Summary(
        comments=len(views), hidden=len(every) - len(views), answered=sum(v.answered for v in views),
        changed=sum(v.changed_strategy is True for v in views),
        by_section=_tally(views, {k: n for k, n in SECTIONS.items() if k in asked_sections},
                          lambda v, key: v.section == key),
        by_audience=_tally(views, {k: n for k, n in AUDIENCES.items() if k in asked_audiences},
                           lambda v, key: v.audience == key),
        by_theme=sorted(_tally(views, {t: t for t in themes}, lambda v, key: key in v.themes),
                        key=lambda t: (-t.comments, t.name.casefold())),
        you_said_we_did=[v for v in views if v.changed_strategy is True],
    )


def comment_counts(session: Session, strategy: Strategy) -> dict[int, tuple[int, int, int]]:
    """Consultation id -> (visible comments, of which answered, hidden comments)."""
    consultations = consultations_of(session, strategy)
    counts = {c.id: [0, 0, 0] for c in consultations}
    for comment in comments_in(session, list(counts)):
        row = counts[comment.consultation_id]
        if comment.hidden:
            row[2] += 1
        else:
            row[0] += 1
            row[1] += comment.changed_strategy is not None
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


def patient_voice_recorded(session: Session, strategy: Strategy) -> bool:
    """Whether patients and the public have been heard: a consultation asking them with at least one
    comment from them, or an engagement event with them."""
    asking = [c.id for c in consultations_of(session, strategy) if "patients" in audiences_of(c)]
    if asking and session.exec(select(Comment.id).where(col(Comment.consultation_id).in_(asking),
                                                        Comment.audience == "patients")).first() is not None:
        return True
    return session.exec(select(EngagementEvent.id).where(EngagementEvent.strategy_id == strategy.id,
                                                         EngagementEvent.audience == "patients")).first() is not None


def consultation_content(session: Session, strategy: Strategy) -> dict[str, Any]:
    """JSON-ready content of the board pack's Consultation sheet. Hidden comments never appear, and
    nor do commenters' names or roles."""
    counts = comment_counts(session, strategy)
    tallies = summary(session, strategy)
    consultations = sorted(consultations_of(session, strategy), key=lambda c: (c.opens_on, c.id or 0))
    ordered = [comment_view(c, False) for c in comments_in(session, [c.id for c in consultations])]
    return {
        "consultations": [{
            "title": c.title, "opens_on": c.opens_on.isoformat(), "closes_on": c.closes_on.isoformat(),
            "sections": [SECTIONS[s] for s in sections_of(c)], "audiences": [AUDIENCES[a] for a in audiences_of(c)],
            "comments": counts[c.id][0], "answered": counts[c.id][1],
        } for c in consultations],
        "you_said_we_did": [{
            "section": v.section_name, "audience": v.audience_name, "comment": v.body, "response": v.response,
            "changed": bool(v.changed_strategy), "themes": list(v.themes),
        } for v in ordered if not v.hidden and v.answered],
        "engagement": [{
            "held_on": e.held_on.isoformat(), "audience": AUDIENCES.get(e.audience, e.audience),
            "format": FORMATS.get(e.format, e.format), "participants": e.participants, "summary": e.summary,
        } for e in sorted(events_of(session, strategy), key=lambda e: (e.held_on, e.id or 0))],
        "by_section": {t.name: t.comments for t in tallies.by_section},
        "by_audience": {t.name: t.comments for t in tallies.by_audience},
        "by_theme": {t.name: t.comments for t in tallies.by_theme},
    }
