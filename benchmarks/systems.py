"""`python -m benchmarks.systems [--quick] [DATABASE_URL]`: the system view as its members grow (issue 18: its
queries stay flat as members are added), printed and never asserted. A system whose members each share an
approved version of a small strategy is built at 5, 20 and 40 members (5 and 20 with --quick) in a fresh
database: a temporary SQLite file, or the PostgreSQL database named (it must be empty; it is migrated here).
Each member also links a strategic objective of its own to the system's one partnership objective. For each of
the system's pages, API routes and pack downloads it prints the SQL statements one request runs and the median
time of a few requests through the test client, signed in as the system's viewer."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlmodel import Session

from benchmarks.scale import count_queries
from planner import db
from planner.models import Organisation
from planner.services import system_objectives, systems
from planner.services.objectives import save_objective
from tests import factories

MEMBERS = (5, 20, 40)
REQUESTS = 5
SLUG = "bench-ics"
ROUTES = (("system home", f"/systems/{SLUG}"), ("diversity", f"/systems/{SLUG}/diversity"),
          ("capability", f"/systems/{SLUG}/capability"), ("objectives", f"/systems/{SLUG}/objectives"),
          ("forecast API", f"/api/v1/systems/{SLUG}/forecast"), ("diversity API", f"/api/v1/systems/{SLUG}/diversity"),
          ("capability API", f"/api/v1/systems/{SLUG}/capability"),
          ("objectives API", f"/api/v1/systems/{SLUG}/objectives"), ("system pack", f"/systems/{SLUG}/pack.xlsx"))


def _add_members(url: str, system_id: int, target_id: int, start: int, end: int) -> None:
    """Members `start` to `end - 1`, each sharing the first approved version of a strategy of its own and linking
    its strategic objective to the system's objective `target_id`."""
    with Session(db.engine_for(url), expire_on_commit=False) as session:
        system = session.get(Organisation, system_id)
        assert system is not None
        for n in range(start, end):
            trust = factories.make_org(session, slug=f"bench-trust-{n}", name=f"Bench Trust {n}")
            link = systems.invite(session=session, system=system, member=trust, actor=None)
            systems.accept(session=session, link=link, actor=None)
            strategy = factories.planned_strategy(session, trust, frontline=20 + n, title=f"Trust {n} strategy")
            systems.share(session=session, system=system, organisation=trust, strategy=strategy,
                          version_number=factories.approve(session, strategy), scenario=None, actor=None)
            objective = save_objective(session=session, strategy=strategy, actor=None, values={
                "ref": f"T{n}", "title": f"Trust {n}'s leaders", "level": "strategic", "measure_kind": "target",
                "baseline": "0", "target": "100", "start": "2026-04-01", "due": "2029-03-31"})
            system_objectives.link_objective(session=session, system=system, organisation=trust,
                                             system_objective_id=target_id, objective_id=objective.id, weight=1.0,
                                             actor=None)


def _median_ms(client: object, path: str) -> float:
    """The median time of REQUESTS GETs of `path`, in milliseconds."""
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return 1000 * statistics.median(times)


def measure(url: str, sizes: tuple[int, ...] = MEMBERS) -> dict[int, dict[str, tuple[int, float]]]:
    """(statements, median ms) of each of the system's routes at each number of members."""
    from planner import create_app

    db.upgrade(url)
    with Session(db.engine_for(url), expire_on_commit=False) as session:
        system = factories.make_system(session, slug=SLUG, name="Benchmark Integrated Care System")
        viewer = factories.make_member(session, system, role="viewer")
        target = system_objectives.save_system_objective(session=session, system=system, actor=None, values={
            "ref": "SO1", "title": "Develop system leaders", "description": "",
            "start": date(2026, 4, 1), "due": date(2029, 3, 31)})
        system_id, email, target_id = system.id, viewer.email, target.id
    app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "benchmark-secret-key-not-for-use",
                      "DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    signed_in = client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert signed_in.status_code == 302, signed_in.status_code
    found: dict[int, dict[str, tuple[int, float]]] = {}
    members = 0
    for size in sizes:
        _add_members(url, system_id, target_id, members, size)
        members = size
        found[size] = {name: (count_queries(client, path), _median_ms(client, path)) for name, path in ROUTES}
    db.engine_for(url).dispose()
    return found


def main(quick: bool = False, url: str | None = None) -> dict[int, dict[str, tuple[int, float]]]:
    """Build and measure, on `url` or a temporary SQLite file, and print the figures."""
    sizes = MEMBERS[:2] if quick else MEMBERS
    with tempfile.TemporaryDirectory() as folder:
        target = url or f"sqlite:///{Path(folder) / 'systems.db'}"
        found = measure(target, sizes)
    engine = "PostgreSQL" if target.startswith("postgres") else "SQLite"
    print(f"The system view by members sharing a version ({engine}; statements per request, median of {REQUESTS} "
          "requests)")
    print(f"{'':<16}" + "".join(f"{f'{size} members':>26}" for size in found))
    for name, _path in ROUTES:
        print(f"{name:<16}" + "".join(f"{f'{found[size][name][0]} statements, {found[size][name][1]:,.0f} ms':>26}"
                                      for size in found))
    return found


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--quick"]
    main(quick="--quick" in sys.argv[1:], url=arguments[0] if arguments else None)
