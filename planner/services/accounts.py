"""Organisations, people, memberships, logins and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from functools import lru_cache

from sqlmodel import Session, col, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from planner.config import PASSWORD_HASH_METHOD
from planner.diversity.disclosure import check_public_levels
from planner.diversity.suppression import check_threshold
from planner.models import (
    ApiToken,
    Level,
    LoginAttempt,
    Membership,
    Organisation,
    User,
    utcnow,
)
from planner.objectives.progress import rag_threshold_problems
from planner.permissions import ROLES, allowed, holders
from planner.reference import default_levels
from planner.services import NotFound, ServiceError, finish
from planner.services.audit import record
from planner.services.logins import (
    MAX_EMAIL,
    LoginThrottled,
    account_locked,
    failures,
    normalise_email,
    record_failure,
    user_by_email,
)
from planner.services.passwords import check_password, end_sessions, hash_password

# Sign-in's lower half lives in planner.services.logins (passwords needs it too); its names stay importable here.
__all__ = [
    "EMAIL_RE", "KINDS", "MAX_EMAIL", "SLUG_RE", "TOKEN_PREFIX", "UNKNOWN_EMAILS_FACTOR", "LoginThrottled",
    "account_locked", "add_member", "authenticate", "change_role", "client_hash", "create_organisation",
    "create_token", "dummy_hash", "find_organisation", "known_level_keys", "members_of", "memberships_of",
    "normalise_email", "organisation_by_slug", "person_of", "record_failure", "remove_member", "revoke_token",
    "role_in", "tokens_of", "update_settings", "user_by_email", "user_for_token",
]

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "clp_"
# An address may fail this many times the account limit on emails that have no account before its
# wrong tries are refused unchecked (correct passwords still pass: see authenticate).
UNKNOWN_EMAILS_FACTOR = 4


@lru_cache(maxsize=4)
def dummy_hash(method: str) -> str:
    """A hash made with the same method and cost as real ones, checked for emails without an
    account, so a sign-in takes as long whether or not the account exists."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


KINDS = ("trust", "system")


def create_organisation(*, session: Session, slug: str, name: str, kind: str = "trust",
                        commit: bool = True) -> Organisation:
    """Create an organisation (a tenant) with a unique slug: a trust, or a system (docs/systems.md)."""
    if kind not in KINDS:
        raise ServiceError(f"Kind '{kind}' is not one of {', '.join(KINDS)}", field="kind")
    slug = slug.strip().lower()
    name = name.strip()
    if not SLUG_RE.match(slug):
        raise ServiceError(
            f"Slug '{slug}' must be 1-63 lower-case letters, digits or hyphens, "
            "not starting or ending with a hyphen",
            field="slug",
        )
    if not name:
        raise ServiceError("Enter the organisation's name", field="name")
    if session.exec(select(Organisation).where(Organisation.slug == slug)).first():
        raise ServiceError(f"An organisation with slug '{slug}' already exists", field="slug")
    organisation = Organisation(slug=slug, name=name, kind=kind)
    session.add(organisation)
    session.flush()
    record(session, action="create", entity="organisation", entity_id=organisation.id,
           organisation_id=organisation.id, user_id=None, changes={"slug": slug, "name": name, "kind": kind})
    finish(session, commit)
    return organisation


def find_organisation(session: Session, slug: str) -> Organisation | None:
    """The organisation with this slug (as typed: case and spaces aside), if any. Text that cannot be a slug
    (a NUL byte, 300 characters) finds none without asking the database, which PostgreSQL would refuse."""
    typed = slug.strip().lower()
    if not SLUG_RE.fullmatch(typed):
        return None
    return session.exec(select(Organisation).where(Organisation.slug == typed)).first()


def organisation_by_slug(session: Session, slug: str) -> Organisation:
    """The organisation with this slug, or NotFound."""
    organisation = find_organisation(session, slug)
    if organisation is None:
        raise NotFound(f"No organisation has the slug '{slug}'", field="org")
    return organisation


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ServiceError(
            f"Role '{role}' is not one of {', '.join(ROLES)}", field="role"
        )
    return role


def add_member(
    *,
    session: Session,
    organisation: Organisation,
    email: str,
    role: str,
    name: str = "",
    password: str | None = None,
    actor: User | None = None,
    hash_method: str = PASSWORD_HASH_METHOD, commit: bool = True,
) -> Membership:
    """Give a person a role in an organisation, creating their account if they have none."""
    email = normalise_email(email)
    _check_role(role)
    if not EMAIL_RE.match(email):
        raise ServiceError(f"'{email}' is not an email address: enter one like name@nhs.net", field="email")
    user = user_by_email(session, email)
    if user is None:
        if not password:
            raise ServiceError(
                "Enter a first password for this new account", field="password"
            )
        check_password(password, user_inputs=[email, name.strip()])
        user = User(email=email, name=name.strip(), password_hash=hash_password(password, method=hash_method))
        session.add(user)
        session.flush()
    elif session.exec(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    ).first():
        raise ServiceError(f"{email} is already a member of {organisation.name}", field="email")
    membership = Membership(organisation_id=organisation.id, user_id=user.id, role=role)
    session.add(membership)
    session.flush()
    record(session, action="create", entity="membership", entity_id=membership.id,
           organisation_id=organisation.id, user_id=actor.id if actor else None,
           changes={"email": email, "role": role})
    finish(session, commit)
    return membership


