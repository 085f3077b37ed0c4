"""Objectives: measures, progress and its roll-up, RAG ratings (progress), the health of what sits below an
objective (health), the SMART check (smart) and the cascade as a tree (tree).

Pure Python: nothing here imports Flask, SQLModel or the rest of the app, only the standard library.
"""

from planner.objectives.health import BelowHealth, TierHealth, below_health, rag_with_health
from planner.objectives.progress import (
    CONFIDENCE,
    LEVELS,
    LINK_KINDS,
    MEASURE_KINDS,
    RAG,
    REF_PATTERN,
    STATUSES,
    CheckIn,
    Measure,
    Node,
    RagThresholds,
    direction,
    expected_share,
    latest_check_in,
    own_progress,
    rag,
    rag_rule,
    rag_shown,
    rolled_up,
)
from planner.objectives.smart import SmartResult, smart_check
from planner.objectives.tree import depth_first, descendants, find_cycle, find_cycles

__all__ = [
    "CONFIDENCE",
    "LEVELS",
    "LINK_KINDS",
    "MEASURE_KINDS",
    "RAG",
    "REF_PATTERN",
    "STATUSES",
    "BelowHealth",
    "CheckIn",
    "Measure",
    "Node",
    "RagThresholds",
    "SmartResult",
    "TierHealth",
    "below_health",
    "depth_first",
    "descendants",
    "direction",
    "expected_share",
    "find_cycle",
    "find_cycles",
    "latest_check_in",
    "own_progress",
    "rag",
    "rag_rule",
    "rag_shown",
    "rag_with_health",
    "rolled_up",
    "smart_check",
]
