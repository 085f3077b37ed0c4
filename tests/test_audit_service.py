"""The audit trail's service: reading it back (filters, order, batches), refusals in a transaction of
their own, an event for every write in the same transaction as the write (a failed write leaves
neither), and no diversity counts or staff rows in any event."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel, delete, func, select

from planner.db import engine_for
from planner.diversity.characteristics import CHARACTERISTICS
from planner.models import Area, AuditEvent, Objective, Organisation, Scenario, Strategy, User
from planner.services import audit, objectives, scenarios, staff_import, structure
from planner.services.diversity import save_shortlisting
from tests import factories

T0 = datetime(2026, 11, 23, 9, 14, tzinfo=UTC)


def fresh(database_url: str) -> Session:
    """A new session on the test database: it sees only what was committed."""
    return Session(engine_for(database_url))


def events_in(database_url: str, organisation: Organisation) -> list[AuditEvent]:
    with fresh(database_url) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.organisation_id == organisation.id)
                                 .order_by(AuditEvent.id)))  # type: ignore[arg-type]


def add_event(db: Session, organisation: Organisation, at: datetime, action: str = "update", entity: str = "area",
              user: User | None = None, entity_id: int | None = 1) -> AuditEvent:
    event = AuditEvent(organisation_id=organisation.id, user_id=user.id if user else None, at=at, action=action,
                       entity=entity, entity_id=entity_id, changes="{}")
    db.add(event)
    db.commit()
    return event


@pytest.fixture
def trail(db: Session, org: Organisation) -> dict[str, Any]:
    """Five events of `org` an hour apart from T0 by two people and the system; one of another organisation."""
    alice = factories.make_member(db, org, email="alice@example.nhs.uk")
    bob = factories.make_member(db, org, role="viewer", email="bob@example.nhs.uk")
    db.exec(delete(AuditEvent))  # the arranging's own events
    db.commit()
    events = [
        add_event(db, org, T0, "create", "area", alice),
        add_event(db, org, T0 + timedelta(hours=1), "update", "area", bob),
        add_event(db, org, T0 + timedelta(hours=2), "create", "scenario", alice),
        add_event(db, org, T0 + timedelta(hours=3), "refused", "strategy", bob),
        add_event(db, org, T0 + timedelta(hours=4), "import", "baseline", None),
    ]
    other = factories.make_org(db, slug="elsewhere")
    add_event(db, other, T0 + timedelta(hours=2), "create", "area", None)
    return {"alice": alice, "bob": bob, "events": events, "other": other}


def ids(rows: list[tuple[AuditEvent, str | None]]) -> list[int | None]:
    return [event.id for event, _email in rows]


# --- reading the trail ---------------------------------------------------------------------------------------


def test_events_come_newest_first_with_the_persons_email_and_only_the_organisations_own(
        db: Session, org: Organisation, trail: dict[str, Any]) -> None:
    rows = audit.events_of(db, org.id)  # type: ignore[arg-type]
    assert ids(rows) == [e.id for e in reversed(trail["events"])]
    assert [email for _e, email in rows] == [None, "bob@example.nhs.uk", "alice@example.nhs.uk",
                                             "bob@example.nhs.uk", "alice@example.nhs.uk"]
    assert audit.count_events(db, org.id) == 5  # type: ignore[arg-type]


@pytest.mark.parametrize(("filters", "expected"), [
    ({"since": T0 + timedelta(hours=2)}, [4, 3, 2]),  # at or after
    ({"until": T0 + timedelta(hours=2)}, [1, 0]),  # before
    ({"since": T0 + timedelta(hours=1), "until": T0 + timedelta(hours=3)}, [2, 1]),
    # A moment given in another zone (13:14 in UTC+1 is 12:14 UTC), and one given naive (taken as UTC).
    ({"since": datetime(2026, 11, 23, 13, 14, tzinfo=timezone(timedelta(hours=1)))}, [4, 3]),
    ({"since": datetime(2026, 11, 23, 11, 14)}, [4, 3, 2]),
    ({"action": "create"}, [2, 0]),
    ({"entity": "area"}, [1, 0]),
    ({"action": "create", "entity": "scenario"}, [2]),
    ({"action": "delete"}, []),
    ({"limit": 2}, [4, 3]),
    ({"limit": 2, "offset": 2}, [2, 1]),
    ({"offset": 4}, [0]),
])
def test_events_of_filters(db: Session, org: Organisation, trail: dict[str, Any], filters: dict[str, Any],
                           expected: list[int]) -> None:
    events = trail["events"]
    assert ids(audit.events_of(db, org.id, **filters)) == [events[i].id for i in expected]  # type: ignore[arg-type]
    counted = {k: v for k, v in filters.items() if k not in ("limit", "offset")}
    if counted == filters:
        assert audit.count_events(db, org.id, **counted) == len(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(("person", "expected"), [("alice", [2, 0]), ("bob", [3, 1])])
def test_events_of_one_person(db: Session, org: Organisation, trail: dict[str, Any], person: str,
                              expected: list[int]) -> None:
    rows = audit.events_of(db, org.id, user_id=trail[person].id)  # type: ignore[arg-type]
    assert ids(rows) == [trail["events"][i].id for i in expected]


def test_filter_choices_are_the_organisations_own(db: Session, org: Organisation, trail: dict[str, Any]) -> None:
    assert audit.actions_of(db, org.id) == ["create", "import", "refused", "update"]  # type: ignore[arg-type]
    assert audit.entities_of(db, org.id) == ["area", "baseline", "scenario", "strategy"]  # type: ignore[arg-type]
    assert audit.people_of(db, org.id) == [(trail["alice"].id, "alice@example.nhs.uk"),  # type: ignore[arg-type]
                                           (trail["bob"].id, "bob@example.nhs.uk")]


@pytest.mark.parametrize("batch", [1, 2, 3, 5, 1000])
def test_iter_events_reads_in_batches_to_the_same_answer(db: Session, org: Organisation, trail: dict[str, Any],
                                                         batch: int) -> None:
    # Two more events at one moment: the batches must neither repeat nor skip either of them.
    add_event(db, org, T0 + timedelta(hours=1), "update", "level", trail["alice"])
    add_event(db, org, T0 + timedelta(hours=1), "update", "level", trail["alice"])
    everything = audit.events_of(db, org.id)  # type: ignore[arg-type]
    assert len(everything) == 7
    assert ids(list(audit.iter_events(db, org.id, batch=batch))) == ids(everything)  # type: ignore[arg-type]
    assert ids(list(audit.iter_events(db, org.id, entity="level", batch=batch))) == ids(  # type: ignore[arg-type]
        audit.events_of(db, org.id, entity="level"))  # type: ignore[arg-type]


# --- refusals ------------------------------------------------------------------------------------------------


def test_a_refusal_is_stored_in_a_transaction_of_its_own(db: Session, database_url: str, org: Organisation,
                                                         strategy: Strategy) -> None:
    user = factories.make_member(db, org, role="viewer")
    # The request's own session has a change pending that is never committed.
    db.add(Area(organisation_id=org.id, strategy_id=strategy.id, code="NEVER", name="Never stored"))  # type: ignore[arg-type]
    audit.record_refusal(engine_for(database_url), organisation_id=org.id, user_id=user.id,  # type: ignore[arg-type]
                         path="/strategies/99", method="GET", reason=audit.OTHER_ORGANISATION, entity="strategy",
                         entity_id=99)
    db.rollback()
    refused = [e for e in events_in(database_url, org) if e.action == "refused"]
    assert len(refused) == 1
    assert (refused[0].user_id, refused[0].entity, refused[0].entity_id) == (user.id, "strategy", 99)
    assert json.loads(refused[0].changes) == {"path": "/strategies/99", "method": "GET",
                                              "reason": "another organisation's record"}
    with fresh(database_url) as session:
        assert session.exec(select(Area).where(Area.code == "NEVER")).first() is None


def test_a_refusal_that_cannot_be_stored_is_logged_not_raised(database_url: str, org: Organisation,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    # No such person: the foreign key refuses the event.
    audit.record_refusal(engine_for(database_url), organisation_id=org.id, user_id=987654,  # type: ignore[arg-type]
                         path="/admin/audit", method="GET", reason=audit.missing_permission("audit.view"))
    assert "Could not record a refused request to /admin/audit" in caplog.text
    assert [e for e in events_in(database_url, org) if e.action == "refused"] == []


# --- an event for every write, in the same transaction -------------------------------------------------------


def _add_area(session: Session, strategy: Strategy, actor: User) -> SQLModel:
    return structure.add_area(session=session, strategy=strategy, code="NEW", name="New area", parent_id=None,
                              actor=actor)


def _create_scenario(session: Session, strategy: Strategy, actor: User) -> SQLModel:
    return scenarios.create_scenario(session=session, strategy=strategy, name="Faster growth", actor=actor)


def _save_objective(session: Session, strategy: Strategy, actor: User) -> SQLModel:
    return objectives.save_objective(session=session, strategy=strategy, actor=actor, values={
        "ref": "S9", "title": "Grow our own senior leaders", "level": "strategic", "measure_kind": "none"})


# (service call, its model, the module whose `record` it calls, entity, the changes expected (a subset)).
WRITES: list[tuple[Callable[[Session, Strategy, User], SQLModel], type[SQLModel], Any, str, dict[str, Any]]] = [
    (_add_area, Area, structure, "area", {"code": "NEW", "name": "New area", "parent_id": None}),
    (_create_scenario, Scenario, scenarios, "scenario", {"name": "Faster growth"}),
    (_save_objective, Objective, objectives, "objective",
     {"ref": [None, "S9"], "title": [None, "Grow our own senior leaders"], "level": [None, "strategic"]}),
]
WRITE_IDS = ["add_area", "create_scenario", "save_objective"]


def _count(database_url: str, model: type[SQLModel]) -> int:
    with fresh(database_url) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


@pytest.mark.parametrize(("write", "model", "module", "entity", "changes"), WRITES, ids=WRITE_IDS)
def test_a_write_leaves_exactly_one_event_describing_it(db: Session, database_url: str, org: Organisation,
                                                        strategy: Strategy, write: Any, model: type[SQLModel],
                                                        module: Any, entity: str, changes: dict[str, Any]) -> None:
    actor = factories.make_member(db, org, role="editor")
    before = {e.id for e in events_in(database_url, org)}
    row = write(db, strategy, actor)
    new = [e for e in events_in(database_url, org) if e.id not in before]
    assert len(new) == 1
    event = new[0]
    assert (event.action, event.entity, event.entity_id, event.user_id) == ("create", entity, row.id, actor.id)
    stored = json.loads(event.changes)
    assert {k: stored.get(k) for k in changes} == changes
    assert event.at.replace(tzinfo=UTC) > datetime.now(UTC) - timedelta(minutes=5)


@pytest.mark.parametrize(("write", "model", "module", "entity", "changes"), WRITES, ids=WRITE_IDS)
def test_a_failed_commit_stores_neither_the_change_nor_its_event(
        db: Session, database_url: str, org: Organisation, strategy: Strategy, monkeypatch: pytest.MonkeyPatch,
        write: Any, model: type[SQLModel], module: Any, entity: str, changes: dict[str, Any]) -> None:
    actor = factories.make_member(db, org, role="editor")
    rows, events = _count(database_url, model), _count(database_url, AuditEvent)

    def commit_that_fails() -> None:
        db.flush()  # everything reaches the database inside the transaction, then the commit fails
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(db, "commit", commit_that_fails)
    with pytest.raises(OperationalError):
        write(db, strategy, actor)
    db.rollback()
    assert (_count(database_url, model), _count(database_url, AuditEvent)) == (rows, events)


@pytest.mark.parametrize(("write", "model", "module", "entity", "changes"), WRITES, ids=WRITE_IDS)
def test_an_event_that_cannot_be_written_takes_its_change_with_it(
        db: Session, database_url: str, org: Organisation, strategy: Strategy, monkeypatch: pytest.MonkeyPatch,
        write: Any, model: type[SQLModel], module: Any, entity: str, changes: dict[str, Any]) -> None:
    actor = factories.make_member(db, org, role="editor")
    rows, events = _count(database_url, model), _count(database_url, AuditEvent)

    def record_of_nobody(session: Session, **kwargs: Any) -> None:
        audit.record(session, **{**kwargs, "user_id": 987654})  # no such person: a foreign-key clash at flush

    monkeypatch.setattr(module, "record", record_of_nobody)
    with pytest.raises(IntegrityError):
        write(db, strategy, actor)
    db.rollback()
    assert (_count(database_url, model), _count(database_url, AuditEvent)) == (rows, events)


# --- no diversity counts or staff rows -----------------------------------------------------------------------

STAFF_HEADER = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability", "Age"]
STAFF_ROWS = [
    ["800101", "MED", "Band 5", "N", "1.0", "A White - British", "Female", "No", "30"],
    ["800102", "MED", "Band 7", "Y", "0.8", "H Indian", "Male", "Yes", "45"],
    ["800103", "SURG", "Band 8a", "Y", "1.0", "M Black Caribbean", "Female", "Not Declared", "52"],
    ["800104", "SURG", "Band 3", "N", "0.5", "Z", "Male", "No", "22"],
]
GROUP_KEYS = {g.key for c in CHARACTERISTICS for g in c.groups}
CHARACTERISTIC_KEYS = {c.key for c in CHARACTERISTICS}


def _strings_and_numbers(value: Any) -> Any:
    """Every key, string and number anywhere in a decoded JSON value."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _strings_and_numbers(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings_and_numbers(inner)
    else:
        yield value


