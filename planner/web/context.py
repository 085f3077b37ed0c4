"""What a strategy's pages read from the request beyond the strategy itself: the organisation acted in,
and which of the strategy's scenarios the page shows."""

from __future__ import annotations

from flask import request

from planner.db import get_session
from planner.models import Scenario, Strategy
from planner.services.scenarios import scenarios_of
from planner.web.fields import named_record_id, record_id
from planner.web.tenancy import child_or_404, strategy_or_404


def chosen_scenario(strategy: Strategy, *, lenient: bool = False) -> tuple[Scenario | None, list[Scenario]]:
    """The scenario named in ?scenario=ID (this strategy's only: another's is a 404), else the first (None
    when there are none); and all of the strategy's scenarios. A value no record can have ('abc') is a
    404 too, or with `lenient` (the Diversity pages, as they always were) the first."""
    found = scenarios_of(get_session(), strategy)
    raw = request.args.get("scenario")
    wanted = record_id(raw) if lenient else named_record_id(raw)
    if wanted is not None:
        return child_or_404(Scenario, wanted, strategy), found
    return (found[0] if found else None), found


def strategy_and_scenario(strategy_id: int, *,
                          lenient: bool = False) -> tuple[Strategy, Scenario | None, list[Scenario]]:
    """The strategy a page is about (or 404), with its chosen scenario and all its scenarios (`chosen_scenario`)."""
    strategy = strategy_or_404(strategy_id)
    return (strategy, *chosen_scenario(strategy, lenient=lenient))
