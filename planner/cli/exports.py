"""The commands that write files for the board: the board pack (Excel), the board paper (Word or PDF) and the
charts (PNG, SVG and HTML)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from planner.cli.common import db_session, end_progress, fail, progress_bar, refusals, write_whole
from planner.diversity.disclosure import Audience, audience_for_part, check_audience
from planner.exports import chart_files
from planner.exports.content import PackContent
from planner.exports.steps import STEP_SHEETS
from planner.exports.system_book import system_pack_bytes
from planner.exports.workbook import pack_bytes
from planner.models import Scenario, Strategy
from planner.services import board_paper, system_pack
from planner.services.board_cover import cover_content
from planner.services.board_pack import pack_content
from planner.services.chart_set import strategy_figures
from planner.services.lookup import Session, organisation_of, strategy_by_id
from planner.services.scenarios import scenario_by_name

AUDIENCE_HELP = ("Who it is for: internal (exact diversity counts, marked OFFICIAL-SENSITIVE: the board and its "
                 "committees in private) or published (small counts withheld). Default: from the cover "
                 "sheet's part (Part 2: internal; Part 1: published).")


def pack_audience(session: Session, strategy: Strategy, audience: str | None) -> Audience:
    """The audience asked for, else the cover sheet's: Part 2 (in private) internal, Part 1 published."""
    if audience:
        return check_audience(audience)
    return audience_for_part(cover_content(session, strategy, prepared_by="").get("part"))


def _strategy_and_scenario(session: Session, strategy_id: int,
                           scenario_name: str | None) -> tuple[Strategy, Scenario | None]:
    """The strategy named on the command line and its scenario by name (None: the strategy's first); exit 2
    when either is missing."""
    with refusals():
        strategy = strategy_by_id(session, strategy_id)
        if scenario_name is not None:
            return scenario_by_name(session, strategy_id, scenario_name)
    return strategy, None


def _board_content(strategy_id: int, scenario_name: str | None, prepared_by: str,
                   audience: str | None) -> PackContent:
    """The pack's content for a stored strategy and scenario (by name), for the pack and the paper;
    a missing strategy or scenario ends the command with status 2."""
    with db_session() as session:
        strategy, scenario = _strategy_and_scenario(session, strategy_id, scenario_name or None)
        return pack_content(session, strategy, organisation_of(session, strategy), scenario=scenario,
                            prepared_by=prepared_by, today=date.today(),
                            audience=pack_audience(session, strategy, audience))


def _which(strategy_id: int | None, system_slug: str | None, trust_only: dict[str, object]) -> None:
    """Exactly one of --strategy and --system; a trust's options refused for a system (exit 2)."""
    if (strategy_id is None) == (system_slug is None):
        fail("give either --strategy ID (a trust's strategy) or --system SLUG (an integrated care system), "
             "not both" if strategy_id is not None else "give --strategy ID (a trust's strategy) or --system SLUG "
             "(an integrated care system)", code=2)
    given = [name for name, value in trust_only.items() if value]
    if system_slug is not None and given:
        fail(f"{', '.join(given)}: only for a trust's strategy; a system's pack shows the scenario each member "
             "shared, with small counts withheld as for publication", code=2)


def _system_content(slug: str, prepared_by: str, purpose: str) -> dict[str, Any]:
    """The system pack's content; each member's shared version read is written to its audit trail with
    `purpose`. An unknown slug, a trust's, or a system nobody shares with ends the command with status 2."""
    with db_session() as session, refusals():
        system = system_pack.system_named(session, slug)
        return system_pack.gather(session, system, actor=None, today=date.today(), prepared_by=prepared_by,
                                  purpose=purpose)


def _check_target(output: str, suffixes: tuple[str, ...], what: str) -> Path:
    """The file to write, when its name ends as `what` needs and its folder exists (exit 2 otherwise)."""
    target = Path(output)
    if target.suffix.lower() not in suffixes:
        fail(f"{output}: {what}", code=2)
    if not target.parent.is_dir():
        fail(f"{output}: the folder {target.parent} does not exist", code=2)
    return target


@click.command("export")
@click.option("--strategy", "strategy_id", type=int, help="The strategy to export.")
@click.option("--system", "system_slug", help="Instead of a strategy: the system pack of this integrated care system "
                                               "(its members' shared versions).")
