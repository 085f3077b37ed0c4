"""The boxes of the hand-written forms (planner/web/forms_engagement.py) read what was posted and
nothing else: a box left out is empty (or what the page has always taken it to mean), never the
stored record's value, so a post that leaves a box out cannot quietly keep or restore it."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask

from planner.web.forms_engagement import (
    CompetencyEditForm,
    ConsultationForm,
    ObjectiveForm,
    SettingsForm,
    SurveyForm,
)


def test_a_box_left_out_of_an_edit_post_is_empty_not_the_stored_value(app: Flask) -> None:
    stored = SimpleNamespace(name="Stored name", kind="core", description="Stored", version=3)
    with app.test_request_context(method="POST", data={"kind": "own", "version": "3"}):
        form = CompetencyEditForm(obj=stored)
        assert form.validate_on_submit()
        assert (form.name.text, form.kind.text, form.description.text) == ("", "own", "")
        assert form.version.data == 3


def test_ticked_boxes_are_read_in_the_order_posted_and_none_ticked_is_an_empty_list(app: Flask) -> None:
    with app.test_request_context(method="POST", data={"sections": ["vision", "values"], "title": "T"}):
        form = ConsultationForm()
        assert form.validate_on_submit()
        assert form.sections.data == ["vision", "values"]
        assert form.audiences.data == []


def test_boxes_not_sent_keep_their_old_meaning(app: Flask) -> None:
    with app.test_request_context(method="POST", data={"name": "Pulse"}):
        assert SurveyForm().mode.text == "open"  # a script written before there were modes
        assert SettingsForm().public_levels.raw_data == []  # not sent: the public levels are left as they are
    with app.test_request_context(method="POST", data={"mode": "", "public_levels": ""}):
        assert SurveyForm().mode.text == ""
        assert SettingsForm().public_levels.data == ""


def test_an_objectives_text_boxes_are_trimmed(app: Flask) -> None:
    with app.test_request_context(method="POST", data={"ref": "  S1 ", "title": "\tGrow\n", "parent_id": " 4 "}):
        typed = ObjectiveForm().typed()
    assert typed["ref"] == "S1" and typed["title"] == "Grow" and typed["weight"] == ""
    assert "parent_id" not in typed  # a record's id is read apart, through planner.web.fields.record_id
