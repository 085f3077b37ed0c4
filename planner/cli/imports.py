"""The import commands: a staff extract, the funded establishment, the succession register, competency
assessments, survey responses, objectives and the board's seats. Each reads the whole file before storing
anything, and a file with any problem stores nothing (exit 2)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

import click

from planner.cli.common import (
    db_session,
    end_progress,
    fail,
    import_into,
    progress_bar,
    read_file,
    refusals,
    report_problems,
)
from planner.models import Strategy, Survey
from planner.services import (
    board_terms,
    competencies,
    establishment,
    evidence,
    objectives,
    staff_import,
    succession,
    surveys,
    uploads,
)
from planner.services.lookup import Session, strategy_by_id, survey_of_strategy
from planner.services.structure import areas_of, levels_of
from planner.services.uploads import AssessmentsResult, ImportResult, ResponsesResult

SHEET_HELP = "The worksheet of an .xlsx file (default: the first)."


def read_mapping_file(mapping_file: str | None) -> dict[str, str] | None:
    """The column mapping named by --mapping, if any; exit 2 when it cannot be read or is not a mapping."""
    if not mapping_file:
        return None
    data = read_file(mapping_file)
    with refusals(file=mapping_file):
        return uploads.read_mapping(data)


@click.command("import-staff")
@click.argument("extract", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy whose baseline it replaces.")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False),
              help="JSON mapping our column names to your file's headers.")
@click.option("--sheet", help=SHEET_HELP)
@click.option("--skip-bad-rows", is_flag=True, help="Import the rows without problems and skip the others.")
@click.option("--at", "at", type=click.Choice(["end", "start"]), default="end", show_default=True,
              help="end: the baseline (the end of the evidence period); start: the staff extract at the start of "
                   "the evidence period, kept only for measuring leaver rates.")
def import_staff(extract: str, strategy_id: int, mapping_file: str | None, sheet: str | None,
                 skip_bad_rows: bool, at: str) -> None:
    """Replace a strategy's baseline with the counts of a staff extract (CSV or XLSX), or with --at start
    keep them as the start of the evidence period (the baseline is not touched).

    Only counts are kept. While any row has a problem nothing is stored (exit 2), unless
    --skip-bad-rows (not with --at start: rates need the whole workforce)."""
    if at == "start" and skip_bad_rows:
        fail("--skip-bad-rows cannot be used with --at start: leaver rates measured from part of the workforce "
             "would mislead, so the start of period extract is imported whole or not at all", code=2)
    data = read_file(extract)
    mapping = read_mapping_file(mapping_file)
    name = os.path.basename(extract)
    with db_session() as session:
        with refusals():
            strategy = strategy_by_id(session, strategy_id)
        with refusals(file=extract, nothing_stored=True):
            kind = staff_import.precheck(data, name, mapping=mapping)
        draw = progress_bar(staff_import.estimate_rows(data, kind), "rows read")
        with refusals(file=extract, nothing_stored=True, then=lambda: end_progress(draw)):
            as_at = evidence.start_as_at(session, strategy) if at == "start" else None
            result = staff_import.read(session, strategy, data, name, mapping=mapping, sheet=sheet,
                                       skip_bad_rows=skip_bad_rows, progress=draw, as_at=as_at)
        if draw is not None:
            draw(result.rows_read)
            end_progress(draw)
        del data
        report_problems(extract, result, stored="", more=True)
        if not result.importable:
            fail("nothing was stored: correct the file" + (
                "" if at == "start" else ", or use --skip-bad-rows to import the other rows"), code=2)
        with refusals():
            if at == "start":
                evidence.import_start(session=session, strategy=strategy, result=result, filename=name, actor=None)
            else:
                pending = staff_import.hold(session=session, strategy=strategy, result=result, filename=name,
                                            actor=None, commit=False)
                staff_import.apply(session=session, strategy=strategy, pending=pending, actor=None)
    click.echo(_staff_imported(result, strategy_id, at))


def _staff_imported(result: ImportResult, strategy_id: int, at: str) -> str:
    """What a staff extract's import kept, in one line."""
    if at == "start":
        return (f"Imported {result.rows_read:,} rows: {sum(result.staff.values()):,} staff and "
                f"{sum(result.leaders.values()):,} leaders at the start of the evidence period of strategy "
                f"{strategy_id}. The baseline is unchanged.")
    skipped = f", {result.rows_skipped:,} skipped" if result.rows_skipped else ""
    doctors = sum(result.grades.values())
    medical = (f" ({doctors:,} medical and dental, {sum(result.medical_leaders.values()):,} of them leaders)"
               if doctors else "")
    return (f"Imported {result.rows_read:,} rows{skipped}: {sum(result.staff.values()):,} staff in "
            f"{len(result.staff)} areas{medical}. The baseline of strategy {strategy_id} is replaced.")


