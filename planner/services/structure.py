"""The Structure step: the area tree, leadership levels and the band map."""

from __future__ import annotations

import re

from sqlmodel import Session, col, func, select

from planner import areas as tree
from planner.models import (
    Area,
    AreaBaseline,
    BandAssignment,
    Establishment,
    LeaderCount,
    Level,
    Strategy,
    User,
)
from planner.reference import all_bands, band_label
from planner.services import ServiceError, derived, finish
from planner.services.audit import diff, record
from planner.services.editing import check_version, commit_checked

AREA_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
LEVEL_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED_LEVEL_KEYS = {"all"}  # "all" means every level in a diversity target


def levels_of(session: Session, strategy: Strategy) -> list[Level]:
    """The strategy's leadership levels, top first (read once per transaction and revision)."""
    return derived.records(session, strategy, "levels", lambda: list(session.exec(
        select(Level).where(Level.strategy_id == strategy.id).order_by(col(Level.position), col(Level.id)))))


def areas_of(session: Session, strategy: Strategy) -> list[Area]:
    """The strategy's areas in tree order (read once per transaction and revision)."""
    def read() -> list[Area]:
        rows = list(session.exec(select(Area).where(Area.strategy_id == strategy.id)))
        by_id = {a.id: a for a in rows}
        return [by_id[node.id] for node, _ in tree.ordered(nodes(rows))]

    return derived.records(session, strategy, "areas", read)


def nodes(rows: list[Area]) -> list[tree.Node]:
    """The areas as plain tree nodes."""
    return [tree.Node(a.id, a.parent_id, a.position, a.name) for a in rows]


def area_depths(rows: list[Area]) -> dict[int, int]:
    """Each area's depth in the tree (0 for top-level areas)."""
    return {node.id: depth for node, depth in tree.ordered(nodes(rows))}


def area_lookup(session: Session, strategy: Strategy) -> dict[str, str]:
    """Area code and name -> its code, as the import readers match a file's areas (a name that is also
    another area's code means the area of that name)."""
    found: dict[str, str] = {}
    for area in areas_of(session, strategy):
        found[area.code], found[area.name] = area.code, area.code
    return found


def level_lookup(session: Session, strategy: Strategy) -> dict[str, str]:
    """Level key and name -> its key, as the import readers match a file's levels."""
    found: dict[str, str] = {}
    for level in levels_of(session, strategy):
        found[level.key], found[level.name] = level.key, level.key
    return found


def _clean_area(
    session: Session, strategy: Strategy, code: str, name: str, parent_id: int | None,
    area: Area | None = None,
) -> tuple[str, str, int | None]:
    code = code.strip()
    name = name.strip()
    if not AREA_CODE_RE.match(code):
        raise ServiceError(
            "Code must be 1-40 letters, digits, hyphens, dots or underscores, "
            "starting with a letter or digit",
            field="code",
        )
    if not name:
        raise ServiceError("Enter the area's name", field="name")
    if len(name) > 200:
        raise ServiceError("Name must be 200 characters or fewer", field="name")
    clash = session.exec(
        select(Area).where(Area.strategy_id == strategy.id, func.lower(Area.code) == code.lower())
    ).first()
    if clash is not None and (area is None or clash.id != area.id):
        raise ServiceError(f"Another area already has the code '{code}'", field="code")
    if parent_id is not None:
        parent = session.get(Area, parent_id)
        if parent is None or parent.strategy_id != strategy.id:
            raise ServiceError("Choose a parent area from this strategy", field="parent_id")
        if area is not None:
            rows = list(session.exec(select(Area).where(Area.strategy_id == strategy.id)))
            if parent_id == area.id or parent_id in tree.descendants(nodes(rows), area.id):
                raise ServiceError(
                    "An area cannot sit inside itself or one of its own sub-areas",
                    field="parent_id",
                )
    return code, name, parent_id


def add_area(
    *, session: Session, strategy: Strategy, code: str, name: str, parent_id: int | None,
    actor: User | None, commit: bool = True,
) -> Area:
    """Add an area to the tree."""
    code, name, parent_id = _clean_area(session, strategy, code, name, parent_id)
    position = session.exec(
        select(func.count()).select_from(Area).where(
            Area.strategy_id == strategy.id, Area.parent_id == parent_id
        )
    ).one()
    area = Area(
        organisation_id=strategy.organisation_id, strategy_id=strategy.id,
        code=code, name=name, parent_id=parent_id, position=position,
    )
    session.add(area)
    session.flush()
    record(session, action="create", entity="area", entity_id=area.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"code": code, "name": name, "parent_id": parent_id})
    finish(session, commit)
    return area


