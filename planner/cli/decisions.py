"""The board's decisions: record an approval (or a deferral), and share an approved version with a system or
withdraw the share."""

from __future__ import annotations

from datetime import date

import click

from planner.cli.common import db_session, fail, refusals
from planner.dates import long_date
from planner.models import Organisation, Strategy
from planner.services import versions
from planner.services.lookup import Session, organisation_of, strategy_by_id, version_by_id
from planner.services.systems import share, share_of_strategy, system_by_slug, withdraw


@click.command("approve")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The strategy the board decided on.")
@click.option("--meeting-date", required=True, help="The board meeting's date, YYYY-MM-DD.")
@click.option("--minute", required=True, help="The minute reference, for example 2027/045.")
@click.option("--decision", default="approved", show_default=True,
              type=click.Choice(["approved", "approved_with_changes", "deferred"]), help="The board's decision.")
@click.option("--notes", default="", help="The changes asked for, or why the board deferred.")
def approve_command(strategy_id: int, meeting_date: str, minute: str, decision: str, notes: str) -> None:
    """Record the board's decision; an approval freezes a version of the strategy.

    A draft is submitted first. The strategy goes on as the draft of the next version."""
    try:
        meeting = date.fromisoformat(meeting_date.strip())
    except ValueError:
        fail(f"--meeting-date must be a date as YYYY-MM-DD, not '{meeting_date}'", code=2)
    values = {"meeting_date": meeting, "minute": minute, "decision": decision, "notes": notes}
    with db_session() as session:
        with refusals():
            strategy = strategy_by_id(session, strategy_id)
            organisation = organisation_of(session, strategy)
            versions.check_decision(dict(values), date.today())
            if strategy.status != "submitted":
                versions.submit(session=session, strategy=strategy, actor=None)
            made = versions.record_decision(session=session, strategy=strategy, organisation=organisation,
                                            values=dict(values), actor=None, today=date.today())
        if made.version_id is not None:
            version = version_by_id(session, made.version_id)
            click.echo(f"Recorded: {versions.DECISIONS[decision].lower()} at the board meeting of "
                       f"{long_date(meeting)} (minute {made.minute}). Version {version.number} "
                       f"is frozen (id {made.version_id}).")
        else:
            click.echo(f"Recorded: deferred at the board meeting of {long_date(meeting)} "
                       f"(minute {made.minute}). The strategy stays a draft.")


def _system_and_strategy(session: Session, system_slug: str,
                         strategy_id: int) -> tuple[Organisation, Strategy, Organisation]:
    """The system, the strategy and its organisation named on the command line; exit 2 if one is missing."""
    with refusals():
        system = system_by_slug(session, system_slug)
        strategy = strategy_by_id(session, strategy_id)
    return system, strategy, organisation_of(session, strategy)


@click.command("share")
@click.option("--system", "system_slug", required=True, help="The system's slug.")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The member's strategy to share.")
@click.option("--version", "version_number", type=click.IntRange(1), required=True,
              help="The approved version's number.")
@click.option("--scenario", "scenario_name", help="The scenario the system adds up (default: the version's first).")
def share_command(system_slug: str, strategy_id: int, version_number: int, scenario_name: str | None) -> None:
    """Share one approved version of a member's strategy with a system it belongs to (replacing the
    version shared before); recorded in the member's audit trail."""
    with db_session() as session:
        system, strategy, organisation = _system_and_strategy(session, system_slug, strategy_id)
        with refusals():
            made = share(session=session, system=system, organisation=organisation, strategy=strategy,
                         version_number=version_number, scenario=scenario_name, actor=None)
        click.echo(f"{system.name} now sees version {version_number} of '{strategy.title}' "
                   f"(scenario {made.scenario}; share id {made.id}).")


@click.command("unshare")
@click.option("--system", "system_slug", required=True, help="The system's slug.")
@click.option("--strategy", "strategy_id", type=int, required=True, help="The member's strategy shared with it.")
def unshare_command(system_slug: str, strategy_id: int) -> None:
    """Withdraw a strategy's share with a system: the system sees nothing of it from now on."""
    with db_session() as session:
        system, strategy, _organisation = _system_and_strategy(session, system_slug, strategy_id)
        found = share_of_strategy(session, system, strategy)
        if found is None:
            fail(f"'{strategy.title}' is not shared with {system.name}: nothing to withdraw", code=2)
        withdraw(session=session, found=found, actor=None)
    click.echo(f"Withdrawn: {system.name} no longer sees '{strategy.title}'.")


COMMANDS = (approve_command, share_command, unshare_command)
