"""The board pack's content: every figure and text the pack and the paper show, as plain JSON-ready data.

planner.services.board_pack gathers it (pack_content) and the sheet writers and the paper read it, so
these types are the one contract between them. It is JSON all through: an approved version keeps it
as it stood and rebuilds the same pack later. Content kept by an older version may lack the parts
gathered since (NotRequired below), which the writers read with .get. The parts other services
gather in their own shape (diversity, succession, board terms, consultation, the cover) are typed as
the plain mappings those services return."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict, cast


class OrganisationPart(TypedDict):
    """The organisation the pack is for."""

    name: str
    suppression_threshold: int


class StrategyPart(TypedDict):
    """The strategy's title, period and statements."""

    id: int
    title: str
    start_year: int
    horizon: int
    end_year: int
    vision: str
    mission: str
    values: str
    owner: str


class StatusPart(TypedDict):
    """The cover's status ("Draft", "Approved"...) and version words."""

    state: str
    version: str


class PreparedPart(TypedDict):
    """When and by whom the pack was prepared, its marking and its audience (planner.diversity.disclosure)."""

    on: str  # ISO date
    by: str
    marking: str
    audience: str


class LevelPart(TypedDict):
    """A leadership level and the pay bands in it."""

    key: str
    name: str
    bands: list[str]


class VacancyRow(TypedDict):
    """Funded posts (first forecast year), leaders in post and vacancies at one level."""

    establishment: float | None
    in_post: float
    vacancies: float | None
    rate: float | None
    partial: bool


class AreaPart(TypedDict):
    """An area of the structure with its baseline, its own and rolled up with the areas within it."""

    code: str
    name: str
    parent: str | None
    depth: int
    staff: int
    fte: float
    leaders: dict[str, int]
    rolled_staff: float
    rolled_fte: float
    rolled_leaders: dict[str, float]
    establishment: dict[str, VacancyRow]


class StructurePart(TypedDict):
    """The levels and areas with their baseline, where the baseline came from, and the funded posts in all."""

    levels: list[LevelPart]
    areas: list[AreaPart]
    baseline_source: str
    establishment_totals: dict[str, VacancyRow]


class ScenarioName(TypedDict):
    """A scenario's name and description."""

    name: str
    description: str


class ComparedScenario(TypedDict):
    """One scenario of the strategy run for comparison: its spec, totals and problems."""

    name: str
    description: str
    spec: dict[str, Any] | None
    totals: list[dict[str, Any]]
    problems: list[str]


class ForecastPart(TypedDict):
    """The chosen scenario's forecast (planner.forecast's spec and result), the assumptions behind it and
    every scenario compared; without a scenario, only the problem saying so."""

    scenario: ScenarioName | None
    spec: dict[str, Any] | None
    result: dict[str, Any] | None
    problems: list[str]
    assumptions: dict[str, Any] | None
    scenarios: list[ComparedScenario]
    sensitivity: NotRequired[list[dict[str, Any]]]  # absent without a scenario


class CompetencyRow(TypedDict):
    """A competency of the catalogue with the step each level needs (None: not required)."""

    key: str
    name: str
    framework: str
    domain: str
    required: dict[str, int | None]


class GapRow(TypedDict):
    """Leaders at a level below the step a competency needs (organisation totals)."""

    level: str
    competency: str
    required: int
    assessed: int
    below_required: int
    share_below: float | None


class InterventionRow(TypedDict):
    """A planned development intervention and how many competencies it develops."""

    name: str
    kind: str
    places_per_year: int
    cost_per_place: float
    first_year: int
    last_year: int | None
    develops: int


class YearCost(TypedDict):
    """The development plan's cost in one year."""

    year: int
    cost: float


class CoverageRow(TypedDict):
    """How far a year's places cover the leaders below the step in a competency at a level."""

    year: int
    level: str
    competency: str
    leaders_below: int
    places: int
    covered_share: float | None


class UnaddressedGap(TypedDict):
    """A gap no intervention develops."""

    level: str
    competency: str
    below_required: int


class CompetenciesPart(TypedDict):
    """The competency framework, the gaps and the development plan."""

    competencies: list[CompetencyRow]
    gaps: list[GapRow]
    interventions: list[InterventionRow]
    cost: list[YearCost]
    coverage: list[CoverageRow]
    unaddressed: list[UnaddressedGap]


class SurveyPart(TypedDict):
    """One self-assessment survey's results as the survey's own rules allow them to be shown."""

    name: str
    status: str
    responses: int
    enough: bool
    dimensions: list[dict[str, Any]]
    items: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    withheld_groups: list[str]
    comparison_group: str | None


class ObjectiveRow(TypedDict):
    """One objective of the cascade, with its progress, RAG rating and SMART check."""

    ref: str
    parent_ref: str | None
    depth: int
    title: str
    level: str
    area: str | None
    owner: str | None
    weight: float
    due: str | None  # ISO date
    status: str
    progress: float | None
    rolled_up_progress: float | None
    rag: str | None
    smart: dict[str, bool]
    smart_reasons: list[str]


class UnownedGap(TypedDict):
    """A gap the board found that no objective is linked to."""

    kind: str
    label: str


class ObjectivesPart(TypedDict):
    """The objectives and the gaps none of them owns."""

    rows: list[ObjectiveRow]
    unowned: list[UnownedGap]


class LackingItem(TypedDict):
    """Something the strategy still lacks, as the task list says it (planner.steps)."""

    step: str
    step_name: str
    message: str


class PackContent(TypedDict):
    """Everything the board pack and the board paper show (planner.services.board_pack.pack_content)."""

    schema: int
    organisation: OrganisationPart
    strategy: StrategyPart
    status: StatusPart
    approval: dict[str, Any] | None  # set on an approved version's kept content
    prepared: PreparedPart
    levels: list[LevelPart]
    areas: list[AreaPart]
    baseline_source: NotRequired[str]
    establishment_totals: NotRequired[dict[str, VacancyRow]]
    forecast: ForecastPart
    diversity: dict[str, Any]  # planner.services.diversity.diversity_report, with the names of groups
    succession: NotRequired[dict[str, Any]]  # planner.services.succession.succession_report
    board_terms: NotRequired[dict[str, Any]]  # planner.services.board_terms.board_terms_content
    competencies: CompetenciesPart
    self_assessment: NotRequired[list[SurveyPart]]
    objectives: ObjectivesPart
    consultation: NotRequired[dict[str, Any]]  # planner.services.consultation.consultation_content
    cover: NotRequired[dict[str, Any]]  # planner.services.board_cover.cover_content
    lacking: NotRequired[list[LackingItem]]


def kept_content(data: Mapping[str, Any]) -> PackContent:
    """Content as an approved version kept it (read back from JSON): the same shape, the parts gathered
    since it was kept perhaps missing."""
    return cast(PackContent, data)
