"""The strategy's task list: each step of the journey (planner.steps) with a status computed from its
data, never Completed while the strategy's completeness check finds it lacking something."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from planner import steps
from planner.dates import long_date
from planner.models import Strategy
from planner.services import derived
from planner.services.baseline import BaselineSummary
from planner.services.completeness import Item
from planner.services.structure import bands_by_level
from planner.steps import COMPLETED, IN_PROGRESS, NOT_STARTED


@dataclass(frozen=True)
class Task:
    """One step on the task list."""

    key: str
    name: str
    endpoint: str
    status: str
    hint: str


def scope_status(strategy: Strategy) -> tuple[str, str]:
    """Completed once vision, mission, values and owner are all written."""
    missing = [name for name in ("vision", "mission", "values", "owner") if not getattr(strategy, name).strip()]
    if not missing:
        return COMPLETED, "Title, period, vision, mission, values and owner"
    return IN_PROGRESS, "Still to add: " + ", ".join(missing)


def structure_status(session: Session, strategy: Strategy, summary: BaselineSummary) -> tuple[str, str]:
    """Completed with at least one area and every level mapped to a band."""
    if not summary.areas:
        return NOT_STARTED, "Add the divisions, directorates and services that hold leaders"
    bands = bands_by_level(session, strategy)
    unmapped = [lv.name for lv in summary.levels if not bands.get(lv.id)]  # type: ignore[arg-type]
    if unmapped:
        return IN_PROGRESS, "Levels without bands: " + ", ".join(unmapped)
    return COMPLETED, f"{len(summary.areas)} areas, {len(summary.levels)} leadership levels"


def baseline_status(summary: BaselineSummary) -> tuple[str, str]:
    """Completed when every area without sub-areas has a staff headcount."""
    if not summary.areas or summary.areas_with_figures == 0:
        return NOT_STARTED, "Staff and leaders in post for each area"
    missing = [a for a in summary.areas if a.id in summary.leaf_ids and not (
        summary.own.get(a.id) and summary.own[a.id].staff  # type: ignore[index]
    )]
    if missing:
        return IN_PROGRESS, f"{len(missing)} area{'s' if len(missing) != 1 else ''} still without a staff headcount"
    staff = int(summary.totals.get("staff", 0))
    return COMPLETED, f"{staff:,} staff and {int(summary.leaders_total()):,} leaders in post"


def forecast_status(session: Session, strategy: Strategy) -> tuple[str, str]:
    """Completed once a scenario forecasts without problems."""
    from planner.services.forecasting import run
    from planner.services.scenarios import scenarios_of

    scenarios = scenarios_of(session, strategy)
    if not scenarios:
        return NOT_STARTED, "Assumptions, scenarios and the five-year forecast of leaders needed"
    first = run(session, strategy, scenarios[0], with_bands=False)
    if first.result is None:
        return IN_PROGRESS, f"{scenarios[0].name}: {first.problems[0]}"
    external = sum(t["external_appointments"] for t in first.result["totals"])  # type: ignore[index]
    count = len(scenarios)
    return COMPLETED, (f"{count} scenario{'s' if count != 1 else ''}; {scenarios[0].name} needs "
                       f"{round(external):,} external appointments over the period")


def diversity_status(session: Session, strategy: Strategy) -> tuple[str, str]:
    """Completed once there are diversity counts and at least one target."""
    from sqlmodel import func, select

    from planner.models import DiversityCount, DiversityTarget

    counts = session.exec(select(func.count()).select_from(DiversityCount)
                          .where(DiversityCount.strategy_id == strategy.id)).one()
    targets = session.exec(select(func.count()).select_from(DiversityTarget)
                           .where(DiversityTarget.strategy_id == strategy.id)).one()
    if not counts and not targets:
        return NOT_STARTED, "Import a staff extract for representation by level, then set targets"
    if not counts:
        return IN_PROGRESS, "No diversity figures yet: import a staff extract"
    if not targets:
        return IN_PROGRESS, "Representation is ready: set targets for the groups and levels that matter"
    return COMPLETED, f"{targets} target{'s' if targets != 1 else ''} set"


def discover_status(session: Session, strategy: Strategy) -> tuple[str, str]:
    """Completed once a survey is closed with enough responses for results."""
    from planner.services.surveys import results, surveys_of

    surveys = surveys_of(session, strategy)
    if not surveys:
        return NOT_STARTED, "Run the collective leadership self-assessment: where do we agree and disagree?"
    for survey in surveys:
        if survey.status == "closed" and results(session, survey).enough:
            return COMPLETED, f"{survey.name}: {results(session, survey).responses:,} responses"
    open_ones = [s for s in surveys if s.status == "open"]
    if open_ones:
        count = results(session, open_ones[0]).responses
        return IN_PROGRESS, f"{open_ones[0].name} is open: {count:,} responses so far"
    return IN_PROGRESS, "Open a survey and share its link"


def competencies_status(session: Session, strategy: Strategy) -> tuple[str, str]:
    """Completed once there are assessments and a development plan."""
    from sqlmodel import func, select

    from planner.models import AssessedCount, Intervention

    assessed = session.exec(select(func.count()).select_from(AssessedCount)
                            .where(AssessedCount.strategy_id == strategy.id)).one()
    plan = session.exec(select(func.count()).select_from(Intervention)
                        .where(Intervention.strategy_id == strategy.id)).one()
    if not assessed and not plan:
        return NOT_STARTED, "Required steps, assessed capability, gaps and a development plan"
    if not assessed:
        return IN_PROGRESS, "No assessments yet: enter or import them to see the gaps"
    if not plan:
        return IN_PROGRESS, "Gaps are ready: plan the development that closes them"
    return COMPLETED, f"{plan} intervention{'s' if plan != 1 else ''} in the development plan"


def objectives_status(session: Session, strategy: Strategy) -> tuple[str, str]:
    """Completed once strategic objectives reach teams or individuals and every objective is SMART."""
    from datetime import date

    from planner.models import Organisation
    from planner.services.objectives import cascade

    views = cascade(session, strategy, session.get(Organisation, strategy.organisation_id), date.today())  # type: ignore[arg-type]
    if not views:
        return NOT_STARTED, "Cascade the vision into objectives for areas, teams and individuals"
    failing = sum(1 for v in views if not v.smart.passed)
    reach = any(v.objective.level in ("team", "individual") for v in views)
    if failing or not reach:
        return IN_PROGRESS, (f"{len(views)} objectives; {failing} not yet SMART" if failing
                             else f"{len(views)} objectives, none yet for teams or individuals")
    return COMPLETED, f"{len(views)} objectives, all SMART"


def consult_status(session: Session, strategy: Strategy) -> tuple[str, str]:
    """Completed once a consultation has closed, none is open and every visible comment has a response."""
    from datetime import date

    from planner.services import consultation as consult

    consultations = consult.consultations_of(session, strategy)
    events = consult.events_of(session, strategy)
    if not consultations and not events:
        return NOT_STARTED, "Ask staff, patients and partners for comments; log engagement events"
    today = date.today()
    tallies = consult.summary(session, strategy)
    open_now = consult.open_consultations(session, strategy, today)
    if open_now:
        return IN_PROGRESS, (f"{open_now[0].title} is open until {long_date(open_now[0].closes_on)}: "
                             f"{tallies.comments:,} comment{'s' if tallies.comments != 1 else ''} so far")
    if not consultations:
        return IN_PROGRESS, (f"{len(events)} engagement event{'s' if len(events) != 1 else ''} logged; "
                             "open a consultation for comments")
    if not any(consult.status(c, today) == "closed" for c in consultations):
        return IN_PROGRESS, f"{consultations[-1].title} opens on {long_date(consultations[-1].opens_on)}"
    if tallies.unanswered:
        return IN_PROGRESS, f"{tallies.unanswered:,} comment{'s' if tallies.unanswered != 1 else ''} still to answer"
    return COMPLETED, (f"{tallies.comments:,} comment{'s' if tallies.comments != 1 else ''} answered; "
                       f"{tallies.changed:,} changed the strategy")


def approve_status(session: Session, strategy: Strategy) -> tuple[str, str]:
    """Completed once the board has approved a version; in progress while submitted."""
    from planner.services.versions import versions_of

    versions = versions_of(session, strategy)
    if strategy.status == "submitted":
        return IN_PROGRESS, "Submitted: waiting for the board's decision"
    if versions:
        latest = versions[-1]
        return COMPLETED, (f"Version {latest.number} approved on {long_date(latest.approved_on)}; "
                           "changes since are a draft")
    return NOT_STARTED, "Check what is missing, submit to the board, record its decision and keep the approved version"


def task_list(session: Session, strategy: Strategy, summary: BaselineSummary, lacking: Sequence[Item]) -> list[Task]:
    """Every step with its status and hint: its own reading of its data, but a step with anything
    lacking (`lacking`: the completeness check's items) is In progress and says the first of them.
    Worked out once per revision of the strategy (planner.services.derived)."""
    return list(derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,  # type: ignore[arg-type]
                                 kind="task list", parts=tuple(lacking),
                                 compute=lambda: _task_list(session, strategy, summary, lacking)))


def _task_list(session: Session, strategy: Strategy, summary: BaselineSummary, lacking: Sequence[Item]) -> list[Task]:
    own = {
        "scope": scope_status(strategy),
        "structure": structure_status(session, strategy, summary),
        "baseline": baseline_status(summary),
        "forecast": forecast_status(session, strategy),
        "discover": discover_status(session, strategy),
        "diversity": diversity_status(session, strategy),
        "competencies": competencies_status(session, strategy),
        "objectives": objectives_status(session, strategy),
        "consult": consult_status(session, strategy),
        "approve": approve_status(session, strategy),
    }
    tasks = []
    for step in steps.STEPS:
        state, words = own[step.key]
        if step.key == "approve":  # what approval lacks is everything any step lacks
            if lacking and state == COMPLETED:
                state = IN_PROGRESS
            if lacking:
                n = len(lacking)
                words = f"{words}. {n} thing{'s' if n != 1 else ''} still lacking before the board approves"
        else:
            mine = [item.message for item in lacking if item.step == step.key]
            state, words = steps.status(state, mine), steps.hint(state, words, mine)
        tasks.append(Task(step.key, step.name, step.endpoint, state, words))
    return tasks
