"""`planner import-establishment`, run as a planner would: on a new SQLite file named in DATABASE_URL; a
file with any problem stores nothing and exits 2, a good one replaces the whole establishment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from planner.cli import main
from planner.db import engine_for
from planner.models import Strategy
from planner.services import establishment
from planner.services.structure import areas_of
from tests import factories
from tests.helpers import csv_bytes, xlsx_bytes


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", factories.FAST_HASH)
    assert CliRunner().invoke(main, ["init-db"]).exit_code == 0
    return url


@pytest.fixture
def strategy_id(cli_db: str) -> int:
    """Medicine and Surgery; Surgery has 4 middle leaders and an establishment of 5."""
    with Session(engine_for(cli_db), expire_on_commit=False) as session:
        org = factories.make_org(session, slug="north", name="North Trust")
        strategy = factories.make_strategy(session, org)
        factories.make_area(session, strategy, "MED", "Medicine")
        surg = factories.make_area(session, strategy, "SURG", "Surgery")
        factories.set_baseline(session, strategy, surg, staff=40, fte=38.0, middle=4)
        establishment.save_establishment(session=session, strategy=strategy, posts={(surg.id, "middle"): 5},
                                         actor=None)
        return strategy.id  # type: ignore[return-value]


def stored(url: str, strategy_id: int) -> dict[tuple[str, str], establishment.Posts]:
    with Session(engine_for(url)) as session:
        strategy = session.get(Strategy, strategy_id)
        assert strategy is not None
        codes = {a.id: a.code for a in areas_of(session, strategy)}
        return {(codes[aid], key): posts for aid, levels in establishment.establishment_of(session, strategy).items()
                for key, posts in levels.items()}


def test_a_good_file_replaces_the_establishment(cli_db: str, strategy_id: int, tmp_path: Path) -> None:
    path = tmp_path / "posts.xlsx"
    path.write_bytes(xlsx_bytes([["Area", "Level", "Posts", "2031"], ["Medicine", "senior", 6, 7],
                                 ["MED", "Middle leaders", 30, None]]))
    result = CliRunner().invoke(main, ["import-establishment", "--strategy", str(strategy_id), str(path)])
    assert result.exit_code == 0, result.output
    assert "2 area and level combinations from 2 rows" in result.output
    assert stored(cli_db, strategy_id) == {("MED", "senior"): (6, 6, 6, 6, 7), ("MED", "middle"): 30}


@pytest.mark.parametrize(("rows", "says"), [
    ([["Area", "Level", "Posts"], ["MED", "middle", 30], ["NOWHERE", "middle", 2], ["MED", "senior", "4.5"]],
     ["2 problems (unknown area: 1, bad posts: 1); nothing was stored",
      "row 3, Area: 'NOWHERE' is not the code or name of an area",
      "row 4, Posts: '4.5' is not a whole number of posts"]),
    ([["Area", "Level"], ["MED", "middle"]], ["The file has no 'posts' column. Nothing was stored."]),
])
def test_a_bad_file_stores_nothing_and_exits_2(cli_db: str, strategy_id: int, tmp_path: Path,
                                               rows: list[list[object]], says: list[str]) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(csv_bytes(rows))
    result = CliRunner().invoke(main, ["import-establishment", "--strategy", str(strategy_id), str(path)])
    assert result.exit_code == 2
    for text in says:
        assert text in result.output
    assert stored(cli_db, strategy_id) == {("SURG", "middle"): 5}


def test_a_missing_strategy_or_file_exits_2(cli_db: str, strategy_id: int, tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(csv_bytes([["Area", "Level", "Posts"], ["MED", "middle", 3]]))
    result = CliRunner().invoke(main, ["import-establishment", "--strategy", "999", str(path)])
    assert result.exit_code == 2 and "there is no strategy with id 999" in result.output
    result = CliRunner().invoke(main, ["import-establishment", "--strategy", str(strategy_id),
                                       str(tmp_path / "nowhere.csv")])
    assert result.exit_code == 2 and "cannot read" in result.output
    assert stored(cli_db, strategy_id) == {("SURG", "middle"): 5}
