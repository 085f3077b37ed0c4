"""A generator of large, valid, plausible specs for benchmarks and load tests."""

from __future__ import annotations

import random

NAMED_LEVELS = ("board", "senior", "middle", "frontline", "team")


def generate_spec(
    areas: int,
    levels: int = 5,
    horizon: int = 10,
    targets: int = 10,
    simulations: int | None = None,
    seed: int = 1,
) -> dict[str, object]:
    """A valid spec with the given numbers of areas, levels, years and diversity targets."""
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
    return spec
