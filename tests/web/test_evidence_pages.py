"""The Workforce evidence page as planners use it: the demo's measured rates shown with their sources, applied
to a scenario (then shown on its rates page, in the spec and in the pack's Assumptions sheet), typed over
afterwards; uploads of the start of period and leavers extracts, refused with every problem by row and column
and nothing stored; only those allowed may upload or apply."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from planner import create_app
from planner.db import engine_for
from planner.exports import paper_text
from planner.exports.workbook import pack_bytes
from planner.models import Area, AuditEvent, EvidenceExtract, Organisation, ScenarioAreaLevel, ScenarioLevel, Strategy
from planner.services import evidence
from planner.services.board_pack import pack_content
from planner.services.scenarios import scenarios_of, spec_for
from planner.services.structure import areas_of, levels_of
from tests import factories


@dataclass
class Demo:
    app: Flask
    client: FlaskClient
    url: str
    strategy_id: int


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder: Path = tmp_path_factory.mktemp("evidence")
    with factories.demo_database(folder) as (session, strategy, organisation):
        admin = factories.make_member(session, organisation, role="planner")
        url = f"sqlite:///{folder / 'demo.db'}"
        app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                          "DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": factories.FAST_HASH})
        client = app.test_client()
        client.post("/login", data={"email": admin.email, "password": factories.PASSWORD})
        yield Demo(app, client, url, int(strategy.id))  # type: ignore[arg-type]


def text_of(body: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def number(value: float) -> str:
    """As the sources write an average: whole, or to a tenth (29.5)."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def derived_now(demo: Demo) -> evidence.Evidence:
    with Session(engine_for(demo.url)) as session:
        strategy = session.get(Strategy, demo.strategy_id)
        assert strategy is not None
        return evidence.derive(session, strategy, scenarios_of(session, strategy)[0])


def test_the_demo_holds_its_three_extracts_and_its_measured_rates_are_shown_with_their_sources(demo: Demo) -> None:
    page = demo.client.get(f"/strategies/{demo.strategy_id}/evidence")
    assert page.status_code == 200
    shown = text_of(page.get_data(as_text=True))
    for name in ("staff_extract_start.csv", "staff_extract.csv", "leavers.csv"):
        assert name in shown
    assert "Rates measured, 1 April 2025 to 31 March 2026" in shown
    found = derived_now(demo)
    for rate in found.levels:
        assert rate.leaver_rate is not None  # every demo level had leaders in post
        word = {"board": "board", "senior": "senior", "middle": "middle", "frontline": "frontline"}[rate.level]
        assert (f"Measured: {rate.leavers:,} leaver{'s' if rate.leavers != 1 else ''} from "
                f"{number(rate.average_in_post)} {word} leaders on average, 1 April 2025 to 31 March 2026") in shown
    assert any(a.own_rate for a in found.areas) and "Measured in " in shown
    assert "The level's rate: Division of Medicine had 3.5 middle leaders on average, fewer than 20" in shown
    assert "55 to 64" in shown and "Retirement rates by age band" in shown
    assert "Typed" in shown  # not applied: the demo's scenarios keep the rates it describes


