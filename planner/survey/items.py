"""The collective leadership self-assessment: its dimensions, items, answer scale and respondent groups,
read from data/survey/items.json and checked once. Pure Python: no Flask, no database."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

ITEMS_PATH = Path(__file__).resolve().parent.parent.parent / "data" / "survey" / "items.json"
MIN_ITEMS, MAX_ITEMS = 3, 6
SCALE_VALUES = (1, 2, 3, 4, 5)
GROUP_COLUMN = "group"  # the import's column for the respondent group, so no item may use this key
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TOP_LEVEL = {"about", "dimensions", "scale", "groups", "comparison_group"}


class InstrumentError(ValueError):
    """The instrument's definition is not valid; the message names the first fault."""


@dataclass(frozen=True)
class Item:
    """One statement answered on the agreement scale."""

    key: str
    dimension: str
    text: str


@dataclass(frozen=True)
class Dimension:
    """One of the seven dimensions of the Collective Leadership Framework, with its items in order."""

    key: str
    name: str
    description: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class RespondentGroup:
    """Who answered: board members, frontline staff, partner organisations and so on."""

    key: str
    name: str


@dataclass(frozen=True)
class ScalePoint:
    """One answer on the scale; value None is "don't know"."""

    value: int | None
    label: str


@dataclass(frozen=True)
class Instrument:
    """The whole definition: dimensions, answer scale, groups and the group others are compared with."""

    dimensions: tuple[Dimension, ...]
    scale: tuple[ScalePoint, ...]
    groups: tuple[RespondentGroup, ...]
    comparison_group: str

    def item_keys(self) -> tuple[str, ...]:
        """Every item's key, dimension by dimension."""
        return tuple(item.key for dimension in self.dimensions for item in dimension.items)

    def group_lookup(self) -> dict[str, str]:
        """Each group's key and name, mapped to its key (what the responses import takes)."""
        return {group.key: group.key for group in self.groups} | {group.name: group.key for group in self.groups}


def _object(value: Any, where: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InstrumentError(f"{where} must be a JSON object.")
    missing = sorted(keys - value.keys())
    if missing:
        raise InstrumentError(f"{where} has no {', '.join(missing)}.")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InstrumentError(f"{where} must be non-empty text.")
    return value.strip()


def _key(value: Any, where: str, seen: set[str]) -> str:
    if not isinstance(value, str) or not _KEY.match(value):
        raise InstrumentError(f"{where} must be a key of lower-case letters, digits and underscores, not {value!r}.")
    if value in seen:
        raise InstrumentError(f"{where} repeats the key {value!r}.")
    seen.add(value)
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise InstrumentError(f"{where} must be a non-empty list.")
    return value


def _dimensions(raw: Any, seen: set[str]) -> tuple[Dimension, ...]:
    dimensions: list[Dimension] = []
    for d, entry in enumerate(_list(raw, "dimensions"), start=1):
        obj = _object(entry, f"Dimension {d}", {"key", "name", "description", "items"})
        key = _key(obj["key"], f"Dimension {d}", seen)
        raw_items = _list(obj["items"], f"Dimension {key!r} items")
        if not MIN_ITEMS <= len(raw_items) <= MAX_ITEMS:
            raise InstrumentError(f"Dimension {key!r} has {len(raw_items)} items; it needs {MIN_ITEMS} to {MAX_ITEMS}.")
        items: list[Item] = []
        for i, raw_item in enumerate(raw_items, start=1):
            item = _object(raw_item, f"Item {i} of {key!r}", {"key", "text"})
            item_key = _key(item["key"], f"Item {i} of {key!r}", seen)
            if item_key == GROUP_COLUMN:
                raise InstrumentError(f"No item may use the key {GROUP_COLUMN!r} (it is the respondent group column).")
            items.append(Item(item_key, key, _text(item["text"], f"Item {item_key!r} text")))
        dimensions.append(Dimension(key, _text(obj["name"], f"Dimension {key!r} name"),
                                    _text(obj["description"], f"Dimension {key!r} description"), tuple(items)))
    return tuple(dimensions)


def _scale(raw: Any) -> tuple[ScalePoint, ...]:
    points = []
    for n, entry in enumerate(_list(raw, "scale"), start=1):
        obj = _object(entry, f"Scale point {n}", {"value", "label"})
        value = obj["value"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InstrumentError(f"Scale point {n} must have a whole-number value or null, not {value!r}.")
        points.append(ScalePoint(value, _text(obj["label"], f"Scale point {n} label")))
    if [p.value for p in points] != [*SCALE_VALUES, None]:
        raise InstrumentError("The scale must be the values 1 to 5 in order, then null for don't know.")
    return tuple(points)


def _groups(raw: Any) -> tuple[RespondentGroup, ...]:
    keys: set[str] = set()
    names: set[str] = set()
    groups = []
    for n, entry in enumerate(_list(raw, "groups"), start=1):
        obj = _object(entry, f"Group {n}", {"key", "name"})
        key = _key(obj["key"], f"Group {n}", keys)
        name = _text(obj["name"], f"Group {key!r} name")
        if name.casefold() in names:
            raise InstrumentError(f"Group {key!r} repeats the name {name!r}.")
        names.add(name.casefold())
        groups.append(RespondentGroup(key, name))
    return tuple(groups)


def parse_instrument(data: Any) -> Instrument:
    """The instrument from the parsed JSON; InstrumentError naming the first fault."""
    obj = _object(data, "The instrument", {"dimensions", "scale", "groups", "comparison_group"})
    unknown = sorted(set(obj) - _TOP_LEVEL)
    if unknown:
        raise InstrumentError(f"The instrument has unknown entries: {', '.join(unknown)}.")
    if "about" in obj and not isinstance(obj["about"], str):
        raise InstrumentError("The instrument's 'about' must be text.")
    dimensions = _dimensions(obj["dimensions"], set())
    groups = _groups(obj["groups"])
    comparison = obj["comparison_group"]
    if comparison not in {group.key for group in groups}:
        raise InstrumentError(f"The comparison group {comparison!r} is not one of the groups.")
    return Instrument(dimensions, _scale(obj["scale"]), groups, comparison)


@lru_cache(maxsize=1)
def load_default() -> Instrument:
    """data/survey/items.json, checked; read once per process."""
    with open(ITEMS_PATH, encoding="utf-8") as fh:
        return parse_instrument(json.load(fh))


def default_instrument() -> tuple[tuple[Dimension, ...], tuple[RespondentGroup, ...]]:
    """The default dimensions (with their items) and respondent groups."""
    instrument = load_default()
    return instrument.dimensions, instrument.groups
