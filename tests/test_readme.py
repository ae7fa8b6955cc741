"""The README stays true: its examples print what it says, and it documents every command."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from szbiz.cli import app

from .conftest import ROOT, run

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _examples() -> list[tuple[str, str]]:
    """Each ``$ szbiz …`` line in a plain code block, with the output shown under it; a line
    may set the environment first (``$ LANG=zh_CN.UTF-8 szbiz …``)."""
    examples = []
    for block in re.findall(r"```\n(.*?)```", README, re.S):
        current: list[str] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                if current is not None:
                    examples.append((current[0], "\n".join(current[1:])))
                current = [line[2:]]
            elif current is not None:
                current.append(line)
        if current is not None:
            examples.append((current[0], "\n".join(current[1:])))
    return [(cmd, out) for cmd, out in examples if re.match(r"(\w+=\S+ )*szbiz ", cmd)]


EXAMPLES = _examples()


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 2


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory for all examples, run in README order (done, then show …)."""
    path = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "data", path / "data")
    shutil.copytree(ROOT / "tests" / "data", path / "tests" / "data")
    shutil.copytree(ROOT / "examples", path / "examples")
    return path


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(
    command: str, expected: str, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from szbiz import dates

    monkeypatch.chdir(workdir)
    monkeypatch.setenv("COLUMNS", "100")
    # Events recorded at one fixed time: their ids (a hash of every field, the time it was
    # recorded too) are then the ids the README shows.
    recorded = dt.datetime(2020, 7, 1, 9, 0, tzinfo=dates.SHANGHAI)
    monkeypatch.setattr(dates, "now", lambda: recorded)
    words = shlex.split(command)
    start = words.index("szbiz")
    env = dict(word.split("=", 1) for word in words[:start])  # LANG=zh_CN.UTF-8: its locale
    result = run(*words[start + 1 :], env=env)
    shown = (result.stdout + result.stderr).rstrip("\n")
    assert shown == expected.rstrip("\n")


def _commands() -> list[str]:
    from typer.main import get_command

    group = get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_a_readme_section() -> None:
    headings = re.findall(r"^### (.*)$", README, re.M)
    sections = {name for h in headings for name in re.findall(r"`szbiz (\w+)", h)}
    assert set(_commands()) <= sections, "document the new command in the README"
    assert sections <= set(_commands()), "the README documents a command that is gone"


@pytest.mark.parametrize("command", _commands())
def test_readme_mentions_every_option(command: str) -> None:
    from typer.main import get_command

    group = get_command(app)
    cmd = group.commands[command]  # type: ignore[attr-defined]
    heading = next(h for h in re.findall(r"^### .*$", README, re.M) if f"`szbiz {command}" in h)
    section = README.split(heading, 1)[1].split("\n### ", 1)[0]
    shared = README.split("### Options every listing shares", 1)[1].split("\n### ", 1)[0]
    general = README.split("## Commands", 1)[1].split("###")[0]
    for param in cmd.params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert opt in section or opt in shared or opt in general, (
                    f"the README does not mention {command} {opt}"
                )


def test_quick_start_has_exactly_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```\n(.*?)```", quick, re.S)
    assert len(blocks) == 2
    for block in blocks:
        assert len(block.strip().splitlines()) == 1


def test_help_runs_for_every_command() -> None:
    for command in _commands():
        result = run(command, "--help")
        assert result.exit_code == 0, command
