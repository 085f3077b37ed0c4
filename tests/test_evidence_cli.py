"""Workforce evidence from the command line, as a planner would run it: `planner import-staff --at start`, the
baseline import, `planner import-leavers` and `planner derive-rates`, on a new SQLite file. The --json output
must equal the pure derivations (planner.evidence.derive_rates) on the same generated extracts, and a refused
file must store nothing."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from planner.cli import main
from planner.db import engine_for
from planner.evidence import EvidenceCounts, Period, ReadyRates, StaffCounts, derive_rates
from planner.imports import read_leavers_extract, read_staff_extract
from planner.models import AuditEvent, EvidenceExtract, ScenarioAreaLevel, ScenarioLevel, Strategy
from planner.services import scenarios as scenario_service
from planner.services.staff_import import lookups
from planner.services.structure import levels_of
from tests import factories

AREAS = ("MED", "MED-ED", "SURG")
BANDS = ("Band 5", "Band 7", "Band 8a", "Band 8d", "Consultant")
REASONS = ("Voluntary Resignation - Work Life Balance", "Retirement Age", "Flexi Retirement",
           "Voluntary Resignation - Relocation", "End of Fixed Term Contract", "Employee Transfer")
PERIOD = (date(2025, 4, 1), date(2026, 3, 31))


def staff_rows(rng: random.Random, n: int) -> bytes:
    lines = ["Area,Pay Band,Leader,Age"]
    for _ in range(n):
        band = rng.choice(BANDS)
        leader = "Y" if band != "Band 5" and rng.random() < 0.8 else "N"
        age = "" if rng.random() < 0.1 else str(rng.randint(19, 68))
        lines.append(f"{rng.choice(AREAS)},{band},{leader},{age}")
    return "\r\n".join(lines).encode()


def leaver_rows(rng: random.Random, n: int) -> bytes:
    lines = ["Area,Pay Band,Leader,Termination Date,Reason for Leaving,Age"]
    for _ in range(n):
        band = rng.choice(BANDS)
        leader = "Y" if band != "Band 5" and rng.random() < 0.8 else "N"
        day = PERIOD[0] + timedelta(days=rng.randint(0, 364))
        age = "" if rng.random() < 0.1 else str(rng.randint(19, 68))
        lines.append(f"{rng.choice(AREAS)},{band},{leader},{day:%d/%m/%Y},{rng.choice(REASONS)},{age}")
    return "\r\n".join(lines).encode()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", factories.FAST_HASH)
    assert CliRunner().invoke(main, ["init-db"]).exit_code == 0
    return url


@pytest.fixture
def strategy_id(cli_db: str) -> int:
    with Session(engine_for(cli_db), expire_on_commit=False) as session:
        org = factories.make_org(session, slug="north", name="North Trust")
        strategy = factories.make_strategy(session, org)
        med = factories.make_area(session, strategy, "MED", "Medicine")
        factories.make_area(session, strategy, "MED-ED", "Emergency Department", parent=med)
        factories.make_area(session, strategy, "SURG", "Surgery")
        scenario_service.scenario_from_data(session=session, strategy=strategy, actor=None, data={
            "name": "Baseline", "levels": {"board": {"leaver_rate": 0.1}, "senior": {"leaver_rate": 0.09,
                                                                                      "ready_rate": 0.04},
                                           "middle": {"leaver_rate": 0.09, "ready_rate": 0.06},
                                           "frontline": {"leaver_rate": 0.11, "ready_rate": 0.07}}})
        return strategy.id  # type: ignore[return-value]


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def import_all(tmp_path: Path, strategy_id: int, seed: int) -> dict[str, bytes]:
    rng = random.Random(seed)
    files = {"start.csv": staff_rows(rng, rng.randint(60, 200)), "end.csv": staff_rows(rng, rng.randint(60, 200)),
             "leavers.csv": leaver_rows(rng, rng.randint(10, 60))}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    sid = str(strategy_id)
    period = ["--period-start", "2025-04-01", "--period-end", "2026-03-31"]
    assert run("import-leavers", "--strategy", sid, str(tmp_path / "leavers.csv"), *period).exit_code == 0
    done = run("import-staff", "--strategy", sid, "--at", "start", str(tmp_path / "start.csv"))
    assert done.exit_code == 0, done.output
    assert "The baseline is unchanged" in done.output
    assert run("import-staff", "--strategy", sid, str(tmp_path / "end.csv")).exit_code == 0
    return files


def pure(url: str, strategy_id: int, files: dict[str, bytes]) -> dict[str, Any]:
    """The pure package's rates on the same files, read with the strategy's own lookups."""
    with Session(engine_for(url)) as session:
        strategy = session.get(Strategy, strategy_id)
        assert strategy is not None
        areas, bands = lookups(session, strategy)
        level_keys = tuple(lv.key for lv in levels_of(session, strategy))
    start = read_staff_extract(files["start.csv"], "start.csv", areas=areas, band_levels=bands, as_at=PERIOD[0])
    end = read_staff_extract(files["end.csv"], "end.csv", areas=areas, band_levels=bands, as_at=date(2026, 3, 31))
    leavers = read_leavers_extract(files["leavers.csv"], "leavers.csv", areas=areas, band_levels=bands,
                                   period_start=PERIOD[0], period_end=PERIOD[1])
    counts = EvidenceCounts(Period(*PERIOD), StaffCounts.from_import(start.leaders, start.diversity, "start.csv"),
                            StaffCounts.from_import(end.leaders, end.diversity, "end.csv"), leavers.counts,
                            level_keys, AREAS, "leavers.csv")
    ready = ReadyRates({"board": 0.0, "senior": 0.04, "middle": 0.06, "frontline": 0.07})
    return derive_rates(counts, ready, horizon=5).to_json()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_derive_rates_json_equals_the_pure_derivations_on_imported_extracts(
        tmp_path: Path, cli_db: str, strategy_id: int, seed: int) -> None:
    files = import_all(tmp_path, strategy_id, seed)
    out = run("derive-rates", "--strategy", str(strategy_id), "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == pure(cli_db, strategy_id, files)


def test_apply_stores_the_yearly_rates_with_their_source_and_the_spec_uses_them(
        tmp_path: Path, cli_db: str, strategy_id: int) -> None:
    import_all(tmp_path, strategy_id, 7)
    found = json.loads(run("derive-rates", "--strategy", str(strategy_id), "--json").output)
    out = run("derive-rates", "--strategy", str(strategy_id), "--scenario", "baseline", "--apply")
    assert out.exit_code == 0, out.output
    assert "Applied to 'Baseline'" in out.output
    with Session(engine_for(cli_db)) as session:
        strategy = session.get(Strategy, strategy_id)
        assert strategy is not None
        scenario = scenario_service.scenarios_of(session, strategy)[0]
        spec = scenario_service.spec_for(session, strategy, scenario)
        rows = {lv.key: session.exec(select(ScenarioLevel).where(ScenarioLevel.scenario_id == scenario.id,
                                                                 ScenarioLevel.level_id == lv.id)).one()
                for lv in levels_of(session, strategy)}
        audit = session.exec(select(AuditEvent).where(AuditEvent.entity == "scenario_evidence")).all()
        overrides = session.exec(select(ScenarioAreaLevel).where(ScenarioAreaLevel.leaver_source.isnot(None))).all()  # type: ignore[union-attr]
    by_level = {entry["key"]: entry for entry in spec["levels"]}
    for level in found["levels"]:
        if level["projected_leaver_rate"] is None:
            assert by_level[level["level"]]["leaver_rate"] == 0.1  # the typed rate stays
            assert rows[level["level"]].leaver_source is None
            continue
        assert by_level[level["level"]]["leaver_rate"] == level["projected_leaver_rate"]
        source = json.loads(rows[level["level"]].leaver_source or "{}")
        assert source["text"].startswith(f"measured: {level['leavers']} leaver")
        assert "1 April 2025 to 31 March 2026" in source["text"]
        assert source["files"] == ["start.csv", "end.csv", "leavers.csv"]
    assert len(overrides) == sum(1 for area in found["areas"] if area["own_rate"])
    assert len(audit) == 1


def test_a_leavers_file_with_a_problem_stores_nothing_and_names_row_and_column(
        tmp_path: Path, cli_db: str, strategy_id: int) -> None:
    bad = tmp_path / "leavers.csv"
    bad.write_text("Area,Pay Band,Termination Date,Reason for Leaving\r\n"
                   "MED,Band 7,01/05/2025,Retirement Age\r\n"
                   "NOWHERE,Band 7,01/05/2025,Retirement Age\r\n"
                   "MED,Band 7,01/05/2026,Retirement Age\r\n")
    out = run("import-leavers", "--strategy", str(strategy_id), str(bad), "--period-start", "2025-04-01",
              "--period-end", "2026-03-31")
    assert out.exit_code == 2
    assert "row 3, Area" in out.output and "row 4, Termination Date" in out.output
    wrong_period = run("import-leavers", "--strategy", str(strategy_id), str(bad), "--period-start", "2025-04-01",
                       "--period-end", "2026-04-30")
    assert wrong_period.exit_code == 2 and "31 March 2026" in wrong_period.output
    bad_start = tmp_path / "start.csv"
    bad_start.write_text("Area,Pay Band,Leader\r\nMED,Band 7,Y\r\nMED,Band 99,N\r\n")
    out = run("import-staff", "--strategy", str(strategy_id), "--at", "start", str(bad_start))
    assert out.exit_code == 2 and "row 3" in out.output
    refused = run("import-staff", "--strategy", str(strategy_id), "--at", "start", "--skip-bad-rows", str(bad_start))
    assert refused.exit_code == 2
    with Session(engine_for(cli_db)) as session:
        assert session.exec(select(EvidenceExtract)).all() == []
    no_evidence = run("derive-rates", "--strategy", str(strategy_id), "--json")
    assert no_evidence.exit_code == 2 and "leavers extract" in no_evidence.output


def test_a_leavers_job_role_decides_the_level_before_the_grade(tmp_path: Path, cli_db: str, strategy_id: int) -> None:
    """A medical director on a consultant's grade left the board, not the middle leaders (the strategy's map)."""
    staff = tmp_path / "end.csv"
    staff.write_text("Area,Pay Band,Job Role,Leader\r\n" + "MED,Consultant,,Y\r\n" * 10
                     + "MED,Consultant,Medical Director,Y\r\n" + "MED,Band 8d,,Y\r\n" * 4)
    leavers = tmp_path / "leavers.csv"
    leavers.write_text("Area,Pay Band,Job Role,Leader,Leaving Date,Reason for Leaving\r\n"
                       "MED,Consultant,Medical Director,Y,30/09/2025,Retirement Age\r\n"
                       "MED,Consultant,Consultant,Y,30/09/2025,Voluntary Resignation - Relocation\r\n")
    sid = str(strategy_id)
    assert run("import-staff", "--strategy", sid, str(staff)).exit_code == 0
    done = run("import-leavers", "--strategy", sid, str(leavers), "--period-start", "2025-04-01",
               "--period-end", "2026-03-31")
    assert done.exit_code == 0, done.output
    output = json.loads(run("derive-rates", "--strategy", sid, "--json").output)
    found = {level["level"]: level for level in output["levels"]}
    assert (found["board"]["leavers"], found["board"]["retirements"], found["board"]["average_in_post"]) == (1, 1, 1.0)
    middle = found["middle"]
    assert (middle["leavers"], middle["retirements"], middle["average_in_post"]) == (1, 0, 10.0)
    assert found["senior"]["leavers"] == 0 and found["senior"]["leaver_rate"] == 0.0
    assert found["frontline"]["leaver_rate"] is None and "No frontline leaders" in found["frontline"]["reason"]
