"""The system view through the API and the pages (docs/systems.md): consent before, after and after
withdrawal; another member's ids answer 404; the sums equal what each member's own admin reads in
the shared versions; a member's draft change does not move the system view."""

from __future__ import annotations

import html
import json

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.models import AuditEvent, Organisation, Strategy, SystemShare, User
from planner.services import accounts, systems
from planner.services.baseline import AreaFigures, save_baseline
from planner.services.structure import areas_of
from tests import factories


def _bearer(db: Session, user: User, organisation: Organisation) -> dict[str, str]:
    _token, plain = accounts.create_token(session=db, user=user, organisation=organisation, name="test")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def world(db: Session) -> dict:  # type: ignore[type-arg]
    """Two trusts in one system, each with an approved version; nothing shared yet."""
    north, south = factories.make_org(db, slug="north", name="North Trust"), factories.make_org(db, slug="south",
                                                                                               name="South Trust")
    system = factories.make_system(db, north, south)
    out = {"system": system, "north": north, "south": south}
    for trust, frontline in ((north, 40), (south, 90)):
        strategy = factories.planned_strategy(db, trust, frontline=frontline, title=f"{trust.name} plan")
        factories.approve(db, strategy)
        admin = factories.make_member(db, trust, role="admin")
        out[f"{trust.slug}_strategy"], out[f"{trust.slug}_admin"] = strategy, admin
        out[f"{trust.slug}_headers"] = _bearer(db, admin, trust)
    ics_user = factories.make_member(db, system, role="viewer")
    out["ics_headers"] = _bearer(db, ics_user, system)
    return out


def _share(client: FlaskClient, world: dict, slug: str, version: int = 1, **extra: object):  # type: ignore[no-untyped-def,type-arg]
    body = {"strategy": world[f"{slug}_strategy"].id, "version": version, **extra}
    return client.post("/api/v1/systems/ics/shares", json=body, headers=world[f"{slug}_headers"])


def _forecast(client: FlaskClient, world: dict) -> dict:  # type: ignore[type-arg]
    response = client.get("/api/v1/systems/ics/forecast", headers=world["ics_headers"])
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def test_a_system_user_sees_a_member_only_while_it_shares(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    before = _forecast(client, world)
    assert before["members"] == [] and before["totals"] == []
    detail = client.get("/api/v1/systems/ics", headers=world["ics_headers"]).get_json()
    assert {m["slug"]: m["shares"] for m in detail["members"]} == {"north": [], "south": []}

    made = _share(client, world, "north")
    assert made.status_code == 201, made.get_json()
    after = _forecast(client, world)
    assert [m["organisation"] for m in after["members"]] == ["north"] and after["totals"]
    detail = client.get("/api/v1/systems/ics", headers=world["ics_headers"]).get_json()
    assert detail["members"][0]["shares"][0]["version"] == 1

    gone = client.delete(f"/api/v1/systems/ics/shares/{made.get_json()['id']}", headers=world["north_headers"])
    assert gone.status_code == 204
    assert _forecast(client, world)["members"] == []
    # Every share, withdrawal and read is in the member's own trail, none in the other member's.
    actions = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["north"].id))]
    assert {"share", "withdraw", "system_read"} <= set(actions)
    assert not db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["south"].id,
                                                AuditEvent.action == "system_read")).all()


def test_the_system_totals_equal_the_members_versions_as_their_own_admins_read_them(
        client: FlaskClient, world: dict) -> None:  # type: ignore[type-arg]
    for slug in ("north", "south"):
        assert _share(client, world, slug, scenario="Baseline").status_code == 201
    view = _forecast(client, world)
    own = []
    for slug in ("north", "south"):
        strategy = world[f"{slug}_strategy"]
        listed = client.get(f"/api/v1/strategies/{strategy.id}/versions", headers=world[f"{slug}_headers"]).get_json()
        version = client.get(f"/api/v1/strategies/{strategy.id}/versions/{listed['versions'][0]['id']}",
                             headers=world[f"{slug}_headers"]).get_json()
        own.append({(r["level"], r["year"]): r for r in version["scenarios"][0]["totals"]})
    assert len(view["totals"]) == 20  # four levels, five years
    for row in view["totals"]:
        for figure in ("end", "start", "leavers", "external_appointments", "internal_fills"):
            assert row[figure] == pytest.approx(sum(o[(row["level"], row["year"])][figure] for o in own))


