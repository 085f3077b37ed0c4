"""Progress rolls up the cascade by weight: a worked example over four levels with unequal weights (where a
straight average would be wrong), children with no progress, parents with their own measure, loops, and a
property check against an independent recursive reading."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.objectives.progress import CheckIn, Measure, Node, NodeId, own_progress, rolled_up

DAY = date(2025, 9, 30)
NONE = Measure("none")


def target(current: float, *, baseline: float = 0, goal: float = 10) -> tuple[Measure, CheckIn]:
    return Measure("target", baseline=baseline, target=goal), CheckIn(on=DAY, value=current)


def node(id: NodeId, parent: NodeId | None, weight: float = 1, measure: Measure = NONE,
         latest: CheckIn | None = None) -> Node:
    return Node(id=id, parent=parent, weight=weight, measure=measure, latest=latest)


def leaf(id: str, parent: str | None, weight: float, current: float) -> Node:
    measure, latest = target(current)
    return node(id, parent, weight, measure, latest)


# S1 strategic, rolls up
# ├── A1 area, weight 3, rolls up
# │   ├── T1 team, weight 2: 10 of 10            -> 1.0
# │   └── T2 team, weight 1, rolls up
# │       ├── I1 individual, weight 1: done      -> 1.0
# │       └── I2 individual, weight 3: not done  -> 0.0
# └── A2 area, weight 1: 2 of 10                 -> 0.2
CASCADE = [
    node("S1", None),
    node("A1", "S1", 3),
    leaf("T1", "A1", 2, 10),
    node("T2", "A1", 1),
    node("I1", "T2", 1, Measure("milestone"), CheckIn(on=DAY, done=True)),
    node("I2", "T2", 3, Measure("milestone"), CheckIn(on=DAY, done=False)),
    leaf("A2", "S1", 1, 2),
]


def test_the_worked_example_weights_every_level() -> None:
    progress = rolled_up(CASCADE)
    assert progress["T2"] == pytest.approx((1 * 1.0 + 3 * 0.0) / 4)  # 0.25
    assert progress["A1"] == pytest.approx((2 * 1.0 + 1 * 0.25) / 3)  # 0.75
    assert progress["S1"] == pytest.approx((3 * 0.75 + 1 * 0.2) / 4)  # 0.6125
    assert progress == pytest.approx({"S1": 0.6125, "A1": 0.75, "T1": 1.0, "T2": 0.25, "I1": 1.0, "I2": 0.0,
                                      "A2": 0.2})
    assert list(progress) == [n.id for n in CASCADE]  # in the order given


def test_a_straight_average_would_be_wrong_when_weights_differ() -> None:
    progress = rolled_up(CASCADE)
    i1, i2 = progress["I1"], progress["I2"]
    assert i1 is not None and i2 is not None
    assert (i1 + i2) / 2 == 0.5 != progress["T2"]  # T2 is 0.25: I2 weighs three times as much as I1
    straight_s1 = (0.5 * (1.0 + 0.5) + 0.2) / 2  # straight averages all the way up
    assert straight_s1 == pytest.approx(0.475) and progress["S1"] != pytest.approx(straight_s1)


def test_equal_weights_are_a_straight_average_and_weights_scale_freely() -> None:
    same = [node("P", None), leaf("a", "P", 1, 2), leaf("b", "P", 1, 6)]
    assert rolled_up(same)["P"] == pytest.approx(0.4)
    scaled = [node("P", None), leaf("a", "P", 0.25, 2), leaf("b", "P", 0.75, 6)]
    tripled = [node("P", None), leaf("a", "P", 3, 2), leaf("b", "P", 9, 6)]
    assert rolled_up(scaled)["P"] == pytest.approx(rolled_up(tripled)["P"]) == pytest.approx(0.5)


def test_children_with_no_progress_are_left_out_and_the_others_share_the_weight() -> None:
    unknown_range = node("R", "P", 5, Measure("range", low=1, high=2))  # nothing recorded: None
    unmeasurable = node("U", "P", 2, Measure("target", baseline=3, target=3), CheckIn(on=DAY, value=3))
    nodes = [node("P", None), unknown_range, unmeasurable, leaf("L", "P", 1, 5)]
    assert rolled_up(nodes) == {"P": 0.5, "R": None, "U": None, "L": 0.5}


def test_no_progress_anywhere_below_is_none() -> None:
    nodes = [node("P", None), node("Q", "P", 1), node("R", "P", 4, Measure("range", low=0, high=1))]
    assert rolled_up(nodes) == {"P": None, "Q": None, "R": None}
    assert rolled_up([node("alone", None)]) == {"alone": None}


def test_a_parent_with_its_own_measure_keeps_its_own() -> None:
    measure, latest = target(3)
    nodes = [node("P", None, 1, measure, latest), leaf("a", "P", 1, 10), leaf("b", "P", 1, 10)]
    assert rolled_up(nodes) == {"P": pytest.approx(0.3), "a": 1.0, "b": 1.0}
    milestone = [node("M", None, 1, Measure("milestone")), leaf("a", "M", 1, 10)]
    assert rolled_up(milestone)["M"] == 0.0  # not done, whatever its children say


def test_integer_ids_and_a_parent_outside_the_nodes() -> None:
    nodes = [node(1, 99), node(2, 1, 1, *target(5))]  # 99 is not given: node 1 is a root
    assert rolled_up(nodes) == {1: 0.5, 2: 0.5}


def test_a_deep_chain_needs_no_recursion() -> None:
    chain = [node(0, None)] + [node(i, i - 1) for i in range(1, 5000)] + [node(5000, 4999, 1, *target(7))]
    assert rolled_up(chain)[0] == pytest.approx(0.7)


def test_loops_and_repeats_are_refused() -> None:
    with pytest.raises(ValueError, match=r"loop: A -> B -> A"):
        rolled_up([node("A", "B"), node("B", "A"), node("C", None)])
    with pytest.raises(ValueError, match=r"loop: S -> S"):
        rolled_up([node("S", "S")])
    with pytest.raises(ValueError, match="given more than once"):
        rolled_up([node("A", None), node("A", None)])


@pytest.mark.parametrize("weight", [0, -1, float("nan"), float("inf")])
def test_weights_must_be_above_zero(weight: float) -> None:
    with pytest.raises(ValueError, match="weight"):
        node("A", None, weight)


# An independent reading: plain recursion over a random forest.
def expected(nodes: list[Node]) -> dict[NodeId, float | None]:
    ids = {n.id for n in nodes}

    def of(n: Node) -> float | None:
        if n.measure.kind != "none":
            return own_progress(n.measure, n.latest)
        pairs = [(c.weight, of(c)) for c in nodes if c.parent == n.id]
        known = [(w, p) for w, p in pairs if p is not None]
        if not known:
            return None
        return sum(w * p for w, p in known) / sum(w for w, _ in known)

    assert all(n.parent is None or n.parent in ids for n in nodes)
    return {n.id: of(n) for n in nodes}


@st.composite
def forests(draw: st.DrawFn) -> list[Node]:
    size = draw(st.integers(1, 25))
    nodes = []
    for i in range(size):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        weight = draw(st.floats(0.1, 10))
        kind = draw(st.sampled_from(["none", "none", "target", "milestone", "range"]))
        if kind == "target":
            measure, latest = target(draw(st.floats(-5, 15)))
        elif kind == "milestone":
            measure, latest = Measure("milestone"), CheckIn(on=DAY, done=draw(st.booleans()))
        elif kind == "range":
            measure = Measure("range", low=2, high=4)
            value = draw(st.none() | st.floats(0, 6))
            latest = CheckIn(on=DAY, value=value)
        else:
            measure, latest = NONE, None
        nodes.append(node(i, parent, weight, measure, latest))
    return draw(st.permutations(nodes))


@given(forests())
def test_roll_up_matches_an_independent_recursive_reading(nodes: list[Node]) -> None:
    got, want = rolled_up(nodes), expected(nodes)
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert (got[key] is None) == (value is None)
        if value is not None:
            assert got[key] == pytest.approx(value)
            assert 0 <= (got[key] or 0) <= 1 + 1e-12
