"""The board pack workbook from the demo trust: every sheet, the charts, safe text, print set-up."""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session

from planner.exports.book import CELL_LIMIT, LONG_TEXT_SHEET
from planner.exports.rounding import whole
from planner.exports.workbook import pack_bytes
from planner.models import Organisation, Strategy
from planner.services.board_pack import pack_content
from tests import factories

EVERY_SHEET = ["Cover", "Contents", "Summary", "Scope", "Structure and baseline", "Forecast", "Forecast by area",
               "Forecast charts", "Scenarios", "Sensitivity", "Uncertainty", "Succession", "Diversity",
               "Diversity indicators", "Diversity targets", "Board terms", "Board appointments due", "Board seats",
               "Competencies", "Competency heatmap", "Competency gaps", "Competency plan",
               "Unplanned competency gaps", "Self-assessment", "Self-assessment statements", "Objectives",
               "Objectives SMART check", "Objectives by RAG", "Unowned gaps", "Consultation", "Consultations held",
               "Engagement log", "Assumptions and method", "Live forecast"]
PROBES = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "=1+1"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, Strategy, Organisation]]:
    """The demo trust in a database of this module's own."""
    with factories.demo_database(tmp_path_factory.mktemp('pack')) as demo:
        yield demo


@pytest.fixture(scope="module")
def content(demo: tuple[Session, Strategy, Organisation]) -> dict[str, Any]:
    """The demo's pack content."""
    session, strategy, organisation = demo
    return pack_content(session, strategy, organisation, prepared_by="Board Secretary", today=date(2026, 11, 23))


@pytest.fixture(scope="module")
def pack(content: dict[str, Any]) -> Workbook:
    """The demo's pack, saved and opened again as a reader would."""
    return load_workbook(io.BytesIO(pack_bytes(content)))


@pytest.fixture(scope="module")
def internal_pack(demo: tuple[Session, Strategy, Organisation]) -> Workbook:
    """The demo's pack for the board and its committees in private: exact diversity counts."""
    session, strategy, organisation = demo
    content = pack_content(session, strategy, organisation, prepared_by="Board Secretary", today=date(2026, 11, 23),
                           audience="internal")
    return load_workbook(io.BytesIO(pack_bytes(content)))


def test_the_demo_pack_has_every_sheet_in_order(pack: Workbook) -> None:
    assert pack.sheetnames == EVERY_SHEET


def test_the_demo_pack_has_at_least_four_native_charts_of_the_right_kinds(pack: Workbook,
                                                                          internal_pack: Workbook) -> None:
    kinds = [type(chart).__name__ for ws in pack.worksheets for chart in ws._charts]  # noqa: SLF001
    assert len(kinds) >= 4
    assert "LineChart" in kinds and "BarChart" in kinds
    forecast_titles = " ".join(_chart_title(c) for c in pack["Forecast charts"]._charts)  # noqa: SLF001
    assert "posts needed against leaders in post" in forecast_titles
    assert "appointments" in forecast_titles.lower()
    assert pack["Objectives by RAG"]._charts  # noqa: SLF001
    # The demo's targets all start from withheld counts: charted for the board in private only.
    assert internal_pack["Diversity targets"]._charts and not pack["Diversity targets"]._charts  # noqa: SLF001


def _indicator_9(pack: Workbook) -> list[Any]:
    """The ethnicity rows of WRES indicator 9 (the board's share against the workforce's)."""
    return [row for row in pack["Diversity indicators"].iter_rows(values_only=True)
            if row[0] == "Ethnicity (WRES groups)" and "WRES indicator 9" in row]


def _board_counts(pack: Workbook) -> list[Any]:
    return [row[3] for row in pack["Diversity"].iter_rows(values_only=True)
            if row[0] == "Ethnicity (WRES groups)" and row[1] == "Board"]


