"""The demo trust's staff extract looks like an acute trust's workforce: a trust board would not
believe a demo where Band 8b outnumbers 8a, the median age is 35, executives outvote non-executives,
or there are no doctors. And the extract is what scripts/make_demo_extract.py writes, so it can be
remade."""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from planner.imports.values import job_role, parse_band
from planner.reference import medical_grades

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = ROOT / "data" / "demo" / "staff_extract.csv"
EXTRACT_DATE = date(2026, 3, 31)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with EXTRACT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _age(born: str) -> int:
    day, month, year = (int(part) for part in born.split("/"))
    return EXTRACT_DATE.year - year - ((EXTRACT_DATE.month, EXTRACT_DATE.day) < (month, day))


def test_each_band_above_8a_is_smaller_than_the_one_below(rows: list[dict[str, str]]) -> None:
    bands = Counter(row["Pay Band"] for row in rows)
    senior_bands = [bands[f"Band {band}"] for band in ("7", "8a", "8b", "8c", "8d", "9")]
    assert senior_bands == sorted(senior_bands, reverse=True), senior_bands
    # Most Agenda for Change staff are in bands 5 to 7, as in any acute trust.
    agenda_for_change = sum(n for band, n in bands.items() if band.startswith("Band "))
    assert sum(bands[f"Band {band}"] for band in ("5", "6", "7")) / agenda_for_change > 0.5


def test_specialists_at_8a_and_above_are_not_all_leaders(rows: list[dict[str, str]]) -> None:
    at_8a = [row for row in rows if row["Pay Band"] == "Band 8a"]
    assert 0 < sum(row["Leader"] == "Y" for row in at_8a) < len(at_8a)


def test_the_age_profile_is_near_the_nhs_workforce(rows: list[dict[str, str]]) -> None:
    ages = sorted(_age(row["Date of Birth"]) for row in rows)
    aged_45_and_over = sum(age >= 45 for age in ages) / len(ages)
    assert 0.40 <= aged_45_and_over <= 0.55, aged_45_and_over  # NHS Digital: about 45 to 47%
    assert 40 <= ages[len(ages) // 2] <= 46
    assert ages[0] >= 18 and ages[-1] <= 72
    leaders = [_age(row["Date of Birth"]) for row in rows if row["Leader"] == "Y"]
    assert sorted(leaders)[len(leaders) // 2] > ages[len(ages) // 2]  # leaders are older than staff


def test_the_board_has_a_non_executive_majority_of_its_voting_members(rows: list[dict[str, str]]) -> None:
    types = Counter(row["Board Member Type"] for row in rows if row["Board Member Type"])
    assert types["Non-executive"] > types["Executive (voting)"]
    # Board members are on a board band, but for the medical director: a consultant whose job role puts
    # them on the board.
    assert all(row["Pay Band"].startswith("Board") or row["Job Role"] == "Medical Director"
               for row in rows if row["Board Member Type"])


GRADES = set(medical_grades())
RESIDENT = {"Foundation Year 1", "Foundation Year 2", "Core Trainee", "Specialty Registrar", "Locally Employed Doctor"}
SAS = {"Specialty Doctor", "Specialist", "Associate Specialist", "Staff Grade"}


def test_medical_staff_are_in_an_acute_trusts_shape(rows: list[dict[str, str]]) -> None:
    grades = Counter(parse_band(row["Pay Band"]) for row in rows)
    doctors = sum(n for grade, n in grades.items() if grade in GRADES)
    assert 0.12 <= doctors / len(rows) <= 0.15, doctors
    assert set(grades) - GRADES <= {"2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM",
                                   "Board - Executive", "Board - Non-Executive"}  # every row's band is read
    assert 0.35 <= grades["Consultant"] / doctors <= 0.45
    assert 0.40 <= sum(grades[grade] for grade in RESIDENT) / doctors <= 0.50
    assert 0.10 <= sum(grades[grade] for grade in SAS) / doctors <= 0.20
    # Doctors work in the clinical services, not in corporate services.
    assert not [row for row in rows if row["Area"].startswith("CORP") and parse_band(row["Pay Band"]) in GRADES]
    # Foundation doctors are young, consultants are not.
    ages = {grade: [_age(row["Date of Birth"]) for row in rows if parse_band(row["Pay Band"]) == grade]
            for grade in ("Foundation Year 1", "Consultant")}
    assert max(ages["Foundation Year 1"]) <= 30 and min(ages["Consultant"]) >= 33


def test_clinical_leaders_are_placed_by_their_job_roles(rows: list[dict[str, str]]) -> None:
    leaders = [row for row in rows if row["Leader"] == "Y" and job_role(row["Job Role"])]
    roles = Counter(job_role(row["Job Role"]) for row in leaders)
    assert roles["Medical Director"] == 1 and roles["Clinical Director"] == 5 and roles["Clinical Lead"] >= 15
    [director] = [row for row in leaders if row["Job Role"] == "Medical Director"]
    assert (director["Area"] in ("TRUST-BOARD", "Trust Board") and director["Board Member Type"] == "Executive (voting)"
            and parse_band(director["Pay Band"]) == "Consultant")
    assert {row["Area"] for row in leaders if row["Job Role"] == "Clinical Director"} <= {
        "MED", "SURG", "WAC", "CSS", "CIC", "Division of Medicine", "Division of Surgery",
        "Division of Women's and Children's Services", "Division of Clinical Support Services",
        "Division of Community and Integrated Care"}
    assert all(parse_band(row["Pay Band"]) in GRADES for row in leaders)


def test_the_extract_is_what_the_script_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_demo_extract", ROOT / "scripts" / "make_demo_extract.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path / "extract.csv")
    assert (tmp_path / "extract.csv").read_bytes() == EXTRACT.read_bytes()
