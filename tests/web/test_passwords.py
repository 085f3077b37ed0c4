"""Passwords: one strength rule (zxcvbn and 12 characters) on every way a password is set, with the
reason in plain words; changing one's own; an administrator's reset; and sign-in throttling that
never lets one address's failures refuse another account's correct password."""

from __future__ import annotations

import html

import pytest
from sqlmodel import select
from werkzeug.security import check_password_hash

from planner.config import PASSWORD_HASH_METHOD
from planner.models import AuditEvent, Membership, User
from planner.services import ServiceError, accounts
from planner.services.passwords import ADVICE, check_password
from tests.conftest import login
from tests.factories import FAST_HASH, PASSWORD, make_member, make_org, membership_of

NEW_PASSWORD = "kettle-orchard-lantern"
WRONG = "not-the-password"

WEAK = [
    ("password1234", "This is a very common password"),
    ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess'),
    ("qwertyuiop12", "harder to guess"),
    ("short-pw", "at least 12 characters"),
]


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def shows_problem(response, message: str, status: int = 400) -> None:
    """The NHS error pattern: 'Error:' in the title, a summary linking to the field, the message inline."""
    page = page_of(response)
    assert response.status_code == status
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert message in page


# --- the rule ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_weak_passwords_are_refused_with_a_reason(password, reason):
    with pytest.raises(ServiceError) as refused:
        check_password(password)
    assert reason in refused.value.message
    assert refused.value.field == "password"


@pytest.mark.parametrize("password", ["correct-horse-battery", "kettle-orchard-lantern", "demo-admin-2026"])
def test_three_random_words_are_accepted(password):
    check_password(password)


def test_a_password_built_from_the_persons_own_name_is_refused():
    check_password("quillfeather-29x")  # strong for anyone else
    with pytest.raises(ServiceError, match="too like the person's name or email address"):
        check_password("quillfeather-29x", user_inputs=["j.quillfeather@nhs.net"])


def test_a_password_holding_the_persons_name_is_refused():
    with pytest.raises(ServiceError, match="contains the person's name"):
        check_password("Quillfeather-kettle-2026", user_inputs=["jo@nhs.net", "Jo Quillfeather"])


def test_a_very_long_password_is_refused_by_length_not_by_the_checker():
    with pytest.raises(ServiceError, match="at most 256 characters"):
        check_password("kettle-orchard-lantern " * 20)
    check_password("kettle orchard lantern " * 5)  # 115 characters: fine


# --- changing one's own password --------------------------------------------------------------------

@pytest.fixture
def person(db, org) -> User:
    return make_member(db, org, role="editor", email="board.secretary@example.nhs.uk")


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm_password": new if confirm is None else confirm})


def test_the_change_page_gives_the_ncsc_advice(client, person):
    login(client, person.email)
    page = page_of(client.get("/account/password"))
    assert "Change your password" in page
    assert "three random words" in page.lower()
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page
    assert "/account/password" in page_of(client.get("/account/tokens"))


def test_changing_ones_password(client, db, person):
    login(client, person.email)
    assert change(client).status_code == 302
    db.expire_all()
    user = db.get(User, person.id)
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "password")).one()
    assert (event.action, event.user_id, event.entity_id) == ("change", person.id, person.id)
    assert NEW_PASSWORD not in (event.changes or "") and "scrypt" not in (event.changes or "")


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_a_weak_new_password_is_refused_on_the_page(client, db, person, password, reason):
    login(client, person.email)
    response = change(client, new=password)
    shows_problem(response, reason)
    assert 'href="#new_password"' in page_of(response)
    db.expire_all()
    assert check_password_hash(db.get(User, person.id).password_hash, PASSWORD)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"current_password": WRONG}, "current_password", "Your current password is not right"),
    ({"confirm": "kettle-orchard-lanterns"}, "confirm_password", "The new passwords do not match"),
    ({"current_password": ""}, "current_password", "Enter your current password"),
    ({"new": PASSWORD}, "new_password", "different from your current one"),
])
def test_a_change_with_a_mistake_is_refused_and_changes_nothing(client, db, person, data, field, message):
    login(client, person.email)
    response = change(client, current=data.get("current_password", PASSWORD), new=data.get("new", NEW_PASSWORD),
                      confirm=data.get("confirm"))
    shows_problem(response, message)
    assert f'href="#{field}"' in page_of(response)
    assert 'id="' + field + '-error"' in page_of(response)
    db.expire_all()
    assert check_password_hash(db.get(User, person.id).password_hash, PASSWORD)


