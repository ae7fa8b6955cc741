"""Output never fails for a console's encoding, and colour only where it shows.

The installed ``szbiz`` script runs with PYTHONIOENCODING=gbk or cp936 (what
many Chinese Windows consoles use), in a pipe and on a pseudo-terminal. It
exits 0 and what it writes is text of that encoding: rules drawn with ``-``,
bars with ``#`` and ``.``, the lights as 红/黄/绿/蓝/白, and any other character
the encoding lacks as a ``?`` for each terminal cell it would take. With a
Unicode encoding nothing changes. TERM=dumb and NO_COLOR (not empty) get no
escape codes; an empty NO_COLOR is as if unset (no-color.org).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .test_pty import on_a_terminal

SCRIPT = Path(sys.executable).with_name("szbiz")
SGR = re.compile(r"\x1b\[[0-9;]*m")

REPORT = """\
深圳市 2020 年优化营商环境改革重点任务清单 · 截至 2020-07-01
范围：领域 10 加强劳动力市场监管
完成 0/6 (0%) ..............................
未开始 6 · 进行中 0 · 已完成 0 · 受阻 0 · 已取消 0
绿 按时完成 0 · 蓝 逾期完成 0 · 红 逾期未完成 4 · 黄 30 天内到期 0 · 白 未到期 2

按领域
序号   领域                 灯   进度           完成   未开始   进行中   受阻   已取消
--------------------------------------------------------------------------------------
  10   加强劳动力市场监管   红   ............    0/6        6        0      0        0

按领域 · 红黄绿灯
序号   领域                 绿   蓝   黄   红   白   黑   按时率
----------------------------------------------------------------
  10   加强劳动力市场监管    0    0    0    4    2    0       0%

按牵头单位（逾期多者在前）
单位               灯   任务   完成   逾期   按时率
---------------------------------------------------
市人力资源保障局   红      6      0      4       0%

逾期任务（时限早者在前）
序号   措施                             牵头单位           完成时限     状态     逾期天数
-----------------------------------------------------------------------------------------
 146   规范准入类职业资格管理           市人力资源保障局   2020-06-30   未开始          1
 147   完善技能人才评价体系             市人力资源保障局   2020-06-30   未开始          1
 148   开展第三方技能人才评价工作试点   市人力资源保障局   2020-06-30   未开始          1
 149   推进人力资源服务业加快发展       市人力资源保障局   2020-06-30   未开始          1
"""

SHEET_RULE = "-" * 98

ODD_LIST = """\
schema: 1
document:
  title: 清单
  issuer: 深圳市人民政府
  year: 2020
  source: test.txt
areas:
- number: 1
  name: 领域
agencies:
- name: 市税务局
  kind: central
  code: swj
tasks:
- id: 1
  area: 1
  title: 甲😀乙𠮷
  description: ''
  lead:
  - 市税务局
  support: []
  deadline: 2020-06-30
  deadline_text: 2020年6月底
