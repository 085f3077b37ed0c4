"""`python -m benchmarks.pack`: how fast the board pack is built, printed and never asserted.

Two strategies, each in its own temporary SQLite database: the demo trust (`load_demo`), and a
generated large one built through the services (500 areas in a tree, three scenarios, the first
with 200 simulations, diversity counts for every area and level, three diversity targets,
competency assessments and a development plan, a closed survey, and 2,000 objectives with
check-ins). Set-up is not timed, only reported.

For each, a fresh process opens the database and, best and median of three runs, times the two
steps apart: `pack_content` (gathering from the database, forecasts included) and `pack_bytes`
(the workbook: openpyxl normal mode, named styles, charts, formulas). The pack is then loaded back
and its cells with a value counted, and openpyxl writes that many cells in write-only mode (rows
of 15 plain numbers and short texts, one sheet, saved to memory) as a floor to compare with: the
ratio is the pack's workbook time over that floor, both in CPU seconds, taken pair by pair (the pack, then
the floor, seven times in the building process) and the median of the pairs' ratios given, so other work on a
shared machine moves it little. Peak memory is the building process's maximum
resident set size (imports included) and how much it rose while building."""

from __future__ import annotations

import io
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from planner import db
from planner.models import (
    Benchmark,
    DiversityCount,
    DiversityTarget,
    Intervention,
    InterventionTarget,
    Objective,
    Organisation,
    ShortlistingFigure,
    Strategy,
    User,
)
from planner.services import (
    accounts,
    baseline,
    competencies,
    diversity,
    objectives,
    scenarios,
    strategies,
    structure,
    surveys,
)

REPEATS = 3
PAIRS = 7  # (pack_bytes, write-only floor) pairs whose ratios' median is the figure
FAST_HASH = "scrypt:1024:8:1"  # as tests/factories.py: the demo's passwords need not be costly here
TODAY = date(2027, 1, 15)  # after the generated check-ins, so RAG ratings have something to say
PREPARED_BY = "Benchmark"
BENCH_EMAIL, BENCH_PASSWORD = "bench@example.nhs.uk", "copper-kettle-meadow-41"
ROW_WIDTH = 15  # cells per row in the write-only floor
ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "data" / "demo"
CASES = {
    "demo": "demo trust (39 areas)",
    "large": "generated: 500 areas, 2,000 objectives",
}

# The generated strategy's shape: a board, 10 divisions of 7 directorates, 419 services (500 areas).
DIVISIONS = ["Medicine", "Surgery", "Women and Children", "Clinical Support Services", "Community and Integrated Care",
             "Mental Health", "Learning Disability and Autism", "Primary Care Networks", "Specialist Services",
             "Corporate Services"]
SPECIALTIES = ["Emergency Care", "Acute Medicine", "Older People", "Cardiology and Respiratory", "Gastroenterology",
               "Oncology and Haematology", "Theatres", "Critical Care", "Trauma and Orthopaedics", "Maternity",
               "Paediatrics", "Radiology", "Pathology", "Pharmacy", "Therapies", "District Nursing",
               "Community Hospitals", "Adult Mental Health", "Estates and Facilities", "Digital and Information"]
SERVICE_KINDS = ["Ward", "Clinic", "Outpatients", "Day Unit", "Community Team", "Hub", "Specialist Team",
                 "Assessment Unit and Same Day Emergency Care Pathway for Adults and Older People"]


@dataclass(frozen=True)
class Shape:
    """How large a generated strategy is: areas, and objectives at each level."""

    areas: int = 500
    strategic: int = 8
    area_objectives: int = 72
    team_objectives: int = 420
    individual_objectives: int = 1500


