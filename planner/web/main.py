"""The front door, the organisation switcher and the health check."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, send_file, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from planner.db import get_session
from planner.permissions import starts_on_my_objectives
from planner.services.accounts import memberships_of
from planner.services.objectives import landing_strategy
from planner.web.fields import record_id
from planner.web.forms import ConfirmForm
from planner.web.forms_engagement import SwitchForm
from planner.web.tenancy import current_org, current_role
from planner.web.typed import login_required

bp = Blueprint("main", __name__)


def landing() -> str:
    """Where a signed-in person starts: a system's people on its home; a contributor on "My objectives"
    (of the newest strategy in which they own one, else the newest), everyone else on their strategies."""
    organisation = current_org()
    if organisation is not None and organisation.kind == "system":
        return url_for("systems.home", slug=organisation.slug)  # a system has no strategies of its own
    if organisation is not None and starts_on_my_objectives(current_role()):
        strategy = landing_strategy(get_session(), organisation.id, current_user.id)
        if strategy is not None:
            return url_for("objectives.mine", strategy_id=strategy.id)
    return url_for("strategies.index")


@bp.route("/")
def index() -> Response:
    """Signed-in people go to where they start (see landing); others to sign in."""
    if current_user.is_authenticated:
        return redirect(landing())
    return redirect(url_for("auth.login"))


@bp.route("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """For load balancers: answers without touching anything private."""
    return {"status": "ok"}, 200


@bp.route("/organisations")
@login_required
def organisations() -> str:
    """The organisations the signed-in person belongs to."""
    return render_template(
        "main/organisations.html", memberships=memberships_of(get_session(), current_user),
        form=ConfirmForm(),
    )


@bp.route("/organisations/switch", methods=["POST"])
@login_required
def switch() -> Response:
    """Act in another of one's own organisations."""
    form = SwitchForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = record_id(form.organisation_id.text)
    ids = {o.id for _m, o in memberships_of(get_session(), current_user)}
    if wanted not in ids:
        abort(404)
    session["org_id"] = wanted
    return redirect(url_for("strategies.index"))


@bp.route("/vendor/plotly.min.js")
def plotly_js() -> Response:
    """plotly.js from the installed plotly package: served by the app, cached for a year."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return send_file(path, mimetype="text/javascript", max_age=365 * 24 * 3600, conditional=True)
