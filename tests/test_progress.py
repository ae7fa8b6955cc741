"""The progress ledger: its format, reading, checking, and safe concurrent appends.

Write failures surface as SzbizError (``cannot write <path>: <reason>``, the
OSError as its cause); a corrupt ledger as LoadError. The ledger keeps its
bytes either way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import multiprocessing
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import szbiz.atomic
import szbiz.ledger
from szbiz.errors import LoadError, SzbizError, UsageError
from szbiz.init import init_project
from szbiz.ledger import (
    HEADER,
    append_events,
    check_ledger,
    format_event,
    ledger_text,
    lock_path,
    parse_ledger,
    read_ledger,
    record,
)
from szbiz.load import load
from szbiz.model import Event, History, Status, TaskList
from szbiz.settings import who

from .conftest import TASKS

CHILD = Path(__file__).resolve().parent / "progress_child.py"
CST = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 11, 27, 18, 0, tzinfo=CST)
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and modes are POSIX")

DONE_42 = Event(
    42, Status.DONE, dt.date(2020, 5, 20), "张三", AT, note="已上线", ref="深府办〔2020〕18号"
)
DOING_7 = Event(7, Status.DOING, dt.date(2020, 3, 1), "李四", AT)
LINE_42 = (
    "- {task: 42, status: done, on: 2020-05-20, by: 张三, at: '2026-11-27T18:00:00+08:00', "
    "note: 已上线, ref: 深府办〔2020〕18号}"
)
LINE_7 = "- {task: 7, status: doing, on: 2020-03-01, by: 李四, at: '2026-11-27T18:00:00+08:00'}"


@pytest.fixture(scope="module")
def tasks() -> TaskList:
    return load(TASKS).tasks


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return tmp_path / "progress.yaml"


def child(*args: str) -> list[str]:
    return [sys.executable, str(CHILD), *args]


def child_event(task: int) -> Event:
    """The event progress_child.py appends for ``task``."""
    return Event(task, Status.DOING, dt.date(2020, 6, 1), f"进程 {task}", AT, note=f"n{task}")


def leftovers(directory: Path, name: str = "progress.yaml") -> set[str]:
    return {p.name for p in directory.iterdir()} - {name, name + ".lock"}


# --- format -------------------------------------------------------------------------


def test_format_event_is_one_flow_mapping_in_key_order() -> None:
    assert format_event(DONE_42) == LINE_42
    assert format_event(DOING_7) == LINE_7


def test_ledger_text_is_the_header_then_one_line_per_event() -> None:
    assert ledger_text([DONE_42, DOING_7]) == HEADER + LINE_42 + "\n" + LINE_7 + "\n"
    assert all(line.startswith("# ") for line in HEADER.splitlines())
    assert "append-only" in HEADER.lower() and "merge=union" in HEADER


def test_awkward_text_is_quoted_and_stays_on_one_line() -> None:
    event = Event(
        1,
        Status.BLOCKED,
        dt.date(2020, 1, 2),
        "O'Brien: #1",
        AT,
        note='a, b} c: d # e\n第二行 "q"\u2028x',
        ref="yes",
    )
    assert format_event(event) == (
        '- {task: 1, status: blocked, on: 2020-01-02, by: "O\'Brien: #1", '
        "at: '2026-11-27T18:00:00+08:00', "
        'note: "a, b} c: d # e\\n第二行 \\"q\\"\\u2028x", ref: "yes"}'
    )


@settings(max_examples=300)
@given(text=st.text(st.characters(codec=None), min_size=1))
def test_text_is_written_as_yaml_reads_it(text: str) -> None:
    """Whatever the text, PyYAML reads the line back as the event, on one line."""
    import yaml

    event = Event(1, Status.DONE, dt.date(2020, 1, 2), text, AT, note=text, ref=text)
    line = format_event(event)
    assert len(line.splitlines()) == 1
    (read,) = yaml.safe_load(line)
    assert (read["by"], read["note"], read["ref"]) == (text, text, text)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    by=st.text(min_size=1).filter(str.strip),
    note=st.text().filter(lambda s: s == "" or s.strip()),
    ref=st.text().filter(lambda s: s == "" or s.strip()),
    status=st.sampled_from(Status),
)
def test_any_text_round_trips_on_one_line(
    ledger: Path, by: str, note: str, ref: str, status: Status
) -> None:
    event = Event(210, status, dt.date(2020, 12, 31), by, AT, note=note, ref=ref)
    line = format_event(event)
    assert len(line.splitlines()) == 1
    ledger.write_text(ledger_text([event, event]), encoding="utf-8", newline="\n")
    assert read_ledger(ledger).events == (event, event)


# --- reading ------------------------------------------------------------------------


def test_round_trip_through_append(ledger: Path) -> None:
    append_events(ledger, [DONE_42])
    append_events(ledger, [DOING_7])
    assert ledger.read_bytes() == (HEADER + LINE_42 + "\n" + LINE_7 + "\n").encode("utf-8")
    history = read_ledger(ledger)
    assert history.events == (DONE_42, DOING_7)
    assert history.status(42, dt.date(2020, 5, 20)) is Status.DONE
    assert history.status(42, dt.date(2020, 5, 19)) is Status.TODO


def test_same_day_events_are_ordered_by_when_recorded(ledger: Path) -> None:
    # A union merge may write the later-recorded event first.
    doing = Event(42, Status.DOING, MAY_1, "甲", AT.replace(hour=9))
    done = _done(42, MAY_1, 18, ref="r")
    for order in ([done, doing], [doing, done]):
        ledger.write_text(ledger_text(order), encoding="utf-8")
        history = read_ledger(ledger)
        assert history.events == tuple(order)  # the file's order
        assert history.of(42) == (doing, done)
        assert history.status(42, MAY_1) is Status.DONE
        assert history.last(42, MAY_2) == done


def test_missing_ledger_reads_empty(ledger: Path) -> None:
    assert read_ledger(ledger) == History()


@pytest.mark.parametrize("text", [HEADER, "", "\n", HEADER + "~\n"])
def test_empty_ledger_has_no_events(ledger: Path, text: str) -> None:
    ledger.write_text(text, encoding="utf-8")
    assert read_ledger(ledger).events == ()


def test_hand_written_block_style_is_read(ledger: Path) -> None:
    ledger.write_text(
        "- task: 7\n  status: doing\n  on: 2020-03-01\n  by: 李四\n"
        "  at: 2026-11-27T18:00:00+08:00\n",
        encoding="utf-8",
    )
    assert read_ledger(ledger).events == (DOING_7,)


AT_TEXT = "at: '2026-11-27T18:00:00+08:00'"
CORRUPT = {
    "unknown status": (
        f"- {{task: 1, status: finished, on: 2020-06-01, by: 甲, {AT_TEXT}}}\n",
        "7:21: task 1 → status: expected one of todo, doing, done, blocked, dropped, "
        "got 'finished'",
    ),
    "bad date": (
        f"- {{task: 1, status: done, on: 2020-02-30, by: 甲, {AT_TEXT}}}\n",
        "7:31: task 1 → on: expected a date like 2020-06-30, got '2020-02-30'",
    ),
    "missing key": (
        f"- {{task: 1, status: done, on: 2020-02-03, {AT_TEXT}}}\n",
        "7:3: task 1: missing key 'by' (who recorded it)",
    ),
    "time without offset": (
        "- {task: 1, status: done, on: 2020-02-03, by: 甲, at: '2026-11-27T18:00:00'}\n",
        "7:54: task 1 → at: expected a time with its UTC offset like "
        "'2026-11-27T18:00:00+08:00', got '2026-11-27T18:00:00'",
    ),
    "not a list": (
        "task: 1\n",
        "7:1: expected a list of events, one '- {task: …}' per line; got a mapping",
    ),
    "unknown key": (
        f"- {{task: 1, status: done, on: 2020-02-03, by: 甲, {AT_TEXT}, nots: x}}\n",
        "7:83: task 1: unknown key 'nots'; did you mean 'note'? "
        "expected one of task, status, to, undo, agency, on, by, at, note, ref",
    ),
    "two problems": (
        f"- {{task: 0, status: done, on: 2020-02-03, by: '', {AT_TEXT}}}\n",
        "7:10: task 0 → task: expected a task id of at least 1, got 0 (and 1 more; run szbiz lint)",
    ),
}


@pytest.mark.parametrize("case", CORRUPT)
def test_corrupt_ledger_names_file_and_line(ledger: Path, case: str) -> None:
    text, message = CORRUPT[case]
    ledger.write_text(HEADER + text, encoding="utf-8")
    before = ledger.read_bytes()
    with pytest.raises(LoadError) as info:
        read_ledger(ledger)
    assert info.value.message == f"{ledger}:{message}"
    with pytest.raises(LoadError) as info:
        append_events(ledger, [DOING_7])
    assert info.value.message == f"{ledger}:{message}"
    assert ledger.read_bytes() == before
    assert leftovers(ledger.parent) == set()


def test_invalid_yaml_is_located(ledger: Path) -> None:
    ledger.write_text(HEADER + LINE_7 + "\n- {task: 1, status: done\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_ledger(ledger)
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.column, problem.rule) == (
        str(ledger),
        9,
        1,
        "syntax",
    )
    assert info.value.message.startswith(f"{ledger}:9:1: invalid YAML: ")


NOT_UTF8 = "the file is not UTF-8: byte 0x{:02x} here is not valid UTF-8"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"- {task: 1, by: \xff}\n",
            f"7:17: {NOT_UTF8.format(0xFF)}; save it as UTF-8",
        ),
        (  # the column counts characters, not bytes
            "- {task: 1, by: 张三, note: ".encode() + b"\xff}\n",
            f"7:27: {NOT_UTF8.format(0xFF)}; save it as UTF-8",
        ),
        (  # the same hint as for the task list
            "- {task: 7, status: doing, on: 2020-03-01, by: 李四, at: x, note: 已上线}\n".encode(
                "gb18030"
            ),
            f"7:48: {NOT_UTF8.format(0xC0)}; it looks like GBK/GB18030: save it as UTF-8 "
            "(iconv -f GB18030 -t UTF-8 converts it)",
        ),
        (
            b"- {task: 1, by: a\x00}\n",
            "7:18: a NUL byte: the file is binary or corrupt, not UTF-8 text",
        ),
    ],
    ids=["ascii", "after Chinese", "GBK", "NUL"],
)
def test_not_utf8_is_located(ledger: Path, data: bytes, message: str) -> None:
    ledger.write_bytes(HEADER.encode() + data)
    before = ledger.read_bytes()
    with pytest.raises(LoadError) as info:
        read_ledger(ledger)
    assert info.value.message == f"{ledger}:{message}"
    with pytest.raises(LoadError) as info:
        append_events(ledger, [DOING_7])
    assert info.value.message == f"{ledger}:{message}"
    assert ledger.read_bytes() == before


def test_a_utf16_ledger_is_named_as_such(ledger: Path) -> None:
    ledger.write_bytes(ledger_text([DOING_7]).encode("utf-16"))
    with pytest.raises(LoadError) as info:
        read_ledger(ledger)
    assert info.value.message == (
        f"{ledger}:1:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); "
        "save it as UTF-8"
    )


def test_a_ledger_that_is_a_directory(ledger: Path) -> None:
    ledger.mkdir()
    with pytest.raises(LoadError) as info:
        read_ledger(ledger)
    assert info.value.message == f"{ledger}: is a directory; expected a ledger"
    with pytest.raises(SzbizError, match=r"^cannot write .*: it is a directory$"):
        append_events(ledger, [DOING_7])


# --- check_ledger -------------------------------------------------------------------


def test_check_reports_unknown_task_future_day_and_missing_ref(
    ledger: Path, tasks: TaskList
) -> None:
    future = Event(3, Status.DOING, dt.date(2026, 11, 28), "甲", AT)
    late_utc = Event(
        4,
        Status.DOING,
        dt.date(2026, 11, 28),
        "甲",
        dt.datetime(2026, 11, 27, 16, 30, tzinfo=dt.UTC),
    )
    events = [
        Event(211, Status.DONE, dt.date(2020, 1, 1), "甲", AT, ref="x"),
        future,
        late_utc,  # 00:30 on the 28th in Asia/Shanghai: not in the future
        Event(5, Status.DONE, dt.date(2020, 1, 1), "甲", AT),
        DONE_42,
    ]
    ledger.write_text(ledger_text(events), encoding="utf-8")
    problems = check_ledger(ledger, tasks)
    assert [str(p) for p in problems] == [
        f"{ledger}:7:10: task 211 does not exist; ids are 1–210",
        f"{ledger}:8:32: task 3: on 2026-11-28 is after the day it was recorded "
        "(2026-11-27 in Asia/Shanghai); an event cannot be in the future",
    ]
    assert [p.rule for p in problems] == ["unknown-task", "future-date"]
    strict = check_ledger(ledger, tasks, require_ref=True)
    assert [str(p) for p in strict][2:] == [
        f"{ledger}:10:3: task 5: done without evidence; record it with szbiz done 5 --ref REF",
    ]
    assert strict[2].rule == "missing-ref"


def _done(task: int, on: dt.date, hour: int, ref: str = "") -> Event:
    return Event(task, Status.DONE, on, "甲", AT.replace(hour=hour), ref=ref)


MAY_1, MAY_2 = dt.date(2020, 5, 1), dt.date(2020, 5, 2)


@pytest.mark.parametrize(
    "later",
    [
        _done(146, MAY_2, 9, ref="深府办〔2020〕1号"),  # evidence recorded afterwards
        _done(146, MAY_1, 19, ref="深府办〔2020〕1号"),  # the same day, recorded later
        Event(146, Status.TODO, MAY_2, "甲", AT),  # reopened: not done any more
    ],
    ids=["done with ref", "same day", "reopened"],
)
def test_a_superseded_done_without_ref_passes(ledger: Path, tasks: TaskList, later: Event) -> None:
    # The ledger is append-only: what a later event puts right must pass for good.
    ledger.write_text(ledger_text([_done(146, MAY_1, 18), later]), encoding="utf-8")
    assert check_ledger(ledger, tasks, require_ref=True) == []


@pytest.mark.parametrize(
    "events",
    [
        [_done(146, MAY_1, 18, ref="r"), _done(146, MAY_2, 9)],
        # Written in the other order, as a merge may: the later `at` still counts.
        [_done(146, MAY_1, 19), _done(146, MAY_1, 18, ref="r")],
    ],
    ids=["later day", "same day, merged in reverse"],
)
def test_only_the_done_that_counts_must_have_a_ref(
    ledger: Path, tasks: TaskList, events: list[Event]
) -> None:
    ledger.write_text(ledger_text(events), encoding="utf-8")
    line = 7 + next(i for i, e in enumerate(events) if not e.ref)
    assert [str(p) for p in check_ledger(ledger, tasks, require_ref=True)] == [
        f"{ledger}:{line}:3: task 146: done without evidence; "
        "record it with szbiz done 146 --ref REF"
    ]
    assert check_ledger(ledger, tasks) == []


def test_check_clean_missing_and_corrupt(ledger: Path, tasks: TaskList) -> None:
    assert check_ledger(ledger, tasks) == []
    append_events(ledger, [DONE_42, DOING_7])
    assert check_ledger(ledger, tasks, require_ref=True) == []
    ledger.write_text(HEADER + CORRUPT["bad date"][0], encoding="utf-8")
    assert [str(p) for p in check_ledger(ledger, tasks)] == [f"{ledger}:{CORRUPT['bad date'][1]}"]


def test_check_names_gaps_in_the_ids(ledger: Path, tasks: TaskList) -> None:
    small = TaskList(
        tasks.document, tasks.areas, tasks.agencies, tuple(t for t in tasks.tasks if t.id != 7)
    )
    append_events(ledger, [DOING_7])
    assert [p.message for p in check_ledger(ledger, small)] == [
        "task 7 does not exist; ids are 1–6, 8–210"
    ]


# --- events and who -----------------------------------------------------------------


def test_a_recorded_event_is_stamped_now_in_shanghai(ledger: Path) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    (event,) = record(ledger, [42], Status.DONE, dt.date(2020, 5, 20), " 张三 ", ref=" r ").events
    after = dt.datetime.now(dt.UTC)
    assert str(event.at.tzinfo) == "Asia/Shanghai"
    assert event.at.utcoffset() == dt.timedelta(hours=8)
    assert event.at.microsecond == 0
    assert before <= event.at <= after
    assert event == Event(42, Status.DONE, dt.date(2020, 5, 20), "张三", event.at, ref="r")
    assert format_event(event).endswith(f"at: '{event.at.isoformat()}', ref: \"r\"}}")


def test_an_event_that_would_not_read_back_is_refused(ledger: Path) -> None:
    naive = Event(7, Status.DOING, dt.date(2020, 3, 1), "李四", dt.datetime(2026, 11, 27, 18))
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DOING_7, naive])
    assert info.value.message == (
        "cannot record the event: task 7 → at: expected a time with its UTC offset like "
        "'2026-11-27T18:00:00+08:00', got '2026-11-27T18:00:00'"
    )
    blank = Event(7, Status.DOING, dt.date(2020, 3, 1), " ", AT)
    with pytest.raises(SzbizError, match=r"^cannot record the event: task 7 → by: must not"):
        append_events(ledger, [blank])
    assert not ledger.exists()


def test_an_event_lint_would_reject_is_refused(ledger: Path, tasks: TaskList) -> None:
    append_events(ledger, [DOING_7])
    before = ledger.read_bytes()
    future = Event(3, Status.DOING, dt.date(2026, 11, 28), "甲", AT)
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DONE_42, future])
    assert info.value.message == (
        "cannot record task 3 on 2026-11-28: that is after today (2026-11-27 in Asia/Shanghai)"
    )
    assert ledger.read_bytes() == before
    # 16:30 UTC on the 27th is 00:30 on the 28th in Shanghai: that day may be recorded.
    late = Event(3, Status.DOING, dt.date(2026, 11, 28), "甲", AT.replace(hour=16, tzinfo=dt.UTC))
    append_events(ledger, [late])
    assert check_ledger(ledger, tasks) == []


def test_nothing_to_append_writes_nothing(ledger: Path) -> None:
    append_events(ledger, [])
    assert list(ledger.parent.iterdir()) == []


def test_who_prefers_by_then_env_then_git_then_login(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = 王五\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SZBIZ_USER", " 赵六 ")
    assert who(" 张三 ") == "张三"
    assert who(None) == "赵六"
    monkeypatch.setenv("SZBIZ_USER", "")
    if shutil.which("git"):
        assert who(None) == "王五"
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # no git
    monkeypatch.setattr("getpass.getuser", lambda: "login")
    assert who(None) == "login"

    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr("getpass.getuser", no_login)
    assert who(None) == "unknown"
    with pytest.raises(UsageError) as info:
        who("  ")
    assert info.value.message == (
        "--by is empty; give a name, or leave it out to use SZBIZ_USER or git's user.name"
    )


# --- appending ----------------------------------------------------------------------


def test_appending_keeps_every_earlier_byte(ledger: Path) -> None:
    old = "# my own comment\n-   {task: 7,status: doing, on: 2020-03-01, by: 李四, at: " + (
        "2026-11-27T18:00:00+08:00}   # odd spacing\n"
    )
    ledger.write_text(old, encoding="utf-8")
    append_events(ledger, [DONE_42])
    assert ledger.read_text(encoding="utf-8") == old + LINE_42 + "\n"
    ledger.write_text(old.rstrip("\n"), encoding="utf-8")  # no final newline
    append_events(ledger, [DONE_42])
    assert ledger.read_text(encoding="utf-8") == old + LINE_42 + "\n"
    assert read_ledger(ledger).events == (DOING_7, DONE_42)


def test_appending_keeps_crlf_line_ends(ledger: Path) -> None:
    old = ledger_text([DOING_7]).replace("\n", "\r\n").encode("utf-8")
    ledger.write_bytes(old)
    append_events(ledger, [DONE_42])
    assert ledger.read_bytes() == old + LINE_42.encode("utf-8") + b"\r\n"
    assert read_ledger(ledger).events == (DOING_7, DONE_42)


@POSIX_ONLY
def test_a_symlinked_ledger_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "progress.yaml"
    append_events(target, [DOING_7])
    link = tmp_path / "progress.yaml"
    link.symlink_to(target)
    append_events(link, [DONE_42])
    assert link.is_symlink()
    assert read_ledger(target).events == (DOING_7, DONE_42)
    assert lock_path(target).exists() and not lock_path(link).exists()


def test_an_end_that_does_not_continue_the_list_is_refused(ledger: Path) -> None:
    ledger.write_text(HEADER + LINE_7 + "\n...\n", encoding="utf-8")
    before = ledger.read_bytes()
    assert read_ledger(ledger).events == (DOING_7,)
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DONE_42])
    assert info.value.message.startswith(
        f"cannot append to {ledger}: its end does not continue a list of events ({ledger}:9:1: "
    )
    assert ledger.read_bytes() == before


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    ledger = tmp_path / "typo" / "progress.yaml"
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DOING_7])
    assert info.value.message == (
        f"cannot write {ledger}: directory {tmp_path / 'typo'} does not exist"
    )
    assert not ledger.parent.exists()


def test_stale_temporary_files_are_ignored(ledger: Path) -> None:
    append_events(ledger, [DOING_7])
    stale = ledger.parent / ".progress.yaml.k1ll3d.tmp"
    stale.write_bytes(HEADER.encode() + b"- {task: 9, status: do")
    append_events(ledger, [DONE_42])
    assert read_ledger(ledger).events == (DOING_7, DONE_42)
    assert stale.read_bytes().endswith(b"status: do")


@POSIX_ONLY
def test_file_mode_is_kept(ledger: Path) -> None:
    append_events(ledger, [DOING_7])
    ledger.chmod(0o640)
    append_events(ledger, [DONE_42])
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o640
    assert read_ledger(ledger).events == (DOING_7, DONE_42)


@POSIX_ONLY
def test_new_ledger_gets_the_umask_mode(ledger: Path) -> None:
    umask = os.umask(0o027)
    try:
        append_events(ledger, [DOING_7])
    finally:
        os.umask(umask)
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o640


@POSIX_ONLY
def test_read_only_ledger(ledger: Path) -> None:
    append_events(ledger, [DOING_7])
    before = ledger.read_bytes()
    ledger.chmod(0o444)
    if os.access(ledger, os.W_OK):
        pytest.skip("this user may write a read-only file (root)")
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DONE_42])
    assert info.value.message == f"cannot write {ledger}: permission denied"
    assert ledger.read_bytes() == before


@POSIX_ONLY
@pytest.mark.parametrize("exists", [True, False], ids=["ledger", "new ledger"])
def test_read_only_directory(tmp_path: Path, exists: bool) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    ledger = directory / "progress.yaml"
    if exists:
        append_events(ledger, [DOING_7])
    before = sorted(directory.iterdir())
    directory.chmod(0o555)
    try:
        if os.access(directory, os.W_OK):
            pytest.skip("this user may write a read-only directory (root)")
        with pytest.raises(SzbizError) as info:
            append_events(ledger, [DONE_42])
        assert info.value.message == f"cannot write {ledger}: permission denied"
        assert sorted(directory.iterdir()) == before
        if exists:
            assert read_ledger(ledger).events == (DOING_7,)
    finally:
        directory.chmod(0o755)


def _failing(name: str, error: OSError) -> Any:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    return fail


@pytest.mark.parametrize(
    ("call", "error", "reason"),
    [
        ("write", OSError(errno.ENOSPC, "No space left on device"), "no space left on device"),
        ("fsync", OSError(errno.EIO, "Input/output error"), "input/output error"),
        ("chmod", PermissionError(errno.EPERM, "Operation not permitted"), "permission denied"),
        ("replace", OSError(errno.EXDEV, "Invalid cross-device link"), "invalid cross-device link"),
    ],
)
def test_injected_failure_keeps_the_old_ledger(
    ledger: Path, monkeypatch: pytest.MonkeyPatch, call: str, error: OSError, reason: str
) -> None:
    append_events(ledger, [DOING_7])
    before = ledger.read_bytes()
    monkeypatch.setattr(os, call, _failing(call, error))
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DONE_42])
    monkeypatch.undo()
    assert info.value.message == f"cannot write {ledger}: {reason}"
    assert info.value.__cause__ is error
    assert ledger.read_bytes() == before
    assert leftovers(ledger.parent) == set()
    append_events(ledger, [DONE_42])  # the lock was released
    assert read_ledger(ledger).events == (DOING_7, DONE_42)


def test_failed_directory_sync_after_the_replace_is_not_a_failure(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The new ledger is already in place: an error would invite a retry that records twice.
    monkeypatch.setattr(
        szbiz.atomic, "fsync_directory", _failing("fsync", OSError(errno.EINVAL, "x"))
    )
    append_events(ledger, [DOING_7])
    assert read_ledger(ledger).events == (DOING_7,)


# --- permissions, injected: root (as in CI) may write anything, so fake the refusal ------

DENIED = PermissionError(errno.EACCES, "Permission denied")


def _deny_for(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Opening ``target`` fails as for a file its user may not read."""
    real_open = os.open

    def guarded(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded)


