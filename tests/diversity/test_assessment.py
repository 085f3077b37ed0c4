"""The words of a target's assessment: one sentence and one label from its figures, for every output."""

from __future__ import annotations

from typing import Any

import pytest

from planner.diversity.assessment import (
    WIDEN,
    assessment_label,
    assessment_of,
    assessment_sentence,
    label_of,
    pool_sentence,
    posts_of,
)

BME = "Black and minority ethnic (BME)"
MIDDLE = {"characteristic": "ethnicity", "target_year": 2028, "pipeline_share": 0.2089171974522293}


@pytest.mark.parametrize(("item", "label", "sentence"), [
    ({"required_share_of_appointments": 0.649038, "feasible": True, "assessment": "needs_wider_pipeline"},
     "Needs a wider pool",
     f"Needs 64.9% of appointments to middle leader posts; the pool it draws from (frontline leaders) is 20.9% {BME}: "
     f"{WIDEN}."),
    ({"required_share_of_appointments": 0.15, "feasible": True, "assessment": "within_pipeline"},
     "Within the pool",
     f"Needs 15.0% of appointments to middle leader posts; the pool it draws from (frontline leaders) is 20.9% {BME}: "
     "within the pool, so fair recruitment from it can meet the target."),
    ({"required_share_of_appointments": 0.649038, "feasible": True, "assessment": "needs_wider_pipeline",
      "pipeline_share": None, "pipeline_withheld": True},
     "Needs a wider pool",
     f"Needs 64.9% of appointments to middle leader posts, more than the share of the pool it draws from (frontline "
     f"leaders) who are {BME} (that share is withheld to protect privacy): {WIDEN}."),
    ({"required_share_of_appointments": 1.2, "feasible": False, "assessment": "not_reachable", "earliest_year": 2030},
     "Not reachable by appointments",
     "Needs 120.0% of appointments to middle leader posts: more than every appointment, so it cannot be reached by "
     "2028 through appointments alone. The earliest year it could be met is 2030."),
    ({"required_share_of_appointments": None, "feasible": False, "assessment": "not_reachable"},
     "Not reachable by appointments",
     "Not reachable by appointments: there are no appointments to middle leader posts before 2028, and the target is "
     "not met without them."),
    ({"required_share_of_appointments": -0.1, "feasible": True, "assessment": "met_without_action"},
     "Met without action",
     "Met without action: on the forecast the target is reached by 2028 with no appointments to middle leader posts "
     "needing to come from the group."),
    ({"required_share_of_appointments": 0.3, "feasible": True, "assessment": "reachable", "pipeline_share": None},
     "Reachable",
     f"Needs 30.0% of appointments to middle leader posts; the baseline does not say how many of the pool it draws "
     f"from (frontline leaders) are {BME}, so it is not compared with the pool."),
    ({"problems": ["no area has staff or leaders in the baseline yet"]}, "Not worked out",
     "Not worked out: no area has staff or leaders in the baseline yet."),
])
def test_the_words_follow_the_figures(item: dict[str, Any], label: str, sentence: str) -> None:
    target = {**MIDDLE, **item}
    assert assessment_label(assessment_of(target)) == label == label_of(target)
    assert assessment_sentence(target, BME, "Middle leaders", "Frontline leaders") == sentence


@pytest.mark.parametrize(("required", "pipeline", "expected"), [
    (0.649, 0.209, "needs_wider_pipeline"), (0.209, 0.209, "within_pipeline"), (0.1, None, "reachable"),
    (0.0, 0.2, "met_without_action"), (1.01, 0.2, "not_reachable"),
])
def test_content_without_an_assessment_is_read_by_the_same_rule(required: float, pipeline: float | None,
                                                                 expected: str) -> None:
    assert assessment_of({"required_share_of_appointments": required, "feasible": required <= 1,
                          "pipeline_share": pipeline}) == expected


def test_a_target_needing_more_than_its_pool_is_never_called_reachable() -> None:
    for needed in (0.21, 0.5, 0.99, 1.0):
        item = {**MIDDLE, "required_share_of_appointments": needed, "feasible": True}
        assert assessment_of(item) == "needs_wider_pipeline"
        words = assessment_sentence(item, BME, "Middle leaders", "Frontline leaders")
        assert WIDEN in words and label_of(item) == "Needs a wider pool"


def test_a_withheld_target_says_why() -> None:
    item = {"withheld_reason": "withheld: fewer than 8 people", "problems": []}
    assert label_of(item) == "Withheld"
    assert assessment_sentence(item, BME, "Senior leaders", "Middle leaders") == "Withheld: fewer than 8 people."


def test_the_pool_and_its_source() -> None:
    assert pool_sentence(0.2089, BME, "Frontline leaders", characteristic="ethnicity") == \
        f"20.9% of frontline leaders are {BME}, from the baseline"
    assert pool_sentence(0.05, "Disabled", "the whole workforce", characteristic="disability") == \
        "5.0% of the whole workforce are disabled, from the baseline"
    assert pool_sentence(None, BME, "Frontline leaders", withheld=True, characteristic="ethnicity") == \
        f"The share of frontline leaders who are {BME} is withheld to protect privacy (small numbers in the baseline)"
    assert pool_sentence(0.3, BME, "Frontline leaders", source="override", characteristic="ethnicity",
                         baseline_share=0.2089) == \
        f"30.0%, set by the planner as the share of frontline leaders who are {BME}; the baseline gives 20.9%"
    assert pool_sentence(0.3, BME, "Frontline leaders", source="override", withheld=True,
                         baseline_share=0.04) == \
        f"30.0%, set by the planner as the share of frontline leaders who are {BME}"  # the baseline's is withheld


@pytest.mark.parametrize(("level", "posts"), [("Middle leaders", "middle leader posts"), ("Board", "board posts"),
                                              ("All leaders", "leadership posts"), ("all leaders", "leadership posts")])
def test_posts_of_a_level(level: str, posts: str) -> None:
    assert posts_of(level) == posts
