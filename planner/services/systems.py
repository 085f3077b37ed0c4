"""Systems: an integrated care system (or any partnership) is an organisation of kind `system`
whose members are trusts that joined by their own administrator's acceptance. A member shares one
approved version of a strategy (and one scenario of it) at a time; the system reads only that
frozen snapshot. Every share, withdrawal and system read is in the member's audit trail
(docs/systems.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from planner.models import (
    Organisation,
    Strategy,
    StrategyVersion,
    SystemMember,
    SystemObjectiveLink,
    SystemShare,
    User,
)
from planner.services import NotFound, ServiceError, finish
from planner.services.accounts import find_organisation
from planner.services.audit import record, record_many
from planner.services.versions import snapshot_of

INVITED, MEMBER = "invited", "member"
MAX_SCENARIO = 100  # the length of a scenario's name (and of the share's column)


def _actor_id(actor: User | None) -> int | None:
    return actor.id if actor else None


def is_system(organisation: Organisation) -> bool:
    """Whether the organisation is a system rather than a trust."""
    return organisation.kind == "system"


def find_system(session: Session, slug: str) -> Organisation | None:
    """The system with this slug, if any (a trust's slug is not a system's)."""
    found = find_organisation(session, slug)
    return found if found is not None and is_system(found) else None


def system_by_slug(session: Session, slug: str) -> Organisation:
    """The system with this slug, or NotFound (a trust's slug is not a system's)."""
    found = find_system(session, slug)
    if found is None:
        raise NotFound(f"No system has the slug '{slug}'", field="system")
    return found


def link_of(session: Session, system: Organisation, organisation: Organisation) -> SystemMember | None:
    """The organisation's invitation to or membership of the system, if any."""
    return session.exec(select(SystemMember).where(SystemMember.system_id == system.id,
                                                   SystemMember.organisation_id == organisation.id)).first()


def members_of(session: Session, system: Organisation) -> list[tuple[SystemMember, Organisation]]:
    """The system's members and invited organisations, by name."""
    rows = session.exec(select(SystemMember, Organisation)
                        .join(Organisation, col(Organisation.id) == SystemMember.organisation_id)
                        .where(SystemMember.system_id == system.id).order_by(Organisation.name))
    return [(link, organisation) for link, organisation in rows]


def systems_of(session: Session, organisation: Organisation) -> list[tuple[SystemMember | None, Organisation]]:
    """The systems the organisation sees: a system itself (no link); a trust's systems it belongs to or
    is invited to, with the link, by name."""
    if is_system(organisation):
        return [(None, organisation)]
    rows = session.exec(select(SystemMember, Organisation)
                        .join(Organisation, col(Organisation.id) == SystemMember.system_id)
                        .where(SystemMember.organisation_id == organisation.id).order_by(Organisation.name))
    return [(link, system) for link, system in rows]


def invite(*, session: Session, system: Organisation, member: Organisation, actor: User | None,
           commit: bool = True) -> SystemMember:
    """Invite a trust to join the system; it joins when its own administrator accepts."""
    if not is_system(system):
        raise ServiceError(f"{system.name} is not a system")
    if is_system(member) or member.id == system.id:
        raise ServiceError(f"{member.name} is a system: only trusts can be members", field="member")
    existing = link_of(session, system, member)
    if existing is not None:
        raise ServiceError(f"{member.name} is already a member of {system.name}" if existing.status == MEMBER
                           else f"{member.name} has already been invited to join {system.name}", field="member")
    link = SystemMember(system_id=system.id, organisation_id=member.id, status=INVITED,
                        invited_by=_actor_id(actor))
    session.add(link)
    session.flush()
    for organisation_id in (system.id, member.id):
        record(session, action="invite", entity="system_member", entity_id=link.id, organisation_id=organisation_id,
               user_id=_actor_id(actor), changes={"system": system.slug, "member": member.slug})
    finish(session, commit)
    return link


def accept(*, session: Session, link: SystemMember, actor: User | None, commit: bool = True) -> None:
    """The member's administrator accepts the system's invitation: the trust becomes a member."""
    if link.status != INVITED:
        raise ServiceError("Your organisation is already a member of this system")
    link.status, link.joined_at, link.accepted_by = MEMBER, datetime.now(UTC), _actor_id(actor)
    session.add(link)
    for organisation_id in (link.system_id, link.organisation_id):
        record(session, action="join", entity="system_member", entity_id=link.id, organisation_id=organisation_id,
               user_id=_actor_id(actor), changes={"status": [INVITED, MEMBER]})
    finish(session, commit)


