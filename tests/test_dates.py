"""Dates as the document writes them and as people type them."""

from __future__ import annotations

import datetime as dt

import pytest

from szbiz.dates import (
    SHANGHAI,
    DateError,
    end_of_month,
    now,
    parse_date,
    parse_document_deadline,
    today,
)

from .conftest import run

BASE = dt.date(2020, 5, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-06-30", dt.date(2020, 6, 30)),
        ("2020-6-3", dt.date(2020, 6, 3)),
        ("2020/6/30", dt.date(2020, 6, 30)),
        ("2020.6.30", dt.date(2020, 6, 30)),
        ("20200630", dt.date(2020, 6, 30)),
        ("2020/06", dt.date(2020, 6, 30)),
        ("2020-06", dt.date(2020, 6, 30)),
        ("2020-02", dt.date(2020, 2, 29)),
        ("2020-12", dt.date(2020, 12, 31)),
        ("2999-12", dt.date(2999, 12, 31)),
        ("2020年6月底", dt.date(2020, 6, 30)),
        ("2020 年 1 月底", dt.date(2020, 1, 31)),
        ("2020年6月", dt.date(2020, 6, 30)),
        ("6月底", dt.date(2020, 6, 30)),
        ("2020年6月30日", dt.date(2020, 6, 30)),
        ("6月30日", dt.date(2020, 6, 30)),
        ("6/30", dt.date(2020, 6, 30)),
        ("6-30", dt.date(2020, 6, 30)),
        ("06/30", dt.date(2020, 6, 30)),
        ("12-31", dt.date(2020, 12, 31)),
        ("today", BASE),
        ("TODAY", BASE),
        ("+30d", dt.date(2020, 6, 14)),
        ("-2w", dt.date(2020, 5, 1)),
        ("+1m", dt.date(2020, 6, 15)),
        ("+1y", dt.date(2021, 5, 15)),
        ("eom", dt.date(2020, 5, 31)),
        ("eoq", dt.date(2020, 6, 30)),
        ("eoy", dt.date(2020, 12, 31)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text, BASE) == expected


@pytest.mark.parametrize(
    "text",
    [
        *("2020-13-01", "2020-02-30", "x", "+d", "", "13月底", "2020/13/30", "2020-13", "2020-00"),
        *("6/31", "13-01", "2-30", "0/1", "6/30/2020", "6.30", "123/4"),
    ],
)
def test_unreadable_dates(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text, BASE)
    assert str(info.value) == f"cannot read {text!r} as a date; try 2020-06-30, 2020年6月底 or +30d"


@pytest.mark.parametrize("day", ["6/30", "6-30", "6月30日"])
def test_a_day_without_its_year_is_in_the_as_of_year(day: str) -> None:
    # As of 2020-01-01 (not this year): area 10's tasks due by 2020-06-30.
    args = ("--as-of", "2020-01-01", "--format", "ids", "--area", "10")
    result = run("due", "--before", day, *args)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "146\n147\n148\n149\n"


def test_document_deadline_is_end_of_month() -> None:
    assert parse_document_deadline("2020年2月底") == dt.date(2020, 2, 29)
    assert parse_document_deadline("2020年1月") == dt.date(2020, 1, 31)
    assert parse_document_deadline("明年") is None
    assert parse_document_deadline("6月底") is None  # no year to assume


def test_today_is_the_date_in_shanghai() -> None:
    now = dt.datetime.now(dt.UTC)
    shanghai = (now + dt.timedelta(hours=8)).date()
    assert today() in (shanghai, (now + dt.timedelta(hours=8, seconds=5)).date())


def test_now_is_the_time_in_shanghai_to_the_second() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    moment = now()
    after = dt.datetime.now(dt.UTC)
    assert before <= moment <= after
    assert (moment.utcoffset(), moment.microsecond) == (dt.timedelta(hours=8), 0)
    assert moment.tzinfo is SHANGHAI and str(SHANGHAI) == "Asia/Shanghai"
    assert moment.isoformat().endswith("+08:00")


def test_end_of_month_from_the_calendar() -> None:
    assert [end_of_month(2020, m).day for m in range(1, 13)] == [
        31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    ]  # fmt: skip
    assert (end_of_month(2019, 2), end_of_month(1900, 2), end_of_month(2000, 2)) == (
        dt.date(2019, 2, 28),
        dt.date(1900, 2, 28),
        dt.date(2000, 2, 29),
    )
    assert (end_of_month(1, 1), end_of_month(9999, 12)) == (dt.date(1, 1, 31), dt.date.max)
    for year, month in ((2020, 0), (2020, 13), (2020, -1), (0, 12), (10000, 1)):
        with pytest.raises(ValueError):
            end_of_month(year, month)


HINT = "try 2020-06-30, 2020年6月底 or +30d"


@pytest.mark.parametrize(
    ("as_of", "before"),
    [
        ("2020-07-01", "2020-13"),
        ("2020-07-01", "2020-00"),
        ("2020-07-01", "0000-12"),
        ("2020-07-01", "10000-01"),
    ],
)
def test_a_date_off_the_calendar_is_one_line(as_of: str, before: str) -> None:
    result = run("due", "--as-of", as_of, "--before", before)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: cannot read {before!r} as a date; {HINT}\n"


@pytest.mark.parametrize(
    ("as_of", "before"),
    [
        ("2999-12-31", "+1m"),
        ("2999-12-31", "+1d"),
        ("2999-12-31", "+1y"),
        ("2999-12-01", "+5w"),
        ("1900-01-01", "-1d"),
        ("1900-01-31", "-1m"),
        ("1900-06-30", "-1y"),
    ],
)
def test_a_span_past_the_supported_years_is_one_line(as_of: str, before: str) -> None:
    result = run("due", "--as-of", as_of, "--before", before)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: --before {before} from {as_of} is outside the years szbiz supports, 1900–2999\n"
    )


@pytest.mark.parametrize(
    ("as_of", "before", "ids"),
    [
        ("2020-07-01", "2999-12", 210),  # 2999-12-31: every deadline
        ("2999-12-31", "eom", 210),
        ("2999-12-31", "eoq", 210),
        ("2999-12-31", "eoy", 210),
        ("2999-11-30", "+1m", 210),
        ("1900-01-01", "1900-01", 0),
        ("1900-02-01", "-1m", 0),
        ("1900-02-28", "eom", 0),
    ],
)
def test_the_first_and_last_years_read(as_of: str, before: str, ids: int) -> None:
    result = run("due", "--as-of", as_of, "--before", before, "-f", "ids")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == ids
