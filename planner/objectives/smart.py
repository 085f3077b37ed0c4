"""The SMART check: the one place that decides whether an objective is Specific, Measurable, Achievable,
Relevant and Time-bound, and says what to add when it is not. Pages, the API and the workbook all
call `smart_check`.

- **Specific**: a title of TITLE_MIN_WORDS to TITLE_MAX_WORDS words (a word has a letter or digit in it)
  and a named owner.
- **Measurable**: a target with a baseline and a target that differ; a range with both ends; a
  milestone, or a measure to establish a baseline, with a due date (the milestone's date). An objective
  with no measure of its own fails, even when it rolls up its children's progress.
- **Achievable**: the owner's confidence is recorded and is medium or high, or it is low and a reason
  is recorded.
- **Relevant**: a strategic objective is linked to the vision, the mission or a value; any other
  objective has a parent.
- **Time-bound**: a start date and a due date, the due date after the start and inside the strategy's
  period (its first to its last day, both included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from planner.dates import long_date
from planner.objectives.progress import CONFIDENCE, LEVELS, Measure

__all__ = ["LETTERS", "TITLE_MAX_WORDS", "TITLE_MIN_WORDS", "SmartResult", "smart_check", "title_words"]

TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 20
LETTERS = ("S", "M", "A", "R", "T")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class SmartResult:
    """Which letters pass, and one sentence per failing letter (in S, M, A, R, T order) saying what to add."""

    S: bool
    M: bool
    A: bool
    R: bool
    T: bool
    reasons: list[str]

    @property
    def passed(self) -> bool:
        """All five letters pass."""
        return self.S and self.M and self.A and self.R and self.T

    @property
    def failed(self) -> tuple[str, ...]:
        """The failing letters, in order; `reasons[i]` is about `failed[i]`."""
        return tuple(letter for letter in LETTERS if not getattr(self, letter))


def title_words(title: str) -> int:
    """How many words a title has: runs of non-space characters with at least one letter or digit."""
    return sum(1 for word in title.split() if _WORD.search(word))



def _specific(title: str, owner: str | None) -> str | None:
    words = title_words(title)
    wants = []
    if words < TITLE_MIN_WORDS:
        wants.append(f"a title of at least {TITLE_MIN_WORDS} words saying what will change")
    elif words > TITLE_MAX_WORDS:
        wants.append(f"a shorter title, of at most {TITLE_MAX_WORDS} words (put the detail in the description)")
    if not (owner or "").strip():
        wants.append("an owner who is accountable for it")
    return f"Specific: add {' and '.join(wants)}." if wants else None


def _measurable(measure: Measure, due: date | None) -> str | None:
    if measure.kind == "target":
        if measure.baseline is None or measure.target is None:
            missing = " and ".join(n for n, v in (("a baseline", measure.baseline), ("a target", measure.target))
                                   if v is None)
            return f"Measurable: add {missing}, so progress can be measured."
        if measure.baseline == measure.target:
            return "Measurable: set a target different from the baseline, so progress can be measured."
        return None
    if measure.kind == "range":
        if measure.low is None or measure.high is None:
            return "Measurable: add the bottom and top of the range to keep within."
        return None
    if measure.kind in ("milestone", "baseline"):
        if due is not None:
            return None
        what = "the milestone is met" if measure.kind == "milestone" else "the baseline is established"
        return f"Measurable: add the due date by which {what}."
    return ("Measurable: add a measure: a baseline and a target, a range to keep within, or a milestone "
            "with a due date.")


def _achievable(confidence: str | None, reason: str) -> str | None:
    if confidence is None:
        return "Achievable: record the owner's confidence (low, medium or high) that it will be met."
    if confidence == "low" and not reason.strip():
        return "Achievable: confidence is low, so record the reason it is still the right objective."
    return None


def _relevant(level: str, has_parent: bool, linked_to_scope: bool) -> str | None:
    if level == "strategic":
        return None if linked_to_scope else "Relevant: link it to the vision, the mission or one of the values."
    return None if has_parent else "Relevant: add the parent objective it contributes to."


def _time_bound(start: date | None, due: date | None, period_start: date, period_end: date) -> str | None:
    missing = [name for name, value in (("a start date", start), ("a due date", due)) if value is None]
    if missing:
        return f"Time-bound: add {' and '.join(missing)}."
    assert start is not None and due is not None
    if due <= start:
        return "Time-bound: set a due date after the start date."
    if not period_start <= due <= period_end:
        return (f"Time-bound: set a due date inside the strategy's period, {long_date(period_start)} to "
                f"{long_date(period_end)}.")
    return None


def smart_check(
    *,
    title: str,
    owner: str | None,
    level: str,
    measure: Measure,
    confidence: str | None,
    confidence_reason: str,
    has_parent: bool,
    linked_to_scope: bool,
    start: date | None,
    due: date | None,
    period_start: date,
    period_end: date,
) -> SmartResult:
    """Check one objective against the SMART rules (see the module's notes); ValueError on an unknown
    level or confidence, or a strategy period that ends before it starts."""
    if level not in LEVELS:
        raise ValueError(f"The level must be one of {', '.join(LEVELS)}, not {level!r}.")
    if confidence is not None and confidence not in CONFIDENCE:
        raise ValueError(f"Confidence must be one of {', '.join(CONFIDENCE)}, not {confidence!r}.")
    if period_end < period_start:
        raise ValueError("The strategy's period ends before it starts.")
    found = {
        "S": _specific(title, owner),
        "M": _measurable(measure, due),
        "A": _achievable(confidence, confidence_reason),
        "R": _relevant(level, has_parent, linked_to_scope),
        "T": _time_bound(start, due, period_start, period_end),
    }
    return SmartResult(
        S=found["S"] is None,
        M=found["M"] is None,
        A=found["A"] is None,
        R=found["R"] is None,
        T=found["T"] is None,
        reasons=[reason for reason in found.values() if reason is not None],
    )
