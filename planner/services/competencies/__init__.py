"""Competencies: each organisation's frameworks (copied from data/ and then its own), the steps
each level needs, leaders' assessed steps, the gaps (planner.competencies.gaps does the
arithmetic) and the development plan. `catalogue`, `required`, `assessments`, `gaps` and `plan` hold one
each; every public name is importable from here."""

from __future__ import annotations

from planner.imports.assessments import AssessmentsResult  # what read_upload gives the pages
from planner.services.competencies.assessments import assessed, import_file, lookups, read_upload, replace_assessed
from planner.services.competencies.catalogue import (
    KINDS,
    OWN_FRAMEWORK,
    Catalogue,
    add_competency,
    catalogue,
    ensure_frameworks,
    own_domains,
    update_competency,
)
from planner.services.competencies.gaps import GAP_CACHE, gap_list, gap_totals, reusing_gaps
from planner.services.competencies.plan import (
    MAX_COST_PER_PLACE,
    delete_intervention,
    interventions_of,
    plan_view,
    save_intervention,
    targets_of,
)
from planner.services.competencies.required import arithmetic_steps, ensure_required, required_steps, save_required

__all__ = [
    "GAP_CACHE", "KINDS", "MAX_COST_PER_PLACE", "OWN_FRAMEWORK", "AssessmentsResult", "Catalogue", "add_competency",
    "arithmetic_steps", "assessed", "catalogue", "delete_intervention", "ensure_frameworks", "ensure_required",
    "gap_list", "gap_totals", "import_file", "interventions_of", "lookups", "own_domains", "plan_view", "read_upload",
    "replace_assessed", "required_steps", "reusing_gaps", "save_intervention", "save_required", "targets_of",
    "update_competency",
]
