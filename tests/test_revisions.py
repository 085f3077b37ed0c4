"""Revisions move on every write, and derived results are kept under them: a result is worked out once
per change, and a stale one is never served (planner.revisions, planner.services.derived)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm.exc import UnmappedInstanceError
from sqlmodel import Session, SQLModel, select

from planner import revisions
from planner.db import engine_for, upgrade
from planner.models import (
    AuditEvent,
    DerivedResult,
    Objective,
    Organisation,
    Scenario,
    ScenarioLevel,
    Strategy,
    User,
)
from planner.services import derived, forecasting
from tests import factories

SECRET = "a-secret-key-for-signing-results"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, Strategy, Organisation]]:
    with factories.demo_database(tmp_path_factory.mktemp("revisions")) as found:
        yield found


class _Scopes(dict[str, int]):
    """Revisions read, 0 for a scope never moved."""

    def __missing__(self, key: str) -> int:
        return 0


def _scopes(session: Session, strategy: Strategy) -> dict[str, int]:
    session.info.pop(revisions.SEEN, None)
    return _Scopes(revisions.read(session, [revisions.strategy_scope(strategy.id),  # type: ignore[arg-type]
                                            revisions.organisation_scope(strategy.organisation_id)]))


def _changed_value(column: Any, value: Any) -> Any:
    kind = column.type.python_type
    if kind is bool:
        return not value
    if kind is int:
        return (value or 0) + 1
    if kind is float:
        return (value or 0.0) + 0.5
    if kind is str:
        length = getattr(column.type, "length", None) or 200
        return ("changed " + (value or ""))[:length] if value != "changed" else "other"
    if kind is dt.date:
        return (value or dt.date(2026, 1, 1)) - dt.timedelta(days=1)
    raise TypeError(kind)


def _editable_column(model: type[SQLModel]) -> Any | None:
    table = model.__table__  # type: ignore[attr-defined]
    for column in table.columns:
        if column.primary_key or column.foreign_keys or column.name in {"version", "created_at", "updated_at"}:
            continue
        if column.unique or any(column.name in c.columns for c in table.constraints if hasattr(c, "columns")
                                and len(c.columns) > 1):
            continue
        try:
            kind = column.type.python_type
        except NotImplementedError:
            continue
        if kind in (bool, int, float, str, dt.date):
            return column
    return None


def test_a_change_to_any_record_moves_the_revision_of_what_it_belongs_to(demo) -> None:  # type: ignore[no-untyped-def]
    session, strategy, organisation = demo
    covered = []
    from sqlmodel.main import default_registry

    for mapper in default_registry.mappers:
        model = mapper.class_
        table = getattr(model, "__table__", None)
        if table is None or table.name in revisions.IGNORED_TABLES | {"strategyversion"}:  # versions are frozen
            continue
        row = session.exec(select(model).limit(1)).first()
        column = _editable_column(model)
        if row is None or column is None:
            continue
        key = mapper.get_property_by_column(column).key
        if isinstance(row, User) and key in {"last_login_at", "session_version", "password_hash"}:
            continue
        before = _scopes(session, strategy)
        setattr(row, key, _changed_value(column, getattr(row, key)))
        session.flush()
        after = _scopes(session, strategy)
        if isinstance(row, Strategy) or getattr(row, "strategy_id", None) == strategy.id:
            expected = revisions.scope(revisions.strategy_scope(strategy.id), table.name)  # type: ignore[arg-type]
        elif getattr(row, "strategy_id", None) is None and (isinstance(row, Organisation)
                                                            or getattr(row, "organisation_id", None)):
            expected = revisions.scope(revisions.organisation_scope(organisation.id), table.name)  # type: ignore[arg-type]
        else:
            expected = revisions.ALL
        assert after[expected] == before[expected] + 1, f"{table.name}.{key} did not move {expected}"
        # Only its own group moves (everything, for a change that cannot be placed): results of other steps stay kept.
        moved = {scope for scope in after if after[scope] != before[scope]}
        assert moved == {expected}, f"{table.name}.{key} moved {moved}"
        session.rollback()
        covered.append(table.name)
    # The demo has rows in most tables: every one of those is checked.
    assert len(covered) >= 33, covered
    assert {"strategy", "area", "level", "areabaseline", "leadercount", "scenario", "scenariolevel",
            "diversitycount", "diversitytarget", "assessedcount", "objective", "checkin", "surveyanswer",
            "comment", "boardcover"} <= set(covered)


def test_a_new_record_and_a_deleted_one_move_it_too(demo) -> None:  # type: ignore[no-untyped-def]
    session, strategy, _organisation = demo
    before = _scopes(session, strategy)
    objective = Objective(organisation_id=strategy.organisation_id, strategy_id=strategy.id, ref="X9",  # type: ignore[arg-type]
                          title="A new one", level="team")
    session.add(objective)
    session.flush()
    middle = _scopes(session, strategy)
    session.delete(objective)
    session.flush()
    after = _scopes(session, strategy)
    scope = revisions.strategy_scope(strategy.id) + ":objectives"  # type: ignore[operator]
    assert before[scope] < middle[scope] < after[scope]
    session.rollback()


def test_a_bulk_update_moves_everything_and_bookkeeping_moves_nothing(demo) -> None:  # type: ignore[no-untyped-def]
    session, strategy, _organisation = demo
    before = _scopes(session, strategy)
    session.execute(update(Objective).where(Objective.strategy_id == strategy.id).values(weight=2))  # type: ignore[arg-type]
    assert _scopes(session, strategy)[revisions.ALL] == before[revisions.ALL] + 1
    session.rollback()
    before = _scopes(session, strategy)
    session.add(AuditEvent(organisation_id=strategy.organisation_id, action="read", entity="strategy"))
    user = session.exec(select(User)).first()
    assert user is not None
    user.last_login_at = dt.datetime.now(dt.UTC)
    session.flush()
    assert _scopes(session, strategy) == before
    session.rollback()


def test_a_counter_claimed_on_a_strategy_moves_only_that_strategy(demo) -> None:  # type: ignore[no-untyped-def]
    from planner.services.editing import claim_counter

    session, strategy, _organisation = demo
    before = _scopes(session, strategy)
    claim_counter(session, Strategy, strategy.id, "baseline_version", None)  # type: ignore[arg-type]
    after = _scopes(session, strategy)
    scope = revisions.strategy_scope(strategy.id) + ":baseline"  # type: ignore[operator]
    # The baseline grid's counter goes with the baseline's rows: the strategy's own row and other steps stay put.
    assert {name for name in after if after[name] != before[name]} == {scope}
    session.rollback()


def test_a_rolled_back_write_leaves_the_revisions_as_they_were(demo) -> None:  # type: ignore[no-untyped-def]
    session, strategy, _organisation = demo
    before = _scopes(session, strategy)
    strategy.vision = "Changed and then not"
    session.flush()
    session.rollback()
    assert _scopes(session, strategy) == before


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[str, derived.DatabaseStore]]:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    upgrade(url)
    with Session(engine_for(url)) as session:
        org = factories.make_org(session)
        factories.make_strategy(session, org)
        session.commit()
    yield url, derived.DatabaseStore(engine_for(url))


def _session(url: str, store: derived.Store) -> Session:
    session = Session(engine_for(url), expire_on_commit=False)
    derived.attach(session, store, SECRET)
    return session


def _counted(calls: list[int]) -> Any:
    def compute() -> dict[str, int]:
        calls.append(1)
        return {"answer": len(calls)}
    return compute


def test_a_result_is_worked_out_once_per_revision_across_sessions(shared) -> None:  # type: ignore[no-untyped-def]
    url, store = shared
    calls: list[int] = []
    with _session(url, store) as first, _session(url, store) as second:
        strategy = first.exec(select(Strategy)).one()
        ask = {"strategy_id": strategy.id, "organisation_id": strategy.organisation_id, "kind": "test", "parts": ()}
        assert derived.remember(first, **ask, compute=_counted(calls)) == {"answer": 1}
        assert derived.remember(first, **ask, compute=_counted(calls)) == {"answer": 1}  # this transaction's memory
        derived.keep(first)  # as a request ends
        assert derived.remember(second, **ask, compute=_counted(calls)) == {"answer": 1}  # the shared store
        assert len(calls) == 1
        strategy.vision = "A new vision"
        first.add(strategy)
        first.commit()
        second.rollback()  # a new transaction sees the new revision
        assert derived.remember(second, **ask, compute=_counted(calls)) == {"answer": 2}
        assert len(calls) == 2


def test_a_transaction_that_has_written_shares_nothing(shared) -> None:  # type: ignore[no-untyped-def]
    url, store = shared
    calls: list[int] = []
    with _session(url, store) as writer, _session(url, store) as reader:
        strategy = writer.exec(select(Strategy)).one()
        ask = {"strategy_id": strategy.id, "organisation_id": strategy.organisation_id, "kind": "test", "parts": ()}
        strategy.vision = "Not kept"
        writer.add(strategy)
        writer.flush()
        derived.remember(writer, **ask, compute=_counted(calls))
        derived.keep(writer)
        writer.rollback()  # the revision it worked at will be used again for other data
        derived.remember(reader, **ask, compute=_counted(calls))
        derived.keep(reader)
        assert len(calls) == 2
        assert reader.exec(select(DerivedResult)).all() != []  # the reader's result is shared


def test_what_a_rolled_back_transaction_worked_out_is_forgotten(shared) -> None:  # type: ignore[no-untyped-def]
    url, store = shared
    with _session(url, store) as session:
        strategy = session.exec(select(Strategy)).one()
        ask = {"strategy_id": strategy.id, "organisation_id": strategy.organisation_id, "kind": "test", "parts": ()}
        strategy.vision = "First try"
        session.add(strategy)
        assert derived.remember(session, **ask, compute=lambda: strategy.vision) == "First try"
        session.rollback()
        strategy.vision = "Second try"  # the same revision number is taken again by other data
        session.add(strategy)
        assert derived.remember(session, **ask, compute=lambda: strategy.vision) == "Second try"
        session.rollback()


def test_a_shared_record_reads_back_with_its_values_and_no_session_takes_it(shared) -> None:  # type: ignore[no-untyped-def]
    """Records in a kept result are stored as their values: read back, they say what they said, and no
    session takes them (never mistaken for a new record to insert)."""
    url, store = shared
    with _session(url, store) as session:
        strategy = session.exec(select(Strategy)).one()
        ask = {"strategy_id": strategy.id, "organisation_id": strategy.organisation_id, "kind": "test", "parts": ()}
        derived.remember(session, **ask, compute=lambda: {"strategies": [strategy]})
        derived.keep(session)
        title, start_year, strategy_id = strategy.title, strategy.start_year, strategy.id
    with _session(url, store) as session:
        kept = derived.remember(session, **ask, compute=lambda: pytest.fail("worked out again"))["strategies"][0]
        assert isinstance(kept, Strategy)
        assert (kept.title, kept.start_year, kept.id) == (title, start_year, strategy_id)
        with pytest.raises(UnmappedInstanceError):
            session.add(kept)


def test_a_result_not_signed_with_the_key_is_never_opened(shared) -> None:  # type: ignore[no-untyped-def]
    url, store = shared
    calls: list[int] = []
    with _session(url, store) as session:
        strategy = session.exec(select(Strategy)).one()
        ask = {"strategy_id": strategy.id, "organisation_id": strategy.organisation_id, "kind": "test", "parts": ()}
        derived.remember(session, **ask, compute=_counted(calls))
        derived.keep(session)
    with Session(engine_for(url)) as session:
        for row in session.exec(select(DerivedResult)):
            row.value = b"\x00" * 32 + row.value[32:]  # a forged signature over the same pickle
            session.add(row)
        session.commit()
    with _session(url, store) as session:
        assert derived.remember(session, **ask, compute=_counted(calls)) == {"answer": 2}
    with Session(engine_for(url), expire_on_commit=False) as session:
        derived.attach(session, store, "another-secret")
        assert derived.remember(session, **ask, compute=_counted(calls)) == {"answer": 3}


def test_the_forecast_is_shared_and_follows_a_change_of_assumptions(demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    session, strategy, _organisation = demo
    store = derived.DatabaseStore(session.get_bind())  # type: ignore[arg-type]
    derived.attach(session, store, SECRET)
    scenario = session.exec(select(Scenario).where(Scenario.strategy_id == strategy.id)).first()
    assert scenario is not None
    worked = []
    real = forecasting.forecast
    monkeypatch.setattr(forecasting, "forecast", lambda spec: worked.append(1) or real(spec))
    session.commit()
    first = forecasting.run(session, strategy, scenario, with_bands=False)
    derived.keep(session)
    session.commit()
    session.info[derived.MEMO].clear()  # a new request: the shared store serves it
    again = forecasting.run(session, strategy, scenario, with_bands=False)
    assert again.result == first.result and len(worked) == 1
    scenario_level = session.exec(select(ScenarioLevel).where(ScenarioLevel.scenario_id == scenario.id)).first()
    assert scenario_level is not None
    scenario_level.leaver_rate = min(0.5, scenario_level.leaver_rate + 0.05)
    session.add(scenario_level)
    session.commit()
    session.info[derived.MEMO].clear()  # a new request: only the shared store remembers
    changed = forecasting.run(session, strategy, scenario, with_bands=False)
    assert len(worked) == 2 and changed.result != first.result
    session.info.pop(derived.STORE, None)
    session.info.pop(derived.MEMO, None)


def test_the_guard_finds_a_read_a_result_does_not_name(shared) -> None:  # type: ignore[no-untyped-def]
    """derived.watching: a table SELECTed, a record in hand read again, and what an inner result reads all
    count against the groups the result names; a result naming them all passes."""
    from planner.models import LeaderCount

    url, store = shared
    with _session(url, store) as session, derived.watching() as watch:
        strategy = session.exec(select(Strategy)).one()
        ask = {"strategy_id": strategy.id, "organisation_id": strategy.organisation_id, "parts": ()}
        derived.remember(session, **ask, kind="selects", reads=("structure",),
                         compute=lambda: session.exec(select(LeaderCount)).all())
        derived.remember(session, **ask, kind="in hand", reads=("structure",), compute=lambda: strategy.horizon)
        derived.remember(session, **ask, kind="words", reads=("strategy",), compute=lambda: {"v": strategy.vision})
        derived.remember(session, **ask, kind="outer", reads=("structure",), compute=lambda: derived.remember(
            session, **ask, kind="inner", reads=("baseline",), compute=lambda: session.exec(select(LeaderCount)).all()))
        derived.remember(session, **ask, kind="named", reads=("baseline", "strategy"),
                         compute=lambda: (strategy.horizon, session.exec(select(LeaderCount)).all()))
    assert watch.missed == {"selects": {"baseline"}, "in hand": {"strategy"}, "words": {"scope"},
                            "outer": {"baseline"}}


def test_a_write_to_one_step_leaves_the_results_of_other_steps_kept(shared) -> None:  # type: ignore[no-untyped-def]
    url, store = shared
    calls: list[int] = []
    with _session(url, store) as first, _session(url, store) as second:
        strategy = first.exec(select(Strategy)).one()
        ask = {"strategy_id": strategy.id, "organisation_id": strategy.organisation_id, "kind": "test", "parts": (),
               "reads": ("forecast",)}
        derived.remember(first, **ask, compute=_counted(calls))
        derived.keep(first)
        first.add(Objective(organisation_id=strategy.organisation_id, strategy_id=strategy.id, ref="S9",
                            title="Another step's row", level="strategic"))
        first.commit()
        assert derived.remember(second, **ask, compute=_counted(calls)) == {"answer": 1}  # kept: not its step
        first.add(Scenario(organisation_id=strategy.organisation_id, strategy_id=strategy.id, name="Its step's row"))
        first.commit()
        second.rollback()
        assert derived.remember(second, **ask, compute=_counted(calls)) == {"answer": 2}  # its step moved


def test_every_result_on_the_demos_pages_names_what_it_reads(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """The guard over every page of the demo's strategy: a result that reads a group of tables it does not
    name would be served stale after a write to that group."""
    from planner import create_app

    folder = tmp_path_factory.mktemp("guard")
    with factories.demo_database(folder) as (session, strategy, organisation):
        admin = factories.make_member(session, organisation, role="admin")
        strategy_id = strategy.id
    app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                      "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}", "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": factories.FAST_HASH})
    client = app.test_client()
    client.post("/login", data={"email": admin.email, "password": factories.PASSWORD})
    pages = sorted(rule.rule.replace("<int:strategy_id>", str(strategy_id)) for rule in app.url_map.iter_rules()
                   if "GET" in (rule.methods or ()) and set(rule.arguments) == {"strategy_id"}
                   and not rule.endpoint.startswith(("charts.", "jobs.")))
    with derived.watching() as watch:
        answered = [page for page in pages if client.get(page).status_code == 200]
    assert len(answered) >= 40
    assert {"forecast", "lacking: objectives", "reading: forecast", "gaps to own: shortfalls", "pack: objectives",
            "diversity report", "cascade", "survey results"} <= watch.worked
    assert watch.missed == {}


def test_a_commit_tells_the_hooks_which_owners_it_moved_and_a_rollback_tells_nothing(shared) -> None:  # type: ignore[no-untyped-def]
    """planner.queue has the worker work the results out after each write (planner.services.warm) from this."""
    url, store = shared
    told: list[frozenset[str]] = []

    def tell(_session: Any, owners: frozenset[str]) -> None:
        told.append(owners)

    revisions.on_commit(tell)
    try:
        with _session(url, store) as session:
            strategy = session.exec(select(Strategy)).one()
            strategy.vision = "Told"
            session.add(strategy)
            session.commit()
            strategy.vision = "Not told"
            session.add(strategy)
            session.flush()
            session.rollback()
            session.exec(select(Strategy)).one()
            session.commit()  # nothing moved: nothing told
    finally:
        revisions.off_commit(tell)
    assert told == [frozenset({revisions.strategy_scope(strategy.id)})]  # type: ignore[arg-type]


def test_the_warm_up_works_out_the_strategies_a_write_moved(demo) -> None:  # type: ignore[no-untyped-def]
    from planner.services import warm

    session, strategy, organisation = demo
    by_org = warm.strategies_moved(session, frozenset({revisions.organisation_scope(organisation.id)}))
    assert strategy.id in [s.id for s in by_org]
    assert [s.id for s in warm.strategies_moved(session, frozenset({revisions.strategy_scope(strategy.id)}))] \
        == [strategy.id]
    assert warm.strategies_moved(session, frozenset({revisions.ALL})) == []


def test_with_a_worker_a_write_queues_the_warm_up_and_the_worker_keeps_the_results(demo, shared, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from planner import create_app
    from planner.queue import WARM_HOOK, queue_of

    session, strategy, _organisation = demo
    session.rollback()
    url = session.get_bind().url.render_as_string(hide_password=False)
    app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": SECRET, "DATABASE_URL": url,
                      "TASKS_IMMEDIATE": False, "TASKS_DATABASE": str(tmp_path / "tasks.db")})
    huey = queue_of(app).huey
    try:
        with Session(engine_for(url)) as writer:
            for row in writer.exec(select(DerivedResult)):
                writer.delete(row)
            found = writer.get(Strategy, strategy.id)
            assert found is not None
            found.mission = "Queued for the worker"
            writer.add(found)
            writer.commit()
        assert huey.pending_count() == 1
        other_url, _store = shared
        with Session(engine_for(other_url)) as other:  # another database's write: not this app's to warm
            elsewhere = other.exec(select(Strategy)).one()
            elsewhere.vision = "Another database"
            other.add(elsewhere)
            other.commit()
        assert huey.pending_count() == 1
        task = huey.dequeue()
        assert task is not None
        huey.execute(task)  # as the worker would
        with Session(engine_for(url)) as reader:
            assert len(reader.exec(select(DerivedResult)).all()) >= 20  # the pages' parts, kept
    finally:
        revisions.off_commit(app.extensions[WARM_HOOK])


def test_every_table_a_result_may_read_belongs_to_a_group() -> None:
    """A table missing from GROUPS moves every revision of every organisation on each write (`all`), which
    throws away every kept result; only a person (whose name belongs to no one organisation) may do that."""
    missing = set(SQLModel.metadata.tables) - set(revisions.GROUPS) - revisions.IGNORED_TABLES - {"user"}
    assert not missing, f"tables without a revision group: {sorted(missing)}"
