"""Several task lists in one workspace: szbiz.toml names them by key, --list and SZBIZ_LIST
pick one, each has its own ledger, and a ledger of one list is never read for another."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest

from szbiz.dump import dump_tasklist
from szbiz.ledger import HEADER, header, owner_line
from szbiz.load import load
from szbiz.settings import lists
from tests.conftest import TASKS, run

TITLE_2020 = "深圳市 2020 年优化营商环境改革重点任务清单"
TITLE_2021 = "深圳市 2021 年优化营商环境改革重点任务清单"
OWNER_2020 = f"# list: {TITLE_2020} (2020)\n"
OWNER_2021 = f"# list: {TITLE_2021} (2021)\n"
TOML = """\
[lists.2020]
tasks = "data/tasks.yaml"
progress = "progress-2020.yaml"

[lists.2021]
tasks = "lists/2021.yaml"
"""
WHO = {"SZBIZ_USER": "张三"}


def small_list(path: Path) -> None:
    """A list of 2021: four of 2020's tasks (40–43, area 3), another title and year."""
    tasks = load(TASKS).tasks
    kept = tuple(t for t in tasks.tasks if 40 <= t.id <= 43)
    named = {name for t in kept for name in (*t.lead, *t.support)}
    small = dataclasses.replace(
        tasks,
        document=dataclasses.replace(tasks.document, title=TITLE_2021, year=2021),
        areas=tuple(a for a in tasks.areas if a.number == 3),
        agencies=tuple(a for a in tasks.agencies if a.name in named),
        tasks=kept,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_tasklist(small), encoding="utf-8")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with the lists 2020 (the bundled list, copied) and 2021 (a small one),
    the working directory."""
    root = tmp_path / "ws"
    (root / "data").mkdir(parents=True)
    shutil.copyfile(TASKS, root / "data" / "tasks.yaml")
    small_list(root / "lists" / "2021.yaml")
    (root / "szbiz.toml").write_text(TOML, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ids(*args: str, env: dict[str, str] | None = None) -> list[str]:
    result = run("list", "--format", "ids", *args, env=env)
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout.split()


def test_settings_lists_names_each_list_with_its_files_in_order(workspace: Path) -> None:
    assert lists() == {
        "2020": (workspace / "data/tasks.yaml", workspace / "progress-2020.yaml"),
        "2021": (workspace / "lists/2021.yaml", workspace / "progress-2021.yaml"),
    }
    assert lists(workspace / "data") == lists()  # found upward, as szbiz.toml always is


def test_settings_lists_is_empty_without_lists_by_key(tmp_path: Path) -> None:
    assert lists(tmp_path) == {}
    (tmp_path / "szbiz.toml").write_text('progress = "progress.yaml"\n', encoding="utf-8")
    assert lists(tmp_path) == {}


def test_the_first_list_is_the_default_and_list_or_env_picks_another(workspace: Path) -> None:
    assert len(ids()) == 210
    assert ids("--list", "2020") == ids()
    assert ids("--list", "2021") == ["40", "41", "42", "43"]
    assert ids(env={"SZBIZ_LIST": "2021"}) == ["40", "41", "42", "43"]
    assert len(ids("--list", "2020", env={"SZBIZ_LIST": "2021"})) == 210  # option beats env


def test_done_on_one_list_leaves_the_other_and_its_ledger_alone(workspace: Path) -> None:
    before = run("show", "42", "--list", "2020", "--as-of", "2021-03-02")
    assert before.stdout.endswith("状态       逾期 (overdue) as of 2021-03-02\n")
    done = run("done", "42", "--list", "2021", "--as-of", "2021-03-01", env=WHO)
    assert (done.exit_code, done.stdout, done.stderr) == (
        0,
        "task 42: todo → done on 2021-03-01\n",
        "recorded 1 event in progress-2021.yaml\n",
    )
    ledger = (workspace / "progress-2021.yaml").read_bytes().decode("utf-8")
    head, event = ledger.removesuffix("\n").rsplit("\n", 1)
    # A new ledger says which list it belongs to, by the list's title and year alone.
    assert head + "\n" == OWNER_2021 + HEADER
    assert event.startswith("- {task: 42, status: done, on: 2021-03-01, by: 张三, at: '")
    assert not (workspace / "progress-2020.yaml").exists()
    after = run("show", "42", "--list", "2020", "--as-of", "2021-03-02")
    assert (after.exit_code, after.stdout, after.stderr) == (0, before.stdout, "")
    shown = run("show", "42", "--as-of", "2021-03-02", env={"SZBIZ_LIST": "2021"})
    assert "状态       已完成(逾期) (done) as of 2021-03-02\n" in shown.stdout

    # And the other way round: 2021's ledger keeps its bytes.
    kept = sha(workspace / "progress-2021.yaml")
    assert run("start", "41", "--as-of", "2021-03-01", env=WHO).exit_code == 0
    assert (
        (workspace / "progress-2020.yaml")
        .read_bytes()
        .startswith((OWNER_2020 + HEADER).encode("utf-8"))
    )
    assert sha(workspace / "progress-2021.yaml") == kept


def test_the_header_is_the_same_for_the_same_list_on_every_branch(workspace: Path) -> None:
    """git's union merge keeps one header only if both branches wrote the same bytes."""
    tasks = load(TASKS).tasks
    assert header(tasks) == header(load(workspace / "data/tasks.yaml").tasks)
    assert header(tasks) == OWNER_2020 + HEADER
    assert header() == HEADER


