"""The Diversity step: representation by level against the workforce and the community, the
WRES-style indicators, and targets solved with model.md's trajectory solver. Every count passes
through the one disclosure rule (planner.diversity.disclosure) for its audience before anyone sees
it: published (suppressed, except at public levels, and nothing derived from a withheld count)
unless the caller may see exact figures and asked to (internal)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from planner import areas as tree
from planner.diversity import assessment, wres
from planner.diversity import board as board_types
from planner.diversity.characteristics import CHARACTERISTICS, Characteristic, characteristic
from planner.diversity.disclosure import INTERNAL, PUBLISHED, Audience, Disclosure, disclosure
from planner.diversity.suppression import SuppressedTable, share
from planner.forecast import SpecError, forecast
from planner.forecast.target_checks import FIELD_WORDS, target_problems
from planner.models import (
    Benchmark,
    DiversityCount,
    DiversityTarget,
    GroupLabel,
    Level,
    Organisation,
    Scenario,
    ShortlistingFigure,
    Strategy,
    User,
)
from planner.services import ServiceError, derived
from planner.services.audit import record
from planner.services.editing import check_version, commit_checked
from planner.services.scenarios import spec_for
from planner.services.structure import areas_of, levels_of, nodes

ALL_STAFF = "all_staff"
BENCHMARK_SOURCES = {"community": "Local community", "national": "National comparator"}
# The WRES compares White and BME staff; the WDES compares disabled and non-disabled staff.
COMPARISONS = {"ethnicity": ("white", "bme"), "disability": ("not_disabled", "disabled")}


@dataclass
class Representation:
    """One characteristic's counts by level (and all staff) for an area and everything within it."""

    characteristic: Characteristic
    rows: list[tuple[str, str]]  # (row key, label): level keys then ALL_STAFF
    table: SuppressedTable
    suppressed: bool
    shares: dict[tuple[str, str], float | None] = field(default_factory=dict)
    workforce: dict[str, float | None] = field(default_factory=dict)
    benchmarks: dict[str, dict[str, float]] = field(default_factory=dict)  # source -> group -> share
    audience: Audience = PUBLISHED
    area_ids: set[int] | None = None  # the areas counted (None: the whole organisation)
    organisation: Organisation | None = None  # whose disclosure rule the counts went through


def rule(organisation: Organisation, audience: Audience) -> Disclosure:
    """The disclosure rule for an audience of the organisation: its threshold and its public levels."""
    return disclosure(audience, organisation.suppression_threshold, organisation.public_levels)


def _audience(suppressed: bool, audience: Audience | None) -> Audience:
    """The audience asked for; else published when suppressed, internal when not."""
    return audience or (PUBLISHED if suppressed else INTERNAL)


def named(session: Session, organisation_id: int, key: str) -> Characteristic:
    """A characteristic with the organisation's own names for its groups, where it has set any."""
    from dataclasses import replace

    base = characteristic(key)
    labels: dict[str, str] = derived.remember(
        session, strategy_id=None, organisation_id=organisation_id, kind="group names", parts=(), shared=False,
        compute=lambda: {(row.characteristic, row.group_key): row.label for row in session.exec(
            select(GroupLabel).where(GroupLabel.organisation_id == organisation_id))})
    mine = {group: label for (char, group), label in labels.items() if char == base.key}
    if not mine:
        return base
    return replace(base, groups=tuple(replace(g, name=mine.get(g.key, g.name)) for g in base.groups))


def all_named(session: Session, organisation_id: int) -> tuple[Characteristic, ...]:
    """Every characteristic, with the organisation's group names."""
    return tuple(named(session, organisation_id, c.key) for c in CHARACTERISTICS)


