"""Who may do what is decided in planner/permissions.py only: no other module or template compares a role
with a role's name."""

from __future__ import annotations

import ast
import re

import pytest

from planner.permissions import ROLES, may_check_in, starts_on_my_objectives
from tests.helpers import ROOT


def _names_a_role(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ROLES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_a_role(element) for element in node.elts)
    return False


def test_no_module_but_permissions_compares_a_role_with_a_name() -> None:
    found = []
    for path in sorted((ROOT / "planner").rglob("*.py")):
        if path.name == "permissions.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(_names_a_role(n) for n in (node.left, *node.comparators)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "ask planner.permissions (allowed, holders, may_check_in...) instead"


def test_no_template_compares_a_role_with_a_name() -> None:
    role = "|".join(ROLES)
    pattern = re.compile(rf"""(==|!=|\bin)\s*[(\[]?\s*['"]({role})['"]""")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "templates").rglob("*.html"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []


@pytest.mark.parametrize(("role", "owns", "may"), [
    ("admin", False, True), ("editor", False, True), ("planner", True, False), ("contributor", True, True),
    ("contributor", False, False), ("viewer", True, False), (None, True, False),
])
def test_who_may_check_in(role: str | None, owns: bool, may: bool) -> None:
    assert may_check_in(role, owns=owns) is may


def test_contributors_start_on_their_objectives() -> None:
    assert [role for role in ROLES if starts_on_my_objectives(role)] == ["contributor"]