def test_a_title_with_a_line_break_stays_on_the_one_line(workspace: Path) -> None:
    tasks = load(TASKS).tasks
    odd = dataclasses.replace(tasks.document, title="深圳\n# 2020\x1b[2J\u2028清单")
    line = owner_line(dataclasses.replace(tasks, document=odd))
    assert line == "# list: 深圳 # 2020 [2J 清单 (2020)"


def where_lines(*args: str, env: dict[str, str] | None = None) -> list[str]:
    result = run("where", *args, env=env)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("cache     ")
    return lines[:-1]


def test_where_says_which_list_and_why(workspace: Path) -> None:
    toml = workspace / "szbiz.toml"
    in_2020 = f"list 2020 in szbiz.toml at {toml}"
    in_2021 = f"list 2021 in szbiz.toml at {toml}"
    assert where_lines() == [
        f"list      2020  (first in szbiz.toml at {toml}; also 2021)",
        f"tasks     {workspace / 'data/tasks.yaml'}  ({in_2020})",
        f"progress  {workspace / 'progress-2020.yaml'}  ({in_2020}; not created yet)",
    ]
    # The ledger left out of [lists.2021] is progress-2021.yaml beside szbiz.toml.
    with_option = [
        "list      2021  (--list; also 2020)",
        f"tasks     {workspace / 'lists/2021.yaml'}  ({in_2021})",
        f"progress  {workspace / 'progress-2021.yaml'}  ({in_2021}; not created yet)",
    ]
    assert where_lines("--list", "2021") == with_option
    with_env = where_lines(env={"SZBIZ_LIST": "2021"})
    assert with_env == [with_option[0].replace("--list", "SZBIZ_LIST"), *with_option[1:]]
    # --progress and SZBIZ_TASKS still name their files, in the list chosen.
    assert where_lines("--list", "2021", "--progress", "mine.yaml") == [
        with_option[0],
        with_option[1],
        f"progress  {workspace / 'mine.yaml'}  (--progress; not created yet)",
    ]
    assert where_lines(env={"SZBIZ_TASKS": "other.yaml"})[1] == (
        f"tasks     {workspace / 'other.yaml'}  (SZBIZ_TASKS)"
    )