def save_group_labels(*, session: Session, organisation: Organisation, labels: Mapping[tuple[str, str], str],
                      actor: User) -> None:
    """Set the organisation's names for groups ((characteristic, group) -> name; empty: the default)."""
    for (char_key, group_key), label in labels.items():
        if group_key not in {g.key for g in characteristic(char_key).groups}:
            raise ServiceError(f"Unknown group {char_key} / {group_key}")
        if len(label.strip()) > 100:
            raise ServiceError("A group name must be 100 characters or fewer", field=f"label-{char_key}-{group_key}")
    existing = {(r.characteristic, r.group_key): r for r in session.exec(
        select(GroupLabel).where(GroupLabel.organisation_id == organisation.id))}
    for (char_key, group_key), label in labels.items():
        default = next(g.name for g in characteristic(char_key).groups if g.key == group_key)
        row = existing.get((char_key, group_key))
        if not label.strip() or label.strip() == default:
            if row is not None:
                session.delete(row)
            continue
        row = row or GroupLabel(organisation_id=organisation.id, characteristic=char_key, group_key=group_key)
        row.label = label.strip()
        session.add(row)
    record(session, action="update", entity="group_labels", entity_id=organisation.id,
           organisation_id=organisation.id, user_id=actor.id,
           changes={f"{c}/{g}": v for (c, g), v in labels.items() if v.strip()})
    session.commit()


def _counts(session: Session, strategy: Strategy, characteristic_key: str,
            area_ids: set[int] | None) -> dict[tuple[int | None, str], int]:
    """(level id or None for all staff, group) -> count, summed over the chosen areas."""
    out: dict[tuple[int | None, str], int] = {}
    for area_id, level_id, char_key, group_key, board_type, count in _count_rows(session, strategy):
        if char_key != characteristic_key or board_type is not None:
            continue
        if area_ids is not None and area_id not in area_ids:
            continue
        key = (level_id, group_key)
        out[key] = out.get(key, 0) + count
    return out


def _count_rows(session: Session, strategy: Strategy) -> list[tuple[Any, ...]]:
    """Every diversity count of the strategy as plain rows (area, level, characteristic, group, board
    type, count), read once per request however many tables and targets are worked out from them."""
    return derived.records(session, strategy, "diversity counts", lambda: [tuple(row) for row in session.exec(
        select(DiversityCount.area_id, DiversityCount.level_id, DiversityCount.characteristic,
               DiversityCount.group_key, DiversityCount.board_type, DiversityCount.count)
        .where(DiversityCount.strategy_id == strategy.id))])


def subtree(session: Session, strategy: Strategy, area_id: int | None) -> set[int] | None:
    """The area and everything within it (None: the whole organisation)."""
    if area_id is None:
        return None
    return {area_id} | tree.descendants(nodes(areas_of(session, strategy)), area_id)


def benchmarks_of(session: Session, strategy: Strategy, characteristic_key: str) -> dict[str, dict[str, float]]:
    """source -> group -> share, for the typed-in benchmarks."""
    out: dict[str, dict[str, float]] = {}
    rows = derived.records(session, strategy, "benchmarks", lambda: [tuple(row) for row in session.exec(
        select(Benchmark.characteristic, Benchmark.source, Benchmark.group_key, Benchmark.share)
        .where(Benchmark.strategy_id == strategy.id))])
    for char_key, source, group_key, value in rows:
        if char_key == characteristic_key:
            out.setdefault(source, {})[group_key] = value
    return out


