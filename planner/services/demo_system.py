"""The demo system: a fictional integrated care system (data/demo/system.json) whose members, the
demo acute trust and a small community and mental health trust, each share an approved version, and
link strategic objectives to the system's partnership objectives."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from planner.config import DATA_DIR, PASSWORD_HASH_METHOD
from planner.models import CheckIn, Objective, Organisation, Strategy, StrategyVersion
from planner.services import accounts, system_objectives, systems, versions
from planner.services import objectives as member_objectives
from planner.services.audit import record
from planner.services.demo import demo_data, load_discover, load_diversity, load_trust

SYSTEM_FILE = DATA_DIR / "demo" / "system.json"


def _member(session: Session, path: Path, hash_method: str) -> tuple[Organisation, Strategy]:
    """The member trust of this file, loaded (its organisation part, and its staff extract and targets, and
    its assessments and survey, when the file names them) if it is not there yet."""
    data = demo_data(path)
    found = session.exec(select(Organisation).where(Organisation.slug == data["organisation"]["slug"])).first()
    if found is None:
        organisation, loaded = load_trust(session, data, hash_method)
        if data.get("diversity"):  # its staff extract, through the staff import, so its versions hold diversity
            load_diversity(session, loaded, path.parent / data["diversity"])
        if data.get("discover"):  # its assessments and survey, so the system has something to pool
            load_discover(session, loaded, path.parent / data["discover"])
        # As the demo trust's: its own trail accounts for the sample records written directly (the plan, its
        # benchmarks, shortlisting figures and targets).
        record(session, action="load", entity="demo", entity_id=organisation.id, organisation_id=organisation.id,
               user_id=None, changes={"file": path.name, "strategy_id": loaded.id})
        return organisation, loaded
    strategy = session.exec(select(Strategy).where(Strategy.organisation_id == found.id)
                            .order_by(col(Strategy.id))).first()
    if strategy is None:
        raise ValueError(f"the demo organisation '{found.slug}' has no strategy to share")
    return found, strategy


def _approved(session: Session, organisation: Organisation, strategy: Strategy, approval: dict[str, Any],
              today: date) -> int:
    """The strategy's latest approved version's number, approving the draft first if it has none."""
    latest = session.exec(select(StrategyVersion.number).where(StrategyVersion.strategy_id == strategy.id)
                          .order_by(col(StrategyVersion.number).desc())).first()
    if latest is not None:
        return latest
    if strategy.status != "submitted":
        versions.submit(session=session, strategy=strategy, actor=None, commit=False)
    meeting = today - timedelta(days=int(approval["days_ago"]))
    versions.record_decision(session=session, strategy=strategy, organisation=organisation, actor=None, today=today,
                             values={"meeting_date": meeting, "minute": approval["minute"], "decision": "approved",
                                     "notes": ""}, commit=False)
    return 1


def _member_objectives(session: Session, strategy: Strategy, rows: list[dict[str, Any]], today: date) -> None:
    """Strategic objectives for a demo member whose file has none, each with one check-in (the demo's load event
    accounts for the check-ins, written directly as the demo trust's are)."""
    start, due = date(strategy.start_year, 4, 1), date(strategy.start_year + 2, 3, 31)
    for row in rows:
        objective = member_objectives.save_objective(
            session=session, strategy=strategy, actor=None, commit=False,
            values={"ref": row["ref"], "title": row["title"], "level": "strategic", "measure_kind": row["measure_kind"],
                    "baseline": row["baseline"], "target": row["target"], "unit": row["unit"], "start": start,
                    "due": due})
        check_in = row["check_in"]
        session.add(CheckIn(organisation_id=objective.organisation_id, objective_id=objective.id,
                            on=today - timedelta(days=int(check_in["days_ago"])), value=check_in["value"]))


def _partnership(session: Session, system: Organisation, data: dict[str, Any],
                 members: dict[str, tuple[Organisation, Strategy]]) -> None:
    """The system's partnership objectives and the members' links to them."""
    start_year = min(strategy.start_year for _organisation, strategy in members.values())
    targets = {}
    for row in data["objectives"]:
        targets[row["ref"]] = system_objectives.save_system_objective(
            session=session, system=system, actor=None, commit=False,
            values={"ref": row["ref"], "title": row["title"], "description": row["description"],
                    "start": date(start_year, 4, 1), "due": date(start_year + int(row["years"]), 3, 31)})
    for row in data["links"]:
        organisation, strategy = members[row["member"]]
        objective = session.exec(select(Objective).where(Objective.strategy_id == strategy.id,
                                                         Objective.ref == row["objective"])).first()
        if objective is None and not system_objectives.strategic_objectives(session, organisation):
            continue  # a member loaded without its cascade (the acute trust's comes with `planner demo`)
        if objective is None:
            raise ValueError(f"the demo member '{row['member']}' has no objective {row['objective']} to link")
        system_objectives.link_objective(session=session, system=system, organisation=organisation,
                                         system_objective_id=targets[row["system_objective"]].id,
                                         objective_id=objective.id, weight=float(row["weight"]), actor=None,
                                         commit=False)


def load_demo_system(*, session: Session, path: Path = SYSTEM_FILE, hash_method: str = PASSWORD_HASH_METHOD,
                     today: date | None = None) -> Organisation | None:
    """Load the demo system and its members' shares; None (and nothing changed) if it is already there."""
    data = json.loads(path.read_text(encoding="utf-8"))
    slug = data["system"]["slug"]
    if session.exec(select(Organisation).where(Organisation.slug == slug)).first() is not None:
        return None
    today = today or date.today()
    # One transaction, as the demo trust's: nothing half-loaded is left behind.
    try:
        system = accounts.create_organisation(session=session, slug=slug, name=data["system"]["name"], kind="system",
                                              commit=False)
        for user in data["users"]:
            accounts.add_member(session=session, organisation=system, email=user["email"], role=user["role"],
                                name=user.get("name", ""), password=user["password"], hash_method=hash_method,
                                commit=False)
        members: dict[str, tuple[Organisation, Strategy]] = {}
        for name in data["members"]:
            organisation, strategy = _member(session, path.parent / name, hash_method)
            members[organisation.slug] = (organisation, strategy)
            own = data.get("member_objectives", {}).get(organisation.slug)
            if own and not system_objectives.strategic_objectives(session, organisation):
                _member_objectives(session, strategy, own, today)
            number = _approved(session, organisation, strategy, data["approval"], today)
            link = systems.invite(session=session, system=system, member=organisation, actor=None, commit=False)
            systems.accept(session=session, link=link, actor=None, commit=False)
            systems.share(session=session, system=system, organisation=organisation, strategy=strategy,
                          version_number=number, scenario=data["approval"].get("scenario"), actor=None, commit=False)
        _partnership(session, system, data, members)
        record(session, action="load", entity="demo", entity_id=system.id, organisation_id=system.id, user_id=None,
               changes={"file": path.name})
        session.commit()
    except Exception:
        session.rollback()
        raise
    return system
