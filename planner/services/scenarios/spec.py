"""The one place a stored strategy and scenario become a model.md spec, checked by the engine's own spec
parser, whose problems are mapped back to the fields a planner typed them in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from planner.forecast import SpecError, parse_spec
from planner.models import Area, Level, Scenario, Strategy
from planner.services.baseline import AreaFigures, baseline_of
from planner.services.establishment import establishment_of
from planner.services.scenarios.assumptions import (
    AreaAssumptions,
    AssumptionError,
    Measured,
    area_assumptions,
    forecast_areas,
    keeps_measured,
    level_assumptions,
    measured_rates,
)
from planner.services.structure import levels_of


def build_spec(
    session: Session, strategy: Strategy, scenario: Scenario,
    levels_override: Mapping[int, dict[str, float]] | None = None,
    areas_override: Mapping[int, AreaAssumptions] | None = None,
    uncertainty: tuple[int | None, int] | None = None,
) -> tuple[dict[str, Any], list[Level], list[Area]]:
    """The spec with the given assumptions in place of the stored ones (to check them before storing), with
    the levels and areas in the order the spec lists them."""
    levels = levels_of(session, strategy)
    rates = dict(level_assumptions(session, strategy, scenario))
    rates.update(levels_override or {})
    per_area = dict(area_assumptions(session, scenario))
    per_area.update(areas_override or {})
    keys = {lv.id: lv.key for lv in levels}
    own = baseline_of(session, strategy)
    areas = forecast_areas(session, strategy)
    measured_levels, measured_cells = measured_rates(session, scenario)

    def yearly(measured: Measured | None, single: Any) -> Any:
        """The measured rates of each year where they still hold (and span the horizon), else the one rate."""
        if measured is not None and keeps_measured(measured, single) and len(measured.yearly) == strategy.horizon:
            return list(measured.yearly)
        return single

    posts = establishment_of(session, strategy)
    spec: dict[str, Any] = {
        "start_year": strategy.start_year,
        "horizon": strategy.horizon,
        "levels": [{"key": lv.key, **rates[lv.id],
                    "leaver_rate": yearly(measured_levels.get(lv.id), rates[lv.id]["leaver_rate"])}
                   for lv in levels],
        "areas": [],
    }
    for area in areas:
        assumptions = per_area.get(area.id, AreaAssumptions(0.0, {}, {}))
        figures = own.get(area.id, AreaFigures())
        entry: dict[str, Any] = {
            "key": area.code,
            "name": area.name,
            "staff": figures.staff,
            "staff_growth": assumptions.staff_growth,
            "leaders": {lv.key: figures.leaders.get(lv.key, 0) for lv in levels},
        }
        if posts.get(area.id):
            # Funded posts are the level's demand (model.md version 3), before its span and baseline.
            funded = posts[area.id]
            entry["establishment"] = {lv.key: (list(p) if isinstance(p := funded[lv.key], tuple) else p)
                                      for lv in levels if lv.key in funded}
        spans = {keys[lid]: value for lid, value in assumptions.spans.items() if lid in keys}
        if spans:
            entry["span"] = spans
        overrides = {keys[lid]: dict(r) for lid, r in assumptions.overrides.items() if lid in keys and r}
        for lid, override in assumptions.overrides.items():
            if lid in keys and "leaver_rate" in override:
                overrides[keys[lid]]["leaver_rate"] = yearly(measured_cells.get((area.id, lid)),
                                                             override["leaver_rate"])
        if overrides:
            entry["overrides"] = overrides
        spec["areas"].append(entry)
    simulations, seed = uncertainty if uncertainty is not None else (scenario.simulations, scenario.seed)
    if simulations:
        spec["uncertainty"] = {"simulations": simulations, "seed": seed}
    return spec, levels, areas


def spec_for(session: Session, strategy: Strategy, scenario: Scenario) -> dict[str, Any]:
    """The model.md spec of a stored strategy and scenario: the one builder every front end uses."""
    return build_spec(session, strategy, scenario)[0]


def _percent(number: str) -> str:
    return f"{float(number) * 100:.10g}%"


def in_percent(message: str) -> str:
    """The engine speaks in shares (0.095); the forms take percentages (9.5): translate."""
    number = r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)"
    message = re.sub(rf"^{number} is outside 0\.\.1$", lambda m: f"{_percent(m[1])} is outside 0% to 100%", message)
    message = re.sub(rf"^{number} must be more than -1$", lambda m: f"{_percent(m[1])} must be more than -100%",
                     message)
    return re.sub(rf"leaver_rate {number} plus ready_rate {number} is {number}, more than 1",
                  lambda m: f"leaver rate {_percent(m[1])} plus ready for promotion {_percent(m[2])} is "
                            f"{_percent(m[3])}, more than 100%", message)


def _field_problems(error: SpecError, levels: list[Level], areas: list[Area]) -> list[tuple[str, str]]:
    """Map the engine's problems (paths such as levels[2].leaver_rate) to form field names."""
    level_keys = {lv.key: lv.id for lv in levels}
    out: list[tuple[str, str]] = []
    for problem in error.problems:
        field = ""
        message = problem.message
        match = re.match(r"levels\[(\d+)\]\.?(\w+)?", problem.path)
        area_match = re.match(r"areas\[(\d+)\]\.?(\w+)?(?:\.(\w+))?(?:\.(\w+))?", problem.path)
        if match and int(match.group(1)) < len(levels):
            level = levels[int(match.group(1))]
            field = f"{match.group(2) or 'leaver_rate'}-{level.id}"
            message = f"{level.name}: {in_percent(problem.message)}"
        elif area_match and int(area_match.group(1)) < len(areas):
            area = areas[int(area_match.group(1))]
            part, level_key, rate = area_match.group(2), area_match.group(3), area_match.group(4)
            level_id = level_keys.get(level_key or "")
            if part == "staff_growth":
                field = f"growth-{area.id}"
            elif part == "span" and level_id:
                field = f"span-{area.id}-{level_id}"
            elif part == "overrides" and level_id:
                field = f"override-{area.id}-{level_id}-{rate or 'leaver_rate'}"
            text = problem.message if part == "span" else in_percent(problem.message)
            message = f"{area.name}: {text}"
        else:
            message = str(problem)
        out.append((field, message))
    return out


def check_assumptions(
    session: Session, strategy: Strategy, scenario: Scenario, *,
    levels: Mapping[int, dict[str, float]] | None = None,
    areas: Mapping[int, AreaAssumptions] | None = None,
    uncertainty: tuple[int | None, int] | None = None,
) -> None:
    """Refuse assumptions the model would refuse, naming the field of each problem."""
    spec, level_rows, area_rows = build_spec(session, strategy, scenario, levels, areas, uncertainty)
    if not spec["areas"]:
        # Nothing to forecast yet, but the rates must still be ones the model accepts: check
        # them against an empty stand-in area (its problems cannot arise, it has no figures).
        spec["areas"] = [{"key": "no-area-yet", "staff": 0}]
    try:
        parse_spec(spec)
    except SpecError as exc:
        raise AssumptionError(_field_problems(exc, level_rows, area_rows)) from exc