def representation(
    session: Session, strategy: Strategy, organisation: Organisation, characteristic_key: str, *,
    area_id: int | None = None, suppressed: bool = True, audience: Audience | None = None,
) -> Representation:
    """Counts and shares of each group by level and for all staff, as the audience (else: published
    when suppressed, internal when not) may see them by the one disclosure rule."""
    chosen = _audience(suppressed, audience)
    char = named(session, organisation.id, characteristic_key)
    levels = levels_of(session, strategy)
    area_ids = subtree(session, strategy, area_id)
    counts = _counts(session, strategy, char.key, area_ids)
    rows = [(lv.key, lv.name) for lv in levels] + [(ALL_STAFF, "All staff")]
    by_key = {lv.id: lv.key for lv in levels}
    cells = {(by_key[level_id] if level_id is not None else ALL_STAFF, group): n
             for (level_id, group), n in counts.items() if level_id is None or level_id in by_key}
    columns = [g.key for g in char.groups]
    # Only the row totals (people at each level) are shown; group totals over levels are not. The row
    # totals are the baseline's leaders and staff, published anyway: never withheld, so a row with one
    # small count and zeros elsewhere withholds a zero too (a board of one, "0 White, 0 BME").
    table = rule(organisation, chosen).table(cells, [r for r, _ in rows], columns,
                                             row_levels={lv.key: lv.key for lv in levels},
                                             publish_column_totals=False, fixed_totals=True)
    result = Representation(char, rows, table, chosen == PUBLISHED, audience=chosen, area_ids=area_ids,
                            organisation=organisation)
    for row, _label in rows:
        for group in columns:
            result.shares[(row, group)] = share(table.cells.get((row, group)), table.row_totals.get(row))
    result.workforce = {g: result.shares[(ALL_STAFF, g)] for g in columns}
    result.benchmarks = benchmarks_of(session, strategy, char.key)
    return result


@dataclass
class Indicators:
    """WRES-style indicators for one comparison (ethnicity: WRES; disability: WDES)."""

    characteristic: str
    focus_group: str  # BME, or disabled
    level_gaps: dict[str, float | None]  # indicator 1: each level's share minus the workforce's, in points
    board_gap: float | None  # indicator 9: the top level's share minus the workforce's, in points
    relative_likelihood: float | None  # indicator 2: reference group's likelihood / focus group's
    shortlisting: dict[str, tuple[int, int]]  # group -> (shortlisted, appointed)
    # Indicator 9 again for the board's voting and executive membership (planner.diversity.board):
    # None where no board member types were imported.
    membership: BoardMembership | None = None


@dataclass
class BoardMembership:
    """The focus group's count, members and share for each membership of the board (voting, executive),
    as the audience may see them, and the gap with the workforce in points (None: withheld or none)."""

    counts: dict[str, int | None]
    totals: dict[str, int | None]
    shares: dict[str, float | None]
    gaps: dict[str, float | None]
    withheld: dict[str, bool]
    focus: str = ""  # the group counted


def board_membership(session: Session, strategy: Strategy, rep: Representation, board: str | None,
                     focus: str, workforce: float | None) -> BoardMembership | None:
    """The board by voting and by executive membership, through the disclosure rule; None if no counts
    by board member type were imported. The rule sees the three types themselves (each membership
    adds two of them), so what it withholds from a type is withheld from every membership it is in."""
    levels = {lv.key: lv.id for lv in levels_of(session, strategy)}
    if board is None or board not in levels:
        return None
    typed: dict[tuple[str, str], int] = {}
    for area_id, level_id, char_key, group_key, board_type, count in _count_rows(session, strategy):
        if char_key != rep.characteristic.key or level_id != levels[board] or board_type is None:
            continue
        if rep.area_ids is None or area_id in rep.area_ids:
            key = (str(board_type), group_key)
            typed[key] = typed.get(key, 0) + count
    if not typed:
        return None
    organisation = rep.organisation or session.get(Organisation, strategy.organisation_id)
    assert organisation is not None
    columns = [g.key for g in rep.characteristic.groups]
    types = list(board_types.BOARD_TYPES)
    # The column totals are the whole board's counts (where every member has a type), published in the
    # representation: so they count as shown, and a withheld type is never the whole board minus a
    # membership that is shown. The row totals (how many members of each type) are public anyway, on
    # the trust's website: never withheld, so zeros are where nothing else will do.
    table = rule(organisation, rep.audience).table(typed, types, columns, row_levels=dict.fromkeys(types, board),
                                                   fixed_totals=True)
    out = BoardMembership({}, {}, {}, {}, {}, focus)
    for membership, members in board_types.MEMBERSHIPS.items():
        parts = [table.cells.get((t, focus)) for t in members]
        totals = [table.row_totals.get(t) for t in members]
        count = None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
        total = None if any(t is None for t in totals) else sum(t for t in totals if t is not None)
        out.counts[membership], out.totals[membership] = count, total
        out.shares[membership] = share(count, total)
        out.gaps[membership] = wres.percentage_point_gap(out.shares[membership], workforce)
        out.withheld[membership] = count is None or total is None
    return out


