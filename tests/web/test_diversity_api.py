"""Diversity figures in the JSON API: GET /api/v1/strategies/ID/baseline ("diversity") and
GET /api/v1/strategies/ID/diversity. Small counts are withheld from everyone unless an admin or
planner asks with suppress=false; targets are the forecast engine's own answers."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from sqlmodel import Session

from planner.forecast import forecast
from planner.models import DiversityCount, DiversityTarget, Organisation, ShortlistingFigure
from planner.services import scenarios
from planner.services.accounts import create_token
from tests import factories

LEVELS = ("board", "senior", "middle", "frontline")
ETHNICITY = ("white", "bme", "not_stated")
SEX = ("female", "male", "not_stated")
AREAS = ("MED", "MED-ED", "SURG")


def bearer(db: Session, org, role: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    user = factories.make_member(db, org, role=role)
    _token, plain = create_token(session=db, user=user, organisation=org, name="test")
    return {"Authorization": f"Bearer {plain}"}


def small_counts(value: Any, threshold: int, path: str = "$") -> list[tuple[str, int]]:
    """Every count of a group (a dict naming a "group") from 1 to the threshold, wherever it is in the JSON."""
    found: list[tuple[str, int]] = []
    if isinstance(value, dict):
        if "group" in value:
            for key in ("count", "baseline_count"):
                n = value.get(key)
                if isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= threshold:
                    found.append((f"{path}.{key}", n))
        for key, item in value.items():
            found += small_counts(item, threshold, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += small_counts(item, threshold, f"{path}[{i}]")
    return found


def group_dicts(value: Any) -> int:
    """How many dicts naming a group the JSON holds (so a check over them is not vacuous)."""
    if isinstance(value, dict):
        return ("group" in value) + sum(group_dicts(v) for v in value.values())
    if isinstance(value, list):
        return sum(group_dicts(v) for v in value)
    return 0


@pytest.fixture
def setup(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Three areas with a baseline the forecast runs on, the levels, and a scenario."""
    med = factories.make_area(db, strategy, "MED", "Medicine")
    areas = {"MED": med, "MED-ED": factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med),
             "SURG": factories.make_area(db, strategy, "SURG", "Surgery")}
    for area in areas.values():
        factories.set_baseline(db, strategy, area, staff=1000, fte=900.0, board=20, senior=40, middle=80,
                               frontline=200)
    scenario = scenarios.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    # Suppression at every level, the board's too: tests/web/test_public_levels.py has public levels.
    organisation = db.get(Organisation, strategy.organisation_id)
    organisation.public_levels = ""  # type: ignore[union-attr]
    db.add(organisation)
    db.commit()
    return {"areas": areas, "levels": {k: factories.level(db, strategy, k) for k in LEVELS}, "scenario": scenario}


def store(db: Session, strategy, setup, counts: dict[tuple[str, str | None, str, str], int]) -> None:  # type: ignore[no-untyped-def]
    for (area, level, characteristic, group), n in counts.items():
        db.add(DiversityCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                              area_id=setup["areas"][area].id,
                              level_id=setup["levels"][level].id if level else None,
                              characteristic=characteristic, group_key=group, count=n))
    db.commit()


def random_counts(seed: int) -> tuple[int, dict[tuple[str, str | None, str, str], int]]:
    rng = random.Random(seed)
    threshold = rng.choice([3, 5, 7, 10])
    counts: dict[tuple[str, str | None, str, str], int] = {}
    for characteristic, groups in (("ethnicity", ETHNICITY), ("sex", SEX)):
        for area in AREAS:
            for level in (*LEVELS, None):
                for group in groups:
                    kind = rng.random()
                    n = (0 if kind < 0.3 else rng.randint(1, threshold) if kind < 0.65
                         else rng.randint(threshold + 1, 80))
                    if n:
                        counts[(area, level, characteristic, group)] = n
    return threshold, counts


