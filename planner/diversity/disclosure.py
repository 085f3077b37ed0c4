"""Disclosure by audience: the one rule that decides, for whoever will see them, which diversity counts
are shown exactly, which are withheld, and which must not be used to work anything else out.

- *Internal*: signed-in members whose role may see diversity figures, and a pack or paper for the board
  and its committees (Part 2, OFFICIAL-SENSITIVE). Every count is shown exactly, labelled as such.
- *Published*: a pack or paper for a Part 1 public meeting, the public consultation, anyone else. Counts
  from 1 to the organisation's threshold are withheld, with secondary suppression
  (planner.diversity.suppression), and nothing is derived from a withheld count: a target whose
  starting count is withheld has no trajectory, no-action path, projected share or required share.
- Levels whose composition is public anyway (the board, by default: every trust publishes it) are
  never suppressed, for either audience.

Pages, the API, packs, papers and charts all ask this module; none applies the threshold itself.
Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from planner.diversity.suppression import DEFAULT_THRESHOLD, SuppressedTable, check_threshold, is_small, suppress_table

Audience = Literal["internal", "published"]
INTERNAL: Audience = "internal"
PUBLISHED: Audience = "published"
AUDIENCES: tuple[Audience, ...] = (INTERNAL, PUBLISHED)
DEFAULT_PUBLIC_LEVELS = ("board",)
MAX_PUBLIC_LEVELS_TEXT = 500
MARKINGS: dict[Audience, str] = {INTERNAL: "OFFICIAL-SENSITIVE", PUBLISHED: "OFFICIAL"}
EXACT_LABEL = "Exact counts: for the board and its committees only"


def check_audience(value: object) -> Audience:
    """The audience named, or ValueError naming the two there are."""
    if value not in AUDIENCES:
        raise ValueError(f"The audience must be {' or '.join(AUDIENCES)}, not {value!r}.")
    return INTERNAL if value == INTERNAL else PUBLISHED


def audience_for_part(part: object) -> Audience:
    """The audience of a pack or paper for a board meeting: internal for Part 2 (in private, with its
    committees), published for Part 1 (in public) or where the part is not known."""
    return INTERNAL if str(part).strip() == "2" else PUBLISHED


def parse_public_levels(text: str | None) -> tuple[str, ...]:
    """Level keys from the organisation's setting: comma-separated, spaces and repeats ignored."""
    keys: list[str] = []
    for part in (text or "").split(","):
        key = part.strip().lower()
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


def check_public_levels(text: str | None, known: Iterable[str]) -> tuple[str, ...]:
    """The setting's level keys, or ValueError naming each key that is not a level."""
    if len(text or "") > MAX_PUBLIC_LEVELS_TEXT:
        raise ValueError(f"List at most {MAX_PUBLIC_LEVELS_TEXT} characters of level keys.")
    keys = parse_public_levels(text)
    allowed = set(known)
    unknown = [key for key in keys if key not in allowed]
    if unknown:
        listed = ", ".join(f"'{key}'" for key in unknown)
        raise ValueError(f"Not a level key: {listed}. Use the keys of your levels, such as "
                         f"{', '.join(sorted(allowed)[:6]) or 'board'}, separated by commas.")
    return keys


