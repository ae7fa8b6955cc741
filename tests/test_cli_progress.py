"""Marking progress from the command line: the ledger changes, the list never does."""

from __future__ import annotations

import json
import os
import re
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from .conftest import TASKS, no_traceback, run


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "progress.yaml"
    monkeypatch.setenv("SZBIZ_PROGRESS", str(path))
    monkeypatch.setenv("SZBIZ_USER", "张三")
    monkeypatch.setenv("SZBIZ_TODAY", "2020-06-01")
    return path


def ids(text: str) -> list[str]:
    return text.splitlines()


def test_done_then_show_list_and_due(ledger: Path) -> None:
    before = TASKS.read_bytes()
    result = run("done", "42", "--on", "2020-05-20", "--ref", "深府办〔2020〕18号")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "task 42: todo → done on 2020-05-20\n"
    assert result.stderr == f"recorded 1 event in {ledger}\n"
    assert TASKS.read_bytes() == before  # the canonical list is never written

    show = run("show", "42").stdout
    assert "完成时限   2020年3月底 (2020-03-31) · done on 2020-05-20, 50 days late" in show
    assert "状态       已完成(逾期) (done) as of 2020-06-01" in show
    assert re.search(
        r"\n历史       [0-9a-f]{8} 2020-05-20 done by 张三 · 深府办〔2020〕18号\n", show
    )
    assert ids(run("list", "--status", "done", "-f", "ids").stdout) == ["42"]
    assert len(ids(run("due", "--before", "2020-06-30", "-f", "ids").stdout)) == 152
    detail = json.loads(run("show", "42", "--json").stdout)
    assert detail["status"] == "done" and detail["done_on"] == "2020-05-20"
    assert detail["history"][0]["ref"] == "深府办〔2020〕18号"


def test_as_of_shows_the_world_as_it_stood(ledger: Path) -> None:
    # Task 4 is due 2020-06-30; done on 2020-07-15.
    assert run("done", "4", "--on", "2020-07-15", "--as-of", "2020-08-01").exit_code == 0
    july = json.loads(run("show", "4", "--json", "--as-of", "2020-07-01").stdout)
    assert (july["status"], july["overdue"]) == ("todo", True)
    august = json.loads(run("show", "4", "--json", "--as-of", "2020-08-01").stdout)
    assert (august["status"], august["overdue"], august["done_late"]) == ("done", False, True)


def test_several_ids_recorded_together(ledger: Path) -> None:
    result = run("start", "1", "2", "3", "--note", "开始")
    assert result.stdout.splitlines() == [
        "task 1: todo → doing on 2020-06-01",
        "task 2: todo → doing on 2020-06-01",
        "task 3: todo → doing on 2020-06-01",
    ]
    lines = [line for line in ledger.read_text(encoding="utf-8").splitlines() if line[:1] == "-"]
    assert len(lines) == 3
    assert all("note: 开始" in line for line in lines)


def test_ids_and_ranges_in_the_order_given_without_repeats(ledger: Path) -> None:
    result = run("done", "12", "5-7,6", "5")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"task {n}: todo → done on 2020-06-01" for n in (12, 5, 6, 7)
    ]
    assert run("reopen", "5-7").stdout.splitlines() == [
        f"task {n}: done → todo on 2020-06-01" for n in (5, 6, 7)
    ]


def test_same_status_changes_nothing(ledger: Path) -> None:
    run("done", "7")
    before = ledger.read_bytes()
    again = run("done", "7")
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == "task 7 is already done (since 2020-06-01); nothing to record\n"
    assert ledger.read_bytes() == before
    # A task never marked is todo already.
    assert run("reopen", "8").stderr == "task 8 is already todo; nothing to record\n"


def test_reopen_block_drop(ledger: Path) -> None:
    run("done", "9")
    assert run("reopen", "9").stdout == "task 9: done → todo on 2020-06-01\n"
    assert run("block", "9", "--note", "等待上级批复").exit_code == 0
    assert run("drop", "10", "--note", "并入第 9 项").exit_code == 0
    statuses = {
        r["id"]: r["status"] for r in json.loads(run("list", "--ids", "9-10", "--json").stdout)
    }
    assert statuses == {9: "blocked", 10: "dropped"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("done", "211"), "error: task 211 does not exist; ids are 1–210\n"),
        (("done", "abc"), "error: cannot read 'abc'; write ids and ranges like 1-16,42\n"),
        (
            ("done", "9" * 5000),
            f"error: task {'9' * 40}… does not exist; ids are 1–210\n",
        ),
        (
            ("done", "5", "--note", "bad\udcffbyte"),  # a byte the terminal passed on as it was
            "error: --note holds the byte 0xff, which is not UTF-8; "
            "set the terminal to UTF-8, or type the text again\n",
        ),
        (("done", "9-5"), "error: the range '9-5' runs backwards; write 5-9\n"),
        (("done", "0"), "error: task 0 does not exist; ids are 1–210\n"),
        (("done", "1", "211"), "error: task 211 does not exist; ids are 1–210\n"),
        (
            ("done", "5", "--on", "someday"),
            "error: cannot read 'someday' as a date; try 2020-06-30, 2020年6月底 or +30d\n",
        ),
        (
            ("done", "5", "--on", "2020-06-02"),
            "error: --on 2020-06-02 is after today (2020-06-01); "
            "record progress on or after the day it happens\n",
        ),
        (("block", "5"), "error: szbiz block needs --note saying why\n"),
        (("drop", "5", "--note", "  "), "error: szbiz drop needs --note saying why\n"),
    ],
)
def test_bad_input_changes_nothing(ledger: Path, args: tuple[str, ...], message: str) -> None:
    run("done", "6")
    before = ledger.read_bytes()
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert ledger.read_bytes() == before


