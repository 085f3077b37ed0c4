"""The system's pack and paper content: what an integrated care board tables about its members' shared
strategies, gathered once as plain JSON-ready data that planner.exports.system_book and system_paper draw.

It reads only what members share (`systems.shares_of`, one query however many members) and writes
each read to the member's audit trail with its purpose ("system pack", "system paper"). The forecast is
`system_view.combine` over the shared snapshots, so the pack's figures are the system API's."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from planner.exports.system_paper import system_paper_docx
from planner.exports.system_paper_charts import system_charts
from planner.models import Organisation, User
from planner.services import NotFound, ServiceError, system_diversity
from planner.services.accounts import find_organisation
from planner.services.board_paper import chart_images
from planner.services.system_capability import system_capability
from planner.services.system_objectives import read_partnership
from planner.services.system_view import combine, member_forecast
from planner.services.systems import MEMBER, is_system, members_of, record_reads, shares_of

MARKING = "OFFICIAL"


def _members(session: Session, system: Organisation, forecast: dict[str, Any]) -> list[dict[str, Any]]:
    """Every member and invited trust, by name, with what each shares (nothing, for an invited trust)."""
    shared: dict[str, list[dict[str, Any]]] = {}
    for member in forecast["members"]:
        shared.setdefault(member["organisation"], []).append({
            "strategy": member["strategy"]["title"], "version": member["version"],
            "approved_on": member["approved_on"], "scenario": member["scenario"], "years": member["years"],
            "in_system_totals": member["in_system_totals"]})
    return [{"organisation": organisation.slug, "name": organisation.name, "status": link.status,
             "shares": shared.get(organisation.slug, [])}
            for link, organisation in members_of(session, system)]


def _lacking(forecast: dict[str, Any]) -> list[dict[str, Any]]:
    """What each shared version still lacked when its board approved it, member by member."""
    return [{"organisation": m["organisation"], "name": m["name"], "strategy": m["strategy"]["title"],
             "version": m["version"], "items": list(m["lacking"])} for m in forecast["members"]]


def system_named(session: Session, slug: str) -> Organisation:
    """The system a pack or paper is asked for by its slug: NotFound for an unknown slug, and a refusal naming
    the mistake for a trust's."""
    found = find_organisation(session, slug)
    if found is None:
        raise NotFound(f"No system has the slug '{slug.strip()}'", field="system")
    if not is_system(found):
        raise ServiceError(f"'{found.slug}' is {found.name}, a trust, not a system: write a trust's board pack or "
                           "paper with --strategy ID", field="system")
    return found


def gather(session: Session, system: Organisation, *, actor: User | None, today: date, prepared_by: str = "",
           purpose: str = "system pack") -> dict[str, Any]:
    """The system pack's content: the system, its members and their shares, the forecast summed over them,
    and what each still lacks; each read written to the member's audit trail with `purpose`. Refused for a
    trust, and for a system none of whose members shares an approved version yet."""
    if not is_system(system):
        raise ServiceError(f"{system.name} is a trust, not a system: its own board pack is the one for it",
                           field="system")
    rows = shares_of(session, system)
    if not rows:
        members = sum(1 for link, _o in members_of(session, system) if link.status == MEMBER)
        who = (f"none of its {members} member{'s' if members != 1 else ''} shares" if members
               else "it has no members yet, so nobody shares")
        raise ServiceError(f"{system.name} has nothing to put in a pack: {who} an approved version of a strategy "
                           "with it yet", field="system")
    forecast = combine([member_forecast(row) for row in rows])
    record_reads(session=session, system=system, rows=rows, actor=actor, purpose=purpose)
    content: dict[str, Any] = {
        "system": {"slug": system.slug, "name": system.name},
        "prepared": {"by": prepared_by.strip(), "on": today.isoformat(), "marking": MARKING},
        "members": _members(session, system, forecast),
        "forecast": forecast,
        "lacking": _lacking(forecast),
        "diversity": system_diversity.of_rows(session, system, rows),
        "capability": system_capability(rows),
        # Partnership objectives are the members' live linked objectives, not snapshots: read (and recorded
        # in the linking members' trails) apart from the shares.
        "objectives": read_partnership(session=session, system=system, today=today, actor=actor, purpose=purpose),
    }
    if not content["objectives"]["objectives"]:
        content["objectives"] = None  # no partnership objectives yet: the pack and paper leave the part out
    return content


def paper_docx(content: dict[str, Any], *, with_charts: bool = True) -> bytes:
    """The system paper as .docx bytes, its charts drawn as PNG in Chromium where it is found (else a note
    for each, as in the trust's paper); ChartsFailed when Chromium is found but cannot draw them."""
    charts = system_charts(content)
    return system_paper_docx(content, chart_images(charts) if with_charts else {}, charts=charts)
