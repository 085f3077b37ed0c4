"""The WTForms forms of the workforce pages (scenarios, diversity targets, succession, evidence, systems,
structure, establishment and board terms) whose boxes have fixed names. The pages keep their hand-written
HTML and its box names; the view reads `form.x.data` after `form.validate_on_submit()` and parses it with
planner.web.fields' parsers, so every message stays the one the page has always shown. Only the grids,
whose box names are built from data (a box per area and level), still read request.form."""

from __future__ import annotations

from wtforms import Form, FormField

from planner.services.uploads import EXTRACT_COLUMNS
from planner.web.fields import TextBox
from planner.web.forms import AreaForm, EditForm
from planner.web.typed import FlaskForm


class SheetForm(FlaskForm):
    """An upload page's form: the file is read from request.files; the sheet of a workbook to read."""

    sheet = TextBox()


def _column_boxes() -> type[Form]:
    """A form of one box per column the staff extract's reader takes, each named by its column."""
    return type("ColumnMapForm", (Form,), {column: TextBox() for column in EXTRACT_COLUMNS})


class ExtractForm(SheetForm):
    """The staff extract's upload: the heading of the file's own that each column the import reads is under
    (the boxes map-COLUMN), and whether rows with problems are skipped."""

    column_map = FormField(_column_boxes(), name="map", separator="-")
    skip_bad_rows = TextBox()

    def mapping(self) -> dict[str, str]:
        """Each column given a heading of the file's own, to that heading (the boxes left empty are left out)."""
        typed = {column: str(self.column_map[column].data).strip() for column in EXTRACT_COLUMNS}
        return {column: heading for column, heading in typed.items() if heading}


class OverrideForm(FlaskForm):
    """One area and level's rates that differ from the level's, or `action` clear to remove them."""

    area_id = TextBox()
    level_id = TextBox()
    action = TextBox()
    leaver_rate = TextBox()
    ready_rate = TextBox()
    internal_fill_max = TextBox()


class UncertaintyForm(EditForm):
    """A scenario's uncertainty bands: on or off, how many simulations, and the seed."""

    bands = TextBox()
    simulations = TextBox()
    seed = TextBox()


class ScenarioForm(FlaskForm):
    """A new scenario: its name and description, or the scenario it copies."""

    copy_from = TextBox()
    name = TextBox()
    description = TextBox()


class ScenarioEditForm(EditForm):
    """A scenario's name and description, and the version they were read at."""

    name = TextBox()
    description = TextBox()


class TargetForm(FlaskForm):
    """A diversity target: the group (characteristic:group), the level (empty for all leaders) and figures."""

    group = TextBox()
    level_id = TextBox()
    target_share = TextBox()
    target_year = TextBox()
    leaver_rate_ratio = TextBox()
    current_appointment_share = TextBox()
    pipeline_share = TextBox()


class TargetEditForm(TargetForm, EditForm):
    """A target that exists: the same boxes, and the version they were read at."""


class SuccessionForm(FlaskForm):
    """A row of the succession register: its area and level (chosen when adding) and its figures (the
    successor pool's boxes, one per characteristic and group, are a grid: request.form)."""

    area = TextBox()
    level = TextBox()
    critical_roles = TextBox()
    ready_now = TextBox()
    ready_1_2 = TextBox()
    ready_3_5 = TextBox()


class SuccessionEditForm(SuccessionForm, EditForm):
    """A row that exists: the same boxes, and the version they were read at."""


class LeaversForm(FlaskForm):
    """The leavers extract's period (the file itself is read from request.files)."""

    period_start = TextBox()
    period_end = TextBox()


class ApplyForm(FlaskForm):
    """The scenario to put the measured rates on."""

    scenario = TextBox()


class InviteForm(FlaskForm):
    """The short name (slug) of the trust a system invites."""

    member = TextBox()


class ShareForm(FlaskForm):
    """What a member shares with a system: the system (its slug), the approved version (strategy-number)
    and, optionally, a scenario's name."""

    system = TextBox()
    version = TextBox()
    scenario = TextBox()


class AreaAddForm(AreaForm):
    """A new area, and whether the page opens again for another ('Add and add another')."""

    another = TextBox()


class MoveForm(FlaskForm):
    """A level's move: up or down."""

    direction = TextBox()


class SeatForm(FlaskForm):
    """A board seat and its term of office, as typed (the rules of a seat are planner.diversity.board_terms')."""

    label = TextBox()
    role = TextBox()
    board_type = TextBox()
    term_start = TextBox()
    term_end = TextBox()
    term_number = TextBox()
    max_terms = TextBox()
    term_years = TextBox()


class SeatEditForm(SeatForm, EditForm):
    """A seat that exists: the same boxes, and the version they were read at."""
