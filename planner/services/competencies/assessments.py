"""Leaders' assessed steps: counts by area, level and competency, typed in or imported from a file of
assessments (one row per leader's assessment, all or nothing)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from planner.imports.assessments import AssessmentsResult, read_assessments
from planner.models import AssessedCount, Strategy, User
from planner.services import ServiceError, derived, finish
from planner.services.audit import record
from planner.services.competencies.catalogue import catalogue
from planner.services.competencies.required import arithmetic_steps
from planner.services.structure import areas_of, levels_of
from planner.services.unreadable import refused_as_service_error


def assessed(session: Session, strategy: Strategy) -> dict[tuple[int, int, int], dict[int, int]]:
    """(area id, level id, competency id) -> {step: leaders}."""
    out: dict[tuple[int, int, int], dict[int, int]] = {}
    # Plain columns, not ORM objects: a large trust holds tens of thousands of these counts.
    # sqlmodel's select() is typed for at most four columns: the fifth is added as SQLAlchemy adds one.
    query = cast("Select[int, int, int, int, int]", select(
        col(AssessedCount.area_id), col(AssessedCount.level_id), col(AssessedCount.competency_id),
        col(AssessedCount.step)).where(AssessedCount.strategy_id == strategy.id).add_columns(col(AssessedCount.count)))
    rows = derived.records(session, strategy, "assessed counts", lambda: [tuple(row) for row in session.exec(query)])
    for area_id, level_id, competency_id, step, count in rows:
        if count:
            out.setdefault((area_id, level_id, competency_id), {})[step] = count
    return out


def replace_assessed(
    *, session: Session, strategy: Strategy, counts: Mapping[tuple[int, int, int], Mapping[int, int]],
    actor: User | None, source: str, commit: bool = True,
) -> None:
    """Replace the assessed figures of the (area, level, competency) combinations given; others stay."""
    for steps in counts.values():
        for step, n in steps.items():
            if step not in arithmetic_steps() or n < 0:
                raise ServiceError("Assessed counts must be whole numbers of 0 or more at steps 1 to 4")
    keys = set(counts)
    for row in session.exec(select(AssessedCount).where(AssessedCount.strategy_id == strategy.id)):
        if (row.area_id, row.level_id, row.competency_id) in keys:
            session.delete(row)
    session.flush()
    for (area_id, level_id, competency_id), steps in counts.items():
        for step, n in steps.items():
            if n:
                session.add(AssessedCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                          area_id=area_id, level_id=level_id, competency_id=competency_id,
                                          step=step, count=n))
    record(session, action="update", entity="assessments", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"source": source, "combinations": len(counts)})
    finish(session, commit)


def lookups(session: Session, strategy: Strategy) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Code/name -> area id, key/name -> level id, key -> competency id (for imports)."""
    areas: dict[str, int] = {}
    for a in areas_of(session, strategy):
        areas[a.code] = a.id
        areas[a.name] = a.id
    levels: dict[str, int] = {}
    for lv in levels_of(session, strategy):
        levels[lv.key] = lv.id
        levels[lv.name] = lv.id
    comps = {c.key: c.id for c in catalogue(session, strategy.organisation_id).all_competencies()}
    return areas, levels, comps


def read_upload(session: Session, strategy: Strategy, data: bytes, filename: str, *,
                sheet: str | None = None) -> AssessmentsResult:
    """Read a file of assessments against the strategy's areas, levels and competencies; a file that cannot be
    read at all is refused as a ServiceError."""
    areas, levels, comps = lookups(session, strategy)
    codes = {a.id: a.code for a in areas_of(session, strategy)}
    keys = {lv.id: lv.key for lv in levels_of(session, strategy)}
    with refused_as_service_error():
        return read_assessments(data, filename, areas={name: codes[i] for name, i in areas.items()},
                                levels={name: keys[i] for name, i in levels.items()}, competencies=set(comps),
                                sheet=sheet)


def import_file(*, session: Session, strategy: Strategy, result: AssessmentsResult, filename: str,
                actor: User | None) -> int:
    """Replace the assessed figures of the combinations an importable file holds (others stay); returns how
    many area, level and competency combinations it held."""
    if not result.importable:
        raise ServiceError("The file has problems: nothing was stored")
    _areas, _levels, comps = lookups(session, strategy)
    by_code = {a.code: a.id for a in areas_of(session, strategy)}
    by_key = {lv.key: lv.id for lv in levels_of(session, strategy)}
    counts = {(by_code[a], by_key[lv], comps[c]): steps for (a, lv, c), steps in result.counts.items()}
    replace_assessed(session=session, strategy=strategy, counts=counts, actor=actor, source=f"file {filename}")
    return len(counts)
