"""Workforce evidence wired in (docs/evidence.md): the staff extracts at the start and end of the evidence
period and the leavers extract kept as counts, the rates derived from them (planner.evidence), and
applying those rates to a scenario with their source. Only counts are stored: no name, id or date of
anyone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from planner.evidence import (
    Evidence,
    EvidenceCounts,
    LeaverGroup,
    Period,
    ReadyRates,
    StaffCounts,
    derive_rates,
)
from planner.imports import ImportResult, LeaversResult, Limits, read_leavers_extract
from planner.imports.values import role_level_lookup
from planner.models import (
    EvidenceExtract,
    Scenario,
    ScenarioAreaLevel,
    ScenarioLevel,
    Strategy,
    User,
    utcnow,
)
from planner.services import ServiceError, derived, finish
from planner.services.audit import record
from planner.services.extracts import extracts_of, record_end, staff_counts, store_extract
from planner.services.scenarios import area_assumptions, check_assumptions, default_level, level_assumptions
from planner.services.staff_import import lookups
from planner.services.structure import areas_of, levels_of

__all__ = ["Applied", "apply_rates", "derive", "extracts_of", "import_start", "leavers_of", "level_word",
           "read_leavers", "record_end", "start_as_at", "store_leavers"]

KIND_NAMES = {"start": "staff extract at the start of the period", "end": "staff extract at the end of the period",
              "leavers": "leavers extract"}


def level_word(name: str) -> str:
    """'middle' for a level called 'Middle leaders', as the sources say '412 middle leaders'."""
    words = name.strip()
    if words.lower().endswith(" leaders"):
        words = words[: -len(" leaders")]
    return words.lower()


def start_as_at(session: Session, strategy: Strategy) -> date:
    """The day the start of period extract's ages are worked out on: the period's first day, or, before a
    leavers extract gives the period, a year before the baseline's 31 March plus a day."""
    leavers = extracts_of(session, strategy).get("leavers")
    if leavers is not None and leavers.period_start is not None:
        return leavers.period_start
    return date(strategy.start_year - 1, 4, 1)


def import_start(*, session: Session, strategy: Strategy, result: ImportResult, filename: str, actor: User | None,
                 commit: bool = True) -> EvidenceExtract:
    """Keep a staff extract's counts as the start of the evidence period (the baseline is not touched).
    All or nothing: a file with any problem, or read skipping rows, is refused."""
    if not result.importable or result.rows_skipped:
        raise ServiceError("The file has problems: nothing was stored. Correct the rows listed and upload it again "
                           "(rates measured from part of a workforce would mislead).")
    diversity = [[a, lv, c, g, n] for (a, lv, c, g), n in result.diversity.items()]
    leaders = [[a, lv, n] for (a, lv), n in result.leaders.items()]
    row = store_extract(session, strategy, "start", filename=filename, rows_read=result.rows_read,
                 counts=staff_counts(leaders, diversity))
    session.flush()
    record(session, action="import", entity="evidence_start", entity_id=row.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"file": row.filename, "rows_read": row.rows_read})
    finish(session, commit)
    return row


def read_leavers(session: Session, strategy: Strategy, data: bytes, filename: str, *, period_start: date,
                 period_end: date, mapping: dict[str, str] | None = None, sheet: str | None = None,
                 limits: Limits | None = None) -> LeaversResult:
    """Read a leavers extract against the strategy's areas, band map and job roles (raises ImportRefused)."""
    areas, bands = lookups(session, strategy)
    return read_leavers_extract(data, filename, areas=areas, band_levels=bands,
                                job_role_levels=role_level_lookup(bands), period_start=period_start,
                                period_end=period_end, mapping=mapping, sheet=sheet, limits=limits or Limits())


