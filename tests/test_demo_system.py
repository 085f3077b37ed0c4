"""The demo system (issue 18): `planner demo` loads an ICS whose two members share approved
versions; its forecast totals equal, level by level and year by year, the members' shared versions'
totals read by each member's own admin; a member's draft change does not move it. Both members' versions
hold diversity figures, each from its own staff extract through the staff import, so the system's
diversity shows both, with targets combined where both set one."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from planner.cli import main
from planner.config import DATA_DIR
from planner.db import engine_for
from planner.imports.values import parse_band
from planner.models import Organisation, StaffImport, Strategy
from planner.reference import medical_grades
from planner.services import accounts, systems
from planner.services.baseline import AreaFigures, baseline_of, save_baseline
from planner.services.structure import areas_of
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
COMMUNITY = DATA_DIR / "demo" / "community.json"
COMMUNITY_EXTRACT = DATA_DIR / "demo" / "community_staff_extract.csv"


@pytest.fixture
def demo_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", factories.FAST_HASH)
    runner = CliRunner()
    assert runner.invoke(main, ["init-db"]).exit_code == 0
    loaded = runner.invoke(main, ["demo"])
    assert loaded.exit_code == 0, loaded.output
    assert "Loaded the demo system 'Northfield and Dale Integrated Care System' (slug demo-ics)" in loaded.output
    again = runner.invoke(main, ["demo"])
    assert again.exit_code == 0 and "demo system" not in again.output
    return url


def test_the_demo_ics_sums_its_members_shared_versions_as_their_admins_read_them(demo_url: str) -> None:
    from planner import create_app

    app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": demo_url,
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": factories.FAST_HASH})
    client = app.test_client()
    with Session(engine_for(demo_url), expire_on_commit=False) as db:
        system = systems.system_by_slug(db, "demo-ics")
        assert [o.slug for _l, o in systems.members_of(db, system)] == ["demo-community", "demo"]
        ics_user = accounts.user_by_email(db, "ics@demo.nhs.uk")
        assert ics_user is not None
        # The system's user has a role in the system and in no member.
        assert [o.slug for _m, o in accounts.memberships_of(db, ics_user)] == ["demo-ics"]
        assert client.post("/login", data={"email": "ics@demo.nhs.uk", "password": "demo-ics-2026"}).status_code == 302
        view = client.get("/api/v1/systems/demo-ics/forecast").get_json()
        client.post("/logout")
        own: list[dict] = []  # type: ignore[type-arg]
        for email, password in (("admin@demo.nhs.uk", "demo-admin-2026"),
                                ("admin@community.demo.nhs.uk", "demo-community-2026")):
            assert client.post("/login", data={"email": email, "password": password}).status_code == 302
            detail = client.get("/api/v1/systems/demo-ics").get_json()
            mine = next(m for m in detail["members"] if m["shares"])
            shared = mine["shares"][0]
            versions = client.get(f"/api/v1/strategies/{shared['strategy']['id']}/versions").get_json()["versions"]
            version_id = next(v["id"] for v in versions if v["number"] == shared["version"])
            snapshot = client.get(f"/api/v1/strategies/{shared['strategy']['id']}/versions/{version_id}").get_json()
            scenario = next(s for s in snapshot["scenarios"] if s["name"] == shared["scenario"])
            own.append({(r["level"], r["year"]): r for r in scenario["totals"]})
            client.post("/logout")
        assert view["notes"] == [] and len(view["members"]) == 2
        assert len(view["totals"]) == 20
        for row in view["totals"]:
            for figure in ("end", "external_appointments", "leavers", "internal_fills", "start"):
                assert row[figure] == pytest.approx(sum(o[(row["level"], row["year"])][figure] for o in own))
        # A draft change of the acute trust's baseline moves nothing in the system view.
        demo = db.exec(select(Organisation).where(Organisation.slug == "demo")).one()
        strategy = db.exec(select(Strategy).where(Strategy.organisation_id == demo.id)).one()
        area = areas_of(db, strategy)[-1]
        save_baseline(session=db, strategy=strategy, actor=None,
                      figures={area.id: AreaFigures(staff=5000, fte=4800.0, leaders={"frontline": 900})})  # type: ignore[dict-item]
        assert client.post("/login", data={"email": "ics@demo.nhs.uk", "password": "demo-ics-2026"}).status_code == 302
        assert client.get("/api/v1/systems/demo-ics/forecast").get_json()["totals"] == view["totals"]
        home = client.get("/systems/demo-ics").get_data(as_text=True)
        assert "Dale Community and Mental Health NHS Trust" in home and "System: leaders at year end" in home


def _strategy(db: Session, slug: str) -> Strategy:
    organisation = accounts.find_organisation(db, slug)
    assert organisation is not None
    return db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()


def test_the_demo_ics_diversity_shows_both_members_each_from_its_own_staff_import(demo_url: str) -> None:
    from planner import create_app

    with Session(engine_for(demo_url), expire_on_commit=False) as db:
        community, acute = _strategy(db, "demo-community"), _strategy(db, "demo")
        # The community trust's figures came through the staff import, once (the second `planner demo` added
        # nothing), and reproduce the baseline its file gives, area by area.
        imports = db.exec(select(StaffImport).where(StaffImport.strategy_id == community.id)).all()
        assert [(i.filename, i.status, i.rows_read, i.rows_skipped) for i in imports] == [
            ("community_staff_extract.csv", "applied", 1811, 0)]
        codes = {a.id: a.code for a in areas_of(db, community)}
        given = json.loads(COMMUNITY.read_text(encoding="utf-8"))["baseline"]
        assert {codes[area]: (f.staff, f.fte, f.leaders) for area, f in baseline_of(db, community).items()} == {
            row["area"]: (row["staff"], row["fte"], row["leaders"]) for row in given}
        leaders: Counter[str] = Counter()
        for strategy in (community, acute):
            for figures in baseline_of(db, strategy).values():
                leaders.update(figures.leaders)
    app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": demo_url,
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": factories.FAST_HASH})
    client = app.test_client()
    assert client.post("/login", data={"email": "ics@demo.nhs.uk", "password": "demo-ics-2026"}).status_code == 302
    view = client.get("/api/v1/systems/demo-ics/diversity").get_json()
    assert [(m["organisation"], m["included"], m["note"]) for m in view["members"]] == [
        ("demo-community", True, None), ("demo", True, None)]
    ethnicity = next(c for c in view["characteristics"] if c["key"] == "ethnicity")
    levels = {lv["level"]: lv for lv in ethnicity["levels"]}
    # Each level's leaders are both members' (the community trust's 7 senior leaders among them).
    assert {key: levels[key]["total"] for key in leaders} == dict(leaders)
    # The board is published in full; the small senior level's groups are withheld, the community trust's
    # withheld counts among them.
    assert all(cell["count"] is not None for cell in levels["board"]["cells"])
    assert all(cell["count"] is None and cell["member_withheld"] for cell in levels["senior"]["cells"])
    # Both members' targets as frozen, and a system share wherever both target a level by a year.
    assert Counter(t["organisation"] for t in ethnicity["targets"]) == {"demo": 3, "demo-community": 3}
    combined = {(c["level"], c["target_year"]): c for c in ethnicity["combined"]}
    worked = {key for key, c in combined.items() if c["share"] is not None}
    assert worked == {("middle", 2028), ("all", 2030), ("senior", 2031)}
    middle = combined[("middle", 2028)]
    assert [m["organisation"] for m in middle["members"]] == ["demo-community", "demo"]
    assert middle["share"] == pytest.approx(sum(m["target_share"] * m["leaders"] for m in middle["members"])
                                            / sum(m["leaders"] for m in middle["members"]))
    assert "Northfield and Dale Hospitals NHS Foundation Trust has no target" in combined[("all", 2029)]["note"]
    page = client.get("/systems/demo-ics/diversity")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "holds no diversity figures" not in text
    assert "Dale Community and Mental Health NHS Trust" in text and "Northfield and Dale Hospitals" in text


@pytest.fixture(scope="module")
def community_rows() -> list[dict[str, str]]:
    with COMMUNITY_EXTRACT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_community_extract_looks_like_a_community_and_mental_health_trust(
        community_rows: list[dict[str, str]]) -> None:
    rows = community_rows
    assert sum(row["Gender"] == "Female" for row in rows) / len(rows) == pytest.approx(0.8, abs=0.04)
    bme = [row for row in rows if row["Ethnic Origin"][0] not in "ABCZ"]
    assert 0.13 <= len(bme) / len(rows) <= 0.2
    born = [int(row["Date of Birth"][-4:]) for row in rows]
    assert 0.45 <= sum(year <= 1980 for year in born) / len(born) <= 0.6  # about half aged 45 or over
    types = Counter(row["Board Member Type"] for row in rows if row["Board Member Type"])
    assert types == {"Non-executive": 6, "Executive (voting)": 5, "Executive (non-voting)": 1}
    roles = Counter(row["Job Role"] for row in rows if row["Leader"] == "Y" and row["Job Role"])
    assert roles == {"Medical Director": 1, "Clinical Director": 1, "Clinical Lead": 2}
    # Psychiatrists work in the mental health services (and the medical director on the board), none in
    # community services; every row's band is one the import reads.
    grades = set(medical_grades())
    doctors = [row for row in rows if parse_band(row["Pay Band"]) in grades]
    names = {a["code"]: a["name"] for a in json.loads(COMMUNITY.read_text(encoding="utf-8"))["areas"]}
    assert {names.get(row["Area"], row["Area"]) for row in doctors} == {
        "Trust Board", "Mental Health Services", "Adult Community Mental Health",
        "Children and Young People's Mental Health"}
    assert 0.02 <= len(doctors) / len(rows) <= 0.05
    assert all(parse_band(row["Pay Band"]) for row in rows)


def test_the_community_extract_is_what_the_script_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_demo_community_extract",
                                                  ROOT / "scripts" / "make_demo_community_extract.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path / "extract.csv")
    assert (tmp_path / "extract.csv").read_bytes() == COMMUNITY_EXTRACT.read_bytes()
