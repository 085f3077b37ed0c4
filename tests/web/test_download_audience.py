"""Who a pack or paper is for: the web downloads give exact diversity counts (internal, OFFICIAL-SENSITIVE)
only to someone who may see them when the cover puts the paper to Part 2, and ?audience=published forces
the public version; `planner export` and `planner board-paper` take --audience, by default from the
cover's part."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import Workbook, load_workbook
from sqlmodel import Session

from planner.cli import main
from planner.models import BoardCover, DiversityCount, DiversityTarget, Strategy
from planner.services import scenarios
from tests import factories

COUNTS = {"senior": {"white": 35, "bme": 3}, "middle": {"white": 60, "bme": 20}}  # senior BME: 3, small


@pytest.fixture
def strategy(db: Session, org) -> Strategy:  # type: ignore[no-untyped-def,override]
    """A strategy whose senior leaders include 3 BME leaders, with a target for them."""
    strategy = factories.make_strategy(db, org, title="Our Strategy")
    area = factories.make_area(db, strategy, "MED", "Medicine")
    factories.set_baseline(db, strategy, area, 800, 760.0, board=10, senior=38, middle=80, frontline=200)
    scenarios.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    levels = {k: factories.level(db, strategy, k) for k in COUNTS}
    for level, groups in COUNTS.items():
        for group, n in groups.items():
            db.add(DiversityCount(organisation_id=org.id, strategy_id=strategy.id, area_id=area.id,
                                  level_id=levels[level].id, characteristic="ethnicity", group_key=group, count=n))
    db.add(DiversityCount(organisation_id=org.id, strategy_id=strategy.id, area_id=area.id, level_id=None,
                          characteristic="ethnicity", group_key="bme", count=150))
    db.add(DiversityTarget(organisation_id=org.id, strategy_id=strategy.id, level_id=levels["senior"].id,
                           characteristic="ethnicity", group_key="bme", target_share=0.2, target_year=2030))
    db.commit()
    return strategy


def set_part(db: Session, strategy: Strategy, part: str) -> None:
    db.add(BoardCover(organisation_id=strategy.organisation_id, strategy_id=strategy.id, part=part))
    db.commit()


def marking(workbook: Workbook) -> str:
    cover = {r[0]: r[1] for r in workbook["Cover"].iter_rows(min_row=8, max_col=2, values_only=True) if r[0]}
    return str(cover["Protective marking"])


def senior_bme(workbook: Workbook) -> object:
    return next(row[3] for row in workbook["Diversity"].iter_rows(values_only=True)
                if row[1] == "Senior leaders" and row[2] == "Black and minority ethnic (BME)")


@pytest.mark.parametrize(("role", "part", "query", "internal"), [
    ("planner", "2", "", True),
    ("admin", "2", "", True),
    ("planner", "2", "?audience=published", False),
    ("planner", "1", "", False),
    ("planner", "1", "?audience=internal", False),  # the cover decides; a query can only make it public
    ("viewer", "2", "", False),
    ("editor", "2", "?audience=internal", False),
])
def test_the_pack_download_is_internal_only_for_part_2_and_those_who_may_see_exact_counts(
        client, db: Session, signed_in, strategy: Strategy, role: str, part: str, query: str,
        internal: bool) -> None:
    set_part(db, strategy, part)
    signed_in(role)
    response = client.get(f"/strategies/{strategy.id}/pack.xlsx{query}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert marking(workbook) == ("OFFICIAL-SENSITIVE" if internal else "OFFICIAL")
    assert senior_bme(workbook) == (3 if internal else "*")
    assert ("-official-sensitive-" in response.headers["Content-Disposition"]) is internal
    notes = " ".join(str(c.value) for row in workbook["Diversity targets"].iter_rows() for c in row if c.value)
    assert ("Withheld: fewer than 8 people" in notes) is not internal


@pytest.mark.parametrize(("role", "query", "internal"), [
    ("planner", "", True), ("planner", "?audience=published", False), ("viewer", "", False)])
def test_the_paper_download_follows_the_same_rule(client, db: Session, signed_in, strategy: Strategy, role: str,
                                                  query: str, internal: bool) -> None:
    set_part(db, strategy, "2")
    signed_in(role)
    response = client.get(f"/strategies/{strategy.id}/paper.docx{query}")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert ("OFFICIAL-SENSITIVE" in header) is internal
    text = "\n".join(p.text for p in document.paragraphs)
    assert ("Exact counts: for the board and its committees only" in text) is internal
    assert ("withheld: fewer than 8 people" in text.lower()) is not internal


# --- the command line ------------------------------------------------------------------------------


@pytest.fixture
def on_test_db(db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return db


@pytest.mark.parametrize(("part", "args", "internal"), [
    (None, [], False), ("1", [], False), ("2", [], True), ("2", ["--audience", "published"], False),
    ("1", ["--audience", "internal"], True),
])
def test_planner_export_takes_the_audience_from_the_cover_or_the_option(
        on_test_db: Session, strategy: Strategy, tmp_path: Path, part: str | None, args: list[str],
        internal: bool) -> None:
    if part:
        set_part(on_test_db, strategy, part)
    target = tmp_path / "pack.xlsx"
    result = CliRunner().invoke(main, ["export", "--strategy", str(strategy.id), "-o", str(target), *args])
    assert result.exit_code == 0, result.output
    assert ("internal, marked OFFICIAL-SENSITIVE" if internal else "published, marked OFFICIAL") in result.output
    workbook = load_workbook(target)
    assert marking(workbook) == ("OFFICIAL-SENSITIVE" if internal else "OFFICIAL")
    assert senior_bme(workbook) == (3 if internal else "*")


@pytest.mark.parametrize(("part", "args", "internal"), [("2", [], True), ("2", ["--audience", "published"], False),
                                                        ("1", [], False)])
def test_planner_board_paper_takes_the_audience_too(on_test_db: Session, strategy: Strategy, tmp_path: Path,
                                                    part: str, args: list[str], internal: bool,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no Chromium: a note stands in for each chart
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    set_part(on_test_db, strategy, part)
    target = tmp_path / "paper.docx"
    result = CliRunner().invoke(main, ["board-paper", "--strategy", str(strategy.id), "-o", str(target), *args])
    assert result.exit_code == 0, result.output
    header = " ".join(p.text for p in Document(str(target)).sections[0].header.paragraphs)
    assert ("OFFICIAL-SENSITIVE" in header) is internal


def test_an_unknown_audience_is_refused(on_test_db: Session, strategy: Strategy, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--strategy", str(strategy.id), "-o", str(tmp_path / "p.xlsx"),
                                       "--audience", "public"])
    assert result.exit_code == 2 and "internal" in result.output and not (tmp_path / "p.xlsx").exists()
