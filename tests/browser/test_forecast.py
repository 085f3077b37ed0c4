"""An HR planner changes an assumption and sees the forecast, its table and its chart change."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from planner.services.demo import load_demo
from tests.browser.conftest import screenshot
from tests.factories import FAST_HASH

pytestmark = pytest.mark.browser


def _frontline_external_total(page: Page) -> int:
    row = page.locator("#totals-frontline tr", has_text="External appointments")
    return int(row.locator("td").last.inner_text().replace(",", ""))


def _chart_external_frontline(page: Page) -> list[float]:
    # The appointments chart as drawn by plotly.js in the page.
    return page.evaluate("""() => {
        const chart = document.querySelector('[data-chart="chart-appointments-data"]');
        const trace = chart.data.find(t => t.name === 'Frontline leaders: external');
        return Array.from(trace.y);
    }""")


def test_changing_the_leaver_rate_changes_the_forecast_and_chart(page: Page, live_server: str, db) -> None:
    load_demo(session=db, hash_method=FAST_HASH)
    page.goto(live_server + "/login")
    page.get_by_label("Email address").fill("planner@demo.nhs.uk")
    page.get_by_label("Password").fill("demo-planner-2026")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Collective Leadership Strategy 2026-2031").click()
    page.get_by_role("link", name="Leadership demand and supply", exact=True).click()

    expect(page.locator('[data-chart="chart-appointments-data"]')).to_have_attribute("data-rendered", "true")
    before_total = _frontline_external_total(page)
    before_chart = _chart_external_frontline(page)
    assert before_total > 0 and len(before_chart) == 5
    screenshot(page, "forecast-before")

    page.get_by_role("link", name="Leaver, promotion and internal-fill rates by level").click()
    rate = page.get_by_label("Frontline leaders: leaver rate (%)")
    old_rate = float(rate.input_value())
    rate.fill(str(old_rate + 5))
    page.get_by_role("button", name="Save and see the forecast").click()

    expect(page.locator(".app-flash")).to_contain_text("Level assumptions of 'Baseline' saved")
    expect(page.locator('[data-chart="chart-appointments-data"]')).to_have_attribute("data-rendered", "true")
    after_total = _frontline_external_total(page)
    after_chart = _chart_external_frontline(page)
    assert after_total > before_total
    assert all(a > b for a, b in zip(after_chart, before_chart, strict=True))
    screenshot(page, "forecast-after")

    # A rate the model refuses is explained beside the field, and nothing changes.
    page.get_by_role("link", name="Leaver, promotion and internal-fill rates by level").click()
    page.get_by_label("Frontline leaders: leaver rate (%)").fill("140")
    page.get_by_role("button", name="Save and see the forecast").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Frontline leaders")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("140% is outside 0% to 100%")
    page.locator(".nhsuk-breadcrumb").get_by_role("link", name="Forecast").click()
    assert _frontline_external_total(page) == after_total
