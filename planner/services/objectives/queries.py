"""Reading objectives: the cascade with its progress, roll-up, RAG and SMART check (planner.objectives does the
arithmetic), check-ins, RAG thresholds, the organisation's members who may own one, and where a contributor lands."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from planner.models import CheckIn, Membership, Objective, Organisation, Strategy, User
from planner.objectives import progress as calc
from planner.objectives.health import HEALTH_RULE, below_health
from planner.objectives.smart import smart_check
from planner.services import derived
from planner.services.objectives.views import SCOPE_LINKS, ObjectiveView
from planner.services.structure import areas_of


def measure_of(objective: Objective) -> calc.Measure:
    """The objective's measure as the arithmetic takes it."""
    return calc.Measure(kind=objective.measure_kind, baseline=objective.baseline, target=objective.target,
                        low=objective.range_low, high=objective.range_high, unit=objective.unit)


def _check_in(row: CheckIn) -> calc.CheckIn:
    """A stored check-in as the arithmetic takes it."""
    return calc.CheckIn(on=row.on, value=row.value, done=row.done, confidence=row.confidence, note=row.note)


def objectives_of(session: Session, strategy: Strategy) -> list[Objective]:
    """The strategy's objectives."""
    return list(session.exec(select(Objective).where(Objective.strategy_id == strategy.id)
                             .order_by(col(Objective.position), col(Objective.ref))))


def check_ins_of(session: Session, objective_ids: list[int]) -> dict[int, list[CheckIn]]:
    """Objective id -> its check-ins, newest first."""
    out: dict[int, list[CheckIn]] = {}
    if not objective_ids:
        return out
    for row in session.exec(select(CheckIn).where(col(CheckIn.objective_id).in_(objective_ids))
                            .order_by(col(CheckIn.on).desc(), col(CheckIn.id).desc())):
        out.setdefault(row.objective_id, []).append(row)
    return out


def latest_check_in(session: Session, objective: Objective) -> CheckIn | None:
    """The objective's newest check-in, if it has one."""
    return session.exec(select(CheckIn).where(CheckIn.objective_id == objective.id)
                        .order_by(col(CheckIn.on).desc(), col(CheckIn.id).desc())).first()


def thresholds_of(organisation: Organisation) -> calc.RagThresholds:
    """The organisation's RAG thresholds."""
    return calc.RagThresholds(amber_below=organisation.rag_amber_below, red_below=organisation.rag_red_below)


def rag_explained(organisation: Organisation) -> list[str]:
    """How RAG is worked out and what "below it" means, in the words of the code that does it."""
    return [calc.rag_rule(thresholds_of(organisation)), HEALTH_RULE]


def cascade(session: Session, strategy: Strategy, organisation: Organisation, today: date) -> list[ObjectiveView]:
    """Every objective in tree order with its progress, roll-up, RAG and SMART check, worked out once per
    revision of the strategy and day and shared by every worker (planner.services.derived). The records in
    the views are copies, not the session's own: read them, never change them or add them to a session."""
    return list(derived.remember(session, strategy_id=strategy.id, organisation_id=organisation.id,
                                 kind="cascade", parts=(today.isoformat(),),
                                 reads=("objectives", "organisation", "strategy", "structure"),
                                 compute=lambda: _cascade(session, strategy, organisation, today)))


def _cascade(session: Session, strategy: Strategy, organisation: Organisation, today: date) -> list[ObjectiveView]:
    """The cascade worked out afresh (cascade keeps it)."""
    rows = objectives_of(session, strategy)
    by_id = {o.id: o for o in rows}
    areas = {a.id: a for a in areas_of(session, strategy)}
    users = {u.id: u for u in session.exec(select(User).where(
        col(User.id).in_([o.owner_user_id for o in rows if o.owner_user_id])))}
    checks = check_ins_of(session, [o.id for o in rows])
    latest = {oid: rows_[0] for oid, rows_ in checks.items() if rows_}
    nodes = [calc.Node(id=o.id, parent=o.parent_id if o.parent_id in by_id else None, weight=o.weight,
                       measure=measure_of(o), latest=_check_in(latest[o.id]) if o.id in latest else None)
             for o in rows]
    rolled = calc.rolled_up(nodes)
    thresholds = thresholds_of(organisation)
    period_start, period_end = date(strategy.start_year, 4, 1), date(strategy.start_year + strategy.horizon, 3, 31)
    children: dict[int | None, list[Objective]] = {}
    for o in rows:
        children.setdefault(o.parent_id if o.parent_id in by_id else None, []).append(o)
    views: list[ObjectiveView] = []

    def visit(o: Objective, depth: int) -> None:
        own = calc.own_progress(measure_of(o), _check_in(latest[o.id]) if o.id in latest else None)
        progress = rolled.get(o.id)
        computed = calc.rag(progress, o.start, o.due, today, thresholds)
        try:
            shown = calc.rag_shown(computed, o.rag_override, o.rag_reason)
        except ValueError:
            shown = computed
        owner = users[o.owner_user_id].display_name if o.owner_user_id in users else o.owner_name
        smart = smart_check(
            title=o.title, owner=owner or None, level=o.level, measure=measure_of(o), confidence=o.confidence,
            confidence_reason=o.confidence_reason, has_parent=o.parent_id is not None,
            linked_to_scope=o.link_kind in SCOPE_LINKS, start=o.start, due=o.due,
            period_start=period_start, period_end=period_end)
        views.append(ObjectiveView(o, depth, by_id[o.parent_id].ref if o.parent_id in by_id else None,
                                   areas.get(o.area_id) if o.area_id else None, owner or "",
                                   latest.get(o.id), own, progress, shown, smart,
                                   [c.id for c in children.get(o.id, [])]))
        for child in children.get(o.id, []):
            visit(child, depth + 1)

    for top in children.get(None, []):
        visit(top, 0)
    health = below_health([(v.objective.id, v.objective.parent_id, v.objective.level, v.rag) for v in views])
    for v in views:
        v.below = health.get(v.objective.id)
    return views



def landing_strategy(session: Session, organisation_id: int, user_id: int) -> Strategy | None:
    """The strategy a contributor starts in: the newest in which they own an objective, else the newest."""
    newest = list(session.exec(select(Strategy).where(Strategy.organisation_id == organisation_id)
                               .order_by(col(Strategy.start_year).desc(), col(Strategy.id).desc())))
    owning = set(session.exec(select(Objective.strategy_id).where(
        Objective.organisation_id == organisation_id, Objective.owner_user_id == user_id)))
    return next((s for s in newest if s.id in owning), newest[0] if newest else None)


def members_of(session: Session, organisation_id: int) -> list[User]:
    """The organisation's members, by name, who may own an objective."""
    return list(session.exec(select(User).join(Membership, col(Membership.user_id) == col(User.id))
                             .where(Membership.organisation_id == organisation_id)
                             .order_by(col(User.name), col(User.email))))


def member_by_name(session: Session, organisation_id: int, text: str) -> User | None:
    """The member whose email or name is `text` (any case), if there is one."""
    wanted = text.strip().lower()
    return next((user for user in session.exec(select(User).join(Membership, col(Membership.user_id) == col(User.id))
                                               .where(Membership.organisation_id == organisation_id))
                 if wanted in (user.email.lower(), user.name.strip().lower())), None)
