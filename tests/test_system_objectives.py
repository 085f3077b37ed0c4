"""Shared partnership objectives (docs/systems.md, issue 18 part 4): the system's objectives, members' links
to them (the member's to make and remove, gone when it leaves or is removed), and the roll-up the system sees
against a hand calculation and against each member's own cascade."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from planner.models import AuditEvent, Objective, Organisation, Strategy, SystemObjectiveLink, User
from planner.services import NotFound, ServiceError, systems
from planner.services import objectives as member_objectives
from planner.services import system_objectives as service
from tests import factories

TODAY = date(2027, 10, 1)


def _objective(db: Session, strategy: Strategy, actor: User, ref: str, **values: Any) -> Objective:
    typed = {"ref": ref, "title": f"Objective {ref}", "level": "strategic", "measure_kind": "none",
             "start": "2026-04-01", "due": "2027-03-31", **values}
    return member_objectives.save_objective(session=db, strategy=strategy, values=typed, actor=actor)


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    """North and South in one system; North's two strategic objectives (one measured, one rolling up two
    children), South's one without progress yet; one system objective."""
    north, south = factories.make_org(db, slug="north", name="North Trust"), factories.make_org(
        db, slug="south", name="South Trust")
    north.rag_amber_below, north.rag_red_below = 0.5, 0.3  # the member's own thresholds
    db.add(north)
    db.commit()
    system = factories.make_system(db, north, south)
    out: dict[str, Any] = {"system": system, "north": north, "south": south}
    for trust in (north, south):
        out[f"{trust.slug}_admin"] = factories.make_member(db, trust, role="admin")
        out[f"{trust.slug}_strategy"] = factories.make_strategy(db, trust, title=f"{trust.name} plan")
    admin = out["north_admin"]
    strategy = out["north_strategy"]
    n1 = _objective(db, strategy, admin, "N1", measure_kind="target", baseline="0", target="100")
    member_objectives.add_check_in(session=db, objective=n1, on=date(2027, 1, 10), value=40, done=False,
                                   confidence=None, note="", actor=admin)
    n2 = _objective(db, strategy, admin, "N2")
    c1 = _objective(db, strategy, admin, "N2.1", level="team", parent_id=n2.id, measure_kind="milestone")
    c2 = _objective(db, strategy, admin, "N2.2", level="team", parent_id=n2.id, measure_kind="target",
                    baseline="0", target="10", weight="3")
    member_objectives.add_check_in(session=db, objective=c1, on=date(2027, 2, 1), value=None, done=True,
                                   confidence=None, note="", actor=admin)
    member_objectives.add_check_in(session=db, objective=c2, on=date(2027, 2, 1), value=5, done=False,
                                   confidence=None, note="", actor=admin)
    s1 = _objective(db, out["south_strategy"], out["south_admin"], "S1", measure_kind="range", range_low="1",
                    range_high="2")
    ics_admin = factories.make_member(db, system, role="admin")
    target = service.save_system_objective(session=db, system=system, actor=ics_admin, values={
        "ref": "SO1", "title": "Reduce vacancies in shared services", "description": "",
        "start": date(2026, 4, 1), "due": date(2028, 3, 31)})
    out.update(n1=n1, n2=n2, c1=c1, s1=s1, target=target, ics_admin=ics_admin)
    return out


def _link(db: Session, world: dict[str, Any], slug: str, objective: Objective, weight: float = 1.0,
          target: Any = None) -> SystemObjectiveLink:
    return service.link_objective(session=db, system=world["system"], organisation=world[slug],
                                  system_objective_id=(target or world["target"]).id, objective_id=objective.id,
                                  weight=weight, actor=world[f"{slug}_admin"])


