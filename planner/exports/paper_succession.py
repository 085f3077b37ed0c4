"""The board paper's Succession section: what the succession register says of each level's pipeline,
set beside the scenario, and the successors' diversity as the paper's audience may see it. Built from
the pack's content (plain data); a paper from content without a register has no such section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.diversity.disclosure import from_content
from planner.exports.paper_blocks import Block, Para, Section, Subheading, Table

TITLE = "Succession"
WITHHELD = "*"


def count(n: int) -> str:
    """A whole number as a table shows it: '1,234'."""
    return f"{n:,}"


def _pool_cell(value: Any, rule: Any) -> str:
    return WITHHELD if value is None or rule.withholds(value) else count(value)


def succession_section(content: Mapping[str, Any]) -> Section | None:
    """The section, or None where the content holds no succession register."""
    register = content.get("succession")
    if not register or not register.get("entries"):
        return None
    rule = from_content(content)
    levels = register.get("levels") or []
    roles = sum(lv["critical_roles"] for lv in levels)
    within = sum(lv["ready_now"] + lv["ready_1_2"] for lv in levels)
    blocks: list[Block] = [Para(
        f"The succession register counts {count(roles)} critical role{'s' if roles != 1 else ''} and "
        f"{count(within)} successor{'s' if within != 1 else ''} ready within two years. It keeps numbers only, "
        "not names.")]
    blocks.append(Table(
        "Critical roles and successors by level", ("Level", "Critical roles", "Ready now", "Ready in 1 to 2 years",
                                                   "Ready in 3 to 5 years"),
        tuple((lv["level_name"], count(lv["critical_roles"]), count(lv["ready_now"]), count(lv["ready_1_2"]),
               count(lv["ready_3_5"])) for lv in levels),
        (False, True, True, True, True)))
    for lv in levels:
        sentence = (lv.get("pipeline") or {}).get("sentence")
        if sentence:
            blocks.append(Para(f"{lv['level_name']}: {sentence}", "bullet"))
    for char in register.get("diversity") or []:
        if not char["rows"]:
            continue
        groups = tuple(g["name"] for g in char["rows"][0]["groups"])
        blocks.append(Subheading(f"The successors' diversity: {char['name']}"))
        blocks.append(Table(
            f"Successors by {char['name'].lower()}", ("Level", "Successors", *groups),
            tuple((r["level_name"], WITHHELD if r["total"] is None else count(r["total"]),
                   *(_pool_cell(g["count"], rule) for g in r["groups"])) for r in char["rows"]),
            (False, True, *(True for _ in groups)),
            notes=() if rule.exact else (f"{WITHHELD} Withheld to protect privacy: counts from 1 to {rule.threshold} "
                                         "people, and any count from which one could be worked out.",)))
    return Section(TITLE, tuple(blocks))
