"""The demo organisation: a fictional acute trust read from data/demo/organisation.json."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from planner.config import DATA_DIR, PASSWORD_HASH_METHOD
from planner.imports.board_terms import read_board_terms
from planner.models import (
    Area,
    Benchmark,
    CheckIn,
    DiversityTarget,
    Intervention,
    InterventionTarget,
    Membership,
    Objective,
    Organisation,
    ScenarioLevel,
    ShortlistingFigure,
    Strategy,
    User,
)
from planner.services import (
    accounts,
    baseline,
    board_cover,
    competencies,
    consultation,
    evidence,
    scenarios,
    staff_import,
    strategies,
    structure,
    survey_codes,
    surveys,
    versions,
)
from planner.services.audit import record
from planner.services.baseline import baseline_of
from planner.services.board_terms import replace_seats
from planner.services.diversity import targets_of
from planner.services.lookup import organisation_of
from planner.services.scenarios import scenarios_of
from planner.services.structure import areas_of, levels_of
from planner.survey.scoring import Response

DEMO_FILE = DATA_DIR / "demo" / "organisation.json"


def demo_data(path: Path = DEMO_FILE) -> dict[str, Any]:
    """The demo organisation's data as stored in data/."""
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def demo_logins(path: Path = DEMO_FILE) -> list[tuple[str, str, str]]:
    """(email, password, role) of each demo account, for `make run` to print."""
    return [(u["email"], u["password"], u["role"]) for u in demo_data(path)["users"]]


def load_demo(
    *, session: Session, path: Path = DEMO_FILE, hash_method: str = PASSWORD_HASH_METHOD
) -> Organisation | None:
    """Load the demo organisation; returns None (and changes nothing) if it is already there."""
    data = demo_data(path)
    slug = data["organisation"]["slug"]
    if session.exec(select(Organisation).where(Organisation.slug == slug)).first() is not None:
        return None
    # One transaction: a failure half-way leaves no half-loaded demo behind.
    try:
        organisation, strategy = load_trust(session, data, hash_method)
        load_diversity(session, strategy, path.parent / "diversity.json")
        _load_evidence(session, strategy, path.parent / "evidence.json")
        load_discover(session, strategy, path.parent / "discover.json")
        _load_objectives(session, strategy, path.parent / "objectives.json")
        _load_consultation(session, strategy, path.parent / "consultation.json")
        _load_board_terms(session, strategy, path.parent / "board_terms.csv")
        # The services it reuses record their own events; this one accounts for the sample records it
        # writes directly (benchmarks, targets, the plan, objectives and check-ins, comments' answers).
        record(session, action="load", entity="demo", entity_id=organisation.id, organisation_id=organisation.id,
               user_id=None, changes={"file": path.name, "strategy_id": strategy.id})
        session.commit()
    except Exception:
        session.rollback()
        raise
    return organisation


def load_trust(session: Session, data: dict[str, Any], hash_method: str) -> tuple[Organisation, Strategy]:
    """A demo trust's organisation, people, strategy, areas, baseline and scenarios (the caller commits)."""
    organisation = accounts.create_organisation(
        session=session, slug=data["organisation"]["slug"], name=data["organisation"]["name"], commit=False
    )
    for user in data["users"]:
        accounts.add_member(
            session=session, organisation=organisation, email=user["email"], role=user["role"],
            name=user.get("name", ""), password=user["password"], hash_method=hash_method,
            commit=False,
        )
    scope = data["strategy"]
    strategy = strategies.create_strategy(
        session=session, organisation=organisation, actor=None,
        values={k: scope.get(k) for k in strategies.SCOPE_FIELDS}, commit=False,
    )
    area_ids: dict[str, int] = {}
    for area in data["areas"]:
        created = structure.add_area(
            session=session, strategy=strategy, code=area["code"], name=area["name"],
            parent_id=area_ids[area["parent"]] if area.get("parent") else None, actor=None,
            commit=False,
        )
        area_ids[area["code"]] = created.id
    figures = {
        area_ids[row["area"]]: baseline.AreaFigures(
            staff=int(row["staff"]), fte=float(row["fte"]),
            leaders={k: int(v) for k, v in row.get("leaders", {}).items()},
        )
        for row in data["baseline"]
    }
    baseline.save_baseline(session=session, strategy=strategy, figures=figures, actor=None, commit=False)
    for scenario in data.get("scenarios", []):
        scenarios.scenario_from_data(session=session, strategy=strategy, data=scenario, actor=None, commit=False)
    return organisation, strategy


