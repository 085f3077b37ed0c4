"""`planner import-objectives --strategy ID FILE`, run as a board secretary would, on the test database:
all or nothing (problems on standard error, exit 2, nothing stored), rows whose ref is stored update
them, formulas kept as text, and workbooks read from the sheet named."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session, select

from planner.cli import main
from planner.models import CheckIn, Objective, Strategy
from planner.services import objectives as service
from tests import factories
from tests.web.test_objective_pages import GOOD_ROW, HEADER, REFUSED, refused_file


@pytest.fixture
def on_test_db(db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Session:
    """The command works on the test database (emptied after the test like any other)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    return db


@pytest.fixture
def plan(on_test_db: Session, org) -> Strategy:  # type: ignore[no-untyped-def]
    strategy = factories.make_strategy(on_test_db, org, title="Plan")
    factories.make_area(on_test_db, strategy, "ED", "Emergency Department")
    s1 = service.save_objective(session=on_test_db, strategy=strategy, actor=None, values={
        "ref": "S1", "title": "The stored strategic objective", "level": "strategic"})
    service.save_objective(session=on_test_db, strategy=strategy, actor=None, values={
        "ref": "A1", "title": "The stored area objective", "level": "area", "parent_id": s1.id})
    return strategy


def run_import(path: Path, strategy_id: int, *extra: str) -> Result:
    return CliRunner().invoke(main, ["import-objectives", "--strategy", str(strategy_id), *extra, str(path)])


def stored(db: Session, strategy: Strategy) -> dict[str, Objective]:
    db.expire_all()
    return {o.ref: o for o in db.exec(select(Objective).where(Objective.strategy_id == strategy.id))}


def snapshot(db: Session, strategy: Strategy) -> list[tuple[object, ...]]:
    rows = stored(db, strategy)
    checks = db.exec(select(CheckIn)).all()
    return sorted((o.ref, o.title, o.parent_id, o.weight, sum(c.objective_id == o.id for c in checks))
                  for o in rows.values())


def test_a_file_adds_new_objectives_and_updates_stored_ones_by_ref(
        plan: Strategy, on_test_db: Session, tmp_path: Path) -> None:
    path = tmp_path / "objectives.csv"
    path.write_bytes(refused_file([
        "a1,S1,The area objective renamed,area,Emergency Department,Clinical Director,target,20,5,8,days,"
        "01/04/2026,31 March 2028,3,high",
        "T1,A1,A team objective below a stored one,team,ED,,milestone,,,done,,2026-04-01,2027-03-31,,",
    ]))
    result = run_import(path, plan.id)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"1 objectives added and 1 updated in strategy {plan.id}."
    after = stored(on_test_db, plan)
    assert sorted(after) == ["A1", "S1", "T1"]
    a1 = after["A1"]
    assert (a1.title, a1.owner_name, a1.baseline, a1.target, a1.unit, a1.weight, a1.start, a1.due) == (
        "The area objective renamed", "Clinical Director", 20.0, 5.0, "days", 3.0, date(2026, 4, 1),
        date(2028, 3, 31))
    assert after["T1"].parent_id == a1.id and after["A1"].parent_id == after["S1"].id
    checks = {c.objective_id: c for c in on_test_db.exec(select(CheckIn))}
    assert (checks[a1.id].value, checks[a1.id].on, checks[after["T1"].id].done) == (8.0, date.today(), True)

    again = run_import(path, plan.id)  # type: ignore[arg-type]
    assert again.exit_code == 0 and "0 objectives added and 2 updated" in again.stdout


