"""The WTForms forms of the systems' partnership objectives (docs/systems.md): the boxes are read as typed and
parsed by the view (planner.web.fields); the forms carry the CSRF token and an edit's version."""

from __future__ import annotations

from planner.web.fields import TextBox
from planner.web.forms import ConfirmForm, EditForm

# The boxes of a system objective's form, in the order the page shows them.
SYSTEM_OBJECTIVE_BOXES = ("ref", "title", "description", "start", "due")


class SystemObjectiveForm(ConfirmForm):
    """A system's partnership objective: its reference, title, description, start and due dates."""

    ref = TextBox()
    title = TextBox()
    description = TextBox()
    start = TextBox()
    due = TextBox()


class SystemObjectiveEditForm(SystemObjectiveForm, EditForm):
    """A system objective that exists: the same boxes, and the version they were read at."""


class ObjectiveLinkForm(ConfirmForm):
    """A member's link: which of the system's objectives, which of its own strategic objectives, and a weight."""

    system_objective = TextBox()
    objective = TextBox()
    weight = TextBox()
