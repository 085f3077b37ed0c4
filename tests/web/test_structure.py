"""The Structure step: the area tree, the leadership levels and the band map."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from planner.models import Area, AuditEvent, BandAssignment, Level
from planner.reference import all_bands
from tests.editing import post_form
from tests.factories import level, make_area, make_strategy, set_baseline


def areas_of(db, strategy) -> dict[str, Area]:
    db.expire_all()
    return {a.code: a for a in db.exec(select(Area).where(Area.strategy_id == strategy.id))}


def level_keys(db, strategy) -> list[str]:
    db.expire_all()
    return [lv.key for lv in db.exec(
        select(Level).where(Level.strategy_id == strategy.id).order_by(Level.position, Level.id))]


def band_rows(db, strategy) -> dict[str, int]:
    db.expire_all()
    return {b.band: b.level_id for b in db.exec(
        select(BandAssignment).where(BandAssignment.strategy_id == strategy.id))}


def problem(response) -> str:
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    return page


# ---------------------------------------------------------------------------------------- areas


def test_add_a_top_level_area(client, db, strategy, signed_in):
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/areas/new",
                           data={"code": "MED", "name": "Medicine", "parent_id": ""})
    assert response.status_code == 302
    assert response.location == f"/strategies/{strategy.id}/structure"
    med = areas_of(db, strategy)["MED"]
    assert (med.name, med.parent_id, med.organisation_id) == ("Medicine", None, strategy.organisation_id)
    page = client.get(response.location).get_data(as_text=True)
    assert "Medicine added." in page


def test_add_an_area_within_a_parent(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    signed_in("planner")
    response = client.post(f"/strategies/{strategy.id}/areas/new",
                           data={"code": "MED-ED", "name": "Emergency Department", "parent_id": str(med.id)})
    assert response.status_code == 302
    assert areas_of(db, strategy)["MED-ED"].parent_id == med.id


def test_add_and_add_another_returns_to_the_form_under_the_same_parent(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/areas/new",
                           data={"code": "MED-ED", "name": "ED", "parent_id": str(med.id), "another": "1"})
    assert response.status_code == 302
    assert response.location == f"/strategies/{strategy.id}/areas/new?parent={med.id}"
    page = client.get(response.location).get_data(as_text=True)
    assert re.search(rf'<option selected value="{med.id}">|<option value="{med.id}" selected>', page)


@pytest.mark.parametrize("code", ["MED", "med", "Med"])
def test_a_code_already_used_is_refused_whatever_its_case(client, db, strategy, signed_in, code):
    make_area(db, strategy, "MED", "Medicine")
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/areas/new",
                           data={"code": code, "name": "Another medicine", "parent_id": ""})
    assert response.status_code == 200
    assert f"Another area already has the code &#39;{code}&#39;" in problem(response)
    assert list(areas_of(db, strategy)) == ["MED"]


def test_the_same_code_in_another_strategy_is_fine(client, db, org, strategy, signed_in):
    other = make_strategy(db, org, title="Next strategy")
    make_area(db, other, "MED", "Medicine")
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/areas/new",
                           data={"code": "MED", "name": "Medicine", "parent_id": ""})
    assert response.status_code == 302
    assert list(areas_of(db, strategy)) == ["MED"]


@pytest.mark.parametrize("code", ["MED ED", "-MED", "MED/ED", "MED<b>", "ÉCOLE", ".MED"])
def test_a_code_with_characters_that_are_not_allowed_is_refused(client, db, strategy, signed_in, code):
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/areas/new",
                           data={"code": code, "name": "Medicine", "parent_id": ""})
    assert response.status_code == 200
    assert "Code must be 1-40 letters, digits, hyphens, dots or underscores" in problem(response)
    assert areas_of(db, strategy) == {}


@pytest.mark.parametrize(("data", "message"), [
    ({"code": "", "name": "Medicine"}, "Enter a code for the area"),
    ({"code": "MED", "name": ""}, "Enter the area&#39;s name"),
    ({"code": "MED", "name": "   "}, "Enter the area&#39;s name"),
])
def test_an_area_needs_a_code_and_a_name(client, db, strategy, signed_in, data, message):
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/areas/new", data={**data, "parent_id": ""})
    assert message in problem(response)
    assert areas_of(db, strategy) == {}


def test_rename_an_area(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    signed_in("editor")
    response = post_form(client, f"/strategies/{strategy.id}/areas/{med.id}/edit",
                         data={"code": "MEDICINE", "name": "Division of Medicine", "parent_id": ""})
    assert response.status_code == 302
    saved = areas_of(db, strategy)["MEDICINE"]
    assert (saved.id, saved.name) == (med.id, "Division of Medicine")
    assert "Division of Medicine" in client.get(f"/strategies/{strategy.id}/structure").get_data(as_text=True)


def test_keeping_an_areas_own_code_is_not_a_clash(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    signed_in("editor")
    response = post_form(client, f"/strategies/{strategy.id}/areas/{med.id}/edit",
                         data={"code": "med", "name": "Medicine", "parent_id": ""})
    assert response.status_code == 302
    assert list(areas_of(db, strategy)) == ["med"]


def test_move_an_area_under_another(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    ed = make_area(db, strategy, "ED", "Emergency Department")
    signed_in("editor")
    response = post_form(client, f"/strategies/{strategy.id}/areas/{ed.id}/edit",
                         data={"code": "ED", "name": "Emergency Department", "parent_id": str(med.id)})
    assert response.status_code == 302
    assert areas_of(db, strategy)["ED"].parent_id == med.id


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_an_area_cannot_move_inside_itself_or_its_own_sub_areas(client, db, strategy, signed_in, target):
    med = make_area(db, strategy, "MED", "Medicine")
    ed = make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    resus = make_area(db, strategy, "MED-ED-R", "Resus", parent=ed)
    parent = {"itself": med, "child": ed, "grandchild": resus}[target]
    signed_in("editor")
    response = post_form(client, f"/strategies/{strategy.id}/areas/{med.id}/edit",
                         data={"code": "MED", "name": "Medicine", "parent_id": str(parent.id)})
    assert response.status_code == 200
    problem(response)
    areas = areas_of(db, strategy)
    assert areas["MED"].parent_id is None
    assert areas["MED-ED"].parent_id == med.id


def test_the_move_choices_leave_out_the_area_and_its_sub_areas(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    ed = make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    surg = make_area(db, strategy, "SURG", "Surgery")
    signed_in("editor")
    page = client.get(f"/strategies/{strategy.id}/areas/{med.id}/edit").get_data(as_text=True)
    assert f'<option value="{surg.id}"' in page
    assert f'<option value="{ed.id}"' not in page
    assert f'<option value="{med.id}"' not in page


def test_an_area_of_another_strategy_cannot_be_the_parent(client, db, org, strategy, signed_in):
    other = make_strategy(db, org, title="Next strategy")
    foreign = make_area(db, other, "FOREIGN", "Foreign")
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/areas/new",
                           data={"code": "MED", "name": "Medicine", "parent_id": str(foreign.id)})
    assert response.status_code == 200
    problem(response)
    assert areas_of(db, strategy) == {}


@pytest.mark.parametrize(("arrange", "reason"), [
    ("sub-area", "it contains 1 sub-area"),
    ("staff", "it has baseline figures (staff or leaders in post)"),
    ("leaders", "it has baseline figures (staff or leaders in post)"),
])
def test_an_area_that_something_depends_on_cannot_be_deleted(client, db, strategy, signed_in, arrange, reason):
    med = make_area(db, strategy, "MED", "Medicine")
    if arrange == "sub-area":
        make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    elif arrange == "staff":
        set_baseline(db, strategy, med, staff=10, fte=9.5)
    else:
        set_baseline(db, strategy, med, staff=0, fte=0, middle=2)
    signed_in("editor")
    url = f"/strategies/{strategy.id}/areas/{med.id}/delete"

    page = client.get(url).get_data(as_text=True)
    assert "This cannot be deleted yet" in page
    assert f"Medicine cannot be deleted because {reason}" in page
    assert "Yes, delete Medicine" not in page

    response = client.post(url)
    assert response.status_code == 409
    assert reason in problem(response)
    assert "MED" in areas_of(db, strategy)


def test_an_area_with_two_reasons_gives_both(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    make_area(db, strategy, "MED-ED", "ED", parent=med)
    make_area(db, strategy, "MED-AM", "Acute medicine", parent=med)
    set_baseline(db, strategy, med, staff=10, fte=9.5)
    signed_in("editor")
    page = client.get(f"/strategies/{strategy.id}/areas/{med.id}/delete").get_data(as_text=True)
    assert ("Medicine cannot be deleted because it contains 2 sub-areas and it has baseline figures "
            "(staff or leaders in post)") in page


def test_an_empty_area_can_be_deleted(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    ed = make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    set_baseline(db, strategy, ed, staff=0, fte=0)  # a row of zeros is not a figure
    signed_in("editor")
    page = client.get(f"/strategies/{strategy.id}/areas/{ed.id}/delete").get_data(as_text=True)
    assert "Yes, delete Emergency Department" in page
    response = client.post(f"/strategies/{strategy.id}/areas/{ed.id}/delete")
    assert response.status_code == 302
    assert list(areas_of(db, strategy)) == ["MED"]
    assert "Emergency Department deleted." in client.get(response.location).get_data(as_text=True)
    # and now its parent is empty too
    assert client.post(f"/strategies/{strategy.id}/areas/{med.id}/delete").status_code == 302
    assert areas_of(db, strategy) == {}


def test_area_changes_are_audited(client, db, strategy, signed_in):
    user = signed_in("editor")
    client.post(f"/strategies/{strategy.id}/areas/new", data={"code": "MED", "name": "Medicine", "parent_id": ""})
    med = areas_of(db, strategy)["MED"]
    post_form(client, f"/strategies/{strategy.id}/areas/{med.id}/edit",
              data={"code": "MED", "name": "Division of Medicine", "parent_id": ""})
    client.post(f"/strategies/{strategy.id}/areas/{med.id}/delete")
    events = db.exec(select(AuditEvent).where(AuditEvent.entity == "area").order_by(AuditEvent.id)).all()
    assert [(e.action, e.entity_id, e.user_id) for e in events] == [
        ("create", med.id, user.id), ("update", med.id, user.id), ("delete", med.id, user.id)]


def test_the_structure_page_shows_areas_indented_in_tree_order(client, db, strategy, signed_in):
    # Added in an order unlike the tree's, so the page has to put them right.
    surg = make_area(db, strategy, "SURG", "Surgery")
    med = make_area(db, strategy, "MED", "Medicine")
    make_area(db, strategy, "SURG-TH", "Theatres", parent=surg)
    ed = make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    make_area(db, strategy, "MED-AM", "Acute Medicine", parent=med)
    make_area(db, strategy, "MED-ED-R", "Resus", parent=ed)
    signed_in("viewer")
    page = client.get(f"/strategies/{strategy.id}/structure").get_data(as_text=True)
    table = page.split('id="area-tree"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<td class="nhsuk-table__cell app-indent-(\d)">(?:<span class="nhsuk-u-visually-hidden">[^<]*</span>)?'
        r"([^<]+)</td>", table)
    assert [(name, int(depth)) for depth, name in rows] == [
        ("Surgery", 0),
        ("Theatres", 1),
        ("Medicine", 0),
        ("Emergency Department", 1),
        ("Resus", 2),
        ("Acute Medicine", 1),
    ]


def test_a_viewer_sees_the_structure_without_change_links(client, db, strategy, signed_in):
    make_area(db, strategy, "MED", "Medicine")
    signed_in("viewer")
    page = client.get(f"/strategies/{strategy.id}/structure").get_data(as_text=True)
    assert "Medicine" in page
    assert "Add an area" not in page
    assert "Delete<span" not in page


# ---------------------------------------------------------------------------------------- levels


def test_add_a_level_goes_last(client, db, strategy, signed_in):
    signed_in("planner")
    response = client.post(f"/strategies/{strategy.id}/levels/new",
                           data={"key": "team", "name": "Team leaders", "description": "Leads a small team"})
    assert response.status_code == 302
    assert response.location == f"/strategies/{strategy.id}/bands"
    assert level_keys(db, strategy) == ["board", "senior", "middle", "frontline", "team"]
    page = client.get(f"/strategies/{strategy.id}/structure").get_data(as_text=True)
    table = page.split('id="level-table"', 1)[1]
    assert table.index("Frontline leaders") < table.index("Team leaders")


@pytest.mark.parametrize(("key", "message"), [
    ("all", "cannot be &#39;all&#39;"),
    ("ALL", "cannot be &#39;all&#39;"),
    ("middle", "Another level already has the key &#39;middle&#39;"),
    ("Middle", "Another level already has the key &#39;middle&#39;"),
    ("2nd", "Key must start with a letter"),
    ("team leaders", "Key must start with a letter"),
])
def test_a_level_key_that_is_reserved_taken_or_malformed_is_refused(client, db, strategy, signed_in, key, message):
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/levels/new", data={"key": key, "name": "New level"})
    assert response.status_code == 200
    assert message in problem(response)
    assert level_keys(db, strategy) == ["board", "senior", "middle", "frontline"]


def test_rename_a_level(client, db, strategy, signed_in):
    middle = level(db, strategy, "middle")
    signed_in("editor")
    response = post_form(client, f"/strategies/{strategy.id}/levels/{middle.id}/edit",
                         data={"key": "middle", "name": "Service leaders", "description": ""})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Level, middle.id).name == "Service leaders"


@pytest.mark.parametrize(("key", "direction", "order"), [
    ("middle", "up", ["board", "middle", "senior", "frontline"]),
    ("middle", "down", ["board", "senior", "frontline", "middle"]),
    ("board", "down", ["senior", "board", "middle", "frontline"]),
    ("frontline", "up", ["board", "senior", "frontline", "middle"]),
])
def test_move_a_level_up_or_down(client, db, strategy, signed_in, key, direction, order):
    signed_in("editor")
    moving = level(db, strategy, key)
    response = client.post(f"/strategies/{strategy.id}/levels/{moving.id}/move", data={"direction": direction})
    assert response.status_code == 302
    assert response.location == f"/strategies/{strategy.id}/structure#levels"
    assert level_keys(db, strategy) == order


@pytest.mark.parametrize(("key", "direction"), [("board", "up"), ("frontline", "down"), ("middle", "sideways")])
def test_a_level_cannot_move_off_the_ends(client, db, strategy, signed_in, key, direction):
    signed_in("editor")
    moving = level(db, strategy, key)
    response = client.post(f"/strategies/{strategy.id}/levels/{moving.id}/move", data={"direction": direction},
                           follow_redirects=True)
    assert f"cannot move {direction}" in problem(response)
    assert level_keys(db, strategy) == ["board", "senior", "middle", "frontline"]


def test_a_level_with_leaders_counted_cannot_be_deleted(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    set_baseline(db, strategy, med, staff=100, fte=90, middle=5)
    middle = level(db, strategy, "middle")
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/levels/{middle.id}/delete")
    assert response.status_code == 409
    assert "Middle leaders cannot be deleted because 5 leaders are counted at this level" in problem(response)
    assert "middle" in level_keys(db, strategy)


def test_a_level_without_leaders_can_be_deleted_and_the_rest_close_up(client, db, strategy, signed_in):
    med = make_area(db, strategy, "MED", "Medicine")
    set_baseline(db, strategy, med, staff=100, fte=90, frontline=5)
    senior = level(db, strategy, "senior")
    signed_in("editor")
    assert "Yes, delete Senior leaders" in client.get(
        f"/strategies/{strategy.id}/levels/{senior.id}/delete").get_data(as_text=True)
    response = client.post(f"/strategies/{strategy.id}/levels/{senior.id}/delete")
    assert response.status_code == 302
    assert level_keys(db, strategy) == ["board", "middle", "frontline"]
    positions = [lv.position for lv in db.exec(
        select(Level).where(Level.strategy_id == strategy.id).order_by(Level.position))]
    assert positions == [0, 1, 2]
    assert "8d" not in band_rows(db, strategy)  # its bands are no longer leadership bands


def test_the_last_remaining_level_cannot_be_deleted(client, db, strategy, signed_in):
    signed_in("editor")
    for key in ("board", "senior", "middle"):
        assert client.post(f"/strategies/{strategy.id}/levels/{level(db, strategy, key).id}/delete"
                           ).status_code == 302
    last = level(db, strategy, "frontline")
    response = client.post(f"/strategies/{strategy.id}/levels/{last.id}/delete")
    assert response.status_code == 409
    assert "A strategy needs at least one leadership level." in problem(response)
    assert level_keys(db, strategy) == ["frontline"]


# ---------------------------------------------------------------------------------------- band map


def band_form(**chosen: object) -> dict[str, str]:
    """Every band's select, as the browser sends it: '' unless chosen."""
    return {f"band-{band}": str(chosen.get(band, "")) for band in all_bands()}


