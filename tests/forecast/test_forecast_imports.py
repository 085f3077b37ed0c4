"""The engine knows nothing of the web: importing it loads no Flask, SQLModel or openpyxl."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ["flask", "sqlmodel", "sqlalchemy", "openpyxl", "wtforms", "flask_login"]
ROOT = Path(__file__).resolve().parents[2]


def loaded_after(code: str) -> list[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {FORBIDDEN!r} if m in sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_planner_forecast_loads_no_web_or_database_code() -> None:
    assert loaded_after("import planner.forecast; import planner.forecast.generate") == []


def test_the_forecast_package_itself_imports_none_of_them() -> None:
    # The same check without running planner/__init__.py, so a failure here is in the engine.
    code = (
        "import sys, types; parent = types.ModuleType('planner'); parent.__path__ = ['planner'];"
        " sys.modules['planner'] = parent; import planner.forecast, planner.forecast.generate"
    )
    assert loaded_after(code) == []
