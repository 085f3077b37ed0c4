"""The board paper: a Word document built from the board pack's content, with its charts drawn in
Chromium, and its PDF written by LibreOffice headless.

The paper is built from content alone (planner.services.board_pack.pack_content, or an approved
version's frozen content), so a version's paper is the same whatever changes later. Without
Chromium the paper is still written, with a note in place of each chart; without LibreOffice
there is no PDF, and LibreOfficeMissing says how to install it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from planner.exports import chart_files
from planner.exports.image_slots import ImagesBusy
from planner.exports.paper import paper_docx as build_docx
from planner.exports.paper_charts import PaperChart, paper_charts

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
TIMEOUT_SECONDS = 120
INSTALL = "apt-get install --no-install-recommends libreoffice-writer-nogui"


class LibreOfficeMissing(RuntimeError):
    """No LibreOffice (soffice) on PATH to write the PDF with; the message says how to install it."""

    def __init__(self) -> None:
        super().__init__(f"LibreOffice is needed to write a PDF: {INSTALL}")


class ConversionFailed(RuntimeError):
    """LibreOffice ran but wrote no PDF (or took longer than TIMEOUT_SECONDS)."""


class ChartsFailed(RuntimeError):
    """Chromium was found but could not draw the charts."""


def find_soffice() -> str | None:
    """LibreOffice's program on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def paper_docx(content: Mapping[str, Any], *, with_charts: bool = True) -> bytes:
    """The paper as .docx bytes; its charts drawn as PNG where Chromium is found (else a note for each)."""
    charts = paper_charts(content)
    return build_docx(content, chart_images(charts) if with_charts else {}, charts=charts)


def chart_images(charts: Sequence[PaperChart]) -> dict[str, bytes]:
    """Each chart drawn as PNG in Chromium, by its key; none where Chromium is not found (the paper then has a
    note for each). ChartsFailed when Chromium is found but cannot draw them; ImagesBusy passes through."""
    if not charts or chart_files.find_browser() is None:
        return {}
    try:
        drawn = chart_files.draw_images([(chart.figure, "png") for chart in charts])
    except chart_files.ChromiumMissing:
        drawn = []  # gone since it was looked for: a note for each chart
    except ImagesBusy:
        raise  # every turn to draw is taken: the caller says so (try again), not "could not draw"
    except Exception as exc:  # noqa: BLE001 - a browser that fails to draw is reported in one line
        raise ChartsFailed(f"could not draw the charts: {exc}") from exc
    return {chart.key: image for chart, image in zip(charts, drawn, strict=False)}


def docx_to_pdf(docx: bytes) -> bytes:
    """The document as PDF, by LibreOffice headless with a profile of its own in a temporary folder
    (so a LibreOffice already running is left alone); the folder is removed after."""
    program = find_soffice()
    if program is None:
        raise LibreOfficeMissing()
    with tempfile.TemporaryDirectory(prefix="planner-paper-") as folder:
        work = Path(folder)
        source = work / "paper.docx"
        source.write_bytes(docx)
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(work / "out"), str(source)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed(f"LibreOffice took longer than {TIMEOUT_SECONDS} seconds to write the PDF") from exc
        written = work / "out" / "paper.pdf"
        if not written.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise ConversionFailed("LibreOffice wrote no PDF" + (f": {detail[-1]}" if detail else ""))
        return written.read_bytes()
