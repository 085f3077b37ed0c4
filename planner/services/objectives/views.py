"""The objectives as pages, the API and the workbook show them: one objective with its progress, RAG and
SMART check, the cascade page's summary and filters, and the alignment report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planner.models import Area, CheckIn, Objective
from planner.objectives import progress as calc
from planner.objectives.health import BelowHealth, TierHealth, tier_counts, weighted_progress
from planner.objectives.smart import SmartResult

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



@dataclass
class Alignment:
    """Where the cascade does not hang together, and the gaps nobody owns."""

    orphans: list[ObjectiveView]
    unreaching: list[ObjectiveView]  # strategic objectives that reach no team or individual
    areas_without: list[Area]
    gaps_without: list[dict[str, str]]  # {"kind", "ref", "label"}

