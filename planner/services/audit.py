"""The audit trail: who changed what, and when (UTC)."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from planner.models import AuditEvent


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: int | None,
    organisation_id: int | None,
    user_id: int | None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the session; the caller's commit writes it with the change."""
    session.add(
        AuditEvent(
            organisation_id=organisation_id,
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            changes=json.dumps(changes or {}, default=str, sort_keys=True),
        )
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as {field: [before, after]}."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
