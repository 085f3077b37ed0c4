"""The one disclosure rule, end to end, on small random organisations: whatever their counts, a published
pack (its workbook cells), paper (its Word text), chart file (the figure of each target chart) or API
answer (to a viewer's token) never holds a count from 1 to the threshold outside a public level, nor any
figure worked out from a target's withheld starting count: no trajectory, no-action path, required share
or chart point. Where the board is split by member type (voting and executive membership, for WRES 9),
an attacker who solves every published sum together (board counts by area and group, the board by
group, each membership's count and members) learns no count from 1 to the threshold either."""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from docx import Document
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import Session

from planner.diversity.board import BOARD_TYPES, MEMBERSHIPS
from planner.exports.paper import paper_docx
from planner.exports.paper_charts import paper_charts
from planner.exports.paper_figures import percent
from planner.exports.workbook import pack_bytes
from planner.models import DiversityCount, DiversityTarget, Organisation
from planner.services import chart_set, scenarios
from planner.services.board_pack import pack_content
from planner.services.diversity import diversity_report
from tests import factories
from tests.web.test_diversity_api import bearer

LEVELS = ("board", "senior", "middle", "frontline")
LEVEL_NAMES = {"board": "Board", "senior": "Senior leaders", "middle": "Middle leaders",
               "frontline": "Frontline leaders"}
GROUPS = ("white", "bme", "not_stated")
GROUP_NAMES = {"white": "White", "bme": "Black and minority ethnic (BME)", "not_stated": "Not stated"}
START = 2026


@dataclass(frozen=True)
class World:
    threshold: int
    public: str  # the organisation's public-levels setting
    counts: dict[tuple[int, str, str], int]  # (area, level, group) -> leaders
    targets: list[tuple[str | None, str, float, int]]  # (level or None for all leaders, group, share, year)
    # (area, board member type, group) -> board members; a type "" holds board members with none given.
    typed: dict[tuple[int, str, str], int] = field(default_factory=dict)

    def true_typed(self, types: tuple[str, ...], group: str | None = None) -> int:
        return sum(n for (_a, t, g), n in self.typed.items() if t in types and group in (None, g))

    def true(self, level: str, group: str) -> int:
        return sum(n for (_a, lv, g), n in self.counts.items() if lv == level and g == group)

    def is_public(self, level: str | None) -> bool:
        return level is not None and level in {k.strip() for k in self.public.split(",")}


