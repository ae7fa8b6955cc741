"""`szbiz report` and `szbiz sheet` as a user runs them, over a small ledger: exact output.

The ledger (tests/data/report/progress.yaml), as of 2020-07-01:

- area 10 (tasks 145–150, all led by 市人力资源保障局): 146 done on time, 147 doing
  then done on its deadline day (on time), 148 done a day late, 149 not started and
  a day overdue, 150 blocked but not due until 2020-09-30 (91 days on), 145 dropped;
- area 7, 市口岸办's eight tasks: 84 doing and overdue, 85 doing, 89 done on time,
  91 blocked and overdue with a note holding ``|`` and a line break;
- task 1 (area 1) done on time.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import TEST_DATA, no_traceback, run

LEDGER = TEST_DATA / "report" / "progress.yaml"
TITLE = "深圳市 2020 年优化营商环境改革重点任务清单"
AREA_10 = "加强劳动力市场监管"


def report(*args: str) -> str:
    result = run("report", "--as-of", "2020-07-01", "--progress", str(LEDGER), *args)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return result.stdout


AREA_10_TABLE = f"""\
{TITLE} · 截至 2020-07-01
范围：领域 10 加强劳动力市场监管
完成 3/6 (50%) ███████████████░░░░░░░░░░░░░░░
未开始 1 · 进行中 0 · 已完成 3 · 受阻 1 · 已取消 1
🟢 按时完成 2 · 🔵 逾期完成 1 · 🔴 逾期未完成 1 · 🟡 30 天内到期 0 · ⚪ 未到期 1 · ⚫ 已取消 1

按领域
序号   领域                 灯   进度           完成   未开始   进行中   受阻   已取消
──────────────────────────────────────────────────────────────────────────────────────
  10   加强劳动力市场监管   🔴   ██████░░░░░░    3/6        1        0      1        1

按领域 · 红黄绿灯
序号   领域                 🟢   🔵   🟡   🔴   ⚪   ⚫   按时率
────────────────────────────────────────────────────────────────
  10   加强劳动力市场监管    2    1    0    1    1    1      50%

按牵头单位（逾期多者在前）
单位               灯   任务   完成   逾期   按时率
───────────────────────────────────────────────────
市人力资源保障局   🔴      6      3      1      50%

逾期任务（时限早者在前）
序号   措施                         牵头单位           完成时限     状态     逾期天数
─────────────────────────────────────────────────────────────────────────────────────
 149   推进人力资源服务业加快发展   市人力资源保障局   2020-06-30   未开始          1
