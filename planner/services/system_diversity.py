"""The system's diversity: its members' representation summed, their targets as frozen, and what share
the system would reach if every member met its targets (docs/systems.md, "The system's diversity").

A member's snapshot holds its PUBLISHED counts: a count at or below the member's threshold (and any count
from which one could be worked out) is withheld there. So a system cell to which any member contributes
a withheld count is not known, and is shown as withheld with the reason; the cells that are known (sums
of published counts) then go through the one disclosure rule (planner.diversity.disclosure) as the
system's own published output, under the system's threshold, with secondary suppression. Everything the
system shows is worked out from figures its members published, so no withheld member count can be worked
out from it, even with the other members' own published tables beside it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from planner.diversity.characteristics import CHARACTERISTICS
from planner.diversity.disclosure import DEFAULT_PUBLIC_LEVELS, PUBLISHED, Disclosure, disclosure, from_content
from planner.diversity.suppression import share
from planner.models import Organisation, User
from planner.services.diversity import ALL_STAFF, all_named
from planner.services.system_view import MemberForecast, member_forecast, system_years
from planner.services.systems import SharedRow, record_reads, shares_of
from planner.services.versions import snapshot_of

ALL_LEADERS = "all"  # a target's level key for all leaders together
ALL_STAFF_NAME = "All staff"
ALL_LEADERS_NAME = "All leaders"
MEMBER_WITHHELD = "includes a count a member withheld"

# A stand-in for a cell the system cannot know: any value from 1 to the threshold is withheld by the
# primary rule, so the secondary rule protects it like a small count. It is never shown.
_UNKNOWN = 1

Cell = int | None  # a published count, None where withheld
Rows = dict[str, tuple[Cell, dict[str, Cell]]]  # row (level key or ALL_STAFF) -> (total, {group: count})


@dataclass
class _Member:
    """What one shared snapshot holds for the system's diversity view."""

    organisation: str
    name: str
    version: int
    strategy_title: str
    years: tuple[int, ...]
    levels: list[tuple[str, str]]
    representation: dict[str, Rows]  # characteristic -> its rows
    targets: list[dict[str, Any]]
    leaders: dict[tuple[str, int], float]  # (level, year) -> forecast leaders at the year's end
    included: bool = True
    note: str | None = None
    threshold: int | None = None
    withheld_targets: set[tuple[str, str, str, int]] = field(default_factory=set)


def _published(content: Mapping[str, Any]) -> dict[str, Rows]:
    """The member's representation as published: where its content was frozen with exact counts (a
    Part 2 pack's content), they are suppressed here under the member's own rule, so the system never
    holds a count its member would not publish."""
    diversity = content.get("diversity") or {}
    held = from_content(content)
    rule = held if not held.exact else disclosure(PUBLISHED, held.threshold, held.public_levels)
    out: dict[str, Rows] = {}
    for rep in diversity.get("representation") or []:
        rows: Rows = {}
        for row in rep.get("rows") or []:
            key = ALL_STAFF if row.get("level") is None else str(row["level"])
            rows[key] = (row.get("total"), {str(g["group"]): g.get("count") for g in row.get("groups") or []})
        if not any(total for total, _cells in rows.values()):
            continue  # no counts: no staff extract was imported (the member holds no figures, not zeros)
        if held.exact:
            rows = _suppress_member(rows, rule)
        out[str(rep.get("characteristic"))] = rows
    return out


def _suppress_member(rows: Rows, rule: Disclosure) -> Rows:
    """Exact member counts put through the member's own published rule, as its trust pages would."""
    groups = list(dict.fromkeys(g for _total, cells in rows.values() for g in cells))
    counts = {(r, g): int(n or 0) for r, (_t, cells) in rows.items() for g, n in cells.items()}
    table = rule.table(counts, list(rows), groups, row_levels={r: r for r in rows if r != ALL_STAFF},
                       publish_column_totals=False, fixed_totals=True)
    return {r: (total, {g: table.cells[(r, g)] for g in cells}) for r, (total, cells) in rows.items()}


def _member(row: SharedRow, forecast: MemberForecast) -> _Member:
    """One share's frozen diversity figures, targets and forecast leaders."""
    _found, organisation, _strategy, version = row
    snapshot = snapshot_of(version)
    content = snapshot.get("content") or {}
    frozen = (content.get("diversity") or {}).get("targets") or []
    withheld = {(str(t.get("characteristic")), str(t.get("level") or ALL_LEADERS), str(t.get("group")),
                 int(t.get("target_year") or 0)) for t in frozen if t.get("suppressed")}
    return _Member(
        organisation=organisation.slug, name=organisation.name, version=version.number,
        strategy_title=forecast.strategy_title, years=forecast.years, levels=list(forecast.levels),
        representation=_published(content), targets=list(snapshot.get("targets") or []),
        leaders={(str(r["level"]), int(r["year"])): float(r.get("end") or 0) for r in forecast.totals},
        threshold=from_content(content).threshold, withheld_targets=withheld)


