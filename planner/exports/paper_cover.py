"""The board paper's cover sheet, and the sentences used in several places of the paper (the headline,
the executive summary, the default recommendation), each written from the content's figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from planner.dates import long_date
from planner.exports import paper_figures as pf
from planner.exports.cover import IMPACTS, PURPOSES, cover_of_content
from planner.exports.cover_sheet import IMPACT_LABELS
from planner.exports.paper_blocks import NONE_LISTED, NOT_BEFORE, NOT_SET, NOT_STATED
from planner.exports.paper_figures import count, money, percent, words_list

# --- the cover sheet ------------------------------------------------------------------------------


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def one_line(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def changes_made(content: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The answered consultation comments that changed the strategy."""
    return [c for c in (content.get("consultation") or {}).get("you_said_we_did") or [] if c.get("changed")]


def cover(content: Mapping[str, Any]) -> dict[str, Any]:
    """Every cover field as planner.exports.cover reads it from the content (defaults for content frozen
    before covers were kept); where the board secretary left the recommendation, the executive summary
    or an impact empty, the paper writes one from the figures (quality and sustainability excepted:
    the figures say nothing of them)."""
    sheet = cover_of_content(content)
    prepared_by = one_line((content.get("prepared") or {}).get("by")) or one_line(sheet.get("prepared_by"))
    defaults = _impact_defaults(content)
    impact = sheet.get("impact") or {}
    purpose = str(sheet["purpose"]) if sheet.get("purpose") in PURPOSES else "approval"
    return {
        **sheet,
        "purpose": purpose, "purpose_name": PURPOSES[purpose],
        "title": one_line(content["strategy"].get("title")),
        "prepared_by": prepared_by,
        "recommendation": str(sheet.get("recommendation") or "").strip() or default_recommendation(content, purpose),
        "executive_summary": str(sheet.get("executive_summary") or "").strip() or executive_summary(content),
        "strategic_objectives": [one_line(s) for s in sheet.get("strategic_objectives") or [] if one_line(s)],
        "baf_risks": [one_line(s) for s in sheet.get("baf_risks") or [] if one_line(s)],
        "impact": {key: one_line(impact.get(key)) if _filled(impact.get(key)) else defaults[key] for key in IMPACTS},
        "previously_considered": [p for p in sheet.get("previously_considered") or []
                                  if isinstance(p, Mapping) and p.get("by")],
    }


def purpose_boxes(chosen: str) -> str:
    """The four purposes with the chosen one marked: 'Approval ☒   Assurance ☐   ...'."""
    return "   ".join(f"{name.removeprefix('For ').capitalize()} {'☒' if key == chosen else '☐'}"
                      for key, name in PURPOSES.items())


def cover_rows(content: Mapping[str, Any], sheet: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The cover sheet's rows, label and value, in the order of NHS cover sheets (and of the pack's)."""
    considered = "\n".join(f"{one_line(p['by'])}, {long_date(p['on'])}" if p.get("on") else one_line(p["by"])
                           for p in sheet["previously_considered"])
    return [
        ("Meeting", one_line(sheet.get("meeting")) or NOT_SET),
        ("Date of meeting", long_date(sheet["meeting_date"]) if sheet.get("meeting_date") else NOT_SET),
        ("Agenda item", one_line(sheet.get("agenda_item")) or NOT_SET),
        ("Part", one_line(sheet.get("part_name")) or NOT_SET),
        ("Title of paper", sheet["title"]),
        ("Purpose", purpose_boxes(sheet["purpose"])),
        ("Executive lead", one_line(sheet.get("executive_lead")) or NOT_SET),
        ("Author", one_line(sheet.get("author")) or NOT_SET),
        ("Prepared by", sheet["prepared_by"] or "Not recorded"),
        ("Date prepared", long_date((content.get("prepared") or {}).get("on"))),
        ("Status", one_line((content.get("status") or {}).get("version")) or "Draft"),
        ("Recommendation", sheet["recommendation"]),
        ("Executive summary", sheet["executive_summary"]),
        ("Links to strategic objectives", "\n".join(sheet["strategic_objectives"]) or NONE_LISTED),
        ("Board Assurance Framework (BAF) risks", "\n".join(sheet["baf_risks"]) or NONE_LISTED),
        *[(IMPACT_LABELS.get(key, key), sheet["impact"][key]) for key in IMPACTS],
        ("Previously considered by", considered or NOT_BEFORE),
    ]


# --- sentences used in several places -------------------------------------------------------------


def scenario_phrase(content: Mapping[str, Any]) -> str:
    name = pf.scenario_name(content)
    return f"the {name} scenario" if name else "the forecast"


def headline(content: Mapping[str, Any]) -> str | None:
    """Appointments over the period in one sentence, or None without a forecast."""
    if pf.result_of(content) is None:
        return None
    first, last = pf.period(content)
    every = pf.all_levels(content)
    start = int(content["strategy"]["start_year"])
    return (f"On {scenario_phrase(content)}, {count(every.external, 'external appointment')} and "
            f"{count(every.internal, 'internal promotion')} to leadership posts are needed over "
            f"{pf.years_text(first, last)}, to fill {count(every.posts_needed_end, 'post')} in {last} "
            f"(against {count(every.in_post_start, 'leader')} in post in {start}).")


# What each verdict says of n targets: (one, several).
VERDICT_WORDS = {
    "met": ("is met on the forecast without further action", "are met on the forecast without further action"),
    "within": ("can be met within the group's share of the pool appointments are drawn from",
               "can be met within the group's share of the pools appointments are drawn from"),
    "wider": ("needs a larger share of appointments from the group than the group's share of the pool they are "
              "drawn from, so is only reachable if the pool itself widens",
              "need a larger share of appointments from the group than the group's share of the pools they are "
              "drawn from, so are only reachable if the pools themselves widen"),
    "reachable": ("can be met through appointments, though not compared with the pool they are drawn from",
                  "can be met through appointments, though not compared with the pools they are drawn from"),
    "unreachable": ("cannot be met by its target year", "cannot be met by their target years"),
    "withheld": ("has its figures withheld to protect privacy (small numbers)",
                 "have their figures withheld to protect privacy (small numbers)"),
    "unknown": ("could not be worked out", "could not be worked out"),
}


def verdict_summary(reads: Sequence[pf.TargetRead]) -> str:
    """The targets' verdicts in one sentence: 'All 3 diversity targets need ...', 'Of the 3 ..., 1 ... and 2 ...'."""
    if not reads:
        return "No diversity targets are set yet."
    verdicts = [r.verdict for r in reads]
    found = [(v, verdicts.count(v)) for v in VERDICT_WORDS if verdicts.count(v)]
    if len(found) == 1:
        verdict, n = found[0]
        opening = "The diversity target" if n == 1 else f"All {n:,} diversity targets"
        return f"{opening} {VERDICT_WORDS[verdict][0 if n == 1 else 1]}."
    said = [f"{n:,} {VERDICT_WORDS[v][0 if n == 1 else 1]}" for v, n in found]
    return f"Of the {count(len(reads), 'diversity target')}, {words_list(said)}."


