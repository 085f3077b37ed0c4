"""Leaver rates that change by year (model.md version 3) in the pack and the paper: said with their
years ("9.0% in 2027 rising to 10.4% in 2031") or shown year by year, never as the first year alone;
and the model in words names the funded establishment as the posts needed."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from planner.exports.paper_text import Para, sections
from planner.exports.workbook import build_pack
from planner.models import Organisation, Strategy
from planner.rate_words import rate_words, yearly_rates
from planner.services.board_pack import pack_content
from tests import factories

MIDDLE = [0.09, 0.095, 0.1, 0.102, 0.104]


@pytest.mark.parametrize(("value", "words"), [
    (0.09, "9.0%"),
    ([0.09, 0.095, 0.1, 0.102, 0.104], "9.0% in 2027 rising to 10.4% in 2031"),
    ([0.12, 0.11, 0.11, 0.1, 0.1], "12.0% in 2027 falling to 10.0% in 2031"),
    ([0.1, 0.1, 0.1], "10.0% every year"),
    ([0.1, 0.10004, 0.1], "10.0% every year"),  # moves less than the place shown
    ([0.1, 0.12, 0.11], "10.0% in 2027, 12.0% in 2028 and 11.0% in 2029"),
    ([0.05], "5.0% in 2027"),
    (0.0, "0.0%"),
])
def test_a_rate_in_words(value: Any, words: str) -> None:
    assert rate_words(value, 2027) == words


def test_yearly_rates_repeat_one_rate_and_keep_a_list() -> None:
    assert yearly_rates(0.1, 3) == [0.1, 0.1, 0.1]
    assert yearly_rates([0.1, 0.2], 2) == [0.1, 0.2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, Strategy, Organisation]]:
    with factories.demo_database(tmp_path_factory.mktemp("yearly")) as demo:
        yield demo


@pytest.fixture(scope="module")
def content(demo: tuple[Session, Strategy, Organisation]) -> dict[str, Any]:
    """The demo's content with the chosen scenario's middle leaders leaving at a rate that rises each
    year, and the first area's own frontline rate falling each year, as a version 3 spec carries them."""
    session, strategy, organisation = demo
    content = copy.deepcopy(pack_content(session, strategy, organisation, prepared_by="Board Secretary",
                                         today=date(2026, 11, 23)))
    forecast = content["forecast"]
    chosen = forecast["scenario"]["name"]
    for spec in [forecast["spec"]] + [s["spec"] for s in forecast["scenarios"] if s["name"] == chosen]:
        next(lv for lv in spec["levels"] if lv["key"] == "middle")["leaver_rate"] = list(MIDDLE)
        spec["areas"][0].setdefault("overrides", {})["frontline"] = {"leaver_rate": [0.15, 0.14, 0.13, 0.12, 0.11]}
    next(lv for lv in forecast["assumptions"]["levels"] if lv["level"] == "middle")["leaver_rate"] = list(MIDDLE)
    first = forecast["assumptions"]["areas"][0]
    first["overrides"]["frontline"] = {"leaver_rate": [0.15, 0.14, 0.13, 0.12, 0.11]}
    return content


def _cells(ws: Worksheet) -> list[list[Any]]:
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


def test_the_assumptions_sheet_says_a_yearly_rate_with_its_years(content: dict[str, Any]) -> None:
    ws = build_pack(content, sheets={"assumptions"}).workbook["Assumptions and method"]
    rows = _cells(ws)
    middle = next(row for row in rows if row[0] == "Middle leaders" and row[1] is not None)
    assert middle[1] == "9.0% in 2027 rising to 10.4% in 2031"
    text = " ".join(str(c) for row in rows for c in row if c is not None)
    assert "frontline leaders: leaver rate 15.0% in 2027 falling to 11.0% in 2031" in text.lower()
    assert "funded establishment" in text  # the model in words: posts needed follow the establishment first


def test_the_scenarios_sheet_shows_every_years_rate_of_every_scenario(content: dict[str, Any]) -> None:
    ws = build_pack(content, sheets={"scenarios"}).workbook["Scenarios"]
    rows = _cells(ws)
    chosen = content["forecast"]["scenario"]["name"]
    header = next(row for row in rows if row[0] == "Level" and row[1] == "Rate")
    column = header.index(chosen)
    yearly = {row[1]: row for row in rows if row[0] == "Middle leaders" and str(row[1]).startswith("Leaver rate ")}
    assert [yearly[f"Leaver rate {2027 + t}"][column] for t in range(5)] == pytest.approx(MIDDLE)
    # Another scenario's single rate is shown in every year, not left blank.
    others = [n for n, name in enumerate(header) if name not in (None, "Level", "Rate", chosen)]
    for n in others:
        assert len({yearly[f"Leaver rate {2027 + t}"][n] for t in range(5)}) == 1
    area = [row for row in rows if str(row[1]).lower() == "frontline leaders: leaver rate"]
    assert area and area[0][column] == "15.0% in 2027 falling to 11.0% in 2031"


def test_the_paper_says_how_the_leaver_rate_moves_by_year(content: dict[str, Any]) -> None:
    paragraphs = [block.text for section in sections(content) for block in section.blocks if isinstance(block, Para)]
    risk = next(p for p in paragraphs if p.startswith("The forecast assumes that"))
    assert "depending on the level and the year" in risk
    assert "for middle leaders, 9.0% in 2027 rising to 10.4% in 2031" in risk
    # The range covers every year's rate of every level.
    every = [q for lv in content["forecast"]["spec"]["levels"] for q in yearly_rates(lv["leaver_rate"], 5)]
    assert risk.startswith(f"The forecast assumes that {min(every) * 100:.1f}% to {max(every) * 100:.1f}% of leaders")
