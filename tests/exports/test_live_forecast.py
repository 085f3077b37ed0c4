"""The Live forecast sheet, recalculated by LibreOffice, equals the planner's forecast to 1e-6, and
recomputes when a planner changes an assumption. Its inputs refuse values outside the model's rules,
only they can be changed on the protected sheet, and it prints a few labelled, readable pages."""

from __future__ import annotations

import copy
import io
import os
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from planner.exports.book import Book
from planner.exports.live_forecast import (
    FIELD_COLUMN,
    LEAVER_RATE_COLUMN,
    PRINT_NOTE,
    SHEET,
    TOTAL_FIELDS,
    Layout,
    write_live_forecast,
)
from planner.exports.workbook import build_pack
from planner.forecast import forecast
from planner.forecast.generate import generate_spec
from planner.models import Organisation, Scenario, Strategy
from planner.services.accounts import create_token
from planner.services.board_pack import pack_content
from planner.services.demo import load_demo
from tests import factories
from tests.conftest import login
from tests.exports.pdf_text import SOFFICE, pages, to_pdf

# CI installs LibreOffice (.ci/run), so there a missing one is a failure, not a skip.
needs_libreoffice = pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"),
                                       reason="LibreOffice is not installed (.ci/run installs it)")
TOLERANCE = 1e-6
INPUT_FILL = "FFF9E5"  # the yellow of the "Pack input" style


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


@needs_libreoffice
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


@needs_libreoffice
def test_varied_specs_recalculate_to_the_engines_figures(tmp_path: Path) -> None:
    specs = _varied_specs()
    paths = [live_sheet(spec, tmp_path / f"spec{n}.xlsx") for n, spec in enumerate(specs)]
    for spec, workbook in zip(specs, recalculate(paths, tmp_path / "out"), strict=True):
        assert worst_difference(workbook[SHEET], spec, forecast(spec)) < TOLERANCE


@needs_libreoffice
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


# --- model.md version 3: leaver rates by year and funded establishment ------------------------

def _version_3_specs() -> list[dict[str, Any]]:
    """Generated version 3 specs (yearly leaver rates on levels and overrides, establishment as one
    number or one a year), with every kind of case written in: a level's own yearly rates beside an
    area's yearly override, an override given once, an establishment replacing a span, one on a level
    without a span, an establishment of 0 (a surplus kept), and areas without any."""
    specs = []
    for seed, horizon in enumerate((3, 5, 7, 9, 1, 10)):
        spec: dict[str, Any] = generate_spec(areas=6, levels=3 + seed % 3, horizon=horizon, targets=0,
                                             seed=seed, version=3)
        spec.pop("diversity_targets", None)
        levels = [lv["key"] for lv in spec["levels"]]
        areas = spec["areas"]
        spec["levels"][0]["leaver_rate"] = [round(0.08 + 0.01 * t, 3) for t in range(horizon)]
        areas[0]["overrides"] = {levels[0]: {"leaver_rate": [0.2 - 0.02 * t for t in range(horizon)]},
                                 levels[-1]: {"leaver_rate": 0.3, "ready_rate": 0.0}}
        areas[1]["establishment"] = {levels[-1]: areas[1]["leaders"][levels[-1]] + 5,  # replaces the span
                                     levels[0]: [areas[1]["leaders"][levels[0]] + t for t in range(horizon)]}
        areas[2].pop("establishment", None)
        areas[3]["establishment"] = {levels[1]: 0}  # no funded posts: the leaders in post stay as a surplus
        areas[4]["span"] = {}
        areas[4]["establishment"] = {levels[-1]: [max(0, areas[4]["leaders"][levels[-1]] - 2 + 3 * t)
                                                  for t in range(horizon)]}
        specs.append(spec)
    return specs


