"""Two languages: Chinese for a Chinese locale, English otherwise; machine formats in neither.

Each command runs under LANG=zh_CN.UTF-8 and LANG=en_US.UTF-8 with its exact
output; what a person reads in Chinese holds no English word beyond what is
typed or named (options, formats, file names, ids); the catalogs translate
every message the sources mark; JSON, ids, exit codes, TSV headers and lint's
rule ids are the same in both languages; and the wheel speaks Chinese.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from szbiz import i18n

from .conftest import ROOT, TEST_DATA, run

# Tables as wide as a narrow terminal, so that each line of them fits a line here.
ZH = {"LANG": "zh_CN.UTF-8", "COLUMNS": "80"}
EN = {"LANG": "en_US.UTF-8", "COLUMNS": "80"}
LANGS = {"zh": ZH, "en": EN}
AS_OF = ("--as-of", "2020-10-01")
LOCALE = ROOT / "src" / "szbiz" / "locale" / "zh_CN" / "LC_MESSAGES"


def _masked(text: str, ledger: Path) -> str:
    """The ledger's path and the events' ids (which hash the moment they were recorded)
    said as placeholders."""
    return re.sub(r"\b[0-9a-f]{8}\b", "EVENTID", text.replace(str(ledger), "LEDGER"))


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """A ledger where task 42 was done on 2020-09-01, with its evidence."""
    path = tmp_path / "progress.yaml"
    done = run(
        "done", "42", "--on", "2020-09-01", "--by", "张三", "--ref", "深燃〔2020〕8号",
        *AS_OF, "--progress", str(path),
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    return path


# --- each command in both languages -------------------------------------------------------

DONE = {
    "en": ("task 42: todo → done on 2020-09-01\n", "recorded 1 event in LEDGER\n"),
    "zh": ("任务 42：未开始 → 已完成，2020-09-01\n", "已在 LEDGER 中记录 1 条事件\n"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_done(lang: str, tmp_path: Path) -> None:
    path = tmp_path / "progress.yaml"
    args = ("done", "42", "--on", "2020-09-01", "--by", "张三", *AS_OF, "--progress", str(path))
    result = run(*args, env=LANGS[lang])
    assert result.exit_code == 0
    assert (result.stdout, _masked(result.stderr, path)) == DONE[lang]
    again = run(*args, env=LANGS[lang])
    assert again.exit_code == 0
    assert again.stdout == ""
    assert (
        again.stderr
        == {
            "en": "task 42 is already done (since 2020-09-01); nothing to record\n",
            "zh": "任务 42 已是已完成（自 2020-09-01 起）；无需记录\n",
        }[lang]
    )


LIST_ROWS = """\
序号   领域   措施                    牵头单位               完成时限     状态
────────────────────────────────────────────────────────────────────────────────
  48      4   推动不动产登记“秒批”    市规划和自然资源局 …   2020-12-31   未开始
 204     14   构建高水平养老服务体…   市民政局、市卫生健 …   2020-12-31   未开始
 206     14   完善“1+3+N”住房制度 …   市住房建设局           2020-09-30   逾期
"""
LIST_FOOTER = {
    "en": "3 tasks · 市民政局 (lead 1, support 2) · 1 overdue\n",
    "zh": "3 项任务 · 市民政局（牵头 1 项，配合 2 项） · 逾期 1 项\n",
}


@pytest.mark.parametrize("lang", LANGS)
def test_list(lang: str) -> None:
    result = run("list", "--agency", "市民政局", "-f", "table", *AS_OF, env=LANGS[lang])
    assert result.exit_code == 0
    assert result.stdout == LIST_ROWS + LIST_FOOTER[lang]
    assert result.stderr == ""


@pytest.mark.parametrize("lang", LANGS)
def test_list_with_no_match(lang: str) -> None:
    result = run("list", "--agency", "市民政局", "--status", "done", *AS_OF, env=LANGS[lang])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == {"en": "no tasks match\n", "zh": "没有匹配的任务\n"}[lang]


DUE_ROWS = """\
序号   领域   措施                      牵头单位       完成时限     状态
──────────────────────────────────────────────────────────────────────────
 206     14   完善“1+3+N”住房制度体系   市住房建设局   2020-09-30   未开始
