"""The board cover sheet on the Approve step: the form (editors and admins only), its errors inline
and in the summary with what was typed kept, hostile text escaped, the values on the Approve step,
and every field on the Cover sheet of the pack downloaded from the page."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlmodel import Session, select

from planner.models import BoardCover, Organisation, Strategy
from planner.services.board_cover import cover_of
from planner.services.scenarios import scenario_from_data
from tests import factories
from tests.conftest import login
from tests.editing import post_form

FORM: dict[str, str] = {
    "meeting": "People Committee",
    "meeting_date": "2027-03-12",
    "agenda_item": "7.2",
    "part": "2",
    "purpose": "assurance",
    "executive_lead": "Jo Patel, Chief People Officer",
    "author": "Sam Okafor, Head of Leadership Development",
    "recommendation": "The Committee is asked to take assurance from the strategy.",
    "executive_summary": "We need more leaders who reflect our communities.\nThis strategy says how.",
    "strategic_objectives": "Our people\nOur patients",
    "baf_risks": "BAF 3: Workforce supply\nBAF 7: Leadership capacity",
    "impact_equality": "More Black and minority ethnic leaders in senior roles.",
    "impact_quality": "Better-led teams give safer care.",
    "impact_finance": "£120,000 a year from the education budget.",
    "impact_workforce": "Two hundred leaders developed over five years.",
    "impact_sustainability": "Courses online where possible.",
    "considered_by_1": "Executive Team", "considered_on_1": "2027-02-20",
    "considered_by_2": "Audit Committee", "considered_on_2": "2027-01-15",
    "considered_by_3": "", "considered_on_3": "",
    "considered_by_4": "", "considered_on_4": "",
    "considered_by_5": "", "considered_on_5": "",
}


@pytest.fixture
def plan(db: Session, org: Organisation) -> Strategy:
    strategy = factories.make_strategy(db, org, title="Leadership for All")
    surgery = factories.make_area(db, strategy, "SURG", "Surgery")
    factories.set_baseline(db, strategy, surgery, staff=400, fte=380.0, senior=3, middle=12, frontline=40)
    scenario_from_data(session=db, strategy=strategy, actor=None, data={
        "name": "Baseline", "areas": {"SURG": {"staff_growth": 0.02, "span": {"frontline": 10}}}})
    return strategy


def _url(plan: Strategy) -> str:
    return f"/strategies/{plan.id}/approve/cover"


def _post(client, plan: Strategy, **changes: str):  # type: ignore[no-untyped-def]
    return post_form(client, _url(plan), data={**FORM, **changes})


def _title(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match
    return match.group(1).strip()


def test_an_editor_sees_the_form_with_the_defaults(client, signed_in, plan: Strategy) -> None:
    signed_in("editor")
    response = client.get(_url(plan))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _title(page).startswith("Board cover sheet")
    assert 'name="meeting" type="text" value="Board"' in page
    assert "Board, or a committee such as the People Committee." in page
    assert re.search(r'id="part" name="part" type="radio" value="1" checked', page)
    assert re.search(r'id="purpose" name="purpose" type="radio" value="approval" checked', page)


def test_an_editor_saves_the_cover_and_the_approve_step_shows_it(client, signed_in, db: Session,
                                                                plan: Strategy) -> None:
    signed_in("editor")
    response = _post(client, plan)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/strategies/{plan.id}/approve#cover-sheet")
    stored = cover_of(db, plan)
    assert stored is not None and stored.meeting == "People Committee" and stored.part == "2"
    page = client.get(f"/strategies/{plan.id}/approve").get_data(as_text=True)
    summary = page[page.index('id="cover-summary"'):]
    summary = summary[:summary.index("</dl>")]
    for shown in ("People Committee", "12 March 2027", "7.2", "Part 2 (private)", "For assurance",
                  "Jo Patel, Chief People Officer", "Sam Okafor, Head of Leadership Development",
                  "The Committee is asked to take assurance from the strategy.",
                  "We need more leaders who reflect our communities.<br>This strategy says how.",
                  "<li>Our people</li>", "<li>BAF 7: Leadership capacity</li>",
                  "More Black and minority ethnic leaders in senior roles.", "£120,000 a year",
                  "Executive Team, 20 February 2027", "Audit Committee, 15 January 2027"):
        assert shown in summary, shown
    assert f'href="/strategies/{plan.id}/approve/cover#recommendation"' in summary
    assert "Change<span class=\"nhsuk-u-visually-hidden\"> recommendation</span>" in summary
    # The form opens with what was saved.
    form = client.get(_url(plan)).get_data(as_text=True)
    assert 'value="People Committee"' in form and 'value="2" checked' in form
    assert "BAF 3: Workforce supply\nBAF 7: Leadership capacity</textarea>" in form
    assert 'name="considered_by_2" type="text" value="Audit Committee"' in form


def test_a_viewer_reads_the_cover_on_the_approve_step_but_cannot_change_it(client, signed_in, db: Session,
                                                                          plan: Strategy) -> None:
    signed_in("viewer")
    assert client.get(_url(plan)).status_code == 403
    assert _post(client, plan).status_code == 403
    assert cover_of(db, plan) is None
    page = client.get(f"/strategies/{plan.id}/approve").get_data(as_text=True)
    assert 'id="cover-summary"' in page and "It has not been filled in yet" in page
    assert "/approve/cover" not in page


@pytest.mark.parametrize("role", ["planner", "contributor"])
def test_only_editors_and_admins_change_the_cover(client, signed_in, plan: Strategy, role: str) -> None:
    signed_in(role)
    assert _post(client, plan).status_code == 403


def test_errors_show_inline_and_in_the_summary_and_keep_what_was_typed(client, signed_in, db: Session,
                                                                      plan: Strategy) -> None:
    signed_in("admin")
    too_long = "r" * 2001
    response = _post(client, plan, meeting_date="next Tuesday", recommendation=too_long, considered_on_1="",
                     meeting="Finance & Performance Committee")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _title(page).startswith("Error: Board cover sheet")
    assert "There is a problem" in page
    for field, message in (("meeting_date", "Enter the meeting date as a real date, for example 2027-03-12"),
                           ("recommendation", "The recommendation must be 2,000 characters or fewer (it has 2,001)"),
                           ("considered_on_1", "Enter the date Executive Team considered the paper")):
        assert f'<a href="#{field}">{message}' in page, field
        inline = rf'id="{field}-error"><span class="nhsuk-u-visually-hidden">Error:</span> {re.escape(message)}'
        assert re.search(inline, page), field
    assert 'value="next Tuesday"' in page and f"{too_long}</textarea>" in page
    assert 'value="Finance &amp; Performance Committee"' in page and 'value="2" checked' in page
    assert cover_of(db, plan) is None


def test_hostile_text_is_stored_as_text_and_escaped_on_display(client, signed_in, db: Session,
                                                               plan: Strategy) -> None:
    signed_in("editor")
    hostile = '<script>alert("x")</script>'
    response = _post(client, plan, executive_lead=hostile, recommendation=f"{hostile}\x07 =HYPERLINK(\"http://x\")")
    assert response.status_code == 302
    stored = cover_of(db, plan)
    assert stored is not None and stored.executive_lead == hostile
    assert stored.recommendation == f'{hostile} =HYPERLINK("http://x")'
    for path in (f"/strategies/{plan.id}/approve", _url(plan)):
        page = client.get(path).get_data(as_text=True)
        assert hostile not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, path
    workbook = load_workbook(io.BytesIO(client.get(f"/strategies/{plan.id}/pack.xlsx").data))
    cells = {r[0].value: r[1] for r in workbook["Cover"].iter_rows(min_row=8, max_col=2) if r[0].value}
    assert cells["Executive lead"].value == hostile and cells["Recommendation"].data_type == "s"


def test_the_downloaded_pack_has_every_field_set_on_the_page(client, signed_in, plan: Strategy) -> None:
    user = signed_in("editor")
    assert _post(client, plan).status_code == 302
    response = client.get(f"/strategies/{plan.id}/pack.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data))["Cover"]
    cover: dict[str, Any] = {r[0]: r[1] for r in ws.iter_rows(min_row=8, max_col=2, values_only=True) if r[0]}
    text = "\n".join(str(v) for v in cover.values() if v)
    expected = {
        "Meeting": "People Committee", "Date of meeting": "12 March 2027", "Agenda item": "7.2",
        "Part": "Part 2 (private)", "Strategy": "Leadership for All", "Purpose": "For assurance",
        "Executive lead": FORM["executive_lead"], "Author": FORM["author"], "Prepared by": user.display_name,
        "Recommendation": FORM["recommendation"], "Executive summary": FORM["executive_summary"],
        "Links to strategic objectives": FORM["strategic_objectives"],
        "Board Assurance Framework (BAF) risks": FORM["baf_risks"],
        "Equality impact": FORM["impact_equality"], "Quality impact": FORM["impact_quality"],
        "Financial impact": FORM["impact_finance"], "Workforce impact": FORM["impact_workforce"],
        "Sustainability impact": FORM["impact_sustainability"],
        "Previously considered by": "Executive Team, 20 February 2027\nAudit Committee, 15 January 2027",
    }
    assert {label: cover.get(label) for label in expected} == expected
    for name, value in FORM.items():
        if value and name not in ("part", "purpose", "meeting_date") and not name.startswith("considered_on"):
            assert value in text, name


def test_the_form_works_with_csrf_on(csrf_app: Flask, db: Session, org: Organisation, plan: Strategy) -> None:
    client = csrf_app.test_client()
    editor = factories.make_member(db, org, role="editor")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert token
    client.post("/login", data={"email": editor.email, "password": factories.PASSWORD, "csrf_token": token.group(1)})
    assert _post(client, plan).status_code == 400  # no token: refused
    form = client.get(_url(plan)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form)
    assert token
    assert _post(client, plan, csrf_token=token.group(1)).status_code == 302
    assert len(db.exec(select(BoardCover)).all()) == 1


def test_another_organisations_strategy_answers_404(client, db: Session, plan: Strategy) -> None:
    theirs = factories.make_org(db, slug="theirs")
    me = factories.make_member(db, theirs, role="admin")
    login(client, me.email)
    assert client.get(_url(plan)).status_code == 404
    assert _post(client, plan).status_code == 404
    assert cover_of(db, plan) is None