def _load_board_terms(session: Session, strategy: Strategy, path: Path) -> None:
    """The demo board's seats and terms of office, read as any import is (data/demo/board_terms.csv)."""
    result = read_board_terms(path.read_bytes(), path.name)
    if not result.importable:
        raise ValueError(f"{path.name}: {result.problems[0].message}")
    replace_seats(session=session, strategy=strategy, seats=result.seats, actor=None, source=path.name, commit=False)


def load_diversity(session: Session, strategy: Strategy, path: Path) -> None:
    """A demo trust's staff extract (imported like any other), benchmarks, shortlisting and targets, from
    data/demo/diversity.json (a member trust of the demo system names its own file, data/demo/community.json)."""
    if not path.exists():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    extract = path.parent / data["extract"]
    result = staff_import.read(session, strategy, extract.read_bytes(), extract.name)
    if not result.importable:
        raise ValueError(f"the demo extract has problems: {result.problem_totals}")
    pending = staff_import.hold(session=session, strategy=strategy, result=result, filename=extract.name,
                                actor=None, commit=False)
    staff_import.apply(session=session, strategy=strategy, pending=pending, actor=None, commit=False)
    org = strategy.organisation_id
    for characteristic, sources in data["benchmarks"].items():
        for source, shares in sources.items():
            for group, share in shares.items():
                session.add(Benchmark(organisation_id=org, strategy_id=strategy.id, source=source,
                                      characteristic=characteristic, group_key=group, share=share))
    for characteristic, groups in data["shortlisting"].items():
        for group, (shortlisted, appointed) in groups.items():
            session.add(ShortlistingFigure(organisation_id=org, strategy_id=strategy.id,
                                           characteristic=characteristic, group_key=group,
                                           shortlisted=shortlisted, appointed=appointed))
    levels = {lv.key: lv.id for lv in levels_of(session, strategy)}
    for target in data["targets"]:
        session.add(DiversityTarget(
            organisation_id=org, strategy_id=strategy.id,
            level_id=None if target["level"] == "all" else levels[target["level"]],
            characteristic=target["characteristic"], group_key=target["group"],
            target_share=target["target_share"], target_year=target["target_year"],
            leaver_rate_ratio=target.get("leaver_rate_ratio", 1.0),
            current_appointment_share=target.get("current_appointment_share"),
            pipeline_share=target.get("pipeline_share"),
        ))


def _load_evidence(session: Session, strategy: Strategy, path: Path) -> None:
    """The demo's leavers extract and start of period staff extract, imported like any others (the end of the
    period is the baseline import), and the measured rates applied to the first scenario."""
    if not path.exists():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    start, end = (date.fromisoformat(day) for day in data["period"])
    leavers_file = path.parent / data["leavers"]
    leavers = evidence.read_leavers(session, strategy, leavers_file.read_bytes(), leavers_file.name,
                                    period_start=start, period_end=end)
    if not leavers.importable:
        raise ValueError(f"the demo leavers extract has problems: {leavers.problem_totals}")
    evidence.store_leavers(session=session, strategy=strategy, result=leavers, filename=leavers_file.name,
                           actor=None, commit=False)
    start_file = path.parent / data["start"]
    result = staff_import.read(session, strategy, start_file.read_bytes(), start_file.name,
                               as_at=evidence.start_as_at(session, strategy))
    if not result.importable:
        raise ValueError(f"the demo start of period extract has problems: {result.problem_totals}")
    evidence.import_start(session=session, strategy=strategy, result=result, filename=start_file.name, actor=None,
                          commit=False)
    if data.get("apply_to_first_scenario"):
        first = scenarios.scenarios_of(session, strategy)[0]
        evidence.apply_rates(session=session, strategy=strategy, scenario=first, actor=None, commit=False)


