"""No lost updates: two people open the same edit form, the first saves, and the second's save is
refused with "Someone else changed this while you were editing" and both versions shown; the
first's change stays. One case a record type, in a table."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as default_of
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from planner.models import (
    Area,
    AreaBaseline,
    Comment,
    Competency,
    Consultation,
    DiversityTarget,
    EngagementEvent,
    Intervention,
    Level,
    Objective,
    Organisation,
    RequiredStep,
    Scenario,
    ScenarioLevel,
    Strategy,
)
from planner.services import board_cover, competencies, consultation, diversity
from planner.services import objectives as objective_service
from planner.services import scenarios as scenario_service
from tests import factories
from tests.conftest import login

STALE = "Someone else changed this while you were editing"


class _Form(HTMLParser):
    """The values a browser would send back from the page's form that posts to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.values = action, False, {}  # type: ignore[var-annotated]
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("method", "").lower() == "post" and a.get("action", self.action) == self.action
        elif not self.inside or ("name" not in a and tag != "option"):
            return
        elif tag == "input" and a.get("type", "text") not in ("submit", "button", "checkbox", "radio"):
            self.values[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" in a:
            self.values[a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select is not None and (self._select not in self.values or "selected" in a):
            self.values[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def opened(client: FlaskClient, url: str, action: str | None = None) -> dict[str, str]:
    """Open an edit page and read its form (the one posting to `action`, by default the page itself)
    as a browser would send it back."""
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Form(action or url)
    parser.feed(response.get_data(as_text=True))
    assert "version" in parser.values, f"{url} has no version field"
    return parser.values


def comparison(page: str) -> list[tuple[str, str, str]]:
    """The rows of the 'Saved by someone else / Your change' table."""
    table = re.search(r'id="stale-edit".*?</table>', page, re.S)
    assert table, "no comparison table"
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>', table.group(0),
                      re.S)
    return [tuple(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in row) for row in rows]  # type: ignore[misc]


@dataclass
class Case:
    """A record type: how to make one, its edit page, a box to change, and how to read it back."""

    make: Callable[[Session, Strategy], Any]
    url: Callable[[Strategy, Any], str]
    field: str | Callable[[Session, Strategy, Any], str]
    label: str | Callable[[Session, Strategy, Any], str]
    stored: Callable[[Session, Strategy, Any], Any]
    theirs: str = "Theirs"
    yours: str = "Yours"
    page: Callable[[Strategy, Any], str] | None = None  # where the form is, when it posts elsewhere
    also: dict[str, str] = default_of(default_factory=dict)  # other boxes a person fills in to save at all
    shown: tuple[str, str] | None = None  # theirs and yours as the comparison names them, if not as typed


def _reload(model: type) -> Callable[[Session, Strategy, Any], Any]:
    def read(db: Session, strategy: Strategy, record: Any) -> Any:
        db.expire_all()
        return db.get(model, record.id)
    return read


def _attr(model: type, name: str) -> Callable[[Session, Strategy, Any], Any]:
    return lambda db, strategy, record: getattr(_reload(model)(db, strategy, record), name)


def _objective(db: Session, strategy: Strategy) -> Objective:
    return objective_service.save_objective(session=db, strategy=strategy, actor=None, values={
        "ref": "S1", "title": "Leaders who listen", "level": "strategic", "measure_kind": "none"})


CASES = {
    "scope": Case(lambda db, s: s, lambda s, r: f"/strategies/{s.id}/scope", "vision", "Vision",
                  _attr(Strategy, "vision")),
    "area": Case(lambda db, s: factories.make_area(db, s, "MED", "Medicine"),
                 lambda s, r: f"/strategies/{s.id}/areas/{r.id}/edit", "name", "Name", _attr(Area, "name")),
    "level": Case(lambda db, s: factories.level(db, s, "middle"),
                  lambda s, r: f"/strategies/{s.id}/levels/{r.id}/edit", "name", "Name", _attr(Level, "name")),
    "objective": Case(_objective, lambda s, r: f"/strategies/{s.id}/objectives/{r.id}/edit", "title", "Title",
                      _attr(Objective, "title")),
}


def _scenario(db: Session, strategy: Strategy) -> Scenario:
    return scenario_service.create_scenario(session=db, strategy=strategy, name="Growth", actor=None)


def _middle(db: Session, strategy: Strategy) -> Level:
    return factories.level(db, strategy, "middle")


def _leaver_rate(db: Session, strategy: Strategy, scenario: Any) -> str:
    db.expire_all()
    row = db.exec(select(ScenarioLevel).where(ScenarioLevel.scenario_id == scenario.id,
                                              ScenarioLevel.level_id == _middle(db, strategy).id)).one()
    return f"{row.leaver_rate * 100:g}"


CASES |= {
    "scenario": Case(_scenario, lambda s, r: f"/strategies/{s.id}/scenarios/{r.id}/edit", "name", "Name",
                     _attr(Scenario, "name")),
    "scenario levels": Case(_scenario, lambda s, r: f"/strategies/{s.id}/scenarios/{r.id}/levels",
                            lambda db, s, r: f"leaver_rate-{_middle(db, s).id}", "Middle leaders: leaver rate (%)",
                            _leaver_rate, theirs="12", yours="15"),
    "scenario uncertainty": Case(_scenario, lambda s, r: f"/strategies/{s.id}/scenarios/{r.id}/uncertainty", "seed",
                                 "Seed", lambda db, s, r: str(_attr(Scenario, "seed")(db, s, r)), theirs="7",
                                 yours="8"),
}


def _staff(db: Session, strategy: Strategy, area: Any) -> str:
    db.expire_all()
    row = db.exec(select(AreaBaseline).where(AreaBaseline.area_id == area.id)).first()
    return str(row.staff) if row else ""


CASES |= {
    "baseline grid": Case(lambda db, s: factories.make_area(db, s, "MED", "Medicine"),
                          lambda s, r: f"/strategies/{s.id}/baseline/edit", lambda db, s, r: f"staff-{r.id}",
                          "Medicine: staff headcount", _staff, theirs="120", yours="135"),
}


def _posts(db: Session, strategy: Strategy, area: Any) -> str:
    from planner.services.establishment import establishment_of

    db.expire_all()
    return str(establishment_of(db, strategy).get(area.id, {}).get("middle", ""))


CASES |= {
    "an area's funded establishment": Case(
        lambda db, s: factories.make_area(db, s, "MED", "Medicine"),
        lambda s, r: f"/strategies/{s.id}/baseline/establishment/{r.id}",
        lambda db, s, r: f"posts-{factories.level(db, s, 'middle').id}", "Middle leaders: posts every year", _posts,
        theirs="12", yours="14"),
}


def _target(db: Session, strategy: Strategy) -> DiversityTarget:
    return diversity.save_target(session=db, strategy=strategy, actor=None, values={  # type: ignore[arg-type]
        "characteristic": "ethnicity", "group_key": "bme", "level_id": None, "target_share": 0.2,
        "target_year": 2030})


def _cover(db: Session, strategy: Strategy) -> Strategy:
    board_cover.save_cover(session=db, strategy=strategy, organisation=db.get(Organisation, strategy.organisation_id),  # type: ignore[arg-type]
                           values={"meeting": "Board", "purpose": "approval", "part": "1"}, actor=None)
    return strategy


def _summary(db: Session, strategy: Strategy, record: Any) -> str:
    db.expire_all()
    cover = board_cover.cover_of(db, strategy)
    return cover.executive_summary if cover else ""


CASES |= {
    "diversity target": Case(_target, lambda s, r: f"/strategies/{s.id}/diversity/targets/{r.id}/edit",
                             "target_share", "Target share (%)",
                             lambda db, s, r: f"{_reload(DiversityTarget)(db, s, r).target_share * 100:g}",
                             theirs="25", yours="30"),
    "board cover": Case(_cover, lambda s, r: f"/strategies/{s.id}/approve/cover", "executive_summary",
                        "Executive summary", _summary),
    "board cover, none yet": Case(lambda db, s: s, lambda s, r: f"/strategies/{s.id}/approve/cover",
                                  "executive_summary", "Executive summary", _summary),
}


def _competency(db: Session, strategy: Strategy) -> Competency:
    competencies.ensure_frameworks(db, strategy.organisation_id)
    return competencies.catalogue(db, strategy.organisation_id).all_competencies()[0]


def _intervention(db: Session, strategy: Strategy) -> Intervention:
    competency = _competency(db, strategy)
    return competencies.save_intervention(
        session=db, strategy=strategy, actor=factories.make_member(db, db.get(Organisation, strategy.organisation_id)),  # type: ignore[arg-type]
        values={"name": "Leading together", "kind": "programme", "places_per_year": 10, "cost_per_place": 1500,
                "first_year": 2027, "last_year": 2028},
        targets={(competency.id, _middle(db, strategy).id)})  # type: ignore[arg-type]


CASES |= {
    "competency": Case(_competency, lambda s, r: f"/strategies/{s.id}/competencies/{r.id}/edit", "name", "Name",
                       _attr(Competency, "name")),
    "intervention": Case(_intervention, lambda s, r: f"/strategies/{s.id}/competencies/plan/{r.id}/edit",
                         "places_per_year", "Places a year",
                         lambda db, s, r: str(_attr(Intervention, "places_per_year")(db, s, r)), theirs="12",
                         yours="14"),
}


def _consultation(db: Session, strategy: Strategy) -> Consultation:
    return consultation.create_consultation(session=db, strategy=strategy, title="Our leadership strategy",
                                            sections=["scope"], audiences=["staff"], opens_on=date(2027, 3, 1),
                                            closes_on=date(2027, 3, 31), actor=None)


def _event(db: Session, strategy: Strategy) -> EngagementEvent:
    return consultation.add_event(session=db, strategy=strategy, held_on=date(2027, 3, 2), audience="staff",
                                  format="focus_group", participants=12, summary="Leaders should listen", actor=None)


CASES |= {
    "consultation": Case(_consultation, lambda s, r: f"/strategies/{s.id}/consult/{r.id}/edit", "title", "Title",
                         _attr(Consultation, "title")),
    "engagement event": Case(_event, lambda s, r: f"/strategies/{s.id}/consult/events/{r.id}/edit", "summary",
                             "What you heard", _attr(EngagementEvent, "summary")),
}


def _comment(db: Session, strategy: Strategy) -> Comment:
    return consultation.add_comment(session=db, consultation=_consultation(db, strategy), section="scope",
                                    audience="staff", body="Listen to the night shift", today=date(2027, 3, 2))


def _comment_url(strategy: Strategy, comment: Any) -> str:
    return f"/strategies/{strategy.id}/consult/{comment.consultation_id}/comments/{comment.id}/respond"


CASES["response to a comment"] = Case(
    _comment, _comment_url, "response", "Response", _attr(Comment, "response"),
    page=lambda s, r: f"/strategies/{s.id}/consult/{r.consultation_id}", also={"changed": "yes"})


def _step(db: Session, strategy: Strategy, competency: Any) -> str:
    db.expire_all()
    row = db.exec(select(RequiredStep).where(RequiredStep.strategy_id == strategy.id,
                                             RequiredStep.competency_id == competency.id,
                                             RequiredStep.level_id == _middle(db, strategy).id)).first()
    return str(row.step) if row else ""


CASES["required steps"] = Case(
    _competency, lambda s, r: f"/strategies/{s.id}/competencies/required/hlm",
    lambda db, s, r: f"req-{r.id}-{_middle(db, s).id}", lambda db, s, r: f"{r.name}, Middle leaders", _step,
    theirs="2", yours="4", shown=("2 Proficient", "4 Exemplary"))


@pytest.fixture
def two_editors(app, db: Session, org: Organisation) -> tuple[FlaskClient, FlaskClient]:
    """Two people of the organisation, each signed in on their own browser, both allowed to edit."""
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        login(client, factories.make_member(db, org, role="admin").email)
    return first, second


@pytest.mark.parametrize("kind", list(CASES))
def test_the_second_of_two_saves_from_the_same_form_is_refused_and_shows_both_versions(
        kind: str, db: Session, strategy: Strategy, two_editors: tuple[FlaskClient, FlaskClient]) -> None:
    case = CASES[kind]
    record = case.make(db, strategy)
    url = case.url(strategy, record)
    box, label = (x(db, strategy, record) if callable(x) else x for x in (case.field, case.label))
    page = case.page(strategy, record) if case.page else url
    first, second = two_editors
    mine, yours = opened(first, page, url), opened(second, page, url)

    saved = first.post(url, data={**mine, **case.also, box: case.theirs})
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:2000]
    refused = second.post(url, data={**yours, **case.also, box: case.yours})

    page = refused.get_data(as_text=True)
    assert 400 <= refused.status_code < 500
    assert STALE in page
    assert "<title>Error: " in page
    assert case.stored(db, strategy, record) == case.theirs
    assert (label, *(case.shown or (case.theirs, case.yours))) in comparison(page)
    # Having seen both, saving again knowingly replaces theirs with yours: the page now carries their version.
    again = _Form(url)
    again.feed(page)
    assert second.post(url, data=again.values).status_code in (302, 303)
    assert case.stored(db, strategy, record) == case.yours


@pytest.mark.parametrize("kind", list(CASES))
def test_a_form_sent_without_its_version_is_refused_and_changes_nothing(
        kind: str, db: Session, strategy: Strategy, two_editors: tuple[FlaskClient, FlaskClient]) -> None:
    case = CASES[kind]
    record = case.make(db, strategy)
    url = case.url(strategy, record)
    box = case.field(db, strategy, record) if callable(case.field) else case.field
    client = two_editors[0]
    values = opened(client, case.page(strategy, record) if case.page else url, url)
    before = case.stored(db, strategy, record)
    for version in ("", "x", "0", "9" * 30, "-1", "²"):
        if version == values["version"]:
            continue  # 0 is the cover's version while none is stored
        response = client.post(url, data={**values, **case.also, "version": version, box: case.yours})
        assert 400 <= response.status_code < 500
        body = response.get_data(as_text=True)
        assert "Open the page again" in body or STALE in body
        assert case.stored(db, strategy, record) == before


# --- what the table above does not show --------------------------------------------------------------


def test_a_change_of_only_what_an_intervention_develops_makes_other_open_forms_stale(
        db: Session, strategy: Strategy, two_editors: tuple[FlaskClient, FlaskClient]) -> None:
    intervention = _intervention(db, strategy)
    url = f"/strategies/{strategy.id}/competencies/plan/{intervention.id}/edit"
    first, second = two_editors
    mine, yours = opened(first, url), opened(second, url)
    senior = factories.level(db, strategy, "senior")
    competency = _competency(db, strategy)
    widened = {**mine, "targets": [mine["targets"], f"{competency.id}:{senior.id}"]}
    assert first.post(url, data=widened).status_code == 302

    refused = second.post(url, data={**yours, "name": "Leading together, renamed"})

    page = refused.get_data(as_text=True)
    assert STALE in page
    assert _attr(Intervention, "name")(db, strategy, intervention) == "Leading together"
    rows = {label: (theirs, mine) for label, theirs, mine in comparison(page)}
    assert "Senior leaders" in rows["What it develops"][0] and "Senior leaders" not in rows["What it develops"][1]


def test_an_import_after_the_grid_was_opened_makes_its_save_stale(
        db: Session, strategy: Strategy, two_editors: tuple[FlaskClient, FlaskClient]) -> None:
    from planner.services import staff_import

    area = factories.make_area(db, strategy, "MED", "Medicine")
    url = f"/strategies/{strategy.id}/baseline/edit"
    client = two_editors[0]
    grid = opened(client, url)
    extract = (b"Assignment Number,Area,Pay Band,Leader,FTE\r\n1001,MED,Band 5,N,1.0\r\n1002,MED,Band 5,N,1.0\r\n"
               )
    result = staff_import.read(db, strategy, extract, "staff.csv")
    pending = staff_import.hold(session=db, strategy=strategy, result=result, filename="staff.csv", actor=None)
    staff_import.apply(session=db, strategy=strategy, pending=pending, actor=None)

    refused = client.post(url, data={**grid, f"staff-{area.id}": "40"})

    assert STALE in refused.get_data(as_text=True)
    assert _staff(db, strategy, area) == "2"
    assert ("Medicine: staff headcount", "2", "40") in comparison(refused.get_data(as_text=True))


def test_the_comparison_names_what_an_id_stands_for(
        db: Session, strategy: Strategy, two_editors: tuple[FlaskClient, FlaskClient]) -> None:
    factories.make_area(db, strategy, "MED", "Medicine")
    surgery = factories.make_area(db, strategy, "SUR", "Surgery")
    objective = _objective(db, strategy)
    url = f"/strategies/{strategy.id}/objectives/{objective.id}/edit"
    first, second = two_editors
    mine, yours = opened(first, url), opened(second, url)
    assert first.post(url, data={**mine, "area_id": str(surgery.id)}).status_code == 302

    refused = second.post(url, data={**yours, "title": "Leaders who listen well"})

    rows = comparison(refused.get_data(as_text=True))
    assert ("Area", "Surgery", "The whole organisation") in rows
    assert ("Title", "Leaders who listen", "Leaders who listen well") in rows


def test_a_save_that_loses_a_race_after_its_check_is_refused_the_same_way(
        db: Session, strategy: Strategy, database_url: str) -> None:
    """Two saves both read version 1 and pass the check; the one that commits second is refused by
    SQLAlchemy (StaleDataError), which the service turns into the same refusal, and changes nothing."""
    from planner.db import engine_for
    from planner.services.editing import StaleEdit

    objective = _objective(db, strategy)
    values = {"ref": "S1", "level": "strategic", "measure_kind": "none"}
    with Session(engine_for(database_url), expire_on_commit=False) as one, \
            Session(engine_for(database_url), expire_on_commit=False) as other:
        theirs, mine = one.get(Objective, objective.id), other.get(Objective, objective.id)
        strategy_one, strategy_other = one.get(Strategy, strategy.id), other.get(Strategy, strategy.id)
        objective_service.save_objective(session=one, strategy=strategy_one, objective=theirs, version=1,  # type: ignore[arg-type]
                                         values={**values, "title": "Theirs"}, actor=None)
        with pytest.raises(StaleEdit) as refused:
            objective_service.save_objective(session=other, strategy=strategy_other, objective=mine, version=1,  # type: ignore[arg-type]
                                             values={**values, "title": "Mine"}, actor=None)
    assert STALE in refused.value.message
    assert refused.value.record.title == "Theirs" and refused.value.version == 2
    assert _attr(Objective, "title")(db, strategy, objective) == "Theirs"


def test_a_race_lost_where_no_form_can_show_it_answers_409(app, db: Session, strategy: Strategy) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    @app.route("/race-lost")
    def race_lost() -> str:
        raise StaleDataError("UPDATE statement on table 'objective' expected to update 1 row(s); 0 were matched.")

    response = app.test_client().get("/race-lost")
    assert response.status_code == 409
    assert STALE in response.get_data(as_text=True)