def _assert_no_diversity_or_staff_rows(events: list[AuditEvent]) -> None:
    for event in events:
        words = {str(w).lower() for w in _strings_and_numbers(json.loads(event.changes))}
        assert not words & (GROUP_KEYS | CHARACTERISTIC_KEYS), event.changes  # no group, so no group's count
        for row in STAFF_ROWS:  # nothing of any row: assignment number, band, ethnic origin, sex, age
            assert not {row[0], row[2].lower(), row[5].lower(), row[6].lower(), row[8]} & words, event.changes
        assert not re.search(r"8001\d\d|Indian|Caribbean|Band", event.changes), event.changes


def test_a_staff_import_records_totals_only(db: Session, database_url: str, org: Organisation,
                                            strategy: Strategy) -> None:
    import csv
    import io

    factories.make_area(db, strategy, "MED", "Medicine")
    factories.make_area(db, strategy, "SURG", "Surgery")
    planner_user = factories.make_member(db, org, role="planner")
    out = io.StringIO()
    csv.writer(out).writerows([STAFF_HEADER, *STAFF_ROWS])
    before = {e.id for e in events_in(database_url, org)}
    result = staff_import.read(db, strategy, out.getvalue().encode(), "staff.csv")
    assert sum(result.diversity.values()) > 0  # the extract did carry diversity data
    pending = staff_import.hold(session=db, strategy=strategy, result=result, filename="staff.csv",
                                actor=planner_user)
    staff_import.apply(session=db, strategy=strategy, pending=pending, actor=planner_user)
    new = [e for e in events_in(database_url, org) if e.id not in before]
    assert [(e.action, e.entity) for e in new] == [("import", "baseline")]
    assert json.loads(new[0].changes) == {"file": "staff.csv", "rows_read": 4, "rows_skipped": 0, "areas": 2}
    _assert_no_diversity_or_staff_rows(new)


def test_shortlisting_records_which_groups_not_their_counts(db: Session, database_url: str, org: Organisation,
                                                           strategy: Strategy) -> None:
    actor = factories.make_member(db, org, role="planner")
    before = {e.id for e in events_in(database_url, org)}
    save_shortlisting(session=db, strategy=strategy, characteristic_key="ethnicity",
                      figures={"bme": (17, 3), "white": (41, 9)}, actor=actor)
    new = [e for e in events_in(database_url, org) if e.id not in before]
    assert len(new) == 1
    stored = json.loads(new[0].changes)
    assert stored == {"characteristic": "ethnicity", "groups": ["bme", "white"]}
    assert not {17, 3, 41, 9} & set(_strings_and_numbers(stored))
