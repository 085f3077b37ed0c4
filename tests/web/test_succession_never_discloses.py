"""The disclosure rule on random succession registers, in the spirit of test_published_never_discloses: whatever
the successors' counts, a published report (what the page and the API show), the pack's Succession sheet and the
paper's Succession section never hold a pool count from 1 to the threshold, show every count they do show as it
is, and never leave one withheld count alone on a level (its level's successors are published, so it would be
their total minus the rest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from planner.diversity.disclosure import PUBLISHED
from planner.exports.book import Book
from planner.exports.paper_succession import succession_section
from planner.exports.paper_text import Table
from planner.exports.succession_sheet import write_succession
from planner.services import succession as service
from tests import factories

GROUPS = ("white", "bme", "not_stated")
PLACES = [(area, level) for area in ("MED", "SURG") for level in ("senior", "middle", "frontline")]


@dataclass(frozen=True)
class Row:
    area: str
    level: str
    figures: dict[str, int]
    pool: dict[str, dict[str, int]]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_published_succession_figures_never_disclose_a_small_count(db: Session, org, strategy, data) -> None:  # type: ignore[no-untyped-def]
    if not service.areas_of(db, strategy):
        for code in ("MED", "SURG"):
            factories.make_area(db, strategy, code)
    threshold = data.draw(st.sampled_from([3, 5, 7]))
    org.suppression_threshold = threshold
    db.add(org)
    db.commit()
    count = st.one_of(st.just(0), st.integers(1, threshold), st.integers(threshold + 1, 30))
    rows, true = [], {}
    for area, level in PLACES:
        groups = {g: data.draw(count) for g in GROUPS}
        total = sum(groups.values())
        if not total or not data.draw(st.booleans()):
            continue
        now = data.draw(st.integers(0, total))
        rows.append(Row(area, level, {"critical_roles": 1, "ready_now": now, "ready_1_2": total - now,
                                      "ready_3_5": 0}, {"ethnicity": groups}))
        for g, n in groups.items():
            true[(level, g)] = true.get((level, g), 0) + n
    service.replace_register(session=db, strategy=strategy, rows=rows, actor=None, source="test")
    report = service.succession_report(db, strategy, org, None, audience=PUBLISHED)
    if not rows:
        assert report["diversity"] == []
        return
    (table,) = report["diversity"]
    for row in table["rows"]:
        assert row["total"] == sum(true.get((row["level"], g), 0) for g in GROUPS)
        hidden = [g for g in row["groups"] if g["count"] is None]
        assert len(hidden) != 1, row  # one withheld count would be the total minus the rest
        for g in row["groups"]:
            if g["count"] is not None:
                assert g["count"] == true.get((row["level"], g["group"]), 0)
                assert not 1 <= g["count"] <= threshold
            else:
                assert g["share"] is None
    content: dict[str, Any] = {"diversity": {"disclosure": report["disclosure"]}, "succession": report}
    book = Book()
    write_succession(book, content)
    cells = [list(r) for r in book.workbook["Succession"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(cells) if str(r[0]).startswith("The successors' diversity"))
    for r in cells[start + 2:]:
        for value in r[2:]:
            assert not (isinstance(value, int) and 1 <= value <= threshold), r
    section = succession_section(content)
    assert section is not None
    paper = [b for b in section.blocks if isinstance(b, Table) and b.caption.startswith("Successors by")]
    assert paper
    for block in paper:
        for r in block.rows:
            for value in r[2:]:
                assert value == "*" or not 1 <= int(value.replace(",", "")) <= threshold, r
