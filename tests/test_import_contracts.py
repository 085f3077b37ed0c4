"""The import contracts of docs/architecture.md: `lint-imports` holds the code to them (imports inside functions
count), every package under planner/ is in one, and what a contract cannot say is checked here by importing the
code in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.helpers import ROOT, WEB_AND_DATABASE, beyond_the_standard_library, loaded_by

CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
# The packages and modules each layer of the app is made of; everything under planner/ is one or the other.
APP = {"planner.web", "planner.services", "planner.models", "planner.cli", "planner.db", "planner.migrations",
       "planner.tasks", "planner.queue", "planner.security", "planner.config", "planner.revisions",
       "planner.ratelimit_store", "planner.backup", "planner.app"}
ENGINE_IMPORTS = (
    "import planner.forecast, planner.forecast.generate, planner.objectives, planner.objectives.health, "
    "planner.competencies.gaps, planner.survey, planner.imports, planner.imports.staff, planner.imports.responses, "
    "planner.imports.assessments, planner.imports.objectives, planner.diversity.characteristics, "
    "planner.diversity.disclosure, planner.diversity.assessment, planner.diversity.wres, planner.areas, "
    "planner.spreadsheet_safe, planner.steps, planner.dates\n"
    "planner.survey.default_instrument(); planner.competencies.frameworks.default_frameworks()\n"
    "planner.objectives.own_progress(planner.objectives.Measure('milestone'), None)"
)


def test_the_contracts_hold() -> None:
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]


def test_every_package_under_planner_is_in_a_contract() -> None:
    named = {module for contract in CONTRACTS
             for key in ("source_modules", "forbidden_modules", "layers") for entry in contract.get(key, [])
             for module in entry.replace(":", "|").replace("|", " ").split()}
    found = {f"planner.{path.stem}" for path in (ROOT / "planner").iterdir()
             if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
             or path.name == "migrations"}
    assert found - named - APP == set(), "a package under planner/ is in no contract of pyproject.toml"


def test_importing_the_engine_through_the_app_package_loads_no_web_database_or_workbook_code() -> None:
    # What a contract does not see: planner/__init__.py runs first, and the workbook and chart libraries are
    # loaded only when a file is read or drawn.
    assert loaded_by(ENGINE_IMPORTS, (*WEB_AND_DATABASE, "openpyxl", "plotly", "kaleido", "docx")) == []


@pytest.mark.parametrize(("package", "files"), [
    ("planner.objectives", "*.py"), ("planner.competencies", "*.py"), ("planner.diversity", "suppression.py"),
    ("planner.diversity", "wres.py"),
])
def test_the_rules_use_only_the_standard_library(package: str, files: str) -> None:
    # and planner.dates, the one place dates are written as '3 March 2027'
    assert beyond_the_standard_library(package, files, also=("planner.dates",)) == []