def _strategy(strategy_id: int) -> Callable[[Session], Strategy]:
    """What finds the strategy with this id (for `import_into`)."""
    return lambda session: strategy_by_id(session, strategy_id)


def _file_import(name: str, argument: str) -> Callable[[Callable[..., None]], click.Command]:
    """Make a function the command `name` that imports a FILE (`argument`) into --strategy ID, reading --sheet
    of an .xlsx file."""

    def make(function: Callable[..., None]) -> click.Command:
        function = click.option("--sheet", help=SHEET_HELP)(function)
        function = click.option("--strategy", "strategy_id", type=int, required=True)(function)
        function = click.argument(argument, metavar="FILE", type=click.Path(dir_okay=False))(function)
        return click.command(name)(function)

    return make


@_file_import("import-establishment", "establishment_file")
def import_establishment_command(establishment_file: str, strategy_id: int, sheet: str | None) -> None:
    """Import the funded establishment (area, level, posts, and optionally one column per forecast year).

    It replaces the whole establishment: areas and levels not in the file have none afterwards. Any
    problem stops it (exit 2) with row-level messages, and nothing is stored."""
    result, _stored = import_into(
        establishment_file, _strategy(strategy_id),
        lambda session, strategy, data, name: establishment.read_file(session, strategy, data, name, sheet=sheet),
        lambda session, strategy, result, name: establishment.import_file(
            session=session, strategy=strategy, result=result, filename=name, actor=None))
    click.echo(f"Imported the funded establishment of {len(result.posts)} area and level combinations "
               f"from {result.rows_read:,} rows into strategy {strategy_id}.")


@_file_import("import-succession", "register")
def import_succession_command(register: str, strategy_id: int, sheet: str | None) -> None:
    """Import the succession register (area, level, critical roles, ready now, ready 1-2 years, ready 3-5
    years, and optionally characteristic:group columns of the successors' diversity), replacing the one
    held. Any problem stops it (exit 2) and nothing is stored."""
    _result, held = import_into(
        register, _strategy(strategy_id),
        lambda session, strategy, data, name: uploads.read_register(session, strategy, data, name, sheet=sheet),
        lambda session, strategy, result, name: succession.replace_register(
            session=session, strategy=strategy, rows=result.rows, actor=None,
            source=f"file {name}"))
    click.echo(f"Imported the succession register: {held:,} area and level rows (it replaces the one held before).")


def _read_assessments(session: Session, strategy: Strategy, data: bytes, name: str,
                      sheet: str | None) -> AssessmentsResult:
    """Read an assessments file against the strategy's areas, levels and competencies (the frameworks' steps
    given to it first, if it has none yet)."""
    competencies.ensure_required(session, strategy)
    return competencies.read_upload(session, strategy, data, name, sheet=sheet)


def _store_assessments(session: Session, strategy: Strategy, result: AssessmentsResult, name: str) -> int:
    """Replace the assessed counts of the combinations in the file; how many combinations that is."""
    _areas, _levels, comps = competencies.lookups(session, strategy)
    by_code = {a.code: a.id for a in areas_of(session, strategy)}
    by_key = {lv.key: lv.id for lv in levels_of(session, strategy)}
    counts = {(by_code[a], by_key[lv], comps[c]): steps for (a, lv, c), steps in result.counts.items()}
    competencies.replace_assessed(session=session, strategy=strategy, counts=counts, actor=None,
                                  source=f"file {name}")
    return len(counts)


@_file_import("import-assessments", "assessments")
def import_assessments_command(assessments: str, strategy_id: int, sheet: str | None) -> None:
    """Import competency assessments (area, level, competency, step; one row per leader's assessment).

    The counts replace the stored figures of the area, level and competency combinations in the
    file; others stay. Any problem stops it (exit 2) and nothing is stored."""
    result, combinations = import_into(
        assessments, _strategy(strategy_id),
        lambda session, strategy, data, name: _read_assessments(session, strategy, data, name, sheet),
        _store_assessments)
    click.echo(f"Imported {result.rows_read:,} assessments for {combinations} area, level and competency "
               "combinations.")


