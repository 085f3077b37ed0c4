"""What goes into the board pack, gathered from the stored strategy as plain JSON-ready data.

The workbook builder (planner.exports.workbook) takes this content and nothing else, so it never
touches the database, and an approved version can keep the content as it stood and rebuild the
same pack later. Diversity figures follow the one disclosure rule (planner.diversity.disclosure) for
the pack's audience: published by default (suppressed, and nothing derived from a withheld count:
a Part 1 meeting, anything that may leave the organisation's control), or internal (exact counts,
marked OFFICIAL-SENSITIVE: for the board and its committees in private)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from sqlmodel import Session, col, select

from planner.dates import long_date
from planner.diversity.disclosure import PUBLISHED, Audience, check_audience
from planner.exports.content import (
    AreaPart,
    ComparedScenario,
    CompetenciesPart,
    CompetencyRow,
    ForecastPart,
    GapRow,
    InterventionRow,
    LevelPart,
    ObjectiveRow,
    ObjectivesPart,
    PackContent,
    StatusPart,
    StructurePart,
    SurveyPart,
    UnownedGap,
    VacancyRow,
)
from planner.models import Organisation, Scenario, StaffImport, Strategy, StrategyVersion
from planner.services import (
    board_terms,
    competencies,
    consultation,
    derived,
    diversity,
    forecasting,
    objectives,
    succession,
    surveys,
)
from planner.services.baseline import summarise
from planner.services.board_cover import cover_content
from planner.services.completeness import OBJECTIVES_READ, completeness
from planner.services.establishment import Vacancy, vacancies
from planner.services.scenarios import area_assumptions, level_assumptions, measured_rates, scenarios_of
from planner.services.structure import areas_of, bands_by_level, levels_of

SCHEMA = 1
MARKING = "OFFICIAL"  # a published pack's; planner.diversity.disclosure gives each audience's


def _scenario_choice(session: Session, strategy: Strategy, scenario: Scenario | None) -> Scenario | None:
    if scenario is not None:
        return scenario
    found = scenarios_of(session, strategy)
    return found[0] if found else None


def _vacancy_rows(found: Mapping[str, Vacancy]) -> dict[str, VacancyRow]:
    return {key: {"establishment": v.establishment, "in_post": v.in_post, "vacancies": v.vacancies, "rate": v.rate,
                  "partial": v.partial} for key, v in found.items()}


def _structure(session: Session, strategy: Strategy) -> StructurePart:
    summary = summarise(session, strategy)
    funded = vacancies(session, strategy)
    bands = bands_by_level(session, strategy)
    codes = {a.id: a.code for a in summary.areas}
    levels: list[LevelPart] = [{"key": lv.key, "name": lv.name, "bands": bands.get(lv.id, [])}
                               for lv in summary.levels]
    areas: list[AreaPart] = []
    for area in summary.areas:
        own = summary.own.get(area.id)
        rolled = summary.rolled.get(area.id, {})
        areas.append({
            "code": area.code, "name": area.name,
            "parent": codes.get(area.parent_id) if area.parent_id is not None else None,
            "depth": summary.depths.get(area.id, 0),
            "staff": own.staff if own else 0, "fte": own.fte if own else 0.0,
            "leaders": {lv.key: (own.leaders.get(lv.key, 0) if own else 0) for lv in summary.levels},
            "rolled_staff": rolled.get("staff", 0), "rolled_fte": rolled.get("fte", 0.0),
            "rolled_leaders": {lv.key: rolled.get(f"leaders:{lv.key}", 0) for lv in summary.levels},
            # Funded posts (first forecast year), leaders in post and vacancies, with the areas within it.
            "establishment": _vacancy_rows(funded.by_area.get(area.id, {})),
        })
    latest = session.exec(select(StaffImport).where(StaffImport.strategy_id == strategy.id,
                                                    StaffImport.status == "applied")
                          .order_by(col(StaffImport.created_at).desc())).first()
    source = "Typed in on the Baseline step"
    if latest is not None:
        source = (f"Staff extract {latest.filename or 'upload'}, imported {long_date(latest.created_at)} "
                  f"({latest.rows_read:,} rows)")
    return {"levels": levels, "areas": areas, "baseline_source": source,
            "establishment_totals": _vacancy_rows(funded.totals)}


def _forecast(session: Session, strategy: Strategy, scenario: Scenario | None,
              level_ids: dict[str, int]) -> ForecastPart:
    if scenario is None:
        return {"scenario": None, "spec": None, "result": None, "problems": ["There is no scenario yet."],
                "assumptions": None, "scenarios": []}
    chosen = forecasting.run(session, strategy, scenario)
    compared: list[ComparedScenario] = []
    for other in scenarios_of(session, strategy):
        run = chosen if other.id == scenario.id else forecasting.run(session, strategy, other, with_bands=False)
        compared.append({"name": other.name, "description": other.description, "spec": run.spec,
                         "totals": run.result["totals"] if run.result else [],
                         "problems": [str(p) for p in run.problems]})
    rates = level_assumptions(session, strategy, scenario)
    per_area = area_assumptions(session, scenario)
    area_codes = {a.id: a.code for a in areas_of(session, strategy)}
    keys = {lid: key for key, lid in level_ids.items()}
    measured_levels, measured_cells = measured_rates(session, scenario)

    def source(measured: Any, rate: Any) -> dict[str, Any] | None:
        """Where a measured leaver rate came from (None: typed), while it is still the rate in force."""
        if measured is None or measured.rate != rate:
            return None
        return {"text": measured.text, "yearly": list(measured.yearly)}

    assumptions = {
        "levels": [{"level": key, **rates[lid],
                    "leaver_source": source(measured_levels.get(lid), rates[lid]["leaver_rate"])}
                   for key, lid in level_ids.items() if lid in rates],
        "areas": [{"area": area_codes[aid], "staff_growth": a.staff_growth,
                   "spans": {keys[lid]: v for lid, v in a.spans.items() if lid in keys},
                   "overrides": {keys[lid]: r for lid, r in a.overrides.items() if lid in keys},
                   "leaver_sources": {keys[lid]: found for lid, r in a.overrides.items() if lid in keys
                                      and (found := source(measured_cells.get((aid, lid)), r.get("leaver_rate")))}}
                  for aid, a in per_area.items() if aid in area_codes],
        "simulations": scenario.simulations, "seed": scenario.seed,
    }
    _rates_in_force(assumptions, chosen.spec)
    return {"scenario": {"name": scenario.name, "description": scenario.description},
            "spec": chosen.spec, "result": chosen.result, "problems": [str(p) for p in chosen.problems],
            "assumptions": assumptions, "scenarios": compared,
            "sensitivity": forecasting.sensitivity(chosen.spec) if chosen.result is not None else []}


def _rates_in_force(assumptions: dict[str, Any], spec: Mapping[str, Any] | None) -> None:
    """Each leaver rate as the forecast used it: a measured rate is one per year (model.md version 3), which
    the stored single rate only stands in for, so the pack states the years' rates the board's figures rest on."""
    if not spec:
        return
    levels = {level["key"]: level for level in spec.get("levels") or []}
    for row in assumptions["levels"]:
        if row["level"] in levels and "leaver_rate" in levels[row["level"]]:
            row["leaver_rate"] = levels[row["level"]]["leaver_rate"]
    areas = {area.get("key"): area.get("overrides") or {} for area in spec.get("areas") or []}
    for row in assumptions["areas"]:
        for key, rates in row["overrides"].items():
            used = areas.get(row["area"], {}).get(key, {})
            if "leaver_rate" in rates and "leaver_rate" in used:
                rates["leaver_rate"] = used["leaver_rate"]


def _diversity(session: Session, strategy: Strategy, organisation: Organisation,
               scenario: Scenario | None, audience: Audience) -> dict[str, Any]:
    report = diversity.diversity_report(session, strategy, organisation, scenario, audience=audience)
    names = {}
    for char in diversity.all_named(session, organisation.id):
        names[char.key] = {"name": char.name, "groups": {g.key: g.name for g in char.groups}}
    report["names"] = names
    return report


def _competencies(session: Session, strategy: Strategy) -> CompetenciesPart:
    # A read, also inside a larger transaction (an approval's snapshot, the demo): the defaults it may need are
    # flushed, never committed here; a page that edits them stores them.
    competencies.ensure_required(session, strategy, commit=False)
    cat = competencies.catalogue(session, strategy.organisation_id)
    required = competencies.required_steps(session, strategy)
    level_ids = {lv.key: lv.id for lv in levels_of(session, strategy)}
    rows: list[CompetencyRow] = []
    for framework in cat.frameworks:
        for domain in cat.domains.get(framework.id, []):
            for comp in cat.competencies.get(domain.id, []):
                rows.append({"key": comp.key, "name": comp.name, "framework": framework.name, "domain": domain.name,
                             "required": {key: required.get((comp.id, lid)) for key, lid in level_ids.items()}})
    gaps: list[GapRow] = [{"level": g.level, "competency": g.competency, "required": g.required, "assessed": g.assessed,
             "below_required": g.below_required, "share_below": g.share_below}
            for g in competencies.gap_totals(session, strategy)]
    plan = competencies.plan_view(session, strategy)
    interventions: list[InterventionRow] = [{"name": row.name, "kind": row.kind, "places_per_year": row.places_per_year,
                      "cost_per_place": row.cost_per_place, "first_year": row.first_year, "last_year": row.last_year,
                      "develops": len(targets)}
                     for row, targets in competencies.interventions_of(session, strategy)]
    return {
        "competencies": rows, "gaps": gaps, "interventions": interventions,
        "cost": [{"year": year, "cost": cost} for year, cost in plan["cost"].items()],
        "coverage": [{"year": c.year, "level": c.level, "competency": c.competency, "leaders_below": c.leaders_below,
                      "places": c.places, "covered_share": c.covered_share} for c in plan["coverage"]],
        "unaddressed": [{"level": g.level, "competency": g.competency, "below_required": g.below_required}
                        for g in plan["unaddressed"]],
    }


def _self_assessment(session: Session, strategy: Strategy) -> list[SurveyPart]:
    out: list[SurveyPart] = []
    for survey in surveys.surveys_of(session, strategy):
        results = surveys.results(session, survey)
        group_names = {g.key: g.name for g in surveys.groups_of(session, survey)}
        items = {i.key: i.text for i in surveys.items_of(session, survey)}

        def score(s: Any) -> dict[str, Any]:
            return {"key": s.key, "mean": s.mean, "sd": s.sd, "share_agree": s.share_agree, "n": s.n}

        out.append({
            "name": survey.name, "status": survey.status, "responses": results.responses, "enough": results.enough,
            "dimensions": [{**score(s), "name": d.name} for s in results.dimensions
                           for d in surveys.dimensions_of(session, survey) if d.key == s.key],
            "items": [{**score(s), "text": items.get(s.key, s.key)} for s in results.items],
            "groups": [{"group": group_names.get(g.group, g.group), "responses": g.responses,
                        "dimensions": g.dimensions, "gaps": g.gaps} for g in results.groups],
            "withheld_groups": [group_names.get(g, g) for g in results.withheld_groups],
            "comparison_group": group_names.get(results.comparison_group, results.comparison_group),
        })
    return out


def _objectives(session: Session, strategy: Strategy, organisation: Organisation, today: date) -> ObjectivesPart:
    views = objectives.cascade(session, strategy, organisation, today)
    rows: list[ObjectiveRow] = []
    for v in views:
        o = v.objective
        rows.append({
            "ref": o.ref, "parent_ref": v.parent_ref, "depth": v.depth, "title": o.title, "level": o.level,
            "area": v.area.name if v.area else None, "owner": v.owner or None, "weight": o.weight,
            "due": o.due.isoformat() if o.due else None, "status": o.status,
            "progress": v.own_progress, "rolled_up_progress": v.progress, "rag": v.rag,
            "smart": {letter: bool(getattr(v.smart, letter)) for letter in "SMART"},
            "smart_reasons": list(v.smart.reasons),
        })
    gaps = objectives.alignment(session, strategy, views).gaps_without
    unowned: list[UnownedGap] = [{"kind": g["kind"], "label": g["label"]} for g in gaps]
    return {"rows": rows, "unowned": unowned}


def draft_status(session: Session, strategy: Strategy) -> StatusPart:
    """The cover's status and version for the strategy as it stands (not a frozen version)."""
    latest = session.exec(select(StrategyVersion).where(StrategyVersion.strategy_id == strategy.id)
                          .order_by(col(StrategyVersion.number).desc())).first()
    state = "Submitted for approval" if strategy.status == "submitted" else "Draft"
    if latest is None:
        return {"state": state, "version": "Draft (not yet approved)"}
    return {"state": state, "version": f"Draft of version {latest.number + 1} (version {latest.number} "
                                       f"approved {long_date(latest.approved_on)})"}


