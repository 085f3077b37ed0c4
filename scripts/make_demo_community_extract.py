"""Write data/demo/community_staff_extract.csv: a synthetic, fictional ESR-style extract for the demo
system's community and mental health trust (data/demo/community.json), whose counts match that file's
baseline exactly (staff, FTE and leaders per area and level), with diversity at plausible rates for a
community and mental health trust in a mostly white part of England: about one in six staff from Black,
Asian and minority ethnic groups (more Black African staff than in an acute trust, as in mental health
nursing), fewer among its leaders (dealt out exactly, so a level of 7 is not left with no one from a
group by chance); four in five staff women, fewer at the top; about one in sixteen declaring a
disability; an older workforce than an acute trust's (district nursing), about half aged 45 or over;
bands 3 and 6 the largest (support workers, community nurses and therapists); a board of six
non-executives, five voting and one non-voting executive; psychiatrists in the adult and children's
mental health services, with a medical director on the board, a clinical director in the mental health
division and a clinical lead in each of its two services. The senior level is small (7 leaders), so its
groups are small counts that the disclosure rule withholds. Seeded, so it is the same every time.
Run: .venv/bin/python scripts/make_demo_community_extract.py"""

from __future__ import annotations

import csv
import json
import random
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the acute demo's script, for what both share
from make_demo_extract import ETHNIC_TEXT, EXTRACT_DATE, WHITE_CODES, fte_split, weighted  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data" / "demo"
# Agenda for Change bands of the staff who are not leaders, per 1,000 (a community and mental health
# trust's shape: many support workers at band 3, many community nurses and therapists at band 6), then
# by leadership level. Each band above 7 is smaller than the one below.
BAND_WEIGHTS: dict[str | None, dict[str, int]] = {
    None: {"2": 45, "3": 185, "4": 110, "5": 215, "6": 265, "7": 120, "8a": 40, "8b": 12, "8c": 5, "8d": 2, "9": 1},
    "frontline": {"6": 40, "7": 60},
    "middle": {"8a": 55, "8b": 30, "8c": 15},
    "senior": {"8d": 45, "9": 25, "VSM": 30},
}
AGE_BANDS: dict[str | None, dict[tuple[int, int], int]] = {
    None: {(18, 24): 4, (25, 34): 19, (35, 44): 25, (45, 54): 29, (55, 64): 21, (65, 69): 2},
    "frontline": {(27, 34): 12, (35, 44): 30, (45, 54): 35, (55, 64): 22, (65, 67): 1},
    "middle": {(31, 34): 4, (35, 44): 26, (45, 54): 42, (55, 64): 27, (65, 67): 1},
    "senior": {(38, 44): 18, (45, 54): 46, (55, 64): 35, (65, 67): 1},
    "board": {(43, 44): 5, (45, 54): 35, (55, 64): 45, (65, 72): 15},
}
# Shares of each level's leaders in the WRES groups, dealt out exactly (rounded) rather than drawn, so
# that a level of 7 or 31 people is not left with no one from a group by chance: fewer from BME groups at
# each level up to senior (a board often has a non-executive from one); a few more leaders than staff
# have not stated their ethnic group. Staff who are not leaders are drawn at the staff's rates.
LEADER_GROUPS = {"board": {"bme": 0.17, "not_stated": 0.0}, "senior": {"bme": 0.14, "not_stated": 0.0},
                 "middle": {"bme": 0.1, "not_stated": 0.03}, "frontline": {"bme": 0.14, "not_stated": 0.06}}
BME_SHARE = {None: 0.18}
FEMALE_SHARE = {"board": 0.5, "senior": 0.62, "middle": 0.74, "frontline": 0.82, None: 0.81}
NOT_STATED = 0.04
# Black, Asian and minority ethnic categories, weighted: more Black African staff (mental health
# nursing) and fewer Chinese staff than in the acute trust's extract.
BME_CODES = {"D": 2, "E": 2, "F": 2, "G": 2, "H": 12, "J": 10, "K": 3, "L": 6, "M": 6, "N": 16, "P": 2, "R": 1,
             "S": 5}
DISABILITY = {"Yes": 6, "No": 76, "Not Declared": 13, "Prefer Not To Answer": 3, "": 2}
# Twelve board members in the order they are drawn: the chair and five other non-executives, five
# voting executives and one without a vote (a non-executive majority of the voting members).
BOARD_TYPES = ["Non-executive", "Executive (voting)", "Non-executive", "Executive (voting)", "Non-executive",
               "Executive (voting)", "Non-executive", "Executive (voting)", "Non-executive",
               "Executive (non-voting)", "Non-executive", "Executive (voting)"]
# Psychiatrists: the share of the staff who are not leaders who are doctors, in the services that have them.
DOCTOR_SHARE = {"MH-ADULT": 0.08, "MH-CAMHS": 0.07}
GRADE_WEIGHTS = {"Consultant": 38, "Specialty Doctor": 22, "Specialist": 4, "Associate Specialist": 2,
                 "Specialty Registrar": 14, "Core Trainee": 12, "Foundation Year 2": 5, "Foundation Year 1": 3}
GRADE_AGES = {"Consultant": (33, 67), "Specialty Doctor": (30, 65), "Specialist": (38, 67),
              "Associate Specialist": (45, 67), "Specialty Registrar": (27, 45), "Core Trainee": (25, 36),
              "Foundation Year 2": (24, 32), "Foundation Year 1": (23, 30)}
