"""The Competencies step through its pages: the three frameworks on first use, required steps, the
organisation's own competencies, typed and imported assessments, the gaps (worked examples of
docs/competencies.md), the development plan, and who may do what. Every check reads back what a
user sees (the page or the API) or what was stored, never the code that wrote it."""

from __future__ import annotations

import csv
import html
import io
import json
import random
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel, func, select

from planner.competencies.frameworks import default_frameworks
from planner.models import AssessedCount, Competency, Intervention, InterventionTarget, Level, RequiredStep
from tests import factories
from tests.conftest import login
from tests.editing import post_form

LEVELS = ("board", "senior", "middle", "frontline")
LEVEL_NAMES = {"board": "Board", "senior": "Senior leaders", "middle": "Middle leaders",
               "frontline": "Frontline leaders"}
CV, CARE, TEAM = "clf-collective-vision", "hlm-leading-with-care", "hlm-engaging-the-team"


# --- reading pages ---------------------------------------------------------------------------------

class _Page(HTMLParser):
    """Body rows of every table by id, and the value each <select> would submit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.selects: dict[str, str] = {}
        self._table: str | None = None
        self._body = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._select: str | None = None
        self._chosen = False

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
        elif tag == "select":
            self._select, self._chosen = a.get("name"), False
        elif tag == "option" and self._select and (
                self._select not in self.selects or ("selected" in a and not self._chosen)):
            self.selects[self._select] = a.get("value") or ""
            self._chosen = self._chosen or "selected" in a

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
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page(response) -> _Page:  # type: ignore[no-untyped-def]
    parsed = _Page()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


# --- arranging and reading back --------------------------------------------------------------------

def frameworks_file(repo_root: Path) -> list[dict[str, Any]]:
    data = json.loads((repo_root / "data" / "competencies" / "frameworks.json").read_text(encoding="utf-8"))
    return data["frameworks"]  # type: ignore[no-any-return]


def comp_ids(db: Session, organisation_id: int) -> dict[str, int]:
    db.expire_all()
    return {key: cid for key, cid in db.exec(select(Competency.key, Competency.id).where(
        Competency.organisation_id == organisation_id))}


def level_ids(db: Session, strategy) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {key: factories.level(db, strategy, key).id for key in LEVELS}  # type: ignore[misc]


def stored_required(db: Session, strategy) -> dict[tuple[int, int], int]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return {(c, lv): step for c, lv, step in db.exec(select(
        RequiredStep.competency_id, RequiredStep.level_id, RequiredStep.step).where(
        RequiredStep.strategy_id == strategy.id))}


def stored_assessed(db: Session, strategy) -> dict[tuple[int, int, int], dict[int, int]]:  # type: ignore[no-untyped-def]
    db.expire_all()
    out: dict[tuple[int, int, int], dict[int, int]] = {}
    for area, level, comp, step, n in db.exec(select(
            AssessedCount.area_id, AssessedCount.level_id, AssessedCount.competency_id, AssessedCount.step,
            AssessedCount.count).where(AssessedCount.strategy_id == strategy.id)):
        if n:
            out.setdefault((area, level, comp), {})[step] = n
    return out


def count(db: Session, model) -> int:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()  # type: ignore[no-any-return]


@pytest.fixture
def areas(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    med = factories.make_area(db, strategy, "MED", "Medicine")
    ed = factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    sur = factories.make_area(db, strategy, "SUR", "Surgery")
    return {"MED": med, "MED-ED": ed, "SUR": sur}


@pytest.fixture
def editor(client: FlaskClient, signed_in, strategy):  # type: ignore[no-untyped-def]
    """A planner signed in, with the frameworks in place (the competency page was opened once)."""
    signed_in("planner")
    assert client.get(f"/strategies/{strategy.id}/competencies").status_code == 200
    return client


def base(strategy) -> str:  # type: ignore[no-untyped-def]
    return f"/strategies/{strategy.id}/competencies"


def framework_of(key: str) -> str:
    """The framework a shipped competency belongs to: its key's prefix (hlm-, lcf-, clf-)."""
    return key.split("-", 1)[0]


def required_page(strategy, competency_key: str) -> str:  # type: ignore[no-untyped-def]
    """The page where one framework's required steps are changed."""
    return f"{base(strategy)}/required/{framework_of(competency_key)}"


def type_in(client: FlaskClient, db: Session, strategy, area, level_key: str,  # type: ignore[no-untyped-def]
            counts: dict[str, dict[int, int]]):
    """Post the assessments form of one area and level with these counts (every other box left empty)."""
    ids = comp_ids(db, strategy.organisation_id)
    level_id = factories.level(db, strategy, level_key).id
    data = {"area": str(area.id), "level": str(level_id)}
    for key, steps in counts.items():
        for step, n in steps.items():
            data[f"n-{ids[key]}-{step}"] = str(n)
    return client.post(f"{base(strategy)}/assessments?area={area.id}&level={level_id}", data=data)


def gap_rows(client: FlaskClient, strategy, area=None) -> list[list[str]]:  # type: ignore[no-untyped-def]
    query = f"?area={area.id}" if area is not None else ""
    response = client.get(f"{base(strategy)}/gaps{query}")
    assert response.status_code == 200
    return page(response).tables["gaps-table"]


