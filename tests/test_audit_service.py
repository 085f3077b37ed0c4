"""The audit trail's service: reading it back (filters, order, batches), refusals in a transaction of
their own, an event for every write in the same transaction as the write (a failed write leaves
neither), and no diversity counts or staff rows in any event."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel, delete, func, select

from planner import services
from planner.competencies.frameworks import default_frameworks
from planner.db import engine_for
from planner.diversity.board_terms import Seat as BoardTermsSeat
from planner.diversity.characteristics import CHARACTERISTICS
from planner.evidence import LeaverGroup, Period
from planner.imports import ImportResult, LeaversResult
from planner.imports.establishment import EstablishmentResult
from planner.imports.objectives import write_objectives_csv
from planner.imports.succession import RegisterRow
from planner.models import (
    ApiToken,
    Area,
    AreaBaseline,
    AssessedCount,
    AuditEvent,
    BandAssignment,
    Benchmark,
    BoardCover,
    BoardDecision,
    BoardSeat,
    CheckIn,
    Comment,
    Competency,
    Consultation,
    DiversityTarget,
    EngagementEvent,
    Establishment,
    EvidenceExtract,
    GroupLabel,
    Intervention,
    InterventionTarget,
    Job,
    Level,
    Membership,
    Objective,
    Organisation,
    RequiredStep,
    Scenario,
    ScenarioArea,
    ScenarioAreaLevel,
    ScenarioLevel,
    ShortlistingFigure,
    StaffImport,
    Strategy,
    StrategyVersion,
    SuccessionEntry,
    SuccessionPoolCount,
    Survey,
    SurveyCode,
    SurveyGroup,
    SurveyResponse,
    User,
)
from planner.reference import default_levels
from planner.services import (
    accounts,
    audit,
    baseline,
    board_cover,
    board_terms,
    competencies,
    consultation,
    diversity,
    establishment,
    evidence,
    jobs,
    objectives,
    passwords,
    recorded,
    scenarios,
    staff_import,
    strategies,
    structure,
    succession,
    survey_codes,
    surveys,
    versions,
)
from planner.services.diversity import save_shortlisting
from planner.survey.scoring import Response
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
#
# Every public function of planner/services that adds, changes or deletes stored rows, and where it is tested
# (test_every_writing_service_function_is_accounted_for reads the services and keeps this list honest):
#
#   accounts      create_organisation, add_member, change_role, remove_member, create_token, revoke_token,
#                 update_settings (the suppression threshold and the RAG thresholds, from the settings page)
#   passwords     change_own_password, reset_password (an administrator's), set_password (the command line's)
#   strategies    create_strategy, update_scope
#   structure     add_area, update_area, delete_area, add_level, update_level, move_level, delete_level,
#                 set_band_map
#   baseline      save_baseline
#   scenarios     create_scenario, copy_scenario, rename_scenario, delete_scenario, save_level_assumptions,
#                 save_area_assumptions, save_uncertainty, scenario_from_data
#   staff_import  hold, apply, discard
#   jobs          start (its progress and outcome are the worker's bookkeeping: NO_EVENT)
#   diversity     save_group_labels, save_benchmarks, save_shortlisting, save_target (add and change),
#                 delete_target
#   competencies  ensure_frameworks, ensure_required (the shipped defaults, copied on first use: by no one),
#                 save_required, replace_assessed, save_intervention (add and change), delete_intervention,
#                 add_competency, update_competency
#   surveys       set_groups, create_survey, set_status, import_responses
#   objectives    save_objective (add and change), add_check_in, delete_objective, apply_file (one event for
#                 the file and one for each objective it adds or changes)
#   consultation  create_consultation, update_consultation, close_consultation, add_comment (signed in and
#                 through the link), hide_comment, unhide_comment, respond, add_event, update_event,
#                 delete_event
#   versions      submit, withdraw, record_decision (an approval, which freezes a version, and a deferral)
#   board_cover   save_cover (add and change)
#   evidence      import_start, store_leavers (counts kept, never in the event), apply_rates
#   establishment save_establishment, import_file (the whole establishment replaced: one event for the file)
#   succession    save_entry (add and change), replace_register, delete_entry
#   board_terms   save_seat (add and change), replace_seats, delete_seat
#   --- tested elsewhere (TESTED_ELSEWHERE): demo.load_demo, audit.record, audit.record_refusal,
#       board_pack.pack_content (a read, which may seed the default required steps in its caller's transaction)
#       extracts.record_end (the staff extract at the end of the evidence period, kept under staff_import.apply's
#       event: that write reads it back)
#   --- deliberately without an event (NO_EVENT, and docs/audit.md): surveys.submit, accounts.authenticate

TESTED_ELSEWHERE = {
    "audit.record": "the trail's own writer: every write below goes through it",
    "recorded.add_recorded": "the services' writer of a new record and its event: each create below that uses it",
    "recorded.change_recorded": "the services' writer of a change and its event: each update below that uses it",
    "recorded.delete_recorded": "the services' writer of a removal and its event: each delete below that uses it",
    "competencies.import_file": "replace_assessed (below) with a file's counts: tests/web/test_competency_pages.py",
    # It reads the board pack's content, which may seed the default required steps (see pack_content, below).
    "versions.take_snapshot": "a read of the pack, kept by approval's recorded writes: tests/test_versions.py",
    "audit.record_refusal": "a refused request, in a transaction of its own: the refusal tests above",
    "demo.load_demo": "many services' events and one of its own in one transaction: the demo test below",
    # It may seed the default required steps (ensure_required, in WRITES), flushed in the transaction of whoever
    # reads it (an approval's snapshot, the demo), which commits them with its own change, or not at all.
    "board_pack.pack_content": "a read that commits nothing: test_the_board_packs_content_commits_nothing",
    "editing.commit_checked": "commits its caller's transaction, event and all: each versioned save above",
    # The baseline import keeps its counts as the staff extract at the end of the evidence period (docs/evidence.md),
    # under the import's own event: a second event would record one upload twice.
    "extracts.record_end": "in staff_import.apply's transaction, under its import event: its WRITE reads the end "
                           "extract back (stored with the import, never without it)",
    # Keeps one extract of a kind for evidence.import_start, evidence.store_leavers and extracts.record_end, in
    # their transactions and under their events.
    "extracts.store_extract": "under evidence.import_start's and store_leavers' events: their WRITEs read it back",
    # Systems (docs/systems.md): each writes its events with its change in one commit; the trails are checked in
    # tests/test_systems_service.py and tests/web/test_systems.py.
    "demo.load_trust": "a demo trust's part of the demo's one transaction: its events are the services' it calls",
    "demo.load_discover": "a demo trust's assessments, plan and survey in its loader's transaction and 'load' event",
    "demo.load_diversity": "a demo trust's extract (staff_import's events), benchmarks and targets: its 'load' event",
    "demo_system.load_demo_system": "the services' events and one of its own in one transaction: test_demo_system",
    "systems.invite": "invite, in the system's and the member's trails: test_a_trust_joins_only_when_...",
    "systems.accept": "join, in both trails: test_a_trust_joins_only_when_its_own_admin_accepts",
    "systems.leave": "leave (and each share's withdraw) in both trails: test_withdrawal_and_leaving_...",
    "systems.remove": "remove or revoke (and each share's withdraw) in both trails: test_the_systems_admin_removes_...",
    "systems.share": "share, in the member's trail (with the version before): test_the_system_sum_is_...",
    "systems.withdraw": "withdraw, in the member's trail: test_withdrawal_and_leaving_take_the_member_out_at_once",
    "systems.record_reads": "system_read in each member's trail, the record itself: test_reads_are_written_...",
    "system_diversity.read": "a read, written as system_read in each member's trail (systems.record_reads): "
                             "test_a_system_user_sees_a_member_only_while_it_shares",
    "system_pack.gather": "a read, written as system_read in each member's trail (systems.record_reads) with its "
                          "purpose: tests/test_system_exports_cli.py",
    # Partnership objectives (docs/systems.md): the trails are checked in tests/test_system_objectives.py.
    "systems.drop_objective_link": "unlink in both trails, with why: test_leaving_or_being_removed_deletes_...",
    "system_objectives.save_system_objective": "create or update in the system's trail: "
                                               "test_a_bad_system_objective_names_its_field and the page tests",
    "system_objectives.delete_system_objective": "delete, and each link's unlink in the members' trails: "
                                                 "test_deleting_a_system_objective_removes_its_links_...",
    "system_objectives.link_objective": "link in both trails: test_the_link_goes_when_the_member_removes_it_...",
    "system_objectives.unlink_objective": "unlink in both trails: test_the_link_goes_when_the_member_removes_it_...",
    "system_objectives.record_link_reads": "system_read in each linking member's trail: test_reads_go_in_each_...",
    "system_objectives.read_partnership": "record_link_reads after the view: test_reads_go_in_each_linking_...",
}
NO_EVENT = {
    # A response holds no time on purpose. An event for each answer through the public link would stamp it with
    # the moment it came in, and anyone who knew who answered when could match answers to people. Opening and
    # closing the survey, and importing responses collected elsewhere, are recorded.
    "surveys.submit": "an anonymous answer through the public link: an event would give its time away",
    # A sign-in changes none of an organisation's records. Attempts are kept in login_attempt (the email, a keyed
    # hash of the address, the time, the outcome) only to throttle guessing; a failed one may name no account,
    # and so no organisation whose trail it could join.
    "accounts.authenticate": "a sign-in attempt: kept in login_attempt for throttling, not an organisation's change",
    # A wrong current password on the change-password page, counted like a failed sign-in (above).
    "logins.record_failure": "a wrong password: kept in login_attempt for throttling, as a sign-in's",
    # Bumping the session version on its own is signing out; a change of role, removal or a new password bumps
    # it inside their own recorded transaction.
    "passwords.end_sessions": "signing out (no organisation's change), or part of a recorded write above",
    # A job's own bookkeeping, done by the worker (planner/tasks.py): its progress and outcome, the upload it
    # deletes as it reads it, the PDF it keeps. Starting the job is recorded (jobs.start, below), and what the
    # job changes is recorded by the service it runs (a staff import's staff_import.hold).
    "jobs.set_state": "a job's progress and outcome: the queue's bookkeeping, not anyone's change",
    "jobs.take_upload": "the worker deleting the upload as it reads it: the job's start is recorded",
    "jobs.keep_result": "the worker keeping the PDF it made: the job's start is recorded",
    "jobs.sweep": "deleting job files past their lifetime (24 hours): the clock's doing, not anyone's change",
    # The worker working out the pages' results after a write (planner.services.warm): it reads what the pages
    # read and keeps results in the shared store, never a record; its session is closed without a commit.
    "warm.warm": "working out the pages' kept results after a write: no record changed, nothing committed",
}

TODAY = date(2027, 3, 15)  # within the consultations below (1 to 31 March 2027)
_SCALE, _FRAMEWORKS = default_frameworks()
_LEVEL_KEYS = {spec["key"] for spec in default_levels()["levels"]}
DEFAULT_COMPETENCIES = sum(len(d.competencies) for f in _FRAMEWORKS for d in f.domains)
DEFAULT_STEPS = sum(1 for f in _FRAMEWORKS for d in f.domains for c in d.competencies
                    for key, step in c.required.items() if step and key in _LEVEL_KEYS)


def _nothing(db: Session, strategy: Strategy, actor: User) -> Any:
    return None


@dataclass(frozen=True)
class Write:
    """One service write: what to arrange first, the write itself, and the event it must leave."""

    function: str  # module.function, as the services name it
    act: Callable[[Session, Strategy, User, Any], Any]  # the write; returns the row its event names, or nothing
    action: str
    entity: str
    changes: dict[str, Any] | Callable[[Any], dict[str, Any]]  # a subset of the event's changes
    model: type[SQLModel]  # a table the write adds rows to, changes or deletes rows from
    rows: int = 1  # how many rows of `model` it adds (-1: it deletes one; 0: it changes one, see `stored`)
    arrange: Callable[[Session, Strategy, User], Any] = _nothing  # committed before the write, its events apart
    stored: Callable[[Session, Strategy, Any], Any] | None = None  # what a change alters, read back
    by_actor: bool = True  # False: the event names no one (the command line's and the defaults' writes)
    also: tuple[tuple[str, str], ...] = ()  # (action, entity) of other events the same write records
    names: Callable[[Strategy, Any], int | None] | None = None  # the id its event names, when act returns nothing
    variant: str = ""

    @property
    def modules(self) -> list[Any]:
        """The modules whose `record` the write may call: its service's (each part of one split into a package)
        and the shared writers' (planner.services.recorded)."""
        import importlib
        import pkgutil

        service = getattr(services, self.function.split(".")[0])
        parts = [importlib.import_module(info.name) for info in
                 pkgutil.walk_packages(getattr(service, "__path__", []), prefix=f"{service.__name__}.")]
        return [m for m in (service, *parts, recorded) if hasattr(m, "record")]

    @property
    def name(self) -> str:
        return f"{self.function}-{self.variant}" if self.variant else self.function

    def expected(self, arranged: Any) -> dict[str, Any]:
        return self.changes(arranged) if callable(self.changes) else self.changes

    def write(self, db: Session, strategy: Strategy, actor: User, arranged: Any) -> int | None:
        """Carry the write out; the id its event should name."""
        made = self.act(db, strategy, actor, arranged)
        return self.names(strategy, arranged) if self.names else (made.id if made is not None else None)


