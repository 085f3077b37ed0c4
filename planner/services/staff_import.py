"""Importing a staff-record extract: read it into counts (planner.imports), keep the counts while
the planner checks the preview, then replace the strategy's baseline with them in one
transaction. Individual rows never reach the database, the log or the disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from planner.imports import ImportResult, Limits, RowProblem, read_staff_extract
from planner.imports.columns import check_mapping
from planner.imports.files import check_size, kind_of
from planner.imports.limits import PENDING_LIFETIME
from planner.models import (
    AreaBaseline,
    DiversityCount,
    LeaderCount,
    StaffImport,
    Strategy,
    User,
    utcnow,
)
from planner.services import ServiceError, finish
from planner.services.audit import record
from planner.services.editing import claim_counter
from planner.services.extracts import record_end
from planner.services.structure import areas_of, band_map, levels_of

__all__ = ["PENDING_LIFETIME", "apply", "discard", "estimate_rows", "hold", "lookups", "pending_counts", "precheck",
           "problem_report", "read", "result_of", "summary_of"]


def lookups(session: Session, strategy: Strategy) -> tuple[dict[str, str], dict[str, str]]:
    """Area code and name -> code; band -> level key (for the strategy's leadership bands)."""
    areas: dict[str, str] = {}
    for area in areas_of(session, strategy):
        areas[area.name] = area.code
        areas[area.code] = area.code
    level_keys = {lv.id: lv.key for lv in levels_of(session, strategy)}
    bands = {band: level_keys[level_id]
             for band, level_id in band_map(session, strategy).items() if level_id in level_keys}
    return areas, bands


def read(
    session: Session, strategy: Strategy, data: bytes, filename: str, *, mapping: dict[str, str] | None = None,
    sheet: str | None = None, skip_bad_rows: bool = False, limits: Limits | None = None,
    progress: Callable[[int], None] | None = None, as_at: date | None = None,
) -> ImportResult:
    """Read an extract against the strategy's areas and band map (raises ImportRefused); `progress` is told
    the rows read so far every few thousand rows. Ages are worked out on `as_at`: the baseline's 31 March
    unless given (the start of period extract's is the period's first day)."""
    areas, bands = lookups(session, strategy)
    levels = levels_of(session, strategy)
    # The top level is the board: only its leaders may have a board member type.
    return read_staff_extract(data, filename, areas=areas, band_levels=bands, mapping=mapping, sheet=sheet,
                              skip_bad_rows=skip_bad_rows, as_at=as_at or date(strategy.start_year, 3, 31),
                              limits=limits or Limits(), board_level=levels[0].key if levels else None,
                              progress=progress)


def precheck(data: bytes, filename: str, *, mapping: dict[str, str] | None = None,
             limits: Limits | None = None) -> str:
    """The checks that take no time (size, kind of file, the column mapping), so the upload page refuses
    a wrong file at once rather than after a wait; the file's kind. Raises ImportRefused."""
    limits = limits or Limits()
    check_size(data, limits)
    check_mapping(mapping or {})
    return kind_of(data, filename)


def estimate_rows(data: bytes, kind: str) -> int | None:
    """About how many rows of staff a file holds (its lines less the heading), for the progress bar; None
    for a workbook, whose rows are known only once it is read."""
    if kind != "csv":
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return max(lines - 1, 1)


def _counts_json(result: ImportResult) -> str:
    return json.dumps({
        "staff": result.staff,
        "fte": result.fte,
        "leaders": [[area, level, n] for (area, level), n in result.leaders.items()],
        "diversity": [[area, level, char, group, n] for (area, level, char, group), n in result.diversity.items()],
        "board_diversity": [[area, level, board_type, char, group, n]
                            for (area, level, board_type, char, group), n in result.board_diversity.items()],
    })


def summary_of(result: ImportResult) -> dict[str, Any]:
    """What the preview and the record show: totals, problems (the first 100), ignored columns, medical and
    dental staff by grade and at each level, and the leaders whose job role chose their level."""
    return {
        "file_kind": result.file_kind,
        "rows_read": result.rows_read,
        "rows_skipped": result.rows_skipped,
        "problems": [asdict(p) for p in result.problems],
        "problem_totals": dict(result.problem_totals),
        "ignored_columns": list(result.ignored_columns),
        "columns": dict(result.columns),
        "board_members": dict(result.board_members),
        "grades": dict(result.grades),
        "medical_leaders": dict(result.medical_leaders),
        "roles": dict(result.roles),
    }


def problem_report(result: ImportResult) -> dict[str, Any]:
    """What a page shows of a file that cannot be imported as it is: the summary and the headcount per
    area (no leaders, no diversity counts), kept with the failed job for its lifetime only."""
    summary = {key: value for key, value in summary_of(result).items() if key not in ("medical_leaders", "roles")}
    return {**summary, "staff": dict(result.staff)}


def result_of(summary: dict[str, Any], counts: dict[str, Any] | None = None) -> ImportResult:
    """An ImportResult again, from a stored summary (and counts), for the preview page."""
    counts = counts or {}
    return ImportResult(
        file_kind=summary.get("file_kind", ""), rows_read=summary.get("rows_read", 0),
        rows_skipped=summary.get("rows_skipped", 0), staff=counts.get("staff") or summary.get("staff", {}),
        fte=counts.get("fte", {}), leaders={(a, lv): n for a, lv, n in counts.get("leaders", [])},
        diversity={}, problems=[RowProblem(**p) for p in summary.get("problems", [])],
        problem_totals=summary.get("problem_totals", {}), ignored_columns=summary.get("ignored_columns", []),
        skip_bad_rows=bool(summary.get("rows_skipped")), columns=summary.get("columns", {}),
        board_members=summary.get("board_members", {}), grades=summary.get("grades", {}),
        medical_leaders=summary.get("medical_leaders", {}), roles=summary.get("roles", {}),
    )


def _expire_old(session: Session) -> None:
    """Forget the counts and summary of every preview older than PENDING_LIFETIME, whoever uploaded it: a
    preview nobody confirmed must not keep its counts for ever. Added to the caller's transaction."""
    cutoff = utcnow() - PENDING_LIFETIME
    old = session.exec(select(StaffImport).where(StaffImport.status == "pending",
                                                 col(StaffImport.created_at) < cutoff)).all()
    for pending in old:
        pending.status = "expired"
        pending.counts = pending.summary = "{}"
        session.add(pending)
        record(session, action="expire", entity="staff_import", entity_id=pending.id,
               organisation_id=pending.organisation_id, user_id=None,
               changes={"file": pending.filename, "status": ["pending", "expired"]})


def hold(
    *, session: Session, strategy: Strategy, result: ImportResult, filename: str, actor: User | None,
    commit: bool = True,
) -> StaffImport:
    """Keep an importable result's counts until the planner confirms (or it expires)."""
    if not result.importable:
        raise ServiceError("The file has problems: fix them, or choose to import the other rows.")
    _expire_old(session)
    pending = StaffImport(
        organisation_id=strategy.organisation_id, strategy_id=strategy.id,
        user_id=actor.id if actor else None, filename=filename[:200], file_kind=result.file_kind,
        rows_read=result.rows_read, rows_skipped=result.rows_skipped,
        summary=json.dumps(summary_of(result)), counts=_counts_json(result),
    )
    session.add(pending)
    session.flush()
    # What was uploaded, never what it holds: no counts, no rows.
    record(session, action="create", entity="staff_import", entity_id=pending.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"file": pending.filename, "rows_read": pending.rows_read, "rows_skipped": pending.rows_skipped,
                    "status": pending.status})
    finish(session, commit)
    return pending


