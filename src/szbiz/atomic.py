"""Replace a file's contents all at once: readers see the old bytes or the new, never a mix.

The one implementation used by every writer: the ledger, the cache, exports,
``szbiz import -o`` and ``szbiz init``.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


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


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary ``.<name>.*.tmp`` in the same directory.

    Write, fsync, ``os.replace``, then fsync the directory. An existing file
    keeps its permission bits; a new one gets ``mode``, or the umask's default.
    On any error before the replace the temporary file is removed, ``path``
    keeps its old bytes, and the OSError propagates. A failure to sync the
    directory after the replace is ignored: the new bytes are already in
    place, and reporting an error would invite a retry (for the ledger, a
    second copy of the same events).

    ``path`` is replaced as named: a symlink there becomes a file. A caller
    that must keep the link resolves it first.
    """
    directory = path.parent
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