def _its_id(strategy: Strategy, arranged: Any) -> int | None:
    return arranged.id  # type: ignore[no-any-return]


def _first_id(strategy: Strategy, arranged: Any) -> int | None:
    return arranged[0].id  # type: ignore[no-any-return]


def _strategy_id(strategy: Strategy, arranged: Any) -> int | None:
    return strategy.id


def _organisation_id(strategy: Strategy, arranged: Any) -> int | None:
    return strategy.organisation_id


def _org(db: Session, strategy: Strategy) -> Organisation:
    organisation = db.get(Organisation, strategy.organisation_id)
    assert organisation is not None
    return organisation


def _read(model: type[SQLModel], attribute: str) -> Callable[[Session, Strategy, Any], Any]:
    """A `stored` that reads one attribute of the arranged row."""
    def read(session: Session, strategy: Strategy, arranged: Any) -> Any:
        return getattr(session.get(model, arranged.id), attribute)
    return read


def _of_strategy(*attributes: str) -> Callable[[Session, Strategy, Any], Any]:
    def read(session: Session, strategy: Strategy, arranged: Any) -> Any:
        row = session.get(Strategy, strategy.id)
        return tuple(getattr(row, a) for a in attributes)
    return read


def _of_organisation(session: Session, strategy: Strategy, arranged: Any) -> Any:
    row = session.get(Organisation, strategy.organisation_id)
    assert row is not None
    return row.suppression_threshold, row.rag_amber_below, row.rag_red_below


def _level_order(session: Session, strategy: Strategy, arranged: Any) -> list[str]:
    return [lv.key for lv in structure.levels_of(session, strategy)]


def _group_names(session: Session, strategy: Strategy, arranged: Any) -> list[str]:
    return [g.name for g in surveys.groups_of(session, arranged)]


# Arranging: each returns what the write needs (committed, with its own events before the write's).

def _area(db: Session, strategy: Strategy, actor: User) -> Area:
    return factories.make_area(db, strategy, "OLD", "Old area")


def _frontline(db: Session, strategy: Strategy, actor: User) -> Level:
    return factories.level(db, strategy, "frontline")


def _senior(db: Session, strategy: Strategy, actor: User) -> Level:
    return factories.level(db, strategy, "senior")


def _scenario(db: Session, strategy: Strategy, actor: User) -> Scenario:
    return scenarios.create_scenario(session=db, strategy=strategy, name="Steady state", actor=actor)


def _scenario_and_middle(db: Session, strategy: Strategy, actor: User) -> tuple[Scenario, Level]:
    return _scenario(db, strategy, actor), factories.level(db, strategy, "middle")


def _two_scenarios(db: Session, strategy: Strategy, actor: User) -> Scenario:
    _scenario(db, strategy, actor)
    return scenarios.create_scenario(session=db, strategy=strategy, name="To go", actor=actor)


def _scenario_and_area(db: Session, strategy: Strategy, actor: User) -> tuple[Scenario, Area]:
    area = factories.make_area(db, strategy, "MED", "Medicine")
    factories.set_baseline(db, strategy, area, staff=100, fte=90.0, middle=5)
    return _scenario(db, strategy, actor), area


def _extract_read(db: Session, strategy: Strategy, actor: User) -> Any:
    factories.make_area(db, strategy, "MED", "Medicine")
    factories.make_area(db, strategy, "SURG", "Surgery")
    out = io.StringIO()
    csv.writer(out).writerows([STAFF_HEADER, *STAFF_ROWS])
    return staff_import.read(db, strategy, out.getvalue().encode(), "staff.csv")


def _extract_held(db: Session, strategy: Strategy, actor: User) -> StaffImport:
    return staff_import.hold(session=db, strategy=strategy, result=_extract_read(db, strategy, actor),
                             filename="staff.csv", actor=actor)


TARGET = {"characteristic": "ethnicity", "group_key": "bme", "level_id": None, "target_share": 0.2,
          "target_year": 2030}


def _target(db: Session, strategy: Strategy, actor: User) -> DiversityTarget:
    return diversity.save_target(session=db, strategy=strategy, values=TARGET, actor=actor)


def _frameworks(db: Session, strategy: Strategy, actor: User) -> None:
    competencies.ensure_frameworks(db, strategy.organisation_id)


def _competency(db: Session, strategy: Strategy, actor: User) -> Competency:
    _frameworks(db, strategy, actor)
    return competencies.catalogue(db, strategy.organisation_id).all_competencies()[0]


