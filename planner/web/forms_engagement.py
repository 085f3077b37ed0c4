"""WTForms forms of the pages whose boxes are hand-written HTML (consultations, surveys, objectives,
competencies, settings, approval): each names the boxes a page posts, so the view reads `form.x.data`
after `form.validate_on_submit()` rather than the request. The boxes hold the text as typed; numbers
and dates are read from it by planner.web.fields' parsers, which word each problem as the page shows it."""

from __future__ import annotations

from typing import Any

from wtforms import Field
from wtforms.widgets import TextInput

from planner.web.forms import ConfirmForm, EditForm


class Text(Field):
    """A box's text as posted: `missing` (the empty text unless told) when the box was not sent at all,
    never a stored record's value (an edit form is given the record for its version only)."""

    widget = TextInput()
    data: str | None

    def __init__(self, *args: Any, missing: str | None = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.missing = missing

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = str(valuelist[0]) if valuelist else self.missing

    @property
    def text(self) -> str:
        """The text posted, empty when none was."""
        return self.data or ""

    def _value(self) -> str:
        return self.text


def _text(field: Field) -> str:
    """A Text box's text (the form's fields, looked up by name, are typed as any field)."""
    assert isinstance(field, Text)
    return field.text


class Chosen(Field):
    """The values of the ticked boxes that share a name, in the order posted (what they mean is the
    service's to check)."""

    data: list[str]

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [str(value) for value in valuelist]


# --- the Consult step ---------------------------------------------------------------------------------

class ConsultationForm(ConfirmForm):
    title = Text()
    sections = Chosen()
    audiences = Chosen()
    opens_on = Text()
    closes_on = Text()


class ConsultationEditForm(ConsultationForm, EditForm):
    """A consultation that exists: the same boxes, and the version they were read at."""


class CommentForm(ConfirmForm):
    """A comment, by a signed-in member or through the consultation's link (the name only there)."""

    section = Text()
    audience = Text()
    body = Text()
    author_name = Text()
    author_role = Text()


class ResponseForm(EditForm):
    response = Text()
    changed = Text()
    themes = Text()


class HideForm(ConfirmForm):
    reason = Text()


class EventForm(ConfirmForm):
    held_on = Text()
    audience = Text()
    format = Text()
    participants = Text()
    summary = Text()


class EventEditForm(EventForm, EditForm):
    """An engagement event that exists: the same boxes, and the version they were read at."""


# --- the Discover step's surveys ----------------------------------------------------------------------

class SurveyForm(ConfirmForm):
    name = Text()
    closes_on = Text()
    # A form without a mode (a script written before there were modes) makes an open-link survey.
    mode = Text(missing="open")


class CodesForm(ConfirmForm):
    count = Text()
    output = Text()


class GroupsForm(ConfirmForm):
    groups = Text()


class StatusForm(ConfirmForm):
    status = Text()


class AnswerForm(ConfirmForm):
    """A survey's answers: the group and the invitation code here; the statements' boxes are named by
    the survey's items, so the view reads those from the request."""

    code = Text()
    group = Text()


# --- objectives ---------------------------------------------------------------------------------------

class CheckInForm(ConfirmForm):
    value = Text()
    on = Text()
    done = Text()
    confidence = Text()
    note = Text()


# The objective form's text boxes, read as typed (trimmed); its three choices of a record are read apart.
OBJECTIVE_BOXES = ("ref", "title", "description", "level", "measure_kind", "baseline", "target", "range_low",
                   "range_high", "unit", "start", "due", "weight", "confidence", "confidence_reason", "owner_name",
                   "link_kind", "link_ref", "rag_override", "rag_reason", "status")


class ObjectiveForm(ConfirmForm):
    ref = Text()
    title = Text()
    description = Text()
    level = Text()
    measure_kind = Text()
    baseline = Text()
    target = Text()
    range_low = Text()
    range_high = Text()
    unit = Text()
    start = Text()
    due = Text()
    weight = Text()
    confidence = Text()
    confidence_reason = Text()
    owner_name = Text()
    link_kind = Text()
    link_ref = Text()
    rag_override = Text()
    rag_reason = Text()
    status = Text()
    parent_id = Text()
    area_id = Text()
    owner_user_id = Text()

    def typed(self) -> dict[str, Any]:
        """The text boxes as the objectives service takes them: trimmed."""
        return {name: _text(self[name]).strip() for name in OBJECTIVE_BOXES}


class ObjectiveEditForm(ObjectiveForm, EditForm):
    """An objective that exists: the same boxes, and the version they were read at."""


# --- competencies and the development plan ------------------------------------------------------------

class CompetencyForm(ConfirmForm):
    name = Text()
    kind = Text()
    description = Text()
    domain = Text()


class CompetencyEditForm(CompetencyForm, EditForm):
    """A competency that exists: the same boxes, and the version they were read at."""


class InterventionForm(ConfirmForm):
    name = Text()
    kind = Text()
    places_per_year = Text()
    cost_per_place = Text()
    first_year = Text()
    last_year = Text()
    targets = Chosen()


class InterventionEditForm(InterventionForm, EditForm):
    """An intervention that exists: the same boxes, and the version they were read at."""


# --- the organisation's settings, its switch, approval and uploads ------------------------------------

class SettingsForm(ConfirmForm):
    """The settings page's fixed boxes; the group names' boxes (one a characteristic and group) are read
    from the request by the view."""

    suppression_threshold = Text()
    public_levels = Text(missing=None)  # not sent: the public levels are left as they are
    rag_amber_below = Text()
    rag_red_below = Text()

    def rag_threshold(self, key: str) -> str:
        """The RAG threshold typed for `key` (a key of planner.objectives.progress's thresholds)."""
        return _text(self[f"rag_{key}"])


class SwitchForm(ConfirmForm):
    organisation_id = Text()


class DecisionForm(ConfirmForm):
    meeting_date = Text()
    minute = Text()
    decision = Text()
    notes = Text()

    def typed(self) -> dict[str, str]:
        """The decision's boxes as typed, as the approval service takes them."""
        return {name: _text(self[name]) for name in ("meeting_date", "minute", "decision", "notes")}


class UploadForm(ConfirmForm):
    """An import page's post: the file itself is read from the request's files; the sheet named here."""

    sheet = Text()
