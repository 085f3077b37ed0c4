"""Reference data shipped in data/: default leadership levels and the Agenda for Change bands."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from planner.config import DATA_DIR


@lru_cache(maxsize=1)
def default_levels() -> dict[str, Any]:
    """data/levels.json: the default levels (key, name, description, bands) and the band list."""
    with open(DATA_DIR / "levels.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def all_bands() -> list[str]:
    """Every band an organisation can map to a level, in pay order."""
    return list(default_levels()["bands"])


def band_label(band: str) -> str:
    """How a band reads on a page: 'Band 8a', 'VSM', 'Board - Executive'."""
    return f"Band {band}" if band[:1].isdigit() else band
