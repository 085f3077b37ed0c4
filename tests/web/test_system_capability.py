"""The system's capability page and API (docs/systems.md, "Capability across the system"): pooled
self-assessment results equal the members' answers pooled; gaps equal the sums of what each member's
own admin reads in the shared versions; a member below five responses is left out with a note; only
the system's people see it, every read is in the members' trails, and a withdrawn member drops out."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.cli import main
from planner.db import engine_for
from planner.models import AuditEvent, Organisation, Strategy, User
from planner.services import accounts, competencies, surveys, systems
from planner.services.structure import areas_of
from planner.survey.scoring import Response, score
from tests import factories

KEYS = ("clf-collective-vision", "clf-partnership-working")


def _bearer(db: Session, user: User, organisation: Organisation) -> dict[str, str]:
    _token, plain = accounts.create_token(session=db, user=user, organisation=organisation, name="test")
    return {"Authorization": f"Bearer {plain}"}


def _answers(how_many: int, centre: float, seed: int) -> list[Response]:
    """Seeded answers to every statement (some "don't know"), as people of several groups would give."""
    rng = random.Random(seed)
    keys = [d.items for d in surveys.default_instrument()[0]]
    out = []
    for _ in range(how_many):
        answers: dict[str, int | None] = {item.key: None if rng.random() < 0.1 else
                                          min(5, max(1, round(rng.gauss(centre, 1.0)))) for items in keys
                                          for item in items}
        out.append(Response(rng.choice(["board", "senior", "frontline"]), answers))
    return out


def equipped(db: Session, trust: Organisation, *, responses: int, assessed: dict[str, dict[int, int]],
             seed: int) -> tuple[Strategy, list[Response]]:
    """A trust's strategy with a survey of `responses` answers and assessments of its middle leaders, approved."""
    strategy = factories.planned_strategy(db, trust, title=f"{trust.name} plan")
    answers = _answers(responses, 3.0 + seed / 10, seed)
    if responses:
        survey = surveys.create_survey(session=db, strategy=strategy, name=f"{trust.name} survey", closes_on=None,
                                       actor=None)
        surveys.import_responses(session=db, survey=survey, responses=answers, actor=None)
    competencies.ensure_required(db, strategy)
    ids = {c.key: c.id for c in competencies.catalogue(db, trust.id).all_competencies()}
    (area,) = areas_of(db, strategy)
    middle = factories.level(db, strategy, "middle")
    competencies.replace_assessed(session=db, strategy=strategy, actor=None, source="test",
                                  counts={(area.id, middle.id, ids[key]): steps for key, steps in assessed.items()})
    factories.approve(db, strategy)
    return strategy, answers


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    """North (30 responses) and south (12) have results; west has 4 responses, so none; all assess middle
    leaders, south on one competency of its own choosing fewer. Nothing shared yet."""
    trusts = {slug: factories.make_org(db, slug=slug, name=f"{slug.title()} Trust") for slug in ("north", "south",
                                                                                                "west")}
    system = factories.make_system(db, *trusts.values())
    out: dict[str, Any] = {"system": system, **trusts}
    plans = {"north": (30, {KEYS[0]: {1: 2, 2: 5, 3: 8, 4: 5}, KEYS[1]: {1: 6, 2: 6, 3: 6}}),
             "south": (12, {KEYS[0]: {2: 3, 3: 7}}),
             "west": (4, {KEYS[0]: {1: 1, 3: 3}, KEYS[1]: {2: 4}})}
    for seed, (slug, (responses, assessed)) in enumerate(plans.items(), start=1):
        strategy, answers = equipped(db, trusts[slug], responses=responses, assessed=assessed, seed=seed)
        admin = factories.make_member(db, trusts[slug], role="admin")
        out[slug] = {"org": trusts[slug], "strategy": strategy, "answers": answers, "admin": admin,
                     "headers": _bearer(db, admin, trusts[slug])}
    ics_user = factories.make_member(db, system, role="viewer")
    out["ics_user"], out["ics_headers"] = ics_user, _bearer(db, ics_user, system)
    return out


def _share(client: FlaskClient, world: dict[str, Any], slug: str) -> int:
    made = client.post("/api/v1/systems/ics/shares", json={"strategy": world[slug]["strategy"].id, "version": 1},
                       headers=world[slug]["headers"])
    assert made.status_code == 201, made.get_json()
    return int(made.get_json()["id"])


