"""Importing the succession register (CSV or XLSX): the whole register at once, all or nothing, every
problem by row and column, the staff import's safety limits; on the page and with `planner
import-succession`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from planner.cli import main
from planner.db import engine_for
from planner.imports import ImportRefused, Limits
from planner.imports.succession import read_succession
from planner.models import SuccessionEntry, SuccessionPoolCount
from tests import factories
from tests.helpers import xlsx_bytes

HEADINGS = ["Area", "Level", "Critical roles", "Ready now", "Ready 1-2 years", "Ready 3-5 years", "Ethnicity:BME",
            "ethnicity:white", "Ethnicity:Not stated", "Notes"]
LOOKUPS: dict[str, Any] = {
    "areas": {"TRUST": "TRUST", "MED": "MED", "Medicine": "MED", "SURG": "SURG", "Surgery": "SURG"},
    "levels": {"senior": "senior", "Senior leaders": "senior", "middle": "middle", "Middle leaders": "middle"},
    "ancestors": {"TRUST": frozenset(), "MED": frozenset({"TRUST"}), "SURG": frozenset({"TRUST"})},
}
GOOD = [["Medicine", "Middle leaders", 10, 2, 4, 6, 3, 9, 0, "Jo Bloggs is ready"],
        ["SURG", "middle", 5, 1, 1, 0, "", "", "", ""],
        ["TRUST", "senior", "4", "1", "1", "1", "1", "2", "0", ""]]


def as_csv(rows: list[list[Any]], headings: list[str] = HEADINGS) -> bytes:
    lines = [",".join(headings)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_a_good_register_is_read_in_csv_and_xlsx_alike_and_names_are_never_read() -> None:
    from_csv = read_succession(as_csv(GOOD), "register.csv", **LOOKUPS)
    from_xlsx = read_succession(xlsx_bytes([HEADINGS, *GOOD]), "register.xlsx", **LOOKUPS)
    for result in (from_csv, from_xlsx):
        assert result.importable and result.rows_read == 3
        assert [(r.area, r.level, dict(r.figures)) for r in result.rows] == [
            ("MED", "middle", {"critical_roles": 10, "ready_now": 2, "ready_1_2": 4, "ready_3_5": 6}),
            ("SURG", "middle", {"critical_roles": 5, "ready_now": 1, "ready_1_2": 1, "ready_3_5": 0}),
            ("TRUST", "senior", {"critical_roles": 4, "ready_now": 1, "ready_1_2": 1, "ready_3_5": 1})]
        assert result.rows[0].pool == {"ethnicity": {"white": 9, "bme": 3, "not_stated": 0}}
        assert result.rows[1].pool == {}  # no characteristic recorded on that row
        assert result.ignored_columns == ["Notes"]
        assert "Jo Bloggs" not in repr(result)


@pytest.mark.parametrize(("row", "column", "kind", "message"), [
    (["Cardiology", "middle", 1, 0, 0, 0, "", "", "", ""], "Area", "unknown area",
     "'Cardiology' is not the code or name of an area"),
    (["MED", "chief", 1, 0, 0, 0, "", "", "", ""], "Level", "unknown level", "'chief' is not the key or name"),
    (["MED", "middle", "", 0, 0, 0, "", "", "", ""], "Critical roles", "missing value", "No critical roles given"),
    (["MED", "middle", 2, "-1", 0, 0, "", "", "", ""], "Ready now", "bad number", "'-1' is not a whole number"),
    (["MED", "middle", 2, 1.5, 0, 0, "", "", "", ""], "Ready now", "bad number", "'1.5' is not a whole number"),
    (["MED", "middle", 0, 1, 0, 0, "", "", "", ""], "Critical roles", "bad number",
     "Critical roles must be from 1 to 100,000, not 0"),
    (["MED", "middle", 2, 1, 1, 1, 1, 1, "", ""], "ethnicity:white", "does not add up",
     "the groups add up to 2, but there are 3 successors"),
    (["MED", "middle", 2, 1, 0, 0, "many", 1, 0, ""], "Ethnicity:BME", "bad number", "'many' is not a whole number"),
])
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_importable(row, column, kind, message) -> None:  # type: ignore[no-untyped-def]
    for data, name in ((as_csv([GOOD[1], row]), "r.csv"), (xlsx_bytes([HEADINGS, GOOD[1], row]), "r.xlsx")):
        result = read_succession(data, name, **LOOKUPS)
        assert not result.importable
        assert result.problem_totals == {kind: 1}
        (problem,) = result.problems
        assert (problem.row, problem.column, problem.kind) == (3, column, kind)
        assert message in problem.message


def test_the_same_area_and_level_twice_or_one_area_within_another_is_refused() -> None:
    twice = read_succession(as_csv([GOOD[0], GOOD[0]]), "r.csv", **LOOKUPS)
    assert [(p.row, p.kind) for p in twice.problems] == [(3, "duplicate row")]
    assert "Row 2 already gives area 'MED' at level 'middle'" in twice.problems[0].message
    nested = read_succession(as_csv([GOOD[0], ["TRUST", "middle", 3, 1, 1, 1, "", "", "", ""]]), "r.csv", **LOOKUPS)
    assert [(p.row, p.kind) for p in nested.problems] == [(3, "overlapping area")]
    assert read_succession(as_csv([GOOD[0], GOOD[2]]), "r.csv", **LOOKUPS).importable  # other levels are apart


@pytest.mark.parametrize(("data", "name", "message"), [
    (as_csv(GOOD, HEADINGS[:5]), "r.csv", "The file has no 'ready 3-5 years' column."),
    (as_csv(GOOD, ["Area", "Area", *HEADINGS[1:]]), "r.csv", "more than one 'area' column"),
    (as_csv([], HEADINGS), "r.csv", "no rows of the register"),
    (b"PK\x03\x04not really a workbook", "r.xlsx", ""),
    (b"", "r.csv", ""),
])
def test_a_file_that_cannot_be_read_is_refused_in_one_sentence(data: bytes, name: str, message: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        read_succession(data, name, **LOOKUPS)
    assert message in refused.value.message


def test_the_import_limits_hold() -> None:
    with pytest.raises(ImportRefused, match="more than 2 rows"):
        read_succession(as_csv(GOOD), "r.csv", **LOOKUPS, limits=Limits(max_rows=2))
    with pytest.raises(ImportRefused):
        read_succession(as_csv(GOOD), "r.csv", **LOOKUPS, limits=Limits(max_bytes=100))


# --- the page and the command line -------------------------------------------------------------------


@pytest.fixture
def areas(db: Session, strategy) -> None:  # type: ignore[no-untyped-def]
    trust = factories.make_area(db, strategy, "TRUST", "The trust")
    factories.make_area(db, strategy, "MED", "Medicine", parent=trust)
    factories.make_area(db, strategy, "SURG", "Surgery", parent=trust)


def held(db: Session) -> list[tuple[int, int, int, int]]:
    db.expire_all()
    return sorted((e.critical_roles, e.ready_now, e.ready_1_2, e.ready_3_5) for e in db.exec(select(SuccessionEntry)))


def test_the_page_imports_a_good_file_in_place_of_the_register(client, db: Session, strategy, areas, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("planner")
    url = f"/strategies/{strategy.id}/forecast/succession/import"
    first = client.post(url, data={"register": (io.BytesIO(as_csv(GOOD)), "register.csv")},
                        content_type="multipart/form-data")
    assert first.status_code == 302
    assert held(db) == [(4, 1, 1, 1), (5, 1, 1, 0), (10, 2, 4, 6)]
    assert len(db.exec(select(SuccessionPoolCount)).all()) == 6
    again = client.post(url, data={"register": (io.BytesIO(as_csv([GOOD[1]])), "register.csv")},
                        content_type="multipart/form-data")
    assert again.status_code == 302
    assert held(db) == [(5, 1, 1, 0)]  # the file is the whole register
    assert db.exec(select(SuccessionPoolCount)).all() == []


def test_the_page_refuses_a_bad_file_showing_each_problem_and_keeps_the_register(client, db: Session, strategy,  # type: ignore[no-untyped-def]
                                                                                areas, signed_in) -> None:
    signed_in("planner")
    url = f"/strategies/{strategy.id}/forecast/succession/import"
    client.post(url, data={"register": (io.BytesIO(as_csv(GOOD)), "r.csv")}, content_type="multipart/form-data")
    bad = as_csv([GOOD[0], ["Cardiology", "middle", 1, 0, 0, 0, "", "", "", ""]])
    response = client.post(url, data={"register": (io.BytesIO(bad), "r.csv")}, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was stored" in body and "Cardiology" in body and "<td class=\"nhsuk-table__cell\">3</td>" in body
    assert held(db) == [(4, 1, 1, 1), (5, 1, 1, 0), (10, 2, 4, 6)]
    missing = client.post(url, data={}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "<title>Error: " in missing.get_data(as_text=True)


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", factories.FAST_HASH)
    assert CliRunner().invoke(main, ["init-db"]).exit_code == 0
    with Session(engine_for(url), expire_on_commit=False) as session:
        strategy = factories.make_strategy(session, factories.make_org(session, slug="north"))
        trust = factories.make_area(session, strategy, "TRUST", "The trust")
        factories.make_area(session, strategy, "MED", "Medicine", parent=trust)
        factories.make_area(session, strategy, "SURG", "Surgery", parent=trust)
        return url, strategy.id  # type: ignore[return-value]


def test_the_command_line_imports_a_good_file_and_refuses_a_bad_one(cli_db: tuple[str, int], tmp_path: Path) -> None:
    url, strategy_id = cli_db
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.csv"
    good.write_bytes(xlsx_bytes([HEADINGS, *GOOD]))
    bad.write_bytes(as_csv([GOOD[1], ["MED", "middle", 2, 1, 1, 1, 1, 1, "", ""]]))
    done = CliRunner().invoke(main, ["import-succession", "--strategy", str(strategy_id), str(good)])
    assert done.exit_code == 0, done.output
    assert "3 area and level rows" in done.output
    refused = CliRunner().invoke(main, ["import-succession", "--strategy", str(strategy_id), str(bad)])
    assert refused.exit_code == 2
    assert "row 3, ethnicity:white" in refused.output and "nothing was stored" in refused.output
    with Session(engine_for(url)) as session:
        assert len(session.exec(select(SuccessionEntry)).all()) == 3