"""


@pytest.mark.parametrize("lang", LANGS)
def test_due(lang: str) -> None:
    args = ("due", "--agency", "市民政局", "--as-of", "2020-09-15", "-f", "table")
    result = run(*args, env=LANGS[lang])
    assert result.exit_code == 0
    assert (
        result.stdout
        == DUE_ROWS
        + {
            "en": "1 task · 市民政局 (lead 0, support 1)\n",
            "zh": "1 项任务 · 市民政局（牵头 0 项，配合 1 项）\n",
        }[lang]
    )


SHOW_HEAD = """\
序号       42
领域       3 优化市政设施接入服务
措施       加强用气办理便利度
           在推行容缺受理的基础上，增加邮寄办理、服务管家代办等服务。推广引导客
           户通过各类政务信息查询渠道，使用电子证照办理相关业务。全面推广工商企
           业全生命周期管家式服务，客户报装燃气和使用燃气由统一的服务管家，统一
           对接客户，为客户提供后续用气服务。
牵头单位   市燃气集团 (国有企业)
责任单位   —
"""
SHOW_TAIL = {
    "en": """\
完成时限   2020年3月底 (2020-03-31) · done on 2020-09-01, 154 days late
状态       已完成(逾期) (done) as of 2020-10-01
历史       EVENTID 2020-09-01 done by 张三 · 深燃〔2020〕8号
""",
    "zh": """\
完成时限   2020年3月底 (2020-03-31) · 2020-09-01 完成，逾期 154 天
状态       已完成(逾期)，截至 2020-10-01
历史       EVENTID 2020-09-01 已完成，记录人 张三 · 深燃〔2020〕8号
""",
}


@pytest.mark.parametrize("lang", LANGS)
def test_show(lang: str, ledger: Path) -> None:
    result = run("show", "42", *AS_OF, "--progress", str(ledger), env=LANGS[lang])
    assert result.exit_code == 0
    assert _masked(result.stdout, ledger) == SHOW_HEAD + SHOW_TAIL[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_show_days_left_and_late(lang: str) -> None:
    """逾期 N 天 and 还剩 N 天, as the offices say them."""
    late = run("show", "206", *AS_OF, env=LANGS[lang]).stdout.splitlines()
    left = run("show", "204", *AS_OF, env=LANGS[lang]).stdout.splitlines()
    deadline = {"en": ("1 day late", "91 days left"), "zh": ("逾期 1 天", "还剩 91 天")}[lang]
    assert next(x for x in late if x.startswith("完成时限")).endswith(f"· {deadline[0]}")
    assert next(x for x in left if x.startswith("完成时限")).endswith(f"· {deadline[1]}")


LOG = {
    "en": """\
日期         编号       序号   措施           事件   记录人   备注   依据
────────────────────────────────────────────────────────────────────────────────
2020-09-01   EVENTID     42   加强用气办 …   done   张三            深燃〔2020…
1 event
""",
    "zh": """\
日期         编号       序号   措施          事件     记录人   备注   依据
────────────────────────────────────────────────────────────────────────────────
2020-09-01   EVENTID     42   加强用气办…   已完成   张三            深燃〔202…
1 条事件
""",
}


@pytest.mark.parametrize("lang", LANGS)
def test_log(lang: str, ledger: Path) -> None:
    result = run("log", "-f", "table", *AS_OF, "--progress", str(ledger), env=LANGS[lang])
    assert result.exit_code == 0
    assert _masked(result.stdout, ledger) == LOG[lang]
    empty = run("log", *AS_OF, "--progress", str(ledger.with_name("none.yaml")), env=LANGS[lang])
    assert empty.stderr == {"en": "no progress recorded\n", "zh": "尚未记录任何进展\n"}[lang]


REPORT = """\
深圳市 2020 年优化营商环境改革重点任务清单 · 截至 2020-10-01
范围：市民政局 牵头或配合的任务
完成 0/3 (0%) ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
未开始 3 · 进行中 0 · 已完成 0 · 受阻 0 · 已取消 0
🟢 按时完成 0 · 🔵 逾期完成 0 · 🔴 逾期未完成 1 · 🟡 30 天内到期 0 · ⚪ 未到期 2