def arrange_random(db: Session, org, strategy, setup, seed: int) -> tuple[int, dict[Any, int]]:  # type: ignore[no-untyped-def]
    threshold, counts = random_counts(seed)
    org.suppression_threshold = threshold
    db.add(org)
    store(db, strategy, setup, counts)
    for level in ("board", "middle"):
        db.add(DiversityTarget(organisation_id=org.id, strategy_id=strategy.id, level_id=setup["levels"][level].id,
                               characteristic="ethnicity", group_key="bme", target_share=0.3, target_year=2030))
    db.commit()
    return threshold, counts


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("role", ["viewer", "contributor", "editor"])
def test_people_who_may_not_see_small_numbers_never_get_one(client, db: Session, org, strategy, setup, seed: int,
                                                           role: str) -> None:
    threshold, counts = arrange_random(db, org, strategy, setup, seed)
    assert any(1 <= n <= threshold for n in counts.values())
    headers = bearer(db, org, role)
    for path in ("baseline", "diversity"):
        for query in ("", "?suppress=false", "?suppress=FALSE"):
            response = client.get(f"/api/v1/strategies/{strategy.id}/{path}{query}", headers=headers)
            assert response.status_code == 200
            body = response.get_json()
            assert group_dicts(body) > 10
            assert small_counts(body, threshold) == [], f"{path}{query} at threshold {threshold}"


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("role", ["admin", "planner"])
def test_admins_and_planners_get_unsuppressed_counts_only_with_suppress_false(client, db: Session, org, strategy,
                                                                              setup, seed: int, role: str) -> None:
    threshold, counts = arrange_random(db, org, strategy, setup, seed)
    headers = bearer(db, org, role)
    url = f"/api/v1/strategies/{strategy.id}/baseline"
    assert small_counts(client.get(url, headers=headers).get_json(), threshold) == []
    assert small_counts(client.get(f"/api/v1/strategies/{strategy.id}/diversity", headers=headers).get_json(),
                        threshold) == []
    plain = client.get(f"{url}?suppress=false", headers=headers).get_json()["diversity"]
    assert {(d["area"], d["level"], d["characteristic"], d["group"]): d["count"] for d in plain} == counts
    assert not any(d["suppressed"] for d in plain)
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity?suppress=false", headers=headers).get_json()
    assert report["suppressed"] is False and small_counts(report, threshold)


@pytest.mark.parametrize("seed", range(6))
def test_the_baseline_lists_every_count_and_shows_only_true_unsmall_ones(client, db: Session, org, strategy,
                                                                         setup, seed: int) -> None:
    threshold, counts = arrange_random(db, org, strategy, setup, seed)
    listed = client.get(f"/api/v1/strategies/{strategy.id}/baseline", headers=bearer(db, org, "viewer")
                        ).get_json()["diversity"]
    keys = {(d["area"], d["level"], d["characteristic"], d["group"]) for d in listed}
    assert keys >= set(counts)
    # A zero is listed only when it is withheld, so that a reader cannot tell it is a zero.
    extra = [d for d in listed if (d["area"], d["level"], d["characteristic"], d["group"]) not in counts]
    assert all(d["suppressed"] and d["count"] is None for d in extra)
    withheld = 0
    for d in listed:
        if d["suppressed"]:
            assert d["count"] is None
            withheld += 1
        else:
            assert d["count"] == counts[(d["area"], d["level"], d["characteristic"], d["group"])]
            assert not 1 <= d["count"] <= threshold
    assert withheld, "nothing was withheld, so the test proved nothing"


# --- can a withheld count be worked out from what the API publishes? ---------------------------

def worked_out(baseline: dict[str, Any], report: dict[str, Any]) -> dict[tuple[str, str | None, str, str], int]:
    """Withheld counts a reader can work out exactly, line by line: each characteristic and level is a table
    of areas by groups; an area's total is its published staff (all staff) or leaders at the level, and a
    group's total is the report's published count for the level. Any line with one unknown cell gives it."""
    area_totals = {(a["code"], None): a["staff"] for a in baseline["areas"]}
    area_totals.update({(a["code"], level): n for a in baseline["areas"] for level, n in a["leaders"].items()})
    group_totals = {(c["characteristic"], r["level"], g["group"]): g["count"] for c in report["representation"]
                    for r in c["rows"] for g in r["groups"]}
    known: dict[tuple[str, str | None, str, str], int] = {}
    unknown: set[tuple[str, str | None, str, str]] = set()
    for d in baseline["diversity"]:
        key = (d["area"], d["level"], d["characteristic"], d["group"])
        if d["suppressed"]:
            unknown.add(key)
        else:
            known[key] = d["count"]
    derived: dict[tuple[str, str | None, str, str], int] = {}
    changed = True
    while changed:
        changed = False
        lines: dict[tuple[Any, ...], list[tuple[str, str | None, str, str]]] = {}
        for key in (*known, *unknown):
            area, level, characteristic, group = key
            lines.setdefault(("area", area, level, characteristic), []).append(key)
            lines.setdefault(("group", group, level, characteristic), []).append(key)
        for line, keys in lines.items():
            missing = [k for k in keys if k in unknown]
            if len(missing) != 1:
                continue
            _kind, name, level, characteristic = line
            total = (area_totals.get((name, level)) if line[0] == "area"
                     else group_totals.get((characteristic, level, name)))
            if total is None:
                continue
            value = total - sum(known[k] for k in keys if k in known)
            derived[missing[0]] = known[missing[0]] = value
            unknown.discard(missing[0])
            changed = True
    return derived


