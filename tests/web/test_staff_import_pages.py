"""The Baseline step's staff-extract import, through the pages: upload and preview, confirm,
discard, problems by row and column, refused files, and who may do what. Every check reads the
stored baseline back from the database (or the API), never from the code that wrote it."""

from __future__ import annotations

import html
import io
import json
import random
import re
from collections import Counter
from functools import partial
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from planner.db import engine_for
from planner.imports import Limits
from planner.models import AreaBaseline, DiversityCount, LeaderCount, StaffImport
from planner.services import staff_import
from planner.services.accounts import create_token
from planner.services.structure import areas_of, levels_of
from tests import factories
from tests.conftest import login
from tests.helpers import csv_bytes

HEADER = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability", "Age"]
staff_csv = partial(csv_bytes, header=HEADER)  # a staff extract of these rows

# Each good row with what it must count as, worked out by hand: (cells, area code, leader level or None,
# FTE, {characteristic: group}).
GOOD: list[tuple[tuple[str, ...], str, str | None, float, dict[str, str]]] = [
    (("1001", "MED-ED", "Band 5", "N", "1.0", "A White - British", "Female", "No", "30"), "MED-ED", None, 1.0,
     {"ethnicity": "white", "ethnicity_ons": "white", "sex": "female", "disability": "not_disabled",
      "age_band": "25_34"}),
    (("1002", "MED-ED", "Band 7", "Y", "0.8", "H Indian", "Male", "Yes", "45"), "MED-ED", "frontline", 0.8,
     {"ethnicity": "bme", "ethnicity_ons": "asian", "sex": "male", "disability": "disabled", "age_band": "45_54"}),
    (("1003", "Emergency Department", "Band 8a", "Y", "1.0", "A", "F", "No", "52"), "MED-ED", "middle", 1.0,
     {"ethnicity": "white", "ethnicity_ons": "white", "sex": "female", "disability": "not_disabled",
      "age_band": "45_54"}),
    (("1004", "Medicine", "Band 8d", "Y", "1.0", "M Black Caribbean", "Female", "Not Declared", "41"), "MED",
     "senior", 1.0,
     {"ethnicity": "bme", "ethnicity_ons": "black", "sex": "female", "disability": "not_declared",
      "age_band": "35_44"}),
    (("1005", "med", "Band 3", "N", "0.5", "Z", "Male", "No", "22"), "MED", None, 0.5,
     {"ethnicity": "not_stated", "ethnicity_ons": "not_stated", "sex": "male", "disability": "not_disabled",
      "age_band": "under_25"}),
    # Band 6 is a frontline leadership band, but the file says this person does not lead.
    (("1006", "MED-ED", "Band 6", "N", "0.6", "B Irish", "Female", "No", "61"), "MED-ED", None, 0.6,
     {"ethnicity": "white", "ethnicity_ons": "white", "sex": "female", "disability": "not_disabled",
      "age_band": "55_64"}),
]
GOOD_ROWS = [cells for cells, *_ in GOOD]

# One bad row each: (kind as the totals show it, cells, column heading, the problem's message).
BAD: list[tuple[str, tuple[str, ...], str, str]] = [
    ("Unknown area", ("2001", "NOWHERE", "Band 5", "N", "1", "A", "F", "No", "30"), "Area",
     "'NOWHERE' is not the code or name of an area in the structure."),
    ("Unknown band", ("2002", "MED", "Band 12", "N", "1", "A", "F", "No", "30"), "Pay Band",
     "'Band 12' is not an Agenda for Change band, VSM, a board role or a medical or dental grade."),
    ("Bad code", ("2003", "MED", "Band 5", "N", "1", "Q", "F", "No", "30"), "Ethnic Origin",
     "'Q' is not an NHS ethnic category (a code from A to S, or Z for not stated)."),
    ("Duplicate assignment", ("1001", "MED", "Band 5", "N", "1", "A", "F", "No", "30"), "Assignment Number",
     "This assignment number is also on row 2."),
    ("Missing value", ("2005", "MED", "", "N", "1", "A", "F", "No", "30"), "Pay Band", "No pay band is given."),
    ("Not a leadership band", ("2006", "MED", "Band 5", "Y", "1", "A", "F", "No", "30"), "Leader",
     "Marked as a leader, but this row's pay band is not mapped to a leadership level."),
]


