"""The Objectives pages as board secretaries, owners and viewers use them: a summary first, then the
cascade as a tree folded below the areas that a GET form filters without JavaScript, and a table on a
page of its own; an objective with its SMART check, RAG and check-ins; who may do what; alignment
and unowned gaps; and objectives to and from a file (all or nothing, updates by ref, formulas kept as
text, and a download that imports again to the same cascade)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.models import CheckIn, Objective, Strategy, User
from planner.services import objectives as service
from tests import factories
from tests.editing import post_form
from tests.helpers import csv_lines

# --- reading the pages ---------------------------------------------------------------------------------------


class _Table(HTMLParser):
    """The text of the data cells of each row of the table with this id."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table(page: str, table_id: str) -> list[list[str]]:
    parser = _Table(table_id)
    parser.feed(page)
    return [row for row in parser.rows if row]


class _Tree(HTMLParser):
    """(depth, ref) of each objective in the #cascade tree, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.lists = self.items = 0
        self.in_ref = False
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ul" and (self.lists or dict(attrs).get("id") == "cascade"):
            self.lists += 1
        elif self.lists and tag == "li":
            self.items += 1
        elif self.lists and tag == "strong" and not dict(attrs).get("class"):  # the ref (RAG tags have a class)
            self.in_ref = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul" and self.lists:
            self.lists -= 1
        elif self.lists and tag == "li":
            self.items -= 1
        elif tag == "strong":
            self.in_ref = False

    def handle_data(self, data: str) -> None:
        if self.in_ref and data.strip():
            self.found.append((self.items - 1, data.strip()))


def tree(page: str) -> list[tuple[int, str]]:
    parser = _Tree()
    parser.feed(page)
    return parser.found


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def summary(page: str, key: str) -> str:
    """The text of one row of the objective's summary list."""
    found = re.search(rf'<dt class="nhsuk-summary-list__key">{key}</dt><dd[^>]*>(.*?)</dd>', page, re.S)
    assert found, key
    return text_of(found.group(1))


def smart_items(page: str) -> list[tuple[str, str]]:
    block = re.search(r'id="smart">(.*?)</dd>', page, re.S)
    assert block
    return [(letter, html.unescape(reason)) for letter, reason in
            re.findall(r"<li><strong>(\w)</strong>: (.*?)</li>", block.group(1))]


def get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- arranging -----------------------------------------------------------------------------------------------


def make(db: Session, strategy: Strategy, ref: str, **values: object) -> Objective:
    base: dict[str, object] = {"ref": ref, "title": f"Objective {ref} for the whole trust", "level": "team",
                               "measure_kind": "none", "owner_name": "Matron", "confidence": "medium",
                               "start": "2026-04-01", "due": "2027-03-31"}
    base.update(values)
    return service.save_objective(session=db, strategy=strategy, values=base, actor=None)


def form_of(objective: Objective, **changes: object) -> dict[str, str]:
    """The edit form as the page fills it in, with some fields changed."""
    fields = ("ref", "title", "description", "level", "parent_id", "area_id", "owner_user_id", "owner_name",
              "weight", "measure_kind", "baseline", "target", "range_low", "range_high", "unit", "start", "due",
              "confidence", "confidence_reason", "link_kind", "link_ref", "rag_override", "rag_reason", "status")
    values = {f: getattr(objective, f) for f in fields}
    values.update(changes)
    return {k: "" if v is None else str(v) for k, v in values.items()}


def check_in(client: FlaskClient, strategy: Strategy, objective: Objective, **form: str):  # type: ignore[no-untyped-def]
    return client.post(f"/strategies/{strategy.id}/objectives/{objective.id}/check-in", data=form)


def stored(db: Session, strategy: Strategy) -> dict[str, Objective]:
    db.expire_all()
    return {o.ref: o for o in db.exec(select(Objective).where(Objective.strategy_id == strategy.id))}


def check_ins(db: Session, objective: Objective) -> list[CheckIn]:
    db.expire_all()
    return list(db.exec(select(CheckIn).where(CheckIn.objective_id == objective.id)))


