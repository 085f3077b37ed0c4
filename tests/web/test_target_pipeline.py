"""A diversity target's pool (model.md version 2, "Is the target realistic?"): the group's share of the
level below by default, from the baseline (the whole workforce for the bottom level and for all leaders),
or the planner's own figure; passed to the engine, shown beside the target with its source, withheld
where its count is, and the assessment in the same words on the page, in the pack and in the paper."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, func, select

from planner.diversity import assessment
from planner.diversity.disclosure import INTERNAL, PUBLISHED
from planner.forecast import forecast
from planner.models import DiversityCount, DiversityTarget
from planner.services import ServiceError, scenarios
from planner.services import diversity as service
from tests import factories
from tests.conftest import login
from tests.editing import post_form
from tests.web.test_diversity_pages import cells_of

BME = "Black and minority ethnic (BME)"
# (level or None for all staff, group) -> count, all in one area. Hand-worked pool shares:
COUNTS = {
    (None, "bme"): 200, (None, "white"): 800,  # the whole workforce: 200 of 1,000 = 20%
    ("middle", "bme"): 12, ("middle", "white"): 68,  # 12 of 80 = 15%: the pool for senior leaders
    ("frontline", "bme"): 30, ("frontline", "white"): 90,  # 30 of 120 = 25%: the pool for middle leaders
    ("senior", "bme"): 8, ("senior", "white"): 32,
}


@pytest.fixture
def setup(db: Session, strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    area = factories.make_area(db, strategy, "MED", "Medicine")
    factories.set_baseline(db, strategy, area, staff=1000, fte=900.0, board=10, senior=40, middle=80, frontline=120)
    scenario = scenarios.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    levels = {key: factories.level(db, strategy, key) for key in ("board", "senior", "middle", "frontline")}
    store(db, strategy, area, levels, COUNTS)
    return {"area": area, "levels": levels, "scenario": scenario}


def store(db: Session, strategy, area, levels, counts: dict[tuple[str | None, str], int]) -> None:  # type: ignore[no-untyped-def]
    for (level, group), n in counts.items():
        db.add(DiversityCount(organisation_id=strategy.organisation_id, strategy_id=strategy.id, area_id=area.id,
                              level_id=levels[level].id if level else None, characteristic="ethnicity",
                              group_key=group, count=n))
    db.commit()


def add(db: Session, strategy, level_id: int | None, share: float = 0.3, pipeline: float | None = None,  # type: ignore[no-untyped-def]
        characteristic: str = "ethnicity", group: str = "bme") -> DiversityTarget:
    target = DiversityTarget(organisation_id=strategy.organisation_id, strategy_id=strategy.id, level_id=level_id,
                             characteristic=characteristic, group_key=group, target_share=share, target_year=2030,
                             pipeline_share=pipeline)
    db.add(target)
    db.commit()
    return target


def outcomes(db: Session, strategy, setup, audience: str = INTERNAL) -> dict[int, service.TargetOutcome]:  # type: ignore[no-untyped-def]
    return {o.target.id: o for o in service.target_outcomes(db, strategy, setup["scenario"], audience=audience)}  # type: ignore[arg-type,misc]


def engine(db: Session, strategy, setup, **target: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    spec = scenarios.spec_for(db, strategy, setup["scenario"])
    spec.pop("uncertainty", None)
    result: dict[str, Any] = forecast({**spec, "diversity_targets": [{"group": "bme", "target_year": 2030,
                                                                      **target}]})["diversity"][0]
    return result


@pytest.mark.parametrize(("level", "pool", "pool_name", "baseline"), [
    ("senior", 12 / 80, "Middle leaders", 8),
    ("middle", 30 / 120, "Frontline leaders", 12),
    ("frontline", 200 / 1000, "the whole workforce", 30),  # the bottom level: the whole workforce
    (None, 200 / 1000, "the whole workforce", 50),  # all leaders: the whole workforce
])
def test_a_stored_target_without_its_own_figure_gets_the_pool_share_from_the_baseline(
        db: Session, strategy, setup, level: str | None, pool: float, pool_name: str, baseline: int) -> None:
    target = add(db, strategy, setup["levels"][level].id if level else None)
    found = outcomes(db, strategy, setup)[target.id]  # type: ignore[index]
    assert (found.pipeline_share, found.pipeline_source, found.pool_name) == (pytest.approx(pool), "baseline",
                                                                             pool_name)
    assert found.baseline_count == baseline
    expected = engine(db, strategy, setup, level=level or "all", baseline_count=baseline, target_share=0.3,
                      pipeline_share=pool)
    assert found.result is not None
    assert found.result["pipeline_share"] == pytest.approx(pool)
    assert found.result["assessment"] == expected["assessment"]
    assert found.result["required_share_of_appointments"] == pytest.approx(expected["required_share_of_appointments"])


def test_the_planners_own_pool_share_is_used_instead(db: Session, strategy, setup) -> None:
    middle = setup["levels"]["middle"].id
    own, default = add(db, strategy, middle, pipeline=0.9), add(db, strategy, middle)
    found = outcomes(db, strategy, setup)
    assert (found[own.id].pipeline_share, found[own.id].pipeline_source) == (0.9, "override")  # type: ignore[index]
    assert found[own.id].baseline_pipeline_share == pytest.approx(0.25)  # type: ignore[index]
    assert found[own.id].result["pipeline_share"] == 0.9  # type: ignore[index]
    needed = found[own.id].result["required_share_of_appointments"]  # type: ignore[index]
    assert 0.25 < needed <= 0.9  # the arrangement: within the planner's pool, not the baseline's
    assert found[own.id].result["assessment"] == "within_pipeline"  # type: ignore[index]
    assert found[default.id].result["assessment"] == "needs_wider_pipeline"  # type: ignore[index]
    assert found[own.id].pool_sentence(suppressed=True) == (
        f"90.0%, set by the planner as the share of frontline leaders who are {BME}; the baseline gives 25.0%")
    assert found[default.id].pool_sentence(suppressed=True) == \
        f"25.0% of frontline leaders are {BME}, from the baseline"


def test_without_counts_for_the_pool_there_is_no_pool_share(db: Session, strategy, setup) -> None:
    target = add(db, strategy, setup["levels"]["middle"].id, characteristic="sex", group="female")
    found = outcomes(db, strategy, setup)[target.id]  # type: ignore[index]
    assert (found.pipeline_share, found.pipeline_source) == (None, "none")
    assert found.result is not None and found.result["assessment"] in ("reachable", "met_without_action",
                                                                       "not_reachable")
    assert found.pool_sentence(suppressed=True) == ("Not known: the baseline has no counts of frontline leaders for "
                                                    "this characteristic")


def test_a_withheld_pool_count_is_used_but_its_share_is_not_shown(client, db: Session, org, strategy,  # type: ignore[no-untyped-def]
                                                                   setup, signed_in) -> None:
    # 5 of 120 frontline leaders: from 1 to the threshold, so withheld for those who may not see small numbers.
    for row in db.exec(select(DiversityCount).where(DiversityCount.level_id == setup["levels"]["frontline"].id)):
        row.count = 5 if row.group_key == "bme" else 115
        db.add(row)
    db.commit()
    target = add(db, strategy, setup["levels"]["middle"].id)
    published = outcomes(db, strategy, setup, PUBLISHED)[target.id]  # type: ignore[index]
    internal = outcomes(db, strategy, setup, INTERNAL)[target.id]  # type: ignore[index]
    assert published.pipeline_share == internal.pipeline_share == pytest.approx(5 / 120)  # the exact counts
    assert published.result is not None and published.result["assessment"] == "needs_wider_pipeline"
    assert published.pipeline_withheld and published.pipeline_shown(suppressed=True) is None
    assert published.pipeline_shown(suppressed=False) == pytest.approx(5 / 120)
    signed_in("viewer")
    page = html.unescape(client.get(f"/strategies/{strategy.id}/diversity/targets").get_data(as_text=True))
    row = cells_of(client.get(f"/strategies/{strategy.id}/diversity/targets")).tables["targets-table"][0]
    assert row[3] == (f"The share of frontline leaders who are {BME} is withheld to protect privacy (small numbers "
                      "in the baseline)")
    assert row[4].startswith("Needs a wider pool Needs ")
    assert "that share is withheld to protect privacy" in row[4]
    assert "4.2%" not in page and " 5 " not in page  # neither the share nor its count
    report = service.diversity_report(db, strategy, org, setup["scenario"], audience=PUBLISHED)["targets"][0]
    assert (report["pipeline_share"], report["pipeline_withheld"], report["pool_name"]) == (
        None, True, "Frontline leaders")


def test_the_targets_page_shows_the_pool_beside_the_target_and_never_a_bare_yes(client, db: Session, strategy,  # type: ignore[no-untyped-def]
                                                                                 setup, signed_in) -> None:
    target = add(db, strategy, setup["levels"]["middle"].id, share=0.3)
    signed_in("viewer")
    row = cells_of(client.get(f"/strategies/{strategy.id}/diversity/targets")).tables["targets-table"][0]
    assert row[3] == f"25.0% of frontline leaders are {BME}, from the baseline"
    needed = row[2].removesuffix(" a year")
    sentence = (f"Needs {needed} of appointments to middle leader posts; the pool it draws from (frontline leaders) "
                f"is 25.0% {BME}: {assessment.WIDEN}.")
    assert row[4] == f"Needs a wider pool {sentence}"
    assert "Yes" not in row
    page = html.unescape(client.get(f"/strategies/{strategy.id}/diversity/targets/{target.id}").get_data(as_text=True))
    assert '<span class="app-figure" id="assessment-label">Needs a wider pool</span>' in page
    assert f'<span id="assessment-sentence">{sentence}</span>' in page
    assert f"25.0% of frontline leaders are {BME}, from the baseline" in page


# --- the form ---------------------------------------------------------------------------------

def post(client, strategy, level_id: int, **values: str):  # type: ignore[no-untyped-def]
    form = {"group": "ethnicity:bme", "level_id": str(level_id), "target_share": "30", "target_year": "2030",
            "leaver_rate_ratio": "1", **values}
    return client.post(f"/strategies/{strategy.id}/diversity/targets/new", data=form)


@pytest.mark.parametrize(("typed", "message"), [
    ("150", "The group&#39;s share of the pool must be from 0 to 100"),
    ("abc", "The group&#39;s share of the pool must be a number: a percentage, like 12.5"),
    ("-1", "The group&#39;s share of the pool must be from 0 to 100"),
])
def test_the_form_refuses_a_pool_share_that_is_not_a_percentage(client, db: Session, strategy, setup, signed_in,  # type: ignore[no-untyped-def]
                                                                typed: str, message: str) -> None:
    signed_in("planner")
    response = post(client, strategy, setup["levels"]["middle"].id, pipeline_share=typed)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.exec(select(func.count()).select_from(DiversityTarget)).one() == 0


def test_the_service_refuses_a_share_above_one(db: Session, strategy, setup) -> None:
    actor = factories.make_member(db, factories.make_org(db), role="admin")
    values = {"characteristic": "ethnicity", "group_key": "bme", "level_id": setup["levels"]["middle"].id,
              "target_share": 0.3, "target_year": 2030, "pipeline_share": 1.5}
    with pytest.raises(ServiceError, match="The group's share of the pool must be from 0% to 100%"):
        service.save_target(session=db, strategy=strategy, values=values, actor=actor)


def test_the_form_stores_the_planners_figure_and_blank_goes_back_to_the_baseline(client, db: Session, strategy,  # type: ignore[no-untyped-def]
                                                                                  setup, signed_in) -> None:
    signed_in("planner")
    middle = setup["levels"]["middle"].id
    assert post(client, strategy, middle, pipeline_share="40").status_code == 302
    target = db.exec(select(DiversityTarget)).one()
    assert target.pipeline_share == pytest.approx(0.4)
    form = client.get(f"/strategies/{strategy.id}/diversity/targets/{target.id}/edit").get_data(as_text=True)
    assert 'name="pipeline_share"' in form and 'value="40"' in form
    assert f"Now: 25.0% of frontline leaders are {BME}, from the baseline." in html.unescape(form)
    changed = post_form(client, f"/strategies/{strategy.id}/diversity/targets/{target.id}/edit", data={
        "group": "ethnicity:bme", "level_id": str(middle), "target_share": "30", "target_year": "2030",
        "leaver_rate_ratio": "1", "pipeline_share": ""})
    assert changed.status_code == 302
    db.expire_all()
    assert db.exec(select(DiversityTarget)).one().pipeline_share is None


# --- the demo: the planner's finding -----------------------------------------------------------

def test_the_demo_page_never_calls_a_target_needing_more_than_its_pool_reachable(client, db: Session) -> None:
    from planner.models import Strategy
    from planner.services.demo import load_demo

    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    login(client, factories.make_member(db, organisation, role="planner").email)
    for query in ("?unsuppressed=1", ""):  # exact figures for a planner who asks, then the published page
        response = client.get(f"/strategies/{strategy.id}/diversity/targets{query}")
        rows = cells_of(response).tables["targets-table"]
        assert len(rows) == 3
        scenario = scenarios.scenarios_of(db, strategy)[0]
        found = service.target_outcomes(db, strategy, scenario, audience=INTERNAL if query else PUBLISHED)
        for outcome, row in zip(found, rows, strict=True):
            if outcome.result is None:
                assert "Withheld" in row[4] or "withheld" in row[4].lower()
                continue
            needed, pool = outcome.result["required_share_of_appointments"], outcome.pipeline_share
            assert pool is not None and needed > pool  # every demo target needs more than its pool
            assert row[4].startswith("Needs a wider pool ") and assessment.WIDEN in row[4]
            assert "Reachable" not in row[4] and "Yes" not in row
        if query:
            assert any(("Needs 64.9% of appointments to middle leader posts; the pool it draws from (frontline "
                        f"leaders) is 20.9% {BME}: {assessment.WIDEN}.") == row[4].removeprefix("Needs a wider pool ")
                       for row in rows)


def test_the_demo_pack_sheets_say_the_pool_must_widen(db: Session) -> None:
    import io

    from openpyxl import load_workbook

    from planner.exports.workbook import pack_bytes
    from planner.models import Strategy
    from planner.services.board_pack import pack_content
    from planner.services.demo import load_demo

    organisation = load_demo(session=db, hash_method=factories.FAST_HASH)
    assert organisation is not None
    strategy = db.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).one()
    content = pack_content(db, strategy, organisation, prepared_by="Test", today=date(2026, 11, 23),
                           audience=INTERNAL)
    targets = content["diversity"]["targets"]
    assert [t["assessment"] for t in targets] == ["needs_wider_pipeline"] * 3
    assert all(t["required_share_of_appointments"] > t["pipeline_share"] for t in targets)
    pack = load_workbook(io.BytesIO(pack_bytes(content)))
    summary = [[c for c in row] for row in pack["Summary"].iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(summary) if "Can it be met?" in row)
    column = summary[header].index("Can it be met?")
    verdicts = [row[column] for row in summary[header + 1:header + 1 + len(targets)]]
    assert verdicts == ["Needs a wider pool"] * 3
    notes = " ".join(str(c) for row in summary for c in row if c)
    assert assessment.WIDEN in notes and "Yes" not in verdicts
    sheet = [c for row in pack["Diversity targets"].iter_rows(values_only=True) for c in row if c is not None]
    assert sheet.count("Needs a wider pool") == 3
    assert (f"20.9% of frontline leaders are {BME}, from the baseline. Needs 64.9% of appointments to middle leader "
            f"posts; the pool it draws from (frontline leaders) is 20.9% {BME}: {assessment.WIDEN}.") in sheet
    assert not any(isinstance(c, str) and c in ("Yes", "Reachable") for c in sheet)
