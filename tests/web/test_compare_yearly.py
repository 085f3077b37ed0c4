"""Comparing versions when a scenario's figures change by year (model.md version 3): a yearly leaver
rate and funded posts are compared whole and shown year by year, never as the first year's figure."""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from planner.compare import Yearly, compare
from planner.models import Organisation, Strategy
from planner.services.scenarios import scenario_from_data
from planner.web import approve
from tests import factories

YESTERDAY = date.today() - timedelta(days=1)


def _snapshot(leaver_rate: Any, establishment: dict[str, Any] | None = None,
              override: Any = None) -> dict[str, Any]:
    area: dict[str, Any] = {"key": "SURG", "staff": 400, "staff_growth": 0.02, "leaders": {"middle": 12}}
    if establishment is not None:
        area["establishment"] = establishment
    if override is not None:
        area["overrides"] = {"middle": {"leaver_rate": override}}
    spec = {"start_year": 2026, "horizon": 3, "areas": [area],
            "levels": [{"key": "middle", "leaver_rate": leaver_rate, "ready_rate": 0.0, "internal_fill_max": 0.5}]}
    return {"content": {"strategy": {"title": "T"}, "levels": [], "areas": [], "objectives": {"rows": []}},
            "baseline": {"areas": []}, "targets": [],
            "scenarios": [{"name": "Baseline", "spec": spec, "totals": []}]}


def _assumptions(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, tuple[Any, Any]]]:
    section = next(s for s in compare(before, after).sections if s.key == "assumptions")
    return {change.key: change.fields for change in section.changed}


def test_a_yearly_rate_is_compared_whole_with_its_years() -> None:
    changed = _assumptions(_snapshot(0.09), _snapshot([0.09, 0.095, 0.1]))
    before, after = changed["Baseline: level middle"]["leaver_rate"]
    assert before == 0.09
    assert after == Yearly(2027, (0.09, 0.095, 0.1))
    assert after.by_year == [(2027, 0.09), (2028, 0.095), (2029, 0.1)]
    # The same list in both is no change; one year moved is a change of the list.
    assert _assumptions(_snapshot([0.09, 0.095, 0.1]), _snapshot([0.09, 0.095, 0.1])) == {}
    moved = _assumptions(_snapshot([0.09, 0.095, 0.1]), _snapshot([0.09, 0.097, 0.1]))
    assert moved["Baseline: level middle"]["leaver_rate"][1].values == (0.09, 0.097, 0.1)


def test_funded_posts_and_an_areas_yearly_rate_are_compared() -> None:
    changed = _assumptions(_snapshot(0.09, {"middle": 12}, override=0.1),
                           _snapshot(0.09, {"middle": [12, 13, 14]}, override=[0.1, 0.11, 0.12]))
    area = changed["Baseline: area SURG"]
    assert area["funded posts: middle"] == (12, Yearly(2027, (12.0, 13.0, 14.0)))
    assert area["leaver_rate: middle"] == (0.1, Yearly(2027, (0.1, 0.11, 0.12)))
    added = _assumptions(_snapshot(0.09), _snapshot(0.09, {"middle": 15}))
    assert added["Baseline: area SURG"] == {"funded posts: middle": (None, 15)}


@pytest.fixture
def plan(db: Session, org: Organisation) -> Strategy:
    strategy = factories.make_strategy(db, org, title="Leadership for All")
    surgery = factories.make_area(db, strategy, "SURG", "Surgery")
    factories.set_baseline(db, strategy, surgery, staff=400, fte=380.0, senior=3, middle=12, frontline=40)
    scenario_from_data(session=db, strategy=strategy, actor=None, data={
        "name": "Baseline", "areas": {"SURG": {"staff_growth": 0.02, "span": {"frontline": 10}}}})
    return strategy


def test_the_comparison_page_shows_each_years_rate_and_funded_posts(client, signed_in, plan: Strategy,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    signed_in("editor")
    client.post(f"/strategies/{plan.id}/approve/submit")
    client.post(f"/strategies/{plan.id}/approve/decision", data={
        "meeting_date": YESTERDAY.isoformat(), "minute": "BD/2026/17", "decision": "approved", "notes": ""})
    real = approve._snapshot_for

    def draft_with_yearly_figures(strategy_id: int, which: str) -> tuple[dict[str, Any], str]:
        snapshot, label = real(strategy_id, which)
        if which != "draft":
            return snapshot, label
        snapshot = copy.deepcopy(snapshot)
        spec = snapshot["scenarios"][0]["spec"]
        middle = next(lv for lv in spec["levels"] if lv["key"] == "middle")
        middle["leaver_rate"] = [0.09, 0.095, 0.1, 0.102, 0.104]
        spec["areas"][0]["establishment"] = {"middle": [14, 15, 15, 16, 16]}
        return snapshot, label

    monkeypatch.setattr(approve, "_snapshot_for", draft_with_yearly_figures)
    page = client.get(f"/strategies/{plan.id}/compare").get_data(as_text=True)
    assert "What changed from version 1 to the current draft" in page
    changes = page[page.index('id="changes-assumptions"'):]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", changes))
    for year, rate in ((2027, "9.00%"), (2028, "9.50%"), (2029, "10.00%"), (2030, "10.20%"), (2031, "10.40%")):
        assert f"{year}: {rate}" in text, (year, rate)
    for year, posts in ((2027, 14), (2029, 15), (2031, 16)):
        assert f"{year}: {posts}" in text
    assert "funded posts: middle" in text
    assert "%]" not in text and "[" not in text  # no raw list
