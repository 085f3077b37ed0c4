"""A contributor checks in on the objective they own and sees its parent's progress move; the demo's
cascade fits a screen, folds below the areas and filters without JavaScript; a contributor lands on
"My objectives"."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from planner.models import Objective, Strategy
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_a_check_in_moves_the_parents_progress(page: Page, live_server: str, db, org, strategy) -> None:
    owner = factories.make_member(db, org, role="contributor", email="ward.sister@north.nhs.uk")
    start, due = date(2026, 4, 1), date(2027, 3, 31)
    parent = Objective(organisation_id=org.id, strategy_id=strategy.id, ref="T1", level="team",
                       title="Every ward has a named deputy leader", measure_kind="none", start=start, due=due)
    db.add(parent)
    db.commit()
    mine = Objective(organisation_id=org.id, strategy_id=strategy.id, ref="T1.1", level="individual",
                     parent_id=parent.id, title="Develop my deputy through a formal plan", measure_kind="target",
                     baseline=0, target=10, unit="sessions", weight=1, owner_user_id=owner.id, start=start, due=due)
    other = Objective(organisation_id=org.id, strategy_id=strategy.id, ref="T1.2", level="individual",
                      parent_id=parent.id, title="Cover the rota with the deputy", measure_kind="target",
                      baseline=0, target=10, unit="shifts", weight=3, owner_name="Charge Nurse", start=start, due=due)
    db.add_all([mine, other])
    db.commit()

    page.goto(live_server + "/login")
    page.get_by_label("Email address").fill(owner.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/strategies/{strategy.id}/objectives/mine")
    page.get_by_role("link", name="T1.1 Develop my deputy through a formal plan").click()

    page.get_by_label("Current value (sessions)").fill("4")
    page.get_by_label("Note").fill("Two sessions a month since January")
    page.get_by_role("button", name="Record check-in").click()
    expect(page.locator(".app-flash")).to_contain_text("Check-in recorded")
    expect(page.locator("#progress")).to_contain_text("40%")
    expect(page.locator("#history")).to_contain_text("Two sessions a month since January")
    screenshot(page, "objective-check-in")

    # The parent rolls up its children by weight: (0.4 x 1 + 0 x 3) / 4 = 10%, not a straight 20%.
    page.goto(f"{live_server}/strategies/{strategy.id}/objectives/{parent.id}")
    expect(page.locator("#progress")).to_contain_text("10%")

    # The contributor cannot check in on someone else's objective.
    response = page.request.post(f"{live_server}/strategies/{strategy.id}/objectives/{other.id}/check-in",
                                 form={"value": "5"})
    assert response.status == 403


DEMO_EDITOR = ("secretary@demo.nhs.uk", "demo-editor-2026")


def _sign_in(page: Page, live_server: str, email: str, password: str) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_demo_cascade_fits_a_screen_folds_below_the_areas_and_filters_without_javascript(
        page: Page, browser: Browser, live_server: str, db) -> None:  # type: ignore[no-untyped-def]
    from planner.services.demo import load_demo

    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    url = f"{live_server}/strategies/{strategy.id}/objectives"

    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, *DEMO_EDITOR)
    page.goto(url)
    # All 261 objectives expanded, a treemap and the same rows again as a table made it 51,645 px tall.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 8000, f"the Objectives page is {height} px tall at 1280 px"
    assert page.locator("summary a, summary button").count() == 0  # nothing interactive inside a summary
    small = page.evaluate("""() => [...document.querySelectorAll('main a')].filter(a => {
        const r = a.getBoundingClientRect(); return r.height > 0 && r.height < 24; }).map(a => a.textContent.trim())""")
    assert small == [], f"links under 24 px high: {small[:5]}"
    expect(page.locator("#rag-explained")).to_contain_text("red below 70% of the progress expected by now")
    # The watermelon: a strategic objective says how many of the objectives below it are red.
    expect(page.locator("#cascade > li").first.locator(".app-obj__below").first).to_have_text(
        re.compile(r"Below it: \d+ of \d+ (area|team|individual) objectives red"))
    screenshot(page, "objectives-demo-1280")

    # The areas are folded; opening one shows its teams.
    teams = page.locator("#cascade > li").first.locator("details details").first
    expect(teams.locator(":scope > .app-tree")).to_be_hidden()
    teams.locator(":scope > summary").click()
    expect(teams.locator(":scope > .app-tree")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "objectives-demo-390")

    # The filters are a plain GET form: they work with JavaScript switched off.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        bare = context.new_page()
        _sign_in(bare, live_server, *DEMO_EDITOR)
        bare.goto(url)
        bare.get_by_label("Tier", exact=True).select_option("team")
        bare.get_by_label("RAG", exact=True).select_option("red")
        bare.get_by_role("button", name="Show objectives").click()
        assert "level=team" in bare.url and "rag=red" in bare.url
        from planner.services.objectives import cascade

        red_teams = sum(1 for v in cascade(db, strategy, organisation, date.today())
                        if v.objective.level == "team" and v.rag == "red")
        assert red_teams, "the demo has red team objectives to find"
        expect(bare.locator("#filter-result")).to_contain_text(
            f"{red_teams} objective{'s' if red_teams != 1 else ''} match")
        assert bare.locator("#cascade .app-obj:not(.app-obj--context)").count() == red_teams
        bare.get_by_label("Search").fill("Maternity")
        bare.get_by_role("button", name="Show objectives").click()
        expect(bare.locator("#filter-result")).to_contain_text("objective")
        assert "q=Maternity" in bare.url
        screenshot(bare, "objectives-demo-filtered")
    finally:
        context.close()


def test_a_contributor_lands_on_my_objectives(page: Page, live_server: str, db, org, strategy) -> None:  # type: ignore[no-untyped-def]
    owner = factories.make_member(db, org, role="contributor", email="matron@north.nhs.uk")
    db.add(Objective(organisation_id=org.id, strategy_id=strategy.id, ref="T1", level="team", title="Run a huddle",
                     measure_kind="milestone", owner_user_id=owner.id))
    db.commit()
    _sign_in(page, live_server, owner.email, factories.PASSWORD)
    expect(page).to_have_url(f"{live_server}/strategies/{strategy.id}/objectives/mine")
    expect(page.locator("h1")).to_have_text("My objectives")
