"""A real install in a fresh virtual environment: the list ships inside, progress survives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT, TASKS

pytestmark = pytest.mark.skipif(
    os.environ.get("SZBIZ_SKIP_INSTALL_TEST") == "1", reason="SZBIZ_SKIP_INSTALL_TEST=1"
)


def _tracked_copy(target: Path) -> Path:
    """The repository's tracked files only, so that no build/ left in the tree is installed."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:  # not a git checkout: copy the tree as it is
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".venv", "build", "*.egg-info"))
        return target
    for name in listed.stdout.decode("utf-8").split("\0"):
        if name and (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.mark.slow
def test_install_run_anywhere_reinstall_keeps_progress(tmp_path: Path) -> None:
    source = _tracked_copy(tmp_path / "source")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    szbiz = bindir / ("szbiz.exe" if os.name == "nt" else "szbiz")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # Nothing from this test run's own environment may leak into the fresh one.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SZBIZ_", "VIRTUAL_ENV", "PYTHON"))
    }
    subprocess.run([*pip, str(source)], check=True, cwd=tmp_path, env=env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env.update(
        XDG_DATA_HOME=str(tmp_path / "data"),
        SZBIZ_TODAY="2020-06-01",
        SZBIZ_USER="tester",
        PATH=str(bindir) + os.pathsep + env.get("PATH", ""),
    )

    def szbiz_run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(szbiz), *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )

    listed = szbiz_run("list", "--agency", "市税务局", "-f", "ids")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 19
    where = szbiz_run("where")
    site = subprocess.run(
        [str(python), "-c", "import szbiz, pathlib; print(pathlib.Path(szbiz.__file__).parent)"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    bundled = Path(site) / "data" / "tasks.yaml"
    assert bundled.read_bytes() == TASKS.read_bytes()
    assert f"tasks     {bundled}  (bundled list)" in where.stdout

    assert szbiz_run("done", "42").returncode == 0
    subprocess.run(
        [*pip, "--force-reinstall", "--no-deps", str(source)], check=True, cwd=tmp_path, env=env
    )
    shown = json.loads(szbiz_run("show", "42", "--json").stdout)
    assert shown["status"] == "done"
    ledger = tmp_path / "data" / "szbiz" / "progress.yaml"
    assert f"progress  {ledger}  (per-user default; exists)" in szbiz_run("where").stdout
    assert site not in str(ledger)
    module = subprocess.run(
        [str(python), "-m", "szbiz", "--version"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert module.stdout.startswith("szbiz ")
    assert sys.version_info >= (3, 11)