def _competency_and_area(db: Session, strategy: Strategy, actor: User) -> tuple[Competency, Area]:
    return _competency(db, strategy, actor), factories.make_area(db, strategy, "MED", "Medicine")


PLAN = {"name": "Coaching for new leaders", "kind": "coaching", "places_per_year": 10, "cost_per_place": 1500,
        "first_year": 2027, "last_year": 2028}


def _plan_targets(db: Session, strategy: Strategy, competency: Competency) -> set[tuple[int, int]]:
    return {(competency.id, factories.level(db, strategy, "middle").id)}  # type: ignore[arg-type]


def _intervention(db: Session, strategy: Strategy, actor: User) -> Intervention:
    competency = _competency(db, strategy, actor)
    return competencies.save_intervention(session=db, strategy=strategy, values=PLAN, actor=actor,
                                          targets=_plan_targets(db, strategy, competency))


def _own_competency(db: Session, strategy: Strategy, actor: User) -> Competency:
    return competencies.add_competency(session=db, organisation=_org(db, strategy), name="Digital leadership",
                                       kind="generic", description="", actor=actor)


def _survey(db: Session, strategy: Strategy, actor: User) -> Survey:
    return surveys.create_survey(session=db, strategy=strategy, name="Spring self-assessment", closes_on=None,
                                 actor=actor)


def _invitation_survey(db: Session, strategy: Strategy, actor: User) -> Survey:
    return surveys.create_survey(session=db, strategy=strategy, name="Spring self-assessment", closes_on=None,
                                 actor=actor, mode="invitation")


OBJECTIVE = {"ref": "S1", "title": "Develop compassionate leaders", "level": "strategic", "measure_kind": "none"}


def _objective(db: Session, strategy: Strategy, actor: User) -> Objective:
    return objectives.save_objective(session=db, strategy=strategy, values=OBJECTIVE, actor=actor)


def _objectives_file(db: Session, strategy: Strategy, actor: User) -> Any:
    data = write_objectives_csv([{"ref": "S7", "title": "Leaders who reflect our communities", "level": "strategic"}])
    result = objectives.read_file(db, strategy, data, "objectives.csv")
    assert result.importable, result.problems
    return result


def _apply_file(db: Session, strategy: Strategy, actor: User, result: Any) -> None:
    assert objectives.apply_file(session=db, strategy=strategy, result=result, actor=actor, today=TODAY) == (1, 0)


def _consultation(db: Session, strategy: Strategy, actor: User) -> Consultation:
    return consultation.create_consultation(session=db, strategy=strategy, title="Draft strategy, spring 2027",
                                            sections=["scope"], audiences=["staff"], opens_on=date(2027, 3, 1),
                                            closes_on=date(2027, 3, 31), actor=actor)


def _comment(db: Session, strategy: Strategy, actor: User) -> Comment:
    return consultation.add_comment(session=db, consultation=_consultation(db, strategy, actor), section="scope",
                                    audience="staff", body="More about compassion, please.", user=actor, today=TODAY)


def _hidden_comment(db: Session, strategy: Strategy, actor: User) -> Comment:
    comment = _comment(db, strategy, actor)
    consultation.hide_comment(session=db, comment=comment, reason="Abusive", actor=actor)
    return comment


ENGAGEMENT = {"held_on": date(2027, 2, 10), "audience": "staff", "format": "workshop", "participants": 12,
              "summary": "Leaders asked for coaching."}


def _engagement(db: Session, strategy: Strategy, actor: User) -> EngagementEvent:
    return consultation.add_event(session=db, strategy=strategy, actor=actor, **ENGAGEMENT)  # type: ignore[arg-type]


def _submitted(db: Session, strategy: Strategy, actor: User) -> None:
    versions.submit(session=db, strategy=strategy, actor=actor)


def _decide(decision: str) -> Callable[[Session, Strategy, User, Any], None]:
    def act(db: Session, strategy: Strategy, actor: User, arranged: Any) -> None:
        values = {"meeting_date": TODAY, "minute": "2027/045", "decision": decision, "notes": ""}
        versions.record_decision(session=db, strategy=strategy, organisation=_org(db, strategy), values=values,
                                 actor=actor, today=TODAY)
    return act


COVER = {"meeting": "People Committee", "purpose": "assurance", "recommendation": "To note the strategy."}


def _cover(db: Session, strategy: Strategy, actor: User) -> BoardCover:
    return board_cover.save_cover(session=db, strategy=strategy, organisation=_org(db, strategy), values=COVER,
                                  actor=actor, today=TODAY)


def _viewer(db: Session, strategy: Strategy, actor: User) -> Membership:
    organisation = _org(db, strategy)
    return factories.membership_of(db, factories.make_member(db, organisation, role="viewer"), organisation)


def _viewer_user(db: Session, strategy: Strategy, actor: User) -> User:
    return factories.make_member(db, _org(db, strategy), role="viewer")


def _self(db: Session, strategy: Strategy, actor: User) -> User:
    return actor


def _token(db: Session, strategy: Strategy, actor: User) -> ApiToken:
    return accounts.create_token(session=db, user=actor, organisation=_org(db, strategy), name="Reporting")[0]


def _settings(db: Session, strategy: Strategy, actor: User) -> dict[str, Any]:
    organisation = _org(db, strategy)
    return {"suppression_threshold": organisation.suppression_threshold,
            "rag_amber_below": organisation.rag_amber_below, "rag_red_below": organisation.rag_red_below}


def _band_map(db: Session, strategy: Strategy, actor: User) -> dict[str, int]:
    mapping = structure.band_map(db, strategy)
    assert mapping["7"] == factories.level(db, strategy, "frontline").id
    return mapping


# Workforce evidence (docs/evidence.md): the extracts as their readers give them, counts only.

PERIOD = Period.of(date(2025, 4, 1), date(2026, 3, 31))
# 30 frontline leaders in Medicine at the start of the period, enough for the area's own rate (MIN_IN_POST).
START_EXTRACT = ImportResult(
    file_kind="csv", rows_read=40, rows_skipped=0, staff={"MED": 40}, fte={"MED": 38.5},
    leaders={("MED", "frontline"): 30},
    diversity={("MED", None, "age_band", "45_54"): 40, ("MED", "frontline", "age_band", "45_54"): 30},
    problems=[], problem_totals={}, ignored_columns=[])
# Two frontline leavers and one move inside the trust (read, not counted).
LEAVERS_EXTRACT = LeaversResult(
    file_kind="csv", period=PERIOD, rows_read=3, moves=1, problems=(), problem_totals={}, ignored_columns=(),
    counts={LeaverGroup("MED", "frontline", True, "Retirement Age", "55_64"): 1,
            LeaverGroup("MED", "frontline", True, "Voluntary Resignation - Relocation", "35_44"): 1})


def _medicine(db: Session, strategy: Strategy, actor: User) -> Area:
    return factories.make_area(db, strategy, "MED", "Medicine")


def _scenario_with_evidence(db: Session, strategy: Strategy, actor: User) -> Scenario:
    """A scenario of typed rates, and the leavers and start of period extracts its measured rates come from."""
    _medicine(db, strategy, actor)
    scenario = _scenario(db, strategy, actor)
    evidence.store_leavers(session=db, strategy=strategy, result=LEAVERS_EXTRACT, filename="leavers.csv",
                           actor=actor)
    evidence.import_start(session=db, strategy=strategy, result=START_EXTRACT, filename="start.csv", actor=actor)
    return scenario


def _leaver_rates(session: Session, strategy: Strategy, arranged: Any) -> tuple[list[Any], list[Any]]:
    """The scenario's leaver rates and their sources: its levels', then its areas' own."""
    levels = sorted((r.level_id, r.leaver_rate, r.leaver_source) for r in session.exec(
        select(ScenarioLevel).where(ScenarioLevel.scenario_id == arranged.id)))
    areas = sorted((c.area_id, c.level_id, c.leaver_rate, c.leaver_source) for c in session.exec(
        select(ScenarioAreaLevel).where(ScenarioAreaLevel.scenario_id == arranged.id)))
    return levels, areas


def _end_extract(session: Session, strategy: Strategy, arranged: Any) -> tuple[str, int] | None:
    """The staff extract at the end of the evidence period (the baseline import keeps it), if any."""
    row = evidence.extracts_of(session, strategy).get("end")
    return None if row is None else (row.filename, row.rows_read)


# Funded establishment (docs/establishment.md).

def _establishment_elsewhere(db: Session, strategy: Strategy, actor: User) -> Area:
    """Medicine, with no establishment, and Surgery's funded middle leader posts (a file without Surgery
    takes them away)."""
    surgery = factories.make_area(db, strategy, "SURG", "Surgery")
    establishment.save_establishment(session=db, strategy=strategy, posts={(surgery.id, "middle"): 5}, actor=actor)  # type: ignore[dict-item]
    return _medicine(db, strategy, actor)


