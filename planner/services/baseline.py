"""The Baseline step: staff headcount and FTE per area, leaders in post per area and level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from planner import areas as tree
from planner.models import Area, AreaBaseline, LeaderCount, Level, Strategy, User
from planner.services import ServiceError, derived, finish
from planner.services.audit import record
from planner.services.editing import claim_counter
from planner.services.structure import areas_of, levels_of, nodes


@dataclass
class AreaFigures:
    """One area's own baseline figures (leaders keyed by level key)."""

    staff: int = 0
    fte: float = 0.0
    leaders: dict[str, int] = field(default_factory=dict)

    def as_totals(self) -> dict[str, float]:
        """Flattened for roll-ups: staff, fte and one key per level."""
        return {"staff": self.staff, "fte": self.fte, **{f"leaders:{k}": v for k, v in self.leaders.items()}}


@dataclass
class BaselineSummary:
    """The baseline as pages and the API show it: own figures, roll-ups and organisation totals."""

    areas: list[Area]
    depths: dict[int, int]
    levels: list[Level]
    own: dict[int, AreaFigures]
    rolled: dict[int, dict[str, float]]
    totals: dict[str, float]
    areas_with_figures: int
    leaf_ids: set[int]

    def leaders_total(self) -> float:
        """All leaders in post across levels and areas."""
        return sum(self.totals.get(f"leaders:{lv.key}", 0) for lv in self.levels)


def baseline_of(session: Session, strategy: Strategy) -> dict[int, AreaFigures]:
    """Each area's own figures (areas with nothing recorded are absent)."""
    level_keys = {lv.id: lv.key for lv in levels_of(session, strategy)}
    staffing, counts = derived.remember(
        session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
        reads=("baseline", "structure"),
        kind="baseline rows", parts=(), shared=False, compute=lambda: _baseline_rows(session, strategy))
    # Fresh figures each time from the rows read once: callers may change what they are given.
    figures = {area_id: AreaFigures(staff=staff, fte=fte) for area_id, staff, fte in staffing}
    for area_id, level_id, count in counts:
        key = level_keys.get(level_id)
        if key is not None:
            figures.setdefault(area_id, AreaFigures()).leaders[key] = count
    return figures


def _baseline_rows(session: Session, strategy: Strategy) -> tuple[list[Any], list[Any]]:
    in_strategy = select(Area.id).where(Area.strategy_id == strategy.id)
    staffing = list(session.exec(select(AreaBaseline.area_id, AreaBaseline.staff, AreaBaseline.fte)
                                 .where(col(AreaBaseline.area_id).in_(in_strategy))))
    counts = list(session.exec(select(LeaderCount.area_id, LeaderCount.level_id, LeaderCount.count)
                               .where(col(LeaderCount.area_id).in_(in_strategy))))
    return staffing, counts


@dataclass(frozen=True)
class Headline:
    """The baseline's totals as the strategy's home page shows them."""

    areas: int
    staff: float
    fte: float
    leaders: float
    by_level: tuple[tuple[str, float], ...]  # (level name, leaders in post), top level first


def headline(session: Session, strategy: Strategy) -> Headline:
    """The organisation's totals: areas, staff, FTE and leaders by level, worked out once per change."""
    def work_out() -> Headline:
        summary = summarise(session, strategy)
        return Headline(areas=len(summary.areas), staff=summary.totals.get("staff", 0),
                        fte=summary.totals.get("fte", 0), leaders=summary.leaders_total(),
                        by_level=tuple((lv.name, summary.totals.get(f"leaders:{lv.key}", 0)) for lv in summary.levels))
    return derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
                            kind="baseline headline", reads=("baseline", "structure"), parts=(), compute=work_out)


def summarise(session: Session, strategy: Strategy) -> BaselineSummary:
    """The baseline with its roll-up through the area tree and organisation totals."""
    area_rows = areas_of(session, strategy)
    levels = levels_of(session, strategy)
    own = baseline_of(session, strategy)
    node_list = nodes(area_rows)
    rolled = tree.roll_up(node_list, {aid: f.as_totals() for aid, f in own.items()})
    totals: dict[str, float] = {}
    for figures in own.values():
        for key, value in figures.as_totals().items():
            totals[key] = totals.get(key, 0) + value
    return BaselineSummary(
        areas=area_rows,
        depths={n.id: d for n, d in tree.ordered(node_list)},
        levels=levels,
        own=own,
        rolled=rolled,
        totals=totals,
        areas_with_figures=sum(1 for f in own.values() if f.staff or f.fte or any(f.leaders.values())),
        leaf_ids=tree.leaf_ids(node_list),
    )


