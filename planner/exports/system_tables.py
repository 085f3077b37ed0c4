"""The tables of the system pack and paper, worked out once from the system's content
(planner.services.system_pack.gather) so the workbook and the paper print the same figures.

Each table is a Grid: headings with the kind of value each column holds, and rows of plain values.
Forecast figures are in whole people by the pack's one rule (planner/exports/rounding.py): a year's
flows rounded along their running totals so each row adds up, sums over years or members rounded on
their own (with the standard footnote). A figure the system's disclosure rule withholds (None in the
diversity and capability content) is WITHHELD, as the trust's pack draws a withheld count. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.dates import long_date
from planner.exports.rounding import ROUNDING_NOTE, whole, whole_flows
from planner.objectives.health import RAG_WORDS

WITHHELD = "*"
WITHHELD_NOTE = ("* Withheld to protect privacy: counts from 1 to {threshold} people, and any count or share from "
                 "which one could be worked out.")
NOT_WORKED_OUT = "-"  # a combined target share the members' targets do not give: the note says why
COMBINED_NOTE = ("The share of leaders the system would reach by the year if every member met its own target, "
                 "each weighed by its forecast leaders at that level; \"-\" where a member sets no target there "
                 "or its forecast does not reach the year (the note names it).")
NOT_POOLED_NOTE = ("* Not shown: results are pooled only where each member has enough responses, and gaps only "
                   "where enough leaders were assessed.")
SYSTEM_TOTAL = "System total"
FLOWS = (("demand", "Posts needed"), ("start", "In post at start"), ("leavers", "Leavers"),
         ("promoted_out", "Promoted out"), ("internal_fills", "Internal fills"),
         ("external_appointments", "External appointments"), ("end", "In post at end"))


@dataclass(frozen=True)
class Grid:
    """A table: its caption, (heading, kind) for each column, rows of values, and notes under it."""

    caption: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[Any, ...], ...]
    notes: tuple[str, ...] = ()


def _shown(value: Any) -> Any:
    """A figure, or WITHHELD where the content withholds it (None)."""
    return WITHHELD if value is None else value


def level_names(content: Mapping[str, Any]) -> dict[str, str]:
    """Level key -> name, in the members' order."""
    return {str(lv["key"]): str(lv["name"]) for lv in content["forecast"]["levels"]}


def years_of(content: Mapping[str, Any]) -> list[int]:
    """The system's years."""
    return [int(y) for y in content["forecast"]["years"]]


def members_grid(content: Mapping[str, Any]) -> Grid:
    """Each member (and invited trust) and what it shares."""
    rows: list[tuple[Any, ...]] = []
    for member in content["members"]:
        status = "Member" if member["status"] == "member" else "Invited (not yet a member)"
        if not member["shares"]:
            rows.append((member["name"], status, "Shares nothing yet", None, "", "", "", ""))
        for share in member["shares"]:
            years = share["years"]
            rows.append((member["name"], status, share["strategy"], share["version"], long_date(share["approved_on"]),
                         share["scenario"], f"{years[0]} to {years[-1]}" if years else "No years",
                         "Yes" if share["in_system_totals"] else "No: other years"))
    return Grid("Members and what each shares", (
        ("Member", "text"), ("Status", "text"), ("Strategy shared", "text"), ("Version", "step"),
        ("Approved", "text"), ("Scenario", "text"), ("Forecast years", "text"), ("In the system's totals", "text")),
        tuple(rows), ("Each member shares one approved version of a strategy and one scenario frozen in it; the "
                      "system sees only that, never a draft.",))


def forecast_grid(content: Mapping[str, Any]) -> Grid:
    """The system's flows by level and year in whole people, each row adding up."""
    names = level_names(content)
    rows = []
    for total in content["forecast"]["totals"]:
        shown = whole_flows(total)
        rows.append((names.get(total["level"], total["level"]), total["year"], *(shown[k] for k, _h in FLOWS)))
    return Grid("The system's leaders by level and year", (("Level", "text"), ("Year", "year"),
                                                            *((h, "people") for _k, h in FLOWS)), tuple(rows))


def _period(totals: Sequence[Mapping[str, Any]], level: str) -> dict[str, float] | None:
    """A level's first start, last demand and end, and appointments summed over the years (unrounded)."""
    mine = sorted((t for t in totals if t["level"] == level), key=lambda t: int(t["year"]))
    if not mine:
        return None
    return {"start": float(mine[0]["start"]), "demand": float(mine[-1]["demand"]), "end": float(mine[-1]["end"]),
            "external": sum(float(t["external_appointments"]) for t in mine),
            "internal": sum(float(t["internal_fills"]) for t in mine)}


def _period_row(figures: Mapping[str, float]) -> tuple[int, ...]:
    return tuple(whole(figures[k]) for k in ("start", "demand", "end", "external", "internal"))


