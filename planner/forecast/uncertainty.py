"""Uncertainty bands: the yearly step on whole people with random leavers and pipeline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.forecast.engine import FloatArray, Inputs, IntArray
from planner.forecast.spec import Spec, Uncertainty

# Band figures: organisation totals of these, per level and year.
METRICS = ("external_appointments", "end", "shortfall_without_recruitment")
PERCENTILES = (10, 50, 90)
# Simulations run in blocks so memory stays modest for thousands of areas; the block size
# depends only on the spec, so the same spec and seed always give the same draws.
ELEMENTS_PER_BLOCK = 1_000_000

# Simulations asked for within a web or API request are bounded by their work: simulations x
# areas. 2,000,000 is 200 areas x 10,000 or 2,000 areas x 1,000, about 15 seconds here (make bench).
MAX_SIMULATED_AREAS = 2_000_000


def simulation_load_problem(simulations: int | None, areas: int) -> str | None:
    """Why a request for bands is too large to run while someone waits, or None if it is not."""
    if simulations and simulations * areas > MAX_SIMULATED_AREAS:
        most = max(MAX_SIMULATED_AREAS // max(areas, 1), 1)
        return (f"{simulations:,} simulations of {areas:,} areas is more than can run on request "
                f"(simulations x areas may be at most {MAX_SIMULATED_AREAS:,}): use at most {most:,} simulations, "
                "or the command line")
    return None


@dataclass(frozen=True)
class Simulation:
    """Organisation totals of every simulation, indexed [metric, level, year t-1, simulation].

    Totals are whole numbers held as floats: summing many areas could overflow 64-bit integers.
    """

    totals: FloatArray

    def mean(self, metric: str) -> FloatArray:
        """The mean over simulations of one metric, indexed [level, year t-1]."""
        result: FloatArray = self.totals[METRICS.index(metric)].mean(axis=-1)
        return result


def simulate(inputs: Inputs, uncertainty: Uncertainty) -> Simulation:
    """Run ``uncertainty.simulations`` whole-people simulations of every area."""
    areas, levels, horizon = inputs.demand.shape
    count = uncertainty.simulations
    rng = np.random.default_rng(uncertainty.seed)
    q = inputs.leaver_rate  # (areas, levels, year): the year's rate (version 3)
    # Leavers and the ready pipeline split the same people (a multinomial over leave, ready,
    # stay): draw leavers with the year's q, then the ready among those who stay with
    # r / (1 - q), which therefore changes by year where q does.
    stayers = 1.0 - q
    ready = np.broadcast_to(inputs.ready_rate[:, :, None], q.shape)
    ready_given_stay = np.clip(np.divide(ready, stayers, out=np.zeros_like(q), where=stayers > 0), 0.0, 1.0)
    totals = np.zeros((len(METRICS), levels, horizon, count))
    block = max(1, min(count, ELEMENTS_PER_BLOCK // max(1, areas * levels)))
    for first in range(0, count, block):
        size = min(block, count - first)
        totals[..., first : first + size] = _run_block(inputs, rng, ready_given_stay, size)
    return Simulation(totals)


def _run_block(inputs: Inputs, rng: np.random.Generator, ready_given_stay: FloatArray, size: int) -> FloatArray:
    """Simulate ``size`` futures; return organisation totals [metric, level, year, sim]."""
    areas, levels, horizon = inputs.demand.shape
    q, f = inputs.leaver_rate, inputs.internal_fill_max
    out = np.zeros((len(METRICS), levels, horizon, size))
    # Simulations count people: baseline counts given as fractions are rounded to the nearest
    # whole person (halves up), and so is a demand that is the baseline count of a level.
    baseline = whole_people(inputs.baseline)
    demand = whole_people(inputs.demand)
    in_post = [np.repeat(baseline[:, level, None], size, axis=1) for level in range(levels)]
    none = np.zeros((areas, size), dtype=np.int64)
    for t in range(horizon):
        leavers: list[IntArray] = []
        ready: list[IntArray] = []
        for level in range(levels):
            drawn = rng.binomial(in_post[level], q[:, level, t, None])
            leavers.append(drawn)
            # The top level's pipeline has no level above to step up to.
            pipeline = ready_given_stay[:, level, t, None] if level > 0 else None
            ready.append(none if pipeline is None else rng.binomial(in_post[level] - drawn, pipeline))
        promoted_out = none
        for level in range(levels):
            available = in_post[level] - leavers[level] - promoted_out
            shortfall = demand[:, level, t, None] - available
            vacancies = np.maximum(shortfall, 0)
            if level + 1 < levels:
                # The most that may be filled internally, in whole people, rounded without bias
                # (model.md version 2): up with the probability of its fraction, else down, so the
                # simulations' mean is not pulled below the expected value in thin areas. The
                # 9-place rounding first stops 0.29 * 100 = 28.999999999999996 losing a person.
                most = stochastic_round(np.round(f[:, level, None] * vacancies, 9), rng)
                fills = np.minimum(most, ready[level + 1])
            else:
                fills = none
            end = available + vacancies
            out[0, level, t] = (vacancies - fills).sum(axis=0, dtype=np.float64)
            out[1, level, t] = end.sum(axis=0, dtype=np.float64)
            out[2, level, t] = shortfall.sum(axis=0, dtype=np.float64)
            in_post[level] = end
            promoted_out = fills
    return out


def stochastic_round(values: FloatArray, rng: np.random.Generator) -> IntArray:
    """Whole numbers whose expected value is `values`: floor(x) + 1 with probability x - floor(x)."""
    floor = np.floor(values)
    rounded: IntArray = (floor + (rng.random(values.shape) < values - floor)).astype(np.int64)
    return rounded


def whole_people(counts: FloatArray) -> IntArray:
    """Round counts to whole people, halves up (12.5 leaders become 13)."""
    rounded: IntArray = np.floor(counts + 0.5).astype(np.int64)
    return rounded


def bands(spec: Spec, simulation: Simulation) -> list[dict[str, object]]:
    """The 10th, 50th and 90th percentiles and the mean per level and year, level order then year."""
    quantiles = np.percentile(simulation.totals, PERCENTILES, axis=-1)
    means = simulation.totals.mean(axis=-1)
    result: list[dict[str, object]] = []
    for level, key in enumerate(spec.level_keys):
        for t, year in enumerate(spec.years):
            item: dict[str, object] = {"level": key, "year": year}
            for m, metric in enumerate(METRICS):
                figures = {f"p{p}": float(quantiles[i, m, level, t]) for i, p in enumerate(PERCENTILES)}
                figures["mean"] = float(means[m, level, t])
                item[metric] = figures
            result.append(item)
    return result