def _capability(client: FlaskClient, world: dict[str, Any]) -> dict[str, Any]:
    response = client.get("/api/v1/systems/ics/capability", headers=world["ics_headers"])
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def test_the_pooled_survey_equals_the_shared_members_answers_pooled_and_a_small_member_is_left_out(
        client: FlaskClient, world: dict[str, Any]) -> None:
    for slug in ("north", "south", "west"):
        _share(client, world, slug)
    view = _capability(client, world)
    assert [(m["organisation"], m["responses"], m["assessed"]) for m in view["members"]] == [
        ("north", 30, True), ("south", 12, True), ("west", 4, True)]
    expected = score(world["north"]["answers"] + world["south"]["answers"], surveys.default_instrument()[0])
    got = {d["key"]: d for d in view["survey"]["dimensions"]}
    for dimension in expected.dimensions:
        assert got[dimension.key]["mean"] == pytest.approx(dimension.mean, abs=1e-9)
        assert got[dimension.key]["sd"] == pytest.approx(dimension.sd, abs=1e-9)
        assert got[dimension.key]["share_agreeing"] == pytest.approx(dimension.share_agree, abs=1e-9)
        assert got[dimension.key]["members"] == 2
    assert view["survey"]["responses"] == 42
    assert ("West Trust's survey 'West Trust survey' has 4 responses, fewer than the 5 a survey needs before any "
            "result is shown, so it is not pooled.") in view["notes"]


def test_the_pooled_gaps_equal_the_sums_of_what_each_members_admin_reads_in_its_shared_version(
        client: FlaskClient, world: dict[str, Any]) -> None:
    sums: dict[tuple[str, str], list[int]] = {}
    for slug in ("north", "south", "west"):
        _share(client, world, slug)
        strategy = world[slug]["strategy"]
        (version,) = client.get(f"/api/v1/strategies/{strategy.id}/versions",
                                headers=world[slug]["headers"]).get_json()["versions"]
        own = client.get(f"/api/v1/strategies/{strategy.id}/versions/{version['id']}",
                         headers=world[slug]["headers"]).get_json()
        for gap in own["content"]["competencies"]["gaps"]:
            cell = sums.setdefault((gap["level"], gap["competency"]), [0, 0, 0])
            cell[0], cell[1], cell[2] = cell[0] + gap["assessed"], cell[1] + gap["below_required"], cell[2] + 1
    rows = {(r["level"], r["competency"]): r for r in _capability(client, world)["gaps"]["rows"]}
    assert {key: [r["assessed"], r["below_required"], r["members"]] for key, r in rows.items()} == sums
    # Collective vision at middle level: north 20 assessed (7 below step 3), south 10 (3), west 4 (1).
    vision = rows[("middle", KEYS[0])]
    assert (vision["assessed"], vision["below_required"], vision["members"]) == (34, 11, 3)
    assert vision["share_below"] == pytest.approx(11 / 34)
    assert rows[("middle", KEYS[1])]["members"] == 2  # south does not assess partnership working


def test_before_sharing_and_after_withdrawal_the_member_is_not_in_the_pooled_figures(
        client: FlaskClient, db: Session, world: dict[str, Any]) -> None:
    before = _capability(client, world)
    assert before["members"] == [] and before["survey"]["pooled"] is False and before["gaps"]["rows"] == []
    north = _share(client, world, "north")
    _share(client, world, "south")
    assert [m["organisation"] for m in _capability(client, world)["members"]] == ["north", "south"]
    gone = client.delete(f"/api/v1/systems/ics/shares/{north}", headers=world["north"]["headers"])
    assert gone.status_code == 204
    after = _capability(client, world)
    assert [m["organisation"] for m in after["members"]] == ["south"]
    only_south = score(world["south"]["answers"], surveys.default_instrument()[0])
    assert [d["mean"] for d in after["survey"]["dimensions"]] == pytest.approx([d.mean for d in only_south.dimensions])
    assert after["survey"]["responses"] == 12
    # A member that leaves takes its shares with it.
    link = systems.link_of(db, world["system"], world["south"]["org"])
    assert link is not None
    systems.leave(session=db, link=link, actor=None)
    assert _capability(client, world)["members"] == []


def test_a_members_draft_changes_do_not_move_the_pooled_figures(client: FlaskClient, db: Session,
                                                                world: dict[str, Any]) -> None:
    _share(client, world, "north")
    before = _capability(client, world)
    (survey,) = surveys.surveys_of(db, world["north"]["strategy"])
    surveys.import_responses(session=db, survey=survey, responses=_answers(20, 1.0, 99), actor=None)
    assert _capability(client, world) == before


def test_every_read_is_in_the_members_own_trails(client: FlaskClient, db: Session, world: dict[str, Any]) -> None:
    from tests.conftest import login

    _share(client, world, "north")
    _capability(client, world)
    login(client, world["ics_user"].email)
    assert client.get("/systems/ics/capability").status_code == 200
    reads = [json.loads(e.changes) for e in db.exec(select(AuditEvent).where(
        AuditEvent.organisation_id == world["north"]["org"].id, AuditEvent.action == "system_read"))]
    assert [(r["read"], r["system"], r["version"]) for r in reads] == [("capability", "ics", 1)] * 2
    assert not db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["south"]["org"].id,
                                                AuditEvent.action == "system_read")).all()


