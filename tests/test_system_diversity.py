"""The system's diversity (planner.services.system_diversity), pure: sums of the members' published
figures, a cell a member withheld never shown, the system's own disclosure rule (a member's small count
cannot be recovered from the system's table and the other member's own published table), and the
combined targets against a hand calculation."""

from __future__ import annotations

import itertools
import json
from datetime import date
from typing import Any

from planner.diversity.disclosure import PUBLISHED, disclosure
from planner.models import Organisation, Strategy, StrategyVersion, SystemShare
from planner.services.system_diversity import MEMBER_WITHHELD, system_diversity
from planner.services.systems import SharedRow

LEVELS = (("board", "Board"), ("senior", "Senior leaders"), ("middle", "Middle leaders"))
GROUPS = ("white", "bme", "not_stated")
Counts = dict[tuple[str, str], int]  # (level key or "all_staff", group) -> people


def published(counts: Counts, *, threshold: int = 7, public: tuple[str, ...] = ("board",),
              audience: str = PUBLISHED) -> dict[str, Any]:
    """The representation a trust freezes: its true counts through its own disclosure rule."""
    rows = [k for k, _n in LEVELS] + ["all_staff"]
    table = disclosure(audience, threshold, public).table(
        counts, rows, list(GROUPS), row_levels={k: k for k, _n in LEVELS}, publish_column_totals=False,
        fixed_totals=True)
    return {"characteristic": "ethnicity", "rows": [
        {"level": None if r == "all_staff" else r, "total": table.row_totals[r],
         "groups": [{"group": g, "count": table.cells[(r, g)], "suppressed": table.cells[(r, g)] is None}
                    for g in GROUPS]} for r in rows]}


def member(slug: str, counts: Counts, *, threshold: int = 7, years: tuple[int, ...] = (2027, 2028),
           ends: dict[tuple[str, int], float] | None = None, targets: list[dict[str, Any]] | None = None,
           audience: str = PUBLISHED, share_id: int = 1) -> SharedRow:
    """A share of a version whose snapshot holds these counts (published), forecast and targets."""
    ends = ends or {}
    snapshot = {
        "content": {
            "strategy": {"title": f"{slug} plan"}, "levels": [{"key": k, "name": n} for k, n in LEVELS],
            "diversity": {"disclosure": {"audience": audience, "threshold": threshold, "public_levels": ["board"]},
                          "representation": [published(counts, threshold=threshold, audience=audience)],
                          "names": {"ethnicity": {"name": "Ethnicity", "groups": {"bme": "Global majority"}}},
                          "targets": []}},
        "scenarios": [{"name": "Baseline", "totals": [
            {"level": k, "year": y, "end": ends.get((k, y), 10.0)} for k, _n in LEVELS for y in years]}],
        "targets": [{"characteristic": "ethnicity", **t} for t in targets or []],
    }
    found = SystemShare(id=share_id, system_id=99, organisation_id=share_id, strategy_id=share_id, version_id=share_id,
                        scenario="Baseline")
    organisation = Organisation(id=share_id, slug=slug, name=f"{slug.title()} Trust")
    strategy = Strategy(id=share_id, organisation_id=share_id, title=f"{slug} plan", start_year=years[0] - 1)
    version = StrategyVersion(id=share_id, strategy_id=share_id, number=1, snapshot=json.dumps(snapshot),
                              approved_on=date(2026, 11, 1))
    return found, organisation, strategy, version


def counts(**rows: tuple[int, int, int]) -> Counts:
    """Counts by level: white, bme, not stated."""
    return {(level, g): n for level, values in rows.items() for g, n in zip(GROUPS, values, strict=True)}


NORTH = counts(board=(10, 2, 1), senior=(40, 12, 9), middle=(150, 30, 10), all_staff=(3000, 900, 100))
SOUTH = counts(board=(9, 1, 0), senior=(60, 20, 8), middle=(200, 50, 12), all_staff=(4000, 1000, 90))


def table(view: dict[str, Any], key: str = "ethnicity") -> dict[tuple[str, str], dict[str, Any]]:
    char = next(c for c in view["characteristics"] if c["key"] == key)
    return {(lv["level"], cell["group"]): {**cell, "total": lv["total"]} for lv in char["levels"]
            for cell in lv["cells"]}


