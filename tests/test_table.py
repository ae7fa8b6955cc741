"""The terminal table (szbiz.render.table): its rules, as a user sees them."""

from __future__ import annotations

import datetime as dt

from szbiz.load import load
from szbiz.model import History
from szbiz.query import views
from szbiz.render.sheet import Column, Sheet, Style, render
from szbiz.render.views import task_detail

from .conftest import TASKS, run

COLUMNS = (
    Column("id", "序号", justify="right"),
    Column("title", "措施", flexible=True),
    Column("lead", "牵头单位"),
    Column("days", "天数", justify="right"),
)
ROWS = (
    {"id": 5, "title": "申领发票和税控设备即时办结", "lead": "市税务局", "days": 7},
    {"id": 123, "title": "tax office", "lead": ["市口岸办", "深圳海关"], "days": 1234},
)


def table(width: int, color: bool = False, rows: tuple[dict[str, object], ...] = ROWS) -> str:
    return render("table", Sheet(COLUMNS, rows, f"{len(rows)} tasks"), Style(width, color))


def test_columns_are_as_wide_as_their_widest_cell_in_terminal_cells() -> None:
    """A Chinese character takes two cells; numbers are right-justified, as is their header."""
    assert table(80) == (
        "序号   措施                         牵头单位             天数\n"
        "─────────────────────────────────────────────────────────────\n"
        "   5   申领发票和税控设备即时办结   市税务局                7\n"
        " 123   tax office                   市口岸办、深圳海关   1234\n"
        "2 tasks\n"
    )


def test_a_flexible_column_is_cut_with_an_ellipsis_to_fit() -> None:
    assert table(40) == (
        "序号   措施    牵头单位             天数\n"
        "────────────────────────────────────────\n"
        "   5   申领…   市税务局                7\n"
        " 123   tax …   市口岸办、深圳海关   1234\n"
        "2 tasks\n"
    )


def test_half_a_wide_character_is_a_space() -> None:
    """At its floor (4 cells) 措施 has room for 申 and half of 领: a space takes that half."""
    assert table(33).splitlines()[2:4] == [
        "   5   申 …   市税务局                7",
        " 123   tax…   市口岸办、深圳海关   1234",
    ]


def test_a_table_that_cannot_fit_stays_wider_than_the_terminal() -> None:
    """Only flexible columns give up width, and not below their floor."""
    assert table(10) == table(33)
    assert len(table(10).splitlines()[1]) == 39


def test_the_widest_flexible_column_gives_up_width_first() -> None:
    columns = (
        Column("a", "甲", flexible=True),
        Column("b", "乙", flexible=True),
        Column("c", "丙"),
    )
    rows = ({"a": "x" * 14, "b": "y" * 10, "c": "z"},)

    def drawn(width: int) -> list[str]:
        return render("table", Sheet(columns, rows), Style(width)).splitlines()[2:]

    assert drawn(32) == ["xxxxxxxxxxxxxx   yyyyyyyyyy   z"]
    assert drawn(30) == ["xxxxxxxxxxx…   yyyyyyyyyy   z"]
    assert drawn(26) == ["xxxxxxxx…   yyyyyyyy…   z"]  # level: the two give up alike
    assert drawn(25) == ["xxxxxxxx…   yyyyyyy…   z"]  # the odd cell: from the one on the right
    assert drawn(10) == ["xxx…   yyy…   z"]


def test_colour_is_a_bold_header_and_a_dim_footer() -> None:
    assert table(80, color=True) == (
        "\x1b[1m序号   措施                         牵头单位             天数\x1b[0m\n"
        "─────────────────────────────────────────────────────────────\n"
        "   5   申领发票和税控设备即时办结   市税务局                7\n"
        " 123   tax office                   市口岸办、深圳海关   1234\n"
        "\x1b[2m2 tasks\x1b[0m\n"
    )


def test_without_colour_there_is_no_escape_code() -> None:
    for width in (10, 40, 80):
        assert "\x1b" not in table(width)
    result = run("report", "--as-of", "2020-07-01")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout


def test_data_cannot_drive_the_terminal() -> None:
    """Tabs and line breaks become spaces; other control codes and bidi controls show as
    visible escapes, measured like any text."""
    odd = ({"id": 1, "title": "a\tb\r\nc\x1b[31m\u202eevil\u2066x\x85y\x9bz", "lead": "\x07"},)
    assert table(80, rows=odd) == (
        "序号   措施                                        牵头单位   天数\n"
        "──────────────────────────────────────────────────────────────────\n"
        "   1   a b c\\x1b[31m<U+202E>evil<U+2066>x y\\x9bz   \\x07\n"
        "1 tasks\n"
    )
    assert table(40, rows=odd) == (
        "序号   措施              牵头单位   天数\n"
        "────────────────────────────────────────\n"
        "   1   a b c\\x1b[31m<…   \\x07\n"
        "1 tasks\n"
    )
    footer = render("table", Sheet(COLUMNS, odd, "\x1b]0;title\x07"), Style(80))
    assert footer.splitlines()[-1] == "\\x1b]0;title\\x07"


def test_an_empty_table_is_its_header() -> None:
    assert table(80, rows=()) == (
        "序号   措施   牵头单位   天数\n─────────────────────────────\n0 tasks\n"
    )


def test_list_fits_a_narrow_terminal() -> None:
    result = run(
        "list", "--ids", "1-3", "-f", "table", "--as-of", "2020-02-01", env={"COLUMNS": "60"}
    )
    assert result.stdout == (
        "序号   领域   措施           牵头单位      完成时限     状态\n"
        "────────────────────────────────────────────────────────────\n"
        "   1      1   升级“开办企…   市市场监管…   2020-01-31   逾期\n"
        "   2      1   开办企业“一…   市政务服务…   2020-01-31   逾期\n"
        "   3      1   压缩开办企 …   市市场监管…   2020-01-31   逾期\n"
        "3 tasks · 3 overdue\n"
    )


SHOW_40 = """\
序号       42
领域       3 优化市政设施接入服务
措施       加强用气办理便利度
           在推行容缺受理的基础上，增加
           邮寄办理、服务管家代办等服务
           。推广引导客户通过各类政务信
           息查询渠道，使用电子证照办理
           相关业务。全面推广工商企业全
           生命周期管家式服务，客户报装
           燃气和使用燃气由统一的服务管
           家，统一对接客户，为客户提供
           后续用气服务。
牵头单位   市燃气集团 (国有企业)
责任单位   —
完成时限   2020年3月底 (2020-03-31) · 30
           days left
状态       未开始 (todo) as of
           2020-03-01
"""


def test_show_wraps_long_values_at_the_terminal_width() -> None:
    """The measure folds at the width; a line with spaces breaks between words."""
    result = run("show", "42", "--as-of", "2020-03-01", env={"COLUMNS": "40"})
    assert result.stdout == SHOW_40


def test_show_in_colour_has_bold_keys() -> None:
    tasks = load(TASKS).tasks
    task = tasks.task(42)
    assert task is not None
    [view] = views(tasks, History(), dt.date(2020, 3, 1), [task])
    drawn = task_detail(view, tasks, [], Style(100, color=True)).splitlines()
    assert drawn[0] == "\x1b[1m序号\x1b[0m       42"
    assert (
        drawn[3] == "           在推行容缺受理的基础上，增加邮寄办理、服务管家代办等服务。"
        "推广引导客户通过各类政务信息查"
    )
