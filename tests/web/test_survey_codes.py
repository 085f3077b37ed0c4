"""Surveys by invitation (issue 15): personal single-use codes issued as a mail-merge list or printed
slips and kept only as hashes; a code answers once and is never tied to its answers; the open link
refuses; results wait for the closing and need five different codes. The subtraction attack of the
issue is replayed against both modes: it recovers nothing from an invitation survey, and the open
link's weaker defence is shown for what it is."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.cli import main
from planner.models import AuditEvent, Survey, SurveyAnswer, SurveyCode, SurveyResponse
from planner.services import survey_codes
from planner.services import surveys as service
from planner.survey.scoring import Response
from tests import factories
from tests.conftest import login
from tests.web.test_survey_pages import (
    answer,
    base,
    count,
    everything_stored,
    set_status,
    survey_row,
    tables,
    text,
    thanked,
)

CODE = re.compile(r"^[A-HJKMNP-Z2-9]{5}(-[A-HJKMNP-Z2-9]{5}){3}$")
VICTIM = {"group": "board", "cv1": "2", "cv2": "2", "of1": "2"}
FAKE = {"group": "board", "cv1": "5", "cv2": "5", "of1": "5"}


@pytest.fixture
def manager(client: FlaskClient, signed_in) -> FlaskClient:
    signed_in("editor")
    return client


@pytest.fixture
def viewer(app: Flask, db: Session, org) -> FlaskClient:  # type: ignore[no-untyped-def]
    reader = app.test_client()
    login(reader, factories.make_member(db, org, role="viewer").email)
    return reader


def create(client: FlaskClient, strategy, mode: str = "invitation", **extra: str) -> int:  # type: ignore[no-untyped-def]
    response = client.post(base(strategy), data={"name": "Spring 2027", "closes_on": "", "mode": mode, **extra})
    assert response.status_code == 302, text(response)[:500]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def issue(client: FlaskClient, strategy, survey_id: int, how_many: int | str, output: str = "csv"):  # type: ignore[no-untyped-def]
    return client.post(f"{base(strategy)}/{survey_id}/codes", data={"count": str(how_many), "output": output})


def issued(client: FlaskClient, strategy, survey_id: int, how_many: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(code, personal link) of each code issued as a mail-merge CSV."""
    response = issue(client, strategy, survey_id, how_many)
    assert response.status_code == 200 and response.mimetype == "text/csv", text(response)[:500]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["code", "link"]
    return [(row[0], row[1]) for row in rows[1:]]


@pytest.fixture
def invited(manager: FlaskClient, db: Session, strategy) -> tuple[int, str, list[str]]:  # type: ignore[no-untyped-def]
    """An open invitation survey with eight codes: its id, its token and the codes."""
    survey_id = create(manager, strategy)
    codes = [code for code, _link in issued(manager, strategy, survey_id, 8)]
    assert set_status(manager, strategy, survey_id, "open").status_code == 302
    return survey_id, survey_row(db, survey_id)[2], codes


def with_code(app: Flask, token: str, code: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    """An answer from a fresh browser (its own cookie jar) with an invitation code."""
    return answer(app.test_client(), token, {**data, "code": code})


def close(db: Session, survey_id: int) -> None:
    survey = db.get(Survey, survey_id)
    assert survey is not None
    survey.status = "closed"
    db.add(survey)
    db.commit()


# --- issuing codes ---------------------------------------------------------------------------------

def test_codes_come_once_as_a_mail_merge_list_and_only_their_hashes_are_kept(
        app: Flask, manager: FlaskClient, db: Session, strategy) -> None:
    survey_id = create(manager, strategy)
    token = survey_row(db, survey_id)[2]
    response = issue(manager, strategy, survey_id, 25)
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename="survey-{survey_id}-invitation-codes.csv"' in response.headers["Content-Disposition"]
    rows = issued(manager, strategy, survey_id, 5)  # a second batch adds to the first
    rows += list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:]  # type: ignore[arg-type]
    codes = [code for code, _link in rows]
    assert len(codes) == len(set(codes)) == 30 and all(CODE.match(c) for c in codes)
    for code, link in rows:
        assert link == f"http://localhost/s/{token}?code={code}"
    db.expire_all()
    kept = db.exec(select(SurveyCode).where(SurveyCode.survey_id == survey_id)).all()
    assert sorted(c.code_hash for c in kept) == sorted(
        hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes)
    assert not any(c.used for c in kept)
    # The plain codes are nowhere: not in any table, not in the audit trail.
    dump = everything_stored(db)
    assert not any(code in dump or code.replace("-", "") in dump for code in codes)
    events = db.exec(select(AuditEvent).where(AuditEvent.entity == "survey_codes")).all()
    assert sorted(e.changes for e in events) == ['{"codes": 25}', '{"codes": 5}']
    # Nothing on the survey's page or the codes page shows a code again.
    for page in (f"{base(strategy)}/{survey_id}", f"{base(strategy)}/{survey_id}/codes"):
        shown = manager.get(page).get_data(as_text=True)
        assert not any(code in shown for code in codes)
    assert "30 issued, 0 used" in text(manager.get(f"{base(strategy)}/{survey_id}"))


