"""Where the list and the ledger live, and ``szbiz init``."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import pytest

import szbiz
from szbiz.dates import now
from szbiz.errors import SzbizError
from szbiz.init import CONFIG_TEXT, init_project
from szbiz.ledger import HEADER, append_events, lock_path, read_ledger
from szbiz.model import Event, Status
from szbiz.settings import Settings, bundled_tasks, default_ledger, resolve


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose szbiz.toml names both files; the working directory is two below."""
    root = tmp_path / "project"
    (root / "a" / "b").mkdir(parents=True)
    (root / "szbiz.toml").write_text(
        '# shared\nprogress = "ledger/progress.yaml"\ntasks = "../lists/tasks.yaml"\n',
        encoding="utf-8",
    )
    return root


def test_default_is_the_per_user_ledger_and_the_bundled_list(tmp_path: Path) -> None:
    settings = resolve(None, None, tmp_path)
    assert settings == Settings(
        tasks=bundled_tasks(),
        tasks_reason="bundled list",
        ledger=default_ledger(),
        ledger_reason="per-user default",
        explicit=False,
    )
    package = Path(szbiz.__file__).resolve().parent
    assert package not in settings.ledger.resolve().parents


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME is Linux's")
def test_default_ledger_honours_xdg_data_home(tmp_path: Path) -> None:
    assert default_ledger() == Path(os.environ["XDG_DATA_HOME"]) / "szbiz" / "progress.yaml"


@pytest.mark.skipif(sys.platform != "linux", reason="elsewhere it would be the real one")
def test_default_ledger_directory_is_created_when_first_written(tmp_path: Path) -> None:
    settings = resolve(None, None, tmp_path)
    assert not settings.ledger.parent.exists()
    path = settings.ledger_for_writing()
    assert path == settings.ledger and path.parent.is_dir()
    event = Event(1, Status.DOING, dt.date(2020, 1, 1), "甲", now())
    append_events(path, [event])
    assert read_ledger(path).events == (event,)


def test_an_explicit_ledger_directory_is_never_created(tmp_path: Path) -> None:
    settings = resolve(Path("typo/progress.yaml"), None, tmp_path)
    assert settings.explicit
    assert settings.ledger_for_writing() == tmp_path / "typo" / "progress.yaml"
    assert not (tmp_path / "typo").exists()


def test_toml_is_found_upward_and_its_paths_are_relative_to_it(project: Path) -> None:
    settings = resolve(None, None, project / "a" / "b")
    toml = project / "szbiz.toml"
    assert settings == Settings(
        tasks=project / "../lists/tasks.yaml",
        tasks_reason=f"szbiz.toml at {toml}",
        ledger=project / "ledger" / "progress.yaml",
        ledger_reason=f"szbiz.toml at {toml}",
        explicit=True,
    )


def test_the_nearest_toml_wins(project: Path) -> None:
    (project / "a" / "szbiz.toml").write_text('progress = "near.yaml"\n', encoding="utf-8")
    settings = resolve(None, None, project / "a" / "b")
    assert settings.ledger == project / "a" / "near.yaml"
    assert settings.ledger_reason == f"szbiz.toml at {project / 'a' / 'szbiz.toml'}"
    assert (settings.tasks, settings.tasks_reason) == (bundled_tasks(), "bundled list")


