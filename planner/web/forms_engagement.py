"""WTForms forms of the pages whose boxes are hand-written HTML (consultations, surveys, objectives,
competencies, settings, approval): each names the boxes a page posts, so the view reads `form.x.data`
after `form.validate_on_submit()` rather than the request. The boxes hold the text as typed; numbers
and dates are read from it by planner.web.fields' parsers, which word each problem as the page shows it."""

from __future__ import annotations

from typing import Any

from wtforms import Field

from planner.web.fields import Chosen, TextBox
from planner.web.forms import ConfirmForm, EditForm


def _text(field: Field) -> str:
    """A box's text (the form's fields, looked up by name, are typed as any field)."""
    assert isinstance(field, TextBox)
    return field.text


# --- the Consult step ---------------------------------------------------------------------------------

class ConsultationForm(ConfirmForm):
    title = TextBox()
    sections = Chosen()
    audiences = Chosen()
    opens_on = TextBox()
    closes_on = TextBox()


class ConsultationEditForm(ConsultationForm, EditForm):
    """A consultation that exists: the same boxes, and the version they were read at."""


class CommentForm(ConfirmForm):
    """A comment, by a signed-in member or through the consultation's link (the name only there)."""

    section = TextBox()
    audience = TextBox()
    body = TextBox()
    author_name = TextBox()
    author_role = TextBox()


class ResponseForm(EditForm):
    response = TextBox()
    changed = TextBox()
    themes = TextBox()


class HideForm(ConfirmForm):
    reason = TextBox()


class EventForm(ConfirmForm):
    held_on = TextBox()
    audience = TextBox()
    format = TextBox()
    participants = TextBox()
    summary = TextBox()


class EventEditForm(EventForm, EditForm):
    """An engagement event that exists: the same boxes, and the version they were read at."""


# --- the Discover step's surveys ----------------------------------------------------------------------

class SurveyForm(ConfirmForm):
    name = TextBox()
    closes_on = TextBox()
    # A form without a mode (a script written before there were modes) makes an open-link survey.
    mode = TextBox(missing="open")


class CodesForm(ConfirmForm):
    count = TextBox()
    output = TextBox()


class GroupsForm(ConfirmForm):
    groups = TextBox()


class StatusForm(ConfirmForm):
    status = TextBox()


class AnswerForm(ConfirmForm):
    """A survey's answers: the group and the invitation code here; the statements' boxes are named by
    the survey's items, so the view reads those from the request."""

    code = TextBox()
    group = TextBox()


# --- objectives ---------------------------------------------------------------------------------------

class CheckInForm(ConfirmForm):
    value = TextBox()
    on = TextBox()
    done = TextBox()
    confidence = TextBox()
    note = TextBox()


# The objective form's text boxes, read as typed (trimmed); its three choices of a record are read apart.
OBJECTIVE_BOXES = ("ref", "title", "description", "level", "measure_kind", "baseline", "target", "range_low",
                   "range_high", "unit", "start", "due", "weight", "confidence", "confidence_reason", "owner_name",
                   "link_kind", "link_ref", "rag_override", "rag_reason", "status")


class ObjectiveForm(ConfirmForm):
    ref = TextBox()
    title = TextBox()
    description = TextBox()
    level = TextBox()
    measure_kind = TextBox()
    baseline = TextBox()
    target = TextBox()
    range_low = TextBox()
    range_high = TextBox()
    unit = TextBox()
    start = TextBox()
    due = TextBox()
    weight = TextBox()
    confidence = TextBox()
    confidence_reason = TextBox()
    owner_name = TextBox()
    link_kind = TextBox()
    link_ref = TextBox()
    rag_override = TextBox()
    rag_reason = TextBox()
    status = TextBox()
    parent_id = TextBox()
    area_id = TextBox()
    owner_user_id = TextBox()

    def typed(self) -> dict[str, Any]:
        """The text boxes as the objectives service takes them: trimmed."""
        return {name: _text(self[name]).strip() for name in OBJECTIVE_BOXES}


class ObjectiveEditForm(ObjectiveForm, EditForm):
    """An objective that exists: the same boxes, and the version they were read at."""


# --- competencies and the development plan ------------------------------------------------------------

class CompetencyForm(ConfirmForm):
    name = TextBox()
    kind = TextBox()
    description = TextBox()
    domain = TextBox()


class CompetencyEditForm(CompetencyForm, EditForm):
    """A competency that exists: the same boxes, and the version they were read at."""


class InterventionForm(ConfirmForm):
    name = TextBox()
    kind = TextBox()
    places_per_year = TextBox()
    cost_per_place = TextBox()
    first_year = TextBox()
    last_year = TextBox()
    targets = Chosen()


class InterventionEditForm(InterventionForm, EditForm):
    """An intervention that exists: the same boxes, and the version they were read at."""


# --- the organisation's settings, its switch, approval and uploads ------------------------------------

class SettingsForm(ConfirmForm):
    """The settings page's fixed boxes; the group names' boxes (one a characteristic and group) are read
    from the request by the view."""

    suppression_threshold = TextBox()
    public_levels = TextBox()  # not sent (no raw_data): the public levels are left as they are
    rag_amber_below = TextBox()
    rag_red_below = TextBox()

    def rag_threshold(self, key: str) -> str:
        """The RAG threshold typed for `key` (a key of planner.objectives.progress's thresholds)."""
        return _text(self[f"rag_{key}"])


class SwitchForm(ConfirmForm):
    organisation_id = TextBox()


class DecisionForm(ConfirmForm):
    meeting_date = TextBox()
    minute = TextBox()
    decision = TextBox()
    notes = TextBox()

    def typed(self) -> dict[str, str]:
        """The decision's boxes as typed, as the approval service takes them."""
        return {name: _text(self[name]) for name in ("meeting_date", "minute", "decision", "notes")}


class UploadForm(ConfirmForm):
    """An import page's post: the file itself is read from the request's files; the sheet named here."""

    sheet = TextBox()
