"""A generator of large, valid, plausible specs for benchmarks and load tests."""

from __future__ import annotations

import random
from typing import Any

NAMED_LEVELS = ("board", "senior", "middle", "frontline", "team")


def generate_spec(
    areas: int,
    levels: int = 5,
    horizon: int = 10,
    targets: int = 10,
    simulations: int | None = None,
    seed: int = 1,
    version: int = 2,
) -> dict[str, object]:
    """A valid spec with the given numbers of areas, levels, years and diversity targets.

    ``version=3`` adds model.md version 3 inputs to some levels and areas: leaver rates that
    change year by year and funded establishment. They come from a random stream of their own,
    so the rest of the spec is the same as the version 2 spec of the same seed.
    """
    rng = random.Random(seed)
    keys = [NAMED_LEVELS[i] if i < len(NAMED_LEVELS) else f"level_{i + 1}" for i in range(levels)]
    level_items: list[dict[str, object]] = [
        {
            "key": key,
            "leaver_rate": round(rng.uniform(0.05, 0.2), 3),
            "ready_rate": 0.0 if depth == 0 else round(rng.uniform(0.0, 0.1), 3),
            "internal_fill_max": round(rng.uniform(0.0, 0.9), 2),
        }
        for depth, key in enumerate(keys)
    ]
    in_post = dict.fromkeys(keys, 0)
    area_items: list[dict[str, object]] = []
    for number in range(areas):
        staff = rng.randint(200, 5000)
        leaders: dict[str, int] = {}
        for depth, key in enumerate(keys):
            # Lower levels hold more leaders: roughly one per 13 staff at the bottom.
            per_leader = 13 * 3 ** (levels - 1 - depth)
            leaders[key] = max(0, round(staff / per_leader * rng.uniform(0.8, 1.2)))
            in_post[key] += leaders[key]
        growth: object = (
            round(rng.uniform(-0.02, 0.05), 3)
            if rng.random() < 0.7
            else [round(rng.uniform(-0.02, 0.05), 3) for _ in range(horizon)]
        )
        area: dict[str, object] = {
            "key": f"area_{number + 1}",
            "name": f"Area {number + 1}",
            "staff": staff,
            "staff_growth": growth,
            "leaders": leaders,
            # Spans for the lower half of the levels; the upper levels keep their baseline.
            "span": {
                key: round(13 * 3 ** (levels - 1 - depth) * rng.uniform(0.9, 1.1), 1)
                for depth, key in enumerate(keys)
                if depth >= levels // 2
            },
        }
        if rng.random() < 0.2:
            key = rng.choice(keys)
            area["overrides"] = {key: {"leaver_rate": round(rng.uniform(0.05, 0.25), 3)}}
        area_items.append(area)
    target_items: list[dict[str, object]] = []
    for number in range(targets):
        level = rng.choice([*keys, "all"])
        total = sum(in_post.values()) if level == "all" else in_post[level]
        target_items.append(
            {
                "level": level,
                "group": f"group_{number + 1}",
                "baseline_count": round(total * rng.uniform(0.0, 0.3)),
                "target_share": round(rng.uniform(0.1, 0.5), 2),
                "target_year": 2026 + rng.randint(1, horizon),
                "leaver_rate_ratio": round(rng.uniform(0.8, 1.2), 2),
                **({"current_appointment_share": round(rng.uniform(0.0, 0.4), 2)} if rng.random() < 0.5 else {}),
            }
        )
    spec: dict[str, object] = {
        "name": f"Generated spec ({areas} areas)",
        "start_year": 2026,
        "horizon": horizon,
        "levels": level_items,
        "areas": area_items,
        "diversity_targets": target_items,
    }
    if simulations is not None:
        spec["uncertainty"] = {"simulations": simulations, "seed": seed}
    if version >= 3:
        add_version_3(spec, random.Random(f"version 3, seed {seed}"))
    return spec


def yearly_rates(rng: random.Random, rate: float, horizon: int) -> list[float]:
    """A leaver rate that drifts year by year (as retirements rise with age), kept within 0..0.5."""
    rates: list[float] = []
    for _ in range(horizon):
        rates.append(round(min(max(rate, 0.0), 0.5), 4))
        rate += rng.uniform(-0.01, 0.02)
    return rates


def add_version_3(spec: dict[str, Any], rng: random.Random) -> None:
    """Give some levels and area overrides yearly leaver rates, and some areas an establishment."""
    # The spec is plain JSON-like data built by generate_spec: its parts are read as what it put there.
    horizon = int(spec["horizon"])
    levels: list[dict[str, Any]] = spec["levels"]
    areas: list[dict[str, Any]] = spec["areas"]
    # Generated ready rates are at most 0.1, so leaver rates up to 0.5 keep q + r within 1.
    for level in levels:
        if rng.random() < 0.5:
            level["leaver_rate"] = yearly_rates(rng, float(level["leaver_rate"]), horizon)
    for area in areas:
        overrides: dict[str, dict[str, Any]] = area.get("overrides", {})
        for rates in overrides.values():
            if "leaver_rate" in rates and rng.random() < 0.5:
                rates["leaver_rate"] = yearly_rates(rng, float(rates["leaver_rate"]), horizon)
        if rng.random() < 0.5:
            leaders: dict[str, int] = area["leaders"]
            establishment: dict[str, object] = {}
            for key, count in leaders.items():
                if rng.random() < 0.5:
                    continue
                # Funded posts near the leaders in post: a few vacant, sometimes growing each year.
                posts = max(0, round(count * rng.uniform(0.95, 1.2)))
                if rng.random() < 0.5:
                    establishment[key] = posts
                    continue
                figures = [posts]
                for _ in range(horizon - 1):
                    figures.append(figures[-1] + rng.randint(0, 2))
                establishment[key] = figures
            if establishment:
                area["establishment"] = establishment
