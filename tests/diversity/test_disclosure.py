"""Disclosure by audience: the one rule that decides which counts each audience sees, on worked
examples and on random tables (public levels shown whole, nothing withheld worked out from them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.diversity.disclosure import (
    EXACT_LABEL,
    INTERNAL,
    PUBLISHED,
    Disclosure,
    audience_for_part,
    check_audience,
    check_public_levels,
    disclosure,
    from_content,
    parse_public_levels,
)
from planner.diversity.suppression import MAX_THRESHOLD, MIN_THRESHOLD, is_small
from tests.diversity.test_suppression import column_names, row_names, worked_out

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "keys"), [
    ("board", ("board",)), ("", ()), (None, ()), (" Board , senior,,board ", ("board", "senior")),
])
def test_public_levels_are_read_from_the_setting(text: str | None, keys: tuple[str, ...]) -> None:
    assert parse_public_levels(text) == keys


def test_unknown_public_levels_are_named() -> None:
    assert check_public_levels("board, senior", ["board", "senior", "middle"]) == ("board", "senior")
    with pytest.raises(ValueError, match="'execs', 'top'"):
        check_public_levels("board, execs, top", ["board", "senior"])


def test_an_audience_is_internal_or_published() -> None:
    assert check_audience("internal") == INTERNAL
    with pytest.raises(ValueError, match="internal or published"):
        check_audience("public")


@pytest.mark.parametrize(("part", "audience"), [("1", "published"), ("2", "internal"), (2, "internal"),
                                               (None, "published"), ("", "published")])
def test_a_meetings_part_gives_the_audience(part: object, audience: str) -> None:
    assert audience_for_part(part) == audience


@pytest.mark.parametrize(("audience", "marking", "exact"), [
    ("internal", "OFFICIAL-SENSITIVE", True), ("published", "OFFICIAL", False),
])
def test_each_audience_has_its_marking_and_label(audience: str, marking: str, exact: bool) -> None:
    rule = disclosure(audience, 7, "board")
    assert rule.marking == marking and rule.exact is exact
    assert (rule.label == EXACT_LABEL) is exact
    assert rule.reason.startswith("withheld: fewer than 8 people")
    assert rule.reason.endswith("so figures that would reveal the number are not shown")


@pytest.mark.parametrize(("audience", "level", "count", "withheld"), [
    ("published", "senior", 3, True), ("published", "senior", 0, False), ("published", "senior", 8, False),
    ("published", "board", 2, False), ("published", None, 2, True), ("internal", "senior", 3, False),
    ("published", "senior", None, True),
])
def test_the_primary_rule_by_audience_and_level(audience: str, level: str | None, count: int | None,
                                                withheld: bool) -> None:
    assert disclosure(audience, 7, "board").withholds(count, level=level) is withheld


def test_the_board_is_shown_whole_and_the_rest_suppressed() -> None:
    counts = {("board", "white"): 12, ("board", "bme"): 2, ("board", "not_stated"): 1,
              ("senior", "white"): 25, ("senior", "bme"): 2, ("senior", "not_stated"): 2}
    rows, columns = ["board", "senior"], ["white", "bme", "not_stated"]
    levels = {"board": "board", "senior": "senior"}
    published = disclosure(PUBLISHED, 7, "board").table(counts, rows, columns, row_levels=levels,
                                                        publish_column_totals=False)
    assert [published.cells[("board", c)] for c in columns] == [12, 2, 1]
    assert [published.cells[("senior", c)] for c in columns] == [25, None, None]
    assert published.row_totals == {"board": 15, "senior": 29}
    nothing_public = disclosure(PUBLISHED, 7, "").table(counts, rows, columns, row_levels=levels,
                                                        publish_column_totals=False)
    assert nothing_public.cells[("board", "bme")] is None
    internal = disclosure(INTERNAL, 7, "").table(counts, rows, columns, publish_column_totals=False)
    assert internal.cells == counts and internal.withheld == frozenset()


@pytest.mark.parametrize(("audience", "public", "count", "at_levels", "withheld"), [
    ("published", "board", 2, {"senior": None}, True),  # withheld at its level
    ("published", "board", 26, {"middle": None}, True),  # withheld by secondary suppression
    ("published", "board", 3, {"senior": 3}, True),  # small over the forecast's areas
    ("published", "board", 40, {"senior": 40}, False),
    ("published", "board", 2, {"board": 2}, False),  # the board's composition is public
    ("published", "board", 200, {"board": 2, "senior": None, "frontline": 164}, True),  # all leaders
    ("published", "board,senior", 20, {"board": 2, "senior": 18}, False),
    ("internal", "", 2, {"senior": None}, False),
])
def test_a_targets_start_is_withheld_by_the_rule(audience: str, public: str, count: int,
                                                 at_levels: dict[str, int | None], withheld: bool) -> None:
    assert disclosure(audience, 7, public).start_withheld(count=count, at_levels=at_levels) is withheld


def test_content_without_a_rule_is_read_under_the_strictest() -> None:
    old = from_content({"organisation": {"suppression_threshold": 5}, "diversity": {"suppressed": True}})
    assert old == Disclosure(PUBLISHED, 5, frozenset())
    rule = disclosure(INTERNAL, 6, "board, senior")
    assert from_content({"diversity": {"disclosure": rule.as_content()}}) == rule


# --- random tables -----------------------------------------------------------------------------


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[int]], int, set[str], bool, bool, bool]:
    threshold = draw(st.integers(MIN_THRESHOLD, MAX_THRESHOLD))
    n_rows, n_columns = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    count = st.one_of(st.just(0), st.integers(1, threshold), st.integers(threshold + 1, 300))
    grid = draw(st.lists(st.lists(count, min_size=n_columns, max_size=n_columns), min_size=n_rows, max_size=n_rows))
    public = set(draw(st.lists(st.sampled_from(row_names(grid)), unique=True)))
    return grid, threshold, public, draw(st.booleans()), draw(st.booleans()), draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(tables())
def test_published_tables_show_public_rows_whole_and_let_nothing_withheld_be_worked_out(
        case: tuple[list[list[int]], int, set[str], bool, bool, bool]) -> None:
    grid, threshold, public, row_totals, column_totals, fixed = case
    rows, columns = row_names(grid), column_names(grid)
    counts = {(r, c): grid[i][j] for i, r in enumerate(rows) for j, c in enumerate(columns)}
    rule = disclosure(PUBLISHED, threshold, ",".join(sorted(public)))
    table = rule.table(counts, rows, columns, row_levels={r: r for r in rows}, publish_row_totals=row_totals,
                       publish_column_totals=column_totals, fixed_totals=fixed)
    for (row, column), value in table.cells.items():
        assert value in (None, counts[(row, column)])
        if row in public:
            assert value == counts[(row, column)]
        elif value is not None:
            assert not is_small(value, threshold)
    for j, column in enumerate(columns):
        assert table.column_totals[column] in (None, sum(line[j] for line in grid))
    if not fixed:
        assert not worked_out(table, grid), "a withheld count follows from what is published"
