"""Diversity targets solved with model.md's trajectory solver on a scenario's forecast, with the pool
appointments come from and the default share of it (the baseline's, or the succession register's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from planner.diversity import assessment
from planner.diversity.disclosure import PUBLISHED, Audience
from planner.diversity.suppression import SuppressedTable
from planner.forecast import SpecError, forecast
from planner.models import DiversityTarget, Level, Organisation, Scenario, Strategy
from planner.services import derived
from planner.services.diversity.representation import ALL_STAFF, Representation, count_rows, named, representation, rule
from planner.services.diversity.successors import pool_share
from planner.services.lookup import organisation_of
from planner.services.scenarios import spec_for
from planner.services.structure import areas_of, levels_of


@dataclass
class TargetOutcome:
    """A stored target with what the solver says of it on one scenario."""

    target: DiversityTarget
    level_name: str
    group_name: str
    baseline_count: int
    in_post: float
    result: dict[str, Any] | None
    earliest_year: int | None = None  # when infeasible: the first year it could be reached (or None)
    problems: list[str] = field(default_factory=list)
    withheld: bool = False  # the baseline count is withheld by the disclosure rule, with all derived from it
    withheld_reason: str = ""  # why, where it is
    # The pool appointments to the level are drawn from: the level below (ALL_STAFF: the whole workforce).
    pool_key: str = ALL_STAFF
    pool_name: str = "the whole workforce"
    baseline_pipeline_share: float | None = None  # the group's share of the pool, from exact counts
    pipeline_withheld: bool = False  # that share is withheld from those who may not see small numbers
    # The group's share of the successors the succession register names for the level's critical roles
    # (planner.services.succession), where it records the characteristic there: it replaces the baseline's.
    succession_share: float | None = None
    succession_withheld: bool = False

    @property
    def default_share(self) -> float | None:
        """The share the engine is given when the planner sets none: the register's, else the baseline's."""
        return self.succession_share if self.succession_share is not None else self.baseline_pipeline_share

    @property
    def default_source(self) -> str:
        """Where the default share comes from: 'succession' or 'baseline'."""
        return "succession" if self.succession_share is not None else "baseline"

    @property
    def default_withheld(self) -> bool:
        """Whether the default share is withheld from those who may not see small numbers."""
        return self.succession_withheld if self.succession_share is not None else self.pipeline_withheld

    @property
    def pipeline_share(self) -> float | None:
        """The share the engine is given: the planner's override, else the default from the baseline."""
        if self.target.pipeline_share is not None:
            return self.target.pipeline_share
        return self.default_share

    @property
    def pipeline_source(self) -> str:
        """'override' (set by the planner), 'succession' (the succession register), 'baseline', or 'none'
        (neither has counts for the pool)."""
        if self.target.pipeline_share is not None:
            return "override"
        return self.default_source if self.default_share is not None else "none"

    def pipeline_hidden(self, *, suppressed: bool) -> bool:
        """Whether the pool share is withheld from this reader (a planner's own figure never is)."""
        return suppressed and self.pipeline_source in ("baseline", "succession") and self.default_withheld

    def pipeline_shown(self, *, suppressed: bool) -> float | None:
        """The pool share as this reader may see it (None where withheld)."""
        return None if self.pipeline_hidden(suppressed=suppressed) else self.pipeline_share

    def item(self, *, suppressed: bool) -> dict[str, Any]:
        """The engine's item with what the words need (planner.diversity.assessment), as this reader may see it."""
        return {**(self.result or {}), "characteristic": self.target.characteristic,
                "target_share": self.target.target_share, "target_year": self.target.target_year,
                "pipeline_share": self.pipeline_shown(suppressed=suppressed),
                "pipeline_withheld": self.pipeline_hidden(suppressed=suppressed),
                "earliest_year": self.earliest_year, "problems": self.problems,
                "withheld_reason": self.withheld_reason if self.result is None else ""}

    def assessment_label(self) -> str:
        """The short label for a table ('Needs a wider pool'; 'Withheld' where nothing may be derived)."""
        return assessment.label_of(self.item(suppressed=True))

    def assessment_sentence(self, *, suppressed: bool) -> str:
        """What the assessment says, in a sentence, for this reader."""
        return assessment.assessment_sentence(self.item(suppressed=suppressed), self.group_name, self.level_name,
                                              self.pool_name)

    def pool_sentence(self, *, suppressed: bool) -> str:
        """The pool share beside the target, with its source."""
        return assessment.pool_sentence(
            self.pipeline_share, self.group_name, self.pool_name, source=self.pipeline_source,
            withheld=suppressed and self.default_withheld, characteristic=self.target.characteristic,
            baseline_share=self.default_share, default_source=self.default_source)