def test_applying_puts_the_rates_on_the_scenario_page_in_the_spec_and_in_the_pack(demo: Demo) -> None:
    found = derived_now(demo)
    with Session(engine_for(demo.url)) as session:
        strategy = session.get(Strategy, demo.strategy_id)
        assert strategy is not None
        scenario = scenarios_of(session, strategy)[0]
        levels = {lv.key: lv for lv in levels_of(session, strategy)}
    response = demo.client.post(f"/strategies/{demo.strategy_id}/evidence/apply", data={"scenario": scenario.id})
    assert response.status_code == 303
    rates_page = text_of(demo.client.get(
        f"/strategies/{demo.strategy_id}/scenarios/{scenario.id}/levels").get_data(as_text=True))
    middle = found.level("middle")
    assert middle.projected_leaver_rate is not None
    assert (f"Measured: {middle.leavers} leavers from {number(middle.average_in_post)} middle leaders on average, "
            "1 April 2025 to 31 March 2026") in rates_page
    assert "Measured, by year: " + ", ".join(f"{r * 100:.1f}%" for r in middle.projected_leaver_rate) in rates_page
    with Session(engine_for(demo.url)) as session:
        strategy = session.get(Strategy, demo.strategy_id)
        assert strategy is not None
        spec = spec_for(session, strategy, scenarios_of(session, strategy)[0])
        organisation = session.get(Organisation, strategy.organisation_id)
        assert organisation is not None
        content = pack_content(session, strategy, organisation, prepared_by="", today=date(2026, 11, 23))
        audit = session.exec(select(AuditEvent).where(AuditEvent.entity == "scenario_evidence")).all()
    assert {lv["key"]: lv["leaver_rate"] for lv in spec["levels"]}["middle"] == list(middle.projected_leaver_rate)
    assert len(audit) == 1
    sheet = load_workbook(io.BytesIO(pack_bytes(content)))["Assumptions and method"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    # The rates the forecast used, year by year, not the stored single rate they stand beside.
    first, last = middle.projected_leaver_rate[0], middle.projected_leaver_rate[-1]
    assert f"{first * 100:.1f}% in 2027 rising to {last * 100:.1f}% in 2031" in cells, cells
    assert any(c.startswith(f"Measured: {middle.leavers} leavers from {number(middle.average_in_post)} middle "
                            "leaders on average, 1 April 2025 to 31 March 2026") for c in cells), cells
    assert not any(c == "Typed on the Scenarios step" for c in cells)  # every demo level is measured
    paper = " ".join(str(getattr(block, "text", "")) for section in paper_text.sections(content)
                     for block in section.blocks)
    assert (f"measured: {middle.leavers} leavers from {number(middle.average_in_post)} middle leaders on average, "
            "1 April 2025 to 31 March 2026") in paper
    own = next(a for a in found.areas if a.own_rate)
    overrides = text_of(demo.client.get(
        f"/strategies/{demo.strategy_id}/scenarios/{scenario.id}/overrides").get_data(as_text=True))
    with Session(engine_for(demo.url)) as session:
        strategy = session.get(Strategy, demo.strategy_id)
        assert strategy is not None
        area_name = next(a.name for a in areas_of(session, strategy) if a.code == own.area)
    assert f"Measured in {area_name}: {own.leavers} leaver" in overrides
    assert levels["middle"].id is not None


def test_a_typed_rate_replaces_the_measured_ones_and_an_empty_box_keeps_them(demo: Demo) -> None:
    with Session(engine_for(demo.url)) as session:
        strategy = session.get(Strategy, demo.strategy_id)
        assert strategy is not None
        scenario = scenarios_of(session, strategy)[0]
        evidence.apply_rates(session=session, strategy=strategy, scenario=scenario, actor=None)
        levels = levels_of(session, strategy)
        rows = {r.level_id: r for r in session.exec(select(ScenarioLevel).where(
            ScenarioLevel.scenario_id == scenario.id))}
    path = f"/strategies/{demo.strategy_id}/scenarios/{scenario.id}/levels"
    form = {"version": str(scenario.version)}
    for level in levels:
        row = rows[level.id]  # type: ignore[index]
        form[f"leaver_rate-{level.id}"] = "12.5" if level.key == "middle" else ""
        form[f"ready_rate-{level.id}"] = f"{row.ready_rate * 100:g}"
        form[f"internal_fill_max-{level.id}"] = f"{row.internal_fill_max * 100:g}"
    response = demo.client.post(path, data=form)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:2000]
    with Session(engine_for(demo.url)) as session:
        strategy = session.get(Strategy, demo.strategy_id)
        assert strategy is not None
        built = spec_for(session, strategy, scenarios_of(session, strategy)[0])
        spec = {lv["key"]: lv["leaver_rate"] for lv in built["levels"]}
        stored = {r.level_id: r for r in session.exec(select(ScenarioLevel).where(
            ScenarioLevel.scenario_id == scenario.id))}
    assert spec["middle"] == 0.125
    assert isinstance(spec["frontline"], list) and len(spec["frontline"]) == 5  # left empty: still measured
    middle = next(lv for lv in levels if lv.key == "middle")
    assert stored[middle.id].leaver_source is None and stored[middle.id].leaver_rates is None  # type: ignore[index]
    page = text_of(demo.client.get(f"/strategies/{demo.strategy_id}/evidence").get_data(as_text=True))
    assert re.search(r"Middle leaders [^%]*%[^%]*% [^A-Za-z]*Measured: [^)]*\) Typed Frontline", page)


