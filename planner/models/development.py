"""The development plan (issue 5): interventions, and the competencies and levels each develops."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import OrganisationRow, StrategyRow, Versioned, belongs_to


class Intervention(StrategyRow, Versioned, table=True):
    """A development intervention in the plan: places a year, cost a place, the years it runs."""

    name: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    places_per_year: int = 0
    cost_per_place: float = 0.0
    first_year: int
    last_year: int


class InterventionTarget(OrganisationRow, table=True):
    """A competency and level an intervention develops."""

    __table_args__ = (UniqueConstraint("intervention_id", "competency_id", "level_id"),)
    intervention_id: int = belongs_to("intervention")
    competency_id: int = belongs_to("competency")
    level_id: int = belongs_to("level")
