"""Approval: an editor submits the strategy, the board's decision is recorded, and an approval
freezes a version: a snapshot of every step's data and computed results that later edits never
touch. The strategy then goes on as the draft of the next version."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from planner.dates import long_date
from planner.models import BoardDecision, Organisation, Strategy, StrategyVersion, User
from planner.services import ServiceError, derived, finish
from planner.services.audit import record
from planner.services.board_pack import pack_content
from planner.services.diversity import baseline_document, targets_of
from planner.services.forecasting import FORECAST_READ, run_each
from planner.services.scenarios import scenarios_of
from planner.services.structure import levels_of

SNAPSHOT_SCHEMA = 1
DECISIONS = {"approved": "Approved", "approved_with_changes": "Approved with changes", "deferred": "Deferred"}
FREEZES = ("approved", "approved_with_changes")
MAX_MINUTE = 100
MAX_NOTES = 5_000


def versions_of(session: Session, strategy: Strategy) -> list[StrategyVersion]:
    """The strategy's approved versions, the first first."""
    return list(session.exec(select(StrategyVersion).where(StrategyVersion.strategy_id == strategy.id)
                             .order_by(col(StrategyVersion.number))))


def decisions_of(session: Session, strategy: Strategy) -> list[BoardDecision]:
    """Every decision the board recorded on the strategy, the latest first."""
    return list(session.exec(select(BoardDecision).where(BoardDecision.strategy_id == strategy.id)
                             .order_by(col(BoardDecision.meeting_date).desc(), col(BoardDecision.id).desc())))


def snapshot_of(version: StrategyVersion) -> dict[str, Any]:
    """The version's frozen snapshot."""
    snapshot: dict[str, Any] = json.loads(version.snapshot)
    return snapshot


def _scenarios(session: Session, strategy: Strategy) -> list[dict[str, Any]]:
    out = []
    scenarios = scenarios_of(session, strategy)
    for scenario, outcome in zip(scenarios, run_each(session, strategy, scenarios, with_bands=False), strict=True):
        out.append({"name": scenario.name, "description": scenario.description, "spec": outcome.spec,
                    "totals": outcome.result["totals"] if outcome.result else [],
                    "problems": [str(p) for p in outcome.problems]})
    return out


def _targets(session: Session, strategy: Strategy) -> list[dict[str, Any]]:
    keys = {lv.id: lv.key for lv in levels_of(session, strategy)}
    return [{"level": keys.get(t.level_id, "all") if t.level_id else "all",
             "characteristic": t.characteristic, "group": t.group_key, "target_share": t.target_share,
             "target_year": t.target_year, "leaver_rate_ratio": t.leaver_rate_ratio,
             "current_appointment_share": t.current_appointment_share, "pipeline_share": t.pipeline_share}
            for t in targets_of(session, strategy)]


def take_snapshot(session: Session, strategy: Strategy, organisation: Organisation, *, today: date,
                  prepared_by: str, status: dict[str, str] | None = None,
                  approval: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every step's data and computed results as they stand: the pack's content, the baseline as
    the API gives it (diversity counts suppressed), every scenario's spec and totals, and the targets."""
    # A copy of the kept content, so the status and approval added here stay out of it.
    content = dict(pack_content(session, strategy, organisation, prepared_by=prepared_by, today=today))
    if status is not None:
        content["status"] = status
    content["approval"] = approval
    # Kept as the pack's parts are (planner.services.derived), looked up together.
    baseline, scenarios, targets = derived.remember_each(
        session, strategy_id=strategy.id, organisation_id=organisation.id, asks=[
            derived.Ask("snapshot: baseline", (), ("baseline", "diversity", "organisation", "structure"),
                        lambda: baseline_document(session, strategy, organisation, suppressed=True)),
            derived.Ask("snapshot: scenarios", (), FORECAST_READ, lambda: _scenarios(session, strategy)),
            derived.Ask("snapshot: targets", (), ("diversity", "structure"), lambda: _targets(session, strategy)),
        ])
    return {
        "schema": SNAPSHOT_SCHEMA,
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "content": content,
        "baseline": baseline,
        "scenarios": scenarios,
        "targets": targets,
    }


def submit(*, session: Session, strategy: Strategy, actor: User | None, commit: bool = True) -> None:
    """Put the draft to the board for its decision."""
    if strategy.status == "submitted":
        raise ServiceError("The strategy is already waiting for the board's decision")
    strategy.status = "submitted"
    strategy.submitted_at = datetime.now(UTC)
    strategy.submitted_by = actor.id if actor else None
    session.add(strategy)
    record(session, action="submit", entity="strategy", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"status": ["draft", "submitted"]})
    finish(session, commit)


