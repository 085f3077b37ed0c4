"""Objectives: the cascade from the board to teams and individuals, check-ins, progress and its
weighted roll-up, RAG, the SMART check (planner.objectives does the arithmetic, in one place),
alignment, and every gap's owner. `views` holds what pages show, `queries` reads, `operations` changes,
`files` reads and writes objectives files, `alignment` finds what hangs loose; every public name is
importable from here."""

from __future__ import annotations

from planner.imports.objectives import ObjectivesResult  # what read_upload gives the pages
from planner.services.objectives.alignment import alignment, gaps_to_own
from planner.services.objectives.files import (
    apply_file,
    export_csv,
    export_rows,
    read_file,
    read_upload,
)
from planner.services.objectives.operations import add_check_in, delete_objective, may_check_in, save_objective
from planner.services.objectives.queries import (
    cascade,
    check_ins_of,
    landing_strategy,
    measure_of,
    members_of,
    objectives_of,
    rag_explained,
    thresholds_of,
)
from planner.services.objectives.views import (
    LEVEL_NAMES,
    NO_OWNER,
    SCOPE_LINKS,
    Alignment,
    CascadeFilter,
    CascadeSummary,
    FilteredCascade,
    ObjectiveView,
    below_of,
    filter_cascade,
    owners_of,
    summarise,
)

__all__ = [
    "LEVEL_NAMES", "NO_OWNER", "SCOPE_LINKS", "Alignment", "CascadeFilter", "CascadeSummary", "FilteredCascade",
    "ObjectiveView", "ObjectivesResult", "add_check_in", "alignment", "apply_file", "below_of", "cascade",
    "check_ins_of",
    "delete_objective", "export_csv", "export_rows", "filter_cascade", "gaps_to_own", "landing_strategy",
    "may_check_in", "measure_of", "members_of", "objectives_of", "owners_of", "rag_explained", "read_file",
    "read_upload", "save_objective", "summarise", "thresholds_of",
]
