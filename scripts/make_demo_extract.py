"""Write data/demo/staff_extract.csv: a synthetic, fictional ESR-style extract for the demo trust
whose counts match data/demo/organisation.json's baseline exactly (staff and leaders per area and
level), with diversity drawn at plausible NHS rates: about a quarter of staff from Black, Asian
and minority ethnic groups, fewer at senior levels; pay bands and ages in an acute trust's shape;
a board with a non-executive majority; medical staff in an acute trust's shape (about one in eight
staff, in the clinical services; consultants about 40% of them, resident doctors about 45%,
specialty and specialist (SAS) doctors about 15%), with a medical director on the board, a
clinical director in each clinical division and a clinical lead in each medical specialty, each
placed at their level by their job role. Seeded, so it is the same every time.
Run: .venv/bin/python scripts/make_demo_extract.py"""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "demo"
BANDS = {"board": ["Board - Executive", "Board - Non-Executive"], "senior": ["8d", "9", "VSM"],
         "middle": ["8a", "8b", "8c"], "frontline": ["6", "7"]}
STAFF_BANDS = ["2", "3", "4", "5", "5", "5", "6", "6", "7"]
# The shape of an acute trust's Agenda for Change workforce (NHS Digital's pattern, without medical
# and dental staff): most staff in bands 5 to 7, and each band above 8a smaller than the one below.
# Weights are per 1,000 staff who are not leaders, then by leadership level.
BAND_WEIGHTS: dict[str | None, dict[str, int]] = {
    None: {"2": 150, "3": 125, "4": 85, "5": 250, "6": 190, "7": 130, "8a": 45, "8b": 17, "8c": 5, "8d": 2, "9": 1},
    "frontline": {"6": 30, "7": 70},
    "middle": {"8a": 55, "8b": 30, "8c": 15},
    "senior": {"8d": 45, "9": 25, "VSM": 30},
}
# Age at the extract's date in ten-year bands, as shares (NHS Digital's workforce statistics: about
# 45% of staff are aged 45 or over; leaders are older, board members oldest).
AGE_BANDS: dict[str | None, dict[tuple[int, int], int]] = {
    None: {(18, 24): 7, (25, 34): 23, (35, 44): 24, (45, 54): 26, (55, 64): 18, (65, 69): 2},
    "frontline": {(26, 34): 15, (35, 44): 30, (45, 54): 33, (55, 64): 21, (65, 67): 1},
    "middle": {(30, 34): 5, (35, 44): 28, (45, 54): 40, (55, 64): 26, (65, 67): 1},
    "senior": {(36, 44): 20, (45, 54): 45, (55, 64): 34, (65, 67): 1},
    "board": {(42, 44): 5, (45, 54): 35, (55, 64): 45, (65, 72): 15},
}
# The board in the order its members are drawn: seven non-executives, six voting executives and two
# non-voting executives (a non-executive majority of the voting members, as the Code of Governance asks).
BOARD_TYPES = ["Non-executive", "Non-executive", "Executive (voting)", "Executive (non-voting)", "Non-executive",
               "Non-executive", "Non-executive", "Executive (voting)", "Executive (voting)", "Executive (voting)",
               "Executive (voting)", "Non-executive", "Executive (non-voting)", "Non-executive", "Executive (voting)"]
EXTRACT_DATE = date(2026, 3, 31)
# Doctors and dentists: the share of each clinical service's staff who are not leaders who are doctors
# (none in corporate services, therapies, pharmacy, outpatients and most community nursing), so that
# about 13% of the trust's staff are medical, as in an acute trust (NHS Digital's workforce statistics).
DOCTOR_SHARE = {
    "MED-ED": 0.30, "MED-AMU": 0.26, "MED-COP": 0.17, "MED-CR": 0.21, "MED-GIM": 0.23, "MED-ONC": 0.19,
    "SURG-THEA": 0.30, "SURG-CC": 0.21, "SURG-GSU": 0.29, "SURG-TO": 0.29, "SURG-HN": 0.31,
    "WAC-MAT": 0.12, "WAC-GYN": 0.29, "WAC-PAED": 0.25, "WAC-NEO": 0.15,
    "CSS-RAD": 0.17, "CSS-PATH": 0.08, "CIC-CH": 0.05, "CIC-VW": 0.10, "CIC-UCR": 0.04,
}
# Grades of the doctors who are not leaders, per 100 (the clinical leaders below are consultants or
# associate specialists): consultants, resident doctors, then SAS doctors. How ESR spells each grade;
# the job role is the grade's own.
GRADE_WEIGHTS = {
    "Consultant": 37, "Specialty Registrar": 18, "Core Trainee": 11, "Foundation Year 2": 7, "Foundation Year 1": 7,
    "Trust Grade": 4, "Specialty Doctor": 10, "Specialist": 3, "Associate Specialist": 2, "Staff Grade": 1,
}
# The ages (on the extract's date) at which a doctor can hold each grade.
GRADE_AGES = {
    "Consultant": (33, 69), "Specialty Registrar": (27, 45), "Core Trainee": (25, 36), "Foundation Year 2": (24, 32),
    "Foundation Year 1": (23, 30), "Trust Grade": (25, 45), "Specialty Doctor": (30, 65), "Specialist": (38, 67),
    "Associate Specialist": (45, 67), "Staff Grade": (45, 67),
}
JOB_ROLES = {"Trust Grade": "Locally Employed Doctor"}  # the grade's job role where it is not the grade's name
CLINICAL_DIVISIONS = ("MED", "SURG", "WAC", "CSS", "CIC")
# Doctors are drawn from staff in the bands most staff are in, so the senior bands' shape stays as it was.
DOCTOR_FROM = {"Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7"}


