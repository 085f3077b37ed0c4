"""The health of what sits below an objective, so that a sea of red never rolls up to an unqualified
green: how many objectives at each tier beneath it are red, amber, green or not yet rated, and the few
words a page shows beside the objective's own RAG ("Green; 7 of 9 team objectives red").

The rule: look at every objective below (children, their children and so on), tier by tier. The
words name the nearest tier below that has any red; failing that, the nearest with any amber; failing
that, the nearest tier. "Half or more of them red" marks the parent as needing attention whatever its
own colour.

Pure Python: nothing here imports Flask, SQLModel or the rest of the app.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from planner.objectives.progress import LEVELS
from planner.objectives.tree import children_of, find_cycle

__all__ = ["HEALTH_RULE", "BelowHealth", "TierHealth", "below_health", "rag_with_health", "tier_counts",
           "weighted_progress"]

K = TypeVar("K", bound=Hashable)

# How the words name the objectives of each tier: one, and more than one.
TIER_NOUNS = {
    "strategic": ("strategic objective", "strategic objectives"),
    "area": ("area objective", "area objectives"),
    "team": ("team objective", "team objectives"),
    "individual": ("individual objective", "individual objectives"),
}
# The rule below_health and BelowHealth.words follow, for the page (kept here so the two cannot drift).
HEALTH_RULE = ("A parent's own RAG comes from its own progress, so beside it the page counts the objectives "
               "below it, naming the nearest tier with any red (else any amber); when half or more of that "
               "tier is red, the parent needs attention whatever its own colour.")
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", None: "No RAG yet"}


@dataclass(frozen=True)
class TierHealth:
    """How many objectives of one tier are green, amber, red and not yet rated."""

    level: str
    green: int = 0
    amber: int = 0
    red: int = 0
    unrated: int = 0

    @property
    def total(self) -> int:
        """Every objective of the tier counted here."""
        return self.green + self.amber + self.red + self.unrated

    def noun(self, count: int) -> str:
        """The tier's objectives named for a count of them ("1 team objective", "9 team objectives")."""
        one, many = TIER_NOUNS.get(self.level, (f"{self.level} objective", f"{self.level} objectives"))
        return one if count == 1 else many

    def words(self) -> str:
        """'7 of 9 team objectives red, 1 amber'; 'all 9 team objectives green'; '9 ... not yet rated'."""
        total, noun = self.total, self.noun(self.total)
        if self.red:
            return f"{self.red} of {total} {noun} red" + (f", {self.amber} amber" if self.amber else "")
        if self.amber:
            return f"{self.amber} of {total} {noun} amber"
        if self.green == total:
            return f"all {total} {noun} green" if total > 1 else f"its 1 {noun} green"
        if self.green:
            return f"{self.green} of {total} {noun} green, {self.unrated} not yet rated"
        return f"{total} {noun} not yet rated"


def tier_counts(items: Iterable[tuple[str, str | None]]) -> list[TierHealth]:
    """(level, RAG) pairs counted by tier, in the cascade's order, leaving out tiers with none."""
    counts: dict[str, dict[str, int]] = {}
    for level, rag in items:
        tally = counts.setdefault(level, {"green": 0, "amber": 0, "red": 0, "unrated": 0})
        tally[rag if rag in ("green", "amber", "red") else "unrated"] += 1
    order = {level: i for i, level in enumerate(LEVELS)}
    return [TierHealth(level, **counts[level]) for level in sorted(counts, key=lambda lv: order.get(lv, len(order)))]


@dataclass(frozen=True)
class BelowHealth:
    """The RAG of everything below one objective, tier by tier (nearest tier first)."""

    tiers: tuple[TierHealth, ...]

    @property
    def headline(self) -> TierHealth:
        """The tier the words name: the nearest with any red, else with any amber, else the nearest."""
        return (next((t for t in self.tiers if t.red), None) or next((t for t in self.tiers if t.amber), None)
                or self.tiers[0])

    @property
    def mostly_red(self) -> bool:
        """Half or more of the headline tier's objectives are red."""
        return self.headline.red > 0 and self.headline.red * 2 >= self.headline.total

    def words(self) -> str:
        """The headline tier's health in a few words, like '7 of 9 team objectives red'."""
        return self.headline.words()


def below_health(items: Sequence[tuple[K, K | None, str, str | None]]) -> dict[K, BelowHealth]:
    """For each (id, parent id, level, RAG) with anything below it: the health of everything below it.
    A parent id not among the items counts as no parent; ValueError on a loop."""
    parents: dict[K, K | None] = {}
    rated: dict[K, tuple[str, str | None]] = {}
    for key, parent, level, rag in items:
        parents[key] = parent
        rated[key] = (level, rag)
    cycle = find_cycle(parents)
    if cycle is not None:
        raise ValueError(f"The objectives form a loop through {cycle[0]!r}.")
    children = children_of(parents)
    # Children before parents (the reverse of a pre-order walk from the roots), so no recursion.
    order: list[K] = []
    stack = [key for key, parent in parents.items() if parent is None or parent not in parents]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(children.get(node, ()))
    below: dict[K, list[K]] = {}
    for node in reversed(order):
        below[node] = [k for child in children.get(node, ()) for k in (child, *below[child])]
    out: dict[K, BelowHealth] = {}
    for key in parents:
        found = below[key]
        if found:
            out[key] = BelowHealth(tuple(tier_counts(rated[k] for k in found)))
    return out


def rag_with_health(rag: str | None, health: BelowHealth | None) -> str:
    """An objective's RAG with the health of what sits below it: 'Green; 7 of 9 team objectives red'."""
    own = RAG_WORDS.get(rag, "No RAG yet")
    return own if health is None else f"{own}; {health.words()}"


def weighted_progress(items: Iterable[tuple[float, float | None]]) -> float | None:
    """The weighted mean of (weight, progress) pairs, leaving out those without progress (as the roll-up
    does); None when none has progress."""
    known = [(weight, share) for weight, share in items if share is not None]
    total = sum(weight for weight, _ in known)
    return sum(weight * share for weight, share in known) / total if known and total else None
