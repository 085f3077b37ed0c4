"""The succession register's rows and its successor pool's diversity through the one disclosure rule:
what diversity targets take as their default pool share, and what the succession report shows
(planner.services.succession re-exports these)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from planner.diversity.characteristics import CHARACTERISTICS
from planner.diversity.disclosure import PUBLISHED, Audience
from planner.diversity.suppression import SuppressedTable, share
from planner.models import Organisation, Strategy, SuccessionEntry, SuccessionPoolCount
from planner.services import derived
from planner.services.diversity.representation import rule
from planner.services.structure import levels_of


def entries_of(session: Session, strategy: Strategy) -> list[SuccessionEntry]:
    """The register's rows (read once per transaction and revision)."""
    return derived.records(session, strategy, "succession", lambda: list(session.exec(
        select(SuccessionEntry).where(SuccessionEntry.strategy_id == strategy.id).order_by(col(SuccessionEntry.id)))))


def pools_of(session: Session, strategy: Strategy) -> dict[int, dict[str, dict[str, int]]]:
    """Entry id -> characteristic -> group -> successors, for the characteristics each row records."""
    out: dict[int, dict[str, dict[str, int]]] = {}
    for row in session.exec(select(SuccessionPoolCount).where(SuccessionPoolCount.strategy_id == strategy.id)):
        out.setdefault(row.entry_id, {}).setdefault(row.characteristic, {})[row.group_key] = row.count
    return out


def pool_tables(session: Session, strategy: Strategy, organisation: Organisation,
                audience: Audience) -> dict[str, tuple[dict[tuple[str, str], int], SuppressedTable]]:
    """Characteristic -> (exact counts, the table as the audience sees it) of the successor pool by
    level (rows: level keys) and group, summed over areas, for each characteristic the register records.
    Each level's total (the successors counted for the characteristic) is shown, group totals are not;
    no level is public here (a board's successors are not its members), so every small count is withheld
    from a published audience, with secondary suppression."""
    entries = entries_of(session, strategy)
    if not entries:
        return {}  # an empty register: nothing more to read
    level_key = {lv.id: lv.key for lv in levels_of(session, strategy)}
    entry_level = {e.id: level_key.get(e.level_id) for e in entries}
    exact: dict[str, dict[tuple[str, str], int]] = {}
    for entry_id, pool in pools_of(session, strategy).items():
        level = entry_level.get(entry_id)
        if level is None:
            continue
        for char_key, groups in pool.items():
            cells = exact.setdefault(char_key, {})
            for group, count in groups.items():
                cells[(level, group)] = cells.get((level, group), 0) + count
    disclosed = rule(organisation, audience)
    out = {}
    for char in CHARACTERISTICS:
        if char.key not in exact:
            continue
        rows = [key for key in level_key.values() if any((key, g.key) in exact[char.key] for g in char.groups)]
        table = disclosed.table(exact[char.key], rows, [g.key for g in char.groups], publish_column_totals=False,
                           fixed_totals=True)
        out[char.key] = (exact[char.key], table)
    return out


def kept_pool_tables(session: Session, strategy: Strategy, organisation: Organisation,
                      audience: Audience) -> dict[str, tuple[dict[tuple[str, str], int], SuppressedTable]]:
    """pool_tables, worked out once per request (each target and the report ask for them)."""
    return derived.remember(session, strategy_id=strategy.id, organisation_id=organisation.id,
                            kind="succession pools", parts=(str(audience),), shared=False,
                            compute=lambda: pool_tables(session, strategy, organisation, audience))


def pool_share(session: Session, strategy: Strategy, organisation: Organisation, *, level_key: str,
               characteristic: str, group: str, audience: Audience = PUBLISHED) -> tuple[float | None, bool]:
    """The group's share of the successors the register names for a level's critical roles, from the
    exact counts (None where the register has none for the characteristic at that level), and whether
    the disclosure rule withholds it (its count or the successors' total) from the audience."""
    found = kept_pool_tables(session, strategy, organisation, audience)
    if characteristic not in found:
        return None, False
    exact, table = found[characteristic]
    total = sum(n for (row, _g), n in exact.items() if row == level_key)
    if not any(row == level_key for row, _g in exact):
        return None, False
    withheld = table.cells.get((level_key, group), 0) is None or table.row_totals.get(level_key) is None
    return share(exact.get((level_key, group), 0), total), withheld
