"""`planner import-staff`, run as a planner would: on a new SQLite file named in DATABASE_URL, with a
strategy built by the services; the stored baseline is read back from the database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from planner.cli import main
from planner.db import engine_for
from planner.models import AreaBaseline, DiversityCount, LeaderCount, Strategy
from planner.services.structure import areas_of, levels_of
from tests import factories
from tests.helpers import demo_strategy

HEADER = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability", "Age"]
GOOD_ROWS = [
    ["1001", "MED-ED", "Band 5", "N", "1.0", "A", "Female", "No", "30"],
    ["1002", "Emergency Department", "Band 7", "Y", "0.8", "H Indian", "Male", "Yes", "45"],
    ["1003", "MED-ED", "Band 8a", "Y", "1.0", "A", "F", "No", "52"],
    ["1004", "Medicine", "Band 8d", "Y", "1.0", "M", "Female", "No", "41"],
    ["1005", "med", "Band 3", "N", "0.5", "Z", "Male", "No", "22"],
]
# What those rows count as (worked out by hand).
GOOD_STAFF = {"MED-ED": 3, "MED": 2}
GOOD_FTE = {"MED-ED": 2.8, "MED": 1.5}
GOOD_LEADERS = {("MED-ED", "frontline"): 1, ("MED-ED", "middle"): 1, ("MED", "senior"): 1}
GOOD_BME = {("MED-ED", None): 1, ("MED-ED", "frontline"): 1, ("MED", None): 1, ("MED", "senior"): 1}
BAD_ROWS = [
    ["2001", "NOWHERE", "Band 5", "N", "1", "A", "F", "No", "30"],  # row 7: unknown area
    ["2002", "MED", "Band 5", "N", "1", "Q", "F", "No", "30"],  # row 8: bad ethnic code
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", factories.FAST_HASH)
    assert CliRunner().invoke(main, ["init-db"]).exit_code == 0
    return url


@pytest.fixture
def strategy_id(cli_db: str) -> int:
    """A strategy with Medicine, its Emergency Department and Surgery; Surgery has a typed-in baseline."""
    with Session(engine_for(cli_db), expire_on_commit=False) as session:
        org = factories.make_org(session, slug="north", name="North Trust")
        strategy = factories.make_strategy(session, org)
        med = factories.make_area(session, strategy, "MED", "Medicine")
        factories.make_area(session, strategy, "MED-ED", "Emergency Department", parent=med)
        surg = factories.make_area(session, strategy, "SURG", "Surgery")
        factories.set_baseline(session, strategy, surg, staff=40, fte=38.0, middle=4)
        return strategy.id  # type: ignore[return-value]


BEFORE = {"staff": {"SURG": 40}, "fte": {"SURG": 38.0}, "leaders": {("SURG", "middle"): 4}, "bme": {}}


def stored(url: str, strategy_id: int) -> dict[str, Any]:
    with Session(engine_for(url)) as session:
        strategy = session.get(Strategy, strategy_id)
        assert strategy is not None
        areas = {a.id: a.code for a in areas_of(session, strategy)}
        levels = {lv.id: lv.key for lv in levels_of(session, strategy)}
        rows = session.exec(select(AreaBaseline).where(AreaBaseline.area_id.in_(list(areas)))).all()  # type: ignore[attr-defined]
        counts = session.exec(select(LeaderCount).where(LeaderCount.area_id.in_(list(areas)))).all()  # type: ignore[attr-defined]
        bme = session.exec(select(DiversityCount).where(DiversityCount.strategy_id == strategy_id,
                                                        DiversityCount.characteristic == "ethnicity",
                                                        DiversityCount.group_key == "bme")).all()
        return {
            "staff": {areas[r.area_id]: r.staff for r in rows if r.staff},
            "fte": {areas[r.area_id]: round(r.fte, 2) for r in rows if r.staff},
            "leaders": {(areas[c.area_id], levels[c.level_id]): c.count for c in counts if c.count},
            "bme": {(areas[d.area_id], levels[d.level_id] if d.level_id else None): d.count for d in bme},
        }


GOOD = {"staff": GOOD_STAFF, "fte": GOOD_FTE, "leaders": GOOD_LEADERS, "bme": GOOD_BME}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["import-staff", *args])


def test_doctors_are_imported_at_their_levels_and_counted_in_the_summary(cli_db: str, strategy_id: int,
                                                                         tmp_path: Path) -> None:
    header = ["Area", "Grade", "Job Role", "Leader"]
    rows = [["MED", "Consultant", "Clinical Director", "Y"], ["MED-ED", "Consultant", "", "Y"],
            ["MED-ED", "Specialty Doctor", "", "Y"], ["MED-ED", "FY1", "", "N"], ["MED-ED", "Band 5", "", "N"]]
    result = run("--strategy", str(strategy_id), str(write_csv(tmp_path / "doctors.csv", rows, header)))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (f"Imported 5 rows: 5 staff in 2 areas (4 medical and dental, 3 of them leaders). "
                                     f"The baseline of strategy {strategy_id} is replaced.")
    assert stored(cli_db, strategy_id)["leaders"] == {("MED", "senior"): 1, ("MED-ED", "middle"): 1,
                                                      ("MED-ED", "frontline"): 1}


def test_import_replaces_the_baseline_and_prints_a_summary(cli_db: str, strategy_id: int, tmp_path: Path) -> None:
    assert stored(cli_db, strategy_id) == BEFORE
    extract = write_csv(tmp_path / "staff.csv", GOOD_ROWS)
    result = run("--strategy", str(strategy_id), str(extract))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (f"Imported 5 rows: 5 staff in 2 areas. The baseline of strategy {strategy_id} "
                                     "is replaced.")
    assert result.stderr == ""
    assert stored(cli_db, strategy_id) == GOOD  # Surgery, absent from the file, has no staff now


def test_problems_exit_2_with_each_row_on_stderr_and_nothing_stored(cli_db: str, strategy_id: int,
                                                                   tmp_path: Path) -> None:
    extract = write_csv(tmp_path / "staff.csv", GOOD_ROWS + BAD_ROWS)
    result = run("--strategy", str(strategy_id), str(extract))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"{extract}: 2 problems (unknown area: 1, bad code: 1)"
    assert "  row 7, Area: 'NOWHERE' is not the code or name of an area in the structure." in lines
    assert any(line.startswith("  row 8, Ethnic Origin: 'Q' is not an NHS ethnic category") for line in lines)
    assert "nothing was stored" in lines[-1]
    assert stored(cli_db, strategy_id) == BEFORE


def test_skip_bad_rows_imports_the_others_and_counts_the_skipped(cli_db: str, strategy_id: int,
                                                                tmp_path: Path) -> None:
    extract = write_csv(tmp_path / "staff.csv", GOOD_ROWS + BAD_ROWS)
    result = run("--strategy", str(strategy_id), "--skip-bad-rows", str(extract))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported 7 rows, 2 skipped: 5 staff in 2 areas.")
    assert "row 7, Area" in result.stderr  # the skipped rows are still reported
    assert stored(cli_db, strategy_id) == GOOD


def test_a_mapping_file_maps_other_headings(cli_db: str, strategy_id: int, tmp_path: Path) -> None:
    header = ["Assignment Number", "Cost Centre", "Grade", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability",
              "Age"]
    extract = write_csv(tmp_path / "esr.csv", GOOD_ROWS, header=header)
    unmapped = run("--strategy", str(strategy_id), str(extract))
    assert unmapped.exit_code == 2
    assert "The file has no 'Area' column (or a column mapped to it)." in unmapped.stderr
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Area": "Cost Centre", "Pay Band": "grade"}), encoding="utf-8")
    result = run("--strategy", str(strategy_id), "--mapping", str(mapping), str(extract))
    assert result.exit_code == 0, result.output
    assert stored(cli_db, strategy_id) == GOOD


@pytest.mark.parametrize(("mapping", "sentence"), [
    ("{not json", "is not valid JSON"),
    ('{"Area": "Cost Centre", "Area": "Ward"}', "The mapping file gives 'Area' more than once."),
    ('{"Grade": "Pay Band"}', "The mapping names 'Grade', which is not one of the columns"),
    ("[]", "The mapping file must be a JSON object"),
])
def test_a_bad_mapping_file_exits_2_with_a_sentence(cli_db: str, strategy_id: int, tmp_path: Path, mapping: str,
                                                    sentence: str) -> None:
    extract = write_csv(tmp_path / "staff.csv", GOOD_ROWS)
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(mapping, encoding="utf-8")
    result = run("--strategy", str(strategy_id), "--mapping", str(mapping_file), str(extract))
    assert result.exit_code == 2
    assert sentence in result.stderr
    assert stored(cli_db, strategy_id) == BEFORE


REFUSED = [
    ("web page named .xlsx", "staff.xlsx", b"<html><body><table><tr><td>Area</td></tr></table></body></html>",
     "This file is not an Excel workbook (.xlsx) or a CSV file: it looks like a web page."),
    ("empty", "staff.csv", b"", "The file is empty."),
    ("no Pay Band column", "staff.csv", b"Area,Leader\r\nMED,Y\r\n",
     "The file has no 'Pay Band' column (or a column mapped to it)."),
]


@pytest.mark.parametrize(("name", "content", "sentence"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_refused_file_exits_2_with_its_sentence(cli_db: str, strategy_id: int, tmp_path: Path, name: str,
                                                  content: bytes, sentence: str) -> None:
    extract = tmp_path / name
    extract.write_bytes(content)
    result = run("--strategy", str(strategy_id), str(extract))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"planner: error: {extract}: {sentence} Nothing was stored."
    assert result.stdout == ""
    assert stored(cli_db, strategy_id) == BEFORE


def test_a_workbook_sheet_is_chosen_with_sheet(cli_db: str, strategy_id: int, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["This sheet is not the extract"])
    staff = book.create_sheet("Staff")
    for row in [HEADER, *GOOD_ROWS]:
        staff.append(row)
    path = tmp_path / "staff.xlsx"
    book.save(path)
    first = run("--strategy", str(strategy_id), str(path))
    assert first.exit_code == 2 and "Nothing was stored." in first.stderr
    result = run("--strategy", str(strategy_id), "--sheet", "Staff", str(path))
    assert result.exit_code == 0, result.output
    assert stored(cli_db, strategy_id) == GOOD


@pytest.mark.parametrize(("args", "message"), [
    (["--strategy", "999"], "there is no strategy with id 999"),
    (["--strategy", "{id}", "--mapping", "{missing}"], "cannot read"),
])
def test_an_unknown_strategy_or_missing_file_exits_2(cli_db: str, strategy_id: int, tmp_path: Path,
                                                     args: list[str], message: str) -> None:
    extract = write_csv(tmp_path / "staff.csv", GOOD_ROWS)
    filled = [a.format(id=strategy_id, missing=tmp_path / "nope.json") for a in args]
    result = run(*filled, str(extract))
    assert result.exit_code == 2
    assert message in result.stderr
    assert stored(cli_db, strategy_id) == BEFORE


def test_import_into_the_demo_strategy(cli_db: str, tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["demo"]).exit_code == 0
    with Session(engine_for(cli_db)) as session:
        demo = demo_strategy(session)
        codes = [a.code for a in areas_of(session, demo)]
    rows = [[f"9{i:04d}", codes[i % 3], "Band 8b", "Y", "1", "D", "F", "No", "40"] for i in range(30)]
    extract = write_csv(tmp_path / "small.csv", rows)
    result = run("--strategy", str(demo.id), str(extract))
    assert result.exit_code == 0, result.output
    after = stored(cli_db, demo.id)  # type: ignore[arg-type]
    assert after["staff"] == {codes[0]: 10, codes[1]: 10, codes[2]: 10}
    assert after["leaders"] == {(code, "middle"): 10 for code in codes[:3]}
    assert after["bme"] == {**{(code, None): 10 for code in codes[:3]}, **{(code, "middle"): 10 for code in codes[:3]}}
