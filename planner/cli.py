"""The `planner` command: database set-up, the demo, people and tokens, and the server.

Commands that only touch the database do not build the web app, so they need no SECRET_KEY."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from planner.config import PASSWORD_HASH_METHOD, default_database_url
from planner.exports.steps import STEP_SHEETS
from planner.permissions import ROLES

if TYPE_CHECKING:
    from sqlmodel import Session

    from planner.diversity.disclosure import Audience
    from planner.models import Strategy


def database_url() -> str:
    """The database the command works on: DATABASE_URL, or the SQLite file under data/."""
    return os.environ.get("DATABASE_URL") or default_database_url()


def hash_method() -> str:
    """The password hash the command uses (the same setting as the app's)."""
    return os.environ.get("PLANNER_PASSWORD_HASH_METHOD", PASSWORD_HASH_METHOD)


@contextmanager
def db_session() -> Iterator[Session]:
    """A session on the command's database, which must already be at the latest schema."""
    from sqlmodel import Session

    from planner.db import current_revision, engine_for

    url = database_url()
    if current_revision(url) is None:
        fail("the database has no tables yet: run `planner init-db` first")
    with Session(engine_for(url), expire_on_commit=False) as session:
        yield session


def pack_audience(session: Session, strategy: Strategy, audience: str | None) -> Audience:
    """The audience asked for, else the cover sheet's: Part 2 (in private) internal, Part 1 published."""
    from planner.diversity.disclosure import audience_for_part, check_audience
    from planner.services.board_cover import cover_content

    if audience:
        return check_audience(audience)
    return audience_for_part(cover_content(session, strategy, prepared_by="").get("part"))


def progress_bar(total: int | None, unit: str) -> Callable[[int], None] | None:
    """A progress bar on standard error, redrawn in place, when it is a terminal (None otherwise, so a log
    or a pipe gets only the result)."""
    stream = sys.stderr
    if not stream.isatty():
        return None

    def draw(done: int) -> None:
        whole = max(total or 0, done)
        if whole:
            share = done / whole
            bar = "#" * int(share * 30)
            stream.write(f"\r[{bar:<30}] {done:,} of {whole:,} {unit} ({int(share * 100)}%)")
        else:
            stream.write(f"\r{done:,} {unit}")
        stream.flush()

    return draw


def end_progress(draw: Callable[[int], None] | None) -> None:
    """End the progress bar's line, so what follows starts on a line of its own."""
    if draw is not None:
        click.echo("", err=True)


def fail(message: str, code: int = 1) -> None:
    """Print an error to standard error and exit non-zero."""
    click.echo(f"planner: error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Collective Leadership Strategy Planner."""


@main.command("init-db")
def init_db() -> None:
    """Create the database or bring its schema up to date (safe to run again)."""
    from planner.db import current_revision, upgrade

    url = database_url()
    try:
        upgrade(url)
    except Exception as exc:  # noqa: BLE001 - any driver error is reported in one line
        fail(f"could not migrate the database: {exc}")
    click.echo(f"Database is at schema revision {current_revision(url)}.")


@main.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no organisations.")
def demo(if_empty: bool) -> None:
    """Load the demo organisation (slug `demo`) and the demo system (slug `demo-ics`) with its members'
    shared versions; running it again changes nothing."""
    from sqlmodel import func, select

    from planner.models import Organisation
    from planner.services.demo import load_demo
    from planner.services.demo_system import load_demo_system

    with db_session() as session:
        if if_empty and session.exec(select(func.count()).select_from(Organisation)).one():
            click.echo("The database already has organisations: demo not loaded.")
            return
        organisation = load_demo(session=session, hash_method=hash_method())
        system = load_demo_system(session=session, hash_method=hash_method())
    if organisation is None:
        click.echo("The demo organisation is already loaded.")
    else:
        click.echo(f"Loaded the demo organisation '{organisation.name}' (slug demo).")
    if system is not None:
        click.echo(f"Loaded the demo system '{system.name}' (slug {system.slug}): the demo trust and a community "
                   "and mental health trust share approved versions with it.")


@main.command("create-org")
@click.argument("slug")
@click.argument("name")
@click.option("--kind", type=click.Choice(["trust", "system"]), default="trust", show_default=True,
              help="A trust, or a system (an integrated care system whose members share approved versions with it).")
def create_org(slug: str, name: str, kind: str) -> None:
    """Create an organisation with a SLUG (lower-case, hyphens) and a NAME."""
    from planner.services import ServiceError
    from planner.services.accounts import create_organisation

    with db_session() as session:
        try:
            organisation = create_organisation(session=session, slug=slug, name=name, kind=kind)
        except ServiceError as exc:
            fail(exc.message)
    click.echo(f"Created {'system' if kind == 'system' else 'organisation'} '{organisation.name}' "
               f"({organisation.slug}).")


@main.command("create-user")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The role in that organisation.")
@click.option("--name", default="", help="The person's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, org_slug: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account for EMAIL (or add an existing one) with a role in an organisation."""
    from planner.services import ServiceError
    from planner.services.accounts import add_member, organisation_by_slug, user_by_email

    with db_session() as session:
        try:
            organisation = organisation_by_slug(session, org_slug)
        except ServiceError as exc:
            fail(exc.message)
        password = None
        if user_by_email(session, email) is None:
            if password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            add_member(session=session, organisation=organisation, email=email, role=role,
                       name=name, password=password, hash_method=hash_method())
        except ServiceError as exc:
            fail(exc.message)
    click.echo(f"{email.strip().lower()} is now {role} in {organisation.name}.", err=True)


@main.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password (one line) from standard input.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password for EMAIL; every session of that person ends at once."""
    from planner.services import ServiceError
    from planner.services.accounts import user_by_email
    from planner.services.passwords import set_password

    with db_session() as session:
        if user_by_email(session, email) is None:
            fail(f"no account has the email '{email.strip()}'", code=2)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        try:
            user = set_password(session=session, email=email, password=password, hash_method=hash_method())
        except ServiceError as exc:
            fail(exc.message, code=2)
    click.echo(f"New password set for {user.email}; they have been signed out everywhere.", err=True)


@main.command("create-token")
@click.argument("email")
@click.option("--org", "org_slug", help="The organisation (needed when the person has several).")
@click.option("--name", default="Command line", help="What the token is for.")
def create_token(email: str, org_slug: str | None, name: str) -> None:
    """Create an API token for EMAIL and print it (only it) on standard output, once."""
    from planner.services import ServiceError
    from planner.services.accounts import create_token as make_token
    from planner.services.accounts import memberships_of, organisation_by_slug, user_by_email

    with db_session() as session:
        user = user_by_email(session, email)
        if user is None:
            fail(f"no account has the email '{email}'")
        memberships = memberships_of(session, user)  # type: ignore[arg-type]
        try:
            if org_slug:
                organisation = organisation_by_slug(session, org_slug)
            elif len(memberships) == 1:
                organisation = memberships[0][1]
            elif not memberships:
                fail(f"{email} is not a member of any organisation")
            else:
                fail(f"{email} belongs to several organisations: choose one with --org")
            _token, plain = make_token(session=session, user=user, organisation=organisation, name=name)  # type: ignore[arg-type]
        except ServiceError as exc:
            fail(exc.message)
    click.echo(plain)


def _print_problems(source: str, problems: list[str]) -> None:
    click.echo(f"planner: {source}: the spec has {len(problems)} problem{'s' if len(problems) != 1 else ''}:",
               err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)


@main.command("forecast")
@click.argument("spec_file", required=False, metavar="SPEC.json")
@click.option("--strategy", "strategy_id", type=int, help="Forecast a stored strategy instead of a file.")
@click.option("--scenario", "scenario_name", help="With --strategy: the scenario's name.")
def forecast_command(spec_file: str | None, strategy_id: int | None, scenario_name: str | None) -> None:
    """Forecast SPEC.json (or - for standard input) and print the results as JSON.

    Needs no database. A bad spec exits with status 2 and lists every problem on standard error.
    """
    import json

    from planner.forecast import SpecError, forecast

    if strategy_id is not None or scenario_name is not None:
        if spec_file is not None or strategy_id is None or not scenario_name:
            fail("give either SPEC.json, or --strategy ID with --scenario NAME", code=2)
        from planner.services import ServiceError
        from planner.services.scenarios import scenario_by_name, spec_for

        with db_session() as session:
            try:
                strategy, scenario = scenario_by_name(session, strategy_id, scenario_name)  # type: ignore[arg-type]
                data: object = spec_for(session, strategy, scenario)
            except ServiceError as exc:
                fail(exc.message, code=2)
        source = f"strategy {strategy_id}, scenario {scenario_name}"
    else:
        if spec_file is None:
            fail("give the spec file to forecast (or - to read it from standard input)", code=2)
        source = "standard input" if spec_file == "-" else str(spec_file)
        try:
            if spec_file == "-":
                text = sys.stdin.read()
            else:
                with open(spec_file, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as exc:
            fail(f"cannot read {source}: {exc.strerror or exc}", code=2)
        except UnicodeDecodeError:
            fail(f"{source} is not UTF-8 text", code=2)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            fail(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", code=2)
        except RecursionError:
            fail(f"{source} is nested too deeply to be a spec", code=2)
    try:
        result = forecast(data)
    except SpecError as exc:
        _print_problems(source, [str(p) for p in exc.problems])
        sys.exit(2)
    click.echo(json.dumps(result, allow_nan=False))


@main.command("import-staff")
@click.argument("extract", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy whose baseline it replaces.")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False),
              help="JSON mapping our column names to your file's headers.")
@click.option("--sheet", help="The worksheet of an .xlsx file (default: the first).")
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
    from planner.imports import ImportRefused, read_mapping
    from planner.models import Strategy
    from planner.services import ServiceError, evidence, staff_import

    if at == "start" and skip_bad_rows:
        fail("--skip-bad-rows cannot be used with --at start: leaver rates measured from part of the workforce "
             "would mislead, so the start of period extract is imported whole or not at all", code=2)

    try:
        with open(extract, "rb") as handle:
            data = handle.read()
        mapping = None
        if mapping_file:
            with open(mapping_file, "rb") as handle:
                mapping = read_mapping(handle.read())
    except OSError as exc:
        fail(f"cannot read {exc.filename}: {exc.strerror}", code=2)
    except ImportRefused as exc:
        fail(f"{mapping_file}: {exc.message}", code=2)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        draw = None
        try:
            kind = staff_import.precheck(data, os.path.basename(extract), mapping=mapping)
            draw = progress_bar(staff_import.estimate_rows(data, kind), "rows read")
            as_at = evidence.start_as_at(session, strategy) if at == "start" else None  # type: ignore[arg-type]
            result = staff_import.read(session, strategy, data, os.path.basename(extract), mapping=mapping,  # type: ignore[arg-type]
                                       sheet=sheet, skip_bad_rows=skip_bad_rows, progress=draw, as_at=as_at)
        except ImportRefused as exc:
            end_progress(draw)
            fail(f"{extract}: {exc.message} Nothing was stored.", code=2)
        if draw is not None:
            draw(result.rows_read)
            end_progress(draw)
        del data
        total = sum(result.problem_totals.values())
        if total:
            click.echo(f"{extract}: {total:,} problem{'s' if total != 1 else ''} "
                       f"({', '.join(f'{k}: {n:,}' for k, n in result.problem_totals.items())})", err=True)
            for problem in result.problems:
                click.echo(f"  row {problem.row}, {problem.column}: {problem.message}", err=True)
            if total > len(result.problems):
                click.echo(f"  ... and {total - len(result.problems):,} more", err=True)
        if not result.importable:
            fail("nothing was stored: correct the file" + (
                "" if at == "start" else ", or use --skip-bad-rows to import the other rows"), code=2)
        if at == "start":
            try:
                evidence.import_start(session=session, strategy=strategy, result=result,  # type: ignore[arg-type]
                                      filename=os.path.basename(extract), actor=None)
            except ServiceError as exc:
                session.rollback()
                fail(exc.message, code=2)
            click.echo(f"Imported {result.rows_read:,} rows: {sum(result.staff.values()):,} staff and "
                       f"{sum(result.leaders.values()):,} leaders at the start of the evidence period of strategy "
                       f"{strategy_id}. The baseline is unchanged.")
            return
        try:
            pending = staff_import.hold(session=session, strategy=strategy, result=result,  # type: ignore[arg-type]
                                        filename=os.path.basename(extract), actor=None, commit=False)
            staff_import.apply(session=session, strategy=strategy, pending=pending, actor=None)  # type: ignore[arg-type]
        except ServiceError as exc:
            session.rollback()
            fail(exc.message, code=2)
    skipped = f", {result.rows_skipped:,} skipped" if result.rows_skipped else ""
    doctors = sum(result.grades.values())
    medical = (f" ({doctors:,} medical and dental, {sum(result.medical_leaders.values()):,} of them leaders)"
               if doctors else "")
    click.echo(f"Imported {result.rows_read:,} rows{skipped}: {sum(result.staff.values()):,} staff in "
               f"{len(result.staff)} areas{medical}. The baseline of strategy {strategy_id} is replaced.")


@main.command("create-survey")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy the survey belongs to.")
@click.option("--name", required=True, help="The survey's name.")
@click.option("--closes-on", help="Closing date, YYYY-MM-DD (optional).")
@click.option("--open", "open_now", is_flag=True, help="Open it at once (otherwise it is a draft).")
@click.option("--invitation", is_flag=True,
              help="Only people with a personal invitation code may answer (see survey-codes); otherwise "
                   "anyone with the link.")
def create_survey_command(strategy_id: int, name: str, closes_on: str | None, open_now: bool,
                          invitation: bool) -> None:
    """Create a self-assessment survey and print its id (and nothing else) on standard output."""
    from datetime import date

    from planner.models import Strategy
    from planner.services import ServiceError
    from planner.services.surveys import create_survey

    closing = None
    if closes_on:
        try:
            closing = date.fromisoformat(closes_on)
        except ValueError:
            fail(f"--closes-on {closes_on!r} is not a date like 2026-12-31", code=2)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        try:
            survey = create_survey(session=session, strategy=strategy, name=name, closes_on=closing, actor=None,  # type: ignore[arg-type]
                                   mode="invitation" if invitation else "open", commit=False)
        except ServiceError as exc:
            fail(exc.message, code=2)
        if open_now:
            survey.status = "open"
            session.add(survey)
        session.commit()
        click.echo(survey.id)


@main.command("survey-codes")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy the survey belongs to.")
@click.option("--survey", "survey_id", type=int, required=True, help="An invitation survey of that strategy.")
@click.option("--count", type=int, required=True, help="How many codes to issue (1 to 2,000).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the CSV to this new file (it must not exist yet); otherwise to standard output.")
@click.option("--base-url", envvar="PLANNER_BASE_URL",
              help="The address people open the planner at, for the personal links, e.g. "
                   "https://planner.example.nhs.uk (or PLANNER_BASE_URL).")
def survey_codes_command(strategy_id: int, survey_id: int, count: int, output: str | None,
                         base_url: str | None) -> None:
    """Issue personal single-use invitation codes as a CSV for a mail-merge (columns code and link).

    The codes are shown this once: the planner keeps only their hashes."""
    from planner.models import Survey
    from planner.services import ServiceError, survey_codes

    if not base_url or not base_url.startswith(("https://", "http://")):
        fail("give --base-url (or PLANNER_BASE_URL): the address people open the planner at, "
             "like https://planner.example.nhs.uk", code=2)
    if output and os.path.exists(output):
        fail(f"{output} already exists: give a new file name (the codes are written once)", code=2)
    with db_session() as session:
        survey = session.get(Survey, survey_id)
        if survey is None or survey.strategy_id != strategy_id:
            fail(f"strategy {strategy_id} has no survey with id {survey_id}", code=2)
        try:
            codes = survey_codes.issue_codes(session=session, survey=survey, count=count, actor=None,  # type: ignore[arg-type]
                                             commit=False)
        except ServiceError as exc:
            session.rollback()
            fail(exc.message, code=2)
        links = [survey_codes.personal_link(base_url, survey.token, code) for code in codes]  # type: ignore[union-attr, arg-type]
        text = survey_codes.codes_csv(codes, links)
        if output:
            # Committed only once the file is written: codes no one could hand out are never kept.
            try:
                with open(output, "x", encoding="utf-8", newline="") as handle:
                    handle.write(text)
            except OSError as exc:
                session.rollback()
                fail(f"{output}: {exc.strerror or exc}. No codes were issued.", code=2)
            session.commit()
            click.echo(f"Issued {count:,} invitation codes for survey {survey_id} into {output}.", err=True)
        else:
            session.commit()
            click.echo(text, nl=False)


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}", code=2)
    return b""


def _report(path: str, result: object) -> None:
    totals: dict[str, int] = getattr(result, "problem_totals", {})
    total = sum(totals.values())
    if total:
        click.echo(f"{path}: {total:,} problem{'s' if total != 1 else ''} "
                   f"({', '.join(f'{k}: {n:,}' for k, n in totals.items())}); nothing was stored", err=True)
        for problem in getattr(result, "problems", []):
            click.echo(f"  row {problem.row}, {problem.column}: {problem.message}", err=True)


@main.command("import-assessments")
@click.argument("assessments", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True)
@click.option("--sheet", help="The worksheet of an .xlsx file (default: the first).")
def import_assessments_command(assessments: str, strategy_id: int, sheet: str | None) -> None:
    """Import competency assessments (area, level, competency, step; one row per leader's assessment).

    The counts replace the stored figures of the area, level and competency combinations in the
    file; others stay. Any problem stops it (exit 2) and nothing is stored."""
    from planner.imports import ImportRefused
    from planner.imports.assessments import read_assessments
    from planner.models import Strategy
    from planner.services import competencies as service
    from planner.services.structure import areas_of, levels_of

    data = _read_file(assessments)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        service.ensure_required(session, strategy)  # type: ignore[arg-type]
        areas, levels, comps = service.lookups(session, strategy)  # type: ignore[arg-type]
        codes = {a.id: a.code for a in areas_of(session, strategy)}  # type: ignore[arg-type]
        keys = {lv.id: lv.key for lv in levels_of(session, strategy)}  # type: ignore[arg-type]
        try:
            result = read_assessments(data, os.path.basename(assessments),
                                      areas={n: codes[i] for n, i in areas.items()},
                                      levels={n: keys[i] for n, i in levels.items()},
                                      competencies=set(comps), sheet=sheet)
        except ImportRefused as exc:
            fail(f"{assessments}: {exc.message} Nothing was stored.", code=2)
        _report(assessments, result)
        if not result.importable:
            sys.exit(2)
        by_code = {v: k for k, v in codes.items()}
        by_key = {v: k for k, v in keys.items()}
        counts = {(by_code[a], by_key[lv], comps[c]): steps for (a, lv, c), steps in result.counts.items()}
        service.replace_assessed(session=session, strategy=strategy, counts=counts, actor=None,  # type: ignore[arg-type]
                                 source=f"file {os.path.basename(assessments)}")
    click.echo(f"Imported {result.rows_read:,} assessments for {len(counts)} area, level and competency combinations.")


@main.command("import-responses")
@click.argument("responses", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True)
@click.option("--survey", "survey_id", type=int, required=True)
@click.option("--sheet", help="The worksheet of an .xlsx file (default: the first).")
def import_responses_command(responses: str, strategy_id: int, survey_id: int, sheet: str | None) -> None:
    """Add self-assessment responses collected elsewhere (a group column and one column per item key).

    All or nothing: any problem stops it (exit 2) with row-level messages."""
    from planner.imports import ImportRefused
    from planner.imports.responses import read_responses
    from planner.models import Survey
    from planner.services import surveys as service

    data = _read_file(responses)
    with db_session() as session:
        survey = session.get(Survey, survey_id)
        if survey is None or survey.strategy_id != strategy_id:
            fail(f"strategy {strategy_id} has no survey with id {survey_id}", code=2)
        lookup = service.group_lookup(session, survey)  # type: ignore[arg-type]
        try:
            result = read_responses(data, os.path.basename(responses), groups=lookup, sheet=sheet,
                                    items=[i.key for i in service.items_of(session, survey)])  # type: ignore[arg-type]
        except ImportRefused as exc:
            fail(f"{responses}: {exc.message} Nothing was stored.", code=2)
        _report(responses, result)
        if not result.importable:
            sys.exit(2)
        service.import_responses(session=session, survey=survey, responses=result.responses, actor=None)  # type: ignore[arg-type]
    click.echo(f"Imported {len(result.responses):,} responses into survey {survey_id}.")


@main.command("import-objectives")
@click.argument("objectives_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True)
@click.option("--sheet", help="The worksheet of an .xlsx file (default: the first).")
def import_objectives_command(objectives_file: str, strategy_id: int, sheet: str | None) -> None:
    """Add and update objectives from a CSV/XLSX file (ref, parent_ref, title, level, area, owner,
    measure, baseline, target, current, unit, start, due, weight, confidence).

    A row whose ref exists updates that objective; others are added. Any problem stops it (exit 2)."""
    from planner.imports import ImportRefused
    from planner.models import Strategy
    from planner.services import objectives as service

    data = _read_file(objectives_file)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        try:
            result = service.read_file(session, strategy, data, os.path.basename(objectives_file), sheet=sheet)  # type: ignore[arg-type]
        except ImportRefused as exc:
            fail(f"{objectives_file}: {exc.message} Nothing was stored.", code=2)
        _report(objectives_file, result)
        if not result.importable:
            sys.exit(2)
        added, updated = service.apply_file(session=session, strategy=strategy, result=result, actor=None)  # type: ignore[arg-type]
    click.echo(f"{added} objectives added and {updated} updated in strategy {strategy_id}.")


@main.command("import-board-terms")
@click.argument("seats_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True)
@click.option("--sheet", help="The worksheet of an .xlsx file (default: the first).")
def import_board_terms_command(seats_file: str, strategy_id: int, sheet: str | None) -> None:
    """Replace the board's seats and terms of office with a CSV/XLSX file (Seat, Role, Board member type,
    Term start, Term end, Term, Most terms, Full term (years); one row per seat, at most 40).

    All or nothing: any problem stops it (exit 2) with row-level messages, and nothing is stored."""
    from planner.imports import ImportRefused
    from planner.imports.board_terms import read_board_terms
    from planner.models import Strategy
    from planner.services import ServiceError
    from planner.services import board_terms as service

    data = _read_file(seats_file)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        try:
            result = read_board_terms(data, os.path.basename(seats_file), sheet=sheet)
        except ImportRefused as exc:
            fail(f"{seats_file}: {exc.message} Nothing was stored.", code=2)
        _report(seats_file, result)
        if not result.importable:
            sys.exit(2)
        try:
            n = service.replace_seats(session=session, strategy=strategy, seats=result.seats, actor=None,  # type: ignore[arg-type]
                                      source=f"file {os.path.basename(seats_file)}")
        except ServiceError as exc:
            session.rollback()
            fail(f"{seats_file}: {exc.message} Nothing was stored.", code=2)
    click.echo(f"Imported {n} seats into strategy {strategy_id}; they replace the board's seats as they were.")


def _board_content(strategy_id: int, scenario_name: str | None, prepared_by: str,
                   audience: str | None) -> dict[str, Any]:
    """The pack's content for a stored strategy and scenario (by name), for the pack and the paper;
    a missing strategy or scenario ends the command with status 2."""
    from datetime import date

    from planner.models import Organisation, Strategy
    from planner.services import ServiceError
    from planner.services.board_pack import pack_content
    from planner.services.scenarios import scenario_by_name

    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        scenario = None
        if scenario_name:
            try:
                strategy, scenario = scenario_by_name(session, strategy_id, scenario_name)
            except ServiceError as exc:
                fail(exc.message, code=2)
        organisation = session.get(Organisation, strategy.organisation_id)  # type: ignore[union-attr]
        return pack_content(session, strategy, organisation, scenario=scenario,  # type: ignore[arg-type]
                            prepared_by=prepared_by, today=date.today(),
                            audience=pack_audience(session, strategy, audience))  # type: ignore[arg-type]


def _write_whole(target: Path, data: bytes) -> None:
    """Write beside the target, then rename, so a failure never leaves half a file behind."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(f"cannot write {target}: {exc.strerror or exc}", code=1)


@main.command("export")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy to export.")
@click.option("--scenario", "scenario_name", help="The scenario the forecast sheets show (default: the first).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
@click.option("--step", type=click.Choice(sorted(STEP_SHEETS)), help="Only this step's sheets.")
@click.option("--prepared-by", default="",
              help="The name on the cover as 'Prepared by' (default: the cover sheet's author, if any).")
@click.option("--audience", type=click.Choice(["internal", "published"]),
              help="Who it is for: internal (exact diversity counts, marked OFFICIAL-SENSITIVE: the board and its "
                   "committees in private) or published (small counts withheld). Default: from the cover "
                   "sheet's part (Part 2: internal; Part 1: published).")
def export_command(strategy_id: int, scenario_name: str | None, output: str, step: str | None,
                   prepared_by: str, audience: str | None) -> None:
    """Write the board pack: an Excel workbook of every step, with charts and a live forecast sheet."""
    from planner.exports.workbook import pack_bytes

    target = Path(output)
    if target.suffix.lower() != ".xlsx":
        fail(f"{output}: the board pack is an Excel workbook, so give a file name ending .xlsx", code=2)
    if not target.parent.is_dir():
        fail(f"{output}: the folder {target.parent} does not exist", code=2)
    content = _board_content(strategy_id, scenario_name, prepared_by, audience)
    data = pack_bytes(content, sheets=STEP_SHEETS[step] if step else None)
    _write_whole(target, data)
    click.echo(f"Wrote {output} ({len(data) / 1024:,.0f} KB; {content['prepared']['audience']}, marked "
               f"{content['prepared']['marking']}).")


@main.command("board-paper")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy the paper is about.")
@click.option("--scenario", "scenario_name", help="The scenario the forecast shows (default: the first).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write: PAPER.docx (Word) or PAPER.pdf (through LibreOffice).")
@click.option("--prepared-by", default="", help="The name on the cover (default: none recorded).")
@click.option("--audience", type=click.Choice(["internal", "published"]),
              help="Who it is for: internal (exact diversity counts, marked OFFICIAL-SENSITIVE: the board and its "
                   "committees in private) or published (small counts withheld). Default: from the cover "
                   "sheet's part (Part 2: internal; Part 1: published).")
def board_paper_command(strategy_id: int, scenario_name: str | None, output: str, prepared_by: str,
                        audience: str | None) -> None:
    """Write the board paper: an NHS cover sheet and the strategy in words, tables and charts, as Word or PDF.

    Charts need Chromium (without it a note stands in for each); a PDF needs LibreOffice
    (apt-get install --no-install-recommends libreoffice-writer-nogui)."""
    from planner.services import board_paper

    target = Path(output)
    kind = target.suffix.lower()
    if kind not in (".docx", ".pdf"):
        fail(f"{output}: the board paper is a Word document or a PDF, so give a file name ending .docx or .pdf",
             code=2)
    if not target.parent.is_dir():
        fail(f"{output}: the folder {target.parent} does not exist", code=2)
    if kind == ".pdf" and board_paper.find_soffice() is None:
        fail(str(board_paper.LibreOfficeMissing()), code=2)  # before the slow part
    steps = 3 if kind == ".pdf" else 2  # the figures gathered, the document written, converted to PDF
    draw = progress_bar(steps, "steps done")
    content = _board_content(strategy_id, scenario_name, prepared_by, audience)
    try:
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
    _write_whole(target, data)
    click.echo(str(target))


@main.command("approve")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy the board decided on.")
@click.option("--meeting-date", required=True, help="The board meeting's date, YYYY-MM-DD.")
@click.option("--minute", required=True, help="The minute reference, for example 2027/045.")
@click.option("--decision", default="approved", show_default=True,
              type=click.Choice(["approved", "approved_with_changes", "deferred"]), help="The board's decision.")
@click.option("--notes", default="", help="The changes asked for, or why the board deferred.")
def approve_command(strategy_id: int, meeting_date: str, minute: str, decision: str, notes: str) -> None:
    """Record the board's decision; an approval freezes a version of the strategy.

    A draft is submitted first. The strategy goes on as the draft of the next version."""
    from datetime import date

    from planner.models import Organisation, Strategy, StrategyVersion
    from planner.services import ServiceError
    from planner.services import versions as service

    try:
        meeting = date.fromisoformat(meeting_date.strip())
    except ValueError:
        fail(f"--meeting-date must be a date as YYYY-MM-DD, not '{meeting_date}'", code=2)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        organisation = session.get(Organisation, strategy.organisation_id)  # type: ignore[union-attr]
        try:
            service.check_decision({"meeting_date": meeting, "minute": minute, "decision": decision,
                                    "notes": notes}, date.today())
            if strategy.status != "submitted":  # type: ignore[union-attr]
                service.submit(session=session, strategy=strategy, actor=None)  # type: ignore[arg-type]
            made = service.record_decision(session=session, strategy=strategy, organisation=organisation,  # type: ignore[arg-type]
                                           values={"meeting_date": meeting, "minute": minute, "decision": decision,
                                                   "notes": notes}, actor=None, today=date.today())
        except ServiceError as exc:
            session.rollback()
            fail(exc.message, code=2)
        if made.version_id is not None:
            version = session.get(StrategyVersion, made.version_id)
            click.echo(f"Recorded: {service.DECISIONS[decision].lower()} at the board meeting of "
                       f"{service.long_date(meeting)} (minute {made.minute}). Version {version.number} "  # type: ignore[union-attr]
                       f"is frozen (id {made.version_id}).")
        else:
            click.echo(f"Recorded: deferred at the board meeting of {service.long_date(meeting)} "
                       f"(minute {made.minute}). The strategy stays a draft.")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="Default: PORT, or 5000.")
@click.option("--worker/--no-worker", default=False, show_default=True,
              help="Run a task worker (`planner worker`) beside the server, stopped with it.")
def serve(host: str, port: int | None, worker: bool) -> None:
    """Run the development server (use gunicorn in production)."""
    from planner import create_app
    from planner.config import ConfigError
    from planner.permissions import allowed
    from planner.services.demo import demo_logins

    port = port or int(os.environ.get("PORT", 5000))
    try:
        app = create_app()
    except ConfigError as exc:
        fail(str(exc))
    click.echo(f"\n  Collective Leadership Strategy Planner: http://{host}:{port}/")
    try:
        email, password, _role = next(
            (e, p, r) for e, p, r in demo_logins() if allowed(r, "members.manage")
        )
        click.echo(f"  Demo sign-in: {email} / {password}  (other roles: see data/demo/organisation.json)\n")
    except (OSError, StopIteration):
        pass
    consumer = None
    if worker and not app.config["TASKS_IMMEDIATE"]:
        import subprocess

        # A process of its own, told to stop if this one goes away without stopping it (killed outright). In a
        # session of its own, so Ctrl-C at the terminal reaches only the server, which then stops the worker
        # once (a second SIGINT would cut off the job in hand).
        consumer = subprocess.Popen([sys.executable, "-m", "planner.cli", "worker", "--stop-with-parent"],
                                    start_new_session=True)
        click.echo(f"  Task worker started (process {consumer.pid}); it stops with the server.\n")
    try:
        app.run(host=host, port=port, debug=False, use_reloader=False)
    finally:
        if consumer is not None:
            stop_process(consumer)


def stop_process(process: Any) -> None:
    """Stop a child process: SIGINT (it finishes the job in hand), then SIGTERM, then SIGKILL."""
    import signal
    import subprocess

    for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 5)):
        if process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
    process.kill()
    process.wait()


@main.command("worker")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True,
              help="How many jobs this process runs at once (threads).")
