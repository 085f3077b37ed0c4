"""Reading a person's uploaded file for a strategy: the importers (planner.imports) with the strategy's
areas, levels and band map to match against, and the importers' limits. Nothing is stored here; the
domain services store what was read. The pages reach the importers only through this module or a domain
service's own reader (such as establishment.read_file), so a file that cannot be read at all is refused
with ImportRefused (re-exported here, with the results' types) and one sentence to show."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from planner.imports import ImportRefused, ImportResult, LeaversResult, RowProblem, read_mapping
from planner.imports.assessments import AssessmentsResult
from planner.imports.columns import COLUMNS
from planner.imports.establishment import EstablishmentResult
from planner.imports.responses import ResponsesResult
from planner.imports.succession import SuccessionResult, read_succession
from planner.models import Strategy
from planner.services import evidence, staff_import, succession

__all__ = [
    "AssessmentsResult", "EXTRACT_COLUMNS", "EstablishmentResult", "ImportRefused", "ImportResult",
    "LeaversResult", "ResponsesResult", "RowProblem", "SuccessionResult", "read_leavers", "read_mapping",
    "read_register", "read_start_extract"
]

# Every column the staff extract's reader takes; each can be mapped to the file's own heading.
EXTRACT_COLUMNS = COLUMNS


def read_register(session: Session, strategy: Strategy, data: bytes, filename: str, *,
                  sheet: str | None = None) -> SuccessionResult:
    """A succession register file, read against the strategy's areas (and which are within which) and levels."""
    return read_succession(data, filename, **succession.import_lookups(session, strategy), sheet=sheet)


def read_start_extract(session: Session, strategy: Strategy, data: bytes, filename: str) -> ImportResult:
    """A staff extract at the start of the evidence period, its ages worked out on the period's first day;
    a plainly wrong file (size, kind) is refused before any row is read."""
    staff_import.precheck(data, filename)
    return staff_import.read(session, strategy, data, filename, as_at=evidence.start_as_at(session, strategy))


def read_leavers(session: Session, strategy: Strategy, data: bytes, filename: str, *,
                 period: tuple[date, date] | None) -> LeaversResult | None:
    """A leavers extract over `period` (first and last day); a plainly wrong file (size, kind) is refused
    first, and without a period that is all that is done (None)."""
    staff_import.precheck(data, filename)
    if period is None:
        return None
    return evidence.read_leavers(session, strategy, data, filename, period_start=period[0], period_end=period[1])
