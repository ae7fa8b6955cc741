"""Pure filters and sorts over the list as it stood on a day."""

from __future__ import annotations

import datetime as dt

import pytest

from szbiz.errors import UsageError
from szbiz.load import load
from szbiz.model import Event, History, Role, Status, TaskList
from szbiz.query import (
    Filter,
    SortKey,
    TaskView,
    find,
    parse_ids,
    resolve_area,
    sort,
    views,
)

from .conftest import TASKS

AT = dt.datetime(2020, 8, 1, tzinfo=dt.UTC)
JAN = dt.date(2020, 1, 1)


@pytest.fixture(scope="module")
def tasks() -> TaskList:
    return load(TASKS).tasks


def ids(items: list[TaskView]) -> list[int]:
    return [v.task.id for v in items]


def event(task: int, status: Status, on: dt.date) -> Event:
    return Event(task, status, on, "tester", AT)


def test_agency_filter_any_role(tasks: TaskList) -> None:
    found = find(tasks, History(), JAN, Filter(agencies=("市税务局",)))
    assert len(found) == 19
    lead = Filter(agencies=("市税务局",), role=Role.LEAD)
    assert len(find(tasks, History(), JAN, lead)) == 13
    support = Filter(agencies=("市税务局",), role=Role.SUPPORT)
    assert len(find(tasks, History(), JAN, support)) == 6


def test_several_agencies_mean_any(tasks: TaskList) -> None:
    both = find(tasks, History(), JAN, Filter(agencies=("市税务局", "深圳海关")))
    tax = set(ids(find(tasks, History(), JAN, Filter(agencies=("市税务局",)))))
    customs = set(ids(find(tasks, History(), JAN, Filter(agencies=("深圳海关",)))))
    assert set(ids(both)) == tax | customs


def test_deadline_window_is_inclusive(tasks: TaskList) -> None:
    assert len(find(tasks, History(), JAN, Filter(due_before=dt.date(2020, 6, 30)))) == 153
    assert len(find(tasks, History(), JAN, Filter(due_after=dt.date(2020, 7, 1)))) == 57
    june = Filter(due_after=dt.date(2020, 6, 30), due_before=dt.date(2020, 6, 30))
    assert len(find(tasks, History(), JAN, june)) == 125


def test_area_and_search_and_ids(tasks: TaskList) -> None:
    all_views = views(tasks, History(), dt.date(2020, 1, 1))
    assert ids(find(tasks, History(), JAN, Filter(areas=(10,)))) == [145, 146, 147, 148, 149, 150]
    found = ids(find(tasks, History(), JAN, Filter(words=("发票", "税控"))))
    # Task 1 mentions 发票 but not 税控; every word must appear.
    assert 1 not in found
    assert {5, 9} <= set(found)
    for view in all_views:
        text = view.task.title + view.task.description
        assert (view.task.id in found) == ("发票" in text and "税控" in text)
    assert ids(find(tasks, History(), JAN, Filter(ids=frozenset({3, 42})))) == [3, 42]


def test_status_and_overdue_as_of(tasks: TaskList) -> None:
    history = History((event(42, Status.DONE, dt.date(2020, 5, 20)),))
    # Task 42 was due 2020-03-31: overdue before it was done, done late after.
    before = {v.task.id: v for v in views(tasks, history, dt.date(2020, 4, 1))}
    assert before[42].overdue and before[42].status is Status.TODO
    after = {v.task.id: v for v in views(tasks, history, dt.date(2020, 8, 1))}
    assert after[42].status is Status.DONE and not after[42].overdue and after[42].done_late
    assert after[42].done_on == dt.date(2020, 5, 20)
    found = find(tasks, history, dt.date(2020, 8, 1), Filter(states=("done",)))
    assert ids(found) == [42]


def test_deadline_runs_to_end_of_day(tasks: TaskList) -> None:
    on_the_day = {v.task.id: v for v in views(tasks, History(), dt.date(2020, 6, 30))}
    assert not on_the_day[4].overdue  # due 2020-06-30
    assert on_the_day[4].days_left == 0
    next_day = {v.task.id: v for v in views(tasks, History(), dt.date(2020, 7, 1))}
    assert next_day[4].overdue
    assert next_day[4].state == "overdue"


