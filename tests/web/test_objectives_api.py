"""GET /api/v1/strategies/<id>/objectives: a cascade imported from a file (through the page and through
`planner import-objectives`) comes back with exactly the progress, weighted roll-up and SMART letters
that the independent calculation below gives; the item's shape; and the demo's cascade."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.cli import main
from planner.models import CheckIn, Objective, Strategy
from planner.services import accounts
from planner.services import objectives as service
from tests import factories
from tests.conftest import login

COLUMNS = ["ref", "parent_ref", "title", "level", "area", "owner", "measure", "baseline", "target", "current",
           "unit", "start", "due", "weight", "confidence"]
PERIOD = (date(2026, 4, 1), date(2031, 3, 31))  # make_strategy: 2026 for 5 years
TWENTY_ONE_WORDS = " ".join(["word"] * 21)


@dataclass(frozen=True)
class Row:
    """One row of the cascade file, as written in it."""

    ref: str
    parent: str
    title: str
    level: str
    area: str
    owner: str
    measure: str
    baseline: str
    target: str
    current: str
    unit: str
    start: str
    due: str
    weight: str
    confidence: str

    def cells(self) -> list[str]:
        return [self.ref, self.parent, self.title, self.level, self.area, self.owner, self.measure, self.baseline,
                self.target, self.current, self.unit, self.start, self.due, self.weight, self.confidence]


# strategic -> area -> team -> individual, with unequal weights, every measure kind (downward targets too),
# current values and 'done' milestones, low confidence without a reason, no owner, due dates outside the
# period, and a child (I1) written before its parent (T2).
CASCADE = [Row(*r) for r in [
    # ref   parent title                                           level         area  owner
    #   measure     baseline target       current unit      start         due              weight confidence
    ("I1", "T2", "Complete the coaching training course", "individual", "ED", "Ward Sister",
     "milestone", "", "", "done", "", "2026-04-01", "2026-12-31", "1", "medium"),
    ("S1", "", "Grow collective leadership across the trust", "strategic", "", "Chief Executive",
     "", "", "", "", "", "01/04/2026", "31/03/2031", "", "high"),
    ("A1", "S1", "Develop the leaders of the Emergency Department", "area", "Emergency Department", "jo bloggs",
     "", "", "", "", "", "2026-04-01", "2029-03-31", "3", "medium"),
    ("T1", "A1", "Fill every leadership programme place", "team", "ED", "Education Lead",
     "target", "0", "10", "10", "places", "2026-04-01", "2027-03-31", "2", "high"),
    ("T2", "A1", "Coaching for ward managers", "team", "ED", "",
     "", "", "", "", "", "2026-04-01", "2027-03-31", "1", "low"),
    ("I2", "T2", "Coach six ward managers", "individual", "ED", "Ward Sister",
     "milestone", "", "", "", "", "2026-04-01", "2027-03-31", "3", ""),
    ("I3", "T2", "Beat the appraisal target this year", "individual", "ED", "Charge Nurse",
     "target", "10", "20", "25", "%", "2026-04-01", "2027-03-31", "0.25", "high"),
    ("I4", "T2", "Raise the team engagement score", "individual", "ED", "Charge Nurse",
     "target", "50", "80", "40", "score", "2026-04-01", "2027-03-31", "2", "medium"),
    ("I9", "T2", "Cut A&E waits – by 10%", "individual", "ED", "Clinical Lead",
     "milestone", "", "", "not done", "", "", "2027-03-31", "1", "low"),
    ("T3", "A1", "Establish a baseline of leader vacancies", "team", "ED", "Workforce Lead",
     "baseline", "", "", "0", "vacancies", "2026-04-01", "2027-03-31", "0.5", "high"),
    ("I5", "T3", "Count the vacancies on every ward", "individual", "ED", "Ward Sister",
     "milestone", "", "", "done", "", "2026-04-01", "2027-03-31", "1", "high"),
    ("T4", "A1", "Keep sickness absence between limits", "team", "ED", "Matron",
     "range", "", "3-5", "", "%", "2026-04-01", "2027-03-31", "4", "medium"),
    ("I6", "T1", "Cut the days to book a course", "individual", "ED", "Team Leader",
     "target", "30", "10", "35", "days", "2026-04-01", "2027-03-31", "1", "medium"),
    ("I7", "T1", "Mentor deputies", "individual", "ED", "Team Leader",
     "milestone", "", "", "", "", "2027-03-31", "2027-03-31", "1", "medium"),
    ("I8", "T1", TWENTY_ONE_WORDS, "individual", "ED", "Team Leader",
     "baseline", "", "", "", "", "2025-01-01", "2027-03-31", "1", "high"),
    ("A2", "S1", "Cut the time to hire leaders", "area", "AMU", "Head of Recruitment",
     "target", "20", "5", "8", "days", "2026-04-01", "2028-03-31", "1", "medium"),
    ("A3", "S1", "Keep bed occupancy within its range", "area", "AMU", "",
     "range", "90", "92 to 95", "96", "%", "2026-04-01", "2028-03-31", "2", "high"),
    ("S2", "", "Cut agency spend on leadership posts", "strategic", "", "Director of Finance",
     "target", "£800", "£200", "£350", "£k", "2026-04-01", "2032-03-31", "", "medium"),
    ("S3", "", "Keep leadership vacancies low", "strategic", "", "Director of People",
     "", "", "", "", "", "2026-04-01", "2031-03-31", "", ""),
    ("A4", "S3", "Hold the vacancy rate within its band", "area", "AMU", "Head of Nursing",
     "range", "", "1..2", "", "%", "2026-04-01", "2031-03-31", "1", "high"),
    ("T5", "A4", "Agree the vacancy band with the board", "team", "AMU", "Head of Nursing",
     "milestone", "", "", "done", "", "2026-04-01", "2031-03-31", "1", "high"),
    ("A5", "S3", "Agree the leadership vacancy measure", "area", "AMU", "Head of Nursing",
     "target", "", "10", "", "%", "2026-04-01", "2031-04-01", "2", "high"),
    ("A6", "S3", "Keep the ratio exactly the same", "area", "AMU", "Head of Nursing",
     "target", "5", "5", "5", "", "2026-04-01", "2031-03-31", "1", "high"),
]]


def cascade_csv(rows: list[Row] = CASCADE) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in rows)
    return out.getvalue().encode("utf-8")


# --- the independent calculation (docs/objectives.md, written out again here) --------------------------------


def _num(text: str) -> float | None:
    text = text.replace("£", "").replace(",", "").strip()
    return float(text) if text else None


def _range(text: str) -> tuple[float, float]:
    low, high = re.split(r"\s*(?:to|\.\.|-)\s*", text)
    return float(low), float(high)


def _date(text: str) -> date | None:
    if not text:
        return None
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def expected_own(row: Row) -> float | None:
    if row.measure == "":
        return None
    if row.measure == "milestone":
        return 1.0 if row.current == "done" else 0.0
    if row.measure == "baseline":
        return 0.0 if row.current == "" else 1.0
    if row.measure == "range":
        low, high = _range(row.target)
        return None if row.current == "" else (1.0 if low <= float(row.current) <= high else 0.0)
    baseline, target = _num(row.baseline), _num(row.target)
    if baseline is None or target is None or baseline == target:
        return None
    if row.current == "":
        return 0.0
    share = (_num(row.current) - baseline) / (target - baseline)  # type: ignore[operator]
    return min(1.0, max(0.0, share))


def expected_rolled(ref: str, rows: list[Row] = CASCADE) -> float | None:
    row = next(r for r in rows if r.ref == ref)
    if row.measure != "":
        return expected_own(row)
    weighted = [(float(child.weight or 1), expected_rolled(child.ref, rows)) for child in rows if child.parent == ref]
    weighted = [(w, p) for w, p in weighted if p is not None]
    if not weighted:
        return None
    return sum(w * p for w, p in weighted) / sum(w for w, _ in weighted)


def expected_smart(row: Row) -> dict[str, bool]:
    words = sum(1 for word in row.title.split() if any(ch.isalnum() for ch in word))
    start, due = _date(row.start), _date(row.due)
    if row.measure == "target":
        measurable = None not in (_num(row.baseline), _num(row.target)) and _num(row.baseline) != _num(row.target)
    elif row.measure == "range":
        measurable = bool(row.target)
    elif row.measure in ("milestone", "baseline"):
        measurable = due is not None
    else:
        measurable = False
    return {
        "S": 3 <= words <= 20 and bool(row.owner),
        "M": measurable,
        "A": row.confidence in ("medium", "high"),  # the file has no reason for low confidence
        "R": row.level != "strategic" and bool(row.parent),  # a file cannot link to the vision
        "T": start is not None and due is not None and due > start and PERIOD[0] <= due <= PERIOD[1],
    }


def test_the_independent_calculation_agrees_with_the_worked_figures() -> None:
    """Guards the test's own arithmetic against the figures worked out by hand."""
    by_ref = {r.ref: r for r in CASCADE}
    assert expected_own(by_ref["A2"]) == pytest.approx(0.8)  # (8 - 20) / (5 - 20): a downward target
    assert expected_own(by_ref["S2"]) == pytest.approx(0.75)  # (350 - 800) / (200 - 800)
    assert expected_own(by_ref["I6"]) == 0.0 and expected_own(by_ref["I3"]) == 1.0  # clamped both ways
    assert expected_rolled("T2") == pytest.approx((1 + 0.25) / (1 + 3 + 0.25 + 2 + 1))
    assert expected_rolled("A1") == pytest.approx((2 * 1 + 1 * 1.25 / 7.25 + 0.5 * 1) / 3.5)  # T4 left out
    assert expected_rolled("S3") is None and expected_rolled("A4") is None  # A4 keeps its own blank
    assert expected_smart(by_ref["I9"]) == {"S": True, "M": True, "A": False, "R": True, "T": False}


