"""The Discover and Competencies parts of the JSON API: frameworks, competency gaps (the worked examples
of docs/competencies.md), surveys and their results (docs/self-assessment.md's worked example and the
five-response rule), authentication, and the demo organisation."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.models import Strategy
from planner.services import competencies, surveys
from planner.services.accounts import create_token
from planner.survey.scoring import Response
from tests import factories
from tests.conftest import login

CV, CARE = "clf-collective-vision", "hlm-leading-with-care"


@pytest.fixture
def viewer(db: Session, org) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A viewer's API token header."""
    user = factories.make_member(db, org, role="viewer")
    _token, plain = create_token(session=db, user=user, organisation=org, name="reports")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def areas(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    med = factories.make_area(db, strategy, "MED", "Medicine")
    return {"MED": med, "MED-ED": factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med),
            "SUR": factories.make_area(db, strategy, "SUR", "Surgery")}


def store(db: Session, strategy, areas: dict[str, Any],  # type: ignore[no-untyped-def]
          counts: dict[tuple[str, str, str], dict[int, int]]) -> None:
    competencies.ensure_required(db, strategy)
    ids = {c.key: c.id for c in competencies.catalogue(db, strategy.organisation_id).all_competencies()}
    competencies.replace_assessed(session=db, strategy=strategy, actor=None, source="test", counts={
        (areas[a].id, factories.level(db, strategy, lv).id, ids[c]): steps for (a, lv, c), steps in counts.items()})


