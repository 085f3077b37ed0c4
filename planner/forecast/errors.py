"""Domain errors of the forecast engine: a refused spec and the problems found in it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a spec: where it is (a JSON path) and what is wrong with it."""

    path: str
    message: str

    def __str__(self) -> str:
        """Render as ``path: message`` (just the message for the whole document)."""
        return f"{self.path}: {self.message}" if self.path else self.message


class SpecError(ValueError):
    """A spec was refused; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))
