"""Objectives: the cascade from the board to teams and individuals, check-ins, progress and its
weighted roll-up, RAG, the SMART check (planner.objectives does the arithmetic, in one place),
alignment, and every gap's owner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from planner import permissions
from planner.models import Area, CheckIn, Objective, Organisation, Strategy, User, utcnow
from planner.objectives import progress as calc
from planner.objectives.health import HEALTH_RULE, BelowHealth, TierHealth, below_health, tier_counts, weighted_progress
from planner.objectives.smart import SmartResult, smart_check
from planner.services import ServiceError, derived
from planner.services.audit import record
from planner.services.editing import check_version, commit_checked
from planner.services.structure import areas_of

LEVEL_NAMES = {"strategic": "Strategic", "area": "Area", "team": "Team", "individual": "Individual"}
SCOPE_LINKS = ("vision", "mission", "value")


@dataclass
class ObjectiveView:
    """One objective as pages, the API and the workbook show it."""

    objective: Objective
    depth: int
    parent_ref: str | None
    area: Area | None
    owner: str
    latest: CheckIn | None
    own_progress: float | None
    progress: float | None  # rolled up: its own, or its children's weighted mean
    rag: str | None
    smart: SmartResult
    children: list[int] = field(default_factory=list)
    below: BelowHealth | None = None  # the RAG of everything below it, tier by tier

    @property
    def needs_attention(self) -> bool:
        """Red or amber, no owner, not SMART, or half or more of the nearest red tier below it red."""
        return (self.rag in ("red", "amber") or not self.owner or not self.smart.passed
                or (self.below is not None and self.below.mostly_red))


def measure_of(objective: Objective) -> calc.Measure:
    """The objective's measure as the arithmetic takes it."""
    return calc.Measure(kind=objective.measure_kind, baseline=objective.baseline, target=objective.target,
                        low=objective.range_low, high=objective.range_high, unit=objective.unit)


def _check_in(row: CheckIn) -> calc.CheckIn:
    return calc.CheckIn(on=row.on, value=row.value, done=row.done, confidence=row.confidence, note=row.note)


def objectives_of(session: Session, strategy: Strategy) -> list[Objective]:
    """The strategy's objectives."""
    return list(session.exec(select(Objective).where(Objective.strategy_id == strategy.id)
                             .order_by(Objective.position, Objective.ref)))


def check_ins_of(session: Session, objective_ids: list[int]) -> dict[int, list[CheckIn]]:
    """Objective id -> its check-ins, newest first."""
    out: dict[int, list[CheckIn]] = {}
    if not objective_ids:
        return out
    for row in session.exec(select(CheckIn).where(CheckIn.objective_id.in_(objective_ids))  # type: ignore[attr-defined]
                            .order_by(CheckIn.on.desc(), CheckIn.id.desc())):  # type: ignore[attr-defined]
        out.setdefault(row.objective_id, []).append(row)
    return out


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
                                 compute=lambda: _cascade(session, strategy, organisation, today)))


def _cascade(session: Session, strategy: Strategy, organisation: Organisation, today: date) -> list[ObjectiveView]:
    rows = objectives_of(session, strategy)
    by_id = {o.id: o for o in rows}
    areas = {a.id: a for a in areas_of(session, strategy)}
    users = {u.id: u for u in session.exec(select(User).where(
        User.id.in_([o.owner_user_id for o in rows if o.owner_user_id]))) }  # type: ignore[attr-defined]
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


# --- the cascade page: its summary, its filters, and where a contributor lands ------------------


@dataclass(frozen=True)
class CascadeSummary:
    """What the Objectives page says first: RAG by tier, overall progress and what is missing."""

    tiers: list[TierHealth]
    overall_progress: float | None  # the strategic objectives' rolled-up progress, weighted
    objectives: int
    not_smart: int
    smart_letters: dict[str, int]  # S, M, A, R, T -> how many objectives miss it
    without_owner: int
    needing_attention: int


