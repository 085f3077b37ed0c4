"""The staff and leavers extracts kept as the evidence for measured rates: one of each kind (start, end,
leavers) per strategy. The baseline import keeps its counts here as the end of the period, so this sits
below both it (planner.services.staff_import) and the derivations (planner.services.evidence)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from planner.evidence import Period
from planner.models import EvidenceExtract, Strategy, utcnow
from planner.services import derived


def extracts_of(session: Session, strategy: Strategy) -> dict[str, EvidenceExtract]:
    """The evidence held for the strategy, by kind (start, end, leavers)."""
    rows = derived.records(session, strategy, "evidence extracts", lambda: list(session.exec(
        select(EvidenceExtract).where(EvidenceExtract.strategy_id == strategy.id))))
    return {row.kind: row for row in rows}


def store_extract(session: Session, strategy: Strategy, kind: str, *, filename: str, rows_read: int,
                  counts: dict[str, Any], period: Period | None = None) -> EvidenceExtract:
    """Replace the strategy's extract of this kind (one of each is kept)."""
    row = session.exec(select(EvidenceExtract).where(EvidenceExtract.strategy_id == strategy.id,
                                                     EvidenceExtract.kind == kind)).first()
    if row is None:
        row = EvidenceExtract(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                              kind=kind)
    row.filename, row.rows_read, row.imported_at = filename[:200], rows_read, utcnow()
    row.period_start, row.period_end = (period.start, period.end) if period else (None, None)
    row.counts = json.dumps(counts)
    session.add(row)
    return row


def staff_counts(leaders: list[list[Any]], diversity: list[list[Any]]) -> dict[str, Any]:
    """What the derivations need of a staff extract: leaders by area and level, everyone by age band, and
    leaders by area, level and age band."""
    staff_by_age: dict[str, int] = {}
    leaders_by_age: list[list[Any]] = []
    for area, level, characteristic, group, n in diversity:
        if characteristic != "age_band" or not n:
            continue
        if level is None:
            staff_by_age[group] = staff_by_age.get(group, 0) + int(n)
        else:
            leaders_by_age.append([area, level, group, int(n)])
    return {"leaders": [[area, level, int(n)] for area, level, n in leaders if n],
            "staff_by_age": staff_by_age, "leaders_by_age": leaders_by_age}


def record_end(session: Session, strategy: Strategy, *, counts: Mapping[str, Any], filename: str,
               rows_read: int) -> None:
    """Keep the baseline import's counts as the staff extract at the end of the period (called by the
    baseline import, in its transaction)."""
    store_extract(session, strategy, "end", filename=filename, rows_read=rows_read,
           counts=staff_counts(counts.get("leaders", []), counts.get("diversity", [])))
