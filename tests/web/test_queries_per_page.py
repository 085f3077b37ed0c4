"""Bounded queries: every page of a strategy runs a small, fixed number of SQL statements, whatever the
size of the organisation. Measured on the demo and on an organisation at 8 times its size (312 areas,
2,088 objectives; benchmarks/scale.py), on a first visit with nothing kept, again (the derived results
kept: docs/derived-results.md), and on the first visit after a write to each step, before and after the
queue's worker has worked the results out (benchmarks/first_visit.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlmodel import SQLModel

from benchmarks.first_visit import first_visits
from benchmarks.scale import Built, build_organisation, count_queries, sign_in
from planner import create_app
from planner.db import engine_for, upgrade

# It builds SQLite databases of its own, so the PostgreSQL pass of the suite would only repeat it.
pytestmark = pytest.mark.skipif(bool(os.environ.get("PLANNER_TEST_DATABASE_URL")), reason="this is the PostgreSQL run")

MOST = 25  # statements on any page once its results are kept, and after a write once the worker has kept them
# With nothing kept (a new release, the store purged), the pages that gather every step (home, Approve, Compare)
# read each table they need once (one statement per table, never one per row), plus the request's own
# bookkeeping: signing in, the revisions, looking up and keeping the results. Measured (benchmarks/first_visit.py):
# 54 on home and 70 on Compare at the demo's size, 53 on home at 8 times it; bounded by the schema, not the data.
BOOKKEEPING = 20
MOST_FIRST = len(SQLModel.metadata.tables) + BOOKKEEPING
# A write to one of these steps leaves the results of the others kept (revisions by step): the next visit works
# out only what reads the step, within MOST even before the worker has. A write to the structure, the baseline,
# the forecast, diversity or competencies moves what most results read: the worker's warm-up keeps those.
LIGHT_STEPS = ("scope", "discover", "objectives", "consult", "approve")
# Downloads, images, long work and pages that only redirect are measured elsewhere (benchmarks/pack.py).
SKIPPED = ("exports.", "charts.", "jobs.", "approve.version_", "baseline.template", "objectives.download",
           "surveys.codes")


@dataclass
class Sized:
    app: Flask
    url: str
    demo: Built
    large: Built


@pytest.fixture(scope="module")
def sized(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sized]:
    folder: Path = tmp_path_factory.mktemp("scale")
    url = f"sqlite:///{folder / 'scale.db'}"
    upgrade(url)
    demo, large = build_organisation(url, 1), build_organisation(url, 8)
    app = create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                      "DATABASE_URL": url, "WTF_CSRF_ENABLED": False})
    yield Sized(app, url, demo, large)
    engine_for(url).dispose()


def _pages(app: Flask, strategy_id: int) -> list[str]:
    """Every page of a strategy that needs nothing but its id: the steps, their views and the API."""
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or set(rule.arguments) != {"strategy_id"}:
            continue
        if rule.endpoint.startswith(SKIPPED) or rule.rule.endswith((".xlsx", ".docx", ".pdf", ".csv")):
            continue
        pages.append(rule.rule.replace("<int:strategy_id>", str(strategy_id)))
    return sorted(pages)


def _forget(url: str) -> None:
    with engine_for(url).begin() as connection:
        connection.execute(text("DELETE FROM derivedresult"))


def _counts(sized: Sized, built: Built) -> dict[str, tuple[int, int]]:
    client = sized.app.test_client()
    sign_in(client, built)
    out = {}
    for page in _pages(sized.app, built.strategy_id):
        if client.get(page).status_code == 404:
            continue  # a page this strategy does not have (Compare, with no approved version)
        _forget(sized.url)
        first = count_queries(client, page)
        out[page.replace(f"/{built.strategy_id}", "/ID")] = (first, count_queries(client, page))
    return out


@pytest.fixture(scope="module")
def counts(sized: Sized) -> dict[str, dict[str, tuple[int, int]]]:
    return {"demo": _counts(sized, sized.demo), "8 times": _counts(sized, sized.large)}


def test_the_pages_measured_are_the_strategys_pages(counts: dict[str, dict[str, tuple[int, int]]]) -> None:
    pages = set(counts["8 times"])
    assert {"/strategies/ID", "/strategies/ID/forecast", "/strategies/ID/objectives", "/strategies/ID/diversity",
            "/strategies/ID/competencies/gaps", "/api/v1/strategies/ID/baseline"} <= pages
    assert len(pages) >= 20


@pytest.mark.parametrize("size", ["demo", "8 times"])
def test_no_page_runs_more_than_25_statements_once_its_results_are_kept(
        counts: dict[str, dict[str, tuple[int, int]]], size: str) -> None:
    over = {page: again for page, (_first, again) in counts[size].items() if again > MOST}
    assert over == {}


@pytest.mark.parametrize("size", ["demo", "8 times"])
def test_a_first_visit_after_a_change_stays_bounded(counts: dict[str, dict[str, tuple[int, int]]], size: str) -> None:
    over = {page: first for page, (first, _again) in counts[size].items() if first > MOST_FIRST}
    assert over == {}


def test_the_statements_do_not_grow_with_the_organisation(counts: dict[str, dict[str, tuple[int, int]]]) -> None:
    """8 times the areas and objectives, the same statements give or take a few (no query per row)."""
    grew = {page: (counts["demo"][page], large) for page, large in counts["8 times"].items()
            if page in counts["demo"] and max(large) > max(counts["demo"][page]) + 3}
    assert grew == {}


def _after_writes(sized: Sized, built: Built, *, warmed: bool) -> dict[str, dict[str, int]]:
    client = sized.app.test_client()
    sign_in(client, built)
    return first_visits(client, sized.url, built, warmed=warmed)


Visits = dict[tuple[str, bool], dict[str, dict[str, int]]]  # (size, warmed) -> write -> page -> statements


@pytest.fixture(scope="module")
def after_writes(sized: Sized, counts: dict[str, dict[str, tuple[int, int]]]) -> Visits:
    # After `counts`: these writes change the strategies that the pages above were measured on.
    return {(size, warmed): _after_writes(sized, built, warmed=warmed)
            for size, built in (("demo", sized.demo), ("8 times", sized.large)) for warmed in (False, True)}


@pytest.mark.parametrize("size", ["demo", "8 times"])
def test_a_first_visit_after_a_write_to_any_step_once_the_worker_has_kept_the_results(
        after_writes: Visits, size: str) -> None:
    found = after_writes[(size, True)]
    assert {what.split(":")[0] for what in found} >= {"structure", "baseline", "forecast", "diversity", "competencies",
                                                      *LIGHT_STEPS}
    assert {"home", "approve", "forecast"} <= {page for row in found.values() for page in row}
    over = {(what, page): n for what, row in found.items() for page, n in row.items() if n > MOST}
    assert over == {}


@pytest.mark.parametrize("size", ["demo", "8 times"])
def test_a_write_to_one_step_leaves_the_others_kept(after_writes: Visits, size: str) -> None:
    """Before the worker has run: a write to a step few results read costs the next visit little, while one
    to the structure (which every result reads) costs it the tables again (so the revisions are by step)."""
    found = after_writes[(size, False)]
    light = {(what, page): n for what, row in found.items() if what.split(":")[0] in LIGHT_STEPS
             for page, n in row.items()}
    assert light and max(light.values()) <= MOST, light
    assert max(found["structure: an area's name"].values()) > MOST  # the measure can tell them apart
