"""The area tree as pure functions: display order, depth, descendants, leaves and roll-ups.
No Flask and no database: plain nodes in, plain values out."""

from __future__ import annotations

import pytest

from planner.areas import Node, descendants, leaf_ids, ordered, roll_up


def node(id: int, parent: int | None = None, position: int = 0, name: str | None = None) -> Node:
    """A node whose name defaults to its id, so order by name is order by id unless said."""
    return Node(id=id, parent_id=parent, position=position, name=name or f"Area {id:02d}")


# A trust of three levels, given out of order on purpose:
#   1 Medicine            (position 1)
#     3 Emergency         (position 0)
#       5 Resus           (position 0)
#     4 Acute Medicine    (position 1)
#   2 Surgery             (position 0)
#     6 Theatres          (position 0)
TRUST = [
    node(5, parent=3, position=0, name="Resus"),
    node(4, parent=1, position=1, name="Acute Medicine"),
    node(6, parent=2, position=0, name="Theatres"),
    node(1, position=1, name="Medicine"),
    node(3, parent=1, position=0, name="Emergency"),
    node(2, position=0, name="Surgery"),
]


def names_and_depths(nodes: list[Node]) -> list[tuple[str, int]]:
    return [(n.name, depth) for n, depth in ordered(nodes)]


def test_ordered_puts_parents_before_children_siblings_by_position_with_depth():
    assert names_and_depths(TRUST) == [
        ("Surgery", 0),
        ("Theatres", 1),
        ("Medicine", 0),
        ("Emergency", 1),
        ("Resus", 2),
        ("Acute Medicine", 1),
    ]


@pytest.mark.parametrize(
    ("siblings", "expected"),
    [
        # Same position: by name, ignoring case.
        ([node(1, name="beta"), node(2, name="Alpha"), node(3, name="gamma")], ["Alpha", "beta", "gamma"]),
        # Position wins over name.
        ([node(1, position=2, name="Alpha"), node(2, position=1, name="Zulu")], ["Zulu", "Alpha"]),
        # Same position and name: the older (lower id) first, so the order is stable.
        ([node(9, name="Same"), node(4, name="Same")], ["Same", "Same"]),
    ],
    ids=["name-ignoring-case", "position-first", "tie-by-id"],
)
def test_ordered_siblings(siblings, expected):
    assert [n.name for n, _ in ordered(siblings)] == expected


def test_ordered_tie_on_position_and_name_keeps_ids_ascending():
    assert [n.id for n, _ in ordered([node(9, name="Same"), node(4, name="Same")])] == [4, 9]


def test_ordered_treats_an_area_whose_parent_is_missing_as_top_level():
    nodes = [node(1, name="Kept"), node(2, parent=99, name="Orphan")]
    assert names_and_depths(nodes) == [("Kept", 0), ("Orphan", 0)]


def test_ordered_of_nothing_is_empty():
    assert ordered([]) == []


@pytest.mark.parametrize(
    ("area_id", "expected"),
    [
        (1, {3, 4, 5}),  # Medicine: its directorates and the service two levels down
        (3, {5}),
        (2, {6}),
        (5, set()),  # a leaf
        (99, set()),  # not in the tree
    ],
)
def test_descendants(area_id, expected):
    assert descendants(TRUST, area_id) == expected


def test_descendants_do_not_include_the_area_itself():
    assert 1 not in descendants(TRUST, 1)


def test_leaf_ids_are_the_areas_without_children():
    assert leaf_ids(TRUST) == {4, 5, 6}


def test_a_lone_area_is_a_leaf():
    assert leaf_ids([node(7)]) == {7}


def test_roll_up_sums_own_figures_and_every_descendant_three_levels_deep():
    own = {
        1: {"staff": 10},  # Medicine's own team (the divisional office)
        3: {"staff": 100, "leaders:middle": 2},  # Emergency has its own team as well as Resus
        4: {"staff": 50, "leaders:middle": 1},
        5: {"staff": 7, "leaders:frontline": 3},
        6: {"staff": 30},
        # Surgery (2) has no figures of its own.
    }
    totals = roll_up(TRUST, own)
    assert totals[5] == {"staff": 7, "leaders:frontline": 3}
    assert totals[3] == {"staff": 107, "leaders:middle": 2, "leaders:frontline": 3}
    assert totals[4] == {"staff": 50, "leaders:middle": 1}
    assert totals[1] == {"staff": 167, "leaders:middle": 3, "leaders:frontline": 3}
    assert totals[2] == {"staff": 30}
    assert totals[6] == {"staff": 30}


def test_roll_up_gives_every_area_a_total_even_without_figures():
    totals = roll_up(TRUST, {})
    assert totals == {n.id: {} for n in TRUST}


def test_roll_up_keeps_fractions_of_fte():
    nodes = [node(1), node(2, parent=1), node(3, parent=1)]
    totals = roll_up(nodes, {2: {"fte": 0.6}, 3: {"fte": 0.8}})
    assert totals[1]["fte"] == pytest.approx(1.4)


def test_roll_up_does_not_change_the_figures_it_was_given():
    own = {3: {"staff": 100}, 5: {"staff": 7}}
    roll_up(TRUST, own)
    assert own == {3: {"staff": 100}, 5: {"staff": 7}}
