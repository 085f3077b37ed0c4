"""Reading a staff-record extract (CSV or XLSX, ESR-like columns) into counts: staff and FTE per area,
leaders per area and level (chosen by job role where the map names the role, else by band or grade), and
diversity counts. Rows are read one at a time, checked, counted and forgotten; the result holds counts
and problem reports only (row number, column heading, kind, and at most the offending cell's own value,
cut to 40 characters)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from datetime import date

from planner import collector
from planner.diversity.board import BOARD_TYPES
from planner.imports.columns import check_mapping, find_headings, read_mapping
from planner.imports.files import ImportRefused, Limits, Row, check_size, csv_batches, kind_of
from planner.imports.grades import GRADES
from planner.imports.rows import RowProblem
from planner.imports.staff_tally import Tally
from planner.imports.workbook import xlsx_batches

__all__ = ["KINDS", "ImportRefused", "ImportResult", "Limits", "RowProblem", "read_mapping", "read_staff_extract"]

KINDS = ("unknown area", "unknown band", "bad code", "duplicate assignment", "missing value", "not a leadership band")
PROGRESS_EVERY = 5_000  # lines of the file between two calls of read_staff_extract's `progress`


@dataclass
class ImportResult:
    """Counts from an extract, and what stopped any rows being counted. No row-level data."""

    file_kind: str
    rows_read: int
    rows_skipped: int
    staff: dict[str, int]
    fte: dict[str, float]
    leaders: dict[tuple[str, str], int]
    diversity: dict[tuple[str, str | None, str, str], int]
    problems: list[RowProblem]
    problem_totals: dict[str, int]
    ignored_columns: list[str]
    skip_bad_rows: bool = False
    columns: dict[str, str] = field(default_factory=dict)  # our column -> the file's heading read for it
    missing_characteristics: list[str] = field(default_factory=list)  # characteristic keys with no column
    # (area, board level, board member type, characteristic, group) -> people: the board's counts again,
    # by type, for rows that give one (planner.diversity.board)
    board_diversity: dict[tuple[str, str, str, str, str], int] = field(default_factory=dict)
    board_members: dict[str, int] = field(default_factory=dict)  # board member type -> people counted
    grades: dict[str, int] = field(default_factory=dict)  # medical or dental grade -> staff counted, in GRADES order
    medical_leaders: dict[str, int] = field(default_factory=dict)  # level -> doctors and dentists counted there
    roles: dict[str, int] = field(default_factory=dict)  # job role -> leaders whose level it chose

    @property
    def importable(self) -> bool:
        """No problems, or the planner chose to skip the rows with problems; and some rows were counted."""
        return (not self.problem_totals or self.skip_bad_rows) and self.rows_read > self.rows_skipped


class _Rows:
    """A file's batches of rows read one row at a time (to find the heading row), then what is left a batch
    at a time."""

    def __init__(self, batches: Iterator[tuple[int, list[Row]]]) -> None:
        self.batches = batches
        self.left: tuple[int, list[Row], int] = (0, [], 0)  # a batch, and where in it reading got to

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        for first, batch in self.batches:
            for i, row in enumerate(batch):
                self.left = (first, batch, i + 1)
                yield first + i, row

    def rest(self) -> Generator[tuple[int, list[Row]], None, None]:
        """The rows after the last one read one at a time, a batch at a time."""
        first, batch, at = self.left
        if at < len(batch):
            yield first + at, batch[at:]
        yield from self.batches


_CHARACTERISTIC_COLUMNS = (
    ("ethnicity", ("Ethnic Origin",)), ("ethnicity_ons", ("Ethnic Origin",)), ("sex", ("Sex",)),
    ("disability", ("Disability",)), ("age_band", ("Age", "Date of Birth")),
)


def read_staff_extract(
    data: bytes,
    filename: str,
    *,
    areas: Mapping[str, str],
    band_levels: Mapping[str, str],
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    skip_bad_rows: bool = False,
    as_at: date,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so one shared default is safe)
    board_level: str | None = None,
    progress: Callable[[int], None] | None = None,
    job_role_levels: Mapping[str, str] | None = None,
) -> ImportResult:
    """Count a staff extract held in memory; ImportRefused (one sentence) if the file cannot be read at all.
    `band_levels` maps bands, grades and job roles (Medical Director, ...) to levels; `job_role_levels` may
    add job roles, a known one in any spelling or any other as the file spells it (capitals, spaces and
    punctuation aside). A row's job role, where one of these names it, decides its level before its band.
    `progress`, if given, is called with the rows read so far every PROGRESS_EVERY lines of the file."""
    check_size(data, limits)
    checked = check_mapping(mapping or {})
    kind = kind_of(data, filename)
    batches = xlsx_batches(data, sheet, limits) if kind == "xlsx" else csv_batches(data, limits)
    # (A workbook's reading is openpyxl's, whose objects are not ours to vouch for: its collector stays on.)
    with closing(batches), collector.paused() if kind == "csv" else nullcontext():
        empty = "The file is empty." if kind == "csv" else (
            f"The sheet '{sheet[:40]}' is empty." if sheet else "The workbook's first sheet is empty.")
        rows = _Rows(batches)
        columns = find_headings(iter(rows), checked, empty=empty)
        tally = Tally(columns, areas, band_levels, as_at, limits, board_level, text_only=kind == "csv",
                       job_role_levels=job_role_levels)
        reported = 0
        for first, batch in rows.rest():
            tally.add_batch(first, batch)
            if progress is not None and tally.rows_read // PROGRESS_EVERY > reported:
                reported = tally.rows_read // PROGRESS_EVERY
                progress(tally.rows_read)
        tally.finish()
    if tally.rows_read == 0:
        raise ImportRefused("The file has column headings but no rows of staff.")
    return ImportResult(
        file_kind=kind,
        rows_read=tally.rows_read,
        rows_skipped=tally.rows_skipped,
        staff=dict(sorted(tally.staff.items())),
        fte={area: float(tally.fte[area]) for area in sorted(tally.staff)},
        leaders=dict(sorted(tally.leaders.items())),
        diversity=dict(sorted(tally.diversity.items(), key=lambda item: (item[0][0], item[0][1] or "", item[0][2:]))),
        problems=tally.problems,
        problem_totals={kind: tally.totals[kind] for kind in KINDS if kind in tally.totals},
        ignored_columns=columns.ignored,
        skip_bad_rows=skip_bad_rows,
        columns=dict(columns.headings),
        missing_characteristics=[key for key, needs in _CHARACTERISTIC_COLUMNS
                                 if not any(c in columns.index for c in needs)],
        board_diversity=dict(sorted(tally.board_diversity.items())),
        board_members={key: tally.board_members[key] for key in BOARD_TYPES if key in tally.board_members},
        grades={grade: tally.grades[grade] for grade in GRADES if grade in tally.grades},
        medical_leaders=dict(tally.medical_leaders),
        roles=dict(sorted(tally.roles_counted.items())),
    )