@click.option("--stop-with-parent", is_flag=True, hidden=True,
              help="Stop when the process that started this one ends (planner serve --worker).")
def worker_command(workers: int, stop_with_parent: bool) -> None:
    """Run the task worker: it takes jobs (big imports, board paper PDFs) from the queue until stopped.

    Ctrl-C (SIGINT) stops it once the jobs in hand are done; SIGTERM stops it at once (a job cut off that
    way is shown as failed after 6 hours; start it again)."""
    import logging

    from planner import create_app
    from planner.config import ConfigError
    from planner.queue import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        app = create_app()
    except ConfigError as exc:
        fail(str(exc))
    if stop_with_parent:
        _stop_with_parent()
    try:
        run_worker(app, workers=workers)
    except ConfigError as exc:
        fail(str(exc))


def _stop_with_parent() -> None:
    """Send this process SIGTERM when its parent ends (it is then adopted, so its parent's id changes)."""
    import signal
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True, name="stop-with-parent").start()


@main.command("export-charts")
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
    from pathlib import Path

    from planner.diversity.disclosure import check_audience
    from planner.exports import chart_files
    from planner.models import Organisation, Strategy
    from planner.services import ServiceError
    from planner.services.chart_set import strategy_figures
    from planner.services.scenarios import scenario_by_name

    wanted = list(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in chart_files.FORMATS]
    if unknown or not wanted:
        fail(f"--format {formats!r}: choose from {', '.join(chart_files.FORMATS)}, separated by commas", code=2)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        scenario = None
        if scenario_name is not None:
            try:
                _strategy, scenario = scenario_by_name(session, strategy_id, scenario_name)
            except ServiceError as exc:
                fail(exc.message, code=2)
        try:
            if any(f in chart_files.IMAGE_FORMATS for f in wanted):
                chart_files.require_browser()  # before the slow part
        except chart_files.ChromiumMissing as exc:
            fail(str(exc), code=2)
        organisation = session.get(Organisation, strategy.organisation_id)  # type: ignore[union-attr]
        figures = strategy_figures(session, strategy, organisation, scenario,  # type: ignore[arg-type]
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


# --- workforce evidence ---------------------------------------------------------------------------------

@main.command("import-leavers")
@click.argument("extract", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy the evidence belongs to.")
@click.option("--period-start", required=True, help="The evidence period's first day, YYYY-MM-DD.")
@click.option("--period-end", required=True, help="Its last day, YYYY-MM-DD: one year less a day later.")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False),
              help="JSON mapping our column names to your file's headers.")
