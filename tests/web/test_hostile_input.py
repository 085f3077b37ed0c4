"""Hostile input never makes a 500. Every route of the app's url_map is requested with each integer
id out of range, and every form the pages show is posted with hostile values in each field in turn.

One demo organisation (one of everything) is loaded once for the module, and an admin signs in.
A refused form answers with an error message (or a redirect) and stores nothing: the audit trail,
which every service writes in the same transaction as its change, does not grow."""

from __future__ import annotations

import io
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, got_request_exception
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from planner import create_app
from planner.db import engine_for
from planner.models import (
    ApiToken,
    AuditEvent,
    CompetencyFramework,
    Membership,
    Organisation,
    Strategy,
)
from tests import factories
from tests.conftest import _empty, login

HOSTILE_IDS = [0, -1, 2**63, 10**25]
HOSTILE_VALUES = ["²", "١٢", "9" * 30, "-5", "-1e308", "NaN", "inf", "x" * 10_000, "2026-02-30", "31/12/99", "", " "]
# Query-string parameters the pages read as numbers or dates.
# In two groups: a record id the app refuses outright (404) would hide what the page does with the rest.
QUERY_PARAMS = (("scenario", "area", "level", "parent", "person"), ("year", "page", "from", "to", "since", "q"))
HOSTILE_QUERY = ["²", str(2**63)]

# Known gaps still to close: (kind, endpoint) -> where. Strict, so a fix shows (and the entry must go).
NOT_MINE: dict[tuple[str, str], str] = {}



def _bare_app() -> Flask:
    return create_app({"PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "x",
                       "DATABASE_URL": "sqlite://"})


_RULES = sorted(_bare_app().url_map.iter_rules(), key=lambda r: r.rule)
GET_RULES = [r for r in _RULES if "GET" in (r.methods or ()) and r.endpoint not in ("static", "main.plotly_js")]
POST_ENDPOINTS = sorted({r.endpoint for r in _RULES if "POST" in (r.methods or ()) and r.endpoint != "auth.logout"})


def _case(kind: str, endpoint: str) -> Any:
    reason = NOT_MINE.get((kind, endpoint))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(endpoint, id=endpoint, marks=marks)


# --- the world ------------------------------------------------------------------------------------

@dataclass
class World:
    app: Flask
    client: FlaskClient
    session: Session
    ids: dict[str, list[int]]
    tokens: dict[str, str]
    admin_email: str
    forms: dict[str, list[Form]] = field(default_factory=dict)


@dataclass
class Form:
    page: str
    action: str
    fields: list[tuple[str, str, str]]  # (name, type, default value)