def expected_counts(good: list[tuple[tuple[str, ...], str, str | None, float, dict[str, str]]]) -> dict[str, Any]:
    """What the baseline must hold after importing these rows, summed from the hand-worked table."""
    staff: Counter[str] = Counter()
    fte: dict[str, float] = {}
    leaders: Counter[tuple[str, str]] = Counter()
    diversity: Counter[tuple[str, str | None, str, str]] = Counter()
    for _cells, area, level, row_fte, groups in good:
        staff[area] += 1
        fte[area] = round(fte.get(area, 0.0) + row_fte, 2)
        if level:
            leaders[(area, level)] += 1
        for characteristic, group in groups.items():
            diversity[(area, None, characteristic, group)] += 1
            if level:
                diversity[(area, level, characteristic, group)] += 1
    return {"staff": dict(staff), "fte": fte, "leaders": dict(leaders), "diversity": dict(diversity)}


def stored(database_url: str, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The strategy's baseline as the database holds it now (a fresh session, nothing cached)."""
    with Session(engine_for(database_url)) as session:
        areas = {a.id: a.code for a in areas_of(session, strategy)}
        levels = {lv.id: lv.key for lv in levels_of(session, strategy)}
        ids = list(areas)
        rows = session.exec(select(AreaBaseline).where(AreaBaseline.area_id.in_(ids))).all()  # type: ignore[attr-defined]
        counts = session.exec(select(LeaderCount).where(LeaderCount.area_id.in_(ids))).all()  # type: ignore[attr-defined]
        diversity = session.exec(select(DiversityCount).where(DiversityCount.strategy_id == strategy.id)).all()
        return {
            "staff": {areas[r.area_id]: r.staff for r in rows if r.staff},
            "fte": {areas[r.area_id]: round(r.fte, 2) for r in rows if r.staff},
            "leaders": {(areas[c.area_id], levels[c.level_id]): c.count for c in counts if c.count},
            "diversity": {(areas[d.area_id], levels.get(d.level_id) if d.level_id else None, d.characteristic,  # type: ignore[arg-type]
                           d.group_key): d.count for d in diversity if d.count},
        }


def pending_imports(database_url: str) -> int:
    with Session(engine_for(database_url)) as session:
        return session.exec(select(func.count()).select_from(StaffImport)
                            .where(StaffImport.status == "pending")).one()


def upload(client: FlaskClient, strategy, data: bytes, filename: str = "staff.csv",  # type: ignore[no-untyped-def]
           **form: str):
    """Upload a file as the page does; the page the planner ends on: the upload page again where the file is
    refused at once, else the job's page (the tests run jobs at once), and from a finished job its preview."""
    response = client.post(f"/strategies/{strategy.id}/baseline/import",
                           data={"extract": (io.BytesIO(data), filename), **form}, content_type="multipart/form-data")
    if response.status_code != 303:
        return response
    job_url = response.headers["Location"]
    assert re.fullmatch(r"/jobs/\d+", job_url), job_url
    state = client.get(f"{job_url}.json").get_json()
    page = client.get(job_url)
    if state["status"] == "done":
        assert state["result_url"] in page.get_data(as_text=True)  # the job's page links to the preview
        page = client.get(state["result_url"])
    page.job = state
    return page


def refused(response) -> bool:  # type: ignore[no-untyped-def]
    """Refused at once (400 on the upload page), or read by a job that failed."""
    return response.status_code == 400 or getattr(response, "job", {}).get("status") == "failed"


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def import_id_of(response) -> int:  # type: ignore[no-untyped-def]
    found = re.search(r"/baseline/import/(\d+)/confirm", response.get_data(as_text=True))
    assert found, "the preview offers no confirm button"
    return int(found.group(1))


class _Tables(HTMLParser):
    """The body rows of every table with an id, as lists of cell texts; and error messages."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.lists: dict[str, list[str]] = {}
        self.errors: list[str] = []
        self._table: list[str | None] = []
        self._in_body = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._list: str | None = None
        self._error_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table.append(found.get("id"))
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "ul" and found.get("id"):
            self._list = found["id"]
            self.lists[self._list] = []
        elif tag == "li" and self._list:
            self._cell = []
        elif tag == "span" and "nhsuk-error-message" in (found.get("class") or ""):
            self._error_depth = 1
            self._cell = []
        elif tag == "span" and self._error_depth:
            self._error_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._table and self._table[-1]:
                self.tables.setdefault(self._table[-1], []).append(self._row)  # type: ignore[index]
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table" and self._table:
            self._table.pop()
        elif tag == "li" and self._list and self._cell is not None:
            self.lists[self._list].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "ul":
            self._list = None
        elif tag == "span" and self._error_depth:
            self._error_depth -= 1
            if not self._error_depth and self._cell is not None:
                self.errors.append(" ".join("".join(self._cell).split()).removeprefix("Error: "))
                self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parsed(response) -> _Tables:  # type: ignore[no-untyped-def]
    parser = _Tables()
    parser.feed(response.get_data(as_text=True))
    return parser


@pytest.fixture
def areas(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Medicine with its Emergency Department, and Surgery; a baseline typed in before any import."""
    med = factories.make_area(db, strategy, "MED", "Medicine")
    ed = factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    surg = factories.make_area(db, strategy, "SURG", "Surgery")
    factories.set_baseline(db, strategy, surg, staff=50, fte=45.0, frontline=5)
    factories.set_baseline(db, strategy, ed, staff=10, fte=9.0, middle=2)
    db.add(DiversityCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id, area_id=surg.id,
                          level_id=None, characteristic="ethnicity", group_key="white", count=50))
    db.commit()
    return {"MED": med, "MED-ED": ed, "SURG": surg}


