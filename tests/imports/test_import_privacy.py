"""Privacy: the result holds counts only, and nothing is written to disk or logged. (That importing the
package loads no web, database or workbook code: tests/test_import_contracts.py.)"""

from __future__ import annotations

import builtins
import io
import json
import logging
import random
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.reader.excel  # noqa: F401  (loaded before open() is forbidden below)
import pytest

from planner.imports import ImportResult, read_staff_extract
from tests.helpers import csv_bytes, xlsx_bytes

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


def read(data: bytes, filename: str, **kwargs: Any) -> ImportResult:
    return read_staff_extract(data, filename, areas=AREAS, band_levels=BANDS, as_at=date(2025, 3, 31), **kwargs)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_result_holds_no_row_level_data(kind: str) -> None:
    rows, secrets = people()
    data = csv_bytes(rows, header=HEADINGS) if kind == "csv" else xlsx_bytes([HEADINGS, *rows])
    for skip in (False, True):
        result = read(data, f"staff.{kind}", skip_bad_rows=skip)
        assert result.problem_totals == {"duplicate assignment": 1, "bad code": 2}
        text = repr(result) + json.dumps([p.message for p in result.problems])
        leaked = [s for s in secrets if s in text]
        assert leaked == []
        assert result.ignored_columns == ["Surname", "NI Number"]


def test_nothing_is_written_to_disk_or_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    rows, secrets = people(50)
    data = [(csv_bytes(rows, header=HEADINGS), "staff.csv"), (xlsx_bytes([HEADINGS, *rows]), "staff.xlsx")]

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
