"""The self-assessment instrument in data/survey/items.json: it loads, it has the framework's seven
dimensions with 3 to 6 plain statements each, and a broken definition is refused with a reason."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from planner.survey.items import (
    ITEMS_PATH,
    MAX_ITEMS,
    MIN_ITEMS,
    InstrumentError,
    default_instrument,
    load_default,
    parse_instrument,
)

ROOT = Path(__file__).resolve().parents[2]
DIMENSIONS = {
    "collective_vision": "Collective vision",
    "outcome_focus": "Outcome focus",
    "multiple_level_leadership": "Multiple level leadership",
    "partnership_working": "Partnership working",
    "action_oriented": "Action oriented and adaptive",
    "systems_structures": "Systems and structures",
    "skills_behaviours": "Skills and behaviours",
}
GROUPS = {
    "board": "Board members",
    "senior": "Senior leaders",
    "middle": "Middle leaders",
    "frontline": "Frontline staff",
    "patients": "Patient and public representatives",
    "partners": "Partner organisations",
}


def raw() -> dict[str, Any]:
    return copy.deepcopy(json.loads(ITEMS_PATH.read_text(encoding="utf-8")))


def test_the_file_is_where_the_loader_looks() -> None:
    assert ITEMS_PATH == ROOT / "data" / "survey" / "items.json"


def test_seven_dimensions_in_the_frameworks_order() -> None:
    dimensions, _ = default_instrument()
    assert {d.key: d.name for d in dimensions} == DIMENSIONS
    assert [d.key for d in dimensions] == list(DIMENSIONS)
    assert all(d.description.strip() for d in dimensions)


def test_each_dimension_has_three_to_six_items_with_unique_keys() -> None:
    dimensions, _ = default_instrument()
    keys = [item.key for d in dimensions for item in d.items]
    assert len(keys) == len(set(keys))
    for dimension in dimensions:
        assert MIN_ITEMS <= len(dimension.items) <= MAX_ITEMS
        assert all(item.dimension == dimension.key for item in dimension.items)


def test_item_keys_are_short_codes_numbered_within_their_dimension() -> None:
    dimensions, _ = default_instrument()
    for dimension in dimensions:
        prefixes = {item.key.rstrip("0123456789") for item in dimension.items}
        assert len(prefixes) == 1
        prefix = prefixes.pop()
        assert [item.key for item in dimension.items] == [f"{prefix}{n}" for n in range(1, len(dimension.items) + 1)]


def test_items_are_first_person_plural_statements() -> None:
    dimensions, _ = default_instrument()
    for item in (item for d in dimensions for item in d.items):
        words = {w.strip(".,'").lower() for w in item.text.split()}
        assert words & {"we", "our", "us"}, item.key
        assert item.text.endswith(".") and not item.text.endswith("?"), item.key
        assert len(item.text) <= 120, item.key


def test_groups_scale_and_comparison_group() -> None:
    instrument = load_default()
    _, groups = default_instrument()
    assert {g.key: g.name for g in groups} == GROUPS
    assert instrument.comparison_group == "frontline"
    assert [(p.value, p.label) for p in instrument.scale] == [
        (1, "Strongly disagree"), (2, "Disagree"), (3, "Neither agree nor disagree"), (4, "Agree"),
        (5, "Strongly agree"), (None, "Don't know")]
    assert instrument.group_lookup()["Frontline staff"] == "frontline"
    assert instrument.group_lookup()["board"] == "board"
    assert len(instrument.item_keys()) == sum(len(d.items) for d in instrument.dimensions)


def test_loaded_once() -> None:
    assert load_default() is load_default()


def _drop_item(data: dict[str, Any]) -> None:
    del data["dimensions"][0]["items"][2:]


def _seven_items(data: dict[str, Any]) -> None:
    data["dimensions"][0]["items"] += [{"key": f"cvx{n}", "text": "We agree."} for n in range(3)]


def _repeat_item_key(data: dict[str, Any]) -> None:
    data["dimensions"][1]["items"][0]["key"] = "cv1"


def _item_key_like_dimension(data: dict[str, Any]) -> None:
    data["dimensions"][1]["items"][0]["key"] = "collective_vision"


def _group_key_as_item(data: dict[str, Any]) -> None:
    data["dimensions"][1]["items"][0]["key"] = "group"


def _bad_key(data: dict[str, Any]) -> None:
    data["dimensions"][0]["items"][0]["key"] = "CV 1"


def _blank_text(data: dict[str, Any]) -> None:
    data["dimensions"][0]["items"][0]["text"] = "  "


def _scale_without_dont_know(data: dict[str, Any]) -> None:
    data["scale"].pop()


def _scale_bool(data: dict[str, Any]) -> None:
    data["scale"][0]["value"] = True


def _comparison_unknown(data: dict[str, Any]) -> None:
    data["comparison_group"] = "nobody"


def _repeat_group_name(data: dict[str, Any]) -> None:
    data["groups"][1]["name"] = "board MEMBERS"


def _unknown_entry(data: dict[str, Any]) -> None:
    data["colour"] = "blue"


def _no_groups(data: dict[str, Any]) -> None:
    data["groups"] = []


@pytest.mark.parametrize(("break_it", "says"), [
    (_drop_item, "has 2 items; it needs 3 to 6"),
    (_seven_items, "has 8 items; it needs 3 to 6"),
    (_repeat_item_key, "repeats the key 'cv1'"),
    (_item_key_like_dimension, "repeats the key 'collective_vision'"),
    (_group_key_as_item, "No item may use the key 'group'"),
    (_bad_key, "must be a key of lower-case letters"),
    (_blank_text, "must be non-empty text"),
    (_scale_without_dont_know, "The scale must be the values 1 to 5"),
    (_scale_bool, "whole-number value or null"),
    (_comparison_unknown, "comparison group 'nobody'"),
    (_repeat_group_name, "repeats the name"),
    (_unknown_entry, "unknown entries: colour"),
    (_no_groups, "groups must be a non-empty list"),
])
def test_a_broken_definition_is_refused(break_it: Any, says: str) -> None:
    data = raw()
    break_it(data)
    with pytest.raises(InstrumentError, match=None) as caught:
        parse_instrument(data)
    assert says in str(caught.value)


def test_the_guide_lists_every_statement_as_it_is_asked() -> None:
    guide = (ROOT / "docs" / "self-assessment.md").read_text(encoding="utf-8")
    dimensions, groups = default_instrument()
    for dimension in dimensions:
        assert f"### {dimension.name}\n" in guide
        for item in dimension.items:
            assert f"| `{item.key}` | {item.text} |" in guide
    for group in groups:
        assert f"| `{group.key}` | {group.name} |" in guide