ESTABLISHMENT_FILE = EstablishmentResult(
    file_kind="csv", rows_read=1, posts={("MED", "middle"): (12, 12, 13, 13, 14)}, problems=[],
    problem_totals={}, ignored_columns=[], year_columns=[2026, 2027, 2028, 2029, 2030])


def _establishment_rows(session: Session, strategy: Strategy, arranged: Any) -> list[tuple[int, int, str]]:
    return sorted((r.area_id, r.level_id, r.posts) for r in session.exec(
        select(Establishment).where(Establishment.strategy_id == strategy.id)))


# The board's seats and terms of office (docs/board-terms.md): seat labels, never names.

CHAIR = BoardTermsSeat(label="Chair", role="chair", board_type="non_executive", term_start=date(2025, 4, 1),
                       term_end=date(2029, 3, 31), term_number=1, max_terms=2)


def _seat(db: Session, strategy: Strategy, actor: User) -> BoardSeat:
    return board_terms.save_seat(session=db, strategy=strategy, seat=CHAIR, actor=actor)


def _seats(session: Session, strategy: Strategy, arranged: Any) -> list[Any]:
    """The board's seats as stored: label, role and term."""
    return sorted((b.label, b.role, b.term_number, b.term_end) for b in session.exec(
        select(BoardSeat).where(BoardSeat.strategy_id == strategy.id)))


# The succession register (docs/succession.md): counts only, no one's name.

REGISTER = {"critical_roles": 4, "ready_now": 1, "ready_1_2": 2, "ready_3_5": 0}
POOL = {"sex": {"female": 2, "male": 1, "not_stated": 0}}


def _entry(db: Session, strategy: Strategy, actor: User) -> SuccessionEntry:
    medicine = _medicine(db, strategy, actor)
    return succession.save_entry(session=db, strategy=strategy, area_id=medicine.id,  # type: ignore[arg-type]
                                 level_id=factories.level(db, strategy, "middle").id,  # type: ignore[arg-type]
                                 figures=REGISTER, pool=POOL, actor=actor, new=True)


def _entry_and_surgery(db: Session, strategy: Strategy, actor: User) -> SuccessionEntry:
    """Medicine's row of the register, and Surgery with none (a file of Surgery's row replaces Medicine's)."""
    factories.make_area(db, strategy, "SURG", "Surgery")
    return _entry(db, strategy, actor)


def _register(session: Session, strategy: Strategy, arranged: Any) -> tuple[list[Any], list[Any]]:
    """The register's rows (area, level, figures) and its pool counts, as stored."""
    rows = sorted((e.area_id, e.level_id, *(getattr(e, k) for k in REGISTER)) for e in session.exec(
        select(SuccessionEntry).where(SuccessionEntry.strategy_id == strategy.id)))
    pools = sorted((p.characteristic, p.group_key, p.count) for p in session.exec(
        select(SuccessionPoolCount).where(SuccessionPoolCount.strategy_id == strategy.id)))
    return rows, pools


