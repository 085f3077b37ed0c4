"""Systems' pages (docs/systems.md): a system's home for its own people (members, what each shares,
the forecast totals by level and year with each member's contribution), and a member's sharing
page for its administrators (invitations, shares, withdrawal, leaving)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.models import Organisation, SystemMember, SystemShare
from planner.services import accounts, system_objectives
from planner.services import systems as service
from planner.services.strategies import strategies_of
from planner.services.system_view import combine, contributions, member_forecast
from planner.services.tenancy import organisation_by_id
from planner.services.versions import snapshot_of, versions_of
from planner.web.fields import is_record_id
from planner.web.forms_workforce import InviteForm, ShareForm
from planner.web.tenancy import acting_org, can, current_org, require, scoped_or_404, strategy_or_404
from planner.web.unit import unit_of_work
from planner.web.util import attempt

bp = Blueprint("systems", __name__)


def _own_system(slug: str) -> Organisation:
    """The current organisation if it is the system with this slug; otherwise 404."""
    organisation = current_org()
    if organisation is None or organisation.slug != slug or not service.is_system(organisation):
        abort(404)
    return organisation


@bp.route("/systems")
@require("system.view")
def index() -> Response:
    """A system's people go to its home; a trust's administrators to their sharing page; others start."""
    organisation = acting_org()
    if service.is_system(organisation):
        return redirect(url_for("systems.home", slug=organisation.slug))
    if can("systems.share"):
        return redirect(url_for("systems.sharing"))
    return redirect(url_for("main.index"))  # a trust's people other than its administrators have no sharing page


@bp.route("/systems/<slug>")
@require("system.view")
def home(slug: str) -> str:
    """The system's members, their shares, and the forecast totals with each member's contribution."""
    system = _own_system(slug)
    db = get_session()
    rows = service.shares_of(db, system)
    view = combine([member_forecast(row) for row in rows])
    service.record_reads(session=db, system=system, rows=rows, actor=current_user, purpose="system home")
    return render_template("systems/home.html", system=system, members=service.members_of(db, system), view=view,
                           by_member=contributions(view))


@bp.route("/systems/<slug>/invite", methods=["GET", "POST"])
@require("system.manage")
def invite(slug: str) -> str | Response:
    """Invite a trust, by its short name (slug), to join the system."""
    system = _own_system(slug)
    form = InviteForm()
    typed = form.member.data.strip()
    errors: list[tuple[str, str]] = []
    db = get_session()
    if form.validate_on_submit():  # the CSRF token is checked for every post (planner.security) before this
        if not typed:
            errors.append(("member", "Enter the short name (slug) of the trust to invite, like north-trust"))
        else:
            member = accounts.find_organisation(db, typed)
            if member is None:
                errors.append(("member", f"No organisation has the short name '{typed[:63]}'"))
            elif attempt(errors, lambda: service.invite(session=db, system=system, member=member,
                                                        actor=current_user)):
                flash(f"{member.name} is invited. It joins when one of its administrators accepts.", "success")
                return redirect(url_for("systems.home", slug=slug))
    return render_template("systems/invite.html", system=system, errors=errors, typed=typed[:63])



@bp.route("/systems/<slug>/members/<int:link_id>/remove", methods=["POST"])
@require("system.manage")
def remove(slug: str, link_id: int) -> Response:
    """Withdraw an invitation not yet accepted, or remove a member (every share it made is withdrawn)."""
    system = _own_system(slug)
    db = get_session()
    if not is_record_id(str(link_id)):
        abort(404)
    with unit_of_work() as found:  # another system's link, or none: the same 404 as any other id
        link = service.member_link(db, system, link_id)
    if not found:
        abort(404)
    member = organisation_by_id(db, link.organisation_id)
    invited = link.status == service.INVITED
    with unit_of_work(flash_refusal=True) as removed:
        service.remove(session=db, system=system, link=link, actor=current_user)
    if removed:
        name = member.name if member is not None else "The member"
        flash(f"The invitation to {name} is withdrawn." if invited
              else f"{name} is no longer a member; the system sees nothing it shared.", "success")
    return redirect(url_for("systems.home", slug=slug))

def _sharing(errors: list[tuple[str, str]] | None = None, values: dict[str, str] | None = None) -> str:
    db = get_session()
    organisation = acting_org()
    links = service.systems_of(db, organisation)
    shares = {system.id: service.shares_of(db, system, organisation) for link, system in links
              if link is not None and link.status == service.MEMBER}
    choices = []
    for strategy in strategies_of(db, organisation.id):
        for version in versions_of(db, strategy):
            names = [s["name"] for s in snapshot_of(version).get("scenarios", [])]
            choices.append((f"{strategy.id}-{version.number}", strategy, version, names))
    return render_template("systems/sharing.html", links=links, shares=shares, choices=choices,
                           errors=errors or [], values=values or {},
                           targets={system.id: system_objectives.system_objectives(db, system)
                                    for link, system in links if link is not None and link.status == service.MEMBER},
                           objective_links=system_objectives.links_of_member(db, organisation),
                           strategic=system_objectives.strategic_objectives(db, organisation))


@bp.route("/sharing")
@require("systems.share")
def sharing() -> str:
    """A member's administrators: the systems it belongs to or is invited to, and what it shares."""
    if service.is_system(acting_org()):
        abort(404)
    return _sharing()


