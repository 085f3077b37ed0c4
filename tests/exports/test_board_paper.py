"""The board paper from the demo trust, built without charts (no browser, no LibreOffice): the cover
sheet, the headline figures against the forecast, the tables' print set-up, and words that follow the
figures (one scenario, a target that cannot be met, no simulations)."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Cm
from sqlmodel import Session

from planner.exports import paper_text
from planner.exports.paper import paper_docx
from planner.exports.paper_charts import NO_ACTION, paper_charts
from planner.exports.paper_figures import count, percent
from planner.exports.rounding import ROUNDING_NOTE, whole
from planner.models import Organisation, Strategy
from planner.services import forecasting
from planner.services.board_pack import pack_content
from planner.services.scenarios import scenarios_of
from tests import factories

COVER = {
    "meeting": "Board of Directors", "meeting_date": "2027-01-28", "agenda_item": "BD 27/014", "part": "2",
    "part_name": "Part 2 (private)", "executive_lead": "Chief People Officer", "author": "Head of Leadership",
    "purpose": "assurance", "purpose_name": "For assurance",
    "recommendation": "The Board is asked to take assurance from the plan and note the diversity risks.",
    "executive_summary": "A short summary the board secretary wrote.\nIts second paragraph.",
    "strategic_objectives": ["SO2 Our people", "SO4 Partnerships"], "baf_risks": ["BAF 3 Workforce supply"],
    "impact": {"equality": "EIA completed in December.", "quality": "Safer staffing on every ward.",
               "finance": "Within the people budget.", "workforce": "More leaders grown in-house.",
               "sustainability": "Less agency spend."},
    "previously_considered": [{"by": "People Committee", "on": "2026-12-10"}],
    "prepared_by": "Board Secretary", "set": True,
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, Strategy, Organisation]]:
    """The demo trust in a database of this module's own."""
    with factories.demo_database(tmp_path_factory.mktemp('paper')) as demo:
        yield demo


@pytest.fixture(scope="module")
def content(demo: tuple[Session, Strategy, Organisation]) -> dict[str, Any]:
    """The demo's pack content: the paper's only input."""
    session, strategy, organisation = demo
    return pack_content(session, strategy, organisation, prepared_by="Board Secretary", today=date(2026, 11, 23))


@pytest.fixture(scope="module")
def internal_content(demo: tuple[Session, Strategy, Organisation]) -> dict[str, Any]:
    """The demo's content for the board and its committees in private: exact diversity figures (the demo's
    targets all start from withheld counts, so published they have no figures at all)."""
    session, strategy, organisation = demo
    return pack_content(session, strategy, organisation, prepared_by="Board Secretary", today=date(2026, 11, 23),
                        audience="internal")


def opened(content: dict[str, Any]) -> DocxDocument:
    """The paper without charts, saved and opened again as a reader would."""
    return Document(io.BytesIO(paper_docx(content)))


def text_of(document: DocxDocument) -> str:
    """Every paragraph, in the body and in table cells, a line each."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [p.text for cell in row.cells for p in cell.paragraphs]
    return "\n".join(lines)


def body(content: dict[str, Any]) -> str:
    """The paper's words, without the cover sheet, straight from paper_text."""
    out = []
    for section in paper_text.sections(content):
        for block in section.blocks:
            if isinstance(block, paper_text.Para | paper_text.Subheading):
                out.append(block.text)
            elif isinstance(block, paper_text.Table):
                out += [block.caption, " | ".join(block.header), *(" | ".join(r) for r in block.rows)]
    return "\n".join(out)


@pytest.fixture(scope="module")
def paper(content: dict[str, Any]) -> DocxDocument:
    return opened(content)


def test_the_cover_sheet_holds_every_field_the_board_secretary_set(content: dict[str, Any]) -> None:
    covered = {**copy.deepcopy(content), "cover": COVER}
    cover_table = opened(covered).tables[0]
    rows = {row.cells[0].text: row.cells[1].text for row in cover_table.rows}
    assert rows["Meeting"] == "Board of Directors"
    assert rows["Date of meeting"] == "28 January 2027"
    assert rows["Agenda item"] == "BD 27/014"
    assert rows["Part"] == "Part 2 (private)"
    assert rows["Title of paper"] == content["strategy"]["title"]
    assert rows["Purpose"].replace("\xa0", " ").split() == ["Approval", "☐", "Assurance", "☒", "Discussion", "☐",
                                                            "Information", "☐"]
    assert rows["Executive lead"] == "Chief People Officer"
    assert rows["Author"] == "Head of Leadership"
    assert rows["Prepared by"] == "Board Secretary"
    assert rows["Recommendation"] == COVER["recommendation"]
    assert rows["Executive summary"] == COVER["executive_summary"]
    assert rows["Links to strategic objectives"] == "SO2 Our people\nSO4 Partnerships"
    assert rows["Board Assurance Framework (BAF) risks"] == "BAF 3 Workforce supply"
    for key, value in COVER["impact"].items():  # type: ignore[union-attr]
        assert value in rows.values(), key
    assert rows["Previously considered by"] == "People Committee, 10 December 2026"
    words = body(covered)
    assert "This paper gives the Board assurance on" in words
    assert COVER["recommendation"] in words.splitlines()  # the Recommendation section says the same


