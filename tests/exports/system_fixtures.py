"""Contract-shaped content for the system pack's diversity, capability and partnership objectives parts
(the dicts 1 to 3 other services return), with withheld figures (None) where the disclosure rule would
withhold them, for testing the sheet and paper writers before those services are wired in."""

from __future__ import annotations

from typing import Any


def _cell(group: str, count: int | None, share: float | None) -> dict[str, Any]:
    return {"group": group, "count": count, "share": share}


LEVELS = (("board", "Board"), ("senior", "Senior leaders"), ("middle", "Middle leaders"),
          ("frontline", "Frontline leaders"))

DIVERSITY: dict[str, Any] = {
    "threshold": 7,
    "notes": ["Dale Community and Mental Health NHS Trust has no diversity figures in the version it shares, so "
              "it is not counted."],
    "members": [
        {"organisation": "demo-community", "name": "Dale Community and Mental Health NHS Trust", "version": 1,
         "included": False, "note": "No diversity figures in the version shared"},
        {"organisation": "demo", "name": "Northfield and Dale Hospitals NHS Foundation Trust", "version": 1,
         "included": True, "note": None},
    ],
    "characteristics": [{
        "key": "ethnicity", "name": "Ethnicity",
        "groups": [{"key": "bme", "name": "Black and minority ethnic (BME)"}, {"key": "white", "name": "White"}],
        "levels": [
            {"level": "board", "name": "Board", "total": 27,
             "cells": [_cell("bme", None, None), _cell("white", None, None)]},
            {"level": "senior", "name": "Senior leaders", "total": 88,
             "cells": [_cell("bme", 12, 0.136), _cell("white", 76, 0.864)]},
            {"level": "middle", "name": "Middle leaders", "total": 640,
             "cells": [_cell("bme", 131, 0.205), _cell("white", 509, 0.795)]},
            {"level": "frontline", "name": "Frontline leaders", "total": None,
             "cells": [_cell("bme", 402, None), _cell("white", None, None)]},
        ],
        "targets": [{"organisation": "demo", "name": "Northfield and Dale Hospitals NHS Foundation Trust",
                     "level": "middle", "group": "bme", "target_share": 0.26, "target_year": 2028}],
        "combined": [{"level": "middle", "group": "bme", "target_year": 2028, "share": 0.205, "note": None},
                     {"level": "board", "group": "bme", "target_year": 2030, "share": None,
                      "note": "Withheld: fewer than 8 people"}],
    }],
}

CAPABILITY: dict[str, Any] = {
    "notes": ["Dale Community and Mental Health NHS Trust has too few responses to pool."],
    "members": [
        {"organisation": "demo-community", "name": "Dale Community and Mental Health NHS Trust", "version": 1,
         "responses": None, "assessed": False},
        {"organisation": "demo", "name": "Northfield and Dale Hospitals NHS Foundation Trust", "version": 1,
         "responses": 212, "assessed": True},
    ],
    "survey": {"pooled": False, "responses": 212, "note": "Not pooled: one member has too few responses.",
               "dimensions": [
                   {"key": "vision", "name": "Vision and direction", "mean": 3.82, "sd": 0.71,
                    "share_agreeing": 0.684, "members": 1},
                   {"key": "compassion", "name": "Compassionate leadership", "mean": None, "sd": None,
                    "share_agreeing": None, "members": 1}]},
    "gaps": {"note": None, "rows": [
        {"level": "senior", "level_name": "Senior leaders", "competency": "influence",
         "name": "Influencing for results",
         "assessed": 80, "below_required": 31, "share_below": 0.3875, "members": 1},
        {"level": "middle", "level_name": "Middle leaders", "competency": "system", "name": "Connecting our service",
         "assessed": 5, "below_required": 2, "share_below": None, "members": 1}]},
}

OBJECTIVES: dict[str, Any] = {
    "notes": ["Dale Community and Mental Health NHS Trust has linked no objective yet."],
    "objectives": [
        {"id": 1, "ref": "ICS1", "title": "Grow our own leaders across the system",
         "description": "Fill more senior posts from within the system.", "due": "2029-03-31", "progress": 0.42,
         "rag": "amber", "links": [
             {"id": 11, "organisation": "demo", "name": "Northfield and Dale Hospitals NHS Foundation Trust",
              "objective_ref": "S2", "title": "Develop our middle leaders", "weight": 2.0, "progress": 0.5,
              "rag": "green", "due": "2028-03-31"},
             {"id": 12, "organisation": "demo", "name": "Northfield and Dale Hospitals NHS Foundation Trust",
              "objective_ref": "S4", "title": "Recruit from our communities", "weight": 1.0, "progress": 0.26,
              "rag": "red", "due": None}]},
        {"id": 2, "ref": "ICS2", "title": "Leaders who reflect the communities we serve", "description": "",
         "due": None, "progress": None, "rag": None, "links": []},
    ],
}