def test_read_only_ledger_injected(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    append_events(ledger, [DOING_7])
    before = ledger.read_bytes()
    monkeypatch.setattr(os, "access", lambda path, mode, **_: mode != os.W_OK)
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DONE_42])
    assert info.value.message == f"cannot write {ledger}: permission denied"
    assert ledger.read_bytes() == before
    assert leftovers(ledger.parent) == set()


@pytest.mark.parametrize("exists", [True, False], ids=["ledger", "new ledger"])
@pytest.mark.parametrize("call", ["mkstemp", "replace"])
def test_read_only_directory_injected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exists: bool, call: str
) -> None:
    ledger = tmp_path / "progress.yaml"
    if exists:
        append_events(ledger, [DOING_7])
    before = ledger.read_bytes() if exists else None
    owner = tempfile if call == "mkstemp" else os
    monkeypatch.setattr(owner, call, _failing(call, DENIED))
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DONE_42])
    monkeypatch.undo()
    assert info.value.message == f"cannot write {ledger}: permission denied"
    assert info.value.__cause__ is DENIED
    assert (ledger.read_bytes() if ledger.exists() else None) == before
    assert leftovers(tmp_path) == set()


def test_lock_in_a_read_only_directory_injected(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def guarded(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path) == str(lock_path(ledger)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded)
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DONE_42])
    assert info.value.message == f"cannot write {ledger}: permission denied"
    assert list(ledger.parent.iterdir()) == []


