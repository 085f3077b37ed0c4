"""The system's capability: members' self-assessment results and competency gaps, pooled from the frozen
snapshots they share (docs/systems.md, "Capability across the system"). Pure: no database; the caller
records the reads in the members' trails.

Self-assessment: each member's newest survey that had results when its version was approved. A member
with no survey, or whose survey had no results (fewer than five responses, or an invitation survey not yet
closed), is listed with a note and left out, never padded; so is a member with fewer than five answers on
a dimension, from that dimension. The pooled figures are exactly those of pooling the members' answers:
the mean weighted by answers, the population SD from each member's n, mean and SD (within- plus
between-member variance), the share agreeing weighted by answers.

Competency gaps: the organisation totals each snapshot holds, matched by level and competency key, with
assessed and below required summed and the share below worked out again from the sums (never an
average of shares), over the members that assessed it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.services.systems import SharedRow
from planner.services.versions import snapshot_of
from planner.survey.scoring import MIN_RESPONSES


@dataclass
class _Pool:
    """One dimension's sums over the members pooled there."""

    name: str
    answers: int = 0
    total: float = 0.0  # sum of answers' values: n * mean
    agreeing: float = 0.0  # answers of 4 or 5: n * share agreeing
    parts: list[tuple[int, float, float]] = field(default_factory=list)  # (n, mean, population SD) by member

    def add(self, n: int, mean: float, sd: float, share: float) -> None:
        self.answers += n
        self.total += n * mean
        self.agreeing += n * share
        self.parts.append((n, mean, sd))

    def figures(self) -> tuple[float | None, float | None, float | None]:
        """(mean, population SD, share agreeing) of every pooled answer; None when nobody is pooled."""
        if not self.answers:
            return None, None, None
        mean = self.total / self.answers
        # The pooled population variance: each member's own (SD squared) plus its mean's distance from
        # the pooled mean, weighted by its answers. This equals the variance of all the answers together.
        variance = sum(n * (sd * sd + (m - mean) ** 2) for n, m, sd in self.parts) / self.answers
        return mean, math.sqrt(max(variance, 0.0)), self.agreeing / self.answers


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _survey_of(content: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the newest survey with results, the newest survey) of a snapshot's self-assessment (newest first)."""
    surveys = [s for s in content.get("self_assessment") or [] if isinstance(s, dict)]
    return next((s for s in surveys if s.get("enough")), None), (surveys[0] if surveys else None)


def _why_left_out(name: str, newest: dict[str, Any] | None) -> str:
    if newest is None:
        return f"{name} has no self-assessment survey in the version it shares, so it is not in the pooled results."
    responses = int(newest.get("responses") or 0)
    if responses < MIN_RESPONSES:
        return (f"{name}'s survey '{newest.get('name', '')}' has {responses} response{'' if responses == 1 else 's'}, "
                f"fewer than the {MIN_RESPONSES} a survey needs before any result is shown, so it is not pooled.")
    return (f"{name}'s survey '{newest.get('name', '')}' had no results to show when its version was approved "
            f"(an invitation survey shows none until it closes, and only answers given with codes count towards "
            f"the {MIN_RESPONSES}), so it is not pooled.")


