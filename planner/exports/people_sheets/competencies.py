"""The Competencies sheets (the steps each level needs, the gaps, the plan) and the Self-assessment
sheets of the board pack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.exports.book import Book, Column
from planner.exports.content import PackContent
from planner.exports.people_sheets.layout import (
    COMPETENCIES,
    COMPETENCY_GAPS,
    COMPETENCY_PLAN,
    FIGURE_WIDTH,
    HEATMAP,
    PAGE_WIDTH,
    SELF_ASSESSMENT,
    STATEMENTS,
    SURVEY_FIGURE,
    SURVEY_TEXT,
    UNPLANNED,
    capitalised,
    cell_text,
    fit_rows,
    level_names_of,
    start_sheet,
    write_table,
)

WITHHELD_GROUP_REASON = ("Fewer than five responses, or showing it would let a smaller group's answers be worked "
                         "out from the totals. Its answers still count in the figures above.")
HEATMAP_LOW, HEATMAP_HIGH = "FFFFFF", "F8696B"  # white (nobody below) to red (everyone below)


# --- 2. Competencies ------------------------------------------------------------------------------


def competency_names(competencies: Mapping[str, Any]) -> dict[str, str]:
    return {str(c["key"]): cell_text(c.get("name"), str(c["key"])) for c in competencies.get("competencies") or []}


def write_competencies(book: Book, content: PackContent) -> None:
    """Sheets "Competencies": the step each level needs in each competency; "Competency heatmap": the
    share of assessed leaders below it; "Competency gaps": the gaps, largest first; "Competency plan":
    the development plan with its cost; and "Unplanned competency gaps": the gaps the plan does not
    reach."""
    competencies: Mapping[str, Any] = content.get("competencies") or {}
    levels = level_names_of(content)
    comp_names = competency_names(competencies)
    frameworks = {str(c["key"]): c.get("framework") for c in competencies.get("competencies") or []}
    rows: Sequence[Mapping[str, Any]] = competencies.get("competencies") or []

    def competency(key: Any) -> str:
        return comp_names.get(str(key), str(key))

    def level(key: Any) -> str:
        return levels.get(str(key), str(key))

    # Each competency's framework, domain and name share what a column of figures for each level leaves.
    text = max(PAGE_WIDTH - FIGURE_WIDTH * len(levels), 66)
    named = [Column("Framework", width=round(text * 0.37)), Column("Domain", width=round(text * 0.33)),
             Column("Competency", width=text - round(text * 0.37) - round(text * 0.33))]
    ws = start_sheet(book, COMPETENCIES, "Leadership competencies",
                     "The step each level needs in each competency. How many leaders are below it, and the "
                     "development plan that will close the gaps, are on the sheets that follow.")
    row = book.heading(ws, 3, "Required step by competency and level")
    row = write_table(book, ws, row, [*named, *[Column(name, "step", FIGURE_WIDTH) for name in levels.values()]],
                      [[c.get("framework"), c.get("domain"), competency(c["key"]),
                   *[(c.get("required") or {}).get(key) for key in levels]] for c in rows], long=True)
    book.note(ws, row - 1, "A blank means the level has no required step in that competency.")
    fit_rows(ws)

    gaps: Sequence[Mapping[str, Any]] = competencies.get("gaps") or []
    share_below = {(str(g["competency"]), str(g["level"])): g.get("share_below") for g in gaps}
    ws = start_sheet(book, HEATMAP, "Where leaders fall short",
                     "The share of assessed leaders at each level below the step required in each competency.")
    header = book.heading(ws, 3, "Share of assessed leaders below the required step")
    row = write_table(book, ws, header, [*named, *[Column(name, "percent", FIGURE_WIDTH) for name in levels.values()]],
                      [[c.get("framework"), c.get("domain"), competency(c["key"]),
                   *[share_below.get((str(c["key"]), key)) for key in levels]] for c in rows], long=True)
    if rows and levels:
        cells = f"D{header + 1}:{get_column_letter(3 + len(levels))}{header + len(rows)}"
        ws.conditional_formatting.add(cells, ColorScaleRule(
            start_type="num", start_value=0, start_color=HEATMAP_LOW,
            end_type="num", end_value=1, end_color=HEATMAP_HIGH))
    book.note(ws, row - 1, "White: every assessed leader meets the step; red: none does. A blank means "
                           "nobody at that level has been assessed, or no step is required.")
    fit_rows(ws)

    listed = sorted((g for g in gaps if (g.get("below_required") or 0) > 0),
                    key=lambda g: (g.get("share_below") is None, -(g.get("share_below") or 0.0)))
    ws = start_sheet(book, COMPETENCY_GAPS, "Competency gaps, largest first",
                     "Each competency and level where assessed leaders are below the required step, the largest "
                     "share first.")
    row = book.heading(ws, 3, "Gaps, largest first")
    if listed:
        write_table(book, ws, row, [
            Column("Framework", width=30), Column("Level", width=20), Column("Competency", width=40),
            Column("Required step", "step", FIGURE_WIDTH), Column("Leaders assessed", "people", FIGURE_WIDTH),
            Column("Leaders below the step", "people", FIGURE_WIDTH), Column("Share below", "percent", FIGURE_WIDTH),
        ], [[frameworks.get(str(g["competency"])), level(g["level"]), competency(g["competency"]), g.get("required"),
             g.get("assessed"), g.get("below_required"), g.get("share_below")] for g in listed], long=True)
    else:
        book.note(ws, row, "Every assessed leader meets the required step.")
    fit_rows(ws)

    ws = start_sheet(book, COMPETENCY_PLAN, "Competency development plan",
                     "The interventions that will close the gaps and what they cost each year. The gaps no "
                     "intervention reaches yet are on the next sheet.")
    row = book.heading(ws, 3, "Development plan")
    interventions: Sequence[Mapping[str, Any]] = competencies.get("interventions") or []
    if interventions:
        row = write_table(book, ws, row, [
            Column("Intervention", width=36), Column("Kind", width=18), Column("Years", width=14),
            Column("Places each year", "people", FIGURE_WIDTH), Column("Cost per place", "money", FIGURE_WIDTH),
            Column("Cost each year it runs", "money", FIGURE_WIDTH),
            Column("Competency and level pairs it develops", "people", 14),
        ], [[i.get("name"), capitalised(i.get("kind")), _years(i.get("first_year"), i.get("last_year")),
             i.get("places_per_year"), i.get("cost_per_place"),
             (i.get("places_per_year") or 0) * (i.get("cost_per_place") or 0), i.get("develops")]
            for i in interventions])
    else:
        row = book.note(ws, row, "There are no interventions in the plan yet.") + 1
    cost: Sequence[Mapping[str, Any]] = competencies.get("cost") or []
    if cost:
        row = book.heading(ws, row, "Cost of the plan by year")
        cost_rows: list[list[Any]] = [[c.get("year"), c.get("cost")] for c in cost]
        cost_rows.append(["Total", sum(c.get("cost") or 0 for c in cost)])
        row = write_table(book, ws, row, [Column("Year", "year"), Column("Cost", "money", FIGURE_WIDTH)], cost_rows)
        book.style(ws.cell(row=row - 2, column=1), "Pack label")  # the total row ("Total": not user text)
        ws.cell(row=row - 2, column=1).alignment = Alignment(horizontal="right", vertical="top")
    fit_rows(ws)

    unaddressed: Sequence[Mapping[str, Any]] = competencies.get("unaddressed") or []
    ws = start_sheet(book, UNPLANNED, "Gaps the plan does not reach",
                     "The competencies and levels where leaders are below the required step and no intervention "
                     "develops them yet." if unaddressed else "The plan reaches every gap.")
    row = book.heading(ws, 3, "Gaps the plan does not reach")
    if unaddressed:
        write_table(book, ws, row, [Column("Framework", width=36), Column("Level", width=20),
                                    Column("Competency", width=46),
                                    Column("Leaders below the step", "people", FIGURE_WIDTH)],
                    [[frameworks.get(str(g["competency"])), level(g["level"]), competency(g["competency"]),
                      g.get("below_required")] for g in unaddressed], long=True)
    else:
        book.note(ws, row, "The plan reaches every gap.")
    fit_rows(ws)


def _years(first: Any, last: Any) -> str | None:
    if first is None and last is None:
        return None
    if first == last or last is None:
        return str(first)
    return f"{first} to {last}"


# --- 3. Self-assessment ---------------------------------------------------------------------------


def _survey_results(book: Book, ws: Worksheet, row: int, survey: Mapping[str, Any]) -> int:
    dimensions: Sequence[Mapping[str, Any]] = survey.get("dimensions") or []
    row = book.heading(ws, row, "Scores by dimension", "Pack label")
    row = write_table(book, ws, row, [
        Column("Dimension"), Column("Mean (1 to 5)", "number", SURVEY_FIGURE),
        Column("Standard deviation", "number", SURVEY_FIGURE), Column("Share agreeing", "percent", SURVEY_FIGURE),
        Column("Answers", "people", SURVEY_FIGURE),
    ], [[d.get("name", d.get("key")), d.get("mean"), d.get("sd"), d.get("share_agree"), d.get("n")]
        for d in dimensions], widest=SURVEY_TEXT)
    groups: Sequence[Mapping[str, Any]] = survey.get("groups") or []
    comparison = cell_text(survey.get("comparison_group"), "the comparison group")
    if groups:
        row = book.heading(ws, row, "Mean score by group (1 to 5)", "Pack label")
        by_dimension = [Column(cell_text(d.get("name"), cell_text(d.get("key"))), "number", SURVEY_FIGURE)
                        for d in dimensions]
        row = write_table(book, ws, row, [Column("Group"), Column("Responses", "people", SURVEY_FIGURE), *by_dimension],
                          [[g.get("group"), g.get("responses"),
                            *[(g.get("dimensions") or {}).get(d.get("key")) for d in dimensions]] for g in groups],
                          widest=SURVEY_TEXT)
        row = book.heading(ws, row, f"Difference from {comparison} (points on the 1 to 5 scale; above 0 is "
                                    f"more positive)", "Pack label")
        row = write_table(book, ws, row, [Column("Group"), Column("Responses", "people", SURVEY_FIGURE), *by_dimension],
                          [[g.get("group"), g.get("responses"),
                            *[(g.get("gaps") or {}).get(d.get("key")) for d in dimensions]] for g in groups],
                          widest=SURVEY_TEXT)
    withheld: Sequence[Any] = survey.get("withheld_groups") or []
    if withheld:
        row = book.heading(ws, row, "Groups not shown on their own", "Pack label")
        row = write_table(book, ws, row, [Column("Group")], [[name] for name in withheld], widest=SURVEY_TEXT)
        row = book.note(ws, row - 1, WITHHELD_GROUP_REASON) + 1  # why, under the groups it is true of
    return row


def _statement_rows(surveys: Sequence[Mapping[str, Any]], named: bool) -> list[list[Any]]:
    """Each survey's statements, most disagreement (largest standard deviation) first, with the
    survey's name first where more than one survey is shown."""
    rows: list[list[Any]] = []
    for survey in surveys:
        items = sorted(survey.get("items") or [], key=lambda i: (i.get("sd") is None, -(i.get("sd") or 0.0)))
        for i in items:
            rows.append([*([survey.get("name")] if named else []), i.get("text", i.get("key")), i.get("mean"),
                         i.get("sd"), i.get("share_agree"), i.get("n")])
    return rows