- id: 2
  area: 1
  title: 平常的任务
  description: ''
  lead:
  - 市税务局
  support: []
  deadline: 2020-12-31
  deadline_text: 2020年12月底
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: the bundled list is read once."""
    return tmp_path_factory.mktemp("cache") / "szbiz"


@pytest.fixture
def env(tmp_path: Path, cache: Path) -> dict[str, str]:
    keep = ("PATH", "HOME", "SYSTEMROOT")
    out = {k: v for k, v in os.environ.items() if k in keep}
    return out | {
        "LC_ALL": "C.UTF-8",
        "COLUMNS": "100",
        "SZBIZ_PROGRESS": str(tmp_path / "progress.yaml"),
        "SZBIZ_TODAY": "2020-07-01",
        "SZBIZ_CACHE_DIR": str(cache),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def piped(args: list[str], env: dict[str, str], encoding: str) -> tuple[int, str, str]:
    """Run the installed script in a pipe with PYTHONIOENCODING=``encoding``: its exit code,
    stdout and stderr read in that encoding (strictly: a byte that is not fails the test)."""
    done = subprocess.run(
        [str(SCRIPT), *args],
        env=env | {"PYTHONIOENCODING": encoding},
        capture_output=True,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout.decode(encoding), done.stderr.decode(encoding)


ENCODINGS = ["gbk", "cp936"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_report_in_a_gbk_pipe_draws_plain_bars_and_lights(
    env: dict[str, str], encoding: str
) -> None:
    code, out, err = piped(["report", "--area", "10"], env, encoding)
    assert (code, err) == (0, "")
    assert out == REPORT


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_markdown_report_in_a_gbk_pipe_names_the_lights(
    env: dict[str, str], encoding: str
) -> None:
    code, out, err = piped(["report", "--area", "10", "--format", "md"], env, encoding)
    assert (code, err) == (0, "")
    lights = "绿 按时完成 0 · 蓝 逾期完成 0 · 红 逾期未完成 4 · 黄 30 天内到期 0 · 白 未到期 2"
    assert f"- {lights}\n" in out
    assert "| 10 | 加强劳动力市场监管 | 红 | 0/6 |" in out


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["sheet", "--agency", "市口岸办"], id="sheet"),
        pytest.param(["show", "91"], id="show"),
        pytest.param(["list", "--agency", "市口岸办", "--format", "table"], id="list-table"),
        pytest.param(["list", "--agency", "市口岸办"], id="list-tsv"),
        pytest.param(["agencies", "--format", "table"], id="agencies"),
        pytest.param(["areas", "--format", "table"], id="areas"),
        pytest.param(["due", "--format", "table"], id="due"),
        pytest.param(["log"], id="log"),
        pytest.param(["where"], id="where"),
    ],
)
def test_other_views_in_a_gbk_pipe_differ_only_in_their_rules(
    env: dict[str, str], encoding: str, args: list[str]
) -> None:
    code, expected, _ = piped(args, env, "utf-8")
    assert code == 0
    code, out, _ = piped(args, env, encoding)
    assert code == 0
    assert out == expected.replace("─", "-")


def test_a_sheet_in_a_gbk_pipe_rules_its_tables_with_hyphens(env: dict[str, str]) -> None:
    code, out, err = piped(["sheet", "--agency", "市口岸办"], env, "gbk")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[4:6] == [
        "序号   措施                             完成时限     状态     "
        "剩余/逾期     最近进展   依据   分工",
        SHEET_RULE,
    ]
    assert lines.count(SHEET_RULE) == 2


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_help_with_lights_in_a_gbk_pipe_is_readable(env: dict[str, str], encoding: str) -> None:
    code, out, err = piped(["report", "--help"], env, encoding)
    assert (code, err) == (0, "")
    assert "绿" in out and "红" in out
    assert "?" not in out


def test_text_a_gbk_console_cannot_show_is_a_question_mark_per_cell(
    env: dict[str, str], tmp_path: Path
) -> None:
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(ODD_LIST, encoding="utf-8")
    env = env | {"SZBIZ_TASKS": str(tasks)}
    code, out, err = piped(["list", "--format", "table"], env, "gbk")
    assert (code, err) == (0, "")
    assert out == (
        "序号   领域   措施         牵头单位   完成时限     状态\n"
        "---------------------------------------------------------\n"
        "   1      1   甲??乙??     市税务局   2020-06-30   逾期\n"
        "   2      1   平常的任务   市税务局   2020-12-31   未开始\n"
        "2 tasks · 1 overdue\n"
    )
    code, out, err = piped(["list", "--agency", "甲😀乙"], env, "gbk")
    assert code == 2
    assert err.startswith("error: unknown agency '")
    assert "😀" not in err


def test_a_unicode_pipe_keeps_the_bars_and_lights(env: dict[str, str]) -> None:
    code, out, _ = piped(["report", "--area", "10"], env, "utf-8")
    assert code == 0
    assert "完成 0/6 (0%) " + "░" * 30 + "\n" in out
    assert "🟢 按时完成 0 · 🔵 逾期完成 0 · 🔴 逾期未完成 4" in out
    assert "─" * 20 in out


pty_only = pytest.mark.skipif(os.name == "nt", reason="a pseudo-terminal is POSIX")


@pty_only
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_report_on_a_gbk_terminal(env: dict[str, str], encoding: str) -> None:
    env = env | {"PYTHONIOENCODING": encoding, "TERM": "xterm-256color"}
    code, received = on_a_terminal(["report", "--area", "10"], env)  # COLUMNS=100
    text = received.decode(encoding)
    assert code == 0, text
    assert SGR.search(text), "colour is on: the heading is bold"
    assert SGR.sub("", text) == REPORT.replace("\n", "\r\n")


@pty_only
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["sheet", "--agency", "市口岸办"], id="sheet"),
        pytest.param(["show", "91"], id="show"),
        pytest.param(["list", "--agency", "市口岸办"], id="list"),
    ],
)
def test_other_views_on_a_gbk_terminal(env: dict[str, str], encoding: str, args: list[str]) -> None:
    code, expected = on_a_terminal(args, env | {"TERM": "dumb"})
    assert code == 0
    code, received = on_a_terminal(args, env | {"TERM": "dumb", "PYTHONIOENCODING": encoding})
    assert code == 0
    assert received.decode(encoding) == expected.decode("utf-8").replace("─", "-")


@pty_only
@pytest.mark.parametrize(
    "args",
    [["list", "--agency", "swj"], ["report", "--area", "10"], ["sheet", "--agency", "swj"]],
    ids=["list", "report", "sheet"],
)
@pytest.mark.parametrize(
    ("setting", "coloured"),
    [
        ({"TERM": "xterm-256color"}, True),
        ({"TERM": "xterm-256color", "NO_COLOR": ""}, True),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, False),
        ({"TERM": "dumb"}, False),
        ({"TERM": "dumb", "NO_COLOR": ""}, False),
    ],
    ids=["xterm", "empty-NO_COLOR", "NO_COLOR", "dumb", "dumb-empty-NO_COLOR"],
)
def test_colour_only_where_it_shows(
    env: dict[str, str], args: list[str], setting: dict[str, str], coloured: bool
) -> None:
    code, received = on_a_terminal(args, env | setting)
    text = received.decode("utf-8")
    assert code == 0, text
    assert ("\x1b" in text) is coloured
    if coloured:
        assert "\x1b" not in SGR.sub("", text)


@pty_only
@pytest.mark.parametrize("args", [["--help"], ["report", "--help"]], ids=["szbiz", "report"])
def test_help_on_a_dumb_terminal_has_no_escape(env: dict[str, str], args: list[str]) -> None:
    code, received = on_a_terminal(args, env | {"TERM": "dumb"})
    text = received.decode("utf-8")
    assert code == 0, text
    assert "Usage: szbiz" in text
    assert "\x1b" not in text
