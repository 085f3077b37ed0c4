"""The board paper's sections about people: diversity (with the board's make-up), competencies,
objectives and the consultation."""

from __future__ import annotations

from collections.abc import Mapping
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
from planner.exports.paper_blocks import MAX_CHANGES, WITHHELD_NOTE, Block, Figure, Para, Section, Subheading, Table
from planner.exports.paper_board_terms import board_terms_blocks
from planner.exports.paper_cover import changes_made, gap_phrase, one_line, scenario_phrase, verdict_summary
from planner.exports.paper_figures import count, money, percent, words_list


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


def diversity_section(content: Mapping[str, Any]) -> Section:
    title = "Diversity of our leaders"
    reads = pf.target_reads(content)
    board: list[Block] = list(board_words(content))
    if board:
        board.insert(0, Para("The board itself, as the Workforce Race and Disability Equality Standards measure it:"))
    board += board_terms_blocks(content)
    if not reads:
        return Section(title, (*board, Para("No diversity targets are set yet, so this paper says nothing of what "
                                            "recruitment would need to change.")))
    scenario = scenario_phrase(content)
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


def competencies_section(content: Mapping[str, Any]) -> Section:
    title = "Leadership skills and development"
    gaps = pf.largest_gaps(content, 5)
    names, levels = pf.competency_names(content), pf.level_names(content)
    blocks: list[Block] = []
    if gaps:
        top = gaps[0]
        found = (f"{gap_phrase(content, top)}: {int(top['below_required']):,} of the "
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
                f"{words_list(one_line(i.get('name')) for i in interventions)}.")
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
                           f"reached by any intervention in the plan; the largest is {gap_phrase(content, top)} "
                           f"({count(int(top.get('below_required') or 0), 'leader')} below the required step)."))
    return Section(title, tuple(blocks))


def objectives_section(content: Mapping[str, Any]) -> Section:
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
                detail.append(f"owner: {one_line(r['owner'])}")
            if r.get("due"):
                detail.append(f"due {long_date(r['due'])}")
            blocks.append(Para(f"{one_line(r.get('ref'))} {one_line(r.get('title'))} ({'; '.join(detail)})", "bullet"))
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


def consultation_section(content: Mapping[str, Any]) -> Section:
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
            f"The consultation “{one_line(c.get('title'))}” ran from {long_date(c.get('opens_on'))} to "
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
            kind = pf.lower_first(one_line(e.get("format")) or "event")
            kinds[kind] = kinds.get(kind, 0) + 1
        blocks.append(Para(f"{count(len(events), 'engagement event')} reached {count(people, 'person', 'people')}: "
                           f"{words_list(pf.with_article(k) if n == 1 else count(n, k) for k, n in kinds.items())}."))
    answered = data.get("you_said_we_did") or []
    changed = changes_made(content)
    if answered:
        blocks.append(Subheading("You said, we did"))
        if changed:
            blocks.append(Para(f"{len(changed):,} of the {count(len(answered), 'answered comment')} changed the "
                               f"strategy{':' if len(changed) <= MAX_CHANGES else f'; the first {MAX_CHANGES}:'}"))
            blocks += [Para(f"{one_line(c.get('section'))}: {one_line(c.get('response'))}", "bullet")
                       for c in changed[:MAX_CHANGES]]
            if len(changed) > MAX_CHANGES:
                blocks.append(Para(f"The board pack's Consultation sheet lists all {len(changed):,}, with the "
                                   "comments they answer."))
        else:
            blocks.append(Para(f"None of the {count(len(answered), 'answered comment')} changed the strategy."))
    return Section(title, tuple(blocks))
