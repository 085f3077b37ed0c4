"""`python -m benchmarks.scale [--quick]`: SQL statements run per page at 1, 4 and 8 times the demo's
size, printed and never asserted. The pieces are meant to be reused by tests and other benchmarks:

    from benchmarks.scale import build_organisation, count_queries, page_paths, sign_in

    built = build_organisation(database_url, 8)    # a migrated database; 8 times the demo
    sign_in(client, built)                         # a Flask test client of an app on that database
    for name, path in page_paths(built.strategy_id).items():
        statements = count_queries(client, path)   # SQL statements the page ran (it must answer 200)

`build_organisation(url, 1)` loads the demo itself (39 areas, 261 objectives); N > 1 generates a
strategy through the services with N times the demo's areas (a board, divisions of 7 directorates,
services) and objectives, with the demo's shape of everything else: a baseline of every area, three
scenarios (the first with 200 simulations), diversity counts for every area and level, benchmarks,
targets, competency assessments, a development plan, a closed survey and quarterly check-ins
(benchmarks/pack.py's generator)."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from benchmarks.pack import BENCH_EMAIL, BENCH_PASSWORD, Shape, build_demo, build_generated
from planner import db
from planner.models import Organisation, Strategy

DEMO_ADMIN = ("admin@demo.nhs.uk", "demo-admin-2026")  # data/demo/organisation.json
# The demo: 39 areas; 6 strategic, 30 area, 75 team and 150 individual objectives.
DEMO_AREAS, DEMO_AREA_OBJECTIVES, DEMO_TEAM_OBJECTIVES, DEMO_INDIVIDUAL_OBJECTIVES = 39, 30, 75, 150
SIZES = (1, 4, 8)


@dataclass(frozen=True)
class Built:
    """An organisation made by build_organisation, and how to sign in to it as its administrator."""

    slug: str
    strategy_id: int
    email: str
    password: str


def shape(times: int) -> Shape:
    """The generated strategy's shape at `times` the demo's size (8 strategic objectives at any size)."""
    return Shape(areas=DEMO_AREAS * times, strategic=8, area_objectives=DEMO_AREA_OBJECTIVES * times,
                 team_objectives=DEMO_TEAM_OBJECTIVES * times,
                 individual_objectives=DEMO_INDIVIDUAL_OBJECTIVES * times)


def build_organisation(url: str, times: int) -> Built:
    """An organisation at `times` the demo's size in the migrated database at `url` (the demo itself for
    1; slug `scale-N` otherwise, so several sizes can share a database)."""
    if times == 1:
        slug = build_demo(url)
        email, password = DEMO_ADMIN
    else:
        slug = build_generated(url, shape(times), slug=f"scale-{times}",
                               name=f"Generated Trust at {times} times the demo")
        email, password = BENCH_EMAIL, BENCH_PASSWORD
    with Session(db.engine_for(url)) as session:
        organisation = session.exec(select(Organisation).where(Organisation.slug == slug)).one()
        strategy = session.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).first()
        assert strategy is not None and strategy.id is not None
        return Built(slug=slug, strategy_id=strategy.id, email=email, password=password)


def page_paths(strategy_id: int) -> dict[str, str]:
    """The pages measured: the strategy home, forecast, objectives, competency gaps, diversity, and the API's
    baseline."""
    base = f"/strategies/{strategy_id}"
    return {"strategy home": base, "forecast": f"{base}/forecast", "objectives": f"{base}/objectives",
            "competency gaps": f"{base}/competencies/gaps", "diversity": f"{base}/diversity",
            "API baseline": f"/api/v1{base}/baseline"}


def sign_in(client: Any, built: Built) -> None:
    """Sign a Flask test client in as the organisation's administrator (the app's CSRF check off)."""
    response = client.post("/login", data={"email": built.email, "password": built.password})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {built.email} failed: HTTP {response.status_code}")


@contextmanager
def counting() -> Iterator[list[str]]:
    """The SQL statements every engine runs inside the block, in order."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def count_queries(client: Any, path: str) -> int:
    """SQL statements run to answer one GET of `path` by a signed-in test client; the page must answer 200."""
    with counting() as statements:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered HTTP {response.status_code}")
    return len(statements)


def queries_per_page(url: str, built: Built) -> dict[str, tuple[int, int]]:
    """(first visit, second visit) statements for each page, in a fresh app on the database."""
    from planner import create_app

    app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "benchmark-secret-key-not-for-use",
                      "DATABASE_URL": url, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    sign_in(client, built)
    return {name: (count_queries(client, path), count_queries(client, path))
            for name, path in page_paths(built.strategy_id).items()}


def main(sizes: tuple[int, ...] = SIZES) -> dict[str, dict[int, tuple[int, int]]]:
    """Build each size and print the statements each page runs, first visit and again; returns them."""
    print("SQL statements per page (first visit/again), in one process through the test client; "
          "sizes are times the demo's areas and objectives")
    rows: dict[str, dict[int, tuple[int, int]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for times in sizes:
            url = f"sqlite:///{Path(folder) / f'scale-{times}'}.db"
            started = time.perf_counter()
            db.upgrade(url)
            built = build_organisation(url, times)
            built_in = time.perf_counter() - started
            started = time.perf_counter()
            for name, counts in queries_per_page(url, built).items():
                rows.setdefault(name, {})[times] = counts
            print(f"  {times}x: built in {built_in:.0f}s, pages visited in {time.perf_counter() - started:.1f}s")
            db.engine_for(url).dispose()
    print(f"{'page':<18}" + "".join(f"{f'{times}x':>12}" for times in sizes))
    for name, by_size in rows.items():
        print(f"{name:<18}" + "".join(f"{f'{by_size[t][0]}/{by_size[t][1]}':>12}" for t in sizes))
    print(f"most on any page: {max(max(c) for by_size in rows.values() for c in by_size.values())}")
    return rows


if __name__ == "__main__":
    main((1, 4) if "--quick" in sys.argv[1:] else SIZES)