class _FormParser(HTMLParser):
    """The <form method=post> of a page with its fields and their default values."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: list[Any] | None = None
        self._textarea: list[Any] | None = None
        self._radios: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(self.page, a.get("action") or self.page, [])
                self._radios = set()
            return
        if self._form is None or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if kind == "radio" and a["name"] in self._radios:
                    return
                if kind == "radio" or "checked" in a:
                    self._radios.add(a["name"])
                    self._form.fields.append((a["name"], kind, a.get("value", "on")))
                return
            self._form.fields.append((a["name"], kind, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                self._select[2] = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            self._form.fields.append((self._textarea[0], "textarea", self._textarea[1]))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            self._form.fields.append((name, "select", chosen if chosen is not None else first or ""))
            self._select = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def _ids(session: Session, organisation: Organisation, strategy: Strategy) -> dict[str, list[int]]:
    """Real ids for each kind of record a URL names, from the demo's own records (a few of each, as
    a page may offer a form for one record and not another: a leaf area can be deleted, a parent not)."""
    from planner import models

    def some(model: Any, **where: Any) -> list[int]:
        query = select(model.id)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        found = [int(i) for i in session.exec(query.order_by(model.id)).all()]
        return (found[:3] + found[-3:] if len(found) > 6 else found) or [1]

    by_strategy = {"strategy_id": strategy.id}
    by_organisation = {"organisation_id": organisation.id}
    return {
        "strategy_id": [int(strategy.id)],  # type: ignore[arg-type]
        "scenario_id": some(models.Scenario, **by_strategy),
        "area_id": some(models.Area, **by_strategy),
        "level_id": some(models.Level, **by_strategy),
        "survey_id": some(models.Survey, **by_strategy),
        "consultation_id": some(models.Consultation, **by_strategy),
        "comment_id": some(models.Comment, **by_organisation),
        "event_id": some(models.EngagementEvent, **by_strategy),
        "objective_id": some(models.Objective, **by_strategy),
        "competency_id": some(models.Competency, **by_organisation),
        "intervention_id": some(models.Intervention, **by_strategy),
        "entry_id": some(models.SuccessionEntry, **by_strategy),
        "target_id": some(models.DiversityTarget, **by_strategy),
        "seat_id": some(models.BoardSeat, **by_strategy),
        "version_id": some(models.StrategyVersion, **by_organisation),
        "import_id": some(models.StaffImport, **by_strategy),
        "job_id": some(models.Job, **by_organisation),
        "membership_id": some(Membership, **by_organisation),
        "token_id": some(ApiToken, **by_organisation),
        "link_id": some(models.SystemMember, **by_organisation),
        "share_id": some(models.SystemShare, **by_organisation),
        "system_objective_id": some(models.SystemObjective),  # the demo system's (its editor's pages)
        "objective_link_id": some(models.SystemObjectiveLink, **by_organisation),
    }


@pytest.fixture(scope="module")
def world(database_url: str) -> Iterator[World]:
    """The demo organisation, an admin of it signed in, and every form its pages show."""
    from planner.services import accounts, surveys
    from planner.services.accounts import create_token
    from planner.services.consultation import AUDIENCES, SECTIONS, create_consultation
    from planner.services.demo import load_demo
    from planner.services.versions import submit

    app = create_app({
        "PLANNER_ENV": "testing", "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": factories.FAST_HASH,
        "PROPAGATE_EXCEPTIONS": False,  # a crash answers 500, as in production, and the next case runs
    })
    got_request_exception.connect(_remember, app)
    with Session(engine_for(database_url), expire_on_commit=False) as session:
        organisation = load_demo(session=session, hash_method=factories.FAST_HASH)
        assert organisation is not None
        from planner.services.demo_system import load_demo_system

        system = load_demo_system(session=session, hash_method=factories.FAST_HASH)  # the demo's sharing page
        assert system is not None
        # The system's own administrator (its home's invite form), and another system's invitation (the
        # sharing page's accept form).
        system_admin = factories.make_member(session, system, role="admin")
        from planner.services.systems import invite

        other_system = factories.make_system(session, slug="other-ics", name="Other ICS")
        invite(session=session, system=other_system, member=organisation, actor=None)
        # An objective of the other system, so its link form still shows once the cases have accepted its
        # invitation and left the demo system.
        from planner.services.system_objectives import save_system_objective

        save_system_objective(session=session, system=other_system, values={"ref": "O1", "title": "Other"},
                              actor=None)
        strategy = session.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
        admin = factories.make_member(session, organisation, role="admin")
        create_token(session=session, user=admin, organisation=organisation, name="Hostile input")
        # A second organisation (so the switch form shows) and a strategy awaiting the board's decision.
        other = factories.make_org(session)
        accounts.add_member(session=session, organisation=other, email=admin.email, role="admin")
        awaiting = factories.make_strategy(session, organisation, title="Awaiting decision")
        submit(session=session, strategy=awaiting, actor=admin)
        # Records whose forms the demo's own do not show: an empty leaf area (deletable), an open
        # survey and an open consultation (their public forms), an open invitation survey (its codes).
        from planner.services.structure import areas_of, levels_of
        from planner.services.succession import save_entry  # a register row (its remove form)

        save_entry(session=session, strategy=strategy, area_id=areas_of(session, strategy)[-1].id,  # type: ignore[arg-type]
                   level_id=levels_of(session, strategy)[-1].id, figures={"critical_roles": 2, "ready_now": 1,  # type: ignore[arg-type]
                                                                          "ready_1_2": 0, "ready_3_5": 0},
                   pool={}, actor=admin)
        factories.make_area(session, strategy, "HOSTILE", "Empty area")
        survey = surveys.create_survey(session=session, strategy=strategy, name="Open survey", closes_on=None,
                                       actor=admin)
        surveys.set_status(session=session, survey=survey, status="open", actor=admin)
        invited = surveys.create_survey(session=session, strategy=strategy, name="Survey by invitation",
                                        closes_on=None, actor=admin, mode="invitation")  # its codes form
        surveys.set_status(session=session, survey=invited, status="open", actor=admin)
        today = date.today()
        consultation = create_consultation(session=session, strategy=strategy, title="Open consultation",
                                           sections=list(SECTIONS)[:2], audiences=list(AUDIENCES),
                                           opens_on=today, closes_on=today + timedelta(days=30), actor=admin)
        # A finished job of the admin's, with its file (the job's page, JSON and download).
        from planner.models import Job, JobFile

        job = Job(organisation_id=organisation.id, strategy_id=strategy.id, kind="board_paper_pdf", status="done",
                  unit="steps done", result_ref="file", created_by=admin.id)
        session.add(job)
        session.flush()
        session.add(JobFile(job_id=job.id, role="result", name="paper.pdf", media_type="application/pdf",
                            data=b"%PDF-1.7"))
        session.commit()
        client = app.test_client()
        login(client, admin.email)
        tokens = {
            "token": survey.token,
            "consultation": consultation.token,
            "slug": system.slug, "system_admin": system_admin.email,
            "framework_key": session.exec(select(CompetencyFramework.key).where(
                CompetencyFramework.organisation_id == organisation.id)).first() or "x",
        }
        w = World(app, client, session, _ids(session, organisation, strategy), tokens, admin.email)
        w.forms = _discover(w, extra_pages=[f"/strategies/{awaiting.id}/approve"])
        # From here on jobs wait in the queue (no worker runs): a hostile post that starts one must be
        # refused or accepted like any other, without a PDF being made for each.
        from planner.queue import queue_of

        queue_of(app).huey.immediate = False
        yield w
    _empty(database_url)


def _url(world: World, rule: Any, **override: Any) -> str:
    values: dict[str, Any] = {}
    for arg in rule.arguments:
        if arg in override:
            values[arg] = override[arg]
        elif arg in world.ids:
            values[arg] = world.ids[arg][0]
        elif arg == "token":
            values[arg] = world.tokens["consultation" if rule.endpoint.startswith("comment.") else "token"]
        elif arg == "name":
            values[arg] = "forecast"
        elif arg in world.tokens:
            values[arg] = world.tokens[arg]
        elif arg == "fmt":
            values[arg] = "svg"
        else:
            raise AssertionError(f"{rule.rule}: no value for <{arg}>")
    # Build by hand so out-of-range ids reach the app as typed (url_for would refuse a negative).
    path = rule.rule
    for arg, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+(?:\([^)]*\))?:)?{arg}>", str(value), path)
    return path


def _discover(world: World, extra_pages: list[str]) -> dict[str, list[Form]]:
    """GET every page with real ids and collect its post forms, by the endpoint they post to. Also
    the sign-in page (signed out), a staff extract's preview (its confirm and discard forms) and
    `extra_pages`."""
    adapter = world.app.url_map.bind("localhost")
    pages: list[tuple[str, str]] = []
    for rule in GET_RULES:
        if (rule.endpoint.startswith(("api.", "charts.")) and rule.endpoint not in JOB_PAGES) or (
                rule.rule.endswith((".xlsx", ".docx", ".pdf", ".csv")) and rule.endpoint not in JOB_PAGES):
            continue
        id_args = sorted((a for a in rule.arguments if a in world.ids), key=lambda a: rule.rule.index(f":{a}>"))
        choices = [{}] + [{id_args[-1]: other} for other in world.ids[id_args[-1]][1:]] if id_args else [{}]
        pages += [(_url(world, rule, **choice), "") for choice in choices]
    pages += [(page, "") for page in extra_pages]
    found: dict[str, list[Form]] = {}
    seen: set[tuple[str, tuple[str, ...]]] = set()

    def collect(page: str, html: str) -> None:
        parser = _FormParser(page)
        parser.feed(html)
        for form in parser.forms:
            path = urlsplit(form.action).path
            try:
                endpoint, _ = adapter.match(path, method="POST")
            except Exception:  # noqa: BLE001  (a form posting somewhere unknown shows up as uncovered)
                continue
            key = (str(endpoint), tuple(sorted(n for n, _, _ in form.fields)))
            if key not in seen:
                seen.add(key)
                found.setdefault(str(endpoint), []).append(form)

    for page, _ in pages:
        response = world.client.get(page)
        if response.status_code == 200 and response.mimetype == "text/html":
            collect(page, response.get_data(as_text=True))
    collect("/login", world.app.test_client().get("/login").get_data(as_text=True))
    system_client = world.app.test_client()  # a system's pages are its own people's only
    login(system_client, world.tokens["system_admin"])
    system_pages = [f"/systems/{world.tokens['slug']}/invite", f"/systems/{world.tokens['slug']}",  # invite; remove
                    f"/systems/{world.tokens['slug']}/objectives/new",  # a partnership objective's forms
                    f"/systems/{world.tokens['slug']}/paper.pdf"]  # the system paper's PDF (starts a job)
    system_pages += [f"/systems/{world.tokens['slug']}/objectives/{i}/edit" for i in world.ids["system_objective_id"]]
    for page in system_pages:
        collect(page, system_client.get(page).get_data(as_text=True))
    # The demo's extract, cut short: a file past 500 KB would be spooled to a temporary file.
    lines = (Path(__file__).resolve().parents[2] / "data" / "demo" / "staff_extract.csv").read_bytes().splitlines()
    extract = b"\n".join(lines[:300]) + b"\n"
    upload = f"/strategies/{world.ids['strategy_id'][0]}/baseline/import"
    started = world.client.post(upload, data={"extract": (io.BytesIO(extract), "staff_extract.csv")},
                                content_type="multipart/form-data")
    job = world.client.get(started.headers["Location"] + ".json").get_json()  # read at once (immediate)
    collect(job["result_url"], world.client.get(job["result_url"]).get_data(as_text=True))
    return found


# The PDF and chart-set links lead to a page with a button that starts a job (its form is probed like any other).
JOB_PAGES = {"exports.paper_pdf", "approve.version_paper_pdf", "charts.all_files"}


_CRASHES: list[str] = []


def _remember(sender: Flask, exception: BaseException, **extra: Any) -> None:
    """The project's own line nearest the crash, for the report."""
    frames = [f for f in traceback.extract_tb(exception.__traceback__) if "/planner/" in f.filename]
    where = f"{frames[-1].filename.split('/planner/')[-1]}:{frames[-1].lineno}" if frames else "?"
    _CRASHES.append(f"{type(exception).__name__} at planner/{where}")


