"""The area tree: display order, depth, descendants and roll-ups. Pure functions on plain
values, so the forecast drill-down and the baseline share one definition of the tree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    """One area as the tree needs it."""

    id: int
    parent_id: int | None
    position: int
    name: str


def ordered(nodes: Iterable[Node]) -> list[tuple[Node, int]]:
    """Areas in tree order (parents before children, siblings by position then name), with depth."""
    nodes = list(nodes)
    ids = {n.id for n in nodes}
    children: dict[int | None, list[Node]] = {}
    for n in nodes:
        parent = n.parent_id if n.parent_id in ids else None
        children.setdefault(parent, []).append(n)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.position, n.name.lower(), n.id))
    out: list[tuple[Node, int]] = []
    stack: list[tuple[Node, int]] = [(n, 0) for n in reversed(children.get(None, []))]
    while stack:
        node, depth = stack.pop()
        out.append((node, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(node.id, [])))
    return out


def descendants(nodes: Sequence[Node], area_id: int) -> set[int]:
    """The ids below an area (not including it)."""
    children: dict[int | None, list[int]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n.id)
    found: set[int] = set()
    todo = list(children.get(area_id, []))
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def leaf_ids(nodes: Sequence[Node]) -> set[int]:
    """Areas with no children."""
    parents = {n.parent_id for n in nodes}
    return {n.id for n in nodes if n.id not in parents}


def roll_up(
    nodes: Sequence[Node], own: Mapping[int, Mapping[str, float]]
) -> dict[int, dict[str, float]]:
    """Each area's figures plus all its descendants', key by key (an area's own figures count)."""
    totals: dict[int, dict[str, float]] = {n.id: dict(own.get(n.id, {})) for n in nodes}
    by_id = {n.id: n for n in nodes}
    # Deepest first, so each child is complete before it is added to its parent.
    for node, _depth in sorted(ordered(nodes), key=lambda pair: -pair[1]):
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        if parent is None:
            continue
        target = totals[parent.id]
        for key, value in totals[node.id].items():
            target[key] = target.get(key, 0) + value
    return totals
