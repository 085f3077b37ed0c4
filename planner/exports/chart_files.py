"""Chart files for board papers: a plotly Figure as a print-resolution PNG, an SVG and a
self-contained interactive HTML page. Pure: it takes Figures and writes bytes, never a session.

PNG and SVG are drawn by kaleido in a headless Chromium found on PATH or through BROWSER_PATH;
kaleido's own Chrome download is never used (the servers have no internet). The HTML needs no
browser: plotly.js is written into the file, so it opens offline and loads nothing from outside.

Print resolution: a chart is laid out 800 CSS pixels wide, the width the pages give it on a
laptop, so titles, legends and text wrap as on screen, and drawn at 2.5 device pixels per CSS
pixel. That makes a PNG 2,000 pixels wide: 300 dpi across 169 mm, the text width of an A4 page
with 20 mm margins, which is where a chart goes in a board paper. The PNG says 300 dpi (its pHYs
chunk), so word processors place it at that size. Text of 14 pixels prints at about 8 points."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from planner.exports import warm_browser
from planner.exports.image_slots import ImageSlots

FORMATS = ("png", "svg", "html")
IMAGE_FORMATS = ("png", "svg")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "html": "text/html"}  # HTML is UTF-8
PRINT_WIDTH_PX = 800  # CSS pixels across, as on a laptop's page
PRINT_SCALE = 2.5  # device pixels per CSS pixel: 2,000 pixels across
PRINT_DPI = 300  # 2,000 pixels at 300 dpi are 169 mm, an A4 text width
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# An interactive file keeps plotly's zoom and save-as-image buttons, but nothing that offers to send the
# figures to Plotly's cloud (staff data never leaves the trust) and no plotly logo.
HTML_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False,
               "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio"]}


class ChromiumMissing(RuntimeError):
    """No Chromium (or Chrome) to draw PNG and SVG files with; the message says how to install it."""

    def __init__(self, detail: str = "no Chromium or Chrome was found on PATH") -> None:
        super().__init__(
            f"Chart images (PNG and SVG) need Chromium, and {detail}. Install it with "
            "'apt-get install chromium' (as root) on Debian or Ubuntu, or set BROWSER_PATH to a Chrome or "
            "Chromium program. Interactive HTML files need no browser."
        )


def find_browser() -> str | None:
    """The Chromium to draw with: BROWSER_PATH if set, else the first Chromium or Chrome on PATH."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return chosen if os.path.isfile(chosen) and os.access(chosen, os.X_OK) else None
    return next((found for name in BROWSER_NAMES if (found := shutil.which(name))), None)


def require_browser() -> str:
    """The browser's path, or ChromiumMissing (raised before kaleido is started)."""
    found = find_browser()
    if found is None:
        chosen = os.environ.get("BROWSER_PATH")
        raise ChromiumMissing(f"BROWSER_PATH={chosen!r} is not a program" if chosen else
                              "no Chromium or Chrome was found on PATH")
    return found


def slug(text: str, fallback: str = "chart") -> str:
    """A safe file name part: lower-case ASCII letters, digits and single hyphens, at most 80."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:80].strip("-")
    return words or fallback


def html_document(fig: go.Figure, title: str) -> str:
    """The figure as a self-contained interactive page: plotly.js inlined, nothing loaded from outside;
    the same figure always gives the same bytes."""
    height = fig.layout.height or 500
    chart = fig.to_html(full_html=False, include_plotlyjs=True, include_mathjax=False, div_id="chart",
                        config={**HTML_CONFIG, "toImageButtonOptions": {"filename": slug(title), "scale": 2}},
                        default_width="100%", default_height=f"{height}px")
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body { margin: 0 auto; max-width: 1100px; padding: 16px; background: #fff; color: #212b32;"
        " font-family: Arial, sans-serif; }</style>\n</head>\n<body>\n"
        f'<main><figure style="margin: 0" aria-label="{html.escape(title)}">\n{chart}\n</figure>\n'
        "<noscript><p>This interactive chart needs JavaScript. The PNG and SVG files show the same chart."
        "</p></noscript></main>\n</body>\n</html>\n"
    )


def with_dpi(png: bytes, dpi: int = PRINT_DPI) -> bytes:
    """The PNG with a pHYs chunk saying `dpi` (replacing any), right after the header chunk."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    ours = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    out, at = [PNG_SIGNATURE], len(PNG_SIGNATURE)
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, end = png[at + 4:at + 8], at + 12 + length
        if kind != b"pHYs":
            out.append(png[at:end])
        if kind == b"IHDR":
            out.append(ours)
        at = end
    return b"".join(out)


def _options(fig: go.Figure, fmt: str) -> dict[str, Any]:
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"{fmt!r} is not an image format ({', '.join(IMAGE_FORMATS)})")
    return {"format": fmt, "width": PRINT_WIDTH_PX, "height": fig.layout.height or 500,
            "scale": PRINT_SCALE if fmt == "png" else 1}


