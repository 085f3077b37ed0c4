"""What changed between two snapshots of a strategy (two approved versions, or a version and the
draft): scope, structure, baseline, assumptions, targets and objectives added, removed and
changed, and the difference in the forecast totals. Pure: snapshots in, plain data out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Rows = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Yearly:
    """A figure given for each forecast year (a leaver rate, staff growth or funded posts, model.md
    version 3), kept with its years so the page can show every year and two lists compare whole."""

    first_year: int  # the calendar year of forecast year 1
    values: tuple[float, ...]

    @property
    def by_year(self) -> list[tuple[int, float]]:
        """(calendar year, figure) for each forecast year."""
        return [(self.first_year + n, value) for n, value in enumerate(self.values)]


def _yearly(value: Any, first_year: int) -> Any:
    """A list of yearly figures as Yearly; one figure, or none, as it is."""
    if isinstance(value, list | tuple):
        return Yearly(first_year, tuple(float(v) for v in value))
    return value


@dataclass
class Change:
    """One record present in both snapshots whose fields differ: {field: (before, after)}."""

    key: str
    fields: dict[str, tuple[Any, Any]]


@dataclass
class Section:
    """The records of one kind added, removed and changed between the snapshots."""

    key: str
    name: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """Nothing of this kind changed."""
        return not (self.added or self.removed or self.changed)


@dataclass
class ForecastDifference:
    """One scenario's total for one level and measure, before and after."""

    scenario: str
    level: str
    measure: str
    before: float
    after: float

    @property
    def difference(self) -> float:
        """After minus before."""
        return self.after - self.before


@dataclass
class Comparison:
    """Every section's changes and the forecast's differences."""

    sections: list[Section]
    forecast: list[ForecastDifference]


def keyed_changes(key: str, name: str, before: Rows, after: Rows) -> Section:
    """Records matched by key: those only after are added, only before removed, differing changed."""
    section = Section(key, name, added=[k for k in after if k not in before],
                      removed=[k for k in before if k not in after])
    for record_key, old in before.items():
        new = after.get(record_key)
        if new is None:
            continue
        fields = {f: (old.get(f), new.get(f)) for f in dict.fromkeys([*old, *new]) if old.get(f) != new.get(f)}
        if fields:
            section.changed.append(Change(record_key, fields))
    return section


def _scope(snapshot: Mapping[str, Any]) -> Rows:
    strategy = snapshot["content"]["strategy"]
    return {"Scope": {f: strategy.get(f) for f in ("title", "start_year", "horizon", "vision", "mission", "values",
                                                   "owner")}}


def _levels(snapshot: Mapping[str, Any]) -> Rows:
    return {lv["key"]: {"name": lv["name"], "bands": ", ".join(lv["bands"]), "position": i + 1}
            for i, lv in enumerate(snapshot["content"]["levels"])}


def _areas(snapshot: Mapping[str, Any]) -> Rows:
    return {a["code"]: {"name": a["name"], "parent": a["parent"]} for a in snapshot["content"]["areas"]}


def _baseline(snapshot: Mapping[str, Any]) -> Rows:
    # Funded posts per level (a list where they change by year); absent from versions kept before there was any.
    return {a["code"]: {"staff": a["staff"], "fte": a["fte"],
                        **{f"leaders: {k}": v for k, v in a["leaders"].items()},
                        **{f"establishment: {k}": ", ".join(map(str, v)) if isinstance(v, list) else v
                           for k, v in a.get("establishment", {}).items()}}
            for a in snapshot["baseline"]["areas"]}


def _assumptions(snapshot: Mapping[str, Any]) -> Rows:
    rows: Rows = {}
    for scenario in snapshot["scenarios"]:
        spec = scenario["spec"]
        first_year = int(spec.get("start_year") or 0) + 1
        for level in spec["levels"]:
            rows[f"{scenario['name']}: level {level['key']}"] = {
                f: _yearly(level.get(f), first_year) for f in ("leaver_rate", "ready_rate", "internal_fill_max")}
        for area in spec["areas"]:
            values: dict[str, Any] = {"staff_growth": _yearly(area.get("staff_growth"), first_year)}
            values.update({f"span: {k}": v for k, v in (area.get("span") or {}).items()})
            values.update({f"funded posts: {k}": _yearly(v, first_year)
                           for k, v in (area.get("establishment") or {}).items()})
            for level_key, rates in (area.get("overrides") or {}).items():
                values.update({f"{f}: {level_key}": _yearly(v, first_year) for f, v in rates.items()})
            rows[f"{scenario['name']}: area {area['key']}"] = values
        if "uncertainty" in spec:
            rows[f"{scenario['name']}: uncertainty"] = dict(spec["uncertainty"])
    return rows


def _targets(snapshot: Mapping[str, Any]) -> Rows:
    return {f"{t['characteristic']} {t['group']} at {t['level']}": {
        f: t.get(f) for f in ("target_share", "target_year", "leaver_rate_ratio", "current_appointment_share",
                              "pipeline_share")}
        for t in snapshot["targets"]}


def _objectives(snapshot: Mapping[str, Any]) -> Rows:
    return {o["ref"]: {f: o.get(f) for f in ("title", "level", "parent_ref", "area", "owner", "weight", "due",
                                              "status")}
            for o in snapshot["content"]["objectives"]["rows"]}


SECTIONS = (
    ("scope", "Scope", _scope),
    ("levels", "Leadership levels", _levels),
    ("areas", "Areas", _areas),
    ("baseline", "Baseline", _baseline),
    ("assumptions", "Assumptions", _assumptions),
    ("targets", "Diversity targets", _targets),
    ("objectives", "Objectives", _objectives),
)
MEASURES = ("external_appointments", "internal_fills")  # summed over the period
FINAL_YEAR = ("demand", "end")  # the last forecast year's value


def _forecast_totals(snapshot: Mapping[str, Any]) -> dict[tuple[str, str, str], float]:
    out: dict[tuple[str, str, str], float] = {}
    for scenario in snapshot["scenarios"]:
        totals = scenario["totals"]
        if not totals:
            continue
        last = max(t["year"] for t in totals)
        for t in totals:
            for measure in MEASURES:
                key = (scenario["name"], t["level"], measure)
                out[key] = out.get(key, 0.0) + float(t[measure])
            if t["year"] == last:
                for measure in FINAL_YEAR:
                    out[(scenario["name"], t["level"], measure)] = float(t[measure])
    return out


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> Comparison:
    """What changed from `before` to `after` (each a snapshot as planner.services.versions takes it)."""
    sections = [keyed_changes(key, name, rows(before), rows(after)) for key, name, rows in SECTIONS]
    old, new = _forecast_totals(before), _forecast_totals(after)
    forecast = [ForecastDifference(scenario, level, measure, old[(scenario, level, measure)], value)
                for (scenario, level, measure), value in new.items() if (scenario, level, measure) in old]
    return Comparison(sections, forecast)
