"""Consult: consultations on chosen sections of the strategy, comments from members and through an
anonymous link, editors' responses ("you said, we did") and theme tags, hiding abusive comments, and
the engagement log. Nothing about a commenter's device or connection is ever stored."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from planner.dates import long_date
from planner.models import Comment, Consultation, EngagementEvent, Strategy, User, utcnow
from planner.services import ServiceError, derived, finish
from planner.services.audit import diff, record
from planner.services.editing import check_version, commit_checked

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


def _listed(raw: str) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _dumps(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def sections_of(consultation: Consultation) -> list[str]:
    """The keys of the sections the consultation asks about, in the strategy's order."""
    chosen = set(_listed(consultation.sections))
    return [key for key in SECTIONS if key in chosen]


def audiences_of(consultation: Consultation) -> list[str]:
    """The keys of the audiences the consultation asks to hear from."""
    chosen = set(_listed(consultation.audiences))
    return [key for key in AUDIENCES if key in chosen]


def themes_of(comment: Comment) -> list[str]:
    """The comment's theme tags."""
    return _listed(comment.themes)


def status(consultation: Consultation, today: date) -> str:
    """not_yet_open, open or closed (by its dates, or closed early by an editor)."""
    if consultation.closed_early or today > consultation.closes_on:
        return "closed"
    return "not_yet_open" if today < consultation.opens_on else "open"


def accepting(consultation: Consultation, today: date) -> bool:
    """Whether the consultation takes comments today."""
    return status(consultation, today) == "open"


# --- consultations ----------------------------------------------------------------------------------

def _chosen(values: Iterable[str], allowed: dict[str, str], field: str, what: str) -> list[str]:
    picked = {v.strip() for v in values if v.strip()}
    if picked - set(allowed):
        raise ServiceError(f"Choose {what}s from the list", field=field)
    if not picked:
        raise ServiceError(f"Choose at least one {what}", field=field)
    return [key for key in allowed if key in picked]


def _check_consultation(title: str, sections: Iterable[str], audiences: Iterable[str], opens_on: date | None,
                        closes_on: date | None) -> dict[str, Any]:
    title = " ".join(title.split())
    if not title:
        raise ServiceError("Enter a title for the consultation", field="title")
    if len(title) > MAX_TITLE:
        raise ServiceError(f"The title must be {MAX_TITLE} characters or fewer", field="title")
    chosen_sections = _chosen(sections, SECTIONS, "sections", "section")
    chosen_audiences = _chosen(audiences, AUDIENCES, "audiences", "audience")
    if opens_on is None:
        raise ServiceError("Enter the date the consultation opens", field="opens_on")
    if closes_on is None:
        raise ServiceError("Enter the date the consultation closes", field="closes_on")
    if closes_on < opens_on:
        raise ServiceError("The closing date must be the same as or after the opening date", field="closes_on")
    return {"title": title, "sections": chosen_sections, "audiences": chosen_audiences, "opens_on": opens_on,
            "closes_on": closes_on}


def create_consultation(*, session: Session, strategy: Strategy, title: str, sections: Iterable[str],
                        audiences: Iterable[str], opens_on: date | None, closes_on: date | None,
                        actor: User | None, commit: bool = True) -> Consultation:
    """Open a consultation on chosen sections, for chosen audiences, between two dates (inclusive)."""
    values = _check_consultation(title, sections, audiences, opens_on, closes_on)
    consultation = Consultation(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                title=values["title"], sections=_dumps(values["sections"]),
                                audiences=_dumps(values["audiences"]), opens_on=values["opens_on"],
                                closes_on=values["closes_on"], token=secrets.token_urlsafe(32),
                                created_by=actor.id if actor else None)
    session.add(consultation)
    session.flush()
    record(session, action="create", entity="consultation", entity_id=consultation.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None, changes=values)
    finish(session, commit)
    return consultation


def update_consultation(*, session: Session, consultation: Consultation, title: str, sections: Iterable[str],
                        audiences: Iterable[str], opens_on: date | None, closes_on: date | None,
                        actor: User, version: int | None = None) -> None:
    """Change a consultation's title, sections, audiences or dates. A section or audience that
    already has comments stays. Refused if it changed since `version` was read."""
    check_version(consultation, version)
    values = _check_consultation(title, sections, audiences, opens_on, closes_on)
    comments = list(session.exec(select(Comment).where(Comment.consultation_id == consultation.id)))
    for field, names in (("sections", SECTIONS), ("audiences", AUDIENCES)):
        attribute = "section" if field == "sections" else "audience"
        lost = sorted({getattr(c, attribute) for c in comments} - set(values[field]))
        if lost:
            kind = "A section" if field == "sections" else "An audience"
            raise ServiceError(f"{kind} that already has comments cannot be removed: "
                               + ", ".join(names.get(k, k) for k in lost), field=field)
    before = {"title": consultation.title, "sections": sections_of(consultation),
              "audiences": audiences_of(consultation), "opens_on": consultation.opens_on,
              "closes_on": consultation.closes_on}
    consultation.title = values["title"]
    consultation.sections = _dumps(values["sections"])
    consultation.audiences = _dumps(values["audiences"])
    consultation.opens_on, consultation.closes_on = values["opens_on"], values["closes_on"]
    session.add(consultation)
    record(session, action="update", entity="consultation", entity_id=consultation.id,
           organisation_id=consultation.organisation_id, user_id=actor.id, changes=diff(before, values))
    commit_checked(session, consultation)


