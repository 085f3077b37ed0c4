"""The survey commands: create a self-assessment survey, and issue personal invitation codes for one."""

from __future__ import annotations

import os
from datetime import date

import click

from planner.cli.common import db_session, fail, refusals
from planner.services import survey_codes
from planner.services.lookup import strategy_by_id, survey_of_strategy
from planner.services.surveys import create_survey


@click.command("create-survey")
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
    closing = None
    if closes_on:
        try:
            closing = date.fromisoformat(closes_on)
        except ValueError:
            fail(f"--closes-on {closes_on!r} is not a date like 2026-12-31", code=2)
    with db_session() as session:
        with refusals():
            strategy = strategy_by_id(session, strategy_id)
            survey = create_survey(session=session, strategy=strategy, name=name, closes_on=closing, actor=None,
                                   mode="invitation" if invitation else "open", commit=False)
        if open_now:
            # In the same transaction as its creation (services.surveys.set_status needs a person to audit).
            survey.status = "open"
            session.add(survey)
        session.commit()
        click.echo(survey.id)


@click.command("survey-codes")
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
    if not base_url or not base_url.startswith(("https://", "http://")):
        fail("give --base-url (or PLANNER_BASE_URL): the address people open the planner at, "
             "like https://planner.example.nhs.uk", code=2)
    if output and os.path.exists(output):
        fail(f"{output} already exists: give a new file name (the codes are written once)", code=2)
    with db_session() as session:
        with refusals():
            survey = survey_of_strategy(session, strategy_id, survey_id)
            codes = survey_codes.issue_codes(session=session, survey=survey, count=count, actor=None, commit=False)
        links = [survey_codes.personal_link(base_url, survey.token, code) for code in codes]
        text = survey_codes.codes_csv(codes, links)
        if output:
            # Committed only once the file is written: codes no one could hand out are never kept (leaving the
            # session uncommitted rolls them back).
            try:
                with open(output, "x", encoding="utf-8", newline="") as handle:
                    handle.write(text)
            except OSError as exc:
                fail(f"{output}: {exc.strerror or exc}. No codes were issued.", code=2)
            session.commit()
            click.echo(f"Issued {count:,} invitation codes for survey {survey_id} into {output}.", err=True)
        else:
            session.commit()
            click.echo(text, nl=False)


COMMANDS = (create_survey_command, survey_codes_command)
