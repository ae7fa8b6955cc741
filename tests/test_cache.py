"""The cache of validated lists: transparent, private, rebuilt when stale, safe to delete."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from szbiz.cache import cache_dir, load_cached
from szbiz.errors import LoadError
from szbiz.load import load

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