WRITES: list[Write] = [
    # accounts
    Write("accounts.create_organisation", lambda db, s, a, x: accounts.create_organisation(
        session=db, slug="south", name="South Trust"),
        "create", "organisation", {"slug": "south", "name": "South Trust"}, Organisation, by_actor=False),
    Write("accounts.add_member", lambda db, s, a, x: accounts.add_member(
        session=db, organisation=_org(db, s), email="New.Person@example.nhs.uk", role="viewer",
        password=factories.PASSWORD, hash_method=factories.FAST_HASH, actor=a),
        "create", "membership", {"email": "new.person@example.nhs.uk", "role": "viewer"}, Membership),
    Write("accounts.change_role", lambda db, s, a, x: accounts.change_role(
        session=db, membership=x, role="editor", actor=a),
        "update", "membership", {"role": ["viewer", "editor"]}, Membership, rows=0, arrange=_viewer,
        stored=_read(Membership, "role"), names=_its_id),
    Write("accounts.remove_member", lambda db, s, a, x: accounts.remove_member(
        session=db, membership=x, actor=a),
        "delete", "membership", {"role": "viewer"}, Membership, rows=-1, arrange=_viewer, names=_its_id),
    Write("accounts.create_token", lambda db, s, a, x: accounts.create_token(
        session=db, user=a, organisation=_org(db, s), name="Reporting")[0],
        "create", "api_token", {"name": "Reporting"}, ApiToken),
    Write("accounts.revoke_token", lambda db, s, a, x: accounts.revoke_token(session=db, token=x, actor=a),
          "revoke", "api_token", {}, ApiToken, rows=0, arrange=_token, stored=_read(ApiToken, "revoked_at"),
          names=_its_id),
    Write("accounts.update_settings", lambda db, s, a, x: accounts.update_settings(
        session=db, organisation=_org(db, s), suppression_threshold=10, rag_amber_below=0.85, rag_red_below=0.6,
        actor=a),
        "update", "organisation", lambda x: {"suppression_threshold": [x["suppression_threshold"], 10],
                                             "rag_amber_below": [x["rag_amber_below"], 0.85],
                                             "rag_red_below": [x["rag_red_below"], 0.6]},
        Organisation, rows=0, arrange=_settings, stored=_of_organisation, names=_organisation_id),
    # passwords: the event names the person, never the password or its hash
    Write("passwords.change_own_password", lambda db, s, a, x: passwords.change_own_password(
        session=db, user=x, current_password=factories.PASSWORD, new_password="kettle-orchard-lantern",
        client="test", max_failures=5, window_minutes=15, hash_method=factories.FAST_HASH),
        "change", "password", lambda x: {"person": x.email}, User, rows=0, arrange=_self,
        stored=_read(User, "password_hash"), names=_its_id),
    Write("passwords.reset_password", lambda db, s, a, x: passwords.reset_password(
        session=db, user=x, organisation=_org(db, s), new_password="kettle-orchard-lantern", actor=a,
        hash_method=factories.FAST_HASH),
        "reset", "password", lambda x: {"person": x.email}, User, rows=0, arrange=_viewer_user,
        stored=_read(User, "password_hash"), names=_its_id),
    Write("passwords.set_password", lambda db, s, a, x: passwords.set_password(
        session=db, email=x.email, password="kettle-orchard-lantern", hash_method=factories.FAST_HASH),
        "reset", "password", lambda x: {"person": x.email}, User, rows=0, arrange=_viewer_user,
        stored=_read(User, "password_hash"), by_actor=False),
    # strategies
    Write("strategies.create_strategy", lambda db, s, a, x: strategies.create_strategy(
        session=db, organisation=_org(db, s), values={"title": "Next strategy", "start_year": 2031}, actor=a),
        "create", "strategy", {"title": "Next strategy", "start_year": 2031, "horizon": 5}, Strategy),
    Write("strategies.update_scope", lambda db, s, a, x: strategies.update_scope(
        session=db, strategy=s, values={"title": "Renamed strategy", "start_year": s.start_year,
                                        "horizon": s.horizon, "vision": "Compassion everywhere"}, actor=a),
        "update", "strategy", {"title": ["Our Leadership Strategy", "Renamed strategy"],
                               "vision": ["", "Compassion everywhere"]},
        Strategy, rows=0, stored=_of_strategy("title", "vision")),
    # structure
    Write("structure.add_area", lambda db, s, a, x: structure.add_area(
        session=db, strategy=s, code="NEW", name="New area", parent_id=None, actor=a),
        "create", "area", {"code": "NEW", "name": "New area", "parent_id": None}, Area),
    Write("structure.update_area", lambda db, s, a, x: structure.update_area(
        session=db, strategy=s, area=x, code="OLD", name="Renamed area", parent_id=None, actor=a),
        "update", "area", {"name": ["Old area", "Renamed area"]}, Area, rows=0, arrange=_area,
        stored=_read(Area, "name")),
    Write("structure.delete_area", lambda db, s, a, x: structure.delete_area(
        session=db, strategy=s, area=x, actor=a),
        "delete", "area", {"code": "OLD", "name": "Old area"}, Area, rows=-1, arrange=_area, names=_its_id),
    Write("structure.add_level", lambda db, s, a, x: structure.add_level(
        session=db, strategy=s, key="team_lead", name="Team leaders", description="", actor=a),
        "create", "level", {"key": "team_lead", "name": "Team leaders"}, Level),
    Write("structure.update_level", lambda db, s, a, x: structure.update_level(
        session=db, strategy=s, level=x, key="frontline", name="First-line leaders", description="", actor=a),
        "update", "level", {"name": ["Frontline leaders", "First-line leaders"]}, Level, rows=0,
        arrange=_frontline, stored=_read(Level, "name")),
    Write("structure.move_level", lambda db, s, a, x: structure.move_level(
        session=db, strategy=s, level=x, direction="down", actor=a),
        "reorder", "level", {"order": ["board", "middle", "senior", "frontline"]}, Level, rows=0, arrange=_senior,
        stored=_level_order, names=_its_id),
    Write("structure.delete_level", lambda db, s, a, x: structure.delete_level(
        session=db, strategy=s, level=x, actor=a),
        "delete", "level", {"key": "frontline"}, Level, rows=-1, arrange=_frontline, names=_its_id),
    Write("structure.set_band_map", lambda db, s, a, x: structure.set_band_map(
        session=db, strategy=s, mapping={**x, "7": None}, actor=a),  # band 7 no longer counts as leading
        "update", "band_map", lambda x: {"7": [x["7"], None]}, BandAssignment, rows=-1,
        arrange=_band_map, names=_strategy_id),
    # baseline
    Write("baseline.save_baseline", lambda db, s, a, x: baseline.save_baseline(
        session=db, strategy=s, actor=a,
        figures={x.id: baseline.AreaFigures(staff=10, fte=9.5, leaders={"middle": 2})}),
        "update", "baseline", {"areas": 1, "changed_values": 2}, AreaBaseline, arrange=_area, names=_strategy_id),
    # scenarios
    Write("scenarios.create_scenario", lambda db, s, a, x: scenarios.create_scenario(
        session=db, strategy=s, name="Faster growth", actor=a),
        "create", "scenario", {"name": "Faster growth"}, Scenario),
    Write("scenarios.copy_scenario", lambda db, s, a, x: scenarios.copy_scenario(
        session=db, strategy=s, source=x, name="Steady state, varied", actor=a),
        "copy", "scenario", {"from": "Steady state", "name": "Steady state, varied"}, Scenario, arrange=_scenario),
    Write("scenarios.rename_scenario", lambda db, s, a, x: scenarios.rename_scenario(
        session=db, strategy=s, scenario=x, name="Renamed", description="Slower", actor=a),
        "update", "scenario", {"before": {"name": "Steady state", "description": ""},
                               "after": {"name": "Renamed", "description": "Slower"}},
        Scenario, rows=0, arrange=_scenario, stored=_read(Scenario, "name")),
    Write("scenarios.delete_scenario", lambda db, s, a, x: scenarios.delete_scenario(
        session=db, strategy=s, scenario=x, actor=a),
        "delete", "scenario", {"name": "To go"}, Scenario, rows=-1, arrange=_two_scenarios, names=_its_id),
    Write("scenarios.save_level_assumptions", lambda db, s, a, x: scenarios.save_level_assumptions(
        session=db, strategy=s, scenario=x[0], actor=a,
        rates={x[1].id: {**scenarios.DEFAULT_RATES, "leaver_rate": 0.2}}),
        "update", "scenario_levels", lambda x: {str(x[1].id): [scenarios.DEFAULT_RATES,
                                                               {**scenarios.DEFAULT_RATES, "leaver_rate": 0.2}]},
        ScenarioLevel, rows=0, arrange=_scenario_and_middle,
        stored=lambda session, s, x: sorted(r.leaver_rate for r in session.exec(
            select(ScenarioLevel).where(ScenarioLevel.scenario_id == x[0].id))), names=_first_id),
    Write("scenarios.save_area_assumptions", lambda db, s, a, x: scenarios.save_area_assumptions(
        session=db, strategy=s, scenario=x[0], actor=a,
        areas={x[1].id: scenarios.AreaAssumptions(0.02, {}, {})}),
        "update", "scenario_areas", {"areas": 1}, ScenarioArea, arrange=_scenario_and_area, names=_first_id),
    Write("scenarios.save_uncertainty", lambda db, s, a, x: scenarios.save_uncertainty(
        session=db, strategy=s, scenario=x, simulations=200, seed=7, actor=a),
        "update", "scenario_uncertainty", {"simulations": 200, "seed": 7}, Scenario, rows=0, arrange=_scenario,
        stored=_read(Scenario, "simulations"), names=_its_id),
    Write("scenarios.scenario_from_data", lambda db, s, a, x: scenarios.scenario_from_data(
        session=db, strategy=s, actor=a, data={"name": "From the file", "uncertainty": {"simulations": 50}}),
        "create", "scenario", {"name": "From the file"}, Scenario),
    # staff_import (no counts or rows in any of these: see test_a_staff_import_records_totals_only)
    Write("staff_import.hold", lambda db, s, a, x: staff_import.hold(
        session=db, strategy=s, result=x, filename="staff.csv", actor=a),
        "create", "staff_import", {"file": "staff.csv", "rows_read": 4, "rows_skipped": 0, "status": "pending"},
        StaffImport, arrange=_extract_read),
    Write("staff_import.apply", lambda db, s, a, x: staff_import.apply(
        session=db, strategy=s, pending=x, actor=a),
        "import", "baseline", {"file": "staff.csv", "rows_read": 4, "rows_skipped": 0, "areas": 2},
        AreaBaseline, rows=2, arrange=_extract_held, stored=_end_extract, names=_strategy_id),
    Write("staff_import.discard", lambda db, s, a, x: staff_import.discard(session=db, pending=x, actor=a),
          "discard", "staff_import", {"file": "staff.csv", "status": ["pending", "discarded"]},
          StaffImport, rows=0, arrange=_extract_held, stored=_read(StaffImport, "status"), names=_its_id),
    # jobs (the upload's name only: never its bytes)
    Write("jobs.start", lambda db, s, a, x: jobs.start(
        session=db, strategy=s, kind="staff_import", unit="rows read", actor=a, upload=b"Area,Pay Band\r\n",
        filename="staff.csv"),
        "start", "job", {"kind": "staff_import", "file": "staff.csv"}, Job),
    # diversity
    Write("diversity.save_group_labels", lambda db, s, a, x: diversity.save_group_labels(
        session=db, organisation=_org(db, s), labels={("ethnicity", "bme"): "Global majority"}, actor=a),
        "update", "group_labels", {"ethnicity/bme": "Global majority"}, GroupLabel, names=_organisation_id),
    Write("diversity.save_benchmarks", lambda db, s, a, x: diversity.save_benchmarks(
        session=db, strategy=s, characteristic_key="ethnicity", actor=a,
        shares={("community", "bme"): 0.3, ("community", "white"): 0.7}),
        "update", "benchmarks", {"characteristic": "ethnicity", "values": {"community/bme": 0.3,
                                                                         "community/white": 0.7}},
        Benchmark, rows=2, names=_strategy_id),
    Write("diversity.save_shortlisting", lambda db, s, a, x: save_shortlisting(
        session=db, strategy=s, characteristic_key="ethnicity", figures={"bme": (17, 3), "white": (41, 9)},
        actor=a),
        "update", "shortlisting", {"characteristic": "ethnicity", "groups": ["bme", "white"]},
        ShortlistingFigure, rows=2, names=_strategy_id),
    Write("diversity.save_target", lambda db, s, a, x: _target(db, s, a),
          "create", "diversity_target", TARGET, DiversityTarget, variant="add"),
    Write("diversity.save_target", lambda db, s, a, x: diversity.save_target(
        session=db, strategy=s, values={**TARGET, "target_share": 0.25}, actor=a, target=x),
        "update", "diversity_target", {"target_share": 0.25}, DiversityTarget, rows=0, arrange=_target,
        stored=_read(DiversityTarget, "target_share"), variant="change"),
    Write("diversity.delete_target", lambda db, s, a, x: diversity.delete_target(session=db, target=x, actor=a),
          "delete", "diversity_target", TARGET, DiversityTarget, rows=-1, arrange=_target, names=_its_id),
    # competencies
    Write("competencies.ensure_frameworks", lambda db, s, a, x: competencies.ensure_frameworks(
        db, s.organisation_id),
        "create", "competency_frameworks", {"competencies": DEFAULT_COMPETENCIES}, Competency,
        rows=DEFAULT_COMPETENCIES, by_actor=False),
    Write("competencies.ensure_required", lambda db, s, a, x: competencies.ensure_required(db, s),
          "create", "required_steps", {"defaults": DEFAULT_STEPS}, RequiredStep, rows=DEFAULT_STEPS,
          arrange=_frameworks, by_actor=False, names=_strategy_id),
    Write("competencies.save_required", lambda db, s, a, x: competencies.save_required(
        session=db, strategy=s, steps={(x.id, factories.level(db, s, "middle").id): 3}, actor=a),  # type: ignore[dict-item]
        "update", "required_steps", {"cells": 1}, RequiredStep, arrange=_competency, names=_strategy_id),
    Write("competencies.replace_assessed", lambda db, s, a, x: competencies.replace_assessed(
        session=db, strategy=s, actor=a, source="form",
        counts={(x[1].id, factories.level(db, s, "middle").id, x[0].id): {2: 4, 3: 1}}),  # type: ignore[dict-item]
        "update", "assessments", {"source": "form", "combinations": 1}, AssessedCount, rows=2,
        arrange=_competency_and_area, names=_strategy_id),
    Write("competencies.save_intervention", lambda db, s, a, x: competencies.save_intervention(
        session=db, strategy=s, values=PLAN, targets=_plan_targets(db, s, x), actor=a),
        "create", "intervention", {"name": PLAN["name"], "kind": "coaching", "places_per_year": 10,
                                   "years": [2027, 2028], "targets": 1},
        Intervention, arrange=_competency, variant="add"),
    Write("competencies.save_intervention", lambda db, s, a, x: competencies.save_intervention(
        session=db, strategy=s, values={**PLAN, "places_per_year": 12}, actor=a, intervention=x,
        targets={(t.competency_id, t.level_id) for t in db.exec(
            select(InterventionTarget).where(InterventionTarget.intervention_id == x.id))}),
        "update", "intervention", {"places_per_year": 12}, Intervention, rows=0, arrange=_intervention,
        stored=_read(Intervention, "places_per_year"), variant="change"),
    Write("competencies.delete_intervention", lambda db, s, a, x: competencies.delete_intervention(
        session=db, intervention=x, actor=a),
        "delete", "intervention", {"name": PLAN["name"]}, Intervention, rows=-1, arrange=_intervention, names=_its_id),
    Write("competencies.add_competency", lambda db, s, a, x: _own_competency(db, s, a),
          "create", "competency", {"name": "Digital leadership", "kind": "generic"}, Competency),
    Write("competencies.update_competency", lambda db, s, a, x: competencies.update_competency(
        session=db, competency=x, name="Digital and data leadership", kind="generic", description="", actor=a),
        "update", "competency", {"after": {"name": "Digital and data leadership", "kind": "generic"}},
        Competency, rows=0, arrange=_own_competency, stored=_read(Competency, "name"), names=_its_id),
    # surveys (surveys.submit: NO_EVENT)
    Write("surveys.set_groups", lambda db, s, a, x: surveys.set_groups(
        session=db, survey=x, names=["Board members", "Everyone else"], actor=a),
        "update", "survey_groups", {"groups": ["Board members", "Everyone else"]}, SurveyGroup,
        rows=2 - len(surveys.groups()), arrange=_survey, stored=_group_names, names=_its_id),
    Write("surveys.create_survey", lambda db, s, a, x: _survey(db, s, a),
          "create", "survey", {"name": "Spring self-assessment"}, Survey),
    Write("surveys.set_status", lambda db, s, a, x: surveys.set_status(
        session=db, survey=x, status="open", actor=a),
        "update", "survey", {"status": ["draft", "open"]}, Survey, rows=0, arrange=_survey,
        stored=_read(Survey, "status"), names=_its_id),
    # The event says how many codes were issued, never the codes (only their hashes are kept at all).
    Write("survey_codes.issue_codes", lambda db, s, a, x: survey_codes.issue_codes(
        session=db, survey=x, count=3, actor=a),
        "create", "survey_codes", {"codes": 3}, SurveyCode, rows=3, arrange=_invitation_survey, names=_its_id),
    Write("surveys.import_responses", lambda db, s, a, x: surveys.import_responses(
        session=db, survey=x, actor=a, responses=[
            Response(surveys.groups()[0].key, {surveys.items_of(db, x)[0].key: 4}),
            Response(surveys.groups()[1].key, {surveys.items_of(db, x)[1].key: None})]),
        "import", "survey_responses", {"responses": 2}, SurveyResponse, rows=2, arrange=_survey, names=_its_id),
    # objectives
    Write("objectives.save_objective", lambda db, s, a, x: objectives.save_objective(
        session=db, strategy=s, actor=a, values={"ref": "S9", "title": "Grow our own senior leaders",
                                                 "level": "strategic", "measure_kind": "none"}),
        "create", "objective", {"ref": [None, "S9"], "title": [None, "Grow our own senior leaders"],
                                "level": [None, "strategic"]}, Objective, variant="add"),
    Write("objectives.save_objective", lambda db, s, a, x: objectives.save_objective(
        session=db, strategy=s, actor=a, objective=x, values={**OBJECTIVE, "title": "Develop kind leaders"}),
        "update", "objective", {"title": ["Develop compassionate leaders", "Develop kind leaders"]}, Objective,
        rows=0, arrange=_objective, stored=_read(Objective, "title"), variant="change"),
    Write("objectives.add_check_in", lambda db, s, a, x: objectives.add_check_in(
        session=db, objective=x, on=date(2027, 1, 31), value=None, done=True, confidence="high", note="Done",
        actor=a),
        "create", "check_in", {"objective": "S1", "on": "2027-01-31", "done": True}, CheckIn, arrange=_objective),
    Write("objectives.delete_objective", lambda db, s, a, x: objectives.delete_objective(
        session=db, objective=x, actor=a),
        "delete", "objective", {"ref": "S1"}, Objective, rows=-1, arrange=_objective, names=_its_id),
    Write("objectives.apply_file", _apply_file,
          "import", "objectives", {"added": 1, "updated": 0}, Objective, arrange=_objectives_file,
          also=(("create", "objective"),), names=_strategy_id),
    # consultation
    Write("consultation.create_consultation", lambda db, s, a, x: _consultation(db, s, a),
          "create", "consultation", {"title": "Draft strategy, spring 2027", "sections": ["scope"],
                                     "audiences": ["staff"], "opens_on": "2027-03-01", "closes_on": "2027-03-31"},
          Consultation),
    Write("consultation.update_consultation", lambda db, s, a, x: consultation.update_consultation(
        session=db, consultation=x, title="Draft strategy, spring 2027", sections=["scope", "objectives"],
        audiences=["staff"], opens_on=date(2027, 3, 1), closes_on=date(2027, 4, 30), actor=a),
        "update", "consultation", {"sections": [["scope"], ["scope", "objectives"]],
                                   "closes_on": ["2027-03-31", "2027-04-30"]},
        Consultation, rows=0, arrange=_consultation, stored=_read(Consultation, "closes_on"), names=_its_id),
    Write("consultation.close_consultation", lambda db, s, a, x: consultation.close_consultation(
        session=db, consultation=x, actor=a, today=TODAY),
        "close", "consultation", {"closed_early": [False, True], "on": "2027-03-15"}, Consultation, rows=0,
        arrange=_consultation, stored=_read(Consultation, "closed_early"), names=_its_id),
    Write("consultation.add_comment", lambda db, s, a, x: consultation.add_comment(
        session=db, consultation=x, section="scope", audience="staff", body="More about compassion, please.",
        user=a, today=TODAY),
        "create", "comment", {"section": "scope", "audience": "staff", "through": "signed in"}, Comment,
        arrange=_consultation, variant="signed-in"),
    # Through the link the comment names no one; its own row already holds when it was made, unlike a response.
    Write("consultation.add_comment", lambda db, s, a, x: consultation.add_comment(
        session=db, consultation=x, section="scope", audience="staff", body="Listen to night staff.",
        today=TODAY),
        "create", "comment", {"section": "scope", "audience": "staff", "through": "link"}, Comment,
        arrange=_consultation, by_actor=False, variant="link"),
    Write("consultation.hide_comment", lambda db, s, a, x: consultation.hide_comment(
        session=db, comment=x, reason="Abusive", actor=a),
        "hide", "comment", {"hidden": [False, True], "reason": "Abusive"}, Comment, rows=0, arrange=_comment,
        stored=_read(Comment, "hidden"), names=_its_id),
    Write("consultation.unhide_comment", lambda db, s, a, x: consultation.unhide_comment(
        session=db, comment=x, actor=a),
        "unhide", "comment", {"hidden": [True, False], "reason": ["Abusive", ""]}, Comment, rows=0,
        arrange=_hidden_comment, stored=_read(Comment, "hidden"), names=_its_id),
    Write("consultation.respond", lambda db, s, a, x: consultation.respond(
        session=db, comment=x, response="We added compassion to our values.", changed_strategy=True,
        themes=["Values"], actor=a),
        "respond", "comment", {"response": ["", "We added compassion to our values."],
                               "changed_strategy": [None, True], "themes": [[], ["Values"]]},
        Comment, rows=0, arrange=_comment, stored=_read(Comment, "response"), names=_its_id),
    Write("consultation.add_event", lambda db, s, a, x: _engagement(db, s, a),
          "create", "engagement_event", {**ENGAGEMENT, "held_on": "2027-02-10"}, EngagementEvent),
    Write("consultation.update_event", lambda db, s, a, x: consultation.update_event(
        session=db, event=x, actor=a, **{**ENGAGEMENT, "participants": 20}),  # type: ignore[arg-type]
        "update", "engagement_event", {"participants": [12, 20]}, EngagementEvent, rows=0, arrange=_engagement,
        stored=_read(EngagementEvent, "participants"), names=_its_id),
    Write("consultation.delete_event", lambda db, s, a, x: consultation.delete_event(
        session=db, event=x, actor=a),
        "delete", "engagement_event", {"held_on": "2027-02-10", "format": "workshop"}, EngagementEvent, rows=-1,
        arrange=_engagement, names=_its_id),
    # versions
    Write("versions.submit", lambda db, s, a, x: versions.submit(session=db, strategy=s, actor=a),
          "submit", "strategy", {"status": ["draft", "submitted"]}, Strategy, rows=0,
          stored=_of_strategy("status", "submitted_by"), names=_strategy_id),
    Write("versions.withdraw", lambda db, s, a, x: versions.withdraw(session=db, strategy=s, actor=a),
          "withdraw", "strategy", {"status": ["submitted", "draft"]}, Strategy, rows=0, arrange=_submitted,
          stored=_of_strategy("status", "submitted_by"), names=_strategy_id),
    # Its snapshot reads the competencies, whose shipped defaults are copied on this first use: with the approval.
    Write("versions.record_decision", _decide("approved"),
          "approve", "strategy", {"decision": "approved", "minute": "2027/045", "meeting_date": "2027-03-15",
                                  "version": 1},
          StrategyVersion, arrange=_submitted, variant="approved", names=_strategy_id,
          also=(("create", "competency_frameworks"), ("create", "required_steps"))),
    Write("versions.record_decision", _decide("deferred"),
          "defer", "strategy", {"decision": "deferred", "minute": "2027/045"}, BoardDecision, arrange=_submitted,
          variant="deferred", names=_strategy_id),
    # board_cover
    Write("board_cover.save_cover", lambda db, s, a, x: _cover(db, s, a),
          "create", "board_cover", {"meeting": [None, "People Committee"], "purpose": [None, "assurance"]},
          BoardCover, variant="add"),
    Write("board_cover.save_cover", lambda db, s, a, x: board_cover.save_cover(
        session=db, strategy=s, organisation=_org(db, s), values={**COVER, "agenda_item": "7.2"}, actor=a,
        today=TODAY),
        "update", "board_cover", {"agenda_item": ["", "7.2"]}, BoardCover, rows=0, arrange=_cover,
        stored=_read(BoardCover, "agenda_item"), variant="change"),
    # evidence (counts only: no one's name, id, date or age in any event)
    Write("evidence.import_start", lambda db, s, a, x: evidence.import_start(
        session=db, strategy=s, result=START_EXTRACT, filename="start.csv", actor=a),
        "import", "evidence_start", {"file": "start.csv", "rows_read": 40}, EvidenceExtract, arrange=_medicine),
    Write("evidence.store_leavers", lambda db, s, a, x: evidence.store_leavers(
        session=db, strategy=s, result=LEAVERS_EXTRACT, filename="leavers.csv", actor=a),
        "import", "evidence_leavers", {"file": "leavers.csv", "rows_read": 3, "leavers": 2, "moves": 1,
                                       "period": ["2025-04-01", "2026-03-31"]},
        EvidenceExtract, arrange=_medicine),
    Write("evidence.apply_rates", lambda db, s, a, x: evidence.apply_rates(session=db, strategy=s, scenario=x, actor=a),
          "apply", "scenario_evidence", {"period": ["2025-04-01", "2026-03-31"], "files": ["start.csv", "leavers.csv"],
                                         "removed": []},
          ScenarioLevel, rows=0, arrange=_scenario_with_evidence, stored=_leaver_rates, names=_its_id),
    # establishment
    Write("establishment.save_establishment", lambda db, s, a, x: establishment.save_establishment(
        session=db, strategy=s, posts={(x.id, "middle"): 12}, actor=a),
        "update", "establishment", {"source": "typed", "replace": False, "figures": 1, "changed": 1},
        Establishment, arrange=_medicine, names=_strategy_id),
    # The file replaces the whole establishment: Medicine's posts added, Surgery's taken away.
    Write("establishment.import_file", lambda db, s, a, x: establishment.import_file(
        session=db, strategy=s, result=ESTABLISHMENT_FILE, filename="establishment.csv", actor=a),
        "update", "establishment", {"source": "file establishment.csv", "replace": True, "figures": 1, "changed": 2},
        Establishment, rows=0, arrange=_establishment_elsewhere, stored=_establishment_rows, names=_strategy_id),
    # the board's seats (labels and terms, never names)
    Write("board_terms.save_seat", lambda db, s, a, x: board_terms.save_seat(session=db, strategy=s, seat=CHAIR,
                                                                              actor=a),
          "create", "board_seat", {"label": "Chair", "role": "chair", "term_end": "2029-03-31"}, BoardSeat,
          variant="add"),
    Write("board_terms.save_seat", lambda db, s, a, x: board_terms.save_seat(
        session=db, strategy=s, seat=replace(CHAIR, term_number=2), actor=a, row=x, version=x.version),
        "update", "board_seat", {"label": "Chair", "term_number": 2}, BoardSeat, rows=0, arrange=_seat,
        stored=_seats, variant="change"),
    Write("board_terms.replace_seats", lambda db, s, a, x: board_terms.replace_seats(
        session=db, strategy=s, seats=[replace(CHAIR, label="Chair of the board")], actor=a,
        source="file seats.csv"),
        "import", "board_seats", {"source": "file seats.csv", "seats": 1}, BoardSeat, rows=0, arrange=_seat,
        stored=_seats, names=_strategy_id),
    Write("board_terms.delete_seat", lambda db, s, a, x: board_terms.delete_seat(session=db, row=x, actor=a),
          "delete", "board_seat", {"label": "Chair"}, BoardSeat, rows=-1, arrange=_seat, names=_its_id),
    # succession (the pool's characteristics, never its counts)
    Write("succession.save_entry", lambda db, s, a, x: succession.save_entry(
        session=db, strategy=s, area_id=x.id, level_id=factories.level(db, s, "middle").id, figures=REGISTER,  # type: ignore[arg-type]
        pool=POOL, actor=a, new=True),
        "create", "succession", lambda x: {"area_id": x.id, **REGISTER, "pool": ["sex"]}, SuccessionEntry,
        arrange=_medicine, variant="add"),
    Write("succession.save_entry", lambda db, s, a, x: succession.save_entry(
        session=db, strategy=s, area_id=x.area_id, level_id=x.level_id, figures={**REGISTER, "critical_roles": 5},
        pool=POOL, actor=a, version=x.version),
        "update", "succession", {"critical_roles": 5, "pool": ["sex"]}, SuccessionEntry, rows=0, arrange=_entry,
        stored=_register, variant="change"),
    Write("succession.replace_register", lambda db, s, a, x: succession.replace_register(
        session=db, strategy=s, rows=[RegisterRow("SURG", "middle", REGISTER, {})], actor=a,  # type: ignore[list-item]
        source="file register.csv"),
        "import", "succession", {"rows": 1, "source": "file register.csv"}, SuccessionEntry, rows=0,
        arrange=_entry_and_surgery, stored=_register, names=_strategy_id),
    Write("succession.delete_entry", lambda db, s, a, x: succession.delete_entry(session=db, entry=x, actor=a),
          "delete", "succession", lambda x: {"area_id": x.area_id, "level_id": x.level_id}, SuccessionEntry,
          rows=-1, arrange=_entry, names=_its_id),
]


