"""Which of the file's columns we read: headings matched ignoring case, spaces and punctuation, a
few well-known other names, and the planner's own mapping {our column: their heading}."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from planner.imports.files import ImportRefused, Row

COLUMNS = (
    "Assignment Number", "Area", "Pay Band", "Job Role", "Leader", "FTE", "Ethnic Origin", "Sex", "Disability", "Age",
    "Date of Birth", "Board Member Type",
)
REQUIRED = ("Area", "Pay Band")
# Headings recognised without a mapping, best first; the first is the column's own name.
ALIASES: dict[str, tuple[str, ...]] = {
    "Assignment Number": ("Assignment Number", "Assignment No", "Assignment"),
    "Area": ("Area",),
    "Pay Band": ("Pay Band", "Band", "AfC Band", "Grade"),
    "Job Role": ("Job Role", "Role", "Job Role Name"),
    "Leader": ("Leader",),
    "FTE": ("FTE", "WTE", "Whole Time Equivalent", "Full Time Equivalent"),
    "Ethnic Origin": ("Ethnic Origin", "Ethnicity", "Ethnic Group", "Ethnic Category"),
    "Sex": ("Sex", "Gender"),
    "Disability": ("Disability", "Disabled"),
    "Age": ("Age",),
    "Date of Birth": ("Date of Birth", "DOB", "Birth Date"),
    "Board Member Type": ("Board Member Type", "Board Type", "Board Membership", "Board Member"),
}
HEADER_SEARCH_ROWS = 20  # title lines above the headings are allowed, up to this many rows
MAPPING_MAX_BYTES = 64 * 1024
T = TypeVar("T")


def normalise(text: object) -> str:
    """Lower-case letters and digits only: 'Pay Band', 'PAY_BAND' and 'pay-band' all read 'payband'."""
    return "".join(ch for ch in str(text).casefold() if ch.isalnum())


@dataclass(frozen=True)
class ColumnSet:
    """The columns one kind of extract is read for (staff, leavers): our names, the headings recognised for
    each (best first, the first being its own name), the required ones, and other names a mapping may use."""

    columns: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    other_names: Mapping[str, str] = field(default_factory=dict)  # as normalise() spells them -> ours
    # Worked out once, when the set is made: our column for each way a mapping may name it, and each
    # column's recognised headings, as normalise() spells them.
    ours: Mapping[str, str] = field(init=False, repr=False, compare=False)
    alias_keys: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ours", {normalise(name): name for name in self.columns} | dict(self.other_names))
        object.__setattr__(self, "alias_keys", {ours: tuple(normalise(alias) for alias in aliases)
                                                for ours, aliases in self.aliases.items()})


STAFF = ColumnSet(COLUMNS, ALIASES, REQUIRED, {"gender": "Sex"})


@dataclass
class Columns:
    """Where each of our columns is in the file, their headings, and the headings we do not read."""

    index: dict[str, int]
    headings: dict[str, str]
    ignored: list[str] = field(default_factory=list)


def check_mapping(mapping: Mapping[str, Any], columns: ColumnSet = STAFF) -> dict[str, str]:
    """The mapping with our column names spelled as in `columns`; ImportRefused with one sentence if it is wrong."""
    checked: dict[str, str] = {}
    used: dict[str, str] = {}
    names = columns.ours
    for key, heading in mapping.items():
        ours = names.get(normalise(key)) if isinstance(key, str) else None
        if ours is None:
            raise ImportRefused(f"The mapping names '{str(key)[:40]}', which is not one of the columns "
                                f"({', '.join(columns.columns)}).")
        if not isinstance(heading, str) or not normalise(heading):
            raise ImportRefused(f"The mapping for '{ours}' must be the heading of a column in the file, in quotes.")
        if ours in checked:
            raise ImportRefused(f"The mapping gives '{ours}' more than once.")
        if normalise(heading) in used:
            raise ImportRefused(f"The mapping uses the heading '{heading[:40]}' for both "
                                f"'{used[normalise(heading)]}' and '{ours}'.")
        checked[ours] = heading.strip()
        used[normalise(heading)] = ours
    return checked


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ImportRefused(f"The mapping file gives '{key[:40]}' more than once.")
        seen[key] = value
    return seen


def read_mapping(data: bytes, columns: ColumnSet = STAFF) -> dict[str, str]:
    """The --mapping JSON file: an object of our column names to the file's headings."""
    if len(data) > MAPPING_MAX_BYTES:
        raise ImportRefused("The mapping file is larger than 64 KB, far more than a mapping needs.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused("The mapping file is not UTF-8 text.") from error
    try:
        loaded = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        raise ImportRefused(f"The mapping file is not valid JSON ({error.msg} at line {error.lineno}, "
                            f"column {error.colno}).") from error
    if not isinstance(loaded, dict) or not loaded:
        raise ImportRefused('The mapping file must be a JSON object of our column names to your headings, '
                            'such as {"Area": "Cost Centre", "Pay Band": "Grade"}.')
    return check_mapping(loaded, columns)


def _match(row: Row, mapping: Mapping[str, str], columns: ColumnSet = STAFF) -> Columns | str:
    """The columns if this row is the heading row, else the sentence saying why not."""
    cells = ["" if v is None else " ".join(str(v).split()) for v in row]
    where: dict[str, list[int]] = {}  # each heading as normalise() spells it -> its columns
    for i, cell in enumerate(cells):
        where.setdefault(normalise(cell), []).append(i)
    index: dict[str, int] = {}
    for ours, theirs in mapping.items():
        found = where.get(normalise(theirs), [])
        if not found:
            return f"The file has no column headed '{theirs[:40]}' (mapped to '{ours}')."
        if len(found) > 1:
            return f"The file has more than one column headed '{theirs[:40]}': rename one of them."
        index[ours] = found[0]
    taken = set(index.values())
    alias_keys = columns.alias_keys
    for ours in columns.columns:
        if ours in index:
            continue
        for alias in alias_keys[ours]:
            found = [i for i in where.get(alias, []) if i not in taken]
            if len(found) > 1:
                return (f"The file has more than one column headed '{cells[found[0]][:40]}': rename one, "
                        f"or map the one to use.")
            if found:
                index[ours] = found[0]
                taken.add(found[0])
                break
    for ours in columns.required:
        if ours not in index:
            return f"The file has no '{ours}' column (or a column mapped to it)."
    return Columns(
        index=index,
        headings={ours: cells[i][:60] for ours, i in index.items()},
        ignored=[c[:60] for i, c in enumerate(cells) if c and i not in taken],
    )


def find_heading_row(rows: Iterator[tuple[int, Row]], accept: Callable[[list[str]], T | str], *, empty: str) -> T:
    """The first of the first 20 non-blank rows that `accept` takes as the heading row (it returns the
    reason when it does not); refuses with the first non-blank row's reason, or `empty`."""
    first_reason: str | None = None
    seen = 0
    for _, row in rows:
        cells = ["" if v is None else " ".join(str(v).split()) for v in row]
        if not any(cells):
            continue
        found = accept(cells)
        if not isinstance(found, str):
            return found
        first_reason = first_reason or found
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    raise ImportRefused(first_reason or empty)


def find_headings(rows: Iterator[tuple[int, Row]], mapping: Mapping[str, str], *, empty: str,
                  columns: ColumnSet = STAFF) -> Columns:
    """Read rows up to and including the heading row (the first of the first 20 non-blank rows that has
    the required columns); refuse, with the reason the first non-blank row gave (or `empty`), when there is none."""
    return find_heading_row(rows, lambda cells: _match(cells, mapping, columns), empty=empty)


def columns_named(keys: Sequence[str], names: Mapping[str, Collection[str]], *, required: Collection[str] | None = None,
                  label: Mapping[str, str] | None = None) -> dict[str, int] | str:
    """Our column -> its place in a heading row (`keys`, as normalise() spells the headings), each column found
    under any of its `names`; or the sentence refusing the row: a column twice, or a required one (every one
    when `required` is None) missing. `label` gives a column's name in those sentences (else our own)."""
    index: dict[str, int] = {}
    for ours, known in names.items():
        found = [i for i, k in enumerate(keys) if k in known]
        called = label[ours] if label is not None else ours
        if len(found) > 1:
            return f"The file has more than one '{called}' column: rename or remove one of them."
        if found:
            index[ours] = found[0]
        elif required is None or ours in required:
            return f"The file has no '{called}' column."
    return index


@dataclass
class Headings:
    """The columns read from a file: our column -> its place, the file's heading for each column a problem
    may name (cut to 60 characters), and the headings of the columns not read."""

    index: dict[str, int]
    headings: dict[str, str]
    ignored: list[str]

    @staticmethod
    def parts(cells: Sequence[str], index: Mapping[str, int],
              more: Mapping[str, int] | None = None) -> tuple[dict[str, str], list[str]]:
        """The headings of `index`'s columns and of `more` (other columns read, by the name problems give them),
        and the other headings, ignored."""
        named = {**index, **(more or {})}
        used = set(named.values())
        return ({ours: cells[i][:60] for ours, i in named.items()},
                [c[:60] for i, c in enumerate(cells) if c and i not in used])

    @classmethod
    def of(cls, cells: Sequence[str], index: dict[str, int]) -> Headings:
        """The columns `index` places in the heading row `cells`."""
        headings, ignored = cls.parts(cells, index)
        return cls(index, headings, ignored)