@dataclass(frozen=True)
class Disclosure:
    """What one audience may see of one organisation's diversity figures."""

    audience: Audience
    threshold: int = DEFAULT_THRESHOLD
    public_levels: frozenset[str] = frozenset(DEFAULT_PUBLIC_LEVELS)

    def __post_init__(self) -> None:
        check_audience(self.audience)
        check_threshold(self.threshold)

    @property
    def exact(self) -> bool:
        """Whether every count is shown as it is."""
        return self.audience == INTERNAL

    @property
    def marking(self) -> str:
        """The protective marking of a pack or paper for this audience."""
        return MARKINGS[self.audience]

    @property
    def label(self) -> str:
        """What a page, sheet or paper says of its diversity figures."""
        if self.exact:
            return EXACT_LABEL
        return (f"Published figures: counts from 1 to {self.threshold} people are withheld, with any figure from "
                "which one could be worked out")

    @property
    def reason(self) -> str:
        """Why a target whose starting count is withheld shows no figures."""
        return (f"withheld: fewer than {self.threshold + 1} people (in the group, or in another group its number "
                "would reveal), so figures that would reveal the number are not shown")

    def is_public(self, level: str | None) -> bool:
        """Whether a level's composition is public anyway, so never withheld."""
        return level is not None and level in self.public_levels

    def withholds(self, count: object, *, level: str | None = None) -> bool:
        """The primary rule for one count at a level: a count from 1 to the threshold, published and
        not at a public level. (Secondary suppression needs the whole table: see `table`.)"""
        if self.exact or self.is_public(level):
            return False
        if isinstance(count, bool) or not isinstance(count, int):
            return True  # nothing to show is shown as withheld
        return is_small(count, self.threshold)

    def table(
        self,
        counts: Mapping[tuple[str, str], int],
        rows: Sequence[str],
        columns: Sequence[str],
        *,
        row_levels: Mapping[str, str | None] | None = None,
        publish_row_totals: bool = True,
        publish_column_totals: bool = True,
        fixed_totals: bool = False,
    ) -> SuppressedTable:
        """A table of counts as this audience sees it. Internal: everything. Published: primary and
        secondary suppression (planner.diversity.suppression), except for rows whose level (by
        `row_levels`: row -> level key, None for all staff) is public: those are shown whole, and
        taken out of the published column totals before suppressing, so that those totals cannot
        give anything away through them."""
        full = {(r, c): int(counts.get((r, c), 0)) for r in rows for c in columns}
        if self.exact:
            return _plain(full, rows, columns)
        whole_rows = [r for r in rows if self.is_public((row_levels or {}).get(r))]
        rest = [r for r in rows if r not in whole_rows]
        hidden = suppress_table({k: v for k, v in full.items() if k[0] in rest}, rest, columns, self.threshold,
                                publish_row_totals=publish_row_totals, publish_column_totals=publish_column_totals,
                                fixed_totals=fixed_totals)
        if not whole_rows:
            return hidden
        whole = _plain({k: v for k, v in full.items() if k[0] in whole_rows}, whole_rows, columns)

        def plus(part: int | None, public: int | None) -> int | None:
            return None if part is None or public is None else part + public

        return SuppressedTable(
            cells={(r, c): (whole if r in whole_rows else hidden).cells[(r, c)] for r in rows for c in columns},
            row_totals={r: (whole if r in whole_rows else hidden).row_totals[r] for r in rows},
            # A published total over all rows is the suppressed rows' total plus the public rows': it is
            # withheld wherever theirs is (and never published where the rule publishes none).
            column_totals={c: plus(hidden.column_totals[c], whole.column_totals[c]) for c in columns},
            grand_total=plus(hidden.grand_total, whole.grand_total),
            withheld=hidden.withheld,
        )

    def start_withheld(self, *, count: int, at_levels: Mapping[str, int | None]) -> bool:
        """Whether a target's starting count must be withheld, with everything derived from it: its
        group's count at each level it covers (`at_levels`, as this audience sees them, None where
        withheld) or the count itself (summed over the areas the forecast runs on) gives a withheld
        figure away. Never for internal audiences, nor where every level covered is public."""
        if self.exact or (at_levels and all(self.is_public(level) for level in at_levels)):
            return False
        return any(value is None for value in at_levels.values()) or is_small(count, self.threshold)

    def as_content(self) -> dict[str, Any]:
        """The rule as plain data, carried in a pack's content so its sheets and paper can ask it again."""
        return {"audience": self.audience, "threshold": self.threshold, "public_levels": sorted(self.public_levels),
                "exact": self.exact, "label": self.label, "reason": self.reason, "marking": self.marking}


def disclosure(audience: str, threshold: int = DEFAULT_THRESHOLD,
               public_levels: str | Iterable[str] | None = DEFAULT_PUBLIC_LEVELS) -> Disclosure:
    """The rule for an audience of an organisation (its threshold and its public-levels setting)."""
    keys = parse_public_levels(public_levels) if isinstance(public_levels, str) or public_levels is None \
        else tuple(public_levels)
    return Disclosure(check_audience(audience), threshold, frozenset(keys))


def from_content(content: Mapping[str, Any]) -> Disclosure:
    """The rule a pack's content was built under. Content from before audiences (an old approved
    version) was published, with nothing taken as public: it is read under the strictest rule."""
    diversity = content.get("diversity") or {}
    held = diversity.get("disclosure") or {}
    organisation = content.get("organisation") or {}
    threshold = held.get("threshold") or diversity.get("suppression_threshold") \
        or organisation.get("suppression_threshold") or DEFAULT_THRESHOLD
    if not held:
        return Disclosure(PUBLISHED, int(threshold), frozenset())
    return Disclosure(check_audience(held.get("audience")), int(threshold),
                      frozenset(str(k) for k in held.get("public_levels") or ()))


def _plain(full: Mapping[tuple[str, str], int], rows: Sequence[str], columns: Sequence[str]) -> SuppressedTable:
    """The table with nothing withheld."""
    cells: dict[tuple[str, str], int | None] = {(r, c): full.get((r, c), 0) for r in rows for c in columns}
    row_totals: dict[str, int | None] = {r: sum(full.get((r, c), 0) for c in columns) for r in rows}
    column_totals: dict[str, int | None] = {c: sum(full.get((r, c), 0) for r in rows) for c in columns}
    return SuppressedTable(cells=cells, row_totals=row_totals, column_totals=column_totals,
                           grand_total=sum(full.values()), withheld=frozenset())