"""


def test_report_table() -> None:
    """Each area row adds up: 3 done + 1 todo + 0 doing + 1 blocked + 1 dropped = 6, and
    by light 2 + 1 + 0 + 1 + 1 + 1 = 6."""
    assert report("--area", "10") == AREA_10_TABLE
    assert report("--area", "10", "-f", "table") == AREA_10_TABLE


def _tally(
    status: tuple[int, int, int, int, int], lights: tuple[int, ...], light: str, rate: float | None
) -> dict[str, object]:
    keys = ("todo", "doing", "done", "blocked", "dropped")
    light_keys = ("on_time", "done_late", "due_soon", "overdue", "not_yet_due", "dropped")
    return {
        "total": sum(status),
        "done": status[2],
        "status": dict(zip(keys, status, strict=True)),
        # The 2020 list has no ongoing task (持续推进): none counted.
        "lights": dict(zip(light_keys, lights, strict=True)) | {"ongoing": 0},
        "light": light,
        "on_time_rate": rate,
    }


def test_report_json() -> None:
    data = json.loads(report("--area", "10", "-f", "json"))
    area_10 = _tally((1, 0, 3, 1, 1), (2, 1, 0, 1, 1, 1), "overdue", 0.5)
    assert data == {
        "title": TITLE,
        "as_of": "2020-07-01",
        "warn_days": 30,
        "scope": {"agencies": [], "areas": [{"number": 10, "name": AREA_10}], "role": "lead"},
        "overall": area_10,
        "areas": [{"number": 10, "name": AREA_10, **area_10}],
        "agencies": [{"name": "市人力资源保障局", "kind": "municipal", **area_10}],
        "overdue": [
            {
                "id": 149,
                "title": "推进人力资源服务业加快发展",
                "lead": ["市人力资源保障局"],
                "deadline": "2020-06-30",
                "days_late": 1,
                "status": "todo",
            }
        ],
        "overdue_unlisted": 0,
        "extended": 0,
        "parts_open": 0,
    }
    assert report("--area", "10", "--json") == report("--area", "10", "-f", "json")


MD_AREA_HEADER = (
    "| 序号 | 领域 | 灯 | 完成 | 未开始 | 进行中 | 受阻 | 已取消 | 🟢 按时完成 | 🔵 逾期完成 "
    "| 🟡 临期 | 🔴 逾期未完成 | ⚪ 未到期 | ⚫ 已取消 | 按时率 |\n"
    "| --: | :-- | :-: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |\n"
)
MD_AGENCY_HEADER = (
    "| 单位 | 灯 | 任务 | 完成 | 逾期 | 按时率 |\n| :-- | :-: | --: | --: | --: | --: |\n"
)
MD_OVERDUE_HEADER = (
    "| 序号 | 措施 | 牵头单位 | 完成时限 | 状态 | 逾期天数 |\n"
    "| --: | :-- | :-- | :-- | :-- | --: |\n"
)
MD_149 = "| 149 | 推进人力资源服务业加快发展 | 市人力资源保障局 | 2020-06-30 | 未开始 | 1 |\n"


def test_report_markdown() -> None:
    assert report("--area", "10", "-f", "md") == (
        f"# {TITLE} · 截至 2020-07-01\n"
        "\n"
        "范围：领域 10 加强劳动力市场监管\n"
        "\n"
        "- 完成 3/6 (50%)\n"
        "- 未开始 1 · 进行中 0 · 已完成 3 · 受阻 1 · 已取消 1\n"
        "- 🟢 按时完成 2 · 🔵 逾期完成 1 · 🔴 逾期未完成 1 · 🟡 30 天内到期 0 · ⚪ 未到期 1"
        " · ⚫ 已取消 1\n"
        "\n"
        "## 按领域\n"
        "\n"
        f"{MD_AREA_HEADER}"
        "| 10 | 加强劳动力市场监管 | 🔴 | 3/6 | 1 | 0 | 1 | 1 | 2 | 1 | 0 | 1 | 1 | 1 | 50% |\n"
        "\n"
        "## 按牵头单位（逾期多者在前）\n"
        "\n"
        f"{MD_AGENCY_HEADER}"
        "| 市人力资源保障局 | 🔴 | 6 | 3 | 1 | 50% |\n"
        "\n"
        "## 逾期任务（时限早者在前）\n"
        "\n"
        f"{MD_OVERDUE_HEADER}"
        f"{MD_149}"
    )


def test_warn_days_widens_the_yellow_light() -> None:
    """Task 150 (blocked, due 2020-09-30) is 91 days off: ⚪ at 30 days, 🟡 at 91."""
    md = report("--area", "10", "--warn-days", "91", "-f", "md").splitlines()
    assert md[6] == (
        "- 🟢 按时完成 2 · 🔵 逾期完成 1 · 🔴 逾期未完成 1 · 🟡 91 天内到期 1 · ⚪ 未到期 0"
        " · ⚫ 已取消 1"
    )
    assert md[12] == f"| 10 | {AREA_10} | 🔴 | 3/6 | 1 | 0 | 1 | 1 | 2 | 1 | 1 | 1 | 0 | 1 | 50% |"
    at_90 = json.loads(report("--area", "10", "--warn-days", "90", "--json"))
    assert (at_90["warn_days"], at_90["overall"]["lights"]["due_soon"]) == (90, 0)


def test_role_any_counts_support_agencies() -> None:
    """The dropped task 145 is the only one with support agencies: each shows ⚫."""
    md = report("--area", "10", "--role", "any", "-f", "md")
    agencies = md.split("## 按牵头或配合单位（逾期多者在前）\n\n")[1].split("\n\n")[0]
    assert agencies + "\n" == (
        f"{MD_AGENCY_HEADER}"
        "| 市人力资源保障局 | 🔴 | 6 | 3 | 1 | 50% |\n"
        "| 市应急管理局 | ⚫ | 1 | 0 | 0 | – |\n"
        "| 市退役军人事务局 | ⚫ | 1 | 0 | 0 | – |\n"
        "| 市残联 | ⚫ | 1 | 0 | 0 | – |\n"
    )
    assert json.loads(report("--area", "10", "--role", "any", "--json"))["scope"]["role"] == "any"


def test_agency_report_says_its_scope_and_rounds_half_up() -> None:
    """市口岸办 has 8 tasks, 1 done: 12.5% shows as 13%."""
    assert report("--agency", "kab", "-f", "md") == (
        f"# {TITLE} · 截至 2020-07-01\n"
        "\n"
        "范围：市口岸办 牵头或配合的任务\n"
        "\n"
        "- 完成 1/8 (13%)\n"
        "- 未开始 4 · 进行中 2 · 已完成 1 · 受阻 1 · 已取消 0\n"
        "- 🟢 按时完成 1 · 🔵 逾期完成 0 · 🔴 逾期未完成 2 · 🟡 30 天内到期 0 · ⚪ 未到期 5\n"
        "\n"
        "## 按领域\n"
        "\n"
        f"{MD_AREA_HEADER}"
        "| 7 | 促进跨境贸易便利化 | 🔴 | 1/8 | 4 | 2 | 1 | 0 | 1 | 0 | 0 | 2 | 5 | 0 | 33% |\n"
        "\n"
        "## 按牵头单位（逾期多者在前）\n"
        "\n"
        f"{MD_AGENCY_HEADER}"
        "| 市口岸办 | 🔴 | 4 | 1 | 1 | 50% |\n"
        "| 市交通运输局 | 🔴 | 2 | 0 | 1 | 0% |\n"
        "| 市商务局 | ⚪ | 4 | 0 | 0 | – |\n"
        "| 深圳海关 | ⚪ | 2 | 0 | 0 | – |\n"
        "| 市市场监管局 | ⚪ | 1 | 0 | 0 | – |\n"
        "\n"
        "## 逾期任务（时限早者在前）\n"
        "\n"
        f"{MD_OVERDUE_HEADER}"
        "| 84 | 推动进出口物流作业全流程无纸化 | 市交通运输局 | 2020-06-30 | 进行中 | 1 |\n"
        "| 91 | 试点陆路口岸“一站式”通关模式 | 市口岸办 | 2020-06-30 | 受阻 | 1 |\n"
    )
    assert json.loads(report("--agency", "市口岸办", "--json"))["scope"] == {
        "agencies": ["市口岸办"],
        "areas": [],
        "role": "lead",
    }


def test_whole_list_scope() -> None:
    """153 tasks are due by 2020-06-30: 4 done (1, 146, 147, 148), 149 overdue; of the 57
    due later, 89 is done and 145 dropped: 55 not yet due. The bar: 5/210 of 30 is 0.71,
    one block."""
    lines = report().splitlines()
    assert lines[:5] == [
        f"{TITLE} · 截至 2020-07-01",
        "范围：全部任务",
        "完成 5/210 (2%) █░░░░░░░░░░░░░░░░░░░░░░░░░░░░░",
        "未开始 200 · 进行中 2 · 已完成 5 · 受阻 2 · 已取消 1",
        "🟢 按时完成 4 · 🔵 逾期完成 1 · 🔴 逾期未完成 149 · 🟡 30 天内到期 0 · ⚪ 未到期 55"
        " · ⚫ 已取消 1",
    ]


def test_empty_selection_still_renders() -> None:
    """市残联 has no task in area 1: 0/0, and the heading says so."""
    assert report("--agency", "市残联", "--area", "1") == (
        f"{TITLE} · 截至 2020-07-01\n"
        "范围：市残联 牵头或配合的任务 · 领域 1 深化商事登记制度改革 · no tasks match\n"
        "完成 0/0 (–) ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░\n"
        "未开始 0 · 进行中 0 · 已完成 0 · 受阻 0 · 已取消 0\n"
        "🟢 按时完成 0 · 🔵 逾期完成 0 · 🔴 逾期未完成 0 · 🟡 30 天内到期 0 · ⚪ 未到期 0\n"
        "\n"
        "按领域：无\n"
        "\n"
        "按牵头单位（逾期多者在前）：无\n"
        "\n"
        "逾期任务：无\n"
    )
    md = report("--agency", "市残联", "--area", "1", "-f", "md").splitlines()
    assert md[2] == "范围：市残联 牵头或配合的任务 · 领域 1 深化商事登记制度改革 · no tasks match"
    data = json.loads(report("--agency", "市残联", "--area", "1", "--json"))
    assert data["scope"] == {
        "agencies": ["市残联"],
        "areas": [{"number": 1, "name": "深化商事登记制度改革"}],
        "role": "lead",
    }
    assert (data["overall"]["total"], data["areas"], data["agencies"], data["overdue"]) == (
        0,
        [],
        [],
        [],
    )


# The note is 等海关|边检, a line break, 联合验收 in the ledger.
ROW_91 = (
    "| 91 | 试点陆路口岸“一站式”通关模式 | 2020-06-30 | 受阻·逾期 | 逾期 1 天 "
    "| 等海关\\|边检 联合验收 | 深口岸〔2020〕5号 "
    "| 市口岸办 受阻、深圳海关 未开始、深圳边检总站 未开始 |"
)
# Every agency's part: only the lead's (the task's own) is recorded.
PARTS_85 = (
    "市口岸办 进行中、市商务局 未开始、市政务服务数据管理局 未开始、深圳海关 未开始、"
    "深圳边检总站 未开始"
)
PARTS_88 = (
    "市口岸办 未开始、市交通运输局 未开始、市市场监管局 未开始、市商务局 未开始、深圳海关 未开始"
)
PARTS_89 = "市口岸办 已完成、市财政局 未开始、市市场监管局 未开始"
REF_89 = "深口岸〔2020〕9号"
PARTS_84 = "市交通运输局 进行中、市口岸办 未开始、深圳海关 未开始"
PARTS_81 = "深圳海关 未开始、市商务局 未开始、市口岸办 未开始"
PARTS_82 = "市商务局 未开始、市口岸办 未开始"
SHEET_MD = f"""\
# 市口岸办 督办单 · 截至 2020-07-01