def apply(
    *, session: Session, strategy: Strategy, pending: StaffImport, actor: User | None, commit: bool = True,
) -> None:
    """Replace the strategy's baseline (staff, FTE, leaders, diversity counts) with the import's."""
    if pending.status == "expired":
        raise ServiceError("This preview has expired: upload the file again.")
    if pending.status != "pending":
        raise ServiceError("This import has already been used or discarded: upload the file again.")
    if utcnow() - pending.created_at > PENDING_LIFETIME:
        raise ServiceError("This preview has expired: upload the file again.")
    _expire_old(session)
    counts = json.loads(pending.counts)
    areas = {a.code: a for a in areas_of(session, strategy)}
    levels = {lv.key: lv for lv in levels_of(session, strategy)}
    area_ids = [a.id for a in areas.values()]
    missing = {code for code in counts["staff"] if code not in areas}
    missing |= {row[0] for row in counts["leaders"] if row[0] not in areas}
    missing_levels = {row[1] for row in counts["leaders"] if row[1] not in levels}
    if missing or missing_levels:
        raise ServiceError("The structure changed since the preview: upload the file again.")
    # A grid opened before this import must not put the old figures back (planner.services.editing).
    claim_counter(session, Strategy, strategy.id, "baseline_version", None)
    # Replace, not merge: an area absent from the extract has no staff in it now.
    stale = (select(AreaBaseline).where(col(AreaBaseline.area_id).in_(area_ids)),
             select(LeaderCount).where(col(LeaderCount.area_id).in_(area_ids)),
             select(DiversityCount).where(col(DiversityCount.area_id).in_(area_ids)))
    for statement in stale:
        for row in session.exec(statement):
            session.delete(row)
    session.flush()
    org = strategy.organisation_id
    for code, staff in counts["staff"].items():
        session.add(AreaBaseline(organisation_id=org, area_id=areas[code].id, staff=int(staff),
                                 fte=round(float(counts["fte"].get(code, 0.0)), 2)))
    for code, level, n in counts["leaders"]:
        if n:
            session.add(LeaderCount(organisation_id=org, area_id=areas[code].id, level_id=levels[level].id, count=n))
    for code, level, characteristic, group, n in counts["diversity"]:
        if n:
            session.add(DiversityCount(
                organisation_id=org, strategy_id=strategy.id, area_id=areas[code].id,
                level_id=levels[level].id if level else None, characteristic=characteristic, group_key=group, count=n,
            ))
    for code, level, board_type, characteristic, group, n in counts.get("board_diversity", []):
        if n and code in areas and level in levels:
            session.add(DiversityCount(
                organisation_id=org, strategy_id=strategy.id, area_id=areas[code].id,
                level_id=levels[level].id, characteristic=characteristic, group_key=group, count=n,
                board_type=board_type,
            ))
    # The baseline is the end of the evidence period: its counts are kept for measuring rates (docs/evidence.md).
    record_end(session, strategy, counts=counts, filename=pending.filename, rows_read=pending.rows_read)
    pending.status = "applied"
    pending.counts = "{}"  # the counts now live in the baseline; keep only the summary
    session.add(pending)
    record(session, action="import", entity="baseline", entity_id=strategy.id, organisation_id=org,
           user_id=actor.id if actor else None,
           changes={"file": pending.filename, "rows_read": pending.rows_read, "rows_skipped": pending.rows_skipped,
                    "areas": len(counts["staff"])})
    finish(session, commit)


def discard(*, session: Session, pending: StaffImport, actor: User | None) -> None:
    """Forget a pending import's counts."""
    _expire_old(session)
    before = pending.status
    pending.status = "discarded"
    pending.counts = "{}"
    session.add(pending)
    record(session, action="discard", entity="staff_import", entity_id=pending.id,
           organisation_id=pending.organisation_id, user_id=actor.id if actor else None,
           changes={"file": pending.filename, "status": [before, pending.status]})
    session.commit()


def pending_counts(pending: StaffImport) -> dict[str, Any]:
    """The held counts, for the preview table."""
    data: dict[str, Any] = json.loads(pending.counts)
    return data