@click.option("--sheet", help="The worksheet of an .xlsx file (default: the first).")
def import_leavers_command(extract: str, strategy_id: int, period_start: str, period_end: str,
                           mapping_file: str | None, sheet: str | None) -> None:
    """Keep the counts of a leavers extract (CSV or XLSX) for the evidence period: leavers by area, level,
    leader flag, reason for leaving and age band; no names, ids or dates. Any problem stores nothing (exit 2)."""
    from datetime import date

    from planner.imports import ImportRefused, read_mapping
    from planner.models import Strategy
    from planner.services import ServiceError, evidence

    try:
        start, end = date.fromisoformat(period_start), date.fromisoformat(period_end)
    except ValueError:
        fail("--period-start and --period-end must be dates written YYYY-MM-DD, such as 2025-04-01", code=2)
    data = _read_file(extract)
    mapping = None
    if mapping_file:
        try:
            mapping = read_mapping(_read_file(mapping_file))
        except ImportRefused as exc:
            fail(f"{mapping_file}: {exc.message}", code=2)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        try:
            result = evidence.read_leavers(session, strategy, data, os.path.basename(extract),  # type: ignore[arg-type]
                                           period_start=start, period_end=end, mapping=mapping, sheet=sheet)
        except ImportRefused as exc:
            fail(f"{extract}: {exc.message} Nothing was stored.", code=2)
        del data
        if not result.importable:
            _report(extract, result)
            total = sum(result.problem_totals.values())
            if total > len(result.problems):
                click.echo(f"  ... and {total - len(result.problems):,} more", err=True)
            sys.exit(2)
        try:
            evidence.store_leavers(session=session, strategy=strategy, result=result,  # type: ignore[arg-type]
                                   filename=os.path.basename(extract), actor=None)
        except ServiceError as exc:
            session.rollback()
            fail(exc.message, code=2)
    moves = f"; {result.moves:,} moves inside the organisation not counted" if result.moves else ""
    click.echo(f"Imported {result.rows_read:,} rows: {result.leavers:,} leavers, {result.period.text()}{moves}.")


