"""The Consult step through its pages: opening a consultation, comments through the link without
an account (what is stored, the dates, the choices, CSRF) and from signed-in members, hiding and who
reads what, responses and the summary, the engagement log, the task list, and other organisations."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel, func, select

from planner.dates import long_date
from planner.models import AuditEvent, Comment, Consultation, EngagementEvent, Organisation, Strategy, User
from planner.services import consultation as service
from tests import factories
from tests.conftest import login
from tests.editing import post_form

TODAY = date.today()


def text(response) -> str:  # type: ignore[no-untyped-def]
    """What a reader sees: the page's text without its markup."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def rows(response, table_id: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The body rows of a table, each cell's text."""
    page = response.get_data(as_text=True)
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody[^>]*>(.*?)</tbody>', page, re.S)
    assert table, f"no table {table_id}"
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)]


def everything_stored(db: Session) -> str:
    """Every row of every table, as text."""
    with db.get_bind().connect() as connection:
        return " ".join(str(row) for t in SQLModel.metadata.sorted_tables for row in connection.execute(t.select()))


def count(db: Session, model: Any, *where: Any) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()  # type: ignore[no-any-return]


def base(strategy: Strategy) -> str:
    return f"/strategies/{strategy.id}/consult"


def make(db: Session, strategy: Strategy, **values: Any) -> Consultation:
    """A consultation open today on scope and objectives, for staff and patients."""
    arguments: dict[str, Any] = {"title": "Draft strategy", "sections": ["scope", "objectives"],
                                 "audiences": ["staff", "patients"], "opens_on": TODAY - timedelta(days=3),
                                 "closes_on": TODAY + timedelta(days=25), "actor": None}
    arguments.update(values)
    return service.create_consultation(session=db, strategy=strategy, **arguments)


def add(db: Session, consultation: Consultation, **values: Any) -> Comment:
    arguments: dict[str, Any] = {"section": "scope", "audience": "staff", "body": "A comment", "today": TODAY}
    arguments.update(values)
    return service.add_comment(session=db, consultation=consultation, **arguments)


def page_of(client: FlaskClient, strategy: Strategy, consultation: Consultation):  # type: ignore[no-untyped-def]
    return client.get(f"{base(strategy)}/{consultation.id}")


def audit_actions(db: Session, entity: str) -> list[str]:
    db.expire_all()
    return list(db.exec(select(AuditEvent.action).where(AuditEvent.entity == entity).order_by(AuditEvent.id)))


@pytest.fixture
def editor(client: FlaskClient, signed_in) -> User:  # type: ignore[no-untyped-def]
    return signed_in("editor")  # type: ignore[no-any-return]


@pytest.fixture
def consultation(db: Session, strategy: Strategy) -> Consultation:
    return make(db, strategy)


# --- opening a consultation --------------------------------------------------------------------------

def test_an_editor_opens_a_consultation_and_sees_its_link(client: FlaskClient, db: Session, strategy: Strategy,
                                                          editor: User) -> None:
    blank = client.get(f"{base(strategy)}/new")
    assert blank.status_code == 200 and "Open a consultation" in text(blank)
    response = client.post(f"{base(strategy)}/new", data={
        "title": "Draft leadership strategy, spring", "sections": ["scope", "diversity"],
        "audiences": ["patients", "partners"], "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    saved = db.exec(select(Consultation)).one()
    assert response.headers["Location"].endswith(f"{base(strategy)}/{saved.id}")
    assert service.sections_of(saved) == ["scope", "diversity"] and saved.created_by == editor.id
    shown = client.get(response.headers["Location"])
    assert f"/c/{saved.token}" in text(shown)
    assert "Vision, mission and values Diversity of our leaders" in text(shown)
    assert "Asking Patients and public, Partner organisations" in text(shown)
    listed = rows(client.get(base(strategy)), "consultation-list")
    assert listed == [["Draft leadership strategy, spring", "Open",
                       f"{long_date(TODAY)} to {long_date(TODAY + timedelta(days=30))}", "0", "0"]]
    assert audit_actions(db, "consultation") == ["create"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title": ""}, "title", "Enter a title for the consultation"),
    ({"sections": []}, "sections", "Choose at least one section"),
    ({"audiences": []}, "audiences", "Choose at least one audience"),
    ({"opens_on": "1 March"}, "opens_on", "Enter the opening date as a date, like 2026-03-31"),
    ({"closes_on": "2027-02-30"}, "closes_on", "Enter the closing date as a date"),
    ({"closes_on": ""}, "closes_on", "Enter the date the consultation closes"),
    ({"opens_on": "2027-03-10", "closes_on": "2027-03-09"}, "closes_on", "The closing date must be the same as"),
])
def test_a_consultation_form_with_a_problem_says_which_field(client: FlaskClient, db: Session, strategy: Strategy,
                                                             editor: User, change: dict[str, Any], field: str,
                                                             message: str) -> None:
    data: dict[str, Any] = {"title": "Spring", "sections": ["scope"], "audiences": ["staff"],
                            "opens_on": "2027-03-01", "closes_on": "2027-03-31"}
    data.update(change)
    response = client.post(f"{base(strategy)}/new", data=data)
    assert response.status_code == 400
    assert message in text(response) and f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(db, Consultation) == 0


def test_changing_and_closing_a_consultation(client: FlaskClient, db: Session, strategy: Strategy,
                                             consultation: Consultation, editor: User) -> None:
    form = client.get(f"{base(strategy)}/{consultation.id}/edit")
    assert 'value="Draft strategy"' in form.get_data(as_text=True)
    response = post_form(client, f"{base(strategy)}/{consultation.id}/edit", data={
        "title": "Draft strategy, extended", "sections": ["scope"], "audiences": ["staff", "patients", "partners"],
        "opens_on": consultation.opens_on.isoformat(), "closes_on": (TODAY + timedelta(days=60)).isoformat()})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Consultation, consultation.id).title == "Draft strategy, extended"  # type: ignore[union-attr]
    assert client.post(f"{base(strategy)}/{consultation.id}/close").status_code == 302
    shown = page_of(client, strategy, consultation)
    assert "Closed early" in text(shown) and "This consultation is closed and takes no more comments" in text(shown)
    assert "Close it now" not in text(shown)
    assert "This consultation is closed" in text(client.application.test_client().get(f"/c/{consultation.token}"))
    assert audit_actions(db, "consultation") == ["create", "update", "close"]


# --- the comment link --------------------------------------------------------------------------------

def test_the_link_takes_a_comment_without_an_account_and_keeps_nothing_about_the_person(
        app: Flask, db: Session, strategy: Strategy, consultation: Consultation) -> None:
    strategy.vision, strategy.mission = "Leaders who listen", "We develop leaders at every level"
    db.add(strategy)
    db.commit()
    visitor = app.test_client()  # never signed in
    form = visitor.get(f"/c/{consultation.token}")
    assert form.status_code == 200
    shown = text(form)
    assert "Our vision Leaders who listen" in shown and "Our mission We develop leaders at every level" in shown
    assert 'name="section"' in form.get_data(as_text=True)
    assert re.findall(r'name="audience" type="radio" value="(\w+)"', form.get_data(as_text=True)) == [
        "staff", "patients"]
    sent = visitor.post(f"/c/{consultation.token}", data={
        "section": "objectives", "audience": "patients", "body": "Please measure what patients notice.",
        "author_name": "Alex Morgan", "author_role": "Patient representative"},
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
        headers={"User-Agent": "Probe-Agent/9.9", "X-Forwarded-For": "198.51.100.23"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/c/{consultation.token}/thanks")
    thanks = visitor.get(sent.headers["Location"])
    assert thanks.status_code == 200 and 'id="thank-you"' in thanks.get_data(as_text=True)
    stored = db.exec(select(Comment)).one()
    assert (stored.section, stored.audience, stored.body, stored.author_name, stored.author_role, stored.user_id) == (
        "objectives", "patients", "Please measure what patients notice.", "Alex Morgan", "Patient representative",
        None)
    dump = everything_stored(db)
    for trace in ("203.0.113.77", "198.51.100.23", "Probe-Agent"):
        assert trace not in dump
    assert not {"ip", "ip_address", "user_agent", "address"} & set(Comment.__table__.columns.keys())


def test_a_signed_in_member_using_the_link_stays_anonymous(client: FlaskClient, db: Session, strategy: Strategy,
                                                           consultation: Consultation, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("contributor")
    sent = client.post(f"/c/{consultation.token}", data={"section": "scope", "audience": "staff", "body": "Hi"})
    assert sent.status_code == 302
    assert db.exec(select(Comment.user_id, Comment.author_name)).one() == (None, "")


def test_the_name_and_role_are_optional(app: Flask, db: Session, consultation: Consultation) -> None:
    sent = app.test_client().post(f"/c/{consultation.token}", data={"section": "scope", "audience": "staff",
                                                                     "body": "Good values"})
    assert sent.status_code == 302
    assert db.exec(select(Comment.author_name, Comment.author_role)).one() == ("", "")


@pytest.mark.parametrize(("opens_in", "closes_in", "heading"), [
    (1, 20, "This consultation is not open yet"),
    (-20, -1, "This consultation is closed"),
])
def test_the_link_refuses_comments_before_opening_and_after_closing(app: Flask, db: Session, strategy: Strategy,
                                                                    opens_in: int, closes_in: int,
                                                                    heading: str) -> None:
    consultation = make(db, strategy, opens_on=TODAY + timedelta(days=opens_in),
                        closes_on=TODAY + timedelta(days=closes_in))
    visitor = app.test_client()
    shown = visitor.get(f"/c/{consultation.token}")
    assert shown.status_code == 200 and heading in text(shown) and 'name="body"' not in shown.get_data(as_text=True)
    refused = visitor.post(f"/c/{consultation.token}", data={"section": "scope", "audience": "staff",
                                                             "body": "Let me in"})
    assert refused.status_code == 400 and heading in text(refused)
    assert count(db, Comment) == 0


def test_the_link_takes_comments_on_its_first_and_last_days(app: Flask, db: Session, strategy: Strategy) -> None:
    for opens, closes in ((TODAY, TODAY + timedelta(days=5)), (TODAY - timedelta(days=5), TODAY)):
        consultation = make(db, strategy, opens_on=opens, closes_on=closes)
        sent = app.test_client().post(f"/c/{consultation.token}", data={"section": "scope", "audience": "staff",
                                                                        "body": "On time"})
        assert sent.status_code == 302
    assert count(db, Comment) == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"section": "diversity", "audience": "staff", "body": "x"}, "Choose a section this consultation asks about"),
    ({"audience": "staff", "body": "x"}, "Choose a section this consultation asks about"),
    ({"section": "scope", "audience": "partners", "body": "x"}, "Choose a group this consultation asks to hear"),
    ({"section": "scope", "audience": "staff", "body": "   "}, "Enter your comment"),
    ({"section": "scope", "audience": "staff", "body": "x" * 5001}, "5,000 characters or fewer"),
    ({"section": "scope", "audience": "staff", "body": "x", "author_name": "n" * 101},
     "Your name must be 100 characters or fewer"),
    ({"section": "scope", "audience": "staff", "body": "x", "author_role": "r" * 101},
     "Your role must be 100 characters or fewer"),
])
def test_a_comment_through_the_link_with_a_problem_is_refused_with_a_message(
        app: Flask, db: Session, consultation: Consultation, data: dict[str, str], message: str) -> None:
    refused = app.test_client().post(f"/c/{consultation.token}", data=data)
    assert refused.status_code == 400 and message in text(refused)
    assert "There is a problem" in text(refused)
    assert count(db, Comment) == 0


def test_a_refused_comment_keeps_what_was_typed(app: Flask, consultation: Consultation) -> None:
    refused = app.test_client().post(f"/c/{consultation.token}", data={
        "audience": "patients", "body": "My long and careful comment", "author_name": "Alex"})
    page = refused.get_data(as_text=True)
    assert "My long and careful comment</textarea>" in page and 'value="Alex"' in page
    assert 'id="audience-patients" name="audience" type="radio" value="patients" checked' in page


def test_an_unknown_link_is_not_found(client: FlaskClient, consultation: Consultation) -> None:
    assert client.get(f"/c/{consultation.token[:-2]}xx").status_code == 404
    assert client.post("/c/" + "a" * 80, data={"section": "scope", "audience": "staff", "body": "x"}).status_code == 404
    assert client.get(f"/c/{consultation.token[:-2]}xx/thanks").status_code == 404


def test_the_link_needs_the_csrf_token(csrf_app: Flask, db: Session, consultation: Consultation) -> None:
    visitor = csrf_app.test_client()
    data = {"section": "scope", "audience": "staff", "body": "With CSRF on"}
    assert visitor.post(f"/c/{consultation.token}", data=data).status_code == 400
    assert count(db, Comment) == 0
    page = visitor.get(f"/c/{consultation.token}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    assert visitor.post(f"/c/{consultation.token}", data={**data, "csrf_token": token.group(1)}).status_code == 302
    assert count(db, Comment) == 1


# --- members' comments -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["viewer", "contributor", "planner"])
def test_members_comment_when_signed_in(client: FlaskClient, db: Session, strategy: Strategy,
                                        consultation: Consultation, signed_in, role: str) -> None:  # type: ignore[no-untyped-def]
    member = signed_in(role)
    shown = page_of(client, strategy, consultation)
    assert "Add a comment" in text(shown) and "Respond" not in text(shown)
    sent = client.post(f"{base(strategy)}/{consultation.id}/comments", data={
        "section": "objectives", "audience": "staff", "body": "Ward objectives please", "author_role": "Sister"})
    assert sent.status_code == 302
    saved = db.exec(select(Comment)).one()
    assert (saved.user_id, saved.author_name, saved.author_role) == (member.id, member.display_name, "Sister")
    assert sent.headers["Location"].endswith(f"#comment-{saved.id}")
    assert "Ward objectives please" in text(page_of(client, strategy, consultation))
    refused = client.post(f"{base(strategy)}/{consultation.id}/comments", data={
        "section": "diversity", "audience": "staff", "body": "Not asked about"})
    assert refused.status_code == 400 and "Choose a section this consultation asks about" in text(refused)
    assert "Not asked about</textarea>" in refused.get_data(as_text=True)
    assert count(db, Comment) == 1


def test_no_comment_form_once_closed(client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("viewer")
    closed = make(db, strategy, opens_on=TODAY - timedelta(days=10), closes_on=TODAY - timedelta(days=1))
    assert "Add a comment" not in text(page_of(client, strategy, closed))
    refused = client.post(f"{base(strategy)}/{closed.id}/comments", data={"section": "scope", "audience": "staff",
                                                                          "body": "Late"})
    assert refused.status_code == 400 and "closed and takes no more comments" in text(refused)


# --- hiding ------------------------------------------------------------------------------------------

def test_hiding_needs_a_reason_and_only_administrators_read_the_hidden_text(
        app: Flask, db: Session, org: Organisation, strategy: Strategy, consultation: Consultation) -> None:
    abusive = add(db, consultation, body="Offensive remark about a colleague", author_name="Anon Troll")
    editor = factories.make_member(db, org, role="editor")
    client = app.test_client()
    login(client, editor.email)
    url = f"{base(strategy)}/{consultation.id}/comments/{abusive.id}/hide"
    refused = client.post(url, data={"reason": "  "})
    assert refused.status_code == 400 and "Enter the reason for hiding the comment" in text(refused)
    assert f'id="reason-{abusive.id}-error"' in refused.get_data(as_text=True)
    assert client.post(url, data={"reason": "Abuse of a named colleague"}).status_code == 302
    assert audit_actions(db, "comment") == ["create", "hide"]
    for role, reads_text in (("editor", False), ("viewer", False), ("contributor", False), ("admin", True)):
        reader = app.test_client()
        login(reader, factories.make_member(db, org, role=role).email)
        shown = text(page_of(reader, strategy, consultation))
        assert "Hidden by an editor: Abuse of a named colleague" in shown, role
        assert ("Offensive remark about a colleague" in shown) is reads_text, role
        assert ("Anon Troll" in shown) is reads_text, role
    summary = client.get(f"{base(strategy)}/summary")
    assert "Offensive remark" not in text(summary)
    assert client.post(f"{base(strategy)}/{consultation.id}/comments/{abusive.id}/unhide").status_code == 302
    assert "Offensive remark about a colleague" in text(page_of(client, strategy, consultation))
    assert audit_actions(db, "comment") == ["create", "hide", "unhide"]


def test_viewers_cannot_hide_or_respond(client: FlaskClient, db: Session, strategy: Strategy,
                                        consultation: Consultation, signed_in) -> None:  # type: ignore[no-untyped-def]
    said = add(db, consultation)
    signed_in("viewer")
    prefix = f"{base(strategy)}/{consultation.id}/comments/{said.id}"
    assert client.post(f"{prefix}/hide", data={"reason": "No"}).status_code == 403
    assert client.post(f"{prefix}/respond", data={"response": "No", "changed": "no"}).status_code == 403
    db.expire_all()
    assert not db.get(Comment, said.id).hidden  # type: ignore[union-attr]


# --- responses and the summary -----------------------------------------------------------------------

def test_responses_with_themes_show_on_the_page_and_in_the_summary(client: FlaskClient, db: Session,
                                                                   strategy: Strategy, consultation: Consultation,
                                                                   editor: User) -> None:
    kindness = add(db, consultation, body="Add kindness to the values", audience="patients", author_name="Sam")
    objectives = add(db, consultation, section="objectives", body="Fewer objectives please")
    add(db, consultation, section="objectives", body="Still waiting")
    prefix = f"{base(strategy)}/{consultation.id}/comments"
    # Each response form carries the version of its comment: 1, as nothing has changed them since they came in.
    refused = client.post(f"{prefix}/{kindness.id}/respond", data={"response": "", "changed": "yes", "version": "1"})
    assert refused.status_code == 400 and "Enter the response to the comment" in text(refused)
    assert f'id="response-{kindness.id}-error"' in refused.get_data(as_text=True)
    unmarked = client.post(f"{prefix}/{kindness.id}/respond", data={"response": "Done", "version": "1"})
    assert unmarked.status_code == 400 and "Choose whether the comment changed the strategy" in text(unmarked)
    assert client.post(f"{prefix}/{kindness.id}/respond", data={
        "response": "Kindness is now one of our values.", "changed": "yes", "themes": "Values, compassion",
        "version": "1"}
    ).status_code == 302
    assert client.post(f"{prefix}/{objectives.id}/respond", data={
        "response": "Each objective has an owner, so we kept them.", "changed": "no", "themes": "values, workload",
        "version": "1"}
    ).status_code == 302
    shown = text(page_of(client, strategy, consultation))
    assert ("Add kindness to the values Our response Kindness is now one of our values. Changed the strategy "
            "Themes: Values compassion") in shown
    assert "Did not change the strategy Themes: Values workload" in shown
    assert shown.count("Not yet answered") == 1

    summary = client.get(f"{base(strategy)}/summary")
    assert rows(summary, "by-section") == [["Vision, mission and values", "1", "1", "1"],
                                           ["Objectives from the board to every team", "2", "1", "0"]]
    assert rows(summary, "by-audience") == [["Staff", "2", "1", "0"], ["Patients and public", "1", "1", "1"]]
    assert rows(summary, "by-theme") == [["Values", "2", "2", "1"], ["compassion", "1", "1", "1"],
                                         ["workload", "1", "1", "0"]]
    said = text(summary)
    assert ("You said Add kindness to the values We did Kindness is now one of our values. "
            "Themes: Values, compassion") in said
    assert "Fewer objectives please" not in said  # it did not change the strategy
    assert "1 comment still needs a response" in said
    assert audit_actions(db, "comment") == ["create", "create", "create", "respond", "respond"]


# --- the engagement log ------------------------------------------------------------------------------

def test_engagement_events_are_logged_changed_and_deleted(client: FlaskClient, db: Session, strategy: Strategy,
                                                          editor: User) -> None:
    added = client.post(f"{base(strategy)}/events/new", data={
        "held_on": "2027-02-10", "audience": "patients", "format": "patient_panel", "participants": "14",
        "summary": "Wanted the strategy in plain English"})
    assert added.status_code == 302
    event = db.exec(select(EngagementEvent)).one()
    assert rows(client.get(base(strategy)), "event-list") == [
        ["10 February 2027", "Patients and public", "Patient panel", "14", "Wanted the strategy in plain English",
         "Change the event of 10 February 2027"]]
    changed = post_form(client, f"{base(strategy)}/events/{event.id}/edit", data={
        "held_on": "2027-02-11", "audience": "patients", "format": "focus_group", "participants": "1,200",
        "summary": "Wanted plain English"})
    assert changed.status_code == 302
    db.expire_all()
    assert (event.held_on, event.format, event.participants) == (date(2027, 2, 11), "focus_group", 1200)
    assert rows(client.get(f"{base(strategy)}/summary"), "engagement-by-audience") == [
        ["Patients and public", "1", "1,200"]]
    assert client.post(f"{base(strategy)}/events/{event.id}/delete").status_code == 302
    assert count(db, EngagementEvent) == 0
    assert audit_actions(db, "engagement_event") == ["create", "update", "delete"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"participants": "-4"}, "participants", "The number of participants cannot be negative"),
    ({"participants": "twelve"}, "participants", "The number of participants must be a whole number"),
    ({"participants": ""}, "participants", "Enter the number of people who took part"),
    ({"held_on": ""}, "held_on", "Enter the date the event was held"),
    ({"held_on": "10/02/2027"}, "held_on", "Enter the date of the event as a date"),
    ({"audience": ""}, "audience", "Choose who took part"),
    ({"format": "party"}, "format", "Choose the kind of event"),
])
def test_an_event_with_a_problem_says_which_field(client: FlaskClient, db: Session, strategy: Strategy,
                                                  editor: User, change: dict[str, str], field: str,
                                                  message: str) -> None:
    data = {"held_on": "2027-02-10", "audience": "staff", "format": "staff_briefing", "participants": "30",
            "summary": "Kept"}
    data.update(change)
    response = client.post(f"{base(strategy)}/events/new", data=data)
    assert response.status_code == 400
    assert message in text(response) and f'id="{field}-error"' in response.get_data(as_text=True)
    assert 'value="' + data["participants"] + '"' in response.get_data(as_text=True)
    assert count(db, EngagementEvent) == 0


# --- the task list and other organisations -----------------------------------------------------------

def task(client: FlaskClient, strategy: Strategy) -> tuple[str, str]:
    home = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    status = re.search(r'id="task-consult-status">(.*?)</div>', home, re.S)
    hint = re.search(r'id="task-consult-hint">(.*?)</div>', home, re.S)
    assert status and hint
    return " ".join(re.sub(r"<[^>]+>", " ", status.group(1)).split()), html.unescape(hint.group(1).strip())


def test_the_task_list_follows_the_consultation(client: FlaskClient, db: Session, org: Organisation,
                                                strategy: Strategy, editor: User) -> None:
    assert task(client, strategy)[0] == "Not started"
    consultation = make(db, strategy)
    said = add(db, consultation)
    assert task(client, strategy) == ("In progress", f"The consultation 'Draft strategy' is still open (it closes on "
                                                     f"{long_date(consultation.closes_on)}) (and 2 more things to do)")
    actor = factories.make_member(db, org, role="editor")
    service.close_consultation(session=db, consultation=consultation, actor=actor, today=TODAY)
    assert task(client, strategy) == ("In progress", "1 comment still to answer (and 1 more thing to do)")
    service.respond(session=db, comment=said, response="Thanks", changed_strategy=True, themes=[], actor=actor)
    # Every comment answered, but patients and the public not yet heard: the step is not complete, and says why.
    assert task(client, strategy) == ("In progress", "No consultation with patients and the public is recorded")
    db.add(EngagementEvent(organisation_id=org.id, strategy_id=strategy.id, held_on=TODAY, audience="patients",
                           format="Patient panel", participants=12))
    db.commit()
    assert task(client, strategy) == ("Completed", "1 comment answered; 1 changed the strategy")


def test_another_organisations_consultation_is_not_found(app: Flask, client: FlaskClient, db: Session,
                                                         strategy: Strategy, consultation: Consultation,
                                                         signed_in) -> None:  # type: ignore[no-untyped-def]
    theirs = factories.make_org(db, slug="theirs")
    their_strategy = factories.make_strategy(db, theirs)
    their_consultation = make(db, their_strategy)
    their_comment = add(db, their_consultation, body="Their words")
    their_event = service.add_event(session=db, strategy=their_strategy, held_on=TODAY, audience="staff",
                                    format="workshop", participants=3, summary="", actor=None)
    signed_in("admin")
    ours = base(strategy)
    for url in (f"{base(their_strategy)}/{their_consultation.id}", f"{ours}/{their_consultation.id}",
                f"{ours}/{their_consultation.id}/edit", f"{ours}/events/{their_event.id}/edit",
                f"{base(their_strategy)}/summary"):
        assert client.get(url).status_code == 404, url
    mine = add(db, consultation)
    for url in (f"{ours}/{consultation.id}/comments/{their_comment.id}/hide",
                f"{ours}/{consultation.id}/comments/{their_comment.id}/respond",
                f"{ours}/{their_consultation.id}/comments/{mine.id}/hide",
                f"{ours}/{their_consultation.id}/close", f"{ours}/events/{their_event.id}/delete"):
        assert client.post(url, data={"reason": "x", "response": "x", "changed": "no"}).status_code == 404, url
    db.expire_all()
    assert not db.get(Comment, their_comment.id).hidden  # type: ignore[union-attr]
    assert not db.get(Consultation, their_consultation.id).closed_early  # type: ignore[union-attr]
    assert db.get(EngagementEvent, their_event.id) is not None
