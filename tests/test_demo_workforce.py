"""The demo trust's staff extract looks like an acute trust's workforce: a trust board would not
believe a demo where Band 8b outnumbers 8a, the median age is 35, or executives outvote
non-executives. And the extract is what scripts/make_demo_extract.py writes, so it can be remade."""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

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
    # Most staff are in bands 5 to 7, as in any acute trust.
    assert sum(bands[f"Band {band}"] for band in ("5", "6", "7")) / len(rows) > 0.5


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
    assert all(row["Pay Band"].startswith("Board") for row in rows if row["Board Member Type"])


def test_the_extract_is_what_the_script_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_demo_extract", ROOT / "scripts" / "make_demo_extract.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path / "extract.csv")
    assert (tmp_path / "extract.csv").read_bytes() == EXTRACT.read_bytes()
