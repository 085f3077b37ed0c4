"""The Consult step's service: consultations and their dates, comments from members and through the
link, hiding, responses and themes, the summary, the engagement log, the two checks the completeness
check calls, and the board pack's content (no hidden comment, no name)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, func, select

from planner.models import AuditEvent, Comment, Consultation, EngagementEvent, Organisation, Strategy, User
from planner.services import ServiceError
from planner.services import consultation as service
from tests import factories

TODAY = date(2027, 3, 15)


@pytest.fixture
def editor(db: Session, org: Organisation) -> User:
    return factories.make_member(db, org, role="editor")


def consult(db: Session, strategy: Strategy, **values: Any) -> Consultation:
    """A consultation open from 1 to 31 March 2027 on scope and objectives, for staff and patients."""
    arguments: dict[str, Any] = {"title": "Draft strategy, spring 2027", "sections": ["scope", "objectives"],
                                 "audiences": ["staff", "patients"], "opens_on": date(2027, 3, 1),
                                 "closes_on": date(2027, 3, 31), "actor": None}
    arguments.update(values)
    return service.create_consultation(session=db, strategy=strategy, **arguments)


def comment(db: Session, consultation: Consultation, **values: Any) -> Comment:
    arguments: dict[str, Any] = {"section": "scope", "audience": "staff", "body": "More about compassion, please.",
                                 "today": TODAY}
    arguments.update(values)
    return service.add_comment(session=db, consultation=consultation, **arguments)


def audit(db: Session, entity: str) -> list[tuple[str, int | None, int | None, dict[str, Any]]]:
    db.expire_all()
    rows = db.exec(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)).all()
    return [(r.action, r.entity_id, r.user_id, json.loads(r.changes)) for r in rows]


def count(db: Session, model: Any) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()  # type: ignore[no-any-return]


# --- consultations -----------------------------------------------------------------------------------

def test_a_consultation_keeps_its_choices_in_order_with_an_unguessable_token(db: Session, strategy: Strategy,
                                                                             editor: User) -> None:
    first = consult(db, strategy, sections=["objectives", "scope", "scope"], audiences=["patients", "staff"],
                    title="  Draft   strategy ", actor=editor)
    second = consult(db, strategy)
    assert first.title == "Draft strategy"
    assert service.sections_of(first) == ["scope", "objectives"]
    assert service.audiences_of(first) == ["staff", "patients"]
    assert len(first.token) >= 43 and first.token != second.token
    assert service.consultation_by_token(db, first.token).id == first.id  # type: ignore[union-attr]
    for wrong in ("", first.token[:-1], first.token + "x", "a" * 100):
        assert service.consultation_by_token(db, wrong) is None
    assert audit(db, "consultation")[0][:3] == ("create", first.id, editor.id)


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"title": "  "}, "title", "Enter a title for the consultation"),
    ({"title": "x" * 201}, "title", "200 characters or fewer"),
    ({"sections": []}, "sections", "Choose at least one section"),
    ({"sections": ["scope", "baseline"]}, "sections", "Choose sections from the list"),
    ({"audiences": []}, "audiences", "Choose at least one audience"),
    ({"audiences": ["press"]}, "audiences", "Choose audiences from the list"),
    ({"opens_on": None}, "opens_on", "Enter the date the consultation opens"),
    ({"closes_on": None}, "closes_on", "Enter the date the consultation closes"),
    ({"closes_on": date(2027, 2, 28)}, "closes_on", "The closing date must be the same as or after"),
])
def test_a_consultation_needs_a_title_choices_and_dates_in_order(db: Session, strategy: Strategy,
                                                                 values: dict[str, Any], field: str,
                                                                 message: str) -> None:
    with pytest.raises(ServiceError) as refused:
        consult(db, strategy, **values)
    assert refused.value.field == field and message in refused.value.message
    db.rollback()
    assert count(db, Consultation) == 0


@pytest.mark.parametrize(("today", "closed_early", "state"), [
    (date(2027, 2, 28), False, "not_yet_open"),
    (date(2027, 3, 1), False, "open"),
    (date(2027, 3, 31), False, "open"),
    (date(2027, 4, 1), False, "closed"),
    (date(2027, 3, 15), True, "closed"),
    (date(2027, 2, 1), True, "closed"),
])
def test_a_consultation_is_open_from_its_opening_day_to_its_closing_day(db: Session, strategy: Strategy,
                                                                       today: date, closed_early: bool,
                                                                       state: str) -> None:
    consultation = consult(db, strategy)
    consultation.closed_early = closed_early
    assert service.status(consultation, today) == state
    assert service.accepting(consultation, today) is (state == "open")
    assert service.open_consultations(db, strategy, today) == ([consultation] if state == "open" else [])


def test_closing_early_stops_comments_and_is_audited(db: Session, strategy: Strategy, editor: User) -> None:
    consultation = consult(db, strategy)
    service.close_consultation(session=db, consultation=consultation, actor=editor, today=TODAY)
    assert consultation.closed_early and not service.accepting(consultation, TODAY)
    assert consultation.closes_on == date(2027, 3, 31)  # the planned date stays on record
    with pytest.raises(ServiceError, match="already closed"):
        service.close_consultation(session=db, consultation=consultation, actor=editor, today=TODAY)
    with pytest.raises(ServiceError, match="closed and takes no more comments"):
        comment(db, consultation)
    assert audit(db, "consultation")[-1] == ("close", consultation.id, editor.id,
                                             {"closed_early": [False, True], "on": "2027-03-15"})


def test_a_section_or_audience_with_comments_cannot_be_taken_off(db: Session, strategy: Strategy,
                                                                 editor: User) -> None:
    consultation = consult(db, strategy)
    comment(db, consultation, section="objectives", audience="patients")
    change = {"title": "Renamed", "opens_on": date(2027, 3, 1), "closes_on": date(2027, 4, 30)}
    with pytest.raises(ServiceError, match="already has comments cannot be removed: Objectives") as refused:
        service.update_consultation(session=db, consultation=consultation, sections=["scope"],
                                    audiences=["staff", "patients"], actor=editor, **change)
    assert refused.value.field == "sections"
    with pytest.raises(ServiceError, match="Patients and public"):
        service.update_consultation(session=db, consultation=consultation, sections=["objectives"],
                                    audiences=["staff"], actor=editor, **change)
    db.rollback()
    service.update_consultation(session=db, consultation=consultation, sections=["objectives", "diversity"],
                                audiences=["patients"], actor=editor, **change)
    db.expire_all()
    assert (consultation.title, consultation.closes_on) == ("Renamed", date(2027, 4, 30))
    assert service.sections_of(consultation) == ["diversity", "objectives"]
    assert audit(db, "consultation")[-1] == ("update", consultation.id, editor.id, {
        "audiences": [["staff", "patients"], ["patients"]], "closes_on": ["2027-03-31", "2027-04-30"],
        "sections": [["scope", "objectives"], ["diversity", "objectives"]], "title": ["Draft strategy, spring 2027",
                                                                                    "Renamed"]})


# --- comments ----------------------------------------------------------------------------------------

def test_a_comment_through_the_link_keeps_only_what_was_typed(db: Session, strategy: Strategy) -> None:
    consultation = consult(db, strategy)
    saved = comment(db, consultation, body="  Values need to say 'kindness'.  ", author_name=" Sam  Patel ",
                    author_role="Patient representative", audience="patients")
    db.expire_all()
    row = db.get(Comment, saved.id)
    assert row is not None
    assert (row.body, row.author_name, row.author_role, row.user_id) == (
        "Values need to say 'kindness'.", "Sam Patel", "Patient representative", None)
    assert (row.section, row.audience, row.hidden, row.changed_strategy) == ("scope", "patients", False, None)
    assert audit(db, "comment") == [("create", saved.id, None, {
        "audience": "patients", "consultation_id": consultation.id, "section": "scope", "through": "link"})]


def test_a_members_comment_carries_their_account_and_name(db: Session, org: Organisation, strategy: Strategy) -> None:
    member = factories.make_member(db, org, role="contributor")
    consultation = consult(db, strategy)
    saved = comment(db, consultation, user=member, author_role="Ward manager")
    assert (saved.user_id, saved.author_name, saved.author_role) == (member.id, member.display_name, "Ward manager")
    assert audit(db, "comment")[0][2] == member.id


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"today": date(2027, 2, 28)}, None, "This consultation opens on 1 March 2027"),
    ({"today": date(2027, 4, 1)}, None, "This consultation is closed and takes no more comments"),
    ({"section": "diversity"}, "section", "Choose a section this consultation asks about"),
    ({"section": ""}, "section", "Choose a section this consultation asks about"),
    ({"audience": "partners"}, "audience", "Choose a group this consultation asks to hear from"),
    ({"body": " \n "}, "body", "Enter your comment"),
    ({"body": "x" * 5001}, "body", "Your comment must be 5,000 characters or fewer"),
    ({"author_name": "n" * 101}, "author_name", "Your name must be 100 characters or fewer"),
    ({"author_role": "r" * 101}, "author_role", "Your role must be 100 characters or fewer"),
])
def test_a_comment_is_refused_with_a_message_naming_the_field(db: Session, strategy: Strategy,
                                                              values: dict[str, Any], field: str | None,
                                                              message: str) -> None:
    consultation = consult(db, strategy)
    with pytest.raises(ServiceError) as refused:
        comment(db, consultation, **values)
    assert refused.value.field == field and message in refused.value.message
    db.rollback()
    assert count(db, Comment) == 0


def test_the_longest_comment_name_and_role_are_taken(db: Session, strategy: Strategy) -> None:
    saved = comment(db, consult(db, strategy), body="x" * 5000, author_name="n" * 100, author_role="r" * 100)
    assert len(saved.body) == 5000


def test_hiding_needs_a_reason_and_keeps_the_text_for_administrators(db: Session, strategy: Strategy,
                                                                     editor: User) -> None:
    consultation = consult(db, strategy)
    saved = comment(db, consultation, body="Abusive words", author_name="Troll")
    with pytest.raises(ServiceError) as refused:
        service.hide_comment(session=db, comment=saved, reason="   ", actor=editor)
    assert (refused.value.field, refused.value.message) == ("reason", "Enter the reason for hiding the comment")
    service.hide_comment(session=db, comment=saved, reason="Personal abuse of a named colleague", actor=editor)
    db.expire_all()
    row = db.get(Comment, saved.id)
    assert row is not None and row.hidden and row.body == "Abusive words" and row.hidden_by == editor.id
    (seen,) = service.comments_of(db, consultation, include_hidden_text=False)
    assert (seen.hidden, seen.body, seen.hidden_reason) == (True, None, "Personal abuse of a named colleague")
    (admin_sees,) = service.comments_of(db, consultation, include_hidden_text=True)
    assert admin_sees.body == "Abusive words"
    with pytest.raises(ServiceError, match="Show the comment again before responding"):
        service.respond(session=db, comment=row, response="Thanks", changed_strategy=False, themes=[], actor=editor)
    service.unhide_comment(session=db, comment=row, actor=editor)
    assert service.comments_of(db, consultation, include_hidden_text=False)[0].body == "Abusive words"
    assert [a[0] for a in audit(db, "comment")] == ["create", "hide", "unhide"]


def test_a_response_marks_the_change_and_tags_themes_in_one_spelling(db: Session, strategy: Strategy,
                                                                     editor: User) -> None:
    consultation = consult(db, strategy)
    first, second = comment(db, consultation), comment(db, consultation, section="objectives")
    with pytest.raises(ServiceError) as refused:
        service.respond(session=db, comment=first, response=" ", changed_strategy=True, themes=[], actor=editor)
    assert refused.value.field == "response"
    service.respond(session=db, comment=first, response="We added compassion to the values.", changed_strategy=True,
                    themes=service.split_themes("Compassion, workload ; , Workload"), actor=editor)
    service.respond(session=db, comment=second, response="Objectives stay as they are.", changed_strategy=False,
                    themes=[" compassion", "EDI  training"], actor=editor)
    views = service.comments_of(db, consultation, include_hidden_text=False)
    assert [(v.themes, v.changed_strategy, v.answered) for v in views] == [
        (("Compassion", "workload"), True, True), (("Compassion", "EDI training"), False, True)]
    assert service.known_themes(db, strategy) == ["Compassion", "EDI training", "workload"]
    assert audit(db, "comment")[-1] == ("respond", second.id, editor.id, {
        "changed_strategy": [None, False], "response": ["", "Objectives stay as they are."],
        "themes": [[], ["Compassion", "EDI training"]]})


@pytest.mark.parametrize(("themes", "message"), [
    (["x" * 41], "Each theme must be 40 characters or fewer"),
    ([f"theme {n}" for n in range(11)], "Give at most 10 themes"),
])
def test_themes_are_short_and_few(db: Session, strategy: Strategy, editor: User, themes: list[str],
                                  message: str) -> None:
    saved = comment(db, consult(db, strategy))
    with pytest.raises(ServiceError, match=message) as refused:
        service.respond(session=db, comment=saved, response="Noted", changed_strategy=False, themes=themes,
                        actor=editor)
    assert refused.value.field == "themes"


# --- what was heard ----------------------------------------------------------------------------------

@pytest.fixture
def heard(db: Session, strategy: Strategy, editor: User) -> Consultation:
    """Four comments: two answered (one changed the strategy), one unanswered, one hidden; and an event."""
    consultation = consult(db, strategy, sections=["scope", "objectives", "diversity"])
    changed = comment(db, consultation, body="Say kindness", author_name="Sam", audience="patients")
    kept = comment(db, consultation, section="objectives", body="Too many objectives", author_name="Jo")
    comment(db, consultation, section="objectives", body="Not yet answered")
    hidden = comment(db, consultation, body="Abuse", author_name="Troll", author_role="Menace")
    service.respond(session=db, comment=changed, response="Kindness is now a value.", changed_strategy=True,
                    themes=["values"], actor=editor)
    service.respond(session=db, comment=kept, response="Each one has an owner.", changed_strategy=False,
                    themes=["values", "workload"], actor=editor)
    service.hide_comment(session=db, comment=hidden, reason="Abuse", actor=editor)
    service.add_event(session=db, strategy=strategy, held_on=date(2027, 2, 10), audience="staff",
                      format="staff_briefing", participants=40, summary="Support for the vision", actor=editor)
    return consultation


def test_the_summary_counts_visible_comments_by_section_audience_and_theme(db: Session, strategy: Strategy,
                                                                           heard: Consultation) -> None:
    result = service.summary(db, strategy)
    assert (result.comments, result.hidden, result.answered, result.unanswered, result.changed) == (3, 1, 2, 1, 1)
    assert [(t.key, t.comments, t.answered, t.changed) for t in result.by_section] == [
        ("scope", 1, 1, 1), ("diversity", 0, 0, 0), ("objectives", 2, 1, 0)]
    assert [(t.key, t.comments, t.answered, t.changed) for t in result.by_audience] == [
        ("staff", 2, 1, 0), ("patients", 1, 1, 1)]
    assert [(t.name, t.comments, t.changed) for t in result.by_theme] == [("values", 2, 1), ("workload", 1, 0)]
    assert [(v.body, v.response) for v in result.you_said_we_did] == [("Say kindness", "Kindness is now a value.")]
    assert service.comment_counts(db, strategy) == {heard.id: (3, 2, 1)}


def test_the_board_packs_content_has_no_hidden_comment_and_no_name(db: Session, strategy: Strategy,
                                                                   heard: Consultation) -> None:
    content = service.consultation_content(db, strategy)
    assert content == {
        "consultations": [{"title": "Draft strategy, spring 2027", "opens_on": "2027-03-01",
                           "closes_on": "2027-03-31",
                           "sections": ["Vision, mission and values", "Diversity of our leaders",
                                        "Objectives from the board to every team"],
                           "audiences": ["Staff", "Patients and public"], "comments": 3, "answered": 2}],
        "you_said_we_did": [
            {"section": "Vision, mission and values", "audience": "Patients and public", "comment": "Say kindness",
             "response": "Kindness is now a value.", "changed": True, "themes": ["values"]},
            {"section": "Objectives from the board to every team", "audience": "Staff",
             "comment": "Too many objectives", "response": "Each one has an owner.", "changed": False,
             "themes": ["values", "workload"]}],
        "engagement": [{"held_on": "2027-02-10", "audience": "Staff", "format": "Staff briefing",
                        "participants": 40, "summary": "Support for the vision"}],
        "by_section": {"Vision, mission and values": 1, "Diversity of our leaders": 0,
                       "Objectives from the board to every team": 2},
        "by_audience": {"Staff": 2, "Patients and public": 1},
        "by_theme": {"values": 2, "workload": 1},
    }
    dumped = json.dumps(content)
    for private in ("Abuse", "Troll", "Menace", "Sam", "Jo"):
        assert private not in dumped


def test_an_empty_strategy_has_empty_content(db: Session, strategy: Strategy) -> None:
    assert service.consultation_content(db, strategy) == {
        "consultations": [], "you_said_we_did": [], "engagement": [], "by_section": {}, "by_audience": {},
        "by_theme": {}}


# --- the completeness check's two questions ----------------------------------------------------------

@pytest.mark.parametrize(("audiences", "commented_as", "event_with", "recorded"), [
    (["staff", "patients"], None, None, False),  # asked, but no patient has commented
    (["staff", "patients"], "staff", None, False),
    (["staff", "patients"], "patients", None, True),
    (["staff"], "staff", None, False),
    (["staff"], "staff", "partners", False),
    (["staff"], "staff", "patients", True),  # a patient panel counts
    (None, None, "patients", True),
])
def test_the_patient_voice_is_recorded_by_a_patient_comment_or_a_patient_event(
        db: Session, strategy: Strategy, audiences: list[str] | None, commented_as: str | None,
        event_with: str | None, recorded: bool) -> None:
    assert service.patient_voice_recorded(db, strategy) is False
    if audiences is not None:
        consultation = consult(db, strategy, audiences=audiences)
        if commented_as:
            comment(db, consultation, audience=commented_as)
    if event_with:
        service.add_event(session=db, strategy=strategy, held_on=date(2027, 1, 5), audience=event_with,
                          format="patient_panel", participants=9, summary="", actor=None)
    assert service.patient_voice_recorded(db, strategy) is recorded


def test_another_strategys_patients_do_not_count(db: Session, org: Organisation, strategy: Strategy) -> None:
    other = factories.make_strategy(db, org, title="Another strategy")
    comment(db, consult(db, other), audience="patients")
    service.add_event(session=db, strategy=other, held_on=date(2027, 1, 5), audience="patients",
                      format="patient_panel", participants=9, summary="", actor=None)
    assert service.patient_voice_recorded(db, strategy) is False
    assert service.patient_voice_recorded(db, other) is True


def test_open_consultations_are_those_taking_comments_today(db: Session, strategy: Strategy, editor: User) -> None:
    now = consult(db, strategy, title="Now")
    later = consult(db, strategy, title="Later", opens_on=date(2027, 3, 20), closes_on=date(2027, 4, 20))
    consult(db, strategy, title="Over", opens_on=date(2027, 1, 1), closes_on=date(2027, 1, 31))
    assert [c.title for c in service.open_consultations(db, strategy, TODAY)] == ["Now"]
    assert [c.title for c in service.open_consultations(db, strategy, date(2027, 3, 25))] == ["Later", "Now"]
    service.close_consultation(session=db, consultation=now, actor=editor, today=TODAY)
    assert service.open_consultations(db, strategy, date(2027, 3, 25)) == [later]
    assert service.open_consultations(db, strategy, date(2027, 5, 1)) == []


# --- the engagement log ------------------------------------------------------------------------------

def test_events_are_added_changed_and_deleted_with_an_audit_trail(db: Session, strategy: Strategy,
                                                                  editor: User) -> None:
    event = service.add_event(session=db, strategy=strategy, held_on=date(2027, 2, 1), audience="patients",
                              format="patient_panel", participants=12, summary=" Wanted plain English ",
                              actor=editor)
    later = service.add_event(session=db, strategy=strategy, held_on=date(2027, 3, 1), audience="staff",
                              format="focus_group", participants=0, summary="", actor=editor)
    assert service.events_of(db, strategy) == [later, event]
    assert event.summary == "Wanted plain English"
    service.update_event(session=db, event=event, held_on=date(2027, 2, 2), audience="patients",
                         format="survey", participants=120, summary="Wanted plain English", actor=editor)
    service.delete_event(session=db, event=later, actor=editor)
    assert [(e.format, e.participants) for e in service.events_of(db, strategy)] == [("survey", 120)]
    trail = audit(db, "engagement_event")
    assert [(a, i, u) for a, i, u, _c in trail] == [("create", event.id, editor.id), ("create", later.id, editor.id),
                                                   ("update", event.id, editor.id), ("delete", later.id, editor.id)]
    assert trail[2][3] == {"format": ["patient_panel", "survey"], "held_on": ["2027-02-01", "2027-02-02"],
                           "participants": [12, 120]}


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"held_on": None}, "held_on", "Enter the date the event was held"),
    ({"audience": "press"}, "audience", "Choose who took part"),
    ({"format": "party"}, "format", "Choose the kind of event"),
    ({"participants": -1}, "participants", "The number of participants cannot be negative"),
    ({"participants": 1_000_001}, "participants", "must be 1,000,000 or fewer"),
    ({"summary": "s" * 5001}, "summary", "The summary must be 5,000 characters or fewer"),
])
def test_an_event_is_refused_with_a_message_naming_the_field(db: Session, strategy: Strategy,
                                                             values: dict[str, Any], field: str,
                                                             message: str) -> None:
    arguments: dict[str, Any] = {"held_on": date(2027, 2, 1), "audience": "staff", "format": "workshop",
                                 "participants": 5, "summary": "", "actor": None}
    arguments.update(values)
    with pytest.raises(ServiceError) as refused:
        service.add_event(session=db, strategy=strategy, **arguments)
    assert refused.value.field == field and message in refused.value.message
    db.rollback()
    assert count(db, EngagementEvent) == 0


def test_the_dates_of_the_log_can_be_any_day(db: Session, strategy: Strategy) -> None:
    held = TODAY + timedelta(days=400)  # a planned event may be logged ahead
    event = service.add_event(session=db, strategy=strategy, held_on=held, audience="partners", format="other",
                              participants=3, summary="", actor=None)
    assert event.held_on == held
