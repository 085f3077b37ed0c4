"""Bounded queries: every page of a strategy runs a small, fixed number of SQL statements, whatever the
size of the organisation. Measured on the demo and on an organisation at 8 times its size (312 areas,
2,088 objectives; benchmarks/scale.py), on a first visit after a change (nothing kept) and again
(the derived results kept: docs/derived-results.md)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from benchmarks.scale import Built, build_organisation, count_queries, sign_in
from planner import create_app
from planner.db import engine_for, upgrade

# It builds SQLite databases of its own, so the PostgreSQL pass of the suite would only repeat it.
pytestmark = pytest.mark.skipif(bool(os.environ.get("PLANNER_TEST_DATABASE_URL")), reason="this is the PostgreSQL run")

MOST = 25  # statements on any page once its results are kept
MOST_FIRST = 66  # on the first visit after a change: the pages that gather every step (home, Approve, Compare;
# the succession register added one statement: reading its rows)
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
