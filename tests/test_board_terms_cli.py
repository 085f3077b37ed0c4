"""`planner import-board-terms --strategy ID FILE`: CSV and XLSX, all or nothing (problems by row and column
on standard error, exit 2, the seats stored before untouched)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook
from sqlmodel import Session, select

from planner.cli import main
from planner.models import BoardSeat, Strategy
from tests import factories
from tests.web.test_board_terms import GOOD_CSV


@pytest.fixture
def plan(db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch, org) -> Strategy:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    return factories.make_strategy(db, org, title="Plan")


def run(path: Path, strategy_id: int, *extra: str) -> Result:
    return CliRunner().invoke(main, ["import-board-terms", "--strategy", str(strategy_id), *extra, str(path)])


def labels(db: Session) -> list[str]:
    db.expire_all()
    return sorted(s.label for s in db.exec(select(BoardSeat)))


def test_a_csv_replaces_the_seats_and_a_bad_one_changes_nothing(plan: Strategy, db: Session, tmp_path: Path) -> None:
    good = tmp_path / "board.csv"
    good.write_bytes(GOOD_CSV)
    result = run(good, plan.id)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    assert "Imported 4 seats" in result.output
    assert labels(db) == ["Chair", "Chief executive", "Director of strategy", "NED A"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Seat,Role,Term start,Term end\nChair,Chair,01/04/2023,31/03/2028\nNED 1,NED,,\n")
    result = run(bad, plan.id)  # type: ignore[arg-type]
    assert result.exit_code == 2
    assert "row 2, Term end: A term of office is at most 4 years" in result.output
    assert "row 3, Term start: Enter the date the present term of office started" in result.output
    assert "nothing was stored" in result.output
    assert labels(db) == ["Chair", "Chief executive", "Director of strategy", "NED A"]


def test_a_workbook_is_read_from_its_sheet(plan: Strategy, db: Session, tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Seats")
    for row in [["Seat", "Role", "Term start", "Term end", "Term"], ["Chair", "Chair", "2024-04-01", "2028-03-31", 1]]:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    path = tmp_path / "board.xlsx"
    path.write_bytes(data.getvalue())
    result = run(path, plan.id, "--sheet", "Seats")  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    assert labels(db) == ["Chair"]


def test_no_such_strategy_or_file(plan: Strategy, tmp_path: Path) -> None:
    missing = run(tmp_path / "none.csv", plan.id)  # type: ignore[arg-type]
    assert missing.exit_code == 2 and "cannot read" in missing.output
    path = tmp_path / "board.csv"
    path.write_bytes(GOOD_CSV)
    nowhere = run(path, 999_999)
    assert nowhere.exit_code == 2 and "there is no strategy with id 999999" in nowhere.output