BEFORE = {
    "staff": {"SURG": 50, "MED-ED": 10},
    "fte": {"SURG": 45.0, "MED-ED": 9.0},
    "leaders": {("SURG", "frontline"): 5, ("MED-ED", "middle"): 2},
    "diversity": {("SURG", None, "ethnicity", "white"): 50},
}


def test_the_arranged_baseline_is_what_the_other_tests_compare_with(database_url: str, strategy, areas) -> None:
    assert stored(database_url, strategy) == BEFORE


def test_the_preview_lists_doctors_and_dentists_at_their_levels(client, database_url: str, strategy, areas,
                                                                 signed_in) -> None:
    signed_in("planner")
    header = ["Area", "Pay Band", "Job Role", "Leader"]
    rows = [("MED", "Consultant", "Clinical Director", "Y"), ("MED-ED", "Consultant", "Clinical Lead", "Y"),
            ("MED-ED", "Consultant", "", "N"), ("MED-ED", "Specialty Doctor", "", "Y"),
            ("MED-ED", "ST3", "", "N"), ("MED-ED", "Band 5", "Staff Nurse", "N")]
    response = upload(client, strategy, csv_bytes(rows, header=header))
    words = " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())
    assert ("Medical and dental staff 5: Specialty Registrar 1; Specialty Doctor 1; Consultant 3 "
            "Leaders among them: Senior leaders 1; Middle leaders 1; Frontline leaders 1") in words
    assert "Levels chosen by job role Clinical Director 1; Clinical Lead 1" in words
    assert parsed(response).tables["preview-counts"] == [
        ["Medicine", "1", "0.0", "0", "1", "0", "0"],
        ["Emergency Department", "5", "0.0", "0", "0", "1", "1"],
    ]
    client.post(f"/strategies/{strategy.id}/baseline/import/{import_id_of(response)}/confirm")
    assert stored(database_url, strategy)["leaders"] == {("MED", "senior"): 1, ("MED-ED", "middle"): 1,
                                                         ("MED-ED", "frontline"): 1}


def test_preview_stores_nothing_then_confirm_replaces_the_whole_baseline(client, database_url: str, strategy,
                                                                         areas, signed_in) -> None:
    signed_in("planner")
    response = upload(client, strategy, staff_csv(GOOD_ROWS))
    assert response.status_code == 200
    page = parsed(response)
    summary = page_text(response)
    assert re.search(r"Rows read\s*</dt>\s*<dd[^>]*>6<", response.get_data(as_text=True))
    assert "6 in 2 areas" in summary
    # Counts by area and level: area, staff, FTE, board, senior, middle, frontline.
    assert page.tables["preview-counts"] == [
        ["Medicine", "2", "1.5", "0", "1", "0", "0"],
        ["Emergency Department", "4", "3.4", "0", "0", "1", "1"],
    ]
    assert stored(database_url, strategy) == BEFORE  # nothing until confirmed

    confirmed = client.post(f"/strategies/{strategy.id}/baseline/import/{import_id_of(response)}/confirm",
                            follow_redirects=True)
    assert confirmed.status_code == 200
    assert "Baseline replaced from staff.csv: 6 rows read." in page_text(confirmed)
    after = stored(database_url, strategy)
    expected = expected_counts(GOOD)
    assert after == expected
    assert "SURG" not in after["staff"]  # absent from the file: no staff now
    assert not any(key[0] == "SURG" for key in after["diversity"])


def test_discard_leaves_the_baseline_as_it_was(client, database_url: str, strategy, areas, signed_in) -> None:
    signed_in("planner")
    response = upload(client, strategy, staff_csv(GOOD_ROWS))
    import_id = import_id_of(response)
    discarded = client.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/discard", follow_redirects=True)
    assert discarded.status_code == 200
    assert "Import discarded. The baseline is unchanged." in page_text(discarded)
    assert stored(database_url, strategy) == BEFORE
    # A discarded import cannot be confirmed afterwards.
    late = client.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/confirm", follow_redirects=True)
    assert "already been used or discarded" in page_text(late)
    assert stored(database_url, strategy) == BEFORE