@main.command("derive-rates")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy whose evidence to use.")
@click.option("--scenario", "scenario_name", help="The scenario whose ready rates cap the projection, and that "
                                                  "--apply changes (default: the first).")
@click.option("--json", "as_json", is_flag=True, help="Print the derived rates as JSON (docs/evidence.md).")
@click.option("--apply", "apply_them", is_flag=True,
              help="Store the measured rates on the scenario: level rates, qualifying area overrides and the "
                   "projected yearly rates.")
def derive_rates_command(strategy_id: int, scenario_name: str | None, as_json: bool, apply_them: bool) -> None:
    """Leaver rates measured from the strategy's staff and leavers extracts, retirement rates by age band and
    the projected leaver rate of each forecast year; --apply puts them on the scenario (audited)."""
    import json

    from planner.models import Strategy
    from planner.services import ServiceError, evidence
    from planner.services.scenarios import scenario_by_name, scenarios_of
    from planner.services.structure import levels_of

    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        try:
            if scenario_name is not None:
                _strategy, scenario = scenario_by_name(session, strategy_id, scenario_name)
            else:
                found = scenarios_of(session, strategy)  # type: ignore[arg-type]
                if not found:
                    fail(f"strategy {strategy_id} has no scenarios", code=2)
                scenario = found[0]
            derived_rates = evidence.derive(session, strategy, scenario)  # type: ignore[arg-type]
            applied = (evidence.apply_rates(session=session, strategy=strategy, scenario=scenario, actor=None)  # type: ignore[arg-type]
                       if apply_them else None)
        except ServiceError as exc:
            session.rollback()
            fail(exc.message, code=2)
        if as_json:
            click.echo(json.dumps(derived_rates.to_json(), allow_nan=False))
        else:
            names = {lv.key: evidence.level_word(lv.name) for lv in levels_of(session, strategy)}  # type: ignore[arg-type]
            click.echo(f"Rates measured over {derived_rates.period.text()} ({', '.join(derived_rates.files)}), "
                       f"projected for '{scenario.name}':")
            for rate in derived_rates.levels:
                if rate.leaver_rate is None:
                    click.echo(f"  {names.get(rate.level, rate.level)}: {rate.no_rate_reason}")
                    continue
                yearly = ", ".join(f"{r:.1%}" for r in rate.projected_leaver_rate or ())
                click.echo(f"  {names.get(rate.level, rate.level)}: {rate.leaver_rate:.1%} "
                           f"({derived_rates.level_source(rate.level, names.get(rate.level))}); by year: {yearly}")
            own = sum(1 for a in derived_rates.areas if a.own_rate)
            click.echo(f"  {own} area rate{'s' if own != 1 else ''} of at least {derived_rates.min_in_post} leaders "
                       "in post on average override their level's.")
        if applied is not None:
            click.echo(f"Applied to '{scenario.name}': {applied.levels} level rate{'s' if applied.levels != 1 else ''}"
                       f", {applied.areas} area override{'s' if applied.areas != 1 else ''}"
                       + (f", {applied.removed} measured override{'s' if applied.removed != 1 else ''} no longer "
                          "qualifying removed" if applied.removed else "") + ".", err=as_json)