def test_corrupt_ledger_is_named_and_kept(ledger: Path) -> None:
    ledger.write_text(
        "- {task: 1, status: done, on: 2020-05-01, by: x}\n- [oops\n", encoding="utf-8"
    )
    before = ledger.read_bytes()
    result = run("done", "5")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {ledger}:")
    assert len(result.stderr.splitlines()) == 1
    assert no_traceback(result.stderr)
    assert ledger.read_bytes() == before
    assert run("list").exit_code == 1  # reading refuses it too


def test_explicit_ledger_in_missing_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SZBIZ_TODAY", "2020-06-01")
    target = tmp_path / "typo" / "progress.yaml"
    message = (
        f"error: the ledger {target} (--progress) is in a directory that does not exist; "
        "check the path\n"
    )
    for args in (("done", "5"), ("list",), ("show", "5")):
        result = run(*args, "--progress", str(target))
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert not target.parent.exists()


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_read_only_ledger(ledger: Path) -> None:
    run("done", "5")
    ledger.chmod(0o444)
    if os.access(ledger, os.W_OK):
        pytest.skip("this user may write a read-only file (root)")
    before = ledger.read_bytes()
    result = run("done", "6")
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: cannot write {ledger}: permission denied\n",
    )
    assert ledger.read_bytes() == before


def test_default_ledger_is_per_user_and_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SZBIZ_TODAY", "2020-06-01")
    monkeypatch.chdir(tmp_path)
    default = Path(os.environ["XDG_DATA_HOME"]) / "szbiz" / "progress.yaml"
    where = run("where").stdout
    assert f"progress  {default}  (per-user default; not created yet)" in where
    assert run("done", "5").exit_code == 0
    assert default.is_file()
    assert f"progress  {default}  (per-user default; exists)" in run("where").stdout


def test_szbiz_toml_names_the_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SZBIZ_TODAY", "2020-06-01")
    result = run("init", str(tmp_path))
    assert result.exit_code == 0
    assert (tmp_path / "szbiz.toml").is_file()
    assert "progress.yaml merge=union" in (tmp_path / ".gitattributes").read_text(encoding="utf-8")
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert run("done", "5").exit_code == 0
    assert "task: 5" in (tmp_path / "progress.yaml").read_text(encoding="utf-8")
    where = run("where").stdout
    assert f"({'szbiz.toml at ' + str(tmp_path / 'szbiz.toml')}; exists)" in where
    again = run("init", str(tmp_path))
    assert again.exit_code == 1


def test_log(ledger: Path) -> None:
    run("start", "3", "--on", "2020-05-01", "--note", "启动")
    run("done", "3", "--on", "2020-05-20", "--ref", "文号")
    run("done", "4", "--on", "2020-05-25")
    rows = json.loads(run("log", "--json").stdout)
    assert [(r["on"], r["task"], r["status"]) for r in rows] == [
        ("2020-05-01", 3, "doing"),
        ("2020-05-20", 3, "done"),
        ("2020-05-25", 4, "done"),
    ]
    assert [r["task"] for r in json.loads(run("log", "4", "--json").stdout)] == [4]
    since = json.loads(run("log", "--since", "2020-05-10", "--json").stdout)
    assert [r["on"] for r in since] == ["2020-05-20", "2020-05-25"]
    assert run("log", "--as-of", "2020-05-02", "-f", "ids").exit_code == 0
    empty = run("log", "5")
    assert (empty.exit_code, empty.stderr) == (0, "no progress recorded\n")


def test_lint_checks_the_ledger(ledger: Path) -> None:
    run("done", "5", "--ref", "文号")
    run("done", "6")
    assert run("lint").exit_code == 0
    strict = run("lint", "--require-ref")
    assert strict.exit_code == 1
    assert "task 6: done without evidence; record it with szbiz done 6 --ref REF" in strict.stdout
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write(
            "- {task: 300, status: done, on: 2020-05-01, by: x, at: '2020-05-02T00:00:00+08:00'}\n"
        )
    bad = run("lint")
    assert bad.exit_code == 1
    assert "task 300 does not exist; ids are 1–210 [unknown-task]" in bad.stdout
    assert run("lint", str(TASKS)).exit_code == 0  # a named list alone leaves the ledger out


