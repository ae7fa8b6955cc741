"""Report aggregates and their renderings, over a small history."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from szbiz.load import load
from szbiz.model import Event, History, Role, Status, TaskList
from szbiz.query import views
from szbiz.render.report import REPORT_FORMATS
from szbiz.render.sheet import Style
from szbiz.report import Light, build_report, light

from .conftest import TASKS

AT = dt.datetime(2020, 12, 1, tzinfo=dt.UTC)
AS_OF = dt.date(2020, 7, 1)


@pytest.fixture(scope="module")
def tasks() -> TaskList:
    return load(TASKS).tasks


def ev(task: int, status: Status, on: str) -> Event:
    return Event(task, status, dt.date.fromisoformat(on), "tester", AT)


# Area 10 (tasks 145–150): 145 due 2020-12-31, 146–149 due 2020-06-30, 150 due 2020-09-30.
HISTORY = History(
    (
        ev(146, Status.DONE, "2020-06-15"),  # on time
        ev(147, Status.DOING, "2020-05-01"),
        ev(147, Status.DONE, "2020-06-30"),  # on time: the deadline runs to the end of its day
        ev(148, Status.DONE, "2020-07-01"),  # late
        ev(150, Status.BLOCKED, "2020-06-01"),
        ev(145, Status.DROPPED, "2020-06-02"),
    )
)


def test_lights(tasks: TaskList) -> None:
    by_id = {v.task.id: v for v in views(tasks, HISTORY, AS_OF)}
    assert light(by_id[146], 30) is Light.ON_TIME
    assert light(by_id[147], 30) is Light.ON_TIME
    assert light(by_id[148], 30) is Light.LATE
    assert light(by_id[149], 30) is Light.OVERDUE
    assert light(by_id[150], 30) is Light.LATER
    assert light(by_id[150], 91) is Light.SOON
    assert light(by_id[145], 30) is Light.DROPPED


def test_area_numbers(tasks: TaskList) -> None:
    mine = [v for v in views(tasks, HISTORY, AS_OF) if v.task.area == 10]
    report = build_report(tasks, mine, AS_OF, 30, Role.LEAD)
    o = report.overall
    assert (o.total, o.done) == (6, 3)
    assert o.lights[Light.ON_TIME] == 2 and o.lights[Light.LATE] == 1
    assert o.lights[Light.OVERDUE] == 1 and o.lights[Light.LATER] == 1
    assert o.on_time_rate == pytest.approx(2 / 4)
    assert o.light is Light.OVERDUE
    assert [v.task.id for v in report.overdue] == [149]


def test_json_carries_the_numbers(tasks: TaskList) -> None:
    mine = [v for v in views(tasks, HISTORY, AS_OF) if v.task.area == 10]
    report = build_report(tasks, mine, AS_OF, 30, Role.LEAD)
    data = json.loads(REPORT_FORMATS["json"](report, "清单", Style()))
    assert data["as_of"] == "2020-07-01"
    assert data["overall"]["done"] == 3
    assert data["overall"]["lights"] == {
        "on_time": 2,
        "done_late": 1,
        "due_soon": 0,
        "overdue": 1,
        "not_yet_due": 1,
        "dropped": 1,
    }
    assert data["overall"]["on_time_rate"] == 0.5
    assert data["areas"] == [
        {
            "number": 10,
            "name": "加强劳动力市场监管",
            "total": 6,
            "done": 3,
            "status": {"todo": 1, "doing": 0, "done": 3, "blocked": 1, "dropped": 1},
            "lights": data["overall"]["lights"],
            "light": "overdue",
            "on_time_rate": 0.5,
        }
    ]
    assert data["agencies"][0]["name"] == "市人力资源保障局"
    assert data["overdue"] == [
        {
            "id": 149,
            "title": "推进人力资源服务业加快发展",
            "lead": ["市人力资源保障局"],
            "deadline": "2020-06-30",
            "days_late": 1,
            "status": "todo",
        }
    ]


def test_markdown(tasks: TaskList) -> None:
    mine = [v for v in views(tasks, HISTORY, AS_OF) if v.task.area == 10]
    report = build_report(tasks, mine, AS_OF, 30, Role.LEAD)
    md = REPORT_FORMATS["md"](report, "清单", Style())
    assert md.splitlines()[:4] == [
        "# 清单 · 截至 2020-07-01",
        "",
        "- 完成 3/6 (50%)",
        "- 🟢 按时完成 2 · 🔵 逾期完成 1 · 🔴 逾期未完成 1 · 🟡 30 天内到期 0 · ⚪ 未到期 1"
        " · ⚫ 已取消 1",
    ]
    assert "| 10 | 加强劳动力市场监管 | 🔴 | 3/6 | 2 | 1 | 0 | 1 | 1 |" in md
    assert "| 149 | 推进人力资源服务业加快发展 | 市人力资源保障局 | 2020-06-30 | 1 |" in md


def test_table_has_bars_and_lights(tasks: TaskList) -> None:
    mine = [v for v in views(tasks, HISTORY, AS_OF) if v.task.area == 10]
    report = build_report(tasks, mine, AS_OF, 30, Role.LEAD)
    text = REPORT_FORMATS["table"](report, "清单", Style(width=100))
    assert "完成 3/6 (50%) ███████████████░░░░░░░░░░░░░░░" in text
    assert "  10   加强劳动力市场监管   🔴   ██████░░░░░░    3/6    2    1    0    1    1" in text
    assert "\x1b[" not in text