def summarise(views: Sequence[ObjectiveView]) -> CascadeSummary:
    """RAG counts by tier, the overall weighted progress, SMART failures and objectives without an owner."""
    letters = {letter: 0 for letter in "SMART"}
    for v in views:
        for letter in v.smart.failed:
            letters[letter] = letters.get(letter, 0) + 1
    return CascadeSummary(
        tiers=tier_counts((v.objective.level, v.rag) for v in views),
        overall_progress=weighted_progress((v.objective.weight, v.progress) for v in views if v.depth == 0),
        objectives=len(views), not_smart=sum(1 for v in views if not v.smart.passed), smart_letters=letters,
        without_owner=sum(1 for v in views if not v.owner),
        needing_attention=sum(1 for v in views if v.needs_attention))


def below_of(view: ObjectiveView) -> dict[str, object] | None:
    """The health of what sits below an objective as the API gives it; None for an objective with nothing below."""
    if view.below is None:
        return None
    return {"words": view.below.words(), "mostly_red": view.below.mostly_red,
            "tiers": [{"level": t.level, "green": t.green, "amber": t.amber, "red": t.red, "no_rag": t.unrated}
                      for t in view.below.tiers]}


NO_OWNER = "none"  # the owner filter's value for objectives nobody owns yet


@dataclass(frozen=True)
class CascadeFilter:
    """Which objectives the page shows; an empty filter shows the whole cascade."""

    level: str | None = None
    area_id: int | None = None
    owner: str | None = None  # an owner's name as shown, or NO_OWNER
    rag: str | None = None  # green, amber, red, or "none" for not yet rated
    attention: bool = False
    text: str = ""

    @property
    def active(self) -> bool:
        """Whether anything narrows the cascade."""
        return bool(self.level or self.area_id or self.owner or self.rag or self.attention or self.text)

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> CascadeFilter:
        """The filter from a query string; a value the form does not offer is ignored (shows everything)."""
        area = str(args.get("area") or "").strip()
        return cls(level=args.get("level") if args.get("level") in calc.LEVELS else None,
                   area_id=int(area) if area.isdigit() else None,
                   owner=str(args.get("owner") or "").strip()[:200] or None,
                   rag=args.get("rag") if args.get("rag") in (*calc.RAG, "none") else None,
                   attention=args.get("attention") == "yes", text=str(args.get("q") or "").strip()[:200])


@dataclass(frozen=True)
class FilteredCascade:
    """The objectives to show: those that match, and the ones they sit below, for context."""

    shown: set[int]
    matched: set[int]


def filter_cascade(views: Sequence[ObjectiveView], wanted: CascadeFilter,
                   areas: Sequence[Area] = ()) -> FilteredCascade:
    """The objectives matching every part of the filter, with their ancestors; an area takes in its
    sub-areas, and the search looks in the reference, title, owner and area name."""
    in_area: set[int] = set()
    if wanted.area_id is not None:
        below: dict[int | None, list[int]] = {}
        for a in areas:
            below.setdefault(a.parent_id, []).append(a.id)
        queue = [wanted.area_id]
        while queue:
            in_area.update(queue)
            queue = [child for area_id in queue for child in below.get(area_id, []) if child not in in_area]
    text = wanted.text.casefold()

    def matches(v: ObjectiveView) -> bool:
        o = v.objective
        return ((wanted.level is None or o.level == wanted.level)
                and (wanted.area_id is None or o.area_id in in_area)
                and (wanted.owner is None or (v.owner or NO_OWNER) == wanted.owner)
                and (wanted.rag is None or (v.rag or "none") == wanted.rag)
                and (not wanted.attention or v.needs_attention)
                and (not text or text in " ".join((o.ref, o.title, v.owner, v.area.name if v.area else ""))
                     .casefold()))

    matched = {v.objective.id for v in views if matches(v)}
    parent = {v.objective.id: v.objective.parent_id for v in views}
    shown: set[int] = set()
    for key in matched:
        cursor: int | None = key
        while cursor is not None and cursor in parent and cursor not in shown:
            shown.add(cursor)
            cursor = parent[cursor]
    return FilteredCascade(shown, matched)


def owners_of(views: Sequence[ObjectiveView]) -> list[str]:
    """The owners' names as shown, A to Z, for the owner filter."""
    return sorted({v.owner for v in views if v.owner}, key=str.casefold)


