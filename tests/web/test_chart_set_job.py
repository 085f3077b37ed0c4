"""Every chart as files: a job draws each chart of the strategy's pages as PNG, SVG and HTML into one
.zip, its page counting the images drawn; without Chromium the page says so (503) and starts nothing; a
set made with exact figures is for those who may see them; the command line shows the same progress."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.exports import chart_files
from planner.models import Job, Strategy
from planner.services import scenarios
from tests import factories

# The drawing itself is chart_files' (tests/test_cli_export_charts.py draws in a real Chromium); here each
# image is a stand-in, so what is tested is the job: its progress, its file and who may have it.
DRAWN: list[int] = []


def fake_draw(jobs: Sequence[tuple[Any, str]], progress: Callable[[int], None] | None = None) -> list[bytes]:
    out = []
    for _fig, fmt in jobs:
        out.append(b"\x89PNG fake" if fmt == "png" else b"<svg>fake</svg>")
        if progress:
            progress(len(out))
            DRAWN.append(len(out))
    return out


@pytest.fixture
def charted(db: Session, strategy: Strategy, monkeypatch: pytest.MonkeyPatch) -> Strategy:
    area = factories.make_area(db, strategy, "WARD", "Wards")
    factories.set_baseline(db, strategy, area, 400, 380.0, frontline=30, middle=8)
    scenarios.create_scenario(session=db, strategy=strategy, name="Steady state", actor=None)
    monkeypatch.setattr(chart_files, "require_browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(chart_files, "draw_images", fake_draw)
    DRAWN.clear()
    return strategy


def test_every_chart_is_drawn_by_a_job_and_comes_back_in_one_zip(client: FlaskClient, signed_in,  # type: ignore[no-untyped-def]
                                                                 charted: Strategy, db: Session) -> None:
    signed_in("viewer")
    page = client.get(f"/strategies/{charted.id}/charts/all")
    assert page.status_code == 200 and b"Draw the charts" in page.data and b"published figures" in page.data
    started = client.post(f"/strategies/{charted.id}/charts/all")
    assert started.status_code == 303
    state = client.get(started.headers["Location"] + ".json").get_json()
    assert state["status"] == "done", state
    assert state["unit"] == "images drawn" and state["total"] == state["done"] and state["done"] >= 4
    assert list(range(1, state["total"] + 1)) == DRAWN  # told after each image, one at a time
    download = client.get(state["result_url"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"].endswith('.zip"')
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = archive.namelist()
        stems = {name.rsplit(".", 1)[0] for name in names}
        assert "forecast-demand" in stems
        for stem in stems:
            assert {f"{stem}.png", f"{stem}.svg", f"{stem}.html"} <= set(names)
        assert archive.read("forecast-demand.png").startswith(b"\x89PNG")
        assert b"<html" in archive.read("forecast-demand.html").lower()
    assert len(names) == 3 * len(stems) and state["total"] == 2 * len(stems)


def test_without_chromium_the_page_says_so_and_starts_nothing(client: FlaskClient, signed_in,  # type: ignore[no-untyped-def]
                                                              charted: Strategy, db: Session,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> str:
        raise chart_files.ChromiumMissing("Chromium was not found: apt-get install chromium")

    monkeypatch.setattr(chart_files, "require_browser", missing)
    signed_in("viewer")
    page = f"/strategies/{charted.id}/charts/all"
    for answer in (client.get(page), client.post(page)):
        assert answer.status_code == 503 and b"apt-get install chromium" in answer.data
    assert db.exec(select(Job)).all() == []


def test_a_set_with_exact_figures_is_only_for_those_who_may_see_them(client: FlaskClient, signed_in,  # type: ignore[no-untyped-def]
                                                                     charted: Strategy, db: Session, org) -> None:
    user = signed_in("admin")
    page = client.get(f"/strategies/{charted.id}/charts/all?unsuppressed=1")
    assert b"OFFICIAL-SENSITIVE" in page.data
    job_url = client.post(f"/strategies/{charted.id}/charts/all?unsuppressed=1").headers["Location"]
    made = client.get(f"{job_url}/result")
    assert made.status_code == 200 and "official-sensitive" in made.headers["Content-Disposition"]
    assert '"audience": "internal"' in db.exec(select(Job)).one().options
    # The same starter, no longer allowed exact figures, cannot fetch what was made with them.
    membership = factories.membership_of(db, user, org)
    membership.role = "viewer"
    db.add(membership)
    db.commit()
    assert client.get(f"{job_url}/result").status_code == 404


def test_a_viewer_cannot_ask_for_exact_figures(client: FlaskClient, signed_in, charted: Strategy,  # type: ignore[no-untyped-def]
                                               db: Session) -> None:
    signed_in("viewer")
    client.post(f"/strategies/{charted.id}/charts/all?unsuppressed=1")
    assert '"audience": "published"' in db.exec(select(Job)).one().options
