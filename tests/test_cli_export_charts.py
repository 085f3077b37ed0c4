"""`planner export-charts --strategy ID [--scenario NAME] -o DIR [--format png,svg,html]`: every chart
of the demo strategy's pages as files for board papers, each file printed; a missing strategy,
scenario or Chromium exits 2 with one line and no traceback."""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from defusedxml import ElementTree
from sqlmodel import Session

from planner.cli import main
from planner.db import engine_for
from planner.exports import chart_files
from tests.factories import FAST_HASH
from tests.helpers import demo_strategy

KINDS = ["forecast-demand", "forecast-appointments", "forecast-bands", "forecast-scenarios", "diversity-target-",
         "competency-gaps", "survey-", "objectives"]


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a new SQLite database with the demo loaded through the command line."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('export-charts') / 'demo.db'}",
           "PLANNER_PASSWORD_HASH_METHOD": FAST_HASH}
    for command in (["init-db"], ["demo"]):
        done = CliRunner().invoke(main, command, env=env)
        assert done.exit_code == 0, done.output
    return env


@pytest.fixture(scope="module")
def strategy_id(demo_env: dict[str, str]) -> int:
    with Session(engine_for(demo_env["DATABASE_URL"])) as session:
        return demo_strategy(session).id  # type: ignore[no-any-return]


def invoke(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, ["export-charts", *args], env=env)


def test_every_chart_of_the_demo_is_written_as_png_svg_and_html(demo_env: dict[str, str], strategy_id: int,
                                                                 tmp_path: Path) -> None:
    if chart_files.find_browser() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium not found: apt-get install chromium")
        pytest.skip("Chromium not found: apt-get install chromium")
    out = tmp_path / "papers" / "charts"  # made, parents too
    # The demo's targets start from withheld counts: their charts are drawn for an internal audience only.
    result = invoke(demo_env, "--strategy", str(strategy_id), "-o", str(out), "--audience", "internal")
    assert result.exit_code == 0, result.output
    printed = result.stdout.splitlines()
    assert printed == [str(p) for p in sorted(out.iterdir(), key=lambda p: printed.index(str(p)))]
    names = {Path(p).stem for p in printed}
    assert all(any(n.startswith(kind) for n in names) for kind in KINDS), names
    assert all(re.fullmatch(r"[a-z0-9-]+", n) for n in names)
    assert len(printed) == 3 * len(names) and f"Wrote {len(printed)} files of {len(names)} charts" in result.stderr
    for name in names:
        png = (out / f"{name}.png").read_bytes()
        assert png.startswith(chart_files.PNG_SIGNATURE) and struct.unpack(">I", png[16:20])[0] == 2000
        assert ElementTree.fromstring((out / f"{name}.svg").read_bytes()).tag == "{http://www.w3.org/2000/svg}svg"
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        assert '<html lang="en-GB">' in page and not re.search(r"<script[^>]*\ssrc=", page)
    assert "Leaders needed against leaders in post (Baseline scenario)" in (out / "forecast-demand.html").read_text(
        encoding="utf-8")


def test_html_alone_needs_no_browser_and_follows_the_scenario(demo_env: dict[str, str], strategy_id: int,
                                                               tmp_path: Path) -> None:
    env = {**demo_env, "PATH": str(tmp_path), "BROWSER_PATH": ""}
    result = invoke(env, "--strategy", str(strategy_id), "--scenario", "growth", "-o", str(tmp_path / "out"),
                    "--format", "html")
    assert result.exit_code == 0, result.output
    assert all(line.endswith(".html") for line in result.stdout.splitlines())
    assert "(Growth scenario)" in (tmp_path / "out" / "forecast-demand.html").read_text(encoding="utf-8")
    assert not list((tmp_path / "out").glob("diversity-target-*"))  # published: the demo's targets start withheld
    result = invoke(env, "--strategy", str(strategy_id), "-o", str(tmp_path / "exact"), "--format", "html",
                    "--audience", "internal")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "exact").glob("diversity-target-*.html"))) == 3


@pytest.mark.parametrize(("args", "message"), [
    (["--strategy", "999", "-o", "{out}"], "there is no strategy with id 999"),
    (["--strategy", "{id}", "--scenario", "Nope", "-o", "{out}"], "has no scenario called 'Nope' (it has: Baseline"),
    (["--strategy", "{id}", "-o", "{out}", "--format", "png,pdf"], "--format 'png,pdf': choose from png, svg, html"),
    (["--strategy", "{id}", "-o", "{out}", "--format", "svg"], "apt-get install chromium"),
])
def test_problems_exit_2_with_one_line_and_nothing_written(demo_env: dict[str, str], strategy_id: int, tmp_path: Path,
                                                           args: list[str], message: str) -> None:
    out = tmp_path / "out"
    env = {**demo_env, "PATH": str(tmp_path), "BROWSER_PATH": ""}  # no Chromium anywhere
    result = invoke(env, *(a.format(out=out, id=strategy_id) for a in args))
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not out.exists()
