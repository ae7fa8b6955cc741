"""The progress model: what a task's events make of it on a day.

A done date that evidence added later keeps, progress notes, retractions,
extensions (延期) and each agency's part, all as of a day, and the same
whatever order a union merge puts the ledger's lines in.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
import xxhash

from szbiz.ledger import format_event, ledger_text, parse_ledger
from szbiz.model import (
    Area,
    Document,
    Event,
    History,
    Kind,
    Part,
    Role,
    Status,
    Task,
    TaskList,
    event_id,
)
from szbiz.query import Filter, SortKey, find, sort, views
from szbiz.report import Light, build_report, light

CST = dt.timezone(dt.timedelta(hours=8))
JUNE_30 = dt.date(2020, 6, 30)

# 42: one lead and two co-agencies; 43: two leads; 44: no events at all.
TASK = Task(
    id=42,
    area=1,
    title="推行电子发票",
    description="",
    lead=("市税务局",),
    lead_note="",
    support=("市市场监管局", "市公安局"),
    support_note="",
    deadline=JUNE_30,
    deadline_text="2020年6月底",
)
TWO_LEADS = Task(
    43, 1, "两家牵头", "", ("市税务局", "市公安局"), "", ("市商务局",), "", JUNE_30, ""
)
QUIET = Task(44, 1, "无人问津", "", ("市商务局",), "", (), "", dt.date(2020, 3, 31), "")
TASKS = TaskList(Document("d", "i", 2020, "s"), (Area(1, "领域"),), (), (TASK, TWO_LEADS, QUIET))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


_clock = iter(range(10**6))


def event(task: int = 42, on: str = "2020-05-20", **fields: object) -> Event:
    """An event recorded a minute after the one before, so that (on, at) orders them."""
    at = dt.datetime(2026, 1, 1, tzinfo=CST) + dt.timedelta(minutes=next(_clock))
    values: dict[str, object] = {"status": None, "by": "张三"} | fields
    return Event(task, on=day(on), at=at, **values)  # type: ignore[arg-type]


def done(on: str, **fields: object) -> Event:
    return event(on=on, status=Status.DONE, **fields)


def progress(events: list[Event], as_of: str, task: Task = TASK) -> object:
    return History(tuple(events)).progress(task, day(as_of))


# --- done dates that stay put -------------------------------------------------------


def test_evidence_added_later_keeps_the_done_date() -> None:
    first = done("2020-06-20")
    evidence = done("2020-07-22", ref="深税发〔2020〕30号")
    history = History((first, evidence))
    before = history.progress(TASK, day("2020-07-01"))
    after = history.progress(TASK, day("2020-08-01"))
    assert (before.status, before.done_on, before.last) == (Status.DONE, day("2020-06-20"), first)
    assert (after.status, after.done_on, after.last) == (Status.DONE, day("2020-06-20"), evidence)
    (view,) = views(TASKS, history, day("2020-08-01"), [TASK])
    assert (view.done_late, light(view, 30)) == (False, Light.ON_TIME)


def test_done_again_after_reopening_takes_the_new_date() -> None:
    events = [done("2020-05-01"), event(on="2020-05-10", status=Status.TODO), done("2020-07-03")]
    p = History(tuple(events)).progress(TASK, day("2020-08-01"))
    assert (p.status, p.done_on, p.since) == (Status.DONE, day("2020-07-03"), day("2020-07-03"))
    (view,) = views(TASKS, History(tuple(events)), day("2020-08-01"), [TASK])
    assert (view.done_late, light(view, 30)) == (True, Light.LATE)


def test_a_status_other_than_done_has_no_done_date_but_a_since() -> None:
    events = [
        event(on="2020-04-01", status=Status.DOING),
        event(on="2020-05-01", status=Status.DOING),
    ]
    p = History(tuple(events)).progress(TASK, day("2020-06-01"))
    assert (p.status, p.done_on, p.since) == (Status.DOING, None, day("2020-04-01"))


def test_a_note_changes_no_status_and_shows_from_its_day() -> None:
    made = done("2020-05-20")
    note = event(on="2020-06-01", note="已完成系统开发", ref="深税函〔2020〕1号")
    history = History((made, note))
    assert history.progress(TASK, day("2020-05-31")).notes == ()
    p = history.progress(TASK, day("2020-06-01"))
    assert (p.status, p.done_on, p.last, p.notes) == (Status.DONE, day("2020-05-20"), made, (note,))
    assert note.kind is Kind.NOTE
    assert history.last(42, day("2020-06-01")) == made  # a note is no status event


def test_a_task_without_events_is_todo_against_its_own_deadline() -> None:
    p = History((done("2020-05-01"),)).progress(QUIET, day("2020-07-01"))
    assert (p.status, p.last, p.done_on, p.since, p.deadline) == (
        Status.TODO,
        None,
        None,
        None,
        dt.date(2020, 3, 31),
    )
    assert (p.extensions, p.notes, p.withdrawn) == ((), (), frozenset())
    assert p.parts == (Part("市商务局", Role.LEAD, Status.TODO, None),)
    assert History().progress(TASK, day("2020-07-01")).parts == (
        Part("市税务局", Role.LEAD, Status.TODO, None),
        Part("市市场监管局", Role.SUPPORT, Status.TODO, None),
        Part("市公安局", Role.SUPPORT, Status.TODO, None),
    )


# --- retractions --------------------------------------------------------------------


def test_undo_restores_the_prior_status_from_its_day() -> None:
    doing = event(on="2020-05-01", status=Status.DOING)
    wrong = done("2020-05-20")
    undo = event(on="2020-06-01", undo=event_id(wrong), note="号码录错")
    history = History((doing, wrong, undo))
    still = history.progress(TASK, day("2020-05-31"))
    assert (still.status, still.done_on, still.withdrawn) == (
        Status.DONE,
        day("2020-05-20"),
        frozenset(),
    )
    p = history.progress(TASK, day("2020-06-01"))
    assert (p.status, p.last, p.done_on) == (Status.DOING, doing, None)
    assert p.withdrawn == {event_id(wrong)}
    assert history.of(42) == (doing, wrong, undo)  # every event is still there
    assert (history.last(42, day("2020-06-01")), history.status(42, day("2020-06-01"))) == (
        doing,
        Status.DOING,
    )
    (view,) = views(TASKS, history, day("2020-07-01"), [TASK])
    assert (view.overdue, light(view, 30)) == (True, Light.OVERDUE)


def test_a_withdrawn_note_extension_or_part_is_gone() -> None:
    note = event(on="2020-05-01", note="写错了")
    extension = event(on="2020-05-02", to=day("2020-12-31"), ref="深府办函〔2020〕5号")
    part = event(on="2020-05-03", status=Status.DONE, agency="市公安局")
    undos = [event(on="2020-05-04", undo=event_id(e)) for e in (note, extension, part)]
    p = History((note, extension, part, *undos)).progress(TASK, day("2020-05-04"))
    assert (p.notes, p.extensions, p.deadline) == ((), (), JUNE_30)
    assert p.parts[2] == Part("市公安局", Role.SUPPORT, Status.TODO, None)


def test_a_retraction_of_another_task_s_event_withdraws_nothing() -> None:
    other = event(task=43, on="2020-05-01", status=Status.DONE)
    mine = done("2020-05-01")
    stray = event(on="2020-05-02", undo=event_id(other))
    history = History((other, mine, stray))
    assert history.progress(TWO_LEADS, day("2020-06-01")).status is Status.DONE


def test_by_id_finds_every_event() -> None:
    events = (done("2020-05-01"), event(on="2020-05-02", note="n"))
    history = History(events)
    assert [history.by_id(event_id(e)) for e in events] == list(events)
    assert history.by_id("0" * 16) is None


# --- extensions ---------------------------------------------------------------------


EXTENSION = event(on="2020-06-15", to=day("2020-09-30"), ref="深府办函〔2020〕5号")


def test_an_extension_sets_the_deadline_in_force_from_its_day() -> None:
    history = History((EXTENSION,))
    (july,) = views(TASKS, history, day("2020-07-01"), [TASK])
    assert (july.deadline, july.deadline_original, july.extended) == (
        day("2020-09-30"),
        JUNE_30,
        True,
    )
    assert (july.overdue, july.days_left, light(july, 30), july.extensions) == (
        False,
        91,
        Light.LATER,
        (EXTENSION,),
    )
    (before,) = views(TASKS, history, day("2020-06-14"), [TASK])
    assert (before.deadline, before.extended, before.days_left) == (JUNE_30, False, 16)
    (long_after,) = views(TASKS, history, day("2020-10-01"), [TASK])
    assert (long_after.overdue, light(long_after, 30)) == (True, Light.OVERDUE)


def test_done_after_the_document_s_deadline_but_within_the_extension_is_on_time() -> None:
    history = History((EXTENSION, done("2020-08-01")))
    (view,) = views(TASKS, history, day("2020-12-01"), [TASK])
    assert (view.done_late, light(view, 30)) == (False, Light.ON_TIME)


def test_the_last_extension_counts() -> None:
    again = event(on="2020-09-01", to=day("2020-12-31"), note="二次延期")
    p = History((again, EXTENSION)).progress(TASK, day("2020-10-01"))
    assert (p.deadline, p.extensions) == (day("2020-12-31"), (EXTENSION, again))
    assert History((again, EXTENSION)).progress(TASK, day("2020-08-01")).deadline == day(
        "2020-09-30"
    )


def test_due_windows_and_the_deadline_sort_use_the_deadline_in_force() -> None:
    history = History((EXTENSION,))
    as_of = day("2020-07-01")
    june = Filter(due_before=JUNE_30)
    assert [v.task.id for v in find(TASKS, history, as_of, june)] == [43, 44]
    assert [v.task.id for v in find(TASKS, history, day("2020-06-14"), june)] == [42, 43, 44]
    later = Filter(due_after=day("2020-07-01"))
    assert [v.task.id for v in find(TASKS, history, as_of, later)] == [42]
    overdue = Filter(states=("overdue",))
    assert [v.task.id for v in find(TASKS, history, as_of, overdue)] == [43, 44]
    ordered = sort(views(TASKS, history, as_of), SortKey.DEADLINE)
    assert [v.task.id for v in ordered] == [44, 43, 42]


# --- each agency's part -------------------------------------------------------------


def test_each_agency_has_its_part() -> None:
    police = event(on="2020-05-10", status=Status.DONE, agency="市公安局")
    own = done("2020-05-20")
    p = History((police, own)).progress(TASK, day("2020-06-01"))
    assert p.parts == (
        Part("市税务局", Role.LEAD, Status.DONE, day("2020-05-20")),
        Part("市市场监管局", Role.SUPPORT, Status.TODO, None),
        Part("市公安局", Role.SUPPORT, Status.DONE, day("2020-05-10")),
    )
    assert (p.status, p.last) == (Status.DONE, own)


def test_a_co_agency_s_part_is_not_the_task_s_status() -> None:
    police = event(on="2020-05-10", status=Status.DONE, agency="市公安局")
    p = History((police,)).progress(TASK, day("2020-06-01"))
    assert (p.status, p.done_on, p.last) == (Status.TODO, None, None)
    assert History((police,)).status(42, day("2020-06-01")) is Status.TODO


def test_the_single_lead_s_part_is_the_task_s_own_status() -> None:
    lead = event(on="2020-05-10", status=Status.DOING, agency="市税务局")
    p = History((lead,)).progress(TASK, day("2020-06-01"))
    assert (p.status, p.last, p.parts[0].status) == (Status.DOING, lead, Status.DOING)


def test_with_two_leads_each_lead_has_only_its_part() -> None:
    tax = event(task=43, on="2020-05-10", status=Status.DONE, agency="市税务局")
    p = History((tax,)).progress(TWO_LEADS, day("2020-06-01"))
    assert p.status is Status.TODO
    assert [(x.agency, x.role, x.status) for x in p.parts] == [
        ("市税务局", Role.LEAD, Status.DONE),
        ("市公安局", Role.LEAD, Status.TODO),
        ("市商务局", Role.SUPPORT, Status.TODO),
    ]


def lead_done(name: str, on: str) -> Event:
    return event(task=43, on=on, status=Status.DONE, agency=name)


def own(status: Status, on: str) -> Event:
    return event(task=43, on=on, status=status)


def test_with_two_leads_the_task_is_done_when_both_are() -> None:
    tax, police = lead_done("市税务局", "2020-05-10"), lead_done("市公安局", "2020-05-20")
    p = History((tax, police)).progress(TWO_LEADS, day("2020-06-01"))
    assert (p.status, p.done_on, p.last) == (Status.DONE, day("2020-05-20"), police)
    assert History((tax, police)).progress(TWO_LEADS, day("2020-05-15")).status is Status.TODO


@pytest.mark.parametrize(
    ("order", "status", "done_on"),
    [
        # Its own status recorded after the last lead was done says otherwise.
        (("tax", "police", "reopen"), Status.TODO, None),
        (("tax", "police", "start"), Status.DOING, None),
        # One recorded before it is overruled.
        (("start", "tax", "police"), Status.DONE, "2020-05-20"),
        # A done of its own keeps the earlier done day, before or after.
        (("own_done", "tax", "police"), Status.DONE, "2020-05-01"),
        (("tax", "police", "own_done_later"), Status.DONE, "2020-05-20"),
        # Reopened, then done again by its own event: done from then.
        (("tax", "police", "reopen", "own_done_later"), Status.DONE, "2020-06-10"),
    ],
)
def test_with_two_leads_the_task_s_own_status_counts_by_when(
    order: tuple[str, ...], status: Status, done_on: str | None
) -> None:
    make = {
        "tax": lambda: lead_done("市税务局", "2020-05-10"),
        "police": lambda: lead_done("市公安局", "2020-05-20"),
        "reopen": lambda: own(Status.TODO, "2020-06-01"),
        "start": lambda: own(Status.DOING, "2020-06-01" if order[0] != "start" else "2020-05-05"),
        "own_done": lambda: own(Status.DONE, "2020-05-01"),
        "own_done_later": lambda: own(Status.DONE, "2020-06-10"),
    }
    events = [make[name]() for name in order]
    random.Random(7).shuffle(events)  # the ledger's order does not matter: (on, at) does
    p = History(tuple(events)).progress(TWO_LEADS, day("2020-07-01"))
    assert (p.status, p.done_on) == (status, day(done_on) if done_on else None)


def test_a_late_done_stays_late_after_an_extension() -> None:
    late = done("2020-07-05")
    granted = event(on="2020-07-10", to=day("2020-09-30"), ref="深府办函〔2020〕5号")
    (view,) = views(TASKS, History((late, granted)), day("2020-07-15"), [TASK])
    assert (view.deadline, view.done_deadline, view.done_late) == (
        day("2020-09-30"),
        JUNE_30,
        True,
    )
    assert light(view, 30) is Light.LATE
    report = build_report(TASKS, History((late, granted)), day("2020-07-15"), [TASK])
    assert report.overall.lights[Light.LATE] == 1


def test_report_counts_extended_tasks_and_done_tasks_with_open_parts() -> None:
    untracked = (EXTENSION, event(task=43, on="2020-05-01", status=Status.DONE))
    report = build_report(TASKS, History(untracked), day("2020-07-01"), TASKS.tasks)
    # Done, and no agency's part recorded at all: parts are not tracked, none is open.
    assert (report.extended, report.parts_open) == (1, 0)
    assert report.overall.lights[Light.OVERDUE] == 1  # 44; 42 is extended, 43 done
    assert [v.task.id for v in report.overdue] == [44]
    first, *rest = (
        event(task=43, on="2020-05-02", status=Status.DONE, agency=name)
        for name in TWO_LEADS.agencies()
    )
    one_open = build_report(TASKS, History((*untracked, first)), day("2020-07-01"), TASKS.tasks)
    assert one_open.parts_open == 1
    every = History((*untracked, first, *rest))
    assert build_report(TASKS, every, day("2020-07-01"), TASKS.tasks).parts_open == 0


def test_undo_restores_the_report_s_numbers() -> None:
    wrong = done("2020-05-20")
    before = build_report(TASKS, History(), day("2020-07-01"), TASKS.tasks)
    marked = build_report(TASKS, History((wrong,)), day("2020-07-01"), TASKS.tasks)
    withdrawn = History((wrong, event(on="2020-06-01", undo=event_id(wrong))))
    after = build_report(TASKS, withdrawn, day("2020-07-01"), TASKS.tasks)
    assert marked.overall.on_time == 1
    assert after.overall == before.overall
    assert [(v.task.id, v.status) for v in after.overdue] == [
        (v.task.id, v.status) for v in before.overdue
    ]
    assert [v.task.id for v in after.overdue] == [44, 42, 43]


# --- identity and merges ------------------------------------------------------------


def test_event_id_hashes_the_documented_canonical_text() -> None:
    e = Event(
        42,
        None,
        day("2020-06-15"),
        "张三",
        dt.datetime(2020, 6, 15, 9, 30, tzinfo=CST),
        note="",
        ref="深府办函〔2020〕5号",
        to=day("2020-09-30"),
    )
    text = "\x1f".join(
        [
            "42",
            "extend",
            "",
            "2020-09-30",
            "",
            "",
            "2020-06-15",
            "张三",
            "2020-06-15T09:30:00+08:00",
            "",
            "深府办函〔2020〕5号",
        ]
    )
    assert event_id(e) == xxhash.xxh3_64_hexdigest(text.encode("utf-8"))
    assert len(event_id(e)) == 16 and event_id(e) == event_id(e).lower()


def test_event_id_survives_the_ledger_and_tells_events_apart() -> None:
    events = [
        done("2020-05-20", ref="r", note="n"),
        event(on="2020-05-21", note="进展", agency="市公安局"),
        EXTENSION,
        event(on="2020-05-22", undo="0123456789abcdef"),
    ]
    read = parse_ledger(ledger_text(events).encode(), "p.yaml").events
    assert [event_id(e) for e in read] == [event_id(e) for e in events]
    base = events[0]
    variants = [
        Event(43, base.status, base.on, base.by, base.at, base.note, base.ref),
        Event(42, Status.DOING, base.on, base.by, base.at, base.note, base.ref),
        Event(42, base.status, base.on, "李四", base.at, base.note, base.ref),
        Event(42, base.status, base.on, base.by, base.at, base.note, "r2"),
        Event(42, base.status, base.on, base.by, base.at, base.note, base.ref, "市公安局"),
    ]
    assert len({event_id(e) for e in [base, *variants]}) == 6


def _make_story() -> list[Event]:
    doing = event(on="2020-04-01", status=Status.DOING)
    wrong = done("2020-04-15")
    return [
        doing,
        wrong,
        event(on="2020-04-16", undo=event_id(wrong), note="录错"),
        event(on="2020-05-01", note="系统开发中"),
        EXTENSION,
        event(on="2020-06-20", status=Status.DONE, agency="市公安局", ref="深公函〔2020〕9号"),
        done("2020-07-10"),
        done("2020-08-01", ref="深税发〔2020〕30号"),
        event(on="2020-08-02", note="已上线"),
        event(on="2020-08-03", status=Status.DOING, agency="市市场监管局"),
    ]


STORY = _make_story()


@pytest.mark.parametrize("as_of", ["2020-04-15", "2020-05-01", "2020-06-20", "2020-12-31"])
def test_the_order_of_the_ledger_s_lines_does_not_matter(as_of: str) -> None:
    lines = [format_event(e) for e in STORY]
    expected = History(tuple(STORY)).progress(TASK, day(as_of))
    shuffler = random.Random(as_of)
    for _ in range(20):
        shuffler.shuffle(lines)
        text = "".join(line + "\n" for line in lines)
        got = parse_ledger(text.encode(), "merged.yaml").progress(TASK, day(as_of))
        assert (got, got.parts) == (expected, expected.parts)


def test_time_travel_through_the_story() -> None:
    history = History(tuple(STORY))
    seen = {
        as_of: (p.status, p.done_on, p.deadline, len(p.notes), [x.status for x in p.parts])
        for as_of in ("2020-03-31", "2020-04-15", "2020-04-16", "2020-06-20", "2020-08-03")
        for p in [history.progress(TASK, day(as_of))]
    }
    todo, doing, finished = Status.TODO, Status.DOING, Status.DONE
    assert seen == {
        "2020-03-31": (todo, None, JUNE_30, 0, [todo, todo, todo]),
        "2020-04-15": (finished, day("2020-04-15"), JUNE_30, 0, [finished, todo, todo]),
        "2020-04-16": (doing, None, JUNE_30, 0, [doing, todo, todo]),
        "2020-06-20": (doing, None, day("2020-09-30"), 1, [doing, todo, finished]),
        "2020-08-03": (
            finished,
            day("2020-07-10"),
            day("2020-09-30"),
            2,
            [finished, doing, finished],
        ),
    }
