"""The collective leadership self-assessment: surveys, anonymous answers through a link, imported
responses, and results (planner.survey.scoring works them out; the five-response rule lives there)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date

from sqlmodel import Session, select

from planner.models import Strategy, Survey, SurveyAnswer, SurveyGroup, SurveyItem, SurveyResponse, User
from planner.services import ServiceError, finish
from planner.services.audit import record
from planner.survey.items import Dimension, Item, RespondentGroup, default_instrument
from planner.survey.scoring import Response, Results, score

STATUSES = ("draft", "open", "closed")


def groups() -> tuple[RespondentGroup, ...]:
    """The default respondent groups (a new survey starts with these)."""
    return default_instrument()[1]


def groups_of(session: Session, survey: Survey) -> list[RespondentGroup]:
    """The groups this survey's respondents choose from."""
    rows = list(session.exec(select(SurveyGroup).where(SurveyGroup.survey_id == survey.id)
                             .order_by(SurveyGroup.position, SurveyGroup.id)))
    return [RespondentGroup(r.key, r.name) for r in rows] if rows else list(groups())


def group_lookup(session: Session, survey: Survey) -> dict[str, str]:
    """A group's key or name -> its key (for imported files)."""
    lookup: dict[str, str] = {}
    for g in groups_of(session, survey):
        lookup[g.key] = g.key
        lookup[g.name] = g.key
    return lookup


def set_groups(*, session: Session, survey: Survey, names: list[str], actor: User) -> None:
    """Set the survey's respondent groups from their names, one each (keys kept for the defaults).
    A group that already has responses cannot be removed."""
    import re

    cleaned = [n.strip()[:100] for n in names if n.strip()]
    if len(cleaned) < 2:
        raise ServiceError("A survey needs at least two respondent groups", field="groups")
    if len({n.lower() for n in cleaned}) != len(cleaned):
        raise ServiceError("Each group needs a different name", field="groups")
    defaults = {g.name.lower(): g.key for g in groups()}
    existing = groups_of(session, survey)
    current = {g.name.lower(): g.key for g in existing}
    wanted = {n.lower() for n in cleaned}
    keys: list[str] = []
    for index, name in enumerate(cleaned):
        # A name changed on the same line is a rename: the group keeps its key (and its responses).
        renamed = (existing[index].key if index < len(existing) and existing[index].name.lower() not in wanted
                   else None)
        key = current.get(name.lower()) or defaults.get(name.lower()) or renamed or (
            re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "group")
        while key in keys:
            key = f"{key[:36]}_{len(keys)}"
        keys.append(key)
    used = {r.group_key for r in session.exec(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id))}
    lost = used - set(keys)
    if lost:
        raise ServiceError("A group that already has responses cannot be removed: "
                           + ", ".join(sorted(lost)), field="groups")
    for row in session.exec(select(SurveyGroup).where(SurveyGroup.survey_id == survey.id)):
        session.delete(row)
    session.flush()
    for position, (key, name) in enumerate(zip(keys, cleaned, strict=True)):
        session.add(SurveyGroup(organisation_id=survey.organisation_id, survey_id=survey.id, key=key,  # type: ignore[arg-type]
                                name=name, position=position))
    record(session, action="update", entity="survey_groups", entity_id=survey.id,
           organisation_id=survey.organisation_id, user_id=actor.id, changes={"groups": cleaned})
    session.commit()


def surveys_of(session: Session, strategy: Strategy) -> list[Survey]:
    """The strategy's surveys, newest first."""
    return list(session.exec(select(Survey).where(Survey.strategy_id == strategy.id)
                             .order_by(Survey.created_at.desc(), Survey.id.desc())))  # type: ignore[attr-defined]


def create_survey(*, session: Session, strategy: Strategy, name: str, closes_on: date | None, actor: User | None,
                  commit: bool = True) -> Survey:
    """A new survey (a draft) with the self-assessment's items copied into it."""
    name = name.strip()
    if not name:
        raise ServiceError("Enter a name for the survey", field="name")
    survey = Survey(organisation_id=strategy.organisation_id, strategy_id=strategy.id, name=name[:200],  # type: ignore[arg-type]
                    token=secrets.token_urlsafe(24), closes_on=closes_on)
    session.add(survey)
    session.flush()
    position = 0
    for dimension in default_instrument()[0]:
        for item in dimension.items:
            session.add(SurveyItem(organisation_id=strategy.organisation_id, survey_id=survey.id,  # type: ignore[arg-type]
                                   key=item.key, dimension=dimension.key, text=item.text, position=position))
            position += 1
    for position, group in enumerate(groups()):
        session.add(SurveyGroup(organisation_id=strategy.organisation_id, survey_id=survey.id,  # type: ignore[arg-type]
                                key=group.key, name=group.name, position=position))
    record(session, action="create", entity="survey", entity_id=survey.id, organisation_id=strategy.organisation_id,
           user_id=actor.id if actor else None, changes={"name": name})
    finish(session, commit)
    return survey


