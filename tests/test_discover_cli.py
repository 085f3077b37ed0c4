"""The Discover and Competencies commands: `planner create-survey`, `planner import-assessments` and
`planner import-responses`, run against the test database. Results are read back through the API and
compared with calculations made here from the generated files."""

from __future__ import annotations

import csv
import io
import json
import random
import statistics
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from planner.cli import main
from planner.models import AssessedCount, Competency, Survey, SurveyResponse
from planner.services import competencies, surveys
from tests import factories

LEVELS = ("board", "senior", "middle", "frontline")
CV, CARE = "clf-collective-vision", "hlm-leading-with-care"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, db: Session):  # type: ignore[no-untyped-def]
    """Run `planner` on the test database; `db` empties it afterwards."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", factories.FAST_HASH)

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, [str(a) for a in args])

    return run


@pytest.fixture
def areas(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    med = factories.make_area(db, strategy, "MED", "Medicine")
    return {"MED": med, "MED-ED": factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med),
            "SUR": factories.make_area(db, strategy, "SUR", "Surgery")}


@pytest.fixture
def reader(client: FlaskClient, signed_in) -> FlaskClient:
    signed_in("viewer")
    return client


def count(db: Session, model, *where) -> int:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()  # type: ignore[no-any-return]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


# --- create-survey ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("extra", "status", "closes_on"), [
    ([], "draft", None),
    (["--open"], "open", None),
    (["--closes-on", "2026-12-31"], "draft", date(2026, 12, 31)),
    (["--open", "--closes-on", "2027-01-15"], "open", date(2027, 1, 15)),
])
def test_create_survey_prints_only_the_new_id(cli, db: Session, strategy, extra: list[str], status: str,  # type: ignore[no-untyped-def]
                                              closes_on: date | None) -> None:
    result = cli("create-survey", "--strategy", strategy.id, "--name", "Autumn 2026", *extra)
    assert result.exit_code == 0, result.output
    db.expire_all()
    survey = db.exec(select(Survey)).one()
    assert result.stdout == f"{survey.id}\n"
    assert result.stderr == ""
    assert (survey.strategy_id, survey.name, survey.status, survey.closes_on) == (strategy.id, "Autumn 2026", status,
                                                                                 closes_on)
    assert len(surveys.items_of(db, survey)) == 34


@pytest.mark.parametrize(("args", "message"), [
    (["--name", "Autumn", "--closes-on", "31/12/2026"], "is not a date like 2026-12-31"),
    (["--name", "   "], "Enter a name for the survey"),
    (["--name", "Autumn", "--closes-on", "2026-13-01"], "is not a date like 2026-12-31"),
])
def test_create_survey_refusals_exit_non_zero_and_create_nothing(cli, db: Session, strategy, args: list[str],  # type: ignore[no-untyped-def]
                                                                  message: str) -> None:
    result = cli("create-survey", "--strategy", strategy.id, *args)
    assert result.exit_code == 2 and message in result.stderr
    assert result.stdout == ""
    assert count(db, Survey) == 0


def test_create_survey_for_an_unknown_strategy(cli, db: Session, strategy) -> None:  # type: ignore[no-untyped-def]
    result = cli("create-survey", "--strategy", strategy.id + 1000, "--name", "Autumn")
    assert result.exit_code == 2 and f"no strategy with id {strategy.id + 1000}" in result.stderr
    assert result.stdout == "" and count(db, Survey) == 0


# --- import-assessments ----------------------------------------------------------------------------

def required_steps(repo_root: Path) -> dict[tuple[str, str], int]:
    data = json.loads((repo_root / "data" / "competencies" / "frameworks.json").read_text(encoding="utf-8"))
    return {(level, c["key"]): c["required"][level] for f in data["frameworks"] for d in f["domains"]
            for c in d["competencies"] for level in LEVELS}


def generated_assessments(seed: int, rows: int) -> tuple[list[list[str]], Counter[tuple[str, str, str, int]]]:
    rng = random.Random(seed)
    spell = {"MED": ["MED", "Medicine"], "MED-ED": ["MED-ED", "emergency department"], "SUR": ["SUR", "Surgery"]}
    keys = [CV, CARE, "lcf-speaking-up", "clf-systems-and-structures"]
    out, counted = [], Counter()  # type: ignore[var-annotated]
    for _ in range(rows):
        area, level, key, step = rng.choice(sorted(spell)), rng.choice(LEVELS), rng.choice(keys), rng.randint(1, 4)
        out.append([rng.choice(spell[area]), level, key, rng.choice([str(step), f"{step}.0", f"Step {step}"])])
        counted[(area, level, key, step)] += 1
    return out, counted


def independent_gaps(counted: Counter[tuple[str, str, str, int]], required: dict[tuple[str, str], int],
                     extra: dict[tuple[str, str, str], dict[int, int]] | None = None) -> list[dict[str, Any]]:
    cells: dict[tuple[str | None, str, str], Counter[int]] = {}
    for (area, level, key, step), n in counted.items():
        for where in (area, None):
            cells.setdefault((where, level, key), Counter())[step] += n
    for (area, level, key), steps in (extra or {}).items():
        for where in (area, None):
            cells.setdefault((where, level, key), Counter()).update(steps)
    out = []
    for (area, level, key), steps in cells.items():
        need = required[(level, key)]
        assessed, below = sum(steps.values()), sum(n for s, n in steps.items() if s < need)
        out.append({"area": area, "level": level, "competency": key, "required": need, "assessed": assessed,
                    "below_required": below, "share_below": below / assessed})
    out.sort(key=lambda g: (-g["share_below"], g["competency"], g["level"], g["area"] is not None, g["area"] or ""))
    return out


def test_import_assessments_gives_the_independently_worked_gaps_and_keeps_other_combinations(
        cli, db: Session, strategy, areas, reader: FlaskClient, tmp_path: Path, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    competencies.ensure_required(db, strategy)
    ids = {c.key: c.id for c in competencies.catalogue(db, strategy.organisation_id).all_competencies()}
    board = factories.level(db, strategy, "board").id
    kept = {(areas["SUR"].id, board, ids["lcf-risk-and-duties"]): {2: 4, 4: 1},  # not in the file
            (areas["MED"].id, board, ids[CV]): {1: 50}}  # in the file: replaced
    competencies.replace_assessed(session=db, strategy=strategy, counts=kept, actor=None, source="typed")
    rows, counted = generated_assessments(seed=3, rows=400)
    assert counted[("MED", "board", CV, 1)] < 50
    path = write_csv(tmp_path / "assessments.csv", ["Area", "Leadership level", "Competency key", "Step"], rows)
    result = cli("import-assessments", path, "--strategy", strategy.id)
    assert result.exit_code == 0, result.output
    combinations = len({k[:3] for k in counted})
    assert result.stdout == f"Imported 400 assessments for {combinations} area, level and competency combinations.\n"
    gaps = reader.get(f"/api/v1/strategies/{strategy.id}/competency-gaps").get_json()["gaps"]
    assert gaps == independent_gaps(counted, required_steps(repo_root),
                                    extra={("SUR", "board", "lcf-risk-and-duties"): {2: 4, 4: 1}})


@pytest.mark.parametrize(("name", "content", "lines"), [
    ("a.csv", "area,level,competency\nMED,middle,clf-collective-vision\n", ["The file has no 'step' column."]),
    ("a.xlsx", "<!DOCTYPE html><html><body><p>area,level</p></body></html>", ["it looks like a web page"]),
    ("a.csv", "area,level,competency,step\nMED,middle,clf-collective-vision,3\nSUR,middle,clf-collective-vision,7\n",
     ["1 problem (bad step: 1); nothing was stored", "  row 3, step: '7' is not a step from 1 to 4."]),
    ("a.csv", "area,level,competency,step\nMED,middle,hlm-mind-reading,3\nSUR,middle,clf-collective-vision,2\n",
     ["  row 2, competency: 'hlm-mind-reading' is not the key of a competency in the framework."]),
    ("a.csv", "area,level,competency,step\nATLANTIS,middle,clf-collective-vision,3\nSUR,chief,clf-collective-vision,"
     "\n", ["3 problems", "  row 2, area: 'ATLANTIS' is not the code or name of an area in the structure.",
            "  row 3, level: 'chief' is not the key or name of a leadership level.",
            "  row 3, step: No step is given."]),
])
def test_import_assessments_refusals_exit_2_with_rows_on_stderr_and_store_nothing(
        cli, db: Session, strategy, areas, tmp_path: Path, name: str, content: str, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    competencies.ensure_required(db, strategy)
    cv = db.exec(select(Competency.id).where(Competency.key == CV)).one()
    level = factories.level(db, strategy, "middle").id
    competencies.replace_assessed(session=db, strategy=strategy, counts={(areas["MED"].id, level, cv): {3: 6}},
                                  actor=None, source="typed")
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = cli("import-assessments", path, "--strategy", strategy.id)
    assert result.exit_code == 2
    assert result.stdout == ""
    for line in lines:
        assert line in result.stderr
    db.expire_all()
    assert db.exec(select(AssessedCount.step, AssessedCount.count)).all() == [(3, 6)]


def test_import_assessments_of_a_missing_file_or_strategy_exits_2(cli, db: Session, strategy, areas,  # type: ignore[no-untyped-def]
                                                                  tmp_path: Path) -> None:
    missing = cli("import-assessments", tmp_path / "nope.csv", "--strategy", strategy.id)
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    path = write_csv(tmp_path / "a.csv", ["area", "level", "competency", "step"], [["MED", "middle", CV, "3"]])
    unknown = cli("import-assessments", path, "--strategy", strategy.id + 1000)
    assert unknown.exit_code == 2 and "no strategy with id" in unknown.stderr
    assert count(db, AssessedCount) == 0


# --- import-responses ------------------------------------------------------------------------------

def instrument(repo_root: Path) -> dict[str, list[str]]:
    data = json.loads((repo_root / "data" / "survey" / "items.json").read_text(encoding="utf-8"))
    return {d["key"]: [i["key"] for i in d["items"]] for d in data["dimensions"]}


def figures(values: list[int]) -> tuple[float, float, float, int]:
    return (statistics.fmean(values), statistics.pstdev(values), sum(v >= 4 for v in values) / len(values),
            len(values))


def generated_responses(seed: int, keys: list[str], sizes: dict[str, int]) -> tuple[list[list[str]],
                                                                                   list[tuple[str, dict[str, int]]]]:
    rng = random.Random(seed)
    words = {1: "strongly disagree", 2: "Disagree", 3: "3", 4: "Agree", 5: "5.0"}
    groups = [g for g, n in sizes.items() for _ in range(n)]
    rng.shuffle(groups)
    rows, meant = [], []
    for group in groups:
        answers: dict[str, int] = {}
        cells = []
        for key in keys:
            if rng.random() < 0.08:
                cells.append(rng.choice(["", "don't know", "N/A"]))
            else:
                answers[key] = rng.randint(1, 5)
                cells.append(rng.choice([str(answers[key]), words[answers[key]]]))
        if not answers:
            answers[keys[-1]], cells[-1] = 2, "2"
        rows.append([group, *cells])
        meant.append((group, answers))
    return rows, meant


def test_import_responses_gives_the_independently_worked_results(cli, db: Session, strategy,  # type: ignore[no-untyped-def]
                                                                 reader: FlaskClient, tmp_path: Path,
                                                                 repo_root: Path) -> None:
    dims = instrument(repo_root)
    keys = [k for ks in dims.values() for k in ks]
    survey = surveys.create_survey(session=db, strategy=strategy, name="Paper forms", closes_on=None, actor=None)
    # Patients (4) are hidden, so the smallest other group (partners, 6) is hidden too.
    sizes = {"board": 9, "senior": 15, "frontline": 180, "partners": 6, "patients": 4}
    rows, meant = generated_responses(21, keys, sizes)
    path = write_csv(tmp_path / "responses.csv", ["group", *keys], rows)
    result = cli("import-responses", path, "--strategy", strategy.id, "--survey", survey.id)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Imported 214 responses into survey {survey.id}.\n"
    api = reader.get(f"/api/v1/strategies/{strategy.id}/surveys/{survey.id}/results").get_json()
    assert api["enough"] is True and api["responses"] == 214
    assert {i["key"]: (i["mean"], i["sd"], i["share_agree"], i["n"]) for i in api["items"]} == {
        k: pytest.approx(figures([a[k] for _, a in meant if k in a])) for k in keys}
    assert {d["dimension"]: (d["mean"], d["sd"], d["share_agree"], d["n"]) for d in api["dimensions"]} == {
        d: pytest.approx(figures([a[k] for _, a in meant for k in ks if k in a])) for d, ks in dims.items()}
    assert {g["group"]: {d["dimension"]: d["mean"] for d in g["dimensions"]} for g in api["groups"]} == {
        g: pytest.approx({d: statistics.fmean([a[k] for grp, a in meant if grp == g for k in ks if k in a])
                          for d, ks in dims.items()}) for g in ("board", "senior", "frontline")}


@pytest.mark.parametrize(("content", "lines"), [
    ("group,cv1,cv2\nboard,4,5\nfrontline,9,2\n", ["1 problem", "  row 3, cv1: '9' is not an answer from 1 to 5 or "
                                                   "don't know."]),
    ("group,cv1,cv2\nboard,4,5\nexecutives,4,4\n,3,3\nmiddle,dk,\n",
     ["3 problems", "  row 3, group: 'executives' is not the key or name of a respondent group.",
      "  row 4, group: No respondent group is given.",
      "  row 5, (every item): No item is answered from 1 to 5 (every answer is blank or don't know)."]),
    ("cv1,cv2\n4,5\n", ["The file has no 'group' column.", "Nothing was stored."]),
])
def test_import_responses_is_all_or_nothing_with_row_messages(cli, db: Session, strategy, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                              content: str, lines: list[str]) -> None:
    survey = surveys.create_survey(session=db, strategy=strategy, name="Paper", closes_on=None, actor=None)
    path = tmp_path / "responses.csv"
    path.write_text(content, encoding="utf-8")
    result = cli("import-responses", path, "--strategy", strategy.id, "--survey", survey.id)
    assert result.exit_code == 2 and result.stdout == ""
    for line in lines:
        assert line in result.stderr
    assert count(db, SurveyResponse) == 0


def test_import_responses_into_another_strategys_survey_is_refused(cli, db: Session, org, strategy,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    other = factories.make_strategy(db, org, title="Other")
    survey = surveys.create_survey(session=db, strategy=other, name="Theirs", closes_on=None, actor=None)
    path = write_csv(tmp_path / "r.csv", ["group", "cv1"], [["board", "4"]] * 5)
    result = cli("import-responses", path, "--strategy", strategy.id, "--survey", survey.id)
    assert result.exit_code == 2 and f"has no survey with id {survey.id}" in result.stderr
    assert count(db, SurveyResponse) == 0
