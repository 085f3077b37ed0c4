"""`python -m benchmarks.imports`: how fast a staff extract is read, printed and never asserted.

Generates a 100,000-row extract (random areas, bands, leader flags, ethnic codes, sex, disability,
dates of birth) as CSV and as XLSX (openpyxl write-only) in a temporary folder, then times
`read_staff_extract` on each against a bare pass over the same file: csv.reader over the decoded
text, and openpyxl read-only iter_rows(values_only=True). The ratio is the importer's cost over
merely parsing the file: the two are run in turn and timed in CPU seconds, and the median of the pairs'
ratios is given, so other work on a shared machine moves it little."""

from __future__ import annotations

import csv
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from planner.imports import read_staff_extract

ROWS = 100_000
REPEATS = {"csv": 7, "xlsx": 2}  # pairs of (import, bare pass); an XLSX takes seconds each way
AS_AT = date(2025, 3, 31)
AREAS = {f"A{i:03d}": f"A{i:03d}" for i in range(60)} | {f"Area number {i}": f"A{i:03d}" for i in range(60)}
BAND_LEVELS = {"6": "frontline", "7": "frontline", "8a": "middle", "8b": "middle", "8c": "middle", "8d": "senior",
               "9": "senior", "VSM": "senior", "Board - Executive": "board", "Board - Non-Executive": "board"}
BANDS = ["2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM", "Board - Executive"]
HEADINGS = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability",
            "Date of Birth", "Job Title"]


def generate(count: int) -> list[list[Any]]:
    """Extract rows in the spellings ESR uses."""
    rng = random.Random(1)
    codes = list("ABCDEFGHJKLMNPRSZ")
    rows = []
    for i in range(count):
        band = rng.choice(BANDS)
        rows.append([
            f"{20000000 + i}", rng.choice(list(AREAS)), f"Band {band}" if band[0].isdigit() else band,
            "Y" if band in BAND_LEVELS and rng.random() < 0.6 else "N", rng.choice(["1", "0.8", "0.6", "0.4"]),
            f"{rng.choice(codes)} Some description", rng.choice(["Female", "Male", ""]),
            rng.choice(["Yes", "No", "Not Declared", "Prefer Not To Answer"]),
            date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)).strftime("%d/%m/%Y"),
            rng.choice(["Staff Nurse", "Healthcare Assistant", "Matron", "Consultant"]),
        ])
    return rows


def write_files(folder: Path, rows: list[list[Any]]) -> tuple[Path, Path]:
    """The same rows as CSV and as XLSX."""
    csv_path, xlsx_path = folder / "extract.csv", folder / "extract.xlsx"
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADINGS)
        writer.writerows(rows)
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Extract")
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


def bare_csv(data: bytes) -> int:
    """Only parse: decode and csv.reader, touching every row."""
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def bare_xlsx(data: bytes) -> int:
    """Only parse: openpyxl read-only, values only, touching every row."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def paired(first: Callable[[], Any], second: Callable[[], Any], repeats: int) -> tuple[list[float], list[float]]:
    """Seconds of CPU time for `first` and `second`, run in turn (first, second, first, second...) `repeats`
    times each: the ratio of a pair is taken while the machine (shared with other work) runs at one speed."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for call, kept in ((first, times[0]), (second, times[1])):
            started = time.process_time()
            call()
            kept.append(time.process_time() - started)
    return times


def main(rows: int = ROWS) -> dict[str, float]:
    """Generate the files, time each reading against its bare pass and print the figures; returns the median
    ratio of the pairs for each kind."""
    print(f"staff extract import, {rows:,} rows x {len(HEADINGS)} columns: the import and a bare pass in turn "
          f"({REPEATS['csv']} pairs for CSV, {REPEATS['xlsx']} for XLSX), CPU seconds; ratio = the median of "
          f"the pairs' ratios")
    ratios: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        csv_path, xlsx_path = write_files(Path(folder), generate(rows))
        print(f"generated both files in {time.perf_counter() - started:.1f}s")
        for kind, path, bare in (("csv", csv_path, bare_csv), ("xlsx", xlsx_path, bare_xlsx)):
            data = path.read_bytes()

            results = []

            def imported(data: bytes = data, name: str = path.name, results: list[Any] = results) -> None:
                results.append(read_staff_extract(data, name, areas=AREAS, band_levels=BAND_LEVELS, as_at=AS_AT))

            importer, parse = paired(imported, lambda data=data, bare=bare: bare(data), REPEATS[kind])
            ratios[kind] = statistics.median(i / p for i, p in zip(importer, parse, strict=True))
            print(f"{kind:<5} {len(data) / 1e6:6.1f} MB  import {min(importer):6.2f}s  bare pass {min(parse):6.2f}s "
                  f"(best)  ratio {ratios[kind]:5.2f}  ({rows / min(importer):,.0f} rows/s; "
                  f"{results[-1].rows_read:,} rows read, problems {results[-1].problem_totals or 'none'})")

    return ratios


if __name__ == "__main__":
    main()
