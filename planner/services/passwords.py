"""Passwords: the one strength rule, and setting a password (one's own, an administrator's reset,
the command line), each of which ends the person's other sessions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from planner.config import PASSWORD_HASH_METHOD
from planner.models import Membership, Organisation, User
from planner.services import ServiceError
from planner.services.audit import record
from planner.services.logins import LoginThrottled, account_locked, record_failure, user_by_email

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256  # far beyond any passphrase; bounds the work of hashing a form's value
MIN_SCORE = 3  # zxcvbn's 0-4: 3 is "safely unguessable" against an online attack and a slow hash
# zxcvbn refuses longer input (its matching grows fast with length); the rest only adds strength.
_ZXCVBN_MAX = 72
# NCSC advice, shown on every form that sets a password.
ADVICE = ("Use three random words, for example 'coffee train fish' – easy to remember and hard to guess. "
          f"At least {MIN_PASSWORD_LENGTH} characters; avoid names, dates and words about the NHS or your trust.")


def check_password(password: str, *, user_inputs: Iterable[str] = (), field: str = "password") -> None:
    """Refuse a password that is too short, too long or easy to guess, saying why in plain words.

    `user_inputs` (the person's email and name) count as guessable words."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Enter a password of at least {MIN_PASSWORD_LENGTH} characters", field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ServiceError(f"Enter a password of at most {MAX_PASSWORD_LENGTH} characters", field=field)
    user_inputs = list(user_inputs)
    words: list[str] = []
    for given in user_inputs:
        # The address whole and in pieces: 'jo.bloggs@nhs.net' -> jo, bloggs, nhs, net.
        words.append(given.lower())
        words.extend(re.split(r"[^a-z]+", given.lower()))
    # The words of a name (not an address's, which may be a role like 'admin'): zxcvbn counts any
    # three pieces as strong enough, but a name is the first thing anyone tries.
    names = {word for given in user_inputs if "@" not in given for word in re.split(r"[^a-z]+", given.lower())
             if len(word) >= 4}
    if any(word in password.lower() for word in names):
        raise ServiceError("Choose a password that is harder to guess. It contains the person's name. "
                           "Three random words make a strong password.", field=field)
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[w for w in words if w] + ["nhs", "trust", "planner"])
    if result["score"] >= MIN_SCORE:
        return
    feedback = result["feedback"]
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        reason = "It is too like the person's name or email address, or the NHS."
    else:
        reason = feedback.get("warning") or "It would be easy to guess."
    hints = " ".join(feedback.get("suggestions") or [])
    raise ServiceError(
        f"Choose a password that is harder to guess. {reason} {hints}".strip()
        + " Three random words make a strong password.",
        field=field,
    )


def user_inputs_of(user: User | None, *, email: str = "", name: str = "") -> list[str]:
    """The words of a person a password should not be built from."""
    if user is not None:
        email, name = user.email, user.name
    return [text for text in (email, name) if text]


def hash_password(password: str, *, method: str = PASSWORD_HASH_METHOD) -> str:
    """The stored form of a password (it never leaves this module in plain text)."""
    return generate_password_hash(password, method=method)


def end_sessions(*, session: Session, user: User, commit: bool = True) -> int:
    """End every signed-in session of the person (the signed cookies carry the old version); the new version."""
    user.session_version = (user.session_version or 0) + 1
    session.add(user)
    if commit:
        session.commit()
    else:
        session.flush()
    return user.session_version


def _organisations_of(session: Session, user: User) -> list[int]:
    return [org_id for org_id in session.exec(
        select(Membership.organisation_id).where(Membership.user_id == user.id)
    ) if org_id is not None]


def _set(*, session: Session, user: User, password: str, hash_method: str, action: str,
         actor: User | None, organisation_ids: Iterable[int | None]) -> int:
    """Store the new password, end the person's sessions, audit it in each organisation named; commit."""
    user.password_hash = hash_password(password, method=hash_method)
    version = end_sessions(session=session, user=user, commit=False)
    for organisation_id in organisation_ids:
        # The audit says that it changed and who changed it; never anything of the password.
        record(session, action=action, entity="password", entity_id=user.id, organisation_id=organisation_id,
               user_id=actor.id if actor else None, changes={"person": user.email})
    session.commit()
    return version


def change_own_password(*, session: Session, user: User, current_password: str, new_password: str,
                        client: str, max_failures: int, window_minutes: int,
                        hash_method: str = PASSWORD_HASH_METHOD) -> int:
    """Change one's own password after checking the current one; every other session ends.

    A wrong current password counts as a failed sign-in (a borrowed session cannot guess it
    unthrottled). Returns the new session version, for the session that made the change to keep."""
    if account_locked(session=session, email=user.email, max_failures=max_failures, window_minutes=window_minutes):
        raise LoginThrottled(f"Too many wrong passwords. Wait {window_minutes} minutes and try again.")
    if not check_password_hash(user.password_hash, current_password):
        record_failure(session=session, email=user.email, client=client)
        session.commit()
        raise ServiceError("Your current password is not right", field="current_password")
    if new_password == current_password:
        raise ServiceError("Choose a new password different from your current one", field="new_password")
    check_password(new_password, user_inputs=user_inputs_of(user), field="new_password")
    return _set(session=session, user=user, password=new_password, hash_method=hash_method, action="change",
                actor=user, organisation_ids=_organisations_of(session, user) or [None])


def other_organisations(session: Session, user: User, organisation: Organisation) -> bool:
    """Whether the person belongs to any organisation besides this one."""
    return any(org_id != organisation.id for org_id in _organisations_of(session, user))


def reset_password(*, session: Session, user: User, organisation: Organisation, new_password: str,
                   actor: User, hash_method: str = PASSWORD_HASH_METHOD) -> None:
    """An administrator sets a member's password; every session of the member ends."""
    if user.id == actor.id:
        raise ServiceError("Change your own password under Your account, with your current password",
                           field="new_password")
    if other_organisations(session, user, organisation):
        # Otherwise an administrator of one trust could take over the person's role in another.
        raise ServiceError(f"{user.email} also belongs to another organisation, so only they (or the "
                           "service's operator) can change their password", field="new_password")
    check_password(new_password, user_inputs=user_inputs_of(user), field="new_password")
    _set(session=session, user=user, password=new_password, hash_method=hash_method, action="reset",
         actor=actor, organisation_ids=[organisation.id])


def set_password(*, session: Session, email: str, password: str, hash_method: str = PASSWORD_HASH_METHOD) -> User:
    """The operator sets anyone's password (the command line); every session of the person ends."""
    user = user_by_email(session, email)
    if user is None:
        raise ServiceError(f"No account has the email address '{email.strip()}'", field="email")
    check_password(password, user_inputs=user_inputs_of(user))
    _set(session=session, user=user, password=password, hash_method=hash_method, action="reset",
         actor=None, organisation_ids=_organisations_of(session, user) or [None])
    return user
