"""The Diversity step: representation by level against the workforce and the community, the
WRES-style indicators, and targets solved with model.md's trajectory solver. Every count passes
through the one disclosure rule (planner.diversity.disclosure) for its audience before anyone sees
it: published (suppressed, except at public levels, and nothing derived from a withheld count)
unless the caller may see exact figures and asked to (internal).

representation holds the queries, operations the changes, targets the solved targets, successors the
succession register's pool diversity they default to, and reports the plain data for the API and pack."""

from __future__ import annotations

from planner.services.diversity.operations import (
    delete_target,
    save_benchmarks,
    save_group_labels,
    save_shortlisting,
    save_target,
)
from planner.services.diversity.reports import baseline_diversity, baseline_document, diversity_report
from planner.services.diversity.representation import (
    ALL_STAFF,
    BENCHMARK_SOURCES,
    COMPARISONS,
    BoardMembership,
    Indicators,
    Representation,
    all_named,
    benchmarks_of,
    board_membership,
    indicators,
    named,
    representation,
    rule,
    subtree,
)
from planner.services.diversity.targets import TargetOutcome, default_pool_sentence, target_outcomes, targets_of

__all__ = [
    "ALL_STAFF",
    "BENCHMARK_SOURCES",
    "COMPARISONS",
    "BoardMembership",
    "Indicators",
    "Representation",
    "TargetOutcome",
    "all_named",
    "baseline_diversity",
    "baseline_document",
    "benchmarks_of",
    "board_membership",
    "default_pool_sentence",
    "delete_target",
    "diversity_report",
    "indicators",
    "named",
    "representation",
    "rule",
    "save_benchmarks",
    "save_group_labels",
    "save_shortlisting",
    "save_target",
    "subtree",
    "target_outcomes",
    "targets_of",
]
