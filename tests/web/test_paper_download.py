"""Downloading the board paper: Word from the strategy page and the Approve step for the chosen
scenario; PDF, or 503 with the install advice where LibreOffice is missing; each approved version's
paper from its frozen content; never another organisation's. Charts are left out here (no browser):
tests/test_board_paper_cli.py draws them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlmodel import Session

from planner.exports import chart_files
from planner.models import Strategy
from planner.services import board_paper
from planner.services import scenarios as scenario_service
from planner.services.versions import record_decision, submit
from tests import factories

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Papers without chart images: a note stands in for each, and no Chromium is started."""
    monkeypatch.setattr(chart_files, "find_browser", lambda: None)


@pytest.fixture
def small(db: Session, org) -> Strategy:  # type: ignore[no-untyped-def]
    """A strategy with an area, a baseline and two scenarios, so the forecast runs."""
    strategy = factories.make_strategy(db, org, title="Our Strategy & Plan 2026")
    ward = factories.make_area(db, strategy, "WARD", "Wards")
    factories.set_baseline(db, strategy, ward, 400, 380.0, board=0, senior=2, middle=8, frontline=30)
    scenario_service.scenario_from_data(session=db, strategy=strategy, actor=None, data={
        "name": "Baseline", "levels": {"senior": {"leaver_rate": 0.1, "ready_rate": 0.05, "internal_fill_max": 0.5},
                                       "middle": {"leaver_rate": 0.1, "ready_rate": 0.05, "internal_fill_max": 0.5},
                                       "frontline": {"leaver_rate": 0.12, "ready_rate": 0.06}},
        "areas": {"WARD": {"staff_growth": 0.02, "span": {"frontline": 13}}}})
    scenario_service.scenario_from_data(session=db, strategy=strategy, actor=None, data={"name": "Growth"})
    return strategy


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_viewer_downloads_the_paper_from_the_strategy_page(client, signed_in, small: Strategy) -> None:
    signed_in("viewer")
    page = client.get(f"/strategies/{small.id}").get_data(as_text=True)
    assert f'href="/strategies/{small.id}/paper.docx"' in page and f'href="/strategies/{small.id}/paper.pdf"' in page
    response = client.get(f"/strategies/{small.id}/paper.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="our-strategy-plan-2026-board-paper-')
    assert response.headers["Content-Disposition"].endswith('.docx"')
    text = _text(response.data)
    assert "Our Strategy & Plan 2026" in text and "Title of paper" in text
    assert "on the Baseline scenario" in text and "could not be drawn" in text


def test_the_chosen_scenario_reaches_the_paper(client, signed_in, small: Strategy, db: Session) -> None:
    signed_in("viewer")
    growth = next(s for s in scenario_service.scenarios_of(db, small) if s.name == "Growth")
    text = _text(client.get(f"/strategies/{small.id}/paper.docx?scenario={growth.id}").data)
    assert "On the Growth scenario," in text
    assert client.get(f"/strategies/{small.id}/paper.docx?scenario=999999").status_code == 404


def test_a_pdf_without_libreoffice_answers_503_with_the_install_advice(client, signed_in, small: Strategy,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(board_paper, "find_soffice", lambda: None)
    signed_in("viewer")
    response = client.get(f"/strategies/{small.id}/paper.pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "apt-get install --no-install-recommends libreoffice-writer-nogui" in page


def test_a_pdf_is_a_pdf_where_libreoffice_is_installed(client, signed_in, small: Strategy,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = b"%PDF-1.7 a paper"
    monkeypatch.setattr(board_paper, "docx_to_pdf", lambda docx: pdf if docx.startswith(b"PK") else b"")
    monkeypatch.setattr(board_paper, "find_soffice", lambda: "/usr/bin/soffice")
    signed_in("viewer")
    # The link leads to a page with a button: a GET starts nothing.
    page = client.get(f"/strategies/{small.id}/paper.pdf")
    assert page.status_code == 200 and "Make the PDF" in page.get_data(as_text=True)
    started = client.post(f"/strategies/{small.id}/paper.pdf")
    assert started.status_code == 303 and started.headers["Location"].startswith("/jobs/")
    state = client.get(started.headers["Location"] + ".json").get_json()
    assert state["status"] == "done" and state["text"] == "Done."
    assert state["result_url"] in client.get(started.headers["Location"]).get_data(as_text=True)
    response = client.get(state["result_url"])
    assert response.status_code == 200 and response.mimetype == "application/pdf" and response.data == pdf
    assert response.headers["Content-Disposition"].endswith('.pdf"')
    assert "board-paper" in response.headers["Content-Disposition"]


def test_a_versions_paper_is_built_from_its_frozen_content(client, signed_in, small: Strategy, db: Session,
                                                          org) -> None:  # type: ignore[no-untyped-def]
    submit(session=db, strategy=small, actor=None)
    made = record_decision(session=db, strategy=small, organisation=org, actor=None, today=date.today(),
                           values={"meeting_date": date(2026, 10, 29), "minute": "2026/101", "decision": "approved"})
    small.title = "A later title"
    db.add(small)
    db.commit()
    signed_in("viewer")
    page = client.get(f"/strategies/{small.id}/approve").get_data(as_text=True)
    assert f"/strategies/{small.id}/versions/{made.version_id}/paper.docx" in page
    assert f"/strategies/{small.id}/versions/{made.version_id}/paper.pdf" in page
    assert f'href="/strategies/{small.id}/paper.docx"' in page  # the draft's
    response = client.get(f"/strategies/{small.id}/versions/{made.version_id}/paper.docx")
    assert response.status_code == 200
    assert 'version-1-board-paper-2026-10-29.docx"' in response.headers["Content-Disposition"]
    text = _text(response.data)
    assert "Our Strategy & Plan 2026" in text and "A later title" not in text
    assert "The Board's decision on this version: approved at its meeting of 29 October 2026 (minute 2026/101)." \
        in text


def test_another_organisations_paper_is_not_found(client, db: Session, small: Strategy) -> None:
    from tests.conftest import login

    other = factories.make_org(db, slug="south", name="South Trust")
    login(client, factories.make_member(db, other, role="admin").email)
    for fmt in ("docx", "pdf"):
        assert client.get(f"/strategies/{small.id}/paper.{fmt}").status_code == 404


def test_a_paper_whose_charts_get_no_turn_to_draw_answers_503(client, signed_in, small: Strategy,  # type: ignore[no-untyped-def]
                                                              monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from planner.exports.image_slots import ImageSlots

    signed_in("viewer")
    turns = ImageSlots(1, wait_seconds=0.1, directory=tmp_path / "turns")
    monkeypatch.setattr(chart_files, "_TURNS", turns)
    monkeypatch.setattr(chart_files, "find_browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(chart_files, "require_browser", lambda: "/usr/bin/chromium")
    with ImageSlots(1, wait_seconds=0, directory=tmp_path / "turns", waiting=0).turn():  # another worker draws
        busy = client.get(f"/strategies/{small.id}/paper.docx")
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) >= 1
    assert "Chart images are busy" in busy.get_data(as_text=True) and "Content-Disposition" not in busy.headers