def indicators(rep: Representation, session: Session, strategy: Strategy) -> Indicators | None:
    """The indicators for the representation's characteristic, if it has a comparison."""
    if rep.characteristic.key not in COMPARISONS:
        return None
    reference, focus = COMPARISONS[rep.characteristic.key]
    workforce = rep.workforce.get(focus)
    level_rows = [r for r, _ in rep.rows if r != ALL_STAFF]
    gaps = wres.indicator_1({r: rep.shares.get((r, focus)) for r in level_rows}, workforce)
    board = level_rows[0] if level_rows else None
    # Every characteristic's figures, read once per request however many characteristics are shown.
    rows = derived.records(session, strategy, "shortlisting figures", lambda: [tuple(row) for row in session.exec(
        select(ShortlistingFigure.characteristic, ShortlistingFigure.group_key, ShortlistingFigure.shortlisted,
               ShortlistingFigure.appointed).where(ShortlistingFigure.strategy_id == strategy.id))])
    figures = {group: (shortlisted, appointed) for char_key, group, shortlisted, appointed in rows
               if char_key == rep.characteristic.key}
    likelihood = None
    if reference in figures and focus in figures:
        likelihood = wres.relative_likelihood(figures[reference][0], figures[reference][1],
                                              figures[focus][0], figures[focus][1])
    return Indicators(rep.characteristic.key, focus, gaps,
                      wres.percentage_point_gap(rep.shares.get((board, focus)), workforce) if board else None,
                      likelihood, figures, board_membership(session, strategy, rep, board, focus, workforce))


def save_benchmarks(*, session: Session, strategy: Strategy, characteristic_key: str,
                    shares: Mapping[tuple[str, str], float | None], actor: User) -> None:
    """Store community and national shares ((source, group) -> share; None clears one)."""
    char = characteristic(characteristic_key)
    groups = {g.key for g in char.groups}
    for (source, group), value in shares.items():
        if source not in BENCHMARK_SOURCES or group not in groups:
            raise ServiceError(f"Unknown benchmark {source} / {group}")
        if value is not None and not 0 <= value <= 1:
            raise ServiceError(f"{BENCHMARK_SOURCES[source]}: a share must be from 0% to 100%",
                               field=f"{source}-{group}")
    for source in BENCHMARK_SOURCES:
        total = sum(v for (s, _g), v in shares.items() if s == source and v is not None)
        if total > 1 + 1e-6:
            raise ServiceError(f"{BENCHMARK_SOURCES[source]}: the shares add up to {total * 100:.1f}%, "
                               "more than 100%", field=f"{source}-{char.groups[0].key}")
    existing = {(b.source, b.group_key): b for b in session.exec(select(Benchmark).where(
        Benchmark.strategy_id == strategy.id, Benchmark.characteristic == char.key))}
    for (source, group), value in shares.items():
        row = existing.get((source, group))
        if value is None:
            if row is not None:
                session.delete(row)
            continue
        row = row or Benchmark(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                               source=source, characteristic=char.key, group_key=group)
        row.share = value
        session.add(row)
    record(session, action="update", entity="benchmarks", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id,
           changes={"characteristic": char.key, "values": {f"{s}/{g}": v for (s, g), v in shares.items()}})
    session.commit()


