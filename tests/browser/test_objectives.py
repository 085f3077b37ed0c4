"""A contributor checks in on the objective they own and sees its parent's progress move."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from planner.models import Objective
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
