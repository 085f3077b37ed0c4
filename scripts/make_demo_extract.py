"""Write data/demo/staff_extract.csv: a synthetic, fictional ESR-style extract for the demo trust
whose counts match data/demo/organisation.json's baseline exactly (staff and leaders per area and
level), with diversity drawn at plausible NHS rates: about a quarter of staff from Black, Asian
and minority ethnic groups, fewer at senior levels. Seeded, so it is the same every time.
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


def person(rng: random.Random, level: str | None) -> dict[str, str]:
    """One fictional person's characteristics at a level (None: not a leader)."""
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
    age = min(rng.randint(youngest, 66), rng.randint(youngest, 66) + 6)
    born = date(2026, 3, 31) - timedelta(days=age * 365 + rng.randint(0, 364))
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


def main() -> None:
    """Write the extract."""
    demo = json.loads((DATA / "organisation.json").read_text())
    names = {a["code"]: a["name"] for a in demo["areas"]}
    rng = random.Random(2026)
    rows = []
    serial = 10_000_000
    for entry in demo["baseline"]:
        area, staff, fte = entry["area"], int(entry["staff"]), float(entry["fte"])
        people: list[tuple[str | None, str]] = []
        for level, count in entry.get("leaders", {}).items():
            people += [(level, rng.choice(BANDS[level])) for _ in range(int(count))]
        people += [(None, rng.choice(STAFF_BANDS)) for _ in range(staff - len(people))]
        # FTE: full time where the area's total allows, the rest part time, summing to the baseline exactly.
        ftes = fte_split(rng, len(people), fte)
        for (level, band), person_fte in zip(people, ftes, strict=True):
            serial += rng.randint(1, 40)
            label = band if band.startswith("Board") or band == "VSM" else f"Band {band}"
            rows.append({"Assignment Number": str(serial), "Area": names[area] if rng.random() < 0.5 else area,
                         "Pay Band": label, "Leader": "Y" if level else "N", "FTE": f"{person_fte:.2f}",
                         **person(rng, level)})
    rng.shuffle(rows)
    with open(DATA / "staff_extract.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows):,} fictional people to {DATA / 'staff_extract.csv'}")


if __name__ == "__main__":
    main()