def save_shortlisting(*, session: Session, strategy: Strategy, characteristic_key: str,
                      figures: Mapping[str, tuple[int, int]], actor: User) -> None:
    """Store applicants shortlisted and appointed per group."""
    char = characteristic(characteristic_key)
    names = {g.key: g.name for g in char.groups}
    for group, (shortlisted, appointed) in figures.items():
        if group not in names:
            raise ServiceError(f"Unknown group {group}")
        if shortlisted < 0 or appointed < 0:
            raise ServiceError(f"{names[group]}: counts cannot be negative", field=f"shortlisted-{group}")
        if appointed > shortlisted:
            raise ServiceError(f"{names[group]}: {appointed} appointed is more than the {shortlisted} shortlisted",
                               field=f"appointed-{group}")
    existing = {f.group_key: f for f in session.exec(select(ShortlistingFigure).where(
        ShortlistingFigure.strategy_id == strategy.id, ShortlistingFigure.characteristic == char.key))}
    for group, (shortlisted, appointed) in figures.items():
        row = existing.get(group) or ShortlistingFigure(
            organisation_id=strategy.organisation_id, strategy_id=strategy.id,
            characteristic=char.key, group_key=group)
        row.shortlisted, row.appointed = shortlisted, appointed
        session.add(row)
    record(session, action="update", entity="shortlisting", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id,
           changes={"characteristic": char.key, "groups": sorted(figures)})  # which groups, never their counts
    session.commit()


# --- targets -------------------------------------------------------------------------------


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
        select(DiversityTarget).where(DiversityTarget.strategy_id == strategy.id).order_by(DiversityTarget.id))))