按领域
序号   领域           灯   进度           完成   未开始   进行中   受阻   已取消
────────────────────────────────────────────────────────────────────────────────
   4   优化不动产 …   ⚪   ░░░░░░░░░░░░    0/1        1        0      0        0
  14   营造包容普 …   🔴   ░░░░░░░░░░░░    0/2        2        0      0        0

按领域 · 红黄绿灯
序号   领域                   🟢   🔵   🟡   🔴   ⚪   ⚫   按时率
──────────────────────────────────────────────────────────────────
   4   优化不动产登记办理      0    0    0    0    1    0        –
  14   营造包容普惠创新环境    0    0    0    1    1    0       0%

按牵头单位（逾期多者在前）
单位                   灯   任务   完成   逾期   按时率
───────────────────────────────────────────────────────
市住房建设局           🔴      1      0      1       0%
市政务服务数据管理局   ⚪      1      0      0        –
市人力资源保障局       ⚪      1      0      0        –
市规划和自然资源局     ⚪      1      0      0        –
市民政局               ⚪      1      0      0        –
市教育局               ⚪      1      0      0        –
市卫生健康委           ⚪      1      0      0        –

逾期任务（时限早者在前）
序号   措施                      牵头单位       完成时限     状态     逾期天数
──────────────────────────────────────────────────────────────────────────────
 206   完善“1+3+N”住房制度体系   市住房建设局   2020-09-30   未开始          1
"""


@pytest.mark.parametrize("lang", LANGS)
def test_report_is_the_offices_document_in_both(lang: str) -> None:
    """The report is a document for the office, in the document's words, in both languages."""
    result = run("report", "--agency", "市民政局", *AS_OF, env=LANGS[lang])
    assert result.exit_code == 0
    assert result.stdout == REPORT


@pytest.mark.parametrize("lang", LANGS)
def test_report_of_nothing(lang: str) -> None:
    result = run("report", "--agency", "市民政局", "--area", "1", *AS_OF, env=LANGS[lang])
    scope = result.stdout.splitlines()[1]
    assert (
        scope
        == {
            "en": "范围：市民政局 牵头或配合的任务 · 领域 1 深化商事登记制度改革 · no tasks match",
            "zh": "范围：市民政局 牵头或配合的任务 · 领域 1 深化商事登记制度改革 · 没有匹配的任务",
        }[lang]
    )


SHEET = """\
市民政局 督办单 · 截至 2020-10-01
深圳市 2020 年优化营商环境改革重点任务清单 · 逾期 1 项

牵头任务（1）
序号   措施            完成时限     状态     剩余/逾期    最近进展   依据   分工
────────────────────────────────────────────────────────────────────────────────
 204   构建高水平养…   2020-12-31   未开始   还剩 91 天                     0/4

配合任务（2）
序号   措施            完成时限     状态     剩余/逾期    最近进展   依据   分工
────────────────────────────────────────────────────────────────────────────────
 206   完善“1+3+N” …   2020-09-30   逾期     逾期 1 天                      0/7
  48   推动不动产登…   2020-12-31   未开始   还剩 91 天                     0/7

"""


@pytest.mark.parametrize("lang", LANGS)
def test_sheet(lang: str) -> None:
    result = run("sheet", "--agency", "市民政局", *AS_OF, env=LANGS[lang])
    assert result.exit_code == 0
    assert result.stdout == SHEET


