"""The ledger's write lock, between processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from szbiz.lock import LockTimeout, held

HOLD = """
import sys, time
from pathlib import Path
from szbiz.lock import held
with held(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def holder(path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
    return proc


def test_a_held_lock_times_out(tmp_path: Path) -> None:
    path = tmp_path / "ledger.lock"
    proc = holder(path, 60)
    try:
        start = time.monotonic()
        with pytest.raises(LockTimeout), held(path, timeout=0.3):
            pass
        assert time.monotonic() - start >= 0.3
    finally:
        proc.kill()
        proc.wait()


def test_a_dead_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    path = tmp_path / "ledger.lock"
    proc = holder(path, 60)
    proc.kill()
    proc.wait()
    with held(path, timeout=2):
        assert path.exists()


def test_release_lets_the_next_one_in_and_the_file_stays(tmp_path: Path) -> None:
    path = tmp_path / "ledger.lock"
    with held(path, timeout=0):
        pass
    with held(path, timeout=0):
        pass
    assert path.exists()


def test_a_missing_directory_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), held(tmp_path / "missing" / "x.lock"):
        pass
