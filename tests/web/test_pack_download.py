"""Downloading the board pack: from the strategy page (every sheet) and from each step (its sheets),
by any member, never another organisation's; and `planner export` on the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import Session

from planner.cli import main
from planner.exports.steps import STEP_SHEETS
from planner.models import Strategy
from planner.services import scenarios as scenario_service
from tests import factories

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def small(db: Session, org) -> Strategy:  # type: ignore[no-untyped-def]
    """A strategy with two areas, a baseline and a scenario, so the forecast runs."""
    strategy = factories.make_strategy(db, org, title="Our Strategy & Plan 2026")
    ward = factories.make_area(db, strategy, "WARD", "Wards")
    clinic = factories.make_area(db, strategy, "CLIN", "Clinics")
    factories.set_baseline(db, strategy, ward, 400, 380.0, board=0, senior=2, middle=8, frontline=30)
    factories.set_baseline(db, strategy, clinic, 200, 190.5, senior=1, middle=4, frontline=15)
    scenario_service.scenario_from_data(session=db, strategy=strategy, actor=None, data={
        "name": "Baseline", "levels": {"senior": {"leaver_rate": 0.1, "ready_rate": 0.05, "internal_fill_max": 0.5},
                                       "middle": {"leaver_rate": 0.1, "ready_rate": 0.05, "internal_fill_max": 0.5},
                                       "frontline": {"leaver_rate": 0.12, "ready_rate": 0.06}},
        "areas": {"WARD": {"staff_growth": 0.02, "span": {"frontline": 13}}}})
    scenario_service.scenario_from_data(session=db, strategy=strategy, actor=None, data={"name": "Growth"})
    return strategy


def test_a_viewer_downloads_the_whole_pack_from_the_strategy_page(client, signed_in, small: Strategy) -> None:
    signed_in("viewer")
    page = client.get(f"/strategies/{small.id}").get_data(as_text=True)
    assert f'href="/strategies/{small.id}/pack.xlsx"' in page
    response = client.get(f"/strategies/{small.id}/pack.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="our-strategy-plan-2026-board-pack-')
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[:3] == ["Cover", "Contents", "Summary"]
    assert "Live forecast" in workbook.sheetnames
    cover = {r[0]: r[1] for r in workbook["Cover"].iter_rows(min_row=8, max_col=2, values_only=True) if r[0]}
    assert cover["Scenario"] == "Baseline"


@pytest.mark.parametrize(("step", "page", "sheets"), [
    ("scope", "scope", ["Scope"]),
    ("structure", "structure", ["Structure and baseline"]),
    ("baseline", "baseline", ["Structure and baseline"]),
    ("diversity", "diversity", ["Diversity", "Diversity indicators", "Diversity targets", "Board terms"]),
    ("forecast", "forecast", ["Forecast", "Forecast by area", "Forecast charts", "Scenarios", "Sensitivity",
                              "Uncertainty", "Succession", "Assumptions and method", "Live forecast"]),
    ("competencies", "competencies/gaps", ["Competencies", "Competency heatmap", "Competency gaps", "Competency plan",
                                           "Unplanned competency gaps"]),
    ("objectives", "objectives", ["Objectives", "Objectives SMART check", "Objectives by RAG", "Unowned gaps"]),
    ("consult", "consult", ["Consultation", "Consultations held", "Engagement log"]),
])
def test_each_step_offers_its_own_sheets(client, signed_in, small: Strategy, step: str, page: str,
                                         sheets: list[str]) -> None:
    signed_in("viewer")
    html = client.get(f"/strategies/{small.id}/{page}").get_data(as_text=True)
    assert f"/strategies/{small.id}/pack.xlsx?step={step}" in html
    response = client.get(f"/strategies/{small.id}/pack.xlsx?step={step}")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["Cover", "Contents", *sheets]


def test_the_chosen_scenario_reaches_the_pack(client, signed_in, small: Strategy, db: Session) -> None:
    signed_in("viewer")
    growth = next(s for s in scenario_service.scenarios_of(db, small) if s.name == "Growth")
    response = client.get(f"/strategies/{small.id}/pack.xlsx?step=forecast&scenario={growth.id}")
    assert load_workbook(io.BytesIO(response.data))["Forecast"]["A1"].value == "Forecast of leaders needed: Growth"


@pytest.mark.parametrize("query", ["step=nonsense", "scenario=999999"])
def test_an_unknown_step_or_scenario_is_not_found(client, signed_in, small: Strategy, query: str) -> None:
    signed_in("viewer")
    assert client.get(f"/strategies/{small.id}/pack.xlsx?{query}").status_code == 404


def test_another_organisations_pack_is_not_found(client, db: Session, small: Strategy) -> None:
    from tests.conftest import login

    other = factories.make_org(db, slug="south", name="South Trust")
    login(client, factories.make_member(db, other, role="admin").email)
    assert client.get(f"/strategies/{small.id}/pack.xlsx").status_code == 404


def test_every_step_in_the_list_has_sheets() -> None:
    from planner.exports.workbook import SHEETS

    assert all(set(groups) <= set(SHEETS) for groups in STEP_SHEETS.values())


# --- planner export -------------------------------------------------------------------------------


@pytest.fixture
def on_test_db(db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return db


def test_planner_export_writes_the_pack(on_test_db: Session, small: Strategy, tmp_path: Path) -> None:
    target = tmp_path / "pack.xlsx"
    result = CliRunner().invoke(main, ["export", "--strategy", str(small.id), "--scenario", "growth",
                                       "-o", str(target), "--prepared-by", "Board Secretary"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {target}" in result.output
    workbook = load_workbook(target)
    assert "Live forecast" in workbook.sheetnames
    cover = {r[0]: r[1] for r in workbook["Cover"].iter_rows(min_row=8, max_col=2, values_only=True) if r[0]}
    assert cover["Prepared by"] == "Board Secretary" and cover["Scenario"] == "Growth"


@pytest.mark.parametrize(("args", "message"), [
    (["--strategy", "999999"], "there is no strategy with id 999999"),
    (["--scenario", "Nope"], "has no scenario called 'Nope' (it has: Baseline, Growth)"),
    (["--output-name", "pack.csv"], "ending .xlsx"),
    (["--output-name", "missing/pack.xlsx"], "does not exist"),
])
def test_planner_export_refuses_with_a_message(on_test_db: Session, small: Strategy, tmp_path: Path,
                                               args: list[str], message: str) -> None:
    name = "pack.xlsx"
    if args[0] == "--output-name":
        name, args = args[1], []
    command = ["export", "--strategy", str(small.id), "-o", str(tmp_path / name), *args]
    if args and args[0] == "--strategy":
        command = ["export", *args, "-o", str(tmp_path / name)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2
    assert message in result.output
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob(".*partial"))
