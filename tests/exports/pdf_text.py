"""Reading a rendered PDF back: LibreOffice turns a workbook or document into a PDF, and pdfminer.six
measures the text on each page (sizes as printed, after any scaling to fit the page)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTPage, LTTextContainer, LTTextLine

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(path: Path, out: Path) -> Path:
    """The file as a PDF, by LibreOffice headless with a profile of its own."""
    assert SOFFICE is not None, "LibreOffice is needed: apt-get install libreoffice-calc-nogui libreoffice-writer-nogui"
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=300)
    return out / (path.stem + ".pdf")


@dataclass
class Line:
    """One line of text as printed: its words, its top edge (points from the page foot) and size."""

    text: str
    top: float
    left: float
    size: float


@dataclass
class Page:
    """One printed page: its lines, top to bottom, and the median size of its characters."""

    number: int
    lines: list[Line]

    @property
    def median_size(self) -> float:
        """The median size of the page's characters (the body text's size on any real page)."""
        sizes = [line.size for line in self.lines for _ in line.text.replace(" ", "")]
        return statistics.median(sizes) if sizes else 0.0

    @property
    def text(self) -> str:
        """The page's text, a line each, top to bottom."""
        return "\n".join(line.text for line in self.lines)

    def body(self, margin: float = 50.0) -> list[Line]:
        """The lines between the print header and footer."""
        tops = [line.top for line in self.lines]
        if not tops:
            return []
        high, low = max(tops), min(tops)
        return [line for line in self.lines if low + margin / 2 < line.top < high - margin / 2]


def _lines(layout: LTPage) -> list[Line]:
    out: list[Line] = []

    def walk(item: object) -> None:
        if isinstance(item, LTTextLine):
            chars = [c for c in item if isinstance(c, LTChar)]
            text = item.get_text().strip()
            if chars and text:
                out.append(Line(text, round(item.y1, 1), round(item.x0, 1), statistics.median(c.size for c in chars)))
        elif isinstance(item, LTTextContainer) or hasattr(item, "__iter__"):
            for child in item:  # type: ignore[attr-defined]
                walk(child)

    walk(layout)
    out.sort(key=lambda line: (-line.top, line.left))
    return out


def pages(pdf: Path) -> list[Page]:
    """Every page of the PDF with its lines of text."""
    return [Page(number, _lines(layout)) for number, layout in enumerate(extract_pages(str(pdf)), start=1)]