def test_where_with_one_list_by_key_names_no_others(workspace: Path) -> None:
    (workspace / "szbiz.toml").write_text(
        '[lists.y2021]\ntasks = "lists/2021.yaml"\n', encoding="utf-8"
    )
    assert (
        where_lines()[0] == f"list      y2021  (first in szbiz.toml at {workspace / 'szbiz.toml'})"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            TOML + 'progress = "progress-2020.yaml"\n',
            "7: the lists 2020 and 2021 both use the ledger {ws}/progress-2020.yaml; "
            "expected a ledger of its own for each list",
        ),
        (
            TOML.replace("[lists.2021]", '[lists."2021 年"]'),
            "5: list key '2021 年' is not a plain name; expected letters, digits, - and _ "
            "(a year such as 2021)",
        ),
        (
            'tasks = "data/tasks.yaml"\n\n' + TOML,
            "1: top-level tasks beside [lists.KEY] tables; expected either top-level tasks "
            "and progress (one list) or a [lists.KEY] table for each list",
        ),
        (
            TOML.replace('tasks = "lists/2021.yaml"', 'progress = "p.yaml"'),
            '5: the list 2021 names no task list; expected tasks = "PATH" in it',
        ),
        (
            TOML + 'progres = "p.yaml"\n',
            "7: unknown key 'progres' in the list 2021; did you mean 'progress'? "
            "expected progress or tasks",
        ),
        (
            TOML + "progress = 3\n",
            '7: progress must be a path in quotes, like progress = "progress.yaml"',
        ),
        (
            "# lists\nlists = 2021\n",
            "2: lists names no list; expected a table for each, like [lists.2021] with "
            'tasks = "tasks-2021.yaml"',
        ),
        (
            '[lists]\n2021 = "lists/2021.yaml"\n',
            "2: the list 2021 must be a table; expected [lists.2021] with "
            'tasks = "tasks.yaml" under it',
        ),
    ],
    ids=[
        "same-ledger",
        "bad-key",
        "both-forms",
        "no-tasks",
        "unknown-key",
        "not-a-path",
        "lists-not-a-table",
        "list-not-a-table",
    ],
)
def test_every_config_error_names_its_line(workspace: Path, text: str, message: str) -> None:
    toml = workspace / "szbiz.toml"
    toml.write_text(text, encoding="utf-8")
    for args in (("list",), ("where",), ("done", "42", "--list", "2021")):
        result = run(*args)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == f"error: {toml}:{message.format(ws=workspace)}\n"
    assert not (workspace / "progress-2021.yaml").exists()


def test_two_spellings_of_one_ledger_are_one_ledger(workspace: Path) -> None:
    toml = workspace / "szbiz.toml"
    toml.write_text(TOML + 'progress = "./data/../progress-2020.yaml"\n', encoding="utf-8")
    result = run("list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {toml}:7: the lists 2020 and 2021 both use")


def test_an_unknown_list_is_a_usage_error_naming_the_lists(workspace: Path) -> None:
    toml = workspace / "szbiz.toml"
    expected = f"error: unknown list '2022'; szbiz.toml at {toml} names 2020, 2021\n"
    for env in (None, {"SZBIZ_LIST": "2022"}):
        args = ("list",) if env else ("list", "--list", "2022")
        result = run(*args, env=env)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", expected)
    result = run("done", "42", "--list", "2022")
    assert (result.exit_code, result.stderr) == (2, expected)
    assert sorted(p.name for p in workspace.iterdir()) == ["data", "lists", "szbiz.toml"]


def test_list_needs_lists_by_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("list", "--list", "2021")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: --list 2021: there is no szbiz.toml in {tmp_path} or a directory above it; "
        "name the lists in one, in tables like [lists.2021]\n"
    )
    (tmp_path / "szbiz.toml").write_text('progress = "progress.yaml"\n', encoding="utf-8")
    result = run("where", env={"SZBIZ_LIST": "2021"})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: unknown list '2021'; szbiz.toml at {tmp_path / 'szbiz.toml'} names no lists "
        "by key (give them tables like [lists.2021])\n"
    )


def test_list_and_tasks_together_say_it_twice(workspace: Path) -> None:
    result = run("list", "--list", "2021", "--tasks", "lists/2021.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "error: --list and --tasks both name the task list; give one of them\n",
    )


