"""The people sheets of the board pack: diversity, competencies, self-assessment, objectives and the
gaps no objective owns.

Each writer takes the pack's content (planner.services.board_pack.pack_content) and nothing else,
and writes its sheets through Book, so user text is always text and numbers keep their unrounded
values (only the number format rounds them).

Laid out for print on A4 landscape at no less than Book's smallest scale: every column has a width
planned for its sheet (PAGE_WIDTH in all), long text wraps and its row is made tall enough, charts
sit in column A under the tables they draw, and a table that may run over pages heads a sheet of its
own, its header repeated on every printed page. So a writer's content is split over sheets that
follow one another.

Diversity figures are used as the content holds them, already disclosed for the pack's audience by
the one rule (planner.diversity.disclosure, carried in the content): a withheld count is written as
"*", and so is every share of one. As a second guard, the rule's primary test is applied here again
(published: a count from 1 to the threshold, except at a public level), and content marked as
unsuppressed but not for an internal audience is refused. A target whose starting count is withheld
shows the reason instead of its figures; no target shows projected counts of the group.

One module per group of sheets (diversity, competencies with self-assessment, objectives with the unowned
gaps), sharing the layout helpers of planner.exports.people_sheets.layout."""

from planner.exports.people_sheets.competencies import write_competencies, write_self_assessment
from planner.exports.people_sheets.diversity import write_diversity
from planner.exports.people_sheets.layout import (
    COMPETENCIES,
    COMPETENCY_GAPS,
    COMPETENCY_PLAN,
    DIVERSITY,
    DIVERSITY_TARGETS,
    HEATMAP,
    INDICATORS,
    OBJECTIVES,
    OBJECTIVES_BY_RAG,
    PAGE_WIDTH,
    SELF_ASSESSMENT,
    SMART_CHECK,
    STATEMENTS,
    UNOWNED,
    UNPLANNED,
    WITHHELD,
    fit_rows,
    wrapped_lines,
)
from planner.exports.people_sheets.objectives import write_objectives, write_unowned

__all__ = [
    "COMPETENCIES",
    "COMPETENCY_GAPS",
    "COMPETENCY_PLAN",
    "DIVERSITY",
    "DIVERSITY_TARGETS",
    "HEATMAP",
    "INDICATORS",
    "OBJECTIVES",
    "OBJECTIVES_BY_RAG",
    "PAGE_WIDTH",
    "SELF_ASSESSMENT",
    "SMART_CHECK",
    "STATEMENTS",
    "UNOWNED",
    "UNPLANNED",
    "WITHHELD",
    "fit_rows",
    "wrapped_lines",
    "write_competencies",
    "write_diversity",
    "write_objectives",
    "write_self_assessment",
    "write_unowned",
]
