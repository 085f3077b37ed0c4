"""Reading staff-record and leavers extracts (CSV or XLSX) into aggregate counts. Pure Python: no Flask, no
database; openpyxl is imported only when a workbook is opened."""

from planner.imports.columns import COLUMNS, REQUIRED, read_mapping
from planner.imports.files import ImportRefused, Limits
from planner.imports.leavers import LeaversResult, read_leavers_extract
from planner.imports.staff import KINDS, ImportResult, RowProblem, read_staff_extract

__all__ = [
    "COLUMNS",
    "KINDS",
    "REQUIRED",
    "ImportRefused",
    "ImportResult",
    "LeaversResult",
    "Limits",
    "RowProblem",
    "read_leavers_extract",
    "read_mapping",
    "read_staff_extract",
]
