"""What a diversity target's assessment (model.md version 2, "Is the target realistic?") says, in words.

One place for the words, so the Diversity pages, the board pack and the board paper say the same
thing of the same figures. Pure functions on the engine's output item (or the pack content's copy
of it) and names; shares are rounded here only for display, to a tenth of a percent.

A target that needs a larger share of appointments than the group's share of the pool those
appointments come from is never called simply reachable: fair recruitment appoints in proportion
to the pool, and positive action under the Equality Act 2010 (sections 158 and 159) is a
tie-break, not a quota, so such a target needs the pool itself to widen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MET = "met_without_action"
WITHIN = "within_pipeline"
WIDER = "needs_wider_pipeline"
NOT_REACHABLE = "not_reachable"
REACHABLE = "reachable"  # no pipeline share to compare with

LABELS = {
    MET: "Met without action",
    WITHIN: "Within the pool",
    WIDER: "Needs a wider pool",
    NOT_REACHABLE: "Not reachable by appointments",
    REACHABLE: "Reachable",
}
NOT_WORKED_OUT = "Not worked out"
WITHHELD = "Withheld"
WIDEN = "only reachable if the pool itself widens, through development, outreach or positive action"
# Ethnic groups are names; other groups read as adjectives in a sentence ("20.0% disabled").
_NAMED_CHARACTERISTICS = ("ethnicity", "ethnicity_ons")


# Where a pool share comes from, as a sentence names it.
SOURCE_WORDS = {"baseline": "the baseline", "succession": "the succession register"}


def percent(share: float) -> str:
    """A share as a percentage to a tenth, as the pack and paper round it: 0.2094 -> '20.9%'."""
    value = round(share * 100 + 0.0, 1)
    return f"{0.0 if value == 0 else value:.1f}%"


def _lower_first(name: str) -> str:
    """'Frontline leaders' -> 'frontline leaders'; 'VSM posts' stays as it is."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def assessment_of(target_item: Mapping[str, Any]) -> str | None:
    """The engine's assessment, or for an item without one (an older pack's content) the same rule
    worked out from the share needed, feasibility and pipeline share; None if it was not solved."""
    found = target_item.get("assessment")
    if found in LABELS:
        return str(found)
    required, feasible = _number(target_item.get("required_share_of_appointments")), target_item.get("feasible")
    if feasible is None and required is None:
        return None
    if required is None:
        return MET if feasible else NOT_REACHABLE
    if required <= 0:
        return MET
    if required > 1 or feasible is False:
        return NOT_REACHABLE
    pipeline = _number(target_item.get("pipeline_share"))
    if pipeline is None:
        # Withheld from this reader, but the pack's content may still say which side of it the need is.
        return REACHABLE
    return WITHIN if required <= pipeline else WIDER


def assessment_label(assessment: str | None) -> str:
    """A short label for a table: 'Within the pool', 'Needs a wider pool', and so on."""
    return LABELS.get(assessment or "", NOT_WORKED_OUT)


def label_of(target_item: Mapping[str, Any]) -> str:
    """The short label of a target item: its assessment's, or 'Withheld' where the disclosure rule
    withholds everything derived from its starting count (the item carries withheld_reason)."""
    found = assessment_of(target_item)
    if found is None and target_item.get("withheld_reason"):
        return WITHHELD
    return assessment_label(found)


def group_in_sentence(group_label: str, characteristic: str | None) -> str:
    """A group's name inside a sentence: ethnic groups (and a group of an unknown characteristic) keep
    their capitals; others read as words ('disabled', 'female')."""
    return group_label if characteristic is None or characteristic in _NAMED_CHARACTERISTICS \
        else _lower_first(group_label)


def posts_of(level_name: str) -> str:
    """'Middle leaders' -> 'middle leader posts'; 'All leaders' -> 'leadership posts'."""
    words = _lower_first(level_name)
    if words.lower() == "all leaders":
        return "leadership posts"
    if words.endswith("leaders"):
        words = words[:-1]
    return f"{words} posts"