def test_the_roll_up_matches_a_hand_calculation_and_each_members_own_cascade(db: Session,
                                                                            world: dict[str, Any]) -> None:
    _link(db, world, "north", world["n1"], 1)
    _link(db, world, "north", world["n2"], 3)
    _link(db, world, "south", world["s1"], 2)
    system = world["system"]
    system.rag_amber_below, system.rag_red_below = 0.95, 0.8  # the system's own, stricter, thresholds
    db.add(system)
    db.commit()
    view = service.partnership_view(db, system, today=TODAY)
    [target] = view["objectives"]
    links = {link["objective_ref"]: link for link in target["links"]}
    # By hand: N1 is 40 of 0 to 100 = 0.4; N2 rolls up a done milestone (weight 1) and 5 of 0 to 10 (weight 3):
    # (1 + 3 * 0.5) / 4 = 0.625; S1 has no value yet, so no progress, and is left out (weights renormalised).
    assert links["N1"]["progress"] == pytest.approx(0.4)
    assert links["N2"]["progress"] == pytest.approx(0.625)
    assert links["S1"]["progress"] is None
    assert target["progress"] == pytest.approx((1 * 0.4 + 3 * 0.625) / (1 + 3))  # 0.56875
    # RAG against its own dates: 548 of 731 days gone, so 0.56875 / 0.7497 = 0.759 of what is expected: red
    # with the system's thresholds (red below 0.8), where the defaults would say amber.
    assert target["rag"] == "red"
    # Each linked objective's progress and RAG are what its member's own Objectives page shows (its thresholds).
    for slug in ("north", "south"):
        own = {v.objective.ref: v for v in member_objectives.cascade(db, world[f"{slug}_strategy"], world[slug],
                                                                     TODAY)}
        for ref, link in links.items():
            if ref in own:
                assert (link["progress"], link["rag"]) == (own[ref].progress, own[ref].rag)
    assert links["N1"]["rag"] == "amber"  # past its due date, not done: amber at best
    assert [link["organisation"] for link in target["links"]] == ["north", "north", "south"]
    assert set(links["N1"]) >= {"id", "organisation", "name", "objective_ref", "title", "weight", "progress",
                                "rag", "due"}
    # A check-in moves what the system sees, live.
    member_objectives.add_check_in(session=db, objective=world["n1"], on=date(2027, 9, 1), value=100, done=False,
                                   confidence=None, note="", actor=world["north_admin"])
    moved = service.partnership_view(db, system, today=TODAY)["objectives"][0]
    assert {link["objective_ref"]: link["progress"] for link in moved["links"]}["N1"] == 1.0


def test_the_link_goes_when_the_member_removes_it_and_the_system_sees_it_no_more(db: Session,
                                                                                world: dict[str, Any]) -> None:
    link = _link(db, world, "north", world["n1"])
    assert service.partnership_view(db, world["system"], today=TODAY)["objectives"][0]["links"]
    service.unlink_objective(session=db, link=link, actor=world["north_admin"])
    assert db.exec(select(SystemObjectiveLink)).all() == []
    assert service.partnership_view(db, world["system"], today=TODAY)["objectives"][0]["links"] == []
    trail = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["north"].id,
                                                                AuditEvent.entity == "system_objective_link")
                                                        .order_by(col(AuditEvent.id)))]
    assert trail == ["link", "unlink"]


@pytest.mark.parametrize("how", ["leave", "remove"])
def test_leaving_or_being_removed_deletes_the_members_links_in_the_same_transaction(
        db: Session, world: dict[str, Any], how: str) -> None:
    _link(db, world, "north", world["n1"])
    _link(db, world, "south", world["s1"])
    membership = systems.link_of(db, world["system"], world["north"])
    assert membership is not None
    if how == "leave":
        systems.leave(session=db, link=membership, actor=world["north_admin"])
    else:
        systems.remove(session=db, system=world["system"], link=membership, actor=world["ics_admin"])
    left = db.exec(select(SystemObjectiveLink)).all()
    assert [link.organisation_id for link in left] == [world["south"].id]  # South's link stays
    shown = service.partnership_view(db, world["system"], today=TODAY)["objectives"][0]["links"]
    assert [link["organisation"] for link in shown] == ["south"]
    unlinked = db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["north"].id,
                                                AuditEvent.action == "unlink")).all()
    assert len(unlinked) == 1 and json.loads(unlinked[0].changes)["why"] == how


def test_deleting_a_system_objective_removes_its_links_in_the_members_trails(db: Session,
                                                                            world: dict[str, Any]) -> None:
    _link(db, world, "north", world["n1"])
    _link(db, world, "south", world["s1"])
    removed = service.delete_system_objective(session=db, system=world["system"], objective=world["target"],
                                              actor=world["ics_admin"])
    assert removed == 2 and db.exec(select(SystemObjectiveLink)).all() == []
    for slug in ("north", "south"):
        assert db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world[slug].id,
                                                AuditEvent.action == "unlink")).all()
    assert db.get(Objective, world["n1"].id) is not None  # the member's own objective is untouched