def summary_grid(content: Mapping[str, Any]) -> Grid:
    """Each level over the system's years: leaders at the start, posts needed and in post at the end, and
    appointments over the period, with the system's total."""
    years = years_of(content)
    totals = content["forecast"]["totals"]
    rows: list[tuple[Any, ...]] = []
    overall: dict[str, float] = {}
    for key, name in level_names(content).items():
        figures = _period(totals, key)
        if figures is None:
            continue
        rows.append((name, *_period_row(figures)))
        for k, v in figures.items():
            overall[k] = overall.get(k, 0.0) + v
    if rows:
        rows.append(("All levels", *_period_row(overall)))
    first, last = (years[0], years[-1]) if years else ("", "")
    return Grid(f"The system's leaders, {first} to {last}", _period_columns(first, last), tuple(rows),
                (ROUNDING_NOTE,))


def _period_columns(first: Any, last: Any) -> tuple[tuple[str, str], ...]:
    return (("Level", "text"), (f"In post at start of {first}", "people"), (f"Posts needed in {last}", "people"),
            (f"In post at end of {last}", "people"), ("External appointments over the period", "people"),
            ("Internal fills over the period", "people"))


def contributions_grid(content: Mapping[str, Any]) -> Grid:
    """Each member's contribution to each level over its own years, with the system's total for the level."""
    forecast = content["forecast"]
    years = years_of(content)
    rows: list[tuple[Any, ...]] = []
    for key, name in level_names(content).items():
        for member in forecast["members"]:
            figures = _period(member["totals"], key)
            if figures is None:
                continue
            own = member["years"]
            rows.append((name, member["name"], f"{own[0]} to {own[-1]}" if own else "", *_period_row(figures),
                         "Yes" if member["in_system_totals"] else "No"))
        system = _period(forecast["totals"], key)
        if system is not None:
            rows.append((name, SYSTEM_TOTAL, f"{years[0]} to {years[-1]}", *_period_row(system), ""))
    columns = (("Level", "text"), ("Member", "text"), ("Years", "text"),
               *(("In post at start", "people"), ("Posts needed at end", "people"), ("In post at end", "people"),
                 ("External appointments", "people"), ("Internal fills", "people")),
               ("In the system's totals", "text"))
    return Grid("Each member's contribution by level", columns, tuple(rows),
                (*forecast["notes"], "A system total adds only the members on the system's years. " + ROUNDING_NOTE))


def appointments_grid(content: Mapping[str, Any]) -> Grid:
    """External appointments over the period by member (rows) and level (columns), for the members on the
    system's years, with the system's total; each figure rounded on its own."""
    forecast = content["forecast"]
    names = level_names(content)
    rows: list[tuple[Any, ...]] = []
    for member in [m for m in forecast["members"] if m["in_system_totals"]] + [None]:
        totals = forecast["totals"] if member is None else member["totals"]
        by_level = {key: sum(float(t["external_appointments"]) for t in totals if t["level"] == key) for key in names}
        rows.append((SYSTEM_TOTAL if member is None else member["name"], *(whole(v) for v in by_level.values()),
                     whole(sum(by_level.values()))))
    return Grid(f"External appointments by member and level, {_span_of(content)}",
                (("Member", "text"), *((name, "people") for name in names.values()), ("All levels", "people")),
                tuple(rows), (*forecast["notes"], ROUNDING_NOTE))


def _span_of(content: Mapping[str, Any]) -> str:
    years = years_of(content)
    return f"{years[0]} to {years[-1]}" if years else "no years"


def lacking_grid(content: Mapping[str, Any]) -> Grid:
    """What each member's shared version still lacked when approved, step by step."""
    rows: list[tuple[Any, ...]] = []
    for member in content["lacking"]:
        if not member["items"]:
            rows.append((member["name"], member["strategy"], member["version"], "", "Nothing: every step is complete"))
        for item in member["items"]:
            rows.append((member["name"], member["strategy"], member["version"], item["step"], item["message"]))
    return Grid("What each member's strategy still lacks", (("Member", "text"), ("Strategy", "text"),
                                                             ("Version", "step"), ("Step", "text"),
                                                             ("What it lacks", "text")), tuple(rows),
                ("As each member's board approved the version it shares: where the system might support it.",))


# --- diversity, capability and partnership objectives (contracts 1 to 3) ---------------------------


def diversity_grids(diversity: Mapping[str, Any], *, shares_only: bool = False) -> list[Grid]:
    """The members counted, then each characteristic's representation by level, withheld figures as '*'.
    `shares_only` (the paper's portrait page): each group's share without its count, which the pack holds."""
    note = WITHHELD_NOTE.format(threshold=diversity["threshold"])
    grids = []
    for characteristic in diversity["characteristics"]:
        groups = characteristic["groups"]
        columns: list[tuple[str, str]] = [("Level", "text")]
        for group in groups:
            columns += ([(group["name"], "percent")] if shares_only else
                        [(f"{group['name']}: count", "people"), (f"{group['name']}: share", "percent")])
        columns.append(("People", "people"))
        rows = []
        for level in characteristic["levels"]:
            cells = {c["group"]: c for c in level["cells"]}
            row: list[Any] = [level["name"]]
            for group in groups:
                cell = cells.get(group["key"], {})
                row += ([] if shares_only else [_shown(cell.get("count"))]) + [_shown(cell.get("share"))]
            rows.append((*row, _shown(level["total"])))
        caption = f"{characteristic['name']}: {'share of people' if shares_only else 'people'} by level"
        grids.append(Grid(caption, tuple(columns), tuple(rows), (note,)))
    members = diversity["members"]
    grids.append(Grid("Members counted", (("Member", "text"), ("Counted", "text"), ("Version", "step")),
                      tuple((m["name"], "Yes" if m["included"] else "No", m["version"]) for m in members),
                      (*(f"{m['name']}: {m['note']}" for m in members if m.get("note")), *diversity["notes"])))
    return grids