def load_discover(session: Session, strategy: Strategy, path: Path) -> None:
    """The demo's competency assessments and plan, and a closed self-assessment survey by invitation
    (its answers given with codes, as people would), generated from the seeded profiles in
    data/demo/discover.json (a member trust of the demo system names its own file, data/demo/community.json)."""
    if not path.exists():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    competencies.ensure_required(session, strategy, commit=False)
    comps = {c.key: c.id for c in competencies.catalogue(session, strategy.organisation_id).all_competencies()}
    levels = {lv.key: lv.id for lv in levels_of(session, strategy)}
    profile = data["assessments"]
    rng = random.Random(profile["seed"])
    counts: dict[tuple[int, int, int], dict[int, int]] = {}
    for area_id, figures in baseline_of(session, strategy).items():
        for level_key, leaders in figures.leaders.items():
            for key in profile["competencies"]:
                shares = list(profile["step_shares"][level_key])
                if key in profile["weaker"]:  # a known weakness: more leaders a step lower
                    shares = [shares[0] + shares[1] * 0.5, shares[1] * 0.5 + shares[2] * 0.5,
                              shares[2] * 0.5 + shares[3] * 0.5, shares[3] * 0.5]
                steps = rng.choices([1, 2, 3, 4], weights=shares, k=leaders)
                counts[(area_id, levels[level_key], comps[key])] = {s: steps.count(s) for s in (1, 2, 3, 4)}
    competencies.replace_assessed(session=session, strategy=strategy, counts=counts, actor=None, source="demo",
                                  commit=False)
    for item in data["plan"]:
        row = Intervention(organisation_id=strategy.organisation_id, strategy_id=strategy.id, name=item["name"],
                           kind=item["kind"], places_per_year=item["places_per_year"],
                           cost_per_place=item["cost_per_place"], first_year=item["first_year"],
                           last_year=item["last_year"])
        session.add(row)
        session.flush()
        for level_key, keys in item["develops"].items():
            for key in keys:
                session.add(InterventionTarget(organisation_id=strategy.organisation_id, intervention_id=row.id,
                                               competency_id=comps[key], level_id=levels[level_key]))
    spec = data["survey"]
    closes_on = date.fromisoformat(spec["closes_on"])
    survey = surveys.create_survey(session=session, strategy=strategy, name=spec["name"], closes_on=closes_on,
                                   actor=None, mode="invitation", commit=False)
    survey.status = "open"
    session.add(survey)
    item_keys = [i.key for i in surveys.items_of(session, survey)]
    rng = random.Random(spec["seed"])
    generated = []
    for group, (how_many, centre) in spec["responses"].items():
        for _ in range(how_many):
            mood = rng.gauss(0, 0.4)  # some people see everything more brightly than others
            answers: dict[str, int | None] = {}
            for key in item_keys:
                if rng.random() < spec["dont_know"]:
                    answers[key] = None
                else:
                    answers[key] = min(5, max(1, round(rng.gauss(centre + mood, spec["spread"]))))
            generated.append(Response(group, answers))
    # More people invited than answered; each answer comes in with its own code, on the closing day.
    codes = survey_codes.issue_codes(session=session, survey=survey, count=spec["invited"], actor=None,
                                     commit=False)
    for code, response in zip(codes, generated, strict=False):
        surveys.submit(session=session, survey=survey, group=response.group, answers=response.answers,
                       today=closes_on, code=code, commit=False)
    survey.status = "closed"
    session.add(survey)


