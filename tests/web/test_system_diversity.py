"""The system's diversity page and API (docs/systems.md, "The system's diversity"): only the system's own
people see it (a member's people and outsiders get 404); a member appears only while it shares, and the
read is in its audit trail; the sums equal the members' own shared snapshots; statements stay flat."""

from __future__ import annotations

import html
import json

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.models import AuditEvent, DiversityCount, Organisation, Strategy, StrategyVersion, User
from planner.services import accounts, systems
from planner.services.structure import areas_of
from tests import factories
from tests.conftest import login

GROUPS = ("white", "bme", "not_stated")


def _bearer(db: Session, user: User, organisation: Organisation) -> dict[str, str]:
    _token, plain = accounts.create_token(session=db, user=user, organisation=organisation, name="test")
    return {"Authorization": f"Bearer {plain}"}


def _with_counts(db: Session, strategy: Strategy, by_level: dict[str | None, tuple[int, int, int]]) -> None:
    """Store ethnicity counts (white, BME, not stated) by level (None: all staff) in the strategy's area."""
    area = areas_of(db, strategy)[0]
    for key, values in by_level.items():
        level_id = factories.level(db, strategy, key).id if key else None
        for group, n in zip(GROUPS, values, strict=True):
            db.add(DiversityCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id, area_id=area.id,
                                  level_id=level_id, characteristic="ethnicity", group_key=group, count=n))
    db.commit()


COUNTS = {
    # South has 3 BME senior leaders: withheld in its own published figures, so in the system's too.
    "north": {"senior": (20, 10, 9), "middle": (60, 20, 10), "frontline": (200, 50, 12), None: (300, 90, 30)},
    "south": {"senior": (30, 3, 2), "middle": (80, 30, 9), "frontline": (250, 60, 20), None: (400, 120, 40)},
}


@pytest.fixture
def world(db: Session) -> dict:  # type: ignore[type-arg]
    """Two trusts in one system, each with diversity counts and an approved version; nothing shared yet."""
    north, south = factories.make_org(db, slug="north", name="North Trust"), factories.make_org(db, slug="south",
                                                                                               name="South Trust")
    system = factories.make_system(db, north, south)
    out = {"system": system, "north": north, "south": south}
    for trust in (north, south):
        strategy = factories.planned_strategy(db, trust, title=f"{trust.name} plan")
        _with_counts(db, strategy, COUNTS[trust.slug])
        factories.approve(db, strategy)
        admin = factories.make_member(db, trust, role="admin")
        out[f"{trust.slug}_strategy"], out[f"{trust.slug}_admin"] = strategy, admin
        out[f"{trust.slug}_headers"] = _bearer(db, admin, trust)
    out["ics_user"] = factories.make_member(db, system, role="viewer")
    out["ics_headers"] = _bearer(db, out["ics_user"], system)
    return out


def _share(client: FlaskClient, world: dict, slug: str):  # type: ignore[no-untyped-def,type-arg]
    body = {"strategy": world[f"{slug}_strategy"].id, "version": 1}
    made = client.post("/api/v1/systems/ics/shares", json=body, headers=world[f"{slug}_headers"])
    assert made.status_code == 201, made.get_json()
    return made.get_json()["id"]


def _diversity(client: FlaskClient, world: dict) -> dict:  # type: ignore[type-arg]
    response = client.get("/api/v1/systems/ics/diversity", headers=world["ics_headers"])
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def _cells(view: dict) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    char = next(c for c in view["characteristics"] if c["key"] == "ethnicity")
    return {(lv["level"], c["group"]): {**c, "total": lv["total"]} for lv in char["levels"] for c in lv["cells"]}


def test_a_system_user_sees_a_member_only_while_it_shares(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    assert _diversity(client, world)["members"] == [] and _diversity(client, world)["characteristics"] == []
    north_share = _share(client, world, "north")
    view = _diversity(client, world)
    assert [m["organisation"] for m in view["members"]] == ["north"]
    assert _cells(view)[("middle", "white")]["count"] == 60
    reads = db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["north"].id,
                                             AuditEvent.action == "system_read")).all()
    assert any(json.loads(e.changes or "{}").get("read") == "diversity" for e in reads)

    _share(client, world, "south")
    assert _cells(_diversity(client, world))[("middle", "white")]["count"] == 140
    assert client.delete(f"/api/v1/systems/ics/shares/{north_share}",
                         headers=world["north_headers"]).status_code == 204
    view = _diversity(client, world)
    assert [m["organisation"] for m in view["members"]] == ["south"]
    assert _cells(view)[("middle", "white")]["count"] == 80


