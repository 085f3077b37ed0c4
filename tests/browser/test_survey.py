"""Someone with the survey link answers the self-assessment in a browser, without an account."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from planner.models import SurveyAnswer, SurveyResponse
from planner.services.surveys import create_survey, items_of
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_answering_the_survey_through_its_link(page: Page, live_server: str, db, strategy) -> None:
    survey = create_survey(session=db, strategy=strategy, name="How we lead together", closes_on=None, actor=None)
    survey.status = "open"
    db.add(survey)
    db.commit()
    items = items_of(db, survey)

    page.goto(f"{live_server}/s/{survey.token}")
    expect(page.get_by_role("heading", name="How we lead together")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()  # nothing chosen
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose the group you belong to")

    page.get_by_label("Frontline staff").check()
    page.locator(f'input[name="{items[0].key}"][value="4"]').check()
    page.locator(f'input[name="{items[1].key}"][value="2"]').check()
    page.locator(f'input[name="{items[2].key}"][value="dk"]').check()
    screenshot(page, "survey-answer")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#thank-you")).to_contain_text("Thank you")

    db.expire_all()
    response = db.exec(select(SurveyResponse)).one()
    assert response.group_key == "frontline"
    stored = {a.item_key: a.value for a in db.exec(select(SurveyAnswer))}
    assert stored[items[0].key] == 4 and stored[items[1].key] == 2 and stored[items[2].key] is None

    page.goto(f"{live_server}/s/{survey.token}")  # the same browser cannot answer twice
    expect(page.get_by_role("heading", name="You have already answered")).to_be_visible()