def test_the_boards_figures_are_shown_to_every_audience(pack: Workbook, internal_pack: Workbook) -> None:
    """The board's make-up is public anyway (every trust publishes it): WRES indicator 9 has its figure in
    the internal pack and in the published one, where the board's small counts are not withheld either."""
    for workbook in (internal_pack, pack):
        rows = _indicator_9(workbook)
        # The whole board, then its voting and executive members (WRES 9 asks for all three).
        assert [r[1] for r in rows] == ["Board", "Board (voting members)", "Board (executive members)"]
        row = rows[0]
        gap = next(v for v in row if isinstance(v, float))
        assert gap == pytest.approx(2 / 15 * 100 - 2460 / 9259 * 100)  # 2 of 15 BME against 26.6%
        assert "*" not in row and "Not available" not in " ".join(map(str, row))
        assert _board_counts(workbook) == [12, 2, 1]
    internal = {row[0]: row[1] for row in internal_pack["Cover"].iter_rows(min_row=8, max_col=2, values_only=True)}
    assert internal["Protective marking"] == "OFFICIAL-SENSITIVE"
    notes = " ".join(str(c.value) for row in internal_pack["Diversity"].iter_rows(max_row=3) for c in row if c.value)
    assert "Exact counts: for the board and its committees only" in notes


def _chart_title(chart: Any) -> str:
    return "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))


def test_the_cover_says_who_what_and_how_it_is_marked(pack: Workbook, content: dict[str, Any]) -> None:
    cover = {row[0]: row[1] for row in pack["Cover"].iter_rows(min_row=8, max_col=2, values_only=True) if row[0]}
    assert cover["Organisation"] == content["organisation"]["name"]
    assert cover["Strategy"] == content["strategy"]["title"]
    assert cover["Period"].startswith("2026 to 2031")
    assert cover["Status"] == "Draft" and cover["Version"].startswith("Draft of version 2 (version 1 approved")
    assert cover["Date prepared"] == "23 November 2026"
    assert cover["Prepared by"] == "Board Secretary"
    assert cover["Protective marking"] == "OFFICIAL"


def test_contents_links_to_every_other_sheet(pack: Workbook) -> None:
    links = {c.value: c.hyperlink.location or c.hyperlink.target for c in pack["Contents"]["A"] if c.hyperlink}
    assert set(links) == set(EVERY_SHEET) - {"Cover", "Contents"}
    assert links["Live forecast"] == "'Live forecast'!A1"


def test_summary_totals_equal_the_forecast(pack: Workbook, content: dict[str, Any]) -> None:
    rows = {r[0]: r for r in pack["Summary"].iter_rows(values_only=True) if r[0]}
    totals = content["forecast"]["result"]["totals"]
    external = sum(t["external_appointments"] for t in totals)
    # Whole people, each figure rounded on its own (the sheet's footnote says totals may not add up).
    assert rows["All levels"][3] == whole(external)
    senior = rows["Senior leaders"]
    assert senior[1] == whole(next(t["start"] for t in totals if t["level"] == "senior" and t["year"] == 2027))


def test_numbers_are_numbers_with_the_pack_formats(pack: Workbook) -> None:
    ws = pack["Forecast"]
    top = int(str(ws.print_title_rows).split(":")[0].lstrip("$"))
    header = [c.value for c in ws[top]]
    external = ws.cell(row=top + 1, column=header.index("External appointments") + 1)
    assert isinstance(external.value, int) and external.number_format == "#,##0"
    shares = [c for row in pack["Summary"].iter_rows() for c in row if c.number_format == "0.0%"]
    assert shares and all(isinstance(c.value, (int, float)) for c in shares if c.value is not None)


