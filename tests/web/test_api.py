"""The JSON API's shapes and its authentication."""

from __future__ import annotations

from sqlmodel import Session

from planner.services import scenarios
from planner.services.accounts import create_token, revoke_token
from tests import factories


def _bearer(db: Session, user, organisation) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, plain = create_token(session=db, user=user, organisation=organisation, name="test")
    return {"Authorization": f"Bearer {plain}"}


def test_strategy_list_detail_and_baseline_shapes(client, db: Session, org) -> None:
    viewer = factories.make_member(db, org, role="viewer")
    strategy = factories.make_strategy(db, org, title="Plan", start_year=2027, horizon=4, vision="V")
    med = factories.make_area(db, strategy, "MED", "Medicine")
    ed = factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    factories.set_baseline(db, strategy, ed, staff=420, fte=381.5, senior=1, frontline=33)
    headers = _bearer(db, viewer, org)

    listed = client.get("/api/v1/strategies", headers=headers)
    assert listed.status_code == 200
    assert listed.get_json() == {"strategies": [
        {"id": strategy.id, "title": "Plan", "start_year": 2027, "horizon": 4}]}

    detail = client.get(f"/api/v1/strategies/{strategy.id}", headers=headers).get_json()
    assert detail["title"] == "Plan" and detail["vision"] == "V" and detail["horizon"] == 4
    assert [lv["key"] for lv in detail["levels"]] == ["board", "senior", "middle", "frontline"]
    assert detail["levels"][2] == {"key": "middle", "name": "Middle leaders", "bands": [
        "8a", "8b", "8c", "Associate Specialist", "Specialist", "Consultant", "Clinical Lead"]}
    assert detail["areas"] == [
        {"code": "MED", "name": "Medicine", "parent": None},
        {"code": "MED-ED", "name": "Emergency Department", "parent": "MED"},
    ]

    baseline = client.get(f"/api/v1/strategies/{strategy.id}/baseline", headers=headers).get_json()
    assert baseline == {"areas": [
        {"code": "MED", "staff": 0, "fte": 0.0, "leaders": {"board": 0, "senior": 0, "middle": 0, "frontline": 0},
         "establishment": {}, "vacancies": {}},
        {"code": "MED-ED", "staff": 420, "fte": 381.5,
         "leaders": {"board": 0, "senior": 1, "middle": 0, "frontline": 33}, "establishment": {}, "vacancies": {}},
    ], "vacancies": {}, "diversity": []}


def test_session_sign_in_also_works(client, db: Session, strategy, signed_in) -> None:
    signed_in("viewer")
    assert client.get(f"/api/v1/strategies/{strategy.id}").status_code == 200


def test_bad_missing_and_revoked_tokens_get_401_json(client, db: Session, org, strategy) -> None:
    user = factories.make_member(db, org)
    token, plain = create_token(session=db, user=user, organisation=org, name="t")
    assert client.get("/api/v1/strategies").status_code == 401
    bad = client.get("/api/v1/strategies", headers={"Authorization": "Bearer clp_not-a-token"})
    assert bad.status_code == 401 and bad.get_json()["status"] == 401
    good = client.get("/api/v1/strategies", headers={"Authorization": f"Bearer {plain}"})
    assert good.status_code == 200
    revoke_token(session=db, token=token, actor=user)
    assert client.get("/api/v1/strategies", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_token_acts_with_its_users_role_and_stops_with_membership(client, db: Session, org, strategy) -> None:
    from planner.services.accounts import remove_member

    admin = factories.make_member(db, org, role="admin")
    contributor = factories.make_member(db, org, role="contributor")
    headers = _bearer(db, contributor, org)
    assert client.get(f"/api/v1/strategies/{strategy.id}", headers=headers).status_code == 200
    remove_member(session=db, membership=factories.membership_of(db, contributor, org), actor=admin)
    assert client.get(f"/api/v1/strategies/{strategy.id}", headers=headers).status_code == 401


def test_unknown_strategy_and_unknown_route_are_json_404(client, db: Session, org) -> None:
    user = factories.make_member(db, org)
    headers = _bearer(db, user, org)
    response = client.get("/api/v1/strategies/999999", headers=headers)
    assert response.status_code == 404 and response.is_json
    assert client.get("/api/v1/nothing-here", headers=headers).is_json


def test_tokens_page_shows_a_new_token_once_and_stores_only_its_hash(client, db: Session, signed_in) -> None:
    from sqlmodel import select

    from planner.models import ApiToken

    signed_in("viewer")
    page = client.post("/account/tokens", data={"name": "Power BI"}).get_data(as_text=True)
    shown = page.split('class="app-token">', 1)[1].split("<", 1)[0]
    assert shown.startswith("clp_") and len(shown) > 40
    stored = db.exec(select(ApiToken)).one()
    assert shown not in stored.token_hash and stored.prefix == shown[:8]
    assert shown not in client.get("/account/tokens").get_data(as_text=True)
    assert client.get("/api/v1/strategies", headers={"Authorization": f"Bearer {shown}"}).status_code == 200


def test_the_scenario_reports_read_the_scenario_asked_for_else_the_first(client, db: Session, org, strategy) -> None:
    scenarios.create_scenario(session=db, strategy=strategy, name="Steady", actor=None)
    growth = scenarios.create_scenario(session=db, strategy=strategy, name="Growth", actor=None)
    first = scenarios.scenarios_of(db, strategy)[0]
    assert first.id != growth.id
    theirs = scenarios.create_scenario(session=db, strategy=factories.make_strategy(db, org, title="Another"),
                                       name="Theirs", actor=None)
    headers = _bearer(db, factories.make_member(db, org, role="viewer"), org)
    for report in ("diversity", "succession"):
        path = f"/api/v1/strategies/{strategy.id}/{report}"
        assert client.get(path, headers=headers).get_json()["scenario"] == {"id": first.id, "name": first.name}
        asked = client.get(f"{path}?scenario={growth.id}", headers=headers).get_json()
        assert asked["scenario"] == {"id": growth.id, "name": "Growth"}
        # Another strategy's scenario, even of the same organisation, is not this strategy's: 404.
        elsewhere = client.get(f"{path}?scenario={theirs.id}", headers=headers)
        assert elsewhere.status_code == 404 and elsewhere.get_json()["status"] == 404
