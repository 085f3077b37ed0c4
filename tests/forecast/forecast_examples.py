"""The example spec of model.md, shared by the tests."""

from __future__ import annotations

from typing import Any

EXAMPLE: dict[str, Any] = {
    "start_year": 2026,
    "horizon": 5,
    "levels": [
        {"key": "board", "leaver_rate": 0.10, "ready_rate": 0.00, "internal_fill_max": 0.0},
        {"key": "senior", "leaver_rate": 0.09, "ready_rate": 0.04, "internal_fill_max": 0.6},
        {"key": "middle", "leaver_rate": 0.10, "ready_rate": 0.06, "internal_fill_max": 0.7},
        {"key": "frontline", "leaver_rate": 0.12, "ready_rate": 0.08, "internal_fill_max": 0.8},
    ],
    "areas": [
        {
            "key": "medicine",
            "staff": 2400,
            "staff_growth": 0.03,
            "leaders": {"board": 0, "senior": 12, "middle": 60, "frontline": 180},
            "span": {"middle": 40, "frontline": 13},
            "overrides": {"frontline": {"leaver_rate": 0.15}},
        }
    ],
    "diversity_targets": [
        {
            "level": "senior",
            "group": "ethnic_minority",
            "baseline_count": 1,
            "target_share": 0.25,
            "target_year": 2031,
            "leaver_rate_ratio": 1.0,
            "current_appointment_share": 0.15,
            "pipeline_share": 0.2,
        }
    ],
}
