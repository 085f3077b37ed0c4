"""The strategy's task list: each step of the journey (planner.steps) with its status by planner.steps' one
rule: started from its own data, Completed when the strategy's completeness check finds it lacking nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from planner import steps
from planner.dates import long_date
from planner.models import AssessedCount, DiversityCount, DiversityTarget, Intervention, Strategy
from planner.services import consultation, derived
from planner.services.baseline import BaselineSummary, summarise
from planner.services.completeness import Item, strategy_rows
from planner.services.forecasting import run
from planner.services.lookup import organisation_of
from planner.services.objectives import cascade
from planner.services.scenarios import scenarios_of
from planner.services.surveys import results, surveys_of
from planner.services.versions import versions_of
from planner.steps import COMPLETED, IN_PROGRESS, NOT_STARTED


@dataclass(frozen=True)
class Task:
    """One step on the task list."""

    key: str
    name: str
    endpoint: str
    status: str
    hint: str


# Each step's own reading of its data: whether it has been started, and the words under it when it has not
# been (what to do first) or when nothing is lacking (what it holds). Whether it is done is planner.steps'
# one rule over the completeness check's items; while it lacks something, the task list says what.
Reading = tuple[bool, str]


def scope_status(strategy: Strategy) -> Reading:
    """Always started (the strategy has a title and period); what it holds."""
    return True, "Title, period, vision, mission, values and owner"


def structure_status(summary: BaselineSummary) -> Reading:
    """Started with an area."""
    if not summary.areas:
        return False, "Add the divisions, directorates and services that hold leaders"
    return True, f"{len(summary.areas)} areas, {len(summary.levels)} leadership levels"


def baseline_status(summary: BaselineSummary) -> Reading:
    """Started with figures for an area."""
    if not summary.areas or summary.areas_with_figures == 0:
        return False, "Staff and leaders in post for each area"
    staff = int(summary.totals.get("staff", 0))
    return True, f"{staff:,} staff and {int(summary.leaders_total()):,} leaders in post"


def forecast_status(session: Session, strategy: Strategy) -> Reading:
    """Started with a scenario; what the first one forecasts."""
    scenarios = scenarios_of(session, strategy)
    if not scenarios:
        return False, "Assumptions, scenarios and the five-year forecast of leaders needed"
    count = len(scenarios)
    first = run(session, strategy, scenarios[0], with_bands=False)
    if first.result is None:  # lacking, so this is not shown
        return True, f"{count} scenario{'s' if count != 1 else ''}"
    external = sum(t["external_appointments"] for t in first.result["totals"])
    return True, (f"{count} scenario{'s' if count != 1 else ''}; {scenarios[0].name} needs "
                  f"{round(external):,} external appointments over the period")


def diversity_status(session: Session, strategy: Strategy) -> Reading:
    """Started with diversity counts or a target."""
    counts = strategy_rows(session, DiversityCount.strategy_id, strategy)
    targets = strategy_rows(session, DiversityTarget.strategy_id, strategy)
    if not counts and not targets:
        return False, "Import a staff extract for representation by level, then set targets"
    return True, f"{targets} target{'s' if targets != 1 else ''} set"


def discover_status(session: Session, strategy: Strategy) -> Reading:
    """Started with a survey; the one with results (closed first), with its responses."""
    surveys = surveys_of(session, strategy)
    if not surveys:
        return False, "Run the collective leadership self-assessment: where do we agree and disagree?"
    for survey in sorted(surveys, key=lambda s: s.status != "closed"):
        found = results(session, survey)
        if found.enough:
            return True, f"{survey.name}: {found.responses:,} responses"
    return True, f"{surveys[0].name}"


def competencies_status(session: Session, strategy: Strategy) -> Reading:
    """Started with assessments or a development plan."""
    assessed = strategy_rows(session, AssessedCount.strategy_id, strategy)
    plan = strategy_rows(session, Intervention.strategy_id, strategy)
    if not assessed and not plan:
        return False, "Required steps, assessed capability, gaps and a development plan"
    if not plan:
        return True, "Assessed: no gap needs development"
    return True, f"{plan} intervention{'s' if plan != 1 else ''} in the development plan"


def objectives_status(session: Session, strategy: Strategy) -> Reading:
    """Started with an objective."""
    organisation = organisation_of(session, strategy)
    views = cascade(session, strategy, organisation, date.today())
    if not views:
        return False, "Cascade the vision into objectives for areas, teams and individuals"
    return True, f"{len(views)} objectives, all SMART"


def consult_status(session: Session, strategy: Strategy) -> Reading:
    """Started with a consultation or an engagement event."""
    if not consultation.consultations_of(session, strategy) and not consultation.events_of(session, strategy):
        return False, "Ask staff, patients and partners for comments; log engagement events"
    tallies = consultation.summary(session, strategy)
    return True, (f"{tallies.comments:,} comment{'s' if tallies.comments != 1 else ''} answered; "
                  f"{tallies.changed:,} changed the strategy")


def approve_status(session: Session, strategy: Strategy) -> tuple[str, str]:
    """Completed once the board has approved a version; in progress while submitted."""
    versions = versions_of(session, strategy)
    if strategy.status == "submitted":
        return IN_PROGRESS, "Submitted: waiting for the board's decision"
    if versions:
        latest = versions[-1]
        return COMPLETED, (f"Version {latest.number} approved on {long_date(latest.approved_on)}; "
                           "changes since are a draft")
    return NOT_STARTED, "Check what is missing, submit to the board, record its decision and keep the approved version"


def task_list(session: Session, strategy: Strategy, lacking: Sequence[Item]) -> list[Task]:
    """Every step with its status and hint: its own reading of its data, but a step with anything
    lacking (`lacking`: the completeness check's items) is In progress and says the first of them.
    Each step's reading is worked out once per revision of the groups of tables it reads
    (planner.services.derived), so a change to one step reads again only what that step's reading needs."""
    day = (date.today().isoformat(),)  # every reading under the day: some read it (a survey's results)
    ask = derived.Ask
    readings = derived.remember_each(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id, asks=[
        ask("reading: baseline", day, ("baseline", "structure"), lambda: summarise(session, strategy)),
        ask("reading: forecast", day, ("baseline", "forecast", "strategy", "structure"),
            lambda: forecast_status(session, strategy)),
        ask("reading: discover", day, ("discover",), lambda: discover_status(session, strategy)),
        ask("reading: diversity", day, ("diversity",), lambda: diversity_status(session, strategy)),
        ask("reading: competencies", day, ("competencies",), lambda: competencies_status(session, strategy)),
        ask("reading: objectives", day, ("objectives", "organisation", "strategy", "structure"),
            lambda: objectives_status(session, strategy)),
        ask("reading: consult", day, ("consult",), lambda: consult_status(session, strategy)),
        ask("reading: approve", day, ("approve", "strategy"), lambda: approve_status(session, strategy)),
    ])
    return _task_list(strategy, readings, lacking)


def _task_list(strategy: Strategy, readings: list[Any], lacking: Sequence[Item]) -> list[Task]:
    summary, forecast, discover, diversity, competencies, objectives, consult, approve = readings
    own = {
        "scope": scope_status(strategy),
        "structure": structure_status(summary),
        "baseline": baseline_status(summary),
        "forecast": forecast,
        "discover": discover,
        "diversity": diversity,
        "competencies": competencies,
        "objectives": objectives,
        "consult": consult,
    }
    tasks = []
    for step in steps.STEPS:
        if step.key == "approve":  # done when the board has approved; what it lacks is everything any step lacks
            state, words = approve
            if lacking and state == COMPLETED:
                state = IN_PROGRESS
            if lacking:
                n = len(lacking)
                words = f"{words}. {n} thing{'s' if n != 1 else ''} still lacking before the board approves"
        else:
            started, words = own[step.key]
            mine = [item.message for item in lacking if item.step == step.key]
            state, words = steps.status(started, mine), steps.hint(started, words, mine)
        tasks.append(Task(step.key, step.name, step.endpoint, state, words))
    return tasks
