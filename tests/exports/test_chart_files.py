"""Chart files for board papers: a print-resolution PNG and an SVG drawn by kaleido in Debian's
Chromium (one browser for the module), a self-contained HTML page, safe file names, and a clear
message when there is no Chromium. Without Chromium the drawing tests are skipped locally and
fail under CI=true, like the browser tests."""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

import plotly.graph_objects as go
import pytest
from defusedxml import ElementTree

from planner.exports import chart_files
from planner.exports.chart_files import ChromiumMissing
from tests.helpers import WEB_AND_DATABASE, loaded_by

SVG = "{http://www.w3.org/2000/svg}"


def _figure() -> go.Figure:
    fig = go.Figure(go.Bar(x=["Board", "Senior leaders"], y=[3, 12], name="External appointments"))
    fig.update_layout(title={"text": "Appointments needed", "x": 0}, height=440)
    return fig


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    out, at = [], len(chart_files.PNG_SIGNATURE)
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, data, (crc,) = png[at + 4:at + 8], png[at + 8:at + 8 + length], struct.unpack(
            ">I", png[at + 8 + length:at + 12 + length])
        assert zlib.crc32(kind + data) == crc, kind
        out.append((kind, data))
        at += 12 + length
    return out


@pytest.fixture(scope="module")
def drawn() -> dict[str, bytes]:
    """The figure as PNG and SVG, drawn in one Chromium session."""
    if chart_files.find_browser() is None:
        message = "Chromium not found: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    png, svg = chart_files.draw_images([(_figure(), "png"), (_figure(), "svg")])
    return {"png": png, "svg": svg}


def test_the_png_is_print_resolution_and_says_300_dpi(drawn: dict[str, bytes]) -> None:
    png = drawn["png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    chunks = _chunks(png)
    assert chunks[0][0] == b"IHDR" and chunks[1][0] == b"pHYs" and chunks[-1][0] == b"IEND"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert (width, height) == (2000, 1100)  # 800 x 440 CSS pixels at 2.5: 169 mm across at 300 dpi
    assert struct.unpack(">IIB", chunks[1][1]) == (11811, 11811, 1)  # pixels per metre = 300 dpi


def test_the_svg_parses_with_an_svg_root_holding_the_figure(drawn: dict[str, bytes]) -> None:
    root = ElementTree.fromstring(drawn["svg"])
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == ("800", "440")
    text = " ".join(t for t in root.itertext())
    assert "Appointments needed" in text and "Senior leaders" in text


def test_the_html_is_self_contained_and_holds_the_figure() -> None:
    page = chart_files.html_document(_figure(), "Appointments needed (Baseline scenario)")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in page
    assert "<title>Appointments needed (Baseline scenario)</title>" in page
    assert "External appointments" in page and "Senior leaders" in page  # the figure's data
    assert "plotly.js v" in page  # plotly.js itself, inlined
    assert not re.search(r"<script[^>]*\ssrc=", page, re.I)  # nothing loaded from outside
    assert not re.search(r"<link[^>]*\shref=[\"']?https?:", page, re.I)
    assert '"displaylogo": false' in page
    # No control offers to send the figures to Plotly's cloud (staff data never leaves the trust).
    assert '"showSendToCloud": false' in page and '"sendDataToCloud"' in page.split('"modeBarButtonsToRemove"')[1][:80]


@pytest.mark.parametrize(("text", "expected"), [
    ("forecast-demand", "forecast-demand"),
    ("Black, Asian & minority ethnic (BME) share", "black-asian-minority-ethnic-bme-share"),
    ("Équipe d'été", "equipe-d-ete"),
    ("../../etc/passwd", "etc-passwd"),
    ("C:\\Windows\\system32", "c-windows-system32"),
    ("", "chart"),
    ("———", "chart"),
    ("x" * 200, "x" * 80),
])
def test_file_names_are_safe_slugs(text: str, expected: str) -> None:
    assert chart_files.slug(text) == expected


def test_the_dpi_chunk_replaces_one_already_there() -> None:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (chart_files.PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"pHYs", struct.pack(">IIB", 3780, 3780, 1))
           + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))
    kinds = [(k, d) for k, d in _chunks(chart_files.with_dpi(png))]
    assert [k for k, _ in kinds] == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]
    assert struct.unpack(">IIB", kinds[1][1]) == (11811, 11811, 1)
    with pytest.raises(ValueError):
        chart_files.with_dpi(b"GIF89a")


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Chromium anywhere the finder looks; kaleido must not be started."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("BROWSER_PATH", raising=False)

    def never(*_args: object) -> list[bytes]:
        raise AssertionError("kaleido was started without a browser")

    from planner.exports import warm_browser

    monkeypatch.setattr(warm_browser.WarmBrowser, "draw", never)


@pytest.mark.usefixtures("no_browser")
def test_without_chromium_a_clear_message_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(ChromiumMissing) as caught:
        chart_files.write_figures({"appointments": ("Appointments", _figure())}, tmp_path / "out")
    message = str(caught.value)
    assert "apt-get install chromium" in message and "BROWSER_PATH" in message
    assert not (tmp_path / "out").exists()  # nothing half-written
    # The interactive HTML needs no browser.
    written = chart_files.write_figures({"appointments": ("Appointments", _figure())}, tmp_path / "out", ["html"])
    assert [p.name for p in written] == ["appointments.html"]
    assert b"External appointments" in chart_files.figure_bytes(_figure(), "html", "Appointments")


@pytest.mark.usefixtures("no_browser")
def test_a_browser_path_that_is_not_a_program_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chrome"))
    with pytest.raises(ChromiumMissing, match=r"BROWSER_PATH=.*chrome.* is not a program"):
        chart_files.figure_bytes(_figure(), "png", "Appointments")


def test_a_browser_on_path_or_in_browser_path_is_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    program = tmp_path / "chromium"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert chart_files.find_browser() == str(program)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("BROWSER_PATH", str(program))
    assert chart_files.require_browser() == str(program)


def test_an_unknown_format_is_refused_before_drawing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pdf"):
        chart_files.write_figures({"a": ("A", _figure())}, tmp_path, ["pdf"])
    with pytest.raises(ValueError, match="html"):
        chart_files.draw_images([(_figure(), "html")])


def test_chart_files_needs_neither_flask_nor_a_database() -> None:
    assert loaded_by("import planner.exports.chart_files", (*WEB_AND_DATABASE, "kaleido")) == []  # kaleido: to draw
