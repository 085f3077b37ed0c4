"""Who a page or a download is for, in the terms of the one disclosure rule
(planner.diversity.disclosure): the request decides, the rule does the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request

from planner.diversity.disclosure import INTERNAL, PUBLISHED, Audience, audience_for_part
from planner.web.tenancy import can

EXACT = "diversity.unsuppressed"  # the permission to see exact diversity counts


def page_audience() -> Audience:
    """A page's (and its chart downloads'): internal when exact figures are asked for (?unsuppressed=1)
    by someone who may see them, else published."""
    return INTERNAL if request.args.get("unsuppressed") == "1" and can(EXACT) else PUBLISHED


def paper_audience(cover: Mapping[str, Any]) -> Audience:
    """A pack's or paper's: internal only for someone who may see exact figures, when the cover puts it
    to Part 2 of the meeting (in private) and ?audience=published does not ask for the public version."""
    if request.args.get("audience") == PUBLISHED or not can(EXACT):
        return PUBLISHED
    return audience_for_part(cover.get("part"))