def pack_content(session: Session, strategy: Strategy, organisation: Organisation, *,
                 scenario: Scenario | None = None, prepared_by: str, today: date,
                 audience: Audience = PUBLISHED) -> PackContent:
    """Every figure and text the board pack shows, for one strategy and scenario, as plain data, with
    the diversity figures as the audience may see them (published unless internal is asked for).
    Each part is gathered once per revision of the groups of tables it reads (planner.services.derived),
    so a change to one step gathers again only the parts that read it: treat it as read-only."""
    rule = diversity.rule(organisation, check_audience(audience))

    def chosen() -> Scenario | None:
        return _scenario_choice(session, strategy, scenario)

    def level_ids() -> dict[str, int]:
        return {lv.key: lv.id for lv in levels_of(session, strategy)}

    ask = derived.Ask
    # Every part under all of the content's parts: some depend on the day (a survey or consultation closes).
    parts = (scenario.id if scenario else None, prepared_by, today.isoformat(), str(audience))
    forecast_read = ("baseline", "forecast", "strategy", "structure")
    with competencies.reusing_gaps(session):
        found = derived.remember_each(session, strategy_id=strategy.id, organisation_id=organisation.id, asks=[
            ask("pack: head", parts, ("approve", "organisation", "scope", "strategy"),
                lambda: _head(session, strategy, organisation, prepared_by=prepared_by, today=today,
                              audience=audience)),
            ask("pack: structure", parts, ("baseline", "structure"), lambda: _structure(session, strategy)),
            ask("pack: forecast", parts, forecast_read,
                lambda: _forecast(session, strategy, chosen(), level_ids())),
            ask("pack: diversity", parts, (*forecast_read, "diversity", "organisation", "succession"),
                lambda: _diversity(session, strategy, organisation, chosen(), rule.audience)),
            ask("pack: succession", parts, (*forecast_read, "organisation", "succession"),
                lambda: succession.succession_report(session, strategy, organisation, chosen(),
                                                     audience=rule.audience)),
            ask("pack: board terms", parts, ("board", "diversity", "organisation", "strategy", "structure"),
                lambda: board_terms.board_terms_content(session, strategy, organisation, audience=rule.audience)),
            ask("pack: competencies", parts, ("catalogue", "competencies", "strategy", "structure"),
                lambda: _competencies(session, strategy)),
            ask("pack: self-assessment", parts, ("discover",), lambda: _self_assessment(session, strategy)),
            ask("pack: objectives", parts, OBJECTIVES_READ,
                lambda: _objectives(session, strategy, organisation, today)),
            ask("pack: consultation", parts, ("consult",),
                lambda: consultation.consultation_content(session, strategy)),
        ])
        head, structure, forecast, diversity_part, succession_part, terms, competencies_part, survey, objectives_part, \
            consulted = found
        lacking = completeness(session, strategy, organisation, today)
    return cast(PackContent, {
        **head,
        "levels": structure["levels"], "areas": structure["areas"], "baseline_source": structure["baseline_source"],
        "establishment_totals": structure["establishment_totals"],
        "forecast": forecast, "diversity": diversity_part, "succession": succession_part, "board_terms": terms,
        "competencies": competencies_part, "self_assessment": survey, "objectives": objectives_part,
        "consultation": consulted,
        # What the strategy still lacks, as the task list and the Approve step say it (planner.steps).
        "lacking": [{"step": item.step, "step_name": item.step_name, "message": item.message} for item in lacking],
    })


def _head(session: Session, strategy: Strategy, organisation: Organisation, *, prepared_by: str, today: date,
          audience: Audience) -> dict[str, Any]:
    """The pack's opening: the organisation, the strategy, its status, who prepared it and the cover sheet."""
    rule = diversity.rule(organisation, check_audience(audience))
    cover = cover_content(session, strategy, prepared_by=prepared_by)  # prepared by: else the cover's author
    return {
        "schema": SCHEMA,
        "organisation": {"name": organisation.name, "suppression_threshold": organisation.suppression_threshold},
        "strategy": {"id": strategy.id, "title": strategy.title, "start_year": strategy.start_year,
                     "horizon": strategy.horizon, "end_year": strategy.end_year, "vision": strategy.vision,
                     "mission": strategy.mission, "values": strategy.values, "owner": strategy.owner},
        "status": draft_status(session, strategy),
        "approval": None,
        "prepared": {"on": today.isoformat(), "by": cover["prepared_by"], "marking": rule.marking,
                     "audience": rule.audience},
        "cover": cover,
    }