DOCTOR_FROM = {"Band 5", "Band 6", "Band 7"}  # doctors replace staff in these bands, so the senior bands stay


def person(rng: random.Random, level: str | None, group: str | None = None) -> dict[str, str]:
    """One fictional person's characteristics at a level (None: not a leader), in a WRES group when given
    ("white", "bme" or "not_stated"), else drawn at the staff's rates."""
    if group is None:
        roll = rng.random()
        group = "not_stated" if roll < NOT_STATED else "bme" if roll < NOT_STATED + BME_SHARE[None] else "white"
    code = {"not_stated": "Z", "bme": str(weighted(rng, BME_CODES)), "white": rng.choice(WHITE_CODES)}[group]
    sex = "Female" if rng.random() < FEMALE_SHARE[level] else "Male"
    low, high = weighted(rng, AGE_BANDS[level])  # type: ignore[misc]
    age = rng.randint(low, high)
    born = EXTRACT_DATE - timedelta(days=age * 365 + age // 4 + rng.randint(0, 364))
    return {"Ethnic Origin": f"{code} {ETHNIC_TEXT[code]}", "Gender": sex, "Disability": str(weighted(rng, DISABILITY)),
            "Date of Birth": born.strftime("%d/%m/%Y")}


def _age(row: dict[str, str]) -> int:
    day, month, year = (int(part) for part in row["Date of Birth"].split("/"))
    return EXTRACT_DATE.year - year - ((EXTRACT_DATE.month, EXTRACT_DATE.day) < (month, day))


def add_doctors(rng: random.Random, area: str, rows: list[dict[str, str]], levels: list[str | None]) -> None:
    """Make some of an area's people doctors, in place: the medical director on the board, a clinical
    director in the mental health division, a clinical lead in each mental health service, and a share
    of the services' other staff, each of an age that fits the grade."""
    def leader(level: str) -> dict[str, str]:
        return rng.choice([r for r, lv in zip(rows, levels, strict=True) if lv == level])

    if area == "TRUST-BOARD":
        director = next(r for r, lv in zip(rows, levels, strict=True)
                        if lv == "board" and r["Board Member Type"] == "Executive (voting)")
        director["Pay Band"], director["Job Role"] = "Consultant", "Medical Director"
    elif area == "MH":
        chosen = leader("senior")
        chosen["Pay Band"], chosen["Job Role"] = "Consultant", "Clinical Director"
    elif area in DOCTOR_SHARE:
        chosen = leader("middle")
        chosen["Pay Band"], chosen["Job Role"] = "Consultant", "Clinical Lead"
        candidates = [r for r, lv in zip(rows, levels, strict=True) if lv is None and r["Pay Band"] in DOCTOR_FROM]
        for _ in range(round(DOCTOR_SHARE[area] * sum(lv is None for lv in levels))):
            grade = str(weighted(rng, GRADE_WEIGHTS))
            low, high = GRADE_AGES[grade]
            fits = [r for r in candidates if low <= _age(r) <= high]
            if fits:
                doctor = rng.choice(fits)
                candidates.remove(doctor)
                doctor["Pay Band"], doctor["Job Role"] = grade, grade


def _leader_groups(rng: random.Random, baseline: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each level's leaders' WRES groups, shuffled, in the shares of LEADER_GROUPS (the rest white)."""
    totals: dict[str, int] = {}
    for entry in baseline:
        for level, count in entry.get("leaders", {}).items():
            totals[level] = totals.get(level, 0) + int(count)
    decks = {}
    for level, total in totals.items():
        deck = [group for group, part in LEADER_GROUPS[level].items() for _ in range(round(part * total))]
        deck += ["white"] * (total - len(deck))
        rng.shuffle(deck)
        decks[level] = deck
    return decks


def main(out: Path = DATA / "community_staff_extract.csv") -> None:
    """Write the extract."""
    trust = json.loads((DATA / "community.json").read_text(encoding="utf-8"))
    names = {a["code"]: a["name"] for a in trust["areas"]}
    rng = random.Random(2031)
    board = iter(BOARD_TYPES)
    decks = _leader_groups(rng, trust["baseline"])
    rows: list[dict[str, str]] = []
    serial = 20_000_000
    for entry in trust["baseline"]:
        area, staff = entry["area"], int(entry["staff"])
        levels: list[str | None] = [lv for lv, n in entry.get("leaders", {}).items() for _ in range(int(n))]
        levels += [None] * (staff - len(levels))
        # FTE: full time where the area's total allows, the rest part time, summing to the baseline exactly.
        ftes = fte_split(rng, staff, float(entry["fte"]))
        area_rows = []
        for level, fte in zip(levels, ftes, strict=True):
            serial += rng.randint(1, 40)
            board_type = next(board) if level == "board" else ""
            if board_type:
                label = "Board - Non-Executive" if board_type == "Non-executive" else "Board - Executive"
            else:
                band = str(weighted(rng, BAND_WEIGHTS[level]))
                label = band if band == "VSM" else f"Band {band}"
            area_rows.append({"Assignment Number": str(serial), "Area": names[area] if rng.random() < 0.5 else area,
                              "Pay Band": label, "Job Role": "", "Leader": "Y" if level else "N",
                              "FTE": f"{fte:.2f}", **person(rng, level, decks[level].pop() if level else None),
                              "Board Member Type": board_type})
        add_doctors(rng, area, area_rows, levels)
        rows.extend(area_rows)
    rng.shuffle(rows)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows):,} fictional people to {out}")


if __name__ == "__main__":
    main()
