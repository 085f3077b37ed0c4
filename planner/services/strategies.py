"""Strategies and their Scope step."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from planner.models import BandAssignment, Level, Organisation, Strategy, User, utcnow
from planner.reference import default_levels
from planner.services import ServiceError, finish
from planner.services.audit import diff, record
from planner.services.editing import check_version, commit_checked

SCOPE_FIELDS = ("title", "start_year", "horizon", "vision", "mission", "values", "owner")
MIN_HORIZON, MAX_HORIZON = 1, 10
MIN_START_YEAR, MAX_START_YEAR = 2000, 2100


def check_scope(values: dict[str, Any]) -> dict[str, Any]:
    """The one set of rules for a strategy's scope; returns cleaned values."""
    title = str(values.get("title") or "").strip()
    if not title:
        raise ServiceError("Enter a title for the strategy", field="title")
    if len(title) > 200:
        raise ServiceError("Title must be 200 characters or fewer", field="title")
    start_year = values.get("start_year")
    if not isinstance(start_year, int) or not MIN_START_YEAR <= start_year <= MAX_START_YEAR:
        raise ServiceError(
            f"Start year must be a year between {MIN_START_YEAR} and {MAX_START_YEAR}",
            field="start_year",
        )
    horizon = values.get("horizon", 5)
    if not isinstance(horizon, int) or not MIN_HORIZON <= horizon <= MAX_HORIZON:
        raise ServiceError(
            f"Horizon must be a whole number of years from {MIN_HORIZON} to {MAX_HORIZON}",
            field="horizon",
        )
    cleaned = {
        "title": title,
        "start_year": start_year,
        "horizon": horizon,
        "vision": str(values.get("vision") or "").strip(),
        "mission": str(values.get("mission") or "").strip(),
        "values": str(values.get("values") or "").strip(),
        "owner": str(values.get("owner") or "").strip()[:200],
    }
    return cleaned


def create_strategy(
    *, session: Session, organisation: Organisation, values: dict[str, Any], actor: User | None, commit: bool = True,
) -> Strategy:
    """Create a strategy with the default leadership levels and band map (bands, grades and job roles)."""
    if organisation.kind == "system":
        # A system plans through its members' shared versions, never a strategy of its own (docs/systems.md).
        raise ServiceError("A system has no strategies of its own: its members share their approved versions with it")
    cleaned = check_scope(values)
    strategy = Strategy(organisation_id=organisation.id, **cleaned)
    session.add(strategy)
    session.flush()
    for position, spec in enumerate(default_levels()["levels"]):
        level = Level(
            organisation_id=organisation.id,
            strategy_id=strategy.id,
            key=spec["key"],
            name=spec["name"],
            description=spec.get("description", ""),
            position=position,
        )
        session.add(level)
        session.flush()
        for band in [*spec.get("bands", []), *spec.get("roles", [])]:
            session.add(
                BandAssignment(
                    organisation_id=organisation.id,
                    strategy_id=strategy.id,
                    band=band,
                    level_id=level.id,
                )
            )
    record(session, action="create", entity="strategy", entity_id=strategy.id,
           organisation_id=organisation.id, user_id=actor.id if actor else None, changes=cleaned)
    finish(session, commit)
    return strategy


def update_scope(
    *, session: Session, strategy: Strategy, values: dict[str, Any], actor: User, version: int | None = None,
) -> Strategy:
    """Change the scope of a strategy (refused if it changed since `version` was read)."""
    check_version(strategy, version)
    cleaned = check_scope(values)
    before = {f: getattr(strategy, f) for f in SCOPE_FIELDS}
    for field, value in cleaned.items():
        setattr(strategy, field, value)
    strategy.updated_at = utcnow()
    session.add(strategy)
    record(session, action="update", entity="strategy", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id,
           changes=diff(before, cleaned))
    commit_checked(session, strategy)
    return strategy


def strategies_of(session: Session, organisation_id: int) -> list[Strategy]:
    """The organisation's strategies, newest start year first."""
    return list(
        session.exec(
            select(Strategy)
            .where(Strategy.organisation_id == organisation_id)
            .order_by(col(Strategy.start_year).desc(), col(Strategy.title))
        )
    )
