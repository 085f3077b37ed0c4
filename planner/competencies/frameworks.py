"""Competency frameworks: the four-step proficiency scale and the frameworks of domains and
competencies, read from data/competencies/frameworks.json and checked in one place.

The loader collects every problem it finds (each naming where it is, such as
``frameworks[1].domains[0].competencies[2].required.board``) and raises them together, so a
broken document can be fixed in one pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SCALE_STEPS = (1, 2, 3, 4)
COMPETENCY_KINDS = ("generic", "role-specific")
DEFAULT_LEVELS = ("board", "senior", "middle", "frontline")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "competencies" / "frameworks.json"

_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Step:
    """One step of the proficiency scale (1 is the lowest)."""

    step: int
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class Competency:
    """A competency and the step each leadership level needs; treat ``required`` as read-only."""

    key: str
    name: str
    kind: str  # "generic" or "role-specific"
    description: str
    required: dict[str, int] = field(hash=False)  # level key -> step on the scale


@dataclass(frozen=True)
class Domain:
    """A group of competencies within a framework."""

    key: str
    name: str
    competencies: tuple[Competency, ...]


@dataclass(frozen=True)
class Framework:
    """A named framework of domains."""

    key: str
    name: str
    description: str
    domains: tuple[Domain, ...]

    def competencies(self) -> tuple[Competency, ...]:
        """Every competency of the framework, domain by domain."""
        return tuple(c for d in self.domains for c in d.competencies)


class FrameworkError(ValueError):
    """A frameworks document that cannot be used; ``problems`` lists each fault with its path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("The competency frameworks are not valid:\n" + "\n".join(f"- {p}" for p in self.problems))