ERRORS = {
    ("list", "--agency", "市财务局"): {
        "en": "error: unknown agency '市财务局'; did you mean 市财政局 or 市税务局 or 市水务局? "
        "(szbiz agencies lists them all)\n",
        "zh": "错误：未知单位 '市财务局'；是否是指 市财政局 或 市税务局 或 市水务局？"
        "（szbiz agencies 列出全部单位）\n",
    },
    ("list", "--due-before", "6月32日"): {
        "en": "error: cannot read '6月32日' as a date; try 2020-06-30, 2020年6月底 or +30d\n",
        "zh": "错误：无法把 '6月32日' 识别为日期；可写作 2020-06-30、2020年6月底 或 +30d\n",
    },
    ("list", "--colour"): {
        "en": "error: No such option: --colour (see 'szbiz list --help')\n",
        "zh": "错误：没有选项：--colour（见 'szbiz list --help'）\n",
    },
    ("show",): {
        "en": "error: Missing argument 'ID'. (see 'szbiz show --help')\n",
        "zh": "错误：缺少参数 '序号'。（见 'szbiz show --help'）\n",
    },
    ("list", "--role", "boss"): {
        "en": "error: Invalid value for '--role': 'boss' is not one of 'lead', 'support', 'any'. "
        "(see 'szbiz list --help')\n",
        "zh": "错误：'--role' 的值无效：'boss' 不是 'lead', 'support', 'any' 之一。"
        "（见 'szbiz list --help'）\n",
    },
    ("lisst",): {
        "en": "error: No such command 'lisst'. Did you mean 'list', 'lint'? (see 'szbiz --help')\n",
        "zh": "错误：没有命令 'lisst'。是否是指 'list', 'lint'？（见 'szbiz --help'）\n",
    },
}


@pytest.mark.parametrize("args", list(ERRORS), ids=" ".join)
@pytest.mark.parametrize("lang", LANGS)
def test_usage_errors(lang: str, args: tuple[str, ...]) -> None:
    result = run(*args, *AS_OF, env=LANGS[lang])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == ERRORS[args][lang]


# --- --help: in a process of its own (click and typer read their words when first used) -----


def _szbiz(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SZBIZ_", "LC_", "LANG"))}
    code = f"import sys; sys.argv = ['szbiz', *{list(args)!r}]\nfrom szbiz.cli import main\nmain()"
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**clean, "PYTHONIOENCODING": "utf-8", **env},
        cwd=cwd,
        check=False,
    )


HELP = {
    "en": """\

 Usage: szbiz [OPTIONS] COMMAND [ARGS]...

 Track Shenzhen's 2020 business-environment reform task list (210 tasks, 14
 areas).

 Exit codes: 0 success; 1 a list or ledger that is invalid or cannot be read
 or written, or a state that forbids the change; 2 a usage error (unknown
 option, a value that cannot be read, a ledger in a missing directory).

╭─ Options ────────────────────────────────────────────────────────────────────╮
│ --debug                   Show a traceback for errors (or set                │
│                           SZBIZ_DEBUG=1).                                    │
│ --lang             zh|en  The language to speak: zh (Chinese) or en          │
│                           (English); default: env SZBIZ_LANG, else the       │
│                           locale (LC_ALL, LC_MESSAGES, LANG).                │
│ --version                 Print the version and exit.                        │
│ --help     -h             Show this message and exit.                        │
╰──────────────────────────────────────────────────────────────────────────────╯
""",
    "zh": """\

 用法：szbiz [选项] 命令 [参数]...

 跟踪深圳市 2020 年优化营商环境改革任务清单（210 项任务，14 个领域）。

 退出码：0 成功；1 清单或台账无效、无法读写，或当前状态不允许该变更；2
 用法错误（未知选项、无法识别的值、台账所在目录不存在）。

╭─ 选项 ───────────────────────────────────────────────────────────────────────╮
│ --debug                   出错时显示调用栈 （或设置 SZBIZ_DEBUG=1）。        │
│ --lang             zh|en  界面语言：zh（中文） 或 en（英文）；默认：         │
│                           环境变量 SZBIZ_LANG， 否则按区域设置 （LC_ALL、    │
│                           LC_MESSAGES、 LANG）。                             │
│ --version                 显示版本号并退出。                                 │
│ --help     -h             显示本帮助并退出。                                 │
╰──────────────────────────────────────────────────────────────────────────────╯
""",
}
COMMANDS = {
    "en": "│ list      List tasks; every filter given must hold.",
    "zh": "│ list      列出任务；给出的每个筛选条件都须满足。",
}


@pytest.mark.parametrize("lang", LANGS)
def test_help(lang: str) -> None:
    result = _szbiz("--help", env=LANGS[lang])
    assert result.returncode == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]  # rich pads to the width
    head = HELP[lang].splitlines()
    assert lines[: len(head)] == head
    assert lines[len(head)].startswith("╭─ " + {"en": "Commands", "zh": "命令"}[lang])
    assert any(line.startswith(COMMANDS[lang]) for line in lines)
    if lang == "zh":  # rich crops a run of Chinese wider than its column: there is none
        assert "…" not in result.stdout


