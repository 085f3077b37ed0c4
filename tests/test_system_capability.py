"""Self-assessment results and competency gaps pooled across a system's members (docs/systems.md,
"Capability across the system"): the pooled figures equal a hand calculation and the figures of the
members' answers pooled together; a member without enough responses is left out with a note, never
padded; gaps are the sums of the members' snapshots."""

from __future__ import annotations

import json
import math
import random
from datetime import date
from typing import Any

import pytest

from planner.models import Organisation, Strategy, StrategyVersion, SystemShare
from planner.services.system_capability import system_capability
from planner.services.systems import SharedRow
from planner.survey.items import default_instrument
from planner.survey.scoring import Response, Results, score

DIMENSIONS, GROUPS = default_instrument()


def _row(slug: str, content: dict[str, Any], number: int = 1) -> SharedRow:
    """A share as shares_of returns it, its version's snapshot stored as JSON as an approval stores it."""
    organisation = Organisation(id=hash(slug) % 1000, slug=slug, name=f"{slug.title()} Trust")
    strategy = Strategy(id=1, organisation_id=organisation.id, title="Live draft title", start_year=2026, horizon=5)
    version = StrategyVersion(id=number, organisation_id=organisation.id, strategy_id=1, number=number,
                              approved_on=date(2026, 6, 1), minute="1", decision="approved",
                              snapshot=json.dumps({"content": {"strategy": {"title": "Frozen title"}, **content}}))
    found = SystemShare(id=number, system_id=99, organisation_id=organisation.id, strategy_id=1,
                        version_id=number, scenario="Baseline")
    return found, organisation, strategy, version


def _survey_part(results: Results, name: str = "Spring survey") -> dict[str, Any]:
    """A survey as a snapshot keeps it (planner.services.board_pack._self_assessment)."""
    names = {d.key: d.name for d in DIMENSIONS}
    return {"name": name, "status": "closed", "responses": results.responses, "enough": results.enough,
            "dimensions": [{"key": s.key, "mean": s.mean, "sd": s.sd, "share_agree": s.share_agree, "n": s.n,
                            "name": names[s.key]} for s in results.dimensions],
            "items": [], "groups": [], "withheld_groups": [], "comparison_group": "Frontline staff"}


def _dimension(key: str, n: int, mean: float, sd: float, share: float) -> dict[str, Any]:
    return {"key": key, "name": key.title(), "n": n, "mean": mean, "sd": sd, "share_agree": share}


def _responses(rng: random.Random, how_many: int, centre: float) -> list[Response]:
    keys = [item.key for d in DIMENSIONS for item in d.items]
    out = []
    for _ in range(how_many):
        answers: dict[str, int | None] = {
            k: None if rng.random() < 0.15 else min(5, max(1, round(rng.gauss(centre, 1.1)))) for k in keys}
        out.append(Response(rng.choice([g.key for g in GROUPS]), answers))
    return out


def test_the_pooled_mean_sd_and_share_agreeing_equal_a_hand_calculation() -> None:
    north = {"self_assessment": [{"name": "N", "responses": 8, "enough": True,
                                  "dimensions": [_dimension("cv", 10, 3.5, 1.0, 0.6)]}]}
    south = {"self_assessment": [{"name": "S", "responses": 12, "enough": True,
                                  "dimensions": [_dimension("cv", 30, 4.0, 0.5, 0.8)]}]}
    view = system_capability([_row("north", north, 1), _row("south", south, 2)])
    (cv,) = view["survey"]["dimensions"]
    # 40 answers; mean (10 x 3.5 + 30 x 4.0) / 40 = 3.875; variance = (10 x (1.0² + 0.375²)
    # + 30 x (0.5² + 0.125²)) / 40 = (11.40625 + 7.96875) / 40 = 0.484375; agreeing (6 + 24) / 40 = 0.75.
    assert cv["mean"] == pytest.approx(3.875, abs=1e-9)
    assert cv["sd"] == pytest.approx(math.sqrt(0.484375), abs=1e-9)
    assert cv["share_agreeing"] == pytest.approx(0.75, abs=1e-9)
    assert cv["members"] == 2 and cv["answers"] == 40
    assert view["survey"]["pooled"] is True and view["survey"]["responses"] == 20 and view["survey"]["note"] is None