# --- importing, through the page or the command ------------------------------------------------------------


@pytest.fixture
def cascade_strategy(db: Session, org) -> Strategy:  # type: ignore[no-untyped-def]
    strategy = factories.make_strategy(db, org, title="Cascade")
    factories.make_area(db, strategy, "ED", "Emergency Department")
    factories.make_area(db, strategy, "AMU", "Acute Medical Unit")
    accounts.add_member(session=db, organisation=org, email="jo@north.nhs.uk", role="contributor", name="Jo Bloggs",
                        password=factories.PASSWORD, hash_method=factories.FAST_HASH)
    return strategy


def import_through(channel: str, client: FlaskClient, db: Session, org, strategy: Strategy,  # type: ignore[no-untyped-def]
                   data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    if channel == "page":
        editor = factories.make_member(db, org, role="editor")
        login(client, editor.email)
        response = client.post(f"/strategies/{strategy.id}/objectives/import",
                               data={"objectives": (io.BytesIO(data), "cascade.csv")},
                               content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        client.get("/logout")
    else:
        monkeypatch.setenv("DATABASE_URL", database_url)
        path = tmp_path / "cascade.csv"
        path.write_bytes(data)
        result = CliRunner().invoke(main, ["import-objectives", "--strategy", str(strategy.id), str(path)])
        assert result.exit_code == 0, result.output
        assert f"{len(CASCADE)} objectives added and 0 updated" in result.output


def api_objectives(client: FlaskClient, db: Session, org, strategy: Strategy) -> dict[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    login(client, factories.make_member(db, org, role="viewer").email)
    response = client.get(f"/api/v1/strategies/{strategy.id}/objectives")
    assert response.status_code == 200
    return {item["ref"]: item for item in response.get_json()["objectives"]}


@pytest.mark.parametrize("channel", ["page", "cli"])
def test_an_imported_cascade_comes_back_with_the_independently_calculated_figures(
        channel: str, client: FlaskClient, db: Session, org, cascade_strategy: Strategy, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    import_through(channel, client, db, org, cascade_strategy, cascade_csv(), tmp_path, monkeypatch, database_url)
    got = api_objectives(client, db, org, cascade_strategy)

    assert sorted(got) == sorted(r.ref for r in CASCADE)
    for row in CASCADE:
        item = got[row.ref]
        where = f"objective {row.ref}"
        assert (item["parent_ref"], item["level"], item["title"]) == (row.parent or None, row.level, row.title), where
        assert item["weight"] == float(row.weight or 1), where
        assert item["confidence"] == (row.confidence or None), where
        for key, expected in (("progress", expected_own(row)), ("rolled_up_progress", expected_rolled(row.ref))):
            if expected is None:
                assert item[key] is None, f"{where}: {key}"
            else:
                assert item[key] == pytest.approx(expected, abs=1e-12), f"{where}: {key}"
        letters = expected_smart(row)
        assert {k: item["smart"][k] for k in "SMART"} == letters, where
        failing = [k for k in "SMART" if not letters[k]]
        words = {"S": "Specific", "M": "Measurable", "A": "Achievable", "R": "Relevant", "T": "Time-bound"}
        assert [reason.split(":")[0] for reason in item["smart"]["reasons"]] == [words[k] for k in failing], where
        assert item["gap"] is None, where
    # An owner that names a member makes the objective that member's; others stay a role-holder's name.
    assert got["A1"]["owner"] == "Jo Bloggs" and got["T1"]["owner"] == "Education Lead"
    assert got["T2"]["owner"] is None and got["A3"]["owner"] is None
    assert (got["A1"]["area"], got["A2"]["area"], got["S1"]["area"]) == ("ED", "AMU", None)
    # A current value becomes a check-in dated the day of the import (not for a milestone left blank).
    stored = {o.ref: o.id for o in db.exec(select(Objective).where(Objective.strategy_id == cascade_strategy.id))}
    checked = db.exec(select(CheckIn).where(CheckIn.objective_id.in_(list(stored.values())))).all()  # type: ignore[attr-defined]
    assert {c.on for c in checked} == {date.today()}
    assert {ref for ref, oid in stored.items() if oid in {c.objective_id for c in checked}} == {
        r.ref for r in CASCADE if r.current and r.current != "not done"}


# --- the shape ---------------------------------------------------------------------------------------------

ITEM_KEYS = {"id", "ref", "parent_ref", "title", "level", "area", "owner", "weight", "measure", "progress",
             "rolled_up_progress", "rag", "confidence", "smart", "gap", "below"}


def _save(db: Session, strategy: Strategy, **values: object) -> Objective:
    base: dict[str, object] = {"level": "team", "measure_kind": "none", "start": "2026-04-01", "due": "2027-03-31"}
    base.update(values)
    return service.save_objective(session=db, strategy=strategy, values=base, actor=None)


def test_each_item_has_the_documented_shape(client: FlaskClient, db: Session, org, strategy: Strategy) -> None:  # type: ignore[no-untyped-def]
    ed = factories.make_area(db, strategy, "ED", "Emergency Department")
    top = _save(db, strategy, ref="S1", title="Grow collective leadership across the trust", level="strategic",
                owner_name="Chief Executive", confidence="high", link_kind="vision", due="2031-03-31")
    child = _save(db, strategy, ref="S1.1", title="Close the BME leadership gap", level="area", parent_id=top.id,
                  area_id=ed.id, owner_name="Head of Inclusion", weight="2", measure_kind="target", baseline="12",
                  target="20", unit="%", confidence="low", link_kind="diversity target", link_ref="target:7")
    login(client, factories.make_member(db, org, role="viewer").email)
    items = client.get(f"/api/v1/strategies/{strategy.id}/objectives").get_json()["objectives"]

    assert [i["ref"] for i in items] == ["S1", "S1.1"]
    assert all(set(i) == ITEM_KEYS and set(i["smart"]) == {"S", "M", "A", "R", "T", "reasons"} for i in items)
    assert items[1] == {
        "id": child.id, "ref": "S1.1", "parent_ref": "S1", "title": "Close the BME leadership gap", "level": "area",
        "area": "ED", "owner": "Head of Inclusion", "weight": 2.0, "measure": "target", "progress": 0.0,
        "rolled_up_progress": 0.0, "rag": "red", "confidence": "low",  # nothing done, months in
        "below": None,  # nothing below it
        "smart": {"S": True, "M": True, "A": False, "R": True, "T": True, "reasons": [
            "Achievable: confidence is low, so record the reason it is still the right objective."]},
        "gap": {"kind": "diversity target", "ref": "target:7"},
    }
    assert items[0]["progress"] is None and items[0]["rolled_up_progress"] == 0.0
    # The parent says the health of what sits below it: its one area objective, red.
    assert items[0]["below"]["tiers"] == [{"level": "area", "green": 0, "amber": 0, "red": 1, "no_rag": 0}]
    assert items[0]["below"]["mostly_red"] is True and "1 area objective red" in items[0]["below"]["words"]
    assert items[0]["smart"]["R"] is True and items[0]["smart"]["M"] is False


def test_a_link_to_a_value_is_not_reported_as_a_gap(client: FlaskClient, db: Session, org, strategy: Strategy) -> None:  # type: ignore[no-untyped-def]
    _save(db, strategy, ref="S5", title="Staff feel heard and able to speak up", level="strategic",
          link_kind="value", link_ref="Compassion")
    login(client, factories.make_member(db, org, role="viewer").email)
    item = client.get(f"/api/v1/strategies/{strategy.id}/objectives").get_json()["objectives"][0]
    assert item["smart"]["R"] is True
    assert item["gap"] is None


@pytest.mark.parametrize(("role", "status"), [("viewer", 200), ("contributor", 200), ("planner", 200)])
def test_every_member_may_read_the_list_but_another_organisation_may_not(
        client: FlaskClient, db: Session, org, strategy: Strategy, role: str, status: int) -> None:  # type: ignore[no-untyped-def]
    _save(db, strategy, ref="S1", title="Grow collective leadership across the trust", level="strategic")
    other = factories.make_org(db)
    token, plain = accounts.create_token(session=db, user=factories.make_member(db, org, role=role),
                                         organisation=org, name="t")
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get(f"/api/v1/strategies/{strategy.id}/objectives", headers=headers).status_code == status
    _t, stranger = accounts.create_token(session=db, user=factories.make_member(db, other, role="admin"),
                                         organisation=other, name="t")
    refused = client.get(f"/api/v1/strategies/{strategy.id}/objectives",
                         headers={"Authorization": f"Bearer {stranger}"})
    assert refused.status_code == 404 and refused.is_json
    assert client.get(f"/api/v1/strategies/{strategy.id}/objectives").status_code == 401


# --- the demo ----------------------------------------------------------------------------------------------

DEMO_PASSWORD = "demo-contributor-2026"


@pytest.fixture
def demo(db: Session) -> Strategy:
    from planner.services.demo import load_demo

    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    return db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()


def test_the_demo_cascade_reaches_every_level_and_its_contributor_checks_in(
        client: FlaskClient, db: Session, demo: Strategy) -> None:
    login(client, "contributor@demo.nhs.uk", DEMO_PASSWORD)
    items = client.get(f"/api/v1/strategies/{demo.id}/objectives").get_json()["objectives"]
    levels = [i["level"] for i in items]
    assert (levels.count("strategic"), levels.count("area"), levels.count("individual")) == (6, 30, 150)
    assert 60 <= levels.count("team") <= 90
    by_ref = {i["ref"]: i for i in items}
    assert all(by_ref[i["parent_ref"]]["level"] == {"area": "strategic", "team": "area", "individual": "team"}
               [i["level"]] for i in items if i["level"] != "strategic")
    assert any(i["rolled_up_progress"] for i in items if i["level"] == "strategic")
    ids = [i["id"] for i in items]
    assert db.exec(select(CheckIn).where(CheckIn.objective_id.in_(ids))).first() is not None  # type: ignore[attr-defined]

    mine = client.get(f"/strategies/{demo.id}/objectives/mine").get_data(as_text=True)
    owned = re.findall(r'href="/strategies/\d+/objectives/(\d+)">([^<]+)</a>', mine.split('id="my-objectives"')[1])
    assert owned, "the demo contributor owns no objective"
    objective_id, label = int(owned[0][0]), owned[0][1]
    assert label.split()[0] in by_ref
    before = len(db.exec(select(CheckIn).where(CheckIn.objective_id == objective_id)).all())
    done = client.post(f"/strategies/{demo.id}/objectives/{objective_id}/check-in",
                       data={"on": date.today().isoformat(), "done": "yes", "confidence": "high",
                             "note": "Done at last"})
    assert done.status_code == 302
    assert len(db.exec(select(CheckIn).where(CheckIn.objective_id == objective_id)).all()) == before + 1
    someone_elses = next(i["id"] for i in items if i["id"] != objective_id and i["owner"] != "Aisha Khan")
    assert client.post(f"/strategies/{demo.id}/objectives/{someone_elses}/check-in",
                       data={"done": "yes"}).status_code == 403

    alignment = client.get(f"/strategies/{demo.id}/objectives/alignment").get_data(as_text=True)
    unowned = re.findall(r"<code>([^<]+)</code>", alignment.split('id="gaps-without"')[1])
    assert unowned, "the demo should leave some gaps without an owner"
    linked = {i["gap"]["ref"] for i in items if i["gap"]}
    assert not linked & set(unowned)


def test_the_demo_links_s2_to_one_of_its_own_diversity_targets(db: Session, org, strategy: Strategy) -> None:  # type: ignore[no-untyped-def]
    from planner.models import DiversityTarget
    from planner.services.demo import load_demo

    db.add(DiversityTarget(organisation_id=org.id, strategy_id=strategy.id, characteristic="ethnicity",
                           group_key="bme", target_share=0.2, target_year=2030))
    db.commit()
    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    demo = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    s2 = db.exec(select(Objective).where(Objective.strategy_id == demo.id, Objective.ref == "S2")).one()
    assert s2.link_kind == "diversity target"
    demo_targets = {f"target:{t.id}" for t in db.exec(select(DiversityTarget)
                                                      .where(DiversityTarget.strategy_id == demo.id))}
    assert s2.link_ref in demo_targets
