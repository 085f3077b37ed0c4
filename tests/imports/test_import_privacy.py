"""Privacy and purity: the result holds counts only; nothing is written to disk or logged; and
importing the package loads no web, database or workbook code."""

from __future__ import annotations

import builtins
import io
import json
import logging
import random
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.reader.excel  # noqa: F401  (loaded before open() is forbidden below)
import pytest

from planner.imports import ImportResult, read_staff_extract

ROOT = Path(__file__).resolve().parents[2]
AREAS = {"ED": "ED", "W1": "W1"}
BANDS = {"8a": "middle"}
HEADINGS = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability",
            "Date of Birth", "Surname", "NI Number"]


def people(count: int = 300) -> tuple[list[list[str]], list[str]]:
    """Rows with distinctive personal values (and some problems), and the values that must never survive."""
    rng = random.Random(5)
    rows, secrets = [], []
    for i in range(count):
        assignment = f"ZQ{rng.randint(10**7, 10**8 - 1)}"
        born = date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28)).strftime("%d/%m/%Y")
        surname, ni = f"Surname{i:04d}x", f"QQ{i:06d}C"
        rows.append([assignment, rng.choice(["ED", "W1"]), rng.choice(["5", "8a"]), "N", "1", "A", "F", "No", born,
                     surname, ni])
        secrets += [assignment, born, born.replace("/", "-"), surname, ni]
    rows[10][0] = rows[3][0]  # a duplicate assignment
    rows[11][8] = "31/02/1975"  # an impossible date of birth
    secrets.append("31/02/1975")
    rows[12][8] = "17/05/2020"  # a child's
    secrets.append("17/05/2020")
    return rows, secrets


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in [HEADINGS, *rows]).encode()


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Staff")
    for row in [HEADINGS, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes, filename: str, **kwargs: Any) -> ImportResult:
    return read_staff_extract(data, filename, areas=AREAS, band_levels=BANDS, as_at=date(2025, 3, 31), **kwargs)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_result_holds_no_row_level_data(kind: str) -> None:
    rows, secrets = people()
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    for skip in (False, True):
        result = read(data, f"staff.{kind}", skip_bad_rows=skip)
        assert result.problem_totals == {"duplicate assignment": 1, "bad code": 2}
        text = repr(result) + json.dumps([p.message for p in result.problems])
        leaked = [s for s in secrets if s in text]
        assert leaked == []
        assert result.ignored_columns == ["Surname", "NI Number"]


def test_nothing_is_written_to_disk_or_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    rows, secrets = people(50)
    data = [(csv_bytes(rows), "staff.csv"), (xlsx_bytes(rows), "staff.xlsx")]

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a file was opened or made: {args!r}")

    for name in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, forbidden)
    monkeypatch.setattr(builtins, "open", forbidden)
    monkeypatch.setattr(io, "open", forbidden)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    handler, level = Keep(logging.DEBUG), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        for content, filename in data:
            assert read(content, filename).rows_read == 50
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    logged = " ".join(r.getMessage() for r in records)
    assert [s for s in secrets if s in logged] == []


FORBIDDEN = ["flask", "sqlmodel", "sqlalchemy", "wtforms", "flask_login", "planner.models", "planner.services",
             "planner.web", "planner.db", "openpyxl"]


def test_importing_the_package_loads_no_web_database_or_workbook_code() -> None:
    script = (
        "import sys, json; import planner.imports, planner.imports.staff, planner.diversity.characteristics\n"
        f"print(json.dumps(sorted(m for m in {FORBIDDEN!r} if m in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                          timeout=60)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_reading_a_workbook_loads_openpyxl_but_still_no_web_or_database_code() -> None:
    script = (
        "import io, sys, json, datetime, zipfile\n"
        "from planner.imports import read_staff_extract, ImportRefused\n"
        "try:\n"
        "    read_staff_extract(b'PK\\x03\\x04' + b'x' * 100, 'a.xlsx', areas={}, band_levels={},"
        " as_at=datetime.date(2025, 3, 31))\n"
        "except ImportRefused:\n"
        "    pass\n"
        f"print(json.dumps(sorted(m for m in {FORBIDDEN[:-1]!r} if m in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                          timeout=60)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
