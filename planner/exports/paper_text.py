"""The words of the board paper, written from the figures of the pack's content.

No sentence here is fixed where a figure could contradict it: each states what the content holds
(planner.exports.paper_figures works the numbers out once, in whole people), and switches its words
with them ("the fewest", "cannot be met", "was not simulated"). The paper is a list of sections of
blocks (paragraphs, bullets, tables, figures); planner.exports.paper lays them out in Word.
Diversity figures are the content's, as the one disclosure rule gave them for the paper's audience
(planner.diversity.disclosure): a withheld count is never printed, nor anything worked out from a
target's withheld starting count; exact counts only in a paper for the board in private, labelled.
Pure: content in, words out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.dates import long_date
from planner.diversity.assessment import (
    MET,
    NOT_REACHABLE,
    REACHABLE,
    WIDER,
    WITHIN,
    assessment_label,
    assessment_sentence,
)
from planner.diversity.assessment import WITHHELD as WITHHELD_LABEL
from planner.diversity.disclosure import from_content
from planner.exports import paper_figures as pf
from planner.exports.cover import IMPACTS, PURPOSES, cover_of_content
from planner.exports.cover_sheet import IMPACT_LABELS
from planner.exports.paper_figures import count, money, percent, words_list
from planner.exports.rounding import ROUNDING_NOTE, RULE_IN_WORDS
from planner.rate_words import is_yearly, rate_words

NOT_SET = "Not set"  # the words of the pack's Cover sheet, so the paper and the pack agree
NOT_STATED = "Not stated"
NONE_LISTED = "None listed"
NOT_BEFORE = "Not considered before"
COVER_NOT_SET = "The cover sheet has not been filled in yet: do so on the Approve step."
MAX_CHANGES = 8  # "you said, we did" items printed; the pack has every one
WITHHELD_NOTE = ("* Withheld to protect privacy: counts from 1 to {threshold} people, and any count or share "
                 "from which one could be worked out.")


# --- the blocks a section holds -------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph: body text, a bullet or a small note."""

    text: str
    kind: str = "body"  # body | bullet | note


@dataclass(frozen=True)
class Subheading:
    """A heading inside a section (Heading 2)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table with a caption, a header row, body rows (the last a total where `total_last`) and notes."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    notes: tuple[str, ...] = ()
    total_last: bool = False
    widths: tuple[float, ...] = ()  # centimetres, or () for even columns


@dataclass(frozen=True)
class Figure:
    """A place for a chart (by its key in planner.exports.paper_charts)."""

    key: str


Block = Para | Subheading | Table | Figure


@dataclass(frozen=True)
class Section:
    """A numbered section of the paper (Heading 1)."""

    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


# --- the cover sheet ------------------------------------------------------------------------------


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def cover(content: Mapping[str, Any]) -> dict[str, Any]:
    """Every cover field as planner.exports.cover reads it from the content (defaults for content frozen
    before covers were kept); where the board secretary left the recommendation, the executive summary
    or an impact empty, the paper writes one from the figures (quality and sustainability excepted:
    the figures say nothing of them)."""
    sheet = cover_of_content(content)
    prepared_by = _text((content.get("prepared") or {}).get("by")) or _text(sheet.get("prepared_by"))
    defaults = _impact_defaults(content)
    impact = sheet.get("impact") or {}
    purpose = str(sheet["purpose"]) if sheet.get("purpose") in PURPOSES else "approval"
    return {
        **sheet,
        "purpose": purpose, "purpose_name": PURPOSES[purpose],
        "title": _text(content["strategy"].get("title")),
        "prepared_by": prepared_by,
        "recommendation": str(sheet.get("recommendation") or "").strip() or default_recommendation(content, purpose),
        "executive_summary": str(sheet.get("executive_summary") or "").strip() or executive_summary(content),
        "strategic_objectives": [_text(s) for s in sheet.get("strategic_objectives") or [] if _text(s)],
        "baf_risks": [_text(s) for s in sheet.get("baf_risks") or [] if _text(s)],
        "impact": {key: _text(impact.get(key)) if _filled(impact.get(key)) else defaults[key] for key in IMPACTS},
        "previously_considered": [p for p in sheet.get("previously_considered") or []
                                  if isinstance(p, Mapping) and p.get("by")],
    }


def purpose_boxes(chosen: str) -> str:
    """The four purposes with the chosen one marked: 'Approval ☒   Assurance ☐   ...'."""
    return "   ".join(f"{name.removeprefix('For ').capitalize()} {'☒' if key == chosen else '☐'}"
                      for key, name in PURPOSES.items())


def cover_rows(content: Mapping[str, Any], sheet: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The cover sheet's rows, label and value, in the order of NHS cover sheets (and of the pack's)."""
    considered = "\n".join(f"{_text(p['by'])}, {long_date(p['on'])}" if p.get("on") else _text(p["by"])
                           for p in sheet["previously_considered"])
    return [
        ("Meeting", _text(sheet.get("meeting")) or NOT_SET),
        ("Date of meeting", long_date(sheet["meeting_date"]) if sheet.get("meeting_date") else NOT_SET),
        ("Agenda item", _text(sheet.get("agenda_item")) or NOT_SET),
        ("Part", _text(sheet.get("part_name")) or NOT_SET),
        ("Title of paper", sheet["title"]),
        ("Purpose", purpose_boxes(sheet["purpose"])),
        ("Executive lead", _text(sheet.get("executive_lead")) or NOT_SET),
        ("Author", _text(sheet.get("author")) or NOT_SET),
        ("Prepared by", sheet["prepared_by"] or "Not recorded"),
        ("Date prepared", long_date((content.get("prepared") or {}).get("on"))),
        ("Status", _text((content.get("status") or {}).get("version")) or "Draft"),
        ("Recommendation", sheet["recommendation"]),
        ("Executive summary", sheet["executive_summary"]),
        ("Links to strategic objectives", "\n".join(sheet["strategic_objectives"]) or NONE_LISTED),
        ("Board Assurance Framework (BAF) risks", "\n".join(sheet["baf_risks"]) or NONE_LISTED),
        *[(IMPACT_LABELS.get(key, key), sheet["impact"][key]) for key in IMPACTS],
        ("Previously considered by", considered or NOT_BEFORE),
    ]