def weighted(rng: random.Random, weights: dict) -> object:  # type: ignore[type-arg]
    """One key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), list(weights.values()))[0]
# Share from BME groups by level (national WRES pattern: about 26% of staff, fewer in senior roles).
BME_SHARE = {"board": 0.13, "senior": 0.10, "middle": 0.15, "frontline": 0.20, None: 0.27}
FEMALE_SHARE = {"board": 0.5, "senior": 0.6, "middle": 0.7, "frontline": 0.78, None: 0.77}
WHITE_CODES = ["A"] * 85 + ["B"] * 3 + ["C"] * 12
BME_CODES = ["D", "E", "F", "G"] + ["H"] * 14 + ["J"] * 8 + ["K"] * 2 + ["L"] * 6 + ["M"] * 6 + ["N"] * 10 + ["P"] * 2 + ["R"] * 2 + ["S"] * 6
ETHNIC_TEXT = {"A": "White - British", "B": "White - Irish", "C": "White - Any other White background",
               "D": "Mixed - White & Black Caribbean", "E": "Mixed - White & Black African",
               "F": "Mixed - White & Asian", "G": "Mixed - Any other mixed background", "H": "Asian or Asian British - Indian",
               "J": "Asian or Asian British - Pakistani", "K": "Asian or Asian British - Bangladeshi",
               "L": "Asian or Asian British - Any other Asian background", "M": "Black or Black British - Caribbean",
               "N": "Black or Black British - African", "P": "Black or Black British - Any other Black background",
               "R": "Chinese", "S": "Any Other Ethnic Group", "Z": "Not Stated"}


def person(rng: random.Random, shape: random.Random, level: str | None) -> dict[str, str]:
    """One fictional person's characteristics at a level (None: not a leader). `rng` draws what the
    first demo drew (so its diversity counts stay as they were); `shape` draws age."""
    roll = rng.random()
    if roll < 0.03:
        code = "Z"
    elif roll < 0.03 + BME_SHARE[level]:
        code = rng.choice(BME_CODES)
    else:
        code = rng.choice(WHITE_CODES)
    sex = "Female" if rng.random() < FEMALE_SHARE[level] else "Male"
    disability = rng.choices(["Yes", "No", "Not Declared", "Prefer Not To Answer", ""], [5, 78, 12, 3, 2])[0]
    youngest = {"board": 40, "senior": 35, "middle": 30, "frontline": 25, None: 18}[level]
    min(rng.randint(youngest, 66), rng.randint(youngest, 66) + 6), rng.randint(0, 364)  # the first demo's ages
    low, high = weighted(shape, AGE_BANDS[level])  # type: ignore[misc]
    age = shape.randint(low, high)
    born = EXTRACT_DATE - timedelta(days=age * 365 + age // 4 + shape.randint(0, 364))
    return {"Ethnic Origin": f"{code} {ETHNIC_TEXT[code]}", "Gender": sex, "Disability": disability,
            "Date of Birth": born.strftime("%d/%m/%Y")}


def fte_split(rng: random.Random, people: int, total: float) -> list[float]:
    """Whole-time equivalents in hundredths, each from 0.2 to 1.0, adding up to `total`."""
    cents = round(total * 100)
    values = [100] * people
    surplus = 100 * people - cents
    order = list(range(people))
    rng.shuffle(order)
    for i in order:  # turn some people part time until the total is right
        if surplus <= 0:
            break
        cut = min(surplus, rng.choice([20, 40, 50, 60]))
        values[i] -= cut
        surplus -= cut
    return [v / 100 for v in values]


def _age(row: dict[str, str]) -> int:
    """A row's age on the extract's date, from its date of birth."""
    day, month, year = (int(part) for part in row["Date of Birth"].split("/"))
    return EXTRACT_DATE.year - year - ((EXTRACT_DATE.month, EXTRACT_DATE.day) < (month, day))


def add_doctors(medic: random.Random, area: str, rows: list[dict[str, str]], levels: list[str | None]) -> None:
    """Make some of an area's people doctors, in place: its clinical leaders (the medical director, a
    division's clinical director, a specialty's clinical lead) and a share of its other staff, each of an
    age that fits the grade. Drawn from `medic` alone, so everything else the first demo drew stays as it
    was: the areas' staff, leaders, FTE and diversity counts are unchanged."""
    def make(row: dict[str, str], grade: str, role: str) -> None:
        row["Pay Band"], row["Job Role"] = grade, role

    if area == "TRUST-BOARD":
        director = next(r for r, lv in zip(rows, levels, strict=True)
                        if lv == "board" and r["Board Member Type"] == "Executive (voting)")
        make(director, "Consultant", "Medical Director")
        return
    if area in CLINICAL_DIVISIONS:
        make(medic.choice([r for r, lv in zip(rows, levels, strict=True) if lv == "senior"]), "Consultant",
             "Clinical Director")
        return
    share = DOCTOR_SHARE.get(area, 0.0)
    if share >= 0.1:  # a medical specialty: one of its middle leaders is its clinical lead
        lead = medic.choice([r for r, lv in zip(rows, levels, strict=True) if lv == "middle"])
        make(lead, "Associate Specialist" if medic.random() < 0.15 else "Consultant", "Clinical Lead")
    candidates = [r for r, lv in zip(rows, levels, strict=True) if lv is None and r["Pay Band"] in DOCTOR_FROM]
    ages = {id(r): _age(r) for r in candidates}
    for _ in range(round(share * sum(lv is None for lv in levels))):
        grade = str(weighted(medic, GRADE_WEIGHTS))
        low, high = GRADE_AGES[grade]
        fits = [r for r in candidates if low <= ages[id(r)] <= high]
        if not fits:
            continue
        chosen = medic.choice(fits)
        candidates.remove(chosen)
        make(chosen, grade, JOB_ROLES.get(grade, grade))