def _load_objectives(session: Session, strategy: Strategy, path: Path) -> None:
    """The demo's cascade: six strategic objectives from data/demo/objectives.json, cascaded to
    areas, teams and people with seeded quarterly check-ins."""
    if not path.exists():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    rng = random.Random(data["seed"])
    areas = areas_of(session, strategy)
    divisions = [a for a in areas if a.parent_id is None and a.code != "TRUST-BOARD"]
    children: dict[int, list[Area]] = {}
    for a in areas:
        if a.parent_id is not None:
            children.setdefault(a.parent_id, []).append(a)
    owners = list(session.exec(select(User).join(Membership, col(Membership.user_id) == User.id)
                               .where(Membership.organisation_id == strategy.organisation_id)))
    contributor = next((u for u in owners if u.email.startswith("contributor@")), None)
    start, end = date(strategy.start_year, 4, 1), date(strategy.start_year + strategy.horizon, 3, 31)
    # Three quarterly check-ins, none after today: a quarter end still to come is checked in a week ago
    # instead (a fortnight and three weeks ago for the ones before it), so the figures never depend on
    # the day the demo is loaded and no update is dated in the future.
    today = date.today()
    quarters = [min(on, today - timedelta(days=7 * (3 - i))) for i, on in enumerate(
        (date(strategy.start_year, 6, 30), date(strategy.start_year, 9, 30), date(strategy.start_year, 12, 31)))]
    org = strategy.organisation_id
    position = 0

    def add(ref: str, title: str, level: str, parent: Objective | None, area: Area | None, kind: str,
            due: date, *, begins: date | None = None, **extra: Any) -> Objective:
        nonlocal position
        position += 1
        objective = Objective(organisation_id=org, strategy_id=strategy.id, ref=ref, title=title, level=level,
                              parent_id=parent.id if parent else None, area_id=area.id if area else None,
                              measure_kind=kind, start=begins or start, due=due, position=position,
                              confidence=rng.choice(["medium", "high", "high"]), **extra)
        session.add(objective)
        session.flush()
        return objective

    def pace() -> float:
        """How an objective is going against its own timeline: most on track, some behind, a few well behind
        (a spread a real trust's report would show: about two in three green, one in five amber)."""
        return rng.choices([1.08, 0.97, 0.82, 0.58], weights=[40, 30, 18, 12])[0] + rng.uniform(-0.04, 0.04)

    def check_ins(objective: Objective, pace: float) -> None:
        begun, due = objective.start, objective.due
        assert begun is not None and due is not None  # add() gives every demo objective both
        for i, on in enumerate(quarters):
            if on < begun:
                continue
            # Progress made by the check-in: the pace times the share of its own time gone by then.
            gone = (on - begun).days / max(1, (due - begun).days)
            share = max(0.0, min(1.0, pace * gone + rng.uniform(-0.02, 0.02)))
            if objective.measure_kind == "target":
                first, aim = objective.baseline, objective.target
                assert first is not None and aim is not None  # every demo target objective has both
                value = first + (aim - first) * share
                session.add(CheckIn(organisation_id=org, objective_id=objective.id, on=on, value=round(value, 1),
                                    confidence=objective.confidence, note=rng.choice(["On track", "Steady progress",
                                                                                      "Slower than planned", ""])))
            elif objective.measure_kind == "milestone" and i == len(quarters) - 1 and rng.random() < 0.3:
                session.add(CheckIn(organisation_id=org, objective_id=objective.id, on=on, done=True,
                                    note="Done"))

    first_target = next(iter(targets_of(session, strategy)), None)
    for s_index, strategic in enumerate(data["strategic"]):
        link_kind, link_ref = strategic["link"]
        if link_ref == "target:first":  # the demo's own first diversity target, whatever its id
            link_ref = f"target:{first_target.id}" if first_target else ""
        measure = strategic.get("measure")
        top = add(strategic["ref"], strategic["title"], "strategic", None, None, "target" if measure else "none", end,
                  owner_name="Chief Executive" if s_index == 0 else "Executive Director",
                  link_kind=link_kind, link_ref=link_ref,
                  **({"baseline": measure["baseline"], "target": measure["target"], "unit": measure["unit"]}
                     if measure else {}))
        if measure:  # the latest quarterly pulse reading of its outcome measure
            session.add(CheckIn(organisation_id=org, objective_id=top.id, on=quarters[-1], value=measure["now"],
                                confidence="medium", note="Quarterly pulse survey"))
        for d_index, division in enumerate(divisions[:5]):
            area_title = strategic["area_titles"][d_index % len(strategic["area_titles"])]
            area_objective = add(f"{strategic['ref']}.{d_index + 1}", f"{area_title} ({division.name})", "area", top,
                                 division, "target", end, baseline=40.0, target=80.0, unit="%",
                                 weight=float(rng.choice([1, 1, 2])), owner_name="Divisional Director")
            check_ins(area_objective, pace())
            teams = children.get(division.id, [])[: 2 + (s_index + d_index) % 2]
            for t_index, team_area in enumerate(teams):
                team_title = strategic["team_titles"][t_index % len(strategic["team_titles"])]
                kind = "target" if t_index % 2 == 0 else "milestone"
                # A milestone is for the last quarter of the year: nothing is expected of it before then.
                team = add(f"{area_objective.ref}.{t_index + 1}", f"{team_title} ({team_area.name})", "team",
                           area_objective, team_area, kind, date(strategy.start_year + 1, 3, 31),
                           begins=None if kind == "target" else date(strategy.start_year + 1, 1, 1),
                           baseline=0.0 if kind == "target" else None, target=100.0 if kind == "target" else None,
                           unit="%" if kind == "target" else "", owner_name="Service Manager")
                check_ins(team, pace())
                for i_index in range(2):
                    title = strategic["individual_titles"][i_index % 2]
                    owner = contributor if (s_index, d_index, t_index, i_index) == (0, 0, 0, 0) else None
                    # Each person's objective is tracked as the share of it done, checked in each quarter.
                    person = add(f"{team.ref}.{i_index + 1}", title, "individual", team, team_area, "target",
                                 date(strategy.start_year + 1, 3, 31), baseline=0.0, target=100.0, unit="%",
                                 owner_user_id=owner.id if owner else None,
                                 owner_name="" if owner else rng.choice(["Ward Sister", "Team Leader",
                                                                          "Charge Nurse", "Clinical Lead"]))
                    check_ins(person, pace())


