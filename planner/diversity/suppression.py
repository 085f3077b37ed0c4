"""Small-number suppression: how published diversity counts are withheld. Whether it applies, and to
which levels, is decided by planner.diversity.disclosure (the one disclosure rule, by audience), which
every page, API, export and chart asks; nothing else calls this module.

Primary suppression withholds every count from 1 to the threshold (zero is shown). Secondary
suppression then makes sure no withheld count can be worked out from the published totals:

1. The line rule. A row (or column) whose total is published and which holds exactly one withheld
   cell gets a second: its smallest non-zero published count (ties: the first in order), or, when
   there is none, its total is withheld instead. Repeated over rows and columns until stable.
2. The linear check. Totals are linked too (row totals add up to the grand total, and so do the
   column totals), so the line rule alone can leave a withheld count that follows from several
   totals together. Picture rows, columns and the two margins as points, and every value that is
   not published (withheld cells, withheld or unpublished totals) as a line between two points.
   A withheld count can be worked out exactly when its line is a bridge: no other chain of
   unpublished values joins its two ends. Each such bridge is closed into a loop by withholding the
   cheapest chain of published values that joins its ends (fewest totals, then fewest cells, then
   the smallest sum; zeros are never withheld).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 7  # NHS Digital: counts of 1 to 7 are not published
MIN_THRESHOLD, MAX_THRESHOLD = 3, 10

# Secondary suppression can withhold cells, row totals, column totals and the grand total. In the
# graph of the linear check they are edges: ("cell", row, column), ("row", row, 0),
# ("column", column, 0) and ("grand", 0, 0), with rows, columns and the two margins as nodes.
_Edge = tuple[str, int, int]
_Cost = tuple[int, int, int]  # (totals withheld, cells withheld, sum of what is withheld)
_ZERO_PENALTY = 10**12  # a zero cell is withheld only where nothing else will do


def check_threshold(value: int) -> int:
    """Return a valid suppression threshold, or raise ValueError naming the allowed range."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_THRESHOLD <= value <= MAX_THRESHOLD:
        raise ValueError(
            f"The small-number threshold must be a whole number from {MIN_THRESHOLD} to {MAX_THRESHOLD}"
            f" (NHS Digital uses {DEFAULT_THRESHOLD}), not {value!r}."
        )
    return value


def is_small(count: int, threshold: int) -> bool:
    """Whether a count is withheld by primary suppression: from 1 up to the threshold."""
    return 1 <= count <= threshold


