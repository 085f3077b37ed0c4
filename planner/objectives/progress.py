"""Progress on objectives: the one place that turns a measure and its latest check-in into progress,
rolls progress up the cascade by weight, and judges the RAG rating against the time elapsed.

Progress is a share from 0 to 1 and is never rounded here (rounding is for display only).

- **target** (baseline to target): (current - baseline) / (target - baseline), clamped to 0..1.
  A downward target (target below baseline) works with the same formula. No check-in yet, or a
  check-in without a value, reads as "still at the baseline": 0. A target equal to its baseline
  measures no change, so progress cannot be computed (None).
- **range** (keep within low..high, both ends included): 1 inside, 0 outside; None until a value
  is recorded (nobody knows yet whether it is inside).
- **milestone**: 1 when the latest check-in says done, else 0.
- **baseline** (establish a baseline): 1 once the latest check-in records a value, else 0.
- **none**: no measure of its own: the objective takes its children's weighted progress.

`done` on a check-in counts only for milestones; the value counts for the other kinds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from planner.objectives.tree import find_cycle

__all__ = [
    "CONFIDENCE",
    "LEVELS",
    "LINK_KINDS",
    "MEASURE_KINDS",
    "RAG",
    "REF_PATTERN",
    "STATUSES",
    "CheckIn",
    "Measure",
    "Node",
    "NodeId",
    "RAG_THRESHOLD_LABELS",
    "RagThresholds",
    "direction",
    "expected_share",
    "latest_check_in",
    "own_progress",
    "rag",
    "rag_rule",
    "rag_threshold_problems",
    "rag_shown",
    "rolled_up",
]

MEASURE_KINDS = ("target", "range", "milestone", "baseline", "none")
LEVELS = ("strategic", "area", "team", "individual")  # the cascade, top to bottom
CONFIDENCE = ("low", "medium", "high")
STATUSES = ("draft", "active", "completed", "cancelled")
# What an objective can be linked to: a gap it closes, or (strategic objectives) the strategy's scope.
LINK_KINDS = ("forecast shortfall", "diversity target", "competency gap", "vision", "mission", "value")
RAG = ("green", "amber", "red")
# A ref: up to 40 letters, digits and . _ / -, starting with a letter or digit ('S1', 'S1.2', 'ED-3').
REF_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")  # use with fullmatch

NodeId = int | str


def _check_number(value: float | None, what: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}.")


@dataclass(frozen=True)
class Measure:
    """How an objective is measured; `kind` is one of MEASURE_KINDS.

    target: baseline -> target (a target below the baseline is a downward target);
    range: low..high, both ends inside (`baseline` may hold the value at the start, for reference);
    milestone and baseline: no numbers needed (the due date is the milestone's date);
    none: no measure of its own (a parent that rolls up its children)."""

    kind: str
    baseline: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""

    def __post_init__(self) -> None:
        if self.kind not in MEASURE_KINDS:
            raise ValueError(f"The measure kind must be one of {', '.join(MEASURE_KINDS)}, not {self.kind!r}.")
        for name in ("baseline", "target", "low", "high"):
            _check_number(getattr(self, name), f"The measure's {name}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"The bottom of the range ({self.low}) is above its top ({self.high}).")


@dataclass(frozen=True)
class CheckIn:
    """A dated update: the current value (or done, for a milestone), the owner's confidence and a note."""

    on: date
    value: float | None = None
    done: bool = False
    confidence: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_number(self.value, "A check-in's value")
        if self.confidence is not None and self.confidence not in CONFIDENCE:
            raise ValueError(f"Confidence must be one of {', '.join(CONFIDENCE)}, not {self.confidence!r}.")


def latest_check_in(check_ins: Iterable[CheckIn]) -> CheckIn | None:
    """The check-in with the latest date; of two on the same date, the later in the sequence."""
    latest: CheckIn | None = None
    for check_in in check_ins:
        if latest is None or check_in.on >= latest.on:
            latest = check_in
    return latest


def direction(measure: Measure) -> str | None:
    """'up' or 'down' for a target measure with both ends given and different; None otherwise."""
    if measure.kind != "target" or measure.baseline is None or measure.target is None:
        return None
    if measure.target == measure.baseline:
        return None
    return "down" if measure.target < measure.baseline else "up"


def own_progress(measure: Measure, latest: CheckIn | None) -> float | None:
    """Progress 0..1 from the objective's own measure and latest check-in; None when it has no measure
    of its own (kind 'none'), a target lacks its baseline or target (or they are equal), or a range has
    no value recorded yet."""
    value = latest.value if latest is not None else None
    if measure.kind == "none":
        return None
    if measure.kind == "milestone":
        return 1.0 if latest is not None and latest.done else 0.0
    if measure.kind == "baseline":
        return 1.0 if value is not None else 0.0
    if measure.kind == "range":
        if measure.low is None or measure.high is None or value is None:
            return None
        return 1.0 if measure.low <= value <= measure.high else 0.0
    # target
    if measure.baseline is None or measure.target is None or measure.target == measure.baseline:
        return None
    if value is None:
        return 0.0
    share = (value - measure.baseline) / (measure.target - measure.baseline)
    return min(1.0, max(0.0, share))


@dataclass(frozen=True)
class Node:
    """One objective in the cascade, as roll-up needs it: a parent outside the nodes makes it a root."""

    id: NodeId
    parent: NodeId | None
    weight: float
    measure: Measure
    latest: CheckIn | None = None

    def __post_init__(self) -> None:
        _check_number(self.weight, "An objective's weight")
        if self.weight <= 0:
            raise ValueError(f"An objective's weight must be more than 0, not {self.weight!r}.")


def rolled_up(nodes: Sequence[Node]) -> dict[NodeId, float | None]:
    """Each node's progress: its own when it has a measure (kind other than 'none'), else the weighted mean
    of its children's rolled-up progress, leaving out children with none (the other weights then share
    the whole); None for a node without a measure whose children have none (or that has no children).
    A parent id not among the nodes counts as no parent. ValueError on a repeated id or a cycle."""
    by_id: dict[NodeId, Node] = {}
    for node in nodes:
        if node.id in by_id:
            raise ValueError(f"The objective {node.id!r} is given more than once.")
        by_id[node.id] = node
    parents: dict[NodeId, NodeId | None] = {
        node.id: (node.parent if node.parent in by_id else None) for node in nodes
    }
    cycle = find_cycle(parents)
    if cycle is not None:
        raise ValueError("The objectives form a loop: " + " -> ".join(str(i) for i in [*cycle, cycle[0]]) + ".")
    children: dict[NodeId, list[Node]] = {}
    for node in nodes:
        parent = parents[node.id]
        if parent is not None:
            children.setdefault(parent, []).append(node)
    # Children before parents: the reverse of a pre-order walk from the roots (no recursion, any depth).
    order: list[Node] = []
    stack = [node for node in nodes if parents[node.id] is None]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(children.get(node.id, ()))
    progress: dict[NodeId, float | None] = {}
    for node in reversed(order):
        if node.measure.kind != "none":
            progress[node.id] = own_progress(node.measure, node.latest)
            continue
        known = [(child.weight, progress[child.id]) for child in children.get(node.id, ())]
        weighted = [(weight, share) for weight, share in known if share is not None]
        total = sum(weight for weight, _ in weighted)
        progress[node.id] = sum(weight * share for weight, share in weighted) / total if weighted else None
    return {node.id: progress[node.id] for node in nodes}


# The settings page's names for the two thresholds, by field.
RAG_THRESHOLD_LABELS = {"amber_below": "Amber below", "red_below": "Red below"}


def rag_threshold_problems(amber_below: float, red_below: float) -> list[tuple[str, str]]:
    """What is wrong with a pair of RAG thresholds (shares of the progress expected, above 0 and up to 1),
    as (field, message) pairs naming the settings page's fields; empty when they are fine. The one rule:
    the settings page, the service that stores them and RagThresholds all ask it."""
    problems = []
    for field, value in (("amber_below", amber_below), ("red_below", red_below)):
        if (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
                or not 0 < value <= 1):
            problems.append((field, f"{RAG_THRESHOLD_LABELS[field]} must be a percentage above 0 and up to 100"))
    if not problems and red_below > amber_below:
        problems.append(("red_below", "Red below cannot be higher than amber below"))
    return problems


@dataclass(frozen=True)
class RagThresholds:
    """RAG bands on progress / expected progress: red below `red_below`, amber below `amber_below`,
    green otherwise (a ratio exactly at a threshold takes the better colour)."""

    amber_below: float = 0.9
    red_below: float = 0.7

    def __post_init__(self) -> None:
        problems = rag_threshold_problems(self.amber_below, self.red_below)
        if problems:
            raise ValueError(f"{problems[0][1]} (red {self.red_below!r}, amber {self.amber_below!r}).")


_TOLERANCE = 1e-9  # so that 0.45 / 0.5 counts as exactly 0.9 whatever the floating point says


def expected_share(start: date, due: date, today: date) -> float:
    """The share of the time from start to due that has passed by today: 0 up to the start, 1 from the due date."""
    if due < start:
        raise ValueError(f"The due date {due.isoformat()} is before the start {start.isoformat()}.")
    if today >= due:
        return 1.0
    if today <= start:
        return 0.0
    return (today - start).days / (due - start).days


def rag(
    progress: float | None,
    start: date | None,
    due: date | None,
    today: date,
    thresholds: RagThresholds = RagThresholds(),  # noqa: B008 (frozen, so one shared default is safe)
) -> str | None:
    """'green', 'amber' or 'red' from progress against the share of time elapsed; None when it cannot be
    judged (no progress, no start or due date, or a due date before the start).

    Done (progress 1) is green; up to the start date it is green. Otherwise the ratio progress / expected
    share is compared with the thresholds; past the due date an objective that is not done is never
    green (amber at best)."""
    if progress is None:
        return None
    if progress >= 1:
        return "green"
    if start is None or due is None or due < start:
        return None
    expected = expected_share(start, due, today)
    if expected == 0:
        return "green"
    ratio = progress / expected
    if ratio < thresholds.red_below - _TOLERANCE:
        return "red"
    if ratio < thresholds.amber_below - _TOLERANCE or today > due:
        return "amber"
    return "green"


def rag_rule(thresholds: RagThresholds = RagThresholds()) -> str:  # noqa: B008 (frozen, as in rag)
    """How rag() works, in two plain sentences for the page (kept beside it so the two cannot drift)."""
    def pct(share: float) -> str:
        return f"{share * 100:.4g}%"

    return (f"RAG compares progress with the share of the time from start to due date that has passed: "
            f"red below {pct(thresholds.red_below)} of the progress expected by now, amber below "
            f"{pct(thresholds.amber_below)}, green otherwise. Done is green, nothing is expected before "
            f"the start date, and anything not done by its due date is amber at best.")


def rag_shown(computed: str | None, override: str | None, reason: str) -> str | None:
    """The RAG rating to show: the override when there is one (it needs a reason), else the computed one."""
    if override is None:
        return computed
    if override not in RAG:
        raise ValueError(f"A RAG override must be one of {', '.join(RAG)}, not {override!r}.")
    if not reason.strip():
        raise ValueError("A RAG override needs a reason.")
    return override