def landing_strategy(session: Session, organisation_id: int, user_id: int) -> Strategy | None:
    """The strategy a contributor starts in: the newest in which they own an objective, else the newest."""
    newest = list(session.exec(select(Strategy).where(Strategy.organisation_id == organisation_id)
                               .order_by(col(Strategy.start_year).desc(), col(Strategy.id).desc())))
    owning = set(session.exec(select(Objective.strategy_id).where(
        Objective.organisation_id == organisation_id, Objective.owner_user_id == user_id)))
    return next((s for s in newest if s.id in owning), newest[0] if newest else None)


def _number(values: Mapping[str, Any], key: str) -> float | None:
    raw = values.get(key)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise ServiceError(f"{key.replace('_', ' ').capitalize()} must be a number", field=key) from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise ServiceError(f"{key.replace('_', ' ').capitalize()} must be a number", field=key)
    return value


def _date(values: Mapping[str, Any], key: str) -> date | None:
    raw = values.get(key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError as exc:
        raise ServiceError(f"The {key} date must be a date like 2027-03-31", field=key) from exc


def save_objective(*, session: Session, strategy: Strategy, values: Mapping[str, Any], actor: User | None,
                   objective: Objective | None = None, commit: bool = True, version: int | None = None) -> Objective:
    """Add or change an objective, checking what makes it a well-formed part of the cascade (a change is
    refused if the objective changed since `version` was read)."""
    if objective is not None:
        check_version(objective, version)
    ref = str(values.get("ref") or "").strip()
    if not calc.REF_PATTERN.fullmatch(ref):
        raise ServiceError("Enter a reference of letters, digits, dots, hyphens or slashes, like S1 or MED-2.3",
                           field="ref")
    clash = session.exec(select(Objective).where(Objective.strategy_id == strategy.id,
                                                 func.lower(Objective.ref) == ref.lower())).first()
    if clash is not None and (objective is None or clash.id != objective.id):
        raise ServiceError(f"Another objective already has the reference {ref}", field="ref")
    from planner.imports.objectives import LONGEST

    title = str(values.get("title") or "").strip()
    if not title:
        raise ServiceError("Enter the objective's title", field="title")
    for key, label in (("title", "The title"), ("owner_name", "The owner's name"), ("unit", "The unit")):
        longest = LONGEST.get("owner" if key == "owner_name" else key)
        if longest and len(str(values.get(key) or "").strip()) > longest:
            raise ServiceError(f"{label} must be {longest} characters or fewer", field=key)
    level = str(values.get("level") or "")
    if level not in calc.LEVELS:
        raise ServiceError("Choose the cascade level", field="level")
    parent_id = values.get("parent_id")
    if parent_id is not None:
        parent = session.get(Objective, parent_id)
        if parent is None or parent.strategy_id != strategy.id:
            raise ServiceError("Choose a parent objective of this strategy", field="parent_id")
        seen, cursor = set(), parent
        while cursor is not None:  # a parent may not sit below the objective itself
            if objective is not None and cursor.id == objective.id:
                raise ServiceError("An objective cannot sit below itself or one of its own children",
                                   field="parent_id")
            if cursor.id in seen:
                break
            seen.add(cursor.id)
            cursor = session.get(Objective, cursor.parent_id) if cursor.parent_id else None
    area_id = values.get("area_id")
    if area_id is not None:
        area = session.get(Area, area_id)
        if area is None or area.strategy_id != strategy.id:
            raise ServiceError("Choose an area of this strategy", field="area_id")
    kind = str(values.get("measure_kind") or "none")
    if kind not in calc.MEASURE_KINDS:
        raise ServiceError("Choose how progress is measured", field="measure_kind")
    numbers = {k: _number(values, k) for k in ("baseline", "target", "range_low", "range_high", "weight")}
    weight = numbers["weight"] if numbers["weight"] is not None else 1.0
    if weight <= 0:
        raise ServiceError("The weight must be more than 0", field="weight")
    try:
        calc.Measure(kind=kind, baseline=numbers["baseline"], target=numbers["target"], low=numbers["range_low"],
                     high=numbers["range_high"], unit=str(values.get("unit") or ""))
    except ValueError as exc:
        raise ServiceError(str(exc), field="measure_kind") from exc
    start, due = _date(values, "start"), _date(values, "due")
    confidence = values.get("confidence") or None
    if confidence is not None and confidence not in calc.CONFIDENCE:
        raise ServiceError("Choose low, medium or high confidence", field="confidence")
    override = values.get("rag_override") or None
    if override is not None and (override not in calc.RAG or not str(values.get("rag_reason") or "").strip()):
        raise ServiceError("A RAG override needs one of red, amber or green and a reason", field="rag_reason")
    row = objective or Objective(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                 ref=ref, title=title, level=level)
    before = row.model_dump() if objective else {}
    row.ref, row.title, row.level = ref, title[:300], level
    row.description = str(values.get("description") or "").strip()
    row.parent_id, row.area_id = parent_id, area_id
    row.owner_user_id = values.get("owner_user_id")
    row.owner_name = str(values.get("owner_name") or "").strip()[:200]
    row.weight = weight
    row.measure_kind, row.unit = kind, str(values.get("unit") or "")[:40]
    row.baseline, row.target = numbers["baseline"], numbers["target"]
    row.range_low, row.range_high = numbers["range_low"], numbers["range_high"]
    row.start, row.due = start, due
    row.confidence, row.confidence_reason = confidence, str(values.get("confidence_reason") or "")[:500]
    row.rag_override, row.rag_reason = override, str(values.get("rag_reason") or "")[:500]
    row.link_kind, row.link_ref = str(values.get("link_kind") or ""), str(values.get("link_ref") or "")[:200]
    status = str(values.get("status") or row.status or "active")
    if status not in calc.STATUSES:
        raise ServiceError("Choose the objective's status", field="status")
    row.status = status
    row.updated_at = utcnow()
    session.add(row)
    commit_checked(session, objective, commit=False)
    after = row.model_dump()
    record(session, action="update" if objective else "create", entity="objective", entity_id=row.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v
                    and k not in ("updated_at", "version")})
    commit_checked(session, objective, commit=commit)
    return row


