"""The audit trail through the pages and the API: administrators browse, filter and download it (as
CSV, formulas neutralised); everyone else is refused, and refusals (a missing permission, another
organisation's record) are themselves recorded in the refused person's organisation."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, delete, select

from planner.db import engine_for
from planner.models import AuditEvent, Organisation, Strategy, User
from planner.services.accounts import create_token
from tests import factories
from tests.conftest import login

T0 = datetime(2026, 11, 23, 9, 14, tzinfo=UTC)
NON_ADMINS = ["editor", "planner", "contributor", "viewer"]


def add_event(db: Session, organisation: Organisation, at: datetime, action: str = "update",
              entity: str = "area", user: User | None = None, entity_id: int | None = 1,
              changes: dict[str, Any] | None = None) -> AuditEvent:
    event = AuditEvent(organisation_id=organisation.id, user_id=user.id if user else None, at=at, action=action,
                       entity=entity, entity_id=entity_id, changes=json.dumps(changes or {}))
    db.add(event)
    db.commit()
    return event


def stored_events(database_url: str, organisation: Organisation, action: str | None = None) -> list[AuditEvent]:
    """The organisation's events as committed (a fresh session)."""
    with Session(engine_for(database_url)) as session:
        query = select(AuditEvent).where(AuditEvent.organisation_id == organisation.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(session.exec(query.order_by(AuditEvent.id)))  # type: ignore[arg-type]


def table_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The audit table's body rows, as lists of cell texts."""
    page = response.get_data(as_text=True)
    table = re.search(r'<table class="[^"]*" id="audit-table">(.*?)</table>', page, re.S)
    if table is None:
        return []
    body = table.group(1).split("<tbody", 1)[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


@pytest.fixture
def admin(db: Session, org: Organisation, client: FlaskClient) -> User:
    """A signed-in administrator of `org`."""
    user = factories.make_member(db, org, role="admin", email="admin@example.nhs.uk")
    login(client, user.email)
    return user


@pytest.fixture
def trail(db: Session, org: Organisation, admin: User) -> dict[str, Any]:
    """Five events of `org`, a day apart from T0, and nothing else (the arranging's own are cleared)."""
    editor = factories.make_member(db, org, role="editor", email="editor@example.nhs.uk")
    tokens = {who: _bearer(db, user, org) for who, user in (("admin", admin), ("editor", editor))}
    db.exec(delete(AuditEvent))
    db.commit()
    events = [
        add_event(db, org, T0, "create", "area", admin, 11, {"code": "MED", "name": "Medicine", "parent_id": None}),
        add_event(db, org, T0 + timedelta(days=1), "update", "area", editor, 11,
                  {"name": ["Medicine", "Medicine and Urgent Care"]}),
        add_event(db, org, T0 + timedelta(days=2), "create", "scenario", editor, 5, {"name": "Faster growth"}),
        add_event(db, org, T0 + timedelta(days=3), "create", "comment", None, 8,
                  {"consultation_id": 2, "section": "vision", "through": "link"}),
        add_event(db, org, T0 + timedelta(days=4), "import", "baseline", None, 3,
                  {"file": "staff.csv", "rows_read": 6, "rows_skipped": 0, "areas": 2}),
    ]
    return {"admin": admin, "editor": editor, "events": events, "tokens": tokens}


# --- the page ------------------------------------------------------------------------------------------------


def test_administrators_see_the_trail_newest_first_and_readable(client: FlaskClient, trail: dict[str, Any]) -> None:
    response = client.get("/admin/audit")
    assert response.status_code == 200
    assert table_rows(response) == [
        ["27 Nov 2026 09:14 UTC", "System", "Import", "Baseline 3",
         "File: staff.csv Rows read: 6 Rows skipped: 0 Areas: 2"],
        ["26 Nov 2026 09:14 UTC", "Someone without an account", "Create", "Comment 8",
         "Consultation id: 2 Section: vision Through: link"],
        ["25 Nov 2026 09:14 UTC", "editor@example.nhs.uk", "Create", "Scenario 5", "Name: Faster growth"],
        ["24 Nov 2026 09:14 UTC", "editor@example.nhs.uk", "Update", "Area 11",
         "Name: Medicine → changed to Medicine and Urgent Care"],
        ["23 Nov 2026 09:14 UTC", "admin@example.nhs.uk", "Create", "Area 11",
         "Code: MED Name: Medicine Parent id: –"],
    ]
    assert "5 events." in html.unescape(response.get_data(as_text=True))


def test_the_people_page_links_to_the_trail(client: FlaskClient, admin: User) -> None:
    assert 'href="/admin/audit"' in client.get("/admin/members").get_data(as_text=True)


@pytest.mark.parametrize(("query", "expected"), [
    ({"action": "create"}, [3, 2, 0]),
    ({"entity": "area"}, [1, 0]),
    ({"action": "create", "entity": "area"}, [0]),
    ({"person": "editor"}, [2, 1]),
    ({"person": "admin"}, [0]),
    ({"from": "2026-11-25"}, [4, 3, 2]),  # from the start of the day
    ({"to": "2026-11-24"}, [1, 0]),  # to the end of the day
    ({"from": "2026-11-24", "to": "2026-11-24"}, [1]),
    ({"from": "2026-11-24", "to": "2026-11-26", "entity": "scenario"}, [2]),
    ({"action": "delete"}, []),
])
def test_filters(client: FlaskClient, trail: dict[str, Any], query: dict[str, str], expected: list[int]) -> None:
    if "person" in query:
        query = {**query, "person": str(trail[query["person"]].id)}
    response = client.get("/admin/audit", query_string=query)
    assert response.status_code == 200
    events = trail["events"]
    wanted = [f"{events[i].entity.capitalize()} {events[i].entity_id}" for i in expected]
    assert [row[3] for row in table_rows(response)] == wanted
    page = html.unescape(response.get_data(as_text=True))
    assert ("No events match the filters." in page) == (not expected)
    # The download link carries the same filters.
    link = re.search(r'href="(/admin/audit\.csv[^"]*)"', page)
    if expected:
        assert link and all(f"{k}={v}" in html.unescape(link.group(1)) for k, v in query.items())


@pytest.mark.parametrize(("query", "message"), [
    ({"from": "23/11/2026"}, "Enter the from date as a date, like 2026-11-23"),
    ({"to": "yesterday"}, "Enter the to date as a date, like 2026-11-23"),
    ({"from": "2026-11-25", "to": "2026-11-24"}, "The to date must be the same as or after the from date"),
    ({"person": "someone"}, "Choose a person from the list"),
])
def test_a_bad_filter_is_explained(client: FlaskClient, trail: dict[str, Any], query: dict[str, str],
                                   message: str) -> None:
    response = client.get("/admin/audit", query_string=query)
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert client.get("/admin/audit.csv", query_string=query).status_code == 400


def test_the_trail_comes_a_hundred_events_a_page(client: FlaskClient, db: Session, org: Organisation,
                                                 trail: dict[str, Any]) -> None:
    for n in range(145):
        db.add(AuditEvent(organisation_id=org.id, at=T0 + timedelta(days=10, minutes=n), action="update",
                          entity="level", entity_id=n, changes="{}"))
    db.commit()
    first = client.get("/admin/audit", query_string={"entity": "level"})
    rows = table_rows(first)
    assert len(rows) == 100 and rows[0][3] == "Level 144" and rows[-1][3] == "Level 45"
    page = html.unescape(first.get_data(as_text=True))
    assert "145 events match the filters; showing 1 to 100." in page
    assert "Page 2 of 2" in page and "Previous" not in page
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', page)
    assert next_link and "entity=level" in html.unescape(next_link.group(1))
    second = client.get(html.unescape(next_link.group(1)))
    assert [row[3] for row in table_rows(second)] == [f"Level {n}" for n in range(44, -1, -1)]
    assert "Page 1 of 2" in html.unescape(second.get_data(as_text=True))
    # A page beyond the last shows the last.
    assert len(table_rows(client.get("/admin/audit?entity=level&page=9"))) == 45


def test_a_long_value_is_cut_short_with_the_whole_of_it_a_click_away(client: FlaskClient, db: Session,
                                                                     org: Organisation, admin: User) -> None:
    vision = "We grow compassionate and inclusive leaders " * 10  # 440 characters
    add_event(db, org, T0, "update", "strategy", admin, 1, {"vision": ["", vision]})
    response = client.get("/admin/audit", query_string={"entity": "strategy"})
    page = html.unescape(response.get_data(as_text=True))
    assert f"{vision[:200]}…" in page
    details = re.search(r'<div class="nhsuk-details__text">(.*?)</div>', page, re.S)
    assert details and details.group(1) == vision
    assert "Show all 440 characters" in page


# --- who may see it, and refusals recorded -------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_ADMINS)
@pytest.mark.parametrize("path", ["/admin/audit", "/admin/audit.csv"])
def test_only_administrators_may_see_it_and_a_refusal_is_recorded(
        client: FlaskClient, org: Organisation, database_url: str, signed_in: Callable[[str], User], role: str,
        path: str) -> None:
    user = signed_in(role)
    response = client.get(path)
    assert response.status_code == 403
    refused = stored_events(database_url, org, "refused")
    assert [(e.user_id, e.entity, e.entity_id) for e in refused] == [(user.id, "page", None)]
    assert json.loads(refused[0].changes) == {"path": path, "method": "GET",
                                              "reason": "missing permission audit.view"}


def test_a_refusal_shows_on_the_page_with_its_reason(client: FlaskClient, db: Session, org: Organisation,
                                                     admin: User) -> None:
    viewer = factories.make_member(db, org, role="viewer", email="viewer@example.nhs.uk")
    viewer_client = client.application.test_client()
    login(viewer_client, viewer.email)
    assert viewer_client.get("/admin/members").status_code == 403
    rows = table_rows(client.get("/admin/audit", query_string={"action": "refused"}))
    assert len(rows) == 1
    assert rows[0][1:] == ["viewer@example.nhs.uk", "Refused", "Page",
                           "Method: GET Path: /admin/members Reason: missing permission members.manage"]


def test_another_organisations_strategy_is_404_and_recorded_in_the_viewers_organisation(
        client: FlaskClient, db: Session, org: Organisation, database_url: str,
        signed_in: Callable[[str], User]) -> None:
    theirs = factories.make_org(db, slug="theirs")
    their_strategy = factories.make_strategy(db, theirs)
    viewer = signed_in("viewer")
    theirs_before = len(stored_events(database_url, theirs))
    assert client.get(f"/strategies/{their_strategy.id}").status_code == 404
    refused = stored_events(database_url, org, "refused")
    assert [(e.user_id, e.entity, e.entity_id) for e in refused] == [(viewer.id, "strategy", their_strategy.id)]
    assert json.loads(refused[0].changes) == {"path": f"/strategies/{their_strategy.id}", "method": "GET",
                                              "reason": "another organisation's record"}
    assert len(stored_events(database_url, theirs)) == theirs_before  # theirs learns nothing of it


def test_another_organisations_record_inside_our_strategy_is_recorded_too(
        client: FlaskClient, db: Session, org: Organisation, strategy: Strategy, database_url: str,
        signed_in: Callable[[str], User]) -> None:
    theirs = factories.make_org(db, slug="theirs")
    their_area = factories.make_area(db, factories.make_strategy(db, theirs), "THEIRS")
    signed_in("planner")
    assert client.get(f"/strategies/{strategy.id}/areas/{their_area.id}/edit").status_code == 404
    refused = stored_events(database_url, org, "refused")
    assert [(e.entity, e.entity_id, json.loads(e.changes)["reason"]) for e in refused] == [
        ("area", their_area.id, "another organisation's record")]


def test_a_missing_id_or_another_strategy_of_ours_is_404_and_not_recorded(
        client: FlaskClient, db: Session, org: Organisation, strategy: Strategy, database_url: str,
        signed_in: Callable[[str], User]) -> None:
    our_other_area = factories.make_area(db, factories.make_strategy(db, org, title="Another"), "OTHER")
    signed_in("planner")
    assert client.get("/strategies/999999").status_code == 404
    assert client.get(f"/strategies/{strategy.id}/areas/999999/edit").status_code == 404
    assert client.get(f"/strategies/{strategy.id}/areas/{our_other_area.id}/edit").status_code == 404
    assert stored_events(database_url, org, "refused") == []


# --- the download --------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark, as the objectives download
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_has_every_matching_event_newest_first(client: FlaskClient, trail: dict[str, Any]) -> None:
    response = client.get("/admin/audit.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-north.csv"'
    assert response.is_streamed
    rows = read_csv(response)
    assert rows[0] == ["at_utc", "user", "action", "entity", "entity_id", "changes"]
    assert rows[1:] == [
        ["2026-11-27T09:14:00+00:00", "System", "import", "baseline", "3",
         '{"areas": 2, "file": "staff.csv", "rows_read": 6, "rows_skipped": 0}'],
        ["2026-11-26T09:14:00+00:00", "Someone without an account", "create", "comment", "8",
         '{"consultation_id": 2, "section": "vision", "through": "link"}'],
        ["2026-11-25T09:14:00+00:00", "editor@example.nhs.uk", "create", "scenario", "5", '{"name": "Faster growth"}'],
        ["2026-11-24T09:14:00+00:00", "editor@example.nhs.uk", "update", "area", "11",
         '{"name": ["Medicine", "Medicine and Urgent Care"]}'],
        ["2026-11-23T09:14:00+00:00", "admin@example.nhs.uk", "create", "area", "11",
         '{"code": "MED", "name": "Medicine", "parent_id": null}'],
    ]
    filtered = read_csv(client.get("/admin/audit.csv", query_string={"entity": "area", "from": "2026-11-24"}))
    assert [r[2:5] for r in filtered[1:]] == [["update", "area", "11"]]


def test_the_csv_neutralises_formulas(client: FlaskClient, db: Session, org: Organisation, admin: User) -> None:
    sly = factories.make_member(db, org, role="editor", email="=hyperlink@example.nhs.uk")
    db.exec(delete(AuditEvent))
    db.commit()
    add_event(db, org, T0, "+sum", "@entity", sly, None, {"title": ["=1+1", '=HYPERLINK("http://x")']})
    db.add(AuditEvent(organisation_id=org.id, at=T0 - timedelta(hours=1), action="-update", entity="area",
                      changes="=cmd|' /C calc'!A0"))  # not JSON at all
    db.commit()
    rows = read_csv(client.get("/admin/audit.csv"))
    assert rows[1] == ["2026-11-23T09:14:00+00:00", "'=hyperlink@example.nhs.uk", "'+sum", "'@entity", "",
                       '{"title": ["=1+1", "=HYPERLINK(\\"http://x\\")"]}']
    assert rows[2][2] == "'-update"
    assert rows[2][5] == '{"changes": "=cmd|\' /C calc\'!A0"}'
    for row in rows[1:]:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row), row


def test_a_long_trail_downloads_whole(client: FlaskClient, db: Session, org: Organisation, admin: User) -> None:
    db.exec(delete(AuditEvent))
    db.add_all([AuditEvent(organisation_id=org.id, at=T0 + timedelta(seconds=n // 2), action="update",
                           entity="level", entity_id=n, changes="{}") for n in range(2500)])
    db.commit()
    rows = read_csv(client.get("/admin/audit.csv"))
    assert len(rows) == 2501
    assert sorted(int(r[4]) for r in rows[1:]) == list(range(2500))


# --- the API -------------------------------------------------------------------------------------------------


def _bearer(db: Session, user: User, organisation: Organisation) -> dict[str, str]:
    _token, plain = create_token(session=db, user=user, organisation=organisation, name="test")
    return {"Authorization": f"Bearer {plain}"}


def test_the_api_gives_events_at_or_after_since(app: Flask, trail: dict[str, Any]) -> None:
    client = app.test_client()
    headers = trail["tokens"]["admin"]
    everything = client.get("/api/v1/audit", headers=headers).get_json()["events"]
    assert [e["entity_id"] for e in everything] == [3, 8, 5, 11, 11]
    response = client.get("/api/v1/audit", query_string={"since": "2026-11-25T09:14:00Z"}, headers=headers)
    assert response.status_code == 200
    events = response.get_json()["events"]
    assert [(e["action"], e["entity"], e["entity_id"], e["user"]) for e in events] == [
        ("import", "baseline", 3, None), ("create", "comment", 8, None),
        ("create", "scenario", 5, "editor@example.nhs.uk")]
    # The same moment in another zone; and a moment just after the third event leaves it out.
    shifted = client.get("/api/v1/audit", query_string={"since": "2026-11-25T10:14:00+01:00"}, headers=headers)
    assert shifted.get_json()["events"] == events
    later = client.get("/api/v1/audit", query_string={"since": "2026-11-25T09:14:01Z"}, headers=headers)
    assert [e["entity_id"] for e in later.get_json()["events"]] == [3, 8]


def test_the_api_refuses_a_bad_since_and_non_administrators(app: Flask, trail: dict[str, Any]) -> None:
    client = app.test_client()
    bad = client.get("/api/v1/audit", query_string={"since": "last tuesday"}, headers=trail["tokens"]["admin"])
    assert bad.status_code == 400 and "since" in bad.get_json()["error"]
    refused = client.get("/api/v1/audit", headers=trail["tokens"]["editor"])
    assert refused.status_code == 403 and refused.get_json()["status"] == 403
    assert client.get("/api/v1/audit").status_code == 401
