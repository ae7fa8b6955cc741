"""Ongoing tasks (持续推进, or no deadline stated) and a source's other columns, as a user of a
list other than Shenzhen 2020 meets them: in every view, the report, the sheets and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from szbiz.dump import dump_tasklist
from szbiz.load import load

from .conftest import run

AS_OF = ("--as-of", "2021-05-01")

# Six tasks in two areas: one overdue, one due soon, two later, and two ongoing, one
# 持续推进 and one whose source states no deadline at all; two carry 推广范围.
LIST = """\
schema: 1
document:
  title: 某市2021年优化营商环境改革任务清单
  issuer: 某市人民政府
  year: 2021
  source: test.txt
areas:
- number: 1
  name: 商事登记
- number: 2
  name: 知识产权
agencies:
- name: 市市场监管局
  kind: municipal
  code: sjj
- name: 国家知识产权局
  kind: national
  code: gjzscqj
tasks:
- id: 1
  area: 1
  title: 压缩开办时间
  description: ''
  lead:
  - 市市场监管局
  support: []
  deadline: 2021-03-31
  deadline_text: 2021年3月底
- id: 2
  area: 1
  title: 推行电子营业执照
  description: ''
  lead:
  - 市市场监管局
  support: []
  deadline: 2021-05-31
  deadline_text: 2021年5月底
- id: 3
  area: 2
  title: 加快专利审查
  description: ''
  lead:
  - 国家知识产权局
  support: []
  deadline: 2021-12-31
  deadline_text: 年底前
- id: 4
  area: 1
  title: 优化登记服务
  description: ''
  lead:
  - 市市场监管局
  support: []
  deadline_text: 持续推进
- id: 5
  area: 2
  title: 加强知识产权保护
  description: ''
  lead:
  - 国家知识产权局
  support: []
  deadline_text: ''
  extra:
    推广范围: 全国
- id: 6
  area: 2
  title: 建设保护中心
  description: ''
  lead:
  - 国家知识产权局
  support:
  - 市市场监管局
  deadline: 2021-06-30
  deadline_text: 2021年6月底
  extra:
    推广范围: 自贸试验区