def _group_count(session: Session, strategy: Strategy, target: DiversityTarget, levels: list[Level],
                 area_ids: set[int]) -> int:
    wanted = {lv.id for lv in levels} if target.level_id is None else {target.level_id}
    return sum(count for area_id, level_id, char_key, group_key, board_type, count
               in _count_rows(session, strategy)
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
    from planner.services import succession  # it reads the organisation's group names from here

    if level is None:
        return  # all leaders: appointments come from the whole workforce, not one level's successors
    found, withheld = succession.pool_share(session, strategy, organisation, level_key=level.key,
                                            characteristic=outcome.target.characteristic,
                                            group=outcome.target.group_key)
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
    organisation = session.get(Organisation, strategy.organisation_id)
    disclosed = rule(organisation, audience)  # type: ignore[arg-type]
    shown = {key: representation(session, strategy, organisation, key, audience=audience)  # type: ignore[arg-type]
             for key in {t.characteristic for t in targets}}
    # The default pool shares come from the exact counts, whoever is looking; only showing them is suppressed.
    exact = {key: representation(session, strategy, organisation, key, suppressed=False)  # type: ignore[arg-type]
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
        _set_succession(session, strategy, organisation, outcome, level)  # type: ignore[arg-type]
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
        solved = forecast({**spec, "diversity_targets": spec_targets})["diversity"]
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


def save_target(*, session: Session, strategy: Strategy, values: Mapping[str, Any], actor: User,
                target: DiversityTarget | None = None, version: int | None = None) -> DiversityTarget:
    """Add or change a target after checking it names a real level, group and year (a change is refused
    if the target changed since `version` was read)."""
    if target is not None:
        check_version(target, version)
    char = characteristic(str(values["characteristic"]))
    if values["group_key"] not in {g.key for g in char.groups}:
        raise ServiceError("Choose a group of the characteristic", field="group_key")
    level_id = values.get("level_id")
    if level_id is not None and level_id not in {lv.id for lv in levels_of(session, strategy)}:
        raise ServiceError("Choose a level of this strategy", field="level_id")
    typed = {key: None if values.get(key) is None else float(values[key]) for key in FIELD_WORDS}
    typed["leaver_rate_ratio"] = float(values.get("leaver_rate_ratio") or 1.0)
    for key, message in target_problems(typed, start_year=strategy.start_year, horizon=strategy.horizon):
        raise ServiceError(message, field=key)  # the engine's rule (parse_targets), in the form's words
    share_value, year, ratio = float(values["target_share"]), int(values["target_year"]), typed["leaver_rate_ratio"]
    current, pipeline = typed["current_appointment_share"], typed["pipeline_share"]
    row = target or DiversityTarget(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                    characteristic=char.key, group_key="", target_share=0, target_year=year)
    row.characteristic, row.group_key, row.level_id = char.key, str(values["group_key"]), level_id
    row.target_share, row.target_year, row.leaver_rate_ratio = share_value, year, ratio
    row.current_appointment_share = float(current) if current is not None else None
    row.pipeline_share = float(pipeline) if pipeline is not None else None
    session.add(row)
    commit_checked(session, target, commit=False)
    record(session, action="update" if target else "create", entity="diversity_target", entity_id=row.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={k: values.get(k) for k in ("characteristic", "group_key", "level_id", "target_share",
                                                "target_year", "leaver_rate_ratio", "current_appointment_share",
                                                "pipeline_share")})
    commit_checked(session, target)
    return row


def delete_target(*, session: Session, target: DiversityTarget, actor: User) -> None:
    """Delete a target."""
    record(session, action="delete", entity="diversity_target", entity_id=target.id,
           organisation_id=target.organisation_id, user_id=actor.id,
           changes={"characteristic": target.characteristic, "group_key": target.group_key,
                    "level_id": target.level_id, "target_share": target.target_share,
                    "target_year": target.target_year})
    session.delete(target)
    session.commit()


def baseline_diversity(session: Session, strategy: Strategy, organisation: Organisation, *,
                       suppressed: bool = True, audience: Audience | None = None) -> list[dict[str, Any]]:
    """Every stored count as the API lists it, as the audience may see it by the one disclosure rule:
    for each characteristic and level (or all staff) a table of areas by groups, whose area totals
    (the baseline) and group totals (the organisation's representation) are published, so both get
    secondary suppression (except at a public level, shown whole)."""
    disclosed = rule(organisation, _audience(suppressed, audience))
    areas = {a.id: a.code for a in areas_of(session, strategy)}
    level_keys: dict[int | None, str | None] = {lv.id: lv.key for lv in levels_of(session, strategy)}
    level_keys[None] = None
    tables: dict[tuple[str, int | None], dict[tuple[str, str], int]] = {}
    for row in session.exec(select(DiversityCount).where(DiversityCount.strategy_id == strategy.id,
                                                         DiversityCount.board_type.is_(None))):  # type: ignore[union-attr]
        if row.area_id in areas and row.level_id in level_keys:
            cells = tables.setdefault((row.characteristic, row.level_id), {})
            key = (areas[row.area_id], row.group_key)
            cells[key] = cells.get(key, 0) + row.count
    out: list[dict[str, Any]] = []
    area_order = list(areas.values())
    for char in CHARACTERISTICS:
        groups = [g.key for g in char.groups]
        for level_id, level_key in level_keys.items():
            cells = tables.get((char.key, level_id))
            if not cells:
                continue
            rows = [code for code in area_order if any((code, g) in cells for g in groups)]
            # Area totals are the baseline's staff and leaders, and group totals the organisation's
            # representation: both are published elsewhere, so neither may be withheld here.
            shown = disclosed.table(cells, rows, groups, row_levels={code: level_key for code in rows},
                                    fixed_totals=True)
            for code in rows:
                for group in groups:
                    value = shown.cells.get((code, group))
                    if value == 0:
                        continue  # zeros are left out, unless withheld (then a reader cannot tell)
                    out.append({"area": code, "level": level_key, "characteristic": char.key, "group": group,
                                "count": value, "suppressed": value is None})
    return out


def diversity_report(session: Session, strategy: Strategy, organisation: Organisation, scenario: Scenario | None, *,
                     suppressed: bool = True, audience: Audience | None = None) -> dict[str, Any]:
    """The Diversity step as data: representation and indicators per characteristic, and targets, as
    the audience (else: published when suppressed, internal when not) may see them."""
    chosen = _audience(suppressed, audience)
    return derived.remember(session, strategy_id=strategy.id, organisation_id=organisation.id,
                            kind="diversity report", parts=(scenario.id if scenario else None, str(chosen)),
                            compute=lambda: _diversity_report(session, strategy, organisation, scenario, chosen))


def _diversity_report(session: Session, strategy: Strategy, organisation: Organisation, scenario: Scenario | None,
                      chosen: Audience) -> dict[str, Any]:
    suppressed = chosen == PUBLISHED
    representation_out = []
    for char in CHARACTERISTICS:
        rep = representation(session, strategy, organisation, char.key, audience=chosen)
        ind = indicators(rep, session, strategy)
        representation_out.append({
            "characteristic": char.key,
            "rows": [{
                "level": None if row == ALL_STAFF else row,
                "total": rep.table.row_totals.get(row),
                "groups": [{"group": g.key, "count": rep.table.cells.get((row, g.key)),
                            "share": rep.shares.get((row, g.key)),
                            "suppressed": rep.table.cells.get((row, g.key)) is None} for g in char.groups],
            } for row, _label in rep.rows],
            "benchmarks": {"workforce": rep.workforce, **rep.benchmarks},
            "indicators": None if ind is None else {
                "focus_group": ind.focus_group, "level_gaps_points": ind.level_gaps,
                "board_gap_points": ind.board_gap, "relative_likelihood": ind.relative_likelihood,
                **_membership_out(ind.membership),
            },
        })
    targets_out = []
    if scenario is not None:
        for outcome in target_outcomes(session, strategy, scenario, audience=chosen):
            small = outcome.withheld
            targets_out.append({
                "id": outcome.target.id, "level": next((lv.key for lv in levels_of(session, strategy)
                                                        if lv.id == outcome.target.level_id), "all"),
                "characteristic": outcome.target.characteristic, "group": outcome.target.group_key,
                "target_share": outcome.target.target_share, "target_year": outcome.target.target_year,
                "baseline_count": None if small else outcome.baseline_count, "suppressed": small,
                "withheld_reason": outcome.withheld_reason or None,
                "required_share_of_appointments": outcome.result["required_share_of_appointments"]
                if outcome.result else None,
                "feasible": outcome.result["feasible"] if outcome.result else None,
                "assessment": outcome.result["assessment"] if outcome.result else None,
                # The pool appointments come from; its share is shown only where the counts behind it may be.
                "pool": None if outcome.pool_key == ALL_STAFF else outcome.pool_key, "pool_name": outcome.pool_name,
                "pipeline_share": outcome.pipeline_shown(suppressed=suppressed),
                "pipeline_source": outcome.pipeline_source,
                "pipeline_withheld": outcome.pipeline_hidden(suppressed=suppressed),
                "earliest_year": outcome.earliest_year,
                "trajectory": outcome.result["trajectory"] if outcome.result else None,
                "no_action": outcome.result["no_action"] if outcome.result else None,
                "problems": outcome.problems,
            })
    return {"scenario": {"id": scenario.id, "name": scenario.name} if scenario else None,
            "suppression_threshold": organisation.suppression_threshold, "suppressed": suppressed,
            "audience": chosen, "disclosure": rule(organisation, chosen).as_content(),
            "representation": representation_out, "targets": targets_out}


def _membership_out(membership: BoardMembership | None) -> dict[str, Any]:
    """Indicator 9 by voting and executive membership, for the API and the pack."""
    if membership is None:
        return {"board_membership": None, "board_membership_note": board_types.NOT_RECORDED}
    return {"board_membership": {key: {
        "group": membership.focus, "gap_points": membership.gaps[key], "share": membership.shares[key],
        "count": membership.counts[key],
        "members": membership.totals[key], "suppressed": membership.withheld[key],
    } for key in board_types.MEMBERSHIPS}, "board_membership_note": None}
