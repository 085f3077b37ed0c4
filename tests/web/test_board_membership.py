"""WRES indicator 9 and WDES metric 10 by voting and by executive membership of the board: counts
by board member type, hand-computed gaps on a small organisation, through the disclosure rule, on
the Diversity page and in the API; the reason where no types were imported."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from planner.diversity.board import NOT_RECORDED
from planner.models import DiversityCount
from tests import factories
from tests.web.test_diversity_api import bearer
from tests.web.test_diversity_pages import BME, cells_of

VOTING = f"Voting membership of the board: {BME} share against the workforce (WRES indicator 9)"
EXECUTIVE = f"Executive membership of the board: {BME} share against the workforce (WRES indicator 9)"
WHOLE = f"Board: {BME} share against the workforce (WRES indicator 1; WRES indicator 9 for the board)"
# The workforce is 20% BME; the board 5 of 15. By type: executive directors with a vote 1 of 4,
# without 1 of 2, non-executives 3 of 9. Voting members: 1 + 3 of 4 + 9 = 4 of 13 (30.77%, +10.8
# points); executive members: 1 + 1 of 4 + 2 = 2 of 6 (33.33%, +13.3 points).
WORKFORCE = {"white": 80, "bme": 20}
BOARD = {"white": 10, "bme": 5}
TYPED = {"executive_voting": {"white": 3, "bme": 1}, "executive_non_voting": {"white": 1, "bme": 1},
         "non_executive": {"white": 6, "bme": 3}}


@pytest.fixture
def counts(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    area = factories.make_area(db, strategy, "MED", "Medicine")
    board = factories.level(db, strategy, "board")

    def add(level_id: int | None, group: str, n: int, board_type: str | None = None) -> None:
        db.add(DiversityCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id, area_id=area.id,
                              level_id=level_id, characteristic="ethnicity", group_key=group, count=n,
                              board_type=board_type))

    for group, n in WORKFORCE.items():
        add(None, group, n)
    for group, n in BOARD.items():
        add(board.id, group, n)
    db.commit()
    return {"add_typed": lambda: [add(board.id, g, n, t) for t, groups in TYPED.items() for g, n in groups.items()]
            and db.commit()}


def indicators_listed(client, strategy) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(cells_of(client.get(f"/strategies/{strategy.id}/diversity")).lists["indicators"])


def test_voting_and_executive_membership_are_hand_computed(client, db: Session, strategy, counts,
                                                           signed_in) -> None:
    counts["add_typed"]()
    signed_in("viewer")
    listed = indicators_listed(client, strategy)
    assert listed[WHOLE] == "+13.3 percentage points"  # 5 of 15 against 20%: the typed counts are not added again
    assert listed[VOTING] == "+10.8 percentage points"
    assert listed[EXECUTIVE] == "+13.3 percentage points"


def test_without_board_member_types_the_page_and_api_say_so(client, db: Session, org, strategy, counts,
                                                            signed_in) -> None:
    signed_in("viewer")
    listed = indicators_listed(client, strategy)
    assert listed["Board by voting and executive membership (WRES indicator 9)"] == NOT_RECORDED
    assert VOTING not in listed
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity", headers=bearer(db, org, "viewer")).get_json()
    ethnicity = next(r for r in report["representation"] if r["characteristic"] == "ethnicity")
    assert ethnicity["indicators"]["board_membership"] is None
    assert ethnicity["indicators"]["board_membership_note"] == NOT_RECORDED


def test_the_api_gives_the_three_ways(client, db: Session, org, strategy, counts) -> None:
    counts["add_typed"]()
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity", headers=bearer(db, org, "viewer")).get_json()
    found = next(r for r in report["representation"] if r["characteristic"] == "ethnicity")["indicators"]
    assert found["board_gap_points"] == pytest.approx(100 * (5 / 15 - 0.2))
    voting, executive = found["board_membership"]["voting"], found["board_membership"]["executive"]
    assert (voting["count"], voting["members"], voting["suppressed"]) == (4, 13, False)
    assert voting["gap_points"] == pytest.approx(100 * (4 / 13 - 0.2))
    assert (executive["count"], executive["members"]) == (2, 6)
    assert executive["gap_points"] == pytest.approx(100 * (2 / 6 - 0.2))


def test_a_board_that_is_not_public_is_suppressed_like_any_level(client, db: Session, org, strategy, counts,
                                                                 signed_in) -> None:
    counts["add_typed"]()
    org.public_levels = ""
    db.add(org)
    db.commit()
    signed_in("admin")  # published figures unless exact ones are asked for
    listed = indicators_listed(client, strategy)
    # Each membership adds a type with 1 BME member: withheld, so neither membership's gap is shown.
    assert listed[VOTING] == "Not available (withheld or no figures)"
    assert listed[EXECUTIVE] == "Not available (withheld or no figures)"
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity", headers=bearer(db, org, "viewer")).get_json()
    membership = next(r for r in report["representation"]
                      if r["characteristic"] == "ethnicity")["indicators"]["board_membership"]
    for key in ("voting", "executive"):
        assert membership[key]["suppressed"] is True
        assert membership[key]["count"] is None and membership[key]["gap_points"] is None
    # Asking for exact figures, the administrator sees them.
    exact = dict(cells_of(client.get(f"/strategies/{strategy.id}/diversity?unsuppressed=1")).lists["indicators"])
    assert exact[VOTING] == "+10.8 percentage points"


def test_the_demos_page_shows_the_board_three_ways(client, db: Session) -> None:
    from sqlmodel import select

    from planner.models import Strategy
    from planner.services.demo import load_demo
    from tests.conftest import login

    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    login(client, factories.make_member(db, organisation, role="viewer").email)
    listed = indicators_listed(client, strategy)
    for key in (WHOLE, VOTING, EXECUTIVE):
        assert listed[key].endswith("percentage points")
    disability = dict(cells_of(client.get(f"/strategies/{strategy.id}/diversity?characteristic=disability"))
                      .lists["indicators"])
    assert any(k.startswith("Voting membership of the board") and "WDES metric 10" in k for k in disability)


def test_a_withheld_type_is_not_the_whole_board_minus_a_membership(client, db: Session, org, strategy,
                                                                    signed_in) -> None:
    """Not public: 2 BME executive directors without a vote are withheld, and so is the voting
    membership's count, which the whole board's 18 would otherwise give it away by subtraction."""
    area = factories.make_area(db, strategy, "MED", "Medicine")
    board = factories.level(db, strategy, "board")
    typed = {"executive_voting": {"white": 9, "bme": 8}, "executive_non_voting": {"white": 9, "bme": 2},
             "non_executive": {"white": 10, "bme": 8}}
    rows = [(None, None, {"white": 400, "bme": 100}), (board.id, None, {"white": 28, "bme": 18})]
    rows += [(board.id, t, groups) for t, groups in typed.items()]
    for level_id, board_type, groups in rows:
        for group, n in groups.items():
            db.add(DiversityCount(organisation_id=org.id, strategy_id=strategy.id, area_id=area.id,
                                  level_id=level_id, characteristic="ethnicity", group_key=group, count=n,
                                  board_type=board_type))
    org.public_levels = ""
    db.add(org)
    db.commit()
    report = client.get(f"/api/v1/strategies/{strategy.id}/diversity", headers=bearer(db, org, "viewer")).get_json()
    ethnicity = next(r for r in report["representation"] if r["characteristic"] == "ethnicity")
    board_row = next(r for r in ethnicity["rows"] if r["level"] == "board")
    assert next(g for g in board_row["groups"] if g["group"] == "bme")["count"] == 18
    membership = ethnicity["indicators"]["board_membership"]
    assert membership["voting"]["count"] is None and membership["voting"]["suppressed"] is True
    assert membership["executive"]["count"] is None
