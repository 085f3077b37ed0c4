"""Consultations: opening one on chosen sections for chosen audiences between two dates, changing it,
closing it early, and finding them (a comment link's token opens one)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from planner.models import Comment, Consultation, Organisation, Strategy, User
from planner.services import ServiceError, derived
from planner.services.audit import record
from planner.services.consultation.rules import (
    AUDIENCES,
    MAX_TITLE,
    SECTIONS,
    accepting,
    audiences_of,
    dump_list,
    sections_of,
    status,
)
from planner.services.editing import check_version
from planner.services.recorded import add_recorded, change_recorded


def _chosen(values: Iterable[str], allowed: dict[str, str], field: str, what: str) -> list[str]:
    """The keys chosen from `allowed`, in its order; none, or one not offered, is refused."""
    picked = {v.strip() for v in values if v.strip()}
    if picked - set(allowed):
        raise ServiceError(f"Choose {what}s from the list", field=field)
    if not picked:
        raise ServiceError(f"Choose at least one {what}", field=field)
    return [key for key in allowed if key in picked]


def _check_consultation(title: str, sections: Iterable[str], audiences: Iterable[str], opens_on: date | None,
                        closes_on: date | None) -> dict[str, Any]:
    """A consultation's values, checked and tidied."""
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
                                title=values["title"], sections=dump_list(values["sections"]),
                                audiences=dump_list(values["audiences"]), opens_on=values["opens_on"],
                                closes_on=values["closes_on"], token=secrets.token_urlsafe(32),
                                created_by=actor.id if actor else None)
    add_recorded(session, consultation, entity="consultation", actor=actor, changes=values, commit=commit)
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
    consultation.sections = dump_list(values["sections"])
    consultation.audiences = dump_list(values["audiences"])
    consultation.opens_on, consultation.closes_on = values["opens_on"], values["closes_on"]
    change_recorded(session, consultation, entity="consultation", actor=actor, before=before, after=values)


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


def owners_of(session: Session, consultation: Consultation) -> tuple[Strategy | None, Organisation | None]:
    """The strategy a consultation is on and the organisation running it (for its public page)."""
    return (session.get(Strategy, consultation.strategy_id),
            session.get(Organisation, consultation.organisation_id))