def may_check_in(objective: Objective, user: User, role: str | None) -> bool:
    """Whether this user, with this role, may record progress on the objective (planner.permissions)."""
    return permissions.may_check_in(role, owns=objective.owner_user_id == user.id)


def add_check_in(*, session: Session, objective: Objective, on: date, value: float | None, done: bool,
                 confidence: str | None, note: str, actor: User) -> CheckIn:
    """Record a dated update; progress then uses the latest one."""
    if confidence is not None and confidence not in calc.CONFIDENCE:
        raise ServiceError("Choose low, medium or high confidence", field="confidence")
    if objective.measure_kind in ("target", "range", "baseline") and value is None and not done:
        raise ServiceError("Enter the current value", field="value")
    row = CheckIn(organisation_id=objective.organisation_id, objective_id=objective.id, on=on, value=value,
                  done=done, confidence=confidence, note=note.strip(), user_id=actor.id)
    session.add(row)
    if confidence:
        objective.confidence = confidence
        session.add(objective)
    session.flush()
    record(session, action="create", entity="check_in", entity_id=row.id, organisation_id=objective.organisation_id,
           user_id=actor.id, changes={"objective": objective.ref, "on": on.isoformat(), "value": value, "done": done})
    session.commit()
    return row


def delete_objective(*, session: Session, objective: Objective, actor: User) -> None:
    """Delete an objective; its children move up to its parent."""
    for child in session.exec(select(Objective).where(Objective.parent_id == objective.id)):
        child.parent_id = objective.parent_id
        session.add(child)
    session.flush()
    record(session, action="delete", entity="objective", entity_id=objective.id,
           organisation_id=objective.organisation_id, user_id=actor.id, changes={"ref": objective.ref})
    session.delete(objective)
    session.commit()


# --- files --------------------------------------------------------------------------------------


def export_rows(views: list[ObjectiveView]) -> list[dict[str, object]]:
    """The cascade in the import file's columns (the download)."""
    from planner.imports.objectives import measure_cells

    rows: list[dict[str, object]] = []
    for v in views:
        o = v.objective
        cells = measure_cells(measure_of(o), current=v.latest.value if v.latest else None,
                              done=bool(v.latest and v.latest.done))
        rows.append({"ref": o.ref, "parent_ref": v.parent_ref, "title": o.title, "level": o.level,
                     "area": v.area.code if v.area else None, "owner": v.owner or None, **cells,
                     "start": o.start, "due": o.due, "weight": o.weight, "confidence": o.confidence})
    return rows


