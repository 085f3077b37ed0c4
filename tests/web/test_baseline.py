"""The Baseline step: the grid of staff, FTE and leaders per area, and the roll-up through the tree."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from planner.models import AreaBaseline, AuditEvent, LeaderCount, Level
from tests.editing import post_form
from tests.factories import make_area, set_baseline

LEVELS = ("board", "senior", "middle", "frontline")


def grid(*rows: tuple[object, dict[str, str]]) -> dict[str, str]:
    """The edit form as a browser sends it: every input of every area, blank unless given."""
    data: dict[str, str] = {}
    for area, values in rows:
        data[f"staff-{area.id}"] = values.get("staff", "")
        data[f"fte-{area.id}"] = values.get("fte", "")
        for key in LEVELS:
            data[f"leaders-{area.id}-{key}"] = values.get(key, "")
    return data


def stored(db, area) -> tuple[int, float, dict[str, int]] | None:
    """An area's stored staff, FTE and non-zero leader counts, or None if it has no baseline row."""
    db.expire_all()
    row = db.exec(select(AreaBaseline).where(AreaBaseline.area_id == area.id)).first()
    if row is None:
        return None
    keys = {lv.id: lv.key for lv in db.exec(select(Level))}
    leaders = {keys[c.level_id]: c.count for c in db.exec(select(LeaderCount).where(LeaderCount.area_id == area.id))
               if c.count}
    return row.staff, row.fte, leaders


def error_items(page: str) -> list[tuple[str, str]]:
    """The error summary's (link target, message) pairs."""
    assert "There is a problem" in page
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', page)


def input_value(page: str, field: str) -> str:
    match = re.search(rf'<input[^>]*id="{re.escape(field)}"[^>]*value="([^"]*)"', page)
    assert match, f"no input {field}"
    return match.group(1)


@pytest.fixture
def trust(db, strategy):
    """Medicine (with its own team) holding the Emergency Department; Surgery on its own."""
    med = make_area(db, strategy, "MED", "Medicine")
    ed = make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    surg = make_area(db, strategy, "SURG", "Surgery")
    return med, ed, surg


def test_the_grid_saves_every_area_at_once(client, db, strategy, trust, signed_in):
    med, ed, surg = trust
    signed_in("planner")
    response = post_form(client, f"/strategies/{strategy.id}/baseline/edit", data=grid(
        (med, {"staff": "12", "fte": "11.5", "senior": "2"}),
        (ed, {"staff": "420", "fte": "381.6", "middle": "6", "frontline": "33"}),
        (surg, {"staff": "300", "fte": "280", "board": "1", "frontline": "20"}),
    ))
    assert response.status_code == 302
    assert response.location == f"/strategies/{strategy.id}/baseline"
    assert stored(db, med) == (12, 11.5, {"senior": 2})
    assert stored(db, ed) == (420, pytest.approx(381.6), {"middle": 6, "frontline": 33})
    assert stored(db, surg) == (300, 280.0, {"board": 1, "frontline": 20})
    assert "Baseline saved." in client.get(response.location).get_data(as_text=True)
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "baseline")).one().entity_id == strategy.id


def test_blank_means_zero(client, db, strategy, trust, signed_in):
    med, ed, surg = trust
    set_baseline(db, strategy, surg, staff=300, fte=280, frontline=20)
    signed_in("editor")
    response = post_form(client, f"/strategies/{strategy.id}/baseline/edit", data=grid(
        (med, {}), (ed, {"staff": "10"}), (surg, {"staff": " ", "fte": ""})))
    assert response.status_code == 302
    assert stored(db, med) == (0, 0.0, {})
    assert stored(db, ed) == (10, 0.0, {})
    assert stored(db, surg) == (0, 0.0, {})  # the earlier figures were cleared


def test_the_edit_page_shows_the_stored_figures(client, db, strategy, trust, signed_in):
    med, ed, _surg = trust
    set_baseline(db, strategy, ed, staff=420, fte=381.6, middle=6)
    signed_in("editor")
    page = client.get(f"/strategies/{strategy.id}/baseline/edit").get_data(as_text=True)
    assert input_value(page, f"staff-{ed.id}") == "420"
    assert input_value(page, f"fte-{ed.id}") == "381.6"
    assert input_value(page, f"leaders-{ed.id}-middle") == "6"
    assert input_value(page, f"staff-{med.id}") == ""