def _printable(fig: go.Figure) -> go.Figure:
    """A copy whose title stands clear of the image's edge (on a page the container gives it room)."""
    printed = go.Figure(fig)
    printed.update_layout(title={"pad": {"l": 16}})
    return printed


_KEEP_WARM = False
_TURNS: ImageSlots | None = None


def keep_browser_warm(on: bool = True) -> None:
    """Draw images in one Chromium kept open between calls (planner.exports.warm_browser): for a web
    process, where each download would otherwise wait seconds for a browser to start."""
    global _KEEP_WARM
    _KEEP_WARM = on


def bound_image_drawing(turns: ImageSlots | None) -> None:
    """Draw images only in one of these turns (planner.exports.image_slots), shared by the web workers on
    a server, so a burst of downloads cannot tie them all up; None draws without waiting for a turn."""
    global _TURNS
    _TURNS = turns


@contextmanager
def image_turn() -> Iterator[None]:
    """A turn of the bounded pool (none needed without one) for work that ends in drawing images, taken
    before the work so a refusal costs nothing; draw_images inside it takes no second turn."""
    with _TURNS.turn() if _TURNS is not None else nullcontext():
        yield


def draw_images(jobs: Sequence[tuple[go.Figure, str]], progress: Callable[[int], None] | None = None) -> list[bytes]:
    """Each (figure, "png" or "svg") drawn in one Chromium session (the warm one, where kept), in a turn
    of the bounded pool where there is one; a bad format (ValueError) or ChromiumMissing before any
    browser starts, ImagesBusy when no turn comes free in time."""
    for fig, fmt in jobs:
        _options(fig, fmt)  # refuse a bad format before starting a browser
    browser = require_browser()
    if not jobs:
        return []
    with image_turn():
        # One browser for every image: the process's warm one where kept, else one of its own, closed after.
        drawer = warm_browser.shared() if _KEEP_WARM else warm_browser.WarmBrowser()
        try:
            if progress is None:
                drawn = drawer.draw([(fig, _options(fig, fmt)) for fig, fmt in jobs], browser, _printable)
            else:
                drawn = []
                for fig, fmt in jobs:
                    drawn.extend(drawer.draw([(fig, _options(fig, fmt))], browser, _printable))
                    progress(len(drawn))
        finally:
            if not _KEEP_WARM:
                drawer.close()
    return [with_dpi(data) if fmt == "png" else data for data, (_fig, fmt) in zip(drawn, jobs, strict=True)]


def figure_bytes(fig: go.Figure, fmt: str, title: str) -> bytes:
    """One figure as PNG, SVG (drawn in Chromium) or HTML (no browser needed)."""
    if fmt == "html":
        return html_document(fig, title).encode("utf-8")
    return draw_images([(fig, fmt)])[0]


def image_count(figures: Mapping[str, tuple[str, go.Figure]], formats: Sequence[str] = FORMATS) -> int:
    """How many images `figure_files` draws for these figures and formats (HTML files are not drawn)."""
    return len(figures) * sum(1 for fmt in formats if fmt in IMAGE_FORMATS)


def figure_files(figures: Mapping[str, tuple[str, go.Figure]], formats: Sequence[str] = FORMATS,
                 progress: Callable[[int], None] | None = None) -> list[tuple[str, bytes]]:
    """Each figure (file name -> (title, figure)) in each format as (file name, bytes), every image drawn
    in one Chromium session; `progress(n)` after each image drawn. ValueError for an unknown format."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
    jobs = [(name, fig, fmt) for name, (_title, fig) in figures.items() for fmt in formats if fmt in IMAGE_FORMATS]
    images = draw_images([(fig, fmt) for _name, fig, fmt in jobs], progress) if jobs else []
    drawn = {(name, fmt): data for (name, _fig, fmt), data in zip(jobs, images, strict=True)}
    return [(f"{slug(name)}.{fmt}", drawn[(name, fmt)] if fmt in IMAGE_FORMATS
             else html_document(fig, title).encode("utf-8"))
            for name, (title, fig) in figures.items() for fmt in formats]


def write_figures(figures: Mapping[str, tuple[str, go.Figure]], directory: Path,
                  formats: Sequence[str] = FORMATS, progress: Callable[[int], None] | None = None) -> list[Path]:
    """Write each figure in each format into `directory` (figure_files); returns the paths written.
    Nothing is written when images are asked for and no browser is found."""
    files = figure_files(figures, formats, progress)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, data in files:
        path = directory / name
        path.write_bytes(data)
        written.append(path)
    return written


def zipped(files: Sequence[tuple[str, bytes]]) -> bytes:
    """The files in one .zip archive (PNG is already compressed, so stored as it is)."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name, data in files:
            archive.writestr(name, data, zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED)
    return stream.getvalue()
