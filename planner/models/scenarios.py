"""Forecast scenarios and their assumptions by level, by area, and by area and level."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import OrganisationRow, StrategyRow, Versioned, belongs_to, optional_text, utcnow


class Scenario(StrategyRow, Versioned, table=True):
    """A named set of forecast assumptions for a strategy (Baseline, Growth, Constrained...)."""

    __table_args__ = (UniqueConstraint("strategy_id", "name"),)
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=500)
    position: int = 0
    # Uncertainty bands: None means no simulation; the seed makes the bands repeatable.
    simulations: int | None = None
    seed: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ScenarioLevel(OrganisationRow, table=True):
    """A scenario's assumptions for one leadership level, across every area."""

    __table_args__ = (UniqueConstraint("scenario_id", "level_id"),)
    scenario_id: int = belongs_to("scenario")
    level_id: int = belongs_to("level")
    leaver_rate: float = 0.0
    ready_rate: float = 0.0
    internal_fill_max: float = 0.0
    # Measured leaver rates, one per forecast year (JSON list), and where they came from (JSON: the period,
    # files and counts; planner.services.evidence). Both None while the rate is typed. The list holds only
    # while `leaver_rate` is still the rate stored with it: typing another replaces it.
    leaver_rates: str | None = optional_text()
    leaver_source: str | None = optional_text()


class ScenarioArea(OrganisationRow, table=True):
    """A scenario's staff growth for one area: one rate, or one per forecast year (JSON)."""

    __table_args__ = (UniqueConstraint("scenario_id", "area_id"),)
    scenario_id: int = belongs_to("scenario")
    area_id: int = belongs_to("area")
    staff_growth: str = Field(default="0", max_length=500)


class ScenarioAreaLevel(OrganisationRow, table=True):
    """A scenario's span of control and rate overrides for one area and level (None = not set)."""

    __table_args__ = (UniqueConstraint("scenario_id", "area_id", "level_id"),)
    scenario_id: int = belongs_to("scenario")
    area_id: int = belongs_to("area")
    level_id: int = belongs_to("level")
    span: float | None = None
    leaver_rate: float | None = None
    ready_rate: float | None = None
    internal_fill_max: float | None = None
    # As ScenarioLevel's: an area's own measured yearly leaver rates and their source (None while typed).
    leaver_rates: str | None = optional_text()
    leaver_source: str | None = optional_text()