def withdraw(*, session: Session, strategy: Strategy, actor: User | None) -> None:
    """Take a submitted strategy back to draft before the board decides."""
    if strategy.status != "submitted":
        raise ServiceError("The strategy is not waiting for a decision")
    strategy.status, strategy.submitted_at, strategy.submitted_by = "draft", None, None
    session.add(strategy)
    record(session, action="withdraw", entity="strategy", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"status": ["submitted", "draft"]})
    session.commit()


def check_decision(values: dict[str, Any], today: date) -> dict[str, Any]:
    """The decision's fields, cleaned; a ServiceError naming the first field that is wrong."""
    meeting = values.get("meeting_date")
    if not isinstance(meeting, date):
        raise ServiceError("Enter the date of the board meeting", field="meeting_date")
    if meeting > today:
        raise ServiceError("The meeting date must be today or earlier: record the decision after the meeting",
                           field="meeting_date")
    minute = str(values.get("minute") or "").strip()
    if not minute:
        raise ServiceError("Enter the minute reference, like 2027/045", field="minute")
    if len(minute) > MAX_MINUTE:
        raise ServiceError(f"The minute reference must be {MAX_MINUTE} characters or fewer", field="minute")
    decision = str(values.get("decision") or "")
    if decision not in DECISIONS:
        raise ServiceError("Choose the board's decision: approved, approved with changes, or deferred",
                           field="decision")
    notes = str(values.get("notes") or "").strip()
    if len(notes) > MAX_NOTES:
        raise ServiceError(f"The notes must be {MAX_NOTES:,} characters or fewer", field="notes")
    return {"meeting_date": meeting, "minute": minute, "decision": decision, "notes": notes}


def record_decision(*, session: Session, strategy: Strategy, organisation: Organisation, values: dict[str, Any],
                    actor: User | None, today: date, commit: bool = True) -> BoardDecision:
    """Record the board's decision; an approval freezes the next version. The strategy is a draft after."""
    clean = check_decision(values, today)
    if strategy.status != "submitted":
        raise ServiceError("Submit the strategy for approval before recording the board's decision")
    decision = BoardDecision(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                             recorded_by=actor.id if actor else None, **clean)
    changes: dict[str, Any] = {"decision": clean["decision"], "meeting_date": clean["meeting_date"].isoformat(),
                               "minute": clean["minute"]}
    if clean["decision"] in FREEZES:
        number = (session.exec(select(func.max(StrategyVersion.number))
                               .where(StrategyVersion.strategy_id == strategy.id)).one() or 0) + 1
        approval = {"number": number, "decision": DECISIONS[clean["decision"]],
                    "meeting_date": clean["meeting_date"].isoformat(), "minute": clean["minute"],
                    "notes": clean["notes"]}
        status = {"state": DECISIONS[clean["decision"]],
                  "version": f"Version {number}, approved {long_date(clean['meeting_date'])}"}
        snapshot = take_snapshot(session, strategy, organisation, today=today,
                                 prepared_by=(actor.display_name if actor else ""), status=status, approval=approval)
        version = StrategyVersion(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                  number=number, approved_on=clean["meeting_date"], minute=clean["minute"],
                                  decision=clean["decision"], notes=clean["notes"],
                                  snapshot=json.dumps(snapshot, allow_nan=False, sort_keys=True),
                                  created_by=actor.id if actor else None)
        session.add(version)
        session.flush()
        decision.version_id = version.id
        changes["version"] = number
    strategy.status, strategy.submitted_at, strategy.submitted_by = "draft", None, None
    session.add(strategy)
    session.add(decision)
    session.flush()
    record(session, action="approve" if clean["decision"] in FREEZES else "defer", entity="strategy",
           entity_id=strategy.id, organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes=changes)
    finish(session, commit)
    return decision


def version_content(version: StrategyVersion) -> dict[str, Any]:
    """The board pack's content exactly as the version was approved."""
    content: dict[str, Any] = snapshot_of(version)["content"]
    return content