@pytest.mark.parametrize(("staff", "fte", "leaders", "expected"), [
    ("1,200", "1,100.5", "1,000", (1200, 1100.5, {"frontline": 1000})),
    (" 1200 ", "1200", "0", (1200, 1200.0, {})),
    ("7", "0.6", "", (7, 0.6, {})),
])
def test_thousands_separators_and_spaces_are_accepted(client, db, strategy, trust, signed_in, staff, fte, leaders,
                                                      expected):
    med, ed, surg = trust
    signed_in("planner")
    response = post_form(client, f"/strategies/{strategy.id}/baseline/edit", data=grid(
        (med, {}), (ed, {"staff": staff, "fte": fte, "frontline": leaders}), (surg, {})))
    assert response.status_code == 302
    assert stored(db, ed) == (expected[0], pytest.approx(expected[1]), expected[2])


def test_the_roll_up_adds_sub_areas_to_their_parent_and_shows_the_organisation_total(client, db, strategy, trust,
                                                                                       signed_in):
    med, ed, surg = trust
    set_baseline(db, strategy, med, staff=12, fte=11.5, senior=2)  # Medicine's own team
    set_baseline(db, strategy, ed, staff=1188, fte=1000, middle=6, frontline=33)
    set_baseline(db, strategy, surg, staff=300, fte=280.3, frontline=20)
    signed_in("viewer")
    page = client.get(f"/strategies/{strategy.id}/baseline").get_data(as_text=True)

    table = page.split('id="baseline-table"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r'<tr class="nhsuk-table__row[^"]*">(.*?)</tr>', table, re.S):
        name = re.search(r"<th[^>]*>([^<]+)</th>", row).group(1).strip()
        rows[name] = re.findall(r'<td class="nhsuk-table__cell app-numeric"[^>]*>([^<]*)</td>', row)
    #                               staff    FTE       board senior middle frontline
    assert rows["Medicine"] == ["1,200", "1,011.5", "0", "2", "6", "33"]
    assert rows["Emergency Department"] == ["1,188", "1,000.0", "0", "0", "6", "33"]
    assert rows["Surgery"] == ["300", "280.3", "0", "0", "0", "20"]
    assert rows["Organisation total"] == ["1,500", "1,291.8", "0", "2", "6", "53"]
    assert '<td class="nhsuk-table__cell app-numeric" id="total-staff">1,500</td>' in table


