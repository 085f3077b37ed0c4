"""`python -m benchmarks.first_visit [--quick]` (also in `make bench`): SQL statements on the pages that gather
every step (the strategy home, Approve, Compare) and on the forecast, on the first visit after a write to each
step, at 1 and 8 times the demo's size, before and once the queue's worker has worked the results out
(planner.services.warm). Printed, never asserted; tests/web/test_queries_per_page.py holds the bounds.

Each write is made by another session (another worker), as a user's save would be, and the pages are then
visited once by a client whose results were kept just before: what the next visitor after that save pays.
"Nothing kept" is the page with the shared store emptied (a new release, or the store purged)."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from benchmarks.scale import Built, build_organisation, count_queries, sign_in
from planner import db
from planner.db import get_session
from planner.models import (
    Area,
    AssessedCount,
    BoardCover,
    CheckIn,
    Comment,
    Competency,
    DiversityTarget,
    LeaderCount,
    Level,
    Objective,
    ScenarioLevel,
    Strategy,
    SurveyAnswer,
)
from planner.services.warm import warm

Write = Callable[[Session, Strategy], None]


def _first(session: Session, query: Any) -> Any:
    found = session.exec(query.limit(1)).first()
    if found is None:
        raise LookupError(str(query))
    return found


def _scope(s: Session, strategy: Strategy) -> None:
    strategy.vision = (strategy.vision or "") + " And kinder."
    s.add(strategy)


def _structure(s: Session, strategy: Strategy) -> None:
    area = _first(s, select(Area).where(Area.strategy_id == strategy.id).order_by(col(Area.id)))
    area.name = area.name[:190] + " (new)"
    s.add(area)


def _level(s: Session, strategy: Strategy) -> None:
    level = _first(s, select(Level).where(Level.strategy_id == strategy.id).order_by(col(Level.id)))
    level.description = (level.description or "")[:480] + " Changed."
    s.add(level)


def _baseline(s: Session, strategy: Strategy) -> None:
    row = _first(s, select(LeaderCount).join(Level, col(Level.id) == LeaderCount.level_id)
                 .where(Level.strategy_id == strategy.id, LeaderCount.count > 3).order_by(col(LeaderCount.id)))
    row.count += 1
    s.add(row)


def _forecast(s: Session, strategy: Strategy) -> None:
    row = _first(s, select(ScenarioLevel).join(Level, col(Level.id) == ScenarioLevel.level_id)
                 .where(Level.strategy_id == strategy.id).order_by(col(ScenarioLevel.id)))
    row.leaver_rate = round(min(0.5, row.leaver_rate + 0.01), 4)
    s.add(row)


def _discover(s: Session, strategy: Strategy) -> None:
    for answer in s.exec(select(SurveyAnswer).where(SurveyAnswer.organisation_id == strategy.organisation_id,
                                                    SurveyAnswer.value == 5).limit(5)):
        answer.value = 4
        s.add(answer)


def _diversity(s: Session, strategy: Strategy) -> None:
    target = _first(s, select(DiversityTarget).where(DiversityTarget.strategy_id == strategy.id)
                    .order_by(col(DiversityTarget.id)))
    target.target_share = round(min(0.95, target.target_share + 0.01), 4)
    s.add(target)


def _competencies(s: Session, strategy: Strategy) -> None:
    row = _first(s, select(AssessedCount).where(AssessedCount.strategy_id == strategy.id)
                 .order_by(col(AssessedCount.id)))
    row.count += 1
    s.add(row)


def _catalogue(s: Session, strategy: Strategy) -> None:
    competency = _first(s, select(Competency).where(Competency.organisation_id == strategy.organisation_id)
                        .order_by(col(Competency.id)))
    competency.name = competency.name[:180] + " (renamed)"
    s.add(competency)


def _objectives(s: Session, strategy: Strategy) -> None:
    objective = _first(s, select(Objective).where(Objective.strategy_id == strategy.id,
                                                  Objective.level == "strategic").order_by(col(Objective.id)))
    s.add(CheckIn(organisation_id=strategy.organisation_id, objective_id=objective.id, on=date.today(),
                  value=(objective.target or 100) * 0.5, note="Halfway"))


def _consult(s: Session, strategy: Strategy) -> None:
    comment = s.exec(select(Comment).where(Comment.organisation_id == strategy.organisation_id)
                     .order_by(col(Comment.id)).limit(1)).first()
    if comment is not None:
        comment.body = (comment.body or "")[:900] + " More."
        s.add(comment)


def _approve(s: Session, strategy: Strategy) -> None:
    cover = s.exec(select(BoardCover).where(BoardCover.strategy_id == strategy.id)).first()
    if cover is not None:
        cover.recommendation = (cover.recommendation or "") + " Revised."
        s.add(cover)


# (step, what is written, the write)
WRITES: list[tuple[str, str, Write]] = [
    ("scope", "the strategy's vision", _scope),
    ("structure", "an area's name", _structure),
    ("structure", "a level's description", _level),
    ("baseline", "leaders in post", _baseline),
    ("forecast", "a scenario's leaver rate", _forecast),
    ("discover", "survey answers", _discover),
    ("diversity", "a diversity target", _diversity),
    ("competencies", "leaders assessed", _competencies),
    ("competencies", "a competency's name", _catalogue),
    ("objectives", "a check-in", _objectives),
    ("consult", "a comment", _consult),
    ("approve", "the board cover", _approve),
]
PAGES = {"home": "/strategies/{id}", "approve": "/strategies/{id}/approve", "compare": "/strategies/{id}/compare",
         "forecast": "/strategies/{id}/forecast"}


def write(url: str, strategy_id: int, change: Write) -> None:
    """Make one change in a session of its own, as another worker's request would, and commit it."""
    with Session(db.engine_for(url)) as session:
        strategy = session.get(Strategy, strategy_id)
        assert strategy is not None
        change(session, strategy)
        session.commit()


