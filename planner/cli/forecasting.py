"""The forecasting commands: forecast a spec (a file, or a stored strategy and scenario) and derive leaver
rates from the workforce evidence."""

from __future__ import annotations

import json
import sys

import click

from planner.cli.common import db_session, fail, plural, refusals
from planner.forecast import SpecError, forecast
from planner.services import evidence
from planner.services.lookup import strategy_by_id
from planner.services.scenarios import scenario_by_name, scenarios_of, spec_for
from planner.services.structure import levels_of


def _print_problems(source: str, problems: list[str]) -> None:
    """List a spec's problems on standard error."""
    click.echo(f"planner: {source}: the spec has {len(problems)} problem{plural(len(problems))}:", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)


def _stored_spec(strategy_id: int, scenario_name: str) -> object:
    """The spec of a stored strategy's scenario (exit 2 when either is missing)."""
    with db_session() as session, refusals():
        strategy, scenario = scenario_by_name(session, strategy_id, scenario_name)
        return spec_for(session, strategy, scenario)


def _spec_in_file(source: str, spec_file: str) -> object:
    """The spec read from a JSON file, or standard input for "-" (exit 2 when it cannot be)."""
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
        data: object = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", code=2)
    except RecursionError:
        fail(f"{source} is nested too deeply to be a spec", code=2)
    return data


@click.command("forecast")
@click.argument("spec_file", required=False, metavar="SPEC.json")
@click.option("--strategy", "strategy_id", type=int, help="Forecast a stored strategy instead of a file.")
@click.option("--scenario", "scenario_name", help="With --strategy: the scenario's name.")
def forecast_command(spec_file: str | None, strategy_id: int | None, scenario_name: str | None) -> None:
    """Forecast SPEC.json (or - for standard input) and print the results as JSON.

    Needs no database. A bad spec exits with status 2 and lists every problem on standard error.
    """
    if strategy_id is not None or scenario_name is not None:
        if spec_file is not None or strategy_id is None or not scenario_name:
            fail("give either SPEC.json, or --strategy ID with --scenario NAME", code=2)
        data = _stored_spec(strategy_id, scenario_name)
        source = f"strategy {strategy_id}, scenario {scenario_name}"
    else:
        if spec_file is None:
            fail("give the spec file to forecast (or - to read it from standard input)", code=2)
        source = "standard input" if spec_file == "-" else str(spec_file)
        data = _spec_in_file(source, spec_file)
    try:
        result = forecast(data)
    except SpecError as exc:
        _print_problems(source, [str(p) for p in exc.problems])
        sys.exit(2)
    click.echo(json.dumps(result, allow_nan=False))


@click.command("derive-rates")
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
    with db_session() as session:
        with refusals():
            strategy = strategy_by_id(session, strategy_id)
            if scenario_name is not None:
                _strategy, scenario = scenario_by_name(session, strategy_id, scenario_name)
            else:
                found = scenarios_of(session, strategy)
                if not found:
                    fail(f"strategy {strategy_id} has no scenarios", code=2)
                scenario = found[0]
            derived_rates = evidence.derive(session, strategy, scenario)
            applied = (evidence.apply_rates(session=session, strategy=strategy, scenario=scenario, actor=None)
                       if apply_them else None)
        if as_json:
            click.echo(json.dumps(derived_rates.to_json(), allow_nan=False))
        else:
            names = {lv.key: evidence.level_word(lv.name) for lv in levels_of(session, strategy)}
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
            click.echo(f"  {own} area rate{plural(own)} of at least {derived_rates.min_in_post} leaders "
                       "in post on average override their level's.")
        if applied is not None:
            click.echo(f"Applied to '{scenario.name}': {applied.levels} level rate{plural(applied.levels)}"
                       f", {applied.areas} area override{plural(applied.areas)}"
                       + (f", {applied.removed} measured override{plural(applied.removed)} no longer "
                          "qualifying removed" if applied.removed else "") + ".", err=as_json)


COMMANDS = (forecast_command, derive_rates_command)