def test_codes_can_be_printed_as_slips(manager: FlaskClient, db: Session, strategy) -> None:
    survey_id = create(manager, strategy)
    token = survey_row(db, survey_id)[2]
    response = issue(manager, strategy, survey_id, 12, output="print")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    slips = re.findall(r'<p class="app-slip__code[^"]*">([^<]+)</p>\s*<p class="app-slip__link[^"]*">([^<]+)</p>',
                       page)
    assert len(slips) == 12 and all(CODE.match(code) for code, _ in slips)
    assert all(link == f"http://localhost/s/{token}?code={code}" for code, link in slips)
    assert count(db, SurveyCode, SurveyCode.survey_id == survey_id) == 12


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"count": "", "output": "csv"}, "count", "Enter how many codes to issue as a whole number"),
    ({"count": "forty", "output": "csv"}, "count", "Enter how many codes to issue as a whole number"),
    ({"count": "-3", "output": "csv"}, "count", "Enter how many codes to issue as a whole number"),
    ({"count": "0", "output": "csv"}, "count", "Enter a number of codes from 1 to 2,000"),
    ({"count": "2001", "output": "print"}, "count", "Enter a number of codes from 1 to 2,000"),
    ({"count": "10"}, "output", "Choose a list for a mail-merge or slips to print"),
    ({"count": "10", "output": "pdf"}, "output", "Choose a list for a mail-merge or slips to print"),
])
def test_a_refused_issue_says_why_and_issues_nothing(manager: FlaskClient, db: Session, strategy,
                                                     data: dict[str, str], field: str, message: str) -> None:
    survey_id = create(manager, strategy)
    response = manager.post(f"{base(strategy)}/{survey_id}/codes", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in text(response)
    assert "<title>Error: " in page and f'href="#{field}"' in page and f'id="{field}-error"' in page
    assert count(db, SurveyCode) == 0


def test_an_open_link_survey_or_a_closed_one_issues_no_codes(manager: FlaskClient, db: Session, strategy) -> None:
    open_link = create(manager, strategy, mode="open")
    refused = issue(manager, strategy, open_link, 5)
    assert refused.status_code == 400 and "invitation codes are for invitation surveys" in text(refused)
    invitation = create(manager, strategy)
    close(db, invitation)
    refused = issue(manager, strategy, invitation, 5)
    assert refused.status_code == 400 and "This survey has closed" in text(refused)
    assert count(db, SurveyCode) == 0


def test_only_those_who_run_surveys_issue_codes(app: Flask, manager: FlaskClient, db: Session, strategy,
                                                viewer: FlaskClient) -> None:
    survey_id = create(manager, strategy)
    assert viewer.get(f"{base(strategy)}/{survey_id}/codes").status_code == 403
    assert issue(viewer, strategy, survey_id, 5).status_code == 403
    assert app.test_client().post(f"{base(strategy)}/{survey_id}/codes",
                                  data={"count": "5", "output": "csv"}).status_code in (302, 401)
    assert count(db, SurveyCode) == 0
    assert "Issue invitation codes" not in text(viewer.get(f"{base(strategy)}/{survey_id}"))


@pytest.mark.parametrize(("mode", "message"), [("", "Choose who can answer"), ("everyone", "Choose who can answer")])
def test_a_survey_needs_a_known_mode(manager: FlaskClient, db: Session, strategy, mode: str, message: str) -> None:
    response = manager.post(base(strategy), data={"name": "Spring", "closes_on": "", "mode": mode})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in text(response) and 'id="mode-error"' in page
    assert count(db, Survey) == 0


# --- answering with a code -------------------------------------------------------------------------

def test_a_code_answers_once_and_nothing_ties_it_to_the_answers(app: Flask, db: Session,
                                                               invited: tuple[int, str, list[str]]) -> None:
    survey_id, token, codes = invited
    form = app.test_client().get(f"/s/{token}?code={codes[0]}")
    assert form.status_code == 200 and f'value="{codes[0]}"' in form.get_data(as_text=True)
    assert thanked(with_code(app, token, codes[0], {"group": "middle", "cv1": "4"}))
    db.expire_all()
    response = db.exec(select(SurveyResponse)).one()
    assert (response.survey_id, response.group_key, response.source) == (survey_id, "middle", "code")
    used = db.exec(select(SurveyCode).where(SurveyCode.used == True)).all()  # noqa: E712
    assert len(used) == 1 and used[0].code_hash == hashlib.sha256(codes[0].replace("-", "").encode()).hexdigest()
    # No column could hold the link, or a time to match one by.
    assert set(SurveyCode.__table__.columns.keys()) == {"id", "organisation_id", "survey_id", "code_hash", "used"}
    assert set(SurveyResponse.__table__.columns.keys()) == {"id", "organisation_id", "survey_id", "group_key",
                                                            "source"}

    # The same code again, from the same or a fresh browser: refused, nothing stored.
    again = with_code(app, token, codes[0], {"group": "board", "cv1": "1"})
    assert again.status_code == 409 and "This invitation code has already been used" in text(again)
    assert count(db, SurveyResponse) == 1 and count(db, SurveyAnswer, SurveyAnswer.value == 1) == 0
    # A used code is said at once when its personal link is opened.
    opened = app.test_client().get(f"/s/{token}?code={codes[0]}")
    assert opened.status_code == 409 and "This invitation code has already been used" in text(opened)
    assert "<title>Error: " in opened.get_data(as_text=True)


def test_codes_are_read_whatever_the_case_spaces_or_hyphens(app: Flask, db: Session,
                                                           invited: tuple[int, str, list[str]]) -> None:
    _survey_id, token, codes = invited
    typed = " ".join(codes[1].replace("-", "").lower()[i:i + 4] for i in range(0, 20, 4))
    assert thanked(with_code(app, token, typed, {"group": "board", "cv1": "3"}))
    assert with_code(app, token, codes[1], {"group": "board", "cv1": "3"}).status_code == 409
    assert count(db, SurveyResponse) == 1


@pytest.mark.parametrize(("code", "status", "message"), [
    ("", 400, "Enter the invitation code from your invitation"),
    ("ABCDE-FGHJK-MNPQR-STUVW", 404, "We do not recognise this invitation code"),
    ("x" * 5000, 404, "We do not recognise this invitation code"),
    ("'; DROP TABLE surveycode; --", 404, "We do not recognise this invitation code"),
])
def test_an_unknown_or_missing_code_is_refused_and_nothing_stored(app: Flask, db: Session, code: str, status: int,
                                                                 message: str,
                                                                 invited: tuple[int, str, list[str]]) -> None:
    _survey_id, token, _codes = invited
    refused = with_code(app, token, code, {"group": "board", "cv1": "4"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == status and message in text(refused)
    assert "<title>Error: " in page and 'href="#code"' in page and 'id="code-error"' in page
    assert 'value="4" checked' in page  # the answers are kept for a second try
    assert count(db, SurveyResponse) == 0 and count(db, SurveyCode, SurveyCode.used == True) == 0  # noqa: E712


def test_a_code_of_another_survey_is_not_recognised(app: Flask, manager: FlaskClient, db: Session, strategy,
                                                   invited: tuple[int, str, list[str]]) -> None:
    _survey_id, token, _codes = invited
    other = create(manager, strategy)
    (theirs, _link), = issued(manager, strategy, other, 1)
    refused = with_code(app, token, theirs, {"group": "board", "cv1": "4"})
    assert refused.status_code == 404 and "We do not recognise this invitation code" in text(refused)
    assert count(db, SurveyResponse) == 0 and count(db, SurveyCode, SurveyCode.used == True) == 0  # noqa: E712


def test_a_bad_answer_does_not_use_up_the_code(app: Flask, db: Session,
                                               invited: tuple[int, str, list[str]]) -> None:
    _survey_id, token, codes = invited
    refused = with_code(app, token, codes[2], {"cv1": "4"})  # no group
    assert refused.status_code == 400 and "Choose the group you belong to" in text(refused)
    assert count(db, SurveyCode, SurveyCode.used == True) == 0  # noqa: E712
    assert thanked(with_code(app, token, codes[2], {"group": "senior", "cv1": "4"}))


def test_the_open_link_of_an_invitation_survey_takes_no_answers(app: Flask, db: Session,
                                                                invited: tuple[int, str, list[str]]) -> None:
    _survey_id, token, _codes = invited
    page = app.test_client().get(f"/s/{token}")
    assert page.status_code == 200 and 'name="code"' in page.get_data(as_text=True)
    for _ in range(3):
        refused = answer(app.test_client(), token, {"group": "board", "cv1": "5"})
        assert refused.status_code == 400 and "Enter the invitation code" in text(refused)
    assert count(db, SurveyResponse) == 0


def test_two_answers_sent_at_once_with_one_code_cannot_both_get_in(db: Session, strategy,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    survey = service.create_survey(session=db, strategy=strategy, name="Race", closes_on=None, actor=None,
                                   mode="invitation")
    (code,) = survey_codes.issue_codes(session=db, survey=survey, count=1, actor=None)
    survey_codes.spend_code(db, survey, code)
    db.commit()
    # Both requests passed the check before either wrote: only the conditional update stands between them.
    monkeypatch.setattr(survey_codes, "check_code", lambda *args: None)
    with pytest.raises(survey_codes.CodeRefused, match="already been used"):
        survey_codes.spend_code(db, survey, code)


def test_responses_keep_no_order_of_arrival(app: Flask, db: Session, invited: tuple[int, str, list[str]]) -> None:
    """Ids counted up would keep the order answers came in: matched with the order codes were seen used
    (a web server's log), that would tie answers to people. Each id is drawn at random instead."""
    _survey_id, token, codes = invited
    for code in codes:
        assert thanked(with_code(app, token, code, {"group": "board", "cv1": "4", "cv2": "3"}))
    db.expire_all()
    ids = [r.id for r in db.exec(select(SurveyResponse))]
    answer_ids = [a.id for a in db.exec(select(SurveyAnswer))]
    assert len(ids) == 8
    # In order of arrival, counted-up ids would be 1..n (or n consecutive numbers): these are spread wide.
    assert max(ids) - min(ids) > 1000 * len(ids) and max(answer_ids) - min(answer_ids) > 1000 * len(answer_ids)


# --- results of an invitation survey ---------------------------------------------------------------

def results_shown(reader: FlaskClient, strategy, survey_id: int) -> bool:  # type: ignore[no-untyped-def]
    page = reader.get(f"{base(strategy)}/{survey_id}")
    api = reader.get(f"/api/v1/strategies/{strategy.id}/surveys/{survey_id}/results").get_json()
    on_page = bool(set(tables(page)) & {"dimension-results", "item-results", "group-results"})
    assert on_page == api["enough"]
    return on_page


def test_the_subtraction_attack_recovers_nothing_from_an_invitation_survey(
        app: Flask, manager: FlaskClient, db: Session, strategy, viewer: FlaskClient,
        invited: tuple[int, str, list[str]]) -> None:
    """Issue 15's attack: the victim answers, the attacker posts four more answers of all 5s from fresh
    cookie jars, and reads the results as a viewer (n = 5, mean 4.4, so the victim's answer is 5 x 4.4 - 20)."""
    survey_id, token, codes = invited
    victim_code, attacker_code = codes[0], codes[1]
    assert thanked(with_code(app, token, victim_code, VICTIM))
    # Four answers from fresh cookie jars: with no code, a made-up one, the victim's (used), and the
    # attacker's own code four times (once is all it gives).
    attempts = [answer(app.test_client(), token, FAKE),
                with_code(app, token, "ABCDE-FGHJK-MNPQR-STUVW", FAKE),
                with_code(app, token, victim_code, FAKE)]
    attempts += [with_code(app, token, attacker_code, FAKE) for _ in range(4)]
    assert [r.status_code for r in attempts] == [400, 404, 409, 200, 409, 409, 409]
    assert count(db, SurveyResponse) == 2
    # While it is open nothing is shown, so no one can compare before and after someone answers ...
    assert not results_shown(viewer, strategy, survey_id)
    assert "Results appear once the survey has closed" in text(viewer.get(f"{base(strategy)}/{survey_id}"))
    # ... and once it has closed, two codes are not five people: still nothing.
    close(db, survey_id)
    assert not results_shown(viewer, strategy, survey_id)
    page = viewer.get(f"{base(strategy)}/{survey_id}")
    assert "at least 5 people have answered with their own invitation codes" in text(page)
    assert "4.40" not in text(page) and "2.00" not in text(page) and "3.50" not in text(page)
    # The charts and the board pack ask the same rule: no radar to download either.
    assert viewer.get(f"/strategies/{strategy.id}/charts/survey-{survey_id}.html").status_code == 404


def test_imported_responses_cannot_make_up_the_five(app: Flask, manager: FlaskClient, db: Session, strategy,
                                                   viewer: FlaskClient,
                                                   invited: tuple[int, str, list[str]]) -> None:
    """Whoever runs the survey can import responses collected elsewhere, but they are not distinct codes:
    four made-up imports beside the victim's answer show nothing, and cannot bring a small group into view."""
    survey_id, token, codes = invited
    assert thanked(with_code(app, token, codes[0], VICTIM))
    survey = db.get(Survey, survey_id)
    service.import_responses(session=db, survey=survey, actor=None,  # type: ignore[arg-type]
                             responses=[Response("board", {"cv1": 5, "cv2": 5, "of1": 5})] * 4)
    close(db, survey_id)
    assert not results_shown(viewer, strategy, survey_id)


def test_a_small_group_padded_by_imports_stays_hidden(app: Flask, db: Session, strategy, viewer: FlaskClient,
                                                     manager: FlaskClient) -> None:
    survey_id = create(manager, strategy)
    codes = [c for c, _ in issued(manager, strategy, survey_id, 7)]
    assert set_status(manager, strategy, survey_id, "open").status_code == 302
    token = survey_row(db, survey_id)[2]
    for code in codes[:6]:
        assert thanked(with_code(app, token, code, {"group": "frontline", "cv1": "3"}))
    assert thanked(with_code(app, token, codes[6], VICTIM))  # the only board member
    survey = db.get(Survey, survey_id)
    service.import_responses(session=db, survey=survey, actor=None,  # type: ignore[arg-type]
                             responses=[Response("board", {"cv1": 5, "cv2": 5, "of1": 5})] * 4)
    close(db, survey_id)
    page = viewer.get(f"{base(strategy)}/{survey_id}")
    assert results_shown(viewer, strategy, survey_id)  # seven codes: the totals are shown
    groups = [row[0] for row in tables(page).get("group-results", [])]
    assert "Board members" not in groups  # one code and four imports are not a group of five


def test_five_codes_show_results_once_closed_and_it_cannot_be_reopened(
        app: Flask, manager: FlaskClient, db: Session, strategy, viewer: FlaskClient,
        invited: tuple[int, str, list[str]]) -> None:
    survey_id, token, codes = invited
    for code, value in zip(codes[:5], "54345", strict=True):
        assert thanked(with_code(app, token, code, {"group": "frontline", "cv1": value}))
    assert not results_shown(viewer, strategy, survey_id)
    assert set_status(manager, strategy, survey_id, "closed").status_code == 302
    assert results_shown(viewer, strategy, survey_id)
    assert tables(viewer.get(f"{base(strategy)}/{survey_id}"))["item-results"][0][1] == "4.20"
    # Reopening (or going back to a draft) would let a sixth answer be worked out from before and after.
    shown = manager.get(f"{base(strategy)}/{survey_id}")
    assert "Reopen the survey" not in text(shown)
    for wanted in ("open", "draft"):
        refused = set_status(manager, strategy, survey_id, wanted)
        assert "cannot be reopened once it has closed" in text(manager.get(refused.headers["Location"]))
        assert survey_row(db, survey_id)[0] == "closed"
    late = with_code(app, token, codes[5], {"group": "frontline", "cv1": "1"})
    assert "This survey is closed" in text(late) and count(db, SurveyResponse) == 5


def test_an_invitation_survey_past_its_closing_date_shows_results_and_stays_closed(
        app: Flask, manager: FlaskClient, db: Session, org, strategy, viewer: FlaskClient,
        invited: tuple[int, str, list[str]]) -> None:
    survey_id, token, codes = invited
    for code in codes[:5]:
        assert thanked(with_code(app, token, code, {"group": "frontline", "cv1": "4"}))
    survey = db.get(Survey, survey_id)
    assert survey is not None
    survey.closes_on = date.today() - timedelta(days=1)
    db.add(survey)
    db.commit()
    assert results_shown(viewer, strategy, survey_id)
    with pytest.raises(service.ServiceError, match="cannot be reopened"):
        service.set_status(session=db, survey=survey, status="open", actor=factories.make_member(db, org),
                           closes_on=date.today() + timedelta(days=30))
    assert "Reopen the survey" not in text(manager.get(f"{base(strategy)}/{survey_id}"))


def test_an_open_invitation_survey_can_go_on_to_its_closing_date(db: Session, strategy, org) -> None:
    survey = service.create_survey(session=db, strategy=strategy, name="Longer", closes_on=date.today(), actor=None,
                                   mode="invitation")
    actor = factories.make_member(db, org)
    service.set_status(session=db, survey=survey, status="open", actor=actor)
    service.set_status(session=db, survey=survey, status="open", actor=actor,
                       closes_on=date.today() + timedelta(days=7))  # still taking answers: no results shown yet
    assert survey.closes_on == date.today() + timedelta(days=7)
    with pytest.raises(service.ServiceError, match="cannot be reopened"):
        service.set_status(session=db, survey=survey, status="draft", actor=actor)


# --- the open link's weaker defence --------------------------------------------------------------

def test_open_link_results_say_plainly_that_they_are_weaker(manager: FlaskClient, db: Session, strategy,
                                                            viewer: FlaskClient) -> None:
    open_link = create(manager, strategy, mode="open")
    invitation = create(manager, strategy)
    page = text(viewer.get(f"{base(strategy)}/{open_link}"))
    assert "Open-link results are weaker" in page and "can answer more than once" in page
    assert "Anyone with the link (an open link)" in page
    listed = viewer.get(f"/api/v1/strategies/{strategy.id}/surveys").get_json()["surveys"]
    assert {s["id"]: s["mode"] for s in listed} == {open_link: "open", invitation: "invitation"}
    assert "Open-link results are weaker" not in text(viewer.get(f"{base(strategy)}/{invitation}"))


def test_the_open_link_defence_is_one_answer_per_browser_and_no_more(
        app: Flask, manager: FlaskClient, db: Session, strategy, viewer: FlaskClient) -> None:
    """What the open link does and does not stop, stated as it is: the same browser is refused a second
    time, but four fresh cookie jars get in, and the subtraction works. That is why the page says the
    results are weaker, the form offers invitation codes first, and the docs send anything that matters
    there. (Flask-Limiter, added on another branch, bounds how fast answers can be sent.)"""
    survey_id = create(manager, strategy, mode="open")
    assert set_status(manager, strategy, survey_id, "open").status_code == 302
    token = survey_row(db, survey_id)[2]
    victim = app.test_client()
    assert thanked(answer(victim, token, VICTIM))
    assert "You have already answered" in text(answer(victim, token, FAKE))
    for _ in range(4):
        assert thanked(answer(app.test_client(), token, FAKE))
    api = viewer.get(f"/api/v1/strategies/{strategy.id}/surveys/{survey_id}/results").get_json()
    cv1 = next(i for i in api["items"] if i["key"] == "cv1")
    assert (cv1["n"], cv1["mean"]) == (5, pytest.approx(4.4))
    assert round(5 * cv1["mean"] - 4 * 5) == 2  # the victim's answer: the open link cannot stop this
    assert "Open-link results are weaker" in text(viewer.get(f"{base(strategy)}/{survey_id}"))


# --- the command line ------------------------------------------------------------------------------

@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, db: Session):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("PLANNER_BASE_URL", raising=False)

    def run(*args: object):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, [str(a) for a in args])

    return run


def test_survey_codes_writes_a_mail_merge_file_once(cli, db: Session, strategy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    created = cli("create-survey", "--strategy", strategy.id, "--name", "By invitation", "--invitation")
    assert created.exit_code == 0, created.output
    survey_id = int(created.output)
    survey = db.get(Survey, survey_id)
    assert survey is not None and survey.mode == "invitation"
    out = tmp_path / "codes.csv"
    done = cli("survey-codes", "--strategy", strategy.id, "--survey", survey_id, "--count", 40, "-o", out,
               "--base-url", "https://planner.example.nhs.uk/")
    assert done.exit_code == 0, done.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["code", "link"] and len(rows) == 41
    assert all(CODE.match(code) and link == f"https://planner.example.nhs.uk/s/{survey.token}?code={code}"
               for code, link in rows[1:])
    assert count(db, SurveyCode, SurveyCode.survey_id == survey_id) == 40
    again = cli("survey-codes", "--strategy", strategy.id, "--survey", survey_id, "--count", 5, "-o", out,
                "--base-url", "https://planner.example.nhs.uk")
    assert again.exit_code == 2 and "already exists" in again.output
    assert count(db, SurveyCode, SurveyCode.survey_id == survey_id) == 40 and len(out.read_text().splitlines()) == 41


def test_survey_codes_to_standard_output(cli, db: Session, strategy, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    survey = service.create_survey(session=db, strategy=strategy, name="By invitation", closes_on=None, actor=None,
                                   mode="invitation")
    monkeypatch.setenv("PLANNER_BASE_URL", "https://planner.example.nhs.uk")
    done = cli("survey-codes", "--strategy", strategy.id, "--survey", survey.id, "--count", 3)
    assert done.exit_code == 0, done.output
    rows = list(csv.reader(io.StringIO(done.output)))
    assert rows[0] == ["code", "link"] and len(rows) == 4 and all(CODE.match(r[0]) for r in rows[1:])


@pytest.mark.parametrize(("mode", "args", "message"), [
    ("open", ["--count", "5", "--base-url", "https://p.example"], "invitation codes are for invitation surveys"),
    ("invitation", ["--count", "0", "--base-url", "https://p.example"], "Enter a number of codes from 1 to 2,000"),
    ("invitation", ["--count", "5"], "give --base-url"),
    ("invitation", ["--count", "5", "--base-url", "planner.example"], "give --base-url"),
])
def test_survey_codes_refuses_with_a_reason_and_issues_nothing(cli, db: Session, strategy, mode: str,  # type: ignore[no-untyped-def]
                                                              args: list[str], message: str) -> None:
    survey = service.create_survey(session=db, strategy=strategy, name="S", closes_on=None, actor=None, mode=mode)
    done = cli("survey-codes", "--strategy", strategy.id, "--survey", survey.id, *args)
    assert done.exit_code == 2 and message in done.output
    assert count(db, SurveyCode) == 0


def test_survey_codes_needs_the_strategys_own_survey(cli, db: Session, org, strategy) -> None:  # type: ignore[no-untyped-def]
    other = factories.make_strategy(db, org, title="Other")
    survey = service.create_survey(session=db, strategy=other, name="S", closes_on=None, actor=None,
                                   mode="invitation")
    done = cli("survey-codes", "--strategy", strategy.id, "--survey", survey.id, "--count", 5,
               "--base-url", "https://p.example")
    assert done.exit_code == 2 and f"has no survey with id {survey.id}" in done.output
    assert count(db, SurveyCode) == 0
