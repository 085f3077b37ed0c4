"""The Diversity step and the baseline as plain data for the API, the pack and saved versions."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from planner.diversity import board as board_types
from planner.diversity.characteristics import CHARACTERISTICS
from planner.diversity.disclosure import PUBLISHED, Audience
from planner.models import DiversityCount, Organisation, Scenario, Strategy
from planner.services import derived
from planner.services.baseline import summarise
from planner.services.diversity.representation import (
    ALL_STAFF,
    BoardMembership,
    audience_for,
    indicators,
    representation,
    rule,
)
from planner.services.diversity.targets import target_outcomes
from planner.services.establishment import establishment_of, first_year, vacancies
from planner.services.structure import areas_of, levels_of


def baseline_diversity(session: Session, strategy: Strategy, organisation: Organisation, *,
                       suppressed: bool = True, audience: Audience | None = None) -> list[dict[str, Any]]:
    """Every stored count as the API lists it, as the audience may see it by the one disclosure rule:
    for each characteristic and level (or all staff) a table of areas by groups, whose area totals
    (the baseline) and group totals (the organisation's representation) are published, so both get
    secondary suppression (except at a public level, shown whole)."""
    disclosed = rule(organisation, audience_for(suppressed, audience))
    areas = {a.id: a.code for a in areas_of(session, strategy)}
    level_keys: dict[int | None, str | None] = {lv.id: lv.key for lv in levels_of(session, strategy)}
    level_keys[None] = None
    tables: dict[tuple[str, int | None], dict[tuple[str, str], int]] = {}
    for row in session.exec(select(DiversityCount).where(DiversityCount.strategy_id == strategy.id,
                                                         col(DiversityCount.board_type).is_(None))):
        if row.area_id in areas and row.level_id in level_keys:
            cells = tables.setdefault((row.characteristic, row.level_id), {})
            key = (areas[row.area_id], row.group_key)
            cells[key] = cells.get(key, 0) + row.count
    out: list[dict[str, Any]] = []
    area_order = list(areas.values())
    for char in CHARACTERISTICS:
        groups = [g.key for g in char.groups]
        for level_id, level_key in level_keys.items():
            counted = tables.get((char.key, level_id))
            if not counted:
                continue
            rows = [code for code in area_order if any((code, g) in counted for g in groups)]
            # Area totals are the baseline's staff and leaders, and group totals the organisation's
            # representation: both are published elsewhere, so neither may be withheld here.
            shown = disclosed.table(counted, rows, groups, row_levels={code: level_key for code in rows},
                                    fixed_totals=True)
            for code in rows:
                for group in groups:
                    value = shown.cells.get((code, group))
                    if value == 0:
                        continue  # zeros are left out, unless withheld (then a reader cannot tell)
                    out.append({"area": code, "level": level_key, "characteristic": char.key, "group": group,
                                "count": value, "suppressed": value is None})
    return out


def diversity_report(session: Session, strategy: Strategy, organisation: Organisation, scenario: Scenario | None, *,
                     suppressed: bool = True, audience: Audience | None = None) -> dict[str, Any]:
    """The Diversity step as data: representation and indicators per characteristic, and targets, as
    the audience (else: published when suppressed, internal when not) may see them."""
    chosen = audience_for(suppressed, audience)
    return derived.remember(session, strategy_id=strategy.id, organisation_id=organisation.id,
                            kind="diversity report", parts=(scenario.id if scenario else None, str(chosen)),
                            reads=("baseline", "diversity", "forecast", "organisation", "strategy", "structure",
                                   "succession"),
                            compute=lambda: _diversity_report(session, strategy, organisation, scenario, chosen))


def _diversity_report(session: Session, strategy: Strategy, organisation: Organisation, scenario: Scenario | None,
                      chosen: Audience) -> dict[str, Any]:
    suppressed = chosen == PUBLISHED
    representation_out = []
    for char in CHARACTERISTICS:
        rep = representation(session, strategy, organisation, char.key, audience=chosen)
        ind = indicators(rep, session, strategy)
        representation_out.append({
            "characteristic": char.key,
            "rows": [{
                "level": None if row == ALL_STAFF else row,
                "total": rep.table.row_totals.get(row),
                "groups": [{"group": g.key, "count": rep.table.cells.get((row, g.key)),
                            "share": rep.shares.get((row, g.key)),
                            "suppressed": rep.table.cells.get((row, g.key)) is None} for g in char.groups],
            } for row, _label in rep.rows],
            "benchmarks": {"workforce": rep.workforce, **rep.benchmarks},
            "indicators": None if ind is None else {
                "focus_group": ind.focus_group, "level_gaps_points": ind.level_gaps,
                "board_gap_points": ind.board_gap, "relative_likelihood": ind.relative_likelihood,
                **_membership_out(ind.membership),
            },
        })
    targets_out = []
    if scenario is not None:
        for outcome in target_outcomes(session, strategy, scenario, audience=chosen):
            small = outcome.withheld
            targets_out.append({
                "id": outcome.target.id, "level": next((lv.key for lv in levels_of(session, strategy)
                                                        if lv.id == outcome.target.level_id), "all"),
                "characteristic": outcome.target.characteristic, "group": outcome.target.group_key,
                "target_share": outcome.target.target_share, "target_year": outcome.target.target_year,
                "baseline_count": None if small else outcome.baseline_count, "suppressed": small,
                "withheld_reason": outcome.withheld_reason or None,
                "required_share_of_appointments": outcome.result["required_share_of_appointments"]
                if outcome.result else None,
                "feasible": outcome.result["feasible"] if outcome.result else None,
                "assessment": outcome.result["assessment"] if outcome.result else None,
                # The pool appointments come from; its share is shown only where the counts behind it may be.
                "pool": None if outcome.pool_key == ALL_STAFF else outcome.pool_key, "pool_name": outcome.pool_name,
                "pipeline_share": outcome.pipeline_shown(suppressed=suppressed),
                "pipeline_source": outcome.pipeline_source,
                "pipeline_withheld": outcome.pipeline_hidden(suppressed=suppressed),
                "earliest_year": outcome.earliest_year,
                "trajectory": outcome.result["trajectory"] if outcome.result else None,
                "no_action": outcome.result["no_action"] if outcome.result else None,
                "problems": outcome.problems,
            })
    return {"scenario": {"id": scenario.id, "name": scenario.name} if scenario else None,
            "suppression_threshold": organisation.suppression_threshold, "suppressed": suppressed,
            "audience": chosen, "disclosure": rule(organisation, chosen).as_content(),
            "representation": representation_out, "targets": targets_out}


def _membership_out(membership: BoardMembership | None) -> dict[str, Any]:
    """Indicator 9 by voting and executive membership, for the API and the pack."""
    if membership is None:
        return {"board_membership": None, "board_membership_note": board_types.NOT_RECORDED}
    return {"board_membership": {key: {
        "group": membership.focus, "gap_points": membership.gaps[key], "share": membership.shares[key],
        "count": membership.counts[key],
        "members": membership.totals[key], "suppressed": membership.withheld[key],
    } for key in board_types.MEMBERSHIPS}, "board_membership_note": None}


def baseline_document(session: Session, strategy: Strategy, organisation: Organisation, *,
                      suppressed: bool = True) -> dict[str, object]:
    """The baseline as the API gives it: each area's own staff, FTE and leaders by level key, and
    the diversity counts (suppressed by the one rule unless the caller may and asks otherwise). Kept
    under the strategy's revision (planner.services.derived)."""
    return derived.remember(session, strategy_id=strategy.id, organisation_id=organisation.id,
                            kind="baseline document", parts=(suppressed,),
                            reads=("baseline", "diversity", "organisation", "structure"),
                            compute=lambda: _baseline_document(session, strategy, organisation, suppressed=suppressed))


def _baseline_document(session: Session, strategy: Strategy, organisation: Organisation, *,
                       suppressed: bool) -> dict[str, object]:
    summary = summarise(session, strategy)
    funded = establishment_of(session, strategy)
    areas = []
    for area in summary.areas:
        own = summary.own.get(area.id)
        leaders = {lv.key: (own.leaders.get(lv.key, 0) if own else 0) for lv in summary.levels}
        posts = funded.get(area.id, {})
        areas.append({
            "code": area.code,
            "staff": own.staff if own else 0,
            "fte": own.fte if own else 0.0,
            "leaders": leaders,
            # The area's own funded posts (a list: one per forecast year) and its vacancies at the baseline.
            "establishment": {lv.key: (list(p) if isinstance(p := posts[lv.key], tuple) else p)
                              for lv in summary.levels if lv.key in posts},
            "vacancies": {lv.key: _vacancy(first_year(posts[lv.key]), leaders[lv.key])
                          for lv in summary.levels if lv.key in posts},
        })
    totals = vacancies(session, strategy).totals
    return {"areas": areas,
            "vacancies": {key: _vacancy(v.establishment, v.in_post) for key, v in totals.items()},
            "diversity": baseline_diversity(session, strategy, organisation, suppressed=suppressed)}


def _vacancy(posts: int, in_post: float) -> dict[str, object]:
    return {"establishment": posts, "in_post": in_post, "vacancies": posts - in_post,
            "rate": (posts - in_post) / posts if posts else None}