LARGE = Shape()
EXTRA_STRATEGIC = [  # two more than the demo's six
    {"ref": "S7", "title": "Every leader has a development conversation and plan each year", "link": ["mission", ""],
     "area_titles": ["Complete leadership appraisals in every directorate", "Publish a directorate talent plan"],
     "team_titles": ["Hold a development conversation with every leader", "Agree a team learning plan"],
     "individual_titles": ["Agree a personal development plan", "Complete one leadership learning module"]},
    {"ref": "S8", "title": "We work with our system partners for the people of our places", "link": ["vision", ""],
     "area_titles": ["Join up pathways with primary and social care", "Share leadership roles with partners"],
     "team_titles": ["Meet partner teams every quarter", "Agree one shared improvement with a partner"],
     "individual_titles": ["Shadow a colleague in a partner organisation",
                           "Take part in a system action learning set"]},
]
OWNERS = ["Ward Sister", "Team Leader", "Charge Nurse", "Clinical Lead"]
# Shares used to split each area's people into groups: (all staff, leaders).
SHARES = {
    "ethnicity": {"white": (0.72, 0.82), "bme": (0.25, 0.15), "not_stated": (0.03, 0.03)},
    "ethnicity_ons": {"white": (0.72, 0.82), "mixed": (0.02, 0.01), "asian": (0.13, 0.08), "black": (0.08, 0.05),
                      "other": (0.02, 0.01), "not_stated": (0.03, 0.03)},
    "sex": {"female": (0.77, 0.66), "male": (0.22, 0.33), "not_stated": (0.01, 0.01)},
    "disability": {"disabled": (0.05, 0.04), "not_disabled": (0.8, 0.84), "not_declared": (0.15, 0.12)},
    "age_band": {"under_25": (0.08, 0.0), "25_34": (0.25, 0.12), "35_44": (0.25, 0.3), "45_54": (0.22, 0.33),
                 "55_64": (0.17, 0.22), "65_plus": (0.02, 0.02), "unknown": (0.01, 0.01)},
}


# --- set-up (not timed) ------------------------------------------------------------------------

def build_demo(url: str) -> str:
    """The demo trust in a fresh database; returns its organisation's slug."""
    from planner.services.demo import load_demo

    with Session(db.engine_for(url)) as session:
        organisation = load_demo(session=session, hash_method=FAST_HASH)
        assert organisation is not None
        return organisation.slug


def _split(rng: random.Random, n: int, shares: dict[str, tuple[float, float]], leaders: bool) -> Counter[str]:
    groups = list(shares)
    return Counter(rng.choices(groups, weights=[shares[g][1 if leaders else 0] for g in groups], k=n))


