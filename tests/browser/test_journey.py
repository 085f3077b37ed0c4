"""A board secretary's first session, in a real browser: sign in, start a strategy, add areas,
type the baseline, and see the totals on the task list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_sign_in_create_strategy_add_areas_and_baseline(page: Page, live_server: str, db, org) -> None:
    editor = factories.make_member(db, org, role="editor", email="secretary@north.nhs.uk")

    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email address").fill(editor.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("Leadership strategies"))).to_be_visible()

    page.get_by_role("link", name="Start a new strategy").click()
    page.get_by_role("button", name="Create strategy").click()  # nothing filled in yet
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a title for the strategy")
    page.get_by_label("Title").fill("Leading Together 2026-2031")
    page.get_by_label("Start year").fill("2026")
    page.get_by_label("Vision").fill("Compassionate, inclusive leadership at every level.")
    page.get_by_role("button", name="Create strategy").click()
    expect(page.get_by_role("heading", name="Leading Together 2026-2031")).to_be_visible()
    expect(page.locator("#task-structure-status")).to_contain_text("Not started")

    page.locator("#task-structure-hint").locator("xpath=..").get_by_role("link", name="Structure", exact=True).click()
    page.get_by_role("link", name="Add an area").click()
    page.get_by_label("Name").fill("Division of Medicine")
    page.get_by_label("Code").fill("MED")
    page.get_by_role("button", name="Add and add another").click()
    page.get_by_label("Name").fill("Emergency Department")
    page.get_by_label("Code").fill("MED-ED")
    page.get_by_label("Sits within").select_option(label="Division of Medicine (MED)")
    page.get_by_role("button", name="Add and add another").click()
    page.get_by_label("Name").fill("Acute Medical Unit")
    page.get_by_label("Code").fill("MED-AMU")
    page.get_by_label("Sits within").select_option(label="Division of Medicine (MED)")
    page.get_by_role("button", name="Add area", exact=True).click()
    expect(page.locator("#area-tree")).to_contain_text("Acute Medical Unit")
    screenshot(page, "structure")

    page.get_by_role("link", name="Leading Together 2026-2031").first.click()
    page.get_by_role("link", name="Baseline: staff and leaders in post").click()
    page.get_by_role("link", name="Enter or change figures").click()
    page.get_by_label("Emergency Department: staff headcount").fill("420")
    page.get_by_label("Emergency Department: FTE").fill("381.6")
    page.get_by_label("Emergency Department: frontline leaders in post").fill("33")
    page.get_by_label("Emergency Department: middle leaders in post").fill("6")
    page.get_by_label("Acute Medical Unit: staff headcount").fill("310")
    page.get_by_label("Acute Medical Unit: FTE").fill("400")  # more FTE than people: refused
    page.get_by_role("button", name="Save baseline").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Acute Medical Unit: FTE (400) cannot be more than the headcount (310)")
    page.get_by_label("Acute Medical Unit: FTE").fill("279")
    page.get_by_label("Acute Medical Unit: frontline leaders in post").fill("27")
    page.get_by_label("Division of Medicine: senior leaders in post").fill("3")
    page.get_by_role("button", name="Save baseline").click()
    expect(page.locator("#total-staff")).to_have_text("730")
    screenshot(page, "baseline")

    page.get_by_role("link", name="Leading Together 2026-2031").first.click()
    expect(page.locator('[data-figure="staff"]')).to_have_text("730")
    expect(page.locator('[data-figure="leaders"]')).to_have_text("69")
    expect(page.locator("#task-baseline-status")).to_contain_text("Completed")
    expect(page.locator("#leaders-by-level")).to_contain_text("Frontline leaders")
    screenshot(page, "task-list")