def test_the_sums_equal_the_members_own_published_counts_where_all_are_shown() -> None:
    view = system_diversity([member("north", NORTH), member("south", SOUTH, share_id=2)], threshold=7)
    cells = table(view)
    for level in ("board", "senior", "middle", "all_staff"):
        total = sum(NORTH[(level, g)] + SOUTH[(level, g)] for g in GROUPS)
        for group in GROUPS:
            expected = NORTH[(level, group)] + SOUTH[(level, group)]
            assert cells[(level, group)]["count"] == expected
            assert cells[(level, group)]["total"] == total
            assert cells[(level, group)]["share"] == expected / total
    assert [m["included"] for m in view["members"]] == [True, True]
    # The board is public at both members and at the system: its small counts are shown whole.
    assert cells[("board", "bme")]["count"] == 3 and cells[("board", "not_stated")]["count"] == 1


def test_a_cell_a_member_withheld_is_withheld_with_the_reason_never_summed_as_zero() -> None:
    small = {**NORTH, ("senior", "bme"): 3, ("senior", "not_stated"): 2}
    view = system_diversity([member("north", small), member("south", SOUTH, share_id=2)], threshold=7)
    cells = table(view)
    for group in ("bme", "not_stated"):
        assert cells[("senior", group)]["count"] is None and cells[("senior", group)]["share"] is None
        assert cells[("senior", group)]["member_withheld"]
    assert cells[("senior", "bme")]["count"] != SOUTH[("senior", "bme")]  # not North's withheld taken as 0
    assert cells[("senior", "white")]["count"] == 100
    assert cells[("senior", "white")]["total"] == 40 + 3 + 2 + 60 + 20 + 8
    assert any(MEMBER_WITHHELD in note for note in view["notes"])


