"""Who can reach what: the role x route permission matrix, the tenant probe (another
organisation's ids answer 404 on every route) and CSRF on every state-changing route."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlmodel import Session, select

from planner.models import Area, DiversityTarget, StaffImport, Strategy
from planner.services.accounts import create_token
from planner.services.scenarios import create_scenario
from tests import factories
from tests.conftest import login

ROLES = ["admin", "editor", "planner", "contributor", "viewer"]
EVERYONE = set(ROLES)
EDITORS = {"admin", "editor"}
DRAFTERS = {"admin", "editor", "planner"}

# Every route and who may use it. "public": anyone, signed in or not; "signed-in": any signed-in
# person; "system": a system's own people only, everyone else 404 (tests/web/test_systems.py checks
# them). A route missing from this table fails test_every_route_is_in_the_matrix.
MATRIX: dict[str, str | set[str]] = {
    "static": "public",
    "main.index": "public",
    "main.healthz": "public",
    "auth.login": "public",
    "auth.logout": "public",
    "main.organisations": "signed-in",
    "main.switch": "signed-in",
    "strategies.index": EVERYONE,
    "strategies.create": EDITORS,
    "strategies.home": EVERYONE,
    "strategies.scope": EVERYONE,  # POST needs scope.edit: see test_viewers_cannot_change_scope
    "structure.index": EVERYONE,
    "structure.create_area": DRAFTERS,
    "structure.update_area": DRAFTERS,
    "structure.delete_area": DRAFTERS,
    "structure.create_level": DRAFTERS,
    "structure.update_level": DRAFTERS,
    "structure.move_level": DRAFTERS,
    "structure.delete_level": DRAFTERS,
    "structure.bands": DRAFTERS,
    "baseline.index": EVERYONE,
    "baseline.edit": DRAFTERS,
    "admin.members": {"admin"},
    "admin.add_member": {"admin"},
    "admin.change_role": {"admin"},
    "admin.remove_member": {"admin"},
    "admin.reset_password": {"admin"},
    "account.tokens": EVERYONE,
    "account.password": "signed-in",
    "account.revoke": EVERYONE,
    "api.strategies": EVERYONE,
    "api.strategy": EVERYONE,
    "api.baseline": EVERYONE,
    "api.forecast": EVERYONE,
    "main.plotly_js": "public",
    "forecast.index": EVERYONE,
    "forecast.areas": EVERYONE,
    "forecast.sensitivity": EVERYONE,
    "succession.index": EVERYONE,
    "succession.entry": DRAFTERS,
    "succession.delete": DRAFTERS,
    "succession.import_register": DRAFTERS,
    "api.succession": EVERYONE,
    "scenarios.levels": DRAFTERS,
    "scenarios.areas": DRAFTERS,
    "scenarios.overrides": DRAFTERS,
    "scenarios.uncertainty": DRAFTERS,
    "scenarios.create": DRAFTERS,
    "scenarios.rename": DRAFTERS,
    "scenarios.delete": DRAFTERS,
    "baseline.upload": DRAFTERS,
    "baseline.confirm_import": DRAFTERS,
    "baseline.discard_import": DRAFTERS,
    "baseline.preview": DRAFTERS,
    "evidence.index": EVERYONE,
    "evidence.upload_start": DRAFTERS,
    "evidence.upload_leavers": DRAFTERS,
    "evidence.apply": DRAFTERS,
    "establishment.index": EVERYONE,
    "establishment.edit": DRAFTERS,
    "establishment.upload": DRAFTERS,
    "jobs.show": EVERYONE,  # the starter's own job only: see tests/web/test_jobs.py
    "jobs.show_json": EVERYONE,
    "jobs.result": EVERYONE,
    "diversity.index": EVERYONE,
    "diversity.benchmarks": DRAFTERS,
    "diversity.shortlisting": DRAFTERS,
    "diversity.targets": EVERYONE,
    "diversity.target": EVERYONE,
    "diversity.create_target": DRAFTERS,
    "diversity.update_target": DRAFTERS,
    "diversity.delete_target": DRAFTERS,
    "board_terms.index": EVERYONE,
    "board_terms.create": DRAFTERS,
    "board_terms.update": DRAFTERS,
    "board_terms.delete": DRAFTERS,
    "board_terms.upload": DRAFTERS,
    "admin.settings": {"admin"},
    "admin.audit_trail": {"admin"},
    "admin.audit_csv": {"admin"},
    "api.diversity": EVERYONE,
    "api.board_terms": EVERYONE,
    "competencies.index": EVERYONE,
    "competencies.required": DRAFTERS,
    "competencies.assessments": DRAFTERS,
    "competencies.import_assessments": DRAFTERS,
    "competencies.gaps": EVERYONE,
    "competencies.plan": EVERYONE,
    "competencies.create_intervention": DRAFTERS,
    "competencies.update_intervention": DRAFTERS,
    "competencies.delete_intervention": DRAFTERS,
    "competencies.add_competency": DRAFTERS,
    "competencies.update_competency": DRAFTERS,
    "surveys.index": EVERYONE,
    "surveys.show": EVERYONE,
    "surveys.status": DRAFTERS,
    "surveys.groups": DRAFTERS,
    "surveys.import_responses": DRAFTERS,
    "surveys.codes": DRAFTERS,
    "answer.form": "public",
    "api.competencies": EVERYONE,
    "api.competency_gaps": EVERYONE,
    "api.surveys": EVERYONE,
    "api.survey_results": EVERYONE,
    "objectives.index": EVERYONE,
    "objectives.mine": EVERYONE,
    "objectives.show": EVERYONE,
    "objectives.check_in": EDITORS,
    "objectives.create": EDITORS,
    "objectives.update": EDITORS,
    "objectives.delete": EDITORS,
    "objectives.export": EVERYONE,
    "objectives.upload": EDITORS,
    "objectives.alignment": EVERYONE,
    "api.objectives": EVERYONE,
    "api.scenarios": EVERYONE,
    "api.scenario_spec": EVERYONE,
    "api.scenario_forecast": EVERYONE,
    "charts.download": EVERYONE,
    "charts.all_files": EVERYONE,
    "exports.pack": EVERYONE,
    "exports.paper_docx": EVERYONE,
    "exports.paper_pdf": EVERYONE,
    "approve.index": EVERYONE,
    "approve.cover": EDITORS,
    "approve.submit": EDITORS,
    "approve.withdraw": EDITORS,
    "approve.decision": EDITORS,
    "approve.version": EVERYONE,
    "approve.version_pack": EVERYONE,
    "approve.version_paper_docx": EVERYONE,
    "approve.version_paper_pdf": EVERYONE,
    "approve.compare_versions": EVERYONE,
    "api.versions": EVERYONE,
    "api.version": EVERYONE,
    "api.completeness": EVERYONE,
    "api.audit": {"admin"},
    "consult.index": EVERYONE,
    "consult.show": EVERYONE,
    "consult.summary": EVERYONE,
    "consult.comment": EVERYONE,
    "consult.create": EDITORS,
    "consult.update": EDITORS,
    "consult.close": EDITORS,
    "consult.respond": EDITORS,
    "consult.hide": EDITORS,
    "consult.unhide": EDITORS,
    "consult.create_event": EDITORS,
    "consult.update_event": EDITORS,
    "consult.delete_event": EDITORS,
    "comment.form": "public",
    "comment.thanks": "public",
    "systems.index": EVERYONE,
    "systems.home": "system",
    "systems.diversity": "system",
    "systems.invite": "system",
    "systems.remove": "system",
    "systems.capability": "system",
    "systems.system_pack_xlsx": "system",  # tests/web/test_system_exports.py
    "systems.system_paper_docx": "system",
    "systems.system_paper_pdf": "system",
    "systems.sharing": {"admin"},
    "systems.accept": {"admin"},
    "systems.leave": {"admin"},
    "systems.share": {"admin"},
    "systems.withdraw": {"admin"},
    "systems.objectives": "system",
    "systems.new_objective": "system",
    "systems.edit_objective": "system",
    "systems.delete_objective": "system",
    "systems.link_objective": {"admin"},
    "systems.unlink_objective": {"admin"},
    "api.systems.index": EVERYONE,
    "api.systems.show": EVERYONE,
    "api.systems.forecast": "system",
    "api.systems.diversity_api": "system",
    "api.systems.capability": "system",
    "api.systems.create_share": {"admin"},
    "api.systems.delete_share": {"admin"},
    "api.systems.api_objectives": "system",
}


def _world(db: Session, organisation, user) -> dict[str, int | str]:  # type: ignore[no-untyped-def]
    """One of everything a URL can name, in `organisation`; returns the URL arguments."""
    strategy = factories.make_strategy(db, organisation)
    area = factories.make_area(db, strategy, "AREA-1", "Area one")
    level = factories.level(db, strategy, "frontline")
    spare = factories.make_member(db, organisation, role="viewer")
    token, _plain = create_token(session=db, user=user, organisation=organisation, name="probe")
    scenario = create_scenario(session=db, strategy=strategy, name="Probe", actor=None)
    create_scenario(session=db, strategy=strategy, name="Spare", actor=None)
    target = DiversityTarget(organisation_id=organisation.id, strategy_id=strategy.id, characteristic="ethnicity",
                             group_key="bme", target_share=0.2, target_year=2031)
    pending = StaffImport(organisation_id=organisation.id, strategy_id=strategy.id, user_id=user.id,
                          counts='{"staff": {}, "fte": {}, "leaders": [], "diversity": []}')
    db.add(target)
    db.add(pending)
    from planner.models import SuccessionEntry

    entry = SuccessionEntry(organisation_id=organisation.id, strategy_id=strategy.id, area_id=area.id,
                            level_id=level.id, critical_roles=2, ready_now=1)
    db.add(entry)
    db.commit()
    from planner.models import Competency, Intervention
    from planner.services.competencies import ensure_frameworks
    from planner.services.surveys import create_survey

    ensure_frameworks(db, organisation.id)
    competency = db.exec(select(Competency).where(Competency.organisation_id == organisation.id)).first()
    intervention = Intervention(organisation_id=organisation.id, strategy_id=strategy.id, name="Programme",
                                kind="programme", places_per_year=5, cost_per_place=100, first_year=2027,
                                last_year=2028)
    db.add(intervention)
    db.commit()
    survey = create_survey(session=db, strategy=strategy, name="Probe survey", closes_on=None, actor=None)
    from planner.models import Objective

    objective = Objective(organisation_id=organisation.id, strategy_id=strategy.id, ref="S1",
                          title="Probe objective for the checks", level="strategic")
    db.add(objective)
    db.commit()
    from datetime import date

    from planner.services.versions import record_decision, submit

    submit(session=db, strategy=strategy, actor=None)
    decision = record_decision(session=db, strategy=strategy, organisation=organisation, actor=None,
                               today=date.today(), values={"meeting_date": date.today(), "minute": "1/1",
                                                           "decision": "approved"})
    from datetime import timedelta

    from planner.services import consultation

    consulted = consultation.create_consultation(
        session=db, strategy=strategy, title="Probe consultation", sections=["scope"], audiences=["staff"],
        opens_on=date.today(), closes_on=date.today() + timedelta(days=30), actor=None)
    comment = consultation.add_comment(session=db, consultation=consulted, section="scope", audience="staff",
                                       body="A probe comment", today=date.today())
    event = consultation.add_event(session=db, strategy=strategy, held_on=date.today(), audience="patients",
                                   format="patient_panel", participants=8, summary="", actor=None)
    from planner.models import BoardSeat, Job, JobFile

    seat = BoardSeat(organisation_id=organisation.id, strategy_id=strategy.id, label="Chair", role="chair",
                     board_type="non_executive", term_start=date(2024, 1, 1), term_end=date(2027, 12, 31))
    db.add(seat)
    job = Job(organisation_id=organisation.id, strategy_id=strategy.id, kind="board_paper_pdf", status="done",
              unit="steps done", result_ref="file", created_by=user.id)
    db.add(job)
    db.flush()
    db.add(JobFile(job_id=job.id, role="result", name="paper.pdf", media_type="application/pdf", data=b"%PDF-1.7"))
    db.commit()
    # A system the organisation belongs to, sharing the approved version (written directly: the probe's
    # scenarios have no forecast for the service to accept).
    from planner.models import SystemShare

    system = factories.make_system(db, organisation, slug=f"{organisation.slug}-ics", name=f"{organisation.name} ICS")
    shared = SystemShare(system_id=system.id, organisation_id=organisation.id, strategy_id=strategy.id,
                         version_id=decision.version_id, scenario="Probe")
    db.add(shared)
    # A partnership objective of the system, and the organisation's link of its strategic objective to it.
    from planner.models import SystemObjective, SystemObjectiveLink

    partnership = SystemObjective(organisation_id=system.id, ref="SO1", title="Probe partnership objective")
    db.add(partnership)
    db.flush()
    objective_link = SystemObjectiveLink(organisation_id=organisation.id, system_id=system.id,
                                         system_objective_id=partnership.id, objective_id=objective.id)
    db.add(objective_link)
    db.commit()
    from planner.services.systems import link_of

    return {
        "slug": system.slug, "link_id": link_of(db, system, organisation).id, "share_id": shared.id,  # type: ignore[union-attr]
        "job_id": job.id, "system_objective_id": partnership.id, "objective_link_id": objective_link.id,
        "consultation_id": consulted.id, "comment_id": comment.id, "event_id": event.id,
        "version_id": decision.version_id,
        "objective_id": objective.id,
        "competency_id": competency.id, "framework_key": "clf",
        "intervention_id": intervention.id,
        "survey_id": survey.id,
        "token": survey.token,
        "target_id": target.id,
        "entry_id": entry.id,
        "seat_id": seat.id,
        "import_id": pending.id,
        "scenario_id": scenario.id,
        "strategy_id": strategy.id, "area_id": area.id, "level_id": level.id,
        "membership_id": factories.membership_of(db, spare, organisation).id, "token_id": token.id,
        # A chart download: the objectives' treemap as HTML (no browser needed). Charts named by
        # their records' ids are probed across organisations in tests/web/test_chart_downloads.py.
        "name": "objectives", "fmt": "html",
    }


def _rules(app: Flask):  # type: ignore[no-untyped-def]
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def _url(rule, args: dict[str, int | str]) -> str:  # type: ignore[no-untyped-def]
    missing = set(rule.arguments) - set(args)
    assert not missing, f"{rule.rule}: the probes do not know how to fill {missing}"
    return rule.build({k: args[k] for k in rule.arguments})[1]


def _method(rule) -> str:  # type: ignore[no-untyped-def]
    if "DELETE" in rule.methods and "POST" not in rule.methods:
        return "DELETE"
    return "GET" if "GET" in rule.methods else "POST"


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) == set(), "add new routes to MATRIX with who may use them"
    assert set(MATRIX) - endpoints == set(), "MATRIX lists routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(e for e, who in MATRIX.items() if isinstance(who, set)))
def test_role_matrix(app: Flask, client, db: Session, org, endpoint: str, role: str) -> None:
    user = factories.make_member(db, org, role=role)
    args = _world(db, org, user)
    login(client, user.email)
    rule = next(r for r in _rules(app) if r.endpoint == endpoint)
    response = client.open(_url(rule, args), method=_method(rule))
    if role in MATRIX[endpoint]:  # type: ignore[operator]
        assert response.status_code not in (401, 403, 404, 500), (endpoint, role, response.status_code)
    else:
        assert response.status_code == 403, (endpoint, role, response.status_code)


@pytest.mark.parametrize("endpoint", sorted(e for e, who in MATRIX.items() if who != "public"))
def test_signed_out_people_are_sent_to_sign_in(app: Flask, client, db: Session, org, endpoint: str) -> None:
    user = factories.make_member(db, org)
    args = _world(db, org, user)
    rule = next(r for r in _rules(app) if r.endpoint == endpoint)
    response = client.open(_url(rule, args), method=_method(rule))
    if endpoint.startswith("api."):
        assert response.status_code == 401
        assert response.is_json
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_viewers_cannot_change_scope(client, db: Session, org, signed_in) -> None:
    strategy = factories.make_strategy(db, org, title="Original")
    signed_in("viewer")
    response = client.post(f"/strategies/{strategy.id}/scope",
                           data={"title": "Changed", "start_year": 2026, "horizon": 5})
    assert response.status_code == 403
    db.expire_all()
    assert db.get(Strategy, strategy.id).title == "Original"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_other_organisations_ids_answer_404_everywhere(app: Flask, client, db: Session, method: str) -> None:
    theirs = factories.make_org(db, slug="theirs")
    their_user = factories.make_member(db, theirs, role="admin")
    their_args = _world(db, theirs, their_user)
    ours = factories.make_org(db, slug="ours")
    me = factories.make_member(db, ours, role="admin")
    my_args = _world(db, ours, me)
    login(client, me.email)
    probed = 0
    for rule in _rules(app):
        if not rule.arguments or method not in rule.methods or MATRIX.get(rule.endpoint) == "public":
            continue
        # Their ids throughout, then our strategy with their record inside it (where the URL names
        # a record besides the strategy; a chart's name and format are not records).
        attempts = [their_args]
        if "strategy_id" in rule.arguments and any(a.endswith("_id") for a in rule.arguments - {"strategy_id"}):
            attempts.append({**their_args, "strategy_id": my_args["strategy_id"]})
        for args in attempts:
            response = client.open(_url(rule, args), method=method)
            assert response.status_code == 404, (rule.rule, args, response.status_code)
            probed += 1
    assert probed >= 10
    db.expire_all()
    assert db.get(Area, their_args["area_id"]) is not None  # nothing of theirs was touched


def test_api_token_of_another_organisation_gets_404(client, db: Session) -> None:
    theirs = factories.make_org(db, slug="theirs")
    their_strategy = factories.make_strategy(db, theirs)
    ours = factories.make_org(db, slug="ours")
    me = factories.make_member(db, ours, role="admin")
    _token, plain = create_token(session=db, user=me, organisation=ours, name="t")
    headers = {"Authorization": f"Bearer {plain}"}
    for path in ("", "/baseline"):
        response = client.get(f"/api/v1/strategies/{their_strategy.id}{path}", headers=headers)
        assert response.status_code == 404
        assert response.get_json()["status"] == 404
    listed = client.get("/api/v1/strategies", headers=headers).get_json()["strategies"]
    assert their_strategy.id not in [s["id"] for s in listed]


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _login_with_csrf(client, email: str) -> None:  # type: ignore[no-untyped-def]
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_login_without_csrf_token_is_refused(csrf_app: Flask, db: Session, org) -> None:
    client = csrf_app.test_client()
    user = factories.make_member(db, org)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert client.get("/strategies").status_code == 302  # still signed out


def test_every_state_changing_route_needs_the_csrf_token(csrf_app: Flask, db: Session, org) -> None:
    client = csrf_app.test_client()
    user = factories.make_member(db, org, role="admin")
    args = _world(db, org, user)
    _login_with_csrf(client, user.email)
    posted = []
    for rule in _rules(csrf_app):
        if "POST" not in rule.methods or rule.endpoint.startswith("api."):
            continue
        response = client.post(_url(rule, args), data={"title": "x", "code": "NEW", "name": "New"})
        assert response.status_code == 400, (rule.rule, response.status_code)
        posted.append(rule.endpoint)
    assert "structure.delete_area" in posted and "auth.logout" in posted
    db.expire_all()
    assert db.get(Area, args["area_id"]) is not None
    # And with the token the same kind of request goes through, so the refusals above are CSRF's.
    page = client.get(f"/strategies/{args['strategy_id']}/areas/new").get_data(as_text=True)
    response = client.post(f"/strategies/{args['strategy_id']}/areas/new",
                           data={"code": "NEW", "name": "New area", "parent_id": "", "csrf_token": _csrf_token(page)})
    assert response.status_code == 302