def test_unreadable_ledger_injected(
    ledger: Path, tasks: TaskList, monkeypatch: pytest.MonkeyPatch
) -> None:
    append_events(ledger, [DOING_7])
    before = ledger.read_bytes()
    _deny_for(monkeypatch, ledger)
    message = f"{ledger}: cannot read: permission denied"
    with pytest.raises(LoadError) as info:
        read_ledger(ledger)
    assert info.value.message == message
    assert [str(p) for p in check_ledger(ledger, tasks)] == [message]
    with pytest.raises(LoadError) as info:
        append_events(ledger, [DONE_42])
    assert info.value.message == message
    monkeypatch.undo()
    assert ledger.read_bytes() == before
    assert leftovers(ledger.parent) == set()


@POSIX_ONLY
def test_unreadable_ledger(ledger: Path, tasks: TaskList) -> None:
    append_events(ledger, [DOING_7])
    before = ledger.read_bytes()
    ledger.chmod(0o200)
    try:
        if os.access(ledger, os.R_OK):
            pytest.skip("this user may read an unreadable file (root)")
        with pytest.raises(LoadError) as info:
            append_events(ledger, [DONE_42])
        assert info.value.message == f"{ledger}: cannot read: permission denied"
        assert [p.message for p in check_ledger(ledger, tasks)] == [
            "cannot read: permission denied"
        ]
    finally:
        ledger.chmod(0o644)
    assert ledger.read_bytes() == before