@pytest.mark.parametrize(("kind", "bad_row", "column", "message"), BAD, ids=[b[0] for b in BAD])
def test_each_kind_of_problem_is_shown_by_row_and_column_and_nothing_is_stored(
        client, database_url: str, strategy, areas, signed_in, kind: str, bad_row: tuple[str, ...], column: str,
        message: str) -> None:
    signed_in("planner")
    response = upload(client, strategy, staff_csv([*GOOD_ROWS, bad_row]))
    assert refused(response)
    page = parsed(response)
    # The headings are row 1, so the six good rows are rows 2 to 7 and the bad one is row 8.
    assert page.tables["problems"] == [["8", column, message]]
    assert page.lists["problem-totals"] == [f"{kind}: 1"]
    assert "/confirm" not in response.get_data(as_text=True)
    assert "Nothing has been stored." in page_text(response)
    assert pending_imports(database_url) == 0
    assert stored(database_url, strategy) == BEFORE


def test_problem_totals_count_every_problem_of_each_kind(client, database_url: str, strategy, areas,
                                                        signed_in) -> None:
    signed_in("planner")
    bad = [
        ("3001", "NOWHERE", "Band 5", "N", "1", "A", "F", "No", "30"),
        ("3002", "ELSEWHERE", "Band 99", "N", "1", "A", "F", "No", "30"),  # two problems in one row
        ("3003", "MED", "Band 5", "N", "1", "Q", "Robot", "No", "30"),  # two bad codes
        ("3004", "NOPE", "Band 5", "N", "1", "A", "F", "No", "30"),
    ]
    response = upload(client, strategy, staff_csv([*GOOD_ROWS, *bad]))
    assert refused(response)
    page = parsed(response)
    assert page.lists["problem-totals"] == ["Unknown area: 3", "Unknown band: 1", "Bad code: 2"]
    assert [(row, col) for row, col, _ in page.tables["problems"]] == [
        ("8", "Area"), ("9", "Area"), ("9", "Pay Band"), ("10", "Ethnic Origin"), ("10", "Sex"), ("11", "Area"),
    ]
    assert pending_imports(database_url) == 0
    assert stored(database_url, strategy) == BEFORE


def test_skip_bad_rows_imports_the_rest_and_says_how_many_were_skipped(client, database_url: str, strategy,
                                                                       areas, signed_in) -> None:
    signed_in("planner")
    bad = [b[1] for b in BAD[:3]]
    response = upload(client, strategy, staff_csv([*GOOD_ROWS, *bad]), skip_bad_rows="yes")
    assert response.status_code == 200
    assert "(3 rows will be skipped)" in page_text(response)
    assert stored(database_url, strategy) == BEFORE
    confirmed = client.post(f"/strategies/{strategy.id}/baseline/import/{import_id_of(response)}/confirm",
                            follow_redirects=True)
    assert "Baseline replaced from staff.csv: 9 rows read, 3 rows with problems skipped." in page_text(confirmed)
    assert stored(database_url, strategy) == expected_counts(GOOD)


def _xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REFUSED = [
    ("web page renamed .xlsx", b"<!DOCTYPE html><html><body><table><tr><td>Area</td><td>Pay Band</td></tr>"
     b"</table></body></html>", "staff.xlsx",
     "This file is not an Excel workbook (.xlsx) or a CSV file: it looks like a web page."),
    ("empty file", b"", "staff.csv", "The file is empty."),
    ("blank lines only", b"\r\n \r\n", "staff.csv", "The file is empty."),
    ("no Pay Band column", staff_csv([r[:2] for r in GOOD_ROWS], header=HEADER[:2]), "staff.csv",
     "The file has no 'Pay Band' column (or a column mapped to it)."),
    ("headings but no rows", staff_csv([]), "staff.csv", "The file has column headings but no rows of staff."),
    ("a PDF", b"%PDF-1.7\n1 0 obj\n", "staff.csv",
     "This file is not an Excel workbook (.xlsx) or a CSV file: it looks like a PDF document."),
    ("CSV named .xlsx", staff_csv(GOOD_ROWS), "staff.xlsx",
     "This file is named as an Excel workbook but is not one: it looks like a CSV or text file, so save it "
     "from Excel as .xlsx, or rename it .csv."),
]