@st.composite
def worlds(draw: st.DrawFn) -> World:
    threshold = draw(st.sampled_from([3, 5, 7]))
    count = st.one_of(st.just(0), st.integers(1, threshold), st.integers(threshold + 1, 40))
    areas = draw(st.integers(1, 2))
    counts = {(a, lv, g): draw(count) for a in range(areas) for lv in LEVELS for g in GROUPS}
    target = st.tuples(st.sampled_from([*LEVELS, None]), st.sampled_from(["bme", "white"]),
                       st.sampled_from([0.15, 0.25, 0.4, 0.6]), st.integers(START + 2, START + 5))
    typed: dict[tuple[int, str, str], int] = {}
    split = draw(st.sampled_from(["none", "every member", "some members"]))
    for (a, lv, g), n in counts.items():
        if lv == "board" and split != "none":
            parts = [draw(st.integers(0, n)) for _ in BOARD_TYPES]
            scale = sum(parts)
            # Cut n into the three types (and, for "some members", a part with no type given).
            shares = [p * n // scale if scale else 0 for p in parts]
            shares[0] += n - sum(shares)
            if split == "some members" and shares[0]:
                untyped = draw(st.integers(0, shares[0]))
                shares[0] -= untyped
                typed[(a, "", g)] = untyped
            for board_type, part in zip(BOARD_TYPES, shares, strict=True):
                typed[(a, board_type, g)] = part
    return World(threshold, draw(st.sampled_from(["board", "", "senior", "board, senior"])), counts,
                 draw(st.lists(target, min_size=1, max_size=3, unique_by=lambda t: (t[0], t[1]))), typed)


def arrange(db: Session, world: World) -> tuple[Organisation, Any]:
    org = factories.make_org(db)
    org.suppression_threshold, org.public_levels = world.threshold, world.public
    db.add(org)
    strategy = factories.make_strategy(db, org, start_year=START)
    levels = {k: factories.level(db, strategy, k) for k in LEVELS}
    for a in sorted({a for a, _lv, _g in world.counts}):
        area = factories.make_area(db, strategy, f"A{a}")
        leaders = {lv: sum(world.counts[(a, lv, g)] for g in GROUPS) for lv in LEVELS}
        factories.set_baseline(db, strategy, area, 2000, 1900.0, **leaders)
        for (area_index, lv, g), n in world.counts.items():
            if area_index == a and n:
                db.add(DiversityCount(organisation_id=org.id, strategy_id=strategy.id, area_id=area.id,
                                      level_id=levels[lv].id, characteristic="ethnicity", group_key=g, count=n))
        for (area_index, board_type, g), n in world.typed.items():
            if area_index == a and n and board_type:
                db.add(DiversityCount(organisation_id=org.id, strategy_id=strategy.id, area_id=area.id,
                                      level_id=levels["board"].id, characteristic="ethnicity", group_key=g, count=n,
                                      board_type=board_type))
        for g, n in (("white", 1500), ("bme", 400), ("not_stated", 100)):
            db.add(DiversityCount(organisation_id=org.id, strategy_id=strategy.id, area_id=area.id, level_id=None,
                                  characteristic="ethnicity", group_key=g, count=n))
    for level, group, share, year in world.targets:
        db.add(DiversityTarget(organisation_id=org.id, strategy_id=strategy.id,
                               level_id=levels[level].id if level else None, characteristic="ethnicity",
                               group_key=group, target_share=share, target_year=year))
    db.commit()
    scenarios.create_scenario(session=db, strategy=strategy, name="Baseline", actor=None)
    return org, strategy


def withheld_targets(world: World, content: dict[str, Any]) -> set[Any]:
    """Targets whose start must be withheld: a small count at a level that is not public (primary
    suppression, worked out here from the true counts), and every target the content marks withheld."""
    out = {t["id"] for t in content["diversity"]["targets"] if t["suppressed"]}
    for t in content["diversity"]["targets"]:
        covered = LEVELS if t["level"] == "all" else (t["level"],)
        if any(1 <= world.true(lv, t["group"]) <= world.threshold and not world.is_public(lv) for lv in covered):
            out.add(t["id"])
    return out


def derived_figures(target: dict[str, Any]) -> set[float]:
    """What the engine worked out from a target's starting count, as the exact (internal) answer gives it;
    the target share itself (reached by the path in its year) is the board's own, so not among them."""
    found: set[float] = set()
    for path in ("trajectory", "no_action"):
        for point in target.get(path) or []:
            found |= {point["share"], point["count"], point["appointments_from_group"]}
    if target.get("required_share_of_appointments") is not None:
        found.add(target["required_share_of_appointments"])
    # Only figures with more than three decimals: a round one (0.1, 0.81) may be a rate or share set elsewhere.
    rounded = {round(float(v), 9) for v in found}
    return {v for v in rounded if round(v, 3) != v} - {round(target["target_share"], 9)}


def numbers_in(data: bytes) -> set[float]:
    """Every number in a workbook's cells, to nine places."""
    workbook = load_workbook(io.BytesIO(data))
    return {round(float(c.value), 9) for ws in workbook.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, int | float) and not isinstance(c.value, bool)}


def check_workbook(world: World, content: dict[str, Any], withheld: set[Any], exact: dict[Any, dict[str, Any]]) -> None:
    data = pack_bytes(content)
    # Only numbers that are there because a withheld target is: the same pack without those targets
    # shows everything else (a forecast for one leader, a share of 6 in 9) and so any figure equal to
    # one of theirs by chance.
    twin = copy.deepcopy(content)
    twin["diversity"]["targets"] = [t for t in twin["diversity"]["targets"] if t["id"] not in withheld]
    numbers = numbers_in(data) - numbers_in(pack_bytes(twin))
    for target_id in withheld:
        found = derived_figures(exact[target_id]) & numbers
        assert not found, f"target {target_id}'s figures {sorted(found)} are in the pack"
    ws = load_workbook(io.BytesIO(data))["Diversity"]
    for row in ws.iter_rows(values_only=True):
        if row[0] == "Ethnicity (WRES groups)" and row[1] in LEVEL_NAMES.values():
            level = next(k for k, v in LEVEL_NAMES.items() if v == row[1])
            group = next(k for k, v in GROUP_NAMES.items() if v == row[2])
            true = world.true(level, group)
            assert row[3] in ("*", true)
            if world.is_public(level):
                assert row[3] == true, "a public level is never suppressed"
            elif 1 <= true <= world.threshold:
                assert row[3] == "*" and row[4] == "*", f"{level}/{group}: {true} is in the pack"


def check_paper(world: World, content: dict[str, Any], withheld: set[Any]) -> None:
    document = Document(io.BytesIO(paper_docx(content, {}, charts=paper_charts(content))))
    bullets = [p.text for p in document.paragraphs]
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    for t in content["diversity"]["targets"]:
        if t["id"] not in withheld:
            continue
        level = "all leaders" if t["level"] == "all" else LEVEL_NAMES[t["level"]].lower()
        head = f"{GROUP_NAMES[t['group']]}: {percent(t['target_share'])} of {level} by {t['target_year']}."
        said = [text for text in bullets if text.startswith(head)]
        assert said and all("withheld: fewer than" in text.lower() for text in said), said
        assert all(text.count("%") == 1 for text in said), said  # the target's own share, nothing worked out
        for row in rows:
            if row[:2] == [GROUP_NAMES[t["group"]], level[:1].upper() + level[1:]] and row[3] == str(t["target_year"]):
                assert row[4] in ("–", "*"), row  # no share of appointments needed
    assert not {f"target-{i}" for i in withheld} & {c.key for c in paper_charts(content)}


