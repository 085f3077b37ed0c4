"""Reference data shipped in data/: default leadership levels, the Agenda for Change bands, the medical
and dental grades, and the job roles that may choose a level."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from planner.config import DATA_DIR


@lru_cache(maxsize=1)
def default_levels() -> dict[str, Any]:
    """data/levels.json: the default levels (key, name, description, bands, roles), the band list, the
    medical and dental grades and the job roles."""
    with open(DATA_DIR / "levels.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def pay_bands() -> list[str]:
    """The Agenda for Change bands, VSM and the board roles, in pay order."""
    return list(default_levels()["bands"])


def medical_grades() -> list[str]:
    """The medical and dental grades, from the first year of foundation training to consultant."""
    return list(default_levels()["grades"])


def job_roles() -> list[str]:
    """The job roles that may choose a leadership level before the grade does (Medical Director, ...)."""
    return list(default_levels()["job_roles"])


def all_bands() -> list[str]:
    """Everything the band map can map to a level: pay bands, then medical and dental grades, then job
    roles (which decide before the band or grade)."""
    return pay_bands() + medical_grades() + job_roles()


def band_label(band: str) -> str:
    """How a band reads on a page: 'Band 8a', 'VSM', 'Board - Executive', 'Consultant', 'Clinical Lead (job role)'."""
    if band[:1].isdigit():
        return f"Band {band}"
    return f"{band} (job role)" if band in job_roles() else band
