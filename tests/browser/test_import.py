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
    # The file is read by a job (at once in the tests); its page links to the preview.
    expect(page.locator("#job-status")).to_have_text("Done: 9,259 rows read.")
    page.get_by_role("link", name="Check the preview and confirm the import").click()
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


def test_the_job_page_shows_a_workers_progress_in_place_then_links_to_the_preview(
        page: Page, app, live_server: str, db, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import csv
    import io
    import threading

    from planner.queue import queue_of
    from planner.services import jobs
    from tests import factories

    app.config["TASKS_IMMEDIATE"] = False  # a real queue, and a real consumer below
    app.config["TASKS_DATABASE"] = str(tmp_path / "tasks.db")
    org = factories.make_org(db, slug="north", name="North Trust")
    strategy = factories.make_strategy(db, org, title="Big Import Strategy")
    factories.make_area(db, strategy, "WARD", "Wards")
    user = factories.make_member(db, org, role="planner")
    rows = 60_000
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Area", "Pay Band"])
    writer.writerows([["WARD", "Band 5"]] * rows)
    extract = tmp_path / "big.csv"
    extract.write_text(out.getvalue())

    reported, go = threading.Event(), threading.Event()
    first: list[int] = []  # rows read at the first report: the end of the batch that passes 5,000
    real_set_state = jobs.set_state

    def stepping(engine, job_id, **values):  # type: ignore[no-untyped-def]
        real_set_state(engine, job_id, **values)
        if set(values) == {"done"} and not reported.is_set():
            first.append(values["done"])
            reported.set()
            go.wait(60)

    monkeypatch.setattr(jobs, "set_state", stepping)
    page.goto(live_server + "/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/strategies/{strategy.id}/baseline/import")
    page.get_by_label("Staff extract (CSV or Excel .xlsx, up to 20 MB)").set_input_files(str(extract))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#job-status")).to_have_text("Waiting to start.")
    page.evaluate("window.stillTheSamePage = true")  # gone if the page were reloaded

    consumer = queue_of(app).huey.create_consumer(workers=1, worker_type="thread", periodic=False,
                                                  initial_delay=0.05, max_delay=0.2)
    monkeypatch.setattr(consumer, "_set_signal_handlers", lambda: None)
    consumer.start()
    try:
        assert reported.wait(60), "the worker reported no progress"
        assert 5_000 <= first[0] < 8_000
        percent = first[0] * 100 // 60_000
        expect(page.locator("#job-status")).to_have_text(f"{first[0]:,} of 60,000 rows read ({percent}%).")
        expect(page.locator("#job-progress")).to_have_attribute("value", str(percent))
        go.set()
        link = page.get_by_role("link", name="Check the preview and confirm the import")
        expect(link).to_be_visible(timeout=60_000)
        expect(page.locator("#job-status")).to_have_text("Done: 60,000 rows read.")
        assert page.evaluate("window.stillTheSamePage") is True  # updated in place by the script
        link.click()
        expect(page.locator("#import-summary")).to_contain_text("60,000")
    finally:
        go.set()
        consumer.stop(graceful=True)