def _admin_count(session: Session, organisation_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(Membership).where(
            Membership.organisation_id == organisation_id,
            col(Membership.role).in_(holders("members.manage")),
        )
    ).one()


def change_role(*, session: Session, membership: Membership, role: str, actor: User) -> None:
    """Change a member's role, keeping at least one administrator."""
    _check_role(role)
    if allowed(membership.role, "members.manage") and not allowed(role, "members.manage") and _admin_count(
        session, membership.organisation_id
    ) <= 1:
        raise ServiceError("An organisation needs at least one administrator", field="role")
    before = membership.role
    membership.role = role
    session.add(membership)
    _end_sessions_of(session, membership.user_id)
    record(session, action="update", entity="membership", entity_id=membership.id,
           organisation_id=membership.organisation_id, user_id=actor.id,
           changes={"role": [before, role]})
    session.commit()


def remove_member(*, session: Session, membership: Membership, actor: User) -> None:
    """Remove a person from the organisation (their account and other memberships remain)."""
    if allowed(membership.role, "members.manage") and _admin_count(session, membership.organisation_id) <= 1:
        raise ServiceError("An organisation needs at least one administrator")
    # Their tokens for this organisation stop working with the membership.
    for token in session.exec(
        select(ApiToken).where(
            ApiToken.user_id == membership.user_id,
            ApiToken.organisation_id == membership.organisation_id,
        )
    ):
        session.delete(token)
    record(session, action="delete", entity="membership", entity_id=membership.id,
           organisation_id=membership.organisation_id, user_id=actor.id,
           changes={"user_id": membership.user_id, "role": membership.role})
    session.delete(membership)
    _end_sessions_of(session, membership.user_id)
    session.commit()


def _end_sessions_of(session: Session, user_id: int | None) -> None:
    # A change of role or removal takes effect at once in every signed-in browser of the person.
    user = session.get(User, user_id)
    if user is not None:
        end_sessions(session=session, user=user, commit=False)


def known_level_keys(session: Session, organisation: Organisation) -> list[str]:
    """Every level key the organisation's strategies use, with the default levels'."""
    keys = [str(spec["key"]) for spec in default_levels()["levels"]]
    for key in session.exec(select(Level.key).where(Level.organisation_id == organisation.id)):
        if key not in keys:
            keys.append(key)
    return keys


def update_settings(*, session: Session, organisation: Organisation, suppression_threshold: int,
                    rag_amber_below: float, rag_red_below: float, actor: User,
                    public_levels: str | None = None) -> None:
    """Change the organisation's small-number suppression threshold, the levels whose composition is
    public (comma-separated level keys; None keeps them) and the RAG thresholds (shares, 0 to 1)."""
    try:
        check_threshold(suppression_threshold)
    except ValueError as exc:
        raise ServiceError(str(exc), field="suppression_threshold") from exc
    if public_levels is None:
        public_levels = organisation.public_levels
    else:
        try:
            public_levels = ", ".join(check_public_levels(public_levels, known_level_keys(session, organisation)))
        except ValueError as exc:
            raise ServiceError(str(exc), field="public_levels") from exc
    for field, message in rag_threshold_problems(rag_amber_below, rag_red_below):
        raise ServiceError(message, field=f"rag_{field}")
    before = {"suppression_threshold": organisation.suppression_threshold,
              "public_levels": organisation.public_levels,
              "rag_amber_below": organisation.rag_amber_below, "rag_red_below": organisation.rag_red_below}
    after = {"suppression_threshold": suppression_threshold, "public_levels": public_levels,
             "rag_amber_below": rag_amber_below, "rag_red_below": rag_red_below}
    organisation.suppression_threshold = suppression_threshold
    organisation.public_levels = public_levels
    organisation.rag_amber_below, organisation.rag_red_below = rag_amber_below, rag_red_below
    session.add(organisation)
    record(session, action="update", entity="organisation", entity_id=organisation.id,
           organisation_id=organisation.id, user_id=actor.id,
           changes={k: [before[k], v] for k, v in after.items() if k != "public_levels" or v != before[k]})
    session.commit()


def members_of(session: Session, organisation: Organisation) -> list[tuple[Membership, User]]:
    """Everyone in the organisation with their membership, by email."""
    query = (select(Membership, User).join(User, col(User.id) == Membership.user_id)
             .where(Membership.organisation_id == organisation.id).order_by(User.email))
    return [(membership, user) for membership, user in session.exec(query)]


