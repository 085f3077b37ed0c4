"""The Discover step through its pages: creating, opening and closing a survey, answering through the
anonymous link (what is stored, once per browser session, the closing date), the results against
the worked example of docs/self-assessment.md, the five-response rule, importing responses, and who
may do what. Figures are checked against calculations made here, not against the app's own code."""

from __future__ import annotations

import csv
import html
import io
import json
import random
import re
import statistics
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel, func, select

from planner.models import AuditEvent, Survey, SurveyAnswer, SurveyItem, SurveyResponse
from planner.services import surveys as service
from planner.survey.scoring import Response
from tests import factories
from tests.conftest import login

GROUP_NAMES = {"board": "Board members", "senior": "Senior leaders", "middle": "Middle leaders",
               "frontline": "Frontline staff", "patients": "Patient and public representatives",
               "partners": "Partner organisations"}


def instrument(repo_root: Path) -> dict[str, list[str]]:
    """Dimension key -> its item keys, in order, as data/survey/items.json holds them."""
    data = json.loads((repo_root / "data" / "survey" / "items.json").read_text(encoding="utf-8"))
    return {d["key"]: [i["key"] for i in d["items"]] for d in data["dimensions"]}


class _Page(HTMLParser):
    """Body rows of every table by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._body = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id") or ""
            self.tables.setdefault(self._table, [])
        elif tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._body = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(response) -> dict[str, list[list[str]]]:  # type: ignore[no-untyped-def]
    parsed = _Page()
    parsed.feed(response.get_data(as_text=True))
    return parsed.tables


def text(response) -> str:  # type: ignore[no-untyped-def]
    """What a reader sees: the page's text without its markup."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def everything_stored(db: Session) -> str:
    """Every row of every table, as text."""
    with db.get_bind().connect() as connection:
        return " ".join(str(row) for t in SQLModel.metadata.sorted_tables for row in connection.execute(t.select()))


def count(db: Session, model, *where) -> int:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()  # type: ignore[no-any-return]


def survey_row(db: Session, survey_id: int) -> tuple[str, date | None, str]:
    db.expire_all()
    return db.exec(select(Survey.status, Survey.closes_on, Survey.token).where(Survey.id == survey_id)).one()  # type: ignore[return-value]


def base(strategy) -> str:  # type: ignore[no-untyped-def]
    return f"/strategies/{strategy.id}/surveys"


def create(client: FlaskClient, db: Session, strategy, name: str = "Autumn 2026",  # type: ignore[no-untyped-def]
           closes_on: str = "") -> int:
    response = client.post(base(strategy), data={"name": name, "closes_on": closes_on})
    assert response.status_code == 302, text(response)[:500]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def set_status(client: FlaskClient, strategy, survey_id: int, status: str):  # type: ignore[no-untyped-def]
    return client.post(f"{base(strategy)}/{survey_id}/status", data={"status": status})


def thanked(response) -> bool:  # type: ignore[no-untyped-def]
    return 'id="thank-you"' in response.get_data(as_text=True)


def answer(client: FlaskClient, token: str, data: dict[str, str], **kwargs: Any):  # type: ignore[no-untyped-def]
    return client.post(f"/s/{token}", data=data, **kwargs)


@pytest.fixture
def manager(client: FlaskClient, signed_in) -> FlaskClient:
    signed_in("editor")
    return client


@pytest.fixture
def open_survey(manager: FlaskClient, db: Session, strategy) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    survey_id = create(manager, db, strategy)
    assert set_status(manager, strategy, survey_id, "open").status_code == 302
    return survey_id, survey_row(db, survey_id)[2]


def seed(db: Session, survey_id: int, responses: list[Response]) -> None:
    survey = db.get(Survey, survey_id)
    service.import_responses(session=db, survey=survey, responses=responses, actor=None)  # type: ignore[arg-type]


# --- creating, opening and closing -----------------------------------------------------------------