def test_the_pooled_figures_equal_pooling_the_members_raw_answers() -> None:
    rng = random.Random(18)
    raw = {"north": _responses(rng, 23, 3.2), "south": _responses(rng, 61, 3.9), "east": _responses(rng, 7, 2.4)}
    rows = [_row(slug, {"self_assessment": [_survey_part(score(answers, DIMENSIONS))]}, number)
            for number, (slug, answers) in enumerate(raw.items(), start=1)]
    view = system_capability(rows)
    together = score([r for answers in raw.values() for r in answers], DIMENSIONS)
    pooled = {d["key"]: d for d in view["survey"]["dimensions"]}
    assert list(pooled) == [d.key for d in DIMENSIONS]
    for expected in together.dimensions:
        got = pooled[expected.key]
        assert got["members"] == 3 and got["answers"] == expected.n
        assert got["mean"] == pytest.approx(expected.mean, abs=1e-9)
        assert got["sd"] == pytest.approx(expected.sd, abs=1e-9)
        assert got["share_agreeing"] == pytest.approx(expected.share_agree, abs=1e-9)
    assert view["survey"]["responses"] == 91
    assert [m["responses"] for m in view["members"]] == [23, 61, 7]


def test_a_member_below_five_responses_or_without_a_survey_is_left_out_with_a_note() -> None:
    rng = random.Random(5)
    north, small = _responses(rng, 30, 3.5), _responses(rng, 4, 1.0)
    rows = [_row("north", {"self_assessment": [_survey_part(score(north, DIMENSIONS))]}, 1),
            _row("small", {"self_assessment": [_survey_part(score(small, DIMENSIONS), "Pulse")]}, 2),
            _row("quiet", {}, 3)]
    view = system_capability(rows)
    alone = score(north, DIMENSIONS)
    # Nothing of the small member's four answers moves the pooled figures: they are the north's own.
    for expected, got in zip(alone.dimensions, view["survey"]["dimensions"], strict=True):
        assert got["mean"] == pytest.approx(expected.mean, abs=1e-12) and got["members"] == 1
    assert view["survey"]["responses"] == 30
    status = {m["organisation"]: m for m in view["members"]}
    assert status["small"]["responses"] == 4 and status["quiet"]["responses"] is None
    assert ("Small Trust's survey 'Pulse' has 4 responses, fewer than the 5 a survey needs before any result "
            "is shown, so it is not pooled.") in view["notes"]
    assert ("Quiet Trust has no self-assessment survey in the version it shares, so it is not in the pooled "
            "results.") in view["notes"]
    assert view["survey"]["note"] == ("Pooled over 1 of the 3 shared versions: the others are left out, with the "
                                      "reason given for each.")


def test_an_invitation_survey_without_results_is_left_out_and_an_older_survey_with_results_is_used() -> None:
    newest = {"name": "Autumn", "responses": 40, "enough": False, "dimensions": []}
    older = {"name": "Spring", "responses": 9, "enough": True, "dimensions": [_dimension("cv", 40, 3.0, 1.0, 0.4)]}
    view = system_capability([_row("north", {"self_assessment": [newest, older]}, 1),
                              _row("south", {"self_assessment": [newest]}, 2)])
    north, south = view["members"]
    assert north["survey"] == "Spring" and north["responses"] == 9
    assert south["survey"] == "Autumn" and south["responses"] == 40
    assert "an invitation survey shows none until it closes" in " ".join(south["notes"])
    assert view["survey"]["dimensions"][0]["mean"] == 3.0 and view["survey"]["dimensions"][0]["members"] == 1