def test_on_may_not_pass_the_real_today(ledger: Path) -> None:
    from szbiz.dates import today

    real = today()
    result = run("done", "5", "--as-of", "2099-01-01")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --as-of 2099-01-01 is after today ({real.isoformat()}); "
        "record progress on or after the day it happens\n"
    )
    later = run("done", "5", "--as-of", "2099-01-01", "--on", "2098-12-01")
    assert later.stderr.startswith("error: --on 2098-12-01 is after today")
    assert not ledger.exists()


def test_evidence_can_follow_a_done(ledger: Path) -> None:
    run("done", "146", "--on", "2020-05-15")
    assert run("lint", "--require-ref").exit_code == 1
    result = run("done", "146", "--on", "2020-05-15", "--ref", "深府办〔2020〕1号")
    assert result.stdout == "task 146: evidence added (done since 2020-05-15)\n"
    assert run("done", "146", "--ref", "深府办〔2020〕1号").stderr == (
        "task 146 is already done (since 2020-05-15); nothing to record\n"
    )
    assert run("lint", "--require-ref").exit_code == 0
    history = json.loads(run("show", "146", "--json").stdout)["history"]
    assert [e["ref"] for e in history] == ["", "深府办〔2020〕1号"]


def test_ids_must_be_plain_digits(ledger: Path) -> None:
    for text in ("²", "４２"):
        result = run("show", text)
        assert (result.exit_code, result.stderr) == (
            2,
            f"error: {text!r} is not a task id; ids are 1–210\n",
        )


def test_import_to_an_unwritable_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import szbiz.atomic

    def refuse(path: Path, data: bytes, **_: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(szbiz.atomic, "atomic_write", refuse)
    from .conftest import SOURCE

    out = tmp_path / "tasks.yaml"
    result = run("import", str(SOURCE), "-o", str(out))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: cannot write {out}: permission denied (is it open in Excel or another program?)\n",
    )
    assert not out.exists()


def _another_szbiz_writes_first(
    monkeypatch: pytest.MonkeyPatch, ledger: Path, task: int, status: str, *more: tuple[int, str]
) -> None:
    """Between this command's reading the ledger and its taking the lock, another
    szbiz records ``status`` for ``task`` (and the ``more`` pairs)."""
    import datetime as dt

    import szbiz.ledger
    import szbiz.lock
    from szbiz.dates import now
    from szbiz.model import Event, Status

    real = szbiz.lock.held
    at = now()  # after this command's own earlier events
    others = [
        Event(n, Status(s), dt.date(2020, 6, 1), "李四", at, note="另一人")
        for n, s in ((task, status), *more)
    ]
    raced: list[bool] = []

    def racing(path: Path, timeout: float = 10.0) -> AbstractContextManager[None]:
        if not raced:
            raced.append(True)
            szbiz.ledger.append_events(ledger, others)
        return real(path, timeout)

    monkeypatch.setattr(szbiz.lock, "held", racing)


def test_two_people_marking_the_same_task_at_once_record_it_once(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("start", "7")  # the ledger exists and is known
    _another_szbiz_writes_first(monkeypatch, ledger, 42, "done")
    result = run("done", "42", "43")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "task 43: todo → done on 2020-06-01\n"
    assert result.stderr == (
        "task 42 is already done (since 2020-06-01); nothing to record\n"
        f"recorded 1 event in {ledger}\n"
    )
    lines = [line for line in ledger.read_text(encoding="utf-8").splitlines() if "task: 42" in line]
    assert len(lines) == 1 and "李四" in lines[0]
    assert ids(run("list", "--status", "done", "-f", "ids").stdout) == ["42", "43"]


def test_a_task_done_meanwhile_leaves_nothing_to_record(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _another_szbiz_writes_first(monkeypatch, ledger, 42, "done")  # a ledger new to both
    result = run("done", "42")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "task 42 is already done (since 2020-06-01); nothing to record\n"
    assert ledger.read_text(encoding="utf-8").count("task: 42") == 1


def test_what_is_said_follows_the_ledger_planned_on_again(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Task 5 was done and 6 doing when read; another szbiz reopens 5 and blocks 6."""
    run("done", "5")
    run("start", "6")
    _another_szbiz_writes_first(monkeypatch, ledger, 5, "todo", (6, "blocked"))
    result = run("done", "5", "6")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "task 5: todo → done on 2020-06-01\ntask 6: blocked → done on 2020-06-01\n"
    )
    assert result.stderr == f"recorded 2 events in {ledger}\n"
    assert ids(run("list", "--status", "done", "-f", "ids").stdout) == ["5", "6"]


def test_a_ledger_under_the_working_directory_is_named_relative_to_it(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ledger.parent)
    result = run("done", "42")
    assert result.stderr == "recorded 1 event in progress.yaml\n"
