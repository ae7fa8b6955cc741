"""Evidence that keeps its dates, notes, undo, 延期 and each agency's part, through the CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import TASKS, run


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "progress.yaml"
    monkeypatch.setenv("SZBIZ_PROGRESS", str(path))
    monkeypatch.setenv("SZBIZ_USER", "张三")
    monkeypatch.setenv("SZBIZ_TODAY", "2020-08-01")
    return path


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def detail(task: str, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok("show", task, "--json", *args))
    return data


def report(*args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok("report", "--json", *args))
    return data


def line(text: str, key: str) -> list[str]:
    """The lines of ``show`` under ``key`` (its first and those that continue it)."""
    out: list[str] = []
    for row in text.splitlines():
        if row.startswith(key) or (out and row.startswith(" ")):
            out.append(row)
        elif out:
            break
    return out


# --- dates that stay put ---------------------------------------------------------------


def test_evidence_added_later_keeps_the_done_date_and_the_light(ledger: Path) -> None:
    # Task 69 is due 2020-06-30: done on 2020-06-20, its evidence arrives on 2020-08-01.
    result = run("done", "69", "--on", "2020-06-20")
    assert (result.exit_code, result.stdout) == (0, "task 69: todo → done on 2020-06-20\n")
    before = report("--area", "6")["overall"]["lights"]
    result = run("done", "69", "--ref", "深税发〔2020〕30号")
    assert (result.exit_code, result.stdout) == (
        0,
        "task 69: evidence added (done since 2020-06-20)\n",
    )
    assert result.stderr == f"recorded 1 event in {ledger}\n"
    shown = ok("show", "69")
    assert "完成时限   2020年6月底 (2020-06-30) · done on 2020-06-20, on time\n" in shown
    assert "状态       已完成 (done) as of 2020-08-01\n" in shown
    data = detail("69")
    assert (data["done_on"], data["done_late"], data["ref"]) == (
        "2020-06-20",
        False,
        "深税发〔2020〕30号",
    )
    after = report("--area", "6")["overall"]["lights"]
    assert after == before and after["on_time"] == 1 and after["done_late"] == 0
    # Done again: the real date, and nothing recorded.
    again = run("done", "69")
    assert (again.exit_code, again.stdout, again.stderr) == (
        0,
        "",
        "task 69 is already done (since 2020-06-20); nothing to record\n",
    )
    noted = run("done", "69", "--note", "再次确认")
    assert noted.stdout == "task 69: note added (done since 2020-06-20)\n"
    assert detail("69")["done_on"] == "2020-06-20"


# --- notes -----------------------------------------------------------------------------


def test_note_is_dated_changes_no_status_and_is_shown_everywhere(ledger: Path) -> None:
    ok("start", "91", "--on", "2020-06-01")
    result = run("note", "91", "已完成系统开发", "--on", "2020-06-20", "--ref", "口岸函〔2020〕7号")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "task 91: note added on 2020-06-20\n",
        f"recorded 1 event in {ledger}\n",
    )
    line_ = ledger.read_text(encoding="utf-8").splitlines()[-1]
    assert re.fullmatch(
        r"- \{task: 91, on: 2020-06-20, by: 张三, at: '[^']+', note: 已完成系统开发, "
        r"ref: 口岸函〔2020〕7号\}",
        line_,
    ), line_
    data = detail("91", "--as-of", "2020-07-01")
    assert data["status"] == "doing"
    assert data["notes"] == [
        {
            "on": "2020-06-20",
            "text": "已完成系统开发",
            "ref": "口岸函〔2020〕7号",
            "agency": "",
            "by": "张三",
        }
    ]
    shown = ok("show", "91", "--as-of", "2020-07-01")
    assert line(shown, "进展") == ["进展       2020-06-20 已完成系统开发 · 口岸函〔2020〕7号"]
    log = json.loads(ok("log", "91", "--json"))
    assert [(e["kind"], e["status"], e["note"]) for e in log] == [
        ("status", "doing", ""),
        ("note", None, "已完成系统开发"),
    ]
    sheet = ok("sheet", "--agency", "市口岸办", "--as-of", "2020-07-01", "-f", "md")
    assert (
        "| 91 | 试点陆路口岸“一站式”通关模式 | 2020-06-30 | 进行中·逾期 | 逾期 1 天 "
        "| 已完成系统开发 "
        "|  | 市口岸办 进行中、深圳海关 未开始、深圳边检总站 未开始 |"
    ) in sheet
    csv = run("export", "--ids", "91", "-f", "csv", "--as-of", "2020-07-01").stdout
    header, row = csv.lstrip("\ufeff").splitlines()
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert cells["最近进展"] == "已完成系统开发"
    # As of a day before the note, there is none.
    assert detail("91", "--as-of", "2020-06-19")["notes"] == []
    assert line(ok("show", "91", "--as-of", "2020-06-19"), "进展") == []


def test_note_for_several_tasks_and_for_an_agency(ledger: Path) -> None:
    result = run("note", "84", "91", "联调中", "--agency", "海关", "--on", "2020-06-10")
    assert result.stdout == (
        "task 84 · 深圳海关: note added on 2020-06-10\n"
        "task 91 · 深圳海关: note added on 2020-06-10\n"
    )
    assert result.stderr == f"recorded 2 events in {ledger}\n"
    assert detail("84")["notes"][0]["agency"] == "深圳海关"


# --- undo ------------------------------------------------------------------------------


def test_undo_of_a_wrong_done_restores_the_status_and_the_report(ledger: Path) -> None:
    ok("start", "42", "--on", "2020-03-01")
    before = report()
    ok("done", "42", "--on", "2020-05-20", "--ref", "错号")
    assert report()["overall"]["done"] == before["overall"]["done"] + 1
    result = run("undo", "42", "--note", "号码录错")
    wrong = json.loads(ok("log", "42", "--json"))[1]["id"]
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"task 42: withdrew {wrong[:8]} (2020-05-20 done by 张三)\n",
        f"recorded 1 event in {ledger}\n",
    )
    assert detail("42")["status"] == "doing"
    assert report() == before
    # Both still show, the withdrawn one marked.
    history = detail("42")["history"]
    assert [(e["kind"], e["withdrawn"]) for e in history] == [
        ("status", False),
        ("status", True),
        ("undo", False),
    ]
    assert history[2]["undo"] == wrong and history[2]["note"] == "号码录错"
    shown = ok("show", "42")
    assert f"{wrong[:8]} 2020-05-20 done by 张三 · 错号 (已撤回 withdrawn)" in shown
    log = ok("log", "42", "--format", "md")
    assert (
        f"| 2020-05-20 | {wrong[:8]} | 42 | 加强用气办理便利度 | done · 已撤回 | 张三 |  | 错号 |"
        in log
    )
    # As of a day before the retraction, the done stands.
    assert detail("42", "--as-of", "2020-07-31")["status"] == "done"
    # Again: the one before it.
    started = json.loads(ok("log", "42", "--json"))[0]["id"]
    assert ok("undo", "42") == f"task 42: withdrew {started[:8]} (2020-03-01 doing by 张三)\n"
    assert detail("42")["status"] == "todo"
    result = run("undo", "42")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: task 42 has no event to withdraw\n",
    )


def test_undo_takes_one_plain_id(ledger: Path) -> None:
    for args, message in (
        (("undo", "5-6"), "error: '5-6' is not a task id; ids are 1–210\n"),
        (("undo", "211"), "error: task 211 does not exist; ids are 1–210\n"),
    ):
        result = run(*args)
        assert (result.exit_code, result.stderr) == (2, message)
    assert not ledger.exists()


# --- extensions ------------------------------------------------------------------------


def test_extension_moves_the_deadline_in_force_from_its_day(ledger: Path) -> None:
    result = run(
        "extend", "91", "--to", "2020-09-30", "--on", "2020-06-15", "--ref", "深府办函〔2020〕5号"
    )
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "task 91: deadline extended to 2020-09-30 (was 2020-06-30) from 2020-06-15\n",
        f"recorded 1 event in {ledger}\n",
    )
    july = detail("91", "--as-of", "2020-07-01")
    assert (july["deadline"], july["deadline_original"], july["overdue"]) == (
        "2020-09-30",
        "2020-06-30",
        False,
    )
    assert july["extensions"] == [
        {"to": "2020-09-30", "on": "2020-06-15", "ref": "深府办函〔2020〕5号", "note": ""}
    ]
    assert july["extended"] is True and july["days_left"] == 91
    shown = ok("show", "91", "--as-of", "2020-07-01")
    assert "完成时限   2020-09-30 (延期; 原 2020年6月底 2020-06-30) · 91 days left\n" in shown
    before = detail("91", "--as-of", "2020-06-14")
    assert (before["deadline"], before["extensions"], before["extended"]) == (
        "2020-06-30",
        [],
        False,
    )
    # Overdue, due, the report and the 督办单 go by the deadline in force.
    overdue = ok("due", "--overdue", "--area", "7", "--as-of", "2020-07-01", "-f", "ids")
    assert "91" not in overdue.split()
    due = ok(
        "due", "--within", "92d", "--after", "2020-09-01", "--as-of", "2020-07-01", "-f", "ids"
    )
    assert "91" in due.split()
    area = report("--area", "7", "--as-of", "2020-07-01")
    assert area["extended"] == 1 and area["overall"]["lights"]["overdue"] == 4
    table = ok("report", "--area", "7", "--as-of", "2020-07-01")
    assert "延期 1 项 · 已完成但有单位分工未完成 0 项\n" in table
    sheet = ok("sheet", "--agency", "市口岸办", "--as-of", "2020-07-01", "-f", "md")
    assert "| 91 | 试点陆路口岸“一站式”通关模式 | 2020-09-30 延期 | 未开始 | 还剩 91 天 |" in sheet
    csv = run("export", "--ids", "91", "-f", "csv", "--as-of", "2020-07-01").stdout
    header, row = csv.lstrip("\ufeff").splitlines()
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert (cells["完成时限"], cells["原完成时限"], cells["剩余天数"]) == (
        "2020-09-30",
        "2020-06-30",
        "91",
    )
    ics = run("export", "--ids", "91", "-f", "ics", "--as-of", "2020-07-01").stdout
    assert "DTSTART;VALUE=DATE:20200930" in ics


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("extend", "91", "--to", "2020-09-30"),
            "error: szbiz extend needs --ref (the approval) or --note saying why\n",
        ),
        (
            ("extend", "91", "--to", "someday", "--note", "x"),
            "error: cannot read 'someday' as a date; try 2020-06-30, 2020年6月底 or +30d\n",
        ),
        (
            ("extend", "91", "211", "--to", "2020-09-30", "--note", "x"),
            "error: task 211 does not exist; ids are 1–210\n",
        ),
        (
            ("note", "91", "211", "进展"),
            "error: task 211 does not exist; ids are 1–210\n",
        ),
        (
            ("note", "91", "  "),
            "error: szbiz note needs TEXT: what progress was made\n",
        ),
        (
            ("done", "84", "91", "--agency", "市交通运输局"),
            "error: 市交通运输局 is not an agency of task 91; "
            "its agencies are 市口岸办、深圳海关、深圳边检总站\n",
        ),
        (
            ("note", "84", "x", "--agency", "税物局"),
            "error: unknown agency '税物局'; did you mean 市税务局? "
            "(szbiz agencies lists them all)\n",
        ),
    ],
)
def test_bad_input_changes_nothing(ledger: Path, args: tuple[str, ...], message: str) -> None:
    ok("done", "6")
    before = ledger.read_bytes()
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert ledger.read_bytes() == before


def test_a_held_lock_changes_nothing(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import szbiz.lock

    ok("done", "42", "--on", "2020-05-20")
    before = ledger.read_bytes()

    def held(*args: object, **kwargs: object) -> object:
        raise szbiz.lock.LockTimeout

    monkeypatch.setattr(szbiz.lock, "held", held)
    for args in (
        ("note", "42", "进展"),
        ("extend", "42", "--to", "2020-09-30", "--note", "批准"),
        ("undo", "42"),
        ("done", "91", "--agency", "海关"),
    ):
        result = run(*args)
        assert (result.exit_code, result.stderr) == (
            1,
            f"error: another szbiz is writing {ledger}; try again\n",
        ), args
    assert ledger.read_bytes() == before


# --- each agency's part ----------------------------------------------------------------


def test_a_co_agency_part_shows_on_its_own_sheet(ledger: Path) -> None:
    # Task 84: 市交通运输局 leads, 市口岸办 and 深圳海关 support; due 2020-06-30.
    result = run("done", "84", "--agency", "口岸办", "--on", "2020-06-20", "--by", "李四")
    assert (result.exit_code, result.stdout) == (
        0,
        "task 84 · 市口岸办: todo → done on 2020-06-20\n",
    )
    again = run("done", "84", "--agency", "kab")
    assert (
        again.stderr == "task 84 · 市口岸办 is already done (since 2020-06-20); nothing to record\n"
    )
    # The co-agency's own sheet shows its part done; the task is not.
    md = ok("sheet", "--agency", "市口岸办", "--as-of", "2020-07-01", "-f", "md")
    assert (
        "| 84 | 推动进出口物流作业全流程无纸化 | 2020-06-30 | 已完成 | 2020-06-20 完成 |  |  | "
        "市交通运输局 未开始、市口岸办 已完成、深圳海关 未开始 |"
    ) in md
    lead = ok("sheet", "--agency", "市交通运输局", "--as-of", "2020-07-01", "-f", "md")
    assert "| 84 | 推动进出口物流作业全流程无纸化 | 2020-06-30 | 逾期 | 逾期 1 天 |" in lead
    customs = ok("sheet", "--agency", "深圳海关", "--as-of", "2020-07-01", "-f", "md")
    assert "| 84 | 推动进出口物流作业全流程无纸化 | 2020-06-30 | 逾期 | 逾期 1 天 |" in customs
    table = ok("sheet", "--agency", "市口岸办", "--as-of", "2020-07-01")
    assert re.search(r"\n  84 .* 已完成 +2020-06-20 完成 +1/3\n", table), table
    data = detail("84", "--as-of", "2020-07-01")
    assert data["status"] == "todo"
    assert data["parts"] == {
        "市交通运输局": {"role": "lead", "status": "todo", "on": None},
        "市口岸办": {"role": "support", "status": "done", "on": "2020-06-20"},
        "深圳海关": {"role": "support", "status": "todo", "on": None},
    }
    shown = ok("show", "84", "--as-of", "2020-07-01")
    assert line(shown, "分工") == [
        "分工       市交通运输局 牵头 todo",
        "           市口岸办 配合 done 2020-06-20",
        "           深圳海关 配合 todo",
    ]
    # The lead's part is the task's own; done while 深圳海关's is open.
    assert ok("done", "84", "--agency", "市交通运输局", "--on", "2020-07-01") == (
        "task 84 · 市交通运输局: todo → done on 2020-07-01\n"
    )
    assert detail("84")["status"] == "done"
    numbers = report("--area", "7")
    assert numbers["parts_open"] == 1 and numbers["overall"]["done"] == 1
    assert "延期 0 项 · 已完成但有单位分工未完成 1 项\n" in ok("report", "--area", "7")


def test_agency_on_done_start_block_and_note_only(ledger: Path) -> None:
    assert ok("start", "91", "--agency", "边检", "--on", "2020-06-01") == (
        "task 91 · 深圳边检总站: todo → doing on 2020-06-01\n"
    )
    assert ok("block", "91", "--agency", "边检", "--note", "等待") == (
        "task 91 · 深圳边检总站: doing → blocked on 2020-08-01\n"
    )
    for command in ("drop", "reopen"):
        result = run(command, "91", "--agency", "边检", "--note", "x")
        assert result.exit_code == 2 and "No such option: --agency" in result.stderr


# --- time travel -----------------------------------------------------------------------


def test_as_of_before_each_kind_of_event_shows_the_world_without_it(ledger: Path) -> None:
    ok("done", "91", "--on", "2020-06-10")
    ok("note", "91", "验收", "--on", "2020-06-12")
    ok("extend", "91", "--to", "2020-12-31", "--on", "2020-06-20", "--note", "延期")
    ok("undo", "91", "--on", "2020-07-15")  # withdraws the extension from 2020-07-15
    ok("done", "91", "--agency", "海关", "--on", "2020-07-20")

    def seen(day: str) -> tuple[str, str, int, int, str]:
        d = detail("91", "--as-of", day)
        return (
            d["status"],
            d["deadline"],
            len(d["notes"]),
            len(d["history"]),
            d["parts"]["深圳海关"]["status"],
        )

    assert seen("2020-06-09") == ("todo", "2020-06-30", 0, 0, "todo")
    assert seen("2020-06-11") == ("done", "2020-06-30", 0, 1, "todo")
    assert seen("2020-06-13") == ("done", "2020-06-30", 1, 2, "todo")
    assert seen("2020-07-01") == ("done", "2020-12-31", 1, 3, "todo")
    assert seen("2020-07-16") == ("done", "2020-06-30", 1, 4, "todo")
    assert seen("2020-07-21") == ("done", "2020-06-30", 1, 5, "done")
    withdrawn = [e["withdrawn"] for e in detail("91", "--as-of", "2020-07-01")["history"]]
    assert withdrawn == [False, False, False]
    withdrawn = [e["withdrawn"] for e in detail("91")["history"]]
    assert withdrawn == [False, False, True, False, False]


# --- show --json -----------------------------------------------------------------------


def test_show_json_carries_the_documented_keys(ledger: Path) -> None:
    ok("done", "91", "--on", "2020-06-20", "--ref", "证据")
    data = detail("91")
    for key in (
        "id",
        "status",
        "done_on",
        "deadline",
        "deadline_original",
        "extensions",
        "parts",
        "notes",
        "history",
    ):
        assert key in data, key
    (event,) = data["history"]
    assert set(event) == {
        "id",
        "kind",
        "on",
        "status",
        "agency",
        "to",
        "undo",
        "by",
        "note",
        "ref",
        "at",
        "withdrawn",
    }
    assert re.fullmatch("[0-9a-f]{16}", event["id"])
    assert (event["kind"], event["status"], event["withdrawn"]) == ("status", "done", False)


# --- a union merge of two branches -----------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=True
    )
    return done.stdout


def szbiz(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "szbiz", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=None,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_two_branches_merge_with_union_and_lint_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "team"
    repo.mkdir()
    for name in ("SZBIZ_PROGRESS", "SZBIZ_TASKS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SZBIZ_TODAY", "2020-07-01")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "测试")
    git(repo, "config", "user.email", "test@example.com")
    assert szbiz(repo, "init").returncode == 0
    assert "progress.yaml merge=union" in (repo / ".gitattributes").read_text(encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")

    # One branch extends task 91; the other records a co-agency's part of it.
    git(repo, "checkout", "-q", "-b", "extend")
    extended = szbiz(
        repo,
        "extend",
        "91",
        "--to",
        "2020-09-30",
        "--on",
        "2020-06-15",
        "--ref",
        "深府办函〔2020〕5号",
    )
    assert extended.returncode == 0, extended.stderr
    git(repo, "commit", "-q", "-am", "延期")
    git(repo, "checkout", "-q", "main")
    part = szbiz(repo, "done", "91", "--agency", "深圳海关", "--on", "2020-06-25", "--by", "李四")
    assert part.stdout == "task 91 · 深圳海关: todo → done on 2020-06-25\n", part.stderr
    git(repo, "commit", "-q", "-am", "海关完成")

    merged = subprocess.run(
        ["git", "merge", "-q", "--no-edit", "extend"], cwd=repo, capture_output=True, text=True
    )
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "<<<<<<<" not in (repo / "progress.yaml").read_text(encoding="utf-8")
    lint = szbiz(repo, "lint")
    assert (lint.returncode, lint.stdout, lint.stderr) == (0, "", "")
    shown = szbiz(repo, "show", "91")
    assert (
        "完成时限   2020-09-30 (延期; 原 2020年6月底 2020-06-30) · 91 days left\n" in shown.stdout
    )
    assert "           深圳海关 配合 done 2020-06-25\n" in shown.stdout
    data = json.loads(szbiz(repo, "show", "91", "--json").stdout)
    assert data["deadline"] == "2020-09-30"
    assert data["parts"]["深圳海关"]["status"] == "done"
    assert [e["kind"] for e in data["history"]] == ["extend", "status"]
    assert TASKS.is_file()


# --- news judged as of today, parts that add up, one event one id --------------------


def test_a_status_withdrawn_after_its_day_can_be_recorded_again(ledger: Path) -> None:
    ok("done", "92", "--on", "2020-06-20")
    ok("undo", "92")  # withdrawn on 2020-08-01, after the day of the done
    result = run("done", "92", "--on", "2020-06-20")
    assert (result.exit_code, result.stdout) == (0, "task 92: todo → done on 2020-06-20\n")
    assert (detail("92")["status"], detail("92")["done_on"]) == ("done", "2020-06-20")
    # And an extension withdrawn after its day.
    ok("extend", "91", "--to", "2020-09-30", "--on", "2020-06-20", "--ref", "深府办函〔2020〕5号")
    ok("undo", "91")
    result = run(
        "extend", "91", "--to", "2020-09-30", "--on", "2020-06-20", "--ref", "深府办函〔2020〕5号"
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "task 91: deadline extended to 2020-09-30 (was 2020-06-30) from 2020-06-20\n",
    )
    assert detail("91")["deadline"] == "2020-09-30"


def test_a_task_with_several_leads_is_done_when_each_lead_is(ledger: Path) -> None:
    # Task 12, due 2020-06-30: three leads (市场监管, 税务, 公安), one co-agency.
    for agency, on in (
        ("市场监管", "2020-06-01"),
        ("税务", "2020-06-10"),
        ("政务服务", "2020-06-02"),
    ):
        ok("done", "12", "--agency", agency, "--on", on)
    assert (detail("12")["status"], detail("12")["overdue"]) == ("todo", True)
    ok("done", "12", "--agency", "公安", "--on", "2020-06-05")
    data = detail("12")
    assert (data["status"], data["done_on"], data["done_late"], data["overdue"]) == (
        "done",
        "2020-06-10",  # the latest of the leads' days
        False,
        False,
    )
    assert report("--area", "1")["overall"]["lights"]["on_time"] == 1
    result = run("done", "12")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "task 12 is already done (since 2020-06-10); nothing to record\n",
    )
    # Its own status recorded later says otherwise.
    result = run("reopen", "12")
    assert (result.exit_code, result.stdout) == (0, "task 12: done → todo on 2020-08-01\n")
    assert detail("12")["status"] == "todo"
    # As of a day before the last lead was done, it was not done.
    assert detail("12", "--as-of", "2020-06-07")["status"] == "todo"


def test_the_same_note_twice_is_recorded_once_and_undone_once(ledger: Path) -> None:
    ok("note", "42", "联调中")
    before = ledger.read_bytes()
    result = run("note", "42", "联调中")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "task 42 already has this note; nothing to record\n",
    )
    assert ledger.read_bytes() == before
    ok("undo", "42")
    assert detail("42")["notes"] == []
    # Withdrawn, the same note is news again.
    assert ok("note", "42", "联调中") == "task 42: note added on 2020-08-01\n"


def test_events_alike_in_one_second_are_told_apart(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from szbiz import dates

    second = dt.datetime(2020, 8, 1, 9, 0, tzinfo=dates.SHANGHAI)
    monkeypatch.setattr(dates, "now", lambda: second)
    for args in (("done", "43"), ("reopen", "43"), ("done", "43"), ("reopen", "43")):
        ok(*args)
    ok("undo", "43")  # withdraws the last reopen only
    history = detail("43")["history"]
    assert [(e["kind"], e.get("status"), e["withdrawn"]) for e in history] == [
        ("status", "done", False),
        ("status", "todo", False),
        ("status", "done", False),
        ("status", "todo", True),
        ("undo", None, False),
    ]
    assert len({e["id"] for e in history}) == 5
    assert detail("43")["status"] == "done"


def test_an_extension_after_a_late_completion_leaves_it_late(ledger: Path) -> None:
    # Task 91 is due 2020-06-30: done on 2020-07-05, extended on 2020-07-10.
    ok("done", "91", "--on", "2020-07-05", "--as-of", "2020-07-05")
    before = report("--area", "7", "--as-of", "2020-07-15")["overall"]
    ok(
        "extend",
        "91",
        "--to",
        "2020-09-30",
        "--on",
        "2020-07-10",
        "--ref",
        "R",
        "--as-of",
        "2020-07-10",
    )
    data = detail("91", "--as-of", "2020-07-15")
    assert (data["deadline"], data["done_late"]) == ("2020-09-30", True)
    assert line(ok("show", "91", "--as-of", "2020-07-15"), "完成时限") == [
        "完成时限   2020-09-30 (延期; 原 2020年6月底 2020-06-30) · done on 2020-07-05, 5 days late"
    ]
    after = report("--area", "7", "--as-of", "2020-07-15")["overall"]
    assert (after["lights"]["done_late"], after["on_time_rate"]) == (
        1,
        before["on_time_rate"],
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("extend", "42", "--to", "2019-01-01", "--note", "x"),
            "error: --to 2019-01-01 is not after task 42's deadline in force, 2020-03-31; "
            "an extension moves the deadline later\n",
        ),
        (
            ("extend", "91", "--to", "2020-06-01", "--on", "2020-06-20", "--note", "x"),
            "error: --to 2020-06-01 is not after task 91's deadline in force, 2020-06-30; "
            "an extension moves the deadline later\n",
        ),
        (
            ("extend", "91", "--to", "2020-06-30", "--note", "x"),
            "error: --to 2020-06-30 is not after task 91's deadline in force, 2020-06-30; "
            "an extension moves the deadline later\n",
        ),
        (
            ("note", "42", "43", "44"),
            "error: the note '44' reads as a task id; give the note's text last: "
            "szbiz note 42 43 44 TEXT\n",
        ),
        (
            ("note", "42", "5-9,12"),
            "error: the note '5-9,12' reads as a task id; give the note's text last: "
            "szbiz note 42 5-9,12 TEXT\n",
        ),
        (("note", "42"), "error: the note's text is missing: szbiz note 42 TEXT\n"),
    ],
)
def test_an_extension_backwards_or_a_note_without_text_is_refused(
    ledger: Path, args: tuple[str, ...], message: str
) -> None:
    ok("done", "6")
    before = ledger.read_bytes()
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert ledger.read_bytes() == before


def test_undo_on_a_day_before_the_event_is_refused(ledger: Path) -> None:
    ok("done", "92", "--on", "2020-06-20")
    before = ledger.read_bytes()
    short = detail("92")["history"][0]["id"][:8]
    result = run("undo", "92", "--on", "2020-06-01")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"error: cannot withdraw {short} (2020-06-20 done) on 2020-06-01, before the day it "
        "happened; give --on 2020-06-20 or later\n",
    )
    assert ledger.read_bytes() == before
    assert ok("undo", "92", "--on", "2020-06-20") == (
        f"task 92: withdrew {short} (2020-06-20 done by 张三)\n"
    )
