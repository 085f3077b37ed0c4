"""The expected-value model of model.md: the yearly top-down step for every area at once."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from planner.forecast.spec import Spec

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The flows of one area, level and year, in the order of the output rows.
FLOWS = (
    "start",
    "leavers",
    "promoted_out",
    "available",
    "vacancies",
    "ready",
    "internal_fills",
    "external_appointments",
    "end",
    "shortfall_without_recruitment",
)


@dataclass(frozen=True)
class Inputs:
    """A spec as arrays: index [area, level] (and [.., year] for leaver rates, staff and demand)."""

    baseline: FloatArray  # leaders in post at t = 0, (areas, levels)
    # Effective q after overrides, (areas, levels, H): the year's figure where the spec gives
    # one per year (version 3), else the same figure every year.
    leaver_rate: FloatArray
    ready_rate: FloatArray  # effective r, (areas, levels)
    internal_fill_max: FloatArray  # effective f, (areas, levels)
    staff: FloatArray  # S(a, t) for t = 0..H, (areas, H + 1)
    # D(a, l, t) for t = 1..H, (areas, levels, H): whole numbers of posts, except that a level
    # without an establishment or a span keeps its baseline count, which may be a fraction.
    demand: FloatArray


@dataclass(frozen=True)
class Flows:
    """The expected-value forecast: each flow an array indexed [area, level, year t-1]."""

    inputs: Inputs
    flows: dict[str, FloatArray]

    def totals(self) -> Totals:
        """Each flow summed over areas."""
        return Totals(
            baseline=sum_over_areas(self.inputs.baseline).tolist(),
            demand=[[posts(value) for value in row] for row in sum_over_areas(self.inputs.demand).tolist()],
            flows={name: sum_over_areas(values) for name, values in self.flows.items()},
        )


@dataclass(frozen=True)
class Totals:
    """Organisation totals: each flow summed over areas, indexed [level, year t-1]."""

    baseline: list[float]  # leaders in post at t = 0, per level
    demand: list[list[int | float]]  # [level][year t-1], see posts()
    flows: dict[str, FloatArray]


def sum_over_areas(values: FloatArray) -> FloatArray:
    """Sum over the first axis in area order (cumsum is strictly sequential, unlike sum)."""
    if values.shape[0] == 0:
        return np.zeros(values.shape[1:])
    summed: FloatArray = np.cumsum(values, axis=0)[-1]
    return summed


def staff_path(staff: float, growth: tuple[float, ...]) -> list[float]:
    """S(0) = staff, S(t) = S(t-1) * (1 + g(t)); never rounded."""
    path = [staff]
    for rate in growth:
        path.append(path[-1] * (1 + rate))
    return path


def posts(demand: float) -> int | float:
    """Demand for the output: an int when whole (always, with a span), else the fraction as given."""
    return int(demand) if demand.is_integer() else demand


def demand_path(
    staff: list[float], span: float | None, baseline: float, establishment: tuple[int, ...] | None = None
) -> list[float]:
    """Posts needed each year: the establishment where there is one (version 3), else
    ceil(round(S / span, 9)) with a span, else the baseline count."""
    if establishment is not None:
        return [float(posts) for posts in establishment[: len(staff)]]
    if span is None:
        return [baseline] * len(staff)
    # Rounding to 9 places first stops 190.00000000000003 (a binary artefact) becoming 191.
    return [math.ceil(round(s / span, 9)) for s in staff]


def inputs_of(spec: Spec) -> Inputs:
    """Arrange a spec's areas, rates, staff and demand as arrays."""
    levels = spec.levels
    baseline: list[list[float]] = []
    leaver_rates: list[list[tuple[float, ...]]] = []
    rates: list[list[tuple[float, float]]] = []
    staff: list[list[float]] = []
    demand: list[list[list[float]]] = []
    for area in spec.areas:
        path = staff_path(area.staff, area.staff_growth[: spec.horizon])
        counts = [area.leaders_at(level.key) for level in levels]
        baseline.append(counts)
        effective = [area.rates(level) for level in levels]
        leaver_rates.append([q[: spec.horizon] for q, _, _ in effective])
        rates.append([(r, f) for _, r, f in effective])
        staff.append(path)
        forecast_staff = path[1:]
        demand.append(
            [
                demand_path(forecast_staff, area.span.get(level.key), count, area.establishment.get(level.key))
                for level, count in zip(levels, counts, strict=True)
            ]
        )
    shape = (len(spec.areas), len(levels))
    rate_array = np.array(rates, dtype=np.float64).reshape(*shape, 2)
    return Inputs(
        baseline=np.array(baseline, dtype=np.float64).reshape(shape),
        leaver_rate=np.array(leaver_rates, dtype=np.float64).reshape(*shape, spec.horizon),
        ready_rate=rate_array[:, :, 0].copy(),
        internal_fill_max=rate_array[:, :, 1].copy(),
        staff=np.array(staff, dtype=np.float64).reshape(len(spec.areas), spec.horizon + 1),
        demand=np.array(demand, dtype=np.float64).reshape(*shape, spec.horizon),
    )


def project(spec: Spec) -> Flows:
    """Run the yearly step of model.md for every area, level and forecast year."""
    inputs = inputs_of(spec)
    areas, levels = inputs.baseline.shape
    horizon = spec.horizon
    flows = {name: np.zeros((areas, levels, horizon)) for name in FLOWS}
    q, r, f = inputs.leaver_rate, inputs.ready_rate, inputs.internal_fill_max
    demand = inputs.demand
    previous = inputs.baseline  # N(a, l, t-1)
    zero = np.zeros(areas)
    for t in range(horizon):
        current = np.empty_like(previous)
        fills_above = zero  # promoted_out of the top level is 0
        for level in range(levels):
            start = previous[:, level]
            leavers = q[:, level, t] * start  # the year's leaver rate (version 3)
            promoted_out = fills_above
            available = start - leavers - promoted_out
            shortfall = demand[:, level, t] - available
            vacancies = np.maximum(0.0, shortfall)
            if level + 1 < levels:
                ready = r[:, level + 1] * previous[:, level + 1]
                fills = np.minimum(f[:, level] * vacancies, ready)
            else:
                # The bottom level has no level below to promote from.
                ready = zero
                fills = zero
            end = available + vacancies
            current[:, level] = end
            for name, values in (
                ("start", start),
                ("leavers", leavers),
                ("promoted_out", promoted_out),
                ("available", available),
                ("vacancies", vacancies),
                ("ready", ready),
                ("internal_fills", fills),
                ("external_appointments", vacancies - fills),
                ("end", end),
                ("shortfall_without_recruitment", shortfall),
            ):
                flows[name][:, level, t] = values
            fills_above = fills
        previous = current
    return Flows(inputs, flows)
