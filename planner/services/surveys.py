"""The collective leadership self-assessment: surveys, anonymous answers through a link (with a personal
invitation code in invitation mode, see planner.services.survey_codes), imported responses, and results
(planner.survey.scoring works them out; the five-response rule lives there)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date

from sqlmodel import Session, col, select

from planner.imports.responses import ResponsesResult as ResponsesResult  # what read_upload gives the pages
from planner.imports.responses import read_responses
from planner.models import Strategy, Survey, SurveyAnswer, SurveyGroup, SurveyItem, SurveyResponse, User
from planner.services import ServiceError, derived, finish, survey_codes
from planner.services.audit import record
from planner.services.unreadable import refused_as_service_error
from planner.survey.items import Dimension, Item, RespondentGroup, default_instrument, load_default
from planner.survey.scoring import Response, Results, score

STATUSES = ("draft", "open", "closed")
MODES = ("invitation", "open")
_ID_SPACE = 2**31 - 1  # a response's and an answer's id are drawn at random below this (PostgreSQL's integer)


def groups() -> tuple[RespondentGroup, ...]:
    """The default respondent groups (a new survey starts with these)."""
    return default_instrument()[1]


def groups_of(session: Session, survey: Survey) -> list[RespondentGroup]:
    """The groups this survey's respondents choose from."""
    rows = list(session.exec(select(SurveyGroup).where(SurveyGroup.survey_id == survey.id)
                             .order_by(col(SurveyGroup.position), col(SurveyGroup.id))))
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
        session.add(SurveyGroup(organisation_id=survey.organisation_id, survey_id=survey.id, key=key,
                                name=name, position=position))
    record(session, action="update", entity="survey_groups", entity_id=survey.id,
           organisation_id=survey.organisation_id, user_id=actor.id, changes={"groups": cleaned})
    session.commit()


def surveys_of(session: Session, strategy: Strategy) -> list[Survey]:
    """The strategy's surveys, newest first."""
    return derived.records(session, strategy, "surveys", lambda: list(session.exec(
        select(Survey).where(Survey.strategy_id == strategy.id)
        .order_by(col(Survey.created_at).desc(), col(Survey.id).desc()))))


def create_survey(*, session: Session, strategy: Strategy, name: str, closes_on: date | None, actor: User | None,
                  mode: str = "open", commit: bool = True) -> Survey:
    """A new survey (a draft) with the self-assessment's items copied into it; `mode` is "invitation"
    (personal codes only) or "open" (anyone with the link)."""
    name = name.strip()
    if not name:
        raise ServiceError("Enter a name for the survey", field="name")
    if mode not in MODES:
        raise ServiceError("Choose who can answer: people with an invitation code, or anyone with the link",
                           field="mode")
    survey = Survey(organisation_id=strategy.organisation_id, strategy_id=strategy.id, name=name[:200],
                    token=secrets.token_urlsafe(24), closes_on=closes_on, mode=mode)
    session.add(survey)
    session.flush()
    position = 0
    for dimension in default_instrument()[0]:
        for item in dimension.items:
            session.add(SurveyItem(organisation_id=strategy.organisation_id, survey_id=survey.id,
                                   key=item.key, dimension=dimension.key, text=item.text, position=position))
            position += 1
    for position, group in enumerate(groups()):
        session.add(SurveyGroup(organisation_id=strategy.organisation_id, survey_id=survey.id,
                                key=group.key, name=group.name, position=position))
    record(session, action="create", entity="survey", entity_id=survey.id, organisation_id=strategy.organisation_id,
           user_id=actor.id if actor else None, changes={"name": name, "mode": mode})
    finish(session, commit)
    return survey


def set_status(*, session: Session, survey: Survey, status: str, actor: User, closes_on: date | None = None,
               today: date | None = None) -> None:
    """Open or close a survey (a closed survey takes no more answers; an invitation survey, once closed,
    stays closed)."""
    if status not in STATUSES:
        raise ServiceError(f"Unknown status {status}")
    if ((status == "open" and not reopenable(survey, today or date.today()))
            or (status == "draft" and survey.status != "draft" and survey.mode == "invitation")):
        raise ServiceError("An invitation survey cannot be reopened once it has closed, because comparing its "
                           "results before and after would show the answers given in between. Start a new "
                           "survey instead.")
    before = survey.status
    survey.status = status
    if closes_on is not None:
        survey.closes_on = closes_on
    session.add(survey)
    record(session, action="update", entity="survey", entity_id=survey.id, organisation_id=survey.organisation_id,
           user_id=actor.id, changes={"status": [before, status]})
    session.commit()


def reopenable(survey: Survey, today: date) -> bool:
    """Whether the survey may go back to taking answers. An invitation survey that has stopped taking
    answers may not (nor go back to a draft, which shows results too): its results are shown from then on,
    and answers let in afterwards could be worked out by comparing the results before and after."""
    if survey.mode != "invitation" or survey.status == "draft":
        return True
    return accepting(survey, today)