def test_a_new_survey_is_a_draft_with_the_instruments_statements(manager: FlaskClient, db: Session, strategy,
                                                                  repo_root: Path) -> None:
    survey_id = create(manager, db, strategy, name="Collective leadership, autumn 2026", closes_on="2026-12-31")
    status, closes_on, token = survey_row(db, survey_id)
    assert (status, closes_on) == ("draft", date(2026, 12, 31)) and len(token) >= 24
    shown = manager.get(f"{base(strategy)}/{survey_id}")
    assert "Status Draft, closes 31 December 2026" in text(shown)
    assert f"/s/{token}" in text(shown)
    assert tables(manager.get(base(strategy)))["survey-list"] == [
        ["Collective leadership, autumn 2026", "Draft", "31 December 2026"]]
    listed = manager.get(f"/api/v1/strategies/{strategy.id}/surveys").get_json()["surveys"]
    expected = [(key, dimension) for dimension, keys in instrument(repo_root).items() for key in keys]
    assert [(s["id"], s["status"]) for s in listed] == [(survey_id, "draft")]
    assert [(i["key"], i["dimension"]) for i in listed[0]["items"]] == expected
    assert len(expected) == 34
    fresh = manager.application.test_client()
    assert "This survey is closed" in text(fresh.get(f"/s/{token}"))  # a draft takes no answers


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"name": "  ", "closes_on": ""}, "name", "Enter a name for the survey"),
    ({"name": "Spring", "closes_on": "31/12/2026"}, "closes_on", "Enter the closing date as a date"),
    ({"name": "Spring", "closes_on": "2026-02-30"}, "closes_on", "Enter the closing date as a date"),
])
def test_a_survey_needs_a_name_and_a_real_closing_date(manager: FlaskClient, db: Session, strategy,
                                                       values: dict[str, str], field: str, message: str) -> None:
    response = manager.post(base(strategy), data=values)
    assert response.status_code == 400
    assert message in text(response) and f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(db, Survey) == 0 and count(db, SurveyItem) == 0


def test_opening_and_closing_decides_whether_the_link_takes_answers(manager: FlaskClient, db: Session, strategy,
                                                                    app: Flask) -> None:
    survey_id = create(manager, db, strategy)
    token = survey_row(db, survey_id)[2]
    respondent = app.test_client()
    steps = [("open", "open", "Send my answers"), ("closed", "closed", "This survey is closed"),
             ("open", "open", "Send my answers"), ("archived", "open", "Send my answers")]
    for wanted, stored, seen in steps:
        assert set_status(manager, strategy, survey_id, wanted).status_code == 302
        assert survey_row(db, survey_id)[0] == stored
        assert seen in text(respondent.get(f"/s/{token}"))
    assert set_status(manager, strategy, survey_id, "closed").status_code == 302
    refused = answer(respondent, token, {"group": "board", "cv1": "4"})
    assert "This survey is closed" in text(refused)
    assert count(db, SurveyResponse) == 0


# --- answering through the link --------------------------------------------------------------------

def test_the_link_works_without_signing_in_and_stores_only_the_group_and_answers(
        app: Flask, db: Session, open_survey: tuple[int, str], repo_root: Path) -> None:
    survey_id, token = open_survey
    respondent = app.test_client()  # never signed in
    form = respondent.get(f"/s/{token}")
    assert form.status_code == 200 and 'name="group"' in form.get_data(as_text=True)
    db.expire_all()
    before = {t.name: db.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}
    keys = [k for keys in instrument(repo_root).values() for k in keys]
    data = {"group": "middle", "cv1": "5", "cv2": "dk", "of1": "2", "sb5": "1"}
    done = answer(respondent, token, data, environ_base={"REMOTE_ADDR": "203.0.113.77"},
                  headers={"User-Agent": "Probe-Agent/9.9", "X-Forwarded-For": "198.51.100.23"})
    assert done.status_code == 200 and thanked(done)

    db.expire_all()
    after = {t.name: db.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}
    changed = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    assert changed == {"surveyresponse": 1, "surveyanswer": len(keys)}  # nothing else: no audit, no log
    response = db.exec(select(SurveyResponse)).one()
    assert (response.survey_id, response.group_key, response.source) == (survey_id, "middle", "link")
    stored = dict(db.exec(select(SurveyAnswer.item_key, SurveyAnswer.value)).all())
    assert stored == {k: {"cv1": 5, "of1": 2, "sb5": 1}.get(k) for k in keys}  # dk and blanks: no value
    # The tables have no place for a person, and nothing about this request was written anywhere.
    assert set(SurveyResponse.__table__.columns.keys()) == {"id", "organisation_id", "survey_id", "group_key",
                                                            "source"}
    assert set(SurveyAnswer.__table__.columns.keys()) == {"id", "organisation_id", "response_id", "item_key",
                                                          "value"}
    dump = everything_stored(db)
    for trace in ("203.0.113.77", "198.51.100.23", "Probe-Agent"):
        assert trace not in dump
    assert count(db, AuditEvent) == before["auditevent"]


