"""Who may do what: the one table of permissions by role."""

from __future__ import annotations

ROLES = ("admin", "editor", "planner", "contributor", "viewer")
ALL_ROLES = frozenset(ROLES)
EDITORS = frozenset({"admin", "editor"})
DRAFTERS = frozenset({"admin", "editor", "planner"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "strategy.view": ALL_ROLES,
    "strategy.create": EDITORS,
    "scope.edit": EDITORS,
    "structure.edit": DRAFTERS,
    "baseline.edit": DRAFTERS,
    "scenario.edit": DRAFTERS,
    "diversity.edit": DRAFTERS,
    "competencies.edit": DRAFTERS,
    "objectives.manage": EDITORS,
    "surveys.manage": EDITORS | {"planner"},
    # Exact diversity counts: on screen, clearly labelled, and in packs and papers for a Part 2 meeting
    # (planner.diversity.disclosure's internal audience).
    "diversity.unsuppressed": frozenset({"admin", "planner"}),
    "members.manage": frozenset({"admin"}),
    # Consult, approve and keep.
    "comments.write": ALL_ROLES,
    "consultation.manage": EDITORS,
    "strategy.submit": EDITORS,
    "strategy.approve": EDITORS,
    # Comments an editor hid stay readable by administrators only; so does the audit trail.
    "comments.hidden": frozenset({"admin"}),
    "audit.view": frozenset({"admin"}),
}


def allowed(role: str | None, permission: str) -> bool:
    """Whether a role holds a permission (no role holds nothing)."""
    return role is not None and role in PERMISSIONS[permission]
