"""``run_forecast``: the JSON-ready output of model.md for a valid Spec."""

from __future__ import annotations

from itertools import repeat

from planner.forecast.diversity import target_result
from planner.forecast.engine import FLOWS, Flows, Totals, posts, project
from planner.forecast.parse import parse_spec
from planner.forecast.spec import Spec
from planner.forecast.uncertainty import bands, simulate


def run_forecast(spec: Spec) -> dict[str, object]:
    """Forecast a valid spec: years, rows, totals, diversity (and bands when asked)."""
    flows = project(spec)
    totals = flows.totals()
    output: dict[str, object] = {
        "years": spec.years,
        "rows": _rows(spec, flows),
        "totals": _totals(spec, totals),
        "diversity": [target_result(spec, totals, target) for target in spec.diversity_targets],
    }
    if spec.uncertainty is not None:
        simulation = simulate(flows.inputs, spec.uncertainty)
        output["uncertainty"] = {
            "simulations": spec.uncertainty.simulations,
            "seed": spec.uncertainty.seed,
        }
        output["bands"] = bands(spec, simulation)
    return output


def forecast(data: object) -> dict[str, object]:
    """Parse a decoded JSON spec and forecast it; raises SpecError for a bad spec."""
    return run_forecast(parse_spec(data))


def _rows(spec: Spec, flows: Flows) -> list[dict[str, object]]:
    """One row per area, level and year, built column-wise because there can be 100,000s."""
    levels, horizon = len(spec.levels), spec.horizon
    per_area = levels * horizon
    areas = [area.key for area in spec.areas for _ in repeat(None, per_area)]
    level_keys = [key for key in spec.level_keys for _ in repeat(None, horizon)] * len(spec.areas)
    years = spec.years * (len(spec.areas) * levels)
    # Staff belongs to the area and year; repeat it for each level.
    staff_column = flows.inputs.staff[:, None, 1:].repeat(levels, axis=1).ravel().tolist()
    demand_column = [posts(value) for value in flows.inputs.demand.ravel().tolist()]
    flow = {name: values.ravel().tolist() for name, values in flows.flows.items()}
    # A dict display is about twice as fast as dict(zip(...)) at this volume.
    return [
        {
            "area": area,
            "level": level,
            "year": year,
            "staff": staff,
            "demand": demand,
            "start": start,
            "leavers": leavers,
            "promoted_out": promoted_out,
            "available": available,
            "vacancies": vacancies,
            "ready": ready,
            "internal_fills": fills,
            "external_appointments": external,
            "end": end,
            "shortfall_without_recruitment": shortfall,
        }
        for (
            area, level, year, staff, demand, start, leavers, promoted_out, available,
            vacancies, ready, fills, external, end, shortfall,
        ) in zip(
            areas, level_keys, years, staff_column, demand_column, flow["start"], flow["leavers"],
            flow["promoted_out"], flow["available"], flow["vacancies"], flow["ready"],
            flow["internal_fills"], flow["external_appointments"], flow["end"],
            flow["shortfall_without_recruitment"], strict=True,
        )
    ]  # fmt: skip


def _totals(spec: Spec, totals: Totals) -> list[dict[str, object]]:
    """Every flow summed over areas, per level and year (level order, then year)."""
    demand = totals.demand
    summed = {name: values.tolist() for name, values in totals.flows.items()}
    result: list[dict[str, object]] = []
    for level, key in enumerate(spec.level_keys):
        for t, year in enumerate(spec.years):
            item: dict[str, object] = {"level": key, "year": year, "demand": demand[level][t]}
            item.update((name, summed[name][level][t]) for name in FLOWS)
            result.append(item)
    return result