def test_save_the_band_map(client, db, strategy, signed_in):
    signed_in("planner")
    board, middle, frontline = (level(db, strategy, k) for k in ("board", "middle", "frontline"))
    form = band_form(**{"Board - Executive": board.id, "VSM": board.id, "8a": middle.id, "5": frontline.id,
                        "6": frontline.id})
    response = client.post(f"/strategies/{strategy.id}/bands", data=form)
    assert response.status_code == 302
    assert response.location == f"/strategies/{strategy.id}/structure#levels"
    assert band_rows(db, strategy) == {"Board - Executive": board.id, "VSM": board.id, "8a": middle.id,
                                       "5": frontline.id, "6": frontline.id}
    page = client.get(f"/strategies/{strategy.id}/structure").get_data(as_text=True)
    assert "Band map saved." in page
    assert "Band 5, Band 6" in page
    # Senior leaders now have no bands, and the page says so.
    assert "No bands" in page


def test_the_band_page_shows_the_current_map(client, db, strategy, signed_in):
    signed_in("editor")
    middle = level(db, strategy, "middle")
    page = client.get(f"/strategies/{strategy.id}/bands").get_data(as_text=True)
    select_8b = page.split('name="band-8b"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{middle.id}" selected>Middle leaders</option>' in select_8b
    select_5 = page.split('name="band-5"', 1)[1].split("</select>", 1)[0]
    assert " selected" not in select_5


def test_the_band_map_takes_medical_grades_and_job_roles(client, db, strategy, signed_in):
    signed_in("planner")
    board, senior, middle = (level(db, strategy, k) for k in ("board", "senior", "middle"))
    page = client.get(f"/strategies/{strategy.id}/bands").get_data(as_text=True)
    assert '<h2 id="grades">Medical and dental grades</h2>' in page and '<h2 id="roles">Job roles</h2>' in page
    select_fy1 = page.split('name="band-Foundation Year 1"', 1)[1].split("</select>", 1)[0]
    assert " selected" not in select_fy1  # resident doctors in training are not leaders by default
    form = band_form(**{"8a": middle.id, "Consultant": middle.id, "Specialty Doctor": middle.id,
                        "Medical Director": board.id, "Clinical Director": senior.id})
    assert client.post(f"/strategies/{strategy.id}/bands", data=form).status_code == 302
    assert band_rows(db, strategy) == {"8a": middle.id, "Consultant": middle.id, "Specialty Doctor": middle.id,
                                       "Medical Director": board.id, "Clinical Director": senior.id}
    structure = client.get(f"/strategies/{strategy.id}/structure").get_data(as_text=True)
    assert "Band 8a, Specialty Doctor, Consultant" in structure  # bands, then grades in seniority order
    assert "Board - Executive" not in structure and "Medical Director (job role)" in structure


def test_a_level_of_another_strategy_is_refused_in_the_band_map(client, db, org, strategy, signed_in):
    other = make_strategy(db, org, title="Next strategy")
    foreign = level(db, other, "middle")
    before = band_rows(db, strategy)
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/bands",
                           data=band_form(**{"8a": foreign.id, "6": level(db, strategy, "frontline").id}))
    assert response.status_code == 200
    assert "Band 8a: choose one of the levels" in problem(response)
    assert band_rows(db, strategy) == before
    assert band_rows(db, other)["8a"] == foreign.id


@pytest.mark.parametrize("value", ["abc", "0", "-1"])
def test_a_band_map_value_that_is_not_a_level_is_refused(client, db, strategy, signed_in, value):
    before = band_rows(db, strategy)
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/bands", data=band_form(**{"7": value}))
    assert "Band 7: choose one of the levels" in problem(response)
    assert band_rows(db, strategy) == before
