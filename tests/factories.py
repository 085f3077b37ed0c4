"""Factories for test data: plain functions over a session, so each test says only what matters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

from sqlmodel import Session, select

from planner.models import Area, Level, Membership, Organisation, Strategy, User
from planner.services import accounts, baseline, strategies, structure

FAST_HASH = "scrypt:1024:8:1"  # the tests' own cost; the app's default is checked separately


@contextmanager
def demo_database(directory: Path) -> Iterator[tuple[Session, Strategy, Organisation]]:
    """The demo trust loaded into a SQLite database of its own in `directory` (a module's fixture
    shares it between its tests), with a session, its strategy and its organisation."""
    from planner.db import engine_for, upgrade
    from planner.services.demo import load_demo

    url = f"sqlite:///{directory / 'demo.db'}"
    upgrade(url)
    with Session(engine_for(url), expire_on_commit=False) as session:
        organisation = load_demo(session=session, hash_method=FAST_HASH)
        assert organisation is not None
        strategy = session.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
        yield session, strategy, organisation
PASSWORD = "correct-horse-battery"
_serial = count(1)


def make_org(session: Session, slug: str | None = None, name: str | None = None) -> Organisation:
    """A new organisation."""
    n = next(_serial)
    return accounts.create_organisation(session=session, slug=slug or f"org-{n}", name=name or f"Trust {n}")


def make_member(session: Session, organisation: Organisation, role: str = "admin",
                email: str | None = None) -> User:
    """A user with a role in the organisation (password PASSWORD)."""
    email = email or f"{role}-{next(_serial)}@example.nhs.uk"
    membership = accounts.add_member(session=session, organisation=organisation, email=email, role=role,
                                     password=PASSWORD, hash_method=FAST_HASH)
    user = session.get(User, membership.user_id)
    assert user is not None
    return user


def membership_of(session: Session, user: User, organisation: Organisation) -> Membership:
    """The user's membership of the organisation."""
    from sqlmodel import select

    found = session.exec(select(Membership).where(Membership.user_id == user.id,
                                                  Membership.organisation_id == organisation.id)).one()
    return found


def make_strategy(session: Session, organisation: Organisation, **values: object) -> Strategy:
    """A strategy with the default levels (board, senior, middle, frontline)."""
    scope = {"title": "Leadership Strategy", "start_year": 2026, "horizon": 5}
    scope.update(values)
    return strategies.create_strategy(session=session, organisation=organisation, values=scope, actor=None)


def make_area(session: Session, strategy: Strategy, code: str, name: str | None = None,
              parent: Area | None = None) -> Area:
    """An area of the strategy."""
    return structure.add_area(session=session, strategy=strategy, code=code, name=name or code,
                              parent_id=parent.id if parent else None, actor=None)


def level(session: Session, strategy: Strategy, key: str) -> Level:
    """The strategy's level with this key."""
    return next(lv for lv in structure.levels_of(session, strategy) if lv.key == key)


def set_baseline(session: Session, strategy: Strategy, area: Area, staff: int, fte: float,
                 **leaders: int) -> None:
    """Store one area's baseline figures."""
    baseline.save_baseline(session=session, strategy=strategy, actor=None,
                           figures={area.id: baseline.AreaFigures(staff=staff, fte=fte, leaders=leaders)})  # type: ignore[dict-item]


def make_system(session: Session, *members: Organisation, slug: str = "ics",
                name: str = "Dale Integrated Care System") -> Organisation:
    """A system (docs/systems.md) whose members (trusts) have accepted its invitation."""
    from planner.services import systems

    system = accounts.create_organisation(session=session, slug=slug, name=name, kind="system")
    for member in members:
        link = systems.invite(session=session, system=system, member=member, actor=None)
        systems.accept(session=session, link=link, actor=None)
    return system


def planned_strategy(session: Session, organisation: Organisation, *, start_year: int = 2026, horizon: int = 5,
                     frontline: int = 40, title: str = "Leadership Strategy") -> Strategy:
    """A strategy with one area's baseline and a 'Baseline' scenario, so it has a forecast."""
    from planner.services.scenarios import scenario_from_data

    strategy = make_strategy(session, organisation, title=title, start_year=start_year, horizon=horizon)
    area = make_area(session, strategy, "SURG", "Surgery")
    set_baseline(session, strategy, area, staff=400, fte=380.0, senior=3, middle=12, frontline=frontline)
    scenario_from_data(session=session, strategy=strategy, actor=None, data={
        "name": "Baseline", "levels": {"middle": {"leaver_rate": 0.1, "ready_rate": 0.05, "internal_fill_max": 0.5},
                                       "frontline": {"leaver_rate": 0.12, "ready_rate": 0.06}},
        "areas": {"SURG": {"staff_growth": 0.02, "span": {"frontline": 10}}}})
    return strategy


def approve(session: Session, strategy: Strategy) -> int:
    """Submit the strategy and record the board's approval; the new version's number."""
    from datetime import date, timedelta

    from planner.models import StrategyVersion
    from planner.services import versions

    organisation = session.get(Organisation, strategy.organisation_id)
    assert organisation is not None
    versions.submit(session=session, strategy=strategy, actor=None)
    made = versions.record_decision(session=session, strategy=strategy, organisation=organisation, actor=None,
                                    today=date.today(), values={"meeting_date": date.today() - timedelta(days=1),
                                                                "minute": "2026/1", "decision": "approved"})
    version = session.get(StrategyVersion, made.version_id)
    assert version is not None
    return version.number
