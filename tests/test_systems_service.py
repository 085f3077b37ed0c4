"""Systems (docs/systems.md): membership by invitation and the member's acceptance, consent to share
by approved version, withdrawal, leaving, the member's audit trail, and the system's sums."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from planner.models import AuditEvent, Organisation, SystemShare
from planner.services import ServiceError, strategies, systems
from planner.services.baseline import AreaFigures, save_baseline
from planner.services.structure import areas_of
from planner.services.system_view import combine, member_forecast
from planner.services.versions import snapshot_of
from tests import factories


def _trail(db: Session, organisation: Organisation, action: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(e.changes) for e in db.exec(select(AuditEvent).where(
        AuditEvent.organisation_id == organisation.id, AuditEvent.action == action).order_by(AuditEvent.id))]


def _view(db: Session, system: Organisation) -> dict:  # type: ignore[type-arg]
    return combine([member_forecast(row) for row in systems.shares_of(db, system)])


def test_a_trust_joins_only_when_its_own_admin_accepts(db: Session) -> None:
    trust = factories.make_org(db, slug="north")
    system = factories.make_system(db)
    link = systems.invite(session=db, system=system, member=trust, actor=None)
    assert link.status == "invited"
    strategy = factories.planned_strategy(db, trust)
    number = factories.approve(db, strategy)
    with pytest.raises(ServiceError, match="accept its invitation first"):
        systems.share(session=db, system=system, organisation=trust, strategy=strategy, version_number=number,
                      scenario=None, actor=None)
    with pytest.raises(ServiceError, match="already been invited"):
        systems.invite(session=db, system=system, member=trust, actor=None)
    systems.accept(session=db, link=link, actor=None)
    assert [o.slug for _l, o in systems.members_of(db, system)] == ["north"]
    assert [s.slug for _l, s in systems.systems_of(db, trust)] == ["ics"]
    # The invitation and joining are in both trails.
    assert _trail(db, trust, "invite") and _trail(db, trust, "join") and _trail(db, system, "join")


def test_a_system_cannot_join_a_system_nor_hold_strategies(db: Session) -> None:
    system = factories.make_system(db)
    other = factories.make_system(db, slug="ics-2", name="Another ICS")
    with pytest.raises(ServiceError, match="only trusts can be members"):
        systems.invite(session=db, system=system, member=other, actor=None)
    with pytest.raises(ServiceError, match="no strategies of its own"):
        strategies.create_strategy(session=db, organisation=system, actor=None,
                                   values={"title": "Ours", "start_year": 2026, "horizon": 5})


def test_sharing_names_the_problem_with_the_version_or_scenario(db: Session) -> None:
    trust = factories.make_org(db, slug="north")
    system = factories.make_system(db, trust)
    strategy = factories.planned_strategy(db, trust)
    with pytest.raises(ServiceError, match="no approved version yet"):
        systems.share(session=db, system=system, organisation=trust, strategy=strategy, version_number=1,
                      scenario=None, actor=None)
    factories.approve(db, strategy)
    with pytest.raises(ServiceError, match="its approved versions are 1"):
        systems.share(session=db, system=system, organisation=trust, strategy=strategy, version_number=2,
                      scenario=None, actor=None)
    with pytest.raises(ServiceError, match="no scenario called 'Growth': it has 'Baseline'"):
        systems.share(session=db, system=system, organisation=trust, strategy=strategy, version_number=1,
                      scenario="Growth", actor=None)
    assert db.exec(select(SystemShare)).all() == []


def test_the_system_sum_is_the_members_own_snapshots_and_a_draft_change_moves_nothing(db: Session) -> None:
    north, south = factories.make_org(db, slug="north"), factories.make_org(db, slug="south")
    system = factories.make_system(db, north, south)
    shared = {}
    for trust, frontline in ((north, 40), (south, 90)):
        strategy = factories.planned_strategy(db, trust, frontline=frontline)
        number = factories.approve(db, strategy)
        systems.share(session=db, system=system, organisation=trust, strategy=strategy, version_number=number,
                      scenario="Baseline", actor=None)
        shared[trust.slug] = strategy
    view = _view(db, system)
    assert view["notes"] == [] and view["years"] == [2027, 2028, 2029, 2030, 2031]
    assert all(m["lacking"] for m in view["members"])  # as each version stood: no objectives yet, for one
    own = {}
    for share, _o, _s, version in systems.shares_of(db, system):
        frozen = snapshot_of(version)["scenarios"][0]["totals"]
        own[share.organisation_id] = {(r["level"], r["year"]): r for r in frozen}
    for row in view["totals"]:
        key = (row["level"], row["year"])
        assert row["end"] == pytest.approx(sum(o[key]["end"] for o in own.values()))
        assert row["external_appointments"] == pytest.approx(sum(o[key]["external_appointments"] for o in own.values()))
    before = view["totals"]
    # A draft change (the baseline doubles) does not move the system view...
    strategy = shared["north"]
    area = areas_of(db, strategy)[0]
    save_baseline(session=db, strategy=strategy, actor=None,
                  figures={area.id: AreaFigures(staff=800, fte=760.0, leaders={"frontline": 400})})  # type: ignore[dict-item]
    assert _view(db, system)["totals"] == before
    # ...until a new version is approved and shared.
    number = factories.approve(db, strategy)
    systems.share(session=db, system=system, organisation=north, strategy=strategy, version_number=number,
                  scenario=None, actor=None)
    assert _view(db, system)["totals"] != before
    assert _trail(db, north, "share")[-1]["before"] == {"version": 1, "scenario": "Baseline"}


def test_withdrawal_and_leaving_take_the_member_out_at_once(db: Session) -> None:
    north, south = factories.make_org(db, slug="north"), factories.make_org(db, slug="south")
    system = factories.make_system(db, north, south)
    made = {}
    for trust in (north, south):
        strategy = factories.planned_strategy(db, trust)
        made[trust.slug] = systems.share(session=db, system=system, organisation=trust, strategy=strategy,
                                         version_number=factories.approve(db, strategy), scenario=None, actor=None)
    both = _view(db, system)
    systems.withdraw(session=db, found=made["north"], actor=None)
    after = _view(db, system)
    assert [m["organisation"] for m in after["members"]] == ["south"]
    assert after["totals"] != both["totals"]
    assert _trail(db, north, "withdraw")[0]["system"] == "ics"
    link = systems.link_of(db, system, south)
    systems.leave(session=db, link=link, actor=None)  # type: ignore[arg-type]
    assert _view(db, system)["members"] == [] and systems.members_of(db, system)[0][1].slug == "north"
    assert _trail(db, south, "withdraw") and _trail(db, south, "leave")


def test_a_member_on_other_years_is_shown_on_its_own_years_and_not_added(db: Session) -> None:
    north, south, west = (factories.make_org(db, slug=s) for s in ("north", "south", "west"))
    system = factories.make_system(db, north, south, west)
    for trust, start in ((north, 2026), (south, 2026), (west, 2027)):
        strategy = factories.planned_strategy(db, trust, start_year=start)
        systems.share(session=db, system=system, organisation=trust, strategy=strategy,
                      version_number=factories.approve(db, strategy), scenario=None, actor=None)
    view = _view(db, system)
    assert view["years"] == [2027, 2028, 2029, 2030, 2031]
    west_row = next(m for m in view["members"] if m["organisation"] == "west")
    assert west_row["years"] == [2028, 2029, 2030, 2031, 2032] and not west_row["in_system_totals"]
    assert "not added to the system's totals" in west_row["note"] and view["notes"] == [west_row["note"]]
    aligned = [m for m in view["members"] if m["in_system_totals"]]
    first = next(r for r in view["totals"] if r["level"] == "frontline" and r["year"] == 2027)
    assert first["end"] == pytest.approx(sum(
        next(t["end"] for t in m["totals"] if t["level"] == "frontline" and t["year"] == 2027) for m in aligned))


def test_reads_are_written_to_each_members_trail(db: Session) -> None:
    north = factories.make_org(db, slug="north")
    system = factories.make_system(db, north)
    strategy = factories.planned_strategy(db, north)
    systems.share(session=db, system=system, organisation=north, strategy=strategy,
                  version_number=factories.approve(db, strategy), scenario=None, actor=None)
    user = factories.make_member(db, system, role="viewer")
    systems.record_reads(session=db, system=system, rows=systems.shares_of(db, system), actor=user, purpose="forecast")
    event = db.exec(select(AuditEvent).where(AuditEvent.organisation_id == north.id,
                                             AuditEvent.action == "system_read")).one()
    assert event.user_id == user.id and json.loads(event.changes)["system"] == "ics"


def test_declining_an_invitation_is_in_both_trails_and_leaves_no_link(db: Session) -> None:
    north = factories.make_org(db, slug="north")
    system = factories.make_system(db)
    link = systems.invite(session=db, system=system, member=north, actor=None)
    systems.leave(session=db, link=link, actor=None)
    assert systems.link_of(db, system, north) is None and systems.systems_of(db, north) == []
    assert _trail(db, north, "decline") and _trail(db, system, "decline") and not _trail(db, north, "leave")


@pytest.mark.parametrize("typed", ["\x00", "demo\x00", "x" * 300, "no spaces", "../etc"])
def test_text_that_cannot_be_a_slug_finds_no_organisation_or_system(db: Session, typed: str) -> None:
    # PostgreSQL refuses a NUL byte in a query's text: such a slug must find nothing, not fail the request.
    factories.make_org(db, slug="demo", name="Demo Trust")
    assert systems.find_system(db, typed) is None
    with pytest.raises(systems.NotFound):
        systems.system_by_slug(db, typed)
