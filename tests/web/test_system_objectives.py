"""Partnership objectives through the pages and the API (docs/systems.md): the system's editors set them,
members' administrators link their strategic objectives from the Sharing page and remove the links, the system
sees each link's progress live; every other organisation's ids answer 404; statements stay flat as members grow."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.models import AuditEvent, Objective, Organisation, SystemObjective, SystemObjectiveLink, User
from planner.services import accounts, systems
from planner.services import objectives as member_objectives
from planner.services import system_objectives as service
from tests import factories
from tests.conftest import login


def _strategic(db: Session, organisation: Organisation, actor: User, ref: str, value: float) -> Objective:
    strategy = factories.make_strategy(db, organisation, title=f"{organisation.name} plan")
    objective = member_objectives.save_objective(session=db, strategy=strategy, actor=actor, values={
        "ref": ref, "title": f"{organisation.name} {ref}", "level": "strategic", "measure_kind": "target",
        "baseline": "0", "target": "10", "start": "2026-04-01", "due": "2030-03-31"})
    member_objectives.add_check_in(session=db, objective=objective, on=date(2026, 6, 1), value=value, done=False,
                                   confidence=None, note="", actor=actor)
    return objective


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    north, south = factories.make_org(db, slug="north", name="North Trust"), factories.make_org(
        db, slug="south", name="South Trust")
    system = factories.make_system(db, north, south)
    out: dict[str, Any] = {"system": system, "north": north, "south": south}
    for trust, value in ((north, 2), (south, 6)):
        admin = factories.make_member(db, trust, role="admin")
        out[f"{trust.slug}_admin"] = admin
        out[f"{trust.slug}_objective"] = _strategic(db, trust, admin, "S1", value)
    out["ics_editor"] = factories.make_member(db, system, role="editor")
    out["ics_viewer"] = factories.make_member(db, system, role="viewer")
    out["target"] = service.save_system_objective(session=db, system=system, actor=None, values={
        "ref": "SO1", "title": "Develop system leaders", "start": date(2026, 4, 1), "due": date(2030, 3, 31)})
    return out


def _link_page(client: FlaskClient, world: dict[str, Any], slug: str, weight: str = "1") -> Any:
    return client.post("/sharing/objective-links", data={
        "system_objective": str(world["target"].id), "objective": str(world[f"{slug}_objective"].id),
        "weight": weight})


def test_the_system_sets_objectives_members_link_and_remove_and_the_system_sees_it(
        client: FlaskClient, db: Session, world: dict[str, Any]) -> None:
    login(client, world["ics_editor"].email)
    made = client.post("/systems/ics/objectives/new", data={
        "ref": "SO2", "title": "Reduce vacancies in shared services", "description": "Across <b>both</b> trusts",
        "start": "2026-04-01", "due": "2029-03-31"})
    assert made.status_code == 302
    page = client.get("/systems/ics/objectives").get_data(as_text=True)
    assert "Reduce vacancies in shared services" in page and "Across &lt;b&gt;both&lt;/b&gt; trusts" in page
    assert "No member has linked an objective to it yet." in page
    client.post("/logout")

    for slug, weight in (("north", "1"), ("south", "3")):
        login(client, world[f"{slug}_admin"].email)
        sharing = client.get("/sharing").get_data(as_text=True)
        assert "Develop system leaders" in sharing
        linked = _link_page(client, world, slug, weight)
        assert linked.status_code == 302, linked.get_data(as_text=True)[:2000]
        client.post("/logout")

    login(client, world["ics_viewer"].email)
    page = html.unescape(client.get("/systems/ics/objectives").get_data(as_text=True))
    assert "North Trust" in page and "South Trust" in page
    # North 2 of 10 (0.2, weight 1), South 6 of 10 (0.6, weight 3): (0.2 + 1.8) / 4 = 50%.
    assert "50% progress" in page
    body = client.get("/api/v1/systems/ics/objectives").get_json()
    [target] = [o for o in body["objectives"] if o["ref"] == "SO1"]
    assert target["progress"] == pytest.approx(0.5)
    assert [link["organisation"] for link in target["links"]] == ["north", "south"]
    client.post("/logout")

    login(client, world["north_admin"].email)
    link = db.exec(select(SystemObjectiveLink).where(SystemObjectiveLink.organisation_id == world["north"].id)).one()
    removed = client.post(f"/sharing/objective-links/{link.id}/remove", follow_redirects=True)
    assert "the system no longer sees that objective" in removed.get_data(as_text=True)
    client.post("/logout")
    login(client, world["ics_viewer"].email)
    body = client.get("/api/v1/systems/ics/objectives").get_json()
    [target] = [o for o in body["objectives"] if o["ref"] == "SO1"]
    assert [link["organisation"] for link in target["links"]] == ["south"]
    assert target["progress"] == pytest.approx(0.6)
    # Each read is in the linking member's own trail.
    assert db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["south"].id,
                                            AuditEvent.action == "system_read",
                                            AuditEvent.entity == "objective")).all()


def test_leaving_the_system_removes_the_link_from_the_system_view(client: FlaskClient, db: Session,
                                                                 world: dict[str, Any]) -> None:
    login(client, world["north_admin"].email)
    assert _link_page(client, world, "north").status_code == 302
    membership = systems.link_of(db, world["system"], world["north"])
    assert membership is not None
    assert client.post(f"/sharing/{membership.id}/leave").status_code == 302
    assert db.exec(select(SystemObjectiveLink)).all() == []


def test_linking_twice_makes_one_link_and_bad_values_name_their_field(client: FlaskClient, db: Session,
                                                                    world: dict[str, Any]) -> None:
    login(client, world["north_admin"].email)
    assert _link_page(client, world, "north").status_code == 302
    again = _link_page(client, world, "north", "2")
    assert again.status_code == 400 and "is already linked to SO1" in again.get_data(as_text=True)
    assert len(db.exec(select(SystemObjectiveLink)).all()) == 1
    for weight, message in (("0", "The weight must be a number above 0"), ("abc", "The weight must be a number"),
                            ("nan", "The weight must be a number"), ("1e400", "The weight must be a number")):
        refused = client.post("/sharing/objective-links", data={
            "system_objective": str(world["target"].id), "objective": str(world["north_objective"].id),
            "weight": weight})
        body = refused.get_data(as_text=True)
        assert refused.status_code == 400 and message in html.unescape(body) and "<title>Error: " in body
        assert 'href="#weight"' in body
    # South's objective, or another system's objective: 404, as any other organisation's id (and South's is
    # recorded as a probe in North's trail); ids no record can have: refused. Nothing linked.
    other = factories.make_system(db, factories.make_org(db, slug="east"), slug="other-ics", name="Other ICS")
    elsewhere = service.save_system_objective(session=db, system=other, actor=None, values={"ref": "X", "title": "X"})
    for target_id, objective_id, status in ((world["target"].id, world["south_objective"].id, 404),
                                            (elsewhere.id, world["north_objective"].id, 404), ("abc", "1", 400),
                                            ("1", "²", 400), (str(2**63), "1", 400)):
        refused = client.post("/sharing/objective-links", data={
            "system_objective": str(target_id), "objective": str(objective_id), "weight": "1"})
        assert refused.status_code == status, (target_id, objective_id)
    assert len(db.exec(select(SystemObjectiveLink)).all()) == 1
    assert db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["north"].id,
                                            AuditEvent.entity_id == world["south_objective"].id)).all()


def test_other_organisations_ids_answer_404(client: FlaskClient, db: Session, world: dict[str, Any]) -> None:
    login(client, world["south_admin"].email)
    assert _link_page(client, world, "south").status_code == 302
    south_link = db.exec(select(SystemObjectiveLink)).one()
    client.post("/logout")
    # North's administrator: South's link, and every system route, answer 404.
    login(client, world["north_admin"].email)
    assert client.post(f"/sharing/objective-links/{south_link.id}/remove").status_code == 404
    for path in ("/systems/ics/objectives", "/systems/ics/objectives/new",
                 f"/systems/ics/objectives/{world['target'].id}/edit"):
        assert client.get(path).status_code == 404
    assert client.post(f"/systems/ics/objectives/{world['target'].id}/delete").status_code == 404
    token = accounts.create_token(session=db, user=world["north_admin"], organisation=world["north"], name="t")[1]
    assert client.get("/api/v1/systems/ics/objectives",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 404
    client.post("/logout")
    # The system's editor: another system's objective id is 404, and nothing is deleted.
    other = factories.make_system(db, slug="other-ics", name="Other ICS")
    elsewhere = service.save_system_objective(session=db, system=other, actor=None, values={"ref": "X", "title": "X"})
    login(client, world["ics_editor"].email)
    assert client.get(f"/systems/ics/objectives/{elsewhere.id}/edit").status_code == 404
    assert client.post(f"/systems/ics/objectives/{elsewhere.id}/delete").status_code == 404
    assert client.post(f"/sharing/objective-links/{south_link.id}/remove").status_code == 403  # no share rights
    db.expire_all()
    assert db.get(SystemObjective, elsewhere.id) is not None
    assert db.exec(select(SystemObjectiveLink)).all()


def test_only_the_systems_editors_change_objectives(client: FlaskClient, db: Session, world: dict[str, Any]) -> None:
    login(client, world["ics_viewer"].email)
    assert client.get("/systems/ics/objectives").status_code == 200
    assert "Add an objective" not in client.get("/systems/ics/objectives").get_data(as_text=True)
    assert client.get("/systems/ics/objectives/new").status_code == 403
    assert client.post(f"/systems/ics/objectives/{world['target'].id}/delete").status_code == 403
    client.post("/logout")
    login(client, world["ics_editor"].email)
    target = world["target"]
    edited = client.post(f"/systems/ics/objectives/{target.id}/edit", data={
        "version": str(target.version), "ref": "SO1", "title": "Grow system leaders", "start": "2026-04-01",
        "due": "2030-03-31"})
    assert edited.status_code == 302
    stale = client.post(f"/systems/ics/objectives/{target.id}/edit", data={
        "version": str(target.version), "ref": "SO1", "title": "An older form", "start": "", "due": ""})
    assert stale.status_code == 409 and "Someone else changed this" in stale.get_data(as_text=True)
    bad = client.post("/systems/ics/objectives/new", data={"ref": "SO 9", "title": "", "start": "31/03/2027",
                                                           "due": "2027-02-30"})
    text = html.unescape(bad.get_data(as_text=True))
    assert bad.status_code == 400 and "<title>Error: " in text
    assert "Enter the start date as a date, like 2026-03-31" in text
    assert "Enter the due date as a date, like 2026-03-31" in text
    deleted = client.post(f"/systems/ics/objectives/{target.id}/delete", follow_redirects=True)
    assert "Objective SO1 deleted, with 0 member links to it." in deleted.get_data(as_text=True)


def test_the_objectives_statements_do_not_grow_with_members(client: FlaskClient, db: Session) -> None:
    """Issue 18: the partnership view reads every member's links in a fixed number of statements (2 and 6)."""
    from benchmarks.scale import count_queries

    system = factories.make_system(db)
    target = service.save_system_objective(session=db, system=system, actor=None, values={
        "ref": "SO1", "title": "Develop system leaders", "start": date(2026, 4, 1), "due": date(2030, 3, 31)})
    viewer = factories.make_member(db, system, role="viewer")
    login(client, viewer.email)
    counted = {}
    for n in range(1, 7):
        trust = factories.make_org(db, slug=f"trust-{n}", name=f"Trust {n}")
        link = systems.invite(session=db, system=system, member=trust, actor=None)
        systems.accept(session=db, link=link, actor=None)
        admin = factories.make_member(db, trust, role="admin")
        objective = _strategic(db, trust, admin, "S1", n)
        service.link_objective(session=db, system=system, organisation=trust, system_objective_id=target.id,
                               objective_id=objective.id, weight=1, actor=admin)
        if n in (2, 6):
            counted[n] = (count_queries(client, "/api/v1/systems/ics/objectives"),
                          count_queries(client, "/systems/ics/objectives"))
    assert len(client.get("/api/v1/systems/ics/objectives").get_json()["objectives"][0]["links"]) == 6
    assert counted[6] == counted[2], counted
