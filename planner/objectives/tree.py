"""The cascade as a tree: loops, walking it for an indented view, and who sits under whom.

Every objective has at most one parent, so a set of objectives is a forest unless some parents form a
loop. A parent that is not among the objectives given (the vision, or an objective outside the
selection) ends the chain: that objective is a root here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

__all__ = ["children_of", "depth_first", "descendants", "find_cycle", "find_cycles"]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def find_cycles(parents: Mapping[K, K | None]) -> list[list[K]]:
    """Every loop, each as a list of keys where each one's parent is the next and the last's parent is the
    first, starting from the loop's key met first in the mapping's order; [] when there is none."""
    state: dict[K, int] = {}  # 1: on the path being followed, 2: finished
    cycles: list[list[K]] = []
    for start in parents:
        if start in state:
            continue
        path: list[K] = []
        key: K | None = start
        while key is not None and key in parents and key not in state:
            state[key] = 1
            path.append(key)
            key = parents[key]
        if key is not None and state.get(key) == 1:
            cycles.append(path[path.index(key):])
        for seen in path:
            state[seen] = 2
    return cycles


def find_cycle(parents: Mapping[K, K | None]) -> list[K] | None:
    """The first loop in the parents (each key -> its parent key, None for a root), or None."""
    cycles = find_cycles(parents)
    return cycles[0] if cycles else None


def children_of(parents: Mapping[K, K | None]) -> dict[K, list[K]]:
    """Each key with children -> its children, in the mapping's order (parents outside the mapping left out)."""
    children: dict[K, list[K]] = {}
    for key, parent in parents.items():
        if parent is not None and parent in parents:
            children.setdefault(parent, []).append(key)
    return children


def descendants(parents: Mapping[K, K | None], key: K) -> list[K]:
    """Everything under `key` (children, their children...), nearest first; ValueError on a loop."""
    cycle = find_cycle(parents)
    if cycle is not None:
        raise ValueError(f"The objectives form a loop through {cycle[0]!r}.")
    children = children_of(parents)
    found: list[K] = []
    queue = list(children.get(key, ()))
    while queue:
        found.extend(queue)
        queue = [child for parent in queue for child in children.get(parent, ())]
    return found


def depth_first(
    items: Sequence[T],
    *,
    key: Callable[[T], Hashable],
    parent: Callable[[T], Hashable | None],
) -> list[tuple[T, int]]:
    """(item, depth) in the order an indented tree shows them: each root (depth 0) followed by everything
    under it; siblings keep the order of `items`. ValueError on a repeated key or a loop."""
    by_key: dict[Hashable, T] = {}
    for item in items:
        k = key(item)
        if k in by_key:
            raise ValueError(f"The key {k!r} is given more than once.")
        by_key[k] = item
    parents: dict[Hashable, Hashable | None] = {}
    for item in items:
        p = parent(item)
        parents[key(item)] = p if p is not None and p in by_key else None
    cycle = find_cycle(parents)
    if cycle is not None:
        raise ValueError(f"The objectives form a loop through {cycle[0]!r}.")
    children = children_of(parents)
    shown: list[tuple[T, int]] = []
    stack: list[tuple[Hashable, int]] = [(k, 0) for k in reversed(list(by_key)) if parents[k] is None]
    while stack:
        k, depth = stack.pop()
        shown.append((by_key[k], depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(k, [])))
    return shown
