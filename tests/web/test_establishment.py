"""Funded establishment on the Baseline step: typed one area at a time, imported from a file (all or
nothing), the vacancies at the baseline it gives, the forecast's demand that follows it, the API's
baseline and the pack's Structure and baseline sheet."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from planner.exports.workbook import pack_bytes
from planner.models import AuditEvent, Establishment, Scenario
from planner.services import establishment as service
from planner.services import forecasting
from planner.services.board_pack import pack_content
from planner.services.scenarios import create_scenario
from tests import factories
from tests.editing import post_form
from tests.helpers import csv_bytes, xlsx_bytes

YEARS = [2027, 2028, 2029, 2030, 2031]


@pytest.fixture
def trust(db: Session, strategy):  # type: ignore[no-untyped-def]
    """Medicine with the Emergency Department in it, both with leaders in post."""
    med = factories.make_area(db, strategy, "MED", "Medicine")
    ed = factories.make_area(db, strategy, "ED", "Emergency Department", parent=med)
    factories.set_baseline(db, strategy, med, staff=300, fte=280.0, senior=4, middle=10)
    factories.set_baseline(db, strategy, ed, staff=420, fte=381.5, senior=1, middle=18, frontline=33)
    return med, ed


def stored(db: Session, strategy) -> dict[int, dict[str, service.Posts]]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return service.establishment_of(db, strategy)


def form(level_ids: dict[str, int], **given: Any) -> dict[str, str]:
    """The area's form as a browser sends it: every box, blank unless given (middle=12, middle_2029=14)."""
    data: dict[str, str] = {}
    for key, lid in level_ids.items():
        data[f"posts-{lid}"] = str(given.get(key, ""))
        for year in YEARS:
            data[f"posts-{lid}-{year}"] = str(given.get(f"{key}_{year}", ""))
    return data


def ids(db: Session, strategy) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {key: factories.level(db, strategy, key).id for key in ("board", "senior", "middle", "frontline")}  # type: ignore[misc]


def cells(page: str, area_id: int) -> list[str]:
    """The text of each cell of an area's row on the establishment page."""
    row = re.search(rf'<tr class="nhsuk-table__row" id="area-{area_id}">(.*?)</tr>', page, re.S)
    assert row is not None
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)]


def test_typed_posts_are_saved_and_show_vacancies(client, db: Session, strategy, trust, signed_in) -> None:
    med, ed = trust
    signed_in("admin")
    levels = ids(db, strategy)
    url = f"/strategies/{strategy.id}/baseline/establishment/{ed.id}"
    response = post_form(client, url, form(levels, middle=20, frontline=30, frontline_2030=32, frontline_2031=35))
    assert response.status_code == 302
    assert stored(db, strategy) == {ed.id: {"middle": 20, "frontline": (30, 30, 30, 32, 35)}}
    assert post_form(client, f"/strategies/{strategy.id}/baseline/establishment/{med.id}",
                     form(levels, middle=10, senior=4)).status_code == 302
    page = client.get(f"/strategies/{strategy.id}/baseline/establishment").get_data(as_text=True)
    # ED: middle 20 posts, 18 in post, 2 vacancies (10.0%); frontline 30 in 2027, 33 in post: 3 over.
    ed_row = cells(page, ed.id)
    assert ed_row[0] == "Emergency Department"
    assert ed_row[1] == "No establishment"  # board
    assert ed_row[2] == "No establishment"  # senior: ED has none of its own
    assert ed_row[3:6] == ["20", "18", "2 (10.0%)"]
    assert ed_row[6:9] == ["30", "33", "-3 (-10.0%)"]
    # Medicine includes the ED: middle 30 posts, 28 in post; senior 4 of its own against its own 4 (the
    # ED's senior leader has no establishment, so is counted in neither, and the figure is marked).
    med_row = cells(page, med.id)
    assert med_row[1] == "No establishment"
    assert med_row[2:5] == ["4†", "4", "0 (0.0%)"]
    assert med_row[5:8] == ["30", "28", "2 (6.7%)"]
    assert med_row[8:11] == ["30", "33", "-3 (-10.0%)"]  # the ED's, rolled up
    assert "Emergency Department" in page and "No funded establishment has been entered yet" not in page
    # The form opens again as it was saved.
    again = client.get(url).get_data(as_text=True)
    assert f'name="posts-{levels["middle"]}" inputmode="numeric" spellcheck="false" value="20"' in again
    assert f'name="posts-{levels["frontline"]}-2031" inputmode="numeric" spellcheck="false" value="35"' in again


