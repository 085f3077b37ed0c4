"""`make bench`: speed figures, printed and never asserted (the forecast here; the staff import in
benchmarks/imports.py, the refusal of hostile uploads in benchmarks/hostile_imports.py and the board
pack in benchmarks/pack.py, run after it).

Whole-process time of `planner forecast` (start-up, JSON in, model, JSON out) on generated specs:
an ICS-scale spec (2,000 areas, 5 levels, 10 years, 10 diversity targets), the same with twice
the areas (the ratio shows whether the cost grows linearly), and 200 areas with 1,000 simulations.
Each case runs a few times and the best and median are printed."""

from __future__ import annotations

import json
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


def main() -> None:
    """Run each case and print its timings."""
    print(f"planner forecast, whole process, best and median of {REPEATS} runs")
    print(f"{'case':<52} {'best':>8} {'median':>8} {'output':>10}")
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, kwargs in CASES:
            path = Path(folder) / "spec.json"
            path.write_text(json.dumps(generate_spec(**kwargs)))  # type: ignore[arg-type]
            times, size = _time(path)
            best[label] = min(times)
            print(f"{label:<52} {min(times):>7.2f}s {statistics.median(times):>7.2f}s {size / 1e6:>8.1f}MB")
    first, second = best[CASES[0][0]], best[CASES[1][0]]
    print(f"ratio 4,000 / 2,000 areas: {second / first:.2f} (2.0 would be exactly linear, start-up included)")
    started = time.perf_counter()
    subprocess.run([str(PLANNER), "--help"], capture_output=True, check=True)
    print(f"start-up alone (planner --help): {time.perf_counter() - started:.2f}s")
    print()
    from benchmarks import imports

    imports.main()
    print()
    from benchmarks import hostile_imports

    hostile_imports.main()
    print()
    from benchmarks import pack

    pack.main()


if __name__ == "__main__":
    main()
