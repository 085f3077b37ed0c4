"""The demo reads as a trust's real record would on the day it is loaded: nothing that has happened
(a check-in, a comment, its answer, an engagement event, a board decision, a committee that considered
the paper, a closed survey) is dated after today, and comments fall inside their consultation's window."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from sqlmodel import Session, select

from planner.models import (
    BoardCover,
    BoardDecision,
    CheckIn,
    Comment,
    Consultation,
    EngagementEvent,
    Organisation,
    Strategy,
    StrategyVersion,
    Survey,
)
from tests import factories


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, Strategy, Organisation]]:
    with factories.demo_database(tmp_path_factory.mktemp("dates")) as found:
        yield found


def test_nothing_that_has_happened_is_dated_after_today(demo: tuple[Session, Strategy, Organisation]) -> None:
    session, strategy, _organisation = demo
    today = date.today()
    check_ins = list(session.exec(select(CheckIn)))
    assert check_ins and max(c.on for c in check_ins) <= today
    events = list(session.exec(select(EngagementEvent)))
    assert events and max(e.held_on for e in events) <= today
    decisions = list(session.exec(select(BoardDecision)))
    assert decisions and max(d.meeting_date for d in decisions) <= today
    assert all(v.approved_on <= today for v in session.exec(select(StrategyVersion)))
    closed = [s for s in session.exec(select(Survey)) if s.status == "closed"]
    assert closed and all(s.closes_on is not None and s.closes_on <= today for s in closed)
    cover = session.exec(select(BoardCover).where(BoardCover.strategy_id == strategy.id)).one()
    considered = json.loads(cover.previously_considered)
    assert considered and all(date.fromisoformat(e["on"]) < today for e in considered)
    assert cover.meeting_date is not None and cover.meeting_date > max(date.fromisoformat(e["on"]) for e in considered)


def test_comments_are_dated_inside_their_consultation_and_answered_after_it(
        demo: tuple[Session, Strategy, Organisation]) -> None:
    session, _strategy, _organisation = demo
    today = date.today()
    windows = {c.id: (c.opens_on, c.closes_on) for c in session.exec(select(Consultation))}
    comments = list(session.exec(select(Comment)))
    assert comments
    for comment in comments:
        opens_on, closes_on = windows[comment.consultation_id]
        assert opens_on <= comment.created_at.date() <= closes_on, comment.body[:40]
        if comment.responded_at is not None:
            assert comment.created_at < comment.responded_at and comment.responded_at.date() <= today
    assert any(c.responded_at is not None for c in comments)


def test_every_text_of_the_demo_fits_its_column(demo: tuple[Session, Strategy, Organisation]) -> None:
    """SQLite stores a string longer than its column; PostgreSQL refuses it. The demo must load on both."""
    from sqlalchemy import func
    from sqlmodel import SQLModel

    session, _strategy, _organisation = demo
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            limit = getattr(column.type, "length", None)  # String and SQLModel's AutoString
            if limit:
                longest = session.exec(select(func.max(func.length(column)))).one()  # type: ignore[call-overload]
                assert (longest or 0) <= limit, f"{table.name}.{column.name}: {longest} characters, at most {limit}"