@pytest.mark.parametrize("command", ["list", "report", "sheet", "done", "show", "log", "export"])
def test_every_help_is_chinese_in_chinese(command: str) -> None:
    result = _szbiz(command, "--help", env=ZH)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].strip().startswith(f"用法：szbiz {command} [选项]")
    assert "╭─ 选项 " in result.stdout
    assert "显示本帮助并退出。" in result.stdout
    assert english(result.stdout) == []


# --- no English left in what a person reads ------------------------------------------------

# What a person types or names, and may read in Chinese too: option values and formats,
# the date forms parse_date reads, and the names of files, programs and standards.
TYPED = set(
    [
        "szbiz",
        "today",
        "eom",
        "eoq",
        "eoy",
        "table",
        "tsv",
        "json",
        "csv",
        "md",
        "ids",
        "html",
        "xlsx",
        "ics",
        "lead",
        "support",
        "any",
        "todo",
        "doing",
        "done",
        "blocked",
        "dropped",
        "overdue",
        "deadline",
        "area",
        "agency",
        "swj",
        "merge",
        "union",
        "text",
        "github",
        "auto",
        "zh",
        "en",
        "pip",
        "iconv",
    ]
)
NAMED = set(
    [
        "YAML",
        "JSON",
        "TOML",
        "UTF",
        "PDF",
        "URL",
        "Excel",
        "Schema",
        "GBK",
        "CSV",
        "Asia",
        "Shanghai",
        "git",
        "name",
        "openpyxl",
        "user",
    ]
)
# The agencies' pinyin codes, which tables show beside their names, and the words of the
# task list's measures (EPC), which are data.
CODES = {a["code"] for a in json.loads(run("agencies", "--json").stdout)}
MEASURES = " ".join(t["title"] + t["description"] for t in json.loads(run("list", "--json").stdout))
DATA = set(re.findall(r"[A-Za-z]+", MEASURES))


def english(text: str) -> list[str]:
    """The English words in ``text`` beyond options, placeholders such as <文本>, file
    names, environment variables, event ids and the words of TYPED and NAMED."""
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)  # options
    text = re.sub(r"\bszbiz [a-z]+", " ", text)  # commands
    text = re.sub(r"<[^>]*>|\[[^\]]*\]", " ", text)  # <choices>, [default: …]
    text = re.sub(r"\S+\.(?:toml|yaml|json|txt|xlsx|csv|html|md)\b", " ", text)  # files
    text = re.sub(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\bLC_\w+|\bLANG\b", " ", text)  # env vars
    text = re.sub(r"\b[0-9a-f]{8}\b", " ", text)  # event ids
    allowed = TYPED | NAMED | CODES | DATA
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in allowed]


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--agency", "市民政局", "-f", "table"),
        ("due", "-f", "table"),
        ("show", "42"),
        ("log", "-f", "table"),
        ("report",),
        ("report", "-f", "md"),
        ("sheet", "-a", "市民政局"),
        ("areas", "-f", "table"),
        ("agencies", "-f", "table", "--kind", "district"),
        ("list", "--agency", "市财务局"),
        ("list", "--due-before", "6月32日"),
        ("list", "--status", "done", "-f", "table"),
        ("done", "42", "--on", "2020-13-01"),
        ("undo", "42"),
        ("extend", "42", "--to", "2020-12-31"),
    ],
    ids=" ".join,
)
def test_nothing_english_in_chinese(args: tuple[str, ...], ledger: Path) -> None:
    result = run(*args, *AS_OF, "--progress", str(ledger), env=ZH)
    said = result.stdout + result.stderr
    assert said.strip()
    assert english(said) == []


def test_the_scan_finds_english() -> None:
    assert english("3 tasks · 市民政局 (lead 1, support 2) --agency <文本>") == ["tasks"]