def update_area(
    *, session: Session, strategy: Strategy, area: Area, code: str, name: str,
    parent_id: int | None, actor: User, version: int | None = None,
) -> Area:
    """Rename or move an area (refused if it changed since `version` was read)."""
    check_version(area, version)
    code, name, parent_id = _clean_area(session, strategy, code, name, parent_id, area)
    before = {"code": area.code, "name": area.name, "parent_id": area.parent_id}
    after = {"code": code, "name": name, "parent_id": parent_id}
    area.code, area.name, area.parent_id = code, name, parent_id
    session.add(area)
    record(session, action="update", entity="area", entity_id=area.id,
           organisation_id=strategy.organisation_id, user_id=actor.id, changes=diff(before, after))
    commit_checked(session, area)
    return area


def area_dependents(session: Session, area: Area) -> list[str]:
    """What stops an area being deleted, in words (empty when it can go)."""
    reasons: list[str] = []
    children = session.exec(select(func.count()).select_from(Area).where(Area.parent_id == area.id)).one()
    if children:
        reasons.append(f"it contains {children} sub-area{'s' if children != 1 else ''}")
    baseline = session.exec(select(AreaBaseline).where(AreaBaseline.area_id == area.id)).first()
    leaders = session.exec(
        select(func.coalesce(func.sum(LeaderCount.count), 0)).where(LeaderCount.area_id == area.id)
    ).one()
    if (baseline is not None and (baseline.staff or baseline.fte)) or leaders:
        reasons.append("it has baseline figures (staff or leaders in post)")
    if session.exec(select(Establishment.id).where(Establishment.area_id == area.id)).first() is not None:
        reasons.append("it has a funded establishment (remove it on the Baseline step first)")
    return reasons


def delete_area(*, session: Session, strategy: Strategy, area: Area, actor: User) -> None:
    """Delete an area, refusing while anything depends on it."""
    reasons = area_dependents(session, area)
    if reasons:
        raise ServiceError(
            f"{area.name} cannot be deleted because " + " and ".join(reasons) + "."
        )
    for baseline in session.exec(select(AreaBaseline).where(AreaBaseline.area_id == area.id)):
        session.delete(baseline)
    for count in session.exec(select(LeaderCount).where(LeaderCount.area_id == area.id)):
        session.delete(count)
    record(session, action="delete", entity="area", entity_id=area.id,
           organisation_id=strategy.organisation_id, user_id=actor.id,
           changes={"code": area.code, "name": area.name})
    session.delete(area)
    session.commit()


def _clean_level(
    session: Session, strategy: Strategy, key: str, name: str, level: Level | None = None
) -> tuple[str, str]:
    key = key.strip().lower()
    name = name.strip()
    if not LEVEL_KEY_RE.match(key) or key in RESERVED_LEVEL_KEYS:
        raise ServiceError(
            "Key must start with a letter and use only lower-case letters, digits and "
            "underscores (and cannot be 'all')",
            field="key",
        )
    if not name:
        raise ServiceError("Enter the level's name", field="name")
    clash = session.exec(select(Level).where(Level.strategy_id == strategy.id, Level.key == key)).first()
    if clash is not None and (level is None or clash.id != level.id):
        raise ServiceError(f"Another level already has the key '{key}'", field="key")
    return key, name[:100]


def add_level(
    *, session: Session, strategy: Strategy, key: str, name: str, description: str,
    actor: User,
) -> Level:
    """Add a leadership level below the existing ones."""
    key, name = _clean_level(session, strategy, key, name)
    position = len(levels_of(session, strategy))
    level = Level(
        organisation_id=strategy.organisation_id, strategy_id=strategy.id,
        key=key, name=name, description=description.strip()[:500], position=position,
    )
    session.add(level)
    session.flush()
    record(session, action="create", entity="level", entity_id=level.id,
           organisation_id=strategy.organisation_id, user_id=actor.id,
           changes={"key": key, "name": name})
    session.commit()
    return level


def update_level(
    *, session: Session, strategy: Strategy, level: Level, key: str, name: str,
    description: str, actor: User, version: int | None = None,
) -> Level:
    """Rename a level or change its key (refused if it changed since `version` was read)."""
    check_version(level, version)
    key, name = _clean_level(session, strategy, key, name, level)
    before = {"key": level.key, "name": level.name, "description": level.description}
    after = {"key": key, "name": name, "description": description.strip()[:500]}
    level.key, level.name, level.description = key, name, after["description"]
    session.add(level)
    record(session, action="update", entity="level", entity_id=level.id,
           organisation_id=strategy.organisation_id, user_id=actor.id, changes=diff(before, after))
    commit_checked(session, level)
    return level


