"""The ledger's new kinds of line: progress notes, extensions, retractions and parts.

Each is written on one line in a fixed key order and read back as it was;
lint says what is wrong with a line at its line and column; and each use case
(record, add_notes, extend, undo) appends all of its events or none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from szbiz.errors import LoadError, SzbizError, UsageError
from szbiz.ledger import (
    HEADER,
    add_notes,
    append_events,
    check_ledger,
    extend,
    format_event,
    ledger_text,
    parse_ledger,
    read_ledger,
    record,
    undo,
)
from szbiz.load import load
from szbiz.model import Event, Kind, Status, Task, TaskList, event_id

from .conftest import TASKS

CST = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 11, 27, 18, 0, tzinfo=CST)
AT_TEXT = "at: '2026-11-27T18:00:00+08:00'"
MAY_20, JUNE_1, JUNE_15 = dt.date(2020, 5, 20), dt.date(2020, 6, 1), dt.date(2020, 6, 15)
# Task 16: lead 市市场监管局, co-agencies 市公安局, 市商务局 …; deadline 2020-06-30.
LEAD, CO = "市市场监管局", "市公安局"


@pytest.fixture(scope="module")
def tasks() -> TaskList:
    return load(TASKS).tasks


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return tmp_path / "progress.yaml"


def the(tasks: TaskList, task_id: int) -> Task:
    task = tasks.task(task_id)
    assert task is not None
    return task


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


DONE = Event(16, Status.DONE, MAY_20, "张三", AT, ref="深府办〔2020〕18号", agency=CO)
NOTE = Event(16, None, JUNE_1, "李四", AT, note="已完成系统开发", ref="深市监函〔2020〕3号")
EXTENSION = Event(
    16,
    None,
    JUNE_15,
    "张三",
    AT,
    note="疫情影响",
    ref="深府办函〔2020〕5号",
    to=dt.date(2020, 9, 30),
)
RETRACTION = Event(16, None, JUNE_15, "张三", AT, note="号码录错", undo=event_id(NOTE))
LINES = {
    Kind.STATUS: (
        DONE,
        "- {task: 16, status: done, agency: 市公安局, on: 2020-05-20, by: 张三, "
        f"{AT_TEXT}, ref: 深府办〔2020〕18号}}",
    ),
    Kind.NOTE: (
        NOTE,
        f"- {{task: 16, on: 2020-06-01, by: 李四, {AT_TEXT}, note: 已完成系统开发, "
        "ref: 深市监函〔2020〕3号}",
    ),
    Kind.EXTEND: (
        EXTENSION,
        f"- {{task: 16, to: 2020-09-30, on: 2020-06-15, by: 张三, {AT_TEXT}, note: 疫情影响, "
        "ref: 深府办函〔2020〕5号}",
    ),
    Kind.UNDO: (
        RETRACTION,
        f"- {{task: 16, undo: '{event_id(NOTE)}', on: 2020-06-15, by: 张三, {AT_TEXT}, "
        "note: 号码录错}",
    ),
}


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_is_one_line_in_a_fixed_key_order(kind: Kind) -> None:
    event, line = LINES[kind]
    assert event.kind is kind
    assert format_event(event) == line
    assert parse_ledger((HEADER + line + "\n").encode(), "p.yaml").events == (event,)


def test_every_kind_reads_back_as_it_was_written() -> None:
    odd = Event(16, None, JUNE_1, "a, b: c", AT, note="#1 {x}", agency="各区政府（新区管委会）")
    digits = Event(16, None, JUNE_1, "甲", AT, undo="1234567890123456")  # hex like a number
    events = [e for e, _ in LINES.values()] + [odd, digits]
    assert parse_ledger(ledger_text(events).encode(), "p.yaml").events == tuple(events)


def test_an_old_ledger_reads_as_before() -> None:
    line = f"- {{task: 42, status: done, on: 2020-05-20, by: 张三, {AT_TEXT}, note: 已上线}}\n"
    (event,) = parse_ledger((HEADER + line).encode(), "p.yaml").events
    assert event == Event(42, Status.DONE, MAY_20, "张三", AT, note="已上线")
    assert (event.kind, event.agency, event.to, event.undo) == (Kind.STATUS, "", None, "")


BAD_LINES = {
    "status and to": (
        f"- {{task: 16, status: done, to: 2020-09-30, on: 2020-06-15, by: 甲, {AT_TEXT}}}\n",
        "7:32: task 16: status and to in one event; an event either sets a status, "
        "extends the deadline (to) or withdraws an event (undo): write one per line",
    ),
    "a note without note": (
        f"- {{task: 16, on: 2020-06-01, by: 甲, {AT_TEXT}, ref: r}}\n",
        "7:3: task 16: missing key 'status' (its new status); or note: for a progress note, "
        "to: for an extension, undo: for a retraction",
    ),
    "to outside the years": (
        f"- {{task: 16, to: 3020-09-30, on: 2020-06-15, by: 甲, {AT_TEXT}, ref: r}}\n",
        "7:18: task 16 → to: expected a date in the years 1900–2999, got '3020-09-30'",
    ),
    "undo not an id": (
        f"- {{task: 16, undo: 3F9A, on: 2020-06-15, by: 甲, {AT_TEXT}}}\n",
        "7:20: task 16: undo: expected the id of the event it withdraws, 16 lowercase hex "
        "digits like '3f9a0c1e2b4d5a6f', got '3F9A'",
    ),
}


@pytest.mark.parametrize("case", BAD_LINES)
def test_a_line_of_no_one_kind_is_an_error_at_its_place(
    ledger: Path, tasks: TaskList, case: str
) -> None:
    text, message = BAD_LINES[case]
    ledger.write_text(HEADER + text, encoding="utf-8")
    assert [str(p) for p in check_ledger(ledger, tasks)] == [f"{ledger}:{message}"]
    with pytest.raises(LoadError) as info:
        read_ledger(ledger)
    assert info.value.message == f"{ledger}:{message}"


LINT = {
    "an extension without ref or note": (
        [f"- {{task: 16, to: 2020-09-30, on: 2020-06-15, by: 甲, {AT_TEXT}}}"],
        [
            "7:3: error: task 16: an extension needs ref (the document that approved it) or "
            "note (why); record it with szbiz extend 16 --to 2020-09-30 --ref REF "
            "[extension-reason]"
        ],
    ),
    "undo naming no event": (
        [
            f"- {{task: 16, status: done, on: 2020-05-20, by: 甲, {AT_TEXT}}}",
            f"- {{task: 16, undo: '0123456789abcdef', on: 2020-06-15, by: 甲, {AT_TEXT}}}",
        ],
        ["8:20: error: task 16: undo 0123456789abcdef names no event of task 16 [unknown-event]"],
    ),
    "undo naming another task's event": (
        [
            f"- {{task: 16, status: done, on: 2020-05-20, by: 甲, {AT_TEXT}}}",
            "- {task: 17, undo: '"
            + event_id(Event(16, Status.DONE, MAY_20, "甲", AT))
            + f"', on: 2020-06-15, by: 甲, {AT_TEXT}}}",
        ],
        [
            "8:20: error: task 17: undo "
            + event_id(Event(16, Status.DONE, MAY_20, "甲", AT))
            + " names no event of task 17 [unknown-event]"
        ],
    ),
    "an agency not on the task": (
        [f"- {{task: 16, status: done, agency: 市税务局, on: 2020-05-20, by: 甲, {AT_TEXT}}}"],
        [
            "7:36: error: task 16: 市税务局 is not an agency of task 16; its agencies are "
            "市市场监管局、市公安局、市商务局、市人力资源保障局、深圳海关 [agency]"
        ],
    ),
    "two statuses on one day by two people": (
        [
            f"- {{task: 16, status: done, on: 2020-05-20, by: 甲, {AT_TEXT}}}",
            f"- {{task: 16, status: doing, on: 2020-05-20, by: 乙, {AT_TEXT}}}",
        ],
        [
            "8:3: warning: task 16: done by 甲 (line 7) and doing by 乙 (line 8) on 2020-05-20; "
            "the one recorded later stands: check which is right [conflict]"
        ],
    ),
}


@pytest.mark.parametrize("case", LINT)
def test_lint_names_each_problem_with_its_line_and_column(
    ledger: Path, tasks: TaskList, case: str
) -> None:
    lines, expected = LINT[case]
    ledger.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    problems = check_ledger(ledger, tasks)
    assert [f"{p.line}:{p.column}: {p.level}: {p.text} [{p.rule}]" for p in problems] == expected
    read_ledger(ledger)  # lint's complaint; the ledger still reads


def test_what_lint_does_not_complain_of(ledger: Path, tasks: TaskList) -> None:
    same_person = Event(16, Status.DOING, MAY_20, "张三", AT.replace(hour=19), agency=CO)
    other_part = Event(16, Status.DOING, MAY_20, "李四", AT.replace(hour=19), agency="市商务局")
    withdrawn = Event(16, Status.DOING, MAY_20, "李四", AT.replace(hour=20), agency=CO)
    events = [
        DONE,
        same_person,
        other_part,
        withdrawn,
        Event(16, None, JUNE_1, "李四", AT, undo=event_id(withdrawn)),
        NOTE,
        EXTENSION,
        RETRACTION,
        Event(16, Status.DONE, MAY_20, "张三", AT, agency=LEAD, ref="r"),
    ]
    ledger.write_text(ledger_text(events), encoding="utf-8")
    assert check_ledger(ledger, tasks, require_ref=True) == []


def test_require_ref_looks_at_the_done_that_stands(ledger: Path, tasks: TaskList) -> None:
    with_ref = Event(16, Status.DONE, MAY_20, "甲", AT, ref="r")
    without = Event(16, Status.DONE, JUNE_1, "甲", AT)
    events = [with_ref, without, Event(16, None, JUNE_15, "甲", AT, undo=event_id(without))]
    ledger.write_text(ledger_text(events), encoding="utf-8")
    assert check_ledger(ledger, tasks, require_ref=True) == []
    ledger.write_text(ledger_text(events[:2]), encoding="utf-8")
    assert [p.rule for p in check_ledger(ledger, tasks, require_ref=True)] == ["missing-ref"]


# --- the use cases ------------------------------------------------------------------


def test_record_says_since_when_a_task_stands_so(ledger: Path, tasks: TaskList) -> None:
    record(ledger, [16], Status.DONE, MAY_20, "张三", tasks=tasks)
    again = record(ledger, [16], Status.DONE, JUNE_1, "张三", tasks=tasks)
    (o,) = again.outcomes
    assert (o.event, o.before, o.after, o.since) == (None, Status.DONE, Status.DONE, MAY_20)
    evidence = record(
        ledger, [16], Status.DONE, JUNE_15, "张三", ref="深府办〔2020〕18号", tasks=tasks
    )
    (o,) = evidence.outcomes
    assert o.event is not None and o.event.on == JUNE_15
    assert (o.before, o.after, o.since) == (Status.DONE, Status.DONE, MAY_20)
    assert read_ledger(ledger).progress(the(tasks, 16), JUNE_15).done_on == MAY_20


def test_record_a_part(ledger: Path, tasks: TaskList) -> None:
    done = record(ledger, [16], Status.DONE, MAY_20, "张三", agency=CO, tasks=tasks)
    (o,) = done.outcomes
    assert (o.task, o.agency, o.before, o.after, o.since) == (
        16,
        CO,
        Status.TODO,
        Status.DONE,
        MAY_20,
    )
    assert done.events[0].agency == CO
    progress = read_ledger(ledger).progress(the(tasks, 16), JUNE_1)
    assert progress.status is Status.TODO
    assert [(p.agency, p.status) for p in progress.parts[:2]] == [
        (LEAD, Status.TODO),
        (CO, Status.DONE),
    ]
    # The single lead's part is the task's own status.
    (lead,) = record(ledger, [16], Status.DOING, JUNE_1, "张三", agency=LEAD, tasks=tasks).outcomes
    assert (lead.before, lead.after) == (Status.TODO, Status.DOING)
    (own,) = record(ledger, [16], Status.DOING, JUNE_1, "张三", tasks=tasks).outcomes
    assert own.event is None


def test_add_notes_changes_no_status(ledger: Path, tasks: TaskList) -> None:
    record(ledger, [16], Status.DONE, MAY_20, "张三", tasks=tasks)
    noted = add_notes(ledger, [16, 17], " 已上线 ", JUNE_1, "李四", ref="r", tasks=tasks)
    assert [(o.task, o.before, o.after, o.since) for o in noted.outcomes] == [
        (16, Status.DONE, Status.DONE, MAY_20),
        (17, Status.TODO, Status.TODO, None),
    ]
    assert [(e.task, e.kind, e.note, e.ref) for e in noted.events] == [
        (16, Kind.NOTE, "已上线", "r"),
        (17, Kind.NOTE, "已上线", "r"),
    ]
    history = read_ledger(ledger)
    assert history.progress(the(tasks, 16), JUNE_1).notes == (noted.events[0],)


def test_extend_records_the_new_deadline_and_says_the_old(ledger: Path, tasks: TaskList) -> None:
    to = dt.date(2020, 9, 30)
    done = extend(ledger, [16, 17], to, JUNE_15, "张三", ref="深府办函〔2020〕5号", tasks=tasks)
    assert [(o.task, o.was) for o in done.outcomes] == [
        (16, dt.date(2020, 6, 30)),
        (17, dt.date(2020, 3, 31)),
    ]
    assert all(e.to == to and e.kind is Kind.EXTEND for e in done.events)
    again = extend(ledger, [16], to, JUNE_15, "张三", ref="深府办函〔2020〕5号", tasks=tasks)
    assert again.events == ()  # already so, with nothing new
    later = extend(ledger, [16], dt.date(2020, 12, 31), JUNE_15, "张三", note="二次", tasks=tasks)
    assert [o.was for o in later.outcomes] == [to]
    history = read_ledger(ledger)
    assert history.progress(the(tasks, 16), JUNE_15).deadline == dt.date(2020, 12, 31)
    assert check_ledger(ledger, tasks) == []


def test_undo_withdraws_the_latest_standing_event_then_the_one_before(
    ledger: Path, tasks: TaskList
) -> None:
    record(ledger, [16], Status.DOING, MAY_20, "张三", tasks=tasks)
    (wrong,) = record(ledger, [16], Status.DONE, JUNE_1, "张三", tasks=tasks).events
    first = undo(ledger, 16, JUNE_15, "李四", note="录错", tasks=tasks)
    (o,) = first.outcomes
    assert (o.before, o.after, o.withdrawn) == (Status.DONE, Status.DOING, wrong)
    assert o.event is not None and o.event.undo == event_id(wrong) and o.event.note == "录错"
    second = undo(ledger, 16, JUNE_15, "李四", tasks=tasks)
    (o,) = second.outcomes
    assert (o.before, o.after, o.withdrawn and o.withdrawn.status) == (
        Status.DOING,
        Status.TODO,
        Status.DOING,
    )
    before = sha256(ledger)
    with pytest.raises(SzbizError) as info:
        undo(ledger, 16, JUNE_15, "李四", tasks=tasks)
    assert info.value.message == "task 16 has no event to withdraw"
    assert sha256(ledger) == before
    assert check_ledger(ledger, tasks) == []
    assert read_ledger(ledger).progress(the(tasks, 16), JUNE_15).status is Status.TODO


def test_undo_of_a_task_without_events_writes_nothing(ledger: Path) -> None:
    with pytest.raises(SzbizError, match=r"^task 16 has no event to withdraw$"):
        undo(ledger, 16, JUNE_15, "李四")
    assert not ledger.exists()


def test_usage_errors_leave_the_ledger_as_it_was(ledger: Path, tasks: TaskList) -> None:
    record(ledger, [1], Status.DOING, MAY_20, "张三", tasks=tasks)
    before = sha256(ledger)
    refused = [
        lambda: record(ledger, [1, 16], Status.DONE, JUNE_1, "甲", agency="市税务局", tasks=tasks),
        lambda: add_notes(ledger, [1, 16], "进展", JUNE_1, "甲", agency="市税务局", tasks=tasks),
        lambda: add_notes(ledger, [1], "  ", JUNE_1, "甲"),
        lambda: extend(ledger, [1, 16], dt.date(2020, 9, 30), JUNE_1, "甲"),
        lambda: extend(ledger, [1], dt.date(3000, 1, 1), JUNE_1, "甲", ref="r"),
        lambda: record(ledger, [1], Status.DONE, JUNE_1, "甲", note="\udcff"),
    ]
    messages = []
    for call in refused:
        with pytest.raises(UsageError) as info:
            call()
        messages.append(info.value.message)
        assert sha256(ledger) == before
    assert messages == [
        "市税务局 is not an agency of task 16; its agencies are "
        "市市场监管局、市公安局、市商务局、市人力资源保障局、深圳海关",
        "市税务局 is not an agency of task 16; its agencies are "
        "市市场监管局、市公安局、市商务局、市人力资源保障局、深圳海关",
        "szbiz note needs TEXT: what progress was made",
        "szbiz extend needs --ref (the document that approved it) or --note (why)",
        "--to 3000-01-01: expected a day in the years 1900–2999",
        "--note holds the byte 0xff, which is not UTF-8; set the terminal to UTF-8, "
        "or type the text again",
    ]


def test_events_of_new_kinds_that_lint_would_reject_are_refused(ledger: Path) -> None:
    record(ledger, [1], Status.DOING, MAY_20, "张三")
    before = sha256(ledger)
    bad = [
        Event(16, Status.DONE, JUNE_1, "甲", AT, to=dt.date(2020, 9, 30), ref="r"),
        Event(16, None, JUNE_1, "甲", AT),
        Event(16, None, JUNE_1, "甲", AT, to=dt.date(2020, 9, 30)),
        Event(16, None, JUNE_1, "甲", AT, undo="XYZ"),
    ]
    messages = []
    for event in bad:
        with pytest.raises(SzbizError) as info:
            append_events(ledger, [NOTE, event])
        messages.append(info.value.message)
        assert sha256(ledger) == before
    at = "cannot record the event: task 16 →"
    assert messages == [
        f"{at} status and to: an event is of one kind",
        f"{at} note: a progress note must not be empty",
        f"{at} an extension needs a ref or a note",
        f"{at} undo: expected 16 lowercase hex digits, got 'XYZ'",
    ]