def import_extract(db: Session, strategy, people: dict[tuple[str, str, str], int]) -> None:  # type: ignore[no-untyped-def]
    """Import, through the real import service, an extract of `people`: (area, band, ethnic code) -> how many."""
    from planner.services import staff_import

    lines = ["Assignment Number,Area,Pay Band,Ethnic Origin"]
    for (area, band, code), n in people.items():
        for _ in range(n):
            lines.append(f"{len(lines):06d},{area},{band},{code}")
    result = staff_import.read(db, strategy, "\n".join(lines).encode(), "extract.csv")
    assert result.importable, result.problems[:3]
    pending = staff_import.hold(session=db, strategy=strategy, result=result, filename="extract.csv", actor=None)
    staff_import.apply(session=db, strategy=strategy, pending=pending, actor=None)


NON_LEADERS = {("MED", "Band 5", "A"): 30, ("MED", "Band 5", "H"): 15, ("SURG", "Band 5", "A"): 30,
               ("SURG", "Band 5", "H"): 15, ("MED-ED", "Band 5", "A"): 30, ("MED-ED", "Band 5", "H"): 15}
LEAK_REASON = ("BUG: planner/services/diversity/reports.py baseline_diversity (suppress_table over areas x groups) may "
               "withhold an area's or a group's total to protect a small count, but the API still publishes that "
               "total (each area's staff and leaders in the same /baseline response; the group's count in "
               "/diversity), so the withheld small count can be worked out exactly")


@pytest.mark.parametrize("leaders", [
    pytest.param({("MED", "Band 8d", "A"): 10, ("MED", "Band 8d", "H"): 3, ("SURG", "Band 8d", "A"): 20,
                  ("SURG", "Band 8d", "H"): 10}, id="small-count-with-partners"),
    pytest.param({("MED", "Band 8d", "H"): 3, ("SURG", "Band 8d", "A"): 20, ("SURG", "Band 8d", "H"): 10},
                 id="only-group-of-an-area-level"),
    pytest.param({("MED", "Band 6", "A"): 5, ("MED", "Band 6", "H"): 29, ("SURG", "Band 6", "A"): 50,
                  ("MED-ED", "Band 6", "A"): 40}, id="only-area-of-a-group"),
])
def test_no_small_withheld_count_can_be_worked_out_from_the_published_totals(
        client, db: Session, org, strategy, setup, leaders: dict[tuple[str, str, str], int]) -> None:
    import_extract(db, strategy, {**NON_LEADERS, **leaders})
    headers = bearer(db, org, "viewer")
    baseline = client.get(f"/api/v1/strategies/{strategy.id}/baseline", headers=headers).get_json()
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity", headers=headers).get_json()
    assert any(d["suppressed"] for d in baseline["diversity"])  # something small is there to protect
    assert small_counts(baseline, 7) == [] and small_counts(report, 7) == []
    found = {key: n for key, n in worked_out(baseline, report).items() if 1 <= n <= 7}
    assert found == {}


def test_the_report_withholds_shares_and_gaps_that_come_from_withheld_counts(client, db: Session, org, strategy,
                                                                            setup) -> None:
    threshold, _counts = arrange_random(db, org, strategy, setup, 3)
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity", headers=bearer(db, org, "viewer")).get_json()
    assert report["suppression_threshold"] == threshold and report["suppressed"] is True
    for characteristic in report["representation"]:
        for row in characteristic["rows"]:
            for group in row["groups"]:
                assert group["suppressed"] is (group["count"] is None)
                if group["count"] is None or row["total"] is None:
                    assert group["share"] is None
                elif row["total"]:
                    assert group["share"] == pytest.approx(group["count"] / row["total"])
            if row["total"] is not None:
                assert sum(g["suppressed"] for g in row["groups"]) != 1, row


