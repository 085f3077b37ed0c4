"""Every limit an uploaded file is held to, in one place (docs/staff-import.md lists them with their
reasons). They bound the work done on a file, not just its size: each is checked while the file is
read, so a file over one is refused as soon as the limit is passed, before the rest is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

MB = 1024 * 1024

# How long a staff import's preview waits for the planner to confirm it; older previews are
# purged (their counts forgotten) on the next upload or confirm.
PENDING_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class Limits:
    """How large an upload may be, how much work reading it may take, and how far an XLSX may expand."""

    # The file as uploaded.
    max_bytes: int = 20 * MB
    # Records (staff, responses, assessments, objectives): a large trust has about 30,000 staff.
    max_rows: int = 500_000
    # Rows of any kind, blank ones and headings included: Excel's own maximum, so no saved sheet
    # has more; it stops a workbook that names row 1,000,000,000 yielding a billion blank rows.
    max_lines: int = 1_048_576
    # Columns with anything in them: staff extracts have 10 to 40, survey exports one per question.
    max_columns: int = 200
    # Cells read, blank ones included (rows times columns): the budget of time a file may take, about
    # two minutes for a workbook and under a second for a CSV on the development machine; 125,000 rows of
    # 40 columns.
    max_cells: int = 5_000_000
    # Characters in one cell: far above any value these files hold (a survey's comment box allows
    # 4,000), a third of Excel's own maximum of 32,767.
    max_cell_chars: int = 10_000
    # A workbook is a zip: how far its parts may expand when unpacked, in total and each.
    max_uncompressed: int = 200 * MB
    # The workbook's shared text (xl/sharedStrings.xml), which is read whole before any row: a
    # 100,000-row extract has about 6 MB in 200,000 different texts (assignment numbers and dates of
    # birth saved as text). Reading 500,000 takes a few seconds and about 100 MB.
    max_shared_text: int = 50 * MB
    max_shared_strings: int = 500_000
    # Each part holding the workbook's settings (styles, sheet list, theme, properties, relationships),
    # also read whole, into objects many times their size (10 MB of styles took 300 MB): a heavily
    # formatted workbook's styles are well under 1 MB.
    max_settings_part: int = 2 * MB
    max_members: int = 10_000
    max_ratio: int = 100