def upload(client: FlaskClient, strategy: Strategy, data: bytes, name: str = "objectives.csv"):  # type: ignore[no-untyped-def]
    return client.post(f"/strategies/{strategy.id}/objectives/import",
                       data={"objectives": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def worked_example(db: Session, strategy: Strategy, actor: User) -> dict[str, Objective]:
    """The roll-up example of docs/objectives.md: S1 61.25%, A1 75%, T2 25%."""
    s1 = make(db, strategy, "S1", title="Grow collective leadership", level="strategic", due="2031-03-31")
    a1 = make(db, strategy, "A1", title="Develop ED's leaders", level="area", parent_id=s1.id, weight=3)
    t1 = make(db, strategy, "T1", title="Leadership programme places filled", parent_id=a1.id, weight=2,
              measure_kind="target", baseline=0, target=10)
    t2 = make(db, strategy, "T2", title="Coaching for ward managers", parent_id=a1.id, weight=1)
    i1 = make(db, strategy, "I1", title="Complete coaching training", level="individual", parent_id=t2.id,
              measure_kind="milestone")
    i2 = make(db, strategy, "I2", title="Coach six ward managers", level="individual", parent_id=t2.id, weight=3,
              measure_kind="milestone")
    a2 = make(db, strategy, "A2", title="Cut agency spend", level="area", parent_id=s1.id, measure_kind="target",
              baseline=0, target=10, unit="£k")
    for objective, value, done in ((t1, 10.0, False), (i1, None, True), (a2, 2.0, False)):
        service.add_check_in(session=db, objective=objective, on=date(2026, 6, 30), value=value, done=done,
                             confidence=None, note="", actor=actor)
    return {o.ref: o for o in (s1, a1, t1, t2, i1, i2, a2)}


# --- the cascade ---------------------------------------------------------------------------------------------


def treemap_of(db: Session, strategy: Strategy) -> dict:  # type: ignore[type-arg]
    """The cascade's treemap as the chart downloads and the board pack draw it."""
    from planner.exports import charts
    from planner.models import Organisation
    from planner.services import chart_set

    organisation = db.get(Organisation, strategy.organisation_id)
    figure = chart_set.objectives_figure(service.cascade(db, strategy, organisation, date.today()))  # type: ignore[arg-type]
    return json.loads(charts.figure_json(figure))  # type: ignore[no-any-return,arg-type]


def test_the_cascade_shows_as_a_tree_a_table_and_a_treemap_with_weighted_progress(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    user = signed_in("viewer")
    worked_example(db, strategy, user)
    page = get(client, f"/strategies/{strategy.id}/objectives")

    assert tree(page) == [(0, "S1"), (1, "A1"), (2, "T1"), (2, "T2"), (3, "I1"), (3, "I2"), (1, "A2")]
    # The table is a view of its own, not a second copy of the cascade under the tree.
    assert 'id="objective-table"' not in page
    listing = get(client, f"/strategies/{strategy.id}/objectives?view=table")
    rows = {row[0]: row for row in table(listing, "objective-table")}
    assert list(rows) == ["S1", "A1", "T1", "T2", "I1", "I2", "A2"]
    # Ref, objective, level, parent, weight, progress (61.25% rounded for display), RAG, SMART.
    assert {ref: (row[2], row[3], row[4], row[5]) for ref, row in rows.items()} == {
        "S1": ("Strategic", "–", "1", "61%"), "A1": ("Area", "S1", "3", "75%"), "T1": ("Team", "A1", "2", "100%"),
        "T2": ("Team", "A1", "1", "25%"), "I1": ("Individual", "T2", "1", "100%"),
        "I2": ("Individual", "T2", "3", "0%"), "A2": ("Area", "S1", "1", "20%")}
    assert (rows["S1"][7], rows["T2"][7], rows["T1"][7]) == ("Missing MR", "Missing M", "Yes")

    # The treemap is no longer on the page (its labels could not be read at 1280 px); the downloads and
    # the board pack still draw it from the same cascade.
    assert 'id="chart-treemap-data"' not in page
    trace = treemap_of(db, strategy)["data"][0]
    refs = [label.split()[0] for label in trace["labels"]]
    shown = zip(trace["parents"], trace["values"], trace["marker"]["colors"], strict=True)
    by_ref = dict(zip(refs, shown, strict=True))
    ids = dict(zip(refs, trace["ids"], strict=True))
    assert by_ref["S1"][0] == "" and by_ref["I2"][0] == ids["T2"] and by_ref["A2"][0] == ids["S1"]
    assert [by_ref[r][1] for r in ("A1", "T1", "I2")] == [3, 2, 3]
    assert [by_ref[r][2] for r in ("S1", "A1", "T2", "I2", "A2")] == pytest.approx([0.6125, 0.75, 0.25, 0, 0.2])


def test_an_empty_cascade_says_so_and_offers_editors_the_add_button(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    page = get(client, f"/strategies/{strategy.id}/objectives")
    assert "No objectives yet." in page and 'id="cascade"' not in page
    assert f'href="/strategies/{strategy.id}/objectives/new"' in page


@pytest.mark.parametrize(("objectives", "status", "hint"), [
    ([], "Not started", "Cascade the vision"),
    ([{"ref": "S1", "level": "strategic"}], "In progress", "1 objective failing the SMART check: S1"),
    ([{"ref": "S1", "level": "strategic", "measure_kind": "milestone", "link_kind": "vision", "due": "2031-03-31"},
      {"ref": "T1", "level": "team", "measure_kind": "milestone", "parent": "S1"}], "Completed",
     "2 objectives, all SMART"),
    ([{"ref": "S1", "level": "strategic", "measure_kind": "milestone", "link_kind": "vision", "due": "2031-03-31"}],
     "In progress", "Strategic objectives reaching no team or individual: S1"),
    # Without a strategic objective, an area's objective has nothing to align with: it fails the SMART check.
    ([{"ref": "A1", "level": "area", "measure_kind": "milestone", "due": "2031-03-31"}],
     "In progress", "1 objective failing the SMART check: A1"),
])
def test_the_task_list_tracks_the_objectives_step(client: FlaskClient, db: Session, strategy: Strategy, signed_in,  # type: ignore[no-untyped-def]
                                                  objectives: list[dict[str, str]], status: str, hint: str) -> None:
    signed_in("viewer")
    made: dict[str, Objective] = {}
    for values in objectives:
        parent = values.pop("parent", None) if "parent" in values else None
        values = {k: v for k, v in values.items() if k != "parent"}
        made[values["ref"]] = make(db, strategy, parent_id=made[parent].id if parent else None, **values)
    home = get(client, f"/strategies/{strategy.id}")
    found = re.search(r'id="task-objectives-status">(.*?)</div>', home, re.S)
    assert found and text_of(found.group(1)) == status
    hint_found = re.search(r'id="task-objectives-hint">(.*?)</div>', home, re.S)
    assert hint_found and hint in text_of(hint_found.group(1))


# --- one objective: SMART, check-ins, RAG --------------------------------------------------------------------

SMART_BASE = {"title": "Fill every leadership programme place", "owner_name": "Education Lead", "level": "team",
              "measure_kind": "target", "baseline": "0", "target": "10", "confidence": "medium",
              "start": "2026-04-01", "due": "2027-03-31"}
PASSING = "Specific, measurable, achievable, relevant and time-bound"


@pytest.mark.parametrize(("changes", "listed"), [
    ({}, []),
    ({"title": "Coaching"}, [("S", "Specific: add a title of at least 3 words saying what will change.")]),
    ({"owner_name": ""}, [("S", "Specific: add an owner who is accountable for it.")]),
    ({"baseline": ""}, [("M", "Measurable: add a baseline, so progress can be measured.")]),
    ({"measure_kind": "none", "baseline": "", "target": ""}, [("M", "Measurable: add a measure: a baseline and a "
                                                              "target, a range to keep within, or a milestone with a "
                                                              "due date.")]),
    ({"confidence": "low"}, [("A", "Achievable: confidence is low, so record the reason it is still the right "
                                   "objective.")]),
    ({"confidence": "low", "confidence_reason": "A new service with little data yet"}, []),
    ({"confidence": ""}, [("A", "Achievable: record the owner's confidence (low, medium or high) that it will be "
                                "met.")]),
    ({"parent": False}, [("R", "Relevant: add the parent objective it contributes to.")]),
    ({"level": "strategic", "parent": False}, [("R", "Relevant: link it to the vision, the mission or one of the "
                                                     "values.")]),
    ({"level": "strategic", "parent": False, "link_kind": "mission"}, []),
    ({"due": "2032-03-31"}, [("T", "Time-bound: set a due date inside the strategy's period, 1 April 2026 to "
                                   "31 March 2031.")]),
    ({"start": "2025-01-01", "due": "2031-03-31"}, []),  # a start before the period is fine
    ({"start": ""}, [("T", "Time-bound: add a start date.")]),
    ({"title": "Coaching", "confidence": "low", "due": ""}, [
        ("S", "Specific: add a title of at least 3 words saying what will change."),
        ("A", "Achievable: confidence is low, so record the reason it is still the right objective."),
        ("T", "Time-bound: add a due date.")]),
])
def test_the_detail_page_lists_each_failing_smart_letter_with_what_to_add(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, changes: dict[str, object],  # type: ignore[no-untyped-def]
        listed: list[tuple[str, str]]) -> None:
    signed_in("viewer")
    parent = make(db, strategy, "S1", level="strategic", link_kind="vision", due="2031-03-31")
    values = {**SMART_BASE, **changes}
    values["parent_id"] = None if values.pop("parent", True) is False else parent.id
    objective = make(db, strategy, "T1", **values)
    page = get(client, f"/strategies/{strategy.id}/objectives/{objective.id}")
    assert smart_items(page) == listed
    assert (PASSING in summary(page, "SMART")) is (not listed)


def test_check_ins_are_kept_newest_first_and_progress_uses_the_latest(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    parent = make(db, strategy, "S1", level="strategic")
    objective = make(db, strategy, "T1", parent_id=parent.id, measure_kind="target", baseline=0, target=200,
                     unit="leaders")
    url = f"/strategies/{strategy.id}/objectives/{objective.id}"
    assert summary(get(client, url), "Progress").startswith("0%")  # no check-in: still at the baseline
    for on, value, note in (("2026-06-30", "40", "First quarter"), ("2026-09-30", "100", "Second quarter"),
                            ("2026-05-01", "180", "Entered late for May"), ("2026-09-30", "80", "Corrected")):
        response = check_in(client, strategy, objective, on=on, value=value, confidence="high", note=note)
        assert response.status_code == 302
    page = get(client, url)
    assert table(page, "history") == [
        ["30 September 2026", "80 leaders", "High", "Corrected"],  # the same date: the one entered last wins
        ["30 September 2026", "100 leaders", "High", "Second quarter"],
        ["30 June 2026", "40 leaders", "High", "First quarter"],
        ["1 May 2026", "180 leaders", "High", "Entered late for May"],
    ]
    assert summary(page, "Progress") == "40%"  # 80 of 200, not the 180 of May nor the 100 first entered
    assert len(check_ins(db, objective)) == 4


@pytest.mark.parametrize(("form", "message"), [
    ({"on": "2026-06-30", "value": "", "note": "Only a note"}, "Enter the current value"),
    ({"on": "2026-06-30", "value": "lots"}, "The current value must be a number"),
    ({"on": "30th June", "value": "5"}, "Enter the date of the check-in"),
])
def test_a_check_in_without_a_readable_value_or_date_is_refused(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, form: dict[str, str], message: str) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    objective = make(db, strategy, "T1", measure_kind="target", baseline=0, target=10)
    response = check_in(client, strategy, objective, **form)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert check_ins(db, objective) == []


@pytest.mark.parametrize(("child_weights", "values", "expected"), [
    ((1, 3), {}, 0.0),
    ((1, 3), {"C1": "100"}, 0.25),  # a straight average would say 50%
    ((1, 3), {"C1": "100", "C3": "60"}, 0.70),  # (1 x 100% + 3 x 60%) / 4; a straight average says 80%
    ((0.25, 0.75), {"C1": "100", "C3": "60"}, 0.70),  # only the ratio of the weights matters
])
def test_a_parents_rolled_up_progress_moves_after_a_childs_check_in(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, child_weights: tuple[float, float],  # type: ignore[no-untyped-def]
        values: dict[str, str], expected: float) -> None:
    signed_in("editor")
    parent = make(db, strategy, "P1", level="area", title="Develop the leaders of the division")
    children = {ref: make(db, strategy, ref, parent_id=parent.id, weight=weight, measure_kind="target", baseline=0,
                          target=100, unit="%") for ref, weight in zip(("C1", "C3"), child_weights, strict=True)}
    for ref, value in values.items():
        assert check_in(client, strategy, children[ref], on="2026-09-30", value=value).status_code == 302
    page = get(client, f"/strategies/{strategy.id}/objectives/{parent.id}")
    assert summary(page, "Progress").startswith(f"{expected * 100:.0f}%")
    assert "The weighted progress of its 2 objectives below" in summary(page, "Progress")
    api = {i["ref"]: i for i in client.get(f"/api/v1/strategies/{strategy.id}/objectives").get_json()["objectives"]}
    assert api["P1"]["rolled_up_progress"] == pytest.approx(expected) and api["P1"]["progress"] is None


@pytest.mark.parametrize(("start", "due", "kind", "check", "rag"), [
    ("2020-04-01", "2021-03-31", "target", {"value": "100"}, "Green"),  # done is green even when late
    ("2020-04-01", "2021-03-31", "target", {"value": "80"}, "Amber"),  # late, at least 70%: amber, never green
    ("2020-04-01", "2021-03-31", "target", {"value": "69"}, "Red"),
    ("2020-04-01", "2021-03-31", "milestone", {}, "Red"),  # late and not done
    ("2030-04-01", "2031-03-31", "target", {"value": "0"}, "Green"),  # not started yet: nothing expected
    ("2020-04-01", "2021-03-31", "range", {}, "No RAG yet"),  # no value yet: no progress, no rating
    ("", "2027-03-31", "target", {"value": "10"}, "No RAG yet"),  # no start date
])
def test_the_rag_rating_is_shown_from_progress_against_time(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, start: str, due: str, kind: str,  # type: ignore[no-untyped-def]
        check: dict[str, str], rag: str) -> None:
    user = signed_in("editor")
    measure = {"target": {"baseline": 0, "target": 100}, "range": {"range_low": 1, "range_high": 2},
               "milestone": {}}[kind]
    objective = make(db, strategy, "T1", measure_kind=kind, start=start, due=due, **measure)
    if check:
        service.add_check_in(session=db, objective=objective, on=date(2021, 3, 1), value=float(check["value"]),
                             done=False, confidence=None, note="", actor=user)
    page = get(client, f"/strategies/{strategy.id}/objectives/{objective.id}")
    assert summary(page, "RAG") == rag
    assert table(get(client, f"/strategies/{strategy.id}/objectives?view=table"), "objective-table")[0][6] == (
        rag if rag != "No RAG yet" else "–")


def test_a_rag_override_needs_a_reason_and_then_shows_with_it(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    objective = make(db, strategy, "T1", measure_kind="milestone", start="2020-04-01", due="2021-03-31")
    url = f"/strategies/{strategy.id}/objectives/{objective.id}"
    refused = post_form(client, f"{url}/edit", data=form_of(objective, rag_override="green", rag_reason="  "))
    assert refused.status_code == 400
    assert "A RAG override needs one of red, amber or green and a reason" in refused.get_data(as_text=True)
    assert stored(db, strategy)["T1"].rag_override is None
    assert summary(get(client, url), "RAG") == "Red"

    reason = "Delayed by the national pay dispute; agreed with the board"
    changed = post_form(client, f"{url}/edit", data=form_of(objective, rag_override="green", rag_reason=reason))
    assert changed.status_code == 302
    assert summary(get(client, url), "RAG") == f"Green set by hand: {reason}"
    api = client.get(f"/api/v1/strategies/{strategy.id}/objectives").get_json()["objectives"]
    assert api[0]["rag"] == "green"


# --- adding, changing and deleting ---------------------------------------------------------------------------


def test_an_editor_adds_an_objective_below_another_and_sees_it(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    ed = factories.make_area(db, strategy, "ED", "Emergency Department")
    parent = make(db, strategy, "S1", level="strategic", link_kind="vision", due="2031-03-31")
    blank = get(client, f"/strategies/{strategy.id}/objectives/new?parent={parent.id}")
    assert re.search(rf'<option value="{parent.id}" selected>S1</option>', blank)
    response = client.post(f"/strategies/{strategy.id}/objectives/new", data={
        "ref": "ED-1", "title": "Cut the time to hire ED leaders", "level": "area", "parent_id": str(parent.id),
        "area_id": str(ed.id), "owner_name": "Clinical Director", "weight": "2", "measure_kind": "target",
        "baseline": "60", "target": "30", "unit": "days", "start": "2026-04-01", "due": "2028-03-31",
        "confidence": "high"})
    assert response.status_code == 302
    page = get(client, response.headers["Location"])
    assert "Cut the time to hire ED leaders" in page and summary(page, "Parent") == "S1"
    assert summary(page, "Measure") == "From 60 to 30 days"
    assert summary(page, "Area") == "Emergency Department" and summary(page, "Owner") == "Clinical Director"
    assert summary(page, "Weight and confidence") == "Weight 2; confidence high"
    assert PASSING in summary(page, "SMART")


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"ref": "S1"}, "ref", "Another objective already has the reference S1"),
    ({"ref": "-bad"}, "ref", "Enter a reference of letters"),
    ({"title": ""}, "title", "Enter the objective's title"),
    ({"weight": "0"}, "weight", "The weight must be more than 0"),
    ({"weight": "heavy"}, "weight", "Weight must be a number"),
    ({"measure_kind": "range", "range_low": "95", "range_high": "92"}, "measure_kind", "is above its top"),
    ({"due": "next year"}, "due", "The due date must be a date like 2027-03-31"),
    ({"parent_id": "CHILD"}, "parent_id", "An objective cannot sit below itself or one of its own children"),
])
def test_the_form_refuses_what_would_break_the_cascade_and_keeps_the_stored_objective(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, changes: dict[str, str], field: str,  # type: ignore[no-untyped-def]
        message: str) -> None:
    signed_in("editor")
    make(db, strategy, "S1", level="strategic")
    objective = make(db, strategy, "T1", title="The stored title of T1")
    child = make(db, strategy, "I1", level="individual", parent_id=objective.id)
    if changes.get("parent_id") == "CHILD":
        changes = {"parent_id": str(child.id)}
    response = post_form(client, f"/strategies/{strategy.id}/objectives/{objective.id}/edit",
                         data=form_of(objective, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html.unescape(message) in html.unescape(page)
    assert f'id="{field}-error"' in page or field == "measure_kind"
    after = stored(db, strategy)["T1"]
    assert (after.ref, after.title, after.parent_id) == ("T1", "The stored title of T1", None)


def test_the_form_refuses_a_ref_that_differs_from_a_stored_one_only_in_case(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    make(db, strategy, "S1", level="strategic")
    response = client.post(f"/strategies/{strategy.id}/objectives/new", data={
        "ref": "s1", "title": "Another objective with a clashing ref", "level": "strategic", "measure_kind": "none"})
    assert response.status_code == 400
    assert sorted(stored(db, strategy)) == ["S1"]


def test_what_the_form_accepts_the_download_imports_again(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    added = client.post(f"/strategies/{strategy.id}/objectives/new", data={
        "ref": "S1", "title": "Grow leaders " + "x" * 250, "level": "strategic", "measure_kind": "none"})
    download = client.get(f"/strategies/{strategy.id}/objectives/export.csv").data
    assert added.status_code == 400 or upload(client, strategy, download).status_code == 302


def test_titles_are_shown_as_text_in_the_tree_the_table_and_the_treemap(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("viewer")
    title = "</script><img src=x onerror=alert(1)> & more"
    make(db, strategy, "S1", title=title, level="strategic")
    page = get(client, f"/strategies/{strategy.id}/objectives")
    listing = get(client, f"/strategies/{strategy.id}/objectives?view=table")
    assert "<img src=x" not in page and "<img src=x" not in listing
    assert table(listing, "objective-table")[0][1] == title
    assert treemap_of(db, strategy)["data"][0]["labels"] == [f"S1 {title}"]


def test_deleting_an_objective_moves_its_children_up_to_its_parent(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    user = signed_in("editor")
    example = worked_example(db, strategy, user)
    response = client.post(f"/strategies/{strategy.id}/objectives/{example['T2'].id}/delete")
    assert response.status_code == 302
    assert "Objective T2 deleted." in get(client, response.headers["Location"])
    after = stored(db, strategy)
    assert "T2" not in after and after["I1"].parent_id == after["I2"].parent_id == example["A1"].id
    page = get(client, f"/strategies/{strategy.id}/objectives")
    assert tree(page) == [(0, "S1"), (1, "A1"), (2, "I1"), (2, "I2"), (2, "T1"), (1, "A2")]
    # A1 now weighs T1 (2 x 100%), I1 (1 x 100%) and I2 (3 x 0%): 50%; S1 = (3 x 50% + 20%) / 4.
    rows = {row[0]: row[5] for row in table(get(client, f"/strategies/{strategy.id}/objectives?view=table"),
                                             "objective-table")}
    assert (rows["A1"], rows["S1"]) == ("50%", "42%")


# --- the summary, the filters and the health of what sits below ----------------------------------------------


def rated_example(db: Session, strategy: Strategy, actor: User) -> dict[str, Objective]:
    """A green strategic objective over green areas whose teams are mostly red: the watermelon.
    Everything ran from 2020 to 2021, inside the strategy, so the colours do not move with today's date."""
    from planner.models import Area

    strategy.start_year = 2020
    db.add(strategy)
    db.commit()

    medicine = factories.make_area(db, strategy, "MED", "Division of Medicine")
    ward = factories.make_area(db, strategy, "W7", "Ward Seven", parent=medicine)
    surgery = factories.make_area(db, strategy, "SUR", "Division of Surgery")
    past = {"start": "2020-04-01", "due": "2021-03-31"}

    def objective(ref: str, parent: Objective | None, level: str, area: Area | None, **values: object) -> Objective:
        return make(db, strategy, ref, level=level, parent_id=parent.id if parent else None,
                    area_id=area.id if area else None, **{"measure_kind": "milestone", **past, **values})

    s1 = objective("S1", None, "strategic", None, title="Every team shares one clear vision", link_kind="vision")
    a1 = objective("A1", s1, "area", medicine, title="Bring the vision to medicine")
    t1 = objective("T1", a1, "team", ward, title="Hold a vision session on ward seven", owner_name="Ward Sister")
    t2 = objective("T2", a1, "team", medicine, title="Agree team priorities in acute medicine")
    t3 = objective("T3", a1, "team", medicine, title="Share the vision at the medical staff committee")
    a2 = objective("A2", s1, "area", surgery, title="Bring the vision to surgery")
    t4 = objective("T4", a2, "team", surgery, title="Coach theatre leaders", measure_kind="target", baseline=0,
                   target=10, owner_name="")
    for done in (s1, a1, t3, a2):
        service.add_check_in(session=db, objective=done, on=date(2021, 3, 1), value=None, done=True,
                             confidence=None, note="", actor=actor)
    service.add_check_in(session=db, objective=t4, on=date(2021, 3, 1), value=8, done=False, confidence=None,
                         note="", actor=actor)
    return {o.ref: o for o in (s1, a1, t1, t2, t3, a2, t4)}


def cascade_of(client: FlaskClient, strategy: Strategy, query: str = "") -> str:
    return get(client, f"/strategies/{strategy.id}/objectives{query}")


def context_refs(page: str) -> list[str]:
    """The refs shown only for context (above a match) in a filtered cascade."""
    return re.findall(r'<li class="app-obj app-obj--context">\s*<div class="app-obj__row">\s*<a[^>]*><strong>([^<]+)',
                      page)


def test_a_parent_shows_the_health_of_what_sits_below_it_beside_its_own_rag(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    from planner.models import Organisation

    user = signed_in("viewer")
    example = rated_example(db, strategy, user)
    page = cascade_of(client, strategy)
    below = dict(re.findall(r'<strong>(\w+)</strong>.*?(?:Below it: ([^<]+)</span>|</li>)', page, re.S))
    # S1 and both areas are green; two of the four teams below S1 are red and one amber.
    assert below["S1"] == "2 of 4 team objectives red, 1 amber"
    assert below["A1"] == "2 of 3 team objectives red" and below["A2"] == "1 of 1 team objective amber"
    assert 'app-obj__below app-obj__below--red">Below it: 2 of 4' in page  # half or more red: flagged
    rows = {row[0]: row[6] for row in table(get(client, f"/strategies/{strategy.id}/objectives?view=table"),
                                            "objective-table")}
    assert rows == {"S1": "Green; 2 of 4 team objectives red, 1 amber", "A1": "Green; 2 of 3 team objectives red",
                    "T1": "Red", "T2": "Red", "T3": "Green", "A2": "Green; 1 of 1 team objective amber",
                    "T4": "Amber"}
    # The objective's own page says the same beside its RAG; the service gives it the API's way.
    detail = get(client, f"/strategies/{strategy.id}/objectives/{example['S1'].id}")
    assert summary(detail, "RAG") == "Green Below it: 2 of 4 team objectives red, 1 amber"
    assert "Below it" not in summary(get(client, f"/strategies/{strategy.id}/objectives/{example['T1'].id}"), "RAG")
    views = {v.objective.ref: v for v in service.cascade(db, strategy, db.get(Organisation, strategy.organisation_id),
                                                         date.today())}  # type: ignore[arg-type]
    assert service.below_of(views["S1"]) == {
        "words": "2 of 4 team objectives red, 1 amber", "mostly_red": True,
        "tiers": [{"level": "area", "green": 2, "amber": 0, "red": 0, "no_rag": 0},
                  {"level": "team", "green": 1, "amber": 1, "red": 2, "no_rag": 0}]}
    assert service.below_of(views["T1"]) is None


def test_the_summary_comes_first_with_rag_by_tier_progress_smart_and_owners(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    user = signed_in("viewer")
    rated_example(db, strategy, user)
    page = cascade_of(client, strategy)
    assert page.index('id="summary"') < page.index('id="rag-by-tier"') < page.index('id="cascade"')
    # Tier, green, amber, red, no RAG yet, all (the bar beside them is hidden from screen readers).
    assert [row[:5] for row in table(page, "rag-by-tier")] == [
        ["1", "0", "0", "0", "1"], ["2", "0", "0", "0", "2"], ["1", "1", "2", "0", "4"]]
    assert re.findall(r'<th scope="row" class="nhsuk-table__header">(\w+)</th>', page) == ["Strategic", "Area", "Team"]
    figures = text_of(page.split('id="objective-figures">')[1].split("</ul>")[0])
    assert "Overall progress 100%" in figures  # S1 is done
    # Needing attention: T1, T2 (red), T4 (amber, no owner), S1 (half its teams red); A1 too (2 of 3 red).
    assert "Need attention 5 of 7" in figures and "Without an owner 1" in figures
    assert "Not SMART 1 missing S 1" in figures  # T4 has no owner
    # Each count links to the cascade filtered to it.
    assert f'href="/strategies/{strategy.id}/objectives?level=team&amp;rag=red#cascade-heading"' in page


def test_the_page_says_how_rag_is_worked_out_with_the_organisations_thresholds(
        client: FlaskClient, db: Session, org, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    from planner.objectives.health import HEALTH_RULE
    from planner.objectives.progress import RagThresholds, rag_rule

    user = signed_in("viewer")
    rated_example(db, strategy, user)
    org.rag_amber_below, org.rag_red_below = 0.8, 0.5
    db.add(org)
    db.commit()
    page = cascade_of(client, strategy)
    explained = text_of(page.split('id="rag-explained">')[1].split("</div>")[0])
    assert explained == f"{rag_rule(RagThresholds(amber_below=0.8, red_below=0.5))} {HEALTH_RULE}"
    assert "red below 50% of the progress expected by now, amber below 80%" in explained


def test_the_cascade_opens_folded_below_the_areas_and_no_link_sits_in_a_summary(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    user = signed_in("viewer")
    rated_example(db, strategy, user)
    page = cascade_of(client, strategy)
    assert tree(page) == [(0, "S1"), (1, "A1"), (2, "T1"), (2, "T2"), (2, "T3"), (1, "A2"), (2, "T4")]
    folds = re.findall(r'<details class="app-obj__details"( open)?><summary>([^<]*)</summary>', page)
    assert folds == [(" open", "2 objectives below S1"), ("", "3 objectives below A1"), ("", "1 objective below A2")]
    summaries = re.findall(r"<summary[^>]*>(.*?)</summary>", page, re.S)
    assert summaries and not any("<a" in s for s in summaries)


@pytest.mark.parametrize(("query", "matched", "context"), [
    ("?level=team&rag=red", ["T1", "T2"], ["S1", "A1"]),
    ("?rag=amber", ["T4"], ["S1", "A2"]),
    ("?q=ward+seven", ["T1"], ["S1", "A1"]),  # the title; case does not matter
    ("?q=Ward+Sister", ["T1"], ["S1", "A1"]),  # the owner
    ("?q=surgery", ["A2", "T4"], ["S1"]),  # the area's name
    ("?area={medicine}", ["A1", "T2", "T3", "T1"], ["S1"]),  # an area takes in its sub-areas
    ("?area={ward}", ["T1"], ["S1", "A1"]),
    ("?owner=none", ["T4"], ["S1", "A2"]),
    ("?owner=Ward+Sister&level=team", ["T1"], ["S1", "A1"]),
    ("?attention=yes&level=area", ["A1"], ["S1"]),  # green, but two of its three teams are red
    ("?level=strategic&rag=green", ["S1"], []),
    ("?level=individual", [], []),
])
def test_the_filters_work_from_the_query_string_without_javascript(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, query: str, matched: list[str],  # type: ignore[no-untyped-def]
        context: list[str]) -> None:
    from planner.services.structure import areas_of

    user = signed_in("viewer")
    example = rated_example(db, strategy, user)
    areas = {a.code: a.id for a in areas_of(db, strategy)}
    page = cascade_of(client, strategy, query.format(medicine=areas["MED"], ward=areas["W7"]))
    shown = [ref for _depth, ref in tree(page)]
    assert sorted(shown) == sorted(matched + context)
    assert sorted(context_refs(page)) == sorted(context)
    if matched:
        assert f"{len(matched)} {'objective matches' if len(matched) == 1 else 'objectives match'}" in page
    else:
        assert "No objective matches these filters." in page and 'id="cascade"' in page
    # Everything shown is unfolded, and the form keeps what was chosen.
    assert '<details class="app-obj__details">' not in page
    assert 'id="objective-filters"' in page and 'method="get"' in page
    # The table page takes the same query and lists the matches only.
    listing = get(client, f"/strategies/{strategy.id}/objectives?view=table&" + query[1:].format(
        medicine=areas["MED"], ward=areas["W7"]))
    assert sorted(row[0] for row in table(listing, "objective-table")) == sorted(matched)
    assert example  # the example is what the refs name


def test_a_filter_keeps_its_choices_in_the_form_and_ignores_values_it_does_not_offer(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    user = signed_in("viewer")
    rated_example(db, strategy, user)
    page = cascade_of(client, strategy, "?level=team&rag=red&q=vision&attention=yes")
    assert '<option value="team" selected>Team</option>' in page and '<option value="red" selected>Red</option>' in page
    assert 'name="q" type="search" value="vision"' in page and 'value="yes" checked' in page
    assert "Clear the filters" in page
    # Unknown values show everything, as no filter would.
    assert tree(cascade_of(client, strategy, "?level=board&rag=purple&area=x")) == tree(cascade_of(client, strategy))
    assert "Clear the filters" not in cascade_of(client, strategy)


def test_the_table_is_a_view_of_its_own_in_pages_that_keep_the_filter(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("planner.web.objectives.TABLE_PAGE", 3)
    user = signed_in("viewer")
    rated_example(db, strategy, user)
    base = f"/strategies/{strategy.id}/objectives?view=table"

    def refs(query: str) -> list[str]:
        return [row[0] for row in table(get(client, base + query), "objective-table")]

    assert (refs(""), refs("&page=2"), refs("&page=3")) == (["S1", "A1", "T1"], ["T2", "T3", "A2"], ["T4"])
    assert refs("&page=99") == ["T4"] and refs("&page=0") == refs("&page=x") == ["S1", "A1", "T1"]
    page = get(client, base + "&level=team&page=2")
    assert [row[0] for row in table(page, "objective-table")] == ["T4"]
    assert "4 of 7 objectives match the filters: 4 to 4 on this page." in text_of(page)
    assert 'rel="prev"' in page and 'rel="next"' not in page
    previous = re.search(r'href="([^"]+)" rel="prev"', page).group(1)  # type: ignore[union-attr]
    assert sorted(html.unescape(previous).split("?")[1].split("&")) == ["level=team", "page=1", "view=table"]
    # The filter form keeps to the table.
    assert '<input type="hidden" name="view" value="table">' in page
    assert '<input type="hidden" name="view" value="table">' not in get(client, f"/strategies/{strategy.id}/objectives")


def test_a_contributor_lands_on_my_objectives_and_everyone_else_on_their_strategies(
        client: FlaskClient, db: Session, org, strategy: Strategy) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    contributor = factories.make_member(db, org, role="contributor")
    older = factories.make_strategy(db, org, title="An older strategy", start_year=strategy.start_year - 3)
    make(db, older, "T1", owner_user_id=contributor.id)
    response = client.post("/login", data={"email": contributor.email, "password": factories.PASSWORD})
    # The newest strategy in which they own an objective, though a newer one exists.
    assert response.headers["Location"] == f"/strategies/{older.id}/objectives/mine"
    assert client.get("/").headers["Location"] == f"/strategies/{older.id}/objectives/mine"
    assert client.get("/login").headers["Location"] == f"/strategies/{older.id}/objectives/mine"
    client.post("/logout")
    # A next= link still wins.
    response = client.post(f"/login?next=/strategies/{strategy.id}",
                           data={"email": contributor.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == f"/strategies/{strategy.id}"
    client.post("/logout")
    for role in ("admin", "editor", "planner", "viewer"):
        member = factories.make_member(db, org, role=role)
        make(db, strategy, f"T-{role}", owner_user_id=member.id)
        login(client, member.email)
        assert client.get("/").headers["Location"] == "/strategies", role
        client.post("/logout")


def test_a_contributor_who_owns_nothing_lands_on_the_newest_strategy_or_the_list(
        client: FlaskClient, db: Session, org) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    contributor = factories.make_member(db, org, role="contributor")
    login(client, contributor.email)
    assert client.get("/").headers["Location"] == "/strategies"
    newest = factories.make_strategy(db, org, title="Our Leadership Strategy")
    assert client.get("/").headers["Location"] == f"/strategies/{newest.id}/objectives/mine"


# --- who may do what -----------------------------------------------------------------------------------------

ACTIONS = ("read the cascade", "read an objective", "download", "check in on own", "check in on another's",
           "add", "change", "delete", "import")
MAY = {
    "admin": set(ACTIONS), "editor": set(ACTIONS),
    "planner": {"read the cascade", "read an objective", "download"},
    "contributor": {"read the cascade", "read an objective", "download", "check in on own"},
    "viewer": {"read the cascade", "read an objective", "download"},
}


def _act(client: FlaskClient, action: str, strategy: Strategy, mine: Objective, theirs: Objective):  # type: ignore[no-untyped-def]
    base = f"/strategies/{strategy.id}/objectives"
    return {
        "read the cascade": lambda: client.get(base),
        "read an objective": lambda: client.get(f"{base}/{theirs.id}"),
        "download": lambda: client.get(f"{base}/export.csv"),
        "check in on own": lambda: check_in(client, strategy, mine, on="2026-09-30", value="5"),
        "check in on another's": lambda: check_in(client, strategy, theirs, on="2026-09-30", value="5"),
        "add": lambda: client.post(f"{base}/new", data={"ref": "NEW-1", "title": "A new objective for the trust",
                                                        "level": "strategic", "measure_kind": "none"}),
        "change": lambda: post_form(client, f"{base}/{theirs.id}/edit",
                                    data=form_of(theirs, title="Changed by someone")),
        "delete": lambda: client.post(f"{base}/{theirs.id}/delete"),
        "import": lambda: client.get(f"{base}/import"),
    }[action]()


def _snapshot(db: Session, strategy: Strategy) -> list[tuple[object, ...]]:
    rows = stored(db, strategy)
    return sorted((o.ref, o.title, o.parent_id, len(check_ins(db, o))) for o in rows.values())


@pytest.mark.parametrize("role", list(MAY))
def test_each_role_may_do_only_what_its_role_allows(client: FlaskClient, db: Session, org, strategy: Strategy,  # type: ignore[no-untyped-def]
                                                    signed_in, role: str) -> None:
    user = signed_in(role)
    owner = factories.make_member(db, org, role="contributor")
    mine = make(db, strategy, "T1", owner_user_id=user.id, measure_kind="target", baseline=0, target=10)
    theirs = make(db, strategy, "T2", owner_user_id=owner.id, measure_kind="target", baseline=0, target=10)
    statuses = {}
    for action in ACTIONS:  # in this order, so that deleting comes after the rest
        before = _snapshot(db, strategy)
        statuses[action] = _act(client, action, strategy, mine, theirs).status_code
        if statuses[action] == 403:
            assert _snapshot(db, strategy) == before, action
    reads = ("read the cascade", "read an objective", "download", "import")
    assert statuses == {action: (200 if action in reads else 302) if action in MAY[role] else 403
                        for action in ACTIONS}


@pytest.mark.parametrize(("role", "owns", "form_shown", "manage_shown"), [
    ("contributor", True, True, False),
    ("contributor", False, False, False),
    ("viewer", True, False, False),
    ("planner", True, False, False),
    ("editor", False, True, True),
])
def test_the_detail_page_offers_only_what_the_reader_may_do(
        client: FlaskClient, db: Session, org, strategy: Strategy, signed_in, role: str, owns: bool,  # type: ignore[no-untyped-def]
        form_shown: bool, manage_shown: bool) -> None:
    user = signed_in(role)
    objective = make(db, strategy, "T1", owner_user_id=user.id if owns else None)
    page = get(client, f"/strategies/{strategy.id}/objectives/{objective.id}")
    assert ("Record check-in" in page) is form_shown
    assert ("Change this objective" in page) is manage_shown
    assert ("Add an objective below it" in page) is manage_shown


@pytest.mark.parametrize("through", ["our strategy", "their strategy", "our other strategy"])
def test_an_objective_of_another_organisation_or_strategy_is_not_found(
        client: FlaskClient, db: Session, org, strategy: Strategy, signed_in, through: str) -> None:  # type: ignore[no-untyped-def]
    signed_in("admin")
    other_org = factories.make_org(db)
    theirs_strategy = factories.make_strategy(db, other_org)
    other_strategy = factories.make_strategy(db, org, title="Another plan")
    if through == "our other strategy":
        target_strategy, objective = strategy, make(db, other_strategy, "X1", title="Kept in another plan")
    else:
        objective = make(db, theirs_strategy, "X1", title="Kept in another trust")
        target_strategy = strategy if through == "our strategy" else theirs_strategy
    url = f"/strategies/{target_strategy.id}/objectives/{objective.id}"
    statuses = [
        client.get(url).status_code,
        client.post(f"{url}/check-in", data={"done": "yes"}).status_code,
        client.get(f"{url}/edit").status_code,
        post_form(client, f"{url}/edit", data=form_of(objective, title="Taken over")).status_code,
        client.post(f"{url}/delete").status_code,
    ]
    assert statuses == [404] * 5
    db.expire_all()
    kept = db.get(Objective, objective.id)
    assert kept is not None and kept.title.startswith("Kept in") and check_ins(db, kept) == []


def test_a_contributor_sees_their_own_objectives_on_my_objectives(
        client: FlaskClient, db: Session, org, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    user = signed_in("contributor")
    other = factories.make_member(db, org, role="contributor")
    mine = make(db, strategy, "T1", title="Hold a vision session with the team", owner_user_id=user.id,
                measure_kind="milestone")
    make(db, strategy, "T2", title="Someone else's objective here", owner_user_id=other.id)
    page = get(client, f"/strategies/{strategy.id}/objectives/mine")
    assert [row[0] for row in table(page, "my-objectives")] == ["T1 Hold a vision session with the team"]
    assert table(page, "my-objectives")[0][3] == "None yet"
    assert check_in(client, strategy, mine, on="2026-10-01", done="yes", note="Held").status_code == 302
    row = table(get(client, f"/strategies/{strategy.id}/objectives/mine"), "my-objectives")[0]
    assert row[1:] == ["100%", "Green", "1 October 2026"]


# --- alignment -----------------------------------------------------------------------------------------------


def test_alignment_lists_orphans_unreaching_strategies_empty_areas_and_unowned_gaps(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    from planner.services import diversity

    user = signed_in("editor")
    ed = factories.make_area(db, strategy, "ED", "Emergency Department")
    factories.make_area(db, strategy, "AMU", "Acute Medical Unit")
    factories.make_area(db, strategy, "W7", "Ward Seven")
    s1 = make(db, strategy, "S1", title="Reaches a team", level="strategic")
    a1 = make(db, strategy, "A1", title="Area under S1", level="area", parent_id=s1.id, area_id=ed.id)
    make(db, strategy, "T1", title="Team under A1", level="team", parent_id=a1.id, area_id=ed.id)
    s2 = make(db, strategy, "S2", title="Reaches only an area", level="strategic")
    make(db, strategy, "A2", title="Area under S2", level="area", parent_id=s2.id, area_id=ed.id)
    make(db, strategy, "A3", title="An area objective nobody asked for", level="area")
    target = diversity.save_target(session=db, strategy=strategy, actor=user, values={
        "characteristic": "ethnicity", "group_key": "bme", "level_id": None, "target_share": 0.2,
        "target_year": 2030})
    url = f"/strategies/{strategy.id}/objectives/alignment"

    def listed(page: str, section: str) -> list[str]:
        block = page.split(f'id="{section}"', 1)[1].split("<h2", 1)[0]
        return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", block, re.S)]

    page = get(client, url)
    assert listed(page, "orphans") == ["A3 An area objective nobody asked for"]
    assert listed(page, "unreaching") == ["S2 Reaches only an area"]
    assert listed(page, "areas-without") == ["Acute Medical Unit", "Ward Seven"]
    assert table(page, "unowned-gaps") == [["Black and minority ethnic (BME): 20.0% of all leaders by 2030",
                                            "Diversity target",
                                            f"target:{target.id}"]]

    a2 = stored(db, strategy)["A2"]
    linked = post_form(client, f"/strategies/{strategy.id}/objectives/{a2.id}/edit",
                       data=form_of(a2, link_kind="diversity target", link_ref=f"target:{target.id}"))
    assert linked.status_code == 302
    page = get(client, url)
    assert table(page, "unowned-gaps") == [] and "Every gap has an owner." in page
    api = {i["ref"]: i for i in client.get(f"/api/v1/strategies/{strategy.id}/objectives").get_json()["objectives"]}
    assert api["A2"]["gap"] == {"kind": "diversity target", "ref": f"target:{target.id}"}


# --- files ---------------------------------------------------------------------------------------------------

HEADER = "ref,parent_ref,title,level,area,owner,measure,baseline,target,current,unit,start,due,weight,confidence"
GOOD_ROW = "N1,,A good new objective here,strategic,,,,,,,,2026-04-01,2031-03-31,,"
# (case, the file's rows after the heading, the problem's kind, its row, its column); the stored cascade
# is S1 <- A1 (A1 sits below S1).
REFUSED = [
    ("a loop in the file", [GOOD_ROW, "X1,X2,First of a loop,team,,,,,,,,,,,",
                            "X2,X1,Second of a loop,team,,,,,,,,,,,"], "cycle", 3, "parent_ref"),
    ("a loop through stored parents", [GOOD_ROW, "S1,A1,Now below its own child,strategic,,,,,,,,,,,"],
     "cycle", 3, "parent_ref"),
    ("an objective as its own parent", ["Z1,z1,Its own parent,team,,,,,,,,,,,"], "cycle", 2, "parent_ref"),
    ("an unknown parent", [GOOD_ROW, "T9,NOPE,Below nothing at all,team,,,,,,,,,,,"], "unknown parent", 3,
     "parent_ref"),
    ("an impossible date", [GOOD_ROW, "T9,S1,Due on a day that is not,team,,,,,,,,2026-04-01,31/02/2027,,"],
     "bad date", 3, "due"),
    ("a due date before the start", [GOOD_ROW, "T9,S1,Due before it starts,team,,,,,,,,2027-04-01,2026-04-01,,"],
     "bad date", 3, "due"),
    ("a ref used twice", [GOOD_ROW, "n1,,The same ref in small letters,strategic,,,,,,,,,,,"], "duplicate ref", 3,
     "ref"),
    ("a range from high to low", [GOOD_ROW, "T9,S1,Keep within a range,team,,,range,,95 to 92,,,,,,"],
     "bad measure", 3, "target"),
    ("an unknown area", [GOOD_ROW, "T9,S1,In an area we lack,team,NOWHERE,,,,,,,,,,"], "unknown area", 3, "area"),
]


def refused_file(lines: list[str]) -> bytes:
    return csv_lines(HEADER, *lines)


@pytest.fixture
def stored_pair(db: Session, strategy: Strategy) -> dict[str, Objective]:
    s1 = make(db, strategy, "S1", title="The stored strategic objective", level="strategic")
    a1 = make(db, strategy, "A1", title="The stored area objective", level="area", parent_id=s1.id)
    return {"S1": s1, "A1": a1}


@pytest.mark.parametrize(("case", "lines", "kind", "row", "column"), REFUSED, ids=[r[0] for r in REFUSED])
def test_an_import_with_any_problem_is_refused_through_the_page_and_nothing_is_stored(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, stored_pair: dict[str, Objective],  # type: ignore[no-untyped-def]
        case: str, lines: list[str], kind: str, row: int, column: str) -> None:
    signed_in("editor")
    before = _snapshot(db, strategy)
    response = upload(client, strategy, refused_file(lines))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was stored." in page
    assert f"<li>{kind.capitalize()}: 1</li>" in page or f"<li>{kind.capitalize()}: 2</li>" in page
    assert [row, column] == [int(c) if i == 0 else c for i, c in enumerate(table(page, "problems")[0][:2])]
    assert _snapshot(db, strategy) == before


@pytest.mark.parametrize(("name", "data", "message"), [
    ("objectives.csv", b"", "The file is empty."),
    ("objectives.csv", csv_lines("ref,title"), "The file has no 'level' column."),
    ("objectives.csv", csv_lines("ref,title,level"), "The file has column headings but no objectives."),
    ("objectives.xlsx", b"PK\x03\x04 not really a workbook", ""),
    # UTF-8 and Windows-1252 lines pasted together: refused, never stored as "SiÃ¢nâ€™s team".
    ("objectives.csv", csv_lines("ref,title,level", "T1,Siân’s team,team") + "T2,Rhodri’s team,team\n".encode("cp1252"),
     "Line 3 is not UTF-8 text; save the file as CSV UTF-8 and try again."),
])
def test_a_file_that_cannot_be_read_is_refused_with_one_sentence(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, name: str, data: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    response = upload(client, strategy, data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="objectives-error"' in page
    assert html.unescape(message) in html.unescape(page)
    assert stored(db, strategy) == {}


def test_an_upload_without_a_file_asks_for_one(client: FlaskClient, db: Session, strategy: Strategy,  # type: ignore[no-untyped-def]
                                               signed_in) -> None:
    signed_in("editor")
    response = client.post(f"/strategies/{strategy.id}/objectives/import", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a file of objectives" in response.get_data(as_text=True)


FORMULA = '=HYPERLINK("http://evil.example","Click me")'


def test_formula_text_is_stored_as_text_and_the_download_neutralises_it(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ref", "parent_ref", "title", "level", "owner", "unit", "measure", "baseline", "target"])
    writer.writerow(["F1", "", FORMULA, "strategic", "@Chief Executive", "", "target", "-5", "+10"])
    writer.writerow(["F2", "F1", "-2 days on waits", "area", "+44 Team", "=1+1", "", "", ""])
    response = upload(client, strategy, out.getvalue().encode("utf-8"))
    assert response.status_code == 302
    saved = stored(db, strategy)
    assert saved["F1"].title == FORMULA and saved["F1"].owner_name == "@Chief Executive"
    assert (saved["F1"].baseline, saved["F1"].target) == (-5.0, 10.0)
    assert (saved["F2"].title, saved["F2"].owner_name, saved["F2"].unit) == ("-2 days on waits", "+44 Team", "=1+1")
    shown = get(client, f"/strategies/{strategy.id}/objectives/{saved['F1'].id}")
    assert text_of(re.search(r"<h1>(.*?)</h1>", shown, re.S).group(1)) == FORMULA  # type: ignore[union-attr]
    assert '<a href="http://evil.example"' not in shown

    download = client.get(f"/strategies/{strategy.id}/objectives/export.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.data.startswith(b"\xef\xbb\xbf")
    rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(download.data.decode("utf-8-sig")))}
    assert rows["F1"]["title"] == "'" + FORMULA and rows["F1"]["owner"] == "'@Chief Executive"
    assert (rows["F1"]["baseline"], rows["F1"]["target"]) == ("-5", "10")  # numbers stay numbers
    assert (rows["F2"]["title"], rows["F2"]["owner"], rows["F2"]["unit"]) == ("'-2 days on waits", "'+44 Team",
                                                                              "'=1+1")
    assert not [cell for row in rows.values() for key, cell in row.items()
                if key not in ("baseline", "target", "current", "weight") and cell[:1] in ("=", "+", "-", "@")]

    again = upload(client, strategy, download.data)
    assert again.status_code == 302
    resaved = stored(db, strategy)
    assert (resaved["F1"].title, resaved["F2"].unit, resaved["F2"].owner_name) == (FORMULA, "=1+1", "+44 Team")


def test_rows_whose_ref_is_stored_update_it_and_a_parent_may_already_be_stored(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, stored_pair: dict[str, Objective]) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    response = upload(client, strategy, refused_file([
        "a1,S1,The area objective renamed,area,,Head of Nursing,target,10,20,15,%,2026-04-01,2028-03-31,2,high",
        "T1,A1,A team objective below a stored one,team,,,milestone,,,done,,2026-04-01,2027-03-31,,medium",
    ]))
    assert response.status_code == 302
    assert "1 objectives added and 1 updated." in get(client, response.headers["Location"])
    after = stored(db, strategy)
    assert sorted(after) == ["A1", "S1", "T1"]  # 'a1' updated A1 and kept its spelling
    a1 = after["A1"]
    assert a1.id == stored_pair["A1"].id
    assert (a1.title, a1.owner_name, a1.measure_kind, a1.baseline, a1.target, a1.weight) == (
        "The area objective renamed", "Head of Nursing", "target", 10.0, 20.0, 2.0)
    assert after["T1"].parent_id == a1.id
    api = {i["ref"]: i for i in client.get(f"/api/v1/strategies/{strategy.id}/objectives").get_json()["objectives"]}
    assert api["A1"]["progress"] == pytest.approx(0.5) and api["T1"]["progress"] == 1.0


# A stored objective, then a file that changes every value except those of one missing column.
COLUMN_FIELDS = {
    "parent_ref": ("parent_id",), "area": ("area_id",), "owner": ("owner_name",), "baseline": ("baseline",),
    "target": ("target",), "unit": ("unit",), "start": ("start",), "due": ("due",), "weight": ("weight",),
    "confidence": ("confidence",),
}


@pytest.mark.parametrize("missing", list(COLUMN_FIELDS))
def test_a_column_missing_from_the_file_leaves_the_stored_values_alone(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in, missing: str) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    ed = factories.make_area(db, strategy, "ED", "Emergency Department")
    factories.make_area(db, strategy, "AMU", "Acute Medical Unit")
    p1 = make(db, strategy, "P1", level="area")
    make(db, strategy, "P2", level="area")
    make(db, strategy, "T1", title="The stored title", parent_id=p1.id, area_id=ed.id, owner_name="Matron",
         measure_kind="target", baseline=10, target=20, unit="%", start="2026-04-01", due="2027-03-31", weight=2,
         confidence="high", description="Kept from the form", link_kind="diversity target", link_ref="target:9")
    before = stored(db, strategy)["T1"].model_dump()
    changed = {"ref": "T1", "parent_ref": "P2", "title": "The new title", "level": "team", "area": "AMU",
               "owner": "Head of Nursing", "measure": "target", "baseline": "1", "target": "2", "unit": "days",
               "start": "2026-05-01", "due": "2027-06-30", "weight": "5", "confidence": "medium"}
    del changed[missing]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(changed))
    writer.writeheader()
    writer.writerow(changed)
    response = upload(client, strategy, out.getvalue().encode("utf-8"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    after = stored(db, strategy)["T1"].model_dump()
    assert after["title"] == "The new title"
    for column, fields in COLUMN_FIELDS.items():
        for field in fields:
            assert (after[field] == before[field]) is (column == missing), (column, field, after[field])
    assert (after["description"], after["link_kind"], after["link_ref"]) == (
        "Kept from the form", "diversity target", "target:9")


def test_an_update_from_a_file_keeps_the_reason_for_low_confidence_and_a_rag_set_by_hand(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    make(db, strategy, "T1", title="A low confidence objective here", confidence="low",
         confidence_reason="New service, little data yet", rag_override="green", rag_reason="Agreed by the board")
    download = client.get(f"/strategies/{strategy.id}/objectives/export.csv").data
    assert upload(client, strategy, download).status_code == 302
    after = stored(db, strategy)["T1"]
    assert (after.confidence_reason, after.rag_override, after.rag_reason) == (
        "New service, little data yet", "green", "Agreed by the board")


def test_a_file_without_a_measure_column_records_current_values_of_stored_objectives(
        client: FlaskClient, db: Session, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("editor")
    objective = make(db, strategy, "T1", title="Cut the time to hire leaders", measure_kind="target", baseline=20,
                     target=5)
    response = upload(client, strategy, csv_lines("ref,title,level,current", "T1,Cut the time to hire leaders,team,8"))
    assert response.status_code == 302
    assert [c.value for c in check_ins(db, objective)] == [8.0]


def test_the_download_imports_again_to_the_same_cascade(
        client: FlaskClient, db: Session, org, strategy: Strategy, signed_in) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_objectives_api import CASCADE, cascade_csv

    signed_in("editor")
    copy = factories.make_strategy(db, org, title="A copy")
    for each in (strategy, copy):
        factories.make_area(db, each, "ED", "Emergency Department")
        factories.make_area(db, each, "AMU", "Acute Medical Unit")
    assert upload(client, strategy, cascade_csv()).status_code == 302

    def cascade_of(which: Strategy) -> list[dict[str, object]]:
        items = client.get(f"/api/v1/strategies/{which.id}/objectives").get_json()["objectives"]
        return [{k: v for k, v in item.items() if k != "id"} for item in items]

    original = cascade_of(strategy)
    download = client.get(f"/strategies/{strategy.id}/objectives/export.csv").data
    header = download.decode("utf-8-sig").splitlines()[0]
    assert header == HEADER
    rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(download.decode("utf-8-sig")))}
    assert (rows["A3"]["target"], rows["A3"]["baseline"], rows["T4"]["target"]) == ("92 to 95", "90", "3 to 5")
    assert (rows["I1"]["current"], rows["I2"]["current"], rows["S1"]["start"]) == ("done", "", "2026-04-01")
    assert (rows["I3"]["weight"], rows["S2"]["baseline"], rows["S2"]["current"]) == ("0.25", "800", "350")

    again = upload(client, strategy, download)
    assert again.status_code == 302
    assert f"0 objectives added and {len(CASCADE)} updated." in get(client, again.headers["Location"])
    assert cascade_of(strategy) == original

    assert upload(client, copy, download).status_code == 302
    assert cascade_of(copy) == original


def test_dates_on_the_page_are_written_one_way(client: FlaskClient, db: Session, strategy: Strategy,
                                               signed_in) -> None:  # type: ignore[no-untyped-def]
    # The page once wrote its own dates ('01 Apr 2026'); every page now uses the long_date filter.
    signed_in("viewer")
    objective = make(db, strategy, "T1", start="2026-04-01", due="2027-03-05")
    page = get(client, f"/strategies/{strategy.id}/objectives/{objective.id}")
    assert "1 April 2026 to 5 March 2027" in page
    assert "01 Apr" not in page and "05 Mar" not in page
