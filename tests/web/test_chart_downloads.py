"""Chart downloads: every chart on the pages has PNG, SVG and interactive HTML links that answer
with the chart the page shows (same scenario, same area), as an attachment of the right type;
unknown charts and other organisations' records answer 404; without Chromium, images answer 503
with a clear message while HTML still works. One module-wide demo trust, on its own database."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner import create_app
from planner.db import engine_for, upgrade
from planner.exports import chart_files
from planner.models import Area, DiversityTarget, Organisation, Scenario, Strategy, Survey
from planner.services.chart_set import strategy_figures
from planner.services.demo import load_demo
from planner.services.scenarios import create_scenario, scenarios_of
from planner.services.surveys import create_survey
from tests import factories
from tests.conftest import login


@dataclass
class Demo:
    app: Flask
    url: str
    strategy_id: int
    viewer: str  # emails
    outsider: str
    theirs: dict[str, int]  # ids of another organisation's records


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo trust, a viewer of it, and another organisation with records of its own."""
    url = f"sqlite:///{tmp_path_factory.mktemp('charts') / 'demo.db'}"
    upgrade(url)
    with Session(engine_for(url), expire_on_commit=False) as db:
        organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
        assert organisation is not None
        strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
        viewer = factories.make_member(db, organisation, role="viewer")
        other = factories.make_org(db, slug="elsewhere", name="Elsewhere Trust")
        outsider = factories.make_member(db, other, role="admin")
        their_strategy = factories.make_strategy(db, other)
        their_area = factories.make_area(db, their_strategy, "THEIRS")
        their_scenario = create_scenario(session=db, strategy=their_strategy, name="Theirs", actor=None)
        their_survey = create_survey(session=db, strategy=their_strategy, name="Theirs", closes_on=None, actor=None)
        their_target = DiversityTarget(organisation_id=other.id, strategy_id=their_strategy.id,
                                       characteristic="ethnicity", group_key="bme", target_share=0.2, target_year=2031)
        db.add(their_target)
        db.commit()
        theirs = {"strategy": their_strategy.id, "area": their_area.id, "scenario": their_scenario.id,
                  "survey": their_survey.id, "target": their_target.id}
        app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                          "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                          "PASSWORD_HASH_METHOD": factories.FAST_HASH})
        yield Demo(app, url, strategy.id, viewer.email, outsider.email, theirs)  # type: ignore[arg-type]


@pytest.fixture
def viewer(demo: Demo) -> FlaskClient:
    client = demo.app.test_client()
    login(client, demo.viewer)
    return client


