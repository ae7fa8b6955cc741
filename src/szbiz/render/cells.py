"""Cells for spreadsheets: text that Excel would run as a formula is kept as text.

A title or note such as ``=HYPERLINK("http://…","点击")`` opened from a CSV file
runs as a formula (OWASP: CSV injection). Every writer of CSV, TSV and xlsx
asks this module, which follows ``szbiz.render.safe.spreadsheet``: control and
bidi characters show as visible escapes, and a formula start gets a leading
``'``. Only text is guarded: numbers, dates and yes/no are data, and an
overdue task's ``-152`` days stay a number.
"""

from __future__ import annotations

from typing import Any

from szbiz.render.safe import FORMULA_STARTS, spreadsheet
from szbiz.render.sheet import cell

__all__ = ["FORMULA_STARTS", "TEXT", "guard", "runs_as_formula", "text_cell"]


def runs_as_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def guard(text: str) -> str:
    """A text cell of CSV or TSV: see ``szbiz.render.safe.spreadsheet``."""
    return spreadsheet(text)


# The types of a sheet's text: a string, or a list of them joined. Anything else
# (a number, a date, yes/no, nothing) is data, written as it is.
TEXT = frozenset({str, list, tuple})


def text_cell(value: Any) -> str:
    return spreadsheet(value if type(value) is str else cell(value))
