"""The objectives core knows nothing of the web: importing it loads no Flask, SQLModel or SQLAlchemy, and
its modules import only the standard library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ["flask", "sqlmodel", "sqlalchemy", "openpyxl", "wtforms", "flask_login", "planner.models",
             "planner.services", "planner.web", "planner.imports"]
ROOT = Path(__file__).resolve().parents[2]
MODULES = ("import planner.objectives, planner.objectives.progress, planner.objectives.smart, planner.objectives.tree,"
           " planner.objectives.health")


def loaded_after(code: str) -> list[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {FORBIDDEN!r} if m in sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_planner_objectives_loads_no_web_or_database_code() -> None:
    assert loaded_after(f"{MODULES}; from planner.objectives import Measure, own_progress; "
                        "own_progress(Measure('milestone'), None)") == []


def test_the_objectives_package_itself_imports_none_of_them() -> None:
    # The same check without running planner/__init__.py, so a failure here is in this package.
    code = (
        "import sys, types; parent = types.ModuleType('planner'); parent.__path__ = ['planner'];"
        f" sys.modules['planner'] = parent; {MODULES}"
    )
    assert loaded_after(code) == []


def test_the_package_imports_only_the_standard_library() -> None:
    paths = sorted((ROOT / "planner" / "objectives").glob("*.py"))
    assert {path.name for path in paths} >= {"__init__.py", "progress.py", "smart.py", "tree.py"}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                module = stripped.split()[1]
                assert module.split(".")[0] in sys.stdlib_module_names or module.startswith(
                    ("planner.objectives", "__future__")
                ), f"{path.name}: {stripped}"
