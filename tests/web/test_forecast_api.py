"""The forecast over the JSON API: POST a spec to /api/v1/forecast, and read a stored scenario's
spec and forecast; the answers are the engine's own, and bad input is refused with every problem."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from planner.forecast import forecast, parse_spec
from planner.models import Organisation, Strategy
from planner.services.accounts import create_token, user_by_email
from planner.services.demo import DEMO_FILE, load_demo
from planner.services.scenarios import scenarios_of, spec_for
from tests import factories

SPEC: dict[str, Any] = {
    "start_year": 2026,
    "horizon": 5,
    "levels": [
        {"key": "board", "leaver_rate": 0.10, "ready_rate": 0.00, "internal_fill_max": 0.0},
        {"key": "senior", "leaver_rate": 0.09, "ready_rate": 0.04, "internal_fill_max": 0.6},
        {"key": "middle", "leaver_rate": 0.10, "ready_rate": 0.06, "internal_fill_max": 0.7},
        {"key": "frontline", "leaver_rate": 0.12, "ready_rate": 0.08, "internal_fill_max": 0.8},
    ],
    "areas": [
        {"key": "medicine", "staff": 2400, "staff_growth": 0.03,
         "leaders": {"board": 0, "senior": 12, "middle": 60, "frontline": 180},
         "span": {"middle": 40, "frontline": 13},
         "overrides": {"frontline": {"leaver_rate": 0.15}}},
        {"key": "surgery", "staff": 1500, "staff_growth": [0.01, 0.02, 0.0, -0.01, 0.0],
         "leaders": {"senior": 8, "middle": 30, "frontline": 110}, "span": {"frontline": 14}},
    ],
    "diversity_targets": [
        {"level": "senior", "group": "ethnic_minority", "baseline_count": 1,
         "target_share": 0.25, "target_year": 2031,
         "leaver_rate_ratio": 1.0, "current_appointment_share": 0.15},
    ],
}


def _spec(**changes: Any) -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    spec.update(changes)
    return spec


def _bearer(db: Session, user, organisation) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, plain = create_token(session=db, user=user, organisation=organisation, name="test")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def headers(db: Session, org) -> dict[str, str]:
    """A viewer's token: reading and forecasting need no more."""
    return _bearer(db, factories.make_member(db, org, role="viewer"), org)


