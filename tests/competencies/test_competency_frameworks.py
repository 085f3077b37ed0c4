"""Competency frameworks: the shipped file, and documents the loader must refuse."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from planner.competencies.frameworks import (
    DEFAULT_LEVELS,
    DEFAULT_PATH,
    SCALE_STEPS,
    Competency,
    Framework,
    FrameworkError,
    competencies_by_key,
    default_frameworks,
    load_frameworks,
    required_steps,
)

Doc = dict[str, Any]


def shipped() -> tuple[Framework, ...]:
    return default_frameworks()[1]


def all_competencies() -> list[Competency]:
    return [c for f in shipped() for c in f.competencies()]


# --- the shipped file ---------------------------------------------------------------------------


def test_the_shipped_file_loads_with_the_four_step_scale() -> None:
    scale, frameworks = default_frameworks()
    assert [(s.step, s.key) for s in scale] == [(1, "essential"), (2, "proficient"), (3, "strong"), (4, "exemplary")]
    assert [f.key for f in frameworks] == ["hlm", "lcf", "clf"]
    assert DEFAULT_PATH.parts[-3:] == ("data", "competencies", "frameworks.json")


def test_the_shipped_file_is_read_once() -> None:
    assert default_frameworks() is default_frameworks()


def test_the_healthcare_leadership_model_has_its_nine_dimensions_in_one_domain() -> None:
    hlm = shipped()[0]
    assert hlm.name == "Healthcare Leadership Model"
    assert len(hlm.domains) == 1
    assert [c.name for c in hlm.competencies()] == [
        "Inspiring shared purpose", "Leading with care", "Evaluating information", "Connecting our service",
        "Sharing the vision", "Engaging the team", "Holding to account", "Developing capability",
        "Influencing for results",
    ]
    assert {c.kind for c in hlm.competencies()} == {"generic"}


def test_the_board_framework_has_six_domains_of_two_or_three_mostly_role_specific_competencies() -> None:
    lcf = shipped()[1]
    assert [d.name for d in lcf.domains] == [
        "Driving high-quality and sustainable outcomes",
        "Setting strategy and delivering long-term transformation",
        "Promoting equality and inclusion, and reducing health and workforce inequalities",
        "Providing robust governance and assurance",
        "Creating a compassionate, just and positive culture",
        "Building a trusted relationship with partners and communities",
    ]
    assert all(2 <= len(d.competencies) <= 3 for d in lcf.domains)
    kinds = [c.kind for c in lcf.competencies()]
    assert kinds.count("role-specific") > len(kinds) / 2
    # Required mainly at board and senior level.
    for c in lcf.competencies():
        assert c.required["board"] >= 3 and c.required["senior"] >= 3


def test_the_collective_leadership_capabilities_are_the_seven_dimensions() -> None:
    clf = shipped()[2]
    assert [c.name for c in clf.competencies()] == [
        "Collective vision", "Outcome focus", "Multiple level leadership", "Partnership working",
        "Action oriented and adaptive", "Systems and structures", "Skills and behaviours",
    ]
    assert {c.kind for c in clf.competencies()} == {"generic"}


def test_every_competency_requires_a_step_at_each_default_level_higher_for_senior_levels() -> None:
    for c in all_competencies():
        assert set(c.required) == set(DEFAULT_LEVELS), c.key
        steps = [c.required[level] for level in DEFAULT_LEVELS]
        assert all(s in SCALE_STEPS for s in steps), c.key
        assert steps == sorted(steps, reverse=True), f"{c.key}: board needs at least what senior needs, and so on"


def test_keys_are_unique_and_well_formed_across_all_frameworks() -> None:
    keys = [c.key for c in all_competencies()]
    assert len(keys) == len(set(keys)) == 32
    domain_keys = [d.key for f in shipped() for d in f.domains]
    assert len(domain_keys) == len(set(domain_keys))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", k) for k in keys + domain_keys)
    for f in shipped():
        assert all(c.key.startswith(f.key + "-") for c in f.competencies())


def test_descriptions_are_short_plain_british_english() -> None:
    for c in all_competencies():
        assert 1 <= c.description.count(".") <= 2 and c.description.endswith("."), c.key
        assert not re.search(r"organiz|prioritiz|behavior|center\b", c.description, re.I), c.key


def test_required_steps_maps_level_and_competency_to_the_step() -> None:
    required = required_steps(shipped())
    assert required[("board", "hlm-inspiring-shared-purpose")] == 4
    assert required[("frontline", "hlm-inspiring-shared-purpose")] == 2
    assert len(required) == 32 * 4


def test_competencies_by_key_finds_any_competency() -> None:
    index = competencies_by_key(shipped())
    assert len(index) == 32
    assert index["clf-outcome-focus"].name == "Outcome focus"
    assert index["lcf-assurance-and-challenge"].kind == "role-specific"


def test_competencies_are_hashable_despite_holding_a_dict() -> None:
    assert len({c for c in all_competencies()}) == 32


# --- documents the loader refuses -------------------------------------------------------------------


def valid() -> Doc:
    return {
        "scale": [
            {"step": i, "key": k, "name": k.title(), "description": f"Step {i}."}
            for i, k in enumerate(["essential", "proficient", "strong", "exemplary"], start=1)
        ],
        "frameworks": [
            {
                "key": "one",
                "name": "One",
                "description": "The first.",
                "domains": [
                    {
                        "key": "one-d",
                        "name": "Domain",
                        "competencies": [
                            {"key": "one-a", "name": "A", "kind": "generic", "description": "A.",
                             "required": {"board": 4, "senior": 3, "middle": 2, "frontline": 1}},
                            {"key": "one-b", "name": "B", "kind": "role-specific", "description": "B.",
                             "required": {"board": 4, "senior": 4}},
                        ],
                    }
                ],
            },
            {
                "key": "two",
                "name": "Two",
                "description": "The second.",
                "domains": [
                    {
                        "key": "two-d",
                        "name": "Domain",
                        "competencies": [
                            {"key": "two-a", "name": "A", "kind": "generic", "description": "A.",
                             "required": {"board": 3}},
                            {"key": "two-b", "name": "B", "kind": "generic", "description": "B.",
                             "required": {"board": 2}},
                            {"key": "two-c", "name": "C", "kind": "generic", "description": "C.",
                             "required": {"board": 1}},
                        ],
                    }
                ],
            },
        ],
    }


def competency(doc: Doc, f: int, c: int) -> dict[str, Any]:
    item: dict[str, Any] = doc["frameworks"][f]["domains"][0]["competencies"][c]
    return item


def test_the_small_valid_document_loads() -> None:
    scale, frameworks = load_frameworks(valid())
    assert len(scale) == 4
    assert [c.key for f in frameworks for c in f.competencies()] == ["one-a", "one-b", "two-a", "two-b", "two-c"]
    assert frameworks[0].domains[0].competencies[1].required == {"board": 4, "senior": 4}


def _set(path: list[Any], value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        target: Any = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _delete(path: list[Any]) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        target: Any = doc
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return change


C2 = ["frameworks", 1, "domains", 0, "competencies", 2]
P2 = "frameworks[1].domains[0].competencies[2]"

BROKEN: list[tuple[str, Callable[[Doc], None], str]] = [
    ("required step above the scale", _set([*C2, "required", "board"], 5),
     f"{P2}.required.board: 5 is not a step from 1 to 4"),
    ("required step of zero", _set([*C2, "required", "board"], 0),
     f"{P2}.required.board: 0 is not a step from 1 to 4"),
    ("required step as text", _set([*C2, "required", "board"], "3"),
     f"{P2}.required.board: '3' is not a step"),
    ("required step as true", _set([*C2, "required", "board"], True),
     f"{P2}.required.board: True is not a step"),
    ("required step as a fraction", _set([*C2, "required", "board"], 2.5),
     f"{P2}.required.board: 2.5 is not a step"),
    ("badly formed level key", _set([*C2, "required"], {"Board": 3}),
     f"{P2}.required.Board: 'Board' is not a key"),
    ("no required steps", _set([*C2, "required"], {}),
     f"{P2}.required: must give a step for at least one level"),
    ("required as a list", _set([*C2, "required"], [3]),
     f"{P2}.required: must be an object"),
    ("unknown kind", _set([*C2, "kind"], "behavioural"),
     f"{P2}.kind: 'behavioural' is not one of generic, role-specific"),
    ("empty name", _set([*C2, "name"], "  "), f"{P2}.name: must be non-empty text"),
    ("missing description", _delete([*C2, "description"]),
     f"{P2}.description: is missing"),
    ("misspelt field", _set([*C2, "requried"], {}), f"{P2}.requried: is not a known"),
    ("upper-case key", _set([*C2, "key"], "Two-C"), f"{P2}.key: 'Two-C' is not a key"),
    ("key with a space", _set([*C2, "key"], "two c"), f"{P2}.key: 'two c' is not a key"),
    ("competency key used in another framework", _set([*C2, "key"], "one-a"),
     f"{P2}.key: 'one-a' is already used at frameworks[0].domains[0].competencies[0]"),
    ("competency as text", _set(C2, "two-c"), f"{P2}: must be an object, not text"),
    ("no competencies", _set(["frameworks", 1, "domains", 0, "competencies"], []),
     "frameworks[1].domains[0].competencies: must not be empty"),
    ("domain without a name", _delete(["frameworks", 0, "domains", 0, "name"]),
     "frameworks[0].domains[0].name: is missing"),
    ("domain key repeated", _set(["frameworks", 1, "domains", 0, "key"], "one-d"),
     "frameworks[1].domains[0].key: 'one-d' is already used at frameworks[0].domains[0]"),
    ("domains not a list", _set(["frameworks", 0, "domains"], {}),
     "frameworks[0].domains: must be a list, not an object"),
    ("framework key repeated", _set(["frameworks", 1, "key"], "one"),
     "frameworks[1].key: 'one' is already used at frameworks[0]"),
    ("framework without a description", _set(["frameworks", 0, "description"], ""),
     "frameworks[0].description: must be non-empty text"),
    ("no frameworks", _set(["frameworks"], []), "frameworks: must not be empty"),
    ("frameworks missing", _delete(["frameworks"]), "frameworks: is missing"),
    ("unknown top-level field", _set(["version"], 2), "version: is not a known field"),
    ("scale out of order", _set(["scale", 1, "step"], 3), "scale[1].step: 3 should be 2"),
    ("scale with five steps", lambda d: d["scale"].append(dict(d["scale"][3], key="legendary", step=5)),
     "scale: must have 4 steps, not 5"),
    ("scale with three steps", lambda d: d["scale"].pop(), "scale: must have 4 steps, not 3"),
    ("scale key repeated", _set(["scale", 2, "key"], "essential"),
     "scale[2].key: 'essential' is already used at scale[0]"),
    ("scale step without a name", _set(["scale", 0, "name"], None), "scale[0].name: must be non-empty text, not None"),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in BROKEN], ids=[n for n, _, _ in BROKEN])
def test_a_broken_document_is_refused_naming_the_path(change: Callable[[Doc], None], expected: str) -> None:
    doc = valid()
    change(doc)
    with pytest.raises(FrameworkError) as caught:
        load_frameworks(doc)
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems
    assert expected.split(":")[0] in str(caught.value)


@pytest.mark.parametrize("doc", [None, [], "frameworks", 3])
def test_a_document_that_is_not_an_object_is_refused(doc: object) -> None:
    with pytest.raises(FrameworkError) as caught:
        load_frameworks(doc)
    assert caught.value.problems[0].startswith("(document): must be an object")


def test_every_problem_is_listed_not_just_the_first() -> None:
    doc = valid()
    competency(doc, 0, 0)["required"]["board"] = 7
    competency(doc, 0, 1)["kind"] = "technical"
    competency(doc, 1, 2)["key"] = "two-a"
    doc["frameworks"][1]["name"] = ""
    doc["scale"][3]["description"] = ""
    with pytest.raises(FrameworkError) as caught:
        load_frameworks(doc)
    assert sorted(caught.value.problems) == sorted([
        "scale[3].description: must be non-empty text, not ''",
        "frameworks[0].domains[0].competencies[0].required.board: 7 is not a step from 1 to 4",
        "frameworks[0].domains[0].competencies[1].kind: 'technical' is not one of generic, role-specific",
        "frameworks[1].name: must be non-empty text, not ''",
        f"{P2}.key: 'two-a' is already used at frameworks[1].domains[0].competencies[0]",
    ])
    assert isinstance(caught.value, ValueError)


def test_the_loader_does_not_change_the_document() -> None:
    doc = valid()
    before = copy.deepcopy(doc)
    load_frameworks(doc)
    assert doc == before


def test_the_shipped_file_round_trips_through_json() -> None:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert load_frameworks(data) == default_frameworks()
