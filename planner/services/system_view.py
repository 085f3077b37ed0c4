"""The system's forecast: the totals by level and year of its members' shared snapshots, summed.

Members whose plans cover other years than the system's (another start year or horizon) are never
shifted onto the system's years: they are shown on their own years, with a note, and left out of the
sum (docs/systems.md). The sum is plain arithmetic over the frozen totals, so it equals, level by
level and year by year, what each member's own admin reads in the same versions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from planner.services.systems import SharedRow
from planner.services.versions import snapshot_of

# The figures of a totals row (model.md's `totals`) that add up across members.
SUMMED = ("demand", "start", "leavers", "promoted_out", "internal_fills", "external_appointments", "vacancies", "end")


@dataclass(frozen=True)
class MemberForecast:
    """One shared snapshot's forecast: whose, which version and scenario, and its frozen totals."""

    share_id: int
    organisation: str  # slug
    organisation_name: str
    strategy_id: int
    strategy_title: str
    version: int
    approved_on: str
    scenario: str
    levels: tuple[tuple[str, str], ...]  # (key, name), in the member's order
    totals: tuple[dict[str, Any], ...]
    # What the version still lacked when approved, step by step: where the system might support the member.
    lacking: tuple[dict[str, str], ...] = ()

    @property
    def years(self) -> tuple[int, ...]:
        """The forecast years the snapshot covers."""
        return tuple(sorted({int(row["year"]) for row in self.totals}))


def member_forecast(row: SharedRow) -> MemberForecast:
    """The frozen forecast a share points at (the scenario's totals as the version was approved)."""
    found, organisation, strategy, version = row
    snapshot = snapshot_of(version)
    scenario = next((s for s in snapshot.get("scenarios", []) if s["name"] == found.scenario), None)
    content = snapshot.get("content", {})
    levels = tuple((lv["key"], lv.get("name", lv["key"])) for lv in content.get("levels", []))
    return MemberForecast(
        share_id=found.id, organisation=organisation.slug, organisation_name=organisation.name,
        strategy_id=strategy.id, strategy_title=content.get("strategy", {}).get("title", strategy.title),
        version=version.number, approved_on=version.approved_on.isoformat(), scenario=found.scenario,
        levels=levels, totals=tuple(scenario["totals"] if scenario else ()),
        lacking=tuple({"step": str(item.get("step_name") or item.get("step", "")), "message": str(item["message"])}
                      for item in content.get("lacking", [])),
    )


def _span(years: tuple[int, ...]) -> str:
    return f"{years[0]} to {years[-1]}" if years else "no years"


def system_years(members: list[MemberForecast]) -> tuple[int, ...]:
    """The years the system's totals cover: those most members' forecasts cover (on a tie, the earliest)."""
    spans = Counter(m.years for m in members if m.years)
    if not spans:
        return ()
    return sorted(spans.items(), key=lambda item: (-item[1], item[0]))[0][0]


def combine(members: list[MemberForecast]) -> dict[str, Any]:
    """The system's totals by level and year over the members on its years, and each member's own."""
    years = system_years(members)
    aligned = [m for m in members if m.years == years]
    levels: dict[str, str] = {}
    for member in members:
        for key, name in member.levels:
            levels.setdefault(key, name)
    sums: dict[tuple[str, int], dict[str, float]] = {}
    for member in aligned:
        for row in member.totals:
            cell = sums.setdefault((row["level"], int(row["year"])), dict.fromkeys(SUMMED, 0.0))
            for name in SUMMED:
                cell[name] += float(row.get(name) or 0)
    order = {key: position for position, key in enumerate(levels)}
    totals = [{"level": level, "year": year, **figures}
              for (level, year), figures in sorted(sums.items(), key=lambda item: (order[item[0][0]], item[0][1]))]
    out_members = []
    for member in members:
        on_years = member.years == years
        note = None if on_years else (
            f"{member.organisation_name}'s forecast covers {_span(member.years)}, not the system's "
            f"{_span(years)}: it is shown on its own years and not added to the system's totals")
        out_members.append({
            "share_id": member.share_id, "organisation": member.organisation, "name": member.organisation_name,
            "strategy": {"id": member.strategy_id, "title": member.strategy_title}, "version": member.version,
            "approved_on": member.approved_on, "scenario": member.scenario, "years": list(member.years),
            "in_system_totals": on_years, "note": note, "totals": list(member.totals),
            "lacking": list(member.lacking),
        })
    return {"years": list(years), "levels": [{"key": k, "name": n} for k, n in levels.items()],
            "totals": totals, "members": out_members,
            "notes": [m["note"] for m in out_members if m["note"]]}


def contributions(view: dict[str, Any]) -> dict[tuple[str, int], list[tuple[str, float]]]:
    """For the page: each level and year's end-of-year leaders by member, on the system's years."""
    out: dict[tuple[str, int], list[tuple[str, float]]] = {}
    for member in view["members"]:
        if not member["in_system_totals"]:
            continue
        for row in member["totals"]:
            out.setdefault((row["level"], int(row["year"])), []).append((member["name"], float(row["end"])))
    return out
