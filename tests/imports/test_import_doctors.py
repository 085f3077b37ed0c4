"""Doctors and dentists in a staff extract: medical and dental grades as staff records spell them are
bands like any other, a job role the band map names (Medical Director, Clinical Director, Clinical Lead)
chooses the level before the grade, and anything that is neither is still an unknown band. The counts
expected here are worked out by hand from the rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from planner.imports import ImportResult, read_staff_extract
from planner.imports.grades import GRADES
from planner.imports.values import job_role, parse_band
from planner.models import LeaderCount
from planner.reference import all_bands, default_levels, job_roles, medical_grades
from planner.services import staff_import
from planner.services.structure import levels_of
from tests import factories

AREAS = {"BRD": "BRD", "MED": "MED", "ED": "ED"}
HEADINGS = "Area,Pay Band,Job Role,Leader,Board Member Type"


def default_band_levels() -> dict[str, str]:
    """The band map every new strategy starts with (data/levels.json): bands, grades and job roles."""
    return {name: level["key"] for level in default_levels()["levels"]
            for name in [*level["bands"], *level.get("roles", [])]}


def read(lines: list[str], band_levels: dict[str, str] | None = None, headings: str = HEADINGS,
         **kwargs: Any) -> ImportResult:
    data = "\n".join([headings, *lines]).encode()
    return read_staff_extract(data, "staff.csv", areas=AREAS, as_at=date(2026, 3, 31), board_level="board",
                              band_levels=default_band_levels() if band_levels is None else band_levels, **kwargs)


@pytest.mark.parametrize(("text", "grade"), [
    ("Consultant", "Consultant"), ("CONSULTANT", "Consultant"), ("Locum Consultant", "Consultant"),
    ("Medical & Dental - Consultant", "Consultant"), ("Consultant (Dental)", "Consultant"),
    ("Specialist", "Specialist"), ("Specialist Grade", "Specialist"),
    ("Associate Specialist", "Associate Specialist"),
    ("Specialty Doctor", "Specialty Doctor"), ("Speciality Doctor", "Specialty Doctor"),
    ("Staff Grade", "Staff Grade"),
    ("Specialty Registrar", "Specialty Registrar"), ("Speciality Registrar", "Specialty Registrar"),
    ("Specialty Registrar (full)", "Specialty Registrar"), ("Specialty Registrar (fixed term)", "Specialty Registrar"),
    ("StR", "Specialty Registrar"), ("SpR", "Specialty Registrar"), ("ST1", "Specialty Registrar"),
    ("ST8", "Specialty Registrar"), ("ST4 Registrar", "Specialty Registrar"), ("GPST2", "Specialty Registrar"),
    ("Specialist Registrar", "Specialty Registrar"), ("Registrar", "Specialty Registrar"),
    ("Core Trainee", "Core Trainee"), ("Core Training", "Core Trainee"), ("CT1", "Core Trainee"),
    ("CT3", "Core Trainee"), ("Specialty Registrar (Core Training)", "Core Trainee"),
    ("Dental Core Trainee", "Core Trainee"),
    ("Foundation Year 1", "Foundation Year 1"), ("FY1", "Foundation Year 1"), ("F1", "Foundation Year 1"),
    ("Foundation Doctor Year 1", "Foundation Year 1"), ("Foundation Year 2", "Foundation Year 2"),
    ("FY2", "Foundation Year 2"), ("fy 2", "Foundation Year 2"),
    ("Trust grade", "Locally Employed Doctor"), ("Trust Grade Doctor - Foundation Level", "Locally Employed Doctor"),
    ("Locally employed doctor", "Locally Employed Doctor"), ("Clinical Fellow", "Locally Employed Doctor"),
    ("Hospital Practitioner", "Hospital Practitioner"), ("Clinical Assistant", "Clinical Assistant"),
    ("Community Dental Officer", "Salaried Dentist"),
    # Ranges, the grade again in brackets, the contract's year, a locum post.
    ("ST1-8", "Specialty Registrar"), ("ST3 to ST8", "Specialty Registrar"), ("CT1-3", "Core Trainee"),
    ("Specialty Registrar (StR)", "Specialty Registrar"), ("Foundation Year 1 (FY1)", "Foundation Year 1"),
    ("Core Trainee (CT2)", "Core Trainee"), ("Specialty Doctor (2021)", "Specialty Doctor"),
    ("Specialist 2021", "Specialist"), ("Locum Specialty Registrar", "Specialty Registrar"),
])
def test_medical_and_dental_grades_are_read_as_esr_spells_them(text: str, grade: str) -> None:
    assert parse_band(text) == grade


@pytest.mark.parametrize("text", [
    "Band 11", "Band 8", "ST9", "CT4", "CT1-4", "FY3", "Doctor", "2021", "Nurse Consultant",
    "Clinical Nurse Specialist", "Medical Director",  # a job role, not a grade: it belongs in the Job Role column
])
def test_anything_else_is_still_an_unknown_band(text: str) -> None:
    assert parse_band(text) is None
    result = read([f"ED,{text},,N,"])
    assert result.problem_totals == {"unknown band": 1}
    assert result.problems[0].message == (f"'{text}' is not an Agenda for Change band, VSM, a board role or a "
                                          "medical or dental grade.")
    assert not result.importable


@pytest.mark.parametrize(("text", "role"), [
    ("Medical Director", "Medical Director"), ("Executive Medical Director", "Medical Director"),
    ("Chief Medical Officer", "Medical Director"), ("Deputy Medical Director", "Associate Medical Director"),
    ("Clinical Director", "Clinical Director"), ("Clinical Director - Medical", "Clinical Director"),
    ("clinical director (dental)", "Clinical Director"), ("Clinical Lead", "Clinical Lead"),
    ("Lead Clinician", "Clinical Lead"), ("Staff Nurse", None), ("Consultant", None), ("", None),
])
def test_job_roles_that_may_choose_a_level(text: str, role: str | None) -> None:
    assert job_role(text) == role


def test_the_reference_lists_name_every_grade_the_import_reads() -> None:
    assert medical_grades() == list(GRADES)
    assert all(parse_band(grade) == grade for grade in medical_grades())
    assert all(job_role(role) == role for role in job_roles())
    assert len(set(all_bands())) == len(all_bands())  # no grade is also a job role


# Consultants, specialty doctors and a medical director, with the default band map: Consultant and the
# SAS grades at middle, Specialty Doctor and Specialty Registrar at frontline, Medical Director at the board.
ACUTE = [
    "BRD,Board - Executive,Chief Executive,Y,Executive (voting)",
    "BRD,Consultant,Medical Director,Y,Executive (voting)",  # the job role decides: the board, not middle
    "MED,Consultant,Clinical Director,Y,",  # senior, by job role
    "ED,Consultant,Clinical Lead,Y,",  # middle, by job role
    "ED,Consultant,Consultant,Y,",  # middle, by grade
    "ED,Consultant,Consultant,N,",  # a consultant who is not counted as a leader: staff only
    "ED,Specialty Doctor,Specialty Doctor,Y,",  # frontline, by grade
    "ED,Speciality Doctor,,Y,",
    "ED,Specialty Doctor,,N,",
    "ED,ST4,Specialty Registrar,N,",
    "ED,FY1,,N,",
    "ED,CT2,,N,",
    "ED,Band 7,Ward Manager,Y,",  # a job role the map does not name: the band decides
    "ED,Band 5,Staff Nurse,N,",
]


def check_acute(result: ImportResult, problems: dict[str, int] | None = None) -> None:
    assert result.problem_totals == (problems or {}), result.problems
    assert result.staff == {"BRD": 2, "MED": 1, "ED": 11}
    assert result.leaders == {("BRD", "board"): 2, ("MED", "senior"): 1, ("ED", "middle"): 2,
                              ("ED", "frontline"): 3}
    assert result.board_members == {"executive_voting": 2}
    assert result.grades == {"Foundation Year 1": 1, "Core Trainee": 1, "Specialty Registrar": 1,
                             "Specialty Doctor": 3, "Consultant": 5}
    assert result.medical_leaders == {"board": 1, "senior": 1, "middle": 2, "frontline": 2}
    assert result.roles == {"Clinical Director": 1, "Clinical Lead": 1, "Medical Director": 1}


def test_consultants_specialty_doctors_and_a_medical_director_are_counted_at_their_levels() -> None:
    check_acute(read(ACUTE))


def test_the_counts_are_the_same_when_rows_are_read_one_at_a_time() -> None:
    # The medical director's row (with a board member type) is read on its own, the others a batch at a
    # time; a skipped bad row must leave the doctors' counts exactly as they were.
    result = read([*ACUTE, "ED,Band 11,,N,"], skip_bad_rows=True)
    check_acute(result, {"unknown band": 1})
    assert result.rows_skipped == 1


def test_the_job_role_decides_before_the_grade_only_where_the_map_names_it() -> None:
    band_levels = {"8a": "middle", "Consultant": "middle", "Clinical Director": "senior"}
    result = read([
        "ED,Band 8a,Clinical Director,Y,",  # senior: the role decides, whatever the band
        "ED,Consultant,Clinical Lead,Y,",  # this map gives Clinical Lead no level: the grade decides
        "ED,Consultant,Clinical Director,N,",  # not a leader: the role changes nothing
    ], band_levels)
    assert result.leaders == {("ED", "senior"): 1, ("ED", "middle"): 1}
    assert result.roles == {"Clinical Director": 1}


def test_a_leader_whose_grade_and_role_have_no_level_is_a_problem() -> None:
    result = read(["ED,FY1,Foundation Doctor,Y,", "ED,FY2,,Y,"])
    assert [(p.row, p.column, p.kind) for p in result.problems] == [(2, "Leader", "not a leadership band"),
                                                                    (3, "Leader", "not a leadership band")]
    assert result.problems[0].message == ("Marked as a leader, but this row's pay band and job role are not mapped "
                                          "to a leadership level.")
    assert result.problems[1].message == ("Marked as a leader, but this row's pay band is not mapped to a "
                                          "leadership level.")


def test_without_a_leader_column_every_mapped_grade_and_role_leads() -> None:
    result = read(["ED,Consultant,", "ED,FY1,", "BRD,Associate Specialist,Medical Director"],
                  headings="Area,Grade,Job Role")
    assert result.leaders == {("ED", "middle"): 1, ("BRD", "board"): 1}
    assert result.columns["Pay Band"] == "Grade"  # ESR's own heading for a doctor's grade


def test_a_strategy_imports_its_doctors_into_the_baseline(db: Session, strategy) -> None:  # type: ignore[no-untyped-def]
    for code in AREAS:
        factories.make_area(db, strategy, code)
    data = "\n".join([HEADINGS, *ACUTE]).encode()
    result = staff_import.read(db, strategy, data, "staff.csv")
    check_acute(result)
    pending = staff_import.hold(session=db, strategy=strategy, result=result, filename="staff.csv", actor=None)
    staff_import.apply(session=db, strategy=strategy, pending=pending, actor=None)
    keys = {lv.id: lv.key for lv in levels_of(db, strategy)}
    rows = db.exec(select(LeaderCount).where(LeaderCount.organisation_id == strategy.organisation_id))
    stored = {(keys[row.level_id], row.count) for row in rows if row.count}
    assert sorted(stored) == [("board", 2), ("frontline", 3), ("middle", 2), ("senior", 1)]


def test_a_long_cell_is_not_tried_against_the_grades() -> None:
    # The patterns could take time in proportion to the square of a cell's length (10,000 characters are
    # allowed); no grade is spelled in more than LONGEST letters, so a longer cell is an unknown band at once.
    assert parse_band("Consultant" + " (2021)" * 12) == "Consultant"  # 58 letters and digits
    assert parse_band("Consultant" + " (2021)" * 13) is None  # 62
    assert parse_band("x" + "2021" * 2500 + "y") is None
    assert job_role("Clinical Director" + " - Medical" * 7) is None


def test_more_job_roles_may_be_given_beside_the_band_map() -> None:
    # A known role in another spelling, and a role no spelling rule knows, matched as the file spells it.
    result = read(["MED,Band 8d,Divisional Director of Nursing,Y,", "MED,Consultant,Chief Medical Officer,Y,",
                   "MED,Band 8d,divisional director of nursing,N,", "MED,Band 8d,Director of Nursing,Y,"],
                  {"8d": "senior"}, job_role_levels={"Divisional Director of Nursing": "board",
                                                     "Executive Medical Director": "board"})
    assert result.leaders == {("MED", "board"): 2, ("MED", "senior"): 1}
    assert result.roles == {"Divisional Director of Nursing": 1, "Medical Director": 1}
