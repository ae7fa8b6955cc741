"""Report aggregates and their renderings, over a small history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence

import pytest

from szbiz.load import load
from szbiz.model import AgencyKind, Area, Event, History, Role, Status, Task, TaskList
from szbiz.query import Filter, TaskView, find, views
from szbiz.render.report import REPORT_FORMATS
from szbiz.render.sheet import Style, percent
from szbiz.report import Light, Scope, Tally, build_report, light

from .conftest import TASKS

AT = dt.datetime(2020, 12, 1, tzinfo=dt.UTC)
AS_OF = dt.date(2020, 7, 1)


def tally(items: Sequence[TaskView], warn_days: int) -> Tally:
    """The counts the report should give, worked out view by view."""
    statuses = Counter(v.status for v in items)
    lights = Counter(light(v, warn_days) for v in items)
    return Tally(len(items), {s: statuses[s] for s in Status}, {k: lights[k] for k in Light})


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


def area_10(tasks: TaskList) -> list[Task]:
    return [t for t in tasks.tasks if t.area == 10]


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
    report = build_report(tasks, HISTORY, AS_OF, area_10(tasks), 30, Role.LEAD)
    o = report.overall
    assert (o.total, o.done) == (6, 3)
    assert o.lights[Light.ON_TIME] == 2 and o.lights[Light.LATE] == 1
    assert o.lights[Light.OVERDUE] == 1 and o.lights[Light.LATER] == 1
    assert o.on_time_rate == pytest.approx(2 / 4)
    assert o.light is Light.OVERDUE
    assert [v.task.id for v in report.overdue] == [149]


def test_json_carries_the_numbers(tasks: TaskList) -> None:
    report = build_report(tasks, HISTORY, AS_OF, area_10(tasks), 30, Role.LEAD)
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
        "ongoing": 0,
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
    report = build_report(tasks, HISTORY, AS_OF, area_10(tasks), 30, Role.LEAD, areas=[10])
    md = REPORT_FORMATS["md"](report, "清单", Style())
    assert md.splitlines()[:7] == [
        "# 清单 · 截至 2020-07-01",
        "",
        "范围：领域 10 加强劳动力市场监管",
        "",
        "- 完成 3/6 (50%)",
        "- 未开始 1 · 进行中 0 · 已完成 3 · 受阻 1 · 已取消 1",
        "- 🟢 按时完成 2 · 🔵 逾期完成 1 · 🔴 逾期未完成 1 · 🟡 30 天内到期 0 · ⚪ 未到期 1"
        " · ⚫ 已取消 1",
    ]
    assert (
        "| 10 | 加强劳动力市场监管 | 🔴 | 3/6 | 1 | 0 | 1 | 1 | 2 | 1 | 0 | 1 | 1 | 1 | 50% |" in md
    )
    assert "| 149 | 推进人力资源服务业加快发展 | 市人力资源保障局 | 2020-06-30 | 未开始 | 1 |" in md


def test_table_has_bars_and_lights(tasks: TaskList) -> None:
    report = build_report(tasks, HISTORY, AS_OF, area_10(tasks), 30, Role.LEAD)
    text = REPORT_FORMATS["table"](report, "清单", Style(width=100)).splitlines()
    assert text[2] == "完成 3/6 (50%) ███████████████░░░░░░░░░░░░░░░"
    assert (
        "  10   加强劳动力市场监管   🔴   ██████░░░░░░    3/6        1        0      1        1"
        in text
    )
    assert "  10   加强劳动力市场监管    2    1    0    1    1    1      50%" in text
    assert not any("\x1b[" in line for line in text)


def test_every_row_adds_up(tasks: TaskList) -> None:
    """By status and by light, each area's and agency's counts add up to its total."""
    report = build_report(tasks, HISTORY, AS_OF, tasks.tasks, 30, Role.ANY)
    for _, t in (*report.areas, *report.agencies, (None, report.overall)):
        assert sum(t.statuses.values()) == sum(t.lights.values()) == t.total
    assert report.overall.total == 210
    assert sum(t.total for _, t in report.areas) == 210


def test_scope_is_part_of_the_report(tasks: TaskList) -> None:
    report = build_report(
        tasks, HISTORY, AS_OF, [], 30, Role.ANY, agencies=["市残联", "市残联"], areas=[1, 10, 1]
    )
    assert report.scope == Scope(
        ("市残联",), (Area(1, "深化商事登记制度改革"), Area(10, "加强劳动力市场监管")), Role.ANY
    )
    assert report.empty and report.overall.total == 0
    assert (report.areas, report.agencies, report.overdue) == ((), (), ())
    assert build_report(tasks, HISTORY, AS_OF, []).scope == Scope()


def test_an_agency_both_lead_and_support_counts_once(tasks: TaskList) -> None:
    task = tasks.task(149)
    assert task is not None
    both = dataclasses.replace(task, support=("市人力资源保障局", "市残联"))
    report = build_report(tasks, HISTORY, AS_OF, [both], 30, Role.ANY)
    assert [(a.name, t.total) for a, t in report.agencies] == [
        ("市人力资源保障局", 1),
        ("市残联", 1),
    ]


def test_rates_round_half_up() -> None:
    """1 of 8 is 12.5%: 13%, not 12% (floor, or Python's round to even)."""
    statuses = {s: 0 for s in Status}
    lights = {k: 0 for k in Light} | {Light.ON_TIME: 1, Light.LATE: 3, Light.OVERDUE: 4}
    statuses[Status.DONE], statuses[Status.TODO] = 4, 4
    counts = Tally(8, statuses, lights)
    assert (counts.on_time, counts.due, counts.on_time_rate) == (1, 8, 0.125)
    assert [percent(n, 8) for n in (0, 1, 3, 4, 5, 8)] == ["0%", "13%", "38%", "50%", "63%", "100%"]
    assert (percent(2, 3), percent(1, 3), percent(1, 200), percent(1, 201)) == (
        "67%",
        "33%",
        "1%",
        "0%",
    )
    assert percent(0, 0) == "–"


LEDGERS = [
    History(),
    HISTORY,
    History(
        (
            ev(1, Status.DONE, "2020-01-31"),
            ev(5, Status.DONE, "2020-02-15"),  # late
            ev(9, Status.BLOCKED, "2020-01-10"),
            ev(42, Status.DOING, "2020-03-01"),
            ev(42, Status.DONE, "2020-09-01"),  # after the as-of day: still doing
            ev(200, Status.DROPPED, "2020-04-01"),
        )
    ),
]


@pytest.mark.parametrize("history", LEDGERS)
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("as_of", [dt.date(2020, 1, 1), AS_OF, dt.date(2021, 1, 1)])
def test_the_report_counts_what_the_views_say(
    tasks: TaskList, history: History, role: Role, as_of: dt.date
) -> None:
    """Counted from the deadlines and the ledger, each row is the tally of its tasks' views."""
    for condition in (Filter(), Filter(agencies=("市税务局",)), Filter(areas=(10, 1))):
        found = find(tasks, history, as_of, condition)
        chosen = [v.task for v in found]
        report = build_report(tasks, history, as_of, chosen, 30, role, limit=0)
        assert report.overall == tally(found, 30)
        assert report.areas == tuple(
            (a, tally([v for v in found if v.task.area == a.number], 30))
            for a in tasks.areas
            if any(v.task.area == a.number for v in found)
        )
        for agency, counts in report.agencies:
            mine = [v for v in found if agency.name in v.task.agencies(role)]
            assert counts == tally(mine, 30)
        assert {a.name for a, _ in report.agencies} == {
            name for v in found for name in v.task.agencies(role)
        }
        overdue = sorted(
            (v for v in found if v.overdue), key=lambda v: (v.task.deadline, v.task.id)
        )
        assert report.overdue == tuple(overdue)


def test_a_limited_report_lists_the_most_overdue_and_counts_the_rest(tasks: TaskList) -> None:
    everything = tasks.tasks
    full = build_report(tasks, History(), AS_OF, everything, limit=0)
    assert len(full.overdue) == full.overall.lights[Light.OVERDUE] == 153
    assert full.overdue_unlisted == 0
    top = build_report(tasks, History(), AS_OF, everything, limit=10)
    assert top.overdue == full.overdue[:10]
    assert [v.task.deadline for v in top.overdue] == [dt.date(2020, 1, 31)] * 9 + [
        dt.date(2020, 2, 29)
    ]
    assert top.overdue_unlisted == 143
    assert top.overall == full.overall and top.areas == full.areas
    assert build_report(tasks, History(), AS_OF, everything).overdue == full.overdue


def test_the_warning_window_may_run_off_the_calendar(tasks: TaskList) -> None:
    """A window past 9999-12-31 holds every deadline not yet passed."""
    late = dt.date(9999, 12, 1)
    report = build_report(tasks, History(), late, tasks.tasks, 10**6)
    assert report.overall.lights[Light.OVERDUE] == 210
    task = dataclasses.replace(tasks.tasks[0], deadline=dt.date.max)
    report = build_report(tasks, History(), late, [task], 10**6)
    assert report.overall.lights[Light.SOON] == 1


@pytest.mark.parametrize("history", LEDGERS)
def test_agency_and_area_counts_follow_the_ledger(tasks: TaskList, history: History) -> None:
    """Counted from the heads, as the views of every task say."""
    from szbiz.report import agency_stats, area_stats

    for as_of in (dt.date(2020, 1, 1), AS_OF, dt.date(2021, 1, 1)):
        every = views(tasks, history, as_of)
        for stats in agency_stats(tasks, history, as_of):
            name = stats.agency.name
            mine = [v for v in every if name in v.task.lead + v.task.support]
            assert stats.lead == sum(name in v.task.lead for v in mine)
            assert stats.support == sum(name not in v.task.lead for v in mine)
            assert stats.overdue == sum(v.overdue for v in mine)
            assert stats.done == sum(v.status is Status.DONE for v in mine)
        for area in area_stats(tasks, history, as_of):
            mine = [v for v in every if v.task.area == area.area.number]
            assert (area.total, area.done, area.overdue) == (
                len(mine),
                sum(v.status is Status.DONE for v in mine),
                sum(v.overdue for v in mine),
            )
            assert sum(area.deadlines.values()) == len(mine)
            assert min(area.deadlines) == min(v.task.deadline for v in mine)
    kinds = {s.agency.kind for s in agency_stats(tasks, history, AS_OF, [AgencyKind.DISTRICT])}
    assert kinds == {AgencyKind.DISTRICT}


def test_one_warning_window() -> None:
    """The report, the exports and `szbiz due` look the same 30 days ahead."""
    import inspect

    from szbiz.cli.report import report as command
    from szbiz.query import DEFAULT_DUE_DAYS
    from szbiz.report import WARN_DAYS

    assert WARN_DAYS == DEFAULT_DUE_DAYS == 30
    assert inspect.signature(build_report).parameters["warn_days"].default == WARN_DAYS
    assert inspect.signature(command).parameters["warn_days"].default == WARN_DAYS
