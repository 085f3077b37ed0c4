"""Spreadsheet-safe text, defined once: which text a spreadsheet program would run as a formula (or a DDE
call), and how the CSV downloads and the Excel workbooks keep it as text. Pure: no Flask, no database."""

from __future__ import annotations

__all__ = ["FORMULA_START", "runs_as_formula", "spreadsheet_safe", "unquoted"]

# A cell starting with one of these is read as a formula (or a DDE call) by Excel, LibreOffice or Google
# Sheets. A line feed is among them: a program that trims the leading line break sees the = after it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet program would read this text as a formula rather than as text."""
    return text.startswith(FORMULA_START)


def spreadsheet_safe(text: str) -> str:
    """Text for a CSV cell that a spreadsheet program shows as text: a single quote goes before text that
    would run as a formula (our own readers take it off again with `unquoted`)."""
    return "'" + text if runs_as_formula(text) else text


def unquoted(text: str) -> str:
    """A cell read back from one of our downloads: the quote `spreadsheet_safe` put before a formula's first
    character is taken off; any other text is as it was."""
    return text[1:] if text.startswith("'") and runs_as_formula(text[1:]) else text