def write_self_assessment(book: Book, content: PackContent) -> None:
    """Sheets "Self-assessment": each survey's responses and, with enough of them, its scores by
    dimension and its groups against the comparison group; and "Self-assessment statements": every
    statement's scores, most disagreement first."""
    surveys: Sequence[Mapping[str, Any]] = content.get("self_assessment") or []
    ws = start_sheet(book, SELF_ASSESSMENT, "Collective leadership self-assessment",
                     "What leaders, staff and partners said in each self-assessment survey, by dimension and group; "
                     "results are shown only once five people have answered.")
    row = book.heading(ws, 3, "Surveys")
    row = write_table(book, ws, row, [Column("Survey"), Column("Status", width=SURVEY_FIGURE),
                                      Column("Responses", "people", SURVEY_FIGURE),
                                      Column("Results shown", width=SURVEY_FIGURE)],
                      [[s.get("name"), capitalised(s.get("status")), s.get("responses"), bool(s.get("enough"))]
                       for s in surveys], autofilter=True, widest=SURVEY_TEXT)
    if not surveys:
        book.note(ws, row, "There are no self-assessment surveys yet.")
    for survey in surveys:
        row = book.heading(ws, row, cell_text(survey.get("name"), "Survey"))
        row = book.note(ws, row, f"{capitalised(survey.get('status'))}: {survey.get('responses') or 0} responses.")
        if not survey.get("enough"):
            row = book.note(ws, row, "Results are withheld until five people have answered, so that no one's "
                                     "answers can be picked out.") + 1
            continue
        row = book.note(ws, row, f"Its statements are on the {STATEMENTS} sheet.")
        row = _survey_results(book, ws, row + 1, survey)
    fit_rows(ws)

    shown = [s for s in surveys if s.get("enough")]
    named = len(shown) > 1
    ws = start_sheet(book, STATEMENTS, "Self-assessment statements",
                     "How far people agreed with each statement, most disagreement (the largest standard deviation) "
                     "first" + ("." if named or not shown else f": {cell_text(shown[0].get('name'), 'the survey')}."))
    row = book.heading(ws, 3, "Statements, most disagreement first (largest standard deviation)")
    if shown:
        write_table(book, ws, row, [
            *([Column("Survey", width=26)] if named else []), Column("Statement", width=60 if named else 80),
            Column("Mean (1 to 5)", "number", SURVEY_FIGURE), Column("Standard deviation", "number", SURVEY_FIGURE),
            Column("Share agreeing", "percent", SURVEY_FIGURE), Column("Answers", "people", SURVEY_FIGURE),
        ], _statement_rows(shown, named), long=True)
    else:
        book.note(ws, row, "No survey has enough answers to show its statements yet.")
    fit_rows(ws)