@click.option("--scenario", "scenario_name", help="The scenario the forecast sheets show (default: the first).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
@click.option("--step", type=click.Choice(sorted(STEP_SHEETS)), help="Only this step's sheets.")
@click.option("--prepared-by", default="",
              help="The name on the cover as 'Prepared by' (default: the cover sheet's author, if any).")
@click.option("--audience", type=click.Choice(["internal", "published"]), help=AUDIENCE_HELP)
def export_command(strategy_id: int | None, system_slug: str | None, scenario_name: str | None, output: str,
                   step: str | None, prepared_by: str, audience: str | None) -> None:
    """Write the board pack: an Excel workbook of every step, with charts and a live forecast sheet; or, with
    --system, the system pack of an integrated care system."""
    _which(strategy_id, system_slug, {"--scenario": scenario_name, "--step": step, "--audience": audience})
    target = _check_target(output, (".xlsx",),
                           "the board pack is an Excel workbook, so give a file name ending .xlsx")
    if strategy_id is None:  # --system (_which made sure of one or the other)
        system = _system_content(str(system_slug), prepared_by, "system pack")
        data = system_pack_bytes(system)
        write_whole(target, data)
        click.echo(f"Wrote {output} ({len(data) / 1024:,.0f} KB; the system pack of {system['system']['name']}, "
                   f"marked {system['prepared']['marking']}).")
        return
    content = _board_content(strategy_id, scenario_name, prepared_by, audience)
    data = pack_bytes(content, sheets=STEP_SHEETS[step] if step else None)
    write_whole(target, data)
    click.echo(f"Wrote {output} ({len(data) / 1024:,.0f} KB; {content['prepared']['audience']}, marked "
               f"{content['prepared']['marking']}).")


@click.command("board-paper")
@click.option("--strategy", "strategy_id", type=int, help="The strategy the paper is about.")
@click.option("--system", "system_slug", help="Instead of a strategy: the paper for this integrated care system's "
                                               "board, from its members' shared versions.")
@click.option("--scenario", "scenario_name", help="The scenario the forecast shows (default: the first).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write: PAPER.docx (Word) or PAPER.pdf (through LibreOffice).")
@click.option("--prepared-by", default="", help="The name on the cover (default: none recorded).")
@click.option("--audience", type=click.Choice(["internal", "published"]), help=AUDIENCE_HELP)
def board_paper_command(strategy_id: int | None, system_slug: str | None, scenario_name: str | None, output: str,
                        prepared_by: str, audience: str | None) -> None:
    """Write the board paper: an NHS cover sheet and the strategy in words, tables and charts, as Word or PDF.

    Charts need Chromium (without it a note stands in for each); a PDF needs LibreOffice
    (apt-get install --no-install-recommends libreoffice-writer-nogui). With --system, the paper for an integrated
    care system's board."""
    _which(strategy_id, system_slug, {"--scenario": scenario_name, "--audience": audience})
    target = _check_target(output, (".docx", ".pdf"), "the board paper is a Word document or a PDF, so give a "
                                                      "file name ending .docx or .pdf")
    kind = target.suffix.lower()
    if kind == ".pdf" and board_paper.find_soffice() is None:
        fail(str(board_paper.LibreOfficeMissing()), code=2)  # before the slow part
    steps = 3 if kind == ".pdf" else 2  # the figures gathered, the document written, converted to PDF
    draw = progress_bar(steps, "steps done")
    try:
        if strategy_id is None:  # --system (_which made sure of one or the other)
            system = _system_content(str(system_slug), prepared_by, "system paper")
            if draw:
                draw(1)
            data = system_pack.paper_docx(system)
        else:
            content = _board_content(strategy_id, scenario_name, prepared_by, audience)
            if draw:
                draw(1)
            data = board_paper.paper_docx(content)
        if draw:
            draw(2)
        if kind == ".pdf":
            data = board_paper.docx_to_pdf(data)
            if draw:
                draw(3)
    except board_paper.LibreOfficeMissing as exc:
        end_progress(draw)
        fail(str(exc), code=2)
    except (board_paper.ConversionFailed, board_paper.ChartsFailed) as exc:
        end_progress(draw)
        fail(str(exc))
    end_progress(draw)
    write_whole(target, data)
    click.echo(str(target))


@click.command("export-charts")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy whose charts to write.")
@click.option("--scenario", "scenario_name", help="The scenario's name (default: the strategy's first).")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="The folder to write into (made if missing).")
@click.option("--format", "formats", default="png,svg,html", show_default=True,
              help="Which files, comma-separated: png, svg, html.")
@click.option("--audience", type=click.Choice(["internal", "published"]), default="published", show_default=True,
              help="Whose figures the diversity charts show: published (nothing worked out from a withheld "
                   "count) or internal (exact: for the board and its committees only).")
def export_charts_command(strategy_id: int, scenario_name: str | None, output: str, formats: str,
                          audience: str) -> None:
    """Write every chart of a strategy's pages as a print-resolution PNG (300 dpi at A4 text width),
    an SVG and a self-contained interactive HTML file, for board papers; prints each file written.

    PNG and SVG need Chromium (`apt-get install chromium`, or BROWSER_PATH). Diversity charts are the
    published ones unless --audience internal: a target whose starting count is withheld has none."""
    wanted = list(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in chart_files.FORMATS]
    if unknown or not wanted:
        fail(f"--format {formats!r}: choose from {', '.join(chart_files.FORMATS)}, separated by commas", code=2)
    with db_session() as session:
        strategy, scenario = _strategy_and_scenario(session, strategy_id, scenario_name)
        try:
            if any(f in chart_files.IMAGE_FORMATS for f in wanted):
                chart_files.require_browser()  # before the slow part
        except chart_files.ChromiumMissing as exc:
            fail(str(exc), code=2)
        figures = strategy_figures(session, strategy, organisation_of(session, strategy), scenario,
                                   audience=check_audience(audience))
    if not figures:
        click.echo(f"Strategy {strategy_id} has no charts yet (no baseline, survey results or objectives).", err=True)
        return
    images = chart_files.image_count(figures, wanted)
    draw = progress_bar(images, "images drawn") if images else None
    try:
        written = chart_files.write_figures(figures, Path(output), wanted, progress=draw)
    except chart_files.ChromiumMissing as exc:
        end_progress(draw)
        fail(str(exc), code=2)
    except OSError as exc:
        end_progress(draw)
        fail(f"cannot write to {output}: {exc.strerror or exc}", code=2)
    except Exception as exc:  # noqa: BLE001 - a browser that fails to draw is reported in one line
        end_progress(draw)
        fail(f"could not draw the charts: {exc}")
    end_progress(draw)
    for path in written:
        click.echo(str(path))
    click.echo(f"Wrote {len(written)} files of {len(figures)} charts to {output}.", err=True)


COMMANDS = (export_command, board_paper_command, export_charts_command)
