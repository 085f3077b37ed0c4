"""Database tables, one module per domain; every table class is importable from here.

Every tenant table carries `organisation_id`, which the one scoping helper (planner/web/tenancy.py)
filters on, so nothing of another organisation can be reached by id.

Primary keys are typed `int` though a row not yet flushed holds None: the services hand on only stored
rows (they flush before they use an id), and an `int | None` key would make every caller of
`row.id` prove again what the flush already did."""

from __future__ import annotations

from planner.models.accounts import ApiToken, AuditEvent, LoginAttempt, Membership, Organisation, User
from planner.models.approval import BoardCover, BoardDecision, Comment, Consultation, EngagementEvent, StrategyVersion
from planner.models.base import OrganisationRow, Row, StrategyRow, Versioned, utcnow
from planner.models.bookkeeping import DerivedResult, Job, JobFile, RateLimitCounter, Revision
from planner.models.competencies import AssessedCount, Competency, CompetencyDomain, CompetencyFramework, RequiredStep
from planner.models.development import Intervention, InterventionTarget
from planner.models.diversity import Benchmark, DiversityCount, DiversityTarget, GroupLabel, ShortlistingFigure
from planner.models.evidence import Establishment, EvidenceExtract, StaffImport
from planner.models.objectives import CheckIn, Objective
from planner.models.scenarios import Scenario, ScenarioArea, ScenarioAreaLevel, ScenarioLevel
from planner.models.structure import Area, AreaBaseline, BandAssignment, LeaderCount, Level, Strategy
from planner.models.succession import BoardSeat, SuccessionEntry, SuccessionPoolCount
from planner.models.surveys import Survey, SurveyAnswer, SurveyCode, SurveyGroup, SurveyItem, SurveyResponse
from planner.models.systems import SystemMember, SystemObjective, SystemObjectiveLink, SystemShare

__all__ = [
    "ApiToken",
    "Area",
    "AreaBaseline",
    "AssessedCount",
    "AuditEvent",
    "BandAssignment",
    "Benchmark",
    "BoardCover",
    "BoardDecision",
    "BoardSeat",
    "CheckIn",
    "Comment",
    "Competency",
    "CompetencyDomain",
    "CompetencyFramework",
    "Consultation",
    "DerivedResult",
    "DiversityCount",
    "DiversityTarget",
    "EngagementEvent",
    "Establishment",
    "EvidenceExtract",
    "GroupLabel",
    "Intervention",
    "InterventionTarget",
    "Job",
    "JobFile",
    "LeaderCount",
    "Level",
    "LoginAttempt",
    "Membership",
    "Objective",
    "Organisation",
    "OrganisationRow",
    "RateLimitCounter",
    "RequiredStep",
    "Revision",
    "Row",
    "Scenario",
    "ScenarioArea",
    "ScenarioAreaLevel",
    "ScenarioLevel",
    "ShortlistingFigure",
    "StaffImport",
    "Strategy",
    "StrategyRow",
    "StrategyVersion",
    "SuccessionEntry",
    "SuccessionPoolCount",
    "Survey",
    "SurveyAnswer",
    "SurveyCode",
    "SurveyGroup",
    "SurveyItem",
    "SurveyResponse",
    "SystemMember",
    "SystemObjective",
    "SystemObjectiveLink",
    "SystemShare",
    "User",
    "Versioned",
    "utcnow",
]
