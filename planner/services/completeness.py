"""What the strategy still lacks before the board approves it: one list, shown on the task list,
the Approve step and the API, each item naming its step and the page where it is fixed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from planner.dates import long_date
from planner.models import AssessedCount, DiversityCount, DiversityTarget, Organisation, Strategy
from planner.services import consultation, derived
from planner.services.baseline import summarise
from planner.services.competencies import plan_view, reusing_gaps
from planner.services.forecasting import run_each
from planner.services.objectives import alignment, cascade
from planner.services.scenarios import scenarios_of
from planner.services.structure import bands_by_level, levels_of
from planner.services.surveys import results, surveys_of
from planner.steps import step

SHOWN = 3  # names listed in one item before "and N more": each item one short sentence


@dataclass(frozen=True)
class Item:
    """One thing the strategy lacks: its step, what is missing, and the page that fixes it."""

    step: str
    message: str

    @property
    def endpoint(self) -> str:
        """The page where it is fixed."""
        return step(self.step).fix_endpoint

    @property
    def step_name(self) -> str:
        """The step's short name."""
        return step(self.step).short


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


# What an objective's alignment rests on: the cascade, and the gaps it may own (targets, competencies, forecast).
OBJECTIVES_READ = ("baseline", "catalogue", "competencies", "diversity", "forecast", "objectives", "organisation",
                   "strategy", "structure")


def strategy_rows(session: Session, strategy_column: int, strategy: Strategy) -> int:
    """How many rows the strategy has in a table, given the table's strategy_id column."""
    return session.exec(select(func.count()).where(col(strategy_column) == strategy.id)).one()


def _scope(strategy: Strategy) -> list[Item]:
    missing = [name for name in ("vision", "mission", "values", "owner") if not getattr(strategy, name).strip()]
    return [Item("scope", f"The strategy has no {name} yet") for name in missing]


def _structure_and_baseline(session: Session, strategy: Strategy) -> list[Item]:
    summary = summarise(session, strategy)
    if not summary.areas:
        return [Item("structure", "There are no areas yet")]
    items = []
    bands = bands_by_level(session, strategy)
    unmapped = [lv.name for lv in summary.levels if not bands.get(lv.id)]
    if unmapped:
        items.append(Item("structure", f"Levels without bands, grades or job roles: {_names(unmapped)}"))
    missing = [a.name for a in summary.areas if a.id in summary.leaf_ids
               and not (summary.own.get(a.id) and summary.own[a.id].staff)]
    if missing:
        items.append(Item("baseline", f"{_plural(len(missing), 'area')} without a baseline staff headcount: "
                                      f"{_names(missing)}"))
    return items


def _forecast(session: Session, strategy: Strategy) -> list[Item]:
    scenarios = scenarios_of(session, strategy)
    if not scenarios:
        return [Item("forecast", "There is no forecast scenario yet")]
    items = []
    for scenario, outcome in zip(scenarios, run_each(session, strategy, scenarios, with_bands=False), strict=True):
        if outcome.result is None and outcome.problems:
            items.append(Item("forecast", f"The scenario '{scenario.name}' cannot forecast: {outcome.problems[0]}"))
    return items


def _discover(session: Session, strategy: Strategy) -> list[Item]:
    if any(results(session, s).enough for s in surveys_of(session, strategy)):
        return []
    return [Item("discover", "No self-assessment has enough responses for results yet (five are needed)")]


def _diversity(session: Session, strategy: Strategy) -> list[Item]:
    counts = strategy_rows(session, DiversityCount.strategy_id, strategy)
    items = []
    if not counts:
        items.append(Item("diversity", "There are no diversity figures yet: import a staff extract"))
    targets = list(session.exec(select(DiversityTarget).where(DiversityTarget.strategy_id == strategy.id)))
    covered = {t.level_id for t in targets}
    if None not in covered:  # a target across all levels covers every level
        without = [lv.name for lv in levels_of(session, strategy) if lv.id not in covered]
        if without:
            items.append(Item("diversity", f"Levels without a diversity target: {_names(without)}"))
    return items