def test_a_ledger_of_another_list_is_refused_everywhere(workspace: Path) -> None:
    assert run("done", "42", "--as-of", "2020-06-01", env=WHO).exit_code == 0
    ledger_2020, ledger_2021 = workspace / "progress-2020.yaml", workspace / "progress-2021.yaml"
    shutil.copyfile(ledger_2020, ledger_2021)
    kept = ledger_2021.read_bytes()
    refusal = (
        f'error: progress-2021.yaml belongs to the list "{TITLE_2020}" (2020), not to '
        f'"{TITLE_2021}" (2021) in use; pick the list with --list\n'
    )
    for args in (
        ("done", "41", "--list", "2021", "--as-of", "2021-03-01"),
        ("note", "41", "进展顺利", "--list", "2021", "--as-of", "2021-03-01"),
        ("undo", "42", "--list", "2021", "--as-of", "2021-03-01"),
        ("show", "42", "--list", "2021"),
        ("list", "--list", "2021"),
        ("report", "--list", "2021"),
    ):
        result = run(*args, env=WHO)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", refusal), args
    assert ledger_2021.read_bytes() == kept
    lint = run("lint", "--list", "2021")
    assert (lint.exit_code, lint.stderr) == (1, "")
    assert lint.stdout == (
        f'{ledger_2021}:1:1: error: belongs to the list "{TITLE_2020}" (2020), not to '
        f'"{TITLE_2021}" (2021) in use; pick the list with --list [other-list]\n'
    )
    named = run("lint", "--progress", str(ledger_2021), "--list", "2021")
    assert (named.exit_code, named.stdout) == (1, lint.stdout)
    # Machines read lint's JSON in English whatever the locale; people read Chinese.
    as_json = run("--lang", "zh", "lint", "--list", "2021", "--format", "json")
    assert '"rule": "other-list"' in as_json.stdout
    assert '"message": "belongs to the list \\"' in as_json.stdout
    chinese = run("--lang", "zh", "done", "41", "--list", "2021", "--as-of", "2021-03-01")
    assert chinese.stderr == (
        f'错误：progress-2021.yaml 属于清单 "{TITLE_2020}" (2020)，不属于在用的 '
        f'"{TITLE_2021}" (2021)；用 --list 选择清单\n'
    )
    # Read for the list it belongs to, it is fine.
    assert run("lint", "--progress", str(ledger_2021)).exit_code == 0
    assert run("show", "42", "--progress", str(ledger_2021)).exit_code == 0


def test_a_ledger_that_names_no_list_is_read_for_any(workspace: Path) -> None:
    """Every ledger written before lists had keys: taken as it is, and added to as it is."""
    ledger = workspace / "progress-2021.yaml"
    ledger.write_text(
        HEADER + "- {task: 42, status: done, on: 2021-03-01, by: 张三, "
        "at: '2021-03-01T10:00:00+08:00'}\n",
        encoding="utf-8",
    )
    assert (
        "已完成(逾期) (done)" in run("show", "42", "--list", "2021", "--as-of", "2021-03-02").stdout
    )
    assert run("done", "41", "--list", "2021", "--as-of", "2021-03-02", env=WHO).exit_code == 0
    assert ledger.read_text(encoding="utf-8").startswith(HEADER + "- {task: 42,")
    assert run("lint", "--list", "2021").exit_code == 0


def test_an_overlong_list_name_in_a_ledger_is_cut_in_the_message(workspace: Path) -> None:
    ledger = workspace / "progress-2021.yaml"
    ledger.write_text(f"# list: {'长' * 100_000} (2020)\n", encoding="utf-8")
    result = run("done", "42", "--list", "2021", "--as-of", "2021-03-01", env=WHO)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f'error: progress-2021.yaml belongs to the list "{"长" * 100}…{"长" * 100}" (2020), '
        f'not to "{TITLE_2021}" (2021) in use; pick the list with --list\n'
    )
    assert ledger.read_text(encoding="utf-8") == f"# list: {'长' * 100_000} (2020)\n"


def test_diff_takes_the_keys_of_the_lists(workspace: Path) -> None:
    result = run("diff", "2020", "2021", "--show", "same")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "210 old, 4 new: 4 same, 0 changed, 0 new, 206 dropped"
    # A file of that name is the file, not the list of that key.
    shutil.copyfile(workspace / "lists" / "2021.yaml", workspace / "2020")
    result = run("diff", "2020", "2021", "--show", "same")
    assert result.stdout.splitlines()[-1] == "4 old, 4 new: 4 same, 0 changed, 0 new, 0 dropped"
    result = run("diff", "2019", "2021")
    assert (result.exit_code, result.stdout) == (1, "")
    assert "2019" in result.stderr