def read_file(session: Session, strategy: Strategy, data: bytes, filename: str, *, sheet: str | None = None) -> Any:
    """Read an objectives file against what the strategy already has (raises ImportRefused)."""
    from planner.imports.objectives import read_objectives

    rows = objectives_of(session, strategy)
    by_id = {o.id: o.ref for o in rows}
    areas: dict[str, str] = {}
    for a in areas_of(session, strategy):
        areas[a.code] = a.code
        areas[a.name] = a.code
    return read_objectives(data, filename, existing_refs={o.ref: by_id.get(o.parent_id) for o in rows},  # type: ignore[arg-type]
                           areas=areas, sheet=sheet)


def _owner(session: Session, organisation_id: int, text: str | None) -> tuple[int | None, str]:
    """A member matched by email or name, else a named role-holder without an account."""
    from planner.models import Membership

    if not text:
        return None, ""
    wanted = text.strip().lower()
    for user in session.exec(select(User).join(Membership, Membership.user_id == User.id)  # type: ignore[arg-type]
                             .where(Membership.organisation_id == organisation_id)):
        if wanted in (user.email.lower(), user.name.strip().lower()):
            return user.id, ""
    return None, text.strip()


def apply_file(*, session: Session, strategy: Strategy, result: Any, actor: User | None,
               today: date | None = None) -> tuple[int, int]:
    """Add the file's new objectives and update the ones whose ref exists, in one transaction;
    a `current` value becomes a check-in dated today. Returns (added, updated)."""
    existing = {o.ref.lower(): o for o in objectives_of(session, strategy)}
    areas = {a.code: a.id for a in areas_of(session, strategy)}
    added = updated = 0
    saved: dict[str, Objective] = {}
    try:
        for row in result.rows:  # parents come before their children in the file's order
            current = existing.get(row.ref.lower())
            parent = saved.get((row.parent_ref or "").lower()) or existing.get((row.parent_ref or "").lower())
            owner_id, owner_name = _owner(session, strategy.organisation_id, row.owner)
            m = row.measure
            present = set(getattr(result, "columns", ()) or ())
            values = {
                "ref": row.ref, "title": row.title, "level": row.level, "parent_id": parent.id if parent else None,
                "area_id": areas.get(row.area) if row.area else None, "owner_user_id": owner_id,
                "owner_name": owner_name, "weight": row.weight, "measure_kind": m.kind, "baseline": m.baseline,
                "target": m.target, "range_low": m.low, "range_high": m.high, "unit": m.unit, "start": row.start,
                "due": row.due, "confidence": row.confidence,
                "description": current.description if current else "",
                "link_kind": current.link_kind if current else "", "link_ref": current.link_ref if current else "",
                # The file has no columns for these: an update leaves them as they were.
                "confidence_reason": current.confidence_reason if current else "",
                "rag_override": current.rag_override if current else None,
                "rag_reason": current.rag_reason if current else "",
                "status": current.status if current else "active",
            }
            if current is not None and present:
                # A column the file does not have leaves the stored value alone.
                kept = current.model_dump()
                columns_to_fields = {
                    "parent_ref": ["parent_id"], "area": ["area_id"], "owner": ["owner_user_id", "owner_name"],
                    "measure": ["measure_kind", "range_low", "range_high"], "baseline": ["baseline"],
                    "target": ["target", "range_low", "range_high"], "unit": ["unit"], "start": ["start"],
                    "due": ["due"], "weight": ["weight"], "confidence": ["confidence"]}
                for column, fields in columns_to_fields.items():
                    if column not in present:
                        for name in fields:
                            values[name] = kept.get(name)
            objective = save_objective(session=session, strategy=strategy, values=values, actor=actor,
                                       objective=current, commit=False)
            saved[row.ref.lower()] = objective
            if current is None:
                added += 1
            else:
                updated += 1
            latest = (session.exec(select(CheckIn).where(CheckIn.objective_id == objective.id)
                                   .order_by(CheckIn.on.desc(), CheckIn.id.desc())).first()  # type: ignore[attr-defined]
                      if current is not None else None)
            unchanged = latest is not None and latest.value == row.current and latest.done == row.done
            if (row.current is not None or row.done) and not unchanged:
                session.add(CheckIn(organisation_id=strategy.organisation_id, objective_id=objective.id,
                                    on=today or date.today(), value=row.current, done=row.done,
                                    confidence=row.confidence, note="From an imported file",
                                    user_id=actor.id if actor else None))
        record(session, action="import", entity="objectives", entity_id=strategy.id,
               organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
               changes={"added": added, "updated": updated})
        session.commit()
    except Exception:
        session.rollback()
        raise
    return added, updated