# --- backups --------------------------------------------------------------------------------------------

@main.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The backup file to write (it must not exist yet).")
def backup_command(output: str) -> None:
    """Back up the SQLite database while the app runs (PostgreSQL: prints the pg_dump command to use)."""
    from planner.backup import BackupError, backup

    url = database_url()
    try:
        report = backup(url, Path(output))
    except BackupError as exc:
        fail(str(exc), code=2)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", code=2)
    click.echo(f"Backed up the database to {report.path} ({report.size / 1048576:.1f} MB, {report.rows} rows, "
               f"schema revision {report.revision or 'none'}); integrity check: {report.integrity}.")


@main.command("restore")
@click.argument("backup_file", metavar="FILE", type=click.Path(dir_okay=False))
def restore_command(backup_file: str) -> None:
    """Restore a `planner backup` FILE into an empty database (DATABASE_URL), then migrate it to the latest schema."""
    from planner.backup import BackupError, restore

    url = database_url()
    try:
        report = restore(url, Path(backup_file))
    except BackupError as exc:
        fail(str(exc), code=2)
    except OSError as exc:
        fail(f"cannot restore {backup_file}: {exc.strerror or exc}", code=2)
    click.echo(f"Restored {backup_file} into {report.path} ({report.rows} rows); the database is at schema "
               f"revision {report.revision}.")