# --- appending at the end of any valid ledger ------------------------------------------


def test_a_bad_new_line_is_never_let_in(ledger: Path) -> None:
    append_events(ledger, [DOING_7])
    before = ledger.read_bytes()
    naive = Event(7, Status.DONE, dt.date(2020, 3, 1), "李四", dt.datetime(2026, 11, 27, 18))
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DONE_42, naive])
    assert info.value.message == (
        "cannot record the event: task 7 → at: expected a time with its UTC offset like "
        "'2026-11-27T18:00:00+08:00', got '2026-11-27T18:00:00'"
    )
    assert ledger.read_bytes() == before
    assert leftovers(ledger.parent) == set()


@pytest.mark.parametrize("case", ["unknown status", "bad date", "not a list"])
def test_a_corrupt_ledger_is_refused_whole(ledger: Path, case: str) -> None:
    text, message = CORRUPT[case]
    ledger.write_text(HEADER + text, encoding="utf-8")
    before = ledger.read_bytes()
    with pytest.raises(LoadError) as info:
        append_events(ledger, [DOING_7])
    assert info.value.message == f"{ledger}:{message}"
    assert ledger.read_bytes() == before


NO_DOCUMENT_START = "invalid YAML: did not find expected <document start>"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # The document ends: a new line would start another.
        (HEADER + LINE_7 + "\n...\n", f"9:1: {NO_DOCUMENT_START}"),
        (
            HEADER + "~\n",  # valid, and empty: a null document
            "8:8: invalid YAML: mapping values are not allowed in this context; "
            "quote a value that holds ': '",
        ),
        ("[" + LINE_7[2:] + "]\n", f"2:1: {NO_DOCUMENT_START}"),  # a flow list
        ("  " + LINE_7 + "\n", f"2:1: {NO_DOCUMENT_START}"),  # an indented list
    ],
    ids=["document end", "null", "flow list", "indented"],
)
def test_an_end_that_does_not_continue_a_list_is_refused(
    ledger: Path, text: str, where: str
) -> None:
    ledger.write_text(text, encoding="utf-8")
    before = ledger.read_bytes()
    with pytest.raises(SzbizError) as info:
        append_events(ledger, [DONE_42])
    assert info.value.message == (
        f"cannot append to {ledger}: its end does not continue a list of events ({ledger}:{where})"
    )
    assert ledger.read_bytes() == before


