"""Who may do what: the one table of permissions by role."""

from __future__ import annotations

ROLES = ("admin", "editor", "planner", "contributor", "viewer")
ROLE_NAMES = {
    "admin": "Administrator",
    "editor": "Editor (board secretary)",
    "planner": "Planner (HR workforce planner)",
    "contributor": "Contributor",
    "viewer": "Viewer (board member)",
}
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
    # Progress check-ins: on any objective, or (contributors) on the ones they own.
    "objectives.check_in": EDITORS,
    "objectives.check_in_own": frozenset({"contributor"}),
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
    # Systems (docs/systems.md): in a system, its own people see what members share, and its
    # administrators invite members; in a member, only administrators accept, leave and share.
    "system.view": ALL_ROLES,
    "system.manage": frozenset({"admin"}),
    "systems.share": frozenset({"admin"}),
}


# Who starts on "My objectives" rather than the list of strategies: people who mostly report progress.
STARTS_ON_MY_OBJECTIVES = frozenset({"contributor"})


def allowed(role: str | None, permission: str) -> bool:
    """Whether a role holds a permission (no role holds nothing)."""
    return role is not None and role in PERMISSIONS[permission]


def holders(permission: str) -> frozenset[str]:
    """The roles that hold a permission."""
    return PERMISSIONS[permission]


def may_check_in(role: str | None, *, owns: bool) -> bool:
    """Whether someone with this role may record progress on an objective (`owns`: they are its owner)."""
    return allowed(role, "objectives.check_in") or (owns and allowed(role, "objectives.check_in_own"))


def starts_on_my_objectives(role: str | None) -> bool:
    """Whether someone with this role lands on "My objectives" when they sign in."""
    return role in STARTS_ON_MY_OBJECTIVES