def test_a_parent_with_figures_of_its_own_is_not_counted_twice_in_the_total(client, db, strategy, trust, signed_in):
    med, ed, _surg = trust
    set_baseline(db, strategy, med, staff=5, fte=5)
    set_baseline(db, strategy, ed, staff=10, fte=10)
    signed_in("viewer")
    page = client.get(f"/strategies/{strategy.id}/baseline").get_data(as_text=True)
    assert 'id="total-staff">15<' in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("staff", "-3", "Emergency Department: staff headcount cannot be negative. It must be a whole number of 0 or more"),
    ("staff", "1.5", "Emergency Department: staff headcount must be a whole number of 0 or more"),
    ("staff", "abc", "Emergency Department: staff headcount must be a whole number of 0 or more"),
    ("staff", "12 staff", "Emergency Department: staff headcount must be a whole number of 0 or more"),
    ("fte", "abc", "Emergency Department: FTE must be a number of 0 or more"),
    ("fte", "-1", "Emergency Department: FTE must be a number of 0 or more"),
    ("fte", "nan", "Emergency Department: FTE must be a number of 0 or more"),
    ("fte", "inf", "Emergency Department: FTE must be a number of 0 or more"),
    ("fte", "421", "Emergency Department: FTE (421) cannot be more than the headcount (420)"),
    ("middle", "-2", "Emergency Department: middle leaders in post cannot be negative"),
    ("middle", "2.5", "Emergency Department: middle leaders in post must be a whole number of 0 or more"),
    pytest.param(
        "staff", "\u00b2", "Emergency Department: staff headcount must be a whole number of 0 or more",
        id="staff-superscript-two"),
    pytest.param(
        "staff", "99999999999999999999", "Emergency Department: staff headcount",
        id="staff-too-large-to-store"),
])
def test_an_invalid_figure_stores_nothing_and_says_where_the_problem_is(client, db, strategy, trust, signed_in,
                                                                         field, value, message):
    med, ed, surg = trust
    set_baseline(db, strategy, med, staff=12, fte=11.5, senior=2)
    set_baseline(db, strategy, ed, staff=400, fte=380, middle=5)
    audited_before = len(db.exec(select(AuditEvent).where(AuditEvent.entity == "baseline")).all())
    signed_in("planner")
    typed = {"staff": "420", "fte": "381.6", "middle": "6", field: value}
    response = post_form(client, f"/strategies/{strategy.id}/baseline/edit", data=grid(
        (med, {"staff": "99", "fte": "98", "senior": "3"}),  # a valid change on another row
        (ed, typed),
        (surg, {"staff": "300", "fte": "280"}),
    ))

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    input_id = f"leaders-{ed.id}-middle" if field == "middle" else f"{field}-{ed.id}"
    items = error_items(page)
    assert any(target == input_id and message in text for target, text in items), items
    # One message per problem, about the box actually wrong, shown by the box too; the title says so.
    assert len(items) == 1, items
    inline = rf'<span class="nhsuk-error-message" id="{re.escape(input_id)}-error">.*{re.escape(message)}'
    assert re.search(inline, page)
    assert "<title>Error: " in page
    # The box in error is marked, and everything typed is still there to correct.
    assert re.search(rf'class="[^"]*nhsuk-input--error[^"]*" id="{re.escape(input_id)}"', page)
    assert input_value(page, input_id) == value
    assert input_value(page, f"staff-{med.id}") == "99"
    assert input_value(page, f"staff-{surg.id}") == "300"
    # All or nothing: no row changed, not even the valid ones.
    assert stored(db, med) == (12, 11.5, {"senior": 2})
    assert stored(db, ed) == (400, 380.0, {"middle": 5})
    assert stored(db, surg) is None
    assert len(db.exec(select(AuditEvent).where(AuditEvent.entity == "baseline")).all()) == audited_before


def test_a_negative_headcount_says_so_rather_than_comparing_the_fte_with_it(client, db, strategy, trust, signed_in):
    med, ed, surg = trust
    signed_in("planner")
    response = post_form(client, f"/strategies/{strategy.id}/baseline/edit",
                         data=grid((ed, {"staff": "-5", "fte": "20.5"})))
    page = response.get_data(as_text=True)
    assert error_items(page) == [(f"staff-{ed.id}", "Emergency Department: staff headcount cannot be negative. "
                                                     "It must be a whole number of 0 or more, like 12")]
    assert "cannot be more than the headcount" not in page


def test_every_invalid_figure_is_listed(client, db, strategy, trust, signed_in):
    med, ed, surg = trust
    signed_in("planner")
    response = post_form(client, f"/strategies/{strategy.id}/baseline/edit", data=grid(
        (med, {"staff": "x"}), (ed, {"staff": "10", "frontline": "-1"}), (surg, {"staff": "5", "fte": "6"})))
    assert response.status_code == 400
    targets = [target for target, _ in error_items(response.get_data(as_text=True))]
    assert targets == [f"staff-{med.id}", f"leaders-{ed.id}-frontline", f"fte-{surg.id}"]


@pytest.mark.parametrize("role", ["viewer", "contributor"])
def test_a_reader_cannot_open_or_post_the_edit_page(client, db, strategy, trust, signed_in, role):
    med, _ed, _surg = trust
    signed_in(role)
    assert client.get(f"/strategies/{strategy.id}/baseline/edit").status_code == 403
    response = post_form(client, f"/strategies/{strategy.id}/baseline/edit", data=grid((med, {"staff": "5"})))
    assert response.status_code == 403
    assert stored(db, med) is None
    page = client.get(f"/strategies/{strategy.id}/baseline").get_data(as_text=True)
    assert "Enter or change figures" not in page


def test_without_areas_the_baseline_points_to_the_structure_step(client, strategy, signed_in):
    signed_in("planner")
    page = client.get(f"/strategies/{strategy.id}/baseline").get_data(as_text=True)
    assert "Add areas in the" in page
    assert "Enter or change figures" not in page
