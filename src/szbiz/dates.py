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


class DeadlineError(ValueError):
    """完成时限 text that cannot be read; str() is a one-line reason."""


# A deadline cell that says the work goes on has no date: the task is ongoing.
ONGOING = frozenset({"持续推进", "长期坚持", "长期", "持续", "常态化推进", "长期推进"})
_ONGOING_START = ("持续", "长期", "常态化")
DEADLINE_HINT = N_("expected like 2021年6月底, 年底前, 第三季度 or 持续推进")

# One deadline as a list writes it: a year, then what part of it (its end, a
# half, a quarter, a month or a day of one), or the year alone. A year is every
# digit before 年, read and checked, so that 99999999999999999999年底 is a year
# szbiz refuses, never 9999年底 or the document's 年底.
_DEADLINE = re.compile(
    r"""
      (?<![0-9])(?P<iso>[0-9]{4})[-/.](?P<iso_m>[0-9]{1,2})[-/.](?P<iso_d>[0-9]{1,2})(?![0-9])
    | (?: (?<![0-9])(?P<year>[0-9]+)\s*年\s* | (?P<this>今年|当年|本年) | (?P<next>明年|次年) )?
      (?: (?P<year_end>年?\s*[底末内])
        | (?P<half>[上下])\s*半\s*年
        | 第?\s*(?<![0-9])(?P<quarter>[1-4一二三四])\s*季度
        | (?<![0-9])(?P<month>[0-9]{1,2}|十[一二]|[一二三四五六七八九十])\s*月\s*
          (?: (?P<day>[0-9]{1,2})\s*[日号] | (?P<ten>[上中下])\s*旬 )?
      )?
    """,
    re.VERBOSE,
)
_PARTS = ("year_end", "half", "quarter", "month")
_TEN_DAYS = {"上": 10, "中": 20}  # 下旬 runs to the month's end
_QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_MONTHS = dict(
    zip(
        ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"),
        range(1, 13),
        strict=True,
    )
)


def read_deadline(text: str, year: int | None) -> dt.date | None:
    """A deadline as a reform list writes it → the day it falls on; None = ongoing.

    A month runs to its end (``6月底前``, ``2021年6月``, ``6月``), a quarter to
    its last day (``第三季度``, ``三季度末``, ``2021年第4季度``), ``上半年`` to
    06-30, and ``年底``, ``年内``, ``下半年`` and a year alone (``2021年``) to
    12-31; a day is that day (``2021年6月30日``, ``2021-06-30``). 前, 以前 and
    之前 after a deadline change nothing; full-width digits read as digits.

    A deadline without a year falls in the year the cell stated before it,
    else in ``year`` (the document's); when there is neither, DeadlineError.

    A cell that states several deadlines (``2021年6月底前启动，年底前完成``)
    falls due on the last one stated: the task is done when its last step is.
    A cell that states no deadline but says the work goes on (持续推进,
    长期坚持, 长期, 常态化推进), and an empty one, are ongoing: None.
    """
    import unicodedata  # not at start-up: only an import reads deadlines

    value = unicodedata.normalize("NFKC", text).strip()
    if not value or value.rstrip("。.;；") in ONGOING:
        return None
    stated: int | None = None  # the year the cell named last
    last: dt.date | None = None
    for m in _DEADLINE.finditer(value):
        if m.group("iso"):
            last = _day_of(text, int(m.group("iso")), int(m.group("iso_m")), int(m.group("iso_d")))
            stated = last.year
            continue
        part = next((name for name in _PARTS if m.group(name)), None)
        digits, relative = m.group("year"), m.group("this") or m.group("next")
        if digits is not None:
            if len(digits) > len(str(LAST.year)) or not FIRST.year <= int(digits) <= LAST.year:
                raise DeadlineError(_outside(text))
            stated = int(digits)
        elif relative:
            stated = _document_year(text, year) + (1 if m.group("next") else 0)
        elif part is None or (part == "year_end" and not m.group("year_end").startswith("年")):
            continue  # no deadline here; or 底, 末, 内 in a word
        if part == "month" and _month(m) not in range(1, 13):
            raise DeadlineError(_unreadable(text))
        last = _part_of_year(
            text, m, part, stated if stated is not None else _document_year(text, year)
        )
    if last is not None:
        return last
    if value.startswith(_ONGOING_START):
        return None
    raise DeadlineError(_unreadable(text))


def _document_year(text: str, year: int | None) -> int:
    """The document's year, for a deadline that states none."""
    if year is None:
        raise DeadlineError(
            _("完成时限 {text!r} needs the document's year; give --year").format(
                text=shown(text.strip())
            )
        )
    return year


def _outside(text: str) -> str:
    return _("完成时限 {text!r} names a year outside the years szbiz supports, {years}").format(
        text=shown(text.strip()), years=YEARS
    )


def _part_of_year(text: str, m: re.Match[str], part: str | None, year: int) -> dt.date:
    """The last day of the part of ``year`` that ``m`` names (the whole year when none)."""
    if not FIRST.year <= year <= LAST.year:
        raise DeadlineError(_outside(text))
    if part == "half" and m.group("half") == "上":
        return dt.date(year, 6, 30)
    if part == "quarter":
        return end_of_month(year, _QUARTERS[m.group("quarter")] * 3)
    if part != "month":
        return dt.date(year, 12, 31)
    month = _month(m)
    if m.group("day"):
        return _day_of(text, year, month, int(m.group("day")))
    if m.group("ten") in _TEN_DAYS:
        return dt.date(year, month, _TEN_DAYS[m.group("ten")])
    return end_of_month(year, month)


def _month(m: re.Match[str]) -> int:
    raw = m.group("month")
    return int(raw) if raw.isdigit() else _MONTHS[raw]


def _day_of(text: str, year: int, month: int, day: int) -> dt.date:
    if not FIRST.year <= year <= LAST.year:
        raise DeadlineError(_outside(text))
    try:
        return dt.date(year, month, day)
    except ValueError:  # 2021年2月30日
        raise DeadlineError(_unreadable(text)) from None


def _unreadable(text: str) -> str:
    return _("cannot read 完成时限 {text!r}: {hint}").format(
        text=shown(text.strip()), hint=_(DEADLINE_HINT)
    )