def check_api(world: World, report: dict[str, Any], baseline: dict[str, Any], withheld: set[Any]) -> None:
    for rep in report["representation"]:
        for row in rep["rows"]:
            for group in row["groups"]:
                if rep["characteristic"] == "ethnicity" and row["level"] is not None:
                    true = world.true(row["level"], group["group"])
                    assert group["count"] in (None, true)
                    if 1 <= true <= world.threshold and not world.is_public(row["level"]):
                        assert group["count"] is None and group["share"] is None
            # How many leaders a level has is public (the baseline): a row may not withhold just one count.
            if rep["characteristic"] == "ethnicity" and row["level"] is not None:
                assert sum(group["count"] is None for group in row["groups"]) != 1, row
    for item in baseline["diversity"]:
        n = item["count"]
        if n is not None and 1 <= n <= world.threshold:
            assert world.is_public(item["level"]), item
    for t in report["targets"]:
        if t["id"] in withheld:
            assert [t[k] for k in ("baseline_count", "required_share_of_appointments", "feasible", "earliest_year",
                                   "assessment", "trajectory", "no_action")] == [None] * 7, t
            assert t["suppressed"] and t["withheld_reason"]



class Attacker:
    """Everything published about the board as linear sums of its unknown cells (area, member type, group),
    solved together: which sums then follow exactly. Counts are never negative, so a sum known to be 0
    makes each of its cells 0, which can make more follow; that is applied until nothing changes."""

    def __init__(self, cells: list[tuple[int, str, str]]) -> None:
        self.index = {cell: i for i, cell in enumerate(cells)}
        self.rows: dict[int, tuple[list[Fraction], Fraction]] = {}  # pivot -> reduced equation

    def vector(self, cells: list[tuple[int, str, str]]) -> list[Fraction]:
        v = [Fraction(0)] * len(self.index)
        for cell in cells:
            v[self.index[cell]] += 1
        return v

    def reduce(self, v: list[Fraction], value: Fraction) -> tuple[list[Fraction], Fraction]:
        v = list(v)
        for pivot, (row, known) in self.rows.items():
            if v[pivot]:
                factor = v[pivot]
                v = [a - factor * b for a, b in zip(v, row, strict=True)]
                value -= factor * known
        return v, value

    def learn(self, cells: list[tuple[int, str, str]], value: int) -> None:
        v, rest = self.reduce(self.vector(cells), Fraction(value))
        pivot = next((i for i, a in enumerate(v) if a), None)
        if pivot is None:
            assert rest == 0, "the published figures contradict each other"
            return
        v, rest = [a / v[pivot] for a in v], rest / v[pivot]
        for other, (row, known) in list(self.rows.items()):
            if row[pivot]:
                factor = row[pivot]
                self.rows[other] = ([a - factor * b for a, b in zip(row, v, strict=True)], known - factor * rest)
        self.rows[pivot] = (v, rest)

    def follows(self, cells: list[tuple[int, str, str]]) -> Fraction | None:
        v, value = self.reduce(self.vector(cells), Fraction(0))
        return -value if not any(v) else None

    def close(self, sums: list[list[tuple[int, str, str]]]) -> None:
        changed = True
        while changed:
            changed = False
            for cells in sums:
                if self.follows(cells) == 0:
                    for cell in cells:
                        if self.follows([cell]) is None:
                            self.learn([cell], 0)
                            changed = True


