"""An organisation names diversity groups in its own words, and every page uses them."""

from __future__ import annotations

from planner.models import DiversityCount, GroupLabel
from tests import factories


def _settings_form(threshold: str = "7", **labels: str) -> dict[str, str]:
    from planner.diversity.characteristics import CHARACTERISTICS

    form = {"suppression_threshold": threshold}
    for c in CHARACTERISTICS:
        for g in c.groups:
            form[f"label-{c.key}-{g.key}"] = labels.get(f"{c.key}-{g.key}", g.name)
    return form


def test_a_renamed_group_shows_on_the_diversity_page(client, db, org, strategy, signed_in) -> None:
    area = factories.make_area(db, strategy, "MED", "Medicine")
    factories.set_baseline(db, strategy, area, staff=400, fte=380, frontline=40)
    level = factories.level(db, strategy, "frontline")
    for group, n in (("white", 25), ("bme", 15)):
        db.add(DiversityCount(organisation_id=org.id, strategy_id=strategy.id, area_id=area.id, level_id=level.id,
                              characteristic="ethnicity", group_key=group, count=n))
    db.commit()
    signed_in("admin")
    response = client.post("/admin/settings", data=_settings_form(**{"ethnicity-bme": "Global majority"}))
    assert response.status_code == 302
    page = client.get(f"/strategies/{strategy.id}/diversity").get_data(as_text=True)
    assert "Global majority" in page
    assert "Black and minority ethnic (BME)" not in page
    from sqlmodel import select

    assert [(r.characteristic, r.group_key, r.label) for r in db.exec(select(GroupLabel))] == [
        ("ethnicity", "bme", "Global majority")]


def test_setting_a_name_back_to_the_standard_one_removes_it(client, db, org, signed_in) -> None:
    signed_in("admin")
    client.post("/admin/settings", data=_settings_form(**{"sex-female": "Women"}))
    client.post("/admin/settings", data=_settings_form())
    from sqlmodel import select

    assert db.exec(select(GroupLabel)).all() == []


def test_bad_threshold_stores_nothing(client, db, org, signed_in) -> None:
    signed_in("admin")
    response = client.post("/admin/settings", data=_settings_form("11", **{"sex-female": "Women"}))
    assert response.status_code == 400
    assert "from 3 to 10" in response.get_data(as_text=True)
    from sqlmodel import select

    assert db.exec(select(GroupLabel)).all() == []
    db.expire_all()
    assert db.get(type(org), org.id).suppression_threshold == 7


def test_names_are_per_organisation(client, db, org, signed_in) -> None:
    from planner.services.diversity import named

    other = factories.make_org(db, slug="other")
    signed_in("admin")
    client.post("/admin/settings", data=_settings_form(**{"ethnicity-bme": "Ethnic minority"}))
    assert next(g.name for g in named(db, org.id, "ethnicity").groups if g.key == "bme") == "Ethnic minority"
    assert next(g.name for g in named(db, other.id, "ethnicity").groups if g.key == "bme") == (
        "Black and minority ethnic (BME)")


def test_rag_thresholds_are_settings_that_change_an_objectives_rating(client, db, org, strategy, signed_in) -> None:
    from datetime import date, timedelta

    from planner.models import CheckIn, Objective

    today = date.today()
    objective = Objective(organisation_id=org.id, strategy_id=strategy.id, ref="T1", level="team",
                          title="Halve agency use on the ward", measure_kind="target", baseline=0, target=100,
                          start=today - timedelta(days=50), due=today + timedelta(days=50))
    db.add(objective)
    db.commit()
    db.add(CheckIn(organisation_id=org.id, objective_id=objective.id, on=today, value=40))  # 40% of 50% expected
    db.commit()
    signed_in("admin")
    api = f"/api/v1/strategies/{strategy.id}/objectives"
    assert client.get(api).get_json()["objectives"][0]["rag"] == "amber"  # 0.8: below 0.9, above 0.7
    bad = client.post("/admin/settings", data={**_settings_form(), "rag_amber_below": "60", "rag_red_below": "85"})
    assert bad.status_code == 400 and "cannot be higher than amber" in bad.get_data(as_text=True)
    ok = client.post("/admin/settings", data={**_settings_form(), "rag_amber_below": "95", "rag_red_below": "85"})
    assert ok.status_code == 302
    assert client.get(api).get_json()["objectives"][0]["rag"] == "red"  # 0.8 is now below red's 0.85


def test_the_page_and_the_service_refuse_thresholds_with_the_engines_words(client, db, org, signed_in) -> None:
    import pytest

    from planner.services import ServiceError
    from planner.services.accounts import update_settings

    admin = signed_in("admin")
    for amber, red, field, message in (("90", "0", "rag_red_below", "Red below must be a percentage above 0"),
                                       ("150", "70", "rag_amber_below", "Amber below must be a percentage above 0"),
                                       ("60", "85", "rag_red_below", "Red below cannot be higher than amber below")):
        page = client.post("/admin/settings", data={**_settings_form(), "rag_amber_below": amber, "rag_red_below": red})
        assert page.status_code == 400 and message in page.get_data(as_text=True)
        with pytest.raises(ServiceError, match=message) as refused:
            update_settings(session=db, organisation=org, suppression_threshold=7, rag_amber_below=float(amber) / 100,
                            rag_red_below=float(red) / 100, actor=admin)
        assert refused.value.field == field
    db.refresh(org)
    assert (org.rag_amber_below, org.rag_red_below) == (0.9, 0.7)
