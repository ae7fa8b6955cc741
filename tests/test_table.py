"""The terminal table drawn without rich is the table rich draws."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from szbiz.render.sheet import Column, Style, plain_table, rich_table

from .conftest import run

EXAMPLES = 5000 if os.environ.get("CI") else 500

WORDS = st.sampled_from(
    [
        "市税务局",
        "申领发票和税控设备即时办结",
        "2020-06-30",
        "逾期",
        "42",
        "a",
        "tax office",
        "深圳市 2020 年",
        "“一站式”",
        "🟢",
        "é",
        "  ",
        "x" * 30,
        "",
        "[bold]",
        "、",
        "a\u200d",  # rich measures a joiner its own way: rich draws such a table
        "👨\u200d👩",
    ]
)
# Text that rich sets on one line; a line break or control code goes to rich itself.
TEXT = st.lists(WORDS, max_size=4).map(" ".join) | st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12
)
COLUMN = st.builds(
    Column,
    key=st.just("k"),
    header=st.sampled_from(["序号", "措施", "牵头单位", "id", "完成时限", "", "x" * 12, "状态 "]),
    justify=st.sampled_from(["left", "right", "center"]),
    flexible=st.booleans(),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[Column], list[list[str]], str, Style]:
    columns = draw(st.lists(COLUMN, min_size=1, max_size=7))
    rows = draw(st.integers(0, 5))
    cells = [[draw(TEXT) for _ in range(rows)] for _ in columns]
    footer = draw(
        st.sampled_from(["", "", "2 tasks", "19 tasks · 市税务局 (lead 13, support 6)", "x" * 90])
    )
    width = draw(st.integers(1, 40) | st.integers(40, 160))
    style = Style(width=width, color=draw(st.booleans()))
    return columns, cells, footer, style


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_plain_table_is_rich_table(table: tuple[list[Column], list[list[str]], str, Style]) -> None:
    columns, cells, footer, style = table
    drawn = plain_table(columns, cells, footer, style)
    if drawn is not None:
        assert drawn == rich_table(columns, cells, footer, style)


def test_a_listing_is_drawn_without_rich() -> None:
    columns = [
        Column("id", "序号", "right"),
        Column("title", "措施", flexible=True),
        Column("lead", "牵头单位", flexible=True),
        Column("deadline", "完成时限"),
    ]
    cells = [
        ["5", "42"],
        ["申领发票和税控设备即时办结", "推进人力资源服务业加快发展"],
        ["市税务局", "市人力资源保障局、市税务局"],
        ["2020-01-31", "2020-06-30"],
    ]
    for width in (60, 100, 200):
        for color in (False, True):
            style = Style(width=width, color=color)
            drawn = plain_table(columns, cells, "2 tasks", style)
            assert drawn is not None, width
            assert drawn == rich_table(columns, cells, "2 tasks", style)


def test_list_on_a_terminal_needs_no_rich_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """`szbiz list` draws its table itself, exactly as rich would."""
    import szbiz.render.sheet as sheet

    argv = ("list", "--agency", "市税务局", "--format", "table", "--as-of", "2020-07-01")
    env = {"COLUMNS": "100"}
    drawn = run(*argv, env=env)

    def refuse(*args: Any) -> str:
        raise AssertionError("rich drew the table")

    with monkeypatch.context() as patch:
        patch.setattr(sheet, "rich_table", refuse)
        assert run(*argv, env=env).stdout == drawn.stdout
    with monkeypatch.context() as patch:
        patch.setattr(sheet, "plain_table", lambda *args: None)
        assert run(*argv, env=env).stdout == drawn.stdout
    assert drawn.stdout.splitlines()[1] == "─" * 100  # the table fills the width
