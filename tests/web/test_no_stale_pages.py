"""A write on any step changes what the next page shows: pages keep derived results under the
strategy's revisions (docs/derived-results.md), and each kind of write below, made by another worker
(another session), must reach a page that had just been served from what was kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from planner import create_app
from planner.db import engine_for
from planner.models import (
    BoardSeat,
    CheckIn,
    Comment,
    Competency,
    DerivedResult,
    DiversityTarget,
    LeaderCount,
    Objective,
    ScenarioLevel,
    Strategy,
    SurveyAnswer,
    User,
)
from tests import factories


@dataclass
class Demo:
    app: Flask
    client: FlaskClient
    url: str
    strategy_id: int


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder: Path = tmp_path_factory.mktemp("stale")
    with factories.demo_database(folder) as (session, strategy, organisation):
        admin = factories.make_member(session, organisation, role="admin")
        url = f"sqlite:///{folder / 'demo.db'}"
        app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                          "DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": factories.FAST_HASH})
        client = app.test_client()
        client.post("/login", data={"email": admin.email, "password": factories.PASSWORD})
        yield Demo(app, client, url, int(strategy.id))  # type: ignore[arg-type]


def _shown(client: FlaskClient, path: str) -> str:
    """The page as a reader sees it: without the per-response nonce and form tokens."""
    response = client.get(path)
    assert response.status_code == 200, path
    body = response.get_data(as_text=True)
    body = re.sub(r'nonce="[^"]*"', "", body)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", body)


def _first(session: Session, model: type, **where: object) -> object:
    query = select(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    found = session.exec(query.order_by(model.id)).first()  # type: ignore[attr-defined]
    assert found is not None, model
    return found


def _vision(s: Session, strategy: Strategy) -> None:
    strategy.vision = ""


def _leaver_rate(s: Session, strategy: Strategy) -> None:
    from planner.services.scenarios import scenarios_of

    row = _first(s, ScenarioLevel, scenario_id=scenarios_of(s, strategy)[0].id)
    row.leaver_rate = round(row.leaver_rate + 0.03, 4)  # type: ignore[attr-defined]


def _leaders(s: Session, strategy: Strategy) -> None:
    row = s.exec(select(LeaderCount).where(LeaderCount.count > 3).order_by(LeaderCount.id)).first()
    assert row is not None
    row.count += 7


def _establishment(s: Session, strategy: Strategy) -> None:
    from planner.models import Establishment, Level

    row = s.exec(select(LeaderCount).where(LeaderCount.count > 3).order_by(LeaderCount.id)).first()
    assert row is not None
    level = s.get(Level, row.level_id)
    assert level is not None and level.strategy_id == strategy.id
    funded = s.exec(select(Establishment).where(Establishment.area_id == row.area_id,
                                                Establishment.level_id == row.level_id)).first()
    if funded is None:
        funded = Establishment(organisation_id=strategy.organisation_id, strategy_id=strategy.id,  # type: ignore[arg-type]
                               area_id=row.area_id, level_id=row.level_id, posts=str(row.count))
    funded.posts = str(int(funded.posts) + 9)  # more posts than leaders: vacancies, and more to recruit
    s.add(funded)


def _check_in(s: Session, strategy: Strategy) -> None:
    objective = s.exec(select(Objective).where(Objective.strategy_id == strategy.id, Objective.level == "strategic")
                       .order_by(Objective.id)).first()
    assert objective is not None
    s.add(CheckIn(organisation_id=strategy.organisation_id, objective_id=objective.id, on=date.today(),  # type: ignore[arg-type]
                  value=(objective.target or 100) * 0.99, note="Nearly there"))


def _target(s: Session, strategy: Strategy) -> None:
    target = _first(s, DiversityTarget, strategy_id=strategy.id)
    target.target_share = round(target.target_share + 0.05, 4)  # type: ignore[attr-defined]


def _competency_name(s: Session, strategy: Strategy) -> None:
    competency = _first(s, Competency, organisation_id=strategy.organisation_id)
    competency.name = "Leading with kindness"  # type: ignore[attr-defined]


def _survey_answer(s: Session, strategy: Strategy) -> None:
    for answer in s.exec(select(SurveyAnswer).where(SurveyAnswer.organisation_id == strategy.organisation_id,
                                                    SurveyAnswer.value == 5).limit(40)):
        answer.value = 1


def _owner_name(s: Session, strategy: Strategy) -> None:
    owner_id = s.exec(select(Objective.owner_user_id).where(Objective.strategy_id == strategy.id,
                                                            Objective.owner_user_id.is_not(None))).first()  # type: ignore[union-attr]
    user = s.get(User, owner_id)
    assert user is not None
    user.name = "Renamed Person"


def _evidence_applied(s: Session, strategy: Strategy) -> None:
    from planner.services import evidence
    from planner.services.scenarios import scenarios_of

    evidence.apply_rates(session=s, strategy=strategy, scenario=scenarios_of(s, strategy)[0], actor=None, commit=False)


def _board_term(s: Session, strategy: Strategy) -> None:
    seat = _first(s, BoardSeat, strategy_id=strategy.id, label="Chair")
    # The chair's term 2 of 2 becomes term 1 (reappointment possible in 2027), and back again.
    seat.term_number = 3 - seat.term_number  # type: ignore[attr-defined]


def _new_vision(s: Session, strategy: Strategy) -> None:
    strategy.vision = "Every leader, every team, compassionate and inclusive"


def _area_name(s: Session, strategy: Strategy) -> None:
    from planner.models import Area

    area = _first(s, Area, strategy_id=strategy.id)
    area.name = "Renamed directorate"  # type: ignore[attr-defined]


def _scenario_name(s: Session, strategy: Strategy) -> None:
    from planner.services.scenarios import scenarios_of

    scenario = scenarios_of(s, strategy)[0]
    scenario.name = "Steady growth" if scenario.name != "Steady growth" else "Faster growth"


def _objective_title(s: Session, strategy: Strategy) -> None:
    objective = _first(s, Objective, strategy_id=strategy.id, level="strategic")
    objective.title = "Grow our own leaders, at every level"  # type: ignore[attr-defined]


def _comment_answered(s: Session, strategy: Strategy) -> None:
    comment = s.exec(select(Comment).where(Comment.organisation_id == strategy.organisation_id,
                                           Comment.hidden == False, col(Comment.changed_strategy).is_(None))  # noqa: E712
                     .order_by(Comment.id)).first()
    assert comment is not None
    comment.response = "Thank you: the strategy already says so."
    comment.changed_strategy = False


# (what is written, where it belongs, a page that shows it). The pages that gather every step (home, Compare) keep
# their results step by step (docs/derived-results.md), so a write to each step is checked on them too.
WRITES: list[tuple[str, Callable[[Session, Strategy], None], str]] = [
    ("the strategy's vision", _vision, "/strategies/{id}"),
    ("a scenario's leaver rate", _leaver_rate, "/strategies/{id}/forecast"),
    ("leaders in post in the baseline", _leaders, "/strategies/{id}/forecast"),
    ("measured leaver rates applied to a scenario", _evidence_applied, "/strategies/{id}/forecast"),
    ("a funded establishment", _establishment, "/strategies/{id}/forecast"),
    ("a funded establishment (vacancies)", _establishment, "/strategies/{id}/baseline/establishment"),
    ("a check-in on an objective", _check_in, "/strategies/{id}/objectives"),
    ("a diversity target", _target, "/api/v1/strategies/{id}/diversity"),
    ("a board seat's term", _board_term, "/strategies/{id}/diversity/board"),
    ("a board seat's term, in the API", _board_term, "/api/v1/strategies/{id}/board-terms"),
    ("a competency's name (the organisation's)", _competency_name, "/strategies/{id}/competencies/gaps"),
    ("survey answers (the organisation's)", _survey_answer, "/strategies/{id}/surveys/1"),
    ("a person's name (everyone's)", _owner_name, "/strategies/{id}/objectives?view=table"),
    ("scope: the vision, on Compare", _new_vision, "/strategies/{id}/compare"),
    ("structure: an area's name, on Compare", _area_name, "/strategies/{id}/compare"),
    ("baseline: leaders in post, on the home page", _leaders, "/strategies/{id}"),
    ("baseline: leaders in post, on Compare", _leaders, "/strategies/{id}/compare"),
    ("forecast: a scenario's name, on the home page", _scenario_name, "/strategies/{id}"),
    ("forecast: a scenario's name, on Compare", _scenario_name, "/strategies/{id}/compare"),
    ("diversity: a target, on Compare", _target, "/strategies/{id}/compare"),
    ("objectives: a title, on Compare", _objective_title, "/strategies/{id}/compare"),
    ("consult: a comment answered, on the home page", _comment_answered, "/strategies/{id}"),
]


@pytest.mark.parametrize(("what", "write", "page"), WRITES, ids=[w[0] for w in WRITES])
def test_a_write_changes_the_next_page(demo: Demo, what: str, write: Callable[[Session, Strategy], None],
                                      page: str) -> None:
    path = page.format(id=demo.strategy_id)
    if "/surveys/" in path:
        with Session(engine_for(demo.url)) as session:
            from planner.models import Survey

            survey = session.exec(select(Survey).where(Survey.strategy_id == demo.strategy_id)).first()
            assert survey is not None
            path = f"/strategies/{demo.strategy_id}/surveys/{survey.id}"
    before = _shown(demo.client, path)
    assert _shown(demo.client, path) == before  # served again from what was kept
    with Session(engine_for(demo.url)) as session:
        strategy = session.get(Strategy, demo.strategy_id)
        assert strategy is not None
        write(session, strategy)
        session.add(strategy)
        session.commit()
    assert _shown(demo.client, path) != before, f"{what}: the page did not change"


def test_the_pages_above_are_served_from_kept_results(demo: Demo) -> None:
    """So the test above is about kept results: the home page's are in the shared store after a visit."""
    with Session(engine_for(demo.url)) as session:
        for row in session.exec(select(DerivedResult)):
            session.delete(row)
        session.commit()
    _shown(demo.client, f"/strategies/{demo.strategy_id}")
    with Session(engine_for(demo.url)) as session:
        assert len(session.exec(select(DerivedResult)).all()) >= 3
