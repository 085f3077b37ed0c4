"""The demo system (issue 18): `planner demo` loads an ICS whose two members share approved
versions; its forecast totals equal, level by level and year by year, the members' shared versions'
totals read by each member's own admin; a member's draft change does not move it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from planner.cli import main
from planner.db import engine_for
from planner.models import Organisation, Strategy
from planner.services import accounts, systems
from planner.services.baseline import AreaFigures, save_baseline
from planner.services.structure import areas_of
from tests import factories


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
