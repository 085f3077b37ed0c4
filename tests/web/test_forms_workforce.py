"""The workforce pages' forms (planner/web/forms_workforce.py) read their boxes as the pages always did: a box
left out of a post is empty (never the stored value), and the staff extract's column map is read from its
map-COLUMN boxes."""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session

from planner.models import Scenario, Strategy
from planner.services import scenarios as service
from planner.web.forms_workforce import ExtractForm, ScenarioEditForm
from tests.editing import post_form


def test_a_box_left_out_of_a_post_is_empty_not_the_stored_value(app: Flask) -> None:
    with app.test_request_context(method="POST", data={"description": "Kept"}):
        form = ScenarioEditForm(version=3)
        assert form.validate_on_submit() is False  # no version was sent
        assert (form.name.data, form.description.data) == ("", "Kept")
    with app.test_request_context(method="GET"):
        assert ScenarioEditForm(version=3).name.data == ""


def test_the_column_map_is_read_from_its_map_boxes(app: Flask) -> None:
    data = {"map-Area": "  Department ", "map-Leader": "", "map-Pay Band": "Grade", "sheet": "Staff",
            "skip_bad_rows": "yes"}
    with app.test_request_context(method="POST", data=data):
        form = ExtractForm()
        assert form.validate_on_submit()
        assert form.mapping() == {"Area": "Department", "Pay Band": "Grade"}
        assert (form.sheet.data, form.skip_bad_rows.data) == ("Staff", "yes")


def test_renaming_without_a_name_box_is_refused_and_keeps_the_name(client, db: Session, strategy: Strategy,
                                                                    signed_in) -> None:
    scenario = service.create_scenario(session=db, strategy=strategy, name="Central", actor=None)
    signed_in("planner")
    response = post_form(client, f"/strategies/{strategy.id}/scenarios/{scenario.id}/edit",
                         data={"description": "No name box"})
    assert response.status_code == 400
    db.expire_all()
    assert db.get(Scenario, scenario.id).name == "Central"  # type: ignore[union-attr]
