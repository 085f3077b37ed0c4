"""Administration: adding people, changing roles, removing people, and always keeping an administrator."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from werkzeug.security import check_password_hash

from planner.models import ApiToken, AuditEvent, Membership, User
from planner.services.accounts import create_token
from tests.conftest import login
from tests.factories import PASSWORD, make_member, make_org, membership_of

FIRST_PASSWORD = "a-first-password-1234"


def members_of(db, org) -> dict[str, str]:
    """email -> role for everyone in the organisation."""
    db.expire_all()
    rows = db.exec(select(Membership, User).join(User, User.id == Membership.user_id)
                   .where(Membership.organisation_id == org.id)).all()
    return {user.email: membership.role for membership, user in rows}


def problem(response) -> str:
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    return page


def test_the_people_page_lists_members_and_their_roles(client, db, org, signed_in):
    admin = signed_in("admin")
    make_member(db, org, role="planner", email="hr.planner@nhs.net")
    page = client.get("/admin/members").get_data(as_text=True)
    assert admin.email in page
    assert "hr.planner@nhs.net" in page
    assert "Planner (HR workforce planner)" in page
    assert "Administrator" in page


def test_an_admin_adds_a_new_person_with_a_first_password(client, db, org, signed_in):
    signed_in("admin")
    response = client.post("/admin/members/new", data={
        "email": "New.Person@NHS.net", "name": "New Person", "role": "editor", "password": FIRST_PASSWORD})
    assert response.status_code == 302
    assert response.location == "/admin/members"
    assert members_of(db, org)["new.person@nhs.net"] == "editor"
    user = db.exec(select(User).where(User.email == "new.person@nhs.net")).one()
    assert user.name == "New Person"
    assert check_password_hash(user.password_hash, FIRST_PASSWORD)
    assert "new.person@nhs.net" in client.get("/admin/members").get_data(as_text=True)


def test_an_admin_adds_someone_who_already_has_an_account_elsewhere_without_a_password(client, db, org,
                                                                                         signed_in):
    elsewhere = make_org(db, slug="south", name="South Trust")
    existing = make_member(db, elsewhere, role="admin", email="shared.person@nhs.net")
    signed_in("admin")
    response = client.post("/admin/members/new", data={
        "email": "shared.person@nhs.net", "name": "", "role": "viewer", "password": ""})
    assert response.status_code == 302
    assert members_of(db, org)["shared.person@nhs.net"] == "viewer"
    assert members_of(db, elsewhere)["shared.person@nhs.net"] == "admin"
    db.expire_all()
    # The same account, its password unchanged.
    assert check_password_hash(db.get(User, existing.id).password_hash, PASSWORD)


@pytest.mark.parametrize(("password", "message"), [
    ("", "Enter a first password for this new account"),
    ("short-pass1", "Enter a password of at least 12 characters"),  # 11 characters
])
def test_a_new_person_needs_a_first_password_of_12_characters(client, db, org, signed_in, password, message):
    signed_in("admin")
    response = client.post("/admin/members/new", data={
        "email": "new.person@nhs.net", "name": "", "role": "viewer", "password": password})
    assert response.status_code == 200
    assert message in problem(response)
    assert "new.person@nhs.net" not in members_of(db, org)
    assert db.exec(select(User).where(User.email == "new.person@nhs.net")).first() is None


def test_someone_already_a_member_cannot_be_added_again(client, db, org, signed_in):
    make_member(db, org, role="viewer", email="board.member@nhs.net")
    signed_in("admin")
    response = client.post("/admin/members/new", data={
        "email": "Board.Member@nhs.net", "name": "", "role": "editor", "password": ""})
    assert response.status_code == 200
    assert "board.member@nhs.net is already a member of North Trust" in problem(response)
    assert members_of(db, org)["board.member@nhs.net"] == "viewer"


def test_adding_a_person_needs_an_email_address(client, db, org, signed_in):
    signed_in("admin")
    before = members_of(db, org)
    response = client.post("/admin/members/new", data={
        "email": "", "name": "Nobody", "role": "viewer", "password": FIRST_PASSWORD})
    assert response.status_code == 200
    assert "Enter an email address" in problem(response)
    assert members_of(db, org) == before


def test_an_admin_changes_a_role(client, db, org, signed_in):
    admin = signed_in("admin")
    person = make_member(db, org, role="viewer", email="board.member@nhs.net")
    membership = membership_of(db, person, org)
    form = client.get(f"/admin/members/{membership.id}/role").get_data(as_text=True)
    assert re.search(r'<option (selected value="viewer"|value="viewer" selected)', form)
    response = client.post(f"/admin/members/{membership.id}/role", data={"role": "editor"})
    assert response.status_code == 302
    assert members_of(db, org)["board.member@nhs.net"] == "editor"
    assert "board.member@nhs.net is now Editor (board secretary)." in client.get(
        response.location).get_data(as_text=True)
    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "membership",
                                             AuditEvent.action == "update")).one()
    assert (event.user_id, event.entity_id) == (admin.id, membership.id)


def test_an_admin_can_hand_over_when_there_is_another_admin(client, db, org, signed_in):
    admin = signed_in("admin")
    make_member(db, org, role="admin", email="second.admin@nhs.net")
    mine = membership_of(db, admin, org)
    response = client.post(f"/admin/members/{mine.id}/role", data={"role": "editor"})
    assert response.status_code == 302
    assert members_of(db, org)[admin.email] == "editor"


def test_the_last_admin_cannot_be_demoted(client, db, org, signed_in):
    admin = signed_in("admin")
    make_member(db, org, role="editor")
    mine = membership_of(db, admin, org)
    response = client.post(f"/admin/members/{mine.id}/role", data={"role": "editor"})
    assert response.status_code == 200
    assert "An organisation needs at least one administrator" in problem(response)
    assert members_of(db, org)[admin.email] == "admin"
    # Still an administrator, so the people page still opens.
    assert client.get("/admin/members").status_code == 200


def test_the_last_admin_cannot_be_removed(client, db, org, signed_in):
    admin = signed_in("admin")
    mine = membership_of(db, admin, org)
    response = client.post(f"/admin/members/{mine.id}/remove")
    assert response.status_code == 409
    assert "An organisation needs at least one administrator" in problem(response)
    assert members_of(db, org) == {admin.email: "admin"}


def test_removing_a_member_ends_their_membership_and_tokens_here_only(client, db, org, signed_in):
    signed_in("admin")
    elsewhere = make_org(db, slug="south", name="South Trust")
    person = make_member(db, org, role="planner", email="hr.planner@nhs.net")
    db.add(Membership(organisation_id=elsewhere.id, user_id=person.id, role="viewer"))
    db.commit()
    create_token(session=db, user=person, organisation=org, name="Power BI refresh")
    create_token(session=db, user=person, organisation=org, name="Nightly export")
    _other, _plain = create_token(session=db, user=person, organisation=elsewhere, name="South reports")
    membership = membership_of(db, person, org)

    page = client.get(f"/admin/members/{membership.id}/remove").get_data(as_text=True)
    assert "Remove hr.planner@nhs.net from North Trust?" in page
    response = client.post(f"/admin/members/{membership.id}/remove")

    assert response.status_code == 302
    assert response.location == "/admin/members"
    assert "hr.planner@nhs.net" not in members_of(db, org)
    assert members_of(db, elsewhere) == {"hr.planner@nhs.net": "viewer"}
    tokens = db.exec(select(ApiToken).where(ApiToken.user_id == person.id)).all()
    assert [(t.organisation_id, t.name) for t in tokens] == [(elsewhere.id, "South reports")]
    assert db.get(User, person.id) is not None
    assert "hr.planner@nhs.net removed from the organisation." in client.get(
        response.location).get_data(as_text=True)


def test_a_removed_member_can_no_longer_open_the_organisations_strategies(client, db, org, strategy, signed_in):
    signed_in("admin")
    person = make_member(db, org, role="editor", email="editor@nhs.net")
    client.post(f"/admin/members/{membership_of(db, person, org).id}/remove")

    other = client.application.test_client()
    login(other, "editor@nhs.net")
    assert other.get(f"/strategies/{strategy.id}").status_code in (403, 404)


@pytest.mark.parametrize("role", ["editor", "planner", "contributor", "viewer"])
def test_only_admins_manage_people(client, db, org, signed_in, role):
    signed_in(role)
    person = make_member(db, org, role="viewer")
    membership = membership_of(db, person, org)
    assert client.get("/admin/members").status_code == 403
    assert client.post(f"/admin/members/{membership.id}/role", data={"role": "admin"}).status_code == 403
    assert members_of(db, org)[person.email] == "viewer"
    assert "/admin/members" not in client.get("/strategies").get_data(as_text=True)
