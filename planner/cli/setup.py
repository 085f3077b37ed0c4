"""Setting up: the database's schema, the demo, organisations, people, passwords and API tokens."""

from __future__ import annotations

import sys

import click

from planner.cli.common import database_url, db_session, fail, hash_method, refusals
from planner.db import current_revision, upgrade
from planner.permissions import ROLES
from planner.services.accounts import (
    add_member,
    create_organisation,
    memberships_of,
    organisation_by_slug,
    user_by_email,
)
from planner.services.accounts import create_token as make_token
from planner.services.demo import load_demo
from planner.services.demo_system import load_demo_system
from planner.services.lookup import organisation_count
from planner.services.passwords import set_password


def _password(password_stdin: bool, prompt: str) -> str:
    """A password from one line of standard input, or typed twice at a hidden prompt."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return password


@click.command("init-db")
def init_db() -> None:
    """Create the database or bring its schema up to date (safe to run again)."""
    url = database_url()
    try:
        upgrade(url)
    except Exception as exc:  # noqa: BLE001 - any driver error is reported in one line
        fail(f"could not migrate the database: {exc}")
    click.echo(f"Database is at schema revision {current_revision(url)}.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no organisations.")
def demo(if_empty: bool) -> None:
    """Load the demo organisation (slug `demo`) and the demo system (slug `demo-ics`) with its members'
    shared versions; running it again changes nothing."""
    with db_session() as session:
        if if_empty and organisation_count(session):
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


@click.command("create-org")
@click.argument("slug")
@click.argument("name")
@click.option("--kind", type=click.Choice(["trust", "system"]), default="trust", show_default=True,
              help="A trust, or a system (an integrated care system whose members share approved versions with it).")
def create_org(slug: str, name: str, kind: str) -> None:
    """Create an organisation with a SLUG (lower-case, hyphens) and a NAME."""
    with db_session() as session, refusals(code=1):
        organisation = create_organisation(session=session, slug=slug, name=name, kind=kind)
    click.echo(f"Created {'system' if kind == 'system' else 'organisation'} '{organisation.name}' "
               f"({organisation.slug}).")


@click.command("create-user")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The role in that organisation.")
@click.option("--name", default="", help="The person's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, org_slug: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account for EMAIL (or add an existing one) with a role in an organisation."""
    with db_session() as session, refusals(code=1):
        organisation = organisation_by_slug(session, org_slug)
        password = None if user_by_email(session, email) is not None else _password(password_stdin, "Password")
        add_member(session=session, organisation=organisation, email=email, role=role,
                   name=name, password=password, hash_method=hash_method())
    click.echo(f"{email.strip().lower()} is now {role} in {organisation.name}.", err=True)


@click.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password (one line) from standard input.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password for EMAIL; every session of that person ends at once."""
    with db_session() as session:
        if user_by_email(session, email) is None:
            fail(f"no account has the email '{email.strip()}'", code=2)
        password = _password(password_stdin, "New password")
        with refusals():
            user = set_password(session=session, email=email, password=password, hash_method=hash_method())
    click.echo(f"New password set for {user.email}; they have been signed out everywhere.", err=True)


@click.command("create-token")
@click.argument("email")
@click.option("--org", "org_slug", help="The organisation (needed when the person has several).")
@click.option("--name", default="Command line", help="What the token is for.")
def create_token(email: str, org_slug: str | None, name: str) -> None:
    """Create an API token for EMAIL and print it (only it) on standard output, once."""
    with db_session() as session:
        user = user_by_email(session, email)
        if user is None:
            fail(f"no account has the email '{email}'")
        memberships = memberships_of(session, user)
        with refusals(code=1):
            if org_slug:
                organisation = organisation_by_slug(session, org_slug)
            elif len(memberships) == 1:
                organisation = memberships[0][1]
            elif not memberships:
                fail(f"{email} is not a member of any organisation")
            else:
                fail(f"{email} belongs to several organisations: choose one with --org")
            _token, plain = make_token(session=session, user=user, organisation=organisation, name=name)
    click.echo(plain)


COMMANDS = (init_db, demo, create_org, create_user, set_password_command, create_token)