@pytest.mark.parametrize(
    ("text", "continues"),
    [
        ("", True),
        (HEADER, True),
        (HEADER + LINE_7 + "\n\n# a remark\n" + LINE_42 + "  \n", True),
        ("\ufeff" + (HEADER + LINE_7 + "\n").replace("\n", "\r\n"), True),
        (HEADER + LINE_7 + "\n...\n", False),
        (HEADER + LINE_7 + "\n---\n", False),
        (HEADER + "- task: 7\n  status: doing\n", False),
        ("[{task: 7}]\n", False),
        ("  " + LINE_7 + "\n", False),
        (HEADER + LINE_7 + "  # a remark\n", False),
        (LINE_7 + "\r" + LINE_42 + "\n", False),  # a lone CR is a line break to YAML
        (LINE_7 + "\u2028...\n", False),
        (LINE_7 + "\x85" + LINE_42 + "\n", False),
    ],
)
def test_what_is_known_after_an_append_is_what_the_file_says(
    ledger: Path, text: str, continues: bool
) -> None:
    """Whatever the shape of a valid ledger, the events szbiz knows after appending are
    those a full parse of the file finds; or the append is refused and nothing changes."""
    ledger.write_text(text, encoding="utf-8")
    before = ledger.read_bytes()
    try:
        append_events(ledger, [DONE_42])
    except SzbizError:
        assert not continues
        assert ledger.read_bytes() == before
        return
    assert read_ledger(ledger) == parse_ledger(ledger.read_bytes(), str(ledger))
    assert read_ledger(ledger).events[-1] == DONE_42