def gaps_of(client: FlaskClient, strategy, headers: dict[str, str]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/strategies/{strategy.id}/competency-gaps", headers=headers)
    assert response.status_code == 200
    return response.get_json()["gaps"]  # type: ignore[no-any-return]


def row(area: str | None, level: str, competency: str, required: int, assessed: int, below: int) -> dict[str, Any]:
    return {"area": area, "level": level, "competency": competency, "required": required, "assessed": assessed,
            "below_required": below, "share_below": below / assessed}


# --- frameworks ------------------------------------------------------------------------------------

def test_the_competencies_api_lists_the_three_frameworks_with_required_steps(client: FlaskClient, strategy,
                                                                             viewer: dict[str, str],
                                                                             repo_root: Path) -> None:
    response = client.get(f"/api/v1/strategies/{strategy.id}/competencies", headers=viewer)
    assert response.status_code == 200
    data = json.loads((repo_root / "data" / "competencies" / "frameworks.json").read_text(encoding="utf-8"))
    assert response.get_json() == {"frameworks": [{
        "key": f["key"], "name": f["name"],
        "competencies": [{"key": c["key"], "name": c["name"], "kind": c["kind"], "required": c["required"]}
                         for d in f["domains"] for c in d["competencies"]],
    } for f in data["frameworks"]]}
    assert [len(f["competencies"]) for f in response.get_json()["frameworks"]] == [9, 16, 7]


@pytest.mark.parametrize("path", ["competencies", "competency-gaps", "surveys"])
def test_discover_endpoints_need_credentials(client: FlaskClient, strategy, path: str) -> None:
    response = client.get(f"/api/v1/strategies/{strategy.id}/{path}")
    assert response.status_code == 401 and response.is_json


# --- gaps ------------------------------------------------------------------------------------------

# (stored counts, required-step changes, the gaps expected in order). The first is the worked
# example of docs/competencies.md: 2/5/8/5 against step 3 is 7 of 20 below (35%); Surgery's 3 of 10
# make the organisation 10 of 30 (33.3%, not the 32.5% an average of shares would give).
GAP_CASES = [
    ({("MED", "middle", CV): {1: 2, 2: 5, 3: 8, 4: 5}}, {},
     [row(None, "middle", CV, 3, 20, 7), row("MED", "middle", CV, 3, 20, 7)]),
    ({("MED", "middle", CV): {1: 2, 2: 5, 3: 8, 4: 5}, ("SUR", "middle", CV): {2: 3, 3: 7}}, {},
     [row("MED", "middle", CV, 3, 20, 7), row(None, "middle", CV, 3, 30, 10), row("SUR", "middle", CV, 3, 10, 3)]),
    ({("MED", "middle", CV): {1: 2, 2: 5, 3: 8, 4: 5}}, {("middle", CV): 4},
     [row(None, "middle", CV, 4, 20, 15), row("MED", "middle", CV, 4, 20, 15)]),
    ({("MED", "middle", CV): {1: 2, 2: 5, 3: 8, 4: 5}}, {("middle", CV): 1},
     [row(None, "middle", CV, 1, 20, 0), row("MED", "middle", CV, 1, 20, 0)]),
    # The area's own figures, and a total that adds each area once (a child is not rolled into its parent here).
    ({("MED", "frontline", CARE): {1: 2, 3: 2}, ("MED-ED", "frontline", CARE): {2: 5, 4: 5}}, {},
     [row(None, "frontline", CARE, 3, 14, 7), row("MED", "frontline", CARE, 3, 4, 2),
      row("MED-ED", "frontline", CARE, 3, 10, 5)]),
    # Largest share first; equal shares by competency key, then level, the total before its areas.
    ({("SUR", "board", CV): {3: 1, 4: 1}, ("SUR", "middle", CARE): {1: 1, 4: 1},
      ("SUR", "senior", CARE): {4: 2}}, {},
     [row(None, "board", CV, 4, 2, 1), row("SUR", "board", CV, 4, 2, 1),
      row(None, "middle", CARE, 3, 2, 1), row("SUR", "middle", CARE, 3, 2, 1),
      row(None, "senior", CARE, 3, 2, 0), row("SUR", "senior", CARE, 3, 2, 0)]),
]


@pytest.mark.parametrize(("counts", "changes", "expected"), GAP_CASES)
def test_competency_gaps_follow_the_worked_examples(client: FlaskClient, db: Session, org, strategy, areas,
                                                    viewer: dict[str, str], counts, changes,  # type: ignore[no-untyped-def]
                                                    expected: list[dict[str, Any]]) -> None:
    store(db, strategy, areas, counts)
    if changes:
        ids = {c.key: c.id for c in competencies.catalogue(db, org.id).all_competencies()}
        competencies.save_required(session=db, strategy=strategy, actor=factories.make_member(db, org), steps={
            (ids[c], factories.level(db, strategy, lv).id): step for (lv, c), step in changes.items()})
    assert gaps_of(client, strategy, viewer) == expected


def test_a_competency_not_needed_at_a_level_has_no_gap(client: FlaskClient, db: Session, org, strategy, areas,
                                                       viewer: dict[str, str]) -> None:
    store(db, strategy, areas, {("MED", "frontline", "lcf-risk-and-duties"): {1: 3}, ("MED", "middle", CV): {1: 1}})
    ids = {c.key: c.id for c in competencies.catalogue(db, org.id).all_competencies()}
    competencies.save_required(session=db, strategy=strategy, actor=factories.make_member(db, org), steps={
        (ids["lcf-risk-and-duties"], factories.level(db, strategy, "frontline").id): None})
    # Read without the pages or /competencies, which would put the default step back (see the xfail in
    # test_competency_pages.py).
    assert gaps_of(client, strategy, viewer) == [row(None, "middle", CV, 3, 1, 1), row("MED", "middle", CV, 3, 1, 1)]


# --- surveys ---------------------------------------------------------------------------------------

def survey_with(db: Session, strategy, responses: list[Response], status: str = "open") -> int:  # type: ignore[no-untyped-def]
    survey = surveys.create_survey(session=db, strategy=strategy, name="Spring", closes_on=None, actor=None)
    survey.status = status
    db.add(survey)
    surveys.import_responses(session=db, survey=survey, responses=responses, actor=None)
    return survey.id  # type: ignore[return-value]


def results_of(client: FlaskClient, strategy, survey_id: int, headers: dict[str, str]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/strategies/{strategy.id}/surveys/{survey_id}/results", headers=headers)
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


# docs/self-assessment.md: statements A (cv1) and B (cv2), None for don't know.
WORKED = [(5, 4), (4, None), (3, 4), (4, None), (None, 5)]


def test_survey_results_follow_the_worked_example(client: FlaskClient, db: Session, strategy,
                                                  viewer: dict[str, str]) -> None:
    survey_id = survey_with(db, strategy, [Response("frontline", {"cv1": a, "cv2": b}) for a, b in WORKED])
    results = results_of(client, strategy, survey_id, viewer)
    assert (results["responses"], results["enough"]) == (5, True)
    dimensions = {d["dimension"]: d for d in results["dimensions"]}
    assert dimensions["collective_vision"] == {"dimension": "collective_vision", "mean": pytest.approx(29 / 7),
                                               "sd": pytest.approx(math.sqrt(20) / 7),
                                               "share_agree": pytest.approx(6 / 7), "n": 7}
    assert math.sqrt(20) / 7 == pytest.approx(0.64, abs=0.005)  # the documented 0.64; the mean of means is 4.17
    assert all(d == {"dimension": key, "mean": None, "sd": None, "share_agree": None, "n": 0}
               for key, d in dimensions.items() if key != "collective_vision")
    assert len(dimensions) == 7
    assert results["items"][:2] == [
        {"key": "cv1", "mean": 4.0, "sd": pytest.approx(math.sqrt(0.5)), "share_agree": 0.75, "n": 4},
        {"key": "cv2", "mean": pytest.approx(13 / 3), "sd": pytest.approx(math.sqrt(2) / 3), "share_agree": 1.0,
         "n": 3},
    ]
    assert [i["key"] for i in results["items"][2:]] == sorted(i["key"] for i in results["items"][2:])
    assert results["groups"] == [{"group": "frontline", "responses": 5, "dimensions": [
        {"dimension": d["dimension"], "mean": d["mean"]} for d in results["dimensions"]]}]


def test_four_responses_give_no_results_at_all(client: FlaskClient, db: Session, strategy,
                                               viewer: dict[str, str]) -> None:
    survey_id = survey_with(db, strategy, [Response("board", {"cv1": a or 3, "cv2": b}) for a, b in WORKED[:4]])
    assert results_of(client, strategy, survey_id, viewer) == {"responses": 4, "enough": False, "dimensions": [],
                                                               "items": [], "groups": []}


GROUP_CASES = [
    ({"frontline": 5, "board": 5}, {"board", "frontline"}),
    ({"frontline": 6, "board": 5, "partners": 3}, {"frontline"}),
    ({"frontline": 6, "board": 5, "partners": 3, "patients": 2}, {"board", "frontline"}),
    ({"frontline": 5, "middle": 7, "board": 6, "partners": 1}, {"frontline", "middle"}),
    ({"frontline": 5, "partners": 4}, set()),
    ({"frontline": 4, "senior": 8, "middle": 7}, {"senior"}),
    ({"frontline": 30, "board": 4, "senior": 4, "middle": 4, "partners": 4}, {"frontline"}),
    ({"frontline": 30, "board": 4, "senior": 6}, {"frontline"}),
]


@pytest.mark.parametrize(("sizes", "shown"), GROUP_CASES)
def test_groups_under_five_never_appear_on_their_own(client: FlaskClient, db: Session, strategy,
                                                     viewer: dict[str, str], sizes: dict[str, int],
                                                     shown: set[str]) -> None:
    means = {"board": 5, "senior": 4, "middle": 3, "frontline": 2, "patients": 2, "partners": 1}
    survey_id = survey_with(db, strategy, [Response(g, {"cv1": means[g]}) for g, n in sizes.items() for _ in range(n)])
    results = results_of(client, strategy, survey_id, viewer)
    assert results["enough"] is True and results["responses"] == sum(sizes.values())
    groups = {g["group"]: g for g in results["groups"]}
    assert set(groups) == shown
    for group, found in groups.items():
        assert found["responses"] == sizes[group] >= 5
        assert {d["dimension"]: d["mean"] for d in found["dimensions"]}["collective_vision"] == means[group]
    # Whatever is shown, the people not shown on their own are at least five.
    not_shown = sum(sizes.values()) - sum(g["responses"] for g in groups.values())
    assert not_shown == 0 or not_shown >= 5


def test_the_surveys_list_gives_each_survey_its_status_and_statements(client: FlaskClient, db: Session, strategy,
                                                                      viewer: dict[str, str]) -> None:
    closed = survey_with(db, strategy, [], status="closed")
    listed = client.get(f"/api/v1/strategies/{strategy.id}/surveys", headers=viewer).get_json()["surveys"]
    assert [(s["id"], s["name"], s["status"], len(s["items"])) for s in listed] == [(closed, "Spring", "closed", 34)]
    assert listed[0]["items"][0] == {"key": "cv1", "dimension": "collective_vision", "text": (
        "We share a vision with our partner organisations that benefits all of us, not only our own trust.")}


# --- the demo --------------------------------------------------------------------------------------

def test_the_demo_has_frameworks_gaps_a_plan_and_a_closed_survey_of_120_with_results(
        client: FlaskClient, db: Session, repo_root: Path) -> None:
    from planner.services.demo import load_demo

    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    login(client, factories.make_member(db, organisation, role="viewer").email)
    api = f"/api/v1/strategies/{strategy.id}"

    frameworks = client.get(f"{api}/competencies").get_json()["frameworks"]
    assert len(frameworks) >= 3 and {"hlm", "lcf", "clf"} <= {f["key"] for f in frameworks}
    gaps = client.get(f"{api}/competency-gaps").get_json()["gaps"]
    totals = [g for g in gaps if g["area"] is None]
    assert totals and any(g["below_required"] > 0 for g in totals)
    for total in totals:
        parts = [g for g in gaps
                 if g["area"] and (g["level"], g["competency"]) == (total["level"], total["competency"])]
        assert total["assessed"] == sum(p["assessed"] for p in parts)
        assert total["below_required"] == sum(p["below_required"] for p in parts)
    shares = [g["share_below"] for g in gaps]
    assert shares == sorted(shares, reverse=True)
    discover = json.loads((repo_root / "data" / "demo" / "discover.json").read_text(encoding="utf-8"))
    weaker = set(discover["assessments"]["weaker"])
    middle = {g["competency"]: g["share_below"] for g in totals if g["level"] == "middle"}
    assert min(middle[k] for k in weaker if k in middle) > 0  # the known weaknesses show as gaps

    listed = client.get(f"{api}/surveys").get_json()["surveys"]
    assert [(s["name"], s["status"]) for s in listed] == [(discover["survey"]["name"], "closed")]
    results = client.get(f"{api}/surveys/{listed[0]['id']}/results").get_json()
    sizes = {g: n for g, (n, _centre) in discover["survey"]["responses"].items()}
    assert results["responses"] == sum(sizes.values()) == 120
    assert results["enough"] is True and len(results["dimensions"]) == 7
    assert {g["group"]: g["responses"] for g in results["groups"]} == sizes
    means = {g["group"]: [d["mean"] for d in g["dimensions"]] for g in results["groups"]}
    assert sum(means["board"]) > sum(means["frontline"])  # the board sees things more brightly, as seeded

    home = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    # The survey is done; the competencies have a plan, but gaps it does not reach keep the step in progress.
    for task, state in (("discover", "Completed"), ("competencies", "In progress")):
        status = re.search(rf'id="task-{task}-status">(.*?)</div>', home, re.S)
        assert status and re.sub(r"<[^>]+>", "", status.group(1)).strip() == state
    hint = re.search(r'id="task-competencies-hint">(.*?)</div>', home, re.S)
    assert hint and "competency gaps with no development in the plan" in hint.group(1)
    plan = client.get(f"/strategies/{strategy.id}/competencies/plan")
    assert plan.status_code == 200
    assert all(item["name"].replace("'", "&#39;") in plan.get_data(as_text=True) for item in discover["plan"])
