"""The organisation's competency frameworks: copied from data/ on first use, then its own competencies added
and changed; the catalogue of frameworks, domains and competencies in order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from planner.competencies.frameworks import default_frameworks
from planner.models import Competency, CompetencyDomain, CompetencyFramework, Organisation, User
from planner.services import ServiceError, derived, finish
from planner.services.audit import record
from planner.services.editing import check_version, commit_checked

KINDS = ("generic", "role-specific")
OWN_FRAMEWORK = "own"


@dataclass
class Catalogue:
    """The organisation's frameworks, domains and competencies, in order."""

    frameworks: list[CompetencyFramework]
    domains: dict[int, list[CompetencyDomain]]  # framework id -> domains
    competencies: dict[int, list[Competency]]  # domain id -> competencies

    def all_competencies(self) -> list[Competency]:
        """Every competency, framework by framework."""
        return [c for f in self.frameworks for d in self.domains.get(f.id, []) for c in self.competencies.get(d.id, [])]


def ensure_frameworks(session: Session, organisation_id: int, *, commit: bool = True) -> None:
    """Copy the shipped frameworks into an organisation that has none yet."""
    exists = session.exec(select(func.count()).select_from(CompetencyFramework)
                          .where(CompetencyFramework.organisation_id == organisation_id)).one()
    if exists:
        return
    _scale, frameworks = default_frameworks()
    added = 0
    for fpos, framework in enumerate(frameworks):
        row = CompetencyFramework(organisation_id=organisation_id, key=framework.key, name=framework.name,
                                  description=framework.description, position=fpos)
        session.add(row)
        session.flush()
        for dpos, domain in enumerate(framework.domains):
            drow = CompetencyDomain(organisation_id=organisation_id, framework_id=row.id, key=domain.key,
                                    name=domain.name, position=dpos)
            session.add(drow)
            session.flush()
            for cpos, competency in enumerate(domain.competencies):
                session.add(Competency(organisation_id=organisation_id, domain_id=drow.id, key=competency.key,
                                       name=competency.name, kind=competency.kind,
                                       description=competency.description, position=cpos))
                added += 1
    # The shipped defaults, copied on first use (by whoever first opens them): no one's change.
    record(session, action="create", entity="competency_frameworks", entity_id=None,
           organisation_id=organisation_id, user_id=None,
           changes={"frameworks": [f.key for f in frameworks], "competencies": added})
    finish(session, commit)


def catalogue(session: Session, organisation_id: int) -> Catalogue:
    """The organisation's frameworks with their domains and competencies (read once per transaction and
    revision)."""
    return derived.remember(session, strategy_id=None, organisation_id=organisation_id, kind="catalogue", parts=(),
                                                                                        reads=("catalogue",),
                            shared=False, compute=lambda: _catalogue(session, organisation_id))


def _catalogue(session: Session, organisation_id: int) -> Catalogue:
    """The catalogue read afresh (catalogue keeps it)."""
    frameworks = list(session.exec(select(CompetencyFramework).where(
        CompetencyFramework.organisation_id == organisation_id).order_by(col(CompetencyFramework.position),
                                                                          col(CompetencyFramework.id))))
    domains: dict[int, list[CompetencyDomain]] = {}
    for d in session.exec(select(CompetencyDomain).where(CompetencyDomain.organisation_id == organisation_id)
                          .order_by(col(CompetencyDomain.position), col(CompetencyDomain.id))):
        domains.setdefault(d.framework_id, []).append(d)
    competencies: dict[int, list[Competency]] = {}
    for c in session.exec(select(Competency).where(Competency.organisation_id == organisation_id)
                          .order_by(col(Competency.position), col(Competency.id))):
        competencies.setdefault(c.domain_id, []).append(c)
    return Catalogue(frameworks, domains, competencies)


def own_domains(session: Session, organisation_id: int) -> list[CompetencyDomain]:
    """The domains of the organisation's own framework."""
    framework = session.exec(select(CompetencyFramework).where(
        CompetencyFramework.organisation_id == organisation_id, CompetencyFramework.key == OWN_FRAMEWORK)).first()
    if framework is None:
        return []
    return list(session.exec(select(CompetencyDomain).where(CompetencyDomain.framework_id == framework.id)
                             .order_by(col(CompetencyDomain.position), col(CompetencyDomain.id))))


def add_competency(
    *, session: Session, organisation: Organisation, name: str, kind: str, description: str, actor: User,
    domain: str = "",
) -> Competency:
    """Add one of the organisation's own competencies, in one of its own domains (a new domain is
    made when the name is new; the organisation's own framework is made on first use)."""
    name = name.strip()
    if not name:
        raise ServiceError("Enter the competency's name", field="name")
    if kind not in KINDS:
        raise ServiceError("Choose generic or role-specific", field="kind")
    framework = session.exec(select(CompetencyFramework).where(
        CompetencyFramework.organisation_id == organisation.id, CompetencyFramework.key == OWN_FRAMEWORK)).first()
    if framework is None:
        position = session.exec(select(func.count()).select_from(CompetencyFramework).where(
            CompetencyFramework.organisation_id == organisation.id)).one()
        framework = CompetencyFramework(organisation_id=organisation.id, key=OWN_FRAMEWORK,
                                        name=f"{organisation.name}: our own", position=position,
                                        description="Competencies this organisation added.")
        session.add(framework)
        session.flush()
    domain_name = (domain.strip() or "Our own competencies")[:200]
    found = next((d for d in session.exec(select(CompetencyDomain).where(CompetencyDomain.framework_id == framework.id))
                  if d.name.lower() == domain_name.lower()), None)
    if found is None:
        position = session.exec(select(func.count()).select_from(CompetencyDomain).where(
            CompetencyDomain.framework_id == framework.id)).one()
        slug = re.sub(r"[^a-z0-9]+", "-", domain_name.lower()).strip("-")[:60]
        found = CompetencyDomain(organisation_id=organisation.id, framework_id=framework.id,
                                 key=f"own-{slug}-{position}", name=domain_name, position=position)
        session.add(found)
        session.flush()
    domain_row = found
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "competency"
    key, n = f"own-{slug}", 1
    while session.exec(select(Competency).where(Competency.organisation_id == organisation.id,
                                                Competency.key == key)).first():
        n += 1
        key = f"own-{slug}-{n}"
    competency = Competency(organisation_id=organisation.id, domain_id=domain_row.id, key=key, name=name[:200],
                            kind=kind, description=description.strip())
    session.add(competency)
    session.flush()
    record(session, action="create", entity="competency", entity_id=competency.id, organisation_id=organisation.id,
           user_id=actor.id, changes={"key": key, "name": name, "kind": kind})
    session.commit()
    return competency


def update_competency(*, session: Session, competency: Competency, name: str, kind: str, description: str,
                      actor: User, version: int | None = None) -> None:
    """Rename a competency, change its kind or description (refused if it changed since `version` was read)."""
    check_version(competency, version)
    if not name.strip():
        raise ServiceError("Enter the competency's name", field="name")
    if kind not in KINDS:
        raise ServiceError("Choose generic or role-specific", field="kind")
    before = {"name": competency.name, "kind": competency.kind, "description": competency.description}
    competency.name, competency.kind, competency.description = name.strip()[:200], kind, description.strip()
    session.add(competency)
    record(session, action="update", entity="competency", entity_id=competency.id,
           organisation_id=competency.organisation_id, user_id=actor.id,
           changes={"before": before, "after": {"name": competency.name, "kind": kind}})
    commit_checked(session, competency)
