"""A generated extract imports to exactly what a plain, independent count of the same rows gives.

The generator draws each person's true area, band, leader flag, ethnic category, sex, disability and
date of birth, then writes each value in one of the spellings an extract might use. The reference
count works from the drawn truth with plain loops and its own tables, never from the importer."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date
from typing import Any

import openpyxl
import pytest

from planner.imports import ImportResult, read_staff_extract

AS_AT = date(2025, 3, 31)
# code, name
AREA_LIST = [("TR", "The Trust"), ("MED", "Medicine Division"), ("ED", "Emergency Department"),
             ("W12", "Ward 12"), ("SUR", "Surgery"), ("THE", "Theatres"), ("COR", "Corporate Services"),
             ("FIN", "Finance & Procurement")]
AREAS = {name: code for code, name in AREA_LIST} | {code: code for code, _ in AREA_LIST}
BAND_LEVELS = {"Board - Executive": "board", "Board - Non-Executive": "board", "8d": "senior", "9": "senior",
               "VSM": "senior", "8a": "middle", "8b": "middle", "8c": "middle", "6": "frontline", "7": "frontline"}
ALL_BANDS = ["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM", "Board - Executive",
             "Board - Non-Executive"]
# Ethnic category letter -> ONS high-level group, written out here from the NHS data dictionary.
ONS = {"A": "white", "B": "white", "C": "white", "D": "mixed", "E": "mixed", "F": "mixed", "G": "mixed",
       "H": "asian", "J": "asian", "K": "asian", "L": "asian", "M": "black", "N": "black", "P": "black",
       "R": "other", "S": "other", "Z": "not_stated"}
ESR_TEXT = {"A": "A White - British", "B": "B White - Irish", "C": "C White - Any other White background",
            "D": "D Mixed - White & Black Caribbean", "H": "H Asian or Asian British - Indian",
            "L": "LK Asian Sri Lankan", "M": "M Black or Black British - Caribbean", "N": "N Black - African",
            "R": "R Chinese", "S": "S Any Other Ethnic Group", "Z": "Z Not Stated"}
SEX_SPELLINGS = {"female": ["F", "Female", "female"], "male": ["M", "Male", "MALE"], "not_stated": ["", "Unknown"]}
DISABILITY_SPELLINGS = {"disabled": ["Yes", "Y"], "not_disabled": ["No", "no"],
                        "not_declared": ["Not Declared", "Prefer Not To Answer", ""]}
HEADINGS = ["Assignment Number", "Area", "Pay Band", "Leader", "FTE", "Ethnic Origin", "Gender", "Disability",
            "Date of Birth"]


@dataclass
class Person:
    """The truth about one generated row, and how the row spells it."""

    area: str
    band: str
    leader: bool
    fte: float
    ethnic: str
    sex: str
    disability: str
    born: date | None
    cells: list[Any]
    bad: bool = False


def spell_band(rng: random.Random, band: str) -> str:
    if band[0].isdigit():
        return rng.choice([f"Band {band}", band, band.upper(), f"band {band}"])
    return rng.choice([band, band.upper()])


def spell_ethnic(rng: random.Random, letter: str) -> str:
    options = [letter, letter.lower()] + ([ESR_TEXT[letter]] if letter in ESR_TEXT else [])
    return rng.choice(options)


def generate(count: int, seed: int, *, leader_column: bool = True, bad_share: float = 0.0) -> list[Person]:
    """count people, some with a problem planted in one cell when bad_share > 0."""
    rng = random.Random(seed)
    people = []
    for i in range(count):
        code, name = rng.choice(AREA_LIST)
        band = rng.choice(ALL_BANDS)
        leader = band in BAND_LEVELS and (rng.random() < 0.7 or not leader_column)
        fte = rng.choice([1.0, 1.0, 0.8, 0.6, 0.5, 0.4, 0.27])
        letter = rng.choice(list(ONS))
        sex = rng.choice(list(SEX_SPELLINGS))
        disability = rng.choice(list(DISABILITY_SPELLINGS))
        born = None if rng.random() < 0.05 else date(rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28))
        cells: list[Any] = [
            f"{40000000 + i}", rng.choice([code, name, name.upper(), f" {code.lower()} "]), spell_band(rng, band),
            ("Y" if leader else rng.choice(["N", ""])), str(fte), spell_ethnic(rng, letter),
            rng.choice(SEX_SPELLINGS[sex]), rng.choice(DISABILITY_SPELLINGS[disability]),
            born.strftime(rng.choice(["%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y"])) if born else "",
        ]
        person = Person(code, band, leader, fte, letter, sex, disability, born, cells)
        if rng.random() < bad_share:
            column, value = rng.choice([(1, "Nowhere"), (2, "Band 11"), (5, "X7"), (6, "Q"), (7, "maybe"),
                                        (2, ""), (4, "lots")])
            cells[column] = value
            person.bad = True
        if not leader_column:
            del cells[3]
        people.append(person)
    return people


def reference_count(people: list[Person]) -> dict[str, Any]:
    """The counts, by plain loops over the truth of the rows without problems."""
    staff: dict[str, int] = {}
    fte: dict[str, float] = {}
    leaders: dict[tuple[str, str], int] = {}
    diversity: dict[tuple[str, str | None, str, str], int] = {}
    for p in people:
        if p.bad:
            continue
        staff[p.area] = staff.get(p.area, 0) + 1
        fte[p.area] = fte.get(p.area, 0.0) + p.fte
        level = BAND_LEVELS[p.band] if p.leader else None
        if level:
            leaders[(p.area, level)] = leaders.get((p.area, level), 0) + 1
        if p.born is None:
            band = "unknown"
        else:
            age = AS_AT.year - p.born.year
            if (AS_AT.month, AS_AT.day) < (p.born.month, p.born.day):
                age -= 1
            if age < 25:
                band = "under_25"
            elif age < 35:
                band = "25_34"
            elif age < 45:
                band = "35_44"
            elif age < 55:
                band = "45_54"
            elif age < 65:
                band = "55_64"
            else:
                band = "65_plus"
        wres = "not_stated" if p.ethnic == "Z" else "white" if ONS[p.ethnic] == "white" else "bme"
        facts = [("ethnicity", wres), ("ethnicity_ons", ONS[p.ethnic]), ("sex", p.sex), ("disability", p.disability),
                 ("age_band", band)]
        for who in [None, level] if level else [None]:
            for characteristic, group in facts:
                key = (p.area, who, characteristic, group)
                diversity[key] = diversity.get(key, 0) + 1
    return {"staff": staff, "fte": fte, "leaders": leaders, "diversity": diversity}


def to_csv(people: list[Person], headings: list[str], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(p.cells for p in people)
    return out.getvalue().encode(encoding)


def to_xlsx(people: list[Person], headings: list[str]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Extract")
    sheet.append(headings)
    for p in people:
        sheet.append(p.cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes, name: str, **kwargs: Any) -> ImportResult:
    return read_staff_extract(data, name, areas=AREAS, band_levels=BAND_LEVELS, as_at=AS_AT, **kwargs)


def assert_matches(result: ImportResult, expected: dict[str, Any]) -> None:
    assert result.staff == expected["staff"]
    assert result.fte == pytest.approx(expected["fte"], abs=1e-9)
    assert result.leaders == expected["leaders"]
    assert result.diversity == expected["diversity"]


PEOPLE = generate(2000, seed=20250331)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_generated_extract_matches_an_independent_count(kind: str) -> None:
    data = to_csv(PEOPLE, HEADINGS) if kind == "csv" else to_xlsx(PEOPLE, HEADINGS)
    result = read(data, f"extract.{kind}")
    assert result.file_kind == kind
    assert result.problems == [] and result.problem_totals == {} and result.importable
    assert (result.rows_read, result.rows_skipped) == (2000, 0)
    assert sum(result.staff.values()) == 2000
    assert_matches(result, reference_count(PEOPLE))


def test_without_a_leader_column_every_leadership_band_counts() -> None:
    people = generate(1500, seed=7, leader_column=False)
    headings = [h for h in HEADINGS if h != "Leader"]
    result = read(to_csv(people, headings), "extract.csv")
    assert result.problems == []
    assert_matches(result, reference_count(people))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_skipping_bad_rows_counts_exactly_the_good_ones(kind: str) -> None:
    people = generate(2000, seed=99, bad_share=0.1)
    bad = sum(p.bad for p in people)
    assert 100 < bad < 300
    data = to_csv(people, HEADINGS) if kind == "csv" else to_xlsx(people, HEADINGS)
    strict = read(data, f"extract.{kind}")
    assert not strict.importable and sum(strict.problem_totals.values()) == bad and len(strict.problems) == 100
    result = read(data, f"extract.{kind}", skip_bad_rows=True)
    assert result.importable
    assert (result.rows_read, result.rows_skipped) == (2000, bad)
    assert_matches(result, reference_count(people))
    bad_rows = {i + 2 for i, p in enumerate(people) if p.bad}
    assert {problem.row for problem in result.problems} <= bad_rows
