"""The board pack's quick ways of building and writing a workbook change nothing in it: the demo's whole pack,
built and written the quick way, is byte for byte the pack built cell by cell through openpyxl's own calls
(each cell made by ws.cell and given its named style, notes merged by ws.merge_cells) and saved by openpyxl.
Every part of the file is compared: cells, styles, charts, validation, print set-up."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book import Book
from planner.exports.workbook import build_pack, workbook_bytes
from planner.services.board_pack import pack_content
from tests import factories


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo's pack content, published and for the board in private."""
    with factories.demo_database(tmp_path_factory.mktemp("pack-output")) as (session, strategy, organisation):
        yield {audience: pack_content(session, strategy, organisation, prepared_by="Board Secretary",
                                      today=date(2026, 11, 23), audience=audience)
               for audience in ("published", "internal")}


def parts(data: bytes) -> dict[str, bytes]:
    """Each part of an .xlsx but its properties (which hold the time it was saved)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def _plain_styled(self: Book, ws: Worksheet, row: int, column: int, name: str) -> Any:
    cell = ws.cell(row=row, column=column)
    cell.style = name
    return cell


def _plain_style(self: Book, cell: Any, name: str) -> None:
    cell.style = name


def _plain_merge(self: Book, ws: Worksheet, row: int, first: int, last: int) -> None:
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def plain_bytes(content: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The pack built through openpyxl's own calls and saved by openpyxl."""
    with monkeypatch.context() as patched:
        patched.setattr(Book, "_styled", _plain_styled)
        patched.setattr(Book, "style", _plain_style)
        patched.setattr(Book, "merge_across", _plain_merge)
        workbook = build_pack(content).workbook
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


@pytest.mark.parametrize("audience", ["published", "internal"])
def test_the_demo_pack_is_what_openpyxl_builds_and_writes(content: dict[str, Any], audience: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    quick = parts(workbook_bytes(build_pack(content[audience]).workbook))
    plain = parts(plain_bytes(content[audience], monkeypatch))
    assert quick.keys() == plain.keys()
    differing = [name for name in quick if quick[name] != plain[name]]
    assert differing == []
    assert sum(len(part) for part in quick.values()) > 1_000_000  # the whole pack: every sheet, not a stub
