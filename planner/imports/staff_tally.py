"""Checking and counting a staff extract's rows (planner.imports.staff reads the file): a batch at a time
at C speed where every cell is as expected, a row at a time where one is not, so each problem is found and
reported by row and column. Keeps counts and problems only; assignment numbers only scrambled (see rows.Assignments)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from operator import is_
from typing import Any, cast

from planner.diversity.board import parse_board_type
from planner.diversity.characteristics import (
    age_band,
    age_on,
    classify_disability,
    classify_ethnicity,
    classify_sex,
)
from planner.imports.columns import Columns, normalise
from planner.imports.files import ImportRefused, Limits, Row
from planner.imports.grades import GRADES
from planner.imports.rows import PROBLEMS_KEPT, UNKNOWN_AREA, Assignments, RowProblem, looked_up
from planner.imports.tally_keys import (
    BIRTH_MEMO_SIZE,
    NOT_LEADER,
    BirthBands,
    Memo,
    Numbers,
    cached,
    flagged,
    unless_blank,
)
from planner.imports.values import (
    MAX_AGE,
    MIN_AGE,
    AreaLookup,
    band_level_lookup,
    cell_text,
    job_role,
    parse_age,
    parse_band,
    parse_date,
    parse_fte,
    parse_yes_no,
    role_level_lookup,
    shown,
)

__all__ = ["Tally"]

_GRADES = frozenset(GRADES)
_READ_RAW = frozenset({"FTE", "Date of Birth", "Age"})  # columns read from the cell itself, not its text
# Columns whose text (spaces around it removed) a batch reads from a CSV; the others' readings ignore the spaces.
_TEXT_COLUMNS = frozenset({"Assignment Number", "Job Role", "Board Member Type"})
_UNKNOWN_WHEN_BLANK: dict[object, object] = {"": "unknown"}  # an age band: blank is unknown, anything else itself
_NO_FTE = Decimal(0)


class Tally:
    """The counts so far, and the problems; fed one row at a time."""

    def __init__(self, columns: Columns, areas: Mapping[str, str], band_levels: Mapping[str, str], as_at: date,
                 limits: Limits, board_level: str | None = None, text_only: bool = False,
                 job_role_levels: Mapping[str, str] | None = None) -> None:
        self.columns = columns
        self.text_only = text_only
        self.board_level = board_level
        self.board_type = cached(parse_board_type)
        self.as_at = as_at
        self.limits = limits
        # Read from a cell's text, or (CSV) the cell as read: each reading ignores spaces around a value.
        self.area_memo = Memo(unless_blank(AreaLookup(areas).code))
        self.band_memo = Memo(unless_blank(parse_band))
        # Keyed by any cell value, so a band the memo could not read (None) looks up as no level.
        self.levels: dict[object, str] = dict(band_level_lookup(band_levels).items())
        # A job role the map names (Medical Director, ...) decides the level before the band or grade does.
        self.role_levels = role_level_lookup(band_levels)
        self.other_roles: dict[str, str] = {}  # a job role no one spelling rule knows, as normalise() spells it
        for name, level in (job_role_levels or {}).items():
            known = job_role(name)
            if known is None and not normalise(name):
                continue  # a blank name matches no job role
            if known is None:
                self.other_roles[normalise(name)] = name.strip()
            self.role_levels[known or name.strip()] = level
        self.role_memo = Memo(self._mapped_role)
        self.leader_memo = Memo(parse_yes_no)
        self.ethnicity_memo = Memo(classify_ethnicity)
        self.sex_memo = Memo(classify_sex)
        self.disability_memo = Memo(classify_disability)
        self.area, self.band, self.leader = (self.area_memo.__getitem__, self.band_memo.__getitem__,
                                             self.leader_memo.__getitem__)
        self.ethnicity, self.sex = self.ethnicity_memo.__getitem__, self.sex_memo.__getitem__
        self.disability = self.disability_memo.__getitem__
        self.used = tuple(columns.index.items())
        self.width = max(columns.index.values()) + 1
        self.fte_of = Memo(parse_fte)
        self.born_band = BirthBands(as_at)
        self.birth_group = Memo(self._birth_group, BIRTH_MEMO_SIZE)  # without an Age column
        self.age_group = Memo(self._age_group)
        # Counts of the rows read a batch at a time, folded into the totals by finish(). Rows are counted by
        # (area and level, as one small number: see `place`), so each row makes few and short keys.
        self.place = Numbers()  # (area, leadership level or None) -> a number
        self.ethnic_group = Numbers()  # (NHS group, ONS group) -> a number
        self.counted_rows: Counter[tuple[int, object, Decimal]] = Counter()  # (place, band or grade, FTE)
        # (place, group, group) for two characteristics at a time, or (place, group) for the last of an odd number
        self.counted_groups: dict[tuple[str, ...], Counter[tuple[Any, ...]]] = {}
        self.counted_roles: Counter[str] = Counter()  # job role that chose a counted leader's level
        # A row's level once its Leader cell is read: the band's level, None for a row not marked as a leader,
        # or NOT_LEADER for one that cannot be counted (a code not Y or N; a leader without a leadership level).
        self.flagged = Memo(flagged, bad=NOT_LEADER)
        # The same from the Leader cell and the band as read, in one step, where no job role chooses the level.
        self.flagged_band = Memo(self._flagged_band, bad=NOT_LEADER)
        # An Ethnic Origin cell's (NHS group, ONS group) as its number, in one step; None when not recognised.
        self.ethnic_number = Memo(self._ethnic_number)
        self.assignments = Assignments()
        self.rows_read = self.rows_skipped = 0
        self.staff: dict[str, int] = {}
        self.fte: dict[str, Decimal] = {}
        self.leaders: dict[tuple[str, str], int] = {}
        self.diversity: dict[tuple[str, str | None, str, str], int] = {}
        self.board_diversity: dict[tuple[str, str, str, str, str], int] = {}
        self.board_members: dict[str, int] = {}
        self.grades: dict[str, int] = {}
        self.medical_leaders: dict[str, int] = {}
        self.roles_counted: dict[str, int] = {}
        self.problems: list[RowProblem] = []
        self.totals: dict[str, int] = {}

    def _problem(self, number: int, ours: str, kind: str, message: str) -> None:
        self.totals[kind] = self.totals.get(kind, 0) + 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(RowProblem(number, self.columns.headings[ours], kind, message))

    def finish(self) -> None:
        """Fold the counts made a batch at a time into the totals."""
        places = self.place.keys_by_number
        for (place, band, fte), n in self.counted_rows.items():
            where, level = places[place]
            self.staff[where] = self.staff.get(where, 0) + n
            self.fte[where] = self.fte.get(where, Decimal(0)) + fte * n
            if level is not None:
                self.leaders[(where, level)] = self.leaders.get((where, level), 0) + n
            if band in _GRADES:
                self.grades[band] = self.grades.get(band, 0) + n
                if level is not None:
                    self.medical_leaders[level] = self.medical_leaders.get(level, 0) + n
        # First each characteristic's people by place and group (a pair's keys are many: few steps each), then
        # the diversity counts from those (few keys: the steps that name areas and levels).
        by_group: dict[tuple[str, int, Any], int] = {}  # (characteristic, place, group) -> people
        for characteristics, counted in self.counted_groups.items():
            if len(characteristics) == 2:
                first_name, second_name = characteristics
                for (place, first, second), n in counted.items():
                    one, two = (first_name, place, first), (second_name, place, second)
                    by_group[one] = by_group.get(one, 0) + n
                    by_group[two] = by_group.get(two, 0) + n
            else:
                for (place, group), n in counted.items():
                    one = (characteristics[0], place, group)
                    by_group[one] = by_group.get(one, 0) + n
        diversity, ethnic_groups = self.diversity, self.ethnic_group.keys_by_number
        for (characteristic, place, group), n in by_group.items():
            where, level = places[place]
            split = ((characteristic, group),) if characteristic != "ethnicity" else tuple(zip(
                ("ethnicity", "ethnicity_ons"), ethnic_groups[group], strict=True))
            for name, value in split:
                everyone = (where, None, name, value)
                diversity[everyone] = diversity.get(everyone, 0) + n
                if level is not None:
                    leaders = (where, level, name, value)
                    diversity[leaders] = diversity.get(leaders, 0) + n
        for role, n in self.counted_roles.items():
            self.roles_counted[role] = self.roles_counted.get(role, 0) + n
        self.counted_rows.clear()
        self.counted_groups.clear()
        self.counted_roles.clear()

    def _mapped_role(self, text: str) -> str | None:
        """The job role a cell names when the map gives it a level, or None (the band or grade decides)."""
        if not text:
            return None
        role = job_role(text) or self.other_roles.get(normalise(text))
        return role if role in self.role_levels else None

    def _flagged_band(self, key: tuple[object, object]) -> object:
        """A row's level from its Leader cell and its band as read (see `flagged`)."""
        leader, band = key
        return self.flagged[(self.leader_memo[leader], self.levels.get(band))]

    def _ethnic_number(self, cell: object) -> int | None:
        """The number of the (NHS group, ONS group) an Ethnic Origin cell names; None when it names none."""
        groups = self.ethnicity_memo[cell]
        return None if groups is None else self.ethnic_group[groups]

    def _birth_group(self, raw: object) -> str | None:
        """The age band group of a date of birth cell in a file without an Age column: 'unknown' when blank."""
        found = self.born_band[raw]
        return "unknown" if found == "" else found

    def _age_group(self, raw: object) -> str | None:
        """The age band for an age cell; '' when blank, None when it is not a valid age."""
        if not (raw.strip() if type(raw) is str else cell_text(raw)):
            return ""
        age = parse_age(raw)
        return None if age is None else age_band(age, None, self.as_at)

    def add_batch(self, first: int, batch: list[Row]) -> None:
        """Check and count a batch of rows: the rows with nothing unusual column by column, at C speed where
        it can be; any row with a problem (or blank, or on the board) one at a time by `add`, in order."""
        width = self.width
        if min(map(len, batch)) < width:
            batch = [row if len(row) >= width else [*row, *[""] * (width - len(row))] for row in batch]
        # The batch as its columns in one C-speed step (as wide as its narrowest row, at least `width`).
        columns = list(zip(*batch, strict=False))
        raw: dict[str, Sequence[Any]] = {ours: columns[i] for ours, i in self.used}
        if self.text_only:  # a CSV's cells are all text: read as they are, but where spaces around them matter
            text: dict[str, list[str]] = {ours: list(map(str.strip, cast("Sequence[str]", values)))
                                          for ours, values in raw.items() if ours in _TEXT_COLUMNS}
            read: Mapping[str, Sequence[Any]] = raw
        else:
            text = {ours: [v.strip() if type(v) is str else cell_text(v) for v in values]
                    for ours, values in raw.items() if ours not in _READ_RAW}
            read = text
        count = len(batch)
        slow: set[int] = set()  # rows to read one at a time

        def failing(values: Sequence[Any], *readers: Memo | BirthBands, bad: object = None) -> None:
            # The readers gave `values`: none of them has read any value as bad in this read (the usual case), so
            # no value is bad. Else a C-speed scan by identity (an FTE's Decimal compared with None would ask if
            # None is a number); the rows are found only when there is one.
            if (not readers or any(reader.failed for reader in readers)) and any(map(is_, values, repeat(bad))):
                slow.update(i for i, value in enumerate(values) if value is bad)

        area = list(map(self.area_memo.__getitem__, read["Area"]))
        failing(area, self.area_memo)  # a blank row, a missing area or one not known
        band = list(map(self.band_memo.__getitem__, read["Pay Band"]))
        failing(band, self.band_memo)
        level: list[Any] = list(map(self.levels.get, band))
        roles: list[Any] | None = None
        if "Job Role" in text:
            roles = list(map(self.role_memo.__getitem__, text["Job Role"]))
            if roles.count(None) == count:
                roles = None  # no row's job role chooses a level (the usual case): nothing to change
            else:
                level = [lv if r is None else self.role_levels[r] for r, lv in zip(roles, level, strict=True)]
        if "Leader" in read:
            if roles is None:
                level = list(map(self.flagged_band.__getitem__, zip(read["Leader"], band, strict=True)))
            else:
                level = list(map(self.flagged.__getitem__, zip(map(self.leader_memo.__getitem__, read["Leader"]),
                                                               level, strict=True)))
            failing(level, self.flagged, self.flagged_band, bad=NOT_LEADER)
        if "Assignment Number" in text:
            slow.update(self.assignments.repeated(first, text["Assignment Number"]))
        if "FTE" in raw:
            if self.text_only:
                fte = list(map(self.fte_of.__getitem__, raw["FTE"]))
                failing(fte, self.fte_of)
            else:
                fte = [self.fte_of[v] if type(v) is str else parse_fte(v) for v in raw["FTE"]]
                failing(fte)
        if "Board Member Type" in text and any(text["Board Member Type"]):
            # Board members are counted by `add`, which knows the rules.
            slow.update(i for i, value in enumerate(text["Board Member Type"]) if value)
        groups: list[tuple[str, list[Any]]] = []
        if "Ethnic Origin" in read:
            ethnic = list(map(self.ethnic_number.__getitem__, read["Ethnic Origin"]))
            failing(ethnic, self.ethnic_number)
            groups.append(("ethnicity", ethnic))
        for ours, key_name, memo in (("Sex", "sex", self.sex_memo), ("Disability", "disability",
                                                                       self.disability_memo)):
            if ours in read:
                found = list(map(memo.__getitem__, read[ours]))
                failing(found, memo)
                groups.append((key_name, found))
        if "Date of Birth" in raw and "Age" not in raw:
            by_birth_only = list(map(self.birth_group.__getitem__, raw["Date of Birth"]))  # in one step
            failing(by_birth_only, self.birth_group)
            groups.append(("age_band", by_birth_only))
        elif "Date of Birth" in raw or "Age" in raw:
            by_birth: list[object] = (list(map(self.born_band.__getitem__, raw["Date of Birth"]))
                                      if "Date of Birth" in raw else [""] * count)
            if "Age" in raw:
                ages = raw["Age"]
                by_birth = [self.age_group[ages[i]] if found == "" else found for i, found in enumerate(by_birth)]
            failing(by_birth, self.born_band, self.age_group)
            groups.append(("age_band", list(map(_UNKNOWN_WHEN_BLANK.get, by_birth, by_birth))))

        keep = [i not in slow for i in range(count)] if slow else None

        def kept(values: Sequence[Any]) -> Sequence[Any]:
            return values if keep is None else list(compress(values, keep))

        places = list(map(self.place.__getitem__, zip(kept(area), kept(level), strict=True)))
        self.rows_read += len(places)
        if self.rows_read > self.limits.max_rows:
            raise ImportRefused(f"The file has more than {self.limits.max_rows:,} rows of staff; "
                                f"the limit is {self.limits.max_rows:,}.")
        self.counted_rows.update(zip(places, kept(band), kept(fte) if "FTE" in raw else [_NO_FTE] * len(places),
                                     strict=True))
        if roles is not None:
            self.counted_roles.update(r for r, lv in zip(kept(roles), kept(level), strict=True)
                                      if r is not None and lv)
        for at in range(0, len(groups), 2):  # two characteristics to a key: half as many counted
            names = tuple(name for name, _ in groups[at:at + 2])
            self.counted_groups.setdefault(names, Counter()).update(
                zip(places, *(kept(values) for _, values in groups[at:at + 2]), strict=True))
        for i in sorted(slow):
            self.add(first + i, batch[i])

    def add(self, number: int, row: Row) -> None:
        """Check one row and count it if it has no problem."""
        width = len(row)
        raw = {ours: (row[i] if i < width else None) for ours, i in self.used}
        text = {ours: value.strip() if type(value) is str else cell_text(value) for ours, value in raw.items()}
        if not any(text.values()):
            return  # a blank row
        self.rows_read += 1
        if self.rows_read > self.limits.max_rows:
            raise ImportRefused(f"The file has more than {self.limits.max_rows:,} rows of staff; "
                                f"the limit is {self.limits.max_rows:,}.")
        before = sum(self.totals.values())
        problem = self._problem

        area = looked_up(number, "Area", text["Area"], self.area, problem, missing="No area is given.",
                         unknown=UNKNOWN_AREA)
        band = looked_up(number, "Pay Band", text["Pay Band"], self.band, problem, missing="No pay band is given.",
                         unknown=("unknown band", "is not an Agenda for Change band, VSM, a board role or a medical "
                                  "or dental grade."))
        level = self.levels.get(band) if isinstance(band, str) else None
        role = self.role_memo[text["Job Role"]] if "Job Role" in text else None
        if isinstance(role, str):
            level = self.role_levels[role]
        if "Leader" in text:
            flag = self.leader(text["Leader"])
            if flag is None:
                problem(number, "Leader", "bad code", f"{shown(text['Leader'])} is not Y or N.")
            elif flag and band is not None and level is None:
                problem(number, "Leader", "not a leadership band", "Marked as a leader, but this row's pay band "
                        f"{'and job role are' if text.get('Job Role') else 'is'} not mapped to a leadership level.")
            level = level if flag else None
        if text.get("Assignment Number"):
            self.assignments.check(number, text["Assignment Number"], problem)
        fte = parse_fte(raw["FTE"]) if "FTE" in raw else Decimal(0)
        if fte is None:
            problem(number, "FTE", "bad code", f"{shown(text['FTE'])} is not a full-time equivalent from 0 to 2.")
        board_type = ""
        if text.get("Board Member Type"):
            found = self.board_type(text["Board Member Type"])
            if not isinstance(found, str):
                problem(number, "Board Member Type", "bad code", f"{shown(text['Board Member Type'])} is not "
                        "Executive (voting), Executive (non-voting), Non-executive or blank.")
            elif found and (self.board_level is None or level != self.board_level):
                problem(number, "Board Member Type", "bad code", f"{shown(text['Board Member Type'])} is given, "
                        "but this row is not a leader at the board level: leave it blank for staff not on the board.")
            else:
                board_type = found
        groups = self._groups(number, raw, text)
        if sum(self.totals.values()) > before:
            self.rows_skipped += 1
            return
        assert isinstance(area, str) and fte is not None
        self.counted_rows[(self.place[(area, level)], band, fte)] += 1
        if level is not None and isinstance(role, str):
            self.counted_roles[role] += 1
        if level is not None and board_type:
            self.board_members[board_type] = self.board_members.get(board_type, 0) + 1
        diversity = self.diversity
        for characteristic, group in groups:
            everyone: tuple[str, str | None, str, str] = (area, None, characteristic, group)
            diversity[everyone] = diversity.get(everyone, 0) + 1
            if level is not None:
                leaders = (area, level, characteristic, group)
                diversity[leaders] = diversity.get(leaders, 0) + 1
            if board_type and level is not None:
                typed = (area, level, board_type, characteristic, group)
                self.board_diversity[typed] = self.board_diversity.get(typed, 0) + 1

    def _groups(self, number: int, raw: dict[str, object], text: dict[str, str]) -> list[tuple[str, str]]:
        """(characteristic, group) for each characteristic the file has; problems for values not recognised."""
        groups: list[tuple[str, str]] = []
        if "Ethnic Origin" in text:
            ethnic = self.ethnicity(text["Ethnic Origin"])
            if isinstance(ethnic, tuple):
                groups += [("ethnicity", ethnic[0]), ("ethnicity_ons", ethnic[1])]
            else:
                self._problem(number, "Ethnic Origin", "bad code", f"{shown(text['Ethnic Origin'])} is not an NHS "
                              "ethnic category (a code from A to S, or Z for not stated).")
        for ours, key, read, expected in (
            ("Sex", "sex", self.sex, "Female, Male or not stated"),
            ("Disability", "disability", self.disability, "Yes, No, Not Declared or Prefer Not To Answer"),
        ):
            if ours in text:
                group = read(text[ours])
                if isinstance(group, str):
                    groups.append((key, group))
                else:
                    self._problem(number, ours, "bad code", f"{shown(text[ours])} is not one of {expected}.")
        if "Date of Birth" in text and text["Date of Birth"]:
            born = parse_date(raw["Date of Birth"])
            if born is None or not MIN_AGE <= age_on(born, self.as_at) <= MAX_AGE:
                # The value itself is never repeated: a date of birth identifies a person.
                self._problem(number, "Date of Birth", "bad code", f"The date of birth is not a date (such as "
                              f"17/05/1980) giving an age from {MIN_AGE} to {MAX_AGE}.")
            else:
                groups.append(("age_band", age_band(None, born, self.as_at)))
        elif "Age" in text and text["Age"]:
            age = parse_age(raw["Age"])
            if age is None:
                self._problem(number, "Age", "bad code",
                              f"The age is not a whole number from {MIN_AGE} to {MAX_AGE}.")
            else:
                groups.append(("age_band", age_band(age, None, self.as_at)))
        elif "Age" in text or "Date of Birth" in text:
            groups.append(("age_band", "unknown"))
        return groups