def _count(database_url: str, model: type[SQLModel]) -> int:
    with fresh(database_url) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _state(database_url: str, write: Write, strategy: Strategy, arranged: Any) -> tuple[int, int, Any]:
    """As committed: the rows of the write's table, all events, and what the write changes."""
    with fresh(database_url) as session:
        stored = write.stored(session, strategy, arranged) if write.stored else None
    return _count(database_url, write.model), _count(database_url, AuditEvent), stored


def _event_ids(database_url: str) -> set[int | None]:
    with fresh(database_url) as session:
        return set(session.exec(select(AuditEvent.id)))


def _events_since(database_url: str, before: set[int | None]) -> list[AuditEvent]:
    with fresh(database_url) as session:
        return [e for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)) if e.id not in before]  # type: ignore[arg-type]


def _writing_functions() -> set[str]:
    """module.function of every public function of planner/services that adds, changes or deletes rows: by its
    own code, or by calling a function of its module (or another service's, named with its module or imported
    from it) that does. A service split into a package counts as one module, named as its callers name it."""
    import ast
    import importlib
    import inspect
    import pkgutil

    sources: dict[tuple[str, str], str] = {}
    imported: dict[str, dict[str, str]] = {}  # service -> name called unqualified -> the service it came from
    for info in pkgutil.walk_packages(services.__path__, prefix="planner.services."):
        owner = info.name.split(".")[2]
        if owner == "derived":
            # Keeps results, not records: its flush only sends what its caller has already changed.
            continue
        module = importlib.import_module(info.name)
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("planner.services."):
                source = (node.module or "").split(".")[2]
                if source != owner:
                    imported.setdefault(owner, {}).update({a.asname or a.name: source for a in node.names})
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__:
                sources[(owner, name)] = inspect.getsource(function)
    own = re.compile(r"\bsession\.(?:add|delete|commit|flush)\(|\bfinish\(session")
    writers = {key for key, source in sources.items() if own.search(source)}

    def calls(key: tuple[str, str], module: str, name: str) -> bool:
        source = sources[key]
        if module == key[0] or imported.get(key[0], {}).get(name) == module:
            return re.search(rf"(?<![\w.]){name}\(", source) is not None
        return re.search(rf"\b{module}\.{name}\(", source) is not None

    while True:
        found = {key for key in sources if key not in writers and any(calls(key, *w) for w in writers)}
        if not found:
            return {f"{module}.{name}" for module, name in writers if not name.startswith("_")}
        writers |= found