def store_leavers(*, session: Session, strategy: Strategy, result: LeaversResult, filename: str,
                  actor: User | None, commit: bool = True) -> EvidenceExtract:
    """Keep a leavers extract's counts and its period (all or nothing: a file with any problem is refused)."""
    if not result.importable:
        raise ServiceError("The file has problems: nothing was stored. Correct the rows listed and upload it again.")
    groups = [[g.area, g.level, g.leader, g.reason, g.age_band, n] for g, n in result.counts.items()]
    row = store_extract(session, strategy, "leavers", filename=filename, rows_read=result.rows_read,
                 counts={"groups": groups, "moves": result.moves}, period=result.period)
    session.flush()
    record(session, action="import", entity="evidence_leavers", entity_id=row.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"file": row.filename, "rows_read": row.rows_read, "leavers": result.leavers,
                    "moves": result.moves, "period": [result.period.start.isoformat(),
                                                      result.period.end.isoformat()]})
    finish(session, commit)
    return row


def leavers_of(row: EvidenceExtract) -> dict[LeaverGroup, int]:
    """A stored leavers extract's counts."""
    counts = json.loads(row.counts)
    return {LeaverGroup(area, level, bool(leader), reason, band): int(n)
            for area, level, leader, reason, band, n in counts.get("groups", [])}


def _staff(row: EvidenceExtract | None) -> StaffCounts | None:
    if row is None:
        return None
    counts = json.loads(row.counts)
    return StaffCounts({(a, lv): int(n) for a, lv, n in counts.get("leaders", [])},
                       {band: int(n) for band, n in counts.get("staff_by_age", {}).items()},
                       {(a, lv, band): int(n) for a, lv, band, n in counts.get("leaders_by_age", [])},
                       row.filename or None)


def missing_reason(session: Session, strategy: Strategy) -> str | None:
    """Why no rates can be derived yet, or None when they can."""
    held = extracts_of(session, strategy)
    if "leavers" not in held:
        return "Import a leavers extract for the evidence period first: it gives the period and who left."
    if "start" not in held and "end" not in held:
        return ("Import a staff extract first: the baseline import (the end of the period), the start of period "
                "one, or both.")
    return None


def _ready(session: Session, strategy: Strategy, scenario: Scenario) -> ReadyRates:
    """The scenario's ready rates by level key, and areas' own ready rates, for the projection's cap."""
    levels = {lv.id: lv.key for lv in levels_of(session, strategy)}
    areas = {a.id: a.code for a in areas_of(session, strategy)}
    typed = level_assumptions(session, strategy, scenario)
    by_level = {levels[lid]: rates["ready_rate"] for lid, rates in typed.items() if lid in levels}
    overrides = {(areas[aid], levels[lid]): rates["ready_rate"]
                 for aid, assumptions in area_assumptions(session, scenario).items() if aid in areas
                 for lid, rates in assumptions.overrides.items() if lid in levels and "ready_rate" in rates}
    return ReadyRates(by_level, overrides)


def derive(session: Session, strategy: Strategy, scenario: Scenario) -> Evidence:
    """Every rate derived from the strategy's evidence, projected for the scenario's ready rates (raises
    ServiceError saying what is missing)."""
    reason = missing_reason(session, strategy)
    if reason:
        raise ServiceError(reason)

    def compute() -> Evidence:
        held = extracts_of(session, strategy)
        leavers = held["leavers"]
        assert leavers.period_start is not None and leavers.period_end is not None
        counts = EvidenceCounts(
            Period(leavers.period_start, leavers.period_end), _staff(held.get("start")), _staff(held.get("end")),
            leavers_of(leavers), tuple(lv.key for lv in levels_of(session, strategy)),
            tuple(a.code for a in areas_of(session, strategy)), leavers.filename or None)
        return derive_rates(counts, _ready(session, strategy, scenario), horizon=strategy.horizon)

    return derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
                            reads=("baseline", "forecast", "strategy", "structure"),
                            kind="evidence", parts=(scenario.id,), compute=compute)


def _source(evidence: Evidence, text: str, *, leavers: int, average: float, area: str | None = None) -> str:
    """The source kept with a measured rate: the sentence pages and the pack show, and what it rests on."""
    return json.dumps({"kind": "measured", "text": text, "period": [evidence.period.start.isoformat(),
                                                                     evidence.period.end.isoformat()],
                       "files": list(evidence.files), "leavers": leavers, "average_in_post": average,
                       "area": area, "extracts": list(evidence.extracts)})


