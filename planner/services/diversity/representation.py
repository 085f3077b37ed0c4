"""Representation by level against the workforce and the benchmarks, and the WRES-style indicators,
through the one disclosure rule for the audience (the queries the Diversity step is built from)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session, select

from planner import areas as tree
from planner.diversity import board as board_types
from planner.diversity import wres
from planner.diversity.characteristics import CHARACTERISTICS, Characteristic, characteristic
from planner.diversity.disclosure import INTERNAL, PUBLISHED, Audience, Disclosure, disclosure
from planner.diversity.suppression import SuppressedTable, share
from planner.models import Benchmark, DiversityCount, GroupLabel, Organisation, ShortlistingFigure, Strategy
from planner.services import derived
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


def audience_for(suppressed: bool, audience: Audience | None) -> Audience:
    """The audience asked for; else published when suppressed, internal when not."""
    return audience or (PUBLISHED if suppressed else INTERNAL)


def named(session: Session, organisation_id: int, key: str) -> Characteristic:
    """A characteristic with the organisation's own names for its groups, where it has set any."""
    base = characteristic(key)
    labels: dict[tuple[str, str], str] = derived.remember(
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


def _counts(session: Session, strategy: Strategy, characteristic_key: str,
            area_ids: set[int] | None) -> dict[tuple[int | None, str], int]:
    """(level id or None for all staff, group) -> count, summed over the chosen areas."""
    out: dict[tuple[int | None, str], int] = {}
    for area_id, level_id, char_key, group_key, board_type, count in count_rows(session, strategy):
        if char_key != characteristic_key or board_type is not None:
            continue
        if area_ids is not None and area_id not in area_ids:
            continue
        key = (level_id, group_key)
        out[key] = out.get(key, 0) + count
    return out


def count_rows(session: Session, strategy: Strategy) -> list[tuple[Any, ...]]:
    """Every diversity count of the strategy as plain rows (area, level, characteristic, group, board
    type, count), read once per request however many tables and targets are worked out from them."""
    return derived.records(session, strategy, "diversity counts", lambda: [tuple(row) for row in session.exec(
        select(DiversityCount.area_id, DiversityCount.level_id, DiversityCount.characteristic,  # type: ignore[call-overload]
               DiversityCount.group_key, DiversityCount.board_type, DiversityCount.count)
        .where(DiversityCount.strategy_id == strategy.id))])  # sqlmodel's select is typed for four columns at most


def subtree(session: Session, strategy: Strategy, area_id: int | None) -> set[int] | None:
    """The area and everything within it (None: the whole organisation)."""
    if area_id is None:
        return None
    return {area_id} | tree.descendants(nodes(areas_of(session, strategy)), area_id)


def benchmarks_of(session: Session, strategy: Strategy, characteristic_key: str) -> dict[str, dict[str, float]]:
    """source -> group -> share, for the typed-in benchmarks."""
    out: dict[str, dict[str, float]] = {}
    rows = derived.records(session, strategy, "benchmarks", lambda: [
        (char_key, source, group_key, value) for char_key, source, group_key, value in session.exec(
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
    chosen = audience_for(suppressed, audience)
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
    for area_id, level_id, char_key, group_key, board_type, count in count_rows(session, strategy):
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
    rows = derived.records(session, strategy, "shortlisting figures", lambda: [
        (char_key, group, shortlisted, appointed) for char_key, group, shortlisted, appointed in session.exec(
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
