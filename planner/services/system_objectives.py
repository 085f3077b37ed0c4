"""Shared partnership objectives (docs/systems.md): a system sets its own objectives; a member links one of
its own strategic objectives to one, with a weight. The link is the member's consent to show the system
that objective's title, progress, RAG and due date, live, and nothing else of its cascade. The system
sees each linked objective's progress and RAG as the member's own pages work them out, and its own
objective's progress as their weighted roll-up (planner.objectives does the arithmetic, in one place)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from planner.models import (
    CheckIn,
    Objective,
    Organisation,
    Strategy,
    SystemMember,
    SystemObjective,
    SystemObjectiveLink,
    User,
    utcnow,
)
from planner.objectives import progress as calc
from planner.objectives.health import weighted_progress
from planner.services import NotFound, ServiceError, finish
from planner.services.audit import diff, record, record_many
from planner.services.editing import check_version, commit_checked
from planner.services.objectives import measure_of, thresholds_of
from planner.services.systems import MEMBER, drop_objective_link, is_system, link_of

MAX_TITLE = 300  # the column's length
MAX_DESCRIPTION = 5000  # a paragraph or two: the system's paper shows it whole
MAX_WEIGHT = 1000.0
STRATEGIC = "strategic"  # the top of a member's cascade: the only objectives a member links


def _actor_id(actor: User | None) -> int | None:
    return actor.id if actor else None


def system_objectives(session: Session, system: Organisation) -> list[SystemObjective]:
    """The system's own objectives, by reference."""
    return list(session.exec(select(SystemObjective).where(SystemObjective.organisation_id == system.id)
                             .order_by(func.lower(SystemObjective.ref), col(SystemObjective.id))))


def system_objective(session: Session, system: Organisation, objective_id: int) -> SystemObjective:
    """One of the system's own objectives by id; NotFound for any other system's, or none."""
    found = session.get(SystemObjective, objective_id)
    if found is None or found.organisation_id != system.id:
        raise NotFound("That objective is not this system's", field="system_objective")
    return found


