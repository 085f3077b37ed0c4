"""An independent, deliberately plain re-implementation of evidence.md's derivations, compared with
planner.evidence to 1e-9 on generated counts, with worked examples by hand and the edge cases.

Nothing here is shared with planner.evidence except the input objects it is given: every rate is worked
out again from the page's text (and the decisions docs/evidence.md records where the page is silent),
with plain dicts and loops."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.evidence import EvidenceCounts, LeaverGroup, Period, ReadyRates, StaffCounts, derive_rates
from planner.imports import read_staff_extract
from planner.imports.leavers import read_leavers_extract

BANDS = ["under_25", "25_34", "35_44", "45_54", "55_64", "65_plus"]
WIDTH = {"under_25": 7, "25_34": 10, "35_44": 10, "45_54": 10, "55_64": 10, "65_plus": 10}
PERIOD = Period.of(date(2025, 4, 1), date(2026, 3, 31))
REASONS = ["Retirement Age", "Flexi Retirement", "Retirement - Ill Health", "VOLUNTARY EARLY RETIREMENT - no Actuarial",
           "Voluntary Resignation - Work Life Balance", "Voluntary Resignation - Relocation", "Dismissal - Conduct",
           "End of Fixed Term Contract", "Death in Service", "retired"]


def reference(world: dict[str, Any]) -> dict[str, Any]:
    """evidence.md, read literally. `world` is plain data: {"levels", "areas", "start", "end" (each None or
    {"leaders": {(area, level): n}, "ages": {band: n}, "leader_ages": {(area, level, band): n}}), "leavers":
    [(area, level, leader, reason, band, n)], "ready": {level: r}, "overrides": {(area, level): r},
    "horizon", "min_in_post"}."""
    extracts = [world[which] for which in ("start", "end") if world[which] is not None]

    def in_post(area: str | None, level: str) -> float:
        # A = (N_start + N_end) / 2; with only one extract, its count.
        counts = [sum(n for (a, lv), n in x["leaders"].items() if lv == level and (area is None or a == area))
                  for x in extracts]
        return sum(counts) / len(counts)

    def retired(reason: str) -> bool:
        return "retire" in reason.lower()

    def leavers_of(area: str | None, level: str, retirements_only: bool = False) -> int:
        return sum(n for (a, lv, leader, reason, _, n) in world["leavers"]
                   if leader and lv == level and (area is None or a == area)
                   and (retired(reason) or not retirements_only))

    # p(b) over the whole workforce; an extract that knows nobody's age is left out of the average.
    aged = [x for x in extracts if sum(x["ages"].get(b, 0) for b in BANDS) > 0]
    by_band = []
    p = {}
    for b in BANDS:
        average = sum(x["ages"].get(b, 0) for x in aged) / len(aged) if aged else 0.0
        retirements = sum(n for (_, _, _, reason, band, n) in world["leavers"] if band == b and retired(reason))
        p[b] = retirements / average if average != 0 else 0.0
        by_band.append({"band": b, "average_staff": average, "retirements": retirements, "rate": p[b]})

    # The baseline is the end extract (the start where there is no end, or the end knows no ages and the start does).
    end, start = world["end"], world["start"]
    def knows(x: dict[str, Any] | None) -> bool:
        return x is not None and sum(x["ages"].get(b, 0) for b in BANDS) > 0
    baseline = end if end is not None and (knows(end) or not knows(start)) else start

    def projection(q_nr: float, area: str | None, level: str, r: float) -> list[float]:
        counts = {b: sum(n for (a, lv, band), n in baseline["leader_ages"].items()
                         if lv == level and band == b and (area is None or a == area)) for b in BANDS}
        known = sum(counts.values())
        share = {b: counts[b] / known for b in BANDS} if known else None
        out = []
        for _ in range(world["horizon"]):
            term = sum(share[b] * p[b] for b in BANDS) if share else 0.0
            out.append(min(q_nr + term, 1 - r))
            if share:
                new = {}
                for k, b in enumerate(BANDS):
                    if k == len(BANDS) - 1:
                        new[b] = share[b] + share[BANDS[k - 1]] / WIDTH[BANDS[k - 1]]
                    elif k == 0:
                        new[b] = share[b] * (1 - 1 / WIDTH[b])
                    else:
                        new[b] = share[b] * (1 - 1 / WIDTH[b]) + share[BANDS[k - 1]] / WIDTH[BANDS[k - 1]]
                share = new
        return out

    levels = []
    for level in world["levels"]:
        a = in_post(None, level)
        total, retirements = leavers_of(None, level), leavers_of(None, level, True)
        entry: dict[str, Any] = {"level": level, "average_in_post": a, "leavers": total, "retirements": retirements}
        if a == 0:
            entry.update(leaver_rate=None, non_retirement_rate=None, projected_leaver_rate=None)
        else:
            q_nr = (total - retirements) / a
            entry.update(leaver_rate=total / a, non_retirement_rate=q_nr,
                         projected_leaver_rate=projection(q_nr, None, level, world["ready"].get(level, 0.0)))
        levels.append(entry)

    areas = []
    for area in world["areas"]:
        for level in world["levels"]:
            if not any(x["leaders"].get((area, level), 0) > 0 for x in extracts):
                continue
            a = in_post(area, level)
            total, retirements = leavers_of(area, level), leavers_of(area, level, True)
            own = a >= world["min_in_post"]
            r = world["overrides"].get((area, level), world["ready"].get(level, 0.0))
            areas.append({"area": area, "level": level, "average_in_post": a, "leavers": total,
                          "leaver_rate": total / a, "own_rate": own,
                          "projected_leaver_rate": projection((total - retirements) / a, area, level, r) if own
                          else None})
    return {"period": {"start": "2025-04-01", "end": "2026-03-31"}, "levels": levels, "areas": areas,
            "retirement_by_age_band": by_band}


def ours(world: dict[str, Any]) -> dict[str, Any]:
    """The project's derivation of the same world."""
    def staff(x: dict[str, Any] | None) -> StaffCounts | None:
        return None if x is None else StaffCounts(x["leaders"], x["ages"], x["leader_ages"])
    leavers: dict[LeaverGroup, int] = {}
    for area, level, leader, reason, band, n in world["leavers"]:
        group = LeaverGroup(area, level, leader, reason, band)
        leavers[group] = leavers.get(group, 0) + n
    counts = EvidenceCounts(PERIOD, staff(world["start"]), staff(world["end"]), leavers, tuple(world["levels"]),
                            tuple(world["areas"]))
    found = derive_rates(counts, ReadyRates(world["ready"], world["overrides"]), horizon=world["horizon"],
                         min_in_post=world["min_in_post"]).to_json()
    for level in found["levels"]:
        level.pop("reason", None)  # the page's words for a missing rate are checked on their own below
    return found