def _end(session: Session, link: SystemMember, actor: User | None, action: str) -> None:
    """End a membership or an invitation: every share the member made with the system is withdrawn, and every
    link of its objectives to the system's removed, in the same transaction, so the system sees nothing of the
    member from then on; both audit trails say so."""
    for share in session.exec(select(SystemShare).where(SystemShare.system_id == link.system_id,
                                                        SystemShare.organisation_id == link.organisation_id)):
        _withdraw(session, share, actor)
    # Links of the member's objectives to the system's objectives are its consent too: they end with it.
    for objective_link in session.exec(select(SystemObjectiveLink).where(
            SystemObjectiveLink.system_id == link.system_id,
            SystemObjectiveLink.organisation_id == link.organisation_id)):
        drop_objective_link(session, objective_link, actor, why=action)
    for organisation_id in (link.system_id, link.organisation_id):
        record(session, action=action, entity="system_member", entity_id=link.id, organisation_id=organisation_id,
               user_id=_actor_id(actor), changes={"status": [link.status, None]})
    session.delete(link)


def drop_objective_link(session: Session, link: SystemObjectiveLink, actor: User | None, *, why: str) -> None:
    """Delete a member's link of one of its objectives to a system objective, saying so (and why: the member
    removed it, left, was removed, or the system deleted its objective) in both organisations' trails."""
    for organisation_id in (link.system_id, link.organisation_id):
        record(session, action="unlink", entity="system_objective_link", entity_id=link.id,
               organisation_id=organisation_id, user_id=_actor_id(actor),
               changes={"system_objective_id": link.system_objective_id, "objective_id": link.objective_id,
                        "weight": link.weight, "why": why})
    session.delete(link)


def leave(*, session: Session, link: SystemMember, actor: User | None, commit: bool = True) -> None:
    """The member's administrator declines an invitation or leaves (every share with the system withdrawn)."""
    _end(session, link, actor, "decline" if link.status == INVITED else "leave")
    finish(session, commit)


def member_link(session: Session, system: Organisation, link_id: int) -> SystemMember:
    """One of the system's own member links or invitations, by id; NotFound for any other."""
    link = session.get(SystemMember, link_id)
    if link is None or link.system_id != system.id:
        raise NotFound("That member or invitation is not this system's")
    return link


def remove(*, session: Session, system: Organisation, link: SystemMember, actor: User | None,
           commit: bool = True) -> None:
    """The system's administrator withdraws an invitation not yet accepted, or removes a member: every share
    the member made with the system is withdrawn with it, and the member's audit trail says who did it."""
    if link.system_id != system.id:
        raise NotFound("That member or invitation is not this system's")
    _end(session, link, actor, "revoke" if link.status == INVITED else "remove")
    finish(session, commit)


def _scenario_in(snapshot: dict[str, Any], name: str | None, number: int) -> dict[str, Any]:
    """The scenario of the snapshot with this name (None: the first), with a forecast to share."""
    frozen = snapshot.get("scenarios") or []
    if not frozen:
        raise ServiceError(f"Version {number} holds no scenario, so it has no forecast to share", field="scenario")
    if name is not None and len(name.strip()) > MAX_SCENARIO:
        raise ServiceError(f"The scenario's name must be {MAX_SCENARIO} characters or fewer", field="scenario")
    chosen: dict[str, Any] | None
    if name is None or not name.strip():
        chosen = frozen[0]
    else:
        chosen = next((s for s in frozen if s["name"] == name.strip()), None)
        if chosen is None:
            names = ", ".join(f"'{s['name']}'" for s in frozen)
            raise ServiceError(f"Version {number} has no scenario called '{name.strip()}': it has {names}",
                               field="scenario")
    if not chosen.get("totals"):
        raise ServiceError(f"The scenario '{chosen['name']}' had problems when version {number} was approved, "
                           "so it has no forecast to share: choose another", field="scenario")
    return chosen