def test_environment_beats_toml(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SZBIZ_PROGRESS", "env.yaml")
    monkeypatch.setenv("SZBIZ_TASKS", "/lists/env-tasks.yaml")
    cwd = project / "a"
    settings = resolve(None, None, cwd)
    assert (settings.ledger, settings.ledger_reason, settings.explicit) == (
        cwd / "env.yaml",
        "SZBIZ_PROGRESS",
        True,
    )
    assert (settings.tasks, settings.tasks_reason) == (Path("/lists/env-tasks.yaml"), "SZBIZ_TASKS")


def test_options_beat_environment(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SZBIZ_PROGRESS", "env.yaml")
    monkeypatch.setenv("SZBIZ_TASKS", "env-tasks.yaml")
    cwd = project / "a"
    settings = resolve(Path("opt.yaml"), Path("opt-tasks.yaml"), cwd)
    assert settings == Settings(
        cwd / "opt-tasks.yaml", "--tasks", cwd / "opt.yaml", "--progress", True
    )


def test_empty_environment_values_are_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SZBIZ_PROGRESS", "")
    monkeypatch.setenv("SZBIZ_TASKS", " ")
    assert resolve(None, None, tmp_path) == resolve(None, None, tmp_path / "x")
    assert resolve(None, None, tmp_path).ledger_reason == "per-user default"


def test_options_need_no_toml(project: Path) -> None:
    (project / "szbiz.toml").write_text("not toml at all", encoding="utf-8")
    settings = resolve(Path("p.yaml"), Path("t.yaml"), project)
    assert (settings.ledger_reason, settings.tasks_reason) == ("--progress", "--tasks")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# settings\nprogress = progress.yaml\n",
            '2:12: invalid TOML: invalid value; expected lines like progress = "progress.yaml"',
        ),
        (
            'progress = "a.yaml"\nprogress = "b.yaml"\n',
            "2:20: invalid TOML: cannot overwrite a value; "
            'expected lines like progress = "progress.yaml"',
        ),
        (
            'progress = "a.yaml',
            "1: invalid TOML: unterminated string at the end of the file; "
            'expected lines like progress = "progress.yaml"',
        ),
        (
            '# settings\nprogres = "a.yaml"\n',
            "2: unknown key 'progres'; did you mean 'progress'? expected progress or tasks, "
            "or [lists.KEY] tables",
        ),
        ("tasks = 3\n", '1: tasks must be a path in quotes, like tasks = "tasks.yaml"'),
        (
            "[list.2021]\n",
            "1: unknown key 'list'; did you mean 'lists'? expected progress or tasks, "
            "or [lists.KEY] tables",
        ),
        ("\n[progress]\n", '2: progress must be a path in quotes, like progress = "progress.yaml"'),
    ],
)
def test_invalid_toml_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    toml = tmp_path / "szbiz.toml"
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(SzbizError) as info:
        resolve(None, None, tmp_path)
    assert info.value.message == f"{toml}:{message}"


def test_toml_that_is_not_utf8(tmp_path: Path) -> None:
    toml = tmp_path / "szbiz.toml"
    toml.write_bytes(b'progress = "\xb9\xfd.yaml"\n')
    with pytest.raises(SzbizError) as info:
        resolve(None, None, tmp_path)
    assert info.value.message == f"{toml}: not UTF-8 at byte 12; save it as UTF-8"


# --- init ---------------------------------------------------------------------------


def test_init_writes_settings_ledger_gitattributes_and_gitignore(tmp_path: Path) -> None:
    written = init_project(tmp_path)
    toml, ledger, attributes, ignore = (
        tmp_path / "szbiz.toml",
        tmp_path / "progress.yaml",
        tmp_path / ".gitattributes",
        tmp_path / ".gitignore",
    )
    assert written == [toml, ledger, attributes, ignore]
    assert ignore.read_bytes() == b"progress.yaml.lock\n.progress.yaml.*.tmp\n"
    assert ignore.read_bytes().decode().split()[0] == lock_path(ledger).name
    assert toml.read_bytes() == CONFIG_TEXT.encode("utf-8")
    assert 'progress = "progress.yaml"\n' in CONFIG_TEXT
    assert '# tasks = "tasks.yaml"\n' in CONFIG_TEXT
    assert ledger.read_bytes() == HEADER.encode("utf-8")
    assert attributes.read_bytes() == b"progress.yaml merge=union\n"
    assert read_ledger(ledger).events == ()
    settings = resolve(None, None, tmp_path)
    assert settings == Settings(
        bundled_tasks(), "bundled list", ledger, f"szbiz.toml at {toml}", True
    )