def test_the_sums_equal_the_members_own_shared_snapshots(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    for slug in ("north", "south"):
        _share(client, world, slug)
    cells = _cells(_diversity(client, world))
    own: dict[tuple[str, str], list[int | None]] = {}
    for slug in ("north", "south"):
        version = db.exec(select(StrategyVersion).where(
            StrategyVersion.strategy_id == world[f"{slug}_strategy"].id)).one()
        rep = json.loads(version.snapshot)["content"]["diversity"]["representation"]
        for row in next(r for r in rep if r["characteristic"] == "ethnicity")["rows"]:
            for group in row["groups"]:
                own.setdefault((row["level"] or "all_staff", group["group"]), []).append(group["count"])
    compared = 0
    for key, parts in own.items():
        if None in parts:
            assert cells[key]["count"] is None and cells[key]["member_withheld"], key
        else:
            assert cells[key]["count"] == sum(parts) or cells[key]["count"] is None, key  # None: the system's rule
            compared += cells[key]["count"] is not None
    assert compared >= 10
    # South's 3 BME senior leaders, withheld in its own figures, stay withheld with the reason.
    assert cells[("senior", "bme")]["count"] is None and cells[("senior", "bme")]["member_withheld"]


def test_the_page_shows_the_tables_and_the_withheld_reason(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    for slug in ("north", "south"):
        _share(client, world, slug)
    login(client, world["ics_user"].email)
    home = client.get("/systems/ics").get_data(as_text=True)
    assert "/systems/ics/diversity" in home
    page = html.unescape(client.get("/systems/ics/diversity").get_data(as_text=True))
    assert "Ethnicity (WRES groups): leaders by level and all staff across the system" in page
    assert "includes a count a member withheld" in page and "North Trust (version 1)" in page
    assert "<title>Diversity across Dale Integrated Care System" in page


def test_a_members_people_and_outsiders_get_404(client: FlaskClient, db: Session, world: dict) -> None:  # type: ignore[type-arg]
    for slug in ("north", "south"):
        _share(client, world, slug)
    assert client.get("/api/v1/systems/ics/diversity", headers=world["north_headers"]).status_code == 404
    outsider = factories.make_org(db, slug="west", name="West Trust")
    headers = _bearer(db, factories.make_member(db, outsider, role="admin"), outsider)
    assert client.get("/api/v1/systems/ics/diversity", headers=headers).status_code == 404
    assert client.get("/api/v1/systems/north/diversity", headers=world["north_headers"]).status_code == 404
    login(client, world["north_admin"].email)
    assert client.get("/systems/ics/diversity").status_code == 404
    assert client.get("/systems/north/diversity").status_code == 404
    # Nothing was read by anyone but the system's people.
    assert not db.exec(select(AuditEvent).where(AuditEvent.action == "system_read")).all()


def test_the_statements_do_not_grow_with_the_members(client: FlaskClient, db: Session) -> None:
    from benchmarks.scale import count_queries

    system = factories.make_system(db)
    login(client, factories.make_member(db, system, role="viewer").email)
    counted = {}
    for n in range(1, 7):
        trust = factories.make_org(db, slug=f"trust-{n}", name=f"Trust {n}")
        link = systems.invite(session=db, system=system, member=trust, actor=None)
        systems.accept(session=db, link=link, actor=None)
        strategy = factories.planned_strategy(db, trust, frontline=10 * n)
        _with_counts(db, strategy, COUNTS["north"])
        systems.share(session=db, system=system, organisation=trust, strategy=strategy,
                      version_number=factories.approve(db, strategy), scenario=None, actor=None)
        if n in (2, 6):
            counted[n] = (count_queries(client, "/api/v1/systems/ics/diversity"),
                          count_queries(client, "/systems/ics/diversity"))
    assert len([m for m in client.get("/api/v1/systems/ics/diversity").get_json()["members"] if m["included"]]) == 6
    assert counted[6] == counted[2], counted
