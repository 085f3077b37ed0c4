"""An HR planner uploads a staff extract, checks the preview, confirms, and sees representation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from planner.config import DATA_DIR
from planner.services.demo import load_demo
from tests.browser.conftest import screenshot
from tests.factories import FAST_HASH

pytestmark = pytest.mark.browser


def test_upload_preview_confirm_and_see_representation(page: Page, live_server: str, db, tmp_path) -> None:
    load_demo(session=db, hash_method=FAST_HASH)
    page.goto(live_server + "/login")
    page.get_by_label("Email address").fill("planner@demo.nhs.uk")
    page.get_by_label("Password").fill("demo-planner-2026")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Collective Leadership Strategy 2026-2031").click()
    page.get_by_role("link", name="Baseline: staff and leaders in post").click()
    page.get_by_role("link", name="Import a staff extract").click()

    # A broken file first: refused in one sentence, nothing changes.
    broken = tmp_path / "extract.xlsx"
    broken.write_text("<html><body>Not a workbook</body></html>")
    page.get_by_label("Staff extract (CSV or Excel .xlsx, up to 20 MB)").set_input_files(str(broken))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("web page")

    page.get_by_label("Staff extract (CSV or Excel .xlsx, up to 20 MB)").set_input_files(
        str(DATA_DIR / "demo" / "staff_extract.csv"))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#import-summary")).to_contain_text("9,259")
    expect(page.locator("#preview-counts")).to_contain_text("Emergency Department")
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Replace the baseline with these figures").click()
    expect(page.locator(".app-flash")).to_contain_text("9,259 rows read")
    expect(page.locator("#total-staff")).to_have_text("9,259")

    page.get_by_role("link", name="Collective Leadership Strategy 2026-2031").first.click()
    page.get_by_role("link", name="Diversity of leadership", exact=True).click()
    table = page.locator("#representation")
    expect(table).to_contain_text("All staff")
    expect(table.locator("abbr").first).to_have_text("*")  # small numbers withheld by default
    page.get_by_role("link", name="Show unsuppressed figures (on screen only)").click()
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("Exact counts: for the board")
    expect(page.locator("#representation abbr")).to_have_count(0)
    screenshot(page, "representation-unsuppressed")
