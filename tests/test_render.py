"""Renderers shared by the listings, the report and the 督办单: what a user sees."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from szbiz.load import load
from szbiz.model import Event, History, Role, Status, TaskList
from szbiz.query import TaskView, views
from szbiz.render.report import REPORT_FORMATS
from szbiz.render.sheet import (
    Column,
    Sheet,
    Style,
    md_cell,
    md_row,
    render,
)
from szbiz.render.views import state_label
from szbiz.report import build_report

from .conftest import TASKS, TEST_DATA, run

LEDGER = TEST_DATA / "report" / "progress.yaml"
AT = dt.datetime(2020, 7, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def tasks() -> TaskList:
    return load(TASKS).tasks


def view_of(tasks: TaskList, task_id: int, *events: tuple[Status, str]) -> TaskView:
    history = History(
        tuple(Event(task_id, s, dt.date.fromisoformat(on), "tester", AT) for s, on in events)
    )
    task = tasks.task(task_id)
    assert task is not None
    return views(tasks, history, dt.date(2020, 7, 1), [task])[0]


# -- State labels ---------------------------------------------------------------------------


def test_overdue_tasks_keep_their_status(tasks: TaskList) -> None:
    """Task 149 is due 2020-06-30; as of 2020-07-01 it is a day late unless finished."""
    assert state_label(view_of(tasks, 149)) == "逾期"
    assert state_label(view_of(tasks, 149, (Status.DOING, "2020-06-01"))) == "进行中·逾期"
    assert state_label(view_of(tasks, 149, (Status.BLOCKED, "2020-06-01"))) == "受阻·逾期"
    assert state_label(view_of(tasks, 149, (Status.DONE, "2020-07-01"))) == "已完成(逾期)"
    assert state_label(view_of(tasks, 149, (Status.DONE, "2020-06-30"))) == "已完成"
    assert state_label(view_of(tasks, 149, (Status.DROPPED, "2020-06-01"))) == "已取消"
    # Task 150 is due 2020-09-30: not late yet.
    assert state_label(view_of(tasks, 150, (Status.BLOCKED, "2020-06-01"))) == "受阻"


def test_list_shows_the_state_labels() -> None:
    ids = "84,91,146,148,149"
    result = run(
        "list", "--ids", ids, "--as-of", "2020-07-01", "--progress", str(LEDGER), "-f", "md"
    )
    assert result.stdout == (
        "| 序号 | 领域 | 措施 | 牵头单位 | 完成时限 | 状态 |\n"
        "| --: | --: | :-- | :-- | :-- | :-- |\n"
        "| 84 | 7 | 推动进出口物流作业全流程无纸化 | 市交通运输局 | 2020-06-30 | 进行中·逾期 |\n"
        "| 91 | 7 | 试点陆路口岸“一站式”通关模式 | 市口岸办 | 2020-06-30 | 受阻·逾期 |\n"
        "| 146 | 10 | 规范准入类职业资格管理 | 市人力资源保障局 | 2020-06-30 | 已完成 |\n"
        "| 148 | 10 | 开展第三方技能人才评价工作试点 | 市人力资源保障局 | 2020-06-30 "
        "| 已完成(逾期) |\n"
        "| 149 | 10 | 推进人力资源服务业加快发展 | 市人力资源保障局 | 2020-06-30 | 逾期 |\n"
        "\n"
        "5 tasks · 3 overdue\n"
    )


# -- Days: singular and plural --------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "as_of", "line"),
    [
        ("149", "2020-06-29", "完成时限   2020年6月底 (2020-06-30) · 1 day left"),
        ("149", "2020-06-28", "完成时限   2020年6月底 (2020-06-30) · 2 days left"),
        ("149", "2020-06-30", "完成时限   2020年6月底 (2020-06-30) · due today"),
        ("149", "2020-07-01", "完成时限   2020年6月底 (2020-06-30) · 1 day late"),
        ("149", "2020-07-02", "完成时限   2020年6月底 (2020-06-30) · 2 days late"),
        (
            "148",
            "2020-07-01",
            "完成时限   2020年6月底 (2020-06-30) · done on 2020-07-01, 1 day late",
        ),
        ("146", "2020-07-01", "完成时限   2020年6月底 (2020-06-30) · done on 2020-06-15, on time"),
    ],
)
def test_show_says_day_or_days(task: str, as_of: str, line: str) -> None:
    result = run("show", task, "--as-of", as_of, "--progress", str(LEDGER))
    assert line in result.stdout.splitlines()


def test_show_keeps_the_status_of_an_overdue_task() -> None:
    result = run("show", "84", "--as-of", "2020-07-01", "--progress", str(LEDGER))
    assert "状态       进行中·逾期 (overdue) as of 2020-07-01" in result.stdout.splitlines()


# -- ids: what names a row ------------------------------------------------------------------


def test_ids_of_agencies_are_their_names() -> None:
    result = run("agencies", "--kind", "central", "-f", "ids")
    assert (result.exit_code, result.stdout) == (
        0,
        "市税务局\n人民银行深圳中心支行\n深圳海关\n市通信管理局\n深圳银保监局\n"
        "证券登记结算机构\n深圳海事局\n深圳证监局\n深圳边检总站\n",
    )


def test_ids_of_areas_are_their_numbers() -> None:
    result = run("areas", "-f", "ids")
    assert (result.exit_code, result.stdout) == (0, "".join(f"{n}\n" for n in range(1, 15)))


def test_ids_of_the_log_are_its_tasks_once_each() -> None:
    """Tasks 147 and 148 have two events each; xargs gets each task once."""
    result = run("log", "--as-of", "2020-07-01", "--progress", str(LEDGER), "-f", "ids")
    assert (result.exit_code, result.stdout) == (0, "1\n147\n85\n148\n150\n145\n84\n146\n89\n91\n")


def test_ids_prints_the_sheets_id_key() -> None:
    columns = (Column("name", "单位"), Column("n", "数"))
    rows = ({"name": "甲", "n": 1}, {"name": "乙", "n": 2}, {"name": "甲", "n": 3})
    assert render("ids", Sheet(columns, rows, id_key="name"), Style()) == "甲\n乙\n"
    assert render("ids", Sheet(columns, rows, id_key="n"), Style()) == "1\n2\n3\n"
    assert render("ids", Sheet(columns, rows), Style()) == ""  # no "id" column


# -- Markdown cells -------------------------------------------------------------------------


def test_md_cell_keeps_a_row_on_one_line() -> None:
    assert md_cell("等海关|边检\n联合验收") == "等海关\\|边检 联合验收"
    assert md_cell("a\r\nb\rc\td") == "a b c d"
    assert md_cell(None) == ""
    assert md_cell(["市口岸办", "市商务局"]) == "市口岸办、市商务局"
    assert md_row(["1", "a|b", "x\ny"]) == "| 1 | a\\|b | x y |"


def test_report_markdown_escapes_titles(tasks: TaskList) -> None:
    task = tasks.task(149)
    assert task is not None
    odd = dataclasses.replace(task, title="推进|人力资源\n服务业", lead=("市人力资源保障局",))
    report = build_report(tasks, History(), dt.date(2020, 7, 1), [odd])
    md = REPORT_FORMATS["md"](report, "清单", Style())
    assert md.splitlines()[-1] == (
        "| 149 | 推进\\|人力资源 服务业 | 市人力资源保障局 | 2020-06-30 | 未开始 | 1 |"
    )


def test_report_table_keeps_an_odd_title_on_one_line(tasks: TaskList) -> None:
    task = tasks.task(149)
    assert task is not None
    odd = dataclasses.replace(task, title="推进|人力资源\n服务业")
    report = build_report(tasks, History(), dt.date(2020, 7, 1), [odd])
    text = REPORT_FORMATS["table"](report, "清单", Style())
    assert text.splitlines()[-1] == (
        " 149   推进|人力资源 服务业   市人力资源保障局   2020-06-30   未开始          1"
    )


# -- Long tables, fast ----------------------------------------------------------------------


def test_report_lists_every_overdue_task_over_a_long_list(tasks: TaskList) -> None:
    """3,000 tasks, over 2,000 overdue: each on its own line, in deadline order."""
    many = [
        dataclasses.replace(t, id=i, title=f"{t.title}（{i}）")
        for i, t in enumerate((tasks.tasks * 15)[:3000], start=1)
    ]
    big = dataclasses.replace(tasks, tasks=tuple(many))
    found = views(big, History(), dt.date(2020, 7, 1))
    report = build_report(big, History(), dt.date(2020, 7, 1), many, 30, Role.LEAD, limit=0)
    lines = REPORT_FORMATS["table"](report, "清单", Style()).splitlines()
    start = lines.index("逾期任务（时限早者在前）") + 3
    assert len(lines) - start == len(report.overdue) == sum(v.overdue for v in found)
    assert [int(line.split()[0]) for line in lines[start:]] == [v.task.id for v in report.overdue]


def test_every_format_the_cli_offers_has_a_renderer() -> None:
    from typing import get_args

    from szbiz.cli.data import LintFormat
    from szbiz.cli.export import ExportFormat
    from szbiz.cli.options import OutputFormat
    from szbiz.cli.report import ChaseFormat, ReportFormat
    from szbiz.render.chase import CHASE_FORMATS
    from szbiz.render.export import EXPORTS
    from szbiz.render.problems import PROBLEM_FORMATS
    from szbiz.render.sheet import SHEET_FORMATS

    assert set(get_args(OutputFormat)) == set(SHEET_FORMATS)
    assert set(get_args(ReportFormat)) == set(REPORT_FORMATS)
    assert set(get_args(ChaseFormat)) == set(CHASE_FORMATS)
    assert set(get_args(ExportFormat)) == set(EXPORTS)
    assert set(get_args(LintFormat)) - {"auto"} == set(PROBLEM_FORMATS)
