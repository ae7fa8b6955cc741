"""完成时限 as reform lists write them, read by dates.read_deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from szbiz import i18n
from szbiz.dates import DeadlineError, parse_document_deadline, read_deadline
from tests.conftest import SOURCE

D = dt.date

# (cell, the document's year, the day it falls on; None = ongoing)
READ = [
    # What the 2020 list writes.
    ("2020年6月底", None, D(2020, 6, 30)),
    ("2020 年 1 月底", None, D(2020, 1, 31)),
    ("2020 年 1 月", None, D(2020, 1, 31)),
    ("2020年12月", 1999, D(2020, 12, 31)),
    ("6月底", 2020, D(2020, 6, 30)),
    # The year's end.
    ("2021年底", None, D(2021, 12, 31)),
    ("2021年年底", None, D(2021, 12, 31)),
    ("2021年底前", None, D(2021, 12, 31)),
    ("2021年末", None, D(2021, 12, 31)),
    ("年底前", 2021, D(2021, 12, 31)),
    ("年底", 2021, D(2021, 12, 31)),
    ("年内", 2021, D(2021, 12, 31)),
    ("2021年内", None, D(2021, 12, 31)),
    ("2021年", None, D(2021, 12, 31)),
    ("2022年前", 2021, D(2022, 12, 31)),
    # A month runs to its end.
    ("6月底前", 2021, D(2021, 6, 30)),
    ("6月前", 2021, D(2021, 6, 30)),
    ("6月", 2021, D(2021, 6, 30)),
    ("2月", 2024, D(2024, 2, 29)),
    ("2021年6月底前", None, D(2021, 6, 30)),
    ("2021年9月", None, D(2021, 9, 30)),
    ("十二月底", 2021, D(2021, 12, 31)),
    ("十一月", 2021, D(2021, 11, 30)),
    ("三月底前", 2021, D(2021, 3, 31)),
    ("6月上旬", 2021, D(2021, 6, 10)),
    ("6月中旬", 2021, D(2021, 6, 20)),
    ("6月下旬", 2021, D(2021, 6, 30)),
    # A day.
    ("2021年6月15日前", None, D(2021, 6, 15)),
    ("2021年6月15日", None, D(2021, 6, 15)),
    ("6月15日", 2021, D(2021, 6, 15)),
    ("2021-06-30", None, D(2021, 6, 30)),
    ("2021/6/30", None, D(2021, 6, 30)),
    ("2021-06-30 00:00:00", None, D(2021, 6, 30)),  # a date cell as a spreadsheet reader writes it
    # Quarters and halves.
    ("第一季度", 2021, D(2021, 3, 31)),
    ("第二季度", 2021, D(2021, 6, 30)),
    ("第三季度", 2021, D(2021, 9, 30)),
    ("三季度", 2021, D(2021, 9, 30)),
    ("3季度末", 2021, D(2021, 9, 30)),
    ("第三季度末", 2021, D(2021, 9, 30)),
    ("第4季度", 2021, D(2021, 12, 31)),
    ("2022年第一季度", 2021, D(2022, 3, 31)),
    ("2021年四季度末", None, D(2021, 12, 31)),
    ("上半年", 2021, D(2021, 6, 30)),
    ("2021年上半年", None, D(2021, 6, 30)),
    ("下半年", 2021, D(2021, 12, 31)),
    ("2021年下半年", None, D(2021, 12, 31)),
    # The document's year, said in words.
    ("今年6月底", 2021, D(2021, 6, 30)),
    ("明年6月底前", 2021, D(2022, 6, 30)),
    ("次年第一季度", 2021, D(2022, 3, 31)),
    # Spaces, full-width digits, 前/以前/之前.
    ("  2021年6月底  ", None, D(2021, 6, 30)),
    ("２０２１年６月底", None, D(2021, 6, 30)),
    ("６月底前", 2021, D(2021, 6, 30)),
    ("2021年6月以前", None, D(2021, 6, 30)),
    ("2021年6月之前", None, D(2021, 6, 30)),
    ("年底之前", 2021, D(2021, 12, 31)),
    ("2021年6月底前。", None, D(2021, 6, 30)),
    # Several deadlines: the last one stated, in the year the cell stated before it.
    ("2021年6月底前启动，年底前完成", None, D(2021, 12, 31)),
    ("2021年6月底前启动，年底前完成", 2030, D(2021, 12, 31)),
    ("2021年12月底前出台方案，2022年6月底前全面实施", None, D(2022, 6, 30)),
    ("2022年6月底前完成，2021年底前启动", None, D(2021, 12, 31)),  # the last stated, not the latest
    ("6月底前启动，9月底前完成", 2021, D(2021, 9, 30)),
    ("2021年6月底前完成，此后持续推进", None, D(2021, 6, 30)),
    # Ongoing.
    ("持续推进", None, None),
    ("长期坚持", 2021, None),
    ("长期", None, None),
    ("持续", None, None),
    ("常态化推进", None, None),
    ("长期推进", None, None),
    (" 持续推进 ", None, None),
    ("持续推进。", None, None),
    ("持续推进，每年更新", None, None),
    ("", None, None),
    ("   ", None, None),
    ("\u3000", None, None),
]


@pytest.mark.parametrize(("text", "year", "day"), READ)
def test_read_deadline(text: str, year: int | None, day: dt.date | None) -> None:
    assert read_deadline(text, year) == day


UNREADABLE = "expected like 2021年6月底, 年底前, 第三季度 or 持续推进"
REFUSED = [
    ("xx", 2021, f"cannot read 完成时限 'xx': {UNREADABLE}"),
    ("到底", 2021, f"cannot read 完成时限 '到底': {UNREADABLE}"),
    ("按国家部署", 2021, f"cannot read 完成时限 '按国家部署': {UNREADABLE}"),
    ("13月", 2021, f"cannot read 完成时限 '13月': {UNREADABLE}"),
    ("13月", None, f"cannot read 完成时限 '13月': {UNREADABLE}"),
    ("0月底", 2021, f"cannot read 完成时限 '0月底': {UNREADABLE}"),
    ("2021年2月30日", None, f"cannot read 完成时限 '2021年2月30日': {UNREADABLE}"),
    ("2021-13-01", None, f"cannot read 完成时限 '2021-13-01': {UNREADABLE}"),
    ("6月底", None, "完成时限 '6月底' needs the document's year; give --year"),
    ("年底前", None, "完成时限 '年底前' needs the document's year; give --year"),
    ("第三季度", None, "完成时限 '第三季度' needs the document's year; give --year"),
    ("上半年", None, "完成时限 '上半年' needs the document's year; give --year"),
    ("明年6月", None, "完成时限 '明年6月' needs the document's year; give --year"),
    (
        "6月底前启动，2021年底前完成",
        None,
        "完成时限 '6月底前启动，2021年底前完成' needs the document's year; give --year",
    ),
    (
        "1899年底",
        None,
        "完成时限 '1899年底' names a year outside the years szbiz supports, 1900–2999",
    ),
    (
        "3000年6月底",
        None,
        "完成时限 '3000年6月底' names a year outside the years szbiz supports, 1900–2999",
    ),
    (
        "0001-01-01",
        None,
        "完成时限 '0001-01-01' names a year outside the years szbiz supports, 1900–2999",
    ),
    ("年底", 3000, "完成时限 '年底' names a year outside the years szbiz supports, 1900–2999"),
    ("6月", 0, "完成时限 '6月' names a year outside the years szbiz supports, 1900–2999"),
]


@pytest.mark.parametrize(("text", "year", "message"), REFUSED)
def test_read_deadline_refuses(text: str, year: int | None, message: str) -> None:
    with pytest.raises(DeadlineError) as caught:
        read_deadline(text, year)
    assert str(caught.value) == message


def test_hostile_cells_are_refused_not_crashed() -> None:
    huge = "99999999999999999999年底"
    with pytest.raises(DeadlineError) as caught:
        read_deadline(huge, 2021)
    assert str(caught.value) == (
        f"完成时限 {huge!r} names a year outside the years szbiz supports, 1900–2999"
    )
    # More digits than int() reads (Python refuses 4,300 and more) is the same refusal.
    with pytest.raises(DeadlineError, match="names a year outside"):
        read_deadline("9" * 10_000 + "年底", 2021)
    # A 10,000-character cell: quoted cut short, on one line.
    with pytest.raises(DeadlineError) as caught:
        read_deadline("无" * 10_000, 2021)
    assert str(caught.value) == f"cannot read 完成时限 '{'无' * 40}…': {UNREADABLE}"
    assert read_deadline("年底前，" * 2_500, 2021) == D(2021, 12, 31)
    # Control characters are quoted as escapes, never written as they are.
    with pytest.raises(DeadlineError) as caught:
        read_deadline("\x1b[2J6\x07", None)
    assert str(caught.value) == f"cannot read 完成时限 '\\x1b[2J6\\x07': {UNREADABLE}"
    # The year, then 6月底 in it: a control character between them only parts them.
    assert read_deadline("2021年\x006月底", None) == D(2021, 6, 30)
    assert read_deadline("\t2021年6月底\n", None) == D(2021, 6, 30)


def test_read_deadline_reads_the_2020_list_as_parse_document_deadline() -> None:
    """Every 完成时限 of the 2020 source: the same day by either reader."""
    cells = [
        line.split("\t")[5].strip()
        for line in SOURCE.read_text(encoding="utf-8").splitlines()
        if line.count("\t") == 5 and line.split("\t")[5].strip() != "完成时限"
    ]
    assert len(cells) == 210
    for cell in cells:
        assert read_deadline(cell, None) == parse_document_deadline(cell) is not None


def test_messages_are_translated() -> None:
    i18n.use("zh")
    try:
        for text, year in (("xx", 2021), ("6月底", None), ("3000年底", None)):
            with pytest.raises(DeadlineError) as caught:
                read_deadline(text, year)
            message = str(caught.value)
            assert text in message
            assert not any(word in message for word in ("cannot", "needs", "outside"))
    finally:
        i18n.reset()
