"""The Live forecast sheet, recalculated by LibreOffice, equals the planner's forecast to 1e-6, and
recomputes when a planner changes an assumption."""

from __future__ import annotations

import copy
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from planner.exports.book import Book
from planner.exports.live_forecast import FIELD_COLUMN, SHEET, TOTAL_FIELDS, Layout, write_live_forecast
from planner.forecast import forecast
from planner.forecast.generate import generate_spec
from planner.models import Scenario, Strategy
from planner.services.accounts import create_token
from planner.services.demo import load_demo
from tests import factories
from tests.conftest import login

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CI installs LibreOffice (.ci/run), so there a missing one is a failure, not a skip.
pytestmark = pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"),
                                reason="LibreOffice is not installed (.ci/run installs it)")
TOLERANCE = 1e-6


def recalculate(paths: list[Path], out: Path) -> list[Workbook]:
    """Open each workbook in headless LibreOffice, let it calculate, and read the values back."""
    assert SOFFICE is not None, "LibreOffice is needed: apt-get install libreoffice-calc-nogui"
    out.mkdir(exist_ok=True)
    profile = out / "profile"  # a profile of its own, so a running LibreOffice does not interfere
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--calc",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, paths)],
                   check=True, capture_output=True, timeout=300)
    return [load_workbook(out / p.name, data_only=True) for p in paths]


def live_sheet(spec: dict[str, Any], path: Path) -> Path:
    """A workbook holding just the Live forecast sheet of the spec."""
    book = Book(header_left="Test", header_right="Draft")
    write_live_forecast(book, {"forecast": {"spec": spec, "scenario": {"name": "Test"}},
                               "levels": [{"key": lv["key"], "name": lv["key"].title()} for lv in spec["levels"]]})
    book.workbook.save(path)
    return path


def worst_difference(ws: Any, spec: dict[str, Any], result: dict[str, Any]) -> float:
    """The largest gap between the sheet's values and the result's, over every row and total."""
    at = Layout(spec)
    worst = 0.0
    for row in result["rows"]:
        r = at.row(at.areas.index(row["area"]), at.levels.index(row["level"]), row["year"] - spec["start_year"])
        assert ws.cell(row=r, column=3).value == row["year"]
        for name, column in FIELD_COLUMN.items():
            value = ws.cell(row=r, column=column).value
            assert isinstance(value, (int, float)), f"{name} at row {r} is {value!r}"
            worst = max(worst, abs(value - row[name]))
    for total in result["totals"]:
        i = at.levels.index(total["level"])
        r = at.totals_header + 1 + i * at.horizon + (total["year"] - spec["start_year"] - 1)
        for j, name in enumerate(TOTAL_FIELDS, start=3):
            worst = max(worst, abs(ws.cell(row=r, column=j).value - total[name]))
    return worst


def test_the_demo_packs_live_sheet_equals_the_apis_forecast(app, client, db: Session, tmp_path: Path) -> None:
    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    scenario = db.exec(select(Scenario).where(Scenario.strategy_id == strategy.id, Scenario.name == "Growth")).one()
    viewer = factories.make_member(db, organisation, role="viewer")
    _token, plain = create_token(session=db, user=viewer, organisation=organisation, name="test")
    api = client.get(f"/api/v1/strategies/{strategy.id}/scenarios/{scenario.id}/forecast",
                     headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 200
    expected = api.get_json()
    login(client, viewer.email)
    download = client.get(f"/strategies/{strategy.id}/pack.xlsx?scenario={scenario.id}")
    assert download.status_code == 200
    path = tmp_path / "pack.xlsx"
    path.write_bytes(download.data)
    formulas = load_workbook(io.BytesIO(download.data))  # as written: formulas, no values yet
    assert str(formulas[SHEET]["G" + str(Layout(_spec_of(expected, strategy)).row(0, 0, 1))].value).startswith("=")
    (workbook,) = recalculate([path], tmp_path / "out")
    assert len(expected["rows"]) > 500
    assert worst_difference(workbook[SHEET], _spec_of(expected, strategy), expected) < TOLERANCE


def _spec_of(result: dict[str, Any], strategy: Strategy) -> dict[str, Any]:
    """Enough of a spec for the layout: the levels, areas and horizon in the result's order."""
    areas = list(dict.fromkeys(r["area"] for r in result["rows"]))
    levels = list(dict.fromkeys(t["level"] for t in result["totals"]))
    return {"start_year": strategy.start_year, "horizon": len(result["years"]),
            "levels": [{"key": k} for k in levels], "areas": [{"key": a} for a in areas]}


def _varied_specs() -> list[dict[str, Any]]:
    """Generated specs, with spans removed, overrides and yearly growth lists, and a surplus."""
    specs = []
    for seed in range(4):
        spec = generate_spec(areas=6, levels=3 + seed % 3, horizon=3 + seed * 2, targets=0, seed=seed)
        spec.pop("diversity_targets", None)
        areas: list[dict[str, Any]] = spec["areas"]  # type: ignore[assignment]
        levels = [lv["key"] for lv in spec["levels"]]  # type: ignore[attr-defined,index]
        areas[0].pop("span", None)  # demand stays at the baseline
        areas[1]["overrides"] = {levels[-1]: {"leaver_rate": 0.31, "internal_fill_max": 0.0},
                                 levels[0]: {"ready_rate": 0.2}}
        areas[2]["staff_growth"] = [0.05, -0.1] + [0.02] * (int(spec["horizon"]) - 2)  # type: ignore[call-overload]
        areas[3]["leaders"] = {k: v * 3 for k, v in areas[3]["leaders"].items()}  # far above demand
        areas[4]["staff"] = 0
        specs.append(spec)
    return specs


def test_varied_specs_recalculate_to_the_engines_figures(tmp_path: Path) -> None:
    specs = _varied_specs()
    paths = [live_sheet(spec, tmp_path / f"spec{n}.xlsx") for n, spec in enumerate(specs)]
    for spec, workbook in zip(specs, recalculate(paths, tmp_path / "out"), strict=True):
        assert worst_difference(workbook[SHEET], spec, forecast(spec)) < TOLERANCE


def test_changing_an_assumption_in_excel_recomputes_the_forecast(tmp_path: Path) -> None:
    spec = _varied_specs()[1]
    path = live_sheet(spec, tmp_path / "live.xlsx")
    edited = load_workbook(path)
    ws = edited[SHEET]
    at = Layout(spec)
    ws.cell(row=at.level_row(1), column=3).value = 0.25  # the second level's leaver rate
    ws.cell(row=at.area_row(0), column=at.growth_column(1)).value = 0.1  # the first area's growth in year 1
    ws.cell(row=at.area_level_row(2, 0), column=3).value = 40  # leaders at the top of the third area
    edited.save(path)
    changed = copy.deepcopy(spec)
    changed["levels"][1]["leaver_rate"] = 0.25
    growth = changed["areas"][0]["staff_growth"]
    years = list(growth) if isinstance(growth, list) else [growth] * at.horizon
    changed["areas"][0]["staff_growth"] = [0.1] + years[1:at.horizon]
    changed["areas"][2]["leaders"][at.levels[0]] = 40
    (workbook,) = recalculate([path], tmp_path / "out")
    assert worst_difference(workbook[SHEET], changed, forecast(changed)) < TOLERANCE
    assert worst_difference(workbook[SHEET], spec, forecast(spec)) > 1  # it really moved
