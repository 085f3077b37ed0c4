"""The succession register (issue 19, item 4): typed in on the Forecast step's Succession page or imported
whole, counts only; its pipeline beside the scenario's ready for promotion rate with a sentence where they
disagree; the successor pool's diversity withheld wherever published, and feeding the pool share of a
diversity target at its level."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from planner.diversity.disclosure import INTERNAL, PUBLISHED
from planner.models import DiversityCount, DiversityTarget, SuccessionEntry, SuccessionPoolCount
from planner.services import ServiceError, scenarios
from planner.services import diversity as diversity_service
from planner.services import succession as service
from tests import factories
from tests.conftest import login
from tests.editing import post_form


@pytest.fixture
def setup(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    trust = factories.make_area(db, strategy, "TRUST", "The trust")
    med = factories.make_area(db, strategy, "MED", "Medicine", parent=trust)
    surg = factories.make_area(db, strategy, "SURG", "Surgery", parent=trust)
    for area in (med, surg):
        factories.set_baseline(db, strategy, area, staff=1000, fte=900.0, board=5, senior=20, middle=40,
                               frontline=100)
    scenario = scenarios.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    levels = {key: factories.level(db, strategy, key) for key in ("board", "senior", "middle", "frontline")}
    return {"trust": trust, "med": med, "surg": surg, "levels": levels, "scenario": scenario}


FIGURES = {"critical_roles": 10, "ready_now": 2, "ready_1_2": 4, "ready_3_5": 6}


def save(db: Session, strategy, setup, area: str = "med", level: str = "middle",  # type: ignore[no-untyped-def]
         pool: dict[str, dict[str, int]] | None = None, **figures: int) -> SuccessionEntry:
    return service.save_entry(session=db, strategy=strategy, area_id=setup[area].id,
                              level_id=setup["levels"][level].id, figures={**FIGURES, **figures},
                              pool=pool or {}, actor=None)


def text_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def entry_url(strategy, setup, area: str = "med", level: str = "middle") -> str:  # type: ignore[no-untyped-def]
    return (f"/strategies/{strategy.id}/forecast/succession/entry?area={setup[area].id}"
            f"&level={setup['levels'][level].id}")


# --- the page --------------------------------------------------------------------------------------


def test_a_row_typed_on_the_page_is_kept_and_shown_with_its_pipeline(client, db: Session, strategy, setup,  # type: ignore[no-untyped-def]
                                                                      signed_in) -> None:
    signed_in("planner")
    url = f"/strategies/{strategy.id}/forecast/succession/entry"
    place = {"area": str(setup["med"].id), "level": str(setup["levels"]["middle"].id)}
    response = post_form(client, url, {**place, "critical_roles": "12", "ready_now": "3", "ready_1_2": "5",
                                       "ready_3_5": "1", "pool-sex-female": "6", "pool-sex-male": "3"})
    assert response.status_code == 302
    entry = db.exec(select(SuccessionEntry)).one()
    assert (entry.critical_roles, entry.ready_now, entry.ready_1_2, entry.ready_3_5) == (12, 3, 5, 1)
    pool = {(r.characteristic, r.group_key): r.count for r in db.exec(select(SuccessionPoolCount))}
    assert pool == {("sex", "female"): 6, ("sex", "male"): 3, ("sex", "not_stated"): 0}
    page = text_of(client, f"/strategies/{strategy.id}/forecast/succession")
    assert "8 successors ready within two years for 12 critical roles: 4 without one, about 4.0 a year" in page
    assert "the scenario 'Baseline' assumes" in page
    # Adding the same area and level again is refused; changing it (from the register's link) is not.
    again = post_form(client, url, {**place, **{k: "1" for k in FIGURES}})
    assert again.status_code == 400
    assert "This area already has figures at this level" in html.unescape(again.get_data(as_text=True))
    changed = post_form(client, entry_url(strategy, setup), {"critical_roles": "12", "ready_now": "4",
                                                             "ready_1_2": "5", "ready_3_5": "1"})
    assert changed.status_code == 302
    db.expire_all()
    assert db.exec(select(SuccessionEntry)).one().ready_now == 4
    assert db.exec(select(SuccessionPoolCount)).all() == []  # the sex counts were cleared on the form


def test_a_change_made_after_someone_elses_is_refused_as_stale(client, db: Session, strategy, setup,  # type: ignore[no-untyped-def]
                                                               signed_in) -> None:
    entry = save(db, strategy, setup)
    signed_in("planner")
    page = client.get(entry_url(strategy, setup)).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page)
    assert version is not None
    save(db, strategy, setup, ready_now=7)  # someone else's save
    response = client.post(entry_url(strategy, setup), data={"version": next(g for g in version.groups() if g),
                                                             **{k: "3" for k in FIGURES}})
    assert response.status_code in (400, 409)
    assert "Someone else changed this" in html.unescape(response.get_data(as_text=True))
    db.expire_all()
    assert db.get(SuccessionEntry, entry.id).ready_now == 7  # type: ignore[union-attr]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"critical_roles": "", "ready_now": "1", "ready_1_2": "1", "ready_3_5": "1"}, "critical_roles",
     "Enter the number of critical roles"),
    ({"critical_roles": "0", "ready_now": "1", "ready_1_2": "1", "ready_3_5": "1"}, "critical_roles",
     "Critical roles must be from 1 to 100,000, not 0"),
    ({"critical_roles": "4", "ready_now": "two", "ready_1_2": "1", "ready_3_5": "1"}, "ready_now",
     "Successors ready now must be a whole number"),
    ({"critical_roles": "4", "ready_now": "2", "ready_1_2": "1", "ready_3_5": "1", "pool-ethnicity-bme": "1",
      "pool-ethnicity-white": "1"}, "pool-ethnicity-white",
     "Ethnicity (WRES groups): the groups add up to 2, but there are 4 successors"),
])
def test_the_page_refuses_bad_figures_by_field_and_keeps_nothing(client, db: Session, strategy, setup,  # type: ignore[no-untyped-def]
                                                                 signed_in, data, field, message) -> None:
    signed_in("planner")
    url = f"/strategies/{strategy.id}/forecast/succession/entry"
    response = post_form(client, url, {"area": str(setup["med"].id), "level": str(setup["levels"]["middle"].id),
                                       **data})
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "<title>Error: " in body
    assert message in body
    assert f'href="#{field}"' in body
    assert db.exec(select(func.count()).select_from(SuccessionEntry)).one() == 0


def test_an_area_within_one_that_has_a_row_at_the_level_is_refused(db: Session, strategy, setup) -> None:
    save(db, strategy, setup, area="trust")
    with pytest.raises(ServiceError, match="count each successor once"):
        save(db, strategy, setup, area="med")
    save(db, strategy, setup, area="med", level="senior")  # another level is another register


def test_viewers_see_the_page_but_cannot_change_it(client, db: Session, strategy, setup, signed_in) -> None:  # type: ignore[no-untyped-def]
    save(db, strategy, setup)
    signed_in("viewer")
    assert "Medicine" in text_of(client, f"/strategies/{strategy.id}/forecast/succession")
    assert client.get(f"/strategies/{strategy.id}/forecast/succession/entry").status_code == 403
    assert client.get(f"/strategies/{strategy.id}/forecast/succession/import").status_code == 403


# --- the pipeline beside the scenario --------------------------------------------------------------


def test_the_pipeline_is_set_beside_the_scenarios_ready_people_in_the_same_areas(db: Session, strategy, org,  # type: ignore[no-untyped-def]
                                                                                setup) -> None:
    save(db, strategy, setup, area="med", level="middle", ready_now=1, ready_1_2=1)
    report = service.succession_report(db, strategy, org, setup["scenario"], audience=PUBLISHED)
    (middle,) = report["levels"]
    run = service.forecasting.run(db, strategy, setup["scenario"], with_bands=False)
    years = run.result["years"][:2]  # type: ignore[index]
    ready = [r["ready"] for r in run.result["rows"]  # type: ignore[index]
             if r["area"] == "MED" and r["level"] == "middle" and r["year"] in years]
    assert middle["pipeline"]["register_per_year"] == 1.0
    assert middle["pipeline"]["scenario_per_year"] == pytest.approx(sum(ready) / 2)
    start = next(r["start"] for r in run.result["rows"]  # type: ignore[index]
                 if r["area"] == "MED" and r["level"] == "frontline" and r["year"] == years[0])
    assert middle["pipeline"]["ready_rate_below"] == pytest.approx(ready[0] / start)
    assert middle["pipeline"]["implied_rate_below"] == pytest.approx(1.0 / start)
    # The default scenario readies 5% of 100 frontline leaders a year, five times the register's one.
    assert middle["pipeline"]["disagree"]
    assert "the scenario assumes more people ready than the register names" in middle["pipeline"]["sentence"]
    assert "ready for promotion rate of about 1.0% for frontline leaders; the scenario uses 5.0%" in \
        middle["pipeline"]["sentence"]


def test_a_register_that_matches_the_scenario_agrees(db: Session, strategy, org, setup) -> None:
    save(db, strategy, setup, area="med", level="middle", ready_now=5, ready_1_2=5)
    (middle,) = service.succession_report(db, strategy, org, setup["scenario"])["levels"]
    assert not middle["pipeline"]["disagree"]
    assert middle["pipeline"]["sentence"].endswith("they agree.")


def test_the_lowest_level_has_nothing_to_compare_with(db: Session, strategy, org, setup) -> None:
    save(db, strategy, setup, level="frontline")
    (frontline,) = service.succession_report(db, strategy, org, setup["scenario"])["levels"]
    assert frontline["pipeline"]["scenario_per_year"] is None and not frontline["pipeline"]["disagree"]
    assert "so there is nothing to compare with" in frontline["pipeline"]["sentence"]


# --- the successor pool's diversity: disclosure, and the target's pool share ------------------------

POOL = {"ethnicity": {"white": 9, "bme": 3, "not_stated": 0}}  # 3 BME successors: withheld when published


def test_published_views_withhold_small_pool_counts_and_internal_ones_show_them(app, client, db: Session, org,  # type: ignore[no-untyped-def]
                                                                               strategy, setup, signed_in) -> None:
    save(db, strategy, setup, pool=POOL)
    published = service.succession_report(db, strategy, org, None, audience=PUBLISHED)
    internal = service.succession_report(db, strategy, org, None, audience=INTERNAL)
    (row,) = published["diversity"][0]["rows"]
    counts = {g["group"]: g["count"] for g in row["groups"]}
    assert counts["bme"] is None and counts["white"] is None  # secondary: 12 - 9 would give 3 away
    assert row["total"] == 12
    assert {g["group"]: g["count"] for g in internal["diversity"][0]["rows"][0]["groups"]}["bme"] == 3
    signed_in("viewer")
    api = client.get(f"/api/v1/strategies/{strategy.id}/succession").get_json()
    assert {g["group"]: g["count"] for g in api["diversity"][0]["rows"][0]["groups"]} == {
        "white": None, "bme": None, "not_stated": 0}
    page = client.get(f"/strategies/{strategy.id}/forecast/succession?unsuppressed=1").get_data(as_text=True)
    table = page[page.index('id="pool-ethnicity"'):]
    table = table[:table.index("</table>")]
    assert ">3<" not in table and ">9<" not in table  # a viewer may not ask for exact figures
    planner = app.test_client()
    login(planner, factories.make_member(db, org, role="planner").email)
    page = planner.get(f"/strategies/{strategy.id}/forecast/succession?unsuppressed=1").get_data(as_text=True)
    table = page[page.index('id="pool-ethnicity"'):]
    assert ">3 (25.0%)<" in re.sub(r"\s+", " ", table[:table.index("</table>")]).replace("> ", ">")


def _target(db: Session, strategy, level_id: int | None) -> DiversityTarget:  # type: ignore[no-untyped-def]
    target = DiversityTarget(organisation_id=strategy.organisation_id, strategy_id=strategy.id, level_id=level_id,
                             characteristic="ethnicity", group_key="bme", target_share=0.3, target_year=2030)
    db.add(target)
    db.commit()
    return target


def test_the_registers_pool_is_the_default_pool_share_of_a_target_at_its_level(db: Session, strategy, setup) -> None:  # type: ignore[no-untyped-def]
    for area in ("med", "surg"):  # the baseline: 25 of 100 frontline leaders in each area are BME
        for group, n in (("bme", 25), ("white", 75)):
            db.add(DiversityCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                  area_id=setup[area].id, level_id=setup["levels"]["frontline"].id,
                                  characteristic="ethnicity", group_key=group, count=n))
    db.commit()
    save(db, strategy, setup, area="med", pool={"ethnicity": {"white": 6, "bme": 6, "not_stated": 0}})
    save(db, strategy, setup, area="surg", pool={"ethnicity": {"white": 11, "bme": 1, "not_stated": 0}})
    middle, senior = _target(db, strategy, setup["levels"]["middle"].id), _target(db, strategy,
                                                                                  setup["levels"]["senior"].id)
    found = {o.target.id: o for o in diversity_service.target_outcomes(db, strategy, setup["scenario"],
                                                                       audience=INTERNAL)}
    at_middle = found[middle.id]
    assert at_middle.pipeline_source == "succession"
    assert at_middle.pipeline_share == pytest.approx(7 / 24)  # from the register, not the baseline's 25%
    assert at_middle.result is not None and at_middle.result["pipeline_share"] == pytest.approx(7 / 24)
    assert at_middle.pool_sentence(suppressed=False) == (
        "29.2% of successors named for critical middle leader posts are Black and minority ethnic (BME), from "
        "the succession register")
    assert found[senior.id].pipeline_source == "none"  # no successors for senior roles, no middle leader counts
    # 7 BME successors: a published reader sees the same assessment, without the share (its count is withheld).
    published = {o.target.id: o for o in diversity_service.target_outcomes(db, strategy, setup["scenario"],
                                                                           audience=PUBLISHED)}[middle.id]
    assert published.result is not None and published.result["assessment"] == at_middle.result["assessment"]
    assert published.pipeline_shown(suppressed=True) is None
    assert "withheld to protect privacy (small numbers in the succession register)" in \
        published.pool_sentence(suppressed=True)


# --- the pack -------------------------------------------------------------------------------------


def _sheet(content: dict[str, Any]) -> list[list[Any]]:
    import openpyxl

    from planner.exports.workbook import pack_bytes

    book = openpyxl.load_workbook(io.BytesIO(pack_bytes(content, sheets=["succession"])))
    return [list(r) for r in book["Succession"].iter_rows(values_only=True)]


def test_the_pack_has_a_succession_sheet_withholding_small_pool_counts_when_published(db: Session, strategy, org,  # type: ignore[no-untyped-def]
                                                                                     setup) -> None:
    from datetime import date

    from planner.services.board_pack import pack_content

    save(db, strategy, setup, pool=POOL)
    published = _sheet(pack_content(db, strategy, org, scenario=setup["scenario"], prepared_by="Test",
                                    today=date(2026, 12, 5), audience=PUBLISHED))
    pipeline = next(r for r in published if r[0] == "Middle leaders")
    assert list(pipeline[1:5]) == [10, 2, 4, 6]
    pool_row = next(r for r in published if r[0] == "Middle leaders" and r[1] == 12)
    assert list(pool_row[1:4]) == [12, "*", "*"]  # 9 White, 3 BME: both withheld
    assert any("the scenario assumes" in str(cell) for r in published for cell in r)
    internal = _sheet(pack_content(db, strategy, org, scenario=setup["scenario"], prepared_by="Test",
                                   today=date(2026, 12, 5), audience=INTERNAL))
    pool_row = next(r for r in internal if r[0] == "Middle leaders" and r[1] == 12)
    assert list(pool_row[1:4]) == [12, 9, 3]


def test_the_sheet_withholds_a_small_count_the_content_should_have_withheld() -> None:
    content = {"diversity": {"disclosure": {"audience": "published", "threshold": 7, "public_levels": []}},
               "succession": {"scenario": None, "levels": [], "entries": [
                   {"level_name": "Middle leaders", "area_name": "Medicine", "critical_roles": 1, "ready_now": 1,
                    "ready_1_2": 0, "ready_3_5": 0}],
                   "diversity": [{"characteristic": "sex", "name": "Sex", "rows": [{
                       "level": "middle", "level_name": "Middle leaders", "total": 1,
                       "groups": [{"group": "female", "name": "Female", "count": 1}]}]}]}}
    row = next(r for r in _written(content) if r[0] == "Middle leaders" and r[1] == 1 and r[2] != "Medicine")
    assert row[2] == "*"


def test_an_empty_register_says_so_in_the_pack() -> None:
    assert any(r[0] == "The succession register is empty." for r in _written({"succession": None}))


def _written(content: dict[str, Any]) -> list[list[Any]]:
    from planner.exports.book import Book
    from planner.exports.succession_sheet import write_succession

    book = Book()
    write_succession(book, content)
    return [list(r) for r in book.workbook["Succession"].iter_rows(values_only=True)]


def test_the_board_paper_has_a_succession_section_withholding_small_pool_counts(db: Session, strategy, org,  # type: ignore[no-untyped-def]
                                                                                setup) -> None:
    from datetime import date

    from planner.exports.paper_text import Table, sections
    from planner.services.board_pack import pack_content

    save(db, strategy, setup, pool=POOL)
    found = {}
    for audience in (PUBLISHED, INTERNAL):
        content = pack_content(db, strategy, org, scenario=setup["scenario"], prepared_by="Test",
                               today=date(2026, 12, 5), audience=audience)
        (section,) = [s for s in sections(content) if s.title == "Succession"]
        tables = [b for b in section.blocks if isinstance(b, Table)]
        found[audience] = tables[-1].rows[0]
        assert tables[0].rows[0] == ("Middle leaders", "10", "2", "4", "6")
        assert any("the scenario 'Baseline' assumes" in getattr(b, "text", "") for b in section.blocks)
    assert found[PUBLISHED] == ("Middle leaders", "12", "*", "*", "0")
    assert found[INTERNAL] == ("Middle leaders", "12", "9", "3", "0")
    empty = {k: v for k, v in content.items() if k != "succession"}  # content from before the register
    assert all(s.title != "Succession" for s in sections(empty))


# --- kept results are never stale ---------------------------------------------------------------------


def test_a_change_to_the_register_by_another_worker_reaches_the_pages_that_kept_results(client, db: Session,  # type: ignore[no-untyped-def]
                                                                                       strategy, setup,
                                                                                       signed_in) -> None:
    from planner.models import DerivedResult

    entry = save(db, strategy, setup, pool=POOL)
    _target(db, strategy, setup["levels"]["middle"].id)
    signed_in("planner")
    pages = [f"/strategies/{strategy.id}/forecast/succession", f"/api/v1/strategies/{strategy.id}/succession",
             f"/api/v1/strategies/{strategy.id}/diversity?suppress=false"]
    before = {page: shown(client, page) for page in pages}
    assert {page: shown(client, page) for page in pages} == before
    assert db.exec(select(func.count()).select_from(DerivedResult)).one() > 0  # served from what was kept
    stored = db.get(SuccessionEntry, entry.id)
    assert stored is not None
    stored.ready_now += 12
    db.add(stored)
    for count in db.exec(select(SuccessionPoolCount).where(SuccessionPoolCount.group_key == "bme")):
        count.count += 12  # the pool's BME share, which the target's pool share reads
        db.add(count)
    db.commit()
    for page in pages:
        assert shown(client, page) != before[page], page


def shown(client: FlaskClient, path: str) -> str:
    """The page as a reader sees it: without the per-response nonce and form tokens."""
    body = client.get(path).get_data(as_text=True)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", re.sub(r'nonce="[^"]*"', "", body))


def test_without_a_scenario_or_a_forecast_the_sentence_says_why_nothing_is_compared(db: Session, strategy, org,  # type: ignore[no-untyped-def]
                                                                                   setup) -> None:
    save(db, strategy, setup)
    (middle,) = service.succession_report(db, strategy, org, None)["levels"]
    assert middle["pipeline"]["sentence"].endswith("There is no scenario to compare with.")
    other = factories.make_strategy(db, org, title="No baseline yet")
    area = factories.make_area(db, other, "MED", "Medicine")
    scenario = scenarios.create_scenario(session=db, strategy=other, name="Empty", actor=None)
    service.save_entry(session=db, strategy=other, area_id=area.id, level_id=factories.level(db, other, "middle").id,  # type: ignore[arg-type]
                       figures=FIGURES, pool={}, actor=None)
    (middle,) = service.succession_report(db, other, org, scenario)["levels"]
    assert middle["pipeline"]["sentence"].endswith(
        "The scenario 'Empty' cannot be forecast yet, so there is nothing to compare with.")