def _diversity_summary(content: Mapping[str, Any]) -> str:
    return verdict_summary(pf.target_reads(content))


def gap_phrase(content: Mapping[str, Any], gap: Mapping[str, Any]) -> str:
    names, levels = pf.competency_names(content), pf.level_names(content)
    return (f"{pf.lower_first(names.get(str(gap['competency']), str(gap['competency'])))} at "
            f"{pf.lower_first(levels.get(str(gap['level']), str(gap['level'])))}")


def plan_sentence(content: Mapping[str, Any]) -> str | None:
    cost = [(y, c) for y, c in pf.plan_cost(content) if c]
    if not cost:
        return None
    years = [y for y, _ in cost]
    return f"the development plan costs {money(sum(c for _, c in cost))} over {pf.years_text(min(years), max(years))}"


def executive_summary(content: Mapping[str, Any]) -> str:
    """A default summary from the figures: the forecast, the targets, the gaps and the plan, the
    consultation."""
    strategy = content["strategy"]
    out = [f"The {strategy['title']} sets out the leaders {content['organisation']['name']} needs, and how it "
           f"will develop them, from {strategy['start_year']} to {strategy['end_year']}."]
    line = headline(content)
    out.append(line or "The forecast cannot run yet, so this paper gives no figures for appointments.")
    out.append(_diversity_summary(content))
    gaps = pf.largest_gaps(content, 1)
    plan = plan_sentence(content)
    if gaps:
        gap = gaps[0]
        out.append(f"The largest competency gap is {gap_phrase(content, gap)} ({percent(float(gap['share_below']))} "
                   f"of those assessed are below the required step)" + (f"; {plan}." if plan else "."))
    elif plan:
        out.append(pf.capital(plan) + ".")
    changes = changes_made(content)
    answered = len((content.get("consultation") or {}).get("you_said_we_did") or [])
    if answered:
        out.append(f"The consultation changed the strategy in response to {len(changes):,} of the "
                   f"{count(answered, 'comment')} answered.")
    return " ".join(out)


def default_recommendation(content: Mapping[str, Any], purpose: str) -> str:
    """What the Board is asked to do, by the paper's purpose (an approved version's paper is the paper as
    it went to the Board: its Background records the decision)."""
    title = content["strategy"]["title"]
    items = []
    if pf.result_of(content) is not None:
        first, last = pf.period(content)
        items.append(f"the forecast on {scenario_phrase(content)} of "
                     f"{count(pf.all_levels(content).external, 'external appointment')} to leadership posts over "
                     f"{pf.years_text(first, last)}")
    targets = len(pf.target_reads(content))
    if targets:
        items.append(f"the {count(targets, 'diversity target')}" if targets > 1 else "the diversity target")
    if plan_sentence(content):
        items.append("the development plan")
    basis = f", including {words_list(items)}" if items else ""
    verbs = {"approval": f"The Board is asked to approve the {title}{basis}.",
             "assurance": f"The Board is asked to take assurance from the {title}{basis}.",
             "discussion": f"The Board is asked to discuss the {title}{basis}, and to say what should change "
                           "before it comes back for approval.",
             "information": f"The Board is asked to note the {title}{basis}."}
    return verbs[purpose]


def _impact_defaults(content: Mapping[str, Any]) -> dict[str, str]:
    plan = plan_sentence(content)
    return {
        "equality": _diversity_summary(content) + (" See section 4." if pf.target_reads(content) else ""),
        "quality": NOT_STATED,
        "finance": (pf.capital(plan) + " (see section 5).") if plan else "No development plan costs are recorded.",
        "workforce": headline(content) or "The forecast cannot run yet.",
        "sustainability": NOT_STATED,
    }