def test_every_writing_service_function_is_accounted_for() -> None:
    covered = {w.function for w in WRITES}
    assert _writing_functions() == covered | set(TESTED_ELSEWHERE) | set(NO_EVENT)
    assert not covered & (set(TESTED_ELSEWHERE) | set(NO_EVENT))
    assert len({w.name for w in WRITES}) == len(WRITES)
    # A write that adds or deletes no row says what it changes, so the failure tests can see it was not stored.
    assert [w.name for w in WRITES if w.rows == 0 and w.stored is None] == []


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_a_write_leaves_exactly_one_event_describing_it(db: Session, database_url: str, org: Organisation,
                                                        strategy: Strategy, write: Write) -> None:
    actor = factories.make_member(db, org, role="editor")
    arranged = write.arrange(db, strategy, actor)
    rows, _events, stored = _state(database_url, write, strategy, arranged)
    before = _event_ids(database_url)
    entity_id = write.write(db, strategy, actor, arranged)
    new = _events_since(database_url, before)
    assert sorted((e.action, e.entity) for e in new) == sorted([(write.action, write.entity), *write.also])
    event = next(e for e in new if (e.action, e.entity) == (write.action, write.entity))
    assert (event.entity_id, event.user_id) == (entity_id, actor.id if write.by_actor else None)
    # A new organisation's event is its own; every other is the organisation's whose record changed.
    assert event.organisation_id == (entity_id if write.entity == "organisation" else org.id)
    changes = json.loads(event.changes)
    expected = write.expected(arranged)
    assert {k: changes.get(k) for k in expected} == expected
    assert event.at.replace(tzinfo=UTC) > datetime.now(UTC) - timedelta(minutes=5)
    rows_after, _events, stored_after = _state(database_url, write, strategy, arranged)
    assert rows_after == rows + write.rows
    if write.stored is not None:
        assert stored_after != stored


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_a_failed_commit_stores_neither_the_change_nor_its_event(
        db: Session, database_url: str, org: Organisation, strategy: Strategy, monkeypatch: pytest.MonkeyPatch,
        write: Write) -> None:
    actor = factories.make_member(db, org, role="editor")
    arranged = write.arrange(db, strategy, actor)
    before = _state(database_url, write, strategy, arranged)

    def commit_that_fails() -> None:
        db.flush()  # everything reaches the database inside the transaction, then the commit fails
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(db, "commit", commit_that_fails)
    with pytest.raises(OperationalError):
        write.write(db, strategy, actor, arranged)
    db.rollback()
    assert _state(database_url, write, strategy, arranged) == before


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_an_event_that_cannot_be_written_takes_its_change_with_it(
        db: Session, database_url: str, org: Organisation, strategy: Strategy, monkeypatch: pytest.MonkeyPatch,
        write: Write) -> None:
    actor = factories.make_member(db, org, role="editor")
    arranged = write.arrange(db, strategy, actor)
    before = _state(database_url, write, strategy, arranged)

    def record_of_nobody(session: Session, **kwargs: Any) -> None:
        audit.record(session, **{**kwargs, "user_id": 987654})  # no such person: a foreign-key clash at flush

    for module in write.modules:
        monkeypatch.setattr(module, "record", record_of_nobody)
    with pytest.raises(IntegrityError):
        write.write(db, strategy, actor, arranged)
    db.rollback()
    assert _state(database_url, write, strategy, arranged) == before


