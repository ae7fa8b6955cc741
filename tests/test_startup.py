"""Start-up: every command is built from its own module and runs on its own.

How fast it starts is measured by bench/run.py, not asserted here: tests that
forbade imports (json, yaml, rich …) pinned how it was made fast, not what the
user sees, and broke with every refactoring of the modules.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from szbiz.cli import COMMANDS, app

from .conftest import run


def test_every_command_is_mapped_to_its_module() -> None:
    from typer.main import get_command

    group = get_command(app)
    assert set(group.commands) == set(COMMANDS)  # type: ignore[attr-defined]
    for name, module in COMMANDS.items():
        callback = group.commands[name].callback  # type: ignore[attr-defined]
        assert callback.__module__ == f"szbiz.cli.{module}", name


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SZBIZ_")}
    env["SZBIZ_CACHE_DIR"] = str(tmp_path / "cache")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = _python(
        "import sys; sys.argv = ['szbiz', '--help']\nfrom szbiz.cli import main\nmain()", tmp_path
    )
    assert result.returncode == 0
    for name in COMMANDS:
        assert f" {name} " in result.stdout


def test_no_arguments_prints_the_help(tmp_path: Path) -> None:
    """``szbiz`` alone is a request for help, not an error: exit 0, nothing on stderr."""
    alone = _python(
        "import sys; sys.argv = ['szbiz']\nfrom szbiz.cli import main\nmain()", tmp_path
    )
    helped = _python(
        "import sys; sys.argv = ['szbiz', '--help']\nfrom szbiz.cli import main\nmain()", tmp_path
    )
    assert (alone.returncode, alone.stderr) == (0, "")
    assert alone.stdout == helped.stdout
    assert "Usage: szbiz [OPTIONS] COMMAND [ARGS]..." in alone.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_runs_alone(command: str, tmp_path: Path) -> None:
    code = (
        f"import sys; sys.argv = ['szbiz', {command!r}, '--help']\n"
        "from szbiz.cli import main\nmain()"
    )
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Usage: szbiz" in result.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_run_alone_is_the_one_asked_for(command: str, tmp_path: Path) -> None:
    """Only the command that runs is built; its help and usage are the full app's."""
    code = (
        "import os; os.environ['COLUMNS'] = '80'\n"
        f"import sys; sys.argv = ['szbiz', '--debug', {command!r}, '--help']\n"
        "from szbiz.cli import main\nmain()"
    )
    alone = _python(code, tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout == run(command, "--help", env={"COLUMNS": "80"}).stdout


def test_the_collector_is_paused_for_start_up_only(tmp_path: Path) -> None:
    code = (
        "import gc, sys\n"
        "sys.argv = ['szbiz', 'areas', '--format', 'ids']\n"
        "import szbiz.cli.root\n"
        "seen = []\n"
        "real = szbiz.cli.root.run\n"
        "szbiz.cli.root.run = lambda: (seen.append(gc.isenabled()), real())\n"
        "import atexit\n"
        "atexit.register(lambda: sys.__stderr__.write(f'{seen} {gc.isenabled()}\\n'))\n"
        "from szbiz.cli import main\nmain()"
    )
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[True] True"
