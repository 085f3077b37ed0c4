"""The `planner` command: database set-up, the demo, people and tokens, imports, exports and the server.

Commands that only touch the database do not build the web app, so they need no SECRET_KEY. Each command
lives in the module of its job and is added to the `main` group here; the modules share planner.cli.common
(the session, the one refusal boundary, error lines, progress bars) and never import this package."""

from __future__ import annotations

import click

from planner.cli import backup, decisions, exports, forecasting, imports, server, setup, surveys
from planner.cli.common import database_url, db_session, end_progress, fail, hash_method, progress_bar, refusals
from planner.cli.exports import pack_audience
from planner.cli.server import stop_process

__all__ = [
    "database_url",
    "db_session",
    "end_progress",
    "fail",
    "hash_method",
    "main",
    "pack_audience",
    "progress_bar",
    "refusals",
    "stop_process",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Collective Leadership Strategy Planner."""


for _module in (setup, forecasting, imports, surveys, exports, decisions, server, backup):
    for _command in _module.COMMANDS:
        main.add_command(_command)
