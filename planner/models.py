"""Database tables. Every tenant table carries `organisation_id`, which the one scoping helper
(planner/web/tenancy.py) filters on, so nothing of another organisation can be reached by id.

Primary keys are typed `int` though a row not yet flushed holds None: the services hand on only stored
rows (they flush before they use an id), and an `int | None` key would make every caller of
`row.id` prove again what the flush already did."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint, event
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (SQLModel stores and returns datetimes in UTC)."""
    return datetime.now(UTC)


class Versioned(SQLModel):
    """A record people edit in forms: SQLAlchemy adds one to `version` on every update and refuses
    (StaleDataError) an update whose row changed since it was read, so no save silently reverts
    another (docs/editing.md)."""

    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 (a class-level directive)
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Organisation(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    slug: str = Field(max_length=63, unique=True, index=True)
    name: str = Field(max_length=200)
    # A trust (or any organisation with strategies of its own), or a system: an integrated care system
    # or other partnership whose members share chosen approved versions with it (docs/systems.md).
    kind: str = Field(default="trust", max_length=20, sa_column_kwargs={"server_default": "trust"})
    created_at: datetime = Field(default_factory=utcnow)
    # Diversity counts from 1 to this are withheld (the NHS Digital rule is 7; 3 to 10 allowed).
    suppression_threshold: int = Field(default=7, sa_column_kwargs={"server_default": "7"})
    # Levels whose composition is public anyway, so never suppressed: comma-separated level keys
    # (planner.diversity.disclosure).
    public_levels: str = Field(default="board", max_length=500, sa_column_kwargs={"server_default": "board"})
    # RAG of objectives: progress against the share of time elapsed; below these ratios, amber / red.
    rag_amber_below: float = Field(default=0.9, sa_column_kwargs={"server_default": "0.9"})
    rag_red_below: float = Field(default=0.7, sa_column_kwargs={"server_default": "0.7"})


class User(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    # Kept in the signed session cookie at sign-in; bumping it (sign-out, a new password, a change of
    # role, removal) ends every session of the person at once (planner/security.py).
    session_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    # Flask-Login's interface, written out because UserMixin's attributes clash with fields.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    # Only a SHA-256 of the token is kept; the first characters help people tell tokens apart.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    # A keyed hash of the address: enough to throttle, not enough to identify anyone.
    client_hash: str = Field(max_length=64, index=True)
    succeeded: bool = False
    at: datetime = Field(default_factory=utcnow, index=True)


class RateLimitCounter(SQLModel, table=True):
    """One rate limit's hits in its current window, shared by every web process (planner.ratelimit_store).
    The key is a SHA-256 of the limit and of keyed hashes of who is limited: no address or link is kept."""

    key: str = Field(primary_key=True, max_length=64)
    hits: int = 0
    # Seconds since the epoch when the window ends; a row past it counts as empty and is purged.
    expires_at: float = Field(index=True)


class Revision(SQLModel, table=True):
    """How many writes a scope has seen (`strategy:ID`, `organisation:ID` or `all`): the key that
    derived results are kept under (planner.revisions), moved in each write's own transaction."""

    scope: str = Field(primary_key=True, max_length=40)
    value: int = 0


class DerivedResult(SQLModel, table=True):
    """A result worked out from a strategy's data (a forecast, the completeness check...), kept under
    its revisions so any worker can reuse it until the data changes (planner.services.derived).
    The value is compressed and signed with the secret key; a row that fails its check is ignored."""

    key: str = Field(primary_key=True, max_length=64)  # SHA-256 of the kind, the parts and the revisions
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class AuditEvent(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True,
                                        ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, index=True)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class Strategy(Versioned, table=True):
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    start_year: int
    horizon: int = 5
    vision: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    mission: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    values: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    owner: str = Field(default="", max_length=200)
    # draft, or submitted for the board's decision; approval freezes a version and returns it to draft.
    status: str = Field(default="draft", max_length=20)
    submitted_at: datetime | None = None
    submitted_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Bumped (compare-and-set) by every save of the baseline grid or import: the grid's version.
    baseline_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Bumped the same way by every save of a required-steps grid (any framework's).
    required_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    @property
    def end_year(self) -> int:
        return self.start_year + self.horizon


class Level(Versioned, table=True):
    __table_args__ = (UniqueConstraint("strategy_id", "key"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=40)
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=500)
    position: int = 0


class BandAssignment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("strategy_id", "band"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    band: str = Field(max_length=40)
    level_id: int = Field(foreign_key="level.id", index=True, ondelete="CASCADE")


class Area(Versioned, table=True):
    __table_args__ = (UniqueConstraint("strategy_id", "code"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    position: int = 0


class AreaBaseline(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", unique=True, ondelete="CASCADE")
    staff: int = 0
    fte: float = 0.0


class LeaderCount(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("area_id", "level_id"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", index=True, ondelete="CASCADE")
    level_id: int = Field(foreign_key="level.id", index=True, ondelete="CASCADE")
    count: int = 0


class Establishment(SQLModel, table=True):
    """The funded leader posts of one level in one area (its own posts, not its sub-areas'): a whole
    number for every forecast year, or one per year (JSON, year 1 first). No row: no establishment."""

    __table_args__ = (UniqueConstraint("area_id", "level_id"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", index=True, ondelete="CASCADE")
    level_id: int = Field(foreign_key="level.id", index=True, ondelete="CASCADE")
    posts: str = Field(max_length=200)


class Scenario(Versioned, table=True):
    """A named set of forecast assumptions for a strategy (Baseline, Growth, Constrained...)."""

    __table_args__ = (UniqueConstraint("strategy_id", "name"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=500)
    position: int = 0
    # Uncertainty bands: None means no simulation; the seed makes the bands repeatable.
    simulations: int | None = None
    seed: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ScenarioLevel(SQLModel, table=True):
    """A scenario's assumptions for one leadership level, across every area."""

    __table_args__ = (UniqueConstraint("scenario_id", "level_id"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    scenario_id: int = Field(foreign_key="scenario.id", index=True, ondelete="CASCADE")
    level_id: int = Field(foreign_key="level.id", index=True, ondelete="CASCADE")
    leaver_rate: float = 0.0
    ready_rate: float = 0.0
    internal_fill_max: float = 0.0
    # Measured leaver rates, one per forecast year (JSON list), and where they came from (JSON: the period,
    # files and counts; planner.services.evidence). Both None while the rate is typed. The list holds only
    # while `leaver_rate` is still the rate stored with it: typing another replaces it.
    leaver_rates: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    leaver_source: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ScenarioArea(SQLModel, table=True):
    """A scenario's staff growth for one area: one rate, or one per forecast year (JSON)."""

    __table_args__ = (UniqueConstraint("scenario_id", "area_id"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    scenario_id: int = Field(foreign_key="scenario.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", index=True, ondelete="CASCADE")
    staff_growth: str = Field(default="0", max_length=500)


class ScenarioAreaLevel(SQLModel, table=True):
    """A scenario's span of control and rate overrides for one area and level (None = not set)."""

    __table_args__ = (UniqueConstraint("scenario_id", "area_id", "level_id"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    scenario_id: int = Field(foreign_key="scenario.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", index=True, ondelete="CASCADE")
    level_id: int = Field(foreign_key="level.id", index=True, ondelete="CASCADE")
    span: float | None = None
    leaver_rate: float | None = None
    ready_rate: float | None = None
    internal_fill_max: float | None = None
    # As ScenarioLevel's: an area's own measured yearly leaver rates and their source (None while typed).
    leaver_rates: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    leaver_source: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class DiversityCount(SQLModel, table=True):
    """How many people of one group of a characteristic are in an area: leaders of a level, or
    (with no level) all staff. Only these aggregates are kept; staff records never are."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", index=True, ondelete="CASCADE")
    level_id: int | None = Field(default=None, foreign_key="level.id", index=True, ondelete="CASCADE")
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    count: int = 0
    # Set only on counts of the board level by board member type (planner.diversity.board): those rows
    # break the board's own (untyped) counts down again, so every other total leaves them out.
    board_type: str | None = Field(default=None, max_length=30)


class Benchmark(SQLModel, table=True):
    """A comparator share for a group: the local community (census) or a national figure."""

    __table_args__ = (UniqueConstraint("strategy_id", "source", "characteristic", "group_key"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    source: str = Field(max_length=20)  # "community" or "national"
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    share: float = 0.0


class ShortlistingFigure(SQLModel, table=True):
    """Applicants shortlisted and appointed from a group, for WRES indicator 2 (and WDES)."""

    __table_args__ = (UniqueConstraint("strategy_id", "characteristic", "group_key"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    shortlisted: int = 0
    appointed: int = 0


class DiversityTarget(Versioned, table=True):
    """A target share of one group at one level (or all leaders, level None) by a year."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    level_id: int | None = Field(default=None, foreign_key="level.id", index=True, ondelete="CASCADE")
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    target_share: float
    target_year: int
    leaver_rate_ratio: float = 1.0
    current_appointment_share: float | None = None
    # The group's share of the pool appointments come from; None: the default from the baseline.
    pipeline_share: float | None = None
    created_at: datetime = Field(default_factory=utcnow)


class StaffImport(SQLModel, table=True):
    """One upload of a staff extract: its aggregate counts while it waits to be confirmed (JSON),
    then what it did. Individual rows are never stored."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    filename: str = Field(default="", max_length=200)
    file_kind: str = Field(default="", max_length=10)
    rows_read: int = 0
    rows_skipped: int = 0
    status: str = Field(default="pending", max_length=20)  # pending, applied, discarded
    summary: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    counts: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class EvidenceExtract(SQLModel, table=True):
    """One extract kept as workforce evidence (docs/evidence.md): the staff extract at the start or the end
    of the evidence period, or the leavers extract, which carries the period. Counts only (JSON): leaders
    by area and level, staff by age band, leaders by area, level and age band, or leavers by area, level,
    leader flag, reason and age band. No name, id or date of any person."""

    __table_args__ = (UniqueConstraint("strategy_id", "kind"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=10)  # start, end, leavers
    filename: str = Field(default="", max_length=200)
    imported_at: datetime = Field(default_factory=utcnow)
    rows_read: int = 0
    period_start: date | None = None  # the leavers extract's period
    period_end: date | None = None
    counts: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class Job(SQLModel, table=True):
    """A piece of long work run by the task queue (planner.queue): what it is, how far it has gone
    ("12,000 of 200,000 rows read") and what it made. Every worker and web process reads the same row,
    so the progress shown is the worker's, whichever process serves the page."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)  # staff_import, board_paper_pdf
    status: str = Field(default="queued", max_length=10)  # queued, running, done, failed
    done: int = 0
    total: int | None = None
    unit: str = Field(default="", max_length=30)  # "rows read", "pages written"
    message: str = Field(default="", max_length=500)  # why it failed, in plain words
    result_ref: str = Field(default="", max_length=100)  # "staff_import:12", or "file" (a JobFile)
    # What the job needs (the upload's name and options, the paper's scenario and audience): JSON, no rows.
    options: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    # A staff import that could not be imported: its problem report (rows, columns, kinds), no counts.
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None


class JobFile(SQLModel, table=True):
    """A file a job reads (the uploaded extract, deleted the moment the worker has read it) or makes
    (the PDF, kept for RESULT_LIFETIME). Kept in the database, so every worker and web process on every
    machine reaches it, and it goes with its job."""

    id: int = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=10)  # upload, result
    name: str = Field(default="", max_length=200)
    media_type: str = Field(default="", max_length=100)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class GroupLabel(SQLModel, table=True):
    """An organisation's own name for a diversity group (for example 'Global majority' for BME)."""

    __table_args__ = (UniqueConstraint("organisation_id", "characteristic", "group_key"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    label: str = Field(max_length=100)


# --- Competencies (issue 5) --------------------------------------------------------------------


class CompetencyFramework(SQLModel, table=True):
    """A framework of leadership competencies, copied into each organisation and editable there."""

    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=60)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    position: int = 0


class CompetencyDomain(SQLModel, table=True):
    """A group of competencies within a framework."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    framework_id: int = Field(foreign_key="competencyframework.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=80)
    name: str = Field(max_length=200)
    position: int = 0


class Competency(Versioned, table=True):
    """A skill or behaviour leaders need: generic, or specific to a role."""

    __table_args__ = (UniqueConstraint("organisation_id", "key"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    domain_id: int = Field(foreign_key="competencydomain.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=80)
    name: str = Field(max_length=200)
    kind: str = Field(default="generic", max_length=20)  # generic or role-specific
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    position: int = 0


class RequiredStep(SQLModel, table=True):
    """The step (1 essential to 4 exemplary) a level needs in a competency, in one strategy."""

    __table_args__ = (UniqueConstraint("strategy_id", "competency_id", "level_id"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    competency_id: int = Field(foreign_key="competency.id", index=True, ondelete="CASCADE")
    level_id: int = Field(foreign_key="level.id", index=True, ondelete="CASCADE")
    step: int


class AssessedCount(SQLModel, table=True):
    """How many leaders of an area and level were assessed at a step of a competency."""

    __table_args__ = (UniqueConstraint("strategy_id", "area_id", "level_id", "competency_id", "step"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", index=True, ondelete="CASCADE")
    level_id: int = Field(foreign_key="level.id", index=True, ondelete="CASCADE")
    competency_id: int = Field(foreign_key="competency.id", index=True, ondelete="CASCADE")
    step: int
    count: int = 0


class Intervention(Versioned, table=True):
    """A development intervention in the plan: places a year, cost a place, the years it runs."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    places_per_year: int = 0
    cost_per_place: float = 0.0
    first_year: int
    last_year: int


class InterventionTarget(SQLModel, table=True):
    """A competency and level an intervention develops."""

    __table_args__ = (UniqueConstraint("intervention_id", "competency_id", "level_id"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    intervention_id: int = Field(foreign_key="intervention.id", index=True, ondelete="CASCADE")
    competency_id: int = Field(foreign_key="competency.id", index=True, ondelete="CASCADE")
    level_id: int = Field(foreign_key="level.id", index=True, ondelete="CASCADE")


# --- The collective leadership self-assessment (issue 5) ----------------------------------------


class Survey(SQLModel, table=True):
    """A run of the self-assessment. Its link token opens the form; in "invitation" mode only a personal
    code lets someone answer, in "open" mode anyone holding the link can."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    status: str = Field(default="draft", max_length=20)  # draft, open, closed
    token: str = Field(max_length=64, unique=True, index=True)
    mode: str = Field(default="open", max_length=20)  # open (the link alone) or invitation (personal codes)
    closes_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SurveyCode(SQLModel, table=True):
    """A personal single-use invitation code, kept only as its SHA-256 hash. It records that it was used,
    never when, nor which response it gave: nothing here or in the response points at the other."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64, unique=True, index=True)
    used: bool = False


class SurveyItem(SQLModel, table=True):
    """A statement of a survey, kept with the survey so later edits never change past results."""

    __table_args__ = (UniqueConstraint("survey_id", "key"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=40)
    dimension: str = Field(max_length=60)
    text: str = Field(max_length=500)
    position: int = 0


class SurveyResponse(SQLModel, table=True):
    """One anonymous response: the respondent's group only (no name, email or address)."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    group_key: str = Field(max_length=40)
    source: str = Field(default="link", max_length=20)  # link or import


class SurveyAnswer(SQLModel, table=True):
    """An answer from 1 (strongly disagree) to 5 (strongly agree); None for don't know."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    response_id: int = Field(foreign_key="surveyresponse.id", index=True, ondelete="CASCADE")
    item_key: str = Field(max_length=40)
    value: int | None = None


# --- Objectives (issue 6) ----------------------------------------------------------------------


class Objective(Versioned, table=True):
    """An objective in the cascade from the board to teams and individuals."""

    __table_args__ = (UniqueConstraint("strategy_id", "ref"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    ref: str = Field(max_length=40)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    level: str = Field(max_length=20)  # strategic, area, team, individual
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True, ondelete="SET NULL")
    owner_user_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    owner_name: str = Field(default="", max_length=200)  # a role-holder without an account
    parent_id: int | None = Field(default=None, foreign_key="objective.id", index=True)
    weight: float = 1.0
    measure_kind: str = Field(default="none", max_length=20)  # target, range, milestone, baseline, none
    baseline: float | None = None
    target: float | None = None
    range_low: float | None = None
    range_high: float | None = None
    unit: str = Field(default="", max_length=40)
    start: date | None = None
    due: date | None = None
    status: str = Field(default="active", max_length=20)  # draft, active, complete, withdrawn
    rag_override: str | None = Field(default=None, max_length=10)
    rag_reason: str = Field(default="", max_length=500)
    confidence: str | None = Field(default=None, max_length=10)  # low, medium, high
    confidence_reason: str = Field(default="", max_length=500)
    link_kind: str = Field(default="", max_length=20)  # shortfall, diversity, competency, vision, mission, value
    link_ref: str = Field(default="", max_length=200)
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CheckIn(SQLModel, table=True):
    """A dated update of an objective: its current value (or done), confidence and a note."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    objective_id: int = Field(foreign_key="objective.id", index=True, ondelete="CASCADE")
    on: date
    value: float | None = None
    done: bool = False
    confidence: str | None = Field(default=None, max_length=10)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class SurveyGroup(SQLModel, table=True):
    """A group respondents choose from, kept with the survey (copied from the defaults, then editable)."""

    __table_args__ = (UniqueConstraint("survey_id", "key"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=40)
    name: str = Field(max_length=100)
    position: int = 0


# --- consult, approve and keep ------------------------------------------------------------------


class Consultation(Versioned, table=True):
    """A period in which staff, patients and partners comment on chosen sections of the strategy."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    sections: str = Field(default="[]", max_length=200)  # JSON list of section keys
    audiences: str = Field(default="[]", max_length=200)  # JSON list of audience keys
    opens_on: date
    closes_on: date
    closed_early: bool = False
    # The comment link's secret: unguessable, and the only way in without an account.
    token: str = Field(max_length=64, unique=True, index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class Comment(Versioned, table=True):
    """One comment on a section, with the editor's response ("you said, we did"). No IP address is kept."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    consultation_id: int = Field(foreign_key="consultation.id", index=True, ondelete="CASCADE")
    section: str = Field(max_length=20)
    audience: str = Field(max_length=20)
    body: str = Field(sa_column=Column(Text, nullable=False))
    author_name: str = Field(default="", max_length=100)  # optional, as the commenter gave it
    author_role: str = Field(default="", max_length=100)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    themes: str = Field(default="[]", max_length=500)  # JSON list of theme tags
    hidden: bool = False
    hidden_reason: str = Field(default="", max_length=500)
    hidden_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    response: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    changed_strategy: bool | None = None  # None: not yet answered
    responded_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    responded_at: datetime | None = None


class EngagementEvent(Versioned, table=True):
    """An engagement event: a focus group, staff briefing, patient panel or survey, and what it heard."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    held_on: date
    audience: str = Field(max_length=20)
    format: str = Field(max_length=40)
    participants: int = 0
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)


class StrategyVersion(SQLModel, table=True):
    """A version the board approved: a frozen snapshot of every step's data and computed results."""

    __table_args__ = (UniqueConstraint("strategy_id", "number"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    number: int
    approved_on: date  # the board meeting's date
    minute: str = Field(max_length=100)
    decision: str = Field(max_length=30)  # approved, approved_with_changes
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    snapshot: str = Field(sa_column=Column(Text, nullable=False))  # JSON; never changed once written
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class BoardDecision(SQLModel, table=True):
    """The board's decision on a submitted strategy; an approval points at the version it froze."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    meeting_date: date
    minute: str = Field(max_length=100)
    decision: str = Field(max_length=30)  # approved, approved_with_changes, deferred
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version_id: int | None = Field(default=None, foreign_key="strategyversion.id", ondelete="SET NULL")
    recorded_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    recorded_at: datetime = Field(default_factory=utcnow)


@event.listens_for(StrategyVersion, "before_update")
def _versions_are_frozen(_mapper: object, _connection: object, version: StrategyVersion) -> None:
    """An approved version is a record of what the board approved: it is never changed."""
    raise ValueError(f"Version {version.number} of the strategy is frozen and cannot be changed")


# --- the board cover sheet ----------------------------------------------------------------------


class BoardCover(Versioned, table=True):
    """The cover sheet a board paper opens with: the meeting, purpose, recommendation, summary, the
    objectives and Board Assurance Framework risks it links to, its impact and who considered it before."""

    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", unique=True, ondelete="CASCADE")  # one per strategy
    meeting: str = Field(default="Board", max_length=200)
    meeting_date: date | None = None
    agenda_item: str = Field(default="", max_length=20)
    part: str = Field(default="1", max_length=1)  # "1" public, "2" private
    executive_lead: str = Field(default="", max_length=200)
    author: str = Field(default="", max_length=200)
    purpose: str = Field(default="approval", max_length=20)  # approval, assurance, discussion, information
    recommendation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    executive_summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    strategic_objectives: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # one a line
    baf_risks: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # one a line
    impact_equality: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    impact_quality: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    impact_finance: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    impact_workforce: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    impact_sustainability: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # JSON list of {"by": committee, "on": "YYYY-MM-DD"}, at most five, in the order entered.
    previously_considered: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


# --- the succession register ----------------------------------------------------------------------


class SuccessionEntry(Versioned, table=True):
    """The succession register for one area and level, in aggregate (no one's name is kept): how many
    critical roles there are, and how many successors are ready now, in 1 to 2 years and in 3 to 5 years
    (each successor counted once, at the soonest they are ready) (docs/succession.md)."""

    __table_args__ = (UniqueConstraint("strategy_id", "area_id", "level_id"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", index=True, ondelete="CASCADE")
    level_id: int = Field(foreign_key="level.id", index=True, ondelete="CASCADE")
    critical_roles: int = 0
    ready_now: int = 0
    ready_1_2: int = 0
    ready_3_5: int = 0


class SuccessionPoolCount(SQLModel, table=True):
    """How many of one register row's successors are in one group of a diversity characteristic."""

    __table_args__ = (UniqueConstraint("entry_id", "characteristic", "group_key"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    entry_id: int = Field(foreign_key="successionentry.id", index=True, ondelete="CASCADE")
    characteristic: str = Field(max_length=40)
    group_key: str = Field(max_length=40)
    count: int = 0


class SystemMember(SQLModel, table=True):
    """A member of a system (an organisation of kind `system`): invited by the system, a member once
    the member's own administrator accepts. `organisation_id` is the member's, so its rows are the
    member's to see and remove (docs/systems.md)."""

    __table_args__ = (UniqueConstraint("system_id", "organisation_id"),)
    id: int = Field(default=None, primary_key=True)
    system_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    status: str = Field(default="invited", max_length=20)  # invited, member
    invited_at: datetime = Field(default_factory=utcnow)
    invited_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    joined_at: datetime | None = None
    accepted_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class SystemShare(SQLModel, table=True):
    """A member's consent: the system may read this one approved version of this strategy, and the
    named scenario's forecast in it. One share per strategy and system; deleting it withdraws consent."""

    __table_args__ = (UniqueConstraint("system_id", "strategy_id"),)
    id: int = Field(default=None, primary_key=True)
    system_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    version_id: int = Field(foreign_key="strategyversion.id", index=True, ondelete="CASCADE")
    scenario: str = Field(max_length=100)  # the scenario's name as the version froze it
    shared_at: datetime = Field(default_factory=utcnow)
    shared_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


# --- the board's seats and terms of office --------------------------------------------------------


class BoardSeat(Versioned, table=True):
    """A seat on the board and its holder's term of office (planner.diversity.board_terms). A label, never
    a name: the board's diversity is kept only as counts by board member type."""

    __table_args__ = (UniqueConstraint("strategy_id", "label"),)
    id: int = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    strategy_id: int = Field(foreign_key="strategy.id", index=True, ondelete="CASCADE")
    label: str = Field(max_length=60)
    role: str = Field(max_length=30)  # planner.diversity.board_terms.ROLES
    board_type: str = Field(max_length=30)  # planner.diversity.board.BOARD_TYPES
    term_start: date | None = None
    term_end: date | None = None  # an executive's: when they are expected to leave (None: no end)
    term_number: int = 1
    max_terms: int = 2
    term_years: int | None = None