# --- frameworks and required steps -----------------------------------------------------------------

def test_first_visit_gives_the_organisation_the_three_frameworks_with_their_default_steps(
        client: FlaskClient, db: Session, org, strategy, signed_in, repo_root: Path) -> None:
    signed_in("planner")
    assert comp_ids(db, org.id) == {}
    response = client.get(base(strategy))
    assert response.status_code == 200
    shown = page(response)
    ids = comp_ids(db, org.id)
    levels = level_ids(db, strategy)
    expected_total = 0
    for framework in frameworks_file(repo_root):
        competencies = [c for d in framework["domains"] for c in d["competencies"]]
        expected_total += len(competencies)
        rows = [r for r in shown.tables[f"framework-{framework['key']}"] if len(r) > 2]  # domain headings span
        assert [r[0].split(" Change")[0] for r in rows] == [
            " ".join(f"{c['name']} {c['description']}".split()) for c in competencies]
        assert [r[1] for r in rows] == [c["kind"].capitalize() for c in competencies]
        names = {s.step: s.name for s in default_frameworks()[0]}
        for row, c in zip(rows, competencies, strict=True):  # each level's step in words, "Not needed" for none
            assert row[2:] == [f"{c['required'][key]} {names[c['required'][key]]}" if c["required"].get(key)
                               else "Not needed" for key in LEVELS]
        # Changed a framework at a time: its form holds its competencies' steps and no other framework's.
        form = page(client.get(f"{base(strategy)}/required/{framework['key']}")).selects
        assert set(form) == {f"req-{ids[c['key']]}-{levels[key]}" for c in competencies for key in LEVELS}
        for c in competencies:
            for key in LEVELS:  # the select shows the framework's step for the level
                assert form[f"req-{ids[c['key']]}-{levels[key]}"] == str(c["required"].get(key) or "")
    assert expected_total == 32 and len(ids) == expected_total
    client.get(base(strategy))  # a second visit copies nothing again
    assert len(comp_ids(db, org.id)) == expected_total


def test_required_steps_are_saved_through_the_form(editor: FlaskClient, db: Session, org, strategy) -> None:
    ids, levels = comp_ids(db, org.id), level_ids(db, strategy)
    before = stored_required(db, strategy)
    assert before[(ids[CV], levels["middle"])] == 3
    for key, level, step in ((CV, "middle", "4"), (CARE, "frontline", "1")):  # two frameworks, one form each
        form = page(editor.get(required_page(strategy, key))).selects
        form[f"req-{ids[key]}-{levels[level]}"] = step
        response = post_form(editor, required_page(strategy, key), data=form)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"#{framework_of(key)}")
    expected = {**before, (ids[CV], levels["middle"]): 4, (ids[CARE], levels["frontline"]): 1}
    assert stored_required(db, strategy) == expected
    assert page(editor.get(required_page(strategy, CV))).selects[f"req-{ids[CV]}-{levels['middle']}"] == "4"
    assert page(editor.get(required_page(strategy, CARE))).selects[f"req-{ids[CARE]}-{levels['frontline']}"] == "1"
    api = editor.get(f"/api/v1/strategies/{strategy.id}/competencies").get_json()
    listed = {c["key"]: c for f in api["frameworks"] for c in f["competencies"]}
    assert listed[CV]["required"] == {"board": 4, "senior": 4, "middle": 4, "frontline": 2}
    assert listed[CARE]["required"] == {"board": 4, "senior": 3, "middle": 3, "frontline": 1}
    assert stored_required(db, strategy) == expected


def test_a_step_set_to_not_needed_stays_not_needed(editor: FlaskClient, db: Session, org, strategy) -> None:
    ids, levels = comp_ids(db, org.id), level_ids(db, strategy)
    address = required_page(strategy, "lcf-risk-and-duties")
    form = page(editor.get(address)).selects
    cell = f"req-{ids['lcf-risk-and-duties']}-{levels['frontline']}"
    assert form[cell] == "1"
    form[cell] = ""  # Not needed
    assert post_form(editor, address, data=form).status_code == 302
    assert (ids["lcf-risk-and-duties"], levels["frontline"]) not in stored_required(db, strategy)
    assert page(editor.get(address)).selects[cell] == ""
    api = editor.get(f"/api/v1/strategies/{strategy.id}/competencies").get_json()
    listed = {c["key"]: c for f in api["frameworks"] for c in f["competencies"]}
    assert listed["lcf-risk-and-duties"]["required"] == {"board": 4, "senior": 3, "middle": 2}


