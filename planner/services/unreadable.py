"""A file the importers cannot read at all, refused as a ServiceError, so the pages' unit of work
(planner.web.unit) shows it like any other refusal. It sits under every domain service that reads a file;
planner/services/uploads.py, above them, gathers the readers no domain service has."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from planner.imports.files import ImportRefused
from planner.services import ServiceError


@contextmanager
def refused_as_service_error() -> Iterator[None]:
    """Within the block, an ImportRefused becomes a ServiceError with the same message (no field: the page
    puts it by its file box)."""
    try:
        yield
    except ImportRefused as exc:
        raise ServiceError(exc.message) from exc
