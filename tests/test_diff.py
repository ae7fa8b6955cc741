"""szbiz diff OLD NEW: which tasks of a new list continue the old list's, which are new,
which were dropped."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from szbiz.diff import Change, Field, diff
from szbiz.dump import dump_tasklist
from szbiz.load import load
from szbiz.model import Area, Document, Task, TaskList

from .conftest import TASKS, no_traceback, run

BOM = b"\xef\xbb\xbf"

# Ten tasks reworded as a new year's list rewords them: a phrase replaced, a clause added.
REWORDED = (5, 17, 42, 63, 88, 101, 130, 152, 177, 199)
REMOVED = (9, 50, 120, 160, 210)
ADDED = (
    (
        "建设跨境电商出口退税无纸化申报系统",
        "在前海试点出口退税全流程网上办理，退税申报材料电子化传输。",
    ),
    ("组建生物医药产业公共研发平台", "整合高校和医院的临床试验资源，向中小创新企业开放共享。"),
    ("推行夜间经济街区统一管理", "划定夜间经济示范街区，统一规划外摆、停车和噪声管理规则。"),
    ("设立海洋经济专项基金", "引导社会资本投向海洋工程装备、海洋生物和航运服务领域。"),
    ("开展老旧工业区有机更新试点", "选取五个老旧工业区，试行容积率奖励和分期开发机制。"),
)


def _reword(task: Task) -> Task:
    """A new year's wording: the title's first two characters replaced by 全面, and a clause
    added to the description."""
    description = task.description.rstrip("。") + "，并于年底前开展实施效果评估。"
    return replace(task, title="全面" + task.title[2:], description=description)


def _write(path: Path, tasks: TaskList) -> Path:
    path.write_text(dump_tasklist(tasks), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real() -> TaskList:
    return load(TASKS).tasks


@pytest.fixture
def next_year(real: TaskList, tmp_path: Path) -> Path:
    """The 2020 list with 10 tasks reworded, 5 removed and 5 added (ids 211-215)."""
    kept = [_reword(t) if t.id in REWORDED else t for t in real.tasks if t.id not in REMOVED]
    lead = real.tasks[0].lead
    for offset, (title, description) in enumerate(ADDED, 1):
        kept.append(
            replace(real.tasks[0], id=210 + offset, title=title, description=description, lead=lead)
        )
    return _write(tmp_path / "2021.yaml", replace(real, tasks=tuple(kept)))


def test_a_list_against_itself_is_all_the_same() -> None:
    result = run("diff", str(TASKS), str(TASKS))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["新序号", "原序号", "相似度", "变化", "措施", "变化的字段"]
    assert len(lines) == 2 + 210 + 1
    assert all(
        line.split()[:4] == [str(n), str(n), "100%", "相同"]
        for n, line in enumerate(lines[2:-1], 1)
    )
    assert lines[-1] == "210 old, 210 new: 210 same, 0 changed, 0 new, 0 dropped"
    assert result.stderr == ""


def test_reworded_removed_and_added_tasks_are_found(next_year: Path) -> None:
    result = run("diff", str(TASKS), str(next_year), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"] == {"same": 195, "changed": 10, "new": 5, "dropped": 5}
    changed = [m for m in data["matches"] if m["class"] == "changed"]
    assert [(m["new"], m["old"]) for m in changed] == [(i, i) for i in REWORDED]
    assert all(0.6 <= m["similarity"] < 1 for m in changed)
    assert all(m["fields"] == [] for m in data["matches"])
    assert data["new_tasks"] == [211, 212, 213, 214, 215]
    assert data["dropped"] == list(REMOVED)
    same = [m for m in data["matches"] if m["class"] == "same"]
    assert all(m["new"] == m["old"] and m["similarity"] == 1.0 for m in same)
    assert len(same) == 195


def test_the_summary_line_of_the_issue_case(next_year: Path) -> None:
    result = run("diff", str(TASKS), str(next_year), "--show", "changed")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [int(line.split()[0]) for line in lines[2:-1]] == list(REWORDED)
    assert lines[-1] == "210 old, 210 new: 195 same, 10 changed, 5 new, 5 dropped"


def test_renumbered_tasks_still_match(real: TaskList, tmp_path: Path) -> None:
    shifted = replace(real, tasks=tuple(replace(t, id=t.id + 1000) for t in real.tasks))
    new = _write(tmp_path / "shifted.yaml", shifted)
    data = json.loads(run("diff", str(TASKS), str(new), "-f", "json").stdout)
    assert data["summary"] == {"same": 210, "changed": 0, "new": 0, "dropped": 0}
    assert [(m["new"], m["old"]) for m in data["matches"]] == [(i + 1000, i) for i in range(1, 211)]


def test_reworded_and_renumbered_tasks_pair_with_their_own(real: TaskList) -> None:
    """Shuffled ids and every text reworded: each new task still finds its old one."""
    count = len(real.tasks)
    tasks = tuple(replace(_reword(t), id=count + 1 - t.id) for t in real.tasks)
    result = diff(real, replace(real, tasks=tasks))
    assert result.count(Change.CHANGED) == count
    assert all(
        m.new is not None and m.old is not None and m.new.id == count + 1 - m.old.id
        for m in result.matches
    )


# --- a tiny pair of lists, every output exact ------------------------------------------


def _tiny(tasks: tuple[Task, ...], year: int = 2020) -> TaskList:
    document = Document(f"某市 {year} 年改革任务清单", "某市人民政府", year, "tiny.txt")
    areas = (Area(1, "商事登记"), Area(2, "纳税服务"))
    real = load(TASKS).tasks
    names = {n for t in tasks for n in t.lead + t.support}
    agencies = tuple(a for a in real.agencies if a.name in names)
    return TaskList(document, areas, agencies, tasks)


def _task(id_: int, area: int, title: str, description: str, lead: str, year: int = 2020) -> Task:
    import datetime as dt

    return Task(
        id=id_,
        area=area,
        title=title,
        description=description,
        lead=(lead,),
        lead_note="",
        support=(),
        support_note="",
        deadline=dt.date(year, 6, 30),
        deadline_text=f"{year}年6月底",
    )


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    old = _tiny(
        (
            _task(
                1,
                1,
                "推行企业开办一网通办",
                "申请人登录一个平台即可办理全部开办事项。",
                "市市场监管局",
            ),
            _task(2, 2, "压缩纳税时间", "企业年纳税时间压缩至120小时以内。", "市税务局"),
            _task(3, 2, "推广电子发票", "全面推广增值税电子普通发票。", "市税务局"),
        )
    )
    new = _tiny(
        (
            _task(
                1,
                1,
                "推行企业开办一网通办",
                "申请人登录一个平台即可办理全部开办事项。",
                "市政务服务数据管理局",
                2021,
            ),
            _task(
                2, 2, "进一步压缩纳税时间", "企业年纳税时间压缩至100小时以内。", "市税务局", 2021
            ),
            _task(
                4, 1, "建立企业注销绿色通道", "简易注销公告期缩短为二十天。", "市市场监管局", 2021
            ),
        ),
        2021,
    )
    return _write(tmp_path / "old.yaml", old), _write(tmp_path / "new.yaml", new)


TINY_TABLE = """\
新序号   原序号   相似度   变化   措施                   变化的字段
───────────────────────────────────────────────────────────────────
     1        1     100%   相同   推行企业开办一网通办   牵头单位
     2        2      91%   调整   进一步压缩纳税时间
     4                     新增   建立企业注销绿色通道
              3            取消   推广电子发票