# --- uploads, on a small strategy -----------------------------------------------------------------------


@pytest.fixture
def small(db: Session, strategy: Strategy) -> Strategy:
    med = factories.make_area(db, strategy, "MED", "Medicine")
    factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    from planner.services.scenarios import create_scenario

    create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    return strategy


LEAVERS = ("Area,Pay Band,Leader,Termination Date,Reason for Leaving,Age\r\n"
           "MED,Band 7,Y,01/05/2025,Retirement Age,63\r\n"
           "MED-ED,Band 8a,Y,31/03/2026,Voluntary Resignation - Relocation,41\r\n")


def _upload_leavers(client: FlaskClient, strategy: Strategy, text: str, start: str = "2025-04-01",
                    end: str = "2026-03-31") -> tuple[int, str]:
    response = client.post(f"/strategies/{strategy.id}/evidence/leavers", data={
        "period_start": start, "period_end": end,
        "leavers_extract": (io.BytesIO(text.encode()), "leavers.csv")}, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def test_a_leavers_file_with_problems_is_refused_by_row_and_column_and_nothing_is_stored(
        client: FlaskClient, db: Session, small: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("planner")
    bad = LEAVERS + "NOWHERE,Band 7,Y,01/05/2025,Retirement Age,63\r\nMED,Band 7,Y,01/05/2026,Retirement Age,63\r\n"
    status, body = _upload_leavers(client, small, bad)
    assert status == 400
    assert "<title>Error: " in body
    shown = text_of(body)
    assert "4 Area" in shown and "is not the code or name of an area" in shown
    assert "5 Termination Date" in shown and "outside the period" in shown
    assert "nothing was stored" in shown
    status, body = _upload_leavers(client, small, LEAVERS, end="2026-04-30")
    assert status == 400 and "31 March 2026" in text_of(body)
    status, body = _upload_leavers(client, small, LEAVERS, start="1 April")
    assert status == 400 and "Enter the period's first day as a date" in text_of(body)
    assert db.exec(select(EvidenceExtract)).all() == []


def test_the_start_and_leavers_extracts_are_stored_as_counts_and_rates_follow(
        client: FlaskClient, db: Session, small: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("planner")
    status, body = _upload_leavers(client, small, LEAVERS)
    assert status == 303, text_of(body)[:1000]
    start = "Area,Pay Band,Leader,Age\r\n" + "MED,Band 7,Y,50\r\n" * 30 + "MED-ED,Band 8a,Y,40\r\n" * 4
    response = client.post(f"/strategies/{small.id}/evidence/start", data={
        "start_extract": (io.BytesIO(start.encode()), "start.csv")}, content_type="multipart/form-data")
    assert response.status_code == 303
    stored = {row.kind: row for row in db.exec(select(EvidenceExtract).where(EvidenceExtract.strategy_id == small.id))}
    assert set(stored) == {"start", "leavers"}
    assert stored["leavers"].period_start == date(2025, 4, 1)
    counts = json.loads(stored["leavers"].counts)
    assert "63" not in stored["leavers"].counts and "05/2025" not in stored["leavers"].counts  # no ages or dates
    assert sum(group[-1] for group in counts["groups"]) == 2
    page = text_of(client.get(f"/strategies/{small.id}/evidence").get_data(as_text=True))
    # Only the start extract: its counts are the averages. 1 frontline leaver of 30; none of the board.
    assert "Measured: 1 leaver from 30 frontline leaders on average, 1 April 2025 to 31 March 2026" in page
    assert ("No board leaders were in post at the start of the period, so no leaver rate can be measured for "
            "this level; the typed rate stays.") in page


def test_a_bad_start_extract_stores_nothing(client: FlaskClient, db: Session, small: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("planner")
    bad = "Area,Pay Band,Leader\r\nMED,Band 7,Y\r\nMED,Band 99,N\r\n"
    response = client.post(f"/strategies/{small.id}/evidence/start", data={
        "start_extract": (io.BytesIO(bad.encode()), "start.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "3 Pay Band" in text_of(response.get_data(as_text=True))
    assert db.exec(select(EvidenceExtract)).all() == []


def test_a_viewer_may_look_but_not_upload_or_apply(client: FlaskClient, db: Session, small: Strategy,
                                                   signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("viewer")
    page = client.get(f"/strategies/{small.id}/evidence")
    assert page.status_code == 200
    assert "Import the leavers extract" not in page.get_data(as_text=True)
    status, _body = _upload_leavers(client, small, LEAVERS)
    assert status == 403
    scenario = scenarios_of(db, small)[0]
    assert client.post(f"/strategies/{small.id}/evidence/apply", data={"scenario": scenario.id}).status_code == 403
    assert db.exec(select(EvidenceExtract)).all() == []


def test_typing_an_areas_override_replaces_its_measured_rate(demo: Demo) -> None:
    with Session(engine_for(demo.url)) as session:
        strategy = session.get(Strategy, demo.strategy_id)
        assert strategy is not None
        scenario = scenarios_of(session, strategy)[0]
        evidence.apply_rates(session=session, strategy=strategy, scenario=scenario, actor=None)
        cell = session.exec(select(ScenarioAreaLevel).where(ScenarioAreaLevel.scenario_id == scenario.id,
                                                            ScenarioAreaLevel.leaver_source.isnot(None))  # type: ignore[union-attr]
                            .order_by(ScenarioAreaLevel.id)).first()
        assert cell is not None
        area = session.get(Area, cell.area_id)
        assert area is not None
        measured_cells = session.exec(select(ScenarioAreaLevel).where(
            ScenarioAreaLevel.scenario_id == scenario.id, ScenarioAreaLevel.leaver_source.isnot(None))).all()  # type: ignore[union-attr]
    response = demo.client.post(f"/strategies/{demo.strategy_id}/scenarios/{scenario.id}/overrides", data={
        "area_id": cell.area_id, "level_id": cell.level_id, "leaver_rate": "15", "action": "set"})
    assert response.status_code == 302
    with Session(engine_for(demo.url)) as session:
        strategy = session.get(Strategy, demo.strategy_id)
        assert strategy is not None
        typed = session.get(ScenarioAreaLevel, cell.id)
        assert typed is not None and typed.leaver_source is None and typed.leaver_rate == 0.15
        spec = spec_for(session, strategy, scenarios_of(session, strategy)[0])
        still = session.exec(select(ScenarioAreaLevel).where(
            ScenarioAreaLevel.scenario_id == scenario.id, ScenarioAreaLevel.leaver_source.isnot(None))).all()  # type: ignore[union-attr]
    entry = next(a for a in spec["areas"] if a["key"] == area.code)
    level_key = next(k for k, v in entry["overrides"].items() if v.get("leaver_rate") == 0.15)
    assert level_key
    assert len(still) == len(measured_cells) - 1  # the others stay measured