# --- other processes ----------------------------------------------------------------


@contextlib.contextmanager
def lock_held(ledger: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the ledger's lock for ``seconds``."""
    holder = subprocess.Popen(
        child("hold", str(ledger), str(seconds)), stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_a_held_lock_times_out_with_a_clear_message(ledger: Path) -> None:
    append_events(ledger, [DOING_7])
    before = ledger.read_bytes()
    with lock_held(ledger, 60):
        start = time.monotonic()
        with pytest.raises(SzbizError) as info:
            append_events(ledger, [DONE_42], timeout=0.5)
        assert time.monotonic() - start >= 0.5
    assert info.value.message == f"another szbiz is writing {ledger}; try again"
    assert ledger.read_bytes() == before
    assert lock_path(ledger).exists()


def test_append_waits_for_a_lock_released_in_time(ledger: Path) -> None:
    with lock_held(ledger, 0.5) as holder:
        start = time.monotonic()
        append_events(ledger, [DONE_42], timeout=20)
        assert time.monotonic() - start >= 0.3
        assert holder.wait() == 0
    assert read_ledger(ledger).events == (DONE_42,)


def _append_when_told(ledger: Path, task: int, go: Any) -> None:
    go.wait()
    append_events(ledger, [child_event(task)], timeout=60)


@pytest.mark.slow
def test_fifty_processes_append_at_once(ledger: Path, tasks: TaskList) -> None:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    go = context.Event()
    procs = [context.Process(target=_append_when_told, args=(ledger, i, go)) for i in range(1, 51)]
    for proc in procs:
        proc.start()
    try:
        go.set()
        for proc in procs:
            proc.join(timeout=120)
    finally:
        for proc in procs:
            proc.kill()
            proc.join()
    assert [proc.exitcode for proc in procs] == [0] * 50
    history = read_ledger(ledger)
    assert sorted(history.events, key=lambda e: e.task) == [child_event(i) for i in range(1, 51)]
    text = ledger.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    assert sorted(text[len(HEADER) :].splitlines()) == sorted(
        format_event(child_event(i)) for i in range(1, 51)
    )
    assert check_ledger(ledger, tasks) == []


def _run_killed(directory: Path, when: str, n: int) -> tuple[int, bytes, bytes]:
    """Append task 9's event in a child killed before/after its nth file call.

    Each child has a cache of its own, empty at first, so that every child makes
    the same file calls.
    """
    ledger = directory / "progress.yaml"
    cache = directory.with_name(directory.name + "-cache")
    result = subprocess.run(
        child("kill", str(ledger), "9", when, str(n)),
        capture_output=True,
        check=False,
        env={**os.environ, "SZBIZ_CACHE_DIR": str(cache)},
    )
    return result.returncode, result.stdout, result.stderr


@pytest.mark.slow
@POSIX_ONLY
@pytest.mark.parametrize("existing", [True, False], ids=["append", "new ledger"])
def test_killed_at_every_step_leaves_old_or_new(tmp_path: Path, existing: bool) -> None:
    old = ledger_text([DOING_7]).encode() if existing else None
    new = ledger_text([DOING_7, child_event(9)] if existing else [child_event(9)]).encode()

    def setup(name: str) -> Path:
        directory = tmp_path / name
        directory.mkdir()
        if old is not None:
            (directory / "progress.yaml").write_bytes(old)
        return directory

    code, out, err = _run_killed(setup("count"), "before", 0)
    assert (code, err) == (0, b"")
    steps = int(out)
    assert steps >= 8  # lock, temporary file, write, fsync, close, chmod, replace, directory
    runs = [(when, n) for when in ("before", "after") for n in range(1, steps + 1)]
    dirs = [setup(f"{when}-{n}") for when, n in runs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_run_killed, dirs, *zip(*runs, strict=True)))
    seen = set()
    for (when, n), directory, (code, _, err) in zip(runs, dirs, results, strict=True):
        where = f"killed {when} call {n}"
        assert code == -signal.SIGKILL, (where, err)
        ledger = directory / "progress.yaml"
        now = ledger.read_bytes() if ledger.exists() else None
        assert now in (old, new), where
        seen.add(now)
        assert all(
            name.startswith(".progress.yaml.") and name.endswith(".tmp")
            for name in leftovers(directory)
        ), where
        append_events(ledger, [DONE_42], timeout=5)
        expected = (
            ([DOING_7] if existing else []) + ([child_event(9)] if now == new else []) + [DONE_42]
        )
        assert read_ledger(ledger).events == tuple(expected), where
    assert seen == {old, new}


# --- git ----------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_union_merge_of_two_branches_keeps_both_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tasks: TaskList
) -> None:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "测试")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    init_project(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    main = git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    ledger = repo / "progress.yaml"
    git(repo, "checkout", "-q", "-b", "a")
    append_events(ledger, [DONE_42])
    git(repo, "commit", "-q", "-am", "a: task 42 done")
    # The lock file stays behind; .gitignore keeps it out of the way.
    assert lock_path(ledger).exists()
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    git(repo, "checkout", "-q", main)
    git(repo, "checkout", "-q", "-b", "b")
    append_events(ledger, [DOING_7])
    git(repo, "commit", "-q", "-am", "b: task 7 doing")
    git(repo, "merge", "-q", "--no-edit", "a")
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert ledger.read_text(encoding="utf-8") == HEADER + LINE_7 + "\n" + LINE_42 + "\n"
    assert set(read_ledger(ledger).events) == {DONE_42, DOING_7}
    assert check_ledger(ledger, tasks) == []


def test_record_skips_what_already_stands(ledger: Path) -> None:
    append_events(ledger, [Event(5, Status.DONE, dt.date(2020, 5, 1), "甲", AT)])
    day = dt.date(2020, 6, 1)
    done = record(ledger, [5, 6, 6], Status.DONE, day, "乙")
    assert [(o.task, o.before, o.event is None, o.since) for o in done.outcomes] == [
        (5, Status.DONE, True, dt.date(2020, 5, 1)),
        (6, Status.TODO, False, day),
    ]
    assert [(e.task, e.status, e.on, e.by) for e in done.events] == [(6, Status.DONE, day, "乙")]
    again = record(ledger, [5], Status.DONE, day, "乙", ref="文号")  # the evidence arrives
    assert [(e.task, e.ref) for e in again.events] == [(5, "文号")]
    assert [o.since for o in again.outcomes] == [dt.date(2020, 5, 1)]  # it keeps its date
    earlier = record(ledger, [6], Status.DONE, dt.date(2020, 4, 1), "乙")  # before it was done
    assert [e.task for e in earlier.events] == [6]
    assert read_ledger(ledger).events[1:] == (*done.events, *again.events, *earlier.events)


def test_record_needs_a_reason_to_block_or_drop(ledger: Path) -> None:
    for status in (Status.BLOCKED, Status.DROPPED):
        with pytest.raises(UsageError):
            record(ledger, [1], status, dt.date(2020, 6, 1), "甲", note="  ")
    assert not ledger.exists()