def _post(client, body: bytes | str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/forecast", data=body, headers={**headers, "Content-Type": "application/json"})


# --- POST /api/v1/forecast ------------------------------------------------------------------


@pytest.mark.parametrize("spec", [
    pytest.param(_spec(), id="model-md-example-plus-an-area"),
    pytest.param(_spec(horizon=3, diversity_targets=[], areas=[dict(SPEC["areas"][0])]), id="three-years"),
    pytest.param(_spec(uncertainty={"simulations": 200, "seed": 7}), id="with-bands"),
    pytest.param(_spec(levels=[{**level, "leaver_rate": [level["leaver_rate"] + t / 100 for t in range(5)]}
                               for level in SPEC["levels"]],
                       areas=[{**SPEC["areas"][0], "establishment": {"senior": 14, "middle": [64, 66, 66, 70, 70]}},
                              SPEC["areas"][1]],
                       uncertainty={"simulations": 100, "seed": 3}),
                 id="version-3-yearly-rates-and-establishment"),
])
def test_posting_a_spec_returns_exactly_the_engines_forecast(client, headers, spec: dict[str, Any]) -> None:
    response = _post(client, json.dumps(spec), headers)
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == forecast(copy.deepcopy(spec))
    assert ("bands" in response.get_json()) == ("uncertainty" in spec)


def test_the_api_gives_the_model_md_figures(client, headers) -> None:
    model_md_example = _spec(areas=[copy.deepcopy(SPEC["areas"][0])])
    body = _post(client, json.dumps(model_md_example), headers).get_json()
    first = next(r for r in body["rows"] if r["area"] == "medicine" and r["level"] == "frontline")
    assert (first["year"], first["demand"], first["leavers"], first["end"]) == (2027, 191, 27.0, 191.0)
    assert first["promoted_out"] == pytest.approx(6.0536, abs=1e-4)
    assert body["diversity"][0]["required_share_of_appointments"] == pytest.approx(0.5266, abs=1e-4)


def _bad() -> dict[str, Any]:
    spec = _spec()
    spec["levels"][0]["leaver_rate"] = 1.4
    spec["levels"][3]["ready_rate"] = "lots"
    spec["areas"][1]["staff_growth"] = [0.01, 0.02]
    spec["areas"][0]["span"]["chief"] = 4
    spec["diversity_targets"][0]["target_year"] = 2026
    return spec


def test_a_bad_spec_is_422_with_every_problem(client, headers) -> None:
    response = _post(client, json.dumps(_bad()), headers)
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == 422 and "5 problems" in body["error"]
    problems = body["problems"]
    assert [p["path"] for p in problems] == [
        "levels[0].leaver_rate",
        "levels[3].ready_rate",
        "areas[0].span.chief",
        "areas[1].staff_growth",
        "diversity_targets[0].target_year",
    ]
    for problem in problems:
        assert set(problem) == {"path", "message", "text"}
        assert problem["text"] == f"{problem['path']}: {problem['message']}"
    messages = [p["message"] for p in problems]
    assert "1.4" in messages[0] and '"lots"' in messages[1] and "chief" in messages[2]
    assert "2 rates" in messages[3] and "2026" in messages[4]


def test_a_bad_version_3_spec_is_422_naming_the_year_and_the_post(client, headers) -> None:
    spec = _spec()
    spec["levels"][1]["leaver_rate"] = [0.09, 0.09, 1.2, 0.09]
    spec["areas"][0]["establishment"] = {"middle": [64, 66, 66.5, 70, 70], "chief": 1}
    response = _post(client, json.dumps(spec), headers)
    assert response.status_code == 422
    assert [p["text"] for p in response.get_json()["problems"]] == [
        "levels[1].leaver_rate[2]: 1.2 is outside 0..1",
        "levels[1].leaver_rate: [0.09, 0.09, 1.2, 0.09] has 4 rates; the horizon needs 5, one for each year",
        'areas[0].establishment.chief: "chief" is not a level (levels: board, senior, middle, frontline)',
        "areas[0].establishment.middle[2]: 66.5 is not a whole number of posts "
        "(count posts, not whole-time equivalents)",
    ]


@pytest.mark.parametrize(("body", "path", "words"), [
    ("[1, 2]", "", "must be a JSON object"),
    ('"a spec"', "", "must be a JSON object"),
    ("{}", "start_year", "is missing"),
    ('{"start_year": 2026, "levels": [], "areas": []}', "levels", "empty"),
])
def test_json_that_is_not_a_spec_is_422_naming_the_field(client, headers, body: str, path: str, words: str) -> None:
    response = _post(client, body, headers)
    assert response.status_code == 422
    problems = response.get_json()["problems"]
    assert any(p["path"] == path and words in p["message"] for p in problems), problems


@pytest.mark.parametrize("body", [
    pytest.param(b"", id="empty"),
    pytest.param(b"start_year=2026", id="form-encoded"),
    pytest.param(b'{"start_year": 2026,', id="truncated"),
    pytest.param(b"\xff\xfe{}", id="not-utf8"),
])
def test_a_body_that_is_not_json_is_400(client, headers, body: bytes) -> None:
    response = _post(client, body, headers)
    assert response.status_code == 400
    assert response.is_json
    answer = response.get_json()
    assert answer["status"] == 400 and "not valid JSON" in answer["error"]
    assert "problems" not in answer


def test_a_too_deeply_nested_body_is_400_not_a_server_error(app, client, headers) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as production does, not by raising in the test
    response = _post(client, "[" * 100_000 + "]" * 100_000, headers)
    assert response.status_code == 400
    assert response.is_json and response.get_json()["status"] == 400


@pytest.mark.parametrize("auth", [None, "Bearer clp_not-a-real-token", "Basic dXNlcjpwYXNz"])
def test_forecasting_needs_credentials(client, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    response = _post(client, json.dumps(_spec()), headers)
    assert response.status_code == 401
    assert response.is_json and "rows" not in response.get_json()


# --- stored scenarios: the demo organisation ------------------------------------------------


@pytest.fixture
def demo(db: Session) -> tuple[Organisation, Strategy]:
    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    return organisation, strategy


@pytest.fixture
def demo_headers(db: Session, demo) -> dict[str, str]:  # type: ignore[no-untyped-def]
    organisation, _strategy = demo
    admin = user_by_email(db, "admin@demo.nhs.uk")
    return _bearer(db, admin, organisation)


def _demo_file() -> dict[str, Any]:
    """The demo's scenarios as its files leave them: organisation.json, then the change made after
    version 1 was approved (consultation.json)."""
    with open(DEMO_FILE, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    with open(DEMO_FILE.parent / "consultation.json", encoding="utf-8") as fh:
        change = json.load(fh)["changes_since"]["scenario_rate"]
    scenario = next(s for s in data["scenarios"] if s["name"] == change["scenario"])
    scenario["levels"][change["level"]]["leaver_rate"] = change["leaver_rate"]
    return data


def test_the_scenario_list_names_the_demo_scenarios_in_order(client, db: Session, demo, demo_headers) -> None:
    _organisation, strategy = demo
    response = client.get(f"/api/v1/strategies/{strategy.id}/scenarios", headers=demo_headers)
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["scenarios"]
    assert [s["name"] for s in body["scenarios"]] == ["Baseline", "Growth", "Constrained"]
    assert all(set(s) == {"id", "name"} and isinstance(s["id"], int) for s in body["scenarios"])
    assert [s["id"] for s in body["scenarios"]] == [s.id for s in scenarios_of(db, strategy)]


def _scenario_ids(client, strategy: Strategy, headers: dict[str, str]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    listed = client.get(f"/api/v1/strategies/{strategy.id}/scenarios", headers=headers).get_json()
    return {s["name"]: s["id"] for s in listed["scenarios"]}


@pytest.mark.parametrize("name", ["Baseline", "Growth", "Constrained"])
def test_a_scenarios_spec_is_valid_and_holds_the_stored_figures(client, demo, demo_headers, name: str) -> None:
    _organisation, strategy = demo
    sid = _scenario_ids(client, strategy, demo_headers)[name]
    response = client.get(f"/api/v1/strategies/{strategy.id}/scenarios/{sid}/spec", headers=demo_headers)
    assert response.status_code == 200
    spec = response.get_json()
    parsed = parse_spec(spec)  # the engine accepts it as it is
    assert (parsed.start_year, parsed.horizon) == (2026, 5)

    # Checked against the demo's own file, not against the code that built the spec.
    data = _demo_file()
    stored = next(s for s in data["scenarios"] if s["name"] == name)
    assert [lv["key"] for lv in spec["levels"]] == ["board", "senior", "middle", "frontline"]
    for level in spec["levels"]:
        assert {k: level[k] for k in ("leaver_rate", "ready_rate", "internal_fill_max")} == pytest.approx(
            stored["levels"][level["key"]]), level["key"]
    baseline = {row["area"]: row for row in data["baseline"]}
    tree_order = [a["code"] for a in data["areas"]]  # the file lists parents before children
    assert [a["key"] for a in spec["areas"]] == [code for code in tree_order if code in baseline]
    for area in spec["areas"]:
        row, assumed = baseline[area["key"]], stored["areas"].get(area["key"], {})
        assert area["staff"] == row["staff"], area["key"]
        assert area["leaders"] == {k: row["leaders"].get(k, 0) for k in ("board", "senior", "middle", "frontline")}
        assert area["staff_growth"] == pytest.approx(assumed.get("staff_growth", 0.0)), area["key"]
        assert area.get("span", {}) == pytest.approx(assumed.get("span", {})), area["key"]
        assert area.get("overrides", {}) == assumed.get("overrides", {}), area["key"]


def test_a_scenarios_forecast_is_the_engines_forecast_of_its_spec(client, db: Session, demo, demo_headers,
                                                                  tmp_path: Path) -> None:
    _organisation, strategy = demo
    ids = _scenario_ids(client, strategy, demo_headers)
    totals = {}
    for name, sid in ids.items():
        base = f"/api/v1/strategies/{strategy.id}/scenarios/{sid}"
        spec = client.get(f"{base}/spec", headers=demo_headers).get_json()
        response = client.get(f"{base}/forecast", headers=demo_headers)
        assert response.status_code == 200
        result = response.get_json()
        assert result == forecast(spec)
        totals[name] = sum(t["external_appointments"] for t in result["totals"])
    # The Growth scenario needs more appointments than the Constrained one: the scenario matters.
    assert totals["Growth"] > totals["Constrained"]
    # And the command line gives the same answer for the spec the API handed out.
    spec = client.get(f"/api/v1/strategies/{strategy.id}/scenarios/{ids['Growth']}/spec",
                      headers=demo_headers).get_json()
    path = tmp_path / "growth.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    from planner.cli import main

    printed = CliRunner().invoke(main, ["forecast", str(path)])
    assert printed.exit_code == 0
    api_result = client.get(f"/api/v1/strategies/{strategy.id}/scenarios/{ids['Growth']}/forecast",
                            headers=demo_headers).get_json()
    assert json.loads(printed.stdout) == api_result


def test_a_scenario_with_bands_forecasts_them_over_the_api(client, db: Session, demo, demo_headers) -> None:
    from planner.services.scenarios import save_uncertainty

    _organisation, strategy = demo
    scenario = scenarios_of(db, strategy)[0]
    admin = user_by_email(db, "admin@demo.nhs.uk")
    save_uncertainty(session=db, strategy=strategy, scenario=scenario, simulations=100, seed=7, actor=admin)  # type: ignore[arg-type]
    base = f"/api/v1/strategies/{strategy.id}/scenarios/{scenario.id}"
    spec = client.get(f"{base}/spec", headers=demo_headers).get_json()
    assert spec["uncertainty"] == {"simulations": 100, "seed": 7}
    result = client.get(f"{base}/forecast", headers=demo_headers).get_json()
    assert "bands" in result and result == forecast(spec)
    assert spec == spec_for(db, strategy, scenario)


@pytest.mark.parametrize("path", ["/scenarios", "/scenarios/{sid}/spec", "/scenarios/{sid}/forecast"])
def test_another_organisations_token_gets_404(client, db: Session, demo, path: str) -> None:
    _organisation, strategy = demo
    sid = scenarios_of(db, strategy)[0].id
    elsewhere = factories.make_org(db, slug="elsewhere")
    their_admin = factories.make_member(db, elsewhere, role="admin")
    headers = _bearer(db, their_admin, elsewhere)
    response = client.get(f"/api/v1/strategies/{strategy.id}{path.format(sid=sid)}", headers=headers)
    assert response.status_code == 404
    assert response.is_json and response.get_json()["status"] == 404


@pytest.mark.parametrize("path", ["/scenarios/{sid}/spec", "/scenarios/{sid}/forecast"])
def test_a_scenario_of_another_strategy_is_404(client, db: Session, demo, demo_headers, path: str) -> None:
    organisation, strategy = demo
    other = factories.make_strategy(db, organisation, title="Another plan")
    from planner.services.scenarios import create_scenario

    theirs = create_scenario(session=db, strategy=other, name="Theirs", actor=None)
    response = client.get(f"/api/v1/strategies/{strategy.id}{path.format(sid=theirs.id)}", headers=demo_headers)
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/scenarios", "/scenarios/{sid}/spec", "/scenarios/{sid}/forecast"])
def test_stored_scenarios_need_credentials(client, db: Session, demo, path: str) -> None:
    _organisation, strategy = demo
    sid = scenarios_of(db, strategy)[0].id
    response = client.get(f"/api/v1/strategies/{strategy.id}{path.format(sid=sid)}")
    assert response.status_code == 401


def test_a_stored_scenario_without_baseline_figures_is_422_with_the_problem(client, db: Session, org,
                                                                          headers) -> None:
    from planner.services.scenarios import create_scenario

    strategy = factories.make_strategy(db, org)
    factories.make_area(db, strategy, "MED", "Medicine")
    scenario = create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    response = client.get(f"/api/v1/strategies/{strategy.id}/scenarios/{scenario.id}/forecast", headers=headers)
    assert response.status_code == 422
    assert [p["path"] for p in response.get_json()["problems"]] == ["areas"]