@bp.route("/sharing/<int:link_id>/accept", methods=["POST"])
@require("systems.share")
def accept(link_id: int) -> Response:
    """Accept a system's invitation."""
    link = scoped_or_404(SystemMember, link_id)
    errors: list[tuple[str, str]] = []
    if attempt(errors, lambda: service.accept(session=get_session(), link=link, actor=current_user)):
        flash("Your organisation is now a member. It shares nothing until you choose a version to share.", "success")
    else:
        flash(errors[0][1], "error")
    return redirect(url_for("systems.sharing"))


@bp.route("/sharing/<int:link_id>/leave", methods=["POST"])
@require("systems.share")
def leave(link_id: int) -> Response:
    """Decline an invitation, or leave a system (every share with it is withdrawn)."""
    link = scoped_or_404(SystemMember, link_id)
    invited = link.status == service.INVITED
    service.leave(session=get_session(), link=link, actor=current_user)
    flash("Invitation declined." if invited else "Your organisation has left the system; it sees nothing of yours now.",
          "success")
    return redirect(url_for("systems.sharing"))


@bp.route("/sharing/share", methods=["POST"])
@require("systems.share")
def share() -> str | Response:
    """Share one approved version (and a scenario of it) with a system."""
    db = get_session()
    organisation = acting_org()
    form = ShareForm()
    if not form.validate_on_submit():  # the CSRF token is checked for every post (planner.security) before this
        abort(400)
    values = {"system": form.system.data.strip(), "version": form.version.data.strip(),
              "scenario": form.scenario.data.strip()}
    errors: list[tuple[str, str]] = []
    system = next((s for link, s in service.systems_of(db, organisation)
                   if link is not None and s.slug == values["system"]), None)
    if system is None:
        errors.append(("system", "Choose the system to share with"))
    strategy_text, _, number_text = values["version"].partition("-")
    # ASCII digits only ('²' is a digit to str.isdigit, not to int): is_record_id checks both halves.
    if not (is_record_id(strategy_text) and is_record_id(number_text) and int(number_text) <= 1_000_000):
        errors.append(("version", "Choose the approved version to share"))
    if len(values["scenario"]) > 100:
        errors.append(("scenario", "The scenario's name must be 100 characters or fewer"))
    if errors or system is None:
        return _sharing(errors, values)
    strategy = strategy_or_404(int(strategy_text))
    chosen = system
    if attempt(errors, lambda: service.share(session=db, system=chosen, organisation=organisation, strategy=strategy,
                                             version_number=int(number_text), scenario=values["scenario"] or None,
                                             actor=current_user)):
        flash(f"{chosen.name} now sees version {int(number_text)} of {strategy.title}.", "success")
        return redirect(url_for("systems.sharing"))
    return _sharing(errors, values)


@bp.route("/sharing/shares/<int:share_id>/withdraw", methods=["POST"])
@require("systems.share")
def withdraw(share_id: int) -> Response:
    """Withdraw a share: the system stops seeing that version at once."""
    found = scoped_or_404(SystemShare, share_id)
    version = service.shared_version(get_session(), found)
    service.withdraw(session=get_session(), found=found, actor=current_user)
    flash(f"Sharing of version {version.number if version else ''} withdrawn: the system no longer sees it.",
          "success")
    return redirect(url_for("systems.sharing"))