def assert_close(a: Any, b: Any, path: str = "") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), path
        for key in a:
            assert_close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert not isinstance(a, bool) and not isinstance(b, bool), path
        assert math.isclose(a, b, rel_tol=0, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b and type(a) is type(b), (path, a, b)


def empty_world(**changes: Any) -> dict[str, Any]:
    world: dict[str, Any] = {"levels": ["senior", "middle"], "areas": ["MED"], "start": None, "end": None,
                             "leavers": [], "ready": {}, "overrides": {}, "horizon": 5, "min_in_post": 20}
    world.update(changes)
    return world


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:
    levels = ["board", "senior", "middle", "frontline"][: draw(st.integers(1, 4))]
    areas = [f"A{i}" for i in range(draw(st.integers(1, 4)))]
    counts = st.integers(0, 60)

    def extract() -> dict[str, Any]:
        leaders = {(a, lv): draw(counts) for a in areas for lv in levels if draw(st.booleans())}
        ages = {} if draw(st.integers(0, 5)) == 0 else {b: draw(st.integers(0, 3000)) for b in [*BANDS, "unknown"]}
        leader_ages = {(a, lv, b): draw(st.integers(0, 30)) for (a, lv) in leaders for b in [*BANDS, "unknown"]
                       if draw(st.booleans())}
        return {"leaders": leaders, "ages": ages, "leader_ages": leader_ages}

    which = draw(st.sampled_from(["both", "both", "both", "start", "end"]))
    start = extract() if which in ("both", "start") else None
    end = extract() if which in ("both", "end") else None
    leavers = draw(st.lists(st.tuples(st.sampled_from(areas), st.sampled_from([*levels, None]), st.booleans(),
                                      st.sampled_from(REASONS), st.sampled_from([*BANDS, "unknown"]),
                                      st.integers(1, 12)), max_size=25))
    rate = st.floats(0, 0.6, allow_nan=False)
    ready = {lv: draw(rate) for lv in levels if draw(st.booleans())}
    overrides = {(a, lv): draw(rate) for a in areas for lv in levels if draw(st.integers(0, 3)) == 0}
    return {"levels": levels, "areas": areas, "start": start, "end": end, "leavers": leavers, "ready": ready,
            "overrides": overrides, "horizon": draw(st.integers(1, 10)), "min_in_post": draw(st.integers(0, 40))}


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_the_project_agrees_with_the_page_on_generated_counts(world: dict[str, Any]) -> None:
    assert_close(reference(world), ours(world))


# Worked examples, by hand.

def test_a_level_worked_by_hand() -> None:
    """Middle leaders: 400 at the start and 424 at the end (412 on average); 41 leavers, 9 of them retiring.
    Staff aged 55-64: 1,600 and 1,661 (1,630.5 on average), 88 retirements; aged 65 and over: 100 and 100,
    20 retirements. Half the middle leaders with a known age are 45-54 and half 55-64."""
    start = {"leaders": {("MED", "middle"): 400}, "ages": {"55_64": 1600, "65_plus": 100, "45_54": 2000},
             "leader_ages": {}}
    end = {"leaders": {("MED", "middle"): 424}, "ages": {"55_64": 1661, "65_plus": 100, "45_54": 2000},
           "leader_ages": {("MED", "middle", "45_54"): 100, ("MED", "middle", "55_64"): 100,
                           ("MED", "middle", "unknown"): 37}}
    leavers = [("MED", "middle", True, "Retirement Age", "55_64", 9), ("MED", "middle", True, "Dismissal", "35_44", 32),
               ("MED", None, False, "Retirement Age", "55_64", 79), ("MED", None, False, "Flexi Retirement",
                                                                       "65_plus", 20)]
    world = empty_world(levels=["middle"], start=start, end=end, leavers=leavers, ready={"middle": 0.06}, horizon=3)
    found = ours(world)
    middle = found["levels"][0]
    assert middle["average_in_post"] == 412.0
    assert (middle["leavers"], middle["retirements"]) == (41, 9)
    assert middle["leaver_rate"] == pytest.approx(41 / 412, abs=1e-12)
    assert middle["non_retirement_rate"] == pytest.approx(32 / 412, abs=1e-12)
    p55, p65 = 88 / 1630.5, 20 / 100
    # Year 1: shares at the baseline, 0.5 and 0.5. Year 2: 45-54 keeps 0.45 and 55-64 0.45 + 0.05 = 0.5,
    # 65+ gains 0.05. Year 3: 55-64 0.45 + 0.045 = 0.495, 65+ 0.05 + 0.05 = 0.1.
    assert middle["projected_leaver_rate"] == pytest.approx(
        [32 / 412 + 0.5 * p55, 32 / 412 + 0.5 * p55 + 0.05 * p65, 32 / 412 + 0.495 * p55 + 0.1 * p65], abs=1e-12)
    bands = {b["band"]: b for b in found["retirement_by_age_band"]}
    assert bands["55_64"] == {"band": "55_64", "average_staff": 1630.5, "retirements": 88, "rate": p55}
    assert bands["65_plus"]["rate"] == 0.2 and bands["45_54"]["rate"] == 0.0
    assert bands["under_25"] == {"band": "under_25", "average_staff": 0.0, "retirements": 0, "rate": 0.0}
    assert found["areas"] == [{"area": "MED", "level": "middle", "average_in_post": 412.0, "leavers": 41,
                               "leaver_rate": 41 / 412, "own_rate": True,
                               "projected_leaver_rate": middle["projected_leaver_rate"]}]
    assert_close(reference(world), found)


def test_the_projection_is_capped_at_one_less_the_ready_rate_and_an_areas_own_override_of_it() -> None:
    end = {"leaders": {("MED", "middle"): 30}, "ages": {}, "leader_ages": {}}
    leavers = [("MED", "middle", True, "Voluntary Resignation - Relocation", "unknown", 15)]
    world = empty_world(levels=["middle"], end=end, leavers=leavers, ready={"middle": 0.6},
                        overrides={("MED", "middle"): 0.45}, horizon=2)
    found = ours(world)
    assert found["levels"][0]["projected_leaver_rate"] == pytest.approx([0.4, 0.4])  # 0.5, capped at 1 - 0.6
    assert found["areas"][0]["projected_leaver_rate"] == pytest.approx([0.5, 0.5])  # 1 - 0.45 = 0.55 is no cap
    assert_close(reference(world), found)


def test_the_under_25s_move_up_a_seventh_a_year_and_the_shares_still_sum_to_one() -> None:
    end = {"leaders": {("MED", "frontline"): 20}, "ages": {"under_25": 100, "25_34": 100},
           "leader_ages": {("MED", "frontline", "under_25"): 7}}
    leavers = [("MED", None, False, "Retirement Age", "25_34", 10)]  # p(25-34) = 0.1, an unusual band to retire in
    world = empty_world(levels=["frontline"], end=end, leavers=leavers, horizon=3)
    found = ours(world)
    # Shares of 25-34: 0, 1/7, 1/7 + (6/7)/7 (the 25-34s move up a tenth a year: 1/7 * 0.9 + 6/49).
    year3 = (1 / 7) * 0.9 + (6 / 7) / 7
    assert found["levels"][0]["projected_leaver_rate"] == pytest.approx([0, 0.1 / 7, 0.1 * year3], abs=1e-12)
    assert_close(reference(world), found)


# Edge cases.

def test_one_extract_only_uses_its_own_counts() -> None:
    start = {"leaders": {("MED", "middle"): 25}, "ages": {"55_64": 50}, "leader_ages": {("MED", "middle", "55_64"): 5}}
    leavers = [("MED", "middle", True, "Retirement Age", "55_64", 5)]
    world = empty_world(levels=["middle"], start=start, leavers=leavers, horizon=1)
    found = ours(world)
    assert found["levels"][0]["average_in_post"] == 25.0
    assert found["levels"][0]["leaver_rate"] == 0.2
    assert found["retirement_by_age_band"][4]["average_staff"] == 50.0
    assert found["levels"][0]["projected_leaver_rate"] == pytest.approx([0.1])  # q_nr 0 + 1.0 * 5/50
    assert_close(reference(world), found)


def test_with_no_known_ages_the_retirement_term_is_nothing_and_every_band_rate_is_zero() -> None:
    both = {"leaders": {("MED", "middle"): 40}, "ages": {"unknown": 400},
            "leader_ages": {("MED", "middle", "unknown"): 40}}
    leavers = [("MED", "middle", True, "Retirement Age", "unknown", 4),
               ("MED", "middle", True, "Dismissal", "unknown", 2)]
    world = empty_world(levels=["middle"], start=both, end=both, leavers=leavers, horizon=2)
    found = ours(world)
    level = found["levels"][0]
    assert (level["leaver_rate"], level["non_retirement_rate"]) == (0.15, 0.05)
    assert level["projected_leaver_rate"] == [0.05, 0.05]  # retirements of unknown age count in no band
    assert all(b["rate"] == 0.0 and b["retirements"] == 0 for b in found["retirement_by_age_band"])
    assert_close(reference(world), found)


def test_an_extract_without_ages_does_not_halve_the_staff_of_each_age_band() -> None:
    start = {"leaders": {("MED", "middle"): 40}, "ages": {}, "leader_ages": {}}
    end = {"leaders": {("MED", "middle"): 40}, "ages": {"55_64": 200}, "leader_ages": {}}
    leavers = [("MED", None, False, "Retirement Age", "55_64", 10)]
    found = ours(empty_world(levels=["middle"], start=start, end=end, leavers=leavers))
    assert found["retirement_by_age_band"][4] == {"band": "55_64", "average_staff": 200.0, "retirements": 10,
                                                  "rate": 0.05}


@pytest.mark.parametrize(("average", "own"), [(19.5, False), (20.0, True), (20.5, True)])
def test_an_area_uses_its_own_rate_only_from_min_in_post_leaders_on_average(average: float, own: bool) -> None:
    start = {"leaders": {("MED", "middle"): 19, ("SUR", "middle"): 5}, "ages": {}, "leader_ages": {}}
    end = {"leaders": {("MED", "middle"): int(average * 2) - 19}, "ages": {}, "leader_ages": {}}
    leavers = [("MED", "middle", True, "Dismissal", "unknown", 3), ("SUR", "middle", True, "Dismissal", "unknown", 2)]
    world = empty_world(levels=["middle"], areas=["MED", "SUR"], start=start, end=end, leavers=leavers, horizon=1)
    found = ours(world)
    med, sur = found["areas"]
    assert (med["area"], med["average_in_post"], med["own_rate"]) == ("MED", average, own)
    assert (med["projected_leaver_rate"] is not None) == own
    # SUR had leaders at the start only: listed, with its own measured rate, but too small to use it.
    assert (sur["area"], sur["average_in_post"], sur["leaver_rate"], sur["own_rate"]) == ("SUR", 2.5, 0.8, False)
    assert sur["projected_leaver_rate"] is None
    assert_close(reference(world), found)


def test_a_level_with_nobody_in_post_has_no_rate_and_says_why() -> None:
    both = {"leaders": {("MED", "middle"): 10}, "ages": {}, "leader_ages": {}}
    world = empty_world(levels=["board", "middle"], start=both, end=both,
                        leavers=[("MED", "board", True, "Retirement Age", "65_plus", 1)])
    counts = EvidenceCounts(PERIOD, StaffCounts(both["leaders"]), StaffCounts(both["leaders"]),
                            {LeaverGroup("MED", "board", True, "Retirement Age", "65_plus"): 1}, ("board", "middle"))
    evidence = derive_rates(counts, ReadyRates({}), horizon=5)
    board = evidence.to_json()["levels"][0]
    assert board["leaver_rate"] is None and board["projected_leaver_rate"] is None and board["leavers"] == 1
    assert board["reason"] == ("No board leaders were in post at the start or the end of the period, so no leaver "
                               "rate can be measured for this level; the typed rate stays.")
    assert evidence.level_source("board") == board["reason"]
    assert [a["level"] for a in evidence.to_json()["areas"]] == ["middle"]  # no area listed without leaders
    assert_close(reference(world), ours(world))


def test_leavers_not_flagged_as_leaders_count_only_towards_retirement_by_age() -> None:
    both = {"leaders": {("MED", "middle"): 50}, "ages": {"55_64": 100}, "leader_ages": {}}
    leavers = [("MED", "middle", False, "Retirement Age", "55_64", 5)]  # a specialist on band 8a, not a leader
    found = ours(empty_world(levels=["middle"], start=both, end=both, leavers=leavers))
    assert found["levels"][0]["leavers"] == 0 and found["retirement_by_age_band"][4]["retirements"] == 5


def test_the_source_of_a_measured_rate_names_its_counts_and_the_period() -> None:
    both = {("MED", "middle"): 412}
    counts = EvidenceCounts(PERIOD, StaffCounts(both), StaffCounts(both),
                            {LeaverGroup("MED", "middle", True, "Dismissal"): 41}, ("middle",))
    evidence = derive_rates(counts, ReadyRates({}), horizon=5)
    assert evidence.level_source("middle", "middle") == (
        "measured: 41 leavers from 412 middle leaders on average, 1 April 2025 to 31 March 2026")
    assert evidence.area_source(evidence.areas[0], area_name="Medicine").startswith("measured in Medicine: 41 leavers")


def test_counts_need_a_staff_extract() -> None:
    with pytest.raises(ValueError, match="at least one staff extract"):
        EvidenceCounts(PERIOD, None, None, {}, ("middle",))


@pytest.mark.parametrize(("start", "end"), [
    (date(2025, 4, 1), date(2026, 3, 31)), (date(2024, 2, 29), date(2025, 2, 28)),
    (date(2023, 3, 1), date(2024, 2, 29)), (date(2025, 1, 1), date(2025, 12, 31))])
def test_a_period_is_one_year_less_a_day(start: date, end: date) -> None:
    period = Period.of(start, end)
    assert start in period and end in period
    assert date.fromordinal(start.toordinal() - 1) not in period and date.fromordinal(end.toordinal() + 1) not in period


@pytest.mark.parametrize("end", [date(2026, 4, 1), date(2026, 3, 30), date(2025, 9, 30), date(2027, 3, 31)])
def test_any_other_length_is_refused(end: date) -> None:
    with pytest.raises(ValueError, match="one year less a day: from 1 April 2025 it ends on 31 March 2026"):
        Period.of(date(2025, 4, 1), end)


# Generated extracts, read by the imports: the whole path from files to rates against the page.

EXTRACT_BANDS = {"8d": "senior", "8a": "middle", "7": "frontline"}
AGE_BAND_OF = [(24, "under_25"), (34, "25_34"), (44, "35_44"), (54, "45_54"), (64, "55_64"), (200, "65_plus")]


def band_of_age(age: int) -> str:
    return next(band for top, band in AGE_BAND_OF if age <= top)


@st.composite
def extracts(draw: st.DrawFn) -> dict[str, Any]:
    areas = ["MED", "SUR", "ED"][: draw(st.integers(1, 3))]
    person = st.tuples(st.sampled_from(areas), st.sampled_from(["8d", "8a", "7", "5"]), st.booleans(),
                       st.one_of(st.none(), st.integers(18, 70)))
    start = draw(st.lists(person, min_size=1, max_size=120))
    end = draw(st.lists(person, min_size=1, max_size=120))
    day = st.dates(date(2025, 4, 1), date(2026, 3, 31))
    leaver = st.tuples(st.sampled_from(areas), st.sampled_from(["8d", "8a", "7", "5"]), st.booleans(), day,
                       st.sampled_from([*REASONS, "Employee Transfer"]), st.one_of(st.none(), st.integers(18, 70)))
    leavers = draw(st.lists(leaver, min_size=1, max_size=60))
    return {"areas": areas, "start": start, "end": end, "leavers": leavers, "horizon": draw(st.integers(1, 6)),
            "ready": {"senior": draw(st.floats(0, 0.3)), "middle": draw(st.floats(0, 0.3))},
            "min_in_post": draw(st.integers(0, 30))}


def staff_csv(people: list[tuple[str, str, bool, int | None]]) -> bytes:
    rows = ["Area,Pay Band,Leader,Age"] + [f"{a},Band {b},{'Y' if lead and b in EXTRACT_BANDS else 'N'},"
                                           f"{'' if age is None else age}" for a, b, lead, age in people]
    return "\r\n".join(rows).encode()


def leavers_csv(leavers: list[tuple[str, str, bool, date, str, int | None]]) -> bytes:
    rows = ["Area,Pay Band,Leader,Termination Date,Reason for Leaving,Age"] + [
        f"{a},{b},{'Y' if lead and b in EXTRACT_BANDS else 'N'},{day:%d/%m/%Y},{reason},{'' if age is None else age}"
        for a, b, lead, day, reason, age in leavers]
    return "\r\n".join(rows).encode()


def world_from_rows(generated: dict[str, Any]) -> dict[str, Any]:
    """The page's inputs counted straight from the generated rows, without the imports."""
    def extract(people: list[tuple[str, str, bool, int | None]]) -> dict[str, Any]:
        leaders: dict[tuple[str, str], int] = {}
        ages: dict[str, int] = {}
        leader_ages: dict[tuple[str, str, str], int] = {}
        for area, band, lead, age in people:
            known = "unknown" if age is None else band_of_age(age)
            ages[known] = ages.get(known, 0) + 1
            if lead and band in EXTRACT_BANDS:
                key = (area, EXTRACT_BANDS[band])
                leaders[key] = leaders.get(key, 0) + 1
                leader_ages[(*key, known)] = leader_ages.get((*key, known), 0) + 1
        return {"leaders": leaders, "ages": ages, "leader_ages": leader_ages}
    leavers = [(area, EXTRACT_BANDS.get(band), lead and band in EXTRACT_BANDS, reason,
                "unknown" if age is None else band_of_age(age), 1)
               for area, band, lead, _, reason, age in generated["leavers"] if reason != "Employee Transfer"]
    return {"levels": ["senior", "middle", "frontline"], "areas": generated["areas"],
            "start": extract(generated["start"]), "end": extract(generated["end"]), "leavers": leavers,
            "ready": generated["ready"], "overrides": {}, "horizon": generated["horizon"],
            "min_in_post": generated["min_in_post"]}


@settings(max_examples=40, deadline=None)
@given(extracts())
def test_generated_extracts_read_by_the_imports_agree_with_the_page(generated: dict[str, Any]) -> None:
    areas = {area: area for area in generated["areas"]}
    counted = []
    for which in ("start", "end"):
        result = read_staff_extract(staff_csv(generated[which]), f"{which}.csv", areas=areas,
                                    band_levels=EXTRACT_BANDS, as_at=date(2026, 3, 31))
        assert result.importable
        counted.append(StaffCounts.from_import(result.leaders, result.diversity, f"{which}.csv"))
    leavers = read_leavers_extract(leavers_csv(generated["leavers"]), "leavers.csv", areas=areas,
                                   band_levels=EXTRACT_BANDS, period_start=date(2025, 4, 1),
                                   period_end=date(2026, 3, 31))
    assert leavers.importable
    counts = EvidenceCounts(PERIOD, counted[0], counted[1], leavers.counts, ("senior", "middle", "frontline"),
                            tuple(generated["areas"]), "leavers.csv")
    found = derive_rates(counts, ReadyRates(generated["ready"]), horizon=generated["horizon"],
                         min_in_post=generated["min_in_post"]).to_json()
    for level in found["levels"]:
        level.pop("reason", None)
    assert_close(reference(world_from_rows(generated)), found)


def test_the_age_shares_behind_each_year_sum_to_one_and_age_upwards() -> None:
    end = {("MED", "middle"): 30}
    counts = EvidenceCounts(PERIOD, None, StaffCounts(end, {"45_54": 10}, {("MED", "middle", "45_54"): 30}), {},
                            ("middle",))
    level = derive_rates(counts, ReadyRates({}), horizon=10).levels[0]
    assert level.age_shares is not None and len(level.age_shares) == 10
    assert all(sum(year) == pytest.approx(1) for year in level.age_shares)
    assert level.age_shares[0] == (0, 0, 0, 1, 0, 0)
    assert level.age_shares[9][3] == pytest.approx(0.9 ** 9)  # a tenth of 45-54 leaves the band each year
    assert [year[5] for year in level.age_shares] == sorted(year[5] for year in level.age_shares)


def test_a_ready_rate_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ValueError, match="must be from 0 to 1"):
        ReadyRates({"middle": 1.2})