# Worked example: all staff 200 BME of 1,000 (20%); board 25%, senior 10%, middle 40%, frontline 20%.
GAP_COUNTS = {
    None: {"white": 760, "bme": 200, "not_stated": 40},
    "board": {"white": 24, "bme": 8},
    "senior": {"white": 72, "bme": 8},
    "middle": {"white": 60, "bme": 40},
    "frontline": {"white": 150, "bme": 45, "not_stated": 30},
}


def test_the_report_gives_the_wres_indicators(client, db: Session, org, strategy, setup) -> None:
    store(db, strategy, setup, {("SURG", level, "ethnicity", g): n
                                for level, groups in GAP_COUNTS.items() for g, n in groups.items()})
    for group, (shortlisted, appointed) in {"white": (100, 20), "bme": (50, 5)}.items():
        db.add(ShortlistingFigure(organisation_id=org.id, strategy_id=strategy.id, characteristic="ethnicity",
                                  group_key=group, shortlisted=shortlisted, appointed=appointed))
    db.commit()
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity", headers=bearer(db, org, "viewer")).get_json()
    ethnicity = next(c for c in report["representation"] if c["characteristic"] == "ethnicity")
    indicators = ethnicity["indicators"]
    assert indicators["focus_group"] == "bme"
    assert indicators["relative_likelihood"] == pytest.approx(2.0)
    assert indicators["board_gap_points"] == pytest.approx(5.0)
    assert indicators["level_gaps_points"] == pytest.approx({"board": 5.0, "senior": -10.0, "middle": 20.0,
                                                             "frontline": 0.0})
    assert ethnicity["benchmarks"]["workforce"] == pytest.approx({"white": 0.76, "bme": 0.2, "not_stated": 0.04})
    rows = {row["level"]: row for row in ethnicity["rows"]}
    assert rows["middle"]["total"] == 100
    assert {g["group"]: g["count"] for g in rows["middle"]["groups"]} == {"white": 60, "bme": 40, "not_stated": 0}


def engine_item(db: Session, strategy, scenario, target: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    spec = scenarios.spec_for(db, strategy, scenario)
    spec.pop("uncertainty", None)
    item: dict[str, Any] = forecast({**spec, "diversity_targets": [target]})["diversity"][0]
    return item


@pytest.mark.parametrize(("role", "query", "bme_board", "withheld"), [
    ("viewer", "", 30, False),
    ("viewer", "", 6, True),
    ("viewer", "?suppress=false", 6, True),
    ("admin", "", 6, True),
    ("admin", "?suppress=false", 6, False),
    ("planner", "?suppress=false", 2, False),
])
def test_targets_in_the_report_are_the_engines_answers(client, db: Session, org, strategy, setup, role: str,
                                                       query: str, bme_board: int, withheld: bool) -> None:
    # BME board members, spread over two areas; distractors at other levels and in all staff.
    store(db, strategy, setup, {("MED", "board", "ethnicity", "bme"): bme_board // 2,
                                ("SURG", "board", "ethnicity", "bme"): bme_board - bme_board // 2,
                                ("MED", "senior", "ethnicity", "bme"): 9, ("MED", None, "ethnicity", "bme"): 300})
    db.add(DiversityTarget(organisation_id=org.id, strategy_id=strategy.id, level_id=setup["levels"]["board"].id,
                           characteristic="ethnicity", group_key="bme", target_share=0.25, target_year=2029,
                           leaver_rate_ratio=1.3))
    db.commit()
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity{query}", headers=bearer(db, org, role)
                        ).get_json()
    assert report["scenario"] == {"id": setup["scenario"].id, "name": "Baseline"}
    [target] = report["targets"]
    expected = engine_item(db, strategy, setup["scenario"], {
        "level": "board", "group": "bme", "baseline_count": bme_board, "target_share": 0.25, "target_year": 2029,
        "leaver_rate_ratio": 1.3})
    assert (target["level"], target["group"], target["target_share"], target["target_year"]) == \
        ("board", "bme", 0.25, 2029)
    assert target["suppressed"] is withheld
    assert target["baseline_count"] == (None if withheld else bme_board)
    if withheld:  # nothing derived from a withheld starting count, only why
        assert [target[k] for k in ("required_share_of_appointments", "feasible", "earliest_year", "assessment",
                                    "trajectory", "no_action")] == [None] * 6
        assert target["withheld_reason"].startswith("withheld: fewer than 8 people")
        return
    assert target["withheld_reason"] is None
    assert target["required_share_of_appointments"] == pytest.approx(expected["required_share_of_appointments"])
    assert target["feasible"] is expected["feasible"]
    for path in ("trajectory", "no_action"):
        assert [p["year"] for p in target[path]] == [p["year"] for p in expected[path]] == [2027, 2028, 2029,
                                                                                               2030, 2031]
        for got, want in zip(target[path], expected[path], strict=True):
            assert got == pytest.approx(want)


