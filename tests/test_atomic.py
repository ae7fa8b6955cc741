"""atomic_write: the one way szbiz replaces a file (ledger, cache, exports, init)."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

import szbiz.atomic
from szbiz.atomic import atomic_write

POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_writes_new_and_replaces_old(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    atomic_write(path, b"one")
    assert path.read_bytes() == b"one"
    atomic_write(path, b"")
    assert path.read_bytes() == b""
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_the_temporary_file_is_a_hidden_sibling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.yaml"
    seen: list[Path] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        seen.append(Path(src))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    atomic_write(path, b"x")
    (tmp,) = seen
    assert tmp.parent == tmp_path
    assert tmp.name.startswith(".progress.yaml.") and tmp.name.endswith(".tmp")


@POSIX_ONLY
def test_a_new_file_gets_mode_or_the_umask_default(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        atomic_write(tmp_path / "default", b"x")
        atomic_write(tmp_path / "private", b"x", mode=0o600)
    finally:
        os.umask(umask)
    assert mode(tmp_path / "default") == 0o640
    assert mode(tmp_path / "private") == 0o600


@POSIX_ONLY
def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_bytes(b"old")
    path.chmod(0o604)
    atomic_write(path, b"new", mode=0o600)
    assert (path.read_bytes(), mode(path)) == (b"new", 0o604)


@pytest.mark.parametrize(
    ("owner", "call"),
    [(os, "write"), (os, "fsync"), (os, "chmod"), (os, "replace"), (None, "mkstemp")],
)
def test_a_failure_keeps_the_old_bytes_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, owner: Any, call: str
) -> None:
    import tempfile

    path = tmp_path / "out.txt"
    path.write_bytes(b"old")
    error = PermissionError(errno.EACCES, "Permission denied")

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(owner or tempfile, call, fail)
    with pytest.raises(PermissionError) as info:
        atomic_write(path, b"new")
    monkeypatch.undo()
    assert info.value is error
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_failed_directory_sync_after_the_replace_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(directory: Path) -> None:
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(szbiz.atomic, "fsync_directory", fail)
    atomic_write(tmp_path / "out.txt", b"new")
    assert (tmp_path / "out.txt").read_bytes() == b"new"


def test_a_missing_directory_is_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "nope" / "out.txt", b"x")