def test_data_sheets_have_frozen_headers_filters_and_print_set_up(pack: Workbook, content: dict[str, Any]) -> None:
    for name in ("Forecast", "Structure and baseline", "Uncertainty"):
        ws = pack[name]
        assert ws.freeze_panes is not None, name
        assert ws.auto_filter.ref, name
        assert ws.print_title_rows, name
    for ws in pack.worksheets:
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert "Page &P of &N" in ws.oddFooter.right.text
        assert "OFFICIAL" in ws.oddHeader.center.text
        assert content["strategy"]["title"][:20] in ws.oddHeader.left.text
    for name in ("Cover", "Contents", "Summary", "Scope", "Assumptions and method"):
        assert pack[name].sheet_view.showGridLines is False, name
    assert pack["Forecast"].page_setup.orientation == "landscape"


def test_structure_rows_fold_by_depth(pack: Workbook, content: dict[str, Any]) -> None:
    ws = pack["Structure and baseline"]
    deep = [a for a in content["areas"] if a["depth"] > 0]
    assert deep
    levels = {ws.cell(row=r, column=2).value: ws.row_dimensions[r].outlineLevel for r in range(1, ws.max_row + 1)}
    assert all(levels[a["code"]] == a["depth"] for a in deep)


def _every_text_field(content: dict[str, Any], probe: str) -> dict[str, Any]:
    """The content with the probe written into every piece of user text that reaches the pack."""
    poisoned = copy.deepcopy(content)
    poisoned["organisation"]["name"] = probe
    for key in ("title", "vision", "mission", "values", "owner"):
        poisoned["strategy"][key] = probe
    poisoned["prepared"]["by"] = probe
    for level in poisoned["levels"]:
        level["name"] = probe + level["key"]
        level["bands"] = [probe]
    for area in poisoned["areas"]:
        area["name"] = probe
    poisoned["forecast"]["scenario"]["name"] = probe
    for scenario in poisoned["forecast"]["scenarios"]:
        scenario["name"], scenario["description"] = probe, probe
    for chars in poisoned["diversity"]["names"].values():
        chars["name"] = probe
        chars["groups"] = {k: probe for k in chars["groups"]}
    comps = poisoned["competencies"]
    for c in comps["competencies"]:
        c["name"], c["framework"], c["domain"] = probe, probe, probe
    for i in comps["interventions"]:
        i["name"] = probe
    for survey in poisoned["self_assessment"]:
        survey["name"] = probe
        for item in survey["items"]:
            item["text"] = probe
        for d in survey["dimensions"]:
            d["name"] = probe
    for o in poisoned["objectives"]["rows"]:
        o["title"], o["owner"], o["area"] = probe, probe, probe
        o["smart_reasons"] = [probe]
    for gap in poisoned["objectives"]["unowned"]:
        gap["label"] = probe
    poisoned["consultation"] = {
        "consultations": [{"title": probe, "opens_on": "2026-09-01", "closes_on": "2026-10-01", "sections": [probe],
                           "audiences": [probe], "comments": 1, "answered": 1}],
        "you_said_we_did": [{"section": probe, "audience": probe, "comment": probe, "response": probe,
                             "changed": True, "themes": [probe]}],
        "engagement": [{"held_on": "2026-09-10", "audience": probe, "format": probe, "participants": 12,
                        "summary": probe}],
        "by_section": {probe: 1}, "by_audience": {probe: 1}, "by_theme": {probe: 1},
    }
    return poisoned


@pytest.mark.parametrize("probe", PROBES)
def test_no_user_text_becomes_a_formula(content: dict[str, Any], probe: str) -> None:
    workbook = load_workbook(io.BytesIO(pack_bytes(_every_text_field(content, probe))))
    found = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and probe in cell.value:
                    found += 1
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate}"
                    if cell.value.startswith(("=", "+", "-", "@")):
                        # Excel's quote prefix: editing the cell keeps it text too.
                        assert cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    # The only formulas are the Live forecast's own, which never hold user text.
                    assert ws.title == "Live forecast", f"{ws.title}!{cell.coordinate} {cell.value}"
                    assert probe not in str(cell.value)
    assert found > 100  # the probe reached every sheet that shows text
    assert workbook["Cover"]["A4"].value == probe