def targets_grids(diversity: Mapping[str, Any]) -> list[Grid]:
    """The system's share against its members' targets (combined), then each member's target."""
    combined, targets = [], []
    for characteristic in diversity["characteristics"]:
        groups = {g["key"]: g["name"] for g in characteristic["groups"]}
        levels = {"all": "All leaders", **{lv["level"]: lv["name"] for lv in characteristic["levels"]}}
        for row in characteristic["combined"]:
            combined.append((characteristic["name"], levels.get(row["level"], row["level"]),
                             groups.get(row["group"], row["group"]), row["target_year"],
                             NOT_WORKED_OUT if row["share"] is None else row["share"], row.get("note") or ""))
        for target in characteristic["targets"]:
            targets.append((characteristic["name"], target["name"], levels.get(target["level"], target["level"]),
                            groups.get(target["group"], target["group"]), target["target_share"],
                            target["target_year"]))
    return [Grid("Targets across the system", (("Characteristic", "text"), ("Level", "text"), ("Group", "text"),
                                               ("Target year", "year"),
                                               ("Share if targets met", "percent"),
                                               ("Note", "text")), tuple(combined), (COMBINED_NOTE,)),
            Grid("Members' targets", (("Characteristic", "text"), ("Member", "text"), ("Level", "text"),
                                      ("Group", "text"), ("Target share", "percent"), ("By", "year")), tuple(targets))]


def capability_grids(capability: Mapping[str, Any]) -> list[Grid]:
    """The members' responses, the pooled self-assessment by dimension, and the competency gaps."""
    survey, gaps = capability["survey"], capability["gaps"]
    members = Grid("Members' self-assessment responses and competency assessments",
                   (("Member", "text"), ("Competencies assessed", "text"), ("Version", "step"),
                    ("Responses", "people")),
                   tuple((m["name"], "Yes" if m["assessed"] else "No", m["version"], _shown(m["responses"]))
                         for m in capability["members"]), tuple(capability["notes"]))
    pooled = "pooled" if survey["pooled"] else "not pooled"
    dimensions = Grid(f"Self-assessment by dimension ({pooled}, {survey['responses']:,} responses)",
                      (("Dimension", "text"), ("Mean", "ratio"), ("Standard deviation", "ratio"),
                       ("Share agreeing", "percent"), ("Members", "people")),
                      tuple((d["name"], _shown(d["mean"]), _shown(d["sd"]), _shown(d["share_agreeing"]), d["members"])
                            for d in survey["dimensions"]),
                      tuple(n for n in (survey.get("note"), NOT_POOLED_NOTE) if n))
    rows = sorted(gaps["rows"], key=lambda r: -(r["share_below"] if r["share_below"] is not None else -1))
    competencies = Grid("Competency gaps across the system, largest first",
                        (("Level", "text"), ("Competency", "text"), ("Leaders assessed", "people"),
                         ("Below the level required", "people"), ("Share below", "percent"), ("Members", "people")),
                        tuple((r["level_name"], r["name"], r["assessed"], r["below_required"], _shown(r["share_below"]),
                               r["members"]) for r in rows),
                        tuple(n for n in (gaps.get("note"), NOT_POOLED_NOTE) if n))
    return [members, dimensions, competencies]


def rag_word(rag: str | None) -> str:
    """A RAG rating in words ('No RAG yet' where none)."""
    return RAG_WORDS.get(rag, RAG_WORDS[None])


def objectives_grid(objectives: Mapping[str, Any]) -> Grid:
    """Each system objective with its progress rolled up by weight, and under it each member's linked objective."""
    rows: list[tuple[Any, ...]] = []
    for objective in objectives["objectives"]:
        rows.append((objective["ref"], objective["title"], "The system", None, _due(objective["due"]),
                     objective["progress"], rag_word(objective["rag"])))
        for link in objective["links"]:
            rows.append(("", f"{link['objective_ref']} {link['title']}", link["name"], link["weight"],
                         _due(link["due"]), link["progress"], rag_word(link["rag"])))
    return Grid("Partnership objectives and the members' objectives linked to them",
                (("Ref", "text"), ("Objective", "text"), ("Whose", "text"), ("Weight", "ratio"), ("Due", "text"),
                 ("Progress", "percent"), ("RAG", "text")), tuple(rows),
                (*objectives["notes"], "A system objective's progress is its members' linked objectives' progress, "
                                       "weighted as in the cascade."))


def _due(value: str | None) -> str:
    return long_date(value) if value else "No date"