def test_the_demo_loads_in_one_transaction_with_an_event_of_its_own(db: Session, database_url: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.services.demo import load_demo

    before = _count(database_url, Organisation), _count(database_url, AuditEvent)
    pending: list[tuple[str, str, int | None, int | None, dict[str, Any]]] = []

    def commit_that_fails() -> None:
        db.flush()  # the whole demo is in the transaction now: read its events there, then fail
        organisation = db.exec(select(Organisation)).one()
        strategy = db.exec(select(Strategy)).one()
        pending.extend((e.action, e.entity, e.entity_id, e.organisation_id, json.loads(e.changes))
                       for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)))  # type: ignore[arg-type]
        pending.append(("ids", "", organisation.id, strategy.id, {}))
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(db, "commit", commit_that_fails)
    with pytest.raises(OperationalError):
        load_demo(session=db, hash_method=factories.FAST_HASH)
    assert (_count(database_url, Organisation), _count(database_url, AuditEvent)) == before
    *events, (_ids, _, organisation_id, strategy_id, _) = pending
    # The one commit came at the end (no part of the demo was committed on its own before it) ...
    assert [e for e in events if e[:2] == ("load", "demo")] == [
        ("load", "demo", organisation_id, organisation_id, {"file": "organisation.json", "strategy_id": strategy_id})]
    # ... with the events of the services it reuses, all of them the demo organisation's.
    assert {("create", "organisation"), ("create", "strategy"), ("create", "staff_import"), ("import", "baseline"),
            ("approve", "strategy")} <= {e[:2] for e in events}
    assert {e[3] for e in events} == {organisation_id}


def test_the_board_packs_content_commits_nothing(db: Session, database_url: str, org: Organisation,
                                                strategy: Strategy, monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.services.board_pack import pack_content

    before = _count(database_url, RequiredStep), _count(database_url, AuditEvent)

    def no_commit() -> None:
        raise AssertionError("a read committed its caller's transaction")

    monkeypatch.setattr(db, "commit", no_commit)
    content = pack_content(db, strategy, org, prepared_by="", today=TODAY)
    assert content["competencies"]["competencies"]  # read with the default frameworks and steps ...
    db.rollback()
    assert (_count(database_url, RequiredStep), _count(database_url, AuditEvent)) == before  # ... stored by no one


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
    planner_user = factories.make_member(db, org, role="planner")
    result = _extract_read(db, strategy, planner_user)  # the areas, then the extract read (nothing stored)
    before = {e.id for e in events_in(database_url, org)}
    assert sum(result.diversity.values()) > 0  # the extract did carry diversity data
    pending = staff_import.hold(session=db, strategy=strategy, result=result, filename="staff.csv",
                                actor=planner_user)
    staff_import.apply(session=db, strategy=strategy, pending=pending, actor=planner_user)
    discarded = staff_import.hold(session=db, strategy=strategy, result=result, filename="again.csv",
                                  actor=planner_user)
    staff_import.discard(session=db, pending=discarded, actor=planner_user)
    new = [e for e in events_in(database_url, org) if e.id not in before]
    assert [(e.action, e.entity) for e in new] == [("create", "staff_import"), ("import", "baseline"),
                                                   ("create", "staff_import"), ("discard", "staff_import")]
    assert [json.loads(e.changes) for e in new] == [
        {"file": "staff.csv", "rows_read": 4, "rows_skipped": 0, "status": "pending"},
        {"file": "staff.csv", "rows_read": 4, "rows_skipped": 0, "areas": 2},
        {"file": "again.csv", "rows_read": 4, "rows_skipped": 0, "status": "pending"},
        {"file": "again.csv", "status": ["pending", "discarded"]},
    ]
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


def test_evidence_and_the_register_record_totals_not_counts(db: Session, database_url: str, org: Organisation,
                                                             strategy: Strategy) -> None:
    actor = factories.make_member(db, org, role="planner")
    before = {e.id for e in events_in(database_url, org)}
    _scenario_with_evidence(db, strategy, actor)  # the leavers extract, then the start of period extract
    medicine = next(a for a in structure.areas_of(db, strategy) if a.code == "MED")
    succession.save_entry(session=db, strategy=strategy, area_id=medicine.id,  # type: ignore[arg-type]
                          level_id=factories.level(db, strategy, "middle").id, figures=REGISTER,  # type: ignore[arg-type]
                          pool={"ethnicity": {"white": 1, "bme": 2, "not_stated": 0}}, actor=actor, new=True)
    new = [e for e in events_in(database_url, org) if e.id not in before]
    evidence_events = [e for e in new if e.entity.startswith("evidence_")]
    assert [e.entity for e in evidence_events] == ["evidence_leavers", "evidence_start"]
    _assert_no_diversity_or_staff_rows(evidence_events)  # no age band, so no band's count
    for event in evidence_events:  # nor why anyone left, nor the area's or the level's leaders
        assert not re.search(r"Retirement|Resignation|frontline|MED|\b30\b", event.changes), event.changes
    (register,) = [e for e in new if e.entity == "succession"]
    words = {str(w) for w in _strings_and_numbers(json.loads(register.changes))}
    assert "ethnicity" in words and not {"white", "bme", "not_stated"} & words  # which characteristic, no group
