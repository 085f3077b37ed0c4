"""Results worked out right after a write, off the request: the queue's worker works out what the pages
that gather every step (the strategy home, Approve, Compare) and the forecast page keep, so the next
visitor reads them kept instead of paying for them (docs/derived-results.md). Only what the write moved is
worked out again (planner.revisions scopes revisions by step); the rest is read from the shared store."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from planner.models import Strategy
from planner.services.baseline import headline
from planner.services.completeness import completeness
from planner.services.forecasting import run_each
from planner.services.lookup import organisation_of
from planner.services.progress import task_list
from planner.services.scenarios import scenarios_of
from planner.services.versions import take_snapshot


def strategies_moved(session: Session, owners: frozenset[str]) -> list[Strategy]:
    """The strategies whose results a write to `owners` may have changed: a strategy's own, and every
    strategy of an organisation whose shared rows moved. A change that cannot be placed (`all`: a person's
    name) warms nothing: every strategy of every organisation would be too many to work out for one rename."""
    strategy_ids = {int(owner.split(":")[1]) for owner in owners if owner.startswith("strategy:")}
    organisation_ids = {int(owner.split(":")[1]) for owner in owners if owner.startswith("organisation:")}
    if not strategy_ids and not organisation_ids:
        return []
    query = select(Strategy).where(col(Strategy.id).in_(strategy_ids)
                                   | col(Strategy.organisation_id).in_(organisation_ids))
    return list(session.exec(query.order_by(col(Strategy.id))))


def warm(session: Session, owners: frozenset[str], *, today: date) -> list[int]:
    """Work out and keep (when the session is attached to the shared store: planner.services.derived) what the
    pages that gather every step show for each strategy the write moved; returns their ids."""
    done = []
    for strategy in strategies_moved(session, owners):
        organisation = organisation_of(session, strategy)
        lacking = completeness(session, strategy, organisation, today)
        task_list(session, strategy, lacking)
        headline(session, strategy)
        take_snapshot(session, strategy, organisation, today=today, prepared_by="")  # Compare's draft, the pack
        run_each(session, strategy, scenarios_of(session, strategy), with_bands=True)  # the forecast page's
        done.append(strategy.id)
    return done