3 old, 3 new: 1 same, 1 changed, 1 new, 1 dropped
"""


def test_table(tiny: tuple[Path, Path]) -> None:
    result = run("diff", *map(str, tiny))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == TINY_TABLE
    assert result.stderr == ""


def test_table_in_chinese(tiny: tuple[Path, Path]) -> None:
    result = run("--lang", "zh", "diff", *map(str, tiny))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[2].split() == ["1", "1", "100%", "相同", "推行企业开办一网通办", "牵头单位"]
    assert lines[3].split()[3] == "调整"
    assert lines[4].split()[1] == "新增"
    assert lines[5].split()[1] == "取消"
    assert lines[-1] == "原清单 3 项，新清单 3 项：相同 1 项，调整 1 项，新增 1 项，取消 1 项"


def test_json(tiny: tuple[Path, Path]) -> None:
    old, new = tiny
    result = run("diff", str(old), str(new), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "old": {"path": str(old), "title": "某市 2020 年改革任务清单", "year": 2020, "tasks": 3},
        "new": {"path": str(new), "title": "某市 2021 年改革任务清单", "year": 2021, "tasks": 3},
        "threshold": 0.6,
        "summary": {"same": 1, "changed": 1, "new": 1, "dropped": 1},
        "matches": [
            {"new": 1, "old": 1, "similarity": 1.0, "class": "same", "fields": ["lead"]},
            {"new": 2, "old": 2, "similarity": 0.9133, "class": "changed", "fields": []},
        ],
        "new_tasks": [4],
        "dropped": [3],
    }


def test_csv_has_a_bom_and_a_row_for_each(tiny: tuple[Path, Path]) -> None:
    old, new = tiny
    out = old.parent / "diff.csv"
    result = run("diff", str(old), str(new), "-f", "csv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"wrote the comparison to {out}\n"
    data = out.read_bytes()
    assert data.startswith(BOM)
    assert data[len(BOM) :].decode("utf-8").splitlines() == [
        "new,old,similarity,class,fields,new_measure,old_measure",
        "1,1,1.0,same,lead,推行企业开办一网通办。申请人登录一个平台即可办理全部开办事项。,"
        "推行企业开办一网通办。申请人登录一个平台即可办理全部开办事项。",
        "2,2,0.9133,changed,,进一步压缩纳税时间。企业年纳税时间压缩至100小时以内。,"
        "压缩纳税时间。企业年纳税时间压缩至120小时以内。",
        "4,,,new,,建立企业注销绿色通道。简易注销公告期缩短为二十天。,",
        ",3,,dropped,,,推广电子发票。全面推广增值税电子普通发票。",
    ]


def test_map_file_for_review(tiny: tuple[Path, Path]) -> None:
    old, new = tiny
    mapping = old.parent / "对照表.csv"
    result = run("diff", str(old), str(new), "--map", str(mapping), "--show", "new")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote the mapping of 4 rows to {mapping}\n"
    data = mapping.read_bytes()
    assert data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"))))
    assert rows == [
        ["新序号", "原序号", "相似度", "变化", "新措施", "原措施", "确认"],
        ["1", "1", "1.0", "相同", rows[1][4], rows[1][4], ""],
        [
            "2",
            "2",
            "0.9133",
            "调整",
            "进一步压缩纳税时间。企业年纳税时间压缩至100小时以内。",
            "压缩纳税时间。企业年纳税时间压缩至120小时以内。",
            "",
        ],
        ["4", "", "", "新增", "建立企业注销绿色通道。简易注销公告期缩短为二十天。", "", ""],
        ["", "3", "", "取消", "", "推广电子发票。全面推广增值税电子普通发票。", ""],
    ]
    # --show chooses the rows printed, never those of the mapping
    assert result.stdout.splitlines()[2].split() == ["4", "新增", "建立企业注销绿色通道"]


def test_map_file_as_xlsx(tiny: tuple[Path, Path]) -> None:
    from openpyxl import load_workbook

    old, new = tiny
    mapping = old.parent / "map.xlsx"
    result = run("diff", str(old), str(new), "--map", str(mapping))
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(mapping).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["新序号", "原序号", "相似度", "变化", "新措施", "原措施", "确认"]
    assert [row[:4] for row in rows[1:]] == [
        [1, 1, 1, "相同"],
        [2, 2, 0.9133, "调整"],
        [4, None, None, "新增"],
        [None, 3, None, "取消"],
    ]
    assert all(row[6] is None for row in rows[1:])


def test_a_formula_in_a_measure_stays_text(tmp_path: Path) -> None:
    old = _write(
        tmp_path / "a.yaml", _tiny((_task(1, 1, '=HYPERLINK("http://x")', "", "市税务局"),))
    )
    new = _write(tmp_path / "b.yaml", _tiny((_task(1, 1, "-1+1 改革", "", "市税务局"),)))
    mapping = tmp_path / "m.csv"
    result = run("diff", str(old), str(new), "--map", str(mapping), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    text = mapping.read_bytes()[len(BOM) :].decode("utf-8")
    assert "'-1+1 改革" in text and "'=HYPERLINK" in text
    assert "'-1+1 改革" in result.stdout


def test_threshold_decides_what_pairs(tiny: tuple[Path, Path]) -> None:
    data = json.loads(run("diff", *map(str, tiny), "-f", "json", "--threshold", "0.95").stdout)
    assert data["summary"] == {"same": 1, "changed": 0, "new": 2, "dropped": 2}
    assert data["threshold"] == 0.95


def test_exit_code_when_they_differ(tiny: tuple[Path, Path]) -> None:
    old, new = tiny
    assert run("diff", str(old), str(new), "--exit-code").exit_code == 1
    assert run("diff", str(old), str(old), "--exit-code").exit_code == 0
    assert run("diff", str(old), str(new)).exit_code == 0


# --- what cannot be compared, or written ------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_as_old_is_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "old.yaml"
    os.mkfifo(fifo)
    result = run("diff", str(fifo), str(TASKS))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"error: {fifo}: is a FIFO, not a regular file; expected a YAML file\n"


def test_a_missing_or_broken_list_is_one_line(tmp_path: Path) -> None:
    result = run("diff", str(TASKS), str(tmp_path / "none.yaml"))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {tmp_path / 'none.yaml'}: no such file\n",
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("tasks: [\n", encoding="utf-8")
    result = run("diff", str(broken), str(TASKS))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {broken}:")
    assert result.stderr.count("\n") == 1 and no_traceback(result.stderr)


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "abc", "1e999"])
def test_a_threshold_out_of_range_is_a_usage_error(value: str) -> None:
    result = run("diff", str(TASKS), str(TASKS), "--threshold", value)
    assert result.exit_code == 2
    assert result.stderr == f"error: --threshold {value}: give a similarity from 0 to 1, e.g. 0.6\n"


def test_outputs_never_replace_a_list_being_read(tiny: tuple[Path, Path]) -> None:
    old, new = tiny
    before = old.read_bytes()
    result = run("diff", str(old), str(new), "--map", str(old))
    assert result.exit_code == 2
    assert result.stderr == f"error: --map {old} is the old task list; choose another file\n"
    result = run("diff", str(old), str(new), "-o", str(new))
    assert result.stderr == f"error: -o {new} is the new task list; choose another file\n"
    assert old.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_as_the_map_is_refused(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    fifo = tmp_path / "map.csv"
    os.mkfifo(fifo)
    result = run("diff", *map(str, tiny), "--map", str(fifo))
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write {fifo}: it is a FIFO, not a regular file\n"
    assert result.stdout == ""


def test_hostile_text_does_not_drive_the_terminal(tmp_path: Path) -> None:
    old = _write(tmp_path / "a.yaml", _tiny((_task(1, 1, "推进\x1b[31m改革", "", "市税务局"),)))
    result = run("diff", str(old), str(old))
    assert "\x1b" not in result.stdout
    assert "推进\\x1b[31m改革" in result.stdout


def test_two_lists_of_210_diff_quickly(real: TaskList) -> None:
    tasks = tuple(_reword(t) for t in real.tasks)
    start = time.perf_counter()
    result = diff(real, replace(real, tasks=tasks))
    assert time.perf_counter() - start < 1.0
    assert result.count(Change.CHANGED) == 210


def test_one_file_for_two_outputs_or_xlsx_to_o_is_a_usage_error(tiny: tuple[Path, Path]) -> None:
    old, new = tiny
    out = old.parent / "out.csv"
    result = run("diff", str(old), str(new), "-o", str(out), "--map", str(out))
    assert (result.exit_code, result.stderr) == (
        2,
        "error: -o and --map name one file; choose two\n",
    )
    result = run("diff", str(old), str(new), "-o", str(old.parent / "out.xlsx"))
    assert (result.exit_code, result.stderr) == (
        2,
        "error: -o writes table, json or csv; write xlsx with --map FILE.xlsx\n",
    )
    assert not out.exists()


def test_an_ongoing_task_and_a_deadline_in_the_same_place_of_another_year() -> None:
    """2020年6月底 in the 2020 list and 2021年6月底 in the 2021 list are one deadline; a task
    that became ongoing (持续推进) changed its deadline."""
    old = _tiny((_task(1, 1, "推行企业开办一网通办", "", "市税务局"),))
    same_place = _tiny((_task(1, 1, "推行企业开办一网通办", "", "市税务局", 2021),), 2021)
    ongoing = _tiny((replace(same_place.tasks[0], deadline=None, deadline_text="持续推进"),), 2021)
    assert diff(old, same_place).matches[0].fields == ()
    (match,) = diff(old, ongoing).matches
    assert (match.change, match.fields) == (Change.SAME, (Field.DEADLINE,))


def test_no_row_to_show_leaves_the_summary_alone() -> None:
    result = run("diff", str(TASKS), str(TASKS), "--show", "changed", "--show", "new")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "210 old, 210 new: 210 same, 0 changed, 0 new, 0 dropped\n",
        "",
    )


def test_of_two_old_tasks_of_one_text_the_one_of_the_same_agency_continues() -> None:
    text = ("推行企业开办一网通办", "申请人登录一个平台即可办理全部开办事项。")
    old = _tiny((_task(1, 1, *text, "市税务局"), _task(2, 1, *text, "市市场监管局")))
    new = _tiny((_task(7, 1, *text, "市市场监管局"), _task(8, 1, *text, "市市场监管局")))
    pairs = [(m.change, m.new and m.new.id, m.old and m.old.id) for m in diff(old, new).matches]
    # 7 first (by id) takes the old task of its agency; 8 the other, its lead changed.
    assert pairs == [(Change.SAME, 7, 2), (Change.SAME, 8, 1)]
    assert diff(old, new).matches[1].fields == (Field.LEAD,)