def test_guessing_the_current_password_from_a_borrowed_session_is_throttled(client, app, person):
    login(client, person.email)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert change(client, current=WRONG).status_code == 400
    response = change(client)  # even the right one, while the account is locked
    assert response.status_code == 429
    assert "Too many wrong passwords" in page_of(response)


def test_the_change_page_needs_a_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.location


# --- an administrator's reset -----------------------------------------------------------------------

def reset(client, membership, new=NEW_PASSWORD, confirm=None):
    return client.post(f"/admin/members/{membership.id}/password",
                       data={"new_password": new, "confirm_password": new if confirm is None else confirm})


def test_an_administrator_sets_a_new_password_for_a_member(app, client, db, org, signed_in, person):
    member_browser = app.test_client()
    login(member_browser, person.email)
    admin = signed_in("admin")
    membership = membership_of(db, person, org)
    assert "Set a new password" in page_of(client.get("/admin/members"))
    form = client.get(f"/admin/members/{membership.id}/password")
    assert form.status_code == 200 and "three random words" in page_of(form).lower()

    response = reset(client, membership)
    assert response.status_code == 302
    landing = page_of(client.get(response.location))
    assert "New password set for board.secretary@example.nhs.uk" in landing
    assert NEW_PASSWORD not in landing  # never shown again
    db.expire_all()
    assert check_password_hash(db.get(User, person.id).password_hash, NEW_PASSWORD)
    assert member_browser.get("/strategies").status_code == 302  # their sessions ended
    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "password")).one()
    assert (event.action, event.user_id, event.organisation_id) == ("reset", admin.id, org.id)
    assert NEW_PASSWORD not in (event.changes or "")
    login(member_browser, person.email, NEW_PASSWORD)


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_an_administrator_cannot_set_a_weak_password(client, db, org, signed_in, person, password, reason):
    signed_in("admin")
    shows_problem(reset(client, membership_of(db, person, org), new=password), reason)
    db.expire_all()
    assert check_password_hash(db.get(User, person.id).password_hash, PASSWORD)


def test_mismatched_confirmation_is_refused(client, db, org, signed_in, person):
    signed_in("admin")
    response = reset(client, membership_of(db, person, org), confirm="something-else-entirely")
    shows_problem(response, "The new passwords do not match")


def test_no_reset_for_someone_who_also_belongs_to_another_organisation(client, db, org, signed_in, person):
    south = make_org(db, slug="south", name="South Trust")
    db.add(Membership(organisation_id=south.id, user_id=person.id, role="admin"))
    db.commit()
    signed_in("admin")
    membership = membership_of(db, person, org)
    assert "also belongs to another organisation" in page_of(client.get(f"/admin/members/{membership.id}/password"))
    response = reset(client, membership)
    shows_problem(response, "also belongs to another organisation")
    db.expire_all()
    assert check_password_hash(db.get(User, person.id).password_hash, PASSWORD)


def test_no_reset_of_another_organisations_member(client, db, signed_in):
    south = make_org(db, slug="south", name="South Trust")
    stranger = make_member(db, south, role="viewer")
    signed_in("admin")
    assert reset(client, membership_of(db, stranger, south)).status_code == 404


@pytest.mark.parametrize("role", ["editor", "planner", "contributor", "viewer"])
def test_only_administrators_reset_passwords(client, db, org, signed_in, person, role):
    signed_in(role)
    assert reset(client, membership_of(db, person, org)).status_code == 403


def test_an_administrator_is_sent_to_their_own_change_page(client, db, org, signed_in):
    admin = signed_in("admin")
    response = client.get(f"/admin/members/{membership_of(db, admin, org).id}/password")
    assert response.status_code == 302 and response.location == "/account/password"


# --- a new member's first password ------------------------------------------------------------------

@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_a_new_members_weak_first_password_is_refused(client, db, signed_in, password, reason):
    signed_in("admin")
    response = client.post("/admin/members/new", data={
        "email": "new.person@nhs.net", "name": "", "role": "viewer", "password": password})
    shows_problem(response, reason, status=200)  # the add-a-person page answers 200 with its problems
    assert 'href="#password"' in page_of(response)
    assert db.exec(select(User).where(User.email == "new.person@nhs.net")).first() is None


def test_the_member_form_gives_the_advice_and_says_where_to_change_it(client, signed_in):
    signed_in("admin")
    page = page_of(client.get("/admin/members/new"))
    assert ADVICE.split(",")[0] in page
    assert "Change your password" in page


# --- sign-in throttling -----------------------------------------------------------------------------