@needs_libreoffice
def test_version_3_specs_recalculate_to_the_engines_figures(tmp_path: Path) -> None:
    specs = _version_3_specs()
    paths = [live_sheet(spec, tmp_path / f"v3-{n}.xlsx") for n, spec in enumerate(specs)]
    for spec, workbook in zip(specs, recalculate(paths, tmp_path / "out"), strict=True):
        ws = workbook[SHEET]
        result = forecast(spec)
        assert worst_difference(ws, spec, result) < TOLERANCE
        # Demand follows the establishment where there is one: the funded posts, year by year.
        at = Layout(spec)
        establishment = spec["areas"][1]["establishment"][at.levels[0]]
        assert [ws.cell(row=at.row(1, 0, t), column=FIELD_COLUMN["demand"]).value
                for t in range(1, at.horizon + 1)] == establishment
        # And each row shows the leaver rate it used: the area's own for the year, else the level's.
        assert ws.cell(row=at.row(0, 0, at.horizon), column=LEAVER_RATE_COLUMN).value == pytest.approx(
            spec["areas"][0]["overrides"][at.levels[0]]["leaver_rate"][-1])
        assert ws.cell(row=at.row(2, 0, at.horizon), column=LEAVER_RATE_COLUMN).value == pytest.approx(
            spec["levels"][0]["leaver_rate"][-1])


def _typed(ws: Worksheet, row: int, column: int, value: float | None) -> None:
    """Type a value over an input cell, as a planner would (replacing any formula in it)."""
    cell = ws.cell(row=row, column=column)
    assert cell.protection.locked is False, cell.coordinate
    cell.value = value


@needs_libreoffice
def test_changing_a_years_rate_or_funded_posts_in_excel_recomputes_the_forecast(tmp_path: Path) -> None:
    spec = _version_3_specs()[1]  # horizon 5
    at = Layout(spec)
    levels, horizon = at.levels, at.horizon
    once = next(i for i, lv in enumerate(spec["levels"]) if not isinstance(lv["leaver_rate"], list))
    path = live_sheet(spec, tmp_path / "live.xlsx")
    edited = load_workbook(path)
    ws = edited[SHEET]
    changed = copy.deepcopy(spec)
    # A level whose rate is given once: its first year changes every year; a later year typed over
    # changes that year and those after it, which repeat the year before.
    _typed(ws, at.level_row(once), at.leaver_column(1), 0.2)
    _typed(ws, at.level_row(once), at.leaver_column(4), 0.05)
    changed["levels"][once]["leaver_rate"] = [0.2, 0.2, 0.2, 0.05, 0.05]
    # A level given year by year: only the year typed over changes.
    _typed(ws, at.level_row(0), at.leaver_column(2), 0.3)
    changed["levels"][0]["leaver_rate"][1] = 0.3
    # An area's establishment given once: a new first year carries through every year.
    _typed(ws, at.area_level_row(1, len(levels) - 1), at.posts_column(1), 400)
    changed["areas"][1]["establishment"][levels[-1]] = 400
    # An establishment cleared: demand goes back to the span (or the starting count).
    for t in range(1, horizon + 1):
        _typed(ws, at.area_level_row(4, len(levels) - 1), at.posts_column(t), None)
    del changed["areas"][4]["establishment"]
    # An area's own yearly leaver rate cleared in one year: the level's rate applies that year.
    _typed(ws, at.area_level_row(0, 0), at.leaver_override_column(3), None)
    changed["areas"][0]["overrides"][levels[0]]["leaver_rate"][2] = changed["levels"][0]["leaver_rate"][2]
    edited.save(path)
    (workbook,) = recalculate([path], tmp_path / "out")
    assert worst_difference(workbook[SHEET], changed, forecast(changed)) < TOLERANCE
    assert worst_difference(workbook[SHEET], spec, forecast(spec)) > 1  # it really moved


