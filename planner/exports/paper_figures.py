"""The board paper's figures, worked out once from the pack's content, and the way they are written.

Every number the paper prints comes from here, so the words, the tables and the cover cannot
disagree. People are whole (planner.exports.rounding): a figure over the period is the rounded sum
of the model's unrounded yearly figures, so it equals the API's totals rounded to whole people,
and a total over levels is rounded on its own (tables that show both carry ROUNDING_NOTE).
Pure: content in, plain values out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.diversity.disclosure import Disclosure, from_content
from planner.exports.rounding import whole, whole_flows

WITHHELD = "*"
DEFAULT_THRESHOLD = 7


# --- words for numbers --------------------------------------------------------------------------


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 appointment', '2 appointments', '1,234 people' (with the plural given)."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def percent(share: float) -> str:
    """A share as a percentage to one decimal place: 0.3869 -> '38.7%'."""
    value = round(share * 100 + 0.0, 1)
    return f"{0.0 if value == 0 else value:.1f}%"


def money(value: float) -> str:
    """Pounds to the whole pound: '£166,400'."""
    return f"£{whole(value):,}"


def words_list(items: Iterable[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    listed = [i for i in items if i]
    if len(listed) <= 1:
        return "".join(listed)
    return f"{', '.join(listed[:-1])} {conjunction} {listed[-1]}"


def lower_first(name: str) -> str:
    """A name inside a sentence: 'Senior leaders' -> 'senior leaders', but 'VSM posts' stays."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def posts_of(level_name: str) -> str:
    """A level's posts in a sentence: 'Middle leaders' -> 'middle leader posts', 'Board' -> 'board posts'."""
    words = lower_first(level_name)
    if words.endswith("leaders"):
        words = words[:-1]
    return f"{words} posts"


def with_article(noun: str) -> str:
    """'a workshop', 'an event'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def capital(text: str) -> str:
    """The first letter in capitals."""
    return text[:1].upper() + text[1:]


# --- names ----------------------------------------------------------------------------------------


def level_names(content: Mapping[str, Any]) -> dict[str, str]:
    """Level key -> the organisation's name for it, top level first."""
    return {str(lv["key"]): str(lv.get("name") or lv["key"]) for lv in content.get("levels") or []}


def group_name(content: Mapping[str, Any], characteristic: str, group: str) -> str:
    """A diversity group's name, from the names the content carries."""
    names = ((content.get("diversity") or {}).get("names") or {}).get(characteristic) or {}
    return str((names.get("groups") or {}).get(group) or group)


def threshold(content: Mapping[str, Any]) -> int:
    """The suppression threshold: counts from 1 to this are withheld."""
    value = (content.get("diversity") or {}).get("suppression_threshold") or \
        (content.get("organisation") or {}).get("suppression_threshold")
    return int(value) if value else DEFAULT_THRESHOLD


def withheld(value: Any, flagged: Any, rule: Disclosure, level: str | None = None) -> bool:
    """Whether a group's count at a level must not be printed: withheld in the content, missing, or
    withheld by the disclosure rule the content was built under (checked again here in case the
    content missed it; never for an internal audience, nor at a public level)."""
    if flagged or value is None or isinstance(value, bool) or not isinstance(value, int):
        return True
    return rule.withholds(value, level=level)


# --- the forecast ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelRow:
    """One level (or all levels) over the strategy's period, in whole people."""

    key: str
    name: str
    in_post_start: int
    posts_needed_end: int
    external: int
    internal: int


