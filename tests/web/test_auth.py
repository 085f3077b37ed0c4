"""Signing in and out, the sign-in throttle, where sign-in leads, and switching organisation."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from planner.models import Membership, User
from tests.conftest import login
from tests.factories import PASSWORD, make_member, make_org, make_strategy

WRONG = "not-the-password"


def sign_in(client, email: str, password: str = PASSWORD, next_url: str | None = None):
    url = "/login" + (f"?next={quote(next_url, safe='')}" if next_url is not None else "")
    return client.post(url, data={"email": email, "password": password})


def signed_in_user_id(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


@pytest.fixture
def person(db, org) -> User:
    return make_member(db, org, role="editor", email="board.secretary@example.nhs.uk")


def test_sign_in_lands_on_the_strategies(client, person):
    response = sign_in(client, person.email)
    assert response.status_code == 302
    assert response.location == "/strategies"
    assert signed_in_user_id(client) == str(person.id)
    page = client.get("/strategies").get_data(as_text=True)
    assert "Leadership strategies" in page
    assert "North Trust" in page


def test_the_email_address_is_not_case_sensitive(client, person):
    assert sign_in(client, "  Board.Secretary@Example.NHS.uk ").status_code == 302
    assert signed_in_user_id(client) == str(person.id)


@pytest.mark.parametrize(("email", "password"), [
    ("board.secretary@example.nhs.uk", WRONG),
    ("board.secretary@example.nhs.uk", PASSWORD.upper()),
    ("nobody@example.nhs.uk", PASSWORD),  # no such account: the same answer
])
def test_a_wrong_email_or_password_is_refused_without_a_session(client, person, email, password):
    response = sign_in(client, email, password)
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "The email address or password is not right" in page
    assert signed_in_user_id(client) is None
    assert client.get("/strategies").status_code == 302


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "", "password": PASSWORD}, "Enter your email address"),
    ({"email": "board.secretary@example.nhs.uk", "password": ""}, "Enter your password"),
])
def test_an_empty_field_is_asked_for(client, person, data, message):
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("failing_as", ["board.secretary@example.nhs.uk", "BOARD.SECRETARY@example.nhs.uk"])
def test_after_five_failures_even_the_right_password_is_refused(client, app, person, failing_as):
    assert app.config["LOGIN_MAX_FAILURES"] == 5
    for _ in range(5):
        assert sign_in(client, failing_as, WRONG).status_code == 401
    response = sign_in(client, person.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None


def test_four_failures_do_not_lock_the_account(client, person):
    for _ in range(4):
        sign_in(client, person.email, WRONG)
    assert sign_in(client, person.email).status_code == 302


def test_the_throttle_is_per_account(client, db, org, person):
    colleague = make_member(db, org, role="viewer", email="colleague@example.nhs.uk")
    for _ in range(5):
        sign_in(client, person.email, WRONG)
    assert sign_in(client, person.email).status_code == 429
    assert sign_in(client, colleague.email).status_code == 302


def test_sign_in_starts_a_fresh_session(client, person):
    with client.session_transaction() as session:
        session["planted"] = "set before sign-in"
        session["org_id"] = 999
    sign_in(client, person.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["org_id"] != 999
        assert session["_user_id"] == str(person.id)


@pytest.mark.parametrize("next_url", [
    "https://evil.example/",
    "http://evil.example/strategies",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "strategies",
])
def test_a_next_address_off_the_site_is_ignored(client, person, next_url):
    response = sign_in(client, person.email, next_url=next_url)
    assert response.status_code == 302
    location = response.location
    # Still a path on this site: no scheme, no host, and nothing a browser reads as '//host'.
    assert (urlsplit(location).scheme, urlsplit(location).netloc) == ("", "")
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\")), location
    assert "\t" not in location and "\\" not in location
    if not next_url.startswith("/") or next_url.startswith("//"):
        assert location == "/strategies"


@pytest.mark.parametrize("next_url", ["/strategies/1", "/admin/members", "/strategies/1/baseline?x=1"])
def test_a_next_address_on_the_site_is_honoured(client, person, next_url):
    response = sign_in(client, person.email, next_url=next_url)
    assert response.status_code == 302
    assert response.location == next_url


def test_a_protected_page_sends_you_to_sign_in_and_back(client, person, strategy):
    response = client.get(f"/strategies/{strategy.id}")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"
    back = sign_in(client, person.email, next_url=f"/strategies/{strategy.id}")
    assert back.location == f"/strategies/{strategy.id}"
    assert client.get(back.location).status_code == 200


def test_the_sign_in_page_sends_a_signed_in_person_on(client, person):
    login(client, person.email)
    response = client.get("/login")
    assert response.status_code == 302
    assert response.location == "/strategies"


def test_sign_out_ends_the_session(client, person):
    login(client, person.email)
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.location == "/login"
    assert signed_in_user_id(client) is None
    protected = client.get("/strategies")
    assert protected.status_code == 302
    assert urlsplit(protected.location).path == "/login"
    assert "You have signed out." in client.get("/login").get_data(as_text=True)


def test_an_inactive_account_cannot_sign_in(client, db, person):
    person.active = False
    db.add(person)
    db.commit()
    response = sign_in(client, person.email)
    assert response.status_code == 401
    assert "The email address or password is not right" in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None


def test_deactivating_an_account_ends_its_sessions(client, db, person):
    login(client, person.email)
    assert client.get("/strategies").status_code == 200
    db.expire_all()
    user = db.get(User, person.id)
    user.active = False
    db.add(user)
    db.commit()
    response = client.get("/strategies")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"


@pytest.fixture
def two_trusts(db, org):
    """A person in North Trust (editor) and South Trust (viewer), each trust with a strategy."""
    south = make_org(db, slug="south", name="South Trust")
    person = make_member(db, org, role="editor", email="shared@example.nhs.uk")
    db.add(Membership(organisation_id=south.id, user_id=person.id, role="viewer"))
    db.commit()
    make_strategy(db, org, title="North strategy")
    make_strategy(db, south, title="South strategy")
    return person, south


def test_a_member_of_two_organisations_switches_between_them(client, org, two_trusts):
    person, south = two_trusts
    login(client, person.email)
    page = client.get("/strategies").get_data(as_text=True)
    assert "North strategy" in page and "South strategy" not in page
    assert "Start a new strategy" in page  # an editor in North

    organisations = client.get("/organisations").get_data(as_text=True)
    assert "Work in South Trust" in organisations

    response = client.post("/organisations/switch", data={"organisation_id": str(south.id)})
    assert response.status_code == 302
    assert response.location == "/strategies"
    page = client.get("/strategies").get_data(as_text=True)
    assert "South strategy" in page and "North strategy" not in page
    assert "Start a new strategy" not in page  # only a viewer in South

    client.post("/organisations/switch", data={"organisation_id": str(org.id)})
    assert "North strategy" in client.get("/strategies").get_data(as_text=True)


@pytest.mark.parametrize("target", ["stranger", "missing", "junk"])
def test_nobody_can_switch_to_an_organisation_they_do_not_belong_to(client, db, org, two_trusts, target):
    person, _south = two_trusts
    stranger = make_org(db, slug="east", name="East Trust")
    make_strategy(db, stranger, title="East strategy")
    login(client, person.email)
    wanted = {"stranger": str(stranger.id), "missing": "99999", "junk": "east"}[target]
    response = client.post("/organisations/switch", data={"organisation_id": wanted})
    assert response.status_code == 404
    with client.session_transaction() as session:
        assert session["org_id"] == org.id
    page = client.get("/strategies").get_data(as_text=True)
    assert "North strategy" in page
    assert "East strategy" not in page


def test_switching_needs_a_sign_in(client, org):
    response = client.post("/organisations/switch", data={"organisation_id": str(org.id)})
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"