@pytest.mark.parametrize("bad", ["5", "0", "three", "2.5", "-1"])
def test_an_invalid_required_step_is_refused_and_nothing_is_stored(editor: FlaskClient, db: Session, org,
                                                                   strategy, bad: str) -> None:
    ids, levels = comp_ids(db, org.id), level_ids(db, strategy)
    address = required_page(strategy, CV)
    form = page(editor.get(address)).selects
    before = stored_required(db, strategy)
    form[f"req-{ids['clf-outcome-focus']}-{levels['board']}"] = "1"  # a good change in the same post
    form[f"req-{ids[CV]}-{levels['senior']}"] = bad
    response = post_form(editor, address, data=form)
    assert response.status_code == 400
    said = text(response)
    assert "Collective vision, Senior leaders: choose a step from 1 to 4, or Not needed" in said  # the summary
    field = f"req-{ids[CV]}-{levels['senior']}"  # and beside the field, which points to its message
    assert f'id="{field}-error"><span class="nhsuk-u-visually-hidden">Error:</span> Choose a step' in said
    assert f'aria-describedby="{field}-error"' in said
    assert "<title>Error: " in said
    assert stored_required(db, strategy) == before
    # What was typed is kept: the good change is still chosen, ready to save once the bad one is fixed.
    assert page(response).selects[f"req-{ids['clf-outcome-focus']}-{levels['board']}"] == "1"


