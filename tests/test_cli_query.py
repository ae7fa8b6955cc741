"""The query commands as a user runs them: exact output, exit codes, pipes and terminals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TASKS, TEST_DATA, no_traceback, run

AS_OF = ("--as-of", "2020-01-01")


def lines(text: str) -> list[str]:
    return text.splitlines()


def test_list_agency_gives_19_tasks() -> None:
    result = run("list", "--agency", "市税务局", "-f", "ids", *AS_OF)
    assert result.exit_code == 0
    assert len(lines(result.stdout)) == 19
    table = run("list", "--agency", "市税务局", "-f", "table", *AS_OF)
    assert lines(table.stdout)[-1] == "19 tasks · 市税务局 (lead 13, support 6)"


def test_list_agency_role_lead_gives_13() -> None:
    result = run("list", "--agency", "市税务局", "--role", "lead", "-f", "ids", *AS_OF)
    assert lines(result.stdout) == [
        "5",
        "9",
        "12",
        "69",
        "70",
        "72",
        "73",
        "74",
        "75",
        "76",
        "77",
        "78",
        "123",
    ]


@pytest.mark.parametrize("spelling", ["市人力资源保障局", "市人力资源社会保障局", "rlzybzj"])
def test_agency_spellings_give_the_same_tasks(spelling: str) -> None:
    expected = run("list", "--agency", "市人力资源保障局", "-f", "ids", *AS_OF).stdout
    assert len(lines(expected)) == 17
    assert run("list", "--agency", spelling, "-f", "ids", *AS_OF).stdout == expected


@pytest.mark.parametrize("spelling", ["swj", "税务", "sswj"])
def test_agency_shortcuts_mean_tax_bureau(spelling: str) -> None:
    expected = run("list", "--agency", "市税务局", "-f", "ids").stdout
    assert run("list", "--agency", spelling, "-f", "ids").stdout == expected


def test_due_before_and_after() -> None:
    before = run("due", "--before", "2020-06-30", *AS_OF, "-f", "ids")
    assert (before.exit_code, len(lines(before.stdout))) == (0, 153)
    after = run("due", "--after", "2020-07-01", *AS_OF, "-f", "ids")
    assert len(lines(after.stdout)) == 57
    # Soonest first.
    assert lines(before.stdout)[:10] == ["1", "2", "3", "5", "6", "8", "9", "52", "53", "51"]


@pytest.mark.parametrize("spelling", ["2020-06-30", "2020-06", "2020年6月底", "2020年6月", "6月底"])
def test_due_date_spellings(spelling: str) -> None:
    result = run("due", "--before", spelling, "--as-of", "2020-01-01", "-f", "ids")
    assert len(lines(result.stdout)) == 153


def test_due_relative_dates() -> None:
    within = run("due", "--within", "30d", "--as-of", "2020-06-01", "-f", "ids")
    assert len(lines(within.stdout)) == 125
    assert (
        run(
            "due", "--before", "+29d", "--after", "today", "--as-of", "2020-06-01", "-f", "ids"
        ).stdout
        == within.stdout
    )
    eom = run("due", "--before", "eom", "--after", "today", "--as-of", "2020-06-01", "-f", "ids")
    assert eom.stdout == within.stdout


def test_due_overdue() -> None:
    result = run("due", "--overdue", "--as-of", "2020-07-01", "-f", "ids")
    assert len(lines(result.stdout)) == 153
    on_the_day = run("due", "--overdue", "--as-of", "2020-06-30", "-f", "ids")
    assert len(lines(on_the_day.stdout)) == 28  # not the 125 due that very day


@pytest.mark.parametrize(
    ("args", "count"),
    [
        (["--as-of", "2999-12-31"], 210),  # all overdue; the look-ahead stops at the last year
        (["--as-of", "1900-01-01", "--overdue"], 0),  # nothing can be past due yet
        (["--as-of", "1900-01-01"], 0),
    ],
)
def test_due_at_the_ends_of_the_calendar(args: list[str], count: int) -> None:
    result = run("due", *args, "-f", "ids")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.split()) == count


def test_due_default_window_is_overdue_or_within_30_days() -> None:
    result = run("due", "--as-of", "2020-06-01", "-f", "ids")
    assert len(lines(result.stdout)) == 153


def test_list_filters_combine() -> None:
    result = run(
        "list", "--area", "6", "--agency", "swj", "--due-before", "2020-03-31", "-f", "ids", *AS_OF
    )
    assert lines(result.stdout) == ["70"]
    result = run("list", "--ids", "1-16,42", "--search", "发票 税控", "-f", "ids", *AS_OF)
    assert lines(result.stdout) == ["2", "5", "9", "13"]
    result = run("list", "--status", "overdue", "--as-of", "2020-02-01", "-f", "ids")
    assert len(lines(result.stdout)) == 9
    result = run("list", "--status", "todo", "--due-after", "2020-12", "-f", "ids", *AS_OF)
    assert len(lines(result.stdout)) == 53


def test_sort_by_deadline() -> None:
    result = run("list", "--ids", "40-44", "--sort", "deadline", "-f", "ids", *AS_OF)
    assert lines(result.stdout) == ["42", "44", "40", "41", "43"]


TABLE = """\
序号   领域   措施                       牵头单位                  完成时限     状态
────────────────────────────────────────────────────────────────────────────────────
   1      1   升级“开办企业一窗通”平台   市市场监管局              2020-01-31   逾期
   2      1   开办企业“一窗进、一窗出”   市政务服务数据管理局、…   2020-01-31   逾期
   3      1   压缩开办企业 1 天内办结    市市场监管局              2020-01-31   逾期
