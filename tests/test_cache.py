"""The cache of validated lists and ledgers: transparent, private, checked, safe to delete."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

import szbiz
import szbiz.ledger
import szbiz.load
from szbiz import cache as cached
from szbiz.errors import LoadError
from szbiz.ledger import append_events, ledger_text, read_ledger
from szbiz.load import load
from szbiz.model import Event, History, Status
from szbiz.settings import cache_dir

from .conftest import TASKS, TEST_DATA, run


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("SZBIZ_CACHE_DIR", str(directory))
    return directory


def entries(directory: Path, kind: str = "tasks") -> list[Path]:
    return sorted(directory.glob(f"{kind}-*.json"))


def refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("parsed although the cache knows it")


def test_a_cached_list_equals_the_loaded_one_and_is_not_parsed_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cached.tasks(TASKS)
    assert len(entries(cache)) == 1
    monkeypatch.setattr(szbiz.load, "load", refuse)
    second = cached.tasks(TASKS)
    monkeypatch.undo()
    assert first == second == load(TASKS).tasks
    assert second.task(42) == load(TASKS).tasks.task(42)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_entries_are_private(cache: Path) -> None:
    cached.tasks(TASKS)
    (entry,) = entries(cache)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_a_changed_file_is_read_again(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "tasks.yaml"
    shutil.copyfile(TASKS, path)
    assert cached.tasks(path).task(1) is not None
    text = path.read_text(encoding="utf-8").replace("升级“开办企业一窗通”平台\n", "改过的标题\n", 1)
    path.write_text(text, encoding="utf-8")
    assert cached.tasks(path).task(1).title == "改过的标题"  # type: ignore[union-attr]
    assert len(entries(cache)) == 2


def test_another_szbiz_version_does_not_read_the_entry(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached.tasks(TASKS)
    monkeypatch.setattr(szbiz, "__version__", "0.0.0-other")
    assert cached.tasks(TASKS) == load(TASKS).tasks
    assert len(entries(cache)) == 2


def test_a_broken_list_is_never_cached(cache: Path) -> None:
    with pytest.raises(LoadError):
        cached.tasks(TEST_DATA / "deadline-impossible.yaml")
    assert entries(cache) == []


@pytest.mark.parametrize("where", [0, 15, 16, 17, 100, -1])
def test_a_damaged_entry_is_never_believed(cache: Path, where: int) -> None:
    """One flipped bit anywhere: the entry is not used, and a good one replaces it."""
    expected = load(TASKS).tasks
    cached.tasks(TASKS)
    (entry,) = entries(cache)
    data = bytearray(entry.read_bytes())
    data[where] ^= 0x01
    entry.write_bytes(bytes(data))
    assert cached.tasks(TASKS) == expected
    assert entry.read_bytes() != bytes(data)
    assert cached.tasks(TASKS) == expected


@pytest.mark.parametrize("blob", [b"", b"\x00", b"\x00garbage", b"x" * 40])
def test_a_truncated_or_foreign_entry_is_rebuilt_silently(cache: Path, blob: bytes) -> None:
    cached.tasks(TASKS)
    (entry,) = entries(cache)
    entry.write_bytes(blob)
    assert cached.tasks(TASKS) == load(TASKS).tasks
    assert entry.read_bytes() != blob


def test_deleting_the_cache_is_safe(cache: Path) -> None:
    cached.tasks(TASKS)
    shutil.rmtree(cache)
    assert cached.tasks(TASKS) == load(TASKS).tasks


def test_an_unwritable_cache_is_not_the_users_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("SZBIZ_CACHE_DIR", str(blocker / "cache"))
    assert cached.tasks(TASKS) == load(TASKS).tasks
    result = run("list", "--ids", "1", "-f", "ids")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1\n", "")
    result = run("done", "1", "--progress", str(tmp_path / "p.yaml"), "--by", "甲")
    assert result.exit_code == 0, result.stderr


def test_cache_dir_defaults_to_the_users_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SZBIZ_CACHE_DIR", raising=False)
    if os.name != "nt" and os.uname().sysname == "Linux":
        assert cache_dir() == Path(os.environ["XDG_CACHE_HOME"]) / "szbiz"


def test_the_cache_holds_only_a_few_lists(cache: Path, tmp_path: Path) -> None:
    text = TASKS.read_text(encoding="utf-8")
    for n in range(12):
        path = tmp_path / f"tasks{n}.yaml"
        path.write_text(text + f"# copy {n}\n", encoding="utf-8")
        cached.tasks(path)
    assert len(entries(cache)) == cached.KEEP


def test_a_failed_cache_write_leaves_no_temporary_file(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", fail)
    assert cached.tasks(TASKS) == load(TASKS).tasks
    monkeypatch.undo()
    assert list(cache.iterdir()) == []


# --- the ledger -----------------------------------------------------------------------

CST = dt.timezone(dt.timedelta(hours=8))


def event(task: int, status: Status = Status.DOING) -> Event:
    return Event(task, status, dt.date(2020, 6, 1), "甲", dt.datetime(2026, 11, 27, 18, tzinfo=CST))


def test_a_ledger_read_once_is_not_parsed_again(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "progress.yaml"
    ledger.write_text(ledger_text([event(1), event(2)]), encoding="utf-8")
    assert read_ledger(ledger).events == (event(1), event(2))
    monkeypatch.setattr(szbiz.ledger, "parse_ledger", refuse)
    assert read_ledger(ledger).events == (event(1), event(2))


def test_every_kind_of_event_comes_back_from_the_cache_as_it_was(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = dt.datetime(2026, 11, 27, 18, tzinfo=CST)
    day = dt.date(2020, 6, 1)
    events = (
        Event(16, Status.DONE, day, "甲", at, ref="r", agency="市公安局"),
        Event(16, None, day, "甲", at, note="进展"),
        Event(16, None, day, "甲", at, ref="r", to=dt.date(2020, 9, 30)),
        Event(16, None, day, "甲", at, undo="0123456789abcdef"),
    )
    ledger = tmp_path / "progress.yaml"
    ledger.write_text(ledger_text(events), encoding="utf-8")
    assert read_ledger(ledger).events == events
    monkeypatch.setattr(szbiz.ledger, "parse_ledger", refuse)
    assert read_ledger(ledger).events == events


def test_a_broken_ledger_is_never_cached(cache: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "progress.yaml"
    ledger.write_text("- {task: 1, status: finished}\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(LoadError):
            read_ledger(ledger)
    assert entries(cache, "ledger") == []


def test_what_szbiz_appends_is_known_without_parsing(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "progress.yaml"
    append_events(ledger, [event(1)])
    monkeypatch.setattr(szbiz.ledger, "parse_ledger", refuse)
    append_events(ledger, [event(2)])
    append_events(ledger, [event(3, Status.DONE)])
    assert read_ledger(ledger) == History((event(1), event(2), event(3, Status.DONE)))
    monkeypatch.undo()
    assert szbiz.ledger.parse_ledger(ledger.read_bytes(), "x") == read_ledger(ledger)


def test_remembered_bytes_are_read_back_as_remembered(cache: Path) -> None:
    data = ledger_text([event(1)]).encode("utf-8")
    cached.remember(data, History((event(1),)))
    assert cached.history(data, "progress.yaml") == History((event(1),))


def test_ledgers_never_push_the_list_out(cache: Path, tmp_path: Path) -> None:
    cached.tasks(TASKS)
    ledger = tmp_path / "progress.yaml"
    for task in range(1, 13):
        append_events(ledger, [event(task)])
    assert len(entries(cache)) == 1
    assert len(entries(cache, "ledger")) == cached.KEEP


def test_a_list_saved_while_it_is_read_never_lands_under_the_other_key(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor saves the list while szbiz parses it: what is cached is what was parsed."""
    path = tmp_path / "tasks.yaml"
    original = TASKS.read_text(encoding="utf-8")
    changed = original.replace("升级“开办企业一窗通”平台\n", "改过的标题\n", 1)
    path.write_text(original, encoding="utf-8")
    real_parse, real_load = szbiz.load.parse, szbiz.load.load

    def parse_saved_meanwhile(data: bytes, name: str) -> Any:
        path.write_text(changed, encoding="utf-8")
        return real_parse(data, name)

    def load_saved_meanwhile(where: Path) -> Any:
        path.write_text(changed, encoding="utf-8")
        return real_load(where)

    monkeypatch.setattr(szbiz.load, "parse", parse_saved_meanwhile)
    monkeypatch.setattr(szbiz.load, "load", load_saved_meanwhile)
    assert cached.tasks(path).task(1) == load(TASKS).tasks.task(1)
    monkeypatch.undo()
    assert cached.tasks(path).task(1).title == "改过的标题"  # type: ignore[union-attr]
    path.write_text(original, encoding="utf-8")
    assert cached.tasks(path).task(1) == load(TASKS).tasks.task(1)