# --- sentences used in several places -------------------------------------------------------------


def _scenario_phrase(content: Mapping[str, Any]) -> str:
    name = pf.scenario_name(content)
    return f"the {name} scenario" if name else "the forecast"


def headline(content: Mapping[str, Any]) -> str | None:
    """Appointments over the period in one sentence, or None without a forecast."""
    if pf.result_of(content) is None:
        return None
    first, last = pf.period(content)
    every = pf.all_levels(content)
    start = int(content["strategy"]["start_year"])
    return (f"On {_scenario_phrase(content)}, {count(every.external, 'external appointment')} and "
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


def _gap_phrase(content: Mapping[str, Any], gap: Mapping[str, Any]) -> str:
    names, levels = pf.competency_names(content), pf.level_names(content)
    return (f"{pf.lower_first(names.get(str(gap['competency']), str(gap['competency'])))} at "
            f"{pf.lower_first(levels.get(str(gap['level']), str(gap['level'])))}")


def _plan_sentence(content: Mapping[str, Any]) -> str | None:
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
    plan = _plan_sentence(content)
    if gaps:
        gap = gaps[0]
        out.append(f"The largest competency gap is {_gap_phrase(content, gap)} ({percent(float(gap['share_below']))} "
                   f"of those assessed are below the required step)" + (f"; {plan}." if plan else "."))
    elif plan:
        out.append(pf.capital(plan) + ".")
    changes = _changes(content)
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
        items.append(f"the forecast on {_scenario_phrase(content)} of "
                     f"{count(pf.all_levels(content).external, 'external appointment')} to leadership posts over "
                     f"{pf.years_text(first, last)}")
    targets = len(pf.target_reads(content))
    if targets:
        items.append(f"the {count(targets, 'diversity target')}" if targets > 1 else "the diversity target")
    if _plan_sentence(content):
        items.append("the development plan")
    basis = f", including {words_list(items)}" if items else ""
    verbs = {"approval": f"The Board is asked to approve the {title}{basis}.",
             "assurance": f"The Board is asked to take assurance from the {title}{basis}.",
             "discussion": f"The Board is asked to discuss the {title}{basis}, and to say what should change "
                           "before it comes back for approval.",
             "information": f"The Board is asked to note the {title}{basis}."}
    return verbs[purpose]


def _impact_defaults(content: Mapping[str, Any]) -> dict[str, str]:
    plan = _plan_sentence(content)
    return {
        "equality": _diversity_summary(content) + (" See section 4." if pf.target_reads(content) else ""),
        "quality": NOT_STATED,
        "finance": (pf.capital(plan) + " (see section 5).") if plan else "No development plan costs are recorded.",
        "workforce": headline(content) or "The forecast cannot run yet.",
        "sustainability": NOT_STATED,
    }


# --- the sections ---------------------------------------------------------------------------------


def paper_title(content: Mapping[str, Any]) -> str:
    """The paper's title: the strategy's."""
    return str(content["strategy"]["title"])



def _changes(content: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The answered consultation comments that changed the strategy."""
    return [c for c in (content.get("consultation") or {}).get("you_said_we_did") or [] if c.get("changed")]


def _covers(content: Mapping[str, Any]) -> list[str]:
    """What the strategy sets out, from what the content holds."""
    out = []
    if pf.result_of(content) is not None:
        first, last = pf.period(content)
        out.append(f"the leaders needed from {pf.years_text(first, last)} on {_scenario_phrase(content)}")
    targets = len(pf.target_reads(content))
    if targets:
        out.append(f"{count(targets, 'diversity target')} and what {'it requires' if targets == 1 else 'they require'}")
    if pf.largest_gaps(content, 1) or _plan_sentence(content):
        out.append("the leadership competency gaps and the development plan")
    objectives = len((content.get("objectives") or {}).get("rows") or [])
    if objectives:
        out.append(f"{count(objectives, 'objective')} from the Board to teams")
    if (content.get("consultation") or {}).get("consultations"):
        out.append("what the consultation said and what changed")
    return out


def _purpose(content: Mapping[str, Any], sheet: Mapping[str, Any]) -> Section:
    title = content["strategy"]["title"]
    opening = {"approval": f"This paper asks the Board to approve the {title}.",
               "assurance": f"This paper gives the Board assurance on the {title}.",
               "discussion": f"This paper asks the Board to discuss the {title}.",
               "information": f"This paper informs the Board of the {title}."}[sheet["purpose"]]
    blocks: list[Block] = [Para(opening)]
    covered = _covers(content)
    if covered:
        blocks.append(Para("It sets out:"))
        blocks += [Para(item, "bullet") for item in [*covered, "the risks and the uncertainty in the figures"]]
    blocks.append(Para("The figures come from the Collective Leadership Strategy Planner. The board pack, an Excel "
                       "workbook of every figure behind this paper, is its appendix."))
    return Section("Purpose", tuple(blocks))


def _background(content: Mapping[str, Any]) -> Section:
    strategy, organisation = content["strategy"], content["organisation"]
    first, last = pf.period(content)
    blocks: list[Block] = [Para(
        f"The {strategy['title']} is the collective leadership strategy of {organisation['name']} for "
        f"{strategy['start_year']} to {strategy['end_year']}. Its baseline is the leaders in post in "
        f"{strategy['start_year']}, and its forecast runs from {pf.years_text(first, last)}."
        + (f" The strategy's owner is the {strategy['owner']}." if strategy.get("owner") else ""))]
    if strategy.get("vision"):
        blocks.append(Para(f"Its vision: “{_text(strategy['vision'])}”"))
    if strategy.get("mission"):
        blocks.append(Para(f"Its mission: “{_text(strategy['mission'])}”"))
    values = [v.strip(" -•*") for v in str(strategy.get("values") or "").splitlines() if v.strip(" -•*")]
    if values:
        blocks.append(Para(f"Its {count(len(values), 'value')}:"))
        blocks += [Para(v, "bullet") for v in values]
    areas = len(content.get("areas") or [])
    if pf.result_of(content) is not None:
        every = pf.all_levels(content)
        levels = len(pf.level_rows(content))
        blocks.append(Para(f"The baseline counts {count(every.in_post_start, 'leader')} in post across "
                           f"{count(areas, 'area')} of the organisation, at {count(levels, 'level')} of leadership."
                           f" Source: {content.get('baseline_source') or 'the Baseline step'}."))
    status = content.get("status") or {}
    approval = content.get("approval")
    if approval:
        blocks.append(Para(f"The Board's decision on this version: {str(approval['decision']).lower()} at its meeting "
                           f"of {long_date(approval['meeting_date'])} (minute {approval['minute']})."
                           + (f" {_text(approval['notes'])}" if approval.get("notes") else "")))
    elif status.get("version"):
        blocks.append(Para(f"Status: {status['version']}."))
    return Section("Background", tuple(blocks))


def _first_year_example(content: Mapping[str, Any], row: pf.LevelRow) -> Para | None:
    found = pf.first_year_flows(content, row.key)
    if found is None:
        return None
    year, f = found
    level = pf.lower_first(row.name)
    moved = f", and {f['promoted_out']:,} step up to the level above" if f["promoted_out"] else ""
    if f["vacancies"] == 0:
        filled = "no posts need filling"
    elif f["internal_fills"] == 0:
        filled = f"all {count(f['vacancies'], 'vacancy', 'vacancies')} are filled by external appointment"
    elif f["external_appointments"] == 0:
        filled = f"all {count(f['vacancies'], 'vacancy', 'vacancies')} are filled by promotion"
    else:
        filled = (f"{f['internal_fills']:,} of the {count(f['vacancies'], 'vacancy', 'vacancies')} are filled by "
                  f"promotion and {f['external_appointments']:,} by external appointment")
    return Para(f"To read the figures, take {level} in {year}: {f['start']:,} are in post at the start of the year; "
                f"{f['leavers']:,} leave{moved}, leaving {f['available']:,}; {filled}, giving {f['end']:,} in post at "
                f"the end of the year against {count(f['demand'], 'post')} needed.")


def _scenario_words(content: Mapping[str, Any], totals: Sequence[pf.ScenarioTotal]) -> list[Block]:
    ran = [s for s in totals if not s.problems]
    chosen = next((s for s in ran if s.chosen), None)
    blocks: list[Block] = []
    failed = [s for s in totals if s.problems]
    if chosen is None:
        return blocks
    if len(ran) == 1:
        blocks.append(Para(f"The {chosen.name} scenario is the only one that has been modelled, so this paper does "
                           "not compare scenarios."))
    else:
        most = max(ran, key=lambda s: s.total)
        least = min(ran, key=lambda s: s.total)
        text = f"Of the {count(len(ran), 'scenario')} modelled, "
        if most.total == least.total:
            text += f"all need the same number of external appointments ({most.total:,})."
        else:
            text += (f"{most.name} needs the most external appointments over the period ({most.total:,}) and "
                     f"{least.name} the fewest ({least.total:,}), a difference of {most.total - least.total:,}.")
        others = [s for s in ran if s is not chosen]
        compared = words_list(f"{difference_words(chosen.total - s.total)} {s.name}" for s in others)
        rank = (" the most," if chosen is most and most.total != least.total else
                " the fewest," if chosen is least and most.total != least.total else "")
        text += (f" The {chosen.name} scenario, used throughout this paper, needs{rank} {chosen.total:,}: "
                 f"{compared}.")
        blocks.append(Para(text))
        described = [s for s in ran if s.description]
        blocks += [Para(f"{s.name}: {_text(s.description)}", "bullet") for s in described]
    for s in failed:
        blocks.append(Para(f"The {s.name} scenario could not be run: {'; '.join(s.problems)}."))
    return blocks


def difference_words(n: int) -> str:
    """'12 more than', '3 fewer than', 'the same as'."""
    return "the same as" if n == 0 else f"{abs(n):,} {'more' if n > 0 else 'fewer'} than"


def _forecast(content: Mapping[str, Any]) -> Section:
    title = "How many leaders we need"
    result = pf.result_of(content)
    if result is None:
        problems = "; ".join(pf.lower_first(str(p)).rstrip(".") for p in
                             (content.get("forecast") or {}).get("problems") or [])
        return Section(title, (Para(f"The forecast cannot run yet: {problems or 'there is no scenario'}. "
                                    "This paper gives no figures for appointments until it can."),))
    strategy = content["strategy"]
    first, last = pf.period(content)
    start = int(strategy["start_year"])
    rows, every = pf.level_rows(content), pf.all_levels(content)
    description = _text(((content.get("forecast") or {}).get("scenario") or {}).get("description"))
    blocks: list[Block] = [Para(headline(content) or "")]
    if description:
        blocks.append(Para(f"The {pf.scenario_name(content)} scenario: {pf.lower_first(description)}"))
    blocks += [Para(f"{r.name}: {count(r.in_post_start, 'leader')} in post in {start} and "
                    f"{count(r.posts_needed_end, 'post')} needed in {last}; "
                    f"{count(r.external, 'external appointment')} and {count(r.internal, 'internal promotion')} "
                    f"over {pf.years_text(first, last)}.", "bullet") for r in rows]
    biggest = max(rows, key=lambda r: r.external, default=None)
    if biggest is not None and every.external:
        share = biggest.external / every.external
        blocks.append(Para(f"{pf.capital(pf.posts_of(biggest.name))} account for {percent(share)} of all external "
                           f"appointments{', more than any other level' if share < 0.5 else ''}."))
    blocks.append(Table(
        "Leaders in post and appointments needed by level" + (
            f" ({pf.scenario_name(content)} scenario)" if pf.scenario_name(content) else ""),
        ("Level", f"In post in {start}", f"Posts needed in {last}", "External appointments over the period",
         "Internal promotions over the period"),
        tuple((r.name, f"{r.in_post_start:,}", f"{r.posts_needed_end:,}", f"{r.external:,}", f"{r.internal:,}")
              for r in [*rows, every]),
        (False, True, True, True, True), (ROUNDING_NOTE,), total_last=True, widths=(4.6, 2.7, 2.9, 3.3, 3.5)))
    example = _first_year_example(content, biggest) if biggest is not None else None
    if example is not None:
        blocks.append(example)
    blocks += [Figure("demand"), Figure("appointments")]
    totals = pf.scenario_totals(content)
    if totals:
        blocks.append(Subheading("The scenarios compared"))
        blocks += _scenario_words(content, totals)
        ran = [s for s in totals if not s.problems]
        if len(ran) > 1:
            keys = [r.key for r in rows]
            blocks.append(Table(
                "External appointments over the period by scenario and level",
                ("Scenario", *[r.name for r in rows], "All levels"),
                tuple((s.name + (" (this paper)" if s.chosen else ""), *[f"{s.by_level.get(k, 0):,}" for k in keys],
                       f"{s.total:,}") for s in ran),
                (False, *[True] * len(keys), True), (ROUNDING_NOTE,),
                widths=(4.4, *[(17.0 - 4.4) / (len(keys) + 1)] * (len(keys) + 1))))
            blocks.append(Figure("scenarios"))
    return Section(title, tuple(blocks))


def _target_words(read: pf.TargetRead, scenario: str) -> str:
    """The target, then what its assessment says (planner.diversity.assessment: the same words as the pages
    and the pack), then how many appointments from the group that is."""
    head = f"{read.group}: {percent(read.target_share)} of {read.level} by {read.target_year}."
    item = {**read.item, "pipeline_share": read.pool_share, "earliest_year": read.earliest_year,
            "problems": read.problems}
    if read.verdict in ("unknown", "withheld"):
        item = {"problems": read.problems, "withheld_reason": read.item.get("withheld_reason")}
    text = f"{head} {assessment_sentence(item, read.group, read.level, read.pool_name)}"
    if read.verdict in ("within", "wider", "reachable") and read.appointments_to_target:
        text += (f" On {scenario} that is about {count(read.appointments_to_target, 'appointment')} from the group "
                 f"by {read.target_year}.")
    return text


def verdict_name(read: pf.TargetRead) -> str:
    """The short label of a target's assessment, with the earliest year where it cannot be met by its own."""
    label = WITHHELD_LABEL if read.verdict == "withheld" else assessment_label(
        {"met": MET, "within": WITHIN, "wider": WIDER, "reachable": REACHABLE,
         "unreachable": NOT_REACHABLE}.get(read.verdict))
    return f"{label} (earliest {read.earliest_year})" if read.verdict == "unreachable" and read.earliest_year \
        else label


def _board_part(part: pf.BoardPart, workforce: float | None, limit: int) -> str:
    """'3 of 12 (25.0%), 4.1 points above the workforce', or why not."""
    if part.count is None or part.members is None:
        return f"withheld (fewer than {limit + 1} people, or a number that would reveal such a group)"
    if part.members == 0:
        return "none recorded"
    share = part.count / part.members
    said = f"{part.count:,} of {part.members:,} ({percent(share)})"
    if workforce is None:
        return said
    gap = round((share - workforce) * 100, 1)
    if gap == 0:
        return f"{said}, the same as the workforce"
    return f"{said}, {abs(gap):.1f} points {'above' if gap > 0 else 'below'} the workforce"


def board_words(content: Mapping[str, Any]) -> list[Para]:
    """The board's own make-up against the workforce (WRES indicator 9, WDES metric 10), by voting and
    executive membership where recorded, as the content's audience may see it."""
    limit = pf.threshold(content)
    out = []
    for read in pf.board_reads(content):
        board, *memberships = read.parts
        against = f" ({percent(read.workforce)} of the workforce)" if read.workforce is not None else ""
        text = (f"{read.measure}, {read.group} on the board{against}: the whole board "
                f"{_board_part(board, read.workforce, limit)}")
        if memberships:
            text += "; " + "; ".join(f"{m.name} {_board_part(m, read.workforce, limit)}" for m in memberships)
        out.append(Para(text + ".", "bullet"))
    if out and not all(read.memberships_recorded for read in pf.board_reads(content)):
        out.append(Para("The guidance asks for the board by voting and by executive membership; these are not "
                        "recorded yet: import a staff extract with a board member type column.", "note"))
    return out


def _diversity(content: Mapping[str, Any]) -> Section:
    title = "Diversity of our leaders"
    reads = pf.target_reads(content)
    from planner.exports.paper_board_terms import board_terms_blocks

    board: list[Block] = list(board_words(content))
    if board:
        board.insert(0, Para("The board itself, as the Workforce Race and Disability Equality Standards measure it:"))
    board += board_terms_blocks(content)
    if not reads:
        return Section(title, (*board, Para("No diversity targets are set yet, so this paper says nothing of what "
                                            "recruitment would need to change.")))
    scenario = _scenario_phrase(content)
    limit = pf.threshold(content)
    blocks: list[Block] = [*board, Para(
        f"The strategy sets {count(len(reads), 'diversity target')}. For each, the planner works out the share of "
        f"appointments to the level that must come from the group, every year to the target year, for the target "
        f"to be met on {scenario}. {verdict_summary(reads)}")]
    blocks += [Para(_target_words(r, scenario), "bullet") for r in reads]
    verdicts = {r.verdict for r in reads}
    if "wider" in verdicts:
        blocks.append(Para(
            "Where the share needed is more than the group's share of the pool appointments are drawn from (the "
            "level below; for the bottom level and for all leaders, the whole workforce), fair recruitment from "
            "the present pool will not meet the target on its own: the pool itself has to widen, through "
            "development, outreach and positive action. Positive action under the Equality Act 2010 (sections "
            "158 and 159) is a tie-break between candidates as qualified as each other, not a quota."))
    if "within" in verdicts:
        blocks.append(Para("Where the share needed is within the group's share of the pool, fair recruitment "
                           "from the present pool can meet the target."))
    if "unreachable" in verdicts:
        blocks.append(Para("A target that cannot be met by its year needs a later year, a lower share, or more "
                           "appointments to the level than the forecast expects."))
    rows = []
    for r in reads:
        hidden = r.pool_share is None and bool(r.item.get("pipeline_withheld", "pool_name" not in r.item))
        rows.append((r.group, pf.capital(r.level), percent(r.target_share), str(r.target_year),
                     percent(r.required) if r.required is not None else "–",
                     percent(r.pool_share) if r.pool_share is not None else pf.WITHHELD if hidden else "–",
                     verdict_name(r)))
    notes = ["The share of appointments needed is the share, every year to the target year, of all appointments "
             "to the level (promotions and external appointments) that must come from the group. The pool is "
             "the level below the target's; for the bottom level and for all leaders, the whole workforce."]
    if any(cells[5] == pf.WITHHELD for cells in rows):
        notes.append(WITHHELD_NOTE.format(threshold=limit))
    blocks.append(Table("Diversity targets and the appointments they need",
                        ("Group", "Level", "Target share", "By", "Share of appointments needed",
                         "Group's share of the pool", "Can it be met?"),
                        tuple(rows), (False, False, True, True, True, True, False), tuple(notes),
                        widths=(3.6, 2.4, 1.7, 1.2, 2.9, 2.8, 2.4)))
    if any(r.withheld for r in reads):
        blocks.append(Para(f"Where a group has {limit} or fewer people at a level (or its number would reveal "
                           "such a group), its present count is withheld to protect privacy, and this paper gives "
                           "nothing worked out from it: no share of appointments needed, path or chart.", "note"))
    if from_content(content).exact:
        blocks.append(Para(f"{from_content(content).label}: the figures above include small numbers.", "note"))
    blocks += [Figure(f"target-{r.id}") for r in reads]
    return Section(title, tuple(blocks))


def _competencies(content: Mapping[str, Any]) -> Section:
    title = "Leadership skills and development"
    gaps = pf.largest_gaps(content, 5)
    names, levels = pf.competency_names(content), pf.level_names(content)
    blocks: list[Block] = []
    if gaps:
        top = gaps[0]
        found = (f"{_gap_phrase(content, top)}: {int(top['below_required']):,} of the "
                 f"{count(int(top['assessed']), 'leader')} assessed ({percent(float(top['share_below']))}) are "
                 "below the required step.")
        text = ("Leaders' assessments against the competency frameworks show "
                + (f"the largest gap in {found}" if len(gaps) > 1 else f"one gap, in {found}"))
        if len(gaps) > 1:
            text += f" The {count(len(gaps), 'largest gap')} are in the table below."
        blocks.append(Para(text))
        blocks.append(Table(
            "The largest competency gaps (whole organisation)",
            ("Competency", "Level", "Leaders assessed", "Below the required step", "Share below"),
            tuple((names.get(str(g["competency"]), str(g["competency"])), levels.get(str(g["level"]), str(g["level"])),
                   f"{int(g['assessed']):,}", f"{int(g['below_required']):,}", percent(float(g["share_below"])))
                  for g in gaps),
            (False, False, True, True, True), widths=(5.4, 3.4, 2.6, 3.0, 2.6)))
        blocks.append(Figure("gaps"))
    else:
        blocks.append(Para("No competency gaps are recorded: either no assessments have been imported yet, or every "
                           "assessed leader meets the required step."))
    interventions = (content.get("competencies") or {}).get("interventions") or []
    cost = [(y, c) for y, c in pf.plan_cost(content) if c]
    if interventions:
        text = (f"The development plan has {count(len(interventions), 'intervention')}: "
                f"{words_list(_text(i.get('name')) for i in interventions)}.")
        if cost:
            low, high = min(c for _, c in cost), max(c for _, c in cost)
            years = [y for y, _ in cost]
            spread = (f"{money(low)} a year" if money(low) == money(high) else
                      f"between {money(low)} and {money(high)} a year")
            text += (f" It costs {money(sum(c for _, c in cost))} over {pf.years_text(min(years), max(years))}, "
                     f"{spread}.")
        blocks.append(Para(text))
    else:
        blocks.append(Para("There is no development plan yet: no interventions are recorded."))
    unaddressed = sorted((content.get("competencies") or {}).get("unaddressed") or [],
                         key=lambda g: -int(g.get("below_required") or 0))
    if unaddressed and interventions:
        top = unaddressed[0]
        blocks.append(Para(f"{count(len(unaddressed), 'gap')} {'is' if len(unaddressed) == 1 else 'are'} not "
                           f"reached by any intervention in the plan; the largest is {_gap_phrase(content, top)} "
                           f"({count(int(top.get('below_required') or 0), 'leader')} below the required step)."))
    return Section(title, tuple(blocks))


def _objectives(content: Mapping[str, Any]) -> Section:
    title = "Objectives"
    rows = (content.get("objectives") or {}).get("rows") or []
    if not rows:
        return Section(title, (Para("No objectives are recorded yet."),))
    counts = pf.rag_counts(content)
    total = len(rows)
    said = words_list(f"{n:,} {pf.RAG_NAMES[k].lower()}" for k, n in counts.items() if n)
    blocks: list[Block] = [Para(f"The strategy has {count(total, 'objective')}, from the Board's strategic "
                                f"objectives to teams and individuals. By RAG status: {said}.")]
    blocks.append(Table("Objectives by RAG status", ("Status", "Objectives", "Share"),
                        tuple((pf.RAG_NAMES[k], f"{n:,}", percent(n / total)) for k, n in counts.items())
                        + (("All objectives", f"{total:,}", percent(1.0)),),
                        (False, True, True), total_last=True, widths=(6.0, 3.0, 3.0)))
    strategic = [r for r in rows if not r.get("parent_ref")]
    if strategic:
        blocks.append(Para(f"The {count(len(strategic), 'strategic objective')}:"))
        for r in strategic:
            progress = r.get("rolled_up_progress") if r.get("rolled_up_progress") is not None else r.get("progress")
            detail = [pf.RAG_NAMES.get(r.get("rag"), "Not rated").lower()]
            if progress is not None:
                detail.append(f"{percent(float(progress))} progress")
            if r.get("owner"):
                detail.append(f"owner: {_text(r['owner'])}")
            if r.get("due"):
                detail.append(f"due {long_date(r['due'])}")
            blocks.append(Para(f"{_text(r.get('ref'))} {_text(r.get('title'))} ({'; '.join(detail)})", "bullet"))
    unowned = (content.get("objectives") or {}).get("unowned") or []
    if unowned:
        kinds: dict[str, int] = {}
        for gap in unowned:
            kinds[str(gap.get("kind"))] = kinds.get(str(gap.get("kind")), 0) + 1
        one = len(unowned) == 1
        blocks.append(Para(f"{count(len(unowned), 'gap')} the planner has found {'has' if one else 'have'} "
                           f"no objective linked to {'it' if one else 'them'} "
                           f"({words_list(count(n, k) for k, n in kinds.items())}); the board pack's Unowned gaps "
                           "sheet lists them."))
    return Section(title, tuple(blocks))


def _consultation(content: Mapping[str, Any]) -> Section:
    title = "Consultation: what we heard and what changed"
    data = content.get("consultation") or {}
    consultations = data.get("consultations") or []
    events = data.get("engagement") or []
    if not consultations and not events:
        return Section(title, (Para("No consultation or engagement is recorded in the planner for this strategy."),))
    blocks: list[Block] = []
    for c in consultations:
        sections_named = c.get("sections") or []
        blocks.append(Para(
            f"The consultation “{_text(c.get('title'))}” ran from {long_date(c.get('opens_on'))} to "
            f"{long_date(c.get('closes_on'))}, with {words_list(pf.lower_first(a) for a in c.get('audiences') or [])}, "
            f"on {count(len(sections_named), 'section')} of the strategy. It received "
            f"{count(int(c.get('comments') or 0), 'comment')}, of which {int(c.get('answered') or 0):,} "
            f"{'has' if int(c.get('answered') or 0) == 1 else 'have'} been answered."))
    audiences = data.get("by_audience") or {}
    if audiences:
        blocks.append(Para("Comments by who made them: " + words_list(
            f"{pf.lower_first(name)} {n:,}" for name, n in audiences.items()) + "."))
    themes = sorted((data.get("by_theme") or {}).items(), key=lambda kv: -int(kv[1]))[:3]
    if themes:
        if len({int(n) for _, n in themes}) == 1:
            said = f"{words_list(str(name) for name, _ in themes)} ({count(int(themes[0][1]), 'comment')}" + (
                " each)" if len(themes) > 1 else ")")
        else:
            said = words_list(f"{name} ({count(int(n), 'comment')})" for name, n in themes)
        blocks.append(Para(f"The most frequent {'theme was' if len(themes) == 1 else 'themes were'} {said}."))
    if events:
        people = sum(int(e.get("participants") or 0) for e in events)
        kinds: dict[str, int] = {}
        for e in events:
            kind = pf.lower_first(_text(e.get("format")) or "event")
            kinds[kind] = kinds.get(kind, 0) + 1
        blocks.append(Para(f"{count(len(events), 'engagement event')} reached {count(people, 'person', 'people')}: "
                           f"{words_list(pf.with_article(k) if n == 1 else count(n, k) for k, n in kinds.items())}."))
    answered = data.get("you_said_we_did") or []
    changed = _changes(content)
    if answered:
        blocks.append(Subheading("You said, we did"))
        if changed:
            blocks.append(Para(f"{len(changed):,} of the {count(len(answered), 'answered comment')} changed the "
                               f"strategy{':' if len(changed) <= MAX_CHANGES else f'; the first {MAX_CHANGES}:'}"))
            blocks += [Para(f"{_text(c.get('section'))}: {_text(c.get('response'))}", "bullet")
                       for c in changed[:MAX_CHANGES]]
            if len(changed) > MAX_CHANGES:
                blocks.append(Para(f"The board pack's Consultation sheet lists all {len(changed):,}, with the "
                                   "comments they answer."))
        else:
            blocks.append(Para(f"None of the {count(len(answered), 'answered comment')} changed the strategy."))
    return Section(title, tuple(blocks))


def _rate_levels(content: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The levels' rates the forecast ran on: the spec's, else the scenario's stored assumptions."""
    forecast = content.get("forecast") or {}
    return list((forecast.get("spec") or {}).get("levels") or (forecast.get("assumptions") or {}).get("levels") or [])


def _rates(content: Mapping[str, Any], name: str, *, skip_top: bool = False) -> tuple[float, float] | None:
    """The lowest and highest of a rate over the levels and, where it changes by year, the years."""
    values: list[float] = []
    levels = _rate_levels(content)
    for level in levels[1:] if skip_top else levels:
        value = level.get(name)
        values += [float(v) for v in (value if isinstance(value, list) else [value]) if isinstance(v, int | float)]
    return (min(values), max(values)) if values else None


def _yearly_leaver_words(content: Mapping[str, Any]) -> str | None:
    """How the leaver rates that change by year (model.md version 3) move, level by level; None if none do."""
    spec = (content.get("forecast") or {}).get("spec") or {}
    if "start_year" not in spec:
        return None
    names = pf.level_names(content)
    first_year = int(spec["start_year"]) + 1
    moving = [f"for {pf.lower_first(names.get(level['key'], level['key']))}, "
              f"{rate_words(level['leaver_rate'], first_year)}"
              for level in spec.get("levels") or [] if is_yearly(level.get("leaver_rate"))]
    if not moving:
        return None
    return f"The leaver rate changes from year to year at {count(len(moving), 'level')}: {'; '.join(moving)}."


def _range(rates: tuple[float, float]) -> str:
    low, high = rates
    return percent(low) if percent(low) == percent(high) else f"{percent(low)} to {percent(high)}"


def _risks(content: Mapping[str, Any]) -> Section:
    title = "Risks and uncertainty"
    blocks: list[Block] = []
    result = pf.result_of(content)
    names = pf.level_names(content)
    reads = pf.band_reads(content)
    if result is not None and reads:
        simulations = ((content.get("forecast") or {}).get("assumptions") or {}).get("simulations")
        blocks.append(Para(f"The forecast gives expected figures. To show how far whole people leaving and being "
                           f"appointed can move them, the scenario was also run as "
                           f"{count(int(simulations or 0), 'simulation')}. In 8 of every 10 simulations, external "
                           "appointments fall within these ranges:"))
        for key, level_reads in reads.items():
            first_read, *later = level_reads
            noun = "appointment" if first_read.high == 1 else "appointments"
            text = (f"{names.get(key, key)}: in 8 of 10 simulations, between {first_read.low:,} and "
                    f"{first_read.high:,} external {noun} to {pf.posts_of(names.get(key, key))} in {first_read.year} "
                    f"(expected {first_read.expected:,})")
            text += "".join(f", and between {r.low:,} and {r.high:,} in {r.year} (expected {r.expected:,})"
                            for r in later)
            blocks.append(Para(text + ".", "bullet"))
        below = [names.get(k, k) for k, rs in reads.items() if any(r.outside and r.expected < r.low for r in rs)]
        above = [names.get(k, k) for k, rs in reads.items() if any(r.outside and r.expected > r.high for r in rs)]
        if below:
            blocks.append(Para(
                f"For {words_list(pf.lower_first(n) for n in below)}, the expected figure lies below the range. The "
                "simulations move whole people: where a level's leaders are spread thinly over many areas, an area "
                "often has nobody ready to step up, so fewer posts are filled by promotion and more from outside "
                "than the expected figure suggests. Plans for recruitment should allow for the range, not the "
                "expected figure alone."))
        if above:
            blocks.append(Para(f"For {words_list(pf.lower_first(n) for n in above)}, the expected figure lies above "
                               "the range: in most simulations fewer external appointments are needed than expected."))
        blocks.append(Figure("bands"))
    elif result is not None:
        blocks.append(Para(f"{pf.capital(_scenario_phrase(content))} was not simulated, so this paper gives expected "
                           "figures without a range. Whole people leave and are appointed, so the numbers in any "
                           "year will differ from the expected figures; setting the scenario's number of "
                           "simulations would show by how much."))
    leavers, ready = _rates(content, "leaver_rate"), _rates(content, "ready_rate", skip_top=True)
    if result is not None and leavers:
        yearly = _yearly_leaver_words(content)
        blocks.append(Para(f"The forecast assumes that {_range(leavers)} of leaders leave each year, depending on the "
                           "level" + (" and the year" if yearly else "")
                           + (f", and that {_range(ready)} are ready to step up" if ready else "")
                           + ". Higher turnover than this would mean more appointments."
                           + (f" {yearly}" if yearly else "")))
        measured = [level["leaver_source"]["text"] for level in
                    ((content.get("forecast") or {}).get("assumptions") or {}).get("levels") or []
                    if level.get("leaver_source")]
        if measured:
            blocks.append(Para("The leaver rates are measured from the organisation's own records, not estimated: "
                               + "; ".join(measured) + ". They rise or fall year by year as each level's leaders "
                               "age towards retirement."))
    problems = [str(p) for p in (content.get("forecast") or {}).get("problems") or []]
    if problems:
        blocks.append(Para("Problems with the forecast: " + "; ".join(problems) + "."))
    targets = pf.target_reads(content)
    hard = [t for t in targets if t.verdict in ("unreachable", "wider")]
    if hard:
        blocks.append(Para("Diversity targets at risk: " + "; ".join(
            f"{t.group} at {t.level} by {t.target_year} "
            f"({'cannot be met' if t.verdict == 'unreachable' else 'needs a wider pool'})" for t in hard) + "."))
    unaddressed = (content.get("competencies") or {}).get("unaddressed") or []
    if unaddressed and (content.get("competencies") or {}).get("interventions"):
        blocks.append(Para(f"{count(len(unaddressed), 'competency gap')} {'is' if len(unaddressed) == 1 else 'are'} "
                           "not yet reached by the development plan."))
    red = pf.rag_counts(content)["red"]
    if red:
        total = len((content.get("objectives") or {}).get("rows") or [])
        blocks.append(Para(f"{red:,} of the {count(total, 'objective')} {'is' if red == 1 else 'are'} rated red."))
    if not blocks:
        blocks.append(Para("The planner has no figures yet from which to judge the risks."))
    return Section(title, tuple(blocks))


def _appendix(content: Mapping[str, Any]) -> Section:
    prepared = content.get("prepared") or {}
    scenario = pf.scenario_name(content)
    return Section("Appendix: the board pack (Excel workbook)", (
        Para("The board pack is the Excel workbook prepared from the same figures as this paper"
             + (f" (the {scenario} scenario)" if scenario else "") + f", on {long_date(prepared.get('on'))}. It "
             "holds every figure behind the paper: the structure and baseline by area; the forecast by level, year "
             "and area; every scenario; the uncertainty bands; representation, the WRES and WDES indicators and the "
             "diversity targets; competency gaps and the development plan; the self-assessment; the objectives; "
             "the consultation; the assumptions and method; and a live forecast sheet whose assumptions can be "
             "changed in Excel. Download it from the strategy's page in the planner, or with "
             "“planner export”."),
        Subheading("Notes on the figures"),
        Para("The forecast's figures are expected values from the planner's workforce model, which keeps "
             "fractions of people. This paper rounds them to whole people: a figure over the period is the sum of "
             "the model's yearly figures, rounded once, and a total over levels is rounded on its own, so a total "
             "may differ by one or two from the sum of the rounded figures above it. " + RULE_IN_WORDS),
        Para(_disclosure_words(content)),
    ))


def _disclosure_words(content: Mapping[str, Any]) -> str:
    """What the paper's audience sees of the diversity figures, and why (planner.diversity.disclosure)."""
    rule = from_content(content)
    if rule.exact:
        return (f"{rule.label}. This paper is for the board and its committees in private: its diversity figures "
                f"are exact, small numbers included, and it is marked {rule.marking}. The version for a public "
                "meeting withholds them.")
    public = [name for key, name in pf.level_names(content).items() if key in rule.public_levels]
    return (f"Diversity figures are suppressed as in every paper that may be published: counts from 1 to "
            f"{rule.threshold} people, and any figure from which one could be worked out, are withheld"
            + (f" (except at levels whose make-up is public anyway: {words_list(public)})" if public else "")
            + ", and nothing is worked out from a withheld count.")


def _lacking(content: Mapping[str, Any]) -> list[Section]:
    """What the strategy still lacks, in the words of the task list and the Approve step; none if nothing."""
    lacking = content.get("lacking") or []
    if not lacking:
        return []
    n = len(lacking)
    return [Section("What the strategy still lacks", (
        Para(f"The planner's completeness check finds {count(n, 'thing')} still to do before the strategy is "
             f"complete:"),
        *(Para(f"{item['step_name']}: {item['message']}.", "bullet") for item in lacking)))]


def sections(content: Mapping[str, Any]) -> list[Section]:
    """The paper after its cover sheet, section by section."""
    from planner.exports.paper_succession import succession_section  # it builds on this module's blocks

    sheet = cover(content)
    succession = succession_section(content)
    return [_purpose(content, sheet), _background(content), _forecast(content), *([succession] if succession else []),
            _diversity(content),
            _competencies(content), _objectives(content), _consultation(content), *_lacking(content), _risks(content),
            Section("Recommendation", tuple(Para(p.strip()) for p in sheet["recommendation"].split("\n") if p.strip())),
            _appendix(content)]
