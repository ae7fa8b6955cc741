"""Shell completion: commands, agency names and codes, area numbers.

``szbiz --install-completion`` and ``--show-completion`` are typer's; the
installed script asks ``szbiz`` for candidates with _SZBIZ_COMPLETE set, as a
shell does on Tab. Both run the installed script, as a shell would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("szbiz")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: each request reads the list as a shell's Tab would."""
    return tmp_path_factory.mktemp("cache") / "szbiz"


@pytest.fixture
def env(tmp_path: Path, cache: Path) -> dict[str, str]:
    keep = ("PATH", "SYSTEMROOT")
    out = {k: v for k, v in os.environ.items() if k in keep}
    return out | {
        "HOME": str(tmp_path / "home"),
        "SHELL": "/bin/bash",
        "LC_ALL": "C.UTF-8",
        "SZBIZ_PROGRESS": str(tmp_path / "progress.yaml"),
        "SZBIZ_CACHE_DIR": str(cache),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def szbiz(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def candidates(words: str, env: dict[str, str]) -> list[str]:
    """What bash gets on Tab after ``words`` (the last word the one being completed)."""
    count = len(words.split()) - (0 if words.endswith(" ") else 1)
    request = {"_SZBIZ_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(count)}
    done = szbiz([], env | request)
    assert (done.returncode, done.stderr) == (0, "")
    return [line for line in done.stdout.splitlines() if line]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("szbiz re", ["reopen", "report"]),
        ("szbiz list --agency 市税", ["市税务局"]),
        ("szbiz list --agency sw", ["swj", "swjt"]),
        ("szbiz due -a sw", ["swj", "swjt"]),
        ("szbiz done 1 --agency 深圳海关", ["深圳海关"]),
        ("szbiz report --agency 深圳海", ["深圳海关", "深圳海事局"]),
        ("szbiz sheet --agency zjj", ["zjj"]),
        ("szbiz list --area 1", ["1", "10", "11", "12", "13", "14"]),
        ("szbiz report --area 7", ["7"]),
        ("szbiz list --agency 无此单位", []),
    ],
)
def test_bash_completes_commands_agencies_and_areas(
    env: dict[str, str], words: str, expected: list[str]
) -> None:
    assert candidates(words, env) == expected


def test_zsh_shows_each_area_with_its_name(env: dict[str, str]) -> None:
    request = {"_SZBIZ_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "szbiz list --area 1"}
    done = szbiz([], env | request)
    assert done.returncode == 0
    assert '"1":"深化商事登记制度改革"' in done.stdout
    assert '"14":"营造包容普惠创新环境"' in done.stdout


def test_a_list_that_cannot_be_read_completes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "tasks.yaml"
    broken.write_text("tasks: [", encoding="utf-8")
    assert candidates("szbiz list --agency 市", env | {"SZBIZ_TASKS": str(broken)}) == []


def test_show_completion_prints_the_script(env: dict[str, str]) -> None:
    done = szbiz(["--show-completion", "bash"], env)
    assert (done.returncode, done.stderr) == (0, "")
    assert "_SZBIZ_COMPLETE=complete_bash" in done.stdout
    assert "complete -o default -F _szbiz_completion szbiz" in done.stdout


def test_install_completion_writes_the_script_and_sources_it(env: dict[str, str]) -> None:
    done = szbiz(["--install-completion", "bash"], env)
    assert done.returncode == 0
    home = Path(env["HOME"])
    script = home / ".bash_completions" / "szbiz.sh"
    assert f"bash completion installed in {script}" in done.stdout
    assert "_SZBIZ_COMPLETE=complete_bash" in script.read_text(encoding="utf-8")
    assert f"source '{script}'" in (home / ".bashrc").read_text(encoding="utf-8")