def test_a_figure_given_once_fills_the_later_years_with_formulas_a_planner_can_type_over(tmp_path: Path) -> None:
    spec = _version_3_specs()[1]
    at = Layout(spec)
    once = next(i for i, lv in enumerate(spec["levels"]) if not isinstance(lv["leaver_rate"], list))
    ws = load_workbook(live_sheet(spec, tmp_path / "live.xlsx"))[SHEET]
    row = at.level_row(once)
    assert ws.cell(row=row, column=at.leaver_column(1)).value == spec["levels"][once]["leaver_rate"]
    before = ws.cell(row=row, column=at.leaver_column(1)).coordinate
    assert ws.cell(row=row, column=at.leaver_column(2)).value == f'=IF(ISNUMBER({before}),{before},"")'
    # A list is written year by year, as numbers.
    assert [ws.cell(row=at.level_row(0), column=at.leaver_column(t)).value for t in range(1, at.horizon + 1)] \
        == spec["levels"][0]["leaver_rate"]
    # Every year of every leaver rate and funded posts is a yellow, unlocked input with a heading naming its year.
    first, last = spec["start_year"] + 1, spec["start_year"] + at.horizon
    assert ws.cell(row=at.level_header, column=at.leaver_column(at.horizon)).value == f"Leaver rate {last}"
    assert ws.cell(row=at.area_level_header, column=at.posts_column(1)).value == f"Funded posts {first}"
    assert ws.cell(row=at.area_level_header, column=at.leaver_override_column(at.horizon)).value == \
        f"Leaver rate override {last}"
    for t in range(1, at.horizon + 1):
        for cell in (ws.cell(row=row, column=at.leaver_column(t)),
                     ws.cell(row=at.area_level_row(1, 0), column=at.posts_column(t)),
                     ws.cell(row=at.area_level_row(0, 0), column=at.leaver_override_column(t))):
            assert cell.protection.locked is False and cell.fill.fgColor.rgb[-6:] == INPUT_FILL, cell.coordinate


# --- guarded inputs: validation, protection, printing ------------------------------------------

@pytest.fixture
def saved(tmp_path: Path) -> tuple[Worksheet, Layout]:
    """The Live forecast of a varied spec (overrides, blank spans, yearly growth), saved and read back."""
    spec = _varied_specs()[1]
    path = live_sheet(spec, tmp_path / "live.xlsx")
    return load_workbook(path)[SHEET], Layout(spec)


