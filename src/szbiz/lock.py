"""An exclusive lock between processes, on a file that is never renamed or removed.

The operating system's own lock: ``fcntl.flock`` on POSIX, ``msvcrt.locking``
on Windows. It is released when the holder releases it or dies, so a crash
never leaves a stale lock behind.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL = 0.05  # seconds between tries while another process holds the lock

_BUSY = {errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, errno.EDEADLK}


class LockTimeout(Exception):
    """Another process held the lock for longer than the timeout."""


def _try(fd: int) -> bool:
    """Take the lock on ``fd`` without waiting; False when another process holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in _BUSY:
            return False
        raise
    return True


def _untie(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def held(path: Path, timeout: float = 10.0) -> Iterator[None]:
    """``with held(path, timeout):`` hold the lock, waiting up to ``timeout`` seconds for it.

    Raises LockTimeout when another process keeps it longer, and OSError when
    the lock file cannot be opened (a read-only directory, say).
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while not _try(fd):
            if time.monotonic() >= deadline:
                raise LockTimeout(str(path))
            time.sleep(POLL)
        try:
            yield
        finally:
            _untie(fd)
    finally:
        os.close(fd)
