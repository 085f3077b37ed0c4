"""The organisation's public levels: set on the settings page, checked against the level keys, and
never suppressed where figures are published."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from planner.models import AuditEvent, DiversityCount, Organisation
from tests import factories


def _form(public_levels: str | None, threshold: str = "7") -> dict[str, str]:
    form = {"suppression_threshold": threshold}
    if public_levels is not None:
        form["public_levels"] = public_levels
    return form


def test_the_board_is_public_by_default_and_the_page_shows_the_setting(client, db: Session, org, signed_in) -> None:
    assert org.public_levels == "board"
    signed_in("admin")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'id="public_levels"' in page and 'value="board"' in page
    assert "Levels whose composition is public" in page


def test_an_administrator_sets_the_public_levels(client, db: Session, org, strategy, signed_in) -> None:
    signed_in("admin")
    response = client.post("/admin/settings", data=_form(" Board,senior , board"))
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Organisation, org.id).public_levels == "board, senior"  # type: ignore[union-attr]
    events = db.exec(select(AuditEvent).where(AuditEvent.entity == "organisation", AuditEvent.action == "update"))
    assert any('"public_levels": ["board", "board, senior"]' in e.changes for e in events)
    assert client.post("/admin/settings", data=_form("")).status_code == 302
    db.expire_all()
    assert db.get(Organisation, org.id).public_levels == ""  # type: ignore[union-attr]


def test_a_level_an_organisation_added_may_be_public(client, db: Session, org, strategy, signed_in) -> None:
    from planner.services import structure

    structure.add_level(session=db, strategy=strategy, key="executive", name="Executive team", description="",
                        actor=factories.make_member(db, org))
    signed_in("admin")
    assert client.post("/admin/settings", data=_form("board, executive")).status_code == 302


@pytest.mark.parametrize(("value", "named"), [
    ("board, trustees", "'trustees'"), ("directors,execs", "'directors', 'execs'"), ("all", "'all'"),
])
def test_unknown_level_keys_are_named_and_nothing_is_saved(client, db: Session, org, strategy, signed_in,
                                                            value: str, named: str) -> None:
    signed_in("admin")
    response = client.post("/admin/settings", data={**_form(value, "5"), "label-sex-female": "Women"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert f"Not a level key: {named}".replace("'", "&#39;") in text
    assert 'id="public_levels-error"' in text
    db.expire_all()
    stored = db.get(Organisation, org.id)
    assert stored.public_levels == "board" and stored.suppression_threshold == 7  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ["planner", "editor", "viewer"])
def test_only_administrators_change_the_public_levels(client, db: Session, org, signed_in, role: str) -> None:
    signed_in(role)
    assert client.post("/admin/settings", data=_form("")).status_code == 403


@pytest.mark.parametrize(("public", "shown"), [("board", "2"), ("", "*")])
def test_a_viewer_sees_a_public_levels_small_count(client, db: Session, org, strategy, signed_in,
                                                   public: str, shown: str) -> None:
    area = factories.make_area(db, strategy, "MED")
    factories.set_baseline(db, strategy, area, staff=300, fte=290, board=14, senior=30)
    for level_key, group, n in (("board", "white", 12), ("board", "bme", 2), ("senior", "white", 28),
                                ("senior", "bme", 2)):
        db.add(DiversityCount(organisation_id=org.id, strategy_id=strategy.id, area_id=area.id,
                              level_id=factories.level(db, strategy, level_key).id, characteristic="ethnicity",
                              group_key=group, count=n))
    org.public_levels = public
    db.add(org)
    db.commit()
    signed_in("viewer")
    page = client.get(f"/strategies/{strategy.id}/diversity?characteristic=ethnicity").get_data(as_text=True)
    board = page[page.index(">Board<"):page.index(">Senior leaders<")]
    assert f">{shown}<" in board.replace('<abbr title="Withheld to protect privacy">*</abbr>', ">*<")
