"""Strategies: starting one, the Scope step, and the task list on the strategy's home page."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from planner.models import AuditEvent, BandAssignment, Level, Strategy
from tests.editing import post_form
from tests.factories import make_area, set_baseline

NEW_STRATEGY = {
    "title": "Leading Together 2026-2031",
    "start_year": "2026",
    "horizon": "5",
    "vision": "Compassionate, inclusive leadership at every level",
    "mission": "Develop the leaders our patients need",
    "values": "Compassion\nInclusion\nCuriosity",
    "owner": "Director of People",
}


def strategies_in(db, org) -> list[Strategy]:
    db.expire_all()
    return list(db.exec(select(Strategy).where(Strategy.organisation_id == org.id)))


def task_status(page: str, key: str) -> str:
    """The status tag shown for one task on the task list."""
    match = re.search(rf'id="task-{key}-status">\s*<strong[^>]*>([^<]+)</strong>', page)
    assert match, f"no status for task {key}"
    return match.group(1).strip()


def scope_form(strategy: Strategy, **changes: str) -> dict[str, str]:
    """The scope form as a browser would send it back, with some fields changed."""
    data = {
        "title": strategy.title, "start_year": str(strategy.start_year), "horizon": str(strategy.horizon),
        "vision": strategy.vision, "mission": strategy.mission, "values": strategy.values,
        "owner": strategy.owner,
    }
    data.update(changes)
    return data


def test_an_editor_creates_a_strategy_and_lands_on_its_home(client, db, org, signed_in):
    signed_in("editor")
    response = client.post("/strategies/new", data=NEW_STRATEGY)

    [strategy] = strategies_in(db, org)
    assert response.status_code == 302
    assert response.location == f"/strategies/{strategy.id}"
    assert (strategy.title, strategy.start_year, strategy.horizon, strategy.end_year) == (
        "Leading Together 2026-2031", 2026, 5, 2031)
    assert strategy.vision == NEW_STRATEGY["vision"]
    assert strategy.mission == NEW_STRATEGY["mission"]
    assert strategy.values.splitlines() == ["Compassion", "Inclusion", "Curiosity"]
    assert strategy.owner == "Director of People"

    home = client.get(response.location).get_data(as_text=True)
    assert "Strategy &#39;Leading Together 2026-2031&#39; created." in home
    assert "2026 to 2031" in home


def test_a_new_strategy_has_the_four_default_levels_each_with_bands(client, db, org, signed_in):
    signed_in("editor")
    client.post("/strategies/new", data=NEW_STRATEGY)

    [strategy] = strategies_in(db, org)
    levels = list(db.exec(select(Level).where(Level.strategy_id == strategy.id).order_by(Level.position)))
    assert [lv.key for lv in levels] == ["board", "senior", "middle", "frontline"]
    bands = {lv.key: set() for lv in levels}
    for row in db.exec(select(BandAssignment).where(BandAssignment.strategy_id == strategy.id)):
        bands[next(lv.key for lv in levels if lv.id == row.level_id)].add(row.band)
    # Pay bands, medical and dental grades, and the job roles that decide before them (data/levels.json).
    assert bands == {
        "board": {"Board - Executive", "Board - Non-Executive", "Medical Director"},
        "senior": {"8d", "9", "VSM", "Associate Medical Director", "Clinical Director"},
        "middle": {"8a", "8b", "8c", "Associate Specialist", "Specialist", "Consultant", "Clinical Lead"},
        "frontline": {"6", "7", "Specialty Registrar", "Staff Grade", "Specialty Doctor"},
    }


def test_the_new_strategy_is_listed(client, db, org, signed_in):
    signed_in("editor")
    client.post("/strategies/new", data=NEW_STRATEGY)
    page = client.get("/strategies").get_data(as_text=True)
    assert "Leading Together 2026-2031" in page
    assert "2026 to 2031" in page
    assert "Director of People" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title for the strategy"),
        ({"title": "   "}, "Enter a title for the strategy"),
        ({"horizon": "0"}, "Horizon must be from 1 to 10 years"),
        ({"horizon": "11"}, "Horizon must be from 1 to 10 years"),
        ({"horizon": ""}, "Enter the horizon in years, from 1 to 10"),
        ({"start_year": "1999"}, "Start year must be between 2000 and 2100"),
        ({"start_year": "2101"}, "Start year must be between 2000 and 2100"),
        ({"start_year": "abc"}, "Enter the start year as a whole number, like 2026"),
        ({"start_year": "²"}, "Enter the start year as a whole number, like 2026"),
        ({"start_year": "١٢"}, "Enter the start year as a whole number, like 2026"),
        ({"start_year": "9" * 30}, "Start year must be between 2000 and 2100"),
        ({"horizon": "NaN"}, "Enter the horizon in years as a whole number, like 5"),
        ({"start_year": ""}, "Enter the start year as a whole number, like 2026"),
    ],
    ids=["no-title", "blank-title", "horizon-0", "horizon-11", "no-horizon", "start-1999", "start-2101",
         "start-abc", "start-superscript", "start-arabic-indic", "start-huge", "horizon-nan", "no-start"],
)
def test_a_new_strategy_with_a_mistake_is_refused_and_nothing_is_stored(client, db, org, signed_in, changes,
                                                                      message):
    signed_in("editor")
    response = client.post("/strategies/new", data={**NEW_STRATEGY, **changes})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert page.count('class="nhsuk-error-message"') == 1, "one message per problem, shown by the field"
    assert "Not a valid" not in page
    assert "<title>Error: " in page
    assert strategies_in(db, org) == []


def test_a_refused_strategy_keeps_what_was_typed(client, signed_in):
    signed_in("editor")
    page = client.post("/strategies/new", data={**NEW_STRATEGY, "horizon": "11"}).get_data(as_text=True)
    assert 'value="Leading Together 2026-2031"' in page
    assert 'value="11"' in page
    assert "Develop the leaders our patients need" in page


def test_an_editor_changes_the_scope_and_the_change_is_audited(client, db, strategy, signed_in):
    editor = signed_in("editor")
    response = post_form(client, f"/strategies/{strategy.id}/scope",
                         data=scope_form(strategy, vision="Leaders who listen", horizon="7"))

    assert response.status_code == 302
    assert response.location == f"/strategies/{strategy.id}"
    db.expire_all()
    saved = db.get(Strategy, strategy.id)
    assert (saved.vision, saved.horizon, saved.title) == ("Leaders who listen", 7, "Our Leadership Strategy")
    [event] = db.exec(select(AuditEvent).where(AuditEvent.entity == "strategy", AuditEvent.action == "update"))
    assert event.entity_id == strategy.id
    assert event.user_id == editor.id
    assert event.organisation_id == strategy.organisation_id
    assert json.loads(event.changes) == {"vision": ["", "Leaders who listen"], "horizon": [5, 7]}
    assert "Scope saved." in client.get(response.location).get_data(as_text=True)


def test_the_scope_form_shows_the_current_values_to_an_editor(client, db, strategy, signed_in):
    signed_in("editor")
    page = client.get(f"/strategies/{strategy.id}/scope").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="title"[^>]*value="Our Leadership Strategy"', page) or re.search(
        r'<input[^>]*value="Our Leadership Strategy"[^>]*name="title"', page)
    assert "Save scope" in page


def test_a_scope_change_with_a_mistake_is_refused_and_nothing_changes(client, db, strategy, signed_in):
    signed_in("editor")
    response = post_form(client, f"/strategies/{strategy.id}/scope",
                         data=scope_form(strategy, title="", vision="Changed"))
    assert response.status_code == 200
    assert "Enter a title for the strategy" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Strategy, strategy.id).vision == ""
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "update")).all() == []


def test_a_viewer_reads_the_scope_without_a_form(client, db, org, signed_in):
    from tests.factories import make_strategy

    strategy = make_strategy(db, org, title="Our Leadership Strategy", vision="Leaders who listen",
                             owner="Director of People")
    signed_in("viewer")
    response = client.get(f"/strategies/{strategy.id}/scope")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Leaders who listen" in page
    assert "Director of People" in page
    assert 'name="title"' not in page
    assert "Save scope" not in page


def test_a_viewer_cannot_change_the_scope(client, db, strategy, signed_in):
    signed_in("viewer")
    response = post_form(client, f"/strategies/{strategy.id}/scope",
                         data=scope_form(strategy, title="Hijacked", vision="Changed"))
    assert response.status_code == 403
    db.expire_all()
    saved = db.get(Strategy, strategy.id)
    assert (saved.title, saved.vision) == ("Our Leadership Strategy", "")
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "update")).all() == []


@pytest.mark.parametrize("role", ["planner", "contributor", "viewer"])
def test_only_editors_see_the_start_a_strategy_button(client, signed_in, role):
    signed_in(role)
    assert "Start a new strategy" not in client.get("/strategies").get_data(as_text=True)


def test_a_fresh_strategy_shows_what_is_still_to_do(client, strategy, signed_in):
    signed_in("editor")
    page = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    assert task_status(page, "scope") == "In progress"
    # What the step lacks, in the completeness check's words (the first of them, and how many more).
    assert "The strategy has no vision yet (and 3 more things to do)" in page
    assert task_status(page, "structure") == "Not started"
    assert task_status(page, "baseline") == "Not started"


def test_the_task_list_reads_completed_once_every_step_is_done(client, db, strategy, signed_in):
    signed_in("editor")
    post_form(client, f"/strategies/{strategy.id}/scope", data=scope_form(
        strategy, vision="Leaders who listen", mission="Develop leaders", values="Compassion",
        owner="Director of People"))
    med = make_area(db, strategy, "MED", "Medicine")
    ed = make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    surg = make_area(db, strategy, "SURG", "Surgery")
    set_baseline(db, strategy, ed, staff=420, fte=381.6, middle=6)

    page = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    assert task_status(page, "scope") == "Completed"
    assert task_status(page, "structure") == "Completed"
    # Surgery has no sub-areas and no figures yet.
    assert task_status(page, "baseline") == "In progress"
    assert "1 area without a baseline staff headcount: Surgery" in page

    set_baseline(db, strategy, surg, staff=300, fte=280)
    page = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    assert task_status(page, "baseline") == "Completed"
    assert "720 staff and 6 leaders in post" in page


def test_the_structure_step_is_in_progress_while_a_level_has_no_bands(client, db, strategy, signed_in):
    signed_in("editor")
    make_area(db, strategy, "MED", "Medicine")
    client.post(f"/strategies/{strategy.id}/levels/new", data={"key": "team", "name": "Team leaders"})
    page = client.get(f"/strategies/{strategy.id}").get_data(as_text=True)
    assert task_status(page, "structure") == "In progress"
    assert "Levels without bands, grades or job roles: Team leaders" in page