def validation_of(ws: Worksheet, coordinate: str) -> DataValidation:
    """The one data validation whose ranges cover the cell."""
    covering = [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(covering) == 1, (coordinate, [str(dv.sqref) for dv in covering])
    return covering[0]


def accepts(rule: DataValidation, value: float | None) -> bool:
    """Whether Excel lets the value into a cell under the rule: its type, operator and bounds."""
    if value is None:
        return bool(rule.allow_blank)
    if rule.type == "whole" and not float(value).is_integer():
        return False
    assert rule.type in ("whole", "decimal"), rule.type
    low = float(rule.formula1)
    high = float(rule.formula2) if rule.formula2 is not None else None
    checks: dict[str, Callable[[], bool]] = {
        "between": lambda: high is not None and low <= value <= high,
        "notBetween": lambda: high is not None and not low <= value <= high,
        "greaterThan": lambda: value > low,
        "greaterThanOrEqual": lambda: value >= low,
        "lessThan": lambda: value < low,
        "lessThanOrEqual": lambda: value <= low,
        "equal": lambda: value == low,
        "notEqual": lambda: value != low,
    }
    return checks[rule.operator or "between"]()  # OOXML's default operator is "between"


def input_cells(ws: Worksheet) -> list[Any]:
    """Every yellow input cell of the sheet."""
    return [cell for row in ws.iter_rows() for cell in row if cell.fill.fgColor.rgb[-6:] == INPUT_FILL]


# (what, where as a function of the layout, value typed, accepted?)
CASES: list[tuple[str, Callable[[Layout], tuple[int, int]], float | None, bool]] = [
    ("leaver rate", lambda at: (at.level_row(0), 3), 1.5, False),
    ("leaver rate", lambda at: (at.level_row(0), 3), 0.12, True),
    ("leaver rate", lambda at: (at.level_row(0), 3), -0.01, False),
    ("leaver rate in the last year", lambda at: (at.level_row(0), at.leaver_column(at.horizon)), 1.2, False),
    ("leaver rate in the last year", lambda at: (at.level_row(0), at.leaver_column(at.horizon)), 0.3, True),
    ("ready rate", lambda at: (at.level_row(1), at.ready_column), 1, True),
    ("internal fill max", lambda at: (at.level_row(2), at.fill_column), 2, False),
    ("leaders", lambda at: (at.area_level_row(0, 0), 3), -1, False),
    ("leaders", lambda at: (at.area_level_row(0, 0), 3), 2.5, False),
    ("leaders", lambda at: (at.area_level_row(0, 0), 3), 12, True),
    ("staff", lambda at: (at.area_row(1), at.staff_column), -5, False),
    ("staff", lambda at: (at.area_row(1), at.staff_column), 2400, True),
    ("growth", lambda at: (at.area_row(2), at.growth_column(1)), -1, False),
    ("growth", lambda at: (at.area_row(2), at.growth_column(at.horizon)), -0.5, True),
    ("growth", lambda at: (at.area_row(2), at.growth_column(1)), 0.03, True),
    ("span", lambda at: (at.area_level_row(1, 2), 4), 0, False),
    ("span", lambda at: (at.area_level_row(1, 2), 4), None, True),
    ("span", lambda at: (at.area_level_row(1, 2), 4), 12.5, True),
    ("leaver rate override", lambda at: (at.area_level_row(1, 0), at.leaver_override_column(1)), None, True),
    ("leaver rate override", lambda at: (at.area_level_row(1, 0), at.leaver_override_column(at.horizon)), 1.01,
     False),
    ("ready rate override", lambda at: (at.area_level_row(1, 0), at.ready_override_column), 1.2, False),
    ("internal fill max override", lambda at: (at.area_level_row(1, 0), at.fill_override_column), 0.2, True),
    ("funded posts", lambda at: (at.area_level_row(0, 1), at.posts_column(1)), None, True),
    ("funded posts", lambda at: (at.area_level_row(0, 1), at.posts_column(1)), 14, True),
    ("funded posts", lambda at: (at.area_level_row(0, 1), at.posts_column(at.horizon)), 12.5, False),
    ("funded posts", lambda at: (at.area_level_row(0, 1), at.posts_column(2)), -1, False),
    ("funded posts", lambda at: (at.area_level_row(0, 1), at.posts_column(2)), 2_000_000, False),
    ("start year", lambda at: (at.start_year_row, 2), 1800, False),
    ("start year", lambda at: (at.start_year_row, 2), 2026.5, False),
    ("start year", lambda at: (at.start_year_row, 2), 2030, True),
]


@pytest.mark.parametrize(("what", "where", "value", "accepted"), CASES,
                         ids=[f"{c[0]}={c[2]}" for c in CASES])
def test_an_input_accepts_or_refuses_a_value_as_the_model_does(
        saved: tuple[Worksheet, Layout], what: str, where: Callable[[Layout], tuple[int, int]],
        value: float | None, accepted: bool) -> None:
    ws, at = saved
    row, column = where(at)
    rule = validation_of(ws, ws.cell(row=row, column=column).coordinate)
    assert accepts(rule, value) is accepted, (what, value, rule.type, rule.operator, rule.formula1, rule.formula2)


def test_a_refused_value_is_stopped_with_a_message_naming_the_rule(saved: tuple[Worksheet, Layout]) -> None:
    ws, at = saved
    rules = ws.data_validations.dataValidation
    assert len(rules) == 8  # one per rule, however many areas: quick to write and to open
    for rule in rules:
        assert rule.showErrorMessage and rule.errorStyle == "stop", rule.sqref
        assert rule.errorTitle and len(rule.errorTitle) <= 32 and rule.error and len(rule.error) <= 255
        assert rule.showInputMessage and rule.prompt and len(rule.prompt) <= 255, rule.sqref
    leaver = validation_of(ws, ws.cell(row=at.level_row(0), column=3).coordinate)
    assert "between 0 and 1" in leaver.error and "0.12" in leaver.error
    assert "whole number" in validation_of(ws, f"C{at.area_level_row(0, 0)}").error


def test_every_input_cell_lies_inside_a_validation_range(saved: tuple[Worksheet, Layout]) -> None:
    ws, at = saved
    cells = input_cells(ws)
    levels, areas = len(at.levels), len(at.areas)
    assert len(cells) == (1 + levels * (at.horizon + 2) + areas * (1 + at.horizon)
                          + areas * levels * (2 + 2 * at.horizon + 2))
    for cell in cells:
        validation_of(ws, cell.coordinate)  # exactly one rule covers it


def test_only_the_yellow_cells_are_unlocked_on_a_sheet_protected_without_a_password(
        saved: tuple[Worksheet, Layout]) -> None:
    ws, _at = saved
    assert ws.protection.sheet
    assert not ws.protection.password and not ws.protection.hashValue  # Review > Unprotect Sheet lifts it
    assert not ws.protection.autoFilter and ws.protection.sort  # filtering allowed; sorting would break rows
    unlocked = 0
    for row in ws.iter_rows():
        for cell in row:
            yellow = cell.fill.fgColor.rgb[-6:] == INPUT_FILL
            assert cell.protection.locked is not yellow, (cell.coordinate, cell.value)
            if yellow:
                assert cell.style == "Pack input", cell.coordinate  # the named style survives unlocking
                unlocked += 1
    assert unlocked == len(input_cells(ws)) > 0


def test_each_block_has_a_heading_a_note_and_the_sheet_explains_itself(saved: tuple[Worksheet, Layout]) -> None:
    ws, at = saved
    headings = {at.level_header: "Inputs: rates by level", at.area_header: "Inputs: staff and growth by area",
                at.area_level_header: "Inputs: leaders, spans, funded posts and overrides by area and level",
                at.totals_header: "Results: totals by level and year",
                at.rows_header: "Results: each area, level and year"}
    for header, heading in headings.items():
        assert ws.cell(row=header - 2, column=1).value == heading
        assert len(str(ws.cell(row=header - 1, column=1).value)) > 20  # a note of what the cells mean
    explanation = " ".join(str(ws.cell(row=r, column=1).value) for r in range(1, at.start_year_row))
    for words in ("yellow", "recalculates", "equal the planner's forecast", "0.12 for 12%",
                  "without a password", "Review > Unprotect Sheet"):
        assert words in explanation


def test_the_print_area_is_the_explanation_rates_and_totals_not_the_rows(saved: tuple[Worksheet, Layout]) -> None:
    ws, at = saved
    ranges = [part.split("!")[-1].replace("$", "") for part in str(ws.print_area).split(",")]
    assert ranges == [f"A1:J{at.level_row(len(at.levels) - 1)}",
                      f"A{at.totals_header - 2}:J{at.total_row(len(at.levels) - 1, at.horizon)}"]
    assert at.total_row(len(at.levels) - 1, at.horizon) < at.rows_header - 2  # the per-row block is not printed
    assert str(ws.print_title_rows).replace("$", "") == f"{at.totals_header}:{at.totals_header}"  # repeated
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert "on screen only" in PRINT_NOTE and PRINT_NOTE.endswith(".")


@pytest.fixture
def demo_live_sheet(db: Session, tmp_path: Path) -> Path:
    """The demo pack's Live forecast sheet alone, as the pack writes it."""
    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    scenario = db.exec(select(Scenario).where(Scenario.strategy_id == strategy.id, Scenario.name == "Growth")).one()
    content = pack_content(db, strategy, db.get(Organisation, organisation.id),  # type: ignore[arg-type]
                           scenario=scenario, prepared_by="Board Secretary", today=date(2026, 12, 1))
    workbook = build_pack(content, sheets={"live"}).workbook
    for ws in list(workbook.worksheets):
        if ws.title != SHEET:
            workbook.remove(ws)
    path = tmp_path / "live.xlsx"
    workbook.save(path)
    return path


@needs_libreoffice
def test_the_demo_sheet_prints_on_two_readable_labelled_pages(demo_live_sheet: Path, tmp_path: Path) -> None:
    printed = pages(to_pdf(demo_live_sheet, tmp_path / "pdf"))
    assert len(printed) == 2, [page.text[:80] for page in printed]  # was 16 pages of unlabelled formula rows
    for page in printed:
        assert page.median_size >= 8, (page.number, page.median_size)
    first, second = printed[0].text, printed[1].text
    assert "Change only the yellow cells" in first and "Inputs: rates by level" in first
    assert "Results: totals by level and year" in second and "External" in second
    text = first + second
    assert "Results: each area, level and year" not in text and "Inputs: staff and growth" not in text
