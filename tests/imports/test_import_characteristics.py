"""The characteristics and how a value from an extract is recognised."""

from __future__ import annotations

from datetime import date

import pytest

from planner.diversity.characteristics import (
    CHARACTERISTICS,
    age_band,
    characteristic,
    classify_disability,
    classify_ethnicity,
    classify_sex,
)


def test_the_characteristics_and_their_groups_in_order() -> None:
    assert [(c.key, [g.key for g in c.groups]) for c in CHARACTERISTICS] == [
        ("ethnicity", ["white", "bme", "not_stated"]),
        ("ethnicity_ons", ["white", "mixed", "asian", "black", "other", "not_stated"]),
        ("sex", ["female", "male", "not_stated"]),
        ("disability", ["disabled", "not_disabled", "not_declared"]),
        ("age_band", ["under_25", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown"]),
    ]
    assert characteristic("ethnicity").groups[1].name == "Black and minority ethnic (BME)"
    assert characteristic("disability").groups[0].name == "Disabled"


def test_an_unknown_characteristic_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        characteristic("religion")


@pytest.mark.parametrize(("letters", "ons"), [
    ("ABC", "white"), ("DEFG", "mixed"), ("HJKL", "asian"), ("MNP", "black"), ("RS", "other"),
])
def test_every_nhs_ethnic_category_letter(letters: str, ons: str) -> None:
    for letter in letters:
        wres = "white" if ons == "white" else "bme"
        assert classify_ethnicity(letter) == (wres, ons)
        assert classify_ethnicity(letter.lower()) == (wres, ons)


@pytest.mark.parametrize(("value", "expected"), [
    ("A White - British", ("white", "white")),
    ("C3 White Unspecified", ("white", "white")),
    ("CA White English", ("white", "white")),
    ("D Mixed - White & Black Caribbean", ("bme", "mixed")),
    ("White and Black Caribbean", ("bme", "mixed")),
    ("LK Asian Sri Lankan", ("bme", "asian")),
    ("H Asian or Asian British - Indian", ("bme", "asian")),
    ("N Black or Black British - African", ("bme", "black")),
    ("R Chinese", ("bme", "other")),
    ("S Any Other Ethnic Group", ("bme", "other")),
    ("White - British", ("white", "white")),
    ("Any other White background", ("white", "white")),
    ("Black or Black British - Caribbean", ("bme", "black")),
    ("Chinese", ("bme", "other")),
    ("Z", ("not_stated", "not_stated")),
    ("Z Not Stated", ("not_stated", "not_stated")),
    ("Not stated", ("not_stated", "not_stated")),
    ("Undefined", ("not_stated", "not_stated")),
    ("", ("not_stated", "not_stated")),
    ("   ", ("not_stated", "not_stated")),
])
def test_esr_and_data_dictionary_ethnicity_text(value: str, expected: tuple[str, str]) -> None:
    assert classify_ethnicity(value) == expected


@pytest.mark.parametrize("value", ["X7", "I", "O", "Q", "T", "Y", "No answer", "42", "=CMD()", "+1", "@SUM(1)",
                                   "Martian", "?", "-"])
def test_values_that_are_not_ethnic_categories(value: str) -> None:
    assert classify_ethnicity(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("F", "female"), ("female", "female"), ("FEMALE", "female"), ("M", "male"), ("Male", "male"),
    ("", "not_stated"), ("Unknown", "not_stated"), ("Not Known", "not_stated"), ("Prefer not to say", "not_stated"),
    ("Indeterminate", "not_stated"), ("X7", None), ("Q", None), ("Femail", None), ("=1+1", None), ("?", None),
])
def test_sex(value: str, expected: str | None) -> None:
    assert classify_sex(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Yes", "disabled"), ("Y", "disabled"), ("No", "not_disabled"), ("no", "not_disabled"),
    ("Not Declared", "not_declared"), ("Prefer Not To Answer", "not_declared"), ("", "not_declared"),
    ("Unspecified", "not_declared"), ("maybe", None), ("2", None), ("-", None),
])
def test_disability(value: str, expected: str | None) -> None:
    assert classify_disability(value) == expected


AS_AT = date(2025, 3, 31)


@pytest.mark.parametrize(("age", "born", "expected"), [
    (None, None, "unknown"),
    (18, None, "under_25"), (24, None, "under_25"), (25, None, "25_34"), (34, None, "25_34"), (35, None, "35_44"),
    (45, None, "45_54"), (54, None, "45_54"), (55, None, "55_64"), (64, None, "55_64"), (65, None, "65_plus"),
    (80, None, "65_plus"),
    (None, date(2000, 3, 31), "25_34"),  # 25 on the day
    (None, date(2000, 4, 1), "under_25"),  # 25 the day after
    (30, date(1990, 1, 1), "35_44"),  # the date of birth wins
])
def test_age_bands(age: int | None, born: date | None, expected: str) -> None:
    assert age_band(age, born, AS_AT) == expected