def person_of(session: Session, membership: Membership) -> User:
    """The person a membership belongs to (a membership never outlives its person)."""
    user = session.get(User, membership.user_id)
    assert user is not None  # membership.user_id is a foreign key to user
    return user


def memberships_of(session: Session, user: User) -> list[tuple[Membership, Organisation]]:
    """The user's memberships with their organisations, by organisation name."""
    rows = session.exec(
        select(Membership, Organisation)
        .join(Organisation, col(Organisation.id) == Membership.organisation_id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.name)
    ).all()
    return [(m, o) for m, o in rows]


def role_in(session: Session, user: User, organisation_id: int) -> str | None:
    """The user's role in the organisation, or None if not a member."""
    membership = session.exec(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation_id
        )
    ).first()
    return membership.role if membership else None


def client_hash(secret_key: str, address: str) -> str:
    """A keyed hash of a client address, so throttling never stores the address itself."""
    return hashlib.sha256(f"{secret_key}:{address}".encode()).hexdigest()


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    client: str,
    max_failures: int,
    window_minutes: int,
    hash_method: str = PASSWORD_HASH_METHOD,
) -> User | None:
    """Check a sign-in. Failures are counted per account, so one address failing on other accounts
    never refuses this account's correct password.

    - An account with `max_failures` failures in the window is locked: no password is checked, the
      correct one included (otherwise the lock would not stop guessing), until the window passes.
    - An address with many failures on emails that have no account is throttled: from it, every
      wrong password (known account or not, so the answer names no account) is refused as
      throttled, while a correct password for a real account still signs in.
    Known and unknown emails cost one hash check of the same method, so timing names no account."""
    typed = normalise_email(email)
    # No account's address is longer than its column; a longer one is counted cut short.
    email = typed[:MAX_EMAIL]
    since = utcnow() - timedelta(minutes=window_minutes)
    wait = f"Too many failed sign-in attempts. Wait {window_minutes} minutes and try again."
    if account_locked(session=session, email=email, max_failures=max_failures, window_minutes=window_minutes):
        raise LoginThrottled(wait)
    user = user_by_email(session, typed)
    ok = check_password_hash(user.password_hash if user else dummy_hash(hash_method), password)
    ok = ok and user is not None and user.active
    session.add(LoginAttempt(email=email, client_hash=client, succeeded=bool(ok)))
    if ok and user is not None:
        user.last_login_at = utcnow()
        if user.password_hash.split("$", 1)[0] != dummy_hash(hash_method).split("$", 1)[0]:
            # Made with an older (cheaper) method: store it at today's cost while we have it.
            user.password_hash = hash_password(password, method=hash_method)
        session.add(user)
        session.commit()
        return user
    unknown_failures = failures(
        session, LoginAttempt.client_hash == client, LoginAttempt.at >= since,
        col(LoginAttempt.email).not_in(select(User.email)),
    )
    session.commit()
    if unknown_failures >= max_failures * UNKNOWN_EMAILS_FACTOR:
        raise LoginThrottled(wait)
    return None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    *, session: Session, user: User, organisation: Organisation, name: str
) -> tuple[ApiToken, str]:
    """Create an API token; the plain token is returned once and only its hash is kept."""
    name = name.strip() or "API token"
    if role_in(session, user, organisation.id) is None:
        raise ServiceError(f"{user.email} is not a member of {organisation.name}")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation_id=organisation.id,
        user_id=user.id,
        name=name[:100],
        token_hash=_token_hash(plain),
        prefix=plain[: len(TOKEN_PREFIX) + 4],
    )
    session.add(token)
    session.flush()
    record(session, action="create", entity="api_token", entity_id=token.id,
           organisation_id=organisation.id, user_id=user.id, changes={"name": token.name})
    session.commit()
    return token, plain


def tokens_of(session: Session, user: User, organisation: Organisation) -> list[ApiToken]:
    """The person's tokens for the organisation, the newest first (revoked ones too)."""
    return list(session.exec(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.organisation_id == organisation.id)
        .order_by(col(ApiToken.created_at).desc())
    ))


def revoke_token(*, session: Session, token: ApiToken, actor: User) -> None:
    """Revoke a token: it stops working at once."""
    token.revoked_at = utcnow()
    session.add(token)
    record(session, action="revoke", entity="api_token", entity_id=token.id,
           organisation_id=token.organisation_id, user_id=actor.id)
    session.commit()


def user_for_token(*, session: Session, token: str) -> tuple[User, ApiToken] | None:
    """The active user behind a live token (and the token), or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = session.exec(select(ApiToken).where(ApiToken.token_hash == _token_hash(token))).first()
    if found is None or found.revoked_at is not None:
        return None
    user = session.get(User, found.user_id)
    if user is None or not user.active or role_in(session, user, found.organisation_id) is None:
        return None
    return user, found