def close_consultation(*, session: Session, consultation: Consultation, actor: User, today: date) -> None:
    """Close a consultation before its closing date: it takes no more comments."""
    if status(consultation, today) == "closed":
        raise ServiceError("The consultation is already closed")
    consultation.closed_early = True
    session.add(consultation)
    record(session, action="close", entity="consultation", entity_id=consultation.id,
           organisation_id=consultation.organisation_id, user_id=actor.id,
           changes={"closed_early": [False, True], "on": today})
    session.commit()


def consultations_of(session: Session, strategy: Strategy) -> list[Consultation]:
    """The strategy's consultations, the latest to open first."""
    return derived.records(session, strategy, "consultations", lambda: list(session.exec(
        select(Consultation).where(Consultation.strategy_id == strategy.id)
        .order_by(col(Consultation.opens_on).desc(), col(Consultation.id).desc()))))


def consultation_by_token(session: Session, token: str) -> Consultation | None:
    """The consultation a comment link's token opens (the token is the only credential)."""
    if not token or len(token) > 64:
        return None
    return session.exec(select(Consultation).where(Consultation.token == token)).first()


def open_consultations(session: Session, strategy: Strategy, today: date) -> list[Consultation]:
    """The strategy's consultations that accept comments today."""
    return [c for c in consultations_of(session, strategy) if accepting(c, today)]


# --- comments ---------------------------------------------------------------------------------------

def add_comment(*, session: Session, consultation: Consultation, section: str, audience: str, body: str,
                author_name: str = "", author_role: str = "", user: User | None = None, today: date,
                commit: bool = True) -> Comment:
    """Store a comment on a section: from a signed-in member (`user`) or through the link (no user).
    Only what the commenter typed and chose is kept."""
    state = status(consultation, today)
    if state == "not_yet_open":
        raise ServiceError(f"This consultation opens on {long_date(consultation.opens_on)}: comments cannot be "
                           "sent before then.")
    if state == "closed":
        raise ServiceError("This consultation is closed and takes no more comments.")
    if section not in sections_of(consultation):
        raise ServiceError("Choose a section this consultation asks about", field="section")
    if audience not in audiences_of(consultation):
        raise ServiceError("Choose a group this consultation asks to hear from", field="audience")
    body = body.strip()
    if not body:
        raise ServiceError("Enter your comment", field="body")
    if len(body) > MAX_BODY:
        raise ServiceError(f"Your comment must be {MAX_BODY:,} characters or fewer (it has {len(body):,})",
                           field="body")
    author_name, author_role = " ".join(author_name.split()), " ".join(author_role.split())
    if len(author_name) > MAX_NAME:
        raise ServiceError(f"Your name must be {MAX_NAME} characters or fewer", field="author_name")
    if len(author_role) > MAX_NAME:
        raise ServiceError(f"Your role must be {MAX_NAME} characters or fewer", field="author_role")
    if user is not None and not author_name:
        author_name = user.display_name[:MAX_NAME]
    comment = Comment(organisation_id=consultation.organisation_id, consultation_id=consultation.id,
                      section=section, audience=audience, body=body, author_name=author_name,
                      author_role=author_role, user_id=user.id if user else None)
    session.add(comment)
    session.flush()
    record(session, action="create", entity="comment", entity_id=comment.id,
           organisation_id=consultation.organisation_id, user_id=user.id if user else None,
           changes={"consultation_id": consultation.id, "section": section, "audience": audience,
                    "through": "signed in" if user else "link"})
    finish(session, commit)
    return comment


def hide_comment(*, session: Session, comment: Comment, reason: str, actor: User) -> None:
    """Hide an abusive comment with a reason: its text stays readable by administrators only."""
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError("Enter the reason for hiding the comment", field="reason")
    if len(reason) > MAX_REASON:
        raise ServiceError(f"The reason must be {MAX_REASON} characters or fewer", field="reason")
    if comment.hidden:
        raise ServiceError("The comment is already hidden")
    comment.hidden, comment.hidden_reason, comment.hidden_by = True, reason, actor.id
    session.add(comment)
    record(session, action="hide", entity="comment", entity_id=comment.id, organisation_id=comment.organisation_id,
           user_id=actor.id, changes={"hidden": [False, True], "reason": reason})
    session.commit()