def items_of(session: Session, survey: Survey) -> list[SurveyItem]:
    """The survey's statements in order."""
    return list(derived.remember(session, strategy_id=survey.strategy_id, organisation_id=survey.organisation_id,
                                 kind="survey items", reads=("discover",), parts=(survey.id,), shared=False,
                                 compute=lambda: list(session.exec(select(SurveyItem).where(
                                     SurveyItem.survey_id == survey.id).order_by(col(SurveyItem.position))))))


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


def _random_ids(session: Session, model: type[SurveyResponse] | type[SurveyAnswer], how_many: int) -> list[int]:
    """Unused ids drawn at random. Ids counted up would keep the order responses came in, and with it a way
    to match a response to whoever was seen answering (or a code seen used) at that moment."""
    while True:
        wanted = {secrets.randbelow(_ID_SPACE) + 1 for _ in range(how_many)}
        taken = set(session.exec(select(model.id).where(col(model.id).in_(list(wanted)))))
        if len(wanted) == how_many and not taken:
            return list(wanted)


def _store(session: Session, survey: Survey, group: str, answers: Mapping[str, int | None], source: str) -> None:
    (response_id,) = _random_ids(session, SurveyResponse, 1)
    session.add(SurveyResponse(id=response_id, organisation_id=survey.organisation_id, survey_id=survey.id,
                               group_key=group, source=source))
    session.flush()
    for answer_id, (key, value) in zip(_random_ids(session, SurveyAnswer, len(answers)), answers.items(),
                                       strict=True):
        session.add(SurveyAnswer(id=answer_id, organisation_id=survey.organisation_id, response_id=response_id,
                                 item_key=key, value=value))


def submit(*, session: Session, survey: Survey, group: str, answers: Mapping[str, int | None], today: date,
           code: str | None = None, commit: bool = True) -> None:
    """Store one anonymous answer: the group and the answers, nothing about the person. An invitation
    survey needs an unused code, which is marked used in the same transaction; nothing ties the two."""
    if not accepting(survey, today):
        raise ServiceError("This survey is closed and takes no more answers.")
    if survey.mode == "invitation":
        survey_codes.check_code(session, survey, code or "")
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
    if survey.mode == "invitation":
        survey_codes.spend_code(session, survey, code or "")
        _store(session, survey, group, answers, "code")
    else:
        _store(session, survey, group, answers, "link")
    finish(session, commit)


def read_upload(session: Session, survey: Survey, data: bytes, filename: str, *,
                sheet: str | None = None) -> ResponsesResult:
    """Read a file of responses against the survey's statements and groups; a file that cannot be read at
    all is refused as a ServiceError."""
    with refused_as_service_error():
        return read_responses(data, filename, items=[i.key for i in items_of(session, survey)],
                              groups=group_lookup(session, survey), sheet=sheet)


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
    """Every response of the survey, as the scoring takes them. In an invitation survey only the answers
    given with a code (each a different code, used once) count towards the five-response thresholds."""
    # Plain rows, not ORM objects: a survey holds thousands of answers, and the objects cost far more
    # to build than the scoring does.
    rows = list(session.exec(select(SurveyResponse.id, SurveyResponse.group_key, SurveyResponse.source)
                             .where(SurveyResponse.survey_id == survey.id)))
    answers: dict[int, dict[str, int | None]] = {response_id: {} for response_id, _group, _source in rows}
    for response_id, key, value in session.exec(
            select(SurveyAnswer.response_id, SurveyAnswer.item_key, SurveyAnswer.value)
            .join(SurveyResponse, col(SurveyResponse.id) == col(SurveyAnswer.response_id))
            .where(SurveyResponse.survey_id == survey.id)):
        answers[response_id][key] = value
    invitation = survey.mode == "invitation"
    return [Response(group, answers[response_id], counted=not invitation or source == "code")
            for response_id, group, source in rows]


def results_wait_for_closing(survey: Survey, today: date | None = None) -> bool:
    """Whether the results are held back until the survey closes: an invitation survey's are, so that no
    one can compare them before and after a person answers."""
    return survey.mode == "invitation" and accepting(survey, today or date.today())


def results(session: Session, survey: Survey, today: date | None = None) -> Results:
    """The survey's results under the five-response rule (for an invitation survey, five different codes,
    and nothing at all until it has closed). Pages, the API, packs and charts all ask here."""
    day = today or date.today()
    return derived.remember(session, strategy_id=survey.strategy_id, organisation_id=survey.organisation_id,
                            kind="survey results", reads=("discover",), parts=(survey.id, day.isoformat()),
                            compute=lambda: _results(session, survey, day))


def _results(session: Session, survey: Survey, today: date) -> Results:
    keys = [g.key for g in groups_of(session, survey)]
    comparison = default_comparison() if default_comparison() in keys else (keys[0] if keys else "")
    responses = responses_of(session, survey)
    if results_wait_for_closing(survey, today):
        return Results(len(responses), False, [], [], [], [], comparison)
    return score(responses, dimensions_of(session, survey), comparison_group=comparison, group_order=keys)


def default_comparison() -> str:
    """The group the others are compared with (frontline staff), as the instrument says."""
    return load_default().comparison_group
