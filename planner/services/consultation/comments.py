"""Comments: from members and through the anonymous link, hiding and showing them, editors' responses
("you said, we did") with theme tags, and comments as pages show them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from planner.dates import long_date
from planner.models import Comment, Consultation, Strategy, User, utcnow
from planner.services import ServiceError, finish
from planner.services.audit import record
from planner.services.consultation.consultations import consultations_of
from planner.services.consultation.rules import (
    AUDIENCES,
    MAX_BODY,
    MAX_NAME,
    MAX_REASON,
    MAX_THEME,
    MAX_THEMES,
    SECTIONS,
    audiences_of,
    dump_list,
    parse_list,
    sections_of,
    status,
    themes_of,
)
from planner.services.editing import check_version
from planner.services.recorded import change_recorded


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
            for theme in parse_list(raw):
                seen.setdefault(theme.casefold(), theme)
    return sorted(seen.values(), key=str.casefold)


def split_themes(raw: str) -> list[str]:
    """Theme tags typed on one line, separated by commas or semicolons."""
    return [t for t in re.split(r"[,;\n]", raw) if t.strip()]


def _clean_themes(session: Session, consultation: Consultation, themes: Iterable[str]) -> list[str]:
    """The theme tags tidied, spelt as already in use, without repeats; too long or too many is refused."""
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
    comment.response, comment.changed_strategy, comment.themes = response, bool(changed_strategy), dump_list(cleaned)
    comment.responded_by, comment.responded_at = actor.id, utcnow()
    change_recorded(session, comment, entity="comment", actor=actor, before=before, after=after, action="respond")


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


def comment_view(comment: Comment, include_hidden_text: bool) -> CommentView:
    return CommentView(
        id=comment.id, consultation_id=comment.consultation_id, section=comment.section,
        section_name=SECTIONS.get(comment.section, comment.section), audience=comment.audience,
        audience_name=AUDIENCES.get(comment.audience, comment.audience),
        body=comment.body if include_hidden_text or not comment.hidden else None,
        author_name=comment.author_name, author_role=comment.author_role, signed_in=comment.user_id is not None,
        created_at=comment.created_at, hidden=comment.hidden, hidden_reason=comment.hidden_reason,
        response=comment.response, changed_strategy=comment.changed_strategy, themes=tuple(themes_of(comment)),
        version=comment.version)


def comments_in(session: Session, consultation_ids: Sequence[int | None]) -> list[Comment]:
    if not consultation_ids:
        return []
    return list(session.exec(select(Comment).where(col(Comment.consultation_id).in_(consultation_ids))
                             .order_by(col(Comment.created_at), col(Comment.id))))


def comments_of(session: Session, consultation: Consultation, *, include_hidden_text: bool) -> list[CommentView]:
    """The consultation's comments, oldest first; hidden ones without their text unless asked."""
    return [comment_view(c, include_hidden_text) for c in comments_in(session, [consultation.id])]