def share(*, session: Session, system: Organisation, organisation: Organisation, strategy: Strategy,
          version_number: int, scenario: str | None, actor: User | None, commit: bool = True) -> SystemShare:
    """Share one approved version of one of the organisation's strategies (and one of its scenarios,
    the first when none is named) with a system it is a member of; it replaces the strategy's earlier share."""
    link = link_of(session, system, organisation)
    if link is None or link.status != MEMBER:
        raise ServiceError(f"{organisation.name} is not a member of {system.name}: accept its invitation first",
                           field="system")
    if strategy.organisation_id != organisation.id:
        raise NotFound("No such strategy in your organisation", field="strategy")
    version = session.exec(select(StrategyVersion).where(StrategyVersion.strategy_id == strategy.id,
                                                         StrategyVersion.number == version_number)).first()
    if version is None:
        numbers = session.exec(select(StrategyVersion.number).where(StrategyVersion.strategy_id == strategy.id)
                               .order_by(col(StrategyVersion.number))).all()
        known = (f"its approved versions are {', '.join(str(n) for n in numbers)}" if numbers
                 else "it has no approved version yet: the board approves a version first")
        raise ServiceError(f"'{strategy.title}' has no approved version {version_number}: {known}", field="version")
    chosen = _scenario_in(snapshot_of(version), scenario, version.number)
    existing = session.exec(select(SystemShare).where(SystemShare.system_id == system.id,
                                                      SystemShare.strategy_id == strategy.id)).first()
    before = None
    if existing is not None:
        before_version = session.get(StrategyVersion, existing.version_id)
        before = {"version": before_version.number if before_version else None, "scenario": existing.scenario}
        found = existing
        found.version_id, found.scenario = version.id, chosen["name"]
        found.shared_at, found.shared_by = datetime.now(UTC), _actor_id(actor)
    else:
        found = SystemShare(system_id=system.id, organisation_id=organisation.id, strategy_id=strategy.id,
                            version_id=version.id, scenario=chosen["name"], shared_by=_actor_id(actor))
    session.add(found)
    session.flush()
    changes: dict[str, Any] = {"system": system.slug, "strategy_id": strategy.id, "version": version.number,
                               "scenario": chosen["name"]}
    if before is not None:
        changes["before"] = before
    record(session, action="share", entity="system_share", entity_id=found.id, organisation_id=organisation.id,
           user_id=_actor_id(actor), changes=changes)
    finish(session, commit)
    return found


def _withdraw(session: Session, found: SystemShare, actor: User | None) -> None:
    system = session.get(Organisation, found.system_id)
    version = session.get(StrategyVersion, found.version_id)
    record(session, action="withdraw", entity="system_share", entity_id=found.id,
           organisation_id=found.organisation_id, user_id=_actor_id(actor),
           changes={"system": system.slug if system else None, "strategy_id": found.strategy_id,
                    "version": version.number if version else None, "scenario": found.scenario})
    session.delete(found)


def withdraw(*, session: Session, found: SystemShare, actor: User | None, commit: bool = True) -> None:
    """Withdraw a share: the system sees nothing of that strategy from this commit on."""
    _withdraw(session, found, actor)
    finish(session, commit)


def shared_version(session: Session, found: SystemShare) -> StrategyVersion | None:
    """The approved version a share shows the system."""
    return session.get(StrategyVersion, found.version_id)


def share_of_strategy(session: Session, system: Organisation, strategy: Strategy) -> SystemShare | None:
    """The system's share of this strategy, if any."""
    return session.exec(select(SystemShare).where(SystemShare.system_id == system.id,
                                                  SystemShare.strategy_id == strategy.id)).first()


SharedRow = tuple[SystemShare, Organisation, Strategy, StrategyVersion]


def shared_title(version: StrategyVersion, strategy: Strategy) -> str:
    """The strategy's title as the version froze it: a system never sees a later draft's, even its title."""
    frozen = snapshot_of(version).get("content", {}).get("strategy", {}).get("title")
    return str(frozen) if frozen else strategy.title


def shares_of(session: Session, system: Organisation, organisation: Organisation | None = None) -> list[SharedRow]:
    """The system's shares (only `organisation`'s when given) with their member, strategy and version,
    by member name then strategy title: one query, however many members."""
    query = (select(SystemShare, Organisation, Strategy, StrategyVersion)
             .join(Organisation, col(Organisation.id) == SystemShare.organisation_id)
             .join(Strategy, col(Strategy.id) == SystemShare.strategy_id)
             .join(StrategyVersion, col(StrategyVersion.id) == SystemShare.version_id)
             # Only current members' shares count: a share outlives nothing (leave withdraws them), but
             # the join makes sure.
             .join(SystemMember, (col(SystemMember.system_id) == SystemShare.system_id)
                   & (col(SystemMember.organisation_id) == SystemShare.organisation_id)
                   & (col(SystemMember.status) == MEMBER))
             .where(SystemShare.system_id == system.id)
             .order_by(Organisation.name, Strategy.title, col(SystemShare.id)))
    if organisation is not None:
        query = query.where(SystemShare.organisation_id == organisation.id)
    return [(s, o, st, v) for s, o, st, v in session.exec(query)]


def record_reads(*, session: Session, system: Organisation, rows: list[SharedRow], actor: User | None,
                 purpose: str) -> None:
    """Write, in each member's audit trail, that the system read its shared snapshot (and why): one
    statement however many members."""
    record_many(session, [{"action": "system_read", "entity": "strategy_version", "entity_id": version.id,
                           "organisation_id": found.organisation_id, "user_id": _actor_id(actor),
                           "changes": {"system": system.slug, "share_id": found.id, "version": version.number,
                                       "scenario": found.scenario, "read": purpose}}
                          for found, _member, _strategy, version in rows])
    session.commit()