def test_control_characters_are_removed_and_noted(content: dict[str, Any]) -> None:
    changed = copy.deepcopy(content)
    changed["strategy"]["vision"] = "Safe\x07 care\x00 for all"
    workbook = load_workbook(io.BytesIO(pack_bytes(changed)))
    values = [c.value for row in workbook["Scope"].iter_rows() for c in row]
    assert "Safe care for all" in values
    notes = " ".join(str(c.value) for row in workbook["Contents"].iter_rows() for c in row if c.value)
    assert "Control characters" in notes and "'Scope'!B" in notes


def test_text_longer_than_a_cell_is_kept_whole(content: dict[str, Any]) -> None:
    changed = copy.deepcopy(content)
    vision = "".join(f"Sentence {n} of a long vision. " for n in range(3000))
    assert len(vision) > CELL_LIMIT
    changed["strategy"]["vision"] = vision
    workbook = load_workbook(io.BytesIO(pack_bytes(changed)))
    scope_cell = next(c for row in workbook["Scope"].iter_rows() for c in row
                      if isinstance(c.value, str) and c.value.startswith("Sentence 0"))
    assert len(scope_cell.value) <= CELL_LIMIT and f"{LONG_TEXT_SHEET} sheet, entry 1" in scope_cell.value
    cells = [c.value for c in workbook[LONG_TEXT_SHEET]["B"]]
    start = next(i for i, v in enumerate(cells) if isinstance(v, str) and v.startswith("From 'Scope'"))
    assert "".join(v for v in cells[start + 1:] if isinstance(v, str)) == vision


def test_an_ampersand_in_the_title_does_not_break_the_print_header(content: dict[str, Any]) -> None:
    changed = copy.deepcopy(content)
    changed["strategy"]["title"] = "People & Leadership &P strategy"
    workbook = load_workbook(io.BytesIO(pack_bytes(changed)))
    assert workbook["Forecast"].oddHeader.left.text == "People && Leadership &&P strategy"


def test_a_step_download_holds_that_steps_sheets_only(content: dict[str, Any]) -> None:
    workbook = load_workbook(io.BytesIO(pack_bytes(content, sheets=("scope",))))
    assert workbook.sheetnames == ["Cover", "Contents", "Scope"]


def test_a_strategy_without_a_forecast_still_makes_a_pack(content: dict[str, Any]) -> None:
    empty = copy.deepcopy(content)
    empty["forecast"] = {"scenario": None, "spec": None, "result": None, "problems": ["There is no scenario yet."],
                         "assumptions": None, "scenarios": []}
    empty["diversity"]["targets"] = []
    workbook = load_workbook(io.BytesIO(pack_bytes(empty)))
    assert "Live forecast" not in workbook.sheetnames
    texts = " ".join(str(c.value) for c in workbook["Forecast"]["A"] if c.value)
    assert "There is no scenario yet." in texts


def test_the_pack_content_is_plain_json(content: dict[str, Any]) -> None:
    import json

    assert json.loads(json.dumps(content, allow_nan=False)) == content


def test_the_board_terms_sheets_show_the_demo_boards_forecast(pack: Workbook, content: dict[str, Any]) -> None:
    terms = content["board_terms"]
    assert len(terms["seats"]) == 15 and terms["start_year"] == 2026
    texts = [str(c.value) for row in pack["Board terms"].iter_rows() for c in row if c.value is not None]
    assert "WRES indicator 9 (voting membership)" in texts
    assert any(t.startswith("The voting membership: 2 of 13 (15.4%) are ") for t in texts)
    texts = [str(c.value) for row in pack["Board appointments due"].iter_rows() for c in row if c.value is not None]
    years = [t for t in texts if t.isdigit() and 2026 <= int(t) <= 2031]
    assert years == [str(y) for y in range(2026, 2032)]
    seats = [str(c.value) for row in pack["Board seats"].iter_rows() for c in row if c.value is not None]
    assert "Non-executive director 6" in seats and "31 January 2026" in seats