def targets_of(session: Session, strategy: Strategy) -> list[DiversityTarget]:
    """The strategy's diversity targets."""
    return derived.records(session, strategy, "targets", lambda: list(session.exec(
        select(DiversityTarget).where(DiversityTarget.strategy_id == strategy.id).order_by(col(DiversityTarget.id)))))


def _group_count(session: Session, strategy: Strategy, target: DiversityTarget, levels: list[Level],
                 area_ids: set[int]) -> int:
    wanted = {lv.id for lv in levels} if target.level_id is None else {target.level_id}
    return sum(count for area_id, level_id, char_key, group_key, board_type, count
               in count_rows(session, strategy)
               if char_key == target.characteristic and group_key == target.group_key
               and board_type is None and level_id is not None and level_id in wanted and area_id in area_ids)


def _set_pool(outcome: TargetOutcome, levels: list[Level], level: Level | None, exact: Representation,
              shown: SuppressedTable) -> None:
    """The pool appointments to the target's level come from (model.md, "Is the target realistic?"):
    the level below; for the bottom level and for all leaders, the whole workforce. Its share of the
    group from the exact counts (None where the baseline has none for the pool), and whether the
    suppressed representation withholds that share (its count or the pool's total)."""
    position = next((i for i, lv in enumerate(levels) if level is not None and lv.id == level.id), None)
    below = levels[position + 1] if position is not None and position + 1 < len(levels) else None
    outcome.pool_key = below.key if below else ALL_STAFF
    outcome.pool_name = below.name if below else "the whole workforce"
    group = outcome.target.group_key
    outcome.baseline_pipeline_share = exact.shares.get((outcome.pool_key, group))
    outcome.pipeline_withheld = (shown.cells.get((outcome.pool_key, group), 0) is None
                                 or shown.row_totals.get(outcome.pool_key) is None)


def _set_succession(session: Session, strategy: Strategy, organisation: Organisation, outcome: TargetOutcome,
                    level: Level | None) -> None:
    """Where the succession register records the successor pool's diversity for the target's level and
    characteristic, the pool is those successors, and their share of the group is the default."""
    if level is None:
        return  # all leaders: appointments come from the whole workforce, not one level's successors
    found, withheld = pool_share(session, strategy, organisation, level_key=level.key,
                                 characteristic=outcome.target.characteristic, group=outcome.target.group_key)
    if found is not None:
        outcome.succession_share, outcome.succession_withheld = found, withheld
        outcome.pool_name = f"successors named for critical {assessment.posts_of(level.name)}"


def default_pool_sentence(session: Session, strategy: Strategy, organisation: Organisation, target: DiversityTarget,
                          *, suppressed: bool = True) -> str:
    """The default pool share of a stored target, from the baseline, with its source (for the form)."""
    levels = levels_of(session, strategy)
    level = next((lv for lv in levels if lv.id == target.level_id), None)
    char = named(session, organisation.id, target.characteristic)
    group_name = next((g.name for g in char.groups if g.key == target.group_key), target.group_key)
    outcome = TargetOutcome(target, level.name if level else "All leaders", group_name, 0, 0.0, None)
    shown = representation(session, strategy, organisation, char.key)
    _set_pool(outcome, levels, level, representation(session, strategy, organisation, char.key, suppressed=False),
              shown.table)
    _set_succession(session, strategy, organisation, outcome, level)
    return assessment.pool_sentence(outcome.default_share, group_name, outcome.pool_name,
                                    source=outcome.default_source, withheld=suppressed and outcome.default_withheld,
                                    characteristic=target.characteristic)


