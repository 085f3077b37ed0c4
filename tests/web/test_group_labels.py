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
    assert "Black, Asian and minority ethnic (BME)" not in page
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
        "Black, Asian and minority ethnic (BME)")
