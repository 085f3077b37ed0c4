"""Failed sign-ins: the one lock on an account that has failed too often lately, and finding an account by
its email. It sits under both planner.services.accounts (signing in) and planner.services.passwords (a wrong
current password counts as a failed sign-in), so neither needs the other's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, func, select

from planner.models import LoginAttempt, User, utcnow
from planner.services import ServiceError

MAX_EMAIL = 254  # the length of the email columns


class LoginThrottled(ServiceError):
    """Too many failed sign-ins for this account, or for unknown accounts from this address."""


def normalise_email(email: str) -> str:
    """Emails compare without case or surrounding spaces."""
    return email.strip().lower()


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this email, if any."""
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def failures(session: Session, *conditions: Any) -> int:
    """How many failed sign-ins match the conditions."""
    return session.exec(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.succeeded == False, *conditions  # noqa: E712
        )
    ).one()


def account_locked(*, session: Session, email: str, max_failures: int, window_minutes: int) -> bool:
    """Whether the account (or would-be account) with this email has failed too often lately."""
    since = utcnow() - timedelta(minutes=window_minutes)
    return failures(session, LoginAttempt.email == normalise_email(email), LoginAttempt.at >= since) >= max_failures


def record_failure(*, session: Session, email: str, client: str) -> None:
    """Count a wrong password against the account (the caller commits)."""
    session.add(LoginAttempt(email=normalise_email(email)[:MAX_EMAIL], client_hash=client, succeeded=False))