def target_outcomes(session: Session, strategy: Strategy, scenario: Scenario, *,
                    audience: Audience = PUBLISHED) -> list[TargetOutcome]:
    """Every target solved on the scenario's forecast; infeasible ones with their earliest year. For a
    target whose starting count the audience may not see, nothing derived from it: no result (the
    required share, trajectories, verdict) and no earliest year, only the reason."""
    levels = levels_of(session, strategy)
    level_by_id = {lv.id: lv for lv in levels}
    spec = spec_for(session, strategy, scenario)
    spec.pop("uncertainty", None)
    area_ids = {a.id for a in areas_of(session, strategy) if a.code in {x["key"] for x in spec["areas"]}}
    targets = targets_of(session, strategy)
    organisation = organisation_of(session, strategy)
    disclosed = rule(organisation, audience)
    shown = {key: representation(session, strategy, organisation, key, audience=audience)
             for key in {t.characteristic for t in targets}}
    # The default pool shares come from the exact counts, whoever is looking; only showing them is suppressed.
    exact = {key: representation(session, strategy, organisation, key, suppressed=False)
             for key in shown}
    outcomes: list[TargetOutcome] = []
    end_year = strategy.start_year + strategy.horizon
    spec_targets: list[dict[str, Any]] = []
    index: list[tuple[int, int]] = []  # (outcome position, target year) per spec target
    for target in targets:
        char = named(session, strategy.organisation_id, target.characteristic)
        group_name = next((g.name for g in char.groups if g.key == target.group_key), target.group_key)
        level = level_by_id.get(target.level_id) if target.level_id is not None else None
        level_key = level.key if level else "all"
        count = _group_count(session, strategy, target, levels, area_ids)
        in_post = sum(x["leaders"].get(level_key, 0) if level else sum(x["leaders"].values()) for x in spec["areas"])
        outcome = TargetOutcome(target, level.name if level else "All leaders", group_name, count,
                                float(in_post), None)
        # Withheld wherever the representation withholds the group's count at that level; for all
        # leaders, wherever it withholds it at any level (the sum would give the withheld one away).
        table = shown[target.characteristic].table
        level_rows = [level.key] if level else [lv.key for lv in levels]
        outcome.withheld = disclosed.start_withheld(
            count=count, at_levels={row: table.cells.get((row, target.group_key), 0) for row in level_rows})
        outcome.withheld_reason = disclosed.reason if outcome.withheld else ""
        _set_pool(outcome, levels, level, exact[target.characteristic], table)
        _set_succession(session, strategy, organisation, outcome, level)
        outcomes.append(outcome)
        if not strategy.start_year < target.target_year <= end_year:
            outcome.problems.append(f"the target year {target.target_year} is outside the strategy's period "
                                    f"({strategy.start_year + 1} to {end_year})")
            continue
        base = {"level": level_key, "group": target.group_key, "baseline_count": count,
                "target_share": target.target_share, "leaver_rate_ratio": target.leaver_rate_ratio}
        if target.current_appointment_share is not None:
            base["current_appointment_share"] = target.current_appointment_share
        if outcome.pipeline_share is not None:
            base["pipeline_share"] = outcome.pipeline_share
        # The target itself, then each later year, to find the earliest year it could be met.
        for year in range(target.target_year, end_year + 1):
            spec_targets.append({**base, "target_year": year})
            index.append((len(outcomes) - 1, year))
    if not spec_targets or not spec["areas"]:
        for outcome in outcomes:
            if not outcome.problems:
                outcome.problems.append("no area has staff or leaders in the baseline yet")
        return outcomes
    try:
        result: dict[str, Any] = forecast({**spec, "diversity_targets": spec_targets})  # the engine's plain output
        solved = result["diversity"]
    except SpecError as exc:
        for outcome in outcomes:
            outcome.problems.extend(str(p) for p in exc.problems)
        return outcomes
    for (position, year), item in zip(index, solved, strict=True):
        outcome = outcomes[position]
        if year == outcome.target.target_year:
            outcome.result = item
        elif outcome.result is not None and not outcome.result["feasible"] and outcome.earliest_year is None \
                and item["feasible"]:
            outcome.earliest_year = year
    for outcome in outcomes:
        if outcome.withheld:  # nothing derived from a withheld count reaches this audience
            outcome.result, outcome.earliest_year = None, None
    return outcomes