@pytest.mark.parametrize(("data", "filename", "sentence"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_refused_file_gives_one_sentence_and_changes_nothing(client, database_url: str, strategy, areas,
                                                               signed_in, data: bytes, filename: str,
                                                               sentence: str) -> None:
    signed_in("planner")
    response = upload(client, strategy, data, filename)
    assert refused(response)
    page = parsed(response)
    assert page.errors == [sentence]
    assert "preview-counts" not in page.tables and "/confirm" not in response.get_data(as_text=True)
    assert pending_imports(database_url) == 0
    assert stored(database_url, strategy) == BEFORE


def test_a_workbook_sheet_that_does_not_exist_is_refused_with_the_sheets_named(client, database_url: str,
                                                                               strategy, areas, signed_in) -> None:
    signed_in("planner")
    book = _xlsx([HEADER, *[list(r) for r in GOOD_ROWS]], title="Staff")
    response = upload(client, strategy, book, "staff.xlsx", sheet="People")
    assert refused(response)
    assert parsed(response).errors == ["The workbook has no sheet called 'People' (its sheets are 'Staff')."]
    assert stored(database_url, strategy) == BEFORE
    chosen = upload(client, strategy, book, "staff.xlsx", sheet="staff")
    assert chosen.status_code == 200 and import_id_of(chosen)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, database_url: str, strategy, areas,
                                                                  signed_in, monkeypatch) -> None:
    signed_in("planner")
    monkeypatch.setattr(staff_import, "Limits", lambda: Limits(max_bytes=1024))
    data = staff_csv(GOOD_ROWS * 8)
    assert len(data) > 1024
    response = upload(client, strategy, data)
    assert refused(response)
    errors = parsed(response).errors
    assert len(errors) == 1 and re.fullmatch(r"The file is [\d.]+ KB; the limit is 1 KB\.", errors[0]), errors
    assert pending_imports(database_url) == 0
    assert stored(database_url, strategy) == BEFORE


def test_the_default_size_limit_is_20_mb(client, database_url: str, strategy, areas, signed_in) -> None:
    signed_in("planner")
    line = b"1,MED,Band 5,N,1,A,F,No,30\r\n"
    data = staff_csv([]) + line * (20 * 1024 * 1024 // len(line) + 2000)
    # The multipart body is written out here: the test client would spool this much to a temporary
    # file that it never closes.
    boundary = "planner-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="extract"; filename="staff.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(f"/strategies/{strategy.id}/baseline/import", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert refused(response)
    errors = parsed(response).errors
    assert len(errors) == 1 and re.fullmatch(r"The file is 20\.\d+ MB; the limit is 20 MB\.", errors[0]), errors
    assert stored(database_url, strategy) == BEFORE


def test_the_column_mapping_fields_read_other_headings(client, database_url: str, strategy, areas,
                                                      signed_in) -> None:
    signed_in("planner")
    header = ["Assignment Number", "Cost Centre", "Grade", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability",
              "Age"]
    data = staff_csv(GOOD_ROWS, header=header)
    unmapped = upload(client, strategy, data)
    assert refused(unmapped)
    assert parsed(unmapped).errors == ["The file has no 'Area' column (or a column mapped to it)."]
    mapped = upload(client, strategy, data, **{"map-Area": "cost centre", "map-Pay Band": "GRADE"})
    assert mapped.status_code == 200
    client.post(f"/strategies/{strategy.id}/baseline/import/{import_id_of(mapped)}/confirm")
    assert stored(database_url, strategy) == expected_counts(GOOD)


@pytest.mark.parametrize("other_role", ["planner", "admin"])
def test_another_users_pending_import_cannot_be_confirmed_or_discarded(app, client, db: Session, org,
                                                                       database_url: str, strategy, areas,
                                                                       signed_in, other_role: str) -> None:
    signed_in("planner")
    import_id = import_id_of(upload(client, strategy, staff_csv(GOOD_ROWS)))
    other = app.test_client()
    login(other, factories.make_member(db, org, role=other_role).email)
    for action in ("confirm", "discard"):
        assert other.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/{action}").status_code == 404
    assert stored(database_url, strategy) == BEFORE
    # Still pending for its owner, who can confirm it.
    assert client.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/confirm").status_code == 302
    assert stored(database_url, strategy) == expected_counts(GOOD)


def test_another_organisations_user_cannot_reach_the_import(app, client, db: Session, database_url: str,
                                                            strategy, areas, signed_in) -> None:
    signed_in("planner")
    import_id = import_id_of(upload(client, strategy, staff_csv(GOOD_ROWS)))
    elsewhere = factories.make_org(db)
    stranger = app.test_client()
    login(stranger, factories.make_member(db, elsewhere, role="admin").email)
    assert stranger.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/confirm").status_code == 404
    assert upload(stranger, strategy, staff_csv(GOOD_ROWS)).status_code == 404
    assert stored(database_url, strategy) == BEFORE


def test_confirming_twice_is_refused(client, db: Session, database_url: str, strategy, areas, signed_in) -> None:
    signed_in("planner")
    import_id = import_id_of(upload(client, strategy, staff_csv(GOOD_ROWS)))
    first = client.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/confirm")
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/strategies/{strategy.id}/baseline")
    # The planner types a change in; a second confirm must not bring the import back over it.
    factories.set_baseline(db, strategy, areas["SURG"], staff=7, fte=7.0)
    after_edit = stored(database_url, strategy)
    second = client.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/confirm", follow_redirects=True)
    assert "This import has already been used or discarded: upload the file again." in page_text(second)
    assert stored(database_url, strategy) == after_edit


@pytest.mark.parametrize("role", ["viewer", "contributor"])
def test_people_who_cannot_edit_the_baseline_get_403(app, client, db: Session, org, database_url: str, strategy,
                                                     areas, signed_in, role: str) -> None:
    planner = app.test_client()
    login(planner, factories.make_member(db, org, role="planner").email)
    import_id = import_id_of(upload(planner, strategy, staff_csv(GOOD_ROWS)))
    signed_in(role)
    assert client.get(f"/strategies/{strategy.id}/baseline/import").status_code == 403
    assert upload(client, strategy, staff_csv(GOOD_ROWS)).status_code == 403
    for action in ("confirm", "discard"):
        assert client.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/{action}").status_code == 403
    assert pending_imports(database_url) == 1
    assert stored(database_url, strategy) == BEFORE


@pytest.mark.parametrize("role", ["admin", "editor", "planner"])
def test_people_who_edit_the_baseline_see_the_upload_form(client, strategy, signed_in, role: str) -> None:
    signed_in(role)
    response = client.get(f"/strategies/{strategy.id}/baseline/import")
    assert response.status_code == 200
    assert 'name="extract" type="file"' in response.get_data(as_text=True)


# --- a generated extract, counted independently -----------------------------------------------

GENERATED_AREAS = {"MED": "Medicine", "MED-ED": "Emergency Department", "SURG": "Surgery", "CORP": "Corporate"}
# The default levels' bands, written out here rather than read from the app.
LEADER_BANDS = {"Band 6": "frontline", "Band 7": "frontline", "Band 8a": "middle", "Band 8b": "middle",
                "Band 8c": "middle", "Band 8d": "senior", "Band 9": "senior", "VSM": "senior",
                "Board - Executive": "board", "Board - Non-Executive": "board"}
OTHER_BANDS = ["Band 2", "Band 3", "Band 4", "Band 5"]
ETHNIC_LETTERS = "ABCDEFGHJKLMNPRSZ"
BME_LETTERS = set("DEFGHJKLMNPRS")


def generated_extract(seed: int, n: int, with_leader_column: bool) -> tuple[list[list[str]], dict[str, Any]]:
    """Random rows, and the counts a plain count of those rows gives."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    staff: Counter[str] = Counter()
    leaders: Counter[tuple[str, str]] = Counter()
    bme_leaders: Counter[str] = Counter()
    for i in range(n):
        code = rng.choice(list(GENERATED_AREAS))
        spelt = rng.choice([code, code.lower(), GENERATED_AREAS[code], GENERATED_AREAS[code].upper()])
        band = rng.choice([*LEADER_BANDS, *OTHER_BANDS, *OTHER_BANDS])
        leads = band in LEADER_BANDS and (not with_leader_column or rng.random() < 0.8)
        letter = rng.choice(ETHNIC_LETTERS)
        row = [f"A{seed}{i:05d}", spelt, band, "Y" if leads else "N", rng.choice(["1", "0.8", "0.5", "1.00"]),
               f"{letter} whatever description", rng.choice(["Female", "Male", "F", "M", "Unknown"]),
               rng.choice(["Yes", "No", "Not Declared"]), str(rng.randint(18, 70))]
        if not with_leader_column:
            del row[3]
        rows.append(row)
        staff[code] += 1
        if leads:
            level = LEADER_BANDS[band]
            leaders[(code, level)] += 1
            if letter in BME_LETTERS:
                bme_leaders[level] += 1
    return rows, {"staff": dict(staff), "leaders": dict(leaders), "bme_leaders": dict(bme_leaders)}


@pytest.mark.parametrize(("seed", "file_kind", "with_leader_column"), [
    (1, "csv", True), (2, "xlsx", True), (3, "csv", False),
])
def test_a_generated_extract_imports_to_exactly_the_counts_of_a_plain_count(
        app, client, db: Session, org, strategy, signed_in, seed: int, file_kind: str,
        with_leader_column: bool) -> None:
    med = factories.make_area(db, strategy, "MED", "Medicine")
    factories.make_area(db, strategy, "MED-ED", "Emergency Department", parent=med)
    factories.make_area(db, strategy, "SURG", "Surgery")
    factories.make_area(db, strategy, "CORP", "Corporate")
    rows, expected = generated_extract(seed, 300, with_leader_column)
    header = HEADER if with_leader_column else [h for h in HEADER if h != "Leader"]
    data = staff_csv(rows, header=header) if file_kind == "csv" else _xlsx([header, *rows])
    signed_in("planner")
    preview = upload(client, strategy, data, f"extract.{file_kind}")
    assert preview.status_code == 200, parsed(preview).errors or parsed(preview).tables.get("problems")
    assert client.post(f"/strategies/{strategy.id}/baseline/import/{import_id_of(preview)}/confirm"
                       ).status_code == 302

    admin = factories.make_member(db, org, role="admin")
    _token, plain = create_token(session=db, user=admin, organisation=org, name="check")
    api = app.test_client().get(f"/api/v1/strategies/{strategy.id}/baseline?suppress=false",
                                headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 200
    body = api.get_json()
    assert {a["code"]: a["staff"] for a in body["areas"] if a["staff"]} == expected["staff"]
    assert {(a["code"], level): n for a in body["areas"] for level, n in a["leaders"].items() if n} == \
        expected["leaders"]
    bme: Counter[str] = Counter()
    for item in body["diversity"]:
        assert item["suppressed"] is False
        if item["characteristic"] == "ethnicity" and item["group"] == "bme" and item["level"]:
            bme[item["level"]] += item["count"]
    assert dict(bme) == expected["bme_leaders"]
    # Everyone is counted once in each characteristic's all-staff figures.
    everyone: Counter[str] = Counter()
    for item in body["diversity"]:
        if item["characteristic"] == "sex" and item["level"] is None:
            everyone[item["area"]] += item["count"]
    assert dict(everyone) == expected["staff"]


def test_an_import_cannot_be_confirmed_under_another_strategys_address(client, db: Session, org, database_url: str,
                                                                     strategy, areas, signed_in) -> None:
    other = factories.make_strategy(db, org, title="Another Strategy")
    signed_in("planner")
    import_id = import_id_of(upload(client, strategy, staff_csv(GOOD_ROWS)))
    assert client.post(f"/strategies/{other.id}/baseline/import/{import_id}/confirm").status_code == 404
    assert stored(database_url, strategy) == BEFORE
    assert pending_imports(database_url) == 1


def test_an_expired_preview_cannot_be_confirmed(client, db: Session, database_url: str, strategy, areas,
                                               signed_in) -> None:
    from datetime import timedelta

    from planner.models import utcnow

    signed_in("planner")
    import_id = import_id_of(upload(client, strategy, staff_csv(GOOD_ROWS)))
    pending = db.get(StaffImport, import_id)
    assert pending is not None
    pending.created_at = utcnow() - timedelta(hours=2, minutes=1)
    db.add(pending)
    db.commit()
    response = client.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/confirm", follow_redirects=True)
    assert "This preview has expired: upload the file again." in page_text(response)
    assert stored(database_url, strategy) == BEFORE


def test_confirm_is_all_or_nothing(client, database_url: str, strategy, areas, signed_in, monkeypatch) -> None:
    """A failure after the old baseline is deleted but before the import is recorded leaves the old baseline."""
    signed_in("planner")
    import_id = import_id_of(upload(client, strategy, staff_csv(GOOD_ROWS)))

    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(staff_import, "record", fail)
    with pytest.raises(RuntimeError):
        client.post(f"/strategies/{strategy.id}/baseline/import/{import_id}/confirm")
    assert stored(database_url, strategy) == BEFORE
    assert pending_imports(database_url) == 1


def test_skipping_bad_rows_when_every_row_is_bad_stores_nothing(client, database_url: str, strategy, areas,
                                                                signed_in) -> None:
    signed_in("planner")
    response = upload(client, strategy, staff_csv([b[1] for b in BAD if b[0] != "Duplicate assignment"]),
                      skip_bad_rows="yes")
    assert refused(response)
    assert "/confirm" not in response.get_data(as_text=True)
    assert pending_imports(database_url) == 0
    assert stored(database_url, strategy) == BEFORE


def test_board_member_types_are_previewed_and_stored_as_the_boards_counts_by_type(
        client, db: Session, database_url: str, strategy, areas, signed_in) -> None:
    signed_in("planner")
    header = [*HEADER, "Board Member Type"]
    rows = [
        ["3001", "MED", "Board - Executive", "Y", "1", "A", "F", "No", "50", "Executive (voting)"],
        ["3002", "MED", "Board - Executive", "Y", "1", "M", "M", "No", "51", "Executive (non-voting)"],
        ["3003", "MED", "Board - Non-Executive", "Y", "0.1", "H", "F", "Yes", "60", "Non-executive"],
        ["3004", "MED", "Board - Non-Executive", "Y", "0.1", "A", "F", "No", "62", ""],  # whole board only
        [*GOOD_ROWS[0], ""],
    ]
    response = upload(client, strategy, staff_csv(rows, header=header))
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_text(response)))
    assert ("Board member types Executive director (voting): 1; Executive director (non-voting): 1; "
            "Non-executive director: 1") in text
    client.post(f"/strategies/{strategy.id}/baseline/import/{import_id_of(response)}/confirm")
    typed = {(row.board_type, row.group_key): row.count for row in db.exec(
        select(DiversityCount).where(DiversityCount.strategy_id == strategy.id,
                                     DiversityCount.characteristic == "ethnicity",
                                     DiversityCount.board_type.is_not(None)))}  # type: ignore[union-attr]
    assert typed == {("executive_voting", "white"): 1, ("executive_non_voting", "bme"): 1,
                     ("non_executive", "bme"): 1}
    # The untyped counts are the whole board, as before: all four members.
    board = factories.level(db, strategy, "board")
    whole = db.exec(select(func.sum(DiversityCount.count)).where(
        DiversityCount.strategy_id == strategy.id, DiversityCount.characteristic == "ethnicity",
        DiversityCount.level_id == board.id, DiversityCount.board_type.is_(None))).one()  # type: ignore[union-attr]
    assert whole == 4


def test_a_preview_left_an_hour_is_purged_on_the_next_upload(client, db: Session, database_url: str, strategy, areas,
                                                             signed_in) -> None:
    from datetime import timedelta

    from planner.models import AuditEvent, utcnow

    signed_in("planner")
    old_id = import_id_of(upload(client, strategy, staff_csv(GOOD_ROWS)))
    fresh_id = import_id_of(upload(client, strategy, staff_csv(GOOD_ROWS)))
    old = db.get(StaffImport, old_id)
    assert old is not None
    old.created_at = utcnow() - staff_import.PENDING_LIFETIME - timedelta(minutes=1)
    db.add(old)
    db.commit()
    assert pending_imports(database_url) == 2
    newest_id = import_id_of(upload(client, strategy, staff_csv(GOOD_ROWS)))
    with Session(engine_for(database_url)) as session:
        purged = session.get(StaffImport, old_id)
        assert purged is not None
        assert (purged.status, purged.counts, purged.summary) == ("expired", "{}", "{}")
        assert {session.get(StaffImport, i).status for i in (fresh_id, newest_id)} == {"pending"}  # type: ignore[union-attr]
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "expire")).all()
        assert [(e.entity, e.entity_id) for e in events] == [("staff_import", old_id)]
    response = client.post(f"/strategies/{strategy.id}/baseline/import/{old_id}/confirm", follow_redirects=True)
    assert "This preview has expired: upload the file again." in page_text(response)
    assert stored(database_url, strategy) == BEFORE


def test_a_heading_row_of_a_million_columns_is_refused_and_nothing_is_held(client, database_url: str, strategy,
                                                                            areas, signed_in) -> None:
    signed_in("planner")
    data = staff_csv(GOOD_ROWS, header=HEADER + [f"Column {i}" for i in range(1_000_000)])
    boundary = "planner-test-boundary"  # written out: the test client would spool it to a file it never closes
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="extract"; filename="staff.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(f"/strategies/{strategy.id}/baseline/import", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}", follow_redirects=True)
    assert "Error: " in response.get_data(as_text=True).split("</title>")[0]  # the job failed, saying why
    assert parsed(response).errors == [f"Row 1 has {len(HEADER) + 1_000_000:,} columns; the limit is 200."]
    assert pending_imports(database_url) == 0
    assert stored(database_url, strategy) == BEFORE


def test_the_summary_held_for_a_preview_is_bounded(client, db: Session, strategy, areas, signed_in) -> None:
    signed_in("planner")
    extra = [f"Free text column {i} " + "x" * 200 for i in range(200 - len(HEADER))]
    rows = [list(row) + [""] * len(extra) for row in GOOD_ROWS]
    import_id = import_id_of(upload(client, strategy, staff_csv(rows, header=HEADER + extra)))
    pending = db.get(StaffImport, import_id)
    assert pending is not None
    assert len(json.loads(pending.summary)["ignored_columns"]) == len(extra)
    assert len(pending.summary) < 20_000  # every heading cut to 60 characters, at most 200 of them