# --- alignment ----------------------------------------------------------------------------------


@dataclass
class Alignment:
    """Where the cascade does not hang together, and the gaps nobody owns."""

    orphans: list[ObjectiveView]
    unreaching: list[ObjectiveView]  # strategic objectives that reach no team or individual
    areas_without: list[Area]
    gaps_without: list[dict[str, str]]  # {"kind", "ref", "label"}


def gaps_to_own(session: Session, strategy: Strategy) -> list[dict[str, str]]:
    """Every gap the board has found: diversity targets, competency gaps of a quarter or more of
    leaders below the required step, and levels needing external appointments in the first scenario.
    Worked out once per change (a short list, from the long list of competency gaps and the forecast)."""
    return [dict(gap) for gap in derived.remember(
        session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
        kind="gaps to own", parts=(), compute=lambda: _gaps_to_own(session, strategy))]


def _gaps_to_own(session: Session, strategy: Strategy) -> list[dict[str, str]]:
    from planner.services import competencies, diversity, forecasting
    from planner.services.scenarios import scenarios_of
    from planner.services.structure import levels_of

    gaps: list[dict[str, str]] = []
    levels = {lv.key: lv.name for lv in levels_of(session, strategy)}
    group_names = {(c.key, g.key): g.name for c in diversity.all_named(session, strategy.organisation_id)
                   for g in c.groups}
    for target in diversity.targets_of(session, strategy):
        level = next((lv.name for lv in levels_of(session, strategy) if lv.id == target.level_id), "All leaders")
        group = group_names.get((target.characteristic, target.group_key), target.group_key)
        gaps.append({"kind": "diversity target", "ref": f"target:{target.id}",
                     "label": f"{group}: {target.target_share * 100:.1f}% of {level.lower()} by {target.target_year}"})
    competency_names = {c.key: c.name for c in competencies.catalogue(session, strategy.organisation_id)
                        .all_competencies()}
    for gap in competencies.gap_totals(session, strategy):
        if gap.share_below is not None and gap.share_below >= 0.25:
            gaps.append({"kind": "competency gap", "ref": f"competency:{gap.competency}:{gap.level}",
                         "label": f"{competency_names.get(gap.competency, gap.competency)} at "
                                  f"{levels.get(gap.level, gap.level).lower()}: "
                                  f"{gap.share_below * 100:.0f}% below the required step"})
    scenarios = scenarios_of(session, strategy)
    if scenarios:
        run = forecasting.run(session, strategy, scenarios[0], with_bands=False)
        if run.result is not None:
            totals: dict[str, float] = {}
            for row in run.result["totals"]:
                totals[row["level"]] = totals.get(row["level"], 0.0) + row["external_appointments"]
            for key, external in totals.items():
                if external >= 0.5:
                    gaps.append({"kind": "forecast shortfall", "ref": f"shortfall:{key}",
                                 "label": f"{levels.get(key, key)}: {round(external):,} external appointments "
                                          f"needed ({scenarios[0].name})"})
    return gaps


def alignment(session: Session, strategy: Strategy, views: list[ObjectiveView]) -> Alignment:
    """Orphans, strategic objectives reaching no team or individual, areas without objectives, and
    gaps without an objective linked to them."""
    by_id = {v.objective.id: v for v in views}
    orphans = [v for v in views if v.objective.level != "strategic" and v.objective.parent_id is None]

    def reaches(view: ObjectiveView) -> bool:
        return any(by_id[c].objective.level in ("team", "individual") or reaches(by_id[c])
                   for c in view.children if c in by_id)

    unreaching = [v for v in views if v.objective.level == "strategic" and not reaches(v)]
    with_objectives = {v.objective.area_id for v in views if v.objective.area_id}
    areas = [a for a in areas_of(session, strategy) if a.id not in with_objectives]
    linked = {v.objective.link_ref for v in views if v.objective.link_ref}
    gaps = [g for g in gaps_to_own(session, strategy) if g["ref"] not in linked]
    return Alignment(orphans, unreaching, areas, gaps)
