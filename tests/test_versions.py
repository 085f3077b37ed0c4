"""Approval freezes a version: `planner approve`, then a new staff import changes the draft's
baseline but not the approved version's; the versions list shows it; the audit trail records the
import and the approval; the version's pack stays as approved; the comparison; the decision rules."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import Session, select

from planner.cli import main
from planner.compare import compare
from planner.db import engine_for
from planner.exports.workbook import pack_bytes
from planner.models import AuditEvent, BoardDecision, Organisation, Strategy, StrategyVersion
from planner.services import ServiceError, strategies
from planner.services import versions as service
from planner.services.baseline import AreaFigures, save_baseline
from planner.services.establishment import save_establishment
from planner.services.scenarios import scenario_from_data
from planner.services.structure import areas_of
from tests import factories
from tests.test_import_staff_cli import GOOD_ROWS, write_csv

TODAY = date.today()
MEETING = TODAY - timedelta(days=1)


def _values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"meeting_date": MEETING, "minute": "2026/101", "decision": "approved", "notes": ""}
    values.update(changes)
    return values


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLANNER_PASSWORD_HASH_METHOD", factories.FAST_HASH)
    assert CliRunner().invoke(main, ["init-db"]).exit_code == 0
    return url


def _arrange(session: Session) -> Strategy:
    """Medicine with its Emergency Department, and Surgery with a typed-in baseline and a scenario."""
    org = factories.make_org(session, slug="north", name="North Trust")
    strategy = factories.make_strategy(session, org, vision="Compassionate leadership everywhere")
    med = factories.make_area(session, strategy, "MED", "Medicine")
    factories.make_area(session, strategy, "MED-ED", "Emergency Department", parent=med)
    surg = factories.make_area(session, strategy, "SURG", "Surgery")
    factories.set_baseline(session, strategy, surg, staff=400, fte=380.0, senior=3, middle=12, frontline=40)
    scenario_from_data(session=session, strategy=strategy, actor=None, data={
        "name": "Baseline", "levels": {"middle": {"leaver_rate": 0.1, "ready_rate": 0.05, "internal_fill_max": 0.5},
                                       "frontline": {"leaver_rate": 0.12, "ready_rate": 0.06}},
        "areas": {"SURG": {"staff_growth": 0.02, "span": {"frontline": 10}}}})
    return strategy


@pytest.fixture
def strategy_id(cli_db: str) -> int:
    with Session(engine_for(cli_db), expire_on_commit=False) as session:
        return _arrange(session).id  # type: ignore[return-value]


def _staff(snapshot: dict[str, Any]) -> dict[str, int]:
    return {a["code"]: a["staff"] for a in snapshot["baseline"]["areas"] if a["staff"]}


def test_after_approval_a_staff_import_changes_the_draft_but_not_the_version(cli_db: str, strategy_id: int,
                                                                            tmp_path: Path) -> None:
    approved = CliRunner().invoke(main, ["approve", "--strategy", str(strategy_id), "--meeting-date",
                                         MEETING.isoformat(), "--minute", "2026/101"])
    assert approved.exit_code == 0, approved.output
    assert "Version 1 is frozen" in approved.output
    imported = CliRunner().invoke(main, ["import-staff", "--strategy", str(strategy_id),
                                         str(write_csv(tmp_path / "extract.csv", GOOD_ROWS))])
    assert imported.exit_code == 0, imported.output
    with Session(engine_for(cli_db)) as session:
        strategy = session.get(Strategy, strategy_id)
        organisation = session.get(Organisation, strategy.organisation_id)  # type: ignore[union-attr]
        (version,) = service.versions_of(session, strategy)  # type: ignore[arg-type]
        assert (version.number, version.minute, version.approved_on, version.decision) == (
            1, "2026/101", MEETING, "approved")
        assert _staff(service.snapshot_of(version)) == {"SURG": 400}
        draft = service.take_snapshot(session, strategy, organisation, today=TODAY, prepared_by="")  # type: ignore[arg-type]
        assert _staff(draft) == {"MED-ED": 3, "MED": 2}
        assert strategy.status == "draft"  # type: ignore[union-attr]
        actions = [(e.action, e.entity) for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert ("submit", "strategy") in actions and ("approve", "strategy") in actions
    assert actions.index(("approve", "strategy")) < actions.index(("import", "baseline"))


@pytest.mark.parametrize(("args", "message"), [
    (["--meeting-date", "12/03/2027", "--minute", "1"], "must be a date as YYYY-MM-DD"),
    (["--meeting-date", (TODAY + timedelta(days=3)).isoformat(), "--minute", "1"], "today or earlier"),
    (["--meeting-date", MEETING.isoformat(), "--minute", " "], "Enter the minute reference"),
])
def test_planner_approve_refuses_bad_input_and_stores_nothing(cli_db: str, strategy_id: int, args: list[str],
                                                             message: str) -> None:
    result = CliRunner().invoke(main, ["approve", "--strategy", str(strategy_id), *args])
    assert result.exit_code == 2
    assert message in result.output
    with Session(engine_for(cli_db)) as session:
        assert session.exec(select(StrategyVersion)).all() == []
        assert session.exec(select(BoardDecision)).all() == []
        assert session.get(Strategy, strategy_id).status == "draft"  # type: ignore[union-attr]


def test_a_deferral_records_the_decision_and_freezes_nothing(cli_db: str, strategy_id: int) -> None:
    result = CliRunner().invoke(main, ["approve", "--strategy", str(strategy_id), "--meeting-date",
                                       MEETING.isoformat(), "--minute", "2026/102", "--decision", "deferred",
                                       "--notes", "Needs a patient panel first"])
    assert result.exit_code == 0 and "deferred" in result.output
    with Session(engine_for(cli_db)) as session:
        assert session.exec(select(StrategyVersion)).all() == []
        (decision,) = session.exec(select(BoardDecision)).all()
        assert (decision.decision, decision.notes, decision.version_id) == ("deferred", "Needs a patient panel first",
                                                                            None)


# --- the service, on the test database -----------------------------------------------------------


@pytest.fixture
def arranged(db: Session) -> Strategy:
    return _arrange(db)


def _approve(db: Session, strategy: Strategy, **changes: Any) -> BoardDecision:
    organisation = db.get(Organisation, strategy.organisation_id)
    if strategy.status != "submitted":
        service.submit(session=db, strategy=strategy, actor=None)
    return service.record_decision(session=db, strategy=strategy, organisation=organisation,  # type: ignore[arg-type]
                                   values=_values(**changes), actor=None, today=TODAY)


def _cells(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def test_the_versions_pack_stays_as_approved_whatever_changes_later(db: Session, arranged: Strategy) -> None:
    decision = _approve(db, arranged)
    version = db.get(StrategyVersion, decision.version_id)
    assert version is not None
    at_approval = _cells(pack_bytes(service.version_content(version)))
    cover = {r[0]: r[1] for r in at_approval["Cover"] if r[0]}
    assert cover["Status"] == "Approved" and cover["Version"].startswith("Version 1, approved")
    assert cover["Minute reference"] == "2026/101"
    strategies.update_scope(session=db, strategy=arranged, actor=factories.make_member(db, db.get(  # type: ignore[arg-type]
        Organisation, arranged.organisation_id), role="editor"), values={
        "title": "A new title", "start_year": 2026, "horizon": 5, "vision": "Changed", "mission": "", "values": "",
        "owner": ""})
    surgery = next(a for a in areas_of(db, arranged) if a.code == "SURG")
    save_baseline(session=db, strategy=arranged, actor=None,
                  figures={surgery.id: AreaFigures(staff=900, fte=850.0, leaders={"frontline": 90})})  # type: ignore[dict-item]
    db.expire_all()
    later = _cells(pack_bytes(service.version_content(db.get(StrategyVersion, version.id))))  # type: ignore[arg-type]
    assert later == at_approval
    draft_cover = {r[0]: r[1] for r in _cells(pack_bytes(service.take_snapshot(
        db, arranged, db.get(Organisation, arranged.organisation_id), today=TODAY,  # type: ignore[arg-type]
        prepared_by="")["content"]))["Cover"] if r[0]}
    assert draft_cover["Strategy"] == "A new title" and "Draft of version 2" in draft_cover["Version"]


def test_a_frozen_version_cannot_be_changed(db: Session, arranged: Strategy) -> None:
    version = db.get(StrategyVersion, _approve(db, arranged).version_id)
    version.minute = "altered"  # type: ignore[union-attr]
    db.add(version)
    with pytest.raises(ValueError, match="frozen"):
        db.commit()
    db.rollback()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"meeting_date": None}, "meeting_date", "Enter the date of the board meeting"),
    ({"meeting_date": TODAY + timedelta(days=1)}, "meeting_date", "today or earlier"),
    ({"minute": ""}, "minute", "Enter the minute reference"),
    ({"minute": "x" * 101}, "minute", "100 characters or fewer"),
    ({"decision": "rubber-stamped"}, "decision", "Choose the board's decision"),
])
def test_a_bad_decision_names_its_field(db: Session, arranged: Strategy, changes: dict[str, Any], field: str,
                                        message: str) -> None:
    with pytest.raises(ServiceError) as caught:
        _approve(db, arranged, **changes)
    assert caught.value.field == field and message in caught.value.message


def test_a_decision_needs_a_submitted_strategy(db: Session, arranged: Strategy) -> None:
    with pytest.raises(ServiceError, match="Submit the strategy"):
        organisation = db.get(Organisation, arranged.organisation_id)
        service.record_decision(session=db, strategy=arranged, organisation=organisation,  # type: ignore[arg-type]
                                values=_values(), actor=None, today=TODAY)


def test_versions_number_on_and_the_comparison_shows_what_changed(db: Session, arranged: Strategy) -> None:
    first = db.get(StrategyVersion, _approve(db, arranged).version_id)
    surgery = next(a for a in areas_of(db, arranged) if a.code == "SURG")
    save_baseline(session=db, strategy=arranged, actor=None,
                  figures={surgery.id: AreaFigures(staff=600, fte=570.0, leaders={"senior": 3, "middle": 12,
                                                                                   "frontline": 60})})  # type: ignore[dict-item]
    factories.make_area(db, arranged, "WAC", "Women's and Children's")
    save_establishment(session=db, strategy=arranged, actor=None, posts={(surgery.id, "senior"): (3, 3, 4, 4, 4)})
    decision = _approve(db, arranged, decision="approved_with_changes", minute="2026/140")
    second = db.get(StrategyVersion, decision.version_id)
    assert (first.number, second.number) == (1, 2)  # type: ignore[union-attr]
    result = compare(service.snapshot_of(first), service.snapshot_of(second))  # type: ignore[arg-type]
    sections = {s.key: s for s in result.sections}
    assert sections["areas"].added == ["WAC"]
    (changed,) = sections["baseline"].changed
    assert changed.key == "SURG" and changed.fields["staff"] == (400, 600)
    assert changed.fields["leaders: frontline"] == (40, 60)
    assert changed.fields["establishment: senior"] == (None, "3, 3, 4, 4, 4")
    assert sections["scope"].unchanged and sections["objectives"].unchanged
    frontline_demand = next(d for d in result.forecast if d.level == "frontline" and d.measure == "demand")
    # Demand follows staff at 10 staff per frontline leader, growing 2% a year for five years.
    assert frontline_demand.before == 45 and frontline_demand.after == 67
    assert frontline_demand.difference == 22


def test_the_snapshot_is_plain_json_with_the_apis_baseline(db: Session, arranged: Strategy) -> None:
    version = db.get(StrategyVersion, _approve(db, arranged).version_id)
    snapshot = json.loads(version.snapshot)  # type: ignore[union-attr]
    assert set(snapshot) >= {"content", "baseline", "scenarios", "targets"}
    assert snapshot["baseline"]["areas"][-1] == {"code": "SURG", "staff": 400, "fte": 380.0,
                                                 "leaders": {"board": 0, "senior": 3, "middle": 12, "frontline": 40},
                                                 "establishment": {}, "vacancies": {}}
