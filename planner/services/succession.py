"""The succession register: typed in per area and level or imported whole, its pipeline set beside a
scenario's ready for promotion rate, and the successor pool's diversity through the one disclosure rule
(docs/succession.md). No one's name is kept: only counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlmodel import Session, select

from planner import areas as tree
from planner import succession as rules
from planner.diversity.characteristics import CHARACTERISTICS
from planner.diversity.disclosure import PUBLISHED, Audience
from planner.diversity.suppression import share
from planner.models import Organisation, Scenario, Strategy, SuccessionEntry, SuccessionPoolCount, User
from planner.services import ServiceError, derived, forecasting
from planner.services.audit import record
from planner.services.diversity.representation import named, rule

# The register's rows and its successor pool's diversity sit below the Diversity step, whose targets
# default to the pool's share; kept importable from here.
from planner.services.diversity.successors import entries_of as entries_of
from planner.services.diversity.successors import kept_pool_tables
from planner.services.diversity.successors import pool_share as pool_share
from planner.services.diversity.successors import pool_tables as pool_tables
from planner.services.diversity.successors import pools_of as pools_of
from planner.services.editing import check_version, commit_checked
from planner.services.structure import area_lookup, areas_of, level_lookup, levels_of, nodes

Pool = Mapping[str, Mapping[str, int]]  # characteristic -> group -> successors


class Row(Protocol):
    """A row of the register as the import reads it (planner.imports.succession.RegisterRow, a frozen dataclass:
    hence read-only members)."""

    @property
    def area(self) -> str: ...

    @property
    def level(self) -> str: ...

    @property
    def figures(self) -> Mapping[str, int]: ...

    @property
    def pool(self) -> Pool: ...


def _ancestors(session: Session, strategy: Strategy) -> dict[int, set[int]]:
    """Area id -> the ids of the areas it is within."""
    found = nodes(areas_of(session, strategy))
    out: dict[int, set[int]] = {n.id: set() for n in found}
    for n in found:
        for below in tree.descendants(found, n.id):
            out.setdefault(below, set()).add(n.id)
    return out


def ancestor_codes(session: Session, strategy: Strategy) -> dict[str, frozenset[str]]:
    """Area code -> the codes of the areas it is within (what the import needs to refuse overlaps)."""
    codes = {a.id: a.code for a in areas_of(session, strategy)}
    return {codes[i]: frozenset(codes[j] for j in above) for i, above in _ancestors(session, strategy).items()}


def import_lookups(session: Session, strategy: Strategy) -> dict[str, Any]:
    """What the import reader matches against: area codes and names, level keys and names, and which areas
    are within which."""
    return {"areas": area_lookup(session, strategy), "levels": level_lookup(session, strategy),
            "ancestors": ancestor_codes(session, strategy)}


def _check(figures: Mapping[str, int | None], pool: Pool) -> None:
    for field, message in rules.row_problems(figures, pool):
        raise ServiceError(message, field=field)


def _write_pool(session: Session, strategy: Strategy, entry: SuccessionEntry, pool: Pool) -> None:
    for old in session.exec(select(SuccessionPoolCount).where(SuccessionPoolCount.entry_id == entry.id)):
        session.delete(old)
    session.flush()
    for char_key, groups in pool.items():
        for group, count in groups.items():
            session.add(SuccessionPoolCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                            entry_id=entry.id, characteristic=char_key, group_key=group,
                                            count=count))


def save_entry(*, session: Session, strategy: Strategy, area_id: int, level_id: int,
               figures: Mapping[str, int | None], pool: Pool, actor: User | None,
               version: int | None = None, new: bool = False) -> SuccessionEntry:
    """Add or change the register's row for an area and level (refused if it changed since `version`
    was read, if `new` and it already has one, or if an area within or around it has one at that level)."""
    _check(figures, pool)
    levels = {lv.id for lv in levels_of(session, strategy)}
    if area_id not in {a.id for a in areas_of(session, strategy)} or level_id not in levels:
        raise ServiceError("Choose an area and a level of this strategy", field="area")
    existing = entries_of(session, strategy)
    entry = next((e for e in existing if e.area_id == area_id and e.level_id == level_id), None)
    if entry is not None and new:
        raise ServiceError("This area already has figures at this level: change them from the register instead",
                           field="area")
    if entry is not None:
        check_version(entry, version)
    above = _ancestors(session, strategy)
    for other in existing:
        if other.level_id == level_id and other.area_id != area_id and (
                other.area_id in above.get(area_id, set()) or area_id in above.get(other.area_id, set())):
            name = next(a.name for a in areas_of(session, strategy) if a.id == other.area_id)
            raise ServiceError(f"{name} already has a row at this level and is within this area or holds it: "
                               "count each successor once, in one area", field="area")
    row = entry or SuccessionEntry(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                   area_id=area_id, level_id=level_id)
    for key in rules.FIGURES:
        setattr(row, key, int(figures[key] or 0))
    session.add(row)
    commit_checked(session, entry, commit=False)
    _write_pool(session, strategy, row, pool)
    record(session, action="update" if entry else "create", entity="succession", entity_id=row.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"area_id": area_id, "level_id": level_id, **{k: figures[k] for k in rules.FIGURES},
                    "pool": sorted(pool)})
    commit_checked(session, entry)
    return row


def delete_entry(*, session: Session, entry: SuccessionEntry, actor: User) -> None:
    """Take a row out of the register."""
    record(session, action="delete", entity="succession", entity_id=entry.id,
           organisation_id=entry.organisation_id, user_id=actor.id,
           changes={"area_id": entry.area_id, "level_id": entry.level_id})
    for old in session.exec(select(SuccessionPoolCount).where(SuccessionPoolCount.entry_id == entry.id)):
        session.delete(old)
    # The pool's rows go first: with no relationship between them, the unit of work may delete the entry first,
    # the database's cascade takes its pool with it, and the pool's own deletes then match nothing.
    session.flush()
    session.delete(entry)
    session.commit()


def replace_register(*, session: Session, strategy: Strategy, rows: Sequence[Row], actor: User | None,
                     source: str) -> int:
    """Replace the whole register with rows read from a file (already checked by the reader), in one
    transaction: returns how many rows it holds now."""
    areas = {a.code: a.id for a in areas_of(session, strategy)}
    levels = {lv.key: lv.id for lv in levels_of(session, strategy)}
    for row in rows:
        _check(row.figures, row.pool)  # the reader checked them; the rule is asked again, not restated
        if row.area not in areas or row.level not in levels:
            raise ServiceError(f"Area {row.area} or level {row.level} is not in this strategy")
    for old in entries_of(session, strategy):
        session.delete(old)
    for old_count in session.exec(select(SuccessionPoolCount).where(SuccessionPoolCount.strategy_id == strategy.id)):
        session.delete(old_count)
    session.flush()
    for row in rows:
        entry = SuccessionEntry(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                area_id=areas[row.area], level_id=levels[row.level],
                                **{key: int(row.figures[key]) for key in rules.FIGURES})
        session.add(entry)
        session.flush()
        _write_pool(session, strategy, entry, row.pool)
    record(session, action="import", entity="succession", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"rows": len(rows), "source": source[:200]})
    session.commit()
    return len(rows)


# --- what the register shows -------------------------------------------------------------------


def _pipelines(session: Session, strategy: Strategy, scenario: Scenario | None,
               entries: list[SuccessionEntry]) -> dict[str, rules.Pipeline]:
    """Level key -> its register's pipeline beside the scenario's, for each level the register has."""
    levels = levels_of(session, strategy)
    areas = areas_of(session, strategy)
    code = {a.id: a.code for a in areas}
    found = nodes(areas)
    run = forecasting.run(session, strategy, scenario, with_bands=False) if scenario is not None else None
    rows = (run.result or {}).get("rows", []) if run is not None else []
    years = ((run.result or {}).get("years") or [])[:2] if run is not None else []
    out: dict[str, rules.Pipeline] = {}
    for position, level in enumerate(levels):
        mine = [e for e in entries if e.level_id == level.id]
        if not mine:
            continue
        below = levels[position + 1] if position + 1 < len(levels) else None
        covered = {code[i] for e in mine for i in {e.area_id} | tree.descendants(found, e.area_id) if i in code}
        ready = [r for r in rows if r["level"] == level.key and r["area"] in covered and r["year"] in years]
        scenario_per_year = sum(r["ready"] for r in ready) / len(years) if below and ready and years else None
        first = [r for r in rows if below and r["level"] == below.key and r["area"] in covered
                 and years and r["year"] == years[0]]
        in_post = sum(r["start"] for r in first) if first else None
        ready_first = sum(r["ready"] for r in ready if r["year"] == years[0]) if ready else None
        rate = ready_first / in_post if in_post and ready_first is not None else None
        out[level.key] = rules.compare(
            level_name=level.name, below_name=below.name if below else None,
            critical_roles=sum(e.critical_roles for e in mine), ready_now=sum(e.ready_now for e in mine),
            ready_1_2=sum(e.ready_1_2 for e in mine), scenario_name=scenario.name if scenario else "",
            scenario_per_year=scenario_per_year if run is not None and run.result is not None else None,
            in_post_below=in_post, ready_rate_below=rate,
            not_compared=None if below is None else "There is no scenario to compare with." if run is None else
            None if run.result is not None else
            f"The scenario '{run.scenario.name}' cannot be forecast yet, so there is nothing to compare with.")
    return out


def succession_report(session: Session, strategy: Strategy, organisation: Organisation, scenario: Scenario | None,
                      *, audience: Audience = PUBLISHED) -> dict[str, Any]:
    """The register as plain data for the page, the API and the pack: its rows, each level's totals and
    pipeline beside the scenario's, and the successor pool's diversity as the audience may see it. Worked
    out once per request: what is slow in it (the forecast) is kept across requests by forecasting.run."""
    return derived.remember(session, strategy_id=strategy.id, organisation_id=organisation.id,
                            kind="succession report", parts=(scenario.id if scenario else None, str(audience)),
                            reads=("baseline", "forecast", "organisation", "strategy", "structure", "succession"),
                            shared=False,
                            compute=lambda: _report(session, strategy, organisation, scenario, audience))


def _report(session: Session, strategy: Strategy, organisation: Organisation, scenario: Scenario | None,
            audience: Audience) -> dict[str, Any]:
    entries = entries_of(session, strategy)
    disclosed = rule(organisation, audience)
    if not entries:  # nothing to work out, and no forecast to run for it
        return {"scenario": {"id": scenario.id, "name": scenario.name} if scenario else None,
                "audience": disclosed.audience, "disclosure": disclosed.as_content(), "entries": [], "levels": [],
                "diversity": []}
    levels = levels_of(session, strategy)
    areas = {a.id: a for a in areas_of(session, strategy)}
    level_by_id = {lv.id: lv for lv in levels}
    pipelines = _pipelines(session, strategy, scenario, entries)
    order = {lv.id: i for i, lv in enumerate(levels)}
    area_order = {a_id: i for i, a_id in enumerate(areas)}
    rows = []
    for e in sorted(entries, key=lambda e: (order.get(e.level_id, 0), area_order.get(e.area_id, 0))):
        if e.area_id not in areas or e.level_id not in level_by_id:
            continue
        rows.append({"id": e.id, "area_id": e.area_id, "level_id": e.level_id, "area": areas[e.area_id].code,
                     "area_name": areas[e.area_id].name, "level": level_by_id[e.level_id].key,
                     "level_name": level_by_id[e.level_id].name,
                     **{key: getattr(e, key) for key in rules.FIGURES},
                     "successors": rules.successors({k: getattr(e, k) for k in rules.READY})})
    by_level = []
    for lv in levels:
        mine = [r for r in rows if r["level"] == lv.key]
        if not mine:
            continue
        pipeline = pipelines.get(lv.key)
        by_level.append({
            "level": lv.key, "level_name": lv.name,
            **{key: sum(r[key] for r in mine) for key in (*rules.FIGURES, "successors")},
            "pipeline": None if pipeline is None else {
                "register_per_year": pipeline.register_per_year, "scenario_per_year": pipeline.scenario_per_year,
                "ready_rate_below": pipeline.ready_rate_below, "implied_rate_below": pipeline.implied_rate_below,
                "disagree": pipeline.disagree, "sentence": pipeline.sentence},
        })
    diversity = []
    for char_key, (_exact, table) in kept_pool_tables(session, strategy, organisation, audience).items():
        char = next(c for c in CHARACTERISTICS if c.key == char_key)
        names = {g.key: g.name for g in char.groups}
        names.update({g.key: g.name for g in named(session, organisation.id, char_key).groups})
        diversity.append({"characteristic": char_key, "name": char.name, "rows": [{
            "level": row, "level_name": next(lv.name for lv in levels if lv.key == row),
            "total": table.row_totals.get(row),
            "groups": [{"group": g.key, "name": names[g.key], "count": table.cells.get((row, g.key)),
                        "share": share(table.cells.get((row, g.key)), table.row_totals.get(row)),
                        "suppressed": table.cells.get((row, g.key)) is None} for g in char.groups],
        } for row in sorted({r for r, _c in table.cells}, key=[lv.key for lv in levels].index)]})
    return {"scenario": {"id": scenario.id, "name": scenario.name} if scenario else None,
            "audience": disclosed.audience, "disclosure": disclosed.as_content(), "entries": rows, "levels": by_level,
            "diversity": diversity}