def forget(url: str) -> None:
    """Empty the shared store of kept results."""
    with db.engine_for(url).begin() as connection:
        connection.execute(text("DELETE FROM derivedresult"))


def warm_up(app: Any, strategy_id: int) -> None:
    """What the queue's worker does after a write (planner.services.warm), in an app context of its own."""
    with app.app_context():
        warm(get_session(), frozenset({f"strategy:{strategy_id}"}), today=date.today())


def first_visits(client: Any, url: str, built: Built, *, warmed: bool = False) -> dict[str, dict[str, int]]:
    """Statements on each page on the first visit after each write (and with nothing kept), by row; with
    `warmed`, after the worker's warm-up too (planner.services.warm)."""
    paths = {name: path.format(id=built.strategy_id) for name, path in PAGES.items()}
    paths = {name: path for name, path in paths.items() if client.get(path).status_code == 200}
    out: dict[str, dict[str, int]] = {}
    for step, what, change in [("-", "nothing kept", None), *WRITES]:
        row: dict[str, int] = {}
        for name, path in paths.items():
            for other in paths.values():
                client.get(other)  # everything kept, as after busy use
            if change is None:
                forget(url)
            else:
                write(url, built.strategy_id, change)
            if warmed:
                warm_up(client.application, built.strategy_id)
            row[name] = count_queries(client, path)
        out[f"{step}: {what}"] = row
    return out


Rows = dict[str, dict[str, int]]  # write -> page -> statements


def most(rows: Rows) -> int:
    """The most statements on any page after any write."""
    return max(n for row in rows.values() for n in row.values())


def main(sizes: tuple[int, ...] = (1, 8)) -> dict[int, tuple[Rows, Rows]]:
    """Build each size, and print the statements of a first visit after each write, before and after the
    worker's warm-up; returns both by size."""
    from planner import create_app

    results: dict[int, tuple[Rows, Rows]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for times in sizes:
            url = f"sqlite:///{Path(folder) / f'first-{times}'}.db"
            db.upgrade(url)
            built = build_organisation(url, times)
            app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "DATABASE_URL": url,
                              "SECRET_KEY": "benchmark-secret-key-not-for-use", "WTF_CSRF_ENABLED": False})
            client = app.test_client()
            sign_in(client, built)
            before = first_visits(client, url, built)
            print_table(times, before)
            warmed = first_visits(client, url, built, warmed=True)
            print_table(times, warmed, "once the worker has worked the results out (planner.services.warm)")
            results[times] = (before, warmed)
            db.engine_for(url).dispose()
    return results


def print_table(times: int, rows: dict[str, dict[str, int]], when: str = "before anything else") -> None:
    """One size's statements, a row per write."""
    names = sorted({name for row in rows.values() for name in row}, key=list(PAGES).index)
    print(f"\nSQL statements on the first visit after a write, {when}, at {times} times the demo")
    print(f"{'write':<44}" + "".join(f"{name:>10}" for name in names))
    for what, row in rows.items():
        print(f"{what:<44}" + "".join(f"{row.get(name, '-'):>10}" for name in names))
    print(f"most: {most(rows)}")


if __name__ == "__main__":
    main((1,) if "--quick" in sys.argv[1:] else (1, 8))
