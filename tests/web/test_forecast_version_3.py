"""The Forecast step's pages and the API on a version 3 spec (model.md): demand follows the funded
establishment, and a leaver rate that changes by year drives the figures and the sensitivity view.

Storing yearly rates and establishment is other work (the scenario and baseline pages); here the spec
builder is wrapped to add them, so what is tested is that every reader shows what the engine gives."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlmodel import Session

from planner.forecast import forecast
from planner.models import Organisation, Strategy
from planner.services import forecasting, spec_forecast
from planner.services import scenarios as service
from planner.services.accounts import create_token
from tests import factories
from tests.web.test_forecast_pages import NAMES, tables

# Funded middle leader posts in Medicine each year, against 6 in post with a span that would give 8.
ESTABLISHMENT = [10, 12, 12, 15, 15]
MIDDLE_LEAVERS = [0.08, 0.1, 0.12, 0.14, 0.16]


@pytest.fixture
def version_3(db: Session, strategy: Strategy, monkeypatch: pytest.MonkeyPatch) -> tuple[Strategy, Any]:
    med = factories.make_area(db, strategy, "MED", "Medicine")
    surg = factories.make_area(db, strategy, "SURG", "Surgery")
    factories.set_baseline(db, strategy, med, staff=400, fte=380.0, senior=2, middle=6, frontline=30)
    factories.set_baseline(db, strategy, surg, staff=300, fte=290.0, senior=1, middle=4, frontline=22)
    scenario = service.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    built = service.spec_for

    def with_version_3(session: Session, strategy: Strategy, scenario: Any) -> dict[str, Any]:
        spec = copy.deepcopy(built(session, strategy, scenario))
        spec["areas"][0]["span"] = {"middle": 50.0}
        spec["areas"][0]["establishment"] = {"middle": list(ESTABLISHMENT)}
        next(lv for lv in spec["levels"] if lv["key"] == "middle")["leaver_rate"] = list(MIDDLE_LEAVERS)
        return spec

    monkeypatch.setattr(forecasting, "spec_for", with_version_3)
    monkeypatch.setattr(service, "spec_for", with_version_3)
    monkeypatch.setattr(spec_forecast, "spec_for", with_version_3)  # the API's forecast of a stored scenario
    return strategy, scenario


def _row(table: list[list[str]], level: str, label: str) -> list[str]:
    """A level's row of the posts-needed table: the level's name heads its first row only."""
    current = None
    for row in table:
        if len(row) > 1 and row[0] in NAMES.values():
            current, row = row[0], row[1:]
        if current == level and row and row[0] == label:
            return row[1:]
    raise AssertionError((level, label))


def test_posts_needed_follow_the_establishment_on_the_page_and_in_the_api(
        client, db: Session, org: Organisation, signed_in, version_3: tuple[Strategy, Any]) -> None:
    strategy, scenario = version_3
    viewer = signed_in("viewer")
    spec = service.spec_for(db, strategy, scenario)
    result = forecast(spec)
    middle = [t for t in result["totals"] if t["level"] == "middle"]
    # The engine's demand: Medicine's establishment plus Surgery's baseline (no span, no establishment).
    assert [t["demand"] for t in middle] == [posts + 4 for posts in ESTABLISHMENT]
    page = client.get(f"/strategies/{strategy.id}/forecast", query_string={"scenario": scenario.id})
    assert page.status_code == 200
    found = tables(page.get_data(as_text=True))["demand-table"]
    assert _row(found, NAMES["middle"], "Posts needed") == [f"{t['demand']:,}" for t in middle]
    areas = tables(client.get(f"/strategies/{strategy.id}/forecast/areas",
                              query_string={"scenario": scenario.id, "year": 2029}).get_data(as_text=True))
    header, medicine = areas["area-forecast"][0], next(r for r in areas["area-forecast"] if r[0] == "Medicine")
    needed = 1 + 2 * (header.index(NAMES["middle"]) - 1)  # each level has Needed, then External appointments
    assert medicine[needed] == str(ESTABLISHMENT[2])  # 2029's funded posts, not the span's 8 nor the 6 in post
    _token, plain = create_token(session=db, user=viewer, organisation=org, name="test")
    api = client.get(f"/api/v1/strategies/{strategy.id}/scenarios/{scenario.id}/forecast",
                     headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 200
    rows = [r for r in api.get_json()["rows"] if r["area"] == "MED" and r["level"] == "middle"]
    assert [r["demand"] for r in rows] == ESTABLISHMENT
    assert [r["leavers"] / r["start"] for r in rows] == pytest.approx(MIDDLE_LEAVERS)


def test_the_sensitivity_page_moves_every_years_rate(client, db: Session, signed_in,
                                                      version_3: tuple[Strategy, Any]) -> None:
    strategy, scenario = version_3
    signed_in("viewer")
    response = client.get(f"/strategies/{strategy.id}/forecast/sensitivity", query_string={"scenario": scenario.id})
    assert response.status_code == 200
    found = tables(response.get_data(as_text=True))["sensitivity-table"]
    spec = service.spec_for(db, strategy, scenario)
    for row, delta in zip(found[1:], (-0.02, -0.01, 0.0, 0.01, 0.02), strict=True):
        moved = copy.deepcopy(spec)
        for level in moved["levels"]:
            rates = level["leaver_rate"] if isinstance(level["leaver_rate"], list) else [level["leaver_rate"]] * 5
            level["leaver_rate"] = [min(max(q + delta, 0.0), 1.0 - level["ready_rate"]) for q in rates]
        totals = forecast(moved)["totals"]
        middle = sum(t["external_appointments"] for t in totals if t["level"] == "middle")
        column = found[0].index(NAMES["middle"])
        assert row[column] == f"{round(middle):,}", (delta, row)