def test_sorts(tasks: TaskList) -> None:
    all_views = views(tasks, History(), dt.date(2020, 1, 1))
    by_deadline = sort(all_views, SortKey.DEADLINE)
    assert [v.task.deadline for v in by_deadline] == sorted(v.task.deadline for v in all_views)
    assert ids(by_deadline)[:3] == [1, 2, 3]
    by_agency = sort(all_views, SortKey.AGENCY, [a.name for a in tasks.agencies])
    assert by_agency[0].task.lead[0] == tasks.agencies[0].name
    assert ids(sort(list(reversed(all_views)), SortKey.ID)) == list(range(1, 211))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1-3,42", [1, 2, 3, 42]),
        ("7", [7]),
        ("1 - 2， 5", [1, 2, 5]),
        ("209-210", [209, 210]),
        ("42,3-4,3,42", [42, 3, 4]),
    ],
)
def test_parse_ids(text: str, expected: list[int]) -> None:
    assert parse_ids(text, tuple(range(1, 211))) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1-x", "cannot read '1-x'; write ids and ranges like 1-16,42"),
        ("5-3", "the range '5-3' runs backwards; write 3-5"),
        ("0", "task 0 does not exist; ids are 1–210"),
        ("200-211", "task 211 does not exist; ids are 1–210"),
        ("", "cannot read ''; write ids and ranges like 1-16,42"),
    ],
)
def test_bad_ids(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_ids(text, tuple(range(1, 211)))
    assert info.value.message == message


def test_resolve_area(tasks: TaskList) -> None:
    assert resolve_area("8", tasks) == 8
    assert resolve_area("八", tasks) == 8
    assert resolve_area("纳税", tasks) == 6
    with pytest.raises(UsageError, match=r"area 15 does not exist; areas are 1–14"):
        resolve_area("15", tasks)
    with pytest.raises(UsageError, match=r"'深化' matches 3 areas"):
        resolve_area("深化", tasks)
    with pytest.raises(UsageError, match=r"unknown area '火星'"):
        resolve_area("火星", tasks)


def test_events_between() -> None:
    from szbiz.query import events_between

    later = Event(3, Status.DONE, dt.date(2020, 5, 20), "b", AT)
    first = Event(3, Status.DOING, dt.date(2020, 5, 1), "a", AT)
    other = Event(4, Status.DONE, dt.date(2020, 5, 10), "a", AT)
    history = History((later, first, other))
    assert events_between(history) == [first, other, later]
    assert events_between(history, 3) == [first, later]
    assert events_between(history, since=dt.date(2020, 5, 2)) == [other, later]
    assert events_between(history, until=dt.date(2020, 5, 10)) == [first, other]


def test_agency_tasks_split_lead_and_support(tasks: TaskList) -> None:
    from szbiz.query import agency_tasks

    lead, support = agency_tasks(tasks, History(), dt.date(2020, 1, 1), "市税务局")
    assert len(lead) == 13 and len(support) == 6
    assert [v.task.deadline for v in lead] == sorted(v.task.deadline for v in lead)
    assert not {v.task.id for v in lead} & {v.task.id for v in support}


def test_due_window() -> None:
    from szbiz.query import due_window

    day = dt.date(2020, 6, 1)
    assert due_window(day) == (None, dt.date(2020, 7, 1))
    assert due_window(day, overdue=True) == (None, dt.date(2020, 5, 31))
    assert due_window(day, within="10d") == (day, dt.date(2020, 6, 11))
    assert due_window(day, within=" 10 ") == due_window(day, within="+10d")
    assert due_window(day, before="2020-06-30", after="2020-06-02") == (
        dt.date(2020, 6, 2),
        dt.date(2020, 6, 30),
    )
    with pytest.raises(UsageError, match="lies in the past"):
        due_window(day, within="-1d")


FILTERS = [
    Filter(),
    Filter(agencies=("市税务局",)),
    Filter(agencies=("市税务局",), role=Role.LEAD),
    Filter(agencies=("市税务局", "深圳海关"), role=Role.SUPPORT),
    Filter(areas=(10, 3)),
    Filter(due_before=dt.date(2020, 6, 30)),
    Filter(due_after=dt.date(2020, 7, 1), due_before=dt.date(2020, 9, 30)),
    Filter(ids=frozenset({3, 42, 200})),
    Filter(words=("发票", "税控")),
    Filter(agencies=("市税务局",), words=("发票",), due_before=dt.date(2020, 3, 31)),
]


@pytest.mark.parametrize("condition", FILTERS, ids=repr)
def test_a_filter_chooses_the_tasks_it_admits(tasks: TaskList, condition: Filter) -> None:
    """A filter picks the tasks it admits, in list order."""
    expected = [task for task in tasks.tasks if condition.admits(task)]
    assert condition.chosen(tasks) == expected
    assert ids(find(tasks, History(), JAN, condition)) == [task.id for task in expected]


def test_a_replaced_list_finds_its_own_tasks(tasks: TaskList) -> None:
    import dataclasses

    reversed_list = dataclasses.replace(tasks, tasks=tuple(reversed(tasks.tasks)))
    assert reversed_list.task(1) == tasks.task(1)
    assert ids(find(reversed_list, History(), dt.date(2020, 1, 1), Filter(ids=frozenset({1})))) == [
        1
    ]