# Larger than any NHS organisation (the whole NHS in England employs about 1.5 million people),
# so a figure above it is a typing slip, and it keeps every count inside a 32-bit column.
MAX_COUNT = 2_000_000


def check_figures(area: Area, figures: AreaFigures, level_keys: set[str]) -> None:
    """The one rule for baseline figures: whole non-negative counts, FTE within headcount."""
    if figures.staff > MAX_COUNT:
        raise ServiceError(f"{area.name}: staff headcount of {figures.staff:,} is more than {MAX_COUNT:,}",
                           field=f"staff-{area.id}")
    for key, count in figures.leaders.items():
        if count > MAX_COUNT:
            raise ServiceError(f"{area.name}: {count:,} leaders at {key} is more than {MAX_COUNT:,}",
                               field=f"leaders-{area.id}-{key}")
    if figures.staff < 0:
        raise ServiceError(f"{area.name}: staff headcount cannot be negative", field=f"staff-{area.id}")
    if figures.fte < 0:
        raise ServiceError(f"{area.name}: FTE cannot be negative", field=f"fte-{area.id}")
    if figures.fte > figures.staff + 1e-9:
        raise ServiceError(
            f"{area.name}: FTE ({figures.fte:g}) cannot be more than the headcount ({figures.staff})",
            field=f"fte-{area.id}",
        )
    for key, count in figures.leaders.items():
        if key not in level_keys:
            raise ServiceError(f"{area.name}: '{key}' is not a leadership level of this strategy")
        if count < 0:
            raise ServiceError(f"{area.name}: leaders at {key} cannot be negative", field=f"leaders-{area.id}-{key}")


def save_baseline(
    *, session: Session, strategy: Strategy, figures: Mapping[int, AreaFigures], actor: User | None,
    replace: bool = False, commit: bool = True, version: int | None = None,
) -> None:
    """Store the figures of the given areas in one transaction (all areas' when `replace`); refused as a
    whole if the baseline changed since its `version` (the strategy's baseline version) was read."""
    areas = {a.id: a for a in session.exec(select(Area).where(Area.strategy_id == strategy.id))}
    levels = {lv.key: lv for lv in levels_of(session, strategy)}
    for area_id, fig in figures.items():
        if area_id not in areas:
            raise ServiceError("Baseline figures name an area that is not in this strategy")
        check_figures(areas[area_id], fig, set(levels))
    claim_counter(session, Strategy, strategy.id, "baseline_version", version)
    existing = {row.area_id: row for row in session.exec(
        select(AreaBaseline).where(col(AreaBaseline.area_id).in_(list(areas)))
    )}
    counts = {(c.area_id, c.level_id): c for c in session.exec(
        select(LeaderCount).where(col(LeaderCount.area_id).in_(list(areas)))
    )}
    targets = dict(figures)
    if replace:
        for area_id in areas:
            targets.setdefault(area_id, AreaFigures())
    changed = 0
    for area_id, fig in targets.items():
        row = existing.get(area_id)
        if row is None:
            row = AreaBaseline(organisation_id=strategy.organisation_id, area_id=area_id)
        if (row.staff, row.fte) != (fig.staff, fig.fte) or row.id is None:
            changed += 1
        row.staff, row.fte = fig.staff, fig.fte
        session.add(row)
        for key, level in levels.items():
            value = fig.leaders.get(key, 0)
            count = counts.get((area_id, level.id))
            if count is None:
                if value == 0:
                    continue
                count = LeaderCount(organisation_id=strategy.organisation_id, area_id=area_id,
                                    level_id=level.id)
            if count.count != value:
                changed += 1
            count.count = value
            session.add(count)
    record(session, action="update", entity="baseline", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"areas": len(targets), "changed_values": changed})
    finish(session, commit)