def test_clearing_a_levels_boxes_removes_its_establishment(client, db: Session, strategy, trust, signed_in) -> None:
    _med, ed = trust
    signed_in("admin")
    levels = ids(db, strategy)
    url = f"/strategies/{strategy.id}/baseline/establishment/{ed.id}"
    post_form(client, url, form(levels, middle=20, frontline=30))
    assert post_form(client, url, form(levels, frontline=30)).status_code == 302
    assert stored(db, strategy) == {ed.id: {"frontline": 30}}
    page = client.get(f"/strategies/{strategy.id}/baseline/establishment").get_data(as_text=True)
    assert cells(page, ed.id)[3] == "No establishment"


@pytest.mark.parametrize(("given", "field", "says"), [
    ({"middle": "12.5"}, "middle", "Middle leaders: posts every year must be a whole number of posts"),
    ({"middle": "-4"}, "middle", "must be a whole number of posts, 0 or more"),
    ({"middle": "<script>alert(1)</script>"}, "middle", "must be a whole number of posts"),
    ({"middle": "9" * 60}, "middle", "must be a whole number of posts"),
    ({"middle": "2000001"}, "middle", "2,000,001 posts is more than 1,000,000"),
    ({"middle_2028": "12", "middle_2029": "13"}, "middle-2027", "enter posts for 2027, 2030, 2031"),
])
def test_bad_figures_are_refused_and_nothing_is_stored(client, db: Session, strategy, trust, signed_in,
                                                       given: dict[str, str], field: str, says: str) -> None:
    _med, ed = trust
    signed_in("admin")
    levels = ids(db, strategy)
    service.save_establishment(session=db, strategy=strategy, posts={(ed.id, "frontline"): 31}, actor=None)
    events = len(db.exec(select(AuditEvent)).all())
    response = post_form(client, f"/strategies/{strategy.id}/baseline/establishment/{ed.id}",
                         form(levels, frontline=40, **given))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: " in page and says in page
    key, _, year = field.partition("-")
    name = f"posts-{levels[key]}" + (f"-{year}" if year else "")
    assert f'href="#{name}"' in page and f'id="{name}-error"' in page
    assert "<script>alert(1)</script>" not in page
    assert stored(db, strategy) == {ed.id: {"frontline": 31}}  # the other level's 40 was not saved either
    assert len(db.exec(select(AuditEvent)).all()) == events


def test_a_stale_form_is_refused(client, db: Session, strategy, trust, signed_in) -> None:
    _med, ed = trust
    signed_in("admin")
    levels = ids(db, strategy)
    url = f"/strategies/{strategy.id}/baseline/establishment/{ed.id}"
    data = form(levels, middle=20)
    data["version"] = str(strategy.baseline_version)
    service.save_establishment(session=db, strategy=strategy, posts={(ed.id, "middle"): 25}, actor=None)
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert stored(db, strategy) == {ed.id: {"middle": 25}}


def test_only_editors_change_it_and_only_their_own_areas(client, db: Session, org, strategy, trust,
                                                        signed_in) -> None:
    _med, ed = trust
    other_org = factories.make_org(db)
    other = factories.make_strategy(db, other_org)
    factories.make_area(db, other, "X", "Elsewhere")
    signed_in("viewer")
    assert client.get(f"/strategies/{strategy.id}/baseline/establishment").status_code == 200
    assert client.get(f"/strategies/{strategy.id}/baseline/establishment/{ed.id}").status_code == 403
    assert client.post(f"/strategies/{strategy.id}/baseline/establishment/import").status_code == 403
    assert client.get(f"/strategies/{other.id}/baseline/establishment").status_code == 404
    assert not db.exec(select(Establishment)).all()


def test_another_strategys_area_is_not_found(client, db: Session, org, strategy, trust, signed_in) -> None:
    other = factories.make_strategy(db, org, title="Another plan")
    foreign = factories.make_area(db, other, "X", "Elsewhere")
    signed_in("admin")
    assert client.get(f"/strategies/{strategy.id}/baseline/establishment/{foreign.id}").status_code == 404
    assert client.get(f"/strategies/{strategy.id}/baseline/establishment/99999").status_code == 404