def test_one_response_per_browser_session(app: Flask, db: Session, org, strategy,
                                           open_survey: tuple[int, str]) -> None:
    _survey_id, token = open_survey
    first = app.test_client()
    assert thanked(answer(first, token, {"group": "board", "cv1": "4"}))
    again = answer(first, token, {"group": "board", "cv1": "1"})
    assert "You have already answered" in text(again)
    assert "You have already answered" in text(first.get(f"/s/{token}"))
    assert count(db, SurveyResponse) == 1
    assert db.exec(select(SurveyAnswer.value).where(SurveyAnswer.item_key == "cv1")).all() == [4]
    second = app.test_client()
    assert thanked(answer(second, token, {"group": "frontline", "cv1": "2"}))
    assert count(db, SurveyResponse) == 2
    survey = service.create_survey(session=db, strategy=strategy, name="Another", closes_on=None, actor=None)
    service.set_status(session=db, survey=survey, status="open", actor=factories.make_member(db, org))
    assert thanked(answer(first, survey.token, {"group": "board", "cv1": "5"}))  # once per survey, not once ever
    assert count(db, SurveyResponse, SurveyResponse.survey_id == survey.id) == 1


@pytest.mark.parametrize(("closes_in_days", "accepting"), [(-1, False), (-30, False), (0, True), (1, True),
                                                           (None, True)])
def test_the_link_closes_after_the_closing_date(app: Flask, db: Session, open_survey: tuple[int, str],
                                                closes_in_days: int | None, accepting: bool) -> None:
    survey_id, token = open_survey
    survey = db.get(Survey, survey_id)
    assert survey is not None
    survey.closes_on = None if closes_in_days is None else date.today() + timedelta(days=closes_in_days)
    db.add(survey)
    db.commit()
    respondent = app.test_client()
    assert ("This survey is closed" in text(respondent.get(f"/s/{token}"))) is not accepting
    posted = answer(respondent, token, {"group": "senior", "cv1": "3"})
    assert thanked(posted) is accepting
    assert count(db, SurveyResponse) == (1 if accepting else 0)


@pytest.mark.parametrize(("data", "message"), [
    ({"cv1": "4", "of2": "5"}, "Choose the group you belong to"),
    ({"group": "chief-executive", "cv1": "4"}, "Choose the group you belong to"),
    ({"group": "board"}, "Answer at least one statement"),
    ({"group": "board", "cv1": "dk", "cv2": "dk"}, "Answer at least one statement"),
    ({"group": "board", "cv1": "7", "cv2": "0"}, "Answer at least one statement"),
])
def test_a_submission_without_a_group_or_answers_is_refused(app: Flask, db: Session, open_survey: tuple[int, str],
                                                            data: dict[str, str], message: str) -> None:
    _survey_id, token = open_survey
    respondent = app.test_client()
    refused = answer(respondent, token, data)
    assert refused.status_code == 400 and message in text(refused)
    assert count(db, SurveyResponse) == 0 and count(db, SurveyAnswer) == 0
    # Not counted as answered: the same person can put it right and send it.
    assert thanked(answer(respondent, token, {"group": "board", "cv1": "4"}))
    assert count(db, SurveyResponse) == 1


def test_an_unknown_link_is_not_found(client: FlaskClient, open_survey: tuple[int, str]) -> None:
    _survey_id, token = open_survey
    assert client.get(f"/s/{token[:-2]}xx").status_code == 404
    assert client.post("/s/" + "a" * 80, data={"group": "board", "cv1": "4"}).status_code == 404


# --- results ---------------------------------------------------------------------------------------

# docs/self-assessment.md's worked example: five people, statements A (cv1) and B (cv2).
WORKED = [{"cv1": "5", "cv2": "4"}, {"cv1": "4", "cv2": "dk"}, {"cv1": "3", "cv2": "4"}, {"cv1": "4", "cv2": "dk"},
          {"cv1": "dk", "cv2": "5"}]


def pop_figures(values: list[int]) -> tuple[float, float, float, int]:
    return (statistics.fmean(values), statistics.pstdev(values), sum(v >= 4 for v in values) / len(values),
            len(values))


