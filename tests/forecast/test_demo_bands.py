"""model.md version 2's check on the demo organisation: for every scenario that asks for simulations,
each level's expected external appointments and leaders in post at the end lie between the
simulations' 10th and 90th percentiles in every year."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from planner.services import forecasting
from planner.services.scenarios import scenarios_of
from tests import factories

METRICS = ("external_appointments", "end")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[forecasting.ScenarioRun]]:
    """Every demo scenario that asks for simulations, forecast with its bands, from a database of this
    module's own."""
    with factories.demo_database(tmp_path_factory.mktemp("demo-bands")) as (session, strategy, _organisation):
        yield [forecasting.run(session, strategy, scenario) for scenario in scenarios_of(session, strategy)
               if scenario.simulations]


def test_the_demo_has_a_scenario_with_bands(runs: list[forecasting.ScenarioRun]) -> None:
    assert runs, "no demo scenario asks for simulations"
    for run in runs:
        assert not run.problems, (run.scenario.name, run.problems)
        assert run.result is not None and run.result["bands"], run.scenario.name


def test_each_expected_figure_lies_between_p10_and_p90(runs: list[forecasting.ScenarioRun]) -> None:
    outside = []
    for run in runs:
        assert run.result is not None
        expected = {(t["level"], t["year"]): t for t in run.result["totals"]}
        for band in run.result["bands"]:
            for metric in METRICS:
                figure = expected[(band["level"], band["year"])][metric]
                low, high = band[metric]["p10"], band[metric]["p90"]
                if not low <= figure <= high:
                    outside.append(f"{run.scenario.name}, {band['level']} {band['year']} {metric}: "
                                   f"expected {figure:.2f}, P10 {low:g}, P90 {high:g}")
    assert not outside, "\n".join(outside)