# --- how the language is chosen ------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        ({}, (), "en"),
        ({"LANG": "zh_CN.UTF-8"}, (), "zh"),
        ({"LANG": "zh_TW.UTF-8"}, (), "zh"),
        ({"LANG": "en_US.UTF-8"}, (), "en"),
        ({"LANG": "C"}, (), "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, (), "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8"}, (), "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "", "LC_ALL": ""}, (), "zh"),
        ({"LANG": "en_US.UTF-8", "SZBIZ_LANG": "zh"}, (), "zh"),
        ({"LC_ALL": "zh_CN.UTF-8", "SZBIZ_LANG": "en"}, (), "en"),
        ({"SZBIZ_LANG": "zh"}, ("--lang", "en", "list"), "en"),
        ({"LANG": "en_US.UTF-8"}, ("--lang=zh", "list"), "zh"),
        ({"LANG": "en_US.UTF-8"}, ("list", "--lang", "zh"), "en"),  # the command's, not szbiz's
        ({"SZBIZ_LANG": "fr", "LANG": "zh_CN.UTF-8"}, (), "zh"),
    ],
)
def test_the_language_chosen(
    env: dict[str, str], args: tuple[str, ...], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert i18n.choose(args) == expected


@pytest.mark.parametrize("lang", LANGS)
def test_the_option_overrides_the_locale(lang: str) -> None:
    other = EN if lang == "zh" else ZH
    result = run("--lang", lang, "list", "--agency", "市民政局", "-f", "table", *AS_OF, env=other)
    assert result.stdout == LIST_ROWS + LIST_FOOTER[lang]


def test_an_unknown_language_is_a_usage_error() -> None:
    result = run("--lang", "fr", "list", *AS_OF)
    assert result.exit_code == 2
    assert result.stderr == "error: --lang 'fr': give zh or en\n"


def test_the_variable_overrides_the_locale() -> None:
    env = {"LANG": "C", "SZBIZ_LANG": "zh", "COLUMNS": "80"}
    result = run("list", "--agency", "市民政局", "-f", "table", *AS_OF, env=env)
    assert result.stdout == LIST_ROWS + LIST_FOOTER["zh"]


# --- what machines read is the same in both ------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--agency", "市民政局", "--json"),
        ("list", "--agency", "市民政局", "-f", "tsv"),
        ("list", "--agency", "市民政局", "-f", "csv"),
        ("list", "--agency", "市民政局", "-f", "ids"),
        ("show", "42", "--json"),
        ("log", "--json"),
        ("log", "-f", "tsv"),
        ("report", "--json"),
        ("agencies", "-f", "tsv"),
        ("areas", "--json"),
        ("export", "-f", "csv"),
        ("export", "-f", "json"),
    ],
    ids=" ".join,
)
def test_machine_formats_are_the_same_in_both(args: tuple[str, ...], ledger: Path) -> None:
    en = run(*args, *AS_OF, "--progress", str(ledger), env=EN)
    zh = run(*args, *AS_OF, "--progress", str(ledger), env=ZH)
    assert en.exit_code == zh.exit_code == 0
    assert en.stdout == zh.stdout
    assert en.stdout


def test_tsv_headers_are_the_keys_in_both() -> None:
    for env in (EN, ZH):
        header = run("list", "-f", "tsv", *AS_OF, env=env).stdout.splitlines()[0]
        assert header.split("\t")[:4] == ["id", "area", "area_name", "title"]


def test_lint_json_and_rule_ids_are_the_same_in_both() -> None:
    path = str(TEST_DATA / "several-problems.yaml")
    en = run("lint", path, "-f", "json", env=EN)
    zh = run("lint", path, "-f", "json", env=ZH)
    assert en.exit_code == zh.exit_code == 1
    assert en.stdout == zh.stdout
    problems = json.loads(en.stdout)
    assert len(problems) > 1
    assert all(re.fullmatch(r"[a-z0-9-]+", p["rule"]) for p in problems)
    # In text, the message is the reader's language; the rule id is not translated.
    en_text = run("lint", path, env=EN).stdout.splitlines()
    zh_text = run("lint", path, env=ZH).stdout.splitlines()
    assert [line.rsplit(" [", 1)[1] for line in en_text] == [
        line.rsplit(" [", 1)[1] for line in zh_text
    ]
    assert ": error: " in en_text[0]
    assert ": 错误: " in zh_text[0]
    assert zh_text != en_text


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("show", "999", *AS_OF), 2),
        (("list", "--agency", "nosuch", *AS_OF), 2),
        (("lint", str(TEST_DATA / "several-problems.yaml")), 1),
        (("list", *AS_OF), 0),
    ],
)
def test_exit_codes_are_the_same_in_both(args: tuple[str, ...], code: int) -> None:
    assert run(*args, env=EN).exit_code == code
    assert run(*args, env=ZH).exit_code == code