def unhide_comment(*, session: Session, comment: Comment, actor: User) -> None:
    """Show a hidden comment again."""
    if not comment.hidden:
        raise ServiceError("The comment is not hidden")
    before = comment.hidden_reason
    comment.hidden, comment.hidden_reason, comment.hidden_by = False, "", None
    session.add(comment)
    record(session, action="unhide", entity="comment", entity_id=comment.id,
           organisation_id=comment.organisation_id, user_id=actor.id,
           changes={"hidden": [True, False], "reason": [before, ""]})
    session.commit()


def known_themes(session: Session, strategy: Strategy) -> list[str]:
    """Every theme tag already used on the strategy's comments, in alphabetical order."""
    ids = [c.id for c in consultations_of(session, strategy)]
    seen: dict[str, str] = {}
    if ids:
        for raw in session.exec(select(Comment.themes).where(col(Comment.consultation_id).in_(ids))):
            for theme in _listed(raw):
                seen.setdefault(theme.casefold(), theme)
    return sorted(seen.values(), key=str.casefold)


def split_themes(raw: str) -> list[str]:
    """Theme tags typed on one line, separated by commas or semicolons."""
    return [t for t in re.split(r"[,;\n]", raw) if t.strip()]


def _clean_themes(session: Session, consultation: Consultation, themes: Iterable[str]) -> list[str]:
    strategy = session.get(Strategy, consultation.strategy_id)
    # A theme typed in another case is the one already in use, so the counts do not split.
    spelling = {t.casefold(): t for t in known_themes(session, strategy)} if strategy else {}
    cleaned: list[str] = []
    for raw in themes:
        theme = " ".join(raw.split())
        if not theme:
            continue
        if len(theme) > MAX_THEME:
            raise ServiceError(f"Each theme must be {MAX_THEME} characters or fewer", field="themes")
        theme = spelling.get(theme.casefold(), theme)
        if theme.casefold() not in {t.casefold() for t in cleaned}:
            cleaned.append(theme)
    if len(cleaned) > MAX_THEMES:
        raise ServiceError(f"Give at most {MAX_THEMES} themes", field="themes")
    return cleaned


def respond(*, session: Session, comment: Comment, response: str, changed_strategy: bool, themes: Iterable[str],
            actor: User, version: int | None = None) -> None:
    """Answer a comment ("you said, we did"), mark whether it changed the strategy, and tag its themes;
    refused if the comment (its response, or whether it is hidden) changed since `version` was read."""
    check_version(comment, version)
    if comment.hidden:
        raise ServiceError("Show the comment again before responding to it")
    response = response.strip()
    if not response:
        raise ServiceError("Enter the response to the comment", field="response")
    if len(response) > MAX_BODY:
        raise ServiceError(f"The response must be {MAX_BODY:,} characters or fewer", field="response")
    consultation = session.get(Consultation, comment.consultation_id)
    assert consultation is not None
    cleaned = _clean_themes(session, consultation, themes)
    before = {"response": comment.response, "changed_strategy": comment.changed_strategy,
              "themes": themes_of(comment)}
    after = {"response": response, "changed_strategy": bool(changed_strategy), "themes": cleaned}
    comment.response, comment.changed_strategy, comment.themes = response, bool(changed_strategy), _dumps(cleaned)
    comment.responded_by, comment.responded_at = actor.id, utcnow()
    session.add(comment)
    record(session, action="respond", entity="comment", entity_id=comment.id,
           organisation_id=comment.organisation_id, user_id=actor.id, changes=diff(before, after))
    commit_checked(session, comment)


@dataclass(frozen=True)
class CommentView:
    """A comment as pages show it: a hidden comment's text is there only for those allowed to read it."""

    id: int
    consultation_id: int
    section: str
    section_name: str
    audience: str
    audience_name: str
    body: str | None  # None: hidden, and this reader may not read it
    author_name: str
    author_role: str
    signed_in: bool
    created_at: datetime
    hidden: bool
    hidden_reason: str
    response: str
    changed_strategy: bool | None
    themes: tuple[str, ...]
    version: int = 1  # what its response form sends back (planner.services.editing)

    @property
    def answered(self) -> bool:
        return self.changed_strategy is not None