@pytest.mark.parametrize("kind", ["generic", "role-specific"])
def test_an_own_competency_is_added_listed_and_renamed(editor: FlaskClient, db: Session, org, strategy,
                                                       kind: str) -> None:
    response = editor.post(f"{base(strategy)}/own", data={
        "name": "Digital confidence", "kind": kind, "description": "Uses data and digital tools well."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#own")
    listed = page(editor.get(base(strategy))).tables["framework-own"]
    assert [r[:2] for r in listed] == [["Digital confidence Uses data and digital tools well. Change Digital "
                                        "confidence", kind.capitalize()]]
    own = comp_ids(db, org.id)
    assert len(own) == 33
    new_id = next(cid for key, cid in own.items() if key.startswith("own-"))
    api = editor.get(f"/api/v1/strategies/{strategy.id}/competencies").get_json()
    assert api["frameworks"][-1]["competencies"] == [
        {"key": "own-digital-confidence", "name": "Digital confidence", "kind": kind, "required": {}}]

    renamed = post_form(editor, f"{base(strategy)}/{new_id}/edit", data={
        "name": "Digital leadership", "kind": kind, "description": "Leads digital change."})
    assert renamed.status_code == 302
    listed = page(editor.get(base(strategy))).tables["framework-own"]
    assert listed[0][0].startswith("Digital leadership Leads digital change.")
    assert "Digital confidence" not in text(editor.get(base(strategy)))
    api = editor.get(f"/api/v1/strategies/{strategy.id}/competencies").get_json()
    assert api["frameworks"][-1]["competencies"][0]["key"] == "own-digital-confidence"  # files keep working
    assert api["frameworks"][-1]["competencies"][0]["name"] == "Digital leadership"


@pytest.mark.parametrize(("values", "message"), [
    ({"name": "  ", "kind": "generic"}, "Enter the competency's name"),
    ({"name": "Resilience", "kind": "expert"}, "Choose generic or role-specific"),
    ({"name": "Resilience", "kind": ""}, "Choose generic or role-specific"),
])
def test_an_own_competency_needs_a_name_and_a_kind(editor: FlaskClient, db: Session, org, strategy,
                                                   values: dict[str, str], message: str) -> None:
    before = comp_ids(db, org.id)
    response = editor.post(f"{base(strategy)}/own", data={**values, "description": ""})
    assert response.status_code == 400 and message in text(response)
    assert comp_ids(db, org.id) == before
    cid = before[CV]
    edit = post_form(editor, f"{base(strategy)}/{cid}/edit", data={**values, "description": ""})
    assert edit.status_code == 400 and message in text(edit)
    db.expire_all()
    assert db.exec(select(Competency.name, Competency.kind).where(Competency.id == cid)).one() == (
        "Collective vision", "generic")


# --- typed assessments and the gaps ----------------------------------------------------------------

# The worked example of docs/competencies.md: Medicine's 20 middle leaders on Collective vision
# (required step 3) and Surgery's 10; the organisation total adds the counts, it does not average shares.
MEDICINE = {CV: {1: 2, 2: 5, 3: 8, 4: 5}, CARE: {1: 4, 2: 4, 3: 2}, TEAM: {3: 5, 4: 5}}
SURGERY = {CV: {2: 3, 3: 7}}


@pytest.fixture
def worked(editor: FlaskClient, db: Session, strategy, areas) -> FlaskClient:  # type: ignore[no-untyped-def]
    assert type_in(editor, db, strategy, areas["MED"], "middle", MEDICINE).status_code == 302
    assert type_in(editor, db, strategy, areas["SUR"], "middle", SURGERY).status_code == 302
    return editor


@pytest.mark.parametrize(("area", "expected"), [
    (None, [["Leading with care", "Middle leaders", "3", "10", "8", "80.0%"],
            ["Collective vision", "Middle leaders", "3", "30", "10", "33.3%"],
            ["Engaging the team", "Middle leaders", "3", "10", "0", "0.0%"]]),
    ("MED", [["Leading with care", "Middle leaders", "3", "10", "8", "80.0%"],
             ["Collective vision", "Middle leaders", "3", "20", "7", "35.0%"],
             ["Engaging the team", "Middle leaders", "3", "10", "0", "0.0%"]]),
    ("SUR", [["Collective vision", "Middle leaders", "3", "10", "3", "30.0%"]]),
])
def test_typed_counts_give_the_worked_gaps_largest_first(worked: FlaskClient, strategy, areas, area: str | None,
                                                        expected: list[list[str]]) -> None:
    assert gap_rows(worked, strategy, areas[area] if area else None) == expected


def test_the_heatmap_data_parses_and_holds_the_organisation_shares(worked: FlaskClient, strategy) -> None:
    response = worked.get(f"{base(strategy)}/gaps")
    body = response.get_data(as_text=True)
    assert 'id="gaps-table"' in body
    raw = body.split('id="chart-heatmap-data">', 1)[1].split("</script>", 1)[0]
    figure = json.loads(raw)
    trace = figure["data"][0]
    assert trace["type"] == "heatmap"
    cells = {(y, x): trace["z"][i][j] for i, y in enumerate(trace["y"]) for j, x in enumerate(trace["x"])}
    assert cells == {("Collective vision", "Middle leaders"): pytest.approx(10 / 30),
                     ("Engaging the team", "Middle leaders"): 0,
                     ("Leading with care", "Middle leaders"): pytest.approx(0.8)}


def test_a_child_area_counts_in_its_parents_drill_down(worked: FlaskClient, db: Session, strategy, areas) -> None:
    assert type_in(worked, db, strategy, areas["MED-ED"], "middle", {CV: {1: 5}}).status_code == 302
    assert ["Collective vision", "Middle leaders", "3", "5", "5", "100.0%"] in gap_rows(worked, strategy,
                                                                                        areas["MED-ED"])
    assert ["Collective vision", "Middle leaders", "3", "25", "12", "48.0%"] in gap_rows(worked, strategy,
                                                                                         areas["MED"])
    assert ["Collective vision", "Middle leaders", "3", "35", "15", "42.9%"] in gap_rows(worked, strategy)


def test_saving_one_area_and_level_leaves_the_others(worked: FlaskClient, db: Session, strategy, areas) -> None:
    ids, levels = comp_ids(db, strategy.organisation_id), level_ids(db, strategy)
    assert type_in(worked, db, strategy, areas["MED"], "middle", {CV: {4: 1}}).status_code == 302
    assert stored_assessed(db, strategy) == {
        (areas["MED"].id, levels["middle"], ids[CV]): {4: 1},
        (areas["SUR"].id, levels["middle"], ids[CV]): {2: 3, 3: 7},
    }


@pytest.mark.parametrize("bad", ["-1", "abc", "2.5", "٣"])
def test_a_count_that_is_not_a_whole_number_is_refused(worked: FlaskClient, db: Session, strategy, areas,
                                                       bad: str) -> None:
    before = stored_assessed(db, strategy)
    response = type_in(worked, db, strategy, areas["MED"], "middle", {CV: {1: 9, 2: bad}})  # type: ignore[dict-item]
    assert response.status_code == 400
    said = text(response)  # one message, naming the box: "cannot be negative" for -1, else "must be a whole number"
    assert "Collective vision, step 2" in said and "a whole number of 0 or more" in said
    assert stored_assessed(db, strategy) == before


def test_an_area_of_another_strategy_is_not_found(worked: FlaskClient, db: Session, org, strategy) -> None:
    other = factories.make_strategy(db, org, title="Other")
    elsewhere = factories.make_area(db, other, "ELSE", "Elsewhere")
    assert worked.get(f"{base(strategy)}/gaps?area={elsewhere.id}").status_code == 404
    assert type_in(worked, db, strategy, elsewhere, "middle", {CV: {1: 1}}).status_code == 404


# --- importing assessments -------------------------------------------------------------------------

def csv_file(rows: list[list[str]], header: tuple[str, ...] = ("area", "level", "competency", "step")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client: FlaskClient, strategy, data: bytes, filename: str = "assessments.csv"):  # type: ignore[no-untyped-def]
    return client.post(f"{base(strategy)}/assessments/import",
                       data={"assessments": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def generated(seed: int, rows: int) -> tuple[list[list[str]], Counter[tuple[str, str, str, int]]]:
    """Rows as a survey tool might write them (codes or names, a few spellings) and what they count as."""
    rng = random.Random(seed)
    area_spellings = {"MED": ["MED", "Medicine", "med"], "MED-ED": ["MED-ED", "Emergency Department"],
                      "SUR": ["SUR", "Surgery"]}
    level_spellings = {k: [k, LEVEL_NAMES[k], k.upper()] for k in LEVELS}
    step_spellings = {1: ["1", "1.0", "Step 1"], 2: ["2"], 3: ["3", "step 3"], 4: ["4", "4.0"]}
    competencies = [CV, CARE, TEAM, "lcf-risk-and-duties", "clf-partnership-working"]
    out: list[list[str]] = []
    counted: Counter[tuple[str, str, str, int]] = Counter()
    for _ in range(rows):
        area, level = rng.choice(sorted(area_spellings)), rng.choice(LEVELS)
        competency, step = rng.choice(competencies), rng.choice([1, 2, 2, 3, 3, 3, 4])
        out.append([rng.choice(area_spellings[area]), rng.choice(level_spellings[level]),
                    competency if rng.random() < 0.8 else competency.upper(), rng.choice(step_spellings[step])])
        counted[(area, level, competency, step)] += 1
    return out, counted


def independent_gaps(counted: Counter[tuple[str, str, str, int]], repo_root: Path) -> list[dict[str, Any]]:
    """The gaps worked out here from first principles, in the documented order."""
    required = {(level, c["key"]): c["required"][level] for f in frameworks_file(repo_root)
                for d in f["domains"] for c in d["competencies"] for level in LEVELS}
    cells: dict[tuple[str | None, str, str], dict[int, int]] = {}
    for (area, level, competency, step), n in counted.items():
        for where in (area, None):
            steps = cells.setdefault((where, level, competency), {})
            steps[step] = steps.get(step, 0) + n
    out = []
    for (area, level, competency), steps in cells.items():
        need = required[(level, competency)]
        assessed = sum(steps.values())
        below = sum(n for step, n in steps.items() if step < need)
        out.append({"area": area, "level": level, "competency": competency, "required": need,
                    "assessed": assessed, "below_required": below, "share_below": below / assessed})
    out.sort(key=lambda g: (-g["share_below"], g["competency"], g["level"], g["area"] is not None,
                            g["area"] or ""))
    return out


def xlsx_file(rows: list[list[str]], header: tuple[str, ...]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Assessments exported from the appraisal system"])  # a title line above the headings
    sheet.append(list(header))
    for cells in rows:
        sheet.append([int(c) if c.isdigit() else c for c in cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_imported_file_gives_exactly_the_independently_worked_gaps(editor: FlaskClient, db: Session,
                                                                       strategy, areas, repo_root: Path,
                                                                       kind: str) -> None:
    rows, counted = generated(seed=11, rows=300)
    named = [[f"Leader Number{i}", *cells] for i, cells in enumerate(rows)]  # a column that is never read
    header = ("Leader name", "Area", "Leadership level", "Competency key", "Step")
    data = csv_file(named, header) if kind == "csv" else xlsx_file(named, header)
    response = upload(editor, strategy, data, f"assessments.{kind}")
    assert response.status_code == 302, text(response)[:800]
    combinations = len({key[:3] for key in counted})
    assert f"Imported 300 assessments for {combinations} area, level and competency combinations" in text(
        editor.get(response.headers["Location"]))
    api = editor.get(f"/api/v1/strategies/{strategy.id}/competency-gaps").get_json()["gaps"]
    assert api == independent_gaps(counted, repo_root)
    totals = [g for g in api if g["area"] is None]
    for total in totals:  # the organisation total is the sum of its areas
        parts = [g for g in api if g["area"] and (g["level"], g["competency"]) == (total["level"],
                                                                                   total["competency"])]
        assert total["assessed"] == sum(p["assessed"] for p in parts)
        assert total["below_required"] == sum(p["below_required"] for p in parts)
    assert sum(g["assessed"] for g in totals) == 300
    with db.get_bind().connect() as connection:
        stored = " ".join(str(r) for t in SQLModel.metadata.sorted_tables for r in connection.execute(t.select()))
    assert "Number1" not in stored  # only counts are kept


def test_an_upload_without_a_file_is_refused(editor: FlaskClient, strategy) -> None:
    response = editor.post(f"{base(strategy)}/assessments/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a file of assessments (CSV or Excel .xlsx) to upload" in text(response)


def test_an_import_replaces_only_the_combinations_in_the_file(worked: FlaskClient, db: Session, strategy,
                                                              areas) -> None:
    ids, levels = comp_ids(db, strategy.organisation_id), level_ids(db, strategy)
    response = upload(worked, strategy, csv_file([["MED", "middle", CV, "4"], ["Medicine", "Middle leaders", CV, "4"],
                                                  ["SUR", "board", CARE, "2"]]))
    assert response.status_code == 302
    assert stored_assessed(db, strategy) == {
        (areas["MED"].id, levels["middle"], ids[CV]): {4: 2},  # replaced: its step 1 to 3 counts are gone
        (areas["MED"].id, levels["middle"], ids[CARE]): {1: 4, 2: 4, 3: 2},  # not in the file: kept
        (areas["MED"].id, levels["middle"], ids[TEAM]): {3: 5, 4: 5},
        (areas["SUR"].id, levels["middle"], ids[CV]): {2: 3, 3: 7},
        (areas["SUR"].id, levels["board"], ids[CARE]): {2: 1},  # new
    }


@pytest.mark.parametrize(("filename", "data", "message", "problems"), [
    ("a.csv", csv_file([["MED", "middle", CV]], header=("area", "level", "competency")),
     "The file has no 'step' column.", []),
    ("a.xlsx", b"<!DOCTYPE html><html><body><table><tr><td>area</td></tr></table></body></html>",
     "it looks like a web page", []),
    ("a.csv", csv_file([["MED", "middle", CV, "3"], ["SUR", "middle", CV, "7"]]), "Nothing was stored",
     [["3", "step", "'7' is not a step from 1 to 4."]]),
    ("a.csv", csv_file([["MED", "middle", "hlm-telepathy", "3"], ["SUR", "middle", CV, "2"]]), "Nothing was stored",
     [["2", "competency", "'hlm-telepathy' is not the key of a competency in the framework."]]),
    ("a.csv", csv_file([["MED", "middle", CV, "3"], ["NOWHERE", "middle", CV, "0"]]), "Nothing was stored",
     [["3", "area", "'NOWHERE' is not the code or name of an area in the structure."],
      ["3", "step", "'0' is not a step from 1 to 4."]]),
])
def test_a_refused_import_says_why_and_stores_nothing(worked: FlaskClient, db: Session, strategy, areas,
                                                      filename: str, data: bytes, message: str,
                                                      problems: list[list[str]]) -> None:
    before = stored_assessed(db, strategy)
    response = upload(worked, strategy, data, filename)
    assert response.status_code == 400
    assert message in text(response)
    assert page(response).tables.get("problems", []) == problems
    assert stored_assessed(db, strategy) == before


# --- the development plan --------------------------------------------------------------------------

def intervention_form(ids: dict[str, int], levels: dict[str, int], **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"name": "Leading Together", "kind": "programme", "places_per_year": "10",
                              "cost_per_place": "1500", "first_year": "2027", "last_year": "2028",
                              "targets": [f"{ids[CV]}:{levels['middle']}", f"{ids[CARE]}:{levels['middle']}"]}
    values.update(changes)
    return values


def plan_tables(client: FlaskClient, strategy) -> tuple[_Page, str]:  # type: ignore[no-untyped-def]
    response = client.get(f"{base(strategy)}/plan")
    assert response.status_code == 200
    return page(response), text(response)


def test_add_edit_and_delete_an_intervention_with_cost_coverage_and_unaddressed_gaps(
        worked: FlaskClient, db: Session, strategy, areas) -> None:
    ids, levels = comp_ids(db, strategy.organisation_id), level_ids(db, strategy)
    assert type_in(worked, db, strategy, areas["SUR"], "frontline", {TEAM: {1: 3, 3: 1}}).status_code == 302
    added = worked.post(f"{base(strategy)}/plan/new", data=intervention_form(ids, levels))
    assert added.status_code == 302
    worked.post(f"{base(strategy)}/plan/new", data=intervention_form(
        ids, levels, name="Coaching", kind="coaching", places_per_year="4", cost_per_place="£2,000",
        first_year="2028", last_year="2031", targets=[f"{ids[TEAM]}:{levels['board']}"]))

    shown, words = plan_tables(worked, strategy)
    assert [r[0] for r in shown.tables["plan-table"]] == ["Leading Together Programme", "Coaching Coaching"]
    # 10 places at £1,500 in 2027-28, 4 at £2,000 in 2028-31; the strategy runs 2027 to 2031.
    assert shown.tables["cost-table"] == [["£15,000", "£23,000", "£8,000", "£8,000", "£8,000", "£62,000"]]
    assert shown.tables["coverage-table"] == [
        ["Leading with care", "Middle leaders", "2027", "8", "10", "125.0%"],
        ["Collective vision", "Middle leaders", "2027", "10", "10", "100.0%"],
        ["Leading with care", "Middle leaders", "2028", "8", "10", "125.0%"],
        ["Collective vision", "Middle leaders", "2028", "10", "10", "100.0%"],
    ]
    # Coaching develops engaging the team for the board, not for frontline leaders: that gap is open.
    assert "Engaging the team, frontline leaders: 3 leaders below step 3 (75.0%)" in words

    intervention_id = db.exec(select(Intervention.id).where(Intervention.name == "Leading Together")).one()
    changed = post_form(worked, f"{base(strategy)}/plan/{intervention_id}/edit", data=intervention_form(
        ids, levels, places_per_year="20", last_year="2027", targets=[f"{ids[CV]}:{levels['middle']}"]))
    assert changed.status_code == 302
    shown, words = plan_tables(worked, strategy)
    assert shown.tables["cost-table"] == [["£30,000", "£8,000", "£8,000", "£8,000", "£8,000", "£62,000"]]
    assert shown.tables["coverage-table"] == [["Collective vision", "Middle leaders", "2027", "10", "20", "200.0%"]]
    assert "Leading with care, middle leaders: 8 leaders below step 3 (80.0%)" in words

    removed = worked.post(f"{base(strategy)}/plan/{intervention_id}/delete")
    assert removed.status_code == 302
    shown, words = plan_tables(worked, strategy)
    assert [r[0] for r in shown.tables["plan-table"]] == ["Coaching Coaching"]
    assert "coverage-table" not in shown.tables or shown.tables["coverage-table"] == []
    assert "Collective vision, middle leaders: 10 leaders below step 3 (33.3%)" in words
    db.expire_all()
    assert db.exec(select(func.count()).select_from(InterventionTarget).where(
        InterventionTarget.intervention_id == intervention_id)).one() == 0


def test_the_edit_form_shows_what_was_saved(editor: FlaskClient, db: Session, strategy) -> None:
    ids, levels = comp_ids(db, strategy.organisation_id), level_ids(db, strategy)
    editor.post(f"{base(strategy)}/plan/new", data=intervention_form(ids, levels, cost_per_place="1250.5"))
    intervention_id = db.exec(select(Intervention.id)).one()
    body = editor.get(f"{base(strategy)}/plan/{intervention_id}/edit").get_data(as_text=True)
    checked = set(re.findall(r'value="(\d+:\d+)" checked', body))
    assert checked == {f"{ids[CV]}:{levels['middle']}", f"{ids[CARE]}:{levels['middle']}"}
    for field, value in (("name", "Leading Together"), ("places_per_year", "10"), ("cost_per_place", "1250.5"),
                         ("first_year", "2027"), ("last_year", "2028")):
        assert re.search(rf'name="{field}"[^>]*value="{value}"', body), field


def test_an_intervention_with_no_places_addresses_no_gap(worked: FlaskClient, db: Session, strategy) -> None:
    ids, levels = comp_ids(db, strategy.organisation_id), level_ids(db, strategy)
    added = worked.post(f"{base(strategy)}/plan/new", data=intervention_form(ids, levels, places_per_year="0"))
    assert added.status_code == 302
    shown, words = plan_tables(worked, strategy)
    assert shown.tables["cost-table"] == [["£0"] * 6]
    assert "Collective vision, middle leaders: 10 leaders below step 3 (33.3%)" in words
    assert "Leading with care, middle leaders: 8 leaders below step 3 (80.0%)" in words


@pytest.mark.parametrize(("changes", "message"), [
    ({"first_year": "2026"}, "The years must be within 2027 to 2031"),
    ({"last_year": "2032"}, "The years must be within 2027 to 2031"),
    ({"first_year": "2029", "last_year": "2028"}, "the first no later than the last"),
    ({"first_year": "twenty"}, "First year must be a whole number"),
    ({"targets": []}, "Choose at least one competency and level it develops"),
    ({"places_per_year": "-5"}, "Places a year cannot be negative"),
    ({"cost_per_place": "-1"}, "Cost per place cannot be negative"),
    ({"cost_per_place": "£1,500 a year"}, "Cost per place must be an amount in pounds"),
    ({"cost_per_place": "abc"}, "Cost per place must be an amount in pounds"),
    ({"cost_per_place": "nan"}, "Cost per place must be an amount in pounds"),
    ({"name": " "}, "Enter the intervention's name"),
    ({"kind": "sabbatical"}, "Choose the kind of intervention"),
])
def test_a_bad_intervention_is_refused_and_nothing_is_stored(editor: FlaskClient, db: Session, strategy,
                                                             changes: dict[str, Any], message: str) -> None:
    ids, levels = comp_ids(db, strategy.organisation_id), level_ids(db, strategy)
    response = editor.post(f"{base(strategy)}/plan/new", data=intervention_form(ids, levels, **changes))
    assert response.status_code == 400 and message in text(response)
    assert count(db, Intervention) == 0 and count(db, InterventionTarget) == 0
    assert editor.post(f"{base(strategy)}/plan/new", data=intervention_form(ids, levels)).status_code == 302
    intervention_id = db.exec(select(Intervention.id)).one()
    edit = post_form(editor, f"{base(strategy)}/plan/{intervention_id}/edit",
                     data=intervention_form(ids, levels, **changes))
    assert edit.status_code == 400
    db.expire_all()
    assert db.exec(select(Intervention.name, Intervention.kind, Intervention.places_per_year,
                          Intervention.cost_per_place, Intervention.first_year, Intervention.last_year)).one() == (
        "Leading Together", "programme", 10, 1500.0, 2027, 2028)
    assert count(db, InterventionTarget) == 2


@pytest.mark.parametrize("form", ["intervention", "assessments"])
def test_an_absurdly_large_whole_number_is_refused_on_the_form(worked: FlaskClient, db: Session, strategy, areas,
                                                               form: str) -> None:
    ids, levels = comp_ids(db, strategy.organisation_id), level_ids(db, strategy)
    before = (stored_assessed(db, strategy), count(db, Intervention))
    huge = "99999999999999999999"
    if form == "intervention":
        response = worked.post(f"{base(strategy)}/plan/new", data=intervention_form(ids, levels, places_per_year=huge))
    else:
        response = type_in(worked, db, strategy, areas["SUR"], "middle", {CV: {1: huge}})  # type: ignore[dict-item]
    assert response.status_code == 400
    assert (stored_assessed(db, strategy), count(db, Intervention)) == before


def test_an_enormous_cost_cannot_break_the_plan_page(editor: FlaskClient, db: Session, strategy) -> None:
    ids, levels = comp_ids(db, strategy.organisation_id), level_ids(db, strategy)
    response = editor.post(f"{base(strategy)}/plan/new", data=intervention_form(ids, levels, cost_per_place="1e308"))
    assert response.status_code in (302, 400)
    assert editor.get(f"{base(strategy)}/plan").status_code == 200


def test_a_long_intervention_name_is_cut_or_refused(editor: FlaskClient, db: Session, strategy) -> None:
    ids, levels = comp_ids(db, strategy.organisation_id), level_ids(db, strategy)
    response = editor.post(f"{base(strategy)}/plan/new", data=intervention_form(ids, levels, name="L" * 300))
    assert response.status_code in (302, 400)
    db.expire_all()
    assert all(len(name) <= 200 for name in db.exec(select(Intervention.name)).all())


# --- who may do what -------------------------------------------------------------------------------

@pytest.fixture
def arranged(db: Session, org, strategy, areas) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from planner.services.competencies import ensure_required

    ensure_required(db, strategy)
    ids = comp_ids(db, org.id)
    intervention = Intervention(organisation_id=org.id, strategy_id=strategy.id, name="Programme", kind="programme",
                                places_per_year=5, cost_per_place=100, first_year=2027, last_year=2028)
    db.add(intervention)
    db.commit()
    return {"competency": ids[CV], "intervention": intervention.id, "area": areas["MED"].id,  # type: ignore[dict-item]
            "level": factories.level(db, strategy, "middle").id}  # type: ignore[dict-item]


@pytest.mark.parametrize(("method", "path", "data"), [
    ("GET", "/required/clf", None),
    ("POST", "/required/clf", {"req-{competency}-{level}": "1"}),
    ("GET", "/own", None),
    ("POST", "/own", {"name": "Sneaky", "kind": "generic"}),
    ("GET", "/{competency}/edit", None),
    ("POST", "/{competency}/edit", {"name": "Renamed", "kind": "generic"}),
    ("GET", "/assessments", None),
    ("POST", "/assessments?area={area}&level={level}", {"n-{competency}-1": "5"}),
    ("GET", "/assessments/import", None),
    ("GET", "/plan/new", None),
    ("POST", "/plan/new", {"name": "X", "kind": "programme", "places_per_year": "1", "cost_per_place": "1",
                           "first_year": "2027", "last_year": "2027", "targets": "{competency}:{level}"}),
    ("POST", "/plan/{intervention}/edit", {"name": "X", "kind": "programme", "places_per_year": "1",
                                           "cost_per_place": "1", "first_year": "2027", "last_year": "2027"}),
    ("POST", "/plan/{intervention}/delete", {}),
])
def test_viewers_read_competencies_but_cannot_change_them(client: FlaskClient, db: Session, strategy, signed_in,
                                                          arranged: dict[str, int], method: str, path: str,
                                                          data: dict[str, str] | None) -> None:
    signed_in("viewer")
    before = (stored_required(db, strategy), stored_assessed(db, strategy), count(db, Competency),
              count(db, Intervention))
    url = base(strategy) + path.format(**arranged)
    filled = {k.format(**arranged): v.format(**arranged) for k, v in (data or {}).items()}
    response = client.post(url, data=filled) if method == "POST" else client.get(url)
    assert response.status_code == 403
    assert (stored_required(db, strategy), stored_assessed(db, strategy), count(db, Competency),
            count(db, Intervention)) == before
    for readable in ("", "/gaps", "/plan"):
        assert client.get(base(strategy) + readable).status_code == 200
    assert "<select" not in client.get(base(strategy)).get_data(as_text=True)


def test_another_organisations_competency_is_not_found(app: Flask, client: FlaskClient, db: Session, strategy,
                                                       signed_in) -> None:
    from planner.services.competencies import ensure_frameworks

    other = factories.make_org(db)
    ensure_frameworks(db, other.id)
    theirs = comp_ids(db, other.id)[CV]
    signed_in("admin")
    assert client.get(f"{base(strategy)}/{theirs}/edit").status_code == 404
    hijack = post_form(client, f"{base(strategy)}/{theirs}/edit", data={"name": "Hijacked", "kind": "generic"})
    assert hijack.status_code == 404
    levels = level_ids(db, strategy)
    planned = client.post(f"{base(strategy)}/plan/new", data=intervention_form(
        {CV: theirs, CARE: theirs}, levels))
    assert planned.status_code == 404
    db.expire_all()
    assert db.exec(select(Competency.name).where(Competency.id == theirs)).one() == "Collective vision"
    assert count(db, Intervention) == 0
    assert db.exec(select(func.count()).select_from(Competency).where(Competency.name == "Hijacked")).one() == 0


def test_a_level_of_another_strategy_cannot_be_a_target(editor: FlaskClient, db: Session, org, strategy) -> None:
    other = factories.make_strategy(db, org, title="Other")
    ids = comp_ids(db, org.id)
    their_level = db.exec(select(Level.id).where(Level.strategy_id == other.id)).first()
    response = editor.post(f"{base(strategy)}/plan/new", data=intervention_form(
        ids, level_ids(db, strategy), targets=[f"{ids[CV]}:{their_level}"]))
    assert response.status_code == 404
    assert count(db, Intervention) == 0


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient, strategy) -> None:
    response = client.get(base(strategy))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_planners_in_one_org_share_the_frameworks_but_not_the_steps(app: Flask, db: Session, org, strategy,
                                                                   signed_in, client: FlaskClient) -> None:
    """Required steps belong to a strategy: changing them in one leaves the other's defaults alone."""
    second = factories.make_strategy(db, org, title="Second")
    signed_in("editor")
    form = page(client.get(required_page(strategy, CV))).selects
    client.get(base(second))
    ids, levels = comp_ids(db, org.id), level_ids(db, strategy)
    form[f"req-{ids[CV]}-{levels['middle']}"] = "1"
    assert post_form(client, required_page(strategy, CV), data=form).status_code == 302
    other_levels = level_ids(db, second)
    assert page(client.get(required_page(second, CV))).selects[f"req-{ids[CV]}-{other_levels['middle']}"] == "3"
    assert len(ids) == 32
    viewer = app.test_client()
    login(viewer, factories.make_member(db, org, role="viewer").email)
    assert viewer.get(base(strategy)).status_code == 200


