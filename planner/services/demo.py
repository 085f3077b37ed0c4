"""The demo organisation: a fictional acute trust read from data/demo/organisation.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from planner.config import DATA_DIR, PASSWORD_HASH_METHOD
from planner.models import Organisation
from planner.services import accounts, baseline, scenarios, strategies, structure

DEMO_FILE = DATA_DIR / "demo" / "organisation.json"


def demo_data(path: Path = DEMO_FILE) -> dict[str, Any]:
    """The demo organisation's data as stored in data/."""
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def demo_logins(path: Path = DEMO_FILE) -> list[tuple[str, str, str]]:
    """(email, password, role) of each demo account, for `make run` to print."""
    return [(u["email"], u["password"], u["role"]) for u in demo_data(path)["users"]]


def load_demo(
    *, session: Session, path: Path = DEMO_FILE, hash_method: str = PASSWORD_HASH_METHOD
) -> Organisation | None:
    """Load the demo organisation; returns None (and changes nothing) if it is already there."""
    data = demo_data(path)
    slug = data["organisation"]["slug"]
    if session.exec(select(Organisation).where(Organisation.slug == slug)).first() is not None:
        return None
    # One transaction: a failure half-way leaves no half-loaded demo behind.
    organisation = accounts.create_organisation(
        session=session, slug=slug, name=data["organisation"]["name"], commit=False
    )
    for user in data["users"]:
        accounts.add_member(
            session=session, organisation=organisation, email=user["email"], role=user["role"],
            name=user.get("name", ""), password=user["password"], hash_method=hash_method,
            commit=False,
        )
    scope = data["strategy"]
    strategy = strategies.create_strategy(
        session=session, organisation=organisation, actor=None,
        values={k: scope.get(k) for k in strategies.SCOPE_FIELDS}, commit=False,
    )
    area_ids: dict[str, int] = {}
    for area in data["areas"]:
        created = structure.add_area(
            session=session, strategy=strategy, code=area["code"], name=area["name"],
            parent_id=area_ids[area["parent"]] if area.get("parent") else None, actor=None,
            commit=False,
        )
        area_ids[area["code"]] = created.id  # type: ignore[assignment]
    figures = {
        area_ids[row["area"]]: baseline.AreaFigures(
            staff=int(row["staff"]), fte=float(row["fte"]),
            leaders={k: int(v) for k, v in row.get("leaders", {}).items()},
        )
        for row in data["baseline"]
    }
    try:
        baseline.save_baseline(session=session, strategy=strategy, figures=figures, actor=None, commit=False)
        for scenario in data.get("scenarios", []):
            scenarios.scenario_from_data(session=session, strategy=strategy, data=scenario, actor=None, commit=False)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return organisation