def shown_figures(values: list[int]) -> list[str]:
    mean, sd, agree, n = pop_figures(values)
    return [f"{mean:.2f}", f"{sd:.2f}", f"{agree * 100:.1f}%", f"{n:,}"]


def test_the_worked_example_through_the_link_and_the_results_page(app: Flask, manager: FlaskClient, db: Session,
                                                                  strategy, open_survey: tuple[int, str],
                                                                  repo_root: Path) -> None:
    survey_id, token = open_survey
    for answers in WORKED:
        assert thanked(answer(app.test_client(), token, {"group": "frontline", **answers}))
    shown = manager.get(f"{base(strategy)}/{survey_id}")
    found = tables(shown)
    a, b = [5, 4, 3, 4], [4, 4, 5]
    assert shown_figures(a) == ["4.00", "0.71", "75.0%", "4"]  # the documented figures
    assert shown_figures(a + b) == ["4.14", "0.64", "85.7%", "7"]
    dimensions = {row[0]: row[1:] for row in found["dimension-results"]}
    assert dimensions["Collective vision"] == shown_figures(a + b)  # pooled, not the mean of the means (4.17)
    assert all(row == ["–", "–", "–", "0"] for name, row in dimensions.items() if name != "Collective vision")
    assert len(dimensions) == len(instrument(repo_root)) == 7
    items = found["item-results"]
    assert items[0][0].startswith("We share a vision with our partner organisations") and items[0][1:] == \
        shown_figures(a)
    assert items[1][0].startswith("Our staff could describe the vision") and items[1][1:] == shown_figures(b)
    assert all(row[1:] == ["–", "–", "–", "0"] for row in items[2:])
    assert found["group-results"][0][:3] == ["Frontline staff", "5", "4.14"]


def test_four_responses_show_no_results_at_all(app: Flask, manager: FlaskClient, db: Session, strategy,
                                               open_survey: tuple[int, str]) -> None:
    survey_id, token = open_survey
    for answers in WORKED[:4]:
        answer(app.test_client(), token, {"group": "board", **answers})
    shown = manager.get(f"{base(strategy)}/{survey_id}")
    words = text(shown)
    assert "Results appear once at least 5 people have answered" in words
    assert 'id="response-count">4<' in shown.get_data(as_text=True)
    assert not set(tables(shown)) & {"dimension-results", "item-results", "group-results"}
    assert "4.00" not in words and "0.71" not in words


# Group sizes -> the groups shown on their own. A group under 5 is never shown; when the hidden groups
# number fewer than 5 together, the smallest shown group (not the frontline, unless it is the only one)
# is hidden too, so that subtracting from the totals never reveals fewer than 5 people.
GROUP_CASES = [
    ({"frontline": 5, "board": 5}, ["board", "frontline"]),
    ({"frontline": 6, "board": 5, "partners": 3}, ["frontline"]),
    ({"frontline": 6, "board": 5, "partners": 3, "patients": 2}, ["board", "frontline"]),
    ({"frontline": 5, "middle": 7, "board": 6, "partners": 1}, ["frontline", "middle"]),
    ({"frontline": 5, "partners": 4}, []),
    ({"frontline": 9, "senior": 8, "middle": 4, "board": 4}, ["frontline", "senior"]),
    ({"frontline": 4, "senior": 8, "middle": 7}, ["senior"]),
    ({"board": 2, "senior": 2, "partners": 1}, []),
]


def responses_for(sizes: dict[str, int]) -> list[Response]:
    values = {"board": 5, "senior": 4, "middle": 3, "frontline": 2, "patients": 1, "partners": 4}
    return [Response(group, {"cv1": values[group], "of1": 1 + (i % 5)}) for group, n in sizes.items()
            for i in range(n)]


@pytest.mark.parametrize(("sizes", "shown"), GROUP_CASES)
def test_small_groups_are_never_shown_on_their_own(manager: FlaskClient, db: Session, strategy,
                                                   sizes: dict[str, int], shown: list[str]) -> None:
    survey_id = create(manager, db, strategy)
    seed(db, survey_id, responses_for(sizes))
    page = manager.get(f"{base(strategy)}/{survey_id}")
    rows = tables(page).get("group-results", [])
    assert sorted((row[0], row[1]) for row in rows) == sorted((GROUP_NAMES[g], str(sizes[g])) for g in shown)
    for group in sizes:
        if group not in shown:  # its mean appears nowhere on its own
            assert not any(row[0] == GROUP_NAMES[group] for row in rows)
    assert tables(page)["dimension-results"][0][-1] == str(sum(sizes.values()))  # everyone counts in the totals