"""


@pytest.fixture
def tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "tasks.yaml"
    path.write_text(LIST, encoding="utf-8")
    monkeypatch.setenv("SZBIZ_TASKS", str(path))
    monkeypatch.setenv("SZBIZ_PROGRESS", str(tmp_path / "progress.yaml"))
    monkeypatch.setenv("SZBIZ_USER", "张三")
    return path


def ok(*args: str, err: str = "") -> str:
    """What the command prints; it succeeds, saying ``err`` on stderr."""
    result = run(*args)
    assert (result.exit_code, result.stderr) == (0, err)
    return result.stdout


def ids(*args: str) -> list[int]:
    return [int(line) for line in ok(*args, *AS_OF, "--format", "ids").split()]


def test_the_list_is_clean_and_dumps_back_byte_for_byte(tasks: Path) -> None:
    assert ok("lint", str(tasks)) == ""
    loaded = load(tasks).tasks
    assert [t.ongoing for t in loaded.tasks] == [False, False, False, True, True, False]
    assert loaded.task(5).extra == (("推广范围", "全国"),)  # type: ignore[union-attr]
    # Written as the importer writes a list: a blank line before each task, keys in order,
    # no deadline for an ongoing task, its other columns last.
    dumped = dump_tasklist(loaded).split("\ntasks:\n")[1]
    assert dumped == LIST.split("\ntasks:\n")[1].replace("- id:", "\n- id:")


def test_due_windows_leave_ongoing_tasks_out(tasks: Path) -> None:
    assert ids("due", "--before", "2021-12-31") == [1, 2, 6, 3]
    assert ids("due", "--within", "60d") == [2, 6]
    assert ids("due") == [1, 2]
    assert ids("due", "--overdue") == [1]
    assert ids("list", "--status", "overdue") == [1]
    assert ids("list", "--due-after", "2021-01-01") == [1, 2, 3, 6]


def test_sorting_by_deadline_puts_ongoing_tasks_last_shown_as_their_words(tasks: Path) -> None:
    assert ok("list", "--sort", "deadline", "--format", "table", *AS_OF) == (
        "序号   领域   措施               牵头单位         完成时限     状态\n"
        "─────────────────────────────────────────────────────────────────────\n"
        "   1      1   压缩开办时间       市市场监管局     2021-03-31   逾期\n"
        "   2      1   推行电子营业执照   市市场监管局     2021-05-31   未开始\n"
        "   6      2   建设保护中心       国家知识产权局   2021-06-30   未开始\n"
        "   3      2   加快专利审查       国家知识产权局   2021-12-31   未开始\n"
        "   4      1   优化登记服务       市市场监管局     持续推进     未开始\n"
        "   5      2   加强知识产权保护   国家知识产权局   无时限       未开始\n"
        "6 tasks · 1 overdue\n"
    )


def test_show_says_ongoing_and_lists_the_other_columns(tasks: Path) -> None:
    assert ok("show", "5", *AS_OF) == (
        "序号       5\n"
        "领域       2 知识产权\n"
        "措施       加强知识产权保护\n"
        "牵头单位   国家知识产权局 (国家部委)\n"
        "责任单位   —\n"
        "完成时限   no deadline · ongoing\n"
        "推广范围   全国\n"
        "状态       未开始 (todo) as of 2021-05-01\n"
    )
    assert "完成时限   持续推进 · 持续性任务\n" in ok("--lang", "zh", "show", "4", *AS_OF)


def test_show_json_has_a_null_deadline_its_words_and_the_other_columns(tasks: Path) -> None:
    four = json.loads(ok("show", "4", "--json", *AS_OF))
    assert {k: four[k] for k in ("deadline", "deadline_text", "ongoing", "days_left")} == {
        "deadline": None,
        "deadline_text": "持续推进",
        "ongoing": True,
        "days_left": None,
    }
    assert (four["overdue"], four["extra"]) == (False, {})
    six = json.loads(ok("show", "6", "--json", *AS_OF))
    assert (six["deadline"], six["ongoing"], six["extra"]) == (
        "2021-06-30",
        False,
        {"推广范围": "自贸试验区"},
    )


def test_the_report_gives_ongoing_tasks_a_light_of_their_own(tasks: Path) -> None:
    assert ok("report", *AS_OF) == (
        "某市2021年优化营商环境改革任务清单 · 截至 2021-05-01\n"
        "范围：全部任务\n"
        "完成 0/6 (0%) ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░\n"
        "未开始 6 · 进行中 0 · 已完成 0 · 受阻 0 · 已取消 0\n"
        "🟢 按时完成 0 · 🔵 逾期完成 0 · 🔴 逾期未完成 1 · 🟡 30 天内到期 1 · ⚪ 未到期 2 · "
        "🟣 持续 2\n"
        "\n"
        "按领域\n"
        "序号   领域       灯   进度           完成   未开始   进行中   受阻   已取消\n"
        "────────────────────────────────────────────────────────────────────────────\n"
        "   1   商事登记   🔴   ░░░░░░░░░░░░    0/3        3        0      0        0\n"
        "   2   知识产权   ⚪   ░░░░░░░░░░░░    0/3        3        0      0        0\n"
        "\n"
        "按领域 · 红黄绿灯\n"
        "序号   领域       🟢   🔵   🟡   🔴   ⚪   ⚫   🟣   按时率\n"
        "───────────────────────────────────────────────────────────\n"
        "   1   商事登记    0    0    1    1    0    0    1       0%\n"
        "   2   知识产权    0    0    0    0    2    0    1        –\n"
        "\n"
        "按牵头单位（逾期多者在前）\n"
        "单位             灯   任务   完成   逾期   按时率   持续\n"
        "────────────────────────────────────────────────────────\n"
        "市市场监管局     🔴      3      0      1       0%      1\n"
        "国家知识产权局   ⚪      3      0      0        –      1\n"
        "\n"
        "逾期任务（时限早者在前）\n"
        "序号   措施           牵头单位       完成时限     状态     逾期天数\n"
        "───────────────────────────────────────────────────────────────────\n"
        "   1   压缩开办时间   市市场监管局   2021-03-31   未开始         31\n"
    )


def test_a_console_without_unicode_shows_the_light_as_a_character(tasks: Path) -> None:
    from szbiz.model import History
    from szbiz.render.report import REPORT_FORMATS
    from szbiz.render.sheet import Style
    from szbiz.report import build_report

    loaded = load(tasks).tasks
    report = build_report(loaded, History(), dt.date(2021, 5, 1), loaded.tasks)
    text = REPORT_FORMATS["table"](report, "清单", Style(plain=True))
    assert (
        "绿 按时完成 0 · 蓝 逾期完成 0 · 红 逾期未完成 1 · 黄 30 天内到期 1 · 白 未到期 2 · "
        "紫 持续 2\n" in text
    )
    assert "序号   领域       绿   蓝   黄   红   白   黑   紫   按时率\n" in text


def test_an_ongoing_task_done_stays_out_of_the_on_time_rate(tasks: Path, tmp_path: Path) -> None:
    said = f"recorded 1 event in {tmp_path / 'progress.yaml'}\n"
    assert ok("done", "4", "--on", "2021-04-20", *AS_OF, err=said) == (
        "task 4: todo → done on 2021-04-20\n"
    )
    report = json.loads(ok("report", "--format", "json", *AS_OF))
    overall = report["overall"]
    assert (overall["done"], overall["lights"]["ongoing"], overall["lights"]["on_time"]) == (
        1,
        2,
        0,
    )
    assert overall["on_time_rate"] == 0.0  # of the one task due by now, none done
    assert "完成时限   持续推进 · done on 2021-04-20\n" in ok("show", "4", *AS_OF)


def test_extend_refuses_an_ongoing_task(tasks: Path, tmp_path: Path) -> None:
    result = run("extend", "4", "--to", "2021-12-31", "--note", "延期", *AS_OF)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("error: task 4 is ongoing (持续推进); it has no deadline to extend\n")
    result = run("extend", "5", "--to", "2021-12-31", "--note", "延期", *AS_OF)
    assert (result.exit_code, result.stderr) == (
        2,
        "error: task 5 is ongoing (no deadline); it has no deadline to extend\n",
    )
    assert not (tmp_path / "progress.yaml").exists()


def test_the_sheet_shows_the_words_and_puts_ongoing_tasks_last(tasks: Path) -> None:
    assert ok("sheet", "--agency", "国家知识产权局", "--format", "md", *AS_OF) == (
        "# 国家知识产权局 督办单 · 截至 2021-05-01\n"
        "\n"
        "某市2021年优化营商环境改革任务清单 · 逾期 0 项\n"
        "\n"
        "## 牵头任务（3）\n"
        "\n"
        "| 序号 | 措施 | 完成时限 | 状态 | 剩余/逾期 | 最近进展 | 依据 | 分工 |\n"
        "| --: | :-- | :-- | :-- | :-- | :-- | :-- | :-- |\n"
        "| 6 | 建设保护中心 | 2021-06-30 | 未开始 | 还剩 60 天 |  |  | "
        "国家知识产权局 未开始、市市场监管局 未开始 |\n"
        "| 3 | 加快专利审查 | 2021-12-31 | 未开始 | 还剩 244 天 |  |  |  |\n"
        "| 5 | 加强知识产权保护 | 无时限 | 未开始 | 持续 |  |  |  |\n"
        "\n"
        "## 配合任务（0）\n"
        "\n"
        "无\n"
    )


def test_the_fill_in_form_writes_the_words_as_text_last(tasks: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    form = tmp_path / "form.xlsx"
    said = f"wrote the form for 市市场监管局 (4 tasks) to {form}\n"
    ok("sheet", "--agency", "市市场监管局", "-o", str(form), *AS_OF, err=said)
    sheet = openpyxl.load_workbook(form).worksheets[0]
    rows = [r[:4] for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert [(r[0], r[3]) for r in rows] == [
        (1, dt_(2021, 3, 31)),
        (2, dt_(2021, 5, 31)),
        (6, dt_(2021, 6, 30)),
        (4, "持续推进"),
    ]


def dt_(year: int, month: int, day: int) -> dt.datetime:
    """A day as openpyxl reads a date cell back."""
    return dt.datetime(year, month, day)


def export(tmp_path: Path, fmt: str) -> bytes:
    out = tmp_path / f"out.{fmt}"
    assert (
        ok("export", "--format", fmt, "-o", str(out), *AS_OF, err=f"wrote 6 tasks to {out}\n") == ""
    )
    return out.read_bytes()


def test_csv_has_the_words_in_the_deadline_column_and_the_other_columns_last(
    tasks: Path, tmp_path: Path
) -> None:
    assert export(tmp_path, "csv").decode("utf-8-sig") == (
        "序号,所属领域,改革措施,牵头单位,责任单位,完成时限,原完成时限,状态,红黄绿灯,完成日期,"
        "逾期天数,剩余天数,最近进展,依据,分工,推广范围\r\n"
        "1,商事登记,压缩开办时间,市市场监管局,,2021-03-31,,逾期,逾期未完成,,31,,,,,\r\n"
        "2,商事登记,推行电子营业执照,市市场监管局,,2021-05-31,,未开始,临期,,,30,,,,\r\n"
        "3,知识产权,加快专利审查,国家知识产权局,,2021-12-31,,未开始,未到期,,,244,,,,\r\n"
        "4,商事登记,优化登记服务,市市场监管局,,持续推进,,未开始,持续,,,,,,,\r\n"
        "5,知识产权,加强知识产权保护,国家知识产权局,,无时限,,未开始,持续,,,,,,,全国\r\n"
        "6,知识产权,建设保护中心,国家知识产权局,市市场监管局,2021-06-30,,未开始,未到期,,,60,,,"
        "国家知识产权局 未开始、市市场监管局 未开始,自贸试验区\r\n"
    )


def test_tsv_and_markdown_show_the_words(tasks: Path) -> None:
    rows = list(csv.reader(io.StringIO(ok("list", "--format", "csv", *AS_OF))))
    deadline = rows[0].index("deadline")
    assert [r[deadline] for r in rows[1:]] == [
        "2021-03-31",
        "2021-05-31",
        "2021-12-31",
        "持续推进",
        "无时限",
        "2021-06-30",
    ]
    assert "| 5 | 2 | 加强知识产权保护 | 国家知识产权局 | 无时限 | 未开始 |\n" in ok(
        "list", "--format", "md", *AS_OF
    )


def test_json_export_keeps_a_null_deadline_beside_its_words(tasks: Path, tmp_path: Path) -> None:
    rows = json.loads(export(tmp_path, "json"))
    assert [
        (r["id"], r["deadline"], r["deadline_text"]) for r in rows if r["deadline"] is None
    ] == [
        (4, None, "持续推进"),
        (5, None, ""),
    ]


def test_xlsx_writes_the_words_as_text_in_the_date_column(tasks: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "out.xlsx"
    path.write_bytes(export(tmp_path, "xlsx"))
    sheet = openpyxl.load_workbook(path).active
    values = [r for r in sheet.iter_rows(values_only=True)]
    assert values[0][5] == "完成时限" and values[0][-1] == "推广范围"
    assert [(r[0], r[5], r[8], r[-1]) for r in values[1:]] == [
        (1, dt_(2021, 3, 31), "逾期未完成", None),
        (2, dt_(2021, 5, 31), "临期", None),
        (3, dt_(2021, 12, 31), "未到期", None),
        (4, "持续推进", "持续", None),
        (5, "无时限", "持续", "全国"),
        (6, dt_(2021, 6, 30), "未到期", "自贸试验区"),
    ]
    assert sheet["F5"].data_type == "s"


def test_the_calendar_leaves_ongoing_tasks_out(tasks: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.ics"
    said = f"wrote 4 tasks to {out}; 2 ongoing tasks left out, having no day\n"
    assert ok("export", "--format", "ics", "-o", str(out), *AS_OF, err=said) == ""
    text = out.read_text(encoding="utf-8")
    summaries = [line for line in text.splitlines() if line.startswith("SUMMARY:")]
    assert summaries == [
        "SUMMARY:[1] 压缩开办时间",
        "SUMMARY:[2] 推行电子营业执照",
        "SUMMARY:[3] 加快专利审查",
        "SUMMARY:[6] 建设保护中心",
    ]
    assert text.count("BEGIN:VEVENT") == 4


def test_the_page_shows_the_words(tasks: Path, tmp_path: Path) -> None:
    page = export(tmp_path, "html").decode("utf-8")
    assert '<td class="date" title="持续推进">持续推进</td>' in page
    assert '<td class="date" title="">无时限</td>' in page
    assert '<option value="ongoing">持续（2）</option>' in page


def test_a_dated_task_must_state_its_deadline_in_words(tasks: Path) -> None:
    tasks.write_text(
        LIST.replace("deadline_text: 2021年5月底", "deadline_text: ''"), encoding="utf-8"
    )
    result = run("lint", str(tasks))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{tasks}:37:18: error: task 2 → deadline_text: must not be empty for a task with a "
        "deadline; write it as the source does [empty-value]\n"
    )


def test_other_columns_must_be_text(tasks: Path) -> None:
    tasks.write_text(LIST.replace("推广范围: 全国", "推广范围: [全国]"), encoding="utf-8")
    result = run("lint", str(tasks))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{tasks}:64:11: error: task 5 → extra → 推广范围: expected text, got a list [type]\n"
    )
