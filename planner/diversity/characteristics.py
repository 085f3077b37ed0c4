"""The characteristics the planner counts (ethnicity, sex, disability, age band), their groups, and
how a value from a staff-record extract is recognised. Pure functions on plain values.

Decisions (docs/staff-import.md explains them to planners):

- Ethnicity follows the NHS data dictionary ethnic category (2001 census based): A, B, C White;
  D, E, F, G Mixed; H, J, K, L Asian; M, N, P Black; R (Chinese), S Other; Z not stated. The
  letter may stand alone ("A", "a"), start an ESR value ("A White - British") or start one of
  ESR's local two-character codes ("CA White English", "LK Asian Sri Lankan", "C2 ..."), whose
  first letter is the category. Text without a code is recognised by its first words ("White -
  British", "Asian or Asian British - Indian", "Chinese", "Any other ethnic group", "Not stated").
- Sex: F/Female/Woman and M/Male/Man; a recognised "neither or not known" answer (blank, U,
  Unknown, Not Known, Not Stated, Not Specified, Prefer Not To Say, Indeterminate, I, X, Other,
  Non-binary) is in the group "Not stated or other"; anything else is a bad code.
- Disability: Yes/Y, No/N; Not Declared, Prefer Not To Answer, Unspecified, Unknown or blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Group:
    """One group of a characteristic, such as 'White' or 'Disabled'."""

    key: str
    name: str


@dataclass(frozen=True)
class Characteristic:
    """A protected characteristic as the planner counts it, with its groups in display order."""

    key: str
    name: str
    groups: tuple[Group, ...]


NOT_STATED = Group("not_stated", "Not stated")

CHARACTERISTICS: tuple[Characteristic, ...] = (
    Characteristic("ethnicity", "Ethnicity (WRES groups)", (
        Group("white", "White"),
        Group("bme", "Black and minority ethnic (BME)"),
        NOT_STATED,
    )),
    Characteristic("ethnicity_ons", "Ethnicity (ONS high-level groups)", (
        Group("white", "White"),
        Group("mixed", "Mixed or multiple"),
        Group("asian", "Asian or Asian British"),
        Group("black", "Black, Black British, Caribbean or African"),
        Group("other", "Other ethnic group"),
        NOT_STATED,
    )),
    Characteristic("sex", "Sex", (
        Group("female", "Female"),
        Group("male", "Male"),
        Group("not_stated", "Not stated or other"),
    )),
    Characteristic("disability", "Disability", (
        Group("disabled", "Disabled"),
        Group("not_disabled", "Not disabled"),
        Group("not_declared", "Not declared"),
    )),
    Characteristic("age_band", "Age band", (
        Group("under_25", "Under 25"),
        Group("25_34", "25 to 34"),
        Group("35_44", "35 to 44"),
        Group("45_54", "45 to 54"),
        Group("55_64", "55 to 64"),
        Group("65_plus", "65 and over"),
        Group("unknown", "Unknown"),
    )),
)

_BY_KEY = {c.key: c for c in CHARACTERISTICS}


def characteristic(key: str) -> Characteristic:
    """The characteristic with this key (KeyError if there is none)."""
    return _BY_KEY[key]


def _words(value: str) -> str:
    """Lower case letters and digits only, so 'Not Declared', 'not-declared' and 'NOT DECLARED' agree."""
    return "".join(ch for ch in value.casefold() if ch.isalnum())


# NHS data dictionary ethnic category letter -> (WRES group, ONS high-level group).
_ETHNIC_CODES: dict[str, tuple[str, str]] = {
    **dict.fromkeys("ABC", ("white", "white")),
    **dict.fromkeys("DEFG", ("bme", "mixed")),
    **dict.fromkeys("HJKL", ("bme", "asian")),
    **dict.fromkeys("MNP", ("bme", "black")),
    **dict.fromkeys("RS", ("bme", "other")),
    "Z": ("not_stated", "not_stated"),
}
_ETHNIC_NOT_STATED = {
    "", "z", "99", "notstated", "notknown", "unknown", "undefined", "notdeclared", "notgiven", "notspecified",
    "prefernottosay", "prefernottoanswer", "declined", "unspecified",
}
# The first words of the data dictionary's descriptions (and ESR's) -> the ONS group.
# 'White and Black Caribbean' (D) is Mixed, so it is tried before 'White'.
_ETHNIC_WORDS = (
    ("whiteand", "mixed"), ("white", "white"), ("mixed", "mixed"), ("asian", "asian"), ("black", "black"),
    ("anyotherwhite", "white"), ("anyothermixed", "mixed"), ("anyotherasian", "asian"),
    ("anyotherblack", "black"), ("british", "white"), ("irish", "white"), ("indian", "asian"),
    ("pakistani", "asian"), ("bangladeshi", "asian"), ("caribbean", "black"), ("african", "black"),
    ("chinese", "other"), ("anyother", "other"), ("other", "other"),
)
# A code at the start: one letter, or two characters (ESR's local codes such as 'CA', 'C2'), then the end or
# a separator; in two characters the second is a capital or a digit, so 'No answer' is not code 'N'.
_CODE = re.compile(r"^([A-Za-z])([A-Z0-9]?)(?:$|[\s\-:.,]+)")


def classify_ethnicity(value: str) -> tuple[str, str] | None:
    """(WRES group, ONS group) for an ethnic category code or description; None if it is not one."""
    text = value.strip()
    words = _words(text)
    if text and not words:
        return None  # punctuation only ('?', '-') is not a blank
    if words in _ETHNIC_NOT_STATED or words.startswith(("notstated", "notknown")):
        return ("not_stated", "not_stated")
    match = _CODE.match(text)
    if match and (not match.group(2) or match.group(1).isupper()):
        return _ETHNIC_CODES.get(match.group(1).upper())
    for start, ons in _ETHNIC_WORDS:
        if words.startswith(start):
            return ("white" if ons == "white" else "bme", ons)
    return None


_SEX = {
    **dict.fromkeys(("f", "female", "woman", "women"), "female"),
    **dict.fromkeys(("m", "male", "man", "men"), "male"),
    **dict.fromkeys((
        "", "u", "unknown", "notknown", "notstated", "notspecified", "notdeclared", "prefernottosay",
        "prefernottoanswer", "indeterminate", "i", "x", "other", "nonbinary", "unspecified",
    ), "not_stated"),
}


def classify_sex(value: str) -> str | None:
    """'female', 'male' or 'not_stated' for a Sex or Gender value; None if it is not recognised."""
    words = _words(value)
    return _SEX.get(words) if words or not value.strip() else None


_DISABILITY = {
    **dict.fromkeys(("yes", "y", "disabled"), "disabled"),
    **dict.fromkeys(("no", "n", "notdisabled"), "not_disabled"),
    **dict.fromkeys((
        "", "notdeclared", "prefernottoanswer", "prefernottosay", "notstated", "notknown", "unknown",
        "unspecified", "undefined",
    ), "not_declared"),
}


def classify_disability(value: str) -> str | None:
    """'disabled', 'not_disabled' or 'not_declared' for a Disability value; None if it is not recognised."""
    words = _words(value)
    return _DISABILITY.get(words) if words or not value.strip() else None


def age_on(born: date, as_at: date) -> int:
    """Age in whole years on a date."""
    return as_at.year - born.year - ((as_at.month, as_at.day) < (born.month, born.day))


def age_band(age: int | None, born: date | None, as_at: date) -> str:
    """The age band key: from the date of birth when given (age on as_at), else the age, else 'unknown'."""
    if born is not None:
        age = age_on(born, as_at)
    if age is None or age < 0:
        return "unknown"
    if age < 25:
        return "under_25"
    if age >= 65:
        return "65_plus"
    low = 25 + (age - 25) // 10 * 10
    return f"{low}_{low + 9}"


AGE_BAND_KEYS = ("under_25", "25_34", "35_44", "45_54", "55_64", "65_plus")
# "55-64", "55 to 64", "56 - 60 years": a closed range of ages.
_AGE_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|–|—|to)\s*(\d{1,3})(?:\s*(?:years?|yrs?))?$")
# "65 and over", "65+", "71 years and over", ">= 71 years", "over 65": ages from one up.
_AGE_FROM = re.compile(r"^(?:(>=|≥|>|over|above)\s*)?(\d{1,3})\s*(?:years?|yrs?)?\s*(\+|and over|or over|and above|"
                       r"or more|plus|and older)?$")
# "under 25", "<= 20 years", "24 and under": ages up to one.
_AGE_TO = re.compile(r"^(?:(<=|≤|<|under|below|up to)\s*)?(\d{1,3})\s*(?:years?|yrs?)?\s*(and under|or under|"
                     r"and below|or less|and younger)?$")
_UNKNOWN_AGE = {"", "unknown", "notknown", "notstated", "unspecified", "notrecorded"}


def _band_of(age: int) -> str:
    return age_band(age, None, date.min)


def _band_of_range(low: int, high: int) -> str | None:
    """The band holding every age from low to high, or None when they fall in more than one band."""
    if low > high or high > 150:
        return None
    band = _band_of(low)
    return band if _band_of(high) == band else None


def parse_age_band(value: str) -> str | None:
    """The age band key for an age band as an extract may spell it ("55-64", "55 to 64", "Under 25",
    "65 and over", "56-60", ">=71 Years", "55_64"); 'unknown' for a blank or unknown answer; None when it is
    not an age band (a whole age is read by planner.imports.values.parse_age) or spans two of the planner's
    bands (ESR's five-year "61-65")."""
    text = " ".join(value.casefold().split())
    text = re.sub(r"^(?:aged?|age band)\s*:?\s*", "", text)  # "Age 55-64", "Aged 65 and over"
    if _words(text) in _UNKNOWN_AGE:
        return "unknown"
    if text in AGE_BAND_KEYS:
        return text
    found = _AGE_RANGE.match(text)
    if found:
        return _band_of_range(int(found.group(1)), int(found.group(2)))
    found = _AGE_FROM.match(text)
    if found and (found.group(1) or found.group(3)):
        low = int(found.group(2)) + (1 if found.group(1) in (">", "over", "above") else 0)
        return _band_of_range(low, 150) if low >= 65 else None
    found = _AGE_TO.match(text)
    if found and (found.group(1) or found.group(3)):
        high = int(found.group(2)) - (1 if found.group(1) in ("<", "under", "below") else 0)
        return "under_25" if high < 25 else None
    return None