def pool_sentence(pipeline_share: float | None, group_label: str, pool_name: str, *, source: str = "baseline",
                  withheld: bool = False, characteristic: str | None = None,
                  baseline_share: float | None = None, default_source: str = "baseline") -> str:
    """Where the pool share comes from: '20.9% of frontline leaders are Black and minority ethnic (BME),
    from the baseline', from the succession register (`source` 'succession'), withheld, set by the planner
    (with the figure it replaces, from `default_source`, where it may be shown), or not known."""
    group, pool = group_in_sentence(group_label, characteristic), _lower_first(pool_name)
    where = SOURCE_WORDS.get(default_source, SOURCE_WORDS["baseline"])
    if source == "override" and pipeline_share is not None:
        shown = "" if withheld or baseline_share is None else f"; {where} gives {percent(baseline_share)}"
        return f"{percent(pipeline_share)}, set by the planner as the share of {pool} who are {group}{shown}"
    if withheld:
        return (f"The share of {pool} who are {group} is withheld to protect privacy (small numbers in "
                f"{SOURCE_WORDS.get(source, where)})")
    if pipeline_share is None:
        return f"Not known: the baseline has no counts of {pool} for this characteristic"
    return f"{percent(pipeline_share)} of {pool} are {group}, from {SOURCE_WORDS.get(source, where)}"


def assessment_sentence(target_item: Mapping[str, Any], group_label: str, level_name: str, pool_name: str) -> str:
    """One sentence on whether the target is realistic, from its figures.

    `target_item` is the engine's output item for the target, or the pack content's copy: it reads
    required_share_of_appointments, feasible, assessment, pipeline_share and target_year, and, where
    present, pipeline_withheld (the pool share may not be shown to this reader), characteristic,
    earliest_year and problems."""
    assessment = assessment_of(target_item)
    posts = posts_of(level_name)
    year = target_item.get("target_year")
    by = f" by {year}" if year else ""
    if assessment is None:
        problems = "; ".join(str(p) for p in target_item.get("problems") or [])
        reason = str(target_item.get("withheld_reason") or "")
        if reason and not problems:
            return f"{reason[0].upper()}{reason[1:]}."
        return f"Not worked out: {problems or 'there is no forecast to work it out on'}."
    required = _number(target_item.get("required_share_of_appointments"))
    if assessment == MET:
        return (f"Met without action: on the forecast the target is reached{by} with no appointments to {posts} "
                "needing to come from the group.")
    if assessment == NOT_REACHABLE:
        if required is None:
            before = f" before {year}" if year else ""
            text = (f"Not reachable by appointments: there are no appointments to {posts}{before}, and the target "
                    "is not met without them.")
        else:
            text = (f"Needs {percent(required)} of appointments to {posts}: more than every appointment, so it "
                    f"cannot be reached{by} through appointments alone.")
        if "earliest_year" in target_item:
            earliest = target_item.get("earliest_year")
            text += (f" The earliest year it could be met is {earliest}." if earliest else
                     " It cannot be met within the strategy's period.")
        return text
    assert required is not None
    need = f"Needs {percent(required)} of appointments to {posts}"
    group = group_in_sentence(group_label, str(target_item.get("characteristic") or "") or None)
    pool = _lower_first(pool_name)
    pipeline = _number(target_item.get("pipeline_share"))
    withheld = bool(target_item.get("pipeline_withheld"))
    if assessment == REACHABLE:
        if withheld:
            return (f"{need}; the share of the pool it draws from ({pool}) who are {group} is withheld to protect "
                    "privacy, so it is not compared here.")
        return (f"{need}; the baseline does not say how many of the pool it draws from ({pool}) are {group}, so it "
                "is not compared with the pool.")
    if withheld or pipeline is None:
        side = "no more than" if assessment == WITHIN else "more than"
        text = (f"{need}, {side} the share of the pool it draws from ({pool}) who are {group} (that share is "
                "withheld to protect privacy)")
    else:
        text = f"{need}; the pool it draws from ({pool}) is {percent(pipeline)} {group}"
    if assessment == WITHIN:
        return f"{text}: within the pool, so fair recruitment from it can meet the target."
    return f"{text}: {WIDEN}."