def _totals_by_level(totals: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = {}
    for row in totals:
        out.setdefault(str(row["level"]), []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: int(r["year"]))
    return out


def result_of(content: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The chosen scenario's forecast result, or None where the forecast cannot run."""
    result: Mapping[str, Any] | None = (content.get("forecast") or {}).get("result")
    return result


def scenario_name(content: Mapping[str, Any]) -> str | None:
    """The chosen scenario's name."""
    scenario = (content.get("forecast") or {}).get("scenario") or {}
    return str(scenario["name"]) if scenario.get("name") else None


def level_rows(content: Mapping[str, Any]) -> list[LevelRow]:
    """Each level with leaders in the forecast: in post at the start, posts needed in the last year,
    and external appointments and internal promotions over the period (each the rounded sum of the
    unrounded yearly totals)."""
    result = result_of(content)
    if result is None:
        return []
    by_level = _totals_by_level(result.get("totals") or [])
    rows = []
    for key, name in level_names(content).items():
        totals = by_level.get(key)
        if not totals:
            continue
        rows.append(LevelRow(key, name, whole(totals[0]["start"]), whole(totals[-1]["demand"]),
                             whole(sum(float(t["external_appointments"]) for t in totals)),
                             whole(sum(float(t["internal_fills"]) for t in totals))))
    return rows


def all_levels(content: Mapping[str, Any]) -> LevelRow:
    """Every level together, each figure rounded from the unrounded sum (not the sum of rounded parts)."""
    result = result_of(content) or {}
    by_level = _totals_by_level(result.get("totals") or [])
    first = [rows[0] for rows in by_level.values()]
    last = [rows[-1] for rows in by_level.values()]
    every = [t for rows in by_level.values() for t in rows]
    return LevelRow("all", "All levels", whole(sum(float(t["start"]) for t in first)),
                    whole(sum(float(t["demand"]) for t in last)),
                    whole(sum(float(t["external_appointments"]) for t in every)),
                    whole(sum(float(t["internal_fills"]) for t in every)))


def period(content: Mapping[str, Any]) -> tuple[int, int]:
    """The forecast's first and last years (the baseline year is the one before)."""
    strategy = content["strategy"]
    result = result_of(content)
    years = [int(y) for y in (result or {}).get("years") or []]
    if years:
        return years[0], years[-1]
    return int(strategy["start_year"]) + 1, int(strategy["end_year"])


def years_text(first: int, last: int) -> str:
    """'2027 to 2031', or '2027' for one year."""
    return str(first) if first == last else f"{first} to {last}"


@dataclass(frozen=True)
class ScenarioTotal:
    """A scenario's external appointments over the period, by level and in all, in whole people."""

    name: str
    description: str
    by_level: dict[str, int]
    total: int
    problems: list[str]
    chosen: bool


def scenario_totals(content: Mapping[str, Any]) -> list[ScenarioTotal]:
    """Every scenario the content compares, in its order; a scenario that could not run has no totals."""
    chosen = scenario_name(content)
    out = []
    for s in (content.get("forecast") or {}).get("scenarios") or []:
        totals = s.get("totals") or []
        by_level = {key: whole(sum(float(t["external_appointments"]) for t in rows))
                    for key, rows in _totals_by_level(totals).items()}
        out.append(ScenarioTotal(str(s["name"]), str(s.get("description") or ""), by_level,
                                 whole(sum(float(t["external_appointments"]) for t in totals)),
                                 [str(p) for p in s.get("problems") or []], str(s["name"]) == chosen))
    return out


def first_year_flows(content: Mapping[str, Any], key: str) -> tuple[int, dict[str, int]] | None:
    """A level's first forecast year in whole people that add up as printed (rounding.whole_flows)."""
    rows = _totals_by_level((result_of(content) or {}).get("totals") or []).get(key)
    if not rows:
        return None
    return int(rows[0]["year"]), whole_flows(rows[0])


@dataclass(frozen=True)
class BandRead:
    """A level's range of external appointments in one year: P10 to P90 of the simulations."""

    level: str
    year: int
    low: int
    high: int
    expected: int
    outside: bool  # the expected figure lies outside the range


def band_reads(content: Mapping[str, Any]) -> dict[str, list[BandRead]]:
    """Level key -> its first and last years' ranges (empty where the scenario was not simulated)."""
    result = result_of(content) or {}
    expected = {(str(t["level"]), int(t["year"])): float(t["external_appointments"])
                for t in result.get("totals") or []}
    by_level: dict[str, list[Mapping[str, Any]]] = {}
    for row in result.get("bands") or []:
        by_level.setdefault(str(row["level"]), []).append(row)
    out: dict[str, list[BandRead]] = {}
    for key in level_names(content):
        rows = sorted(by_level.get(key) or [], key=lambda r: int(r["year"]))
        picked = rows[:1] + rows[-1:] if len(rows) > 1 else rows
        reads = []
        for row in picked:
            band, year = row["external_appointments"], int(row["year"])
            value = expected.get((key, year), 0.0)
            low, high = whole(band["p10"]), whole(band["p90"])
            reads.append(BandRead(key, year, low, high, whole(value),
                                  value < float(band["p10"]) or value > float(band["p90"])))
        if reads:
            out[key] = reads
    return out


# --- diversity targets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRead:
    """A diversity target as the paper states it, from the suppressed content only."""

    id: Any
    group: str
    level: str  # the level's name, or 'all leaders'
    posts: str  # 'senior leader posts', or 'leadership posts' for all levels
    target_share: float
    target_year: int
    required: float | None
    feasible: bool | None
    earliest_year: int | None
    pool_share: float | None  # the group's share of the pool appointments come from, where shown
    pool_name: str  # 'frontline leaders', 'the whole workforce'
    assessment: str | None
    baseline: int | None  # None where withheld
    withheld: bool
    appointments_to_target: int | None  # whole appointments from the group up to the target year
    solved: bool
    problems: list[str]
    item: Mapping[str, Any] = field(default_factory=dict)  # the content's target, for planner.diversity.assessment

    @property
    def verdict(self) -> str:
        """met, within, wider (more than the group's share of the pool), reachable (not compared with a
        pool), unreachable, or unknown."""
        if not self.solved:
            return "withheld" if self.item.get("withheld_reason") else "unknown"
        if self.assessment in ("met_without_action", "within_pipeline", "needs_wider_pipeline", "not_reachable",
                               "reachable"):
            return {"met_without_action": "met", "within_pipeline": "within", "needs_wider_pipeline": "wider",
                    "not_reachable": "unreachable", "reachable": "reachable"}[self.assessment]
        if self.feasible is False or (self.required is not None and self.required > 1):
            return "unreachable"
        if self.required is None or self.required <= 0:
            return "met"
        if self.pool_share is None:
            return "reachable"
        return "wider" if self.required > self.pool_share else "within"


def _workforce_share(content: Mapping[str, Any], characteristic: str, group: str) -> float | None:
    for rep in (content.get("diversity") or {}).get("representation") or []:
        if rep.get("characteristic") == characteristic:
            value = ((rep.get("benchmarks") or {}).get("workforce") or {}).get(group)
            return float(value) if isinstance(value, int | float) else None
    return None


def target_reads(content: Mapping[str, Any]) -> list[TargetRead]:
    """Every diversity target in the content's order."""
    names = level_names(content)
    rule = from_content(content)
    out = []
    for t in (content.get("diversity") or {}).get("targets") or []:
        char, group = str(t["characteristic"]), str(t["group"])
        level = t.get("level")
        hidden = withheld(t.get("baseline_count"), t.get("suppressed"), rule,
                          None if level in (None, "all") else str(level))
        if hidden:  # a withheld starting count: nothing worked out from it, whatever older content holds
            t = {**t, "withheld_reason": t.get("withheld_reason") or rule.reason, "assessment": None,
                 **dict.fromkeys(("required_share_of_appointments", "feasible", "earliest_year", "trajectory",
                                  "no_action"))}
        trajectory = t.get("trajectory") or []
        target_year = int(t["target_year"])
        pool = t.get("pipeline_share")
        if "pool_name" in t:  # the pool share as the content may show it (None where withheld or not known)
            pool_share = float(pool) if isinstance(pool, int | float) else None
            pool_name = lower_first(str(t["pool_name"]))
        else:  # content from before the pool was named (an older approved version): the workforce
            pool_share = float(pool) if isinstance(pool, int | float) else _workforce_share(content, char, group)
            pool_name = "the pool appointments are drawn from" if isinstance(pool, int | float) else "the workforce"
        required = t.get("required_share_of_appointments")
        out.append(TargetRead(
            id=t.get("id"), group=group_name(content, char, group),
            level="all leaders" if level in (None, "all") else lower_first(names.get(str(level), str(level))),
            posts="leadership posts" if level in (None, "all") else posts_of(names.get(str(level), str(level))),
            target_share=float(t["target_share"]), target_year=target_year,
            required=None if required is None else float(required), feasible=t.get("feasible"),
            earliest_year=t.get("earliest_year"), pool_share=pool_share,
            pool_name=pool_name,
            assessment=t.get("assessment"), baseline=None if hidden else int(t["baseline_count"]), withheld=hidden,
            appointments_to_target=whole(sum(float(p.get("appointments_from_group") or 0) for p in trajectory
                                             if int(p["year"]) <= target_year)) if trajectory else None,
            solved=bool(trajectory) or t.get("feasible") is not None,
            problems=[str(p) for p in t.get("problems") or []], item=t))
    return out


# --- competencies, objectives, consultation ----------------------------------------------------


def largest_gaps(content: Mapping[str, Any], n: int = 5) -> list[Mapping[str, Any]]:
    """The organisation's largest competency gaps: share below the required step, then number below."""
    gaps = [g for g in (content.get("competencies") or {}).get("gaps") or []
            if (g.get("below_required") or 0) > 0 and g.get("share_below")]
    return sorted(gaps, key=lambda g: (-float(g["share_below"]), -int(g["below_required"])))[:n]


def competency_names(content: Mapping[str, Any]) -> dict[str, str]:
    """Competency key -> name."""
    return {str(c["key"]): str(c.get("name") or c["key"]) for c in (content.get("competencies") or {})
            .get("competencies") or []}


def plan_cost(content: Mapping[str, Any]) -> list[tuple[int, float]]:
    """The development plan's cost by year."""
    return [(int(c["year"]), float(c["cost"] or 0)) for c in (content.get("competencies") or {}).get("cost") or []]


RAG_NAMES = {"red": "Red", "amber": "Amber", "green": "Green", None: "Not rated"}


def rag_counts(content: Mapping[str, Any]) -> dict[str | None, int]:
    """Objectives by RAG status, in the order red, amber, green, not rated."""
    counts: dict[str | None, int] = {"red": 0, "amber": 0, "green": 0, None: 0}
    for row in (content.get("objectives") or {}).get("rows") or []:
        rag = row.get("rag")
        counts[rag if rag in counts else None] += 1
    return counts


# --- the board's own make-up (WRES indicator 9, WDES metric 10) --------------------------------------

BOARD_MEASURES = {"ethnicity": "WRES indicator 9", "disability": "WDES metric 10"}


@dataclass(frozen=True)
class BoardPart:
    """The focus group on the board, or on its voting or executive membership: None where withheld."""

    name: str  # "the board", "voting members", "executive members"
    count: int | None
    members: int | None


@dataclass(frozen=True)
class BoardRead:
    """One characteristic's board measure: the focus group on the board against the workforce."""

    measure: str
    group: str
    workforce: float | None
    parts: tuple[BoardPart, ...]  # the board first, then its memberships where recorded
    memberships_recorded: bool


def board_reads(content: Mapping[str, Any]) -> list[BoardRead]:
    """The board measure for each characteristic that has one, from the content as its audience sees it:
    a count the rule withholds (checked again here) is None, with its members."""
    rule = from_content(content)
    levels = list(level_names(content))
    board = levels[0] if levels else None
    out = []
    for rep in (content.get("diversity") or {}).get("representation") or []:
        char, indicators = str(rep.get("characteristic")), rep.get("indicators") or {}
        focus = indicators.get("focus_group")
        if char not in BOARD_MEASURES or not focus or board is None:
            continue
        row = next((r for r in rep.get("rows") or [] if r.get("level") == board), None)
        if row is None:
            continue
        cell: Mapping[str, Any] = next((g for g in row.get("groups") or [] if g.get("group") == focus), {})
        hidden = withheld(cell.get("count"), cell.get("suppressed"), rule, board)
        parts = [BoardPart("the board", None if hidden else int(cell["count"]),
                           None if hidden or row.get("total") is None else int(row["total"]))]
        membership = indicators.get("board_membership") or {}
        for key in ("voting", "executive"):
            figures = membership.get(key)
            if figures:
                shut = withheld(figures.get("count"), figures.get("suppressed"), rule, board) or \
                    figures.get("members") is None
                parts.append(BoardPart(f"{key} members", None if shut else int(figures["count"]),
                                       None if shut else int(figures["members"])))
        workforce = ((rep.get("benchmarks") or {}).get("workforce") or {}).get(focus)
        out.append(BoardRead(BOARD_MEASURES[char], group_name(content, char, str(focus)),
                             float(workforce) if isinstance(workforce, int | float) else None, tuple(parts),
                             bool(membership)))
    return out