@dataclass(frozen=True)
class Applied:
    """What applying the rates changed: levels set, area overrides set, and measured overrides removed."""

    levels: int
    areas: int
    removed: int


def apply_rates(*, session: Session, strategy: Strategy, scenario: Scenario, actor: User | None,
                commit: bool = True) -> Applied:
    """Put the measured rates on the scenario in one transaction: each level with a rate gets its projected
    yearly rates (the first year's as its single rate), each area that qualifies for its own rate gets it as
    an override, and an override measured before whose area no longer qualifies is removed. Levels with no
    rate keep their typed rate; typed overrides of areas that do not qualify stay."""
    evidence = derive(session, strategy, scenario)
    levels = {lv.key: lv for lv in levels_of(session, strategy)}
    areas = {a.code: a for a in areas_of(session, strategy)}
    level_rows = {row.level_id: row for row in session.exec(
        select(ScenarioLevel).where(ScenarioLevel.scenario_id == scenario.id))}
    cells = {(c.area_id, c.level_id): c for c in session.exec(
        select(ScenarioAreaLevel).where(ScenarioAreaLevel.scenario_id == scenario.id))}
    changes: dict[str, Any] = {"levels": {}, "areas": {}, "removed": []}
    for rate in evidence.levels:
        level = levels.get(rate.level)
        if level is None or rate.projected_leaver_rate is None:
            continue
        # A level added after the scenario was made has no row yet: it keeps the default rates it is shown with.
        row = level_rows.get(level.id) or default_level(scenario, level.id)
        before = row.leaver_rate
        row.leaver_rate = rate.projected_leaver_rate[0]
        row.leaver_rates = json.dumps(list(rate.projected_leaver_rate))
        row.leaver_source = _source(evidence, evidence.level_source(rate.level, level_word(level.name)),
                                    leavers=rate.leavers, average=rate.average_in_post)
        session.add(row)
        changes["levels"][rate.level] = [before, list(rate.projected_leaver_rate)]
    qualifying: set[tuple[int, int]] = set()
    for area_rate in evidence.areas:
        area, level = areas.get(area_rate.area), levels.get(area_rate.level)
        if area is None or level is None or not area_rate.own_rate or area_rate.projected_leaver_rate is None:
            continue
        key = (area.id, level.id)
        qualifying.add(key)
        cell = cells.get(key) or ScenarioAreaLevel(
            organisation_id=scenario.organisation_id, scenario_id=scenario.id, area_id=area.id, level_id=level.id)
        before_cell = cell.leaver_rate
        cell.leaver_rate = area_rate.projected_leaver_rate[0]
        cell.leaver_rates = json.dumps(list(area_rate.projected_leaver_rate))
        cell.leaver_source = _source(evidence, evidence.area_source(area_rate, level_word(level.name), area.name),
                                     leavers=area_rate.leavers, average=area_rate.average_in_post, area=area.code)
        session.add(cell)
        changes["areas"][f"{area.code}/{level.key}"] = [before_cell, list(area_rate.projected_leaver_rate)]
    removed = 0
    for key, cell in cells.items():
        if key in qualifying or cell.leaver_source is None:
            continue
        # Measured before, but the area no longer has enough leaders for its own rate: its level's rate applies.
        cell.leaver_rate = cell.leaver_rates = cell.leaver_source = None
        removed += 1
        changes["removed"].append(list(key))
        if cell.span is None and cell.ready_rate is None and cell.internal_fill_max is None:
            session.delete(cell)
        else:
            session.add(cell)
    session.flush()
    try:
        check_assumptions(session, strategy, scenario)
    except ServiceError:
        session.rollback()
        raise
    scenario.updated_at = utcnow()
    session.add(scenario)
    record(session, action="apply", entity="scenario_evidence", entity_id=scenario.id,
           organisation_id=scenario.organisation_id, user_id=actor.id if actor else None,
           changes={**changes, "period": [evidence.period.start.isoformat(), evidence.period.end.isoformat()],
                    "files": list(evidence.files)})
    finish(session, commit)
    return Applied(len(changes["levels"]), len(qualifying), removed)