def _pool_surveys(members: list[tuple[dict[str, Any], dict[str, Any]]], notes: list[str]) -> dict[str, Any]:
    """The pooled dimensions over the members' surveys; each member entry gets its responses."""
    pools: dict[str, _Pool] = {}
    counted: dict[str, int] = {}
    pooled_members, responses = 0, 0
    for entry, content in members:
        chosen, newest = _survey_of(content)
        picked = chosen or newest
        entry["responses"] = int(picked.get("responses") or 0) if picked else None
        entry["survey"] = picked.get("name") if picked else None
        if chosen is None:
            entry["notes"].append(_why_left_out(entry["name"], newest))
            continue
        pooled_members += 1
        responses += int(chosen.get("responses") or 0)
        for dimension in chosen.get("dimensions") or []:
            key = str(dimension.get("key"))
            pool = pools.setdefault(key, _Pool(name=str(dimension.get("name") or key)))
            counted[key] = counted.get(key, 0)
            n = int(dimension.get("n") or 0)
            mean, sd, share = (_number(dimension.get(k)) for k in ("mean", "sd", "share_agree"))
            if n < MIN_RESPONSES or mean is None or sd is None or share is None:
                entry["notes"].append(f"{entry['name']} has {n} answer{'' if n == 1 else 's'} on {pool.name}, fewer "
                                      f"than {MIN_RESPONSES}, so it is left out of that dimension.")
                continue
            pool.add(n, mean, sd, share)
            counted[key] += 1
    dimensions = []
    for key, pool in pools.items():
        mean, sd, share = pool.figures()
        dimensions.append({"key": key, "name": pool.name, "mean": mean, "sd": sd, "share_agreeing": share,
                           "members": counted[key], "answers": pool.answers})
    for entry, _content in members:
        notes.extend(entry["notes"])
    note = None
    if not pooled_members:
        note = "No member's shared version holds survey results to pool."
    elif pooled_members < len(members):
        note = (f"Pooled over {pooled_members} of the {len(members)} shared versions: the others are left out, "
                f"with the reason given for each.")
    return {"pooled": pooled_members > 0, "responses": responses, "members": pooled_members, "note": note,
            "dimensions": dimensions}


def _gap_order(row: dict[str, Any]) -> tuple[bool, float, str, str]:
    # As the trust's gap pages: the largest share first, none last; then competency and level.
    share = row["share_below"]
    return share is None, -(share or 0.0), row["name"], row["level_name"]


def _pool_gaps(members: list[tuple[dict[str, Any], dict[str, Any]]], notes: list[str]) -> dict[str, Any]:
    """Gaps by level and competency summed over the members that assessed them."""
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for entry, content in members:
        part = content.get("competencies") or {}
        names = {str(c.get("key")): str(c.get("name") or c.get("key")) for c in part.get("competencies") or []}
        levels = {str(lv.get("key")): str(lv.get("name") or lv.get("key")) for lv in content.get("levels") or []}
        rows = [g for g in part.get("gaps") or [] if int(g.get("assessed") or 0) > 0]
        entry["assessed"] = bool(rows)
        if not rows:
            entry["notes"].append(f"{entry['name']} has no competency assessments in the version it shares.")
            notes.append(entry["notes"][-1])
            continue
        for gap in rows:
            level, competency = str(gap["level"]), str(gap["competency"])
            cell = cells.setdefault((level, competency), {
                "level": level, "level_name": levels.get(level, level), "competency": competency,
                "name": names.get(competency, competency), "assessed": 0, "below_required": 0, "members": 0,
                "required_steps": set()})
            cell["assessed"] += int(gap["assessed"])
            cell["below_required"] += int(gap.get("below_required") or 0)
            cell["members"] += 1
            if gap.get("required") is not None:
                cell["required_steps"].add(int(gap["required"]))
    rows_out = []
    for cell in cells.values():
        steps = sorted(cell["required_steps"])
        rows_out.append({**cell, "required_steps": steps,
                         "share_below": cell["below_required"] / cell["assessed"] if cell["assessed"] else None})
    rows_out.sort(key=_gap_order)
    note = None if rows_out else "No member's shared version holds competency assessments."
    return {"note": note, "rows": rows_out}


def _members(rows: Iterable[SharedRow]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    out = []
    for found, organisation, strategy, version in rows:
        content = snapshot_of(version).get("content") or {}
        title = (content.get("strategy") or {}).get("title") or strategy.title
        out.append(({"organisation": organisation.slug, "name": organisation.name, "share_id": found.id,
                     "strategy": str(title), "version": version.number, "responses": None, "survey": None,
                     "assessed": False, "notes": []}, content))
    return out


def system_capability(rows: list[SharedRow]) -> dict[str, Any]:
    """Members' self-assessment results and competency gaps pooled over their shared snapshots, with each
    member's status and a note for every member (or dimension) left out."""
    members = _members(rows)
    survey_notes: list[str] = []
    survey = _pool_surveys(members, survey_notes)
    gap_notes: list[str] = []
    gaps = _pool_gaps(members, gap_notes)
    return {"notes": survey_notes + gap_notes, "members": [entry for entry, _content in members],
            "survey": survey, "gaps": gaps}