def test_refusals(db: Session, world: dict[str, Any]) -> None:
    # Another organisation's objective, a non-strategic one, another system's objective: refused.
    with pytest.raises(NotFound):
        _link(db, world, "north", world["s1"])
    with pytest.raises(ServiceError, match="not a strategic objective"):
        _link(db, world, "north", world["c1"])
    other = factories.make_system(db, world["north"], slug="other-ics", name="Other ICS")
    elsewhere = service.save_system_objective(session=db, system=other, actor=None, values={
        "ref": "X1", "title": "Elsewhere"})
    with pytest.raises(NotFound):
        _link(db, world, "north", world["n1"], target=elsewhere)
    # A weight that is not a positive finite number.
    for weight in (0, -1, float("nan"), float("inf"), 10_000):
        with pytest.raises(ServiceError, match="weight"):
            _link(db, world, "north", world["n1"], weight=weight)
    # Twice: one link.
    _link(db, world, "north", world["n1"])
    with pytest.raises(ServiceError, match="already linked"):
        _link(db, world, "north", world["n1"], weight=2)
    assert len(db.exec(select(SystemObjectiveLink)).all()) == 1
    # A trust that is not a member (invited only) links nothing.
    west = factories.make_org(db, slug="west", name="West Trust")
    systems.invite(session=db, system=world["system"], member=west, actor=None)
    with pytest.raises(ServiceError, match="not a member"):
        service.link_objective(session=db, system=world["system"], organisation=west,
                               system_objective_id=world["target"].id, objective_id=world["n1"].id, weight=1,
                               actor=None)


@pytest.mark.parametrize(("values", "field"), [
    ({"ref": "", "title": "T"}, "ref"),
    ({"ref": "so1", "title": "T"}, "ref"),  # the same reference in another case
    ({"ref": "A B", "title": "T"}, "ref"),
    ({"ref": "SO2", "title": "   "}, "title"),
    ({"ref": "SO2", "title": "T" * 301}, "title"),
    ({"ref": "SO2", "title": "T", "description": "d" * 5001}, "description"),
    ({"ref": "SO2", "title": "T", "start": date(2027, 1, 2), "due": date(2027, 1, 1)}, "due"),
    ({"ref": "SO2", "title": "T", "start": "2027-01-01"}, "start"),
])
def test_a_bad_system_objective_names_its_field(db: Session, world: dict[str, Any], values: dict[str, Any],
                                                field: str) -> None:
    with pytest.raises(ServiceError) as refused:
        service.save_system_objective(session=db, system=world["system"], values=values, actor=None)
    assert refused.value.field == field


def test_a_trust_sets_no_system_objectives(db: Session, world: dict[str, Any]) -> None:
    trust: Organisation = world["north"]
    with pytest.raises(ServiceError, match="not a system"):
        service.save_system_objective(session=db, system=trust, values={"ref": "A", "title": "T"}, actor=None)


def test_reads_go_in_each_linking_members_trail(db: Session, world: dict[str, Any]) -> None:
    _link(db, world, "north", world["n1"])
    service.read_partnership(session=db, system=world["system"], today=TODAY, actor=world["ics_admin"],
                             purpose="test")
    reads = db.exec(select(AuditEvent).where(AuditEvent.action == "system_read",
                                             AuditEvent.entity == "objective")).all()
    assert [(e.organisation_id, e.entity_id) for e in reads] == [(world["north"].id, world["n1"].id)]


def test_the_demo_ics_sets_partnership_objectives_both_members_link_to(tmp_path: Path) -> None:
    from planner.services.demo_system import load_demo_system

    with factories.demo_database(tmp_path) as (db, _strategy, _organisation):
        system = load_demo_system(session=db, hash_method=factories.FAST_HASH)
        assert system is not None
        view = service.partnership_view(db, system, today=date.today())
    titles = [o["title"] for o in view["objectives"]]
    assert titles[:2] == ["Reduce vacancies in shared services", "Develop system leaders"]
    links = [link for o in view["objectives"] for link in o["links"]]
    assert {link["organisation"] for link in links} == {"demo", "demo-community"}
    assert all(link["progress"] is not None for link in links)
    assert all(o["progress"] is not None and o["rag"] is not None for o in view["objectives"])


def test_adding_changing_and_deleting_a_system_objective_is_in_the_systems_trail(db: Session,
                                                                                world: dict[str, Any]) -> None:
    target = world["target"]
    service.save_system_objective(session=db, system=world["system"], objective=target, version=target.version,
                                  actor=world["ics_admin"], values={"ref": "SO1", "title": "Develop system leaders"})
    with pytest.raises(ServiceError, match="Someone else changed this"):  # a form read before that change
        service.save_system_objective(session=db, system=world["system"], objective=target, version=1,
                                      actor=world["ics_admin"], values={"ref": "SO1", "title": "Stale"})
    service.delete_system_objective(session=db, system=world["system"], objective=target, actor=world["ics_admin"])
    trail = [(e.action, json.loads(e.changes)) for e in db.exec(select(AuditEvent).where(
        AuditEvent.organisation_id == world["system"].id, AuditEvent.entity == "system_objective")
        .order_by(col(AuditEvent.id)))]
    assert [action for action, _ in trail] == ["create", "update", "delete"]
    assert trail[1][1]["title"] == ["Reduce vacancies in shared services", "Develop system leaders"]