def _shown(view: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {k: (v["count"], v["share"], v["total"]) for k, v in table(view).items()}


def test_a_members_small_count_cannot_be_recovered_from_the_system_and_the_other_members_table() -> None:
    """The attack: North has 3 BME senior leaders (withheld in its own published table). Anyone holding
    the system's table and South's own published table must not be able to work the 3 out."""
    south = member("south", SOUTH, share_id=2)
    views = {}
    # Every way North's senior BME and not-stated could split while North publishes the same table.
    for bme, not_stated in ((3, 2), (2, 3), (1, 4), (4, 1)):
        north = {**NORTH, ("senior", "bme"): bme, ("senior", "not_stated"): not_stated}
        assert published(north) == published({**NORTH, ("senior", "bme"): 3, ("senior", "not_stated"): 2})
        views[bme] = _shown(system_diversity([member("north", north), south], threshold=7))
    assert len({json.dumps(sorted(v.items()), default=str) for v in views.values()}) == 1
    # And no subtraction isolates it: in each row, what the system withholds is never a single cell (the
    # row total is shown, so a lone withheld cell would be the total minus the rest, South's part known).
    shown = views[3]
    for level in ("board", "senior", "middle", "all_staff"):
        withheld = [g for g in GROUPS if shown[(level, g)][0] is None]
        assert len(withheld) != 1, (level, withheld)
    assert shown[("senior", "bme")][0] is None


def test_the_systems_own_threshold_withholds_its_small_sums_with_secondary_suppression() -> None:
    """A member with threshold 3 publishes 5 BME middle leaders; South has none. The system's threshold
    is 10, so the system's 5 is withheld, and so is another cell of the row, so that the row's total
    minus the rest does not give it back."""
    north = {**NORTH, ("middle", "bme"): 5}
    south = {**SOUTH, ("middle", "bme"): 0}
    view = system_diversity([member("north", north, threshold=3), member("south", south, share_id=2)],
                            threshold=10)
    cells = table(view)
    assert cells[("middle", "bme")]["count"] is None and not cells[("middle", "bme")]["member_withheld"]
    assert sum(cells[("middle", g)]["count"] is None for g in GROUPS) >= 2
    # Under the system's default threshold (7) the same 5 is withheld too; at threshold 3 it is shown.
    assert table(system_diversity([member("north", north, threshold=3), member("south", south, share_id=2)],
                                  threshold=3))[("middle", "bme")]["count"] == 5
    assert view["threshold"] == 10 and "1 to 10" in view["notes"][0]


def test_exact_content_is_suppressed_under_the_members_own_rule_before_the_system_sums_it() -> None:
    small = {**NORTH, ("senior", "bme"): 3, ("senior", "not_stated"): 2}
    view = system_diversity([member("north", small, audience="internal"), member("south", SOUTH, share_id=2)],
                            threshold=7)
    assert table(view)[("senior", "bme")]["count"] is None and table(view)[("senior", "bme")]["member_withheld"]


def test_the_systems_group_names_not_a_members() -> None:
    view = system_diversity([member("north", NORTH)], threshold=7)
    groups = {g["key"]: g["name"] for g in view["characteristics"][0]["groups"]}
    assert groups["bme"] == "Black and minority ethnic (BME)"  # North calls it "Global majority"
    named = system_diversity([member("north", NORTH)], threshold=7,
                             names={"ethnicity": {"name": "Ethnicity", "groups": {"bme": "Ethnic minority"}}})
    assert {g["key"]: g["name"] for g in named["characteristics"][0]["groups"]}["bme"] == "Ethnic minority"


def test_members_on_other_years_or_without_figures_are_left_out_with_a_note() -> None:
    rows = [member("north", NORTH), member("south", SOUTH, share_id=2),
            member("west", SOUTH, years=(2028, 2029), share_id=3),
            member("east", {k: 0 for k in NORTH}, share_id=4)]
    view = system_diversity(rows, threshold=7)
    by_slug = {m["organisation"]: m for m in view["members"]}
    assert [by_slug[s]["included"] for s in ("north", "south", "west", "east")] == [True, True, False, False]
    assert "2028 to 2029" in by_slug["west"]["note"] and "no diversity figures" in by_slug["east"]["note"]
    assert table(view)[("middle", "white")]["count"] == 350  # West's 200 not added


def test_the_combined_targets_against_a_hand_calculation() -> None:
    """North: 20% BME senior leaders by 2028, 30 leaders forecast there at the end of 2028. South: 10% by
    2027 (held in 2028), 50 leaders. If both meet them: (0.2 * 30 + 0.1 * 50) / 80 = 13.75% in 2028."""
    north = member("north", NORTH, ends={("senior", 2028): 30.0},
                   targets=[{"level": "senior", "group": "bme", "target_share": 0.2, "target_year": 2028}])
    south = member("south", SOUTH, share_id=2, ends={("senior", 2028): 50.0, ("senior", 2027): 45.0},
                   targets=[{"level": "senior", "group": "bme", "target_share": 0.1, "target_year": 2027}])
    view = system_diversity([north, south], threshold=7)
    char = view["characteristics"][0]
    assert {(t["organisation"], t["target_share"], t["target_year"]) for t in char["targets"]} == {
        ("north", 0.2, 2028), ("south", 0.1, 2027)}
    combined = {(r["level"], r["group"], r["target_year"]): r for r in char["combined"]}
    assert abs(combined[("senior", "bme", 2028)]["share"] - 0.1375) < 1e-12
    assert combined[("senior", "bme", 2028)]["note"] is None
    # In 2027 North has no target yet: nothing is worked out, and the note says whose is missing.
    early = combined[("senior", "bme", 2027)]
    assert early["share"] is None and "North Trust has no target" in early["note"]


def test_all_leaders_targets_weigh_every_level() -> None:
    ends = {(k, 2028): n for (k, _name), n in zip(LEVELS, (10.0, 20.0, 70.0), strict=True)}
    north = member("north", NORTH, ends=ends,
                   targets=[{"level": "all", "group": "bme", "target_share": 0.3, "target_year": 2028}])
    south = member("south", SOUTH, share_id=2, ends={(k, 2028): 100.0 for k, _n in LEVELS},
                   targets=[{"level": "all", "group": "bme", "target_share": 0.1, "target_year": 2028}])
    row = system_diversity([north, south], threshold=7)["characteristics"][0]["combined"][0]
    assert row["level_name"] == "All leaders"
    assert abs(row["share"] - (0.3 * 100 + 0.1 * 300) / 400) < 1e-12


def test_no_member_combination_is_shown_where_a_member_is_missing_a_target() -> None:
    for have in itertools.product((True, False), repeat=2):
        rows = [member(slug, NORTH, share_id=i + 1, targets=[
            {"level": "middle", "group": "bme", "target_share": 0.25, "target_year": 2028}] if has else [])
            for i, (slug, has) in enumerate(zip(("north", "south"), have, strict=True))]
        combined = system_diversity(rows, threshold=7)["characteristics"][0]["combined"]
        if not any(have):
            assert combined == []
        elif all(have):
            assert combined[0]["share"] == 0.25
        else:
            assert combined[0]["share"] is None and "no target" in combined[0]["note"]