@main.command("import-establishment")
@click.argument("establishment_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True)
@click.option("--sheet", help="The worksheet of an .xlsx file (default: the first).")
def import_establishment_command(establishment_file: str, strategy_id: int, sheet: str | None) -> None:
    """Import the funded establishment (area, level, posts, and optionally one column per forecast year).

    It replaces the whole establishment: areas and levels not in the file have none afterwards. Any
    problem stops it (exit 2) with row-level messages, and nothing is stored."""
    from planner.imports import ImportRefused
    from planner.models import Strategy
    from planner.services import establishment as service

    data = _read_file(establishment_file)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        try:
            result = service.read_file(session, strategy, data, os.path.basename(establishment_file), sheet=sheet)  # type: ignore[arg-type]
        except ImportRefused as exc:
            fail(f"{establishment_file}: {exc.message} Nothing was stored.", code=2)
        _report(establishment_file, result)
        if not result.importable:
            sys.exit(2)
        service.import_file(session=session, strategy=strategy, result=result,  # type: ignore[arg-type]
                            filename=os.path.basename(establishment_file), actor=None)
    click.echo(f"Imported the funded establishment of {len(result.posts)} area and level combinations "
               f"from {result.rows_read:,} rows into strategy {strategy_id}.")


@main.command("import-succession")
@click.argument("register", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--strategy", "strategy_id", type=int, required=True)
@click.option("--sheet", help="The worksheet of an .xlsx file (default: the first).")
def import_succession_command(register: str, strategy_id: int, sheet: str | None) -> None:
    """Import the succession register (area, level, critical roles, ready now, ready 1-2 years, ready 3-5
    years, and optionally characteristic:group columns of the successors' diversity), replacing the one
    held. Any problem stops it (exit 2) and nothing is stored."""
    from planner.imports import ImportRefused
    from planner.imports.succession import read_succession
    from planner.models import Strategy
    from planner.services import succession

    data = _read_file(register)
    with db_session() as session:
        strategy = session.get(Strategy, strategy_id)
        if strategy is None:
            fail(f"there is no strategy with id {strategy_id}", code=2)
        try:
            result = read_succession(data, os.path.basename(register),
                                     **succession.import_lookups(session, strategy), sheet=sheet)  # type: ignore[arg-type]
        except ImportRefused as exc:
            fail(f"{register}: {exc.message} Nothing was stored.", code=2)
        _report(register, result)
        if not result.importable:
            sys.exit(2)
        held = succession.replace_register(session=session, strategy=strategy, rows=result.rows, actor=None,  # type: ignore[arg-type]
                                           source=f"file {os.path.basename(register)}")
    click.echo(f"Imported the succession register: {held:,} area and level rows (it replaces the one held before).")


def _system_and_strategy(session: Any, system_slug: str, strategy_id: int) -> tuple[Any, Any, Any]:
    """The system, the strategy and its organisation named on the command line; exit 2 if one is missing."""
    from planner.models import Organisation, Strategy
    from planner.services import NotFound
    from planner.services.systems import system_by_slug

    try:
        system = system_by_slug(session, system_slug)
    except NotFound as exc:
        fail(exc.message, code=2)
    strategy = session.get(Strategy, strategy_id)
    if strategy is None:
        fail(f"there is no strategy with id {strategy_id}", code=2)
    return system, strategy, session.get(Organisation, strategy.organisation_id)


@main.command("share")
@click.option("--system", "system_slug", required=True, help="The system's slug.")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The member's strategy to share.")
@click.option("--version", "version_number", type=click.IntRange(1), required=True,
              help="The approved version's number.")
@click.option("--scenario", "scenario_name", help="The scenario the system adds up (default: the version's first).")
def share_command(system_slug: str, strategy_id: int, version_number: int, scenario_name: str | None) -> None:
    """Share one approved version of a member's strategy with a system it belongs to (replacing the
    version shared before); recorded in the member's audit trail."""
    from planner.services import ServiceError
    from planner.services.systems import share

    with db_session() as session:
        system, strategy, organisation = _system_and_strategy(session, system_slug, strategy_id)
        try:
            made = share(session=session, system=system, organisation=organisation, strategy=strategy,
                         version_number=version_number, scenario=scenario_name, actor=None)
        except ServiceError as exc:
            session.rollback()
            fail(exc.message, code=2)
        click.echo(f"{system.name} now sees version {version_number} of '{strategy.title}' "
                   f"(scenario {made.scenario}; share id {made.id}).")


@main.command("unshare")
@click.option("--system", "system_slug", required=True, help="The system's slug.")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The member's strategy shared with it.")
def unshare_command(system_slug: str, strategy_id: int) -> None:
    """Withdraw a strategy's share with a system: the system sees nothing of it from now on."""
    from planner.services.systems import share_of_strategy, withdraw

    with db_session() as session:
        system, strategy, _organisation = _system_and_strategy(session, system_slug, strategy_id)
        found = share_of_strategy(session, system, strategy)
        if found is None:
            fail(f"'{strategy.title}' is not shared with {system.name}: nothing to withdraw", code=2)
        withdraw(session=session, found=found, actor=None)
    click.echo(f"Withdrawn: {system.name} no longer sees '{strategy.title}'.")


if __name__ == "__main__":
    main()