def test_a_dimension_with_fewer_than_five_answers_from_a_member_leaves_that_member_out_of_it() -> None:
    north = {"self_assessment": [{"name": "N", "responses": 6, "enough": True, "dimensions": [
        _dimension("cv", 20, 3.0, 1.0, 0.3), _dimension("of", 4, 5.0, 0.0, 1.0)]}]}
    south = {"self_assessment": [{"name": "S", "responses": 6, "enough": True, "dimensions": [
        _dimension("cv", 20, 4.0, 1.0, 0.7), _dimension("of", 20, 2.0, 0.5, 0.0)]}]}
    view = system_capability([_row("north", north, 1), _row("south", south, 2)])
    cv, of = view["survey"]["dimensions"]
    assert cv["members"] == 2 and cv["mean"] == pytest.approx(3.5)
    assert of["members"] == 1 and of["mean"] == pytest.approx(2.0) and of["answers"] == 20
    assert "North Trust has 4 answers on Of, fewer than 5, so it is left out of that dimension." in view["notes"]


def _gaps(*rows: tuple[str, str, int, int, int], names: dict[str, str] | None = None) -> dict[str, Any]:
    return {"levels": [{"key": "middle", "name": "Middle leaders"}, {"key": "board", "name": "Board"}],
            "competencies": {"competencies": [{"key": k, "name": n} for k, n in (names or {}).items()],
                             "gaps": [{"level": lv, "competency": c, "required": req, "assessed": a,
                                       "below_required": b, "share_below": b / a if a else None}
                                      for lv, c, req, a, b in rows]}}


def test_gaps_are_summed_by_level_and_competency_over_the_members_that_assess_them() -> None:
    north = _gaps(("middle", "clf-vision", 3, 20, 7), ("board", "clf-vision", 3, 10, 1),
                  names={"clf-vision": "Collective vision"})
    south = _gaps(("middle", "clf-vision", 2, 10, 3), ("middle", "own-coaching", 2, 5, 5),
                  ("board", "clf-vision", 3, 0, 0))
    view = system_capability([_row("north", north, 1), _row("south", south, 2), _row("east", {}, 3)])
    rows = {(r["level"], r["competency"]): r for r in view["gaps"]["rows"]}
    # Each member's snapshot rows, summed: never an average of the members' shares.
    assert rows[("middle", "clf-vision")] == {
        "level": "middle", "level_name": "Middle leaders", "competency": "clf-vision", "name": "Collective vision",
        "assessed": 30, "below_required": 10, "share_below": 10 / 30, "members": 2, "required_steps": [2, 3]}
    assert rows[("middle", "own-coaching")]["members"] == 1 and rows[("middle", "own-coaching")]["share_below"] == 1.0
    # The south's board row assessed nobody: it adds nothing and does not count as a member assessing it.
    assert rows[("board", "clf-vision")]["members"] == 1 and rows[("board", "clf-vision")]["assessed"] == 10
    # Largest share first, as the trust's own gap pages.
    assert [r["competency"] for r in view["gaps"]["rows"]] == ["own-coaching", "clf-vision", "clf-vision"]
    assert [m["assessed"] for m in view["members"]] == [True, True, False]
    assert "East Trust has no competency assessments in the version it shares." in view["notes"]


def test_nothing_shared_pools_nothing_and_says_so() -> None:
    view = system_capability([])
    assert view["members"] == [] and view["survey"]["pooled"] is False and view["survey"]["dimensions"] == []
    assert view["survey"]["note"] == "No member's shared version holds survey results to pool."
    assert view["gaps"] == {"note": "No member's shared version holds competency assessments.", "rows": []}


def test_members_are_named_with_the_title_and_version_their_snapshot_froze() -> None:
    (member,) = system_capability([_row("north", {}, 4)])["members"]
    assert member["organisation"] == "north" and member["strategy"] == "Frozen title" and member["version"] == 4
