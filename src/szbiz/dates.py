"""Dates as the document writes them and as people type them."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DOC_MONTH = re.compile(r"^\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(底|末)?\s*$")


def end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_document_deadline(text: str, default_year: int | None = None) -> dt.date | None:
    """``2020年6月底``, ``2020 年 1 月``, ``6月底`` → the last day of that month.

    A deadline stated as a month runs to its end. None when the text is not
    such a month.
    """
    m = _DOC_MONTH.match(text)
    if not m:
        return None
    year = int(m.group(1)) if m.group(1) else default_year
    month = int(m.group(2))
    if year is None or not 1 <= month <= 12:
        return None
    return end_of_month(year, month)