def main(out: Path = DATA / "staff_extract.csv") -> None:
    """Write the extract."""
    demo = json.loads((DATA / "organisation.json").read_text())
    names = {a["code"]: a["name"] for a in demo["areas"]}
    rng = random.Random(2026)
    shape = random.Random(45)
    medic = random.Random(19)
    board = iter(BOARD_TYPES)
    rows = []
    serial = 10_000_000
    for entry in demo["baseline"]:
        area, staff, fte = entry["area"], int(entry["staff"]), float(entry["fte"])
        people: list[tuple[str | None, str]] = []
        for level, count in entry.get("leaders", {}).items():
            for _ in range(int(count)):
                rng.choice(BANDS[level])  # the first demo's band, drawn so the rest stays as it was
                people.append((level, str(weighted(shape, BAND_WEIGHTS[level])) if level != "board" else ""))
        for _ in range(staff - len(people)):
            rng.choice(STAFF_BANDS)
            people.append((None, str(weighted(shape, BAND_WEIGHTS[None]))))
        # FTE: full time where the area's total allows, the rest part time, summing to the baseline exactly.
        ftes = fte_split(rng, len(people), fte)
        area_rows: list[dict[str, str]] = []
        for (level, band), person_fte in zip(people, ftes, strict=True):
            serial += rng.randint(1, 40)
            board_type = next(board) if level == "board" else ""
            if board_type:
                label = "Board - Non-Executive" if board_type == "Non-executive" else "Board - Executive"
            else:
                label = band if band == "VSM" else f"Band {band}"
            area_rows.append({"Assignment Number": str(serial), "Area": names[area] if rng.random() < 0.5 else area,
                              "Pay Band": label, "Job Role": "", "Leader": "Y" if level else "N",
                              "FTE": f"{person_fte:.2f}", **person(rng, shape, level), "Board Member Type": board_type})
        add_doctors(medic, area, area_rows, [level for level, _ in people])
        rows.extend(area_rows)
    rng.shuffle(rows)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows):,} fictional people to {out}")


if __name__ == "__main__":
    main()