def test_an_unset_cover_gets_a_recommendation_and_summary_from_the_figures(content: dict[str, Any]) -> None:
    old = copy.deepcopy(content)
    old.pop("cover", None)  # content frozen before covers were kept
    sheet = paper_text.cover(old)
    every = sum(float(t["external_appointments"]) for t in old["forecast"]["result"]["totals"])
    assert sheet["purpose"] == "approval" and not sheet["set"]
    assert sheet["recommendation"].startswith(f"The Board is asked to approve the {old['strategy']['title']}")
    assert f"{whole(every):,} external appointments" in sheet["recommendation"]
    assert f"{whole(every):,} external appointments" in sheet["executive_summary"]
    rows = dict(paper_text.cover_rows(old, sheet))
    assert rows["Date of meeting"] == "Not set" and rows["Previously considered by"] == "Not considered before"
    assert paper_text.COVER_NOT_SET in text_of(opened(old))


def test_headline_appointments_are_the_forecasts_totals_in_whole_people(
        demo: tuple[Session, Strategy, Organisation], content: dict[str, Any], paper: DocxDocument) -> None:
    session, strategy, _organisation = demo
    result = forecasting.run(session, strategy, scenarios_of(session, strategy)[0]).result  # what the API serves
    assert result is not None
    text = text_of(paper)
    names = {lv["key"]: lv["name"] for lv in content["levels"]}
    forecast_table = next(t for t in paper.tables if t.rows[0].cells[0].text == "Level")
    printed = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in forecast_table.rows[1:]}
    for key, name in names.items():
        totals = [t for t in result["totals"] if t["level"] == key]
        external = whole(sum(t["external_appointments"] for t in totals))
        internal = whole(sum(t["internal_fills"] for t in totals))
        said = re.search(rf"^{re.escape(name)}: .*?; ([\d,]+) external appointments? and ([\d,]+) internal "
                         r"promotions? over 2027 to 2031\.$", text, re.MULTILINE)
        assert said, name
        assert (int(said[1].replace(",", "")), int(said[2].replace(",", ""))) == (external, internal), name
        assert printed[name][2:] == [f"{external:,}", f"{internal:,}"]
    every = whole(sum(t["external_appointments"] for t in result["totals"]))
    assert printed["All levels"][2] == f"{every:,}"
    assert f"{every:,} external appointments and" in text


def test_tables_repeat_their_header_rows_and_never_split_a_row(paper: DocxDocument) -> None:
    data_tables = paper.tables[1:]  # after the cover sheet
    assert len(data_tables) >= 5
    for table in data_tables:
        first = table.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert ROUNDING_NOTE in [p.text for p in paper.paragraphs]