def _load_consultation(session: Session, strategy: Strategy, path: Path) -> None:
    """The demo's closed consultation (comments from staff, patients and partners, most answered,
    one hidden), its engagement log, version 1 approved at a board meeting, and changes since."""
    if not path.exists():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    secretary = session.exec(select(User).where(User.email == data.get("actor", "secretary@demo.nhs.uk"))).one()
    spec = data["consultation"]
    opens_on, closes_on = date.fromisoformat(spec["opens_on"]), date.fromisoformat(spec["closes_on"])
    held = consultation.create_consultation(
        session=session, strategy=strategy, title=spec["title"], sections=spec["sections"],
        audiences=spec["audiences"], opens_on=opens_on, closes_on=closes_on, actor=secretary, commit=False)
    span = (closes_on - opens_on).days
    for number, (section, audience, body, response, changed, themes) in enumerate(data["comments"]):
        said_on = opens_on + timedelta(days=number * span // len(data["comments"]))
        comment = consultation.add_comment(session=session, consultation=held, section=section, audience=audience,
                                           body=body, today=said_on, commit=False)
        # Dated when it was made, inside the consultation's window, not when the demo was loaded; the
        # answers came in the fortnight after it closed (and never after today).
        comment.created_at = datetime.combine(said_on, time(10, 30), tzinfo=UTC)
        if response:
            comment.response, comment.changed_strategy = response, bool(changed)
            comment.themes = json.dumps(themes)
            comment.responded_by = secretary.id
            answered = min(closes_on + timedelta(days=1 + number % 14), date.today())
            comment.responded_at = datetime.combine(answered, time(15, 0), tzinfo=UTC)
        session.add(comment)
    for section, audience, body, reason in data.get("hidden", []):
        comment = consultation.add_comment(session=session, consultation=held, section=section, audience=audience,
                                           body=body, today=opens_on, commit=False)
        comment.hidden, comment.hidden_reason, comment.hidden_by = True, reason, secretary.id
        comment.created_at = datetime.combine(opens_on, time(9, 0), tzinfo=UTC)
        session.add(comment)
    for held_on, audience, kind, participants, summary in data["engagement"]:
        consultation.add_event(session=session, strategy=strategy, held_on=date.fromisoformat(held_on),
                               audience=audience, format=kind, participants=participants, summary=summary,
                               actor=secretary, commit=False)
    session.flush()
    approval = data["approval"]
    meeting = date.fromisoformat(approval["meeting_date"])
    organisation = organisation_of(session, strategy)
    versions.submit(session=session, strategy=strategy, actor=secretary, commit=False)
    versions.record_decision(session=session, strategy=strategy, organisation=organisation,
                             values={**approval, "meeting_date": meeting}, actor=secretary,
                             today=max(date.today(), meeting), commit=False)
    # Changes since the approval, so the draft differs from version 1.
    changes = data["changes_since"]
    strategy.vision = changes["vision"]
    session.add(strategy)
    rate = changes["scenario_rate"]
    scenario = next(s for s in scenarios_of(session, strategy) if s.name == rate["scenario"])
    level = next(lv for lv in levels_of(session, strategy) if lv.key == rate["level"])
    row = session.exec(select(ScenarioLevel).where(ScenarioLevel.scenario_id == scenario.id,
                                                   ScenarioLevel.level_id == level.id)).one()
    row.leaver_rate = rate["leaver_rate"]
    session.add(row)
    session.flush()
    # The cover sheet of the paper that takes version 2 to the board.
    # Committees that considered it met in the weeks before today, never after it.
    cover = dict(data["cover"])
    cover["previously_considered"] = [
        {**entry, "on": min(date.fromisoformat(entry["on"]), date.today() - timedelta(days=7 * (number + 1)))
         .isoformat()} for number, entry in enumerate(cover.get("previously_considered") or [])]
    board_cover.save_cover(session=session, strategy=strategy, organisation=organisation,
                           values=cover, actor=secretary, today=max(date.today(), meeting), commit=False)