def _view(comment: Comment, include_hidden_text: bool) -> CommentView:
    return CommentView(
        id=comment.id, consultation_id=comment.consultation_id, section=comment.section,
        section_name=SECTIONS.get(comment.section, comment.section), audience=comment.audience,
        audience_name=AUDIENCES.get(comment.audience, comment.audience),
        body=comment.body if include_hidden_text or not comment.hidden else None,
        author_name=comment.author_name, author_role=comment.author_role, signed_in=comment.user_id is not None,
        created_at=comment.created_at, hidden=comment.hidden, hidden_reason=comment.hidden_reason,
        response=comment.response, changed_strategy=comment.changed_strategy, themes=tuple(themes_of(comment)),
        version=comment.version)


def _comments(session: Session, consultation_ids: Sequence[int | None]) -> list[Comment]:
    if not consultation_ids:
        return []
    return list(session.exec(select(Comment).where(col(Comment.consultation_id).in_(consultation_ids))
                             .order_by(col(Comment.created_at), col(Comment.id))))


def comments_of(session: Session, consultation: Consultation, *, include_hidden_text: bool) -> list[CommentView]:
    """The consultation's comments, oldest first; hidden ones without their text unless asked."""
    return [_view(c, include_hidden_text) for c in _comments(session, [consultation.id])]


# --- what was said and what changed -----------------------------------------------------------------

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
    out = []
    for key, name in names.items():
        mine = [v for v in views if belongs(v, key)]
        out.append(Tally(key, name, len(mine), sum(v.answered for v in mine),
                         sum(v.changed_strategy is True for v in mine)))
    return out


def summary(session: Session, strategy: Strategy) -> Summary:
    """Comments by section, audience and theme, answered and not, and the changes they led to."""
    consultations = consultations_of(session, strategy)
    every = [_view(c, False) for c in _comments(session, [c.id for c in consultations])]
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
    for comment in _comments(session, list(counts)):
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
    ordered = [_view(c, False) for c in _comments(session, [c.id for c in consultations])]
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


# --- the engagement log -----------------------------------------------------------------------------

def _check_event(held_on: date | None, audience: str, format: str, participants: int, summary: str) -> dict[str, Any]:
    if held_on is None:
        raise ServiceError("Enter the date the event was held", field="held_on")
    if audience not in AUDIENCES:
        raise ServiceError("Choose who took part", field="audience")
    if format not in FORMATS:
        raise ServiceError("Choose the kind of event", field="format")
    if participants < 0:
        raise ServiceError("The number of participants cannot be negative", field="participants")
    if participants > MAX_PARTICIPANTS:
        raise ServiceError(f"The number of participants must be {MAX_PARTICIPANTS:,} or fewer", field="participants")
    summary = summary.strip()
    if len(summary) > MAX_BODY:
        raise ServiceError(f"The summary must be {MAX_BODY:,} characters or fewer", field="summary")
    return {"held_on": held_on, "audience": audience, "format": format, "participants": participants,
            "summary": summary}


def add_event(*, session: Session, strategy: Strategy, held_on: date | None, audience: str, format: str,
              participants: int, summary: str, actor: User | None, commit: bool = True) -> EngagementEvent:
    """Log an engagement event: when, with whom, what kind, how many took part and what was heard."""
    values = _check_event(held_on, audience, format, participants, summary)
    event = EngagementEvent(organisation_id=strategy.organisation_id, strategy_id=strategy.id, **values)
    session.add(event)
    session.flush()
    record(session, action="create", entity="engagement_event", entity_id=event.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None, changes=values)
    finish(session, commit)
    return event


def update_event(*, session: Session, event: EngagementEvent, held_on: date | None, audience: str, format: str,
                 participants: int, summary: str, actor: User, version: int | None = None) -> None:
    """Change a logged engagement event (refused if it changed since `version` was read)."""
    check_version(event, version)
    values = _check_event(held_on, audience, format, participants, summary)
    before = {k: getattr(event, k) for k in values}
    for key, value in values.items():
        setattr(event, key, value)
    session.add(event)
    record(session, action="update", entity="engagement_event", entity_id=event.id,
           organisation_id=event.organisation_id, user_id=actor.id, changes=diff(before, values))
    commit_checked(session, event)


def delete_event(*, session: Session, event: EngagementEvent, actor: User) -> None:
    """Remove an engagement event from the log."""
    record(session, action="delete", entity="engagement_event", entity_id=event.id,
           organisation_id=event.organisation_id, user_id=actor.id,
           changes={"held_on": event.held_on, "format": event.format})
    session.delete(event)
    session.commit()


def events_of(session: Session, strategy: Strategy) -> list[EngagementEvent]:
    """The strategy's engagement events, the latest first."""
    return list(session.exec(select(EngagementEvent).where(EngagementEvent.strategy_id == strategy.id)
                             .order_by(col(EngagementEvent.held_on).desc(), col(EngagementEvent.id).desc())))