def sign_in(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_twenty_failures_from_one_address_do_not_refuse_another_accounts_password(app, client, db, org, person):
    others = [make_member(db, org, role="viewer") for _ in range(4)]
    for n in range(20):
        # Four known accounts (five wrong tries each) and unknown emails, all from this one address.
        target = others[n % 4].email if n % 2 else f"nobody-{n}@example.nhs.uk"
        assert sign_in(client, target, WRONG).status_code in (401, 429)
    for n in range(20):
        sign_in(client, f"ghost-{n}@example.nhs.uk", WRONG)
    response = sign_in(client, person.email)
    assert response.status_code == 302, page_of(response)[:300]


def test_an_address_failing_on_unknown_emails_is_throttled_without_naming_accounts(app, client, person):
    limit = app.config["LOGIN_MAX_FAILURES"] * accounts.UNKNOWN_EMAILS_FACTOR
    for n in range(limit):
        sign_in(client, f"nobody-{n}@example.nhs.uk", WRONG)
    # From this address a wrong password is refused alike whether or not the account exists...
    unknown = sign_in(client, "someone-else@example.nhs.uk", WRONG)
    known = sign_in(client, person.email, WRONG)
    assert unknown.status_code == known.status_code == 429
    assert "Too many failed sign-in attempts" in page_of(known)
    # ...and a correct one still signs in.
    assert sign_in(client, person.email).status_code == 302


def test_another_address_is_not_throttled_by_the_first(app, person):
    limit = app.config["LOGIN_MAX_FAILURES"] * accounts.UNKNOWN_EMAILS_FACTOR
    first = app.test_client()
    for n in range(limit):
        first.post("/login", data={"email": f"nobody-{n}@example.nhs.uk", "password": WRONG},
                   environ_base={"REMOTE_ADDR": "192.0.2.1"})
    second = app.test_client()
    response = second.post("/login", data={"email": "nobody-else@example.nhs.uk", "password": WRONG},
                           environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert response.status_code == 401


def test_the_per_account_lock_still_holds_from_any_address(app, person):
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        app.test_client().post("/login", data={"email": person.email, "password": WRONG},
                               environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"})
    response = app.test_client().post("/login", data={"email": person.email, "password": PASSWORD},
                                      environ_base={"REMOTE_ADDR": "198.51.100.50"})
    assert response.status_code == 429


# --- equal work for known and unknown emails ---------------------------------------------------------

def _hashes_checked(monkeypatch, **kwargs) -> list[str]:
    checked: list[str] = []
    real = accounts.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    for email in ("board.secretary@example.nhs.uk", "nobody@example.nhs.uk"):
        accounts.authenticate(email=email, password=WRONG, client="test", max_failures=5, window_minutes=15,
                              **kwargs)
    return checked


def _parameters(pwhash: str) -> str:
    return pwhash.split("$", 1)[0]  # 'scrypt:131072:8:1': the method and its cost


@pytest.mark.parametrize("method", [PASSWORD_HASH_METHOD, FAST_HASH])
def test_known_and_unknown_emails_cost_the_same_hash(monkeypatch, db, org, method):
    accounts.add_member(session=db, organisation=org, email="board.secretary@example.nhs.uk", role="editor",
                        password=PASSWORD, hash_method=method)
    known, unknown = _hashes_checked(monkeypatch, session=db, hash_method=method)
    assert _parameters(known) == _parameters(unknown) == method


def test_the_app_checks_unknown_emails_with_its_configured_hash(monkeypatch, app, client, person):
    checked: list[str] = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    sign_in(client, person.email, WRONG)
    sign_in(client, "nobody@example.nhs.uk", WRONG)
    assert [_parameters(h) for h in checked] == [app.config["PASSWORD_HASH_METHOD"]] * 2


def test_a_hash_of_an_older_cost_is_renewed_at_sign_in(app, client, db, org):
    user = make_member(db, org, role="viewer")  # hashed at the tests' cost, scrypt:1024:8:1
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:2048:8:1"
    login(client, user.email)
    db.expire_all()
    renewed = db.get(User, user.id).password_hash
    assert renewed.startswith("scrypt:2048:8:1$") and check_password_hash(renewed, PASSWORD)


def test_an_overlong_email_is_refused_like_any_other(client, db, person):
    from planner.models import LoginAttempt

    response = sign_in(client, "x" * 400 + "@example.nhs.uk", WRONG)
    assert response.status_code == 401
    stored = db.exec(select(LoginAttempt)).one()
    assert len(stored.email) <= 254  # inside its column (PostgreSQL would refuse a longer one)