def test_each_group_shown_has_its_means_and_its_gap_from_the_frontline(manager: FlaskClient, db: Session,
                                                                        strategy) -> None:
    survey_id = create(manager, db, strategy)
    seed(db, survey_id, responses_for({"frontline": 5, "board": 6}))  # cv1: board 5, frontline 2; of1: 1 to 5
    rows = {row[0]: row[1:] for row in tables(manager.get(f"{base(strategy)}/{survey_id}"))["group-results"]}
    assert rows["Board members"][:3] == ["6", "5.00 +3.00", f"{16 / 6:.2f} {16 / 6 - 3:+.2f}"]  # 2.67 -0.33
    assert rows["Frontline staff"][:3] == ["5", "2.00", "3.00"]  # no gap against itself
    assert rows["Board members"][3:] == ["–"] * 5


def test_the_note_on_hidden_groups_does_not_misstate_their_size(manager: FlaskClient, db: Session,
                                                                strategy) -> None:
    survey_id = create(manager, db, strategy)
    seed(db, survey_id, responses_for({"frontline": 6, "board": 5, "partners": 3}))
    words = text(manager.get(f"{base(strategy)}/{survey_id}"))
    note = re.search(r"Not shown on their own, to protect small numbers:([^.]*)\.", words)
    assert note is not None and "partner" in note.group(1).lower() and "board" in note.group(1).lower()
    # The board (5 responses) is hidden only so the partners (3) cannot be worked out: the note says so
    # rather than calling it a group of fewer than 5.
    assert "fewer than 5 responses, or when showing it would let a smaller group" in words


# --- importing responses ---------------------------------------------------------------------------

