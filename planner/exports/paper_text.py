"""The words of the board paper, written from the figures of the pack's content.

No sentence here is fixed where a figure could contradict it: each states what the content holds
(planner.exports.paper_figures works the numbers out once, in whole people), and switches its words
with them ("the fewest", "cannot be met", "was not simulated"). The paper is a list of sections of
blocks (paragraphs, bullets, tables, figures); planner.exports.paper lays them out in Word.
Diversity figures are the content's, as the one disclosure rule gave them for the paper's audience
(planner.diversity.disclosure): a withheld count is never printed, nor anything worked out from a
target's withheld starting count; exact counts only in a paper for the board in private, labelled.
Pure: content in, words out. The sections are written in planner.exports.paper_forecast and
planner.exports.paper_people, the cover sheet and shared sentences in planner.exports.paper_cover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.dates import long_date
from planner.diversity.disclosure import from_content
from planner.exports import paper_figures as pf
from planner.exports.paper_blocks import COVER_NOT_SET, Block, Figure, Para, Section, Subheading, Table
from planner.exports.paper_cover import cover, cover_rows, one_line, plan_sentence, scenario_phrase
from planner.exports.paper_figures import count, words_list
from planner.exports.paper_forecast import forecast_section, risks_section
from planner.exports.paper_people import (
    competencies_section,
    consultation_section,
    diversity_section,
    objectives_section,
)
from planner.exports.paper_succession import succession_section
from planner.exports.rounding import RULE_IN_WORDS

__all__ = ["COVER_NOT_SET", "Block", "Figure", "Para", "Section", "Subheading", "Table", "cover", "cover_rows",
           "paper_title", "sections"]


# --- the sections ---------------------------------------------------------------------------------


def paper_title(content: Mapping[str, Any]) -> str:
    """The paper's title: the strategy's."""
    return str(content["strategy"]["title"])


def _covers(content: Mapping[str, Any]) -> list[str]:
    """What the strategy sets out, from what the content holds."""
    out = []
    if pf.result_of(content) is not None:
        first, last = pf.period(content)
        out.append(f"the leaders needed from {pf.years_text(first, last)} on {scenario_phrase(content)}")
    targets = len(pf.target_reads(content))
    if targets:
        out.append(f"{count(targets, 'diversity target')} and what {'it requires' if targets == 1 else 'they require'}")
    if pf.largest_gaps(content, 1) or plan_sentence(content):
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
        blocks.append(Para(f"Its vision: “{one_line(strategy['vision'])}”"))
    if strategy.get("mission"):
        blocks.append(Para(f"Its mission: “{one_line(strategy['mission'])}”"))
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
                           + (f" {one_line(approval['notes'])}" if approval.get("notes") else "")))
    elif status.get("version"):
        blocks.append(Para(f"Status: {status['version']}."))
    return Section("Background", tuple(blocks))


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
    sheet = cover(content)
    succession = succession_section(content)
    return [_purpose(content, sheet), _background(content), forecast_section(content),
            *([succession] if succession else []), diversity_section(content), competencies_section(content),
            objectives_section(content), consultation_section(content), *_lacking(content), risks_section(content),
            Section("Recommendation", tuple(Para(p.strip()) for p in sheet["recommendation"].split("\n") if p.strip())),
            _appendix(content)]