def check_board_types(world: World, report: dict[str, Any], baseline: dict[str, Any]) -> None:
    """The board's voting and executive membership as a viewer gets it: a count and members from the
    true counts, withheld together with their share and gap; and, where the board is not public, no
    count from 1 to the threshold follows from everything published about the board together."""
    ethnicity = next(rep for rep in report["representation"] if rep["characteristic"] == "ethnicity")
    membership = ethnicity["indicators"]["board_membership"]
    assert (membership is None) is (world.true_typed(tuple(BOARD_TYPES)) == 0)  # none imported: the reason instead
    for key, types in MEMBERSHIPS.items() if membership else ():
        shown = membership[key]
        assert shown["count"] in (None, world.true_typed(types, "bme"))
        assert shown["members"] in (None, world.true_typed(types))
        if shown["count"] is None or shown["members"] is None:
            assert shown["share"] is None and shown["gap_points"] is None, (key, shown)
    if membership is None or world.is_public("board"):
        return
    areas = sorted({a for a, _lv, _g in world.counts})
    types = [*BOARD_TYPES, ""]
    cells = [(a, t, g) for a in areas for t in types for g in GROUPS]
    listed = {(int(item["area"][1:]), item["group"]): item["count"] for item in baseline["diversity"]
              if item["level"] == "board" and item["characteristic"] == "ethnicity"}
    board = next(row for row in ethnicity["rows"] if row["level"] == "board")
    # What was known before the board was split: the board by area and group (a count left out of the
    # list is 0) and as a whole, each area's board members, and who sits on the board in which role (the
    # trust's website names them).
    before: list[tuple[list[tuple[int, str, str]], int | None]] = []
    for a in areas:
        before.append(([(a, t, g) for t in types for g in GROUPS], sum(world.counts[(a, "board", g)] for g in GROUPS)))
        before += [([(a, t, g) for t in types], listed.get((a, g), 0)) for g in GROUPS]
    before += [([(a, t, g) for a in areas for g in GROUPS], world.true_typed((t,))) for t in types]
    before.append(([(a, t, g) for a in areas for t in types for g in GROUPS], board["total"]))
    before += [([(a, t, group["group"]) for a in areas for t in types], group["count"]) for group in board["groups"]]
    # What the split adds: each membership's count of the focus group and its members.
    split = [([(a, t, g) for a in areas for t in members for g in GROUPS], membership[key]["members"])
             for key, members in MEMBERSHIPS.items()]
    split += [([(a, t, "bme") for a in areas for t in members], membership[key]["count"])
              for key, members in MEMBERSHIPS.items()]
    # What a reader would want to know: one type's (or membership's) count of one group, in an area or in all.
    wanted = [[(a, t, g) for a in scope for t in chosen] for g in GROUPS for scope in ([[a] for a in areas] + [areas])
              for chosen in [[t] for t in types] + list(MEMBERSHIPS.values())]
    known = {}
    for name, sums in (("before", before), ("after", before + split)):
        attacker = Attacker(cells)
        for part, value in sums:
            if value is not None:
                attacker.learn(part, value)
        attacker.close([part for part, value in sums if value is not None] + wanted)
        known[name] = [attacker.follows(part) for part in wanted]
    for part, was, now in zip(wanted, known["before"], known["after"], strict=True):
        assert now in (None, sum(world.typed.get(cell, 0) for cell in part))
        # A board all of one group (11 of 11 not stated) says each of its members' group before any split:
        # only what the split itself gives away is its to answer for.
        assert was is not None or now is None or not 1 <= now <= world.threshold, \
            f"{part} = {now} follows from what is published"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(world=worlds())
def test_nothing_published_discloses_a_small_count_or_anything_derived_from_one(client, db: Session,
                                                                               world: World) -> None:
    org, strategy = arrange(db, world)
    content = pack_content(db, strategy, org, prepared_by="Test", today=date(2026, 12, 1))
    assert content["prepared"]["marking"] == "OFFICIAL"
    scenario = scenarios.scenarios_of(db, strategy)[0]
    exact = {t["id"]: t for t in diversity_report(db, strategy, org, scenario, audience="internal")["targets"]}
    withheld = withheld_targets(world, content)
    event(f"{len(withheld)} of {len(exact)} targets withheld")
    event("board split by member type, " + ("public" if world.is_public("board") else "not public")
          if world.typed else "board not split by member type")
    check_workbook(world, content, withheld, exact)
    check_paper(world, content, withheld)
    # Chart files: a withheld start has none; the others never carry a withheld target's points.
    figures = chart_set.strategy_figures(db, strategy, org)
    for target_id in exact:
        found = chart_set.figure_named(db, strategy, org, f"diversity-target-{target_id}")
        assert (found is None) is (target_id in withheld or exact[target_id]["trajectory"] is None)
    # A shown target's own figures are its chart's to show, even where one equals by chance a figure of a
    # withheld target (1 of 12 senior leaders and 3 of 36 frontline leaders start at the same share).
    shown = set().union(*(derived_figures(t) for i, t in exact.items() if i not in withheld))
    for name, (_title, figure) in figures.items():
        if name.startswith("diversity-target-"):
            points = {round(float(y), 9) for trace in figure.to_plotly_json()["data"] for y in trace.get("y") or []}
            for target_id in withheld:
                assert not (derived_figures(exact[target_id]) - shown) & points, name
    headers = bearer(db, org, "viewer")
    for query in ("", "?suppress=false"):
        report = client.get(f"/api/v1/strategies/{strategy.id}/diversity{query}", headers=headers).get_json()
        baseline = client.get(f"/api/v1/strategies/{strategy.id}/baseline{query}", headers=headers).get_json()
        check_api(world, report, baseline, withheld)
        check_board_types(world, report, baseline)
