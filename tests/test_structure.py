"""The shape of the code that issue 17 set and that no contract of import-linter can say: no import cycle among
planner's modules (imports inside functions counted), few imports inside functions, and no module too long to
read. The figures are printed by `python -m tests.test_structure` for a newcomer who wants to see them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import ROOT

PLANNER = ROOT / "planner"
# At most this many imports of planner modules inside functions, each breaking a cycle on purpose with a comment.
MOST_INSIDE_FUNCTIONS = 15
MOST_LINES = 450


@dataclass(frozen=True)
class Import:
    """One import of a planner module by another: where it stands and whether it is inside a function."""

    importer: str
    imported: str
    line: int
    inside_function: bool


def _modules() -> dict[str, Path]:
    """Every planner module (migrations aside) by its dotted name."""
    found = {}
    for path in PLANNER.rglob("*.py"):
        if "migrations" in path.relative_to(PLANNER).parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: set[str]) -> Iterator[str]:
    """The planner modules an import statement names (a name imported from a package may be a module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            here = module.split(".") if is_package else module.split(".")[:-1]
            here = here[: len(here) - node.level + 1]
            base = ".".join([*here, *([node.module] if node.module else [])])
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    for name in names:
        while name not in known and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in known and name != module:
            yield name


def imports() -> list[Import]:
    """Every import of one planner module by another, with whether it sits inside a function."""
    modules = _modules()
    known = set(modules)
    found: list[Import] = []

    def visit(module: str, is_package: bool, node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.extend(Import(module, target, child.lineno, inside)
                             for target in _targets(module, is_package, child, known))
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # seen by the type checker only, never run
            visit(module, is_package, child, inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    for module, path in modules.items():
        visit(module, path.name == "__init__.py", ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def cycles(edges: list[Import]) -> list[list[str]]:
    """The groups of modules that import one another round in a circle (Tarjan's strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, set()).add(edge.imported)
        graph.setdefault(edge.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for after in sorted(graph[node]):
            if after not in index:
                connect(after)
                low[node] = min(low[node], low[after])
            elif after in on_stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def long_modules() -> list[tuple[str, int]]:
    """The modules over the most lines, with their lengths."""
    return sorted((name, len(path.read_text(encoding="utf-8").splitlines())) for name, path in _modules().items()
                  if len(path.read_text(encoding="utf-8").splitlines()) > MOST_LINES)


def test_no_planner_modules_import_one_another_in_a_circle() -> None:
    assert cycles(imports()) == []


def test_imports_stand_at_the_top_of_the_module_but_for_a_few_that_break_a_cycle_on_purpose() -> None:
    inside = [f"{edge.importer}:{edge.line} -> {edge.imported}" for edge in imports() if edge.inside_function]
    assert len(inside) <= MOST_INSIDE_FUNCTIONS, "\n".join(inside)


def test_no_module_is_too_long_to_read() -> None:
    assert long_modules() == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    # The check above cannot pass by finding nothing: a circle of three is found, a line of three is not.
    circle = [Import("a", "b", 1, False), Import("b", "c", 1, True), Import("c", "a", 1, False)]
    assert cycles(circle) == [["a", "b", "c"]]
    assert cycles(circle[:2]) == []


if __name__ == "__main__":
    found = imports()
    print(f"{len(found)} imports among planner modules; {sum(e.inside_function for e in found)} inside functions")
    print(f"cycles: {cycles(found) or 'none'}")
    print(f"modules over {MOST_LINES} lines: {long_modules() or 'none'}")