def _upload(client, strategy, data: bytes, filename: str = "establishment.csv"):  # type: ignore[no-untyped-def]
    return client.post(f"/strategies/{strategy.id}/baseline/establishment/import",
                       data={"establishment": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def test_an_import_replaces_the_whole_establishment(client, db: Session, strategy, trust, signed_in) -> None:
    med, ed = trust
    signed_in("admin")
    service.save_establishment(session=db, strategy=strategy, posts={(med.id, "board"): 1}, actor=None)
    data = xlsx_bytes([["Area", "Level", "Posts", "2031"], ["ED", "Middle leaders", 20, 24],
                       ["Medicine", "senior", 5, None]])
    response = _upload(client, strategy, data, "funded posts.xlsx")
    assert response.status_code == 302
    assert stored(db, strategy) == {ed.id: {"middle": (20, 20, 20, 20, 24)}, med.id: {"senior": 5}}
    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "establishment")
                    .order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
    assert event is not None and "funded posts.xlsx" in event.changes


@pytest.mark.parametrize(("data", "says"), [
    (csv_bytes([["Area", "Level", "Posts"], ["ED", "middle", 20], ["NOWHERE", "middle", 3]]),
     "&#39;NOWHERE&#39; is not the code or name of an area"),
    (csv_bytes([["Area", "Level", "Posts"], ["ED", "middle", "20.5"]]), "is not a whole number of posts"),
    (csv_bytes([["Area", "Level"], ["ED", "middle"]]), "The file has no &#39;posts&#39; column."),
    (b"<html><body>not a file</body></html>", "web page"),
    (csv_bytes([["Area", "Level", "Posts"], ["=HYPERLINK(\"http://x\")", "middle", 2]]), "is not the code or name"),
])
def test_a_refused_import_stores_nothing(client, db: Session, strategy, trust, signed_in, data: bytes,
                                         says: str) -> None:
    med, _ed = trust
    signed_in("admin")
    service.save_establishment(session=db, strategy=strategy, posts={(med.id, "senior"): 5}, actor=None)
    response = _upload(client, strategy, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and says in page and "<title>Error: " in page
    assert 'href="#establishment"' in page  # the error summary links to the file box
    assert stored(db, strategy) == {med.id: {"senior": 5}}


def test_no_file_is_a_clear_error(client, db: Session, strategy, trust, signed_in) -> None:
    signed_in("admin")
    response = client.post(f"/strategies/{strategy.id}/baseline/establishment/import", data={})
    assert response.status_code == 400
    assert "Choose a file of funded posts" in response.get_data(as_text=True)


def test_the_forecasts_demand_equals_the_establishment(client, db: Session, strategy, trust, signed_in) -> None:
    med, ed = trust
    scenario = create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    service.save_establishment(session=db, strategy=strategy, actor=None,
                               posts={(ed.id, "middle"): (20, 21, 22, 22, 25), (med.id, "senior"): 6})
    db.expire_all()
    run = forecasting.run(db, strategy, db.get(Scenario, scenario.id))  # type: ignore[arg-type]
    assert run.result is not None, run.problems
    demand = {(r["area"], r["level"], r["year"]): r["demand"] for r in run.result["rows"]}
    assert [demand[("ED", "middle", y)] for y in YEARS] == [20, 21, 22, 22, 25]
    assert [demand[("MED", "senior", y)] for y in YEARS] == [6] * 5
    # Without an establishment a level keeps its baseline (no span set): the ED's frontline stays at 33.
    assert [demand[("ED", "frontline", y)] for y in YEARS] == [33] * 5
    ends = {(r["area"], r["level"], r["year"]): r["end"] for r in run.result["rows"]}
    assert ends[("ED", "middle", 2031)] == pytest.approx(25)


def test_an_area_with_posts_but_nobody_yet_is_forecast(db: Session, strategy, trust) -> None:
    new = factories.make_area(db, strategy, "NEW", "New Diagnostic Centre")
    scenario = create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    service.save_establishment(session=db, strategy=strategy, posts={(new.id, "middle"): 3}, actor=None)
    run = forecasting.run(db, strategy, scenario)
    assert run.result is not None
    first = next(r for r in run.result["rows"] if r["area"] == "NEW" and r["level"] == "middle" and r["year"] == 2027)
    assert first["demand"] == 3 and first["start"] == 0 and first["external_appointments"] + first[
        "internal_fills"] == pytest.approx(3)


def test_the_api_baseline_gives_establishment_and_vacancies(client, db: Session, org, strategy, trust) -> None:
    from planner.services.accounts import create_token

    _med, ed = trust
    service.save_establishment(session=db, strategy=strategy, actor=None,
                               posts={(ed.id, "middle"): 20, (ed.id, "frontline"): (30, 30, 30, 32, 35)})
    viewer = factories.make_member(db, org, role="viewer")
    _token, plain = create_token(session=db, user=viewer, organisation=org, name="t")
    body = client.get(f"/api/v1/strategies/{strategy.id}/baseline",
                      headers={"Authorization": f"Bearer {plain}"}).get_json()
    by_code = {a["code"]: a for a in body["areas"]}
    assert by_code["ED"]["establishment"] == {"middle": 20, "frontline": [30, 30, 30, 32, 35]}
    assert by_code["ED"]["vacancies"]["middle"] == {"establishment": 20, "in_post": 18, "vacancies": 2, "rate": 0.1}
    assert by_code["ED"]["vacancies"]["frontline"]["vacancies"] == -3
    assert by_code["MED"]["establishment"] == {} and by_code["MED"]["vacancies"] == {}
    assert body["vacancies"] == {"middle": {"establishment": 20, "in_post": 18, "vacancies": 2, "rate": 0.1},
                                 "frontline": {"establishment": 30, "in_post": 33, "vacancies": -3, "rate": -0.1}}


def test_the_pack_shows_posts_in_post_and_vacancies(db: Session, org, strategy, trust) -> None:
    med, ed = trust
    create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    service.save_establishment(session=db, strategy=strategy, actor=None,
                               posts={(ed.id, "middle"): 20, (med.id, "middle"): 10})
    content = pack_content(db, strategy, org, prepared_by="Board Secretary", today=date(2026, 11, 23))
    ws = load_workbook(io.BytesIO(pack_bytes(content, sheets={"structure"})))["Structure and baseline"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if r[0] == "Area")
    assert "Middle leaders: posts" in header and "Senior leaders: posts" not in header
    at = {name: header.index(name) for name in ("Middle leaders", "Middle leaders: posts",
                                                "Middle leaders: vacancies", "Middle leaders: vacancy rate")}
    body = {r[1]: r for r in rows if r[1] in ("MED", "ED")}
    whole = next(r for r in rows if r[0] == "Whole organisation")
    assert [body["ED"][i] for i in at.values()] == [18, 20, 2, 0.1]
    assert [body["MED"][i] for i in at.values()] == [28, 30, 2, pytest.approx(2 / 30)]
    assert [whole[i] for i in at.values()] == [28, 30, 2, pytest.approx(2 / 30)]
    assert any(isinstance(r[0], str) and "funded establishment for 2027" in r[0] for r in rows)


def test_a_pack_without_establishment_is_as_before(db: Session, org, strategy, trust) -> None:
    content = pack_content(db, strategy, org, prepared_by="Board Secretary", today=date(2026, 11, 23))
    ws = load_workbook(io.BytesIO(pack_bytes(content, sheets={"structure"})))["Structure and baseline"]
    header = next(r for r in ([c.value for c in row] for row in ws.iter_rows()) if r[0] == "Area")
    assert header == ["Area", "Code", "Staff", "FTE", "Board", "Senior leaders", "Middle leaders",
                      "Frontline leaders", "All leaders"]
    assert not db.exec(select(Establishment)).all()


def test_an_area_or_level_with_an_establishment_is_not_deleted(db: Session, strategy, trust, signed_in) -> None:
    from planner.services import ServiceError
    from planner.services.structure import delete_area, delete_level

    admin = signed_in("admin")
    empty = factories.make_area(db, strategy, "NEW", "New Diagnostic Centre")
    service.save_establishment(session=db, strategy=strategy, posts={(empty.id, "board"): 2}, actor=None)
    with pytest.raises(ServiceError, match="it has a funded establishment"):
        delete_area(session=db, strategy=strategy, area=empty, actor=admin)
    db.rollback()
    with pytest.raises(ServiceError, match="funded establishment at this level"):
        delete_level(session=db, strategy=strategy, level=factories.level(db, strategy, "board"), actor=admin)
    db.rollback()
    assert stored(db, strategy) == {empty.id: {"board": 2}}


def test_a_yearly_figure_left_by_a_shorter_horizon_is_named_not_a_crash(client, db: Session, strategy, trust,
                                                                       signed_in) -> None:
    _med, ed = trust
    signed_in("admin")
    scenario = create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    service.save_establishment(session=db, strategy=strategy, posts={(ed.id, "middle"): (20, 21, 22, 22, 25)},
                               actor=None)
    strategy.horizon = 4
    db.add(strategy)
    db.commit()
    run = forecasting.run(db, strategy, scenario)
    assert run.result is None
    assert any("establishment.middle" in str(p) for p in run.problems), run.problems
    assert client.get(f"/strategies/{strategy.id}/forecast").status_code == 200
    assert client.get(f"/strategies/{strategy.id}/baseline/establishment").status_code == 200
    page = client.get(f"/strategies/{strategy.id}/baseline/establishment/{ed.id}")
    assert page.status_code == 200
    levels = ids(db, strategy)
    # Saved again for four years, the forecast runs.
    assert post_form(client, f"/strategies/{strategy.id}/baseline/establishment/{ed.id}",
                     {**form(levels, middle=20), **{f"posts-{levels['middle']}-2030": "24"}}).status_code == 302
    db.expire_all()
    assert stored(db, strategy) == {ed.id: {"middle": (20, 20, 20, 24)}}
    assert forecasting.run(db, strategy, scenario).result is not None