def _crash() -> str:
    return _CRASHES[-1] if _CRASHES else ""


def _stored(world: World) -> int:
    world.session.expire_all()
    return int(world.session.exec(select(func.count()).select_from(AuditEvent)).one())


# --- ids and query strings --------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", [_case("get", e) for e in sorted({r.endpoint for r in GET_RULES})])
def test_out_of_range_ids_and_queries_are_never_500(world: World, endpoint: str) -> None:
    """Each integer id out of range answers 404 (or a redirect); a hostile query string is no 500."""
    problems = []
    for rule in (r for r in GET_RULES if r.endpoint == endpoint):
        id_args = [a for a in rule.arguments if a.endswith("_id")]
        for arg in id_args:
            for bad in HOSTILE_IDS:
                url = _url(world, rule, **{arg: bad})
                status = world.client.get(url).status_code
                if status not in (301, 302, 303, 308, 404):
                    problems.append(f"GET {url}: {status} {_crash()}")
        for arg in (a for a in rule.arguments if a in ("token", "name")):
            url = _url(world, rule, **{arg: "x" * 10_000})
            status = world.client.get(url).status_code
            if status >= 500:
                problems.append(f"GET {url[:80]}...: {status} {_crash()}")
        # A download (a paper takes seconds to render) reads only record ids and the pack's ?step=.
        download = rule.rule.endswith((".pdf", ".docx", ".xlsx"))
        groups = (QUERY_PARAMS[0], ("step",)) if download else QUERY_PARAMS
        for value, group in ((v, g) for v in HOSTILE_QUERY for g in groups):
            query = "&".join(f"{p}={value}" for p in group)
            url = f"{_url(world, rule)}?{query}"
            status = world.client.get(url).status_code
            if status >= 500:
                problems.append(f"GET {url}: {status} {_crash()}")
    assert not problems, "\n".join(problems)