def test_only_the_systems_own_people_see_it(client: FlaskClient, db: Session, world: dict[str, Any]) -> None:
    from tests.conftest import login

    _share(client, world, "north")
    # A member's admin and its viewer: a member's consent is to the system, not to the other members.
    viewer = factories.make_member(db, world["south"]["org"], role="viewer")
    for headers in (world["north"]["headers"], world["south"]["headers"], _bearer(db, viewer, world["south"]["org"])):
        assert client.get("/api/v1/systems/ics/capability", headers=headers).status_code == 404
    outsider = factories.make_org(db, slug="elsewhere")
    outsider_admin = factories.make_member(db, outsider, role="admin")
    assert client.get("/api/v1/systems/ics/capability",
                      headers=_bearer(db, outsider_admin, outsider)).status_code == 404
    other = factories.make_system(db, outsider, slug="other-ics")
    for slug in ("other-ics", "north", "no-such-system", "%00", "x" * 300):
        assert client.get(f"/api/v1/systems/{slug}/capability", headers=world["ics_headers"]).status_code == 404
    assert other is not None
    login(client, world["north"]["admin"].email)
    assert client.get("/systems/ics/capability").status_code == 404
    client.post("/logout")
    login(client, world["ics_user"].email)
    assert client.get("/systems/other-ics/capability").status_code == 404
    # Nothing read, nothing recorded: only the system's own reads reach a member's trail.
    reads = db.exec(select(AuditEvent).where(AuditEvent.organisation_id == world["north"]["org"].id,
                                             AuditEvent.action == "system_read")).all()
    assert reads == []


def test_the_page_shows_each_part_with_the_members_status_and_is_linked_from_the_home(
        app: Flask, client: FlaskClient, world: dict[str, Any]) -> None:
    from tests.conftest import login

    browser = app.test_client()
    login(browser, world["ics_user"].email)
    empty = browser.get("/systems/ics/capability").get_data(as_text=True)
    assert "No member shares an approved version yet." in empty
    assert "No member&#39;s shared version holds survey results to pool." in empty
    for slug in ("north", "west"):
        _share(client, world, slug)
    assert "/systems/ics/capability" in browser.get("/systems/ics").get_data(as_text=True)
    page = browser.get("/systems/ics/capability").get_data(as_text=True)
    assert "<title>Capability across the system: Dale Integrated Care System" in page
    assert "North Trust survey: 30 responses" in page and "West Trust survey: 4 responses" in page
    assert "has 4 responses, fewer than the 5 a survey needs" in page
    assert 'id="pooled-dimensions"' in page and 'id="pooled-gaps"' in page
    assert "By dimension, across the system" in page and "Gaps by competency and level, across the system" in page
    # Collective vision at middle level: north 7 of 20 below, west 1 of 4: 8 of 24, a third.
    assert "33.3%" in page


def test_the_capability_views_statements_do_not_grow_with_its_members(client: FlaskClient, db: Session) -> None:
    """As the system's home: one query for the shares, one batch of audit events for the reads."""
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
        strategy, _answers_given = equipped(db, trust, responses=6, assessed={KEYS[0]: {2: n, 3: 2}}, seed=n)
        systems.share(session=db, system=system, organisation=trust, strategy=strategy, version_number=1,
                      scenario=None, actor=None)
        if n in (2, 6):
            counted[n] = (count_queries(client, "/api/v1/systems/ics/capability"),
                          count_queries(client, "/systems/ics/capability"))
    view = client.get("/api/v1/systems/ics/capability").get_json()
    assert len(view["members"]) == 6 and view["survey"]["dimensions"][0]["members"] == 6
    assert counted[6] == counted[2], counted


def test_the_demo_ics_pools_both_members_surveys_and_gaps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`planner demo`: the community trust has its own survey and assessments, so the demo ICS pools two members."""
    from planner import create_app

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", factories.FAST_HASH)
    runner = CliRunner()
    assert runner.invoke(main, ["init-db"]).exit_code == 0
    loaded = runner.invoke(main, ["demo"])
    assert loaded.exit_code == 0, loaded.output
    app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url,
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": factories.FAST_HASH})
    client = app.test_client()
    assert client.post("/login", data={"email": "ics@demo.nhs.uk", "password": "demo-ics-2026"}).status_code == 302
    view = client.get("/api/v1/systems/demo-ics/capability").get_json()
    assert [(m["organisation"], m["assessed"]) for m in view["members"]] == [("demo-community", True), ("demo", True)]
    assert all(m["responses"] >= 5 for m in view["members"]) and view["notes"] == []
    assert view["survey"]["pooled"] and {d["members"] for d in view["survey"]["dimensions"]} == {2}
    members_by_row = {(r["level"], r["competency"]): r["members"] for r in view["gaps"]["rows"]}
    assert members_by_row[("middle", "clf-partnership-working")] == 2
    assert members_by_row[("board", "lcf-community-voice")] == 1  # only the community trust assesses it
    page = client.get("/systems/demo-ics/capability")
    assert page.status_code == 200 and "Dale Community and Mental Health NHS Trust" in page.get_data(as_text=True)
    with Session(engine_for(url)) as db:  # the community trust's own trail accounts for what the demo wrote
        community = accounts.find_organisation(db, "demo-community")
        assert community is not None
        loads = db.exec(select(AuditEvent).where(AuditEvent.organisation_id == community.id,
                                                 AuditEvent.action == "load")).all()
        assert [json.loads(e.changes)["file"] for e in loads] == ["community.json"]