class _Charts(HTMLParser):
    """Each chart of a page: its figure's JSON and its download links (label -> href)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, dict[str, object]] = {}
        self.downloads: dict[str, dict[str, str]] = {}
        self._script: str | None = None
        self._links: str | None = None
        self._href: str | None = None
        self._label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        ident = found.get("id") or ""
        if tag == "script" and ident.startswith("chart-") and ident.endswith("-data"):
            self._script = ident[len("chart-"):-len("-data")]
        elif tag == "p" and ident.startswith("chart-") and ident.endswith("-downloads"):
            self._links = ident[len("chart-"):-len("-downloads")]
            self.downloads[self._links] = {}
        elif tag == "a" and self._links:
            self._href, self._label = found.get("href"), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        elif tag == "p":
            self._links = None
        elif tag == "a" and self._links and self._href:
            # The link's own words, before the words only a screen reader hears.
            self.downloads[self._links][self._label[0].strip()] = self._href
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._script:
            self.figures[self._script] = json.loads(data)
        elif self._href is not None:
            self._label.append(data)


def _charts(client: FlaskClient, path: str) -> _Charts:
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = _Charts()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def _pages(demo: Demo) -> list[str]:
    """Every page with a chart, on each scenario where the page has a choice of scenario."""
    base = f"/strategies/{demo.strategy_id}"
    with Session(engine_for(demo.url)) as db:
        strategy = db.get(Strategy, demo.strategy_id)
        scenarios = [s.id for s in scenarios_of(db, strategy)]  # type: ignore[arg-type]
        targets = db.exec(select(DiversityTarget.id).where(DiversityTarget.strategy_id == demo.strategy_id)).all()
        surveys = db.exec(select(Survey.id).where(Survey.strategy_id == demo.strategy_id)).all()
        area = db.exec(select(Area.id).where(Area.strategy_id == demo.strategy_id, Area.parent_id.is_not(None))  # type: ignore[union-attr]
                       ).first()
    return ([f"{base}/forecast", f"{base}/forecast?scenario={scenarios[1]}"]
            # The demo's targets all start from withheld counts: their charts are drawn for exact figures only.
            + [f"{base}/diversity/targets/{t}?unsuppressed=1" for t in targets]
            + [f"{base}/diversity/targets/{targets[0]}?scenario={scenarios[-1]}&unsuppressed=1"]
            + [f"{base}/competencies/gaps", f"{base}/competencies/gaps?area={area}"]
            + [f"{base}/surveys/{s}" for s in surveys])


def _traces(figure: dict[str, object]) -> list[str]:
    return [str(t["name"]) for t in figure["data"] if t.get("name")]  # type: ignore[attr-defined, union-attr]


@pytest.fixture
def planner(demo: Demo) -> FlaskClient:
    """A planner of the demo trust, who may see exact diversity figures."""
    with Session(engine_for(demo.url)) as db:
        organisation = db.get(Organisation, db.get(Strategy, demo.strategy_id).organisation_id)  # type: ignore[union-attr]
        user = factories.make_member(db, organisation, role="planner")  # type: ignore[arg-type]
    client = demo.app.test_client()
    login(client, user.email)
    return client


def test_every_chart_on_the_pages_has_downloads_of_that_chart(demo: Demo, planner: FlaskClient) -> None:
    viewer = planner  # the pages below as one who sees exact figures (asked for on the target pages)
    names: set[str] = set()
    for page in _pages(demo):
        charts = _charts(viewer, page)
        assert charts.figures, page
        assert set(charts.downloads) == set(charts.figures), page
        query = page.partition("?")[2]
        for chart, figure in charts.figures.items():
            links = charts.downloads[chart]
            assert list(links) == ["PNG", "SVG", "interactive HTML"], (page, chart)
            match = re.fullmatch(rf"/strategies/{demo.strategy_id}/charts/([a-z0-9-]+)\.png(\?.*)?", links["PNG"])
            assert match, links["PNG"]
            assert links["SVG"] == links["PNG"].replace(".png", ".svg", 1)
            assert links["interactive HTML"] == links["PNG"].replace(".png", ".html", 1)
            assert query in (match.group(2) or ""), (page, links["PNG"])  # the page's scenario or area
            names.add(match.group(1))
            response = viewer.get(links["interactive HTML"])
            assert response.status_code == 200, links["interactive HTML"]
            assert response.content_type == "text/html; charset=utf-8"
            assert response.headers["Content-Disposition"] == (
                f'attachment; filename="collective-leadership-strategy-2026-2031-{match.group(1)}.html"')
            body = response.get_data(as_text=True)
            title = figure["layout"]["title"]["text"]  # type: ignore[index]
            assert f"<title>{title}" in body.replace("&#x27;", "'").replace("&amp;", "&"), (page, chart)
            for trace in _traces(figure):
                assert json.dumps(trace)[1:-1] in body, (page, chart, trace)
            if "scenario=" in query and match.group(1) != "forecast-scenarios":  # the chosen scenario's chart
                default = viewer.get(links["interactive HTML"].partition("?")[0]).get_data(as_text=True)
                assert default != body
    # The pages show every chart the export writes (on the first scenario), and no other kinds.
    with Session(engine_for(demo.url)) as db:
        strategy = db.get(Strategy, demo.strategy_id)
        exported = set(strategy_figures(db, strategy, db.get(Organisation, strategy.organisation_id)))  # type: ignore[arg-type, union-attr]
    # The objectives' treemap is not drawn on its page (a table of RAG by tier reads better at any
    # width); the page offers its files for a board paper instead.
    assert exported - {"objectives"} <= names
    assert {n.rsplit("-", 1)[0] if n[-1].isdigit() else n for n in names} == {
        "forecast-demand", "forecast-appointments", "forecast-bands", "forecast-scenarios", "diversity-target",
        "competency-gaps", "survey"}
    objectives = viewer.get(f"/strategies/{demo.strategy_id}/objectives").get_data(as_text=True)
    for fmt in ("png", "svg", "html"):
        link = f'href="/strategies/{demo.strategy_id}/charts/objectives.{fmt}"'
        assert link in objectives or f'href="/strategies/{demo.strategy_id}/charts/objectives.{fmt}?' in objectives


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("BROWSER_PATH", raising=False)


def test_a_png_download_is_a_print_resolution_png_attachment(demo: Demo, viewer: FlaskClient) -> None:
    if chart_files.find_browser() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium not found: apt-get install chromium")
        pytest.skip("Chromium not found: apt-get install chromium")
    response = viewer.get(f"/strategies/{demo.strategy_id}/charts/forecast-scenarios.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="collective-leadership-strategy-2026-2031-forecast-scenarios.png"')
    data = response.get_data()
    assert data.startswith(chart_files.PNG_SIGNATURE)
    assert int.from_bytes(data[16:20], "big") == 2000  # 300 dpi across 169 mm


def test_an_svg_download_is_an_svg_attachment(demo: Demo, viewer: FlaskClient,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[tuple[object, str]] = []

    def draw(jobs: list[tuple[object, str]]) -> list[bytes]:
        drawn.extend(jobs)
        return [b'<svg xmlns="http://www.w3.org/2000/svg"/>']

    monkeypatch.setattr(chart_files, "draw_images", draw)  # the drawing itself is tested in tests/exports
    response = viewer.get(f"/strategies/{demo.strategy_id}/charts/objectives.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"].endswith('-objectives.svg"')
    assert [fmt for _fig, fmt in drawn] == ["svg"]


@pytest.mark.usefixtures("no_browser")
def test_without_chromium_images_answer_503_saying_how_to_install_it(demo: Demo, viewer: FlaskClient) -> None:
    for fmt in ("png", "svg"):
        response = viewer.get(f"/strategies/{demo.strategy_id}/charts/objectives.{fmt}")
        assert response.status_code == 503
        assert response.mimetype == "text/html" and "Content-Disposition" not in response.headers
        page = response.get_data(as_text=True)
        assert "Chart images cannot be made on this server" in page and "apt-get install chromium" in page
    assert viewer.get(f"/strategies/{demo.strategy_id}/charts/objectives.html").status_code == 200


@pytest.mark.parametrize("name", ["nothing", "forecast", "survey-999999", "diversity-target-999999",
                                  "diversity-target-x", "survey-", "objectives.png", "..%2Fobjectives"])
def test_a_chart_the_strategy_does_not_have_answers_404(demo: Demo, viewer: FlaskClient, name: str) -> None:
    assert viewer.get(f"/strategies/{demo.strategy_id}/charts/{name}.html").status_code == 404


def test_an_unknown_format_answers_404(demo: Demo, viewer: FlaskClient) -> None:
    assert viewer.get(f"/strategies/{demo.strategy_id}/charts/objectives.pdf").status_code == 404


def test_other_organisations_charts_and_records_answer_404(demo: Demo, viewer: FlaskClient) -> None:
    ours, theirs = f"/strategies/{demo.strategy_id}/charts", demo.theirs
    outsider = demo.app.test_client()
    login(outsider, demo.outsider)
    assert outsider.get(f"{ours}/objectives.html").status_code == 404  # our strategy, their viewer
    assert outsider.get(f"{ours}/forecast-demand.png").status_code == 404
    for path in (f"/strategies/{theirs['strategy']}/charts/objectives.html",  # their strategy, our viewer
                 f"{ours}/survey-{theirs['survey']}.html",  # their records inside our strategy
                 f"{ours}/diversity-target-{theirs['target']}.html",
                 f"{ours}/forecast-demand.html?scenario={theirs['scenario']}",
                 f"{ours}/competency-gaps.html?area={theirs['area']}"):
        assert viewer.get(path).status_code == 404, path


def test_a_target_chart_follows_the_pages_audience(demo: Demo, viewer: FlaskClient, planner: FlaskClient) -> None:
    """The demo's first target (BME senior leaders) starts from a withheld count: published, it has no
    chart, since its trajectory and no-action path would give the count away; a planner who asks for
    exact figures gets it whole, and a viewer who asks gets the published answer."""
    with Session(engine_for(demo.url)) as db:
        target = db.exec(select(DiversityTarget.id).where(DiversityTarget.strategy_id == demo.strategy_id)).first()
    path = f"/strategies/{demo.strategy_id}/charts/diversity-target-{target}.html"
    assert planner.get(path).status_code == 404
    assert viewer.get(path).status_code == 404
    assert viewer.get(f"{path}?unsuppressed=1").status_code == 404
    exact = planner.get(f"{path}?unsuppressed=1")
    assert exact.status_code == 200
    assert "No action (current appointments)" in exact.get_data(as_text=True)
    page = viewer.get(f"/strategies/{demo.strategy_id}/diversity/targets/{target}").get_data(as_text=True)
    assert "Withheld: fewer than 8 people" in page and "diversity-target-" not in page


def test_the_scenario_of_a_download_must_be_the_strategys(demo: Demo, viewer: FlaskClient) -> None:
    with Session(engine_for(demo.url)) as db:
        ours = db.exec(select(Scenario.id).where(Scenario.strategy_id == demo.strategy_id)).first()
    assert viewer.get(f"/strategies/{demo.strategy_id}/charts/forecast-demand.html?scenario={ours}").status_code == 200
    assert viewer.get(f"/strategies/{demo.strategy_id}/charts/forecast-demand.html?scenario=999999").status_code == 404


def test_a_download_that_gets_no_turn_to_draw_answers_503_and_the_service_keeps_answering(
        demo: Demo, viewer: FlaskClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from planner.exports.image_slots import ImageSlots

    turns = ImageSlots(1, wait_seconds=0.1, directory=tmp_path / "turns")
    monkeypatch.setattr(chart_files, "_TURNS", turns)
    monkeypatch.setattr(chart_files, "require_browser", lambda: "/usr/bin/chromium")
    with ImageSlots(1, wait_seconds=0, directory=tmp_path / "turns", waiting=0).turn():  # another worker draws
        busy = viewer.get(f"/strategies/{demo.strategy_id}/charts/objectives.png")
        assert busy.status_code == 503 and int(busy.headers["Retry-After"]) >= 1
        assert busy.mimetype == "text/html" and "Content-Disposition" not in busy.headers
        page = busy.get_data(as_text=True)
        assert "Chart images are busy" in page and "Try again in a few seconds" in page
        assert viewer.get(f"/strategies/{demo.strategy_id}/charts/objectives.html").status_code == 200
        assert viewer.get("/healthz").status_code == 200
