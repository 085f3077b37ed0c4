"""The journey's steps, defined once: key, name (as its page's heading begins), short name, the page
that opens it and the page where what it lacks is fixed, and the rule that turns what a step has and
lacks into its status. The task list, completeness, the API, the pack and the paper all read these.
Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NOT_STARTED, IN_PROGRESS, COMPLETED = "Not started", "In progress", "Completed"


@dataclass(frozen=True)
class Step:
    """One step of the journey."""

    key: str
    name: str  # the task list's link text; the step's page heading begins with it
    short: str  # the label a lacking item carries ("Diversity: ...")
    endpoint: str  # the step's page
    fix_endpoint: str  # where what it lacks is fixed (every endpoint takes strategy_id)


STEPS: tuple[Step, ...] = (
    Step("scope", "Scope", "Scope", "strategies.scope", "strategies.scope"),
    Step("structure", "Structure", "Structure", "structure.index", "structure.index"),
    Step("baseline", "Baseline: staff and leaders in post", "Baseline", "baseline.index", "baseline.index"),
    Step("forecast", "Leadership demand and supply", "Forecast", "forecast.index", "forecast.index"),
    Step("discover", "Discover: how we lead together now", "Discover", "surveys.index", "surveys.index"),
    Step("diversity", "Diversity of leadership", "Diversity", "diversity.index", "diversity.targets"),
    Step("competencies", "Competencies leaders need", "Competencies", "competencies.index", "competencies.index"),
    Step("objectives", "Objectives, from the board to every team", "Objectives", "objectives.index",
         "objectives.alignment"),
    Step("consult", "Consult: what staff, patients and partners say", "Consult", "consult.index", "consult.index"),
    Step("approve", "Approve and keep", "Approve", "approve.index", "approve.index"),
)
BY_KEY = {step.key: step for step in STEPS}


def step(key: str) -> Step:
    """The step with this key."""
    return BY_KEY[key]


def status(started: bool, lacking: Sequence[str]) -> str:
    """The one definition of a step being done: Not started until it has anything, Completed once it has
    and the completeness check finds nothing lacking for it (what it lacks for the board is what it lacks
    for the task list), In progress in between."""
    if not started:
        return NOT_STARTED
    return IN_PROGRESS if lacking else COMPLETED


def hint(started: bool, own_hint: str, lacking: Sequence[str]) -> str:
    """What the task list says under a step: its own words (what to do first, or what it holds), except
    while it lacks something: then the first thing it lacks, and how many more."""
    if not started or not lacking:
        return own_hint
    more = len(lacking) - 1
    return lacking[0] + (f" (and {more} more thing{'s' if more != 1 else ''} to do)" if more else "")
