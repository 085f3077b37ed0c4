"""The Board terms page, its import, the API and the command: the forecast of a small board worked out
by hand (tests/diversity/test_board_terms.py), bad files refused with nothing stored, and the board's
make-up through the one disclosure rule."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from planner.models import AuditEvent, BoardSeat, DiversityCount, Organisation
from planner.services import board_terms as service
from tests import factories
from tests.diversity.test_board_terms import SMALL_BOARD
from tests.web.test_diversity_api import bearer
from tests.web.test_diversity_pages import BME

# The workforce is 30% BME. The board: executive directors with a vote 0 of 4, without 0 of 1,
# non-executives 1 of 7. Voting members 1 of 11 (4 needed for 30%), executive 0 of 5 (2 needed),
# the whole board 1 of 12 (4 needed).
WORKFORCE = {"white": 70, "bme": 30}
TYPED = {"executive_voting": {"white": 4, "bme": 0}, "executive_non_voting": {"white": 1, "bme": 0},
         "non_executive": {"white": 6, "bme": 1}}
GOOD_CSV = (b"Seat,Role,Board member type,Term start,Term end,Term,Most terms,Full term (years)\n"
            b"Chair,Chair,,01/04/2023,31/03/2027,2,2,\n"
            b"NED A,Non-executive director,,01/06/2024,31/05/2027,1,2,\n"
            b"Chief executive,CEO,,,,,,\n"
            b"Director of strategy,Other executive director,Executive (non-voting),,31/12/2026,,,\n")


@pytest.fixture
def board(db: Session, strategy) -> None:  # type: ignore[no-untyped-def]
    area = factories.make_area(db, strategy, "CORP", "Corporate")
    top = factories.level(db, strategy, "board")

    def add(level_id: int | None, group: str, n: int, board_type: str | None = None) -> None:
        db.add(DiversityCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id, area_id=area.id,
                              level_id=level_id, characteristic="ethnicity", group_key=group, count=n,
                              board_type=board_type))

    for group, n in WORKFORCE.items():
        add(None, group, n)
    for board_type, groups in TYPED.items():
        for group, n in groups.items():
            add(top.id, group, n)
            add(top.id, group, n, board_type)
    db.commit()
    service.replace_seats(session=db, strategy=strategy, seats=SMALL_BOARD, actor=None, source="test")


def _text(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_the_page_shows_the_forecast_worked_out_by_hand(client, strategy, board, signed_in) -> None:
    signed_in("viewer")
    page = _text(client.get(f"/strategies/{strategy.id}/diversity/board"))
    assert f"The voting membership: 1 of 11 (9.1%) are {BME}, against 30.0% of the workforce; from 4 to 8 " \
           "voting appointments are due by 2031." in page
    assert f"Appointing 3 {BME} members among them would bring it to the workforce's share (4 of 11)" in page
    assert "Enough appointments could be due by 2028." in page
    assert f"The executive membership: 0 of 5 (0.0%) are {BME}" in page
    assert "2 executive appointments are due by 2031" in page and "could be due by 2029" in page
    assert "The present term of NED C ended before the strategy's period" in page
    # 2027: a new non-executive (the chair's last term), a reappointment possible (NED A); by then voting 1 to 2,
    # executive 1 (the director of strategy in 2026).
    assert "2027 0 0 1 1 1 to 2 1" in page
    assert "31 March 2027 Chair Non-executive director A new appointment: term 2 ends" in page
    assert "Add a seat" not in page  # a viewer changes nothing


def test_a_seat_is_added_and_a_bad_one_refused(client, db: Session, strategy, signed_in) -> None:
    signed_in("planner")
    path = f"/strategies/{strategy.id}/diversity/board/new"
    bad = client.post(path, data={"label": "NED 1", "role": "non_executive", "term_start": "2024-01-01",
                                  "term_end": "2028-06-30", "term_number": "1", "max_terms": "2"})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert "<title>Error: " in body and "A term of office is at most 4 years" in body and 'href="#term_end"' in body
    assert db.exec(select(BoardSeat)).all() == []
    good = client.post(path, data={"label": "NED 1", "role": "non_executive", "term_start": "2024-01-01",
                                   "term_end": "2027-12-31", "term_number": "1", "max_terms": "2"})
    assert good.status_code == 302
    (seat,) = db.exec(select(BoardSeat)).all()
    assert (seat.label, seat.board_type, seat.term_end) == ("NED 1", "non_executive", date(2027, 12, 31))
    again = client.post(path, data={"label": "ned 1", "role": "chief_executive"})
    assert again.status_code == 400 and "Another seat is already labelled" in again.get_data(as_text=True)


def test_a_stale_change_is_refused(client, db: Session, strategy, board, signed_in) -> None:
    signed_in("planner")
    row = db.exec(select(BoardSeat).where(BoardSeat.label == "Chair")).one()
    path = f"/strategies/{strategy.id}/diversity/board/{row.id}/edit"
    form = {**service.seat_values(row), "version": str(row.version), "term_end": "2027-01-31"}
    row.term_number = 1  # someone else's save
    db.add(row)
    db.commit()
    response = client.post(path, data=form)
    assert response.status_code == 400 and "Someone else changed this" in response.get_data(as_text=True)
    db.refresh(row)
    assert row.term_end == date(2027, 3, 31)


def test_the_import_replaces_every_seat(client, db: Session, strategy, board, signed_in) -> None:
    signed_in("planner")
    response = client.post(f"/strategies/{strategy.id}/diversity/board/import",
                           data={"seats": (__import__("io").BytesIO(GOOD_CSV), "board.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    labels = {s.label: s for s in db.exec(select(BoardSeat).where(BoardSeat.strategy_id == strategy.id))}
    assert set(labels) == {"Chair", "NED A", "Chief executive", "Director of strategy"}
    assert labels["Director of strategy"].board_type == "executive_non_voting"
    assert labels["Chief executive"].board_type == "executive_voting" and labels["Chief executive"].term_end is None
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "board_seats")).all()


BAD_FILES = [
    (b"Seat,Role,Term start,Term end\nChair,Chair,01/04/2023,31/03/2028\n", "A term of office is at most 4 years"),
    (b"Seat,Role,Term start,Term end\nChair,Chair,01/04/2023,31/03/2027\nchair,Non-executive,01/04/2023,"
     b"31/03/2027\n", "Another seat is already labelled 'Chair'"),
    (b"Seat,Role,Term start,Term end\nChair,Head of catering,01/04/2023,31/03/2027\n", "is not a role the planner"),
    (b"Seat,Role,Term start,Term end\nNED,Non-executive director,yesterday,31/03/2027\n", "is not a date"),
    (b"Seat,Role\nDirector,Other executive director\n", "may or may not have a vote"),
    (b"Seat,Role,Term start,Term end,Term,Most terms\nNED,NED,01/04/2023,31/03/2027,3,2\n",
     "more than the seat's most terms"),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES)
def test_a_bad_file_stores_nothing(client, db: Session, strategy, board, signed_in, data: bytes,
                                   message: str) -> None:
    signed_in("planner")
    before = sorted(s.label for s in db.exec(select(BoardSeat)))
    response = client.post(f"/strategies/{strategy.id}/diversity/board/import",
                           data={"seats": (__import__("io").BytesIO(data), "board.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body.replace("&#39;", "'") and "Nothing was stored" in body and "<title>Error: " in body
    db.expire_all()
    assert sorted(s.label for s in db.exec(select(BoardSeat))) == before


@pytest.mark.parametrize(("data", "message"), [
    (b"Seat,Role\n" + b"".join(b"NED %d,NED\n" % i for i in range(41)), "more than 40 seats"),
    (b"Name,Ethnicity\nA Person,White\n", "The file has no 'Seat' column."),
    (b"Seat,Role\n", "no seats"),
    (b"PK\x03\x04not really a workbook", ""),
])
def test_a_file_that_cannot_be_read_is_refused(client, db: Session, strategy, signed_in, data: bytes,
                                               message: str) -> None:
    signed_in("planner")
    response = client.post(f"/strategies/{strategy.id}/diversity/board/import",
                           data={"seats": (__import__("io").BytesIO(data), "board.csv" if message else "b.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in _text(response)
    assert db.exec(select(BoardSeat)).all() == []


def test_the_api_and_the_disclosure_rule(client, db: Session, org, strategy, board) -> None:
    report = client.get(f"/api/v1/strategies/{strategy.id}/board-terms", headers=bearer(db, org, "viewer")).get_json()
    assert report["start_year"] == 2026 and report["end_year"] == 2031
    assert report["years"][1] == {"year": 2027, "appointments": {"non_executive": 1},
                                  "reappointments": {"non_executive": 1},
                                  "due_by": {"voting": [1, 2], "executive": [1, 1], "board": [2, 3]}}
    voting = next(r for r in report["reach"] if r["membership"] == "voting")
    assert (voting["count"], voting["members"], voting["needed"], voting["earliest_year"]) == (1, 11, 3, 2028)
    # With the board's make-up not public, a published reader sees no small count, nor anything worked out from it.
    organisation = db.get(Organisation, org.id)
    assert organisation is not None
    organisation.public_levels = ""
    db.add(organisation)
    db.commit()
    published = client.get(f"/api/v1/strategies/{strategy.id}/board-terms",
                           headers=bearer(db, org, "viewer")).get_json()
    assert len(published["reach"]) == 3, published["reach"]
    for item in published["reach"]:
        assert item["count"] is None and item["needed"] is None and item["withheld"] is True, item
        assert "Appointing" not in item["sentence"] and " of 11" not in item["sentence"]
    assert published["disclosure"]["audience"] == "published"
    # A planner may ask for exact figures (the board and its committees).
    exact = client.get(f"/api/v1/strategies/{strategy.id}/board-terms?suppress=false",
                       headers=bearer(db, org, "planner")).get_json()
    assert next(r for r in exact["reach"] if r["membership"] == "voting")["count"] == 1
    viewer_asks = client.get(f"/api/v1/strategies/{strategy.id}/board-terms?suppress=false",
                             headers=bearer(db, org, "viewer")).get_json()
    assert all(item["count"] is None for item in viewer_asks["reach"])


def test_another_organisation_cannot_reach_the_seats(client, db: Session, strategy, board, signed_in) -> None:
    other = factories.make_org(db)
    user = factories.make_member(db, other, role="admin")
    from tests.conftest import login

    login(client, user.email)
    seat = db.exec(select(BoardSeat)).first()
    assert seat is not None
    assert client.get(f"/strategies/{strategy.id}/diversity/board").status_code == 404
    assert client.get(f"/strategies/{strategy.id}/diversity/board/{seat.id}/edit").status_code == 404


def test_seats_and_members_that_differ_are_pointed_out(client, db: Session, org, strategy, board) -> None:
    report = client.get(f"/api/v1/strategies/{strategy.id}/board-terms", headers=bearer(db, org, "viewer")).get_json()
    voting = next(r for r in report["reach"] if r["membership"] == "voting")
    # The small board has 6 voting seats; the staff extract counted 11 voting members.
    assert voting["seats"] == 6
    assert voting["sentence"].endswith("The board has 6 voting seats recorded here, but the staff extract counts 11 "
                                       "voting members: check both.")


def test_a_long_label_in_a_file_is_a_problem_of_its_own(client, db: Session, strategy, signed_in) -> None:
    signed_in("planner")
    data = b"Seat,Role\n" + b"X" * 61 + b",Chief executive\n"
    response = client.post(f"/strategies/{strategy.id}/diversity/board/import",
                           data={"seats": (__import__("io").BytesIO(data), "board.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Bad label: 1" in _text(response) and "60 characters or fewer" in _text(response)
