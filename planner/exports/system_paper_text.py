"""The system paper's words: its cover and sections as paragraphs and tables, written from the system's
content (planner.services.system_pack.gather) and the tables the system pack prints
(planner.exports.system_tables), so the paper and the pack state the same figures. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.dates import long_date
from planner.exports import system_tables as st
from planner.exports.paper_blocks import NOT_SET, Figure, Para, Section, Subheading, Table
from planner.exports.paper_figures import capital, count, lower_first, percent, posts_of, words_list
from planner.exports.rounding import whole
from planner.exports.system_paper_charts import APPOINTMENTS, DEMAND

MOST_LACKING = 40  # items listed in a table; beyond that the bullets summarise and the pack lists them
MOST_GAPS = 10  # competency gaps printed; the pack has every one
TEXT_WIDTH = 17.0  # centimetres: A4 less two 2 cm margins
FIGURE_CM = 1.3  # the least width of a column of figures
SHORT_TEXT = 14  # characters: a date, a level's name or a rating is kept on one line
CHAR_CM, BOLD_CHAR_CM, PADDING_CM = 0.2, 0.23, 0.45  # a character of 10 pt Arial, of its bold, a cell's padding
PURPOSE = "information"  # the Board is asked to note the members' plans and agree the system's support


def cell(value: Any, kind: str) -> str:
    """A table value as the paper prints it: people with thousands separators, shares as percentages."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if kind == "percent":
        return percent(float(value))
    if kind == "ratio":
        return f"{float(value):.2f}"
    if kind in ("year", "step"):
        return str(value)
    return f"{whole(float(value)):,}"


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=1)


def widths(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], numeric: tuple[bool, ...]) -> tuple[float, ...]:
    """Column widths in centimetres across the text width: each at least its longest word (so no word is
    broken) and its short entries whole, a figure's no wider, and text columns sharing what is left by the
    length of their entries."""
    least = [max(_longest_word(h) * BOLD_CHAR_CM, FIGURE_CM * n,
                 *(max(_longest_word(r[i]), min(len(r[i]), SHORT_TEXT)) * CHAR_CM for r in rows))
             + PADDING_CM for i, (h, n) in enumerate(zip(header, numeric, strict=True))]
    spare = TEXT_WIDTH - sum(least)
    if spare <= 0:
        return tuple(width * TEXT_WIDTH / sum(least) for width in least)
    wants = [0.0 if n else max([len(r[i]) for r in rows] + [len(header[i])]) * CHAR_CM + PADDING_CM - least[i]
             for i, n in enumerate(numeric)]
    total = sum(wants)
    if total <= 0:
        return tuple(width + spare / len(least) for width in least)
    return tuple(width + spare * want / total for width, want in zip(least, wants, strict=True))


def table(grid: st.Grid, *, rows: int | None = None, notes: tuple[str, ...] = (), total_last: bool = False,
          leave_out: tuple[str, ...] = ()) -> Table:
    """A pack table as a paper table: its first `rows` rows where given, without the columns `leave_out` names."""
    keep = [i for i, (heading, _k) in enumerate(grid.columns) if heading not in leave_out]
    kinds = [grid.columns[i][1] for i in keep]
    body = grid.rows if rows is None else grid.rows[:rows]
    header = tuple(grid.columns[i][0] for i in keep)
    cells = tuple(tuple(cell(row[i], kind) for i, kind in zip(keep, kinds, strict=True)) for row in body)
    numeric = tuple(k != "text" for k in kinds)
    return Table(grid.caption, header, cells, numeric, notes or grid.notes, total_last=total_last,
                 widths=widths(header, cells, numeric))


def paper_title(content: Mapping[str, Any]) -> str:
    """The paper's title."""
    return f"Collective leadership across {content['system']['name']}"


def _span(content: Mapping[str, Any]) -> str:
    years = st.years_of(content)
    return f"{years[0]} to {years[-1]}" if years else "no years"


