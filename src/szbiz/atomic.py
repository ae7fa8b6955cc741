"""Replace a file's contents all at once: readers see the old bytes or the new, never a mix.

The one implementation used by every writer: the ledger, the cache, exports,
``szbiz import -o`` and ``szbiz init``.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

STALE_AFTER = 60.0  # seconds: a temporary file older than this was left by a writer that died


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable; a no-op where directories cannot be opened."""
    if os.name == "nt":  # pragma: no cover - Windows has no directory fsync
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _new_file_mode() -> int:
    """What ``open()`` would give a new file: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def temporary_pattern(name: str) -> str:
    """The names of the temporary files of a write of ``name``, as a glob: ``.<name>.*.tmp``."""
    return f".{name}.*.tmp"


def remove_stale(path: Path, older_than: float = STALE_AFTER) -> None:
    """Remove the temporary files that writes of ``path`` left behind when they were killed.

    Only regular files named as :func:`atomic_write` names them for this very
    ``path`` (``.<name>.<random>.tmp``), and only those untouched for
    ``older_than`` seconds: a live writer's file is younger. Whatever cannot be
    removed is left; it costs nothing but space.
    """
    mine = re.compile(re.escape(f".{path.name}.") + r"[A-Za-z0-9_]+\.tmp")
    limit = time.time() - older_than
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if not mine.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                found = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(found.st_mode) and found.st_mtime < limit:
                    os.unlink(entry.path)


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary ``.<name>.*.tmp`` in the same directory.

    Write, fsync, ``os.replace``, then fsync the directory. An existing file
    keeps its permission bits; a new one gets ``mode``, or the umask's default.
    On any error before the replace the temporary file is removed, ``path``
    keeps its old bytes, and the OSError propagates. A failure to sync the
    directory after the replace is ignored: the new bytes are already in
    place, and reporting an error would invite a retry (for the ledger, a
    second copy of the same events).

    A symlink at ``path`` is followed: the file it ends at is replaced, and the
    link stays a link. Which files may be written at all is for the caller to
    check first (``szbiz.files.write_target``). Temporary files that earlier
    writes of the same file left behind, killed, are removed
    (:func:`remove_stale`).
    """
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    directory = path.parent
    remove_stale(path)
    try:
        final_mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        final_mode = mode if mode is not None else _new_file_mode()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        try:
            # os.write straight to the descriptor: there is no user-space buffer to flush.
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, final_mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        fsync_directory(directory)
