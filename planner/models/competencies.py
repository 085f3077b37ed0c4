"""Competencies (issue 5): frameworks, domains, competencies, the steps levels need and assessed counts."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from planner.models.base import OrganisationRow, StrategyRow, Versioned, belongs_to, long_text


class CompetencyFramework(OrganisationRow, table=True):
    """A framework of leadership competencies, copied into each organisation and editable there."""

    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    key: str = Field(max_length=60)
    name: str = Field(max_length=200)
    description: str = long_text()
    position: int = 0


class CompetencyDomain(OrganisationRow, table=True):
    """A group of competencies within a framework."""

    framework_id: int = belongs_to("competencyframework")
    key: str = Field(max_length=80)
    name: str = Field(max_length=200)
    position: int = 0


class Competency(OrganisationRow, Versioned, table=True):
    """A skill or behaviour leaders need: generic, or specific to a role."""

    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    domain_id: int = belongs_to("competencydomain")
    key: str = Field(max_length=80)
    name: str = Field(max_length=200)
    kind: str = Field(default="generic", max_length=20)  # generic or role-specific
    description: str = long_text()
    position: int = 0


class RequiredStep(StrategyRow, table=True):
    """The step (1 essential to 4 exemplary) a level needs in a competency, in one strategy."""

    __table_args__ = (UniqueConstraint("strategy_id", "competency_id", "level_id"),)
    competency_id: int = belongs_to("competency")
    level_id: int = belongs_to("level")
    step: int


class AssessedCount(StrategyRow, table=True):
    """How many leaders of an area and level were assessed at a step of a competency."""

    __table_args__ = (UniqueConstraint("strategy_id", "area_id", "level_id", "competency_id", "step"),)
    area_id: int = belongs_to("area")
    level_id: int = belongs_to("level")
    competency_id: int = belongs_to("competency")
    step: int
    count: int = 0
