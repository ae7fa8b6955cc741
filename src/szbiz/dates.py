"""Dates as the document writes them and as people type them."""

from __future__ import annotations

import datetime as dt
import re

from szbiz.i18n import N_, _

_DOC_MONTH = r"^\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(底|末)?\s*$"

# The days szbiz works with, at every door: options, SZBIZ_TODAY, a list's
# deadlines, a ledger's events. Far beyond any reform list, and well inside
# Python's calendar (years 1–9999), so that a day plus a span stays a date.
FIRST = dt.date(1900, 1, 1)
LAST = dt.date(2999, 12, 31)
YEARS = f"{FIRST.year}–{LAST.year}"
# Progress on a reform list is recorded from this day on: an event before it is a typo.
FIRST_EVENT = dt.date(2000, 1, 1)


def supported(day: dt.date) -> bool:
    """Whether ``day`` lies in the years szbiz supports."""
    return FIRST <= day <= LAST


def shown(text: str, width: int = 40) -> str:
    """Text typed by a user, cut short enough to quote in a one-line message."""
    return text if len(text) <= width else text[:width] + "…"


def end_of_month(year: int, month: int) -> dt.date:
    """The last day of the month; ValueError for a month not in 1–12 or a year not in 1–9999."""
    import calendar  # not at start-up: only a month typed as a date needs it

    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_document_deadline(text: str, default_year: int | None = None) -> dt.date | None:
    """``2020年6月底``, ``2020 年 1 月``, ``6月底`` → the last day of that month.

    A deadline stated as a month runs to its end. None when the text is not
    such a month, or names a year outside the years szbiz supports.
    """
    day = _document_month(text, default_year)
    return day if day is not None and supported(day) else None


def _document_month(text: str, default_year: int | None) -> dt.date | None:
    """The last day of the month the document names, in any year Python's calendar has."""
    m = re.match(_DOC_MONTH, text)
    if not m:
        return None
    year = int(m.group(1)) if m.group(1) else default_year
    month = int(m.group(2))
    if year is None or not 1 <= month <= 12 or not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return end_of_month(year, month)


_ISO_DAY = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"  # also 2020/6/30, as Excel shows dates
_COMPACT_DAY = r"^(\d{4})(\d{2})(\d{2})$"
_ISO_MONTH = r"^(\d{4})[-/](\d{1,2})$"
_MONTH_DAY = r"^(\d{1,2})[-/](\d{1,2})$"  # 6/30, 6-30: a day of base's year
_DOC_DAY = r"^\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$"
_RELATIVE = r"^([+-])(\d+)\s*([dwmy])$"
_MAX_DIGITS = 18  # as for ids: far beyond any span, and short of int()'s limit
HINT = N_("try 2020-06-30, 2020年6月底 or +30d")


# Asia/Shanghai, the reform office's clock, where the deadlines are kept. It has
# kept UTC+8 all year since 1991, when China last observed daylight saving
# time: for any time since, a fixed offset is exact, and needs no time zone
# database (Windows ships none). str(SHANGHAI) is its name.
SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def today() -> dt.date:
    """Today in Asia/Shanghai."""
    return dt.datetime.now(SHANGHAI).date()


def now() -> dt.datetime:
    """The current time in Asia/Shanghai, to the second."""
    return dt.datetime.now(SHANGHAI).replace(microsecond=0)


class DateError(ValueError):
    """A date the user typed could not be read."""


class OutOfRange(DateError):
    """A date the user typed reads, but lies outside the years szbiz supports."""


def parse_date(text: str, base: dt.date) -> dt.date:
    """Read a date as people type it; relative forms count from ``base``.

    ``2020-06-30`` (also ``2020/6/30``, ``2020.6.30``, ``20200630``);
    ``2020-06`` (end of that month); ``2020年6月底``,
    ``2020年6月``, ``2020年6月30日``; in ``base``'s year ``6月底``, ``6月30日``,
    ``6/30`` and ``6-30``;
    ``today``, ``+30d``, ``-2w``, ``+1m``, ``+1y``; ``eom``, ``eoq``, ``eoy``
    (end of ``base``'s month, quarter, year).
    """
    value = text.strip().lower()
    m = re.match(_RELATIVE, value)
    if m:
        day = _relative(m, base)
        if day is None:
            raise OutOfRange(
                _("{text} from {day} is outside the years szbiz supports, {years}").format(
                    text=shown(text.strip()), day=base, years=YEARS
                )
            )
        return day
    day = _absolute(value, base)
    if day is None:
        raise DateError(
            _("cannot read {text!r} as a date; {hint}").format(text=shown(text), hint=_(HINT))
        )
    if not supported(day):
        raise OutOfRange(
            _("{text} is outside the years szbiz supports, {years}").format(
                text=shown(text.strip()), years=YEARS
            )
        )
    return day


def _relative(m: re.Match[str], base: dt.date) -> dt.date | None:
    """``+30d`` and the like counted from ``base``; None when that leaves the supported years."""
    if len(m.group(2)) > _MAX_DIGITS:
        return None
    n = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
    unit = m.group(3)
    try:
        if unit in "dw":
            day = base + dt.timedelta(days=n * (7 if unit == "w" else 1))
        else:
            # A month or a year on: the same day, or the month's last (dateutil's rule).
            from dateutil.relativedelta import relativedelta

            day = base + relativedelta(months=n if unit == "m" else 12 * n)
    except (ValueError, OverflowError):  # beyond Python's calendar
        return None
    return day if supported(day) else None


def _absolute(value: str, base: dt.date) -> dt.date | None:
    """A day written out, or named from ``base`` (``eom``); None when it cannot be read."""
    try:
        if value == "today":
            return base
        if value == "eom":
            return end_of_month(base.year, base.month)
        if value == "eoq":
            return end_of_month(base.year, (base.month - 1) // 3 * 3 + 3)
        if value == "eoy":
            return dt.date(base.year, 12, 31)
        m = re.match(_ISO_DAY, value) or re.match(_COMPACT_DAY, value)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.match(_ISO_MONTH, value)
        if m:
            return end_of_month(int(m.group(1)), int(m.group(2)))
        m = re.match(_MONTH_DAY, value)
        if m:
            return dt.date(base.year, int(m.group(1)), int(m.group(2)))
        m = re.match(_DOC_DAY, value)
        if m:
            year = int(m.group(1)) if m.group(1) else base.year
            return dt.date(year, int(m.group(2)), int(m.group(3)))
        return _document_month(value, base.year)
    except (ValueError, OverflowError):
        return None
