"""Use cases. Each takes `session=` and plain arguments, commits once, and writes its audit
record in the same transaction. Problems a user can fix are raised as ServiceError."""

from __future__ import annotations

from sqlmodel import Session


class ServiceError(Exception):
    """A request that cannot be carried out, with a message for the person who made it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self._problems: list[tuple[str, str]] | None = None

    @property
    def problems(self) -> list[tuple[str, str]]:
        """Each problem as (the form field it belongs to, or "", the message): the one problem, unless a
        refusal of several problems at once (a cover sheet, a set of assumptions) has set them all."""
        return self._problems if self._problems is not None else [(self.field or "", self.message)]

    @problems.setter
    def problems(self, every: list[tuple[str, str]]) -> None:
        self._problems = list(every)


class NotFound(ServiceError):
    """The thing asked for does not exist (in this organisation)."""


def finish(session: Session, commit: bool) -> None:
    """Commit, or only flush when the caller is composing a larger transaction of its own."""
    if commit:
        session.commit()
    else:
        session.flush()