def _areas(session: Session, strategy: Strategy, rng: random.Random,
           count: int = LARGE.areas) -> tuple[list[Any], dict[int, list[Any]]]:
    """The tree: a board, divisions of 7 directorates, services (every directorate has at least one).
    Returns (directorates, services by directorate)."""
    def add(code: str, name: str, parent: Any) -> Any:
        return structure.add_area(session=session, strategy=strategy, code=code, name=name,
                                  parent_id=parent.id if parent else None, actor=None, commit=False)

    add("BOARD", "Trust Board", None)
    directorates, services = [], {}
    divisions = DIVISIONS[: max(1, min(len(DIVISIONS), (count - 1) // 16))]  # about 8 services a division
    remaining = count - 1 - len(divisions) * 8
    per, extra = divmod(remaining, len(divisions) * 7)  # services per directorate: the first `extra` one more
    for d, division_name in enumerate(divisions, start=1):
        division = add(f"D{d:02d}", f"Division of {division_name}", None)
        for r in range(1, 8):
            specialty = rng.choice(SPECIALTIES)
            directorate = add(f"D{d:02d}-{r}", f"{specialty} Directorate ({division_name})", division)
            directorates.append(directorate)
            services[directorate.id] = []
            for s in range(1, per + 1 + (len(directorates) <= extra)):
                kind = rng.choice(SERVICE_KINDS)
                services[directorate.id].append(add(f"D{d:02d}-{r}-{s}", f"{specialty} {kind} {s}", directorate))
        session.commit()
    return directorates, services


def _figures(session: Session, strategy: Strategy, rng: random.Random) -> dict[str, baseline.AreaFigures]:
    """Staff and leaders of every area, stored as the baseline; returns them by area code."""
    figures: dict[str, baseline.AreaFigures] = {}
    for area in structure.areas_of(session, strategy):
        depth = area.code.count("-")
        if area.code == "BOARD":
            fig = baseline.AreaFigures(staff=24, fte=22.4, leaders={"board": 16, "senior": 2, "frontline": 1})
        elif depth == 0:  # division: its management team
            staff = rng.randint(20, 40)
            fig = baseline.AreaFigures(staff=staff, fte=round(staff * 0.94, 1),
                                       leaders={"senior": rng.randint(2, 4), "middle": rng.randint(2, 4),
                                                "frontline": rng.randint(1, 3)})
        elif depth == 1:  # directorate
            staff = rng.randint(8, 20)
            fig = baseline.AreaFigures(staff=staff, fte=round(staff * 0.93, 1),
                                       leaders={"senior": 1, "middle": rng.randint(1, 3),
                                                "frontline": rng.randint(1, 2)})
        else:  # service: where the staff are
            staff = rng.randint(40, 400)
            fig = baseline.AreaFigures(staff=staff, fte=round(staff * rng.uniform(0.82, 0.95), 1),
                                       leaders={"middle": max(1, round(staff / rng.uniform(55, 80))),
                                                "frontline": max(1, round(staff / rng.uniform(10, 15)))})
        figures[area.code] = fig
    ids = {a.code: a.id for a in structure.areas_of(session, strategy)}
    baseline.save_baseline(session=session, strategy=strategy, actor=None, commit=False,
                           figures={ids[code]: fig for code, fig in figures.items()})  # type: ignore[misc]
    return figures


def _scenarios(session: Session, strategy: Strategy, figures: dict[str, baseline.AreaFigures],
               rng: random.Random) -> None:
    """The demo's three scenarios' level rates, with spans and growth for every generated area."""
    demo = json.loads((DEMO_DIR / "organisation.json").read_text(encoding="utf-8"))["scenarios"]
    for index, template in enumerate(demo):
        areas: dict[str, Any] = {}
        for code, fig in figures.items():
            entry: dict[str, Any] = {
                "staff_growth": round(rng.uniform(0.0, 0.025) + (0.01 if index == 1 else 0.0), 3),
                "span": {key: max(1, round(fig.staff / n)) for key, n in fig.leaders.items()
                         if key in ("middle", "frontline") and n},
            }
            if rng.random() < 0.1:
                entry["overrides"] = {"frontline": {"leaver_rate": round(rng.uniform(0.1, 0.15), 3)}}
            areas[code] = entry
        data = {"name": template["name"], "description": template["description"], "levels": template["levels"],
                "areas": areas}
        if index == 0:
            data["uncertainty"] = {"simulations": 200, "seed": 2026}
        scenarios.scenario_from_data(session=session, strategy=strategy, data=data, actor=None, commit=False)


def _diversity(session: Session, strategy: Strategy, figures: dict[str, baseline.AreaFigures],
               rng: random.Random) -> None:
    """Counts for all staff and each level's leaders of every area; the demo's benchmarks,
    shortlisting figures and targets (stored the way the demo stores them)."""
    org = strategy.organisation_id
    areas = {a.code: a.id for a in structure.areas_of(session, strategy)}
    levels = {lv.key: lv.id for lv in structure.levels_of(session, strategy)}
    for code, fig in figures.items():
        people: list[tuple[str | None, int]] = [(None, fig.staff), *fig.leaders.items()]
        for level_key, n in people:
            for characteristic, shares in SHARES.items():
                for group, count in _split(rng, n, shares, level_key is not None).items():
                    session.add(DiversityCount(organisation_id=org, strategy_id=strategy.id,  # type: ignore[arg-type]
                                               area_id=areas[code], level_id=levels[level_key] if level_key else None,
                                               characteristic=characteristic, group_key=group, count=count))
    data = json.loads((DEMO_DIR / "diversity.json").read_text(encoding="utf-8"))
    for characteristic, sources in data["benchmarks"].items():
        for source, shares in sources.items():
            for group, share in shares.items():
                session.add(Benchmark(organisation_id=org, strategy_id=strategy.id, source=source,  # type: ignore[arg-type]
                                      characteristic=characteristic, group_key=group, share=share))
    for characteristic, groups in data["shortlisting"].items():
        for group, (shortlisted, appointed) in groups.items():
            session.add(ShortlistingFigure(organisation_id=org, strategy_id=strategy.id,  # type: ignore[arg-type]
                                           characteristic=characteristic, group_key=group,
                                           shortlisted=shortlisted * 8, appointed=appointed * 8))
    for target in data["targets"]:
        session.add(DiversityTarget(
            organisation_id=org, strategy_id=strategy.id,  # type: ignore[arg-type]
            level_id=None if target["level"] == "all" else levels[target["level"]],
            characteristic=target["characteristic"], group_key=target["group"],
            target_share=target["target_share"], target_year=target["target_year"],
            leaver_rate_ratio=target.get("leaver_rate_ratio", 1.0)))
    session.flush()


def _discover(session: Session, strategy: Strategy, rng: random.Random) -> None:
    """Competency assessments for every area and level (the demo's profile), the demo's plan, and a
    closed survey with three times the demo's responses."""
    from planner.survey.scoring import Response

    data = json.loads((DEMO_DIR / "discover.json").read_text(encoding="utf-8"))
    competencies.ensure_required(session, strategy, commit=False)
    comps = {c.key: c.id for c in competencies.catalogue(session, strategy.organisation_id).all_competencies()}
    levels = {lv.key: lv.id for lv in structure.levels_of(session, strategy)}
    profile = data["assessments"]
    counts: dict[tuple[int, int, int], dict[int, int]] = {}
    for area_id, figures in baseline.baseline_of(session, strategy).items():
        for level_key, leaders in figures.leaders.items():
            for key in profile["competencies"]:
                steps = rng.choices([1, 2, 3, 4], weights=profile["step_shares"][level_key], k=leaders)
                counts[(area_id, levels[level_key], comps[key])] = {s: steps.count(s) for s in (1, 2, 3, 4)}
    competencies.replace_assessed(session=session, strategy=strategy, counts=counts, actor=None, source="benchmark",
                                  commit=False)
    for item in data["plan"]:
        row = Intervention(organisation_id=strategy.organisation_id, strategy_id=strategy.id,  # type: ignore[arg-type]
                           name=item["name"], kind=item["kind"], places_per_year=item["places_per_year"] * 8,
                           cost_per_place=item["cost_per_place"], first_year=item["first_year"],
                           last_year=item["last_year"])
        session.add(row)
        session.flush()
        for level_key, keys in item["develops"].items():
            for key in keys:
                session.add(InterventionTarget(organisation_id=strategy.organisation_id, intervention_id=row.id,  # type: ignore[arg-type]
                                               competency_id=comps[key], level_id=levels[level_key]))
    spec = data["survey"]
    survey = surveys.create_survey(session=session, strategy=strategy, name=spec["name"],
                                   closes_on=date.fromisoformat(spec["closes_on"]), actor=None, commit=False)
    survey.status = "closed"
    session.add(survey)
    item_keys = [i.key for i in surveys.items_of(session, survey)]
    responses = []
    for group, (how_many, centre) in spec["responses"].items():
        for _ in range(how_many * 3):
            mood = rng.gauss(0, 0.4)
            responses.append(Response(group, {key: None if rng.random() < spec["dont_know"] else
                                              min(5, max(1, round(rng.gauss(centre + mood, spec["spread"]))))
                                              for key in item_keys}))
    surveys.import_responses(session=session, survey=survey, responses=responses, actor=None, commit=False)


def _objectives(session: Session, strategy: Strategy, actor: User, directorates: list[Any],
                services: dict[int, list[Any]], rng: random.Random, shape: Shape = LARGE) -> int:
    """The shape's strategic, area, team and individual objectives (8, 72, 420 and 1,500 for the large
    strategy) through save_objective, with quarterly check-ins through add_check_in; returns how many check-ins."""
    STRATEGIC, AREA_OBJECTIVES = shape.strategic, shape.area_objectives  # noqa: N806 (read as constants)
    TEAM_OBJECTIVES, INDIVIDUAL_OBJECTIVES = shape.team_objectives, shape.individual_objectives  # noqa: N806
    specs = json.loads((DEMO_DIR / "objectives.json").read_text(encoding="utf-8"))["strategic"] + EXTRA_STRATEGIC
    first_target = next(iter(diversity.targets_of(session, strategy)), None)
    start, end = date(strategy.start_year, 4, 1), date(strategy.start_year + strategy.horizon, 3, 31)
    year_end = date(strategy.start_year + 1, 3, 31)
    quarters = [date(strategy.start_year, 6, 30), date(strategy.start_year, 9, 30), date(strategy.start_year, 12, 31)]
    made = 0

    def save(values: dict[str, Any]) -> Objective:
        nonlocal made
        made += 1
        values = {"start": start, "confidence": rng.choice(["medium", "high", "high", "low"]), **values}
        row = objectives.save_objective(session=session, strategy=strategy, values=values, actor=None, commit=False)
        if made % 250 == 0:
            session.commit()
        return row

    strategic = []
    for spec in specs[:STRATEGIC]:
        link_kind, link_ref = spec["link"]
        if link_ref == "target:first":
            link_ref = f"target:{first_target.id}" if first_target else ""
        strategic.append((spec, save({"ref": spec["ref"], "title": spec["title"], "level": "strategic", "due": end,
                                      "measure_kind": "none", "owner_name": "Executive Director",
                                      "link_kind": link_kind, "link_ref": link_ref})))
    area_level = []
    for index in range(AREA_OBJECTIVES):
        spec, parent = strategic[index % STRATEGIC]
        directorate = directorates[index % len(directorates)]
        title = spec["area_titles"][index % 2]
        area_level.append((directorate, save({
            "ref": f"{parent.ref}.{index // STRATEGIC + 1}", "title": f"{title} ({directorate.name})"[:250],
            "level": "area", "parent_id": parent.id, "area_id": directorate.id, "due": end, "measure_kind": "target",
            "baseline": 40, "target": 80, "unit": "%", "weight": rng.choice([1, 1, 2]),
            "owner_name": "Directorate Manager"})))
    teams = []
    for index in range(TEAM_OBJECTIVES):
        directorate, parent = area_level[index % AREA_OBJECTIVES]
        service = services[directorate.id][(index // AREA_OBJECTIVES) % len(services[directorate.id])]
        spec = strategic[(index % AREA_OBJECTIVES) % STRATEGIC][0]
        kind = "target" if index % 2 == 0 else "milestone"
        teams.append(save({
            "ref": f"{parent.ref}.{index // AREA_OBJECTIVES + 1}", "level": "team", "parent_id": parent.id,
            "title": f"{spec['team_titles'][index % 2]} ({service.name})"[:250], "area_id": service.id,
            "due": year_end, "measure_kind": kind, "baseline": 0 if kind == "target" else None,
            "target": 100 if kind == "target" else None, "unit": "%" if kind == "target" else "",
            "owner_name": "Service Manager"}))
    people = []
    for index in range(INDIVIDUAL_OBJECTIVES):
        parent = teams[index % TEAM_OBJECTIVES]
        spec = strategic[((index % TEAM_OBJECTIVES) % AREA_OBJECTIVES) % STRATEGIC][0]
        owned = index % 50 == 0
        people.append(save({
            "ref": f"{parent.ref}.{index // TEAM_OBJECTIVES + 1}", "level": "individual", "parent_id": parent.id,
            "title": spec["individual_titles"][index % 2], "area_id": parent.area_id, "due": year_end,
            "measure_kind": "milestone", "owner_user_id": actor.id if owned else None,
            "owner_name": "" if owned else rng.choice(OWNERS)}))
    session.commit()
    check_ins = 0
    for kind, objective in [("area", o) for _, o in area_level] + [(o.measure_kind, o) for o in teams + people]:
        if kind == "area":
            pace = rng.uniform(0.6, 1.4)
            for i, on in enumerate(quarters):
                value = 40 + 40 * min(1.0, pace * (i + 1) / 12 + rng.uniform(-0.03, 0.03))
                note = rng.choice(["On track", "Steady progress", ""])
                objectives.add_check_in(session=session, objective=objective, on=on, value=round(value, 1),
                                        done=False, confidence=None, note=note, actor=actor)
                check_ins += 1
        elif kind == "target":
            pace = rng.uniform(0.5, 1.4)
            for i, on in enumerate(quarters):
                value = 100 * min(1.0, pace * (i + 1) / 4 + rng.uniform(-0.05, 0.05))
                objectives.add_check_in(session=session, objective=objective, on=on, value=round(value, 1),
                                        done=False, confidence=None, note="", actor=actor)
                check_ins += 1
        elif rng.random() < 0.3:
            objectives.add_check_in(session=session, objective=objective, on=quarters[-1], value=None, done=True,
                                    confidence=None, note="Done", actor=actor)
            check_ins += 1
    return check_ins


def build_generated(url: str, shape: Shape = LARGE, *, slug: str = "large",
                    name: str = "Generated Integrated Care Trust") -> str:
    """A generated strategy of the given shape in a fresh (migrated) database; returns its organisation's
    slug. Its admin signs in as bench@example.nhs.uk with the password copper-kettle-meadow-41."""
    rng = random.Random(2026)
    scope = json.loads((DEMO_DIR / "organisation.json").read_text(encoding="utf-8"))["strategy"]
    scope["title"] = "System Collective Leadership Strategy 2026-2031"
    # Nothing else writes while this runs, so objects need not be reloaded after each commit (the
    # services commit often: add_check_in always does); expiring thousands of them each time is slow.
    with Session(db.engine_for(url), expire_on_commit=False) as session:
        organisation = accounts.create_organisation(session=session, slug=slug, name=name, commit=False)
        membership = accounts.add_member(session=session, organisation=organisation, email=BENCH_EMAIL,
                                         role="admin", name="Bench Planner", password=BENCH_PASSWORD,
                                         hash_method=FAST_HASH, commit=False)
        actor = session.get(User, membership.user_id)
        assert actor is not None
        strategy = strategies.create_strategy(session=session, organisation=organisation, actor=None, commit=False,
                                              values={k: scope.get(k) for k in strategies.SCOPE_FIELDS})
        directorates, services = _areas(session, strategy, rng, shape.areas)
        figures = _figures(session, strategy, rng)
        _scenarios(session, strategy, figures, rng)
        _diversity(session, strategy, figures, rng)
        session.commit()
        _discover(session, strategy, rng)
        session.commit()
        _objectives(session, strategy, actor, directorates, services, rng, shape)
        return organisation.slug


def build_large(url: str) -> str:
    """The generated large strategy (500 areas, 2,000 objectives) in a fresh database; returns its slug."""
    return build_generated(url, LARGE)


# --- measuring ---------------------------------------------------------------------------------

def _peak_mb() -> float:
    """This process's peak resident set in MB. Linux's VmHWM where there is one: ru_maxrss would
    count the parent's memory at the fork that started this process."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1e3  # kB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3  # bytes on macOS, KiB elsewhere


def measure(url: str, slug: str, out: Path) -> dict[str, Any]:
    """Build the pack REPEATS times (a fresh session each time), timing its two steps; keeps the
    last pack's bytes in `out`. Run in a process of its own so the memory figure is the pack's."""
    from planner.exports.workbook import pack_bytes
    from planner.services.board_pack import pack_content

    engine = db.engine_for(url)
    before = _peak_mb()
    content_times, workbook_times = [], []
    data = b""
    for _ in range(REPEATS):
        with Session(engine) as session:
            organisation = session.exec(select(Organisation).where(Organisation.slug == slug)).one()
            strategy = session.exec(select(Strategy).where(Strategy.organisation_id == organisation.id)).first()
            assert strategy is not None
            started = time.perf_counter()
            content = pack_content(session, strategy, organisation, prepared_by=PREPARED_BY, today=TODAY)
            content_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        data = pack_bytes(content)
        workbook_times.append(time.perf_counter() - started)
    out.write_bytes(data)
    peak = _peak_mb()
    # Then the workbook and the floor in turn, each pair's ratio taken while the machine (shared with other
    # work) runs at one speed: CPU seconds, after the memory figure (counting the cells loads the pack).
    floor_rows = write_only_rows(count_cells(data)[0])
    pairs = []
    for _ in range(PAIRS):
        started = time.process_time()
        pack_bytes(content)
        built = time.process_time() - started
        pairs.append((built, write_only_once(floor_rows)))
    return {"content": content_times, "workbook": workbook_times, "before_mb": before, "peak_mb": peak,
            "pairs": pairs}


def count_cells(data: bytes) -> tuple[int, int, dict[str, int]]:
    """(cells with a value, of which formulas, cells by sheet) in a workbook."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False)
    cells = formulas = 0
    by_sheet: dict[str, int] = {}
    for ws in workbook.worksheets:
        here = 0
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    here += 1
                    formulas += cell.data_type == "f"
        by_sheet[ws.title] = here
        cells += here
    return cells, formulas, by_sheet


def write_only_rows(cells: int) -> list[list[Any]]:
    """`cells` plain values (numbers and short texts) in rows of ROW_WIDTH, for the write-only floor."""
    rng = random.Random(3)
    rows, left = [], cells
    while left > 0:
        width = min(ROW_WIDTH, left)
        rows.append([rng.randint(0, 5000) if i % 3 == 0 else round(rng.uniform(0, 1), 4) if i % 3 == 1
                     else f"Text {rng.randint(0, 99999)}" for i in range(width)])
        left -= width
    return rows


def write_only_once(rows: list[list[Any]]) -> float:
    """CPU seconds for openpyxl to write the rows in write-only mode, one sheet, saved to memory."""
    import openpyxl

    started = time.process_time()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Cells")
    for row in rows:
        sheet.append(row)
    workbook.save(io.BytesIO())
    return time.process_time() - started


def _run_child(url: str, slug: str, out: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.pack", "--measure", url, slug, str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"building the pack failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(cases: tuple[str, ...] = tuple(CASES)) -> dict[str, float]:
    """Set up each case, build its pack in a process of its own, and print the figures; returns each case's
    ratio (the pack's workbook time over openpyxl's write-only floor)."""
    ratios: dict[str, float] = {}
    begun = time.perf_counter()
    print(f"board pack: pack_content and pack_bytes timed apart, best and median of {REPEATS} runs in a process of "
          f"its own; write-only = openpyxl writing as many cells in write-only mode (best); ratio = the median of "
          f"{PAIRS} pairs' pack_bytes / write-only, each pair run in turn in that process, in CPU seconds")
    header = (f"{'case':<40} {'content':>15} {'workbook':>15} {'cells':>8} {'formulas':>8} {'sheets':>6} "
              f"{'size':>8} {'write-only':>10} {'ratio':>6} {'peak (rise)':>13}")
    rows: list[str] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for case, label in ((case, CASES[case]) for case in cases):
            url = f"sqlite:///{Path(folder) / case}.db"
            started = time.perf_counter()
            db.upgrade(url)
            slug = build_demo(url) if case == "demo" else build_large(url)
            db.engine_for(url).dispose()
            print(f"set-up of the {label} (not timed below): {time.perf_counter() - started:.1f}s")
            out = Path(folder) / f"{case}.xlsx"
            result = _run_child(url, slug, out)
            data = out.read_bytes()
            cells, formulas, by_sheet = count_cells(data)
            sheets = len(by_sheet)
            largest = sorted(by_sheet.items(), key=lambda item: -item[1])[:4]
            notes.append(f"{label}: most cells on " + ", ".join(f"{name} {n:,}" for name, n in largest))
            content, workbook = result["content"], result["workbook"]
            floor = [pair[1] for pair in result["pairs"]]
            ratios[case] = statistics.median(built / floored for built, floored in result["pairs"])
            rows.append(
                f"{label:<40} {min(content):>6.2f}s/{statistics.median(content):>6.2f}s "
                f"{min(workbook):>6.2f}s/{statistics.median(workbook):>6.2f}s {cells:>8,} {formulas:>8,} {sheets:>6} "
                f"{len(data) / 1e6:>6.2f}MB {min(floor):>9.2f}s {ratios[case]:>6.2f} "
                f"{result['peak_mb']:>5.0f}MB ({result['peak_mb'] - result['before_mb']:>3.0f})")
    print(header)
    for row in rows:
        print(row)
    for note in notes:
        print(note)
    print(f"(content and workbook: best/median; peak: the building process's maximum resident set in MB, imports "
          f"included, and its rise while building.) Whole pack benchmark: {time.perf_counter() - begun:.0f}s")

    return ratios

if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3], Path(sys.argv[4]))))
    else:
        main()
