"""Helpers several test files share: files to upload, and what importing some code loads."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell

ROOT = Path(__file__).resolve().parents[1]
# What the engine must never load: the web, the database and the app's own layers above it.
WEB_AND_DATABASE = ("flask", "flask_login", "flask_wtf", "wtforms", "sqlmodel", "sqlalchemy", "planner.models",
                    "planner.db", "planner.services", "planner.web")


def csv_bytes(rows: Sequence[Sequence[Any]], *, header: Sequence[str] | None = None, delimiter: str = ",",
              encoding: str = "utf-8") -> bytes:
    """A CSV file of these rows (after a header row, if given), as a spreadsheet program saves one."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def csv_lines(*lines: str) -> bytes:
    """A CSV file of these lines exactly as typed."""
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, title: str = "Sheet") -> bytes:
    """A workbook with one sheet of these rows; text is stored as text, even text that starts with '='."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def loaded_by(code: str, watched: Sequence[str] = WEB_AND_DATABASE) -> list[str]:
    """Which of the watched modules (a name covers its submodules) a fresh interpreter has loaded after
    running this code from the repository's root."""
    script = (f"{code}\nimport json, sys\n"
              f"print(json.dumps(sorted(w for w in {list(watched)!r} "
              "if any(m == w or m.startswith(w + '.') for m in sys.modules))))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                          timeout=60)
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def beyond_the_standard_library(package: str, files: str = "*.py", also: Sequence[str] = ()) -> list[str]:
    """Each import statement in a planner package's files (by its dotted name and a file pattern) that reaches
    outside the standard library, the package itself and the modules `also` names."""
    found = []
    paths = sorted((ROOT / package.replace(".", "/")).glob(files))
    assert paths, f"no {files} in {package}"
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                module = stripped.split()[1]
                if not (module.split(".")[0] in sys.stdlib_module_names or module == "__future__"
                        or module in (package, *also) or module.startswith(package + ".")):
                    found.append(f"{path.name}: {stripped}")
    return found


def demo_strategy(session: Any) -> Any:
    """The demo trust's strategy in a database `planner demo` filled (which also holds the demo ICS's other
    member, with a strategy of its own)."""
    from sqlmodel import select

    from planner.models import Organisation, Strategy

    return session.exec(select(Strategy).join(Organisation, Organisation.id == Strategy.organisation_id)  # type: ignore[arg-type]
                        .where(Organisation.slug == "demo")).one()
