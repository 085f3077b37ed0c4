"""The cascade as a tree: loop detection (checked against brute force), the indented walk, and descendants."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.objectives.tree import children_of, depth_first, descendants, find_cycle, find_cycles


@pytest.mark.parametrize(("parents", "cycle"), [
    ({}, None),
    ({"S1": None, "A1": "S1", "T1": "A1"}, None),
    ({"A1": "VISION"}, None),  # a parent outside the mapping ends the chain
    ({"S1": "S1"}, ["S1"]),
    ({"A": "B", "B": "A"}, ["A", "B"]),
    ({"T1": "A", "A": "B", "B": "C", "C": "A"}, ["A", "B", "C"]),  # T1 hangs off the loop; it is not in it
    ({"S1": None, "A1": "S1", "X": "Y", "Y": "Z", "Z": "X"}, ["X", "Y", "Z"]),
])
def test_find_cycle(parents: dict[str, str | None], cycle: list[str] | None) -> None:
    assert find_cycle(parents) == cycle


def test_find_cycles_finds_each_loop_once() -> None:
    parents = {"A": "B", "B": "A", "C": "C", "D": "A", "E": None}
    assert find_cycles(parents) == [["A", "B"], ["C"]]


def brute_force_on_a_loop(parents: dict[int, int | None]) -> set[int]:
    """Keys from which following parents comes back to the key itself."""
    looped = set()
    for start in parents:
        key = parents[start]
        for _ in range(len(parents)):
            if key is None or key not in parents:
                break
            if key == start:
                looped.add(start)
                break
            key = parents[key]
    return looped


@given(st.dictionaries(st.integers(0, 12), st.none() | st.integers(0, 14), max_size=13))
def test_find_cycles_agrees_with_brute_force(parents: dict[int, int | None]) -> None:
    cycles = find_cycles(parents)
    assert {key for cycle in cycles for key in cycle} == brute_force_on_a_loop(parents)
    for cycle in cycles:
        assert len(set(cycle)) == len(cycle)
        for i, key in enumerate(cycle):
            assert parents[key] == cycle[(i + 1) % len(cycle)]
    assert (find_cycle(parents) is None) == (not cycles)


@dataclass
class Item:
    ref: str
    parent: str | None


ITEMS = [Item("A2", "S1"), Item("S1", None), Item("T1", "A1"), Item("A1", "S1"), Item("S2", None),
         Item("I1", "T1"), Item("X1", "ELSEWHERE")]


def test_depth_first_for_an_indented_tree() -> None:
    shown = [(item.ref, depth) for item, depth in depth_first(ITEMS, key=lambda i: i.ref, parent=lambda i: i.parent)]
    assert shown == [("S1", 0), ("A2", 1), ("A1", 1), ("T1", 2), ("I1", 3), ("S2", 0), ("X1", 0)]


def test_depth_first_refuses_loops_and_repeats() -> None:
    with pytest.raises(ValueError, match="loop"):
        depth_first([Item("A", "B"), Item("B", "A")], key=lambda i: i.ref, parent=lambda i: i.parent)
    with pytest.raises(ValueError, match="more than once"):
        depth_first([Item("A", None), Item("A", None)], key=lambda i: i.ref, parent=lambda i: i.parent)


def test_children_and_descendants() -> None:
    parents = {item.ref: item.parent for item in ITEMS}
    assert children_of(parents) == {"S1": ["A2", "A1"], "A1": ["T1"], "T1": ["I1"]}
    assert descendants(parents, "S1") == ["A2", "A1", "T1", "I1"]
    assert descendants(parents, "I1") == []
    with pytest.raises(ValueError, match="loop"):
        descendants({"A": "B", "B": "A"}, "A")