def responses_csv(rows: list[list[str]], header: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client: FlaskClient, strategy, survey_id: int, data: bytes, filename: str = "responses.csv"):  # type: ignore[no-untyped-def]
    return client.post(f"{base(strategy)}/{survey_id}/import", data={"responses": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


SIZES = {"board": 20, "senior": 7, "middle": 60, "frontline": 160, "patients": 3}  # 250; patients hidden,
SHOWN = {"board", "middle", "frontline"}  # and with them the smallest shown group (senior)
WORDS = {1: ["1", "Strongly disagree"], 2: ["2", "disagree", "2.0"], 3: ["3", "Neither agree nor disagree"],
         4: ["4", "Agree"], 5: ["5", "STRONGLY AGREE"]}


def generated(seed_value: int, keys: list[str]) -> tuple[list[list[str]], list[str], list[tuple[str, dict[str, int]]]]:
    """A file a survey tool might export (names or keys, words or numbers, don't knows, an email column
    that must not be read) and what each row means."""
    rng = random.Random(seed_value)
    rows, meant = [], []
    groups = [g for g, n in SIZES.items() for _ in range(n)]
    rng.shuffle(groups)
    for number, group in enumerate(groups):
        centre = {"board": 4.2, "senior": 3.8, "middle": 3.3, "frontline": 2.9, "patients": 3.0}[group]
        answers: dict[str, int] = {}
        cells = []
        for key in keys:
            roll = rng.random()
            if roll < 0.06:
                cells.append(rng.choice(["dk", "Don't know", "n/a", ""]))
                continue
            value = min(5, max(1, round(rng.gauss(centre, 1.0))))
            answers[key] = value
            cells.append(rng.choice(WORDS[value]))
        if not answers:
            answers[keys[0]] = 3
            cells[0] = "3"
        rows.append([rng.choice([group, GROUP_NAMES[group]]), f"person{number}@respondents.example", *cells])
        meant.append((group, answers))
    return rows, ["Respondent group", "Email", *keys], meant


def independent_results(meant: list[tuple[str, dict[str, int]]], dims: dict[str, list[str]]) -> dict[str, Any]:
    items = {key: pop_figures([a[key] for _, a in meant if key in a]) for keys in dims.values() for key in keys}
    pooled = {d: pop_figures([a[k] for _, a in meant for k in keys if k in a]) for d, keys in dims.items()}
    groups = {g: {d: statistics.fmean([a[k] for grp, a in meant if grp == g for k in keys if k in a])
                  for d, keys in dims.items()} for g in SHOWN}
    return {"items": items, "dimensions": pooled, "groups": groups}


def assert_results_match(api: dict[str, Any], expected: dict[str, Any], total: int) -> None:
    assert api["enough"] is True and api["responses"] == total
    got_items = {i["key"]: (i["mean"], i["sd"], i["share_agree"], i["n"]) for i in api["items"]}
    assert got_items == {k: pytest.approx(v) for k, v in expected["items"].items()}
    got_dims = {d["dimension"]: (d["mean"], d["sd"], d["share_agree"], d["n"]) for d in api["dimensions"]}
    assert got_dims == {k: pytest.approx(v) for k, v in expected["dimensions"].items()}
    got_groups = {g["group"]: {d["dimension"]: d["mean"] for d in g["dimensions"]} for g in api["groups"]}
    assert got_groups == {g: pytest.approx(v) for g, v in expected["groups"].items()}
    spreads = [i["sd"] for i in api["items"]]
    assert all(x >= y - 1e-12 for x, y in zip(spreads, spreads[1:], strict=False))  # most disagreement first


def test_an_imported_file_gives_exactly_the_independently_worked_results(manager: FlaskClient, db: Session,
                                                                          strategy, repo_root: Path) -> None:
    dims = instrument(repo_root)
    keys = [k for ks in dims.values() for k in ks]
    rows, header, meant = generated(5, keys)
    survey_id = create(manager, db, strategy)
    response = upload(manager, strategy, survey_id, responses_csv(rows, header))
    assert response.status_code == 302, text(response)[:800]
    assert "Imported 250 responses" in text(manager.get(response.headers["Location"]))
    api = manager.get(f"/api/v1/strategies/{strategy.id}/surveys/{survey_id}/results").get_json()
    assert_results_match(api, independent_results(meant, dims), 250)
    page = tables(manager.get(f"{base(strategy)}/{survey_id}"))
    assert sorted(row[0] for row in page["group-results"]) == sorted(GROUP_NAMES[g] for g in SHOWN)
    pooled = [a[k] for _, a in meant for k in dims["collective_vision"] if k in a]
    assert page["dimension-results"][0] == ["Collective vision", *shown_figures(pooled)]
    # The email column was not read: no address is stored anywhere.
    assert "@respondents.example" not in everything_stored(db)


@pytest.mark.parametrize(("filename", "data", "message", "problems"), [
    ("r.csv", responses_csv([["board", "4", "5"], ["frontline", "6", "2"], ["ceo", "4", "4"], ["", "3", "3"],
                             ["middle", "dk", ""]], ["group", "cv1", "cv2"]),
     "Nothing was stored",
     [["3", "cv1", "'6' is not an answer from 1 to 5 or don't know."],
      ["4", "group", "'ceo' is not the key or name of a respondent group."],
      ["5", "group", "No respondent group is given."],
      ["6", "(every item)", "No item is answered from 1 to 5 (every answer is blank or don't know)."]]),
    ("r.csv", responses_csv([["4", "5"]], ["cv1", "cv2"]), "The file has no 'group' column.", []),
    ("r.csv", responses_csv([["board", "4"]], ["group", "comments"]),
     "The file has a 'group' column but no column headed with an item key", []),
    ("r.xlsx", b"<html><body><table><tr><td>group</td><td>cv1</td></tr></table></body></html>",
     "it looks like a web page", []),
])
def test_a_refused_import_lists_its_problems_and_stores_nothing(manager: FlaskClient, db: Session, strategy,
                                                                filename: str, data: bytes, message: str,
                                                                problems: list[list[str]]) -> None:
    survey_id = create(manager, db, strategy)
    seed(db, survey_id, responses_for({"board": 2}))
    response = upload(manager, strategy, survey_id, data, filename)
    assert response.status_code == 400 and message in text(response)
    assert tables(response).get("problems", []) == problems
    assert count(db, SurveyResponse) == 2


# --- who may do what -------------------------------------------------------------------------------

@pytest.fixture
def arranged(db: Session, strategy) -> int:  # type: ignore[no-untyped-def]
    survey = service.create_survey(session=db, strategy=strategy, name="Spring", closes_on=None, actor=None)
    seed(db, survey.id, responses_for({"frontline": 6, "board": 5}))  # type: ignore[arg-type]
    return survey.id  # type: ignore[return-value]


@pytest.mark.parametrize(("method", "path", "data"), [
    ("POST", "", {"name": "Sneaky survey"}),
    ("POST", "/{survey}/status", {"status": "open"}),
    ("POST", "/{survey}/status", {"status": "closed"}),
    ("GET", "/{survey}/import", None),
    ("POST", "/{survey}/import", {}),
])
def test_viewers_read_results_but_cannot_run_surveys(client: FlaskClient, db: Session, strategy, signed_in,
                                                     arranged: int, method: str, path: str,
                                                     data: dict[str, str] | None) -> None:
    signed_in("viewer")
    url = base(strategy) + path.format(survey=arranged)
    response = client.post(url, data=data) if method == "POST" else client.get(url)
    assert response.status_code == 403
    assert count(db, Survey) == 1 and survey_row(db, arranged)[0] == "draft"
    listed = client.get(base(strategy))
    assert listed.status_code == 200 and "Create survey" not in text(listed)
    shown = client.get(f"{base(strategy)}/{arranged}")
    assert shown.status_code == 200
    assert sorted(row[0] for row in tables(shown)["group-results"]) == ["Board members", "Frontline staff"]
    assert "/s/" not in text(shown)  # the link is for those who run the survey
    api = client.get(f"/api/v1/strategies/{strategy.id}/surveys/{arranged}/results")
    assert api.status_code == 200 and api.get_json()["enough"] is True


def test_another_organisations_survey_is_not_found(client: FlaskClient, db: Session, org, strategy,
                                                   signed_in) -> None:
    other = factories.make_org(db)
    their_strategy = factories.make_strategy(db, other)
    theirs = service.create_survey(session=db, strategy=their_strategy, name="Theirs", closes_on=None, actor=None)
    sibling = service.create_survey(session=db, strategy=factories.make_strategy(db, org, title="Sibling"),
                                    name="Sibling", closes_on=None, actor=None)
    signed_in("admin")
    for survey_id in (theirs.id, sibling.id):  # another organisation's, or another strategy's of ours
        assert client.get(f"{base(strategy)}/{survey_id}").status_code == 404
        assert set_status(client, strategy, survey_id, "open").status_code == 404  # type: ignore[arg-type]
        assert client.get(f"{base(strategy)}/{survey_id}/import").status_code == 404
        assert client.get(f"/api/v1/strategies/{strategy.id}/surveys/{survey_id}/results").status_code == 404
    assert {survey_row(db, theirs.id)[0], survey_row(db, sibling.id)[0]} == {"draft"}  # type: ignore[arg-type]


def test_planners_may_run_surveys_too(app: Flask, db: Session, org, strategy) -> None:
    planner = app.test_client()
    login(planner, factories.make_member(db, org, role="planner").email)
    survey_id = create(planner, db, strategy)
    assert set_status(planner, strategy, survey_id, "open").status_code == 302
    assert survey_row(db, survey_id)[0] == "open"
    contributor = app.test_client()
    login(contributor, factories.make_member(db, org, role="contributor").email)
    assert set_status(contributor, strategy, survey_id, "closed").status_code == 403
    assert survey_row(db, survey_id)[0] == "open"


def test_the_discover_step_is_done_once_a_survey_has_results_even_while_it_is_open(
        manager: FlaskClient, db: Session, strategy, open_survey: tuple[int, str]) -> None:  # type: ignore[no-untyped-def]
    # The task list once wanted the survey closed while the completeness check, which the board reads, did not:
    # one rule now (planner.steps), so a step is done when it is started and nothing is lacking for it.
    import re

    survey_id, _token = open_survey

    def discover() -> tuple[str, str]:
        home = manager.get(f"/strategies/{strategy.id}").get_data(as_text=True)
        status = re.search(r'id="task-discover-status">(.*?)</div>', home, re.S)
        hint = re.search(r'id="task-discover-hint">(.*?)</div>', home, re.S)
        assert status and hint
        return re.sub(r"<[^>]+>", "", status.group(1)).strip(), hint.group(1).strip()

    assert discover() == ("In progress", "No self-assessment has enough responses for results yet (five are needed)")
    seed(db, survey_id, responses_for({"board": 5}))
    assert discover() == ("Completed", "Autumn 2026: 5 responses")
