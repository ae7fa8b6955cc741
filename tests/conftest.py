from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from szbiz.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TASKS = DATA / "tasks.yaml"
SOURCE = DATA / "source" / "shenzhen-2020-tasks.txt"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the developer's own settings, ledger, terminal width or language."""
    from szbiz import i18n

    i18n.reset()  # the language is decided again, from the environment below
    for name in (
        "SZBIZ_LANG",
        "LC_ALL",
        "LC_MESSAGES",
        "LANG",
        "LANGUAGE",
        "SZBIZ_LIST",
        "SZBIZ_TASKS",
        "SZBIZ_PROGRESS",
        "SZBIZ_TODAY",
        "SZBIZ_USER",
        "SZBIZ_DEBUG",
        "GITHUB_ACTIONS",
        "NO_COLOR",
        "FORCE_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    # Per-user directories of their own, apart from tmp_path, which tests may list.
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run szbiz in-process; stdout and stderr apart."""
    runner = CliRunner()
    result = runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def no_traceback(text: str) -> bool:
    return "Traceback" not in text and not re.search(r'File ".*", line \d+', text)
