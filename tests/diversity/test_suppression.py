"""Small-number suppression: worked examples, and properties on random tables."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.diversity.suppression import (
    DEFAULT_THRESHOLD,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    SuppressedTable,
    check_threshold,
    is_small,
    share,
    suppress_table,
    suppress_vector,
)

ROOT = Path(__file__).resolve().parents[2]
X = None  # a withheld value, in the expected tables below

Grid = list[list[int]]


def row_names(grid: Grid) -> list[str]:
    return [f"area {i}" for i in range(len(grid))]


def column_names(grid: Grid) -> list[str]:
    return [f"group {j}" for j in range(len(grid[0]))] if grid else []


def suppress_grid(grid: Grid, threshold: int = DEFAULT_THRESHOLD, **options: bool) -> SuppressedTable:
    rows, columns = row_names(grid), column_names(grid)
    counts = {(row, column): grid[i][j] for i, row in enumerate(rows) for j, column in enumerate(columns)}
    return suppress_table(counts, rows, columns, threshold, **options)


def published_grid(table: SuppressedTable, grid: Grid) -> list[list[int | None]]:
    """The cells as a grid, then the row totals as a last column and the column totals as a last row."""
    rows, columns = row_names(grid), column_names(grid)
    body = [[table.cells[(row, column)] for column in columns] + [table.row_totals[row]] for row in rows]
    return [*body, [table.column_totals[column] for column in columns] + [table.grand_total]]


# The rule's settings


@pytest.mark.parametrize("value", range(MIN_THRESHOLD, MAX_THRESHOLD + 1))
def test_thresholds_from_3_to_10_are_accepted(value: int) -> None:
    assert check_threshold(value) == value


@pytest.mark.parametrize("value", [2, 11, 0, -7, True, 7.0, "7"])
def test_other_thresholds_are_refused_with_the_range(value: object) -> None:
    with pytest.raises(ValueError, match="from 3 to 10"):
        check_threshold(value)  # type: ignore[arg-type]


def test_the_default_is_the_nhs_digital_rule() -> None:
    assert (DEFAULT_THRESHOLD, MIN_THRESHOLD, MAX_THRESHOLD) == (7, 3, 10)


@pytest.mark.parametrize(
    ("count", "threshold", "small"),
    [(0, 7, False), (1, 7, True), (7, 7, True), (8, 7, False), (3, 3, True), (4, 3, False), (10, 10, True)],
)
def test_is_small(count: int, threshold: int, small: bool) -> None:
    assert is_small(count, threshold) is small


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [
        (25, 100, 0.25),
        (0, 40, 0.0),
        (40, 40, 1.0),
        (None, 40, None),
        (12, None, None),
        (None, None, None),
        (0, 0, None),
    ],
)
def test_share(count: int | None, total: int | None, expected: float | None) -> None:
    assert share(count, total) == expected


@pytest.mark.parametrize(("count", "total"), [(-1, 10), (3, -10), (11, 10)])
def test_share_refuses_impossible_counts(count: int, total: int) -> None:
    with pytest.raises(ValueError, match="share"):
        share(count, total)


# Worked examples: one row


@pytest.mark.parametrize(
    ("counts", "threshold", "publish_total", "expected_cells", "expected_total"),
    [
        pytest.param([0, 40, 50], 7, True, [0, 40, 50], 90, id="nothing small, zero shown"),
        pytest.param([3, 40, 25, 60], 7, True, [X, 40, X, 60], 128, id="one small: the smallest other too"),
        pytest.param([3, 25, 25], 7, True, [X, X, 25], 53, id="ties: the first in order"),
        pytest.param([3, 5, 40], 7, True, [X, X, 40], 48, id="two small: nothing more"),
        pytest.param([3, 0, 0], 7, True, [X, 0, 0], None, id="nothing else to withhold: the total"),
        pytest.param([3], 7, True, [X], None, id="a single group"),
        pytest.param([3, 40, 25], 7, False, [X, 40, 25], None, id="no total: primary only"),
        pytest.param([8, 40], 7, True, [8, 40], 48, id="8 is above 7"),
        pytest.param([4, 40], 3, True, [4, 40], 44, id="threshold 3"),
        pytest.param([10, 40, 11], 10, True, [X, 40, X], 61, id="threshold 10"),
        pytest.param([1, 2, 3, 500], 7, True, [X, X, X, 500], 506, id="several small"),
    ],
)
def test_vector_examples(
    counts: list[int],
    threshold: int,
    publish_total: bool,
    expected_cells: list[int | None],
    expected_total: int | None,
) -> None:
    order = [f"group {k}" for k in range(len(counts))]
    cells, total = suppress_vector(dict(zip(order, counts, strict=True)), order, threshold, publish_total=publish_total)
    assert list(cells) == order
    assert list(cells.values()) == expected_cells
    assert total == expected_total


def test_vector_missing_groups_count_as_zero() -> None:
    cells, total = suppress_vector({"Black": 30, "Asian": 4}, ["White", "Asian", "Black"])
    assert cells == {"White": 0, "Asian": None, "Black": None}
    assert total == 34


def test_vector_refuses_groups_outside_the_order() -> None:
    with pytest.raises(ValueError, match="not in the order"):
        suppress_vector({"Mixed": 3}, ["White", "Asian"])


# Worked examples: tables (cells, with each row's total as the last column; the last row holds the
# column totals and the grand total)


@pytest.mark.parametrize(
    ("grid", "options", "expected"),
    [
        pytest.param([[20, 30], [40, 50]], {}, [[20, 30, 50], [40, 50, 90], [60, 80, 140]], id="nothing small"),
        pytest.param([[3, 20], [30, 40]], {}, [[X, X, 23], [X, X, 70], [33, 60, 93]], id="2x2 one small: all four"),
        pytest.param(
            [[2, 50, 60], [40, 45, 70], [55, 65, 80]],
            {},
            [[X, X, 60, 112], [X, X, 70, 155], [55, 65, 80, 200], [97, 160, 210, 467]],
            id="3x3: the smallest partners make a square",
        ),
        pytest.param(
            [[3, 20, 30], [40, 50, 60]],
            {"publish_column_totals": False},
            [[X, X, 30, 53], [40, 50, 60, 150], [X, X, X, 203]],
            id="row totals only: rows are protected, columns are not",
        ),
        pytest.param(
            [[3, 20, 30], [40, 50, 60]],
            {"publish_row_totals": False},
            [[X, 20, 30, X], [X, 50, 60, X], [43, 70, 90, 203]],
            id="column totals only",
        ),
        pytest.param(
            [[3, 20], [30, 40]],
            {"publish_row_totals": False, "publish_column_totals": False},
            [[X, 20, X], [30, 40, X], [X, X, X]],
            id="no totals: primary only, and no grand total",
        ),
        pytest.param([[3, 5], [30, 40]], {}, [[X, X, 8], [X, X, 70], [33, 45, 78]], id="a row of two small counts"),
        pytest.param(
            [[3, 0], [0, 40]], {}, [[X, 0, X], [0, 40, 40], [X, 40, X]], id="small count alone in its row and column"
        ),
        pytest.param(
            [[3, 0, 0], [40, 50, 60]],
            {},
            [[X, 0, 0, X], [X, X, 60, X], [X, X, 60, 153]],
            id="only small in its row: totals withheld so the grand total gives nothing away",
        ),
        pytest.param(
            # Leadership levels (board, senior, middle, first line) by ethnic group (illustrative).
            [[10, 2, 1, 0, 0], [48, 9, 5, 2, 1], [310, 62, 41, 12, 8], [905, 210, 160, 35, 22]],
            {},
            [
                [10, X, X, 0, 0, 13],
                [48, X, X, X, X, 65],
                [310, 62, 41, X, X, 433],
                [905, 210, 160, 35, 22, 1332],
                [1273, 283, 207, 49, 31, 1843],
            ],
            id="levels by ethnic group",
        ),
    ],
)
def test_table_examples(grid: Grid, options: dict[str, bool], expected: list[list[int | None]]) -> None:
    table = suppress_grid(grid, **options)
    assert published_grid(table, grid) == expected
    assert worked_out(table, grid) == set()


def test_two_protected_squares_joined_by_a_small_count_get_a_link() -> None:
    # Each line holds 0 or 2+ withheld cells, yet area 1/group 2 follows from rows 0-1 and columns 0-1:
    # (rows 0 and 1) - (columns 0 and 1) = that cell. One more cell closes the loop.
    grid = [
        [3, 3, 90, 90],
        [3, 3, 2, 90],
        [90, 90, 3, 3],
        [90, 90, 3, 3],
    ]
    table = suppress_grid(grid)
    small = [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)]
    link = (0, 2)  # the first of the cheapest cells joining the two squares (all 90)
    assert table.withheld == {(f"area {i}", f"group {j}") for i, j in [*small, link]}
    assert worked_out(table, grid) == set()
    assert all(total is not None for total in table.row_totals.values())


def test_missing_cells_count_as_zero() -> None:
    table = suppress_table({("A", "x"): 30, ("B", "y"): 40}, ["A", "B"], ["x", "y"])
    assert table.cells == {("A", "x"): 30, ("A", "y"): 0, ("B", "x"): 0, ("B", "y"): 40}
    assert (table.row_totals, table.column_totals, table.grand_total) == ({"A": 30, "B": 40}, {"x": 30, "y": 40}, 70)


def test_an_empty_table() -> None:
    table = suppress_table({}, [], ["x"], publish_column_totals=False)
    assert (table.cells, table.row_totals, table.column_totals, table.grand_total) == ({}, {}, {"x": None}, 0)


@pytest.mark.parametrize(
    ("counts", "rows", "columns", "threshold", "error", "message"),
    [
        ({("A", "x"): -1}, ["A"], ["x"], 7, ValueError, "negative"),
        ({("A", "z"): 3}, ["A"], ["x"], 7, ValueError, "not a cell"),
        ({("C", "x"): 3}, ["A"], ["x"], 7, ValueError, "not a cell"),
        ({}, ["A", "A"], ["x"], 7, ValueError, "named once"),
        ({}, ["A"], ["x", "x"], 7, ValueError, "named once"),
        ({("A", "x"): 2.5}, ["A"], ["x"], 7, TypeError, "whole numbers"),
        ({}, ["A"], ["x"], 2, ValueError, "from 3 to 10"),
    ],
)
def test_table_errors(
    counts: dict[tuple[str, str], int],
    rows: list[str],
    columns: list[str],
    threshold: int,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        suppress_table(counts, rows, columns, threshold)


def test_vector_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress_vector({"a": -2}, ["a"])


# Properties on random tables


@dataclass(frozen=True)
class Case:
    grid: Grid
    threshold: int
    publish_row_totals: bool
    publish_column_totals: bool
    leave_out_zeros: bool

    def run(self) -> SuppressedTable:
        rows, columns = row_names(self.grid), column_names(self.grid)
        counts = {
            (row, column): self.grid[i][j]
            for i, row in enumerate(rows)
            for j, column in enumerate(columns)
            if self.grid[i][j] or not self.leave_out_zeros
        }
        return suppress_table(
            counts,
            rows,
            columns,
            self.threshold,
            publish_row_totals=self.publish_row_totals,
            publish_column_totals=self.publish_column_totals,
        )


@st.composite
def cases(draw: st.DrawFn, totals: bool | None = None) -> Case:
    threshold = draw(st.integers(MIN_THRESHOLD, MAX_THRESHOLD))
    n_rows, n_columns = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    count = st.one_of(st.just(0), st.integers(1, threshold), st.integers(threshold + 1, 500))
    grid = draw(st.lists(st.lists(count, min_size=n_columns, max_size=n_columns), min_size=n_rows, max_size=n_rows))
    flags = st.booleans() if totals is None else st.just(totals)
    return Case(grid, threshold, draw(flags), draw(flags), draw(st.booleans()))


def worked_out(table: SuppressedTable, grid: Grid) -> set[tuple[str, str]]:
    """The withheld cells that follow from the published values (exact linear algebra over fractions).

    The unknowns are the withheld cells and every total not published; the equations are what anyone
    knows: each row adds up to its total, each column to its total, and the row totals and the column
    totals each add up to the grand total. A withheld cell can be worked out exactly when its unit
    vector lies in the row space of those equations, which reduced row echelon form shows as a row
    with a single non-zero entry.
    """
    rows, columns = row_names(grid), column_names(grid)
    unknown: list[tuple[str, str]] = sorted(table.withheld)
    unknown += [("row", row) for row in rows if table.row_totals[row] is None]
    unknown += [("column", column) for column in columns if table.column_totals[column] is None]
    unknown += [("grand", "")] if table.grand_total is None else []
    index = {name: k for k, name in enumerate(unknown)}

    def equation(plus: Sequence[tuple[str, str]], minus: Sequence[tuple[str, str]]) -> list[Fraction]:
        coefficients = [Fraction(0)] * len(unknown)
        for names, sign in ((plus, 1), (minus, -1)):
            for name in names:
                if name in index:
                    coefficients[index[name]] += sign
        return coefficients

    grand = [("grand", "")]
    equations = [equation([(row, column) for column in columns], [("row", row)]) for row in rows]
    equations += [equation([(row, column) for row in rows], [("column", column)]) for column in columns]
    equations += [equation([("row", row) for row in rows], grand), equation([("column", c) for c in columns], grand)]
    determined = {unknown[k] for k in _single_entry_rows(equations, len(unknown))}
    return determined & table.withheld


def _single_entry_rows(matrix: list[list[Fraction]], width: int) -> set[int]:
    """Reduce to row echelon form; return the columns whose unit vector is one of the rows."""
    matrix = [row[:] for row in matrix if any(row)]
    pivot_row = 0
    for column in range(width):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column]:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivot_row += 1
    return {next(k for k, v in enumerate(row) if v) for row in matrix if sum(1 for v in row if v) == 1}


@settings(max_examples=300, deadline=None)
@given(cases())
def test_no_published_cell_is_small_and_zero_is_never_withheld(case: Case) -> None:
    table = case.run()
    for value in table.cells.values():
        if value is not None:
            assert not is_small(value, case.threshold)
    for i, row in enumerate(row_names(case.grid)):
        for j, column in enumerate(column_names(case.grid)):
            true = case.grid[i][j]
            assert ((row, column) in table.withheld) is (table.cells[(row, column)] is None)
            if is_small(true, case.threshold):
                assert (row, column) in table.withheld
            if true == 0:
                assert table.cells[(row, column)] == 0


@settings(max_examples=300, deadline=None)
@given(cases())
def test_published_values_are_the_true_values(case: Case) -> None:
    table = case.run()
    rows, columns = row_names(case.grid), column_names(case.grid)
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            assert table.cells[(row, column)] in (None, case.grid[i][j])
        assert table.row_totals[row] in (None, sum(case.grid[i]))
        if not case.publish_row_totals:
            assert table.row_totals[row] is None
    for j, column in enumerate(columns):
        assert table.column_totals[column] in (None, sum(line[j] for line in case.grid))
        if not case.publish_column_totals:
            assert table.column_totals[column] is None
    assert table.grand_total in (None, sum(map(sum, case.grid)))
    if not (case.publish_row_totals or case.publish_column_totals):
        assert table.grand_total is None
        assert table.withheld == {
            (rows[i], columns[j])
            for i, line in enumerate(case.grid)
            for j, v in enumerate(line)
            if is_small(v, case.threshold)
        }


@settings(max_examples=300, deadline=None)
@given(cases())
def test_every_published_line_has_zero_or_two_plus_withheld_cells(case: Case) -> None:
    table = case.run()
    rows, columns = row_names(case.grid), column_names(case.grid)
    for row in rows:
        if table.row_totals[row] is not None:
            assert sum((row, column) in table.withheld for column in columns) != 1
    for column in columns:
        if table.column_totals[column] is not None:
            assert sum((row, column) in table.withheld for row in rows) != 1
    # Put the other way: a withheld cell with a published row total has a partner in its row.
    for row, column in table.withheld:
        if table.row_totals[row] is not None:
            assert any((row, other) in table.withheld for other in columns if other != column)
        if table.column_totals[column] is not None:
            assert any((other, column) in table.withheld for other in rows if other != row)


@settings(max_examples=400, deadline=None)
@given(cases())
def test_no_withheld_count_can_be_worked_out(case: Case) -> None:
    table = case.run()
    assert worked_out(table, case.grid) == set()


@settings(max_examples=200, deadline=None)
@given(cases(totals=True))
def test_no_withheld_count_can_be_worked_out_with_every_total_asked_for(case: Case) -> None:
    table = case.run()
    assert worked_out(table, case.grid) == set()


@settings(max_examples=100, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_the_order_of_the_counts_mapping_does_not_matter(case: Case, shuffler: random.Random) -> None:
    rows, columns = row_names(case.grid), column_names(case.grid)
    items = [((row, column), case.grid[i][j]) for i, row in enumerate(rows) for j, column in enumerate(columns)]
    shuffler.shuffle(items)
    options = {"publish_row_totals": case.publish_row_totals, "publish_column_totals": case.publish_column_totals}
    assert suppress_table(dict(items), rows, columns, case.threshold, **options) == case.run()


@settings(max_examples=200, deadline=None)
@given(
    st.integers(MIN_THRESHOLD, MAX_THRESHOLD).flatmap(
        lambda threshold: st.tuples(
            st.just(threshold),
            st.lists(st.one_of(st.just(0), st.integers(1, threshold), st.integers(threshold + 1, 500)), max_size=9),
            st.booleans(),
        )
    )
)
def test_vector_properties(drawn: tuple[int, list[int], bool]) -> None:
    threshold, counts, publish_total = drawn
    order = [f"group {k}" for k in range(len(counts))]
    cells, total = suppress_vector(dict(zip(order, counts, strict=True)), order, threshold, publish_total=publish_total)
    withheld = [key for key, value in cells.items() if value is None]
    for key, true in zip(order, counts, strict=True):
        assert cells[key] in (None, true)
        assert (cells[key] is None) is (key in withheld)
        if is_small(true, threshold):
            assert cells[key] is None
        if true == 0:
            assert cells[key] == 0
    assert total in (None, sum(counts))
    if publish_total:
        # A published total with one withheld count would give it away.
        assert total is None or len(withheld) != 1
        assert total is not None or len(withheld) == 1
        assert len(withheld) <= sum(1 for v in counts if is_small(v, threshold)) + 1
    else:
        assert total is None
        assert withheld == [key for key, v in zip(order, counts, strict=True) if is_small(v, threshold)]


# With totals fixed (published elsewhere, so never withheld)


@st.composite
def fixed_cases(draw: st.DrawFn) -> tuple[Grid, int]:
    threshold = draw(st.integers(MIN_THRESHOLD, MAX_THRESHOLD))
    n_rows, n_columns = draw(st.integers(2, 8)), draw(st.integers(2, 6))
    count = st.one_of(st.just(0), st.integers(1, threshold), st.integers(threshold + 1, 500))
    grid = draw(st.lists(st.lists(count, min_size=n_columns, max_size=n_columns), min_size=n_rows, max_size=n_rows))
    return grid, threshold


@settings(max_examples=300, deadline=None)
@given(fixed_cases())
def test_fixed_totals_are_all_published_and_no_withheld_count_can_be_worked_out(case: tuple[Grid, int]) -> None:
    grid, threshold = case
    rows, columns = row_names(grid), column_names(grid)
    counts = {(row, column): grid[i][j] for i, row in enumerate(rows) for j, column in enumerate(columns)}
    table = suppress_table(counts, rows, columns, threshold, fixed_totals=True)
    assert all(total is not None for total in table.row_totals.values())
    assert all(total is not None for total in table.column_totals.values())
    assert all(value is None or not is_small(value, threshold) for value in table.cells.values())
    assert worked_out(table, grid) == set()


def test_fixed_totals_withhold_a_zero_beside_a_lone_small_count() -> None:
    # The first area's only senior leaders are 3 from one group, and its total of 3 is published
    # as leaders in post: the zero beside it is withheld, never the total.
    grid = [[0, 3], [20, 10]]
    rows, columns = row_names(grid), column_names(grid)
    counts = {(row, column): grid[i][j] for i, row in enumerate(rows) for j, column in enumerate(columns)}
    table = suppress_table(counts, rows, columns, 7, fixed_totals=True)
    assert list(table.row_totals.values()) == [3, 30]
    assert table.cells[(rows[0], columns[1])] is None and table.cells[(rows[0], columns[0])] is None
    assert worked_out(table, grid) == set()
