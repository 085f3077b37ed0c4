"""The Approve step as a board secretary uses it: what is missing, submitting, recording the board's
decision, reading a frozen version and its pack, comparing versions; and the API of versions and
completeness."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from planner.models import Organisation, Strategy, StrategyVersion
from planner.services import strategies
from planner.services.accounts import create_token
from planner.services.completeness import completeness
from planner.services.scenarios import scenario_from_data
from tests import factories

YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture
def plan(db: Session, org: Organisation) -> Strategy:
    strategy = factories.make_strategy(db, org, title="Leadership for All")
    surgery = factories.make_area(db, strategy, "SURG", "Surgery")
    factories.set_baseline(db, strategy, surgery, staff=400, fte=380.0, senior=3, middle=12, frontline=40)
    scenario_from_data(session=db, strategy=strategy, actor=None, data={
        "name": "Baseline", "areas": {"SURG": {"staff_growth": 0.02, "span": {"frontline": 10}}}})
    return strategy


def _decide(client, plan: Strategy, **fields: str):  # type: ignore[no-untyped-def]
    data = {"meeting_date": YESTERDAY.isoformat(), "minute": "BD/2026/17", "decision": "approved", "notes": ""}
    data.update(fields)
    return client.post(f"/strategies/{plan.id}/approve/decision", data=data)


def test_an_editor_submits_and_records_an_approval_that_freezes_version_1(client, signed_in, db: Session,
                                                                         plan: Strategy) -> None:
    signed_in("editor")
    page = client.get(f"/strategies/{plan.id}/approve").get_data(as_text=True)
    assert "No version has been approved yet." in page and "Submit for approval" in page
    assert client.post(f"/strategies/{plan.id}/approve/submit").status_code == 302
    page = client.get(f"/strategies/{plan.id}/approve").get_data(as_text=True)
    assert "Submitted for approval" in page and "Record the board's decision" in page
    response = _decide(client, plan, notes="Add a patient panel before version 2")
    assert response.status_code == 302
    version = db.exec(select(StrategyVersion).where(StrategyVersion.strategy_id == plan.id)).one()
    assert response.headers["Location"].endswith(f"/strategies/{plan.id}/versions/{version.id}")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 1, as the board approved it" in shown and "BD/2026/17" in shown
    listed = client.get(f"/strategies/{plan.id}/approve").get_data(as_text=True)
    assert "Version 1" in listed and "Draft of version 2" in listed
    pack = client.get(f"/strategies/{plan.id}/versions/{version.id}/pack.xlsx")
    assert pack.status_code == 200 and "version-1" in pack.headers["Content-Disposition"]
    cover = {r[0]: r[1] for r in load_workbook(io.BytesIO(pack.data))["Cover"].iter_rows(values_only=True) if r[0]}
    assert cover["Minute reference"] == "BD/2026/17" and cover["Decision notes"].startswith("Add a patient panel")


@pytest.mark.parametrize(("fields", "message"), [
    ({"meeting_date": "next Tuesday"}, "Enter the meeting date as a date"),
    ({"meeting_date": (date.today() + timedelta(days=7)).isoformat()}, "today or earlier"),
    ({"minute": ""}, "Enter the minute reference"),
    ({"decision": ""}, "Choose the board&#39;s decision"),
])
def test_a_bad_decision_is_shown_with_its_message_and_nothing_is_frozen(client, signed_in, db: Session,
                                                                        plan: Strategy, fields, message) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    client.post(f"/strategies/{plan.id}/approve/submit")
    response = _decide(client, plan, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.exec(select(StrategyVersion)).all() == []


def test_viewers_read_the_step_but_see_no_forms(client, signed_in, plan: Strategy) -> None:
    signed_in("viewer")
    page = client.get(f"/strategies/{plan.id}/approve").get_data(as_text=True)
    assert "What the strategy still lacks" in page
    assert "Submit for approval" not in page
    assert client.post(f"/strategies/{plan.id}/approve/submit").status_code == 403


def test_the_comparison_page_shows_what_changed_since_the_version(client, signed_in, db: Session,
                                                                  plan: Strategy) -> None:
    editor = signed_in("editor")
    client.post(f"/strategies/{plan.id}/approve/submit")
    _decide(client, plan)
    db.refresh(plan)  # the pages above changed it (submitted, then decided): a save from the old copy is refused
    strategies.update_scope(session=db, strategy=plan, actor=editor, values={
        "title": "Leadership for All", "start_year": 2026, "horizon": 5, "vision": "Every leader compassionate",
        "mission": "", "values": "", "owner": ""})
    page = client.get(f"/strategies/{plan.id}/compare").get_data(as_text=True)
    assert "What changed from version 1 to the current draft" in page
    assert "Every leader compassionate" in page
    assert 'id="unchanged-baseline"' in page


def test_completeness_items_appear_and_clear(db: Session, plan: Strategy, org: Organisation) -> None:
    def lacking() -> list[str]:
        return [f"{i.step}: {i.message}" for i in completeness(db, plan, org, date.today())]

    assert "scope: The strategy has no vision yet" in lacking()
    editor = factories.make_member(db, org, role="editor")
    strategies.update_scope(session=db, strategy=plan, actor=editor, values={
        "title": plan.title, "start_year": 2026, "horizon": 5, "vision": "A vision", "mission": "A mission",
        "values": "Kindness", "owner": "Chief People Officer"})
    assert not any(item.startswith("scope:") for item in lacking())
    assert "consult: No consultation with patients and the public is recorded" in lacking()
    assert any(item.startswith("diversity: Levels without a diversity target") for item in lacking())


def test_the_home_page_shows_what_is_missing_and_the_approve_task(client, signed_in, plan: Strategy) -> None:
    signed_in("viewer")
    page = client.get(f"/strategies/{plan.id}").get_data(as_text=True)
    assert "Before the board approves" in page and "The strategy has no vision yet" in page
    assert f'href="/strategies/{plan.id}/approve"' in page


# --- the API ------------------------------------------------------------------------------------


@pytest.fixture
def bearer(db: Session, org: Organisation) -> dict[str, str]:
    _token, plain = create_token(session=db, user=factories.make_member(db, org, role="viewer"), organisation=org,
                                 name="test")
    return {"Authorization": f"Bearer {plain}"}


def test_the_api_lists_versions_and_gives_a_snapshot_with_the_baseline(client, signed_in, db: Session,
                                                                     plan: Strategy, bearer) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    before = client.get(f"/api/v1/strategies/{plan.id}/baseline", headers=bearer).get_json()
    client.post(f"/strategies/{plan.id}/approve/submit")
    _decide(client, plan)
    listed = client.get(f"/api/v1/strategies/{plan.id}/versions", headers=bearer).get_json()
    (entry,) = listed["versions"]
    assert entry["number"] == 1 and entry["minute"] == "BD/2026/17" and entry["decision"] == "approved"
    assert entry["approved_on"] == YESTERDAY.isoformat()
    snapshot = client.get(f"/api/v1/strategies/{plan.id}/versions/{entry['id']}", headers=bearer).get_json()
    assert snapshot["baseline"] == before
    assert snapshot["number"] == 1 and snapshot["content"]["strategy"]["title"] == "Leadership for All"


def test_the_api_gives_completeness_items(client, plan: Strategy, bearer) -> None:  # type: ignore[no-untyped-def]
    items = client.get(f"/api/v1/strategies/{plan.id}/completeness", headers=bearer).get_json()["items"]
    assert {"step": "scope", "message": "The strategy has no vision yet"} in items
    assert all(set(item) == {"step", "message"} for item in items)


def test_the_demo_has_version_1_approved_and_completeness_lists_what_it_still_lacks(client, db: Session) -> None:
    from planner.services.demo import load_demo
    from tests.conftest import login

    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    login(client, "secretary@demo.nhs.uk", "demo-editor-2026")
    page = client.get(f"/strategies/{strategy.id}/approve").get_data(as_text=True)
    assert "Draft of version 2 (version 1 approved 29 October 2026)" in page
    assert "BD/2026/112" in page and "Approved with changes" in page
    items = [f"{i.step}: {i.message}" for i in completeness(db, strategy, organisation, date.today())]
    # S2, S3 and S4 are measured only through the objectives below them; S1, S5 and S6 have outcome measures.
    assert any(i.startswith("objectives: 3 objectives failing the SMART check: S2, S3, S4") for i in items)
    assert any(i.startswith("competencies: ") for i in items)
    # Patients were heard and the consultation closed; what is left is answering the last comments (the task
    # list said so before the completeness check did: one rule for both now).
    assert [i for i in items if i.startswith("consult: ")] == ["consult: 4 comments still to answer"]
    compared = client.get(f"/strategies/{strategy.id}/compare").get_data(as_text=True)
    assert "the time to learn" in compared  # the vision changed since version 1
    assert "10.50%" in compared  # and Growth's frontline leaver rate