def _sharing(content: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [m for m in content["members"] if m["status"] == "member" and m["shares"]]


def headline(content: Mapping[str, Any]) -> str:
    """The system's forecast in one sentence, from the figures."""
    totals = content["forecast"]["totals"]
    years = st.years_of(content)
    aligned = [m for m in content["forecast"]["members"] if m["in_system_totals"]]
    if not totals or not years:
        return "The members' shared versions hold no forecast years to add up."
    start = sum(float(t["start"]) for t in totals if int(t["year"]) == years[0])
    demand = sum(float(t["demand"]) for t in totals if int(t["year"]) == years[-1])
    external = sum(float(t["external_appointments"]) for t in totals)
    internal = sum(float(t["internal_fills"]) for t in totals)
    return (f"Across the {count(len(aligned), 'member')} on the system's years, the plans need "
            f"{count(whole(demand), 'leader')} in post by {years[-1]} (from {whole(start):,} at the start of "
            f"{years[0]}): {count(whole(external), 'external appointment')} and "
            f"{count(whole(internal), 'internal promotion')} over {years[0]} to {years[-1]}.")


def recommendation(content: Mapping[str, Any]) -> str:
    """What the Board is asked to do, from the figures."""
    lacking = sum(1 for m in content["lacking"] if m["items"])
    support = (f", and to agree how the system will support the {count(lacking, 'member')} whose strategies still "
               "lack parts" if lacking else "")
    return (f"The Board is asked to note the leadership strategies its members share and the system's forecast of "
            f"leaders for {_span(content)}{support}.")


def cover_rows(content: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The cover sheet's label and value pairs (Purpose is drawn with its boxes)."""
    prepared = content["prepared"]
    return [
        ("Meeting", NOT_SET), ("Date of meeting", NOT_SET), ("Agenda item", NOT_SET), ("Part", "Part 1 (public)"),
        ("Title of paper", paper_title(content)), ("Purpose", PURPOSE), ("Executive lead", NOT_SET),
        ("Prepared by", prepared["by"] or "Not recorded"), ("Date prepared", long_date(prepared["on"])),
        ("Recommendation", recommendation(content)),
        ("Executive summary", " ".join((_members_sentence(content), headline(content)))),
        ("Protective marking", prepared["marking"]),
    ]


def _members_sentence(content: Mapping[str, Any]) -> str:
    members = [m for m in content["members"] if m["status"] == "member"]
    invited = len(content["members"]) - len(members)
    sharing = _sharing(content)
    text = (f"{content['system']['name']} has {count(len(members), 'member')}, of which "
            f"{len(sharing):,} share{'s' if len(sharing) == 1 else ''} an approved version of a leadership strategy "
            "with the system")
    return text + (f"; {count(invited, 'trust')} {'has' if invited == 1 else 'have'} been invited." if invited
                   else ".")


def _purpose(content: Mapping[str, Any]) -> Section:
    return Section("Purpose", (
        Para(f"This paper brings together the collective leadership strategies that the members of "
             f"{content['system']['name']} share with it: how many leaders each level needs across the system, "
             "each member's part in that, and what each member's strategy still lacks."),
        Para(recommendation(content)),
    ))


def _background(content: Mapping[str, Any]) -> Section:
    blocks: list[Any] = [
        Para(_members_sentence(content)),
        Para("Each member's board approves its strategy; its administrator then chooses one approved version, and "
             "one scenario frozen in it, to share. The system sees only that frozen version, never a draft, and "
             "every read of it (this paper's included) is recorded in the member's audit trail."),
        table(st.members_grid(content)),
    ]
    return Section("Background: the members and what each shares", tuple(blocks))


def _forecast(content: Mapping[str, Any]) -> Section:
    forecast = content["forecast"]
    names = st.level_names(content)
    blocks: list[Any] = [Para(headline(content))]
    by_level: dict[str, float] = {}
    for t in forecast["totals"]:
        name = names.get(t["level"], t["level"])
        by_level[name] = by_level.get(name, 0.0) + float(t["external_appointments"])
    if by_level:
        level = max(by_level, key=lambda name: by_level[name])
        blocks.append(Para(f"Most of the external appointments are to {posts_of(level)}: "
                           f"{whole(by_level[level]):,} of {whole(sum(by_level.values())):,} over {_span(content)}."))
    summary = st.summary_grid(content)
    blocks += [table(summary, total_last=True), Figure(DEMAND), Figure(APPOINTMENTS)]
    blocks += [Para(note, "note") for note in forecast["notes"]]
    blocks += [Subheading("Each member's contribution"),
               Para("Each member's external appointments over the period, level by level; the system pack has each "
                    "member's leaders in post and internal fills too."),
               table(st.appointments_grid(content), total_last=True),
               Subheading("Year by year"),
               Para("The system's flows for each level and year, in whole people rounded along each row so that "
                    "it adds up: in post at the start, less leavers and those promoted out, plus internal fills "
                    "and external appointments, is in post at the end."),
               table(st.forecast_grid(content))]
    return Section("How many leaders the system needs", tuple(blocks))


def _diversity(diversity: Mapping[str, Any]) -> Section:
    counted = [m["name"] for m in diversity["members"] if m["included"]]
    blocks: list[Any] = [Para(
        f"Representation is counted over {count(len(counted), 'member')} ({words_list(counted)}). Counts from 1 to "
        f"{diversity['threshold']} people, and any figure from which one could be worked out, are withheld (*), "
        "as in each member's own published papers. The tables give each group's share of the people at a level; "
        "the counts are in the system pack's Diversity sheet.")]
    blocks += [Para(note, "note") for note in diversity["notes"]]
    blocks += [table(grid) for grid in st.diversity_grids(diversity, shares_only=True)[:-1]]
    combined, targets = st.targets_grids(diversity)
    if combined.rows:
        blocks += [Subheading("Targets"), table(combined)]
    if targets.rows:
        blocks.append(table(targets))
    return Section("Diversity of the system's leaders", tuple(blocks))


def _capability(capability: Mapping[str, Any]) -> Section:
    members, survey, gaps = st.capability_grids(capability)
    pooled = capability["survey"]
    blocks: list[Any] = [Para(
        f"The members' self-assessment results are pooled only where each member has enough responses: "
        f"{'they are pooled here' if pooled['pooled'] else 'they are not pooled here'} "
        f"({count(pooled['responses'], 'response')}).")]
    blocks += [table(survey), table(members), Subheading("Competency gaps")]
    largest = [r for r in gaps.rows if r[4] != st.WITHHELD][:3]
    if largest:
        blocks.append(Para("The largest gaps: " + words_list(
            f"{lower_first(r[1])} at "
            f"{lower_first(r[0])} ({cell(r[4], 'percent')} below the level required)" for r in largest) + "."))
    more = (f"The {MOST_GAPS} largest of {len(gaps.rows):,}; the system pack has every one.",) if len(
        gaps.rows) > MOST_GAPS else ()
    blocks.append(table(gaps, rows=MOST_GAPS, notes=(*gaps.notes, *more)))
    return Section("Leadership skills across the system", tuple(blocks))


def _objectives(objectives: Mapping[str, Any]) -> Section:
    grid = st.objectives_grid(objectives)
    items = objectives["objectives"]
    rated = {rag: sum(1 for o in items if o["rag"] == rag) for rag in ("red", "amber", "green")}
    words = [count(n, f"{rag}") for rag, n in rated.items() if n]
    unrated = sum(1 for o in items if o["rag"] is None)
    blocks: list[Any] = [Para(
        f"The system has {count(len(items), 'partnership objective')}"
        + (f": {words_list(words)} as rated by its members' linked objectives" if words else "")
        + (f"; {count(unrated, 'objective')} {'has' if unrated == 1 else 'have'} no rating yet" if unrated else "")
        + ".")]
    blocks.append(table(grid))
    return Section("Partnership objectives", tuple(blocks))


def _lacking(content: Mapping[str, Any]) -> Section:
    blocks: list[Any] = [Para("As each member's board approved the version it shares, the completeness check found "
                              "these parts missing: where the system might support the member.")]
    for member in content["lacking"]:
        items = member["items"]
        steps = list(dict.fromkeys(item["step"] for item in items))
        blocks.append(Para(f"{member['name']}: " + (f"{count(len(items), 'item')} at {words_list(steps)}."
                                                     if items else "nothing; every step is complete."), "bullet"))
    grid = st.lacking_grid(content)
    if len(grid.rows) <= MOST_LACKING:
        blocks.append(table(grid, leave_out=("Strategy", "Version")))
    else:
        blocks.append(Para(f"The system pack's Still lacking sheet lists all {len(grid.rows):,} items in the words "
                           "of each member's own task list."))
    return Section("What members still lack", tuple(blocks))


def sections(content: Mapping[str, Any]) -> list[Section]:
    """The paper's sections in order; diversity, skills and objectives only where the content has them."""
    out = [_purpose(content), _background(content), _forecast(content)]
    if content.get("diversity"):
        out.append(_diversity(content["diversity"]))
    if content.get("capability"):
        out.append(_capability(content["capability"]))
    if content.get("objectives"):
        out.append(_objectives(content["objectives"]))
    out.append(_lacking(content))
    out.append(Section("Recommendation", (Para(recommendation(content)),)))
    out.append(Section("Appendix: the system pack (Excel workbook)", (
        Para(f"The system pack (`planner export --system {content['system']['slug']}`) holds every table of this "
             "paper in full, with the members' forecasts year by year and native charts."),
        Para(capital("figures are rounded to whole people by one rule: a year's flows along their running totals "
                     "so each row adds up, sums over years and members on their own; totals may therefore not equal "
                     "the sum of their parts.")),
    )))
    return out
