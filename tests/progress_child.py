"""A separate process for tests/test_progress.py: hold the lock, or die mid-write.

    python progress_child.py hold LEDGER SECONDS        hold the ledger's lock, print "locked"
    python progress_child.py kill LEDGER TASK WHEN N    SIGKILL itself before/after the Nth
                                                        low-level file call of the append;
                                                        N = 0 only counts them and prints the count

The kill hooks live here, never in szbiz itself.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from szbiz.ledger import append_events, lock_path
from szbiz.lock import held
from szbiz.model import Event, Status

AT = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
HOOKED = ("open", "write", "fsync", "close", "chmod", "replace")


def event(task: int) -> Event:
    return Event(task, Status.DOING, dt.date(2020, 6, 1), f"进程 {task}", AT, note=f"n{task}")


def kill_at(when: str, n: int) -> list[int]:
    """Wrap os's file calls so that the Nth one (counted across all) kills the process."""
    calls = [0]

    def wrap(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def hooked(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            if calls[0] == n and when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            result = real(*args, **kwargs)
            if calls[0] == n and when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        return hooked

    for name in HOOKED:
        setattr(os, name, wrap(name, getattr(os, name)))
    return calls


def main(argv: list[str]) -> int:
    mode, ledger = argv[0], Path(argv[1])
    if mode == "hold":
        with held(lock_path(ledger)):
            print("locked", flush=True)
            time.sleep(float(argv[2]))
        return 0
    if mode == "kill":
        task, when, n = int(argv[2]), argv[3], int(argv[4])
        events = [event(task)]
        calls = kill_at(when, n)
        append_events(ledger, events)
        if n == 0:
            print(calls[0])
        return 0
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