{TITLE} · 逾期 2 项

## 牵头任务（4）

| 序号 | 措施 | 完成时限 | 状态 | 剩余/逾期 | 最近进展 | 依据 | 分工 |
| --: | :-- | :-- | :-- | :-- | :-- | :-- | :-- |
{ROW_91}
| 85 | 启动“智慧口岸”基础数据平台建设 | 2020-12-31 | 进行中 | 还剩 183 天 |  |  | {PARTS_85} |
| 88 | 规范口岸经营服务性收费管理 | 2020-12-31 | 未开始 | 还剩 183 天 |  |  | {PARTS_88} |
| 89 | 公示新版口岸收费目录清单 | 2020-12-31 | 已完成 | 2020-06-20 完成 |  | {REF_89} | {PARTS_89} |

## 配合任务（4）

| 序号 | 措施 | 完成时限 | 状态 | 剩余/逾期 | 最近进展 | 依据 | 分工 |
| --: | :-- | :-- | :-- | :-- | :-- | :-- | :-- |
| 84 | 推动进出口物流作业全流程无纸化 | 2020-06-30 | 进行中·逾期 | 逾期 1 天 |  |  | {PARTS_84} |
| 81 | 拓展“单一窗口”海关信息共享功能 | 2020-12-31 | 未开始 | 还剩 183 天 |  |  | {PARTS_81} |
| 82 | 开展“单一窗口”本地特色应用建设 | 2020-12-31 | 未开始 | 还剩 183 天 |  |  | {PARTS_82} |
| 92 | 应用通关物流全流程评估系统 | 2020-12-31 | 未开始 | 还剩 183 天 |  |  | {PARTS_82} |
"""


def test_sheet_markdown() -> None:
    """Every task a row: the note's ``|`` escaped and its line break a space; overdue
    tasks keep their status (受阻·逾期, 进行中·逾期)."""
    result = run(
        "sheet", "-a", "市口岸办", "--as-of", "2020-07-01", "--progress", str(LEDGER), "-f", "md"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == SHEET_MD


def test_sheet_html_is_escaped_and_self_contained(tmp_path: Path) -> None:
    ledger = tmp_path / "progress.yaml"
    ledger.write_text(
        "- {task: 91, status: blocked, on: 2020-06-20, by: '<b>李四</b>', "
        "at: '2020-06-20T11:00:00+08:00', note: \"<script>alert('x')</script>\", "
        "ref: 'A&B \"1\"'}\n",
        encoding="utf-8",
    )
    result = run(
        "sheet", "--agency", "kab", "--as-of", "2020-07-01", "--progress", str(ledger), "-f", "html"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    page = result.stdout
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n')
    assert page.endswith("</body></html>\n")
    assert (
        '<tr class="overdue"><td>91</td><td>试点陆路口岸“一站式”通关模式</td><td>2020-06-30</td>'
        "<td>受阻·逾期</td><td>逾期 1 天</td>"
        "<td>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</td>"
        "<td>A&amp;B &quot;1&quot;</td>"
        "<td>市口岸办 受阻、深圳海关 未开始、深圳边检总站 未开始</td>\n</tr>"
    ) in page
    assert "<script" not in page
    # Self-contained: nothing fetched, no script, styles inline.
    for outside in ("http:", "https:", "//", "src=", "<link", "@import", "url("):
        assert outside not in page
    assert page.count("<style>") == 1


def test_sheet_table_keeps_a_row_to_a_line() -> None:
    result = run("sheet", "--agency", "kab", "--as-of", "2020-07-01", "--progress", str(LEDGER))
    lines = result.stdout.splitlines()
    assert lines[6] == (
        "  91   试点陆路口岸…   2020-06-30   受阻·逾期   逾期 1 天         等海关|边检…   "
        "深口岸〔202…   0/3"
    )
    assert lines[7].startswith("  85   ")


def test_report_errors_are_one_line() -> None:
    result = run("report", "--area", "99", "--progress", str(LEDGER))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: area 99 does not exist")
    assert no_traceback(result.stderr)


def test_limit_lists_the_most_overdue_and_says_how_many_more() -> None:
    """市口岸办 has two overdue tasks as of 2020-07-01: 84 and 91."""
    scope = ("--agency", "市口岸办")
    both = report(*scope)
    assert both.endswith(
        "  84   推动进出口物流作业全流程无纸化   市交通运输局   2020-06-30   进行中          1\n"
        "  91   试点陆路口岸“一站式”通关模式     市口岸办       2020-06-30   受阻            1\n"
    )
    assert report(*scope, "--limit", "0") == both
    one = report(*scope, "--limit", "1")
    assert one.endswith(
        "  84   推动进出口物流作业全流程无纸化   市交通运输局   2020-06-30   进行中          1\n"
        "另有 1 项逾期任务未列出（--limit 0 列出全部）\n"
    )
    md = report(*scope, "--limit", "1", "-f", "md")
    assert md.endswith(
        MD_OVERDUE_HEADER
        + "| 84 | 推动进出口物流作业全流程无纸化 | 市交通运输局 | 2020-06-30 | 进行中 | 1 |\n"
        "\n另有 1 项逾期任务未列出（--limit 0 列出全部）\n"
    )
    data = json.loads(report(*scope, "--limit", "1", "--json"))
    assert [t["id"] for t in data["overdue"]] == [84]
    assert (data["overdue_unlisted"], data["overall"]["lights"]["overdue"]) == (1, 2)


def test_a_negative_limit_is_a_usage_error() -> None:
    result = run("report", "--limit", "-1")
    assert result.exit_code == 2
    assert result.stderr == "error: --limit '-1' is not a number of tasks; give 0 or more\n"
    assert no_traceback(result.stderr)


def test_by_default_every_overdue_task_of_the_list_is_listed(tmp_path: Path) -> None:
    """All 210 tasks are overdue at the end of 2021 with nothing recorded."""
    empty = str(tmp_path / "progress.yaml")
    data = json.loads(run("report", "--as-of", "2021-12-31", "--progress", empty, "--json").stdout)
    assert (len(data["overdue"]), data["overdue_unlisted"]) == (210, 0)
