"""`planner board-paper --strategy ID [--scenario NAME] -o PAPER.docx|PAPER.pdf [--prepared-by NAME]`:
the demo's paper with its charts drawn in Chromium (each with alt text), and its PDF through
LibreOffice read back with pdfminer.six; a bad file name, strategy, scenario or a missing
LibreOffice exits 2 with one line and writes nothing."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document
from docx.oxml.ns import qn
from pdfminer.high_level import extract_text
from sqlmodel import Session

from planner.cli import main
from planner.db import engine_for
from planner.exports import chart_files
from planner.models import Strategy
from planner.services import board_paper
from tests.factories import FAST_HASH
from tests.helpers import demo_strategy


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a new SQLite database with the demo loaded through the command line."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('board-paper') / 'demo.db'}",
           "PLANNER_PASSWORD_HASH_METHOD": FAST_HASH}
    for command in (["init-db"], ["demo"]):
        done = CliRunner().invoke(main, command, env=env)
        assert done.exit_code == 0, done.output
    return env


@pytest.fixture(scope="module")
def strategy(demo_env: dict[str, str]) -> Strategy:
    with Session(engine_for(demo_env["DATABASE_URL"]), expire_on_commit=False) as session:
        return demo_strategy(session)  # type: ignore[no-any-return]


def invoke(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, ["board-paper", *args], env=env)


def _needs(found: object, what: str) -> None:
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} not found (.ci/run installs it)")
        pytest.skip(f"{what} not found")


def test_the_demos_paper_has_its_charts_with_alt_text_and_its_pdf_reads_back(
        demo_env: dict[str, str], strategy: Strategy, tmp_path: Path) -> None:
    _needs(chart_files.find_browser(), "Chromium (apt-get install chromium)")
    _needs(board_paper.find_soffice(), "LibreOffice (apt-get install --no-install-recommends libreoffice-writer-nogui)")
    docx_path = tmp_path / "paper.docx"
    result = invoke(demo_env, "--strategy", str(strategy.id), "-o", str(docx_path), "--prepared-by", "Board Secretary")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(docx_path)
    document = Document(io.BytesIO(docx_path.read_bytes()))
    assert len(document.inline_shapes) >= 4
    for shape in document.inline_shapes:
        properties = shape._inline.find(qn("wp:docPr"))  # noqa: SLF001
        assert properties.get("descr") and properties.get("title", "").startswith("Figure ")
        assert abs(shape.width.cm - 16.0) < 0.05
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("Figure ")]
    assert len(captions) == len(document.inline_shapes)
    recommendation = next(row.cells[1].text for row in document.tables[0].rows
                          if row.cells[0].text == "Recommendation")

    pdf_path = tmp_path / "paper.pdf"
    result = invoke(demo_env, "--strategy", str(strategy.id), "-o", str(pdf_path), "--scenario", "baseline")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = "".join(extract_text(str(pdf_path)).split())  # lines wrap anywhere: compare without spaces
    assert "".join(strategy.title.split()) in text
    assert "".join(recommendation.split()) in text
    assert "OFFICIAL" in text and "Page1of" in text
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "{tmp}/paper.txt"], "give a file name ending .docx or .pdf"),
    (["-o", "{tmp}/missing/paper.docx"], "does not exist"),
    (["--scenario", "nowhere", "-o", "{tmp}/paper.docx"], "no scenario called 'nowhere'"),
])
def test_bad_requests_exit_2_in_one_line(demo_env: dict[str, str], strategy: Strategy, tmp_path: Path,
                                         args: list[str], message: str) -> None:
    result = invoke(demo_env, "--strategy", str(strategy.id), *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_a_missing_strategy_exits_2(demo_env: dict[str, str], tmp_path: Path) -> None:
    result = invoke(demo_env, "--strategy", "999", "-o", str(tmp_path / "paper.docx"))
    assert result.exit_code == 2 and "there is no strategy with id 999" in result.stderr


def test_a_pdf_without_libreoffice_says_how_to_install_it(demo_env: dict[str, str], strategy: Strategy,
                                                           tmp_path: Path) -> None:
    result = invoke({**demo_env, "PATH": str(tmp_path)}, "--strategy", str(strategy.id), "-o",
                    str(tmp_path / "paper.pdf"))
    assert result.exit_code == 2
    assert result.stderr.strip() == ("planner: error: LibreOffice is needed to write a PDF: apt-get install "
                                     "--no-install-recommends libreoffice-writer-nogui")
    assert not (tmp_path / "paper.pdf").exists()