def test_the_page_is_a4_with_the_marking_and_page_numbers(paper: DocxDocument, content: dict[str, Any]) -> None:
    section = paper.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert all(abs(getattr(section, m) - Cm(2)) < Cm(0.01) for m in
               ("left_margin", "right_margin", "top_margin", "bottom_margin"))
    assert paper.styles["Normal"].font.name == "Arial" and paper.styles["Normal"].font.size.pt == 11
    header = [p.text for p in section.header.paragraphs]
    assert header == ["OFFICIAL", content["strategy"]["title"]]
    footer = section.footer._element.xml
    assert "OFFICIAL" in footer and " PAGE " in footer and " NUMPAGES " in footer
    headings = [p.text for p in paper.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1. Purpose" and headings[-1].startswith("Appendix: the board pack (Excel workbook)")
    assert any(h.endswith("Risks and uncertainty") for h in headings)


def test_without_images_each_chart_has_a_note_in_its_place(paper: DocxDocument, content: dict[str, Any]) -> None:
    notes = [p.text for p in paper.paragraphs if p.text.startswith("Figure ")]
    charts = paper_charts(content)
    assert len(notes) == len(charts) and 4 <= len(charts) <= 6
    assert all("could not be drawn" in note for note in notes)
    assert not paper.inline_shapes


def test_the_chart_list_is_built_from_content_with_captions_and_alt_text(content: dict[str, Any],
                                                                        internal_content: dict[str, Any]) -> None:
    charts = paper_charts(content)
    assert [c.key for c in charts][:4] == ["demand", "appointments", "scenarios", "bands"]
    assert "gaps" in [c.key for c in charts]
    assert not any(c.key.startswith("target-") for c in charts)  # the demo's targets start from withheld counts
    exact = paper_charts(internal_content)
    targets = [c for c in exact if c.key.startswith("target-")]
    assert targets and all(NO_ACTION in [t.name for t in c.figure.data] for c in targets)
    for chart in charts + exact:
        assert chart.caption and len(chart.alt) > 60 and not chart.figure.layout.title.text
    without_bands = copy.deepcopy(content)
    del without_bands["forecast"]["result"]["bands"]
    assert "bands" not in [c.key for c in paper_charts(without_bands)]


def test_the_scenarios_are_compared_and_a_lone_scenario_is_said_to_be_alone(content: dict[str, Any]) -> None:
    totals = {s["name"]: whole(sum(t["external_appointments"] for t in s["totals"]))
              for s in content["forecast"]["scenarios"]}
    most, least = max(totals, key=totals.__getitem__), min(totals, key=totals.__getitem__)
    words = body(content)
    assert (f"{most} needs the most external appointments over the period ({totals[most]:,}) and {least} the "
            f"fewest ({totals[least]:,}), a difference of {totals[most] - totals[least]:,}.") in words
    lone = copy.deepcopy(content)
    lone["forecast"]["scenarios"] = [s for s in lone["forecast"]["scenarios"] if s["name"] == "Baseline"]
    words = body(lone)
    assert "The Baseline scenario is the only one that has been modelled" in words
    assert "by scenario and level" not in words and "scenarios" not in [c.key for c in paper_charts(lone)]


SENIOR = {"level": "senior", "target_year": 2031, "trajectory": [], "pool": "middle", "pool_name": "Middle leaders",
          "pipeline_source": "baseline", "pipeline_withheld": False, "earliest_year": None, "withheld_reason": None}
BME = "Black and minority ethnic (BME)"
WIDEN = "only reachable if the pool itself widens, through development, outreach or positive action"


@pytest.mark.parametrize(("change", "said", "pool", "verdict"), [
    ({"required_share_of_appointments": 1.37, "feasible": False, "assessment": "not_reachable"},
     "Needs 137.0% of appointments to senior leader posts: more than every appointment, so it cannot be reached "
     "by 2031 through appointments alone. It cannot be met within the strategy's period.", "20.9%",
     "Not reachable by appointments"),
    ({"required_share_of_appointments": 1.37, "feasible": False, "assessment": "not_reachable",
      "earliest_year": 2033}, "The earliest year it could be met is 2033.", "20.9%",
     "Not reachable by appointments (earliest 2033)"),
    ({"required_share_of_appointments": 0.12, "feasible": True, "assessment": "within_pipeline"},
     f"Needs 12.0% of appointments to senior leader posts; the pool it draws from (middle leaders) is 20.9% {BME}: "
     "within the pool, so fair recruitment from it can meet the target.", "20.9%", "Within the pool"),
    ({"required_share_of_appointments": 0.649, "feasible": True, "assessment": "needs_wider_pipeline"},
     f"Needs 64.9% of appointments to senior leader posts; the pool it draws from (middle leaders) is 20.9% {BME}: "
     f"{WIDEN}.", "20.9%", "Needs a wider pool"),
    ({"required_share_of_appointments": 0.649, "feasible": True, "assessment": "needs_wider_pipeline",
      "pipeline_share": None, "pipeline_withheld": True},
     f"Needs 64.9% of appointments to senior leader posts, more than the share of the pool it draws from (middle "
     f"leaders) who are {BME} (that share is withheld to protect privacy): {WIDEN}.", "*", "Needs a wider pool"),
    ({"required_share_of_appointments": 0.3, "feasible": True, "assessment": "reachable", "pipeline_share": None,
      "pipeline_source": "none"}, "so it is not compared with the pool.", "–", "Reachable"),
    ({"required_share_of_appointments": -0.2, "feasible": True, "assessment": "met_without_action"},
     "Met without action: on the forecast the target is reached by 2031 with no appointments to senior leader "
     "posts needing to come from the group.", "20.9%", "Met without action"),
])
def test_a_targets_words_follow_its_figures(internal_content: dict[str, Any], change: dict[str, Any], said: str,
                                            pool: str, verdict: str) -> None:
    changed = copy.deepcopy(internal_content)  # figures are shown only where the starting count is
    target = changed["diversity"]["targets"][0]
    assert target["level"] == "senior" and target["target_year"] == 2031
    target.update({**SENIOR, "pipeline_share": 0.209, **change})
    words = body(changed)
    assert said in words
    row = next(line for line in words.splitlines() if line.endswith("| 2031 | " + (
        percent(change["required_share_of_appointments"]) + f" | {pool} | " + verdict)))
    assert row.startswith(f"{BME} | Senior leaders | 19.0%")
    assert "| Yes" not in words and "Can be met: Yes" not in words
    notes = "\n".join(n for s in paper_text.sections(changed) for b in s.blocks if isinstance(b, paper_text.Table)
                      for n in b.notes)
    if pool == "*":
        assert "* Withheld to protect privacy: counts from 1 to 7 people" in notes


def test_the_demos_targets_need_more_than_their_pool_and_say_so(internal_content: dict[str, Any]) -> None:
    changed = internal_content  # the paper's words for the demo's real targets, for the board in private
    words = body(changed)
    targets = changed["diversity"]["targets"]
    assert [t["assessment"] for t in targets] == ["needs_wider_pipeline"] * 3  # the arrangement
    for target in targets:
        needed, pool = target["required_share_of_appointments"], target["pipeline_share"]
        assert needed > pool
        assert f"Needs {percent(needed)} of appointments" in words
        assert f"is {percent(pool)} {BME}: {WIDEN}." in words
    # The planner's finding: 64.9% of middle-leader appointments, from frontline leaders who are 20.9% BME.
    assert (f"Needs 64.9% of appointments to middle leader posts; the pool it draws from (frontline leaders) is "
            f"20.9% {BME}: {WIDEN}.") in words
    assert "Positive action under the Equality Act 2010 (sections 158 and 159) is a tie-break" in words
    assert "All 3 diversity targets need a larger share of appointments from the group than the group's share " \
           "of the pools they are drawn from" in words
    table = [line for line in words.splitlines() if line.startswith(BME + " |")]
    assert len(table) == 3 and all(line.endswith("| Needs a wider pool") for line in table)
    assert "Reachable" not in words and "| Yes" not in words


def test_the_published_demo_paper_calls_no_target_reachable(content: dict[str, Any]) -> None:
    words = body(content)
    for target in content["diversity"]["targets"]:
        if target.get("assessment") is None:  # withheld: nothing derived from its starting count is said
            continue
        needed, pool = target["required_share_of_appointments"], target.get("pipeline_share")
        if pool is not None and needed is not None and needed > pool:
            assert target["assessment"] == "needs_wider_pipeline"
    assert "| Yes" not in words and "| Reachable" not in words


def board_rows(content: dict[str, Any], characteristic: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The board's row of a characteristic's representation, and its indicators."""
    rep = next(r for r in content["diversity"]["representation"] if r["characteristic"] == characteristic)
    return next(r for r in rep["rows"] if r["level"] == "board"), rep["indicators"]


def test_the_paper_gives_the_boards_own_make_up_by_voting_and_executive_membership(
        internal_content: dict[str, Any]) -> None:
    words = body(internal_content)
    for characteristic, measure, group in (("ethnicity", "WRES indicator 9", BME), ("disability", "WDES metric 10",
                                                                                   "Disabled")):
        row, indicators = board_rows(internal_content, characteristic)
        focus = next(g for g in row["groups"] if g["group"] == indicators["focus_group"])
        voting = indicators["board_membership"]["voting"]
        executive = indicators["board_membership"]["executive"]
        line = next(text for text in words.splitlines() if text.startswith(f"{measure}, {group} on the board"))
        assert f"the whole board {focus['count']} of {row['total']} ({percent(focus['count'] / row['total'])})" in line
        assert f"voting members {voting['count']} of {voting['members']}" in line
        assert f"executive members {executive['count']} of {executive['members']}" in line
        gap = indicators["board_gap_points"]
        assert f"{abs(gap):.1f} points {'below' if gap < 0 else 'above'} the workforce" in line
    # The demo's board: 2 of 15 BME, 13.2 points below a workforce that is 26.6% BME.
    assert (f"WRES indicator 9, {BME} on the board (26.6% of the workforce): the whole board 2 of 15 (13.3%), "
            "13.2 points below the workforce") in words


def test_the_paper_says_where_board_membership_is_not_recorded_or_the_board_is_withheld(
        internal_content: dict[str, Any]) -> None:
    changed = copy.deepcopy(internal_content)
    for rep in changed["diversity"]["representation"]:
        if rep.get("indicators"):
            rep["indicators"]["board_membership"] = None
    words = body(changed)
    assert all("voting members" not in t for t in words.splitlines() if t.startswith(("WRES indicator 9, ",
                                                                                       "WDES metric 10, ")))
    assert "not recorded yet: import a staff extract with a board member type column" in words
    # Published, where the organisation does not count the board as public: the count is withheld, and so is
    # everything that would give it away.
    changed["diversity"]["disclosure"] = {**changed["diversity"]["disclosure"], "audience": "published",
                                          "exact": False, "public_levels": []}
    line = next(t for t in body(changed).splitlines() if t.startswith("WRES indicator 9"))
    assert "the whole board withheld (fewer than 8 people" in line and " of 15" not in line


def test_the_range_of_simulations_is_said_in_words_or_its_absence_is(content: dict[str, Any]) -> None:
    bands = [b for b in content["forecast"]["result"]["bands"] if b["level"] == "middle"]
    first = min(bands, key=lambda b: b["year"])
    low, high = whole(first["external_appointments"]["p10"]), whole(first["external_appointments"]["p90"])
    words = body(content)
    assert (f"Middle leaders: in 8 of 10 simulations, between {low:,} and {high:,} external appointments to middle "
            f"leader posts in {first['year']}") in words
    none = copy.deepcopy(content)
    del none["forecast"]["result"]["bands"]
    words = body(none)
    assert "in 8 of 10 simulations" not in words
    assert "The Baseline scenario was not simulated, so this paper gives expected figures without a range." in words


def test_objectives_consultation_and_plan_are_counted_from_the_content(content: dict[str, Any]) -> None:
    words = body(content)
    rows = content["objectives"]["rows"]
    red, amber, green = (sum(1 for r in rows if r["rag"] == rag) for rag in ("red", "amber", "green"))
    assert red and amber and green  # the demo's spread, as a real trust's report would show
    assert f"The strategy has {len(rows):,} objectives" in words
    assert f"By RAG status: {red:,} red, {amber:,} amber and {green:,} green." in words
    answered = content["consultation"]["you_said_we_did"]
    changed = [c for c in answered if c["changed"]]
    assert f"{len(changed)} of the {len(answered)} answered comments changed the strategy" in words
    cost = sum(c["cost"] for c in content["competencies"]["cost"])
    assert f"It costs £{whole(cost):,} over 2027 to 2031" in words


@pytest.mark.parametrize(("n", "noun", "plural", "said"), [
    (1, "appointment", None, "1 appointment"), (2, "appointment", None, "2 appointments"),
    (0, "appointment", None, "0 appointments"), (1_234, "person", "people", "1,234 people"),
    (1, "vacancy", "vacancies", "1 vacancy"),
])
def test_counts_are_plural_when_they_should_be(n: int, noun: str, plural: str | None, said: str) -> None:
    assert count(n, noun, plural) == said


def test_a_strategy_without_a_forecast_still_gets_a_paper(content: dict[str, Any]) -> None:
    bare = copy.deepcopy(content)
    bare["forecast"] = {"scenario": None, "spec": None, "result": None, "problems": ["There is no scenario yet."],
                        "assumptions": None, "scenarios": []}
    bare["diversity"]["targets"] = []
    words = body(bare)
    assert "The forecast cannot run yet: there is no scenario yet. This paper gives" in words
    assert "No diversity targets are set yet" in words
    assert [c.key for c in paper_charts(bare)] == ["gaps"]
    assert opened(bare).tables


def test_the_paper_gives_the_boards_terms_and_the_appointments_due(content: dict[str, Any],
                                                                   internal_content: dict[str, Any]) -> None:
    words = body(content)
    assert "The board's own terms of office" in words
    # The demo board (data/demo/board_terms.csv): from 6 to 13 voting and 2 executive appointments by 2031.
    assert ("From the terms of office of the board's 15 seats, 6 to 13 voting and 2 executive appointments are "
            "due from 2026 to 2031") in words
    assert (f"WRES indicator 9 (voting membership): The voting membership: 2 of 13 (15.4%) are {BME}, against "
            "26.6% of the workforce") in words
    assert "2031 | 0 | 0 | 1 | 2 | 6 to 13 | 2" in words
    # Worked out for the board in private, but read for the public (board not public): nothing of it is given.
    changed = copy.deepcopy(internal_content)
    changed["diversity"]["disclosure"] = {**changed["diversity"]["disclosure"], "audience": "published",
                                          "exact": False, "public_levels": []}
    lines = [t for t in body(changed).splitlines() if t.startswith(("WRES indicator 9 (", "WDES metric 10 ("))]
    assert lines and all("withheld to protect privacy" in t and " of 13" not in t for t in lines)