def test_the_report_names_the_scenario_asked_for(client, db: Session, org, strategy, setup) -> None:
    growth = scenarios.create_scenario(session=db, strategy=strategy, name="Growth", actor=None)
    headers = bearer(db, org, "viewer")
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity?scenario={growth.id}", headers=headers)
    assert report.get_json()["scenario"] == {"id": growth.id, "name": "Growth"}
    assert client.get(f"/api/v1/strategies/{strategy.id}/diversity?scenario=999999",
                      headers=headers).status_code == 404


def test_the_diversity_api_needs_credentials_and_stays_in_the_organisation(client, db: Session, org, strategy,
                                                                          setup) -> None:
    store(db, strategy, setup, {("MED", "board", "ethnicity", "bme"): 12})
    for path in ("baseline", "diversity"):
        assert client.get(f"/api/v1/strategies/{strategy.id}/{path}").status_code == 401
    elsewhere = factories.make_org(db)
    outsider = bearer(db, elsewhere, "admin")
    for path in ("baseline?suppress=false", "diversity?suppress=false"):
        response = client.get(f"/api/v1/strategies/{strategy.id}/{path}", headers=outsider)
        assert response.status_code == 404 and "diversity" not in response.get_json()


def test_baseline_and_report_agree_when_nothing_is_withheld(client, db: Session, org, strategy, setup) -> None:
    _threshold, counts = arrange_random(db, org, strategy, setup, 11)
    headers = bearer(db, org, "admin")
    listed = client.get(f"/api/v1/strategies/{strategy.id}/baseline?suppress=false", headers=headers
                        ).get_json()["diversity"]
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity?suppress=false", headers=headers).get_json()
    summed: Counter[tuple[str, str | None, str]] = Counter()
    for d in listed:
        summed[(d["characteristic"], d["level"], d["group"])] += d["count"]
    for characteristic in report["representation"]:
        for row in characteristic["rows"]:
            for group in row["groups"]:
                assert group["count"] == summed[(characteristic["characteristic"], row["level"], group["group"])]
    truth: Counter[tuple[str, str | None, str]] = Counter()
    for (_area, level, characteristic, group), n in counts.items():
        truth[(characteristic, level, group)] += n
    assert +summed == +truth




def test_a_targets_baseline_count_does_not_give_away_a_count_the_representation_withheld(
        client, db: Session, org, strategy, setup) -> None:
    # Middle leaders, all in one area: 70 White, 9 BME, 3 not stated. The 3 is withheld, and the 9 with it.
    store(db, strategy, setup, {("MED", "middle", "ethnicity", "white"): 70, ("MED", "middle", "ethnicity", "bme"): 9,
                                ("MED", "middle", "ethnicity", "not_stated"): 3})
    db.add(DiversityTarget(organisation_id=org.id, strategy_id=strategy.id, level_id=setup["levels"]["middle"].id,
                           characteristic="ethnicity", group_key="bme", target_share=0.2, target_year=2030))
    db.commit()
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity", headers=bearer(db, org, "viewer")).get_json()
    ethnicity = next(c for c in report["representation"] if c["characteristic"] == "ethnicity")
    middle = next(r for r in ethnicity["rows"] if r["level"] == "middle")
    shown = {g["group"]: g["count"] for g in middle["groups"]}
    assert middle["total"] == 82 and shown == {"white": 70, "bme": None, "not_stated": None}  # the arrangement
    [target] = report["targets"]
    if target["baseline_count"] is not None:
        worked_out_not_stated = middle["total"] - shown["white"] - target["baseline_count"]
        assert not 1 <= worked_out_not_stated <= 7, f"not stated worked out as {worked_out_not_stated}"