def move_level(
    *, session: Session, strategy: Strategy, level: Level, direction: str, actor: User
) -> None:
    """Move a level one place up (towards the board) or down."""
    levels = levels_of(session, strategy)
    index = next(i for i, lv in enumerate(levels) if lv.id == level.id)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(levels):
        raise ServiceError(f"{level.name} cannot move {direction}")
    levels[index], levels[other] = levels[other], levels[index]
    for position, lv in enumerate(levels):
        lv.position = position
        session.add(lv)
    record(session, action="reorder", entity="level", entity_id=level.id,
           organisation_id=strategy.organisation_id, user_id=actor.id,
           changes={"order": [lv.key for lv in levels]})
    session.commit()


def delete_level(*, session: Session, strategy: Strategy, level: Level, actor: User) -> None:
    """Delete a level, refusing while leaders are counted at it."""
    leaders = session.exec(
        select(func.coalesce(func.sum(LeaderCount.count), 0)).where(LeaderCount.level_id == level.id)
    ).one()
    if leaders:
        raise ServiceError(
            f"{level.name} cannot be deleted because {leaders} leaders are counted at this "
            "level in the baseline. Move or remove those figures first."
        )
    if session.exec(select(Establishment.id).where(Establishment.level_id == level.id)).first() is not None:
        raise ServiceError(f"{level.name} cannot be deleted because areas have a funded establishment at this "
                           "level. Remove it on the Baseline step first.")
    if len(levels_of(session, strategy)) <= 1:
        raise ServiceError("A strategy needs at least one leadership level.")
    for count in session.exec(select(LeaderCount).where(LeaderCount.level_id == level.id)):
        session.delete(count)
    for band in session.exec(select(BandAssignment).where(BandAssignment.level_id == level.id)):
        session.delete(band)
    record(session, action="delete", entity="level", entity_id=level.id,
           organisation_id=strategy.organisation_id, user_id=actor.id, changes={"key": level.key})
    session.delete(level)
    session.flush()
    for position, lv in enumerate(levels_of(session, strategy)):
        lv.position = position
        session.add(lv)
    session.commit()


def band_map(session: Session, strategy: Strategy) -> dict[str, int]:
    """Band, grade or job role -> level id, for those that count as leadership (a job role decides
    before the band or grade: planner.imports.values.role_level_lookup)."""
    return dict(derived.records(session, strategy, "band map", lambda: list(session.exec(
        select(BandAssignment.band, BandAssignment.level_id).where(BandAssignment.strategy_id == strategy.id)))))


def bands_by_level(session: Session, strategy: Strategy) -> dict[int, list[str]]:
    """Level id -> its bands and grades in pay order, then its job roles."""
    order = {band: i for i, band in enumerate(all_bands())}
    out: dict[int, list[str]] = {}
    for band, level_id in band_map(session, strategy).items():
        out.setdefault(level_id, []).append(band)
    for bands in out.values():
        bands.sort(key=lambda b: order.get(b, len(order)))
    return out


def set_band_map(
    *, session: Session, strategy: Strategy, mapping: dict[str, int | None], actor: User
) -> None:
    """Replace the band map: each band, grade and job role belongs to one level or to none (not a leader)."""
    level_ids = {lv.id for lv in levels_of(session, strategy)}
    known = set(all_bands())
    for band, level_id in mapping.items():
        if band not in known:
            raise ServiceError(f"'{band}' is not an Agenda for Change band, board role, medical or dental grade "
                               "or job role")
        if level_id is not None and level_id not in level_ids:
            raise ServiceError(f"{band_label(band)}: choose a level of this strategy", field=band)
    before = band_map(session, strategy)
    for row in session.exec(select(BandAssignment).where(BandAssignment.strategy_id == strategy.id)):
        session.delete(row)
    session.flush()
    for band, level_id in mapping.items():
        if level_id is not None:
            session.add(BandAssignment(
                organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                band=band, level_id=level_id,
            ))
    after = {b: lv for b, lv in mapping.items() if lv is not None}
    # Every band that moved, including one that no longer counts as leadership (after: None).
    changes = {b: [before.get(b), after.get(b)] for b in sorted(set(before) | set(after))
               if before.get(b) != after.get(b)}
    record(session, action="update", entity="band_map", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id, changes=changes)
    session.commit()
