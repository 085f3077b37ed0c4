"""The look-ups the command line makes from what a person typed (a strategy or survey by its id, how many
organisations there are) and the session a command works in. Whatever is missing is refused with NotFound,
in the words the commands have always printed, so the command line's one refusal boundary reports it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from planner.models import Organisation, Strategy, StrategyVersion, Survey
from planner.services import NotFound

# Session is re-exported so the command line can name it in annotations without importing sqlmodel.
__all__ = [
    "Session",
    "command_session",
    "organisation_count",
    "organisation_of",
    "strategy_by_id",
    "survey_of_strategy",
    "version_by_id",
]


@contextmanager
def command_session(engine: Engine) -> Iterator[Session]:
    """A session for one command on `engine` (planner.db.engine_for's: the caller gives it, as the services do not
    import planner.db, which brings Flask); what it read stays readable after a commit."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def organisation_count(session: Session) -> int:
    """How many organisations (trusts and systems) the database holds."""
    return session.exec(select(func.count()).select_from(Organisation)).one()


def strategy_by_id(session: Session, strategy_id: int) -> Strategy:
    """The strategy with this id, or NotFound."""
    strategy = session.get(Strategy, strategy_id)
    if strategy is None:
        raise NotFound(f"there is no strategy with id {strategy_id}")
    return strategy


def organisation_of(session: Session, strategy: Strategy) -> Organisation:
    """The organisation a strategy belongs to."""
    organisation = session.get(Organisation, strategy.organisation_id)
    # The foreign key guarantees it: a strategy cannot outlive its organisation.
    assert organisation is not None
    return organisation


def survey_of_strategy(session: Session, strategy_id: int, survey_id: int) -> Survey:
    """The survey with this id when it belongs to that strategy, or NotFound."""
    survey = session.get(Survey, survey_id)
    if survey is None or survey.strategy_id != strategy_id:
        raise NotFound(f"strategy {strategy_id} has no survey with id {survey_id}")
    return survey


def version_by_id(session: Session, version_id: int) -> StrategyVersion:
    """The frozen version with this id, or NotFound."""
    version = session.get(StrategyVersion, version_id)
    if version is None:
        raise NotFound(f"there is no version with id {version_id}")
    return version