def test_a_draft_change_does_not_move_the_system_view_until_shared_again(
        client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    assert _share(client, world, "north").status_code == 201
    before = _forecast(client, world)["totals"]
    strategy: Strategy = world["north_strategy"]
    area = areas_of(db, strategy)[0]
    save_baseline(session=db, strategy=strategy, actor=None,
                  figures={area.id: AreaFigures(staff=900, fte=800.0, leaders={"frontline": 300})})  # type: ignore[dict-item]
    strategy.title = "A draft's new title"
    db.add(strategy)
    db.commit()
    assert _forecast(client, world)["totals"] == before
    detail = client.get("/api/v1/systems/ics", headers=world["ics_headers"]).get_json()
    assert detail["members"][0]["shares"][0]["strategy"]["title"] == "North Trust plan"  # as version 1 froze it
    factories.approve(db, strategy)
    assert _share(client, world, "north", version=2).status_code == 201
    assert _forecast(client, world)["totals"] != before


def test_a_members_user_gets_404_for_the_other_members_ids(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    south_share = _share(client, world, "south").get_json()["id"]
    north = world["north_headers"]
    # Another member's share, strategy or version through the system routes and the member routes.
    assert client.delete(f"/api/v1/systems/ics/shares/{south_share}", headers=north).status_code == 404
    probe = client.post("/api/v1/systems/ics/shares", json={"strategy": world["south_strategy"].id, "version": 1},
                        headers=north)
    assert probe.status_code == 404
    south_strategy = world["south_strategy"].id
    assert client.get(f"/api/v1/strategies/{south_strategy}/versions", headers=north).status_code == 404
    # A member sees the system, and only its own shares; never the system's forecast.
    detail = client.get("/api/v1/systems/ics", headers=north).get_json()
    assert {m["slug"]: m["shares"] for m in detail["members"]} == {"north": [], "south": None}
    assert client.get("/api/v1/systems/ics/forecast", headers=north).status_code == 404
    # The pages too, signed in as the member's admin.
    from tests.conftest import login

    login(client, world["north_admin"].email)
    assert client.post(f"/sharing/shares/{south_share}/withdraw").status_code == 404
    south_link = systems.link_of(db, world["system"], world["south"])
    assert client.post(f"/sharing/{south_link.id}/leave").status_code == 404  # type: ignore[union-attr]
    assert client.post("/sharing/share", data={"system": "ics", "version": f"{south_strategy}-1"}).status_code == 404
    assert client.get("/systems/ics").status_code == 404
    assert db.get(SystemShare, south_share) is not None and south_link is not None
    refused = db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["north"].id,
                                               AuditEvent.action == "refused")).all()
    assert {e.entity for e in refused} >= {"system_share", "strategy"}