class _Checker:
    """Collects problems while reading a parsed JSON document."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: object, path: str, fields: tuple[str, ...]) -> dict[str, object] | None:
        """The value as an object with exactly these fields, or None (with problems noted)."""
        if not isinstance(value, dict):
            self.add(path or "(document)", f"must be an object, not {_type_name(value)}")
            return None
        for name in fields:
            if name not in value:
                self.add(f"{path}.{name}" if path else name, "is missing")
        for name in value:
            if name not in fields:
                self.add(f"{path}.{name}" if path else str(name), "is not a known field")
        return {str(k): v for k, v in value.items()}

    def text(self, value: object, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"must be non-empty text, not {value!r}")
            return None
        return value

    def key(self, value: object, path: str) -> str | None:
        if not isinstance(value, str) or not _KEY.match(value):
            self.add(path, f"{value!r} is not a key (lower-case letters and digits joined by single hyphens)")
            return None
        return value

    def step(self, value: object, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE_STEPS:
            self.add(path, f"{value!r} is not a step from {SCALE_STEPS[0]} to {SCALE_STEPS[-1]}")
            return None
        return value

    def array(self, value: object, path: str) -> list[object]:
        if not isinstance(value, list):
            self.add(path, f"must be a list, not {_type_name(value)}")
            return []
        if not value:
            self.add(path, "must not be empty")
        return value


def _type_name(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def load_frameworks(data: object) -> tuple[tuple[Step, ...], tuple[Framework, ...]]:
    """Check a parsed frameworks document and return (scale, frameworks); raise FrameworkError listing every fault."""
    check = _Checker()
    top = check.obj(data, "", ("scale", "frameworks"))
    if top is None:
        raise FrameworkError(check.problems)
    scale = _load_scale(check, top.get("scale", []))
    frameworks = _load_frameworks(check, top.get("frameworks", []))
    if check.problems:
        raise FrameworkError(check.problems)
    return scale, frameworks


def _load_scale(check: _Checker, value: object) -> tuple[Step, ...]:
    steps: list[Step] = []
    seen_keys: dict[str, int] = {}
    items = check.array(value, "scale")
    for i, item in enumerate(items):
        path = f"scale[{i}]"
        raw = check.obj(item, path, ("step", "key", "name", "description"))
        if raw is None:
            continue
        expected = i + 1
        number = raw.get("step")
        if number != expected or isinstance(number, bool):
            check.add(f"{path}.step", f"{number!r} should be {expected} (the scale runs 1 to 4 in order)")
        key = check.key(raw.get("key"), f"{path}.key")
        if key is not None:
            if key in seen_keys:
                check.add(f"{path}.key", f"{key!r} is already used at scale[{seen_keys[key]}]")
            seen_keys.setdefault(key, i)
        name = check.text(raw.get("name"), f"{path}.name")
        description = check.text(raw.get("description"), f"{path}.description")
        if key and name and description:
            steps.append(Step(expected, key, name, description))
    if isinstance(value, list) and value and len(value) != len(SCALE_STEPS):
        check.add("scale", f"must have {len(SCALE_STEPS)} steps, not {len(value)}")
    return tuple(steps)


def _load_frameworks(check: _Checker, value: object) -> tuple[Framework, ...]:
    frameworks: list[Framework] = []
    framework_keys: dict[str, str] = {}
    domain_keys: dict[str, str] = {}
    competency_keys: dict[str, str] = {}
    for f, item in enumerate(check.array(value, "frameworks")):
        path = f"frameworks[{f}]"
        raw = check.obj(item, path, ("key", "name", "description", "domains"))
        if raw is None:
            continue
        key = _unique(check, check.key(raw.get("key"), f"{path}.key"), f"{path}.key", framework_keys)
        name = check.text(raw.get("name"), f"{path}.name")
        description = check.text(raw.get("description"), f"{path}.description")
        domains: list[Domain] = []
        for d, domain_item in enumerate(check.array(raw.get("domains", []), f"{path}.domains")):
            domain = _load_domain(check, domain_item, f"{path}.domains[{d}]", domain_keys, competency_keys)
            if domain is not None:
                domains.append(domain)
        if key and name and description:
            frameworks.append(Framework(key, name, description, tuple(domains)))
    return tuple(frameworks)


def _load_domain(
    check: _Checker, item: object, path: str, domain_keys: dict[str, str], competency_keys: dict[str, str]
) -> Domain | None:
    raw = check.obj(item, path, ("key", "name", "competencies"))
    if raw is None:
        return None
    key = _unique(check, check.key(raw.get("key"), f"{path}.key"), f"{path}.key", domain_keys)
    name = check.text(raw.get("name"), f"{path}.name")
    competencies: list[Competency] = []
    for c, competency_item in enumerate(check.array(raw.get("competencies", []), f"{path}.competencies")):
        competency = _load_competency(check, competency_item, f"{path}.competencies[{c}]", competency_keys)
        if competency is not None:
            competencies.append(competency)
    if key and name:
        return Domain(key, name, tuple(competencies))
    return None


def _load_competency(check: _Checker, item: object, path: str, competency_keys: dict[str, str]) -> Competency | None:
    raw = check.obj(item, path, ("key", "name", "kind", "description", "required"))
    if raw is None:
        return None
    key = _unique(check, check.key(raw.get("key"), f"{path}.key"), f"{path}.key", competency_keys)
    name = check.text(raw.get("name"), f"{path}.name")
    kind = raw.get("kind")
    if kind not in COMPETENCY_KINDS:
        check.add(f"{path}.kind", f"{kind!r} is not one of {', '.join(COMPETENCY_KINDS)}")
    description = check.text(raw.get("description"), f"{path}.description")
    required = _load_required(check, raw.get("required", {}), f"{path}.required")
    if key and name and isinstance(kind, str) and kind in COMPETENCY_KINDS and description and required is not None:
        return Competency(key, name, kind, description, required)
    return None


def _load_required(check: _Checker, value: object, path: str) -> dict[str, int] | None:
    if not isinstance(value, dict):
        check.add(path, f"must be an object of level key to step, not {_type_name(value)}")
        return None
    if not value:
        check.add(path, "must give a step for at least one level")
        return None
    required: dict[str, int] = {}
    ok = True
    for level, step in value.items():
        level_key = check.key(level, f"{path}.{level}")
        number = check.step(step, f"{path}.{level}")
        if level_key is None or number is None:
            ok = False
        else:
            required[level_key] = number
    return required if ok else None


def _unique(check: _Checker, key: str | None, path: str, seen: dict[str, str]) -> str | None:
    if key is None:
        return None
    if key in seen:
        check.add(path, f"{key!r} is already used at {seen[key]}")
        return None
    seen[key] = path.removesuffix(".key")
    return key


@lru_cache(maxsize=1)
def default_frameworks() -> tuple[tuple[Step, ...], tuple[Framework, ...]]:
    """The shipped scale and frameworks (data/competencies/frameworks.json), read once and cached."""
    with DEFAULT_PATH.open(encoding="utf-8") as fh:
        data: object = json.load(fh)
    return load_frameworks(data)


def required_steps(frameworks: Sequence[Framework]) -> dict[tuple[str, str], int]:
    """(level, competency) -> required step for every competency of the frameworks, ready for gaps()."""
    return {
        (level, competency.key): step
        for framework in frameworks
        for competency in framework.competencies()
        for level, step in competency.required.items()
    }


def competencies_by_key(frameworks: Sequence[Framework]) -> dict[str, Competency]:
    """Competency key -> competency over all the frameworks."""
    return {c.key: c for framework in frameworks for c in framework.competencies()}
