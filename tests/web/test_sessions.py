"""Sessions that can be ended: sign-out, a new password, a change of role and removal end every
session of the person at once (a copied cookie included); a sign-in lasts at most the absolute
lifetime however busy; the client's address behind a trusted proxy."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from planner import create_app
from planner.models import User
from planner.security import SIGNED_IN_AT
from planner.services.accounts import create_token
from tests.conftest import login
from tests.factories import PASSWORD, make_member, membership_of

COOKIE = "planner_session"
NEW_PASSWORD = "kettle-orchard-lantern"


def cookie_of(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def browser_with(app, cookie: str):
    """A second browser holding a copy of the cookie (another device, or a stolen copy)."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    return other


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == "/login"


@pytest.fixture
def person(db, org, strategy) -> User:
    return make_member(db, org, role="editor", email="board.secretary@example.nhs.uk")


def test_a_copied_cookie_is_refused_after_sign_out(app, client, person):
    login(client, person.email)
    copy = cookie_of(client)
    replay = browser_with(app, copy)
    assert replay.get("/strategies").status_code == 200  # the copy works while signed in
    assert replay.get("/api/v1/strategies").status_code == 200

    client.post("/logout")

    replay = browser_with(app, copy)
    assert sent_to_sign_in(replay.get("/strategies"))
    assert browser_with(app, copy).get("/api/v1/strategies").status_code == 401


def test_signing_out_in_one_browser_signs_out_the_others(app, client, person):
    login(client, person.email)
    laptop = app.test_client()
    login(laptop, person.email)
    client.post("/logout")
    assert sent_to_sign_in(laptop.get("/strategies"))
    # Signing in again afterwards works as ever.
    login(laptop, person.email)
    assert laptop.get("/strategies").status_code == 200


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, person):
    login(client, person.email)
    other = app.test_client()
    login(other, person.email)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Your password has been changed" in client.get("/account/password").get_data(as_text=True)
    assert client.get("/strategies").status_code == 200
    assert sent_to_sign_in(other.get("/strategies"))
    assert other.post("/login", data={"email": person.email, "password": PASSWORD}).status_code == 401
    login(other, person.email, NEW_PASSWORD)


def test_a_change_of_role_ends_the_members_sessions(app, client, db, org, person):
    login(client, person.email)
    admin = make_member(db, org, role="admin")
    admin_browser = app.test_client()
    login(admin_browser, admin.email)
    membership = membership_of(db, person, org)
    response = admin_browser.post(f"/admin/members/{membership.id}/role", data={"role": "viewer"})
    assert response.status_code == 302
    assert sent_to_sign_in(client.get("/strategies"))
    assert admin_browser.get("/admin/members").status_code == 200  # the administrator's own session holds


def test_an_administrator_changing_their_own_role_stays_signed_in_here(app, client, db, org):
    me = make_member(db, org, role="admin")
    make_member(db, org, role="admin")  # another, so stepping down is allowed
    login(client, me.email)
    elsewhere = app.test_client()
    login(elsewhere, me.email)
    response = client.post(f"/admin/members/{membership_of(db, me, org).id}/role", data={"role": "editor"})
    assert response.status_code == 302
    assert client.get("/strategies").status_code == 200
    assert sent_to_sign_in(elsewhere.get("/strategies"))


def test_removal_ends_the_members_sessions(app, client, db, org, person):
    login(client, person.email)
    copy = cookie_of(client)
    admin = make_member(db, org, role="admin")
    admin_browser = app.test_client()
    login(admin_browser, admin.email)
    membership = membership_of(db, person, org)
    assert admin_browser.post(f"/admin/members/{membership.id}/remove").status_code == 302
    assert sent_to_sign_in(client.get("/strategies"))
    assert browser_with(app, copy).get("/api/v1/strategies").status_code == 401


def test_a_sign_in_ends_after_the_absolute_lifetime_however_busy(app, client, person):
    assert app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds() == 12 * 3600
    login(client, person.email)
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] -= 11 * 3600 + 3500  # 11 h 58 min ago, in use all along
    assert client.get("/strategies").status_code == 200
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] -= 200  # now past 12 hours
    assert sent_to_sign_in(client.get("/strategies"))
    with client.session_transaction() as session:
        assert "_user_id" not in session  # the stale session is dropped, not merely ignored


def test_a_session_from_before_versions_is_refused(client, person):
    login(client, person.email)
    with client.session_transaction() as session:
        del session["_session_version"]
    assert sent_to_sign_in(client.get("/strategies"))


def test_the_absolute_lifetime_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PLANNER_SESSION_ABSOLUTE_HOURS", "4")
    assert create_app().config["SESSION_ABSOLUTE_LIFETIME"].total_seconds() == 4 * 3600
    monkeypatch.setenv("PLANNER_SESSION_ABSOLUTE_HOURS", "four")
    from planner.config import ConfigError

    with pytest.raises(ConfigError, match="PLANNER_SESSION_ABSOLUTE_HOURS"):
        create_app()


def test_api_tokens_survive_sign_out_but_not_deactivation(app, client, db, org, person):
    _token, plain = create_token(session=db, user=person, organisation=org, name="Power BI")
    headers = {"Authorization": f"Bearer {plain}"}
    program = app.test_client()  # a spreadsheet refresh, say: no cookie, only the token
    login(client, person.email)
    client.post("/logout")
    assert program.get("/api/v1/strategies", headers=headers).status_code == 200
    db.expire_all()
    user = db.get(User, person.id)
    user.active = False
    db.add(user)
    db.commit()
    assert program.get("/api/v1/strategies", headers=headers).status_code == 401


# --- the client's address behind a load balancer ---------------------------------------------------

def _seen_address(app, headers: dict[str, str]) -> tuple[str, str]:
    seen: dict[str, str] = {}

    @app.route("/_address_probe")
    def probe() -> str:
        from flask import request

        seen["address"] = request.remote_addr or ""
        seen["scheme"] = request.scheme
        return "ok"

    app.test_client().get("/_address_probe", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"})
    return seen["address"], seen["scheme"]


FORWARDED = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"}


def test_without_trusted_proxies_forwarded_headers_are_ignored(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("PLANNER_TRUSTED_PROXIES", raising=False)
    app = create_app({"CHART_BROWSER_WARM": False})
    assert app.config["TRUSTED_PROXIES"] == 0
    assert _seen_address(app, FORWARDED) == ("10.0.0.5", "http")


def test_one_trusted_proxy_gives_the_client_behind_it(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PLANNER_TRUSTED_PROXIES", "1")
    app = create_app({"CHART_BROWSER_WARM": False})
    # The last address is the one the load balancer saw; anything before it the client could forge.
    assert _seen_address(app, FORWARDED) == ("198.51.100.7", "https")


def test_a_bad_proxy_count_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PLANNER_TRUSTED_PROXIES", "-1")
    from planner.config import ConfigError

    with pytest.raises(ConfigError, match="PLANNER_TRUSTED_PROXIES"):
        create_app()


def test_sessions_record_when_they_began(client, person):
    before = int(time.time())
    login(client, person.email)
    with client.session_transaction() as session:
        assert before <= session[SIGNED_IN_AT] <= int(time.time())
