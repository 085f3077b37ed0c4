"""The board pack as a board secretary prints it: the demo's pack rendered to PDF by LibreOffice,
read back page by page. Text is readable, each continued table repeats its own header, no heading
is stranded at a page foot, and the forecast's printed rows add up."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from planner.exports.book import SMALLEST_SCALE, print_scale
from planner.exports.workbook import pack_bytes
from planner.services.board_pack import pack_content
from tests import factories
from tests.exports.pdf_text import SOFFICE, Page, pages, to_pdf

SMALLEST_PRINTED_POINTS = 8.0
# CI installs LibreOffice (.ci/run), so there a missing one is a failure, not a skip. The PDF does not
# depend on the database, so the PostgreSQL run of the suite leaves it to the SQLite run.
needs_libreoffice = pytest.mark.skipif(
    (SOFFICE is None and not os.environ.get("CI")) or bool(os.environ.get("PLANNER_TEST_DATABASE_URL")),
    reason="LibreOffice is not installed (.ci/run installs it), or this is the PostgreSQL run")


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo's pack content, from a database of this module's own."""
    with factories.demo_database(tmp_path_factory.mktemp("print")) as (session, strategy, organisation):
        yield pack_content(session, strategy, organisation, prepared_by="Board Secretary", today=date(2026, 12, 1))


@pytest.fixture(scope="module")
def pack_file(content: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pack") / "pack.xlsx"
    path.write_bytes(pack_bytes(content))
    return path


@pytest.fixture(scope="module")
def workbook(pack_file: Path) -> Workbook:
    return load_workbook(pack_file)


@pytest.fixture(scope="module")
def printed(pack_file: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Page]]:
    """Each printed page with the sheet it belongs to (read from the footer, which names it)."""
    pdf = to_pdf(pack_file, tmp_path_factory.mktemp("pdf"))
    out = []
    for page in pages(pdf):
        footer = [line for line in page.lines if line.top < 45]
        sheet = min(footer, key=lambda line: line.left).text if footer else ""
        out.append((sheet, page))
    return out


def test_every_sheet_fits_the_page_width_at_a_readable_scale(workbook: Workbook) -> None:
    for ws in workbook.worksheets:
        assert print_scale(ws) >= SMALLEST_SCALE, (ws.title, round(print_scale(ws), 2))


def test_no_chart_sits_beside_a_table(workbook: Workbook) -> None:
    for ws in workbook.worksheets:
        for chart in ws._charts:  # noqa: SLF001
            assert chart.anchor._from.col == 0, (ws.title, chart.anchor._from.col)  # noqa: SLF001


def test_the_forecast_sheet_adds_up_along_every_printed_row(workbook: Workbook, content: dict[str, Any]) -> None:
    ws = workbook["Forecast"]
    header = int(str(ws.print_title_rows).split(":")[0].lstrip("$"))
    headings = [ws.cell(row=header, column=c).value for c in range(1, ws.max_column + 1)]
    col = {name: headings.index(name) + 1 for name in headings if name}
    unrounded = {(t["level"], t["year"]): t for t in content["forecast"]["result"]["totals"]}
    names = {lv["name"]: lv["key"] for lv in content["levels"]}
    checked = 0
    for r in range(header + 1, ws.max_row + 1):
        if not isinstance(ws.cell(row=r, column=col["Year"]).value, int):
            continue
        v = {name: ws.cell(row=r, column=c).value for name, c in col.items()}
        assert all(isinstance(v[k], int) for k in col if k not in ("Level", "Year")), v
        assert v["In post at start"] - v["Leavers"] - v["Promoted out"] == v["In post without recruitment"], v
        assert (v["In post without recruitment"] + v["Internal fills"] + v["External appointments"]
                == v["In post at end"]), v
        assert v["Posts needed (demand)"] - v["In post without recruitment"] == v["Shortfall without recruitment"], v
        exact = unrounded[(names[v["Level"]], v["Year"])]
        assert abs(v["External appointments"] - exact["external_appointments"]) <= 1
        assert abs(v["In post at end"] - exact["end"]) <= 1
        checked += 1
    assert checked == len(unrounded)


@needs_libreoffice
def test_no_printed_page_has_text_smaller_than_8_points(printed: list[tuple[str, Page]]) -> None:
    small = [(sheet, page.number, round(page.median_size, 1)) for sheet, page in printed
             if len(page.text) > 40 and page.median_size < SMALLEST_PRINTED_POINTS]
    assert not small, small


@needs_libreoffice
def test_each_continued_table_repeats_its_own_header(workbook: Workbook, printed: list[tuple[str, Page]]) -> None:
    checked = 0
    for ws in workbook.worksheets:
        if not ws.print_title_rows:
            continue
        header = int(str(ws.print_title_rows).split(":")[0].lstrip("$"))
        first_heading = str(ws.cell(row=header, column=1).value).split()[0]
        sheet_pages = [page for sheet, page in printed if sheet == ws.title]
        # Short tables before the long one may start pages of their own; the header repeats from the
        # page after the one where the long table starts.
        starts = next((i for i, page in enumerate(sheet_pages) if first_heading in page.text), 0)
        for page in sheet_pages[starts + 1:]:
            top_lines = " ".join(line.text for line in page.body()[:12])
            assert first_heading in top_lines, (ws.title, page.number, top_lines[:120])
            checked += 1
    assert checked >= 5  # the demo has several tables longer than a page


@needs_libreoffice
def test_no_heading_is_stranded_at_the_foot_of_a_page(workbook: Workbook, printed: list[tuple[str, Page]]) -> None:
    headings = {str(cell.value) for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
                if cell.value and cell.style in ("Pack heading", "Pack title")}
    stranded = []
    for sheet, page in printed:
        body = page.body()
        if body and body[-1].text in headings and body[-1].text not in ("OFFICIAL", "OFFICIAL-SENSITIVE"):
            stranded.append((sheet, page.number, body[-1].text))
    assert not stranded, stranded


@needs_libreoffice
def test_every_sheet_prints_and_no_page_is_blank(workbook: Workbook, printed: list[tuple[str, Page]]) -> None:
    assert {sheet for sheet, _page in printed} >= set(workbook.sheetnames)
    assert all(len(page.text) > 40 for _sheet, page in printed)


def test_the_pack_is_read_the_same_after_saving(pack_file: Path) -> None:
    # The file opens in a reader without repair prompts: openpyxl reads back every sheet.
    assert load_workbook(io.BytesIO(pack_file.read_bytes())).sheetnames