def share(count: int | None, total: int | None) -> float | None:
    """The fraction count / total (0 to 1), or None when either is withheld or the total is 0."""
    if count is None or total is None:
        return None
    if count < 0 or total < 0 or count > total:
        raise ValueError(f"A share needs 0 <= count <= total, not {count} of {total}.")
    if total == 0:
        return None
    return count / total


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts ready to publish: None marks a withheld (or unpublished) value."""

    cells: dict[tuple[str, str], int | None]  # (row, column) -> count, None when withheld
    row_totals: dict[str, int | None]  # None when withheld or not published
    column_totals: dict[str, int | None]
    grand_total: int | None  # None when withheld, or when neither row nor column totals are published
    withheld: frozenset[tuple[str, str]]  # the withheld cells


def suppress_table(
    counts: Mapping[tuple[str, str], int],
    rows: Sequence[str],
    columns: Sequence[str],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    publish_row_totals: bool = True,
    publish_column_totals: bool = True,
    fixed_totals: bool = False,
) -> SuppressedTable:
    """Apply primary and secondary suppression to a table of counts (missing cells count as 0).

    With `fixed_totals`, the published totals are published elsewhere too (the baseline's staff and
    leaders, say), so they are never withheld: cells are, zero cells as a last resort."""
    check_threshold(threshold)
    values = _grid(counts, rows, columns)
    table = _Suppression(values, len(columns), threshold, publish_row_totals, publish_column_totals, fixed_totals)
    table.run()
    row_sums = [sum(line) for line in values]
    column_sums = [sum(line[j] for line in values) for j in range(len(columns))]
    return SuppressedTable(
        cells={
            (row, column): None if (i, j) in table.withheld else values[i][j]
            for i, row in enumerate(rows)
            for j, column in enumerate(columns)
        },
        row_totals={row: None if i in table.hidden_rows else row_sums[i] for i, row in enumerate(rows)},
        column_totals={
            column: None if j in table.hidden_columns else column_sums[j] for j, column in enumerate(columns)
        },
        grand_total=None if table.hidden_grand else sum(row_sums),
        withheld=frozenset((rows[i], columns[j]) for i, j in table.withheld),
    )


def suppress_vector(
    counts: Mapping[str, int],
    order: Sequence[str],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    publish_total: bool = True,
) -> tuple[dict[str, int | None], int | None]:
    """Suppress one row of counts (say the groups of one area and level); return the row and its total."""
    unknown = [key for key in counts if key not in set(order)]
    if unknown:
        raise ValueError(f"Counts for groups not in the order: {unknown!r}.")
    table = suppress_table(
        {("", key): value for key, value in counts.items()},
        [""],
        order,
        threshold,
        publish_row_totals=publish_total,
        publish_column_totals=False,
    )
    return {key: table.cells[("", key)] for key in order}, table.row_totals[""]


def _grid(counts: Mapping[tuple[str, str], int], rows: Sequence[str], columns: Sequence[str]) -> list[list[int]]:
    """The counts as a list of rows, after checking names and values."""
    for name, labels in (("row", rows), ("column", columns)):
        if len(set(labels)) != len(labels):
            raise ValueError(f"Each {name} must be named once: {list(labels)!r}.")
    row_index = {row: i for i, row in enumerate(rows)}
    column_index = {column: j for j, column in enumerate(columns)}
    values = [[0] * len(columns) for _ in rows]
    for key, value in counts.items():
        row, column = key
        if row not in row_index or column not in column_index:
            raise ValueError(f"A count for {key!r}, which is not a cell of the table.")
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"Counts are whole numbers, not {value!r} for {key!r}.")
        if value < 0:
            raise ValueError(f"Counts cannot be negative: {value} for {key!r}.")
        values[row_index[row]][column_index[column]] = value
    return values


class _Suppression:
    """The working state of secondary suppression on one table."""

    def __init__(
        self, values: list[list[int]], n_columns: int, threshold: int, row_totals: bool, column_totals: bool,
        fixed_totals: bool = False,
    ) -> None:
        self.values = values
        self.fixed_totals = fixed_totals
        self.unprotectable: set[_Edge] = set()
        self.n_rows, self.n_columns = len(values), n_columns
        self.withheld = {
            (i, j) for i in range(self.n_rows) for j in range(self.n_columns) if is_small(values[i][j], threshold)
        }
        self.hidden_rows = set() if row_totals else set(range(self.n_rows))
        self.hidden_columns = set() if column_totals else set(range(self.n_columns))
        # The grand total alone would give away a single withheld cell, and with either set of
        # totals published it adds nothing, so it is published only alongside them.
        self.hidden_grand = not (row_totals or column_totals)

    def run(self) -> None:
        """Withhold more until no withheld count can be worked out."""
        while True:
            self._apply_line_rule()
            if not self._close_bridges():
                return

    def _apply_line_rule(self) -> None:
        """Step 1: no row or column with a published total holds exactly one withheld cell."""
        changed = True
        while changed:
            changed = False
            for i in range(self.n_rows):
                if i not in self.hidden_rows:
                    changed |= self._protect([(i, j) for j in range(self.n_columns)], self.hidden_rows, i)
            for j in range(self.n_columns):
                if j not in self.hidden_columns:
                    changed |= self._protect([(i, j) for i in range(self.n_rows)], self.hidden_columns, j)

    def _protect(self, line: list[tuple[int, int]], hidden_totals: set[int], index: int) -> bool:
        """Give a line holding one withheld cell a second, or else withhold its total; True if it did."""
        if sum(cell in self.withheld for cell in line) != 1:
            return False
        candidates = [
            (self.values[i][j], k) for k, (i, j) in enumerate(line) if (i, j) not in self.withheld and self.values[i][j]
        ]
        if candidates:
            self.withheld.add(line[min(candidates)[1]])
        elif self.fixed_totals:
            # The total is published elsewhere: withhold a zero beside the small count instead.
            zeros = [cell for cell in line if cell not in self.withheld]
            if not zeros:
                return False
            self.withheld.add(zeros[0])
        else:
            hidden_totals.add(index)
        return True

    # Step 2: the graph of unpublished values. Nodes: rows 0..R-1, columns R..R+C-1, then the margin
    # of row totals (R+C) and the margin of column totals (R+C+1).

    def _ends(self, edge: _Edge) -> tuple[int, int]:
        kind, a, b = edge
        row_margin, column_margin = self.n_rows + self.n_columns, self.n_rows + self.n_columns + 1
        if kind == "cell":
            return a, self.n_rows + b
        if kind == "row":
            return a, row_margin
        if kind == "column":
            return self.n_rows + a, column_margin
        return row_margin, column_margin

    def _all_edges(self) -> list[_Edge]:
        cells = [("cell", i, j) for i in range(self.n_rows) for j in range(self.n_columns)]
        totals = [("row", i, 0) for i in range(self.n_rows)] + [("column", j, 0) for j in range(self.n_columns)]
        return cells + totals + [("grand", 0, 0)]

    def _is_hidden(self, edge: _Edge) -> bool:
        kind, a, b = edge
        if kind == "cell":
            return (a, b) in self.withheld
        if kind == "row":
            return a in self.hidden_rows
        if kind == "column":
            return a in self.hidden_columns
        return self.hidden_grand

    def _cost(self, edge: _Edge) -> _Cost | None:
        """What withholding a published value costs; None if it may not be withheld (a zero cell)."""
        kind, a, b = edge
        if self._is_hidden(edge):
            return (0, 0, 0)
        if kind == "cell":
            if self.values[a][b] > 0:
                return (0, 1, self.values[a][b])
            return (0, 1, _ZERO_PENALTY) if self.fixed_totals else None
        if self.fixed_totals:
            return None
        if kind == "row":
            return (1, 0, sum(self.values[a]))
        if kind == "column":
            return (1, 0, sum(line[a] for line in self.values))
        return (1, 0, sum(map(sum, self.values)))

    def _close_bridges(self) -> bool:
        """Step 2: withhold chains of values until no withheld cell is a bridge; True if anything changed."""
        changed = False
        while True:
            hidden = [edge for edge in self._all_edges() if self._is_hidden(edge)]
            bridges = _bridges(self.n_rows + self.n_columns + 2, [self._ends(edge) for edge in hidden])
            cells = sorted(hidden[k] for k in bridges if hidden[k][0] == "cell" and hidden[k] not in self.unprotectable)
            if not cells:
                return changed
            chain = self._cheapest_chain(cells[0])
            if chain is None:
                # Only withholding a fixed total could protect it: nothing more can be done here.
                self.unprotectable.add(cells[0])
                continue
            for edge in chain:
                kind, a, b = edge
                if kind == "cell":
                    self.withheld.add((a, b))
                elif kind == "row":
                    self.hidden_rows.add(a)
                elif kind == "column":
                    self.hidden_columns.add(a)
                else:
                    self.hidden_grand = True
            changed = True

    def _cheapest_chain(self, bridge: _Edge) -> list[_Edge] | None:
        """The published values to withhold so that another chain joins the bridge's ends (Dijkstra)."""
        start, goal = self._ends(bridge)
        links: dict[int, list[tuple[int, _Edge, _Cost]]] = {}
        for edge in self._all_edges():
            cost = self._cost(edge)
            if edge != bridge and cost is not None:
                u, v = self._ends(edge)
                links.setdefault(u, []).append((v, edge, cost))
                links.setdefault(v, []).append((u, edge, cost))
        best: dict[int, _Cost] = {start: (0, 0, 0)}
        came_by: dict[int, tuple[int, _Edge]] = {}
        queue: list[tuple[_Cost, int]] = [((0, 0, 0), start)]
        while queue:
            cost, node = heapq.heappop(queue)
            if node == goal:
                break
            if cost > best[node]:
                continue
            for other, edge, step in links.get(node, []):
                total = (cost[0] + step[0], cost[1] + step[1], cost[2] + step[2])
                if other not in best or total < best[other]:
                    best[other], came_by[other] = total, (node, edge)
                    heapq.heappush(queue, (total, other))
        # Without fixed totals a chain always exists: row total, grand total, column total.
        if goal not in came_by:
            return None
        chain: list[_Edge] = []
        node = goal
        while node != start:
            node, edge = came_by[node]
            if not self._is_hidden(edge):
                chain.append(edge)
        return chain


def _bridges(n_nodes: int, edges: list[tuple[int, int]]) -> set[int]:
    """Indexes of the edges that lie on no cycle (Tarjan's bridge-finding, without recursion)."""
    adjacent: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
    for k, (u, v) in enumerate(edges):
        adjacent[u].append((v, k))
        adjacent[v].append((u, k))
    found = [-1] * n_nodes
    low = [0] * n_nodes
    clock = 0
    bridges: set[int] = set()
    for root in range(n_nodes):
        if found[root] != -1:
            continue
        found[root] = low[root] = clock
        clock += 1
        stack = [(root, -1, iter(adjacent[root]))]
        while stack:
            node, via, rest = stack[-1]
            for other, k in rest:
                if k == via:
                    continue
                if found[other] == -1:
                    found[other] = low[other] = clock
                    clock += 1
                    stack.append((other, k, iter(adjacent[other])))
                    break
                low[node] = min(low[node], found[other])
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > found[parent]:
                        bridges.add(via)
    return bridges
