"""`make bench` (`python -m benchmarks.run [--quick]`): speed figures, printed and never asserted, with
a summary of each ratio at the end. The forecast here; then pages under 20 concurrent clients on
gunicorn against a hello-world page (benchmarks/load.py), SQL statements per page at 1, 4 and 8
times the demo (benchmarks/scale.py), the system view at 5, 20 and 40 members (benchmarks/systems.py),
the board pack against openpyxl's write-only floor (benchmarks/pack.py), the staff import against a bare
parse (benchmarks/imports.py) and the refusal of hostile uploads (benchmarks/hostile_imports.py).
`--quick` (or BENCH_QUICK=1) takes about half the time: fewer requests per page, 1 and 4 times the demo,
5 and 20 members, the demo's pack only, 50,000 rows, and no hostile uploads.

Whole-process time of `planner forecast` (start-up, JSON in, model, JSON out) on generated specs:
an ICS-scale spec (2,000 areas, 5 levels, 10 years, 10 diversity targets), the same with twice
the areas (the ratio shows whether the cost grows linearly), and 200 areas with 1,000 simulations.
Each case runs a few times and the best and median are printed."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from planner.forecast.generate import generate_spec

PLANNER = Path(sys.executable).parent / "planner"
REPEATS = 3

CASES = [
    ("2,000 areas x 5 levels x 10 years, 10 targets", {"areas": 2000}),
    ("4,000 areas x 5 levels x 10 years, 10 targets", {"areas": 4000}),
    ("200 areas x 5 levels x 10 years, 1,000 simulations", {"areas": 200, "simulations": 1000}),
]


def _time(spec_path: Path) -> tuple[list[float], int]:
    times = []
    size = 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        done = subprocess.run([str(PLANNER), "forecast", str(spec_path)], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
        size = len(done.stdout)
    return times, size


def main(quick: bool = False) -> None:
    """Run each benchmark and print its figures, then the ratios together."""
    begun = time.perf_counter()
    print(f"planner forecast, whole process, best and median of {REPEATS} runs")
    print(f"{'case':<52} {'best':>8} {'median':>8} {'output':>10}")
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, kwargs in CASES[:1] if quick else CASES:
            path = Path(folder) / "spec.json"
            path.write_text(json.dumps(generate_spec(**kwargs)))  # type: ignore[arg-type]
            times, size = _time(path)
            best[label] = min(times)
            print(f"{label:<52} {min(times):>7.2f}s {statistics.median(times):>7.2f}s {size / 1e6:>8.1f}MB")
    if not quick:
        first, second = best[CASES[0][0]], best[CASES[1][0]]
        print(f"ratio 4,000 / 2,000 areas: {second / first:.2f} (2.0 would be exactly linear, start-up included)")
    started = time.perf_counter()
    subprocess.run([str(PLANNER), "--help"], capture_output=True, check=True)
    print(f"start-up alone (planner --help): {time.perf_counter() - started:.2f}s")
    from benchmarks import first_visit, hostile_imports, imports, load, pack, scale, systems

    print()
    pages = load.main(quick=quick)
    print()
    queries = scale.main((1, 4) if quick else scale.SIZES)
    print()
    after_writes = first_visit.main((1,) if quick else (1, 8))
    print()
    system_view = systems.main(quick=quick)
    print()
    packs = pack.main(("demo",) if quick else tuple(pack.CASES))
    print()
    reading = imports.main(50_000 if quick else imports.ROWS)
    if not quick:
        print()
        hostile_imports.main()
    print()
    print("ratios (goal in brackets)")
    for name, ratio in pages.items():
        print(f"  {name + ' p50 / hello-world p50 under 20 clients':<58} {ratio:>8.1f}  (3; at most 5)")
    for name, by_size in queries.items():
        counts = ", ".join(f"{max(c)} at {times}x" for times, c in by_size.items())
        print(f"  {name + ' SQL statements':<58} {counts}  (at most 25)")
    for times, (before, warmed) in after_writes.items():
        print(f"  {f'first visit after a write to any step, {times}x, SQL statements':<58} "
              f"{first_visit.most(before)}, {first_visit.most(warmed)} once the worker has run  (at most 25)")
    for name in ("system home", "forecast API"):
        counts = ", ".join(f"{pages[name][0]} at {size} members" for size, pages in system_view.items())
        print(f"  {'system view ' + name + ' SQL statements':<58} {counts}  (flat as members grow)")
    for case, ratio in packs.items():
        print(f"  {'board pack / openpyxl write-only, ' + case:<58} {ratio:>8.1f}  (1.5; at most 2)")
    for kind, ratio in reading.items():
        goal = "(3)" if kind == "csv" else "(at most 1.3)"
        print(f"  {'staff import / bare ' + ('csv.reader' if kind == 'csv' else 'openpyxl read-only') + ' pass':<58} "
              f"{ratio:>8.1f}  {goal}")
    print(f"whole benchmark: {time.perf_counter() - begun:.0f}s")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:] or os.environ.get("BENCH_QUICK", "") not in ("", "0"))