def test_init_refuses_an_existing_toml_and_changes_nothing(tmp_path: Path) -> None:
    init_project(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(SzbizError) as info:
        init_project(tmp_path)
    assert info.value.message == (
        f"{tmp_path / 'szbiz.toml'} already exists; szbiz init leaves it as it is"
    )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_init_keeps_an_existing_ledger_and_gitattributes(tmp_path: Path) -> None:
    ledger = tmp_path / "progress.yaml"
    event = Event(7, Status.DOING, dt.date(2020, 3, 1), "李四", now())
    append_events(ledger, [event])
    attributes = tmp_path / ".gitattributes"
    attributes.write_bytes(b"*.png binary\n/progress.yaml   merge=union text")
    ignore = tmp_path / ".gitignore"
    ignore.write_bytes(b"build/\n/progress.yaml.lock\n.*.tmp")
    before = ledger.read_bytes()
    assert init_project(tmp_path) == [tmp_path / "szbiz.toml"]
    assert ledger.read_bytes() == before
    assert attributes.read_bytes() == b"*.png binary\n/progress.yaml   merge=union text"
    assert ignore.read_bytes() == b"build/\n/progress.yaml.lock\n.*.tmp"


def test_init_adds_the_line_to_other_attributes(tmp_path: Path) -> None:
    attributes = tmp_path / ".gitattributes"
    attributes.write_bytes(b"*.png binary\nprogress.yaml text")
    assert init_project(tmp_path)[-2] == attributes
    assert (
        attributes.read_bytes() == b"*.png binary\nprogress.yaml text\nprogress.yaml merge=union\n"
    )


def test_init_needs_an_existing_directory(tmp_path: Path) -> None:
    with pytest.raises(SzbizError) as info:
        init_project(tmp_path / "nowhere")
    assert info.value.message == f"cannot set up {tmp_path / 'nowhere'}: no such directory"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"*.pyc", b"*.pyc\nprogress.yaml.lock\n.progress.yaml.*.tmp\n"),  # no final newline
        (
            b"\xef\xbb\xbf*.pyc\r\nbuild/\r\n",
            b"\xef\xbb\xbf*.pyc\r\nbuild/\r\nprogress.yaml.lock\r\n.progress.yaml.*.tmp\r\n",
        ),
        (b"", b"progress.yaml.lock\n.progress.yaml.*.tmp\n"),
        (
            b"*.lock\n*.tmp\n!progress.yaml.lock\n",
            b"*.lock\n*.tmp\n!progress.yaml.lock\nprogress.yaml.lock\n",
        ),
        (
            b"sub/progress.yaml.lock\n.*.tmp\n",
            b"sub/progress.yaml.lock\n.*.tmp\nprogress.yaml.lock\n",
        ),
        (
            b"# progress.yaml.lock\n*.lock\n",
            b"# progress.yaml.lock\n*.lock\n.progress.yaml.*.tmp\n",
        ),
    ],
    ids=["no newline", "BOM and CRLF", "empty", "negated", "elsewhere", "lock only"],
)
def test_init_adds_the_lock_to_gitignore_keeping_every_byte(
    tmp_path: Path, old: bytes, new: bytes
) -> None:
    ignore = tmp_path / ".gitignore"
    ignore.write_bytes(old)
    assert init_project(tmp_path)[-1] == ignore
    assert ignore.read_bytes() == new


@pytest.mark.parametrize(
    "old",
    [
        b"progress.yaml.lock\n.progress.yaml.*.tmp\n",
        b"/progress.yaml.lock\n/.progress.yaml.*.tmp\n",
        b"*.lock\n*.tmp\n",
        b"*.yaml.*\n  \n",
    ],
)
def test_init_leaves_a_gitignore_that_covers_the_lock(tmp_path: Path, old: bytes) -> None:
    ignore = tmp_path / ".gitignore"
    ignore.write_bytes(old)
    assert ignore not in init_project(tmp_path)
    assert ignore.read_bytes() == old


def test_init_refuses_an_unreadable_gitignore_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ignore = tmp_path / ".gitignore"
    ignore.write_bytes(b"*.pyc\n")
    real_open = os.open

    def guarded(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == ignore:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded)
    with pytest.raises(SzbizError) as info:
        init_project(tmp_path)
    assert info.value.message == f"cannot read {ignore}: permission denied"
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == [".gitignore"]


def test_init_in_a_read_only_directory_injected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(SzbizError) as info:
        init_project(tmp_path)
    assert info.value.message == f"cannot write {tmp_path / 'progress.yaml'}: permission denied"
