"""Write the demo trust's workforce evidence for 1 April 2025 to 31 March 2026 (docs/evidence.md), fictional
and synthetic like data/demo/staff_extract.csv (the end of the period, the baseline):

- data/demo/leavers.csv: about one in ten staff left in the year, leaders a little less often; each leaver is
  drawn like a person of the end extract (area, band or grade, job role, leader flag, a date of birth near
  theirs), with ESR's reasons for leaving: mostly retirement from 60, often from 55 ("Retirement Age",
  "Flexi Retirement", "Voluntary Early Retirement - with Actuarial Reduction"), else resignations and the end
  of fixed-term contracts; a few "Employee Transfer" rows (moves inside the trust, not counted);
- data/demo/staff_extract_start.csv: the workforce on 1 April 2025: the end extract less the people who
  joined during the year (about as many as left) plus the leavers, who were still in post then.

Seeded (2025), separately from the end extract, so it is the same every time.
Run: .venv/bin/python scripts/make_demo_evidence.py"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "demo"
START, END = date(2025, 4, 1), date(2026, 3, 31)
LEAVE = {"Y": 0.085, "N": 0.10}  # the chance a leader, or anyone else, of the end extract's shape left
RESIGNATIONS = {"Voluntary Resignation - Work Life Balance": 30, "Voluntary Resignation - Relocation": 20,
                "Voluntary Resignation - Promotion": 20, "Voluntary Resignation - Better Reward Package": 8,
                "Voluntary Resignation - Other/Not Known": 10, "End of Fixed Term Contract": 8,
                "Dismissal - Capability": 2, "Death in Service": 1}
RETIREMENTS = {"Retirement Age": 60, "Flexi Retirement": 25,
               "Voluntary Early Retirement - with Actuarial Reduction": 12, "Retirement - Ill Health": 3}
LEAVER_COLUMNS = ["Assignment Number", "Area", "Pay Band", "Job Role", "Leader", "Termination Date",
                  "Reason for Leaving", "Date of Birth"]


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def born(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def reason(rng: random.Random, age: int) -> str:
    """Retirement grows likely with age: most leavers from 60, a third from 55 to 59, none before 50."""
    chance = 0.8 if age >= 60 else 0.35 if age >= 55 else 0.04 if age >= 50 else 0.0
    return weighted(rng, RETIREMENTS) if rng.random() < chance else weighted(rng, RESIGNATIONS)


def main() -> None:
    """Write both files."""
    with open(DATA / "staff_extract.csv", encoding="utf-8", newline="") as handle:
        end_rows = list(csv.DictReader(handle))
    rng = random.Random(2025)
    serial = 20_000_000
    leavers: list[dict[str, str]] = []
    start_extra: list[dict[str, str]] = []
    for row in end_rows:
        if rng.random() >= LEAVE[row["Leader"]]:
            continue
        serial += rng.randint(1, 40)
        birth = born(row["Date of Birth"]) + timedelta(days=rng.randint(-1500, 1500))
        left = START + timedelta(days=rng.randint(0, (END - START).days))
        if age_on(birth, left) < 19:
            birth = date(left.year - 19, birth.month, min(birth.day, 28))
        why = reason(rng, age_on(birth, left))
        leavers.append({"Assignment Number": str(serial), "Area": row["Area"], "Pay Band": row["Pay Band"],
                        "Job Role": row["Job Role"], "Leader": row["Leader"], "Termination Date": f"{left:%d/%m/%Y}",
                        "Reason for Leaving": why, "Date of Birth": f"{birth:%d/%m/%Y}"})
        start_extra.append({**row, "Assignment Number": str(serial), "Date of Birth": f"{birth:%d/%m/%Y}"})
    # A few moves inside the trust: read and checked, never counted as leavers.
    for row in rng.sample([r for r in end_rows if not r["Pay Band"].startswith("Board")], 12):
        serial += rng.randint(1, 40)
        left = START + timedelta(days=rng.randint(0, (END - START).days))
        leavers.append({"Assignment Number": str(serial), "Area": row["Area"], "Pay Band": row["Pay Band"],
                        "Job Role": row["Job Role"], "Leader": row["Leader"], "Termination Date": f"{left:%d/%m/%Y}",
                        "Reason for Leaving": "Employee Transfer", "Date of Birth": row["Date of Birth"]})
    # Those who joined in the year were not there on 1 April 2025: about as many as left, and nobody under 19 then.
    joinable = [r for r in end_rows if age_on(born(r["Date of Birth"]), START) >= 19]
    joined = {id(r) for r in rng.sample(joinable, len(start_extra))}
    start_rows = [r for r in end_rows if id(r) not in joined] + start_extra
    rng.shuffle(start_rows)
    rng.shuffle(leavers)
    with open(DATA / "staff_extract_start.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(end_rows[0]))
        writer.writeheader()
        writer.writerows(start_rows)
    with open(DATA / "leavers.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=LEAVER_COLUMNS)
        writer.writeheader()
        writer.writerows(leavers)
    print(f"wrote {len(start_rows):,} people at the start and {len(leavers):,} leavers to {DATA}")


if __name__ == "__main__":
    main()