# --- the catalogs --------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def _fields(text: str) -> set[str]:
    return {name.split("!")[0].split(":")[0] for name in PLACEHOLDER.findall(text)}


def _catalog(name: str) -> dict[str | tuple[str, ...], object]:
    from babel.messages.pofile import read_po

    with (LOCALE / f"{name}.po").open("rb") as stream:
        return {m.id: m for m in read_po(stream) if m.id}


def _extracted(paths: list[Path], method: str) -> set[str | tuple[str, ...]]:
    from babel.messages.extract import DEFAULT_KEYWORDS, extract

    found: set[str | tuple[str, ...]] = set()
    for path in paths:
        with path.open("rb") as stream:
            for message in extract(method, stream, DEFAULT_KEYWORDS):
                found.add(message[1])
    return found


def _check(catalog: dict[str | tuple[str, ...], object], ids: set[str | tuple[str, ...]]) -> None:
    assert ids, "nothing extracted"
    missing = sorted(map(str, ids - set(catalog)))
    assert missing == [], "not in the catalog (run pybabel update, see babel.cfg)"
    for msgid in ids:
        message = catalog[msgid]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)  # type: ignore[attr-defined]
        assert all(strings), f"untranslated: {msgid!r}"
        assert not message.fuzzy, f"fuzzy: {msgid!r}"  # type: ignore[attr-defined]
        originals = msgid if isinstance(msgid, tuple) else (msgid,)
        wanted = set().union(*map(_fields, originals))
        for text in strings:
            # A translation may leave a field out (show drops the status code), never add one.
            assert _fields(text) <= wanted, f"fields of {msgid!r}: {text!r}"
            # One line; a command's help keeps its paragraphs, each a line.
            assert "\n" not in text.replace("\n\n", ""), f"more than one line: {text!r}"


def test_every_message_of_the_sources_is_translated() -> None:
    sources = sorted((ROOT / "src" / "szbiz").rglob("*.py"))
    _check(_catalog("szbiz"), _extracted(sources, "szbiz.catalogs:extract"))


def test_every_message_of_typer_is_translated() -> None:
    import typer

    sources = sorted(Path(typer.__file__).parent.rglob("*.py"))
    _check(_catalog("click"), _extracted(sources, "python"))


def test_the_catalog_has_no_stale_messages() -> None:
    sources = sorted((ROOT / "src" / "szbiz").rglob("*.py"))
    used = _extracted(sources, "szbiz.catalogs:extract")
    assert sorted(map(str, set(_catalog("szbiz")) - used)) == []


def test_the_extractor_reads_the_commands_docstrings() -> None:
    from szbiz.catalogs import extract

    source = b'@app.command()\ndef go() -> None:\n    """Go.\n\n    Far."""\n\n_("x")\n'
    found = [m[2] for m in extract(io.BytesIO(source), {"_": None}, [], {})]
    assert found == ["x", "Go.\n\nFar."]


# --- the wheel -----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_wheel_ships_the_compiled_catalogs_and_speaks_chinese(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(wheels), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("szbiz-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "szbiz/locale/zh_CN/LC_MESSAGES/szbiz.mo" in names
    assert "szbiz/locale/zh_CN/LC_MESSAGES/click.mo" in names
    assert not [n for n in names if n.endswith(".po")]

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    code = "import sys; sys.argv = ['szbiz', *sys.argv[1:]]\nfrom szbiz.cli import main\nmain()"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SZBIZ_", "LC_", "LANG"))}
    env = {**clean, **ZH, "PYTHONIOENCODING": "utf-8"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    args = ["list", "--agency", "市民政局", "-f", "table", *AS_OF]
    result = subprocess.run(
        [str(python), "-c", code, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == LIST_ROWS + LIST_FOOTER["zh"]
    usage = subprocess.run(
        [str(python), "-c", code, "list", "--bogus"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert usage.stderr == "错误：没有选项：--bogus（见 'szbiz list --help'）\n"
