"""Configurable respondent groups of a survey, and an organisation's own competency domains."""

from __future__ import annotations

from sqlmodel import select

from planner.models import Competency, CompetencyDomain, SurveyResponse
from planner.services.surveys import create_survey, groups_of, items_of


def _survey(db, strategy):  # type: ignore[no-untyped-def]
    survey = create_survey(session=db, strategy=strategy, name="Autumn survey", closes_on=None, actor=None)
    survey.status = "open"
    db.add(survey)
    db.commit()
    return survey


def test_groups_can_be_renamed_added_and_offered_on_the_link(client, app, db, strategy, signed_in) -> None:
    survey = _survey(db, strategy)
    signed_in("editor")
    names = [g.name for g in groups_of(db, survey)] + ["Trade union representatives"]
    names[0] = "Board members and governors"
    response = client.post(f"/strategies/{strategy.id}/surveys/{survey.id}/groups", data={"groups": "\n".join(names)})
    assert response.status_code == 302
    db.expire_all()
    stored = groups_of(db, survey)
    assert [g.name for g in stored] == names
    assert stored[0].key == "board"  # a renamed default keeps its key, so results stay comparable
    assert stored[-1].key == "trade_union_representatives"
    page = app.test_client().get(f"/s/{survey.token}").get_data(as_text=True)
    assert "Trade union representatives" in page and "Board members and governors" in page
    answer = app.test_client().post(f"/s/{survey.token}", data={"group": "trade_union_representatives",
                                                                 items_of(db, survey)[0].key: "4"})
    assert answer.status_code == 200
    assert db.exec(select(SurveyResponse)).one().group_key == "trade_union_representatives"


def test_a_group_with_responses_cannot_be_removed(client, app, db, strategy, signed_in) -> None:
    survey = _survey(db, strategy)
    app.test_client().post(f"/s/{survey.token}", data={"group": "patients", items_of(db, survey)[0].key: "3"})
    signed_in("editor")
    keep = [g.name for g in groups_of(db, survey) if g.key != "patients"]
    response = client.post(f"/strategies/{strategy.id}/surveys/{survey.id}/groups", data={"groups": "\n".join(keep)},
                           follow_redirects=True)
    assert "cannot be removed: patients" in response.get_data(as_text=True)
    db.expire_all()
    assert "patients" in {g.key for g in groups_of(db, survey)}


def test_fewer_than_two_groups_or_duplicates_are_refused(client, db, strategy, signed_in) -> None:
    survey = _survey(db, strategy)
    signed_in("editor")
    for text, message in (("Everyone", "at least two respondent groups"), ("Staff\nstaff", "a different name")):
        page = client.post(f"/strategies/{strategy.id}/surveys/{survey.id}/groups", data={"groups": text},
                           follow_redirects=True).get_data(as_text=True)
        assert message in page
    db.expire_all()
    assert len(groups_of(db, survey)) == 6


def test_viewers_cannot_change_groups(client, db, strategy, signed_in) -> None:
    survey = _survey(db, strategy)
    signed_in("viewer")
    assert client.post(f"/strategies/{strategy.id}/surveys/{survey.id}/groups",
                       data={"groups": "A\nB"}).status_code == 403


def test_own_competencies_go_into_named_domains(client, db, org, strategy, signed_in) -> None:
    signed_in("editor")
    client.get(f"/strategies/{strategy.id}/competencies")
    for name, domain in (("Leading digital change", "Digital leadership"), ("Using data well", "digital leadership"),
                         ("Kind conversations", "")):
        assert client.post(f"/strategies/{strategy.id}/competencies/own",
                           data={"name": name, "kind": "generic", "domain": domain}).status_code == 302
    domains = {d.id: d.name for d in db.exec(select(CompetencyDomain).where(CompetencyDomain.key.startswith("own-")))}
    own = db.exec(select(Competency).where(Competency.key.startswith("own-")))
    placed = {c.name: domains[c.domain_id] for c in own}
    assert placed == {"Leading digital change": "Digital leadership", "Using data well": "Digital leadership",
                      "Kind conversations": "Our own competencies"}
    page = client.get(f"/strategies/{strategy.id}/competencies").get_data(as_text=True)
    assert "Digital leadership" in page and "Leading digital change" in page