def set_status(*, session: Session, survey: Survey, status: str, actor: User, closes_on: date | None = None) -> None:
    """Open or close a survey (a closed survey takes no more answers)."""
    if status not in STATUSES:
        raise ServiceError(f"Unknown status {status}")
    before = survey.status
    survey.status = status
    if closes_on is not None:
        survey.closes_on = closes_on
    session.add(survey)
    record(session, action="update", entity="survey", entity_id=survey.id, organisation_id=survey.organisation_id,
           user_id=actor.id, changes={"status": [before, status]})
    session.commit()


def items_of(session: Session, survey: Survey) -> list[SurveyItem]:
    """The survey's statements in order."""
    return list(session.exec(select(SurveyItem).where(SurveyItem.survey_id == survey.id)
                             .order_by(SurveyItem.position)))


def dimensions_of(session: Session, survey: Survey) -> list[Dimension]:
    """The survey's statements grouped under the seven dimensions."""
    names = {d.key: d for d in default_instrument()[0]}
    grouped: dict[str, list[Item]] = {}
    for item in items_of(session, survey):
        grouped.setdefault(item.dimension, []).append(Item(item.key, item.dimension, item.text))
    return [Dimension(key, names[key].name if key in names else key, names[key].description if key in names else "",
                      tuple(items)) for key, items in grouped.items()]


def survey_by_token(session: Session, token: str) -> Survey | None:
    """The survey a link's token opens (the token is the only credential)."""
    if not token or len(token) > 64:
        return None
    return session.exec(select(Survey).where(Survey.token == token)).first()


def accepting(survey: Survey, today: date) -> bool:
    """Whether the survey takes answers today: open, and not past its closing date."""
    return survey.status == "open" and (survey.closes_on is None or today <= survey.closes_on)


def _store(session: Session, survey: Survey, group: str, answers: Mapping[str, int | None], source: str) -> None:
    response = SurveyResponse(organisation_id=survey.organisation_id, survey_id=survey.id, group_key=group,  # type: ignore[arg-type]
                              source=source)
    session.add(response)
    session.flush()
    for key, value in answers.items():
        session.add(SurveyAnswer(organisation_id=survey.organisation_id, response_id=response.id,  # type: ignore[arg-type]
                                 item_key=key, value=value))


def submit(*, session: Session, survey: Survey, group: str, answers: Mapping[str, int | None], today: date) -> None:
    """Store one anonymous answer: the group and the answers, nothing about the person."""
    if not accepting(survey, today):
        raise ServiceError("This survey is closed and takes no more answers.")
    if group not in {g.key for g in groups_of(session, survey)}:
        raise ServiceError("Choose the group you belong to", field="group")
    keys = {item.key for item in items_of(session, survey)}
    if set(answers) - keys:
        raise ServiceError("The answers name statements that are not in this survey")
    for key, value in answers.items():
        if value is not None and value not in (1, 2, 3, 4, 5):
            raise ServiceError("Answers go from 1 (strongly disagree) to 5 (strongly agree)", field=key)
    if not any(v is not None for v in answers.values()):
        raise ServiceError("Answer at least one statement (or choose 'Don't know' where you cannot say)")
    _store(session, survey, group, answers, "link")
    session.commit()


def import_responses(*, session: Session, survey: Survey, responses: Sequence[Response], actor: User | None,
                     commit: bool = True) -> None:
    """Add responses collected elsewhere (all of them, or none if the file had problems)."""
    for response in responses:
        _store(session, survey, response.group, response.answers, "import")
    record(session, action="import", entity="survey_responses", entity_id=survey.id,
           organisation_id=survey.organisation_id, user_id=actor.id if actor else None,
           changes={"responses": len(responses)})
    finish(session, commit)


def responses_of(session: Session, survey: Survey) -> list[Response]:
    """Every response of the survey, as the scoring takes them."""
    rows = list(session.exec(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)))
    answers: dict[int, dict[str, int | None]] = {r.id: {} for r in rows}  # type: ignore[misc]
    for a in session.exec(select(SurveyAnswer).where(SurveyAnswer.response_id.in_(list(answers)))):  # type: ignore[attr-defined]
        answers[a.response_id][a.item_key] = a.value
    return [Response(r.group_key, answers[r.id]) for r in rows]  # type: ignore[index]


def results(session: Session, survey: Survey) -> Results:
    """The survey's results under the five-response rule."""
    keys = [g.key for g in groups_of(session, survey)]
    comparison = default_comparison() if default_comparison() in keys else (keys[0] if keys else "")
    return score(responses_of(session, survey), dimensions_of(session, survey), comparison_group=comparison,
                 group_order=keys)


def default_comparison() -> str:
    """The group the others are compared with (frontline staff), as the instrument says."""
    from planner.survey.items import load_default

    return load_default().comparison_group
