"""The competency gaps: the share of leaders below the required step by area, level and competency
(planner.competencies.gaps does the arithmetic), worked out once per change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from planner import areas as tree
from planner.competencies import gaps as arithmetic
from planner.models import Strategy
from planner.services import derived
from planner.services.competencies.assessments import assessed
from planner.services.competencies.catalogue import catalogue
from planner.services.competencies.required import required_steps
from planner.services.structure import areas_of, levels_of, nodes

GAP_CACHE = "competency_gaps"  # key in session.info while reusing_gaps is in force


@contextmanager
def reusing_gaps(session: Session) -> Iterator[None]:
    """Within the block, gap_list works each strategy's gaps out once (for read-only work such as
    the board pack, where several parts ask for the same gaps)."""
    session.info[GAP_CACHE] = {}
    try:
        yield
    finally:
        session.info.pop(GAP_CACHE, None)


def gap_list(session: Session, strategy: Strategy, *, area_id: int | None = None) -> list[arithmetic.Gap]:
    """Gaps by area, level and competency, with organisation totals; largest first. Worked out once per
    revision of the strategy and shared by every worker (planner.services.derived)."""
    cache = session.info.get(GAP_CACHE)
    if cache is not None:
        key = (strategy.id, area_id)
        if key not in cache:
            cache[key] = _kept_gaps(session, strategy, area_id)
        return list(cache[key])
    return _kept_gaps(session, strategy, area_id)


def gap_totals(session: Session, strategy: Strategy, *, area_id: int | None = None) -> list[arithmetic.Gap]:
    """The organisation's (or an area's, with its sub-areas) gaps by level and competency: the totals rows of
    gap_list, kept on their own, since at a large trust's size the list by area is a hundred times longer."""
    return list(derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
                                 kind="competency gap totals", parts=(area_id,),
                                 reads=("catalogue", "competencies", "structure"),
                                 compute=lambda: [g for g in gap_list(session, strategy, area_id=area_id)
                                                  if g.area is None]))


def _kept_gaps(session: Session, strategy: Strategy, area_id: int | None) -> list[arithmetic.Gap]:
    """The gaps as kept across requests (planner.services.derived)."""
    return list(derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
                                 kind="competency gaps", parts=(area_id,),
                                 reads=("catalogue", "competencies", "structure"),
                                 compute=lambda: _gap_list(session, strategy, area_id)))


def _gap_list(session: Session, strategy: Strategy, area_id: int | None) -> list[arithmetic.Gap]:
    """The gaps worked out afresh."""
    areas = {a.id: a for a in areas_of(session, strategy)}
    levels = {lv.id: lv.key for lv in levels_of(session, strategy)}
    comps = {c.id: c.key for c in catalogue(session, strategy.organisation_id).all_competencies()}
    wanted: set[int] | None = None
    if area_id is not None:
        wanted = {area_id} | tree.descendants(nodes(list(areas.values())), area_id)
    counts = {(areas[a].code, levels[lv], comps[c]): steps for (a, lv, c), steps in assessed(session, strategy).items()
              if a in areas and lv in levels and c in comps and (wanted is None or a in wanted)}
    required = {(levels[lv], comps[c]): step for (c, lv), step in required_steps(session, strategy).items()
                if lv in levels and c in comps}
    return arithmetic.gaps(counts, required)