@click.command("import-responses")
@click.argument("responses", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True)
@click.option("--survey", "survey_id", type=int, required=True)
@click.option("--sheet", help=SHEET_HELP)
def import_responses_command(responses: str, strategy_id: int, survey_id: int, sheet: str | None) -> None:
    """Add self-assessment responses collected elsewhere (a group column and one column per item key).

    All or nothing: any problem stops it (exit 2) with row-level messages."""

    def read(session: Session, survey: Survey, data: bytes, name: str) -> ResponsesResult:
        return surveys.read_upload(session, survey, data, name, sheet=sheet)

    result, _stored = import_into(
        responses, lambda session: survey_of_strategy(session, strategy_id, survey_id), read,
        lambda session, survey, result, name: surveys.import_responses(
            session=session, survey=survey, responses=result.responses, actor=None))
    click.echo(f"Imported {len(result.responses):,} responses into survey {survey_id}.")


@_file_import("import-objectives", "objectives_file")
def import_objectives_command(objectives_file: str, strategy_id: int, sheet: str | None) -> None:
    """Add and update objectives from a CSV/XLSX file (ref, parent_ref, title, level, area, owner,
    measure, baseline, target, current, unit, start, due, weight, confidence).

    A row whose ref exists updates that objective; others are added. Any problem stops it (exit 2)."""
    _result, (added, updated) = import_into(
        objectives_file, _strategy(strategy_id),
        lambda session, strategy, data, name: objectives.read_file(session, strategy, data, name, sheet=sheet),
        lambda session, strategy, result, _name: objectives.apply_file(
            session=session, strategy=strategy, result=result, actor=None))
    click.echo(f"{added} objectives added and {updated} updated in strategy {strategy_id}.")


@_file_import("import-board-terms", "seats_file")
def import_board_terms_command(seats_file: str, strategy_id: int, sheet: str | None) -> None:
    """Replace the board's seats and terms of office with a CSV/XLSX file (Seat, Role, Board member type,
    Term start, Term end, Term, Most terms, Full term (years); one row per seat, at most 40).

    All or nothing: any problem stops it (exit 2) with row-level messages, and nothing is stored."""
    _result, seats = import_into(
        seats_file, _strategy(strategy_id),
        lambda _session, _strategy, data, name: board_terms.read_upload(data, name, sheet=sheet),
        lambda session, strategy, result, name: board_terms.replace_seats(
            session=session, strategy=strategy, seats=result.seats, actor=None, source=f"file {name}"),
        store_refusal_names_file=True)
    click.echo(f"Imported {seats} seats into strategy {strategy_id}; they replace the board's seats as they were.")


@click.command("import-leavers")
@click.argument("extract", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy the evidence belongs to.")
@click.option("--period-start", required=True, help="The evidence period's first day, YYYY-MM-DD.")
@click.option("--period-end", required=True, help="Its last day, YYYY-MM-DD: one year less a day later.")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False),
              help="JSON mapping our column names to your file's headers.")
@click.option("--sheet", help=SHEET_HELP)
def import_leavers_command(extract: str, strategy_id: int, period_start: str, period_end: str,
                           mapping_file: str | None, sheet: str | None) -> None:
    """Keep the counts of a leavers extract (CSV or XLSX) for the evidence period: leavers by area, level,
    leader flag, reason for leaving and age band; no names, ids or dates. Any problem stores nothing (exit 2)."""
    try:
        start, end = date.fromisoformat(period_start), date.fromisoformat(period_end)
    except ValueError:
        fail("--period-start and --period-end must be dates written YYYY-MM-DD, such as 2025-04-01", code=2)
    mapping: dict[str, str] | None = None

    def read_the_mapping() -> None:  # after the extract, as import-staff does
        nonlocal mapping
        mapping = read_mapping_file(mapping_file)

    result, _stored = import_into(
        extract, _strategy(strategy_id),
        lambda session, strategy, data, name: evidence.read_leavers(
            session, strategy, data, name, period_start=start, period_end=end, mapping=mapping, sheet=sheet),
        lambda session, strategy, result, name: evidence.store_leavers(
            session=session, strategy=strategy, result=result, filename=name, actor=None),
        more=True, after_file=read_the_mapping)
    moves = f"; {result.moves:,} moves inside the organisation not counted" if result.moves else ""
    click.echo(f"Imported {result.rows_read:,} rows: {result.leavers:,} leavers, {result.period.text()}{moves}.")


COMMANDS = (import_staff, import_establishment_command, import_succession_command, import_assessments_command,
            import_responses_command, import_objectives_command, import_board_terms_command, import_leavers_command)