def test_outsiders_get_404_and_system_users_cannot_share(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    outsider = factories.make_org(db, slug="west", name="West Trust")
    headers = _bearer(db, factories.make_member(db, outsider, role="admin"), outsider)
    assert client.get("/api/v1/systems/ics", headers=headers).status_code == 404
    assert client.get("/api/v1/systems", headers=headers).get_json() == {"systems": []}
    assert client.get("/api/v1/systems/north", headers=world["north_headers"]).status_code == 404  # a trust's slug
    ics_admin = _bearer(db, factories.make_member(db, world["system"], role="admin"), world["system"])
    body = {"strategy": world["north_strategy"].id, "version": 1}
    assert client.post("/api/v1/systems/ics/shares", json=body, headers=ics_admin).status_code == 404
    # A member's viewer may not share.
    viewer = _bearer(db, factories.make_member(db, world["north"], role="viewer"), world["north"])
    assert client.post("/api/v1/systems/ics/shares", json=body, headers=viewer).status_code == 403


@pytest.mark.parametrize(("body", "field"), [
    ({"strategy": "one", "version": 1}, "strategy"),
    ({"strategy": True, "version": 1}, "strategy"),
    ({"version": 0}, "strategy"),
    ({"version": 0, "strategy": 1}, "version"),
    ({"version": 1.5, "strategy": 1}, "version"),
    ({"version": 1, "strategy": 1, "scenario": 3}, "scenario"),
])
def test_a_bad_share_request_names_its_field(client: FlaskClient, world: dict, body: dict, field: str) -> None:  # type: ignore[type-arg]
    response = client.post("/api/v1/systems/ics/shares", json=body, headers=world["north_headers"])
    assert response.status_code == 422 and response.get_json()["field"] == field


def test_a_share_the_service_refuses_is_422_with_its_message(client: FlaskClient, world: dict) -> None:  # type: ignore[type-arg]
    response = _share(client, world, "north", version=7)
    assert response.status_code == 422
    assert response.get_json()["error"] == "'North Trust plan' has no approved version 7: its approved versions are 1"
    wrong = _share(client, world, "north", scenario="Growth")
    assert "no scenario called 'Growth'" in wrong.get_json()["error"]
    long = _share(client, world, "north", scenario="x" * 10_000)
    assert long.status_code == 422 and long.get_json()["error"] == "The scenario's name must be 100 characters or fewer"
    not_json = client.post("/api/v1/systems/ics/shares", data="strategy=1", headers=world["north_headers"])
    assert not_json.status_code == 400


def test_the_pages_invite_accept_share_and_withdraw(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    from tests.conftest import login

    west = factories.make_org(db, slug="west", name="West Trust")
    strategy = factories.planned_strategy(db, west, title="West plan")
    factories.approve(db, strategy)
    west_admin = factories.make_member(db, west, role="admin")
    ics_admin = factories.make_member(db, world["system"], role="admin")

    login(client, ics_admin.email)
    refused = client.post("/systems/ics/invite", data={"member": "nowhere"})
    assert refused.status_code == 200
    assert "No organisation has the short name 'nowhere'" in html.unescape(refused.get_data(as_text=True))
    assert "<title>Error: " in refused.get_data(as_text=True)
    assert client.post("/systems/ics/invite", data={"member": "west"}).status_code == 302
    client.post("/logout")

    login(client, west_admin.email)
    page = client.get("/sharing").get_data(as_text=True)
    assert "has invited your organisation" in page
    link = systems.link_of(db, world["system"], west)
    assert client.post(f"/sharing/{link.id}/accept").status_code == 302  # type: ignore[union-attr]
    for typed in (f"{strategy.id}-²", f"{strategy.id}-0", f"{strategy.id}-{'9' * 30}", "x-1", ""):
        refused = client.post("/sharing/share", data={"system": "ics", "version": typed, "scenario": ""})
        assert refused.status_code == 200 and "Choose the approved version to share" in refused.get_data(as_text=True)
    bad = client.post("/sharing/share", data={"system": "ics", "version": f"{strategy.id}-9", "scenario": ""})
    assert "has no approved version 9" in bad.get_data(as_text=True)
    assert client.post("/sharing/share", data={"system": "ics", "version": f"{strategy.id}-1",
                                               "scenario": "Baseline"}).status_code == 302
    assert "West plan" in client.get("/sharing").get_data(as_text=True)
    client.post("/logout")

    login(client, ics_admin.email)
    home = client.get("/systems/ics").get_data(as_text=True)
    assert "West Trust" in home and "System: leaders at year end" in home and "West plan: version 1" in home
    # What the shared version lacked when approved (this one has no objectives, for one).
    assert "still lack" in home and "West plan, version 1" in home
    assert client.get("/systems/north").status_code == 404
    client.post("/logout")

    login(client, west_admin.email)
    found = db.exec(select(SystemShare).where(SystemShare.organisation_id == west.id)).one()
    assert client.post(f"/sharing/shares/{found.id}/withdraw").status_code == 302
    client.post("/logout")
    login(client, ics_admin.email)
    assert "West plan: version 1" not in client.get("/systems/ics").get_data(as_text=True)
    reads = [json.loads(e.changes)["read"] for e in db.exec(select(AuditEvent).where(
        AuditEvent.organisation_id == west.id, AuditEvent.action == "system_read"))]
    assert reads == ["system home"]


def test_a_system_user_starts_on_the_system_home(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    from tests.conftest import login

    viewer = factories.make_member(db, world["system"], role="viewer")
    login(client, viewer.email)
    assert client.get("/").headers["Location"].endswith("/systems/ics")
    page = client.get("/systems/ics").get_data(as_text=True)
    assert "Invite a trust" not in page  # a viewer of the system invites no one
    assert client.get("/systems/ics/invite").status_code == 403
    assert client.get("/systems").headers["Location"].endswith("/systems/ics")


def test_the_system_views_statements_do_not_grow_with_its_members(client: FlaskClient, db: Session) -> None:
    """Issue 18: the system view's queries stay flat as members grow (one query for the shares, one
    batch of audit events for the reads), here from 2 to 6 members."""
    from benchmarks.scale import count_queries
    from tests.conftest import login

    system = factories.make_system(db)
    viewer = factories.make_member(db, system, role="viewer")
    login(client, viewer.email)
    counted = {}
    for n in range(1, 7):
        trust = factories.make_org(db, slug=f"trust-{n}", name=f"Trust {n}")
        link = systems.invite(session=db, system=system, member=trust, actor=None)
        systems.accept(session=db, link=link, actor=None)
        strategy = factories.planned_strategy(db, trust, frontline=10 * n)
        systems.share(session=db, system=system, organisation=trust, strategy=strategy,
                      version_number=factories.approve(db, strategy), scenario=None, actor=None)
        if n in (2, 6):
            counted[n] = (count_queries(client, "/api/v1/systems/ics/forecast"), count_queries(client, "/systems/ics"))
    assert len(client.get("/api/v1/systems/ics/forecast").get_json()["members"]) == 6
    assert counted[6] == counted[2], counted


def test_the_systems_admin_removes_a_member_and_withdraws_an_invitation(
        client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    from tests.conftest import login

    assert _share(client, world, "north").status_code == 201
    west = factories.make_org(db, slug="west", name="West Trust")
    ics_admin = factories.make_member(db, world["system"], role="admin")
    login(client, ics_admin.email)
    assert client.post("/systems/ics/invite", data={"member": "west"}).status_code == 302
    north_link, west_link = systems.link_of(db, world["system"], world["north"]), systems.link_of(
        db, world["system"], west)
    assert north_link is not None and west_link is not None
    home = client.get("/systems/ics").get_data(as_text=True)
    assert "Remove<span class=\"nhsuk-u-visually-hidden\"> North Trust from the system" in home
    assert "Withdraw the invitation<span class=\"nhsuk-u-visually-hidden\"> to West Trust" in home

    # Another system's link, or an id too big for the database, is not this system's: 404, nothing removed.
    other = factories.make_system(db, world["south"], slug="other-ics")
    south_in_other = systems.link_of(db, other, world["south"])
    assert south_in_other is not None
    for link_id in (south_in_other.id, 2**63, 10**30):
        assert client.post(f"/systems/ics/members/{link_id}/remove").status_code == 404
    assert systems.link_of(db, other, world["south"]) is not None

    gone = client.post(f"/systems/ics/members/{west_link.id}/remove", follow_redirects=True)
    assert "The invitation to West Trust is withdrawn." in gone.get_data(as_text=True)
    removed = client.post(f"/systems/ics/members/{north_link.id}/remove", follow_redirects=True)
    assert "North Trust is no longer a member; the system sees nothing it shared." in removed.get_data(as_text=True)
    db.expire_all()
    assert systems.link_of(db, world["system"], world["north"]) is None
    assert systems.link_of(db, world["system"], west) is None
    assert db.exec(select(SystemShare).where(SystemShare.organisation_id == world["north"].id)).all() == []
    assert _forecast(client, world)["members"] == []
    # The member's own audit trail says the system removed it, and the share was withdrawn with it.
    actions = {e.action for e in db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["north"].id))}
    assert {"remove", "withdraw"} <= actions
    west_actions = {e.action for e in db.exec(select(AuditEvent).where(AuditEvent.organisation_id == west.id))}
    assert "revoke" in west_actions


def test_only_the_systems_admin_removes_members(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    from tests.conftest import login

    link = systems.link_of(db, world["system"], world["south"])
    assert link is not None
    viewer = factories.make_member(db, world["system"], role="viewer")
    login(client, viewer.email)
    assert client.post(f"/systems/ics/members/{link.id}/remove").status_code == 403
    client.post("/logout")
    login(client, world["north_admin"].email)  # a member's admin has no role in the system
    assert client.post(f"/systems/ics/members/{link.id}/remove").status_code == 404
    db.expire_all()
    assert systems.link_of(db, world["system"], world["south"]) is not None