# --- forms ----------------------------------------------------------------------------------------

# Forms whose sending changes what the others need (deleting, signing out): covered last.
_LAST = ("delete", "remove", "revoke", "discard", "close", "withdraw", "switch", "submit", "decision", "confirm",
         "hide", "status")


def _order(endpoint: str) -> tuple[bool, str]:
    return (any(word in endpoint.rsplit(".", 1)[-1] for word in _LAST), endpoint)


def _groups(form: Form) -> list[str]:
    """One field of each kind: a grid's cells differ only by ids, so one cell of each column stands for all."""
    chosen: dict[str, str] = {}
    for name, kind, _ in form.fields:
        if name == "csrf_token" or kind == "file":
            continue
        chosen.setdefault(re.sub(r"\d+", "#", name), name)
    return list(chosen.values())


def _values_for(index: int, count: int) -> list[str]:
    """Every hostile value for a form of few fields; for a wide one, each field a share of them in turn."""
    if count <= 4:
        return HOSTILE_VALUES
    share = max(3, len(HOSTILE_VALUES) * 4 // count)
    start = index * share
    return [HOSTILE_VALUES[(start + k) % len(HOSTILE_VALUES)] for k in range(share)]


def _shows_error(body: str) -> bool:
    return "nhsuk-error-summary" in body or "nhsuk-error-message" in body or '"error"' in body


_SUMMARY_LINK = re.compile(r'<div class="nhsuk-error-summary__body">.*?</ul>', re.S)


def _error_pattern_problems(body: str) -> list[str]:
    """The NHS error pattern: 'Error: ' first in the title, and an inline message by every field the
    summary links to."""
    if "nhsuk-error-summary__list" not in body:
        return []
    problems = []
    title = re.search(r"<title>\s*(.*?)</title>", body, re.S)
    if not title or not title.group(1).startswith("Error: "):
        problems.append("the title does not start with 'Error: '")
    summary = _SUMMARY_LINK.search(body)
    for target in re.findall(r'href="#([^"]+)"', summary.group(0) if summary else ""):
        if not re.search(rf'class="nhsuk-error-message"[^>]*id="{re.escape(target)}-error"', body):
            problems.append(f"no inline message by #{target}")
    return problems


@dataclass
class Posted:
    """What posting hostile values to one endpoint's forms found."""

    failures: list[str] = field(default_factory=list)  # a 500, a refusal without a message, or stored anyway
    pattern: list[str] = field(default_factory=list)  # the error shown outside the NHS pattern


_POSTED: dict[str, Posted] = {}


def _post_hostile(world: World, endpoint: str) -> Posted:
    """Each field of each form this endpoint takes, with each hostile value in turn (once per run)."""
    if endpoint in _POSTED:
        return _POSTED[endpoint]
    found = _POSTED[endpoint] = Posted()
    forms = world.forms.get(endpoint, [])
    json_body = endpoint in ("api.forecast", "api.systems.create_share")  # the API's JSON posts
    if endpoint == "api.forecast":
        forms = [Form("/api/v1/forecast", "/api/v1/forecast", [("spec", "json", "")])]
    if endpoint == "api.systems.create_share":
        shares = f"/api/v1/systems/{world.tokens['slug']}/shares"
        forms = [Form(shares, shares, [("share", "json", "")])]
    if not forms:
        found.failures.append(f"no page shows a form that posts to {endpoint}")
    client = world.client
    if endpoint == "auth.login":
        client = world.app.test_client()  # signed out, as someone signing in is
    elif endpoint in ("systems.invite", "systems.remove", "systems.new_objective", "systems.edit_objective",
                      "systems.delete_objective", "systems.system_paper_pdf"):
        client = world.app.test_client()  # as the system's own administrator
        login(client, world.tokens["system_admin"])
    elif endpoint == "main.switch":
        client = world.app.test_client()  # its own session, so switching leaves the other cases' alone
        login(client, world.admin_email)
    for form in forms:
        base = {name: value for name, _, value in form.fields}
        names = _groups(form) or ["csrf_token"]
        for index, name in enumerate(names):
            for value in _values_for(index, len(names)):
                before = _stored(world)
                if json_body:
                    response = client.post(form.action, data=value, content_type="application/json")
                else:
                    response = client.post(form.action, data={**base, name: value})
                body = response.get_data(as_text=True)
                status = response.status_code
                where = f"POST {form.action} {name}={value[:20]!r}"
                if status >= 500:
                    found.failures.append(f"{where}: {status} {_crash()}")
                    continue
                found.pattern += [f"{where}: {p}" for p in _error_pattern_problems(body)]
                if status in (403, 404, 429):
                    continue  # refused before the form was read
                if 400 <= status < 500 or (status < 300 and _shows_error(body)):
                    if not _shows_error(body):
                        found.failures.append(f"{where}: {status} without an error message")
                    if _stored(world) != before:
                        found.failures.append(f"{where}: refused ({status}) but something was stored")
    return found


@pytest.mark.parametrize("endpoint", [_case("post", e) for e in sorted(POST_ENDPOINTS, key=_order)])
def test_hostile_form_values_are_refused_or_accepted_never_500(world: World, endpoint: str) -> None:
    """A refused value answers with a message (or a redirect) and stores nothing; nothing is a 500."""
    failures = _post_hostile(world, endpoint).failures
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("endpoint", [_case("pattern", e) for e in sorted(POST_ENDPOINTS, key=_order)])
def test_refusals_follow_the_nhs_error_pattern(world: World, endpoint: str) -> None:
    """'Error: ' first in the title, and an inline message by every field the summary links to."""
    pattern = _post_hostile(world, endpoint).pattern
    assert not pattern, "\n".join(sorted(set(pattern)))