@pytest.mark.parametrize(("case", "lines", "kind", "row", "column"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_file_with_any_problem_stores_nothing_and_lists_the_problems(
        plan: Strategy, on_test_db: Session, tmp_path: Path, case: str, lines: list[str], kind: str, row: int,
        column: str) -> None:
    before = snapshot(on_test_db, plan)
    path = tmp_path / "objectives.csv"
    path.write_bytes(refused_file(lines))
    result = run_import(path, plan.id)  # type: ignore[arg-type]
    assert result.exit_code == 2
    assert f"{kind}: " in result.stderr and "nothing was stored" in result.stderr
    assert f"  row {row}, {column}: " in result.stderr
    assert "added" not in result.stdout
    assert snapshot(on_test_db, plan) == before


@pytest.mark.parametrize(("make_file", "message"), [
    (lambda tmp: tmp / "missing.csv", "cannot read"),
    (lambda tmp: _write(tmp / "empty.csv", b""), "The file is empty. Nothing was stored."),
    (lambda tmp: _write(tmp / "odd.csv", b"ref,title\nS9,No level column\n"),
     "The file has no 'level' column. Nothing was stored."),
    (lambda tmp: _write(tmp / "pretend.xlsx", b"PK\x03\x04 not a workbook at all"), "Nothing was stored."),
])
def test_a_file_that_cannot_be_read_exits_2_with_one_sentence(
        plan: Strategy, on_test_db: Session, tmp_path: Path, make_file, message: str) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(on_test_db, plan)
    result = run_import(make_file(tmp_path), plan.id)  # type: ignore[arg-type]
    assert result.exit_code == 2 and result.stderr.startswith("planner: error: ")
    assert message in result.stderr
    assert snapshot(on_test_db, plan) == before


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_an_unknown_strategy_is_refused(on_test_db: Session, tmp_path: Path) -> None:
    path = _write(tmp_path / "objectives.csv", refused_file([GOOD_ROW]))
    result = run_import(path, 999999)
    assert result.exit_code == 2 and "there is no strategy with id 999999" in result.stderr
    assert on_test_db.exec(select(Objective)).first() is None


def test_before_init_db_the_command_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    result = run_import(_write(tmp_path / "objectives.csv", refused_file([GOOD_ROW])), 1)
    assert result.exit_code == 1 and "planner init-db" in result.stderr


def test_formula_text_is_stored_as_those_characters(plan: Strategy, on_test_db: Session, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example","Click me")'
    title = formula.replace('"', '""')
    path = _write(tmp_path / "objectives.csv", (
        f'{HEADER}\nF1,S1,"{title}",area,,@Director,,,,,,,,,\nF2,F1,+44 team,team,,-Matron,,,,,"=1+1",,,,\n'
    ).encode())
    result = run_import(path, plan.id)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    after = stored(on_test_db, plan)
    assert (after["F1"].title, after["F1"].owner_name) == (formula, "@Director")
    assert (after["F2"].title, after["F2"].owner_name, after["F2"].unit) == ("+44 team", "-Matron", "=1+1")


def test_a_workbook_is_read_from_the_sheet_named_below_a_title_line(
        plan: Strategy, on_test_db: Session, org, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    assert book.active is not None
    book.active.title = "Notes"
    book.active.append(["Read me first"])
    sheet = book.create_sheet("Objectives 2026")
    sheet.append(["Our objectives for the board"])
    sheet.append(["Objective Ref", "PARENT_REF", "Title", "Cascade level", "Measure", "Baseline", "Target",
                  "Current value", "Start date", "Due date", "Weight", "Confidence", "Notes"])
    sheet.append(["W1", "S1", "Keep bed occupancy within its range", "Area", "range", None, "92 to 95", 94,
                  date(2026, 4, 1), date(2028, 3, 31), 2, "Medium", "ignored"])
    sheet.append(["W2", "W1", "Cut agency spend by a quarter", "team", "target", "£1,250", "85%", 1000,
                  "01/04/2026", "31 March 2027", None, "LOW", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    path = _write(tmp_path / "objectives.xlsx", buffer.getvalue())

    result = run_import(path, plan.id, "--sheet", "Objectives 2026")  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    after = stored(on_test_db, plan)
    w1, w2 = after["W1"], after["W2"]
    assert (w1.measure_kind, w1.range_low, w1.range_high, w1.weight, w1.confidence, w1.start) == (
        "range", 92.0, 95.0, 2.0, "medium", date(2026, 4, 1))
    assert (w2.baseline, w2.target, w2.weight, w2.confidence, w2.due, w2.parent_id) == (
        1250.0, 85.0, 1.0, "low", date(2027, 3, 31), w1.id)
    # 1,000 of a cut from 1,250 to 85 is (1000 - 1250) / (85 - 1250) of the way: about 21%.
    views = {v.objective.ref: v for v in service.cascade(on_test_db, plan, org, date.today())}
    assert views["W1"].progress == 1.0 and views["W2"].progress == pytest.approx(250 / 1165)

    first_sheet = run_import(path, plan.id)  # type: ignore[arg-type]
    assert first_sheet.exit_code == 2 and "Nothing was stored." in first_sheet.stderr


def test_the_help_names_the_columns() -> None:
    result = CliRunner().invoke(main, ["import-objectives", "--help"])
    assert result.exit_code == 0
    assert all(column in result.output for column in (
        "ref", "parent_ref", "title", "level", "area", "owner", "measure", "baseline", "target", "current", "unit",
        "start", "due", "weight", "confidence"))
