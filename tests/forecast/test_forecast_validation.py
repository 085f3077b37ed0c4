"""A bad spec is refused with every problem, each naming the field (path) and the value."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from forecast_examples import EXAMPLE

from planner.forecast import Problem, SpecError, forecast, parse_spec

DELETE = object()


def changed(*changes: tuple[tuple[Any, ...], Any]) -> dict[str, Any]:
    """The example spec with values set (or deleted) at paths like ("levels", 2, "leaver_rate")."""
    spec = copy.deepcopy(EXAMPLE)
    for path, value in changes:
        parent: Any = spec
        for step in path[:-1]:
            parent = parent[step]
        if value is DELETE:
            del parent[path[-1]]
        elif isinstance(parent, list) and path[-1] == len(parent):
            parent.append(value)
        else:
            parent[path[-1]] = value
    return spec


def problems_of(spec: object) -> list[Problem]:
    with pytest.raises(SpecError) as caught:
        parse_spec(spec)
    return caught.value.problems


L0, L1, L2 = ("levels", 0), ("levels", 1), ("levels", 2)
A0 = ("areas", 0)
T0 = ("diversity_targets", 0)
U = ("uncertainty",)

# (changes, expected path, text the message must contain: the value as written)
CASES: list[tuple[list[tuple[tuple[Any, ...], Any]], str, str]] = [
    # JSON types
    ([((*L0, "leaver_rate"), "abc")], "levels[0].leaver_rate", '"abc" is not a number'),
    ([((*L0, "leaver_rate"), True)], "levels[0].leaver_rate", "true is not a number"),
    ([((*L0, "leaver_rate"), None)], "levels[0].leaver_rate", "null is not a number"),
    ([((*L0, "leaver_rate"), math.nan)], "levels[0].leaver_rate", "NaN"),
    ([((*L0, "leaver_rate"), math.inf)], "levels[0].leaver_rate", "Infinity"),
    ([((*L0, "leaver_rate"), [0.1])], "levels[0].leaver_rate", "[0.1]"),
    # rates
    ([((*L2, "leaver_rate"), 1.4)], "levels[2].leaver_rate", "1.4 is outside 0..1"),
    ([((*L1, "ready_rate"), -0.1)], "levels[1].ready_rate", "-0.1"),
    ([((*L1, "internal_fill_max"), 2)], "levels[1].internal_fill_max", "2 is outside 0..1"),
    ([((*L1, "leaver_rate"), 0.7), ((*L1, "ready_rate"), 0.5)], "levels[1]", "0.7 plus ready_rate 0.5"),
    ([((*L1, "leaver_rate"), DELETE)], "levels[1].leaver_rate", "missing"),
    # level keys and unknown fields
    ([((*L0, "key"), "")], "levels[0].key", '""'),
    ([((*L0, "key"), 5)], "levels[0].key", "5"),
    ([((*L1, "key"), "board")], "levels[1].key", '"board"'),
    ([((*L0, "key"), "all")], "levels[0].key", '"all"'),
    ([((*L0, "leaver_rte"), 0.1)], "levels[0].leaver_rte", '"leaver_rte"'),
    ([(("levels",), [])], "levels", "[]"),
    ([(("levels",), "board")], "levels", '"board"'),
    # the top level
    ([(("start_year",), "2026")], "start_year", '"2026"'),
    ([(("start_year",), 1800)], "start_year", "1800"),
    ([(("start_year",), 2026.5)], "start_year", "2026.5 is not a whole number"),
    ([(("start_year",), DELETE)], "start_year", "missing"),
    ([(("horizon",), 11)], "horizon", "11 is outside 1..10"),
    ([(("horizon",), 0)], "horizon", "0 is outside 1..10"),
    ([(("horizn",), 5)], "horizn", '"horizn"'),
    ([(("areas",), {})], "areas", "{}"),
    # areas
    ([((*A0, "staff"), -5)], "areas[0].staff", "-5 is less than 0"),
    ([((*A0, "staff"), 2e7)], "areas[0].staff", "20000000.0"),
    ([((*A0, "staff"), DELETE)], "areas[0].staff", "missing"),
    ([((*A0, "staff_growth"), -1)], "areas[0].staff_growth", "-1 must be more than -1"),
    ([((*A0, "staff_growth"), "3%")], "areas[0].staff_growth", '"3%"'),
    ([((*A0, "staff_growth"), [0.1, 0.2])], "areas[0].staff_growth", "[0.1, 0.2]"),
    ([((*A0, "staff_growth"), [0.1, -2, 0, 0, 0])], "areas[0].staff_growth[1]", "-2"),
    ([((*A0, "leaders", "senior"), -3)], "areas[0].leaders.senior", "-3 is less than 0"),
    ([((*A0, "leaders", "senior"), 2e6)], "areas[0].leaders.senior", "2000000.0 is more than 1000000"),
    ([((*A0, "leaders", "senior"), 1e-9)], "areas[0].leaders.senior", "1e-09 is neither 0 nor at least 1e-06"),
    ([((*T0, "baseline_count"), 2e9)], "diversity_targets[0].baseline_count", "2000000000.0 is more than"),
    ([((*A0, "leaders", "seniro"), 3)], "areas[0].leaders.seniro", '"seniro" is not a level'),
    ([((*A0, "leaders"), [12])], "areas[0].leaders", "[12]"),
    ([((*A0, "span", "middle"), 0)], "areas[0].span.middle", "0 must be more than 0"),
    ([((*A0, "span", "middle"), 1e-9)], "areas[0].span.middle", "would need"),
    ([((*A0, "span", "middle"), "40")], "areas[0].span.middle", '"40"'),
    ([((*A0, "span", "midle"), 40)], "areas[0].span.midle", '"midle"'),
    ([((*A0, "overrides", "frontline", "leaver_rate"), 1.2)], "areas[0].overrides.frontline.leaver_rate", "1.2"),
    ([((*A0, "overrides", "frontline", "leaver_rte"), 0.2)], "areas[0].overrides.frontline.leaver_rte", "leaver_rte"),
    ([((*A0, "overrides", "front"), {"leaver_rate": 0.1})], "areas[0].overrides.front", '"front"'),
    (
        [((*A0, "overrides", "frontline", "ready_rate"), 0.9)],
        "areas[0].overrides.frontline",
        "leaver_rate 0.15 plus ready_rate 0.9",
    ),
    ([((*A0, "key"), "")], "areas[0].key", '""'),
    ([((*A0, "colour"), "blue")], "areas[0].colour", '"colour"'),
    ([(("areas", 1), {"key": "medicine", "staff": 10})], "areas[1].key", '"medicine"'),
    # diversity targets
    ([((*T0, "level"), "snr")], "diversity_targets[0].level", '"snr"'),
    ([((*T0, "group"), "")], "diversity_targets[0].group", '""'),
    ([((*T0, "baseline_count"), -1)], "diversity_targets[0].baseline_count", "-1 is less than 0"),
    ([((*T0, "target_share"), 1.5)], "diversity_targets[0].target_share", "1.5 is outside 0..1"),
    ([((*T0, "target_year"), 2026)], "diversity_targets[0].target_year", "2026 is outside 2027..2031"),
    ([((*T0, "target_year"), 2032)], "diversity_targets[0].target_year", "2032 is outside 2027..2031"),
    ([((*T0, "target_year"), 2030.5)], "diversity_targets[0].target_year", "2030.5"),
    ([((*T0, "leaver_rate_ratio"), -1)], "diversity_targets[0].leaver_rate_ratio", "-1 is less than 0"),
    ([((*T0, "current_appointment_share"), 1.2)], "diversity_targets[0].current_appointment_share", "1.2"),
    ([((*T0, "target"), 0.3)], "diversity_targets[0].target", '"target"'),
    ([(("diversity_targets",), {"level": "all"})], "diversity_targets", "is not a list"),
    # uncertainty
    ([(U, {"simulations": 10001})], "uncertainty.simulations", "10001 is outside 1..10000"),
    ([(U, {"simulations": 0})], "uncertainty.simulations", "0 is outside 1..10000"),
    ([(U, {"simulations": 1.5})], "uncertainty.simulations", "1.5 is not a whole number"),
    ([(U, {"simulations": 10, "seed": -1})], "uncertainty.seed", "-1 is less than 0"),
    ([(U, {"simulations": 10, "seed": "x"})], "uncertainty.seed", '"x"'),
    ([(U, {"sims": 10})], "uncertainty.sims", '"sims"'),
    ([(U, 1000)], "uncertainty", "1000 is not an object"),
    # version 3: leaver rates year by year (the example's horizon is 5, 2027..2031)
    ([((*L1, "leaver_rate"), [0.1, 0.2])], "levels[1].leaver_rate", "[0.1, 0.2] has 2 rates; the horizon needs 5"),
    ([((*L1, "leaver_rate"), [])], "levels[1].leaver_rate", "[] has 0 rates; the horizon needs 5"),
    ([((*L1, "leaver_rate"), [0.1, 0.1, 0.1, 1.2, 0.1])], "levels[1].leaver_rate[3]", "1.2 is outside 0..1"),
    ([((*L1, "leaver_rate"), [0.1, 0.1, "9%", 0.1, 0.1])], "levels[1].leaver_rate[2]", '"9%" is not a number'),
    ([((*L1, "leaver_rate"), [0.1, None, 0.1, 0.1, 0.1])], "levels[1].leaver_rate[1]", "null is not a number"),
    ([((*L1, "leaver_rate"), [0.1, 0.1, 0.1, 0.1, -0.1])], "levels[1].leaver_rate[4]", "-0.1 is outside 0..1"),
    (
        [((*L1, "leaver_rate"), [0.1, 0.1, 0.1, 0.97, 0.1])],
        "levels[1].leaver_rate[3]",
        "in year 4 (2030), leaver_rate 0.97 plus ready_rate 0.04 is 1.01, more than 1",
    ),
    ([((*L1, "ready_rate"), [0.04] * 5)], "levels[1].ready_rate", "is not a number"),
    (
        [((*A0, "overrides", "frontline", "leaver_rate"), [0.15] * 4)],
        "areas[0].overrides.frontline.leaver_rate",
        "has 4 rates; the horizon needs 5",
    ),
    (
        [((*A0, "overrides", "frontline", "leaver_rate"), [0.15, 0.15, 0.15, 0.15, 1.5])],
        "areas[0].overrides.frontline.leaver_rate[4]",
        "1.5 is outside 0..1",
    ),
    (
        [((*A0, "overrides", "frontline", "leaver_rate"), [0.15, 0.15, 0.15, 0.15, 0.95])],
        "areas[0].overrides.frontline.leaver_rate[4]",
        "in year 5 (2031), leaver_rate 0.95 plus ready_rate 0.08 is 1.03, more than 1",
    ),
    (
        # The level's rates change by year; the area's own ready rate breaks q + r <= 1 in one year.
        [((*L2, "leaver_rate"), [0.1, 0.1, 0.5, 0.1, 0.1]), ((*A0, "overrides", "middle"), {"ready_rate": 0.6})],
        "areas[0].overrides.middle",
        "in year 3 (2029), leaver_rate 0.5 plus ready_rate 0.6 is 1.1, more than 1",
    ),
    # version 3: establishment, the funded leader posts of a level
    ([((*A0, "establishment"), {"midle": 12})], "areas[0].establishment.midle", '"midle" is not a level'),
    ([((*A0, "establishment"), {"middle": -3})], "areas[0].establishment.middle", "-3 is less than 0"),
    (
        [((*A0, "establishment"), {"middle": 61.5})],
        "areas[0].establishment.middle",
        "61.5 is not a whole number of posts (count posts, not whole-time equivalents)",
    ),
    ([((*A0, "establishment"), {"middle": "61"})], "areas[0].establishment.middle", '"61" is not a number'),
    ([((*A0, "establishment"), {"middle": True})], "areas[0].establishment.middle", "true is not a number"),
    ([((*A0, "establishment"), {"middle": math.nan})], "areas[0].establishment.middle", "NaN is not a finite"),
    ([((*A0, "establishment"), {"middle": 2e6})], "areas[0].establishment.middle", "is more than 1000000"),
    (
        [((*A0, "establishment"), {"middle": [61, 62]})],
        "areas[0].establishment.middle",
        "[61, 62] has 2 figures; the horizon needs 5",
    ),
    ([((*A0, "establishment"), {"middle": [61, 62, -1, 63, 64]})], "areas[0].establishment.middle[2]", "-1"),
    (
        [((*A0, "establishment"), {"middle": [61, 62, 62.5, 63, 64]})],
        "areas[0].establishment.middle[2]",
        "62.5 is not a whole number of posts",
    ),
    ([((*A0, "establishment"), {"middle": [61, None, 62, 63, 64]})], "areas[0].establishment.middle[1]", "null"),
    ([((*A0, "establishment"), [12])], "areas[0].establishment", "[12] is not an object"),
    ([((*A0, "establishment"), {"middle": {"2027": 61}})], "areas[0].establishment.middle", "is not a number"),
]


@pytest.mark.parametrize(("changes", "path", "text"), CASES, ids=[f"{c[1]}:{c[2]}" for c in CASES])
def test_each_kind_of_invalid_field(changes: list[tuple[tuple[Any, ...], Any]], path: str, text: str) -> None:
    problems = problems_of(changed(*changes))
    assert [p for p in problems if p.path == path and text in p.message], [str(p) for p in problems]


@pytest.mark.parametrize("document", [None, [], "spec", 3, [EXAMPLE], True])
def test_not_an_object_is_a_problem_with_the_whole_document(document: object) -> None:
    [problem] = problems_of(document)
    assert problem.path == ""
    assert str(problem) == problem.message and "JSON object" in problem.message


def test_every_problem_is_listed_not_just_the_first() -> None:
    spec = changed(
        ((*L2, "leaver_rate"), 1.4),
        ((*L0, "leaver_rte"), 0.1),
        ((*A0, "leaders", "senior"), -3),
        ((*A0, "span", "middle"), 0),
        ((*T0, "target_year"), 2040),
        (U, {"simulations": 20000}),
    )
    with pytest.raises(SpecError) as caught:
        forecast(spec)
    paths = [problem.path for problem in caught.value.problems]
    assert paths == [
        "levels[0].leaver_rte",
        "levels[2].leaver_rate",
        "areas[0].leaders.senior",
        "areas[0].span.middle",
        "diversity_targets[0].target_year",
        "uncertainty.simulations",
    ]
    assert "levels[2].leaver_rate: 1.4 is outside 0..1" in str(caught.value)
    assert str(caught.value.problems[1]) == "levels[2].leaver_rate: 1.4 is outside 0..1"


def test_informational_keys_and_nulls_for_optional_fields_are_accepted() -> None:
    spec = changed(
        (("name",), "Trust leadership plan"),
        (("description",), "Five years"),
        (("strategy",), {"id": 3}),
        (("scenario",), "central"),
        ((*L0, "name"), "Trust board"),
        ((*A0, "name"), "Medicine"),
        ((*A0, "parent"), None),
        ((*T0, "current_appointment_share"), None),
        (("uncertainty",), None),
        (("horizon",), None),
    )
    output = forecast(spec)
    assert output["years"] == [2027, 2028, 2029, 2030, 2031]
    assert "bands" not in output and "uncertainty" not in output
    # A null current share falls back to the baseline share b(0) / N(0) = 1 / 12.
    assert output["diversity"][0]["no_action"][0]["appointments_from_group"] == pytest.approx(1.08 / 12)


def test_defaults() -> None:
    spec = parse_spec(
        {
            "start_year": 2026,
            "levels": [{"key": "only", "leaver_rate": 0.1}],
            "areas": [{"key": "a", "staff": 100, "leaders": {"only": 5}}],
        }
    )
    assert spec.horizon == 5
    assert (spec.levels[0].ready_rate, spec.levels[0].internal_fill_max) == (0.0, 0.0)
    assert spec.areas[0].staff_growth == (0.0,) * 5
    assert spec.diversity_targets == () and spec.uncertainty is None
    seeded = parse_spec({**changed(), "uncertainty": {"simulations": 10}})
    assert seeded.uncertainty is not None and seeded.uncertainty.seed == 0


def test_a_yearly_list_must_match_the_horizon_it_is_given_with() -> None:
    # Horizon 3: a five-year list is refused, a three-year one accepted.
    spec = changed((("horizon",), 3), ((*T0, "target_year"), 2029), ((*L1, "leaver_rate"), [0.1, 0.1, 0.1, 0.1, 0.1]))
    assert [str(p) for p in problems_of(spec)] == [
        "levels[1].leaver_rate: [0.1, 0.1, 0.1, 0.1, 0.1] has 5 rates; the horizon needs 3, one for each year"
    ]
    spec = changed((("horizon",), 3), ((*T0, "target_year"), 2029), ((*L1, "leaver_rate"), [0.1, 0.2, 0.3]),
                   ((*A0, "establishment"), {"middle": [60, 61, 62], "senior": 12.0}))
    parsed = parse_spec(spec)
    assert parsed.levels[1].leaver_rate == (0.1, 0.2, 0.3)
    assert dict(parsed.areas[0].establishment) == {"middle": (60, 61, 62), "senior": (12, 12, 12)}
    assert all(type(posts) is int for posts in parsed.areas[0].establishment["senior"])


def test_every_bad_year_is_named_and_the_area_is_checked_with_them() -> None:
    spec = changed(
        ((*L1, "leaver_rate"), [0.1, 0.97, 0.1, 0.99, 2]),
        ((*A0, "establishment"), {"board": -1, "middle": [60, 61, 62.5, 63, -64]}),
    )
    assert [str(p) for p in problems_of(spec)] == [
        "levels[1].leaver_rate[4]: 2 is outside 0..1",
        "areas[0].establishment.board: -1 is less than 0",
        "areas[0].establishment.middle[2]: 62.5 is not a whole number of posts "
        "(count posts, not whole-time equivalents)",
        "areas[0].establishment.middle[4]: -64 is less than 0",
    ]
    # Once each year's rate is in range, each year that leaves no room for the ready rate is named.
    spec = changed(((*L1, "leaver_rate"), [0.1, 0.97, 0.1, 0.99, 0.1]))
    assert [str(p) for p in problems_of(spec)] == [
        "levels[1].leaver_rate[1]: in year 2 (2028), leaver_rate 0.97 plus ready_rate 0.04 is 1.01, more than 1",
        "levels[1].leaver_rate[3]: in year 4 (2030), leaver_rate 0.99 plus ready_rate 0.04 is 1.03, more than 1",
    ]


def test_a_version_1_rate_is_stored_as_the_same_rate_for_every_year() -> None:
    parsed = parse_spec(changed())
    assert parsed.levels[3].leaver_rate == (0.12,) * 5
    override = parsed.areas[0].overrides["frontline"]
    assert override.leaver_rate == (0.15,) * 5 and override.ready_rate is None
    assert dict(parsed.areas[0].establishment) == {}
    # A scalar rate that leaves no room keeps the message it always had, on the level.
    [problem] = problems_of(changed(((*L1, "leaver_rate"), 0.97)))
    assert str(problem) == "levels[1]: leaver_rate 0.97 plus ready_rate 0.04 is 1.01, more than 1"