def _competencies(session: Session, strategy: Strategy) -> list[Item]:
    assessed = strategy_rows(session, AssessedCount.strategy_id, strategy)
    if not assessed:
        return [Item("competencies", "No competency assessments yet, so the gaps are unknown")]
    unaddressed = plan_view(session, strategy)["unaddressed"]
    if unaddressed:
        return [Item("competencies", f"{_plural(len(unaddressed), 'competency gap')} with no development "
                                     f"in the plan")]
    return []


def _objectives(session: Session, strategy: Strategy, organisation: Organisation, today: date) -> list[Item]:
    views = cascade(session, strategy, organisation, today)
    if not views:
        return [Item("objectives", "There are no objectives yet")]
    items = []
    failing = [v.objective.ref for v in views if not v.smart.passed]
    if failing:
        items.append(Item("objectives", f"{_plural(len(failing), 'objective')} failing the SMART check: "
                                        f"{_names(failing)}"))
    found = alignment(session, strategy, views)
    kinds: dict[str, list[str]] = {}
    for gap in found.gaps_without:  # one sentence for each kind of gap, not one for all
        label = gap["label"]
        if gap["kind"] != "diversity target":  # "X at senior leaders: 93% below ...": the name is enough here
            label = label.rsplit(": ", 1)[0]
        kinds.setdefault(gap["kind"], []).append(label)
    for kind, labels in kinds.items():
        items.append(Item("objectives", f"{_plural(len(labels), kind)} with no objective: {_names(labels)}"))
    if found.unreaching:
        items.append(Item("objectives", f"Strategic objectives reaching no team or individual: "
                                        f"{_names([v.objective.ref for v in found.unreaching])}"))
    return items


def _consult(session: Session, strategy: Strategy, today: date) -> list[Item]:
    items = []
    consultations = consultation.consultations_of(session, strategy)
    open_now = consultation.open_consultations(session, strategy, today)
    for open_one in open_now:
        items.append(Item("consult", f"The consultation '{open_one.title}' is still open (it closes on "
                                     f"{long_date(open_one.closes_on)})"))
    if not open_now and not any(consultation.status(c, today) == "closed" for c in consultations):
        items.append(Item("consult", f"The consultation '{consultations[-1].title}' opens on "
                                     f"{long_date(consultations[-1].opens_on)}" if consultations
                      else "No consultation has taken comments yet"))
    unanswered = consultation.summary(session, strategy).unanswered
    if unanswered:
        items.append(Item("consult", f"{_plural(unanswered, 'comment')} still to answer"))
    if not consultation.patient_voice_recorded(session, strategy):
        items.append(Item("consult", "No consultation with patients and the public is recorded"))
    return items


def completeness(session: Session, strategy: Strategy, organisation: Organisation, today: date) -> list[Item]:
    """Everything the strategy still lacks, in the journey's order; empty when it is complete. Each step's
    part is worked out once per revision of the groups of tables it reads (and day), so a change to one step
    works out again only the parts that read it (planner.services.derived)."""
    day = (today.isoformat(),)  # every part under the day: some steps' rules read it (a consultation closes)
    with reusing_gaps(session):
        found = derived.remember_each(session, strategy_id=strategy.id, organisation_id=organisation.id, asks=[
            derived.Ask("lacking: scope", day, ("scope",), lambda: _scope(strategy)),
            derived.Ask("lacking: structure", day, ("baseline", "structure"),
                        lambda: _structure_and_baseline(session, strategy)),
            derived.Ask("lacking: forecast", day, ("baseline", "forecast", "strategy", "structure"),
                        lambda: _forecast(session, strategy)),
            derived.Ask("lacking: discover", day, ("discover",), lambda: _discover(session, strategy)),
            derived.Ask("lacking: diversity", day, ("diversity", "structure"), lambda: _diversity(session, strategy)),
            derived.Ask("lacking: competencies", day, ("catalogue", "competencies", "strategy", "structure"),
                        lambda: _competencies(session, strategy)),
            derived.Ask("lacking: objectives", day, OBJECTIVES_READ,
                        lambda: _objectives(session, strategy, organisation, today)),
            derived.Ask("lacking: consult", day, ("consult",), lambda: _consult(session, strategy, today)),
        ])
    return [item for items in found for item in items]