def _span(years: tuple[int, ...]) -> str:
    return f"{years[0]} to {years[-1]}" if years else "no years"


def _names(names: Mapping[str, Mapping[str, Any]] | None) -> dict[str, tuple[str, dict[str, str]]]:
    """Each characteristic's name and group names: the system's own where given, else the defaults.
    A member's own names never appear: its groups are matched by key."""
    out = {c.key: (c.name, {g.key: g.name for g in c.groups}) for c in CHARACTERISTICS}
    for key, given in (names or {}).items():
        if key in out:
            out[key] = (str(given.get("name") or out[key][0]), {**out[key][1], **dict(given.get("groups") or {})})
    return out


def system_diversity(rows: list[SharedRow], *, threshold: int,
                     public_levels: str | Iterable[str] | None = DEFAULT_PUBLIC_LEVELS,
                     names: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Representation by level and group over the members' shared snapshots, withheld by the system's
    own published rule (its threshold and public levels); each member's targets and the combined target
    shares. Pure: the caller reads the rows and records the reads."""
    rule = disclosure(PUBLISHED, threshold, public_levels)
    forecasts = [member_forecast(row) for row in rows]
    members = [_member(row, forecast) for row, forecast in zip(rows, forecasts, strict=True)]
    years = system_years(forecasts)
    for m in members:
        if m.years != years:
            m.included, m.note = False, (
                f"{m.name}'s plan covers {_span(m.years)}, not the system's {_span(years)}: its figures are "
                "left out of the system's, never shifted onto other years")
        elif not any(m.representation.values()):
            m.included, m.note = False, (
                f"{m.name}'s shared version holds no diversity figures (no staff extract was imported): its "
                "leaders are not in the system's diversity tables")
    named = _names(names)
    included = [m for m in members if m.included]
    level_names: dict[str, str] = {}
    for m in included:
        for key, name in m.levels:
            level_names.setdefault(key, name)
    characteristics = [_characteristic(key, named[key], included, level_names, rule)
                       for key in named if any(key in m.representation for m in included)]
    notes = [rule.label + "."]
    if any(cell["member_withheld"] for c in characteristics for lv in c["levels"] for cell in lv["cells"]):
        notes.append(f"A figure marked \"{MEMBER_WITHHELD}\" is withheld because a member's published figures "
                     "withhold a small count there, so the system's sum cannot be known exactly.")
    notes += [m.note for m in members if m.note]
    return {"threshold": threshold, "notes": notes, "label": rule.label, "years": list(years),
            "members": [{"organisation": m.organisation, "name": m.name, "version": m.version,
                         "strategy": m.strategy_title, "included": m.included, "note": m.note,
                         "threshold": m.threshold} for m in members],
            "characteristics": characteristics}


def _characteristic(key: str, naming: tuple[str, dict[str, str]], members: list[_Member],
                    level_names: dict[str, str], rule: Disclosure) -> dict[str, Any]:
    """One characteristic's table, targets and combined targets."""
    char_name, group_names = naming
    rows = [lv for lv in level_names if any(lv in m.representation.get(key, {}) for m in members)]
    if any(ALL_STAFF in m.representation.get(key, {}) for m in members):
        rows.append(ALL_STAFF)
    groups = list(group_names)
    for m in members:
        for _total, cells in m.representation.get(key, {}).values():
            groups += [g for g in cells if g not in groups]
    totals: dict[str, Cell] = {}
    sums: dict[tuple[str, str], Cell] = {}
    for row in rows:
        parts = [m.representation[key][row] for m in members if row in m.representation.get(key, {})]
        totals[row] = None if any(t is None for t, _c in parts) else sum(int(t or 0) for t, _c in parts)
        for group in groups:
            counts = [cells.get(group, 0) for _t, cells in parts]
            sums[(row, group)] = None if any(n is None for n in counts) else sum(int(n or 0) for n in counts)
    # Unknown cells go in as small counts, so the secondary rule protects them like any withheld count.
    table = rule.table({k: _UNKNOWN if v is None else v for k, v in sums.items()}, rows, groups,
                       row_levels={r: r for r in rows if r != ALL_STAFF}, publish_column_totals=False,
                       fixed_totals=True)
    levels = []
    for row in rows:
        shown = []
        for group in groups:
            unknown = sums[(row, group)] is None
            count = None if unknown else table.cells[(row, group)]
            whole = totals[row]
            # A member's inconsistent snapshot (a group above its level's total) gives no share, not an error.
            fair = count is not None and whole is not None and count <= whole
            shown.append({"group": group, "count": count, "share": share(count, whole) if fair else None,
                          "member_withheld": unknown})
        levels.append({"level": row, "name": ALL_STAFF_NAME if row == ALL_STAFF else level_names.get(row, row),
                       "total": totals[row], "cells": shown})
    notes = [f"{m.name} shares no figures for {char_name.lower()}" for m in members if key not in m.representation]
    targets = [{"organisation": m.organisation, "name": m.name, "level": str(t.get("level") or ALL_LEADERS),
                "level_name": _level_name(str(t.get("level") or ALL_LEADERS), level_names),
                "group": str(t["group"]), "group_name": group_names.get(str(t["group"]), str(t["group"])),
                "target_share": float(t["target_share"]),
                "target_year": int(t["target_year"]),
                "withheld": (key, str(t.get("level") or ALL_LEADERS), str(t["group"]), int(t["target_year"]))
                in m.withheld_targets}
               for m in members for t in m.targets if t.get("characteristic") == key]
    return {"key": key, "name": char_name, "groups": [{"key": g, "name": group_names.get(g, g)} for g in groups],
            "levels": levels, "targets": targets, "notes": notes,
            "combined": combined_targets(targets, members, level_names, group_names)}


def _level_name(level: str, level_names: Mapping[str, str]) -> str:
    return ALL_LEADERS_NAME if level == ALL_LEADERS else level_names.get(level, level)


def _leaders(member: _Member, level: str, year: int) -> float | None:
    """The member's forecast leaders at a level (or all levels) at the end of a year; None if not forecast."""
    keys = [k for k, _n in member.levels] if level == ALL_LEADERS else [level]
    found = [member.leaders[(k, year)] for k in keys if (k, year) in member.leaders]
    return sum(found) if found else None


def combined_targets(targets: list[dict[str, Any]], members: list[_Member], level_names: Mapping[str, str],
                     group_names: Mapping[str, str]) -> list[dict[str, Any]]:
    """For each level, group and year some member targets: the share the system would reach if every
    member met its target there, each weighted by its forecast leaders at that level at the year's end.
    A member's target for an earlier year counts as held at its share. Where a member has no target for
    the level and group by then, or no forecast for the year, nothing is worked out: the note says why."""
    out = []
    for level, group, year in sorted({(t["level"], t["group"], t["target_year"]) for t in targets},
                                     key=lambda k: (k[2], k[0] != ALL_LEADERS, list(level_names).index(k[0])
                                                    if k[0] in level_names else 0, k[1])):
        level_name = _level_name(level, level_names)
        parts, missing = [], []
        for m in members:
            if level != ALL_LEADERS and level not in dict(m.levels):
                continue  # a member without the level has no leaders there to weigh
            mine = [t for t in targets if t["organisation"] == m.organisation and t["level"] == level
                    and t["group"] == group and t["target_year"] <= year]
            leaders = _leaders(m, level, year)
            if not mine:
                missing.append(f"{m.name} has no target for it by {year}")
            elif leaders is None:
                missing.append(f"{m.name}'s forecast does not reach {year}")
            else:
                chosen = max(mine, key=lambda t: t["target_year"])
                parts.append({"organisation": m.organisation, "name": m.name, "target_share": chosen["target_share"],
                              "target_year": chosen["target_year"], "leaders": leaders})
        weight = sum(p["leaders"] for p in parts)
        value = None if missing or weight <= 0 else sum(p["target_share"] * p["leaders"] for p in parts) / weight
        note = None
        if missing:
            note = "Not worked out: " + "; ".join(missing) + ". No figure is assumed in its place."
        elif weight <= 0:
            note = f"No leaders are forecast at {level_name.lower()} in {year}."
        out.append({"level": level, "level_name": level_name, "group": group,
                    "group_name": group_names.get(group, group), "target_year": year, "share": value,
                    "note": note, "members": parts})
    return out


def read(session: Session, system: Organisation, *, actor: User | None, purpose: str) -> dict[str, Any]:
    """The system's diversity from its members' shared snapshots, under its own rule and group names,
    with the read written in each member's audit trail."""
    rows = shares_of(session, system)
    view = of_rows(session, system, rows)
    record_reads(session=session, system=system, rows=rows, actor=actor, purpose=purpose)
    return view


def of_rows(session: Session, system: Organisation, rows: list[SharedRow]) -> dict[str, Any]:
    """The system's diversity from shares already read, under its own rule and group names (the caller
    records the reads)."""
    names = {c.key: {"name": c.name, "groups": {g.key: g.name for g in c.groups}}
             for c in all_named(session, system.id)}
    return system_diversity(rows, threshold=system.suppression_threshold, public_levels=system.public_levels,
                            names=names)