3 tasks · 3 overdue
"""


def test_table_format_fits_width_with_cjk() -> None:
    result = run(
        "list", "--ids", "1-3", "-f", "table", "--as-of", "2020-02-01", env={"COLUMNS": "84"}
    )
    assert result.stdout == TABLE
    from rich.cells import cell_len

    assert max(cell_len(line) for line in lines(result.stdout)) <= 84


def test_tsv_is_the_default_in_a_pipe() -> None:
    result = run("list", "--ids", "5", *AS_OF)
    assert lines(result.stdout)[0].split("\t")[:4] == ["id", "area", "area_name", "title"]
    row = lines(result.stdout)[1].split("\t")
    assert row[:4] == ["5", "1", "深化商事登记制度改革", "申领发票和税控设备即时办结"]
    assert row[-7:] == ["2020-01-31", "2020 年 1 月底", "2020-01-31", "todo", "no", "30", ""]
    assert "\x1b[" not in result.stdout


def test_json_format() -> None:
    result = run("list", "--ids", "171", "--json", *AS_OF)
    (task,) = json.loads(result.stdout)
    assert task["id"] == 171
    assert task["area"] == 12 and task["area_name"] == "强化知识产权创造保护和运用"
    assert task["lead"] == ["市市场监管局"]
    assert task["support"][-1] == "各区政府（新区管委会）"
    assert task["support_note"] == "等"
    assert task["deadline"] == "2020-12-31"
    assert task["deadline_text"] == "2020年12月底"
    assert task["status"] == "todo"
    assert {"title", "description"} <= task.keys()
    assert run("list", "--ids", "171", "-f", "json", *AS_OF).stdout == result.stdout


def test_csv_and_md_formats() -> None:
    csv_out = run("list", "--ids", "7", "-f", "csv", *AS_OF).stdout
    assert lines(csv_out)[1].startswith("7,1,深化商事登记制度改革,压缩银行开户时间,")
    md = run("list", "--ids", "7-8", "-f", "md", *AS_OF).stdout
    assert lines(md) == [
        "| 序号 | 领域 | 措施 | 牵头单位 | 完成时限 | 状态 |",
        "| --: | --: | :-- | :-- | :-- | :-- |",
        "| 7 | 1 | 压缩银行开户时间 | 人民银行深圳中心支行 | 2020-06-30 | 未开始 |",
        "| 8 | 1 | 为新办企业提供免费刻章服务 | 各区政府（新区管委会）、深汕特别合作区管委会、"
        "前海管理局 | 2020-01-31 | 未开始 |",
        "",
        "2 tasks",
    ]


def test_no_match_is_not_an_error() -> None:
    result = run("list", "--search", "不存在的词")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no tasks match\n")
    as_json = run("list", "--search", "不存在的词", "--json")
    assert (as_json.exit_code, as_json.stdout) == (0, "[]\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("list", "--agency", "税物局"),
            "error: unknown agency '税物局'; did you mean 市税务局? "
            "(szbiz agencies lists them all)\n",
        ),
        (
            ("list", "--agency", "务局"),
            "error: '务局' matches 5 agencies: 市税务局、市商务局、市水务局、市中小企业服务局、"
            "市退役军人事务局; give more of the name (szbiz agencies lists them all)\n",
        ),
        (
            ("due", "--before", "2020-13-01"),
            "error: cannot read '2020-13-01' as a date; try 2020-06-30, 2020年6月底 or +30d\n",
        ),
        (
            ("list", "--as-of", "someday"),
            "error: cannot read 'someday' as a date; try 2020-06-30, 2020年6月底 or +30d\n",
        ),
        (
            ("list", "--ids", "1-x"),
            "error: --ids '1-x': cannot read '1-x'; write ids and ranges like 1-16,42\n",
        ),
        (("list", "--ids", "300"), "error: --ids '300': task 300 does not exist; ids are 1–210\n"),
        (
            ("list", "--area", "99"),
            "error: area 99 does not exist; areas are 1–14 (szbiz areas lists them)\n",
        ),
        (
            ("list", "--area", "火星"),
            "error: unknown area '火星'; give a number 1–14 or part of a name "
            "(szbiz areas lists them)\n",
        ),
        (("show", "211"), "error: task 211 does not exist; ids are 1–210\n"),
        (("show", "abc"), "error: 'abc' is not a task id; ids are 1–210\n"),
        (
            ("due", "--within", "-3d"),
            "error: --within '-3d' lies in the past; write a span such as 30d\n",
        ),
    ],
)
def test_bad_input(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_bad_choice_is_one_line() -> None:
    result = run("list", "--role", "boss")
    assert result.exit_code == 2
    assert len(lines(result.stderr)) == 1
    assert result.stderr.startswith("error: Invalid value for '--role': 'boss' is not one of")


def test_invalid_tasks_file_gives_the_loaders_message() -> None:
    path = TEST_DATA / "deadline-impossible.yaml"
    result = run("list", "--tasks", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path}:24:13: task 1 → deadline: expected a date like 2020-06-30, "
        "got '2020-06-31'\n"
    )
    assert no_traceback(result.stderr)


def test_missing_tasks_file(tmp_path: Path) -> None:
    result = run("list", "--tasks", str(tmp_path / "nope.yaml"))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {tmp_path / 'nope.yaml'}: no such file\n",
    )


def test_tasks_from_env(tmp_path: Path) -> None:
    small = tmp_path / "small.yaml"
    text = TASKS.read_text(encoding="utf-8")
    small.write_text(text.split("\n- id: 3\n")[0] + "\n", encoding="utf-8")
    result = run("list", "-f", "ids", env={"SZBIZ_TASKS": str(small)})
    assert lines(result.stdout) == ["1", "2"]


def test_show_reports_everything() -> None:
    result = run("show", "171", "--as-of", "2021-01-05")
    out = result.stdout
    assert result.exit_code == 0
    assert "序号       171" in out
    assert "领域       12 强化知识产权创造保护和运用" in out
    assert "牵头单位   市市场监管局 (市直部门)" in out
    assert "各区政府（新区管委会） (区（新区）) 等" in out
    assert "完成时限   2020年12月底 (2020-12-31) · 5 days late" in out
    assert "状态       逾期 (overdue) as of 2021-01-05" in out
    as_json = json.loads(run("show", "171", "--json", *AS_OF).stdout)
    assert as_json["days_left"] == 365 and as_json["history"] == []


def test_agencies_counts() -> None:
    result = run("agencies", "--json", "--as-of", "2020-07-01")
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert len(rows) == 60
    tax = rows["市税务局"]
    assert (tax["lead"], tax["support"], tax["total"], tax["kind"], tax["code"]) == (
        13,
        6,
        19,
        "central",
        "swj",
    )
    assert tax["overdue"] == 15
    assert rows["市住房建设局"]["aliases"] == ["市住房建 设局", "市住建局"]
    central = run("agencies", "--kind", "central", "-f", "ids")
    assert central.stdout.splitlines() == [  # an agency's id is its name, for xargs
        "市税务局",
        "人民银行深圳中心支行",
        "深圳海关",
        "市通信管理局",
        "深圳银保监局",
        "证券登记结算机构",
        "深圳海事局",
        "深圳证监局",
        "深圳边检总站",
    ]
    kinds = json.loads(run("agencies", "--kind", "judicial", "--json").stdout)
    assert [r["name"] for r in kinds] == ["市中级人民法院", "深圳国际仲裁院", "市检察院"]


def test_areas_counts() -> None:
    rows = json.loads(run("areas", "--json", *AS_OF).stdout)
    assert [r["tasks"] for r in rows] == [16, 16, 11, 15, 10, 11, 15, 36, 14, 6, 12, 18, 14, 16]
    assert rows[1]["name"] == "深化工程建设项目审批制度改革"
    assert rows[12]["spread"] == "6月:14"


def _szbiz(*args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SZBIZ_")}
    env.update(kwargs.pop("env", {}))  # type: ignore[arg-type]
    return subprocess.run(
        [sys.executable, "-m", "szbiz", *args],
        capture_output=True,
        env=env,
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX shell")
def test_piping_into_head_ends_quietly() -> None:
    command = f"{sys.executable} -m szbiz list --as-of 2020-01-01 | head -3"
    result = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=False)
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("no_color", [False, True])
def test_terminal_gets_a_table_and_colour_unless_no_color(no_color: bool) -> None:
    import pty

    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(COLUMNS="100", TERM="xterm")
    if no_color:
        env["NO_COLOR"] = "1"
    main, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "szbiz", "list", "--ids", "1-2", *AS_OF],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=30)
    os.close(main)
    out = b"".join(chunks).decode("utf-8")
    assert "序号" in out and "升级“开办企业一窗通”平台" in out
    assert ("\x1b[" in out) is (not no_color)


def test_within_a_bare_number_counts_days() -> None:
    days = run("due", "--within", "30", "--as-of", "2020-06-01", "-f", "ids")
    assert days.stdout == run("due", "--within", "30d", "--as-of", "2020-06-01", "-f", "ids").stdout
    assert len(lines(days.stdout)) == 125


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("list", "--due-before", ""),
            "error: cannot read '' as a date; try 2020-06-30, 2020年6月底 or +30d\n",
        ),
        (
            ("due", "--within", "30d", "--overdue"),
            "error: --within and --overdue exclude each other: one looks ahead, one back\n",
        ),
    ],
)
def test_more_bad_input(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_excel_style_dates() -> None:
    slash = run("due", "--before", "2020/6/30", *AS_OF, "-f", "ids")
    assert len(lines(slash.stdout)) == 153


@pytest.mark.parametrize("how", [("--debug",), ()])
def test_debug_shows_the_traceback(how: tuple[str, ...]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SZBIZ_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-m", "szbiz", *how, "list", "--agency", "火星局"],
        capture_output=True,
        text=True,
        env={**env, **({} if how else {"SZBIZ_DEBUG": "1"})},
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "AgencyError: unknown agency '火星局'" in result.stderr


def test_without_debug_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "szbiz", "list", "--agency", "火星局"],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "SZBIZ_DEBUG"},
    )
    assert (result.returncode, result.stderr) == (
        2,
        "error: unknown agency '火星局' (szbiz agencies lists them all)\n",
    )


def test_debug_is_szbiz_s_own_option_before_the_command() -> None:
    result = run("list", "--agency", "火星局", "--debug")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: No such option: --debug")
    assert no_traceback(result.stderr)


@pytest.mark.parametrize(
    "command",
    ["list", "due", "show", "agencies", "areas", "log", "done", "report", "sheet", "export"],
)
def test_every_command_reading_the_list_documents_the_shared_options(command: str) -> None:
    """--as-of, --tasks and --progress are declared once and shown by every command."""
    result = run(command, "--help")
    assert result.exit_code == 0
    for option in ("--as-of", "--tasks", "--progress", "SZBIZ_TODAY"):
        assert option in result.stdout, (command, option)