def _checked(session: Session, system: Organisation, values: dict[str, Any],
             objective: SystemObjective | None) -> dict[str, Any]:
    """The objective's values, trimmed, or a ServiceError naming the first field that is wrong."""
    ref = str(values.get("ref") or "").strip()
    if not calc.REF_PATTERN.fullmatch(ref):
        raise ServiceError("Enter a reference of up to 40 letters, digits, dots, hyphens or slashes, like SO1 or "
                           "ICS-2", field="ref")
    clash = session.exec(select(SystemObjective).where(SystemObjective.organisation_id == system.id,
                                                       func.lower(SystemObjective.ref) == ref.lower())).first()
    if clash is not None and (objective is None or clash.id != objective.id):
        raise ServiceError(f"Another of the system's objectives already has the reference {clash.ref}", field="ref")
    title = str(values.get("title") or "").strip()
    if not title:
        raise ServiceError("Enter the objective's title", field="title")
    if len(title) > MAX_TITLE:
        raise ServiceError(f"The title must be {MAX_TITLE} characters or fewer", field="title")
    description = str(values.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ServiceError(f"The description must be {MAX_DESCRIPTION:,} characters or fewer", field="description")
    start, due = values.get("start"), values.get("due")
    for key, value in (("start", start), ("due", due)):
        if value is not None and not isinstance(value, date):
            raise ServiceError(f"Enter the {key} date as a date, like 2027-03-31", field=key)
    if start is not None and due is not None and due < start:
        raise ServiceError("The due date must be on or after the start date", field="due")
    return {"ref": ref, "title": title, "description": description, "start": start, "due": due}


def save_system_objective(*, session: Session, system: Organisation, values: dict[str, Any], actor: User | None,
                          objective: SystemObjective | None = None, version: int | None = None,
                          commit: bool = True) -> SystemObjective:
    """Add one of the system's objectives, or change it (refused if it changed since `version` was read)."""
    if not is_system(system):
        raise ServiceError(f"{system.name} is not a system: only a system sets partnership objectives")
    if objective is not None:
        if objective.organisation_id != system.id:
            raise NotFound("That objective is not this system's")
        check_version(objective, version)
    clean = _checked(session, system, values, objective)
    if objective is None:
        row = SystemObjective(organisation_id=system.id, **clean)
        session.add(row)
        session.flush()
        record(session, action="create", entity="system_objective", entity_id=row.id, organisation_id=system.id,
               user_id=_actor_id(actor), changes={k: str(v) if isinstance(v, date) else v for k, v in clean.items()})
        finish(session, commit)
        return row
    before = {k: getattr(objective, k) for k in clean}
    for key, value in clean.items():
        setattr(objective, key, value)
    objective.updated_at = utcnow()
    session.add(objective)
    record(session, action="update", entity="system_objective", entity_id=objective.id, organisation_id=system.id,
           user_id=_actor_id(actor), changes=diff(before, clean))
    commit_checked(session, objective, commit=commit)
    return objective


def delete_system_objective(*, session: Session, system: Organisation, objective: SystemObjective,
                            actor: User | None, commit: bool = True) -> int:
    """Delete one of the system's objectives and every member's link to it (each in that member's trail too);
    the number of links removed."""
    if objective.organisation_id != system.id:
        raise NotFound("That objective is not this system's")
    links = list(session.exec(select(SystemObjectiveLink)
                              .where(SystemObjectiveLink.system_objective_id == objective.id)))
    for link in links:
        drop_objective_link(session, link, actor, why="the system deleted its objective")
    session.flush()  # the links first: the database would otherwise cascade them away before the ORM's delete
    record(session, action="delete", entity="system_objective", entity_id=objective.id, organisation_id=system.id,
           user_id=_actor_id(actor), changes={"ref": objective.ref, "title": objective.title, "links": len(links)})
    session.delete(objective)
    finish(session, commit)
    return len(links)


def member_target(session: Session, organisation: Organisation, system_objective_id: int
                  ) -> tuple[Organisation, SystemObjective]:
    """A system objective the organisation may link to (its system's, where it is a member), with the system;
    NotFound for any other, so another system's objective ids tell a member nothing."""
    target = session.get(SystemObjective, system_objective_id)
    system = session.get(Organisation, target.organisation_id) if target is not None else None
    membership = link_of(session, system, organisation) if system is not None else None
    if target is None or system is None or membership is None or membership.status != MEMBER:
        raise NotFound("Choose one of the objectives of a system your organisation is a member of",
                       field="system_objective")
    return system, target


def strategic_objectives(session: Session, organisation: Organisation) -> list[tuple[Objective, Strategy]]:
    """The organisation's strategic objectives (the top of each cascade) with their strategy: what it may link."""
    rows = session.exec(select(Objective, Strategy).join(Strategy, col(Strategy.id) == Objective.strategy_id)
                        .where(Objective.organisation_id == organisation.id, Objective.level == STRATEGIC)
                        .order_by(col(Strategy.start_year).desc(), col(Strategy.id).desc(), col(Objective.position),
                                  col(Objective.ref)))
    return [(objective, strategy) for objective, strategy in rows]


def _weight(value: object) -> float:
    """A link's weight: a finite number above 0 and up to MAX_WEIGHT."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 < value <= MAX_WEIGHT:
        raise ServiceError(f"The weight must be a number above 0 and up to {MAX_WEIGHT:,.0f}, like 1 or 2.5",
                           field="weight")
    return float(value)


def link_objective(*, session: Session, system: Organisation, organisation: Organisation, system_objective_id: int,
                   objective_id: int, weight: float, actor: User | None, commit: bool = True) -> SystemObjectiveLink:
    """The member links one of its own strategic objectives to one of the system's objectives, with a weight:
    from then on the system sees that objective's title, progress, RAG and due date."""
    membership = link_of(session, system, organisation)
    if membership is None or membership.status != MEMBER:
        raise ServiceError(f"{organisation.name} is not a member of {system.name}: accept its invitation first",
                           field="system_objective")
    target = system_objective(session, system, system_objective_id)
    objective = session.get(Objective, objective_id)
    if objective is None or objective.organisation_id != organisation.id:
        raise NotFound("No such objective in your organisation", field="objective")
    if objective.level != STRATEGIC:
        raise ServiceError(f"{objective.ref} is not a strategic objective: link one at the top of your cascade",
                           field="objective")
    checked_weight = _weight(weight)
    existing = session.exec(select(SystemObjectiveLink).where(
        SystemObjectiveLink.system_objective_id == target.id, SystemObjectiveLink.objective_id == objective.id)).first()
    if existing is not None:
        raise ServiceError(f"{objective.ref} is already linked to {target.ref}", field="objective")
    link = SystemObjectiveLink(organisation_id=organisation.id, system_id=system.id, system_objective_id=target.id,
                               objective_id=objective.id, weight=checked_weight, linked_by=_actor_id(actor))
    session.add(link)
    try:
        session.flush()
    except IntegrityError as exc:  # another administrator linked it between our check and our write
        session.rollback()
        raise ServiceError(f"{objective.ref} is already linked to {target.ref}", field="objective") from exc
    for organisation_id in (system.id, organisation.id):
        record(session, action="link", entity="system_objective_link", entity_id=link.id,
               organisation_id=organisation_id, user_id=_actor_id(actor),
               changes={"system": system.slug, "system_objective": target.ref, "objective_id": objective.id,
                        "objective": objective.ref, "weight": checked_weight})
    finish(session, commit)
    return link


def unlink_objective(*, session: Session, link: SystemObjectiveLink, actor: User | None, commit: bool = True) -> None:
    """The member removes one of its links: the system stops seeing that objective at once."""
    drop_objective_link(session, link, actor, why="the member removed it")
    finish(session, commit)


LinkRow = tuple[SystemObjectiveLink, SystemObjective, Objective]


def links_of_member(session: Session, organisation: Organisation) -> list[LinkRow]:
    """The organisation's links to any system's objectives, with both objectives (one query)."""
    rows = session.exec(select(SystemObjectiveLink, SystemObjective, Objective)
                        .join(SystemObjective, col(SystemObjective.id) == SystemObjectiveLink.system_objective_id)
                        .join(Objective, col(Objective.id) == SystemObjectiveLink.objective_id)
                        .where(SystemObjectiveLink.organisation_id == organisation.id)
                        .order_by(func.lower(SystemObjective.ref), col(Objective.ref)))
    return [(link, target, objective) for link, target, objective in rows]


def _progress_and_rag(session: Session, linked: list[tuple[SystemObjectiveLink, Objective, Organisation]],
                      today: date) -> dict[int, tuple[float | None, str | None]]:
    """Each linked objective's progress and RAG exactly as its own organisation's cascade shows them (its roll-up
    over its strategy's cascade, RAG with its organisation's thresholds and any override), in two queries
    however many members and strategies there are."""
    strategy_ids = sorted({objective.strategy_id for _link, objective, _member in linked})
    cascade = list(session.exec(select(Objective).where(col(Objective.strategy_id).in_(strategy_ids))))
    latest: dict[int, CheckIn] = {}
    for row in session.exec(select(CheckIn).where(col(CheckIn.objective_id).in_([o.id for o in cascade]))
                            .order_by(col(CheckIn.on).desc(), col(CheckIn.id).desc())):
        latest.setdefault(row.objective_id, row)  # newest first: the first met is the latest
    by_strategy: dict[int, list[Objective]] = {}
    for objective in cascade:
        by_strategy.setdefault(objective.strategy_id, []).append(objective)
    progress: dict[int, float | None] = {}
    for rows in by_strategy.values():
        ids = {o.id for o in rows}
        nodes = [calc.Node(id=o.id, parent=o.parent_id if o.parent_id in ids else None, weight=o.weight,
                           measure=measure_of(o), latest=_as_check_in(latest.get(o.id))) for o in rows]
        progress.update({int(key): value for key, value in calc.rolled_up(nodes).items()})
    out: dict[int, tuple[float | None, str | None]] = {}
    for _link, objective, member in linked:
        share = progress.get(objective.id)
        computed = calc.rag(share, objective.start, objective.due, today, thresholds_of(member))
        try:
            shown = calc.rag_shown(computed, objective.rag_override, objective.rag_reason)
        except ValueError:  # an override without its reason shows the computed rating, as the member's page does
            shown = computed
        out[objective.id] = (share, shown)
    return out


def _as_check_in(row: CheckIn | None) -> calc.CheckIn | None:
    return None if row is None else calc.CheckIn(on=row.on, value=row.value, done=row.done,
                                                 confidence=row.confidence, note=row.note)


def _linked(session: Session, system: Organisation) -> list[tuple[SystemObjectiveLink, Objective, Organisation]]:
    """The links to the system's objectives of its current members, with the member's objective and the member,
    by member then reference: one query."""
    rows = session.exec(select(SystemObjectiveLink, Objective, Organisation)
                        .join(Objective, col(Objective.id) == SystemObjectiveLink.objective_id)
                        .join(Organisation, col(Organisation.id) == SystemObjectiveLink.organisation_id)
                        # Only current members' links count: leaving deletes them, but the join makes sure.
                        .join(SystemMember, (col(SystemMember.system_id) == SystemObjectiveLink.system_id)
                              & (col(SystemMember.organisation_id) == SystemObjectiveLink.organisation_id)
                              & (col(SystemMember.status) == MEMBER))
                        .where(SystemObjectiveLink.system_id == system.id)
                        .order_by(Organisation.name, col(Objective.ref), col(SystemObjectiveLink.id)))
    return [(link, objective, member) for link, objective, member in rows]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def partnership_view(session: Session, system: Organisation, *, today: date) -> dict[str, Any]:
    """The system's objectives, each with its members' linked objectives (progress and RAG as each member's own
    pages show them) and its own progress (their weighted roll-up) and RAG (against its own dates, with the
    system's thresholds): four queries however many members. The caller records the reads (record_link_reads)."""
    targets = system_objectives(session, system)
    linked = _linked(session, system) if targets else []
    strategic = [row for row in linked if row[1].level == STRATEGIC]
    judged = _progress_and_rag(session, strategic, today) if strategic else {}
    by_target: dict[int, list[dict[str, Any]]] = {}
    for link, objective, member in strategic:
        share, shown = judged[objective.id]
        by_target.setdefault(link.system_objective_id, []).append(
            {"id": link.id, "organisation": member.slug, "name": member.name, "objective_ref": objective.ref,
             "title": objective.title, "weight": link.weight, "progress": share, "rag": shown,
             "due": _iso(objective.due)})
    system_thresholds = thresholds_of(system)
    objectives = []
    for target in targets:
        links = by_target.get(target.id, [])
        rolled = weighted_progress((row["weight"], row["progress"]) for row in links)
        objectives.append({"id": target.id, "ref": target.ref, "title": target.title,
                           "description": target.description, "start": _iso(target.start), "due": _iso(target.due),
                           "progress": rolled, "rag": calc.rag(rolled, target.start, target.due, today,
                                                               system_thresholds),
                           "links": links})
    notes = ["Each linked objective's progress and RAG are its member's own, as that member's pages work them out "
             "today; a system objective's progress is the weighted mean of its linked objectives' progress, leaving "
             "out those with none yet (the other weights then share the whole), and its RAG compares that progress "
             "with the time elapsed between its own start and due dates. " + calc.rag_rule(system_thresholds)]
    dropped = len(linked) - len(strategic)
    if dropped:
        notes.append(f"Left out: {dropped} linked objective{'' if dropped == 1 else 's'} no longer strategic in "
                     "the member's own cascade, until the member links a strategic one.")
    return {"objectives": objectives, "notes": notes}


def record_link_reads(*, session: Session, system: Organisation, view: dict[str, Any], actor: User | None,
                      purpose: str) -> None:
    """Write, in each linking member's audit trail, that the system read its linked objective (and why), for
    every link the view shows: one statement however many members."""
    shown = [(target, link) for target in view["objectives"] for link in target["links"]]
    if not shown:
        return
    ids = {link["id"] for _target, link in shown}
    owners = {row.id: row for row in session.exec(select(SystemObjectiveLink)
                                                 .where(col(SystemObjectiveLink.id).in_(ids)))}
    record_many(session, [{"action": "system_read", "entity": "objective", "entity_id": owners[link["id"]].objective_id,
                           "organisation_id": owners[link["id"]].organisation_id, "user_id": _actor_id(actor),
                           "changes": {"system": system.slug, "link_id": link["id"], "system_objective": target["ref"],
                                       "read": purpose}}
                          for target, link in shown if link["id"] in owners])
    session.commit()


def read_partnership(*, session: Session, system: Organisation, today: date, actor: User | None,
                     purpose: str) -> dict[str, Any]:
    """The partnership view, with every linked objective it shows written to its member's trail as read."""
    view = partnership_view(session, system, today=today)
    record_link_reads(session=session, system=system, view=view, actor=actor, purpose=purpose)
    return view
