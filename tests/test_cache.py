"""The cache of validated lists: transparent, private, rebuilt when stale, safe to delete."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

import szbiz.cache
import szbiz.progress
from szbiz.cache import (
    cache_dir,
    known_ledger,
    learn_append,
    load_cached,
    load_history_cached,
    remember_ledger,
)
from szbiz.errors import LoadError
from szbiz.load import load
from szbiz.model import Event, History, Status
from szbiz.progress import Appended, append_events, ledger_text, read_ledger

from .conftest import TASKS, TEST_DATA, run


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("SZBIZ_CACHE_DIR", str(directory))
    return directory


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("tasks-*.marshal"))


def test_cached_list_equals_the_loaded_one(cache: Path) -> None:
    first = load_cached(TASKS)
    assert len(entries(cache)) == 1
    second = load_cached(TASKS)  # from the cache
    assert first == second == load(TASKS).tasks
    assert second.task(42) == load(TASKS).tasks.task(42)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_entries_are_private(cache: Path) -> None:
    load_cached(TASKS)
    (entry,) = entries(cache)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_a_changed_file_is_read_again(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "tasks.yaml"
    shutil.copyfile(TASKS, path)
    assert load_cached(path).task(1) is not None
    text = path.read_text(encoding="utf-8").replace("升级“开办企业一窗通”平台\n", "改过的标题\n", 1)
    path.write_text(text, encoding="utf-8")
    assert load_cached(path).task(1).title == "改过的标题"  # type: ignore[union-attr]
    assert len(entries(cache)) == 2


def test_a_broken_list_is_never_cached(cache: Path) -> None:
    with pytest.raises(LoadError):
        load_cached(TEST_DATA / "deadline-impossible.yaml")
    assert entries(cache) == []


def test_a_corrupt_entry_is_rebuilt_silently(cache: Path) -> None:
    load_cached(TASKS)
    (entry,) = entries(cache)
    entry.write_bytes(b"\x00garbage")
    assert load_cached(TASKS) == load(TASKS).tasks
    assert entry.read_bytes() != b"\x00garbage"


def test_deleting_the_cache_is_safe(cache: Path) -> None:
    load_cached(TASKS)
    shutil.rmtree(cache)
    assert load_cached(TASKS) == load(TASKS).tasks


def test_an_unwritable_cache_is_not_the_users_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("SZBIZ_CACHE_DIR", str(blocker / "cache"))
    assert load_cached(TASKS) == load(TASKS).tasks
    result = run("list", "--ids", "1", "-f", "ids")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1\n", "")


def test_cache_dir_defaults_to_the_users_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SZBIZ_CACHE_DIR", raising=False)
    if os.name != "nt" and os.uname().sysname == "Linux":
        assert cache_dir() == Path(os.environ["XDG_CACHE_HOME"]) / "szbiz"


def test_the_cache_holds_only_a_few_lists(cache: Path, tmp_path: Path) -> None:
    text = TASKS.read_text(encoding="utf-8")
    for n in range(12):
        path = tmp_path / f"tasks{n}.yaml"
        path.write_text(text + f"# copy {n}\n", encoding="utf-8")
        load_cached(path)
    assert len(entries(cache)) == 8


# --- the ledger -----------------------------------------------------------------------

CST = dt.timezone(dt.timedelta(hours=8))


def event(task: int, status: Status = Status.DOING) -> Event:
    return Event(task, status, dt.date(2020, 6, 1), "甲", dt.datetime(2026, 11, 27, 18, tzinfo=CST))


def ledger_entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("ledger-*.marshal"))


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> Any:
        raise AssertionError("the ledger was parsed")

    monkeypatch.setattr(szbiz.progress, "parse_ledger", refuse)
    monkeypatch.setattr(szbiz.progress, "_parse", refuse)


def test_a_ledger_read_once_is_known(cache: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "progress.yaml"
    append_events(ledger, [event(7)])
    data = ledger.read_bytes()
    assert not known_ledger(data)
    assert load_history_cached(ledger).events == (event(7),)
    assert known_ledger(data)
    assert not known_ledger(data + b"# one more byte\n")
    assert not known_ledger(b"")
    assert not known_ledger(b"  \n")


def test_a_broken_ledger_is_never_known(cache: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "progress.yaml"
    ledger.write_text("- {task: 1, status: finished}\n", encoding="utf-8")
    with pytest.raises(LoadError):
        load_history_cached(ledger)
    assert not known_ledger(ledger.read_bytes())
    assert ledger_entries(cache) == []


def test_remember_ledger_is_read_back_without_parsing(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "progress.yaml"
    ledger.write_text(ledger_text([event(7), event(8)]), encoding="utf-8")
    history = History((event(7), event(8)))
    remember_ledger(ledger.read_bytes(), history)
    assert known_ledger(ledger.read_bytes())
    (entry,) = ledger_entries(cache)
    if os.name != "nt":
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    no_parsing(monkeypatch)
    assert load_history_cached(ledger) == history


@pytest.mark.parametrize("same_process", [True, False])
def test_an_append_is_learned_without_parsing_again(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, same_process: bool
) -> None:
    ledger = tmp_path / "progress.yaml"
    append_events(ledger, [event(7)])
    load_history_cached(ledger)  # what a command reads first
    if not same_process:  # the old ledger's events come from its entry
        szbiz.cache._recent.clear()
    written = append_events(ledger, [event(8), event(9)], trusted=known_ledger)
    assert written is not None and written.history is None  # the old lines were not parsed
    learn_append(written)
    assert known_ledger(ledger.read_bytes())
    expected = read_ledger(ledger)
    no_parsing(monkeypatch)
    assert load_history_cached(ledger) == expected
    assert expected.events == (event(7), event(8), event(9))


def test_an_append_to_an_unknown_ledger_is_learned_from_its_parse(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "progress.yaml"
    ledger.write_text(ledger_text([event(7)]), encoding="utf-8")
    written = append_events(ledger, [event(8)], trusted=known_ledger)
    assert written is not None and written.history is not None  # parsed whole
    learn_append(written)
    no_parsing(monkeypatch)
    assert load_history_cached(ledger).events == (event(7), event(8))


def test_nothing_is_learned_about_a_ledger_nobody_knows(cache: Path) -> None:
    before = ledger_text([event(7)]).encode()
    after = ledger_text([event(7), event(8)]).encode()
    learn_append(Appended(before, after, (event(8),)))
    learn_append(None)
    assert ledger_entries(cache) == []
    learn_append(Appended(b"", after, (event(8),)))  # a new ledger: nothing before
    assert known_ledger(after)


def test_an_unwritable_cache_learns_nothing_and_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("SZBIZ_CACHE_DIR", str(blocker / "cache"))
    data = ledger_text([event(7)]).encode()
    remember_ledger(data, History((event(7),)))
    assert not known_ledger(data)


def test_ledgers_never_push_the_list_out(cache: Path, tmp_path: Path) -> None:
    load_cached(TASKS)
    ledger = tmp_path / "progress.yaml"
    for task in range(1, 13):
        append_events(ledger, [event(task)])
        load_history_cached(ledger)
    assert len(entries(cache)) == 1
    assert len(ledger_entries(cache)) == 8


def test_a_failed_cache_write_leaves_no_temporary_file(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    assert load_cached(TASKS) == load(TASKS).tasks
    monkeypatch.undo()
    assert list(cache.iterdir()) == []


def test_a_cached_list_makes_each_task_only_when_asked(cache: Path) -> None:
    load_cached(TASKS)
    cached = load_cached(TASKS)  # from the cache
    loaded = load(TASKS).tasks
    assert isinstance(cached.tasks, szbiz.cache.LazyTasks)
    assert cached.heads == loaded.heads
    assert cached.tasks._made.count(None) == 210  # nothing made yet
    assert cached.task(42) == loaded.task(42)
    assert cached.task(42) is cached.task(42)  # made once
    assert cached.tasks._made.count(None) == 209
    assert cached.tasks[-1] == loaded.tasks[-1]
    assert cached.tasks[3:6] == tuple(loaded.tasks[3:6])
    assert list(cached.tasks) == list(loaded.tasks)
    assert cached.tasks == loaded.tasks and hash(cached.tasks) == hash(tuple(loaded.tasks))
    assert repr(cached.tasks) == "LazyTasks(210 tasks)"
    with pytest.raises(IndexError):
        cached.tasks[210]


def test_an_entry_of_an_older_format_is_rebuilt(cache: Path) -> None:
    load_cached(TASKS)
    (entry,) = entries(cache)
    import marshal

    entry.write_bytes(marshal.dumps((2, ("old",), (), (), ())))
    assert load_cached(TASKS) == load(TASKS).tasks


def test_read_here_knows_the_ledger_bytes_last_read(cache: Path, tmp_path: Path) -> None:
    from szbiz.cache import read_here

    ledger = tmp_path / "progress.yaml"
    load_history_cached(ledger)  # missing: nothing read
    assert read_here(b"") and not read_here(b"- {task: 1}\n")
    append_events(ledger, [event(1)])
    data = ledger.read_bytes()
    assert not read_here(data)  # written by another, since
    load_history_cached(ledger)
    assert read_here(data) and not read_here(b"")
    append_events(ledger, [event(2)])
    assert not read_here(ledger.read_bytes())


def test_a_damaged_task_text_is_one_line_and_the_entry_goes(cache: Path) -> None:
    import marshal

    load_cached(TASKS)
    (entry,) = entries(cache)
    value = list(marshal.loads(entry.read_bytes()))
    value[5] = (b"\x00damaged", *value[5][1:])  # task 1's text
    entry.write_bytes(marshal.dumps(tuple(value)))
    damaged = load_cached(TASKS)
    assert damaged.task(2) == load(TASKS).tasks.task(2)  # the other tasks read on
    with pytest.raises(szbiz.cache.SzbizError) as info:
        damaged.task(1)
    assert info.value.message == (
        f"{entry} is damaged (task 1) and was removed; run the command again"
    )
    assert not entry.exists()
    assert load_cached(TASKS) == load(TASKS).tasks  # rebuilt
